-- lib/score.lua -- alignment scoring: loads a rule plugin, streams the
-- events through it, spreads each contribution over the periods of the
-- event's EDTF day range, and sums per (country, period, pole). The
-- script API behind `caw score` and the alignment report:
--
--   local score = require("lib.score")
--   local res = score.score{ rule = "alignment", country = "KAZ",
--     from = "2022", to = "2025", period = "quarter",
--     set = { w_summit = 2 },            -- or { "w_summit=2" }
--     each = function(c) ... end }       -- optional: every contribution
--   for _, r in ipairs(res.rows) do print(r.country, r.period, r.pole, r.share) end
--
-- Figures are kept in integer millionths ("micro-points"): each spread
-- contribution is rounded once to the nearest 0.000001 and every sum is an
-- integer sum, so totals do not depend on the order of addition and the
-- rows of an explanation add up, digit for digit, to the reported figures.
-- The rule contract is in docs/scoring.md.
local poles = require("lib.poles")
local rates = require("lib.rates")
local money = require("lib.money")

local M = {}

M.PERIODS = { "quarter", "year" }
M.EXIT_RULE = caw.EXIT.SOFTWARE -- a rule that fails or returns bad data
local OPEN = 9007199254740992
local U = 1000000 -- micro-points per point

-- ---- rules ----

-- Rules found on the plugin path: sorted list of {name=, file=}.
function M.list_rules()
  local out, seen = {}, {}
  for _, path in ipairs(caw.plugin_files()) do
    local name = path:match("/rules/([^/]+)%.lua$")
    if name and not seen[name] then
      seen[name] = true
      out[#out + 1] = { name = name, file = path }
    end
  end
  table.sort(out, function(a, b) return a.name < b.name end)
  return out
end

-- The file of a rule given as a name ("alignment") or a path ("x.lua").
function M.find_rule(spec)
  if spec:find("/", 1, true) or spec:match("%.lua$") then
    local f = io and io.open(spec, "r")
    if io and not f then caw.fail(caw.EXIT.NOINPUT, "no rule file " .. spec) end
    if f then f:close() end
    return spec
  end
  local path = package.searchpath("rules." .. spec, package.path)
  if not path then
    local names = {}
    for _, r in ipairs(M.list_rules()) do names[#names + 1] = r.name end
    caw.fail(caw.EXIT.USAGE, string.format("no rule named '%s' (rules: %s; or give a FILE.lua)",
      spec, #names > 0 and table.concat(names, ", ") or "none found"))
  end
  return path
end

local function rule_fail(file, fmt, ...)
  caw.fail(M.EXIT_RULE, string.format("rule %s: ", file) .. string.format(fmt, ...))
end

-- Load and check a rule's declaration; returns the rule table with
-- .file set. Rules are cached per file for the run.
local loaded = {}
function M.load_rule(spec)
  local file = M.find_rule(spec)
  if loaded[file] then return loaded[file] end
  local r = caw.load_plugin(file)
  if type(r.name) ~= "string" or r.name == "" then rule_fail(file, "field 'name': expected a string") end
  if type(r.score) ~= "function" then rule_fail(file, "field 'score': expected a function(event, ctx)") end
  if type(r.params or {}) ~= "table" then rule_fail(file, "field 'params': expected a list") end
  if type(r.factors) ~= "table" then rule_fail(file, "field 'factors': expected a list of {name=, help=}") end
  local pnames = {}
  for i, p in ipairs(r.params or {}) do
    if type(p) ~= "table" or type(p.name) ~= "string" or not p.name:match("^[%a_][%w_]*$") then
      rule_fail(file, "field 'params[%d].name': expected an identifier", i)
    end
    if type(p.default) ~= "number" then
      rule_fail(file, "field 'params[%d].default' (%s): expected a number", i, p.name)
    end
    if pnames[p.name] then rule_fail(file, "field 'params[%d].name': '%s' is declared twice", i, p.name) end
    pnames[p.name] = true
  end
  local fnames, order = {}, {}
  for i, f in ipairs(r.factors) do
    if type(f) ~= "table" or type(f.name) ~= "string" or not f.name:match("^[%a_][%w_]*$") then
      rule_fail(file, "field 'factors[%d].name': expected an identifier", i)
    end
    if f.name == "mass" then
      rule_fail(file, "field 'factors[%d].name': 'mass' is reserved (caw adds it when it spreads a contribution)", i)
    end
    fnames[f.name] = true
    order[#order + 1] = f.name
  end
  r.file = file
  r.param_names = pnames
  r.factor_names = fnames
  r.factor_order = order
  loaded[file] = r
  return r
end

-- Resolve a rule's parameters: defaults, then `set` (a map name -> number
-- or a list of "name=value" strings). Unknown names and non-numbers are
-- usage errors (exit 64) naming the parameter.
function M.resolve_params(rule, set)
  local P = {}
  for _, p in ipairs(rule.params or {}) do P[p.name] = p.default end
  local overrides = {}
  local function put(k, v, how)
    if not rule.param_names[k] then
      local names = {}
      for _, p in ipairs(rule.params or {}) do names[#names + 1] = p.name end
      caw.fail(caw.EXIT.USAGE, string.format("unknown parameter '%s' for rule '%s' (its parameters: %s)",
        tostring(k), rule.name, #names > 0 and table.concat(names, ", ") or "none"))
    end
    local n = tonumber(v)
    if not n or n ~= n or n == math.huge or n == -math.huge then
      caw.fail(caw.EXIT.USAGE, string.format("parameter '%s' needs a number, not '%s'%s", k, tostring(v), how))
    end
    P[k] = n
    overrides[#overrides + 1] = { name = k, value = n }
  end
  if type(set) == "table" then
    if #set > 0 then
      for _, s in ipairs(set) do
        local k, v = tostring(s):match("^%s*([^=%s]+)%s*=%s*(.-)%s*$")
        if not k then caw.fail(caw.EXIT.USAGE, string.format("--set takes NAME=VALUE, not '%s'", tostring(s))) end
        put(k, v, "")
      end
    else
      local keys = {}
      for k in pairs(set) do keys[#keys + 1] = tostring(k) end
      table.sort(keys)
      for _, k in ipairs(keys) do put(k, set[k], "") end
    end
  end
  return P, overrides
end

-- Parameters as the rule sees them: a rule that reads an undeclared one
-- fails there, with its line, instead of computing with nil. (A
-- metatable on the table itself: no cost when reading declared ones.)
local function strict(P, rule)
  local view = {}
  for k, v in pairs(P) do view[k] = v end
  return setmetatable(view, {
    __index = function(_, k)
      error(string.format("rule '%s' reads undeclared parameter '%s'", rule.name, tostring(k)), 2)
    end,
    __newindex = function(_, k) error("rule parameters are read-only (tried to add '" .. tostring(k) .. "')", 2) end,
  })
end

-- ---- periods ----

local function quarter_info(day)
  local y, m = caw.date.civil(day)
  local q = (m - 1) // 3 + 1
  local lo = caw.date.day(y, 3 * q - 2, 1)
  local hi = (q == 4 and caw.date.day(y + 1, 1, 1) or caw.date.day(y, 3 * q + 1, 1)) - 1
  return { key = string.format("%d-Q%d", y, q), lo = lo, hi = hi }
end

local function year_info(day)
  local y = caw.date.civil(day)
  return { key = string.format("%d", y), lo = caw.date.day(y, 1, 1), hi = caw.date.day(y + 1, 1, 1) - 1 }
end

local INFO = { quarter = quarter_info, year = year_info }

-- The period of a day: {key, lo, hi}; cached per granularity and day.
local period_cache = { quarter = {}, year = {} }
function M.period_of(period, day)
  local cache = period_cache[period]
  local p = cache[day]
  if not p then p = INFO[period](day); cache[day] = p end
  return p
end

-- Parse a period key ("2024-Q3", "2024q3", "2024Q3" or "2024") for the
-- granularity; returns {key, lo, hi} or nil.
function M.parse_period(period, s)
  if type(s) ~= "string" then return nil end
  if period == "quarter" then
    local y, q = s:match("^(%-?%d+)%-?[Qq]([1-4])$")
    if not y then return nil end
    return M.period_of(period, caw.date.day(tonumber(y), 3 * tonumber(q) - 2, 1))
  end
  local y = s:match("^(%-?%d+)$")
  if not y then return nil end
  return M.period_of(period, caw.date.day(tonumber(y), 1, 1))
end

-- The date forms every --from, --to and --explain takes (caw.date.parse_query).
M.DATE_FORMS = "dates: 2024, 2024-Q2, 2024-34, 2024-06, 2024-06-13, or an interval like 2024-Q1/2024-Q3"

-- The one period (of the granularity) that holds the date s, given in any
-- of M.DATE_FORMS: "2024-Q2", "2024-34", "2024-05" and "2024-06-13" all
-- give 2024-Q2 for quarters. A date that spans more than one period is a
-- usage error naming them; so is a bad date.
function M.period_at(period, s, option)
  option = option or "--explain"
  local ok, d = pcall(caw.date.parse_query, tostring(s))
  if not ok then
    caw.fail(caw.EXIT.USAGE, string.format("%s: %s (%s)", option, caw.error_code(d) and d.message or tostring(d),
      M.DATE_FORMS))
  end
  if d.day_lo <= -OPEN or d.day_hi >= OPEN then
    caw.fail(caw.EXIT.USAGE, string.format("%s: '%s' has an open end; give one %s", option, s, period))
  end
  local first, last = M.period_of(period, d.day_lo), M.period_of(period, d.day_hi)
  if first.key ~= last.key then
    caw.fail(caw.EXIT.USAGE, string.format("%s: '%s' spans more than one %s (%s to %s); give one%s", option, s,
      period, first.key, last.key, period == "quarter" and " (like 2024-Q2), or --period year" or ""))
  end
  return first
end

-- The periods an event's day range [lo, hi] falls in, with the share of
-- its days in each: list of {info, mass}. An open end is read as the
-- other end; both open: nil.
local spread_cache = {}
function M.spread(period, lo, hi)
  if lo <= -OPEN then lo = hi end
  if hi >= OPEN then hi = lo end
  if lo <= -OPEN or hi >= OPEN then return nil end
  local p = M.period_of(period, lo)
  if hi <= p.hi then
    local one = spread_cache[p]
    if not one then one = { { p, 1 } }; spread_cache[p] = one end
    return one
  end
  local total = hi - lo + 1
  local out = {}
  local d = lo
  while d <= hi do
    p = M.period_of(period, d)
    local last = math.min(p.hi, hi)
    out[#out + 1] = { p, (last - d + 1) / total }
    d = last + 1
  end
  return out
end

-- ---- events ----

-- Scoring reads events with one query per table (events, actors, money,
-- tags) merged by rowid, then the GDELT events from their own table: the
-- same fields as caw.events gives, minus the heavy ones, which load on
-- first use (sources, summary, ...).
local LAZY = { sources = true, summary = true, location = true, attrs = true,
               batch = true, earliest = true, latest = true, precision = true }
local EVENT_MT = {
  __index = function(t, k)
    if not LAZY[k] then return nil end
    local full = caw.event(rawget(t, "id"))
    for f in pairs(LAZY) do
      if full and full[f] ~= nil then rawset(t, f, full[f]) end
    end
    if rawget(t, "sources") == nil then rawset(t, "sources", {}) end
    return rawget(t, k)
  end,
}

local WHERE = " WHERE +e.day_hi >= ?1 AND +e.day_lo <= ?2"

-- Call fn(ev) for every event possibly in [from_day, to_day].
function M.each_event(from_day, to_day, fn)
  local acts = caw.sql("SELECT a.event AS _row, a.actor AS code, a.role, a.level, a.stance, a.person," ..
    " a.confidence" ..
    " FROM event_actors a JOIN events e ON e.rowid = a.event" .. WHERE .. " ORDER BY a.event, a.seq",
    from_day, to_day)
  local money = caw.sql("SELECT m.event AS _row, m.amount, m.currency, m.kind, m.period, m.period_lo," ..
    " m.period_hi, m.provider, m.recipient, m.source, m.is_primary, m.note," ..
    " m.instrument, m.allocation" ..
    " FROM money m JOIN events e ON e.rowid = m.event" .. WHERE .. " ORDER BY m.event, m.seq",
    from_day, to_day)
  local tags = caw.sql("SELECT t.event AS _row, t.tag FROM event_tags t JOIN events e ON e.rowid = t.event" ..
    WHERE .. " ORDER BY t.event, t.tag", from_day, to_day)
  local a, m, t = acts(), money(), tags()
  for ev in caw.sql("SELECT e.rowid AS _row, e.id, e.date, e.day_lo, e.day_hi, e.type, e.title," ..
      " e.confidence, e.cameo, e.goldstein FROM events e" .. WHERE .. " ORDER BY e.rowid",
      from_day, to_day) do
    local row = ev._row
    local list, n = {}, 0
    while a and a._row == row do n = n + 1; list[n] = a; a = acts() end
    ev.actors = list
    list, n = {}, 0
    while m and m._row == row do
      m.primary = m.is_primary ~= 0
      if m.allocation then m.allocation = caw.json.decode(m.allocation) end
      m.is_primary = nil
      n = n + 1; list[n] = m; m = money()
    end
    ev.money = list
    list, n = {}, 0
    while t and t._row == row do n = n + 1; list[n] = t.tag; t = tags() end
    ev.tags = list
    fn(setmetatable(ev, EVENT_MT))
  end
  -- machine-coded events (GDELT, ICEWS...: one row each, actors inline),
  -- through the store's query
  for g in caw.events{ from_day = from_day, to_day = to_day, provenance = "coded" } do
    local acts = {}
    for i, a in ipairs(g.actors) do acts[i] = { code = a.code, role = a.role } end
    fn(setmetatable({ id = g.id, date = g.date, day_lo = g.day_lo, day_hi = g.day_hi,
                      type = g.type, title = g.title, confidence = g.confidence,
                      cameo = g.cameo, goldstein = g.goldstein, actors = acts,
                      money = {}, tags = g.tags, provenance = g.provenance }, EVENT_MT))
  end
end

-- ---- checking contributions ----

local POLE_OK = {}
for _, p in ipairs(poles.order) do POLE_OK[p] = true end

local function bad(rule, ev, i, field, fmt, ...)
  caw.fail(M.EXIT_RULE, string.format("rule '%s' (%s) returned a malformed contribution for event %s:" ..
    " contribution %d, field '%s': ", rule.name, rule.file, ev.id, i, field) .. string.format(fmt, ...))
end

-- Check one contribution; fails naming the field. (On the hot path:
-- no helper calls unless something is wrong.)
local function check(rule, ev, i, c, period)
  if type(c) ~= "table" then bad(rule, ev, i, "(contribution)", "expected a table, got %s", type(c)) end
  local country, value, f = c.country, c.value, c.factors
  if type(country) ~= "string" or country == "" then
    bad(rule, ev, i, "country", "expected an actor code, got %s", tostring(country))
  end
  if not POLE_OK[c.pole] then
    bad(rule, ev, i, "pole", "'%s' is not a pole (%s; lib/poles.lua order)", tostring(c.pole), table.concat(poles.order, ", "))
  end
  if type(value) ~= "number" or value - value ~= 0 then -- NaN and inf fail x - x == 0
    bad(rule, ev, i, "value", "expected a finite number, got %s", tostring(value))
  end
  if type(f) ~= "table" then bad(rule, ev, i, "factors", "expected a table {name = multiplier}, got %s", type(f)) end
  local names = rule.factor_names
  local prod = 1
  for k, x in next, f do
    if not names[k] then
      bad(rule, ev, i, "factors." .. tostring(k), "not declared in the rule's factors list (%s)", table.concat(rule.factor_order, ", "))
    end
    if type(x) ~= "number" or x - x ~= 0 then bad(rule, ev, i, "factors." .. k, "expected a finite number, got %s", tostring(x)) end
    prod = prod * x
  end
  local diff, scale = prod - value, value < 0 and -value or value
  if diff < 0 then diff = -diff end
  if diff > 1e-9 * (scale > 1 and scale or 1) then
    bad(rule, ev, i, "value", "%.17g is not the product of its factors (%.17g): every multiplier must be named in factors",
      value, prod)
  end
  if c.period ~= nil and not M.parse_period(period, c.period) then
    bad(rule, ev, i, "period", "'%s' is not a %s key (like %s)", tostring(c.period), period,
      period == "quarter" and "2024-Q3" or "2024")
  end
  local note = c.note
  if note ~= nil and type(note) ~= "string" then bad(rule, ev, i, "note", "expected a string") end
end

-- ---- money that cannot be converted ----

-- Append to list one {event, date, amount, currency, year, reason} per
-- primary money line of ev that lib/money.lua cannot convert to USD (no
-- rate for its currency and year): its money counts for nothing, and
-- `caw score` says so on stderr.
function M.unconverted_lines(ev, list)
  local year
  for _, m in ipairs(ev.money) do
    if m.primary then
      local day = ev.day_lo > -OPEN and ev.day_lo or ev.day_hi
      year = year or caw.date.civil(day)
      local usd, reason = money.usd(m.amount, m.currency, year)
      if not usd then
        list[#list + 1] = { event = ev.id, date = ev.date, amount = m.amount, currency = m.currency,
                            year = year, reason = reason }
      end
    end
  end
end

-- ---- scoring ----

local function window(period, from, to)
  local lo, hi = -OPEN, OPEN
  local function bound(name, s, upper)
    local ok, d = pcall(caw.date.parse_query, tostring(s))
    if not ok then
      caw.fail(caw.EXIT.USAGE, string.format("--%s: %s (%s)", name, caw.error_code(d) and d.message or tostring(d),
        M.DATE_FORMS))
    end
    local day = upper and d.day_hi or d.day_lo
    if day <= -OPEN or day >= OPEN then return nil end
    return day
  end
  if from then
    local d = bound("from", from, false)
    if d then lo = M.period_of(period, d).lo end
  end
  if to then
    local d = bound("to", to, true)
    if d then hi = M.period_of(period, d).hi end
  end
  if lo > hi then caw.fail(caw.EXIT.USAGE, "--from is after --to") end
  return lo, hi
end

local function traceback_handler(err)
  if type(err) == "table" then return err end -- a caw error keeps its code
  local msg = tostring(err)
  if debug and debug.traceback then return debug.traceback(msg, 2) end
  return msg
end

-- Format micro-points as a decimal with 6 places, exactly.
function M.fmt(u)
  local sign = u < 0 and "-" or ""
  local a = u < 0 and -u or u
  return string.format("%s%d.%06d", sign, a // U, a % U)
end

-- Totals of one (country, period): cells[pole] = {pos=, neg=, n=} ->
-- rows in poles.order, with shares.
local function cell_rows(country, key, cells)
  local sum_pos = 0
  for _, p in ipairs(poles.order) do
    local c = cells[p]
    if c and c.pos + c.neg > 0 then sum_pos = sum_pos + (c.pos + c.neg) end
  end
  local rows = {}
  for _, p in ipairs(poles.order) do
    local c = cells[p] or { pos = 0, neg = 0, n = 0 }
    local net = c.pos + c.neg
    local share
    if sum_pos > 0 then share = (net > 0 and net or 0) / sum_pos end
    rows[#rows + 1] = {
      country = country, period = key, pole = p,
      positive = c.pos / U, friction = c.neg / U, net = net / U, volume = (c.pos - c.neg) / U,
      share = share, events = c.n,
      positive_u = c.pos, friction_u = c.neg, net_u = net, volume_u = c.pos - c.neg,
    }
  end
  return rows
end
M.cell_rows = cell_rows

-- Add one micro-point value into acc[country][period][pole].
local function add(acc, country, key, pole, u)
  local by_period = acc[country]
  if not by_period then by_period = {}; acc[country] = by_period end
  local cells = by_period[key]
  if not cells then cells = {}; by_period[key] = cells end
  local c = cells[pole]
  if not c then c = { pos = 0, neg = 0, n = 0 }; cells[pole] = c end
  if u > 0 then c.pos = c.pos + u else c.neg = c.neg + u end
  c.n = c.n + 1
end
M.add = add

-- Sorted rows of an accumulator.
function M.rows_of(acc)
  local rows = {}
  local countries = {}
  for c in pairs(acc) do countries[#countries + 1] = c end
  table.sort(countries)
  for _, c in ipairs(countries) do
    local keys = {}
    for k in pairs(acc[c]) do keys[#keys + 1] = k end
    table.sort(keys)
    for _, k in ipairs(keys) do
      for _, r in ipairs(cell_rows(c, k, acc[c][k])) do rows[#rows + 1] = r end
    end
  end
  return rows
end

--[[ Score events with a rule. opts:
  rule    name or FILE.lua (default "alignment"), or a table from load_rule
  country only contributions to this state (nil: all)
  from, to  EDTF dates; widened to whole periods
  period  "quarter" (default) or "year"
  set     parameter overrides: {name = number} or {"name=value", ...}
  each    function(c) called for every spread contribution c =
          {country, period, pole, value (points), value_u (micro-points),
           factors (the rule's, plus mass), mass, note, money (the rule's
           list of money lines behind the figure, if it gives one), event
           (the event table; ev.sources loads on use)}; also turns on
           ctx.explain. The contributions of one event come one after
           another; each event is read once.
  from, to also take quarters written 2024-Q2 (caw.date.parse_query)
  explain true: ctx.explain without a callback
Returns {rule, rule_file, period, from, to, country, params (name -> value),
  overrides, factor_order, events (read), contributions, rows} where rows
  are sorted by country, period and pole order, each {country, period,
  pole, positive, friction, net, volume, share (nil when no pole is
  positive), events, and the *_u micro-point integers}, and unconverted:
  the primary money lines of the events read that have no exchange rate,
  {event, date, amount, currency, year, reason} (lib/money.lua). ]]
function M.score(opts)
  opts = opts or {}
  local rule = type(opts.rule) == "table" and opts.rule or M.load_rule(opts.rule or "alignment")
  local period = opts.period or "quarter"
  if not INFO[period] then caw.fail(caw.EXIT.USAGE, "period must be quarter or year, not '" .. tostring(period) .. "'") end
  local P, overrides = M.resolve_params(rule, opts.set)
  local from_day, to_day = window(period, opts.from, opts.to)
  local each = opts.each
  local ctx = { params = strict(P, rule), period = period, explain = (each ~= nil) or opts.explain or false,
                poles = poles, rates = rates, from_day = from_day, to_day = to_day, country = opts.country }
  local only = opts.country
  local acc = {}
  local nevents, ncontrib = 0, 0
  local score_fn = rule.score
  local floor = math.floor
  local period_cache = period_cache[period]
  local unconverted = {}
  M.each_event(from_day, to_day, function(ev)
    nevents = nevents + 1
    if ev.money[1] then M.unconverted_lines(ev, unconverted) end
    local ok, res = xpcall(score_fn, traceback_handler, ev, ctx)
    if not ok then
      if type(res) == "table" then error(res, 0) end
      caw.fail(M.EXIT_RULE, string.format("rule '%s' (%s) failed on event %s: %s", rule.name, rule.file, ev.id, res))
    end
    if res == nil then return end
    if type(res) ~= "table" then
      caw.fail(M.EXIT_RULE, string.format("rule '%s' (%s) returned a %s for event %s: expected a list of contributions or nil",
        rule.name, rule.file, type(res), ev.id))
    end
    local spread -- the event's periods, worked out on first use
    for i = 1, #res do
      local c = res[i]
      check(rule, ev, i, c, period)
      local country = c.country
      if not only or country == only then
        local periods
        if c.period then periods = { { M.parse_period(period, c.period), 1 } }
        else
          if spread == nil then
            local lo, hi = ev.day_lo, ev.day_hi
            local p = period_cache[lo]
            if p and hi <= p.hi then -- the common case: one period
              spread = spread_cache[p]
              if not spread then spread = { { p, 1 } }; spread_cache[p] = spread end
            else
              spread = M.spread(period, lo, hi) or false
            end
          end
          periods = spread
        end
        for j = 1, periods and #periods or 0 do
          local info, mass = periods[j][1], periods[j][2]
          if info.lo >= from_day and info.hi <= to_day then
            local u = floor(c.value * mass * U + 0.5)
            -- acc[country][period][pole] += u (inline add())
            local by_period = acc[country]
            if not by_period then by_period = {}; acc[country] = by_period end
            local cells = by_period[info.key]
            if not cells then cells = {}; by_period[info.key] = cells end
            local cell = cells[c.pole]
            if not cell then cell = { pos = 0, neg = 0, n = 0 }; cells[c.pole] = cell end
            if u > 0 then cell.pos = cell.pos + u else cell.neg = cell.neg + u end
            cell.n = cell.n + 1
            ncontrib = ncontrib + 1
            if each then
              local f = {}
              for k, x in pairs(c.factors) do f[k] = x end
              f.mass = mass
              each({ country = country, period = info.key, pole = c.pole, value_u = u, value = u / U,
                     factors = f, mass = mass, note = c.note, money = c.money, event = ev })
            end
          end
        end
      end
    end
  end)
  local params = {}
  for k, v in pairs(P) do params[k] = v end
  local order = {}
  for _, k in ipairs(rule.factor_order) do order[#order + 1] = k end
  order[#order + 1] = "mass"
  return {
    rule = rule.name, rule_file = rule.file, period = period,
    from = opts.from, to = opts.to, country = only,
    from_day = from_day > -OPEN and from_day or nil, to_day = to_day < OPEN and to_day or nil,
    params = params, overrides = overrides, factor_order = order,
    events = nevents, contributions = ncontrib, rows = M.rows_of(acc),
    unconverted = unconverted,
  }
end
M.compute = M.score

return M

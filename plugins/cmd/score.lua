-- cmd/score.lua -- `caw score`: alignment scores per Central Asian state,
-- period and pole from a rule plugin (plugins/rules/), with --explain to
-- list the contributions behind one figure and --compare to set two rule
-- sets side by side. The work is in lib/score.lua; docs/scoring.md has
-- the model and the rule contract.
local args = require("lib.args")
local text = require("lib.text")
local poles = require("lib.poles")
local score = require("lib.score")
local report = require("lib.report")

local spec = {
  usage = "caw [--db PATH] score [OPTIONS]",
  summary = "Alignment of each Central Asian state with the West, China and Russia, per\n" ..
            "quarter or year: per (country, period, pole) the positive sum, the friction\n" ..
            "(sum of negative contributions), net, volume and share = max(net,0) / sum over\n" ..
            "poles of max(net,0) (NA when no pole is positive). Figures are exact to\n" ..
            "0.000001 and the rows of --explain add up to them digit for digit.",
  options = {
    { "rule", arg = "NAME|FILE", default = "alignment", help = "rule plugin: a name under plugins/rules/ or a .lua file" },
    { "country", arg = "CODE", help = "only this state (KAZ, KGZ, TJK, TKM, UZB)" },
    { "from", arg = "DATE", help = "from the period holding DATE (2022, 2023-Q2, 2023-04, 2023-04-15, ...)" },
    { "to", arg = "DATE", help = "to the period holding DATE" },
    { "period", arg = "P", default = "quarter", choices = { "quarter", "year" }, help = "period" },
    { "set", arg = "NAME=VALUE", multi = true, help = "override a rule parameter (repeatable)" },
    { "format", arg = "FMT", default = "table", choices = { "table", "csv", "json" }, help = "output format" },
    { "explain", arg = "PERIOD", help = "list every contribution to --country in the period holding PERIOD (2024-Q3, 2024-35, 2024-08-15; 2024 with --period year), sorted by weight, with the totals they add up to" },
    { "compare", arg = "RULE2", help = "score a second rule set (a name or FILE) and print both side by side" },
    { "compare-set", arg = "NAME=VALUE", multi = true, help = "override a parameter of the --compare rule only (repeatable); --set applies to the first rule only" },
    { "params", help = "list the rule's parameters (defaults and values after --set) and exit" },
  },
  max_args = 0,
  epilog = "Examples:\n" ..
           "  caw score --country KAZ --from 2022 --to 2025\n" ..
           "  caw score --country KAZ --explain 2024-Q3\n" ..
           "  caw score --country KAZ --set format_c5=0.8 --format csv\n" ..
           "  caw score --compare alignment --compare-set w_summit=2\n" ..
           "Rules live in plugins/rules/ (see docs/scoring.md); poles in plugins/lib/poles.lua.",
}

local function share_text(s) return s and string.format("%.1f%%", s * 100) or "NA" end
local function share_csv(s) return s and string.format("%.6f", s) or "NA" end
local function num(x) return string.format("%.6g", x) end
-- the shortest decimal that reads back as the same double
local function exact(x)
  for _, f in ipairs({ "%.15g", "%.16g" }) do
    local s = string.format(f, x)
    if tonumber(s) == x then return s end
  end
  return string.format("%.17g", x)
end
local fmt = score.fmt

-- Standard output through caw.write, so that `caw score --sandbox` works:
-- out:write(...) collects, out:close() writes.
local function output()
  local buf = {}
  return {
    write = function(_, ...)
      for i = 1, select("#", ...) do buf[#buf + 1] = select(i, ...) end
    end,
    close = function() caw.write("-", table.concat(buf)) end,
  }
end

local function params_line(res)
  if #res.overrides == 0 then return "defaults" end
  local out = {}
  for _, o in ipairs(res.overrides) do out[#out + 1] = o.name .. "=" .. num(o.value) end
  return table.concat(out, " ")
end

local function header(res)
  return string.format("rule %s (%s), %s%s%s%s; parameters: %s\n", res.rule, res.rule_file,
    res.period == "year" and "years" or "quarters",
    res.country and ", " .. res.country or "",
    res.from and ", from " .. res.from or "", res.to and ", to " .. res.to or "", params_line(res))
end

local function json_params(res)
  local p = {}
  for k, v in pairs(res.params) do p[k] = v end
  return p
end

-- ---- plain scores ----

local COLS = { "country", "period", "pole", "share", "net", "positive", "friction", "volume", "events" }

local function print_scores(res, format)
  local out = output()
  if format == "csv" then
    out:write(text.csv_row(COLS))
    for _, r in ipairs(res.rows) do
      out:write(text.csv_row({ r.country, r.period, r.pole, share_csv(r.share), fmt(r.net_u),
        fmt(r.positive_u), fmt(r.friction_u), fmt(r.volume_u), r.events }, #COLS))
    end
  elseif format == "json" then
    local rows = caw.json.array()
    for i, r in ipairs(res.rows) do
      rows[i] = { country = r.country, period = r.period, pole = r.pole, share = r.share,
        net = r.net, positive = r.positive, friction = r.friction, volume = r.volume, events = r.events }
    end
    out:write(caw.json.encode({ rule = res.rule, rule_file = res.rule_file, period = res.period,
      from = res.from, to = res.to, country = res.country, params = json_params(res),
      events_read = res.events, rows = rows }, { indent = true }), "\n")
  else
    out:write(header(res))
    local rows = {}
    for _, r in ipairs(res.rows) do
      rows[#rows + 1] = { r.country, r.period, r.pole, share_text(r.share), fmt(r.net_u),
        fmt(r.positive_u), fmt(r.friction_u), fmt(r.volume_u), tostring(r.events) }
    end
    out:write(text.table({ "COUNTRY", "PERIOD", "POLE", "SHARE", "NET", "POSITIVE", "FRICTION", "VOLUME", "EVENTS" }, rows))
    if #rows == 0 then caw.log("caw: no contributions in this range") end
  end
  out:close()
end

-- ---- money ----

-- One line on stderr per money line that could not be converted to USD
-- (lib/rates.lua has no rate for its currency and year): its money counts
-- for nothing, and the analyst should know.
local function warn_unconverted(res)
  for _, u in ipairs(res.unconverted or {}) do
    caw.log(string.format("caw: warning: event %s: %s %s (%d) not converted to USD, %s; its money is not counted",
      u.event, u.currency, text.number(u.amount, u.amount % 1 == 0 and 0 or 2), u.year, u.reason))
  end
end

-- The money columns of an --explain row: the stated amounts, currency,
-- year, rate and USD of the money lines behind a contribution (several
-- lines joined with " + "), from the rule's c.money list.
local MONEY_COLS = { "money_stated", "money_currency", "money_share", "money_year", "money_rate", "money_usd" }
local MONEY_HEADERS = { "STATED", "CUR", "SHARE", "YEAR", "RATE", "USD" }
local function money_cells(c, csv)
  local list = c.money
  if not list or #list == 0 then return { "", "", "", "", "", "" } end
  local cols = { {}, {}, {}, {}, {}, {} }
  for i, d in ipairs(list) do
    cols[1][i] = csv and string.format("%.2f", d.amount) or text.number(d.amount, d.amount % 1 == 0 and 0 or 2)
    cols[2][i] = d.currency
    if d.share == 1 then cols[3][i] = "1"
    elseif d.basis == "equal" and not csv then cols[3][i] = string.format("1/%d", d.among)
    elseif d.basis == "stated" or d.basis == "rest" then cols[3][i] = exact(d.share) .. " " .. d.basis
    else cols[3][i] = exact(d.share) end
    cols[4][i] = tostring(d.year)
    cols[5][i] = d.rate and exact(d.rate) or "none"
    cols[6][i] = d.usd and (csv and string.format("%.2f", d.usd) or "$" .. text.number(d.usd / 1e6, 2) .. "m")
      or "not converted"
  end
  local out = {}
  for k = 1, 6 do out[k] = table.concat(cols[k], " + ") end
  return out
end

-- ---- --explain ----

local function first_url(ev)
  local s = ev.sources[1]
  return s and s.url or ""
end

local function explain(opts)
  if not opts.country then
    caw.fail(caw.EXIT.USAGE, "--explain needs --country (one state and one period)")
  end
  local info = score.period_at(opts.period, opts.explain, "--explain")
  local list = {}
  -- read only the events that can reach this period; the figures of a
  -- period do not depend on the window around it
  local from, to = caw.date.format(info.lo), caw.date.format(info.hi)
  local res = score.score({ rule = opts.rule, country = opts.country, period = opts.period,
    from = from, to = to, set = opts.set,
    each = function(c) if c.period == info.key then list[#list + 1] = c end end })
  warn_unconverted(res)
  -- sorted by weight: |value| descending, then date, event id, pole
  table.sort(list, function(a, b)
    local wa, wb = a.value_u < 0 and -a.value_u or a.value_u, b.value_u < 0 and -b.value_u or b.value_u
    if wa ~= wb then return wa > wb end
    if a.event.day_lo ~= b.event.day_lo then return a.event.day_lo < b.event.day_lo end
    if a.event.id ~= b.event.id then return a.event.id < b.event.id end
    return a.pole < b.pole
  end)
  -- the totals, from the same integers as the rows
  local acc = {}
  for _, c in ipairs(list) do score.add(acc, c.country, c.period, c.pole, c.value_u) end
  local totals = score.cell_rows(opts.country, info.key, acc[opts.country] and acc[opts.country][info.key] or {})
  -- and they must be the figures `caw score` reports
  for _, r in ipairs(res.rows) do
    if r.period == info.key then
      for _, t in ipairs(totals) do
        if t.pole == r.pole and (t.net_u ~= r.net_u or t.positive_u ~= r.positive_u or t.events ~= r.events) then
          caw.fail(caw.EXIT.SOFTWARE, "internal error: explanation totals differ from the scores for " .. r.pole)
        end
      end
    end
  end
  local order = res.factor_order
  local out = output()
  if opts.format == "csv" then
    local cols = { "row", "country", "period", "pole", "value", "positive", "friction", "net", "volume", "share", "events" }
    for _, f in ipairs(order) do cols[#cols + 1] = f end
    for _, f in ipairs({ "event_id", "date", "title", "source_url", "note" }) do cols[#cols + 1] = f end
    for _, f in ipairs(MONEY_COLS) do cols[#cols + 1] = f end
    out:write(text.csv_row(cols))
    for _, c in ipairs(list) do
      local row = { "contribution", c.country, c.period, c.pole, fmt(c.value_u), "", "", "", "", "", "" }
      for _, f in ipairs(order) do row[#row + 1] = c.factors[f] and exact(c.factors[f]) or "" end
      for _, v in ipairs({ c.event.id, c.event.date, c.event.title, first_url(c.event), c.note }) do row[#row + 1] = v end
      for _, v in ipairs(money_cells(c, true)) do row[#row + 1] = v end
      out:write(text.csv_row(row, #cols))
    end
    for _, t in ipairs(totals) do
      local row = { "total", t.country, t.period, t.pole, fmt(t.net_u), fmt(t.positive_u), fmt(t.friction_u),
        fmt(t.net_u), fmt(t.volume_u), share_csv(t.share), t.events }
      out:write(text.csv_row(row, #cols))
    end
  elseif opts.format == "json" then
    local rows = caw.json.array()
    for i, c in ipairs(list) do
      local srcs = caw.json.array()
      for j, s in ipairs(c.event.sources) do srcs[j] = { url = s.url, publisher = s.publisher, title = s.title } end
      rows[i] = { pole = c.pole, value = c.value, factors = c.factors, event_id = c.event.id,
        date = c.event.date, title = c.event.title, sources = srcs, note = c.note }
      if c.money and #c.money > 0 then
        local ml = caw.json.array()
        for j, d in ipairs(c.money) do
          ml[j] = { stated_amount = d.amount, currency = d.currency, share = d.share, basis = d.basis,
                    year = d.year, rate = d.rate, usd = d.usd, not_converted = d.usd == nil and d.reason or nil }
        end
        rows[i].money = ml
      end
    end
    local tot = caw.json.array()
    for i, t in ipairs(totals) do
      tot[i] = { pole = t.pole, positive = t.positive, friction = t.friction, net = t.net,
        volume = t.volume, share = t.share, events = t.events }
    end
    out:write(caw.json.encode({ rule = res.rule, rule_file = res.rule_file, country = opts.country,
      period = info.key, params = json_params(res), factor_order = caw.json.array(order),
      contributions = rows, totals = tot }, { indent = true }), "\n")
  else
    out:write(string.format("%s %s: every contribution, by weight (value = %s)\n", opts.country, info.key,
      table.concat(order, " × ")))
    out:write(header(res))
    local headers = { "#", "POLE", "VALUE" }
    for _, f in ipairs(order) do headers[#headers + 1] = f:upper() end
    for _, h in ipairs({ "DATE", "EVENT ID", "EVENT", "SOURCE", "NOTE" }) do headers[#headers + 1] = h end
    for _, h in ipairs(MONEY_HEADERS) do headers[#headers + 1] = h end
    local rows = {}
    for i, c in ipairs(list) do
      local row = { tostring(i), c.pole, fmt(c.value_u) }
      for _, f in ipairs(order) do row[#row + 1] = c.factors[f] and num(c.factors[f]) or "1" end
      row[#row + 1] = c.event.date
      row[#row + 1] = c.event.id
      row[#row + 1] = text.truncate(c.event.title, 60)
      row[#row + 1] = first_url(c.event)
      row[#row + 1] = c.note or ""
      for _, v in ipairs(money_cells(c, false)) do row[#row + 1] = v end
      rows[#rows + 1] = row
    end
    out:write(text.table(headers, rows))
    out:write(string.format("\nTotals for %s %s (sums of the rows above):\n", opts.country, info.key))
    local trs = {}
    for _, t in ipairs(totals) do
      trs[#trs + 1] = { t.pole, fmt(t.positive_u), fmt(t.friction_u), fmt(t.net_u), fmt(t.volume_u),
        share_text(t.share), tostring(t.events) }
    end
    out:write(text.table({ "POLE", "POSITIVE", "FRICTION", "NET", "VOLUME", "SHARE", "EVENTS" }, trs))
  end
  out:close()
end

-- ---- --compare ----

local function compare(opts)
  local a = score.score({ rule = opts.rule, country = opts.country, from = opts.from, to = opts.to,
    period = opts.period, set = opts.set })
  local b = score.score({ rule = opts.compare, country = opts.country, from = opts.from, to = opts.to,
    period = opts.period, set = opts.compare_set })
  local keys, ra, rb = {}, {}, {}
  local function key(r) return r.country .. "\0" .. r.period .. "\0" .. r.pole end
  for _, r in ipairs(a.rows) do ra[key(r)] = r; keys[#keys + 1] = r end
  for _, r in ipairs(b.rows) do
    if not ra[key(r)] then keys[#keys + 1] = r end
    rb[key(r)] = r
  end
  local PO = {}
  for i, p in ipairs(poles.order) do PO[p] = i end
  table.sort(keys, function(x, y)
    if x.country ~= y.country then return x.country < y.country end
    if x.period ~= y.period then return x.period < y.period end
    return PO[x.pole] < PO[y.pole]
  end)
  local out = output()
  local function d(x, y)
    if x == nil or y == nil then return nil end
    return y - x
  end
  if opts.format == "csv" then
    local cols = { "country", "period", "pole", "share_a", "share_b", "share_b_minus_a", "net_a", "net_b", "net_b_minus_a",
      "events_a", "events_b" }
    out:write(text.csv_row(cols))
    for _, k in ipairs(keys) do
      local x, y = ra[key(k)], rb[key(k)]
      local sd = d(x and x.share, y and y.share)
      out:write(text.csv_row({ k.country, k.period, k.pole, share_csv(x and x.share), share_csv(y and y.share),
        sd and string.format("%.6f", sd) or "NA", fmt(x and x.net_u or 0), fmt(y and y.net_u or 0),
        fmt((y and y.net_u or 0) - (x and x.net_u or 0)), x and x.events or 0, y and y.events or 0 }, #cols))
    end
  elseif opts.format == "json" then
    local rows = caw.json.array()
    for i, k in ipairs(keys) do
      local x, y = ra[key(k)], rb[key(k)]
      rows[i] = { country = k.country, period = k.period, pole = k.pole,
        a = x and { share = x.share, net = x.net, positive = x.positive, friction = x.friction, events = x.events },
        b = y and { share = y.share, net = y.net, positive = y.positive, friction = y.friction, events = y.events },
        b_minus_a = { share = d(x and x.share, y and y.share), net = ((y and y.net_u or 0) - (x and x.net_u or 0)) / 1e6 } }
    end
    out:write(caw.json.encode({
      a = { rule = a.rule, rule_file = a.rule_file, params = json_params(a) },
      b = { rule = b.rule, rule_file = b.rule_file, params = json_params(b) },
      period = a.period, from = opts.from, to = opts.to, country = opts.country, rows = rows }, { indent = true }), "\n")
  else
    out:write("A: " .. header(a))
    out:write("B: " .. header(b))
    out:write("Δ = B − A: positive when B gives the pole more (share in percentage points)\n")
    local rows = {}
    for _, k in ipairs(keys) do
      local x, y = ra[key(k)], rb[key(k)]
      local sd = d(x and x.share, y and y.share)
      rows[#rows + 1] = { k.country, k.period, k.pole, share_text(x and x.share), share_text(y and y.share),
        sd and string.format("%+.1f", sd * 100) or "NA", fmt(x and x.net_u or 0), fmt(y and y.net_u or 0),
        fmt((y and y.net_u or 0) - (x and x.net_u or 0)) }
    end
    out:write(text.table({ "COUNTRY", "PERIOD", "POLE", "SHARE A", "SHARE B", "Δ SHARE = B − A (PTS)", "NET A", "NET B",
      "Δ NET = B − A" }, rows))
  end
  out:close()
end

local function list_params(opts)
  local rule = score.load_rule(opts.rule)
  local P = score.resolve_params(rule, opts.set)
  local rows = {}
  for _, p in ipairs(rule.params or {}) do
    rows[#rows + 1] = { p.name, num(p.default), num(P[p.name]), p.help or "" }
  end
  local out = output()
  out:write(string.format("rule %s (%s): %s\n", rule.name, rule.file, rule.description or ""))
  out:write(text.table({ "PARAMETER", "DEFAULT", "VALUE", "MEANING" }, rows))
  local frows = {}
  for _, f in ipairs(rule.factors) do frows[#frows + 1] = { f.name, f.help or "" } end
  frows[#frows + 1] = { "mass", "share of the event's EDTF day range in the period (added by caw)" }
  out:write("\n" .. text.table({ "FACTOR", "MEANING" }, frows))
  out:close()
end

local function run(argv)
  local opts = args.parse(spec, argv)
  if not opts then return 0 end
  opts.country = report.check_country(opts.country)
  if opts.params then list_params(opts); return 0 end
  if #opts.compare_set > 0 and not opts.compare then
    caw.fail(caw.EXIT.USAGE, "--compare-set needs --compare RULE2")
  end
  if opts.explain and opts.compare then
    caw.fail(caw.EXIT.USAGE, "--explain and --compare do not go together")
  end
  if opts.explain then explain(opts)
  elseif opts.compare then compare(opts)
  else
    local res = score.score({ rule = opts.rule, country = opts.country, from = opts.from, to = opts.to,
      period = opts.period, set = opts.set })
    warn_unconverted(res)
    print_scores(res, opts.format)
  end
  return 0
end

return {
  name = "score", kind = "command",
  description = "alignment scores per country, period and pole, with --explain and --compare",
  run = run,
}

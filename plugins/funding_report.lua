-- funding_report.lua -- caw's main job: funding and investment commitments
-- to the Central Asian states by partner pole (West, China, Russia), by
-- partner, recipient, kind and year, with every figure traced to its
-- sources. The money rules (direction, the split of regional packages,
-- conversion, kinds) are lib/money.lua's, shared with `caw score`.
--
--   caw run plugins/funding_report.lua [--from 2023] [--to 2024]
--       [--country KAZ] [--format md|csv|json|html] [-o FILE]
--
-- Policy lives in editable Lua: lib/poles.lua says who counts for which
-- pole, lib/rates.lua holds the exchange rates, lib/money.lua the rules. Output is deterministic:
-- the same database gives byte-identical reports.
local args = require("lib.args")
local text = require("lib.text")
local poles = require("lib.poles")
local rates = require("lib.rates")
local money = require("lib.money")
local report = require("lib.report")

local spec = {
  usage = "caw run plugins/funding_report.lua [OPTIONS]",
  summary = "Money to Central Asia by partner pole, partner, recipient, kind and year: the\n" ..
            "stated amount and currency, USD at the annual average rate of the event's year\n" ..
            "(a line without a rate is listed as not converted), and the amount per year\n" ..
            "where a line spans months. Firm money (commitments, disbursements) and pledges\n" ..
            "or announced investment are totalled apart; a regional package is split among\n" ..
            "its members (stated shares, else equally: lib/money.lua, as in caw score);\n" ..
            "money from Central Asian states to partners is listed apart. Every row lists\n" ..
            "its sources.",
  options = {
    { "from", arg = "DATE", help = "commitments possibly on or after DATE (2023, 2023-06, ...)" },
    { "to", arg = "DATE", help = "commitments possibly on or before DATE" },
    { "country", arg = "CODE", help = "only this recipient (KAZ, KGZ, TJK, TKM, UZB): its own lines and its part of regional packages, marked ‡" },
    { "pole", arg = "POLE", choices = { "WEST", "CHN", "RUS", "OTHER" }, help = "only this pole" },
  },
  max_args = 0,
  epilog = "Edit plugins/lib/poles.lua (pole membership), plugins/lib/rates.lua (rates and their\n" ..
           "sources) and plugins/lib/money.lua (how regional money is split).",
}
for _, o in ipairs(report.options) do spec.options[#spec.options + 1] = o end

-- Pole labels and order from lib/poles.lua (an analyst may count more
-- partners as poles), then "Other" for partners of no pole.
local POLE_LABEL = setmetatable({ OTHER = "Other" }, { __index = function(_, k) return poles.names[k] or k end })
local POLE_ORDER = setmetatable({}, { __index = function(_, k)
  for i, p in ipairs(poles.order) do if p == k then return i end end
  return #poles.order + 1
end })
local CLASSES = { "firm", "announced" }
local OPEN = 9007199254740992

local function year_of(day) return (caw.date.civil(day)) end

local function source_list(ev, m)
  local list, seen = {}, {}
  local function add(s)
    if s and not seen[s.url] then seen[s.url] = true; list[#list + 1] = s end
  end
  add(ev.sources[m.source])
  for _, s in ipairs(ev.sources) do add(s) end
  return list
end

local MONTHS = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" }

-- Spread usd by whole months over the line's period: "2024/2026" is 36
-- months, a third in each year. Returns years, flow[year], months, label.
local function spread(m, usd, year)
  if usd and m.period_lo and m.period_lo > -OPEN and m.period_hi < OPEN then
    local y1, m1 = caw.date.civil(m.period_lo)
    local y2, m2 = caw.date.civil(m.period_hi)
    local months = (y2 - y1) * 12 + (m2 - m1) + 1
    local years, flow = {}, {}
    for y = y1, y2 do
      local first = (y == y1) and m1 or 1
      local last = (y == y2) and m2 or 12
      years[#years + 1] = y
      flow[y] = usd * (last - first + 1) / months
    end
    local span = string.format("%s %d – %s %d", MONTHS[m1], y1, MONTHS[m2], y2)
    return years, flow, months, span
  end
  return { year }, { [year] = usd }, nil, nil
end

-- The label of a line's Central Asian side: its code, or the event's
-- states when it names none.
local function side_label(code, ev, day)
  if code then return code end
  local states = money.event_states(ev, day)
  return #states > 0 and table.concat(states, "+") or "?"
end

--[[ One row per primary money line (money.sides, money.split and
money.usd: the rules `caw score` uses). With --country X a row holds X's
part of the line only, and lines X has no part in are left out. ]]
local function collect(opts)
  local rows = {}
  local events = 0
  for ev in caw.events({ from = opts.from, to = opts.to }) do
    events = events + 1
    local alts = {}
    for _, m in ipairs(ev.money) do
      if not m.primary then
        local s = ev.sources[m.source]
        alts[#alts + 1] = { amount = m.amount, currency = m.currency, note = m.note, kind = m.kind,
                            source = s and (s.publisher or s.url) }
      end
    end
    local day = ev.day_lo > -OPEN and ev.day_lo or ev.day_hi
    for seq, m in ipairs(ev.money) do
      if m.primary then
        local provider, recipient, direction = money.sides(ev, m)
        local partner = direction == "outward" and recipient or provider
        local ca_side = direction == "outward" and provider or recipient
        local pole = poles.of(partner, day) or "OTHER"
        local year = year_of(day)
        local line_usd, rate, why = money.usd(m.amount, m.currency, year)
        local parts, unallocated = money.split(m, ca_side, ev, day)
        local part
        if opts.country then
          for _, s in ipairs(parts) do if s.code == opts.country then part = s end end
        end
        if (not opts.country or part) and (not opts.pole or opts.pole == pole) then
          local usd = line_usd
          if part and line_usd then usd = line_usd * part.share end
          local years, flow, months, span = spread(m, usd, year)
          local label = side_label(ca_side, ev, day)
          rows[#rows + 1] = {
            event_id = ev.id, title = ev.title, date = ev.date, year = year, seq = seq, day = day,
            pole = pole, partner = partner or "?", direction = direction,
            provider = provider or (direction == "outward" and label) or "?",
            recipient = direction == "outward" and (recipient or "?") or label,
            group = #parts > 1 or (ca_side ~= nil and poles.regional[ca_side] or false),
            parts = parts, unallocated = unallocated, part = part,
            kind = m.kind, class = money.class(m.kind), instrument = m.instrument,
            amount = m.amount, currency = m.currency, stated_share = part and part.amount or m.amount,
            usd = usd, line_usd = line_usd, rate = line_usd and rate or nil,
            rate_note = line_usd and why or nil, not_converted = (not line_usd) and rate or nil,
            period = m.period, years = years, flow = flow, months = months, span = span,
            per_year = (usd and months) and usd * 12 / months or nil, note = m.note,
            sources = source_list(ev, m), alternatives = alts,
            confidence = ev.confidence, unverified = ev.confidence < 0.5,
          }
        end
      end
    end
  end
  table.sort(rows, function(a, b)
    if a.year ~= b.year then return a.year < b.year end
    if a.pole ~= b.pole then return POLE_ORDER[a.pole] < POLE_ORDER[b.pole] end
    if a.date ~= b.date then return a.date < b.date end
    if a.event_id ~= b.event_id then return a.event_id < b.event_id end
    return a.seq < b.seq
  end)
  return rows, events
end

local function counted(r) return r.direction == "inward" and r.usd ~= nil end

-- The money-line tables, by direction (lib/money.lua sides).
local DIRECTIONS = { "inward", "outward", "elsewhere" }
local SECTION = {
  inward = "Money lines to Central Asia",
  outward = "Money from Central Asian states to partners (not counted above)",
  elsewhere = "Money lines with no Central Asian side (not counted above)",
}

-- Totals of the counted rows (money into Central Asia with a rate):
-- by pole and class, by pole, kind (and instrument) and year, the annual
-- flow by pole and class, and by recipient state (the split applied).
local function totals(rows, opts)
  local t = { pole = {}, kind = {}, flow = {}, recipient = {}, years = {}, flow_years = {},
              poles = {}, kind_keys = {}, states = {} }
  local yearset, flowset, poleset, kindset, stateset = {}, {}, {}, {}, {}
  for _, r in ipairs(rows) do
    if counted(r) then
      local p = r.pole
      if not poleset[p] then poleset[p] = true; t.poles[#t.poles + 1] = p end
      local pt = t.pole[p] or { firm = 0, announced = 0, lines = 0 }
      t.pole[p] = pt
      pt[r.class] = pt[r.class] + r.usd
      pt.lines = pt.lines + 1
      local kk = p .. "\0" .. r.kind .. "\0" .. (r.instrument or "")
      local kt = t.kind[kk]
      if not kt then
        kt = { pole = p, kind = r.kind, instrument = r.instrument, total = 0, by_year = {} }
        t.kind[kk] = kt
        kindset[#kindset + 1] = kk
      end
      kt.by_year[r.year] = (kt.by_year[r.year] or 0) + r.usd
      kt.total = kt.total + r.usd
      yearset[r.year] = true
      local ft = t.flow[p] or { firm = {}, announced = {} }
      t.flow[p] = ft
      for _, y in ipairs(r.years) do
        ft[r.class][y] = (ft[r.class][y] or 0) + r.flow[y]
        flowset[y] = true
      end
      -- by recipient: each state's part (the report's own row already is
      -- the --country state's part)
      local parts = r.part and { r.part } or r.parts
      for _, s in ipairs(parts) do
        local usd = r.part and r.usd or r.line_usd * s.share
        local st = t.recipient[s.code] or { firm = 0, announced = 0 }
        t.recipient[s.code] = st
        st[r.class] = st[r.class] + usd
        if not stateset[s.code] then stateset[s.code] = true; t.states[#t.states + 1] = s.code end
      end
      if not r.part and r.unallocated > 0 then
        local st = t.recipient["-"] or { firm = 0, announced = 0 }
        t.recipient["-"] = st
        st[r.class] = st[r.class] + r.line_usd * r.unallocated / r.amount
        if not stateset["-"] then stateset["-"] = true; t.states[#t.states + 1] = "-" end
      end
    end
  end
  for y in pairs(yearset) do t.years[#t.years + 1] = y end
  table.sort(t.years)
  for y in pairs(flowset) do t.flow_years[#t.flow_years + 1] = y end
  table.sort(t.flow_years)
  table.sort(t.poles, function(a, b) return POLE_ORDER[a] < POLE_ORDER[b] end)
  local KO = {}
  for i, k in ipairs(money.KINDS) do KO[k] = i end
  table.sort(kindset, function(a, b)
    local x, y = t.kind[a], t.kind[b]
    if x.pole ~= y.pole then return POLE_ORDER[x.pole] < POLE_ORDER[y.pole] end
    if x.kind ~= y.kind then return KO[x.kind] < KO[y.kind] end
    return (x.instrument or "") < (y.instrument or "")
  end)
  t.kind_keys = kindset
  table.sort(t.states, function(a, b)
    if a == "-" or b == "-" then return b == "-" and a ~= "-" end
    return a < b
  end)
  return t
end

local function musd(x) return x and ("$" .. text.number(x / 1e6, 2) .. "m") or "n/a" end
local function zmusd(x) return (x and x ~= 0) and musd(x) or "–" end
local function stated(r) return r.currency .. " " .. text.number(r.amount, r.amount % 1 == 0 and 0 or 2) end
local function usd_cell(r)
  if not r.usd then return "not converted" end
  return musd(r.usd) .. (r.rate_note and "†" or "") .. ((r.part and r.group) and "‡" or "")
end
local function kind_label(k) return k.kind .. (k.instrument and (" (" .. k.instrument .. ")") or "") end

-- How a line reaches the row's recipient: "whole", "split 1/5 (C5)", ...
local function split_text(r)
  if r.direction ~= "inward" then return "–" end
  if r.part then
    if r.part.basis == "whole" then return "whole" end
    return string.format("%s of %s", money.basis_text(r.part), stated(r))
  end
  if r.group then
    local stated_n = 0
    for _, s in ipairs(r.parts) do if s.basis == "stated" then stated_n = stated_n + 1 end end
    if stated_n > 0 then
      return string.format("split among %d states (%d stated shares)", #r.parts, stated_n)
    end
    return string.format("split equally among %d states", #r.parts)
  end
  return "whole"
end

local function filters_line(opts)
  local f = {}
  if opts.from then f[#f + 1] = "from " .. opts.from end
  if opts.to then f[#f + 1] = "to " .. opts.to end
  if opts.country then f[#f + 1] = "recipient " .. opts.country end
  if opts.pole then f[#f + 1] = "pole " .. POLE_LABEL[opts.pole] end
  return #f > 0 and table.concat(f, ", ") or "none"
end
local function alt_text(r)
  local out = {}
  for _, a in ipairs(r.alternatives) do
    out[#out + 1] = string.format("%s %s%s%s", a.currency, text.number(a.amount),
      a.note and (": " .. a.note) or "", a.source and (" (" .. a.source .. ")") or "")
  end
  return table.concat(out, "; ")
end

local function per_year_text(r)
  if not r.months or not r.per_year then return "–" end
  return string.format("%s a year over %d months (%s)", musd(r.per_year), r.months, r.span)
end

-- What the headline counts, in one sentence (every format says it).
local function headline_sentence(opts)
  return "The headline counts money flowing into Central Asia only, in USD at the annual " ..
    "average rate of the event's year: firm money (commitments and disbursements) and " ..
    "pledges or announced investment in separate columns, never added together; money " ..
    "from Central Asian states to partners and lines without an exchange rate are not counted" ..
    (opts.country and ("; a regional package counts with " .. opts.country .. "'s part only " ..
      "(the share the source states, else an equal split among the group's members)") or "") .. "."
end

local INTRO = "Amounts are as stated, in the stated currency. USD uses the annual average " ..
  "rate of the event's year (plugins/lib/rates.lua names the source of each currency); a " ..
  "line in a currency or year with no rate is listed under \"Not converted\", never guessed. " ..
  "A regional package (recipient C5, or an event with several states and no recipient) is " ..
  "split among the group's members at the event's date: by the shares the source states " ..
  "(the line's allocation), the rest equally (plugins/lib/money.lua, the rule `caw score` " ..
  "uses too). A commitment over several months is spread evenly across them. Provider and " ..
  "recipient are as stated. Poles: West = US, UK, EU and its member states (plugins/lib/poles.lua)."

local NOTE_TEXT = {
  dagger = "† the rate used is provisional (see the notes below).",
  ddagger = "‡ the figure is this state's part of a regional package.",
}

-- The notes every format carries: provisional rates, split figures, and
-- the lines not converted.
local function notes_of(rows, opts)
  local n = { provisional = {}, not_converted = {}, split = false }
  for _, r in ipairs(rows) do
    if r.rate_note then
      n.provisional[#n.provisional + 1] = string.format("%s: %s", r.event_id, r.rate_note)
    end
    if r.not_converted then
      n.not_converted[#n.not_converted + 1] = r
    end
    if r.part and r.group then n.split = true end
  end
  return n
end

local function not_converted_text(r)
  return string.format("%s (%s, %s %s): %s %s, %s; not counted in any total", r.event_id, r.date,
    r.provider, "to " .. r.recipient,
    stated(r), r.kind, r.not_converted)
end

local function markdown(rows, t, nevents, opts)
  local out = { "# Funding and investment commitments to Central Asia\n" }
  out[#out + 1] = string.format("Filters: %s. Events read: %d. Money lines: %d.\n", filters_line(opts), nevents, #rows)
  out[#out + 1] = INTRO .. "\n"
  out[#out + 1] = "## Totals by pole (USD)\n"
  out[#out + 1] = headline_sentence(opts) .. "\n"
  local trs = {}
  for _, p in ipairs(t.poles) do
    local pt = t.pole[p]
    trs[#trs + 1] = { POLE_LABEL[p], tostring(pt.lines), zmusd(pt.firm), zmusd(pt.announced) }
  end
  out[#out + 1] = report.md_table({ "Pole", "Lines", money.CLASS_LABEL.firm, money.CLASS_LABEL.announced },
    trs, { "l", "r", "r", "r" })
  out[#out + 1] = "## By pole, kind and year (USD)\n"
  local headers, align = { "Pole", "Kind" }, { "l", "l" }
  for _, y in ipairs(t.years) do headers[#headers + 1] = tostring(y); align[#align + 1] = "r" end
  headers[#headers + 1] = "Total"; align[#align + 1] = "r"
  trs = {}
  for _, kk in ipairs(t.kind_keys) do
    local k = t.kind[kk]
    local r = { POLE_LABEL[k.pole], kind_label(k) }
    for _, y in ipairs(t.years) do r[#r + 1] = zmusd(k.by_year[y]) end
    r[#r + 1] = musd(k.total)
    trs[#trs + 1] = r
  end
  out[#out + 1] = report.md_table(headers, trs, align)
  out[#out + 1] = "## By recipient (USD, regional packages split)\n"
  trs = {}
  for _, c in ipairs(t.states) do
    local st = t.recipient[c]
    trs[#trs + 1] = { c == "-" and "not allocated to a state" or c, zmusd(st.firm), zmusd(st.announced) }
  end
  out[#out + 1] = report.md_table({ "Recipient", money.CLASS_LABEL.firm, money.CLASS_LABEL.announced },
    trs, { "l", "r", "r" })
  out[#out + 1] = "## Annual flow by pole (USD per year, multi-year commitments spread evenly)\n"
  headers, align = { "Pole", "Money" }, { "l", "l" }
  for _, y in ipairs(t.flow_years) do headers[#headers + 1] = tostring(y); align[#align + 1] = "r" end
  trs = {}
  for _, p in ipairs(t.poles) do
    for _, cl in ipairs(CLASSES) do
      local r = { POLE_LABEL[p], cl }
      for _, y in ipairs(t.flow_years) do r[#r + 1] = zmusd(t.flow[p][cl][y]) end
      trs[#trs + 1] = r
    end
  end
  out[#out + 1] = report.md_table(headers, trs, align)
  for _, dir in ipairs(DIRECTIONS) do
    local list = {}
    for _, r in ipairs(rows) do
      if r.direction == dir then
        list[#list + 1] = {
          tostring(r.year), POLE_LABEL[r.pole], r.provider, r.recipient,
          r.kind .. (r.instrument and (" (" .. r.instrument .. ")") or ""),
          stated(r), split_text(r), usd_cell(r), r.period or "–", per_year_text(r),
          r.title .. (r.unverified and " (unverified)" or ""),
          { md = report.sources_md(r.sources) },
          alt_text(r),
        }
      end
    end
    if #list > 0 or dir == "inward" then
      out[#out + 1] = "## " .. SECTION[dir] .. "\n"
      out[#out + 1] = report.md_table({ "Year", "Pole", "Provider", "Recipient", "Kind", "Stated",
        "Split", "USD", "Period", "USD per year", "Event", "Sources", "Other figures stated" }, list,
        { "l", "l", "l", "l", "l", "r", "l", "r", "l", "r", "l", "l", "l" })
    end
  end
  local n = notes_of(rows, opts)
  if #n.not_converted > 0 then
    out[#out + 1] = "## Not converted\n"
    local l = {}
    for _, r in ipairs(n.not_converted) do l[#l + 1] = "- " .. text.md(not_converted_text(r)) end
    out[#out + 1] = table.concat(l, "\n") .. "\n"
  end
  if #n.provisional > 0 or n.split then
    out[#out + 1] = "## Notes\n"
    local l = {}
    if #n.provisional > 0 then l[#l + 1] = "- " .. NOTE_TEXT.dagger end
    if n.split then l[#l + 1] = "- " .. NOTE_TEXT.ddagger end
    for _, p in ipairs(n.provisional) do l[#l + 1] = "- † " .. text.md(p) .. "." end
    out[#out + 1] = table.concat(l, "\n") .. "\n"
  end
  return table.concat(out, "\n")
end

local CSV_COLS = { "year", "pole", "provider", "recipient", "regional", "direction", "kind",
  "money_class", "instrument", "counted", "amount", "currency", "share", "share_basis", "stated_share",
  "rate", "usd", "line_usd", "rate_note", "not_converted", "period", "years", "usd_per_year",
  "event_id", "date", "title", "confidence", "source_urls", "other_figures" }

-- Why a row is or is not in the headline.
local function counted_text(r)
  if r.direction == "outward" then return "no: money from Central Asia" end
  if r.direction == "elsewhere" then return "no: no Central Asian side" end
  if not r.usd then return "no: not converted" end
  return r.class
end

local function csv(rows, opts)
  local out = { "# " .. headline_sentence(opts) .. "\n", text.csv_row(CSV_COLS) }
  for _, r in ipairs(rows) do
    local urls = {}
    for _, s in ipairs(r.sources) do urls[#urls + 1] = s.url end
    out[#out + 1] = text.csv_row({ r.year, r.pole, r.provider, r.recipient, tostring(r.group and true or false),
      r.direction, r.kind, r.class, r.instrument, counted_text(r),
      string.format("%.2f", r.amount), r.currency,
      r.part and string.format("%.17g", r.part.share) or "1", r.part and r.part.basis or (r.group and "split" or "whole"),
      string.format("%.2f", r.stated_share), r.rate and string.format("%.17g", r.rate),
      r.usd and string.format("%.2f", r.usd), r.line_usd and string.format("%.2f", r.line_usd),
      r.rate_note, r.not_converted, r.period,
      table.concat(r.years, " "), r.per_year and string.format("%.2f", r.per_year),
      r.event_id, r.date, r.title, r.confidence, table.concat(urls, " "), alt_text(r) }, #CSV_COLS)
  end
  return table.concat(out)
end

local function as_json(rows, t, nevents, opts)
  local list = caw.json.array()
  for i, r in ipairs(rows) do
    local srcs = caw.json.array()
    for j, s in ipairs(r.sources) do srcs[j] = { url = s.url, publisher = s.publisher, title = s.title } end
    local split = caw.json.array()
    for j, s in ipairs(r.parts) do
      split[j] = { recipient = s.code, amount = s.amount, share = s.share, basis = s.basis }
    end
    list[i] = { year = r.year, pole = r.pole, provider = r.provider, recipient = r.recipient,
      regional = r.group and true or false, direction = r.direction, kind = r.kind,
      money_class = r.class, instrument = r.instrument, counted = counted_text(r),
      amount = r.amount, currency = r.currency, share = r.part and r.part.share or nil,
      share_basis = r.part and r.part.basis or nil, split = split,
      rate = r.rate, usd = r.usd, line_usd = r.line_usd, rate_note = r.rate_note,
      not_converted = r.not_converted, period = r.period, years = caw.json.array(r.years),
      usd_per_year = r.per_year, months = r.months,
      event_id = r.event_id, date = r.date, title = r.title, confidence = r.confidence,
      sources = srcs, other_figures = #r.alternatives > 0 and alt_text(r) or nil }
  end
  local tot = {}
  for _, p in ipairs(t.poles) do
    local by_kind, flow = {}, {}
    for _, kk in ipairs(t.kind_keys) do
      local k = t.kind[kk]
      if k.pole == p then
        local key = k.kind .. (k.instrument and ("/" .. k.instrument) or "")
        local by_year = {}
        for y, v in pairs(k.by_year) do by_year[tostring(y)] = v end
        by_kind[key] = { usd_total = k.total, usd_by_year = by_year }
      end
    end
    for _, cl in ipairs(CLASSES) do
      local f = {}
      for y, v in pairs(t.flow[p][cl]) do f[tostring(y)] = v end
      flow[cl] = f
    end
    tot[p] = { lines = t.pole[p].lines, usd_firm = t.pole[p].firm, usd_announced = t.pole[p].announced,
               by_kind = by_kind, usd_flow_by_year = flow }
  end
  local rec = {}
  for _, c in ipairs(t.states) do
    rec[c == "-" and "unallocated" or c] = { usd_firm = t.recipient[c].firm, usd_announced = t.recipient[c].announced }
  end
  local nc = caw.json.array()
  for _, r in ipairs(notes_of(rows, opts).not_converted) do
    nc[#nc + 1] = { event_id = r.event_id, amount = r.amount, currency = r.currency, year = r.year, reason = r.not_converted }
  end
  return caw.json.encode({ filters = { from = opts.from, to = opts.to, country = opts.country, pole = opts.pole },
    headline = headline_sentence(opts), events_read = nevents, rate_source = rates.source,
    totals = tot, by_recipient = rec, not_converted = nc, lines = list },
    { indent = true }) .. "\n"
end

-- Sources as numbered links ([1] [2]), the publisher in the title.
local function numbered_sources(sources)
  local out = {}
  for i, s in ipairs(sources) do
    local name = text.html(s.publisher or s.url)
    if s.url:match("^urn:") then
      out[#out + 1] = string.format('<span title="%s (no web address recorded)">[%d]</span>', name, i)
    else
      out[#out + 1] = string.format('<a href="%s" title="%s">[%d]</a>', text.safe_url(s.url), name, i)
    end
  end
  return table.concat(out, " ")
end

-- Axis titles for a chart from lib/report (720 × 320, plot left 70, bottom 40).
local function with_axes(svg, y_title, x_title)
  local axes = string.format('<text x="14" y="150" font-size="12" text-anchor="middle" fill="#1d232a" ' ..
    'transform="rotate(-90 14 150)">%s</text>\n<text x="395" y="316" font-size="12" text-anchor="middle" ' ..
    'fill="#1d232a">%s</text>\n</svg>', text.html(y_title), text.html(x_title))
  return (svg:gsub("</svg>$", function() return axes end))
end

-- Page-specific layout: tables take the page width and wrap long text
-- (titles, periods); in a narrow window any cell may break a long number.
local FR_CSS = "<style>.fr table{width:100%}.fr td.num{white-space:normal}" ..
  ".fr .lines td{overflow-wrap:break-word}" ..
  ".fr .lines td:nth-child(1),.fr .lines td:nth-child(2),.fr .lines td:nth-child(4){white-space:nowrap}" ..
  ".fr .lines td:nth-child(3),.fr .lines td:nth-child(9){overflow-wrap:anywhere}" ..
  "@media (max-width:1000px){.fr .lines table{font-size:.8em}.fr .lines td{overflow-wrap:anywhere}" ..
  ".fr .lines td:nth-child(7){overflow-wrap:normal;white-space:nowrap}}</style>"

local function html(rows, t, nevents, opts)
  local b = { FR_CSS, "<div class=\"fr\">", "<h1>Funding and investment commitments to Central Asia</h1>" }
  b[#b + 1] = "<p class=\"note\">Filters: " .. text.html(filters_line(opts)) ..
    ". Events read: " .. nevents .. ". Money lines: " .. #rows .. ".</p>"
  b[#b + 1] = "<p class=\"note\">" .. text.html(INTRO) .. "</p>"
  b[#b + 1] = "<h2>Totals by pole (USD)</h2>"
  b[#b + 1] = "<p>" .. text.html(headline_sentence(opts)) .. "</p>"
  local trs = {}
  for _, p in ipairs(t.poles) do
    local pt = t.pole[p]
    trs[#trs + 1] = { POLE_LABEL[p], { num = tostring(pt.lines) }, { num = zmusd(pt.firm) }, { num = zmusd(pt.announced) } }
  end
  b[#b + 1] = report.html_table({ "Pole", "Lines", money.CLASS_LABEL.firm, money.CLASS_LABEL.announced }, trs)
  local series = {}
  for _, p in ipairs(t.poles) do series[#series + 1] = { key = p, label = POLE_LABEL[p] } end
  local cats = {}
  for _, y in ipairs(t.flow_years) do cats[#cats + 1] = tostring(y) end
  for _, cl in ipairs(CLASSES) do
    local label = cl == "firm" and "firm money" or "pledged or announced"
    b[#b + 1] = "<h2>Annual flow by pole, " .. label .. " (USD per year)</h2>"
    b[#b + 1] = report.legend_html(series)
    b[#b + 1] = with_axes(report.svg_stacked_bars(cats, series, function(c, k)
      return t.flow[k] and t.flow[k][cl][tonumber(c)] end, { title = "Annual flow by pole, " .. label }),
      "USD per year (m = million, bn = billion)", "Year")
  end
  b[#b + 1] = "<h2>By pole, kind and year (USD)</h2>"
  local headers = { "Pole", "Kind" }
  for _, y in ipairs(t.years) do headers[#headers + 1] = tostring(y) end
  headers[#headers + 1] = "Total"
  trs = {}
  for _, kk in ipairs(t.kind_keys) do
    local k = t.kind[kk]
    local r = { POLE_LABEL[k.pole], kind_label(k) }
    for _, y in ipairs(t.years) do r[#r + 1] = { num = zmusd(k.by_year[y]) } end
    r[#r + 1] = { num = musd(k.total) }
    trs[#trs + 1] = r
  end
  b[#b + 1] = report.html_table(headers, trs)
  b[#b + 1] = "<h2>By recipient (USD, regional packages split)</h2>"
  trs = {}
  for _, c in ipairs(t.states) do
    local st = t.recipient[c]
    trs[#trs + 1] = { c == "-" and "not allocated to a state" or c, { num = zmusd(st.firm) }, { num = zmusd(st.announced) } }
  end
  b[#b + 1] = report.html_table({ "Recipient", money.CLASS_LABEL.firm, money.CLASS_LABEL.announced }, trs)
  for _, dir in ipairs(DIRECTIONS) do
    trs = {}
    for _, r in ipairs(rows) do
      if r.direction == dir then
        local event = text.html(r.title .. (r.unverified and " (unverified)" or ""))
        local alt = alt_text(r)
        if alt ~= "" then event = event .. "<br><span class=\"note\">Also stated: " .. text.html(alt) .. "</span>" end
        local period = r.period or "–"
        if r.months then period = period .. "; " .. per_year_text(r) end
        trs[#trs + 1] = { tostring(r.year), POLE_LABEL[r.pole], r.provider .. " → " .. r.recipient,
          r.kind .. (r.instrument and (" (" .. r.instrument .. ")") or ""),
          { num = stated(r) }, split_text(r), { num = usd_cell(r) }, period,
          { html = event }, { html = "<span class=\"src\">" .. numbered_sources(r.sources) .. "</span>" } }
      end
    end
    if #trs > 0 or dir == "inward" then
      b[#b + 1] = "<h2>" .. text.html(SECTION[dir]) .. "</h2>"
      b[#b + 1] = "<div class=\"lines\">" .. report.html_table({ "Year", "Pole", "Provider → recipient", "Kind",
        "Stated", "Split", "USD", "Period", "Event", "Sources" }, trs) .. "</div>"
    end
  end
  local n = notes_of(rows, opts)
  if #n.not_converted > 0 then
    b[#b + 1] = "<h2>Not converted</h2>\n<ul>"
    for _, r in ipairs(n.not_converted) do b[#b + 1] = "<li>" .. text.html(not_converted_text(r)) .. "</li>" end
    b[#b + 1] = "</ul>"
  end
  if #n.provisional > 0 or n.split then
    b[#b + 1] = "<h2>Notes</h2>\n<ul>"
    if #n.provisional > 0 then b[#b + 1] = "<li>" .. text.html(NOTE_TEXT.dagger) .. "</li>" end
    if n.split then b[#b + 1] = "<li>" .. text.html(NOTE_TEXT.ddagger) .. "</li>" end
    for _, p in ipairs(n.provisional) do b[#b + 1] = "<li>† " .. text.html(p) .. ".</li>" end
    b[#b + 1] = "</ul>"
  end
  b[#b + 1] = "</div>"
  return report.html_page("Funding and investment commitments to Central Asia", table.concat(b, "\n"))
end

local function run(argv)
  local opts = args.parse(spec, argv)
  if not opts then return 0 end
  opts.country = report.check_country(opts.country)
  local rows, nevents = collect(opts)
  local t = totals(rows, opts)
  local body
  if opts.format == "csv" then body = csv(rows, opts)
  elseif opts.format == "json" then body = as_json(rows, t, nevents, opts)
  elseif opts.format == "html" then body = html(rows, t, nevents, opts)
  else body = markdown(rows, t, nevents, opts) end
  report.write(opts, body)
  return 0
end

return {
  name = "funding_report",
  kind = "report",
  description = "funding and investment commitments by pole, partner, recipient and year, with sources",
  run = run,
}

-- alignment_report.lua -- how each Central Asian state aligns between the
-- West, China and Russia: per quarter (or year), the share of each pole
-- and its net score as a table and two line charts on one x axis for all
-- states, the number of events behind every period (periods with fewer
-- than the rule's min_events are flagged), a coverage panel (events by
-- pole, state and year, and by source kind), and the events that moved
-- each period most with their sources.
--
--   caw run plugins/alignment_report.lua [--country KAZ] [--from 2022]
--       [--to 2025] [--period quarter|year] [--rule NAME|FILE]
--       [--set NAME=VALUE ...] [--top N] [--format md|csv|json|html] [-o FILE]
--
-- The scores are those of `caw score` (lib/score.lua, the rule in
-- plugins/rules/); `caw score --explain` lists every contribution behind
-- a figure. Output is deterministic: the same database and options give
-- byte-identical reports.
local args = require("lib.args")
local text = require("lib.text")
local poles = require("lib.poles")
local report = require("lib.report")
local score = require("lib.score")

local spec = {
  usage = "caw run plugins/alignment_report.lua [OPTIONS]",
  summary = "Alignment of the Central Asian states between the West, China and Russia:\n" ..
            "per state and quarter, each pole's share of the positive net scores, as a table\n" ..
            "and a line chart, with the top contributing events and their sources.",
  options = {
    { "country", arg = "CODE", help = "only this state (KAZ, KGZ, TJK, TKM, UZB)" },
    { "from", arg = "DATE", help = "from the period holding DATE (2022, 2023-Q2, 2023-04, 2023-04-15, ...)" },
    { "to", arg = "DATE", help = "to the period holding DATE" },
    { "period", arg = "P", default = "quarter", choices = { "quarter", "year" }, help = "period" },
    { "rule", arg = "NAME|FILE", default = "alignment", help = "scoring rule (plugins/rules/)" },
    { "set", arg = "NAME=VALUE", multi = true, help = "override a rule parameter (repeatable)" },
    { "top", arg = "N", number = true, default = 3, help = "top contributing events listed per period" },
  },
  max_args = 0,
  epilog = "See docs/scoring.md for the model; `caw score --explain` for every contribution.",
}
for _, o in ipairs(report.options) do spec.options[#spec.options + 1] = o end

local POLE_ORDER = {}
for i, p in ipairs(poles.order) do POLE_ORDER[p] = i end

local function country_name(code)
  for r in caw.sql("SELECT name FROM actors WHERE code = ?1", code) do return r.name end
  return code
end

local function pct(s) return s and string.format("%.1f%%", s * 100) or "NA" end

-- A period with fewer events than this is flagged, unless the rule has a
-- min_events parameter of its own.
local DEFAULT_MIN_EVENTS = 3

-- Micro-points with at most 3 decimals, for reading ("4.2", "-4.898",
-- "0"); CSV and JSON keep the full figures.
local function num3(u)
  local t = (u < 0 and -u or u) + 500 -- round half away from zero
  t = t // 1000
  if t == 0 then return "0" end
  local s = string.format("%s%d.%03d", u < 0 and "-" or "", t // 1000, t % 1000)
  return (s:gsub("0+$", ""):gsub("%.$", ""))
end

-- Rank contributions: heaviest first, then date, event, pole.
local function heavier(a, b)
  local wa, wb = math.abs(a.value_u), math.abs(b.value_u)
  if wa ~= wb then return wa > wb end
  if a.event.day_lo ~= b.event.day_lo then return a.event.day_lo < b.event.day_lo end
  if a.event.id ~= b.event.id then return a.event.id < b.event.id end
  return POLE_ORDER[a.pole] < POLE_ORDER[b.pole]
end

-- Where an event comes from, by its id (importers name their ids so).
local SOURCE_KINDS = { "curated", "gdelt", "icews", "acled" }
local SOURCE_NAMES = { curated = "Curated", gdelt = "GDELT", icews = "ICEWS", acled = "ACLED" }
local function source_kind(id)
  local prefix = id:match("^(%a+):")
  if prefix == "gdelt" or prefix == "icews" or prefix == "acled" then return prefix end
  return "curated"
end

-- The year of a period key ("2024-Q3" or "2024").
local function year_of(key) return key:match("^(%-?%d+)") end

-- A distinct-event counter: count[key] = number of different event ids.
-- score.score hands over an event's contributions one after another, so
-- remembering the last event per key is enough (no set of all ids).
local function counter()
  local last, count = {}, {}
  return count, function(key, id)
    if last[key] ~= id then last[key] = id; count[key] = (count[key] or 0) + 1 end
  end
end

local function collect(opts)
  local top = {} -- top[country][period] = list of at most opts.top contributions
  local n = math.max(0, math.floor(opts.top))
  local events, add_event = counter()    -- [country \0 period]
  local by_pole, add_pole = counter()    -- [country \0 pole \0 year]
  local by_kind, add_kind = counter()    -- [country \0 kind], [\0 kind] for all states
  local res = score.score({ rule = opts.rule, country = opts.country, from = opts.from, to = opts.to,
    period = opts.period, set = opts.set,
    each = function(c)
      local id = c.event.id
      add_event(c.country .. "\0" .. c.period, id)
      add_pole(c.country .. "\0" .. c.pole .. "\0" .. year_of(c.period), id)
      add_pole(c.country .. "\0" .. c.pole, id) -- all years
      local kind = source_kind(id)
      add_kind(c.country .. "\0" .. kind, id)
      add_kind(c.country, id) -- all kinds
      add_kind("\0" .. kind, id) -- all states
      add_kind("\0", id)
      if n == 0 or c.value_u == 0 then return end -- an event that scored 0 moved nothing
      top[c.country] = top[c.country] or {}
      local list = top[c.country][c.period]
      if not list then list = {}; top[c.country][c.period] = list end
      if #list < n or heavier(c, list[#list]) then
        local i = #list + 1
        while i > 1 and heavier(c, list[i - 1]) do i = i - 1 end
        table.insert(list, i, c)
        if #list > n then list[#list] = nil end
      end
    end })
  -- the states with contributions, and the cells of each
  local countries, by = {}, {}
  local first, last
  for _, r in ipairs(res.rows) do
    local c = by[r.country]
    if not c then
      c = { code = r.country, name = country_name(r.country), cells = {} }
      by[r.country] = c
      countries[#countries + 1] = c
    end
    c.cells[r.period] = c.cells[r.period] or {}
    c.cells[r.period][r.pole] = r
    if not first or r.period < first then first = r.period end
    if not last or r.period > last then last = r.period end
  end
  -- one x axis for every state: every period from the window's start (or
  -- the first with data) to its end (or the last with data), gaps included
  local axis = {}
  local p = res.from_day and score.period_of(res.period, res.from_day) or
    (first and score.parse_period(res.period, first))
  local stop = res.to_day and score.period_of(res.period, res.to_day) or
    (last and score.parse_period(res.period, last))
  if first then
    while p and p.lo <= stop.lo do
      axis[#axis + 1] = p.key
      p = score.period_of(res.period, p.hi + 1)
    end
  end
  local min_events = res.params.min_events or DEFAULT_MIN_EVENTS
  for _, c in ipairs(countries) do
    c.periods = axis
    c.top = top[c.code] or {}
    c.events = {}
    for _, key in ipairs(axis) do c.events[key] = events[c.code .. "\0" .. key] or 0 end
  end
  -- the coverage panel
  local years, seen_year = {}, {}
  for _, key in ipairs(axis) do
    local y = year_of(key)
    if not seen_year[y] then seen_year[y] = true; years[#years + 1] = y end
  end
  local cov = { years = years, min_events = min_events, by_pole = {}, by_kind = {} }
  for _, c in ipairs(countries) do
    for _, pole in ipairs(poles.order) do
      local row = { country = c.code, pole = pole, years = {}, total = 0 }
      for _, y in ipairs(years) do
        row.years[y] = by_pole[c.code .. "\0" .. pole .. "\0" .. y] or 0
      end
      row.total = by_pole[c.code .. "\0" .. pole] or 0
      cov.by_pole[#cov.by_pole + 1] = row
    end
    local krow = { country = c.code, kinds = {} }
    for _, k in ipairs(SOURCE_KINDS) do krow.kinds[k] = by_kind[c.code .. "\0" .. k] or 0 end
    krow.total = by_kind[c.code] or 0
    cov.by_kind[#cov.by_kind + 1] = krow
  end
  local all = { country = nil, kinds = {}, total = by_kind["\0"] or 0 }
  for _, k in ipairs(SOURCE_KINDS) do all.kinds[k] = by_kind["\0" .. k] or 0 end
  cov.all_kinds = all
  return res, countries, cov
end

local function filters_line(opts, res)
  local f = { "rule " .. opts.rule }
  if #res.overrides > 0 then
    local o = {}
    for _, x in ipairs(res.overrides) do o[#o + 1] = x.name .. "=" .. string.format("%.6g", x.value) end
    f[#f + 1] = "parameters " .. table.concat(o, ", ")
  end
  f[#f + 1] = res.period == "year" and "per year" or "per quarter"
  if opts.from then f[#f + 1] = "from " .. opts.from end
  if opts.to then f[#f + 1] = "to " .. opts.to end
  if opts.country then f[#f + 1] = "state " .. opts.country end
  return table.concat(f, ", ")
end

local INTRO = "Each event involving a Central Asian state and a pole (West = US, UK, EU and its " ..
  "member states; China; Russia: plugins/lib/poles.lua) contributes a score: its Goldstein weight " ..
  "(CAMEO) × the officials' level × the format (bilateral, C5+1, multilateral) × money " ..
  "(1 + 0.25·log10(1 + USD millions)) × date certainty × confidence, spread over the periods of " ..
  "its date range. Sanctions and other frictions are negative; UN votes score the agreement of " ..
  "the state's vote with the pole's. A pole's share is its positive net score over the sum of " ..
  "all positive net scores in the period (NA when none is positive). Rule and parameters: " ..
  "docs/scoring.md; every figure is broken down by `caw score --country CODE --explain PERIOD`."

local function coverage_note(res, min_events)
  return string.format("Events = the number of events behind a %s (all poles). A %s with fewer than %d " ..
    "(the rule's min_events) rests on too little to read a trend from: it is flagged here and drawn " ..
    "hollow on a grey band in the charts. Scores are shown with at most 3 decimals; the CSV and JSON " ..
    "formats have them in full.", res.period, res.period, min_events)
end

local function source_links_md(ev) return report.sources_md(ev.sources) end
local function source_links_html(ev) return report.sources_html(ev.sources) end

local function low_text(n, min_events)
  if n == 0 then return "no events" end
  if n < min_events then return string.format("low: %d of %d", n, min_events) end
  return ""
end

local function share_rows(c, min_events)
  local rows = {}
  for _, key in ipairs(c.periods) do
    local cells = c.cells[key]
    local r = { key }
    for _, p in ipairs(poles.order) do r[#r + 1] = cells and pct(cells[p].share) or "–" end
    for _, p in ipairs(poles.order) do r[#r + 1] = cells and num3(cells[p].net_u) or "–" end
    r[#r + 1] = tostring(c.events[key])
    r[#r + 1] = low_text(c.events[key], min_events)
    rows[#rows + 1] = r
  end
  return rows
end

local function share_headers(res)
  local h = { res.period == "year" and "Year" or "Quarter" }
  for _, p in ipairs(poles.order) do h[#h + 1] = poles.names[p] .. " share" end
  for _, p in ipairs(poles.order) do h[#h + 1] = poles.names[p] .. " net" end
  h[#h + 1] = "Events"
  h[#h + 1] = "Coverage"
  return h
end

local TOP_HEADERS = { "Period", "Pole", "Score", "Date", "Event", "Sources" }

-- The coverage panel: headers and rows of its two tables.
local function coverage_tables(cov)
  local h1 = { "State", "Pole" }
  for _, y in ipairs(cov.years) do h1[#h1 + 1] = y end
  h1[#h1 + 1] = "All years"
  local r1 = {}
  for _, row in ipairs(cov.by_pole) do
    local r = { row.country, poles.names[row.pole] }
    for _, y in ipairs(cov.years) do r[#r + 1] = tostring(row.years[y]) end
    r[#r + 1] = tostring(row.total)
    r1[#r1 + 1] = r
  end
  local h2 = { "State" }
  for _, k in ipairs(SOURCE_KINDS) do h2[#h2 + 1] = SOURCE_NAMES[k] end
  h2[#h2 + 1] = "All sources"
  local r2 = {}
  local function krow(name, row)
    local r = { name }
    for _, k in ipairs(SOURCE_KINDS) do r[#r + 1] = tostring(row.kinds[k]) end
    r[#r + 1] = tostring(row.total)
    r2[#r2 + 1] = r
  end
  for _, row in ipairs(cov.by_kind) do krow(row.country, row) end
  if #cov.by_kind > 1 then krow("All states", cov.all_kinds) end
  return h1, r1, h2, r2
end

local COVERAGE_TEXT = "Events that contribute to a score, by pole, state and year (an event counts once " ..
  "in each year it is spread over), and by where they come from: curated (caw JSON/CSV files such as " ..
  "the bundled dataset), GDELT, ICEWS, ACLED."

local function markdown(res, countries, cov, opts)
  local out = { "# Alignment of the Central Asian states between the West, China and Russia\n" }
  out[#out + 1] = string.format("Filters: %s. Events read: %d. Contributions: %d.\n",
    filters_line(opts, res), res.events, res.contributions)
  out[#out + 1] = INTRO .. "\n"
  out[#out + 1] = coverage_note(res, cov.min_events) .. "\n"
  if #countries == 0 then out[#out + 1] = "No contributions in this range.\n" end
  if #countries > 0 then
    out[#out + 1] = "## Coverage\n"
    out[#out + 1] = COVERAGE_TEXT .. "\n"
    local h1, r1, h2, r2 = coverage_tables(cov)
    local a1 = { "l", "l" }
    for _ = 3, #h1 do a1[#a1 + 1] = "r" end
    out[#out + 1] = report.md_table(h1, r1, a1)
    local a2 = { "l" }
    for _ = 2, #h2 do a2[#a2 + 1] = "r" end
    out[#out + 1] = report.md_table(h2, r2, a2)
  end
  for _, c in ipairs(countries) do
    out[#out + 1] = string.format("## %s (%s)\n", c.name, c.code)
    local align = { "l" }
    for _ = 1, 2 * #poles.order + 1 do align[#align + 1] = "r" end
    align[#align + 1] = "l"
    out[#out + 1] = report.md_table(share_headers(res), share_rows(c, cov.min_events), align)
    out[#out + 1] = string.format("### Top contributing events per %s\n", res.period)
    local rows = {}
    for _, key in ipairs(c.periods) do
      for _, x in ipairs(c.top[key] or {}) do
        rows[#rows + 1] = { key, poles.names[x.pole], num3(x.value_u), x.event.date, x.event.title,
          { md = source_links_md(x.event) } }
      end
    end
    out[#out + 1] = report.md_table(TOP_HEADERS, rows, { "l", "l", "r", "l", "l", "l" })
  end
  return table.concat(out, "\n")
end

local function html_num_rows(rows, from)
  local out = {}
  for _, r in ipairs(rows) do
    local row = {}
    for i, v in ipairs(r) do row[i] = i >= from and { num = v } or v end
    out[#out + 1] = row
  end
  return out
end

local function html(res, countries, cov, opts)
  local b = { "<h1>Alignment of the Central Asian states between the West, China and Russia</h1>" }
  b[#b + 1] = "<p class=\"note\">Filters: " .. text.html(filters_line(opts, res)) .. ". Events read: " ..
    res.events .. ". Contributions: " .. res.contributions .. ".</p>"
  b[#b + 1] = "<p class=\"note\">" .. text.html(INTRO) .. "</p>"
  b[#b + 1] = "<p class=\"note\">" .. text.html(coverage_note(res, cov.min_events)) .. "</p>"
  if #countries == 0 then b[#b + 1] = "<p>No contributions in this range.</p>" end
  if #countries > 0 then
    b[#b + 1] = "<h2>Coverage</h2>"
    b[#b + 1] = "<p class=\"note\">" .. text.html(COVERAGE_TEXT) .. "</p>"
    local h1, r1, h2, r2 = coverage_tables(cov)
    b[#b + 1] = report.html_table(h1, html_num_rows(r1, 3))
    b[#b + 1] = report.html_table(h2, html_num_rows(r2, 2))
  end
  local series = {}
  for _, p in ipairs(poles.order) do series[#series + 1] = { key = p, label = poles.names[p] } end
  local unit = res.period == "year" and "Year" or "Quarter"
  for _, c in ipairs(countries) do
    local low = function(key) return c.events[key] < cov.min_events end
    local count = function(key) return c.events[key] end
    b[#b + 1] = "<h2>" .. text.html(c.name .. " (" .. c.code .. ")") .. "</h2>"
    b[#b + 1] = report.legend_html(series)
    b[#b + 1] = report.svg_lines(c.periods, series, function(key, pole)
      local cells = c.cells[key]
      return cells and cells[pole].share or nil
    end, { title = "Share of each pole per " .. res.period .. ", " .. c.name,
           y_label = "Share of the positive net scores (%)",
           x_label = unit .. " (n = events behind it; hollow: fewer than " .. cov.min_events .. ")",
           count = count, low = low })
    b[#b + 1] = report.svg_lines(c.periods, series, function(key, pole)
      local cells = c.cells[key]
      return cells and cells[pole].net_u / 1e6 or nil
    end, { title = "Net score of each pole per " .. res.period .. ", " .. c.name,
           range = "auto", y_format = function(v) return num3(math.floor(v * 1e6 + 0.5)) end,
           y_label = "Net score (points; below 0: friction)",
           x_label = unit .. " (n = events behind it; hollow: fewer than " .. cov.min_events .. ")",
           count = count, low = low })
    b[#b + 1] = report.html_table(share_headers(res),
      html_num_rows(share_rows(c, cov.min_events), 2))
    b[#b + 1] = "<h3>Top contributing events per " .. text.html(res.period) .. "</h3>"
    local rows = {}
    for _, key in ipairs(c.periods) do
      for _, x in ipairs(c.top[key] or {}) do
        rows[#rows + 1] = { key, poles.names[x.pole], { num = num3(x.value_u) }, x.event.date, x.event.title,
          { html = "<span class=\"src\">" .. source_links_html(x.event) .. "</span>" } }
      end
    end
    b[#b + 1] = report.html_table(TOP_HEADERS, rows)
  end
  return report.html_page("Alignment of the Central Asian states", table.concat(b, "\n"))
end

-- One long table: row "score" per (state, period, pole) with the figures
-- in full; row "coverage" per (state, pole, year) and per (state, source
-- kind) with the event counts (pole ALL for the source kinds, state ALL
-- for all states).
local CSV_COLS = { "country", "period", "pole", "share", "net", "positive", "friction", "volume",
  "contributions", "top_events", "events", "low_coverage", "row", "source_kind" }

local function csv(res, countries, cov)
  local out = { text.csv_row(CSV_COLS) }
  local NC = #CSV_COLS
  for _, c in ipairs(countries) do
    for _, key in ipairs(c.periods) do
      local cells = c.cells[key]
      if cells then
        for _, p in ipairs(poles.order) do
          local r = cells[p]
          local tops = {}
          for _, x in ipairs(c.top[key] or {}) do
            if x.pole == p then
              tops[#tops + 1] = string.format("%s %s %s", x.event.id, score.fmt(x.value_u),
                x.event.sources[1] and x.event.sources[1].url or "")
            end
          end
          out[#out + 1] = text.csv_row({ c.code, key, p, r.share and string.format("%.6f", r.share) or "NA",
            score.fmt(r.net_u), score.fmt(r.positive_u), score.fmt(r.friction_u), score.fmt(r.volume_u),
            r.events, table.concat(tops, "; "), c.events[key], c.events[key] < cov.min_events and "true" or "false",
            "score", "" }, NC)
        end
      end
    end
  end
  for _, row in ipairs(cov.by_pole) do
    for _, y in ipairs(cov.years) do
      out[#out + 1] = text.csv_row({ row.country, y, row.pole, "", "", "", "", "", "", "", row.years[y], "",
        "coverage", "" }, NC)
    end
  end
  local function kinds(code, row)
    for _, k in ipairs(SOURCE_KINDS) do
      out[#out + 1] = text.csv_row({ code, "", "ALL", "", "", "", "", "", "", "", row.kinds[k], "", "coverage", k }, NC)
    end
  end
  for _, row in ipairs(cov.by_kind) do kinds(row.country, row) end
  if #cov.by_kind > 0 then kinds("ALL", cov.all_kinds) end
  return table.concat(out)
end

local function as_json(res, countries, cov, opts)
  local list = caw.json.array()
  for i, c in ipairs(countries) do
    local periods = caw.json.array()
    for _, key in ipairs(c.periods) do
      local cells = c.cells[key]
      local pl = {}
      if cells then
        for _, p in ipairs(poles.order) do
          local r = cells[p]
          pl[p] = { share = r.share, net = r.net, positive = r.positive, friction = r.friction,
                    volume = r.volume, contributions = r.events }
        end
      end
      local top = caw.json.array()
      for j, x in ipairs(c.top[key] or {}) do
        local srcs = caw.json.array()
        for k, s in ipairs(x.event.sources) do srcs[k] = { url = s.url, publisher = s.publisher, title = s.title } end
        top[j] = { pole = x.pole, score = x.value, event_id = x.event.id, date = x.event.date,
                   title = x.event.title, sources = srcs }
      end
      periods[#periods + 1] = { period = key, poles = cells and pl or nil, top = top,
        events = c.events[key], low_coverage = c.events[key] < cov.min_events }
    end
    list[i] = { code = c.code, name = c.name, periods = periods }
  end
  local params = {}
  for k, v in pairs(res.params) do params[k] = v end
  local by_pole = caw.json.array()
  for _, row in ipairs(cov.by_pole) do
    local years = {}
    for _, y in ipairs(cov.years) do years[y] = row.years[y] end
    by_pole[#by_pole + 1] = { country = row.country, pole = row.pole, years = years, total = row.total }
  end
  local by_source = caw.json.array()
  for _, row in ipairs(cov.by_kind) do
    by_source[#by_source + 1] = { country = row.country, kinds = row.kinds, total = row.total }
  end
  return caw.json.encode({ filters = { from = opts.from, to = opts.to, country = opts.country,
      period = res.period, rule = opts.rule }, params = params, events_read = res.events,
    contributions = res.contributions,
    coverage = { min_events = cov.min_events, years = caw.json.array(cov.years), by_pole = by_pole,
                 by_source = by_source, all_states = { kinds = cov.all_kinds.kinds, total = cov.all_kinds.total } },
    countries = list }, { indent = true }) .. "\n"
end

local function run(argv)
  local opts = args.parse(spec, argv)
  if not opts then return 0 end
  opts.country = report.check_country(opts.country)
  if opts.top < 0 then caw.fail(caw.EXIT.USAGE, "--top needs a number >= 0") end
  local res, countries, cov = collect(opts)
  local body
  if opts.format == "csv" then body = csv(res, countries, cov)
  elseif opts.format == "json" then body = as_json(res, countries, cov, opts)
  elseif opts.format == "html" then body = html(res, countries, cov, opts)
  else body = markdown(res, countries, cov, opts) end
  report.write(opts, body)
  return 0
end

return {
  name = "alignment_report",
  kind = "report",
  description = "share of the West, China and Russia per Central Asian state and quarter, with the events behind it",
  run = run,
}

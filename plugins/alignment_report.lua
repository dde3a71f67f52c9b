-- alignment_report.lua -- how each Central Asian state aligns between the
-- West, China and Russia: per quarter (or year), the share of each pole
-- as a table and a line chart, with the events that moved it most and
-- their sources.
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
    { "from", arg = "DATE", help = "from the period holding DATE (2022, 2023-04, ...)" },
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

-- Rank contributions: heaviest first, then date, event, pole.
local function heavier(a, b)
  local wa, wb = math.abs(a.value_u), math.abs(b.value_u)
  if wa ~= wb then return wa > wb end
  if a.event.day_lo ~= b.event.day_lo then return a.event.day_lo < b.event.day_lo end
  if a.event.id ~= b.event.id then return a.event.id < b.event.id end
  return POLE_ORDER[a.pole] < POLE_ORDER[b.pole]
end

local function collect(opts)
  local top = {} -- top[country][period] = list of at most opts.top contributions
  local n = math.max(0, math.floor(opts.top))
  local res = score.score({ rule = opts.rule, country = opts.country, from = opts.from, to = opts.to,
    period = opts.period, set = opts.set,
    each = function(c)
      if n == 0 then return end
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
  -- per country: its periods (every period from its first to its last,
  -- gaps included) and the rows of each
  local countries, by = {}, {}
  for _, r in ipairs(res.rows) do
    local c = by[r.country]
    if not c then
      c = { code = r.country, name = country_name(r.country), cells = {}, first = r.period, last = r.period }
      by[r.country] = c
      countries[#countries + 1] = c
    end
    c.cells[r.period] = c.cells[r.period] or {}
    c.cells[r.period][r.pole] = r
    c.last = r.period
  end
  for _, c in ipairs(countries) do
    c.periods = {}
    local p = score.parse_period(res.period, c.first)
    local last = score.parse_period(res.period, c.last)
    while p and p.lo <= last.lo do
      c.periods[#c.periods + 1] = p.key
      p = score.period_of(res.period, p.hi + 1)
    end
    c.top = top[c.code] or {}
  end
  return res, countries
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

local function source_links_md(ev) return report.sources_md(ev.sources) end
local function source_links_html(ev) return report.sources_html(ev.sources) end

local function share_rows(c)
  local rows = {}
  for _, key in ipairs(c.periods) do
    local cells = c.cells[key]
    local r = { key }
    local events = 0
    for _, p in ipairs(poles.order) do r[#r + 1] = cells and pct(cells[p].share) or "–" end
    for _, p in ipairs(poles.order) do
      r[#r + 1] = cells and score.fmt(cells[p].net_u) or "–"
      events = events + (cells and cells[p].events or 0)
    end
    r[#r + 1] = tostring(events)
    rows[#rows + 1] = r
  end
  return rows
end

local function share_headers(res)
  local h = { res.period == "year" and "Year" or "Quarter" }
  for _, p in ipairs(poles.order) do h[#h + 1] = poles.names[p] .. " share" end
  for _, p in ipairs(poles.order) do h[#h + 1] = poles.names[p] .. " net" end
  h[#h + 1] = "Contributions"
  return h
end

local TOP_HEADERS = { "Period", "Pole", "Score", "Date", "Event", "Sources" }

local function markdown(res, countries, opts)
  local out = { "# Alignment of the Central Asian states between the West, China and Russia\n" }
  out[#out + 1] = string.format("Filters: %s. Events read: %d. Contributions: %d.\n",
    filters_line(opts, res), res.events, res.contributions)
  out[#out + 1] = INTRO .. "\n"
  if #countries == 0 then out[#out + 1] = "No contributions in this range.\n" end
  for _, c in ipairs(countries) do
    out[#out + 1] = string.format("## %s (%s)\n", c.name, c.code)
    local align = { "l" }
    for _ = 1, 2 * #poles.order + 1 do align[#align + 1] = "r" end
    out[#out + 1] = report.md_table(share_headers(res), share_rows(c), align)
    out[#out + 1] = string.format("### Top contributing events per %s\n", res.period)
    local rows = {}
    for _, key in ipairs(c.periods) do
      for _, x in ipairs(c.top[key] or {}) do
        rows[#rows + 1] = { key, poles.names[x.pole], score.fmt(x.value_u), x.event.date, x.event.title,
          { md = source_links_md(x.event) } }
      end
    end
    out[#out + 1] = report.md_table(TOP_HEADERS, rows, { "l", "l", "r", "l", "l", "l" })
  end
  return table.concat(out, "\n")
end

local function html(res, countries, opts)
  local b = { "<h1>Alignment of the Central Asian states between the West, China and Russia</h1>" }
  b[#b + 1] = "<p class=\"note\">Filters: " .. text.html(filters_line(opts, res)) .. ". Events read: " ..
    res.events .. ". Contributions: " .. res.contributions .. ".</p>"
  b[#b + 1] = "<p class=\"note\">" .. text.html(INTRO) .. "</p>"
  if #countries == 0 then b[#b + 1] = "<p>No contributions in this range.</p>" end
  local series = {}
  for _, p in ipairs(poles.order) do series[#series + 1] = { key = p, label = poles.names[p] } end
  for _, c in ipairs(countries) do
    b[#b + 1] = "<h2>" .. text.html(c.name .. " (" .. c.code .. ")") .. "</h2>"
    b[#b + 1] = report.legend_html(series)
    b[#b + 1] = report.svg_lines(c.periods, series, function(key, pole)
      local cells = c.cells[key]
      return cells and cells[pole].share or nil
    end, { title = "Share of each pole per " .. res.period .. ", " .. c.name })
    local rows = {}
    for _, r in ipairs(share_rows(c)) do
      local row = { r[1] }
      for i = 2, #r do row[i] = { num = r[i] } end
      rows[#rows + 1] = row
    end
    b[#b + 1] = report.html_table(share_headers(res), rows)
    b[#b + 1] = "<h3>Top contributing events per " .. text.html(res.period) .. "</h3>"
    rows = {}
    for _, key in ipairs(c.periods) do
      for _, x in ipairs(c.top[key] or {}) do
        rows[#rows + 1] = { key, poles.names[x.pole], { num = score.fmt(x.value_u) }, x.event.date, x.event.title,
          { html = "<span class=\"src\">" .. source_links_html(x.event) .. "</span>" } }
      end
    end
    b[#b + 1] = report.html_table(TOP_HEADERS, rows)
  end
  return report.html_page("Alignment of the Central Asian states", table.concat(b, "\n"))
end

local CSV_COLS = { "country", "period", "pole", "share", "net", "positive", "friction", "volume",
  "contributions", "top_events" }

local function csv(res, countries)
  local out = { text.csv_row(CSV_COLS) }
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
            r.events, table.concat(tops, "; ") }, #CSV_COLS)
        end
      end
    end
  end
  return table.concat(out)
end

local function as_json(res, countries, opts)
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
      periods[#periods + 1] = { period = key, poles = cells and pl or nil, top = top }
    end
    list[i] = { code = c.code, name = c.name, periods = periods }
  end
  local params = {}
  for k, v in pairs(res.params) do params[k] = v end
  return caw.json.encode({ filters = { from = opts.from, to = opts.to, country = opts.country,
      period = res.period, rule = opts.rule }, params = params, events_read = res.events,
    contributions = res.contributions, countries = list }, { indent = true }) .. "\n"
end

local function run(argv)
  local opts = args.parse(spec, argv)
  if not opts then return 0 end
  opts.country = report.check_country(opts.country)
  if opts.top < 0 then caw.fail(caw.EXIT.USAGE, "--top needs a number >= 0") end
  local res, countries = collect(opts)
  local body
  if opts.format == "csv" then body = csv(res, countries)
  elseif opts.format == "json" then body = as_json(res, countries, opts)
  elseif opts.format == "html" then body = html(res, countries, opts)
  else body = markdown(res, countries, opts) end
  report.write(opts, body)
  return 0
end

return {
  name = "alignment_report",
  kind = "report",
  description = "share of the West, China and Russia per Central Asian state and quarter, with the events behind it",
  run = run,
}

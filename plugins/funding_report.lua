-- funding_report.lua -- caw's main job: funding and investment commitments
-- to the Central Asian states by partner pole (West, China, Russia), by
-- partner, recipient and year, with every figure traced to its sources.
--
--   caw run plugins/funding_report.lua [--from 2023] [--to 2024]
--       [--country KAZ] [--format md|csv|json|html] [-o FILE]
--
-- Policy lives in editable Lua: lib/poles.lua says who counts for which
-- pole, lib/rates.lua holds the exchange rates. Output is deterministic:
-- the same database gives byte-identical reports.
local args = require("lib.args")
local text = require("lib.text")
local poles = require("lib.poles")
local rates = require("lib.rates")
local report = require("lib.report")

local spec = {
  usage = "caw run plugins/funding_report.lua [OPTIONS]",
  summary = "Funding and investment commitments to Central Asia by partner pole, partner,\n" ..
            "recipient and year: the stated amount and currency, USD at the annual average\n" ..
            "rate of the commitment year, and the amount per year where a commitment spans\n" ..
            "years. Every row lists its sources.",
  options = {
    { "from", arg = "DATE", help = "commitments possibly on or after DATE (2023, 2023-06, ...)" },
    { "to", arg = "DATE", help = "commitments possibly on or before DATE" },
    { "country", arg = "CODE", help = "only this recipient (KAZ, KGZ, TJK, TKM, UZB); regional packages it shares are included and marked" },
    { "pole", arg = "POLE", choices = { "WEST", "CHN", "RUS", "OTHER" }, help = "only this pole" },
  },
  max_args = 0,
  epilog = "Edit plugins/lib/poles.lua (pole membership) and plugins/lib/rates.lua (rates).",
}
for _, o in ipairs(report.options) do spec.options[#spec.options + 1] = o end

local POLE_LABEL = { WEST = "West", CHN = "China", RUS = "Russia", OTHER = "Other" }
local POLE_ORDER = { WEST = 1, CHN = 2, RUS = 3, OTHER = 4 }
local OPEN = 9007199254740992

local function year_of(day) return (caw.date.civil(day)) end

local function first_actor(ev, pred)
  for _, a in ipairs(ev.actors) do if pred(a) then return a.code end end
end

local function is_ca(code) return poles.central_asia[code] or poles.regional[code] end

-- Who gives, who receives, and which way the money goes.
local function sides(ev, m)
  local provider = m.provider or first_actor(ev, function(a) return a.role == "initiator" end)
  local recipient = m.recipient or first_actor(ev, function(a)
    return a.role ~= "initiator" and is_ca(a.code) end)
  if provider and is_ca(provider) and recipient and not is_ca(recipient) then
    return recipient, provider, "outward"
  end
  return provider, recipient, "inward"
end

local function source_list(ev, m)
  local list, seen = {}, {}
  local function add(s)
    if s and not seen[s.url] then seen[s.url] = true; list[#list + 1] = s end
  end
  add(ev.sources[m.source])
  for _, s in ipairs(ev.sources) do add(s) end
  return list
end

local function matches_country(code, recipient)
  if not code then return true, false end
  if recipient == code then return true, false end
  if recipient and poles.regional[recipient] and poles.member_of(recipient, code) then
    return true, true
  end
  return false, false
end

local function collect(opts)
  local rows, skipped = {}, {}
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
    for seq, m in ipairs(ev.money) do
      if m.primary then
        local partner, recipient, direction = sides(ev, m)
        local keep, regional = matches_country(opts.country, recipient)
        local pole = poles.of(partner, ev.day_lo) or "OTHER"
        if keep and (not opts.pole or opts.pole == pole) then
          local year = year_of(ev.day_lo)
          local usd, rate_year, rate_note = rates.to_usd(m.amount, m.currency, year)
          -- spread by whole months over the period: "2024/2026" is 36
          -- months, a third in each year
          local years, flow, nyears = {}, {}, 1
          if usd and m.period_lo and m.period_lo > -OPEN and m.period_hi < OPEN then
            local y1, m1 = caw.date.civil(m.period_lo)
            local y2, m2 = caw.date.civil(m.period_hi)
            local months = (y2 - y1) * 12 + (m2 - m1) + 1
            for y = y1, y2 do
              local first = (y == y1) and m1 or 1
              local last = (y == y2) and m2 or 12
              years[#years + 1] = y
              flow[y] = usd * (last - first + 1) / months
            end
            nyears = months / 12
          else
            years[1] = year
            flow[year] = usd
          end
          rows[#rows + 1] = {
            event_id = ev.id, title = ev.title, date = ev.date, year = year, seq = seq,
            pole = pole, partner = partner or "?", recipient = recipient or "?",
            regional = regional or (recipient and poles.regional[recipient]) or false,
            direction = direction, kind = m.kind, amount = m.amount, currency = m.currency,
            usd = usd, rate_year = rate_year, rate_note = rate_note or (usd == nil and rate_year) or nil,
            period = m.period, years = years, flow = flow, nyears = nyears,
            per_year = usd and usd / nyears or nil, note = m.note,
            sources = source_list(ev, m), alternatives = alts,
            confidence = ev.confidence, unverified = ev.confidence < 0.5,
          }
        else
          skipped[#skipped + 1] = ev.id
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

-- Totals: by pole and commitment year, and the annual flow by pole.
local function totals(rows)
  local t = { commit = {}, flow = {}, count = {}, years = {}, flow_years = {}, poles = {} }
  local yearset, flowset, poleset = {}, {}, {}
  for _, r in ipairs(rows) do
    if r.direction == "inward" and r.usd then
      poleset[r.pole] = true
      t.count[r.pole] = (t.count[r.pole] or 0) + 1
      t.commit[r.pole] = t.commit[r.pole] or { total = 0 }
      t.commit[r.pole][r.year] = (t.commit[r.pole][r.year] or 0) + r.usd
      t.commit[r.pole].total = t.commit[r.pole].total + r.usd
      yearset[r.year] = true
      t.flow[r.pole] = t.flow[r.pole] or { total = 0 }
      for _, y in ipairs(r.years) do
        t.flow[r.pole][y] = (t.flow[r.pole][y] or 0) + r.flow[y]
        t.flow[r.pole].total = t.flow[r.pole].total + r.flow[y]
        flowset[y] = true
      end
    end
  end
  for y in pairs(yearset) do t.years[#t.years + 1] = y end
  table.sort(t.years)
  for y in pairs(flowset) do t.flow_years[#t.flow_years + 1] = y end
  table.sort(t.flow_years)
  for p in pairs(poleset) do t.poles[#t.poles + 1] = p end
  table.sort(t.poles, function(a, b) return POLE_ORDER[a] < POLE_ORDER[b] end)
  return t
end

local function musd(x) return x and ("$" .. text.number(x / 1e6, 2) .. "m") or "n/a" end
local function stated(r) return r.currency .. " " .. text.number(r.amount, r.amount % 1 == 0 and 0 or 2) end
local function recipient_label(r)
  if r.regional then return r.recipient .. " (regional)" end
  return r.recipient
end
local function mark(r) return r.rate_note and "†" or "" end
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
  if r.nyears == 1 or not r.per_year then return "–" end
  local n = r.nyears % 1 == 0 and string.format("%d", r.nyears) or string.format("%.2f", r.nyears)
  return string.format("%s × %s years (%d–%d)", musd(r.per_year), n, r.years[1], r.years[#r.years])
end

local INTRO = "Amounts are as stated, in the stated currency. USD uses the annual average " ..
  "rate of the commitment year (" .. rates.source .. "; plugins/lib/rates.lua). " ..
  "A commitment over several years is spread evenly across them. Poles: West = US, UK, " ..
  "EU and its member states (plugins/lib/poles.lua). Totals count money flowing to " ..
  "Central Asia only; commitments by Central Asian states to partners are listed apart."

local function markdown(rows, t, nevents, opts)
  local out = { "# Funding and investment commitments to Central Asia\n" }
  out[#out + 1] = string.format("Filters: %s. Events read: %d. Commitments: %d.\n", filters_line(opts), nevents, #rows)
  out[#out + 1] = INTRO .. "\n"
  out[#out + 1] = "## Totals by pole (USD, by commitment year)\n"
  local headers, align = { "Pole", "Commitments" }, { "l", "r" }
  for _, y in ipairs(t.years) do headers[#headers + 1] = tostring(y); align[#align + 1] = "r" end
  headers[#headers + 1] = "Total"; align[#align + 1] = "r"
  local trs = {}
  for _, p in ipairs(t.poles) do
    local r = { POLE_LABEL[p], tostring(t.count[p]) }
    for _, y in ipairs(t.years) do r[#r + 1] = t.commit[p][y] and musd(t.commit[p][y]) or "–" end
    r[#r + 1] = musd(t.commit[p].total)
    trs[#trs + 1] = r
  end
  out[#out + 1] = report.md_table(headers, trs, align)
  out[#out + 1] = "## Annual flow by pole (USD per year, multi-year commitments spread evenly)\n"
  headers = { "Pole" }
  align = { "l" }
  for _, y in ipairs(t.flow_years) do headers[#headers + 1] = tostring(y); align[#align + 1] = "r" end
  trs = {}
  for _, p in ipairs(t.poles) do
    local r = { POLE_LABEL[p] }
    for _, y in ipairs(t.flow_years) do r[#r + 1] = t.flow[p][y] and musd(t.flow[p][y]) or "–" end
    trs[#trs + 1] = r
  end
  out[#out + 1] = report.md_table(headers, trs, align)
  for _, dir in ipairs({ "inward", "outward" }) do
    local list = {}
    for _, r in ipairs(rows) do
      if r.direction == dir then
        list[#list + 1] = {
          tostring(r.year), POLE_LABEL[r.pole], r.partner, recipient_label(r), r.kind,
          stated(r), musd(r.usd) .. mark(r), r.period or "–",
          per_year_text(r),
          r.title .. (r.unverified and " (unverified)" or ""),
          { md = report.sources_md(r.sources) },
          alt_text(r),
        }
      end
    end
    if #list > 0 or dir == "inward" then
      out[#out + 1] = dir == "inward" and "## Commitments to Central Asia\n"
        or "## Commitments by Central Asian states to partners\n"
      out[#out + 1] = report.md_table({ "Year", "Pole", "Partner", "Recipient", "Kind", "Stated",
        "USD", "Period", "USD per year", "Event", "Sources", "Other figures stated" }, list,
        { "l", "l", "l", "l", "l", "r", "r", "l", "r", "l", "l", "l" })
    end
  end
  local notes = {}
  for _, r in ipairs(rows) do
    if r.rate_note then notes[#notes + 1] = string.format("- † %s: %s.", r.event_id, r.rate_note) end
  end
  if #notes > 0 then
    out[#out + 1] = "## Notes\n"
    out[#out + 1] = table.concat(notes, "\n") .. "\n"
  end
  return table.concat(out, "\n")
end

local CSV_COLS = { "year", "pole", "partner", "recipient", "regional", "direction", "kind",
  "amount", "currency", "usd", "rate_year", "rate_note", "period", "years", "usd_per_year",
  "event_id", "date", "title", "confidence", "source_urls", "other_figures" }

local function csv(rows)
  local out = { text.csv_row(CSV_COLS) }
  for _, r in ipairs(rows) do
    local urls = {}
    for _, s in ipairs(r.sources) do urls[#urls + 1] = s.url end
    out[#out + 1] = text.csv_row({ r.year, r.pole, r.partner, r.recipient, tostring(r.regional),
      r.direction, r.kind, string.format("%.2f", r.amount), r.currency,
      r.usd and string.format("%.2f", r.usd), r.rate_year, r.rate_note, r.period,
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
    list[i] = { year = r.year, pole = r.pole, partner = r.partner, recipient = r.recipient,
      regional = r.regional, direction = r.direction, kind = r.kind, amount = r.amount,
      currency = r.currency, usd = r.usd, rate_year = r.rate_year, rate_note = r.rate_note,
      period = r.period, years = caw.json.array(r.years), usd_per_year = r.per_year,
      event_id = r.event_id, date = r.date, title = r.title, confidence = r.confidence,
      sources = srcs, other_figures = #r.alternatives > 0 and alt_text(r) or nil }
  end
  local tot = {}
  for _, p in ipairs(t.poles) do
    local by_year, flow = {}, {}
    for _, y in ipairs(t.years) do by_year[tostring(y)] = t.commit[p][y] end
    for _, y in ipairs(t.flow_years) do flow[tostring(y)] = t.flow[p][y] end
    tot[p] = { commitments = t.count[p], usd_total = t.commit[p].total,
               usd_by_commitment_year = by_year, usd_flow_by_year = flow }
  end
  return caw.json.encode({ filters = { from = opts.from, to = opts.to, country = opts.country, pole = opts.pole },
    events_read = nevents, rate_source = rates.source, totals = tot, commitments = list },
    { indent = true }) .. "\n"
end

local function html(rows, t, nevents, opts)
  local b = { "<h1>Funding and investment commitments to Central Asia</h1>" }
  b[#b + 1] = "<p class=\"note\">Filters: " .. text.html(filters_line(opts)) ..
    ". Events read: " .. nevents .. ". Commitments: " .. #rows .. ".</p>"
  b[#b + 1] = "<p class=\"note\">" .. text.html(INTRO) .. "</p>"
  local series = {}
  for _, p in ipairs(t.poles) do series[#series + 1] = { key = p, label = POLE_LABEL[p] } end
  local cats = {}
  for _, y in ipairs(t.flow_years) do cats[#cats + 1] = tostring(y) end
  b[#b + 1] = "<h2>Annual flow by pole (USD per year)</h2>"
  b[#b + 1] = report.legend_html(series)
  b[#b + 1] = report.svg_stacked_bars(cats, series, function(c, k)
    return t.flow[k] and t.flow[k][tonumber(c)] end, { title = "Annual flow by pole" })
  b[#b + 1] = "<h2>Totals by pole (USD, by commitment year)</h2>"
  local headers = { "Pole", "Commitments" }
  for _, y in ipairs(t.years) do headers[#headers + 1] = tostring(y) end
  headers[#headers + 1] = "Total"
  local trs = {}
  for _, p in ipairs(t.poles) do
    local r = { POLE_LABEL[p], { num = tostring(t.count[p]) } }
    for _, y in ipairs(t.years) do r[#r + 1] = { num = t.commit[p][y] and musd(t.commit[p][y]) or "–" } end
    r[#r + 1] = { num = musd(t.commit[p].total) }
    trs[#trs + 1] = r
  end
  b[#b + 1] = report.html_table(headers, trs)
  b[#b + 1] = "<h2>Commitments</h2>"
  trs = {}
  for _, r in ipairs(rows) do
    trs[#trs + 1] = { tostring(r.year), POLE_LABEL[r.pole], r.partner, recipient_label(r),
      r.direction, r.kind, { num = stated(r) }, { num = musd(r.usd) .. mark(r) }, r.period or "–",
      { num = per_year_text(r) },
      r.title .. (r.unverified and " (unverified)" or ""),
      { html = "<span class=\"src\">" .. report.sources_html(r.sources) .. "</span>" }, alt_text(r) }
  end
  b[#b + 1] = report.html_table({ "Year", "Pole", "Partner", "Recipient", "Direction", "Kind",
    "Stated", "USD", "Period", "USD per year", "Event", "Sources", "Other figures stated" }, trs)
  return report.html_page("Funding and investment commitments to Central Asia", table.concat(b, "\n"))
end

local function run(argv)
  local opts = args.parse(spec, argv)
  if not opts then return 0 end
  opts.country = report.check_country(opts.country)
  local rows, nevents = collect(opts)
  local t = totals(rows)
  local body
  if opts.format == "csv" then body = csv(rows)
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

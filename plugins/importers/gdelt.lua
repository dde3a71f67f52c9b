-- importers/gdelt.lua -- GDELT event exports: 1.0 (57 or 58 tab-separated
-- fields a row; one file may mix both) and 2.0 (61), detected per row, no
-- header. One GDELT row is one news article's coding of an event, so rows
-- that describe the same event are merged (the dedup rule below); each
-- event keeps every source URL and the summed mention counts.
--
-- GDELT events go to the table of machine-coded events (coded,
-- docs/schema.md), one row per event, and caw.events{} reads them with the
-- others. This file declares GDELT: its layouts and columns, attributes,
-- title, rules and dedup settings; caw.bulk.load (core/luabulk.c and the
-- bulk engine, core/bulk.c) runs them over the rows, calling back here
-- once per CAMEO code, per actor code and per actor name.
--
-- Mapping (docs/importers.md has the whole table):
--   id        gdelt:<GLOBALEVENTID> of the first row of the event
--   date      SQLDATE;  type  lib/cameo.lua's mapping
--   cameo     EventCode, as a string ("016" is not "16");  goldstein
--   actors    Actor1/2CountryCode (CAMEO codes; EUR -> EU), initiator and
--             target; an actor caw does not know is defined from the row
--   location  ActionGeo_FullName;  attrs.geo its FIPS code as ISO alpha-3
--   attrs     quad, mentions, num_sources, articles, tone, rows, ids, ...
--   sources   SOURCEURL; 57-field rows have none: urn:gdelt:event:<id>
--   tags      the dedup key, gdelt:<actors>:<root>@<YYYYMMDD>, which lets a
--             later file find the event
local importer = require("lib.importer")
local cameo = require("lib.cameo")
local fips = require("lib.fips")
local countries = require("lib.countries")
local where = require("lib.where")

local M = {
  name = "gdelt",
  ids = "gdelt", -- ids "gdelt:..." are this importer's alone
  kind = "importer",
  description = "GDELT 1.0/2.0 event exports (57/58/61 tab-separated fields, no header); " ..
                "merges rows that report the same event",
  handles = {},
}

-- Rows that describe the same event are merged (docs/importers.md):
--   root rule: the same two actors (either order unless directed), the
--     same CAMEO root (key = "root") or full EventCode (key = "code"), and
--     a date within `days` of the event's first row. An actor is its caw
--     code (KAZ, EU), else GDELT's actor code (GOV, MED); both actors of
--     one country compare GDELT's full codes (USAGOV vs USAMED); a row
--     with a missing actor never merges by this rule.
--   url rule (url = true): the same SOURCEURL, the same actors (a missing
--     one counts as the same) and the same EventCode, whatever the dates.
-- Within a file, events stay open in memory while their date is within
-- `window` days of the newest date seen, and at most max_open of them (an
-- open event costs about 1.4 KB: 20000 is under 30 MiB); then they are
-- written to the coded table. A row that misses the open events may still
-- join (root rule) an event written from this file, while that event's
-- date is within `lookback` days of the newest date seen, or one stored
-- by an earlier file (across_files), found by its dedup tag through the
-- table's day index. The url rule works within a file only.
-- Override per run with opts.dedup (caw run scripts), or edit here;
-- dedup = false keeps every row as its own event.
M.dedup = { days = 1, key = "root", directed = false, url = true,
            window = 14, max_open = 20000, lookback = 60, across_files = true }

-- Confidence given to every GDELT event (0..1): machine coding from news
-- reports; lower it to weigh GDELT less than curated events in scoring.
M.confidence = 1

-- ---- actors ----

-- "NEW YORK" -> "New York" (the engine asks once per actor code)
local function titlecase(s)
  return (s:lower():gsub("(%a)([%w']*)", function(a, b) return a:upper() .. b end))
end

-- CAMEO country code -> {code, name, kind} (memoized), or false.
local by_country = {}
local function country_actor(cc, gname)
  local a = by_country[cc]
  if a ~= nil then return a end
  local code = cameo.country_codes[cc] or cc
  if code == "EU" then
    a = { code = "EU", name = "European Union", kind = "organisation" }
  elseif cameo.regions[cc] then
    a = { code = cc, name = cameo.regions[cc], kind = "bloc" }
  elseif code:match("^%u%u%u$") then
    a = { code = code, kind = "state",
          name = countries.name(code) or (gname ~= "" and titlecase(gname)) or code }
  else
    a = false
  end
  by_country[cc] = a
  return a
end

-- An actor without a country code: an international organisation, NGO or
-- company by its CAMEO code (IGOUNO -> UN), else none (GOV, MED, CVL ...).
local by_code, n_by_code = {}, 0
local function code_actor(code, gname)
  local a = by_code[code]
  if a ~= nil then return a end
  if n_by_code >= 50000 then by_code, n_by_code = {}, 0 end -- bounded
  n_by_code = n_by_code + 1
  a = false
  local known = cameo.organisations[code]
  if known then
    a = { code = known, name = titlecase(gname), kind = "organisation" }
  elseif #code <= 32 and not code:find("[^%u%d]") then
    local p = code:sub(1, 3)
    if p == "IGO" or p == "NGO" then
      a = { code = code, name = titlecase(gname), kind = "organisation" }
    elseif p == "MNC" then
      a = { code = code, name = titlecase(gname), kind = "company" }
    end
  end
  by_code[code] = a
  return a
end

-- ---- the import ----

local function settings(opts)
  local d = opts.dedup
  if d == nil then d = M.dedup end
  if d == false then return false end
  local s = {}
  for k, v in pairs(M.dedup) do s[k] = v end
  for k, v in pairs(d) do s[k] = v end
  return s
end

-- ---- the declaration caw.bulk.load reads (docs/importers.md) ----

-- Columns (1-based) of the three layouts, by column count: GDELT 1.0
-- has 57 fields (58 with SOURCEURL), GDELT 2.0 has 61.
local function columns(geo_full, geo_cc, url)
  return {
    ref = 1, date = 2, actor1_code = 6, actor1_name = 7, actor1_country = 8,
    actor2_code = 16, actor2_name = 17, actor2_country = 18,
    root_event = 26, code = 27, root = 29, quad = 30, scale = 31,
    mentions = 32, num_sources = 33, articles = 34, tone = 35,
    location = geo_full, geo = geo_cc, url = url,
  }
end
M.layouts = {
  [57] = { fields = columns(51, 52, nil), const = { version = 1 } },
  [58] = { fields = columns(51, 52, 58), const = { version = 1 } },
  [61] = { fields = columns(53, 54, 61), const = { version = 2 } },
}

-- What each event keeps in attrs (docs/schema.md#coded). mentions,
-- num_sources and articles add up over merged rows; tone is their mean,
-- weighted by mentions (the first sum).
M.attrs = {
  { name = "quad", type = "int" },
  { name = "mentions", type = "int", sum = true },
  { name = "num_sources", type = "int", sum = true },
  { name = "articles", type = "int", sum = true },
  { name = "tone", type = "num", mean = true },
  { name = "geo", type = "str", map = fips.iso3 },  -- FIPS 10-4 -> ISO alpha-3
  { name = "version", type = "const" },
  { name = "root_event", type = "flag" },           -- IsRootEvent = 1
  { name = "actor1", type = "str" },                -- GDELT's own codes, names
  { name = "actor1_name", type = "str", with = "actor1" },
  { name = "actor2", type = "str" },
  { name = "actor2_name", type = "str", with = "actor2" },
}
for _, l in pairs(M.layouts) do -- GDELT's own actor columns feed attrs too
  l.fields.actor1 = l.fields.actor1_code
  l.fields.actor2 = l.fields.actor2_code
end

-- "Japan → Turkmenistan: Sign formal agreement"; {1} and {2} are the
-- caw actors' names, else GDELT's names (titlecased); {label} the CAMEO
-- code's label.
M.title = { both = "{1} \u{2192} {2}: {label}", one = "{1}: {label}", none = "{label}" }

-- Bad rows, as the messages name them.
M.messages = {
  layout = "expected 57 or 58 (GDELT 1.0) or 61 (GDELT 2.0) fields",
  ref = "field 1 (GLOBALEVENTID): '%s' is not a number",
  date = "field 2 (SQLDATE): '%s' is not a date YYYYMMDD",
  code = "field 27 (EventCode): '%s' is not a CAMEO code",
  scale = "field 31 (GoldsteinScale): '%s' is not a number from -10 to 10",
}

function M.import(src, sink, opts)
  local dd = settings(opts)
  sink.read(0) -- rows are counted here, rejected ones too
  local n = caw.bulk.load(src.path, {
    source = "gdelt", scheme = "cameo", sep = "\t",
    layouts = M.layouts, attrs = M.attrs, title = M.title,
    messages = M.messages,
    date = "YYYYMMDD", ref_digits = true, scale_range = { -10, 10 },
    -- both actors one country (police and protesters): the initiator
    -- only, the sides told apart by GDELT's full codes (USAGOV, USAMED)
    same_actor = "split",
    place = "geo",
    dedup = dd,
    confidence = M.confidence or 1,
    batch = sink.batch,
    skip_bad = opts.rejects ~= nil,
    where = opts.where and where.get(opts.where) or nil,
    actor = function(kind, code, name)
      if kind == "country" then return country_actor(code, name) end
      return code_actor(code, name)
    end,
    code = function(code)
      if not cameo.valid(code) then return false end
      return cameo.type_of(code), cameo.label(code)
    end,
    name = titlecase,
    reject = sink.reject,
    progress = sink.progress,
  })
  importer.report_bulk(sink, src, opts, n)
end

-- A GDELT export: no header; the first row has 57, 58 or 61 tab-separated
-- fields, a numeric GLOBALEVENTID and an 8-digit SQLDATE.
function M.detect(head)
  local first = head:match("^([^\n]*)")
  local complete = head:find("\n", 1, true) ~= nil
  first = first:gsub("\r$", "")
  local id, day = first:match("^(%d+)\t(%d%d%d%d%d%d%d%d)\t")
  if not id then return false end
  local n = 1
  for _ in first:gmatch("\t") do n = n + 1 end
  if complete then return n == 57 or n == 58 or n == 61 end
  return n >= 30
end

return M

-- importers/icews.lua -- ICEWS event files (Dataverse .tab: tab-separated,
-- a header row, 20 columns). Countries are full names ("Russian
-- Federation"), turned into ISO alpha-3 by lib/countries.lua; sectors are
-- comma-separated lists; a missing value is the literal NA.
--
-- ICEWS events go to the table of machine-coded events (coded,
-- docs/schema.md), one row per ICEWS row. This file declares ICEWS: its
-- header layout, attributes, title and rules; caw.bulk.load (core/luabulk.c
-- and the bulk engine, core/bulk.c) runs them over the rows, calling back
-- here once per CAMEO code, per date text and per (country, name,
-- sectors) of an actor.
--
-- Mapping (docs/importers.md):
--   id        icews:<Event ID>:<Event Date> (Event ID alone repeats with
--             other dates in ICEWS releases)
--   type      CAMEO Code through lib/cameo.lua;  cameo  the code as is
--   goldstein Intensity;  date  Event Date (YYYY-MM-DD; M/D/YYYY accepted)
--   actors    Source/Target Country as initiator/target (an organisation
--             caw knows, such as SCO, when the country is NA); the named
--             person in attrs.actor1_person / actor2_person when the name
--             is a person's (ICEWS sectors do not tell a head of state from
--             a deputy); both sides one country: the initiator only
--   title     Source Name → Target Name: Event Text
--   sources   urn:icews:story:<Story ID>;  attrs.publisher  Publisher
--   attrs     names, sectors (lists), countries as written, story,
--             sentence, latitude/longitude, geo (ISO alpha-3 of Country)
-- ICEWS does no deduplication of its own and neither does this importer:
-- a row that repeats an earlier one exactly is "unchanged".
local importer = require("lib.importer")
local cameo = require("lib.cameo")
local countries = require("lib.countries")
local where = require("lib.where")

local M = {
  name = "icews",
  ids = "icews", -- ids "icews:..." are this importer's alone
  kind = "importer",
  description = "ICEWS event files (.tab with header: Event ID, Event Date, Source Name, ...)",
  handles = { "tab" },
}

M.columns = {
  "Event ID", "Event Date", "Source Name", "Source Sectors", "Source Country",
  "Event Text", "CAMEO Code", "Intensity", "Target Name", "Target Sectors",
  "Target Country", "Story ID", "Sentence Number", "Publisher", "City",
  "District", "Province", "Country", "Latitude", "Longitude",
}

-- ---- the declaration caw.bulk.load reads (docs/importers.md) ----

-- One layout, found by its header: every column of M.columns, in any
-- order. Roles (ref, date, ...) and attributes, by column name.
M.layouts = { {
  required = M.columns,
  fields = {
    ref = "Event ID", date = "Event Date", code = "CAMEO Code", scale = "Intensity",
    actor1_name = "Source Name", actor1_country = "Source Country",
    actor1_sectors = "Source Sectors",
    actor2_name = "Target Name", actor2_country = "Target Country",
    actor2_sectors = "Target Sectors",
    text = "Event Text", location = { "City", "Province", "Country" },
    source_name = "Source Name", source_sectors = "Source Sectors",
    source_country = "Source Country", target_name = "Target Name",
    target_sectors = "Target Sectors", target_country = "Target Country",
    story = "Story ID", sentence = "Sentence Number", publisher = "Publisher",
    district = "District", latitude = "Latitude", longitude = "Longitude",
    geo = "Country",
  },
} }

-- Country names as ICEWS writes them -> ISO alpha-3 (attrs.geo, --where's place)
local country_codes = countries.name_codes()

-- What each event keeps in attrs (docs/schema.md#coded); NA is absent.
M.attrs = {
  { name = "source_name", type = "str" },
  { name = "source_sectors", type = "list" },
  { name = "source_country", type = "str" },
  { name = "target_name", type = "str" },
  { name = "target_sectors", type = "list" },
  { name = "target_country", type = "str" },
  { name = "story", type = "int" },
  { name = "sentence", type = "int" },
  { name = "publisher", type = "str" },
  { name = "district", type = "str" },
  { name = "latitude", type = "num" },
  { name = "longitude", type = "num" },
  { name = "geo", type = "str", map = country_codes },
}

-- "Nursultan Nazarbayev → Shanghai Cooperation Organization: Make a visit":
-- the sides as ICEWS names them, and the Event Text.
M.title = { both = "{1} \u{2192} {2}: {text}", one = "{1}: {text}", none = "ICEWS: {text}" }

M.messages = {
  ref = "column 'Event ID': '%s' is not a number",
  code = "column 'CAMEO Code': '%s' is not a CAMEO code",
  scale = "column 'Intensity': '%s' is not a number from -10 to 10",
}

-- "2018-06-01", or "6/1/2018" as some ICEWS files write it -> a day
-- number, or nil and why (the engine asks once per distinct text).
function M.date(s)
  local y, m, d = s:match("^(%d%d%d%d)-(%d%d)-(%d%d)$")
  if not y then m, d, y = s:match("^(%d%d?)/(%d%d?)/(%d%d%d%d)$") end
  if y then
    y, m, d = tonumber(y), tonumber(m), tonumber(d)
    local day = caw.date.day(y, m, d)
    local y2, m2, d2 = caw.date.civil(day)
    if y2 == y and m2 == m and d2 == d then return day end
  end
  return nil, "'" .. s .. "' is not a date (YYYY-MM-DD)"
end

-- The caw actor of a source actor, from its country, name and sectors as
-- ICEWS writes them (the engine asks once per distinct three), or false.
-- unknown collects the country names lib/countries.lua lacks.
function M.actor(country, name, sectors, unknown)
  local code = countries.code(country)
  if not code then
    if country ~= "" and unknown then unknown[country] = true end
    code = countries.organisations[name]
    return code and { code = code, name = name, kind = "organisation" } or false
  end
  local person
  -- a person: not the country itself, not a generic "Police (Kyrgyzstan)",
  -- and coded with a sector people hold office in
  if name ~= "" and name ~= country and not name:find("(", 1, true) and
     (sectors:find("Elite", 1, true) or sectors:find("Executive", 1, true) or
      sectors:find("Legislative", 1, true) or sectors:find("Cabinet", 1, true)) then
    person = name
  end
  return { code = code, name = countries.name(code), kind = "state", person = person }
end

function M.import(src, sink, opts)
  local unknown = {}
  sink.read(0) -- the engine counts the rows, rejected ones too
  local n = caw.bulk.load(src.path, {
    source = "icews", scheme = "cameo",
    sep = "\t", quote = false, header = true, missing = "NA",
    header_layout = importer.header_layout(src, M.layouts, { what = "ICEWS event files" }),
    attrs = M.attrs, title = M.title, messages = M.messages,
    title_names = "source",     -- titles name the sides as ICEWS does
    url = "urn:icews:story:{story}",
    ref_digits = true, ref_day = true, scale_range = { -10, 10 },
    same_actor = "split",       -- both sides one country: the initiator
    place = "geo",
    dedup = false,              -- ICEWS rows are events of their own
    batch = sink.batch,
    skip_bad = opts.rejects ~= nil,
    where = opts.where and where.get(opts.where) or nil,
    date = M.date,
    actor_key = "name",
    actor = function(_, country, name, sectors)
      return M.actor(country, name, sectors, unknown)
    end,
    code = function(code)
      if not cameo.valid(code) then return false end
      return cameo.type_of(code), cameo.label(code)
    end,
    reject = sink.reject,
    progress = sink.progress,
  })
  importer.report_bulk(sink, src, opts, n)
  local names = {}
  for c in pairs(unknown) do names[#names + 1] = c end
  if not opts.quiet and #names > 0 then
    table.sort(names)
    caw.log(string.format("%s: %d country names not in lib/countries.lua (left uncoded): %s",
      src.name, #names, table.concat(names, ", ")))
  end
end

-- An ICEWS file: the header starts "Event ID<TAB>Event Date<TAB>Source
-- Name" (POLECAT's third column is Event Type: importers/polecat.lua).
function M.detect(head)
  head = head:gsub("^\239\187\191", "")
  return head:find("^Event ID\tEvent Date\tSource Name\t") ~= nil
end

return M

-- importers/acled.lua -- ACLED CSV exports: a header row naming ACLED's
-- columns (event_id_cnty, event_date, year, time_precision, disorder_type,
-- event_type, sub_event_type, actor1, ..., fatalities, tags, timestamp).
-- Columns are found by name, so both layouts read: the older one (2019-
-- 2022: data_id, iso, event_id_cnty, event_id_no_cnty, ..., 31 columns)
-- and the newer (event_id_cnty first), and columns ACLED adds or drops.
--
-- ACLED events go to the table of machine-coded events (coded,
-- docs/schema.md), one row per ACLED row. This file declares ACLED: its
-- header layout, attributes, title and rules; caw.bulk.load (core/luabulk.c
-- and the bulk engine, core/bulk.c) runs them over the rows, calling back
-- here once per event type, per date text and per actor name.
--
-- Mapping (docs/importers.md):
--   id        acled:<event_id_cnty>
--   date      event_date ("2023-03-15", "15 March 2023", or "9-May-20" as
--             a spreadsheet rewrites it); a machine-coded event is one day:
--             time_precision (2: within the month, 3: within the year) is
--             kept in attrs
--   type      event_type / sub_event_type through M.types below; code
--             "<event_type>/<sub_event_type>" (no scheme)
--   actors    state forces named "Military Forces of X (...)", "Police
--             Forces of X (...)", "Government of X (...)" as initiator /
--             target; the country where it happened is attrs.geo
--   title     "<sub_event_type>: <actor1> vs <actor2>, <location>"
--   location  location, admin1, country;  sources  urn:acled:<event_id_cnty>
--   attrs     actors as ACLED names them, fatalities, interaction codes,
--             coordinates, notes, source (the publisher), geo (ISO alpha-3
--             of country), ACLED's tags, time_precision, ...
local importer = require("lib.importer")
local countries = require("lib.countries")
local where = require("lib.where")

local M = {
  name = "acled",
  ids = "acled", -- ids "acled:..." are this importer's alone
  kind = "importer",
  description = "ACLED CSV exports (a header naming event_id_cnty; either layout)",
  handles = {},
}

M.required = { "event_id_cnty", "event_date", "time_precision", "event_type",
               "sub_event_type", "actor1", "country" }

-- event_type (or "event_type/sub_event_type", looked up first) -> caw type
M.types = {
  ["Battles"] = "conflict",
  ["Explosions/Remote violence"] = "conflict",
  ["Violence against civilians"] = "conflict",
  ["Protests"] = "protest",
  ["Riots"] = "protest",
  ["Strategic developments"] = "other",
  ["Strategic developments/Agreement"] = "agreement",
  ["Strategic developments/Disrupted weapons use"] = "military",
  ["Strategic developments/Headquarters or base established"] = "military",
  ["Strategic developments/Looting/property destruction"] = "conflict",
}

-- ---- the declaration caw.bulk.load reads (docs/importers.md) ----

-- One layout by header names (lower-cased), which both ACLED layouts
-- match: a column the file lacks is left out.
local ATTR_COLUMNS = {
  "disorder_type", "event_type", "sub_event_type", "actor1", "assoc_actor_1",
  "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
  "civilian_targeting", "fatalities", "time_precision", "iso", "region",
  "admin1", "admin2", "admin3", "latitude", "longitude", "geo_precision",
  "source", "source_scale", "notes", "timestamp",
}
local fields = {
  ref = "event_id_cnty", date = "event_date",
  date_with = { "time_precision", "year" }, -- the date rule sees them too
  code = "event_type", subcode = "sub_event_type",
  actor1_name = "actor1", actor2_name = "actor2",
  location = { "location", "admin1", "country" },
  geo = "country", acled_tags = "tags",
}
for _, c in ipairs(ATTR_COLUMNS) do fields[c] = c end
M.layouts = { { required = M.required, fields = fields } }

-- Country names -> ISO alpha-3 (attrs.geo, --where's place)
local country_codes = countries.name_codes()

-- What each event keeps in attrs (docs/schema.md#coded); "auto": a number
-- when it is one, else the text (ACLED wrote inter1 as 1, later as
-- "Rebel group").
M.attrs = {
  { name = "disorder_type", type = "str" },
  { name = "event_type", type = "str" },
  { name = "sub_event_type", type = "str" },
  { name = "actor1", type = "str" },
  { name = "assoc_actor_1", type = "str" },
  { name = "inter1", type = "auto" },
  { name = "actor2", type = "str" },
  { name = "assoc_actor_2", type = "str" },
  { name = "inter2", type = "auto" },
  { name = "interaction", type = "auto" },
  { name = "civilian_targeting", type = "str" },
  { name = "fatalities", type = "int" },
  { name = "time_precision", type = "int" },
  { name = "geo", type = "str", map = country_codes },
  { name = "iso", type = "auto" },
  { name = "region", type = "str" },
  { name = "admin1", type = "str" },
  { name = "admin2", type = "str" },
  { name = "admin3", type = "str" },
  { name = "latitude", type = "num" },
  { name = "longitude", type = "num" },
  { name = "geo_precision", type = "int" },
  { name = "source", type = "str" },
  { name = "source_scale", type = "str" },
  { name = "notes", type = "str" },
  { name = "acled_tags", type = "str" },
  { name = "timestamp", type = "auto" },
}

-- "Armed clash: Taliban vs Military Forces of Afghanistan (2014-), Dawlat Abad"
M.title = { both = "{subcode}: {1} vs {2}, {location}", one = "{subcode}: {1}, {location}",
            none = "{subcode}: ?, {location}" }

M.messages = {
  ref = "column 'event_id_cnty': '%s' is not an ACLED event id",
}

local MONTHS = { january = 1, february = 2, march = 3, april = 4, may = 5, june = 6,
                 july = 7, august = 8, september = 9, october = 10,
                 november = 11, december = 12 }

local MON3 = { jan = 1, feb = 2, mar = 3, apr = 4, may = 5, jun = 6,
               jul = 7, aug = 8, sep = 9, oct = 10, nov = 11, dec = 12 }

-- The date rule (the engine asks once per distinct text, year and
-- time_precision): "2023-03-15", "15 March 2023" as ACLED's website writes
-- it, or "9-May-20" as a spreadsheet rewrites it (d-Mon-yy: the century
-- comes from the row's `year` column, which must end in those two digits)
-- -> a day number; or nil, why, and the column why is about.
function M.date(s, precision, year)
  if year == "" then year = nil end
  local y, m, d = s:match("^(%d%d%d%d)-(%d%d)-(%d%d)$")
  if not y then
    local dd, mon, yy = s:match("^(%d%d?) (%a+) (%d%d%d%d)$")
    if dd and MONTHS[mon:lower()] then y, m, d = yy, MONTHS[mon:lower()], dd end
  end
  if not y then
    local dd, mon, yy = s:match("^(%d%d?)%-(%a%a%a)%-(%d%d)$")
    if dd and MON3[mon:lower()] then
      local full = tonumber(year or "")
      if not full or full % 100 ~= tonumber(yy) then
        return nil, string.format("'%s' is a spreadsheet date (d-Mon-yy) whose century" ..
          " column 'year' (%s) does not give", s, year or "missing")
      end
      y, m, d = full, MON3[mon:lower()], dd
    end
  end
  if not y then return nil, "'" .. s .. "' is not a date" end
  y, m, d = tonumber(y), tonumber(m), tonumber(d)
  local day = caw.date.day(y, m, d)
  local y2, m2, d2 = caw.date.civil(day)
  if y2 ~= y or m2 ~= m or d2 ~= d then return nil, "'" .. s .. "' is not a date" end
  if year and tonumber(year) ~= y then
    return nil, string.format("year %04d does not match column 'year' (%s)", y, year)
  end
  if precision ~= "1" and precision ~= "2" and precision ~= "3" then
    return nil, "'" .. (precision or "") .. "' is not 1, 2 or 3", "time_precision"
  end
  return day
end

-- The type rule: "Battles/Armed clash" (event_type, sub_event_type) ->
-- caw type and label, or false and why (the engine asks once per pair).
function M.code(_, etype, sub)
  local t = M.types[etype .. "/" .. sub] or M.types[etype]
  if not t then
    return false, "unknown ACLED event type '" .. etype ..
      "' (add it to M.types in importers/acled.lua)"
  end
  return t, sub ~= "" and sub or etype
end

-- The state behind an ACLED actor name, or nil.
local STATE_FORCES = { "^Military Forces of (.-) %(", "^Police Forces of (.-) %(",
                       "^Government of (.-) %(", "^Military Forces of (.-)$",
                       "^Police Forces of (.-)$", "^Government of (.-)$" }
local function state_of(actor)
  if not actor or actor == "" then return nil end
  for _, p in ipairs(STATE_FORCES) do
    local c = actor:match(p)
    if c then return countries.code(c) end
  end
  return nil
end

-- The actor rule: an ACLED actor name -> the state, or false (the engine
-- asks once per name).
function M.actor(name)
  local code = state_of(name)
  return code and { code = code, name = countries.name(code), kind = "state" } or false
end

function M.import(src, sink, opts)
  sink.read(0) -- the engine counts the rows, rejected ones too
  local n = caw.bulk.load(src.path, {
    source = "acled",
    sep = ",", quote = true, header = true,
    header_layout = importer.header_layout(src, M.layouts,
      { normalize = string.lower, what = "ACLED exports" }),
    attrs = M.attrs, title = M.title, messages = M.messages,
    title_names = "source",     -- titles name the actors as ACLED does
    url = "urn:acled:{ref}",
    code_max = 200,             -- "Strategic developments/Agreement"
    same_actor = "split",       -- both sides one state: the initiator
    place = "geo",
    dedup = false,              -- ACLED rows are events of their own
    batch = sink.batch,
    skip_bad = opts.rejects ~= nil,
    where = opts.where and where.get(opts.where) or nil,
    date = M.date,
    actor_key = "name",
    actor = function(_, _, name) return M.actor(name) end,
    code = M.code,
    reject = sink.reject,
    progress = sink.progress,
  })
  importer.report_bulk(sink, src, opts, n)
end

-- An ACLED export: the header starts with event_id_cnty (maybe quoted).
-- An ACLED header: event_id_cnty first (since 2021), or anywhere with
-- event_date and time_precision (the older layout opens with data_id, iso).
function M.detect(head)
  local first = head:gsub("^\239\187\191", ""):match("^([^\r\n]*)")
  if not first then return false end
  local cols = "," .. first:lower():gsub('"', "") .. ","
  return cols:find("^,event_id_cnty,") ~= nil or (cols:find(",event_id_cnty,", 1, true) ~= nil
    and cols:find(",event_date,", 1, true) ~= nil and cols:find(",time_precision,", 1, true) ~= nil)
end

return M

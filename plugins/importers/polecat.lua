-- importers/polecat.lua -- POLECAT weekly event files (Harvard Dataverse,
-- doi:10.7910/DVN/AJGVIT): tab-separated, a header row of about 40
-- columns, events coded in PLOVER by the NGEC coder. ICEWS's successor.
--
-- This file declares POLECAT for the bulk engine (caw.bulk.load,
-- core/luabulk.c): the columns, found by the header's names; the code
-- rule (lib/plover.lua: event type and mode to a caw type); the actor rule
-- (a country code, else an organisation's name); the title; the attrs.
-- The engine reads the rows and calls back here once per distinct event
-- type, mode and contexts and once per distinct actor.
--
-- Mapping (docs/importers.md#polecat):
--   id        polecat:<Event ID>  (<story>_<n>: unique per event)
--   date      Event Date (YYYY-MM-DD);  scale  Intensity (-10..10)
--   type      Event Type, Event Mode and Contexts through lib/plover.lua;
--             the code kept (cameo column, scheme plover) is
--             "TYPE/mode/contexts" ("CONSULT/visit/diplomatic")
--   actors    Actor/Recipient Country (ISO alpha-3) as initiator/target,
--             or, without a country, an organisation caw knows by name
--   location  Placename, Province (Country as attrs.geo, ISO alpha-3)
--   attrs     quad, contexts, the actors' names, sectors and titles as
--             written, geo, latitude/longitude, source, language, version
--
-- Known defects of the published files, and what happens to them:
--   header names with stray blanks, in another case, or "Event Intensity"
--     for "Intensity"                         -> found all the same
--   a tab at the end of every line (an empty extra column) -> ignored
--   a row with a stray tab (one field more than the header)
--                                              -> a bad row, file:line
--   a header with extra names ("Headline") over rows of fewer columns
--                                              -> refused at line 1, saying so
--   a header missing a required column        -> refused at line 1
-- POLECAT writes a missing value as None; it is read as empty.
local importer = require("lib.importer")
local plover = require("lib.plover")
local countries = require("lib.countries")
local where = require("lib.where")

local M = {
  name = "polecat",
  ids = "polecat", -- ids "polecat:..." are this importer's alone
  kind = "importer",
  description = "POLECAT weekly event files (PLOVER-coded; tab-separated, header " ..
                "Event ID, Event Date, Event Type, Event Mode, Intensity, ...)",
  handles = {},
}

-- The documented header, in order (docs/importers.md#polecat has the
-- source).
M.columns = {
  "Event ID", "Event Date", "Event Type", "Event Mode", "Intensity",
  "Quad Code", "Contexts", "Actor Name", "Actor Country", "Actor COW",
  "Primary Actor Sector", "Actor Sectors", "Actor Title", "Actor Name Raw",
  "Wikipedia Actor ID", "Recipient Name", "Recipient Country",
  "Recipient COW", "Primary Recipient Sector", "Recipient Sectors",
  "Recipient Title", "Recipient Name Raw", "Wikipedia Recipient ID",
  "Placename", "City", "District", "Province", "Country", "Latitude",
  "Longitude", "GeoNames ID", "Raw Placename", "Feature Type", "Source",
  "Publication Date", "Story People", "Story Organizations",
  "Story Locations", "Language", "Version",
}

-- Other spellings of a column's name seen in published files.
M.aliases = { ["event intensity"] = "Intensity" }

-- The columns without which a row is no event.
M.required = { "Event ID", "Event Date", "Event Type", "Intensity" }

-- What each column becomes: a role of the engine, or an attribute.
M.roles = {
  ref = "Event ID", date = "Event Date", code = "Event Type",
  scale = "Intensity",
  actor1_name = "Actor Name", actor1_country = "Actor Country",
  actor1_sectors = "Actor Sectors",
  actor2_name = "Recipient Name", actor2_country = "Recipient Country",
  actor2_sectors = "Recipient Sectors",
}
M.location = { "Placename", "Province" } -- joined: "Isfara, Sughd"
-- The code the code rule sees, and the event keeps: Event Type, Event
-- Mode and Contexts, "COOPERATE//economic" (lib/plover.lua reads them).
M.subcode = { "Event Mode", "Contexts" }
local quad_numbers = {} -- "VERBAL COOPERATION" -> "1" (the engine maps text)
for words, n in pairs(plover.quads) do quad_numbers[words] = tostring(n) end
M.attrs = {
  { name = "quad", type = "int", map = quad_numbers, column = "Quad Code" },
  { name = "contexts", type = "str", column = "Contexts" },
  { name = "actor1", type = "str", column = "Actor Name" },
  { name = "actor1_title", type = "str", column = "Actor Title" },
  { name = "actor1_sector", type = "str", column = "Primary Actor Sector" },
  { name = "actor1_cow", type = "str", column = "Actor COW" },
  { name = "actor2", type = "str", column = "Recipient Name" },
  { name = "actor2_title", type = "str", column = "Recipient Title" },
  { name = "actor2_sector", type = "str", column = "Primary Recipient Sector" },
  { name = "actor2_cow", type = "str", column = "Recipient COW" },
  { name = "geo", type = "str", column = "Country" },
  { name = "latitude", type = "num", column = "Latitude" },
  { name = "longitude", type = "num", column = "Longitude" },
  { name = "publisher", type = "str", column = "Source" },
  { name = "language", type = "str", column = "Language" },
  { name = "version", type = "str", column = "Version" },
}

-- "Kazakhstan → China: Consult (visit)"
M.title = { both = "{1} \u{2192} {2}: {label}", one = "{1}: {label}", none = "{label}" }

M.messages = {
  layout = "expected the header's columns",
  ref = "column 'Event ID': '%s' is empty",
  date = "column 'Event Date': '%s' is not a date YYYY-MM-DD",
  code = "column 'Event Type': '%s' is not a PLOVER event type (Event Type/Event Mode/Contexts)",
  scale = "column 'Intensity': '%s' is not a number from -10 to 10",
}

-- No POLECAT documentation found asks for rows to be merged, and
-- PLOVER's manual leaves de-duplication open ("no consensus"): each row
-- is one event, as in ICEWS.
M.dedup = false

-- Confidence given to every POLECAT event (0..1).
M.confidence = 1

-- ---- the header ----

-- A header name as compared: blanks trimmed and collapsed, lower case.
local function norm(h)
  return (h:gsub("^\239\187\191", ""):gsub("%s+", " "):gsub("^ ", ""):gsub(" $", ""):lower())
end

-- The file's start and its header names (its first line split at tabs).
local function header_of(src)
  local head = caw.readfile(src.path, 65536)
  local line = head:match("^([^\n]*)") or ""
  line = line:gsub("\r$", "")
  local names = {}
  for h in (line .. "\t"):gmatch("([^\t]*)\t") do names[#names + 1] = h end
  return head, names
end

-- The layout of a file with these header names: {[columns] = layout},
-- its columns found by name. Names compare trimmed, with blanks
-- collapsed, in lower case, through M.aliases; empty names (tabs at the
-- end of the header) are columns of nothing.
function M.layouts_for(src, names)
  local function normalize(h)
    h = norm(h)
    local a = M.aliases[h]
    return a and norm(a) or h
  end
  local lower = {}
  for _, c in ipairs(M.columns) do lower[#lower + 1] = norm(c) end
  local req = {}
  for _, c in ipairs(M.required) do req[#req + 1] = norm(c) end
  local at = importer.columns(src, names, lower,
    { required = req, what = "POLECAT files", normalize = normalize })
  local f = {}
  for role, col in pairs(M.roles) do
    local c = at[norm(col)]
    if c > 0 then f[role] = c end
  end
  local loc = {}
  for _, col in ipairs(M.location) do
    local c = at[norm(col)]
    if c > 0 then loc[#loc + 1] = c end
  end
  if #loc > 0 then f.location = loc end
  local sub = {}
  for _, col in ipairs(M.subcode) do
    local c = at[norm(col)]
    if c > 0 then sub[#sub + 1] = c end
  end
  if #sub > 0 then f.subcode = sub end
  for _, a in ipairs(M.attrs) do
    local c = at[norm(a.column)]
    if c > 0 then f[a.name] = c end
  end
  return { [#names] = { fields = f } }
end

-- A damaged header (extra names such as "Headline" over rows of fewer
-- columns) would make every row "expected N fields": say so once, at
-- line 1. head is the file's start, names its header's names.
local function check_header(src, head, names)
  local second = head:match("^[^\n]*\n([^\n]*)\n")
  if not second then return end
  local n = 1
  for _ in second:gmatch("\t") do n = n + 1 end
  if n >= #names then return end
  local known, extra = {}, {}
  for _, c in ipairs(M.columns) do known[norm(c)] = true end
  for k, v in pairs(M.aliases) do known[k] = true; known[norm(v)] = true end
  for _, h in ipairs(names) do
    if h:match("%S") and not known[norm(h)] then extra[#extra + 1] = "'" .. h .. "'" end
  end
  if #extra == 0 then return end
  caw.fail(caw.EXIT.DATAERR, string.format(
    "%s:1: the header names %d columns but line 2 has %d: a damaged POLECAT header " ..
    "(extra names %s); remove them from line 1", src.name, #names, n, table.concat(extra, ", ")))
end

-- ---- actors ----

-- The caw actor of a POLECAT actor: its country (an ISO alpha-3 code or
-- a country name; the first of a list "KAZ; UZB") as a state, else an
-- organisation caw knows by the actor's name, else none. Asked once per
-- (country, name, sectors).
local function actor(kind, cc, name)
  local first = cc and cc:match("^%s*([^;,|]-)%s*[;,|]") or cc
  local code = first and (first:match("^(%u%u%u)$") or countries.code(first))
  if code then
    return { code = code, kind = "state", name = countries.name(code) or code }
  end
  local org = name and countries.organisations[name]
  if org then return { code = org, kind = "organisation", name = name } end
  code = name and countries.code(name) -- "Kazakhstan" with no country
  if code then
    return { code = code, kind = "state", name = countries.name(code) or name }
  end
  return false
end

-- "CONSULT/visit/diplomatic" -> caw type and label; false for no PLOVER
-- type. Asked once per distinct type, mode and contexts.
local function code(c)
  local et, md, ctx = plover.split(c)
  local t = plover.type_of(et, md, ctx)
  if not t then return false end
  return t, plover.label(et, md)
end

-- ---- the import ----

function M.import(src, sink, opts)
  local head, names = header_of(src)
  check_header(src, head, names)
  local layouts = M.layouts_for(src, names)
  sink.read(0) -- the engine counts the rows
  local n = caw.bulk.load(src.path, {
    source = "polecat", scheme = "plover",
    sep = "\t", quote = false, header = true, missing = "None",
    layouts = layouts, attrs = M.attrs, title = M.title, messages = M.messages,
    date = "YYYY-MM-DD", scale_range = { -10, 10 },
    code_max = 255, -- type/mode/contexts: longer than a CAMEO code
    actor_key = "name", place = "geo",
    -- both sides one country (protesters and their government): the
    -- initiator only, the title naming the sides as POLECAT does
    same_actor = "split",
    dedup = M.dedup,
    confidence = M.confidence or 1,
    batch = sink.batch,
    skip_bad = opts.rejects ~= nil,
    where = opts.where and where.get(opts.where) or nil,
    code = code,
    actor = actor,
    reject = sink.reject,
    progress = sink.progress,
  })
  importer.report_bulk(sink, src, opts, n)
end

-- A POLECAT file: the header starts Event ID, Event Date, Event Type, in
-- any case (ICEWS's starts Event ID, Event Date, Source Name).
function M.detect(head)
  local first = (head:match("^([^\n]*)") or ""):gsub("^\239\187\191", ""):lower()
  return first:find("^%s*event id%s*\t%s*event date%s*\t%s*event type%s*\t") ~= nil
end

return M

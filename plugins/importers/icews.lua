-- importers/icews.lua -- ICEWS event files (Dataverse .tab: tab-separated,
-- a header row, 20 columns). Countries are full names ("Russian
-- Federation"), turned into ISO alpha-3 by lib/countries.lua; sectors are
-- comma-separated lists; a missing value is the literal NA.
--
-- Mapping (docs/importers.md):
--   id        icews:<Event ID>:<Event Date> (Event ID alone repeats with
--             other dates in ICEWS releases)
--   type      CAMEO Code through lib/cameo.lua;  cameo  the code as is
--   goldstein Intensity;  date  Event Date (YYYY-MM-DD; M/D/YYYY accepted)
--   actors    Source/Target Country as initiator/target (an organisation
--             caw knows, such as SCO, when the country is NA); the named
--             person in `person` when the name is a person's (no `level`:
--             ICEWS sectors do not tell a head of state from a deputy)
--   sources   urn:icews:story:<Story ID>, publisher = Publisher
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

M.progress_every = 2048

local function na(s)
  if s == nil or s == "" or s == "NA" then return nil end
  return s
end

local function list(s)
  s = na(s)
  if not s then return nil end
  local t = {}
  for item in s:gmatch("[^,]+") do t[#t + 1] = item end
  return t
end

-- "2018-06-01", or "6/1/2018" as some ICEWS files write it -> ISO, or nil.
local iso_memo = {}
local function iso_date(s)
  local d = iso_memo[s]
  if d then return d end
  local y, m, dd = s:match("^(%d%d%d%d)-(%d%d)-(%d%d)$")
  if not y then
    m, dd, y = s:match("^(%d%d?)/(%d%d?)/(%d%d%d%d)$")
  end
  d = false
  if y then
    y, m, dd = tonumber(y), tonumber(m), tonumber(dd)
    local y2, m2, d2 = caw.date.civil(caw.date.day(y, m, dd))
    if y2 == y and m2 == m and d2 == dd then
      d = string.format("%04d-%02d-%02d", y, m, dd)
    end
  end
  if d then iso_memo[s] = d end -- only good dates: bounded by the calendar
  return d or nil
end

-- The caw actor of a name and a country (both as ICEWS writes them), and
-- the person's name when it is one; or nil when caw cannot code it.
local function actor_of(name, country, sectors)
  local code = countries.code(country)
  if not code then
    code = countries.organisations[name]
    return code, nil, name, "organisation"
  end
  local person
  -- a person: not the country itself, not a generic "Police (Kyrgyzstan)",
  -- and coded with a sector people hold office in
  if name and name ~= country and not name:find("(", 1, true) and sectors and
     (sectors:find("Elite", 1, true) or sectors:find("Executive", 1, true) or
      sectors:find("Legislative", 1, true) or sectors:find("Cabinet", 1, true)) then
    person = name
  end
  return code, person, countries.name(code), "state"
end

function M.import(src, sink, opts)
  local pred = opts.where and where.get(opts.where) or nil
  local reader = caw.dsv.open(src.path, { sep = "\t", quote = false, header = true })
  local ok, _, idx = pcall(importer.columns, src, reader.header, M.columns,
    { required = M.columns, what = "ICEWS event files" })
  if not ok then reader:close(); error(_, 0) end
  local unknown, n_unknown = {}, 0
  local filtered = 0
  local view = pred and { actors = {}, places = {}, source = "icews" }

  local function country_code(name)
    local c = countries.code(name)
    if not c and na(name) and not unknown[name] then
      unknown[name] = true
      n_unknown = n_unknown + 1
    end
    return c
  end

  for row in importer.rows(reader, sink, opts, M.progress_every) do
    do
      local line = row.line
      local eid, edate, sname, ssec, scountry, etext, code, intensity, tname,
            tsec, tcountry, story, sentence, publisher, city, district,
            province, country, lat, lon = row:get(table.unpack(idx))
      if eid == "" or eid:find("%D") then
        sink.reject(line, "column 'Event ID': '" .. eid .. "' is not a number")
        goto continue
      end
      local date = iso_date(edate)
      if not date then
        sink.reject(line, "column 'Event Date': '" .. edate .. "' is not a date (YYYY-MM-DD)")
        goto continue
      end
      if not cameo.valid(code) then
        sink.reject(line, "column 'CAMEO Code': '" .. code .. "' is not a CAMEO code")
        goto continue
      end
      local gold
      if na(intensity) then
        gold = tonumber(intensity)
        if not gold or gold < -10 or gold > 10 then
          sink.reject(line, "column 'Intensity': '" .. intensity .. "' is not a number from -10 to 10")
          goto continue
        end
      end
      ssec, tsec = na(ssec), na(tsec)
      country_code(scountry); country_code(tcountry)
      local c1, p1, n1, k1 = actor_of(na(sname), na(scountry), ssec)
      local c2, p2, n2, k2 = actor_of(na(tname), na(tcountry), tsec)
      local geo = country_code(country)

      if pred then
        local act, pl = view.actors, view.places
        act[1], act[2] = nil, nil
        if c1 then act[1] = c1 end
        if c2 then act[#act + 1] = c2 end
        pl[1] = geo
        view.day = nil
        view.cameo = code
        if not pred(view) then
          filtered = filtered + 1
          goto continue
        end
      end

      local actors = {}
      if c1 then
        actors[1] = { code = c1, role = "initiator", person = p1, name = n1, kind = k1 }
      end
      if c2 and (c2 ~= c1 or not c1) then
        actors[#actors + 1] = { code = c2, role = "target", person = p2, name = n2, kind = k2 }
      end
      local place = {}
      for _, p in ipairs({ city, province, country }) do
        if na(p) and p ~= place[#place] then place[#place + 1] = p end
      end
      sname, tname = na(sname), na(tname)
      local title
      if sname and tname then title = sname .. " → " .. tname .. ": " .. etext
      else title = (sname or tname or "ICEWS") .. ": " .. etext end
      sink.event({
        id = "icews:" .. eid .. ":" .. date,
        date = date,
        type = cameo.type_of(code),
        title = title,
        location = #place > 0 and table.concat(place, ", ") or nil,
        cameo = code,
        goldstein = gold,
        actors = actors,
        sources = { { url = "urn:icews:story:" .. story, publisher = na(publisher) } },
        attrs = {
          source_name = sname, source_sectors = list(ssec), source_country = na(scountry),
          target_name = tname, target_sectors = list(tsec), target_country = na(tcountry),
          story = tonumber(story) or na(story), sentence = tonumber(sentence),
          district = na(district), latitude = tonumber(lat), longitude = tonumber(lon),
          geo = geo,
        },
      }, line)
    end
    ::continue::
  end
  reader:close()
  if not opts.quiet and n_unknown > 0 then
    local names = {}
    for n in pairs(unknown) do names[#names + 1] = n end
    table.sort(names)
    caw.log(string.format("%s: %d country names not in lib/countries.lua (left uncoded): %s",
      src.name, n_unknown, table.concat(names, ", ")))
  end
  importer.log_filtered(src, opts, filtered)
end

-- An ICEWS file: the header starts "Event ID<TAB>Event Date", and not
-- "Event ID<TAB>Event Date<TAB>Event Type" in any case (POLECAT's,
-- importers/polecat.lua).
function M.detect(head)
  head = head:gsub("^\239\187\191", "")
  return head:find("^Event ID\tEvent Date\t") ~= nil
     and head:sub(1, 64):lower():find("^event id\tevent date\tevent type\t") == nil
end

return M

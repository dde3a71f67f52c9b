-- importers/acled.lua -- ACLED CSV exports: a header row naming ACLED's
-- columns (event_id_cnty, event_date, year, time_precision, disorder_type,
-- event_type, sub_event_type, actor1, ..., fatalities, tags, timestamp).
-- Columns are found by name, so a file with columns added or dropped by
-- ACLED (iso3, data_id, event_id_no_cnty have come and gone) still reads.
--
-- Mapping (docs/importers.md):
--   id        acled:<event_id_cnty>
--   date      event_date at ACLED's time_precision: 1 -> YYYY-MM-DD,
--             2 -> YYYY-MM (ACLED: "within the month"), 3 -> YYYY
--   type      event_type / sub_event_type through M.types below
--   actors    state forces named "Military Forces of X (...)", "Police
--             Forces of X (...)", "Government of X (...)" as initiator /
--             target; the country where it happened as host
--   summary   notes;  location  location, admin1, country
--   sources   urn:acled:<event_id_cnty>, publisher = source
--   attrs     actors as ACLED names them, fatalities, interaction codes,
--             coordinates, geo (ISO alpha-3 of country), ACLED's tags, ...
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

M.progress_every = 2048

local MONTHS = { january = 1, february = 2, march = 3, april = 4, may = 5, june = 6,
                 july = 7, august = 8, september = 9, october = 10,
                 november = 11, december = 12 }

local MON3 = { jan = 1, feb = 2, mar = 3, apr = 4, may = 5, jun = 6,
               jul = 7, aug = 8, sep = 9, oct = 10, nov = 11, dec = 12 }

-- "2023-03-15", "15 March 2023" as ACLED's website writes it, or
-- "9-May-20" as a spreadsheet rewrites it (d-Mon-yy: the century comes
-- from the row's `year` column, which must end in those two digits)
-- -> y, m, d; or nil and why.
local function parse_date(s, year)
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
  if not y then return nil end
  y, m, d = tonumber(y), tonumber(m), tonumber(d)
  local y2, m2, d2 = caw.date.civil(caw.date.day(y, m, d))
  if y2 ~= y or m2 ~= m or d2 ~= d then return nil end
  return y, m, d
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

local function blank(s)
  if s == nil or s == "" then return nil end
  return s
end

function M.import(src, sink, opts)
  local pred = opts.where and where.get(opts.where) or nil
  local reader = caw.dsv.open(src.path, { sep = ",", quote = true, header = true })
  local names = { "event_id_cnty", "event_date", "year", "time_precision", "disorder_type",
                  "event_type", "sub_event_type", "actor1", "assoc_actor_1", "inter1",
                  "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting",
                  "iso", "region", "country", "admin1", "admin2", "admin3", "location",
                  "latitude", "longitude", "geo_precision", "source", "source_scale",
                  "notes", "fatalities", "tags", "timestamp" }
  local ok, _, idx = pcall(importer.columns, src, reader.header, names,
    { required = M.required, normalize = string.lower, what = "ACLED exports" })
  if not ok then reader:close(); error(_, 0) end -- 0 in idx: absent, gives nil
  local filtered = 0
  local view = pred and { actors = {}, places = {}, source = "acled" }

  for row in importer.rows(reader, sink, opts, M.progress_every) do
    do
      local line = row.line
      local f = { row:get(table.unpack(idx)) }
      local v = {}
      for i, n in ipairs(names) do v[n] = blank(f[i]) end
      if not v.event_id_cnty or v.event_id_cnty:find("[^%w_.-]") then
        sink.reject(line, "column 'event_id_cnty': '" .. (v.event_id_cnty or "") .. "' is not an ACLED event id")
        goto continue
      end
      local y, m, d = parse_date(v.event_date or "", v.year)
      if not y then
        sink.reject(line, "column 'event_date': " ..
          (m or ("'" .. (v.event_date or "") .. "' is not a date")))
        goto continue
      end
      if v.year and tonumber(v.year) ~= y then
        sink.reject(line, string.format("column 'event_date': year %04d does not match column 'year' (%s)",
          y, v.year))
        goto continue
      end
      local date
      if v.time_precision == "1" then date = string.format("%04d-%02d-%02d", y, m, d)
      elseif v.time_precision == "2" then date = string.format("%04d-%02d", y, m)
      elseif v.time_precision == "3" then date = string.format("%04d", y)
      else
        sink.reject(line, "column 'time_precision': '" .. (v.time_precision or "") .. "' is not 1, 2 or 3")
        goto continue
      end
      local etype = v.event_type or ""
      local ctype = M.types[etype .. "/" .. (v.sub_event_type or "")] or M.types[etype]
      if not ctype then
        sink.reject(line, "column 'event_type': unknown ACLED event type '" .. etype ..
          "' (add it to M.types in importers/acled.lua)")
        goto continue
      end
      local fatalities = v.fatalities and tonumber(v.fatalities)
      if v.fatalities and not (fatalities and fatalities >= 0) then
        sink.reject(line, "column 'fatalities': '" .. v.fatalities .. "' is not a count")
        goto continue
      end
      local geo = countries.code(v.country)
      local c1, c2 = state_of(v.actor1), state_of(v.actor2)

      if pred then
        local act, pl = view.actors, view.places
        act[1], act[2] = nil, nil
        if c1 then act[1] = c1 end
        if c2 then act[#act + 1] = c2 end
        pl[1] = geo
        view.day, view.cameo = caw.date.day(y, m, d), nil
        if not pred(view) then
          filtered = filtered + 1
          goto continue
        end
      end

      local actors = {}
      if c1 then actors[1] = { code = c1, role = "initiator", name = countries.name(c1), kind = "state" } end
      if c2 and c2 ~= c1 then
        actors[#actors + 1] = { code = c2, role = "target", name = countries.name(c2), kind = "state" }
      end
      if geo and geo ~= c1 and geo ~= c2 then
        actors[#actors + 1] = { code = geo, role = "host", name = countries.name(geo), kind = "state" }
      end
      local place = {}
      for _, p in ipairs({ "location", "admin1", "country" }) do
        if v[p] and v[p] ~= place[#place] then place[#place + 1] = v[p] end
      end
      local who = v.actor1 or "?"
      if v.actor2 then who = who .. " vs " .. v.actor2 end
      sink.event({
        id = "acled:" .. v.event_id_cnty,
        date = date,
        type = ctype,
        title = (v.sub_event_type or etype) .. ": " .. who .. (v.location and (", " .. v.location) or ""),
        summary = v.notes,
        location = #place > 0 and table.concat(place, ", ") or nil,
        actors = actors,
        sources = { { url = "urn:acled:" .. v.event_id_cnty, publisher = v.source } },
        attrs = {
          disorder_type = v.disorder_type, event_type = etype, sub_event_type = v.sub_event_type,
          actor1 = v.actor1, assoc_actor_1 = v.assoc_actor_1, inter1 = tonumber(v.inter1) or v.inter1,
          actor2 = v.actor2, assoc_actor_2 = v.assoc_actor_2, inter2 = tonumber(v.inter2) or v.inter2,
          interaction = tonumber(v.interaction) or v.interaction,
          civilian_targeting = v.civilian_targeting, fatalities = fatalities,
          time_precision = tonumber(v.time_precision), geo = geo, iso = tonumber(v.iso) or v.iso,
          region = v.region, admin1 = v.admin1, admin2 = v.admin2, admin3 = v.admin3,
          latitude = tonumber(v.latitude), longitude = tonumber(v.longitude),
          geo_precision = tonumber(v.geo_precision), source_scale = v.source_scale,
          acled_tags = v.tags, timestamp = tonumber(v.timestamp) or v.timestamp,
        },
      }, line)
    end
    ::continue::
  end
  reader:close()
  importer.log_filtered(src, opts, filtered)
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

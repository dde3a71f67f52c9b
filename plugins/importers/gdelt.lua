-- importers/gdelt.lua -- GDELT event exports: 1.0 (57 or 58 tab-separated
-- fields a row; one file may mix both) and 2.0 (61), detected per row, no
-- header. One GDELT row is one news article's coding of an event, so rows
-- that describe the same event are merged (the dedup rule below); each
-- caw event keeps every source URL and the summed mention counts.
--
-- Mapping (docs/importers.md has the whole table):
--   id        gdelt:<GLOBALEVENTID> of the first row of the event
--   date      SQLDATE as YYYY-MM-DD;  type  lib/cameo.lua's mapping
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
-- written. A row that misses the open events is looked up in the database
-- by its dedup tag when the database held GDELT events before this file
-- (across_files) or when the row may belong to an event already written
-- from this file. The url rule works within a file only.
-- Override per run with opts.dedup (caw run scripts), or edit here;
-- dedup = false keeps every row as its own event.
M.dedup = { days = 1, key = "root", directed = false, url = true,
            window = 14, max_open = 20000, across_files = true }

M.progress_every = 4096  -- rows between progress updates

-- Field positions. 1.0 lacks the three *_ADM2Code fields of 2.0.
local LAYOUT = {
  [57] = { version = 1, geo_full = 51, geo_cc = 52 },
  [58] = { version = 1, geo_full = 51, geo_cc = 52, url = 58 },
  [61] = { version = 2, geo_full = 53, geo_cc = 54, url = 61 },
}

-- ---- dates ----

local day_of, iso_of, ymd_of = {}, {}, {}

-- SQLDATE (YYYYMMDD) -> day number, or nil when it is not a date.
local function sqldate_day(s)
  local d = day_of[s]
  if d then return d end
  local y, m, dd = s:match("^(%d%d%d%d)(%d%d)(%d%d)$")
  if y then
    y, m, dd = tonumber(y), tonumber(m), tonumber(dd)
    d = caw.date.day(y, m, dd)
    local y2, m2, d2 = caw.date.civil(d)
    if y2 ~= y or m2 ~= m or d2 ~= dd then d = nil end
  end
  if d then
    day_of[s] = d
    iso_of[s] = s:sub(1, 4) .. "-" .. s:sub(5, 6) .. "-" .. s:sub(7, 8)
    ymd_of[d] = s
  end
  return d
end

-- day number -> YYYYMMDD
local function day_ymd(d)
  local s = ymd_of[d]
  if not s then
    local y, m, dd = caw.date.civil(d)
    s = string.format("%04d%02d%02d", y, m, dd)
    ymd_of[d] = s
  end
  return s
end

-- ---- actors ----

local title_memo, n_title_memo = {}, 0
local function titlecase(s)
  local t = title_memo[s]
  if t then return t end
  t = s:lower():gsub("(%a)([%w']*)", function(a, b) return a:upper() .. b end)
  if n_title_memo >= 20000 then title_memo, n_title_memo = {}, 0 end -- bounded
  title_memo[s], n_title_memo = t, n_title_memo + 1
  return t
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

local function actor_of(code, gname, cc)
  if cc ~= "" then return country_actor(cc, gname) end
  if code ~= "" and gname ~= "" then return code_actor(code, gname) end
  return false
end

-- ---- the import ----

local function domain(url)
  return url:match("^%a[%w+.-]*://([^/?#:]+)")
end

local function round(x, places)
  local f = 10 ^ places
  return math.floor(x * f + 0.5) / f
end

local function settings(opts)
  local d = opts.dedup
  if d == nil then d = M.dedup end
  if d == false then return false end
  local s = {}
  for k, v in pairs(M.dedup) do s[k] = v end
  for k, v in pairs(d) do s[k] = v end
  return s
end

-- Slots of an open event (an array: a table of tables per row would cost
-- several times the memory while the event waits to be written).
local GID, DAY, SQLDATE, CODE, QUAD, GOLD, NM, NS, NA, TONE, GEO, PLACE, URL,
      VERSION, ROOTEV, A1, A2, A1CODE, A1NAME, A2CODE, A2NAME, DOMESTIC, KEY,
      TKEY, LINE, MORE, STORED = 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
      15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27

-- The event table for caw.add_event from an open record.
local function event_of(rec)
  if rec[STORED] then return rec[STORED] end
  local gid, code, a1, a2 = rec[GID], rec[CODE], rec[A1], rec[A2]
  local a1name, a2name = rec[A1NAME], rec[A2NAME]
  local actors = {}
  if a1 then actors[1] = { code = a1.code, role = "initiator", name = a1.name, kind = a1.kind } end
  if a2 then actors[#actors + 1] = { code = a2.code, role = "target", name = a2.name, kind = a2.kind } end
  local n1, n2
  if rec[DOMESTIC] then -- Police -> Protester, both of one country
    n1 = a1name ~= "" and titlecase(a1name) or a1.name
    n2 = a2name ~= "" and titlecase(a2name) or nil
  else
    n1 = a1 and a1.name or (a1name ~= "" and titlecase(a1name)) or nil
    n2 = a2 and a2.name or (a2name ~= "" and titlecase(a2name)) or nil
  end
  local label = cameo.label(code)
  local title
  if n1 and n2 then title = n1 .. " → " .. n2 .. ": " .. label
  elseif n1 or n2 then title = (n1 or n2) .. ": " .. label
  else title = label end
  local more = rec[MORE]
  local nm, tone = rec[NM], rec[TONE]
  if more and more.weight > 0 then tone = more.tone_sum / more.weight end
  local attrs = { quad = tonumber(rec[QUAD]), mentions = nm, num_sources = rec[NS],
                  articles = rec[NA], tone = tone and round(tone, 3),
                  rows = more and more.rows or 1, geo = rec[GEO], version = rec[VERSION],
                  root_event = rec[ROOTEV] == "1" or nil }
  local a1code, a2code = rec[A1CODE], rec[A2CODE]
  if a1code ~= "" then attrs.actor1 = a1code; attrs.actor1_name = a1name ~= "" and a1name or nil end
  if a2code ~= "" then attrs.actor2 = a2code; attrs.actor2_name = a2name ~= "" and a2name or nil end
  local url = rec[URL]
  local sources = { url and { url = url, publisher = domain(url) }
                    or { url = "urn:gdelt:event:" .. gid, publisher = "GDELT" } }
  if more then
    attrs.ids = more.ids
    if #more.codes > 1 then attrs.codes = more.codes end
    for _, u in ipairs(more.urls) do
      sources[#sources + 1] = { url = u, publisher = domain(u) }
    end
  end
  local place = rec[PLACE]
  local ev = {
    id = "gdelt:" .. gid, date = iso_of[rec[SQLDATE]], type = cameo.type_of(code),
    title = title, location = place ~= "" and place or nil,
    cameo = code, goldstein = rec[GOLD], attrs = attrs, actors = actors,
    sources = sources, confidence = M.confidence,
  }
  local key = rec[KEY]
  if key then
    local tag = "gdelt:" .. key .. "@" .. rec[SQLDATE]
    if #tag <= 64 then ev.tags = { tag } end
  end
  return ev
end

-- What a fresh open record holds once a second row joins it.
local function more_of(rec)
  local more = rec[MORE]
  if more then return more end
  local w = rec[NM] or 0
  if w < 1 then w = 1 end
  more = { ids = {}, idset = {}, codes = { rec[CODE] }, urls = {}, urlset = {},
           rows = 1, tone_sum = (rec[TONE] or 0) * w, weight = rec[TONE] and w or 0 }
  if rec[URL] then more.urlset[rec[URL]] = true end
  rec[MORE] = more
  return more
end

-- Fold one more row into an open record (fresh or reopened).
local function merge(rec, gid, url, code, nm, ns, na, tone)
  local ev = rec[STORED]
  if ev then -- an event read back from the database
    local ids = rec[MORE].idset
    if ids[gid] then return end -- already part of it (a re-import)
    ids[gid] = true
    local a = ev.attrs
    local m0, m1 = a.mentions or 0, nm or 0
    if a.tone and tone then -- weights as below: mentions, at least 1
      local w0, w1 = math.max(m0, 1), math.max(m1, 1)
      a.tone = round((a.tone * w0 + tone * w1) / (w0 + w1), 3)
    end
    a.mentions = m0 + m1
    a.num_sources = (a.num_sources or 0) + (ns or 0)
    a.articles = (a.articles or 0) + (na or 0)
    a.rows = (a.rows or 1) + 1
    local list = a.ids
    if not list then list = {}; a.ids = list end
    list[#list + 1] = tonumber(gid) or gid
    if code ~= ev.cameo then
      local codes = a.codes
      if not codes then codes = { ev.cameo }; a.codes = codes end
      local seen = false
      for i = 1, #codes do if codes[i] == code then seen = true; break end end
      if not seen then codes[#codes + 1] = code end
    end
    local urls = rec[MORE].urlset
    if url and not urls[url] then
      urls[url] = true
      ev.sources[#ev.sources + 1] = { url = url, publisher = domain(url) }
    end
    return
  end
  if gid == rec[GID] then return end
  local more = more_of(rec)
  if more.idset[gid] then return end
  more.idset[gid] = true
  more.ids[#more.ids + 1] = tonumber(gid) or gid
  more.rows = more.rows + 1
  rec[NM] = (rec[NM] or 0) + (nm or 0)
  rec[NS] = (rec[NS] or 0) + (ns or 0)
  rec[NA] = (rec[NA] or 0) + (na or 0)
  if tone then
    local w = nm or 0
    if w < 1 then w = 1 end
    more.tone_sum = more.tone_sum + tone * w
    more.weight = more.weight + w
  end
  local codes = more.codes
  local seen = false
  for i = 1, #codes do if codes[i] == code then seen = true; break end end
  if not seen then codes[#codes + 1] = code end
  if url and not more.urlset[url] then
    more.urlset[url] = true
    more.urls[#more.urls + 1] = url
  end
end

-- CAMEO codes seen valid (at most 11110 of them: 2 to 4 digits)
local valid_code = setmetatable({}, { __index = function(t, code)
  local ok = cameo.valid(code)
  if ok then rawset(t, code, true) end
  return ok
end })

function M.import(src, sink, opts)
  local dd = settings(opts)
  local pred = opts.where and where.get(opts.where) or nil
  local name = src.name
  local reader = caw.dsv.open(src.path, { sep = "\t", quote = false })
  local every = M.progress_every
  local days = dd and dd.days or 0
  local use_code = dd and dd.key == "code"
  local directed = dd and dd.directed
  local use_url = dd and dd.url
  local window = dd and dd.window or 0
  local max_open = dd and dd.max_open or 0

  -- open events: by_key[key][anchor day] = rec, by_url[url][tkey] = rec,
  -- queue = recs in creation order
  local by_key, by_url, queue = {}, {}, {}
  local newest, written_newest = nil, nil
  local prior = false
  if dd and dd.across_files then
    for _ in caw.sql("SELECT 1 FROM event_tags WHERE tag >= 'gdelt:' AND tag < 'gdelt;' LIMIT 1") do
      prior = true
    end
  end
  local filtered = 0
  local view = pred and { actors = {}, places = {}, source = "gdelt" }

  local function unlink_url(rec, url, tkey)
    local t = by_url[url]
    if t and t[tkey] == rec then
      t[tkey] = nil
      if next(t) == nil then by_url[url] = nil end
    end
  end

  local function write(rec)
    local key, day = rec[KEY], rec[DAY]
    local t = key and by_key[key]
    if t and t[day] == rec then
      t[day] = nil
      if next(t) == nil then by_key[key] = nil end
    end
    if rec[TKEY] then unlink_url(rec, rec[URL], rec[TKEY]) end
    local more = rec[MORE]
    if more and more.ureg then
      for _, u in ipairs(more.ureg) do unlink_url(rec, u[1], u[2]) end
    end
    if not written_newest or day > written_newest then written_newest = day end
    sink.event(event_of(rec), rec[LINE])
  end

  -- Write the events that left the window (or the oldest, past max_open).
  local function sweep(all)
    local keep, n = {}, 0
    local limit = newest and newest - window
    local excess = #queue - max_open
    for i = 1, #queue do
      local rec = queue[i]
      if all or rec[DAY] < limit or i <= excess then
        write(rec)
      else
        n = n + 1
        keep[n] = rec
      end
    end
    queue = keep
  end

  -- An event written earlier (this file or another) under one of the
  -- dedup tags of key around day: its record, reopened.
  local function reopen(key, day)
    local tags, marks = {}, {}
    for off = -days, days do
      tags[#tags + 1] = "gdelt:" .. key .. "@" .. day_ymd(day + off)
      marks[#marks + 1] = "?" .. #tags
    end
    local id
    for r in caw.sql("SELECT e.id AS id FROM event_tags t JOIN events e ON e.rowid = t.event" ..
                     " WHERE t.tag IN (" .. table.concat(marks, ",") .. ")" ..
                     " ORDER BY abs(e.day_lo - " .. day .. "), e.id LIMIT 1",
                     table.unpack(tags)) do
      id = r.id
    end
    if not id then return nil end
    local e = caw.event(id)
    local ev = { id = e.id, date = e.date, type = e.type, title = e.title,
                 summary = e.summary, location = e.location,
                 confidence = e.confidence, cameo = e.cameo,
                 goldstein = e.goldstein, tags = e.tags,
                 attrs = e.attrs and caw.json.decode(e.attrs) or {},
                 actors = {}, sources = {} }
    for i, a in ipairs(e.actors) do
      ev.actors[i] = { code = a.code, role = a.role, level = a.level,
                       person = a.person, stance = a.stance }
    end
    local urls = {}
    for i, s in ipairs(e.sources) do
      ev.sources[i] = { url = s.url, publisher = s.publisher, title = s.title,
                        published = s.published, quote = s.quote }
      urls[s.url] = true
    end
    local ids = { [e.id:match("^gdelt:(.*)$") or e.id] = true }
    for _, g in ipairs(ev.attrs.ids or {}) do ids[tostring(g)] = true end
    local rec = { [GID] = e.id:match("^gdelt:(.*)$"), [DAY] = e.day_lo, [KEY] = key,
                  [STORED] = ev, [MORE] = { idset = ids, urlset = urls } }
    local t = by_key[key]
    if not t then t = {}; by_key[key] = t end
    t[e.day_lo] = rec
    queue[#queue + 1] = rec
    return rec
  end

  sink.read(0)
  local nread = 0
  for row in importer.rows(reader, sink, opts, function() nread = nread + 1 end) do
    nread = nread + 1
    do
      local nf = #row
      local L = LAYOUT[nf]
      if not L then
        sink.reject(row.line, string.format(
          "expected 57 or 58 (GDELT 1.0) or 61 (GDELT 2.0) fields, found %d", nf))
        goto continue
      end
      local gid, sqldate, a1code, a1name, a1cc, a2code, a2name, a2cc, isroot,
            code, root, quad, gold, nm, ns, na, tone =
        row:get(1, 2, 6, 7, 8, 16, 17, 18, 26, 27, 29, 30, 31, 32, 33, 34, 35)
      local geo_full, geo_cc, url = row:get(L.geo_full, L.geo_cc, L.url or 0)
      local line = row.line
      if gid == "" or gid:find("%D") then
        sink.reject(line, "field 1 (GLOBALEVENTID): '" .. gid .. "' is not a number")
        goto continue
      end
      local day = sqldate_day(sqldate)
      if not day then
        sink.reject(line, "field 2 (SQLDATE): '" .. sqldate .. "' is not a date YYYYMMDD")
        goto continue
      end
      if not valid_code[code] then
        sink.reject(line, "field 27 (EventCode): '" .. code .. "' is not a CAMEO code")
        goto continue
      end
      local g = tonumber(gold)
      if gold ~= "" and not (g and g >= -10 and g <= 10) then
        sink.reject(line, "field 31 (GoldsteinScale): '" .. gold .. "' is not a number from -10 to 10")
        goto continue
      end
      nm, ns, na, tone = tonumber(nm), tonumber(ns), tonumber(na), tonumber(tone)
      if url == "" then url = nil end
      local geo = fips.iso3[geo_cc]
      local a1 = actor_of(a1code, a1name, a1cc)
      local a2 = actor_of(a2code, a2name, a2cc)
      local c1, c2 = a1 and a1.code, a2 and a2.code
      -- who the dedup keys compare: the caw actor, else GDELT's own actor
      -- code (GOV, CVL, ...), else nobody. Both of one country: GDELT's
      -- full codes (USAGOV, USAMED), as "USA and USA" tells nothing apart.
      local domestic = c1 and c1 == c2
      local k1 = c1 or (a1code ~= "" and a1code) or nil
      local k2 = c2 or (a2code ~= "" and a2code) or nil
      if domestic then
        k1, k2 = a1code, a2code
        a2, c2 = false, nil
      end

      if pred then
        local act, pl = view.actors, view.places
        act[1], act[2] = nil, nil
        if c1 then act[1] = c1 end
        if c2 then act[#act + 1] = c2 end
        pl[1] = geo
        view.day, view.cameo = day, code
        if not pred(view) then
          filtered = filtered + 1
          goto continue
        end
      end

      if not dd then
        sink.event(event_of({ gid, day, sqldate, code, quad, g, nm, ns, na, tone, geo,
                              geo_full, url, L.version, isroot, a1, a2, a1code, a1name,
                              a2code, a2name, domestic }), line)
        goto continue
      end

      -- the dedup keys: key for the root rule, url + tkey for the url rule
      local key, tkey
      local x, y = k1 or "", k2 or ""
      if not directed and y < x then x, y = y, x end
      if k1 and k2 then -- the root rule needs both actors
        local k = use_code and code or root
        if k == "" then k = code:sub(1, 2) end
        key = x .. "-" .. y .. ":" .. k
      end
      if use_url and url and (k1 or k2) then tkey = x .. "-" .. y .. ":" .. code end

      local rec
      if key then
        local t = by_key[key]
        if t then
          rec = t[day]
          if not rec then
            for off = 1, days do
              rec = t[day - off] or t[day + off]
              if rec then break end
            end
          end
        end
      end
      if not rec and tkey then
        local t = by_url[url]
        rec = t and t[tkey]
      end
      if not rec and key and (prior or (written_newest and day - days <= written_newest)) then
        rec = reopen(key, day)
      end

      if rec then
        merge(rec, gid, url, code, nm, ns, na, tone)
        -- every row but the event's own first one counts as merged, also
        -- when a re-import finds it already there: read = added + updated
        -- + unchanged + merged (+ rejected, + outside --where)
        if gid ~= rec[GID] then sink.merged(1) end
        if tkey then
          local t = by_url[url]
          if not t then t = {}; by_url[url] = t end
          if not t[tkey] then
            t[tkey] = rec
            local more = rec[MORE] or more_of(rec) -- reopened records have one
            local reg = more.ureg
            if reg then reg[#reg + 1] = { url, tkey } else more.ureg = { { url, tkey } } end
          end
        end
      elseif not (key or tkey) then
        sink.event(event_of({ gid, day, sqldate, code, quad, g, nm, ns, na, tone, geo,
                              geo_full, url, L.version, isroot, a1, a2, a1code, a1name,
                              a2code, a2name, domestic }), line) -- nothing to merge on
      else
        rec = { gid, day, sqldate, code, quad, g, nm, ns, na, tone, geo, geo_full, url,
                L.version, isroot, a1, a2, a1code, a1name, a2code, a2name, domestic,
                key, tkey, line }
        if key then
          local t = by_key[key]
          if not t then t = {}; by_key[key] = t end
          t[day] = rec
        end
        if tkey then
          local t = by_url[url]
          if not t then t = {}; by_url[url] = t end
          t[tkey] = rec
        end
        queue[#queue + 1] = rec
        if not newest or day > newest then newest = day end
      end
    end
    ::continue::
    if nread % every == 0 then
      sink.read(every)
      sink.progress(reader:progress())
      if dd then sweep(false) end
    end
  end
  sink.read(nread % every)
  if dd then sweep(true) end
  reader:close()
  if pred and not opts.quiet and filtered > 0 then
    caw.log(string.format("%s: %d rows outside --where %s", name, filtered, opts.where))
  end
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

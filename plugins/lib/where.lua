-- lib/where.lua -- the row filters behind `caw import --where NAME`. A
-- filter is a Lua predicate over one row, as an importer sees it before
-- it becomes an event:
--
--   r = { actors = { "JPN", "TKM" },  -- caw actor codes (countries mapped
--                                     -- to ISO alpha-3, EUR to EU)
--         places = { "TKM" },         -- ISO alpha-3 of where it happened
--                                     -- (GDELT ActionGeo, ICEWS/ACLED
--                                     -- country)
--         day = 18193,                -- days since 1970-01-01
--         cameo = "057",              -- CAMEO code, or nil (ACLED)
--         source = "gdelt" }          -- which importer
--
-- and returns true to keep the row. Add your own to M.filters (here, or
-- from a script: require("lib.where").filters.mine = function(r) ... end).
-- Names joined with "+" keep a row when any of them does ("ca+poles");
-- a bare ISO code ("KAZ", "AFG") keeps rows touching that country.
local poles = require("lib.poles")

local M = {}

-- Central Asia: the five states, and codes that stand for all of them
-- (the C5 format, CAMEO's region code CAS).
M.central_asia = {}
for code in pairs(poles.central_asia) do M.central_asia[code] = true end
for code in pairs(poles.regional) do M.central_asia[code] = true end
M.central_asia.CAS = true

local function touches(r, set)
  for _, c in ipairs(r.actors) do if set[c] then return true end end
  for _, c in ipairs(r.places) do if set[c] then return true end end
  return false
end

-- EU membership by day, read once from the actor registry (the EU's
-- members, with periods) instead of one query per code and day.
local eu_members
local function eu_member(code, day)
  if not eu_members then
    eu_members = {}
    for m in caw.sql("SELECT member, day_lo, day_hi FROM memberships WHERE grp = 'EU'") do
      local list = eu_members[m.member] or {}
      list[#list + 1] = { m.day_lo, m.day_hi }
      eu_members[m.member] = list
    end
  end
  local list = eu_members[code]
  if not list then return false end
  if not day then return true end
  for _, p in ipairs(list) do
    if day >= p[1] and day <= p[2] then return true end
  end
  return false
end

-- The pole of an actor code on a day (lib/poles.lua's definition: CHN,
-- RUS, or WEST for the US, the UK, the EU and its members on that day).
function M.pole(code, day)
  if poles.china[code] then return "CHN" end
  if poles.russia[code] then return "RUS" end
  if poles.west[code] or poles.extra_west[code] then return "WEST" end
  if eu_member(code, day) then return "WEST" end
  return nil
end

M.filters = {
  -- Rows touching one of the five Central Asian states: as an actor (GDELT
  -- Actor1/2CountryCode, ICEWS source/target country, ACLED actor
  -- country) or as the place (GDELT ActionGeo, ICEWS/ACLED country).
  ca = function(r) return touches(r, M.central_asia) end,

  -- Rows between two different poles: Russia-China, Russia-West,
  -- China-West. The relations the region aligns between; rows within one
  -- pole (US-UK) or between a pole and a third state (Russia-India) are
  -- not kept.
  poles = function(r)
    local first
    for _, c in ipairs(r.actors) do
      local p = M.pole(c, r.day)
      if p then
        if first and p ~= first then return true end
        first = first or p
      end
    end
    return false
  end,
}

-- The predicate for a --where value; a usage error names the filters
-- there are when the name is unknown.
function M.get(spec)
  if M.filters[spec] then return M.filters[spec] end
  if spec:find("+", 1, true) then
    local preds = {}
    for name in spec:gmatch("[^+]+") do preds[#preds + 1] = M.get(name) end
    return function(r)
      for i = 1, #preds do if preds[i](r) then return true end end
      return false
    end
  end
  if spec:match("^%u%u%u$") then
    local set = { [spec] = true }
    return function(r) return touches(r, set) end
  end
  local names = {}
  for name in pairs(M.filters) do names[#names + 1] = name end
  table.sort(names)
  caw.fail(caw.EXIT.USAGE, string.format(
    "--where: no filter named '%s' (have: %s, a country code such as KAZ, " ..
    "or names joined with +, e.g. ca+poles; filters live in plugins/lib/where.lua)",
    spec, table.concat(names, ", ")))
end

return M

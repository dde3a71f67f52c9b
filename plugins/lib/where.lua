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

-- The pole of an actor code on a day (lib/poles.lua's definition). A row
-- without a day (ICEWS) counts any one-time EU member as West.
function M.pole(code, day)
  if day then return poles.of(code, day) end
  return poles.of(code) or (poles.member_of("EU", code) and "WEST") or nil
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

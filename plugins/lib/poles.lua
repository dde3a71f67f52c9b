-- lib/poles.lua -- which partner counts for which pole. Edit this file to
-- change the definition; no rebuild needed. Reports and scoring rules read
-- it through poles.of(code, day).
--
-- West: the US, the UK, the EU and its member states (membership is read
-- from the database at the event's date: the EU's "members" in the actor
-- registry), plus anything listed in extra_west.
-- China and Russia: the states themselves.
local M = {}

M.order = { "WEST", "CHN", "RUS" }
M.names = { WEST = "West", CHN = "China", RUS = "Russia" }

M.west = { USA = true, GBR = true, EU = true, EIB = true, EBRD = false }
-- Add partners you count as West, e.g. extra_west.JPN = true, or G7.
M.extra_west = { G7 = true, NATO = true }
M.china = { CHN = true }
M.russia = { RUS = true, EAEU = false, CSTO = false }

-- The Central Asian states whose alignment caw tracks.
M.central_asia = { KAZ = true, KGZ = true, TJK = true, TKM = true, UZB = true }
M.central_asia_list = { "KAZ", "KGZ", "TJK", "TKM", "UZB" }
-- Blocs that stand for all five (a regional package or a C5+1 format).
M.regional = { C5 = true }

local eu_cache = {}
-- Is code an EU member on day (a day number)?
local function eu_member(code, day)
  local key = code .. "@" .. tostring(day)
  if eu_cache[key] == nil then
    local found = false
    for _ in caw.sql("SELECT 1 FROM memberships WHERE grp = 'EU' AND member = ?1" ..
                     " AND day_lo <= ?2 AND day_hi >= ?2", code, day) do
      found = true
    end
    eu_cache[key] = found
  end
  return eu_cache[key]
end

-- The pole of an actor code on a day, or nil when it belongs to none.
function M.of(code, day)
  if not code then return nil end
  if M.china[code] then return "CHN" end
  if M.russia[code] then return "RUS" end
  if M.west[code] or M.extra_west[code] then return "WEST" end
  if day and eu_member(code, day) then return "WEST" end
  return nil
end

return M

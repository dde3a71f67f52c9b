-- lib/poles.lua -- which partner counts for which pole. Edit this file to
-- change the definition; no rebuild needed. Reports and scoring rules read
-- it through poles.of(code, day).
--
-- West: the US, the UK, the EU and its member states (membership is read
-- from the database at the event's date: the EU's "members" in the actor
-- registry), plus anything listed in extra_west.
-- China and Russia: the states themselves.
--
-- Scoring also reads: central_asia (the states scored), regional (blocs
-- that stand for their members, e.g. C5 in a C5+1 event), multilateral
-- (large bodies whose events are scored at the "multilateral" format) and
-- vote_leads (whose UN vote is a pole's vote).
local M = {}

M.order = { "WEST", "CHN", "RUS" }
M.names = { WEST = "West", CHN = "China", RUS = "Russia" }

M.west = { USA = true, GBR = true, EU = true, EIB = true, EBRD = false }
-- Add partners you count as West, e.g. extra_west.JPN = true, or G7.
M.extra_west = { G7 = true, NATO = true }
M.china = { CHN = true }
M.russia = { RUS = true, EAEU = false, CSTO = false }

-- Other partners analysts watch. None of them is a pole by default: an
-- event with Turkey or Japan alone counts for no pole. To count one as a
-- pole of its own, list its key in count_partners (and it joins
-- M.order, M.names and M.of everywhere: scoring, reports, --where), e.g.
--   M.count_partners = { "TURKIC", "GULF" }
-- or, from a script, call poles.count("TURKIC") before loading lib.score.
-- The bundled dataset tags their events other-partner plus turkey, ots,
-- japan, south-korea, india or gulf.
M.partners = {
  TURKIC = { name = "Turkey/OTS", codes = { TUR = true, OTS = true } },
  JAPAN = { name = "Japan", codes = { JPN = true } },
  KOREA = { name = "South Korea", codes = { KOR = true } },
  INDIA = { name = "India", codes = { IND = true } },
  GULF = { name = "Gulf states", codes = { SAU = true, ARE = true, QAT = true, KWT = true,
                                          BHR = true, OMN = true, GCC = true } },
}
M.count_partners = {}
local partner_of = {} -- code -> partner key, for the counted partners

-- Count the partner key as a pole of its own (idempotent).
function M.count(key)
  local p = M.partners[key]
  if not p then
    local keys = {}
    for k in pairs(M.partners) do keys[#keys + 1] = k end
    table.sort(keys)
    caw.fail(caw.EXIT.USAGE, "unknown partner '" .. tostring(key) .. "' (lib/poles.lua knows: " ..
      table.concat(keys, ", ") .. ")")
  end
  if M.names[key] then return end
  M.order[#M.order + 1] = key
  M.names[key] = p.name
  for code in pairs(p.codes) do partner_of[code] = key end
end

-- The Central Asian states whose alignment caw tracks.
M.central_asia = { KAZ = true, KGZ = true, TJK = true, TKM = true, UZB = true }
M.central_asia_list = { "KAZ", "KGZ", "TJK", "TKM", "UZB" }
-- Blocs that stand for all five (a regional package or a C5+1 format).
M.regional = { C5 = true }

-- Large multilateral bodies: an event where one of them takes part is a
-- multilateral event (SCO summit, CIS summit, a UN vote). A pole that
-- takes part in it as a state (CHN and RUS at the SCO) still counts.
M.multilateral = { SCO = true, CIS = true, UN = true, CSTO = true, EAEU = true,
                   OSCE = true, CICA = true, OTS = true, G20 = true, BRICS = true }

-- Whose vote is the pole's vote in a UN vote, in order of preference; for
-- WEST, when neither the US nor the EU voted, the majority of the EU
-- member states present in the event.
M.vote_leads = { WEST = { "USA", "EU" }, CHN = { "CHN" }, RUS = { "RUS" } }
M.vote_majority_of = { WEST = "EU" }

-- Membership intervals of a group, read once: members[grp][code] =
-- list of {day_lo, day_hi}.
local intervals = {}
local function group_intervals(grp)
  local t = intervals[grp]
  if not t then
    t = {}
    for r in caw.sql("SELECT member, day_lo, day_hi FROM memberships WHERE grp = ?1" ..
                     " ORDER BY member, day_lo", grp) do
      local list = t[r.member]
      if not list then list = {}; t[r.member] = list end
      list[#list + 1] = { r.day_lo, r.day_hi }
    end
    intervals[grp] = t
  end
  return t
end

-- Is code a member of grp on day (a day number)? With no day: was it
-- ever a member?
function M.member_of(grp, code, day)
  local list = group_intervals(grp)[code]
  if not list then return false end
  if not day then return true end
  for i = 1, #list do
    local iv = list[i]
    if iv[1] <= day and iv[2] >= day then return true end
  end
  return false
end

-- The members of grp on day, sorted by code. The list is cached and
-- shared between callers: do not modify it.
local members_cache = {}
function M.members(grp, day)
  local by_day = members_cache[grp]
  if not by_day then by_day = {}; members_cache[grp] = by_day end
  local out = by_day[day]
  if out then return out end
  out = {}
  for code, list in pairs(group_intervals(grp)) do
    for i = 1, #list do
      if list[i][1] <= day and list[i][2] >= day then out[#out + 1] = code; break end
    end
  end
  table.sort(out)
  by_day[day] = out
  return out
end

-- An actor that belongs to a state (a state bank or company, an agency:
-- its registry entry's country) counts for that state's pole. Set to false
-- to count only the states and blocs themselves.
M.by_country = true
local country_of
local function owner(code)
  if not country_of then
    country_of = {}
    for r in caw.sql("SELECT code, country FROM actors WHERE country IS NOT NULL") do
      country_of[r.code] = r.country
    end
  end
  return country_of[code]
end

-- The pole of an actor code on a day, or nil when it belongs to none.
function M.of(code, day)
  if not code then return nil end
  local state = M.by_country and owner(code)
  if state and state ~= code then return M.of(state, day) end
  if M.china[code] then return "CHN" end
  if M.russia[code] then return "RUS" end
  if M.west[code] or M.extra_west[code] then return "WEST" end
  if day and M.member_of("EU", code, day) then return "WEST" end
  return partner_of[code]
end

for _, key in ipairs(M.count_partners) do M.count(key) end

return M

-- bench/score_gen.lua -- insert N synthetic events for the scoring
-- benchmark (bench/score_bench.sh). Deterministic: the same N and SEED
-- give the same events.
--
--   caw --db BENCH.db run bench/score_gen.lua N [SEED]
--
-- Events are spread over 2022-01-01 .. 2025-12-31; each has one partner
-- (RUS, CHN, USA, EU or an EU member), one to five Central Asian states
-- (or the C5 bloc), a level, sometimes money, sometimes an imprecise date.
local N = tonumber(arg[1]) or 100000
local SEED = tonumber(arg[2]) or 42
math.randomseed(SEED)
local rnd = math.random

local CA = { "KAZ", "KGZ", "TJK", "TKM", "UZB" }
local PARTNERS = { "RUS", "RUS", "CHN", "CHN", "USA", "EU", "DEU", "GBR" }
local TYPES = { "visit", "visit", "meeting", "meeting", "summit", "agreement",
  "funding", "trade", "statement", "sanction", "vote", "report" }
local LEVELS = { "head", "minister", "official", false }
local STANCES = { "yes", "no", "abstain" }
local CURRENCIES = { "USD", "EUR", "CNY", "RUB" }
local day0 = caw.date.day(2022, 1, 1)
local span = caw.date.day(2025, 12, 31) - day0 + 1

local function date_of(i)
  local d = day0 + rnd(0, span - 1)
  local s = caw.date.format(d)
  local r = rnd(1, 20)
  if r == 1 then return s:sub(1, 7) end                 -- a month
  if r == 2 then return s .. "~" end                    -- approximate
  if r == 3 and d + 3 < day0 + span then                -- a few days
    return s .. "/" .. caw.date.format(d + rnd(1, 3))
  end
  return s
end

local function one(i)
  local ty = TYPES[rnd(#TYPES)]
  local partner = PARTNERS[rnd(#PARTNERS)]
  local lvl = LEVELS[rnd(#LEVELS)] or nil
  local actors = { { code = partner, role = ty == "sanction" and "initiator" or
    (rnd(2) == 1 and "initiator" or "host"), level = lvl } }
  local n_ca = rnd(1, 8) <= 6 and 1 or rnd(2, 5)
  if n_ca == 5 and rnd(2) == 1 then
    actors[#actors + 1] = { code = "C5", role = "participant" }
  else
    local start = rnd(1, 5)
    for k = 0, n_ca - 1 do
      actors[#actors + 1] = { code = CA[(start + k - 1) % 5 + 1],
        role = ty == "sanction" and "target" or "participant", level = lvl }
    end
  end
  if ty == "vote" then
    actors[1].role = "participant"
    actors[1].stance = STANCES[rnd(3)]
    for k = 2, #actors do actors[k].stance = STANCES[rnd(3)] end
    actors[#actors + 1] = { code = "UN", role = "host" }
  end
  local ev = {
    id = string.format("syn-%07d", i), date = date_of(i), type = ty,
    title = string.format("Synthetic %s %d", ty, i),
    confidence = rnd(1, 10) == 1 and 0.3 or 0.9,
    actors = actors,
    sources = { { url = string.format("https://example.org/e/%d", i) } },
  }
  if rnd(1, 5) == 1 then ev.cameo = ({ "042", "043", "046", "057", "061", "111" })[rnd(6)] end
  if (ty == "funding" or ty == "agreement") and rnd(2) == 1 then
    ev.money = { { amount = rnd(1, 5000) * 1e6, currency = CURRENCIES[rnd(#CURRENCIES)],
      kind = "commitment", provider = partner } }
  end
  return ev
end

local t0 = caw.clock()
local BATCH = 50000
local done = 0
while done < N do
  local upto = math.min(N, done + BATCH)
  caw.transaction(function()
    for i = done + 1, upto do caw.add_event(one(i)) end
  end)
  done = upto
  caw.progress(done, N, "inserting", t0)
end
caw.progress()
io.stderr:write(string.format("inserted %d events in %.1f s\n", N, caw.clock() - t0))

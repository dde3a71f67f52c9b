-- tests/lua/test_money.lua -- lib/money.lua and lib/rates.lua: the one
-- allocation rule that `caw score` and the funding report share (issue 10).
local t = require("check")
local money = require("lib.money")
local rates = require("lib.rates")

local day = caw.date.day(2024, 6, 1)
local ev = { actors = { { code = "EU", role = "initiator" }, { code = "C5", role = "participant" } } }

-- a C5 line with no allocation: five equal parts
local m = { amount = 10e9, currency = "EUR" }
local parts, left = money.split(m, "C5", ev, day)
t.eq(#parts, 5, "C5 has five members in 2024")
t.eq(parts[1].code .. " " .. parts[1].share .. " " .. parts[1].basis, "KAZ 0.2 equal", "equal split, sorted by code")
t.eq(left, 0, "nothing left unallocated")

-- stated shares first, the rest equally among the other members:
-- 10bn - 1.5bn (KAZ) - 0.5bn (UZB) = 8bn over KGZ, TJK, TKM = 2.666..bn each
m.allocation = { KAZ = 1.5e9, UZB = 0.5e9 }
parts = money.split(m, "C5", ev, day)
local by = {}
for _, s in ipairs(parts) do by[s.code] = s end
t.eq(by.KAZ.amount, 1.5e9, "KAZ gets its stated share")
t.eq(by.KAZ.basis, "stated", "KAZ share is marked stated")
t.eq(by.UZB.amount, 0.5e9, "UZB gets its stated share")
t.eq(string.format("%.2f", by.TJK.amount), "2666666666.67", "the rest split three ways")
t.eq(by.TJK.basis .. by.TJK.among, "rest3", "rest share marked with its divisor")
local sum = 0
for _, s in ipairs(parts) do sum = sum + s.amount end
t.eq(string.format("%.2f", sum), "10000000000.00", "the parts add up to the line")

-- every member stated, with a rest: the rest goes to no state
m.allocation = { KAZ = 1e9, KGZ = 1e9, TJK = 1e9, TKM = 1e9, UZB = 1e9 }
parts, left = money.split(m, "C5", ev, day)
t.eq(left, 5e9, "a rest no member shares is reported as unallocated")

-- a single state: whole; a partner: no Central Asian part
m.allocation = nil
parts = money.split(m, "KAZ", ev, day)
t.eq(#parts .. parts[1].basis, "1whole", "a state receives the whole line")
parts, left = money.split(m, "USA", ev, day)
t.eq(#parts, 0, "a partner side has no Central Asian part")

-- no recipient: the event's states share it
local ev2 = { actors = { { code = "CHN", role = "initiator" }, { code = "KAZ", role = "target" },
                         { code = "UZB", role = "participant" } } }
parts = money.split({ amount = 100, currency = "USD" }, nil, ev2, day)
t.eq(#parts .. " " .. parts[2].code .. " " .. parts[2].share, "2 UZB 0.5", "no recipient: the event's states, equally")

-- direction as stated: Uzbekistan investing in the US is outward
local p, r, dir = money.sides(ev2, { provider = "UZB", recipient = "USA" })
t.eq(p .. ">" .. r .. " " .. dir, "UZB>USA outward", "outward money keeps provider and recipient")
p, r, dir = money.sides(ev2, { provider = "CHN", recipient = "C5" })
t.eq(p .. ">" .. r .. " " .. dir, "CHN>C5 inward", "inward money")
p, r, dir = money.sides(ev2, { provider = "CHN", recipient = "RUS" })
t.eq(dir, "elsewhere", "money between two partners is not money to Central Asia")
p, r, dir = money.sides(ev2, {})
t.eq(p .. " " .. tostring(r) .. " " .. dir, "CHN nil inward", "no provider: the event's initiator")

-- kinds
t.eq(money.class("commitment") .. money.class("disbursement") .. money.class("pledge") .. money.class("investment"),
  "firmfirmannouncedannounced", "firm money apart from pledges and announced investment")

-- rates: USD never converted nor provisional; no fallback to another year
local usd, rate, note = rates.to_usd(5e6, "USD", 2025)
t.eq(usd .. " " .. rate .. " " .. tostring(note), "5000000.0 1 nil", "USD is never provisional")
usd, rate = rates.to_usd(1e6, "KGS", 2031)
t.eq(usd, nil, "no KGS rate for 2031")
t.eq(rate, "no KGS rate for 2031 in lib/rates.lua", "the reason names currency and year")
usd, rate = rates.to_usd(1e6, "XYZ", 2024)
t.eq(rate, "no XYZ rate in lib/rates.lua", "an unknown currency has a reason")
-- RUB 2025 is Vedomosti's 83.3 from Bank of Russia data: 833,000,000 / 83.3 = 10,000,000;
-- RUB 2024 has no sourced figure yet, and 2025's is never used for it
usd, rate, note = rates.to_usd(833e6, "RUB", 2025)
t.eq(string.format("%.2f", usd) .. " " .. rate .. " " .. tostring(note), "10000000.00 83.3 nil", "RUB 2025 at 83.3, not provisional")
usd, rate = rates.to_usd(1e6, "RUB", 2024)
t.eq(rate, "no RUB rate for 2024 in lib/rates.lua", "no RUB 2024 rate, and no fallback to 2025")
usd, rate = rates.to_usd(1e6, "TRY", 2024)
t.eq(rate, "no TRY rate in lib/rates.lua", "lira lines are not converted until a source is found")
usd, rate, note = rates.to_usd(3.5e6, "TMT", 2024)
t.eq(usd .. " " .. tostring(note ~= nil), "1000000.0 true", "a pegged rate converts and is flagged provisional")
for _, cur in ipairs({ "KZT", "KGS", "TJS", "TMT", "UZS", "RUB", "CNY", "EUR", "GBP", "USD", "JPY", "KRW",
                       "INR", "AED", "CHF" }) do
  t.ok(rates.per_usd[cur] and rates.sources[cur], cur .. " has rates and a source")
  for y, v in pairs(rates.per_usd[cur] or {}) do
    t.ok(y >= 2022 and y <= 2025 and v > 0, cur .. " " .. y .. " is a positive rate for 2022-2025")
  end
end

-- one plugin cannot change the rule another one calls (the sandbox's
-- read-only modules): an analyst replaces it with a lib/money.lua of their
-- own on CAW_PLUGIN_PATH (tests/cli/funding.sh)
t.ok(not pcall(function() money.split = function() end end), "lib.money cannot be changed from a script")
t.done()

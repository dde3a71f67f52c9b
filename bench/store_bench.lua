-- bench/store_bench.lua -- insert N events through caw.add_event in one
-- transaction, then stream them back with caw.events{}. Prints seconds.
local n = tonumber(arg[1]) or 100000
local types = { "meeting", "summit", "visit", "statement", "agreement", "funding" }
local ca = { "KAZ", "KGZ", "TJK", "TKM", "UZB" }
local partners = { "RUS", "CHN", "USA", "GBR", "EU" }
local t0 = caw.clock()
caw.transaction(function()
  for i = 1, n do
    local day = 19000 + i % 1400
    local y, m, d = caw.date.civil(day)
    caw.add_event{
      id = "bench-" .. i,
      date = string.format("%04d-%02d-%02d", y, m, d),
      type = types[i % #types + 1],
      title = "Bench event " .. i,
      actors = { { code = partners[i % 5 + 1], role = "initiator" },
                 { code = ca[i % 5 + 1], role = "host" } },
      sources = { { url = "https://example.org/e/" .. i } },
      tags = { "bench" },
    }
  end
end)
local t1 = caw.clock()
local count = 0
for ev in caw.events{} do
  if ev.actors[2] then count = count + 1 end
end
local t2 = caw.clock()
assert(count == n, "read back " .. count .. " of " .. n)
print(string.format("caw insert %.3f s", t1 - t0))
print(string.format("caw iterate %.3f s", t2 - t1))

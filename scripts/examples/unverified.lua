-- scripts/examples/unverified.lua -- list what still needs checking:
-- events marked unverified or with low confidence, with their sources.
--
--   caw run scripts/examples/unverified.lua [MAX_CONFIDENCE]
local max = tonumber(arg[1]) or 0.5
for ev in caw.events{} do
  if ev.confidence <= max then
    print(string.format("%s  %s  (confidence %.1f)", ev.date, ev.title, ev.confidence))
    for _, s in ipairs(ev.sources) do print("    " .. s.url) end
  end
end

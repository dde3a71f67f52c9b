-- scripts/examples/pole_timeline.lua -- how many events each pole had with
-- each Central Asian state, per year: a first look before scoring.
--
--   caw run scripts/examples/pole_timeline.lua [FROM] [TO]
--   caw run scripts/examples/pole_timeline.lua 2023 2025
local poles = require("lib.poles")
local text = require("lib.text")

local from, to = arg[1] or "2022", arg[2] or "2025"
local counts, years = {}, {}
for ev in caw.events{ from = from, to = to } do
  local year = caw.date.civil(ev.day_lo)
  local seen_poles, seen_states = {}, {}
  for _, a in ipairs(ev.actors) do
    local p = poles.of(a.code, ev.day_lo)
    if p then seen_poles[p] = true end
    if poles.central_asia[a.code] then seen_states[a.code] = true end
  end
  for state in pairs(seen_states) do
    for p in pairs(seen_poles) do
      local key = state .. " " .. p
      counts[key] = counts[key] or {}
      counts[key][year] = (counts[key][year] or 0) + 1
      years[year] = true
    end
  end
end

local ylist = {}
for y in pairs(years) do ylist[#ylist + 1] = y end
table.sort(ylist)
local headers = { "STATE", "POLE" }
for _, y in ipairs(ylist) do headers[#headers + 1] = tostring(y) end
local rows = {}
for _, state in ipairs(poles.central_asia_list) do
  for _, p in ipairs(poles.order) do
    local c = counts[state .. " " .. p]
    if c then
      local r = { state, poles.names[p] }
      for _, y in ipairs(ylist) do r[#r + 1] = tostring(c[y] or 0) end
      rows[#rows + 1] = r
    end
  end
end
io.write(text.table(headers, rows))

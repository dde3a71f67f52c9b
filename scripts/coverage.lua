-- scripts/coverage.lua -- how evenly the database covers the poles: events
-- by pole x Central Asian state x year, as the Markdown tables in
-- docs/dataset.md ("Coverage"). The same counting as an analyst would do
-- by hand: an event counts for a state when the state, or a regional
-- group it belongs to (C5), is one of its actors; it counts for a pole
-- when an actor of that pole (lib/poles.lua) takes part. One event can
-- count for several poles and states; an event with no pole counts under
-- "none".
--
--   caw run scripts/coverage.lua [FROM_YEAR [TO_YEAR]]
local poles = require("lib.poles")
local from, to = tonumber(arg[1]) or 2022, tonumber(arg[2]) or 2025
local years = {}
for y = from, to do years[#years + 1] = y end
local keys = {}
for _, p in ipairs(poles.order) do keys[#keys + 1] = p end
keys[#keys + 1] = "none"
local names = setmetatable({ none = "no pole" }, { __index = poles.names })

local count, total = {}, {}
local function add(pole, state, year)
  local k = pole .. " " .. state
  count[k] = count[k] or {}
  count[k][year] = (count[k][year] or 0) + 1
end

local function year_of(ev) return tonumber(ev.earliest and ev.earliest:sub(1, 4)) end

for ev in caw.events{ from = tostring(from), to = tostring(to) } do
  local year = year_of(ev)
  local states, pole_set = {}, {}
  for _, a in ipairs(ev.actors) do
    if poles.central_asia[a.code] then states[a.code] = true end
    if poles.regional[a.code] then
      for _, m in ipairs(poles.members(a.code, ev.day_lo)) do
        if poles.central_asia[m] then states[m] = true end
      end
    end
    local p = poles.of(a.code, ev.day_lo)
    if p then pole_set[p] = true end
  end
  if next(pole_set) == nil then pole_set.none = true end
  if year and next(states) then
    total[year] = (total[year] or 0) + 1
    for p in pairs(pole_set) do
      for s in pairs(states) do add(p, s, year) end
      add(p, "any", year)
    end
  end
end

local function row(cells) print("| " .. table.concat(cells, " | ") .. " |") end
local head = { "pole", "state" }
for _, y in ipairs(years) do head[#head + 1] = tostring(y) end
head[#head + 1] = "total"
row(head)
local sep = { "---", "---" }
for i = 1, #years + 1 do sep[#sep + 1] = "---:" end
row(sep)
for _, p in ipairs(keys) do
  local list = {}
  for _, s in ipairs(poles.central_asia_list) do list[#list + 1] = s end
  list[#list + 1] = "any"
  for _, s in ipairs(list) do
    local c = count[p .. " " .. s] or {}
    local cells = { names[p], s == "any" and "**any of the five**" or s }
    local sum = 0
    for _, y in ipairs(years) do
      cells[#cells + 1] = tostring(c[y] or 0)
      sum = sum + (c[y] or 0)
    end
    cells[#cells + 1] = tostring(sum)
    if s == "any" then
      for i = 3, #cells do cells[i] = "**" .. cells[i] .. "**" end
    end
    row(cells)
  end
end
local cells, sum = { "all", "events with a Central Asian state" }, 0
for _, y in ipairs(years) do cells[#cells + 1] = tostring(total[y] or 0); sum = sum + (total[y] or 0) end
cells[#cells + 1] = tostring(sum)
row(cells)

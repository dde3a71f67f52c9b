-- lib/caw_csv.lua -- caw's CSV format (docs/format-csv.md): one event per
-- row, several actors, money lines, sources and tags in one cell each.
-- Shared by importers/caw_csv.lua (reading) and cmd/export.lua (writing).
--
--   actors   KAZ:host; GBR:initiator:minister:David Cameron; UZB:participant:::abstain
--            RUS:participant:head:Vladimir Putin::0.3
--            (CODE:role[:level[:person[:stance[:confidence]]]])
--   money    50000000 GBP commitment 2024/2026 GBR>C5 source=1; 62500000 USD commitment alt
--            1000000000 EUR commitment EU>C5 loan alloc=KAZ:400000000,UZB:300000000
--            (AMOUNT CURRENCY KIND [PERIOD] [PROVIDER>RECIPIENT] [loan|grant]
--             [alloc=CODE:AMOUNT,...] [source=N] [alt])
--   sources  https://a.example/x | Publisher | Title | 2024-04; https://b.example/y
--            (URL [| publisher [| title [| published]]], entries split at "; " before a URL)
--   tags     uk; c5+1
local text = require("lib.text")
local M = {}

M.columns = { "id", "date", "type", "title", "summary", "location", "confidence",
              "cameo", "actors", "money", "sources", "tags" }
M.required = { date = true, type = true, title = true, sources = true }

local function trim(s) return (s:gsub("^%s+", ""):gsub("%s+$", "")) end
local function opt(s) s = s and trim(s) or ""; return s ~= "" and s or nil end

local function split(s, sep)
  local out = {}
  for part in (s .. sep):gmatch("(.-)" .. sep) do
    part = trim(part)
    if part ~= "" then out[#out + 1] = part end
  end
  return out
end

-- Each parser returns the list, or nil and a message naming the entry.
function M.parse_actors(cell)
  local out = {}
  for i, e in ipairs(split(cell, ";")) do
    local parts = {}
    for p in (e .. ":"):gmatch("(.-):") do parts[#parts + 1] = p end
    if #parts < 2 then
      return nil, string.format("actors entry %d '%s': expected CODE:role", i, e)
    end
    local conf = opt(parts[6])
    out[i] = { code = opt(parts[1]), role = opt(parts[2]), level = opt(parts[3]),
               person = opt(parts[4]), stance = opt(parts[5]),
               confidence = conf and tonumber(conf) }
    if conf and not out[i].confidence then
      return nil, string.format("actors entry %d: confidence '%s' is not a number", i, conf)
    end
  end
  return out
end

function M.parse_money(cell)
  local out = {}
  for i, e in ipairs(split(cell, ";")) do
    local words = split(e, " ")
    if #words < 3 then
      return nil, string.format("money entry %d '%s': expected AMOUNT CURRENCY KIND", i, e)
    end
    local amount = tonumber(words[1])
    if not amount then
      return nil, string.format("money entry %d: amount '%s' is not a number", i, words[1])
    end
    local m = { amount = amount, currency = words[2], kind = words[3] }
    for j = 4, #words do
      local w = words[j]
      local prov, rec = w:match("^([%w_.+-]*)>([%w_.+-]*)$")
      if prov then
        m.provider, m.recipient = opt(prov), opt(rec)
      elseif w:match("^source=%d+$") then
        m.source = tonumber(w:match("%d+"))
      elseif w == "alt" then
        m.primary = false
      elseif w == "loan" or w == "grant" then
        m.instrument = w
      elseif w:match("^alloc=") then
        m.allocation = {}
        for code, amt in (w:sub(7) .. ","):gmatch("([^,:]*):?([^,]*),") do
          local x = tonumber(amt)
          if code == "" or not x or m.allocation[code] then
            return nil, string.format("money entry %d: bad allocation '%s'" ..
              " (expected alloc=CODE:AMOUNT,CODE:AMOUNT)", i, w)
          end
          m.allocation[code] = x
        end
      elseif not m.period then
        m.period = w
      else
        return nil, string.format("money entry %d: unexpected '%s'", i, w)
      end
    end
    out[i] = m
  end
  return out
end

function M.parse_sources(cell)
  local out = {}
  -- split at ";" only where a URL (scheme:) follows
  local entries, start = {}, 1
  while true do
    local s, e = cell:find(";%s*%a[%w+.-]*:", start)
    if not s then break end
    entries[#entries + 1] = cell:sub(start, s - 1)
    start = s + 1
  end
  entries[#entries + 1] = cell:sub(start)
  for _, e in ipairs(entries) do
    e = trim(e)
    if e ~= "" then
      local parts = {}
      for p in (e .. "|"):gmatch("(.-)|") do parts[#parts + 1] = trim(p) end
      out[#out + 1] = { url = opt(parts[1]), publisher = opt(parts[2]),
                        title = opt(parts[3]), published = opt(parts[4]) }
    end
  end
  return out
end

function M.parse_tags(cell) return split(cell, ";") end

function M.header() return text.csv_row(M.columns) end

-- The shortest text that reads back as the same number.
local function num(x)
  local s = string.format("%.15g", x)
  if tonumber(s) ~= x then s = string.format("%.17g", x) end
  return s
end

local function no_sep(s) return s and (tostring(s):gsub("[;|]", ",")) or "" end

-- One CSV row for a stored event (lossy for text holding ';' or '|').
function M.row(ev)
  local actors, money, sources = {}, {}, {}
  for i, a in ipairs(ev.actors) do
    local parts = { a.code, a.role, a.level or "", no_sep(a.person), a.stance or "",
                    a.confidence and num(a.confidence) or "" }
    while #parts > 2 and parts[#parts] == "" do parts[#parts] = nil end
    actors[i] = table.concat(parts, ":")
  end
  for i, m in ipairs(ev.money) do
    local words = { string.format("%.17g", m.amount), m.currency, m.kind }
    if m.period then words[#words + 1] = m.period end
    if m.provider or m.recipient then
      words[#words + 1] = (m.provider or "") .. ">" .. (m.recipient or "")
    end
    if m.instrument then words[#words + 1] = m.instrument end
    if m.allocation then
      local codes, parts = {}, {}
      for code in pairs(m.allocation) do codes[#codes + 1] = code end
      table.sort(codes)
      for j, code in ipairs(codes) do
        parts[j] = code .. ":" .. num(m.allocation[code])
      end
      words[#words + 1] = "alloc=" .. table.concat(parts, ",")
    end
    words[#words + 1] = "source=" .. m.source
    if not m.primary then words[#words + 1] = "alt" end
    money[i] = table.concat(words, " ")
  end
  for i, s in ipairs(ev.sources) do
    local parts = { s.url, no_sep(s.publisher), no_sep(s.title), s.published or "" }
    while #parts > 1 and parts[#parts] == "" do parts[#parts] = nil end
    sources[i] = table.concat(parts, " | ")
  end
  return text.csv_row({ ev.id, ev.date, ev.type, ev.title, ev.summary, ev.location,
    ev.confidence, ev.cameo, table.concat(actors, "; "), table.concat(money, "; "),
    table.concat(sources, "; "), table.concat(ev.tags, "; ") }, #M.columns)
end

return M

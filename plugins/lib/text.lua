-- lib/text.lua -- escaping and formatting shared by commands and reports:
-- CSV fields (RFC 4180, spreadsheet formulas neutralised), HTML text,
-- Markdown table cells, numbers with thousands separators, and plain-text
-- tables.
local M = {}

-- A text cell that a spreadsheet would run as a formula (a leading =, +,
-- -, @, tab or carriage return; OWASP "CSV injection") is written with a
-- leading apostrophe, and so is one that starts with apostrophes before
-- such a character, so that M.csv_unneutral undoes exactly one. Numbers,
-- and strings that are plain numbers ("-3.5"), are written as they are.
function M.csv_neutral(s)
  if type(s) ~= "string" or not s:find("^'*[=+%-@\t\r]") then return s end
  if s:find("^[+-]%d") and tonumber(s) then return s end
  return "'" .. s
end

-- The cell text that M.csv_neutral was given (caw CSV import reads back
-- what caw export wrote).
function M.csv_unneutral(s)
  if type(s) == "string" and s:find("^'+[=+%-@\t\r]") then return s:sub(2) end
  return s
end

function M.csv_field(v)
  if v == nil then return "" end
  local s = type(v) == "string" and M.csv_neutral(v) or tostring(v)
  if s:find('[,"\r\n]') then s = '"' .. s:gsub('"', '""') .. '"' end
  return s
end

function M.csv_row(fields, n)
  local out = {}
  for i = 1, n or #fields do out[i] = M.csv_field(fields[i]) end
  return table.concat(out, ",") .. "\r\n"
end

local html_map = { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;",
                   ['"'] = "&quot;", ["'"] = "&#39;" }
-- Escape text for HTML element content and attribute values.
function M.html(v)
  if v == nil then return "" end
  return (tostring(v):gsub("[&<>\"']", html_map))
end

-- A URL fit for href: only http(s) and urn: survive; anything else
-- (javascript:, data:) becomes "#". M.safe_link says whether one would.
function M.safe_link(u)
  return type(u) == "string" and (u:match("^https?://") or u:match("^urn:")) ~= nil
end

function M.safe_url(u)
  if M.safe_link(u) then return M.html(u) end
  return "#"
end

-- Escape text for one Markdown table cell.
function M.md(v)
  if v == nil then return "" end
  local s = tostring(v):gsub("[\r\n]+", " ")
  s = s:gsub("([\\`*_%[%]<>|])", "\\%1")
  return s
end

-- 1234567.891 -> "1,234,568" (decimals digits after the point)
function M.number(x, decimals)
  if x == nil then return "" end
  local s = string.format("%." .. (decimals or 0) .. "f", x)
  local sign, int, frac = s:match("^(-?)(%d+)(.*)$")
  int = int:reverse():gsub("(%d%d%d)", "%1,"):reverse():gsub("^,", "")
  return sign .. int .. frac
end

-- 62500000 -> "62.5m", 3.7e9 -> "3.7bn"
function M.short_money(x)
  if x == nil then return "" end
  local a = math.abs(x)
  if a >= 1e9 then return (string.format("%.2f", x / 1e9):gsub("%.?0+$", "")) .. "bn" end
  if a >= 1e6 then return (string.format("%.2f", x / 1e6):gsub("%.?0+$", "")) .. "m" end
  return M.number(x)
end

-- Display width in characters (UTF-8 aware).
function M.width(s) return utf8.len(s) or #s end

-- Cut s to at most n characters, marking the cut with "…".
function M.truncate(s, n)
  s = tostring(s or "")
  if M.width(s) <= n then return s end
  local cut = utf8.offset(s, n) or (n + 1)
  return s:sub(1, cut - 1) .. "…"
end

-- Render rows (lists of strings) under headers as an aligned text table.
function M.table(headers, rows)
  local w = {}
  for i, h in ipairs(headers) do w[i] = M.width(h) end
  for _, r in ipairs(rows) do
    for i = 1, #headers do w[i] = math.max(w[i], M.width(r[i] or "")) end
  end
  local function line(r)
    local out = {}
    for i = 1, #headers do
      local s = r[i] or ""
      out[i] = s .. string.rep(" ", w[i] - M.width(s))
    end
    return (table.concat(out, "  "):gsub("%s+$", ""))
  end
  local out = { line(headers) }
  local rule = {}
  for i = 1, #headers do rule[i] = string.rep("-", w[i]) end
  out[2] = table.concat(rule, "  ")
  for _, r in ipairs(rows) do out[#out + 1] = line(r) end
  return table.concat(out, "\n") .. "\n"
end

return M

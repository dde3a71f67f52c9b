-- lib/report.lua -- what every report plugin shares: the --format/-o
-- options, writing the result (atomically, through caw.write so that it
-- works under --sandbox), a self-contained HTML page, and SVG charts.
-- Everything that reaches HTML goes through text.html().
local text = require("lib.text")
local poles = require("lib.poles")
local M = {}

M.options = {
  { "format", arg = "FMT", default = "md", choices = { "md", "csv", "json", "html" },
    help = "output format" },
  { "o", long = "output", arg = "FILE", help = "write to FILE instead of standard output" },
}

function M.write(opts, body)
  caw.write(opts.output or "-", body)
end

-- A --country value must name one of the five states (exit 64 if not:
-- an unknown code names the closest known ones). Returns the code as
-- stored ("kaz" gives "KAZ"), or nil for nil.
function M.check_country(country)
  if not country then return nil end
  local ok, code = pcall(caw.known, "actor", country)
  if not ok then
    caw.fail(caw.EXIT.USAGE, "--country: " .. (caw.error_code(code) and code.message or tostring(code)))
  end
  if not poles.central_asia[code] then
    caw.fail(caw.EXIT.USAGE, "--country takes one of " .. table.concat(poles.central_asia_list, ", ") ..
      ", not '" .. country .. "'")
  end
  return code
end

local CSS = [[
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em auto;max-width:72em;padding:0 1em;color:#1d232a}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.8em;border-bottom:1px solid #ccd3da}
table{border-collapse:collapse;margin:.6em 0;font-size:.92em}
th,td{border:1px solid #ccd3da;padding:.3em .55em;vertical-align:top;text-align:left}
th{background:#eef2f5}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.note{color:#55606b;font-size:.9em}.src{font-size:.85em}svg{max-width:100%;height:auto}
.legend span{display:inline-block;margin-right:1.2em}.sw{display:inline-block;width:.9em;height:.9em;margin-right:.3em;vertical-align:-.1em}
]]

-- A whole HTML document; body is already-escaped HTML.
function M.html_page(title, body)
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n" ..
    "<title>" .. text.html(title) .. "</title>\n<style>" .. CSS .. "</style>\n</head>\n" ..
    "<body>\n" .. body .. "\n</body>\n</html>\n"
end

-- An HTML table: headers (plain strings), rows (lists of cells; a cell is
-- a plain string, or {html = "..."} already escaped, or {num = "..."}).
function M.html_table(headers, rows)
  local out = { "<table>\n<thead><tr>" }
  for _, h in ipairs(headers) do out[#out + 1] = "<th>" .. text.html(h) .. "</th>" end
  out[#out + 1] = "</tr></thead>\n<tbody>\n"
  for _, r in ipairs(rows) do
    out[#out + 1] = "<tr>"
    for i = 1, #headers do
      local c = r[i]
      if type(c) == "table" and c.html then out[#out + 1] = "<td>" .. c.html .. "</td>"
      elseif type(c) == "table" and c.num then out[#out + 1] = "<td class=\"num\">" .. text.html(c.num) .. "</td>"
      else out[#out + 1] = "<td>" .. text.html(c) .. "</td>" end
    end
    out[#out + 1] = "</tr>\n"
  end
  out[#out + 1] = "</tbody>\n</table>\n"
  return table.concat(out)
end

-- A Markdown table (cells escaped).
function M.md_table(headers, rows, align)
  local out = {}
  local h, rule = {}, {}
  for i, x in ipairs(headers) do
    h[i] = text.md(x)
    rule[i] = (align and align[i] == "r") and "---:" or "---"
  end
  out[1] = "| " .. table.concat(h, " | ") .. " |"
  out[2] = "| " .. table.concat(rule, " | ") .. " |"
  for _, r in ipairs(rows) do
    local cells = {}
    for i = 1, #headers do
      local c = r[i]
      if type(c) == "table" then c = c.md or c.num or c.text end
      cells[i] = (type(r[i]) == "table" and r[i].md) and c or text.md(c)
    end
    out[#out + 1] = "| " .. table.concat(cells, " | ") .. " |"
  end
  return table.concat(out, "\n") .. "\n"
end

M.colors = { WEST = "#2f6db5", CHN = "#c8372d", RUS = "#6b4c9a", OTHER = "#8a939c" }

local function fmt_axis(v)
  if v >= 1e9 then return string.format("%g bn", v / 1e9) end
  if v >= 1e6 then return string.format("%g m", v / 1e6) end
  return string.format("%g", v)
end

local function nice_max(v)
  if v <= 0 then return 1 end
  local p = 10 ^ math.floor(math.log(v, 10))
  for _, m in ipairs({ 1, 2, 2.5, 5, 10 }) do
    if m * p >= v then return m * p end
  end
  return 10 * p
end

-- The opening <svg> tag and four horizontal grid lines with their labels
-- (label(i) for i = 0..4, bottom up), as the first lines of a chart.
local function svg_frame(W, H, left, top, plot_h, title, label)
  local out = { string.format('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s">',
    W, H, W, H, text.html(title or "chart")) }
  for i = 0, 4 do
    local y = top + plot_h - plot_h * i / 4
    out[#out + 1] = string.format('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#dde3e8"/>', left, W - 20, y, y)
    out[#out + 1] = string.format('<text x="%d" y="%.1f" font-size="11" text-anchor="end" fill="#55606b">%s</text>',
      left - 6, y + 4, label(i))
  end
  return out
end

-- Stacked bar chart: categories (x labels), series {key, label}, and
-- value(cat, key). Returns an inline SVG element.
function M.svg_stacked_bars(categories, series, value, opts)
  opts = opts or {}
  local W, H, left, bottom, top = 720, 320, 70, 40, 20
  local plot_w, plot_h = W - left - 20, H - top - bottom
  local maxv = 0
  for _, c in ipairs(categories) do
    local sum = 0
    for _, s in ipairs(series) do sum = sum + math.max(value(c, s.key) or 0, 0) end
    maxv = math.max(maxv, sum)
  end
  maxv = nice_max(maxv)
  local out = svg_frame(W, H, left, top, plot_h, opts.title,
    function(i) return text.html(fmt_axis(maxv * i / 4)) end)
  local n = math.max(#categories, 1)
  local slot = plot_w / n
  local bw = math.min(60, slot * 0.6)
  for i, c in ipairs(categories) do
    local x = left + slot * (i - 1) + (slot - bw) / 2
    local y = top + plot_h
    for _, s in ipairs(series) do
      local v = math.max(value(c, s.key) or 0, 0)
      if v > 0 then
        local h = plot_h * v / maxv
        y = y - h
        out[#out + 1] = string.format('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s %s: %s</title></rect>',
          x, y, bw, h, M.colors[s.key] or M.colors.OTHER, text.html(s.label), text.html(c), text.html(fmt_axis(v)))
      end
    end
    out[#out + 1] = string.format('<text x="%.1f" y="%d" font-size="12" text-anchor="middle">%s</text>',
      x + bw / 2, H - bottom + 18, text.html(c))
  end
  out[#out + 1] = "</svg>"
  return table.concat(out, "\n")
end

-- Line chart of shares (0..1) over categories, one line per series.
-- value(cat, key) may return nil (no data: the line breaks there).
function M.svg_lines(categories, series, value, opts)
  opts = opts or {}
  local W, H, left, bottom, top = 720, 280, 50, 50, 15
  local plot_w, plot_h = W - left - 20, H - top - bottom
  local out = svg_frame(W, H, left, top, plot_h, opts.title,
    function(i) return (i * 25) .. "%" end)
  local n = #categories
  local function xpos(i) return left + (n > 1 and plot_w * (i - 1) / (n - 1) or plot_w / 2) end
  for i, c in ipairs(categories) do
    if n <= 16 or i % math.ceil(n / 16) == 1 then
      out[#out + 1] = string.format('<text x="%.1f" y="%d" font-size="11" text-anchor="end" transform="rotate(-40 %.1f %d)">%s</text>',
        xpos(i), H - bottom + 14, xpos(i), H - bottom + 14, text.html(c))
    end
  end
  for _, s in ipairs(series) do
    local pts, segs = {}, {}
    for i, c in ipairs(categories) do
      local v = value(c, s.key)
      if v then
        pts[#pts + 1] = string.format("%.1f,%.1f", xpos(i), top + plot_h - plot_h * v)
        out[#out + 1] = string.format('<circle cx="%.1f" cy="%.1f" r="3" fill="%s"><title>%s %s: %.0f%%</title></circle>',
          xpos(i), top + plot_h - plot_h * v, M.colors[s.key] or M.colors.OTHER, text.html(s.label), text.html(c), v * 100)
      elseif #pts > 0 then
        segs[#segs + 1] = pts; pts = {}
      end
    end
    if #pts > 0 then segs[#segs + 1] = pts end
    for _, p in ipairs(segs) do
      out[#out + 1] = string.format('<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>',
        M.colors[s.key] or M.colors.OTHER, table.concat(p, " "))
    end
  end
  out[#out + 1] = "</svg>"
  return table.concat(out, "\n")
end

function M.legend_html(series)
  local out = { '<p class="legend">' }
  for _, s in ipairs(series) do
    out[#out + 1] = string.format('<span><i class="sw" style="background:%s"></i>%s</span>',
      M.colors[s.key] or M.colors.OTHER, text.html(s.label))
  end
  out[#out + 1] = "</p>"
  return table.concat(out)
end

-- Sources as Markdown links, or as HTML links (escaped, safe hrefs). A
-- source without a web address (urn:) is named, not linked.
function M.sources_md(sources)
  local out = {}
  for _, s in ipairs(sources) do
    if s.url:match("^urn:") then
      out[#out + 1] = text.md((s.publisher or s.url) .. " (no web address recorded)")
    else
      out[#out + 1] = "[" .. text.md(s.publisher or s.url) .. "](" .. s.url:gsub("[()]", "\\%0") .. ")"
    end
  end
  return table.concat(out, ", ")
end

function M.sources_html(sources, sep)
  local out = {}
  for _, s in ipairs(sources) do
    if s.url:match("^urn:") then
      out[#out + 1] = text.html((s.publisher or s.url) .. " (no web address recorded)")
    else
      out[#out + 1] = "<a href=\"" .. text.safe_url(s.url) .. "\">" .. text.html(s.publisher or s.url) .. "</a>"
    end
  end
  return table.concat(out, sep or "<br>")
end

return M

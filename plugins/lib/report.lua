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
.wide{max-width:100%;overflow-x:auto}.legend span{display:inline-block;margin-right:1.2em}.sw{display:inline-block;width:.9em;height:.9em;margin-right:.3em;vertical-align:-.1em}
]]

-- A whole HTML document; body is already-escaped HTML.
function M.html_page(title, body)
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n" ..
    "<title>" .. text.html(title) .. "</title>\n<style>" .. CSS .. "</style>\n</head>\n" ..
    "<body>\n" .. body .. "\n</body>\n</html>\n"
end

-- An HTML table: headers (plain strings), rows (lists of cells; a cell is
-- a plain string, or {html = "..."} already escaped, or {num = "..."}).
-- A table wider than the window scrolls in its own box; the page does not.
function M.html_table(headers, rows)
  local out = { "<div class=\"wide\"><table>\n<thead><tr>" }
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
  out[#out + 1] = "</tbody>\n</table></div>\n"
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
-- opts.y_label is written up the left edge and opts.x_label under the
-- plot, so that every chart names its axes and their units.
local function svg_frame(W, H, left, top, plot_h, title, label, opts)
  local out = { string.format('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s">',
    W, H, W, H, text.html(title or "chart")) }
  for i = 0, 4 do
    local y = top + plot_h - plot_h * i / 4
    out[#out + 1] = string.format('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#dde3e8"/>', left, W - 20, y, y)
    out[#out + 1] = string.format('<text x="%d" y="%.1f" font-size="11" text-anchor="end" fill="#55606b">%s</text>',
      left - 6, y + 4, label(i))
  end
  if opts and opts.y_label then
    out[#out + 1] = string.format('<text x="14" y="%.1f" font-size="12" text-anchor="middle" fill="#1d232a" transform="rotate(-90 14 %.1f)">%s</text>',
      top + plot_h / 2, top + plot_h / 2, text.html(opts.y_label))
  end
  if opts and opts.x_label then
    out[#out + 1] = string.format('<text x="%.1f" y="%d" font-size="12" text-anchor="middle" fill="#1d232a">%s</text>',
      left + (W - 20 - left) / 2, H - 6, text.html(opts.x_label))
  end
  return out
end

-- Stacked bar chart: categories (x labels), series {key, label}, and
-- value(cat, key). opts: title, x_label, y_label (axis names with their
-- units). Returns an inline SVG element.
function M.svg_stacked_bars(categories, series, value, opts)
  opts = opts or {}
  local W, H, left, bottom, top = 720, 320, 70, 40, 20
  if opts.x_label then H, bottom = H + 18, bottom + 18 end
  if opts.y_label then left = left + 14 end
  local plot_w, plot_h = W - left - 20, H - top - bottom
  local maxv = 0
  for _, c in ipairs(categories) do
    local sum = 0
    for _, s in ipairs(series) do sum = sum + math.max(value(c, s.key) or 0, 0) end
    maxv = math.max(maxv, sum)
  end
  maxv = nice_max(maxv)
  local out = svg_frame(W, H, left, top, plot_h, opts.title,
    function(i) return text.html(fmt_axis(maxv * i / 4)) end, opts)
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

-- A scale of four equal steps from lo to hi that holds [vmin, vmax] and 0.
local function nice_range(vmin, vmax)
  vmin, vmax = math.min(vmin, 0), math.max(vmax, 0)
  if vmax - vmin <= 0 then return 0, 1 end
  local p = 10 ^ math.floor(math.log((vmax - vmin) / 4, 10))
  while true do
    for _, m in ipairs({ 1, 2, 2.5, 5 }) do
      local step = m * p
      local lo = math.floor(vmin / step + 1e-9) * step
      if lo + 4 * step >= vmax - 1e-9 then return lo, lo + 4 * step end
    end
    p = p * 10
  end
end
M.nice_range = nice_range

-- Line chart over categories, one line per series; value(cat, key) may
-- return nil (no data: the line breaks there). By default the values are
-- shares (0..1, axis in %). opts:
--   title, x_label, y_label   the chart's name and its axes (with units)
--   range = "auto"            a scale from the data that always holds 0,
--                             with the zero line drawn dark (net scores)
--   y_format(v)               tick and tooltip text of a value
--   count(cat)                a number printed under each category ("n")
--   low(cat)                  true: the category is drawn on a grey band
--                             and its points hollow (little data)
function M.svg_lines(categories, series, value, opts)
  opts = opts or {}
  local n = #categories
  local W, H, left, bottom, top = 720, 280, 50, 50, 15
  if opts.count then H, bottom = H + 16, bottom + 16 end
  if opts.x_label then H, bottom = H + 18, bottom + 18 end
  if opts.y_label then left = left + 16 end
  local plot_w, plot_h = W - left - 20, H - top - bottom
  local lo, hi = 0, 1
  if opts.range == "auto" then
    local vmin, vmax = 0, 0
    for _, c in ipairs(categories) do
      for _, s in ipairs(series) do
        local v = value(c, s.key)
        if v then vmin, vmax = math.min(vmin, v), math.max(vmax, v) end
      end
    end
    lo, hi = nice_range(vmin, vmax)
  end
  local yfmt = opts.y_format or function(v) return string.format("%.0f%%", v * 100) end
  local function ypos(v) return top + plot_h - plot_h * (v - lo) / (hi - lo) end
  local out = svg_frame(W, H, left, top, plot_h, opts.title,
    function(i) return text.html(yfmt(lo + (hi - lo) * i / 4)) end, opts)
  local slot = n > 1 and plot_w / (n - 1) or plot_w
  local function xpos(i) return left + (n > 1 and plot_w * (i - 1) / (n - 1) or plot_w / 2) end
  if opts.low then -- grey bands first, under everything else
    for i, c in ipairs(categories) do
      if opts.low(c) then
        local w = math.min(slot, plot_w)
        local x0 = math.max(left, xpos(i) - w / 2)
        local x1 = math.min(W - 20, xpos(i) + w / 2)
        out[#out + 1] = string.format('<rect x="%.1f" y="%d" width="%.1f" height="%.1f" fill="#eef0f2"><title>%s: few events</title></rect>',
          x0, top, x1 - x0, plot_h, text.html(c))
      end
    end
  end
  if opts.range == "auto" then
    out[#out + 1] = string.format('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#55606b" stroke-width="1.5"/>',
      left, W - 20, ypos(0), ypos(0))
  end
  local every = n <= 16 and 1 or math.ceil(n / 16)
  local label_y = top + plot_h + (opts.count and 30 or 14)
  for i, c in ipairs(categories) do
    if (i - 1) % every == 0 then
      out[#out + 1] = string.format('<text x="%.1f" y="%d" font-size="11" text-anchor="end" transform="rotate(-40 %.1f %d)">%s</text>',
        xpos(i), label_y, xpos(i), label_y, text.html(c))
    end
  end
  if opts.count then -- the counts on one row right under the axis
    local y = top + plot_h + 15
    out[#out + 1] = string.format('<text x="%d" y="%d" font-size="11" text-anchor="end" fill="#55606b">n</text>', left - 6, y)
    for i, c in ipairs(categories) do
      if (i - 1) % every == 0 then
        local low = opts.low and opts.low(c)
        out[#out + 1] = string.format('<text x="%.1f" y="%d" font-size="11" text-anchor="middle" fill="%s"%s>%d</text>',
          xpos(i), y, low and "#8a939c" or "#1d232a", low and "" or ' font-weight="bold"', opts.count(c))
      end
    end
  end
  for _, s in ipairs(series) do
    local color = M.colors[s.key] or M.colors.OTHER
    local pts, segs, dots = {}, {}, {}
    for i, c in ipairs(categories) do
      local v = value(c, s.key)
      if v then
        local x, y = xpos(i), ypos(v)
        pts[#pts + 1] = string.format("%.1f,%.1f", x, y)
        local low = opts.low and opts.low(c)
        local tip = string.format("%s %s: %s%s", s.label, c, yfmt(v),
          opts.count and string.format(" (n = %d%s)", opts.count(c), low and ", few events" or "") or "")
        dots[#dots + 1] = string.format('<circle cx="%.1f" cy="%.1f" r="%s" fill="%s" stroke="%s" stroke-width="1.5"><title>%s</title></circle>',
          x, y, low and "3.5" or "3", low and "#ffffff" or color, color, text.html(tip))
      elseif #pts > 0 then
        segs[#segs + 1] = pts; pts = {}
      end
    end
    if #pts > 0 then segs[#segs + 1] = pts end
    for _, p in ipairs(segs) do
      out[#out + 1] = string.format('<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>',
        color, table.concat(p, " "))
    end
    for _, d in ipairs(dots) do out[#out + 1] = d end -- points over the lines
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
    elseif not text.safe_link(s.url) then -- javascript:, data:: plain text, never a link
      out[#out + 1] = text.md(s.publisher and (s.publisher .. " (" .. s.url .. ")") or s.url)
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

-- importers/caw_csv.lua -- caw's CSV format (docs/format-csv.md), read
-- with the C delimited-file reader: a header row naming the columns, one
-- event per row. Errors name file:line and the column.
local fmt = require("lib.caw_csv")
local importer = require("lib.importer")
local text = require("lib.text")

local known = {}
for _, c in ipairs(fmt.columns) do known[c] = true end

local function import(src, sink, opts)
  local reader = caw.dsv.open(src.path, { sep = ",", quote = true, header = true })
  local header = reader.header
  local col = {}
  for i, name in ipairs(header) do
    local key = name:lower():gsub("^%s+", ""):gsub("%s+$", "")
    if not known[key] then
      reader:close()
      caw.fail(caw.EXIT.DATAERR, string.format(
        "%s:1: unknown column '%s' (caw CSV columns: %s)", src.name, name,
        table.concat(fmt.columns, ", ")))
    end
    col[key] = i
  end
  for name in pairs(fmt.required) do
    if not col[name] then
      reader:close()
      caw.fail(caw.EXIT.DATAERR, string.format("%s:1: missing column '%s'", src.name, name))
    end
  end
  local function cell(row, name)
    local i = col[name]
    local v = i and row[i]
    if v == nil or v == "" then return nil end
    return text.csv_unneutral(v) -- as caw export wrote it (docs/format-csv.md)
  end
  for row in importer.rows(reader, sink, opts) do
    local line = row.line
    local ev = {
      id = cell(row, "id"), date = cell(row, "date"), type = cell(row, "type"),
      title = cell(row, "title"), summary = cell(row, "summary"),
      location = cell(row, "location"), cameo = cell(row, "cameo"),
    }
    local bad
    local conf = cell(row, "confidence")
    if conf then
      ev.confidence = tonumber(conf)
      if not ev.confidence then
        bad = string.format("column 'confidence': '%s' is not a number", conf)
      end
    end
    for _, name in ipairs({ "actors", "money", "sources" }) do
      local v = cell(row, name)
      if v and not bad then
        local list, err = fmt["parse_" .. name](v)
        if list then ev[name] = list else bad = "column '" .. name .. "': " .. err end
      end
    end
    local tags = cell(row, "tags")
    if tags then ev.tags = fmt.parse_tags(tags) end
    if bad then sink.reject(line, bad, true) else sink.event(ev, line) end
    if line % 512 == 0 then sink.progress(reader:progress()) end
  end
  reader:close()
end

return {
  name = "caw-csv",
  kind = "importer",
  description = "caw's own CSV: one event per row with actors/money/sources cells",
  handles = { "csv" },
  detect = function(head)
    local first = head:gsub("^\239\187\191", ""):match("^([^\r\n]*)")
    return first ~= nil and first:lower():match("^id,date,type,title") ~= nil
  end,
  import = import,
}

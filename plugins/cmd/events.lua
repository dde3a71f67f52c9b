-- cmd/events.lua -- `caw events`: list events matching filters as a
-- table, CSV or JSON (streamed: one event in memory at a time).
local args = require("lib.args")
local text = require("lib.text")
local evlib = require("lib.events")

local spec = {
  usage = "caw [--db PATH] events [OPTIONS]",
  summary = "List events, oldest first. Dates match when the event possibly falls in\n" ..
            "the range (its EDTF bounds overlap it) unless --certain is given.",
  options = {},
}
for _, o in ipairs(evlib.filter_options) do spec.options[#spec.options + 1] = o end
spec.options[#spec.options + 1] = { "format", arg = "FMT", default = "table",
  choices = { "table", "csv", "json" }, help = "output format" }
spec.max_args = 0

local function run(argv)
  local opts = args.parse(spec, argv)
  if not opts then return 0 end
  local out = { write = function(_, ...) caw.write("-", table.concat({ ... })) end }
  local n = 0
  if opts.format == "table" then
    local rows = {}
    for ev in caw.events(evlib.filter(opts)) do
      rows[#rows + 1] = { ev.date, ev.type, text.truncate(ev.title, 70),
                          text.truncate(evlib.actor_summary(ev), 40), ev.id }
    end
    out:write(text.table({ "DATE", "TYPE", "TITLE", "ACTORS", "ID" }, rows))
    n = #rows
  elseif opts.format == "csv" then
    out:write(text.csv_row({ "id", "date", "earliest", "latest", "type", "title",
      "actors", "confidence", "sources", "tags" }))
    for ev in caw.events(evlib.filter(opts)) do
      local urls = {}
      for _, s in ipairs(ev.sources) do urls[#urls + 1] = s.url end
      out:write(text.csv_row({ ev.id, ev.date, ev.earliest, ev.latest, ev.type,
        ev.title, evlib.actor_summary(ev), ev.confidence,
        table.concat(urls, " "), table.concat(ev.tags, ";") }, 10))
      n = n + 1
    end
  else
    out:write("[")
    for ev in caw.events(evlib.filter(opts)) do
      out:write(n == 0 and "\n" or ",\n", caw.json.encode(ev))
      n = n + 1
    end
    out:write(n == 0 and "]\n" or "\n]\n")
  end
  if opts.format == "table" and n == 0 and not caw.quiet then caw.log("caw: no events match") end
  return 0
end

return {
  name = "events", kind = "command",
  description = "list events with filters as a table, CSV or JSON",
  run = run,
}

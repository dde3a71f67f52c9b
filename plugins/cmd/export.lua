-- cmd/export.lua -- `caw export`: write the database (or a filtered part)
-- as caw JSON, JSON Lines or caw CSV, in a form `caw import` reads back.
local args = require("lib.args")
local evlib = require("lib.events")
local csvfmt = require("lib.caw_csv")

local spec = {
  usage = "caw [--db PATH] export [OPTIONS]",
  summary = "Write events in caw's own formats. JSON and JSON Lines keep everything, and\n" ..
            "`caw import` reads them back into the same events. CSV is for spreadsheets: it\n" ..
            "drops money notes, source quotes, goldstein, attrs and actor definitions.",
  options = {},
}
for _, o in ipairs(evlib.filter_options) do spec.options[#spec.options + 1] = o end
spec.options[#spec.options + 1] = { "format", arg = "FMT", default = "json",
  choices = { "json", "jsonl", "csv" }, help = "output format" }
spec.options[#spec.options + 1] = { "o", long = "output", arg = "FILE",
  help = "write to FILE (atomically) instead of standard output" }
spec.max_args = 0

local function run(argv)
  local opts = args.parse(spec, argv)
  if not opts then return 0 end
  -- streamed: an export of a million events never sits in memory whole
  local out = caw.output(opts.output or "-")
  local function put(s) out:write(s) end
  if opts.format == "json" then
    put('{"caw":1,"actors":[')
    for i, a in ipairs(evlib.actors_caw()) do
      put((i > 1 and ",\n" or "\n") .. caw.json.encode(a))
    end
    put('\n],"events":[')
    local n = 0
    for ev in caw.events(evlib.filter(opts)) do
      n = n + 1
      put((n > 1 and ",\n" or "\n") .. caw.json.encode(evlib.to_caw(ev)))
    end
    put("\n]}\n")
  elseif opts.format == "jsonl" then
    for _, a in ipairs(evlib.actors_caw()) do put(caw.json.encode({ actor = a }) .. "\n") end
    for ev in caw.events(evlib.filter(opts)) do put(caw.json.encode(evlib.to_caw(ev)) .. "\n") end
  else
    put(csvfmt.header())
    for ev in caw.events(evlib.filter(opts)) do put(csvfmt.row(ev)) end
  end
  out:close()
  return 0
end

return {
  name = "export", kind = "command",
  description = "write events as caw JSON, JSON Lines or CSV",
  run = run,
}

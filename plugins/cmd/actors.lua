-- cmd/actors.lua -- `caw actors`: the actor registry, with memberships.
local args = require("lib.args")
local text = require("lib.text")

local spec = {
  usage = "caw [--db PATH] actors [OPTIONS]",
  summary = "List actors: states (ISO 3166 alpha-3), organisations and blocs.",
  options = {
    { "kind", arg = "KIND", help = "only this kind (state, organisation, bloc, ...)" },
    { "format", arg = "FMT", default = "table", choices = { "table", "csv", "json" }, help = "output format" },
  },
  max_args = 0,
}

local function run(argv)
  local opts = args.parse(spec, argv)
  if not opts then return 0 end
  local rows = {}
  for a in caw.actors({ kind = opts.kind }) do
    local members = {}
    for m in caw.sql("SELECT member FROM memberships WHERE grp = ?1 ORDER BY member", a.code) do
      members[#members + 1] = m.member
    end
    rows[#rows + 1] = { a.code, a.kind, a.name, table.concat(members, " ") }
  end
  if opts.format == "table" then
    for _, r in ipairs(rows) do r[4] = text.truncate(r[4], 60) end
    caw.write("-", text.table({ "CODE", "KIND", "NAME", "MEMBERS" }, rows))
  elseif opts.format == "csv" then
    caw.write("-", text.csv_row({ "code", "kind", "name", "members" }))
    for _, r in ipairs(rows) do caw.write("-", text.csv_row(r, 4)) end
  else
    local list = {}
    for i, r in ipairs(rows) do list[i] = { code = r[1], kind = r[2], name = r[3], members = r[4] } end
    caw.write("-", caw.json.encode(caw.json.array(list), { indent = true }) .. "\n")
  end
  return 0
end

return {
  name = "actors", kind = "command",
  description = "list the actor registry and memberships",
  run = run,
}

-- cmd/plugins.lua -- `caw plugins`: every plugin on the plugin path with
-- its kind and description, read from each plugin's declaration table.
local args = require("lib.args")
local text = require("lib.text")

local spec = {
  usage = "caw plugins",
  summary = "List the plugins caw finds (CAW_PLUGIN_PATH, then the user and\n" ..
            "built-in plugin directories), with the description each declares.",
  options = {}, max_args = 0,
}

local function run(argv)
  if not args.parse(spec, argv) then return 0 end
  local rows = {}
  for _, path in ipairs(caw.plugin_files()) do
    if not path:match("/lib/[^/]+%.lua$") then
      local ok, p = pcall(caw.load_plugin, path)
      if ok and type(p) == "table" and p.name then
        rows[#rows + 1] = { p.name, p.kind or "script", text.truncate(p.description or "", 70), path }
      elseif not ok then
        rows[#rows + 1] = { "?", "broken", text.truncate(tostring(p), 70), path }
      end
    end
  end
  caw.write("-", text.table({ "NAME", "KIND", "DESCRIPTION", "FILE" }, rows))
  return 0
end

return {
  name = "plugins", kind = "command",
  description = "list plugins with their descriptions",
  run = run,
}

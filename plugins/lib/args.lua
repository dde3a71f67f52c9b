-- lib/args.lua -- command-line options for caw commands and plugins.
--
-- A plugin declares its options as a table; parse() turns arg into a
-- table of values, prints --help from the same declaration, and raises a
-- usage error (exit 64) naming the bad option.
--
--   local opts, rest = args.parse({
--     usage = "caw run plugins/x.lua [OPTIONS]",
--     summary = "What it does.",
--     options = {
--       { "format", arg = "FMT", default = "md", choices = { "md", "csv" },
--         help = "output format" },
--       { "o", long = "output", arg = "FILE", help = "write to FILE" },
--       { "dry-run", help = "check only" },             -- a flag
--       { "set", arg = "K=V", multi = true, help = "..." }, -- repeatable
--     },
--   }, arg)
--   if not opts then return 0 end  -- --help was printed
local M = {}

local function key_of(o) return (o.long or o[1]):gsub("-", "_") end

local function find(spec, name)
  for _, o in ipairs(spec.options) do
    if o[1] == name or o.long == name then return o end
  end
end

function M.help(spec)
  local out = { "usage: " .. spec.usage }
  if spec.summary then out[#out + 1] = "\n" .. spec.summary end
  out[#out + 1] = "\nOptions:"
  for _, o in ipairs(spec.options) do
    local names = (#o[1] == 1 and "-" or "--") .. o[1]
    if o.long then names = names .. ", --" .. o.long end
    if o.arg then names = names .. " " .. o.arg end
    local help = o.help or ""
    if o.choices then help = help .. " (" .. table.concat(o.choices, "|") .. ")" end
    if o.default ~= nil then help = help .. " [default: " .. tostring(o.default) .. "]" end
    out[#out + 1] = string.format("  %-24s %s", names, help)
  end
  out[#out + 1] = string.format("  %-24s %s", "-h, --help", "show this help")
  if spec.epilog then out[#out + 1] = "\n" .. spec.epilog end
  return table.concat(out, "\n") .. "\n"
end

local function usage_error(spec, fmt, ...)
  local cmd = spec.usage:gsub("%[%-%-db PATH%] ", ""):match("^(caw %S+ ?%S*)") or "caw"
  caw.fail(caw.EXIT.USAGE, string.format(fmt, ...) ..
    string.format(" (see '%s --help')", cmd:gsub("%s*%[.*", "")))
end

-- Parse argv (a list of strings). Returns opts, positional; or nil after
-- printing help.
function M.parse(spec, argv)
  local opts, rest = {}, {}
  for _, o in ipairs(spec.options) do
    if o.multi then opts[key_of(o)] = {} else opts[key_of(o)] = o.default end
  end
  local i, n = 1, #argv
  while i <= n do
    local a = argv[i]
    if a == "-h" or a == "--help" then
      caw.write("-", M.help(spec))
      return nil
    elseif a == "--" then
      for j = i + 1, n do rest[#rest + 1] = argv[j] end
      break
    elseif a:sub(1, 1) == "-" and #a > 1 and not a:match("^%-%d") then
      local name, value = a:match("^%-%-?([^=]+)=(.*)$")
      name = name or a:match("^%-%-?(.+)$")
      local o = find(spec, name)
      if not o then usage_error(spec, "unknown option '%s'", a) end
      if o.arg then
        if value == nil then
          i = i + 1
          value = argv[i]
          if value == nil then usage_error(spec, "option '%s' needs %s", a, o.arg) end
        end
        if o.choices then
          local ok = false
          for _, c in ipairs(o.choices) do ok = ok or c == value end
          if not ok then
            usage_error(spec, "option '%s' takes one of %s, not '%s'", a,
              table.concat(o.choices, ", "), value)
          end
        end
        if o.number then
          local v = tonumber(value)
          if not v then usage_error(spec, "option '%s' needs a number, not '%s'", a, value) end
          value = v
        end
        if o.multi then table.insert(opts[key_of(o)], value) else opts[key_of(o)] = value end
      else
        if value ~= nil then usage_error(spec, "option '%s' takes no value", a) end
        opts[key_of(o)] = true
      end
    else
      rest[#rest + 1] = a
    end
    i = i + 1
  end
  if spec.min_args and #rest < spec.min_args then
    usage_error(spec, "missing %s", spec.args_name or "arguments")
  end
  if spec.max_args and #rest > spec.max_args then
    usage_error(spec, "unexpected argument '%s'", rest[spec.max_args + 1])
  end
  return opts, rest
end

return M

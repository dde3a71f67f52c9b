-- cmd/import.lua -- `caw import FILE...`: each file through an importer
-- plugin, each file one transaction (all or nothing), each recorded as a
-- batch. Bad data stops with file:line and exit 65, database unchanged.
local args = require("lib.args")
local importer = require("lib.importer")

local spec = {
  usage = "caw [--db PATH] import [OPTIONS] FILE...",
  summary = "Import files. Each file is imported wholly or not at all; importing the\n" ..
            "same file again adds nothing. The importer is chosen by the file's content\n" ..
            "or name unless --importer is given (see `caw plugins`).",
  options = {
    { "importer", arg = "NAME", help = "use this importer (caw-json, caw-csv, gdelt, icews, acled, polecat)" },
    { "dry-run", help = "validate everything, write nothing" },
    { "skip-bad", arg = "FILE", help = "import good rows; write rejected rows with their line numbers to FILE" },
    { "where", arg = "FILTER", help = "keep only matching rows (importer-specific; e.g. ca for Central Asia)" },
    { "quiet", long = nil, help = "print nothing but errors" },
    { "q", help = "same as --quiet" },
  },
  min_args = 1, args_name = "FILE",
}

local function run(argv)
  local opts, files = args.parse(spec, argv)
  if not opts then return 0 end
  opts.quiet = opts.quiet or opts.q or caw.quiet
  local rejects = opts.skip_bad and {} or nil
  local reject_out -- opened first: a bad --skip-bad FILE stops before any import
  if opts.skip_bad then
    for _, path in ipairs(files) do
      if opts.skip_bad == path or caw.same_file(opts.skip_bad, path) then
        caw.fail(caw.EXIT.USAGE, "--skip-bad " .. opts.skip_bad .. " is one of the files to import")
      end
    end
    reject_out = caw.output(opts.skip_bad)
  end
  local total = { read = 0, added = 0, updated = 0, unchanged = 0, merged = 0, rejected = 0 }
  local reject_lines = {}
  for _, path in ipairs(files) do
    local o = { importer = opts.importer, dry_run = opts.dry_run, where = opts.where,
                quiet = opts.quiet, rejects = rejects and {} or nil }
    local counts, p = importer.import_file(path, o)
    for k, v in pairs(counts) do total[k] = total[k] + v end
    for _, r in ipairs(o.rejects or {}) do
      reject_lines[#reject_lines + 1] = string.format("%s:%s: %s", path, r.line or "?", r.message)
    end
    if not opts.quiet then
      caw.log(string.format("%s: %s%d read, %d added, %d updated, %d unchanged%s%s (%s)",
        path, opts.dry_run and "dry run: " or "", counts.read, counts.added,
        counts.updated, counts.unchanged,
        counts.merged > 0 and (", " .. counts.merged .. " merged") or "",
        counts.rejected > 0 and (", " .. counts.rejected .. " rejected") or "", p.name))
    end
  end
  if opts.skip_bad then
    reject_out:write(table.concat(reject_lines, "\n"), #reject_lines > 0 and "\n" or "")
    reject_out:close()
    if #reject_lines > 0 and not opts.quiet then
      caw.log(string.format("caw: %d rejected rows written to %s", #reject_lines, opts.skip_bad))
    end
  end
  return 0
end

return {
  name = "import", kind = "command",
  description = "import files through importer plugins, all or nothing per file",
  run = run,
}

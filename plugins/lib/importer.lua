-- lib/importer.lua -- runs importer plugins: finds them, picks one for a
-- file, gives it a source and a sink, and makes each file one transaction
-- recorded as an import batch (file, sha256, importer, counts).
--
-- The importer contract (docs/plugins.md):
--   return {
--     name = "caw-json", kind = "importer",
--     description = "...",
--     handles = { "json", "jsonl" },          -- file name endings
--     ids = "gdelt",                           -- optional: the ids "gdelt:..."
--                                              -- are this importer's alone
--     detect = function(head, path) ... end,   -- optional: true if the
--                                              -- first 4 KiB look like its format
--     import = function(src, sink, opts) ... end,
--   }
-- src:  { path = , name = , text = function() -> whole contents }
-- sink: sink.event(ev, line)  store one event (a table as caw.add_event takes)
--       sink.actor(a, line)   define an actor (as caw.put_actor takes)
--       sink.reject(line, msg, unread) report a bad row (fails the file
--                             unless --skip-bad is given); unread = true when
--                             the row never reached sink.event
--       sink.merged(n)        count rows merged into earlier events
--       sink.read(n)          count rows read (default: one per event call)
--       sink.progress(done_bytes, total_bytes [, rows]) rows read so far
--                             (default: the rows counted so far)
local M = {}

local DRY_RUN = setmetatable({}, { __tostring = function() return "dry run" end })

-- Every importer plugin on the plugin path, by name, in path order
-- (loaded once per run).
local listed_order, listed_by_name
function M.list()
  if listed_order then return listed_order, listed_by_name end
  local found, order = {}, {}
  for _, path in ipairs(caw.plugin_files()) do
    if path:match("/importers/[^/]+%.lua$") then
      local ok, p = pcall(caw.load_plugin, path)
      if ok and p.kind == "importer" and p.name and not found[p.name] then
        p.path = path
        found[p.name] = p
        order[#order + 1] = p
      end
    end
  end
  listed_order, listed_by_name = order, found
  return order, found
end

-- Choose the importer for path: by name when given, else by content
-- (detect), else by the file name's ending.
function M.choose(path, name)
  local order, by_name = M.list()
  if name then
    local p = by_name[name]
    if not p then
      local names = {}
      for _, q in ipairs(order) do names[#names + 1] = q.name end
      caw.fail(caw.EXIT.USAGE, string.format("no importer named '%s' (have: %s)",
        name, table.concat(names, ", ")))
    end
    return p
  end
  local head = caw.readfile(path, 4096)
  for _, p in ipairs(order) do
    if p.detect and p.detect(head, path) then return p end
  end
  local ext = path:match("%.([%w]+)$")
  ext = ext and ext:lower()
  for _, p in ipairs(order) do
    for _, h in ipairs(p.handles or {}) do
      if h == ext then return p end
    end
  end
  caw.fail(caw.EXIT.DATAERR, string.format(
    "%s: cannot tell which importer reads this file; name one with --importer",
    path))
end

local function new_counts()
  return { read = 0, added = 0, updated = 0, unchanged = 0, merged = 0, rejected = 0 }
end

-- The id namespaces importers reserve ({gdelt = "gdelt", ...}: prefix ->
-- importer name): an event of another importer may not take "gdelt:7",
-- or the GDELT importer would later find its row N taken (docs/plugins.md).
local function reserved_ids()
  local order = M.list()
  local out = {}
  for _, q in ipairs(order) do
    if type(q.ids) == "string" then out[q.ids] = q.name end
  end
  return out
end

-- Build the sink an importer writes to. name is how messages call the file;
-- owner is the importer's name.
local function make_sink(name, batch, counts, opts, owner)
  local sink = {}
  local reserved = reserved_ids()
  local rejects = opts.rejects -- list of {line, msg} when --skip-bad
  local explicit_read = false
  local started = caw.clock()
  local function where(line) return line and (name .. ":" .. line) or name end
  -- unread: the row never reached sink.event, so count it as read here
  function sink.reject(line, msg, unread)
    counts.rejected = counts.rejected + 1
    if unread and not explicit_read then counts.read = counts.read + 1 end
    if rejects then
      rejects[#rejects + 1] = { line = line, message = msg }
    else
      caw.fail(caw.EXIT.DATAERR, where(line) .. ": " .. msg)
    end
  end
  function sink.event(ev, line)
    if not explicit_read then counts.read = counts.read + 1 end
    local ns = type(ev.id) == "string" and ev.id:match("^([^:]+):")
    if ns and reserved[ns] and reserved[ns] ~= owner then
      sink.reject(line, string.format("field 'id': '%s': ids that start with '%s:' are reserved for the %s importer",
        ev.id, ns, reserved[ns]))
      return nil
    end
    ev.batch = batch
    local ok, id_or_err, outcome = pcall(caw.add_event, ev)
    if not ok then
      local code = caw.error_code(id_or_err)
      if code == caw.EXIT.DATAERR then
        sink.reject(line, tostring(id_or_err))
        return nil
      end
      error(id_or_err, 0)
    end
    counts[outcome] = counts[outcome] + 1
    return id_or_err, outcome
  end
  -- Memberships wait until the end, so that a bloc may come before
  -- its members in the file.
  local deferred = {}
  local function put_actor(a, line)
    local ok, err = pcall(caw.put_actor, a)
    if not ok then
      if caw.error_code(err) == caw.EXIT.DATAERR then
        caw.fail(caw.EXIT.DATAERR, where(line) .. ": " .. tostring(err))
      end
      error(err, 0)
    end
  end
  function sink.actor(a, line)
    if type(a) == "table" and a.members then
      deferred[#deferred + 1] = { a = a, line = line }
      local copy = {}
      for k, v in pairs(a) do if k ~= "members" then copy[k] = v end end
      a = copy
    end
    put_actor(a, line)
  end
  function sink.finish()
    for _, d in ipairs(deferred) do put_actor(d.a, d.line) end
    deferred = {}
  end
  function sink.read(n)
    explicit_read = true
    counts.read = counts.read + (n or 1)
  end
  function sink.merged(n) counts.merged = counts.merged + (n or 1) end
  -- for importers that store rows themselves (caw.bulk): what became of
  -- one: "added", "updated" or "unchanged"
  function sink.outcome(what, n)
    if counts[what] == nil or what == "read" or what == "merged" or what == "rejected" then
      error("sink.outcome: unknown outcome " .. tostring(what), 2)
    end
    counts[what] = counts[what] + (n or 1)
  end
  sink.batch = batch
  function sink.progress(done, total, rows)
    if not opts.quiet then caw.progress(done, total, name, started, rows or counts.read) end
  end
  return sink
end

-- Import one source with plugin p. src = {path=, name=, text=}. Returns
-- the counts. The whole source is one transaction.
function M.run(p, src, opts)
  opts = opts or {}
  local counts = new_counts()
  -- a file is hashed while it is imported (on a thread of its own); its
  -- batch gets the digest when it finishes
  local pending = not src.sha256 and src.path and caw.sha256_file_async(src.path)
  local sha = src.sha256 or (not pending and caw.sha256(src.text())) or ""
  local ok, err = pcall(caw.transaction, function()
    local batch = caw.batch_begin(src.name, sha, p.name)
    local sink = make_sink(src.name, batch, counts, opts, p.name)
    p.import(src, sink, opts)
    sink.finish()
    caw.progress()
    if pending then counts.sha256 = pending:result() end
    caw.batch_finish(batch, counts)
    counts.sha256 = nil
    if opts.dry_run then error(DRY_RUN, 0) end
  end)
  caw.progress()
  if not ok and err ~= DRY_RUN then error(err, 0) end
  return counts
end

local function file_source(path)
  local cached
  return {
    path = path,
    name = path,
    text = function()
      cached = cached or caw.readfile(path)
      return cached
    end,
  }
end

function M.import_file(path, opts)
  opts = opts or {}
  local p = M.choose(path, opts.importer)
  return M.run(p, file_source(path), opts), p
end

-- Import text (the bundled dataset); returns the number of events.
function M.import_text(text, name, importer)
  local _, by_name = M.list()
  local p = by_name[importer] or caw.fail(caw.EXIT.SOFTWARE, "no importer " .. importer)
  local counts = M.run(p, { name = name, text = function() return text end,
                            sha256 = caw.sha256(text) }, { quiet = true })
  return counts.added + counts.updated + counts.unchanged
end

-- The rows of a caw.dsv reader, for importers. With --skip-bad, a row the
-- reader cannot split (wrong field count, bad UTF-8, a NUL byte, too
-- long) is rejected and reading goes on, unless the reader is stuck or
-- the error is not about the data. With every (a number), the rows are
-- counted here, rejected ones too (sink.read), and progress is shown
-- every that many rows.
function M.rows(reader, sink, opts, every)
  local step, state, ctl = reader:rows()
  local n = 0
  if every then sink.read(0) end
  local function tick()
    n = n + 1
    if n % every == 0 then
      sink.read(every)
      local done, total = reader:progress()
      sink.progress(done, total, n)
    end
  end
  return function()
    while true do
      local ok, row = true, nil
      if opts.rejects then ok, row = pcall(step, state, ctl) else row = step(state, ctl) end
      if ok then
        if every then
          if row then tick() else sink.read(n % every) end
        end
        return row
      end
      if caw.error_code(row) ~= caw.EXIT.DATAERR or reader:stuck() then
        reader:close()
        error(row, 0)
      end
      local line, rest = tostring(row):match("^.-:(%d+): (.*)$")
      if every then tick() end
      sink.reject(tonumber(line), rest or tostring(row), true)
    end
  end
end

-- The line that says how many rows a --where filter left out.
-- The columns of a header row, for an importer: a map from each name in
-- `names` to its position in `header` (the first, when a name repeats),
-- 0 for a name the file lacks. Header names are compared after
-- `opts.normalize` (a function; e.g. string.lower), with white space
-- around them trimmed. Every name in `opts.required` must be there, or
-- the import fails with exit 65 and "<file>:1: missing column '<name>'
-- (<what> have: <required names>)". Returns the map and an array of the
-- positions in the order of `names` (0 for absent).
function M.columns(src, header, names, opts)
  opts = opts or {}
  local norm = opts.normalize
  local at = {}
  for i, h in ipairs(header) do
    h = h:gsub("^%s+", ""):gsub("%s+$", "")
    if norm then h = norm(h) end
    if at[h] == nil then at[h] = i end
  end
  for _, c in ipairs(opts.required or {}) do
    if not at[c] then
      caw.fail(caw.EXIT.DATAERR, string.format("%s:1: missing column '%s' (%s have: %s)",
        src.name, c, opts.what or "the file", table.concat(opts.required, ", ")))
    end
  end
  local map, idx = {}, {}
  for i, c in ipairs(names) do
    map[c] = at[c] or 0
    idx[i] = map[c]
  end
  return map, idx
end

-- For caw.bulk.load's header_layout: layouts declared by column names,
--   { { required = { "Event ID", ... }, fields = { ref = "Event ID",
--       location = { "City", "Province", "Country" }, ... },
--       const = { ... } }, ... }
-- The first layout whose required names are all in the header is the
-- file's; its fields become column numbers (a name the file lacks is
-- left out). Names compare as importer.columns compares them (trimmed,
-- opts.normalize). No layout matching fails as importer.columns does,
-- naming the first layout's missing column (exit 65, <file>:1).
function M.header_layout(src, layouts, opts)
  opts = opts or {}
  return function(header)
    local norm = opts.normalize or function(s) return s end
    local at = {}
    for i, h in ipairs(header) do
      h = norm((h:gsub("^%s+", ""):gsub("%s+$", "")))
      if at[h] == nil then at[h] = i end
    end
    local chosen
    for _, l in ipairs(layouts) do
      local all = true
      for _, c in ipairs(l.required or {}) do
        if not at[norm(c)] then all = false break end
      end
      if all then chosen = l break end
    end
    if not chosen then -- fails, naming what is missing
      M.columns(src, header, {}, { required = layouts[1].required,
        normalize = opts.normalize, what = opts.what })
    end
    local fields = {}
    for role, name in pairs(chosen.fields) do
      if type(name) == "table" then
        local cols = {}
        for _, n in ipairs(name) do cols[#cols + 1] = at[norm(n)] end
        if #cols > 0 then fields[role] = cols end
      else
        fields[role] = at[norm(name)]
      end
    end
    return { fields = fields, const = chosen.const }
  end
end

function M.log_filtered(src, opts, filtered)
  if opts.where and not opts.quiet and filtered > 0 then
    caw.log(string.format("%s: %d rows outside --where %s", src.name, filtered, opts.where))
  end
end

-- Hand the counts of a caw.bulk.load (n) to the import's sink, and say how
-- many rows --where left out: what every importer on the bulk engine reports.
function M.report_bulk(sink, src, opts, n)
  sink.read(n.read)
  sink.outcome("added", n.added)
  sink.outcome("updated", n.updated)
  sink.outcome("unchanged", n.unchanged)
  sink.merged(n.merged)
  M.log_filtered(src, opts, n.filtered)
end

return M

-- importers/phoenix.lua -- a fifth source with a Lua file alone: a
-- tab-separated file of machine-coded events with a header row,
--
--   EventID  Date  Source  Target  EventCode  Goldstein  Location  URL
--
-- (Date as YYYY-MM-DD, Source and Target ISO alpha-3 country codes,
-- EventCode a CAMEO code), declared for the bulk engine (caw.bulk.load,
-- docs/lua-api.md). docs/importers.md walks through it; put it in a
-- folder importers/ on the plugin path (CAW_PLUGIN_PATH, or
-- ~/.local/share/caw/plugins) and `caw import FILE` uses it.
local importer = require("lib.importer")
local cameo = require("lib.cameo")
local countries = require("lib.countries")
local where = require("lib.where")

local M = {
  name = "phoenix",
  kind = "importer",
  description = "Phoenix-style event files (tab-separated, header EventID, Date, Source, Target, ...)",
  handles = {},
}

function M.import(src, sink, opts)
  sink.read(0) -- the engine counts the rows
  local n = caw.bulk.load(src.path, {
    source = "phoenix", scheme = "cameo",
    sep = "\t", header = true,
    -- one layout: 8 columns; the roles the engine knows, by column
    layouts = { [8] = { fields = {
      ref = 1, date = 2, actor1_country = 3, actor2_country = 4,
      code = 5, scale = 6, location = 7, url = 8,
    } } },
    date = "YYYY-MM-DD",
    scale_range = { -10, 10 },
    title = { both = "{1} \u{2192} {2}: {label}", one = "{1}: {label}", none = "{label}" },
    messages = {
      layout = "expected 8 fields",
      ref = "column 'EventID': '%s' is empty",
      date = "column 'Date': '%s' is not a date YYYY-MM-DD",
      code = "column 'EventCode': '%s' is not a CAMEO code",
      scale = "column 'Goldstein': '%s' is not a number from -10 to 10",
    },
    dedup = { days = 1 },            -- the same actors and root within a day
    confidence = 0.8,                -- weigh it below curated events
    batch = sink.batch,
    skip_bad = opts.rejects ~= nil,
    where = opts.where and where.get(opts.where) or nil,
    code = function(code)            -- once per distinct code
      if not cameo.valid(code) then return false end
      return cameo.type_of(code), cameo.label(code)
    end,
    actor = function(kind, code)     -- once per distinct country
      if kind ~= "country" then return false end
      local name = countries.name(code)
      return name and { code = code, name = name, kind = "state" } or false
    end,
    reject = sink.reject,
    progress = sink.progress,
  })
  importer.report_bulk(sink, src, opts, n)
end

-- `caw import` picks this importer for a file whose header starts so.
function M.detect(head)
  return head:match("^EventID\tDate\tSource\tTarget\t") ~= nil
end

return M

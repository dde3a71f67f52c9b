-- importers/caw_json.lua -- caw's own JSON format (docs/format-json.md):
-- one object {"caw": 1, "actors": [...], "events": [...]}, a bare array
-- of events, or JSON Lines (one event per line; a line {"actor": {...}}
-- defines an actor). Errors name file:line and the field.
local json = caw.json
local null = json.null

-- Drop JSON nulls (absent fields) from a decoded object and its lists.
local function clean(v)
  if type(v) ~= "table" then return v end
  local out = {}
  for k, x in pairs(v) do
    if x ~= null then out[k] = clean(x) end
  end
  return out
end

-- Line numbers where the event (and actor) objects start, in order.
-- Runs only over text that already decoded, so it can trust the syntax.
local function object_lines(text, top_is_array)
  local events, actors = {}, {}
  local line, depth, pos = 1, 0, 1
  local key1, last_string = nil, nil
  while true do
    local s, _, c = text:find('([{}%[%]"\n:])', pos)
    if not s then break end
    if c == "\n" then
      line = line + 1
    elseif c == '"' then
      local j = s + 1
      while true do
        local q, _, qc = text:find('(["\\\n])', j)
        if qc == "\\" then j = q + 2
        elseif qc == "\n" then line = line + 1; j = q + 1
        else
          last_string = text:sub(s + 1, q - 1)
          s = q
          break
        end
      end
    elseif c == ":" then
      if depth == 1 then key1 = last_string end
    elseif c == "{" or c == "[" then
      if c == "{" then
        if top_is_array and depth == 1 then events[#events + 1] = line
        elseif not top_is_array and depth == 2 then
          if key1 == "events" then events[#events + 1] = line
          elseif key1 == "actors" then actors[#actors + 1] = line end
        end
      end
      depth = depth + 1
    else
      depth = depth - 1
    end
    pos = s + 1
  end
  return events, actors
end

local function check_top(doc, name)
  for _, k in ipairs({ "caw", "actors", "events" }) do
    if doc[k] == null then doc[k] = nil end -- null means absent
  end
  for k in pairs(doc) do
    if k ~= "caw" and k ~= "actors" and k ~= "events" then
      caw.fail(caw.EXIT.DATAERR, string.format(
        "%s:1: unknown top-level field '%s' (expected caw, actors, events)", name, k))
    end
  end
  if doc.caw ~= nil and doc.caw ~= 1 then
    caw.fail(caw.EXIT.DATAERR, string.format(
      "%s:1: field 'caw': format version %s is not one this caw reads (1)",
      name, tostring(doc.caw)))
  end
  for _, key in ipairs({ "events", "actors" }) do
    if doc[key] ~= nil and (type(doc[key]) ~= "table" or getmetatable(doc[key]) == nil and next(doc[key]) ~= nil) then
      caw.fail(caw.EXIT.DATAERR, name .. ":1: field '" .. key .. "': expected a list")
    end
  end
end

local function import_lines(text, name, sink)
  local n = 0
  for line in (text .. "\n"):gmatch("([^\n]*)\n") do
    n = n + 1
    if line:match("%S") then
      local ok, v = pcall(json.decode, line, name)
      if not ok then
        local msg = tostring(v):gsub("^" .. name:gsub("%p", "%%%0") .. ":1:",
                                     name .. ":" .. n .. ":")
        caw.fail(caw.EXIT.DATAERR, msg)
      end
      if type(v) ~= "table" then
        sink.reject(n, "expected a JSON object on this line")
      elseif v.actor ~= nil then
        if type(v.actor) ~= "table" then
          caw.fail(caw.EXIT.DATAERR, string.format("%s:%d: field 'actor': expected an object", name, n))
        end
        sink.actor(clean(v.actor), n)
      else
        sink.event(clean(v), n)
      end
    end
  end
end

local function import(src, sink, opts)
  local text = src.text()
  local name = src.name
  if text:sub(1, 3) == "\239\187\191" then text = text:sub(4) end -- BOM
  local jsonl = opts.jsonl or (src.path and src.path:match("%.jsonl$"))
    or (src.path and src.path:match("%.ndjson$"))
  if jsonl then return import_lines(text, name, sink) end
  local ok, doc = pcall(json.decode, text, name)
  if not ok then
    -- JSON Lines under another name: the first line is a whole object
    local first = text:match("^%s*([^\n]*)")
    if first and first:match("^{") and pcall(json.decode, first) then
      return import_lines(text, name, sink)
    end
    error(doc, 0)
  end
  if type(doc) ~= "table" then
    caw.fail(caw.EXIT.DATAERR, name .. ":1: expected a JSON object or array")
  end
  local is_array = getmetatable(doc) ~= nil or (next(doc) == nil)
  local event_list = is_array and doc or (check_top(doc, name) or doc.events or {})
  local ev_lines, actor_lines = object_lines(text, is_array)
  if not is_array then
    for i, a in ipairs(doc.actors or {}) do
      if type(a) ~= "table" then
        caw.fail(caw.EXIT.DATAERR, string.format("%s:%s: actors[%d]: expected an object",
          name, actor_lines[i] or 1, i))
      end
      sink.actor(clean(a), actor_lines[i])
    end
  end
  local total = #event_list
  for i, ev in ipairs(event_list) do
    if type(ev) ~= "table" then
      sink.reject(ev_lines[i], string.format("events[%d]: expected an object", i))
    else
      sink.event(clean(ev), ev_lines[i])
    end
    if i % 256 == 0 then sink.progress(i, total) end
  end
end

return {
  name = "caw-json",
  kind = "importer",
  description = "caw's own JSON: {caw, actors, events}, an array of events, or JSON Lines",
  handles = { "json", "jsonl", "ndjson" },
  detect = function(head)
    local h = head:gsub("^\239\187\191", "")
    return h:match("^%s*{%s*\"caw\"%s*:") ~= nil
  end,
  import = import,
}

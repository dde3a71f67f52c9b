-- tests/lua/test_api.lua -- the `caw` module as scripts see it (issue 2).
-- (the script's own directory is first on package.path, so check.lua is found)
local t = require("check")

-- caw.date.parse
local d = caw.date.parse("2023-23")
t.eq(d.earliest, "2023-09-01", "autumn 2023 starts 1 Sep")
t.eq(d.latest, "2023-11-30", "autumn 2023 ends 30 Nov")
t.eq(d.precision, "season", "season precision")
d = caw.date.parse("2024-04-22/2024-04-26~")
t.eq(d.earliest .. " " .. d.latest, "2024-04-22 2024-04-26", "interval bounds")
t.ok(d.approximate and d.interval, "approximate interval flags")
d = caw.date.parse("2024-01-01/..")
t.eq(d.latest, nil, "open end has no latest day")
t.raises(function() caw.date.parse("2024-02-30") end, 'bad date "2024-02-30" at column 9', "bad date raises", caw.EXIT.DATAERR)

-- caw.json: round trip, sorted keys, arrays, null, errors with line:col
local v = caw.json.decode('{"b": [1, 2.5, "x", null, true], "a": {"z": 1, "y": 2}}')
t.eq(v.b[2], 2.5, "decode number")
t.eq(v.b[4], caw.json.null, "decode null")
t.eq(caw.json.encode(v), '{"a":{"y":2,"z":1},"b":[1,2.5,"x",null,true]}', "encode sorts keys, keeps arrays")
t.eq(caw.json.encode(caw.json.array()), "[]", "empty array")
t.eq(caw.json.encode({}), "{}", "empty object")
t.raises(function() caw.json.decode('{\n  "a": 1,\n  "b": }', "x.json") end, "x.json:3:8: invalid JSON", "JSON error names line:col", caw.EXIT.DATAERR)
t.raises(function() caw.json.decode('"\255"', "u.json") end, "u.json:1:2: invalid UTF-8", "invalid UTF-8 named", caw.EXIT.DATAERR)
t.raises(function() caw.json.encode({ f = function() end }) end, "cannot encode a function", "encoding a function fails")

-- caw.add_event / caw.event / caw.events
local id, outcome = caw.add_event{
  id = "t-api-1", date = "2024-33", type = "funding", title = "Test pledge",
  actors = { { code = "CHN", role = "initiator", level = "head" }, { code = "KGZ", role = "target" } },
  money = { { amount = 1e6, currency = "CNY", kind = "pledge", period = "2024/2025", source = 1 } },
  sources = { { url = "https://example.org/t", publisher = "Example" } },
  tags = { "test", "china" },
}
t.eq(id, "t-api-1", "add_event returns the id")
t.eq(outcome, "added", "add_event says added")
local e = caw.event("t-api-1")
t.eq(e.earliest .. "/" .. e.latest, "2024-01-01/2024-03-31", "quarter 1 bounds")
t.eq(#e.actors .. e.actors[1].code .. e.actors[1].level .. e.actors[2].role, "2CHNheadtarget", "actors come back in order")
t.eq(e.actors[1].name, "China", "actor names are joined in")
t.eq(e.money[1].amount .. e.money[1].currency .. tostring(e.money[1].primary), "1000000.0CNYtrue", "money line")
t.eq(e.sources[1].publisher, "Example", "source")
t.eq(table.concat(e.tags, ","), "china,test", "tags sorted")
t.eq(caw.event("nope"), nil, "missing event is nil")
local _, again = caw.add_event{ id = "t-api-1", date = "2024-33", type = "funding", title = "Test pledge",
  actors = { { code = "CHN", role = "initiator", level = "head" }, { code = "KGZ", role = "target" } },
  money = { { amount = 1e6, currency = "CNY", kind = "pledge", period = "2024/2025", source = 1 } },
  sources = { { url = "https://example.org/t", publisher = "Example" } }, tags = { "test", "china" } }
t.eq(again, "unchanged", "same event again is unchanged")

local n, last = 0, nil
for ev in caw.events{ from = "2024", to = "2024", actor = "KGZ" } do
  n = n + 1
  t.ok(ev.day_hi >= caw.date.day(2024, 1, 1) and ev.day_lo <= caw.date.day(2024, 12, 31), "event overlaps 2024: " .. ev.id)
  if last then t.ok(last <= ev.day_lo, "events come in date order") end
  last = ev.day_lo
end
t.ok(n >= 3, "several 2024 events with Kyrgyzstan (" .. n .. ")")
n = 0
for _ in caw.events{ limit = 5 } do n = n + 1 end
t.eq(n, 5, "limit")
n = 0
for ev in caw.events{ text = "Cameron" } do n = n + 1; t.ok(ev.title:find("Cameron") or ev.summary:find("Cameron"), "text filter") end
t.ok(n >= 1, "text filter finds Cameron")
-- an unverified event, or its unverified actor (schema 3), has low confidence
for ev in caw.events{ tag = "unverified" } do
  local low = ev.confidence < 0.5
  for _, a in ipairs(ev.actors) do low = low or (a.confidence ~= nil and a.confidence < 0.5) end
  t.ok(low, "unverified events have low confidence, as a whole or for the unverified actor: " .. ev.id)
end
local sco = caw.event("2024-07-sco-summit-astana")
t.eq(sco.confidence, 0.9, "SCO Astana: the summit and Xi's attendance are sourced")
for _, a in ipairs(sco.actors) do
  if a.code == "RUS" then t.eq(a.confidence, 0.3, "SCO Astana: Putin's attendance is unverified") end
  if a.code == "CHN" then t.eq(a.confidence, nil, "SCO Astana: China's part has the event's confidence") end
end
-- breaking out of the loop finalizes the statement (no error at close)
for _ in caw.events{} do break end

-- transactions: commit on return, roll back and re-raise on error
local before = caw.count()
local ok, err = pcall(caw.transaction, function()
  caw.add_event{ id = "t-api-2", date = "2024", type = "meeting", title = "x", sources = { "https://example.org/x" } }
  error("stop here")
end)
t.ok(not ok and tostring(err):find("stop here"), "transaction re-raises")
t.eq(caw.count(), before, "transaction rolled back")
t.eq(caw.transaction(function(a, b) return a + b end, 2, 3), 5, "transaction returns fn's results")

-- validation errors carry exit code 65 and name the field
t.raises(function() caw.add_event{ date = "2024", type = "meeting", title = "x", sources = { "https://e.org" },
  actors = { { code = "KAZ", role = "boss" } } } end, "field 'actors[1].role'", "bad role", caw.EXIT.DATAERR)

-- caw.sql is read-only and parameterised
local rows = 0
for r in caw.sql("SELECT code, name FROM actors WHERE code = ?1", "KAZ") do rows = rows + 1; t.eq(r.name, "Kazakhstan", "sql row") end
t.eq(rows, 1, "sql one row")
t.raises(function() caw.sql("DELETE FROM events") end, "only read-only queries", "sql refuses writes")

-- caw.actors
local kinds = {}
for a in caw.actors{ kind = "state" } do kinds[a.kind] = true end
t.ok(kinds.state and not kinds.organisation, "actors filtered by kind")

-- require finds plugin modules
local text = require("lib.text")
t.eq(text.html("<a href='x'>&</a>"), "&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;", "lib.text via require")

-- the sandbox: no processes, no bytecode, caw is read-only
t.raises(function() os.execute("true") end, "not available", "os.execute blocked")
t.raises(function() io.popen("true") end, "not available", "io.popen blocked")
t.raises(function() os.exit(0) end, "not available", "os.exit blocked")
t.eq(package.loadlib, nil, "package.loadlib removed")
local bc = string.dump(function() return 1 end)
local f, msg = load(bc)
t.ok(f == nil and tostring(msg):find("binary"), "binary chunks refused: " .. tostring(msg))
t.raises(function() caw.events = nil end, "read-only", "caw module is read-only")
t.raises(function() caw.json.encode = nil end, "read-only", "caw.json is read-only")

-- a plugin gets its own environment: its globals do not leak
local dir = arg[1]
local fh = io.open(dir .. "/p.lua", "w")
fh:write("leaked_global = 42\nreturn { name = 'p', kind = 'script', description = 'd', value = leaked_global }\n")
fh:close()
local p = caw.load_plugin(dir .. "/p.lua")
t.eq(p.value, 42, "plugin sees its own global")
t.eq(leaked_global, nil, "plugin global does not leak")

-- caw.output: written in pieces, in place only once closed
do
  local path = dir .. "/out.txt"
  local w = caw.output(path)
  w:write("a", "b"):write("c\n")
  t.eq(io.open(path), nil, "nothing at the path before close")
  w:close()
  t.eq(caw.readfile(path), "abc\n", "pieces written in order")
  t.raises(function() w:write("x") end, "closed", "a closed writer refuses writes")
  local w2 = caw.output(dir .. "/dropped.txt")
  w2:write("half")
  w2 = nil
  collectgarbage(); collectgarbage()
  t.eq(io.open(dir .. "/dropped.txt"), nil, "a writer dropped without close leaves no file")
  t.raises(function() caw.output(dir .. "/no/such/dir/x.txt") end, "cannot write", "an unwritable path fails", caw.EXIT.IOERR)
end

-- caw.sha256_file_async: the same digest, computed while the script goes on
do
  local path = dir .. "/hash.txt"
  caw.write(path, string.rep("caw ", 100000))
  local pending = caw.sha256_file_async(path)
  t.eq(pending:result(), caw.sha256_file(path), "async digest equals the plain one")
  t.eq(pending:result(), caw.sha256(string.rep("caw ", 100000)), "and the digest of the text")
  local missing = caw.sha256_file_async(dir .. "/no-such-file")
  t.raises(function() missing:result() end, "cannot read", "a missing file raises when the result is asked for", caw.EXIT.NOINPUT)
end

t.done()

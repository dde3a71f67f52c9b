#!/bin/bash
# Plugin sandbox and limits (issue 6): each refusal has a clear message,
# the database is left as it was before the failed transaction, and other
# work in the same script is unharmed.
. "$(dirname "$0")/lib.sh"
DB="$T/limits.db"
"$CAW" --db "$DB" init -q
before=$(digest "$DB")

# --timeout stops runaway Lua, also inside a transaction, and pcall
# cannot swallow it
run "$CAW" --db "$DB" run --timeout 1 -e 'caw.transaction(function()
  caw.add_event{id="t-loop", date="2024", type="meeting", title="x", sources={"https://e.org"}}
  while true do pcall(function() while true do end end) end
end)'
expect_rc 70 "--timeout"
expect_err "stopped: the script ran longer than --timeout 1 seconds" "--timeout message"
[ "$(digest "$DB")" = "$before" ] && ok || fail "timed-out transaction changed the database"
run "$CAW" --db "$DB" events --timeout 5 --limit 1
expect_rc 0 "--timeout on a command that finishes"

# --max-memory stops string and table bombs
run "$CAW" --db "$DB" run --max-memory 64 -e "local s = string.rep('x', 2^30)"
expect_rc 70 "--max-memory string bomb"
expect_err "stopped: the script used more than --max-memory 64 MB" "--max-memory message"
run "$CAW" --db "$DB" run --max-memory 64 -e 'caw.transaction(function()
  caw.add_event{id="t-mem", date="2024", type="meeting", title="x", sources={"https://e.org"}}
  local t = {} for i = 1, 1e9 do t[i] = {i, i} end
end)'
expect_rc 70 "--max-memory table bomb"
expect_err "--max-memory 64 MB" "--max-memory table message"
[ "$(digest "$DB")" = "$before" ] && ok || fail "memory-stopped transaction changed the database"
run "$CAW" --db "$DB" run --max-memory 64 "$CAW_SRC/plugins/funding_report.lua"
expect_rc 0 "the main job fits in 64 MB"

# refusals: each caught, the script carries on and its other work stands
run "$CAW" --db "$DB" run -e '
local function refused(what, fn)
  local ok, err = pcall(fn)
  print(what, ok and "ALLOWED" or tostring(err):match("[^:]*$"))
end
refused("os.execute", function() os.execute("touch /tmp/caw-pwned") end)
refused("io.popen", function() io.popen("id") end)
refused("os.exit", function() os.exit(3) end)
refused("loadlib", function() package.loadlib("libc.so.6", "system") end)
refused("bytecode", function() assert(load(string.dump(function() end))) end)
refused("caw", function() caw.add_event = print end)
caw.add_event{id="t-after", date="2024", type="meeting", title="still works", sources={"https://e.org"}}
print("after", caw.event("t-after").title)'
expect_rc 0 "refusals are catchable errors"
expect_out "os.execute	 os.execute is not available to caw scripts" "os.execute refused"
expect_out "io.popen	 io.popen is not available to caw scripts" "io.popen refused"
expect_out "os.exit	 os.exit is not available to caw scripts" "os.exit refused"
expect_out "loadlib	 attempt to call a nil value (field 'loadlib')" "package.loadlib gone"
expect_out "bytecode	 attempt to load a binary chunk (mode is 't')" "bytecode refused"
expect_out "caw	 caw's shared tables are read-only for plugins" "caw module read-only"
expect_not_out "ALLOWED" "nothing refused was allowed"
expect_out "after	still works" "other work is unharmed"
[ ! -e /tmp/caw-pwned ] && ok || fail "os.execute ran"

# plugins cannot rewrite each other's globals or the shared libraries
mkdir -p "$T/p/lib"
cat >"$T/p/lib/evil.lua" <<'LUA'
x_shared = "evil"
local ok1 = pcall(function() string.rep = function() return "pwned" end end)
local ok2 = pcall(function() table.concat = nil end)
local ok3 = pcall(function() getmetatable("").__index.upper = nil end)
return { tried = { ok1, ok2, ok3 } }
LUA
cat >"$T/p/lib/good.lua" <<'LUA'
return { check = function() return x_shared, ("ab"):rep(2), table.concat({ "x", "y" }), ("q"):upper() end }
LUA
CAW_PLUGIN_PATH="$T/p" run "$CAW" --db "$DB" run -e '
local evil = require("lib.evil")
print("evil", tostring(evil.tried[1]), tostring(evil.tried[2]), tostring(evil.tried[3]))
print("good", require("lib.good").check())'
expect_out "evil	false	false	false" "a plugin cannot change shared libraries"
expect_out "good	nil	abab	xy	Q" "another plugin sees its own globals and intact libraries"

# --sandbox: no io for the script; reports still write with -o
run "$CAW" --db "$DB" run --sandbox -e 'print(io == nil, os.getenv == nil or pcall(os.getenv, "HOME") == false)'
expect_out "true	true" "--sandbox removes io and os.getenv"
run "$CAW" --db "$DB" run --sandbox "$CAW_SRC/plugins/funding_report.lua" --format html -o "$T/sandboxed.html"
expect_rc 0 "report under --sandbox"
grep -q "<svg" "$T/sandboxed.html" && ok || fail "report written with -o under --sandbox"
run "$CAW" --db "$DB" events --sandbox --limit 2
expect_rc 0 "events under --sandbox"
finish

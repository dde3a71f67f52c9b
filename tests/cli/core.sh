#!/bin/bash
# End to end: the caw command's core behaviour (issue 2): help, version,
# init, run, events, errors and exit codes, the database left unchanged.
. "$(dirname "$0")/lib.sh"
DB="$T/core.db"

run "$CAW" --help
expect_rc 0 "--help"
for w in "init" "run FILE" "events" "import" "--db PATH" "Exit codes" "--timeout"; do
  expect_out "$w" "--help mentions $w"
done
run "$CAW" --version
expect_rc 0 "--version"
expect_out "caw 0." "--version prints the version"
run "$CAW" frobnicate
expect_rc 64 "unknown command"
expect_err "unknown command 'frobnicate'" "unknown command message"
run "$CAW" --bogus
expect_rc 64 "unknown global option"

# a command's --help needs no database and makes none
XDG_DATA_HOME="$T/helponly" run "$CAW" events --help
expect_rc 0 "events --help"
expect_out "--from DATE" "events --help lists the filters"
[ ! -e "$T/helponly/caw/caw.db" ] && ok || fail "events --help created the default database"

# init: bundled dataset, --empty, refusal to overwrite, --force
run "$CAW" --db "$DB" init
expect_rc 0 "init"
expect_err "from the bundled dataset" "init says where the data came from"
run "$CAW" --db "$DB" init
expect_rc 64 "init over an existing database"
expect_err "already exists" "init refuses to overwrite"
run "$CAW" --db "$T/empty.db" init --empty
expect_rc 0 "init --empty"
run "$CAW" --db "$T/empty.db" run -e 'print(caw.count())'
expect_out "0" "empty database has no events"
run "$CAW" --db "$DB" init --force
expect_rc 0 "init --force"

# the default database: $CAW_DB, else XDG; created with a one-line notice
CAW_DB="$T/env.db" run "$CAW" run -e 'print(caw.db_path)'
expect_out "$T/env.db" "CAW_DB chooses the database"
[ "$(wc -l <"$T/err")" -eq 1 ] && ok || fail "creation notice is one line: $(cat "$T/err")"
run "$CAW" run -e 'print(caw.db_path)'
expect_out "$XDG_DATA_HOME/caw/caw.db" "default database under XDG_DATA_HOME"

# run: arg, -e, script errors with traceback, exit codes
cat >"$T/args.lua" <<'LUA'
print(arg[0], #arg, arg[1], arg[2], select("#", ...))
LUA
run "$CAW" --db "$DB" run "$T/args.lua" one "two words"
expect_rc 0 "run FILE"
expect_out "$T/args.lua	2	one	two words	2" "arg and ... reach the script"
cat >"$T/boom.lua" <<'LUA'
local function inner() error("kaboom") end
local function outer() inner() end
outer()
LUA
run "$CAW" --db "$DB" run "$T/boom.lua"
expect_rc 70 "runtime error exits 70"
expect_err "boom.lua:1: kaboom" "error names file:line"
expect_err "stack traceback" "error has a traceback"
expect_err "boom.lua:2" "traceback names the caller's line"
run "$CAW" --db "$DB" run "$T/missing.lua"
expect_rc 66 "missing script"
printf 'this is not lua(' >"$T/syntax.lua"
run "$CAW" --db "$DB" run "$T/syntax.lua"
[ "$rc" -ne 0 ] && ok || fail "syntax error exits non-zero"
expect_err "syntax.lua:1:" "syntax error names file:line"

# a failed transaction leaves the database as it was
before=$(digest "$DB")
run "$CAW" --db "$DB" run -e '
caw.transaction(function()
  caw.add_event{id="tx-1", date="2024", type="meeting", title="t",
                sources={{url="https://example.org"}}}
  error("abort after a write")
end)'
expect_rc 70 "error inside caw.transaction"
[ "$(digest "$DB")" = "$before" ] && ok || fail "failed transaction changed the database"
run "$CAW" --db "$DB" run -e 'print(caw.event("tx-1") == nil)'
expect_out "true" "rolled-back event is absent"

# bad data through caw.add_event: clear error, exit 65, nothing written
bad() { # description lua-table-fields expected-message
  run "$CAW" --db "$DB" run -e "caw.add_event{$2}"
  expect_rc 65 "$1"
  expect_err "$3" "$1 message"
  [ "$(digest "$DB")" = "$before" ] && ok || fail "$1 changed the database"
}
SRC='sources={{url="https://example.org/a"}}'
bad "invalid EDTF" "date='2024-13', type='meeting', title='x', $SRC" "field 'date': bad date \"2024-13\" at column 6"
bad "unknown event type" "date='2024', type='party', title='x', $SRC" "field 'type': unknown value 'party'"
bad "missing title" "date='2024', type='meeting', $SRC" "field 'title': required"
bad "missing date" "type='meeting', title='x', $SRC" "field 'date': required"
bad "unknown actor role" "date='2024', type='meeting', title='x', $SRC, actors={{code='KAZ', role='boss'}}" "field 'actors[1].role': unknown value 'boss'"
bad "non-numeric amount" "date='2024', type='funding', title='x', $SRC, money={{amount='lots', currency='USD', kind='pledge'}}" "field 'money[1].amount': expected a number, got string 'lots'"
bad "unknown actor" "date='2024', type='meeting', title='x', $SRC, actors={{code='ZZZ', role='host'}}" "field 'actors[1].code': unknown actor 'ZZZ'"
bad "missing source" "date='2024', type='meeting', title='x'" "field 'sources': at least one source is required"
bad "misspelt field" "date='2024', type='meeting', title='x', summery='y', $SRC" "field 'summery': unknown field"

# events: formats and filters
run "$CAW" --db "$DB" events --from 2024-04 --to 2024-04
expect_rc 0 "events with a month range"
expect_out "2024-04-uk-cameron-c5-visit" "events --from/--to finds the Cameron visit"
expect_not_out "2024-06-13" "events --to excludes later events"
run "$CAW" --db "$DB" events --format csv --actor GBR --type visit
expect_out "id,date,earliest,latest,type,title" "CSV header"
expect_out "2024-04-uk-cameron-c5-visit,2024-04-22/2024-04-26~,2024-04-22,2024-04-26,visit" "CSV row"
run "$CAW" --db "$DB" events --format json --tag unverified
expect_rc 0 "events --format json"
run "$CAW" --db "$DB" run -e '
local n = 0
for _ in io.lines(arg[1]) do end' "$T/out"
expect_rc 0 "JSON output is readable"
run "$CAW" --db "$DB" events --format xml
expect_rc 64 "bad --format"
expect_err "takes one of table, csv, json" "bad --format message"
run "$CAW" --db "$DB" events --from 2024-99
expect_rc 64 "bad --from date"
# autumn 2023 report: possibly within 2023-11 but not certainly within
run "$CAW" --db "$DB" events --from 2023-10 --to 2023-12 --format csv
expect_out "2023-10-eu-c5-ministerial-luxembourg" "overlap query"
run "$CAW" --db "$DB" events --from 2024 --to 2024 --certain --format csv
expect_not_out "2023-" "certainly-within excludes events outside the range"

# schema newer than this binary is refused, file untouched
cp "$DB" "$T/new.db"
sqlite3 "$T/new.db" "PRAGMA user_version = 99"
before_new=$(digest "$T/new.db")
run "$CAW" --db "$T/new.db" events
expect_rc 65 "newer schema"
expect_err "schema version 99, newer than this caw understands" "newer schema message"
[ "$(digest "$T/new.db")" = "$before_new" ] && ok || fail "newer-schema database was modified"
# not a database
printf 'hello, I am text\n' >"$T/text.db"
run "$CAW" --db "$T/text.db" events
expect_rc 65 "not a database"
expect_err "is not a caw database" "not-a-database message"

# plugins lists every plugin with its description
run "$CAW" --db "$DB" plugins
expect_out "caw-json" "plugins lists the JSON importer"
expect_out "funding_report" "plugins lists the funding report"

# CAW_PLUGIN_PATH: a user's own modules and plugins come first
mkdir -p "$T/myplugins/lib" "$T/myplugins/importers"
printf 'return { greet = function() return "hello from my lib" end }\n' >"$T/myplugins/lib/mine.lua"
printf 'return { name = "my-importer", kind = "importer", description = "an analyst importer", handles = {"xyz"}, import = function() end }\n' >"$T/myplugins/importers/mine.lua"
CAW_PLUGIN_PATH="$T/myplugins" run "$CAW" --db "$DB" run -e 'print(require("lib.mine").greet())'
expect_out "hello from my lib" "require finds modules on CAW_PLUGIN_PATH"
CAW_PLUGIN_PATH="$T/myplugins" run "$CAW" --db "$DB" plugins
expect_out "an analyst importer" "plugins lists plugins on CAW_PLUGIN_PATH"

# the example analysis scripts run
run "$CAW" --db "$DB" run "$CAW_SRC/scripts/examples/pole_timeline.lua" 2022 2025
expect_rc 0 "pole_timeline example"
expect_out "KAZ    West" "pole_timeline shows Kazakhstan and the West"
run "$CAW" --db "$DB" run "$CAW_SRC/scripts/examples/unverified.lua"
expect_out "(confidence 0.3)" "unverified example lists low-confidence events"

finish

#!/bin/bash
# End to end: the files around the database (issue 11, section 4) and data
# that must not be changed or lost silently (section 5).
#  - outputs (-o, caw.output, caw.write, --skip-bad) go through a fresh
#    temporary beside the target, never through a planted link; only a
#    regular file is replaced; the database and the imported files are
#    never an output;
#  - a new database appears whole or not at all (a full disk, simulated
#    with ulimit -f); a read-only database still reads; an empty file or
#    another application's SQLite database is never made a caw database;
#  - \u0000 in JSON, a key twice in a JSON object, a column twice in a CSV
#    header, a caw event taking a GDELT id: data errors, database
#    unchanged; a script's syntax error exits 65;
#  - CSV outputs neutralise spreadsheet formulas; Markdown shows
#    javascript: and data: addresses as text, never as links.
. "$(dirname "$0")/lib.sh"
F="$CAW_SRC/tests/data"
command -v sqlite3 >/dev/null || { echo "FAIL: needs the sqlite3 shell" >&2; exit 1; }
DB="$T/base.db"
"$CAW" --db "$DB" init -q

# ---- outputs ----

# a link planted at the name the temporary file would have had
# (PATH.tmp<pid> before) is never followed: the file it points to is kept
mkdir "$T/outdir"
echo "precious" >"$T/victim.txt"
cat >"$T/plant.lua" <<'LUA'
-- hand-shakes with the shell through files in dir: says its pid, lets the
-- shell plant a link at PATH.tmp<pid>, opens the output, lets the shell
-- list the folder, closes
local dir = arg[1]
local function wait_for(name)
  local t0 = os.time()
  while true do
    local f = io.open(dir .. "/" .. name)
    if f then f:close() return end
    if os.time() - t0 > 30 then error("the shell did not answer") end
  end
end
local f = io.open(dir .. "/pid", "w")
f:write(io.open("/proc/self/stat"):read("n"))
f:close()
io.open(dir .. "/pid.done", "w"):close()
wait_for("planted")
local w = caw.output(dir .. "/report.md")
w:write("new report\n")
io.open(dir .. "/opened", "w"):close()
wait_for("listed")
w:close()
LUA
wait_file() { local i; for i in $(seq 300); do [ -e "$1" ] && return 0; sleep 0.1; done; return 1; }
"$CAW" --db "$DB" run "$T/plant.lua" "$T/outdir" >"$T/plant.out" 2>&1 &
bg=$!
wait_file "$T/outdir/pid.done"
ln -s "$T/victim.txt" "$T/outdir/report.md.tmp$(cat "$T/outdir/pid")"
touch "$T/outdir/planted"
wait_file "$T/outdir/opened"
ls -A "$T/outdir" >"$T/listing"
touch "$T/outdir/listed"
set +e; wait "$bg"; rc=$?; set -e
expect_rc 0 "caw.output beside a planted link"
[ "$(cat "$T/victim.txt")" = "precious" ] && ok || fail "caw.output wrote through a planted link: $(cat "$T/victim.txt")"
[ "$(cat "$T/outdir/report.md")" = "new report" ] && ok || fail "caw.output did not write its target"
grep -Eq '^\.report\.md\.[A-Za-z0-9]{6}$' "$T/listing" && ok || fail "the temporary is not a fresh .NAME.XXXXXX beside the target: $(cat "$T/listing")"
[ -z "$(find "$T/outdir" -name '.report.md.*')" ] && ok || fail "a temporary file was left behind"
want_mode=$(printf '%o' $((0666 & ~$(umask))))
[ "$(stat -c %a "$T/outdir/report.md")" = "$want_mode" ] && ok || fail "the output's mode is not $want_mode (0666 less the umask): $(stat -c %a "$T/outdir/report.md")"

# only a regular file is replaced: a FIFO, a device node, a symbolic link
# stay what they are (74), and so does the database
mkfifo "$T/fifo"
before=$(digest "$DB")
run "$CAW" --db "$DB" export -o "$T/fifo"
expect_rc 74 "export -o FIFO"
expect_err "it is a FIFO; caw replaces only regular files" "the FIFO message"
[ -p "$T/fifo" ] && ok || fail "export -o replaced a FIFO with a regular file"
if [ "$(id -u)" = 0 ]; then
  mknod "$T/null" c 1 3
  run "$CAW" --db "$DB" export -o "$T/null"
  expect_rc 74 "export -o a device node"
  [ -c "$T/null" ] && ok || fail "export -o replaced a device node"
fi
echo "kept" >"$T/linked.txt"
ln -s "$T/linked.txt" "$T/link.json"
run "$CAW" --db "$DB" export -o "$T/link.json"
expect_rc 74 "export -o a symbolic link"
[ -L "$T/link.json" ] && [ "$(cat "$T/linked.txt")" = "kept" ] && ok || fail "export -o replaced a link or its file"
run "$CAW" --db "$DB" run -e 'caw.write(arg[1], "x")' "$T/fifo"
expect_rc 74 "caw.write to a FIFO"
[ -p "$T/fifo" ] && ok || fail "caw.write replaced a FIFO"
run "$CAW" --db "$DB" export -o "$DB"
expect_rc 64 "export -o the database itself"
expect_err "it is the database caw is using" "the database is never an output"
[ "$(digest "$DB")" = "$before" ] && ok || fail "export -o DB changed the database"
run "$CAW" --db "$DB" run "$CAW_SRC/plugins/funding_report.lua" -o "$DB"
expect_rc 64 "a report -o the database"
[ "$(digest "$DB")" = "$before" ] && ok || fail "a report -o DB changed the database"

# --skip-bad FILE that is one of the inputs: refused before anything is read
cp "$F/icews_sample.tab" "$T/in.tab"
in_before=$(digest "$T/in.tab")
run "$CAW" --db "$DB" import --skip-bad "$T/in.tab" "$T/in.tab"
expect_rc 64 "--skip-bad FILE that is the input"
expect_err "is one of the files to import" "the message"
[ "$(digest "$T/in.tab")" = "$in_before" ] && ok || fail "--skip-bad overwrote its input"
[ "$(digest "$DB")" = "$before" ] && ok || fail "--skip-bad onto the input changed the database"
ln -s "$T/in.tab" "$T/in-again.tab"
run "$CAW" --db "$DB" import --skip-bad "$T/in-again.tab" "$T/in.tab"
expect_rc 64 "--skip-bad FILE naming the input by another path"
[ "$(digest "$T/in.tab")" = "$in_before" ] && ok || fail "--skip-bad through a link overwrote its input"
run "$CAW" --db "$DB" import --skip-bad "$T/fifo" "$T/in.tab"
expect_rc 74 "--skip-bad FIFO"
[ "$(digest "$DB")" = "$before" ] && ok || fail "a refused --skip-bad file still let the import happen"

# ---- the database: all or nothing, read-only, only caw's ----

# a full disk while the default database is made leaves nothing behind,
# and the next run makes it whole
mkdir "$T/full"
run bash -c 'trap "" XFSZ; ulimit -f 40; exec "$0" --db "$1" events' "$CAW" "$T/full/caw.db"
expect_rc 74 "creating the database on a full disk"
[ -z "$(ls -A "$T/full")" ] && ok || fail "a failed creation left files: $(ls -A "$T/full")"
run "$CAW" --db "$T/full/caw.db" run -e 'print(caw.count())'
expect_rc 0 "the next run"
expect_out "$BUNDLED" "the next run makes the database whole"
expect_err "created $T/full/caw.db with $BUNDLED events" "... and says so"
# init --force that fails half-way keeps the database it was to replace
cp "$DB" "$T/full/keep.db"
"$CAW" --db "$T/full/keep.db" import -q "$F/gdelt2_sample.tsv"
keep=$(digest "$T/full/keep.db")
run bash -c 'trap "" XFSZ; ulimit -f 40; exec "$0" --db "$1" init --force' "$CAW" "$T/full/keep.db"
expect_rc 74 "init --force on a full disk"
[ "$(digest "$T/full/keep.db")" = "$keep" ] && ok || fail "a failed init --force changed the old database"
run "$CAW" --db "$T/full/keep.db" run -e 'print(caw.count())'
expect_out "$((BUNDLED + 3))" "the old database is whole (the bundled events + 3)"

# an empty file, an empty SQLite file, another application's database
: >"$T/empty.db"
run "$CAW" --db "$T/empty.db" events
expect_rc 65 "--db an empty file"
expect_err "empty.db is an empty file, not a caw database" "the message"
[ ! -s "$T/empty.db" ] && ok || fail "an empty file was made a caw database"
sqlite3 "$T/other.db" "CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes(body) VALUES('mine');"
other=$(digest "$T/other.db")
for cmd in events "import $F/icews_sample.tab"; do
  run "$CAW" --db "$T/other.db" $cmd
  expect_rc 65 "--db another application's database ($cmd)"
  expect_err "is not a caw database (an SQLite database of another application)" "the message"
  [ "$(digest "$T/other.db")" = "$other" ] && ok || fail "$cmd changed another application's database"
done
sqlite3 "$T/bare.db" "PRAGMA user_version = 0; VACUUM;"
run "$CAW" --db "$T/bare.db" import "$F/icews_sample.tab"
expect_rc 65 "--db an SQLite file with no tables"
expect_err "is an empty SQLite database, not a caw database" "the message"
[ "$(sqlite3 "$T/bare.db" "SELECT count(*) FROM sqlite_schema")" = 0 ] && ok || fail "caw made tables in an empty SQLite file"
run "$CAW" --db "$T/empty.db" init --force -q
expect_rc 0 "init --force replaces an empty file"
run "$CAW" --db "$T/empty.db" run -e 'print(caw.count())'
expect_out "$BUNDLED" "... with a whole database"

# a read-only database in a read-only folder: reading commands work,
# writing ones say why (74), nothing changes. root ignores file modes, so
# as root caw runs without the capabilities that let it.
mkdir "$T/ro"
cp "$DB" "$T/ro/caw.db"
chmod 444 "$T/ro/caw.db"
chmod 555 "$T/ro"
as_user() {
  if [ "$(id -u)" = 0 ]; then
    setpriv --bounding-set=-dac_override,-dac_read_search,-fowner "$@"
  else "$@"; fi
}
ro_before=$(digest "$T/ro/caw.db")
run as_user "$CAW" --db "$T/ro/caw.db" events --limit 3
expect_rc 0 "events on a read-only database"
expect_out "2022-02-28" "events lists the events"
run as_user "$CAW" --db "$T/ro/caw.db" export --format jsonl
expect_rc 0 "export on a read-only database"
run as_user "$CAW" --db "$T/ro/caw.db" score
expect_rc 0 "score on a read-only database"
run as_user "$CAW" --db "$T/ro/caw.db" import "$F/icews_sample.tab"
expect_rc 74 "import into a read-only database"
expect_err "cannot write $T/ro/caw.db: the database is read-only" "the message names the path and says why"
[ "$(digest "$T/ro/caw.db")" = "$ro_before" ] && ok || fail "a read-only database changed"
[ "$(ls -A "$T/ro")" = "caw.db" ] && ok || fail "files appeared in the read-only folder: $(ls -A "$T/ro")"
chmod 755 "$T/ro"

# ---- data that must not change silently ----

# \u0000 in a JSON string: refused where it is (it was stored cut at the NUL)
before=$(digest "$DB")
printf '{"caw": 1, "events": [\n {"id": "t-nul", "date": "2024", "type": "statement",\n  "title": "before\\u0000after", "sources": [{"url": "https://e.org/nul"}]}]}\n' >"$T/nul.json"
run "$CAW" --db "$DB" import "$T/nul.json"
expect_rc 65 "a \\u0000 in a JSON string"
expect_err "nul.json:3:19: invalid JSON: \\u0000 (a NUL character) in a string" "file:line:column"
[ "$(digest "$DB")" = "$before" ] && ok || fail "a refused \\u0000 changed the database"
printf '{"id": "t-nul2", "date": "2024", "type": "statement", "title": "ok", "sources": [{"url": "https://e.org/\\u0000"}]}\n' >"$T/nul.jsonl"
run "$CAW" --db "$DB" import "$T/nul.jsonl"
expect_rc 65 "a \\u0000 in a JSON Lines file"
expect_err "nul.jsonl:1:" "names the line"

# a key twice in one JSON object; a column twice in a CSV header
printf '{"caw": 1, "events": [\n {"id": "t-dup", "date": "2024", "type": "statement", "title": "first",\n  "title": "second", "sources": [{"url": "https://e.org/dup"}]}]}\n' >"$T/dup.json"
run "$CAW" --db "$DB" import "$T/dup.json"
expect_rc 65 "a key twice in a JSON object"
expect_err 'dup.json:3:3: invalid JSON: key "title" appears twice in one object' "file:line:column and the key"
[ "$(digest "$DB")" = "$before" ] && ok || fail "a refused duplicate key changed the database"
printf 'id,date,type,title,sources,title\nt-dupcol,2024,statement,first,https://e.org/c,second\n' >"$T/dup.csv"
run "$CAW" --db "$DB" import "$T/dup.csv"
expect_rc 65 "a column twice in a CSV header"
expect_err "dup.csv:1: column 'title' appears twice in the header (columns 4 and 6)" "names both columns"
[ "$(digest "$DB")" = "$before" ] && ok || fail "a refused duplicate column changed the database"

# ids in an importer's namespace are its own: a caw event claiming
# gdelt:N is refused, and the real GDELT row N is then stored
printf '{"caw": 1, "events": [\n {"id": "gdelt:900000001", "date": "2019-10-24", "type": "statement",\n  "title": "Not from GDELT", "sources": [{"url": "https://e.org/fake"}]}]}\n' >"$T/fake.json"
run "$CAW" --db "$DB" import "$T/fake.json"
expect_rc 65 "a caw JSON event with a GDELT id"
expect_err "fake.json:2: field 'id': 'gdelt:900000001': ids that start with 'gdelt:' are reserved for the gdelt importer" "the message"
[ "$(digest "$DB")" = "$before" ] && ok || fail "a refused GDELT id changed the database"
printf 'id,date,type,title,sources\nicews:1:2018-06-01,2018-06-01,statement,Not from ICEWS,https://e.org/i\n' >"$T/fake.csv"
run "$CAW" --db "$DB" import "$T/fake.csv"
expect_rc 65 "a caw CSV event with an ICEWS id"
expect_err "reserved for the icews importer" "the message"
run "$CAW" --db "$DB" import "$F/gdelt2_sample.tsv"
expect_rc 0 "the GDELT rows"
expect_err "4 read, 3 added, 0 updated, 0 unchanged, 1 merged (gdelt)" "the real GDELT row is stored"
run "$CAW" --db "$DB" run -e 'print(caw.event("gdelt:900000001").title)'
expect_out "Kazakhstan → China: Sign formal agreement" "gdelt:900000001 is GDELT's"

# a syntax error in a script is bad data (65), as docs/cli.md says
printf 'print("unclosed"\n' >"$T/syntax.lua"
run "$CAW" --db "$DB" run "$T/syntax.lua"
expect_rc 65 "a syntax error in a script"
expect_err "syntax.lua:2:" "names file:line"
run "$CAW" --db "$DB" run -e 'x ='
expect_rc 65 "a syntax error in run -e"

# CSV outputs: a text cell that would be a spreadsheet formula gets a
# leading apostrophe; caw CSV import reads it back as it was
cat >"$T/formula.json" <<'JSON'
{"caw": 1, "events": [
 {"id": "t-formula", "date": "2024-05-02", "type": "statement",
  "title": "=HYPERLINK(\"https://evil.example\",\"click\")", "summary": "+1 555 0100",
  "location": "@Bishkek", "sources": [{"url": "https://e.org/f", "title": "-2 points"}],
  "tags": ["-x"]}]}
JSON
"$CAW" --db "$DB" import -q "$T/formula.json"
run "$CAW" --db "$DB" events --format csv --from 2024-05-02 --to 2024-05-02
expect_rc 0 "events --format csv"
expect_out "\"'=HYPERLINK(\"\"https://evil.example\"\",\"\"click\"\")\"" "the title's = is neutralised"
expect_out ",'-x" "the tag's - is neutralised"
expect_not_out ",=HYPERLINK" "no cell starts with ="
run "$CAW" --db "$DB" export --format csv -o "$T/formula.csv"
expect_rc 0 "export --format csv"
grep -q "'@Bishkek" "$T/formula.csv" && ok || fail "export csv: the location's @ is not neutralised"
grep -q ",'+1 555 0100," "$T/formula.csv" && ok || fail "export csv: the summary's + is not neutralised"
"$CAW" --db "$T/csvback.db" init --empty -q
"$CAW" --db "$DB" export --format jsonl | grep '"actor"' >"$T/actors.jsonl"
"$CAW" --db "$T/csvback.db" import -q "$T/actors.jsonl"
grep -E '^(id,|t-formula,)' "$T/formula.csv" >"$T/one.csv"
run "$CAW" --db "$T/csvback.db" import "$T/one.csv"
expect_rc 0 "the neutralised CSV imports"
run "$CAW" --db "$T/csvback.db" run -e 'local e = caw.event("t-formula") print(e.title, e.summary, e.location, e.tags[1])'
expect_out '=HYPERLINK("https://evil.example","click")	+1 555 0100	@Bishkek	-x' "caw CSV import reads the cells back as they were"

# Markdown: a javascript: or data: source is plain text, never a link
cat >"$T/js.json" <<'JSON'
{"caw": 1, "events": [
 {"id": "t-js", "date": "2024-06-01", "type": "funding", "title": "A pledge with odd sources",
  "actors": [{"code": "CHN", "role": "initiator"}, {"code": "KGZ", "role": "target"}],
  "money": [{"amount": 1000000, "currency": "USD", "kind": "pledge", "provider": "CHN", "recipient": "KGZ"}],
  "sources": [{"url": "javascript:alert(1)", "publisher": "Clickbait"}, {"url": "data:text/html,<b>x</b>"}]}]}
JSON
"$CAW" --db "$DB" import -q "$T/js.json"
run "$CAW" --db "$DB" run "$CAW_SRC/plugins/funding_report.lua" --format md
expect_rc 0 "the funding report in Markdown"
expect_not_out "](javascript:" "no javascript: link in the report"
expect_not_out "](data:" "no data: link in the report"
run "$CAW" --db "$DB" run -e 'print(require("lib.report").sources_md(caw.event("t-js").sources))'
expect_out "Clickbait (javascript:alert(1)), data:text/html,\\<b\\>x\\</b\\>" "shown as escaped text"
finish

#!/bin/bash
# End to end: GDELT events in their own table (schema v2) as a user sees
# them. caw.events{} streams the bundled events and the GDELT events as one
# list in (day_lo, day_hi, id) order, and every filter, caw.event,
# caw.count, events_flat, `caw events` and `caw export` see both; a
# schema 1 database is upgraded on open; a bad row late in a big file, or
# --timeout, while the writer thread runs leaves the database as it was;
# re-imports and an import split over two files (the path without the
# writer thread) give the events a whole import gives.
# (tests/cli/gdelt.sh covers the counts, dedup rules, --where, --skip-bad
# on small files and the progress line.)
. "$(dirname "$0")/lib.sh"
shared_data gdelt2_20191024143000.export.tsv ../tools/gen_events.py
G2="$D/gdelt2_20191024143000.export.tsv"
gen="$D/../tools/gen_events.py"
command -v sqlite3 >/dev/null || { echo "FAIL: needs the sqlite3 shell" >&2; exit 1; }

# lua_checks DB CODE ARGS...: run a Lua chunk; each line it prints starting with
# "FAIL " is a failed check, each "PASS " a passed one; the chunk must
# print "DONE" last (so a script that dies half way fails too)
lua_checks() {
  local db=$1 code=$2
  shift 2
  run "$CAW" --db "$db" run -e "$code" "$@"
  expect_rc 0 "Lua checks on $db"
  grep -q '^DONE$' "$T/out" && ok || fail "Lua checks on $db did not finish: $(head -c 600 "$T/err")"
  while IFS= read -r line; do
    case $line in
      "PASS "*) ok ;;
      "FAIL "*) fail "${line#FAIL }" ;;
    esac
  done <"$T/out"
}
# sql DB QUERY: the rows, one a line (the sqlite3 shell, to see the file as
# it is, not through caw)
sql() { sqlite3 "$1" "$2"; }

# ---------------------------------------------------------------------
# 1. One stream: the bundled events and the GDELT 2.0 sample
DB="$T/union.db"
"$CAW" --db "$DB" init -q
run "$CAW" --db "$DB" import "$G2"
expect_rc 0 "import the GDELT 2.0 sample into the bundled database"
lua_checks "$DB" '
local function check(name, cond, detail)
  print((cond and "PASS " or "FAIL ") .. name .. (cond and "" or (": " .. tostring(detail))))
end
local function ids(filter)
  local t, set = {}, {}
  for e in caw.events(filter) do t[#t + 1] = e; set[e.id] = e end
  return t, set
end
local function one(q, ...)
  for r in caw.sql(q, ...) do for _, v in pairs(r) do return v end end
end
-- byte order, as SQLite compares the ids
local function idless(a, b)
  local n = math.min(#a, #b)
  for i = 1, n do
    local x, y = a:byte(i), b:byte(i)
    if x ~= y then return x < y end
  end
  return #a < #b
end

local BUNDLED = '"$BUNDLED"'
local total = caw.count()
check("caw.count() is the bundled + the GDELT events",
      total == BUNDLED + one("SELECT count(*) FROM gdelt"), total)
local all, byid = ids{}
check("caw.events{} yields caw.count() events", #all == total, #all .. " vs " .. total)
local seen, dup, ngdelt, nother = {}, nil, 0, 0
for _, e in ipairs(all) do
  if seen[e.id] then dup = e.id end
  seen[e.id] = true
  if e.id:match("^gdelt:") then ngdelt = ngdelt + 1 else nother = nother + 1 end
end
check("ids are unique across both tables", dup == nil, dup)
check("the stream has the bundled and 1252 GDELT events",
      nother == BUNDLED and ngdelt == 1252, nother .. " + " .. ngdelt)
local bad
for i = 2, #all do
  local a, b = all[i - 1], all[i]
  local le = a.day_lo < b.day_lo or (a.day_lo == b.day_lo and (a.day_hi < b.day_hi or
             (a.day_hi == b.day_hi and not idless(b.id, a.id))))
  if not le then bad = a.id .. " before " .. b.id; break end
end
check("(day_lo, day_hi, id) never decreases along the stream", bad == nil, bad)
check("a GDELT event is one day, with precision day",
      byid["gdelt:881992005"] and byid["gdelt:881992005"].day_lo == caw.date.day(2019, 10, 24)
      and byid["gdelt:881992005"].day_hi == byid["gdelt:881992005"].day_lo
      and byid["gdelt:881992005"].precision == "day", "gdelt:881992005")

-- actor: GDELT and bundled events alike
local tkm, tset = ids{ actor = "TKM" }
local nb = 0
for _, e in ipairs(tkm) do if not e.id:match("^gdelt:") then nb = nb + 1 end end
check("actor=TKM finds both GDELT events", tset["gdelt:881992005"] and tset["gdelt:881992007"])
check("actor=TKM finds bundled events too", nb >= 1, nb)
local nota
for _, e in ipairs(tkm) do
  local has = false
  for _, a in ipairs(e.actors) do if a.code == "TKM" then has = true end end
  if not has then nota = e.id end
end
check("every actor=TKM event has TKM among its actors", nota == nil, nota)
local e7 = tset["gdelt:881992007"]
check("GDELT actors: initiator JPN, target TKM with registry names",
      e7 and #e7.actors == 2 and e7.actors[1].code == "JPN" and e7.actors[1].role == "initiator"
      and e7.actors[2].code == "TKM" and e7.actors[2].role == "target"
      and e7.actors[2].name == "Turkmenistan",
      e7 and caw.json.encode(e7.actors))

-- from/to: one day holds only GDELT events, as many as the table has that day
local day, dset = ids{ from = "2019-10-24", to = "2019-10-24" }
local wrong
for _, e in ipairs(day) do
  if not e.id:match("^gdelt:") or e.date ~= "2019-10-24" then wrong = e.id .. " " .. e.date end
end
check("from=to=2019-10-24: only GDELT events of that day", wrong == nil, wrong)
local nday = one("SELECT count(*) FROM gdelt WHERE day = ?1", caw.date.day(2019, 10, 24))
check("from=to=2019-10-24: as many as SELECT count(*) FROM gdelt WHERE day = that day",
      #day == nday and nday > 1000, #day .. " vs " .. tostring(nday))
check("from=to=2019-10-24 leaves out the sample rows of other days",
      #day < ngdelt, #day .. " of " .. ngdelt)
local cert = ids{ from = "2019-10-24", to = "2019-10-24", certain = true }
check("certain=true: the same events for one-day GDELT events", #cert == #day, #cert)
local y2018 = ids{ from = "2018", to = "2018" }
local n2018 = one("SELECT count(*) FROM gdelt WHERE day < ?1", caw.date.day(2019))
check("from=to=2018: the GDELT rows dated 2018", #y2018 == n2018 and n2018 > 0, #y2018 .. " vs " .. tostring(n2018))

-- type, text, limit, id
local agr, aset = ids{ type = "agreement", from = "2019", to = "2019" }
local nonagr
for _, e in ipairs(agr) do
  if e.type ~= "agreement" or e.date:sub(1, 4) ~= "2019" then nonagr = e.id end
end
check("type=agreement 2019 includes gdelt:881992005", aset["gdelt:881992005"])
check("type=agreement 2019: only agreements of 2019", nonagr == nil, nonagr)
local _, txt = ids{ text = "Turkmenistan" }
check("text=Turkmenistan finds both GDELT events", txt["gdelt:881992005"] and txt["gdelt:881992007"])
local _, txt2 = ids{ text = "turkmenISTAN" }
check("text= is case-insensitive for GDELT titles too", txt2["gdelt:881992007"])
local lim = ids{ limit = 5 }
local same5 = #lim == 5
for i = 1, #lim do same5 = same5 and lim[i].id == all[i].id end
check("limit=5 yields the first 5 events of the stream", same5, #lim)
local lim2 = ids{ limit = 3, from = "2019-10-24", to = "2019-10-24" }
check("limit applies to the GDELT side", #lim2 == 3, #lim2)
check("id=gdelt:881992007 finds one event", #ids{ id = "gdelt:881992007" } == 1)
check("id=881992007 (no prefix) finds none", #ids{ id = "881992007" } == 0)
check("id=gdelt:0881992007 (leading zero) finds none", #ids{ id = "gdelt:0881992007" } == 0)
local nc = ids{ id = "gdelt:881992007", children = false }
check("children=false works for GDELT events",
      #nc == 1 and nc[1].sources == nil and nc[1].title ~= nil, #nc)

-- caw.event
local ev = caw.event("gdelt:881992007")
check("caw.event(gdelt:881992007) has 2 sources", ev and #ev.sources == 2, ev and #ev.sources)
check("caw.event(gdelt:881992007): the dedup tag and decodable attrs",
      ev and ev.tags[1] == "gdelt:JPN-TKM:04@20191024" and caw.json.decode(ev.attrs).rows == 15,
      ev and ev.tags[1])
check("caw.event(gdelt:1) is nil", caw.event("gdelt:1") == nil)
check("caw.event of a bundled event still works",
      caw.event("2023-01-tkm-state-visit-china") ~= nil)

-- events_flat: both tables, and the same view of a GDELT event
check("events_flat has caw.count() rows", one("SELECT count(*) FROM events_flat") == total,
      one("SELECT count(*) FROM events_flat"))
local f
for r in caw.sql("SELECT * FROM events_flat WHERE id = ?1", "gdelt:881992007") do f = r end
check("events_flat row of gdelt:881992007: actors and both source URLs",
      f and f.actors == "JPN:initiator;TKM:target" and f.date == "2019-10-24"
      and select(2, f.sources:gsub("%S+", "")) == 2, f and (f.actors .. " | " .. f.sources))
print("DONE")'

run "$CAW" --db "$DB" events --actor TKM
expect_rc 0 "caw events --actor TKM"
expect_out "gdelt:881992005" "caw events --actor TKM lists the agreement"
expect_out "gdelt:881992007" "caw events --actor TKM lists the visit"
expect_out "2023-01-tkm-state-visit-china" "caw events --actor TKM lists bundled events too"
run "$CAW" --db "$DB" events --actor TKM --format csv
[ "$(grep -c '^gdelt:' "$T/out")" -eq 2 ] && ok || fail "events --format csv: 2 GDELT rows: $(grep '^gdelt:' "$T/out" | head -5)"

# export: every event once (actor lines come first, without an "id")
total=$("$CAW" --db "$DB" run -e 'print(caw.count())')
run "$CAW" --db "$DB" export --format jsonl -o "$T/all.jsonl"
expect_rc 0 "export --format jsonl"
n=$(grep -c '"id":"' "$T/all.jsonl" || true)
[ "$n" = "$total" ] && ok || fail "export jsonl: $n event lines, caw.count() is $total"
n=$(grep -c '"id":"gdelt:' "$T/all.jsonl" || true)
[ "$n" = 1252 ] && ok || fail "export jsonl: $n GDELT event lines, expected 1252"
# the export into a fresh database: ids "gdelt:N" are the GDELT importer's
# alone (else its row N would later count as unchanged and never be
# stored), so each GDELT line is a data error and nothing is stored
DB2="$T/reimport.db"
"$CAW" --db "$DB2" init --empty -q
before=$(digest "$DB2")
run "$CAW" --db "$DB2" import "$T/all.jsonl"
expect_rc 65 "the jsonl export's GDELT events into an empty database"
expect_err "field 'id': 'gdelt:" "the message names the GDELT id"
expect_err "are reserved for the gdelt importer" "the message says why"
[ "$(digest "$DB2")" = "$before" ] && ok || fail "a refused import changed the database"
run "$CAW" --db "$DB2" import --skip-bad "$T/re.rej" "$T/all.jsonl"
expect_rc 0 "--skip-bad: the other events of the export import"
expect_err "$total read, $((total - 1252)) added, 0 updated, 0 unchanged, 1252 rejected (caw-json)" "--skip-bad: the GDELT lines rejected"
# ... and the real GDELT rows then import whole
run "$CAW" --db "$DB2" import "$G2"
expect_rc 0 "the GDELT file after the refused export"
expect_err "2111 read, 1252 added, 0 updated, 0 unchanged, 859 merged (gdelt)" "every GDELT event stored"
lua_checks "$DB2" '
local function check(name, cond, detail)
  print((cond and "PASS " or "FAIL ") .. name .. (cond and "" or (": " .. tostring(detail))))
end
local total = tonumber(...)
check("caw.count() is the exported count", caw.count() == total, caw.count())
local e = caw.event("gdelt:881992007")
check("gdelt:881992007 keeps 2 sources and its attrs",
      e and #e.sources == 2 and caw.json.decode(e.attrs).rows == 15, e and #e.sources)
local n = 0
for _ in caw.events{ actor = "TKM", from = "2019", to = "2019" } do n = n + 1 end
check("actor=TKM in 2019 is the two events", n == 2, n)
print("DONE")' "$total"
# back into $DB itself: a GDELT event's id is taken, one id is one event,
# so each GDELT line is a data error naming the id, and nothing changes
before=$(digest "$DB")
run "$CAW" --db "$DB" import "$T/all.jsonl"
expect_rc 65 "the export back into its own database"
expect_err "field 'id': 'gdelt:" "the message names the GDELT id"
expect_err "are reserved for the gdelt importer" "the message says why"
[ "$(digest "$DB")" = "$before" ] && ok || fail "a refused re-import changed the database"
run "$CAW" --db "$DB" import --skip-bad "$T/back.rej" "$T/all.jsonl"
expect_err "$total read, 0 added, 0 updated, $BUNDLED unchanged, 1252 rejected (caw-json)" "--skip-bad: the GDELT lines rejected, the rest unchanged"
run "$CAW" --db "$DB" run -e 'print(caw.count())'
expect_out "$total" "no event twice"
# caw.add_event cannot take a GDELT event's id either
run "$CAW" --db "$DB" run -e 'caw.add_event{ id = "gdelt:881992005", date = "2019-10-24", type = "agreement", title = "x", sources = { "https://e.org" } }'
expect_rc 65 "caw.add_event with a GDELT event's id"
# an event a caw before schema 2 stored under a GDELT id (in events) is
# kept as it is: importing its row again does not add it a second time
DB="$T/legacy.db"
"$CAW" --db "$DB" init --empty -q
"$CAW" --db "$DB" run -e 'caw.add_event{ id = "gdelt:881992005", date = "2019-10-24", type = "agreement", title = "Stored by an older caw", sources = { "https://e.org" } }'
run "$CAW" --db "$DB" import "$G2"
expect_rc 0 "import over a legacy GDELT event"
expect_err "2111 read, 1251 added, 0 updated, 1 unchanged, 859 merged (gdelt)" "the legacy event counts as unchanged"
run "$CAW" --db "$DB" run -e 'local n = 0 for e in caw.events{ id = "gdelt:881992005" } do n = n + 1; print(e.title) end print(n)'
expect_out "Stored by an older caw
1" "the legacy event is there once, as it was"
# a row repeated within a file is its event's first row again: unchanged
sed -n 1p "$G2" >"$T/twice.tsv"
sed -n 1p "$G2" >>"$T/twice.tsv"
DB="$T/twice.db"
"$CAW" --db "$DB" init --empty -q
run "$CAW" --db "$DB" import "$T/twice.tsv"
expect_err "2 read, 1 added, 0 updated, 1 unchanged" "a repeated row is counted, as unchanged"

# ---------------------------------------------------------------------
# 2. A schema 1 database is upgraded to the current schema on open
DB="$T/v1.db"
"$CAW" --db "$DB" init -q
# take the database back to schema 1: no gdelt table, no schema 3 columns
V3_UNDO="DROP VIEW money_flat;
ALTER TABLE event_actors DROP COLUMN confidence;
ALTER TABLE money DROP COLUMN instrument; ALTER TABLE money DROP COLUMN allocation;
CREATE VIEW money_flat AS SELECT e.id AS event_id, m.amount FROM money m JOIN events e ON e.rowid = m.event;"
sqlite3 "$DB" "$V3_UNDO DROP VIEW events_flat; DROP VIEW event_rows; DROP VIEW gdelt; DROP TABLE coded; CREATE VIEW events_flat AS SELECT id FROM events; PRAGMA user_version = 1;"
[ "$(sql "$DB" 'PRAGMA user_version')" = 1 ] && ok || fail "could not make a schema 1 database"
run "$CAW" --db "$DB" run -e 'print(caw.count())'
expect_rc 0 "open a schema 1 database"
expect_out "$BUNDLED" "schema 1 database: the bundled events are there"
[ "$(sql "$DB" 'PRAGMA user_version')" = 4 ] && ok || fail "user_version after opening: $(sql "$DB" 'PRAGMA user_version')"
[ "$(sql "$DB" "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master WHERE name IN ('coded', 'coded_day', 'coded_ref', 'event_rows', 'gdelt', 'money_flat') ORDER BY name)")" = "coded,coded_day,coded_ref,event_rows,gdelt,money_flat" ] \
  && ok || fail "after the upgrade: $(sql "$DB" "SELECT name FROM sqlite_master WHERE name IN ('coded', 'coded_day', 'coded_ref', 'event_rows', 'gdelt', 'money_flat')" | tr '\n' ' ')"
[ "$(sql "$DB" 'SELECT count(*) FROM events_flat')" = "$BUNDLED" ] && ok || fail "events_flat recreated: $(sql "$DB" 'SELECT count(*) FROM events_flat' 2>&1)"
sql "$DB" 'SELECT earliest, sources FROM events_flat LIMIT 1' >/dev/null 2>&1 && ok || fail "events_flat has its columns again"
run "$CAW" --db "$DB" import "$G2"
expect_rc 0 "GDELT import after the upgrade"
expect_err "2111 read, 1252 added, 0 updated, 0 unchanged, 859 merged (gdelt)" "upgraded database: the GDELT counts"
[ "$(sql "$DB" 'SELECT count(*) FROM events_flat')" = "$((BUNDLED + 1252))" ] && ok || fail "upgraded database: events_flat has $(sql "$DB" 'SELECT count(*) FROM events_flat') rows, expected $((BUNDLED + 1252))"
run "$CAW" --db "$DB" run -e 'print(caw.count())'
expect_out "$((BUNDLED + 1252))" "upgraded database: caw.count()"

# the gdelt table as version 2 made it, from a schema 4 database
V4_UNDO="CREATE TABLE g3(id INTEGER PRIMARY KEY, day INTEGER NOT NULL,
  type TEXT NOT NULL, title TEXT NOT NULL, location TEXT,
  confidence REAL NOT NULL DEFAULT 1, cameo TEXT NOT NULL, goldstein REAL,
  actor1 TEXT, actor2 TEXT, url TEXT, quad INTEGER, mentions INTEGER,
  num_sources INTEGER, articles INTEGER, tone REAL, geo TEXT,
  version INTEGER, root INTEGER, code1 TEXT, name1 TEXT, code2 TEXT,
  name2 TEXT, rows INTEGER NOT NULL DEFAULT 1, more TEXT, tag TEXT,
  batch INTEGER);
INSERT INTO g3 SELECT * FROM gdelt;
DROP VIEW events_flat; DROP VIEW event_rows; DROP VIEW gdelt; DROP TABLE coded;
ALTER TABLE g3 RENAME TO gdelt; CREATE INDEX gdelt_day ON gdelt(day);
CREATE VIEW events_flat AS SELECT id FROM events;"

# A schema 2 database gains the schema 3 columns and keeps its events
DB="$T/v2.db"
"$CAW" --db "$DB" init -q
sqlite3 "$DB" "$V3_UNDO $V4_UNDO PRAGMA user_version = 2;"
before=$(sql "$DB" "SELECT count(*), sum(amount) FROM money")
run "$CAW" --db "$DB" run -e 'print(caw.count())'
expect_rc 0 "open a schema 2 database"
expect_out "$BUNDLED" "schema 2 database: the bundled events are there"
[ "$(sql "$DB" 'PRAGMA user_version')" = 4 ] && ok || fail "schema 2 -> 4: user_version $(sql "$DB" 'PRAGMA user_version')"
[ "$(sql "$DB" "SELECT count(*), sum(amount) FROM money")" = "$before" ] && ok || fail "schema 2 -> 3: money lines changed"
sql "$DB" 'SELECT confidence FROM event_actors LIMIT 1; SELECT instrument, allocation FROM money_flat LIMIT 1' >/dev/null 2>&1 \
  && ok || fail "schema 2 -> 3: the new columns are missing"

# A schema 3 database holding GDELT events (the gdelt table) is upgraded
# to schema 4 (the coded table) and every event reads back unchanged:
# caw export, events_flat and the gdelt view give what they gave before.
DB="$T/v3.db"
"$CAW" --db "$DB" init -q
run "$CAW" --db "$DB" import "$G2"
expect_rc 0 "import the GDELT 2.0 sample (schema 4)"
"$CAW" --db "$DB" export --format jsonl -o "$T/v3_before.jsonl"
sql "$DB" 'SELECT * FROM events_flat' >"$T/v3_flat_before.txt"
sql "$DB" 'SELECT * FROM gdelt ORDER BY id' >"$T/v3_gdelt_before.txt"
# take it back to schema 3: the gdelt table as version 2 made it
sqlite3 "$DB" "$V4_UNDO PRAGMA user_version = 3;"
[ "$(sql "$DB" "SELECT count(*) FROM gdelt")" = 1252 ] && ok || fail "could not make a schema 3 GDELT database"
run "$CAW" --db "$DB" run -e 'print(caw.count())'
expect_rc 0 "open a schema 3 GDELT database"
expect_out "$((BUNDLED + 1252))" "schema 3 -> 4: the bundled and 1252 GDELT events"
[ "$(sql "$DB" 'PRAGMA user_version')" = 4 ] && ok || fail "schema 3 -> 4: user_version $(sql "$DB" 'PRAGMA user_version')"
[ "$(sql "$DB" "SELECT count(*) FROM coded WHERE source = 'gdelt'")" = 1252 ] && ok || fail "schema 3 -> 4: the coded table lacks GDELT events"
"$CAW" --db "$DB" export --format jsonl -o "$T/v3_after.jsonl"
cmp -s "$T/v3_before.jsonl" "$T/v3_after.jsonl" && ok || fail "schema 3 -> 4: caw export differs: $(diff "$T/v3_before.jsonl" "$T/v3_after.jsonl" | head -4)"
sql "$DB" 'SELECT * FROM events_flat' >"$T/v3_flat_after.txt"
cmp -s "$T/v3_flat_before.txt" "$T/v3_flat_after.txt" && ok || fail "schema 3 -> 4: events_flat differs: $(diff "$T/v3_flat_before.txt" "$T/v3_flat_after.txt" | head -4)"
sql "$DB" 'SELECT * FROM gdelt ORDER BY id' >"$T/v3_gdelt_after.txt"
cmp -s "$T/v3_gdelt_before.txt" "$T/v3_gdelt_after.txt" && ok || fail "schema 3 -> 4: the gdelt view differs"
# the upgraded events take re-imports as before: nothing changes
run "$CAW" --db "$DB" import "$G2"
expect_rc 0 "re-import after the schema 3 -> 4 upgrade"
expect_err "2111 read, 0 added, 0 updated, 1252 unchanged, 859 merged (gdelt)" "schema 3 -> 4: a re-import changes nothing"
[ "$(sql "$DB" "PRAGMA foreign_key_check")" = "" ] && ok || fail "schema 3 -> 4: foreign keys broken"

# ---------------------------------------------------------------------
# 3. A bad row at the end of a 30000-row file, while the writer thread
# writes (an empty gdelt table): exit 65 with file:line and the field,
# database unchanged; --dry-run says the same; --skip-bad keeps the rest.
cd "$T"
python3 "$gen" 30000 5 >g30.tsv
[ "$(wc -l <g30.tsv)" -eq 30000 ] && ok || fail "gen_events.py 30000 5"
last=$(tail -n 1 g30.tsv)
printf '%s\n' "$last" | awk -F'\t' 'BEGIN { OFS = "\t" } { $1 = $1 + 1; $2 = "20231340"; print }' >bad_date.row
printf '%s\n' "$last" | awk -F'\t' 'BEGIN { OFS = "\t" } { $1 = $1 + 1; NF = 60; print }' >bad_width.row
printf '%s\n' "$last" | awk -F'\t' 'BEGIN { OFS = "\t" } { $1 = $1 + 1; $7 = $7 "\351X"; print }' >bad_utf8.row
cat g30.tsv bad_date.row >bad_date.tsv
cat g30.tsv bad_width.row >bad_width.tsv
cat g30.tsv bad_utf8.row >bad_utf8.tsv
DB="$T/bad.db"
"$CAW" --db "$DB" init --empty -q
before=$(digest "$DB")
for case in "bad_date.tsv:30001: field 2 (SQLDATE): '20231340' is not a date YYYYMMDD" \
            "bad_width.tsv:30001: expected 57 or 58 (GDELT 1.0) or 61 (GDELT 2.0) fields, found 60" \
            "bad_utf8.tsv:30001: field 7: invalid UTF-8"; do
  file=${case%%:*}
  run "$CAW" --db "$DB" import "$file"
  expect_rc 65 "$file: a bad last row fails the file"
  expect_err "$case" "$file: the message names file, line and field"
  expect_not_out "read," "$file: no counts line on stdout"
  grep -q "read, " "$T/err" && fail "$file: a counts line for a failed import" || ok
  [ "$(digest "$DB")" = "$before" ] && ok || fail "$file: the failed import changed the database"
done
run "$CAW" --db "$DB" import --dry-run bad_date.tsv
expect_rc 65 "--dry-run: the bad row fails it too"
expect_err "bad_date.tsv:30001: field 2 (SQLDATE)" "--dry-run names the bad row"
[ "$(digest "$DB")" = "$before" ] && ok || fail "--dry-run changed the database"
[ "$(sql "$DB" "SELECT count(*) FROM sqlite_master WHERE name = 'coded_day'")" = 1 ] && ok || fail "a failed import lost the coded_day index"
run "$CAW" --db "$DB" import --skip-bad "$T/rejects.txt" bad_date.tsv
expect_rc 0 "--skip-bad with a bad last row"
expect_err "bad_date.tsv: 30001 read, 28695 added, 0 updated, 0 unchanged, 1305 merged, 1 rejected (gdelt)" "--skip-bad: 30001 read, 1 rejected"
[ "$(wc -l <"$T/rejects.txt")" -eq 1 ] && grep -qF "bad_date.tsv:30001: field 2 (SQLDATE): '20231340'" "$T/rejects.txt" \
  && ok || fail "reject file: $(head -c 300 "$T/rejects.txt")"
[ "$(sql "$DB" 'SELECT sum(rows) FROM gdelt')" = 30000 ] && ok || fail "--skip-bad: sum(rows) is $(sql "$DB" 'SELECT sum(rows) FROM gdelt')"

# dump DB: every GDELT event as caw.events{} gives it: id, attrs but
# tone, #sources, tone
dump() {
  "$CAW" --db "$1" run -e '
    for e in caw.events{} do
      if e.id:match("^gdelt:") then
        print(e.id, (e.attrs:gsub("\"tone\":[^,}]*,?", "")), #e.sources,
              e.attrs:match("\"tone\":([^,}]*)") or "none")
      end
    end'
}
# a clean import of the 30000 rows, then again: nothing added
DB="$T/whole.db"
"$CAW" --db "$DB" init --empty -q
run "$CAW" --db "$DB" import g30.tsv
expect_rc 0 "clean import of 30000 generated rows"
expect_err "g30.tsv: 30000 read, 28695 added, 0 updated, 0 unchanged, 1305 merged (gdelt)" "30000 rows: counts"
[ "$(sql "$DB" 'SELECT sum(rows) FROM gdelt')" = 30000 ] && ok || fail "sum(rows) is $(sql "$DB" 'SELECT sum(rows) FROM gdelt'), expected 30000"
[ "$(sql "$DB" "SELECT name FROM sqlite_master WHERE name = 'coded_day'")" = coded_day ] && ok || fail "the coded_day index is not rebuilt after the import"
sql "$DB" "EXPLAIN QUERY PLAN SELECT id FROM gdelt WHERE day = 19000" | grep -q "INDEX coded_day" && ok || fail "day lookups do not use coded_day"
dump "$DB" >whole.txt
[ "$(wc -l <whole.txt)" -eq 28695 ] && ok || fail "dump of the whole import: $(wc -l <whole.txt) events"
dump "$T/bad.db" >skipbad.txt
cmp -s whole.txt skipbad.txt && ok || fail "--skip-bad import differs from the clean one: $(diff whole.txt skipbad.txt | head -4)"
run "$CAW" --db "$DB" import g30.tsv
expect_rc 0 "re-import of the 30000 rows"
expect_err "g30.tsv: 30000 read, 0 added, 0 updated, 28695 unchanged, 1305 merged (gdelt)" "re-import: 0 added, every row unchanged or merged"
dump "$DB" >again.txt
cmp -s whole.txt again.txt && ok || fail "re-import changed events: $(diff whole.txt again.txt | head -4)"
[ "$(sql "$DB" 'SELECT sum(rows) FROM gdelt')" = 30000 ] && ok || fail "re-import: sum(rows) is $(sql "$DB" 'SELECT sum(rows) FROM gdelt')"
# a bad row without the writer thread (the table has events): same
before=$(digest "$DB")
run "$CAW" --db "$DB" import bad_width.tsv
expect_rc 65 "bad last row, into a table with events"
expect_err "bad_width.tsv:30001: expected 57 or 58" "bad last row, into a table with events: message"
[ "$(digest "$DB")" = "$before" ] && ok || fail "a failed import into a table with events changed the database"

# ---------------------------------------------------------------------
# 4. --timeout while the writer thread runs: exit 70, a message, no
# crash, database unchanged
python3 "$gen" 150000 7 >g150.tsv
DB="$T/timeout.db"
"$CAW" --db "$DB" init --empty -q
before=$(digest "$DB")
run "$CAW" --db "$DB" import --timeout 0.3 g150.tsv
if [ "$rc" -eq 0 ]; then
  fail "150000 rows imported within --timeout 0.3: use a bigger file or a smaller timeout"
else
  expect_rc 70 "--timeout during a GDELT import"
fi
[ "$rc" -lt 128 ] && ok || fail "--timeout: killed by a signal (exit $rc): $(head -c 600 "$T/err")"
expect_err "stopped: the script ran longer than --timeout 0.3 seconds" "--timeout message"
grep -q "read, " "$T/err" && fail "--timeout: a counts line for a stopped import" || ok
[ "$(digest "$DB")" = "$before" ] && ok || fail "a timed-out GDELT import changed the database"
[ "$(sql "$DB" 'SELECT count(*) FROM gdelt') $(sql "$DB" 'SELECT count(*) FROM batches')" = "0 0" ] && ok || fail "timed-out import left rows or a batch"
[ "$(sql "$DB" 'PRAGMA integrity_check')" = ok ] && ok || fail "integrity after the timeout: $(sql "$DB" 'PRAGMA integrity_check' | head -3)"
# the database works afterwards
run "$CAW" --db "$DB" import g30.tsv
expect_err "g30.tsv: 30000 read, 28695 added" "import after a timed-out one"

# ---------------------------------------------------------------------
# 5. Into a table that has GDELT events already (no writer thread): the
# first 15000 rows, then the other 15000, give the events of the whole
# file, tone included.
head -n 15000 g30.tsv >half1.tsv
tail -n 15000 g30.tsv >half2.tsv
DB="$T/split.db"
"$CAW" --db "$DB" init --empty -q
run "$CAW" --db "$DB" import half1.tsv
expect_rc 0 "first half"
c1=$(sed -n 's/^half1.tsv: 15000 read, \([0-9]*\) added, 0 updated, 0 unchanged, \([0-9]*\) merged (gdelt)$/\1 \2/p' "$T/err")
run "$CAW" --db "$DB" import half2.tsv
expect_rc 0 "second half, into a table with events"
# the row that joins an event of the first half (seed 5 has one)
c2=$(sed -n 's/^half2.tsv: 15000 read, \([0-9]*\) added, 1 updated, 0 unchanged, \([0-9]*\) merged (gdelt)$/\1 \2/p' "$T/err")
[ "$(echo $c1 $c2 | awk '{ print $1 + $3, $2 + $4 }')" = "28695 1305" ] && ok \
  || fail "split import: added/merged per half ($c1 / $c2) do not add up to the whole file's 28695/1305: $(cat "$T/err")"
[ "$(sql "$DB" 'SELECT sum(rows) FROM gdelt')" = 30000 ] && ok || fail "split: sum(rows) is $(sql "$DB" 'SELECT sum(rows) FROM gdelt')"
dump "$DB" >split.txt
# id, attrs but tone, #sources must match; tone within 0.001
cut -f1-3 whole.txt >whole.nt
cut -f1-3 split.txt >split.nt
cmp -s whole.nt split.nt && ok || fail "split import: events differ from the whole import: $(diff whole.nt split.nt | head -6)"
# tone too: merges through the table average the stored (unrounded) tone
cmp -s whole.txt split.txt && ok || fail "split import: tone differs: $(diff whole.txt split.txt | head -4)"
# the halves the other way round: other first rows, so other ids, but
# still every row in exactly one event, and the whole file adds nothing
DB="$T/reverse.db"
"$CAW" --db "$DB" init --empty -q
"$CAW" --db "$DB" -q import half2.tsv
"$CAW" --db "$DB" -q import half1.tsv
[ "$(sql "$DB" 'SELECT sum(rows) FROM gdelt')" = 30000 ] && ok || fail "reverse split: sum(rows) is $(sql "$DB" 'SELECT sum(rows) FROM gdelt')"
run "$CAW" --db "$DB" import g30.tsv
expect_err "g30.tsv: 30000 read, 0 added, 0 updated" "reverse split, then the whole file: nothing added"
[ "$(sql "$DB" 'SELECT sum(rows) FROM gdelt')" = 30000 ] && ok || fail "reverse split + whole: sum(rows) is $(sql "$DB" 'SELECT sum(rows) FROM gdelt')"
finish

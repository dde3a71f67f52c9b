#!/bin/bash
# End to end: the GDELT importer (issue 5) on the real samples in
# $CAW_SHARED_DATA: every row parses, the Central Asia subsets and the
# dedup counts are what they should be (the counts were checked against an
# independent re-implementation of the rule, docs/importers.md), ids are
# stable, re-imports change nothing, bad rows fail the file with
# file:line and exit 65 (or go to the --skip-bad file).
. "$(dirname "$0")/lib.sh"
shared_data gdelt1_export_sample_reed9999.tsv gdelt2_20191024143000.export.tsv \
  gdelt2_20191024143000.CA_SUBSET.DERIVED.tsv
G1="$D/gdelt1_export_sample_reed9999.tsv"
G2="$D/gdelt2_20191024143000.export.tsv"
G2CA="$D/gdelt2_20191024143000.CA_SUBSET.DERIVED.tsv"

# GDELT events are read as analysts read them, through caw.events{}:
# each DB EXPR prints EXPR for every GDELT event, in caw.events order, with
# e = the event and a = its decoded attrs; ev DB ID EXPR for one event.
each() {
  "$CAW" --db "$1" run -e '
    local env = setmetatable({}, { __index = _ENV })
    local f = load("return " .. (...), "expr", "t", env)
    for e in caw.events{} do
      if e.id:match("^gdelt:") then
        env.e, env.a = e, caw.json.decode(e.attrs)
        print(f())
      end
    end' "$2"
}
ev() {
  "$CAW" --db "$1" run -e '
    local id, expr = ...
    local e = caw.event(id)
    local env = setmetatable({ e = e, a = e and caw.json.decode(e.attrs) }, { __index = _ENV })
    print(load("return " .. expr, "expr", "t", env)())' "$2" "$3"
}
# count DB EXPR: how many GDELT events EXPR is true for
count() { each "$1" "$2" | grep -c '^true$'; }

# --- GDELT 1.0: 710 rows, 509 with 58 fields and 201 with 57 ---
DB="$T/g1.db"
"$CAW" --db "$DB" init -q
run "$CAW" --db "$DB" import "$G1"
expect_rc 0 "import gdelt1 sample"
expect_err "710 read, 644 added, 0 updated, 0 unchanged, 66 merged (gdelt)" "gdelt1: all rows parse, 66 merged"
expect_not_out "rejected" "gdelt1: nothing rejected"
run "$CAW" --db "$DB" import "$G1"
expect_err "710 read, 0 added, 0 updated, 644 unchanged, 66 merged (gdelt)" "gdelt1 re-import changes nothing"
# a 57-field row (1982, no SOURCEURL) gets a GDELT urn as its source
run ev "$DB" gdelt:1553649 "e.sources[1].url .. ' ' .. e.sources[1].publisher .. ' ' .. #e.sources"
expect_out "urn:gdelt:event:1553649 GDELT 1" "57-field row: urn source"
# the one Actor1=KAZ row: a visit (043, leading zero kept), actor KAZ
run ev "$DB" gdelt:564137808 "e.cameo .. ' ' .. e.type .. ' ' .. e.actors[1].code .. ':' .. e.actors[1].role .. ' ' .. e.actors[1].name"
expect_out "043 visit KAZ:initiator Kazakhstan" "gdelt1 KAZ row: cameo string, type, actor"
# the rferl.org row whose ActionGeo is TX (FIPS) = Turkmenistan (ISO TKM)
run ev "$DB" gdelt:564160176 "a.geo"
expect_out "TKM" "FIPS TX is Turkmenistan"
run count "$DB" "a.version == 1"
expect_out "644" "gdelt1 events are version 1"
run "$CAW" --db "$DB" run -e 'print(caw.count())'
expect_out "$((BUNDLED + 644))" "caw.count(): the bundled events and 644 GDELT events"

# --where ca: the two rows touching Central Asia (Actor1=KAZ; ActionGeo TX)
DB="$T/g1ca.db"
"$CAW" --db "$DB" init -q
run "$CAW" --db "$DB" import --where ca "$G1"
expect_rc 0 "gdelt1 --where ca"
expect_err "710 read, 2 added, 0 updated, 0 unchanged (gdelt)" "gdelt1 CA subset: 2 events"
expect_err "708 rows outside --where ca" "gdelt1: rows outside the filter are reported"
run each "$DB" "e.id"
expect_out "gdelt:564137808
gdelt:564160176" "gdelt1 CA subset ids"

# --- GDELT 2.0 export: 2111 rows x 61 ---
DB="$T/g2.db"
"$CAW" --db "$DB" init -q
run "$CAW" --db "$DB" import "$G2"
expect_rc 0 "import gdelt2 export"
expect_err "2111 read, 1252 added, 0 updated, 0 unchanged, 859 merged (gdelt)" "gdelt2: all rows parse, 859 merged"
run count "$DB" "a.version == 2"
expect_out "1252" "gdelt2 events are version 2"
# EUR (IGOEUREEC) is the EU; summed mentions and every source URL kept
run ev "$DB" gdelt:881990834 "e.actors[1].code .. ' ' .. a.rows .. ' ' .. a.mentions"
expect_out "EU 2 14" "EUR becomes caw actor EU; 2 rows merged, mentions summed"
run count "$DB" "#e.sources < 1"
expect_out "0" "every event keeps its sources"
run count "$DB" "a.rows > 1 and #a.ids ~= a.rows - 1"
expect_out "0" "a merged event lists the ids of its other rows"
each "$DB" "a.rows" | awk '{ n += $1 } END { print n }' >"$T/out"
expect_out "2111" "every row is in exactly one event"

# --where ca: the 18 Japan-Turkmenistan rows collapse to 2 events: the
# agreement (057: 3 rows, one article) and the meeting/visit (04x: 15
# rows, two articles)
DB="$T/g2ca.db"
"$CAW" --db "$DB" init -q
run "$CAW" --db "$DB" import --where ca "$G2"
expect_rc 0 "gdelt2 --where ca"
expect_err "2111 read, 2 added, 0 updated, 0 unchanged, 16 merged (gdelt)" "gdelt2 CA subset: 18 rows -> 2 events"
run each "$DB" "e.id .. ' ' .. e.date .. ' ' .. e.type .. ' ' .. e.cameo .. ' ' .. a.rows .. ' ' .. a.mentions .. ' ' .. #e.sources"
expect_out "gdelt:881992005 2019-10-24 agreement 057 3 20 1" "the agreement event"
expect_out "gdelt:881992007 2019-10-24 visit 043 15 52 2" "the meeting/visit event, both articles"
run ev "$DB" gdelt:881992005 "e.tags[1]"
expect_out "gdelt:JPN-TKM:05@20191024" "the dedup key is stored as a tag"
run "$CAW" --db "$DB" run -e 'local n = 0 for e in caw.events{ tag = "gdelt:JPN-TKM:05@20191024" } do n = n + 1 end print(n)'
expect_out "1" "caw.events{tag=} finds it by the tag"
# the derived subset file gives the same two events
DB="$T/g2sub.db"
"$CAW" --db "$DB" init -q
run "$CAW" --db "$DB" import "$G2CA"
expect_err "18 read, 2 added, 0 updated, 0 unchanged, 16 merged (gdelt)" "CA_SUBSET file: 2 events"

# the rule is a Lua parameter: directed pairs, full codes, or none
cat >"$T/dedup.lua" <<'LUA'
local importer = require("lib.importer")
local _, by = importer.list()
local path, which = ...
local settings = { directed = { directed = true }, code = { key = "code" }, off = false }
local c = importer.run(by.gdelt, { path = path, name = path },
                       { quiet = true, dedup = settings[which] })
print(which, c.added, c.merged)
LUA
for case in "directed 4 14" "code 5 13" "off 18 0"; do
  set -- $case
  rm -f "$T/d.db"
  "$CAW" --db "$T/d.db" init -q
  run "$CAW" --db "$T/d.db" run "$T/dedup.lua" "$G2CA" "$1"
  expect_out "$1	$2	$3" "dedup = $1: $2 events"
done

# across files: the second half of the rows merges into the events of the
# first, and the result is the same as importing the whole file
head -n 9 "$G2CA" >"$T/half1.tsv"
tail -n 9 "$G2CA" >"$T/half2.tsv"
DB="$T/halves.db"
"$CAW" --db "$DB" init -q
run "$CAW" --db "$DB" import "$T/half1.tsv"
expect_err "9 read, 2 added, 0 updated, 0 unchanged, 7 merged" "first half"
run "$CAW" --db "$DB" import "$T/half2.tsv"
expect_err "9 read, 0 added, 2 updated, 0 unchanged, 9 merged" "second half merges into the first"
q="e.id .. ' ' .. e.attrs .. ' ' .. #e.sources"
each "$DB" "$q" >"$T/split.txt"
# again: every row is found where it went (merged), nothing changes
run "$CAW" --db "$DB" import "$T/half2.tsv"
expect_err "9 read, 0 added, 0 updated, 0 unchanged, 9 merged" "second half again: nothing added or updated"
each "$DB" "$q" >"$T/again.txt"
cmp -s "$T/split.txt" "$T/again.txt" && ok || fail "a re-import changed events: $(diff "$T/split.txt" "$T/again.txt" | head -5)"
each "$T/g2sub.db" "$q" >"$T/whole.txt"
cmp -s "$T/whole.txt" "$T/split.txt" && ok || fail "split import differs from whole: $(diff "$T/whole.txt" "$T/split.txt" | head -5)"

# --- bad rows: the file fails at file:line, exit 65, database unchanged ---
DB="$T/bad.db"
"$CAW" --db "$DB" init -q
before=$(digest "$DB")
cd "$CAW_SRC/tests/bad"
run "$CAW" --db "$DB" import gdelt_wrong_columns.tsv
expect_rc 65 "wrong column count"
expect_err "gdelt_wrong_columns.tsv:3: expected 57 or 58 (GDELT 1.0) or 61 (GDELT 2.0) fields, found 60" "wrong column count message"
[ "$(digest "$DB")" = "$before" ] && ok || fail "a failed GDELT import changed the database"
run "$CAW" --db "$DB" import --skip-bad "$T/rejects.txt" gdelt_wrong_columns.tsv
expect_rc 0 "--skip-bad"
expect_err "3 read, 2 added, 0 updated, 0 unchanged, 1 rejected (gdelt)" "--skip-bad imports the good rows"
grep -qF "gdelt_wrong_columns.tsv:3: expected 57 or 58" "$T/rejects.txt" && ok || fail "reject file lists line 3: $(cat "$T/rejects.txt")"
# a row the reader itself rejects (invalid UTF-8) is skipped the same way
{ sed -n 1p gdelt_bad_date.tsv; sed -n 1p gdelt_bad_date.tsv | sed 's/^1020000000/1020000009/; s/UNITED KINGDOM/UNITED \xe9KINGDOM/'; sed -n 3p gdelt_bad_date.tsv; } >"$T/utf8.tsv"
run "$CAW" --db "$DB" import "$T/utf8.tsv"
expect_rc 65 "invalid UTF-8 row"
expect_err "utf8.tsv:2: field 7: invalid UTF-8" "invalid UTF-8 message"
run "$CAW" --db "$DB" import --dry-run --skip-bad "$T/rejects2.txt" "$T/utf8.tsv"
expect_err "3 read, 1 added, 0 updated, 1 unchanged, 1 rejected (gdelt)" "--skip-bad skips a row the reader rejects (row 1 is already in)"
grep -qF "utf8.tsv:2: field 7: invalid UTF-8" "$T/rejects2.txt" && ok || fail "reject file: $(cat "$T/rejects2.txt")"
cd "$T"

# --- the importer is chosen by content; --where names a Lua filter ---
run "$CAW" --db "$T/w.db" import --dry-run --where nosuch "$G2CA"
expect_rc 64 "unknown --where filter"
expect_err "no filter named 'nosuch'" "unknown filter message"
expect_err "ca, poles" "the message lists the filters"
DB="$T/poles.db"
"$CAW" --db "$DB" init -q
run "$CAW" --db "$DB" import --where ca+poles "$G2"
expect_rc 0 "--where ca+poles"
expect_err "2111 read, 15 added, 0 updated, 0 unchanged, 32 merged (gdelt)" "ca+poles: 18 CA rows + 29 rows between two poles -> 2 + 13 events"
run "$CAW" --db "$DB" import --where TKM "$G2"
expect_err "2111 read, 0 added, 0 updated, 2 unchanged, 16 merged" "--where with a country code"

# --- progress on a terminal (stderr), none without one or with --quiet ---
gen="$D/../tools/gen_events.py"
if [ -f "$gen" ] && command -v script >/dev/null; then
  python3 "$gen" 6000 3 >"$T/gen.tsv"
  "$CAW" --db "$T/p.db" init --empty -q
  script -qec "$CAW --db $T/p.db import --dry-run $T/gen.tsv" /dev/null >"$T/tty.txt" 2>&1 || true
  grep -q "gen.tsv [0-9]*%, [0-9]* rows ([0-9]* rows/s, ETA [0-9]*s)" "$T/tty.txt" && ok || fail "no progress line (%, rows, rows/s, ETA) on a terminal: $(head -c 300 "$T/tty.txt")"
  run "$CAW" --db "$T/p.db" import --dry-run "$T/gen.tsv"
  grep -q "ETA" "$T/err" && fail "progress line without a terminal" || ok
  expect_err "dry run: 6000 read" "generated file imports"
else
  fail "cannot test the progress line (need $gen and script(1))"
fi
# --- a rule that returns a type or an actor caw does not have: the import
# ends with exit 65 naming file:line and the value, the database unchanged
# (the rules are copies of the shipped plugins, patched) ---
for bad in type kind; do
  P="$T/plugins_$bad"
  cp -r "$CAW_SRC/plugins" "$P"
  if [ $bad = type ]; then
    sed -i 's/return cameo.type_of(code), cameo.label(code)/return "not-a-type", cameo.label(code)/' "$P/importers/gdelt.lua"
  else
    sed -i 's/a = { code = code, kind = "state",/a = { code = code, kind = "martian",/' "$P/importers/gdelt.lua"
  fi
  cmp -s "$CAW_SRC/plugins/importers/gdelt.lua" "$P/importers/gdelt.lua" && fail "could not patch the $bad rule"
  DB="$T/rule_$bad.db"
  "$CAW" --db "$DB" init -q
  before=$(digest "$DB")
  CAW_PLUGIN_PATH="$P" run "$CAW" --db "$DB" import "$G2"
  expect_rc 65 "a rule giving a bad $bad"
  [ "$(digest "$DB")" = "$before" ] && ok || fail "a bad $bad from a rule changed the database"
done
expect_err "gdelt2_20191024143000.export.tsv:1: the actor rule gave kind 'martian' for 'AUS': not an actor kind" "bad kind: file:line and the value"
CAW_PLUGIN_PATH="$T/plugins_type" run "$CAW" --db "$T/rule_type.db" import "$G2"
expect_err "gdelt2_20191024143000.export.tsv:1: the code rule gave type 'not-a-type' for code '139': not an event type" "bad type: file:line and the value"
finish

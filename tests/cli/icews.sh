#!/bin/bash
# End to end: the ICEWS importer (issue 5) on the real sample in
# $CAW_SHARED_DATA (3705 rows, 2018-06-01..02): every row parses, country
# names become ISO codes, the 27 rows touching Central Asia are found,
# ids are Event ID + date, bad rows fail with file:line and exit 65.
# ICEWS runs through the bulk engine: its events are rows of the table of
# machine-coded events, read here through event_rows (docs/schema.md).
. "$(dirname "$0")/lib.sh"
shared_data icews_events.2018.sample.tab
I="$D/icews_events.2018.sample.tab"

sql() {
  "$CAW" --db "$1" run -e 'for r in caw.sql((...)) do local t = {} for _, v in pairs(r) do t[#t+1] = tostring(v) end print(table.concat(t, "|")) end' "$2"
}

DB="$T/i.db"
"$CAW" --db "$DB" init -q
run "$CAW" --db "$DB" import "$I"
expect_rc 0 "import the ICEWS sample"
expect_err "3705 read, 3705 added, 0 updated, 0 unchanged (icews)" "all 3705 rows parse"
grep -q "country names not in" "$T/err" && fail "unknown country names: $(cat "$T/err")" || ok
run "$CAW" --db "$DB" import "$I"
expect_err "3705 read, 0 added, 0 updated, 3705 unchanged (icews)" "re-import changes nothing"
# names -> ISO codes; the person; an organisation when the country is NA
run sql "$DB" "SELECT actor1 || ':initiator:' || coalesce(attrs ->> '\$.actor1_person', '-') || ' ' || actor2 || ':target:' || coalesce(attrs ->> '\$.actor2_person', '-') FROM event_rows WHERE id = 'icews:32891094:2018-06-01'"
expect_out "KAZ:initiator:Nursultan Nazarbayev SCO:target:-" "Nazarbayev -> SCO"
run sql "$DB" "SELECT type || ' ' || cameo || ' ' || goldstein || ' ' || location || ' ' || actor1 FROM event_rows WHERE id = 'icews:32890456:2018-06-01'"
expect_out "visit 042 1.9 Dushanbe, Tajikistan RUS" "Medvedev visits Tajikistan: Russian Federation -> RUS"
run sql "$DB" "SELECT json_array_length(attrs, '\$.source_sectors') || ' ' || json_extract(attrs, '\$.story') FROM event_rows WHERE id = 'icews:32891094:2018-06-01'"
expect_out "11 47400632" "sectors are a list; the story id is kept"
run sql "$DB" "SELECT url || ' ' || (attrs ->> '\$.publisher') FROM event_rows WHERE id = 'icews:32891094:2018-06-01'"
expect_out "urn:icews:story:47400632 Xinhua News Agency" "the story is the source; its publisher kept"
run "$CAW" --db "$DB" run -e 'local e = caw.event("icews:32891094:2018-06-01") print(e.provenance, e.sources[1].url, e.title)'
expect_out "icews	urn:icews:story:47400632	Nursultan Nazarbayev → Shanghai Cooperation Organization: Make statement" "caw.event: provenance, source, the title as ICEWS names the sides"
run sql "$DB" "SELECT count(*) FROM event_rows WHERE source = 'icews' AND cameo GLOB '0*'"
expect_out "2608" "CAMEO codes keep their leading zeros (2608 rows start with 0)"

# --where ca: the 27 rows touching the five states
DB="$T/ca.db"
"$CAW" --db "$DB" init -q
run "$CAW" --db "$DB" import --where ca "$I"
expect_rc 0 "--where ca"
expect_err "3705 read, 27 added, 0 updated, 0 unchanged (icews)" "27 rows touch Central Asia"
expect_err "3678 rows outside --where ca" "the rest is reported"
run sql "$DB" "SELECT count(*) FROM event_rows WHERE source = 'icews' AND (actor1 IN ('KAZ','KGZ','TJK','TKM','UZB') OR actor2 IN ('KAZ','KGZ','TJK','TKM','UZB'))"
expect_out "24" "24 of them have a Central Asian actor"
run sql "$DB" "SELECT group_concat(id, ' ') FROM (SELECT id FROM event_rows WHERE source = 'icews' AND coalesce(actor1, '') NOT IN ('KAZ','KGZ','TJK','TKM','UZB') AND coalesce(actor2, '') NOT IN ('KAZ','KGZ','TJK','TKM','UZB') ORDER BY id)"
expect_out "icews:32887527:2018-06-01 icews:32887528:2018-06-01 icews:32897350:2018-06-02" "the other 3 happened there (Medvedev-Kobyakov in Dushanbe, Akhoundi in Tashkent)"

# Event ID alone is not unique: the same id on two dates is two events;
# M/D/YYYY dates (some ICEWS releases) are read; NA intensity is no
# Goldstein value. (Fictional rows.)
H=$(head -n 1 "$I")
{
  echo "$H"
  printf '99000001\t2018-06-01\tKazakhstan\tNA\tKazakhstan\tConsult\t040\t1\tChina\tNA\tChina\t99000001\t1\tFictional Test Wire\tAstana\tNA\tAstana\tKazakhstan\t51.18\t71.43\n'
  printf '99000001\t6/2/2018\tKazakhstan\tNA\tKazakhstan\tConsult\t040\tNA\tChina\tNA\tChina\t99000002\t1\tFictional Test Wire\tAstana\tNA\tAstana\tKazakhstan\t51.18\t71.43\n'
} >"$T/dup.tab"
DB="$T/dup.db"
"$CAW" --db "$DB" init -q
run "$CAW" --db "$DB" import "$T/dup.tab"
expect_err "2 read, 2 added, 0 updated, 0 unchanged (icews)" "one Event ID, two dates: two events"
run sql "$DB" "SELECT id || ' ' || coalesce(goldstein, 'none') FROM event_rows WHERE id LIKE 'icews:99000001:%' ORDER BY id"
expect_out "icews:99000001:2018-06-01 1" "first date"
expect_out "icews:99000001:2018-06-02 none" "6/2/2018 is 2018-06-02; NA intensity"

# bad rows: file:line, exit 65, database unchanged; --skip-bad keeps the rest
before=$(digest "$DB")
cd "$CAW_SRC/tests/bad"
run "$CAW" --db "$DB" import icews_bad_date.tab
expect_rc 65 "bad date"
expect_err "icews_bad_date.tab:3: column 'Event Date': '2018-13-01' is not a date" "bad date message"
[ "$(digest "$DB")" = "$before" ] && ok || fail "a failed ICEWS import changed the database"
run "$CAW" --db "$DB" import --skip-bad "$T/rej.txt" icews_short_row.tab
expect_rc 0 "--skip-bad on a short row"
expect_err "2 read, 1 added, 0 updated, 0 unchanged, 1 rejected (icews)" "--skip-bad counts"
grep -qF "icews_short_row.tab:3: expected 20 fields, found 10" "$T/rej.txt" && ok || fail "reject file: $(cat "$T/rej.txt")"
cd "$T"

# a rule that returns a type or an actor kind caw does not have: the import
# ends with exit 65 naming file:line and the value, the database unchanged
# (the rules are copies of the shipped plugins, patched)
for bad in type kind; do
  P="$T/plugins_$bad"
  cp -r "$CAW_SRC/plugins" "$P"
  if [ $bad = type ]; then
    sed -i 's/return cameo.type_of(code), cameo.label(code)/return "not-a-type", cameo.label(code)/' "$P/importers/icews.lua"
  else
    sed -i 's/kind = "state", person = person/kind = "martian", person = person/' "$P/importers/icews.lua"
  fi
  cmp -s "$CAW_SRC/plugins/importers/icews.lua" "$P/importers/icews.lua" && fail "could not patch the $bad rule"
  DB="$T/rule_$bad.db"
  "$CAW" --db "$DB" init -q
  before=$(digest "$DB")
  CAW_PLUGIN_PATH="$P" run "$CAW" --db "$DB" import "$I"
  expect_rc 65 "a rule giving a bad $bad"
  [ "$(digest "$DB")" = "$before" ] && ok || fail "a bad $bad from a rule changed the database"
done
expect_err "icews_events.2018.sample.tab:2: the actor rule gave kind 'martian' for 'Foreign Affairs (Bangladesh)': not an actor kind" "bad kind: file:line and the value"
CAW_PLUGIN_PATH="$T/plugins_type" run "$CAW" --db "$T/rule_type.db" import "$I"
expect_err "icews_events.2018.sample.tab:2: the code rule gave type 'not-a-type' for code '040': not an event type" "bad type: file:line and the value"
finish

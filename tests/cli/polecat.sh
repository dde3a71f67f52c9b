#!/bin/bash
# End to end: POLECAT weekly files through `caw import`, found by their
# header. The fixture (tests/data/polecat_sample.tsv, 15 rows written from
# the documented layout, not real data) has a header name with a stray
# blank, a tab at the end of every line, a row with a stray tab (line 11)
# and an impossible date (line 12). Counts and values below were checked
# by hand against the fixture.
. "$(dirname "$0")/lib.sh"
P="$CAW_SRC/tests/data/polecat_sample.tsv"
DB="$T/p.db"
"$CAW" --db "$DB" init -q

# the bad rows stop the file: the first one named, the database unchanged
before=$(digest "$DB")
run "$CAW" --db "$DB" import "$P"
expect_rc 65 "a POLECAT file with bad rows is refused"
expect_err "polecat_sample.tsv:11: expected 41 fields, found 42" "the row with a stray tab, by line"
[ "$(digest "$DB")" = "$before" ] && ok || fail "a refused POLECAT file changed the database"
{ head -n 1 "$P"; sed -n 12p "$P"; } >"$T/bad_date.tsv"
run "$CAW" --db "$DB" import "$T/bad_date.tsv"
expect_rc 65 "an impossible date"
expect_err "bad_date.tsv:2: column 'Event Date': '2023-02-30' is not a date YYYY-MM-DD" "bad date: line and column"
{ head -n 1 "$P"; sed -n 2p "$P" | sed 's/\t4\.0\t/\t14.0\t/'; } >"$T/bad_scale.tsv"
run "$CAW" --db "$DB" import "$T/bad_scale.tsv"
expect_rc 65 "an intensity out of range"
expect_err "bad_scale.tsv:2: column 'Intensity': '14.0' is not a number from -10 to 10" "bad intensity"
{ head -n 1 "$P"; sed -n 2p "$P" | sed 's/\tCONSULT\t/\tMEET\t/'; } >"$T/bad_type.tsv"
run "$CAW" --db "$DB" import "$T/bad_type.tsv"
expect_rc 65 "an event type PLOVER lacks"
expect_err "bad_type.tsv:2: column 'Event Type': 'MEET/visit/diplomatic' is not a PLOVER event type" "bad type"
[ "$(digest "$DB")" = "$before" ] && ok || fail "refused rows changed the database"

# --skip-bad: the 13 good rows go in, the two bad ones are listed
run "$CAW" --db "$DB" import --skip-bad "$T/rej.txt" "$P"
expect_rc 0 "import with --skip-bad"
expect_err "polecat_sample.tsv: 15 read, 13 added, 0 updated, 0 unchanged, 2 rejected (polecat)" "found by content; counts"
grep -qF "polecat_sample.tsv:11: expected 41 fields, found 42" "$T/rej.txt" && ok || fail "rejects: line 11"
grep -qF "polecat_sample.tsv:12: column 'Event Date': '2023-02-30'" "$T/rej.txt" && ok || fail "rejects: line 12"
run "$CAW" --db "$DB" import --skip-bad "$T/rej2.txt" "$P"
expect_err "15 read, 0 added, 0 updated, 13 unchanged, 2 rejected (polecat)" "re-import changes nothing"

run "$CAW" --db "$DB" run -e '
for e in caw.events{ provenance = "polecat" } do
  local a = {}
  for _, x in ipairs(e.actors) do a[#a + 1] = x.code .. ":" .. x.role end
  print(e.id, e.date, e.type, e.cameo, e.goldstein, e.title, e.location, table.concat(a, ";"))
end
local n = {}
for r in caw.sql("SELECT type, count(*) AS n FROM coded WHERE source = ?1 AND scheme = ?2 GROUP BY type ORDER BY type", "polecat", "plover") do
  n[#n + 1] = r.type .. "=" .. r.n
end
print(table.concat(n, " "))
print(caw.count())'
expect_rc 0 "read the POLECAT events"
expect_out "funding=1 meeting=1 military=3 protest=1 statement=5 trade=1 visit=1" "caw types by PLOVER type, mode and contexts"
expect_out "$((BUNDLED + 13))" "caw.count(): the bundled and 13 POLECAT events"
expect_out "polecat:a1b2c3d4e5f60001_1	2023-01-05	visit	CONSULT/visit/diplomatic	4.0	Kazakhstan → China: Consult (visit)	Beijing	KAZ:initiator;CHN:target" "CONSULT visit: a visit, actors by country"
expect_out "polecat:a1b2c3d4e5f60004_1	2023-01-08	military	ASSAULT/firearms/military; territory	-9.0	Kyrgyzstan → Tajikistan: Assault (firearms)	Isfara, Sughd	KGZ:initiator;TJK:target" "ASSAULT firearms: military; place and province"
expect_out "polecat:a1b2c3d4e5f60005_1	2023-01-10	statement	SUPPORT//diplomatic	3.5	European Union → Kazakhstan: Support	Astana, Akmola	EU:initiator;KAZ:target" "an organisation without a country, by name"
expect_out "polecat:a1b2c3d4e5f60007_1	2023-01-12	protest	PROTEST/demo/rights_freedoms	-5.0	Protesters → Government of Uzbekistan: Protest (demo)	Tashkent, Toshkent Shahri	UZB:initiator" "both sides one country: one actor, POLECAT's names"
expect_out "polecat:a1b2c3d4e5f60010_1	2023-01-15	military	RETREAT/ceasefire/military	5.0" "RETREAT ceasefire: military"
expect_out "polecat:a1b2c3d4e5f60002_1	2023-01-06	military	COOPERATE//military	6.0	Russia → Kyrgyzstan: Cooperate" "COOPERATE in a military context (CAMEO 062): military"
expect_out "polecat:a1b2c3d4e5f60006_1	2023-01-11	trade	COOPERATE//economic; energy	5.0	Turkmenistan → Russia: Cooperate" "COOPERATE in an economic context (CAMEO 061): trade"
expect_not_out "a1b2c3d4e5f60008_1" "the shifted row is not stored"
run "$CAW" --db "$DB" run -e 'local a = caw.json.decode(caw.event("polecat:a1b2c3d4e5f60001_1").attrs)
print(a.quad, a.contexts, a.actor1, a.actor1_title, a.actor2_cow, a.geo, a.publisher)'
expect_out "1	diplomatic	Kassym-Jomart Tokayev	President	710	CHN	Xinhua" "attrs: quad number, contexts, names as written, COW, geo"
run "$CAW" --db "$DB" events --actor KGZ --type military --format csv
expect_out "Kyrgyzstan → Tajikistan: Assault (firearms)" "caw events --actor --type finds POLECAT events"

# the same rows without the trailing tabs (a clean weekly file), with
# the columns' names in another case and "Event Intensity": the same events
sed 's/\t$//' "$P" | sed '1s/Event Type/EVENT TYPE/; 1s/\tIntensity\t/\tEvent Intensity\t/' >"$T/clean.tsv"
DB2="$T/c.db"
"$CAW" --db "$DB2" init --empty -q
run "$CAW" --db "$DB2" import --skip-bad "$T/rej3.txt" "$T/clean.tsv"
expect_rc 0 "a clean file"
expect_err "clean.tsv: 15 read, 13 added, 0 updated, 0 unchanged, 2 rejected (polecat)" "clean file: the same counts"
run "$CAW" --db "$DB2" run -e 'for r in caw.sql("SELECT count(*) AS n FROM coded WHERE source = ?1 AND scale IS NOT NULL", "polecat") do print("scaled", r.n) end'
expect_out "scaled	13" "Event Intensity read as the scale"

# a damaged header: extra names over rows of fewer columns; refused at line 1
{ sed -n 1p "$T/clean.tsv" | sed 's/$/\tHeadline/'; sed -n 2,3p "$T/clean.tsv"; } >"$T/damaged.tsv"
before=$(digest "$DB2")
run "$CAW" --db "$DB2" import "$T/damaged.tsv"
expect_rc 65 "a damaged header"
expect_err "damaged.tsv:1: the header names 41 columns but line 2 has 40: a damaged POLECAT header (extra names 'Headline')" "damaged header: said at line 1"
# a header without a required column
{ sed -n 1p "$T/clean.tsv" | sed 's/Event Date/Date/'; sed -n 2,3p "$T/clean.tsv"; } >"$T/nodate.tsv"
run "$CAW" --db "$DB2" import --importer polecat "$T/nodate.tsv"
expect_rc 65 "a missing required column"
expect_err "nodate.tsv:1: missing column 'event date'" "missing column at line 1"
[ "$(digest "$DB2")" = "$before" ] && ok || fail "refused headers changed the database"

# Actor Country as a country name, or a list: the first country
sed '2s/\tKAZ\t705\t/\tKazakhstan\t705\t/; 3s/\tCHN\t710\t/\tCHN; RUS\t710\t/' "$T/clean.tsv" >"$T/names.tsv"
DB3="$T/n.db"
"$CAW" --db "$DB3" init -q
run "$CAW" --db "$DB3" import --where ca --skip-bad "$T/rej4.txt" "$T/names.tsv"
expect_rc 0 "--where ca"
expect_err "names.tsv: 1 rows outside --where ca" "--where ca leaves out the United States-Russia row"
expect_err "names.tsv: 15 read, 12 added, 0 updated, 0 unchanged, 2 rejected (polecat)" "--where ca counts"
run "$CAW" --db "$DB3" run -e 'for _, id in ipairs{ "polecat:a1b2c3d4e5f60001_1", "polecat:a1b2c3d4e5f60001_2" } do
  local a = {}
  for _, x in ipairs(caw.event(id).actors) do a[#a + 1] = x.code .. ":" .. x.role end
  print(id, table.concat(a, ";"))
end
print(caw.event("polecat:a1b2c3d4e5f60011_1"))'
expect_out "polecat:a1b2c3d4e5f60001_1	KAZ:initiator;CHN:target" "a country name as Actor Country"
expect_out "polecat:a1b2c3d4e5f60001_2	CHN:initiator;KAZ:target" "a list of countries: the first"
expect_out "nil" "the row outside --where is not stored"

# ICEWS files are still ICEWS's: its header starts Event ID, Event Date, Source Name
printf 'Event ID\tEvent Date\tSource Name\tSource Sectors\n' >"$T/icews_head.tab"
run "$CAW" --db "$DB2" run -e 'local importer = require("lib.importer")
print(importer.choose(arg[1]).name, importer.choose(arg[2]).name)' "$T/icews_head.tab" "$P"
expect_out "icews	polecat" "detection: ICEWS and POLECAT headers told apart"
finish

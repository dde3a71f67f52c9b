#!/bin/bash
# End to end: the ACLED importer (issue 5). There is no real ACLED sample
# we may use, so tests/data/acled_sample.csv holds six FICTIONAL rows with
# ACLED's 31 columns (each row's notes say so). Checks the date and
# time_precision, type mapping, state actors, --where, and bad rows.
# ACLED runs through the bulk engine: its events are rows of the table of
# machine-coded events, read here through event_rows (docs/schema.md). A
# machine-coded event is one day with two actors at most: time_precision
# is kept in attrs, and the country where it happened in attrs.geo (no
# "host" actor).
. "$(dirname "$0")/lib.sh"
A="$CAW_SRC/tests/data/acled_sample.csv"

sql() {
  "$CAW" --db "$1" run -e 'for r in caw.sql((...)) do local t = {} for _, v in pairs(r) do t[#t+1] = tostring(v) end print(table.concat(t, "|")) end' "$2"
}

DB="$T/a.db"
"$CAW" --db "$DB" init -q
run "$CAW" --db "$DB" import "$A"
expect_rc 0 "import the ACLED sample"
expect_err "6 read, 6 added, 0 updated, 0 unchanged (acled)" "six rows, chosen by content"
run "$CAW" --db "$DB" import "$A"
expect_err "6 read, 0 added, 0 updated, 6 unchanged (acled)" "re-import changes nothing"
q="SELECT id || ' ' || date || ' ' || type || ' ' || coalesce(actor1 || ':initiator', '') || coalesce(';' || actor2 || ':target', '') || ' geo=' || (attrs ->> '\$.geo') || ' p=' || (attrs ->> '\$.time_precision') FROM event_rows WHERE source = 'acled' ORDER BY id"
run sql "$DB" "$q"
expect_out "acled:KAZ90001 2023-03-15 protest  geo=KAZ p=1" "time_precision 1: the day; protest; no state actor, the country in geo"
expect_out "acled:KGZ90002 2023-04-02 agreement KGZ:initiator;TJK:target geo=KGZ p=1" "Strategic developments/Agreement; state forces as actors"
expect_out "acled:TJK90003 2023-05-15 conflict TJK:initiator;KGZ:target geo=TJK p=2" "time_precision 2 ('15 May 2023', within the month) kept"
expect_out "acled:UZB90004 2023-06-30 other UZB:initiator geo=UZB p=3" "time_precision 3 (within the year) kept"
expect_out "acled:TKM90006 2023-08-21 conflict  geo=TKM p=1" "no state actor: the country in geo"
run sql "$DB" "SELECT (attrs ->> '\$.notes') || ' / ' || json_extract(attrs, '\$.fatalities') FROM event_rows WHERE id = 'acled:TJK90003'"
expect_out 'an exchange of fire "somewhere" near the border. / 2' "quoted CSV field; notes and fatalities in attrs"
run sql "$DB" "SELECT url || ' ' || (attrs ->> '\$.source') FROM event_rows WHERE id = 'acled:KAZ90001'"
expect_out "urn:acled:KAZ90001 Fictional Test Wire" "source"
run "$CAW" --db "$DB" run -e 'local e = caw.event("acled:KGZ90002") print(e.provenance, e.title, e.location)'
expect_out "acled	Agreement: Military Forces of Kyrgyzstan (2021-) vs Military Forces of Tajikistan (1994-), Batken	Batken, Kyrgyzstan" "caw.event: provenance, title, location"

DB="$T/ca.db"
"$CAW" --db "$DB" init -q
run "$CAW" --db "$DB" import --where ca "$A"
expect_err "6 read, 5 added, 0 updated, 0 unchanged (acled)" "--where ca drops the Moscow row"
expect_err "1 rows outside --where ca" "filtered count"

# bad rows (fictional): the file fails with file:line, exit 65, DB unchanged
H=$(head -n 1 "$A")
row='KAZ91001,2023-03-15,2023,1,Demonstrations,Protests,Peaceful protest,Protesters (Kazakhstan),,6,,,0,60,,398,Central Asia,Kazakhstan,Almaty,,,Almaty,43.2567,76.9286,1,Fictional Test Wire,National,FICTIONAL,0,,1700000001'
printf '%s\n%s\n%s\n' "$H" "$row" "$(echo "$row" | sed 's/^KAZ91001,2023-03-15,2023,1,/KAZ91002,2023-03-15,2023,4,/')" >"$T/prec.csv"
printf '%s\n%s\n' "$H" "$(echo "$row" | sed 's/^KAZ91001,2023-03-15,/KAZ91003,0025-03-15,/')" >"$T/year.csv"
printf '%s\n%s\n' "$(echo "$H" | sed 's/,time_precision//')" "$(echo "$row" | sed 's/,2023,1,/,2023,/')" >"$T/nocol.csv"
before=$(digest "$DB")
run "$CAW" --db "$DB" import "$T/prec.csv"
expect_rc 65 "time_precision 4"
expect_err "prec.csv:3: column 'time_precision': '4' is not 1, 2 or 3" "time_precision message"
run "$CAW" --db "$DB" import "$T/year.csv"
expect_rc 65 "year 0025"
expect_err "year.csv:2: column 'event_date': year 0025 does not match column 'year' (2023)" "truncated year message"
run "$CAW" --db "$DB" import "$T/nocol.csv"
expect_rc 65 "missing column"
expect_err "nocol.csv:1: missing column 'time_precision'" "missing column message"
[ "$(digest "$DB")" = "$before" ] && ok || fail "a failed ACLED import changed the database"
run "$CAW" --db "$DB" import --skip-bad "$T/rej.txt" "$T/prec.csv"
expect_err "2 read, 1 added, 0 updated, 0 unchanged, 1 rejected (acled)" "--skip-bad keeps the good row"
grep -qF "prec.csv:3: column 'time_precision'" "$T/rej.txt" && ok || fail "reject file: $(cat "$T/rej.txt")"

# a rule that returns a type or an actor kind caw does not have: the import
# ends with exit 65 naming file:line and the value, the database unchanged
# (the rules are copies of the shipped plugins, patched)
for bad in type kind; do
  P="$T/plugins_$bad"
  cp -r "$CAW_SRC/plugins" "$P"
  if [ $bad = type ]; then
    sed -i 's/\["Protests"\] = "protest"/["Protests"] = "not-a-type"/' "$P/importers/acled.lua"
  else
    sed -i 's/name = countries.name(code), kind = "state" }/name = countries.name(code), kind = "martian" }/' "$P/importers/acled.lua"
  fi
  cmp -s "$CAW_SRC/plugins/importers/acled.lua" "$P/importers/acled.lua" && fail "could not patch the $bad rule"
  DB="$T/rule_$bad.db"
  "$CAW" --db "$DB" init -q
  before=$(digest "$DB")
  CAW_PLUGIN_PATH="$P" run "$CAW" --db "$DB" import "$A"
  expect_rc 65 "a rule giving a bad $bad"
  [ "$(digest "$DB")" = "$before" ] && ok || fail "a bad $bad from a rule changed the database"
done
expect_err "acled_sample.csv:3: the actor rule gave kind 'martian' for 'Military Forces of Kyrgyzstan (2021-)': not an actor kind" "bad kind: file:line and the value"
CAW_PLUGIN_PATH="$T/plugins_type" run "$CAW" --db "$T/rule_type.db" import "$A"
expect_err "acled_sample.csv:2: the code rule gave type 'not-a-type' for code 'Protests/Peaceful protest': not an event type" "bad type: file:line and the value"

# --- the real ACLED samples in ../shared/data, recognised by content ---
shared_data acled_old-layout_2020-03_afghanistan.csv acled_new-layout_2024-11_2rows.csv \
  acled_old-layout_2020-05_CA_RU_SUBSET.EXCEL-MANGLED.csv
OLD="$D/acled_old-layout_2020-03_afghanistan.csv"
NEW="$D/acled_new-layout_2024-11_2rows.csv"
XL="$D/acled_old-layout_2020-05_CA_RU_SUBSET.EXCEL-MANGLED.csv"
DB="$T/real.db"
"$CAW" --db "$DB" init --empty -q
# the older layout (data_id, iso, event_id_cnty, event_id_no_cnty, ...):
# was read as caw CSV and refused ("unknown column 'data_id'")
run "$CAW" --db "$DB" import "$OLD"
expect_rc 0 "the older ACLED layout, by content"
expect_err "496 read, 496 added, 0 updated, 0 unchanged (acled)" "older layout: 496 rows"
run "$CAW" --db "$DB" import "$NEW"
expect_rc 0 "the newer ACLED layout, by content"
expect_err "2 read, 2 added, 0 updated, 0 unchanged (acled)" "newer layout: 2 rows"
# the export that went through a spreadsheet: CRLF, dates as d-Mon-yy
# (9-May-20), the century from the year column
run "$CAW" --db "$DB" import "$XL"
expect_rc 0 "the spreadsheet-mangled ACLED export"
expect_err "335 read, 335 added, 0 updated, 0 unchanged (acled)" "mangled export: 335 rows"
run sql "$DB" "SELECT date FROM event_rows WHERE id = 'acled:AFG45510'"
expect_out "2020-05-09" "9-May-20 with year 2020 is 2020-05-09"
run sql "$DB" "SELECT count(*) FROM event_rows WHERE source = 'acled' AND (attrs LIKE '%'||char(13)||'%' OR attrs LIKE '%\\r%' OR title LIKE '%'||char(13)||'%' OR location LIKE '%'||char(13)||'%')"
expect_out "0" "no carriage return left in the text"
run sql "$DB" "SELECT json_extract(attrs, '\$.geo') || ' ' || count(*) FROM event_rows WHERE source = 'acled' AND json_extract(attrs, '\$.geo') IN ('KAZ', 'KGZ', 'RUS') GROUP BY json_extract(attrs, '\$.geo') ORDER BY 1"
expect_out "KAZ 10" "mangled export: Kazakhstan 10 rows"
expect_out "KGZ 5" "mangled export: Kyrgyzstan 5 rows"
expect_out "RUS 14" "mangled export: Russia 14 rows"
# a d-Mon-yy date whose year column does not give the century: refused
# with file:line and the column, the database unchanged
{ head -n 1 "$XL"; sed -n 2p "$XL" | sed 's/,9-May-20,2020,/,9-May-20,2019,/'; } >"$T/xl_bad.csv"
{ head -n 1 "$XL" | sed 's/,year,/,yr,/'; sed -n 2p "$XL"; } >"$T/xl_noyear.csv"
before=$(digest "$DB")
run "$CAW" --db "$DB" import "$T/xl_bad.csv"
expect_rc 65 "d-Mon-yy against another year"
expect_err "xl_bad.csv:2: column 'event_date': '9-May-20' is a spreadsheet date (d-Mon-yy) whose century column 'year' (2019) does not give" "d-Mon-yy message"
run "$CAW" --db "$DB" import --importer acled "$T/xl_noyear.csv"
expect_rc 65 "d-Mon-yy without a year column"
expect_err "xl_noyear.csv:2: column 'event_date': '9-May-20' is a spreadsheet date (d-Mon-yy) whose century column 'year' (missing) does not give" "no year column message"
[ "$(digest "$DB")" = "$before" ] && ok || fail "a refused ACLED file changed the database"
finish

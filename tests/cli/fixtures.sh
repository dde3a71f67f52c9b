#!/bin/bash
# End to end: every importer on caw's own small fixtures in tests/data
# (synthetic rows in the real layouts, so that a bare clone without
# ../shared/data still tests them): GDELT 1.0 with 58- and 57-field rows,
# GDELT 2.0 (61 fields, two rows of one event merged), ICEWS (tab, header,
# NA), ACLED in its older layout (data_id first, found by content).
# tests/cli/acled.sh covers the current ACLED layout.
. "$(dirname "$0")/lib.sh"
F="$CAW_SRC/tests/data"
DB="$T/f.db"
"$CAW" --db "$DB" init --empty -q

ids() { # DB FROM TO: the ids of the events of those days, one line
  "$CAW" --db "$1" run -e 'local t = {} for e in caw.events{ from = arg[1], to = arg[2] } do t[#t + 1] = e.id .. "=" .. e.type .. "@" .. e.date end print(table.concat(t, " "))' "$2" "$3"
}

run "$CAW" --db "$DB" import "$F/gdelt1_sample.tsv"
expect_rc 0 "GDELT 1.0 fixture"
expect_err "4 read, 4 added, 0 updated, 0 unchanged (gdelt)" "58- and 57-field rows, found by content"
run ids "$DB" 1982 1982
expect_out "gdelt:100000001=statement@1982-01-02 gdelt:100000002=visit@1982-01-05" "57-field rows (1982, no SOURCEURL)"
run "$CAW" --db "$DB" run -e 'print(caw.event("gdelt:100000001").sources[1].url, caw.event("gdelt:700000001").sources[1].url)'
expect_out "urn:gdelt:event:100000001	https://news.example.org/kg-ru-consult" "a 57-field row's source is its urn, a 58-field row's its URL"

run "$CAW" --db "$DB" import "$F/gdelt2_sample.tsv"
expect_rc 0 "GDELT 2.0 fixture"
expect_err "4 read, 3 added, 0 updated, 0 unchanged, 1 merged (gdelt)" "61 fields; two rows of one event merged"
run "$CAW" --db "$DB" run -e 'local e = caw.event("gdelt:900000001") print(e.cameo, #e.sources, e.actors[1].code, e.actors[2].code)'
expect_out "057	2	KAZ	CHN" "the merged event keeps both sources and its zero-led CAMEO code"
run "$CAW" --db "$DB" import "$F/gdelt2_sample.tsv"
expect_err "4 read, 0 added, 0 updated, 3 unchanged, 1 merged (gdelt)" "a GDELT re-import changes nothing"

run "$CAW" --db "$DB" import "$F/icews_sample.tab"
expect_rc 0 "ICEWS fixture"
expect_err "4 read, 4 added, 0 updated, 0 unchanged (icews)" "found by content"
run ids "$DB" 2018-06-02 2018-06-02
expect_out "icews:90000003:2018-06-02=meeting@2018-06-02 icews:90000004:2018-06-02=agreement@2018-06-02" "ids are Event ID and date"
run "$CAW" --db "$DB" run -e 'local e = caw.event("icews:90000004:2018-06-02") print(e.actors[1].code, caw.json.decode(e.attrs).actor1_person, e.actors[2].code, e.provenance)'
expect_out "KGZ	Sooronbay Jeenbekov	RUS	icews" "a person's country becomes the actor; the person is kept (a machine-coded event's attrs)"

run "$CAW" --db "$DB" import "$F/acled_old_layout.csv"
expect_rc 0 "ACLED older layout"
expect_err "2 read, 2 added, 0 updated, 0 unchanged (acled)" "the older header (data_id first) is found by content"
run ids "$DB" 2020-03 2020-03
expect_out "acled:KAZ80001=protest@2020-03-12 acled:TJK80002=conflict@2020-03-20" "'12 March 2020' read as a date; a machine-coded event is one day"
run "$CAW" --db "$DB" run -e 'print(caw.json.decode(caw.event("acled:TJK80002").attrs).time_precision)'
expect_out "2" "time_precision 2 (within the month) kept in attrs"

run "$CAW" --db "$DB" run -e 'print(caw.count())'
expect_out "13" "every fixture's events stored"
finish

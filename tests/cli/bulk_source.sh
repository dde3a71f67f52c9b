#!/bin/bash
# End to end: a fifth source with a Lua file alone. The worked example of
# docs/importers.md (scripts/examples/importers/phoenix.lua, a
# Phoenix-style file declared for the bulk engine) on the plugin path:
# `caw import` finds it by content, its events come back through
# caw.events with provenance, ids source:ref, titles and attrs from the
# declaration; re-imports change nothing; bad rows name file:line and the
# column, the database unchanged.
. "$(dirname "$0")/lib.sh"
P="$CAW_SRC/tests/data/phoenix_sample.tsv"
export CAW_PLUGIN_PATH="$CAW_SRC/scripts/examples"
DB="$T/p.db"
"$CAW" --db "$DB" init -q
run "$CAW" --db "$DB" import "$P"
expect_rc 0 "import the Phoenix-style sample"
expect_err "4 read, 3 added, 0 updated, 0 unchanged, 1 merged (phoenix)" "by content; the two KAZ-CHN rows of one day and root are one event"
run "$CAW" --db "$DB" import "$P"
expect_err "4 read, 0 added, 0 updated, 3 unchanged, 1 merged (phoenix)" "re-import changes nothing"
run "$CAW" --db "$DB" run -e '
for e in caw.events{ provenance = "phoenix" } do
  local a = {}
  for _, x in ipairs(e.actors) do a[#a + 1] = x.code .. ":" .. x.role end
  print(e.id, e.date, e.type, e.title, e.confidence, table.concat(a, ";"), #e.sources, e.provenance)
end
print(caw.count())'
expect_rc 0 "read the Phoenix events"
expect_out "phoenix:PX1	2024-03-15	statement	Kazakhstan → China: Express intent to meet or negotiate	0.8	KAZ:initiator;CHN:target	2	phoenix" "merged event: id, title from the template, both URLs"
expect_out "phoenix:PX3	2024-03-16	agreement	Russia → Uzbekistan: Sign formal agreement	0.8	RUS:initiator;UZB:target	1	phoenix" "second event"
expect_out "phoenix:PX4	2024-03-17	statement	United States: Make statement	0.8	USA:initiator	1	phoenix" "one side: the 'one' template; no URL: urn source"
expect_out "$((BUNDLED + 3))" "caw.count(): the bundled and 3 Phoenix events"
run "$CAW" --db "$DB" run -e 'local e = caw.event("phoenix:PX4") print(e.sources[1].url, e.sources[1].publisher) print(caw.json.decode(caw.event("phoenix:PX1").attrs).rows)'
expect_out "urn:phoenix:event:PX4	PHOENIX" "urn source named after the source"
expect_out "2" "attrs.rows of the merged event"
# bad rows: file:line and the column; the database unchanged
before=$(digest "$DB")
{ head -n 1 "$P"; printf 'PX9\t2024-02-30\tKAZ\tCHN\t036\t4\tx\thttps://e.org/9\n'; } >"$T/bad_date.tsv"
{ head -n 1 "$P"; printf 'PX9\t2024-02-03\tKAZ\tCHN\t036\t14\tx\thttps://e.org/9\n'; } >"$T/bad_scale.tsv"
run "$CAW" --db "$DB" import "$T/bad_date.tsv"
expect_rc 65 "a bad date"
expect_err "bad_date.tsv:2: column 'Date': '2024-02-30' is not a date YYYY-MM-DD" "bad date message"
run "$CAW" --db "$DB" import "$T/bad_scale.tsv"
expect_rc 65 "a Goldstein out of range"
expect_err "bad_scale.tsv:2: column 'Goldstein': '14' is not a number from -10 to 10" "bad scale message"
[ "$(digest "$DB")" = "$before" ] && ok || fail "a refused Phoenix file changed the database"
run "$CAW" --db "$DB" import --skip-bad "$T/rej.txt" "$T/bad_scale.tsv"
expect_err "1 read, 0 added, 0 updated, 0 unchanged, 1 rejected (phoenix)" "--skip-bad"
# a --where filter that replaces the lists of the view it is given (or
# the view's fields) must not crash the engine: the next row gets new ones
# (the filter, in a copy of lib/where.lua first on the plugin path, keeps
# a row only when its lists are fresh)
mkdir -p "$T/plug/lib"
sed 's/^M.filters = {$/M.filters = {\
  hostile = function(r)\
    local ok = type(r.actors) == "table" and type(r.places) == "table"\
    r.actors, r.places, r.day = 5, "x", {}\
    return ok\
  end,/' "$CAW_SRC/plugins/lib/where.lua" >"$T/plug/lib/where.lua"
grep -q "hostile = function" "$T/plug/lib/where.lua" && ok || fail "could not add the hostile filter"
DB="$T/w.db"
"$CAW" --db "$DB" init --empty -q
CAW_PLUGIN_PATH="$T/plug:$CAW_PLUGIN_PATH" run "$CAW" --db "$DB" import --where hostile "$P"
expect_rc 0 "a where filter that replaces the view's lists"
expect_err "4 read, 3 added, 0 updated, 0 unchanged, 1 merged (phoenix)" "every row saw fresh lists and was kept"
finish

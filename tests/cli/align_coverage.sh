#!/bin/bash
# The alignment report shows its coverage (issue 10, item 4), on a small
# fixture (tests/data/coverage_small.json) and the bundled dataset: the
# number of events behind every period, periods with fewer than the rule's
# min_events flagged (table, CSV, JSON) and drawn hollow on a grey band;
# a negative net drawn below the zero line of the net chart; one x axis
# for all states; no zero-scoring event among the top events; at most 3
# decimals in Markdown; a coverage panel (pole × state × year, source
# kind) in every format; charts that name their axes. Needs no shared data.
. "$(dirname "$0")/lib.sh"

R="$CAW_SRC/plugins/alignment_report.lua"
DB="$T/small.db"
"$CAW" -q --db "$DB" init --empty
"$CAW" -q --db "$DB" import "$CAW_SRC/tests/data/coverage_small.json" >/dev/null

run "$CAW" --db "$DB" run "$R"
expect_rc 0 "report on the fixture"
cp "$T/out" "$T/r.md"
section() { awk -v h="## $1" '$0 == h { on = 1; next } /^## / { on = 0 } on' "$T/r.md"; }
section "Kazakhstan (KAZ)" >"$T/kaz.md"
section "Kyrgyzstan (KGZ)" >"$T/kgz.md"
# a quarter with one event is flagged; one with three is not
grep -qF "| 2024-Q1 | 0.0% | 100.0% | 0.0% | 0 | 1.14 | 0 | 1 | low: 1 of 3 |" "$T/kaz.md" && ok || fail "1-event quarter flagged: $(grep '2024-Q1' "$T/kaz.md")"
grep -qF "| 2024-Q2 | 49.6% | 43.4% | 7.1% | 8 | 7 | 1.14 | 3 |  |" "$T/kaz.md" && ok || fail "3-event quarter not flagged: $(grep '2024-Q2' "$T/kaz.md")"
# one x axis: KGZ has events only from 2024-Q3 but its table starts with KAZ's 2024-Q1
grep -qF "| 2024-Q1 | – | – | – | – | – | – | 0 | no events |" "$T/kgz.md" && ok || fail "KGZ rows start at the shared first quarter"
[ "$(grep -c '^| 2024-Q' "$T/kaz.md" | head -1)" -ge 4 ] && ok || fail "KAZ rows run to the shared last quarter"
# a negative quarter is a figure, not a gap
grep -qF "| 2024-Q3 | NA | NA | NA | -6.5 | 0 | 0 | 1 | low: 1 of 3 |" "$T/kgz.md" && ok || fail "KGZ 2024-Q3 negative net: $(grep '2024-Q3' "$T/kgz.md")"
# the top events leave out the report that scored 0
grep -q "c06\|Russian report on Kyrgyzstan" "$T/r.md" && fail "an event that scored 0 is among the top events" || ok
grep -qF "| 2024-Q3 | West | -6.5 | 2024-08-01 | US sanctions a Kyrgyz bank" "$T/kgz.md" && ok || fail "the sanction is a top event"
# the coverage panel: events by state, pole and year, and by source kind
grep -qF "## Coverage" "$T/r.md" && ok || fail "markdown has the coverage panel"
grep -qF "| KAZ | China | 2 | 2 |" "$T/r.md" && ok || fail "coverage: KAZ-China 2 events in 2024"
grep -qF "| KGZ | China | 0 | 0 |" "$T/r.md" && ok || fail "coverage: KGZ-China none"
grep -qF "| KGZ | Russia | 1 | 1 |" "$T/r.md" && ok || fail "coverage counts the event that scored 0"
grep -qF "| All states | 6 | 0 | 0 | 0 | 6 |" "$T/r.md" && ok || fail "coverage by source kind"
# min_events is a rule parameter
run "$CAW" --db "$DB" run "$R" --set min_events=1
expect_rc 0 "--set min_events=1"
expect_not_out "low: " "nothing is flagged with min_events=1"
expect_out "fewer than 1 (the rule's min_events)" "the note states the threshold"

# CSV keeps the full figures and flags; the panel is in it as coverage rows
run "$CAW" --db "$DB" run "$R" --format csv
expect_rc 0 "csv"
tr -d '\r' <"$T/out" >"$T/r.csv"
grep -q '^KAZ,2024-Q1,CHN,1.000000,1.140000,1.140000,0.000000,1.140000,1,c01-chn-kaz-visit 1.140000 https://example.org/c01,1,true,score,$' "$T/r.csv" \
  && ok || fail "csv: KAZ 2024-Q1 flagged, full figures: $(grep '^KAZ,2024-Q1,CHN' "$T/r.csv")"
grep -q '^KAZ,2024-Q2,WEST,0.495663,8.000000,.*,3,false,score,$' "$T/r.csv" && ok || fail "csv: KAZ 2024-Q2 not flagged"
grep -q '^KGZ,2024-Q4,RUS,NA,0.000000,0.000000,0.000000,0.000000,1,,1,true,score,$' "$T/r.csv" && ok || fail "csv: no top event that scored 0"
grep -q '^KAZ,2024,CHN,,,,,,,,2,,coverage,$' "$T/r.csv" && ok || fail "csv: coverage by pole and year"
grep -q '^ALL,,ALL,,,,,,,,6,,coverage,curated$' "$T/r.csv" && ok || fail "csv: coverage by source kind"
# JSON
run "$CAW" --db "$DB" run "$R" --format json
expect_rc 0 "json"
"$CAW" --db "$DB" run -e '
  local r = caw.json.decode(io.read("a"))
  assert(r.coverage.min_events == 3, "min_events")
  local kaz = r.countries[1]
  assert(kaz.code == "KAZ" and kaz.periods[1].period == "2024-Q1", "KAZ first period")
  assert(kaz.periods[1].events == 1 and kaz.periods[1].low_coverage == true, "KAZ 2024-Q1 flagged")
  assert(kaz.periods[2].events == 3 and kaz.periods[2].low_coverage == false, "KAZ 2024-Q2 not flagged")
  local kgz = r.countries[2]
  assert(#kgz.periods == #kaz.periods and kgz.periods[1].period == "2024-Q1", "one axis")
  assert(kgz.periods[3].poles.WEST.net == -6.5, "negative net")
  assert(r.coverage.all_states.kinds.curated == 6 and r.coverage.all_states.total == 6, "source kinds")
  local n = 0
  for _, row in ipairs(r.coverage.by_pole) do n = n + 1 end
  assert(n == 6, "coverage rows: " .. n)
  print("json ok")' <"$T/out" >"$T/json.out" 2>&1 && ok || fail "json coverage: $(cat "$T/json.out")"

# HTML: share and net charts with named axes, n under every quarter, the
# low quarters hollow on a grey band, the negative net below the zero line
run "$CAW" --db "$DB" run "$R" --format html --country KGZ
expect_rc 0 "html"
cp "$T/out" "$T/kgz.html"
expect_out "Share of the positive net scores (%)" "share chart names its y axis and unit"
expect_out "Net score (points; below 0: friction)" "net chart names its y axis and unit"
expect_out "Quarter (n = events behind it; hollow: fewer than 3)" "x axis named"
expect_out "<title>2024-Q3: few events</title>" "low quarter on a grey band"
zero=$(grep -o '<line [^>]*stroke="#55606b" stroke-width="1.5"/>' "$T/kgz.html" | head -1 | sed 's/.*y1="\([0-9.]*\)".*/\1/')
pt=$(grep -o '<circle [^>]*><title>West 2024-Q3: -6.5 (n = 1, few events)</title>' "$T/kgz.html" | head -1)
[ -n "$zero" ] && ok || fail "net chart has a zero line"
cy=$(echo "$pt" | sed 's/.*cy="\([0-9.]*\)".*/\1/')
[ -n "$pt" ] && awk -v z="$zero" -v y="$cy" 'BEGIN { exit !(y > z + 50) }' && ok || fail "negative net drawn below the zero line (zero $zero, point $cy)"
echo "$pt" | grep -q 'fill="#ffffff"' && ok || fail "low-coverage point is hollow"
# n under the axis: 1 event in 2024-Q3 and 2024-Q4
grep -q '<text [^>]*font-weight="bold">' "$T/kgz.html" && fail "no quarter of KGZ reaches 3 events: none bold" || ok
[ "$(grep -c '<text x="[0-9.]*" y="[0-9]*" font-size="11" text-anchor="middle" fill="#8a939c">1</text>' "$T/kgz.html")" = 4 ] \
  && ok || fail "n = 1 printed under both quarters of both charts"
# the coverage panel in HTML
grep -qF "<h2>Coverage</h2>" "$T/kgz.html" && ok || fail "html coverage panel"

# the bundled dataset: KGZ 2025-Q3 is negative (the Capital Bank sanctions),
# every state's axis starts at 2022-Q1, the panel counts the curated events
MDB="$T/main.db"
"$CAW" -q --db "$MDB" init
"$CAW" --db "$MDB" run "$R" -o "$T/main.md"
for c in "Kazakhstan (KAZ)" "Kyrgyzstan (KGZ)" "Tajikistan (TJK)" "Turkmenistan (TKM)" "Uzbekistan (UZB)"; do
  awk -v h="## $c" '$0 == h { on = 1; next } /^## / { on = 0 } on' "$T/main.md" | grep '^| 20' | head -1 | grep -q '^| 2022-Q1 |' \
    && ok || fail "$c starts at 2022-Q1"
done
awk -v h="## Kyrgyzstan (KGZ)" '$0 == h { on = 1; next } /^## / { on = 0 } on' "$T/main.md" >"$T/main_kgz.md"
# (caw score --explain: West -6.5 UK sanction + 0 Japarov's statement;
# China and Russia 2.1 each from the Tianjin SCO summit, 7 x 0.3; three
# events; a negative net gives the West a 0% share)
grep -qF "| 2025-Q3 | 0.0% | 50.0% | 50.0% | -6.5 | 2.1 | 2.1 | 3 |  |" "$T/main_kgz.md" && ok || fail "KGZ 2025-Q3: $(grep '2025-Q3 | [0-9]' "$T/main_kgz.md")"
grep -qF "| 2025-Q3 | West | -6.5 | 2025-08-20 | UK sanctions Kyrgyzstan's state-owned Capital Bank of Central Asia and crypto firms |" "$T/main_kgz.md" && ok || fail "the sanction heads KGZ 2025-Q3"
# TJK 2023-Q1 rests on two events (Blinken's Astana ministerial, 3.182249;
# the ES-11/6 vote, China 1.5): 68.0% West, flagged
awk -v h="## Tajikistan (TJK)" '$0 == h { on = 1; next } /^## / { on = 0 } on' "$T/main.md" >"$T/main_tjk.md"
grep -qF "| 2023-Q1 | 68.0% | 32.0% | 0.0% | 3.182 | 1.5 | 0 | 2 | low: 2 of 3 |" "$T/main_tjk.md" && ok || fail "TJK 2023-Q1 flagged: $(grep '2023-Q1 | [0-9]' "$T/main_tjk.md")"
grep -q '| 0 | 20[0-9-]* |' "$T/main.md" && fail "a top event with score 0 in the bundled report: $(grep '| 0 | 20[0-9-]* |' "$T/main.md" | head -2)" || ok
grep -q '| -*[0-9]*\.[0-9]\{4,\} |' "$T/main.md" && fail "a figure with more than 3 decimals: $(grep -o '| -*[0-9]*\.[0-9]\{4,\} |' "$T/main.md" | head -2)" || ok
# 220 of the bundled events name a Central Asian state (or C5) and a pole
grep -qF "| All states | 220 | 0 | 0 | 0 | 220 |" "$T/main.md" && ok || fail "bundled coverage by source kind: $(grep '^| All states' "$T/main.md")"

# GDELT and ICEWS events count as such in the panel (caw's own fixtures)
IDB="$T/imported.db"
"$CAW" -q --db "$IDB" init --empty
"$CAW" -q --db "$IDB" import --where ca "$CAW_SRC/tests/data/icews_sample.tab" >/dev/null
"$CAW" -q --db "$IDB" import --where ca "$CAW_SRC/tests/data/gdelt2_sample.tsv" >/dev/null
run "$CAW" --db "$IDB" run "$R"
expect_rc 0 "report on GDELT and ICEWS events"
expect_out "| All states | 0 | 3 | 3 | 0 | 6 |" "GDELT and ICEWS events counted by source kind"
finish

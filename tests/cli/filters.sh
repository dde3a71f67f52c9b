#!/bin/bash
# Strict, consistent filters (issue 10, items 6 and 7): an unknown actor,
# type or tag is a usage error (exit 64) naming the closest known values,
# in `caw events`, `caw score`, both reports and caw.events{}; codes match
# whatever their case when that is unambiguous; every --from, --to and
# --explain takes 2024, 2024-Q2, 2024-34, 2024-06, 2024-06-13 and EDTF
# intervals; --explain rows carry the event id; --compare says Δ = B − A.
. "$(dirname "$0")/lib.sh"

DB="$T/main.db"
"$CAW" -q --db "$DB" init
before=$(digest "$DB")

# ---- unknown values ----
run "$CAW" --db "$DB" events --actor XYZ
expect_rc 64 "events --actor XYZ"
expect_err "unknown actor 'XYZ' (closest: " "names the unknown actor and the closest codes"
run "$CAW" --db "$DB" events --type meetings
expect_rc 64 "events --type meetings"
expect_err "unknown type 'meetings' (closest: meeting," "the closest type first"
run "$CAW" --db "$DB" events --tag no-such-tag
expect_rc 64 "events --tag no-such-tag"
expect_err "unknown tag 'no-such-tag' (closest: " "names the unknown tag"
run "$CAW" --db "$DB" run -e 'for e in caw.events{actor = "XYZ"} do print(e.id) end'
expect_rc 64 "caw.events{actor = 'XYZ'}"
expect_err "unknown actor 'XYZ'" "caw.events names the unknown actor"
run "$CAW" --db "$DB" run -e 'print(caw.known("type", "SUMMIT"), caw.known("actor", "kgz"))'
expect_rc 0 "caw.known"
expect_out "summit	KGZ" "caw.known gives the stored spelling"
run "$CAW" --db "$DB" score --country XYZ
expect_rc 64 "score --country XYZ"
expect_err "unknown actor 'XYZ' (closest: " "score names the unknown actor"
run "$CAW" --db "$DB" score --country RUS
expect_rc 64 "score --country RUS (not a Central Asian state)"
for r in alignment_report funding_report; do
  run "$CAW" --db "$DB" run "$CAW_SRC/plugins/$r.lua" --country XYZ
  expect_rc 64 "$r --country XYZ"
  expect_err "unknown actor 'XYZ' (closest: " "$r names the unknown actor"
done
[ "$(digest "$DB")" = "$before" ] && ok || fail "usage errors changed the database"

# ---- case ----
"$CAW" --db "$DB" events --actor KAZ --format csv >"$T/upper.csv"
run "$CAW" --db "$DB" events --actor kaz --format csv
expect_rc 0 "events --actor kaz"
cmp -s "$T/out" "$T/upper.csv" && ok || fail "--actor kaz lists what --actor KAZ lists"
[ "$(wc -l <"$T/upper.csv")" -gt 20 ] && ok || fail "KAZ has events"
run "$CAW" --db "$DB" events --type Summit --format csv
expect_rc 0 "events --type Summit"
[ "$(grep -c ',summit,' "$T/out")" -ge 5 ] && ok || fail "--type Summit lists the summits"
"$CAW" --db "$DB" score --country KAZ --format csv >"$T/kaz.csv"
run "$CAW" --db "$DB" score --country kaz --format csv
expect_rc 0 "score --country kaz"
cmp -s "$T/out" "$T/kaz.csv" && ok || fail "score --country kaz = --country KAZ"
run "$CAW" --db "$DB" run "$CAW_SRC/plugins/alignment_report.lua" --country kaz
expect_rc 0 "alignment report --country kaz"
expect_out "## Kazakhstan (KAZ)" "report for kaz is KAZ's"

# ---- one period syntax ----
for f in 2024-Q2 2024q2 2024-34 2024-04; do
  run "$CAW" --db "$DB" events --from "$f" --to 2024-06-30 --format csv
  expect_rc 0 "events --from $f"
  cp "$T/out" "$T/events_$f.csv"
done
cmp -s "$T/events_2024-Q2.csv" "$T/events_2024-34.csv" && cmp -s "$T/events_2024-Q2.csv" "$T/events_2024-04.csv" \
  && cmp -s "$T/events_2024-Q2.csv" "$T/events_2024q2.csv" && ok || fail "events: 2024-Q2, 2024q2, 2024-34 and 2024-04 start at the same day"
grep -q '^2024-06-us-c5-tifa-council-astana,' "$T/events_2024-Q2.csv" && ok || fail "events --from 2024-Q2 lists June 2024"
grep -q '^2024-03' "$T/events_2024-Q2.csv" && fail "events --from 2024-Q2 lists March 2024" || ok
run "$CAW" --db "$DB" events --from 2024-Q2/2024-Q3 --to 2024-Q2/2024-Q3 --certain --format csv
expect_rc 0 "events with quarter intervals"
grep -q '^2024-07-sco-summit-astana,' "$T/out" && ok || fail "a quarter interval reaches into Q3"
run "$CAW" --db "$DB" score --country KGZ --from 2024-Q2 --to 2024-Q2 --format csv
expect_rc 0 "score --from 2024-Q2"
[ "$(sed 1d "$T/out" | cut -d, -f2 | sort -u | tr -d '\r')" = "2024-Q2" ] && ok || fail "score --from 2024-Q2 --to 2024-Q2 gives 2024-Q2 only: $(cat "$T/out")"
run "$CAW" --db "$DB" run "$CAW_SRC/plugins/alignment_report.lua" --country KGZ --from 2024-Q2 --to 2024-Q3
expect_rc 0 "report --from 2024-Q2"
# KGZ 2024-Q2 West net = 8 (EPCA) + 1.344 (TIFA) - 1.3 (EU 14th package)
# + 0.703054 (Cameron: 1.9 x 0.6 minister x 0.6 C5+1 x 0.8 certainty x
# money 1 + 0.25 log10(1 + 12.781186), KGZ's fifth of GBP 50m at 0.7824
# a USD = 1.284822) + 0.464117 (EU summit announcement) = 9.211171;
# China 4.8 (railway) + 1.26 + 1.26 (SCO defence and foreign ministers
# in Astana) = 7.32; Russia 1.68 (gas transit deal) + 1.493333 (Victory
# Day) + 1.26 + 1.26 (the two SCO meetings) = 5.693333; West share
# 9.211171 / 22.224504 = 41.4%
expect_out "| 2024-Q2 | 41.4%" "report from 2024-Q2"
expect_not_out "| 2024-Q1 |" "report from 2024-Q2 leaves 2024-Q1 out"
run "$CAW" --db "$DB" run "$CAW_SRC/plugins/funding_report.lua" --from 2024-Q2 --to 2024-Q3
expect_rc 0 "funding report --from 2024-Q2"
for f in 2024-Q2 2024-34 2024-05 2024-06-13 2024-04/2024-05; do
  run "$CAW" --db "$DB" score --country KGZ --explain "$f" --format csv
  expect_rc 0 "--explain $f"
  cp "$T/out" "$T/explain_$(echo "$f" | tr / _).csv"
done
for f in 2024-34 2024-05 2024-06-13 2024-04_2024-05; do
  cmp -s "$T/explain_2024-Q2.csv" "$T/explain_$f.csv" && ok || fail "--explain $f is --explain 2024-Q2"
done
grep -q '^contribution,KGZ,2024-Q2,' "$T/explain_2024-Q2.csv" && ok || fail "--explain 2024-Q2 explains 2024-Q2"
run "$CAW" --db "$DB" score --country KGZ --explain 2024
expect_rc 64 "--explain 2024 with quarters"
expect_err "'2024' spans more than one quarter (2024-Q1 to 2024-Q4)" "says why"
run "$CAW" --db "$DB" score --country KGZ --explain 2024-Q2 --period year --format csv
expect_rc 0 "--explain 2024-Q2 with --period year"
grep -q '^total,KGZ,2024,' "$T/out" && ok || fail "--explain 2024-Q2 --period year explains the year 2024"
run "$CAW" --db "$DB" events --from 2024-Q5
expect_rc 64 "events --from 2024-Q5"
expect_err "2024-Q2, 2024-34" "a bad date lists the forms"
run "$CAW" --db "$DB" score --from 2024-Q5
expect_rc 64 "score --from 2024-Q5"
expect_err "2024-Q2, 2024-34" "score lists the forms"

# ---- --explain shows the event id; --compare says Δ = B − A ----
run "$CAW" --db "$DB" score --country KGZ --explain 2024-Q2
expect_rc 0 "explain table"
expect_out "EVENT ID" "explain table has an event id column"
grep -q '2024-06-25  *2024-06-eu-kgz-epca-signed ' "$T/out" && ok || fail "explain row shows the event id: $(grep '2024-06-25' "$T/out" | head -1)"
run "$CAW" --db "$DB" score --country KAZ --from 2023-Q2 --to 2023-Q2 --compare alignment --compare-set w_summit=2
expect_rc 0 "compare table"
expect_out "Δ = B − A" "compare says how Δ is taken"
expect_out "Δ SHARE = B − A (PTS)" "compare labels the share difference"
expect_out "Δ NET = B − A" "compare labels the net difference"
finish

#!/bin/bash
# The alignment report (issue 4): per state, each pole's share per quarter
# as a table and an SVG line chart, with the top contributing events and
# their sources; Markdown, CSV, JSON and one self-contained HTML page,
# byte-identical from run to run, every text escaped.
. "$(dirname "$0")/lib.sh"

R="$CAW_SRC/plugins/alignment_report.lua"
DB="$T/main.db"
"$CAW" -q --db "$DB" init

for f in md csv json html; do
  "$CAW" --db "$DB" run "$R" --format $f -o "$T/r1.$f"
  "$CAW" --db "$DB" run "$R" --format $f -o "$T/r2.$f"
  cmp -s "$T/r1.$f" "$T/r2.$f" && ok || fail "$f report differs between two runs"
  [ -s "$T/r1.$f" ] && ok || fail "$f report is empty"
done

# Markdown: a section per state, the share table and the top events
for c in "Kazakhstan (KAZ)" "Kyrgyzstan (KGZ)" "Tajikistan (TJK)" "Turkmenistan (TKM)" "Uzbekistan (UZB)"; do
  grep -qF "## $c" "$T/r1.md" && ok || fail "markdown has a section for $c"
done
grep -qF "| Quarter | West share | China share | Russia share | West net | China net | Russia net | Events | Coverage |" "$T/r1.md" \
  && ok || fail "markdown share table header"
# the figures are those of caw score
"$CAW" --db "$DB" score --country UZB --format csv | tr -d '\r' >"$T/uzb.csv"
# (the figures of score_bundled.sh, checked by hand there)
grep -q "^UZB,2025-Q4,WEST,0.400649,10.347932," "$T/uzb.csv" && ok || fail "caw score UZB 2025-Q4"
awk '/^## Uzbekistan/ { on = 1 } /^## / && !/Uzbekistan/ { on = 0 } on' "$T/r1.md" >"$T/uzb.md"
# (at most 3 decimals in Markdown: 10.347932 -> 10.348, 5.940000 -> 5.94;
# ten events, not fewer than min_events = 3: not flagged)
grep -qF "| 2025-Q4 | 40.1% | 23.0% | 36.9% | 10.348 | 5.94 | 9.54 | 10 |  |" "$T/uzb.md" \
  && ok || fail "markdown UZB 2025-Q4 row matches caw score: $(grep '^| 2025-Q4 | [0-9]' "$T/uzb.md")"
grep -qF "| 2025-Q4 | West | 8.971 | 2025-11-06 | C5+1 summit at the White House with Donald Trump | [TAG24](https://www.tag24.com/" "$T/uzb.md" \
  && ok || fail "top event with its source in the UZB section"
# a quarter without events is a gap (the bundled data has none: a fixture)
GDB="$T/gap.db"
"$CAW" -q --db "$GDB" init --empty
cat >"$T/gap.json" <<'JSON'
{"caw": 1, "actors": [{"code": "KAZ", "name": "Kazakhstan", "kind": "state"},
                      {"code": "USA", "name": "United States", "kind": "state"}],
 "events": [
  {"id": "t-gap-1", "date": "2024-02-01", "type": "visit", "title": "Visit one",
   "actors": [{"code": "USA", "role": "initiator"}, {"code": "KAZ", "role": "host"}],
   "sources": [{"url": "https://example.org/1"}]},
  {"id": "t-gap-3", "date": "2024-08-01", "type": "visit", "title": "Visit three",
   "actors": [{"code": "USA", "role": "initiator"}, {"code": "KAZ", "role": "host"}],
   "sources": [{"url": "https://example.org/3"}]}]}
JSON
"$CAW" -q --db "$GDB" import "$T/gap.json"
"$CAW" --db "$GDB" run "$R" --country KAZ -o "$T/gap.md"
grep -qF "| 2024-Q2 | – | – | – |" "$T/gap.md" && ok || fail "a quarter without events is shown as a gap: $(grep '2024-Q2' "$T/gap.md")"

# CSV and JSON carry the same figures and the top events
grep -q '^UZB,2025-Q4,WEST,0.400649,10.347932,13.814599,-3.466667,17.281266,5,2025-11-us-c5-summit-white-house 8.971284 https://www.tag24.com/' "$T/r1.csv" \
  && ok || fail "CSV row with top event: $(grep '^UZB,2025-Q4,WEST' "$T/r1.csv")"
tr -d ' \t\n' <"$T/r1.json" | grep -qF '"event_id":"2025-11-us-c5-summit-white-house"' && ok || fail "JSON lists the top events"

# HTML: self-contained, one line chart per state
[ "$(grep -c '<svg' "$T/r1.html")" = 10 ] && ok || fail "HTML has two charts per state (share and net)"
grep -q '<polyline' "$T/r1.html" && ok || fail "HTML charts have lines"
grep -q 'src=\|<script\|<link' "$T/r1.html" && fail "HTML report loads something external" || ok

# filters and options
run "$CAW" --db "$DB" run "$R" --country KAZ --from 2024 --to 2024 --top 1 --set w_summit=2
expect_rc 0 "filtered report"
expect_out "Filters: rule alignment, parameters w_summit=2, per quarter, from 2024, to 2024, state KAZ." "filters are stated"
expect_not_out "## Uzbekistan" "only KAZ"
expect_not_out "| 2023-Q4 |" "only 2024"
[ "$(grep -c '^| 2024-Q3 | ' "$T/out")" = 2 ] && ok || fail "--top 1: one event per quarter (plus the share row)"
run "$CAW" --db "$DB" run "$R" --period year --country TJK
expect_rc 0 "yearly report"
expect_out "| Year | West share |" "yearly table"
run "$CAW" --db "$DB" run "$R" --country XYZ
expect_rc 64 "bad --country"
run "$CAW" --db "$DB" run "$R" --set nosuch=1
expect_rc 64 "unknown rule parameter"
expect_err "unknown parameter 'nosuch'" "report names the unknown parameter"

# every text that reaches HTML is escaped
SDB="$T/small.db"
"$CAW" -q --db "$SDB" init --empty
"$CAW" -q --db "$SDB" import "$CAW_SRC/tests/data/score_small.json" >/dev/null
"$CAW" --db "$SDB" run "$R" --format html -o "$T/small.html"
grep -q "<b>&amp;" "$T/small.html" && fail "raw markup from a title in HTML" || ok
grep -qF "UK official meets Tajikistan &lt;b&gt;&amp;amp; friends&lt;/b&gt;" "$T/small.html" && ok || fail "title escaped in HTML"
grep -qF 'href="https://example.org/s14?a=1&amp;b=&lt;2&gt;"' "$T/small.html" && ok || fail "source URL escaped in HTML"
"$CAW" --db "$SDB" run "$R" -o "$T/small.md"
grep -qF 'UK official meets Tajikistan \<b\>&amp; friends\</b\>' "$T/small.md" && ok || fail "title escaped in Markdown: $(grep 'UK official' "$T/small.md")"
finish

#!/bin/bash
# End to end (issue 3): in a fresh copy of the source tree, the README's
# first command builds caw and prints the funding report, which holds the
# UK three-year commitment with its per-year figure and its sources.
# Then: determinism, formats, filters and HTML escaping.
. "$(dirname "$0")/lib.sh"

cmd=$(grep -m1 -E '^scripts/setup && ' "$CAW_SRC/README.md")
[ -n "$cmd" ] && ok || fail "README has no 'scripts/setup && ...' command"
mkdir -p "$T/src"
(cd "$CAW_SRC" && tar cf - --exclude='./build*' --exclude=./.git .) | (cd "$T/src" && tar xf -)
run bash -c "cd '$T/src' && $cmd"
expect_rc 0 "README first command"
expect_out "# Funding and investment commitments to Central Asia" "report title"
# the UK's GBP 50m of 2024 at the Federal Reserve's 2024 average (0.7824 a
# USD, lib/rates.lua): 50,000,000 / 0.7824 = $63,905,930.47, a third of it
# a year over 2024-2026 = $21,301,976.82
expect_out "| 2024 | West | GBR | C5 | commitment | GBP 50,000,000 | split equally among 5 states | \$63.91m | 2024/2026 | \$21.30m a year over 36 months (Jan 2024 – Dec 2026) |" "UK three-year commitment, converted at the 2024 rate"
expect_not_out "## Not converted" "every line of the bundled data has a rate"
# the per-year figure of a multi-year line: USD 35bn over 36 months
# (2025-11 to 2028-10) = 35,000m * 12 / 36 = 11,666.67m a year
expect_out "| \$11,666.67m a year over 36 months (Nov 2025 – Oct 2028) |" "per-year figure over whole months, with the months spanned"
expect_out "[The Astana Times](https://astanatimes.com/2024/04/british-foreign-secretary-to-visit-kazakhstan-this-week/)" "UK commitment lists its news source"
expect_out "USD 62,500,000" "the seed article's \$62.5m figure is shown beside it"
expect_err "from the bundled dataset" "first run says it created the database"

DB="$T/main.db"
"$CAW" --db "$DB" init -q
# deterministic: the same database gives byte-identical reports
for f in md csv json html; do
  "$CAW" --db "$DB" run "$CAW_SRC/plugins/funding_report.lua" --format $f -o "$T/r1.$f"
  "$CAW" --db "$DB" run "$CAW_SRC/plugins/funding_report.lua" --format $f -o "$T/r2.$f"
  cmp -s "$T/r1.$f" "$T/r2.$f" && ok || fail "$f report differs between two runs"
  [ -s "$T/r1.$f" ] && ok || fail "$f report is empty"
done
grep -q '^2024,WEST,GBR,C5,true,inward,commitment,firm,,firm,50000000.00,GBP,1,split,50000000.00,0.782[34][0-9]*,63905930.47,63905930.47,,,2024/2026,2024 2025 2026,21301976.82,2024-04-uk-cameron-c5-visit,' "$T/r1.csv" && ok || fail "CSV row for the UK commitment: $(grep GBR "$T/r1.csv")"
grep -q '<svg' "$T/r1.html" && ok || fail "HTML report has an SVG chart"
grep -q '<rect' "$T/r1.html" && ok || fail "HTML chart has bars"
grep -q 'src=\|<script\|<link' "$T/r1.html" && fail "HTML report loads something external" || ok

# filters: by recipient country and date range
run "$CAW" --db "$DB" run "$CAW_SRC/plugins/funding_report.lua" --from 2023 --to 2024 --country KAZ
expect_rc 0 "filtered report"
expect_out "Filters: from 2023, to 2024, recipient KAZ." "filters are stated"
expect_out "| 2023 | West | EU | KAZ | commitment | EUR 9,000,000 |" "KAZ-only commitment"
expect_out "GBP 50,000,000" "regional package shared by KAZ"
expect_not_out "| 2025 | West |" "no 2025 commitments in a 2023-2024 report"
expect_not_out "| 2025 | China |" "no 2025 Chinese commitments in a 2023-2024 report"
expect_not_out "UZB | investment" "UZB-only commitment left out"
run "$CAW" --db "$DB" run "$CAW_SRC/plugins/funding_report.lua" --country XYZ
expect_rc 64 "bad --country"
run "$CAW" --db "$DB" run "$CAW_SRC/plugins/funding_report.lua" --help
expect_rc 0 "report --help"
expect_out "--country CODE" "report --help lists its options"

# every title that reaches HTML is escaped
cat >"$T/evil.json" <<'JSON'
{"caw": 1, "events": [
 {"id": "t-evil", "date": "2024-05", "type": "funding",
  "title": "<script>alert('x')</script> & \"quoted\"",
  "actors": [{"code": "CHN", "role": "initiator"}, {"code": "KAZ", "role": "target"}],
  "money": [{"amount": 1000000, "currency": "CNY", "kind": "pledge", "source": 1}],
  "sources": [{"url": "javascript:alert(1)", "publisher": "<b>Bold</b>"}]}]}
JSON
"$CAW" --db "$DB" import -q "$T/evil.json"
"$CAW" --db "$DB" run "$CAW_SRC/plugins/funding_report.lua" --format html -o "$T/evil.html"
grep -q "<script>" "$T/evil.html" && fail "raw <script> in HTML" || ok
grep -q "<b>Bold" "$T/evil.html" && fail "raw <b> in HTML" || ok
grep -q 'href="javascript:' "$T/evil.html" && fail "javascript: URL in an href" || ok
grep -qF '&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;' "$T/evil.html" && ok || fail "title not escaped as expected"
finish

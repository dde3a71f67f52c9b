#!/bin/bash
# End to end (issue 10): the funding report and `caw score` share one
# money rule (lib/money.lua): a regional package is split among its
# members, so the KAZ funding figure is KAZ's share in `caw score`; firm
# money and pledges are kept apart; outward money is listed apart; a line
# without an exchange rate is listed as not converted in every format and
# `caw score` warns about it; USD is never provisional.
. "$(dirname "$0")/lib.sh"
FR="$CAW_SRC/plugins/funding_report.lua"

# --- the bundled data: KAZ in 2024, figures checked by hand ---
BDB="$T/bundled.db"
"$CAW" --db "$BDB" init -q
run "$CAW" --db "$BDB" run "$FR" --country KAZ --from 2024 --to 2024
expect_rc 0 "funding report on the bundled data"
# West: KAZ's fifth of the EU's EUR 10bn (Global Gateway transport forum):
# 10,000,000,000 / 0.924 / 5 = 2,164.502165m, and KAZ's fifth of the UK's
# GBP 50m at 0.7824 a USD: 50,000,000 / 0.7824 / 5 = 12.781186m; together
# 2,177.283351m. Russia: the USD 2.7bn loan for three CHP plants, whole.
expect_out "| West | 2 | \$2,177.28m | – |" "bundled KAZ 2024: West"
expect_out "| Russia | 1 | \$2,700.00m | – |" "bundled KAZ 2024: Russia"

# --- tests/data/funding_lines.json: the eleven events with money (fifteen
# lines, eleven primary) that the bundled dataset held before its 2026
# additions; figures checked by hand ---
"$CAW" --db "$T/registry.db" init -q
"$CAW" --db "$T/registry.db" export --format jsonl | grep '"actor"' >"$T/actors.jsonl"
DB="$T/main.db"
"$CAW" --db "$DB" init --empty -q
"$CAW" -q --db "$DB" import "$T/actors.jsonl" "$CAW_SRC/tests/data/funding_lines.json"

run "$CAW" --db "$DB" run "$FR"
expect_rc 0 "funding report"
expect_out "The headline counts money flowing into Central Asia only" "the headline says what it counts"
expect_out "| Pole | Lines | Firm (commitments, disbursements) | Pledged or announced (pledges, investments) |" \
  "firm money and pledges in separate columns"
# West firm: USD 25m (2022 ERICEN) + USD 25m (2023 ERICEN) + EUR 9m / 0.9245
# (2023) = 9.734992m + EUR 10bn / 0.924 (2024) = 10,822.510823m + GBP 50m
# / 0.7824 (2024, the UK) = 63.905930m = 10,946.151745m (5 lines).
# Announced: EUR 12bn / 0.8845 (2025) = 13,566.986998m (EU pledge) + EUR
# 3bn / 0.8845 = 3,391.746750m (Italy's investment in UZB) = 16,958.733748m
expect_out "| West | 7 | \$10,946.15m | \$16,958.73m |" "West headline: firm money and pledges apart"
# China: CNY 26bn / 7.0809 (2023) = 3,671.849624m + CNY 1.5bn / 7.1875
# (2025) = 208.695652m = 3,880.545276m, both pledges
expect_out "| China | 2 | – | \$3,880.55m |" "China headline: pledges, not firm money"
# Russia: USD 400m investment in UZB, announced
expect_out "| Russia | 1 | – | \$400.00m |" "Russia headline: announced investment"
# the 2025 column appears now that 2025 pledges convert; no West commitment in 2025
# 2024: 10,822.510823 + 63.905930 = 10,886.416753m
expect_out "| West | commitment | \$25.00m | \$34.73m | \$10,886.42m | – | \$10,946.15m |" "West by kind and year"
# by recipient: KAZ = 5 + 5 + 9.734992 + 10,822.510823 / 5 + 63.905930 / 5
# = 2,197.018343m firm; (3,671.849624 + 208.695652 + 13,566.986998) / 5
# = 3,489.506455m pledged
expect_out "| KAZ | \$2,197.02m | \$3,489.51m |" "KAZ's part of every line, split"
# UZB: the same split, plus Russia's USD 400m and Italy's 3,391.746750m:
# 3,489.506455 + 400 + 3,391.746750 = 7,281.253205m; firm 5 + 5 +
# 10,822.510823 / 5 + 63.905930 / 5 = 2,187.283351m
expect_out "| UZB | \$2,187.28m | \$7,281.25m |" "UZB's part, with its own lines"
# direction as stated: Uzbekistan invests in the US; listed apart, not counted
expect_out "## Money from Central Asian states to partners (not counted above)" "outward money listed apart"
expect_out "| 2025 | West | UZB | USA | investment | USD 35,000,000,000 | – | \$35,000.00m |" "UZB→USA as stated, USD never provisional"
expect_not_out "provisional 2025 rate" "no provisional note on a USD line"
# every line of the fixture has a rate; a line without one (KGS 2025) is
# checked in every format below
expect_not_out "## Not converted" "no section of unconverted lines when every line converts"

# --- KAZ: the funding figure is KAZ's share in `caw score` ---
run "$CAW" --db "$DB" run "$FR" --country KAZ
expect_rc 0 "funding report --country KAZ"
# the same lines, KAZ's part: 5 + 5 + 9.734992 + 2,164.502165 + 12.781186
# (the UK's GBP 50m / 0.7824 / 5) = 2,197.018343m firm; 13,566.986998 / 5
# = 2,713.397400m announced
expect_out "| West | 6 | \$2,197.02m | \$2,713.40m |" "KAZ headline, West"
# (3,671.849624 + 208.695652) / 5 = 776.109055m
expect_out "| China | 2 | – | \$776.11m |" "KAZ headline, China: CNY 26bn / 7.0809 / 5 + CNY 1.5bn / 7.1875 / 5"
expect_out "‡ the figure is this state's part of a regional package." "split figures are marked and explained"
expect_out "| split 1/5 of EUR 10,000,000,000 | \$2,164.50m‡ |" "the EU package: KAZ's fifth"
"$CAW" --db "$DB" run "$FR" --country KAZ --format csv -o "$T/kaz.csv"
# EUR 10bn / 0.924 (2024) / 5 = 2,164,502,164.50
fr=$(grep '^2024,WEST,EU,C5,' "$T/kaz.csv" | tr -d '\r' | cut -d, -f17)
[ "$fr" = "2164502164.50" ] && ok || fail "funding report KAZ share of the EU package: '$fr'"
run "$CAW" --db "$DB" score --country KAZ --period year --explain 2024 --format csv
expect_rc 0 "score --explain"
tr -d '\r' <"$T/out" >"$T/explain.csv" && cp "$T/explain.csv" "$T/out"
sc=$(grep '2024-01-eu-global-gateway-transport-investors-forum' "$T/out" | awk -F, '{ print $NF }')
[ "$sc" = "$fr" ] && ok || fail "caw score uses KAZ's share $sc, the funding report $fr"
head -1 "$T/out" | grep -q ',money_stated,money_currency,money_share,money_year,money_rate,money_usd$' && ok ||
  fail "explain CSV has the money columns: $(head -1 "$T/out")"
grep -q '2024-01-eu-global-gateway.*,10000000000.00,EUR,0.2,2024,0.924,2164502164.50$' "$T/out" && ok ||
  fail "explain row: stated amount, currency, share, year, rate and USD: $(grep 2024-01-eu-global "$T/out")"
run "$CAW" --db "$DB" score --country KAZ --period year --explain 2024
expect_out "10,000,000,000  EUR  1/5    2024  0.924   \$2,164.50m" "explain table shows the money columns"
expect_out "50,000,000      GBP  1/5    2024  0.7824  \$12.78m" "explain table: the UK's line at the 2024 GBP rate"

# --- a line in a currency-year without a rate: never silent ---
cat >"$T/kgs.json" <<'JSON'
{"caw": 1, "events": [
 {"id": "t-kgs-grant", "date": "2025-12-15", "type": "funding", "title": "EU grant to Kyrgyzstan in som",
  "actors": [{"code": "EU", "role": "initiator"}, {"code": "KGZ", "role": "target"}],
  "money": [{"amount": 500000000, "currency": "KGS", "kind": "commitment", "provider": "EU", "recipient": "KGZ", "source": 1}],
  "sources": [{"url": "https://example.org/kgs", "publisher": "Example Wire"}]},
 {"id": "t-usd-grant", "date": "2025-12-16", "type": "funding", "title": "US grant to Kazakhstan",
  "actors": [{"code": "USA", "role": "initiator"}, {"code": "KAZ", "role": "target"}],
  "money": [{"amount": 10000000, "currency": "USD", "kind": "disbursement", "provider": "USA", "recipient": "KAZ", "source": 1}],
  "sources": [{"url": "https://example.org/usd", "publisher": "Example Wire"}]}]}
JSON
"$CAW" --db "$DB" import -q "$T/kgs.json"
for f in md csv json html; do
  "$CAW" --db "$DB" run "$FR" --from 2025-12 --to 2025-12 --format $f -o "$T/kgs-report.$f"
done
grep -qF -- "- t-kgs-grant (2025-12-15, EU to KGZ): KGS 500,000,000 commitment, no KGS rate for 2025 in lib/rates.lua; not counted in any total" "$T/kgs-report.md" \
  && ok || fail "Markdown lists the KGS line as not converted: $(grep -A3 'Not converted' "$T/kgs-report.md")"
grep -qF "| 2025 | West | EU | KGZ | commitment | KGS 500,000,000 | whole | not converted |" "$T/kgs-report.md" && ok || fail "the KGS row says not converted"
grep -qF "| West | 1 | \$10.00m | – |" "$T/kgs-report.md" && ok || fail "only the USD disbursement is counted: $(grep '| West |' "$T/kgs-report.md")"
grep -q '^2025,WEST,EU,KGZ,false,inward,commitment,firm,,no: not converted,500000000.00,KGS,.*,no KGS rate for 2025 in lib/rates.lua,' "$T/kgs-report.csv" \
  && ok || fail "CSV row of the KGS line: $(grep KGS "$T/kgs-report.csv")"
head -1 "$T/kgs-report.csv" | grep -q '^# The headline counts money flowing into Central Asia only' && ok || fail "CSV says what the headline counts"
grep -q '"not_converted":\[{"amount":500000000,"currency":"KGS","event_id":"t-kgs-grant","reason":"no KGS rate for 2025 in lib/rates.lua","year":2025}\]' \
  <(tr -d '\t\n' <"$T/kgs-report.json") && ok || fail "JSON lists the KGS line as not converted"
grep -q '"headline":"The headline counts' <(tr -d '\t' <"$T/kgs-report.json") && ok || fail "JSON says what the headline counts"
grep -qF "<h2>Not converted</h2>" "$T/kgs-report.html" && ok || fail "HTML lists lines not converted"
grep -qF "t-kgs-grant (2025-12-15, EU to KGZ): KGS 500,000,000 commitment, no KGS rate for 2025" "$T/kgs-report.html" && ok || fail "HTML names the KGS line"
grep -qF "The headline counts money flowing into Central Asia only" "$T/kgs-report.html" && ok || fail "HTML says what the headline counts"
grep -q "†" "$T/kgs-report.md" && fail "a USD line is marked provisional" || ok
# caw score: one warning line on stderr naming the event
run "$CAW" --db "$DB" score --from 2025-12 --to 2025-12
expect_rc 0 "score with an unconverted line"
expect_err "caw: warning: event t-kgs-grant: KGS 500,000,000 (2025) not converted to USD, no KGS rate for 2025 in lib/rates.lua; its money is not counted" \
  "caw score warns about money it cannot convert"
[ "$(grep -c 'warning: event t-kgs-grant' "$T/err")" = 1 ] && ok || fail "one warning line for the event"
run "$CAW" --db "$DB" score --country KGZ --explain 2025-Q4 --format csv
tr -d '\r' <"$T/out" | grep -q 't-kgs-grant.*not counted: no KGS rate for 2025 in lib/rates.lua.*,500000000.00,KGS,1,2025,none,not converted$' \
  && ok || fail "explain shows the KGS line not converted: $(grep t-kgs "$T/out")"

# --- stated shares (allocation): the same rule in both tools ---
cat >"$T/alloc.json" <<'JSON'
{"caw": 1, "events": [
 {"id": "t-alloc", "date": "2026-03-10", "type": "funding", "title": "Regional water package with stated shares",
  "actors": [{"code": "USA", "role": "initiator"}, {"code": "C5", "role": "participant"}],
  "money": [{"amount": 100000000, "currency": "USD", "kind": "commitment", "instrument": "grant",
             "provider": "USA", "recipient": "C5", "allocation": {"KAZ": 40000000, "UZB": 10000000}, "source": 1}],
  "sources": [{"url": "https://example.org/alloc", "publisher": "Example Wire"}]}]}
JSON
"$CAW" --db "$DB" import -q "$T/alloc.json"
# KAZ: its stated USD 40m; KGZ, TJK, TKM: (100 - 40 - 10) / 3 = 16.666667m each
run "$CAW" --db "$DB" run "$FR" --from 2026 --to 2026
expect_out "| West | commitment (grant) | \$100.00m | \$100.00m |" "totals broken down by instrument"
expect_out "| KAZ | \$40.00m | – |" "KAZ gets its stated share"
expect_out "| TJK | \$16.67m | – |" "the rest split equally among the others"
expect_out "| UZB | \$10.00m | – |" "UZB gets its stated share"
expect_out "split among 5 states (2 stated shares)" "the row says the split follows stated shares"
run "$CAW" --db "$DB" run "$FR" --from 2026 --to 2026 --country KAZ
expect_out "| stated share of USD 100,000,000 | \$40.00m‡ |" "KAZ's row: its stated share"
run "$CAW" --db "$DB" run "$FR" --from 2026 --to 2026 --country TKM
expect_out "| 1/3 of the unstated rest of USD 100,000,000 | \$16.67m‡ |" "TKM's row: a third of the rest"
for c in KAZ TKM; do
  "$CAW" --db "$DB" run "$FR" --from 2026 --to 2026 --country $c --format csv -o "$T/a.csv"
  fr=$(grep '^2026,WEST,USA,C5,' "$T/a.csv" | tr -d '\r' | cut -d, -f17)
  run "$CAW" --db "$DB" score --country $c --explain 2026-Q1 --format csv
  sc=$(tr -d '\r' <"$T/out" | grep 't-alloc' | awk -F, '{ print $NF }')
  [ -n "$fr" ] && [ "$sc" = "$fr" ] && ok || fail "$c: caw score uses $sc, the funding report $fr"
done

# --- HTML: every note, axis titles ---
"$CAW" --db "$DB" run "$FR" --format html -o "$T/all.html"
"$CAW" --db "$DB" run "$FR" --format md -o "$T/all.md"
for h in "Not converted" "Notes" "Money from Central Asian states to partners (not counted above)"; do
  grep -qF "## $h" "$T/all.md" || continue
  grep -qF "<h2>$h</h2>" "$T/all.html" && ok || fail "HTML lacks the section '$h' the Markdown has"
done
grep -q 'USD per year (m = million, bn = billion)</text>' "$T/all.html" && ok || fail "chart's value axis is titled with its unit"
grep -q '>Year</text>' "$T/all.html" && ok || fail "chart's year axis is titled"
grep -q '<a href="[^"]*" title="[^"]*">\[1\]</a>' "$T/all.html" && ok || fail "sources collapse to numbered links"

# --- an analyst replaces the rule with a lib/money.lua of their own on
# CAW_PLUGIN_PATH: both the funding report and caw score follow it ---
mkdir -p "$T/myplugins/lib"
sed 's/^function M.split(m, code, ev, day)$/function M.split_equal(m, code, ev, day)/' "$CAW_SRC/plugins/lib/money.lua" >"$T/myplugins/lib/money.lua"
grep -q '^function M.split_equal(m, code, ev, day)$' "$T/myplugins/lib/money.lua" && ok || fail "lib/money.lua defines M.split as expected by this test"
# the replacement: the whole line to KAZ, nothing to the others
awk '/^return M$/ { print "function M.split(m, code, ev, day)"; print "  if code ~= \"C5\" then return M.split_equal(m, code, ev, day) end"; print "  return { { code = \"KAZ\", amount = m.amount, share = 1, basis = \"stated\", among = 1 } }, 0"; print "end" } { print }' \
  "$T/myplugins/lib/money.lua" >"$T/myplugins/lib/money.new" && mv "$T/myplugins/lib/money.new" "$T/myplugins/lib/money.lua"
cp "$FR" "$T/myplugins/funding_report.lua" # a plugin's own folder comes first on its path
CAW_PLUGIN_PATH="$T/myplugins" "$CAW" --db "$DB" run "$T/myplugins/funding_report.lua" --from 2026 --to 2026 >"$T/mine.md"
grep -qF "| KAZ | \$100.00m | – |" "$T/mine.md" && ok || fail "the report follows the analyst's rule: $(grep '^| KAZ' "$T/mine.md")"
CAW_PLUGIN_PATH="$T/myplugins" "$CAW" --db "$DB" score --country KAZ --explain 2026-Q1 --format csv | tr -d '\r' >"$T/mine.csv"
grep -q 't-alloc.*,100000000.00,USD,1,2026,1,100000000.00$' "$T/mine.csv" && ok || fail "caw score follows the analyst's rule: $(grep t-alloc "$T/mine.csv")"

finish

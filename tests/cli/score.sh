#!/bin/bash
# Alignment scoring (issue 4) on a small hand-made dataset
# (tests/data/score_small.json): exact scores worked out by hand for
# bilateral, hosted, C5+1, multilateral, UN vote, money, sanction and
# multi-quarter events; --explain adds up; --set changes exactly the
# figures it should; bad parameters, bad rules and malformed
# contributions fail with the documented codes and messages.
. "$(dirname "$0")/lib.sh"

DB="$T/small.db"
"$CAW" -q --db "$DB" init --empty
"$CAW" -q --db "$DB" import "$CAW_SRC/tests/data/score_small.json" >/dev/null
before=$(digest "$DB")

# CSV lines end in CRLF (RFC 4180); the checks below read them without CR
csv_out() { tr -d '\r' <"$T/out" >"$T/$1.csv"; cp "$T/$1.csv" "$T/out"; }
# JSON without its indentation
expect_json() { if tr -d ' \t\n' <"$T/out" | grep -qF -- "$1"; then ok; else fail "$2: JSON lacks '$1'"; fi; }

run "$CAW" --db "$DB" score --format csv
expect_rc 0 "score --format csv"
csv_out base

# row COUNTRY PERIOD POLE -> "share,net,positive,friction,volume,events"
row() { grep "^$1,$2,$3," "$T/${4:-base}.csv" | tr -d '\r' | cut -d, -f4-; }
expect_row() { # country period pole expected description [file]
  local got
  got=$(row "$1" "$2" "$3" "${6:-base}")
  if [ "$got" = "$4" ]; then ok; else fail "$5: $1 $2 $3 is '$got', expected '$4'"; fi
}
# fields of a row
net() { row "$@" | cut -d, -f2; }

# Hand computations (awk doubles, printed to the 6 places caw keeps).
# s01 CHN visits KAZ, heads, bilateral: Goldstein 042 = 1.9
# s03 UN vote: KAZ abstains, CHN abstains: a = 1, 5*(2a-1) = 5, UN => format 0.3: 1.5
#              KAZ vs USA yes: a = 0.5 -> 0; KAZ vs RUS no: a = 0.5 -> 0
# s02 KAZ head visits RUS (host): 043 = 2.8
# s06 USA-KAZ trade, ministers, 2023-03-01/2023-04-30~, confidence 0.45:
#     6.4 * 0.6 * 0.8 (~) * 0.45/0.9 = 1.536; 31 of 61 days in Q1, 30 in Q2
q1_trade=$(awk 'BEGIN { printf "%.6f", 6.4 * 0.6 * 0.8 * (0.45 / 0.9) * 31 / 61 }')
q2_trade=$(awk 'BEGIN { printf "%.6f", 6.4 * 0.6 * 0.8 * (0.45 / 0.9) * 30 / 61 }')
[ "$q1_trade" = "0.780590" ] && ok || fail "hand computation of the trade talks: $q1_trade"
share() { awk -v a="$1" -v b="$2" -v c="$3" 'BEGIN { printf "%.6f", a / (a + b + c) }'; }
expect_row KAZ 2023-Q1 WEST "$(share "$q1_trade" 3.4 2.8),$q1_trade,$q1_trade,0.000000,$q1_trade,2" \
  "multi-quarter event: Q1 share of the days, plus a vote scoring 0"
expect_row KAZ 2023-Q1 CHN "$(share 3.4 "$q1_trade" 2.8),3.400000,3.400000,0.000000,3.400000,2" \
  "bilateral visit 1.9 + agreeing UN vote 1.5"
expect_row KAZ 2023-Q1 RUS "$(share 2.8 "$q1_trade" 3.4),2.800000,2.800000,0.000000,2.800000,2" \
  "hosted visit (043) + disagreeing vote"
# s05 EU-KAZ agreement 057 = 8, EUR 9m at 0.9245 EUR/USD (2023, lib/rates.lua:
#     Federal Reserve G.5A, 1 EUR = 1.0817 USD, 1/1.0817 = 0.9245):
#     USD 9m / 0.9245 = 9.734992m; 8 * (1 + 0.25 * log10(10.734992)) = 10.061603
#     money = 1 + 0.25*log10(1 + USD m); s07 US sanction on KAZ: -6.5
agree=$(awk 'BEGIN { usd = 9000000 / 0.9245 / 1e6; printf "%.6f", 8 * (1 + 0.25 * log(1 + usd) / log(10)) }')
[ "$agree" = "10.061603" ] && ok || fail "hand computation of the money factor: $agree"
pos=$(awk -v a="$agree" -v b="$q2_trade" 'BEGIN { printf "%.6f", a + b }')
netw=$(awk -v p="$pos" 'BEGIN { printf "%.6f", p - 6.5 }')
vol=$(awk -v p="$pos" 'BEGIN { printf "%.6f", p + 6.5 }')
expect_row KAZ 2023-Q2 WEST "$(share "$netw" 4.2 0),$netw,$pos,-6.500000,$vol,3" \
  "money-weighted agreement + Q2 part of the talks + sanction friction"
# s04 RUS hosts a C5 summit (bloc stands for all five): 7 * 0.6 = 4.2 each
for c in KAZ KGZ TJK TKM UZB; do
  [ "$(net $c 2023-Q2 RUS)" = "4.200000" ] && ok || fail "C5+1 summit for $c: $(net $c 2023-Q2 RUS)"
done
expect_row KAZ 2023-Q2 CHN "0.000000,0.000000,0.000000,0.000000,0.000000,0" "a pole with no events"
# s08 SCO summit with CHN and RUS: multilateral 0.3, each pole gets 7 * 0.3
expect_row KAZ 2023-Q3 CHN "0.250000,2.100000,2.100000,0.000000,2.100000,1" "SCO summit for China"
expect_row KGZ 2023-Q3 RUS "0.250000,2.100000,2.100000,0.000000,2.100000,1" "SCO summit for Russia"
# s09 Germany (an EU member) with all five: West, 7 * 0.6
expect_row TJK 2023-Q3 WEST "1.000000,4.200000,4.200000,0.000000,4.200000,1" "EU member counts for the West"
# s03 for KGZ: yes vs USA yes -> +1.5; yes vs RUS no -> a = 0 -> -1.5 friction
expect_row KGZ 2023-Q1 WEST "1.000000,1.500000,1.500000,0.000000,1.500000,1" "agreeing UN vote"
expect_row KGZ 2023-Q1 RUS "0.000000,-1.500000,0.000000,-1.500000,1.500000,1" "opposed UN vote is friction"
grep -q "^UZB,2023-Q1," "$T/base.csv" && fail "an absent vote scored" || ok
# s10 a statement dated "2024": 3.4 * 0.6, spread 91/91/92/92 of 366 days
for q in "1 91" "2 91" "3 92" "4 92"; do
  set -- $q
  want=$(awk -v d="$2" 'BEGIN { printf "%.6f", 3.4 * 0.6 * d / 366 }')
  got=$(net KAZ 2024-Q$1 WEST)
  if [ "$1" = 2 ]; then # plus s11
    want=$(awk -v w="$want" 'BEGIN { printf "%.6f", w + 7.4 * 0.6 * 0.6 * (1 + 0.25 * log(6) / log(10)) }')
  fi
  [ "$got" = "$want" ] && ok || fail "year-dated statement in 2024-Q$1: $got, expected $want"
done
# s11 USD 25m to the C5: USD 5m each; 7.4 * 0.6 (minister) * 0.6 (C5+1) * (1 + 0.25 log10 6)
regional=$(awk 'BEGIN { printf "%.6f", 7.4 * 0.6 * 0.6 * (1 + 0.25 * log(6) / log(10)) }')
expect_row TKM 2024-Q2 WEST "1.000000,$regional,$regional,0.000000,$regional,1" "regional package split five ways"
# s12 own CAMEO 111 (-2.0) wins over the type; only friction: share NA
expect_row UZB 2024-Q3 RUS "NA,-1.200000,0.000000,-1.200000,1.200000,1" "own CAMEO code; all poles <= 0 gives NA"
# s14 UK official, TJK hosts a meeting: 042 = 1.9 * 0.35
[ "$(net TJK 2024-Q4 WEST)" = "0.665000" ] && ok || fail "official-level meeting: $(net TJK 2024-Q4 WEST)"
# s13 no pole: no rows in 2024-Q1 for UZB
grep -q "^UZB,2024-Q1," "$T/base.csv" && fail "an event without a pole scored" || ok

# years: the same contributions summed by year
run "$CAW" --db "$DB" score --period year --country KAZ --format csv
expect_rc 0 "score --period year"
csv_out year
want=$(awk -v a="$q1_trade" -v b="$netw" 'BEGIN { printf "%.6f", a + b + 4.2 }')
grep -q "^KAZ,2023,WEST,[0-9.]*,$want," "$T/out" && ok || fail "yearly West net for KAZ 2023, expected $want: $(grep '^KAZ,2023,WEST' "$T/out")"

# --from/--to select whole periods: 2023-02-15 includes all of 2023-Q1
run "$CAW" --db "$DB" score --from 2023-02-15 --to 2023-03 --format csv
expect_rc 0 "score --from/--to"
csv_out window
[ "$(grep -c '^KAZ,' "$T/out")" = 3 ] && ok || fail "--from 2023-02-15 --to 2023-03 gives one quarter for KAZ"
grep -q "^KAZ,2023-Q1,WEST,[0-9.]*,$q1_trade," "$T/out" && ok || fail "a multi-quarter event keeps only its Q1 part in a Q1 window"

# table and JSON formats carry the same figures
run "$CAW" --db "$DB" score --country KAZ
expect_rc 0 "score table"
expect_out "KAZ      2023-Q2  WEST" "table row"
expect_out "$netw" "table shows the net"
run "$CAW" --db "$DB" score --country KAZ --format json
expect_rc 0 "score json"
expect_json '"rule":"alignment"' "json names the rule"
expect_json "\"net\":$netw" "json carries the net"

# --explain: every contribution, the rows add up to the totals
run "$CAW" --db "$DB" score --country KAZ --explain 2023-Q2 --format csv
expect_rc 0 "--explain csv"
csv_out explain
[ "$(grep -c '^contribution,' "$T/out")" = 4 ] && ok || fail "KAZ 2023-Q2 has 4 contributions: $(cat "$T/out")"
grep -q "^contribution,KAZ,2023-Q2,WEST,$agree,,,,,,,8,1,1,1,[0-9.]*,1,1,1,s05-eu-kaz-agreement,2023-05-22,EU–Kazakhstan agreement with EUR 9m,https://example.org/s05," "$T/out" \
  && ok || fail "explain row lists every factor, title, date and source: $(grep s05 "$T/out")"
grep -q "^contribution,KAZ,2023-Q2,WEST,$q2_trade,.*,0.49180327868852" "$T/out" && ok || fail "explain shows the mass 30/61"
head -2 "$T/out" | tail -1 | grep -q "^contribution,KAZ,2023-Q2,WEST,$agree," && ok || fail "explain rows sorted by weight"
grep -q "^total,KAZ,2023-Q2,WEST,$netw,$pos,-6.500000,$netw,$vol," "$T/out" && ok || fail "explain totals"
run "$CAW" --db "$DB" score --country KAZ --explain 2023-Q2
expect_rc 0 "--explain table"
expect_out "Totals for KAZ 2023-Q2 (sums of the rows above)" "explain table totals"
expect_out "https://example.org/s07" "explain table lists the source URL"
expect_out "sanction" "explain table notes the sanction"
run "$CAW" --db "$DB" score --country KAZ --explain 2023 --period year --format json
expect_rc 0 "--explain json (year)"
expect_json '"event_id":"s09-deu-c5-summit"' "explain json lists events"
expect_json '"mass":' "explain json lists the mass factor"
run "$CAW" --db "$DB" score --explain 2023-Q2
expect_rc 64 "--explain without --country"
expect_err "--explain needs --country" "message for --explain without --country"
run "$CAW" --db "$DB" score --country KAZ --explain 2023-13
expect_rc 64 "--explain with a bad period"

# --set changes exactly the figures of the C5+1 events (s04, s09, s11)
run "$CAW" --db "$DB" score --format csv --set format_c5=0.5
expect_rc 0 "score --set"
csv_out set
changed=$(join -t, -j1 <(sed 1d "$T/base.csv" | awk -F, '{ print $1"/"$2"/"$3","$5","$6","$7","$8","$9 }' | sort) \
                       <(sed 1d "$T/set.csv" | awk -F, '{ print $1"/"$2"/"$3","$5","$6","$7","$8","$9 }' | sort) |
          awk -F, '$2 != $7 || $3 != $8 || $4 != $9 || $5 != $10 || $6 != $11 { print $1 }' | sort | tr '\n' ' ')
want=""
for c in KAZ KGZ TJK TKM UZB; do want="$want$c/2023-Q2/RUS $c/2023-Q3/WEST $c/2024-Q2/WEST "; done
want=$(echo "$want" | tr ' ' '\n' | grep . | sort | tr '\n' ' ')
[ "$changed" = "$want" ] && ok || fail "--set format_c5 changed '$changed', expected '$want'"
# shares move only within the affected (country, period)
shares=$(join -t, -j1 <(sed 1d "$T/base.csv" | awk -F, '{ print $1"/"$2"/"$3","$4 }' | sort) \
                      <(sed 1d "$T/set.csv" | awk -F, '{ print $1"/"$2"/"$3","$4 }' | sort) |
         awk -F, '$2 != $3 { split($1, k, "/"); print k[1]"/"k[2] }' | sort -u | tr '\n' ' ')
[ -n "$shares" ] && ok || fail "--set format_c5 moved no share at all"
for cp in $shares; do
  case " $want" in *" $cp/"*) ok ;; *) fail "--set moved a share in $cp, which has no C5+1 event" ;; esac
done
[ "$(net KAZ 2023-Q2 RUS set)" = "3.500000" ] && ok || fail "C5+1 summit at format_c5=0.5: $(net KAZ 2023-Q2 RUS set)"
cmp -s <(grep -v '2024-Q2\|2023-Q3\|2023-Q2' "$T/base.csv") <(grep -v '2024-Q2\|2023-Q3\|2023-Q2' "$T/set.csv") \
  && ok || fail "--set changed periods without C5+1 events"

# bad parameters: exit 64 naming the parameter; the database is untouched
run "$CAW" --db "$DB" score --set nosuch=1
expect_rc 64 "unknown parameter"
expect_err "unknown parameter 'nosuch'" "message names the unknown parameter"
run "$CAW" --db "$DB" score --set format_c5=lots
expect_rc 64 "non-numeric parameter"
expect_err "parameter 'format_c5' needs a number, not 'lots'" "message for a non-number"
run "$CAW" --db "$DB" score --set format_c5
expect_rc 64 "--set without ="
run "$CAW" --db "$DB" score --rule nosuchrule
expect_rc 64 "unknown rule name"
expect_err "no rule named 'nosuchrule' (rules: alignment" "unknown rule lists the rules"
run "$CAW" --db "$DB" score --country XYZ
expect_rc 64 "bad --country"
run "$CAW" --db "$DB" score --from 2023-99
expect_rc 64 "bad --from"
run "$CAW" --db "$DB" score --params --set w_summit=2
expect_rc 0 "--params"
expect_out "w_summit" "--params lists the parameters"
expect_out "mass" "--params lists the factors"

# --compare: the same rule with summits doubled, side by side
run "$CAW" --db "$DB" score --country KAZ --compare alignment --compare-set w_summit=2 --format csv
expect_rc 0 "--compare"
csv_out compare
expect_out "country,period,pole,share_a,share_b,share_b_minus_a,net_a,net_b,net_b_minus_a,events_a,events_b" "compare csv header: the differences are B − A"
grep -q "^KAZ,2023-Q2,RUS,[0-9.]*,[0-9.]*,[0-9.-]*,4.200000,8.400000,4.200000,1,1" "$T/out" && ok || fail "compare: summit doubled in B only: $(grep '^KAZ,2023-Q2,RUS' "$T/out")"
grep -q "^KAZ,2023-Q1,CHN,[0-9.]*,[0-9.]*,0.000000,3.400000,3.400000,0.000000," "$T/out" && ok || fail "compare: no summit, no change"
run "$CAW" --db "$DB" score --country KAZ --compare alignment --compare-set w_summit=2
expect_rc 0 "--compare table"
expect_out "B: rule alignment" "compare table names both rule sets"
expect_out "w_summit=2" "compare table shows the override"
run "$CAW" --db "$DB" score --compare-set w_summit=2
expect_rc 64 "--compare-set without --compare"

# a rule file given by path; runtime errors and malformed contributions
cat >"$T/half.lua" <<'LUA'
-- the default rule with every value halved (a copy an analyst might make)
local base = dofile(os.getenv("CAW_SRC") .. "/plugins/rules/alignment.lua")
local factors = {}
for _, f in ipairs(base.factors) do factors[#factors + 1] = f end
factors[#factors + 1] = { name = "half", help = "halve everything" }
return { name = "half", params = base.params, factors = factors,
  score = function(ev, ctx)
    local out = base.score(ev, ctx)
    for _, c in ipairs(out or {}) do c.value = c.value / 2; c.factors.half = 0.5 end
    return out
  end }
LUA
run "$CAW" --db "$DB" score --rule "$T/half.lua" --country KAZ --format csv
expect_rc 0 "rule given as a file"
csv_out half
expect_out "KAZ,2023-Q3,RUS,0.250000,1.050000," "a copied rule halves the SCO summit"

cat >"$T/boom.lua" <<'LUA'
return { name = "boom", factors = {}, params = {},
  score = function(ev, ctx)
    local t = nil
    return t.nothing -- line 4
  end }
LUA
run "$CAW" --db "$DB" score --rule "$T/boom.lua"
expect_rc 70 "rule with a runtime error"
expect_err "boom.lua:4: attempt to index" "runtime error names the rule file and line"
expect_err "stack traceback" "runtime error has a traceback"
expect_err "failed on event" "runtime error names the event"

bad_rule() { # name field body
  cat >"$T/$1.lua" <<LUA
return { name = "$1", params = {}, factors = { { name = "base", help = "b" } },
  score = function(ev, ctx)
    return { $3 }
  end }
LUA
  run "$CAW" --db "$DB" score --rule "$T/$1.lua"
  expect_rc 70 "malformed contribution ($1)"
  expect_err "field '$2'" "malformed contribution names field '$2'"
}
bad_rule badpole pole '{ country = "KAZ", pole = "MARS", value = 1, factors = { base = 1 } }'
bad_rule badvalue value '{ country = "KAZ", pole = "WEST", value = 0/0, factors = { base = 1 } }'
bad_rule unlisted value '{ country = "KAZ", pole = "WEST", value = 2, factors = { base = 1 } }'
bad_rule undeclared factors.level '{ country = "KAZ", pole = "WEST", value = 1, factors = { base = 1, level = 1 } }'
bad_rule nocountry country '{ pole = "WEST", value = 1, factors = { base = 1 } }'
bad_rule badperiod period '{ country = "KAZ", pole = "WEST", value = 1, period = "2024-Q9", factors = { base = 1 } }'
cat >"$T/undeclared_param.lua" <<'LUA'
return { name = "p", params = { { name = "k", default = 1 } }, factors = {},
  score = function(ev, ctx) return ctx.params.kk and nil end }
LUA
run "$CAW" --db "$DB" score --rule "$T/undeclared_param.lua"
expect_rc 70 "a rule reading an undeclared parameter"
expect_err "undeclared parameter 'kk'" "message names the undeclared parameter"

# the script API returns the rows `caw score` prints
run "$CAW" --db "$DB" run -e '
  local score = require("lib.score")
  local res = score.score{ country = "KAZ", from = "2023", to = "2023", set = { format_c5 = 0.5 } }
  for _, r in ipairs(res.rows) do
    print(r.country, r.period, r.pole, score.fmt(r.net_u), r.share and string.format("%.6f", r.share) or "NA")
  end'
expect_rc 0 "lib.score API"
want=$(grep '^KAZ,2023-' "$T/set.csv" | awk -F, '{ print $1"\t"$2"\t"$3"\t"$5"\t"$4 }')
[ "$(cat "$T/out")" = "$want" ] && ok || fail "API rows differ from caw score: $(head -3 "$T/out") vs $(echo "$want" | head -3)"
run "$CAW" --db "$DB" run -e 'require("lib.score").score{ set = { bogus = 1 } }'
expect_rc 64 "API: unknown parameter"
expect_err "unknown parameter 'bogus'" "API names the unknown parameter"

# scoring never writes
[ "$(digest "$DB")" = "$before" ] && ok || fail "scoring changed the database"
finish

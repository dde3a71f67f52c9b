#!/bin/bash
# Per-actor confidence (issue 10, item 5): an actor line's own confidence
# is used for that actor's pole instead of the event's; a state's actor's
# own confidence lowers that state's contributions. On the bundled SCO
# Astana summit (Xi sourced, Putin unverified) and on a small fixture.
. "$(dirname "$0")/lib.sh"

DB="$T/main.db"
"$CAW" -q --db "$DB" init
run "$CAW" --db "$DB" score --country KAZ --explain 2024-Q3 --format csv
expect_rc 0 "explain KAZ 2024-Q3"
tr -d '\r' <"$T/out" >"$T/kaz.csv"
# columns: row,country,period,pole,value,...,base,type,level,format,money,certainty,confidence,mass,event_id,...
# China: 7 (CAMEO 046) × 1 × 1 (head) × 0.3 (multilateral: SCO) × 1 × 1 × 1 (event 0.9 / 0.9) = 2.1
grep -q '^contribution,KAZ,2024-Q3,CHN,2.100000,,,,,,,7,1,1,0.3,1,1,1,1,2024-07-sco-summit-astana,' "$T/kaz.csv" \
  && ok || fail "China at full weight: $(grep 'CHN.*sco-summit-astana' "$T/kaz.csv")"
# Russia: 7 × 1 × 1 × 0.3 × 1 × 1 × (0.3 / 0.9 = 1/3) = 0.7
grep -q '^contribution,KAZ,2024-Q3,RUS,0.700000,,,,,,,7,1,1,0.3,1,1,0.33333333333333*,1,2024-07-sco-summit-astana,.*confidence 0.3 (RUS.s own; event 0.9)' "$T/kaz.csv" \
  && ok || fail "Russia reduced, the note says whose confidence: $(grep 'RUS.*sco-summit-astana' "$T/kaz.csv")"
# and the totals: KAZ 2024-Q3 China = 1.9 (Xi's state visit) + 2.22
# (SCO exercise) + 2.1 (the summit, full weight) = 6.22; Russia = 2.22
# (SCO exercise) + 1.92 (CSTO exercise) + 1.28 (INSTC roadmap) + 0.7 (the
# summit, at Putin's 0.3) = 6.12
grep -q '^total,KAZ,2024-Q3,CHN,6.220000,6.220000,0.000000,6.220000,' "$T/kaz.csv" && ok || fail "China total: $(grep '^total,KAZ,2024-Q3,CHN' "$T/kaz.csv")"
grep -q '^total,KAZ,2024-Q3,RUS,6.120000,6.120000,0.000000,6.120000,' "$T/kaz.csv" && ok || fail "Russia total: $(grep '^total,KAZ,2024-Q3,RUS' "$T/kaz.csv")"

# a fixture: the state's own confidence, the event's, and two actors of one pole
SDB="$T/small.db"
"$CAW" -q --db "$SDB" init --empty
cat >"$T/conf.json" <<'JSON'
{ "caw": 1,
  "actors": [
    {"code": "KAZ", "name": "Kazakhstan", "kind": "state"},
    {"code": "TKM", "name": "Turkmenistan", "kind": "state"},
    {"code": "RUS", "name": "Russia", "kind": "state"},
    {"code": "USA", "name": "United States", "kind": "state"},
    {"code": "GBR", "name": "United Kingdom", "kind": "state"}
  ],
  "events": [
    {"id": "k1", "date": "2024-02-01", "type": "summit", "title": "summit, TKM unconfirmed",
     "confidence": 0.9,
     "actors": [{"code": "RUS", "role": "host", "level": "head"},
                {"code": "KAZ", "role": "participant", "level": "head"},
                {"code": "TKM", "role": "participant", "level": "head", "confidence": 0.45}],
     "sources": [{"url": "https://example.org/k1"}]},
    {"id": "k2", "date": "2024-05-01", "type": "meeting", "title": "two Western ministers, one confirmed",
     "confidence": 0.9,
     "actors": [{"code": "USA", "role": "initiator", "level": "minister", "confidence": 0.3},
                {"code": "GBR", "role": "initiator", "level": "minister"},
                {"code": "KAZ", "role": "host", "level": "minister"}],
     "sources": [{"url": "https://example.org/k2"}]}
  ] }
JSON
"$CAW" -q --db "$SDB" import "$T/conf.json" >/dev/null
"$CAW" --db "$SDB" score --format csv | tr -d '\r' >"$T/s.csv"
# k1: 7 × 1 (head) × 0.6 (C5+1: two states) = 4.2 for KAZ; TKM × 0.45/0.9 = 2.1
grep -q '^KAZ,2024-Q1,RUS,1.000000,4.200000,' "$T/s.csv" && ok || fail "KAZ at the event's confidence: $(grep '^KAZ,2024-Q1,RUS' "$T/s.csv")"
grep -q '^TKM,2024-Q1,RUS,1.000000,2.100000,' "$T/s.csv" && ok || fail "TKM at its own confidence: $(grep '^TKM,2024-Q1,RUS' "$T/s.csv")"
# k2: the West's actor is the confirmed GBR minister (equally senior):
# 1.9 (042) × 0.6 (minister) × 1 = 1.14, not × 1/3
grep -q '^KAZ,2024-Q2,WEST,1.000000,1.140000,' "$T/s.csv" && ok || fail "the best-confirmed of equally senior actors: $(grep '^KAZ,2024-Q2,WEST' "$T/s.csv")"
# confidence_full=0 ignores confidence, per actor too
"$CAW" --db "$SDB" score --set confidence_full=0 --format csv | tr -d '\r' >"$T/s0.csv"
grep -q '^TKM,2024-Q1,RUS,1.000000,4.200000,' "$T/s0.csv" && ok || fail "confidence_full=0 ignores the actor's confidence"
finish

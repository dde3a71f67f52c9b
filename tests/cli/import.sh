#!/bin/bash
# End to end: caw's own importers (issue 3). Every bad input in
# tests/bad/EXPECT.tsv fails with its message (file:line, field), exit 65,
# and leaves the database byte-for-byte unchanged. Good files import
# wholly, once (idempotent), and survive an export/import round trip.
. "$(dirname "$0")/lib.sh"
DB="$T/base.db"
run "$CAW" --db "$DB" init -q
expect_rc 0 "init"

# --- the bad-input corpus ---
cd "$CAW_SRC/tests/bad"
n=0
while IFS=$'\t' read -r file code message; do
  case "$file" in ''|\#*) continue ;; esac
  n=$((n + 1))
  before=$(digest "$DB")
  run "$CAW" --db "$DB" import "$file"
  expect_rc "$code" "import $file"
  expect_err "$message" "import $file message"
  [ "$(digest "$DB")" = "$before" ] && ok || fail "import $file changed the database"
  # --dry-run reports the same error
  run "$CAW" --db "$DB" import --dry-run "$file"
  expect_rc "$code" "import --dry-run $file"
done < EXPECT.tsv
[ "$n" -ge 24 ] && ok || fail "bad-input manifest has only $n cases"
cd "$T"

# --- a good JSON file: imported wholly, then re-import adds nothing ---
cat >"$T/good.json" <<'JSON'
{
  "caw": 1,
  "actors": [{"code": "ACME", "name": "Acme Development Fund", "kind": "organisation"}],
  "events": [
    {"id": "t-good-1", "date": "2024-33", "type": "funding", "title": "Acme pledges to Kazakhstan",
     "actors": [{"code": "ACME", "role": "initiator"}, {"code": "KAZ", "role": "target"}],
     "money": [{"amount": 3000000, "currency": "EUR", "kind": "pledge", "period": "2024/2025",
                "provider": "ACME", "recipient": "KAZ", "source": 1}],
     "sources": [{"url": "https://example.org/acme", "publisher": "Example Wire"}],
     "tags": ["test"]},
    {"id": "t-good-2", "date": "2023-23", "type": "report", "title": "An autumn report",
     "sources": [{"url": "https://example.org/report"}]}
  ]
}
JSON
run "$CAW" --db "$DB" import "$T/good.json"
expect_rc 0 "import good.json"
expect_err "2 read, 2 added, 0 updated, 0 unchanged" "import counts"
run "$CAW" --db "$DB" import "$T/good.json"
expect_err "2 read, 0 added, 0 updated, 2 unchanged" "re-import adds nothing"
run "$CAW" --db "$DB" run -e '
local n = 0
for b in caw.sql("SELECT file, sha256, importer, n_added FROM batches WHERE file LIKE ?1 ORDER BY id", "%good.json") do
  n = n + 1
  io.write(b.importer, " ", #b.sha256, " ", b.n_added, "\n")
end'
expect_out "caw-json 64 2" "first import batch recorded with sha256 and counts"
expect_out "caw-json 64 0" "second import batch recorded"
# a changed event is updated, not duplicated
sed 's/An autumn report/An autumn report, revised/' "$T/good.json" >"$T/good2.json"
run "$CAW" --db "$DB" import "$T/good2.json"
expect_err "2 read, 0 added, 1 updated, 1 unchanged" "changed event is updated"
# dry run writes nothing
before=$(digest "$DB")
sed 's/t-good-1/t-good-3/' "$T/good.json" >"$T/good3.json"
run "$CAW" --db "$DB" import --dry-run "$T/good3.json"
expect_rc 0 "dry run of a good file"
expect_err "dry run: 2 read, 1 added" "dry run reports what it would do"
[ "$(digest "$DB")" = "$before" ] && ok || fail "dry run changed the database"
# all or nothing: a file whose 2nd event is bad adds not even the 1st
run "$CAW" --db "$DB" events --format csv --text "Fine"
expect_not_out "t-ok" "nothing of a failed file was imported"

# JSON Lines and CSV
printf '{"actor": {"code": "ZZCO", "name": "Zed Co", "kind": "company"}}\n{"id": "t-jl-1", "date": "2022-02-24", "type": "statement", "title": "Lines", "actors": [{"code": "ZZCO", "role": "initiator"}], "sources": ["https://example.org/l"]}\n' >"$T/lines.jsonl"
run "$CAW" --db "$DB" import "$T/lines.jsonl"
expect_rc 0 "import JSON Lines"
expect_err "1 read, 1 added" "JSON Lines counts"
cat >"$T/good.csv" <<'CSV'
id,date,type,title,summary,actors,money,sources,tags
t-csv-1,2024-04,visit,"Minister visits Tashkent, Samarkand","Two cities; one trip",GBR:initiator:minister:A. Person; UZB:host,"1500000 GBP commitment 2024/2026 GBR>UZB source=1; 1900000 USD commitment alt source=2",https://example.org/a | Example Wire | First report; https://example.org/b?x=1;y=2 | Other,uk; visit
CSV
run "$CAW" --db "$DB" import "$T/good.csv"
expect_rc 0 "import caw CSV"
run "$CAW" --db "$DB" run -e '
local e = caw.event("t-csv-1")
print(e.title, #e.actors, e.actors[1].person, e.actors[1].level, #e.money, e.money[1].period,
      e.money[2].primary, #e.sources, e.sources[2].url, e.sources[1].title, table.concat(e.tags, ","))'
expect_out "Minister visits Tashkent, Samarkand	2	A. Person	minister	2	2024/2026	false	2	https://example.org/b?x=1;y=2	First report	uk,visit" "CSV cells parsed"

# --- round trip: export -> import into an empty database -> same events ---
for fmt in json jsonl; do
  run "$CAW" --db "$DB" export --format $fmt -o "$T/export.$fmt"
  expect_rc 0 "export $fmt"
  run "$CAW" --db "$T/rt-$fmt.db" init --empty -q
  run "$CAW" --db "$T/rt-$fmt.db" import "$T/export.$fmt"
  expect_rc 0 "re-import the $fmt export"
  "$CAW" --db "$DB" events --format json >"$T/a.json"
  "$CAW" --db "$T/rt-$fmt.db" events --format json | sed 's/"batch":[0-9]*,//' >"$T/b.json"
  sed 's/"batch":[0-9]*,//' "$T/a.json" >"$T/a2.json"
  cmp -s "$T/a2.json" "$T/b.json" && ok || fail "$fmt round trip differs: $(diff "$T/a2.json" "$T/b.json" | head -5)"
done
run "$CAW" --db "$DB" run -e 'print(caw.count())'
total=$(cat "$T/out")
[ "$total" -ge 50 ] && ok || fail "round trip compared too few events ($total)"

# CSV export reads back with the same ids and dates
run "$CAW" --db "$DB" export --format csv -o "$T/export.csv"
run "$CAW" --db "$T/rt-csv.db" init --empty -q
"$CAW" --db "$DB" export --format jsonl | grep '"actor"' >"$T/actors.jsonl"
run "$CAW" --db "$T/rt-csv.db" import "$T/actors.jsonl"
run "$CAW" --db "$T/rt-csv.db" import "$T/export.csv"
expect_rc 0 "re-import the CSV export"
"$CAW" --db "$DB" events --format csv | cut -d, -f1-5 >"$T/a.csv"
"$CAW" --db "$T/rt-csv.db" events --format csv | cut -d, -f1-5 >"$T/b.csv"
cmp -s "$T/a.csv" "$T/b.csv" && ok || fail "CSV round trip differs: $(diff "$T/a.csv" "$T/b.csv" | head -5)"

# --importer chooses; an unknown one is a usage error
run "$CAW" --db "$DB" import --importer nope "$T/good.json"
expect_rc 64 "unknown importer"
expect_err "no importer named 'nope'" "unknown importer message"
run "$CAW" --db "$DB" import "$T/nothing-here.json"
expect_rc 66 "missing input file"

# --skip-bad: good rows go in, rejected rows are listed with their lines
printf 'id,date,type,title,sources\nt-sb-1,2024,meeting,One,https://e.org/1\nt-sb-2,2024,meeting\nt-sb-3,2024-13,meeting,Three,https://e.org/3\nt-sb-4,2024,meeting,Four,https://e.org/4\n' >"$T/skip.csv"
run "$CAW" --db "$DB" import --skip-bad "$T/rejects.txt" "$T/skip.csv"
expect_rc 0 "import --skip-bad"
expect_err "4 read, 2 added, 0 updated, 0 unchanged, 2 rejected" "skip-bad counts"
grep -qF "$T/skip.csv:3: expected 5 fields, found 3" "$T/rejects.txt" && ok || fail "reject file names the ragged row: $(cat "$T/rejects.txt")"
grep -qF "$T/skip.csv:4: field 'date': bad date" "$T/rejects.txt" && ok || fail "reject file names the bad date row"
run "$CAW" --db "$DB" run -e 'print(caw.event("t-sb-1") ~= nil, caw.event("t-sb-4") ~= nil, caw.event("t-sb-3") == nil)'
expect_out "true	true	true" "good rows imported, bad rows not"
run "$CAW" --db "$DB" import --skip-bad "$T/rejects2.txt" "$CAW_SRC/tests/bad/json_bad_edtf.json"
expect_rc 0 "JSON import --skip-bad"
grep -qF "json_bad_edtf.json:5: field 'date'" "$T/rejects2.txt" && ok || fail "JSON reject file: $(cat "$T/rejects2.txt")"

# --- schema 3 fields: an actor's own confidence, a loan and a stated
# allocation survive import, JSON export and CSV export ---
cat >"$T/v3.json" <<'JSON'
{"caw": 1, "events": [
 {"id": "t-v3-1", "date": "2024-07-04", "type": "summit", "title": "A summit with a doubtful attendee",
  "confidence": 0.9,
  "actors": [{"code": "KAZ", "role": "host"}, {"code": "CHN", "role": "participant"},
             {"code": "RUS", "role": "participant", "confidence": 0.3}],
  "money": [{"amount": 1000, "currency": "EUR", "kind": "commitment", "provider": "EU",
             "recipient": "C5", "instrument": "loan", "allocation": {"UZB": 300, "KAZ": 400}}],
  "sources": [{"url": "https://example.org/v3"}]}]}
JSON
DB3="$T/v3.db"
"$CAW" --db "$DB3" init -q
run "$CAW" --db "$DB3" import "$T/v3.json"
expect_rc 0 "import schema 3 fields"
SHOW='local e = caw.event("t-v3-1"); local m = e.money[1]
print(e.actors[1].confidence, e.actors[3].confidence, m.instrument, m.allocation.KAZ, m.allocation.UZB, m.allocation.TJK)'
run "$CAW" --db "$DB3" run -e "$SHOW"
expect_out "nil	0.3	loan	400	300	nil" "schema 3 fields read back"
run "$CAW" --db "$DB3" import "$T/v3.json"
expect_err "0 added, 0 updated, 1 unchanged" "schema 3 fields: re-import is unchanged"
"$CAW" --db "$DB3" export --format json -o "$T/v3-export.json"
grep -q '"allocation"' "$T/v3-export.json" && ok || fail "JSON export lacks the allocation"
"$CAW" --db "$T/v3b.db" init -q
run "$CAW" --db "$T/v3b.db" import "$T/v3-export.json"
run "$CAW" --db "$T/v3b.db" run -e "$SHOW"
expect_out "nil	0.3	loan	400	300	nil" "schema 3 fields after a JSON round trip"
"$CAW" --db "$DB3" export --format csv -o "$T/v3-export.csv"
grep -q 'RUS:participant::::0.3' "$T/v3-export.csv" && ok || fail "CSV export: actor confidence: $(grep t-v3 "$T/v3-export.csv")"
grep -q 'EU>C5 loan alloc=KAZ:400,UZB:300' "$T/v3-export.csv" && ok || fail "CSV export: loan and allocation: $(grep t-v3 "$T/v3-export.csv")"
"$CAW" --db "$T/v3c.db" init -q
grep -e '^id,' -e '^t-v3-1,' "$T/v3-export.csv" >"$T/v3-only.csv"
run "$CAW" --db "$T/v3c.db" import "$T/v3-only.csv"
expect_rc 0 "re-import the schema 3 CSV"
run "$CAW" --db "$T/v3c.db" run -e "$SHOW"
expect_out "nil	0.3	loan	400	300	nil" "schema 3 fields after a CSV round trip"

finish

#!/bin/bash
# Crash safety and concurrency (issue 6): an import killed with SIGKILL at
# random points leaves an intact database holding all of the batch or
# none of it; two caw processes writing at once both succeed, or one
# fails with a clear "database is busy" (exit 75) -- never a corrupt file.
. "$(dirname "$0")/lib.sh"
DB="$T/crash.db"
"$CAW" --db "$DB" init -q
base=$("$CAW" --db "$DB" run -e 'print(caw.count())')

# a large caw JSON Lines file (N events)
N=${CAW_CRASH_EVENTS:-40000}
"$CAW" --db "$DB" run -e '
local n, out = tonumber(arg[1]), {}
for i = 1, n do
  out[#out + 1] = caw.json.encode({ id = "crash-" .. arg[2] .. "-" .. i, date = "2024-" .. string.format("%02d", i % 12 + 1),
    type = "meeting", title = "Crash test event " .. i,
    actors = { { code = "KAZ", role = "host" }, { code = "CHN", role = "initiator" } },
    sources = { "https://example.org/c/" .. i }, tags = { "crash" } })
end
caw.write(arg[3], table.concat(out, "\n") .. "\n")' "$N" a "$T/big-a.jsonl"
sed 's/crash-a-/crash-b-/' "$T/big-a.jsonl" >"$T/big-b.jsonl"
[ "$(wc -l <"$T/big-a.jsonl")" -eq "$N" ] && ok || fail "test file has $N lines"

trials=${CAW_CRASH_TRIALS:-20}
killed=0
for i in $(seq 1 "$trials"); do
  "$CAW" --db "$DB" import -q "$T/big-a.jsonl" &
  pid=$!
  # a random point between 10 ms and ~1.3 s into the import
  sleep "0.$(printf '%03d' $((RANDOM % 1000 + 10)))"
  [ "$((RANDOM % 4))" -eq 0 ] && sleep 0.3
  if kill -9 "$pid" 2>/dev/null; then killed=$((killed + 1)); fi
  wait "$pid" 2>/dev/null || true
  integrity=$(sqlite3 "$DB" "PRAGMA integrity_check")
  [ "$integrity" = "ok" ] && ok || fail "trial $i: integrity_check says: $integrity"
  fk=$(sqlite3 "$DB" "PRAGMA foreign_key_check" | head -3)
  [ -z "$fk" ] && ok || fail "trial $i: foreign_key_check: $fk"
  count=$(sqlite3 "$DB" "SELECT count(*) FROM events WHERE id LIKE 'crash-a-%'")
  if [ "$count" -ne 0 ] && [ "$count" -ne "$N" ]; then
    fail "trial $i: half an import survived ($count of $N events)"
  else ok; fi
  # every recorded batch is finished and its counts match
  open=$(sqlite3 "$DB" "SELECT count(*) FROM batches WHERE finished IS NULL")
  [ "$open" -eq 0 ] && ok || fail "trial $i: an unfinished batch was recorded"
  # start clean again for the next trial
  if [ "$count" -eq "$N" ]; then
    sqlite3 "$DB" "PRAGMA foreign_keys=ON; DELETE FROM events WHERE id LIKE 'crash-a-%'; DELETE FROM batches WHERE file LIKE '%big-a.jsonl'"
  fi
done
echo "killed $killed of $trials imports mid-way"
[ "$killed" -ge $((trials / 2)) ] && ok || fail "only $killed of $trials imports were killed mid-way (file too small?)"
after=$("$CAW" --db "$DB" run -e 'print(caw.count())')
[ "$after" = "$base" ] && ok || fail "events before $base, after $after"

# two writers at once
"$CAW" --db "$DB" import -q "$T/big-a.jsonl" 2>"$T/err-a" & pa=$!
"$CAW" --db "$DB" import -q "$T/big-b.jsonl" 2>"$T/err-b" & pb=$!
ra=0; wait "$pa" || ra=$?
rb=0; wait "$pb" || rb=$?
for w in a:$ra b:$rb; do
  name=${w%%:*} code=${w##*:}
  if [ "$code" -eq 0 ]; then
    c=$(sqlite3 "$DB" "SELECT count(*) FROM events WHERE id LIKE 'crash-$name-%'")
    [ "$c" -eq "$N" ] && ok || fail "writer $name succeeded but stored $c of $N"
  elif [ "$code" -eq 75 ]; then
    grep -q "database is busy" "$T/err-$name" && ok || fail "writer $name: exit 75 without a clear message: $(cat "$T/err-$name")"
    c=$(sqlite3 "$DB" "SELECT count(*) FROM events WHERE id LIKE 'crash-$name-%'")
    [ "$c" -eq 0 ] && ok || fail "busy writer $name left $c events"
  else
    fail "writer $name exited $code: $(cat "$T/err-$name")"
  fi
done
echo "concurrent writers exited $ra and $rb"
[ "$(sqlite3 "$DB" "PRAGMA integrity_check")" = "ok" ] && ok || fail "integrity after concurrent writers"
finish

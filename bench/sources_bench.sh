#!/bin/bash
# bench/sources_bench.sh -- how fast is `caw import` of ICEWS and POLECAT
# next to GDELT, all three through the bulk engine? A benchmark, not a
# test.
#
#   bench/sources_bench.sh [N] [SEED]      (default 1000000 rows, seed 1)
#
# Generates N synthetic rows of each source, kept in $BENCH_CACHE (default
# /tmp) for the next run: GDELT 2.0 (../shared/tools/gen_events.py N SEED,
# the file gdelt_bench.sh uses), ICEWS (bench/gen_icews.py N SEED) and
# POLECAT (bench/gen_polecat.py N SEED). Then times, in the same run and
# alternating the three, `caw import -q FILE` of each into a fresh empty
# database with /usr/bin/time (wall, user+sys CPU, peak RSS), best of
# $RUNS (default 1), and prints rows/s and each source's rows/s as a share
# of GDELT's. Goal (docs/importers.md, "Speed and memory"): >= 0.60.
# Env: as bench/lib.sh says; PROFILE=ROWS also runs callgrind on the first
#      ROWS rows of SOURCE (PROFILE_SOURCE, default icews) and prints where
#      caw's instructions go.
set -eu
BENCH=sources-bench
. "$(dirname "$0")/lib.sh"
bench_setup "$@"
bench_file gdelt "caw-gdelt-bench-$N-$SEED.tsv" python3 "$GEN" "$N" "$SEED"
bench_file icews "caw-icews-bench-$N-$SEED.tab" python3 "$here/gen_icews.py" "$N" "$SEED"
bench_file polecat "caw-polecat-bench-$N-$SEED.tsv" python3 "$here/gen_polecat.py" "$N" "$SEED"
SOURCES="gdelt icews polecat"

# measure LABEL FILE: one run of caw import into a fresh database; keeps
# the best wall time in W_LABEL, with C_LABEL (user+sys s), M_LABEL (KiB)
# and E_LABEL (the events stored)
measure() {
  local label=$1 file=$2 db="$T/$1.db" wall user sys rss best
  rm -f "$db" "$db-wal" "$db-shm"
  "$CAW" --db "$db" init -q --empty
  /usr/bin/time -f "%e %U %S %M" -o "$T/$label.time" \
    "$CAW" --db "$db" import -q "$file" >"$T/$label.out" 2>"$T/$label.err" || {
    echo "$BENCH: $label failed:" >&2; cat "$T/$label.err" >&2; exit 1; }
  read -r wall user sys rss <"$T/$label.time"
  eval "best=\${W_$label:-}"
  if [ -z "$best" ] || awk -v a="$wall" -v b="$best" 'BEGIN { exit !(a < b) }'; then
    eval "W_$label=$wall C_$label=$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }') M_$label=$rss"
    eval "E_$label=$("$CAW" --db "$db" run -e 'for r in caw.sql("SELECT count(*) AS n FROM coded") do print(r.n) end')"
  fi
  rm -f "$db" "$db-wal" "$db-shm"
}

for l in $SOURCES; do
  eval "f=\$$l"
  echo "$l: $f ($(($(stat -c %s "$f") / 1048576)) MiB)" >&2
done
echo "$N rows each; runs: $RUNS" >&2
for i in $(seq 1 "$RUNS"); do
  for l in $SOURCES; do eval "measure $l \"\$$l\""; done
done

printf '%-8s %9s %9s %12s %10s %10s %9s %9s\n' "" "wall s" "cpu s" "rows/s" "peak MiB" \
  "events" "/GDELT" "(cpu)"
for l in $SOURCES; do
  eval "w=\$W_$l c=\$C_$l m=\$M_$l e=\$E_$l"
  awk -v l="$l" -v w="$w" -v c="$c" -v m="$m" -v e="$e" -v n="$N" \
      -v gw="$W_gdelt" -v gc="$C_gdelt" 'BEGIN {
    printf "%-8s %9.2f %9.2f %12.0f %10.1f %10d %9.2f %9.2f\n",
      l, w, c, n / w, m / 1024, e, gw / w, gc / c }'
done
for l in icews polecat; do
  eval "w=\$W_$l"
  awk -v l="$l" -v w="$w" -v g="$W_gdelt" 'BEGIN {
    printf "%s / GDELT rows/s: %.2f by wall time (goal >= 0.60: %s)\n",
      l, g / w, (g / w >= 0.60) ? "met" : "MISSED" }'
done

if [ -n "${PROFILE:-}" ]; then
  command -v valgrind >/dev/null || { echo "PROFILE: needs valgrind" >&2; exit 1; }
  p=${PROFILE_SOURCE:-icews}
  eval "f=\$$p"
  head -n "$((PROFILE + 1))" "$f" >"$T/profile.in"
  "$CAW" --db "$T/prof.db" init -q --empty
  valgrind --tool=callgrind --callgrind-out-file="$T/callgrind.out" \
    "$CAW" --db "$T/prof.db" import -q --importer "$p" "$T/profile.in" >/dev/null 2>&1
  echo
  echo "callgrind, first $PROFILE $p rows: inclusive instructions by named function (top 30)"
  callgrind_annotate --inclusive=yes "$T/callgrind.out" 2>/dev/null |
    grep -E '^ *[0-9,]+ \(' | grep -v -e "'2 " -e '???:0x' | grep -F '[' | head -30
fi

#!/bin/bash
# bench/gdelt_bench.sh -- how fast and how lean is `caw import` with the
# GDELT importer? A benchmark, not a test.
#
#   bench/gdelt_bench.sh [N] [SEED]        (default 1000000 rows, seed 1)
#
# Generates N synthetic GDELT 2.0 rows (../shared/tools/gen_events.py N
# SEED; kept in $BENCH_CACHE, default /tmp, for the next run), then times,
# in the same run, each into a fresh database:
#   (f) floor     bench/floor.c (gcc -O2, raw SQLite): the physical floor,
#                 every row into an 8-column table with no index, no
#                 validation, no dedup; then the same with the unique
#                 (source, ref) index (f+u) and with the actor foreign keys
#                 too (f+u+k), what caw's table of machine-coded events
#                 adds on top
#   (a) baseline  bench/gdelt_baseline.c (gcc -O2, raw SQLite): parse the
#                 file, check field counts, insert every row as it is into
#                 the same slim table caw's GDELT importer fills (gdelt,
#                 27 columns) with one prepared statement, one
#                 transaction, then build its day index
#   (b) sqlite3   the sqlite3 shell's `.import` of the raw file into a
#                 61-column table
#   (c) caw       `caw import -q FILE` (importer gdelt: validation, CAMEO,
#                 actor and FIPS mapping, titles, dedup into one row per
#                 event, actors defined, the batch's SHA-256)
# with /usr/bin/time (wall, user+sys CPU, peak RSS), best of $RUNS
# (default 1; 3 on a shared machine). Targets: caw <= 1.5x (a), faster
# than (b), peak RSS <= 64 MiB, caw no slower than $CAW_BASE; caw / (f)
# is the distance to the floor (the long-term goal is 2x:
# docs/importers.md, "Speed and memory", says where the time goes).
# Env: CAW (binary, default build/caw), CAW_BASE (another caw binary, e.g.
#      one built before a change, timed in the same run as (d)), GEN (the
#      generator), RUNS,
#      BENCH_CACHE, PROFILE=ROWS (also run callgrind on the first ROWS
#      rows and print where caw's instructions go).
set -eu
BENCH=gdelt-bench
. "$(dirname "$0")/lib.sh"
bench_setup "$@"
bench_file data "caw-gdelt-bench-$N-$SEED.tsv" python3 "$GEN" "$N" "$SEED"
size=$(stat -c %s "$data")
gcc -O2 -Wall -o "$T/gdelt_baseline" "$here/gdelt_baseline.c" $(pkg-config --cflags --libs sqlite3)
gcc -O2 -Wall -o "$T/floor" "$here/floor.c" $(pkg-config --cflags --libs sqlite3)

cols=$(seq 1 61 | sed 's/^/c/; s/$/ TEXT/' | paste -sd, -)
cat >"$T/import.sql" <<SQL
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
PRAGMA cache_size = -16384;
CREATE TABLE raw($cols);
.mode tabs
.import $data raw
SQL

# measure LABEL CMD...: best wall time of RUNS runs; sets W_LABEL, C_LABEL
# (user+sys seconds, the least of the runs: on a shared machine the CPU
# time varies less than the wall time), M_LABEL (peak RSS of the best
# run, KiB). The database is made anew by $T/setup_LABEL before each run.
measure() {
  local label=$1 i best="" cpu mincpu=""
  shift
  for i in $(seq 1 "$RUNS"); do
    rm -f "$T/$label.db" "$T/$label.db-wal" "$T/$label.db-shm"
    if [ -x "$T/setup_$label" ]; then "$T/setup_$label"; fi
    /usr/bin/time -f "%e %U %S %M" -o "$T/$label.time" "$@" >"$T/$label.out" 2>"$T/$label.err" || {
      echo "gdelt_bench: $label failed:" >&2; cat "$T/$label.err" >&2; exit 1; }
    read -r wall user sys rss <"$T/$label.time"
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')
    if [ -z "$mincpu" ] || awk -v a="$cpu" -v b="$mincpu" 'BEGIN { exit !(a < b) }'; then
      mincpu=$cpu
    fi
    if [ -z "$best" ] || awk -v a="$wall" -v b="$best" 'BEGIN { exit !(a < b) }'; then
      best=$wall
      eval "W_$label=$wall M_$label=$rss"
    fi
  done
  eval "C_$label=$mincpu"
}

printf '#!/bin/sh\nexec "%s" --db "%s" init --empty -q\n' "$CAW" "$T/caw.db" >"$T/setup_caw"
chmod +x "$T/setup_caw"
if [ -n "${CAW_BASE:-}" ]; then
  printf '#!/bin/sh\nexec "%s" --db "%s" init --empty -q\n' "$CAW_BASE" "$T/prev.db" >"$T/setup_prev"
  chmod +x "$T/setup_prev"
fi

echo "file: $data ($N rows, $((size / 1048576)) MiB); runs: $RUNS" >&2
measure floor "$T/floor" "$T/floor.db" "$data"
measure flooru "$T/floor" -u "$T/flooru.db" "$data"
measure flooruk "$T/floor" -u -f "$T/flooruk.db" "$data"
measure base "$T/gdelt_baseline" "$T/base.db" "$data"
measure shell sqlite3 -batch "$T/shell.db" ".read $T/import.sql"
measure caw "$CAW" --db "$T/caw.db" import -q "$data"
[ -n "${CAW_BASE:-}" ] && measure prev "$CAW_BASE" --db "$T/prev.db" import -q "$data"
events=$("$CAW" --db "$T/caw.db" run -e 'for r in caw.sql("SELECT (SELECT count(*) FROM gdelt) AS n, (SELECT sum(n_merged) FROM batches) AS m") do print(r.n, r.m) end')

row() { # label wall cpu rss
  awk -v l="$1" -v w="$2" -v c="$3" -v m="$4" -v n="$N" \
    'BEGIN { printf "%-34s %8.2f s %8.2f s %9.0f rows/s %7.1f MiB\n", l, w, c, n / w, m / 1024 }'
}
echo
printf '%-34s %10s %10s %16s %11s\n' "" "wall" "cpu" "" "peak RSS"
row "(f) floor: C loop, 8 columns" "$W_floor" "$C_floor" "$M_floor"
row "(f+u) + unique (source, ref)" "$W_flooru" "$C_flooru" "$M_flooru"
row "(f+u+k) + actor foreign keys" "$W_flooruk" "$C_flooruk" "$M_flooruk"
row "(a) C loop + SQLite (gdelt table)" "$W_base" "$C_base" "$M_base"
row "(b) sqlite3 .import (61 columns)" "$W_shell" "$C_shell" "$M_shell"
row "(c) caw import (gdelt)" "$W_caw" "$C_caw" "$M_caw"
[ -n "${CAW_BASE:-}" ] && row "(d) \$CAW_BASE import (gdelt)" "$W_prev" "$C_prev" "$M_prev"
set -- $events
echo "caw stored $1 GDELT events ($2 rows merged by dedup); (a) stored one a row"
awk -v c="$W_caw" -v a="$W_base" -v b="$W_shell" -v m="$M_caw" 'BEGIN {
  printf "caw / (a): %.2fx wall (target <= 1.5x: %s)\n", c / a, c / a <= 1.5 ? "met" : "MISSED"
  printf "caw / (b): %.2fx wall (target < 1x: %s)\n", c / b, c < b ? "met" : "MISSED"
  printf "caw peak RSS: %.1f MiB (target <= 64 MiB: %s)\n", m / 1024, m <= 65536 ? "met" : "MISSED"
}'
awk -v cw="$W_caw" -v cc="$C_caw" -v fw="$W_floor" -v fc="$C_floor" 'BEGIN {
  printf "caw / (f): %.2fx wall, %.2fx cpu (the floor; long-term goal 2x)\n", cw / fw, cc / fc
}'
[ -n "${CAW_BASE:-}" ] && awk -v c="$W_caw" -v p="$W_prev" -v cc="$C_caw" -v pc="$C_prev" 'BEGIN {
  printf "caw / (d): %.2fx wall (%s), %.2fx cpu (%s)\n", c / p, c <= p * 1.05 ? "no slower" : "SLOWER",
    cc / pc, cc <= pc * 1.05 ? "no slower" : "SLOWER"
}'

if [ -n "${PROFILE:-}" ]; then
  head -n "$PROFILE" "$data" >"$T/profile.tsv"
  "$CAW" --db "$T/prof.db" init --empty -q
  valgrind --tool=callgrind --callgrind-out-file="$T/callgrind.out" \
    "$CAW" --db "$T/prof.db" import -q "$T/profile.tsv" 2>/dev/null
  echo
  echo "callgrind, first $PROFILE rows: inclusive instructions by named function (top 30)"
  callgrind_annotate --inclusive=yes "$T/callgrind.out" 2>/dev/null |
    grep -E '^ *[0-9,]+ \(' | grep -v -e "'2 " -e '???:0x' | grep -F '[' | head -30
fi

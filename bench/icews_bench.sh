#!/bin/bash
# bench/icews_bench.sh -- how fast is `caw import` of ICEWS next to GDELT,
# both through the bulk engine? A benchmark, not a test.
#
#   bench/icews_bench.sh [N] [SEED]        (default 1000000 rows, seed 1)
#
# Generates N synthetic GDELT 2.0 rows (../shared/tools/gen_events.py N
# SEED) and N synthetic ICEWS rows (bench/gen_icews.py N SEED), both kept
# in $BENCH_CACHE (default /tmp) for the next run, then times, in the same
# run, each into a fresh empty database with /usr/bin/time (wall, user+sys
# CPU, peak RSS), best of $RUNS (default 1):
#   gdelt   `caw import -q` of the GDELT rows (the baseline)
#   icews   `caw import -q` of the ICEWS rows
# and prints rows/s of each and the ratio ICEWS/GDELT (goal >= 0.60).
# Env: CAW (binary, default build/caw), GEN (the GDELT generator), RUNS,
#      BENCH_CACHE, PROFILE=ROWS (also run callgrind on the first ROWS
#      ICEWS rows and print where caw's instructions go).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
CAW=${CAW:-$src/build/caw}
GEN=${GEN:-$src/../shared/tools/gen_events.py}
N=${1:-1000000}
SEED=${2:-1}
RUNS=${RUNS:-1}
CACHE=${BENCH_CACHE:-/tmp}
if [ ! -x /usr/bin/time ]; then
  echo "icews_bench: needs /usr/bin/time (apt-get install time)" >&2
  exit 1
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/caw-icews-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT

gdelt="$CACHE/caw-gdelt-bench-$N-$SEED.tsv"
icews="$CACHE/caw-icews-bench-$N-$SEED.tab"
if [ ! -s "$gdelt" ]; then
  echo "generating $N GDELT rows (seed $SEED) into $gdelt ..." >&2
  python3 "$GEN" "$N" "$SEED" >"$gdelt.part"
  mv "$gdelt.part" "$gdelt"
fi
if [ ! -s "$icews" ]; then
  echo "generating $N ICEWS rows (seed $SEED) into $icews ..." >&2
  python3 "$here/gen_icews.py" "$N" "$SEED" >"$icews.part"
  mv "$icews.part" "$icews"
fi

# measure LABEL FILE: best wall time of RUNS runs of caw import; sets
# W_LABEL, C_LABEL (user+sys seconds), M_LABEL (peak RSS, KiB).
measure() {
  local label=$1 file=$2 i best="" db="$T/$1.db"
  for i in $(seq 1 "$RUNS"); do
    rm -f "$db" "$db-wal" "$db-shm"
    "$CAW" --db "$db" init -q --empty
    /usr/bin/time -f "%e %U %S %M" -o "$T/$label.time" \
      "$CAW" --db "$db" import -q "$file" >"$T/$label.out" 2>"$T/$label.err" || {
      echo "icews_bench: $label failed:" >&2; cat "$T/$label.err" >&2; exit 1; }
    read -r wall user sys rss <"$T/$label.time"
    if [ -z "$best" ] || awk -v a="$wall" -v b="$best" 'BEGIN { exit !(a < b) }'; then
      best=$wall
      eval "W_$label=$wall C_$label=$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }') M_$label=$rss"
    fi
  done
  rm -f "$db" "$db-wal" "$db-shm"
}

measure gdelt "$gdelt"
measure icews "$icews"

printf '%-7s %10s %10s %12s %10s\n' "" "wall s" "cpu s" "rows/s" "peak MiB"
for l in gdelt icews; do
  eval "w=\$W_$l c=\$C_$l m=\$M_$l"
  printf '%-7s %10.2f %10.2f %12.0f %10.1f\n' "$l" "$w" "$c" \
    "$(awk -v n="$N" -v w="$w" 'BEGIN { print n / w }')" \
    "$(awk -v m="$m" 'BEGIN { print m / 1024 }')"
done
awk -v g="$W_gdelt" -v i="$W_icews" -v cg="$C_gdelt" -v ci="$C_icews" 'BEGIN {
  printf "ratio ICEWS/GDELT rows/s: %.2f by wall time, %.2f by CPU time (goal >= 0.60)\n",
    g / i, cg / ci }'

if [ -n "${PROFILE:-}" ]; then
  command -v valgrind >/dev/null || { echo "PROFILE: needs valgrind" >&2; exit 1; }
  head -n "$((PROFILE + 1))" "$icews" >"$T/profile.tab"
  "$CAW" --db "$T/p.db" init -q --empty
  valgrind --tool=callgrind --callgrind-out-file="$T/cg.out" \
    "$CAW" --db "$T/p.db" import -q "$T/profile.tab" >/dev/null 2>&1
  callgrind_annotate --inclusive=no "$T/cg.out" 2>/dev/null | sed -n '1,40p'
fi

#!/bin/bash
# bench/polecat_bench.sh -- how fast is `caw import` on POLECAT, measured
# against GDELT in the same run? A benchmark, not a test.
#
#   bench/polecat_bench.sh [N] [SEED]      (default 1000000 rows, seed 1)
#
# Generates N synthetic rows of each (GDELT 2.0: ../shared/tools/
# gen_events.py N SEED; POLECAT: bench/gen_polecat.py N SEED; both kept in
# $BENCH_CACHE, default /tmp, for the next run), then times, each into a
# fresh empty database, `caw import -q FILE` of the GDELT file and of the
# POLECAT file, with /usr/bin/time (wall, user+sys CPU, peak RSS), best
# of $RUNS (default 1) runs each, alternating the two. Prints rows/s and
# POLECAT's rows/s as a share of GDELT's. Goal: >= 0.60 (issue 13).
# Env: CAW (binary, default build/caw), GEN (the GDELT generator; else
#      $CAW_SHARED_DATA/../tools/gen_events.py), RUNS,
#      BENCH_CACHE, PROFILE=ROWS (also run callgrind on the first ROWS
#      POLECAT rows and print where caw's instructions go).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
CAW=${CAW:-$src/build/caw}
GEN=${GEN:-$src/../shared/tools/gen_events.py}
if [ ! -f "$GEN" ] && [ -n "${CAW_SHARED_DATA:-}" ]; then
  GEN=$CAW_SHARED_DATA/../tools/gen_events.py # beside the shared samples
fi
N=${1:-1000000}
SEED=${2:-1}
RUNS=${RUNS:-1}
CACHE=${BENCH_CACHE:-/tmp}
if [ ! -x /usr/bin/time ]; then
  echo "polecat_bench: needs /usr/bin/time (apt-get install time)" >&2
  exit 1
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/caw-polecat-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT

gdelt="$CACHE/caw-gdelt-bench-$N-$SEED.tsv" # the file gdelt_bench.sh uses
if [ ! -s "$gdelt" ]; then
  echo "generating $N GDELT rows (seed $SEED) into $gdelt ..." >&2
  python3 "$GEN" "$N" "$SEED" >"$gdelt.part"
  mv "$gdelt.part" "$gdelt"
fi
polecat="$CACHE/caw-polecat-bench-$N-$SEED.tsv"
if [ ! -s "$polecat" ]; then
  echo "generating $N POLECAT rows (seed $SEED) into $polecat ..." >&2
  python3 "$here/gen_polecat.py" "$N" "$SEED" >"$polecat.part"
  mv "$polecat.part" "$polecat"
fi

# measure LABEL FILE: one run of caw import into a fresh database; keeps
# the best wall time in W_LABEL, with C_LABEL (user+sys s), M_LABEL (KiB)
measure() {
  local label=$1 file=$2 wall user sys rss best
  rm -f "$T/$label.db" "$T/$label.db-wal" "$T/$label.db-shm"
  "$CAW" --db "$T/$label.db" init --empty -q
  /usr/bin/time -f "%e %U %S %M" -o "$T/$label.time" \
    "$CAW" --db "$T/$label.db" import -q "$file" >"$T/$label.out" 2>"$T/$label.err" || {
    echo "polecat_bench: $label failed:" >&2; cat "$T/$label.err" >&2; exit 1; }
  read -r wall user sys rss <"$T/$label.time"
  eval "best=\${W_$label:-}"
  if [ -z "$best" ] || awk -v a="$wall" -v b="$best" 'BEGIN { exit !(a < b) }'; then
    eval "W_$label=$wall C_$label=$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }') M_$label=$rss"
  fi
}

echo "files: $gdelt ($(($(stat -c %s "$gdelt") / 1048576)) MiB), $polecat" \
     "($(($(stat -c %s "$polecat") / 1048576)) MiB); $N rows each; runs: $RUNS" >&2
for i in $(seq 1 "$RUNS"); do
  measure gdelt "$gdelt"
  measure polecat "$polecat"
done
events() {
  "$CAW" --db "$T/$1.db" run -e 'for r in caw.sql("SELECT count(*) AS n FROM coded") do print(r.n) end'
}

row() { # label wall cpu rss
  awk -v l="$1" -v w="$2" -v c="$3" -v m="$4" -v n="$N" \
    'BEGIN { printf "%-28s %8.2f s %8.2f s %9.0f rows/s %7.1f MiB\n", l, w, c, n / w, m / 1024 }'
}
echo
printf '%-28s %10s %10s %16s %11s\n' "" "wall" "cpu" "" "peak RSS"
row "caw import, GDELT 2.0" "$W_gdelt" "$C_gdelt" "$M_gdelt"
row "caw import, POLECAT" "$W_polecat" "$C_polecat" "$M_polecat"
echo "GDELT: $(events gdelt) events stored (rows merged by dedup); POLECAT: $(events polecat) events (no dedup)"
awk -v g="$W_gdelt" -v p="$W_polecat" -v gc="$C_gdelt" -v pc="$C_polecat" 'BEGIN {
  printf "POLECAT / GDELT rows/s: %.2f by wall time (goal >= 0.60: %s), %.2f by CPU time\n",
    g / p, (g / p >= 0.60) ? "met" : "MISSED", gc / pc
}'

if [ -n "${PROFILE:-}" ]; then
  head -n "$((PROFILE + 1))" "$polecat" >"$T/profile.tsv"
  "$CAW" --db "$T/prof.db" init --empty -q
  valgrind --tool=callgrind --callgrind-out-file="$T/callgrind.out" \
    "$CAW" --db "$T/prof.db" import -q "$T/profile.tsv" 2>/dev/null
  echo
  echo "callgrind, first $PROFILE POLECAT rows: inclusive instructions by named function (top 30)"
  callgrind_annotate --inclusive=yes "$T/callgrind.out" 2>/dev/null |
    grep -E '^ *[0-9,]+ \(' | grep -v -e "'2 " -e '???:0x' | grep -F '[' | head -30
fi

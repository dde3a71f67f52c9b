# bench/lib.sh -- what the import benchmarks share: settings from the
# environment, the scratch folder, and synthetic files kept between runs.
# Sourced by gdelt_bench.sh and sources_bench.sh, after `set -eu`.
#
#   bench_setup NAME       sets here, src, CAW, GEN, N, SEED, RUNS, CACHE
#                          and T (a scratch folder removed on exit)
#   bench_file VAR FILE CMD...
#                          FILE in $CACHE, written by CMD when missing;
#                          its path in VAR
# Env: CAW (binary, default build/caw), GEN (the GDELT generator, default
#      ../shared/tools/gen_events.py, else $CAW_SHARED_DATA/../tools/),
#      RUNS (default 1), BENCH_CACHE (default /tmp).

bench_setup() {
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
    echo "$BENCH: needs /usr/bin/time (apt-get install time)" >&2
    exit 1
  fi
  T=$(mktemp -d "${TMPDIR:-/tmp}/caw-$BENCH.XXXXXX")
  trap 'rm -rf "$T"' EXIT
}

bench_file() {
  local var=$1 file=$CACHE/$2
  shift 2
  if [ ! -s "$file" ]; then
    echo "generating $file ..." >&2
    "$@" >"$file.part"
    mv "$file.part" "$file"
  fi
  eval "$var=\$file"
}

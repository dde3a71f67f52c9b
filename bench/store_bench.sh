#!/bin/bash
# bench/store_bench.sh [N] -- caw.add_event / caw.events{} against a raw
# SQLite C loop doing the same work on the same schema, in the same run.
# Prints rows/s and the ratio caw/raw (1.0 = as fast as raw SQLite).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
CAW=${CAW:-$here/../build/caw}
N=${1:-100000}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
gcc -O2 -o "$T/baseline" "$here/store_baseline.c" $(pkg-config --cflags --libs sqlite3)
"$CAW" --db "$T/raw.db" init --empty -q
"$CAW" --db "$T/raw.db" run -e 'for _, c in ipairs{"KAZ","KGZ","TJK","TKM","UZB","RUS","CHN","USA","GBR","EU"} do caw.put_actor{code=c, name=c, kind="state"} end'
cp "$T/raw.db" "$T/caw.db"
raw=$("$T/baseline" "$T/raw.db" "$N")
cawout=$("$CAW" --db "$T/caw.db" run "$here/store_bench.lua" "$N")
echo "$raw"; echo "$cawout"
awk -v n="$N" '
  /^raw insert/ {ri=$3} /^raw iterate/ {rt=$3}
  /^caw insert/ {ci=$3} /^caw iterate/ {ct=$3}
  END {
    printf "insert  %d events: caw %.0f rows/s, raw SQLite %.0f rows/s, ratio %.2fx\n", n, n/ci, n/ri, ci/ri
    printf "iterate %d events: caw %.0f rows/s, raw SQLite %.0f rows/s, ratio %.2fx\n", n, n/ct, n/rt, ct/rt
  }' <<<"$raw
$cawout"

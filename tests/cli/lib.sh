# tests/cli/lib.sh -- helpers for the end-to-end tests (sourced).
# Env: CAW (binary), CAW_SRC (source tree), CAW_SHARED_DATA (real data;
# else CAW_SHARED_DATA_DEFAULT, the folder CMake was given), CI.
set -u
: "${CAW:?CAW must name the caw binary}"
: "${CAW_SRC:?CAW_SRC must name the source tree}"
T=$(mktemp -d "${TMPDIR:-/tmp}/caw-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
export HOME="$T/home" XDG_DATA_HOME="$T/xdg"
unset CAW_DB CAW_PLUGIN_PATH
mkdir -p "$HOME"
# CAW_VALGRIND=1: every caw run goes through valgrind memcheck; any error
# or definite leak fails the command with exit 99.
if [ -n "${CAW_VALGRIND:-}" ]; then
  printf '#!/bin/sh\nexec valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite "%s" "$@"\n' "$CAW" >"$T/caw-vg"
  chmod +x "$T/caw-vg"
  CAW="$T/caw-vg"
fi
failures=0
checks=0
# The bundled dataset's events (data/central_asia.json; docs/dataset.md).
BUNDLED=243

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
ok() { checks=$((checks + 1)); }

# run CMD...: runs, captures stdout in $T/out, stderr in $T/err, code in $rc
run() {
  set +e
  "$@" >"$T/out" 2>"$T/err"
  rc=$?
  set -e
}

expect_rc() { # expected description
  if [ "$rc" -ne "$1" ]; then
    fail "$2: exit $rc, expected $1; stderr: $(head -c 600 "$T/err")"
  else ok; fi
}
expect_out() { # pattern description
  if grep -qF -- "$1" "$T/out"; then ok; else fail "$2: stdout lacks '$1'; got: $(head -c 400 "$T/out")"; fi
}
expect_err() { # pattern description
  if grep -qF -- "$1" "$T/err"; then ok; else fail "$2: stderr lacks '$1'; got: $(head -c 600 "$T/err")"; fi
}
expect_not_out() {
  if grep -qF -- "$1" "$T/out"; then fail "$2: stdout has '$1'"; else ok; fi
}
digest() { sha256sum "$1" | cut -c1-64; }

# shared_data NAME...: sets D to the real-data folder and checks that each
# NAME (a path under it) is there. When one is missing the test stops:
# exit 77, which ctest reports as skipped, with a one-line reason; under
# CI=true, where the samples must be present, exit 1, so that a skip
# fails the run.
shared_data() {
  D=${CAW_SHARED_DATA:-${CAW_SHARED_DATA_DEFAULT:-$CAW_SRC/../shared/data}}
  local name
  for name in "$@"; do
    [ -e "$D/$name" ] && continue
    if [ "${CI:-}" = true ]; then
      echo "FAIL: CI=true but the shared sample $D/$name is missing (set CAW_SHARED_DATA)"
      exit 1
    fi
    echo "SKIP: needs the shared sample $D/$name (set CAW_SHARED_DATA)"
    exit 77
  done
}

finish() {
  echo "$checks checks, $failures failed"
  [ "$failures" -eq 0 ]
}
set -e

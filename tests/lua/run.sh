#!/bin/bash
# Run one Lua test script through `caw run` against a fresh database made
# from the bundled dataset. Usage: run.sh tests/lua/test_x.lua
set -u
T=$(mktemp -d "${TMPDIR:-/tmp}/caw-lua.XXXXXX")
trap 'rm -rf "$T"' EXIT
export HOME="$T" XDG_DATA_HOME="$T/xdg"
if [ -n "${CAW_VALGRIND:-}" ]; then
  CAW="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite $CAW"
fi
$CAW --db "$T/test.db" init -q || exit 1
cd "$T" && $CAW --db "$T/test.db" run "$1" "$T"

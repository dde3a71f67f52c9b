#!/bin/bash
# Headless Chromium renders the alignment report's HTML (issue 4): the
# page's DOM holds the inline SVG charts with their lines, and the
# screenshot is a real picture (not blank). Without /usr/bin/chromium the
# test prints SKIP and exits 77 (ctest SKIP_RETURN_CODE).
. "$(dirname "$0")/lib.sh"

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
  echo "SKIP: $CHROMIUM not found"
  exit 77
fi
DB="$T/main.db"
"$CAW" -q --db "$DB" init
"$CAW" --db "$DB" run "$CAW_SRC/plugins/alignment_report.lua" --format html -o "$T/report.html"

chrome() {
  timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$(mktemp -d "$T/profile.XXXXXX")" "$@" 2>"$T/chrome.err"
}

# the DOM after rendering: the inline SVG survived parsing, with lines
chrome --dump-dom "file://$T/report.html" >"$T/dom.html" || fail "chromium --dump-dom failed: $(tail -3 "$T/chrome.err")"
[ "$(grep -o '<svg' "$T/dom.html" | wc -l)" = 10 ] && ok || fail "rendered DOM has ten SVG charts (share and net per state)"
[ "$(grep -o '<polyline' "$T/dom.html" | wc -l)" -ge 10 ] && ok || fail "rendered charts have polylines"
grep -q "Kazakhstan (KAZ)" "$T/dom.html" && ok || fail "rendered DOM has the KAZ section"

# the screenshot: a PNG of real size; a blank or single-colour page of
# 1200x2000 compresses to a few kilobytes
(cd "$T" && chrome --screenshot="$T/shot.png" --window-size=1200,2000 "file://$T/report.html" >/dev/null) ||
  fail "chromium --screenshot failed: $(tail -3 "$T/chrome.err")"
if [ -f "$T/shot.png" ]; then
  [ "$(head -c 8 "$T/shot.png" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] && ok || fail "screenshot is not a PNG"
  size=$(wc -c <"$T/shot.png")
  [ "$size" -gt 50000 ] && ok || fail "screenshot is only $size bytes: a blank page?"
  # a blank page of the same size, for scale
  printf '<!DOCTYPE html><html><body></body></html>' >"$T/blank.html"
  (cd "$T" && chrome --screenshot="$T/blank.png" --window-size=1200,2000 "file://$T/blank.html" >/dev/null) || true
  if [ -f "$T/blank.png" ]; then
    blank=$(wc -c <"$T/blank.png")
    [ "$size" -gt $((blank * 10)) ] && ok || fail "screenshot ($size bytes) is not much bigger than a blank page ($blank bytes)"
  fi
else
  fail "no screenshot written"
fi
finish

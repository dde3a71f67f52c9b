#!/bin/bash
# Headless Chromium renders the funding report's HTML (issue 10) the way a
# reader's browser does, at 1280 and 800 px: the page is no wider than the
# window (no column cut off), the charts and every note are there, and the
# screenshot is a real picture. Without /usr/bin/chromium: SKIP (exit 77).
. "$(dirname "$0")/lib.sh"

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
  echo "SKIP: $CHROMIUM not found"
  exit 77
fi
DB="$T/main.db"
"$CAW" -q --db "$DB" init
FR="$CAW_SRC/plugins/funding_report.lua"
"$CAW" --db "$DB" run "$FR" --format html -o "$T/all.html"
"$CAW" --db "$DB" run "$FR" --country KAZ --format html -o "$T/kaz.html"

chrome() {
  timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --hide-scrollbars \
    --user-data-dir="$(mktemp -d "$T/profile.XXXXXX")" "$@" 2>"$T/chrome.err"
}

# The page's own width after layout: a copy of the report with a script
# that writes document.documentElement.scrollWidth (the widest thing on
# the page) into the DOM, read back with --dump-dom.
measure() { # file width -> prints the scroll width
  sed 's#</body>#<script>document.body.setAttribute("data-scroll-width", document.documentElement.scrollWidth)</script></body>#' \
    "$1" >"$T/measure.html"
  chrome --window-size="$2",900 --virtual-time-budget=2000 --dump-dom "file://$T/measure.html" |
    grep -o 'data-scroll-width="[0-9]*"' | grep -o '[0-9]*'
}
for page in all kaz; do
  for w in 1280 800; do
    sw=$(measure "$T/$page.html" $w)
    [ -n "$sw" ] || { fail "$page at $w px: no width measured: $(tail -3 "$T/chrome.err")"; continue; }
    [ "$sw" -le "$w" ] && ok || fail "$page report at $w px is $sw px wide: a column is cut off"
  done
done

# the rendered DOM has both charts and the notes
chrome --window-size=1280,900 --dump-dom "file://$T/all.html" >"$T/dom.html" || fail "chromium --dump-dom failed"
[ "$(grep -o '<svg' "$T/dom.html" | wc -l)" = 2 ] && ok || fail "rendered DOM has two charts (firm, pledged)"
grep -q '<h2>Not converted</h2>' "$T/dom.html" && ok || fail "rendered page lists lines not converted"

# screenshots at both widths are real pictures
for w in 1280 800; do
  (cd "$T" && chrome --screenshot="$T/shot$w.png" --window-size=$w,2400 "file://$T/all.html" >/dev/null) ||
    fail "chromium --screenshot at $w failed: $(tail -3 "$T/chrome.err")"
  if [ -f "$T/shot$w.png" ]; then
    [ "$(head -c 8 "$T/shot$w.png" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] && ok || fail "screenshot is not a PNG"
    size=$(wc -c <"$T/shot$w.png")
    [ "$size" -gt 50000 ] && ok || fail "screenshot at $w px is only $size bytes: a blank page?"
    [ -n "${CAW_KEEP_SHOTS:-}" ] && cp "$T/shot$w.png" "$CAW_KEEP_SHOTS/funding-$w.png"
  else
    fail "no screenshot written at $w px"
  fi
done
finish

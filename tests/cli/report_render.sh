#!/bin/bash
# Both reports' HTML as a reader sees it (issues 4 and 10): headless
# Chromium lays each page out in a 1280 px and an 800 px window. The page
# must be no wider than the window (wide tables scroll in their own box,
# long titles wrap, charts shrink), the rendered DOM holds the charts and
# every note, and a screenshot at each width is a real picture, not a
# blank page. The width is measured by a copy of the page with one script
# added (the reports themselves have none). CAW_KEEP_SCREENSHOTS=DIR keeps
# the screenshots to look at. Without /usr/bin/chromium: SKIP (exit 77).
. "$(dirname "$0")/lib.sh"

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
  echo "SKIP: $CHROMIUM not found"
  exit 77
fi
DB="$T/main.db"
"$CAW" -q --db "$DB" init
"$CAW" --db "$DB" run "$CAW_SRC/plugins/alignment_report.lua" --format html -o "$T/alignment.html"
"$CAW" --db "$DB" run "$CAW_SRC/plugins/funding_report.lua" --format html -o "$T/funding.html"
"$CAW" --db "$DB" run "$CAW_SRC/plugins/funding_report.lua" --country KAZ --format html -o "$T/funding-kaz.html"

chrome() {
  timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --hide-scrollbars \
    --user-data-dir="$(mktemp -d "$T/profile.XXXXXX")" "$@" 2>"$T/chrome.err"
}

# the page's scroll width and the window's inner width, once laid out
measure() { # file width
  sed 's|</body>|<script>window.addEventListener("load", function () { var e = document.documentElement, p = document.createElement("p"); p.id = "caw-width"; p.textContent = e.scrollWidth + " " + e.clientWidth; document.body.appendChild(p); });</script></body>|' \
    "$1" >"$T/measure.html"
  chrome --window-size="$2,900" --dump-dom "file://$T/measure.html" | grep -o 'id="caw-width">[0-9]* [0-9]*' | sed 's/.*>//'
}

# the check itself catches a page that is too wide
printf '<!DOCTYPE html><html><body><div style="width:2000px">wide</div></body></html>' >"$T/wide.html"
set -- $(measure "$T/wide.html" 800)
[ "${1:-0}" -gt "${2:-0}" ] && ok || fail "the width check does not see a 2000 px page in an 800 px window (${1:-?} ${2:-?})"

# a blank page's screenshot, for scale: a real report compresses to far more
printf '<!DOCTYPE html><html><body></body></html>' >"$T/blank.html"
(cd "$T" && chrome --window-size=1280,2000 --screenshot="$T/blank.png" "file://$T/blank.html" >/dev/null) || true
blank=$(wc -c <"$T/blank.png" 2>/dev/null || echo 5000)

for r in alignment funding funding-kaz; do
  for w in 1280 800; do
    set -- $(measure "$T/$r.html" "$w")
    if [ -z "${1:-}" ]; then
      fail "$r at $w px: no measurement ($(tail -2 "$T/chrome.err"))"
      continue
    fi
    [ "$1" -le "$2" ] && ok || fail "$r report is wider ($1 px) than an $w px window ($2 px): a column is cut off"
    (cd "$T" && chrome --window-size="$w,2000" --screenshot="$T/$r-$w.png" "file://$T/$r.html" >/dev/null) ||
      fail "$r at $w px: chromium --screenshot failed"
    [ "$(head -c 8 "$T/$r-$w.png" 2>/dev/null | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] && ok ||
      { fail "$r at $w px: no PNG screenshot"; continue; }
    size=$(wc -c <"$T/$r-$w.png")
    [ "$size" -gt $((blank * 10)) ] && ok || fail "$r at $w px: the screenshot ($size bytes) is hardly bigger than a blank page ($blank)"
  done
done

# the rendered DOM: the inline SVG charts survived parsing, with their notes
chrome --dump-dom "file://$T/alignment.html" >"$T/dom.html" || fail "chromium --dump-dom failed: $(tail -3 "$T/chrome.err")"
[ "$(grep -o '<svg' "$T/dom.html" | wc -l)" = 10 ] && ok || fail "alignment: ten SVG charts (share and net per state)"
[ "$(grep -o '<polyline' "$T/dom.html" | wc -l)" -ge 10 ] && ok || fail "alignment: the charts have lines"
grep -q "Kazakhstan (KAZ)" "$T/dom.html" && ok || fail "alignment: the KAZ section"
chrome --dump-dom "file://$T/funding.html" >"$T/dom.html" || fail "chromium --dump-dom failed"
[ "$(grep -o '<svg' "$T/dom.html" | wc -l)" = 2 ] && ok || fail "funding: two charts (firm, pledged)"
grep -q '<h2>Money from Central Asian states to partners (not counted above)</h2>' "$T/dom.html" && ok || fail "funding: the money listed apart has its section"
grep -q 'The headline counts money flowing into Central Asia only' "$T/dom.html" && ok || fail "funding: the page says what the headline counts"
if [ -n "${CAW_KEEP_SCREENSHOTS:-}" ]; then cp "$T"/*-1280.png "$T"/*-800.png "$CAW_KEEP_SCREENSHOTS"/; fi
finish

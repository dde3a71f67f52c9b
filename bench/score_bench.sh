#!/bin/bash
# bench/score_bench.sh -- how fast is `caw score`? (a benchmark, not a test)
#
#   bench/score_bench.sh [N] [DB]      (default N = 1000000)
#
# Makes DB (default /tmp/caw-score-bench-N.db) from the bundled dataset
# plus N synthetic events (bench/score_gen.lua) unless it exists, then in
# one `caw run` times, best of 3 each:
#   sql   one SQL GROUP BY summing a base weight per event type for every
#         country × pole × quarter (direct actors, C5 expanded, EU members
#         counted West): the floor any scorer that reads every event pays.
#         (The fastest of the equivalent forms tried; CTE lookup tables
#         joined per row were 3x slower, so they would flatter the ratio.)
#   score lib/score.lua with the default rule per quarter (what
#         `caw score` does, without printing).
# and prints both times (wall and CPU) and their ratio. Target: <= 3x.
# Env: CAW (the binary, default build/caw), RUNS (default 3).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
CAW=${CAW:-$src/build/caw}
N=${1:-1000000}
DB=${2:-/tmp/caw-score-bench-$N.db}
RUNS=${RUNS:-3}

if [ ! -f "$DB" ]; then
  echo "creating $DB with $N synthetic events (once)..." >&2
  "$CAW" -q --db "$DB" init
  "$CAW" --db "$DB" run "$here/score_gen.lua" "$N"
fi

"$CAW" --db "$DB" run -e '
local runs = tonumber((...)) or 3
local score = require("lib.score")
local SQL = [[
SELECT co.country, po.pole,
  strftime("%Y", e.day_lo * 86400, "unixepoch") || "-Q" ||
    ((CAST(strftime("%m", e.day_lo * 86400, "unixepoch") AS INTEGER) + 2) / 3) AS quarter,
  sum(CASE e.type WHEN "agreement" THEN 8.0 WHEN "appointment" THEN 4.0 WHEN "conflict" THEN -10.0
    WHEN "funding" THEN 7.4 WHEN "investment" THEN 6.4 WHEN "meeting" THEN 1.9
    WHEN "military" THEN 8.3 WHEN "protest" THEN -2.0 WHEN "sanction" THEN -6.5
    WHEN "statement" THEN 3.4 WHEN "summit" THEN 7.0 WHEN "trade" THEN 6.4 WHEN "visit" THEN 1.9
    WHEN "vote" THEN 5.0 ELSE 0 END) AS weight,
  count(*) AS n
FROM (SELECT event, actor AS country FROM event_actors
        WHERE actor IN ("KAZ", "KGZ", "TJK", "TKM", "UZB")
      UNION ALL
      SELECT a.event, m.member FROM event_actors a
        JOIN memberships m ON m.grp = "C5" AND a.actor = "C5") co
JOIN (SELECT event, CASE actor WHEN "CHN" THEN "CHN" WHEN "RUS" THEN "RUS" ELSE "WEST" END AS pole
      FROM event_actors
      WHERE actor IN ("USA", "GBR", "EU", "EIB", "G7", "NATO", "CHN", "RUS")
         OR actor IN (SELECT member FROM memberships WHERE grp = "EU")) po ON po.event = co.event
JOIN events e ON e.rowid = co.event
GROUP BY 1, 2, 3]]

local function best(fn)
  local wall, cpu, out = math.huge, math.huge, nil
  for _ = 1, runs do
    collectgarbage()
    local w0, c0 = caw.clock(), os.clock()
    out = fn()
    wall = math.min(wall, caw.clock() - w0)
    cpu = math.min(cpu, os.clock() - c0)
  end
  return wall, cpu, out
end

local sw, sc, groups = best(function()
  local n = 0
  for _ in caw.sql(SQL) do n = n + 1 end
  return n
end)
local lw, lc, res = best(function() return score.score{ period = "quarter" } end)
print(string.format("events:        %d (%d contributions, %d rows)", res.events, res.contributions, #res.rows))
print(string.format("sql group by:  %.2f s wall, %.2f s cpu (%d groups)", sw, sc, groups))
print(string.format("caw score:     %.2f s wall, %.2f s cpu", lw, lc))
print(string.format("ratio:         %.2fx wall, %.2fx cpu (target <= 3x)", lw / sw, lc / sc))
print(string.format("per event:     %.2f us", lw / res.events * 1e6))
' "$RUNS"

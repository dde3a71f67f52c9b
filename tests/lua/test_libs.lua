-- tests/lua/test_libs.lua -- unit tests of the plugin libraries a plugin
-- calls: lib/args, lib/text, lib/where, lib/cameo, and the helpers the
-- importers share (lib/importer.columns, caw.date.OPEN, caw.date.year,
-- an event's provenance).
local t = require("check")
local args = require("lib.args")
local text = require("lib.text")
local where = require("lib.where")
local cameo = require("lib.cameo")
local importer = require("lib.importer")

-- ---- lib/args ----
local spec = {
  usage = "caw demo [OPTIONS]",
  summary = "A demo.",
  options = {
    { "format", arg = "FMT", default = "md", choices = { "md", "csv" }, help = "output format" },
    { "o", long = "output", arg = "FILE", help = "write to FILE" },
    { "dry-run", help = "check only" },
    { "set", arg = "K=V", multi = true, help = "a setting" },
  },
}
local o, rest = args.parse(spec, { "--format=csv", "-o", "out.txt", "--dry-run", "--set", "a=1",
                                   "--set", "b=2", "file1", "--", "--not-an-option" })
t.eq(o.format, "csv", "args: --format=csv")
t.eq(o.output, "out.txt", "args: -o FILE sets the long name")
t.eq(o.dry_run, true, "args: a flag; dashes become underscores")
t.eq(#o.set, 2, "args: a multi option collects")
t.eq(o.set[2], "b=2", "args: in order")
t.eq(rest[1], "file1", "args: positional")
t.eq(rest[2], "--not-an-option", "args: after -- everything is positional")
local d = args.parse(spec, {})
t.eq(d.format, "md", "args: the default")
t.eq(d.dry_run, nil, "args: an absent flag is nil")
t.raises(function() args.parse(spec, { "--colour" }) end, "unknown option '--colour'",
  "args: unknown option", caw.EXIT.USAGE)
t.raises(function() args.parse(spec, { "--format", "pdf" }) end, "pdf",
  "args: a value outside choices", caw.EXIT.USAGE)
t.raises(function() args.parse(spec, { "-o" }) end, "needs FILE",
  "args: a missing value", caw.EXIT.USAGE)
local h = args.help(spec)
t.ok(h:find("usage: caw demo", 1, true), "args.help: usage line")
t.ok(h:find("(md|csv)", 1, true) and h:find("[default: md]", 1, true), "args.help: choices and default")

-- ---- lib/text ----
t.eq(text.csv_field('say "hi", then'), '"say ""hi"", then"', "text.csv_field quotes")
t.eq(text.csv_field(nil), "", "text.csv_field nil")
t.eq(text.csv_row({ "a", "b,c" }), 'a,"b,c"\r\n', "text.csv_row")
t.eq(text.html([[<b>"x" & 'y'</b>]]), "&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;", "text.html")
t.eq(text.safe_url("javascript:alert(1)"), "#", "text.safe_url refuses javascript:")
t.eq(text.safe_url("https://e.org/?a=1&b=2"), "https://e.org/?a=1&amp;b=2", "text.safe_url escapes")
t.eq(text.md("a|b *c*\nd"), "a\\|b \\*c\\* d", "text.md escapes a table cell")
t.eq(text.number(1234567.891), "1,234,568", "text.number")
t.eq(text.number(-1234.5, 1), "-1,234.5", "text.number negative with decimals")
t.eq(text.short_money(62500000), "62.5m", "text.short_money millions")
t.eq(text.short_money(3.7e9), "3.7bn", "text.short_money billions")
t.eq(text.truncate("Kazakhstan", 5), "Kaza…", "text.truncate marks the cut")
t.eq(text.width("Ташкент"), 7, "text.width counts characters")
local tbl = text.table({ "a", "bb" }, { { "xxx", "y" } })
t.ok(tbl:find("xxx", 1, true) and tbl:find("bb", 1, true), "text.table renders")

-- ---- lib/where ----
local day = caw.date.day(2020, 1, 1)
local ca = where.get("ca")
t.eq(ca{ actors = { "KAZ" }, places = {}, day = day }, true, "where ca: a Central Asian actor")
t.eq(ca{ actors = { "USA" }, places = { "UZB" }, day = day }, true, "where ca: a Central Asian place")
t.eq(ca{ actors = { "USA", "GBR" }, places = { "FRA" }, day = day }, false, "where ca: neither")
local poles = where.get("poles")
t.eq(poles{ actors = { "RUS", "CHN" }, places = {}, day = day }, true, "where poles: Russia-China")
t.eq(poles{ actors = { "USA", "GBR" }, places = {}, day = day }, false, "where poles: within the West")
t.eq(poles{ actors = { "RUS" }, places = {}, day = day }, false, "where poles: one actor")
local both = where.get("ca+poles")
t.eq(both{ actors = { "RUS", "USA" }, places = {}, day = day }, true, "where ca+poles: either")
local kaz = where.get("KAZ")
t.eq(kaz{ actors = {}, places = { "KAZ" } }, true, "where KAZ: a bare country code")
t.eq(kaz{ actors = { "UZB" }, places = {} }, false, "where KAZ: another country")
t.raises(function() where.get("nowhere") end, "no filter named 'nowhere'", "where: unknown name", caw.EXIT.USAGE)

-- ---- lib/cameo ----
t.eq(cameo.valid("036"), true, "cameo.valid 3 digits")
t.eq(cameo.valid("0361"), true, "cameo.valid 4 digits")
t.eq(cameo.valid("4a"), false, "cameo.valid letters")
t.eq(cameo.valid("1"), false, "cameo.valid one digit")
t.eq(cameo.valid("12345"), false, "cameo.valid five digits")
t.eq(cameo.type_of("172"), "sanction", "cameo.type_of: a three-digit entry wins")
t.eq(cameo.type_of("173"), "conflict", "cameo.type_of: falls back to the root")
t.eq(cameo.type_of("1731"), "conflict", "cameo.type_of: a four-digit code")
t.eq(cameo.root_of("0361"), "03", "cameo.root_of")
t.eq(cameo.label("036"):find("not specified below", 1, true), nil, "cameo.label drops 'not specified below'")
t.eq(cameo.label("999"), "CAMEO 999", "cameo.label of an unknown code")

-- ---- caw.date.OPEN and caw.date.year ----
t.eq(caw.date.OPEN, 9007199254740992, "caw.date.OPEN is 2^53")
local open_start = caw.date.parse("../2004")
t.eq(open_start.day_lo, -caw.date.OPEN, "an open start is -caw.date.OPEN")
t.eq(caw.date.year(open_start.day_lo), nil, "caw.date.year: nil for an open start")
t.eq(caw.date.year(caw.date.OPEN), nil, "caw.date.year: nil for an open end")
t.eq(caw.date.year(caw.date.day(2024, 3, 15)), 2024, "caw.date.year of a day")
t.eq(caw.date.year(-1), 1969, "caw.date.year before 1970")

-- ---- lib/importer.columns ----
local src = { name = "x.tab" }
local map, idx = importer.columns(src, { " Event ID", "Event Date", "Event ID" },
  { "Event ID", "Event Date", "Intensity" }, { required = { "Event ID", "Event Date" } })
t.eq(map["Event ID"], 1, "importer.columns: trimmed, the first of a repeated name")
t.eq(map["Event Date"], 2, "importer.columns: position")
t.eq(map.Intensity, 0, "importer.columns: 0 for an absent name")
t.eq(idx[3], 0, "importer.columns: positions in the order asked")
local lower = importer.columns(src, { "EVENT_DATE" }, { "event_date" }, { normalize = string.lower })
t.eq(lower.event_date, 1, "importer.columns: normalize")
t.raises(function()
  importer.columns(src, { "Event ID" }, { "Event ID", "Event Date" },
    { required = { "Event ID", "Event Date" }, what = "ICEWS event files" })
end, "x.tab:1: missing column 'Event Date' (ICEWS event files have: Event ID, Event Date)",
  "importer.columns: a missing column", caw.EXIT.DATAERR)

-- ---- provenance ----
local n, bad = 0, nil
for ev in caw.events{ limit = 5 } do
  n = n + 1
  if ev.provenance ~= "curated" then bad = ev.id end
end
t.ok(n == 5 and bad == nil, "every bundled event has provenance 'curated'")
local k = 0
for _ in caw.events{ provenance = "gdelt" } do k = k + 1 end
t.eq(k, 0, "no GDELT events in the bundled database")
t.raises(function() caw.events{ provenance = 3 } end, "provenance", "provenance must be a string")

t.done()

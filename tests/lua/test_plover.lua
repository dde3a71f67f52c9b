-- tests/lua/test_plover.lua -- lib/plover.lua: PLOVER types, modes and
-- contexts to caw types, and its agreement with lib/cameo.lua on the
-- CAMEO codes PLOVER's own conversion table (CAMEO2PLOVER-2021.txt) maps.
local t = require("check")
local plover = require("lib.plover")
local cameo = require("lib.cameo")

-- ---- types, any case, missing values ----
t.eq(plover.type_of("CONSULT"), "meeting", "plover: CONSULT is a meeting")
t.eq(plover.type_of("consult"), "meeting", "plover: types in any case")
t.eq(plover.type_of(" Sanction "), "sanction", "plover: blanks around a type")
t.eq(plover.type_of("PROTEST"), "protest", "plover: PROTEST")
t.eq(plover.type_of("ASSAULT"), "conflict", "plover: ASSAULT")
t.eq(plover.type_of("AGREE"), "statement", "plover: AGREE (CAMEO 03) is a statement")
t.eq(plover.type_of("DEMAND"), "statement", "plover: an earlier draft's DEMAND")
t.eq(plover.type_of("MEET"), nil, "plover: not a PLOVER type")
t.eq(plover.type_of("None"), nil, "plover: None is no type")
t.eq(plover.type_of(""), nil, "plover: empty is no type")

-- ---- modes override the type ----
t.eq(plover.type_of("CONSULT", "visit"), "visit", "plover: CONSULT visit is a visit")
t.eq(plover.type_of("CONSULT", "Visit"), "visit", "plover: modes in any case")
t.eq(plover.type_of("CONSULT", "phone"), "meeting", "plover: CONSULT phone stays a meeting")
t.eq(plover.type_of("CONSULT", "None"), "meeting", "plover: a mode None is no mode")
t.eq(plover.type_of("RETREAT", "ceasefire"), "military", "plover: RETREAT ceasefire")
t.eq(plover.type_of("RETREAT", "release"), "other", "plover: RETREAT release")
t.eq(plover.type_of("COERCE", "restrict"), "sanction", "plover: COERCE restrict (163, 172)")
t.eq(plover.type_of("COERCE", "arrest"), "conflict", "plover: COERCE arrest (173)")
t.eq(plover.type_of("ACCUSE", "investigate"), "other", "plover: ACCUSE investigate (09)")

-- ---- contexts, when there is no mode ----
t.eq(plover.type_of("COOPERATE", "", "economic"), "trade", "plover: COOPERATE economic (061)")
t.eq(plover.type_of("AID", "humanitarian", "military"), "funding", "plover: a mode, even unlisted, wins over a context")
t.eq(plover.type_of("COOPERATE", nil, "diplomatic; military"), "military",
  "plover: a context anywhere in the list")
t.eq(plover.type_of("COOPERATE", nil, "legal"), "other", "plover: COOPERATE legal (063)")
t.eq(plover.type_of("AID", nil, { "peacekeeping" }), "military", "plover: contexts as a list")
t.eq(plover.type_of("ASSAULT", "", "military"), "military", "plover: ASSAULT military, no mode (190)")
t.eq(plover.type_of("ASSAULT", "massacre", "military"), "conflict",
  "plover: a listed mode wins over the context (200)")
t.eq(#plover.contexts_of("economic;  military|cyber"), 3, "plover: ; | separate contexts")
t.eq(#plover.contexts_of("None"), 0, "plover: None is no context")

-- ---- labels and stored codes ----
t.eq(plover.label("consult", "visit"), "Consult (visit)", "plover.label with a mode")
t.eq(plover.label("AID"), "Provide aid", "plover.label")
t.eq(plover.label("nope"), nil, "plover.label of no type")
t.eq(plover.code("consult", "Visit"), "CONSULT/visit", "plover.code")
t.eq(plover.code("SANCTION", "None"), "SANCTION", "plover.code without a mode")
local et, md = plover.split("CONSULT/visit")
t.eq(et .. "|" .. md, "CONSULT|visit", "plover.split")
local et3, md3, ctx3 = plover.split("COOPERATE//economic; energy")
t.eq(et3 .. "|" .. md3 .. "|" .. ctx3, "COOPERATE||economic; energy", "plover.split type/mode/contexts")
t.eq(plover.quads["MATERIAL CONFLICT"], 4, "plover.quads")

-- ---- every type maps to a caw event type ----
local known = {}
for r in caw.sql("SELECT name FROM event_types") do known[r.name] = true end
for k, v in pairs(plover.types) do t.ok(known[v], "plover.types." .. k .. " is a caw type") end
for k, v in pairs(plover.modes) do t.ok(known[v], "plover.modes " .. k .. " is a caw type") end
for k, v in pairs(plover.contexts) do t.ok(known[v], "plover.contexts " .. k .. " is a caw type") end

-- ---- the same event, coded in CAMEO or in PLOVER, gets one caw type ----
-- (code, PLOVER type, mode, context) as CAMEO2PLOVER-2021.txt gives them.
local same = {
  { "036", "AGREE", "", "diplomatic" }, { "040", "CONSULT", "", "" },
  { "042", "CONSULT", "visit", "" }, { "043", "CONSULT", "visit", "" },
  { "041", "CONSULT", "phone", "" }, { "051", "SUPPORT", "", "diplomatic" },
  { "061", "COOPERATE", "", "economic" }, { "062", "COOPERATE", "", "military" },
  { "063", "COOPERATE", "", "legal" }, { "071", "AID", "", "economic" },
  { "072", "AID", "", "military" }, { "074", "AID", "", "peacekeeping" },
  { "081", "CONCEDE", "", "legal" }, { "085", "RETREAT", "ease", "economic" },
  { "0871", "RETREAT", "ceasefire", "military" }, { "086", "RETREAT", "access", "diplomatic" },
  { "091", "ACCUSE", "investigate", "crime; corruption" }, { "1012", "REQUEST", "assist", "military" },
  { "112", "ACCUSE", "disapprove", "" }, { "1212", "REJECT", "assist", "military" },
  { "1312", "THREATEN", "restrict", "economic" }, { "141", "PROTEST", "demo", "" },
  { "145", "PROTEST", "riot", "" }, { "154", "MOBILIZE", "troops", "military" },
  { "161", "SANCTION", "withdraw", "diplomatic" }, { "1621", "SANCTION", "discontinue", "economic" },
  { "163", "COERCE", "restrict", "diplomatic" }, { "172", "COERCE", "restrict", "executive" },
  { "173", "COERCE", "arrest", "legal" }, { "171", "COERCE", "seize", "human_security" },
  { "180", "ASSAULT", "", "" }, { "186", "ASSAULT", "assassinate", "" },
  { "190", "ASSAULT", "", "military" }, { "193", "ASSAULT", "firearms", "military" },
  { "195", "ASSAULT", "heavy-weapons", "military" }, { "202", "ASSAULT", "massacre", "religion_ethnicity" },
}
for _, c in ipairs(same) do
  t.eq(plover.type_of(c[2], c[3], c[4]), cameo.type_of(c[1]),
    string.format("plover %s/%s/%s agrees with CAMEO %s", c[2], c[3], c[4], c[1]))
end
-- Where they part, by design: SUPPORT holds 057 (sign formal agreement,
-- caw agreement) among its praise and endorsements, with no mode that
-- tells it apart, so a SUPPORT event is a statement.
t.eq(plover.type_of("SUPPORT", "", "diplomatic"), "statement", "plover: SUPPORT stays a statement")
t.eq(cameo.type_of("057"), "agreement", "cameo: 057 is an agreement")

t.done()

-- lib/cameo.lua -- CAMEO event codes: their labels, and which caw event
-- type each one becomes. Used by the GDELT and ICEWS importers (both code
-- events in CAMEO). Edit M.types to change the mapping; no rebuild needed.
--
-- CAMEO codes are strings: "016" (deny responsibility) is not "16" (reduce
-- relations), so never turn them into numbers. A code has 2 to 4 digits;
-- its first two are the root ("04" consult), its first three the base
-- ("043" host a visit). The event keeps the original code in `cameo`.
local M = {}

-- Code -> caw event type. type_of looks up the full code, then its base
-- (first 3 digits), then its root (first 2), so an entry for "16" covers
-- every 16x and 16xx code that has no entry of its own. The mapping, by
-- root (docs/importers.md has the reasons):
--   01 statement, 02 appeal, 03 intent to cooperate   -> statement
--   04 consult: 040/041/044/045/046 -> meeting, 042/043 (visits) -> visit
--   05 diplomatic cooperation -> statement, 054 recognition and
--      057 sign formal agreement -> agreement
--   06 material cooperation: 061 economic -> trade, 062 military ->
--      military, others -> other
--   07 aid -> funding (072 military aid and 074 protection -> military)
--   08 yield -> other (085 ease sanctions -> sanction, 087 de-escalate
--      militarily -> military)
--   09 investigate -> other
--   10-13 demand, disapprove, reject, threaten -> statement
--   14 protest -> protest;  15 exhibit force posture -> military
--   16 reduce relations (163 embargo/sanctions, 1621 stop economic
--      assistance, ...) -> sanction
--   17 coerce -> conflict (172 administrative sanctions -> sanction)
--   18 assault -> conflict; 19 fight -> military; 20 mass violence ->
--      conflict
M.types = {
  ["01"] = "statement", ["02"] = "statement", ["03"] = "statement",
  ["04"] = "meeting", ["042"] = "visit", ["043"] = "visit",
  ["05"] = "statement", ["054"] = "agreement", ["057"] = "agreement",
  ["06"] = "other", ["061"] = "trade", ["062"] = "military",
  ["07"] = "funding", ["072"] = "military", ["074"] = "military",
  ["08"] = "other", ["085"] = "sanction", ["087"] = "military",
  ["09"] = "other",
  ["10"] = "statement", ["11"] = "statement", ["12"] = "statement",
  ["13"] = "statement",
  ["14"] = "protest",
  ["15"] = "military",
  ["16"] = "sanction",
  ["17"] = "conflict", ["172"] = "sanction",
  ["18"] = "conflict",
  ["19"] = "military",
  ["20"] = "conflict",
}

local type_memo = {}

-- The caw type of a CAMEO code ("other" for a code the table misses).
function M.type_of(code)
  local t = type_memo[code]
  if t then return t end
  t = M.types[code] or M.types[code:sub(1, 3)] or M.types[code:sub(1, 2)] or "other"
  type_memo[code] = t
  return t
end

-- The root (first two digits) of a code.
function M.root_of(code)
  return code:sub(1, 2)
end

-- Is s a CAMEO event code (2 to 4 digits)?
function M.valid(s)
  return s ~= nil and #s >= 2 and #s <= 4 and not s:find("%D")
end

-- QuadClass (GDELT) -> its name.
M.quad_names = {
  ["1"] = "verbal cooperation", ["2"] = "material cooperation",
  ["3"] = "verbal conflict", ["4"] = "material conflict",
}

-- Event code labels, transcribed from GDELT's CAMEO.eventcodes.txt (root
-- labels in sentence case; the file's mojibake in 044 repaired).
M.labels = {
  ["01"] = "Make public statement",
  ["010"] = "Make statement, not specified below",
  ["011"] = "Decline comment",
  ["012"] = "Make pessimistic comment",
  ["013"] = "Make optimistic comment",
  ["014"] = "Consider policy option",
  ["015"] = "Acknowledge or claim responsibility",
  ["016"] = "Deny responsibility",
  ["017"] = "Engage in symbolic act",
  ["018"] = "Make empathetic comment",
  ["019"] = "Express accord",
  ["02"] = "Appeal",
  ["020"] = "Appeal, not specified below",
  ["021"] = "Appeal for material cooperation, not specified below",
  ["0211"] = "Appeal for economic cooperation",
  ["0212"] = "Appeal for military cooperation",
  ["0213"] = "Appeal for judicial cooperation",
  ["0214"] = "Appeal for intelligence",
  ["022"] = "Appeal for diplomatic cooperation, such as policy support",
  ["023"] = "Appeal for aid, not specified below",
  ["0231"] = "Appeal for economic aid",
  ["0232"] = "Appeal for military aid",
  ["0233"] = "Appeal for humanitarian aid",
  ["0234"] = "Appeal for military protection or peacekeeping",
  ["024"] = "Appeal for political reform, not specified below",
  ["0241"] = "Appeal for change in leadership",
  ["0242"] = "Appeal for policy change",
  ["0243"] = "Appeal for rights",
  ["0244"] = "Appeal for change in institutions, regime",
  ["025"] = "Appeal to yield",
  ["0251"] = "Appeal for easing of administrative sanctions",
  ["0252"] = "Appeal for easing of popular dissent",
  ["0253"] = "Appeal for release of persons or property",
  ["0254"] = "Appeal for easing of economic sanctions, boycott, or embargo",
  ["0255"] = "Appeal for target to allow international involvement (non-mediation)",
  ["0256"] = "Appeal for de-escalation of military engagement",
  ["026"] = "Appeal to others to meet or negotiate",
  ["027"] = "Appeal to others to settle dispute",
  ["028"] = "Appeal to others to engage in or accept mediation",
  ["03"] = "Express intent to cooperate",
  ["030"] = "Express intent to cooperate, not specified below",
  ["031"] = "Express intent to engage in material cooperation, not specified below",
  ["0311"] = "Express intent to cooperate economically",
  ["0312"] = "Express intent to cooperate militarily",
  ["0313"] = "Express intent to cooperate on judicial matters",
  ["0314"] = "Express intent to cooperate on intelligence",
  ["032"] = "Express intent to provide diplomatic cooperation such as policy support",
  ["033"] = "Express intent to provide matyerial aid, not specified below",
  ["0331"] = "Express intent to provide economic aid",
  ["0332"] = "Express intent to provide military aid",
  ["0333"] = "Express intent to provide humanitarian aid",
  ["0334"] = "Express intent to provide military protection or peacekeeping",
  ["034"] = "Express intent to institute political reform, not specified below",
  ["0341"] = "Express intent to change leadership",
  ["0342"] = "Express intent to change policy",
  ["0343"] = "Express intent to provide rights",
  ["0344"] = "Express intent to change institutions, regime",
  ["035"] = "Express intent to yield, not specified below",
  ["0351"] = "Express intent to ease administrative sanctions",
  ["0352"] = "Express intent to ease popular dissent",
  ["0353"] = "Express intent to release persons or property",
  ["0354"] = "Express intent to ease economic sanctions, boycott, or embargo",
  ["0355"] = "Express intent allow international involvement (not mediation)",
  ["0356"] = "Express intent to de-escalate military engagement",
  ["036"] = "Express intent to meet or negotiate",
  ["037"] = "Express intent to settle dispute",
  ["038"] = "Express intent to accept mediation",
  ["039"] = "Express intent to mediate",
  ["04"] = "Consult",
  ["040"] = "Consult, not specified below",
  ["041"] = "Discuss by telephone",
  ["042"] = "Make a visit",
  ["043"] = "Host a visit",
  ["044"] = "Meet at a 'third' location",
  ["045"] = "Mediate",
  ["046"] = "Engage in negotiation",
  ["05"] = "Engage in diplomatic cooperation",
  ["050"] = "Engage in diplomatic cooperation, not specified below",
  ["051"] = "Praise or endorse",
  ["052"] = "Defend verbally",
  ["053"] = "Rally support on behalf of",
  ["054"] = "Grant diplomatic recognition",
  ["055"] = "Apologize",
  ["056"] = "Forgive",
  ["057"] = "Sign formal agreement",
  ["06"] = "Engage in material cooperation",
  ["060"] = "Engage in material cooperation, not specified below",
  ["061"] = "Cooperate economically",
  ["062"] = "Cooperate militarily",
  ["063"] = "Engage in judicial cooperation",
  ["064"] = "Share intelligence or information",
  ["07"] = "Provide aid",
  ["070"] = "Provide aid, not specified below",
  ["071"] = "Provide economic aid",
  ["072"] = "Provide military aid",
  ["073"] = "Provide humanitarian aid",
  ["074"] = "Provide military protection or peacekeeping",
  ["075"] = "Grant asylum",
  ["08"] = "Yield",
  ["080"] = "Yield, not specified below",
  ["081"] = "Ease administrative sanctions, not specified below",
  ["0811"] = "Ease restrictions on political freedoms",
  ["0812"] = "Ease ban on political parties or politicians",
  ["0813"] = "Ease curfew",
  ["0814"] = "Ease state of emergency or martial law",
  ["082"] = "Ease political dissent",
  ["083"] = "Accede to requests or demands for political reform not specified below",
  ["0831"] = "Accede to demands for change in leadership",
  ["0832"] = "Accede to demands for change in policy",
  ["0833"] = "Accede to demands for rights",
  ["0834"] = "Accede to demands for change in institutions, regime",
  ["084"] = "Return, release, not specified below",
  ["0841"] = "Return, release person(s)",
  ["0842"] = "Return, release property",
  ["085"] = "Ease economic sanctions, boycott, embargo",
  ["086"] = "Allow international involvement not specified below",
  ["0861"] = "Receive deployment of peacekeepers",
  ["0862"] = "Receive inspectors",
  ["0863"] = "Allow delivery of humanitarian aid",
  ["087"] = "De-escalate military engagement",
  ["0871"] = "Declare truce, ceasefire",
  ["0872"] = "Ease military blockade",
  ["0873"] = "Demobilize armed forces",
  ["0874"] = "Retreat or surrender militarily",
  ["09"] = "Investigate",
  ["090"] = "Investigate, not specified below",
  ["091"] = "Investigate crime, corruption",
  ["092"] = "Investigate human rights abuses",
  ["093"] = "Investigate military action",
  ["094"] = "Investigate war crimes",
  ["10"] = "Demand",
  ["100"] = "Demand, not specified below",
  ["101"] = "Demand information, investigation",
  ["1011"] = "Demand economic cooperation",
  ["1012"] = "Demand military cooperation",
  ["1013"] = "Demand judicial cooperation",
  ["1014"] = "Demand intelligence cooperation",
  ["102"] = "Demand policy support",
  ["103"] = "Demand aid, protection, or peacekeeping",
  ["1031"] = "Demand economic aid",
  ["1032"] = "Demand military aid",
  ["1033"] = "Demand humanitarian aid",
  ["1034"] = "Demand military protection or peacekeeping",
  ["104"] = "Demand political reform, not specified below",
  ["1041"] = "Demand change in leadership",
  ["1042"] = "Demand policy change",
  ["1043"] = "Demand rights",
  ["1044"] = "Demand change in institutions, regime",
  ["105"] = "Demand mediation",
  ["1051"] = "Demand easing of administrative sanctions",
  ["1052"] = "Demand easing of political dissent",
  ["1053"] = "Demand release of persons or property",
  ["1054"] = "Demand easing of economic sanctions, boycott, or embargo",
  ["1055"] = "Demand that target allows international involvement (non-mediation)",
  ["1056"] = "Demand de-escalation of military engagement",
  ["106"] = "Demand withdrawal",
  ["107"] = "Demand ceasefire",
  ["108"] = "Demand meeting, negotiation",
  ["11"] = "Disapprove",
  ["110"] = "Disapprove, not specified below",
  ["111"] = "Criticize or denounce",
  ["112"] = "Accuse, not specified below",
  ["1121"] = "Accuse of crime, corruption",
  ["1122"] = "Accuse of human rights abuses",
  ["1123"] = "Accuse of aggression",
  ["1124"] = "Accuse of war crimes",
  ["1125"] = "Accuse of espionage, treason",
  ["113"] = "Rally opposition against",
  ["114"] = "Complain officially",
  ["115"] = "Bring lawsuit against",
  ["116"] = "Find guilty or liable (legally)",
  ["12"] = "Reject",
  ["120"] = "Reject, not specified below",
  ["121"] = "Reject material cooperation",
  ["1211"] = "Reject economic cooperation",
  ["1212"] = "Reject military cooperation",
  ["122"] = "Reject request or demand for material aid, not specified below",
  ["1221"] = "Reject request for economic aid",
  ["1222"] = "Reject request for military aid",
  ["1223"] = "Reject request for humanitarian aid",
  ["1224"] = "Reject request for military protection or peacekeeping",
  ["123"] = "Reject request or demand for political reform, not specified below",
  ["1231"] = "Reject request for change in leadership",
  ["1232"] = "Reject request for policy change",
  ["1233"] = "Reject request for rights",
  ["1234"] = "Reject request for change in institutions, regime",
  ["124"] = "Refuse to yield, not specified below",
  ["1241"] = "Refuse to ease administrative sanctions",
  ["1242"] = "Refuse to ease popular dissent",
  ["1243"] = "Refuse to release persons or property",
  ["1244"] = "Refuse to ease economic sanctions, boycott, or embargo",
  ["1245"] = "Refuse to allow international involvement (non mediation)",
  ["1246"] = "Refuse to de-escalate military engagement",
  ["125"] = "Reject proposal to meet, discuss, or negotiate",
  ["126"] = "Reject mediation",
  ["127"] = "Reject plan, agreement to settle dispute",
  ["128"] = "Defy norms, law",
  ["129"] = "Veto",
  ["13"] = "Threaten",
  ["130"] = "Threaten, not specified below",
  ["131"] = "Threaten non-force, not specified below",
  ["1311"] = "Threaten to reduce or stop aid",
  ["1312"] = "Threaten to boycott, embargo, or sanction",
  ["1313"] = "Threaten to reduce or break relations",
  ["132"] = "Threaten with administrative sanctions, not specified below",
  ["1321"] = "Threaten to impose restrictions on political freedoms",
  ["1322"] = "Threaten to ban political parties or politicians",
  ["1323"] = "Threaten to impose curfew",
  ["1324"] = "Threaten to impose state of emergency or martial law",
  ["133"] = "Threaten political dissent, protest",
  ["134"] = "Threaten to halt negotiations",
  ["135"] = "Threaten to halt mediation",
  ["136"] = "Threaten to halt international involvement (non-mediation)",
  ["137"] = "Threaten with violent repression",
  ["138"] = "Threaten to use military force, not specified below",
  ["1381"] = "Threaten blockade",
  ["1382"] = "Threaten occupation",
  ["1383"] = "Threaten unconventional violence",
  ["1384"] = "Threaten conventional attack",
  ["1385"] = "Threaten attack with WMD",
  ["139"] = "Give ultimatum",
  ["14"] = "Protest",
  ["140"] = "Engage in political dissent, not specified below",
  ["141"] = "Demonstrate or rally",
  ["1411"] = "Demonstrate for leadership change",
  ["1412"] = "Demonstrate for policy change",
  ["1413"] = "Demonstrate for rights",
  ["1414"] = "Demonstrate for change in institutions, regime",
  ["142"] = "Conduct hunger strike, not specified below",
  ["1421"] = "Conduct hunger strike for leadership change",
  ["1422"] = "Conduct hunger strike for policy change",
  ["1423"] = "Conduct hunger strike for rights",
  ["1424"] = "Conduct hunger strike for change in institutions, regime",
  ["143"] = "Conduct strike or boycott, not specified below",
  ["1431"] = "Conduct strike or boycott for leadership change",
  ["1432"] = "Conduct strike or boycott for policy change",
  ["1433"] = "Conduct strike or boycott for rights",
  ["1434"] = "Conduct strike or boycott for change in institutions, regime",
  ["144"] = "Obstruct passage, block",
  ["1441"] = "Obstruct passage to demand leadership change",
  ["1442"] = "Obstruct passage to demand policy change",
  ["1443"] = "Obstruct passage to demand rights",
  ["1444"] = "Obstruct passage to demand change in institutions, regime",
  ["145"] = "Protest violently, riot",
  ["1451"] = "Engage in violent protest for leadership change",
  ["1452"] = "Engage in violent protest for policy change",
  ["1453"] = "Engage in violent protest for rights",
  ["1454"] = "Engage in violent protest for  change in institutions, regime",
  ["15"] = "Exhibit force posture",
  ["150"] = "Demonstrate military or police power, not specified below",
  ["151"] = "Increase police alert status",
  ["152"] = "Increase military alert status",
  ["153"] = "Mobilize or increase police power",
  ["154"] = "Mobilize or increase armed forces",
  ["16"] = "Reduce relations",
  ["160"] = "Reduce relations, not specified below",
  ["161"] = "Reduce or break diplomatic relations",
  ["162"] = "Reduce or stop aid, not specified below",
  ["1621"] = "Reduce or stop economic assistance",
  ["1622"] = "Reduce or stop military assistance",
  ["1623"] = "Reduce or stop humanitarian assistance",
  ["163"] = "Impose embargo, boycott, or sanctions",
  ["164"] = "Halt negotiations",
  ["165"] = "Halt mediation",
  ["166"] = "Expel or withdraw, not specified below",
  ["1661"] = "Expel or withdraw peacekeepers",
  ["1662"] = "Expel or withdraw inspectors, observers",
  ["1663"] = "Expel or withdraw aid agencies",
  ["17"] = "Coerce",
  ["170"] = "Coerce, not specified below",
  ["171"] = "Seize or damage property, not specified below",
  ["1711"] = "Confiscate property",
  ["1712"] = "Destroy property",
  ["172"] = "Impose administrative sanctions, not specified below",
  ["1721"] = "Impose restrictions on political freedoms",
  ["1722"] = "Ban political parties or politicians",
  ["1723"] = "Impose curfew",
  ["1724"] = "Impose state of emergency or martial law",
  ["173"] = "Arrest, detain, or charge with legal action",
  ["174"] = "Expel or deport individuals",
  ["175"] = "Use tactics of violent repression",
  ["18"] = "Assault",
  ["180"] = "Use unconventional violence, not specified below",
  ["181"] = "Abduct, hijack, or take hostage",
  ["182"] = "Physically assault, not specified below",
  ["1821"] = "Sexually assault",
  ["1822"] = "Torture",
  ["1823"] = "Kill by physical assault",
  ["183"] = "Conduct suicide, car, or other non-military bombing, not spec below",
  ["1831"] = "Carry out suicide bombing",
  ["1832"] = "Carry out car bombing",
  ["1833"] = "Carry out roadside bombing",
  ["184"] = "Use as human shield",
  ["185"] = "Attempt to assassinate",
  ["186"] = "Assassinate",
  ["19"] = "Fight",
  ["190"] = "Use conventional military force, not specified below",
  ["191"] = "Impose blockade, restrict movement",
  ["192"] = "Occupy territory",
  ["193"] = "Fight with small arms and light weapons",
  ["194"] = "Fight with artillery and tanks",
  ["195"] = "Employ aerial weapons",
  ["196"] = "Violate ceasefire",
  ["20"] = "Use unconventional mass violence",
  ["200"] = "Use unconventional mass violence, not specified below",
  ["201"] = "Engage in mass expulsion",
  ["202"] = "Engage in mass killings",
  ["203"] = "Engage in ethnic cleansing",
  ["204"] = "Use weapons of mass destruction, not specified below",
  ["2041"] = "Use chemical, biological, or radiologicalweapons",
  ["2042"] = "Detonate nuclear weapons",
}

local label_memo = {}

-- A short label for a code, for event titles: "Make a visit", "Consult"
-- (", not specified below" dropped). Unknown codes give "CAMEO <code>".
function M.label(code)
  local l = label_memo[code]
  if l then return l end
  l = M.labels[code]
  l = l and l:gsub(",?%s*not specified below$", "") or ("CAMEO " .. code)
  label_memo[code] = l
  return l
end

-- ---- CAMEO actor codes (GDELT Actor*CountryCode, Actor*Code) ----

-- CAMEO country codes that are not the ISO alpha-3 code caw uses. GDELT
-- writes EUR for the European Union (Actor1Code IGOEUREEC).
M.country_codes = {
  EUR = "EU", ROM = "ROU", USR = "SUN", CZA = "CSK", GME = "DDR",
  FRY = "YUG", TMP = "TLS", ZAR = "COD", BUR = "MMR", MTN = "MNE",
}

-- CAMEO region and grouping codes that appear where a country code goes,
-- with their labels (CAMEO manual, table 7.1). They become caw actors of
-- kind "bloc".
M.regions = {
  AFR = "Africa", ASA = "Asia", BLK = "Balkans", CAS = "Central Asia",
  CAU = "Caucasus", CEU = "Central Europe", CFR = "Central Africa",
  CRB = "Caribbean", EAF = "Eastern Africa", EEU = "Eastern Europe",
  EIN = "East Indies", LAM = "Latin America", MDT = "Mediterranean",
  MEA = "Middle East", NAF = "North Africa", NMR = "North America",
  PGS = "Persian Gulf", SAF = "Southern Africa", SAM = "South America",
  SAS = "South Asia", SCN = "Scandinavia", SEA = "Southeast Asia",
  WAF = "West Africa", WST = "the West", KAS = "Kashmir",
}

-- CAMEO organisation codes (Actor*Code when there is no country code)
-- that stand for an actor caw already knows.
M.organisations = {
  IGOUNO = "UN", IGOEUREEC = "EU", IGOWSTNAT = "NATO", IGOASCIS = "CIS",
  IGOEURDEVEBR = "EBRD", IGOBUSGOS = "G7",
}

return M

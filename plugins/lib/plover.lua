-- lib/plover.lua -- PLOVER event types and modes: their labels, and which
-- caw event type each becomes. Used by the POLECAT importer (POLECAT codes
-- events in PLOVER, the ontology that replaced CAMEO). Edit M.types,
-- M.modes and M.contexts to change the mapping; no rebuild needed.
--
-- PLOVER keeps CAMEO's two-digit categories as 16 event types (CAMEO's 01
-- comments and 02 appeals are dropped; 08 yield is split into CONCEDE and
-- RETREAT) and moves CAMEO's 3- and 4-digit detail into a mode ("how":
-- CONSULT visit, SANCTION expel) and a list of contexts ("why": economic,
-- military, ...). An event has one type, at most one mode and any number
-- of contexts.
--
-- The mapping is derived from CAMEO's (lib/cameo.lua), so that an event
-- gets the same caw type whichever scheme coded it: PLOVER's own table
-- CAMEO2PLOVER-2021.txt (OEDA, PLOVER draft 0.8) gives each CAMEO code a
-- PLOVER type, mode and context; lib/cameo.lua gives it a caw type; the
-- caw type most of a PLOVER type's CAMEO codes get is the type's, and a
-- mode (or, without a mode, a context) whose CAMEO codes all get another
-- caw type overrides it. docs/importers.md has the table of counts behind each line.
local M = {}

-- PLOVER event type -> caw type (the majority of its CAMEO codes).
--   AGREE (CAMEO 03, 28 codes), REQUEST (10, 27), ACCUSE (11, 12 of 17),
--   REJECT (12, 28), THREATEN (13, 22)                    -> statement
--   SUPPORT (05: 6 of 8 codes; 054 and 057 are agreement) -> statement
--   CONSULT (04)   -> meeting        CONCEDE (08x verbal)  -> other
--   COOPERATE (06: 3 of 5)  -> other AID (07: 4 of 6)      -> funding
--   RETREAT (08x material: 9 of 15) -> other
--   PROTEST (14)   -> protest        MOBILIZE (15)         -> military
--   SANCTION (16)  -> sanction       ASSAULT (18-20: 23 of 28) -> conflict
--   COERCE (17): 6 sanction, 5 conflict, 2 military; a COERCE without a
--     mode is CAMEO 170, conflict, and the modes below pick the others.
-- DEMAND, DISAPPROVE and INVESTIGATE are types of PLOVER's earlier drafts
-- (the manual replaced them with REQUEST and ACCUSE); older files use them.
M.types = {
  AGREE = "statement", CONSULT = "meeting", SUPPORT = "statement",
  CONCEDE = "other", COOPERATE = "other", AID = "funding", RETREAT = "other",
  REQUEST = "statement", ACCUSE = "statement", REJECT = "statement",
  THREATEN = "statement", PROTEST = "protest", SANCTION = "sanction",
  MOBILIZE = "military", COERCE = "conflict", ASSAULT = "conflict",
  DEMAND = "statement", DISAPPROVE = "statement", INVESTIGATE = "other",
}

-- "TYPE/mode" -> caw type, where every CAMEO code of that type and mode
-- gets it (CONSULT visit: 042 make and 043 host a visit).
M.modes = {
  ["CONSULT/visit"] = "visit",
  ["AID/military"] = "military",                   -- 072
  ["ACCUSE/investigate"] = "other",                -- 090-094, like 09
  ["RETREAT/ceasefire"] = "military",              -- 0871
  ["RETREAT/disarm"] = "military",                 -- 087, 0873, 0874
  ["RETREAT/withdraw"] = "military",               -- 0872
  ["RETREAT/ease"] = "sanction",                   -- 085 ease sanctions
  ["COERCE/restrict"] = "sanction",                -- 163, 172, 1721
  ["COERCE/ban"] = "sanction",                     -- 1722
  ["COERCE/curfew"] = "sanction",                  -- 1723
  ["COERCE/martial-law"] = "sanction",             -- 1724
  ["ASSAULT/firearms"] = "military",               -- 193
  ["ASSAULT/heavy-weapons"] = "military",          -- 194, 195
}

-- "TYPE/context" -> caw type, for an event without a mode, when one of
-- its contexts is listed (a mode, listed or not, says more than a
-- context: ASSAULT massacre in a military context is CAMEO 200):
-- COOPERATE economic is 061 (trade), military 062; AID military or
-- peacekeeping is 072/074; ASSAULT military without a mode is 190
-- (conventional military force).
M.contexts = {
  ["COOPERATE/economic"] = "trade",
  ["COOPERATE/military"] = "military",
  ["AID/military"] = "military",
  ["AID/peacekeeping"] = "military",
  ["ASSAULT/military"] = "military",
}

-- Labels: the type in sentence case, as PLOVER's manual describes it.
M.labels = {
  AGREE = "Agree", CONSULT = "Consult", SUPPORT = "Support",
  CONCEDE = "Concede", COOPERATE = "Cooperate", AID = "Provide aid",
  RETREAT = "Retreat", REQUEST = "Request", ACCUSE = "Accuse",
  REJECT = "Reject", THREATEN = "Threaten", PROTEST = "Protest",
  SANCTION = "Sanction", MOBILIZE = "Mobilize", COERCE = "Coerce",
  ASSAULT = "Assault", DEMAND = "Demand", DISAPPROVE = "Disapprove",
  INVESTIGATE = "Investigate",
}

-- Quad Code (POLECAT writes it in words) -> CAMEO's QuadClass number.
M.quads = {
  ["VERBAL COOPERATION"] = 1, ["MATERIAL COOPERATION"] = 2,
  ["VERBAL CONFLICT"] = 3, ["MATERIAL CONFLICT"] = 4,
}

-- A missing value: POLECAT writes None (and some files NA or nothing).
local function missing(s)
  return s == nil or s == "" or s == "None" or s == "NA" or s == "none"
end
M.missing = missing

-- The PLOVER type of s ("consult", " CONSULT ") in capitals, or nil.
function M.event_type(s)
  if missing(s) then return nil end
  local t = s:match("^%s*(.-)%s*$"):upper()
  return M.types[t] and t or nil
end

-- A mode as written ("Visit", "none") -> its name in lower case, or nil.
local function mode_of(s)
  if missing(s) then return nil end
  s = s:match("^%s*(.-)%s*$"):lower()
  return s ~= "" and s or nil
end

-- The contexts of a row: a list written "economic; military" (or with
-- commas or |), in lower case. Missing -> {}.
function M.contexts_of(s)
  local t = {}
  if missing(s) then return t end
  for c in s:gmatch("[^;,|]+") do
    c = c:match("^%s*(.-)%s*$"):lower()
    if c ~= "" and not missing(c) then t[#t + 1] = c end
  end
  return t
end

local memo = {}

-- The caw type of a PLOVER event: its type (any case), mode and contexts
-- (a list, or the column as written). nil for a type PLOVER lacks.
function M.type_of(event_type, mode, contexts)
  local et = M.event_type(event_type)
  if not et then return nil end
  local md = mode_of(mode)
  if type(contexts) ~= "table" then contexts = M.contexts_of(contexts) end
  local key = et .. "/" .. (md or "") .. "/" .. table.concat(contexts, ";")
  local t = memo[key]
  if t then return t end
  if md then
    t = M.modes[et .. "/" .. md]
  else
    for _, c in ipairs(contexts) do
      t = M.contexts[et .. "/" .. c]
      if t then break end
    end
  end
  t = t or M.types[et]
  memo[key] = t
  return t
end

-- "Consult (visit)": the type's label, and the mode when there is one.
function M.label(event_type, mode)
  local et = M.event_type(event_type)
  if not et then return nil end
  local md = mode_of(mode)
  return md and (M.labels[et] .. " (" .. md .. ")") or M.labels[et]
end

-- The code an event keeps in `cameo` (scheme plover): "CONSULT", or
-- "CONSULT/visit" with a mode; split() reads it back.
function M.code(event_type, mode)
  local et = M.event_type(event_type)
  if not et then return nil end
  local md = mode_of(mode)
  return md and (et .. "/" .. md) or et
end

-- "TYPE", "TYPE/mode" or "TYPE/mode/contexts" (the POLECAT importer's
-- codes) -> type, mode (or nil), contexts (the text, or nil).
function M.split(code)
  local et, md, ctx = code:match("^([^/]*)/([^/]*)/(.*)$")
  if et then return et, md, ctx end
  et, md = code:match("^([^/]*)/(.*)$")
  if et then return et, md, nil end
  return code, nil, nil
end

return M

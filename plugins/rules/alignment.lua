-- rules/alignment.lua -- caw's default alignment rule (docs/scoring.md).
-- Turns one event into contributions {country, pole, value, factors}:
--
--   value = base × type × level × format × money × certainty × confidence
--
-- and caw spreads each over the quarters (or years) of the event's EDTF
-- day range (the factor "mass"). Copy this file to change more than the
-- parameters allow: `caw score --rule path/to/copy.lua`.
--
-- base: the Goldstein weight of the event's CAMEO code. The event's own
--   `cameo` field wins; without one, the code comes from TYPE_CAMEO below.
--   Sanctions (CAMEO 163, or type sanction without a code) use the
--   `sanction` parameter; UN votes (type vote) use
--   vote_scale·(2a − 1), a = 1 − |v_country − v_pole| (yes 1, abstain ½, no 0).
local poles = require("lib.poles")
local money = require("lib.money")

-- Goldstein weights of the CAMEO codes this rule uses: the 20 root codes
-- and the event codes below. Transcribed from the Goldstein scale for
-- CAMEO as published in GDELT's lookup file CAMEO.goldsteinscale.txt
-- (CAMEOEVENTCODE, GOLDSTEINSCALE; Goldstein 1992, KEDS/Parus CAMEO
-- transliteration). A code not listed here falls back to the event's own
-- `goldstein` value, then to its root code (first two digits).
local GOLDSTEIN = {
  ["01"] = 0.0, ["02"] = 3.0, ["03"] = 4.0, ["04"] = 1.0, ["05"] = 3.5,
  ["06"] = 6.0, ["07"] = 7.0, ["08"] = 5.0, ["09"] = -2.0, ["10"] = -5.0,
  ["11"] = -2.0, ["12"] = -4.0, ["13"] = -6.0, ["14"] = -6.5, ["15"] = -7.2,
  ["16"] = -4.0, ["17"] = -7.0, ["18"] = -9.0, ["19"] = -10.0, ["20"] = -10.0,
  ["010"] = 0.0,  -- make statement
  ["030"] = 4.0,  -- express intent to cooperate
  ["036"] = 4.0,  -- express intent to meet or negotiate
  ["040"] = 1.0,  -- consult
  ["041"] = 1.0,  -- discuss by telephone
  ["042"] = 1.9,  -- make a visit
  ["043"] = 2.8,  -- host a visit
  ["044"] = 2.5,  -- meet at a third location
  ["045"] = 5.0,  -- mediate
  ["046"] = 7.0,  -- engage in negotiation
  ["051"] = 3.4,  -- praise or endorse
  ["057"] = 8.0,  -- sign formal agreement
  ["061"] = 6.4,  -- cooperate economically
  ["062"] = 7.4,  -- cooperate militarily
  ["071"] = 7.4,  -- provide economic aid
  ["072"] = 8.3,  -- provide military aid
  ["110"] = -2.0, -- disapprove
  ["111"] = -2.0, -- criticize or denounce
  ["163"] = -8.0, -- impose embargo, boycott or sanctions (GDELT; see `sanction`)
  ["172"] = -5.0, -- impose administrative sanctions
  ["190"] = -10.0, -- use conventional military force
}

-- The CAMEO code of each caw event type when the event has no `cameo`.
-- visit and meeting use 043 (host a visit) instead of 042 when the pole is
-- the host, i.e. the Central Asian side made the trip.
local TYPE_CAMEO = {
  agreement = "057", appointment = "030", conflict = "190", funding = "071",
  investment = "061", meeting = "042", military = "072", other = "010",
  protest = "110", report = "010", sanction = "163", statement = "051",
  summit = "046", trade = "061", visit = "042",
  -- vote: no code; scored by the UN vote formula
}
local HOSTED = { visit = "043", meeting = "043" }
local TYPES = { "agreement", "appointment", "conflict", "funding", "investment",
  "meeting", "military", "other", "protest", "report", "sanction", "statement",
  "summit", "trade", "visit", "vote" }

local params = {
  { name = "sanction", default = -6.5,
    help = "base weight of a sanction (CAMEO 163, or type sanction without a code) between a pole and a Central Asian state; " ..
           "-6.5 as in Phoenix's CAMEO scale, GDELT's lookup gives -8" },
  { name = "vote_scale", default = 5, help = "UN votes: base = vote_scale·(2a − 1), a = 1 − |v_country − v_pole|" },
  { name = "level_head", default = 1.0, help = "level: head of state or government" },
  { name = "level_minister", default = 0.6, help = "level: minister" },
  { name = "level_official", default = 0.35, help = "level: deputy, ambassador, agency official" },
  { name = "level_unknown", default = 1.0, help = "level when no actor has one (acts of a state or institution: sanctions, votes, agreements)" },
  { name = "format_bilateral", default = 1.0, help = "format: one Central Asian state" },
  { name = "format_c5", default = 0.6, help = "format: two or more Central Asian states (C5+1 and the like), each gets the event" },
  { name = "format_multilateral", default = 0.3, help = "format: a large multilateral body takes part (SCO, CIS, UN...; lib/poles.lua multilateral)" },
  { name = "money_k", default = 0.25, help = "money = 1 + money_k·log10(1 + USD millions)" },
  { name = "money_split", default = 1, help = "1: a regional package is split among its recipients (the shares the source states, the rest equally: lib/money.lua); 0: each gets the whole amount" },
  { name = "uncertain", default = 0.8, help = "certainty factor when the EDTF date has ? ~ or %" },
  { name = "confidence_full", default = 0.9,
    help = "confidence factor = min(1, confidence / confidence_full); 0 ignores confidence" },
  { name = "min_events", default = 3,
    help = "coverage: reports flag a period with fewer events than this (hollow points, a note); scores do not change" },
}
for _, t in ipairs(TYPES) do
  params[#params + 1] = { name = "w_" .. t, default = 1, help = "emphasis on " .. t .. " events (0 leaves them out)" }
end

local factors = {
  { name = "base", help = "Goldstein weight of the CAMEO code, the sanction weight, or the UN vote score" },
  { name = "type", help = "emphasis on the event type (w_TYPE)" },
  { name = "level", help = "seniority of the officials (level_*)" },
  { name = "format", help = "bilateral, C5+1 or multilateral (format_*)" },
  { name = "money", help = "1 + money_k·log10(1 + USD millions) of the money between the state and the pole" },
  { name = "certainty", help = "uncertain when the date has ? ~ or %, else 1" },
  { name = "confidence", help = "min(1, confidence / confidence_full): the pole's actor's own confidence, else the event's (the state's actor's own when lower)" },
}

local CA, REGIONAL, MULTI = poles.central_asia, poles.regional, poles.multilateral
local LEVEL_RANK = { head = 3, minister = 2, official = 1 }
local VOTE = { yes = 1, abstain = 0.5, no = 0 }
local OPEN = 9007199254740992
local log10 = math.log10 or function(x) return math.log(x, 10) end

local function level_factor(P, level)
  if level == "head" then return P.level_head end
  if level == "minister" then return P.level_minister end
  if level == "official" then return P.level_official end
  return nil
end

local function goldstein(ev, code)
  local g = GOLDSTEIN[code]
  if g then return g, "CAMEO " .. code end
  if ev.goldstein then return ev.goldstein, "CAMEO " .. code .. " (event's goldstein)" end
  g = GOLDSTEIN[code:sub(1, 2)]
  if g then return g, "CAMEO " .. code .. " (root " .. code:sub(1, 2) .. ")" end
  return 0, "CAMEO " .. code .. " (unknown: 0)"
end

-- A UN vote: the pole's stance, from its lead actors, else the majority
-- of the members of vote_majority_of[pole] present in the event.
local function pole_vote(ev, pole, day)
  local by_code = {}
  for _, a in ipairs(ev.actors) do
    if a.stance and VOTE[a.stance] then by_code[a.code] = a.stance end
  end
  for _, code in ipairs(poles.vote_leads[pole] or {}) do
    if by_code[code] then return VOTE[by_code[code]], code .. " " .. by_code[code] end
  end
  local grp = poles.vote_majority_of[pole]
  if grp then
    local count, n = {}, 0
    for _, a in ipairs(ev.actors) do
      if by_code[a.code] and poles.member_of(grp, a.code, day) then
        count[a.stance] = (count[a.stance] or 0) + 1
        n = n + 1
      end
    end
    local best, tie
    for _, s in ipairs({ "yes", "abstain", "no" }) do
      local c = count[s] or 0
      if c > 0 and (not best or c > count[best]) then best, tie = s, false
      elseif best and c == count[best] then tie = true end
    end
    if best and not tie then
      return VOTE[best], string.format("%s majority %s (%d of %d)", grp, best, count[best], n)
    end
  end
  return nil
end

local function text_amount(x)
  if x >= 1e9 then return string.format("%.4gbn", x / 1e9) end
  if x >= 1e6 then return string.format("%.4gm", x / 1e6) end
  return string.format("%.0f", x)
end

-- USD per state and pole: usd[country][pole], with the money lines
-- behind each pair for --explain (detail[country][pole] = list of
-- {amount, currency, year, rate, share, basis, usd, reason}). Sides, the
-- split of a regional line and the conversion are lib/money.lua's, the
-- rules the funding report uses too.
local function money_usd(ev, pole_set, P, day, explain)
  local usd, detail = {}, {}
  local year
  for _, m in ipairs(ev.money) do
    if m.primary then
      year = year or caw.date.civil(day)
      local amount, rate, rate_note = money.usd(m.amount, m.currency, year)
      local function add(pole, code)
        local parts = money.split(m, code, ev, day)
        for _, s in ipairs(parts) do
          local c = s.code
          local share = P.money_split ~= 0 and s.share or 1
          usd[c] = usd[c] or {}
          if amount then usd[c][pole] = (usd[c][pole] or 0) + amount * share end
          if explain then
            detail[c] = detail[c] or {}
            local list = detail[c][pole] or {}
            detail[c][pole] = list
            list[#list + 1] = { amount = m.amount, currency = m.currency, year = year, rate = amount and rate or nil,
              share = share, basis = P.money_split ~= 0 and s.basis or "whole", among = s.among,
              usd = amount and amount * share, reason = amount == nil and rate or rate_note }
          end
        end
      end
      local p_from = m.provider and poles.of(m.provider, day)
      local p_to = m.recipient and poles.of(m.recipient, day)
      if p_from then add(p_from, m.recipient)
      elseif p_to then add(p_to, m.provider) -- a state's money to a partner: counted for the state that pays
      elseif m.provider == nil then
        for pole in pairs(pole_set) do add(pole, m.recipient) end
      end
    end
  end
  return usd, detail
end

local function money_note(list)
  local out = {}
  for _, d in ipairs(list) do
    local part = string.format("%s %s", d.currency, text_amount(d.amount * d.share))
    if d.share ~= 1 then part = part .. string.format(" (%s of %s)", money.basis_text(d), text_amount(d.amount)) end
    if d.usd == nil then part = part .. " not counted: " .. d.reason
    elseif d.reason then part = part .. " [" .. d.reason .. "]" end
    out[#out + 1] = part
  end
  return table.concat(out, " + ")
end

-- w_TYPE parameters by type, worked out once per parameter table
local weights_of = setmetatable({}, { __mode = "k" })
local function type_weights(P)
  local w = weights_of[P]
  if not w then
    w = {}
    for _, t in ipairs(TYPES) do w[t] = P["w_" .. t] end
    weights_of[P] = w
  end
  return w
end

local function has_tag(ev, tag)
  for _, t in ipairs(ev.tags) do if t == tag then return true end end
  return false
end

local countries_, own_, via_, pole_list_, pactor_ = {}, {}, {}, {}, {}

local function score(ev, ctx)
  local P = ctx.params
  local day = ev.day_lo
  if day <= -OPEN then day = ev.day_hi end
  -- who takes part: Central Asian states (a C5 bloc stands for its
  -- members), poles (the most senior actor of each), multilateral bodies
  -- scratch tables reused from call to call (rules are not re-entered)
  local countries, own, via, pole_list, pactor = countries_, own_, via_, pole_list_, pactor_
  for i = #countries, 1, -1 do
    local c = countries[i]
    own[c], via[c], countries[i] = nil, nil, nil
  end
  for i = #pole_list, 1, -1 do pactor[pole_list[i]], pole_list[i] = nil, nil end
  local multilateral = false
  for _, a in ipairs(ev.actors) do
    local code = a.code
    if CA[code] then
      if not own[code] and not via[code] then countries[#countries + 1] = code end
      own[code] = a
    elseif REGIONAL[code] then
      for _, m in ipairs(poles.members(code, day)) do
        if CA[m] and not own[m] and not via[m] then countries[#countries + 1] = m; via[m] = a end
      end
    else
      local p = poles.of(code, day)
      if p then
        local cur = pactor[p]
        if not cur then pole_list[#pole_list + 1] = p; pactor[p] = a
        else -- the most senior; of equally senior ones, the best confirmed
          local ra, rc = LEVEL_RANK[a.level] or 0, LEVEL_RANK[cur.level] or 0
          if ra > rc or (ra == rc and (a.confidence or ev.confidence) > (cur.confidence or ev.confidence)) then
            pactor[p] = a
          end
        end
      elseif MULTI[code] then
        multilateral = true
      end
    end
  end
  if #countries == 0 or #pole_list == 0 then return nil end

  local format, format_name
  if multilateral or has_tag(ev, "multilateral") then
    format, format_name = P.format_multilateral, "multilateral"
  elseif #countries >= 2 then
    format, format_name = P.format_c5, "C5+1"
  else
    format, format_name = P.format_bilateral, "bilateral"
  end
  local certainty = ev.date:find("[?~%%]") and P.uncertain or 1
  local wtype = type_weights(P)[ev.type] or 1
  local explain = ctx.explain

  local usd, usd_detail
  if #ev.money > 0 then
    local pole_set = {}
    for _, p in ipairs(pole_list) do pole_set[p] = true end
    usd, usd_detail = money_usd(ev, pole_set, P, day, ctx.explain)
  end

  local is_vote = ev.type == "vote"
  -- the event's own CAMEO code wins over its type here too
  local is_sanction = ev.cameo == "163" or (ev.cameo == nil and ev.type == "sanction")
  local out = {}
  for _, p in ipairs(pole_list) do
    local pa = pactor[p]
    local base, base_note
    if is_vote then
      local vp, vp_note = pole_vote(ev, p, day)
      base = vp
      base_note = vp_note
    elseif is_sanction then
      base, base_note = P.sanction, "sanction" .. (ev.cameo and " (CAMEO " .. ev.cameo .. ")" or "")
    else
      local code = ev.cameo
      if not code then
        code = (pa.role == "host" and HOSTED[ev.type]) or TYPE_CAMEO[ev.type] or "010"
      end
      base, base_note = goldstein(ev, code)
      if not ev.cameo then base_note = base_note .. " (type " .. ev.type .. ")" end
    end
    if base then
      for _, c in ipairs(countries) do
        local b, note = base, base_note
        if is_vote then
          local ca = own[c]
          local vc = ca and ca.stance and VOTE[ca.stance]
          if vc then
            local agree = 1 - math.abs(vc - base)
            b = P.vote_scale * (2 * agree - 1)
            if explain then note = string.format("UN vote: %s %s vs %s, a = %g", c, ca.stance, base_note, agree) end
          else
            b = nil
          end
        end
        if b then
          local level = level_factor(P, pa.level)
          local level_note = level and pa.code .. " " .. pa.level
          if not level then -- the pole's actors have none: the state's
            local ca = own[c] or via[c]
            level = ca and level_factor(P, ca.level)
            level_note = level and ca.code .. " " .. ca.level
          end
          if not level then level, level_note = P.level_unknown, "no level" end
          -- confidence: the pole's actor's own, else the event's; lowered
          -- to the state's actor's own when that is less
          local conf, conf_who = ev.confidence, nil
          if pa.confidence then conf, conf_who = pa.confidence, pa.code end
          local ca = own[c] or via[c]
          if ca and ca.confidence and ca.confidence < conf then conf, conf_who = ca.confidence, ca.code end
          local confidence = 1
          if P.confidence_full > 0 then confidence = math.min(1, conf / P.confidence_full) end
          local money = 1
          local dollars = usd and usd[c] and usd[c][p]
          if dollars then money = 1 + P.money_k * log10(1 + dollars / 1e6) end
          local value = b * wtype * level * format * money * certainty * confidence
          local contrib = {
            country = c, pole = p, value = value,
            factors = { base = b, type = wtype, level = level, format = format, money = money,
                        certainty = certainty, confidence = confidence },
          }
          if explain then
            local parts = { note, level_note,
              format_name == "C5+1" and string.format("C5+1 (%d states)", #countries) or format_name }
            if dollars then parts[#parts + 1] = string.format("USD %.2fm", dollars / 1e6) end
            local mlist = usd_detail and usd_detail[c] and usd_detail[c][p]
            if mlist then parts[#parts + 1] = money_note(mlist); contrib.money = mlist end
            if certainty ~= 1 then parts[#parts + 1] = "date " .. ev.date end
            if confidence ~= 1 or conf_who then
              parts[#parts + 1] = string.format("confidence %g%s", conf,
                conf_who and " (" .. conf_who .. "'s own; event " .. string.format("%g", ev.confidence) .. ")" or "")
            end
            contrib.note = table.concat(parts, "; ")
          end
          out[#out + 1] = contrib
        end
      end
    end
  end
  return out
end

return {
  name = "alignment",
  kind = "rule",
  description = "default alignment rule: Goldstein weight × level × format × money × certainty × confidence",
  params = params,
  factors = factors,
  score = score,
  -- exposed for docs and tests
  goldstein = GOLDSTEIN,
  type_cameo = TYPE_CAMEO,
}

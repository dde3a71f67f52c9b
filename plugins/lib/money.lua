-- lib/money.lua -- the money rules that `caw score` (rules/alignment.lua)
-- and the funding report share, so that both give the same USD for the
-- same money line:
--
--   * sides: who gives, who receives, and whether the money flows into
--     Central Asia ("inward") or out of it ("outward");
--   * split: how a line whose Central Asian side is a group (C5, or an
--     event with several states and no stated recipient) is divided among
--     the states: the shares the source states (the line's `allocation`),
--     the rest equally among the group's other members at the event's date;
--   * usd: conversion at the annual rate of the event's year (lib/rates.lua),
--     or the reason it cannot be converted;
--   * kinds: firm money (commitments, disbursements) apart from pledges and
--     announced investment.
--
-- An analyst changes a rule here, or puts a lib/money.lua of their own in
-- a folder on CAW_PLUGIN_PATH (with the plugins that should use it: a
-- plugin's own folder comes first on its path). A script cannot change
-- the module for other plugins: shared modules are read-only
-- (docs/sandbox.md). docs/scoring.md and docs/format-json.md describe the
-- rules in words.
local poles = require("lib.poles")
local rates = require("lib.rates")

local M = {}

-- Money kinds (the `kind` of a money line) and the two classes reports
-- keep apart.
M.KINDS = { "commitment", "disbursement", "pledge", "investment" }
M.FIRM = { commitment = true, disbursement = true }
M.CLASS_LABEL = { firm = "Firm (commitments, disbursements)",
                  announced = "Pledged or announced (pledges, investments)" }
function M.class(kind) return M.FIRM[kind] and "firm" or "announced" end

local function is_ca(code) return code ~= nil and (poles.central_asia[code] or poles.regional[code]) or false end
M.is_central_asian = is_ca

-- The Central Asian states an event names, sorted; a regional bloc among
-- its actors stands for its members on day.
function M.event_states(ev, day)
  local seen, out = {}, {}
  local function add(c)
    if not seen[c] then seen[c] = true; out[#out + 1] = c end
  end
  for _, a in ipairs(ev.actors) do
    if poles.central_asia[a.code] then add(a.code)
    elseif poles.regional[a.code] then
      for _, c in ipairs(poles.members(a.code, day)) do
        if poles.central_asia[c] then add(c) end
      end
    end
  end
  table.sort(out)
  return out
end

local function first_initiator(ev)
  for _, a in ipairs(ev.actors) do
    if a.role == "initiator" and not is_ca(a.code) then return a.code end
  end
  for _, a in ipairs(ev.actors) do
    if not is_ca(a.code) then return a.code end
  end
end

--[[ Who gives and who receives a money line, as stated: provider and
recipient are the line's own, or (when it names none) the event's first
non-Central-Asian initiator and the event's Central Asian states (nil
recipient: split among them). Returns provider, recipient, direction:
"outward" when a Central Asian provider pays a partner outside the region,
"elsewhere" when neither side is Central Asian, else "inward". Only
inward money is counted as money received. ]]
function M.sides(ev, m)
  local provider = m.provider
  local recipient = m.recipient
  if provider == nil and not is_ca(recipient) and recipient ~= nil then
    -- a partner named as recipient with no provider: the event's state pays
    return nil, recipient, "outward"
  end
  if provider == nil then provider = first_initiator(ev) end
  if recipient ~= nil and not is_ca(recipient) then
    return provider, recipient, is_ca(provider) and "outward" or "elsewhere"
  end
  return provider, recipient, "inward"
end

--[[ Split a line among the Central Asian states of its side `code` (a
state, a regional bloc such as C5, or nil for "the event's states") on
day. Returns a list sorted by state code of
  {code, amount (in the line's currency), share (of the whole amount),
   basis = "whole" | "stated" | "equal" | "rest" (an equal part of what
   the stated shares leave), among (states sharing it equally)}
and the amount no state receives (when the allocation names every member
and leaves a rest, or the group has no member on day). ]]
function M.split(m, code, ev, day)
  if code ~= nil and poles.central_asia[code] then
    return { { code = code, amount = m.amount, share = 1, basis = "whole", among = 1 } }, 0
  end
  local members
  if code == nil then
    members = M.event_states(ev, day)
  elseif poles.regional[code] then
    members = {}
    for _, c in ipairs(poles.members(code, day)) do
      if poles.central_asia[c] then members[#members + 1] = c end
    end
  else
    return {}, m.amount -- not a Central Asian side
  end
  if code == nil and #members == 1 then
    return { { code = members[1], amount = m.amount, share = 1, basis = "whole", among = 1 } }, 0
  end
  local alloc = m.allocation or {}
  local out, rest, stated = {}, {}, 0
  for _, c in ipairs(members) do
    local a = alloc[c]
    if a then
      out[#out + 1] = { code = c, amount = a, basis = "stated" }
      stated = stated + a
    else
      rest[#rest + 1] = c
    end
  end
  local left = m.amount - stated
  if left < 0 then left = 0 end
  if #rest > 0 then
    local basis = stated > 0 and "rest" or "equal"
    for _, c in ipairs(rest) do
      out[#out + 1] = { code = c, amount = left / #rest, basis = basis, among = #rest }
    end
    left = 0
  end
  for _, s in ipairs(out) do s.share = s.amount / m.amount end
  table.sort(out, function(a, b) return a.code < b.code end)
  return out, left
end

-- The share of state in a line's Central Asian side `code`: the split
-- entry, or nil when the state gets none of it.
function M.share_of(m, code, ev, day, state)
  for _, s in ipairs((M.split(m, code, ev, day))) do
    if s.code == state then return s end
  end
  return nil
end

-- A short text for a split entry: "split 1/5", "stated share".
function M.basis_text(s)
  if s.basis == "stated" then return "stated share" end
  if s.basis == "equal" then return string.format("split 1/%d", s.among) end
  if s.basis == "rest" then return string.format("1/%d of the unstated rest", s.among) end
  return "whole"
end

--[[ USD of amount (in the line's currency) at the annual rate of year:
returns usd, rate, provisional note; or nil and the reason it cannot be
converted. ]]
function M.usd(amount, currency, year)
  return rates.to_usd(amount, currency, year)
end

return M

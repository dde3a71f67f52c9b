-- lib/events.lua -- shared helpers over event tables: the filter options
-- every listing command takes, actor summaries, and the conversion of a
-- stored event back to caw's JSON shape (for export).
local M = {}

-- Options that become a caw.events filter.
M.filter_options = {
  { "from", arg = "DATE", help = "events possibly on or after DATE (2024, 2024-Q1, 2024-03, 2024-03-15)" },
  { "to", arg = "DATE", help = "events possibly on or before DATE" },
  { "certain", help = "only events certainly within --from/--to" },
  { "actor", arg = "CODE", help = "events with this actor (KAZ, EU, ...)" },
  { "type", arg = "TYPE", help = "events of this type (meeting, summit, funding, ...)" },
  { "tag", arg = "TAG", help = "events with this tag" },
  { "text", arg = "TEXT", help = "events whose title or summary contains TEXT" },
  { "limit", arg = "N", number = true, help = "at most N events" },
}

function M.filter(opts)
  return { from = opts.from, to = opts.to, certain = opts.certain or nil,
           actor = opts.actor, type = opts.type, tag = opts.tag,
           text = opts.text, limit = opts.limit }
end

-- "GBR:initiator;KAZ:host"
function M.actor_summary(ev)
  local out = {}
  for _, a in ipairs(ev.actors or {}) do out[#out + 1] = a.code .. ":" .. a.role end
  return table.concat(out, ";")
end

local function copy_fields(src, fields)
  local out = {}
  for _, f in ipairs(fields) do out[f] = src[f] end
  return out
end

-- A stored event as caw JSON would write it (no derived fields).
function M.to_caw(ev)
  local out = copy_fields(ev, { "id", "date", "type", "title", "summary",
    "location", "confidence", "cameo", "goldstein" })
  if ev.attrs then out.attrs = caw.json.decode(ev.attrs) end
  out.actors = caw.json.array()
  for i, a in ipairs(ev.actors or {}) do
    out.actors[i] = copy_fields(a, { "code", "role", "level", "person", "stance",
      "confidence" })
  end
  out.money = caw.json.array()
  for i, m in ipairs(ev.money or {}) do
    out.money[i] = copy_fields(m, { "amount", "currency", "kind", "period",
      "provider", "recipient", "note", "source", "primary", "instrument",
      "allocation" })
  end
  out.sources = caw.json.array()
  for i, s in ipairs(ev.sources or {}) do
    out.sources[i] = copy_fields(s, { "url", "publisher", "title", "published", "quote" })
  end
  out.tags = caw.json.array()
  for i, t in ipairs(ev.tags or {}) do out.tags[i] = t end
  return out
end

-- The actor registry as caw JSON actors (with memberships).
function M.actors_caw()
  local list = {}
  for a in caw.actors() do
    local members = caw.json.array()
    for m in caw.sql("SELECT member, period FROM memberships WHERE grp = ?1 ORDER BY member, period", a.code) do
      members[#members + 1] = { code = m.member, period = m.period }
    end
    list[#list + 1] = { code = a.code, name = a.name, kind = a.kind, country = a.country,
                        members = #members > 0 and members or nil }
  end
  return list
end

return M

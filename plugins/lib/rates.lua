-- lib/rates.lua -- exchange rates for converting stated amounts to USD.
-- Edit freely; no rebuild needed.
--
-- Values are annual averages of national currency units per US dollar
-- (the World Bank indicator PA.NUS.FCRF, "official exchange rate, LCU per
-- US$, period average", from IMF International Financial Statistics),
-- rounded to 4 significant digits and entered by hand. Check them against
-- the current World Bank release before publishing figures. Years marked
-- provisional had no complete published annual average when entered; the
-- reports flag every USD figure that used one.
local M = {}

M.source = "World Bank PA.NUS.FCRF (IMF IFS), annual averages, LCU per USD"

M.per_usd = {
  USD = { [2022] = 1, [2023] = 1, [2024] = 1, [2025] = 1 },
  EUR = { [2022] = 0.9496, [2023] = 0.9248, [2024] = 0.9239, [2025] = 0.886 },
  GBP = { [2022] = 0.8115, [2023] = 0.8043, [2024] = 0.7825, [2025] = 0.760 },
  CNY = { [2022] = 6.737, [2023] = 7.084, [2024] = 7.189, [2025] = 7.19 },
  RUB = { [2022] = 68.49, [2023] = 85.16, [2024] = 92.57, [2025] = 84.0 },
  JPY = { [2022] = 131.5, [2023] = 140.5, [2024] = 151.4, [2025] = 150.0 },
  KZT = { [2022] = 460.5, [2023] = 456.3, [2024] = 469.4, [2025] = 511.0 },
  UZS = { [2022] = 11050, [2023] = 11730, [2024] = 12650, [2025] = 12800 },
}

M.provisional = { [2025] = true }

-- USD value of amount in currency at year's rate. Returns usd, the year
-- whose rate was used, and a note when it is not the asked year or is
-- provisional; nil and a message when the currency has no rates.
function M.to_usd(amount, currency, year)
  local t = M.per_usd[currency]
  if not t then return nil, "no rate for " .. currency .. " in lib/rates.lua" end
  local used = year
  if not t[year] then
    used = nil
    for y in pairs(t) do
      if y <= year and (not used or y > used) then used = y end
    end
    if not used then
      for y in pairs(t) do if not used or y < used then used = y end end
    end
  end
  local note
  if used ~= year then note = string.format("rate of %d (no %d rate)", used, year)
  elseif M.provisional[used] then note = string.format("provisional %d rate", used) end
  return amount / t[used], used, note
end

return M

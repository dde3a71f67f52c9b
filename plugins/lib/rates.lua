-- lib/rates.lua -- exchange rates for converting stated amounts to USD.
-- Edit freely; no rebuild needed.
--
-- Values are annual averages of national currency units per US dollar,
-- each copied from the published source named beside its currency (a
-- currency-year with no published figure found is left out: a money line
-- in it is listed as "not converted" by every report, never guessed).
-- A pegged currency (TMT, AED) uses its official fixed rate; those years
-- are marked provisional because the source predates them, and the
-- reports flag every USD figure that used a provisional rate. USD is
-- never converted and never provisional.
local M = {}

M.source = "annual averages, national currency per USD; the source of each currency is in plugins/lib/rates.lua"

-- Federal Reserve G.5A annual release of 1 February 2024 (averages of
-- daily noon buying rates in New York; EUR and GBP are quoted there in
-- USD per unit and inverted here to 4 significant digits):
-- https://federalreserve.gov/releases/g5a/20240201
local FED_G5A = "Federal Reserve G.5A, 1 Feb 2024, https://federalreserve.gov/releases/g5a/20240201"
-- 2024 and 2025: the same Federal Reserve annual averages (G.5A, FRED's
-- AEX series), as collected in the public dataset datasets/exchange-rates
-- (file data/annual.csv, "Exchange rate" per country and year, EUR already
-- given per USD). Its 2022 and 2023 values equal the G.5A figures above
-- to the last digit (CNY 6.7290 and 7.0809, JPY 131.4589 and 140.5001,
-- KRW 1291.7796 and 1306.7637, INR 78.5792 and 82.5708, CHF 0.9550 and
-- 0.8984, EUR 0.9493 and 0.9245). It has no UK or Turkey series: neither
-- data/annual.csv (1971-2025, Australia to Venezuela) nor data/yearly.csv
-- (to 2016) lists the United Kingdom or Turkey.
local FED_ANNUAL = "Federal Reserve annual averages (G.5A / FRED AEX series) as published in" ..
  " https://github.com/datasets/exchange-rates (data/annual.csv)"
-- World Bank PA.NUS.FCRF (official exchange rate, LCU per US$, period
-- average, from IMF IFS) for the CIS states, as tabulated at
-- http://ru.knoema.com/atlas/CIS/topics/Экономика/Финансовый-сектор-Обменные-курсы/Обменный-курс
local WB_CIS = "World Bank PA.NUS.FCRF (IMF IFS) via knoema CIS atlas, http://ru.knoema.com/atlas/CIS/topics/%D0%AD%D0%BA%D0%BE%D0%BD%D0%BE%D0%BC%D0%B8%D0%BA%D0%B0/%D0%A4%D0%B8%D0%BD%D0%B0%D0%BD%D1%81%D0%BE%D0%B2%D1%8B%D0%B9-%D1%81%D0%B5%D0%BA%D1%82%D0%BE%D1%80-%D0%9E%D0%B1%D0%BC%D0%B5%D0%BD%D0%BD%D1%8B%D0%B5-%D0%BA%D1%83%D1%80%D1%81%D1%8B/%D0%9E%D0%B1%D0%BC%D0%B5%D0%BD%D0%BD%D1%8B%D0%B9-%D0%BA%D1%83%D1%80%D1%81"

M.sources = {
  EUR = FED_G5A .. " (2022: 1/1.0534, 2023: 1/1.0817); 2024: IRS yearly average currency exchange" ..
        " rates (0.924), as quoted at https://euro2.net/euro/euro-to-usd-conversion-by-date/;" ..
        " 2025: " .. FED_ANNUAL .. " (0.8845)",
  GBP = FED_G5A .. " (2022: 1/1.2371, 2023: 1/1.2440); 2024-2025: the same annual averages" ..
        " (FRED AEXUSUK, G.5A: 2024 1/1.2781, 2025 1/1.3192) as quoted in" ..
        " https://github.com/TannerL22/travel-value-studio/blob/0238aba1aa0acbd1f10204904439201402399665/backend/validation/japan_taiwan_model_validation_notes.md" ..
        " (its AEXJPUS 2025, 149.5686, equals the JPY 2025 figure above)",
  CNY = FED_G5A .. "; 2024-2025: " .. FED_ANNUAL,
  JPY = FED_G5A .. "; 2024-2025: " .. FED_ANNUAL,
  KRW = FED_G5A .. "; 2024-2025: " .. FED_ANNUAL,
  INR = FED_G5A .. "; 2024-2025: " .. FED_ANNUAL,
  CHF = FED_G5A .. "; 2024-2025: " .. FED_ANNUAL,
  KZT = WB_CIS, KGS = WB_CIS, TJS = WB_CIS, UZS = WB_CIS,
  RUB = "Bank of Russia official rates, annual averages as computed from the CBR database at" ..
        " https://ruxpert.ru/Статистика:История_курса_доллара_к_рублю (2022: 68,55, 2023: 85,25);" ..
        " 2025: average of the Bank of Russia official USD rate over 2025, 83,3 руб./$, as computed" ..
        " by Vedomosti from CBR data (Vedomosti, 12 Jan 2026," ..
        " https://www.vedomosti.ru/economics/articles/2026/01/12/1168526-eksperti-ozhidayut-oslableniya-rublya)",
  TMT = "official rate fixed at 3.50 manat per USD since 1 January 2015 (Central Bank of" ..
        " Turkmenistan; export.gov Turkmenistan Foreign Exchange Controls, 2019," ..
        " https://legacy.export.gov/article?id=Turkmenistan-Foreign-Exchange-Controls)",
  AED = "dirham pegged at 3.6725 per USD since 1997 (Central Bank of the UAE; Al Arabiya, 2014," ..
        " https://english.alarabiya.net/business/economy/2014/12/01/UAE-central-bank-chief-says-to-keep-currency-peg-to-dollar)",
  USD = "no conversion",
}

M.per_usd = {
  USD = { [2022] = 1, [2023] = 1, [2024] = 1, [2025] = 1 },
  EUR = { [2022] = 0.9493, [2023] = 0.9245, [2024] = 0.924, [2025] = 0.8845 },
  GBP = { [2022] = 0.8083, [2023] = 0.8039, [2024] = 0.7824, [2025] = 0.7580 },
  CNY = { [2022] = 6.7290, [2023] = 7.0809, [2024] = 7.1957, [2025] = 7.1875 },
  JPY = { [2022] = 131.4589, [2023] = 140.5001, [2024] = 151.4551, [2025] = 149.5686 },
  KRW = { [2022] = 1291.7796, [2023] = 1306.7637, [2024] = 1363.4381, [2025] = 1421.3963 },
  INR = { [2022] = 78.5792, [2023] = 82.5708, [2024] = 83.6566, [2025] = 87.1468 },
  CHF = { [2022] = 0.9550, [2023] = 0.8984, [2024] = 0.8808, [2025] = 0.8305 },
  RUB = { [2022] = 68.55, [2023] = 85.25, [2025] = 83.3 },
  KZT = { [2022] = 460.2, [2023] = 456.2, [2024] = 469.0 },
  KGS = { [2022] = 84.1, [2023] = 87.9, [2024] = 87.2 },
  TJS = { [2022] = 11.0, [2023] = 10.8, [2024] = 10.8 },
  UZS = { [2022] = 11050.1, [2023] = 11734.8, [2024] = 12652.3 },
  TMT = { [2022] = 3.5, [2023] = 3.5, [2024] = 3.5, [2025] = 3.5 },
  AED = { [2022] = 3.6725, [2023] = 3.6725, [2024] = 3.6725, [2025] = 3.6725 },
  -- Not yet sourced (lines in these currency-years are listed as not
  -- converted): TRY every year; RUB 2024; KZT, KGS, TJS, UZS 2025. The
  -- IRS yearly-average table (Turkey, Central Asia, Russia) is a source
  -- to copy them from. GBP 2024-2025 (December 2026): the G.5A annual
  -- averages as a public project quotes them (M.sources.GBP), inverted to
  -- 4 significant digits; a news item gives sterling's 2024 average as
  -- $1.2782, within 0.0001 of it
  -- (https://1arabia.com/2025/01/sterling-declines-to-nine-month-low.html).
  -- Searched and not found (December 2026): neither file of datasets/exchange-rates has the UK
  -- or Turkey; the knoema CIS table behind WB_CIS stops at 2024; no copy
  -- of the later G.5A releases, of the Bank of England's annual average
  -- (XUAAUSS), of the IRS table's 2023-2025 columns, or of a central-bank
  -- annual average for TRY, RUB 2024 or the 2025 Central Asian currencies
  -- was found.
}

-- Currency-years whose rate is not a published annual average: why.
M.provisional = {
  TMT = { [2022] = "official peg, source of 2019", [2023] = "official peg, source of 2019",
          [2024] = "official peg, source of 2019", [2025] = "official peg, source of 2019" },
  AED = { [2022] = "official peg, source of 2014", [2023] = "official peg, source of 2014",
          [2024] = "official peg, source of 2014", [2025] = "official peg, source of 2014" },
}

--[[ USD value of amount in currency at the annual rate of year.
Returns usd, rate (currency units per USD), note (nil, or why the rate is
provisional); or nil and the reason the amount cannot be converted (no
rate for that currency, or none for that year). Never falls back to
another year's rate. ]]
function M.to_usd(amount, currency, year)
  if currency == "USD" then return amount, 1, nil end
  local t = M.per_usd[currency]
  if not t then return nil, "no " .. tostring(currency) .. " rate in lib/rates.lua" end
  local rate = t[year]
  if not rate then
    return nil, string.format("no %s rate for %d in lib/rates.lua", currency, year)
  end
  local p = M.provisional[currency]
  local note = p and p[year]
  if note then note = string.format("provisional %s %d rate: %s", currency, year, note) end
  return amount / rate, rate, note
end

return M

-- lib/countries.lua -- country names to ISO 3166-1 alpha-3 codes, and back.
-- ICEWS writes countries as full names ("Russian Federation", "Moldova,
-- Republic of", "the former Yugoslav Republic of Macedonia"), ACLED as
-- short English names; the importers turn them into caw actor codes here.
-- GDELT's 3-letter CAMEO country codes are mostly ISO codes already, and
-- name() gives the display name of a code.
--
-- Add a spelling to M.aliases when an importer reports a country name it
-- does not know; lookups ignore case, accents are not folded.
local M = {}

-- ISO alpha-3 -> the short English name caw shows.
M.names = {
  ABW = "Aruba", AFG = "Afghanistan", AGO = "Angola", AIA = "Anguilla",
  ALA = "Aland Islands", ALB = "Albania", AND = "Andorra",
  ARE = "United Arab Emirates", ARG = "Argentina", ARM = "Armenia",
  ASM = "American Samoa", ATA = "Antarctica",
  ATF = "French Southern Territories", ATG = "Antigua and Barbuda",
  AUS = "Australia", AUT = "Austria", AZE = "Azerbaijan", BDI = "Burundi",
  BEL = "Belgium", BEN = "Benin", BES = "Bonaire, Sint Eustatius and Saba",
  BFA = "Burkina Faso", BGD = "Bangladesh", BGR = "Bulgaria",
  BHR = "Bahrain", BHS = "Bahamas", BIH = "Bosnia and Herzegovina",
  BLM = "Saint Barthelemy", BLR = "Belarus", BLZ = "Belize",
  BMU = "Bermuda", BOL = "Bolivia", BRA = "Brazil", BRB = "Barbados",
  BRN = "Brunei", BTN = "Bhutan", BVT = "Bouvet Island", BWA = "Botswana",
  CAF = "Central African Republic", CAN = "Canada",
  CCK = "Cocos (Keeling) Islands", CHE = "Switzerland", CHL = "Chile",
  CHN = "China", CIV = "Cote d'Ivoire", CMR = "Cameroon",
  COD = "Democratic Republic of the Congo", COG = "Republic of the Congo",
  COK = "Cook Islands", COL = "Colombia", COM = "Comoros",
  CPV = "Cabo Verde", CRI = "Costa Rica", CUB = "Cuba", CUW = "Curacao",
  CXR = "Christmas Island", CYM = "Cayman Islands", CYP = "Cyprus",
  CZE = "Czechia", DEU = "Germany", DJI = "Djibouti", DMA = "Dominica",
  DNK = "Denmark", DOM = "Dominican Republic", DZA = "Algeria",
  ECU = "Ecuador", EGY = "Egypt", ERI = "Eritrea", ESH = "Western Sahara",
  ESP = "Spain", EST = "Estonia", ETH = "Ethiopia", FIN = "Finland",
  FJI = "Fiji", FLK = "Falkland Islands", FRA = "France",
  FRO = "Faroe Islands", FSM = "Micronesia", GAB = "Gabon",
  GBR = "United Kingdom", GEO = "Georgia", GGY = "Guernsey", GHA = "Ghana",
  GIB = "Gibraltar", GIN = "Guinea", GLP = "Guadeloupe", GMB = "Gambia",
  GNB = "Guinea-Bissau", GNQ = "Equatorial Guinea", GRC = "Greece",
  GRD = "Grenada", GRL = "Greenland", GTM = "Guatemala",
  GUF = "French Guiana", GUM = "Guam", GUY = "Guyana", HKG = "Hong Kong",
  HMD = "Heard Island and McDonald Islands", HND = "Honduras",
  HRV = "Croatia", HTI = "Haiti", HUN = "Hungary", IDN = "Indonesia",
  IMN = "Isle of Man", IND = "India", IOT = "British Indian Ocean Territory",
  IRL = "Ireland", IRN = "Iran", IRQ = "Iraq", ISL = "Iceland",
  ISR = "Israel", ITA = "Italy", JAM = "Jamaica", JEY = "Jersey",
  JOR = "Jordan", JPN = "Japan", KAZ = "Kazakhstan", KEN = "Kenya",
  KGZ = "Kyrgyzstan", KHM = "Cambodia", KIR = "Kiribati",
  KNA = "Saint Kitts and Nevis", KOR = "South Korea", KWT = "Kuwait",
  LAO = "Laos", LBN = "Lebanon", LBR = "Liberia", LBY = "Libya",
  LCA = "Saint Lucia", LIE = "Liechtenstein", LKA = "Sri Lanka",
  LSO = "Lesotho", LTU = "Lithuania", LUX = "Luxembourg", LVA = "Latvia",
  MAC = "Macao", MAF = "Saint Martin", MAR = "Morocco", MCO = "Monaco",
  MDA = "Moldova", MDG = "Madagascar", MDV = "Maldives", MEX = "Mexico",
  MHL = "Marshall Islands", MKD = "North Macedonia", MLI = "Mali",
  MLT = "Malta", MMR = "Myanmar", MNE = "Montenegro", MNG = "Mongolia",
  MNP = "Northern Mariana Islands", MOZ = "Mozambique",
  MRT = "Mauritania", MSR = "Montserrat", MTQ = "Martinique",
  MUS = "Mauritius", MWI = "Malawi", MYS = "Malaysia", MYT = "Mayotte",
  NAM = "Namibia", NCL = "New Caledonia", NER = "Niger",
  NFK = "Norfolk Island", NGA = "Nigeria", NIC = "Nicaragua", NIU = "Niue",
  NLD = "Netherlands", NOR = "Norway", NPL = "Nepal", NRU = "Nauru",
  NZL = "New Zealand", OMN = "Oman", PAK = "Pakistan", PAN = "Panama",
  PCN = "Pitcairn", PER = "Peru", PHL = "Philippines", PLW = "Palau",
  PNG = "Papua New Guinea", POL = "Poland", PRI = "Puerto Rico",
  PRK = "North Korea", PRT = "Portugal", PRY = "Paraguay",
  PSE = "Palestine", PYF = "French Polynesia", QAT = "Qatar",
  REU = "Reunion", ROU = "Romania", RUS = "Russia", RWA = "Rwanda",
  SAU = "Saudi Arabia", SDN = "Sudan", SEN = "Senegal", SGP = "Singapore",
  SGS = "South Georgia and the South Sandwich Islands",
  SHN = "Saint Helena", SJM = "Svalbard and Jan Mayen",
  SLB = "Solomon Islands", SLE = "Sierra Leone", SLV = "El Salvador",
  SMR = "San Marino", SOM = "Somalia", SPM = "Saint Pierre and Miquelon",
  SRB = "Serbia", SSD = "South Sudan", STP = "Sao Tome and Principe",
  SUR = "Suriname", SVK = "Slovakia", SVN = "Slovenia", SWE = "Sweden",
  SWZ = "Eswatini", SXM = "Sint Maarten", SYC = "Seychelles",
  SYR = "Syria", TCA = "Turks and Caicos Islands", TCD = "Chad",
  TGO = "Togo", THA = "Thailand", TJK = "Tajikistan", TKL = "Tokelau",
  TKM = "Turkmenistan", TLS = "Timor-Leste", TON = "Tonga",
  TTO = "Trinidad and Tobago", TUN = "Tunisia", TUR = "Turkey",
  TUV = "Tuvalu", TWN = "Taiwan", TZA = "Tanzania", UGA = "Uganda",
  UKR = "Ukraine", UMI = "United States Minor Outlying Islands",
  URY = "Uruguay", USA = "United States", UZB = "Uzbekistan",
  VAT = "Holy See", VCT = "Saint Vincent and the Grenadines",
  VEN = "Venezuela", VGB = "British Virgin Islands",
  VIR = "United States Virgin Islands", VNM = "Vietnam", VUT = "Vanuatu",
  WLF = "Wallis and Futuna", WSM = "Samoa", XKX = "Kosovo", YEM = "Yemen",
  ZAF = "South Africa", ZMB = "Zambia", ZWE = "Zimbabwe",
  -- former states that still occur in historical event data
  SCG = "Serbia and Montenegro", SUN = "Soviet Union", YUG = "Yugoslavia",
  CSK = "Czechoslovakia", DDR = "East Germany",
}

-- Other spellings -> ISO alpha-3 (ICEWS, ACLED, formal names).
M.aliases = {
  ["Russian Federation"] = "RUS", ["The Russian Federation"] = "RUS",
  ["United States of America"] = "USA", ["USA"] = "USA", ["US"] = "USA",
  ["United Kingdom of Great Britain and Northern Ireland"] = "GBR",
  ["Great Britain"] = "GBR", ["Britain"] = "GBR", ["UK"] = "GBR",
  ["People's Republic of China"] = "CHN",
  ["Moldova, Republic of"] = "MDA", ["Republic of Moldova"] = "MDA",
  ["the former Yugoslav Republic of Macedonia"] = "MKD",
  ["Macedonia"] = "MKD", ["Republic of North Macedonia"] = "MKD",
  ["Occupied Palestinian Territory"] = "PSE", ["Palestinian Territory"] = "PSE",
  ["Palestinian Territories"] = "PSE", ["State of Palestine"] = "PSE",
  ["Congo"] = "COG", ["Congo, Republic of"] = "COG",
  ["Congo-Brazzaville"] = "COG",
  ["Democratic Republic of Congo"] = "COD", ["Congo, Democratic Republic of"] = "COD",
  ["DR Congo"] = "COD", ["Congo-Kinshasa"] = "COD", ["Zaire"] = "COD",
  ["Cote d'Ivoire"] = "CIV", ["Côte d'Ivoire"] = "CIV", ["Ivory Coast"] = "CIV",
  ["Czech Republic"] = "CZE", ["Swaziland"] = "SWZ", ["eSwatini"] = "SWZ",
  ["Holy See"] = "VAT", ["Vatican"] = "VAT", ["Vatican City"] = "VAT",
  ["Korea, Republic of"] = "KOR", ["Republic of Korea"] = "KOR",
  ["Korea, Democratic People's Republic of"] = "PRK",
  ["Democratic People's Republic of Korea"] = "PRK",
  ["Iran, Islamic Republic of"] = "IRN", ["Syrian Arab Republic"] = "SYR",
  ["Lao People's Democratic Republic"] = "LAO",
  ["Viet Nam"] = "VNM", ["Burma"] = "MMR",
  ["Tanzania, United Republic of"] = "TZA", ["United Republic of Tanzania"] = "TZA",
  ["Bolivia, Plurinational State of"] = "BOL",
  ["Venezuela, Bolivarian Republic of"] = "VEN",
  ["Taiwan, Province of China"] = "TWN", ["Hong Kong SAR"] = "HKG",
  ["East Timor"] = "TLS", ["Cape Verde"] = "CPV", ["Turkiye"] = "TUR",
  ["Türkiye"] = "TUR", ["Brunei Darussalam"] = "BRN",
  ["Micronesia, Federated States of"] = "FSM", ["The Gambia"] = "GMB",
  ["Bahamas, The"] = "BHS", ["The Bahamas"] = "BHS", ["Kyrgyz Republic"] = "KGZ",
  ["Kirghizia"] = "KGZ", ["Palestine, State of"] = "PSE",
  ["Serbia and Montenegro"] = "SCG", ["USSR"] = "SUN",
  ["Union of Soviet Socialist Republics"] = "SUN",
  ["Federal Republic of Yugoslavia"] = "YUG",
  ["Bosnia-Herzegovina"] = "BIH", ["Sao Tome"] = "STP",
  ["Saint Helena, Ascension and Tristan da Cunha"] = "SHN",
}

-- International organisations that ICEWS writes with Country = NA, and
-- their caw actor codes (all defined in the bundled dataset).
M.organisations = {
  ["Shanghai Cooperation Organization"] = "SCO",
  ["Shanghai Cooperation Organisation"] = "SCO",
  ["European Union"] = "EU", ["European Commission"] = "EU",
  ["Collective Security Treaty Organization"] = "CSTO",
  ["Eurasian Economic Union"] = "EAEU",
  ["Commonwealth of Independent States"] = "CIS",
  ["North Atlantic Treaty Organization"] = "NATO", ["NATO"] = "NATO",
  ["United Nations"] = "UN", ["UN Security Council"] = "UN",
  ["United Nations Security Council"] = "UN",
  ["European Investment Bank"] = "EIB",
  ["European Bank for Reconstruction and Development"] = "EBRD",
}

local by_lower = {}
for code, name in pairs(M.names) do by_lower[name:lower()] = code end
for name, code in pairs(M.aliases) do by_lower[name:lower()] = code end
local memo = {}

-- The ISO alpha-3 code for a country name, or nil when unknown. "NA" and
-- "" (ICEWS's missing value) give nil.
function M.code(name)
  if name == nil or name == "" or name == "NA" then return nil end
  local c = memo[name]
  if c == nil then
    c = by_lower[name:lower()] or false
    memo[name] = c
  end
  return c or nil
end

-- A new table of every name and alias as written -> its ISO alpha-3
-- code, for importers that map a column of country names (attrs.geo).
function M.name_codes()
  local t = {}
  for code, name in pairs(M.names) do t[name] = code end
  for name, code in pairs(M.aliases) do t[name] = code end
  return t
end

-- The display name of an ISO alpha-3 code (or nil).
function M.name(code)
  return M.names[code]
end

return M

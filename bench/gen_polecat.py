#!/usr/bin/env python3
"""Deterministic generator of POLECAT-style event rows (stdlib only).

Usage:
  gen_polecat.py N SEED [--ca-share P] > file.tsv

Writes POLECAT's weekly-file layout (docs/importers.md#polecat): a header
row of the 40 documented column names, then N tab-separated rows, no
quoting, missing values as None. The values follow the shapes of the
documented layout, with frequencies chosen to look like a news-coded
feed (many consultations, accusations and agreements; few aid or
sanction events):

  Event ID     <16 hex digits of the story>_<n>, 1 to 3 events a story
  Event Date   2022-01-01..2025-12-31, rows roughly in date order
  Event Type   the 16 PLOVER types, weighted; Event Mode a mode of the
               type (or None), Contexts 0 to 2 contexts
  Intensity    a value for the type, -10..10, one decimal
  Actor/Recipient  a country of a list of 40 (ISO alpha-3 and COW code),
               as the state, a named person or an agency; 8% of
               recipients and 3% of actors None; some organisations
               (European Union, ...) with no country
  Place        a capital of the actor's or recipient's country

--ca-share P: probability that an event involves a Central Asian actor
(default 0.6, like gen_events.py's "CA-focused extract").

Same N/SEED/--ca-share => byte-identical output.
"""
import sys
import random
import datetime
from bisect import bisect_right
from itertools import accumulate

HEADER = [
    "Event ID", "Event Date", "Event Type", "Event Mode", "Intensity",
    "Quad Code", "Contexts", "Actor Name", "Actor Country", "Actor COW",
    "Primary Actor Sector", "Actor Sectors", "Actor Title", "Actor Name Raw",
    "Wikipedia Actor ID", "Recipient Name", "Recipient Country",
    "Recipient COW", "Primary Recipient Sector", "Recipient Sectors",
    "Recipient Title", "Recipient Name Raw", "Wikipedia Recipient ID",
    "Placename", "City", "District", "Province", "Country", "Latitude",
    "Longitude", "GeoNames ID", "Raw Placename", "Feature Type", "Source",
    "Publication Date", "Story People", "Story Organizations",
    "Story Locations", "Language", "Version",
]

# type: (weight, quad, intensity range, modes, contexts)
TYPES = {
    "CONSULT": (22, "VERBAL COOPERATION", (1, 5), ["visit", "third-party", "multilateral", "phone"], ["diplomatic", "economic", "security"]),
    "ACCUSE": (14, "VERBAL CONFLICT", (-6, -2), ["disapprove", "allege", "investigate"], ["corruption", "human_rights", "territory"]),
    "AGREE": (10, "VERBAL COOPERATION", (2, 6), [], ["diplomatic", "economic", "military"]),
    "SUPPORT": (10, "VERBAL COOPERATION", (2, 6), [], ["diplomatic", "election"]),
    "REQUEST": (6, "VERBAL CONFLICT", (-2, 0), ["assist", "change", "yield", "meet"], ["economic", "humanitarian"]),
    "REJECT": (4, "VERBAL CONFLICT", (-5, -2), ["assist", "change", "yield", "meet"], ["diplomatic"]),
    "THREATEN": (3, "VERBAL CONFLICT", (-7, -4), ["restrict", "violence", "relations"], ["military", "economic"]),
    "COOPERATE": (5, "MATERIAL COOPERATION", (4, 7), [], ["economic", "military", "legal", "energy"]),
    "AID": (3, "MATERIAL COOPERATION", (6, 9), ["economic", "military", "humanitarian"], ["humanitarian", "economic"]),
    "CONCEDE": (1, "VERBAL COOPERATION", (1, 4), [], ["legal"]),
    "RETREAT": (1, "MATERIAL COOPERATION", (3, 6), ["withdraw", "release", "ceasefire", "access"], ["military"]),
    "PROTEST": (5, "MATERIAL CONFLICT", (-6, -3), ["demo", "riot", "boycott"], ["rights_freedoms", "economic"]),
    "SANCTION": (2, "MATERIAL CONFLICT", (-7, -5), ["withdraw", "discontinue", "expel", "convict"], ["economic", "diplomatic"]),
    "MOBILIZE": (2, "MATERIAL CONFLICT", (-7, -5), ["troops", "police"], ["military"]),
    "COERCE": (5, "MATERIAL CONFLICT", (-8, -5), ["arrest", "restrict", "seize", "deport"], ["legal", "pro_autocracy"]),
    "ASSAULT": (7, "MATERIAL CONFLICT", (-10, -8), ["firearms", "explosives", "heavy-weapons", "beat", "abduct"], ["military", "terrorism"]),
}

# ISO alpha-3, COW code, English name, capital, lat, lon, GeoNames id
CA = [
    ("KAZ", "705", "Kazakhstan", "Astana", "51.1801", "71.44598", "1526273"),
    ("KGZ", "703", "Kyrgyzstan", "Bishkek", "42.87", "74.59", "1528675"),
    ("TJK", "702", "Tajikistan", "Dushanbe", "38.53575", "68.77905", "1221874"),
    ("TKM", "701", "Turkmenistan", "Ashgabat", "37.95", "58.38333", "162183"),
    ("UZB", "704", "Uzbekistan", "Tashkent", "41.26465", "69.21627", "1512569"),
]
OTHER = [
    ("RUS", "365", "Russia", "Moscow", "55.75222", "37.61556", "524901"),
    ("CHN", "710", "China", "Beijing", "39.9075", "116.39723", "1816670"),
    ("USA", "2", "United States", "Washington", "38.89511", "-77.03637", "4140963"),
    ("GBR", "200", "United Kingdom", "London", "51.50853", "-0.12574", "2643743"),
    ("DEU", "255", "Germany", "Berlin", "52.52437", "13.41053", "2950159"),
    ("FRA", "220", "France", "Paris", "48.85341", "2.3488", "2988507"),
    ("TUR", "640", "Turkey", "Ankara", "39.91987", "32.85427", "323786"),
    ("IRN", "630", "Iran", "Tehran", "35.69439", "51.42151", "112931"),
    ("AFG", "700", "Afghanistan", "Kabul", "34.52813", "69.17233", "1138958"),
    ("IND", "750", "India", "New Delhi", "28.63576", "77.22445", "1261481"),
    ("PAK", "770", "Pakistan", "Islamabad", "33.72148", "73.04329", "1176615"),
    ("JPN", "740", "Japan", "Tokyo", "35.6895", "139.69171", "1850147"),
    ("KOR", "732", "South Korea", "Seoul", "37.566", "126.9784", "1835848"),
    ("UKR", "369", "Ukraine", "Kyiv", "50.45466", "30.5238", "703448"),
    ("BLR", "370", "Belarus", "Minsk", "53.9", "27.56667", "625144"),
    ("AZE", "373", "Azerbaijan", "Baku", "40.37767", "49.89201", "587084"),
    ("ARM", "371", "Armenia", "Yerevan", "40.18111", "44.51361", "616052"),
    ("GEO", "372", "Georgia", "Tbilisi", "41.69411", "44.83368", "611717"),
    ("MNG", "712", "Mongolia", "Ulaanbaatar", "47.90771", "106.88324", "2028462"),
    ("ISR", "666", "Israel", "Jerusalem", "31.76904", "35.21633", "281184"),
    ("SAU", "670", "Saudi Arabia", "Riyadh", "24.68773", "46.72185", "108410"),
    ("ARE", "696", "United Arab Emirates", "Abu Dhabi", "24.45118", "54.39696", "292968"),
    ("EGY", "651", "Egypt", "Cairo", "30.06263", "31.24967", "360630"),
    ("QAT", "694", "Qatar", "Doha", "25.28545", "51.53096", "290030"),
    ("ITA", "325", "Italy", "Rome", "41.89193", "12.51133", "3169070"),
    ("POL", "290", "Poland", "Warsaw", "52.22977", "21.01178", "756135"),
    ("CAN", "20", "Canada", "Ottawa", "45.41117", "-75.69812", "6094817"),
    ("BRA", "140", "Brazil", "Brasilia", "-15.77972", "-47.92972", "3469058"),
    ("NGA", "475", "Nigeria", "Abuja", "9.05785", "7.49508", "2352778"),
    ("ZAF", "560", "South Africa", "Pretoria", "-25.74486", "28.18783", "964137"),
    ("MEX", "70", "Mexico", "Mexico City", "19.42847", "-99.12766", "3530597"),
    ("IDN", "850", "Indonesia", "Jakarta", "-6.21462", "106.84513", "1642911"),
    ("VNM", "816", "Vietnam", "Hanoi", "21.0245", "105.84117", "1581130"),
    ("SYR", "652", "Syria", "Damascus", "33.5102", "36.29128", "170654"),
    ("IRQ", "645", "Iraq", "Baghdad", "33.34058", "44.40088", "98182"),
]
OTHER_W = [30, 25, 20, 6, 5, 5, 6, 5, 6, 5, 4, 3, 2, 6, 3, 3, 2, 2, 2, 4, 3, 2, 3, 2, 2, 2, 2, 2, 2, 1, 2, 2, 1, 3, 3]
ORGS = ["European Union", "United Nations", "Shanghai Cooperation Organisation",
        "Collective Security Treaty Organization", "Eurasian Economic Union", "NATO"]
SECTORS = [("Government", "Government"), ("Military", "Military;Government"),
           ("Police", "Police;Government"), ("Business", "Business"), ("Civilian", "Civilian"),
           ("Media", "Media")]
AGENTS = ["Ministry of Foreign Affairs", "Defense Ministry", "Police", "Parliament",
          "Central Bank", "Border Service", "Protesters", "Opposition", "Journalists"]
TITLES = ["President", "Prime Minister", "Foreign Minister", "Defense Minister", "Ambassador"]
SOURCES = ["Reuters", "AFP", "AP", "TASS", "Xinhua", "RFE/RL", "Eurasianet", "Kazinform",
           "AKIpress", "Kun.uz", "Interfax", "Trend", "BBC Monitoring"]


def pick(rng, items, cum):
    return items[bisect_right(cum, rng.random() * cum[-1])]


def main(argv):
    args = argv[1:]
    ca_share = 0.6
    if "--ca-share" in args:
        i = args.index("--ca-share")
        ca_share = float(args[i + 1])
        del args[i:i + 2]
    if len(args) != 2:
        sys.stderr.write(__doc__)
        return 64
    n, seed = int(args[0]), int(args[1])
    rng = random.Random(seed)
    types = list(TYPES)
    tcum = list(accumulate(TYPES[t][0] for t in types))
    assert len(OTHER_W) == len(OTHER)
    ocum = list(accumulate(OTHER_W))
    start = datetime.date(2022, 1, 1)
    span = (datetime.date(2025, 12, 31) - start).days
    out = sys.stdout
    out.write("\t".join(HEADER) + "\n")

    def side(country, none_share):
        r = rng.random()
        if r < none_share:
            return ["None"] * 8
        if r < none_share + 0.04:  # an organisation, no country
            org = rng.choice(ORGS)
            return [org, "None", "None", "Government", "Government", "None", org, "None"]
        iso, cow, name = country[0], country[1], country[2]
        sector, sectors = rng.choice(SECTORS)
        r = rng.random()
        if r < 0.45:  # the state
            return [name, iso, cow, "Government", "Government", "None", name, "Q%d" % (1000 + int(cow))]
        if r < 0.75:  # a person
            person = "%s %s" % (rng.choice(["Aliyev", "Petrov", "Wang", "Smith", "Nazarov", "Karimov", "Sultanov"]),
                                rng.choice(["A.", "B.", "K.", "M.", "S."]))
            return [person, iso, cow, "Government", "Government", rng.choice(TITLES), person, "None"]
        agent = "%s of %s" % (rng.choice(AGENTS), name)
        return [agent, iso, cow, sector, sectors, "None", agent, "None"]

    story, k, seq = 0, 0, 0
    day = 0
    for i in range(n):
        if k == 0:
            story += 1
            k = rng.choice((1, 1, 1, 2, 2, 3))
            seq = 0
            # dates drift forward with the row number, a few days' jitter
            day = min(span, max(0, int(span * i / max(1, n)) + rng.randint(-3, 3)))
        k -= 1
        seq += 1
        date = start + datetime.timedelta(days=day)
        t = pick(rng, types, tcum)
        _, quad, (lo, hi), modes, ctxs = TYPES[t]
        mode = rng.choice(modes) if modes and rng.random() < 0.7 else "None"
        nctx = rng.choice((0, 1, 1, 2))
        contexts = "; ".join(sorted(set(rng.choice(ctxs) for _ in range(nctx)))) or "None"
        intensity = "%.1f" % rng.uniform(lo, hi)
        if rng.random() < ca_share:
            a = rng.choice(CA)
            b = pick(rng, OTHER, ocum) if rng.random() < 0.7 else rng.choice(CA)
            if rng.random() < 0.5:
                a, b = b, a
        else:
            a = pick(rng, OTHER, ocum)
            b = pick(rng, OTHER, ocum)
        place = a if rng.random() < 0.5 else b
        pub = date + datetime.timedelta(days=rng.choice((0, 0, 0, 1, 2)))
        row = ["%016x_%d" % (seed * 1000003 + story, seq), date.isoformat(), t, mode,
               intensity, quad, contexts]
        row += side(a, 0.03)
        row += side(b, 0.08)
        row += [place[3], place[3], "None", place[3], place[0], place[4], place[5], place[6],
                place[3], "PPLC", rng.choice(SOURCES), pub.isoformat(), "None", "None",
                place[3], "en", "1.0"]
        out.write("\t".join(row) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

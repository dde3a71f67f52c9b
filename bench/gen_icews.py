#!/usr/bin/env python3
"""Deterministic generator of synthetic ICEWS event rows (stdlib only).

Usage:
  gen_icews.py N SEED > file.tab

Writes the ICEWS Dataverse layout: a header row and N TAB-separated rows of
20 columns (Event ID, Event Date, Source Name, Source Sectors, Source
Country, Event Text, CAMEO Code, Intensity, Target Name, Target Sectors,
Target Country, Story ID, Sentence Number, Publisher, City, District,
Province, Country, Latitude, Longitude), NA for a missing value, as
bench/sources_bench.sh and caw's ICEWS importer read it.

Distributions, roughly those of the real daily files: about 150 countries
written as ICEWS writes them ("Russian Federation"); actors that are
generic sector names ("Police (Kyrgyzstan)", "Government (China)"), named
persons with their sectors (a few thousand), or international
organisations with Country NA; CAMEO codes weighted as in the real data
(010, 040, 173, 036 and 020 most common) with their intensities; dates
over 2018-01-01..2021-12-31 in order; 80 publishers; about 5% of rows
without a target. Same N and SEED give byte-identical output.
"""
import datetime
import random
import sys

COUNTRIES = [
    "Afghanistan", "Albania", "Algeria", "Angola", "Argentina", "Armenia",
    "Australia", "Austria", "Azerbaijan", "Bahrain", "Bangladesh", "Belarus",
    "Belgium", "Benin", "Bolivia", "Bosnia and Herzegovina", "Botswana",
    "Brazil", "Bulgaria", "Burkina Faso", "Burundi", "Cambodia", "Cameroon",
    "Canada", "Central African Republic", "Chad", "Chile", "China",
    "Colombia", "Costa Rica", "Croatia", "Cuba", "Cyprus", "Czech Republic",
    "Denmark", "Djibouti", "Dominican Republic", "Ecuador", "Egypt",
    "El Salvador", "Eritrea", "Estonia", "Ethiopia", "Fiji", "Finland",
    "France", "Gabon", "Georgia", "Germany", "Ghana", "Greece", "Guatemala",
    "Guinea", "Haiti", "Honduras", "Hungary", "Iceland", "India",
    "Indonesia", "Iran", "Iraq", "Ireland", "Israel", "Italy", "Jamaica",
    "Japan", "Jordan", "Kazakhstan", "Kenya", "Kuwait", "Kyrgyzstan",
    "Lao People's Democratic Republic", "Latvia", "Lebanon", "Liberia",
    "Libya", "Lithuania", "Luxembourg", "Madagascar", "Malawi", "Malaysia",
    "Mali", "Malta", "Mauritania", "Mexico", "Moldova, Republic of",
    "Mongolia", "Montenegro", "Morocco", "Mozambique", "Myanmar", "Namibia",
    "Nepal", "Netherlands", "New Zealand", "Nicaragua", "Niger", "Nigeria",
    "Norway", "Oman", "Pakistan", "Panama", "Papua New Guinea", "Paraguay",
    "Peru", "Philippines", "Poland", "Portugal", "Qatar", "Romania",
    "Russian Federation", "Rwanda", "Saudi Arabia", "Senegal", "Serbia",
    "Sierra Leone", "Singapore", "Slovakia", "Slovenia", "Somalia",
    "South Africa", "South Sudan", "Spain", "Sri Lanka", "Sudan", "Sweden",
    "Switzerland", "Syria", "Taiwan", "Tajikistan", "Tanzania", "Thailand",
    "Togo", "Trinidad and Tobago", "Tunisia", "Turkey", "Turkmenistan",
    "Uganda", "Ukraine", "United Arab Emirates", "United Kingdom",
    "United States", "Uruguay", "Uzbekistan", "Venezuela", "Vietnam",
    "Yemen", "Zambia", "Zimbabwe", "North Korea", "South Korea",
    "Occupied Palestinian Territory", "Kosovo",
]

# the busiest countries of the real files come up more often
BUSY = ["United States", "Russian Federation", "China", "India",
        "United Kingdom", "Japan", "Iran", "Turkey", "Israel", "Ukraine",
        "Pakistan", "Germany", "France", "Syria", "Afghanistan",
        "Kazakhstan", "Uzbekistan", "Kyrgyzstan", "Tajikistan"]

ROLES = [
    ("Government", "Government"),
    ("Police", "Police,Government"),
    ("Military", "Military,Government"),
    ("Foreign Affairs", "Executive,Foreign Ministry,Government"),
    ("Citizen", "Social"),
    ("Business", "Business"),
    ("Media", "Media,News"),
    ("Protester", "Protestors / Popular Opposition / Mobs,Dissident"),
    ("Ministry", "Government,Cabinet,Executive"),
    ("Legislature", "Legislative / Parliamentary,Government"),
    ("Criminal", "Criminals / Gangs,Unidentified Forces"),
    ("Education", "Education"),
    ("Health Ministry", "Health,Government,Cabinet"),
    ("Opposition", "Opposition Major Party (In Government),Parties"),
    ("Religion", "Religious,Muslim"),
    ("High Ranking Military Personnel", "Military,Government"),
]

ORGS = [
    ("United Nations", "International Government Organization,Global"),
    ("European Union", "International Government Organization,Regional"),
    ("Shanghai Cooperation Organization",
     "International Government Organization,Regional Defense / Security IGOs,Regional"),
    ("North Atlantic Treaty Organization",
     "International Government Organization,Regional Defense / Security IGOs"),
    ("World Bank", "International Government Organization,Global Economic/Financial/Trade IGOs"),
    ("International Monetary Fund", "International Government Organization,Global"),
    ("Amnesty International", "Non-Governmental Organization,Human Rights"),
    ("Red Cross", "Non-Governmental Organization,Humanitarian"),
]

PERSON_SECTORS = [
    "Elite,Executive,Executive Office,Government",
    "Cabinet,Executive,Government,Foreign Ministry",
    "Legislative / Parliamentary,Government,Parties",
    "Elite,Government,Military",
    "Business,Elite",
    "Dissident,Protestors / Popular Opposition / Mobs",
]

FIRST = ["Ahmed", "Anna", "Boris", "Chen", "Dmitry", "Elena", "Farid",
         "Gulnara", "Hassan", "Ivan", "Jamshid", "Karim", "Li", "Maria",
         "Nursultan", "Olga", "Pavel", "Rustam", "Sergey", "Timur", "Wang",
         "Yusuf", "Zhang", "Abdulla", "Bakhyt", "Daniyar", "Emomali",
         "Gurbanguly", "Kassym", "Shavkat", "Sadyr", "John", "Emmanuel",
         "Narendra", "Recep", "Hiroshi", "Angela", "Olaf", "Joe", "Xi"]
LAST = ["Aliyev", "Bekov", "Chen", "Dzhaparov", "Ermekov", "Fedorov",
        "Gulyamov", "Hasanov", "Ivanov", "Jumabaev", "Karimov", "Li",
        "Mirziyoyev", "Nazarbayev", "Orlov", "Petrov", "Rahmon", "Sidorov",
        "Tokayev", "Usmonov", "Volkov", "Wang", "Yusupov", "Zhou",
        "Berdimuhamedow", "Smith", "Johnson", "Schmidt", "Tanaka", "Kumar",
        "Erdogan", "Macron", "Biden", "Scholz", "Kishida", "Modi"]

# CAMEO code, event text, weight (share of rows), intensity
CODES = [
    ("010", "Make statement", 160, 0.0), ("040", "Consult", 130, 1.0),
    ("173", "Arrest, detain, or charge with legal action", 70, -5.0),
    ("036", "Express intent to meet or negotiate", 65, 4.0),
    ("020", "Make an appeal or request", 50, 3.0),
    ("042", "Make a visit", 40, 1.9), ("043", "Host a visit", 40, 2.8),
    ("051", "Praise or endorse", 35, 3.4), ("046", "Engage in negotiation", 30, 7.0),
    ("190", "Use conventional military force", 30, -10.0),
    ("112", "Accuse", 30, -2.0), ("111", "Criticize or denounce", 25, -2.0),
    ("057", "Sign formal agreement", 20, 8.0),
    ("061", "Cooperate economically", 20, 6.4),
    ("071", "Provide economic aid", 15, 7.4), ("030", "Express intent to cooperate", 20, 4.0),
    ("013", "Make optimistic comment", 15, 0.4), ("012", "Make pessimistic comment", 12, -0.4),
    ("084", "Return, release", 10, 7.0), ("141", "Demonstrate or rally", 15, -6.5),
    ("145", "Protest violently, riot", 8, -7.5), ("180", "Use unconventional violence", 12, -9.0),
    ("183", "Conduct suicide, car, or other non-military bombing", 6, -10.0),
    ("193", "Fight with small arms and light weapons", 10, -10.0),
    ("0233", "Appeal for humanitarian aid", 4, 3.4), ("0311", "Express intent to cooperate economically", 4, 5.2),
    ("0874", "Retreat or surrender militarily", 2, 9.0), ("1041", "Demand leadership change", 3, -5.0),
    ("1122", "Accuse of human rights abuses", 5, -2.0), ("1246", "Refuse to release persons or property", 2, -4.0),
    ("1711", "Confiscate property", 3, -9.2), ("1823", "Kill by physical assault", 4, -10.0),
    ("163", "Impose embargo, boycott, or sanctions", 6, -8.0), ("081", "Ease administrative sanctions", 3, 5.0),
    ("172", "Impose administrative sanctions", 6, -5.0), ("138", "Threaten with military force", 4, -7.0),
    ("050", "Engage in diplomatic cooperation", 10, 3.5), ("060", "Engage in material cooperation", 6, 6.0),
    ("090", "Investigate", 5, -2.0), ("100", "Demand", 6, -5.0),
]

PUBLISHERS = ["Xinhua News Agency", "Interfax", "TASS", "BBC Monitoring",
              "Agence France-Presse", "Associated Press", "Reuters",
              "Kazinform", "AKIpress", "Trend News Agency", "The Hindu",
              "Times of India", "Dawn", "Yonhap", "Kyodo", "Al Jazeera",
              "Deutsche Welle", "Anadolu Agency", "IRNA", "Ukrinform"]
PUBLISHERS += ["Regional Wire %d" % i for i in range(60)]


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: gen_icews.py N SEED > file.tab")
    n, seed = int(sys.argv[1]), int(sys.argv[2])
    rnd = random.Random(seed)
    out = sys.stdout
    countries = COUNTRIES
    cweights = [8 if c in BUSY else 1 for c in countries]
    persons = []
    for i in range(3000):
        name = "%s %s" % (rnd.choice(FIRST), rnd.choice(LAST))
        if i % 7 == 0:
            name += " %s" % rnd.choice(LAST)
        persons.append((name, rnd.choice(PERSON_SECTORS),
                        rnd.choices(countries, cweights)[0]))
    cities = {c: ["%s City %d" % (c.split(",")[0], k) for k in range(6)]
              for c in countries}
    codes = [c for c in CODES]
    cw = [c[2] for c in CODES]

    def actor():
        r = rnd.random()
        if r < 0.30:
            return persons[int(rnd.paretovariate(1.2)) % len(persons)]
        if r < 0.34:
            name, sec = rnd.choice(ORGS)
            return name, sec, "NA"
        country = rnd.choices(countries, cweights)[0]
        if r < 0.42:
            return country, "NA", country
        role, sec = rnd.choice(ROLES)
        return "%s (%s)" % (role, country), sec, country

    out.write("Event ID\tEvent Date\tSource Name\tSource Sectors\tSource Country\t"
              "Event Text\tCAMEO Code\tIntensity\tTarget Name\tTarget Sectors\t"
              "Target Country\tStory ID\tSentence Number\tPublisher\tCity\t"
              "District\tProvince\tCountry\tLatitude\tLongitude\n")
    start = datetime.date(2018, 1, 1)
    days = (datetime.date(2021, 12, 31) - start).days + 1
    story = 40000000
    rows = []
    for i in range(n):
        day = start + datetime.timedelta(days=i * days // max(n, 1))
        code, text, _, intensity = rnd.choices(codes, cw)[0]
        sname, ssec, scountry = actor()
        if rnd.random() < 0.05:
            tname, tsec, tcountry = "NA", "NA", "NA"
        else:
            tname, tsec, tcountry = actor()
        if rnd.random() < 0.6:
            story += 1
        place = scountry if scountry != "NA" else rnd.choices(countries, cweights)[0]
        city = rnd.choice(cities[place])
        lat = "%.4f" % rnd.uniform(-50, 70)
        lon = "%.4f" % rnd.uniform(-170, 170)
        rows.append("\t".join([
            str(30000000 + i), day.isoformat(), sname, ssec, scountry, text,
            code, ("%g" % intensity) if rnd.random() > 0.01 else "NA",
            tname, tsec, tcountry, str(story), str(rnd.randint(1, 12)),
            rnd.choice(PUBLISHERS), city, "NA",
            "%s Province" % city.split(" City")[0], place, lat, lon]))
        if len(rows) >= 10000:
            out.write("\n".join(rows) + "\n")
            rows = []
    if rows:
        out.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()

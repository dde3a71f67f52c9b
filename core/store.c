/*
** store.c -- caw's event store on SQLite.
** Owns the schema (migrations keyed on PRAGMA user_version), validation
** of events against caw's vocabularies, nested transactions and the
** streaming event query; builds a new database under a temporary name
** (file.c) and opens only caw's own databases. Knows nothing of Lua;
** parses dates via date.c and fingerprints events via sha256.c.
** The Lua bindings (luastore.c, luafile.c, luabulk.c), runtime.c (limits,
** rollback), cli.c and bulk.c (the bulk engine) are its callers.
*/
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "caw/date.h"
#include "caw/file.h"
#include "caw/sha256.h"
#include "caw/store.h"
#include "caw/utf8.h"

const char *const caw_event_types[] = {
  "meeting", "summit", "visit", "statement", "report", "appointment",
  "agreement", "trade", "funding", "investment", "sanction", "vote",
  "military", "protest", "conflict", "other", NULL};
const char *const caw_roles[] = {"initiator", "target", "participant", "host",
                                 NULL};
const char *const caw_levels[] = {"head", "minister", "official", NULL};
const char *const caw_stances[] = {"yes", "no", "abstain", "absent", NULL};
const char *const caw_instruments[] = {"loan", "grant", NULL};
const char *const caw_money_kinds[] = {"pledge", "commitment", "disbursement",
                                       "investment", NULL};
const char *const caw_actor_kinds[] = {"state", "organisation", "bloc",
                                       "company", "person", "group", NULL};

/* Active ISO 4217 codes (2024), sorted for bsearch. */
static const char *const currencies[] = {
  "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN",
  "BAM", "BBD", "BDT", "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BRL",
  "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHF", "CLP", "CNY",
  "COP", "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP",
  "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD",
  "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR",
  "IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF",
  "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL",
  "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR",
  "MVR", "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR",
  "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG", "QAR",
  "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD",
  "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SYP", "SZL", "THB", "TJS",
  "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD",
  "UYU", "UZS", "VES", "VND", "VUV", "WST", "XAF", "XCD", "XDR", "XOF",
  "XPF", "YER", "ZAR", "ZMW", "ZWL"};

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int caw_currency_known(const char *code) {
  if (!code || strlen(code) != 3) return 0;
  return bsearch(&code, currencies, sizeof currencies / sizeof *currencies,
                 sizeof *currencies, cmp_str) != NULL;
}

/* Statements prepared once per connection. */
enum {
  S_FIND_EVENT, S_DEL_EVENT, S_INS_EVENT, S_INS_ACTOR_REF, S_INS_MONEY,
  S_INS_SOURCE, S_INS_TAG, S_FIND_ACTOR, S_PUT_ACTOR, S_PUT_MEMBER,
  S_CHILD_ACTORS, S_CHILD_MONEY, S_CHILD_SOURCES, S_CHILD_TAGS,
  S_CODED_PUT, S_CODED_UPDATE, S_CODED_GET, S_CODED_HAS, S_CODED_OF_DAY,
  S_MEMBER_DURING, S_CURATED_PREFIX, S_COUNT
};

static const char *const stmt_sql[S_COUNT] = {
  "SELECT rowid, fingerprint FROM events WHERE id = ?1",
  "DELETE FROM events WHERE rowid = ?1",
  "INSERT INTO events(id, date, day_lo, day_hi, precision, qualifiers, type,"
  " title, summary, location, confidence, cameo, goldstein, attrs,"
  " fingerprint, batch)"
  " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16)",
  "INSERT INTO event_actors(event, seq, actor, role, level, person, stance,"
  " confidence) VALUES(?1,?2,?3,?4,?5,?6,?7,?8)",
  "INSERT INTO money(event, seq, amount, currency, kind, period, period_lo,"
  " period_hi, provider, recipient, source, is_primary, note, instrument,"
  " allocation) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15)",
  "INSERT INTO sources(event, seq, url, publisher, title, published, quote)"
  " VALUES(?1,?2,?3,?4,?5,?6,?7)",
  "INSERT OR IGNORE INTO event_tags(event, tag) VALUES(?1,?2)",
  "SELECT 1 FROM actors WHERE code = ?1",
  "INSERT INTO actors(code, name, kind, country) VALUES(?1,?2,?3,?4)"
  " ON CONFLICT(code) DO UPDATE SET name=excluded.name, kind=excluded.kind,"
  " country=coalesce(excluded.country, country)",
  "INSERT OR REPLACE INTO memberships(grp, member, period, day_lo, day_hi)"
  " VALUES(?1,?2,?3,?4,?5)",
  "SELECT ea.actor, ea.role, ea.level, ea.person, ea.stance, a.name, a.kind,"
  " ea.confidence FROM event_actors ea JOIN actors a ON a.code = ea.actor"
  " WHERE ea.event = ?1 ORDER BY ea.seq",
  "SELECT amount, currency, kind, period, period_lo, period_hi, provider,"
  " recipient, source, is_primary, note, instrument, allocation FROM money"
  " WHERE event = ?1"
  " ORDER BY seq",
  "SELECT url, publisher, title, published, quote FROM sources"
  " WHERE event = ?1 ORDER BY seq",
  "SELECT tag FROM event_tags WHERE event = ?1 ORDER BY tag",
  "INSERT INTO coded(source, ref, day, type, code, scheme, scale, actor1,"
  " actor2, location, title, url, confidence, tag, rows, attrs, more, batch)"
  " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18)"
  " ON CONFLICT(source, ref) DO NOTHING",
  "UPDATE coded SET rows = ?2, attrs = ?3, more = ?4 WHERE id = ?1",
  "SELECT id, rows, batch, code, url, attrs, more FROM coded"
  " WHERE source = ?1 AND ref = ?2",
  "SELECT 1 FROM coded WHERE source = ?1 AND ref = ?2",
  "SELECT ref, tag, json_extract(more, '$.ids') FROM coded"
  " WHERE day = ?2 AND source = ?1",
  "SELECT 1 FROM memberships WHERE grp = ?1 AND member = ?2"
  " AND day_lo <= ?4 AND day_hi >= ?3",
  "SELECT 1 FROM events WHERE id >= ?1 || ':' AND id < ?1 || ';' LIMIT 1"};

/* The application_id (PRAGMA application_id) of a caw database: 0x63617731,
   "caw1". Databases made before it was set are known by their schema. */
#define CAW_APPLICATION_ID 1667331889
#define STRINGIFY(x) #x
#define SQL_NUMBER(x) STRINGIFY(x)

struct caw_store {
  sqlite3 *db;
  char *path;
  char *tmp;    /* a new database not yet renamed to path (CAW_STORE_DEFER) */
  int replace;  /* publishing replaces an existing file (CAW_STORE_FRESH) */
  int readonly; /* opened read-only because path or its folder is not writable */
  int depth; /* transaction nesting */
  sqlite3_stmt *stmt[S_COUNT];
};

/* Schema version 1. Documented in docs/schema.md. */
static const char schema_v1[] =
  "CREATE TABLE event_types(name TEXT PRIMARY KEY) WITHOUT ROWID;\n"
  "CREATE TABLE roles(name TEXT PRIMARY KEY) WITHOUT ROWID;\n"
  "CREATE TABLE money_kinds(name TEXT PRIMARY KEY) WITHOUT ROWID;\n"
  "CREATE TABLE actor_kinds(name TEXT PRIMARY KEY) WITHOUT ROWID;\n"
  "CREATE TABLE actors(\n"
  "  code TEXT PRIMARY KEY,\n"
  "  name TEXT NOT NULL,\n"
  "  kind TEXT NOT NULL REFERENCES actor_kinds(name),\n"
  "  country TEXT\n"
  ") WITHOUT ROWID;\n"
  "CREATE TABLE memberships(\n"
  "  grp TEXT NOT NULL REFERENCES actors(code),\n"
  "  member TEXT NOT NULL REFERENCES actors(code),\n"
  "  period TEXT NOT NULL,\n"
  "  day_lo INTEGER NOT NULL,\n"
  "  day_hi INTEGER NOT NULL,\n"
  "  PRIMARY KEY(grp, member, period)\n"
  ") WITHOUT ROWID;\n"
  "CREATE TABLE batches(\n"
  "  id INTEGER PRIMARY KEY,\n"
  "  file TEXT NOT NULL,\n"
  "  sha256 TEXT NOT NULL,\n"
  "  importer TEXT NOT NULL,\n"
  "  started TEXT NOT NULL,\n"
  "  finished TEXT,\n"
  "  n_read INTEGER, n_added INTEGER, n_updated INTEGER,\n"
  "  n_unchanged INTEGER, n_merged INTEGER, n_rejected INTEGER\n"
  ");\n"
  "CREATE TABLE events(\n"
  "  rowid INTEGER PRIMARY KEY,\n"
  "  id TEXT NOT NULL UNIQUE,\n"
  "  date TEXT NOT NULL,\n"
  "  day_lo INTEGER NOT NULL,\n"
  "  day_hi INTEGER NOT NULL CHECK (day_hi >= day_lo),\n"
  "  precision TEXT NOT NULL,\n"
  "  qualifiers INTEGER NOT NULL DEFAULT 0,\n"
  "  type TEXT NOT NULL,\n"
  "  title TEXT NOT NULL,\n"
  "  summary TEXT,\n"
  "  location TEXT,\n"
  "  confidence REAL NOT NULL DEFAULT 1 CHECK (confidence BETWEEN 0 AND 1),\n"
  "  cameo TEXT,\n"
  "  goldstein REAL,\n"
  "  attrs TEXT CHECK (attrs IS NULL OR json_valid(attrs)),\n"
  "  fingerprint TEXT NOT NULL,\n"
  "  batch INTEGER REFERENCES batches(id)\n"
  ");\n"
  "CREATE INDEX events_days ON events(day_lo, day_hi);\n"
  "CREATE INDEX events_type ON events(type, day_lo);\n"
  "CREATE TABLE event_actors(\n"
  "  event INTEGER NOT NULL REFERENCES events(rowid) ON DELETE CASCADE,\n"
  "  seq INTEGER NOT NULL,\n"
  "  actor TEXT NOT NULL REFERENCES actors(code),\n"
  "  role TEXT NOT NULL REFERENCES roles(name),\n"
  "  level TEXT CHECK (level IN ('head','minister','official')),\n"
  "  person TEXT,\n"
  "  stance TEXT CHECK (stance IN ('yes','no','abstain','absent')),\n"
  "  PRIMARY KEY(event, seq)\n"
  ") WITHOUT ROWID;\n"
  "CREATE INDEX event_actors_actor ON event_actors(actor, event);\n"
  "CREATE TABLE money(\n"
  "  event INTEGER NOT NULL REFERENCES events(rowid) ON DELETE CASCADE,\n"
  "  seq INTEGER NOT NULL,\n"
  "  amount REAL NOT NULL CHECK (amount > 0),\n"
  "  currency TEXT NOT NULL,\n"
  "  kind TEXT NOT NULL REFERENCES money_kinds(name),\n"
  "  period TEXT,\n"
  "  period_lo INTEGER,\n"
  "  period_hi INTEGER,\n"
  "  provider TEXT REFERENCES actors(code),\n"
  "  recipient TEXT REFERENCES actors(code),\n"
  "  source INTEGER,\n"
  "  is_primary INTEGER NOT NULL DEFAULT 1,\n"
  "  note TEXT,\n"
  "  PRIMARY KEY(event, seq)\n"
  ") WITHOUT ROWID;\n"
  "CREATE TABLE sources(\n"
  "  event INTEGER NOT NULL REFERENCES events(rowid) ON DELETE CASCADE,\n"
  "  seq INTEGER NOT NULL,\n"
  "  url TEXT NOT NULL,\n"
  "  publisher TEXT,\n"
  "  title TEXT,\n"
  "  published TEXT,\n"
  "  quote TEXT,\n"
  "  PRIMARY KEY(event, seq)\n"
  ") WITHOUT ROWID;\n"
  "CREATE TABLE event_tags(\n"
  "  event INTEGER NOT NULL REFERENCES events(rowid) ON DELETE CASCADE,\n"
  "  tag TEXT NOT NULL,\n"
  "  PRIMARY KEY(event, tag)\n"
  ") WITHOUT ROWID;\n"
  "CREATE INDEX event_tags_tag ON event_tags(tag, event);\n";

/*
** Schema version 2: GDELT events in one slim table, a row per event (rows
** of the export that report the same event are merged by the importer),
** with the actors, first source and attributes inline. caw_store_events
** reads them as events; docs/schema.md describes the columns.
*/
static const char schema_v2[] =
  "CREATE TABLE gdelt(\n"
  "  id INTEGER PRIMARY KEY,\n"
  "  day INTEGER NOT NULL,\n"
  "  type TEXT NOT NULL,\n"
  "  title TEXT NOT NULL,\n"
  "  location TEXT,\n"
  "  confidence REAL NOT NULL DEFAULT 1,\n"
  "  cameo TEXT NOT NULL,\n"
  "  goldstein REAL,\n"
  "  actor1 TEXT,\n"
  "  actor2 TEXT,\n"
  "  url TEXT,\n"
  "  quad INTEGER, mentions INTEGER, num_sources INTEGER, articles INTEGER,\n"
  "  tone REAL, geo TEXT, version INTEGER, root INTEGER,\n"
  "  code1 TEXT, name1 TEXT, code2 TEXT, name2 TEXT,\n"
  "  rows INTEGER NOT NULL DEFAULT 1,\n"
  "  more TEXT,\n"
  "  tag TEXT,\n"
  "  batch INTEGER\n"
  ");\n"
  "CREATE INDEX gdelt_day ON gdelt(day);\n"
  "DROP VIEW IF EXISTS events_flat;\n"
  "CREATE VIEW events_flat AS SELECT id, date, earliest, latest, precision,\n"
  "  type, title, summary, location, confidence, cameo, goldstein, actors,\n"
  "  sources, tags FROM (SELECT e.id, e.date,\n"
  "  CASE WHEN e.day_lo <= -9007199254740992 THEN NULL\n"
  "       ELSE date(e.day_lo * 86400, 'unixepoch') END AS earliest,\n"
  "  CASE WHEN e.day_hi >= 9007199254740992 THEN NULL\n"
  "       ELSE date(e.day_hi * 86400, 'unixepoch') END AS latest,\n"
  "  e.precision, e.type, e.title, e.summary, e.location, e.confidence,\n"
  "  e.cameo, e.goldstein,\n"
  "  (SELECT group_concat(actor || ':' || role, ';') FROM\n"
  "     (SELECT actor, role FROM event_actors WHERE event = e.rowid\n"
  "      ORDER BY seq)) AS actors,\n"
  "  (SELECT group_concat(url, ' ') FROM\n"
  "     (SELECT url FROM sources WHERE event = e.rowid ORDER BY seq))\n"
  "     AS sources,\n"
  "  (SELECT group_concat(tag, ';') FROM\n"
  "     (SELECT tag FROM event_tags WHERE event = e.rowid ORDER BY tag))\n"
  "     AS tags, e.day_lo, e.day_hi\n"
  "  FROM events e\n"
  "  UNION ALL SELECT 'gdelt:' || g.id, date(g.day * 86400, 'unixepoch'),\n"
  "  date(g.day * 86400, 'unixepoch'), date(g.day * 86400, 'unixepoch'),\n"
  "  'day', g.type, g.title, NULL, g.location, g.confidence, g.cameo,\n"
  "  g.goldstein,\n"
  "  CASE WHEN g.actor1 IS NULL THEN g.actor2 || ':target'\n"
  "       WHEN g.actor2 IS NULL THEN g.actor1 || ':initiator'\n"
  "       ELSE g.actor1 || ':initiator;' || g.actor2 || ':target' END,\n"
  "  coalesce(g.url, 'urn:gdelt:event:' || g.id) || coalesce(' ' ||\n"
  "    (SELECT group_concat(value, ' ') FROM json_each(g.more, '$.urls')),\n"
  "    ''),\n"
  "  g.tag, g.day, g.day FROM gdelt g)\n"
  "  ORDER BY day_lo, day_hi, id;\n";

/*
** Schema version 3: an actor's own confidence in an event, and a money
** line's instrument (loan, grant) and stated allocation among the members
** of its recipient group (a JSON object: member code -> amount).
*/
static const char schema_v3[] =
  "ALTER TABLE event_actors ADD COLUMN confidence REAL\n"
  "  CHECK (confidence BETWEEN 0 AND 1);\n"
  "ALTER TABLE money ADD COLUMN instrument TEXT\n"
  "  CHECK (instrument IN ('loan','grant'));\n"
  "ALTER TABLE money ADD COLUMN allocation TEXT\n"
  "  CHECK (allocation IS NULL OR json_valid(allocation));\n"
  "DROP VIEW IF EXISTS money_flat;\n"
  "CREATE VIEW money_flat AS SELECT e.id AS event_id, e.date, e.title,\n"
  "  m.seq, m.amount, m.currency, m.kind, m.instrument, m.period,\n"
  "  m.provider, m.recipient, m.allocation, m.is_primary, m.note,\n"
  "  s.url AS source_url\n"
  "  FROM money m JOIN events e ON e.rowid = m.event\n"
  "  LEFT JOIN sources s ON s.event = m.event AND s.seq = m.source\n"
  "  ORDER BY e.day_lo, e.id, m.seq;\n";

/*
** Schema version 4: one table for machine-coded events of every source
** (GDELT, ICEWS, ACLED, POLECAT...), keyed by (source, ref); the GDELT
** rows move over unchanged. event_rows is the one union of curated and
** machine-coded events: caw_store_events and events_flat read it. A view
** named gdelt keeps the version 2 columns for queries written against
** them. docs/schema.md describes it all.
*/
static const char schema_v4[] =
  "CREATE TABLE coded(\n"
  "  id INTEGER PRIMARY KEY,\n"
  "  source TEXT NOT NULL,\n"
  "  ref TEXT NOT NULL,\n"
  "  day INTEGER NOT NULL,\n"
  "  type TEXT NOT NULL,\n"
  "  code TEXT,\n"
  "  scheme TEXT CHECK (scheme IN ('cameo', 'plover')),\n"
  "  scale REAL,\n"
  "  actor1 TEXT REFERENCES actors(code),\n"
  "  actor2 TEXT REFERENCES actors(code),\n"
  "  location TEXT,\n"
  "  title TEXT NOT NULL,\n"
  "  url TEXT,\n"
  "  confidence REAL NOT NULL DEFAULT 1 CHECK (confidence BETWEEN 0 AND 1),\n"
  "  tag TEXT,\n"
  "  rows INTEGER NOT NULL DEFAULT 1,\n"
  "  attrs TEXT,\n"
  "  more TEXT,\n"
  "  batch INTEGER\n"
  ");\n"
  "INSERT INTO coded(id, source, ref, day, type, code, scheme, scale,\n"
  "  actor1, actor2, location, title, url, confidence, tag, rows, attrs,\n"
  "  more, batch)\n"
  "  SELECT id, 'gdelt', CAST(id AS TEXT), day, type, cameo, 'cameo',\n"
  "  goldstein, actor1, actor2, location, title, url, confidence, tag, rows,\n"
  "  json_patch('{}', json_object('quad', quad, 'mentions', mentions,\n"
  "  'num_sources', num_sources, 'articles', articles, 'tone', tone,\n"
  "  'geo', geo, 'version', version,\n"
  "  'root_event', CASE WHEN root THEN json('true') END, 'actor1', code1,\n"
  "  'actor1_name', name1, 'actor2', code2, 'actor2_name', name2)),\n"
  "  more, batch FROM gdelt ORDER BY id;\n"
  "DROP VIEW IF EXISTS events_flat;\n"
  "DROP TABLE gdelt;\n"
  "CREATE UNIQUE INDEX coded_ref ON coded(source, ref);\n"
  "CREATE INDEX coded_day ON coded(day);\n"
  "CREATE VIEW gdelt AS SELECT CAST(ref AS INTEGER) AS id, day, type, title,\n"
  "  location, confidence, code AS cameo, scale AS goldstein, actor1, actor2,\n"
  "  url, attrs ->> '$.quad' AS quad, attrs ->> '$.mentions' AS mentions,\n"
  "  attrs ->> '$.num_sources' AS num_sources,\n"
  "  attrs ->> '$.articles' AS articles, attrs ->> '$.tone' AS tone,\n"
  "  attrs ->> '$.geo' AS geo, attrs ->> '$.version' AS version,\n"
  "  CASE WHEN attrs ->> '$.root_event' THEN 1 END AS root,\n"
  "  attrs ->> '$.actor1' AS code1, attrs ->> '$.actor1_name' AS name1,\n"
  "  attrs ->> '$.actor2' AS code2, attrs ->> '$.actor2_name' AS name2,\n"
  "  rows, more, tag, batch FROM coded WHERE source = 'gdelt';\n";
/* The two sides of the union of curated and machine-coded events, in the
   column order of CAW_COL_*: the one definition that the view event_rows
   (below) and caw_store_events (which adds its filters to each side)
   share. Changing them needs a schema version that recreates the view. */
#define CURATED_SIDE \
  "SELECT e.rowid AS row, e.id, e.date, e.day_lo, e.day_hi, e.precision," \
  " e.type, e.title, e.summary, e.location, e.confidence, e.cameo," \
  " e.goldstein, e.attrs, e.batch, NULL AS source, NULL AS actor1," \
  " NULL AS actor1_name, NULL AS actor1_kind, NULL AS actor2," \
  " NULL AS actor2_name, NULL AS actor2_kind, NULL AS url," \
  " NULL AS more_urls, NULL AS tag, NULL AS ref, NULL AS scheme" \
  " FROM events e"
#define CODED_SIDE \
  "SELECT c.id, c.source || ':' || c.ref, date(c.day * 86400, 'unixepoch')," \
  " c.day, c.day, 'day', c.type, c.title, NULL, c.location, c.confidence," \
  " c.code, c.scale," \
  " json_patch(json_patch(CASE WHEN json_type(c.attrs, '$.tone') = 'real'" \
  " THEN json_set(c.attrs, '$.tone', round(c.attrs ->> '$.tone', 3))" \
  " ELSE coalesce(c.attrs, '{}') END, json_object('rows', c.rows))," \
  " coalesce(json_remove(c.more, '$.urls'), '{}'))," \
  " c.batch, c.source, c.actor1, a1.name, a1.kind, c.actor2, a2.name," \
  " a2.kind, c.url, c.more -> '$.urls', c.tag, c.ref, c.scheme FROM coded c" \
  " LEFT JOIN actors a1 ON a1.code = c.actor1" \
  " LEFT JOIN actors a2 ON a2.code = c.actor2"
static const char schema_v4_union[] =
  "CREATE VIEW event_rows AS " CURATED_SIDE " UNION ALL " CODED_SIDE ";\n";
static const char schema_v4_flat[] =
  "CREATE VIEW events_flat AS SELECT id, date,\n"
  "  CASE WHEN day_lo <= -9007199254740992 THEN NULL\n"
  "       ELSE date(day_lo * 86400, 'unixepoch') END AS earliest,\n"
  "  CASE WHEN day_hi >= 9007199254740992 THEN NULL\n"
  "       ELSE date(day_hi * 86400, 'unixepoch') END AS latest,\n"
  "  precision, type, title, summary, location, confidence, cameo, goldstein,\n"
  "  CASE WHEN source IS NULL THEN\n"
  "    (SELECT group_concat(actor || ':' || role, ';') FROM\n"
  "     (SELECT actor, role FROM event_actors WHERE event = row ORDER BY seq))\n"
  "  WHEN actor1 IS NULL THEN actor2 || ':target'\n"
  "  WHEN actor2 IS NULL THEN actor1 || ':initiator'\n"
  "  ELSE actor1 || ':initiator;' || actor2 || ':target' END AS actors,\n"
  "  CASE WHEN source IS NULL THEN\n"
  "    (SELECT group_concat(url, ' ') FROM\n"
  "     (SELECT url FROM sources WHERE event = row ORDER BY seq))\n"
  "  ELSE coalesce(url, 'urn:' || source || ':event:' || ref) ||\n"
  "    coalesce(' ' || (SELECT group_concat(value, ' ')\n"
  "                     FROM json_each(more_urls)), '') END AS sources,\n"
  "  CASE WHEN source IS NULL THEN\n"
  "    (SELECT group_concat(tag, ';') FROM\n"
  "     (SELECT tag FROM event_tags WHERE event = row ORDER BY tag))\n"
  "  ELSE tag END AS tags,\n"
  "  coalesce(source, 'curated') AS provenance\n"
  "  FROM event_rows ORDER BY day_lo, day_hi, id;\n";

/* Flat views for pandas, R, Datasette and the sqlite3 shell. events_flat
   is made by version 2 (below), which also replaces the version 1 view
   that older databases hold. */
static const char schema_v1_views[] =
  "CREATE VIEW money_flat AS SELECT e.id AS event_id, e.date, e.title,\n"
  "  m.seq, m.amount, m.currency, m.kind, m.period, m.provider,\n"
  "  m.recipient, m.is_primary, m.note, s.url AS source_url\n"
  "  FROM money m JOIN events e ON e.rowid = m.event\n"
  "  LEFT JOIN sources s ON s.event = m.event AND s.seq = m.source\n"
  "  ORDER BY e.day_lo, e.id, m.seq;\n";

static void fmt(char *err, size_t n, const char *f, ...) {
  va_list ap;
  if (!err || !n) return;
  va_start(ap, f);
  vsnprintf(err, n, f, ap);
  va_end(ap);
}

static caw_status from_sqlite(int rc) {
  switch (rc & 0xff) {
  case SQLITE_BUSY:
  case SQLITE_LOCKED: return CAW_EBUSY;
  case SQLITE_NOMEM: return CAW_ENOMEM;
  case SQLITE_IOERR:
  case SQLITE_FULL:
  case SQLITE_READONLY:
  case SQLITE_CANTOPEN: return CAW_EIO;
  case SQLITE_NOTADB:
  case SQLITE_CORRUPT: return CAW_EINVAL;
  case SQLITE_CONSTRAINT: return CAW_EINVAL;
  }
  return CAW_EINTERNAL;
}

static caw_status sqlerr(caw_store *st, int rc, char *err, size_t n,
                         const char *what) {
  caw_status s = from_sqlite(rc);
  if (s == CAW_EBUSY)
    fmt(err, n, "database is busy (another caw is writing %s); try again",
        st->path);
  else if ((rc & 0xff) == SQLITE_READONLY)
    fmt(err, n, "cannot write %s: the database is read-only%s", st->path,
        st->readonly ? " (the file or its folder is not writable; reading"
                       " commands still work)" : "");
  else
    fmt(err, n, "%s: %s: %s", st->path, what, sqlite3_errmsg(st->db));
  return s;
}

static caw_status exec(caw_store *st, const char *sql, char *err, size_t n) {
  int rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);
  return rc == SQLITE_OK ? CAW_OK : sqlerr(st, rc, err, n, "query failed");
}

static sqlite3_stmt *stmt(caw_store *st, int which) {
  if (!st->stmt[which] &&
      sqlite3_prepare_v3(st->db, stmt_sql[which], -1, SQLITE_PREPARE_PERSISTENT,
                         &st->stmt[which], NULL) != SQLITE_OK)
    return NULL;
  sqlite3_reset(st->stmt[which]);
  sqlite3_clear_bindings(st->stmt[which]);
  return st->stmt[which];
}

static caw_status seed_vocab(caw_store *st, const char *table,
                             const char *const *words, char *err, size_t n) {
  char sql[128];
  sqlite3_stmt *s = NULL;
  caw_status rc = CAW_OK;
  snprintf(sql, sizeof sql, "INSERT INTO %s(name) VALUES(?1)", table);
  if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
    return sqlerr(st, sqlite3_errcode(st->db), err, n, "seeding vocabulary");
  for (; *words; words++) {
    sqlite3_bind_text(s, 1, *words, -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_DONE) {
      rc = sqlerr(st, sqlite3_errcode(st->db), err, n, "seeding vocabulary");
      break;
    }
    sqlite3_reset(s);
  }
  sqlite3_finalize(s);
  return rc;
}

static caw_status migrate(caw_store *st, int readonly, char *err, size_t n) {
  sqlite3_stmt *s = NULL;
  int version, rc;
  caw_status res;
  rc = sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL);
  if (rc != SQLITE_OK || sqlite3_step(s) != SQLITE_ROW) {
    rc = sqlite3_errcode(st->db);
    sqlite3_finalize(s);
    if ((rc & 0xff) == SQLITE_NOTADB) {
      fmt(err, n, "%s is not a caw database (not an SQLite file)", st->path);
      return CAW_EINVAL;
    }
    return sqlerr(st, rc, err, n, "reading the schema version");
  }
  version = sqlite3_column_int(s, 0);
  sqlite3_finalize(s);
  if (version > CAW_SCHEMA_VERSION) {
    fmt(err, n,
        "%s has schema version %d, newer than this caw understands (%d);"
        " upgrade caw to open it",
        st->path, version, CAW_SCHEMA_VERSION);
    return CAW_ESCHEMA;
  }
  if (version == CAW_SCHEMA_VERSION) return CAW_OK;
  if (readonly) {
    fmt(err, n, "%s needs a schema upgrade but was opened read-only",
        st->path);
    return CAW_EIO;
  }
  if ((res = exec(st, "BEGIN IMMEDIATE", err, n)) != CAW_OK) return res;
  if (version < 1) { /* each step moves the schema up one version */
    if ((res = exec(st, schema_v1, err, n)) != CAW_OK ||
        (res = exec(st, schema_v1_views, err, n)) != CAW_OK ||
        (res = seed_vocab(st, "event_types", caw_event_types, err, n)) ||
        (res = seed_vocab(st, "roles", caw_roles, err, n)) ||
        (res = seed_vocab(st, "money_kinds", caw_money_kinds, err, n)) ||
        (res = seed_vocab(st, "actor_kinds", caw_actor_kinds, err, n)))
      goto fail;
  }
  if ((res = exec(st, "PRAGMA application_id = "
                     SQL_NUMBER(CAW_APPLICATION_ID), err, n)) != CAW_OK)
    goto fail; /* new, or upgraded: caw's from now on */
  if (version < 2 && (res = exec(st, schema_v2, err, n)) != CAW_OK) goto fail;
  if (version < 3 && (res = exec(st, schema_v3, err, n)) != CAW_OK) goto fail;
  if (version < 4 && ((res = exec(st, schema_v4, err, n)) != CAW_OK ||
                       (res = exec(st, schema_v4_union, err, n)) != CAW_OK ||
                       (res = exec(st, schema_v4_flat, err, n)) != CAW_OK))
    goto fail;
  if ((res = exec(st, "PRAGMA user_version = 4", err, n)) != CAW_OK ||
      (res = exec(st, "COMMIT", err, n)) != CAW_OK)
    goto fail;
  return CAW_OK;
fail:
  sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
  return res;
}

/* Is the directory holding path writable (SQLite makes its -wal there)? */
static int dir_writable(const char *path) {
  const char *slash = strrchr(path, '/');
  char dir[4096];
  if (!slash) return access(".", W_OK) == 0;
  snprintf(dir, sizeof dir, "%.*s", (int)(slash == path ? 1 : slash - path),
           path);
  return access(dir, W_OK) == 0;
}

/* Does path-wal exist with content (commits not yet in the main file)? */
static int has_wal(const char *path) {
  char side[4200];
  struct stat sb;
  snprintf(side, sizeof side, "%s-wal", path);
  return stat(side, &sb) == 0 && sb.st_size > 0;
}

/* Open st->db on file. A read-only open of a database whose directory is
   not writable uses immutable=1, so that SQLite needs no -shm file. */
static caw_status connect_db(caw_store *st, const char *file, int oflags,
                             char *err, size_t n) {
  char *uri = NULL;
  const char *name = file;
  int rc;
  if ((oflags & SQLITE_OPEN_READONLY) && !dir_writable(file) &&
      !has_wal(file)) {
    if (!(uri = sqlite3_mprintf("file:%s?immutable=1", file))) {
      fmt(err, n, "out of memory");
      return CAW_ENOMEM;
    }
    { /* percent-escape what a URI reserves */
      char *esc = sqlite3_mprintf("%s", "");
      const char *p;
      for (p = file; esc && *p; p++) {
        char *next = (*p == '%' || *p == '?' || *p == '#')
                       ? sqlite3_mprintf("%s%%%02X", esc, (unsigned char)*p)
                       : sqlite3_mprintf("%s%c", esc, *p);
        sqlite3_free(esc);
        esc = next;
      }
      sqlite3_free(uri);
      uri = esc ? sqlite3_mprintf("file:%s?immutable=1", esc) : NULL;
      sqlite3_free(esc);
      if (!uri) {
        fmt(err, n, "out of memory");
        return CAW_ENOMEM;
      }
    }
    name = uri;
    oflags |= SQLITE_OPEN_URI;
  }
  rc = sqlite3_open_v2(name, &st->db, oflags | SQLITE_OPEN_FULLMUTEX, NULL);
  sqlite3_free(uri);
  if (rc != SQLITE_OK) {
    fmt(err, n, "cannot open database %s: %s", st->path,
        st->db ? sqlite3_errmsg(st->db) : "out of memory");
    return CAW_EIO;
  }
  sqlite3_busy_timeout(st->db, 5000);
  sqlite3_extended_result_codes(st->db, 1);
  return exec(st, "PRAGMA foreign_keys = ON", err, n);
}

/* Set up a writable connection: WAL and the speed settings. */
static caw_status tune_db(caw_store *st, char *err, size_t n) {
  sqlite3_stmt *s = NULL;
  caw_status res;
  /* journal_mode only writes the header when it changes */
  if (sqlite3_prepare_v2(st->db, "PRAGMA journal_mode", -1, &s, NULL) ==
          SQLITE_OK &&
      sqlite3_step(s) == SQLITE_ROW &&
      strcmp((const char *)sqlite3_column_text(s, 0), "wal") != 0) {
    sqlite3_finalize(s);
    if ((res = exec(st, "PRAGMA journal_mode = WAL", err, n)) != CAW_OK)
      return res;
  } else if (!s || sqlite3_errcode(st->db) == SQLITE_NOTADB) {
    sqlite3_finalize(s);
    fmt(err, n, "%s is not a caw database (not an SQLite file)", st->path);
    return CAW_EINVAL;
  } else sqlite3_finalize(s);
  exec(st, "PRAGMA synchronous = NORMAL", NULL, 0);
  exec(st, "PRAGMA cache_size = -16384", NULL, 0); /* 16 MiB: big imports */
  exec(st, "PRAGMA temp_store = MEMORY", NULL, 0);  /* statement journals */
  return CAW_OK;
}

/* An existing file must be a caw database: its application_id, or (made
   before caw set one) a schema version and caw's own tables. */
static caw_status check_caw(caw_store *st, char *err, size_t n) {
  sqlite3_stmt *s = NULL;
  int rc, app = 0, version = 0, tables = 0, caw_tables = 0;
  rc = sqlite3_prepare_v2(
    st->db,
    "SELECT (SELECT application_id FROM pragma_application_id),"
    " (SELECT user_version FROM pragma_user_version),"
    " (SELECT count(*) FROM sqlite_schema),"
    " (SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND"
    "  name IN ('events', 'batches', 'actors'))",
    -1, &s, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
    app = sqlite3_column_int(s, 0);
    version = sqlite3_column_int(s, 1);
    tables = sqlite3_column_int(s, 2);
    caw_tables = sqlite3_column_int(s, 3);
    rc = SQLITE_OK;
  } else rc = sqlite3_errcode(st->db);
  sqlite3_finalize(s);
  if ((rc & 0xff) == SQLITE_NOTADB) {
    fmt(err, n, "%s is not a caw database (not an SQLite file)", st->path);
    return CAW_EINVAL;
  }
  if (rc != SQLITE_OK) return sqlerr(st, rc, err, n, "reading the schema");
  if (app == CAW_APPLICATION_ID || (app == 0 && version >= 1 && caw_tables == 3))
    return CAW_OK;
  if (tables == 0 && app == 0)
    fmt(err, n, "%s is an empty SQLite database, not a caw database; give"
                " --db a new path, or replace it with 'caw init --force'",
        st->path);
  else
    fmt(err, n, "%s is not a caw database (an SQLite database of another"
                " application); caw leaves it alone", st->path);
  return CAW_EINVAL;
}

/* Start a new database under a temporary name beside st->path. */
static caw_status build_db(caw_store *st, char *err, size_t n) {
  caw_status res;
  int fd;
  if ((res = caw_file_temp(st->path, &fd, &st->tmp, err, n)) != CAW_OK)
    return res;
  close(fd); /* SQLite takes an empty file as a new database */
  if ((res = connect_db(st, st->tmp, SQLITE_OPEN_READWRITE, err, n)) ||
      (res = tune_db(st, err, n)))
    return res;
  return migrate(st, 0, err, n);
}

/* Remove a file and its -wal and -shm. */
static void remove_db_files(const char *file) {
  char side[4200];
  unlink(file);
  snprintf(side, sizeof side, "%s-wal", file);
  unlink(side);
  snprintf(side, sizeof side, "%s-shm", file);
  unlink(side);
}

caw_status caw_store_open(const char *path, int flags, caw_store **out,
                          char *err, size_t n) {
  caw_store *st;
  struct stat sb;
  int readonly = (flags & CAW_STORE_READONLY) != 0, exists;
  caw_status res;
  *out = NULL;
  exists = stat(path, &sb) == 0;
  if (!exists && (errno != ENOENT || !(flags & CAW_STORE_CREATE) || readonly)) {
    fmt(err, n, "cannot open database %s: %s", path, strerror(errno));
    return errno == ENOENT ? CAW_ENOENT : CAW_EIO;
  }
  if (exists && S_ISDIR(sb.st_mode)) {
    fmt(err, n, "cannot open database %s: it is a directory", path);
    return CAW_EIO;
  }
  if (exists && !(flags & CAW_STORE_FRESH) && sb.st_size == 0) {
    fmt(err, n, "%s is an empty file, not a caw database; caw creates a"
                " database only where no file exists (remove it, or give"
                " --db a new path)", path);
    return CAW_EINVAL;
  }
  if (!(st = calloc(1, sizeof *st)) || !(st->path = strdup(path))) {
    free(st);
    fmt(err, n, "out of memory");
    return CAW_ENOMEM;
  }
  if (!exists || (flags & CAW_STORE_FRESH)) {
    st->replace = exists;
    if ((res = build_db(st, err, n)) != CAW_OK) goto fail;
    if (!(flags & CAW_STORE_DEFER) &&
        (res = caw_store_publish(st, err, n)) != CAW_OK)
      goto fail;
    *out = st;
    return CAW_OK;
  }
  if (!readonly && (access(path, W_OK) != 0 || !dir_writable(path)))
    st->readonly = readonly = 1; /* reading still works; writes say why */
  if ((res = connect_db(st, path,
                        readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE,
                        err, n)) ||
      (res = check_caw(st, err, n)) ||
      (!readonly && (res = tune_db(st, err, n))) ||
      (res = migrate(st, readonly, err, n)))
    goto fail;
  *out = st;
  return CAW_OK;
fail:
  caw_store_close(st);
  return res;
}

caw_status caw_store_publish(caw_store *st, char *err, size_t n) {
  caw_status res;
  int i;
  if (!st->tmp) return CAW_OK;
  for (i = 0; i < S_COUNT; i++) {
    sqlite3_finalize(st->stmt[i]);
    st->stmt[i] = NULL;
  }
  if (sqlite3_close(st->db) != SQLITE_OK) { /* a statement still open */
    fmt(err, n, "%s: cannot finish the new database: %s", st->path,
        sqlite3_errmsg(st->db));
    return CAW_EINTERNAL;
  }
  st->db = NULL;
  if (st->replace) { /* the old database's journal must not meet the new */
    char side[4200];
    snprintf(side, sizeof side, "%s-wal", st->path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", st->path);
    unlink(side);
  }
  res = caw_file_commit(st->tmp, st->path, st->replace, err, n);
  remove_db_files(st->tmp); /* gone already, unless something failed */
  free(st->tmp);
  st->tmp = NULL;
  if (res != CAW_OK) return res;
  if ((res = connect_db(st, st->path, SQLITE_OPEN_READWRITE, err, n)) ||
      (res = tune_db(st, err, n)))
    return res;
  return CAW_OK;
}

int caw_store_unpublished(caw_store *st) { return st->tmp != NULL; }

void caw_store_close(caw_store *st) {
  int i;
  if (!st) return;
  for (i = 0; i < S_COUNT; i++) sqlite3_finalize(st->stmt[i]);
  sqlite3_close(st->db);
  if (st->tmp) remove_db_files(st->tmp); /* never published: all or nothing */
  free(st->tmp);
  free(st->path);
  free(st);
}

const char *caw_store_path(caw_store *st) { return st->path; }
int caw_store_depth(caw_store *st) { return st->depth; }

caw_status caw_store_begin(caw_store *st, char *err, size_t n) {
  char sql[64];
  caw_status res;
  if (st->depth == 0)
    res = exec(st, "BEGIN IMMEDIATE", err, n);
  else {
    snprintf(sql, sizeof sql, "SAVEPOINT caw_%d", st->depth);
    res = exec(st, sql, err, n);
  }
  if (res == CAW_OK) st->depth++;
  return res;
}

caw_status caw_store_commit(caw_store *st, char *err, size_t n) {
  char sql[64];
  caw_status res;
  if (st->depth == 0) {
    fmt(err, n, "commit without a transaction");
    return CAW_EINTERNAL;
  }
  if (st->depth == 1)
    res = exec(st, "COMMIT", err, n);
  else {
    snprintf(sql, sizeof sql, "RELEASE caw_%d", st->depth - 1);
    res = exec(st, sql, err, n);
  }
  if (res == CAW_OK) st->depth--;
  return res;
}

caw_status caw_store_rollback(caw_store *st) {
  char sql[96];
  if (st->depth == 0) return CAW_OK;
  st->depth--;
  if (st->depth == 0) {
    if (sqlite3_get_autocommit(st->db)) return CAW_OK; /* already undone */
    return exec(st, "ROLLBACK", NULL, 0);
  }
  snprintf(sql, sizeof sql, "ROLLBACK TO caw_%d; RELEASE caw_%d", st->depth,
           st->depth);
  return exec(st, sql, NULL, 0);
}

/* ---- validation ---- */

static int in_vocab(const char *w, const char *const *words) {
  for (; *words; words++)
    if (strcmp(w, *words) == 0) return 1;
  return 0;
}

static void vocab_list(char *buf, size_t n, const char *const *words) {
  size_t used = 0;
  buf[0] = '\0';
  for (; *words && used + 1 < n; words++)
    used += (size_t)snprintf(buf + used, n - used, "%s%s", used ? ", " : "",
                             *words);
}

typedef struct vctx {
  char *err;
  size_t n;
} vctx;

/* Check an optional text field for UTF-8; name is the field path. */
static int text_ok(vctx *v, const char *name, const char *s) {
  size_t good;
  if (!s) return 1;
  good = caw_utf8_check((const unsigned char *)s, strlen(s), NULL);
  if (s[good] == '\0') return 1;
  fmt(v->err, v->n, "field '%s': invalid UTF-8 at byte %zu", name, good + 1);
  return 0;
}

static int required(vctx *v, const char *name, const char *s) {
  const char *p = s;
  while (p && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
  if (p && *p) return text_ok(v, name, s);
  fmt(v->err, v->n, "field '%s': required%s", name,
      s ? " (it is empty)" : " (it is missing)");
  return 0;
}

static int vocab_ok(vctx *v, const char *name, const char *s,
                    const char *const *words, int optional) {
  char list[256];
  if (!s && optional) return 1;
  if (!required(v, name, s)) return 0;
  if (in_vocab(s, words)) return 1;
  vocab_list(list, sizeof list, words);
  fmt(v->err, v->n, "field '%s': unknown value '%.60s' (expected one of: %s)",
      name, s, list);
  return 0;
}

static int date_ok(vctx *v, const char *name, const char *s, caw_date *d,
                   int optional) {
  char msg[CAW_ERRMAX];
  if (!s && optional) return 1;
  if (!required(v, name, s)) return 0;
  if (caw_date_parse(s, strlen(s), d, msg, sizeof msg) == CAW_OK) return 1;
  fmt(v->err, v->n, "field '%s': %s", name, msg);
  return 0;
}

int caw_actor_code_ok(const char *s) {
  const char *p;
  if (!s || !*s) return 0;
  for (p = s; *p; p++)
    if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' ||
          *p == '-' || *p == '.' || *p == '+'))
      break;
  return !*p && p - s <= 32;
}

int caw_vocab_has(const char *const *words, const char *w) {
  for (; w && *words; words++)
    if (strcmp(w, *words) == 0) return 1;
  return 0;
}

static int code_ok(vctx *v, const char *name, const char *s) {
  if (!required(v, name, s)) return 0;
  if (caw_actor_code_ok(s)) return 1;
  fmt(v->err, v->n,
      "field '%s': bad actor code '%.40s' (use up to 32 of A-Z 0-9 _ - . +)",
      name, s);
  return 0;
}

static int actor_known(caw_store *st, const char *code) {
  sqlite3_stmt *s = stmt(st, S_FIND_ACTOR);
  int found;
  if (!s) return 0;
  sqlite3_bind_text(s, 1, code, -1, SQLITE_STATIC);
  found = sqlite3_step(s) == SQLITE_ROW;
  sqlite3_reset(s);
  return found;
}

static int actor_ok(caw_store *st, vctx *v, const char *name,
                    const char *code) {
  if (!code_ok(v, name, code)) return 0;
  if (actor_known(st, code)) return 1;
  fmt(v->err, v->n,
      "field '%s': unknown actor '%s' (define it in the file's actors list,"
      " or give name and kind)",
      name, code);
  return 0;
}

/* Does one of ev's actor refs define code (with name and kind)? */
static int defined_inline(const caw_event *ev, const char *code) {
  size_t i;
  for (i = 0; i < ev->n_actors; i++)
    if (ev->actors[i].name && ev->actors[i].kind &&
        strcmp(ev->actors[i].code, code) == 0)
      return 1;
  return 0;
}

static int number_ok(vctx *v, const char *name, double x, double lo,
                     double hi) {
  if (isfinite(x) && x >= lo && x <= hi) return 1;
  fmt(v->err, v->n, "field '%s': %g is out of range (%g to %g)", name, x, lo,
      hi);
  return 0;
}

#define CAW_MAX_ALLOCATION 64 /* a group larger than this has no stated split */

/* A money line's stated allocation (money[i]): recipient is the group,
   each member named once, amounts that fit in the line's amount. */
static int allocation_ok(vctx *v, const caw_money *m, size_t i) {
  size_t j, k;
  double sum = 0;
  char f[64];
  if (!m->n_allocation) return 1;
  snprintf(f, sizeof f, "money[%zu].allocation", i + 1);
  if (!m->recipient) {
    fmt(v->err, v->n, "field '%s': needs a recipient group to allocate among",
        f);
    return 0;
  }
  if (m->n_allocation > CAW_MAX_ALLOCATION) {
    fmt(v->err, v->n, "field '%s': more than %d recipients", f,
        CAW_MAX_ALLOCATION);
    return 0;
  }
  for (j = 0; j < m->n_allocation; j++) {
    const caw_allocation *a = &m->allocation[j];
    char g[112];
    snprintf(g, sizeof g, "%s.%.32s", f, a->code ? a->code : "?");
    if (!code_ok(v, f, a->code)) return 0;
    if (!(isfinite(a->amount) && a->amount > 0)) {
      fmt(v->err, v->n, "field '%s': amount must be a positive number, got %g",
          g, a->amount);
      return 0;
    }
    if (strcmp(a->code, m->recipient) == 0) {
      fmt(v->err, v->n, "field '%s': the recipient group itself cannot be"
          " allocated a share", g);
      return 0;
    }
    for (k = 0; k < j; k++)
      if (strcmp(m->allocation[k].code, a->code) == 0) {
        fmt(v->err, v->n, "field '%s': named twice", g);
        return 0;
      }
    sum += a->amount;
  }
  if (sum > m->amount * (1 + 1e-9)) {
    fmt(v->err, v->n, "field '%s': the shares add up to %.17g, more than the"
        " line's amount %.17g", f, sum, m->amount);
    return 0;
  }
  return 1;
}

/* Is every allocated code a member of the recipient group during the
   event (its date's days lo..hi)? */
static int allocation_members_ok(caw_store *st, vctx *v, const caw_money *m,
                                 size_t i, const caw_date *date) {
  size_t j;
  for (j = 0; j < m->n_allocation; j++) {
    sqlite3_stmt *s = stmt(st, S_MEMBER_DURING);
    int found;
    if (!s) return 0;
    sqlite3_bind_text(s, 1, m->recipient, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, m->allocation[j].code, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, date->lo);
    sqlite3_bind_int64(s, 4, date->hi);
    found = sqlite3_step(s) == SQLITE_ROW;
    sqlite3_reset(s);
    if (!found) {
      fmt(v->err, v->n, "field 'money[%zu].allocation.%s': %s is not a member"
          " of %s at the event's date", i + 1, m->allocation[j].code,
          m->allocation[j].code, m->recipient);
      return 0;
    }
  }
  return 1;
}

static int cmp_allocation(const void *a, const void *b) {
  return strcmp(((const caw_allocation *)a)->code,
                ((const caw_allocation *)b)->code);
}

/* The allocation as stored: a JSON object sorted by member code (codes
   need no escaping). Returns 0 when it does not fit. */
static int allocation_json(const caw_money *m, char *out, size_t n) {
  caw_allocation sorted[CAW_MAX_ALLOCATION];
  size_t j, len = 0;
  int w;
  memcpy(sorted, m->allocation, m->n_allocation * sizeof *sorted);
  qsort(sorted, m->n_allocation, sizeof *sorted, cmp_allocation);
  for (j = 0; j < m->n_allocation; j++) {
    w = snprintf(out + len, n - len, "%s\"%s\":%.17g", j ? "," : "{",
                 sorted[j].code, sorted[j].amount);
    if (w < 0 || (size_t)w >= n - len) return 0;
    len += (size_t)w;
  }
  if (len + 2 > n) return 0;
  memcpy(out + len, "}", 2);
  return 1;
}

/* Everything that can be checked without the database. */
static int validate(vctx *v, const caw_event *ev, caw_date *date) {
  char f[64];
  size_t i;
  const char *p;
  if (ev->id) {
    if (!required(v, "id", ev->id)) return 0;
    if (strlen(ev->id) > 128) {
      fmt(v->err, v->n, "field 'id': longer than 128 bytes");
      return 0;
    }
    for (p = ev->id; *p; p++)
      if ((unsigned char)*p <= ' ') {
        fmt(v->err, v->n, "field 'id': contains white space or control bytes");
        return 0;
      }
  }
  if (!date_ok(v, "date", ev->date, date, 0) ||
      !vocab_ok(v, "type", ev->type, caw_event_types, 0) ||
      !required(v, "title", ev->title) || !text_ok(v, "summary", ev->summary) ||
      !text_ok(v, "location", ev->location) ||
      !number_ok(v, "confidence", ev->confidence, 0, 1) ||
      (ev->has_goldstein &&
       !number_ok(v, "goldstein", ev->goldstein, -10, 10)) ||
      !text_ok(v, "attrs", ev->attrs))
    return 0;
  if (ev->cameo) {
    size_t len = strlen(ev->cameo);
    for (p = ev->cameo; *p >= '0' && *p <= '9'; p++) {}
    if (*p || len < 2 || len > 4) {
      fmt(v->err, v->n, "field 'cameo': '%.20s' is not a CAMEO code (2-4 digits)",
          ev->cameo);
      return 0;
    }
  }
  for (i = 0; i < ev->n_actors; i++) {
    const caw_actor_ref *a = &ev->actors[i];
#define F(x) (snprintf(f, sizeof f, "actors[%zu].%s", i + 1, x), f)
    if (!code_ok(v, F("code"), a->code) ||
        !vocab_ok(v, F("role"), a->role, caw_roles, 0) ||
        !vocab_ok(v, F("level"), a->level, caw_levels, 1) ||
        !vocab_ok(v, F("stance"), a->stance, caw_stances, 1) ||
        !text_ok(v, F("person"), a->person) || !text_ok(v, F("name"), a->name) ||
        !vocab_ok(v, F("kind"), a->kind, caw_actor_kinds, 1) ||
        (a->has_confidence &&
         !number_ok(v, F("confidence"), a->confidence, 0, 1)))
      return 0;
#undef F
  }
  if (ev->n_sources == 0) {
    fmt(v->err, v->n, "field 'sources': at least one source is required");
    return 0;
  }
  for (i = 0; i < ev->n_sources; i++) {
    const caw_source *s = &ev->sources[i];
    caw_date pub;
#define F(x) (snprintf(f, sizeof f, "sources[%zu].%s", i + 1, x), f)
    if (!required(v, F("url"), s->url)) return 0;
    if (!strchr(s->url, ':')) {
      fmt(v->err, v->n, "field '%s': '%.80s' is not a URL", F("url"), s->url);
      return 0;
    }
    if (!text_ok(v, F("publisher"), s->publisher) ||
        !text_ok(v, F("title"), s->title) || !text_ok(v, F("quote"), s->quote) ||
        !date_ok(v, F("published"), s->published, &pub, 1))
      return 0;
#undef F
  }
  for (i = 0; i < ev->n_money; i++) {
    const caw_money *m = &ev->money[i];
    caw_date per;
#define F(x) (snprintf(f, sizeof f, "money[%zu].%s", i + 1, x), f)
    if (!(isfinite(m->amount) && m->amount > 0)) {
      fmt(v->err, v->n, "field '%s': amount must be a positive number, got %g",
          F("amount"), m->amount);
      return 0;
    }
    if (m->amount > CAW_MONEY_MAX) { /* 1e308 would make any sum infinite */
      fmt(v->err, v->n, "field '%s': amount %g is above the limit of %g in any"
          " currency (a unit or typing error?)", F("amount"), m->amount,
          CAW_MONEY_MAX);
      return 0;
    }
    if (!required(v, F("currency"), m->currency)) return 0;
    if (!caw_currency_known(m->currency)) {
      fmt(v->err, v->n, "field '%s': unknown currency '%.20s' (ISO 4217 code"
          " such as USD, EUR, GBP, CNY, RUB)", F("currency"), m->currency);
      return 0;
    }
    if (!vocab_ok(v, F("kind"), m->kind, caw_money_kinds, 0) ||
        !vocab_ok(v, F("instrument"), m->instrument, caw_instruments, 1) ||
        !date_ok(v, F("period"), m->period, &per, 1) ||
        !text_ok(v, F("note"), m->note) || !allocation_ok(v, m, i))
      return 0;
    if (m->source < 0 || (size_t)m->source > ev->n_sources) {
      fmt(v->err, v->n, "field '%s': %d does not name one of the event's %zu"
          " sources", F("source"), m->source, ev->n_sources);
      return 0;
    }
#undef F
  }
  for (i = 0; i < ev->n_tags; i++) {
    snprintf(f, sizeof f, "tags[%zu]", i + 1);
    if (!required(v, f, ev->tags[i])) return 0;
    if (strlen(ev->tags[i]) > 64) {
      fmt(v->err, v->n, "field '%s': longer than 64 bytes", f);
      return 0;
    }
  }
  return 1;
}

/* Content fingerprint: every field, in order, with separators. */
static void put(caw_sha256 *c, const char *s) {
  static const char none = 0x1e, sep = 0x1f;
  if (s) caw_sha256_update(c, s, strlen(s));
  else caw_sha256_update(c, &none, 1);
  caw_sha256_update(c, &sep, 1);
}

static void putnum(caw_sha256 *c, double x) {
  char buf[40];
  snprintf(buf, sizeof buf, "%.17g", x);
  put(c, buf);
}

static void fingerprint(const caw_event *ev, char out[65]) {
  caw_sha256 c;
  size_t i;
  caw_sha256_init(&c);
  put(&c, ev->date); put(&c, ev->type); put(&c, ev->title);
  put(&c, ev->summary); put(&c, ev->location); put(&c, ev->cameo);
  put(&c, ev->attrs); putnum(&c, ev->confidence);
  if (ev->has_goldstein) putnum(&c, ev->goldstein); else put(&c, NULL);
  for (i = 0; i < ev->n_actors; i++) {
    const caw_actor_ref *a = &ev->actors[i];
    put(&c, "A"); put(&c, a->code); put(&c, a->role); put(&c, a->level);
    put(&c, a->person); put(&c, a->stance);
    if (a->has_confidence) { put(&c, "c"); putnum(&c, a->confidence); }
  }
  for (i = 0; i < ev->n_money; i++) {
    const caw_money *m = &ev->money[i];
    put(&c, "M"); putnum(&c, m->amount); put(&c, m->currency);
    put(&c, m->kind); put(&c, m->period); put(&c, m->provider);
    put(&c, m->recipient); put(&c, m->note);
    putnum(&c, m->source ? m->source : 1); /* as stored */
    putnum(&c, m->primary);
    if (m->instrument) { put(&c, "i"); put(&c, m->instrument); }
    if (m->n_allocation) { /* in code order, as stored */
      char alloc[CAW_MAX_ALLOCATION * 64];
      put(&c, "a");
      put(&c, allocation_json(m, alloc, sizeof alloc) ? alloc : NULL);
    }
  }
  for (i = 0; i < ev->n_sources; i++) {
    const caw_source *s = &ev->sources[i];
    put(&c, "S"); put(&c, s->url); put(&c, s->publisher); put(&c, s->title);
    put(&c, s->published); put(&c, s->quote);
  }
  { /* tags as stored: sorted, without duplicates */
    const char *sorted[64];
    size_t n = ev->n_tags < 64 ? ev->n_tags : 64;
    if (n) {
      memcpy(sorted, ev->tags, n * sizeof *sorted);
      qsort(sorted, n, sizeof *sorted, cmp_str);
    }
    for (i = 0; i < n; i++)
      if (i == 0 || strcmp(sorted[i], sorted[i - 1]) != 0) {
        put(&c, "T");
        put(&c, sorted[i]);
      }
    for (i = n; i < ev->n_tags; i++) { put(&c, "T"); put(&c, ev->tags[i]); }
  }
  caw_sha256_hex(&c, out);
}

static void bind_opt(sqlite3_stmt *s, int i, const char *v) {
  if (v) sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
  else sqlite3_bind_null(s, i);
}

static int step_done(sqlite3_stmt *s) {
  int rc = sqlite3_step(s);
  sqlite3_reset(s);
  return rc == SQLITE_DONE;
}

caw_status caw_store_add_event(caw_store *st, const caw_event *ev,
                               char id_out[129], caw_outcome *outcome,
                               char *err, size_t n) {
  vctx v = {err, n};
  caw_date date;
  char fp[65], f[64];
  sqlite3_stmt *s;
  sqlite3_int64 rowid, old = 0;
  caw_status res;
  size_t i;
  int began = 0, nested, wrote = 0;

  if (!validate(&v, ev, &date)) return CAW_EINVAL;
  fingerprint(ev, fp);
  if (ev->id) snprintf(id_out, 129, "%s", ev->id);
  else snprintf(id_out, 129, "ev-%.20s", fp);
  /* "source:ref" may name a machine-coded event: one id, one event */
  {
    const char *colon = strchr(id_out, ':');
    char source[129];
    int found = 0;
    caw_status r;
    if (colon && colon > id_out && colon[1]) {
      snprintf(source, sizeof source, "%.*s", (int)(colon - id_out), id_out);
      if ((r = caw_store_coded_has(st, source, colon + 1, &found, err, n)) !=
          CAW_OK)
        return r;
      if (found) {
        char upper[129];
        size_t k;
        for (k = 0; source[k]; k++)
          upper[k] = (char)(source[k] >= 'a' && source[k] <= 'z'
                              ? source[k] - 'a' + 'A' : source[k]);
        upper[k] = '\0';
        fmt(err, n, "field 'id': '%s' is a %s event, stored by the %s"
            " importer; it changes only when its rows are imported",
            id_out, upper, source);
        return CAW_EINVAL;
      }
    }
  }

  if (!(s = stmt(st, S_FIND_EVENT)))
    return sqlerr(st, sqlite3_errcode(st->db), err, n, "looking up event");
  sqlite3_bind_text(s, 1, id_out, -1, SQLITE_STATIC);
  if (sqlite3_step(s) == SQLITE_ROW) {
    old = sqlite3_column_int64(s, 0);
    if (strcmp((const char *)sqlite3_column_text(s, 1), fp) == 0) {
      sqlite3_reset(s);
      *outcome = CAW_UNCHANGED;
      return CAW_OK;
    }
  }
  sqlite3_reset(s);

  /* Everything that bad data can trip is checked before the first write,
     so inside an open transaction (an import) the event needs no
     savepoint of its own: a write that still fails is an I/O or internal
     error, and the whole transaction is rolled back by the caller. */
  nested = st->depth > 0;
  if (!nested) {
    if ((res = caw_store_begin(st, err, n)) != CAW_OK) return res;
    began = 1;
  }
  res = CAW_EINVAL;
  /* every actor must exist or be defined inline, checked before writing */
  for (i = 0; i < ev->n_actors; i++) {
    const caw_actor_ref *a = &ev->actors[i];
    snprintf(f, sizeof f, "actors[%zu].code", i + 1);
    if (!(a->name && a->kind) && !actor_ok(st, &v, f, a->code)) goto done;
  }
  for (i = 0; i < ev->n_money; i++) {
    snprintf(f, sizeof f, "money[%zu].provider", i + 1);
    if (ev->money[i].provider && !defined_inline(ev, ev->money[i].provider) &&
        !actor_ok(st, &v, f, ev->money[i].provider))
      goto done;
    snprintf(f, sizeof f, "money[%zu].recipient", i + 1);
    if (ev->money[i].recipient && !defined_inline(ev, ev->money[i].recipient) &&
        !actor_ok(st, &v, f, ev->money[i].recipient))
      goto done;
    if (!allocation_members_ok(st, &v, &ev->money[i], i, &date)) goto done;
  }
  for (i = 0; i < ev->n_actors; i++) { /* now define the inline actors */
    const caw_actor_ref *a = &ev->actors[i];
    if (!(a->name && a->kind) || actor_known(st, a->code)) continue;
    if ((res = caw_store_put_actor(st, a->code, a->name, a->kind, NULL, err,
                                   n)) != CAW_OK)
      goto done;
    wrote = 1;
  }
  if (old) {
    s = stmt(st, S_DEL_EVENT);
    sqlite3_bind_int64(s, 1, old);
    if (!step_done(s)) goto sqlfail;
    wrote = 1;
  }
  if (!(s = stmt(st, S_INS_EVENT))) goto sqlfail;
  sqlite3_bind_text(s, 1, id_out, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 2, ev->date, -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 3, date.lo);
  sqlite3_bind_int64(s, 4, date.hi);
  sqlite3_bind_text(s, 5, caw_date_precision_name(date.precision), -1,
                    SQLITE_STATIC);
  sqlite3_bind_int(s, 6, (int)date.qualifiers);
  sqlite3_bind_text(s, 7, ev->type, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 8, ev->title, -1, SQLITE_STATIC);
  bind_opt(s, 9, ev->summary);
  bind_opt(s, 10, ev->location);
  sqlite3_bind_double(s, 11, ev->confidence);
  bind_opt(s, 12, ev->cameo);
  if (ev->has_goldstein) sqlite3_bind_double(s, 13, ev->goldstein);
  bind_opt(s, 14, ev->attrs);
  sqlite3_bind_text(s, 15, fp, -1, SQLITE_STATIC);
  if (ev->batch) sqlite3_bind_int64(s, 16, ev->batch);
  if (!step_done(s)) {
    if ((sqlite3_extended_errcode(st->db) & 0xff) == SQLITE_CONSTRAINT &&
        ev->attrs) {
      fmt(err, n, "field 'attrs': not a valid JSON text");
      goto done;
    }
    goto sqlfail;
  }
  rowid = sqlite3_last_insert_rowid(st->db);
  wrote = 1;

  for (i = 0; i < ev->n_actors; i++) {
    const caw_actor_ref *a = &ev->actors[i];
    if (!(s = stmt(st, S_INS_ACTOR_REF))) goto sqlfail;
    sqlite3_bind_int64(s, 1, rowid);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)i + 1);
    sqlite3_bind_text(s, 3, a->code, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, a->role, -1, SQLITE_STATIC);
    bind_opt(s, 5, a->level);
    bind_opt(s, 6, a->person);
    bind_opt(s, 7, a->stance);
    if (a->has_confidence) sqlite3_bind_double(s, 8, a->confidence);
    else sqlite3_bind_null(s, 8);
    if (!step_done(s)) goto sqlfail;
  }
  for (i = 0; i < ev->n_money; i++) {
    const caw_money *m = &ev->money[i];
    caw_date per;
    if (!(s = stmt(st, S_INS_MONEY))) goto sqlfail;
    sqlite3_bind_int64(s, 1, rowid);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)i + 1);
    sqlite3_bind_double(s, 3, m->amount);
    sqlite3_bind_text(s, 4, m->currency, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, m->kind, -1, SQLITE_STATIC);
    if (m->period &&
        caw_date_parse(m->period, strlen(m->period), &per, NULL, 0) == CAW_OK) {
      sqlite3_bind_text(s, 6, m->period, -1, SQLITE_STATIC);
      sqlite3_bind_int64(s, 7, per.lo);
      sqlite3_bind_int64(s, 8, per.hi);
    }
    bind_opt(s, 9, m->provider);
    bind_opt(s, 10, m->recipient);
    sqlite3_bind_int(s, 11, m->source ? m->source : 1);
    sqlite3_bind_int(s, 12, m->primary ? 1 : 0);
    bind_opt(s, 13, m->note);
    bind_opt(s, 14, m->instrument);
    if (m->n_allocation) {
      char alloc[CAW_MAX_ALLOCATION * 64];
      if (!allocation_json(m, alloc, sizeof alloc)) goto sqlfail;
      sqlite3_bind_text(s, 15, alloc, -1, SQLITE_TRANSIENT);
    } else
      sqlite3_bind_null(s, 15);
    if (!step_done(s)) goto sqlfail;
  }
  for (i = 0; i < ev->n_sources; i++) {
    const caw_source *src = &ev->sources[i];
    if (!(s = stmt(st, S_INS_SOURCE))) goto sqlfail;
    sqlite3_bind_int64(s, 1, rowid);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)i + 1);
    sqlite3_bind_text(s, 3, src->url, -1, SQLITE_STATIC);
    bind_opt(s, 4, src->publisher);
    bind_opt(s, 5, src->title);
    bind_opt(s, 6, src->published);
    bind_opt(s, 7, src->quote);
    if (!step_done(s)) goto sqlfail;
  }
  for (i = 0; i < ev->n_tags; i++) {
    if (!(s = stmt(st, S_INS_TAG))) goto sqlfail;
    sqlite3_bind_int64(s, 1, rowid);
    sqlite3_bind_text(s, 2, ev->tags[i], -1, SQLITE_STATIC);
    if (!step_done(s)) goto sqlfail;
  }
  *outcome = old ? CAW_UPDATED : CAW_ADDED;
  if (nested) return CAW_OK;
  res = caw_store_commit(st, err, n);
  if (res == CAW_OK) began = 0;
  goto done;
sqlfail:
  res = sqlerr(st, sqlite3_extended_errcode(st->db), err, n,
               "storing an event");
  if (nested && wrote && res == CAW_EINVAL) res = CAW_EINTERNAL; /* not skippable */
done:
  if (began) caw_store_rollback(st);
  return res;
}

caw_status caw_store_put_actor(caw_store *st, const char *code,
                               const char *name, const char *kind,
                               const char *country, char *err, size_t n) {
  vctx v = {err, n};
  sqlite3_stmt *s;
  if (!code_ok(&v, "code", code) || !required(&v, "name", name) ||
      !vocab_ok(&v, "kind", kind, caw_actor_kinds, 0) ||
      (country && !code_ok(&v, "country", country)))
    return CAW_EINVAL;
  if (!(s = stmt(st, S_PUT_ACTOR)))
    return sqlerr(st, sqlite3_errcode(st->db), err, n, "storing an actor");
  sqlite3_bind_text(s, 1, code, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 2, name, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 3, kind, -1, SQLITE_STATIC);
  bind_opt(s, 4, country);
  if (!step_done(s))
    return sqlerr(st, sqlite3_extended_errcode(st->db), err, n,
                  "storing an actor");
  return CAW_OK;
}

caw_status caw_store_put_member(caw_store *st, const char *group,
                                const char *member, const char *period,
                                char *err, size_t n) {
  vctx v = {err, n};
  caw_date d;
  sqlite3_stmt *s;
  if (!actor_ok(st, &v, "group", group) || !actor_ok(st, &v, "code", member) ||
      !date_ok(&v, "period", period, &d, 0))
    return CAW_EINVAL;
  if (!(s = stmt(st, S_PUT_MEMBER)))
    return sqlerr(st, sqlite3_errcode(st->db), err, n, "storing a membership");
  sqlite3_bind_text(s, 1, group, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 2, member, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 3, period, -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 4, d.lo);
  sqlite3_bind_int64(s, 5, d.hi);
  if (!step_done(s))
    return sqlerr(st, sqlite3_extended_errcode(st->db), err, n,
                  "storing a membership");
  return CAW_OK;
}

static void utc_now(char buf[32]) {
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

caw_status caw_store_batch_begin(caw_store *st, const char *file,
                                 const char *sha256, const char *importer,
                                 int64_t *id, char *err, size_t n) {
  sqlite3_stmt *s = NULL;
  char now[32];
  int rc;
  utc_now(now);
  rc = sqlite3_prepare_v2(st->db,
                          "INSERT INTO batches(file, sha256, importer, started)"
                          " VALUES(?1,?2,?3,?4)",
                          -1, &s, NULL);
  if (rc == SQLITE_OK) {
    sqlite3_bind_text(s, 1, file, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, sha256, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, importer, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, now, -1, SQLITE_STATIC);
    rc = sqlite3_step(s) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(st->db);
  }
  sqlite3_finalize(s);
  if (rc != SQLITE_OK) return sqlerr(st, rc, err, n, "recording the import");
  *id = sqlite3_last_insert_rowid(st->db);
  return CAW_OK;
}

caw_status caw_store_batch_finish(caw_store *st, int64_t id,
                                  const caw_batch_counts *c,
                                  const char *sha256, char *err, size_t n) {
  sqlite3_stmt *s = NULL;
  char now[32];
  int rc;
  utc_now(now);
  rc = sqlite3_prepare_v2(
    st->db,
    "UPDATE batches SET finished=?2, n_read=?3, n_added=?4, n_updated=?5,"
    " n_unchanged=?6, n_merged=?7, n_rejected=?8,"
    " sha256=coalesce(?9, sha256) WHERE id=?1",
    -1, &s, NULL);
  if (rc == SQLITE_OK) {
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_text(s, 2, now, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, c->read);
    sqlite3_bind_int64(s, 4, c->added);
    sqlite3_bind_int64(s, 5, c->updated);
    sqlite3_bind_int64(s, 6, c->unchanged);
    sqlite3_bind_int64(s, 7, c->merged);
    sqlite3_bind_int64(s, 8, c->rejected);
    if (sha256) sqlite3_bind_text(s, 9, sha256, -1, SQLITE_STATIC);
    rc = sqlite3_step(s) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(st->db);
  }
  sqlite3_finalize(s);
  return rc == SQLITE_OK ? CAW_OK
                         : sqlerr(st, rc, err, n, "recording the import");
}

/* ---- reading ---- */

static caw_status caw_store_events(caw_store *st, const caw_filter *f,
                            sqlite3_stmt **out, char *err, size_t n) {
  /* Fixed text with optional clauses; every value is a bound parameter.
     Curated and machine-coded events are one stream, the view event_rows
     (schema v4): SQLite flattens its UNION ALL into this query, pushes the
     filters into each side and merges them in order, each side read
     through its day index. */
  char sql[4096];
  size_t used = 0;
  sqlite3_stmt *s = NULL;
  int rc;
#define ADD(x) (used += (size_t)snprintf(sql + used, sizeof sql - used, "%s", x))
  ADD(CURATED_SIDE " WHERE 1");
  if (f->has_from) ADD(f->certain ? " AND e.day_lo >= ?1" : " AND e.day_hi >= ?1");
  if (f->has_to) ADD(f->certain ? " AND e.day_hi <= ?2" : " AND e.day_lo <= ?2");
  if (f->id) ADD(" AND e.id = ?3");
  if (f->actor)
    ADD(" AND EXISTS (SELECT 1 FROM event_actors ea WHERE ea.event = e.rowid"
        " AND ea.actor = ?4)");
  if (f->type) ADD(" AND e.type = ?5");
  if (f->tag)
    ADD(" AND EXISTS (SELECT 1 FROM event_tags t WHERE t.event = e.rowid"
        " AND t.tag = ?6)");
  if (f->text)
    ADD(" AND (e.title LIKE ?7 ESCAPE '\\' OR e.summary LIKE ?7 ESCAPE '\\')");
  if (f->provenance) ADD(" AND ?9 = 'curated'");
  ADD(" UNION ALL " CODED_SIDE " WHERE 1");
  if (f->has_from) ADD(" AND c.day >= ?1");
  if (f->has_to) ADD(" AND c.day <= ?2");
  /* a machine-coded id is source:ref, found through (source, ref) */
  if (f->id)
    ADD(" AND c.source = substr(?3, 1, instr(?3, ':') - 1)"
        " AND c.ref = substr(?3, instr(?3, ':') + 1)");
  if (f->actor) ADD(" AND (c.actor1 = ?4 OR c.actor2 = ?4)");
  if (f->type) ADD(" AND c.type = ?5");
  if (f->tag) ADD(" AND c.tag = ?6");
  if (f->text) ADD(" AND c.title LIKE ?7 ESCAPE '\\'");
  if (f->provenance) ADD(" AND (?9 = 'coded' OR c.source = ?9)");
  ADD(" ORDER BY 4, 5, 2");
  if (f->limit > 0) ADD(" LIMIT ?8");
#undef ADD
  if (used >= sizeof sql) {
    fmt(err, n, "event query too long");
    return CAW_EINTERNAL;
  }
  rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
  if (rc != SQLITE_OK) return sqlerr(st, rc, err, n, "preparing a query");
  if (f->has_from) sqlite3_bind_int64(s, 1, f->from_day);
  if (f->has_to) sqlite3_bind_int64(s, 2, f->to_day);
  if (f->id) sqlite3_bind_text(s, 3, f->id, -1, SQLITE_TRANSIENT);
  if (f->actor) sqlite3_bind_text(s, 4, f->actor, -1, SQLITE_TRANSIENT);
  if (f->type) sqlite3_bind_text(s, 5, f->type, -1, SQLITE_TRANSIENT);
  if (f->tag) sqlite3_bind_text(s, 6, f->tag, -1, SQLITE_TRANSIENT);
  if (f->text) {
    size_t len = strlen(f->text), i, j = 0;
    char *pat = malloc(2 * len + 3);
    if (!pat) {
      sqlite3_finalize(s);
      fmt(err, n, "out of memory");
      return CAW_ENOMEM;
    }
    pat[j++] = '%';
    for (i = 0; i < len; i++) { /* the search text is literal */
      if (f->text[i] == '%' || f->text[i] == '_' || f->text[i] == '\\')
        pat[j++] = '\\';
      pat[j++] = f->text[i];
    }
    pat[j++] = '%';
    sqlite3_bind_text(s, 7, pat, (int)j, free);
  }
  if (f->limit > 0) sqlite3_bind_int64(s, 8, f->limit);
  if (f->provenance) sqlite3_bind_text(s, 9, f->provenance, -1, SQLITE_TRANSIENT);
  *out = s;
  return CAW_OK;
}

/* Edit distance of a and b, ignoring ASCII case; strings longer than
   KNOWN_MAXLEN count as far apart. */
#define KNOWN_MAXLEN 64
static int edit_distance(const char *a, const char *b) {
  int row[KNOWN_MAXLEN + 1], i, j, la = (int)strlen(a), lb = (int)strlen(b);
  if (la > KNOWN_MAXLEN || lb > KNOWN_MAXLEN) return 1000;
  for (j = 0; j <= lb; j++) row[j] = j;
  for (i = 1; i <= la; i++) {
    int diag = row[0], ca = a[i - 1];
    row[0] = i;
    if (ca >= 'A' && ca <= 'Z') ca += 'a' - 'A';
    for (j = 1; j <= lb; j++) {
      int cb = b[j - 1], up = row[j], best;
      if (cb >= 'A' && cb <= 'Z') cb += 'a' - 'A';
      best = diag + (ca != cb);
      if (up + 1 < best) best = up + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      diag = up;
      row[j] = best;
    }
  }
  return row[lb];
}

static int same_ignoring_case(const char *a, const char *b) {
  for (; *a && *b; a++, b++) {
    int x = *a, y = *b;
    if (x >= 'A' && x <= 'Z') x += 'a' - 'A';
    if (y >= 'A' && y <= 'Z') y += 'a' - 'A';
    if (x != y) return 0;
  }
  return *a == *b;
}

#define KNOWN_CLOSEST 5
caw_status caw_store_known(caw_store *st, caw_known kind, const char *value,
                           char *canon, size_t canonlen, char *err,
                           size_t n) {
  static const char *const what[] = {"actor", "type", "tag"};
  static const char *const list_sql[] = {
    "SELECT code FROM actors ORDER BY code",
    "SELECT name FROM event_types ORDER BY name",
    "SELECT DISTINCT tag FROM event_tags ORDER BY tag"};
  char close[KNOWN_CLOSEST][KNOWN_MAXLEN + 1], folded[KNOWN_MAXLEN + 1];
  int dist[KNOWN_CLOSEST], nclose = 0, nfolded = 0, found = 0, rc, i, k;
  char list[KNOWN_CLOSEST * (KNOWN_MAXLEN + 2) + 1];
  size_t used = 0;
  sqlite3_stmt *s = NULL;
  caw_status status = CAW_OK;

  folded[0] = '\0';
  rc = sqlite3_prepare_v2(st->db, list_sql[kind], -1, &s, NULL);
  if (rc != SQLITE_OK) {
    status = sqlerr(st, rc, err, n, "reading the known values");
    goto done;
  }
  while (!found && (rc = sqlite3_step(s)) == SQLITE_ROW) {
    const char *name = (const char *)sqlite3_column_text(s, 0);
    int d;
    if (!name) continue;
    if (strcmp(name, value) == 0) found = 1;
    else if (same_ignoring_case(name, value)) {
      if (nfolded++ == 0) snprintf(folded, sizeof folded, "%s", name);
    }
    d = edit_distance(name, value);
    for (i = nclose; i > 0 && dist[i - 1] > d; i--) /* keep the closest */
      if (i < KNOWN_CLOSEST) {
        dist[i] = dist[i - 1];
        memcpy(close[i], close[i - 1], sizeof close[i]);
      }
    if (i < KNOWN_CLOSEST) {
      dist[i] = d;
      snprintf(close[i], sizeof close[i], "%s", name);
      if (nclose < KNOWN_CLOSEST) nclose++;
    }
  }
  if (!found && rc != SQLITE_DONE) {
    status = sqlerr(st, rc, err, n, "reading the known values");
    goto done;
  }
  if (found) {
    fmt(canon, canonlen, "%s", value);
    goto done;
  }
  if (kind == CAW_KNOWN_TAG) { /* GDELT events carry their dedup key as tag */
    sqlite3_finalize(s);
    s = NULL;
    rc = sqlite3_prepare_v2(st->db, "SELECT 1 FROM gdelt WHERE tag = ?1 LIMIT 1",
                            -1, &s, NULL);
    if (rc == SQLITE_OK) {
      sqlite3_bind_text(s, 1, value, -1, SQLITE_TRANSIENT);
      if (sqlite3_step(s) == SQLITE_ROW) {
        fmt(canon, canonlen, "%s", value);
        goto done;
      }
    }
  }
  if (nfolded == 1) { /* only one spelling differs just in case: take it */
    fmt(canon, canonlen, "%s", folded);
    goto done;
  }
  for (k = 0; k < nclose; k++)
    used += (size_t)snprintf(list + used, sizeof list - used, "%s%s",
                             k ? ", " : "", close[k]);
  if (nfolded > 1)
    fmt(err, n, "%s '%s' is ambiguous: it differs only in case from several"
        " (%s)", what[kind], value, list);
  else if (nclose > 0)
    fmt(err, n, "unknown %s '%s' (closest: %s)", what[kind], value, list);
  else
    fmt(err, n, "unknown %s '%s' (the database has none)", what[kind], value);
  status = CAW_ENOENT;

done:
  sqlite3_finalize(s);
  return status;
}

static sqlite3_stmt *caw_store_children(caw_store *st, caw_child kind,
                                 int64_t rowid) {
  sqlite3_stmt *s = stmt(st, S_CHILD_ACTORS + (int)kind);
  if (s) sqlite3_bind_int64(s, 1, rowid);
  return s;
}

int64_t caw_store_count(caw_store *st) {
  sqlite3_stmt *s = NULL;
  int64_t count = -1;
  if (sqlite3_prepare_v2(st->db, "SELECT (SELECT count(*) FROM events) +"
                         " (SELECT count(*) FROM coded)", -1, &s,
                         NULL) == SQLITE_OK &&
      sqlite3_step(s) == SQLITE_ROW)
    count = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  return count;
}

/* ---- machine-coded events ---- */

caw_status caw_store_coded_begin(caw_store *st, const char *source,
                                 int *had_rows, char *err, size_t n) {
  sqlite3_stmt *s = NULL;
  int rc, any;
  if (st->depth == 0) {
    fmt(err, n, "machine-coded writes need a transaction");
    return CAW_EINTERNAL;
  }
  rc = sqlite3_prepare_v2(st->db, "SELECT EXISTS (SELECT 1 FROM coded),"
                          " EXISTS (SELECT 1 FROM coded WHERE source = ?1)",
                          -1, &s, NULL);
  if (rc == SQLITE_OK) {
    sqlite3_bind_text(s, 1, source, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
  }
  if (rc != SQLITE_ROW) {
    rc = sqlite3_errcode(st->db);
    sqlite3_finalize(s);
    return sqlerr(st, rc, err, n, "reading machine-coded events");
  }
  any = sqlite3_column_int(s, 0);
  *had_rows = sqlite3_column_int(s, 1);
  sqlite3_finalize(s);
  /* Loading into an empty table: one sort at the end builds the day index
     faster than keeping it up to date row by row. */
  if (!any) return exec(st, "DROP INDEX IF EXISTS coded_day", err, n);
  return CAW_OK;
}

caw_status caw_store_coded_finish(caw_store *st, char *err, size_t n) {
  caw_status rc;
  static const char index[] =
      "CREATE INDEX IF NOT EXISTS coded_day ON coded(day)";
  /* The sort that builds the index spills to a temporary file past the
     page cache, not to memory: a million events held some 17 MiB of
     sorted keys in RAM (statement journals stay in memory otherwise).
     Where no temporary file can be made, it sorts in memory after all. */
  exec(st, "PRAGMA temp_store = FILE", NULL, 0);
  rc = exec(st, index, NULL, 0);
  exec(st, "PRAGMA temp_store = MEMORY", NULL, 0);
  if (rc != CAW_OK) rc = exec(st, index, err, n);
  return rc;
}

caw_status caw_store_coded_put(caw_store *st, const caw_coded *ev, int *added,
                               char *err, size_t n) {
  sqlite3_stmt *s;
  int rc;
  /* the type is checked here, not by the schema: an IN list in a CHECK
     costs an ephemeral table for every insert (a fifth of a GDELT load) */
  if (!caw_vocab_has(caw_event_types, ev->type)) {
    fmt(err, n, "%s:%s: type '%.40s' is not an event type", ev->source,
        ev->ref, ev->type ? ev->type : "(none)");
    return CAW_EINVAL;
  }
  /* prepared once; every parameter is bound each time (no clearing) */
  if (!(s = st->stmt[S_CODED_PUT]) &&
      sqlite3_prepare_v3(st->db, stmt_sql[S_CODED_PUT], -1,
                         SQLITE_PREPARE_PERSISTENT, &st->stmt[S_CODED_PUT],
                         NULL) == SQLITE_OK)
    s = st->stmt[S_CODED_PUT];
  if (!s)
    return sqlerr(st, sqlite3_errcode(st->db), err, n, "writing an event");
  bind_opt(s, 1, ev->source);
  bind_opt(s, 2, ev->ref);
  sqlite3_bind_int64(s, 3, ev->day);
  bind_opt(s, 4, ev->type);
  bind_opt(s, 5, ev->code);
  bind_opt(s, 6, ev->scheme);
  if (ev->has_scale) sqlite3_bind_double(s, 7, ev->scale);
  else sqlite3_bind_null(s, 7);
  bind_opt(s, 8, ev->actor1);
  bind_opt(s, 9, ev->actor2);
  bind_opt(s, 10, ev->location);
  bind_opt(s, 11, ev->title);
  bind_opt(s, 12, ev->url);
  sqlite3_bind_double(s, 13, ev->confidence);
  bind_opt(s, 14, ev->tag);
  sqlite3_bind_int64(s, 15, ev->rows > 0 ? ev->rows : 1);
  bind_opt(s, 16, ev->attrs);
  bind_opt(s, 17, ev->more);
  if (ev->batch > 0) sqlite3_bind_int64(s, 18, ev->batch);
  else sqlite3_bind_null(s, 18);
  rc = sqlite3_step(s);
  *added = rc == SQLITE_DONE && sqlite3_changes(st->db) > 0;
  sqlite3_reset(s); /* the caller's strings stay bound but unread */
  if (rc != SQLITE_DONE) return sqlerr(st, rc, err, n, "writing an event");
  return CAW_OK;
}

/* A copy of column i of s into *dst at *p (NULL stays NULL). */
static void copy_col(sqlite3_stmt *s, int i, char **dst, char **p) {
  size_t len;
  if (sqlite3_column_type(s, i) == SQLITE_NULL) {
    *dst = NULL;
    return;
  }
  len = (size_t)sqlite3_column_bytes(s, i);
  memcpy(*p, sqlite3_column_text(s, i), len);
  (*p)[len] = '\0';
  *dst = *p;
  *p += len + 1;
}

caw_status caw_store_coded_get(caw_store *st, const char *source,
                               const char *ref, caw_coded_stored *out,
                               char *err, size_t n) {
  sqlite3_stmt *s = stmt(st, S_CODED_GET);
  caw_status res = CAW_OK;
  size_t total = 0;
  int rc, i;
  char *p;
  memset(out, 0, sizeof *out);
  if (!s) return sqlerr(st, sqlite3_errcode(st->db), err, n, "reading an event");
  sqlite3_bind_text(s, 1, source, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 2, ref, -1, SQLITE_STATIC);
  rc = sqlite3_step(s);
  if (rc == SQLITE_DONE) {
    res = CAW_ENOENT;
    fmt(err, n, "%s: no event %s:%s", st->path, source, ref);
    goto done;
  }
  if (rc != SQLITE_ROW) {
    res = sqlerr(st, rc, err, n, "reading an event");
    goto done;
  }
  out->id = sqlite3_column_int64(s, 0);
  out->rows = sqlite3_column_int64(s, 1);
  out->batch = sqlite3_column_int64(s, 2);
  for (i = 3; i <= 6; i++) total += (size_t)sqlite3_column_bytes(s, i) + 1;
  if (!(out->buf = malloc(total))) {
    fmt(err, n, "out of memory");
    res = CAW_ENOMEM;
    goto done;
  }
  p = out->buf;
  copy_col(s, 3, &out->code, &p);
  copy_col(s, 4, &out->url, &p);
  copy_col(s, 5, &out->attrs, &p);
  copy_col(s, 6, &out->more, &p);
done:
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  return res;
}

caw_status caw_store_coded_update(caw_store *st, int64_t id, int64_t rows,
                                  const char *attrs, const char *more,
                                  char *err, size_t n) {
  sqlite3_stmt *s = stmt(st, S_CODED_UPDATE);
  int rc;
  if (!s)
    return sqlerr(st, sqlite3_errcode(st->db), err, n, "updating an event");
  sqlite3_bind_int64(s, 1, id);
  sqlite3_bind_int64(s, 2, rows);
  bind_opt(s, 3, attrs);
  bind_opt(s, 4, more);
  rc = sqlite3_step(s);
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  return rc == SQLITE_DONE ? CAW_OK : sqlerr(st, rc, err, n, "updating an event");
}

caw_status caw_store_coded_has(caw_store *st, const char *source,
                               const char *ref, int *found, char *err,
                               size_t n) {
  sqlite3_stmt *s = stmt(st, S_CODED_HAS);
  int rc;
  if (!s) return sqlerr(st, sqlite3_errcode(st->db), err, n, "reading events");
  sqlite3_bind_text(s, 1, source, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 2, ref, -1, SQLITE_STATIC);
  rc = sqlite3_step(s);
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  *found = rc == SQLITE_ROW;
  return rc == SQLITE_ROW || rc == SQLITE_DONE
           ? CAW_OK : sqlerr(st, rc, err, n, "reading events");
}

caw_status caw_store_coded_day(caw_store *st, const char *source, int64_t day,
                               caw_coded_day_fn fn, void *arg, char *err,
                               size_t n) {
  sqlite3_stmt *s = stmt(st, S_CODED_OF_DAY);
  caw_status res = CAW_OK;
  int rc;
  if (!s) return sqlerr(st, sqlite3_errcode(st->db), err, n, "reading events");
  sqlite3_bind_text(s, 1, source, -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 2, day);
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    res = fn(arg, (const char *)sqlite3_column_text(s, 0),
             (const char *)sqlite3_column_text(s, 1),
             (const char *)sqlite3_column_text(s, 2));
    if (res != CAW_OK) {
      fmt(err, n, "out of memory");
      break;
    }
  }
  if (res == CAW_OK && rc != SQLITE_DONE)
    res = sqlerr(st, rc, err, n, "reading events");
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  return res;
}

caw_status caw_store_curated_prefix(caw_store *st, const char *source,
                                    int *found, char *err, size_t n) {
  sqlite3_stmt *s = stmt(st, S_CURATED_PREFIX);
  int rc;
  if (!s) return sqlerr(st, sqlite3_errcode(st->db), err, n, "reading events");
  sqlite3_bind_text(s, 1, source, -1, SQLITE_STATIC);
  rc = sqlite3_step(s);
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  *found = rc == SQLITE_ROW;
  return rc == SQLITE_ROW || rc == SQLITE_DONE
           ? CAW_OK : sqlerr(st, rc, err, n, "reading events");
}

caw_status caw_store_event_exists(caw_store *st, const char *id, int *found,
                                  char *err, size_t n) {
  sqlite3_stmt *s = stmt(st, S_FIND_EVENT);
  int rc;
  if (!s) return sqlerr(st, sqlite3_errcode(st->db), err, n, "reading events");
  sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
  rc = sqlite3_step(s);
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  *found = rc == SQLITE_ROW;
  return rc == SQLITE_ROW || rc == SQLITE_DONE
           ? CAW_OK : sqlerr(st, rc, err, n, "reading events");
}

caw_status caw_store_actor_exists(caw_store *st, const char *code, int *found,
                                  char *err, size_t n) {
  sqlite3_stmt *s = stmt(st, S_FIND_ACTOR);
  int rc;
  if (!s) return sqlerr(st, sqlite3_errcode(st->db), err, n, "reading actors");
  sqlite3_bind_text(s, 1, code, -1, SQLITE_STATIC);
  rc = sqlite3_step(s);
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  *found = rc == SQLITE_ROW;
  return rc == SQLITE_ROW || rc == SQLITE_DONE
           ? CAW_OK : sqlerr(st, rc, err, n, "reading actors");
}

/* The authorizer a script's own SQL (caw_store_query) prepares under: SQLite counts ATTACH and
   setting a PRAGMA as read-only, but one opens or creates any database
   file and the other changes how the store works for everyone. */
static int sql_authorize(void *ud, int action, const char *a1,
                         const char *a2, const char *db, const char *via) {
  static const char *const pragmas[] = {
    "table_info", "table_xinfo", "index_list", "index_info", "index_xinfo",
    "foreign_key_list", "foreign_key_check", "integrity_check",
    "quick_check", NULL};
  const char *const *p;
  (void)ud; (void)db; (void)via;
  switch (action) {
  case SQLITE_ATTACH:
  case SQLITE_DETACH: return SQLITE_DENY;
  case SQLITE_PRAGMA:
    if (!a2) return SQLITE_OK; /* reading a setting */
    for (p = pragmas; *p; p++)
      if (sqlite3_stricmp(*p, a1) == 0) return SQLITE_OK;
    return SQLITE_DENY;
  case SQLITE_FUNCTION:
    if (sqlite3_stricmp(a2, "load_extension") == 0 ||
        sqlite3_stricmp(a2, "fts3_tokenizer") == 0)
      return SQLITE_DENY;
    return SQLITE_OK;
  default: return SQLITE_OK;
  }
}

static caw_status caw_store_query(caw_store *st, const char *sql, sqlite3_stmt **out,
                           char *err, size_t n) {
  const char *tail = NULL;
  int rc;
  *out = NULL;
  sqlite3_set_authorizer(st->db, sql_authorize, NULL);
  rc = sqlite3_prepare_v2(st->db, sql, -1, out, &tail);
  sqlite3_set_authorizer(st->db, NULL, NULL);
  if (rc != SQLITE_OK) {
    fmt(err, n, "%s", sqlite3_errmsg(st->db));
    return CAW_EINVAL;
  }
  if (!*out) {
    fmt(err, n, "empty query");
    return CAW_EINVAL;
  }
  if (tail && tail[strspn(tail, " \t\r\n;")]) {
    sqlite3_finalize(*out);
    *out = NULL;
    fmt(err, n, "one statement only");
    return CAW_EINVAL;
  }
  if (!sqlite3_stmt_readonly(*out)) {
    sqlite3_finalize(*out);
    *out = NULL;
    fmt(err, n, "only read-only queries are allowed (use caw.add_event to write)");
    return CAW_EINVAL;
  }
  return CAW_OK;
}

caw_status caw_store_table_rows(caw_store *st, const char *table,
                                int64_t *count, char *err, size_t n) {
  static const char *const tables[] = {
    "events", "batches", "actors", "memberships", "event_actors", "money",
    "sources", "event_tags", "coded", NULL};
  sqlite3_stmt *s = NULL;
  char sql[64];
  int rc;
  if (!in_vocab(table, tables)) { /* a name cannot be a bound parameter */
    fmt(err, n, "no table '%s'", table);
    return CAW_EINVAL;
  }
  snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
  rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
    *count = sqlite3_column_int64(s, 0);
    rc = SQLITE_OK;
  }
  sqlite3_finalize(s);
  return rc == SQLITE_OK ? CAW_OK : sqlerr(st, rc, err, n, "counting rows");
}

caw_status caw_store_integrity(caw_store *st, char *err, size_t n) {
  sqlite3_stmt *s = NULL;
  caw_status res = CAW_OK;
  const unsigned char *t;
  int rc = sqlite3_prepare_v2(st->db, "PRAGMA integrity_check", -1, &s, NULL);
  if (rc != SQLITE_OK || sqlite3_step(s) != SQLITE_ROW) {
    res = sqlerr(st, sqlite3_errcode(st->db), err, n, "checking the database");
    goto done;
  }
  t = sqlite3_column_text(s, 0);
  if (!t || strcmp((const char *)t, "ok") != 0) {
    fmt(err, n, "%s: integrity_check: %s", st->path, t ? (const char *)t : "?");
    res = CAW_EINVAL;
    goto done;
  }
  sqlite3_finalize(s);
  s = NULL;
  rc = sqlite3_prepare_v2(st->db, "PRAGMA foreign_key_check", -1, &s, NULL);
  if (rc != SQLITE_OK) {
    res = sqlerr(st, rc, err, n, "checking the database");
    goto done;
  }
  if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    fmt(err, n, "%s: foreign_key_check: a row of %s", st->path,
        (const char *)sqlite3_column_text(s, 0));
    res = CAW_EINVAL;
  } else if (rc != SQLITE_DONE)
    res = sqlerr(st, rc, err, n, "checking the database");
done:
  sqlite3_finalize(s);
  return res;
}

void caw_store_interrupt(caw_store *st, int (*stop)(void *), void *arg) {
  sqlite3_progress_handler(st->db, stop ? 1000 : 0, stop, arg);
}

/* ==== rows for the bindings (store.h): the statements above, read
   without handing out a sqlite3_stmt ==== */

caw_status caw_store_events_rows(caw_store *st, const caw_filter *f,
                                 caw_store_rows *out, char *err,
                                 size_t errlen) {
  sqlite3_stmt *s = NULL;
  caw_status rc = caw_store_events(st, f, &s, err, errlen);
  out->stmt_ = s;
  out->owned_ = 1;
  return rc;
}

void caw_store_children_rows(caw_store *st, caw_child kind, int64_t rowid,
                             caw_store_rows *out) {
  out->stmt_ = caw_store_children(st, kind, rowid);
  out->owned_ = 0;
}

caw_status caw_store_query_rows(caw_store *st, const char *sql,
                                caw_store_rows *out, char *err,
                                size_t errlen) {
  sqlite3_stmt *s = NULL;
  caw_status rc = caw_store_query(st, sql, &s, err, errlen);
  out->stmt_ = s;
  out->owned_ = 1;
  return rc;
}

caw_status caw_store_actors_rows(caw_store *st, const char *kind,
                                 const char *code, caw_store_rows *out,
                                 char *err, size_t errlen) {
  caw_status rc = caw_store_query_rows(
    st, "SELECT code, name, kind, country FROM actors"
        " WHERE (?1 IS NULL OR kind = ?1)"
        " AND (?2 IS NULL OR code = ?2) ORDER BY code",
    out, err, errlen);
  caw_value v;
  if (rc != CAW_OK) return rc;
  v.type = CAW_VALUE_TEXT;
  if (kind) {
    v.s = kind;
    v.len = strlen(kind);
    caw_store_rows_bind(out, 1, &v);
  }
  if (code) {
    v.s = code;
    v.len = strlen(code);
    caw_store_rows_bind(out, 2, &v);
  }
  return CAW_OK;
}

void caw_store_rows_bind(caw_store_rows *r, int i, const caw_value *v) {
  sqlite3_stmt *s = r->stmt_;
  if (!s || !v) return;
  switch (v->type) {
  case CAW_VALUE_INT: sqlite3_bind_int64(s, i, v->i); break;
  case CAW_VALUE_REAL: sqlite3_bind_double(s, i, v->d); break;
  case CAW_VALUE_TEXT:
    sqlite3_bind_text(s, i, v->s, (int)v->len, SQLITE_TRANSIENT);
    break;
  case CAW_VALUE_NULL: break;
  }
}

caw_status caw_store_rows_step(caw_store_rows *r, int *has_row, char *err,
                               size_t errlen) {
  sqlite3_stmt *s = r->stmt_;
  int rc;
  *has_row = 0;
  if (!s) return CAW_OK;
  rc = sqlite3_step(s);
  if (rc == SQLITE_ROW) {
    *has_row = 1;
    return CAW_OK;
  }
  if (rc != SQLITE_DONE) {
    fmt(err, errlen, "%s", sqlite3_errmsg(sqlite3_db_handle(s)));
    caw_store_rows_close(r);
    return rc == SQLITE_BUSY || rc == SQLITE_LOCKED ? CAW_EBUSY : CAW_EIO;
  }
  return CAW_OK; /* at the end: close finalizes or resets */
}

int caw_store_rows_count(const caw_store_rows *r) {
  return r->stmt_ ? sqlite3_column_count(r->stmt_) : 0;
}

const char *caw_store_rows_name(const caw_store_rows *r, int col) {
  return sqlite3_column_name(r->stmt_, col);
}

void caw_store_rows_get(const caw_store_rows *r, int col, caw_value *v) {
  sqlite3_stmt *s = r->stmt_;
  switch (sqlite3_column_type(s, col)) {
  case SQLITE_INTEGER:
    v->type = CAW_VALUE_INT;
    v->i = sqlite3_column_int64(s, col);
    break;
  case SQLITE_FLOAT:
    v->type = CAW_VALUE_REAL;
    v->d = sqlite3_column_double(s, col);
    break;
  case SQLITE_NULL: v->type = CAW_VALUE_NULL; break;
  default: /* text; a BLOB reads as its bytes */
    v->type = CAW_VALUE_TEXT;
    v->s = (const char *)sqlite3_column_text(s, col);
    v->len = (size_t)sqlite3_column_bytes(s, col);
  }
}

const char *caw_store_rows_text(const caw_store_rows *r, int col) {
  return (const char *)sqlite3_column_text(r->stmt_, col);
}

int64_t caw_store_rows_int(const caw_store_rows *r, int col) {
  return sqlite3_column_int64(r->stmt_, col);
}

void caw_store_rows_close(caw_store_rows *r) {
  if (!r->stmt_) return;
  if (r->owned_) sqlite3_finalize(r->stmt_);
  else sqlite3_reset(r->stmt_);
  r->stmt_ = NULL;
}

int caw_store_rows_open(const caw_store_rows *r) { return r->stmt_ != NULL; }

int64_t caw_store_heap_used(void) { return sqlite3_memory_used(); }

void caw_store_heap_limit(int64_t hard, int64_t soft, int64_t *old_hard,
                          int64_t *old_soft) {
  sqlite3_int64 h = sqlite3_hard_heap_limit64(hard);
  sqlite3_int64 s = sqlite3_soft_heap_limit64(soft);
  if (old_hard) *old_hard = h;
  if (old_soft) *old_soft = s;
}

const char *caw_store_engine_version(void) { return sqlite3_libversion(); }

/*
** store.h -- caw's event store on SQLite: schema and migrations,
** validation of events against caw's vocabularies, transactions, and
** streaming queries. Knows nothing of Lua; uses date.h for EDTF.
*/
#ifndef CAW_STORE_H
#define CAW_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "caw/caw.h"

/* The schema version this binary writes (PRAGMA user_version). */
#define CAW_SCHEMA_VERSION 4

typedef struct caw_store caw_store;

enum {
  CAW_STORE_CREATE = 1,   /* create the file (and schema) if missing */
  CAW_STORE_READONLY = 2, /* open read-only */
  CAW_STORE_FRESH = 4,    /* create a new database even where one exists;
                             publishing replaces it */
  CAW_STORE_DEFER = 8     /* keep a new database under a temporary name
                             until caw_store_publish */
};

/*
** Open (and migrate) the database at path. On success *out owns the
** connection; close it with caw_store_close.
** A new database (CREATE and no file, or FRESH) is built under a
** temporary name beside path and renamed into place when complete, so a
** failure never leaves a half-made file at path; with DEFER it stays
** under that name (filled by the caller) until caw_store_publish, and
** caw_store_close before that removes it.
** An existing file must be a caw database: an empty file or another
** application's SQLite database is refused (CAW_EINVAL). When path or its
** folder is not writable the database opens read-only: reading works,
** writing fails with CAW_EIO and a message saying so.
** On failure returns CAW_ENOENT (no file and no CREATE), CAW_EINVAL (not
** a caw database), CAW_ESCHEMA (schema newer than this binary),
** CAW_EBUSY, CAW_EIO, with a message in err.
*/
caw_status caw_store_open(const char *path, int flags, caw_store **out,
                          char *err, size_t errlen);
/* Rename a new database (CAW_STORE_DEFER) into place and reopen it there;
   CAW_OK at once for any other store. On failure the new database is
   gone and st holds no connection: close it. */
caw_status caw_store_publish(caw_store *st, char *err, size_t errlen);
/* 1 while st is a new database not yet published. */
int caw_store_unpublished(caw_store *st);
void caw_store_close(caw_store *st);
const char *caw_store_path(caw_store *st);

/*
** Transactions nest: the outermost begin/commit is a real transaction,
** inner ones are savepoints. caw_store_rollback undoes the innermost.
*/
caw_status caw_store_begin(caw_store *st, char *err, size_t errlen);
caw_status caw_store_commit(caw_store *st, char *err, size_t errlen);
caw_status caw_store_rollback(caw_store *st);
int caw_store_depth(caw_store *st);

/* ---- vocabularies (static, NULL-terminated) ---- */
extern const char *const caw_event_types[];
extern const char *const caw_roles[];
extern const char *const caw_levels[];
extern const char *const caw_stances[];
extern const char *const caw_money_kinds[];
extern const char *const caw_instruments[];
extern const char *const caw_actor_kinds[];
/* Is w one of words (a NULL-terminated vocabulary above)? */
int caw_vocab_has(const char *const *words, const char *w);
/* Is code an actor code: 1 to 32 of A-Z 0-9 _ - . + ? */
int caw_actor_code_ok(const char *code);
/* Is code an active ISO 4217 currency code? */
int caw_currency_known(const char *code);

/* ---- writing ---- */

typedef struct caw_actor_ref {
  const char *code;   /* required */
  const char *role;   /* required: initiator|target|participant|host */
  const char *level;  /* optional: head|minister|official */
  const char *person; /* optional */
  const char *stance; /* optional: yes|no|abstain|absent (votes) */
  const char *name;   /* optional: with kind, defines an unknown actor */
  const char *kind;
  double confidence;  /* 0..1, this actor's part; with has_confidence */
  int has_confidence; /* 0: the actor's part has the event's confidence */
} caw_actor_ref;

/* The largest money amount accepted, in any currency: above it an amount
   is a data error at import (more than ten trillion units is a typing
   or unit error, and 1e308 would make every total infinite). */
#define CAW_MONEY_MAX 1e13

/* A share of a money line that the source states for one recipient. */
typedef struct caw_allocation {
  const char *code; /* a member of the line's recipient group */
  double amount;    /* > 0, in the line's currency */
} caw_allocation;

typedef struct caw_money {
  double amount;         /* > 0 and <= CAW_MONEY_MAX, in units of currency */
  const char *currency;  /* ISO 4217 */
  const char *kind;      /* pledge|commitment|disbursement|investment */
  const char *period;    /* optional EDTF */
  const char *provider;  /* optional actor code */
  const char *recipient; /* optional actor code */
  const char *note;
  int source;            /* 1-based index into the event's sources; 0 = the first */
  int primary;           /* 1 unless an alternative statement */
  const char *instrument; /* optional: loan|grant */
  const caw_allocation *allocation; /* optional: stated shares of a group */
  size_t n_allocation;
} caw_money;

typedef struct caw_source {
  const char *url; /* required */
  const char *publisher, *title, *published, *quote;
} caw_source;

typedef struct caw_event {
  const char *id;    /* optional: derived from the content when NULL */
  const char *date;  /* EDTF, required */
  const char *type;  /* required, one of caw_event_types */
  const char *title; /* required */
  const char *summary, *location;
  const char *cameo; /* optional CAMEO code, kept as a string */
  const char *attrs; /* optional JSON object text of extra attributes */
  double confidence; /* 0..1 */
  double goldstein;
  int has_goldstein;
  const caw_actor_ref *actors;
  size_t n_actors;
  const caw_money *money;
  size_t n_money;
  const caw_source *sources;
  size_t n_sources;
  const char *const *tags;
  size_t n_tags;
  int64_t batch; /* import batch id, 0 = none */
} caw_event;

/* What caw_store_add_event did. */
typedef enum caw_outcome {
  CAW_ADDED = 1,
  CAW_UPDATED,  /* an event with this id existed with other content */
  CAW_UNCHANGED /* an identical event with this id existed */
} caw_outcome;

/*
** Validate ev and write it (replacing an event with the same id whose
** content differs). The whole write is one savepoint: on failure nothing
** of the event is stored. id_out receives the event's id (at most 128
** bytes + NUL). On bad data returns CAW_EINVAL with a message naming the
** field, e.g. "field 'money[2].currency': unknown currency 'XYZ'".
*/
caw_status caw_store_add_event(caw_store *st, const caw_event *ev,
                               char id_out[129], caw_outcome *outcome,
                               char *err, size_t errlen);

/* Define or update an actor. kind must be one of caw_actor_kinds. */
caw_status caw_store_put_actor(caw_store *st, const char *code,
                               const char *name, const char *kind,
                               const char *country, char *err,
                               size_t errlen);

/* Record that member belongs to group over the EDTF period. */
caw_status caw_store_put_member(caw_store *st, const char *group,
                                const char *member, const char *period,
                                char *err, size_t errlen);

/* Import batches: begin returns the new id; finish fills in the counts. */
typedef struct caw_batch_counts {
  int64_t read, added, updated, unchanged, merged, rejected;
} caw_batch_counts;
caw_status caw_store_batch_begin(caw_store *st, const char *file,
                                 const char *sha256, const char *importer,
                                 int64_t *id, char *err, size_t errlen);
caw_status caw_store_batch_finish(caw_store *st, int64_t id,
                                  const caw_batch_counts *n,
                                  const char *sha256, /* NULL: as begun */
                                  char *err, size_t errlen);

/* ---- reading ---- */

typedef struct caw_filter {
  int has_from, has_to;
  int64_t from_day, to_day; /* inclusive day range */
  int certain;              /* 1: event certainly within; 0: overlaps */
  const char *id, *actor, *type, *tag, *text;
  const char *provenance; /* "curated", "coded" (any source) or a source */
  int64_t limit; /* 0 = no limit */
} caw_filter;

/* Columns of the events rows (caw_store_events_rows), in order. */
enum {
  CAW_COL_ROWID, CAW_COL_ID, CAW_COL_DATE, CAW_COL_DAY_LO, CAW_COL_DAY_HI,
  CAW_COL_PRECISION, CAW_COL_TYPE, CAW_COL_TITLE, CAW_COL_SUMMARY,
  CAW_COL_LOCATION, CAW_COL_CONFIDENCE, CAW_COL_CAMEO, CAW_COL_GOLDSTEIN,
  CAW_COL_ATTRS, CAW_COL_BATCH,
  /* a machine-coded event's source (NULL for a curated one); its actors,
     sources and tag come inline: */
  CAW_COL_SOURCE, CAW_COL_ACTOR1, CAW_COL_ACTOR1_NAME, CAW_COL_ACTOR1_KIND,
  CAW_COL_ACTOR2, CAW_COL_ACTOR2_NAME, CAW_COL_ACTOR2_KIND, CAW_COL_URL,
  CAW_COL_MORE_URLS, /* JSON array of the further source URLs, or NULL */
  CAW_COL_TAG, CAW_COL_COUNT
};

/*
** The events matching f, ordered by (day_lo, day_hi, id), streamed:
** caw_store_events_rows (below). Its columns are the CAW_COL_* above.
*/

/* What a filter value names, for caw_store_known. */
typedef enum caw_known {
  CAW_KNOWN_ACTOR, /* actors.code */
  CAW_KNOWN_TYPE,  /* event_types.name */
  CAW_KNOWN_TAG    /* a tag of some event (event_tags, gdelt.tag) */
} caw_known;

/*
** Check that a filter value names something the database knows. On a
** match, exact or the only one that differs just in ASCII case, writes
** the stored spelling to canon (canonlen bytes) and returns CAW_OK. Else
** returns CAW_ENOENT and writes to err "unknown actor 'XYZ' (closest:
** KAZ, ...)", naming up to five known values by edit distance; or an
** SQLite failure status.
*/
caw_status caw_store_known(caw_store *st, caw_known kind, const char *value,
                           char *canon, size_t canonlen, char *err,
                           size_t errlen);

/* Child rows of one event, by kind. */
typedef enum caw_child {
  CAW_CHILD_ACTORS, /* code, role, level, person, stance, name, kind,
                       confidence */
  CAW_CHILD_MONEY,  /* amount, currency, kind, period, period_lo, period_hi,
                       provider, recipient, source, is_primary, note,
                       instrument, allocation (JSON object text) */
  CAW_CHILD_SOURCES, /* url, publisher, title, published, quote */
  CAW_CHILD_TAGS,    /* tag */
  CAW_CHILD_COUNT
} caw_child;

/* The child rows of one event: caw_store_children_rows (below). */

/*
** Machine-coded events (table coded, docs/schema.md): one row per event,
** keyed by (source, ref), written by the bulk engine inside a
** transaction. Strings are the caller's; nothing is kept.
*/
typedef struct caw_coded {
  const char *source;         /* gdelt, icews, acled, polecat... */
  const char *ref;            /* the source's own id of the first row */
  int64_t day;                /* one day */
  const char *type;           /* one of caw_event_types */
  const char *code, *scheme;  /* event code; "cameo" or "plover" or NULL */
  double scale;               /* Goldstein, intensity; with has_scale */
  int has_scale;
  const char *actor1, *actor2; /* registry codes, or NULL */
  const char *location, *title, *url;
  double confidence;          /* 0..1 */
  const char *tag;            /* dedup key, or NULL */
  int64_t rows;               /* source rows merged into it (>= 1) */
  const char *attrs, *more;   /* JSON object texts, or NULL */
  int64_t batch;              /* 0: none */
} caw_coded;

/* What caw_store_coded_get reads back for a merge: the strings point
   into buf, which the caller frees. */
typedef struct caw_coded_stored {
  int64_t id, rows, batch;
  char *code, *url, *attrs, *more;
  char *buf;
} caw_coded_stored;

/* Begin a load of source: *had_rows tells whether the table held rows of
   it. With the table empty, the day index goes until finish rebuilds it. */
caw_status caw_store_coded_begin(caw_store *st, const char *source,
                                 int *had_rows, char *err, size_t errlen);
caw_status caw_store_coded_finish(caw_store *st, char *err, size_t errlen);
/* Insert ev; *added is 0 when (source, ref) was there (left as it is). */
caw_status caw_store_coded_put(caw_store *st, const caw_coded *ev,
                               int *added, char *err, size_t errlen);
/* The stored event (source, ref); CAW_ENOENT when there is none. */
caw_status caw_store_coded_get(caw_store *st, const char *source,
                               const char *ref, caw_coded_stored *out,
                               char *err, size_t errlen);
/* Set a stored event's row count, attrs and more (by its id). */
caw_status caw_store_coded_update(caw_store *st, int64_t id, int64_t rows,
                                  const char *attrs, const char *more,
                                  char *err, size_t errlen);
caw_status caw_store_coded_has(caw_store *st, const char *source,
                               const char *ref, int *found, char *err,
                               size_t errlen);
/* Call fn with each stored event of source on day: its ref, tag and the
   JSON array of the refs merged into it (tag and ids may be NULL). fn
   returns CAW_OK to go on; anything else stops (as out of memory). */
typedef caw_status (*caw_coded_day_fn)(void *arg, const char *ref,
                                       const char *tag, const char *ids);
caw_status caw_store_coded_day(caw_store *st, const char *source,
                               int64_t day, caw_coded_day_fn fn, void *arg,
                               char *err, size_t errlen);
/* Is there a curated event with an id "source:..." (stored by a caw
   before schema 2)? */
caw_status caw_store_curated_prefix(caw_store *st, const char *source,
                                    int *found, char *err, size_t errlen);
/* Is there a curated event with this id / an actor with this code? */
caw_status caw_store_event_exists(caw_store *st, const char *id, int *found,
                                  char *err, size_t errlen);
caw_status caw_store_actor_exists(caw_store *st, const char *code,
                                  int *found, char *err, size_t errlen);

/*
** While a statement runs, call stop(arg) every 1000 SQLite steps; a true
** answer interrupts it (SQLITE_INTERRUPT). stop NULL: no more calls.
*/
void caw_store_interrupt(caw_store *st, int (*stop)(void *), void *arg);

/*
** A script's own SQL (caw.sql) is one read-only statement: no ATTACH or
** DETACH, no PRAGMA that sets (reading ones and the checks are fine), no
** load_extension; caw_store_query_rows (below) prepares it, and gives
** CAW_EINVAL with SQLite's message for a bad, empty, multiple or writing
** statement.
*/

/* Rows in one of caw's tables (events, batches, actors, memberships,
   event_actors, money, sources, event_tags, coded), as this connection
   sees them (inside its transaction too). */
caw_status caw_store_table_rows(caw_store *st, const char *table,
                                int64_t *count, char *err, size_t errlen);
/* SQLite's integrity and foreign key checks: CAW_EINVAL naming the first
   problem. */
caw_status caw_store_integrity(caw_store *st, char *err, size_t errlen);

/* Count of events (machine-coded events included) in the store, or -1 on error. */
int64_t caw_store_count(caw_store *st);

/* ==== rows for the bindings: reading without SQLite ====
** The bindings (luastore.c) read the statements above through these, so
** that no file but store.c touches a sqlite3_stmt. A caw_store_rows is
** the caller's (on the stack or in a userdata); its fields are the
** store's. Strings a row gives point into the statement and stay valid
** until the next step or close.
*/
typedef enum caw_value_type {
  CAW_VALUE_NULL, CAW_VALUE_INT, CAW_VALUE_REAL, CAW_VALUE_TEXT
} caw_value_type;

/* One column's value, with SQLite's storage class (a BLOB reads as text). */
typedef struct caw_value {
  caw_value_type type;
  int64_t i;
  double d;
  const char *s; /* TEXT: len bytes (NUL-terminated) */
  size_t len;
} caw_value;

typedef struct caw_store_rows {
  void *stmt_;  /* the statement: the store's business */
  int owned_;   /* 1: finalized by close; 0: the store's, only reset */
} caw_store_rows;

/* caw_store_events as rows (columns CAW_COL_*); close them. */
caw_status caw_store_events_rows(caw_store *st, const caw_filter *f,
                                 caw_store_rows *out, char *err,
                                 size_t errlen);
/* The child rows of one event (caw_store_children's columns); they stay
   the store's: close them (a reset) before asking for the same kind. */
void caw_store_children_rows(caw_store *st, caw_child kind, int64_t rowid,
                             caw_store_rows *out);
/* A script's own read-only statement (caw_store_query's rules) as rows;
   bind its parameters with caw_store_rows_bind; close it. */
caw_status caw_store_query_rows(caw_store *st, const char *sql,
                                caw_store_rows *out, char *err,
                                size_t errlen);
/* The actors of the registry (code, name, kind, country), by code; of
   one kind and with one code when those are not NULL (caw.actors). */
caw_status caw_store_actors_rows(caw_store *st, const char *kind,
                                 const char *code, caw_store_rows *out,
                                 char *err, size_t errlen);
/* Bind parameter i (1-based) of a query to v (NULL: leave it NULL); text
   is copied. An index out of range is ignored. */
void caw_store_rows_bind(caw_store_rows *r, int i, const caw_value *v);
/*
** Step to the next row: *has_row is 1 on a row, 0 at the end. On a
** failure returns CAW_EIO (CAW_EBUSY when locked) with SQLite's message
** in err; the rows are then closed.
*/
caw_status caw_store_rows_step(caw_store_rows *r, int *has_row, char *err,
                               size_t errlen);
/* Columns of the current row: count, name, value; the text of a column
   (NULL for NULL) and its integer value (0 for NULL). */
int caw_store_rows_count(const caw_store_rows *r);
const char *caw_store_rows_name(const caw_store_rows *r, int col);
void caw_store_rows_get(const caw_store_rows *r, int col, caw_value *v);
const char *caw_store_rows_text(const caw_store_rows *r, int col);
int64_t caw_store_rows_int(const caw_store_rows *r, int col);
/* Finalize (or, for the store's own, reset) the rows; safe to repeat. */
void caw_store_rows_close(caw_store_rows *r);
/* Are the rows open (not yet closed or run out)? */
int caw_store_rows_open(const caw_store_rows *r);

/* ---- SQLite's heap, for --max-memory (runtime.c) ---- */

/* Bytes SQLite holds now, all connections. */
int64_t caw_store_heap_used(void);
/* Set SQLite's hard and soft heap limits (0: none; -1: leave as it is);
   the old values go to *old_hard and *old_soft when given. */
void caw_store_heap_limit(int64_t hard, int64_t soft, int64_t *old_hard,
                          int64_t *old_soft);
/* The SQLite library's version ("3.45.1"), for `caw version`. */
const char *caw_store_engine_version(void);

#endif

/*
** bulk.h -- the bulk engine for machine-coded event data (GDELT, and the
** sources to follow): rows in, one row of the table of machine-coded
** events (store.h, caw_coded) per event out. It merges rows that report
** the same event (the dedup window), keeps open events in a queue, writes
** on a thread of its own when the table holds nothing of the source yet,
** and checks each distinct event type and actor once, defining an actor
** the registry lacks. No Lua: core/luabulk.c (caw.bulk.load) reads a file
** with the delimited reader, applies an importer's declared rules and
** hands each row here. Calls store.c only.
*/
#ifndef CAW_BULK_H
#define CAW_BULK_H

#include <stddef.h>
#include <stdint.h>

#include "caw/caw.h"
#include "caw/store.h"

typedef struct caw_bulk caw_bulk;

/* Numeric attributes that merged rows add up (at most this many). */
#define CAW_BULK_MAX_SUMS 4

typedef struct caw_bulk_opts {
  const char *source;   /* required: gdelt, icews, acled, polecat... */
  const char *file;     /* the file's name, for messages */
  const char *scheme;   /* "cameo", "plover" or NULL */
  double confidence;    /* 0..1, given to every event */
  int64_t batch;        /* 0: none */
  /* dedup: rows that report the same event become one (dedup = 0: each
     row is an event) */
  int dedup;
  int days;             /* root rule: dates within this many days */
  int directed;         /* root rule: actor order matters */
  int use_url;          /* url rule on */
  int across_files;     /* look for events stored by earlier imports */
  int64_t window;       /* days an event stays open behind the newest */
  int64_t max_open;     /* open events at most */
  int64_t lookback;     /* days stored events of this load stay findable */
  /* attributes (JSON numbers in attrs) that merged rows add up, and one
     that is their mean weighted by the first sum (at least 1 a row) */
  const char *sums[CAW_BULK_MAX_SUMS];
  size_t n_sums;
  const char *mean; /* NULL: none */
} caw_bulk_opts;

/* Defaults: dedup on, days 1, url rule, across files, window 14,
   max_open 20000, lookback 60, confidence 1. */
caw_bulk_opts caw_bulk_defaults(void);

/* One row, as the importer's rules made it. Strings are the caller's and
   need live only for the call. */
typedef struct caw_bulk_row {
  long long line;            /* for messages */
  const char *ref;           /* required: the source's own row id */
  int64_t day;               /* the row's day */
  const char *type;          /* required: an event type */
  const char *code;          /* required: the event code */
  const char *root;          /* the code the root rule compares (CAMEO
                                root); NULL: code */
  const char *title;         /* required */
  double scale;              /* with has_scale */
  int has_scale;
  const char *actor1, *actor2;       /* caw actor codes, or NULL */
  const char *name1, *kind1;         /* actor1's name and kind */
  const char *name2, *kind2;
  const char *key1, *key2;   /* who the dedup keys compare (NULL: no one) */
  const char *location, *url;
  const char *attrs;         /* JSON object text (the first row's), or NULL */
  /* Optional: called (at most once, during caw_bulk_add) only when the
     row opens a new event, to give its title and attrs instead of the
     fields above (they need live only until caw_bulk_add returns): rows
     merged into an event need neither. Returns 0 when out of memory. */
  int (*make)(void *ctx, const char **title, const char **attrs);
  void *ctx;
  double sums[CAW_BULK_MAX_SUMS]; /* in the order of opts.sums */
  int has_sums[CAW_BULK_MAX_SUMS];
  double mean;               /* with has_mean */
  int has_mean;
  /* The same values as JSON number texts, as the file writes them (NULL:
     the engine writes the value). The engine adds the sums and the mean
     to attrs itself: attrs should not hold them. */
  const char *sum_texts[CAW_BULK_MAX_SUMS];
  const char *mean_text;
} caw_bulk_row;

typedef struct caw_bulk_counts {
  int64_t added, updated, unchanged, merged;
} caw_bulk_counts;

/*
** Begin a load into st, which must be inside a transaction. On success
** *out owns the engine: caw_bulk_free it (after caw_bulk_finish, or to
** abandon the load; the caller then rolls back). On failure returns
** CAW_EINVAL (bad options) or a store status, with a message in err.
*/
caw_status caw_bulk_open(caw_store *st, const caw_bulk_opts *opts,
                         caw_bulk **out, char *err, size_t errlen);

/*
** Take one row. Returns CAW_EINVAL for a row that breaks a rule of the
** store (an unknown event type, a bad actor code or kind), naming the
** file line and the value; CAW_ENOMEM; or a store status when writing
** failed. After an error other than CAW_EINVAL the engine takes no more
** rows. Always call from the same thread.
*/
caw_status caw_bulk_add(caw_bulk *b, const caw_bulk_row *row, char *err,
                        size_t errlen);

/*
** Before the caller touches the database itself: wait until everything
** handed over is written. Returns the writing side's error, if any.
*/
caw_status caw_bulk_drain(caw_bulk *b, char *err, size_t errlen);

/* Write what is open, rebuild the index, and give the counts. */
caw_status caw_bulk_finish(caw_bulk *b, caw_bulk_counts *counts, char *err,
                           size_t errlen);

/* Stop the writing side and free everything (NULL is fine). */
void caw_bulk_free(caw_bulk *b);

/*
** A string-keyed map of pointers, for the callers' memos (the binding's
** rule answers). find gives the value's slot or NULL; put gives the slot,
** made NULL when new, or NULL when out of memory. Slots stay put until
** the map is freed; free calls release on each value (when given).
*/
typedef struct caw_strmap caw_strmap;
caw_strmap *caw_strmap_new(void);
void **caw_strmap_find(caw_strmap *m, const char *key, size_t len);
void **caw_strmap_put(caw_strmap *m, const char *key, size_t len);
void caw_strmap_free(caw_strmap *m, void (*release)(void *));

/*
** A growing NUL-terminated text buffer, shared by the engine and its
** binding. bad is set when memory runs out; later appends then do
** nothing. The owner frees p.
*/
typedef struct caw_bulk_buf {
  char *p;
  size_t n, cap;
  int bad;
} caw_bulk_buf;

void caw_bulk_buf_add(caw_bulk_buf *b, const char *s, size_t len);
/* s as a JSON string: quoted, with '"', '\\' and control bytes escaped. */
void caw_bulk_buf_json(caw_bulk_buf *b, const char *s);

#endif

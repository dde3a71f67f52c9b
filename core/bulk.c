/*
** bulk.c -- the bulk engine for machine-coded event data (bulk.h). Takes
** rows an importer's rules have mapped (core/luabulk.c feeds it), merges
** the rows that report the same event, checks each distinct actor once
** (defining one the registry lacks) and writes one row of the table of
** machine-coded events per event through store.c. Knows nothing of Lua.
**
** Two sides. The reading side (the caller's thread) checks and merges
** rows and hands each finished event to the writing side, which builds
** its row (merged refs, codes and URLs as JSON; summed attributes) and
** stores it. On a load of a source the table holds nothing of, the
** writing side runs on a thread of its own behind a ring of messages, so
** SQLite's work overlaps the reading; the reading side then touches the
** database only after drain(). Events are written in the order they were
** opened, which keeps the table's inserts appends.
**
** Dedup. Root rule: the same two sides (key1, key2; either order unless
** directed), the same root code and a day within `days`. URL rule: the
** same URL, sides and code, whatever the day. An event stays open while
** its day is within `window` days of the newest day seen (and at most
** max_open events are open); a later row may still join a written event
** of this load (within `lookback` days), or, with across_files, one an
** earlier import stored, found through its dedup tag.
**
** Every function returns a status; the engine owns everything it
** allocated, and caw_bulk_free stops the writer thread before freeing.
*/
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "caw/bulk.h"
#include "caw/date.h"
#include "caw/store.h"

#define SWEEP_EVERY 4096 /* rows between sweeps of the open events */

static void fmt(char *err, size_t n, const char *f, ...) {
  va_list ap;
  if (!err || !n) return;
  va_start(ap, f);
  vsnprintf(err, n, f, ap);
  va_end(ap);
}

static caw_status oom(char *err, size_t n) {
  fmt(err, n, "out of memory");
  return CAW_ENOMEM;
}

/* ---- a string-keyed hash map (chained; keys owned) ---- */

typedef struct hent {
  struct hent *next;
  uint64_t hash;
  void *ptr;   /* the value, for maps of pointers */
  int64_t num; /* the value, for maps of numbers */
  int64_t day; /* for eviction by day */
  char key[];  /* NUL-terminated */
} hent;

typedef struct hmap {
  hent **b;
  size_t nb, n;
} hmap;

/* 8 bytes a step: the keys include URLs of 100 bytes and more */
static uint64_t hash_str(const char *s, size_t len) {
  uint64_t h = 0x9e3779b97f4a7c15u ^ len, w;
  while (len >= 8) {
    memcpy(&w, s, 8);
    h = (h ^ w) * 0xff51afd7ed558ccdu;
    h ^= h >> 32;
    s += 8;
    len -= 8;
  }
  w = 0;
  memcpy(&w, s, len);
  h = (h ^ w) * 0xc4ceb9fe1a85ec53u;
  h ^= h >> 29;
  return h;
}

static hent *hm_find(const hmap *m, const char *key, size_t len) {
  uint64_t h;
  hent *e;
  if (!m->nb) return NULL;
  h = hash_str(key, len);
  for (e = m->b[h & (m->nb - 1)]; e; e = e->next)
    if (e->hash == h && strncmp(e->key, key, len) == 0 && e->key[len] == '\0')
      return e;
  return NULL;
}

static int hm_grow(hmap *m) {
  size_t nb = m->nb ? m->nb * 2 : 256, i;
  hent **b = calloc(nb, sizeof *b), *e, *next;
  if (!b) return 0;
  for (i = 0; i < m->nb; i++)
    for (e = m->b[i]; e; e = next) {
      next = e->next;
      e->next = b[e->hash & (nb - 1)];
      b[e->hash & (nb - 1)] = e;
    }
  free(m->b);
  m->b = b;
  m->nb = nb;
  return 1;
}

/* The entry for key, made (zeroed) when missing; NULL when out of memory.
   Entries do not move: a pointer to one holds until it is removed. */
static hent *hm_put(hmap *m, const char *key, size_t len) {
  hent *e = hm_find(m, key, len);
  if (e) return e;
  if (m->n >= m->nb && !hm_grow(m)) return NULL;
  if (!(e = malloc(sizeof *e + len + 1))) return NULL;
  e->ptr = NULL;
  e->num = e->day = 0;
  memcpy(e->key, key, len);
  e->key[len] = '\0';
  e->hash = hash_str(key, len);
  e->next = m->b[e->hash & (m->nb - 1)];
  m->b[e->hash & (m->nb - 1)] = e;
  m->n++;
  return e;
}

/* Remove entry h from m (found by its stored hash: no key compare). */
static void hm_unlink(hmap *m, hent *h) {
  hent **p;
  for (p = &m->b[h->hash & (m->nb - 1)]; *p; p = &(*p)->next)
    if (*p == h) {
      *p = h->next;
      free(h);
      m->n--;
      return;
    }
}

/* Drop the entries for which drop(e, arg) is true (all when drop is NULL),
   calling release on their pointer values when given. */
static void hm_sweep(hmap *m, int (*drop)(hent *, int64_t), int64_t arg,
                     void (*release)(void *)) {
  size_t i;
  hent **p, *e;
  for (i = 0; i < m->nb; i++)
    for (p = &m->b[i]; (e = *p);) {
      if (!drop || drop(e, arg)) {
        *p = e->next;
        if (release) release(e->ptr);
        free(e);
        m->n--;
      } else
        p = &e->next;
    }
}

static void hm_free(hmap *m, void (*release)(void *)) {
  hm_sweep(m, NULL, 0, release);
  free(m->b);
  m->b = NULL;
  m->nb = 0;
}

/* Room for one more element in v, of which n are used and *cap are
   allocated (elem bytes each; the first allocation holds first): v or
   its new place, or NULL when out of memory (v is then as it was). */
static void *grow(void *v, size_t n, size_t *cap, size_t elem, size_t first) {
  size_t c;
  if (n < *cap) return v;
  c = *cap ? *cap * 2 : first;
  if (!(v = realloc(v, c * elem))) return NULL;
  *cap = c;
  return v;
}

/* ---- the string map, for callers (bulk.h) ---- */

struct caw_strmap {
  hmap m;
};

caw_strmap *caw_strmap_new(void) { return calloc(1, sizeof(caw_strmap)); }

void **caw_strmap_find(caw_strmap *m, const char *key, size_t len) {
  hent *e = hm_find(&m->m, key, len);
  return e ? &e->ptr : NULL;
}

void **caw_strmap_put(caw_strmap *m, const char *key, size_t len) {
  hent *e = hm_put(&m->m, key, len);
  return e ? &e->ptr : NULL;
}

void caw_strmap_free(caw_strmap *m, void (*release)(void *)) {
  if (!m) return;
  hm_free(&m->m, release);
  free(m);
}

/* ---- day lists: what a dedup key leads to, by day ---- */

typedef struct dayent {
  int64_t day;
  void *ptr; /* an open event, or a stored event's ref (owned) */
} dayent;

typedef struct daylist {
  dayent *v;
  size_t n, cap;
} daylist;

/* The entry of day, else of day - 1, day + 1, day - 2 ... within days
   (the nearest, the earlier first); NULL when none. */
static dayent *dl_find(const daylist *l, int64_t day, int64_t days) {
  dayent *best = NULL;
  int64_t rank = 0, r, off;
  size_t i;
  for (i = 0; i < l->n; i++) {
    off = l->v[i].day - day;
    if (off < -days || off > days) continue;
    r = off <= 0 ? -2 * off : 2 * off - 1;
    if (!best || r < rank) {
      best = &l->v[i];
      rank = r;
    }
  }
  return best;
}

/* The entry of day, made when missing; NULL when out of memory. */
static dayent *dl_put(daylist *l, int64_t day) {
  dayent *v;
  size_t i;
  for (i = 0; i < l->n; i++)
    if (l->v[i].day == day) return &l->v[i];
  if (!(v = grow(l->v, l->n, &l->cap, sizeof *v, 4))) return NULL;
  l->v = v;
  memset(&l->v[l->n], 0, sizeof *l->v);
  l->v[l->n].day = day;
  return &l->v[l->n++];
}

/* What a dedup key leads to: its open events and the refs of its stored
   events, by day. One map lookup a row finds both. */
typedef struct kent {
  daylist open;   /* ptr: the open event */
  daylist stored; /* ptr: the stored event's ref */
} kent;

static void free_kent(void *p) {
  kent *k = p;
  size_t i;
  if (!k) return;
  for (i = 0; i < k->stored.n; i++) free(k->stored.v[i].ptr);
  free(k->open.v);
  free(k->stored.v);
  free(k);
}

/* The entry of key in m, made when make is set (NULL: none, or out of
   memory). */
static kent *kent_of(hmap *m, const char *key, int make) {
  size_t len = strlen(key);
  hent *h = make ? hm_put(m, key, len) : hm_find(m, key, len);
  if (!h) return NULL;
  if (!h->ptr && !(h->ptr = calloc(1, sizeof(kent)))) return NULL;
  return h->ptr;
}

/* ---- string lists ---- */

typedef struct strv {
  char **v;
  size_t n, cap;
} strv;

static void strv_free(strv *s) {
  size_t i;
  for (i = 0; i < s->n; i++) free(s->v[i]);
  free(s->v);
  s->v = NULL;
  s->n = s->cap = 0;
}

static int strv_has(const strv *s, const char *x) {
  size_t i;
  for (i = 0; i < s->n; i++)
    if (strcmp(s->v[i], x) == 0) return 1;
  return 0;
}

static int strv_add(strv *s, const char *x) {
  char *d, **v = grow(s->v, s->n, &s->cap, sizeof *v, 4);
  if (!v) return 0;
  s->v = v;
  if (!(d = strdup(x))) return 0;
  s->v[s->n++] = d;
  return 1;
}

/* ---- actors: each distinct one checked once, defined when new ---- */

typedef struct actor {
  char *code, *name, *kind;
  int defined; /* in the registry, or defined by this load */
} actor;

static void free_actor(void *p) {
  actor *a = p;
  if (!a) return;
  free(a->code);
  free(a->name);
  free(a->kind);
  free(a);
}

/* ---- open events ---- */

typedef struct event {
  int64_t day, rows;
  long long line;
  char *ref, *type, *code, *title, *location, *url, *attrs, *key, *tkey;
  const actor *a1, *a2;   /* owned by the actor memo */
  struct kent *ke;        /* its dedup key's entry (keys), or NULL */
  int alone;              /* merges with nothing: written at its turn */
  int has_scale;
  double scale;
  double sums[CAW_BULK_MAX_SUMS];
  int has_sums[CAW_BULK_MAX_SUMS];
  double mean, mean_sum, weight;
  int has_mean;
  char *sum_texts[CAW_BULK_MAX_SUMS], *mean_text; /* the first row's */
  int merged;             /* a second row joined: refs, codes, urls hold */
  strv refs, codes, urls;
  hent **ureg;            /* the by_url entries that lead here */
  size_t nureg, capureg;
  char strs[];            /* the strings above, one block with the event */
} event;

static void free_event(void *p) {
  event *e = p;
  if (!e) return;
  strv_free(&e->refs);
  strv_free(&e->codes);
  strv_free(&e->urls);
  free(e->ureg);
  free(e);
}

/* ---- the engine ---- */

/* What the reading side hands the writing side. */
enum { M_PUT = 1, M_MERGE };

typedef struct mrow { /* a row to fold into a stored event */
  char *owner, *ref, *code, *url; /* one block: owner owns it */
  double sums[CAW_BULK_MAX_SUMS];
  int has_sums[CAW_BULK_MAX_SUMS];
  double mean;
  int has_mean;
} mrow;

typedef struct wmsg {
  int op;
  event *e; /* M_PUT: owned by the message */
  mrow r;   /* M_MERGE: owned by the message */
} wmsg;

static void free_msg(wmsg *m) {
  free_event(m->e);
  free(m->r.owner);
  m->e = NULL;
  m->r.owner = NULL;
}

#define RING 4096 /* messages in flight between the two sides */
#define WAKE 256  /* messages that wake a waiting writer: fewer wake-ups */

struct caw_bulk {
  caw_store *st;
  caw_bulk_opts o;
  char *source, *scheme, *file, *sum_names[CAW_BULK_MAX_SUMS], *mean_name;
  char *sum_keys[CAW_BULK_MAX_SUMS], *mean_key; /* "name": as JSON */
  hmap actors;  /* code -> actor* */
  hmap keys;    /* dedup key -> kent: open events, stored refs */
  hmap by_url;  /* url "\x1f" tkey -> event* */
  hmap loaded;  /* day -> days loaded from the table */
  hmap seen;    /* ref -> ref of the stored event that holds it (ptr),
                   for the loaded days, with its day */
  hmap updated; /* refs of stored events this load added rows to */
  event **queue;
  size_t nq, capq;
  int64_t newest, rows, sweeps;
  int has_newest;
  int prior;  /* the table held events of the source: look there too */
  int legacy; /* curated events with ids "source:..." exist */
  int broken; /* an error that stops the load happened */
  caw_bulk_counts n;
  char buf[1024]; /* scratch for keys */
  /* the writing side */
  int werr_status;
  char werr[CAW_ERRMAX];
  int threaded, sync_ready;
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t more, room, idle;
  wmsg ring[RING];
  size_t rhead, rcount;
  int stop, abandon, busy, failed;
  int64_t w_added, w_unchanged; /* the writing side's */
  caw_bulk_buf wattrs, wmore;   /* its texts of the row it writes */
  /* Events written, back to the reading side to free: memory is freed by
     the thread that took it, so the two sides do not fight over one
     malloc arena. spent is filled by the writer (under mu); the reader
     swaps it with rspent and frees what that holds. */
  event **spent, **rspent;
  size_t nspent, capspent, nrspent, caprspent;
};

caw_bulk_opts caw_bulk_defaults(void) {
  caw_bulk_opts o;
  memset(&o, 0, sizeof o);
  o.confidence = 1;
  o.dedup = 1;
  o.days = 1;
  o.use_url = 1;
  o.across_files = 1;
  o.window = 14;
  o.max_open = 20000;
  o.lookback = 60;
  return o;
}

static void writer_stop(caw_bulk *b, int abandon);

void caw_bulk_free(caw_bulk *b) {
  size_t i;
  if (!b) return;
  if (b->threaded) writer_stop(b, 1);
  for (i = 0; i < b->rcount; i++) free_msg(&b->ring[(b->rhead + i) % RING]);
  if (b->sync_ready) {
    pthread_mutex_destroy(&b->mu);
    pthread_cond_destroy(&b->more);
    pthread_cond_destroy(&b->room);
    pthread_cond_destroy(&b->idle);
  }
  for (i = 0; i < b->nq; i++) free_event(b->queue[i]);
  free(b->queue);
  hm_free(&b->actors, free_actor);
  hm_free(&b->keys, free_kent);
  hm_free(&b->by_url, NULL);
  hm_free(&b->loaded, NULL);
  hm_free(&b->seen, free);
  hm_free(&b->updated, NULL);
  free(b->source);
  free(b->scheme);
  free(b->file);
  for (i = 0; i < CAW_BULK_MAX_SUMS; i++) {
    free(b->sum_names[i]);
    free(b->sum_keys[i]);
  }
  free(b->mean_name);
  free(b->mean_key);
  free(b->wattrs.p);
  free(b->wmore.p);
  for (i = 0; i < b->nspent; i++) free_event(b->spent[i]);
  for (i = 0; i < b->nrspent; i++) free_event(b->rspent[i]);
  free(b->spent);
  free(b->rspent);
  free(b);
}

/* ---- the writing side ---- */

/* Record the writing side's first error; returns its status. */
static caw_status wfail(caw_bulk *b, caw_status rc, const char *msg) {
  if (b->werr_status) return b->werr_status;
  b->werr_status = rc;
  snprintf(b->werr, sizeof b->werr, "%s", msg ? msg : "out of memory");
  return rc;
}

static caw_status werr_out(caw_bulk *b, char *err, size_t n) {
  fmt(err, n, "%s", b->werr);
  return b->werr_status;
}

/* A ref as JSON: a number when it is one (GDELT's GLOBALEVENTIDs), else a
   string. */
static cJSON *ref_json(const char *ref) {
  size_t len = strlen(ref);
  if (len > 0 && len <= 15 && strspn(ref, "0123456789") == len &&
      (ref[0] != '0' || len == 1))
    return cJSON_CreateNumber((double)strtoll(ref, NULL, 10));
  return cJSON_CreateString(ref);
}

static int json_has_ref(const cJSON *a, const char *ref) {
  const cJSON *i;
  cJSON *r = ref_json(ref);
  int found = 0;
  if (!r) return 0;
  cJSON_ArrayForEach(i, a)
    if (cJSON_Compare(i, r, 1)) found = 1;
  cJSON_Delete(r);
  return found;
}

static int json_has_str(const cJSON *a, const char *x) {
  const cJSON *i;
  cJSON_ArrayForEach(i, a)
    if (cJSON_IsString(i) && strcmp(i->valuestring, x) == 0) return 1;
  return 0;
}

/* ---- JSON texts, built by appending ---- */

void caw_bulk_buf_add(caw_bulk_buf *j, const char *s, size_t len) {
  if (j->bad) return;
  if (j->n + len + 1 > j->cap) {
    size_t c = j->cap ? j->cap * 2 : 256;
    char *p;
    while (c < j->n + len + 1) c *= 2;
    if (!(p = realloc(j->p, c))) {
      j->bad = 1;
      return;
    }
    j->p = p;
    j->cap = c;
  }
  memcpy(j->p + j->n, s, len);
  j->n += len;
  j->p[j->n] = '\0';
}

void caw_bulk_buf_json(caw_bulk_buf *j, const char *s) {
  const char *p, *run = s;
  char esc[8];
  caw_bulk_buf_add(j, "\"", 1);
  for (p = s; *p; p++) {
    unsigned char c = (unsigned char)*p;
    if (c != '"' && c != '\\' && c >= 0x20) continue;
    caw_bulk_buf_add(j, run, (size_t)(p - run));
    if (c == '"' || c == '\\') {
      esc[0] = '\\';
      esc[1] = (char)c;
      caw_bulk_buf_add(j, esc, 2);
    } else {
      snprintf(esc, sizeof esc, "\\u%04x", c);
      caw_bulk_buf_add(j, esc, 6);
    }
    run = p + 1;
  }
  caw_bulk_buf_add(j, run, (size_t)(p - run));
  caw_bulk_buf_add(j, "\"", 1);
}

/* "name": as JSON text (malloc'd), or NULL when out of memory. */
static char *json_key(const char *name) {
  caw_bulk_buf j = {NULL, 0, 0, 0};
  caw_bulk_buf_json(&j, name);
  caw_bulk_buf_add(&j, ":", 1);
  if (j.bad) {
    free(j.p);
    return NULL;
  }
  return j.p;
}

/* A ref as JSON: a number when it is one (GDELT's GLOBALEVENTIDs), else a
   string. */
static int ref_is_number(const char *ref) {
  size_t len = strlen(ref);
  return len > 0 && len <= 15 && strspn(ref, "0123456789") == len &&
         (ref[0] != '0' || len == 1);
}

static void jb_ref(caw_bulk_buf *j, const char *ref) {
  if (ref_is_number(ref)) caw_bulk_buf_add(j, ref, strlen(ref));
  else caw_bulk_buf_json(j, ref);
}

/* The decimal digits of v at the end of buf (size 24): where they
   start. Whole numbers are most of what the writing side formats, and
   snprintf costs ten times as much. */
static char *int_text(char *buf, long long v) {
  char *p = buf + 23;
  unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
  *p = '\0';
  do *--p = (char)('0' + u % 10);
  while ((u /= 10) > 0);
  if (v < 0) *--p = '-';
  return p;
}

/* A number: whole ones as integers, others exactly (17 digits); real
   forces a real (0.0). */
static void jb_num(caw_bulk_buf *j, double v, int real) {
  char num[40], *t;
  int n;
  if (!real && v == (double)(long long)v && v > -9e15 && v < 9e15) {
    t = int_text(num, (long long)v);
    caw_bulk_buf_add(j, t, (size_t)(num + 23 - t));
    return;
  }
  n = snprintf(num, sizeof num, "%.17g", v);
  if (!strpbrk(num, ".eEni")) n += snprintf(num + n, sizeof num - (size_t)n, ".0");
  caw_bulk_buf_add(j, num, (size_t)n);
}

/* The JSON of what merged rows add, {"ids":[..],"codes":[..],"urls":[..]},
   into the writing side's buffer j (emptied first; its text holds until
   the next call): the text, or NULL when out of memory. */
static const char *more_json(caw_bulk_buf *j, const event *e) {
  size_t i;
  j->n = 0;
  caw_bulk_buf_add(j, "{\"ids\":[", 8);
  for (i = 0; i < e->refs.n; i++) {
    if (i) caw_bulk_buf_add(j, ",", 1);
    jb_ref(j, e->refs.v[i]);
  }
  caw_bulk_buf_add(j, "]", 1);
  if (e->codes.n > 1) {
    caw_bulk_buf_add(j, ",\"codes\":[", 10);
    for (i = 0; i < e->codes.n; i++) {
      if (i) caw_bulk_buf_add(j, ",", 1);
      caw_bulk_buf_json(j, e->codes.v[i]);
    }
    caw_bulk_buf_add(j, "]", 1);
  }
  if (e->urls.n > 0) {
    caw_bulk_buf_add(j, ",\"urls\":[", 9);
    for (i = 0; i < e->urls.n; i++) {
      if (i) caw_bulk_buf_add(j, ",", 1);
      caw_bulk_buf_json(j, e->urls.v[i]);
    }
    caw_bulk_buf_add(j, "]", 1);
  }
  caw_bulk_buf_add(j, "}", 1);
  return j->bad ? NULL : j->p;
}

/* An event's attrs: the first row's, then the sums and the mean (of all
   its rows when merged; as the first row writes them when not), into the
   writing side's buffer j as more_json does. */
static const char *event_attrs(const caw_bulk *b, caw_bulk_buf *j,
                               const event *e) {
  size_t i, n = e->attrs ? strlen(e->attrs) : 0;
  int any = 0;
  j->n = 0;
  if (n >= 2 && e->attrs[n - 1] == '}') {
    caw_bulk_buf_add(j, e->attrs, n - 1);
    any = n > 2;
  } else
    caw_bulk_buf_add(j, "{", 1);
  for (i = 0; i < b->o.n_sums; i++) {
    if (!e->has_sums[i]) continue;
    if (any) caw_bulk_buf_add(j, ",", 1);
    any = 1;
    caw_bulk_buf_add(j, b->sum_keys[i], strlen(b->sum_keys[i]));
    if (!e->merged && e->sum_texts[i]) caw_bulk_buf_add(j, e->sum_texts[i], strlen(e->sum_texts[i]));
    else jb_num(j, e->sums[i], 0);
  }
  if (b->mean_name && (e->merged ? e->weight > 0 : e->has_mean)) {
    if (any) caw_bulk_buf_add(j, ",", 1);
    caw_bulk_buf_add(j, b->mean_key, strlen(b->mean_key));
    if (!e->merged && e->mean_text) caw_bulk_buf_add(j, e->mean_text, strlen(e->mean_text));
    else jb_num(j, e->merged ? e->mean_sum / e->weight : e->mean, 1);
  }
  caw_bulk_buf_add(j, "}", 1);
  return j->bad ? NULL : j->p;
}

/* The dedup tag of key on day, "source:key@YYYYMMDD", into tag (cap
   bytes, at least 65): 1, or 0 when it would be longer than 64 bytes
   (the event then has none). */
static int make_tag(char *tag, size_t cap, const char *source,
                    const char *key, int64_t day) {
  size_t sl = strlen(source), kl = strlen(key);
  int64_t y;
  int m, d;
  char *p = tag;
  caw_date_civil(day, &y, &m, &d);
  if (y < 0 || y > 9999) /* not four digits: as printf writes them */
    return snprintf(tag, cap, "%s:%s@%04lld%02d%02d", source, key,
                    (long long)y, m, d) <= 64;
  if (sl + kl + 10 > 64) return 0;
  memcpy(p, source, sl);
  p += sl;
  *p++ = ':';
  memcpy(p, key, kl);
  p += kl;
  *p++ = '@';
  *p++ = (char)('0' + y / 1000);
  *p++ = (char)('0' + y / 100 % 10);
  *p++ = (char)('0' + y / 10 % 10);
  *p++ = (char)('0' + y % 10);
  *p++ = (char)('0' + m / 10);
  *p++ = (char)('0' + m % 10);
  *p++ = (char)('0' + d / 10);
  *p++ = (char)('0' + d % 10);
  *p = '\0';
  return 1;
}

/* Store one event: 1 when added, 0 when an event with its ref was there
   already (kept as it is), or an error status (wfail) negated. */
static int put_row(caw_bulk *b, const event *e) {
  const char *more = NULL, *attrs = NULL;
  char tag[192], id[256], err[CAW_ERRMAX];
  caw_coded c;
  caw_status rc;
  int found = 0, added = 0, res;
  if (b->legacy) { /* stored as a curated event by a caw before schema 2 */
    snprintf(id, sizeof id, "%s:%s", b->source, e->ref);
    if ((rc = caw_store_event_exists(b->st, id, &found, err, sizeof err)))
      return -(int)wfail(b, rc, err);
    if (found) return 0;
  }
  if ((e->merged && !(more = more_json(&b->wmore, e))) ||
      ((e->attrs || b->o.n_sums || b->mean_name) &&
       !(attrs = event_attrs(b, &b->wattrs, e)))) {
    res = -(int)wfail(b, CAW_ENOMEM, NULL);
    goto done;
  }
  memset(&c, 0, sizeof c);
  c.source = b->source;
  c.ref = e->ref;
  c.day = e->day;
  c.type = e->type;
  c.code = e->code;
  c.scheme = b->scheme;
  c.scale = e->scale;
  c.has_scale = e->has_scale;
  c.actor1 = e->a1 ? e->a1->code : NULL;
  c.actor2 = e->a2 ? e->a2->code : NULL;
  c.location = e->location;
  c.title = e->title;
  c.url = e->url;
  c.confidence = b->o.confidence;
  if (e->key && make_tag(tag, sizeof tag, b->source, e->key, e->day))
    c.tag = tag;
  c.rows = e->rows;
  c.attrs = attrs && strcmp(attrs, "{}") != 0 ? attrs : NULL;
  c.more = more;
  c.batch = b->o.batch;
  if ((rc = caw_store_coded_put(b->st, &c, &added, err, sizeof err)) != CAW_OK) {
    res = -(int)wfail(b, rc, err);
    goto done;
  }
  res = added;
done:
  return res; /* the texts stay in the writing side's buffers */
}

/* Set member k of object o to the number v. */
static int json_set_num(cJSON *o, const char *k, double v) {
  cJSON *x = cJSON_GetObjectItem(o, k);
  if (x && cJSON_IsNumber(x)) {
    cJSON_SetNumberValue(x, v);
    return 1;
  }
  cJSON_DeleteItemFromObject(o, k);
  return cJSON_AddNumberToObject(o, k, v) != NULL;
}

/* Set member k of o to the number v written as a real (0.0, not 0), as
   the first row's value was: readers see the same type whatever merged. */
static int json_set_real(cJSON *o, const char *k, double v) {
  char num[40];
  int n = snprintf(num, sizeof num, "%.17g", v);
  if (!strpbrk(num, ".eEni")) snprintf(num + n, sizeof num - (size_t)n, ".0");
  cJSON_DeleteItemFromObject(o, k);
  return cJSON_AddRawToObject(o, k, num) != NULL;
}

/* Fold row r into the stored event r->owner: 0 when it is the event's own
   first row or was merged already (a re-import), 1 when it joined now,
   or an error status negated. */
static int merge_row(caw_bulk *b, const mrow *r) {
  caw_coded_stored old;
  cJSON *more = NULL, *attrs = NULL, *ids, *codes, *urls, *x;
  double w0 = 1, w1 = 1, m0 = 0;
  int res = 0;
  size_t i;
  char *text = NULL, *atext = NULL, err[CAW_ERRMAX];
  caw_status rc;
  memset(&old, 0, sizeof old);
  if (strcmp(r->owner, r->ref) == 0) return 0;
  rc = caw_store_coded_get(b->st, b->source, r->owner, &old, err, sizeof err);
  if (rc == CAW_ENOENT) {
    snprintf(err, sizeof err, "%s: event %s:%s vanished during the import",
             b->file, b->source, r->owner);
    return -(int)wfail(b, CAW_EINTERNAL, err);
  }
  if (rc != CAW_OK) return -(int)wfail(b, rc, err);
  more = old.more ? cJSON_Parse(old.more) : NULL;
  if (!more) more = cJSON_CreateObject();
  attrs = old.attrs ? cJSON_Parse(old.attrs) : NULL;
  if (!attrs) attrs = cJSON_CreateObject();
  if (!more || !attrs) goto nomem;
  if (!(ids = cJSON_GetObjectItem(more, "ids")))
    ids = cJSON_AddArrayToObject(more, "ids");
  if (json_has_ref(ids, r->ref)) goto done; /* merged before */
  cJSON_AddItemToArray(ids, ref_json(r->ref));
  if (old.code && strcmp(r->code, old.code) != 0) {
    if (!(codes = cJSON_GetObjectItem(more, "codes"))) {
      codes = cJSON_AddArrayToObject(more, "codes");
      cJSON_AddItemToArray(codes, cJSON_CreateString(old.code));
    }
    if (!json_has_str(codes, r->code))
      cJSON_AddItemToArray(codes, cJSON_CreateString(r->code));
  }
  if (r->url && !(old.url && strcmp(old.url, r->url) == 0)) {
    if (!(urls = cJSON_GetObjectItem(more, "urls")))
      urls = cJSON_AddArrayToObject(more, "urls");
    if (!json_has_str(urls, r->url))
      cJSON_AddItemToArray(urls, cJSON_CreateString(r->url));
  }
  /* the sums add up; the mean is weighted by the first sum (>= 1) */
  if (b->o.n_sums && (x = cJSON_GetObjectItem(attrs, b->sum_names[0])) &&
      cJSON_IsNumber(x))
    m0 = x->valuedouble;
  for (i = 0; i < b->o.n_sums; i++) {
    if (!r->has_sums[i]) continue;
    x = cJSON_GetObjectItem(attrs, b->sum_names[i]);
    if (!json_set_num(attrs, b->sum_names[i],
                      (x && cJSON_IsNumber(x) ? x->valuedouble : 0) + r->sums[i]))
      goto nomem;
  }
  if (b->mean_name && r->has_mean) {
    x = cJSON_GetObjectItem(attrs, b->mean_name);
    if (x && cJSON_IsNumber(x)) {
      w0 = m0 > 1 ? m0 : 1;
      w1 = b->o.n_sums && r->has_sums[0] && r->sums[0] > 1 ? r->sums[0] : 1;
      if (!json_set_real(attrs, b->mean_name,
                         (x->valuedouble * w0 + r->mean * w1) / (w0 + w1)))
        goto nomem;
    } else if (!json_set_real(attrs, b->mean_name, r->mean))
      goto nomem;
  }
  if (!(text = cJSON_PrintUnformatted(more)) ||
      !(atext = cJSON_PrintUnformatted(attrs)))
    goto nomem;
  if ((rc = caw_store_coded_update(b->st, old.id, old.rows + 1, atext, text,
                                   err, sizeof err)) != CAW_OK) {
    res = -(int)wfail(b, rc, err);
    goto done;
  }
  res = 1;
  if (old.batch != b->o.batch) { /* updated counts stored events that gained rows */
    hent *h = hm_put(&b->updated, r->owner, strlen(r->owner));
    if (!h) goto nomem;
    if (!h->num) {
      h->num = 1;
      b->n.updated++;
    }
  }
  goto done;
nomem:
  res = -(int)wfail(b, CAW_ENOMEM, NULL);
done:
  cJSON_Delete(more);
  cJSON_Delete(attrs);
  cJSON_free(text);
  cJSON_free(atext);
  free(old.buf);
  return res;
}

/* Carry out one message; < 0 on an error (wfail). */
static int run_msg(caw_bulk *b, wmsg *m) {
  int rc;
  if (m->op == M_PUT) {
    if ((rc = put_row(b, m->e)) < 0) return rc;
    if (rc) b->w_added++;
    else b->w_unchanged++;
    return 0;
  }
  return merge_row(b, &m->r) < 0 ? -1 : 0;
}

/* Hand the n events in done back to the reading side (under mu); those
   that do not fit are freed here. */
static void give_back(caw_bulk *b, event **done, size_t n) {
  size_t i = 0;
  event **v;
  pthread_mutex_lock(&b->mu);
  if ((v = b->nspent + n <= b->capspent
               ? b->spent
               : realloc(b->spent, (b->nspent + n + 1024) * sizeof *v))) {
    if (v != b->spent) b->capspent = b->nspent + n + 1024;
    b->spent = v;
    for (; i < n; i++) b->spent[b->nspent++] = done[i];
  }
  pthread_mutex_unlock(&b->mu);
  for (; i < n; i++) free_event(done[i]);
}

static void *writer_main(void *arg) {
  caw_bulk *b = arg;
  wmsg batch[64];
  event *done[64];
  size_t n, i, ndone;
  int skip, full;
  for (;;) {
    pthread_mutex_lock(&b->mu);
    while (b->rcount == 0 && !b->stop) {
      b->busy = 0;
      pthread_cond_broadcast(&b->idle);
      pthread_cond_wait(&b->more, &b->mu);
    }
    if (b->rcount == 0 || b->abandon) {
      b->busy = 0;
      pthread_cond_broadcast(&b->idle);
      pthread_mutex_unlock(&b->mu);
      return NULL;
    }
    b->busy = 1;
    full = b->rcount == RING;
    for (n = 0; b->rcount && n < sizeof batch / sizeof *batch; n++) {
      batch[n] = b->ring[b->rhead];
      memset(&b->ring[b->rhead], 0, sizeof *b->ring);
      b->rhead = (b->rhead + 1) % RING;
      b->rcount--;
    }
    if (full) pthread_cond_signal(&b->room); /* the reader waits only then */
    skip = b->failed || b->abandon;
    pthread_mutex_unlock(&b->mu);
    for (ndone = 0, i = 0; i < n; i++) {
      if (!skip && run_msg(b, &batch[i]) < 0) {
        skip = 1;
        pthread_mutex_lock(&b->mu);
        b->failed = 1; /* werr is set, and stays as it is from here */
        pthread_cond_broadcast(&b->room);
        pthread_cond_broadcast(&b->idle);
        pthread_mutex_unlock(&b->mu);
      }
      if (batch[i].e) {
        done[ndone++] = batch[i].e;
        batch[i].e = NULL;
      }
      free_msg(&batch[i]);
    }
    if (ndone) give_back(b, done, ndone);
  }
}

/* Start the writing side on its own thread; 0 when it cannot (the load
   then writes as it goes). Signals (a --timeout alarm) stay with the
   caller's thread. */
static int writer_start(caw_bulk *b) {
  sigset_t all, old;
  int rc;
  if (pthread_mutex_init(&b->mu, NULL) != 0) return 0;
  if (pthread_cond_init(&b->more, NULL) != 0) {
    pthread_mutex_destroy(&b->mu);
    return 0;
  }
  pthread_cond_init(&b->room, NULL);
  pthread_cond_init(&b->idle, NULL);
  b->sync_ready = 1;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  rc = pthread_create(&b->thread, NULL, writer_main, b);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  b->threaded = rc == 0;
  return b->threaded;
}

/* Stop the writing side: when it has written everything, or at once
   (abandon: the load failed; the transaction is undone). */
static void writer_stop(caw_bulk *b, int abandon) {
  if (!b->threaded) return;
  pthread_mutex_lock(&b->mu);
  b->stop = 1;
  if (abandon) b->abandon = 1;
  pthread_cond_broadcast(&b->more);
  pthread_mutex_unlock(&b->mu);
  pthread_join(b->thread, NULL);
  b->threaded = 0;
}

/* Hand m over (what it holds is the writing side's from here); without a
   writer thread, carry it out now. */
static caw_status send_msg(caw_bulk *b, wmsg *m, char *err, size_t n) {
  int failed;
  if (!b->threaded) {
    int rc = run_msg(b, m);
    free_msg(m);
    return rc < 0 ? werr_out(b, err, n) : CAW_OK;
  }
  pthread_mutex_lock(&b->mu);
  while (b->rcount == RING && !b->failed) pthread_cond_wait(&b->room, &b->mu);
  failed = b->failed;
  if (!failed) {
    b->ring[(b->rhead + b->rcount) % RING] = *m;
    /* the writer waits only on an empty ring: wake it once a batch is
       there (drain and stop wake it for less) */
    if (++b->rcount == WAKE) pthread_cond_signal(&b->more);
  }
  if (b->nspent >= WAKE && b->nrspent == 0) { /* take the written events */
    event **v = b->rspent;
    size_t cap = b->caprspent;
    b->rspent = b->spent;
    b->nrspent = b->nspent;
    b->caprspent = b->capspent;
    b->spent = v;
    b->nspent = 0;
    b->capspent = cap;
  }
  pthread_mutex_unlock(&b->mu);
  if (b->nrspent) { /* freed by the thread that took them */
    size_t i;
    for (i = 0; i < b->nrspent; i++) free_event(b->rspent[i]);
    b->nrspent = 0;
  }
  if (failed) {
    free_msg(m);
    return werr_out(b, err, n);
  }
  return CAW_OK;
}

caw_status caw_bulk_drain(caw_bulk *b, char *err, size_t n) {
  int failed;
  if (!b->threaded) return b->werr_status ? werr_out(b, err, n) : CAW_OK;
  pthread_mutex_lock(&b->mu);
  pthread_cond_signal(&b->more);
  while ((b->rcount || b->busy) && !b->failed) pthread_cond_wait(&b->idle, &b->mu);
  failed = b->failed;
  pthread_mutex_unlock(&b->mu);
  return failed ? werr_out(b, err, n) : CAW_OK;
}

/* ---- the reading side ---- */

/* Define a (new) actor in the registry before its first event is
   written. */
static caw_status define(caw_bulk *b, const actor *ca, char *err, size_t n) {
  actor *a = (actor *)ca;
  caw_status rc;
  if (!a || a->defined) return CAW_OK;
  if ((rc = caw_bulk_drain(b, err, n)) != CAW_OK) return rc; /* one writer */
  if ((rc = caw_store_put_actor(b->st, a->code, a->name, a->kind, NULL, err,
                                n)) != CAW_OK)
    return rc;
  a->defined = 1;
  return CAW_OK;
}

/* Write the event in *slot: forget it as an open event and hand it to
   the writing side. *slot keeps owning it until the handover. */
static caw_status write_event(caw_bulk *b, event **slot, char *err,
                              size_t n) {
  event *e = *slot;
  wmsg m;
  size_t i;
  kent *ke;
  caw_status rc;
  if ((ke = e->ke)) { /* from open to stored under its key */
    for (i = 0; i < ke->open.n; i++)
      if (ke->open.v[i].ptr == e) {
        ke->open.v[i] = ke->open.v[--ke->open.n];
        break;
      }
    if (b->o.lookback > 0) {
      dayent *d = dl_put(&ke->stored, e->day);
      char *ref = strdup(e->ref);
      if (!d || !ref) {
        free(ref);
        return oom(err, n);
      }
      free(d->ptr);
      d->ptr = ref;
    }
    e->ke = NULL;
    if (ke->open.n == 0 && ke->stored.n == 0) {
      hent *h = hm_find(&b->keys, e->key, strlen(e->key));
      free_kent(ke);
      if (h) hm_unlink(&b->keys, h);
    }
  }
  for (i = 0; i < e->nureg; i++) hm_unlink(&b->by_url, e->ureg[i]);
  e->nureg = 0;
  if ((rc = define(b, e->a1, err, n)) != CAW_OK ||
      (rc = define(b, e->a2, err, n)) != CAW_OK)
    return rc;
  memset(&m, 0, sizeof m);
  m.op = M_PUT;
  m.e = e;
  *slot = NULL;
  return send_msg(b, &m, err, n);
}

static int older_than(hent *e, int64_t limit) { return e->day < limit; }

/* A key's stored refs older than limit go; true when nothing is left. */
static int key_older_than(hent *e, int64_t limit) {
  kent *k = e->ptr;
  size_t i, n = 0;
  for (i = 0; i < k->stored.n; i++) {
    if (k->stored.v[i].day >= limit) k->stored.v[n++] = k->stored.v[i];
    else free(k->stored.v[i].ptr);
  }
  k->stored.n = n;
  return n == 0 && k->open.n == 0;
}

/* Write the events that left the window (or the oldest, past max_open),
   from the head of the queue, in the order they were opened. Forget
   stored events more than lookback days behind the newest row. */
static caw_status sweep(caw_bulk *b, int all, char *err, size_t n) {
  size_t i, left;
  int64_t limit = b->newest - b->o.window;
  int64_t excess = (int64_t)b->nq - b->o.max_open;
  caw_status rc = CAW_OK;
  for (i = 0; i < b->nq; i++) {
    event *e = b->queue[i];
    if (!(all || e->alone || e->day < limit || (int64_t)i < excess)) break;
    if ((rc = write_event(b, &b->queue[i], err, n)) != CAW_OK) break;
  }
  left = b->nq - i;
  if (i > 0) {
    /* slots before i were handed over (NULL) unless the handover failed */
    size_t j, kept = 0;
    for (j = 0; j < i; j++)
      if (b->queue[j]) b->queue[kept++] = b->queue[j];
    memmove(b->queue + kept, b->queue + i, left * sizeof *b->queue);
    b->nq = kept + left;
    memset(b->queue + b->nq, 0, (i - kept) * sizeof *b->queue);
  }
  if (rc != CAW_OK) return rc;
  /* the stored keys are swept now and then: old entries only cost memory */
  if (!all && b->has_newest && ++b->sweeps % 16 == 0) {
    hm_sweep(&b->keys, key_older_than, b->newest - b->o.lookback, free_kent);
    hm_sweep(&b->loaded, older_than, b->newest - b->o.lookback, NULL);
    hm_sweep(&b->seen, older_than, b->newest - b->o.lookback, free);
  }
  return CAW_OK;
}

static caw_status remember(caw_bulk *b, const char *ref, const char *owner,
                           int64_t day) {
  hent *h = hm_put(&b->seen, ref, strlen(ref));
  char *o;
  if (!h || !(o = strdup(owner))) return CAW_ENOMEM;
  free(h->ptr);
  h->ptr = o;
  h->day = day;
  return CAW_OK;
}

typedef struct loadctx {
  caw_bulk *b;
  int64_t day;
} loadctx;

/* One stored event of a loaded day: its rows' refs and its dedup key. */
static caw_status loaded_event(void *arg, const char *ref, const char *tag,
                               const char *ids) {
  loadctx *x = arg;
  caw_bulk *b = x->b;
  size_t sl = strlen(b->source);
  const char *at = tag ? strrchr(tag, '@') : NULL;
  int n;
  if (remember(b, ref, ref, x->day) != CAW_OK) return CAW_ENOMEM;
  if (ids) {
    cJSON *a = cJSON_Parse(ids), *i;
    caw_status rc = CAW_OK;
    char num[32];
    cJSON_ArrayForEach(i, a) {
      if (rc != CAW_OK) break;
      if (cJSON_IsNumber(i)) {
        snprintf(num, sizeof num, "%lld", (long long)i->valuedouble);
        rc = remember(b, num, ref, x->day);
      } else if (cJSON_IsString(i))
        rc = remember(b, i->valuestring, ref, x->day);
    }
    cJSON_Delete(a);
    if (rc != CAW_OK) return rc;
  }
  if (!tag || strncmp(tag, b->source, sl) != 0 || tag[sl] != ':' || !at ||
      at - tag - (long)sl - 1 <= 0)
    return CAW_OK;
  n = snprintf(b->buf, sizeof b->buf, "%.*s", (int)(at - tag - (long)sl - 1),
               tag + sl + 1);
  if (n <= 0 || (size_t)n >= sizeof b->buf) return CAW_OK;
  {
    kent *k = kent_of(&b->keys, b->buf, 1);
    dayent *de = k ? dl_put(&k->stored, x->day) : NULL;
    char *r = strdup(ref);
    if (!de || !r) {
      free(r);
      return CAW_ENOMEM;
    }
    free(de->ptr);
    de->ptr = r;
  }
  return CAW_OK;
}

/* With events of the source stored before: load those of the days
   around day, their dedup keys and the refs of their rows. */
static caw_status ensure_loaded(caw_bulk *b, int64_t day, char *err,
                                size_t n) {
  int64_t d;
  hent *h;
  caw_status rc;
  loadctx x;
  x.b = b;
  for (d = day - b->o.days; d <= day + b->o.days; d++) {
    char dk[32];
    int dn = snprintf(dk, sizeof dk, "%lld", (long long)d);
    if (hm_find(&b->loaded, dk, (size_t)dn)) continue;
    x.day = d;
    rc = caw_store_coded_day(b->st, b->source, d, loaded_event, &x, err, n);
    if (rc != CAW_OK) return rc;
    if (!(h = hm_put(&b->loaded, dk, (size_t)dn))) return oom(err, n);
    h->day = d;
  }
  return CAW_OK;
}

/* The ref of the stored event holding row ref, or NULL (*owner): among
   the loaded days, else the event whose first row it is. */
static caw_status owner_of(caw_bulk *b, const char *ref, const char **owner,
                           char *err, size_t n) {
  hent *h = hm_find(&b->seen, ref, strlen(ref));
  caw_status rc;
  int found;
  *owner = NULL;
  if (h) {
    *owner = h->ptr;
    return CAW_OK;
  }
  if ((rc = caw_store_coded_has(b->st, b->source, ref, &found, err, n)))
    return rc;
  if (found) *owner = ref;
  return CAW_OK;
}

/* Fold one more row into an open event. */
static caw_status merge_open(const caw_bulk *b, event *e,
                             const caw_bulk_row *r) {
  size_t i;
  double w;
  if (strcmp(r->ref, e->ref) == 0 || strv_has(&e->refs, r->ref)) return CAW_OK;
  if (!e->merged) { /* a second row: start the lists */
    e->merged = 1;
    w = b->o.n_sums && e->has_sums[0] && e->sums[0] > 1 ? e->sums[0] : 1;
    e->mean_sum = e->has_mean ? e->mean * w : 0;
    e->weight = e->has_mean ? w : 0;
    if (!strv_add(&e->codes, e->code)) return CAW_ENOMEM;
  }
  if (!strv_add(&e->refs, r->ref)) return CAW_ENOMEM;
  e->rows++;
  if (r->has_mean) {
    w = b->o.n_sums && r->has_sums[0] && r->sums[0] > 1 ? r->sums[0] : 1;
    e->mean_sum += r->mean * w;
    e->weight += w;
  }
  for (i = 0; i < b->o.n_sums; i++) { /* a sum counts once any row has it */
    e->sums[i] = (e->has_sums[i] ? e->sums[i] : 0) + (r->has_sums[i] ? r->sums[i] : 0);
    e->has_sums[i] = 1;
  }
  if (!strv_has(&e->codes, r->code) && !strv_add(&e->codes, r->code))
    return CAW_ENOMEM;
  if (r->url && !(e->url && strcmp(e->url, r->url) == 0) &&
      !strv_has(&e->urls, r->url) && !strv_add(&e->urls, r->url))
    return CAW_ENOMEM;
  return CAW_OK;
}

/* The memo entry of a row's actor, checked (once) against the store's
   rules: NULL for none; *rc set on a bad one. */
static const actor *actor_of(caw_bulk *b, const caw_bulk_row *r,
                             const char *code, const char *name,
                             const char *kind, caw_status *rc, char *err,
                             size_t n) {
  size_t len;
  hent *h;
  actor *a;
  int found = 0;
  *rc = CAW_OK;
  if (!code) return NULL;
  len = strlen(code);
  if ((h = hm_find(&b->actors, code, len))) return h->ptr;
  if (!caw_actor_code_ok(code)) {
    fmt(err, n, "%s:%lld: bad actor code '%.40s' (use up to 32 of A-Z 0-9 _ - . +)",
        b->file, r->line, code);
    *rc = CAW_EINVAL;
    return NULL;
  }
  if ((*rc = caw_bulk_drain(b, err, n)) != CAW_OK) return NULL;
  if ((*rc = caw_store_actor_exists(b->st, code, &found, err, n)) != CAW_OK)
    return NULL;
  if (!found && !(name && *name && caw_vocab_has(caw_actor_kinds, kind))) {
    if (!kind || !caw_vocab_has(caw_actor_kinds, kind))
      fmt(err, n, "%s:%lld: actor '%s' has kind '%.40s': not an actor kind"
          " (expected one of: state, organisation, bloc, company, person,"
          " group)", b->file, r->line, code, kind ? kind : "(none)");
    else
      fmt(err, n, "%s:%lld: actor '%s' is not in the registry and has no name",
          b->file, r->line, code);
    *rc = CAW_EINVAL;
    return NULL;
  }
  if (kind && !caw_vocab_has(caw_actor_kinds, kind)) {
    fmt(err, n, "%s:%lld: actor '%s' has kind '%.40s': not an actor kind"
        " (expected one of: state, organisation, bloc, company, person,"
        " group)", b->file, r->line, code, kind);
    *rc = CAW_EINVAL;
    return NULL;
  }
  if (!(a = calloc(1, sizeof *a)) || !(a->code = strdup(code)) ||
      (name && !(a->name = strdup(name))) || (kind && !(a->kind = strdup(kind))) ||
      !(h = hm_put(&b->actors, code, len))) {
    free_actor(a);
    *rc = oom(err, n);
    return NULL;
  }
  a->defined = found;
  h->ptr = a;
  return a;
}

/* Join the n strings of parts into out (cap bytes): the length, or -1
   when they do not fit. */
static int join(char *out, size_t cap, const char *const *parts, size_t n) {
  size_t len = 0, l, i;
  for (i = 0; i < n; i++) {
    l = strlen(parts[i]);
    if (len + l + 1 > cap) return -1;
    memcpy(out + len, parts[i], l);
    len += l;
  }
  out[len] = '\0';
  return (int)len;
}

static int url_key(caw_bulk *b, const char *url, const char *tkey) {
  const char *parts[3];
  parts[0] = url;
  parts[1] = "\x1f";
  parts[2] = tkey;
  return join(b->buf, sizeof b->buf, parts, 3);
}

/* Register by_url entry h as leading to e (the entry is e's until e is
   written). */
static int ureg_add(event *e, hent *h) {
  hent **v = grow(e->ureg, e->nureg, &e->capureg, sizeof *v, 2);
  if (!v) return 0;
  e->ureg = v;
  e->ureg[e->nureg++] = h;
  h->ptr = e;
  return 1;
}

static event *new_event(const caw_bulk_row *r, const actor *a1,
                        const actor *a2, const char *key, const char *tkey) {
  /* its strings live in one block after the event: one allocation */
  enum { NS = 9 + CAW_BULK_MAX_SUMS + 1 };
  const char *src[NS], *title = r->title, *attrs = r->attrs;
  char **dst[NS];
  size_t len[NS], total = 0, i;
  event *e;
  char *p;
  if (r->make && !r->make(r->ctx, &title, &attrs)) return NULL;
  if (!title) title = "";
  src[0] = r->ref; src[1] = r->type; src[2] = r->code; src[3] = title;
  src[4] = r->location && *r->location ? r->location : NULL;
  src[5] = r->url && *r->url ? r->url : NULL;
  src[6] = attrs; src[7] = key; src[8] = tkey;
  for (i = 0; i < CAW_BULK_MAX_SUMS; i++)
    src[9 + i] = r->has_sums[i] ? r->sum_texts[i] : NULL;
  src[9 + CAW_BULK_MAX_SUMS] = r->has_mean ? r->mean_text : NULL;
  for (i = 0; i < NS; i++) total += (len[i] = src[i] ? strlen(src[i]) + 1 : 0);
  if (!(e = calloc(1, sizeof *e + total))) return NULL;
  dst[0] = &e->ref; dst[1] = &e->type; dst[2] = &e->code; dst[3] = &e->title;
  dst[4] = &e->location; dst[5] = &e->url; dst[6] = &e->attrs;
  dst[7] = &e->key; dst[8] = &e->tkey;
  for (i = 0; i < CAW_BULK_MAX_SUMS; i++) dst[9 + i] = &e->sum_texts[i];
  dst[9 + CAW_BULK_MAX_SUMS] = &e->mean_text;
  for (p = e->strs, i = 0; i < NS; i++)
    if (src[i]) {
      memcpy(p, src[i], len[i]);
      *dst[i] = p;
      p += len[i];
    }
  e->day = r->day;
  e->rows = 1;
  e->line = r->line;
  e->a1 = a1;
  e->a2 = a2;
  e->has_scale = r->has_scale;
  e->scale = r->scale;
  memcpy(e->sums, r->sums, sizeof e->sums);
  memcpy(e->has_sums, r->has_sums, sizeof e->has_sums);
  e->mean = r->mean;
  e->has_mean = r->has_mean;
  return e;
}

static caw_status push_queue(caw_bulk *b, event *e, char *err, size_t n) {
  event **q = grow(b->queue, b->nq, &b->capq, sizeof *q, 1024);
  if (!q) {
    free_event(e);
    return oom(err, n);
  }
  b->queue = q;
  b->queue[b->nq++] = e;
  return CAW_OK;
}

/* A row for a stored event, to the writing side. */
static caw_status send_merge(caw_bulk *b, const char *owner,
                             const caw_bulk_row *r, char *err, size_t n) {
  size_t ol = strlen(owner) + 1, rl = strlen(r->ref) + 1,
         cl = strlen(r->code) + 1, ul = r->url && *r->url ? strlen(r->url) + 1 : 0;
  wmsg m;
  char *p;
  memset(&m, 0, sizeof m);
  m.op = M_MERGE;
  if (!(p = malloc(ol + rl + cl + ul))) return oom(err, n);
  m.r.owner = p;
  memcpy(p, owner, ol);
  m.r.ref = p + ol;
  memcpy(m.r.ref, r->ref, rl);
  m.r.code = m.r.ref + rl;
  memcpy(m.r.code, r->code, cl);
  if (ul) {
    m.r.url = m.r.code + cl;
    memcpy(m.r.url, r->url, ul);
  }
  memcpy(m.r.sums, r->sums, sizeof m.r.sums);
  memcpy(m.r.has_sums, r->has_sums, sizeof m.r.has_sums);
  m.r.mean = r->mean;
  m.r.has_mean = r->has_mean;
  return send_msg(b, &m, err, n);
}

static caw_status take_row(caw_bulk *b, const caw_bulk_row *r, char *err,
                           size_t n) {
  const actor *a1, *a2;
  const char *x, *y, *owner = NULL;
  char key[256], tkey[256];
  int has_key = 0, has_tkey = 0, k;
  event *e = NULL;
  kent *ke = NULL;
  hent *h;
  caw_status rc;
  if (!r->ref || !*r->ref || !r->code || (!r->title && !r->make) || !r->type) {
    fmt(err, n, "%s:%lld: a row needs ref, code, type and title", b->file,
        r->line);
    return CAW_EINVAL;
  }
  if (!caw_vocab_has(caw_event_types, r->type)) {
    fmt(err, n, "%s:%lld: type '%.40s' (code '%.20s') is not an event type"
        " (see docs/schema.md#vocabularies)", b->file, r->line, r->type,
        r->code);
    return CAW_EINVAL;
  }
  a1 = actor_of(b, r, r->actor1, r->name1, r->kind1, &rc, err, n);
  if (rc != CAW_OK) return rc;
  a2 = actor_of(b, r, r->actor2, r->name2, r->kind2, &rc, err, n);
  if (rc != CAW_OK) return rc;
  if (!b->has_newest || r->day > b->newest) { /* the newest day seen */
    b->newest = r->day;
    b->has_newest = 1;
  }
  if (b->prior) { /* a row stored before: a re-import */
    if ((rc = ensure_loaded(b, r->day, err, n)) != CAW_OK) return rc;
    if ((rc = owner_of(b, r->ref, &owner, err, n)) != CAW_OK) return rc;
    if (owner) {
      if (strcmp(owner, r->ref) == 0) b->n.unchanged++;
      else b->n.merged++;
      return CAW_OK;
    }
  }
  if (!b->o.dedup) {
    if (!(e = new_event(r, a1, a2, NULL, NULL))) return oom(err, n);
    if ((rc = push_queue(b, e, err, n)) != CAW_OK) return rc;
    e->alone = 1;
    return CAW_OK;
  }
  /* the dedup keys: key for the root rule, url + tkey for the url rule */
  x = r->key1 ? r->key1 : "";
  y = r->key2 ? r->key2 : "";
  if (!b->o.directed && strcmp(y, x) < 0) {
    const char *t = x;
    x = y;
    y = t;
  }
  if (r->key1 && r->key2) { /* the root rule needs both sides */
    const char *parts[5];
    parts[0] = x; parts[1] = "-"; parts[2] = y; parts[3] = ":";
    parts[4] = r->root ? r->root : r->code;
    has_key = join(key, sizeof key, parts, 5) >= 0;
  }
  if (b->o.use_url && r->url && *r->url && (r->key1 || r->key2)) {
    const char *parts[5];
    parts[0] = x; parts[1] = "-"; parts[2] = y; parts[3] = ":"; parts[4] = r->code;
    has_tkey = join(tkey, sizeof tkey, parts, 5) >= 0;
  }
  if (has_key && (ke = kent_of(&b->keys, key, 0))) {
    dayent *d = dl_find(&ke->open, r->day, b->o.days);
    if (d) e = d->ptr;
  }
  if (!e && has_tkey && (k = url_key(b, r->url, tkey)) > 0 &&
      (h = hm_find(&b->by_url, b->buf, (size_t)k)))
    e = h->ptr;
  if (!e && ke) { /* the stored event of key nearest to day, within days */
    dayent *d = dl_find(&ke->stored, r->day, b->o.days);
    const char *id = d ? d->ptr : NULL;
    if (id && strcmp(id, r->ref) == 0) {
      b->n.unchanged++;
      return CAW_OK;
    }
    if (id) { /* the writing side folds it in, after what it has before */
      if (b->prior && remember(b, r->ref, id, r->day) != CAW_OK)
        return oom(err, n);
      b->n.merged++;
      return send_merge(b, id, r, err, n);
    }
  }
  if (e) {
    if ((rc = merge_open(b, e, r)) != CAW_OK) return oom(err, n);
    if (strcmp(r->ref, e->ref) != 0) b->n.merged++;
    else b->n.unchanged++; /* the event's own first row, twice */
    if (has_tkey && (k = url_key(b, r->url, tkey)) > 0) {
      if (!(h = hm_put(&b->by_url, b->buf, (size_t)k))) return oom(err, n);
      if (!h->ptr && !ureg_add(e, h)) return oom(err, n);
    }
    return CAW_OK;
  }
  if (!(e = new_event(r, a1, a2, has_key ? key : NULL, has_tkey ? tkey : NULL)))
    return oom(err, n);
  if ((rc = push_queue(b, e, err, n)) != CAW_OK) return rc;
  if (!has_key && !has_tkey) { /* nothing to merge on */
    e->alone = 1;
    return CAW_OK;
  }
  if (has_key) {
    dayent *d;
    if (!ke && !(ke = kent_of(&b->keys, key, 1))) return oom(err, n);
    if (!(d = dl_put(&ke->open, r->day))) return oom(err, n);
    d->ptr = e;
    e->ke = ke;
  }
  if (has_tkey && (k = url_key(b, r->url, tkey)) > 0) {
    if (!(h = hm_put(&b->by_url, b->buf, (size_t)k)) || !ureg_add(e, h))
      return oom(err, n);
  }
  return CAW_OK;
}

caw_status caw_bulk_add(caw_bulk *b, const caw_bulk_row *r, char *err,
                        size_t n) {
  caw_status rc;
  if (b->broken) {
    fmt(err, n, "%s: the load stopped at an earlier error", b->file);
    return CAW_EINTERNAL;
  }
  rc = take_row(b, r, err, n);
  if (rc == CAW_OK && ++b->rows % SWEEP_EVERY == 0) {
    if (b->o.dedup) rc = sweep(b, 0, err, n);
    else rc = sweep(b, 1, err, n);
  } else if (rc == CAW_OK && !b->o.dedup)
    rc = sweep(b, 1, err, n); /* nothing stays open */
  if (rc != CAW_OK && rc != CAW_EINVAL) b->broken = 1;
  return rc;
}

caw_status caw_bulk_finish(caw_bulk *b, caw_bulk_counts *counts, char *err,
                           size_t n) {
  caw_status rc;
  if (b->broken) {
    fmt(err, n, "%s: the load stopped at an earlier error", b->file);
    return CAW_EINTERNAL;
  }
  if ((rc = sweep(b, 1, err, n)) != CAW_OK) return rc;
  writer_stop(b, 0);
  if (b->werr_status) return werr_out(b, err, n);
  if ((rc = caw_store_coded_finish(b->st, err, n)) != CAW_OK) return rc;
  *counts = b->n;
  counts->added += b->w_added;
  counts->unchanged += b->w_unchanged;
  return CAW_OK;
}

static char *dup_opt(const char *s, int *bad) {
  char *d;
  if (!s) return NULL;
  if (!(d = strdup(s))) *bad = 1;
  return d;
}

caw_status caw_bulk_open(caw_store *st, const caw_bulk_opts *o,
                         caw_bulk **out, char *err, size_t n) {
  caw_bulk *b;
  caw_status rc;
  int had = 0, bad = 0;
  size_t i;
  *out = NULL;
  if (!o->source || !*o->source || strchr(o->source, ':')) {
    fmt(err, n, "bulk load: a source name is required (without ':')");
    return CAW_EINVAL;
  }
  if (!(o->confidence >= 0 && o->confidence <= 1)) {
    fmt(err, n, "bulk load: confidence must be from 0 to 1");
    return CAW_EINVAL;
  }
  if (o->days < 0 || o->days > 366 || o->window < 0 || o->max_open < 0 ||
      o->lookback < 0 || o->n_sums > CAW_BULK_MAX_SUMS) {
    fmt(err, n, "bulk load: days (0 to 366), window, max_open and lookback"
        " must be whole numbers >= 0; at most %d sums", CAW_BULK_MAX_SUMS);
    return CAW_EINVAL;
  }
  if (o->mean && !o->n_sums) {
    fmt(err, n, "bulk load: a mean needs a sum to weigh it by");
    return CAW_EINVAL;
  }
  if (caw_store_depth(st) == 0) {
    fmt(err, n, "bulk load: needs an open transaction");
    return CAW_EINTERNAL;
  }
  if (!(b = calloc(1, sizeof *b))) return oom(err, n);
  b->st = st;
  b->o = *o;
  b->source = dup_opt(o->source, &bad);
  b->scheme = dup_opt(o->scheme, &bad);
  b->file = dup_opt(o->file ? o->file : o->source, &bad);
  for (i = 0; i < o->n_sums; i++) b->sum_names[i] = dup_opt(o->sums[i], &bad);
  b->mean_name = dup_opt(o->mean, &bad);
  for (i = 0; i < o->n_sums && !bad; i++)
    bad = !(b->sum_keys[i] = json_key(b->sum_names[i]));
  if (b->mean_name && !bad) bad = !(b->mean_key = json_key(b->mean_name));
  if (bad) {
    caw_bulk_free(b);
    return oom(err, n);
  }
  if ((rc = caw_store_coded_begin(st, b->source, &had, err, n)) != CAW_OK ||
      (rc = caw_store_curated_prefix(st, b->source, &b->legacy, err, n))) {
    caw_bulk_free(b);
    return rc;
  }
  b->prior = had && o->dedup && o->across_files;
  /* With nothing of the source stored, the reading side needs nothing
     back from the table: the writing side gets a thread of its own. */
  if (!b->prior) writer_start(b);
  *out = b;
  return CAW_OK;
}

/*
** luagdelt.c -- `caw.gdelt.load`: the row engine of the GDELT importer
** (plugins/importers/gdelt.lua). The plugin owns the rules -- the dedup
** parameters, the mapping of CAMEO codes to caw types and labels, of
** actor codes to caw actors, the --where predicate -- and hands them over
** once per file as tables and functions; this file runs the per-row work
** those rules describe: split, validate, map, merge rows that report the
** same event, and write one row of the gdelt table per event.
**
** Why in C: an import is dominated by per-row work. Reading a row's 17
** fields into Lua strings alone costs about 40% of what a plain C loop
** needs to parse and insert the row (bench/gdelt_bench.sh), and the whole
** importer in Lua was 25 times that loop. Lua is called here only once
** per distinct CAMEO code and actor code (memoized), once per new actor,
** for a bad row, and per row only for a --where predicate.
**
** Two sides. The reading side (the Lua thread) splits, checks, maps and
** merges rows, and hands each finished event to the writing side, which
** builds its row (title, merged ids and URLs as JSON) and inserts it. On
** a load into an empty table the writing side runs on a thread of its own
** behind a ring of messages, so SQLite's work overlaps the parsing; the
** reading side then touches the database only after drain() (a rule
** callback may). Events are written in the order they were opened, which
** keeps the table's inserts appends.
**
** Everything a load allocates hangs off one userdata whose __gc frees it
** (stopping the writer thread first), and the row loop runs under
** lua_pcall, so an error raised from a callback (a bad row without
** --skip-bad, a timeout) or from SQLite leaks nothing and leaves no thread
** writing into a transaction being rolled back.
*/
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include <cjson/cJSON.h>

#include "caw/date.h"
#include "caw/dsv.h"
#include "caw/runtime.h"
#include "caw/sandbox.h"
#include "caw/store.h"

#define ENGINE_MT "caw.gdelt.engine"
#define PROGRESS_EVERY 4096 /* rows between progress calls and sweeps */

/* ---- a string-keyed hash map (chained; keys owned) ---- */

typedef struct hent {
  struct hent *next;
  uint64_t hash;
  void *ptr;   /* the value, for maps of pointers */
  int64_t num; /* the value, for maps of numbers */
  int64_t day; /* stored events: their day, for eviction */
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

/* The entry for key, made (zeroed) when missing; NULL when out of memory. */
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

static void hm_del(hmap *m, const char *key, size_t len) {
  hent *e = hm_find(m, key, len);
  if (e) hm_unlink(m, e);
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

/* ---- day lists: what a dedup key leads to, by day ---- */

typedef struct dayent {
  int64_t day;
  void *ptr;   /* an open event */
  int64_t num; /* a stored event's id */
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

/* What a dedup key leads to: its open events and the ids of its stored
   events, by day. One map lookup a row finds both. */
typedef struct kent {
  daylist open;   /* ptr: the open event */
  daylist stored; /* num: the stored event's id */
} kent;

static void free_kent(void *p) {
  kent *k = p;
  if (!k) return;
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

/* ---- what the rules give back, memoized ---- */

typedef struct actor { /* a caw actor a GDELT code maps to */
  char *code, *name, *kind;
  int defined; /* define() was called for it */
} actor;

typedef struct cameo { /* a CAMEO EventCode */
  int valid;
  char *type, *label;
} cameo;

static void free_actor(void *p) {
  actor *a = p;
  if (!a) return;
  free(a->code);
  free(a->name);
  free(a->kind);
  free(a);
}

static void free_cameo(void *p) {
  cameo *c = p;
  if (!c) return;
  free(c->type);
  free(c->label);
  free(c);
}

/* ---- open events ---- */

typedef struct strv {
  char **v;
  size_t n, cap;
} strv;

typedef struct event {
  int64_t id, day, rows;
  long long line;
  char sqldate[9];
  char *code, *place, *url, *a1code, *a1name, *a2code, *a2name, *key, *tkey;
  const char *geo;         /* owned by the fips map */
  const actor *a1, *a2;    /* owned by the actor memo */
  const cameo *cm;         /* its CAMEO code's type and label, ditto */
  struct kent *ke;         /* its dedup key's entry (keys), or NULL */
  int domestic, version, root;
  int alone;               /* merges with nothing: written at its turn */
  int has_quad, has_gold, has_nm, has_ns, has_na, has_tone;
  int64_t quad, nm, ns, na;
  double gold, tone, tone_sum, weight;
  int merged;              /* a second row joined: ids, codes, urls hold */
  int64_t *ids;
  size_t nids, capids;
  strv codes, urls;
  hent **ureg;             /* the by_url entries that lead here */
  size_t nureg, capureg;
  char strs[];             /* the strings above, one block with the event */
} event;

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

static void free_event(void *p) {
  event *e = p;
  if (!e) return;
  free(e->ids);
  strv_free(&e->codes);
  strv_free(&e->urls);
  free(e->ureg);
  free(e);
}

/* ---- the engine ---- */

/* What the reading side hands the writing side. */
enum { M_PUT = 1, M_MERGE };

typedef struct rowv { /* one row's values */
  int64_t gid, day, nm, ns, na;
  double tone;
  int has_nm, has_ns, has_na, has_tone;
  const char *url, *code;
  const cameo *cm; /* code's type and label */
} rowv;

typedef struct wmsg {
  int op;
  event *e;   /* M_PUT: the event, owned by the message */
  int64_t id; /* M_MERGE: the stored event a row joins */
  rowv r;     /* M_MERGE: the row; url and code point into strs */
  char *strs; /* M_MERGE: owned by the message */
} wmsg;

static void free_msg(wmsg *m) {
  free_event(m->e);
  free(m->strs);
  m->e = NULL;
  m->strs = NULL;
}

#define RING 4096 /* messages in flight between the two sides */
#define WAKE 256  /* messages that wake a waiting writer: fewer wake-ups */

/* Stack slots of load's arguments and what it keeps there. */
enum { A_PATH = 1, A_CFG, S_ACTOR, S_CAMEO, S_DEFINE, S_REJECT, S_PROGRESS,
       S_WHERE, S_VIEW, S_ENGINE };

typedef struct engine {
  caw_dsv *dsv;
  caw_store *st;
  hmap fips;    /* FIPS 10-4 -> ISO alpha-3 (ptr: the code) */
  hmap actors;  /* "C"cc / "O"code -> actor* (NULL: none) */
  hmap cameos;  /* EventCode -> cameo* */
  hmap keys;    /* dedup key -> kent: open events, stored ids */
  hmap by_url;  /* url "\x1f" tkey -> event* */
  hmap loaded;  /* day -> days loaded from the table */
  hmap seen;    /* GLOBALEVENTID -> id of the stored event that holds it,
                   for the loaded days (num), with its day */
  hmap updated; /* ids of stored events this file added rows to */
  event **queue;
  size_t nq, capq;
  int64_t newest;
  int has_newest;
  /* rules */
  int dedup, days, use_code, directed, use_url, across_files;
  int64_t window, max_open, lookback;
  double confidence;
  int64_t batch;
  int skip_bad, prior;
  /* counts */
  int64_t read, added, unchanged, merged, filtered, nupdated, sweeps;
  char buf[1024]; /* scratch for keys */
  int werr_code;           /* the writing side's first error (CAW_EXIT_*) */
  char werr[CAW_ERRMAX];
  /* The writing side runs on its own thread for a load into an empty
     table (the reading side then never reads the table): SQLite's work
     and the parsing and merging overlap. The ring is guarded by mu. */
  int threaded, sync_ready;
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t more, room, idle;
  wmsg ring[RING];
  size_t rhead, rcount;
  int stop, abandon, busy, failed;
  int64_t w_unchanged; /* the writing side's: read after it stopped */
  /* GDELT events a caw before schema 2 stored as full events: kept as
     they are; a row that would add one again counts as unchanged */
  int legacy;
  /* direct caches in front of the maps for the common shapes of codes:
     3-letter country codes, 2-character FIPS codes, 2-4 digit CAMEO */
  const actor *cc_val[26 * 26 * 26];
  unsigned char cc_known[26 * 26 * 26];
  const char *fips_val[36 * 36];
  const cameo *cameo_val[30000];
} engine;

static void writer_stop(engine *g, int abandon);

static void engine_free(engine *g) {
  size_t i;
  if (g->threaded) writer_stop(g, 1);
  for (i = 0; i < g->rcount; i++) free_msg(&g->ring[(g->rhead + i) % RING]);
  g->rcount = 0;
  if (g->sync_ready) {
    pthread_mutex_destroy(&g->mu);
    pthread_cond_destroy(&g->more);
    pthread_cond_destroy(&g->room);
    pthread_cond_destroy(&g->idle);
    g->sync_ready = 0;
  }
  caw_dsv_close(g->dsv);
  g->dsv = NULL;
  for (i = 0; i < g->nq; i++) free_event(g->queue[i]);
  free(g->queue);
  g->queue = NULL;
  g->nq = g->capq = 0;
  hm_free(&g->fips, free);
  hm_free(&g->actors, free_actor);
  hm_free(&g->cameos, free_cameo);
  hm_free(&g->keys, free_kent);
  hm_free(&g->by_url, NULL);
  hm_free(&g->loaded, NULL);
  hm_free(&g->seen, NULL);
  hm_free(&g->updated, NULL);
}

static int engine_gc(lua_State *L) {
  engine_free(luaL_checkudata(L, 1, ENGINE_MT));
  return 0;
}

static int oom(lua_State *L) {
  return caw_lua_fail(L, CAW_EXIT_SOFTWARE, "caw.gdelt: out of memory");
}

/* ---- small parsers, as Lua's tonumber would read a field ---- */

static int parse_int(const char *s, int64_t *out) {
  char *end;
  long long v;
  const char *p = s + (*s == '-');
  int64_t m = 0;
  if (!*s) return 0;
  if (*p && strspn(p, "0123456789") == strlen(p) && strlen(p) <= 18) {
    for (; *p; p++) m = m * 10 + (*p - '0');
    *out = *s == '-' ? -m : m;
    return 1;
  }
  errno = 0;
  v = strtoll(s, &end, 10);
  while (*end == ' ' || *end == '\t') end++;
  if (*end || errno) return 0;
  *out = v;
  return 1;
}

static int parse_num(const char *s, double *out) {
  /* exact powers of ten: m / 10^k with m < 2^53 is correctly rounded, the
     same double strtod gives */
  static const double p10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8,
                               1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  char *end;
  double v;
  const char *p = s + (*s == '-');
  uint64_t m = 0;
  int digits = 0, frac = -1;
  if (!*s) return 0;
  for (; *p; p++) {
    if (*p >= '0' && *p <= '9') {
      m = m * 10 + (uint64_t)(*p - '0');
      digits++;
      if (frac >= 0) frac++;
    } else if (*p == '.' && frac < 0) {
      frac = 0;
    } else
      break;
  }
  if (!*p && digits > 0 && digits <= 15 && p[-1] != '.') {
    v = (double)m / p10[frac > 0 ? frac : 0];
    *out = *s == '-' ? -v : v;
    return 1;
  }
  v = strtod(s, &end);
  while (*end == ' ' || *end == '\t') end++;
  if (*end || v != v) return 0;
  *out = v;
  return 1;
}

/* SQLDATE (YYYYMMDD) -> day number; 0 when it is not a date. */
static int parse_sqldate(const char *s, size_t len, int64_t *day) {
  int64_t y, yy;
  int m, d, mm, dd;
  size_t i;
  if (len != 8) return 0;
  for (i = 0; i < 8; i++)
    if (s[i] < '0' || s[i] > '9') return 0;
  y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  m = (s[4] - '0') * 10 + (s[5] - '0');
  d = (s[6] - '0') * 10 + (s[7] - '0');
  *day = caw_date_days(y, m, d);
  caw_date_civil(*day, &yy, &mm, &dd);
  return yy == y && mm == m && dd == d;
}

/* Lua's s:lower():gsub("(%a)([%w']*)", upper first): "NEW YORK" -> "New York" */
static char *titlecase(const char *s) {
  char *t = strdup(s), *p;
  int run = 0;
  if (!t) return NULL;
  for (p = t; *p; p++) {
    unsigned char c = (unsigned char)*p;
    int alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    int digit = c >= '0' && c <= '9';
    if (c >= 'A' && c <= 'Z') c = (unsigned char)(c - 'A' + 'a');
    if (run && (alpha || digit || c == '\'')) {
      *p = (char)c;
    } else if (alpha) {
      *p = (char)(c - 'a' + 'A');
      run = 1;
    } else {
      *p = (char)c;
      run = 0;
    }
  }
  return t;
}

/* ---- callbacks into the rules ---- */

static const char *opt_field(lua_State *L, int idx, const char *k) {
  const char *s;
  lua_pushstring(L, k);
  lua_rawget(L, idx < 0 ? idx - 1 : idx); /* no __index: the string must
                                             stay anchored in the table */
  s = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
  lua_pop(L, 1); /* the string stays alive in the table */
  return s;
}

/* The caw actor of a GDELT actor: by its country code cc, else (with a
   name) by its actor code; NULL when it maps to none. */
static const actor *actor_of(lua_State *L, engine *g, const char *code,
                             const char *gname, const char *cc) {
  const char *k = *cc ? cc : code;
  size_t len = strlen(k);
  hent *e;
  actor *a = NULL;
  int slot = -1;
  if (!*cc && (!*code || !*gname)) return NULL;
  if (len == 3 && cc == k && k[0] >= 'A' && k[0] <= 'Z' && k[1] >= 'A' &&
      k[1] <= 'Z' && k[2] >= 'A' && k[2] <= 'Z') {
    slot = (k[0] - 'A') * 676 + (k[1] - 'A') * 26 + (k[2] - 'A');
    if (g->cc_known[slot]) return g->cc_val[slot];
  }
  if (len + 2 > sizeof g->buf) return NULL;
  g->buf[0] = *cc ? 'C' : 'O';
  memcpy(g->buf + 1, k, len + 1);
  if ((e = hm_find(&g->actors, g->buf, len + 1))) {
    if (slot >= 0) {
      g->cc_val[slot] = e->ptr;
      g->cc_known[slot] = 1;
    }
    return e->ptr;
  }
  lua_pushvalue(L, S_ACTOR);
  lua_pushstring(L, *cc ? "country" : "code");
  lua_pushstring(L, k);
  lua_pushstring(L, gname);
  lua_call(L, 3, 1);
  if (lua_istable(L, -1)) {
    const char *c = opt_field(L, -1, "code"), *n = opt_field(L, -1, "name"),
               *kd = opt_field(L, -1, "kind");
    if (!c || !n || !kd)
      luaL_error(L, "caw.gdelt: the actor rule must give code, name and kind"
                    " (for '%s')", k);
    if (!(a = calloc(1, sizeof *a))) oom(L);
    a->code = strdup(c);
    a->name = strdup(n);
    a->kind = strdup(kd);
    if (!a->code || !a->name || !a->kind) {
      free_actor(a);
      oom(L);
    }
  }
  lua_pop(L, 1);
  if (!(e = hm_put(&g->actors, g->buf, len + 1))) {
    free_actor(a);
    oom(L);
  }
  e->ptr = a;
  return a;
}

static int cameo_slot(const char *code, size_t len) {
  int v = 0;
  size_t i;
  if (len < 2 || len > 4) return -1;
  for (i = 0; i < len; i++) {
    if (code[i] < '0' || code[i] > '9') return -1;
    v = v * 10 + (code[i] - '0');
  }
  return (int)(len - 2) * 10000 + v;
}

static const cameo *cameo_of(lua_State *L, engine *g, const char *code,
                             size_t len) {
  int slot = cameo_slot(code, len);
  hent *e;
  cameo *c;
  if (slot >= 0 && g->cameo_val[slot]) return g->cameo_val[slot];
  if ((e = hm_find(&g->cameos, code, len))) {
    if (slot >= 0) g->cameo_val[slot] = e->ptr;
    return e->ptr;
  }
  if (len > 8) { /* no CAMEO code is that long */
    static const cameo invalid = {0, NULL, NULL};
    return &invalid;
  }
  /* the rule first: it may raise (a timeout), and nothing is held yet */
  lua_pushvalue(L, S_CAMEO);
  lua_pushlstring(L, code, len);
  lua_call(L, 1, 2);
  if (lua_toboolean(L, -2) && (!lua_isstring(L, -2) || !lua_isstring(L, -1)))
    luaL_error(L, "caw.gdelt: the cameo rule must give a type and a label"
                  " (for '%s')", code);
  if (!(c = calloc(1, sizeof *c))) oom(L);
  if (lua_toboolean(L, -2)) {
    c->valid = 1;
    c->type = strdup(lua_tostring(L, -2));
    c->label = strdup(lua_tostring(L, -1));
    if (!c->type || !c->label) {
      free_cameo(c);
      oom(L);
    }
  }
  lua_pop(L, 2);
  if (!(e = hm_put(&g->cameos, code, len))) {
    free_cameo(c);
    oom(L);
  }
  e->ptr = c;
  return c;
}

/* A bad row: the rule's reject decides (it raises unless --skip-bad). */
static void reject(lua_State *L, long long line, const char *msg, int unread) {
  lua_pushvalue(L, S_REJECT);
  lua_pushinteger(L, (lua_Integer)line);
  lua_pushstring(L, msg);
  lua_pushboolean(L, unread);
  lua_call(L, 3, 0);
}

static void drain(lua_State *L, engine *g);

static void define(lua_State *L, engine *g, const actor *ca) {
  actor *a = (actor *)ca;
  if (!a || a->defined) return;
  a->defined = 1;
  drain(L, g); /* the rule reads and writes the actors table */
  lua_pushvalue(L, S_DEFINE);
  lua_createtable(L, 0, 3);
  lua_pushstring(L, a->code);
  lua_setfield(L, -2, "code");
  lua_pushstring(L, a->name);
  lua_setfield(L, -2, "name");
  lua_pushstring(L, a->kind);
  lua_setfield(L, -2, "kind");
  lua_call(L, 1, 0);
}

/* ---- writing ---- */

/* The strings bound stay alive until the statement has run. */
static void bind_text(sqlite3_stmt *s, int i, const char *v) {
  if (v) sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
}

/* Record an error of the writing side (SQLite, or out of memory); -1. */
static int wfail(engine *g, const char *what) {
  sqlite3 *db = caw_store_db(g->st);
  int rc = sqlite3_errcode(db) & 0xff;
  if (g->werr_code) return -1; /* the first error is the one to tell */
  if (!what) {
    g->werr_code = CAW_EXIT_SOFTWARE;
    snprintf(g->werr, sizeof g->werr, "caw.gdelt: out of memory");
    return -1;
  }
  g->werr_code = rc == SQLITE_BUSY ? CAW_EXIT_TEMPFAIL : CAW_EXIT_IOERR;
  snprintf(g->werr, sizeof g->werr, "%s: %s: %s", caw_store_path(g->st),
           what, sqlite3_errmsg(db));
  return -1;
}

/* Raise the writing side's error in Lua. */
static int raise_werr(lua_State *L, engine *g) {
  return caw_lua_fail(L, g->werr_code, "%s", g->werr);
}

static int store_fail(lua_State *L, engine *g, const char *what) {
  wfail(g, what);
  return raise_werr(L, g);
}


/* The JSON of what merged rows add: {"ids":[..],"codes":[..],"urls":[..]} */
static char *more_json(const event *e) {
  cJSON *o = cJSON_CreateObject(), *a;
  char *out;
  size_t i;
  if (!o) return NULL;
  a = cJSON_AddArrayToObject(o, "ids");
  for (i = 0; a && i < e->nids; i++)
    cJSON_AddItemToArray(a, cJSON_CreateNumber((double)e->ids[i]));
  if (e->codes.n > 1) {
    a = cJSON_AddArrayToObject(o, "codes");
    for (i = 0; a && i < e->codes.n; i++)
      cJSON_AddItemToArray(a, cJSON_CreateString(e->codes.v[i]));
  }
  if (e->urls.n > 0) {
    a = cJSON_AddArrayToObject(o, "urls");
    for (i = 0; a && i < e->urls.n; i++)
      cJSON_AddItemToArray(a, cJSON_CreateString(e->urls.v[i]));
  }
  out = cJSON_PrintUnformatted(o);
  cJSON_Delete(o);
  return out;
}

/* Store one event as a row of the gdelt table: 1 when added, 0 when an
   event with its id was there already (kept as it is), -1 on an error
   (wfail). Touches no Lua: the writer thread runs it. */
static int put_row(engine *g, const event *e) {
  sqlite3_stmt *s = caw_store_gdelt_stmt(g->st, CAW_GDELT_PUT), *q;
  const cameo *cm = e->cm;
  const char *n1 = NULL, *n2 = NULL;
  char *t1 = NULL, *t2 = NULL, *title = NULL, *more = NULL, tag[80];
  size_t tlen;
  int rc, bad = 0;
  if (!s) return wfail(g, "preparing the GDELT insert");
  if (g->legacy) {
    if (!(q = caw_store_gdelt_stmt(g->st, CAW_GDELT_IN_EVENTS)))
      return wfail(g, "looking up events");
    snprintf(tag, sizeof tag, "gdelt:%lld", (long long)e->id);
    sqlite3_bind_text(q, 1, tag, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(q);
    sqlite3_reset(q);
    if (rc == SQLITE_ROW) return 0;
    if (rc != SQLITE_DONE) return wfail(g, "looking up events");
  }
  if (e->merged && !(more = more_json(e))) bad = 1;
  if (e->domestic) { /* Police -> Protester, both of one country */
    n1 = *e->a1name ? (t1 = titlecase(e->a1name)) : e->a1->name;
    n2 = *e->a2name ? (t2 = titlecase(e->a2name)) : NULL;
    bad |= (*e->a1name && !t1) || (*e->a2name && !t2);
  } else {
    n1 = e->a1 ? e->a1->name : *e->a1name ? (t1 = titlecase(e->a1name)) : NULL;
    n2 = e->a2 ? e->a2->name : *e->a2name ? (t2 = titlecase(e->a2name)) : NULL;
    bad |= (!e->a1 && *e->a1name && !t1) || (!e->a2 && *e->a2name && !t2);
  }
  tlen = (n1 ? strlen(n1) : 0) + (n2 ? strlen(n2) : 0) + strlen(cm->label) + 16;
  if (!bad && (title = malloc(tlen))) {
    if (n1 && n2) snprintf(title, tlen, "%s \xe2\x86\x92 %s: %s", n1, n2, cm->label);
    else if (n1 || n2) snprintf(title, tlen, "%s: %s", n1 ? n1 : n2, cm->label);
    else snprintf(title, tlen, "%s", cm->label);
  }
  free(t1);
  free(t2);
  if (!title) {
    cJSON_free(more);
    return wfail(g, NULL);
  }
  sqlite3_bind_int64(s, CAW_GDELT_ID, e->id);
  sqlite3_bind_int64(s, CAW_GDELT_DAY, e->day);
  bind_text(s, CAW_GDELT_TYPE, cm->type);
  sqlite3_bind_text(s, CAW_GDELT_TITLE, title, -1, free);
  bind_text(s, CAW_GDELT_LOCATION, *e->place ? e->place : NULL);
  sqlite3_bind_double(s, CAW_GDELT_CONFIDENCE, g->confidence);
  bind_text(s, CAW_GDELT_CAMEO, e->code);
  if (e->has_gold) sqlite3_bind_double(s, CAW_GDELT_GOLDSTEIN, e->gold);
  if (e->a1) bind_text(s, CAW_GDELT_ACTOR1, e->a1->code);
  if (e->a2) bind_text(s, CAW_GDELT_ACTOR2, e->a2->code);
  bind_text(s, CAW_GDELT_URL, e->url);
  if (e->has_quad) sqlite3_bind_int64(s, CAW_GDELT_QUAD, e->quad);
  if (e->has_nm) sqlite3_bind_int64(s, CAW_GDELT_MENTIONS, e->nm);
  if (e->has_ns) sqlite3_bind_int64(s, CAW_GDELT_NUM_SOURCES, e->ns);
  if (e->has_na) sqlite3_bind_int64(s, CAW_GDELT_ARTICLES, e->na);
  if (e->merged && e->weight > 0)
    sqlite3_bind_double(s, CAW_GDELT_TONE, e->tone_sum / e->weight);
  else if (e->has_tone)
    sqlite3_bind_double(s, CAW_GDELT_TONE, e->tone);
  bind_text(s, CAW_GDELT_GEO, e->geo);
  sqlite3_bind_int(s, CAW_GDELT_VERSION, e->version);
  if (e->root) sqlite3_bind_int(s, CAW_GDELT_ROOT, 1);
  if (*e->a1code) {
    bind_text(s, CAW_GDELT_CODE1, e->a1code);
    if (*e->a1name) bind_text(s, CAW_GDELT_NAME1, e->a1name);
  }
  if (*e->a2code) {
    bind_text(s, CAW_GDELT_CODE2, e->a2code);
    if (*e->a2name) bind_text(s, CAW_GDELT_NAME2, e->a2name);
  }
  sqlite3_bind_int64(s, CAW_GDELT_ROWS, e->rows);
  if (more) sqlite3_bind_text(s, CAW_GDELT_MORE, more, -1, cJSON_free);
  if (e->key && snprintf(tag, sizeof tag, "gdelt:%s@%s", e->key, e->sqldate) <= 64)
    bind_text(s, CAW_GDELT_TAG, tag);
  if (g->batch > 0) sqlite3_bind_int64(s, CAW_GDELT_BATCH, g->batch);
  rc = sqlite3_step(s);
  if (rc != SQLITE_DONE) {
    wfail(g, "writing a GDELT event");
    sqlite3_reset(s);
    return -1;
  }
  rc = sqlite3_changes(caw_store_db(g->st)) > 0;
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  return rc;
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

static int url_key(engine *g, const char *url, const char *tkey) {
  const char *parts[3];
  parts[0] = url;
  parts[1] = "\x1f";
  parts[2] = tkey;
  return join(g->buf, sizeof g->buf, parts, 3);
}

/* Register by_url entry h as leading to e (the entry is e's until e is
   written: nothing else removes or repoints it). */
static int ureg_add(event *e, hent *h) {
  hent **v = grow(e->ureg, e->nureg, &e->capureg, sizeof *v, 2);
  if (!v) return 0;
  e->ureg = v;
  e->ureg[e->nureg++] = h;
  h->ptr = e;
  return 1;
}

/* Write e and forget it as an open event (the caller frees it). */
/* ---- the writing side ---- */

static int merge_row(engine *g, int64_t id, const rowv *r);

/* Carry out one message; -1 on an error (wfail). */
static int run_msg(engine *g, wmsg *m) {
  int rc;
  if (m->op == M_PUT) {
    if ((rc = put_row(g, m->e)) < 0) return -1;
    if (rc) g->added++; /* only the writing side adds */
    else g->w_unchanged++;
    return 0;
  }
  if ((rc = merge_row(g, m->id, &m->r)) == 4) {
    g->werr_code = CAW_EXIT_SOFTWARE;
    snprintf(g->werr, sizeof g->werr, "caw.gdelt: GDELT event %lld vanished"
             " during the import", (long long)m->id);
    return -1;
  }
  return rc < 0 ? -1 : 0;
}

static void *writer_main(void *arg) {
  engine *g = arg;
  wmsg batch[64];
  size_t n, i;
  int skip, full;
  for (;;) {
    pthread_mutex_lock(&g->mu);
    while (g->rcount == 0 && !g->stop) {
      g->busy = 0;
      pthread_cond_broadcast(&g->idle);
      pthread_cond_wait(&g->more, &g->mu);
    }
    if (g->rcount == 0 || g->abandon) {
      g->busy = 0;
      pthread_cond_broadcast(&g->idle);
      pthread_mutex_unlock(&g->mu);
      return NULL;
    }
    g->busy = 1;
    full = g->rcount == RING;
    for (n = 0; g->rcount && n < sizeof batch / sizeof *batch; n++) {
      batch[n] = g->ring[g->rhead];
      memset(&g->ring[g->rhead], 0, sizeof *g->ring);
      g->rhead = (g->rhead + 1) % RING;
      g->rcount--;
    }
    if (full) pthread_cond_signal(&g->room); /* the reader waits only then */
    skip = g->failed || g->abandon;
    pthread_mutex_unlock(&g->mu);
    for (i = 0; i < n; i++) {
      if (!skip && run_msg(g, &batch[i]) < 0) {
        skip = 1;
        pthread_mutex_lock(&g->mu);
        g->failed = 1; /* werr is set, and stays as it is from here */
        pthread_cond_broadcast(&g->room);
        pthread_cond_broadcast(&g->idle);
        pthread_mutex_unlock(&g->mu);
      }
      free_msg(&batch[i]);
    }
  }
}

/* Start the writing side on its own thread; 0 when it cannot (the load
   then writes as it goes). Signals (the --timeout alarm) stay with the
   Lua thread. */
static int writer_start(engine *g) {
  sigset_t all, old;
  int rc;
  if (pthread_mutex_init(&g->mu, NULL) != 0) return 0;
  if (pthread_cond_init(&g->more, NULL) != 0) {
    pthread_mutex_destroy(&g->mu);
    return 0;
  }
  pthread_cond_init(&g->room, NULL);
  pthread_cond_init(&g->idle, NULL);
  g->sync_ready = 1;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  rc = pthread_create(&g->thread, NULL, writer_main, g);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  g->threaded = rc == 0;
  return g->threaded;
}

/* Stop the writing side: when it has written everything, or at once
   (abandon: an error on the reading side; the transaction is undone). */
static void writer_stop(engine *g, int abandon) {
  if (!g->threaded) return;
  pthread_mutex_lock(&g->mu);
  g->stop = 1;
  if (abandon) g->abandon = 1;
  pthread_cond_broadcast(&g->more);
  pthread_mutex_unlock(&g->mu);
  pthread_join(g->thread, NULL);
  g->threaded = 0;
}

/* Hand m over (its event and strings are the writing side's from here);
   without a writer thread, carry it out now. */
static void send_msg(lua_State *L, engine *g, wmsg *m) {
  int failed;
  if (!g->threaded) {
    int rc = run_msg(g, m);
    free_msg(m);
    if (rc < 0) raise_werr(L, g);
    return;
  }
  pthread_mutex_lock(&g->mu);
  while (g->rcount == RING && !g->failed) pthread_cond_wait(&g->room, &g->mu);
  failed = g->failed;
  if (!failed) {
    g->ring[(g->rhead + g->rcount) % RING] = *m;
    /* the writer waits only on an empty ring: wake it once a batch is
       there (drain and stop wake it for less) */
    if (++g->rcount == WAKE) pthread_cond_signal(&g->more);
  }
  pthread_mutex_unlock(&g->mu);
  if (failed) {
    free_msg(m);
    raise_werr(L, g);
  }
}

/* Wait until everything handed over is written: before the reading side
   touches the database (a rule's callback may). */
static void drain(lua_State *L, engine *g) {
  int failed;
  if (!g->threaded) return;
  pthread_mutex_lock(&g->mu);
  pthread_cond_signal(&g->more);
  while ((g->rcount || g->busy) && !g->failed) pthread_cond_wait(&g->idle, &g->mu);
  failed = g->failed;
  pthread_mutex_unlock(&g->mu);
  if (failed) raise_werr(L, g);
}

/* Write the event in *slot: forget it as an open event and hand it to
   the writing side. *slot keeps owning it until the handover (an error
   raised before leaves it there to be freed with the engine). */
static void write_event(lua_State *L, engine *g, event **slot) {
  event *e = *slot;
  wmsg m;
  size_t i;
  kent *ke;
  if ((ke = e->ke)) { /* from open to stored under its key */
    for (i = 0; i < ke->open.n; i++)
      if (ke->open.v[i].ptr == e) {
        ke->open.v[i] = ke->open.v[--ke->open.n];
        break;
      }
    if (g->lookback > 0) {
      dayent *d = dl_put(&ke->stored, e->day);
      if (!d) oom(L);
      d->num = e->id;
    }
    e->ke = NULL;
    if (ke->open.n == 0 && ke->stored.n == 0) {
      free_kent(ke);
      hm_del(&g->keys, e->key, strlen(e->key));
    }
  }
  for (i = 0; i < e->nureg; i++) hm_unlink(&g->by_url, e->ureg[i]);
  e->nureg = 0;
  define(L, g, e->a1);
  define(L, g, e->a2);
  memset(&m, 0, sizeof m);
  m.op = M_PUT;
  m.e = e;
  *slot = NULL;
  send_msg(L, g, &m);
}

static int older_than(hent *e, int64_t limit) { return e->day < limit; }

/* A key's stored ids older than limit go; true when nothing is left. */
static int key_older_than(hent *e, int64_t limit) {
  kent *k = e->ptr;
  size_t i, n = 0;
  for (i = 0; i < k->stored.n; i++)
    if (k->stored.v[i].day >= limit) k->stored.v[n++] = k->stored.v[i];
  k->stored.n = n;
  return n == 0 && k->open.n == 0;
}

/* Write the events that left the window (or the oldest, past max_open),
   from the head of the queue: events are written in the order they were
   opened, which is the order of their ids, so the table only appends (an
   event written out of order costs a page split and a page rewrite).
   Forget stored events more than lookback days behind the newest row. */
static void sweep(lua_State *L, engine *g, int all) {
  size_t i, n;
  int64_t limit = g->newest - g->window;
  int64_t excess = (int64_t)g->nq - g->max_open;
  for (i = 0; i < g->nq; i++) {
    event *e = g->queue[i];
    if (!(all || e->alone || e->day < limit || (int64_t)i < excess)) break;
    write_event(L, g, &g->queue[i]);
  }
  n = g->nq - i;
  if (i > 0) {
    memmove(g->queue, g->queue + i, n * sizeof *g->queue);
    memset(g->queue + n, 0, i * sizeof *g->queue);
  }
  g->nq = n;
  /* the stored keys are swept now and then: old entries only cost memory */
  if (!all && g->has_newest && ++g->sweeps % 16 == 0) {
    hm_sweep(&g->keys, key_older_than, g->newest - g->lookback, free_kent);
    hm_sweep(&g->loaded, older_than, g->newest - g->lookback, NULL);
    hm_sweep(&g->seen, older_than, g->newest - g->lookback, NULL);
  }
}

static void remember_gid(lua_State *L, engine *g, int64_t gid, int64_t id,
                         int64_t day) {
  char k[24];
  int n = snprintf(k, sizeof k, "%lld", (long long)gid);
  hent *h = hm_put(&g->seen, k, (size_t)n);
  if (!h) oom(L);
  h->num = id;
  h->day = day;
}

/* With events in the table before this file: load the stored events of
   the days around day (through the day index), their dedup keys and the
   GLOBALEVENTIDs of their rows. */
static void ensure_loaded(lua_State *L, engine *g, int64_t day) {
  int64_t d;
  int n;
  hent *h;
  for (d = day - g->days; d <= day + g->days; d++) {
    sqlite3_stmt *s;
    char dk[32];
    int dn = snprintf(dk, sizeof dk, "%lld", (long long)d), rc;
    if (hm_find(&g->loaded, dk, (size_t)dn)) continue;
    if (!(s = caw_store_gdelt_stmt(g->st, CAW_GDELT_OF_DAY))) {
      store_fail(L, g, "reading GDELT events");
      return;
    }
    sqlite3_bind_int64(s, 1, d);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      int64_t id = sqlite3_column_int64(s, 0);
      const char *tag = (const char *)sqlite3_column_text(s, 1);
      const char *ids = (const char *)sqlite3_column_text(s, 2);
      const char *at = tag ? strrchr(tag, '@') : NULL;
      remember_gid(L, g, id, id, d);
      if (ids) { /* [1020000243,1020000250] */
        cJSON *a = cJSON_Parse(ids), *i;
        cJSON_ArrayForEach(i, a)
          if (cJSON_IsNumber(i)) remember_gid(L, g, (int64_t)i->valuedouble, id, d);
        cJSON_Delete(a);
      }
      if (!tag || strncmp(tag, "gdelt:", 6) != 0 || !at || at - tag - 6 <= 0)
        continue;
      n = snprintf(g->buf, sizeof g->buf, "%.*s", (int)(at - tag - 6), tag + 6);
      if (n <= 0 || (size_t)n >= sizeof g->buf) continue;
      {
        kent *k = kent_of(&g->keys, g->buf, 1);
        dayent *de = k ? dl_put(&k->stored, d) : NULL;
        if (!de) {
          sqlite3_reset(s);
          oom(L);
        }
        de->num = id;
      }
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) {
      store_fail(L, g, "reading GDELT events");
      return;
    }
    if (!(h = hm_put(&g->loaded, dk, (size_t)dn))) oom(L);
    h->day = d;
  }
}

/* The stored event holding GLOBALEVENTID gid, or 0: among the loaded
   days, else the event whose first row it is. */
static int64_t owner_of(lua_State *L, engine *g, int64_t gid) {
  char k[24];
  int n = snprintf(k, sizeof k, "%lld", (long long)gid), rc;
  hent *h = hm_find(&g->seen, k, (size_t)n);
  sqlite3_stmt *s;
  if (h) return h->num;
  if (!(s = caw_store_gdelt_stmt(g->st, CAW_GDELT_HAS)))
    return store_fail(L, g, "reading GDELT events");
  sqlite3_bind_int64(s, 1, gid);
  rc = sqlite3_step(s);
  sqlite3_reset(s);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return store_fail(L, g, "reading GDELT events");
  return rc == SQLITE_ROW ? gid : 0;
}

static int json_has_num(const cJSON *a, double x) {
  const cJSON *i;
  cJSON_ArrayForEach(i, a)
    if (cJSON_IsNumber(i) && i->valuedouble == x) return 1;
  return 0;
}

static int json_has_str(const cJSON *a, const char *x) {
  const cJSON *i;
  cJSON_ArrayForEach(i, a)
    if (cJSON_IsString(i) && strcmp(i->valuestring, x) == 0) return 1;
  return 0;
}

/* Fold a row into the stored event id: 0 when the row is the event's own
   first one, 1 when it was merged already (a re-import), 2 when it joined
   an event of an earlier import now, 3 one written from this file, 4 when
   the event is not there, -1 on an error (wfail). No Lua: the writer
   thread runs it. */
static int merge_row(engine *g, int64_t id, const rowv *r) {
  sqlite3_stmt *s = NULL, *u;
  cJSON *more = NULL, *ids, *codes, *urls;
  int64_t rows, m0 = 0;
  int has_m0, has_ns0, has_na0, has_t0;
  int64_t ns0, na0;
  int earlier;
  double t0;
  char *text;
  const char *cam, *url0;
  if (id == r->gid) return 0;
  if (!(s = caw_store_gdelt_stmt(g->st, CAW_GDELT_GET)))
    return wfail(g, "reading a GDELT event");
  sqlite3_bind_int64(s, 1, id);
  if (sqlite3_step(s) != SQLITE_ROW) {
    sqlite3_reset(s);
    return 4;
  }
  rows = sqlite3_column_int64(s, 0);
  has_m0 = sqlite3_column_type(s, 1) != SQLITE_NULL;
  m0 = sqlite3_column_int64(s, 1);
  has_ns0 = sqlite3_column_type(s, 2) != SQLITE_NULL;
  ns0 = sqlite3_column_int64(s, 2);
  has_na0 = sqlite3_column_type(s, 3) != SQLITE_NULL;
  na0 = sqlite3_column_int64(s, 3);
  has_t0 = sqlite3_column_type(s, 4) != SQLITE_NULL;
  t0 = sqlite3_column_double(s, 4);
  cam = (const char *)sqlite3_column_text(s, 5);
  url0 = (const char *)sqlite3_column_text(s, 6);
  if (sqlite3_column_type(s, 7) != SQLITE_NULL)
    more = cJSON_Parse((const char *)sqlite3_column_text(s, 7));
  if (!more) more = cJSON_CreateObject();
  if (!more) {
    sqlite3_reset(s);
    return wfail(g, NULL);
  }
  if (!(ids = cJSON_GetObjectItem(more, "ids")))
    ids = cJSON_AddArrayToObject(more, "ids");
  if (json_has_num(ids, (double)r->gid)) {
    cJSON_Delete(more);
    sqlite3_reset(s);
    return 1;
  }
  cJSON_AddItemToArray(ids, cJSON_CreateNumber((double)r->gid));
  if (cam && strcmp(r->code, cam) != 0) {
    if (!(codes = cJSON_GetObjectItem(more, "codes"))) {
      codes = cJSON_AddArrayToObject(more, "codes");
      cJSON_AddItemToArray(codes, cJSON_CreateString(cam));
    }
    if (!json_has_str(codes, r->code))
      cJSON_AddItemToArray(codes, cJSON_CreateString(r->code));
  }
  if (r->url && !(url0 && strcmp(url0, r->url) == 0)) {
    if (!(urls = cJSON_GetObjectItem(more, "urls")))
      urls = cJSON_AddArrayToObject(more, "urls");
    if (!json_has_str(urls, r->url))
      cJSON_AddItemToArray(urls, cJSON_CreateString(r->url));
  }
  text = cJSON_PrintUnformatted(more);
  cJSON_Delete(more);
  if (!text) {
    sqlite3_reset(s);
    return wfail(g, NULL);
  }
  if (!(u = caw_store_gdelt_stmt(g->st, CAW_GDELT_UPDATE))) {
    cJSON_free(text);
    sqlite3_reset(s);
    return wfail(g, "preparing the GDELT update");
  }
  sqlite3_bind_int64(u, 1, id);
  sqlite3_bind_int64(u, 2, rows + 1);
  if (has_m0 || r->has_nm) sqlite3_bind_int64(u, 3, m0 + (r->has_nm ? r->nm : 0));
  if (has_ns0 || r->has_ns) sqlite3_bind_int64(u, 4, ns0 + (r->has_ns ? r->ns : 0));
  if (has_na0 || r->has_na) sqlite3_bind_int64(u, 5, na0 + (r->has_na ? r->na : 0));
  if (has_t0 && r->has_tone) { /* weights as for open events: mentions, >= 1 */
    double w0 = m0 > 1 ? (double)m0 : 1, w1 = r->has_nm && r->nm > 1 ? (double)r->nm : 1;
    sqlite3_bind_double(u, 6, (t0 * w0 + r->tone * w1) / (w0 + w1));
  } else if (has_t0 || r->has_tone)
    sqlite3_bind_double(u, 6, has_t0 ? t0 : r->tone);
  sqlite3_bind_text(u, 7, text, -1, cJSON_free);
  earlier = sqlite3_column_int64(s, 8) != g->batch;
  sqlite3_reset(s);
  if (sqlite3_step(u) != SQLITE_DONE) {
    wfail(g, "updating a GDELT event");
    sqlite3_reset(u);
    return -1;
  }
  sqlite3_reset(u);
  if (earlier) { /* updated counts the stored events that gained rows */
    char k[24];
    int kn = snprintf(k, sizeof k, "%lld", (long long)id);
    hent *h = hm_put(&g->updated, k, (size_t)kn);
    if (!h) return wfail(g, NULL);
    if (!h->num) {
      h->num = 1;
      g->nupdated++;
    }
  }
  return earlier ? 2 : 3;
}

/* Fold one more row into an open event. */
static void merge_open(lua_State *L, event *e, const rowv *r) {
  int64_t *ids;
  size_t i;
  double w;
  if (r->gid == e->id) return;
  for (i = 0; i < e->nids; i++)
    if (e->ids[i] == r->gid) return;
  if (!e->merged) { /* a second row: start the lists */
    e->merged = 1;
    w = e->has_nm && e->nm > 1 ? (double)e->nm : 1;
    e->tone_sum = e->has_tone ? e->tone * w : 0;
    e->weight = e->has_tone ? w : 0;
    if (!strv_add(&e->codes, e->code)) oom(L);
  }
  if (!(ids = grow(e->ids, e->nids, &e->capids, sizeof *ids, 4))) oom(L);
  e->ids = ids;
  e->ids[e->nids++] = r->gid;
  e->rows++;
  e->nm = (e->has_nm ? e->nm : 0) + (r->has_nm ? r->nm : 0);
  e->ns = (e->has_ns ? e->ns : 0) + (r->has_ns ? r->ns : 0);
  e->na = (e->has_na ? e->na : 0) + (r->has_na ? r->na : 0);
  e->has_nm = e->has_ns = e->has_na = 1;
  if (r->has_tone) {
    w = r->has_nm && r->nm > 1 ? (double)r->nm : 1;
    e->tone_sum += r->tone * w;
    e->weight += w;
  }
  if (!strv_has(&e->codes, r->code) && !strv_add(&e->codes, r->code)) oom(L);
  if (r->url && !(e->url && strcmp(e->url, r->url) == 0) &&
      !strv_has(&e->urls, r->url) && !strv_add(&e->urls, r->url))
    oom(L);
}

/* ---- one row ---- */

/* Field positions (0-based) of the three layouts. */
typedef struct layout {
  int version, geo_full, geo_cc, url;
} layout;

static const layout *layout_of(size_t nf) {
  static const layout v57 = {1, 50, 51, -1}, v58 = {1, 50, 51, 57},
                      v61 = {2, 52, 53, 60};
  return nf == 57 ? &v57 : nf == 58 ? &v58 : nf == 61 ? &v61 : NULL;
}

/* Push the list view[key] of the view at the top, made anew when the
   rule replaced or removed it (the view is the rule's to change). */
static void view_list(lua_State *L, const char *key, int size) {
  lua_pushstring(L, key);
  if (lua_rawget(L, -2) == LUA_TTABLE) return;
  lua_pop(L, 1);
  lua_createtable(L, size, 0);
  lua_pushstring(L, key);
  lua_pushvalue(L, -2);
  lua_rawset(L, -4);
}

static void view_set(lua_State *L, const char *key) {
  lua_pushstring(L, key);
  lua_insert(L, -2);
  lua_rawset(L, -3);
}

static int keep_row(lua_State *L, const actor *a1, const actor *a2,
                    const char *geo, int64_t day, const char *code) {
  int n = 0, keep;
  lua_pushvalue(L, S_WHERE);
  lua_pushvalue(L, S_VIEW);
  view_list(L, "actors", 2);
  lua_pushnil(L);
  lua_rawseti(L, -2, 1);
  lua_pushnil(L);
  lua_rawseti(L, -2, 2);
  if (a1) {
    lua_pushstring(L, a1->code);
    lua_rawseti(L, -2, ++n);
  }
  if (a2) {
    lua_pushstring(L, a2->code);
    lua_rawseti(L, -2, ++n);
  }
  lua_pop(L, 1);
  view_list(L, "places", 1);
  if (geo) lua_pushstring(L, geo);
  else lua_pushnil(L);
  lua_rawseti(L, -2, 1);
  lua_pop(L, 1);
  lua_pushinteger(L, (lua_Integer)day);
  view_set(L, "day");
  lua_pushstring(L, code);
  view_set(L, "cameo");
  lua_pushliteral(L, "gdelt");
  view_set(L, "source");
  lua_call(L, 1, 1);
  keep = lua_toboolean(L, -1);
  lua_pop(L, 1);
  return keep;
}

static event *new_event(lua_State *L, const rowv *r, const char *sqldate,
                        const caw_dsv_field *f, const layout *lay,
                        const char *geo, const actor *a1, const actor *a2,
                        int domestic, long long line, const char *key,
                        const char *tkey) {
  /* its strings live in one block after the event: one allocation */
  const char *src[9];
  char **dst[9];
  size_t len[9], total = 0, i;
  event *e;
  char *p;
  int64_t q;
  src[0] = r->code; src[1] = f[lay->geo_full].ptr; src[2] = r->url;
  src[3] = f[5].ptr; src[4] = f[6].ptr; src[5] = f[15].ptr; src[6] = f[16].ptr;
  src[7] = key; src[8] = tkey;
  for (i = 0; i < 9; i++) total += (len[i] = src[i] ? strlen(src[i]) + 1 : 0);
  if (!(e = calloc(1, sizeof *e + total))) oom(L);
  dst[0] = &e->code; dst[1] = &e->place; dst[2] = &e->url;
  dst[3] = &e->a1code; dst[4] = &e->a1name; dst[5] = &e->a2code;
  dst[6] = &e->a2name; dst[7] = &e->key; dst[8] = &e->tkey;
  for (p = e->strs, i = 0; i < 9; i++)
    if (src[i]) {
      memcpy(p, src[i], len[i]);
      *dst[i] = p;
      p += len[i];
    }
  e->id = r->gid;
  e->day = r->day;
  e->cm = r->cm;
  e->rows = 1;
  e->line = line;
  memcpy(e->sqldate, sqldate, 8);
  e->geo = geo;
  e->a1 = a1;
  e->a2 = a2;
  e->domestic = domestic;
  e->version = lay->version;
  e->root = strcmp(f[25].ptr, "1") == 0;
  e->has_quad = parse_int(f[29].ptr, &q);
  e->quad = q;
  e->has_gold = parse_num(f[30].ptr, &e->gold);
  e->has_nm = r->has_nm;
  e->nm = r->nm;
  e->has_ns = r->has_ns;
  e->ns = r->ns;
  e->has_na = r->has_na;
  e->na = r->na;
  e->has_tone = r->has_tone;
  e->tone = r->tone;
  return e;
}

static void push_queue(lua_State *L, engine *g, event *e) {
  event **q = grow(g->queue, g->nq, &g->capq, sizeof *q, 1024);
  if (!q) {
    free_event(e);
    oom(L);
  }
  g->queue = q;
  g->queue[g->nq++] = e;
}

/* Write a row that merges with nothing at once. */
static void write_alone(lua_State *L, engine *g, event *e) {
  push_queue(L, g, e); /* owned by the queue until it is handed over */
  write_event(L, g, &g->queue[g->nq - 1]);
  g->nq--;
}

static int c36(char c) {
  return c >= 'A' && c <= 'Z' ? c - 'A' : c >= '0' && c <= '9' ? 26 + c - '0' : -1;
}

/* FIPS 10-4 -> ISO alpha-3, or NULL */
static const char *fips_of(engine *g, const char *cc, size_t len) {
  hent *h;
  if (len == 2 && c36(cc[0]) >= 0 && c36(cc[1]) >= 0)
    return g->fips_val[c36(cc[0]) * 36 + c36(cc[1])];
  h = hm_find(&g->fips, cc, len);
  return h ? h->ptr : NULL;
}

static void on_row(lua_State *L, engine *g, const caw_dsv_field *f, size_t nf) {
  long long line = caw_dsv_line(g->dsv);
  const layout *lay = layout_of(nf);
  const actor *a1, *a2;
  const char *geo = NULL, *c1, *c2, *k1, *k2, *x, *y, *gid_s;
  char msg[256], key[160], tkey[160];
  int has_key = 0, has_tkey = 0, domestic, n;
  double gold;
  rowv r;
  event *e = NULL;
  kent *ke = NULL;
  hent *h;
  if (!lay) {
    snprintf(msg, sizeof msg, "expected 57 or 58 (GDELT 1.0) or 61 (GDELT 2.0)"
                              " fields, found %zu", nf);
    reject(L, line, msg, 0);
    return;
  }
  memset(&r, 0, sizeof r);
  gid_s = f[0].ptr;
  if (!f[0].len || strspn(gid_s, "0123456789") != f[0].len || f[0].len > 18) {
    snprintf(msg, sizeof msg, "field 1 (GLOBALEVENTID): '%.100s' is not a number",
             gid_s);
    reject(L, line, msg, 0);
    return;
  }
  r.gid = strtoll(gid_s, NULL, 10);
  if (!parse_sqldate(f[1].ptr, f[1].len, &r.day)) {
    snprintf(msg, sizeof msg, "field 2 (SQLDATE): '%.100s' is not a date YYYYMMDD",
             f[1].ptr);
    reject(L, line, msg, 0);
    return;
  }
  r.code = f[26].ptr;
  r.cm = cameo_of(L, g, r.code, f[26].len);
  if (!r.cm->valid) {
    snprintf(msg, sizeof msg, "field 27 (EventCode): '%.100s' is not a CAMEO code",
             r.code);
    reject(L, line, msg, 0);
    return;
  }
  if (f[30].len && !(parse_num(f[30].ptr, &gold) && gold >= -10 && gold <= 10)) {
    snprintf(msg, sizeof msg, "field 31 (GoldsteinScale): '%.100s' is not a"
                              " number from -10 to 10", f[30].ptr);
    reject(L, line, msg, 0);
    return;
  }
  r.has_nm = parse_int(f[31].ptr, &r.nm);
  r.has_ns = parse_int(f[32].ptr, &r.ns);
  r.has_na = parse_int(f[33].ptr, &r.na);
  r.has_tone = parse_num(f[34].ptr, &r.tone);
  r.url = lay->url >= 0 && f[lay->url].len ? f[lay->url].ptr : NULL;
  geo = fips_of(g, f[lay->geo_cc].ptr, f[lay->geo_cc].len);
  a1 = actor_of(L, g, f[5].ptr, f[6].ptr, f[7].ptr);
  a2 = actor_of(L, g, f[15].ptr, f[16].ptr, f[17].ptr);
  c1 = a1 ? a1->code : NULL;
  c2 = a2 ? a2->code : NULL;
  /* who the dedup keys compare: the caw actor, else GDELT's own actor
     code (GOV, CVL, ...), else nobody. Both of one country: GDELT's full
     codes (USAGOV, USAMED), as "USA and USA" tells nothing apart. */
  domestic = c1 && c2 && strcmp(c1, c2) == 0;
  k1 = c1 ? c1 : f[5].len ? f[5].ptr : NULL;
  k2 = c2 ? c2 : f[15].len ? f[15].ptr : NULL;
  if (domestic) {
    k1 = f[5].ptr;
    k2 = f[15].ptr;
    a2 = NULL;
  }
  if (lua_type(L, S_WHERE) == LUA_TFUNCTION &&
      !keep_row(L, a1, a2, geo, r.day, r.code)) {
    g->filtered++;
    return;
  }
  if (!g->has_newest || r.day > g->newest) { /* the newest date seen */
    g->newest = r.day;
    g->has_newest = 1;
  }
  if (g->prior) { /* a row stored before: a re-import */
    int64_t owner;
    ensure_loaded(L, g, r.day);
    if ((owner = owner_of(L, g, r.gid))) {
      if (owner == r.gid) g->unchanged++;
      else g->merged++;
      return;
    }
  }
  if (!g->dedup) {
    write_alone(L, g, new_event(L, &r, f[1].ptr, f, lay, geo, a1, a2, domestic,
                                line, NULL, NULL));
    return;
  }
  /* the dedup keys: key for the root rule, url + tkey for the url rule */
  x = k1 ? k1 : "";
  y = k2 ? k2 : "";
  if (!g->directed && strcmp(y, x) < 0) {
    const char *t = x;
    x = y;
    y = t;
  }
  if (k1 && k2) { /* the root rule needs both actors */
    const char *k = g->use_code ? r.code : f[28].ptr, *parts[5];
    char root2[3];
    if (!*k) { /* no EventRootCode: the code's first two digits */
      snprintf(root2, sizeof root2, "%.2s", r.code);
      k = root2;
    }
    parts[0] = x; parts[1] = "-"; parts[2] = y; parts[3] = ":"; parts[4] = k;
    has_key = join(key, sizeof key, parts, 5) >= 0;
  }
  if (g->use_url && r.url && (k1 || k2)) {
    const char *parts[5];
    parts[0] = x; parts[1] = "-"; parts[2] = y; parts[3] = ":"; parts[4] = r.code;
    has_tkey = join(tkey, sizeof tkey, parts, 5) >= 0;
  }
  if (has_key && (ke = kent_of(&g->keys, key, 0))) {
    dayent *d = dl_find(&ke->open, r.day, g->days);
    if (d) e = d->ptr;
  }
  if (!e && has_tkey && (n = url_key(g, r.url, tkey)) > 0 &&
      (h = hm_find(&g->by_url, g->buf, (size_t)n)))
    e = h->ptr;
  if (!e && ke) { /* the stored event of key nearest to day, within days */
    dayent *d = dl_find(&ke->stored, r.day, g->days);
    int64_t id = d ? d->num : 0;
    /* a row is added (a new event's first row), unchanged (the first row
       of an event stored before) or merged (any other row, also when a
       re-import finds it there); updated counts the stored events that
       gained rows */
    if (id == r.gid) {
      g->unchanged++;
      return;
    }
    if (id) { /* the writing side folds it in, after what it has before */
      size_t ul = r.url ? strlen(r.url) + 1 : 0, cl = strlen(r.code) + 1;
      wmsg m;
      if (g->prior) remember_gid(L, g, r.gid, id, r.day);
      memset(&m, 0, sizeof m);
      m.op = M_MERGE;
      m.id = id;
      m.r = r;
      if (!(m.strs = malloc(ul + cl))) oom(L);
      memcpy(m.strs, r.code, cl);
      m.r.code = m.strs;
      if (r.url) {
        memcpy(m.strs + cl, r.url, ul);
        m.r.url = m.strs + cl;
      }
      g->merged++;
      send_msg(L, g, &m);
      return;
    }
  }

  if (e) {
    merge_open(L, e, &r);
    if (r.gid != e->id) g->merged++;
    else g->unchanged++; /* the event's own first row, twice in the file */
    if (has_tkey && (n = url_key(g, r.url, tkey)) > 0) {
      if (!(h = hm_put(&g->by_url, g->buf, (size_t)n))) oom(L);
      if (!h->ptr && !ureg_add(e, h)) oom(L);
    }
    return;
  }
  e = new_event(L, &r, f[1].ptr, f, lay, geo, a1, a2, domestic, line,
                has_key ? key : NULL, has_tkey ? tkey : NULL);
  push_queue(L, g, e);
  if (!has_key && !has_tkey) { /* nothing to merge on */
    e->alone = 1;
    return;
  }
  if (has_key) {
    dayent *d;
    if (!ke && !(ke = kent_of(&g->keys, key, 1))) oom(L);
    if (!(d = dl_put(&ke->open, r.day))) oom(L);
    d->ptr = e;
    e->ke = ke;
  }
  if (has_tkey && (n = url_key(g, r.url, tkey)) > 0) {
    if (!(h = hm_put(&g->by_url, g->buf, (size_t)n)) || !ureg_add(e, h)) oom(L);
  }
}

/* ---- caw.gdelt.load ---- */

static int64_t cfg_int(lua_State *L, int idx, const char *k, int64_t dflt) {
  int64_t v = dflt;
  int isnum;
  if (lua_getfield(L, idx, k) != LUA_TNIL) {
    v = (int64_t)lua_tointegerx(L, -1, &isnum);
    if (!isnum || v < 0)
      luaL_error(L, "caw.gdelt.load: '%s' must be a whole number >= 0", k);
  }
  lua_pop(L, 1);
  return v;
}

static int cfg_bool(lua_State *L, int idx, const char *k, int dflt) {
  int v = dflt;
  if (lua_getfield(L, idx, k) != LUA_TNIL) v = lua_toboolean(L, -1);
  lua_pop(L, 1);
  return v;
}

static void cfg_func(lua_State *L, const char *k, int required) {
  int t = lua_getfield(L, A_CFG, k);
  if (t != LUA_TFUNCTION && (required || t != LUA_TNIL))
    luaL_error(L, "caw.gdelt.load: '%s' must be a function", k);
}

/* The row loop of caw.gdelt.load, called with load's stack slots as its
   arguments (so S_* mean the same here). */
static int load_rows(lua_State *L) {
  engine *g = lua_touserdata(L, S_ENGINE);
  char err[CAW_ERRMAX];
  caw_status rc;
  size_t nf;
  for (;;) {
    if ((g->read & 4095) == 0) caw_runtime_check(L); /* --timeout */
    rc = caw_dsv_next(g->dsv, &nf, err, sizeof err);
    if (rc != CAW_OK) {
      const char *name = caw_dsv_name(g->dsv), *msg = err;
      size_t len = strlen(name);
      if (!g->skip_bad || rc != CAW_EINVAL || caw_dsv_stuck(g->dsv) != CAW_OK)
        return caw_lua_fail(L, caw_status_exit(rc), "%s", err);
      g->read++;
      if (strncmp(err, name, len) == 0 && err[len] == ':') { /* "path:N: " */
        msg = err + len + 1;
        msg += strspn(msg, "0123456789");
        if (*msg == ':') msg++;
        if (*msg == ' ') msg++;
      }
      reject(L, caw_dsv_line(g->dsv), msg, 1);
      continue;
    }
    if (nf == 0) break;
    g->read++;
    on_row(L, g, caw_dsv_row(g->dsv, NULL), nf);
    if (g->read % PROGRESS_EVERY == 0) {
      if (lua_type(L, S_PROGRESS) == LUA_TFUNCTION) {
        uint64_t done, total;
        caw_dsv_progress(g->dsv, &done, &total);
        lua_pushvalue(L, S_PROGRESS);
        lua_pushinteger(L, (lua_Integer)done);
        lua_pushinteger(L, (lua_Integer)total);
        lua_pushinteger(L, (lua_Integer)g->read);
        lua_call(L, 3, 0);
      }
      if (g->dedup) sweep(L, g, 0);
    }
  }
  sweep(L, g, 1);
  return 0;
}

/*
** caw.gdelt.load(path, cfg) -> counts {read, added, updated, unchanged,
** merged, filtered}. cfg (docs/lua-api.md): dedup (false or {days, key, directed,
** url, window, max_open, lookback, across_files}), confidence, batch,
** fips (table), skip_bad, and the functions actor(kind, code, name),
** cameo(code), define(actor), reject(line, msg, unread), progress(done,
** total) and where(view) (both optional). Runs inside the caller's
** transaction.
*/
static int l_load(lua_State *L) {
  const char *path = luaL_checkstring(L, A_PATH);
  caw_runtime_check_read(L, path);
  caw_store *st = caw_runtime_store(L);
  caw_dsv_opts o = caw_dsv_defaults('\t');
  engine *g;
  char err[CAW_ERRMAX];
  int rc, had, i;
  luaL_checktype(L, A_CFG, LUA_TTABLE);
  lua_settop(L, A_CFG);
  if (!st || caw_store_depth(st) == 0)
    return luaL_error(L, "caw.gdelt.load: needs an open transaction");
  cfg_func(L, "actor", 1);    /* S_ACTOR */
  cfg_func(L, "cameo", 1);    /* S_CAMEO */
  cfg_func(L, "define", 1);   /* S_DEFINE */
  cfg_func(L, "reject", 1);   /* S_REJECT */
  cfg_func(L, "progress", 0); /* S_PROGRESS */
  cfg_func(L, "where", 0);    /* S_WHERE */
  lua_createtable(L, 0, 5);   /* S_VIEW: what where() sees */
  lua_createtable(L, 2, 0);
  lua_setfield(L, -2, "actors");
  lua_createtable(L, 1, 0);
  lua_setfield(L, -2, "places");
  lua_pushliteral(L, "gdelt");
  lua_setfield(L, -2, "source");
  g = lua_newuserdatauv(L, sizeof *g, 0); /* S_ENGINE */
  memset(g, 0, sizeof *g);
  luaL_setmetatable(L, ENGINE_MT);
  g->st = st;
  if (lua_getfield(L, A_CFG, "dedup") == LUA_TTABLE) {
    int t = lua_gettop(L);
    g->dedup = 1;
    g->days = (int)cfg_int(L, t, "days", 1);
    lua_getfield(L, t, "key");
    g->use_code = lua_isstring(L, -1) && strcmp(lua_tostring(L, -1), "code") == 0;
    lua_pop(L, 1);
    g->directed = cfg_bool(L, t, "directed", 0);
    g->use_url = cfg_bool(L, t, "url", 1);
    g->window = cfg_int(L, t, "window", 14);
    g->max_open = cfg_int(L, t, "max_open", 20000);
    g->lookback = cfg_int(L, t, "lookback", 60);
    g->across_files = cfg_bool(L, t, "across_files", 1);
    if (g->days > 366) return luaL_error(L, "caw.gdelt.load: 'days' is at most 366");
  } else if (lua_toboolean(L, -1))
    return luaL_error(L, "caw.gdelt.load: 'dedup' must be a table or false");
  lua_pop(L, 1);
  lua_getfield(L, A_CFG, "confidence");
  g->confidence = lua_isnil(L, -1) ? 1 : lua_tonumber(L, -1);
  lua_pop(L, 1);
  if (!(g->confidence >= 0 && g->confidence <= 1))
    return luaL_error(L, "caw.gdelt.load: 'confidence' must be from 0 to 1");
  g->batch = cfg_int(L, A_CFG, "batch", 0);
  g->skip_bad = cfg_bool(L, A_CFG, "skip_bad", 0);
  if (lua_getfield(L, A_CFG, "fips") == LUA_TTABLE) {
    caw_sandbox_unwrap(L, -1); /* a module's table: read its contents */
    lua_pushnil(L);
    while (lua_next(L, -2)) {
      if (lua_type(L, -2) == LUA_TSTRING && lua_type(L, -1) == LUA_TSTRING) {
        size_t kl;
        const char *k = lua_tolstring(L, -2, &kl);
        hent *h = hm_put(&g->fips, k, kl);
        if (!h || !(h->ptr = h->ptr ? h->ptr : strdup(lua_tostring(L, -1))))
          oom(L);
        if (kl == 2 && c36(k[0]) >= 0 && c36(k[1]) >= 0)
          g->fips_val[c36(k[0]) * 36 + c36(k[1])] = h->ptr;
      }
      lua_pop(L, 1);
    }
  }
  lua_pop(L, 1);

  if ((rc = caw_store_gdelt_begin(st, &had, err, sizeof err)) != CAW_OK)
    return caw_lua_fail(L, caw_status_exit(rc), "%s", err);
  g->prior = had && g->dedup && g->across_files;
  {
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(caw_store_db(st), "SELECT 1 FROM events WHERE id >= 'gdelt:'"
                           " AND id < 'gdelt;' LIMIT 1", -1, &q, NULL) != SQLITE_OK)
      return store_fail(L, g, "looking up events");
    g->legacy = sqlite3_step(q) == SQLITE_ROW;
    sqlite3_finalize(q);
  }
  o.quote = 0;
  if ((rc = caw_dsv_open(path, &o, &g->dsv, err, sizeof err)) != CAW_OK)
    return caw_lua_fail(L, caw_status_exit(rc), "%s", err);
  /* Into an empty table the reading side needs nothing back from the
     database: the writing side gets a thread of its own. */
  if (!g->prior) writer_start(g);
  /* The rows, under lua_pcall so that the writer thread is stopped before
     an error (a bad row, a timeout) unwinds the transaction. */
  lua_pushcfunction(L, load_rows);
  for (i = 1; i <= S_ENGINE; i++) lua_pushvalue(L, i);
  rc = lua_pcall(L, S_ENGINE, 0, 0);
  writer_stop(g, rc != LUA_OK);
  if (rc != LUA_OK) return lua_error(L);
  if (g->werr_code) return raise_werr(L, g);
  if ((rc = caw_store_gdelt_finish(st, err, sizeof err)) != CAW_OK)
    return caw_lua_fail(L, caw_status_exit(rc), "%s", err);
  g->unchanged += g->w_unchanged;
  lua_createtable(L, 0, 5);
  lua_pushinteger(L, (lua_Integer)g->read);
  lua_setfield(L, -2, "read");
  lua_pushinteger(L, (lua_Integer)g->added);
  lua_setfield(L, -2, "added");
  lua_pushinteger(L, (lua_Integer)g->unchanged);
  lua_setfield(L, -2, "unchanged");
  lua_pushinteger(L, (lua_Integer)g->nupdated);
  lua_setfield(L, -2, "updated");
  lua_pushinteger(L, (lua_Integer)g->merged);
  lua_setfield(L, -2, "merged");
  lua_pushinteger(L, (lua_Integer)g->filtered);
  lua_setfield(L, -2, "filtered");
  engine_free(g);
  return 1;
}

/* Open `caw.gdelt`: leaves the module table ({load = ...}) on the stack. */
int luaopen_caw_gdelt(lua_State *L) {
  static const luaL_Reg funcs[] = {{"load", l_load}, {NULL, NULL}};
  if (luaL_newmetatable(L, ENGINE_MT)) {
    lua_pushcfunction(L, engine_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_pop(L, 1);
  luaL_newlib(L, funcs);
  return 1;
}

/*
** luabulk.c -- `caw.bulk.load(path, spec)`: the binding between an
** importer's declaration (plugins/importers/gdelt.lua...) and the bulk
** engine (bulk.c). It reads the file with the delimited reader (dsv.c),
** picks the layout of each row by its column count (or, for a file with
** a header, the one the declaration's header_layout gives for its column
** names), maps the declared columns, and calls the importer's rules only
** once per distinct event code, source actor, source actor name and date
** text (memoized), per row only for a --where predicate, and for a bad
** row. Everything particular to a source -- columns, date format, the
** scale's range, the title and URL templates, which attributes are summed
** over merged rows, the rules -- comes from the declaration
** (docs/importers.md, "Adding a source").
**
** The row loop runs under lua_pcall with the engine in a userdata whose
** __gc frees it, so an error raised by a rule (a bad row without
** --skip-bad, a timeout) stops the engine's writer thread and leaks
** nothing. Uses lbind.h (caw_lua_fail, caw_lua_store, caw_lua_check) to
** fail a call, find the store and honour --timeout.
*/
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "caw/bulk.h"
#include "caw/date.h"
#include "caw/dsv.h"
#include "caw/lbind.h"
#include "caw/sandbox.h"
#include "caw/store.h"

#define LOAD_MT "caw.bulk.load"
#define PROGRESS_EVERY 4096 /* rows between progress calls */
#define MAX_COLUMNS 256     /* layouts by column count up to this */
#define MAX_ATTRS 32

/* The roles a layout's columns can play. */
enum { F_REF, F_DATE, F_CODE, F_ROOT, F_SCALE, F_A1CODE, F_A1NAME, F_A1CC,
       F_A2CODE, F_A2NAME, F_A2CC, F_LOCATION, F_URL, F_DATE_WITH, F_SUBCODE,
       F_A1SECTORS, F_A2SECTORS, F_TEXT, F_ROLES };
static const char *const role_names[F_ROLES] = {
  "ref", "date", "code", "root", "scale", "actor1_code", "actor1_name",
  "actor1_country", "actor2_code", "actor2_name", "actor2_country",
  "location", "url", "date_with", "subcode", "actor1_sectors",
  "actor2_sectors", "text"};

#define MAX_PLACES 4 /* columns joined into the location */
#define MAX_SUBCODES 4 /* columns joined after the code: "code/sub/sub" */

enum { A_INT, A_NUM, A_STR, A_FLAG, A_CONST, A_LIST, A_AUTO };

typedef struct attr { /* one attribute of attrs */
  char *name;
  char *key;                /* "name": as JSON, ready to append */
  size_t keylen;
  int type, sum, mean;
  int col[MAX_COLUMNS + 1]; /* by layout: 0-based column, -1 none */
  char *cval[MAX_COLUMNS + 1]; /* A_CONST: JSON text by layout */
  caw_strmap *map;          /* values mapped through it (NULL: as read) */
  int with;                 /* -1, or an attr that must be present too */
  int slot;                 /* its place in the engine's sums, or -1 */
} attr;

typedef struct layout {
  int used;
  int col[F_ROLES]; /* 0-based, -1 none */
  int place[MAX_PLACES]; /* location: these columns joined by ", " */
  int nplace;
  int sub[MAX_SUBCODES]; /* subcode: these columns, each after a "/" */
  int nsub;
  int with[2];           /* date_with: the columns the date rule sees too */
  int nwith;
} layout;

/* ---- a growing text buffer ---- */

typedef struct actor { /* what the actor rule said of a source actor */
  char *code, *name, *kind, *person;
} actor;

typedef struct code { /* what the code rule said of an event code */
  int valid;
  char *type, *label; /* label: when not valid, the rule's why or NULL */
} code;

/* Stack slots of load's arguments and what it keeps there. */
enum { A_PATH = 1, A_SPEC, S_ACTOR, S_CODE, S_NAME, S_REJECT, S_PROGRESS,
       S_WHERE, S_DATE, S_HEADER, S_VIEW, S_LOAD };

typedef struct load {
  caw_bulk *bulk;
  caw_dsv *dsv;
  layout lay[MAX_COLUMNS + 1];
  attr attrs[MAX_ATTRS];
  size_t nattrs;
  caw_strmap *actors, *codes, *names, *days;
  int date_dashes;        /* YYYY-MM-DD, else YYYYMMDD */
  int date_rule;          /* the declaration's date(text, with) gives days */
  int actor_by_name;      /* actor_key = "name": (country, name, sectors) */
  int title_source;       /* title_names = "source": the source's names */
  int ref_day;            /* ref = <ref>:<YYYY-MM-DD> */
  size_t code_max;        /* longest event code (the key with subcode) */
  char *missing;          /* a field of this text is empty ("NA") */
  char *url_tpl;          /* the URL from a template, or NULL */
  const caw_dsv_field *hdr; /* the header's names (the reader's), or NULL */
  size_t nhdr;
  caw_dsv_field row[MAX_COLUMNS]; /* the row with missing values emptied */
  caw_bulk_buf tb_key, tb_ref, tb_place, tb_url, tb_code; /* per row */
  int ref_digits;         /* the ref must be a whole number */
  int has_range;
  double scale_min, scale_max;
  int root_is_code;       /* dedup key "code": the full code */
  int split_same;         /* same_actor = "split" */
  int place_attr;         /* -1, or the attr that gives --where's place */
  int skip_bad;
  char *msg_layout, *msg[F_ROLES];
  char *title_both, *title_one, *title_none, *scheme;
  caw_bulk_buf tb_title, tb_attrs; /* a row's title and attrs, reused */
  const caw_dsv_field *cur_f; /* the row being added, for make_texts */
  size_t cur_nf;
  const char *cur_n1, *cur_n2, *cur_label, *cur_p1, *cur_p2;
  int64_t read, filtered;
  char err[CAW_ERRMAX];
} load;

static void free_actor(void *p) {
  actor *a = p;
  if (!a) return;
  free(a->person);
  free(a->code);
  free(a->name);
  free(a->kind);
  free(a);
}

static void free_code(void *p) {
  code *c = p;
  if (!c) return;
  free(c->type);
  free(c->label);
  free(c);
}

/* Free what g holds (twice is fine). */
static void free_load(load *g) {
  size_t i, j;
  caw_bulk_free(g->bulk);
  g->bulk = NULL;
  caw_dsv_close(g->dsv);
  g->dsv = NULL;
  caw_strmap_free(g->actors, free_actor);
  caw_strmap_free(g->codes, free_code);
  caw_strmap_free(g->names, free);
  caw_strmap_free(g->days, free);
  g->actors = g->codes = g->names = g->days = NULL;
  free(g->missing);
  free(g->url_tpl);
  g->missing = g->url_tpl = NULL;
  free(g->tb_key.p);
  free(g->tb_ref.p);
  free(g->tb_place.p);
  free(g->tb_url.p);
  free(g->tb_code.p);
  memset(&g->tb_key, 0, sizeof g->tb_key);
  memset(&g->tb_ref, 0, sizeof g->tb_ref);
  memset(&g->tb_place, 0, sizeof g->tb_place);
  memset(&g->tb_url, 0, sizeof g->tb_url);
  memset(&g->tb_code, 0, sizeof g->tb_code);
  for (i = 0; i < g->nattrs; i++) {
    free(g->attrs[i].name);
    free(g->attrs[i].key);
    caw_strmap_free(g->attrs[i].map, free);
    for (j = 0; j <= MAX_COLUMNS; j++) free(g->attrs[i].cval[j]);
  }
  g->nattrs = 0;
  for (i = 0; i < F_ROLES; i++) {
    free(g->msg[i]);
    g->msg[i] = NULL;
  }
  free(g->msg_layout);
  free(g->title_both);
  free(g->title_one);
  free(g->title_none);
  free(g->scheme);
  free(g->tb_title.p);
  free(g->tb_attrs.p);
  memset(&g->tb_title, 0, sizeof g->tb_title);
  memset(&g->tb_attrs, 0, sizeof g->tb_attrs);
  g->msg_layout = g->title_both = g->title_one = g->title_none = NULL;
  g->scheme = NULL;
}

static int load_gc(lua_State *L) {
  free_load(luaL_checkudata(L, 1, LOAD_MT));
  return 0;
}

static int oom(lua_State *L) {
  return caw_lua_fail(L, CAW_EXIT_SOFTWARE, "caw.bulk.load: out of memory");
}

static char *xstrdup(lua_State *L, const char *s) {
  char *d = strdup(s);
  if (!d) oom(L);
  return d;
}

static void tb_str(caw_bulk_buf *b, const char *s) { caw_bulk_buf_add(b, s, strlen(s)); }

/* A real number exactly (17 digits), written as a real (0.0). */
static void tb_real(caw_bulk_buf *b, double v) {
  char num[40];
  int n = snprintf(num, sizeof num, "%.17g", v);
  if (!strpbrk(num, ".eEni")) n += snprintf(num + n, sizeof num - (size_t)n, ".0");
  caw_bulk_buf_add(b, num, (size_t)n);
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

/* YYYYMMDD or YYYY-MM-DD -> day number; 0 when it is not a date. */
static int parse_day(const char *s, size_t len, int dashes, int64_t *day) {
  char d8[8];
  int64_t y, yy;
  int m, d, mm, dd;
  size_t i;
  if (dashes) {
    if (len != 10 || s[4] != '-' || s[7] != '-') return 0;
    memcpy(d8, s, 4);
    memcpy(d8 + 4, s + 5, 2);
    memcpy(d8 + 6, s + 8, 2);
  } else {
    if (len != 8) return 0;
    memcpy(d8, s, 8);
  }
  for (i = 0; i < 8; i++)
    if (d8[i] < '0' || d8[i] > '9') return 0;
  y = (d8[0] - '0') * 1000 + (d8[1] - '0') * 100 + (d8[2] - '0') * 10 + (d8[3] - '0');
  m = (d8[4] - '0') * 10 + (d8[5] - '0');
  d = (d8[6] - '0') * 10 + (d8[7] - '0');
  *day = caw_date_days(y, m, d);
  caw_date_civil(*day, &yy, &mm, &dd);
  return yy == y && mm == m && dd == d;
}

/* ---- callbacks into the rules ---- */

/* A bad row: the rule's reject decides (it raises unless --skip-bad). */
static void reject(lua_State *L, long long line, const char *msg, int unread) {
  lua_pushvalue(L, S_REJECT);
  lua_pushinteger(L, (lua_Integer)line);
  lua_pushstring(L, msg);
  lua_pushboolean(L, unread);
  lua_call(L, 3, 0);
}

/* Where a role's value is: "column 'Event Date'" by the header's name,
   else "field 2". */
static void field_name(const load *g, const layout *lay, int role, char *out,
                       size_t len) {
  int c = lay ? lay->col[role] : -1;
  if (c >= 0 && g->hdr && (size_t)c < g->nhdr)
    snprintf(out, len, "column '%.80s'", g->hdr[c].ptr);
  else if (c >= 0)
    snprintf(out, len, "field %d", c + 1);
  else
    snprintf(out, len, "%s", role_names[role]);
}

/* The declared message for a role with the value put in for '%s'; without
   one, the column's name and "'value' is not valid"; with why (a rule's
   words), the column's name and why. */
static void reject_field(lua_State *L, load *g, const layout *lay,
                         long long line, int role, const char *value,
                         const char *why) {
  const char *m = g->msg[role];
  const char *at = m ? strstr(m, "%s") : NULL;
  char out[512], where[128];
  field_name(g, lay, role, where, sizeof where);
  if (why)
    snprintf(out, sizeof out, "%s: %.300s", where, why);
  else if (!m)
    snprintf(out, sizeof out, "%s: '%.100s' is not valid", where, value);
  else if (at)
    snprintf(out, sizeof out, "%.*s%.100s%s", (int)(at - m), m, value, at + 2);
  else
    snprintf(out, sizeof out, "%s", m);
  reject(L, line, out, 0);
}

/* A string field of the table at idx, or NULL; the string stays alive in
   the table (which stays on the stack). */
static const char *opt_field(lua_State *L, int idx, const char *k) {
  const char *s;
  lua_pushstring(L, k);
  lua_rawget(L, idx < 0 ? idx - 1 : idx); /* no __index: the string must
                                             stay anchored in the table */
  s = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
  lua_pop(L, 1);
  return s;
}

/* The actor rule's answer at the top of the stack, checked: a table
   {code, name, kind [, person]} gives an actor, anything else none. A bad
   code or kind ends the load (exit 65). k names the source actor. */
static actor *actor_answer(lua_State *L, load *g, const char *k) {
  actor *a = NULL;
  const char *c, *n, *kd, *pn;
  if (!lua_istable(L, -1)) return NULL;
  c = opt_field(L, -1, "code");
  n = opt_field(L, -1, "name");
  kd = opt_field(L, -1, "kind");
  pn = opt_field(L, -1, "person");
  if (!c || !n || !kd)
    luaL_error(L, "caw.bulk.load: the actor rule must give code, name and"
                  " kind (for '%s')", k);
  if (!caw_actor_code_ok(c))
    caw_lua_fail(L, CAW_EXIT_DATAERR, "%s:%lld: the actor rule gave code"
                 " '%.40s' for '%s': not an actor code (use up to 32 of"
                 " A-Z 0-9 _ - . +)", caw_dsv_name(g->dsv),
                 (long long)caw_dsv_line(g->dsv), c, k);
  if (!caw_vocab_has(caw_actor_kinds, kd))
    caw_lua_fail(L, CAW_EXIT_DATAERR, "%s:%lld: the actor rule gave kind"
                 " '%.40s' for '%s': not an actor kind (expected one of: %s)",
                 caw_dsv_name(g->dsv), (long long)caw_dsv_line(g->dsv), kd,
                 k, "state, organisation, bloc, company, person, group");
  if (!(a = calloc(1, sizeof *a))) oom(L);
  a->code = strdup(c);
  a->name = strdup(n);
  a->kind = strdup(kd);
  a->person = pn && *pn ? strdup(pn) : NULL;
  if (!a->code || !a->name || !a->kind || (pn && *pn && !a->person)) {
    free_actor(a);
    oom(L);
  }
  return a;
}

/* The caw actor of a source actor: by its country code cc, else (with a
   name) by its actor code; NULL when it maps to none. The rule's answer
   is checked once: a bad code or kind ends the load (exit 65). */
static const actor *actor_of(lua_State *L, load *g, const char *acode,
                             const char *aname, const char *cc) {
  const char *k = *cc ? cc : acode;
  size_t len = strlen(k);
  char key[300];
  void **slot;
  actor *a = NULL;
  if (!*cc && (!*acode || !*aname)) return NULL;
  if (len + 2 > sizeof key) return NULL;
  key[0] = *cc ? 'C' : 'O';
  memcpy(key + 1, k, len + 1);
  if ((slot = caw_strmap_find(g->actors, key, len + 1))) return *slot;
  lua_pushvalue(L, S_ACTOR);
  lua_pushstring(L, *cc ? "country" : "code");
  lua_pushstring(L, k);
  lua_pushstring(L, aname);
  lua_call(L, 3, 1);
  a = actor_answer(L, g, k);
  lua_pop(L, 1);
  if (!(slot = caw_strmap_put(g->actors, key, len + 1))) {
    free_actor(a);
    oom(L);
  }
  *slot = a;
  return a;
}

/* actor_key = "name": the caw actor of a source actor by its country,
   name and sectors as the file writes them (any may be empty); the rule
   is called actor("name", country, name, sectors) once per distinct
   three. */
static const actor *actor_named(lua_State *L, load *g, const char *cc,
                                const char *aname, const char *sectors) {
  caw_bulk_buf *k = &g->tb_key;
  void **slot;
  actor *a;
  if (!*cc && !*aname) return NULL;
  k->n = 0;
  k->bad = 0;
  caw_bulk_buf_add(k, cc, strlen(cc) + 1); /* NUL-separated: no clashes */
  caw_bulk_buf_add(k, aname, strlen(aname) + 1);
  caw_bulk_buf_add(k, sectors, strlen(sectors));
  if (k->bad) oom(L);
  if ((slot = caw_strmap_find(g->actors, k->p, k->n))) return *slot;
  lua_pushvalue(L, S_ACTOR);
  lua_pushliteral(L, "name");
  lua_pushstring(L, cc);
  lua_pushstring(L, aname);
  lua_pushstring(L, sectors);
  lua_call(L, 4, 1);
  a = actor_answer(L, g, *aname ? aname : cc);
  lua_pop(L, 1);
  if (!(slot = caw_strmap_put(g->actors, k->p, k->n))) {
    free_actor(a);
    oom(L);
  }
  *slot = a;
  return a;
}

/* The code rule's type and label of an event code (checked once). With
   a subcode column, c is "code/subcode" and the rule is called
   code(c, code, subcode). */
static const code *code_of(lua_State *L, load *g, const char *c, size_t len,
                           const char *part1, const char *part2) {
  static const code invalid = {0, NULL, NULL};
  void **slot;
  code *x;
  if ((slot = caw_strmap_find(g->codes, c, len))) return *slot;
  if (len > g->code_max) return &invalid; /* no event code is that long */
  /* the rule first: it may raise (a timeout), and nothing is held yet */
  lua_pushvalue(L, S_CODE);
  lua_pushlstring(L, c, len);
  if (part2) {
    lua_pushstring(L, part1);
    lua_pushstring(L, part2);
  }
  lua_call(L, part2 ? 3 : 1, 2);
  if (lua_toboolean(L, -2) && (!lua_isstring(L, -2) || !lua_isstring(L, -1)))
    luaL_error(L, "caw.bulk.load: the code rule must give a type and a label"
                  " (for '%s')", c);
  if (lua_toboolean(L, -2) && !caw_vocab_has(caw_event_types, lua_tostring(L, -2)))
    caw_lua_fail(L, CAW_EXIT_DATAERR, "%s:%lld: the code rule gave type"
                 " '%.40s' for code '%.*s': not an event type (see"
                 " docs/schema.md#vocabularies)", caw_dsv_name(g->dsv),
                 (long long)caw_dsv_line(g->dsv), lua_tostring(L, -2),
                 (int)len, c);
  if (!(x = calloc(1, sizeof *x))) oom(L);
  if (lua_toboolean(L, -2)) {
    x->valid = 1;
    x->type = strdup(lua_tostring(L, -2));
    x->label = strdup(lua_tostring(L, -1));
    if (!x->type || !x->label) {
      free_code(x);
      oom(L);
    }
  } else if (lua_type(L, -1) == LUA_TSTRING && !(x->label = strdup(lua_tostring(L, -1)))) {
    free_code(x);
    oom(L);
  }
  lua_pop(L, 2);
  if (!(slot = caw_strmap_put(g->codes, c, len))) {
    free_code(x);
    oom(L);
  }
  *slot = x;
  return x;
}

/* The date rule's day of a date text, with the texts of the layout's
   date_with columns (ACLED's year and time_precision): the rule is called
   date(text, with1, with2) once per distinct set that is a date, and
   gives a day number, or nil, why and the column why is about. Returns 1
   and *day, or 0 with why (or nil) and the column (or nil) at the top of
   the stack. */
static int day_of(lua_State *L, load *g, const layout *lay,
                  const caw_dsv_field *f, const char *s, int64_t *day) {
  caw_bulk_buf *k = &g->tb_key;
  void **slot;
  int64_t *d;
  int isnum, i;
  k->n = 0;
  k->bad = 0;
  caw_bulk_buf_add(k, s, strlen(s));
  for (i = 0; i < lay->nwith; i++) { /* NUL-separated: no clashes */
    caw_bulk_buf_add(k, "", 1);
    caw_bulk_buf_add(k, f[lay->with[i]].ptr, f[lay->with[i]].len);
  }
  if (k->bad) oom(L);
  if ((slot = caw_strmap_find(g->days, k->p, k->n))) {
    *day = *(int64_t *)*slot;
    return 1;
  }
  lua_pushvalue(L, S_DATE);
  lua_pushstring(L, s);
  for (i = 0; i < 2; i++)
    if (i < lay->nwith) lua_pushstring(L, f[lay->with[i]].ptr);
    else lua_pushnil(L);
  lua_call(L, 3, 3);
  *day = (int64_t)lua_tointegerx(L, -3, &isnum);
  if (!isnum) { /* not a date: nothing kept; why and its column stay */
    lua_remove(L, -3);
    return 0;
  }
  lua_pop(L, 3);
  if (!(d = malloc(sizeof *d))) oom(L);
  *d = *day;
  if (!(slot = caw_strmap_put(g->days, k->p, k->n))) {
    free(d);
    oom(L);
  }
  *slot = d;
  return 1;
}

/* A source actor name as a title shows it (the name rule, once per name;
   without one, as it is). */
static const char *name_of(lua_State *L, load *g, const char *s) {
  size_t len = strlen(s);
  void **slot;
  char *t;
  if (lua_type(L, S_NAME) != LUA_TFUNCTION) return s;
  if ((slot = caw_strmap_find(g->names, s, len))) return *slot;
  lua_pushvalue(L, S_NAME);
  lua_pushstring(L, s);
  lua_call(L, 1, 1);
  t = xstrdup(L, lua_isstring(L, -1) ? lua_tostring(L, -1) : s);
  lua_pop(L, 1);
  if (!(slot = caw_strmap_put(g->names, s, len))) {
    free(t);
    oom(L);
  }
  *slot = t;
  return t;
}

/* Push the list view[key] of the view at the top, made anew when the
   predicate replaced or removed it (the view is the predicate's to
   change). Raw access: nothing of the predicate's runs here. */
static void view_list(lua_State *L, const char *key, int size) {
  lua_pushstring(L, key);
  if (lua_rawget(L, -2) == LUA_TTABLE) return;
  lua_pop(L, 1);
  lua_createtable(L, size, 0);
  lua_pushstring(L, key);
  lua_pushvalue(L, -2);
  lua_rawset(L, -4);
}

/* view[key] = the value at the top (popped), raw. */
static void view_set(lua_State *L, const char *key) {
  lua_pushstring(L, key);
  lua_insert(L, -2);
  lua_rawset(L, -3);
}

static int keep_row(lua_State *L, const load *g, const actor *a1, const actor *a2,
                    const char *place, int64_t day, const char *c,
                    const char *source) {
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
  if (place) lua_pushstring(L, place);
  else lua_pushnil(L);
  lua_rawseti(L, -2, 1);
  lua_pop(L, 1);
  lua_pushinteger(L, (lua_Integer)day);
  view_set(L, "day");
  if (g->scheme && strcmp(g->scheme, "cameo") == 0) lua_pushstring(L, c);
  else lua_pushnil(L); /* not a CAMEO code (ACLED's event type) */
  view_set(L, "cameo");
  lua_pushstring(L, source);
  view_set(L, "source");
  lua_call(L, 1, 1);
  keep = lua_toboolean(L, -1);
  lua_pop(L, 1);
  return keep;
}

static const char *fld(const caw_dsv_field *f, const layout *lay, int role) {
  return lay->col[role] >= 0 ? f[lay->col[role]].ptr : "";
}

/* One row: map it, check it, hand it to the engine. */
/* The value of attribute a in the row (mapped), or NULL when it has none. */
static const char *attr_value(const load *g, const attr *a,
                              const caw_dsv_field *f, size_t nf) {
  const char *v;
  if (a->type == A_CONST) return a->cval[nf];
  if (a->col[nf] < 0 || !*(v = f[a->col[nf]].ptr)) return NULL;
  if (a->with >= 0) { /* only beside another attribute */
    const attr *w = &g->attrs[a->with];
    if (w->col[nf] < 0 || !*f[w->col[nf]].ptr) return NULL;
  }
  if (a->map) {
    void **slot = caw_strmap_find(a->map, v, f[a->col[nf]].len);
    return slot ? *slot : NULL;
  }
  return v;
}

/* Fill template t: {1} and {2} the two sides' names, {label} the code's,
   {<role>} (text, ref, ...) and {<attr>} the row's value of that column
   as written; anything else in braces stays as it is. */
static void fill_template(const load *g, caw_bulk_buf *b, const char *t,
                          const char *n1, const char *n2, const char *label) {
  const char *p = t, *q, *e, *v;
  const layout *lay = &g->lay[g->cur_nf];
  size_t len, i;
  while ((q = strchr(p, '{'))) {
    caw_bulk_buf_add(b, p, (size_t)(q - p));
    v = NULL;
    if (!(e = strchr(q, '}'))) { /* no closing brace: the rest as it is */
      p = q;
      break;
    }
    len = (size_t)(e - q - 1);
    if (len == 1 && q[1] == '1') v = n1 ? n1 : "";
    else if (len == 1 && q[1] == '2') v = n2 ? n2 : "";
    else if (len == 5 && strncmp(q + 1, "label", 5) == 0) v = label ? label : "";
    else {
      for (i = 0; i < F_ROLES && !v; i++)
        if (strlen(role_names[i]) == len && strncmp(q + 1, role_names[i], len) == 0)
          v = lay->col[i] >= 0 ? g->cur_f[lay->col[i]].ptr : "";
      for (i = 0; i < g->nattrs && !v; i++)
        if (strlen(g->attrs[i].name) == len && strncmp(q + 1, g->attrs[i].name, len) == 0) {
          v = attr_value(g, &g->attrs[i], g->cur_f, g->cur_nf);
          if (!v) v = "";
        }
    }
    if (v) {
      tb_str(b, v);
      p = e + 1;
    } else {
      caw_bulk_buf_add(b, "{", 1);
      p = q + 1;
    }
  }
  tb_str(b, p);
}

/* Is s a JSON number as it is (so that it can be copied, not printed)? */
static int json_number(const char *s, int *real) {
  const char *p = s;
  *real = 0;
  if (*p == '-') p++;
  if (*p == '0') p++;
  else if (*p >= '1' && *p <= '9')
    while (*p >= '0' && *p <= '9') p++;
  else
    return 0;
  if (*p == '.') {
    p++;
    if (!(*p >= '0' && *p <= '9')) return 0;
    while (*p >= '0' && *p <= '9') p++;
    *real = 1;
  }
  if (*p == 'e' || *p == 'E') {
    p++;
    if (*p == '+' || *p == '-') p++;
    if (!(*p >= '0' && *p <= '9')) return 0;
    while (*p >= '0' && *p <= '9') p++;
    *real = 1;
  }
  return *p == '\0' && p - s <= 24;
}

/* "a,b,c" as a JSON array of strings (empty items left out). */
static void add_list(caw_bulk_buf *b, const char *v) {
  const char *p = v, *q;
  int first = 1;
  char *item;
  caw_bulk_buf_add(b, "[", 1);
  while (*p) {
    q = strchr(p, ',');
    if (!q) q = p + strlen(p);
    if (q > p && (item = strndup(p, (size_t)(q - p)))) {
      if (!first) caw_bulk_buf_add(b, ",", 1);
      first = 0;
      caw_bulk_buf_json(b, item);
      free(item);
    } else if (q > p)
      b->bad = 1;
    p = *q ? q + 1 : q;
  }
  caw_bulk_buf_add(b, "]", 1);
}

/* The engine's make: the title and attrs of the row being added, which
   opens a new event. Texts live in g's buffers until the next row. */
static int make_texts(void *ctx, const char **title_out, const char **attrs_out) {
  load *g = ctx;
  caw_bulk_buf *title = &g->tb_title, *attrs = &g->tb_attrs;
  const caw_dsv_field *f = g->cur_f;
  size_t nf = g->cur_nf, i;
  const char *n1 = g->cur_n1, *n2 = g->cur_n2, *tpl;
  int first = 1, real;
  int64_t iv;
  double dv;
  attrs->n = 0;
  attrs->bad = 0;
  caw_bulk_buf_add(attrs, "{", 1);
  for (i = 0; i < g->nattrs; i++) {
    const attr *a = &g->attrs[i];
    const char *v;
    if (a->slot >= 0 || a->mean) continue; /* the engine writes those */
    if (!(v = attr_value(g, a, f, nf))) continue;
    if (a->type == A_INT && !parse_int(v, &iv)) continue;
    if (a->type == A_NUM && !parse_num(v, &dv)) continue;
    if (a->type == A_FLAG && strcmp(v, "1") != 0) continue;
    if (!first) caw_bulk_buf_add(attrs, ",", 1);
    first = 0;
    caw_bulk_buf_add(attrs, a->key, a->keylen);
    switch (a->type) {
    case A_INT:
      if (json_number(v, &real) && !real) tb_str(attrs, v); /* as written */
      else {
        char num[24];
        caw_bulk_buf_add(attrs, num, (size_t)snprintf(num, sizeof num, "%lld", (long long)iv));
      }
      break;
    case A_NUM:
      if (json_number(v, &real)) { /* as written, and a real */
        tb_str(attrs, v);
        if (!real) caw_bulk_buf_add(attrs, ".0", 2);
      } else
        tb_real(attrs, dv);
      break;
    case A_FLAG: caw_bulk_buf_add(attrs, "true", 4); break;
    case A_CONST: tb_str(attrs, v); break;
    case A_LIST: add_list(attrs, v); break;
    case A_AUTO: /* a JSON number as written, else a string */
      if (json_number(v, &real)) tb_str(attrs, v);
      else caw_bulk_buf_json(attrs, v);
      break;
    default: caw_bulk_buf_json(attrs, v);
    }
  }
  for (i = 0; i < 2; i++) { /* the persons the actor rule named */
    const char *pn = i == 0 ? g->cur_p1 : g->cur_p2;
    if (!pn) continue;
    if (!first) caw_bulk_buf_add(attrs, ",", 1);
    first = 0;
    tb_str(attrs, i == 0 ? "\"actor1_person\":" : "\"actor2_person\":");
    caw_bulk_buf_json(attrs, pn);
  }
  caw_bulk_buf_add(attrs, "}", 1);
  title->n = 0;
  title->bad = 0;
  tpl = n1 && n2 ? g->title_both : n1 || n2 ? g->title_one : g->title_none;
  fill_template(g, title, tpl, n1 ? n1 : n2, n1 ? n2 : NULL, g->cur_label);
  if (attrs->bad || title->bad) return 0;
  *attrs_out = attrs->n > 2 ? attrs->p : NULL;
  *title_out = title->p;
  return 1;
}

static void on_row(lua_State *L, load *g, const caw_dsv_field *f, size_t nf,
                   const char *source) {
  long long line = caw_dsv_line(g->dsv);
  const layout *lay = nf <= MAX_COLUMNS ? &g->lay[nf] : NULL;
  const actor *a1, *a2;
  const code *cm;
  const char *ref, *cs, *c1, *c2, *n1 = NULL, *n2 = NULL, *place = NULL;
  const char *nm1, *nm2;
  char msg[300], root2[3];
  caw_bulk_row r;
  caw_status rc;
  int64_t day, iv = 0;
  double dv = 0;
  size_t i;
  int same, real;
  if (!lay || !lay->used) {
    snprintf(msg, sizeof msg, "%s, found %zu",
             g->msg_layout ? g->msg_layout : "unexpected number of fields", nf);
    reject(L, line, msg, 0);
    return;
  }
  if (g->missing) { /* "NA" is an empty field */
    for (i = 0; i < nf; i++) {
      g->row[i] = f[i];
      if (strcmp(f[i].ptr, g->missing) == 0) {
        g->row[i].ptr = "";
        g->row[i].len = 0;
      }
    }
    f = g->row;
  }
  memset(&r, 0, sizeof r);
  r.line = line;
  ref = fld(f, lay, F_REF);
  if (!*ref || (g->ref_digits && (strspn(ref, "0123456789") != strlen(ref) ||
                                  strlen(ref) > 18))) {
    reject_field(L, g, lay, line, F_REF, ref, NULL);
    return;
  }
  cs = fld(f, lay, F_DATE);
  if (g->date_rule) {
    if (!day_of(L, g, lay, f, cs, &day)) {
      const char *why = lua_tostring(L, -2), *col = lua_tostring(L, -1);
      if (why && col) /* about another column (ACLED's time_precision) */
        snprintf(msg, sizeof msg, "column '%.80s': %.200s", col, why);
      else
        snprintf(msg, sizeof msg, "%.250s", why ? why : "");
      lua_pop(L, 2);
      if (why && col) reject(L, line, msg, 0);
      else reject_field(L, g, lay, line, F_DATE, cs, why ? msg : NULL);
      return;
    }
  } else if (!parse_day(cs, strlen(cs), g->date_dashes, &day)) {
    reject_field(L, g, lay, line, F_DATE, cs, NULL);
    return;
  }
  r.day = day;
  if (g->ref_day) { /* <ref>:<YYYY-MM-DD>: the id names the day too */
    int64_t y;
    int m, d;
    char ymd[40];
    caw_date_civil(day, &y, &m, &d);
    g->tb_ref.n = 0;
    tb_str(&g->tb_ref, ref);
    caw_bulk_buf_add(&g->tb_ref, ymd,
                     (size_t)snprintf(ymd, sizeof ymd, ":%04lld-%02d-%02d", (long long)y, m, d));
    if (g->tb_ref.bad) oom(L);
    ref = g->tb_ref.p;
  }
  r.ref = ref;
  cs = fld(f, lay, F_CODE);
  if (lay->nsub > 0) { /* the code rule sees "code/subcode[/subcode]" */
    size_t at;
    g->tb_code.n = 0;
    g->tb_code.bad = 0;
    tb_str(&g->tb_code, cs);
    caw_bulk_buf_add(&g->tb_code, "/", 1);
    at = g->tb_code.n;
    for (i = 0; i < (size_t)lay->nsub; i++) {
      if (i > 0) caw_bulk_buf_add(&g->tb_code, "/", 1);
      tb_str(&g->tb_code, f[lay->sub[i]].ptr);
    }
    if (g->tb_code.bad) oom(L);
    cm = code_of(L, g, g->tb_code.p, g->tb_code.n, cs, g->tb_code.p + at);
    cs = g->tb_code.p;
  } else
    cm = code_of(L, g, cs, strlen(cs), NULL, NULL);
  if (!cm->valid) {
    reject_field(L, g, lay, line, F_CODE, cs, cm->label);
    return;
  }
  r.code = cs;
  r.type = cm->type;
  cs = fld(f, lay, F_SCALE);
  if (*cs) {
    if (!parse_num(cs, &dv) ||
        (g->has_range && !(dv >= g->scale_min && dv <= g->scale_max))) {
      reject_field(L, g, lay, line, F_SCALE, cs, NULL);
      return;
    }
    r.scale = dv;
    r.has_scale = 1;
  }
  /* the sums and the mean, for merging (attrs are made only for a row
     that opens an event: make_texts) */
  for (i = 0; i < g->nattrs; i++) {
    const attr *a = &g->attrs[i];
    const char *v;
    if ((a->slot < 0 && !a->mean && (int)i != g->place_attr) ||
        a->type == A_CONST || !(v = attr_value(g, a, f, nf)))
      continue;
    if ((int)i == g->place_attr) place = v;
    if (a->type == A_INT && parse_int(v, &iv)) {
      if (a->slot >= 0) {
        r.sums[a->slot] = (double)iv;
        r.has_sums[a->slot] = 1;
        r.sum_texts[a->slot] = json_number(v, &real) && !real ? v : NULL;
      }
    } else if (a->type == A_NUM && parse_num(v, &dv)) {
      int num = json_number(v, &real);
      if (a->slot >= 0) {
        r.sums[a->slot] = dv;
        r.has_sums[a->slot] = 1;
        r.sum_texts[a->slot] = num ? v : NULL;
      }
      if (a->mean) {
        r.mean = dv;
        r.has_mean = 1;
        r.mean_text = num && real ? v : NULL; /* a real stays a real */
      }
    }
  }
  /* actors: the caw actor, else (for the dedup keys and the title) the
     source's own code and name */
  nm1 = fld(f, lay, F_A1NAME);
  nm2 = fld(f, lay, F_A2NAME);
  if (g->actor_by_name) {
    a1 = actor_named(L, g, fld(f, lay, F_A1CC), nm1, fld(f, lay, F_A1SECTORS));
    a2 = actor_named(L, g, fld(f, lay, F_A2CC), nm2, fld(f, lay, F_A2SECTORS));
  } else {
    a1 = actor_of(L, g, fld(f, lay, F_A1CODE), nm1, fld(f, lay, F_A1CC));
    a2 = actor_of(L, g, fld(f, lay, F_A2CODE), nm2, fld(f, lay, F_A2CC));
  }
  c1 = a1 ? a1->code : NULL;
  c2 = a2 ? a2->code : NULL;
  /* both sides one actor (police and protesters of one country), with
     same_actor = "split": the initiator only; the sides told apart by the
     source's own codes, the title by the source's names */
  same = g->split_same && c1 && c2 && strcmp(c1, c2) == 0;
  if (same) {
    r.key1 = fld(f, lay, F_A1CODE);
    r.key2 = fld(f, lay, F_A2CODE);
    a2 = NULL;
    n1 = *nm1 ? name_of(L, g, nm1) : a1->name;
    n2 = *nm2 ? name_of(L, g, nm2) : NULL;
  } else {
    const char *k1 = fld(f, lay, F_A1CODE), *k2 = fld(f, lay, F_A2CODE);
    r.key1 = c1 ? c1 : *k1 ? k1 : NULL;
    r.key2 = c2 ? c2 : *k2 ? k2 : NULL;
    n1 = a1 ? a1->name : *nm1 ? name_of(L, g, nm1) : NULL;
    n2 = a2 ? a2->name : *nm2 ? name_of(L, g, nm2) : NULL;
  }
  if (g->title_source) { /* titles name the sides as the source does */
    n1 = *nm1 ? name_of(L, g, nm1) : NULL;
    n2 = *nm2 ? name_of(L, g, nm2) : NULL;
  }
  if (a1) {
    r.actor1 = a1->code;
    r.name1 = a1->name;
    r.kind1 = a1->kind;
  }
  if (a2) {
    r.actor2 = a2->code;
    r.name2 = a2->name;
    r.kind2 = a2->kind;
  }
  if (lua_type(L, S_WHERE) == LUA_TFUNCTION &&
      !keep_row(L, g, a1, a2, place, day, r.code, source)) {
    g->filtered++;
    return;
  }
  if (g->root_is_code)
    r.root = r.code;
  else {
    r.root = fld(f, lay, F_ROOT);
    if (!*r.root) { /* no root code: the code's first two characters */
      snprintf(root2, sizeof root2, "%.2s", r.code);
      r.root = root2;
    }
  }
  if (lay->nplace > 1) { /* "Dushanbe, Tajikistan": places joined, repeats once */
    const char *last = NULL;
    g->tb_place.n = 0;
    for (i = 0; i < (size_t)lay->nplace; i++) {
      cs = f[lay->place[i]].ptr;
      if (!*cs || (last && strcmp(cs, last) == 0)) continue;
      if (last) caw_bulk_buf_add(&g->tb_place, ", ", 2);
      tb_str(&g->tb_place, cs);
      last = cs;
    }
    if (g->tb_place.bad) oom(L);
    r.location = last ? g->tb_place.p : NULL;
  } else {
    cs = fld(f, lay, F_LOCATION);
    r.location = *cs ? cs : NULL;
  }
  /* what make_texts needs, should the row open an event */
  g->cur_f = f;
  g->cur_nf = nf;
  g->cur_n1 = n1;
  g->cur_n2 = n2;
  g->cur_label = cm->label;
  g->cur_p1 = a1 ? a1->person : NULL;
  g->cur_p2 = a2 ? a2->person : NULL;
  if (g->url_tpl) { /* urn:icews:story:{story} */
    g->tb_url.n = 0;
    fill_template(g, &g->tb_url, g->url_tpl, NULL, NULL, cm->label);
    if (g->tb_url.bad) oom(L);
    r.url = g->tb_url.p;
  } else {
    cs = fld(f, lay, F_URL);
    r.url = *cs ? cs : NULL;
  }
  r.make = make_texts;
  r.ctx = g;
  if ((rc = caw_bulk_add(g->bulk, &r, g->err, sizeof g->err)) != CAW_OK)
    caw_lua_fail(L, caw_status_exit(rc), "%s", g->err);
}

/* The row loop, called with load's stack slots as its arguments (so S_*
   mean the same here). */
static int load_rows(lua_State *L) {
  load *g = lua_touserdata(L, S_LOAD);
  const char *source = luaL_checkstring(L, -1);
  char err[CAW_ERRMAX];
  caw_status rc;
  size_t nf;
  lua_settop(L, S_LOAD); /* source stays alive on the caller's stack */
  for (;;) {
    if ((g->read & 4095) == 0) caw_lua_check(L); /* --timeout */
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
    on_row(L, g, caw_dsv_row(g->dsv, NULL), nf, source);
    if (g->read % PROGRESS_EVERY == 0 && lua_type(L, S_PROGRESS) == LUA_TFUNCTION) {
      uint64_t done, total;
      caw_dsv_progress(g->dsv, &done, &total);
      lua_pushvalue(L, S_PROGRESS);
      lua_pushinteger(L, (lua_Integer)done);
      lua_pushinteger(L, (lua_Integer)total);
      lua_pushinteger(L, (lua_Integer)g->read);
      lua_call(L, 3, 0);
    }
  }
  return 0;
}

/* ---- reading the declaration ---- */

static int64_t spec_int(lua_State *L, int idx, const char *k, int64_t dflt) {
  int64_t v = dflt;
  int isnum;
  if (lua_getfield(L, idx, k) != LUA_TNIL) {
    v = (int64_t)lua_tointegerx(L, -1, &isnum);
    if (!isnum || v < 0)
      luaL_error(L, "caw.bulk.load: '%s' must be a whole number >= 0", k);
  }
  lua_pop(L, 1);
  return v;
}

static int spec_bool(lua_State *L, int idx, const char *k, int dflt) {
  int v = dflt;
  if (lua_getfield(L, idx, k) != LUA_TNIL) v = lua_toboolean(L, -1);
  lua_pop(L, 1);
  return v;
}

static char *spec_str(lua_State *L, int idx, const char *k, int required) {
  char *s = NULL;
  int t = lua_getfield(L, idx, k);
  if (t == LUA_TSTRING) s = xstrdup(L, lua_tostring(L, -1));
  else if (t != LUA_TNIL || required)
    luaL_error(L, "caw.bulk.load: '%s' must be a string", k);
  lua_pop(L, 1);
  return s;
}

static void spec_func(lua_State *L, const char *k, int required) {
  int t = lua_getfield(L, A_SPEC, k);
  if (t != LUA_TFUNCTION && (required || t != LUA_TNIL))
    luaL_error(L, "caw.bulk.load: '%s' must be a function", k);
}

static int attr_index(load *g, const char *name) {
  size_t i;
  for (i = 0; i < g->nattrs; i++)
    if (strcmp(g->attrs[i].name, name) == 0) return (int)i;
  return -1;
}

/* One layout, the table at the top: {fields = {ref = 1, ...}, const =
   {version = 1}}, for rows of nc columns. A field is a column number (a
   location, a subcode or date_with may be a list of them). */
static void read_layout(lua_State *L, load *g, int nc) {
  layout *lay = &g->lay[nc];
  size_t i, j;
  int isnum;
  lay->used = 1;
  lay->nplace = 0;
  lay->nwith = 0;
  lay->nsub = 0;
  for (i = 0; i < F_ROLES; i++) lay->col[i] = -1;
  caw_sandbox_unwrap(L, -1);
  if (lua_getfield(L, -1, "fields") != LUA_TTABLE)
    luaL_error(L, "caw.bulk.load: layout %d needs 'fields'", nc);
  caw_sandbox_unwrap(L, -1);
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    const char *name = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
    lua_Integer col;
    int found = 0;
    if (name && (strcmp(name, "location") == 0 || strcmp(name, "subcode") == 0) &&
        lua_istable(L, -1)) {
      int is_sub = name[0] == 's', max = is_sub ? MAX_SUBCODES : MAX_PLACES;
      int *cols = is_sub ? lay->sub : lay->place, *n = is_sub ? &lay->nsub : &lay->nplace;
      lua_Integer k;
      caw_sandbox_unwrap(L, -1);
      for (k = 1; lua_rawgeti(L, -1, k) != LUA_TNIL; k++) {
        col = lua_tointegerx(L, -1, &isnum);
        if (!isnum || col < 1 || col > nc || *n >= max)
          luaL_error(L, "caw.bulk.load: layout %d: %s is a column or a"
                        " list of up to %d (1 to %d)", nc, name, max, nc);
        cols[(*n)++] = (int)col - 1;
        lua_pop(L, 1);
      }
      lua_pop(L, 2);
      if (!is_sub && lay->nplace) lay->col[F_LOCATION] = lay->place[0];
      if (is_sub && lay->nsub) lay->col[F_SUBCODE] = lay->sub[0];
      continue;
    }
    if (name && strcmp(name, "date_with") == 0 && lua_istable(L, -1)) {
      lua_Integer k;
      caw_sandbox_unwrap(L, -1);
      for (k = 1; lua_rawgeti(L, -1, k) != LUA_TNIL; k++) {
        col = lua_tointegerx(L, -1, &isnum);
        if (!isnum || col < 1 || col > nc || lay->nwith >= 2)
          luaL_error(L, "caw.bulk.load: layout %d: date_with is a column or a"
                        " list of up to 2 (1 to %d)", nc, nc);
        lay->with[lay->nwith++] = (int)col - 1;
        lua_pop(L, 1);
      }
      lua_pop(L, 2);
      continue;
    }
    col = lua_tointegerx(L, -1, &isnum);
    if (!name || !isnum || col < 1 || col > nc)
      luaL_error(L, "caw.bulk.load: layout %d: a field is a name = column"
                    " (1 to %d)", nc, nc);
    for (i = 0; i < F_ROLES; i++)
      if (strcmp(name, role_names[i]) == 0) {
        lay->col[i] = (int)col - 1;
        found = 1;
        if (i == F_DATE_WITH) {
          lay->with[0] = (int)col - 1;
          lay->nwith = 1;
        }
      }
    for (j = 0; j < g->nattrs; j++)
      if (strcmp(name, g->attrs[j].name) == 0 && g->attrs[j].type != A_CONST) {
        g->attrs[j].col[nc] = (int)col - 1;
        found = 1;
      }
    if (!found)
      luaL_error(L, "caw.bulk.load: layout %d: field '%s' is neither a role"
                    " (ref, date, code, ...) nor a declared attribute", nc, name);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  if (lay->col[F_SUBCODE] >= 0 && lay->nsub == 0) { /* one column */
    lay->sub[0] = lay->col[F_SUBCODE];
    lay->nsub = 1;
  }
  if (lua_getfield(L, -1, "const") == LUA_TTABLE) {
    caw_sandbox_unwrap(L, -1);
    lua_pushnil(L);
    while (lua_next(L, -2)) {
      int a = lua_type(L, -2) == LUA_TSTRING ? attr_index(g, lua_tostring(L, -2)) : -1;
      char num[64];
      if (a < 0 || g->attrs[a].type != A_CONST)
        luaL_error(L, "caw.bulk.load: layout %d: a const must be a declared"
                      " attribute of type 'const'", nc);
      if (lua_isinteger(L, -1))
        snprintf(num, sizeof num, "%lld", (long long)lua_tointeger(L, -1));
      else if (lua_type(L, -1) == LUA_TNUMBER)
        snprintf(num, sizeof num, "%.17g", lua_tonumber(L, -1));
      else
        luaL_error(L, "caw.bulk.load: layout %d: a const is a number", nc);
      free(g->attrs[a].cval[nc]);
      g->attrs[a].cval[nc] = xstrdup(L, num);
      lua_pop(L, 1);
    }
  }
  lua_pop(L, 1);
}

/* spec.layouts: {[57] = {fields = {ref = 1, ...}, const = {version = 1}}},
   by column count; or none, with a header_layout function. */
static void read_layouts(lua_State *L, load *g) {
  int t = lua_getfield(L, A_SPEC, "layouts");
  if (t == LUA_TNIL && lua_type(L, S_HEADER) == LUA_TFUNCTION) {
    lua_pop(L, 1);
    return;
  }
  if (t != LUA_TTABLE)
    luaL_error(L, "caw.bulk.load: 'layouts' must be a table {[columns] = {fields = ...}}");
  caw_sandbox_unwrap(L, -1); /* a module's table: read its contents */
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    lua_Integer nc;
    int isnum;
    nc = lua_tointegerx(L, -2, &isnum);
    if (!isnum || nc < 1 || nc > MAX_COLUMNS || !lua_istable(L, -1))
      luaL_error(L, "caw.bulk.load: layouts are keyed by a column count (1 to %d)",
                 MAX_COLUMNS);
    read_layout(L, g, (int)nc);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
}

/* With a header: header_layout(names) gives the layout of the file's
   columns (numbers), or raises (a missing column, at line 1). */
static void header_layout(lua_State *L, load *g) {
  size_t i;
  g->hdr = caw_dsv_header(g->dsv, &g->nhdr);
  if (lua_type(L, S_HEADER) != LUA_TFUNCTION) return;
  if (!g->hdr) luaL_error(L, "caw.bulk.load: 'header_layout' needs header = true");
  if (g->nhdr > MAX_COLUMNS)
    caw_lua_fail(L, CAW_EXIT_DATAERR, "%s:1: %zu columns (at most %d)",
                 caw_dsv_name(g->dsv), g->nhdr, MAX_COLUMNS);
  lua_pushvalue(L, S_HEADER);
  lua_createtable(L, (int)g->nhdr, 0);
  for (i = 0; i < g->nhdr; i++) {
    lua_pushlstring(L, g->hdr[i].ptr, g->hdr[i].len);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_call(L, 1, 1);
  if (!lua_istable(L, -1))
    luaL_error(L, "caw.bulk.load: header_layout must give a layout {fields = ...}");
  read_layout(L, g, (int)g->nhdr);
  lua_pop(L, 1);
}

/* spec.attrs: {{name =, type = "int"|"num"|"str"|"flag"|"const", sum =,
   mean =, map =, with =}, ...} */
static void read_attrs(lua_State *L, load *g, caw_bulk_opts *o) {
  size_t i, j;
  static const char *const types[] = {"int", "num", "str", "flag", "const", "list",
                                      "auto", NULL};
  if (lua_getfield(L, A_SPEC, "attrs") == LUA_TNIL) {
    lua_pop(L, 1);
    return;
  }
  if (!lua_istable(L, -1)) luaL_error(L, "caw.bulk.load: 'attrs' must be a list");
  caw_sandbox_unwrap(L, -1);
  for (i = 1; lua_rawgeti(L, -1, (lua_Integer)i) == LUA_TTABLE; i++) {
    attr *a;
    char *with;
    int t = lua_gettop(L);
    caw_sandbox_unwrap(L, t);
    if (g->nattrs >= MAX_ATTRS)
      luaL_error(L, "caw.bulk.load: at most %d attrs", MAX_ATTRS);
    a = &g->attrs[g->nattrs++];
    a->name = spec_str(L, t, "name", 1);
    {
      caw_bulk_buf k = {NULL, 0, 0, 0};
      caw_bulk_buf_json(&k, a->name);
      caw_bulk_buf_add(&k, ":", 1);
      if (k.bad) oom(L);
      a->key = k.p;
      a->keylen = k.n;
    }
    lua_getfield(L, t, "type");
    a->type = luaL_checkoption(L, -1, "str", types);
    lua_pop(L, 1);
    for (j = 0; j <= MAX_COLUMNS; j++) a->col[j] = -1;
    a->with = -1;
    a->slot = -1;
    a->sum = spec_bool(L, t, "sum", 0);
    a->mean = spec_bool(L, t, "mean", 0);
    if ((a->sum || a->mean) && a->type != A_INT && a->type != A_NUM)
      luaL_error(L, "caw.bulk.load: attr '%s': only numbers sum or average", a->name);
    if (a->sum) {
      if (o->n_sums >= CAW_BULK_MAX_SUMS)
        luaL_error(L, "caw.bulk.load: at most %d summed attrs", CAW_BULK_MAX_SUMS);
      a->slot = (int)o->n_sums;
      o->sums[o->n_sums++] = a->name;
    }
    if (a->mean) {
      if (o->mean) luaL_error(L, "caw.bulk.load: one mean attr at most");
      o->mean = a->name;
    }
    if (lua_getfield(L, t, "map") == LUA_TTABLE) {
      caw_sandbox_unwrap(L, -1); /* lib/fips.lua's table, say */
      if (!(a->map = caw_strmap_new())) oom(L);
      lua_pushnil(L);
      while (lua_next(L, -2)) {
        if (lua_type(L, -2) == LUA_TSTRING && lua_type(L, -1) == LUA_TSTRING) {
          size_t kl;
          const char *k = lua_tolstring(L, -2, &kl);
          void **slot = caw_strmap_put(a->map, k, kl);
          if (!slot) oom(L);
          if (!*slot) *slot = xstrdup(L, lua_tostring(L, -1));
        }
        lua_pop(L, 1);
      }
    }
    lua_pop(L, 1);
    with = spec_str(L, t, "with", 0);
    if (with) {
      a->with = attr_index(g, with);
      free(with);
      if (a->with < 0)
        luaL_error(L, "caw.bulk.load: attr '%s': 'with' names an earlier attr", a->name);
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 2);
  if (o->mean && !o->n_sums)
    luaL_error(L, "caw.bulk.load: a mean attr needs a sum attr (its weight) first");
}

/*
** caw.bulk.load(path, spec) -> counts {read, added, updated, unchanged,
** merged, filtered}. spec (docs/lua-api.md, docs/importers.md "Adding a
** source"): source, scheme, sep, quote, header, missing, layouts (or the
** function header_layout(names)), attrs, date ("YYYYMMDD", "YYYY-MM-DD",
** or the function date(text, with1, with2)), ref_digits, ref_day,
** code_max, scale_range {min, max}, same_actor ("split"), actor_key
** ("name"), place (an attr name), title {both, one, none}, title_names
** ("source"), url (a template), messages {layout, ref, date, code,
** scale}, dedup (false or {days, key, directed, url, window, max_open,
** lookback, across_files}), confidence, batch, skip_bad, and the
** functions code(code [, code, subcode]), actor(kind, code, name [,
** sectors]), name(name) (optional), reject(line, msg, unread),
** progress(done, total, rows) and where(view) (optional). Runs inside the
** caller's transaction.
*/
static int l_load(lua_State *L) {
  const char *path = luaL_checkstring(L, A_PATH);
  caw_store *st;
  caw_lua_check_read(L, path); /* --sandbox: a file it may read */
  st = caw_lua_store(L);
  caw_dsv_opts dopts;
  caw_bulk_opts o = caw_bulk_defaults();
  caw_bulk_counts n;
  load *g;
  char err[CAW_ERRMAX], *source, *sep, *date, *key, *same, *place;
  int rc, i;
  luaL_checktype(L, A_SPEC, LUA_TTABLE);
  lua_settop(L, A_SPEC);
  if (!st || caw_store_depth(st) == 0)
    return luaL_error(L, "caw.bulk.load: needs an open transaction");
  spec_func(L, "actor", 1);    /* S_ACTOR */
  spec_func(L, "code", 1);     /* S_CODE */
  spec_func(L, "name", 0);     /* S_NAME */
  spec_func(L, "reject", 1);   /* S_REJECT */
  spec_func(L, "progress", 0); /* S_PROGRESS */
  spec_func(L, "where", 0);    /* S_WHERE */
  if (lua_getfield(L, A_SPEC, "date") != LUA_TFUNCTION) { /* S_DATE */
    lua_pop(L, 1);
    lua_pushnil(L);
  }
  spec_func(L, "header_layout", 0); /* S_HEADER */
  lua_createtable(L, 0, 5);    /* S_VIEW: what where() sees */
  lua_createtable(L, 2, 0);
  lua_setfield(L, -2, "actors");
  lua_createtable(L, 1, 0);
  lua_setfield(L, -2, "places");
  g = lua_newuserdatauv(L, sizeof *g, 0); /* S_LOAD */
  memset(g, 0, sizeof *g);
  luaL_setmetatable(L, LOAD_MT);
  if (!(g->actors = caw_strmap_new()) || !(g->codes = caw_strmap_new()) ||
      !(g->names = caw_strmap_new()) || !(g->days = caw_strmap_new()))
    return oom(L);
  g->place_attr = -1;
  /* strings read here are held by g (freed by __gc) or freed at once */
  source = spec_str(L, A_SPEC, "source", 1);
  lua_pushstring(L, source); /* kept on the stack: the row loop's source */
  free(source);
  source = (char *)lua_tostring(L, -1);
  lua_pushvalue(L, -1);
  lua_setfield(L, S_VIEW, "source");
  g->scheme = spec_str(L, A_SPEC, "scheme", 0);
  read_attrs(L, g, &o);
  read_layouts(L, g);
  g->date_rule = lua_type(L, S_DATE) == LUA_TFUNCTION;
  date = g->date_rule ? NULL : spec_str(L, A_SPEC, "date", 0);
  g->date_dashes = date && strcmp(date, "YYYY-MM-DD") == 0;
  if (date && !g->date_dashes && strcmp(date, "YYYYMMDD") != 0) {
    free(date);
    return luaL_error(L, "caw.bulk.load: 'date' must be \"YYYYMMDD\" or \"YYYY-MM-DD\"");
  }
  free(date);
  g->ref_digits = spec_bool(L, A_SPEC, "ref_digits", 0);
  g->ref_day = spec_bool(L, A_SPEC, "ref_day", 0);
  g->code_max = (size_t)spec_int(L, A_SPEC, "code_max", 8);
  g->missing = spec_str(L, A_SPEC, "missing", 0);
  g->url_tpl = spec_str(L, A_SPEC, "url", 0);
  key = spec_str(L, A_SPEC, "actor_key", 0);
  g->actor_by_name = key && strcmp(key, "name") == 0;
  free(key);
  key = spec_str(L, A_SPEC, "title_names", 0);
  g->title_source = key && strcmp(key, "source") == 0;
  free(key);
  if (lua_getfield(L, A_SPEC, "scale_range") == LUA_TTABLE) {
    caw_sandbox_unwrap(L, -1);
    lua_rawgeti(L, -1, 1);
    lua_rawgeti(L, -2, 2);
    if (!lua_isnumber(L, -2) || !lua_isnumber(L, -1))
      return luaL_error(L, "caw.bulk.load: 'scale_range' is {min, max}");
    g->has_range = 1;
    g->scale_min = lua_tonumber(L, -2);
    g->scale_max = lua_tonumber(L, -1);
    lua_pop(L, 2);
  }
  lua_pop(L, 1);
  same = spec_str(L, A_SPEC, "same_actor", 0);
  g->split_same = same && strcmp(same, "split") == 0;
  free(same);
  place = spec_str(L, A_SPEC, "place", 0);
  if (place) {
    g->place_attr = attr_index(g, place);
    free(place);
    if (g->place_attr < 0)
      return luaL_error(L, "caw.bulk.load: 'place' names no attr");
  }
  if (lua_getfield(L, A_SPEC, "title") != LUA_TTABLE)
    return luaL_error(L, "caw.bulk.load: 'title' must be {both =, one =, none =}");
  g->title_both = spec_str(L, lua_gettop(L), "both", 1);
  g->title_one = spec_str(L, lua_gettop(L), "one", 1);
  g->title_none = spec_str(L, lua_gettop(L), "none", 1);
  lua_pop(L, 1);
  if (lua_getfield(L, A_SPEC, "messages") == LUA_TTABLE) {
    int t = lua_gettop(L);
    g->msg_layout = spec_str(L, t, "layout", 0);
    for (i = 0; i < F_ROLES; i++) g->msg[i] = spec_str(L, t, role_names[i], 0);
  }
  lua_pop(L, 1);
  /* the engine's options */
  if (lua_getfield(L, A_SPEC, "dedup") == LUA_TTABLE) {
    int t = lua_gettop(L);
    o.dedup = 1;
    o.days = (int)spec_int(L, t, "days", 1);
    key = spec_str(L, t, "key", 0);
    g->root_is_code = key && strcmp(key, "code") == 0;
    free(key);
    o.directed = spec_bool(L, t, "directed", 0);
    o.use_url = spec_bool(L, t, "url", 1);
    o.window = spec_int(L, t, "window", 14);
    o.max_open = spec_int(L, t, "max_open", 20000);
    o.lookback = spec_int(L, t, "lookback", 60);
    o.across_files = spec_bool(L, t, "across_files", 1);
    if (o.days > 366) return luaL_error(L, "caw.bulk.load: 'days' is at most 366");
  } else if (lua_toboolean(L, -1))
    return luaL_error(L, "caw.bulk.load: 'dedup' must be a table or false");
  else
    o.dedup = 0;
  lua_pop(L, 1);
  lua_getfield(L, A_SPEC, "confidence");
  o.confidence = lua_isnil(L, -1) ? 1 : lua_tonumber(L, -1);
  lua_pop(L, 1);
  if (!(o.confidence >= 0 && o.confidence <= 1))
    return luaL_error(L, "caw.bulk.load: 'confidence' must be from 0 to 1");
  o.batch = spec_int(L, A_SPEC, "batch", 0);
  g->skip_bad = spec_bool(L, A_SPEC, "skip_bad", 0);
  sep = spec_str(L, A_SPEC, "sep", 0);
  dopts = caw_dsv_defaults(sep && *sep ? (unsigned char)sep[0] : '\t');
  free(sep);
  dopts.quote = spec_bool(L, A_SPEC, "quote", 0);
  dopts.header = spec_bool(L, A_SPEC, "header", 0);
  o.source = source;
  o.scheme = g->scheme;
  o.file = path;
  if ((rc = caw_dsv_open(path, &dopts, &g->dsv, err, sizeof err)) != CAW_OK)
    return caw_lua_fail(L, caw_status_exit(rc), "%s", err);
  header_layout(L, g);
  o.file = caw_dsv_name(g->dsv);
  if ((rc = caw_bulk_open(st, &o, &g->bulk, err, sizeof err)) != CAW_OK)
    return caw_lua_fail(L, caw_status_exit(rc), "%s", err);
  /* The rows, under lua_pcall so that the writer thread is stopped before
     an error (a bad row, a timeout) unwinds the transaction. */
  lua_pushcfunction(L, load_rows);
  for (i = 1; i <= S_LOAD; i++) lua_pushvalue(L, i);
  lua_pushstring(L, source);
  rc = lua_pcall(L, S_LOAD + 1, 0, 0);
  if (rc != LUA_OK) {
    caw_bulk_free(g->bulk); /* stops the writer first */
    g->bulk = NULL;
    return lua_error(L);
  }
  if ((rc = caw_bulk_finish(g->bulk, &n, err, sizeof err)) != CAW_OK)
    return caw_lua_fail(L, caw_status_exit(rc), "%s", err);
  lua_createtable(L, 0, 6);
  lua_pushinteger(L, (lua_Integer)g->read);
  lua_setfield(L, -2, "read");
  lua_pushinteger(L, (lua_Integer)n.added);
  lua_setfield(L, -2, "added");
  lua_pushinteger(L, (lua_Integer)n.unchanged);
  lua_setfield(L, -2, "unchanged");
  lua_pushinteger(L, (lua_Integer)n.updated);
  lua_setfield(L, -2, "updated");
  lua_pushinteger(L, (lua_Integer)n.merged);
  lua_setfield(L, -2, "merged");
  lua_pushinteger(L, (lua_Integer)g->filtered);
  lua_setfield(L, -2, "filtered");
  free_load(g);
  return 1;
}

/* Open `caw.bulk`: leaves the module table ({load = ...}) on the stack. */
int luaopen_caw_bulk(lua_State *L) {
  static const luaL_Reg funcs[] = {{"load", l_load}, {NULL, NULL}};
  if (luaL_newmetatable(L, LOAD_MT)) {
    lua_pushcfunction(L, load_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_pop(L, 1);
  luaL_newlib(L, funcs);
  return 1;
}

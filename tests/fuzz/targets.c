/*
** targets.c -- what each fuzz target does with one input, and the
** invariants it checks. Compiled into the libFuzzer harnesses
** (tests/fuzz/fuzz_*.c) and into the regression test
** (tests/test_fuzz_regress.c); calls date.c and dsv.c directly, and the
** JSON import path through runtime.c (lib/importer.lua, the caw-json
** importer, caw.add_event) over a store.c database, and the whole Lua API
** (random scripts from a grammar of caw calls) under --sandbox.
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>

#include "caw/bulk.h"
#include "caw/date.h"
#include "caw/dsv.h"
#include "caw/runtime.h"
#include "caw/store.h"
#include "targets.h"

/* A broken invariant is a finding: abort so that libFuzzer (or the
   regression test) stops here and keeps the input. */
#define CHECK(cond, ...)                                                     \
  do {                                                                       \
    if (!(cond)) {                                                           \
      fprintf(stderr, "caw-fuzz: %s:%d: check failed: %s: ", __FILE__,       \
              __LINE__, #cond);                                              \
      fprintf(stderr, __VA_ARGS__);                                          \
      fputc('\n', stderr);                                                   \
      abort();                                                               \
    }                                                                        \
  } while (0)

/* An error message must be NUL-terminated inside its buffer and say
   something. */
/* Remove the database file db and the WAL and shared-memory files beside
   it. */
static void remove_db(const char *db) {
  char side[512];
  remove(db);
  snprintf(side, sizeof side, "%s-wal", db);
  remove(side);
  snprintf(side, sizeof side, "%s-shm", db);
  remove(side);
}

static void check_message(const char *err, size_t n) {
  CHECK(memchr(err, '\0', n) != NULL, "message not NUL-terminated");
  CHECK(err[0] != '\0', "empty message");
}

/* ---- EDTF dates ---- */

static void check_format(int64_t day) {
  char buf[64], *tight;
  int k = caw_date_format(day, buf, sizeof buf);
  CHECK(k > 0 && (size_t)k < sizeof buf && strlen(buf) == (size_t)k,
        "format of day %lld gave %d", (long long)day, k);
  tight = malloc(4); /* exact size: ASan sees any overrun */
  CHECK(tight != NULL, "out of memory");
  k = caw_date_format(day, tight, 4);
  CHECK(k >= 0 && k <= 3 && tight[k] == '\0' && memcmp(tight, buf, (size_t)k) == 0,
        "truncated format of day %lld", (long long)day);
  free(tight);
}

/* A day's own ISO form must parse back to exactly that day. */
static void check_round_trip(int64_t day) {
  char buf[64], err[CAW_ERRMAX];
  int64_t year;
  int month, mday;
  caw_date back;
  caw_status st;
  if (day <= CAW_DAY_OPEN_LO || day >= CAW_DAY_OPEN_HI) return;
  caw_date_civil(day, &year, &month, &mday);
  CHECK(month >= 1 && month <= 12 && mday >= 1 && mday <= 31,
        "civil of day %lld", (long long)day);
  CHECK(caw_date_days(year, month, mday) == day, "days(civil(%lld))",
        (long long)day);
  if (year < -9999 || year > 9999) return; /* those need the Y prefix */
  caw_date_format(day, buf, sizeof buf);
  st = caw_date_parse(buf, strlen(buf), &back, err, sizeof err);
  CHECK(st == CAW_OK, "\"%s\" does not parse back: %s", buf, err);
  CHECK(back.lo == day && back.hi == day && back.precision == CAW_PREC_DAY &&
            !back.interval && back.qualifiers == 0,
        "\"%s\" parses back as %lld..%lld", buf, (long long)back.lo,
        (long long)back.hi);
}

int caw_fuzz_date(const uint8_t *data, size_t len) {
  char err[CAW_ERRMAX], *tiny;
  caw_date d, again;
  caw_status st, st2;
  const char *s = (const char *)data;

  memset(err, 'x', sizeof err);
  st = caw_date_parse(s, len, &d, err, sizeof err);
  CHECK(st == CAW_OK || st == CAW_EINVAL, "status %d", (int)st);
  /* the same input with a 5-byte message buffer: same answer, no
     overrun, still terminated */
  tiny = malloc(5);
  CHECK(tiny != NULL, "out of memory");
  memset(tiny, 'x', 5);
  st2 = caw_date_parse(s, len, &again, tiny, 5);
  CHECK(st2 == st, "status %d with a small message buffer, %d without",
        (int)st2, (int)st);
  if (st != CAW_OK) {
    check_message(err, sizeof err);
    CHECK(memchr(tiny, '\0', 5) != NULL, "small message not terminated");
    free(tiny);
    return 0;
  }
  free(tiny);
  CHECK(again.lo == d.lo && again.hi == d.hi &&
            again.precision == d.precision &&
            again.qualifiers == d.qualifiers && again.interval == d.interval,
        "two parses of the same input differ");
  CHECK(d.lo <= d.hi, "lo %lld > hi %lld", (long long)d.lo, (long long)d.hi);
  CHECK(d.lo >= CAW_DAY_OPEN_LO && d.hi <= CAW_DAY_OPEN_HI,
        "bounds %lld..%lld outside the open ends", (long long)d.lo,
        (long long)d.hi);
  CHECK(d.precision >= CAW_PREC_DAY && d.precision <= CAW_PREC_INTERVAL,
        "precision %d", (int)d.precision);
  CHECK(strcmp(caw_date_precision_name(d.precision), "unknown") != 0,
        "precision %d has no name", (int)d.precision);
  CHECK((d.qualifiers & ~(CAW_DATE_UNCERTAIN | CAW_DATE_APPROX)) == 0,
        "qualifiers %u", d.qualifiers);
  CHECK(d.interval == 0 || d.interval == 1, "interval %d", d.interval);
  CHECK(d.interval || (d.lo > CAW_DAY_OPEN_LO && d.hi < CAW_DAY_OPEN_HI),
        "a single date with an open end");
  check_format(d.lo);
  check_format(d.hi);
  check_round_trip(d.lo);
  check_round_trip(d.hi);
  return 1;
}

/* ---- delimited files ---- */

static const unsigned char SEPS[4] = {',', '\t', ';', '|'};
static const size_t BUFSIZES[4] = {0, 1, 7, 64}; /* 0: the default */

/* Options from the first byte: bits 0-1 separator, 2 quoting, 3 header,
   4 UTF-8 check, 5-6 buffer size, 7 tight limits. */
static caw_dsv_opts dsv_opts(uint8_t b) {
  caw_dsv_opts o = caw_dsv_defaults(SEPS[b & 3]);
  o.quote = (b >> 2) & 1;
  o.header = (b >> 3) & 1;
  o.utf8 = (b >> 4) & 1;
  o.bufsize = BUFSIZES[(b >> 5) & 3];
  if (b & 0x80) {
    o.max_field = 16;
    o.max_line = 48;
  }
  return o;
}

static int utf8_valid(const unsigned char *s, size_t len) {
  size_t i = 0;
  while (i < len) {
    unsigned c = s[i], need, k;
    unsigned long cp, min;
    if (c < 0x80) { i++; continue; }
    if (c >= 0xc2 && c <= 0xdf) { need = 1; cp = c & 0x1f; min = 0x80; }
    else if (c >= 0xe0 && c <= 0xef) { need = 2; cp = c & 0x0f; min = 0x800; }
    else if (c >= 0xf0 && c <= 0xf4) { need = 3; cp = c & 0x07; min = 0x10000; }
    else return 0;
    if (len - i <= need) return 0;
    for (k = 1; k <= need; k++) {
      if ((s[i + k] & 0xc0) != 0x80) return 0;
      cp = cp << 6 | (s[i + k] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
    i += need + 1;
  }
  return 1;
}

static uint64_t fnv(uint64_t h, const void *p, size_t n) {
  const unsigned char *s = p;
  while (n--) h = (h ^ *s++) * 1099511628211u;
  return h;
}

static void check_field(const caw_dsv_opts *o, const caw_dsv_field *f) {
  CHECK(f->ptr != NULL && f->ptr[f->len] == '\0', "field not terminated");
  CHECK(memchr(f->ptr, '\0', f->len) == NULL, "NUL byte inside a field");
  CHECK(f->len <= o->max_field, "field of %zu bytes over max_field %zu",
        f->len, o->max_field);
  CHECK(!o->utf8 || utf8_valid((const unsigned char *)f->ptr, f->len),
        "invalid UTF-8 passed the check");
  if (!o->quote) {
    CHECK(memchr(f->ptr, o->sep, f->len) == NULL, "separator inside a field");
    CHECK(memchr(f->ptr, '\n', f->len) == NULL, "line end inside a field");
  }
}

/* Read everything with options o; returns the rows read (-1: the open
   failed) and a hash of every row, message and line number in *hash. */
static long dsv_read(const uint8_t *text, size_t len, caw_dsv_opts o,
                     uint64_t *hash) {
  char err[CAW_ERRMAX];
  caw_dsv *r = NULL;
  const caw_dsv_field *head, *row;
  size_t nhead = 0, n, n2, i, calls = 0;
  long rows = 0;
  long long line, last_line = 0;
  uint64_t consumed, total, h = 14695981039346656037u;
  caw_status st;

  memset(err, 'x', sizeof err);
  st = caw_dsv_open_mem(text, len, "fuzz", &o, &r, err, sizeof err);
  if (st != CAW_OK) {
    CHECK(r == NULL, "a failed open stored a reader");
    check_message(err, sizeof err);
    *hash = fnv(h, err, strlen(err));
    return -1;
  }
  if (o.max_field == 0) o.max_field = CAW_DSV_MAX_FIELD; /* as the reader */
  head = caw_dsv_header(r, &nhead);
  CHECK((head != NULL) == (o.header != 0), "header presence");
  for (i = 0; head && i < nhead; i++) {
    long col = caw_dsv_column(r, head[i].ptr, head[i].len);
    check_field(&o, &head[i]);
    CHECK(col >= 0 && (size_t)col <= i && head[col].len == head[i].len &&
              memcmp(head[col].ptr, head[i].ptr, head[i].len) == 0,
          "column of header %zu is %ld", i, col);
    h = fnv(h, head[i].ptr, head[i].len + 1);
  }
  for (;;) {
    CHECK(++calls <= len + 3, "more rows than bytes: the reader loops");
    memset(err, 'x', sizeof err);
    n = 99;
    st = caw_dsv_next(r, &n, err, sizeof err);
    line = caw_dsv_line(r);
    CHECK(line >= last_line, "line went back from %lld to %lld", last_line,
          line);
    last_line = line;
    caw_dsv_progress(r, &consumed, &total);
    CHECK(total == len && consumed <= total, "progress %llu of %llu",
          (unsigned long long)consumed, (unsigned long long)total);
    h = fnv(h, &st, sizeof st);
    h = fnv(h, &line, sizeof line);
    if (st != CAW_OK) {
      caw_status again;
      char err2[CAW_ERRMAX];
      CHECK(n == 0, "a failed row has %zu fields", n);
      check_message(err, sizeof err);
      h = fnv(h, err, strlen(err));
      if (caw_dsv_stuck(r) == CAW_OK) continue; /* the bad row is skipped */
      CHECK(caw_dsv_stuck(r) == st, "stuck with another status");
      again = caw_dsv_next(r, &n, err2, sizeof err2);
      CHECK(again == st && strcmp(err, err2) == 0,
            "a stuck reader changed its answer");
      break;
    }
    if (n == 0) { /* the end, and it stays the end */
      CHECK(caw_dsv_next(r, &n, err, sizeof err) == CAW_OK && n == 0,
            "a row after the end");
      break;
    }
    row = caw_dsv_row(r, &n2);
    CHECK(n2 == n && row != NULL, "row has %zu fields, next said %zu", n2, n);
    CHECK(!head || n == nhead, "%zu fields under a header of %zu", n, nhead);
    CHECK(line >= 1, "a row on line %lld", line);
    h = fnv(h, &n, sizeof n);
    for (i = 0; i < n; i++) {
      check_field(&o, &row[i]);
      h = fnv(h, row[i].ptr, row[i].len + 1);
    }
    rows++;
  }
  CHECK(strcmp(caw_dsv_name(r), "fuzz") == 0, "name changed");
  caw_dsv_close(r);
  *hash = h;
  return rows;
}

/* ---- the bulk engine, fed the rows the reader gives ---- */

static struct {
  char dir[256], db[300];
  caw_store *st;
} B;

static caw_store *bulk_store(void) {
  char err[CAW_ERRMAX];
  const char *tmp = getenv("TMPDIR");
  if (B.st) return B.st;
  snprintf(B.dir, sizeof B.dir, "%s/caw_fuzz_bulk_XXXXXX",
           tmp && *tmp ? tmp : "/tmp");
  CHECK(mkdtemp(B.dir) != NULL, "mkdtemp %s", B.dir);
  snprintf(B.db, sizeof B.db, "%s/bulk.db", B.dir);
  CHECK(caw_store_open(B.db, CAW_STORE_CREATE, &B.st, err, sizeof err) ==
            CAW_OK,
        "%s", err);
  return B.st;
}

void caw_fuzz_dsv_fini(void) {
  if (!B.st) return;
  caw_store_close(B.st);
  B.st = NULL;
  remove_db(B.db);
  rmdir(B.dir);
}

/* The field i of a row, or "" past its end. */
static const char *col(const caw_dsv_field *row, size_t n, size_t i) {
  return i < n ? row[i].ptr : "";
}

/* Feed every row the reader gives to the bulk engine (dedup on, a small
   window so that events close while rows come), inside a transaction
   that is rolled back. Fields become refs, codes, actors, keys and URLs
   as they are: the engine must refuse a bad actor code with CAW_EINVAL
   and nothing else, and account for every row it took. */
static void bulk_drive(const uint8_t *text, size_t len, caw_dsv_opts o) {
  char err[CAW_ERRMAX], ref[32];
  caw_store *st = bulk_store();
  caw_dsv *r = NULL;
  caw_bulk *b = NULL;
  caw_bulk_opts bo = caw_bulk_defaults();
  caw_bulk_counts n;
  caw_status rc = CAW_OK;
  size_t nf;
  int64_t taken = 0;
  o.bufsize = 0;
  if (caw_dsv_open_mem(text, len, "fuzz", &o, &r, err, sizeof err) != CAW_OK)
    return;
  CHECK(caw_store_begin(st, err, sizeof err) == CAW_OK, "%s", err);
  bo.source = "fuzz";
  bo.file = "fuzz";
  bo.window = 2;
  bo.max_open = 3;
  bo.sums[0] = "n";
  bo.n_sums = 1;
  bo.mean = "m";
  CHECK(caw_bulk_open(st, &bo, &b, err, sizeof err) == CAW_OK, "%s", err);
  for (;;) {
    const caw_dsv_field *row;
    caw_bulk_row br;
    if (caw_dsv_next(r, &nf, err, sizeof err) != CAW_OK) {
      if (caw_dsv_stuck(r) == CAW_OK) continue;
      break;
    }
    if (nf == 0) break;
    row = caw_dsv_row(r, NULL);
    memset(&br, 0, sizeof br);
    br.line = caw_dsv_line(r);
    snprintf(ref, sizeof ref, "r%lld", br.line);
    br.ref = *col(row, nf, 0) ? col(row, nf, 0) : ref;
    br.day = 19000 + (int64_t)(strlen(col(row, nf, 1)) % 5);
    br.type = caw_event_types[strlen(col(row, nf, 2)) % 16];
    br.code = *col(row, nf, 2) ? col(row, nf, 2) : "01";
    br.title = col(row, nf, 1);
    br.actor1 = *col(row, nf, 3) ? col(row, nf, 3) : NULL;
    br.name1 = "Fuzz";
    br.kind1 = caw_actor_kinds[strlen(col(row, nf, 4)) % 6];
    br.key1 = br.actor1;
    br.key2 = *col(row, nf, 4) ? col(row, nf, 4) : NULL;
    br.url = *col(row, nf, 5) ? col(row, nf, 5) : NULL;
    br.location = col(row, nf, 6);
    br.attrs = nf > 7 ? "{\"n\":1,\"m\":0.5}" : NULL;
    br.sums[0] = (double)nf;
    br.has_sums[0] = nf > 7;
    br.mean = 0.5;
    br.has_mean = nf > 7;
    br.has_scale = nf > 8;
    br.scale = 1.5;
    rc = caw_bulk_add(b, &br, err, sizeof err);
    if (rc == CAW_EINVAL) {
      CHECK(br.actor1 && !caw_actor_code_ok(br.actor1),
            "a good row refused: %s", err);
      check_message(err, sizeof err);
      break;
    }
    CHECK(rc == CAW_OK, "the engine failed: %s", err);
    CHECK(!br.actor1 || caw_actor_code_ok(br.actor1), "a bad actor code taken");
    taken++;
  }
  if (rc == CAW_OK && !caw_dsv_stuck(r)) {
    CHECK(caw_bulk_finish(b, &n, err, sizeof err) == CAW_OK, "%s", err);
    CHECK(n.added + n.unchanged + n.merged == taken,
          "%lld rows taken: %lld added, %lld unchanged, %lld merged",
          (long long)taken, (long long)n.added, (long long)n.unchanged,
          (long long)n.merged);
    {
      int64_t rows = 0;
      CHECK(caw_store_table_rows(st, "coded", &rows, err, sizeof err) == CAW_OK,
            "%s", err);
      CHECK(rows == n.added, "%lld events stored, %lld added", (long long)rows,
            (long long)n.added);
    }
  }
  caw_bulk_free(b);
  caw_store_rollback(st);
  CHECK(caw_store_depth(st) == 0, "a transaction left open");
  caw_dsv_close(r);
}

long caw_fuzz_dsv(const uint8_t *data, size_t len) {
  caw_dsv_opts o;
  uint64_t h1, h2;
  long rows, rows2;
  const uint8_t *text;
  if (len == 0) return -1;
  o = dsv_opts(data[0]);
  text = data + 1; /* libFuzzer's copy ends exactly at data + len */
  rows = dsv_read(text, len - 1, o, &h1);
  /* the buffer size must not change what is read */
  o.bufsize = o.bufsize ? 0 : 3;
  rows2 = dsv_read(text, len - 1, o, &h2);
  CHECK(rows == rows2 && h1 == h2,
        "buffer size changed the result: %ld rows (bufsize %zu) vs %ld",
        rows, BUFSIZES[(data[0] >> 5) & 3], rows2);
  bulk_drive(text, len - 1, o);
  return rows;
}

/* ---- the JSON import path ---- */

extern const unsigned char caw_embed_central_asia[];
extern const size_t caw_embed_central_asia_len;

/* Seeds the store with the bundled dataset as `caw` does for a new
   database, then returns the function that imports one text. The
   caw-json importer is looked up once: import_text would scan the plugin
   directories for every input. */
static const char GLUE[] =
  "local bundled = ...\n"
  "local importer = require('lib.importer')\n"
  "importer.import_text(bundled, 'bundled dataset', 'caw-json')\n"
  "local _, by_name = importer.list()\n"
  "local p = assert(by_name['caw-json'], 'no caw-json importer')\n"
  "return function(text, skip_bad)\n"
  "  local opts = { quiet = true, rejects = skip_bad and {} or nil }\n"
  "  local counts = importer.run(p, { name = 'fuzz.json',\n"
  "    text = function() return text end, sha256 = caw.sha256(text) }, opts)\n"
  "  return counts.added, counts.rejected, opts.rejects and #opts.rejects or 0\n"
  "end, function(path, name, skip_bad)\n" /* a file through the bulk engine */
  "  local opts = { quiet = true, rejects = skip_bad and {} or nil }\n"
  "  local q = assert(by_name[name], 'no importer ' .. name)\n"
  "  local counts = importer.run(q, { name = 'fuzz.' .. name, path = path,\n"
  "    text = function() return caw.readfile(path) end }, opts)\n"
  "  return counts.added, counts.rejected, opts.rejects and #opts.rejects or 0\n"
  "end\n";

#define ODD_MAX 256

static struct {
  char dir[256], db[300], in[300];
  caw_store *st;
  caw_runtime *rt;
  lua_State *L;
  int fn_ref, bulk_ref; /* the glue's functions: a JSON text, a file */
  unsigned long inputs;
  char *odd[ODD_MAX]; /* normalised non-data errors already reported */
  unsigned nodd;
} J = {.fn_ref = LUA_NOREF, .bulk_ref = LUA_NOREF};

#define NTABLES 9
#define T_CODED 8 /* the table of machine-coded events */

/* Row counts of every table an import writes. */
typedef struct snapshot {
  long long n[NTABLES];
} snapshot;

static snapshot take_snapshot(void) {
  static const char *const tables[NTABLES] = {
    "events", "batches", "actors", "memberships", "event_actors", "money",
    "sources", "event_tags", "coded"};
  char err[CAW_ERRMAX];
  snapshot sn;
  int i;
  for (i = 0; i < NTABLES; i++) {
    int64_t count = 0;
    CHECK(caw_store_table_rows(J.st, tables[i], &count, err, sizeof err) ==
              CAW_OK,
          "%s", err);
    sn.n[i] = (long long)count;
  }
  return sn;
}

static void check_integrity(void) {
  char err[CAW_ERRMAX];
  CHECK(caw_store_integrity(J.st, err, sizeof err) == CAW_OK, "%s", err);
}

void caw_fuzz_json_init(const char *plugin_dir) {
  char err[CAW_ERRMAX];
  const char *tmp = getenv("TMPDIR");
  caw_runtime_opts opts;
  caw_status st;
  if (J.rt) return;
  CHECK(setenv("CAW_PLUGIN_PATH", plugin_dir, 1) == 0, "setenv");
  snprintf(J.dir, sizeof J.dir, "%s/caw_fuzz_XXXXXX",
           tmp && *tmp ? tmp : "/tmp");
  CHECK(mkdtemp(J.dir) != NULL, "cannot make a directory under %s",
        tmp && *tmp ? tmp : "/tmp");
  snprintf(J.db, sizeof J.db, "%s/fuzz.db", J.dir);
  snprintf(J.in, sizeof J.in, "%s/fuzz.in", J.dir);
  st = caw_store_open(J.db, CAW_STORE_CREATE, &J.st, err, sizeof err);
  CHECK(st == CAW_OK, "%s", err);
  memset(&opts, 0, sizeof opts);
  opts.quiet = 1;
  opts.max_memory = (size_t)512 << 20; /* a runaway input fails cleanly */
  J.rt = caw_runtime_new(J.st, &opts);
  CHECK(J.rt != NULL, "out of memory");
  J.L = caw_runtime_state(J.rt);
  CHECK(luaL_loadbufferx(J.L, GLUE, sizeof GLUE - 1, "=(fuzz glue)", "t") ==
            LUA_OK,
        "%s", lua_tostring(J.L, -1));
  lua_pushlstring(J.L, (const char *)caw_embed_central_asia,
                  caw_embed_central_asia_len);
  if (lua_pcall(J.L, 1, 2, 0) != LUA_OK) {
    if (lua_istable(J.L, -1)) lua_getfield(J.L, -1, "message");
    CHECK(0, "cannot seed the store: %s", lua_tostring(J.L, -1));
  }
  CHECK(lua_isfunction(J.L, -1) && lua_isfunction(J.L, -2),
        "the glue returned no functions");
  J.bulk_ref = luaL_ref(J.L, LUA_REGISTRYINDEX);
  J.fn_ref = luaL_ref(J.L, LUA_REGISTRYINDEX);
  CHECK(caw_store_depth(J.st) == 0, "a transaction left open by the seed");
  CHECK(take_snapshot().n[0] > 0, "the bundled dataset added no events");
  check_integrity();
}

void caw_fuzz_json_fini(void) {
  unsigned i;
  if (!J.rt) return;
  caw_runtime_free(J.rt);
  caw_store_close(J.st);
  J.rt = NULL;
  J.st = NULL;
  J.L = NULL;
  remove_db(J.db);
  remove(J.in);
  rmdir(J.dir);
  for (i = 0; i < J.nodd; i++) free(J.odd[i]);
  J.nodd = 0;
}

unsigned caw_fuzz_json_odd_errors(void) { return J.nodd; }

/* The error at the top of the stack: its exit code (0 when it carries
   none) and message. */
static int error_code(lua_State *L, const char **msg) {
  int code = 0;
  if (lua_istable(L, -1)) {
    lua_getfield(L, -1, "code");
    code = (int)lua_tointeger(L, -1);
    lua_getfield(L, -2, "message");
    *msg = lua_tostring(L, -1);
    lua_pop(L, 2); /* the error table still holds the string */
  } else *msg = lua_tostring(L, -1);
  if (!*msg) *msg = "(error object is not a string)";
  return code;
}

/* Report a non-data error the first time one of its kind is seen: digits
   are ignored, so that line numbers do not make every one new. */
static void note_odd(int code, const char *msg) {
  char key[200];
  size_t i = 0;
  unsigned k;
  for (; *msg && i < sizeof key - 1; msg++)
    if (*msg < '0' || *msg > '9') key[i++] = *msg;
    else if (i == 0 || key[i - 1] != '#') key[i++] = '#';
  key[i] = '\0';
  for (k = 0; k < J.nodd; k++)
    if (strcmp(J.odd[k], key) == 0) return;
  if (J.nodd < ODD_MAX) J.odd[J.nodd++] = strdup(key);
  fprintf(stderr, "caw-fuzz: not a data error (exit code %d): %s\n", code,
          key);
}

/* One import; checks that it was all or nothing. Returns 1 when it
   imported, 0 when it was rejected with a data error, -1 for another
   error. With an importer name (bulk), data is not used: the import
   reads the file J.in through that importer and the bulk engine. */
static int import_once(const uint8_t *data, size_t len, int skip_bad,
                       const char *bulk) {
  lua_State *L = J.L;
  snapshot before = take_snapshot(), after;
  int rc, i, code;
  const char *msg = NULL;
  if (bulk) {
    lua_rawgeti(L, LUA_REGISTRYINDEX, J.bulk_ref);
    lua_pushstring(L, J.in);
    lua_pushstring(L, bulk);
    lua_pushboolean(L, skip_bad);
    rc = lua_pcall(L, 3, 3, 0);
  } else {
    lua_rawgeti(L, LUA_REGISTRYINDEX, J.fn_ref);
    lua_pushlstring(L, (const char *)data, len);
    lua_pushboolean(L, skip_bad);
    rc = lua_pcall(L, 2, 3, 0);
  }
  CHECK(caw_store_depth(J.st) == 1, "the import left depth %d",
        caw_store_depth(J.st));
  after = take_snapshot();
  if (rc != LUA_OK) {
    code = rc == LUA_ERRMEM ? -1 : error_code(L, &msg);
    for (i = 0; i < NTABLES; i++)
      CHECK(after.n[i] == before.n[i],
            "a failed import changed table %d: %lld -> %lld", i, before.n[i],
            after.n[i]);
    if (code != CAW_EXIT_DATAERR)
      note_odd(code, rc == LUA_ERRMEM ? "out of memory" : msg);
    lua_settop(L, 0); /* only now: the error holds msg */
    return code == CAW_EXIT_DATAERR ? 0 : -1;
  } else {
    lua_Integer added = lua_tointeger(L, -3), rejected = lua_tointeger(L, -2),
                listed = lua_tointeger(L, -1);
    lua_settop(L, 0);
    i = bulk ? T_CODED : 0; /* where the importer stores its events */
    CHECK(after.n[i] == before.n[i] + added,
          "%lld events before, %lld after, but %lld added", before.n[i],
          after.n[i], (long long)added);
    CHECK(after.n[1] == before.n[1] + 1, "no batch recorded");
    CHECK(rejected == (skip_bad ? listed : 0),
          "%lld rejected, %lld listed", (long long)rejected,
          (long long)listed);
    return 1;
  }
}

int caw_fuzz_json(const uint8_t *data, size_t len, unsigned check_every) {
  char err[CAW_ERRMAX];
  int res;
  CHECK(J.rt != NULL, "caw_fuzz_json_init was not called");
  J.inputs++;
  /* an outer transaction, rolled back at the end: every input meets the
     seeded store; the import's own transaction becomes a savepoint */
  CHECK(caw_store_begin(J.st, err, sizeof err) == CAW_OK, "%s", err);
  res = import_once(data, len, 0, NULL);
  if (res == 0) import_once(data, len, 1, NULL); /* as --skip-bad would */
  if (check_every && J.inputs % check_every == 0) check_integrity();
  CHECK(caw_store_rollback(J.st) == CAW_OK && caw_store_depth(J.st) == 0,
        "cannot roll back");
  /* free this input's garbage now: libFuzzer runs a (slow) leak check
     after every input that allocated more than it freed */
  lua_gc(J.L, LUA_GCCOLLECT);
  return res == 1;
}

/* The importers on the bulk engine, picked by an input's first byte. */
static const char *const BULK_IMPORTERS[] = {"icews", "acled", "gdelt", "polecat"};

int caw_fuzz_bulk(const uint8_t *data, size_t len, unsigned check_every) {
  char err[CAW_ERRMAX];
  const char *name;
  FILE *f;
  int res;
  CHECK(J.rt != NULL, "caw_fuzz_json_init was not called");
  if (len == 0) return 0;
  name = BULK_IMPORTERS[data[0] % (sizeof BULK_IMPORTERS / sizeof *BULK_IMPORTERS)];
  f = fopen(J.in, "wb");
  CHECK(f != NULL, "cannot write %s", J.in);
  CHECK(fwrite(data + 1, 1, len - 1, f) == len - 1 && fclose(f) == 0,
        "cannot write %s", J.in);
  J.inputs++;
  CHECK(caw_store_begin(J.st, err, sizeof err) == CAW_OK, "%s", err);
  res = import_once(NULL, 0, 0, name);
  if (res == 0) import_once(NULL, 0, 1, name); /* as --skip-bad would */
  if (check_every && J.inputs % check_every == 0) check_integrity();
  CHECK(caw_store_rollback(J.st) == CAW_OK && caw_store_depth(J.st) == 0,
        "cannot roll back");
  lua_gc(J.L, LUA_GCCOLLECT);
  return res == 1;
}

/* ---- the Lua API surface ---- */

/* Each input is read as choices in a small grammar of caw calls: which
   function, which arguments (numbers at the edges, dates, SQL, JSON,
   paths, tables of every shape, callbacks that raise, yield or change
   what they are given, the results of earlier calls) and what is done
   with the results (called again, iterated, their methods called). The
   script runs under --sandbox and --max-memory in a fresh runtime inside
   a transaction that is rolled back; the findings are crashes, sanitizer
   reports, an exit code caw does not document, a savepoint left open,
   or a database that changed. */

static struct {
  caw_store *st;
  char dir[256], db[320], gdelt[320], csv[320], out[320];
  int64_t events;
  unsigned runs;
} LA;

typedef struct gen {
  const uint8_t *p;
  size_t n, i;
  char *buf;
  size_t len, cap;
  int calls;
} gen;

static unsigned pick(gen *g, unsigned n) {
  unsigned b = g->i < g->n ? g->p[g->i++] : 0;
  return n ? b % n : 0;
}

static void emit(gen *g, const char *s) {
  size_t k = strlen(s);
  if (g->len + k + 1 > g->cap) {
    size_t cap = (g->len + k + 1) * 2;
    char *b = realloc(g->buf, cap);
    CHECK(b != NULL, "out of memory");
    g->buf = b;
    g->cap = cap;
  }
  memcpy(g->buf + g->len, s, k + 1);
  g->len += k;
}

static void emitf(gen *g, const char *fmt, ...) {
  char tmp[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  emit(g, tmp);
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char *const LA_FUNCS[] = {
  "caw.events", "caw.event", "caw.add_event", "caw.put_actor", "caw.actors",
  "caw.transaction", "caw.sql", "caw.count", "caw.fail", "caw.error_code",
  "caw.readfile", "caw.sha256", "caw.sha256_file", "caw.write", "caw.output",
  "caw.sha256_file_async", "caw.progress", "caw.clock", "caw.batch_begin",
  "caw.batch_finish", "caw.plugin_files", "caw.load_plugin",
  "caw.json.decode", "caw.json.encode", "caw.json.array", "caw.json.object",
  "caw.dsv.open", "caw.date.parse", "caw.date.format", "caw.date.day",
  "caw.date.civil", "caw.bulk.load", "caw.score", "caw.log", "rawset",
  "rawget", "setmetatable", "getmetatable", "load", "require", "pairs",
  "next", "coroutine.wrap", "tostring", "select", "error", "xpcall",
  "table.concat", "table.insert", "table.sort"};

static const char *const LA_STRINGS[] = {
  "'2024'", "'2024-03-15'", "'1990~'", "'2019-XX'", "'2001/2003'",
  "'../../etc/passwd'", "'/proc/self/environ'", "'-'", "'KAZ'", "'CHN'",
  "'RUS'", "'USA'", "'meeting'", "'https://e.org/a'",
  "'SELECT * FROM events'", "'SELECT id, date FROM events WHERE id = ?1'",
  "'PRAGMA table_info(events)'", "'PRAGMA journal_mode=OFF'",
  "\"ATTACH 'x.db' AS y\"", "'DELETE FROM events'",
  ("'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 500)"
   " SELECT x FROM c'"),
  "'{\"a\":[1,2,{\"b\":null}],\"c\":\"\\\\u00e9\"}'", "'[1,2'", "''",
  "'\\0'", "'lib.score'", "'lib.importer'", "'lib.x/../../y'", "'alignment'",
  "'string'", "'io'", "'_G'", "'debug'", "'id'", "'USD'", "'nan'",
  "'%s%d'", "'\\255\\254'", "arg[1]", "arg[2]", "arg[4]", "arg[3]",
  "string.rep('x', 300)", "'code'", "'2024-13-45'", "'-2000000000'"};

static const char *const LA_NUMBERS[] = {
  "0", "1", "-1", "2", "3", "2^53", "2^63", "math.mininteger",
  "math.maxinteger", "0/0", "1/0", "-1/0", "1e308", "0.5", "-0.0", "65",
  "77", "1e6", "-2^31"};

static const char *const LA_KEYS[] = {
  "id", "date", "type", "title", "summary", "location", "confidence",
  "cameo", "goldstein", "attrs", "actors", "money", "sources", "tags",
  "batch", "code", "role", "name", "kind", "members", "period", "amount",
  "currency", "primary", "url", "from", "to", "limit", "children", "text",
  "actor", "sep", "quote", "header", "fields", "utf8", "max_field",
  "max_line", "dedup", "days", "key", "where", "define", "reject",
  "progress", "fips", "skip_bad", "indent", "rules", "params", "read",
  "added", "country", "stance", "level", "person", "note", "source"};

static const char *const LA_CALLBACKS[] = {
  "function(...) return ... end",
  "function(v) if type(v) == 'table' then for k in pairs(v) do v[k] = nil end end return true end",
  "function(v) if type(v) == 'table' then v.actors = nil v.places = 7 v.day = {} end return v end",
  "function() error({ code = 65, message = 'from a callback' }) end",
  "function() error('from a callback') end",
  "function() coroutine.yield(1) end",
  "function() return setmetatable({}, { __index = function(_, f) return f end }) end",
  "function() return { code = 'KAZ', name = 'Kazakhstan', kind = 'state' } end",
  "function() return 'meeting', 'a meeting' end",
  "function() return false end",
  "function(...) R[#R + 1] = table.pack(...) return true end"};

static const char *const LA_NASTY[] = {
  "(function() local t = {} t[1] = t t.t = t return t end)()",
  "setmetatable({}, { __index = function() error('index') end })",
  "setmetatable({}, { __len = function() return 2^40 end })",
  "setmetatable({}, { __pairs = function() error('pairs') end })",
  "setmetatable({ 1, 2 }, { __newindex = function() error('newindex') end })",
  "setmetatable({}, { __tostring = function() return {} end })",
  "caw.json.array({ n = 1 })", "caw.json.null", "caw", "string", "_G",
  "caw.EXIT", "package", "{ [1.5] = 1, [true] = 2 }",
  "{ actors = { { code = 'KAZ', role = 'host' } }, sources = { 'https://e.org' } }"};

static void la_expr(gen *g, int depth);

static void la_table(gen *g, int depth, int array) {
  unsigned i, n = pick(g, 5);
  emit(g, "{");
  for (i = 0; i < n; i++) {
    if (!array) emitf(g, "%s = ", LA_KEYS[pick(g, NELEM(LA_KEYS))]);
    la_expr(g, depth + 1);
    emit(g, ", ");
  }
  emit(g, "}");
}

static void la_literal(gen *g) {
  unsigned i, n = pick(g, 24);
  emit(g, "'");
  for (i = 0; i < n; i++) emitf(g, "\\%u", pick(g, 256));
  emit(g, "'");
}

static void la_expr(gen *g, int depth) {
  unsigned k = pick(g, depth > 2 ? 7 : 16);
  switch (k) {
  case 0: emit(g, "nil"); break;
  case 1: emit(g, pick(g, 2) ? "true" : "false"); break;
  case 2: emitf(g, "%d", (int)(int8_t)pick(g, 256)); break;
  case 3: emit(g, LA_NUMBERS[pick(g, NELEM(LA_NUMBERS))]); break;
  case 4: case 5: emit(g, LA_STRINGS[pick(g, NELEM(LA_STRINGS))]); break;
  case 6: la_literal(g); break;
  case 7: case 8: la_table(g, depth, 0); break;
  case 9: la_table(g, depth, 1); break;
  case 10: emit(g, LA_CALLBACKS[pick(g, NELEM(LA_CALLBACKS))]); break;
  case 11: emitf(g, "(R[%u] and R[%u][%u])", pick(g, 8) + 1, pick(g, 8) + 1,
                 pick(g, 3) + 2); break;
  case 12: emit(g, LA_NASTY[pick(g, NELEM(LA_NASTY))]); break;
  case 13: la_table(g, depth, 1); break;
  case 14: emit(g, "function(...) return "); la_expr(g, depth + 1);
    emit(g, " end"); break;
  default: emit(g, LA_STRINGS[pick(g, NELEM(LA_STRINGS))]); break;
  }
}

static void la_call(gen *g, int depth) {
  unsigned i, n = pick(g, 4);
  const char *fn = LA_FUNCS[pick(g, NELEM(LA_FUNCS))];
  g->calls++;
  switch (pick(g, 4)) {
  case 0: /* on a coroutine */
    emitf(g, "R[#R + 1] = table.pack(pcall(coroutine.wrap(function(...)"
             " return %s(...) end)", fn);
    break;
  case 1: /* inside caw.transaction, with a nested call */
    if (depth < 2) {
      emit(g, "R[#R + 1] = table.pack(pcall(caw.transaction, function() ");
      la_call(g, depth + 1);
      emitf(g, " return %s(", fn);
      for (i = 0; i < n; i++) {
        if (i) emit(g, ", ");
        la_expr(g, 0);
      }
      emit(g, ") end))\n");
      return;
    }
    /* fall through */
  default: emitf(g, "R[#R + 1] = table.pack(pcall(%s", fn); break;
  }
  for (i = 0; i < n; i++) {
    emit(g, ", ");
    la_expr(g, 0);
  }
  emit(g, "))\n");
}

static const char LA_PROLOGUE[] =
  "R = {}\n"
  "local METHODS = { 'write', 'close', 'result', 'rows', 'get', 'fields',"
  " 'named', 'progress', 'stuck' }\n"
  "local function use(v, a, d)\n"
  "  local t = type(v)\n"
  "  if d > 2 then return end\n"
  "  if t == 'function' then\n"
  "    for _ = 1, 3 do\n"
  "      local ok, x = pcall(v, a)\n"
  "      if not ok or x == nil then break end\n"
  "      use(x, a, d + 1)\n"
  "    end\n"
  "  elseif t == 'userdata' then\n"
  "    for _, m in ipairs(METHODS) do\n"
  "      pcall(function() return use(v[m](v, a), a, d + 1) end)\n"
  "    end\n"
  "  elseif t == 'table' then\n"
  "    pcall(function() for _, x in pairs(v) do use(x, a, d + 1) end end)\n"
  "    pcall(caw.json.encode, v)\n"
  "  end\n"
  "end\n";

/* The script the input stands for; the caller frees it. */
static char *la_script(const uint8_t *data, size_t len) {
  gen g;
  unsigned i, n;
  memset(&g, 0, sizeof g);
  g.p = data;
  g.n = len;
  emit(&g, LA_PROLOGUE);
  n = pick(&g, 24) + 1;
  for (i = 0; i < n && g.calls < 40; i++) {
    if (pick(&g, 4) == 0 && i > 0) {
      emitf(&g, "for i = 1, #R do use(R[i][%u], ", pick(&g, 3) + 2);
      la_expr(&g, 1);
      emit(&g, ", 0) end\n");
    } else la_call(&g, 0);
  }
  emit(&g, "for i = 1, #R do for j = 2, R[i].n do use(R[i][j], nil, 0) end end\n");
  return g.buf;
}

static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "wb");
  CHECK(f != NULL, "cannot write %s", path);
  CHECK(fputs(text, f) >= 0 && fclose(f) == 0, "cannot write %s", path);
}

void caw_fuzz_lua_init(const char *plugin_dir) {
  char err[CAW_ERRMAX], row[2048];
  const char *tmp = getenv("TMPDIR");
  caw_status st;
  int i, k;
  if (LA.st) return;
  CHECK(setenv("CAW_PLUGIN_PATH", plugin_dir, 1) == 0, "setenv");
  snprintf(LA.dir, sizeof LA.dir, "%s/caw_fuzz_lua_XXXXXX",
           tmp && *tmp ? tmp : "/tmp");
  CHECK(mkdtemp(LA.dir) != NULL, "cannot make a directory under %s",
        tmp && *tmp ? tmp : "/tmp");
  snprintf(LA.db, sizeof LA.db, "%s/fuzz.db", LA.dir);
  snprintf(LA.gdelt, sizeof LA.gdelt, "%s/events.tsv", LA.dir);
  snprintf(LA.csv, sizeof LA.csv, "%s/events.csv", LA.dir);
  snprintf(LA.out, sizeof LA.out, "%s/out.txt", LA.dir);
  /* two GDELT 1.0 rows (57 fields) and a caw CSV file the scripts may read */
  row[0] = '\0';
  for (k = 0; k < 2; k++) {
    char line[1024];
    int n = snprintf(line, sizeof line, "%d\t2019102%d\t201910\t2019\t2019.8\t"
                     "KAZGOV\tKAZAKHSTAN\tKAZ\t\t\t\t\tGOV\t\t\t"
                     "CHN\tCHINA\tCHN\t\t\t\t\t\t\t\t1\t0%d2\t0%d2\t0%d\t1\t3.4",
                     800000000 + k, k, k + 3, k + 3, k + 3);
    for (i = 32; i < 57 && n < (int)sizeof line - 8; i++)
      n += snprintf(line + n, sizeof line - (size_t)n, "\t%s",
                    i == 51 ? "KZ" : i == 56 ? "20191021" : "1");
    strcat(line, "\n");
    strcat(row, line);
  }
  write_file(LA.gdelt, row);
  write_file(LA.csv, "id,date,type,title,actors,sources\n"
                     "fz-1,2024-03,meeting,A meeting,KAZ:host;CHN:guest,"
                     "https://e.org/1\n");
  st = caw_store_open(LA.db, CAW_STORE_CREATE, &LA.st, err, sizeof err);
  CHECK(st == CAW_OK, "%s", err);
  {
    caw_runtime_opts o;
    caw_runtime *rt;
    memset(&o, 0, sizeof o);
    o.quiet = 1;
    CHECK((rt = caw_runtime_new(LA.st, &o)) != NULL, "out of memory");
    CHECK(caw_runtime_run(rt, NULL,
                          "caw.put_actor{ code = 'KAZ', name = 'Kazakhstan',"
                          " kind = 'state' }"
                          "caw.add_event{ id = 'fz-seed', date = '2024-05',"
                          " type = 'meeting', title = 'Seed', actors = {{"
                          " code = 'KAZ', role = 'host' }}, sources = {"
                          " 'https://e.org/s' } }",
                          0, NULL) == 0,
          "cannot seed the store");
    caw_runtime_free(rt);
  }
  LA.events = caw_store_count(LA.st);
}

void caw_fuzz_lua_fini(void) {
  if (!LA.st) return;
  caw_store_close(LA.st);
  LA.st = NULL;
  remove_db(LA.db);
  remove(LA.gdelt);
  remove(LA.csv);
  remove(LA.out);
  rmdir(LA.dir);
}

int caw_fuzz_lua(const uint8_t *data, size_t len) {
  static const int documented[] = {0, 64, 65, 66, 70, 74, 75, 77};
  char *script = la_script(data, len), err[CAW_ERRMAX];
  char *argv[4];
  caw_runtime_opts o;
  caw_runtime *rt;
  size_t i;
  int rc, known = 0;
  memset(&o, 0, sizeof o);
  o.quiet = 1;
  o.sandbox = 1;
  o.max_memory = (size_t)64 << 20;
  argv[0] = LA.gdelt;
  argv[1] = LA.csv;
  argv[2] = (char *)"-o";
  argv[3] = LA.out;
  CHECK((rt = caw_runtime_new(LA.st, &o)) != NULL, "out of memory");
  CHECK(caw_store_begin(LA.st, err, sizeof err) == CAW_OK, "%s", err);
  rc = caw_runtime_run(rt, NULL, script, 4, argv);
  for (i = 0; i < NELEM(documented); i++) known |= rc == documented[i];
  CHECK(known, "exit code %d is not one caw documents; script:\n%s", rc,
        script);
  CHECK(caw_store_depth(LA.st) == 1,
        "the script left %d savepoints open; script:\n%s",
        caw_store_depth(LA.st) - 1, script);
  caw_runtime_free(rt); /* rolls the transaction back */
  CHECK(caw_store_depth(LA.st) == 0, "a transaction survived the runtime");
  CHECK(caw_store_count(LA.st) == LA.events,
        "the rolled-back run changed the events; script:\n%s", script);
  free(script);
  return rc == 0;
}

/* The script an input stands for (for a saved crash: what did it run?). */
char *caw_fuzz_lua_script(const uint8_t *data, size_t len) {
  return la_script(data, len);
}

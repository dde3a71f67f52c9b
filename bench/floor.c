/*
** bench/floor.c -- the physical floor for bench/gdelt_bench.sh: a plain C
** loop that reads a GDELT event export (57, 58 or 61 tab-separated fields
** a row), checks the field count, and inserts every row into an
** 8-column table with no index (source, ref, day, code, scale, actor1,
** actor2, url) with one prepared statement, in one transaction, with the
** pragmas caw's store uses. No mapping, no validation beyond the field
** count, no dedup, no title, no JSON: what "parse and store a row" costs
** at least. The options add, one at a time, what caw's table of
** machine-coded events costs on top (docs/importers.md, "Speed and
** memory"):
**
**   -u   the unique (source, ref) index, kept up to date row by row, with
**        ON CONFLICT(source, ref) DO NOTHING
**   -f   foreign keys from actor1 and actor2 to an actors table holding
**        the file's actor codes (PRAGMA foreign_keys = ON)
**
**   floor [-u] [-f] DB FILE      prints "rows N seconds S" on stdout
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#define BENCH_NAME "floor"
#include "bench.h"

#define MAXF 64

/* Split line (NUL-terminated, no newline) at tabs into f; the count. */
static int split(char *line, char **f) {
  char *p = line;
  int n = 0;
  f[n++] = p;
  for (; *p; p++)
    if (*p == '\t') {
      *p = '\0';
      if (n == MAXF) break;
      f[n++] = p + 1;
    }
  return n;
}

/* True the first time code is seen (a set of up to 1 << 16 codes). */
static int first_seen(const char *code) {
  static char *set[1 << 16];
  unsigned h = 2166136261u;
  const char *p;
  for (p = code; *p; p++) h = (h ^ (unsigned char)*p) * 16777619u;
  for (h &= (1 << 16) - 1; set[h]; h = (h + 1) & ((1 << 16) - 1))
    if (strcmp(set[h], code) == 0) return 0;
  set[h] = strdup(code);
  return 1;
}

/* A field bound as text, or NULL when empty. */
static void bind_field(sqlite3_stmt *s, int i, const char *v) {
  if (*v) sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
  else sqlite3_bind_null(s, i);
}

int main(int argc, char **argv) {
  sqlite3 *db = NULL;
  sqlite3_stmt *ins = NULL, *actor = NULL;
  FILE *in = NULL;
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  long rows = 0, lineno = 0;
  double t0;
  int rc = 1, unique = 0, fk = 0, opt;
  while ((opt = getopt(argc, argv, "uf")) != -1) {
    if (opt == 'u') unique = 1;
    else if (opt == 'f') fk = 1;
    else goto usage;
  }
  if (argc - optind != 2) {
  usage:
    fprintf(stderr, "usage: floor [-u] [-f] DB FILE\n");
    return 2;
  }
  if (!(in = fopen(argv[optind + 1], "rb"))) {
    perror(argv[optind + 1]);
    return 1;
  }
  t0 = now();
  if (sqlite3_open(argv[optind], &db) != SQLITE_OK) goto done;
  if (!exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
                " PRAGMA cache_size = -16384; PRAGMA temp_store = MEMORY;"
                " CREATE TABLE actors(code TEXT PRIMARY KEY) WITHOUT ROWID;"))
    goto done;
  if (!exec(db, fk ? "CREATE TABLE coded(source TEXT NOT NULL, ref TEXT NOT"
                     " NULL, day INTEGER NOT NULL, code TEXT, scale REAL,"
                     " actor1 TEXT REFERENCES actors(code), actor2 TEXT"
                     " REFERENCES actors(code), url TEXT);"
                     " PRAGMA foreign_keys = ON"
                   : "CREATE TABLE coded(source TEXT NOT NULL, ref TEXT NOT"
                     " NULL, day INTEGER NOT NULL, code TEXT, scale REAL,"
                     " actor1 TEXT, actor2 TEXT, url TEXT)"))
    goto done;
  if (unique && !exec(db, "CREATE UNIQUE INDEX coded_ref ON coded(source, ref)"))
    goto done;
  if (sqlite3_prepare_v2(db, unique ? "INSERT INTO coded VALUES(?1,?2,?3,?4,"
                                      "?5,?6,?7,?8) ON CONFLICT(source, ref)"
                                      " DO NOTHING"
                                    : "INSERT INTO coded VALUES(?1,?2,?3,?4,"
                                      "?5,?6,?7,?8)",
                         -1, &ins, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO actors VALUES(?1)", -1,
                         &actor, NULL) != SQLITE_OK) {
    fprintf(stderr, "floor: %s\n", sqlite3_errmsg(db));
    goto done;
  }
  if (!exec(db, "BEGIN")) goto done;
  while ((len = getline(&line, &cap, in)) > 0) {
    char *f[MAXF];
    int n, url, i;
    lineno++;
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
      line[--len] = '\0';
    if (len == 0) continue;
    n = split(line, f);
    if (n == 61) url = 60;
    else if (n == 58) url = 57;
    else if (n == 57) url = -1;
    else {
      fprintf(stderr, "%s:%ld: expected 57, 58 or 61 fields, found %d\n",
              argv[optind + 1], lineno, n);
      goto done;
    }
    if (fk) /* each new parent once, before its first row */
      for (i = 5; i <= 15; i += 10)
        if (*f[i] && first_seen(f[i])) {
          sqlite3_bind_text(actor, 1, f[i], -1, SQLITE_STATIC);
          if (sqlite3_step(actor) != SQLITE_DONE) {
            fprintf(stderr, "floor: %s\n", sqlite3_errmsg(db));
            goto done;
          }
          sqlite3_reset(actor);
        }
    {
      long y = strtol(f[1], NULL, 10), m = y / 100 % 100, d = y % 100;
      y /= 10000;
      sqlite3_bind_text(ins, 1, "gdelt", -1, SQLITE_STATIC);
      sqlite3_bind_text(ins, 2, f[0], -1, SQLITE_STATIC);
      sqlite3_bind_int64(ins, 3, days_from_civil(y, m, d));
      sqlite3_bind_text(ins, 4, f[26], -1, SQLITE_STATIC);
      sqlite3_bind_double(ins, 5, strtod(f[30], NULL));
      bind_field(ins, 6, f[5]);
      bind_field(ins, 7, f[15]);
      if (url >= 0) bind_field(ins, 8, f[url]);
      else sqlite3_bind_null(ins, 8);
    }
    if (sqlite3_step(ins) != SQLITE_DONE) {
      fprintf(stderr, "floor: %s\n", sqlite3_errmsg(db));
      goto done;
    }
    sqlite3_reset(ins);
    rows++;
  }
  if (!exec(db, "COMMIT")) goto done;
  printf("rows %ld seconds %.3f\n", rows, now() - t0);
  rc = 0;
done:
  free(line);
  sqlite3_finalize(ins);
  sqlite3_finalize(actor);
  sqlite3_close(db);
  fclose(in);
  return rc;
}

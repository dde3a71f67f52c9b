/*
** bench/gdelt_baseline.c -- the floor for bench/gdelt_bench.sh: a plain C
** loop that reads a GDELT event export (57, 58 or 61 tab-separated fields
** a row), checks the field count, and inserts the fields an importer keeps
** into a slim table with one prepared statement, in one transaction, with
** the pragmas caw's store uses. No dedup, no validation beyond the field
** count, no actors/sources tables: what "parse and store" costs at least.
**
**   gdelt_baseline DB FILE      prints "rows N seconds S" on stdout
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#define MAXF 64

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int exec(sqlite3 *db, const char *sql) {
  char *err = NULL;
  if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
    fprintf(stderr, "gdelt_baseline: %s: %s\n", sql, err ? err : "?");
    sqlite3_free(err);
    return 0;
  }
  return 1;
}

int main(int argc, char **argv) {
  sqlite3 *db = NULL;
  sqlite3_stmt *ins = NULL;
  FILE *in = NULL;
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  long rows = 0, lineno = 0;
  double t0;
  int rc = 1;
  if (argc != 3) {
    fprintf(stderr, "usage: gdelt_baseline DB FILE\n");
    return 2;
  }
  if (!(in = fopen(argv[2], "rb"))) {
    perror(argv[2]);
    return 1;
  }
  t0 = now();
  if (sqlite3_open(argv[1], &db) != SQLITE_OK) goto done;
  if (!exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
                " PRAGMA cache_size = -16384;"
                " CREATE TABLE IF NOT EXISTS gdelt(id INTEGER PRIMARY KEY,"
                " day TEXT NOT NULL, actor1 TEXT, actor2 TEXT, cameo TEXT NOT NULL,"
                " goldstein REAL, quad INTEGER, mentions INTEGER, sources INTEGER,"
                " articles INTEGER, tone REAL, geo TEXT, place TEXT, url TEXT)"))
    goto done;
  if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO gdelt VALUES"
                             "(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)",
                         -1, &ins, NULL) != SQLITE_OK) {
    fprintf(stderr, "gdelt_baseline: %s\n", sqlite3_errmsg(db));
    goto done;
  }
  if (!exec(db, "BEGIN")) goto done;
  while ((len = getline(&line, &cap, in)) > 0) {
    char *f[MAXF], *p = line;
    int n = 0, geo_cc, geo_full, url;
    lineno++;
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
      line[--len] = '\0';
    if (len == 0) continue;
    f[n++] = p;
    for (; *p; p++)
      if (*p == '\t') {
        *p = '\0';
        if (n == MAXF) break;
        f[n++] = p + 1;
      }
    if (n == 61) { geo_full = 52; geo_cc = 53; url = 60; }
    else if (n == 58) { geo_full = 50; geo_cc = 51; url = 57; }
    else if (n == 57) { geo_full = 50; geo_cc = 51; url = -1; }
    else {
      fprintf(stderr, "%s:%ld: expected 57, 58 or 61 fields, found %d\n",
              argv[2], lineno, n);
      goto done;
    }
    sqlite3_bind_int64(ins, 1, strtoll(f[0], NULL, 10));
    sqlite3_bind_text(ins, 2, f[1], -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 3, f[7], -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 4, f[17], -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 5, f[26], -1, SQLITE_STATIC);
    sqlite3_bind_double(ins, 6, strtod(f[30], NULL));
    sqlite3_bind_int(ins, 7, atoi(f[29]));
    sqlite3_bind_int(ins, 8, atoi(f[31]));
    sqlite3_bind_int(ins, 9, atoi(f[32]));
    sqlite3_bind_int(ins, 10, atoi(f[33]));
    sqlite3_bind_double(ins, 11, strtod(f[34], NULL));
    sqlite3_bind_text(ins, 12, f[geo_cc], -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 13, f[geo_full], -1, SQLITE_STATIC);
    if (url >= 0) sqlite3_bind_text(ins, 14, f[url], -1, SQLITE_STATIC);
    else sqlite3_bind_null(ins, 14);
    if (sqlite3_step(ins) != SQLITE_DONE) {
      fprintf(stderr, "gdelt_baseline: %s\n", sqlite3_errmsg(db));
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
  sqlite3_close(db);
  fclose(in);
  return rc;
}

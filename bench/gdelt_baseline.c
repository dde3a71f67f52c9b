/*
** bench/gdelt_baseline.c -- the floor for bench/gdelt_bench.sh: a plain C
** loop that reads a GDELT event export (57, 58 or 61 tab-separated fields
** a row), checks the field count, and inserts each row into the same slim
** table caw's GDELT importer writes (schema v2's gdelt, docs/schema.md)
** with one prepared statement, in one transaction, with the pragmas caw's
** store uses, then builds the table's day index as caw does after a load
** into an empty table. The fields go in as they are: the day number from
** SQLDATE, a title glued from the actor names and the EventCode, no
** validation beyond the field count, no mapping, no dedup -- what "parse
** and store" costs at least for that table.
**
**   gdelt_baseline DB FILE      prints "rows N seconds S" on stdout
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#define BENCH_NAME "gdelt_baseline"
#include "bench.h"

#define MAXF 64

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
                " PRAGMA cache_size = -16384; PRAGMA temp_store = MEMORY;"
                " CREATE TABLE IF NOT EXISTS gdelt(id INTEGER PRIMARY KEY,"
                " day INTEGER NOT NULL, type TEXT NOT NULL, title TEXT NOT NULL,"
                " location TEXT, confidence REAL NOT NULL DEFAULT 1,"
                " cameo TEXT NOT NULL, goldstein REAL, actor1 TEXT, actor2 TEXT,"
                " url TEXT, quad INTEGER, mentions INTEGER, num_sources INTEGER,"
                " articles INTEGER, tone REAL, geo TEXT, version INTEGER,"
                " root INTEGER, code1 TEXT, name1 TEXT, code2 TEXT, name2 TEXT,"
                " rows INTEGER NOT NULL DEFAULT 1, more TEXT, tag TEXT,"
                " batch INTEGER)"))
    goto done;
  if (sqlite3_prepare_v2(db, "INSERT INTO gdelt VALUES(?1,?2,?3,?4,?5,?6,?7,"
                             "?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,"
                             "?20,?21,?22,?23,?24,?25,?26,?27)"
                             " ON CONFLICT(id) DO NOTHING",
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
    {
      long y = strtol(f[1], NULL, 10), m = y / 100 % 100, d = y % 100;
      char title[512];
      y /= 10000;
      snprintf(title, sizeof title, "%s -> %s: %s", f[6], f[16], f[26]);
      sqlite3_bind_int64(ins, 1, strtoll(f[0], NULL, 10));
      sqlite3_bind_int64(ins, 2, days_from_civil(y, m, d));
      sqlite3_bind_text(ins, 3, "other", -1, SQLITE_STATIC);
      sqlite3_bind_text(ins, 4, title, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(ins, 5, f[geo_full], -1, SQLITE_STATIC);
      sqlite3_bind_double(ins, 6, 1.0);
      sqlite3_bind_text(ins, 7, f[26], -1, SQLITE_STATIC);
      sqlite3_bind_double(ins, 8, strtod(f[30], NULL));
      sqlite3_bind_text(ins, 9, f[7], -1, SQLITE_STATIC);
      sqlite3_bind_text(ins, 10, f[17], -1, SQLITE_STATIC);
      if (url >= 0) sqlite3_bind_text(ins, 11, f[url], -1, SQLITE_STATIC);
      else sqlite3_bind_null(ins, 11);
      sqlite3_bind_int(ins, 12, atoi(f[29]));
      sqlite3_bind_int(ins, 13, atoi(f[31]));
      sqlite3_bind_int(ins, 14, atoi(f[32]));
      sqlite3_bind_int(ins, 15, atoi(f[33]));
      sqlite3_bind_double(ins, 16, strtod(f[34], NULL));
      sqlite3_bind_text(ins, 17, f[geo_cc], -1, SQLITE_STATIC);
      sqlite3_bind_int(ins, 18, n == 61 ? 2 : 1);
      sqlite3_bind_int(ins, 19, atoi(f[25]));
      sqlite3_bind_text(ins, 20, f[5], -1, SQLITE_STATIC);
      sqlite3_bind_text(ins, 21, f[6], -1, SQLITE_STATIC);
      sqlite3_bind_text(ins, 22, f[15], -1, SQLITE_STATIC);
      sqlite3_bind_text(ins, 23, f[16], -1, SQLITE_STATIC);
      sqlite3_bind_int(ins, 24, 1);
      sqlite3_bind_null(ins, 25);
      sqlite3_bind_null(ins, 26);
      sqlite3_bind_int(ins, 27, 1);
    }
    if (sqlite3_step(ins) != SQLITE_DONE) {
      fprintf(stderr, "gdelt_baseline: %s\n", sqlite3_errmsg(db));
      goto done;
    }
    sqlite3_reset(ins);
    rows++;
  }
  if (!exec(db, "CREATE INDEX gdelt_day ON gdelt(day)")) goto done;
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

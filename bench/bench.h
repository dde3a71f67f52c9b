/*
** bench/bench.h -- what the C baselines of the import benchmarks share
** (gdelt_baseline.c, floor.c): a monotonic clock, the day number of a
** date, and running SQL with the error printed. Define BENCH_NAME, the
** program's name for messages, before including it.
*/
#ifndef CAW_BENCH_H
#define CAW_BENCH_H

#include <stdio.h>
#include <time.h>

#include <sqlite3.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static long long days_from_civil(long y, long m, long d) {
  long era, yoe, doy, doe;
  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = y - era * 400;
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return (long long)era * 146097 + doe - 719468;
}

static int exec(sqlite3 *db, const char *sql) {
  char *err = NULL;
  if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
    fprintf(stderr, BENCH_NAME ": %s: %s\n", sql, err ? err : "?");
    sqlite3_free(err);
    return 0;
  }
  return 1;
}

#endif

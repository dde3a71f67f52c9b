/* bench/store_baseline.c -- the baseline for bench/store_bench.sh: a
   plain C loop over raw SQLite that writes the same rows into the same
   schema (a database made by `caw init --empty`) with prepared
   statements in one transaction, then reads them back with the same
   queries caw.events{} runs (the event, then its actors, money, sources
   and tags). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <sqlite3.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static sqlite3_stmt *prep(sqlite3 *db, const char *sql) {
  sqlite3_stmt *s;
  if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
    fprintf(stderr, "%s: %s\n", sql, sqlite3_errmsg(db));
    exit(1);
  }
  return s;
}

int main(int argc, char **argv) {
  static const char *types[] = {"meeting", "summit", "visit", "statement", "agreement", "funding"};
  static const char *ca[] = {"KAZ", "KGZ", "TJK", "TKM", "UZB"};
  static const char *partners[] = {"RUS", "CHN", "USA", "GBR", "EU"};
  sqlite3 *db;
  sqlite3_stmt *ev, *ac, *src, *tag, *q, *qa, *qm, *qs, *qt;
  int n = argc > 2 ? atoi(argv[2]) : 100000, i;
  long count = 0;
  double t0, t1, t2;
  char id[32], title[48], url[64], date[16];
  if (argc < 2 || sqlite3_open(argv[1], &db) != SQLITE_OK) return 1;
  sqlite3_exec(db, "PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-16384; PRAGMA temp_store=MEMORY", 0, 0, 0);
  ev = prep(db, "INSERT INTO events(id, date, day_lo, day_hi, precision, type, title, confidence, fingerprint) VALUES(?1,?2,?3,?3,'day',?4,?5,1,?1)");
  ac = prep(db, "INSERT INTO event_actors(event, seq, actor, role) VALUES(?1,?2,?3,?4)");
  src = prep(db, "INSERT INTO sources(event, seq, url) VALUES(?1,1,?2)");
  tag = prep(db, "INSERT INTO event_tags(event, tag) VALUES(?1,'bench')");
  t0 = now();
  sqlite3_exec(db, "BEGIN", 0, 0, 0);
  for (i = 1; i <= n; i++) {
    long day = 19000 + i % 1400;
    sqlite3_int64 rowid;
    time_t secs = (time_t)day * 86400;
    struct tm tm;
    gmtime_r(&secs, &tm);
    strftime(date, sizeof date, "%Y-%m-%d", &tm);
    snprintf(id, sizeof id, "bench-%d", i);
    snprintf(title, sizeof title, "Bench event %d", i);
    snprintf(url, sizeof url, "https://example.org/e/%d", i);
    sqlite3_bind_text(ev, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(ev, 2, date, -1, SQLITE_STATIC);
    sqlite3_bind_int64(ev, 3, day);
    sqlite3_bind_text(ev, 4, types[i % 6], -1, SQLITE_STATIC);
    sqlite3_bind_text(ev, 5, title, -1, SQLITE_STATIC);
    if (sqlite3_step(ev) != SQLITE_DONE) { fprintf(stderr, "%s\n", sqlite3_errmsg(db)); return 1; }
    sqlite3_reset(ev);
    rowid = sqlite3_last_insert_rowid(db);
    sqlite3_bind_int64(ac, 1, rowid); sqlite3_bind_int(ac, 2, 1);
    sqlite3_bind_text(ac, 3, partners[i % 5], -1, SQLITE_STATIC);
    sqlite3_bind_text(ac, 4, "initiator", -1, SQLITE_STATIC);
    sqlite3_step(ac); sqlite3_reset(ac);
    sqlite3_bind_int64(ac, 1, rowid); sqlite3_bind_int(ac, 2, 2);
    sqlite3_bind_text(ac, 3, ca[i % 5], -1, SQLITE_STATIC);
    sqlite3_bind_text(ac, 4, "host", -1, SQLITE_STATIC);
    sqlite3_step(ac); sqlite3_reset(ac);
    sqlite3_bind_int64(src, 1, rowid);
    sqlite3_bind_text(src, 2, url, -1, SQLITE_STATIC);
    sqlite3_step(src); sqlite3_reset(src);
    sqlite3_bind_int64(tag, 1, rowid);
    sqlite3_step(tag); sqlite3_reset(tag);
  }
  sqlite3_exec(db, "COMMIT", 0, 0, 0);
  t1 = now();
  q = prep(db, "SELECT e.rowid, e.id, e.date, e.day_lo, e.day_hi, e.precision, e.type, e.title, e.summary, e.location, e.confidence, e.cameo, e.goldstein, e.attrs, e.batch FROM events e WHERE 1 ORDER BY e.day_lo, e.day_hi, e.id");
  qa = prep(db, "SELECT ea.actor, ea.role, ea.level, ea.person, ea.stance, a.name, a.kind FROM event_actors ea JOIN actors a ON a.code = ea.actor WHERE ea.event = ?1 ORDER BY ea.seq");
  qm = prep(db, "SELECT amount, currency FROM money WHERE event = ?1 ORDER BY seq");
  qs = prep(db, "SELECT url, publisher, title, published, quote FROM sources WHERE event = ?1 ORDER BY seq");
  qt = prep(db, "SELECT tag FROM event_tags WHERE event = ?1 ORDER BY tag");
  while (sqlite3_step(q) == SQLITE_ROW) {
    sqlite3_stmt *kids[4] = {qa, qm, qs, qt};
    int k, na = 0;
    for (k = 0; k < 4; k++) {
      sqlite3_bind_int64(kids[k], 1, sqlite3_column_int64(q, 0));
      while (sqlite3_step(kids[k]) == SQLITE_ROW)
        if (k == 0) na++;
      sqlite3_reset(kids[k]);
    }
    if (na == 2) count++;
  }
  t2 = now();
  if (count != n) { fprintf(stderr, "read back %ld of %d\n", count, n); return 1; }
  printf("raw insert %.3f s\nraw iterate %.3f s\n", t1 - t0, t2 - t1);
  return 0;
}

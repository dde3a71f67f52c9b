/* test_store.c -- the SQLite store: schema, validation messages, ids and
   fingerprints, nested transactions, overlap vs certain queries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "caw/date.h"
#include "caw/store.h"

static char dbpath[256];

static int setup(void **state) {
  caw_store *st;
  char err[CAW_ERRMAX];
  snprintf(dbpath, sizeof dbpath, "/tmp/caw-test-store-%ld.db", (long)getpid());
  remove(dbpath);
  if (caw_store_open(dbpath, CAW_STORE_CREATE, &st, err, sizeof err) != CAW_OK) {
    fprintf(stderr, "%s\n", err);
    return -1;
  }
  if (caw_store_put_actor(st, "KAZ", "Kazakhstan", "state", NULL, err, sizeof err) ||
      caw_store_put_actor(st, "GBR", "United Kingdom", "state", NULL, err, sizeof err) ||
      caw_store_put_actor(st, "C5", "Central Asian Five", "bloc", NULL, err, sizeof err))
    return -1;
  *state = st;
  return 0;
}

static int teardown(void **state) {
  char side[300];
  caw_store_close(*state);
  remove(dbpath);
  snprintf(side, sizeof side, "%s-wal", dbpath);
  remove(side);
  snprintf(side, sizeof side, "%s-shm", dbpath);
  remove(side);
  return 0;
}

static const caw_source one_source[] = {{"https://example.org/a", "Example", NULL, NULL, NULL}};

static caw_event base_event(void) {
  caw_event ev;
  memset(&ev, 0, sizeof ev);
  ev.date = "2024-04-22/2024-04-26~";
  ev.type = "visit";
  ev.title = "Foreign Secretary visits Central Asia";
  ev.confidence = 0.9;
  ev.sources = one_source;
  ev.n_sources = 1;
  return ev;
}

static void expect_invalid(caw_store *st, const caw_event *ev, const char *msg) {
  char id[129], err[CAW_ERRMAX];
  caw_outcome out;
  int64_t before = caw_store_count(st);
  assert_int_equal(caw_store_add_event(st, ev, id, &out, err, sizeof err), CAW_EINVAL);
  if (!strstr(err, msg)) fail_msg("message '%s' lacks '%s'", err, msg);
  assert_int_equal(caw_store_count(st), before); /* nothing written */
}

/* A second connection to the test database, to look at the file as it
   is (the store keeps its own connection to itself). */
static sqlite3 *raw_db(void) {
  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  return db;
}

static void schema_is_versioned(void **state) {
  sqlite3_stmt *s;
  sqlite3 *db = raw_db();
  (void)state;
  assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(s), SQLITE_ROW);
  assert_int_equal(sqlite3_column_int(s, 0), CAW_SCHEMA_VERSION);
  sqlite3_finalize(s);
  sqlite3_close(db);
}

static void newer_schema_refused(void **state) {
  caw_store *other = NULL;
  char err[CAW_ERRMAX];
  sqlite3 *db = raw_db();
  (void)state;
  assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 42", NULL, NULL, NULL), SQLITE_OK);
  assert_int_equal(caw_store_open(dbpath, 0, &other, err, sizeof err), CAW_ESCHEMA);
  assert_null(other);
  assert_non_null(strstr(err, "schema version 42"));
  {
    char q[64];
    snprintf(q, sizeof q, "PRAGMA user_version = %d", CAW_SCHEMA_VERSION);
    sqlite3_exec(db, q, NULL, NULL, NULL);
  }
  sqlite3_close(db);
}

static void missing_file_without_create(void **state) {
  caw_store *other = NULL;
  char err[CAW_ERRMAX];
  (void)state;
  assert_int_equal(caw_store_open("/tmp/caw-no-such-dir/x.db", 0, &other, err, sizeof err), CAW_ENOENT);
}

/* A new database is built under a temporary name and appears at its path
   only when published; closed unpublished, it leaves nothing. */
static void new_database_all_or_nothing(void **state) {
  char path[300], err[CAW_ERRMAX], dir[] = "/tmp/caw-test-new-XXXXXX";
  caw_store *st = NULL;
  sqlite3_stmt *s;
  (void)state;
  assert_non_null(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/new.db", dir);
  assert_int_equal(caw_store_open(path, CAW_STORE_CREATE | CAW_STORE_DEFER, &st, err, sizeof err), CAW_OK);
  assert_true(caw_store_unpublished(st));
  assert_int_equal(caw_store_put_actor(st, "KAZ", "Kazakhstan", "state", NULL, err, sizeof err), CAW_OK);
  assert_int_not_equal(access(path, F_OK), 0); /* not there yet */
  caw_store_close(st);
  assert_int_not_equal(access(path, F_OK), 0);
  assert_int_equal(rmdir(dir), 0); /* nothing left beside it either */
  assert_non_null(mkdtemp(strcpy(dir, "/tmp/caw-test-new-XXXXXX")));
  snprintf(path, sizeof path, "%s/new.db", dir);
  assert_int_equal(caw_store_open(path, CAW_STORE_CREATE | CAW_STORE_DEFER, &st, err, sizeof err), CAW_OK);
  assert_int_equal(caw_store_put_actor(st, "KAZ", "Kazakhstan", "state", NULL, err, sizeof err), CAW_OK);
  assert_int_equal(caw_store_publish(st, err, sizeof err), CAW_OK);
  assert_false(caw_store_unpublished(st));
  assert_int_equal(access(path, F_OK), 0);
  { /* the file as another program sees it */
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM actors, pragma_application_id WHERE application_id = 1667331889", -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(s, 0), 1); /* the actor, in a caw database */
    sqlite3_finalize(s);
    sqlite3_close(db);
  }
  caw_store_close(st);
  unlink(path);
  assert_int_equal(rmdir(dir), 0);
}

/* An empty file or another application's SQLite database is not turned
   into a caw database. */
static void foreign_files_refused(void **state) {
  char path[300], err[CAW_ERRMAX];
  caw_store *st = (caw_store *)1;
  sqlite3 *db;
  FILE *f;
  (void)state;
  snprintf(path, sizeof path, "/tmp/caw-test-foreign-%ld.db", (long)getpid());
  f = fopen(path, "w");
  assert_non_null(f);
  fclose(f);
  assert_int_equal(caw_store_open(path, CAW_STORE_CREATE, &st, err, sizeof err), CAW_EINVAL);
  assert_null(st);
  assert_non_null(strstr(err, "is an empty file, not a caw database"));
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db, "CREATE TABLE notes(body TEXT)", NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(db);
  assert_int_equal(caw_store_open(path, CAW_STORE_CREATE, &st, err, sizeof err), CAW_EINVAL);
  assert_non_null(strstr(err, "an SQLite database of another application"));
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK); /* untouched */
  assert_int_equal(sqlite3_exec(db, "SELECT 1 FROM events", NULL, NULL, NULL), SQLITE_ERROR);
  sqlite3_close(db);
  unlink(path);
}

static void add_and_read_back(void **state) {
  caw_store *st = *state;
  caw_actor_ref actors[] = {{"GBR", "initiator", "minister", "David Cameron", NULL, NULL, NULL, 0, 0},
                            {"KAZ", "host", NULL, NULL, NULL, NULL, NULL, 0, 0}};
  caw_money money[] = {{50e6, "GBP", "commitment", "2024/2026", "GBR", "C5", "over three years", 1, 1, NULL, NULL, 0}};
  const char *tags[] = {"uk", "c5+1"};
  caw_event ev = base_event();
  caw_filter f;
  caw_store_rows s;
  int row;
  char id[129], err[CAW_ERRMAX];
  caw_outcome out;
  ev.id = "uk-visit";
  ev.actors = actors; ev.n_actors = 2;
  ev.money = money; ev.n_money = 1;
  ev.tags = tags; ev.n_tags = 2;
  assert_int_equal(caw_store_add_event(st, &ev, id, &out, err, sizeof err), CAW_OK);
  assert_string_equal(id, "uk-visit");
  assert_int_equal(out, CAW_ADDED);
  /* same content again: unchanged; changed title: updated, not duplicated */
  assert_int_equal(caw_store_add_event(st, &ev, id, &out, err, sizeof err), CAW_OK);
  assert_int_equal(out, CAW_UNCHANGED);
  ev.title = "Foreign Secretary visits all five states";
  assert_int_equal(caw_store_add_event(st, &ev, id, &out, err, sizeof err), CAW_OK);
  assert_int_equal(out, CAW_UPDATED);
  assert_int_equal(caw_store_count(st), 1);
  memset(&f, 0, sizeof f);
  f.id = "uk-visit";
  assert_int_equal(caw_store_events_rows(st, &f, &s, err, sizeof err), CAW_OK);
  assert_int_equal(caw_store_rows_step(&s, &row, err, sizeof err), CAW_OK);
  assert_int_equal(row, 1);
  assert_string_equal(caw_store_rows_text(&s, CAW_COL_TITLE), "Foreign Secretary visits all five states");
  assert_int_equal(caw_store_rows_int(&s, CAW_COL_DAY_LO), caw_date_days(2024, 4, 22));
  assert_int_equal(caw_store_rows_int(&s, CAW_COL_DAY_HI), caw_date_days(2024, 4, 26));
  {
    caw_store_rows c;
    caw_value v;
    caw_store_children_rows(st, CAW_CHILD_MONEY, caw_store_rows_int(&s, CAW_COL_ROWID), &c);
    assert_int_equal(caw_store_rows_step(&c, &row, err, sizeof err), CAW_OK);
    assert_int_equal(row, 1);
    caw_store_rows_get(&c, 0, &v);
    assert_true(v.type == CAW_VALUE_REAL && v.d == 50e6);
    assert_string_equal(caw_store_rows_text(&c, 1), "GBP");
    assert_int_equal(caw_store_rows_int(&c, 4), caw_date_days(2024, 1, 1));
    assert_int_equal(caw_store_rows_int(&c, 5), caw_date_days(2026, 12, 31));
    caw_store_rows_close(&c);
  }
  caw_store_rows_close(&s);
}

static void id_from_content(void **state) {
  caw_store *st = *state;
  caw_event ev = base_event();
  char id1[129], id2[129], err[CAW_ERRMAX];
  caw_outcome out;
  assert_int_equal(caw_store_add_event(st, &ev, id1, &out, err, sizeof err), CAW_OK);
  assert_int_equal(strncmp(id1, "ev-", 3), 0);
  assert_int_equal(caw_store_add_event(st, &ev, id2, &out, err, sizeof err), CAW_OK);
  assert_string_equal(id1, id2); /* same content, same id */
  assert_int_equal(out, CAW_UNCHANGED);
  ev.title = "Another title";
  assert_int_equal(caw_store_add_event(st, &ev, id2, &out, err, sizeof err), CAW_OK);
  assert_string_not_equal(id1, id2);
}

static void validation_names_the_field(void **state) {
  caw_store *st = *state;
  caw_event ev = base_event();
  caw_actor_ref bad_role[] = {{"KAZ", "boss", NULL, NULL, NULL, NULL, NULL, 0, 0}};
  caw_actor_ref unknown[] = {{"ZZZ", "host", NULL, NULL, NULL, NULL, NULL, 0, 0}};
  caw_money neg[] = {{-5, "USD", "pledge", NULL, NULL, NULL, NULL, 1, 1, NULL, NULL, 0}};
  caw_money cur[] = {{5, "XYZ", "pledge", NULL, NULL, NULL, NULL, 1, 1, NULL, NULL, 0}};
  caw_money src[] = {{5, "USD", "pledge", NULL, NULL, NULL, NULL, 3, 1, NULL, NULL, 0}};
  caw_money huge[] = {{1e308, "USD", "pledge", NULL, NULL, NULL, NULL, 1, 1, NULL, NULL, 0}};
  caw_money limit[] = {{CAW_MONEY_MAX, "KGS", "pledge", NULL, NULL, NULL, NULL, 1, 1, NULL, NULL, 0}};
  char id[129], err[CAW_ERRMAX];
  caw_outcome out;
  ev.date = "2024-13";
  expect_invalid(st, &ev, "field 'date': bad date \"2024-13\" at column 6");
  ev = base_event(); ev.type = "party";
  expect_invalid(st, &ev, "field 'type': unknown value 'party'");
  ev = base_event(); ev.title = "   ";
  expect_invalid(st, &ev, "field 'title': required (it is empty)");
  ev = base_event(); ev.n_sources = 0;
  expect_invalid(st, &ev, "field 'sources': at least one source is required");
  ev = base_event(); ev.actors = bad_role; ev.n_actors = 1;
  expect_invalid(st, &ev, "field 'actors[1].role': unknown value 'boss'");
  ev = base_event(); ev.actors = unknown; ev.n_actors = 1;
  expect_invalid(st, &ev, "field 'actors[1].code': unknown actor 'ZZZ'");
  ev = base_event(); ev.money = neg; ev.n_money = 1;
  expect_invalid(st, &ev, "field 'money[1].amount': amount must be a positive number");
  ev = base_event(); ev.money = huge; ev.n_money = 1; /* its sums would be infinite */
  expect_invalid(st, &ev, "field 'money[1].amount': amount 1e+308 is above the limit of 1e+13 in any currency");
  ev = base_event(); ev.money = limit; ev.n_money = 1; ev.id = "at-the-limit";
  assert_int_equal(caw_store_add_event(st, &ev, id, &out, err, sizeof err), CAW_OK);
  ev = base_event(); ev.money = cur; ev.n_money = 1;
  expect_invalid(st, &ev, "field 'money[1].currency': unknown currency 'XYZ'");
  ev = base_event(); ev.money = src; ev.n_money = 1;
  expect_invalid(st, &ev, "field 'money[1].source': 3 does not name one of the event's 1 sources");
  ev = base_event(); ev.confidence = 1.5;
  expect_invalid(st, &ev, "field 'confidence': 1.5 is out of range");
  ev = base_event(); ev.cameo = "4x";
  expect_invalid(st, &ev, "field 'cameo'");
  ev = base_event(); ev.title = "bad \xff byte";
  expect_invalid(st, &ev, "field 'title': invalid UTF-8 at byte 5");
  ev = base_event(); ev.attrs = "{not json";
  expect_invalid(st, &ev, "field 'attrs': not a valid JSON text");
}

/* "autumn 2023" overlaps October 2023 but is not certainly within it */
static void overlap_and_certain(void **state) {
  caw_store *st = *state;
  caw_event ev = base_event();
  caw_filter f;
  caw_store_rows s;
  int row;
  char id[129], err[CAW_ERRMAX];
  caw_outcome out;
  int n;
  ev.id = "autumn"; ev.date = "2023-23"; ev.type = "report";
  assert_int_equal(caw_store_add_event(st, &ev, id, &out, err, sizeof err), CAW_OK);
  memset(&f, 0, sizeof f);
  f.has_from = f.has_to = 1;
  f.from_day = caw_date_days(2023, 10, 1);
  f.to_day = caw_date_days(2023, 10, 31);
  f.type = "report";
  for (f.certain = 0; f.certain <= 1; f.certain++) {
    assert_int_equal(caw_store_events_rows(st, &f, &s, err, sizeof err), CAW_OK);
    for (n = 0; caw_store_rows_step(&s, &row, err, sizeof err) == CAW_OK && row; n++) {}
    caw_store_rows_close(&s);
    assert_int_equal(n, f.certain ? 0 : 1);
  }
  f.from_day = caw_date_days(2023, 1, 1);
  f.to_day = caw_date_days(2023, 12, 31);
  assert_int_equal(caw_store_events_rows(st, &f, &s, err, sizeof err), CAW_OK);
  assert_int_equal(caw_store_rows_step(&s, &row, err, sizeof err), CAW_OK);
  assert_int_equal(row, 1); /* certainly within 2023 */
  caw_store_rows_close(&s);
}

static void nested_transactions(void **state) {
  caw_store *st = *state;
  caw_event ev = base_event();
  char id[129], err[CAW_ERRMAX];
  caw_outcome out;
  int64_t before = caw_store_count(st);
  assert_int_equal(caw_store_begin(st, err, sizeof err), CAW_OK);
  ev.id = "outer";
  assert_int_equal(caw_store_add_event(st, &ev, id, &out, err, sizeof err), CAW_OK);
  assert_int_equal(caw_store_begin(st, err, sizeof err), CAW_OK);
  ev.id = "inner";
  assert_int_equal(caw_store_add_event(st, &ev, id, &out, err, sizeof err), CAW_OK);
  assert_int_equal(caw_store_rollback(st), CAW_OK); /* drops only inner */
  assert_int_equal(caw_store_count(st), before + 1);
  assert_int_equal(caw_store_commit(st, err, sizeof err), CAW_OK);
  assert_int_equal(caw_store_depth(st), 0);
  assert_int_equal(caw_store_count(st), before + 1);
  assert_int_equal(caw_store_begin(st, err, sizeof err), CAW_OK);
  ev.id = "dropped";
  assert_int_equal(caw_store_add_event(st, &ev, id, &out, err, sizeof err), CAW_OK);
  assert_int_equal(caw_store_rollback(st), CAW_OK);
  assert_int_equal(caw_store_count(st), before + 1);
}

/* An inline actor definition followed by a bad money line must fail as a
   whole (it once reported success after rolling back). */
static void inline_actor_then_bad_provider(void **state) {
  caw_store *st = *state;
  caw_actor_ref actors[] = {{"NEWCO", "initiator", NULL, NULL, NULL, "New Co", "company", 0, 0}};
  caw_money money[] = {{5, "USD", "pledge", NULL, "NOPE", NULL, NULL, 1, 1, NULL, NULL, 0}};
  caw_event ev = base_event();
  ev.actors = actors; ev.n_actors = 1;
  ev.money = money; ev.n_money = 1;
  expect_invalid(st, &ev, "field 'money[1].provider': unknown actor 'NOPE'");
  assert_int_equal(caw_store_depth(st), 0);
}

/* Filter values: the stored spelling, case folded when unambiguous, the
   closest known values otherwise (issue 10). */
static void known_values(void **state) {
  caw_store *st = *state;
  caw_event ev = base_event();
  caw_actor_ref actors[] = {{"GBR", "initiator", NULL, NULL, NULL, NULL, NULL, 0, 0}};
  const char *tags[] = {"uk"};
  char canon[64], err[CAW_ERRMAX], id[129];
  caw_outcome out;
  ev.id = "tagged";
  ev.actors = actors; ev.n_actors = 1;
  ev.tags = tags; ev.n_tags = 1;
  assert_int_equal(caw_store_add_event(st, &ev, id, &out, err, sizeof err), CAW_OK);
  assert_int_equal(caw_store_known(st, CAW_KNOWN_ACTOR, "KAZ", canon, sizeof canon, err, sizeof err), CAW_OK);
  assert_string_equal(canon, "KAZ");
  assert_int_equal(caw_store_known(st, CAW_KNOWN_ACTOR, "kaz", canon, sizeof canon, err, sizeof err), CAW_OK);
  assert_string_equal(canon, "KAZ");
  assert_int_equal(caw_store_known(st, CAW_KNOWN_ACTOR, "KAX", canon, sizeof canon, err, sizeof err), CAW_ENOENT);
  assert_string_equal(err, "unknown actor 'KAX' (closest: KAZ, C5, GBR)");
  assert_int_equal(caw_store_known(st, CAW_KNOWN_TYPE, "Visit", canon, sizeof canon, err, sizeof err), CAW_OK);
  assert_string_equal(canon, "visit");
  assert_int_equal(caw_store_known(st, CAW_KNOWN_TYPE, "visits", canon, sizeof canon, err, sizeof err), CAW_ENOENT);
  assert_non_null(strstr(err, "unknown type 'visits' (closest: visit, "));
  assert_int_equal(caw_store_known(st, CAW_KNOWN_TAG, "UK", canon, sizeof canon, err, sizeof err), CAW_OK);
  assert_string_equal(canon, "uk");
  assert_int_equal(caw_store_known(st, CAW_KNOWN_TAG, "ukk", canon, sizeof canon, err, sizeof err), CAW_ENOENT);
  assert_string_equal(err, "unknown tag 'ukk' (closest: uk)");
  /* two tags that differ only in case: neither is guessed */
  tags[0] = "Uk";
  ev.id = "tagged2";
  assert_int_equal(caw_store_add_event(st, &ev, id, &out, err, sizeof err), CAW_OK);
  assert_int_equal(caw_store_known(st, CAW_KNOWN_TAG, "UK", canon, sizeof canon, err, sizeof err), CAW_ENOENT);
  assert_non_null(strstr(err, "ambiguous"));
  assert_int_equal(caw_store_known(st, CAW_KNOWN_TAG, "Uk", canon, sizeof canon, err, sizeof err), CAW_OK);
  assert_string_equal(canon, "Uk");
}

static void currencies(void **state) {
  (void)state;
  assert_true(caw_currency_known("USD"));
  assert_true(caw_currency_known("KZT"));
  assert_true(caw_currency_known("UZS"));
  assert_false(caw_currency_known("usd"));
  assert_false(caw_currency_known("XYZ"));
  assert_false(caw_currency_known("US"));
}

/* The table of machine-coded events: one row per (source, ref); a type
   that is not an event type and an actor not in the registry are
   refused, and nothing is written. */
static void coded_events(void **state) {
  caw_store *st = *state;
  char err[CAW_ERRMAX];
  caw_coded c;
  caw_coded_stored got;
  int added = -1, found = 0;
  int64_t before = caw_store_count(st), rows = 0;
  memset(&c, 0, sizeof c);
  c.source = "test";
  c.ref = "T1";
  c.day = 19797;
  c.type = "meeting";
  c.code = "036";
  c.scheme = "cameo";
  c.actor1 = "KAZ";
  c.title = "Kazakhstan: Meet";
  c.confidence = 1;
  c.attrs = "{\"n\":1}";
  assert_int_equal(caw_store_coded_put(st, &c, &added, err, sizeof err), CAW_OK);
  assert_int_equal(added, 1);
  assert_int_equal(caw_store_count(st), before + 1);
  assert_int_equal(caw_store_coded_put(st, &c, &added, err, sizeof err), CAW_OK);
  assert_int_equal(added, 0); /* (source, ref) is there: kept as it is */
  assert_int_equal(caw_store_coded_has(st, "test", "T1", &found, err, sizeof err), CAW_OK);
  assert_int_equal(found, 1);
  assert_int_equal(caw_store_coded_get(st, "test", "T1", &got, err, sizeof err), CAW_OK);
  assert_string_equal(got.code, "036");
  assert_string_equal(got.attrs, "{\"n\":1}");
  assert_int_equal(got.rows, 1);
  free(got.buf);
  assert_int_equal(caw_store_coded_get(st, "test", "T9", &got, err, sizeof err), CAW_ENOENT);
  c.ref = "T2";
  c.type = "not-a-type";
  assert_int_equal(caw_store_coded_put(st, &c, &added, err, sizeof err), CAW_EINVAL);
  assert_non_null(strstr(err, "not an event type"));
  c.type = "meeting";
  c.actor2 = "NOSUCH"; /* the foreign key */
  assert_int_equal(caw_store_coded_put(st, &c, &added, err, sizeof err), CAW_EINVAL);
  assert_int_equal(caw_store_count(st), before + 1);
  assert_int_equal(caw_store_table_rows(st, "coded", &rows, err, sizeof err), CAW_OK);
  assert_int_equal(rows, 1);
  /* a curated event cannot take the id of a machine-coded one */
  {
    caw_event ev;
    char id[129];
    caw_outcome out;
    memset(&ev, 0, sizeof ev);
    ev.id = "test:T1";
    ev.date = "2024-03-15";
    ev.type = "meeting";
    ev.title = "x";
    ev.confidence = 1;
    ev.sources = one_source;
    ev.n_sources = 1;
    assert_int_equal(caw_store_add_event(st, &ev, id, &out, err, sizeof err), CAW_EINVAL);
    assert_non_null(strstr(err, "is a TEST event"));
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(schema_is_versioned, setup, teardown),
    cmocka_unit_test_setup_teardown(newer_schema_refused, setup, teardown),
    cmocka_unit_test(missing_file_without_create),
    cmocka_unit_test(new_database_all_or_nothing),
    cmocka_unit_test(foreign_files_refused),
    cmocka_unit_test_setup_teardown(add_and_read_back, setup, teardown),
    cmocka_unit_test_setup_teardown(id_from_content, setup, teardown),
    cmocka_unit_test_setup_teardown(validation_names_the_field, setup, teardown),
    cmocka_unit_test_setup_teardown(overlap_and_certain, setup, teardown),
    cmocka_unit_test_setup_teardown(nested_transactions, setup, teardown),
    cmocka_unit_test_setup_teardown(inline_actor_then_bad_provider, setup, teardown),
    cmocka_unit_test_setup_teardown(known_values, setup, teardown),
    cmocka_unit_test(currencies),
    cmocka_unit_test_setup_teardown(coded_events, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

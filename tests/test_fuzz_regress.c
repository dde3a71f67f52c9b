/*
** test_fuzz_regress.c -- replays the fuzzing seed corpora and every input
** a fuzzer ever crashed on (tests/fuzz/corpus/NAME/, tests/fuzz/crashes/
** NAME/) through the same per-input functions as the libFuzzer
** harnesses, in a normal build: a broken invariant aborts, and the
** sanitizer build (scripts/test --sanitize) catches memory errors and
** undefined behaviour. Seeds named ok_* must be accepted and bad_* must be
** rejected. Needs no clang: see docs/fuzzing.md.
*/
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

/* the harnesses' own code, compiled in: tests/CMakeLists.txt builds each
   unit test from its one .c file */
#include "fuzz/targets.c"

#ifndef CAW_TEST_DIR
#error "build with -DCAW_TEST_DIR='\"/path/to/tests\"'"
#endif

#define FUZZ_DIR CAW_TEST_DIR "/fuzz"
#define MAX_FILES 4096

typedef int (*target_fn)(const uint8_t *data, size_t len);

static int cmp_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Read path into a buffer of exactly its size (as libFuzzer gives it, so
   that ASan sees a read past the end); *len receives the size. */
static uint8_t *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  uint8_t *data;
  long size;
  if (!f) fail_msg("cannot open %s", path);
  assert_int_equal(fseek(f, 0, SEEK_END), 0);
  size = ftell(f);
  assert_true(size >= 0);
  rewind(f);
  data = malloc(size ? (size_t)size : 1);
  assert_non_null(data);
  assert_int_equal(fread(data, 1, (size_t)size, f), (size_t)size);
  fclose(f);
  *len = (size_t)size;
  return data;
}

/* Run every file in dir (sorted; a missing dir has none) through fn.
   Files named ok_* must give 1 and bad_* 0 when check_names is set.
   Returns the number of files. */
static int replay_dir(const char *dir, target_fn fn, int check_names) {
  DIR *d = opendir(dir);
  struct dirent *e;
  char *names[MAX_FILES], path[1024];
  int n = 0, i;
  if (!d) return 0;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    assert_true(n < MAX_FILES);
    names[n] = strdup(e->d_name);
    assert_non_null(names[n]);
    n++;
  }
  closedir(d);
  qsort(names, (size_t)n, sizeof names[0], cmp_names);
  for (i = 0; i < n; i++) {
    size_t len;
    uint8_t *data;
    int res;
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    if (strstr(dir, "/crashes/")) /* name it before it can abort */
      fprintf(stderr, "replaying %s\n", path);
    data = slurp(path, &len);
    res = fn(data, len);
    free(data);
    if (check_names && strncmp(names[i], "ok_", 3) == 0 && res != 1)
      fail_msg("%s should be accepted", path);
    if (check_names && strncmp(names[i], "bad_", 4) == 0 && res != 0)
      fail_msg("%s should be rejected", path);
    free(names[i]);
  }
  return n;
}

/* The seeds must be there (a replay of nothing proves nothing); saved
   crashes are optional. */
static void replay(const char *name, target_fn fn, int check_names) {
  char dir[512];
  int seeds, crashes;
  snprintf(dir, sizeof dir, "%s/corpus/%s", FUZZ_DIR, name);
  seeds = replay_dir(dir, fn, check_names);
  snprintf(dir, sizeof dir, "%s/crashes/%s", FUZZ_DIR, name);
  crashes = replay_dir(dir, fn, 0);
  if (seeds < 5) fail_msg("only %d seeds in %s/corpus/%s", seeds, FUZZ_DIR, name);
  print_message("%s: %d seeds, %d saved crash inputs\n", name, seeds, crashes);
}

static int date_target(const uint8_t *data, size_t len) {
  return caw_fuzz_date(data, len);
}

static int dsv_target(const uint8_t *data, size_t len) {
  return caw_fuzz_dsv(data, len) >= 0;
}

static int json_target(const uint8_t *data, size_t len) {
  return caw_fuzz_json(data, len, 1); /* integrity check every time */
}

static void test_date(void **state) {
  (void)state;
  replay("date", date_target, 1);
}

static void test_dsv(void **state) {
  static const uint8_t quoted[] = "\x1c" "a,b\n\"1,2\",3\n"; /* header, quotes */
  static const uint8_t plain[] = "\x18" "a,b\n\"1,2\",3\n"; /* no quotes */
  (void)state;
  replay("dsv", dsv_target, 0);
  /* the option byte means what the harness says it means */
  assert_int_equal(caw_fuzz_dsv(quoted, sizeof quoted - 1), 1);
  assert_int_equal(caw_fuzz_dsv(plain, sizeof plain - 1), 0); /* 3 fields */
  caw_fuzz_dsv_fini();
}

static int json_setup(void **state) {
  (void)state;
  caw_fuzz_json_init(CAW_TEST_DIR "/../plugins");
  return 0;
}

static int json_teardown(void **state) {
  (void)state;
  caw_fuzz_json_fini();
  return 0;
}

static void test_json(void **state) {
  (void)state;
  replay("json", json_target, 1);
  if (caw_fuzz_json_odd_errors())
    print_message("json: %u kinds of error that are not data errors (above)\n",
                  caw_fuzz_json_odd_errors());
}

static int bulk_target(const uint8_t *data, size_t len) {
  return caw_fuzz_bulk(data, len, 1); /* integrity check every time */
}

static void test_bulk(void **state) {
  (void)state;
  replay("bulk", bulk_target, 1);
  if (caw_fuzz_json_odd_errors())
    print_message("bulk: %u kinds of error that are not data errors (above)\n",
                  caw_fuzz_json_odd_errors());
}

static int lua_target(const uint8_t *data, size_t len) {
  return caw_fuzz_lua(data, len);
}

static int lua_setup(void **state) {
  (void)state;
  caw_fuzz_lua_init(CAW_TEST_DIR "/../plugins");
  return 0;
}

static int lua_teardown(void **state) {
  (void)state;
  caw_fuzz_lua_fini();
  return 0;
}

static void test_lua(void **state) {
  (void)state;
  replay("lua", lua_target, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_date),
    cmocka_unit_test(test_dsv),
    cmocka_unit_test_setup_teardown(test_json, json_setup, json_teardown),
    cmocka_unit_test_setup_teardown(test_bulk, json_setup, json_teardown),
    cmocka_unit_test_setup_teardown(test_lua, lua_setup, lua_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

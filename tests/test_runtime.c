/* test_runtime.c -- the Lua runtime and its bindings: exit codes carried
   by errors, transactions, limits (memory cap, timeout), the sandbox. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <lua.h>

#include "caw/runtime.h"
#include "caw/store.h"

static char dbpath[256];
static caw_store *store;

static int setup(void **state) {
  char err[CAW_ERRMAX];
  (void)state;
  snprintf(dbpath, sizeof dbpath, "/tmp/caw-test-rt-%ld.db", (long)getpid());
  remove(dbpath);
  if (caw_store_open(dbpath, CAW_STORE_CREATE, &store, err, sizeof err) != CAW_OK)
    return -1;
  return caw_store_put_actor(store, "KAZ", "Kazakhstan", "state", NULL, err, sizeof err) == CAW_OK ? 0 : -1;
}

static int teardown(void **state) {
  char side[300];
  (void)state;
  caw_store_close(store);
  remove(dbpath);
  snprintf(side, sizeof side, "%s-wal", dbpath);
  remove(side);
  snprintf(side, sizeof side, "%s-shm", dbpath);
  remove(side);
  return 0;
}

static int run_code(const char *code, const caw_runtime_opts *opts) {
  caw_runtime *rt = caw_runtime_new(store, opts);
  int rc;
  assert_non_null(rt);
  rc = caw_runtime_run(rt, NULL, code, 0, NULL);
  caw_runtime_free(rt);
  return rc;
}

static void exit_codes(void **state) {
  (void)state;
  assert_int_equal(run_code("local x = 1", NULL), 0);
  assert_int_equal(run_code("return 3", NULL), 3); /* a script may choose its code */
  assert_int_equal(run_code("error('boom')", NULL), CAW_EXIT_SOFTWARE);
  assert_int_equal(run_code("caw.fail(caw.EXIT.NOINPUT, 'gone')", NULL), CAW_EXIT_NOINPUT);
  assert_int_equal(run_code("caw.date.parse('2024-00')", NULL), CAW_EXIT_DATAERR);
  assert_int_equal(run_code("caw.json.decode('[1,')", NULL), CAW_EXIT_DATAERR);
  assert_int_equal(run_code("caw.readfile('/no/such/file')", NULL), CAW_EXIT_NOINPUT);
  assert_int_equal(run_code("this is not lua", NULL), CAW_EXIT_DATAERR); /* docs/cli.md */
}

static void failed_transaction_writes_nothing(void **state) {
  (void)state;
  assert_int_equal(run_code(
    "caw.transaction(function()\n"
    "  caw.add_event{id='a', date='2024', type='meeting', title='t',"
    "                sources={'https://example.org'}}\n"
    "  caw.add_event{id='b', date='2024-99', type='meeting', title='t',"
    "                sources={'https://example.org'}}\n"
    "end)", NULL), CAW_EXIT_DATAERR);
  assert_int_equal(caw_store_count(store), 0);
  assert_int_equal(caw_store_depth(store), 0);
  assert_int_equal(run_code(
    "caw.add_event{id='a', date='2024', type='meeting', title='t',"
    " actors={{code='KAZ', role='host'}}, sources={'https://example.org'}}", NULL), 0);
  assert_int_equal(caw_store_count(store), 1);
}

static void memory_cap_stops_bombs(void **state) {
  caw_runtime_opts o;
  (void)state;
  memset(&o, 0, sizeof o);
  o.max_memory = 16u << 20;
  assert_int_equal(run_code("local s = string.rep('x', 2^30)", &o), CAW_EXIT_SOFTWARE);
  assert_int_equal(run_code("local t = {} for i = 1, 1e9 do t[i] = {i} end", &o), CAW_EXIT_SOFTWARE);
  assert_int_equal(run_code("local t = {} for i = 1, 1000 do t[i] = i end", &o), 0); /* small work is fine */
}

static void timeout_stops_loops(void **state) {
  caw_runtime_opts o;
  (void)state;
  memset(&o, 0, sizeof o);
  o.timeout_s = 0.3;
  assert_int_equal(run_code("while true do end", &o), CAW_EXIT_SOFTWARE);
  /* pcall cannot swallow the stop: the hook fires again on every line */
  assert_int_equal(run_code("while true do pcall(function() while true do end end) end", &o),
                   CAW_EXIT_SOFTWARE);
  assert_int_equal(run_code("local n = 0 for i = 1, 1000 do n = n + i end", &o), 0);
}

static void sandbox_removes_io(void **state) {
  caw_runtime_opts o;
  (void)state;
  memset(&o, 0, sizeof o);
  assert_int_equal(run_code("assert(io.open)", &o), 0);
  o.sandbox = 1;
  assert_int_equal(run_code("assert(io == nil and caw.sandboxed)", &o), 0);
  assert_int_equal(run_code("os.remove('x')", &o), CAW_EXIT_SOFTWARE);
  assert_int_equal(run_code("loadfile('/etc/passwd')", &o), CAW_EXIT_SOFTWARE);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(exit_codes, setup, teardown),
    cmocka_unit_test_setup_teardown(failed_transaction_writes_nothing, setup, teardown),
    cmocka_unit_test_setup_teardown(memory_cap_stops_bombs, setup, teardown),
    cmocka_unit_test_setup_teardown(timeout_stops_loops, setup, teardown),
    cmocka_unit_test_setup_teardown(sandbox_removes_io, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
** fuzz_lua_api.c -- libFuzzer harness for the Lua API surface: each input
** becomes a script of caw calls (tests/fuzz/targets.c says how) run
** under --sandbox and --max-memory in a fresh runtime over a store whose
** transaction is rolled back. Errors are expected; crashes, leaks,
** undefined behaviour, an exit code caw does not document, an open
** savepoint or a changed database are findings. With CAW_FUZZ_SHOW set,
** each input's script is printed first (to see what a crash ran).
*/
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "targets.h"

#ifndef CAW_FUZZ_PLUGINS
#error "build with -DCAW_FUZZ_PLUGINS='\"/path/to/plugins\"'"
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  caw_fuzz_lua_init(CAW_FUZZ_PLUGINS);
  atexit(caw_fuzz_lua_fini); /* libFuzzer ends with exit() */
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (getenv("CAW_FUZZ_SHOW")) {
    char *script = caw_fuzz_lua_script(data, size);
    fprintf(stderr, "---- script ----\n%s----\n", script);
    free(script);
  }
  caw_fuzz_lua(data, size);
  return 0;
}

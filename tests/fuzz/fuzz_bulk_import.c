/*
** fuzz_bulk_import.c -- libFuzzer harness for the bulk engine through its
** binding: each input is one file (its first byte picks the importer:
** icews, acled, gdelt or polecat) imported through lib/importer.lua, whose
** declaration caw.bulk.load (luabulk.c) runs with the delimited reader
** (dsv.c) and the bulk engine (bulk.c) into a store seeded with the
** bundled dataset. Errors are expected; crashes, leaks, undefined
** behaviour, a half-done import or a damaged database are findings.
*/
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "targets.h"

#ifndef CAW_FUZZ_PLUGINS
#error "build with -DCAW_FUZZ_PLUGINS='\"/path/to/plugins\"'"
#endif

#define CHECK_EVERY 1000 /* integrity_check is slow: not every input */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  caw_fuzz_json_init(CAW_FUZZ_PLUGINS);
  atexit(caw_fuzz_json_fini); /* libFuzzer ends with exit() */
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  caw_fuzz_bulk(data, size, CHECK_EVERY);
  return 0;
}

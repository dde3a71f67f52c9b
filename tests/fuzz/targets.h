/*
** targets.h -- the per-input functions of caw's fuzz targets, shared by
** the libFuzzer harnesses (tests/fuzz/fuzz_*.c) and the regression test
** that replays the corpora and every saved crash in a normal build
** (tests/test_fuzz_regress.c). Each function checks the module's
** invariants and calls abort() with a message when one does not hold;
** sanitizers catch memory errors and undefined behaviour.
*/
#ifndef CAW_FUZZ_TARGETS_H
#define CAW_FUZZ_TARGETS_H

#include <stddef.h>
#include <stdint.h>

/*
** caw_date_parse on the len bytes at data (not NUL-terminated). Returns 1
** when they parsed, 0 when they were rejected.
*/
int caw_fuzz_date(const uint8_t *data, size_t len);

/*
** The delimited-file reader over data[1..len-1], with the options taken
** from data[0] (separator, quoting, header, UTF-8 check, buffer size,
** limits). Reads every row, skipping bad ones, until the end or until the
** reader is stuck. Returns the number of rows read, or -1 when the open
** failed.
*/
long caw_fuzz_dsv(const uint8_t *data, size_t len);
/* Close the store the dsv target's bulk engine writes to. */
void caw_fuzz_dsv_fini(void);

/*
** Set up the JSON import target once per process: a store in a fresh
** temporary file seeded with the bundled dataset, a runtime over it, and
** the caw-json importer loaded from plugin_dir (exported as
** CAW_PLUGIN_PATH). Aborts when any of it fails.
*/
void caw_fuzz_json_init(const char *plugin_dir);

/*
** Import the len bytes at data as one file through lib/importer with the
** caw-json importer, inside a transaction that is rolled back afterwards
** so that every input meets the same database. A rejected file is run
** again as `--skip-bad` would. check_every: run PRAGMA integrity_check
** and foreign_key_check after every check_every-th input (1: always).
** Returns 1 when the file imported, 0 when it was rejected.
*/
int caw_fuzz_json(const uint8_t *data, size_t len, unsigned check_every);

/*
** The bulk engine through its binding (caw.bulk.load): the len - 1 bytes
** after data[0] as one file, imported by the importer data[0] % 3 picks
** (icews, acled, gdelt: declarations run by the delimited reader and the
** bulk engine), in the store caw_fuzz_json_init set up, inside a
** transaction rolled back afterwards. Checks as caw_fuzz_json does, with
** the events counted in the coded table. Returns 1 when it imported.
*/
int caw_fuzz_bulk(const uint8_t *data, size_t len, unsigned check_every);

/* Close the runtime and the store and remove the temporary file. */
void caw_fuzz_json_fini(void);

/*
** Number of distinct errors the import raised that were not caw data
** errors (exit code 65): a Lua runtime error in an importer, an error
** with another exit code. Each is printed to stderr once, prefixed
** "caw-fuzz: not a data error: ".
*/
unsigned caw_fuzz_json_odd_errors(void);

/*
** Set up the Lua API target once per process: a store in a fresh
** temporary directory with one event, and a small GDELT and CSV file the
** scripts may read (they are on the command line). plugin_dir becomes
** CAW_PLUGIN_PATH.
*/
void caw_fuzz_lua_init(const char *plugin_dir);

/*
** Turn the len bytes at data into a script of caw calls (a grammar: which
** function, which arguments, what is done with the results) and run it
** under --sandbox and --max-memory 64 in a fresh runtime, inside a
** transaction rolled back afterwards. Aborts on an undocumented exit code,
** an open savepoint or a changed database. Returns 1 when the script
** exited 0.
*/
int caw_fuzz_lua(const uint8_t *data, size_t len);

/* The script for data (malloc'd; the caller frees it). */
char *caw_fuzz_lua_script(const uint8_t *data, size_t len);

/* Close the store and remove the temporary directory. */
void caw_fuzz_lua_fini(void);

#endif

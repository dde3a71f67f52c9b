/*
** runtime.h -- the embedded Lua 5.4 runtime: a Lua state with the `caw`
** module that scripts and plugins see, its limits (--timeout,
** --max-memory, --sandbox) and the run of a script. Called by cli.c (and
** the tests and fuzz harnesses); sits above the bindings, which reach it
** only through lbind.h's host and never include this header.
*/
#ifndef CAW_RUNTIME_H
#define CAW_RUNTIME_H

#include <lua.h>

#include "caw/caw.h"
#include "caw/store.h"

typedef struct caw_runtime caw_runtime;

/* Limits and policy for one runtime; zero means "no limit". */
typedef struct caw_runtime_opts {
  double timeout_s;       /* stop Lua after this many seconds */
  size_t max_memory;      /* cap on Lua's heap, in bytes */
  int sandbox;            /* 1: no io, no debug, files only as named on
                             the command line (docs/sandbox.md) */
  int quiet;              /* 1: no progress output */
} caw_runtime_opts;

/*
** Create a runtime over an open store (which the caller keeps owning and
** must close after caw_runtime_free). Returns NULL on out-of-memory.
*/
caw_runtime *caw_runtime_new(caw_store *store, const caw_runtime_opts *opts);
void caw_runtime_free(caw_runtime *rt);
lua_State *caw_runtime_state(caw_runtime *rt);

/*
** Run a script file (or, when code is non-NULL, the chunk `code` named
** chunkname) with the global `arg` set to argv[0..argc-1] (arg[0] = the
** script). Errors are printed to stderr with a traceback. Returns the
** process exit code: 0, or the code carried by a caw error (65 bad data,
** 66 no input, 74 I/O ...), or 70 for any other Lua error.
*/
int caw_runtime_run(caw_runtime *rt, const char *path, const char *code,
                    int argc, char **argv);

/*
** Openers of the sub-modules of `caw` that have no header of their own
** (json.c, luadsv.c, luabulk.c); each leaves one table on the stack.
** runtime.c is their only caller.
*/
int luaopen_caw_dsv(lua_State *L);
int luaopen_caw_json(lua_State *L);
int luaopen_caw_bulk(lua_State *L);

#endif

/*
** lbind.h -- what every binding of the `caw` module shares: the error
** value that carries a process exit code (caw_lua_fail), and the host a
** binding runs in (the store scripts use, the stop flag of --timeout and
** --max-memory, the file policy of --sandbox). Used by the bindings
** (json.c, luadsv.c, luabulk.c, luastore.c, luafile.c, luadate.c,
** plugin.c) and by runtime.c, which fills the host in; uses Lua and
** nothing of caw but the store's type, so that no binding includes the
** runtime to fail a call.
*/
#ifndef CAW_LBIND_H
#define CAW_LBIND_H

#include <signal.h>
#include <stddef.h>

#include <lauxlib.h>
#include <lua.h>

#include "caw/caw.h"
#include "caw/store.h"

/* Why a script is being stopped (caw_lua_host.stop; sticky once set). */
enum { CAW_LUA_STOP_NONE, CAW_LUA_STOP_TIMEOUT, CAW_LUA_STOP_MEMORY };

/*
** What the bindings may ask of the runtime that runs them. The runtime
** owns it (runtime.c keeps it as the first member of caw_runtime) and
** registers it with caw_lua_init; bindings read it with caw_lua_host.
*/
typedef struct caw_lua_host {
  caw_store *store;            /* the database scripts use; NULL: none */
  volatile sig_atomic_t stop;  /* CAW_LUA_STOP_*: every check raises */
  double timeout_s;            /* the limits, for the stop message */
  size_t max_memory;
  int sandbox;                 /* 1: the file policy below applies */
  /* the file policy of --sandbox (plugin.c's): may the script read or
     write path? Called only when sandbox is set. */
  int (*may_read)(lua_State *L, struct caw_lua_host *h, const char *path);
  int (*may_write)(lua_State *L, struct caw_lua_host *h, const char *path);
  int argc;                    /* the command line of the run, for the */
  char **argv;                 /* file policy (NULL between runs) */
  const char *script;
} caw_lua_host;

/*
** Register host (kept by the caller, alive as long as L) and the class of
** caw's error values in L. Called once by caw_runtime_new, before any
** binding runs.
*/
void caw_lua_init(lua_State *L, caw_lua_host *host);
/* The host registered in L, or NULL (a bare lua_State, a test). */
caw_lua_host *caw_lua_host_of(lua_State *L);

/*
** Raise a Lua error that carries a process exit code (CAW_EXIT_*): the
** message is "fmt..." and `caw run` exits with `exitcode` if it is not
** caught. Never returns. For bindings: e.g. a data error is
**   return caw_lua_fail(L, CAW_EXIT_DATAERR, "%s:%d: bad row", file, line);
*/
int caw_lua_fail(lua_State *L, int exitcode, const char *fmt, ...);
/* caw_lua_fail with the exit code of a core status and its message. */
int caw_lua_fail_status(lua_State *L, caw_status st, const char *msg);
/* Is the value at idx an error raised by caw_lua_fail? */
int caw_lua_is_error(lua_State *L, int idx);

/* The store scripts write to; raises "no database is open" without one. */
caw_store *caw_lua_store(lua_State *L);

/*
** Raise the stop error when --timeout or --max-memory has been hit. For
** long loops in C that call no Lua (a check every few thousand rows), and
** for the runtime's hooks.
*/
void caw_lua_check(lua_State *L);

/*
** The file policy of --sandbox: raise (exit 77) unless the script may
** read path (a file named on the command line, or a plugin file) or
** write it (standard output "-", or the file given with -o/--output).
** Without --sandbox every path is allowed. Call before opening path.
*/
void caw_lua_check_read(lua_State *L, const char *path);
void caw_lua_check_write(lua_State *L, const char *path);

/*
** Register the metatable name with the metamethods meta and, when given,
** the methods its __index table holds; getmetatable on its objects gives
** the name, not the shared table (caw_sandbox_lock_metatable).
*/
void caw_lua_class(lua_State *L, const char *name, const luaL_Reg *meta,
                   const luaL_Reg *methods);

/* Add caw.fail and caw.error_code to the table at the top of the stack. */
void caw_lua_open(lua_State *L);

#endif

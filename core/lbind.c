/*
** lbind.c -- what every binding of the `caw` module shares: caw's error
** value (a table {code, message} of class caw.error that `caw run` turns
** into an exit code), the host registered by the runtime (the store, the
** stop flag, the file policy), and the class helper. Used by json.c,
** luadsv.c, luabulk.c, luastore.c, luafile.c, luadate.c, plugin.c and
** runtime.c; calls sandbox.c (to lock metatables) and nothing else of
** caw.
*/
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "caw/lbind.h"
#include "caw/sandbox.h"

static const char ERROR_MT[] = "caw.error";
static const char HOST_KEY[] = "caw.runtime";

/* ---- errors ---- */

static int error_tostring(lua_State *L) {
  lua_getfield(L, 1, "message");
  return 1;
}

static void push_error(lua_State *L, int exitcode, const char *msg) {
  lua_createtable(L, 0, 2);
  lua_pushinteger(L, exitcode);
  lua_setfield(L, -2, "code");
  lua_pushstring(L, msg);
  lua_setfield(L, -2, "message");
  luaL_setmetatable(L, ERROR_MT);
}

int caw_lua_fail(lua_State *L, int exitcode, const char *fmt, ...) {
  char msg[CAW_ERRMAX * 2];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  push_error(L, exitcode, msg);
  return lua_error(L);
}

int caw_lua_fail_status(lua_State *L, caw_status st, const char *msg) {
  return caw_lua_fail(L, caw_status_exit(st), "%s", msg);
}

int caw_lua_is_error(lua_State *L, int idx) {
  int is;
  idx = lua_absindex(L, idx);
  if (!lua_istable(L, idx) ||
      luaL_getmetafield(L, idx, "__name") != LUA_TSTRING)
    return 0;
  is = strcmp(lua_tostring(L, -1), ERROR_MT) == 0;
  lua_pop(L, 1);
  return is;
}

/* caw.fail(code, message): raise an error that exits with code. */
static int l_fail(lua_State *L) {
  int code = (int)luaL_checkinteger(L, 1);
  const char *msg = luaL_checkstring(L, 2);
  return caw_lua_fail(L, code, "%s", msg);
}

/* caw.error_code(err) -> exit code carried by an error value, or nil */
static int l_error_code(lua_State *L) {
  if (caw_lua_is_error(L, 1)) {
    lua_getfield(L, 1, "code");
    return 1;
  }
  lua_pushnil(L);
  return 1;
}

/* ---- the host ---- */

caw_lua_host *caw_lua_host_of(lua_State *L) {
  caw_lua_host *h;
  lua_getfield(L, LUA_REGISTRYINDEX, HOST_KEY);
  h = lua_touserdata(L, -1);
  lua_pop(L, 1);
  return h;
}

caw_store *caw_lua_store(lua_State *L) {
  caw_lua_host *h = caw_lua_host_of(L);
  if (!h || !h->store)
    caw_lua_fail(L, CAW_EXIT_USAGE, "no database is open");
  return h->store;
}

void caw_lua_check(lua_State *L) {
  caw_lua_host *h = caw_lua_host_of(L);
  if (!h || !h->stop) return;
  if (h->stop == CAW_LUA_STOP_MEMORY)
    caw_lua_fail(L, CAW_EXIT_SOFTWARE,
                 "stopped: the script used more than --max-memory"
                 " %zu MB", h->max_memory >> 20);
  caw_lua_fail(L, CAW_EXIT_SOFTWARE,
               "stopped: the script ran longer than --timeout %g"
               " seconds", h->timeout_s);
}

void caw_lua_check_read(lua_State *L, const char *path) {
  caw_lua_host *h = caw_lua_host_of(L);
  if (!h || !h->sandbox) return;
  if (h->may_read && h->may_read(L, h, path)) return;
  caw_lua_fail(L, CAW_EXIT_NOPERM, "--sandbox: cannot read %s: a sandboxed"
               " script reads only the files named on its command line",
               path);
}

void caw_lua_check_write(lua_State *L, const char *path) {
  caw_lua_host *h = caw_lua_host_of(L);
  if (!h || !h->sandbox || strcmp(path, "-") == 0) return;
  if (h->may_write && h->may_write(L, h, path)) return;
  caw_lua_fail(L, CAW_EXIT_NOPERM, "--sandbox: cannot write %s: a sandboxed"
               " script writes only standard output and the file given"
               " with -o", path);
}

/* ---- classes ---- */

void caw_lua_class(lua_State *L, const char *name, const luaL_Reg *meta,
                   const luaL_Reg *methods) {
  luaL_newmetatable(L, name);
  luaL_setfuncs(L, meta, 0);
  if (methods) {
    lua_newtable(L);
    luaL_setfuncs(L, methods, 0);
    lua_setfield(L, -2, "__index");
  }
  lua_pop(L, 1);
  caw_sandbox_lock_metatable(L, name);
}

static const luaL_Reg error_meta[] = {{"__tostring", error_tostring},
                                      {NULL, NULL}};

void caw_lua_init(lua_State *L, caw_lua_host *host) {
  lua_pushlightuserdata(L, host);
  lua_setfield(L, LUA_REGISTRYINDEX, HOST_KEY);
  caw_lua_class(L, ERROR_MT, error_meta, NULL);
}

static const luaL_Reg error_funcs[] = {{"fail", l_fail},
                                       {"error_code", l_error_code},
                                       {NULL, NULL}};

void caw_lua_open(lua_State *L) { luaL_setfuncs(L, error_funcs, 0); }

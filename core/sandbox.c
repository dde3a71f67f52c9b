/*
** sandbox.c -- what plugin code can reach. Read-only views ("proxies") of
** the tables plugins share, caw's own require (caw's Lua modules, loaded
** as text, each in its own environment, from a cache no plugin can
** reach), text-only load/loadfile/dofile, and the standard functions that
** could reach a shared table (rawset, setmetatable with __gc) or bytecode
** wrapped or removed. Set up by runtime.c, which owns the limits; the
** bindings use it to read a module's table (caw_sandbox_unwrap:
** luastore.c, json.c, luadsv.c, luabulk.c), lock a class's metatable
** (lbind.c), load plugins and set package.path (plugin.c, which also owns
** the file policy). Knows nothing of the store.
*/
#include <ctype.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "caw/sandbox.h"

static const char PROXY_MARK = 0;   /* its address keys a proxy's real table */
static const char LOADING = 0;      /* a module being loaded: require loops */
static const char SAFE_G[] = "caw.safe_G";
static const char PROXIES[] = "caw.proxies"; /* real table -> its proxy */
static const char MODULES[] = "caw.modules"; /* require's cache */
static const char PACKAGE[] = "caw.package"; /* the package plugins see */
static const char ENV_MT[] = "caw.env_mt";

/* ---- read-only views ---- */

/* Is the value at idx a proxy? */
static int is_proxy(lua_State *L, int idx) {
  int yes;
  if (!lua_getmetatable(L, idx)) return 0; /* raw: ignores __metatable */
  yes = lua_rawgetp(L, -1, &PROXY_MARK) == LUA_TTABLE;
  lua_pop(L, 2);
  return yes;
}

static int ro_newindex(lua_State *L) {
  return luaL_error(L, "cannot set '%s': caw's shared tables are read-only"
                       " for plugins", luaL_tolstring(L, 2, NULL));
}

static void wrap_lazy(lua_State *L);

/* The iterator __pairs gives: next over the real table (upvalue 1); with
   upvalue 2 set, nested tables come out as views too. */
static int ro_next(lua_State *L) {
  lua_settop(L, 2);
  lua_pushvalue(L, 2);
  if (!lua_next(L, lua_upvalueindex(1))) return 0;
  if (lua_toboolean(L, lua_upvalueindex(2)) && lua_type(L, -1) == LUA_TTABLE)
    wrap_lazy(L);
  return 2;
}

static int ro_pairs(lua_State *L) {
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_pushvalue(L, lua_upvalueindex(2));
  lua_pushcclosure(L, ro_next, 2);
  lua_pushvalue(L, 1); /* the proxy, never the real table */
  lua_pushnil(L);
  return 3;
}

static int ro_len(lua_State *L) {
  lua_pushinteger(L, luaL_len(L, lua_upvalueindex(1)));
  return 1;
}

/* __index of the cache behind a module's view (upvalue 1: the real
   table, upvalue 2: the table of views already made). Functions and
   views of nested tables are kept in the cache (argument 1), so that the
   next read of the field is a plain table lookup; other values are read
   live each time. */
static int ro_index_lazy(lua_State *L) {
  int t;
  lua_pushvalue(L, 2);
  t = lua_gettable(L, lua_upvalueindex(1));
  if (t == LUA_TTABLE) {
    lua_pushvalue(L, -1);
    if (lua_rawget(L, lua_upvalueindex(2)) == LUA_TNIL) {
      lua_pop(L, 1);
      wrap_lazy(L);
    } else lua_remove(L, -2);
  }
  if (t == LUA_TTABLE || t == LUA_TFUNCTION) {
    lua_pushvalue(L, 2);
    lua_pushvalue(L, -2);
    lua_rawset(L, 1);
  }
  return 1;
}

/* Replace the table at the top by a new proxy of it, and remember the
   pair so that the same table always gives the same proxy. */
static void new_proxy(lua_State *L, int lazy) {
  int real = lua_gettop(L);
  lua_newtable(L);          /* proxy */
  lua_createtable(L, 0, 7); /* its metatable */
  lua_pushvalue(L, real);
  lua_rawsetp(L, -2, &PROXY_MARK);
  if (lazy) {               /* __index: a cache that fills itself */
    lua_newtable(L);
    lua_createtable(L, 0, 1);
    lua_pushvalue(L, real);
    lua_getfield(L, LUA_REGISTRYINDEX, PROXIES);
    lua_pushcclosure(L, ro_index_lazy, 2);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, -2);
  } else lua_pushvalue(L, real);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, ro_newindex);
  lua_setfield(L, -2, "__newindex");
  lua_pushvalue(L, real);
  lua_pushboolean(L, lazy);
  lua_pushcclosure(L, ro_pairs, 2);
  lua_setfield(L, -2, "__pairs");
  lua_pushvalue(L, real);
  lua_pushcclosure(L, ro_len, 1);
  lua_setfield(L, -2, "__len");
  lua_pushliteral(L, "locked");
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, -2);
  lua_getfield(L, LUA_REGISTRYINDEX, PROXIES);
  lua_pushvalue(L, real);
  lua_pushvalue(L, -3);
  lua_rawset(L, -3);
  lua_pop(L, 1);
  lua_replace(L, real);
}

/* The proxy already made for the table at the top, replacing it; 0 (and
   the stack unchanged) when there is none. */
static int known_proxy(lua_State *L) {
  lua_getfield(L, LUA_REGISTRYINDEX, PROXIES);
  lua_pushvalue(L, -2);
  if (lua_rawget(L, -2) == LUA_TNIL) {
    lua_pop(L, 2);
    return 0;
  }
  lua_replace(L, -3);
  lua_pop(L, 1);
  return 1;
}

static void wrap_lazy(lua_State *L) {
  if (is_proxy(L, -1) || known_proxy(L)) return;
  new_proxy(L, 1);
}

static void wrap_deep(lua_State *L) {
  int real;
  if (is_proxy(L, -1) || known_proxy(L)) return;
  real = lua_gettop(L);
  lua_pushvalue(L, real); /* the proxy first, so that a cycle finds it */
  new_proxy(L, 0);
  lua_pushnil(L);
  while (lua_next(L, real)) {
    if (lua_type(L, -1) == LUA_TTABLE) {
      wrap_deep(L);
      lua_pushvalue(L, -2);
      lua_insert(L, -2);
      lua_rawset(L, real); /* an existing field: next() stays valid */
    } else lua_pop(L, 1);
  }
  lua_replace(L, real);
}

void caw_sandbox_readonly(lua_State *L, int deep) {
  luaL_checkstack(L, 8, "tables nested too deeply");
  if (deep) wrap_deep(L);
  else wrap_lazy(L);
}

/* ---- environments and loading ---- */

void caw_sandbox_newenv(lua_State *L) {
  lua_newtable(L);
  lua_getfield(L, LUA_REGISTRYINDEX, ENV_MT);
  lua_setmetatable(L, -2);
}

int caw_sandbox_loadfile(lua_State *L, const char *path) {
  int rc = luaL_loadfilex(L, path, "t");
  if (rc != LUA_OK) return rc;
  caw_sandbox_newenv(L);
  lua_pushvalue(L, -1);
  lua_setupvalue(L, -3, 1); /* _ENV of the chunk */
  return LUA_OK;
}

/* Push the environment of the Lua function that called the running C
   function, or a fresh one: what load gives a chunk that names none (the
   global table would be the real one, shared by every plugin). */
static void push_caller_env(lua_State *L) {
  lua_Debug ar;
  int i;
  const char *name;
  if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "f", &ar)) {
    for (i = 1; (name = lua_getupvalue(L, -1, i)) != NULL; i++) {
      if (strcmp(name, "_ENV") == 0 && lua_istable(L, -1)) {
        lua_remove(L, -2);
        return;
      }
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
  }
  caw_sandbox_newenv(L);
}

#define RESERVED 5 /* the stack slot that anchors the reader's piece */

static const char *fn_reader(lua_State *L, void *ud, size_t *size) {
  (void)ud;
  luaL_checkstack(L, 2, "too many nested functions");
  lua_pushvalue(L, 1);
  lua_call(L, 0, 1);
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    *size = 0;
    return NULL;
  }
  if (!lua_isstring(L, -1))
    luaL_error(L, "reader function must return a string");
  lua_replace(L, RESERVED);
  return lua_tolstring(L, RESERVED, size);
}

/* load(chunk [, name [, mode [, env]]]): text only, whatever mode says;
   without env, the caller's environment. No upvalue holds the real load. */
static int safe_load(lua_State *L) {
  int has_env = lua_gettop(L) >= 4, rc;
  size_t len;
  const char *s = lua_tolstring(L, 1, &len);
  const char *name = luaL_optstring(L, 2, s ? s : "=(load)");
  lua_settop(L, 4);
  if (s) rc = luaL_loadbufferx(L, s, len, name, "t");
  else {
    luaL_checktype(L, 1, LUA_TFUNCTION);
    lua_settop(L, RESERVED);
    rc = lua_load(L, fn_reader, NULL, name, "t");
  }
  if (rc != LUA_OK) {
    luaL_pushfail(L);
    lua_insert(L, -2);
    return 2;
  }
  if (has_env) lua_pushvalue(L, 4);
  else push_caller_env(L);
  lua_setupvalue(L, -2, 1);
  return 1;
}

static int safe_loadfile(lua_State *L) {
  const char *path = luaL_optstring(L, 1, NULL);
  int has_env = lua_gettop(L) >= 3;
  if (luaL_loadfilex(L, path, "t") != LUA_OK) {
    luaL_pushfail(L);
    lua_insert(L, -2);
    return 2;
  }
  if (has_env) lua_pushvalue(L, 3);
  else push_caller_env(L);
  lua_setupvalue(L, -2, 1);
  return 1;
}

static int safe_dofile(lua_State *L) {
  const char *path = luaL_optstring(L, 1, NULL);
  lua_settop(L, 1);
  if (luaL_loadfilex(L, path, "t") != LUA_OK) return lua_error(L);
  push_caller_env(L);
  lua_setupvalue(L, -2, 1);
  lua_call(L, 0, LUA_MULTRET);
  return lua_gettop(L) - 1;
}

/* ---- require ---- */

static const char *const std_modules[] = {
  "_G", "caw", "coroutine", "debug", "io", "math", "os", "package",
  "string", "table", "utf8", NULL};

/* require(name): a standard library gives its shared read-only table;
   any other name is a caw module found on package.path, run once as text
   in its own environment; what it returns is cached where no plugin can
   reach it, and a table comes back read-only. */
static int safe_require(lua_State *L) {
  const char *name = luaL_checkstring(L, 1), *p, *path;
  const char *const *m;
  int rc;
  lua_settop(L, 1);
  lua_getfield(L, LUA_REGISTRYINDEX, MODULES); /* 2 */
  if (lua_getfield(L, 2, name) != LUA_TNIL) {
    if (lua_touserdata(L, -1) == &LOADING)
      return luaL_error(L, "module '%s': it requires itself", name);
    return 1;
  }
  lua_pop(L, 1);
  for (m = std_modules; *m; m++)
    if (strcmp(*m, name) == 0) {
      lua_getfield(L, LUA_REGISTRYINDEX, SAFE_G);
      if (lua_getfield(L, -1, name) == LUA_TNIL)
        return luaL_error(L, "module '%s' is not available to caw scripts"
                             " here (--sandbox?)", name);
      return 1;
    }
  for (p = name; *p; p++)
    if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-' && *p != '.')
      break;
  if (*p || !*name || name[0] == '.' || strstr(name, ".."))
    return luaL_error(L, "module '%s': a module name has letters, digits,"
                         " '_', '-' and single dots only", name);
  lua_getfield(L, LUA_REGISTRYINDEX, PACKAGE); /* 3 */
  lua_getfield(L, 3, "searchpath");
  lua_pushvalue(L, 1);
  lua_getfield(L, 3, "path");
  lua_call(L, 2, 2); /* 4: the file or nil, 5: where it looked */
  if (lua_isnil(L, 4))
    return luaL_error(L, "module '%s' not found:%s", name, lua_tostring(L, 5));
  path = lua_tostring(L, 4);
  lua_settop(L, 4);
  lua_pushlightuserdata(L, (void *)&LOADING);
  lua_setfield(L, 2, name);
  if (caw_sandbox_loadfile(L, path) != LUA_OK) {
    lua_pushnil(L);
    lua_setfield(L, 2, name);
    return luaL_error(L, "error loading module '%s' from file '%s':\n\t%s",
                      name, path, lua_tostring(L, -1));
  }
  lua_pop(L, 1); /* the env */
  lua_pushvalue(L, 1);
  lua_pushvalue(L, 4);
  if ((rc = lua_pcall(L, 2, 1, 0)) != LUA_OK) {
    lua_pushnil(L);
    lua_setfield(L, 2, name); /* a later require tries again */
    return lua_error(L);
  }
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    lua_pushboolean(L, 1);
  } else if (lua_istable(L, -1)) caw_sandbox_readonly(L, 0);
  lua_pushvalue(L, -1);
  lua_setfield(L, 2, name);
  lua_pushvalue(L, 4);
  return 2;
}

void caw_sandbox_set_path(lua_State *L) {
  lua_getfield(L, LUA_REGISTRYINDEX, PACKAGE);
  lua_pushvalue(L, -2);
  lua_setfield(L, -2, "path");
  lua_pop(L, 1);
  lua_getglobal(L, "package");
  lua_insert(L, -2);
  lua_setfield(L, -2, "path");
  lua_pop(L, 1);
}

/* ---- wrapped standard functions ---- */

static int refuse(lua_State *L) {
  return luaL_error(L, "%s is not available to caw scripts",
                    lua_tostring(L, lua_upvalueindex(1)));
}

static void block(lua_State *L, const char *lib, const char *fn) {
  if (lua_getglobal(L, lib) != LUA_TTABLE) {
    lua_pop(L, 1);
    return;
  }
  lua_pushfstring(L, "%s.%s", lib, fn);
  lua_pushcclosure(L, refuse, 1);
  lua_setfield(L, -2, fn);
  lua_pop(L, 1);
}

static void block_global(lua_State *L, const char *fn) {
  lua_pushstring(L, fn);
  lua_pushcclosure(L, refuse, 1);
  lua_setglobal(L, fn);
}

/* rawset: never on a shared table (upvalue 1: the real rawset). */
static int safe_rawset(lua_State *L) {
  if (is_proxy(L, 1))
    return luaL_error(L, "rawset: caw's shared tables are read-only for"
                         " plugins");
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

/* setmetatable: no __gc, since Lua runs finalisers with hooks off, where
   no --timeout can stop them (upvalue 1: the real setmetatable). */
static int safe_setmetatable(lua_State *L) {
  if (lua_istable(L, 2)) {
    lua_pushliteral(L, "__gc");
    if (lua_rawget(L, 2) != LUA_TNIL)
      return luaL_error(L, "setmetatable: __gc finalisers are not available"
                           " under --sandbox, --timeout or --max-memory");
    lua_pop(L, 1);
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

/* collectgarbage in the sandbox: count, collect, step, isrunning. */
static int safe_collectgarbage(lua_State *L) {
  static const char *const allowed[] = {"collect", "count", "step",
                                        "isrunning", NULL};
  const char *opt = luaL_optstring(L, 1, "collect");
  const char *const *a;
  for (a = allowed; *a; a++)
    if (strcmp(*a, opt) == 0) break;
  if (!*a)
    return luaL_error(L, "collectgarbage('%s') is not available under"
                         " --sandbox", opt);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

static void wrap_global(lua_State *L, const char *name, lua_CFunction fn) {
  lua_getglobal(L, name);
  lua_pushcclosure(L, fn, 1);
  lua_setglobal(L, name);
}

void caw_sandbox_libs(lua_State *L, int sandbox, int limited) {
  lua_newtable(L); /* registry tables */
  lua_setfield(L, LUA_REGISTRYINDEX, MODULES);
  lua_newtable(L);
  lua_createtable(L, 0, 1);
  lua_pushliteral(L, "k");
  lua_setfield(L, -2, "__mode");
  lua_setmetatable(L, -2);
  lua_setfield(L, LUA_REGISTRYINDEX, PROXIES);
  /* package: the real one keeps only what C needs; plugins see a copy
     with path, config and searchpath, and caw's require */
  lua_getglobal(L, "package");
  lua_pushnil(L);
  lua_setfield(L, -2, "loadlib");
  lua_pushliteral(L, "");
  lua_setfield(L, -2, "cpath");
  lua_newtable(L);
  lua_setfield(L, -2, "searchers");
  lua_getfield(L, -1, "loaded");
  if (sandbox) {
    lua_pushnil(L);
    lua_setfield(L, -2, "io");
    lua_pushnil(L);
    lua_setfield(L, -2, "debug");
  }
  lua_pop(L, 1);
  lua_createtable(L, 0, 4);
  lua_getfield(L, -2, "config");
  lua_setfield(L, -2, "config");
  lua_getfield(L, -2, "searchpath");
  lua_setfield(L, -2, "searchpath");
  lua_getfield(L, -2, "path");
  lua_setfield(L, -2, "path");
  lua_pushliteral(L, "");
  lua_setfield(L, -2, "cpath");
  lua_setfield(L, LUA_REGISTRYINDEX, PACKAGE);
  lua_pop(L, 1);
  lua_register(L, "require", safe_require);
  /* no bytecode: load/loadfile/dofile take text only */
  lua_register(L, "load", safe_load);
  lua_register(L, "loadfile", safe_loadfile);
  lua_register(L, "dofile", safe_dofile);
  wrap_global(L, "rawset", safe_rawset);
  /* no processes, no exit from inside a plugin */
  block(L, "os", "execute");
  block(L, "os", "exit");
  block(L, "io", "popen");
  if (sandbox || limited) wrap_global(L, "setmetatable", safe_setmetatable);
  if (limited) block(L, "debug", "sethook"); /* hooks are caw's */
  if (sandbox) { /* no files either: reports write through -o */
    lua_pushnil(L);
    lua_setglobal(L, "io");
    lua_pushnil(L);
    lua_setglobal(L, "debug");
    block(L, "os", "remove");
    block(L, "os", "rename");
    block(L, "os", "tmpname");
    block(L, "os", "getenv");
    block(L, "os", "setlocale"); /* would change number parsing for all */
    block(L, "string", "dump");
    block_global(L, "loadfile");
    block_global(L, "dofile");
    wrap_global(L, "collectgarbage", safe_collectgarbage);
  }
}

void caw_sandbox_globals(lua_State *L) {
  int safe;
  lua_newtable(L);
  safe = lua_gettop(L);
  lua_pushglobaltable(L);
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "";
    if (strcmp(k, "_G") == 0) {
      lua_pop(L, 1);
      continue;
    }
    if (strcmp(k, "package") == 0) {
      lua_pop(L, 1);
      lua_getfield(L, LUA_REGISTRYINDEX, PACKAGE);
    }
    if (lua_istable(L, -1)) caw_sandbox_readonly(L, 1);
    lua_pushvalue(L, -2);
    lua_insert(L, -2);
    lua_rawset(L, safe);
  }
  lua_pop(L, 1);
  lua_pushvalue(L, safe);
  new_proxy(L, 0);
  lua_setfield(L, safe, "_G");
  lua_pushvalue(L, safe);
  lua_setfield(L, LUA_REGISTRYINDEX, SAFE_G);
  lua_createtable(L, 0, 2); /* the metatable of every plugin's _ENV */
  lua_pushvalue(L, safe);
  lua_setfield(L, -2, "__index");
  lua_pushliteral(L, "locked");
  lua_setfield(L, -2, "__metatable");
  lua_setfield(L, LUA_REGISTRYINDEX, ENV_MT);
  lua_pop(L, 1);
  /* getmetatable("") must not hand out the string metatable */
  lua_pushliteral(L, "");
  if (lua_getmetatable(L, -1)) {
    lua_pushliteral(L, "locked");
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
}

void caw_sandbox_lock_metatable(lua_State *L, const char *tname) {
  if (luaL_getmetatable(L, tname) == LUA_TTABLE) {
    lua_pushstring(L, tname);
    lua_setfield(L, -2, "__metatable");
  }
  lua_pop(L, 1);
}

void caw_sandbox_unwrap(lua_State *L, int idx) {
  idx = lua_absindex(L, idx);
  if (!lua_getmetatable(L, idx)) return;
  if (lua_rawgetp(L, -1, &PROXY_MARK) == LUA_TTABLE) {
    lua_replace(L, idx);
    lua_pop(L, 1);
    return;
  }
  lua_pop(L, 2);
}

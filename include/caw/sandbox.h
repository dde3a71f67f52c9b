/*
** sandbox.h -- what plugin code can reach: read-only views of the shared
** tables, caw's own require, text-only loading, and the standard
** functions that could reach a shared table or bytecode wrapped or
** removed. Set up by runtime.c; used by the bindings to read a module's
** table (luastore.c, json.c, luadsv.c, luabulk.c), lock a class
** (lbind.c), load plugins (plugin.c). Knows nothing of the store or
** limits.
*/
#ifndef CAW_SANDBOX_H
#define CAW_SANDBOX_H

#include <lua.h>

/*
** Replace the table at the top of the stack by a read-only view of it:
** reads, pairs and # see the contents; assignment, rawset, setmetatable
** and the table functions raise. With deep set, the nested tables are
** replaced by views now (for caw's own library tables); otherwise they
** are wrapped when read (for the modules require returns).
*/
void caw_sandbox_readonly(lua_State *L, int deep);

/*
** Apply caw's policy to the standard libraries luaL_openlibs opened:
** text-only load/loadfile/dofile, caw's require, no os.execute, os.exit,
** io.popen, package.loadlib; with sandbox set also no io, no debug, no
** os file functions, no string.dump, collectgarbage limited to count,
** collect and step. limited: a --timeout or --max-memory is in force (no
** debug.sethook, no __gc finalisers, which run without hooks).
*/
void caw_sandbox_libs(lua_State *L, int sandbox, int limited);

/*
** Build the globals plugins share (registry "caw.safe_G") from the global
** table: every table in it read-only, _G a read-only view of it.
*/
void caw_sandbox_globals(lua_State *L);

/*
** Push a fresh environment for one plugin (its globals are its own, its
** reads fall through to the shared globals; its metatable is locked).
*/
void caw_sandbox_newenv(lua_State *L);

/*
** Load the file at path as text (never bytecode) in a fresh environment:
** pushes the chunk and its environment and returns LUA_OK, or pushes the
** message and returns the load status.
*/
int caw_sandbox_loadfile(lua_State *L, const char *path);

/*
** Lock the metatable registered as tname: getmetatable on its objects
** gives tname (a string) instead of the shared table.
*/
void caw_sandbox_lock_metatable(lua_State *L, const char *tname);

/*
** If the value at idx is a read-only view, replace it (in its stack slot)
** by the table it shows: for C code that reads a table raw (lua_next,
** lua_rawgeti) and never writes it.
*/
void caw_sandbox_unwrap(lua_State *L, int idx);

/* Set package.path, the path caw's require searches. Pops the string. */
void caw_sandbox_set_path(lua_State *L);

#endif

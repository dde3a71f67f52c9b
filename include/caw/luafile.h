/*
** luafile.h -- files, digests and output for the `caw` module:
** caw.readfile, caw.sha256, caw.sha256_file, caw.sha256_file_async,
** caw.write, caw.output, caw.same_file (docs/lua-api.md). Opened by
** runtime.c; uses file.h, sha256.h, store.h (the database's path) and
** lbind.h.
*/
#ifndef CAW_LUAFILE_H
#define CAW_LUAFILE_H

#include <lua.h>

/*
** Add the file functions to the table at the top of the stack (the caw
** module) and register the classes of their writers and pending digests.
*/
void caw_luafile_open(lua_State *L);

#endif

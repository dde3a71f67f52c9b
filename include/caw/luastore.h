/*
** luastore.h -- the store's part of the `caw` module: caw.events,
** caw.event, caw.add_event, caw.put_actor, caw.actors, caw.known,
** caw.sql, caw.transaction, caw.count, caw.batch_begin, caw.batch_finish
** (docs/lua-api.md). Opened by runtime.c; uses store.h, luadate.h,
** lbind.h and sandbox.h.
*/
#ifndef CAW_LUASTORE_H
#define CAW_LUASTORE_H

#include <lua.h>

/*
** Add the store functions to the table at the top of the stack (the caw
** module) and register the class of their cursors.
*/
void caw_luastore_open(lua_State *L);

#endif

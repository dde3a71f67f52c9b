/*
** luadate.h -- the `caw.date` Lua module (parse, parse_query, format, day,
** civil, year, OPEN) over date.h. Opened by runtime.c; luastore.c uses
** caw_luadate_field. Uses lbind.h to fail a call.
*/
#ifndef CAW_LUADATE_H
#define CAW_LUADATE_H

#include <stdint.h>

#include <lua.h>

/* Push the caw.date table (one value on the stack). */
int luaopen_caw_date(lua_State *L);

/*
** Set t[key] = "YYYY-MM-DD" of day in the table at the top of the stack;
** nothing for an open end (CAW_DAY_OPEN_LO/HI or beyond), which has no
** day.
*/
void caw_luadate_field(lua_State *L, int64_t day, const char *key);

#endif

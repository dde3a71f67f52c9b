/*
** luadate.c -- the `caw.date` Lua module: EDTF parsing, day numbers and
** civil dates for scripts, over date.c (which knows nothing of Lua).
** Opened by runtime.c; luastore.c uses caw_luadate_field for an event's
** earliest/latest. Uses lbind.c to fail a call.
*/
#include <stdint.h>

#include <lauxlib.h>
#include <lua.h>

#include "caw/date.h"
#include "caw/lbind.h"
#include "caw/luadate.h"

void caw_luadate_field(lua_State *L, int64_t day, const char *key) {
  char buf[32];
  if (day <= CAW_DAY_OPEN_LO || day >= CAW_DAY_OPEN_HI) return;
  caw_date_format(day, buf, sizeof buf);
  lua_pushstring(L, buf);
  lua_setfield(L, -2, key);
}

static int push_parsed_date(lua_State *L, const caw_date *dp);

/* caw.date.parse(s) -> {edtf, earliest, latest, day_lo, day_hi, precision,
   uncertain, approximate, interval}; raises on a bad date. */
static int l_date_parse(lua_State *L) {
  size_t len;
  const char *s = luaL_checklstring(L, 1, &len);
  caw_date d;
  char err[CAW_ERRMAX];
  if (caw_date_parse(s, len, &d, err, sizeof err) != CAW_OK)
    return caw_lua_fail(L, CAW_EXIT_DATAERR, "%s", err);
  return push_parsed_date(L, &d);
}

/* The table caw.date.parse returns for d, the string at index 1. */
static int push_parsed_date(lua_State *L, const caw_date *dp) {
  caw_date d = *dp;
  lua_createtable(L, 0, 9);
  lua_pushvalue(L, 1);
  lua_setfield(L, -2, "edtf");
  caw_luadate_field(L, d.lo, "earliest");
  caw_luadate_field(L, d.hi, "latest");
  lua_pushinteger(L, (lua_Integer)d.lo);
  lua_setfield(L, -2, "day_lo");
  lua_pushinteger(L, (lua_Integer)d.hi);
  lua_setfield(L, -2, "day_hi");
  lua_pushstring(L, caw_date_precision_name(d.precision));
  lua_setfield(L, -2, "precision");
  lua_pushboolean(L, (d.qualifiers & CAW_DATE_UNCERTAIN) != 0);
  lua_setfield(L, -2, "uncertain");
  lua_pushboolean(L, (d.qualifiers & CAW_DATE_APPROX) != 0);
  lua_setfield(L, -2, "approximate");
  lua_pushboolean(L, d.interval);
  lua_setfield(L, -2, "interval");
  return 1;
}

/* caw.date.parse_query(s): as caw.date.parse, for the dates commands
   take (--from, --to, --explain): also quarters written 2024-Q2. A bad
   date is a usage error (exit 64). */
static int l_date_parse_query(lua_State *L) {
  size_t len;
  const char *s = luaL_checklstring(L, 1, &len);
  caw_date d;
  char err[CAW_ERRMAX];
  if (caw_date_parse_query(s, len, &d, err, sizeof err) != CAW_OK)
    return caw_lua_fail(L, CAW_EXIT_USAGE, "%s", err);
  return push_parsed_date(L, &d);
}

/* caw.date.format(day) -> "YYYY-MM-DD" */
static int l_date_format(lua_State *L) {
  char buf[32];
  caw_date_format((int64_t)luaL_checkinteger(L, 1), buf, sizeof buf);
  lua_pushstring(L, buf);
  return 1;
}

/* caw.date.day(y, m, d) -> day number; the year within a thousand
   million million either way (the day number must fit in an integer). */
#define DATE_YEAR_MAX 1000000000000000LL
#define DATE_PART_MAX 1000000000LL
static int l_date_day(lua_State *L) {
  lua_Integer y = luaL_checkinteger(L, 1), m = luaL_optinteger(L, 2, 1),
              d = luaL_optinteger(L, 3, 1);
  luaL_argcheck(L, y >= -DATE_YEAR_MAX && y <= DATE_YEAR_MAX, 1,
                "year out of range (at most 10^15 either way)");
  luaL_argcheck(L, m >= -DATE_PART_MAX && m <= DATE_PART_MAX, 2,
                "month out of range");
  luaL_argcheck(L, d >= -DATE_PART_MAX && d <= DATE_PART_MAX, 3,
                "day out of range");
  lua_pushinteger(L, (lua_Integer)caw_date_days(y, (int)m, (int)d));
  return 1;
}

/* caw.date.civil(day) -> y, m, d */
static int l_date_civil(lua_State *L) {
  int64_t y;
  int m, d;
  caw_date_civil((int64_t)luaL_checkinteger(L, 1), &y, &m, &d);
  lua_pushinteger(L, (lua_Integer)y);
  lua_pushinteger(L, m);
  lua_pushinteger(L, d);
  return 3;
}

/* caw.date.year(day) -> the year of a day number; nil for an open end
   (caw.date.OPEN or beyond), which has no year. */
static int l_date_year(lua_State *L) {
  int64_t day = (int64_t)luaL_checkinteger(L, 1), y;
  int m, d;
  if (day <= CAW_DAY_OPEN_LO || day >= CAW_DAY_OPEN_HI) {
    lua_pushnil(L);
    return 1;
  }
  caw_date_civil(day, &y, &m, &d);
  lua_pushinteger(L, (lua_Integer)y);
  return 1;
}

static const luaL_Reg date_funcs[] = {{"parse", l_date_parse},
                                      {"year", l_date_year},
                                      {"format", l_date_format},
                                      {"day", l_date_day},
                                      {"civil", l_date_civil},
                                      {"parse_query", l_date_parse_query},
                                      {NULL, NULL}};

int luaopen_caw_date(lua_State *L) {
  luaL_newlib(L, date_funcs);
  lua_pushinteger(L, (lua_Integer)CAW_DAY_OPEN_HI); /* day_hi of ".." */
  lua_setfield(L, -2, "OPEN");
  return 1;
}

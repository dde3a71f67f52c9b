/*
** luadsv.c -- the `caw.dsv` Lua module: delimited-file readers for the
** importer plugins. Lua binding layer over dsv.c (the C reader, which
** knows nothing of Lua); uses lbind.c for caw_lua_fail, so that a
** bad file stops `caw run` with the exit code of its status (65 for bad
** data, 66 for a missing file, 74 for a read error).
**
** Rows are not tables. Each reader owns one row userdata that its
** iterator hands out at every step, and that reads the C reader's current
** fields: a field becomes a Lua string only when a script asks for it (an
** importer reads ~15 of GDELT's 61), and a step allocates nothing
** (lua-embedding.md section 3). The row is live only while the reader sits
** on a row: before the first step, after the last, after an error and
** after close, touching it raises "row expired".
*/
#include <limits.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "caw/dsv.h"
#include "caw/lbind.h"
#include "caw/sandbox.h"

#define READER_MT "caw.dsv.reader"
#define ROW_MT "caw.dsv.row"

/* User values of a reader userdata. */
enum { UV_HEADER = 1, UV_COLUMNS, UV_ROW };

typedef struct lreader {
  caw_dsv *dsv; /* NULL once closed */
  int live;     /* the reader sits on a row */
} lreader;

typedef struct lrow {
  lreader *rd;  /* kept alive by the row's user value 1 */
} lrow;

/* The reader at idx; upvalue 1 of every reader function is its metatable. */
static lreader *check_reader(lua_State *L, int idx) {
  lreader *rd = lua_touserdata(L, idx);
  if (rd == NULL || !lua_getmetatable(L, idx) ||
      !lua_rawequal(L, -1, lua_upvalueindex(1)))
    luaL_typeerror(L, idx, "caw.dsv reader");
  lua_pop(L, 1);
  return rd;
}

static lreader *open_reader(lua_State *L, int idx) {
  lreader *rd = check_reader(L, idx);
  if (rd->dsv == NULL) luaL_error(L, "caw.dsv: reader is closed");
  return rd;
}

/*
** The live row at argument 1, and its fields; upvalue 1 of every row
** function is the row metatable.
*/
static const caw_dsv_field *check_row(lua_State *L, lrow **out, size_t *n) {
  lrow *rw = lua_touserdata(L, 1);
  if (rw == NULL || !lua_getmetatable(L, 1) ||
      !lua_rawequal(L, -1, lua_upvalueindex(1)))
    luaL_typeerror(L, 1, "caw.dsv row");
  lua_pop(L, 1);
  if (!rw->rd->live)
    luaL_error(L, "caw.dsv: row expired (the row object is reused at each "
                  "step: copy what you need, or use row:fields())");
  if (out != NULL) *out = rw;
  return caw_dsv_row(rw->rd->dsv, n);
}

/* Push field i (1-based) of fields[0..n), or nil past the end. */
static void push_field(lua_State *L, const caw_dsv_field *f, size_t n,
                       lua_Integer i) {
  if (i >= 1 && (lua_Unsigned)i <= n)
    lua_pushlstring(L, f[i - 1].ptr, f[i - 1].len);
  else
    lua_pushnil(L);
}

/* row[i], row.line, or a method; upvalue 2 is the methods table. */
static int row_index(lua_State *L) {
  size_t n;
  lrow *rw;
  const caw_dsv_field *f = check_row(L, &rw, &n);
  if (lua_type(L, 2) == LUA_TNUMBER) {
    int isint;
    lua_Integer i = lua_tointegerx(L, 2, &isint);
    if (isint) {
      push_field(L, f, n, i);
      return 1;
    }
  } else if (lua_type(L, 2) == LUA_TSTRING) {
    lua_pushvalue(L, 2);
    if (lua_rawget(L, lua_upvalueindex(2)) != LUA_TNIL) return 1; /* method */
    if (strcmp(lua_tostring(L, 2), "line") == 0) {
      lua_pushinteger(L, (lua_Integer)caw_dsv_line(rw->rd->dsv));
      return 1;
    }
  }
  lua_pushnil(L);
  return 1;
}

static int row_len(lua_State *L) {
  size_t n;
  check_row(L, NULL, &n);
  lua_pushinteger(L, (lua_Integer)n);
  return 1;
}

/* row:get(i, j, ...) -> field i, field j, ... (nil past the end) */
static int row_get(lua_State *L) {
  size_t n;
  const caw_dsv_field *f = check_row(L, NULL, &n);
  int top = lua_gettop(L), a;
  luaL_checkstack(L, top, "too many fields asked");
  for (a = 2; a <= top; a++) push_field(L, f, n, luaL_checkinteger(L, a));
  return top - 1;
}

/* row:fields() -> a new table of all fields */
static int row_fields(lua_State *L) {
  size_t n, i;
  const caw_dsv_field *f = check_row(L, NULL, &n);
  lua_createtable(L, n > INT_MAX ? INT_MAX : (int)n, 0);
  for (i = 0; i < n; i++) {
    lua_pushlstring(L, f[i].ptr, f[i].len);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

/* row:named(name, ...) -> the fields under those header names */
static int row_named(lua_State *L) {
  size_t n;
  lrow *rw;
  const caw_dsv_field *f = check_row(L, &rw, &n);
  int top = lua_gettop(L), a, columns;
  lua_getiuservalue(L, 1, 1);                 /* the reader */
  if (lua_getiuservalue(L, -1, UV_COLUMNS) != LUA_TTABLE)
    return luaL_error(L, "caw.dsv: row:named needs a reader opened with "
                         "header = true");
  columns = lua_gettop(L);
  luaL_checkstack(L, top, "too many fields asked");
  for (a = 2; a <= top; a++) {
    luaL_checktype(L, a, LUA_TSTRING);
    lua_pushvalue(L, a);
    if (lua_rawget(L, columns) != LUA_TNUMBER)
      return caw_lua_fail(L, CAW_EXIT_DATAERR, "%s: no column named \"%s\"",
                          caw_dsv_name(rw->rd->dsv), lua_tostring(L, a));
    push_field(L, f, n, lua_tointeger(L, -1));
    lua_remove(L, -2);                        /* the index */
  }
  return top - 1;
}

static int row_tostring(lua_State *L) {
  lrow *rw = lua_touserdata(L, 1);
  size_t n;
  if (rw == NULL || !rw->rd->live) {
    lua_pushliteral(L, "caw.dsv row (expired)");
    return 1;
  }
  caw_dsv_row(rw->rd->dsv, &n);
  lua_pushfstring(L, "caw.dsv row (line %I, %I fields)",
                  (lua_Integer)caw_dsv_line(rw->rd->dsv), (lua_Integer)n);
  return 1;
}

/* reader:stuck() -> true when the last error stops the reader for good
   (a runaway quote, an over-long line, a read error); false when the bad
   row was skipped and reading can go on (--skip-bad). */
static int reader_stuck(lua_State *L) {
  lreader *rd = open_reader(L, 1);
  lua_pushboolean(L, caw_dsv_stuck(rd->dsv));
  return 1;
}

/* The step function of reader:rows(): the row object, or nil at the end. */
static int reader_step(lua_State *L) {
  lreader *rd = open_reader(L, 1);
  char err[CAW_ERRMAX];
  size_t n;
  caw_status st;
  rd->live = 0;
  st = caw_dsv_next(rd->dsv, &n, err, sizeof err);
  if (st != CAW_OK) return caw_lua_fail(L, caw_status_exit(st), "%s", err);
  if (n == 0) return 0;
  rd->live = 1;
  lua_getiuservalue(L, 1, UV_ROW);
  return 1;
}

/* reader:rows() -> step, reader: for the generic for */
static int reader_rows(lua_State *L) {
  open_reader(L, 1);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_pushcclosure(L, reader_step, 1);
  lua_pushvalue(L, 1);
  return 2;
}

/* reader:progress() -> bytes read, bytes in all (0: unknown), line */
static int reader_progress(lua_State *L) {
  lreader *rd = open_reader(L, 1);
  uint64_t done, total;
  caw_dsv_progress(rd->dsv, &done, &total);
  lua_pushinteger(L, (lua_Integer)done);
  lua_pushinteger(L, (lua_Integer)total);
  lua_pushinteger(L, (lua_Integer)caw_dsv_line(rd->dsv));
  return 3;
}

/* reader:close(), also __close and __gc: idempotent. */
static int reader_close(lua_State *L) {
  lreader *rd = check_reader(L, 1);
  rd->live = 0;
  caw_dsv_close(rd->dsv);
  rd->dsv = NULL;
  return 0;
}

/* reader.header, reader.path, or a method (upvalue 2). */
static int reader_index(lua_State *L) {
  lreader *rd = check_reader(L, 1);
  const char *key = lua_tostring(L, 2);
  if (lua_type(L, 2) != LUA_TSTRING) {
    lua_pushnil(L);
  } else if (strcmp(key, "header") == 0) {
    lua_getiuservalue(L, 1, UV_HEADER);
  } else if (strcmp(key, "path") == 0) {
    if (rd->dsv != NULL)
      lua_pushstring(L, caw_dsv_name(rd->dsv));
    else
      lua_pushnil(L);
  } else {
    lua_rawget(L, lua_upvalueindex(2));
  }
  return 1;
}

static int reader_tostring(lua_State *L) {
  lreader *rd = lua_touserdata(L, 1);
  if (rd == NULL || rd->dsv == NULL)
    lua_pushliteral(L, "caw.dsv reader (closed)");
  else
    lua_pushfstring(L, "caw.dsv reader (%s)", caw_dsv_name(rd->dsv));
  return 1;
}

/* opts.key as a boolean, or dflt when absent. */
static int opt_bool(lua_State *L, int idx, const char *key, int dflt) {
  int t = lua_getfield(L, idx, key), v = dflt;
  if (t == LUA_TBOOLEAN)
    v = lua_toboolean(L, -1);
  else if (t != LUA_TNIL)
    luaL_error(L, "caw.dsv.open: option %s must be a boolean", key);
  lua_pop(L, 1);
  return v;
}

/* opts.key as a count >= min, or dflt when absent. */
static size_t opt_count(lua_State *L, int idx, const char *key, size_t dflt,
                        lua_Integer min) {
  int isint = 0;
  lua_Integer v;
  if (lua_getfield(L, idx, key) == LUA_TNIL) {
    lua_pop(L, 1);
    return dflt;
  }
  v = lua_tointegerx(L, -1, &isint);
  if (!isint || v < min)
    luaL_error(L, "caw.dsv.open: option %s must be an integer >= %d", key,
               (int)min);
  lua_pop(L, 1);
  return (size_t)v;
}

/* Read the options table at idx (may be absent) into o. */
static void read_opts(lua_State *L, int idx, caw_dsv_opts *o) {
  static const char *const known[] = {"sep", "quote", "header", "fields",
                                      "utf8", "max_field", "max_line", NULL};
  unsigned char sep = ',';
  if (lua_isnoneornil(L, idx)) {
    *o = caw_dsv_defaults(sep);
    return;
  }
  luaL_checktype(L, idx, LUA_TTABLE);
  caw_sandbox_unwrap(L, idx);                 /* a module's table */
  lua_pushnil(L);
  while (lua_next(L, idx) != 0) {             /* catch misspelt options */
    int i, ok = 0;
    if (lua_type(L, -2) == LUA_TSTRING)
      for (i = 0; known[i] != NULL && !ok; i++)
        ok = strcmp(lua_tostring(L, -2), known[i]) == 0;
    if (!ok)
      luaL_error(L, "caw.dsv.open: unknown option %s",
                 luaL_tolstring(L, -2, NULL));
    lua_pop(L, 1);
  }
  if (lua_getfield(L, idx, "sep") != LUA_TNIL) {
    size_t len;
    const char *s = lua_tolstring(L, -1, &len);
    if (lua_type(L, -1) != LUA_TSTRING || len != 1)
      luaL_error(L, "caw.dsv.open: option sep must be a one-byte string");
    sep = (unsigned char)s[0];
  }
  lua_pop(L, 1);
  *o = caw_dsv_defaults(sep);
  o->quote = opt_bool(L, idx, "quote", o->quote);
  o->header = opt_bool(L, idx, "header", 0);
  o->utf8 = opt_bool(L, idx, "utf8", 1);
  o->fields = opt_count(L, idx, "fields", 0, 0);
  o->max_field = opt_count(L, idx, "max_field", o->max_field, 1);
  o->max_line = opt_count(L, idx, "max_line", o->max_line, 1);
}

/* Give the reader at idx its header table and name -> index map. */
static void set_header(lua_State *L, int idx, caw_dsv *dsv) {
  size_t n, i;
  const caw_dsv_field *h = caw_dsv_header(dsv, &n);
  int cols = n > INT_MAX ? INT_MAX : (int)n;
  if (h == NULL) return;
  lua_createtable(L, cols, 0);
  lua_createtable(L, 0, cols);
  for (i = n; i-- > 0;) {                     /* first of equal names wins */
    lua_pushlstring(L, h[i].ptr, h[i].len);
    lua_pushvalue(L, -1);
    lua_rawseti(L, -4, (lua_Integer)i + 1);
    lua_pushinteger(L, (lua_Integer)i + 1);
    lua_rawset(L, -3);
  }
  lua_setiuservalue(L, idx, UV_COLUMNS);
  lua_setiuservalue(L, idx, UV_HEADER);
}

/* caw.dsv.open(path [, opts]) -> reader; upvalue 1: reader metatable,
** upvalue 2: row metatable. */
static int dsv_open(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  char err[CAW_ERRMAX];
  caw_dsv_opts o;
  caw_status st;
  lreader *rd;
  lrow *rw;
  int idx;
  caw_lua_check_read(L, path);
  read_opts(L, 2, &o);
  rd = lua_newuserdatauv(L, sizeof *rd, 3);
  rd->dsv = NULL;
  rd->live = 0;
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_setmetatable(L, -2);                    /* __gc from here on */
  idx = lua_gettop(L);
  st = caw_dsv_open(path, &o, &rd->dsv, err, sizeof err);
  if (st != CAW_OK) return caw_lua_fail(L, caw_status_exit(st), "%s", err);
  set_header(L, idx, rd->dsv);
  rw = lua_newuserdatauv(L, sizeof *rw, 1);
  rw->rd = rd;
  lua_pushvalue(L, lua_upvalueindex(2));
  lua_setmetatable(L, -2);
  lua_pushvalue(L, idx);
  lua_setiuservalue(L, -2, 1);                /* the row keeps the reader */
  lua_setiuservalue(L, idx, UV_ROW);
  return 1;
}

static const luaL_Reg row_methods[] = {
    {"get", row_get}, {"fields", row_fields}, {"named", row_named},
    {NULL, NULL}};

static const luaL_Reg reader_methods[] = {
    {"rows", reader_rows}, {"close", reader_close},
    {"progress", reader_progress}, {"stuck", reader_stuck}, {NULL, NULL}};

static const luaL_Reg dsv_funcs[] = {{"open", dsv_open}, {NULL, NULL}};

/* Fill the metatable on top with __index (methods as its upvalue 2) and
** the metamethods in meta; every function gets the metatable as upvalue 1. */
static void fill_metatable(lua_State *L, const char *name,
                           const luaL_Reg *methods, lua_CFunction index,
                           const luaL_Reg *meta) {
  lua_newtable(L);                            /* methods */
  lua_pushvalue(L, -2);
  luaL_setfuncs(L, methods, 1);
  lua_pushvalue(L, -2);
  lua_insert(L, -2);
  lua_pushcclosure(L, index, 2);
  lua_setfield(L, -2, "__index");
  lua_pushvalue(L, -1);
  luaL_setfuncs(L, meta, 1);
  lua_pushstring(L, name);
  lua_setfield(L, -2, "__metatable");         /* scripts cannot swap it */
}

/*
** Open `caw.dsv`: leaves the module table ({open = ...}) on the stack.
*/
int luaopen_caw_dsv(lua_State *L) {
  static const luaL_Reg row_meta[] = {
      {"__len", row_len}, {"__tostring", row_tostring}, {NULL, NULL}};
  static const luaL_Reg reader_meta[] = {
      {"__gc", reader_close}, {"__close", reader_close},
      {"__tostring", reader_tostring}, {NULL, NULL}};
  luaL_newmetatable(L, READER_MT);
  fill_metatable(L, READER_MT, reader_methods, reader_index, reader_meta);
  luaL_newmetatable(L, ROW_MT);
  fill_metatable(L, ROW_MT, row_methods, row_index, row_meta);
  luaL_newlibtable(L, dsv_funcs);
  lua_insert(L, -3);                          /* module, reader mt, row mt */
  luaL_setfuncs(L, dsv_funcs, 2);
  return 1;
}

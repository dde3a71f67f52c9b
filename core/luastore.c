/*
** luastore.c -- the store's part of the `caw` module: Lua tables to
** caw_event structs (caw.add_event, caw.put_actor), query rows back to
** Lua tables (caw.events, caw.event, caw.sql, caw.actors, caw.known),
** transactions and import batches (caw.transaction, caw.batch_begin,
** caw.batch_finish, caw.count). Opened by runtime.c into the caw table;
** calls store.c for every read and write, luadate.c for day strings,
** lbind.c to fail a call, sandbox.c to read a module's table.
*/
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include <cjson/cJSON.h>

#include "caw/date.h"
#include "caw/lbind.h"
#include "caw/luadate.h"
#include "caw/luastore.h"
#include "caw/sandbox.h"
#include "caw/store.h"

static const char CURSOR_MT[] = "caw.cursor";

/* ---- Lua table -> caw_event ---- */

typedef struct conv {
  lua_State *L;
  char path[96]; /* field path for messages: "money[2]" */
} conv;

static int conv_fail(conv *c, const char *field, const char *fmt, ...) {
  char msg[CAW_ERRMAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return caw_lua_fail(c->L, CAW_EXIT_DATAERR, "field '%s%s%s': %s", c->path,
                      c->path[0] ? "." : "", field, msg);
}

/* Reject keys that are not in allowed: a typo must not vanish silently. */
static void check_keys(conv *c, int idx, const char *const *allowed) {
  lua_State *L = c->L;
  caw_sandbox_unwrap(L, idx); /* a module's table: its contents */
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    const char *const *a;
    lua_pop(L, 1);
    if (lua_type(L, -1) != LUA_TSTRING) {
      conv_fail(c, "?", "unexpected %s key in the table",
                luaL_typename(L, -1));
    }
    for (a = allowed; *a; a++)
      if (strcmp(*a, lua_tostring(L, -1)) == 0) break;
    if (!*a) conv_fail(c, lua_tostring(L, -1), "unknown field");
  }
}

/* Push t[key] for the table at idx, raw: no __index may compute a value
   (a string that only the stack held would be collected once popped,
   while C still points into it). check_keys unwraps a read-only view. */
static int raw_field(lua_State *L, int idx, const char *key) {
  idx = lua_absindex(L, idx);
  lua_pushstring(L, key);
  return lua_rawget(L, idx);
}

/* A string field (NULL when absent); the table keeps the string alive. */
static const char *get_str(conv *c, int idx, const char *key) {
  const char *s = NULL;
  int t = raw_field(c->L, idx, key);
  if (t == LUA_TSTRING) {
    size_t len;
    s = lua_tolstring(c->L, -1, &len);
    if (strlen(s) != len) conv_fail(c, key, "contains a NUL byte");
  } else if (t != LUA_TNIL && !(t == LUA_TLIGHTUSERDATA &&
                                lua_touserdata(c->L, -1) == NULL)) {
    const char *tname = luaL_typename(c->L, -1); /* before tostring converts */
    conv_fail(c, key, "expected a string, got %s%s%s%s", tname,
              t == LUA_TNUMBER ? " " : "",
              t == LUA_TNUMBER ? lua_tostring(c->L, -1) : "",
              strcmp(key, "cameo") == 0 ? " (write CAMEO codes as strings:"
                                          " leading zeros matter)" : "");
  }
  lua_pop(c->L, 1);
  return s;
}

static double get_num(conv *c, int idx, const char *key, double dflt,
                      int *present) {
  double d = dflt;
  int t = raw_field(c->L, idx, key);
  if (present) *present = t != LUA_TNIL;
  if (t == LUA_TNUMBER) d = lua_tonumber(c->L, -1);
  else if (t != LUA_TNIL)
    conv_fail(c, key, "expected a number, got %s%s%.40s%s",
              luaL_typename(c->L, -1), t == LUA_TSTRING ? " '" : "",
              t == LUA_TSTRING ? lua_tostring(c->L, -1) : "",
              t == LUA_TSTRING ? "'" : "");
  lua_pop(c->L, 1);
  return d;
}

static int get_bool(conv *c, int idx, const char *key, int dflt) {
  int b = dflt, t = raw_field(c->L, idx, key);
  if (t == LUA_TBOOLEAN) b = lua_toboolean(c->L, -1);
  else if (t != LUA_TNIL)
    conv_fail(c, key, "expected true or false, got %s",
              luaL_typename(c->L, -1));
  lua_pop(c->L, 1);
  return b;
}

/* Push the list t[key] (or nothing) and return its length; the list
   stays on the stack. */
static size_t get_list(conv *c, int idx, const char *key) {
  int t = raw_field(c->L, idx, key);
  if (t == LUA_TNIL) return 0;
  if (t != LUA_TTABLE) conv_fail(c, key, "expected a list");
  caw_sandbox_unwrap(c->L, -1);
  return (size_t)lua_rawlen(c->L, -1); /* no __len: it sizes a buffer */
}

static void *scratch(lua_State *L, size_t n) {
  void *p = lua_newuserdatauv(L, n ? n : 1, 0); /* freed by the GC */
  return memset(p, 0, n ? n : 1);
}

static const char *const event_keys[] = {
  "id", "date", "type", "title", "summary", "location", "confidence",
  "cameo", "goldstein", "attrs", "actors", "money", "sources", "tags",
  "batch", NULL};
static const char *const actor_keys[] = {"code", "role", "level", "person",
                                         "stance", "name", "kind",
                                         "confidence", NULL};
static const char *const money_keys[] = {
  "amount", "currency", "kind", "period", "provider", "recipient", "note",
  "source", "primary", "instrument", "allocation", NULL};

/* m->allocation from the table { CODE = amount, ... } at money[i]
   (the table at it); its strings stay alive in the table. */
static void get_allocation(conv *c, int it, caw_money *m) {
  lua_State *L = c->L;
  caw_allocation *a;
  size_t n = 0, j = 0;
  int t = lua_getfield(L, it, "allocation"), tab;
  if (t == LUA_TNIL) { lua_pop(L, 1); return; }
  if (t != LUA_TTABLE)
    conv_fail(c, "allocation", "expected an object of member code -> amount");
  tab = lua_gettop(L);
  for (lua_pushnil(L); lua_next(L, tab); lua_pop(L, 1)) n++;
  a = scratch(L, n * sizeof *a); /* anchored until the caller pops */
  for (lua_pushnil(L); lua_next(L, tab) && j < n; lua_pop(L, 1), j++) {
    if (lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TNUMBER)
      conv_fail(c, "allocation", "expected member code -> amount, got %s -> %s",
                luaL_typename(L, -2), luaL_typename(L, -1));
    a[j].code = lua_tostring(L, -2);
    a[j].amount = lua_tonumber(L, -1);
  }
  m->allocation = a;
  m->n_allocation = j;
  lua_remove(L, tab); /* the table stays alive in money[i] */
}
static const char *const source_keys[] = {"url", "publisher", "title",
                                          "published", "quote", NULL};

/* Fill ev from the table at idx. Pushes scratch userdata and the lists it
   reads onto the stack; the caller pops to its saved top afterwards. */
static void table_to_event(lua_State *L, int idx, caw_event *ev) {
  conv c;
  size_t i, n;
  int list;
  c.L = L;
  c.path[0] = '\0';
  memset(ev, 0, sizeof *ev);
  luaL_checktype(L, idx, LUA_TTABLE);
  check_keys(&c, idx, event_keys);
  ev->id = get_str(&c, idx, "id");
  ev->date = get_str(&c, idx, "date");
  ev->type = get_str(&c, idx, "type");
  ev->title = get_str(&c, idx, "title");
  ev->summary = get_str(&c, idx, "summary");
  ev->location = get_str(&c, idx, "location");
  ev->cameo = get_str(&c, idx, "cameo");
  ev->confidence = get_num(&c, idx, "confidence", 1.0, NULL);
  ev->goldstein = get_num(&c, idx, "goldstein", 0, &ev->has_goldstein);
  ev->batch = (int64_t)get_num(&c, idx, "batch", 0, NULL);
  if (raw_field(L, idx, "attrs") == LUA_TTABLE) {
    lua_getfield(L, LUA_REGISTRYINDEX, "caw.json.encode");
    lua_insert(L, -2);
    lua_call(L, 1, 1); /* anchored on the stack until the caller pops */
    ev->attrs = lua_tostring(L, -1);
  } else if (lua_type(L, -1) == LUA_TSTRING) {
    ev->attrs = lua_tostring(L, -1);
  } else if (!lua_isnil(L, -1))
    conv_fail(&c, "attrs", "expected a table or a JSON string");

  n = get_list(&c, idx, "actors");
  list = lua_gettop(L);
  if (n) {
    caw_actor_ref *a = scratch(L, n * sizeof *a);
    for (i = 0; i < n; i++) {
      int it;
      snprintf(c.path, sizeof c.path, "actors[%zu]", i + 1);
      if (lua_rawgeti(L, list, (lua_Integer)i + 1) != LUA_TTABLE)
        caw_lua_fail(L, CAW_EXIT_DATAERR, "field '%s': expected a table",
                     c.path);
      it = lua_gettop(L);
      check_keys(&c, it, actor_keys);
      a[i].code = get_str(&c, it, "code");
      a[i].role = get_str(&c, it, "role");
      a[i].level = get_str(&c, it, "level");
      a[i].person = get_str(&c, it, "person");
      a[i].stance = get_str(&c, it, "stance");
      a[i].name = get_str(&c, it, "name");
      a[i].kind = get_str(&c, it, "kind");
      a[i].confidence = get_num(&c, it, "confidence", 1, &a[i].has_confidence);
      lua_pop(L, 1);
    }
    ev->actors = a;
    ev->n_actors = n;
  }
  c.path[0] = '\0';
  n = get_list(&c, idx, "money");
  list = lua_gettop(L);
  if (n) {
    caw_money *m = scratch(L, n * sizeof *m);
    for (i = 0; i < n; i++) {
      int it, present;
      snprintf(c.path, sizeof c.path, "money[%zu]", i + 1);
      if (lua_rawgeti(L, list, (lua_Integer)i + 1) != LUA_TTABLE)
        caw_lua_fail(L, CAW_EXIT_DATAERR, "field '%s': expected a table",
                     c.path);
      it = lua_gettop(L);
      check_keys(&c, it, money_keys);
      m[i].amount = get_num(&c, it, "amount", 0, &present);
      if (!present) conv_fail(&c, "amount", "required (it is missing)");
      m[i].currency = get_str(&c, it, "currency");
      m[i].kind = get_str(&c, it, "kind");
      m[i].period = get_str(&c, it, "period");
      m[i].provider = get_str(&c, it, "provider");
      m[i].recipient = get_str(&c, it, "recipient");
      m[i].note = get_str(&c, it, "note");
      m[i].source = (int)get_num(&c, it, "source", 0, NULL);
      m[i].primary = get_bool(&c, it, "primary", 1);
      m[i].instrument = get_str(&c, it, "instrument");
      get_allocation(&c, it, &m[i]);
      lua_pop(L, 1);
    }
    ev->money = m;
    ev->n_money = n;
  }
  c.path[0] = '\0';
  n = get_list(&c, idx, "sources");
  list = lua_gettop(L);
  if (n) {
    caw_source *s = scratch(L, n * sizeof *s);
    for (i = 0; i < n; i++) {
      int it;
      snprintf(c.path, sizeof c.path, "sources[%zu]", i + 1);
      if (lua_rawgeti(L, list, (lua_Integer)i + 1) == LUA_TSTRING) {
        s[i].url = lua_tostring(L, -1); /* a bare URL */
        lua_pop(L, 1);
        continue;
      }
      if (!lua_istable(L, -1))
        caw_lua_fail(L, CAW_EXIT_DATAERR, "field '%s': expected a table",
                     c.path);
      it = lua_gettop(L);
      check_keys(&c, it, source_keys);
      s[i].url = get_str(&c, it, "url");
      s[i].publisher = get_str(&c, it, "publisher");
      s[i].title = get_str(&c, it, "title");
      s[i].published = get_str(&c, it, "published");
      s[i].quote = get_str(&c, it, "quote");
      lua_pop(L, 1);
    }
    ev->sources = s;
    ev->n_sources = n;
  }
  c.path[0] = '\0';
  n = get_list(&c, idx, "tags");
  list = lua_gettop(L);
  if (n) {
    const char **t = scratch(L, n * sizeof *t);
    for (i = 0; i < n; i++) {
      if (lua_rawgeti(L, list, (lua_Integer)i + 1) != LUA_TSTRING)
        caw_lua_fail(L, CAW_EXIT_DATAERR,
                     "field 'tags[%zu]': expected a string", i + 1);
      t[i] = lua_tostring(L, -1);
      lua_pop(L, 1);
    }
    ev->tags = t;
    ev->n_tags = n;
  }
}

static const char *const outcome_names[] = {"", "added", "updated",
                                            "unchanged"};

/* caw.add_event(t) -> id, "added"|"updated"|"unchanged" */
static int l_add_event(lua_State *L) {
  caw_store *st = caw_lua_store(L);
  caw_event ev;
  caw_outcome outcome;
  char id[129], err[CAW_ERRMAX];
  caw_status rc;
  table_to_event(L, 1, &ev);
  rc = caw_store_add_event(st, &ev, id, &outcome, err, sizeof err);
  if (rc != CAW_OK) return caw_lua_fail_status(L, rc, err);
  lua_pushstring(L, id);
  lua_pushstring(L, outcome_names[outcome]);
  return 2;
}

/* caw.put_actor{code=, name=, kind=, country=, members={{code=, period=}}}
   Every field is read and type-checked before the savepoint begins, so
   that no Lua error can jump out of an open savepoint. */
static int l_put_actor(lua_State *L) {
  static const char *const keys[] = {"code", "name", "kind", "country",
                                     "members", NULL};
  caw_store *st = caw_lua_store(L);
  conv c;
  char err[CAW_ERRMAX];
  const char *code, *name, *kind, *country, **member, **period;
  caw_status rc;
  size_t i, n;
  c.L = L;
  snprintf(c.path, sizeof c.path, "actor");
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 1);
  check_keys(&c, 1, keys);
  code = get_str(&c, 1, "code");
  name = get_str(&c, 1, "name");
  kind = get_str(&c, 1, "kind");
  country = get_str(&c, 1, "country");
  n = get_list(&c, 1, "members"); /* the list stays at index 2 */
  member = scratch(L, n * sizeof *member);
  period = scratch(L, n * sizeof *period);
  for (i = 0; i < n; i++) {
    snprintf(c.path, sizeof c.path, "actor %.32s.members[%zu]",
             code ? code : "?", i + 1);
    if (lua_rawgeti(L, 2, (lua_Integer)i + 1) != LUA_TTABLE)
      caw_lua_fail(L, CAW_EXIT_DATAERR, "field '%s': expected a table", c.path);
    member[i] = get_str(&c, lua_gettop(L), "code");
    period[i] = get_str(&c, lua_gettop(L), "period");
    lua_pop(L, 1); /* the strings stay in the members list */
  }
  if ((rc = caw_store_begin(st, err, sizeof err)) != CAW_OK)
    return caw_lua_fail_status(L, rc, err);
  rc = caw_store_put_actor(st, code, name, kind, country, err, sizeof err);
  for (i = 0; rc == CAW_OK && i < n; i++)
    if ((rc = caw_store_put_member(st, code, member[i], period[i], err,
                                   sizeof err)) != CAW_OK) {
      char msg[CAW_ERRMAX * 2];
      snprintf(msg, sizeof msg, "actor %.32s.members[%zu]: %s", code, i + 1, err);
      snprintf(err, sizeof err, "%.*s", (int)sizeof err - 1, msg);
    }
  if (rc == CAW_OK) rc = caw_store_commit(st, err, sizeof err);
  if (rc != CAW_OK) {
    caw_store_rollback(st);
    return caw_lua_fail_status(L, rc, err);
  }
  return 0;
}

/* ---- rows -> Lua ---- */

static void set_col(lua_State *L, const caw_store_rows *s, int col,
                    const char *key) {
  caw_value v;
  caw_store_rows_get(s, col, &v);
  switch (v.type) {
  case CAW_VALUE_INT: lua_pushinteger(L, v.i); break;
  case CAW_VALUE_REAL: lua_pushnumber(L, v.d); break;
  case CAW_VALUE_NULL: return;
  case CAW_VALUE_TEXT: lua_pushlstring(L, v.s, v.len); break;
  }
  lua_setfield(L, -2, key);
}

static void push_children(lua_State *L, caw_store *st, int64_t rowid,
                          caw_child kind, const char *key,
                          const char *const *cols) {
  caw_store_rows rows, *s = &rows;
  char err[CAW_ERRMAX];
  lua_Integer i = 0;
  int ncols = 0, c, row;
  while (cols[ncols]) ncols++;
  caw_store_children_rows(st, kind, rowid, s);
  lua_newtable(L);
  luaL_setmetatable(L, "caw.json.array"); /* encodes as [] when empty */
  while (caw_store_rows_step(s, &row, err, sizeof err) == CAW_OK && row) {
    if (kind == CAW_CHILD_TAGS) {
      lua_pushstring(L, caw_store_rows_text(s, 0));
    } else {
      lua_createtable(L, 0, ncols);
      for (c = 0; c < ncols; c++) set_col(L, s, c, cols[c]);
      if (kind == CAW_CHILD_MONEY) {
        lua_getfield(L, -1, "is_primary");
        lua_pushboolean(L, lua_tointeger(L, -1) != 0);
        lua_setfield(L, -3, "primary");
        lua_pop(L, 1);
        lua_pushnil(L);
        lua_setfield(L, -2, "is_primary");
        if (lua_getfield(L, -1, "allocation") == LUA_TSTRING) {
          lua_getfield(L, LUA_REGISTRYINDEX, "caw.json.decode");
          lua_insert(L, -2);
          lua_call(L, 1, 1); /* stored by the store: valid JSON */
          lua_setfield(L, -2, "allocation");
        } else
          lua_pop(L, 1);
      }
    }
    lua_rawseti(L, -2, ++i);
  }
  caw_store_rows_close(s);
  lua_setfield(L, -2, key);
}

static const char *const actor_cols[] = {"code", "role", "level", "person",
                                         "stance", "name", "kind",
                                         "confidence", NULL};
static const char *const money_cols[] = {
  "amount", "currency", "kind", "period", "period_lo", "period_hi",
  "provider", "recipient", "source", "is_primary", "note", "instrument",
  "allocation", NULL};
static const char *const source_cols[] = {"url", "publisher", "title",
                                          "published", "quote", NULL};
static const char *const tag_cols[] = {"tag", NULL};

/* The host of an http(s) URL as its publisher ("www.rferl.org"). */
static void push_publisher(lua_State *L, const char *url) {
  const char *p = strstr(url, "://"), *e;
  if (!p) return;
  p += 3;
  for (e = p; *e && *e != '/' && *e != '?' && *e != '#' && *e != ':'; e++) {}
  if (e == p) return;
  lua_pushlstring(L, p, (size_t)(e - p));
  lua_setfield(L, -2, "publisher");
}

static void push_source(lua_State *L, const char *url, lua_Integer i) {
  lua_createtable(L, 0, 2);
  lua_pushstring(L, url);
  lua_setfield(L, -2, "url");
  push_publisher(L, url);
  lua_rawseti(L, -2, i);
}

static void push_coded_actor(lua_State *L, const caw_store_rows *s, int col,
                             const char *role, lua_Integer *i) {
  caw_value v;
  caw_store_rows_get(s, col, &v);
  if (v.type == CAW_VALUE_NULL) return;
  lua_createtable(L, 0, 4);
  set_col(L, s, col, "code");
  lua_pushstring(L, role);
  lua_setfield(L, -2, "role");
  set_col(L, s, col + 1, "name");
  set_col(L, s, col + 2, "kind");
  lua_rawseti(L, -2, ++*i);
}

/* A machine-coded event's children, from its row: initiator and target,
   the first source URL and the further ones (a JSON array), its dedup
   tag. */
static void push_coded_children(lua_State *L, const caw_store_rows *s) {
  lua_Integer i = 0;
  const char *url = caw_store_rows_text(s, CAW_COL_URL);
  const char *more = caw_store_rows_text(s, CAW_COL_MORE_URLS);
  lua_newtable(L);
  luaL_setmetatable(L, "caw.json.array");
  push_coded_actor(L, s, CAW_COL_ACTOR1, "initiator", &i);
  push_coded_actor(L, s, CAW_COL_ACTOR2, "target", &i);
  lua_setfield(L, -2, "actors");
  lua_newtable(L);
  luaL_setmetatable(L, "caw.json.array");
  lua_setfield(L, -2, "money");
  lua_newtable(L);
  luaL_setmetatable(L, "caw.json.array");
  i = 0;
  if (url) push_source(L, url, ++i);
  else {
    /* urn:<source>:event:<ref>, published by the source (GDELT) */
    const char *id = caw_store_rows_text(s, CAW_COL_ID);
    const char *src = caw_store_rows_text(s, CAW_COL_SOURCE);
    size_t k, sl = strlen(src);
    luaL_Buffer b;
    lua_createtable(L, 0, 2);
    lua_pushfstring(L, "urn:%s:event:%s", src, id + sl + 1);
    lua_setfield(L, -2, "url");
    luaL_buffinit(L, &b);
    for (k = 0; k < sl; k++)
      luaL_addchar(&b, (char)(src[k] >= 'a' && src[k] <= 'z' ? src[k] - 32 : src[k]));
    luaL_pushresult(&b);
    lua_setfield(L, -2, "publisher");
    lua_rawseti(L, -2, ++i);
  }
  if (more) { /* ["u1","u2"]: URLs are JSON strings the importer wrote */
    cJSON *arr = cJSON_Parse(more), *u;
    cJSON_ArrayForEach(u, arr)
      if (cJSON_IsString(u)) push_source(L, u->valuestring, ++i);
    cJSON_Delete(arr);
  }
  lua_setfield(L, -2, "sources");
  lua_newtable(L);
  luaL_setmetatable(L, "caw.json.array");
  {
    caw_value tag;
    caw_store_rows_get(s, CAW_COL_TAG, &tag);
    if (tag.type != CAW_VALUE_NULL) {
      lua_pushstring(L, caw_store_rows_text(s, CAW_COL_TAG));
      lua_rawseti(L, -2, 1);
    }
  }
  lua_setfield(L, -2, "tags");
}

/* Push the event at the current row of s as a table. */
static void push_event(lua_State *L, caw_store *st, const caw_store_rows *s,
                       int children) {
  int64_t rowid = caw_store_rows_int(s, CAW_COL_ROWID);
  caw_value source;
  lua_createtable(L, 0, 20);
  set_col(L, s, CAW_COL_ID, "id");
  set_col(L, s, CAW_COL_DATE, "date");
  set_col(L, s, CAW_COL_DAY_LO, "day_lo");
  set_col(L, s, CAW_COL_DAY_HI, "day_hi");
  caw_luadate_field(L, caw_store_rows_int(s, CAW_COL_DAY_LO), "earliest");
  caw_luadate_field(L, caw_store_rows_int(s, CAW_COL_DAY_HI), "latest");
  set_col(L, s, CAW_COL_PRECISION, "precision");
  set_col(L, s, CAW_COL_TYPE, "type");
  set_col(L, s, CAW_COL_TITLE, "title");
  set_col(L, s, CAW_COL_SUMMARY, "summary");
  set_col(L, s, CAW_COL_LOCATION, "location");
  set_col(L, s, CAW_COL_CONFIDENCE, "confidence");
  set_col(L, s, CAW_COL_CAMEO, "cameo");
  set_col(L, s, CAW_COL_GOLDSTEIN, "goldstein");
  set_col(L, s, CAW_COL_ATTRS, "attrs");
  set_col(L, s, CAW_COL_BATCH, "batch");
  caw_store_rows_get(s, CAW_COL_SOURCE, &source);
  if (source.type == CAW_VALUE_NULL)
    lua_pushliteral(L, "curated");
  else
    lua_pushstring(L, caw_store_rows_text(s, CAW_COL_SOURCE));
  lua_setfield(L, -2, "provenance");
  if (!children) return;
  if (source.type != CAW_VALUE_NULL) {
    push_coded_children(L, s);
    return;
  }
  push_children(L, st, rowid, CAW_CHILD_ACTORS, "actors", actor_cols);
  push_children(L, st, rowid, CAW_CHILD_MONEY, "money", money_cols);
  push_children(L, st, rowid, CAW_CHILD_SOURCES, "sources", source_cols);
  push_children(L, st, rowid, CAW_CHILD_TAGS, "tags", tag_cols);
}

typedef struct cursor {
  caw_store_rows rows;
  int children;
} cursor;

static int cursor_gc(lua_State *L) {
  cursor *c = luaL_checkudata(L, 1, CURSOR_MT);
  caw_store_rows_close(&c->rows);
  return 0;
}

static int events_next(lua_State *L) {
  cursor *c = luaL_checkudata(L, lua_upvalueindex(1), CURSOR_MT);
  caw_store *st = caw_lua_store(L);
  char msg[CAW_ERRMAX];
  int row;
  if (!caw_store_rows_open(&c->rows)) return 0;
  if (caw_store_rows_step(&c->rows, &row, msg, sizeof msg) != CAW_OK)
    return caw_lua_fail(L, CAW_EXIT_IOERR, "reading events: %s", msg);
  if (row) {
    push_event(L, st, &c->rows, c->children);
    return 1;
  }
  caw_store_rows_close(&c->rows);
  return 0;
}

/* Parse a date bound: "2024", "2024-Q2", "2024-03-15", any EDTF. */
static int64_t date_bound(lua_State *L, const char *key, const char *s,
                          int upper) {
  caw_date d;
  char err[CAW_ERRMAX];
  if (caw_date_parse_query(s, strlen(s), &d, err, sizeof err) != CAW_OK)
    caw_lua_fail(L, CAW_EXIT_USAGE, "%s: %s (dates: 2024, 2024-Q2, 2024-34,"
                 " 2024-06, 2024-06-13, or an interval like 2024-Q1/2024-Q3)",
                 key, err);
  return upper ? d.hi : d.lo;
}

static void filter_from_table(lua_State *L, int idx, caw_filter *f) {
  static const char *const keys[] = {"from", "to", "certain", "id", "actor",
                                     "type", "tag", "text", "limit",
                                     "children", "provenance", "from_day",
                                     "to_day", NULL};
  conv c;
  const char *s;
  c.L = L;
  snprintf(c.path, sizeof c.path, "filter");
  memset(f, 0, sizeof *f);
  if (lua_isnoneornil(L, idx)) return;
  luaL_checktype(L, idx, LUA_TTABLE);
  check_keys(&c, idx, keys);
  if (lua_getfield(L, idx, "from") != LUA_TNIL) {
    s = luaL_tolstring(L, -1, NULL);
    f->from_day = date_bound(L, "from", s, 0);
    f->has_from = 1;
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  if (lua_getfield(L, idx, "to") != LUA_TNIL) {
    s = luaL_tolstring(L, -1, NULL);
    f->to_day = date_bound(L, "to", s, 1);
    f->has_to = 1;
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  if (lua_getfield(L, idx, "from_day") != LUA_TNIL) { /* day numbers */
    f->from_day = (int64_t)luaL_checkinteger(L, -1);
    f->has_from = 1;
  }
  lua_pop(L, 1);
  if (lua_getfield(L, idx, "to_day") != LUA_TNIL) {
    f->to_day = (int64_t)luaL_checkinteger(L, -1);
    f->has_to = 1;
  }
  lua_pop(L, 1);
  f->certain = get_bool(&c, idx, "certain", 0);
  f->id = get_str(&c, idx, "id");
  f->actor = get_str(&c, idx, "actor");
  f->type = get_str(&c, idx, "type");
  f->tag = get_str(&c, idx, "tag");
  f->text = get_str(&c, idx, "text");
  f->provenance = get_str(&c, idx, "provenance");
  f->limit = (int64_t)get_num(&c, idx, "limit", 0, NULL);
}

/* The stored spelling of a filter value (pushed on the stack, which keeps
   it alive); an unknown value is a usage error naming the closest. */
static const char *known_value(lua_State *L, caw_store *st, caw_known kind,
                               const char *value) {
  char canon[CAW_ERRMAX], err[CAW_ERRMAX];
  caw_status rc = caw_store_known(st, kind, value, canon, sizeof canon, err,
                                  sizeof err);
  if (rc == CAW_ENOENT) caw_lua_fail(L, CAW_EXIT_USAGE, "%s", err);
  if (rc != CAW_OK) caw_lua_fail_status(L, rc, err);
  lua_pushstring(L, canon);
  return lua_tostring(L, -1);
}

/* caw.known(kind, value) -> the stored spelling of an actor code, event
   type or tag ("actor", "type", "tag"); a usage error (exit 64) naming
   the closest known values when there is none. */
static int l_known(lua_State *L) {
  static const char *const kinds[] = {"actor", "type", "tag", NULL};
  caw_store *st = caw_lua_store(L);
  int kind = luaL_checkoption(L, 1, NULL, kinds);
  known_value(L, st, (caw_known)kind, luaL_checkstring(L, 2));
  return 1;
}

/* caw.events{from=, to=, certain=, actor=, type=, tag=, text=, limit=,
   children=} -> iterator over event tables (streamed). An actor, type or
   tag the database does not know is a usage error (caw.known). */
static int l_events(lua_State *L) {
  caw_store *st = caw_lua_store(L);
  caw_filter f;
  cursor *c;
  char err[CAW_ERRMAX];
  caw_status rc;
  int children = 1;
  filter_from_table(L, 1, &f);
  if (f.actor) f.actor = known_value(L, st, CAW_KNOWN_ACTOR, f.actor);
  if (f.type) f.type = known_value(L, st, CAW_KNOWN_TYPE, f.type);
  if (f.tag) f.tag = known_value(L, st, CAW_KNOWN_TAG, f.tag);
  if (lua_istable(L, 1)) {
    lua_getfield(L, 1, "children");
    if (!lua_isnil(L, -1)) children = lua_toboolean(L, -1);
    lua_pop(L, 1);
  }
  c = lua_newuserdatauv(L, sizeof *c, 1);
  memset(c, 0, sizeof *c);
  c->children = children;
  luaL_setmetatable(L, CURSOR_MT);
  if ((rc = caw_store_events_rows(st, &f, &c->rows, err, sizeof err)) !=
      CAW_OK)
    return caw_lua_fail_status(L, rc, err);
  lua_pushvalue(L, -1);
  lua_pushcclosure(L, events_next, 1);
  lua_insert(L, -2);
  lua_pushnil(L);
  lua_insert(L, -2);
  lua_pushnil(L);
  lua_insert(L, -2); /* iterator, nil, nil, cursor: closed on break */
  return 4;
}

/* caw.event(id) -> table or nil */
static int l_event(lua_State *L) {
  caw_store *st = caw_lua_store(L);
  caw_filter f;
  caw_store_rows s;
  char err[CAW_ERRMAX];
  caw_status rc;
  int row;
  memset(&f, 0, sizeof f);
  f.id = luaL_checkstring(L, 1);
  if ((rc = caw_store_events_rows(st, &f, &s, err, sizeof err)) != CAW_OK) {
    caw_store_rows_close(&s);
    return caw_lua_fail_status(L, rc, err);
  }
  if (caw_store_rows_step(&s, &row, err, sizeof err) == CAW_OK && row)
    push_event(L, st, &s, 1);
  else lua_pushnil(L);
  caw_store_rows_close(&s);
  return 1;
}

/* caw.sql(query, ...) -> iterator over row tables; read-only queries. */
static int sql_next(lua_State *L) {
  cursor *c = luaL_checkudata(L, lua_upvalueindex(1), CURSOR_MT);
  char msg[CAW_ERRMAX];
  int row, i, n;
  if (!caw_store_rows_open(&c->rows)) return 0;
  if (caw_store_rows_step(&c->rows, &row, msg, sizeof msg) != CAW_OK)
    return caw_lua_fail(L, CAW_EXIT_SOFTWARE, "caw.sql: %s", msg);
  if (row) {
    n = caw_store_rows_count(&c->rows);
    lua_createtable(L, 0, n);
    for (i = 0; i < n; i++)
      set_col(L, &c->rows, i, caw_store_rows_name(&c->rows, i));
    return 1;
  }
  caw_store_rows_close(&c->rows);
  return 0;
}

static int l_sql(lua_State *L) {
  caw_store *st = caw_lua_store(L);
  const char *q = luaL_checkstring(L, 1);
  char err[CAW_ERRMAX];
  int i, n = lua_gettop(L);
  cursor *c = lua_newuserdatauv(L, sizeof *c, 0);
  caw_value v;
  memset(c, 0, sizeof *c);
  luaL_setmetatable(L, CURSOR_MT);
  /* one read-only statement; no ATTACH, no pragma that sets, no
     extension (the store's rules for a script's own SQL) */
  if (caw_store_query_rows(st, q, &c->rows, err, sizeof err) != CAW_OK)
    return luaL_error(L, "caw.sql: %s", err);
  for (i = 2; i <= n; i++) { /* bound parameters only */
    switch (lua_type(L, i)) {
    case LUA_TNUMBER:
      if (lua_isinteger(L, i)) {
        v.type = CAW_VALUE_INT;
        v.i = lua_tointeger(L, i);
      } else {
        v.type = CAW_VALUE_REAL;
        v.d = lua_tonumber(L, i);
      }
      caw_store_rows_bind(&c->rows, i - 1, &v);
      break;
    case LUA_TSTRING:
      v.type = CAW_VALUE_TEXT;
      v.s = lua_tolstring(L, i, &v.len);
      caw_store_rows_bind(&c->rows, i - 1, &v);
      break;
    case LUA_TBOOLEAN:
      v.type = CAW_VALUE_INT;
      v.i = lua_toboolean(L, i);
      caw_store_rows_bind(&c->rows, i - 1, &v);
      break;
    case LUA_TNIL: break;
    default:
      return luaL_error(L, "caw.sql: cannot bind a %s", luaL_typename(L, i));
    }
  }
  lua_pushcclosure(L, sql_next, 1);
  return 1;
}

/* caw.transaction(fn, ...): commit when fn returns, roll back and
   re-raise when it fails. Returns fn's results. */
static int l_transaction(lua_State *L) {
  caw_store *st = caw_lua_store(L);
  char err[CAW_ERRMAX];
  caw_status rc;
  int n;
  luaL_checktype(L, 1, LUA_TFUNCTION);
  if ((rc = caw_store_begin(st, err, sizeof err)) != CAW_OK)
    return caw_lua_fail_status(L, rc, err);
  n = lua_gettop(L);
  if (lua_pcall(L, n - 1, LUA_MULTRET, 0) != LUA_OK) {
    caw_store_rollback(st);
    return lua_error(L);
  }
  if ((rc = caw_store_commit(st, err, sizeof err)) != CAW_OK) {
    caw_store_rollback(st);
    return caw_lua_fail_status(L, rc, err);
  }
  return lua_gettop(L);
}

/* caw.actors{kind=, code=} -> iterator over {code, name, kind, country} */
static int l_actors(lua_State *L) {
  const char *kind = NULL, *code = NULL;
  char err[CAW_ERRMAX];
  caw_store *st;
  cursor *c;
  if (lua_istable(L, 1)) {
    caw_sandbox_unwrap(L, 1);
    raw_field(L, 1, "kind");
    kind = lua_tostring(L, -1);
    raw_field(L, 1, "code");
    code = lua_tostring(L, -1);
    lua_pop(L, 2); /* the strings live in the argument table (raw) */
  }
  lua_settop(L, 1);
  st = caw_lua_store(L);
  c = lua_newuserdatauv(L, sizeof *c, 0);
  memset(c, 0, sizeof *c);
  luaL_setmetatable(L, CURSOR_MT);
  if (caw_store_actors_rows(st, kind, code, &c->rows, err, sizeof err) !=
      CAW_OK)
    return luaL_error(L, "caw.sql: %s", err);
  lua_pushcclosure(L, sql_next, 1); /* rows as caw.sql gives them */
  return 1;
}

/* caw.batch_begin(file, sha256, importer) -> id */
static int l_batch_begin(lua_State *L) {
  caw_store *st = caw_lua_store(L);
  int64_t id;
  char err[CAW_ERRMAX];
  caw_status rc = caw_store_batch_begin(st, luaL_checkstring(L, 1),
                                        luaL_checkstring(L, 2),
                                        luaL_checkstring(L, 3), &id, err,
                                        sizeof err);
  if (rc != CAW_OK) return caw_lua_fail_status(L, rc, err);
  lua_pushinteger(L, (lua_Integer)id);
  return 1;
}

/* caw.batch_finish(id, {read=, added=, updated=, unchanged=, merged=,
   rejected=}) */
static int l_batch_finish(lua_State *L) {
  caw_store *st = caw_lua_store(L);
  caw_batch_counts n;
  char err[CAW_ERRMAX];
  caw_status rc;
  luaL_checktype(L, 2, LUA_TTABLE);
#define GET(f)                                                               \
  (lua_getfield(L, 2, #f), n.f = (int64_t)lua_tointeger(L, -1), lua_pop(L, 1))
  GET(read); GET(added); GET(updated); GET(unchanged); GET(merged);
  GET(rejected);
#undef GET
  lua_getfield(L, 2, "sha256");
  rc = caw_store_batch_finish(st, (int64_t)luaL_checkinteger(L, 1), &n,
                              lua_tostring(L, -1), err, sizeof err);
  if (rc != CAW_OK) return caw_lua_fail_status(L, rc, err);
  return 0;
}

/* caw.count() -> number of events */
static int l_count(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)caw_store_count(caw_lua_store(L)));
  return 1;
}

static const luaL_Reg store_funcs[] = {
  {"events", l_events},
  {"event", l_event},
  {"add_event", l_add_event},
  {"put_actor", l_put_actor},
  {"actors", l_actors},
  {"known", l_known},
  {"transaction", l_transaction},
  {"sql", l_sql},
  {"count", l_count},
  {"batch_begin", l_batch_begin},
  {"batch_finish", l_batch_finish},
  {NULL, NULL}};

static const luaL_Reg cursor_meta[] = {{"__gc", cursor_gc},
                                       {"__close", cursor_gc},
                                       {NULL, NULL}};

void caw_luastore_open(lua_State *L) {
  caw_lua_class(L, CURSOR_MT, cursor_meta, NULL);
  luaL_setfuncs(L, store_funcs, 0);
}

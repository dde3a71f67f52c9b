/*
** json.c -- the `caw.json` Lua module: encode and decode JSON with cJSON.
** Binding layer (runtime.c opens it; lbind.c to fail a call, mem.c counts
** cJSON's heap for --max-memory). Decoding reports file:line:column
** and rejects invalid UTF-8; encoding sorts object keys so that the same
** data always gives the same bytes.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <lauxlib.h>
#include <lua.h>

#include "caw/lbind.h"
#include "caw/mem.h"
#include "caw/sandbox.h"
#include "caw/utf8.h"

#define JSON_MAXDEPTH 200
static const char ARRAY_MT[] = "caw.json.array";
static const char OBJECT_MT[] = "caw.json.object";

/* Line and column (1-based) of byte offset off in s. */
static void line_col(const char *s, size_t off, long *line, long *col) {
  size_t i;
  *line = 1;
  *col = 1;
  for (i = 0; i < off; i++) {
    if (s[i] == '\n') { (*line)++; *col = 1; }
    else if (((unsigned char)s[i] & 0xc0) != 0x80) (*col)++;
  }
}

static void push_value(lua_State *L, const cJSON *v, int depth,
                       const char *name) {
  if (depth > JSON_MAXDEPTH) luaL_error(L, "JSON nested too deeply");
  luaL_checkstack(L, 4, "JSON nested too deeply");
  if (cJSON_IsNull(v)) lua_pushlightuserdata(L, NULL);
  else if (cJSON_IsFalse(v)) lua_pushboolean(L, 0);
  else if (cJSON_IsTrue(v)) lua_pushboolean(L, 1);
  else if (cJSON_IsNumber(v)) {
    double d = v->valuedouble;
    if (d == floor(d) && fabs(d) <= 9007199254740992.0)
      lua_pushinteger(L, (lua_Integer)d);
    else lua_pushnumber(L, d);
  } else if (cJSON_IsString(v)) lua_pushstring(L, v->valuestring);
  else if (cJSON_IsArray(v)) {
    const cJSON *c;
    lua_Integer i = 1;
    lua_createtable(L, cJSON_GetArraySize(v), 0);
    luaL_setmetatable(L, ARRAY_MT);
    cJSON_ArrayForEach(c, v) {
      push_value(L, c, depth + 1, name);
      lua_rawseti(L, -2, i++);
    }
  } else {
    const cJSON *c;
    lua_createtable(L, 0, cJSON_GetArraySize(v));
    cJSON_ArrayForEach(c, v) {
      if (lua_getfield(L, -1, c->string) != LUA_TNIL) /* dup_key missed it */
        caw_lua_fail(L, CAW_EXIT_DATAERR,
                     "%s: invalid JSON: key '%s' appears twice in one object",
                     name, c->string);
      lua_pop(L, 1);
      push_value(L, c, depth + 1, name);
      lua_setfield(L, -2, c->string);
    }
  }
}

/* Offset of the bracket that opens level JSON_MAXDEPTH + 1 of the valid
   JSON text s, or len: cJSON accepts 1000 levels, push_value fewer. */
static size_t too_deep(const char *s, size_t len) {
  size_t i, depth = 0;
  int in_string = 0;
  for (i = 0; i < len; i++) {
    if (in_string) {
      if (s[i] == '\\') i++;
      else if (s[i] == '"') in_string = 0;
    } else if (s[i] == '"') in_string = 1;
    else if (s[i] == '[' || s[i] == '{') {
      if (++depth > JSON_MAXDEPTH) return i;
    } else if (s[i] == ']' || s[i] == '}') depth--;
  }
  return len;
}

/* Offset of the first "\u0000" escape in a string of the valid JSON text
   s, or len: cJSON would cut the string there. */
static size_t nul_escape(const char *s, size_t len) {
  size_t i;
  int in_string = 0;
  for (i = 0; i < len; i++) {
    if (!in_string) in_string = s[i] == '"';
    else if (s[i] == '"') in_string = 0;
    else if (s[i] == '\\') {
      if (i + 5 < len && memcmp(s + i + 1, "u0000", 5) == 0) return i;
      i++;
    }
  }
  return len;
}

typedef struct json_key {
  size_t obj, off, len; /* the object it belongs to; its text in s */
} json_key;

static const char *key_text; /* for cmp_json_key: qsort has no context */

static int cmp_json_key(const void *a, const void *b) {
  const json_key *x = a, *y = b;
  int c;
  if (x->obj != y->obj) return x->obj < y->obj ? -1 : 1;
  if (x->len != y->len) return x->len < y->len ? -1 : 1;
  if ((c = memcmp(key_text + x->off, key_text + y->off, x->len)) != 0) return c;
  return x->off < y->off ? -1 : x->off > y->off;
}

/* Offset of the first key (as written) that repeats an earlier key of its
   own object in the valid JSON text s (at most JSON_MAXDEPTH deep), or
   len. Sorts the keys, so a big object costs n log n. */
static size_t dup_key(const char *s, size_t len, size_t *key_len) {
  size_t obj_of[JSON_MAXDEPTH + 2], nobj = 0, nkeys = 0, cap = 0, i, found = len;
  char is_obj[JSON_MAXDEPTH + 2], want_key[JSON_MAXDEPTH + 2];
  json_key *keys = NULL;
  int depth = 0;
  for (i = 0; i < len; i++) {
    char c = s[i];
    if (c == '"') {
      size_t start = ++i;
      while (i < len && s[i] != '"') i += s[i] == '\\' ? 2 : 1;
      if (depth > 0 && is_obj[depth - 1] && want_key[depth - 1]) {
        if (nkeys == cap) {
          json_key *k = realloc(keys, (cap = cap ? 2 * cap : 64) * sizeof *k);
          if (!k) goto done; /* push_value still catches it */
          keys = k;
        }
        keys[nkeys].obj = obj_of[depth - 1];
        keys[nkeys].off = start;
        keys[nkeys++].len = i - start;
        want_key[depth - 1] = 0;
      }
    } else if (c == '{' || c == '[') {
      is_obj[depth] = c == '{';
      want_key[depth] = 1;
      obj_of[depth++] = nobj++;
    } else if (c == '}' || c == ']') depth--;
    else if (c == ',' && depth > 0 && is_obj[depth - 1]) want_key[depth - 1] = 1;
  }
  key_text = s;
  if (nkeys > 1) qsort(keys, nkeys, sizeof *keys, cmp_json_key);
  for (i = 1; i < nkeys; i++)
    if (keys[i].obj == keys[i - 1].obj && keys[i].len == keys[i - 1].len &&
        memcmp(s + keys[i].off, s + keys[i - 1].off, keys[i].len) == 0 &&
        keys[i].off < found) {
      found = keys[i].off;
      *key_len = keys[i].len;
    }
done:
  free(keys);
  return found;
}

static int box_gc(lua_State *L);

/* caw.json.decode(text [, name]) -> value; data error on bad JSON. */
static int json_decode(lua_State *L) {
  size_t len, bad, off;
  const char *s = luaL_checklstring(L, 1, &len);
  const char *name = luaL_optstring(L, 2, "JSON text");
  const char *end = NULL;
  long line, col;
  cJSON *root, **box;
  int nul;
  if ((bad = caw_utf8_check((const unsigned char *)s, len, &nul)) < len) {
    line_col(s, bad, &line, &col);
    return caw_lua_fail(L, CAW_EXIT_DATAERR, "%s:%ld:%ld: %s", name, line,
                        col, nul ? "NUL byte in JSON" : "invalid UTF-8");
  }
  /* the tree hangs from a userdata whose __gc frees it, so that an error
     while pushing it (out of memory) leaks nothing */
  box = lua_newuserdatauv(L, sizeof *box, 0);
  *box = NULL;
  lua_createtable(L, 0, 1);
  lua_pushcfunction(L, box_gc);
  lua_setfield(L, -2, "__gc");
  lua_setmetatable(L, -2);
  root = *box = cJSON_ParseWithLengthOpts(s, len, &end, 0);
  if (root) { /* only white space may follow the value */
    off = (size_t)(end - s);
    while (off < len && strchr(" \t\r\n", s[off])) off++;
    if (off < len) {
      cJSON_Delete(root);
      *box = NULL;
      line_col(s, off, &line, &col);
      return caw_lua_fail(L, CAW_EXIT_DATAERR,
                          "%s:%ld:%ld: invalid JSON: unexpected text after"
                          " the value", name, line, col);
    }
    if ((off = too_deep(s, len)) < len) {
      cJSON_Delete(root);
      *box = NULL;
      line_col(s, off, &line, &col);
      return caw_lua_fail(L, CAW_EXIT_DATAERR,
                          "%s:%ld:%ld: invalid JSON: nested deeper than %d"
                          " levels", name, line, col, JSON_MAXDEPTH);
    }
    if ((off = nul_escape(s, len)) < len) {
      cJSON_Delete(root);
      *box = NULL;
      line_col(s, off, &line, &col);
      return caw_lua_fail(L, CAW_EXIT_DATAERR,
                          "%s:%ld:%ld: invalid JSON: \\u0000 (a NUL"
                          " character) in a string", name, line, col);
    }
    {
      size_t klen = 0;
      if ((off = dup_key(s, len, &klen)) < len) {
        cJSON_Delete(root);
        *box = NULL;
        line_col(s, off - 1, &line, &col);
        return caw_lua_fail(L, CAW_EXIT_DATAERR,
                            "%s:%ld:%ld: invalid JSON: key \"%.*s\" appears"
                            " twice in one object", name, line, col,
                            (int)(klen > 60 ? 60 : klen), s + off);
      }
    }
  } else {
    off = end ? (size_t)(end - s) : 0;
    if (off > len) off = len;
    line_col(s, off, &line, &col);
    while (off < len && strchr(" \t\r\n", s[off])) off++;
    if (len == 0 || off >= len)
      return caw_lua_fail(L, CAW_EXIT_DATAERR,
                          "%s:%ld:%ld: invalid JSON: the text ends too early"
                          " (truncated?)", name, line, col);
    {
      int shown = 0; /* the excerpt stops at the end of its line */
      while (shown < 12 && off + (size_t)shown < len && s[off + shown] != '\n' &&
             s[off + shown] != '\r')
        shown++;
      line_col(s, off, &line, &col);
      return caw_lua_fail(L, CAW_EXIT_DATAERR,
                          "%s:%ld:%ld: invalid JSON near '%.*s'", name, line,
                          col, shown, s + off);
    }
  }
  push_value(L, root, 0, name);
  cJSON_Delete(root);
  *box = NULL;
  return 1;
}

/* Length of t as a JSON array, or -1 when it is an object. */
static lua_Integer seq_len(lua_State *L, int idx) {
  lua_Integer n = 0, count = 0;
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    lua_pop(L, 1);
    if (lua_type(L, -1) != LUA_TNUMBER || !lua_isinteger(L, -1)) {
      lua_pop(L, 1);
      return -1;
    }
    if (lua_tointeger(L, -1) > n) n = lua_tointeger(L, -1);
    count++;
  }
  if (n != count || n < 1) return count == 0 ? 0 : -1;
  return n;
}

static int cmp_keys(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Attach item to parent (an array when key is NULL); returns item. */
static cJSON *attach(cJSON *parent, const char *key, cJSON *item) {
  if (!item) return NULL;
  if (key) cJSON_AddItemToObject(parent, key, item);
  else cJSON_AddItemToArray(parent, item);
  return item;
}

/* Encode the value at idx and attach it to parent at once, so that a Lua
   error half-way leaves nothing unreachable: the whole tree hangs from a
   root that a userdata's __gc frees. */
static void to_json(lua_State *L, int idx, int depth, const char *path,
                    cJSON *parent, const char *key);

static void table_to_json(lua_State *L, int idx, int depth, cJSON *parent,
                          const char *key) {
  lua_Integer n, i;
  cJSON *out;
  int is_array = 0;
  caw_sandbox_unwrap(L, idx); /* a module's table reads as its contents */
  if (luaL_getmetafield(L, idx, "__name") != LUA_TNIL) {
    is_array = strcmp(lua_tostring(L, -1), ARRAY_MT) == 0;
    lua_pop(L, 1);
  }
  n = seq_len(L, idx);
  if (n > 0 || (n == 0 && is_array)) {
    if (!(out = attach(parent, key, cJSON_CreateArray())))
      luaL_error(L, "out of memory encoding JSON");
    for (i = 1; i <= n; i++) {
      lua_rawgeti(L, idx, i);
      to_json(L, lua_gettop(L), depth + 1, "array item", out, NULL);
      lua_pop(L, 1);
    }
    return;
  }
  { /* an object: collect the keys as strings, sort, emit in order */
    size_t nkeys = 0, k;
    const char **keys;
    int names, orig; /* names[i] = key string; orig[string] = real key */
    lua_newtable(L);
    names = lua_gettop(L);
    lua_newtable(L);
    orig = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
      lua_pop(L, 1);
      if (lua_type(L, -1) != LUA_TNUMBER && lua_type(L, -1) != LUA_TSTRING)
        luaL_error(L, "cannot encode a table key of type %s as JSON",
                   luaL_typename(L, -1));
      lua_pushvalue(L, -1);
      lua_pushstring(L, lua_tostring(L, -1)); /* a copy: keep the key intact */
      lua_remove(L, -2);
      lua_pushvalue(L, -1);
      lua_rawseti(L, names, (lua_Integer)++nkeys);
      lua_pushvalue(L, -2);
      lua_rawset(L, orig);
    }
    keys = lua_newuserdatauv(L, (nkeys ? nkeys : 1) * sizeof *keys, 0);
    for (k = 0; k < nkeys; k++) { /* strings stay anchored in names */
      lua_rawgeti(L, names, (lua_Integer)k + 1);
      keys[k] = lua_tostring(L, -1);
      lua_pop(L, 1);
    }
    if (nkeys) qsort(keys, nkeys, sizeof *keys, cmp_keys);
    if (!(out = attach(parent, key, cJSON_CreateObject())))
      luaL_error(L, "out of memory encoding JSON");
    for (k = 0; k < nkeys; k++) {
      lua_getfield(L, orig, keys[k]);
      lua_gettable(L, idx);
      to_json(L, lua_gettop(L), depth + 1, keys[k], out, keys[k]);
      lua_pop(L, 1);
    }
    lua_pop(L, 3);
  }
}

static void to_json(lua_State *L, int idx, int depth, const char *path,
                    cJSON *parent, const char *key) {
  cJSON *item = NULL;
  if (depth > JSON_MAXDEPTH)
    luaL_error(L, "cannot encode as JSON: nested too deeply (a cycle?)");
  luaL_checkstack(L, 8, "JSON nested too deeply");
  switch (lua_type(L, idx)) {
  case LUA_TNIL: item = cJSON_CreateNull(); break;
  case LUA_TBOOLEAN: item = cJSON_CreateBool(lua_toboolean(L, idx)); break;
  case LUA_TNUMBER: {
    double d = lua_tonumber(L, idx);
    if (!isfinite(d))
      luaL_error(L, "cannot encode %s as JSON (value of '%s')",
                 lua_tostring(L, idx), path);
    item = cJSON_CreateNumber(d);
    break;
  }
  case LUA_TSTRING: {
    size_t len;
    const char *s = lua_tolstring(L, idx, &len);
    if (caw_utf8_check((const unsigned char *)s, len, NULL) < len)
      luaL_error(L, "cannot encode as JSON: invalid UTF-8 in '%s'", path);
    item = cJSON_CreateString(s);
    break;
  }
  case LUA_TLIGHTUSERDATA:
    if (lua_touserdata(L, idx) == NULL) item = cJSON_CreateNull();
    break;
  case LUA_TTABLE: table_to_json(L, idx, depth, parent, key); return;
  }
  if (!item) {
    int t = lua_type(L, idx);
    if (t == LUA_TLIGHTUSERDATA || t == LUA_TFUNCTION || t == LUA_TUSERDATA ||
        t == LUA_TTHREAD) /* no JSON form */
      luaL_error(L, "cannot encode a %s as JSON ('%s')", luaL_typename(L, idx),
                 path);
    luaL_error(L, "out of memory encoding JSON");
  }
  attach(parent, key, item);
}

static int box_gc(lua_State *L) {
  cJSON **box = lua_touserdata(L, 1);
  cJSON_Delete(*box);
  *box = NULL;
  return 0;
}

/* caw.json.encode(value [, {indent=true}]) -> string */
static int json_encode(lua_State *L) {
  cJSON **box;
  char *text;
  int indent = 0;
  luaL_checkany(L, 1);
  if (lua_istable(L, 2)) {
    lua_getfield(L, 2, "indent");
    indent = lua_toboolean(L, -1);
    lua_pop(L, 1);
  }
  lua_settop(L, 1);
  box = lua_newuserdatauv(L, sizeof *box, 0);
  *box = NULL;
  lua_createtable(L, 0, 1);
  lua_pushcfunction(L, box_gc);
  lua_setfield(L, -2, "__gc");
  lua_setmetatable(L, -2);
  if (!(*box = cJSON_CreateArray()))
    return luaL_error(L, "out of memory encoding JSON");
  to_json(L, 1, 0, "value", *box, NULL);
  text = indent ? cJSON_Print((*box)->child) : cJSON_PrintUnformatted((*box)->child);
  cJSON_Delete(*box);
  *box = NULL;
  if (!text) return luaL_error(L, "out of memory encoding JSON");
  lua_pushstring(L, text);
  cJSON_free(text);
  return 1;
}

/* caw.json.array(t) / caw.json.object(t): mark t so that an empty table
   encodes as [] or {}. */
static int json_mark(lua_State *L, const char *mt) {
  if (lua_isnoneornil(L, 1)) lua_newtable(L);
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 1);
  luaL_setmetatable(L, mt);
  return 1;
}
static int json_array(lua_State *L) { return json_mark(L, ARRAY_MT); }
static int json_object(lua_State *L) { return json_mark(L, OBJECT_MT); }

static const luaL_Reg json_funcs[] = {
  {"decode", json_decode}, {"encode", json_encode}, {"array", json_array},
  {"object", json_object}, {NULL, NULL}};

int luaopen_caw_json(lua_State *L) {
  static cJSON_Hooks hooks = {caw_mem_alloc, caw_mem_free};
  cJSON_InitHooks(&hooks); /* cJSON's memory counts towards --max-memory */
  luaL_newmetatable(L, ARRAY_MT);
  lua_pop(L, 1);
  luaL_newmetatable(L, OBJECT_MT);
  lua_pop(L, 1);
  luaL_newlib(L, json_funcs);
  lua_pushlightuserdata(L, NULL);
  lua_setfield(L, -2, "null");
  return 1;
}

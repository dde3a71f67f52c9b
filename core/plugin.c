/*
** plugin.c -- where plugins come from and what a script may touch: the
** plugin directories (CAW_PLUGIN_PATH, the user's, the source tree's, the
** installed), package.path over them, caw.plugin_files, caw.load_plugin
** (as text, in an environment of its own: sandbox.c), caw.score's entry
** into plugins/lib/score.lua, and the file policy of --sandbox that
** lbind.c applies (caw_lua_host.may_read/may_write). Opened and wired by
** runtime.c; calls sandbox.c and lbind.c.
*/
#define _XOPEN_SOURCE 700 /* realpath */
#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>

#include "caw/lbind.h"
#include "caw/plugin.h"
#include "caw/sandbox.h"

#ifndef CAW_SOURCE_PLUGINS
#define CAW_SOURCE_PLUGINS "plugins"
#endif
#ifndef CAW_INSTALL_PLUGINS
#define CAW_INSTALL_PLUGINS "/usr/local/share/caw/plugins"
#endif

static void push_plugin_dirs(lua_State *L);

/* ---- the file policy of --sandbox ---- */

/* The file policy of --sandbox (docs/sandbox.md): a script reads only
   the files named on its command line (and plugin files), and writes
   only standard output and the file given with -o or --output. Paths are
   compared after realpath, so "./x" is "x" and a symlink is its target. */

/* Does path name the same existing file as named? */
static int same_file(const char *path, const char *named) {
  char a[PATH_MAX], b[PATH_MAX];
  if (strcmp(path, named) == 0) return 1;
  return realpath(path, a) && realpath(named, b) && strcmp(a, b) == 0;
}

/* Is path below one of the plugin directories? */
static int in_plugin_dir(lua_State *L, const char *path) {
  char real[PATH_MAX], dir[PATH_MAX];
  lua_Integer i, n;
  int found = 0;
  if (!realpath(path, real)) return 0;
  push_plugin_dirs(L);
  n = (lua_Integer)luaL_len(L, -1);
  for (i = 1; i <= n && !found; i++) {
    size_t len;
    lua_rawgeti(L, -1, i);
    if (realpath(lua_tostring(L, -1), dir)) {
      len = strlen(dir);
      found = strncmp(real, dir, len) == 0 && real[len] == '/';
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  return found;
}

static int named_on_command_line(caw_lua_host *h, const char *path) {
  int i;
  if (h->script && same_file(path, h->script)) return 1;
  for (i = 0; i < h->argc; i++) {
    const char *a = h->argv[i], *eq = strchr(a, '=');
    if (same_file(path, a)) return 1;
    if (a[0] == '-' && eq && same_file(path, eq + 1)) return 1;
  }
  return 0;
}

int caw_plugin_may_read(lua_State *L, caw_lua_host *h, const char *path) {
  return named_on_command_line(h, path) || in_plugin_dir(L, path);
}

int caw_plugin_may_write(lua_State *L, caw_lua_host *h, const char *path) {
  int i;
  (void)L;
  for (i = 0; i < h->argc; i++) {
    const char *a = h->argv[i];
    if ((strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) &&
        i + 1 < h->argc && strcmp(h->argv[i + 1], path) == 0)
      return 1;
    if (strncmp(a, "--output=", 9) == 0 && strcmp(a + 9, path) == 0) return 1;
  }
  return 0;
}

/* ---- plugins ---- */

/* Push the list of plugin directories, in search order. */
static void push_plugin_dirs(lua_State *L) {
  const char *env = getenv("CAW_PLUGIN_PATH"), *xdg = getenv("XDG_DATA_HOME");
  const char *home = getenv("HOME");
  lua_Integer n = 0;
  struct stat sb;
  lua_newtable(L);
  if (env && *env) {
    const char *p = env;
    while (*p) {
      const char *e = strchr(p, ':');
      size_t len = e ? (size_t)(e - p) : strlen(p);
      if (len) {
        lua_pushlstring(L, p, len);
        lua_rawseti(L, -2, ++n);
      }
      p += len + (e ? 1 : 0);
    }
  }
  if (xdg && *xdg) lua_pushfstring(L, "%s/caw/plugins", xdg);
  else if (home && *home) lua_pushfstring(L, "%s/.local/share/caw/plugins", home);
  else lua_pushnil(L);
  if (!lua_isnil(L, -1) && stat(lua_tostring(L, -1), &sb) == 0)
    lua_rawseti(L, -2, ++n);
  else lua_pop(L, 1);
  if (stat(CAW_SOURCE_PLUGINS, &sb) == 0) {
    lua_pushstring(L, CAW_SOURCE_PLUGINS);
    lua_rawseti(L, -2, ++n);
  }
  if (strcmp(CAW_SOURCE_PLUGINS, CAW_INSTALL_PLUGINS) != 0 &&
      stat(CAW_INSTALL_PLUGINS, &sb) == 0) {
    lua_pushstring(L, CAW_INSTALL_PLUGINS);
    lua_rawseti(L, -2, ++n);
  }
}

static int cmp_cstr(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Append the *.lua files below dir (recursive, sorted) to the list at
   the top of the stack. */
static void list_lua(lua_State *L, const char *dir, lua_Integer *n,
                     int depth) {
  DIR *d;
  struct dirent *e;
  char **names = NULL;
  size_t count = 0, cap = 0, i;
  if (depth > 4 || !(d = opendir(dir))) return;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    if (count == cap) {
      char **more = realloc(names, (cap = cap ? cap * 2 : 32) * sizeof *names);
      if (!more) break;
      names = more;
    }
    if (!(names[count] = strdup(e->d_name))) break;
    count++;
  }
  closedir(d);
  if (count) qsort(names, count, sizeof *names, cmp_cstr);
  for (i = 0; i < count; i++) {
    char path[4096];
    struct stat sb;
    size_t len = strlen(names[i]);
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
      list_lua(L, path, n, depth + 1);
    else if (len > 4 && strcmp(names[i] + len - 4, ".lua") == 0) {
      lua_pushstring(L, path);
      lua_rawseti(L, -2, ++*n);
    }
    free(names[i]);
  }
  free(names);
}

/* caw.plugin_files() -> sorted list of *.lua paths in the plugin dirs */
static int l_plugin_files(lua_State *L) {
  lua_Integer i, ndirs, n = 0;
  push_plugin_dirs(L);
  ndirs = (lua_Integer)luaL_len(L, -1);
  lua_newtable(L);
  for (i = 1; i <= ndirs; i++) {
    lua_rawgeti(L, -2, i);
    {
      const char *dir = lua_tostring(L, -1);
      lua_pop(L, 1); /* the string stays in the dirs table */
      list_lua(L, dir, &n, 0);
    }
  }
  return 1;
}

/* caw.load_plugin(path) -> the plugin's table (what the file returns),
   run in its own environment. */
static int l_load_plugin(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  caw_lua_check_read(L, path);
  if (caw_sandbox_loadfile(L, path) != LUA_OK) {
    if (access(path, F_OK) != 0)
      return caw_lua_fail(L, CAW_EXIT_NOINPUT, "no plugin at %s", path);
    return lua_error(L);
  }
  lua_pop(L, 1); /* env */
  lua_call(L, 0, 1);
  if (!lua_istable(L, -1))
    return caw_lua_fail(L, CAW_EXIT_SOFTWARE,
                        "%s: a plugin must return its declaration table",
                        path);
  return 1;
}

/* caw.score{...}: the scoring engine lives in Lua (plugins/lib/score.lua);
   this is its entry in the caw module. */
static int l_score(lua_State *L) {
  int n = lua_gettop(L);
  lua_getglobal(L, "require");
  lua_pushliteral(L, "lib.score");
  lua_call(L, 1, 1);
  lua_getfield(L, -1, "score");
  lua_replace(L, -2);
  lua_insert(L, 1);
  lua_call(L, n, LUA_MULTRET);
  return lua_gettop(L);
}

static const luaL_Reg plugin_funcs[] = {
  {"plugin_files", l_plugin_files},
  {"load_plugin", l_load_plugin},
  {"score", l_score},
  {NULL, NULL}};

void caw_plugin_open(lua_State *L) {
  luaL_setfuncs(L, plugin_funcs, 0);
  push_plugin_dirs(L);
  lua_setfield(L, -2, "plugin_dirs");
}

void caw_plugin_set_path(lua_State *L) {
  lua_Integer i, n;
  int pieces = 0;
  lua_getglobal(L, "caw");
  lua_getfield(L, -1, "plugin_dirs");
  n = (lua_Integer)luaL_len(L, -1);
  for (i = 1; i <= n; i++) {
    const char *d;
    lua_rawgeti(L, -1 - pieces, i);
    d = lua_tostring(L, -1);
    lua_pushfstring(L, "%s%s/?.lua;%s/?/init.lua", i > 1 ? ";" : "", d, d);
    lua_remove(L, -2);
    pieces++;
  }
  lua_concat(L, pieces);
  caw_sandbox_set_path(L);
  lua_pop(L, 2);
}

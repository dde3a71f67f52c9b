/*
** plugin.h -- where plugins come from and what a sandboxed script may
** touch: the plugin directories, package.path, caw.plugin_files,
** caw.load_plugin, caw.score, and the file policy of --sandbox
** (docs/sandbox.md). Used by runtime.c, which opens it and puts the
** policy in the bindings' host; uses lbind.h and sandbox.h.
*/
#ifndef CAW_PLUGIN_H
#define CAW_PLUGIN_H

#include <lua.h>

#include "caw/lbind.h"

/*
** Add caw.plugin_dirs (the directories, in search order), plugin_files,
** load_plugin and score to the table at the top of the stack.
*/
void caw_plugin_open(lua_State *L);

/* Set package.path to the plugin directories of caw.plugin_dirs (after
   the caw module is open). */
void caw_plugin_set_path(lua_State *L);

/*
** The file policy of --sandbox, for caw_lua_host: a script may read the
** files named on its command line (h->argv, h->script) and plugin files;
** it may write the file given with -o or --output. 1: allowed.
*/
int caw_plugin_may_read(lua_State *L, caw_lua_host *h, const char *path);
int caw_plugin_may_write(lua_State *L, caw_lua_host *h, const char *path);

#endif

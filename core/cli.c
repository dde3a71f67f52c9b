/*
** cli.c -- the `caw` command line.
** Parses global options, chooses the database (--db, $CAW_DB, default),
** creates it from the bundled dataset when missing, and dispatches:
** init, run and help are built in; the other commands are Lua plugins
** under plugins/cmd/ run through runtime.c.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>

#include "caw/cli.h"
#include "caw/runtime.h"
#include "caw/store.h"

extern const unsigned char caw_embed_central_asia[];
extern const size_t caw_embed_central_asia_len;

static const char usage_text[] =
  "usage: caw [--db PATH] [--quiet] COMMAND [ARGS...]\n"
  "\n"
  "caw stores events on how Central Asia aligns between Russia, China and\n"
  "the West, and runs Lua plugins over them: importers, scoring rules and\n"
  "reports.\n"
  "\n"
  "Commands:\n"
  "  init [--empty] [--force]   create the database from the bundled dataset\n"
  "                             (--empty: schema only; --force: replace)\n"
  "  run FILE [ARGS...]         run a Lua script or plugin (arg = ARGS)\n"
  "  run -e CODE [ARGS...]      run a Lua chunk\n"
  "  events [FILTERS]           list events (--help for filters and formats)\n"
  "  import FILE...             import files (caw JSON/CSV, GDELT, ICEWS, ACLED)\n"
  "  export                     write all events as caw JSON, JSON Lines or CSV\n"
  "  score                      alignment scores per country, period and pole\n"
  "  actors                     list the actor registry\n"
  "  plugins                    list the plugins caw finds\n"
  "  help, --help               this text; COMMAND --help for a command\n"
  "  version, --version         print the version\n"
  "\n"
  "Global options:\n"
  "  --db PATH          the database (default: $CAW_DB, else\n"
  "                     $XDG_DATA_HOME/caw/caw.db or ~/.local/share/caw/caw.db;\n"
  "                     created from the bundled dataset when missing)\n"
  "  -q, --quiet        no progress output, only errors\n"
  "\n"
  "Limits (for every command that runs Lua, after the command name):\n"
  "  --timeout SECONDS  stop a script that runs longer\n"
  "  --max-memory MB    stop a script whose memory grows past MB\n"
  "  --sandbox          for plugins you did not write: no io or debug; read\n"
  "                     only files named on the command line, write only -o\n"
  "                     (docs/sandbox.md)\n"
  "\n"
  "Exit codes: 0 ok, 64 usage, 65 bad data, 66 no input, 70 internal or\n"
  "script error, 74 I/O error, 75 database busy, 77 refused by --sandbox.\n"
  "Plugins are found in $CAW_PLUGIN_PATH (colon-separated), then\n"
  "$XDG_DATA_HOME/caw/plugins, then caw's own plugins directory.\n"
  "Documentation: docs/cli.md, docs/lua-api.md, docs/plugins.md.\n";

static int usage_error(const char *fmt, const char *arg) {
  fprintf(stderr, "caw: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\nTry 'caw --help'.\n");
  return CAW_EXIT_USAGE;
}

/* mkdir -p: make dir and its missing parents (errors show up at open). */
static void make_dirs(char *dir) {
  char *p;
  for (p = dir + 1; *p; p++)
    if (*p == '/') {
      *p = '\0';
      mkdir(dir, 0755);
      *p = '/';
    }
  mkdir(dir, 0755);
}

/* The default database path; the caller frees it. Makes the folder. */
static char *default_db(void) {
  const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
  char dir[4096], *path;
  if (xdg && *xdg) snprintf(dir, sizeof dir, "%s/caw", xdg);
  else if (home && *home) snprintf(dir, sizeof dir, "%s/.local/share/caw", home);
  else snprintf(dir, sizeof dir, "caw-data");
  make_dirs(dir);
  if (!(path = malloc(strlen(dir) + 8))) return NULL;
  sprintf(path, "%s/caw.db", dir);
  return path;
}

static int file_exists(const char *path) {
  struct stat sb;
  return stat(path, &sb) == 0;
}

#define CAW_MAX_TIMEOUT 604800.0     /* a week, in seconds */
#define CAW_MAX_MEMORY_MB 1048576.0  /* a terabyte */

typedef struct cli {
  const char *db;
  int quiet;
  caw_runtime_opts opts;
} cli;

/* Load the bundled dataset into a fresh store through the caw JSON
   importer. Returns an exit code. */
static int seed_store(cli *c, caw_store *st) {
  caw_runtime *rt = caw_runtime_new(st, &c->opts);
  lua_State *L;
  int rc = CAW_EXIT_OK;
  if (!rt) return CAW_EXIT_SOFTWARE;
  L = caw_runtime_state(rt);
  lua_pushliteral(L, "local text = ...\n"
                     "return require('lib.importer').import_text(text,"
                     " 'bundled dataset', 'caw-json')");
  if (luaL_loadbufferx(L, lua_tostring(L, -1), lua_rawlen(L, -1),
                       "=(bundled dataset)", "t") != LUA_OK) {
    fprintf(stderr, "caw: %s\n", lua_tostring(L, -1));
    caw_runtime_free(rt);
    return CAW_EXIT_SOFTWARE;
  }
  lua_pushlstring(L, (const char *)caw_embed_central_asia,
                  caw_embed_central_asia_len);
  if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
    const char *msg = lua_tostring(L, -1);
    rc = CAW_EXIT_SOFTWARE;
    if (!msg && lua_istable(L, -1)) {
      lua_getfield(L, -1, "code"); /* a caw error: 74 for a full disk */
      if (lua_isinteger(L, -1)) rc = (int)lua_tointeger(L, -1);
      lua_getfield(L, -2, "message");
      msg = lua_tostring(L, -1);
    }
    fprintf(stderr, "caw: cannot load the bundled dataset: %s\n",
            msg ? msg : "error");
  }
  caw_runtime_free(rt);
  return rc;
}

/* Open the store, creating it (seeded unless empty) when missing, or in
   place of the existing one when fresh (init --force). A new database is
   built under a temporary name and renamed into place only when it is
   complete: a failure (a full disk) leaves nothing at c->db. */
static int open_store(cli *c, int create_empty, int fresh, caw_store **out) {
  char err[CAW_ERRMAX];
  int rc;
  caw_status st = caw_store_open(
    c->db, CAW_STORE_CREATE | CAW_STORE_DEFER | (fresh ? CAW_STORE_FRESH : 0),
    out, err, sizeof err);
  if (st != CAW_OK) {
    fprintf(stderr, "caw: %s\n", err);
    return caw_status_exit(st);
  }
  if (!caw_store_unpublished(*out)) return CAW_EXIT_OK; /* it existed */
  if (!create_empty && (rc = seed_store(c, *out)) != CAW_EXIT_OK) {
    caw_store_close(*out); /* removes the unpublished database */
    *out = NULL;
    return rc;
  }
  if ((st = caw_store_publish(*out, err, sizeof err)) != CAW_OK) {
    fprintf(stderr, "caw: %s\n", err);
    caw_store_close(*out);
    *out = NULL;
    return caw_status_exit(st);
  }
  if (!c->quiet) {
    if (create_empty) fprintf(stderr, "caw: created empty database %s\n", c->db);
    else fprintf(stderr, "caw: created %s with %lld events from the bundled"
                         " dataset\n", c->db,
                 (long long)caw_store_count(*out));
  }
  return CAW_EXIT_OK;
}

static int cmd_init(cli *c, int argc, char **argv) {
  int i, empty = 0, force = 0, rc;
  caw_store *st = NULL;
  for (i = 0; i < argc; i++) {
    if (strcmp(argv[i], "--empty") == 0) empty = 1;
    else if (strcmp(argv[i], "--force") == 0) force = 1;
    else if (strcmp(argv[i], "--quiet") == 0 || strcmp(argv[i], "-q") == 0)
      c->quiet = 1;
    else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      printf("usage: caw [--db PATH] init [--empty] [--force]\n"
             "Create the database: from the bundled Central Asia dataset, or\n"
             "with --empty only the schema. --force replaces an existing one.\n");
      return CAW_EXIT_OK;
    } else return usage_error("init: unknown option '%s'", argv[i]);
  }
  if (file_exists(c->db) && !force) {
    fprintf(stderr, "caw: %s already exists (use 'caw init --force' to"
                    " replace it)\n", c->db);
    return CAW_EXIT_USAGE;
  }
  rc = open_store(c, empty, force, &st);
  caw_store_close(st);
  return rc;
}

/* Take the limit options (--timeout, --max-memory, --sandbox, --quiet)
   out of argv[from..argc); stop at the first other word when stop_early.
   Returns the new argc, or -1 on a usage error. */
static int take_limits(cli *c, int argc, char **argv, int stop_early) {
  int i, j = 0;
  for (i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--") == 0 && stop_early) {
      for (i++; i < argc; i++) argv[j++] = argv[i];
      break;
    }
    if (strcmp(a, "--timeout") == 0 || strcmp(a, "--max-memory") == 0) {
      char *end;
      double v;
      if (i + 1 >= argc) return usage_error("%s needs a number", a), -1;
      v = strtod(argv[i + 1], &end);
      if (end == argv[i + 1] || *end || !(v > 0) ||
          v > (a[2] == 't' ? CAW_MAX_TIMEOUT : CAW_MAX_MEMORY_MB))
        return usage_error(a[2] == 't' ? "%s needs a number of seconds,"
                                         " more than 0 and at most 604800"
                                       : "%s needs a number of megabytes,"
                                         " more than 0 and at most 1048576",
                           a), -1;
      if (a[2] == 't') c->opts.timeout_s = v;
      else c->opts.max_memory = (size_t)(v * 1024 * 1024);
      i++;
    } else if (strcmp(a, "--sandbox") == 0) c->opts.sandbox = 1;
    else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
      c->quiet = 1;
      c->opts.quiet = 1;
      if (!stop_early) argv[j++] = argv[i]; /* the command sees it too */
    } else if (stop_early) {
      for (; i < argc; i++) argv[j++] = argv[i];
      break;
    } else argv[j++] = argv[i];
  }
  return j;
}

/* Does argv ask for --help (before any "--")? */
static int wants_help(int argc, char **argv) {
  int i;
  for (i = 0; i < argc && strcmp(argv[i], "--") != 0; i++)
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) return 1;
  return 0;
}

static int cmd_run(cli *c, int argc, char **argv, const char *lua_cmd) {
  caw_store *st = NULL;
  caw_runtime *rt;
  const char *path = NULL, *code = NULL;
  char *found = NULL;
  int rc;
  argc = take_limits(c, argc, argv, lua_cmd == NULL);
  if (argc < 0) return CAW_EXIT_USAGE;
  if (!lua_cmd) {
    if (argc < 1 || strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0) {
      fprintf(argc < 1 ? stderr : stdout,
              "usage: caw [--db PATH] run [LIMITS] FILE [ARGS...]\n"
              "       caw [--db PATH] run [LIMITS] -e CODE [ARGS...]\n"
              "Run a Lua 5.4 script with the caw module (see docs/lua-api.md).\n"
              "LIMITS: --timeout SECONDS, --max-memory MB, --sandbox.\n");
      return argc < 1 ? CAW_EXIT_USAGE : CAW_EXIT_OK;
    }
    if (strcmp(argv[0], "-e") == 0) {
      if (argc < 2) return usage_error("%s needs a chunk of Lua code", "run -e");
      code = argv[1];
      argv += 2;
      argc -= 2;
    } else {
      path = argv[0];
      argv++;
      argc--;
      if (!file_exists(path)) {
        fprintf(stderr, "caw: cannot run %s: %s\n", path, strerror(errno));
        return CAW_EXIT_NOINPUT;
      }
    }
  }
  if (lua_cmd && wants_help(argc, argv)) st = NULL; /* help needs no database */
  else if ((rc = open_store(c, 0, 0, &st)) != CAW_EXIT_OK) return rc;
  if (!(rt = caw_runtime_new(st, &c->opts))) {
    caw_store_close(st);
    fprintf(stderr, "caw: out of memory\n");
    return CAW_EXIT_SOFTWARE;
  }
  if (lua_cmd) { /* find plugins/cmd/NAME.lua on the plugin path */
    lua_State *L = caw_runtime_state(rt);
    lua_getglobal(L, "package");
    lua_getfield(L, -1, "searchpath");
    lua_pushfstring(L, "cmd.%s", lua_cmd);
    lua_getfield(L, -3, "path");
    lua_call(L, 2, 2);
    if (lua_isstring(L, -2)) found = strdup(lua_tostring(L, -2));
    lua_pop(L, 3);
    if (!found) {
      fprintf(stderr, "caw: the '%s' command needs plugins/cmd/%s.lua, which"
                      " is not on the plugin path (set CAW_PLUGIN_PATH)\n",
              lua_cmd, lua_cmd);
      caw_runtime_free(rt);
      caw_store_close(st);
      return CAW_EXIT_SOFTWARE;
    }
    path = found;
  }
  rc = caw_runtime_run(rt, path, code, argc, argv);
  caw_runtime_free(rt);
  caw_store_close(st);
  free(found);
  return rc;
}

int caw_cli_main(int argc, char **argv) {
  cli c;
  char *dflt = NULL;
  const char *cmd;
  int i, rc;
  memset(&c, 0, sizeof c);
  for (i = 1; i < argc && argv[i][0] == '-'; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      fputs(usage_text, stdout);
      return CAW_EXIT_OK;
    } else if (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0) {
      printf("caw %s (schema %d, %s, SQLite %s)\n", CAW_VERSION,
             CAW_SCHEMA_VERSION, LUA_RELEASE, caw_store_engine_version());
      return CAW_EXIT_OK;
    } else if (strcmp(a, "--db") == 0) {
      if (i + 1 >= argc) return usage_error("%s needs a path", a);
      c.db = argv[++i];
    } else if (strncmp(a, "--db=", 5) == 0) c.db = a + 5;
    else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
      c.quiet = 1;
      c.opts.quiet = 1;
    } else return usage_error("unknown option '%s'", a);
  }
  if (i >= argc) {
    fputs(usage_text, stderr);
    return CAW_EXIT_USAGE;
  }
  cmd = argv[i++];
  if (strcmp(cmd, "help") == 0) {
    fputs(usage_text, stdout);
    return CAW_EXIT_OK;
  }
  if (strcmp(cmd, "version") == 0) {
    printf("caw %s\n", CAW_VERSION);
    return CAW_EXIT_OK;
  }
  if (!c.db) c.db = getenv("CAW_DB");
  if (!c.db || !*c.db) {
    if (!(c.db = dflt = default_db())) return CAW_EXIT_SOFTWARE;
  }
  if (strcmp(cmd, "init") == 0) rc = cmd_init(&c, argc - i, argv + i);
  else if (strcmp(cmd, "run") == 0) rc = cmd_run(&c, argc - i, argv + i, NULL);
  else if (strcmp(cmd, "events") == 0 || strcmp(cmd, "import") == 0 ||
           strcmp(cmd, "export") == 0 || strcmp(cmd, "score") == 0 ||
           strcmp(cmd, "actors") == 0 || strcmp(cmd, "plugins") == 0)
    rc = cmd_run(&c, argc - i, argv + i, cmd);
  else rc = usage_error("unknown command '%s'", cmd);
  free(dflt);
  return rc;
}

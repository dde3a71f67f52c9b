/*
** runtime.c -- the embedded Lua 5.4 runtime: creates the Lua state,
** assembles the `caw` module from its bindings, applies the limits
** (memory cap counted in the allocator, timeout by a hook set only when
** the alarm fires) and runs a script or a plugin's run(args). Owns the
** host the bindings see (lbind.h), and the progress line (caw.log,
** caw.progress, caw.clock).
** Called by cli.c; opens lbind.c, luastore.c, luafile.c, luadate.c,
** plugin.c, json.c, luadsv.c and luabulk.c into `caw`; calls sandbox.c
** for what plugin code can reach, mem.c to count cJSON's heap, and
** store.c only to bound its work (interrupt, heap limits, rollback).
*/
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "caw/lbind.h"
#include "caw/luadate.h"
#include "caw/luafile.h"
#include "caw/luastore.h"
#include "caw/mem.h"
#include "caw/plugin.h"
#include "caw/runtime.h"
#include "caw/sandbox.h"
#include "caw/store.h"

struct caw_runtime {
  caw_lua_host host; /* first: what the bindings see (lbind.h) */
  lua_State *L;
  caw_store *store;
  caw_runtime_opts opts;
  size_t mem_used;
  int mem_exceeded; /* the cap was hit: report it as such */
  volatile sig_atomic_t ticks; /* alarms since the time ran out */
  int64_t old_soft, old_hard; /* SQLite heap limits to restore */
  pthread_t lua_thread; /* the thread Lua runs on (hooks are set there) */
  size_t sql_seen;      /* SQLite's heap when last asked (it takes a lock) */
  unsigned sql_tick;    /* Lua allocations since */
  double progress_last; /* when the progress line was last drawn */
  int progress_shown;
};

/* ---- limits ---- */

/* Headroom above the cap so that the error itself can be reported. */
#define MEM_HEADROOM (256 * 1024)
/* Count hook interval of coroutines while a limit is set. */
#define CO_HOOK_COUNT 1000
/* Alarms (every ALARM_TICK seconds) after the timeout before caw ends the
   process: a C call that never returns (a pathological pattern) cannot
   be stopped by a hook. */
#define ALARM_TICK 0.1
#define HARD_TICKS 20

static void stop_hook(lua_State *L, lua_Debug *ar);

/* Mark the memory cap as hit: from now on the hook raises at every
   instruction, so that no pcall lets the script carry on. */
static void mem_stop(caw_runtime *rt) {
  rt->mem_exceeded = 1;
  if (!rt->host.stop) rt->host.stop = CAW_LUA_STOP_MEMORY;
  lua_sethook(rt->L, stop_hook, LUA_MASKCOUNT, 1);
}

/* Bytes in use on the script's behalf: the Lua heap plus what cJSON and
   SQLite hold. */
static size_t mem_total(const caw_runtime *rt) {
  int64_t q = caw_store_heap_used();
  return rt->mem_used + caw_mem_used() + (size_t)(q > 0 ? q : 0);
}

/* The same for Lua's allocator, which runs often: SQLite is asked every
   256 allocations, and whenever the total comes near the cap. */
static size_t mem_total_lua(caw_runtime *rt, size_t cap) {
  size_t base = rt->mem_used + caw_mem_used();
  if (++rt->sql_tick >= 256 || base + rt->sql_seen > cap - cap / 8) {
    int64_t q = caw_store_heap_used();
    rt->sql_tick = 0;
    rt->sql_seen = (size_t)(q > 0 ? q : 0);
  }
  return base + rt->sql_seen;
}

static void *limited_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  caw_runtime *rt = ud;
  size_t old = ptr ? osize : 0;
  if (nsize == 0) {
    free(ptr);
    rt->mem_used -= old;
    return NULL;
  }
  if (rt->opts.max_memory && nsize > old) {
    size_t cap = rt->opts.max_memory + (rt->mem_exceeded ? MEM_HEADROOM : 0);
    if (mem_total_lua(rt, cap) - old + nsize > cap) {
      if (rt->L) mem_stop(rt);
      return NULL;
    }
  }
  ptr = realloc(ptr, nsize);
  if (ptr) rt->mem_used = rt->mem_used - old + nsize;
  return ptr;
}

/* caw_mem_alloc's limit (mem.h): may C take n more bytes for cJSON? */
static int mem_refuse(void *arg, size_t n) {
  caw_runtime *rt = arg;
  if (mem_total(rt) + n <= rt->opts.max_memory) return 0;
  if (pthread_equal(pthread_self(), rt->lua_thread)) mem_stop(rt);
  else { /* another thread: the hook is set when Lua next allocates */
    rt->mem_exceeded = 1;
    if (!rt->host.stop) rt->host.stop = CAW_LUA_STOP_MEMORY;
  }
  return 1;
}

static caw_runtime *alarm_rt;
static char hard_msg[160];

static caw_runtime *runtime_of(lua_State *L);

/* Stays set once a limit is hit: every further instruction fails again,
   so a pcall in the script cannot swallow the stop. */
static void stop_hook(lua_State *L, lua_Debug *ar) {
  (void)ar;
  caw_lua_check(L);
}

/* As lua.c does for SIGINT: set the hook only now, so that no hook slows
   the interpreter before the limit is reached. The alarm repeats: it sets
   the hook again (a script may have cleared it) and, when a C call has
   not come back HARD_TICKS later, ends the process; the open transaction
   is never committed, so the database stays as it was. */
static void on_alarm(int sig) {
  caw_runtime *rt = alarm_rt;
  (void)sig;
  if (!rt) return;
  if (!rt->host.stop) rt->host.stop = CAW_LUA_STOP_TIMEOUT;
  lua_sethook(rt->L, stop_hook, LUA_MASKLINE | LUA_MASKCOUNT, 1);
  if (++rt->ticks > HARD_TICKS) {
    ssize_t w = write(2, hard_msg, strlen(hard_msg));
    (void)w;
    _exit(CAW_EXIT_SOFTWARE);
  }
}

static void arm_timeout(caw_runtime *rt) {
  struct itimerval it;
  struct sigaction sa;
  if (rt->opts.timeout_s <= 0) return;
  snprintf(hard_msg, sizeof hard_msg,
           "caw: stopped: the script ran longer than --timeout %g seconds"
           " (inside a C call; ended)\n", rt->opts.timeout_s);
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGALRM, &sa, NULL);
  alarm_rt = rt;
  memset(&it, 0, sizeof it);
  it.it_value.tv_sec = (time_t)rt->opts.timeout_s;
  it.it_value.tv_usec =
    (suseconds_t)((rt->opts.timeout_s - (double)(time_t)rt->opts.timeout_s) *
                  1e6);
  if (it.it_value.tv_sec == 0 && it.it_value.tv_usec == 0)
    it.it_value.tv_usec = 1;
  it.it_interval.tv_usec = (suseconds_t)(ALARM_TICK * 1e6);
  setitimer(ITIMER_REAL, &it, NULL);
}

static void disarm_timeout(void) {
  struct itimerval it;
  memset(&it, 0, sizeof it);
  setitimer(ITIMER_REAL, &it, NULL);
  alarm_rt = NULL;
}

/* A coroutine runs on a Lua thread of its own, which the alarm's hook
   does not reach: while a limit is set each one gets a count hook that
   checks the stop flag. */
static void co_hook(lua_State *L, lua_Debug *ar) {
  (void)ar;
  caw_lua_check(L);
}

static void hook_thread(lua_State *co) {
  if (co && !lua_gethook(co)) lua_sethook(co, co_hook, LUA_MASKCOUNT,
                                          CO_HOOK_COUNT);
}

/* coroutine.create, with the hook (upvalue 1: the real one) */
static int limited_cocreate(lua_State *L) {
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  hook_thread(lua_tothread(L, -1));
  return 1;
}

/* coroutine.wrap: the thread is the first upvalue of what it returns */
static int limited_cowrap(lua_State *L) {
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  if (lua_getupvalue(L, -1, 1)) {
    hook_thread(lua_tothread(L, -1));
    lua_pop(L, 1);
  }
  return 1;
}

/* The message handler xpcall is given, behind a check: once a limit is
   hit the handler does not run (Lua calls it with hooks off when the
   error comes from a hook, so a loop in it could not be stopped). */
static int limited_handler(lua_State *L) {
  caw_runtime *rt = runtime_of(L);
  if (rt && rt->host.stop) return 1; /* the error as it is */
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

static int limited_xpcall(lua_State *L) {
  luaL_checktype(L, 2, LUA_TFUNCTION);
  lua_pushvalue(L, 2);
  lua_pushcclosure(L, limited_handler, 1);
  lua_replace(L, 2);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

/* SQLite's progress handler: a query (a recursive CTE without end) stops
   with the script. */
static int sql_progress(void *ud) {
  caw_runtime *rt = ud;
  return rt->host.stop != 0;
}

static void wrap_field(lua_State *L, const char *lib, const char *fn,
                       lua_CFunction with) {
  lua_getglobal(L, lib);
  lua_getfield(L, -1, fn);
  lua_pushcclosure(L, with, 1);
  lua_setfield(L, -2, fn);
  lua_pop(L, 1);
}

/* Put the limits in force for the Lua state and the store. */
static void set_limits(caw_runtime *rt) {
  lua_State *L = rt->L;
  if (!rt->opts.timeout_s && !rt->opts.max_memory) return;
  wrap_field(L, "coroutine", "create", limited_cocreate);
  wrap_field(L, "coroutine", "wrap", limited_cowrap);
  lua_getglobal(L, "xpcall");
  lua_pushcclosure(L, limited_xpcall, 1);
  lua_setglobal(L, "xpcall");
  if (rt->store)
    caw_store_interrupt(rt->store, sql_progress, rt);
  if (rt->opts.max_memory) {
    rt->lua_thread = pthread_self();
    caw_mem_limit(mem_refuse, rt);
    caw_store_heap_limit((int64_t)rt->opts.max_memory,
                         (int64_t)rt->opts.max_memory / 4, &rt->old_hard,
                         &rt->old_soft);
  }
}

static void clear_limits(caw_runtime *rt) {
  if (rt->store && (rt->opts.timeout_s || rt->opts.max_memory))
    caw_store_interrupt(rt->store, NULL, NULL);
  if (caw_mem_unlimit(rt)) {
    caw_store_heap_limit(rt->old_hard, rt->old_soft, NULL, NULL);
  }
}

/* The runtime that hosts L: its host is its first member. */
static caw_runtime *runtime_of(lua_State *L) {
  return (caw_runtime *)caw_lua_host_of(L);
}

/* caw.log(...): a line on stderr (works in the sandbox). */
static int l_log(lua_State *L) {
  int i, n = lua_gettop(L);
  caw_runtime *rt = runtime_of(L);
  if (rt && rt->progress_shown) { fputs("\r\033[K", stderr); rt->progress_shown = 0; }
  for (i = 1; i <= n; i++) {
    if (i > 1) fputc(' ', stderr);
    fputs(luaL_tolstring(L, i, NULL), stderr);
    lua_pop(L, 1);
  }
  fputc('\n', stderr);
  return 0;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* caw.progress(done, total, label, started) -- a progress line on stderr
   when it is a terminal (at most 10 redraws a second); caw.progress()
   with no arguments clears it. total may be 0 when unknown. */
static int l_progress(lua_State *L) {
  caw_runtime *rt = runtime_of(L);
  double done, total, t, started, rate, eta, rows;
  const char *label;
  if (!rt || rt->opts.quiet || !isatty(2)) return 0;
  if (lua_isnoneornil(L, 1)) {
    if (rt->progress_shown) fputs("\r\033[K", stderr);
    rt->progress_shown = 0;
    return 0;
  }
  t = now_s();
  if (t - rt->progress_last < 0.1) return 0;
  rt->progress_last = t;
  done = luaL_checknumber(L, 1);
  total = luaL_optnumber(L, 2, 0);
  label = luaL_optstring(L, 3, "");
  started = luaL_optnumber(L, 4, t);
  rows = luaL_optnumber(L, 5, -1);
  rate = t > started ? done / (t - started) : 0;
  eta = total > 0 && rate > 0 ? (total - done) / rate : 0;
  if (rows >= 0) { /* done/total measure the input; rows are counted */
    double rrate = t > started ? rows / (t - started) : 0;
    if (total > 0)
      fprintf(stderr, "\r\033[K%s %.0f%%, %.0f rows (%.0f rows/s, ETA %.0fs)",
              label, 100.0 * done / total, rows, rrate, eta > 0 ? eta : 0);
    else
      fprintf(stderr, "\r\033[K%s %.0f rows (%.0f rows/s)", label, rows, rrate);
  } else if (total > 0)
    fprintf(stderr, "\r\033[K%s %.0f%% (%.0f/s, ETA %.0fs)", label,
            100.0 * done / total, rate, eta > 0 ? eta : 0);
  else
    fprintf(stderr, "\r\033[K%s %.0f (%.0f/s)", label, done, rate);
  rt->progress_shown = 1;
  return 0;
}

/* caw.clock() -> monotonic seconds */
static int l_clock(lua_State *L) {
  lua_pushnumber(L, now_s());
  return 1;
}

static const luaL_Reg caw_funcs[] = {
  {"log", l_log},
  {"progress", l_progress},
  {"clock", l_clock},
  {NULL, NULL}};

static int open_caw(lua_State *L) {
  caw_runtime *rt = runtime_of(L);
  luaL_newlib(L, caw_funcs);
  caw_lua_open(L);
  caw_luastore_open(L);
  caw_luafile_open(L);
  caw_plugin_open(L); /* caw.plugin_dirs, plugin_files, load_plugin */
  luaopen_caw_json(L);
  lua_getfield(L, -1, "encode");
  lua_setfield(L, LUA_REGISTRYINDEX, "caw.json.encode");
  lua_getfield(L, -1, "decode");
  lua_setfield(L, LUA_REGISTRYINDEX, "caw.json.decode");
  lua_setfield(L, -2, "json");
  luaopen_caw_dsv(L);
  lua_setfield(L, -2, "dsv");
  luaopen_caw_date(L);
  lua_setfield(L, -2, "date");
  luaopen_caw_bulk(L);
  lua_setfield(L, -2, "bulk");
  lua_pushstring(L, CAW_VERSION);
  lua_setfield(L, -2, "version");
  if (rt && rt->store) {
    lua_pushstring(L, caw_store_path(rt->store));
    lua_setfield(L, -2, "db_path");
  }
  lua_pushboolean(L, rt && rt->opts.sandbox);
  lua_setfield(L, -2, "sandboxed");
  lua_pushboolean(L, rt && rt->opts.quiet);
  lua_setfield(L, -2, "quiet");
  lua_createtable(L, 0, 6);
  lua_pushinteger(L, CAW_EXIT_USAGE);
  lua_setfield(L, -2, "USAGE");
  lua_pushinteger(L, CAW_EXIT_DATAERR);
  lua_setfield(L, -2, "DATAERR");
  lua_pushinteger(L, CAW_EXIT_NOINPUT);
  lua_setfield(L, -2, "NOINPUT");
  lua_pushinteger(L, CAW_EXIT_SOFTWARE);
  lua_setfield(L, -2, "SOFTWARE");
  lua_pushinteger(L, CAW_EXIT_IOERR);
  lua_setfield(L, -2, "IOERR");
  lua_pushinteger(L, CAW_EXIT_TEMPFAIL);
  lua_setfield(L, -2, "TEMPFAIL");
  lua_pushinteger(L, CAW_EXIT_NOPERM);
  lua_setfield(L, -2, "NOPERM");
  lua_setfield(L, -2, "EXIT");
  return 1; /* read-only from caw_sandbox_globals on */
}

caw_runtime *caw_runtime_new(caw_store *store, const caw_runtime_opts *opts) {
  caw_runtime *rt = calloc(1, sizeof *rt);
  lua_State *L;
  if (!rt) return NULL;
  rt->store = store;
  if (opts) rt->opts = *opts;
  if (!(L = lua_newstate(limited_alloc, rt))) {
    free(rt);
    return NULL;
  }
  rt->L = L;
  rt->host.store = store;
  rt->host.timeout_s = rt->opts.timeout_s;
  rt->host.max_memory = rt->opts.max_memory;
  rt->host.sandbox = rt->opts.sandbox;
  rt->host.may_read = caw_plugin_may_read;
  rt->host.may_write = caw_plugin_may_write;
  caw_lua_init(L, &rt->host);
  luaL_openlibs(L);
  caw_sandbox_libs(L, rt->opts.sandbox,
                   rt->opts.timeout_s > 0 || rt->opts.max_memory > 0);
  set_limits(rt);
  luaL_requiref(L, "caw", open_caw, 1);
  lua_pop(L, 1);
  caw_plugin_set_path(L);
  { /* getmetatable on caw's objects gives a name, not the shared table */
    static const char *const locked[] = {"caw.json.array",
                                         "caw.json.object", NULL};
    const char *const *m;
    for (m = locked; *m; m++) caw_sandbox_lock_metatable(L, *m);
  }
  caw_sandbox_globals(L);
  return rt;
}

void caw_runtime_free(caw_runtime *rt) {
  if (!rt) return;
  if (rt->store)
    while (caw_store_depth(rt->store) > 0) caw_store_rollback(rt->store);
  lua_close(rt->L);
  clear_limits(rt);
  free(rt);
}

lua_State *caw_runtime_state(caw_runtime *rt) { return rt->L; }

/* Message handler: keep caw errors as they are, add a traceback to
   everything else. */
static int msgh(lua_State *L) {
  caw_runtime *rt = runtime_of(L);
  if (rt && rt->host.stop) return 1; /* no __tostring of the script's now */
  if (caw_lua_is_error(L, 1)) return 1;
  if (!lua_isstring(L, 1)) {
    if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
      return 1;
    lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
  } else lua_pushvalue(L, 1);
  luaL_traceback(L, L, lua_tostring(L, -1), 1);
  return 1;
}

/* Print the error at the top; return the exit code it carries. */
static int report(caw_runtime *rt, int status) {
  lua_State *L = rt->L;
  int code = CAW_EXIT_SOFTWARE;
  const char *msg;
  if (rt->progress_shown) fputs("\r\033[K", stderr);
  rt->progress_shown = 0;
  if (rt->host.stop == CAW_LUA_STOP_TIMEOUT) {
    fprintf(stderr, "caw: stopped: the script ran longer than --timeout %g"
                    " seconds\n", rt->opts.timeout_s);
    lua_pop(L, 1);
    return CAW_EXIT_SOFTWARE;
  }
  if (status == LUA_ERRMEM || (rt->mem_exceeded && status != LUA_OK)) {
    fprintf(stderr, "caw: stopped: the script used more than --max-memory"
                    " %zu MB\n", rt->opts.max_memory >> 20);
    lua_pop(L, 1);
    return CAW_EXIT_SOFTWARE;
  }
  if (lua_istable(L, -1)) {
    lua_getfield(L, -1, "code");
    code = lua_isinteger(L, -1) ? (int)lua_tointeger(L, -1) : code;
    lua_getfield(L, -2, "message");
    msg = lua_tostring(L, -1);
    fprintf(stderr, "caw: %s\n", msg ? msg : "error");
    lua_pop(L, 2);
  } else {
    msg = lua_tostring(L, -1);
    fprintf(stderr, "caw: %s\n", msg ? msg : "error");
  }
  lua_pop(L, 1);
  return code ? code : CAW_EXIT_SOFTWARE;
}

int caw_runtime_run(caw_runtime *rt, const char *path, const char *code,
                    int argc, char **argv) {
  lua_State *L = rt->L;
  int rc, i, base, exitcode = 0;
  rt->host.argc = argc; /* for the file policy of --sandbox */
  rt->host.argv = argv;
  rt->host.script = code ? NULL : path;
  lua_pushcfunction(L, msgh);
  base = lua_gettop(L);
  lua_createtable(L, argc, 1); /* arg */
  lua_pushstring(L, code ? "-e" : path);
  lua_rawseti(L, -2, 0);
  for (i = 0; i < argc; i++) {
    lua_pushstring(L, argv[i]);
    lua_rawseti(L, -2, i + 1);
  }
  lua_setglobal(L, "arg");
  if (code) rc = luaL_loadbufferx(L, code, strlen(code), "=(command line)", "t");
  else {
    rc = luaL_loadfilex(L, path, "t");
    if (rc == LUA_ERRFILE) {
      fprintf(stderr, "caw: %s\n", lua_tostring(L, -1));
      lua_settop(L, base - 1);
      return CAW_EXIT_NOINPUT;
    }
    if (rc == LUA_OK) { /* the script's own directory comes first */
      const char *slash = strrchr(path, '/');
      if (slash) lua_pushlstring(L, path, (size_t)(slash - path));
      else lua_pushliteral(L, ".");
      lua_pushliteral(L, "/?.lua;");
      lua_getglobal(L, "package");
      lua_getfield(L, -1, "path");
      lua_remove(L, -2);
      lua_concat(L, 3);
      caw_sandbox_set_path(L);
    }
  }
  if (rc != LUA_OK) {
    exitcode = report(rt, rc);
    if (rc == LUA_ERRSYNTAX) exitcode = CAW_EXIT_DATAERR; /* docs/cli.md */
    lua_settop(L, base - 1);
    return exitcode;
  }
  /* the script, like every plugin, runs in an environment of its own */
  caw_sandbox_newenv(L);
  lua_getglobal(L, "arg");
  lua_setfield(L, -2, "arg");
  lua_setupvalue(L, -2, 1);
  for (i = 0; i < argc; i++) lua_pushstring(L, argv[i]);
  arm_timeout(rt);
  rc = lua_pcall(L, argc, 1, base);
  if (rc == LUA_OK && lua_istable(L, -1)) { /* a plugin with run(args) */
    lua_getfield(L, -1, "run");
    if (lua_isfunction(L, -1)) {
      lua_getglobal(L, "arg");
      rc = lua_pcall(L, 1, 1, base);
    } else lua_pop(L, 1);
  }
  if (rc == LUA_OK && rt->host.stop) { /* the stop was swallowed at the end */
    lua_pushnil(L);
    rc = LUA_ERRRUN;
  }
  disarm_timeout();
  lua_sethook(L, NULL, 0, 0);
  if (rc != LUA_OK) exitcode = report(rt, rc);
  else if (lua_isinteger(L, -1)) exitcode = (int)lua_tointeger(L, -1);
  if (rt->progress_shown) fputs("\r\033[K", stderr);
  lua_settop(L, base - 1);
  rt->host.argc = 0;
  rt->host.argv = NULL;
  rt->host.script = NULL;
  fflush(stdout);
  return exitcode;
}

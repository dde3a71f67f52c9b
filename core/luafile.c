/*
** luafile.c -- files, digests and output for the `caw` module:
** caw.readfile, caw.sha256, caw.sha256_file, caw.sha256_file_async (a
** digest on a thread of its own), caw.write and caw.output (atomic: a
** temporary file renamed into place), caw.same_file. Opened by runtime.c
** into the caw table; calls file.c for every file it writes, sha256.c,
** store.c (only for the database's path, which it refuses to overwrite),
** and lbind.c for the --sandbox file policy, the stop flag and errors.
*/
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>

#include "caw/file.h"
#include "caw/lbind.h"
#include "caw/luafile.h"
#include "caw/sha256.h"
#include "caw/store.h"

/* caw.readfile(path [, max]) -> contents (at most max bytes); 66 when
   missing, 74 on I/O errors. */
static int l_readfile(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  lua_Integer max = luaL_optinteger(L, 2, -1);
  luaL_Buffer b;
  FILE *f;
  size_t n, want;
  caw_lua_check_read(L, path);
  if (!(f = fopen(path, "rb")))
    return caw_lua_fail(L, errno == ENOENT ? CAW_EXIT_NOINPUT : CAW_EXIT_IOERR,
                        "cannot read %s: %s", path, strerror(errno));
  luaL_buffinit(L, &b);
  do {
    char *p = luaL_prepbuffer(&b);
    want = LUAL_BUFFERSIZE;
    if (max >= 0 && (lua_Integer)want > max) want = (size_t)max;
    n = fread(p, 1, want, f);
    luaL_addsize(&b, n);
    if (max >= 0) max -= (lua_Integer)n;
    if (caw_lua_host_of(L)->stop) { /* an endless file (/dev/zero) */
      fclose(f);
      caw_lua_check(L);
    }
  } while (n == want && want > 0);
  if (ferror(f)) {
    fclose(f);
    return caw_lua_fail(L, CAW_EXIT_IOERR, "cannot read %s: %s", path,
                        strerror(errno));
  }
  fclose(f);
  luaL_pushresult(&b);
  return 1;
}

/* caw.sha256(string) -> hex */
static int l_sha256(lua_State *L) {
  size_t len;
  const char *s = luaL_checklstring(L, 1, &len);
  char hex[65];
  caw_sha256_buf(s, len, hex);
  lua_pushstring(L, hex);
  return 1;
}

/* caw.sha256_file(path) -> hex; streams the file. */
/* The SHA-256 of the file at path as hex; 0, or the errno of the failed
   open or read. */
static int hash_file(const char *path, char hex[65],
                     volatile sig_atomic_t *stop, volatile int *cancel) {
  FILE *f = fopen(path, "rb");
  char buf[65536];
  caw_sha256 c;
  size_t n;
  int e;
  if (!f) return errno ? errno : EIO;
  caw_sha256_init(&c);
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
    caw_sha256_update(&c, buf, n);
    if (*stop || *cancel) break; /* an endless file, a stopped script */
  }
  e = ferror(f) ? (errno ? errno : EIO) : 0;
  fclose(f);
  caw_sha256_hex(&c, hex);
  return e;
}

static int hash_fail(lua_State *L, const char *path, int e) {
  return caw_lua_fail(L, e == ENOENT ? CAW_EXIT_NOINPUT : CAW_EXIT_IOERR,
                      "cannot read %s: %s", path, strerror(e));
}

static int l_sha256_file(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  char hex[65];
  int e, no = 0;
  caw_lua_check_read(L, path);
  e = hash_file(path, hex, &caw_lua_host_of(L)->stop, &no);
  caw_lua_check(L);
  if (e) return hash_fail(L, path, e);
  lua_pushstring(L, hex);
  return 1;
}

/* caw.sha256_file_async(path) -> pending: the digest is computed on a
   thread of its own while the caller goes on (an import hashes its file
   while it reads it); pending:result() waits for it and gives the hex,
   or raises as caw.sha256_file does. */
static const char PENDING_MT[] = "caw.pending_sha256";

typedef struct pending {
  pthread_t thread;
  int running;
  volatile int cancel; /* set by __gc: the thread stops at its next read */
  volatile sig_atomic_t *stop; /* the runtime's stop flag */
  int err;
  char hex[65];
  char path[];
} pending;

static void *pending_main(void *arg) {
  pending *p = arg;
  p->err = hash_file(p->path, p->hex, p->stop, &p->cancel);
  return NULL;
}

static void pending_join(pending *p) {
  if (p->running) pthread_join(p->thread, NULL);
  p->running = 0;
}

static int pending_gc(lua_State *L) {
  pending *p = luaL_checkudata(L, 1, PENDING_MT);
  p->cancel = 1; /* nobody waits for the digest any more */
  pending_join(p);
  return 0;
}

static int l_sha256_file_async(lua_State *L) {
  size_t len;
  const char *path = luaL_checklstring(L, 1, &len);
  pending *p;
  sigset_t all, old;
  caw_lua_check_read(L, path);
  p = lua_newuserdatauv(L, sizeof *p + len + 1, 0);
  memset(p, 0, sizeof *p);
  p->stop = &caw_lua_host_of(L)->stop;
  memcpy(p->path, path, len + 1);
  luaL_setmetatable(L, PENDING_MT);
  sigfillset(&all); /* signals (the --timeout alarm) stay with Lua */
  pthread_sigmask(SIG_SETMASK, &all, &old);
  p->running = pthread_create(&p->thread, NULL, pending_main, p) == 0;
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (!p->running) /* no thread: now */
    p->err = hash_file(p->path, p->hex, p->stop, &p->cancel);
  return 1;
}

static int pending_result(lua_State *L) {
  pending *p = luaL_checkudata(L, 1, PENDING_MT);
  pending_join(p);
  caw_lua_check(L); /* the digest was cut short by a stop */
  if (p->err) return hash_fail(L, p->path, p->err);
  lua_pushstring(L, p->hex);
  return 1;
}

/* Start replacing path: a fresh temporary file beside it (file.c), after
   refusing a path that is not a regular file (74) or that is the database
   itself or its journal (64). Returns the open stream; *tmp names it. */
static FILE *open_output(lua_State *L, const char *path, char **tmp) {
  caw_store *st = caw_lua_store(L);
  char err[CAW_ERRMAX];
  caw_status s;
  FILE *f;
  int fd;
  if (st) {
    const char *db = caw_store_path(st);
    size_t n = strlen(db);
    char *side = lua_newuserdatauv(L, n + 5, 0);
    int same = caw_file_same(path, db);
    sprintf(side, "%s-wal", db);
    same = same || caw_file_same(path, side);
    sprintf(side, "%s-shm", db);
    same = same || caw_file_same(path, side);
    lua_pop(L, 1);
    if (same)
      caw_lua_fail(L, CAW_EXIT_USAGE,
                   "cannot write %s: it is the database caw is using", path);
  }
  if ((s = caw_file_temp(path, &fd, tmp, err, sizeof err)) != CAW_OK)
    caw_lua_fail(L, caw_status_exit(s), "%s", err);
  if (!(f = fdopen(fd, "wb"))) {
    int e = errno;
    close(fd);
    unlink(*tmp);
    free(*tmp);
    *tmp = NULL;
    caw_lua_fail(L, CAW_EXIT_IOERR, "cannot write %s: %s", path, strerror(e));
  }
  return f;
}

/* Finish what open_output began: close f, rename tmp over path (tmp is
   removed on failure and freed either way). 0, or raises 74. */
static int close_output(lua_State *L, FILE *f, char *tmp, const char *path,
                        int ok) {
  char err[CAW_ERRMAX];
  int e = errno;
  caw_status s;
  if (fclose(f) != 0 && ok) {
    ok = 0;
    e = errno;
  }
  if (!ok) {
    unlink(tmp);
    free(tmp);
    return caw_lua_fail(L, CAW_EXIT_IOERR, "cannot write %s: %s", path,
                        strerror(e));
  }
  s = caw_file_commit(tmp, path, 1, err, sizeof err);
  free(tmp);
  if (s != CAW_OK) return caw_lua_fail(L, caw_status_exit(s), "%s", err);
  return 0;
}

/* caw.write(path, text): write atomically (temp file + rename), so a
   failed report never leaves half a file; "-" writes to stdout. */
static int l_write(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  size_t len;
  const char *text = luaL_checklstring(L, 2, &len);
  char *tmp;
  FILE *f;
  caw_lua_check_write(L, path);
  if (strcmp(path, "-") == 0) {
    if (fwrite(text, 1, len, stdout) != len) /* flushed when the run ends */
      return caw_lua_fail(L, CAW_EXIT_IOERR, "cannot write to stdout: %s",
                          strerror(errno));
    return 0;
  }
  f = open_output(L, path, &tmp);
  return close_output(L, f, tmp, path, fwrite(text, 1, len, f) == len);
}

/* caw.output(path) -> writer: caw.write in pieces, for output too big to
   hold (an export of a million events). writer:write(...) appends
   strings; writer:close() renames the temporary file into place. A writer
   dropped without close (an error stopped the run) removes its temporary
   file, so path never holds half an output. "-" is standard output. */
static const char WRITER_MT[] = "caw.writer";

typedef struct lwriter {
  FILE *f;   /* NULL once closed */
  char *tmp; /* NULL for standard output */
  char *path;
} lwriter;

static void writer_drop(lwriter *w) {
  if (w->f && w->tmp) {
    fclose(w->f);
    remove(w->tmp);
  }
  w->f = NULL;
  free(w->tmp);
  free(w->path);
  w->tmp = w->path = NULL;
}

static int writer_gc(lua_State *L) {
  writer_drop(luaL_checkudata(L, 1, WRITER_MT));
  return 0;
}

static int l_output(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  lwriter *w;
  caw_lua_check_write(L, path);
  w = lua_newuserdatauv(L, sizeof *w, 0);
  memset(w, 0, sizeof *w);
  luaL_setmetatable(L, WRITER_MT);
  if (strcmp(path, "-") == 0) {
    w->f = stdout;
    return 1;
  }
  if (!(w->path = strdup(path)))
    return caw_lua_fail(L, CAW_EXIT_SOFTWARE, "out of memory");
  w->f = open_output(L, path, &w->tmp);
  return 1;
}

static int writer_write(lua_State *L) {
  lwriter *w = luaL_checkudata(L, 1, WRITER_MT);
  int i, n = lua_gettop(L);
  if (!w->f) return luaL_error(L, "caw.output: the writer is closed");
  for (i = 2; i <= n; i++) {
    size_t len;
    const char *s = luaL_checklstring(L, i, &len);
    if (fwrite(s, 1, len, w->f) != len) {
      int e = errno;
      const char *what = w->path ? w->path : "stdout";
      lua_pushstring(L, what);
      writer_drop(w);
      return caw_lua_fail(L, CAW_EXIT_IOERR, "cannot write %s: %s",
                          lua_tostring(L, -1), strerror(e));
    }
  }
  lua_settop(L, 1);
  return 1;
}

static int writer_close(lua_State *L) {
  lwriter *w = luaL_checkudata(L, 1, WRITER_MT);
  char *tmp;
  FILE *f;
  if (!w->f) return 0;
  if (!w->tmp) { /* standard output: flushed when the run ends */
    w->f = NULL;
    return 0;
  }
  f = w->f;
  tmp = w->tmp;
  w->f = NULL;
  w->tmp = NULL;
  lua_pushstring(L, w->path);
  writer_drop(w);
  return close_output(L, f, tmp, lua_tostring(L, -1), 1);
}

/* caw.same_file(a, b) -> true when both paths name one existing file. */
static int l_same_file(lua_State *L) {
  lua_pushboolean(L, caw_file_same(luaL_checkstring(L, 1),
                                   luaL_checkstring(L, 2)));
  return 1;
}

static const luaL_Reg file_funcs[] = {
  {"readfile", l_readfile},
  {"sha256", l_sha256},
  {"sha256_file", l_sha256_file},
  {"write", l_write},
  {"output", l_output},
  {"same_file", l_same_file},
  {"sha256_file_async", l_sha256_file_async},
  {NULL, NULL}};

static const luaL_Reg pending_meta[] = {{"__gc", pending_gc}, {NULL, NULL}};
static const luaL_Reg pending_methods[] = {{"result", pending_result},
                                           {NULL, NULL}};
static const luaL_Reg writer_meta[] = {{"__gc", writer_gc}, {NULL, NULL}};
static const luaL_Reg writer_methods[] = {{"write", writer_write},
                                          {"close", writer_close},
                                          {NULL, NULL}};

void caw_luafile_open(lua_State *L) {
  caw_lua_class(L, PENDING_MT, pending_meta, pending_methods);
  caw_lua_class(L, WRITER_MT, writer_meta, writer_methods);
  luaL_setfuncs(L, file_funcs, 0);
}

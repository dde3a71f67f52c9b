/*
** file.c -- replacing files safely: exclusive temporaries beside the
** target, renamed into place when complete; only regular files are ever
** replaced. Leaf module (POSIX only); luafile.c writes reports and
** exports through it, store.c builds a new database through it.
*/
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "caw/file.h"

static caw_status fail(char *err, size_t n, caw_status st, const char *f,
                       ...) {
  va_list ap;
  if (err && n) {
    va_start(ap, f);
    vsnprintf(err, n, f, ap);
    va_end(ap);
  }
  return st;
}

static const char *kind_of(mode_t m) {
  if (S_ISLNK(m)) return "a symbolic link";
  if (S_ISDIR(m)) return "a directory";
  if (S_ISCHR(m) || S_ISBLK(m)) return "a device";
  if (S_ISFIFO(m)) return "a FIFO";
  if (S_ISSOCK(m)) return "a socket";
  return "not a regular file";
}

caw_status caw_file_check_target(const char *target, char *err, size_t n) {
  struct stat sb;
  if (lstat(target, &sb) != 0) {
    if (errno == ENOENT) return CAW_OK;
    return fail(err, n, CAW_EIO, "cannot write %s: %s", target,
                strerror(errno));
  }
  if (!S_ISREG(sb.st_mode))
    return fail(err, n, CAW_EIO,
                "cannot write %s: it is %s; caw replaces only regular files",
                target, kind_of(sb.st_mode));
  return CAW_OK;
}

caw_status caw_file_temp(const char *target, int *fd, char **tmp, char *err,
                         size_t n) {
  const char *slash = strrchr(target, '/');
  size_t dirlen = slash ? (size_t)(slash - target) + 1 : 0;
  const char *base = slash ? slash + 1 : target;
  caw_status st;
  mode_t mask;
  char *t;
  *fd = -1;
  *tmp = NULL;
  if (!*base)
    return fail(err, n, CAW_EIO, "cannot write %s: it names a directory",
                target);
  if ((st = caw_file_check_target(target, err, n)) != CAW_OK) return st;
  if (!(t = malloc(dirlen + strlen(base) + 9)))
    return fail(err, n, CAW_ENOMEM, "out of memory");
  memcpy(t, target, dirlen); /* ".NAME.XXXXXX" in target's directory */
  sprintf(t + dirlen, ".%s.XXXXXX", base);
  if ((*fd = mkstemp(t)) < 0) { /* O_CREAT|O_EXCL: never follows a link */
    int e = errno;
    free(t);
    return fail(err, n, CAW_EIO, "cannot write %s: %s", target, strerror(e));
  }
  mask = umask(0);
  umask(mask);
  fchmod(*fd, 0666 & ~mask); /* as open(2) would have made it */
  *tmp = t;
  return CAW_OK;
}

caw_status caw_file_commit(const char *tmp, const char *target, int replace,
                           char *err, size_t n) {
  caw_status st;
  int e;
  if ((st = caw_file_check_target(target, err, n)) != CAW_OK) goto fail;
  if (!replace) { /* link fails when target exists: no overwrite race */
    if (link(tmp, target) == 0) {
      unlink(tmp);
      return CAW_OK;
    }
    e = errno;
    if (e == EEXIST) {
      st = fail(err, n, CAW_EIO, "cannot create %s: it already exists",
                target);
      goto fail;
    }
    if (e != EPERM && e != ENOTSUP && e != EXDEV) { /* else: no hard links */
      st = fail(err, n, CAW_EIO, "cannot create %s: %s", target, strerror(e));
      goto fail;
    }
    if (access(target, F_OK) == 0) {
      st = fail(err, n, CAW_EIO, "cannot create %s: it already exists",
                target);
      goto fail;
    }
  }
  if (rename(tmp, target) == 0) return CAW_OK;
  st = fail(err, n, CAW_EIO, "cannot write %s: %s", target, strerror(errno));
fail:
  unlink(tmp);
  return st;
}

int caw_file_same(const char *a, const char *b) {
  struct stat sa, sb;
  if (stat(a, &sa) != 0 || stat(b, &sb) != 0) return 0;
  return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

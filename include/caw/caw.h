/*
** caw.h -- status codes and limits shared by every caw module.
** Each core module returns a caw_status and, on failure, fills a
** caller-supplied message buffer that says where and what.
*/
#ifndef CAW_CAW_H
#define CAW_CAW_H

#include <stddef.h>

#define CAW_VERSION "0.1.0"

/* Size callers should give error-message buffers. */
#define CAW_ERRMAX 512

typedef enum caw_status {
  CAW_OK = 0,
  CAW_EINVAL,   /* bad data: a date, a field, a row that does not validate */
  CAW_ENOENT,   /* an input file or record that does not exist */
  CAW_EIO,      /* reading or writing failed */
  CAW_ENOMEM,   /* out of memory */
  CAW_EBUSY,    /* the database is locked by another process */
  CAW_ESCHEMA,  /* the database schema is newer than this binary */
  CAW_EINTERNAL /* a bug or an unexpected SQLite failure */
} caw_status;

/* Exit codes (sysexits.h values), documented in docs/cli.md. */
enum {
  CAW_EXIT_OK = 0,
  CAW_EXIT_USAGE = 64,
  CAW_EXIT_DATAERR = 65,
  CAW_EXIT_NOINPUT = 66,
  CAW_EXIT_SOFTWARE = 70,
  CAW_EXIT_IOERR = 74,
  CAW_EXIT_TEMPFAIL = 75,
  CAW_EXIT_NOPERM = 77
};

/* Map a status to the exit code the CLI reports for it. */
int caw_status_exit(caw_status st);

/* A short English name for a status ("bad data", "I/O error"). Static. */
const char *caw_status_name(caw_status st);

#endif

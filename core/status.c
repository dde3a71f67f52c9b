/*
** status.c -- names and exit codes for caw_status.
** Leaf module used by every layer.
*/
#include "caw/caw.h"

int caw_status_exit(caw_status st) {
  switch (st) {
  case CAW_OK: return CAW_EXIT_OK;
  case CAW_EINVAL: return CAW_EXIT_DATAERR;
  case CAW_ENOENT: return CAW_EXIT_NOINPUT;
  case CAW_EIO: return CAW_EXIT_IOERR;
  case CAW_EBUSY: return CAW_EXIT_TEMPFAIL;
  case CAW_ESCHEMA: return CAW_EXIT_DATAERR;
  case CAW_ENOMEM:
  case CAW_EINTERNAL: break;
  }
  return CAW_EXIT_SOFTWARE;
}

const char *caw_status_name(caw_status st) {
  switch (st) {
  case CAW_OK: return "ok";
  case CAW_EINVAL: return "bad data";
  case CAW_ENOENT: return "no such input";
  case CAW_EIO: return "I/O error";
  case CAW_ENOMEM: return "out of memory";
  case CAW_EBUSY: return "database is busy";
  case CAW_ESCHEMA: return "schema too new";
  case CAW_EINTERNAL: return "internal error";
  }
  return "unknown status";
}

/*
** date.h -- EDTF (ISO 8601-2) dates reduced to strict day bounds.
** Leaf module: knows nothing of SQLite or Lua.
**
** Days are counted from 1970-01-01 (day 0) in the proleptic Gregorian
** calendar. Open interval ends ("..") use CAW_DAY_OPEN_LO / CAW_DAY_OPEN_HI.
*/
#ifndef CAW_DATE_H
#define CAW_DATE_H

#include <stddef.h>
#include <stdint.h>

#include "caw/caw.h"

#define CAW_DAY_OPEN_LO (-((int64_t)1 << 53)) /* ".." at the start */
#define CAW_DAY_OPEN_HI (((int64_t)1 << 53))  /* ".." at the end */

/* Precision of a date (for an interval: of its finer end). */
typedef enum caw_precision {
  CAW_PREC_DAY = 1,
  CAW_PREC_MONTH,
  CAW_PREC_SEASON,  /* 21-32: seasons */
  CAW_PREC_QUARTER, /* 33-36 */
  CAW_PREC_QUADRIMESTER, /* 37-39 */
  CAW_PREC_SEMESTER,     /* 40-41 */
  CAW_PREC_YEAR,
  CAW_PREC_DECADE,  /* 199X */
  CAW_PREC_CENTURY, /* 19XX */
  CAW_PREC_INTERVAL /* "a/b": see lo/hi */
} caw_precision;

/* Qualifier bits, from '?', '~', '%' anywhere in the string. */
#define CAW_DATE_UNCERTAIN 1u /* ? */
#define CAW_DATE_APPROX 2u    /* ~ */

typedef struct caw_date {
  int64_t lo;          /* earliest possible day (strict) */
  int64_t hi;          /* latest possible day (strict), lo <= hi */
  caw_precision precision;
  unsigned qualifiers; /* CAW_DATE_UNCERTAIN | CAW_DATE_APPROX */
  int interval;        /* 1 if the string was an interval "a/b" */
} caw_date;

/*
** Parse the EDTF string s (len bytes; need not be NUL-terminated) into
** strict bounds. On failure returns CAW_EINVAL and writes to err (errlen
** bytes, always NUL-terminated) a message naming the string and the
** 1-based column of the problem, e.g.
**   bad date "2016-13-08" at column 6: month must be 01-12
*/
caw_status caw_date_parse(const char *s, size_t len, caw_date *out,
                          char *err, size_t errlen);

/*
** Parse a date as commands take it for --from, --to and --explain: any
** EDTF date or interval (as caw_date_parse), and also quarters written
** "2024-Q2", "2024Q2" or "2024-q2" (read as the EDTF quarter "2024-34"),
** alone or at either end of an interval ("2024-Q2/2024-Q4"). Returns
** what caw_date_parse returns; a message quotes s as given.
*/
caw_status caw_date_parse_query(const char *s, size_t len, caw_date *out,
                                char *err, size_t errlen);

/* Day number of a proleptic Gregorian date (no range check). */
int64_t caw_date_days(int64_t year, int month, int day);

/* Inverse of caw_date_days. */
void caw_date_civil(int64_t days, int64_t *year, int *month, int *day);

/*
** Write day as ISO "YYYY-MM-DD" (years below 0 as "-YYYY", above 9999
** with as many digits as needed) into buf of n bytes. Open ends are
** written as "..". Returns the length written, excluding the NUL.
*/
int caw_date_format(int64_t day, char *buf, size_t n);

/* The name of a precision: "day", "month", "season", "quarter", ... */
const char *caw_date_precision_name(caw_precision p);

#endif

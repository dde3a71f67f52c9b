/*
** date.c -- EDTF (ISO 8601-2) date strings reduced to strict day bounds.
** Leaf module: parses EDTF levels 0 and 1 and the simple parts of level 2
** into the earliest and latest possible day, and converts between day
** numbers and proleptic Gregorian dates. Knows nothing of SQLite or Lua:
** store.c keeps the bounds, the Lua binding hands them to scripts.
** The rules it implements are written for analysts in docs/dates.md.
*/
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "caw/date.h"

#define YDIGITS_MIN 5     /* "Y" is for years that do not fit 4 digits */
#define YDIGITS_MAX 9     /* so day arithmetic cannot overflow */
#define QUOTE_MAX 60      /* bytes of the input quoted in a message */
#define UNKNOWN_YEARS 10  /* python-edtf's span for an unknown interval end */
#define ALL_MONTHS 0x1ffeu      /* bits 1..12 */
#define ALL_DAYS 0xfffffffeu    /* bits 1..31 */

typedef struct parser {
  const char *s; /* the whole input, for messages */
  size_t len;
  size_t pos;    /* cursor */
  size_t end;    /* limit of the part being parsed (the '/' or len) */
  char *err;
  size_t errlen;
} parser;

/* One date as patterns: a year that may hold X digits, month and day sets. */
typedef struct point {
  int neg;            /* negative year */
  int64_t year_base;  /* the year's magnitude with each X read as 0 */
  int64_t x_place[4]; /* place value of each X digit, most significant first */
  int nx;
  uint32_t months;    /* bit m: month m possible */
  uint32_t days;      /* bit d: day d possible */
  int subyear;        /* 21-41, or 0 */
  int has_x;          /* an X anywhere */
  size_t day_col;     /* where a non-existent day is reported */
  unsigned qual;
  caw_precision prec;
  int64_t lo, hi;
} point;

/* caw's own table of codes 21-41; see docs/dates.md. */
static const struct subyear {
  int first_month, last_month, next_year; /* next_year: ends in Y+1 */
  caw_precision prec;
} subyears[] = {
  {3, 5, 0, CAW_PREC_SEASON},  {6, 8, 0, CAW_PREC_SEASON},   /* 21 22 */
  {9, 11, 0, CAW_PREC_SEASON}, {12, 2, 1, CAW_PREC_SEASON},  /* 23 24 */
  {3, 5, 0, CAW_PREC_SEASON},  {6, 8, 0, CAW_PREC_SEASON},   /* 25 26 N */
  {9, 11, 0, CAW_PREC_SEASON}, {12, 2, 1, CAW_PREC_SEASON},  /* 27 28 N */
  {9, 11, 0, CAW_PREC_SEASON}, {12, 2, 1, CAW_PREC_SEASON},  /* 29 30 S */
  {3, 5, 0, CAW_PREC_SEASON},  {6, 8, 0, CAW_PREC_SEASON},   /* 31 32 S */
  {1, 3, 0, CAW_PREC_QUARTER}, {4, 6, 0, CAW_PREC_QUARTER},  /* 33 34 */
  {7, 9, 0, CAW_PREC_QUARTER}, {10, 12, 0, CAW_PREC_QUARTER}, /* 35 36 */
  {1, 4, 0, CAW_PREC_QUADRIMESTER}, {5, 8, 0, CAW_PREC_QUADRIMESTER},
  {9, 12, 0, CAW_PREC_QUADRIMESTER},                         /* 37-39 */
  {1, 6, 0, CAW_PREC_SEMESTER}, {7, 12, 0, CAW_PREC_SEMESTER}, /* 40 41 */
};

static int is_leap(int64_t y) {
  return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); /* fine for y < 0 */
}

static int days_in_month(int64_t y, int m) {
  static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : mdays[m - 1];
}

/* Write s[0..len) into q, escaped and cut at QUOTE_MAX bytes. */
static void quote(const char *s, size_t len, char *q, size_t qn) {
  size_t i, k = 0;
  for (i = 0; i < len && i < QUOTE_MAX && k + 5 < qn; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') {
      q[k++] = '\\';
      q[k++] = (char)c;
    } else if (c >= 0x20 && c < 0x7f) {
      q[k++] = (char)c;
    } else {
      k += (size_t)snprintf(q + k, qn - k, "\\x%02x", c);
    }
  }
  q[k] = '\0';
}

/* Report a problem at 0-based byte offset at; always CAW_EINVAL. */
static caw_status fail(parser *p, size_t at, const char *fmt, ...) {
  char q[QUOTE_MAX * 4 + 1], reason[160];
  va_list ap;
  if (p->err == NULL || p->errlen == 0)
    return CAW_EINVAL;
  va_start(ap, fmt);
  vsnprintf(reason, sizeof reason, fmt, ap);
  va_end(ap);
  quote(p->s, p->len, q, sizeof q);
  snprintf(p->err, p->errlen, "bad date \"%s\"%s at column %zu: %s", q,
           p->len > QUOTE_MAX ? "..." : "", at + 1, reason);
  return CAW_EINVAL;
}

static int peek(const parser *p) {
  return p->pos < p->end ? (unsigned char)p->s[p->pos] : -1;
}

static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_qual(int c) { return c == '?' || c == '~' || c == '%'; }

/* "expected WHAT, found ...", naming old or unsupported syntax when seen. */
static caw_status expected(parser *p, const char *what) {
  int c = peek(p);
  if (c < 0)
    return fail(p, p->pos, "expected %s, found %s", what,
                p->end < p->len ? "'/'" : "the end");
  if (c == '(' || c == ')')
    return fail(p, p->pos, "parentheses are the 2012 draft syntax; put ? ~ %% "
                           "right before or after a component");
  if (c == '[' || c == '{')
    return fail(p, p->pos, "sets [..] and {..} are not supported");
  if (c == '/')
    return fail(p, p->pos, "an interval has exactly one '/'");
  if (c >= 0x20 && c < 0x7f)
    return fail(p, p->pos, "expected %s, found '%c'", what, c);
  return fail(p, p->pos, "expected %s, found byte 0x%02x", what, c);
}

static unsigned take_qual(parser *p) {
  int c = p->s[p->pos++];
  return c == '?' ? CAW_DATE_UNCERTAIN
         : c == '~' ? CAW_DATE_APPROX
                    : CAW_DATE_UNCERTAIN | CAW_DATE_APPROX; /* '%' */
}

/* An optional qualifier before a component (level 2: "2004-?06"). */
static caw_status qual_before(parser *p, point *pt, int *had) {
  *had = 0;
  if (!is_qual(peek(p)))
    return CAW_OK;
  pt->qual |= take_qual(p);
  *had = 1;
  if (is_qual(peek(p)))
    return fail(p, p->pos, "only one qualifier per component");
  return CAW_OK;
}

/* An optional qualifier after a component, unless one came before it. */
static caw_status qual_after(parser *p, point *pt, int had) {
  if (!is_qual(peek(p)))
    return CAW_OK;
  if (had)
    return fail(p, p->pos, "only one qualifier per component");
  pt->qual |= take_qual(p);
  if (is_qual(peek(p)))
    return fail(p, p->pos, "only one qualifier per component");
  return CAW_OK;
}

/* Two characters, each a digit or X (a month or a day). */
static caw_status two_chars(parser *p, point *pt, const char *what,
                            char out[2]) {
  int i;
  for (i = 0; i < 2; i++) {
    int c = peek(p);
    if (!is_digit(c) && c != 'X')
      return expected(p, what);
    pt->has_x |= c == 'X';
    out[i] = (char)c;
    p->pos++;
  }
  return CAW_OK;
}

/* The set of values 1..max whose two digits match the pattern pat. */
static uint32_t match_mask(const char pat[2], int max) {
  uint32_t mask = 0;
  int v;
  for (v = 1; v <= max; v++)
    if ((pat[0] == 'X' || pat[0] - '0' == v / 10) &&
        (pat[1] == 'X' || pat[1] - '0' == v % 10))
      mask |= (uint32_t)1 << v;
  return mask;
}

/* "Y170000002", "Y-170000002": level 1 years beyond 4 digits. */
static caw_status long_year(parser *p, point *pt, int had) {
  size_t digits;
  int n = 0;
  caw_status st;

  p->pos++; /* the Y */
  if (peek(p) == '-') {
    pt->neg = 1;
    p->pos++;
  }
  digits = p->pos;
  while (is_digit(peek(p))) {
    if (n == YDIGITS_MAX)
      return fail(p, p->pos, "a Y-year has at most %d digits", YDIGITS_MAX);
    pt->year_base = pt->year_base * 10 + (p->s[p->pos++] - '0');
    n++;
  }
  if (peek(p) == 'E')
    return fail(p, p->pos, "exponent years (Y17E7) are not supported");
  if (peek(p) == 'S')
    return fail(p, p->pos, "significant digits (S) are not supported");
  if (n == 0)
    return expected(p, "the digits of a Y-year");
  if (n < YDIGITS_MIN || p->s[digits] == '0')
    return fail(p, digits, "a Y-year has %d to %d digits, the first not 0 "
                "(write shorter years as YYYY)", YDIGITS_MIN, YDIGITS_MAX);
  if ((st = qual_after(p, pt, had)) != CAW_OK)
    return st;
  if (peek(p) == '-')
    return fail(p, p->pos, "a Y-year cannot have a month or day");
  if (peek(p) >= 0)
    return expected(p, "the end of the date");
  pt->prec = CAW_PREC_YEAR;
  return CAW_OK;
}

/* "2004", "-0999", "201X", "XXXX". */
static caw_status short_year(parser *p, point *pt) {
  static const int64_t place[] = {1000, 100, 10, 1};
  size_t start = p->pos;
  int i;

  if (peek(p) == '-') {
    pt->neg = 1;
    p->pos++;
  }
  for (i = 0; i < 4; i++) {
    int c = peek(p);
    if (is_digit(c))
      pt->year_base += (c - '0') * place[i];
    else if (c == 'X')
      pt->x_place[pt->nx++] = place[i];
    else
      return expected(p, "a 4-digit year");
    p->pos++;
  }
  if (is_digit(peek(p)) || peek(p) == 'X')
    return fail(p, p->pos, "a year of more than 4 digits needs the Y prefix "
                           "(Y12345)");
  if (peek(p) == 'S')
    return fail(p, p->pos, "significant digits (S) are not supported");
  if (pt->neg && pt->nx == 0 && pt->year_base == 0)
    return fail(p, start, "year -0000 does not exist; write 0000");
  pt->has_x = pt->nx > 0;
  if (pt->nx == 0)
    pt->prec = CAW_PREC_YEAR;
  else /* the widest unknown digit says how vague the year is */
    pt->prec = pt->x_place[0] == 1 ? CAW_PREC_DECADE : CAW_PREC_CENTURY;
  return CAW_OK;
}

/* "T09:30:01" with an optional "Z", "+05", "+05:00": kept to the day. */
static caw_status two_digits(parser *p, int max, const char *what, int *v) {
  size_t at = p->pos;
  if (!is_digit(peek(p)))
    return expected(p, "two digits");
  p->pos++;
  if (!is_digit(peek(p)))
    return expected(p, "two digits");
  p->pos++;
  *v = (p->s[at] - '0') * 10 + (p->s[at + 1] - '0');
  if (*v > max)
    return fail(p, at, "%s must be 00-%02d", what, max);
  return CAW_OK;
}

static caw_status time_of_day(parser *p) {
  static const struct { int max; const char *what; } f[] = {
      {23, "hour"}, {59, "minute"}, {60, "second"}}; /* 60: leap second */
  int i, v, c, hour;
  caw_status st;

  for (i = 0; i < 3; i++) {
    if (i > 0) {
      if (peek(p) != ':')
        return expected(p, "':' (times are hh:mm:ss)");
      p->pos++;
    }
    if ((st = two_digits(p, f[i].max, f[i].what, &v)) != CAW_OK)
      return st;
  }
  c = peek(p);
  if (c == 'Z') {
    p->pos++;
  } else if (c == '+' || c == '-') {
    size_t at = p->pos++;
    if ((st = two_digits(p, 14, "offset hour", &hour)) != CAW_OK)
      return st;
    if (peek(p) == ':') {
      p->pos++;
      if ((st = two_digits(p, 59, "offset minute", &v)) != CAW_OK)
        return st;
      if (hour == 14 && v > 0)
        return fail(p, at, "offsets run from -14:00 to +14:00");
    }
  }
  if (is_qual(peek(p)))
    return fail(p, p->pos, "a date with a time cannot be qualified");
  return CAW_OK;
}

/* The year matching the pattern with index k, increasing in k, of 10^nx. */
static int64_t year_at(const point *pt, int64_t k) {
  int64_t v = pt->year_base;
  int i;
  for (i = pt->nx - 1; i >= 0; i--) {
    v += (k % 10) * pt->x_place[i];
    k /= 10;
  }
  return v;
}

/* Smallest and largest year the pattern allows. */
static void year_range(const point *pt, int64_t *ymin, int64_t *ymax) {
  int64_t n = 1, small, big;
  int i;
  for (i = 0; i < pt->nx; i++)
    n *= 10;
  small = year_at(pt, 0);
  big = year_at(pt, n - 1);
  *ymin = pt->neg ? -big : small;
  *ymax = pt->neg ? -small : big;
}

/*
** Earliest (dir > 0) or latest (dir < 0) existing day the patterns allow.
** At most 10^4 years are tried (X only in 4-digit years), each in
** constant time. Returns 0 if no day exists.
*/
static int extreme_day(const point *pt, int dir, int64_t *day) {
  int64_t n = 1, j;
  int i;
  for (i = 0; i < pt->nx; i++)
    n *= 10;
  for (j = 0; j < n; j++) {
    int64_t k = (dir > 0) == !pt->neg ? j : n - 1 - j; /* years in order */
    int64_t y = pt->neg ? -year_at(pt, k) : year_at(pt, k);
    int m;
    for (m = dir > 0 ? 1 : 12; m >= 1 && m <= 12; m += dir) {
      int d, last = days_in_month(y, m);
      if (!(pt->months & ((uint32_t)1 << m)))
        continue;
      for (d = dir > 0 ? 1 : last; d >= 1 && d <= last; d += dir)
        if (pt->days & ((uint32_t)1 << d)) {
          *day = caw_date_days(y, m, d);
          return 1;
        }
    }
  }
  return 0;
}

/* Fill pt->lo and pt->hi from the patterns. */
static caw_status point_bounds(parser *p, point *pt) {
  if (pt->subyear) {
    const struct subyear *t = &subyears[pt->subyear - 21];
    int64_t ymin, ymax, ylast;
    year_range(pt, &ymin, &ymax);
    ylast = ymax + t->next_year;
    pt->lo = caw_date_days(ymin, t->first_month, 1);
    pt->hi = caw_date_days(ylast, t->last_month,
                           days_in_month(ylast, t->last_month));
    return CAW_OK;
  }
  if (!extreme_day(pt, 1, &pt->lo) || !extreme_day(pt, -1, &pt->hi)) {
    if (!pt->has_x) {
      int m = 1, d = 1;
      while (!(pt->months & ((uint32_t)1 << m)))
        m++;
      while (!(pt->days & ((uint32_t)1 << d)))
        d++;
      return fail(p, pt->day_col, "day %02d does not exist in %s%04" PRId64
                  "-%02d", d, pt->neg ? "-" : "", pt->year_base, m);
    }
    return fail(p, pt->day_col, "no existing day matches this pattern");
  }
  return CAW_OK;
}

/* One date, from p->pos to p->end. */
static caw_status parse_point(parser *p, point *pt) {
  char mm[2], dd[2];
  size_t col;
  int had, code;
  caw_status st;

  memset(pt, 0, sizeof *pt);
  pt->months = ALL_MONTHS;
  pt->days = ALL_DAYS;
  if ((st = qual_before(p, pt, &had)) != CAW_OK)
    return st;
  if (peek(p) == 'Y') {
    if ((st = long_year(p, pt, had)) != CAW_OK)
      return st;
    return point_bounds(p, pt);
  }
  if ((st = short_year(p, pt)) != CAW_OK ||
      (st = qual_after(p, pt, had)) != CAW_OK)
    return st;
  if (peek(p) < 0)
    return point_bounds(p, pt);
  if (peek(p) != '-')
    return expected(p, "'-' or the end of the date");
  p->pos++;

  if ((st = qual_before(p, pt, &had)) != CAW_OK)
    return st;
  col = pt->day_col = p->pos;
  if ((st = two_chars(p, pt, "a 2-digit month", mm)) != CAW_OK ||
      (st = qual_after(p, pt, had)) != CAW_OK)
    return st;
  code = mm[0] == 'X' || mm[1] == 'X' ? 0 : (mm[0] - '0') * 10 + (mm[1] - '0');
  if (code >= 21 && code <= 41) { /* a season or sub-year grouping */
    pt->subyear = code;
    if (pt->nx == 0)
      pt->prec = subyears[pt->subyear - 21].prec;
    if (peek(p) == '-')
      return fail(p, p->pos, "a season or sub-year code cannot have a day");
    if (peek(p) >= 0)
      return expected(p, "the end of the date");
    return point_bounds(p, pt);
  }
  if ((pt->months = match_mask(mm, 12)) == 0)
    return fail(p, col, "month must be 01-12, or 21-41 for a season or "
                        "sub-year grouping");
  if (pt->nx == 0 && mm[0] != 'X' && mm[1] != 'X')
    pt->prec = CAW_PREC_MONTH;
  if (peek(p) < 0)
    return point_bounds(p, pt);
  if (peek(p) != '-')
    return expected(p, "'-' or the end of the date");
  p->pos++;

  if ((st = qual_before(p, pt, &had)) != CAW_OK)
    return st;
  col = pt->day_col = p->pos;
  if ((st = two_chars(p, pt, "a 2-digit day", dd)) != CAW_OK ||
      (st = qual_after(p, pt, had)) != CAW_OK)
    return st;
  if ((pt->days = match_mask(dd, 31)) == 0)
    return fail(p, col, "day must be 01-31");
  if (pt->prec == CAW_PREC_MONTH && dd[0] != 'X' && dd[1] != 'X')
    pt->prec = CAW_PREC_DAY;
  if (peek(p) == 'T') {
    if (pt->has_x || pt->qual)
      return fail(p, p->pos, "a time needs a complete date without X or "
                             "qualifiers");
    p->pos++;
    if ((st = time_of_day(p)) != CAW_OK)
      return st;
  }
  if (peek(p) >= 0)
    return expected(p, "the end of the date");
  return point_bounds(p, pt);
}

/* Same day of the month n years later (Feb 29 becomes Feb 28). */
static int64_t add_years(int64_t day, int64_t n) {
  int64_t y;
  int m, d, last;
  caw_date_civil(day, &y, &m, &d);
  y += n;
  last = days_in_month(y, m);
  return caw_date_days(y, m, d > last ? last : d);
}

enum { END_DATE, END_UNKNOWN, END_OPEN };

/* One end of an interval: "" (unknown), ".." (open) or a date. */
static caw_status interval_end(parser *p, size_t from, size_t to, point *pt,
                               int *kind) {
  p->pos = from;
  p->end = to;
  if (from == to) {
    *kind = END_UNKNOWN;
    return CAW_OK;
  }
  if (to - from >= 2 && p->s[from] == '.' && p->s[from + 1] == '.') {
    if (to - from > 2)
      return fail(p, from + 2, "'..' stands alone as an open interval end");
    *kind = END_OPEN;
    return CAW_OK;
  }
  *kind = END_DATE;
  return parse_point(p, pt);
}

/*
** Parse an EDTF date or interval into strict bounds; see date.h. *out is
** written only on success.
*/
caw_status caw_date_parse(const char *s, size_t len, caw_date *out,
                          char *err, size_t errlen) {
  parser p;
  point a, b;
  caw_date d;
  const char *slash;
  size_t cut;
  int ka, kb;
  caw_status st;

  p.s = s;
  p.len = len;
  p.pos = 0;
  p.end = len;
  p.err = err;
  p.errlen = errlen;
  memset(&d, 0, sizeof d);
  if (err != NULL && errlen > 0)
    err[0] = '\0';
  if (s == NULL || len == 0)
    return fail(&p, 0, "empty date");

  slash = memchr(s, '/', len);
  if (slash == NULL) {
    if (len == 2 && s[0] == '.' && s[1] == '.')
      return fail(&p, 0, "'..' (open end) is only allowed in an interval");
    if ((st = parse_point(&p, &a)) != CAW_OK)
      return st;
    d.lo = a.lo;
    d.hi = a.hi;
    d.precision = a.prec;
    d.qualifiers = a.qual;
    goto done;
  }

  cut = (size_t)(slash - s);
  if ((st = interval_end(&p, 0, cut, &a, &ka)) != CAW_OK ||
      (st = interval_end(&p, cut + 1, len, &b, &kb)) != CAW_OK)
    return st;
  if (ka != END_DATE && kb != END_DATE)
    return fail(&p, 0, "an interval needs at least one date");
  if (ka == END_DATE && kb == END_DATE && a.lo > b.hi)
    return fail(&p, cut + 1, "the interval ends before it starts");
  d.interval = 1;
  d.precision = CAW_PREC_INTERVAL;
  d.qualifiers = (ka == END_DATE ? a.qual : 0) | (kb == END_DATE ? b.qual : 0);
  if (ka == END_DATE)
    d.lo = a.lo;
  else if (ka == END_OPEN)
    d.lo = CAW_DAY_OPEN_LO;
  else { /* unknown start: python-edtf's end - 10 years, but never after it */
    d.lo = add_years(b.hi, -UNKNOWN_YEARS);
    if (d.lo > b.lo)
      d.lo = b.lo;
  }
  if (kb == END_DATE)
    d.hi = b.hi;
  else if (kb == END_OPEN)
    d.hi = CAW_DAY_OPEN_HI;
  else { /* unknown end: start + 10 years, but never before the start ends */
    d.hi = add_years(a.lo, UNKNOWN_YEARS);
    if (d.hi < a.hi)
      d.hi = a.hi;
  }

done:
  if (out != NULL)
    *out = d;
  return CAW_OK;
}

/*
** Day number of a civil date (Howard Hinnant's days_from_civil). Months
** outside 1-12 carry into the year; days outside the month run on.
*/
int64_t caw_date_days(int64_t year, int month, int day) {
  int64_t mi = (int64_t)month - 1, carry = mi / 12, y, m, era, yoe, doy, doe;
  if (mi % 12 < 0)
    carry--;
  y = year + carry;
  m = mi - carry * 12 + 1;
  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = y - era * 400;                                /* [0, 399] */
  doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + (int64_t)day - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;        /* [0, 146096] */
  return era * 146097 + doe - 719468;
}

/* Inverse of caw_date_days, defined for every int64_t (no overflow). */
void caw_date_civil(int64_t days, int64_t *year, int *month, int *day) {
  int64_t era = days / 146097, doe, yoe, doy, mp, y;
  doe = days - era * 146097;
  if (doe < 0) {
    doe += 146097;
    era--;
  }
  doe += 719468; /* shift the epoch to 0000-03-01 without overflowing days */
  era += doe / 146097;
  doe %= 146097;
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = yoe + era * 400;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  if (day != NULL)
    *day = (int)(doy - (153 * mp + 2) / 5 + 1);
  if (month != NULL)
    *month = (int)(mp < 10 ? mp + 3 : mp - 9);
  if (year != NULL)
    *year = y + (mp >= 10);
}

/*
** Write day as "YYYY-MM-DD" ("-0999-01-01", "170000002-12-31"), or ".."
** at or beyond the open sentinels. Output is cut to fit n bytes; returns
** the length written.
*/
int caw_date_format(int64_t day, char *buf, size_t n) {
  char tmp[48];
  int64_t y;
  int m, d, k;

  if (buf == NULL || n == 0)
    return 0;
  if (day <= CAW_DAY_OPEN_LO || day >= CAW_DAY_OPEN_HI) {
    k = snprintf(tmp, sizeof tmp, "..");
  } else {
    caw_date_civil(day, &y, &m, &d);
    k = snprintf(tmp, sizeof tmp, "%s%04" PRId64 "-%02d-%02d",
                 y < 0 ? "-" : "", y < 0 ? -y : y, m, d);
  }
  if ((size_t)k >= n)
    k = (int)n - 1;
  memcpy(buf, tmp, (size_t)k);
  buf[k] = '\0';
  return k;
}

/* Static name of a precision; "unknown" for a value outside the enum. */
const char *caw_date_precision_name(caw_precision p) {
  switch (p) {
  case CAW_PREC_DAY: return "day";
  case CAW_PREC_MONTH: return "month";
  case CAW_PREC_SEASON: return "season";
  case CAW_PREC_QUARTER: return "quarter";
  case CAW_PREC_QUADRIMESTER: return "quadrimester";
  case CAW_PREC_SEMESTER: return "semester";
  case CAW_PREC_YEAR: return "year";
  case CAW_PREC_DECADE: return "decade";
  case CAW_PREC_CENTURY: return "century";
  case CAW_PREC_INTERVAL: return "interval";
  }
  return "unknown";
}

/* If s[0..len) opens with a quarter written YYYY-Qn (or YYYYQn, q for Q)
   that ends there, at a '/' or at a qualifier, return its length. */
static size_t quarter_len(const char *s, size_t len) {
  size_t i = 4;
  if (len < 6 || !is_digit(s[0]) || !is_digit(s[1]) || !is_digit(s[2]) ||
      !is_digit(s[3]))
    return 0;
  if (s[i] == '-') i++;
  if (i + 2 > len || (s[i] != 'Q' && s[i] != 'q') || s[i + 1] < '1' ||
      s[i + 1] > '4')
    return 0;
  i += 2;
  if (i < len && s[i] != '/' && !is_qual(s[i])) return 0;
  return i;
}

/*
** Parse a date as commands take it for --from, --to and --explain: any
** EDTF date or interval, and quarters written 2024-Q2 (read as the EDTF
** quarter 2024-34) alone or at either end of an interval. See date.h.
*/
caw_status caw_date_parse_query(const char *s, size_t len, caw_date *out,
                                char *err, size_t errlen) {
  char buf[128];
  size_t i = 0, j = 0, q;
  int rewritten = 0;
  if (s == NULL || len >= sizeof buf)
    return caw_date_parse(s, len, out, err, errlen);
  while (i < len) {
    if ((i == 0 || s[i - 1] == '/') && (q = quarter_len(s + i, len - i)) > 0) {
      memcpy(buf + j, s + i, 4); /* the year */
      buf[j + 4] = '-';
      buf[j + 5] = '3';
      buf[j + 6] = (char)(s[i + q - 1] - '1' + '3'); /* Q1..Q4 -> 33..36 */
      j += 7;
      i += q;
      rewritten = 1;
    } else {
      buf[j++] = s[i++];
    }
  }
  if (!rewritten || caw_date_parse(buf, j, out, NULL, 0) != CAW_OK)
    return caw_date_parse(s, len, out, err, errlen); /* its message quotes s */
  if (err != NULL && errlen > 0)
    err[0] = '\0';
  return CAW_OK;
}

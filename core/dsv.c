/*
** dsv.c -- streaming reader for delimited files (GDELT/ICEWS TSV, CSV).
** Leaf module: knows nothing of SQLite or Lua. Its callers are the Lua
** binding (luadsv.c), through which the importer plugins read their
** files, and the fuzz harness (caw_dsv_open_mem).
**
** This is the hot loop of every import (about 2.5 million 61-field GDELT
** rows a second). An unquoted row is scanned once, eight bytes at a time,
** for separators and the line end; the same pass notes whether the row
** holds any NUL or non-ASCII byte, and only such rows are checked field
** by field and decoded as UTF-8. Nothing is allocated per row or per
** field: the field array and the buffer grow only when a row needs more.
** A row that runs past the end of the buffer is scanned again from its
** start after a refill, so no scan state survives a refill. Quoted (CSV)
** rows go through a small state machine only when their line holds a '"';
** it records field spans relative to the row's start, and doubled quotes
** are undone in place once the whole row is in the buffer.
*/
#include "caw/dsv.h"
#include "caw/utf8.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A field of the row being scanned, as offsets from the row's start. */
typedef struct span {
  size_t off, len;
  int esc; /* holds doubled quotes to undo */
} span;

/* What a scan of the buffer found. */
enum { SCAN_ROW, SCAN_BLANK, SCAN_MORE, SCAN_FAIL };

struct caw_dsv {
  int fd;                       /* -1 when reading memory */
  const unsigned char *mem;     /* memory input, not owned */
  size_t mem_len, mem_pos;
  char *name;                   /* path or name, for messages */
  caw_dsv_opts o;               /* resolved options */
  char *buf;                    /* cap + 1 bytes: room for a final NUL */
  size_t cap;
  size_t start, end;            /* unread input is buf[start..end) */
  int eof;                      /* nothing more to read */
  uint64_t base;                /* input offset of buf[0] */
  uint64_t size;                /* input size, 0 if unknown */
  long long line;               /* physical line of buf[start] */
  long long row_line;           /* line the current row starts on */
  int dirty;                    /* the row may hold NUL or non-ASCII */
  int spanned;                  /* the row is in spans, not yet fields */
  span *spans;                  /* fields of the row being scanned */
  caw_dsv_field *fields;        /* fields of the current row */
  size_t nfields, fcap;
  size_t expected;              /* fields per row, 0: any */
  caw_dsv_field *hdr;           /* header names (in hdr_data) */
  char *hdr_data;
  size_t nhdr;
  int has_header;
  caw_status stuck;             /* sticky failure, CAW_OK if none */
  char stuck_msg[CAW_ERRMAX];
};

static caw_status fail(char *err, size_t errlen, caw_status st,
                       const char *fmt, ...) {
  va_list ap;
  if (err != NULL && errlen > 0) {
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
  }
  return st;
}

/* A failure after which the reader cannot find the next row. */
static caw_status stick(caw_dsv *r, char *err, size_t errlen, caw_status st,
                        const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(r->stuck_msg, sizeof r->stuck_msg, fmt, ap);
  va_end(ap);
  r->stuck = st;
  return fail(err, errlen, st, "%s", r->stuck_msg);
}

/* The current row passed max_line: maybe a quote that never closes. */
static caw_status too_long(caw_dsv *r, char *err, size_t errlen) {
  return stick(r, err, errlen, CAW_EINVAL,
               "%s:%lld: row is longer than %zu bytes%s", r->name,
               r->row_line, r->o.max_line,
               r->o.quote ? " (a quote that never closes?)" : "");
}

caw_dsv_opts caw_dsv_defaults(unsigned char sep) {
  caw_dsv_opts o;
  memset(&o, 0, sizeof o);
  o.sep = sep;
  o.quote = sep == ',';
  o.utf8 = 1;
  o.max_field = CAW_DSV_MAX_FIELD;
  o.max_line = CAW_DSV_MAX_LINE;
  return o;
}

/* Read more input after buf[end], compacting and growing the buffer. */
static caw_status fill(caw_dsv *r, char *err, size_t errlen) {
  size_t limit = r->o.max_line + 2; /* a whole row and its CRLF */
  if (r->start > 0) {
    memmove(r->buf, r->buf + r->start, r->end - r->start);
    r->base += r->start;
    r->end -= r->start;
    r->start = 0;
  }
  if (r->end >= limit) return too_long(r, err, errlen);
  if (r->end == r->cap) {
    size_t cap = r->cap < limit / 2 ? r->cap * 2 : limit;
    char *buf = realloc(r->buf, cap + 1);
    if (buf == NULL)
      return stick(r, err, errlen, CAW_ENOMEM, "%s:%lld: out of memory",
                   r->name, r->row_line);
    r->buf = buf;
    r->cap = cap;
  }
  if (r->fd < 0) {
    size_t n = r->mem_len - r->mem_pos;
    if (n > r->cap - r->end) n = r->cap - r->end;
    if (n > 0) memcpy(r->buf + r->end, r->mem + r->mem_pos, n);
    r->mem_pos += n;
    r->end += n;
    r->eof = n == 0;
    return CAW_OK;
  }
  for (;;) {
    ssize_t n = read(r->fd, r->buf + r->end, r->cap - r->end);
    if (n > 0) {
      r->end += (size_t)n;
      return CAW_OK;
    }
    if (n == 0) {
      r->eof = 1;
      return CAW_OK;
    }
    if (errno != EINTR)
      return stick(r, err, errlen, CAW_EIO, "%s:%lld: read failed: %s",
                   r->name, r->line, strerror(errno));
  }
}

/* Make room for at least n fields. */
static int reserve_fields(caw_dsv *r, size_t n) {
  size_t cap = r->fcap ? r->fcap : 64;
  span *spans;
  caw_dsv_field *fields;
  while (cap < n) cap *= 2;
  if (cap == r->fcap) return 0;
  spans = realloc(r->spans, cap * sizeof *spans);
  if (spans == NULL) return -1;
  r->spans = spans;
  fields = realloc(r->fields, cap * sizeof *fields);
  if (fields == NULL) return -1;
  r->fields = fields;
  r->fcap = cap;
  return 0;
}

#define ONES 0x0101010101010101u
#define HIGHS 0x8080808080808080u

/* Eight bytes at s, the first in the low byte whatever the machine. */
static uint64_t load8(const char *s) {
  uint64_t w;
  memcpy(&w, s, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  w = __builtin_bswap64(w);
#endif
  return w;
}

/* High bit set in each byte of x that is zero, and only there. */
static uint64_t zero_bytes(uint64_t x) {
  return ~(((x & ~HIGHS) + ~HIGHS) | x | ~HIGHS);
}

/* Index of the lowest byte whose high bit is set in m (m != 0). */
static unsigned first_byte(uint64_t m) {
#if defined(__GNUC__)
  return (unsigned)__builtin_ctzll(m) >> 3;
#else
  unsigned i = 0;
  while (!(m & 0x80u)) {
    m >>= 8;
    i++;
  }
  return i;
#endif
}

/* Record field n at row[off..off+len). */
static int add_span(caw_dsv *r, size_t n, size_t off, size_t len, int esc) {
  if (n >= r->fcap && reserve_fields(r, n + 1) != 0) return -1;
  r->spans[n].off = off;
  r->spans[n].len = len;
  r->spans[n].esc = esc;
  return 0;
}

/* Record field n of an unquoted row at f..end; the row is never moved
** before it is finished, so plain pointers do. */
static int add_field(caw_dsv *r, size_t n, const char *f, const char *end) {
  if (n >= r->fcap && reserve_fields(r, n + 1) != 0) return -1;
  r->fields[n].ptr = f;
  r->fields[n].len = (size_t)(end - f);
  return 0;
}

/*
** Scan an unquoted row at buf[start]: consumes it (and its line end) and
** records its fields, or asks for more input. One pass, eight bytes at a
** time, finds both separators and the line end, and notes whether the row
** may hold a NUL or non-ASCII byte (then finish checks it field by field).
*/
static int scan_plain(caw_dsv *r, char **row, size_t *nfields, char *err,
                      size_t errlen) {
  char *p = r->buf + r->start, *e = r->buf + r->end;
  char *s = p, *f = p, *nl = NULL, *le;
  const char sep = (char)r->o.sep;
  const uint64_t seps = ONES * r->o.sep, nls = ONES * '\n';
  uint64_t dirty = 0;
  size_t n = 0;
  int at_end = r->eof;          /* no more input after e */
  if ((size_t)(e - p) > r->o.max_line + 2) { /* see no further than fill */
    e = p + r->o.max_line + 2;
    at_end = 0;
  }
  for (; s + 8 <= e; s += 8) {
    uint64_t w = load8(s);
    uint64_t m = zero_bytes(w ^ seps) | zero_bytes(w ^ nls);
    dirty |= (w - ONES) | w;    /* a NUL or high byte sets some high bit */
    for (; m != 0; m &= m - 1) {
      char *c = s + first_byte(m);
      if (*c == '\n') {
        nl = c;
        goto found;
      }
      if (add_field(r, n++, f, c)) goto nomem;
      f = c + 1;
    }
  }
  for (; s < e; s++) {
    if (*s == '\n') {
      nl = s;
      goto found;
    }
    if ((unsigned char)*s >= 0x80 || *s == 0) dirty = HIGHS;
    if (*s == sep) {
      if (add_field(r, n++, f, s)) goto nomem;
      f = s + 1;
    }
  }
  if (!at_end) return SCAN_MORE;
found:
  le = nl != NULL ? nl : e;     /* no line end: the file's last row */
  r->start = (size_t)((nl != NULL ? nl + 1 : e) - r->buf);
  if (le > p && le[-1] == '\r') le--;
  if ((size_t)(le - p) > r->o.max_line) {
    too_long(r, err, errlen);
    return SCAN_FAIL;
  }
  if (nl != NULL) r->line++;
  if (le == p) return SCAN_BLANK;
  if (add_field(r, n++, f, le)) goto nomem;
  r->dirty = (dirty & HIGHS) != 0;
  r->spanned = 0;
  *row = p;
  *nfields = n;
  return SCAN_ROW;
nomem:
  stick(r, err, errlen, CAW_ENOMEM, "%s:%lld: out of memory", r->name,
        r->row_line);
  return SCAN_FAIL;
}

/*
** Scan a row that may hold RFC 4180 quoted fields. A '"' opens a quoted
** field only as a field's first byte; elsewhere in an unquoted field it
** is an ordinary byte, as most CSV writers expect.
*/
static int scan_quoted(caw_dsv *r, char **row, size_t *nfields, char *err,
                       size_t errlen) {
  char *p = r->buf + r->start, *e = r->buf + r->end;
  char *nl, *f = p, *row_end, *next;
  const char sep = (char)r->o.sep;
  size_t n = 0;
  long long lines = 0;
  int at_end = r->eof;          /* no more input after e */
  if ((size_t)(e - p) > r->o.max_line + 2) { /* see no further than fill */
    e = p + r->o.max_line + 2;
    at_end = 0;
  }
  nl = memchr(p, '\n', (size_t)(e - p));
  if (nl != NULL || at_end) {   /* whole line here: quotes in it? */
    char *le = nl ? nl : e;
    if (memchr(p, '"', (size_t)(le - p)) == NULL)
      return scan_plain(r, row, nfields, err, errlen);
  } else if (memchr(p, '"', (size_t)(e - p)) == NULL) {
    return SCAN_MORE;
  }
  for (;;) {                    /* one field a turn, f at its first byte */
    if (f < e && *f == '"') {
      char *q = f + 1, *after;
      int esc = 0;
      for (;;) {
        char *c = memchr(q, '"', (size_t)(e - q));
        if (c == NULL) {
          if (!at_end) return SCAN_MORE;
          stick(r, err, errlen, CAW_EINVAL,
                "%s:%lld: field %zu: quoted field not closed at end of file",
                r->name, r->row_line, n + 1);
          return SCAN_FAIL;
        }
        if (c + 1 == e && !at_end) return SCAN_MORE; /* "" or end? */
        if (c + 1 < e && c[1] == '"') {
          esc = 1;
          q = c + 2;
          continue;
        }
        if (add_span(r, n++, (size_t)(f + 1 - p), (size_t)(c - f - 1), esc))
          goto nomem;
        after = c + 1;
        break;
      }
      if (after == e) {         /* closing quote ends the file */
        row_end = next = e;
        break;
      }
      if (*after == sep) {
        f = after + 1;
        continue;
      }
      if (*after == '\n') {
        row_end = after;
        next = after + 1;
        break;
      }
      if (*after == '\r') {
        if (after + 1 == e) {
          if (!at_end) return SCAN_MORE;
          row_end = after;
          next = e;
          break;
        }
        if (after[1] == '\n') {
          row_end = after;
          next = after + 2;
          break;
        }
      }
      stick(r, err, errlen, CAW_EINVAL,
            "%s:%lld: field %zu: unexpected character after closing quote",
            r->name, r->row_line, n);
      return SCAN_FAIL;
    } else {
      char *q = f, *le;
      while (q < e && *q != sep && *q != '\n') q++;
      if (q == e && !at_end) return SCAN_MORE;
      if (q < e && *q == sep) {
        if (add_span(r, n++, (size_t)(f - p), (size_t)(q - f), 0)) goto nomem;
        f = q + 1;
        continue;
      }
      le = q;
      if (le > f && le[-1] == '\r') le--;
      if (add_span(r, n++, (size_t)(f - p), (size_t)(le - f), 0)) goto nomem;
      row_end = le;
      next = q < e ? q + 1 : e;
      break;
    }
  }
  if ((size_t)(row_end - p) > r->o.max_line) {
    too_long(r, err, errlen);
    return SCAN_FAIL;
  }
  for (const char *s = p; (s = memchr(s, '\n', (size_t)(next - s))); s++)
    lines++;                    /* line ends inside quotes count too */
  r->line += lines;
  r->start = (size_t)(next - r->buf);
  r->dirty = 1;
  r->spanned = 1;
  *row = p;
  *nfields = n;
  return SCAN_ROW;
nomem:
  stick(r, err, errlen, CAW_ENOMEM, "%s:%lld: out of memory", r->name,
        r->row_line);
  return SCAN_FAIL;
}

/*
** Offset of the first NUL byte or (when utf8) invalid UTF-8 byte in
** s[0..len), or len when there is none; *nul tells which it was.
*/
static size_t bad_byte(const unsigned char *s, size_t len, int utf8,
                       int *nul) {
  if (!utf8) {
    const unsigned char *z = memchr(s, 0, len);
    *nul = 1;
    return z ? (size_t)(z - s) : len;
  }
  return caw_utf8_check(s, len, nul);
}

/* Check field i of the current row for length, NUL bytes and UTF-8. */
static caw_status check_field(caw_dsv *r, size_t i, char *err,
                              size_t errlen) {
  const unsigned char *s = (const unsigned char *)r->fields[i].ptr;
  size_t len = r->fields[i].len, bad;
  int nul = 0;
  if (len > r->o.max_field)
    return fail(err, errlen, CAW_EINVAL,
                "%s:%lld: field %zu is longer than %zu bytes", r->name,
                r->row_line, i + 1, r->o.max_field);
  if (!r->dirty) return CAW_OK;
  bad = bad_byte(s, len, r->o.utf8, &nul);
  if (bad == len) return CAW_OK;
  if (nul)
    return fail(err, errlen, CAW_EINVAL,
                "%s:%lld: field %zu: NUL byte at byte %zu", r->name,
                r->row_line, i + 1, bad + 1);
  return fail(err, errlen, CAW_EINVAL,
              "%s:%lld: field %zu: invalid UTF-8 (byte 0x%02X at byte %zu)",
              r->name, r->row_line, i + 1, s[bad], bad + 1);
}

/*
** Make the scanned row the current one: turn spans into fields (undoing
** doubled quotes), check the count and every field, NUL-terminate each.
*/
static caw_status finish(caw_dsv *r, char *row, size_t n, char *err,
                         size_t errlen) {
  caw_status st;
  size_t i;
  if (r->expected != 0 && n != r->expected)
    return fail(err, errlen, CAW_EINVAL,
                "%s:%lld: expected %zu fields, found %zu", r->name,
                r->row_line, r->expected, n);
  for (i = 0; r->spanned && i < n; i++) {
    char *s = row + r->spans[i].off;
    size_t len = r->spans[i].len;
    if (r->spans[i].esc) {      /* every '"' inside is doubled */
      char *w = memchr(s, '"', len), *rd = w, *end = s + len;
      while (rd < end) {
        if (*rd == '"') rd++;
        *w++ = *rd++;
      }
      len = (size_t)(w - s);
    }
    r->fields[i].ptr = s;
    r->fields[i].len = len;
  }
  for (i = 0; i < n; i++) {
    if ((st = check_field(r, i, err, errlen)) != CAW_OK) return st;
    ((char *)r->fields[i].ptr)[r->fields[i].len] = '\0'; /* separator,
                                           quote, line end or spare byte */
  }
  r->nfields = n;
  return CAW_OK;
}

caw_status caw_dsv_next(caw_dsv *r, size_t *nfields, char *err,
                        size_t errlen) {
  *nfields = 0;
  r->nfields = 0;
  if (r->stuck != CAW_OK) return fail(err, errlen, r->stuck, "%s", r->stuck_msg);
  for (;;) {
    char *row = NULL;
    size_t n = 0;
    caw_status st;
    int got;
    if (r->start == r->end) {   /* row_line stays the last row's */
      if (r->eof) return CAW_OK;
      if ((st = fill(r, err, errlen)) != CAW_OK) return st;
      continue;
    }
    r->row_line = r->line;
    got = r->o.quote ? scan_quoted(r, &row, &n, err, errlen)
                     : scan_plain(r, &row, &n, err, errlen);
    switch (got) {
    case SCAN_BLANK:
      continue;
    case SCAN_MORE:
      if ((st = fill(r, err, errlen)) != CAW_OK) return st;
      continue;
    case SCAN_FAIL:
      return r->stuck;
    default:
      if ((st = finish(r, row, n, err, errlen)) != CAW_OK) return st;
      *nfields = n;
      return CAW_OK;
    }
  }
}

const caw_dsv_field *caw_dsv_row(const caw_dsv *r, size_t *nfields) {
  if (nfields != NULL) *nfields = r->nfields;
  return r->fields;
}

const caw_dsv_field *caw_dsv_header(const caw_dsv *r, size_t *nfields) {
  if (nfields != NULL) *nfields = r->has_header ? r->nhdr : 0;
  return r->has_header ? r->hdr : NULL;
}

long caw_dsv_column(const caw_dsv *r, const char *name, size_t len) {
  size_t i;
  if (!r->has_header) return -1;
  for (i = 0; i < r->nhdr; i++)
    if (r->hdr[i].len == len && memcmp(r->hdr[i].ptr, name, len) == 0)
      return (long)i;
  return -1;
}

caw_status caw_dsv_stuck(const caw_dsv *r) { return r->stuck; }

long long caw_dsv_line(const caw_dsv *r) { return r->row_line; }

void caw_dsv_progress(const caw_dsv *r, uint64_t *consumed, uint64_t *total) {
  if (consumed != NULL) *consumed = r->base + r->start;
  if (total != NULL) *total = r->size;
}

const char *caw_dsv_name(const caw_dsv *r) { return r->name; }

void caw_dsv_close(caw_dsv *r) {
  if (r == NULL) return;
  if (r->fd >= 0) close(r->fd);
  free(r->name);
  free(r->buf);
  free(r->spans);
  free(r->fields);
  free(r->hdr);
  free(r->hdr_data);
  free(r);
}

static const caw_dsv_field *sort_hdr; /* for cmp_hdr: qsort has no context */

static int cmp_hdr(const void *a, const void *b) {
  const caw_dsv_field *x = &sort_hdr[*(const size_t *)a];
  const caw_dsv_field *y = &sort_hdr[*(const size_t *)b];
  int c;
  if (x->len != y->len) return x->len < y->len ? -1 : 1;
  if ((c = memcmp(x->ptr, y->ptr, x->len)) != 0) return c;
  return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

/* A column name given twice makes "the column named X" ambiguous: a data
   error naming both columns (the first repeat in the file). Empty names
   (trailing separators) may repeat. Sorts, so a wide header costs
   n log n. */
static caw_status unique_header(caw_dsv *r, char *err, size_t errlen) {
  size_t i, first = 0, second = 0, *order;
  if (r->nhdr < 2) return CAW_OK;
  if (!(order = malloc(r->nhdr * sizeof *order)))
    return fail(err, errlen, CAW_ENOMEM, "%s: out of memory", r->name);
  for (i = 0; i < r->nhdr; i++) order[i] = i;
  sort_hdr = r->hdr;
  qsort(order, r->nhdr, sizeof *order, cmp_hdr);
  for (i = 1; i < r->nhdr; i++) {
    const caw_dsv_field *a = &r->hdr[order[i - 1]], *b = &r->hdr[order[i]];
    if (b->len && a->len == b->len && memcmp(a->ptr, b->ptr, b->len) == 0 &&
        (!second || order[i] < second)) {
      first = order[i - 1];
      second = order[i];
    }
  }
  free(order);
  if (!second) return CAW_OK;
  return fail(err, errlen, CAW_EINVAL,
              "%s:%lld: column '%.*s' appears twice in the header (columns"
              " %zu and %zu)", r->name, r->row_line,
              (int)(r->hdr[second].len > 60 ? 60 : r->hdr[second].len),
              r->hdr[second].ptr, first + 1, second + 1);
}

/* Keep a copy of the row just read as the header. */
static caw_status keep_header(caw_dsv *r, size_t n, char *err,
                              size_t errlen) {
  size_t i, total = 0;
  char *w;
  r->has_header = 1;
  r->nhdr = n;                  /* 0 for an empty file */
  for (i = 0; i < n; i++) total += r->fields[i].len + 1;
  r->hdr = malloc((n ? n : 1) * sizeof *r->hdr);
  r->hdr_data = malloc(total ? total : 1);
  if (r->hdr == NULL || r->hdr_data == NULL)
    return fail(err, errlen, CAW_ENOMEM, "%s: out of memory", r->name);
  w = r->hdr_data;
  for (i = 0; i < n; i++) {
    memcpy(w, r->fields[i].ptr, r->fields[i].len + 1);
    r->hdr[i].ptr = w;
    r->hdr[i].len = r->fields[i].len;
    w += r->fields[i].len + 1;
  }
  if (r->o.fields != 0 && n != r->o.fields)
    return fail(err, errlen, CAW_EINVAL,
                "%s:%lld: header has %zu fields, expected %zu", r->name,
                r->row_line, n, r->o.fields);
  return unique_header(r, err, errlen);
}

/* Everything an open does once the input is attached to r. */
static caw_status begin(caw_dsv *r, const caw_dsv_opts *opts,
                        const char *name, char *err, size_t errlen) {
  caw_status st;
  size_t n;
  r->o = opts ? *opts : caw_dsv_defaults(',');
  r->name = malloc(strlen(name) + 1);
  if (r->name == NULL) return fail(err, errlen, CAW_ENOMEM, "out of memory");
  strcpy(r->name, name);
  if (r->o.sep == 0 || r->o.sep == '\n' || r->o.sep == '\r' ||
      (r->o.quote && r->o.sep == '"'))
    return fail(err, errlen, CAW_EINVAL, "%s: invalid separator byte 0x%02X",
                name, r->o.sep);
  if (r->o.max_field == 0) r->o.max_field = CAW_DSV_MAX_FIELD;
  if (r->o.max_line == 0) r->o.max_line = CAW_DSV_MAX_LINE;
  if (r->o.max_line < r->o.max_field) r->o.max_line = r->o.max_field;
  r->cap = r->o.bufsize;
  if (r->cap == 0) {            /* no bigger than a small input */
    r->cap = CAW_DSV_BUFSIZE;
    if (r->size != 0 && r->size < r->cap) r->cap = (size_t)r->size + 1;
    if (r->cap < 64) r->cap = 64;
  }
  r->buf = malloc(r->cap + 1);
  if (r->buf == NULL || reserve_fields(r, 64) != 0)
    return fail(err, errlen, CAW_ENOMEM, "%s: out of memory", name);
  r->line = 1;
  while (r->end < 3 && !r->eof)
    if ((st = fill(r, err, errlen)) != CAW_OK) return st;
  if (r->end >= 3 && memcmp(r->buf, "\xEF\xBB\xBF", 3) == 0) r->start = 3;
  if (!r->o.header) {
    r->expected = r->o.fields;
    return CAW_OK;
  }
  if ((st = caw_dsv_next(r, &n, err, errlen)) != CAW_OK) return st;
  if ((st = keep_header(r, n, err, errlen)) != CAW_OK) return st;
  r->expected = r->o.fields ? r->o.fields : n;
  return CAW_OK;
}

static caw_dsv *new_reader(void) {
  caw_dsv *r = calloc(1, sizeof *r);
  if (r != NULL) r->fd = -1;
  return r;
}

caw_status caw_dsv_open(const char *path, const caw_dsv_opts *opts,
                        caw_dsv **out, char *err, size_t errlen) {
  caw_dsv *r = NULL;
  caw_status st = CAW_OK;
  struct stat sb;
  *out = NULL;
  if ((r = new_reader()) == NULL) {
    st = fail(err, errlen, CAW_ENOMEM, "%s: out of memory", path);
    goto done;
  }
  r->fd = open(path, O_RDONLY | O_CLOEXEC);
  if (r->fd < 0) {
    int e = errno;
    st = fail(err, errlen,
              e == ENOENT || e == ENOTDIR ? CAW_ENOENT : CAW_EIO,
              "%s: %s", path, strerror(e));
    goto done;
  }
  if (fstat(r->fd, &sb) != 0) {
    st = fail(err, errlen, CAW_EIO, "%s: %s", path, strerror(errno));
    goto done;
  }
  if (S_ISDIR(sb.st_mode)) {    /* not an input file at all */
    st = fail(err, errlen, CAW_ENOENT, "%s: is a directory", path);
    goto done;
  }
  if (S_ISREG(sb.st_mode)) {
    r->size = (uint64_t)sb.st_size;
    posix_fadvise(r->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  }
  st = begin(r, opts, path, err, errlen);
done:
  if (st != CAW_OK) {
    caw_dsv_close(r);
    r = NULL;
  }
  *out = r;
  return st;
}

caw_status caw_dsv_open_mem(const void *data, size_t len, const char *name,
                            const caw_dsv_opts *opts, caw_dsv **out,
                            char *err, size_t errlen) {
  caw_dsv *r = NULL;
  caw_status st = CAW_OK;
  *out = NULL;
  if (name == NULL) name = "<memory>";
  if ((r = new_reader()) == NULL) {
    st = fail(err, errlen, CAW_ENOMEM, "%s: out of memory", name);
    goto done;
  }
  r->mem = data;
  r->mem_len = data != NULL ? len : 0;
  r->size = r->mem_len;
  st = begin(r, opts, name, err, errlen);
done:
  if (st != CAW_OK) {
    caw_dsv_close(r);
    r = NULL;
  }
  *out = r;
  return st;
}

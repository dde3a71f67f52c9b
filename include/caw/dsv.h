/*
** dsv.h -- streaming reader for delimited files (GDELT/ICEWS TSV, ACLED
** and other CSV). Leaf module: knows nothing of SQLite or Lua.
**
** The reader holds one fixed-size buffer (256 KiB unless told otherwise)
** that grows only for a row longer than the buffer, up to max_line. A row
** is handed out as an array of (pointer, length) fields that point into
** that buffer and stay valid until the next caw_dsv_next or caw_dsv_close.
** Each field is also NUL-terminated (field.ptr[field.len] == '\0'), and
** never contains a NUL byte itself: NUL bytes in the input are an error.
**
** Lines end in LF or CRLF; a UTF-8 byte order mark at the start is
** skipped; the last row needs no line end; blank lines (nothing before
** the line end) are skipped anywhere in the file and are not rows.
** Line numbers are 1-based physical lines of the file: a row names the
** line it starts on, even when a quoted field spans several lines.
*/
#ifndef CAW_DSV_H
#define CAW_DSV_H

#include <stddef.h>
#include <stdint.h>

#include "caw/caw.h"

#define CAW_DSV_BUFSIZE (256u * 1024u)          /* default initial buffer */
#define CAW_DSV_MAX_FIELD (1024u * 1024u)       /* default max_field */
#define CAW_DSV_MAX_LINE (8u * 1024u * 1024u)   /* default max_line */

typedef struct caw_dsv caw_dsv;

/* One field of the current row: not owned by the caller. */
typedef struct caw_dsv_field {
  const char *ptr; /* NUL-terminated, valid until the next row */
  size_t len;
} caw_dsv_field;

typedef struct caw_dsv_opts {
  unsigned char sep; /* field separator byte: ',', '\t', ';', ... */
  int quote;         /* 1: RFC 4180 quotes ("" escapes a quote; quoted
                        fields may hold separators and line ends);
                        0: '"' is an ordinary byte (GDELT, ICEWS) */
  int header;        /* 1: the first row holds column names */
  size_t fields;     /* expected fields per row; 0: any count, or with
                        header, the header's count */
  int utf8;          /* 1: every field must be valid UTF-8 */
  size_t max_field;  /* longest field in bytes; 0: CAW_DSV_MAX_FIELD */
  size_t max_line;   /* longest row in bytes (all its fields, separators
                        and quotes, without the line end); 0:
                        CAW_DSV_MAX_LINE; never less than max_field */
  size_t bufsize;    /* initial buffer size; 0: CAW_DSV_BUFSIZE (tests
                        and fuzzers pass tiny sizes to stress refills) */
} caw_dsv_opts;

/*
** Defaults for separator sep: quoting on for ',' and off otherwise, no
** header, any field count, UTF-8 checked, default limits.
*/
caw_dsv_opts caw_dsv_defaults(unsigned char sep);

/*
** Open the file at path for reading with opts (NULL: caw_dsv_defaults
** (',')). When opts->header is set the header row is read now, and a
** bad header fails the open. On success stores a reader the caller must
** give to caw_dsv_close. On failure stores NULL, returns CAW_ENOENT (no
** such file), CAW_EIO, CAW_EINVAL (bad header or options) or
** CAW_ENOMEM, and writes a message naming path to err (errlen bytes,
** always NUL-terminated when errlen > 0).
*/
caw_status caw_dsv_open(const char *path, const caw_dsv_opts *opts,
                        caw_dsv **out, char *err, size_t errlen);

/*
** Same as caw_dsv_open over the len bytes at data, which are not copied
** and must outlive the reader. name (NULL: "<memory>") is used in
** messages.
*/
caw_status caw_dsv_open_mem(const void *data, size_t len, const char *name,
                            const caw_dsv_opts *opts, caw_dsv **out,
                            char *err, size_t errlen);

/* Close r and free everything it holds. NULL is allowed. */
void caw_dsv_close(caw_dsv *r);

/*
** Read the next row. Returns CAW_OK and sets *nfields to its number of
** fields (at least 1), or to 0 at the end of the file.
** On failure sets *nfields to 0, writes "path:line: what" to err and
** returns:
**  - CAW_EINVAL for a row that does not validate: a field count other
**    than the expected one, invalid UTF-8, a NUL byte, a field longer than
**    max_field (these name the field too). The bad row is skipped: the
**    next call goes on with the following row;
**  - CAW_EINVAL for a row longer than max_line, a quoted field never
**    closed, or text after a closing quote; CAW_EIO for a read error;
**    CAW_ENOMEM. After these the reader is stuck: every further call
**    returns the same status and message.
*/
caw_status caw_dsv_next(caw_dsv *r, size_t *nfields, char *err,
                        size_t errlen);

/*
** CAW_OK while r can go on after a failed row, or the status of the
** failure that stopped it (every caw_dsv_next returns it again): a loop
** that skips bad rows must stop when this is not CAW_OK.
*/
caw_status caw_dsv_stuck(const caw_dsv *r);

/*
** The fields of the current row (owned by r, valid until the next
** caw_dsv_next); stores their count in *nfields when nfields is non-NULL.
*/
const caw_dsv_field *caw_dsv_row(const caw_dsv *r, size_t *nfields);

/*
** The header's names (owned by r, valid until caw_dsv_close), or NULL
** when the reader has no header; stores their count in *nfields.
*/
const caw_dsv_field *caw_dsv_header(const caw_dsv *r, size_t *nfields);

/*
** 0-based index of the first header column named name (len bytes), or
** -1 when there is no header or no such column.
*/
long caw_dsv_column(const caw_dsv *r, const char *name, size_t len);

/*
** Line on which the current (or the failed) row starts: still the last
** row's at the end of the file; 0 before the first row.
*/
long long caw_dsv_line(const caw_dsv *r);

/*
** For a progress bar: bytes of input consumed so far, and the input's
** total size (0 when unknown, e.g. a pipe).
*/
void caw_dsv_progress(const caw_dsv *r, uint64_t *consumed, uint64_t *total);

/* The path or name given at open (owned by r). */
const char *caw_dsv_name(const caw_dsv *r);

#endif

/*
** test_dsv.c -- the delimited-file reader on caw's own GDELT 1.0/2.0 and
** ICEWS fixtures (tests/data), on small files written to a temporary
** directory for each edge case and each error message, and, run with
** --shared (ctest: test_dsv_shared), on the real samples in shared/data.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "caw/dsv.h"
#include "shared_data.h"

#define GDELT1 shared_file("gdelt1_export_sample_reed9999.tsv")
#define GDELT2 shared_file("gdelt2_20191024143000.export.tsv")
#define ICEWS shared_file("icews_events.2018.sample.tab")
#define OWN_GDELT1 CAW_TEST_DIR "/data/gdelt1_sample.tsv"
#define OWN_GDELT2 CAW_TEST_DIR "/data/gdelt2_sample.tsv"
#define OWN_ICEWS CAW_TEST_DIR "/data/icews_sample.tab"

static char tmpdir[] = "/tmp/caw_test_dsv_XXXXXX";
static char paths[64][300];
static int npaths;

static int make_tmpdir(void **state) {
  (void)state;
  return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int remove_tmpdir(void **state) {
  int i;
  (void)state;
  for (i = 0; i < npaths; i++) unlink(paths[i]);
  return rmdir(tmpdir);
}

/* Write len bytes of data to tmpdir/name; returns the path. */
static const char *write_file(const char *name, const char *data,
                              size_t len) {
  char *path;
  FILE *f;
  assert_true(npaths < 64);
  path = paths[npaths++];
  snprintf(path, sizeof paths[0], "%s/%s", tmpdir, name);
  f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(data, 1, len, f), len);
  assert_int_equal(fclose(f), 0);
  return path;
}

#define WRITE(name, lit) write_file((name), (lit), sizeof(lit) - 1)

static caw_dsv *open_ok(const char *path, const caw_dsv_opts *o) {
  char err[CAW_ERRMAX] = "";
  caw_dsv *r = NULL;
  caw_status st = caw_dsv_open(path, o, &r, err, sizeof err);
  if (st != CAW_OK) fail_msg("open %s: %s", path, err);
  return r;
}

/* Next row, which must exist and read without error; returns its count. */
static size_t next_ok(caw_dsv *r) {
  char err[CAW_ERRMAX] = "";
  size_t n = 0;
  caw_status st = caw_dsv_next(r, &n, err, sizeof err);
  if (st != CAW_OK) fail_msg("unexpected error: %s", err);
  assert_true(n > 0);
  return n;
}

static void assert_eof(caw_dsv *r) {
  char err[CAW_ERRMAX] = "";
  size_t n = 99;
  assert_int_equal(caw_dsv_next(r, &n, err, sizeof err), CAW_OK);
  assert_int_equal(n, 0);
}

/* The next row must fail with st and a message containing want. */
static void assert_row_error(caw_dsv *r, caw_status st, const char *want) {
  char err[CAW_ERRMAX] = "";
  size_t n = 99;
  assert_int_equal(caw_dsv_next(r, &n, err, sizeof err), st);
  assert_int_equal(n, 0);
  if (strstr(err, want) == NULL)
    fail_msg("message \"%s\" lacks \"%s\"", err, want);
}

static void assert_field(caw_dsv *r, size_t i, const char *want) {
  size_t n;
  const caw_dsv_field *f = caw_dsv_row(r, &n);
  assert_true(i < n);
  assert_int_equal(f[i].len, strlen(want));
  assert_memory_equal(f[i].ptr, want, f[i].len);
  assert_int_equal(f[i].ptr[f[i].len], '\0');
}

/* ---- real files ---- */

/* GDELT 1.0 mixes 58-field rows with 57-field ones (no SOURCEURL). */
static void gdelt1_mixed_counts(void **state) {
  size_t sizes[] = {0, 100, 7}; /* default, smaller than a row, tiny */
  size_t k;
  (void)state;
  for (k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
    caw_dsv_opts o = caw_dsv_defaults('\t');
    caw_dsv *r;
    size_t n, rows = 0, n57 = 0, n58 = 0, kaz = 0;
    uint64_t done, total;
    char err[CAW_ERRMAX];
    o.bufsize = sizes[k];
    r = open_ok(GDELT1, &o);
    while (caw_dsv_next(r, &n, err, sizeof err) == CAW_OK && n > 0) {
      const caw_dsv_field *f = caw_dsv_row(r, NULL);
      rows++;
      n57 += n == 57;
      n58 += n == 58;
      kaz += strcmp(f[5].ptr, "KAZ") == 0; /* Actor1Code */
      assert_int_equal(caw_dsv_line(r), (long long)rows);
    }
    assert_int_equal(n, 0);
    assert_int_equal(rows, 710);
    assert_int_equal(n58, 509);
    assert_int_equal(n57, 201);
    assert_int_equal(kaz, 1);
    caw_dsv_progress(r, &done, &total);
    assert_int_equal(total, 253101);
    assert_int_equal(done, total);
    caw_dsv_close(r);
  }
}

/* GDELT 2.0: 61 fields everywhere; CAMEO codes keep their leading zero. */
static void gdelt2_export(void **state) {
  caw_dsv_opts o = caw_dsv_defaults('\t');
  caw_dsv *r;
  size_t n, rows = 0, zero_codes = 0;
  long long first_zero_line = 0;
  char err[CAW_ERRMAX];
  (void)state;
  o.fields = 61;
  r = open_ok(GDELT2, &o);
  while (caw_dsv_next(r, &n, err, sizeof err) == CAW_OK && n > 0) {
    const caw_dsv_field *f = caw_dsv_row(r, NULL);
    rows++;
    assert_int_equal(n, 61);
    assert_memory_equal(f[60].ptr, "http", 4); /* SOURCEURL */
    if (f[26].ptr[0] == '0') {                 /* EventCode */
      if (zero_codes++ == 0) first_zero_line = caw_dsv_line(r);
    }
    if (caw_dsv_line(r) == 2) {
      assert_field(r, 26, "040");
      assert_field(r, 27, "040");
      assert_field(r, 28, "04");
    }
  }
  assert_int_equal(n, 0);
  assert_int_equal(caw_dsv_line(r), 2111); /* still the last row's */
  assert_int_equal(rows, 2111);
  assert_int_equal(zero_codes, 1503);
  assert_int_equal(first_zero_line, 2);
  caw_dsv_close(r);
}

/* An expected count that the file does not have: each row is reported
** with its line, and skipped, and the reader carries on. */
static void gdelt2_wrong_count(void **state) {
  caw_dsv_opts o = caw_dsv_defaults('\t');
  caw_dsv *r;
  char err[CAW_ERRMAX];
  size_t n, errors = 0;
  caw_status st;
  (void)state;
  o.fields = 58;
  r = open_ok(GDELT2, &o);
  assert_row_error(r, CAW_EINVAL,
                   "gdelt2_20191024143000.export.tsv:1: expected 58 fields, "
                   "found 61");
  assert_row_error(r, CAW_EINVAL, ".tsv:2: expected 58 fields, found 61");
  errors = 2;
  while ((st = caw_dsv_next(r, &n, err, sizeof err)) != CAW_OK || n > 0) {
    assert_int_equal(st, CAW_EINVAL);
    errors++;
  }
  assert_int_equal(errors, 2111);
  caw_dsv_close(r);
}

/* ICEWS: a header of 20 names, 3705 rows, "NA" and comma lists as data. */
static void icews_header(void **state) {
  caw_dsv_opts o = caw_dsv_defaults('\t');
  caw_dsv *r;
  const caw_dsv_field *h;
  size_t n, nh, rows = 0, cameo_zero = 0;
  long cameo;
  char err[CAW_ERRMAX];
  (void)state;
  o.header = 1;
  r = open_ok(ICEWS, &o);
  h = caw_dsv_header(r, &nh);
  assert_non_null(h);
  assert_int_equal(nh, 20);
  assert_string_equal(h[0].ptr, "Event ID");
  assert_string_equal(h[19].ptr, "Longitude");
  cameo = caw_dsv_column(r, "CAMEO Code", strlen("CAMEO Code"));
  assert_int_equal(cameo, 6);
  assert_int_equal(caw_dsv_column(r, "Event ID", 8), 0);
  assert_int_equal(caw_dsv_column(r, "Event", 5), -1);
  while (caw_dsv_next(r, &n, err, sizeof err) == CAW_OK && n > 0) {
    const caw_dsv_field *f = caw_dsv_row(r, NULL);
    rows++;
    assert_int_equal(n, 20);
    assert_int_equal(caw_dsv_line(r), (long long)rows + 1);
    cameo_zero += f[cameo].ptr[0] == '0';
    if (rows == 1) {
      assert_field(r, 0, "32889836");
      assert_field(r, 3, "Executive,Foreign Ministry,Government");
      assert_field(r, 6, "040");
      assert_field(r, 15, "NA");
    }
  }
  assert_int_equal(n, 0);
  assert_int_equal(rows, 3705);
  assert_int_equal(cameo_zero, 2608);
  caw_dsv_close(r);
}

/* ---- caw's own fixtures (tests/data), on every machine ---- */

/* GDELT 1.0: 58-field rows and 57-field ones (no SOURCEURL) in one file. */
static void own_gdelt1_mixed_counts(void **state) {
  caw_dsv_opts o = caw_dsv_defaults('\t');
  caw_dsv *r;
  size_t n, rows = 0, n57 = 0, n58 = 0;
  char err[CAW_ERRMAX];
  (void)state;
  o.bufsize = 100; /* smaller than a row */
  r = open_ok(OWN_GDELT1, &o);
  while (caw_dsv_next(r, &n, err, sizeof err) == CAW_OK && n > 0) {
    rows++;
    n57 += n == 57;
    n58 += n == 58;
    if (rows == 1) {
      assert_field(r, 5, "KGZ");   /* Actor1Code */
      assert_field(r, 26, "040");  /* EventCode keeps its zero */
      assert_field(r, 57, "https://news.example.org/kg-ru-consult");
    }
    if (rows == 3) assert_field(r, 56, "20130203"); /* DATEADDED, last */
  }
  assert_int_equal(n, 0);
  assert_int_equal(rows, 4);
  assert_int_equal(n58, 2);
  assert_int_equal(n57, 2);
  caw_dsv_close(r);
}

/* GDELT 2.0: 61 fields; a count of 58 is an error on each row. */
static void own_gdelt2_export(void **state) {
  caw_dsv_opts o = caw_dsv_defaults('\t');
  caw_dsv *r;
  size_t n, rows = 0;
  char err[CAW_ERRMAX];
  (void)state;
  o.fields = 61;
  r = open_ok(OWN_GDELT2, &o);
  while (caw_dsv_next(r, &n, err, sizeof err) == CAW_OK && n > 0) {
    const caw_dsv_field *f = caw_dsv_row(r, NULL);
    rows++;
    assert_int_equal(n, 61);
    assert_memory_equal(f[60].ptr, "https://", 8); /* SOURCEURL */
    assert_int_equal(f[26].ptr[0], '0');           /* 057, 042, 036 */
  }
  assert_int_equal(rows, 4);
  caw_dsv_close(r);
  o.fields = 58;
  r = open_ok(OWN_GDELT2, &o);
  assert_row_error(r, CAW_EINVAL, "gdelt2_sample.tsv:1: expected 58 fields, found 61");
  caw_dsv_close(r);
}

/* ICEWS: a header of 20 names; "NA" and comma lists are data. */
static void own_icews_header(void **state) {
  caw_dsv_opts o = caw_dsv_defaults('\t');
  caw_dsv *r;
  const caw_dsv_field *h;
  size_t n, nh, rows = 0;
  char err[CAW_ERRMAX];
  (void)state;
  o.header = 1;
  r = open_ok(OWN_ICEWS, &o);
  h = caw_dsv_header(r, &nh);
  assert_int_equal(nh, 20);
  assert_string_equal(h[0].ptr, "Event ID");
  assert_string_equal(h[19].ptr, "Longitude");
  assert_int_equal(caw_dsv_column(r, "CAMEO Code", 10), 6);
  while (caw_dsv_next(r, &n, err, sizeof err) == CAW_OK && n > 0) {
    rows++;
    assert_int_equal(n, 20);
    if (rows == 2) {
      assert_field(r, 3, "Executive,Foreign Ministry,Government");
      assert_field(r, 6, "043");
      assert_field(r, 15, "NA");
    }
  }
  assert_int_equal(rows, 4);
  caw_dsv_close(r);
}

/* A column named twice in a header is a data error naming both. */
static void duplicate_header_column(void **state) {
  const char *path = WRITE("dup.csv", "id,date,title,date\n1,2,3,4\n");
  caw_dsv_opts o = caw_dsv_defaults(',');
  caw_dsv *r = (caw_dsv *)1;
  char err[CAW_ERRMAX] = "";
  (void)state;
  o.header = 1;
  assert_int_equal(caw_dsv_open(path, &o, &r, err, sizeof err), CAW_EINVAL);
  assert_null(r);
  assert_non_null(strstr(err, "dup.csv:1: column 'date' appears twice in the"
                              " header (columns 2 and 4)"));
  path = WRITE("empty_names.csv", "a,b,,\n1,2,3,4\n"); /* trailing commas */
  r = open_ok(path, &o);
  caw_dsv_close(r);
}

/* ---- synthetic files: line ends, BOM, quotes ---- */

static void crlf_and_lf(void **state) {
  const char *path = WRITE("crlf.csv", "a,b\r\nc,d\ne,f\r\n");
  caw_dsv *r = open_ok(path, NULL);
  (void)state;
  assert_int_equal(next_ok(r), 2);
  assert_field(r, 1, "b");
  assert_int_equal(next_ok(r), 2);
  assert_field(r, 1, "d");
  assert_int_equal(next_ok(r), 2);
  assert_field(r, 0, "e");
  assert_field(r, 1, "f");
  assert_int_equal(caw_dsv_line(r), 3);
  assert_eof(r);
  caw_dsv_close(r);
}

static void bom_before_header(void **state) {
  const char *path = WRITE("bom.csv", "\xEF\xBB\xBF" "id,name\r\n1,Astana\r\n");
  caw_dsv_opts o = caw_dsv_defaults(',');
  caw_dsv *r;
  const caw_dsv_field *h;
  size_t nh;
  (void)state;
  o.header = 1;
  r = open_ok(path, &o);
  h = caw_dsv_header(r, &nh);
  assert_int_equal(nh, 2);
  assert_string_equal(h[0].ptr, "id");
  assert_int_equal(caw_dsv_column(r, "id", 2), 0);
  assert_int_equal(next_ok(r), 2);
  assert_field(r, 1, "Astana");
  assert_int_equal(caw_dsv_line(r), 2);
  assert_eof(r);
  caw_dsv_close(r);
}

static const char quoted_csv[] =
    "\"a,b\",\"line1\nline2\",\"say \"\"hi\"\"\",plain\n"
    "next,\"\",x\"y,\"crlf\r\ninside\"\r\n"
    "\"\"\"\",\"\"\"\"\"\",,\n"
    "\"last\",\"no newline\"";

static void quoted_fields(void **state) {
  const char *path = write_file("quoted.csv", quoted_csv, sizeof quoted_csv - 1);
  caw_dsv *r = open_ok(path, NULL);
  (void)state;
  assert_int_equal(next_ok(r), 4);
  assert_field(r, 0, "a,b");
  assert_field(r, 1, "line1\nline2");
  assert_field(r, 2, "say \"hi\"");
  assert_field(r, 3, "plain");
  assert_int_equal(caw_dsv_line(r), 1);
  assert_int_equal(next_ok(r), 4);
  assert_int_equal(caw_dsv_line(r), 3); /* the quoted newline counted */
  assert_field(r, 1, "");
  assert_field(r, 2, "x\"y");             /* a quote inside: plain byte */
  assert_field(r, 3, "crlf\r\ninside");
  assert_int_equal(next_ok(r), 4);
  assert_int_equal(caw_dsv_line(r), 5);
  assert_field(r, 0, "\"");
  assert_field(r, 1, "\"\"");
  assert_field(r, 2, "");
  assert_field(r, 3, "");
  assert_int_equal(next_ok(r), 2);
  assert_int_equal(caw_dsv_line(r), 6);
  assert_field(r, 1, "no newline");
  assert_eof(r);
  caw_dsv_close(r);
}

/* TSV from GDELT/ICEWS is unquoted: '"' is data, even first in a field. */
static void tsv_quote_is_data(void **state) {
  const char *path = WRITE("q.tsv", "say \"hi\"\t\"open\tx,y\n\"\t\"\"\n");
  caw_dsv_opts o = caw_dsv_defaults('\t');
  caw_dsv *r;
  (void)state;
  assert_int_equal(o.quote, 0);
  r = open_ok(path, &o);
  assert_int_equal(next_ok(r), 3);
  assert_field(r, 0, "say \"hi\"");
  assert_field(r, 1, "\"open");
  assert_field(r, 2, "x,y");
  assert_int_equal(next_ok(r), 2);
  assert_field(r, 0, "\"");
  assert_field(r, 1, "\"\"");
  assert_eof(r);
  caw_dsv_close(r);
}

static void no_final_newline_and_blank_lines(void **state) {
  const char *a = WRITE("nofinal.csv", "a,b\nc,d");
  const char *b = WRITE("blank.csv", "a,b\n\nc,d\r\n\r\n\n");
  caw_dsv *r = open_ok(a, NULL);
  (void)state;
  assert_int_equal(next_ok(r), 2);
  assert_int_equal(next_ok(r), 2);
  assert_field(r, 1, "d");
  assert_eof(r);
  assert_eof(r); /* and stays there */
  caw_dsv_close(r);
  r = open_ok(b, NULL);
  assert_int_equal(next_ok(r), 2);
  assert_int_equal(next_ok(r), 2);
  assert_field(r, 0, "c");
  assert_int_equal(caw_dsv_line(r), 3); /* blank line 2 skipped */
  assert_eof(r);
  caw_dsv_close(r);
}

static void empty_file(void **state) {
  const char *path = WRITE("empty.csv", "");
  const char *bom = WRITE("bomonly.csv", "\xEF\xBB\xBF");
  caw_dsv_opts o = caw_dsv_defaults(',');
  caw_dsv *r = open_ok(path, NULL);
  size_t nh = 99;
  uint64_t done, total;
  (void)state;
  assert_eof(r);
  caw_dsv_progress(r, &done, &total);
  assert_int_equal(done, 0);
  assert_int_equal(total, 0);
  caw_dsv_close(r);
  o.header = 1;
  r = open_ok(bom, &o);
  assert_non_null(caw_dsv_header(r, &nh));
  assert_int_equal(nh, 0);
  assert_eof(r);
  caw_dsv_progress(r, &done, &total);
  assert_int_equal(done, 3);
  assert_int_equal(total, 3);
  caw_dsv_close(r);
}

/* ---- synthetic files: errors ---- */

static void ragged_row(void **state) {
  const char *path = WRITE("ragged.csv", "a,b,c\nd,e\nf,g,h\n");
  caw_dsv_opts o = caw_dsv_defaults(',');
  caw_dsv *r;
  (void)state;
  r = open_ok(path, NULL); /* any count: fine */
  assert_int_equal(next_ok(r), 3);
  assert_int_equal(next_ok(r), 2);
  assert_int_equal(next_ok(r), 3);
  caw_dsv_close(r);
  o.fields = 3;
  r = open_ok(path, &o);
  assert_int_equal(next_ok(r), 3);
  assert_row_error(r, CAW_EINVAL, "ragged.csv:2: expected 3 fields, found 2");
  assert_int_equal(caw_dsv_line(r), 2);
  assert_int_equal(next_ok(r), 3); /* the bad row is skipped */
  assert_field(r, 0, "f");
  assert_eof(r);
  caw_dsv_close(r);
  o.fields = 0; /* the header sets the count */
  o.header = 1;
  r = open_ok(path, &o);
  assert_row_error(r, CAW_EINVAL, "ragged.csv:2: expected 3 fields, found 2");
  caw_dsv_close(r);
}

static void header_count_mismatch(void **state) {
  const char *path = WRITE("hdr.csv", "a,b,c\n1,2,3\n");
  caw_dsv_opts o = caw_dsv_defaults(',');
  caw_dsv *r = (caw_dsv *)1;
  char err[CAW_ERRMAX] = "";
  (void)state;
  o.header = 1;
  o.fields = 4;
  assert_int_equal(caw_dsv_open(path, &o, &r, err, sizeof err), CAW_EINVAL);
  assert_null(r);
  assert_non_null(strstr(err, "hdr.csv:1: header has 3 fields, expected 4"));
}

static void invalid_utf8(void **state) {
  const char *path = WRITE("utf8.csv", "\xD2\x9A\xD0\xB0\xD0\xB7\xD0\xB0\xD2"
                                       "\x9B\xD1\x81\xD1\x82\xD0\xB0\xD0\xBD,"
                                       "ok\nx,caf\xE9 au lait\nlast,\xF0\x9F\x8C\x8D\n");
  caw_dsv_opts o = caw_dsv_defaults(',');
  caw_dsv *r = open_ok(path, NULL);
  (void)state;
  assert_int_equal(next_ok(r), 2);
  assert_field(r, 0, "\xD2\x9A\xD0\xB0\xD0\xB7\xD0\xB0\xD2\x9B\xD1\x81\xD1"
                     "\x82\xD0\xB0\xD0\xBD"); /* Kazakh, valid */
  assert_row_error(r, CAW_EINVAL,
                   "utf8.csv:2: field 2: invalid UTF-8 (byte 0xE9 at byte 4)");
  assert_int_equal(next_ok(r), 2); /* 4-byte sequence is valid */
  assert_eof(r);
  caw_dsv_close(r);
  o.utf8 = 0;
  r = open_ok(path, &o);
  assert_int_equal(next_ok(r), 2);
  assert_int_equal(next_ok(r), 2);
  assert_field(r, 1, "caf\xE9 au lait");
  caw_dsv_close(r);
}

/* Overlong forms, surrogates and code points past U+10FFFF are refused. */
static void utf8_edge_cases(void **state) {
  static const char *bad[] = {"\xC0\xAF", "\xE0\x80\xAF", "\xED\xA0\x80",
                              "\xF4\x90\x80\x80", "\xF5\x80\x80\x80",
                              "\x80", "abcdefgh\xC3", "\xE2\x82"};
  static const char *good[] = {"\xC2\x80", "\xED\x9F\xBF", "\xF4\x8F\xBF\xBF",
                               "\xEF\xBF\xBD", "abcdefghijklmnop\xC3\xA9xyz"};
  size_t i, n;
  char err[CAW_ERRMAX];
  (void)state;
  for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    caw_dsv *r = NULL;
    assert_int_equal(caw_dsv_open_mem(bad[i], strlen(bad[i]), "m", NULL, &r,
                                      err, sizeof err), CAW_OK);
    assert_int_equal(caw_dsv_next(r, &n, err, sizeof err), CAW_EINVAL);
    assert_non_null(strstr(err, "m:1: field 1: invalid UTF-8"));
    caw_dsv_close(r);
  }
  for (i = 0; i < sizeof good / sizeof good[0]; i++) {
    caw_dsv *r = NULL;
    assert_int_equal(caw_dsv_open_mem(good[i], strlen(good[i]), "m", NULL, &r,
                                      err, sizeof err), CAW_OK);
    assert_int_equal(next_ok(r), 1);
    assert_field(r, 0, good[i]);
    caw_dsv_close(r);
  }
}

static void nul_byte(void **state) {
  const char *path = WRITE("nul.tsv", "a\tb\nc\td\0e\nf\tg\n");
  caw_dsv_opts o = caw_dsv_defaults('\t');
  caw_dsv *r;
  (void)state;
  o.utf8 = 0; /* NUL is refused even without the UTF-8 check */
  r = open_ok(path, &o);
  assert_int_equal(next_ok(r), 2);
  assert_row_error(r, CAW_EINVAL, "nul.tsv:2: field 2: NUL byte at byte 2");
  assert_int_equal(next_ok(r), 2);
  assert_field(r, 0, "f");
  caw_dsv_close(r);
}

static void long_field_and_row(void **state) {
  const char *path = WRITE("long.csv", "abcd,e\nabcde,f\n\"ab\"\"c\",g\nok,h\n");
  const char *rows = WRITE("longrow.csv", "a,b\nabcd,abcd,abcd,abcd\nc,d\n");
  caw_dsv_opts o = caw_dsv_defaults(',');
  caw_dsv *r;
  size_t k, sizes[] = {0, 5};
  (void)state;
  o.max_field = 4;
  r = open_ok(path, &o);
  assert_int_equal(next_ok(r), 2);
  assert_row_error(r, CAW_EINVAL, "long.csv:2: field 1 is longer than 4 bytes");
  assert_int_equal(next_ok(r), 2); /* "ab""c" is 4 bytes once unquoted */
  assert_field(r, 0, "ab\"c");
  assert_int_equal(next_ok(r), 2);
  caw_dsv_close(r);
  for (k = 0; k < 2; k++) { /* the same verdict whatever the buffer */
    o.max_line = 12;
    o.bufsize = sizes[k];
    r = open_ok(rows, &o);
    assert_int_equal(next_ok(r), 2);
    assert_row_error(r, CAW_EINVAL, "longrow.csv:2: row is longer than 12 bytes");
    assert_row_error(r, CAW_EINVAL, "longrow.csv:2: row is longer than 12 bytes");
    caw_dsv_close(r);
  }
}

static void unterminated_quote(void **state) {
  const char *path = WRITE("unterm.csv", "x,y\na,\"bc\nd,e\n");
  const char *junk = WRITE("junk.csv", "a,\"b\"c,d\n");
  caw_dsv *r = open_ok(path, NULL);
  (void)state;
  assert_int_equal(next_ok(r), 2);
  assert_row_error(r, CAW_EINVAL,
                   "unterm.csv:2: field 2: quoted field not closed at end of file");
  /* stuck: the same error again, not a misread row */
  assert_row_error(r, CAW_EINVAL, "unterm.csv:2: field 2: quoted field");
  caw_dsv_close(r);
  r = open_ok(junk, NULL);
  assert_row_error(r, CAW_EINVAL,
                   "junk.csv:1: field 2: unexpected character after closing quote");
  caw_dsv_close(r);
}

/* A quote that never closes in a big file ends at the row limit, and the
** message says what probably happened. */
static void unclosed_quote_hits_row_limit(void **state) {
  const char *path = WRITE("runaway.csv", "id,text\n1,\"it said\n2,ok\n3,ok\n"
                                          "4,ok\n5,ok\n6,ok\n7,ok\n");
  caw_dsv_opts o = caw_dsv_defaults(',');
  caw_dsv *r;
  (void)state;
  o.max_line = 16;
  o.max_field = 8;
  r = open_ok(path, &o);
  assert_int_equal(next_ok(r), 2);
  assert_row_error(r, CAW_EINVAL, "runaway.csv:2: row is longer than 16 bytes "
                                  "(a quote that never closes?)");
  assert_int_equal(caw_dsv_stuck(r), CAW_EINVAL);
  caw_dsv_close(r);
}

static void missing_file_and_bad_options(void **state) {
  caw_dsv *r = (caw_dsv *)1;
  char err[CAW_ERRMAX] = "";
  caw_dsv_opts o = caw_dsv_defaults(',');
  (void)state;
  assert_int_equal(caw_dsv_open(CAW_TEST_DIR "/data/no-such-file.tsv", NULL,
                                &r, err, sizeof err), CAW_ENOENT);
  assert_null(r);
  assert_non_null(strstr(err, "no-such-file.tsv"));
  assert_int_equal(caw_dsv_open(CAW_TEST_DIR "/data", NULL, &r, err,
                                sizeof err), CAW_ENOENT);
  assert_non_null(strstr(err, "is a directory"));
  o.sep = '\n';
  assert_int_equal(caw_dsv_open(OWN_GDELT2, &o, &r, err, sizeof err),
                   CAW_EINVAL);
  assert_non_null(strstr(err, "invalid separator"));
  o = caw_dsv_defaults('"');
  o.quote = 1;
  assert_int_equal(caw_dsv_open(OWN_GDELT2, &o, &r, err, sizeof err),
                   CAW_EINVAL);
  assert_null(r);
}

/* ---- the buffer: every size must read the same rows ---- */

/* All rows of data as "line:f1|f2|...\n", or the error message. */
static char *dump(const char *data, size_t len, const caw_dsv_opts *o) {
  size_t cap = 4 * len + 256, used = 0, n, i;
  char *out = malloc(cap), err[CAW_ERRMAX];
  caw_dsv *r = NULL;
  caw_status st;
  assert_non_null(out);
  st = caw_dsv_open_mem(data, len, "mem", o, &r, err, sizeof err);
  assert_int_equal(st, CAW_OK);
  for (;;) {
    const caw_dsv_field *f;
    st = caw_dsv_next(r, &n, err, sizeof err);
    if (st != CAW_OK) {
      used += (size_t)snprintf(out + used, cap - used, "ERR %s\n", err);
      if (caw_dsv_stuck(r) != CAW_OK) break;
      continue;
    }
    if (n == 0) break;
    f = caw_dsv_row(r, NULL);
    used += (size_t)snprintf(out + used, cap - used, "%lld:", caw_dsv_line(r));
    for (i = 0; i < n; i++) {
      assert_true(used + f[i].len + 2 < cap);
      memcpy(out + used, f[i].ptr, f[i].len);
      used += f[i].len;
      out[used++] = i + 1 < n ? '|' : '\n';
    }
  }
  out[used] = '\0';
  caw_dsv_close(r);
  return out;
}

/* Rows that cross the buffer's end at every possible byte, errors too. */
#define INPUT(lit, fields, max_field, max_line) \
  { (lit), sizeof(lit) - 1, (fields), (max_field), (max_line) }
static void every_buffer_size(void **state) {
  static const struct {
    const char *data;
    size_t len, fields, max_field, max_line;
  } inputs[] = {
      INPUT("\"a,b\",\"line1\nline2\",\"say \"\"hi\"\"\",plain\n"
            "next,\"\",x\"y,\"crlf\r\ninside\"\r\n"
            "\"\"\"\",\"\"\"\"\"\",,\n"
            "\"last\",\"no newline\"", 0, 0, 0),
      INPUT("\xEF\xBB\xBFh1,h2\r\n\"q\"\"x\",\"a\r\n\r\nb\"\r\n\r\nc,\"\"\r\n"
            "\"end\"\r", 0, 0, 0),
      INPUT("a,b,c\nd,e\n\"f\",\"g\",\"h\"\nbad,\xff,x\nnul,\"x\0\",y\nz,z,z\n",
            3, 0, 0),
      INPUT("a,b\n\"unterminated,x\ny,z\n", 0, 0, 0),
      INPUT("a,b\n\"q\"junk,x\n", 0, 0, 0),
      INPUT("12345678901234567890,x\nshort,y\n1234567890123456789012,z\n"
            "123456789012345678901234567890\n", 0, 20, 25),
      INPUT("\"12345678901234567890\",x\n\"1234\"\"\"\"5\"\n"
            "\"123456789012345678901234567890\"\n", 0, 20, 25),
  };
  size_t i, size;
  (void)state;
  for (i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
    caw_dsv_opts o = caw_dsv_defaults(',');
    char *want;
    o.fields = inputs[i].fields;
    o.max_field = inputs[i].max_field;
    o.max_line = inputs[i].max_line;
    want = dump(inputs[i].data, inputs[i].len, &o);
    for (size = 1; size < 64; size++) {
      char *got;
      o.bufsize = size;
      got = dump(inputs[i].data, inputs[i].len, &o);
      if (strcmp(got, want) != 0)
        fail_msg("input %zu, buffer %zu:\n%s\nwanted:\n%s", i, size, got,
                 want);
      free(got);
    }
    if (getenv("CAW_TEST_VERBOSE")) printf("input %zu:\n%s", i, want);
    free(want);
  }
}

/* The messages of the sweep above, checked once against the default. */
static void sweep_reference(void **state) {
  static const char input[] =
      "a,b,c\nd,e\n\"f\",\"g\",\"h\"\nbad,\xff,x\nnul,\"x\0\",y\nz,z,z\n";
  caw_dsv_opts o = caw_dsv_defaults(',');
  char *got;
  (void)state;
  o.fields = 3;
  got = dump(input, sizeof input - 1, &o);
  assert_string_equal(got,
                      "1:a|b|c\n"
                      "ERR mem:2: expected 3 fields, found 2\n"
                      "3:f|g|h\n"
                      "ERR mem:4: field 2: invalid UTF-8 (byte 0xFF at byte 1)\n"
                      "ERR mem:5: field 2: NUL byte at byte 2\n"
                      "6:z|z|z\n");
  free(got);
}

/* Progress moves forward row by row and ends at the file size. */
static void progress(void **state) {
  caw_dsv_opts o = caw_dsv_defaults('\t');
  caw_dsv *r;
  uint64_t done, total, last = 0;
  size_t rows = 0;
  (void)state;
  r = open_ok(GDELT2, &o);
  caw_dsv_progress(r, &done, &total);
  assert_int_equal(done, 0);
  assert_int_equal(total, 855412);
  while (rows < 2111) {
    next_ok(r);
    rows++;
    caw_dsv_progress(r, &done, &total);
    assert_true(done > last);
    last = done;
  }
  assert_eof(r);
  caw_dsv_progress(r, &done, &total);
  assert_int_equal(done, total);
  caw_dsv_close(r);
}

int main(int argc, char **argv) {
  const struct CMUnitTest shared[] = {
      cmocka_unit_test(gdelt1_mixed_counts),
      cmocka_unit_test(gdelt2_export),
      cmocka_unit_test(gdelt2_wrong_count),
      cmocka_unit_test(icews_header),
      cmocka_unit_test(progress),
  };
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(own_gdelt1_mixed_counts),
      cmocka_unit_test(own_gdelt2_export),
      cmocka_unit_test(own_icews_header),
      cmocka_unit_test(duplicate_header_column),
      cmocka_unit_test(crlf_and_lf),
      cmocka_unit_test(bom_before_header),
      cmocka_unit_test(quoted_fields),
      cmocka_unit_test(tsv_quote_is_data),
      cmocka_unit_test(no_final_newline_and_blank_lines),
      cmocka_unit_test(empty_file),
      cmocka_unit_test(ragged_row),
      cmocka_unit_test(header_count_mismatch),
      cmocka_unit_test(invalid_utf8),
      cmocka_unit_test(utf8_edge_cases),
      cmocka_unit_test(nul_byte),
      cmocka_unit_test(long_field_and_row),
      cmocka_unit_test(unterminated_quote),
      cmocka_unit_test(unclosed_quote_hits_row_limit),
      cmocka_unit_test(missing_file_and_bad_options),
      cmocka_unit_test(sweep_reference),
      cmocka_unit_test(every_buffer_size),
  };
  if (argc > 1 && strcmp(argv[1], "--shared") == 0) { /* the real samples */
    static const char *const need[] = {"gdelt1_export_sample_reed9999.tsv",
                                       "gdelt2_20191024143000.export.tsv",
                                       "icews_events.2018.sample.tab", NULL};
    int missing = shared_data_missing(need);
    if (missing) return missing;
    return cmocka_run_group_tests(shared, make_tmpdir, remove_tmpdir);
  }
  return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}

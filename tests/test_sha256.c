/*
** test_sha256.c -- SHA-256 against FIPS 180-4 vectors and sha256sum,
** through libcrypto and through the portable fallback (forced by a
** library context whose only provider is OpenSSL's "null" one).
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/err.h>
#include <openssl/provider.h>

#include "caw/sha256.h"

static void known_vectors(void **state) {
  char hex[65];
  (void)state;
  caw_sha256_buf("", 0, hex);
  assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  caw_sha256_buf("abc", 3, hex);
  assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  caw_sha256_buf("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, hex);
  assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

/* Feeding a million 'a' in odd-sized pieces must equal the one-shot digest. */
static void streaming_pieces(void **state) {
  static char a[1000000];
  char one[65], many[65];
  caw_sha256 c;
  size_t off = 0, step = 1;
  (void)state;
  memset(a, 'a', sizeof a);
  caw_sha256_buf(a, sizeof a, one);
  assert_string_equal(one, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  caw_sha256_init(&c);
  while (off < sizeof a) {
    size_t n = step < sizeof a - off ? step : sizeof a - off;
    caw_sha256_update(&c, a + off, n);
    off += n;
    step = step * 3 % 197 + 1;
  }
  caw_sha256_hex(&c, many);
  assert_string_equal(one, many);
}

/*
** A multi-MiB pseudo-random stream (xorshift32, high byte), fed in odd
** pieces of up to 128 KiB after an empty one, must equal the one-shot
** digest and sha256sum of the same bytes (computed outside caw).
*/
static void large_stream(void **state) {
  static unsigned char data[5 * 1048576 + 77];
  char one[65], many[65];
  caw_sha256 c;
  size_t i, off = 0, step = 0;
  uint32_t x = 2463534242u;
  (void)state;
  for (i = 0; i < sizeof data; i++) {
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    data[i] = (unsigned char)(x >> 24);
  }
  caw_sha256_buf(data, sizeof data, one);
  assert_string_equal(one, "351944edf4cffde52578fcd7994f2c9d233c866e300407730484790cb5d1d19a");
  caw_sha256_init(&c);
  while (off < sizeof data) {
    size_t n = step < sizeof data - off ? step : sizeof data - off;
    caw_sha256_update(&c, data + off, n);
    off += n;
    step = ((step * 7919 + 13) % 131072) | 1;
  }
  caw_sha256_hex(&c, many);
  assert_string_equal(one, many);
}

/* The digest comes from libcrypto, and hex releases its context. */
static void uses_libcrypto(void **state) {
  caw_sha256 c;
  char hex[65];
  (void)state;
  caw_sha256_init(&c);
  assert_non_null(c.evp);
  caw_sha256_update(&c, "abc", 3);
  caw_sha256_hex(&c, hex);
  assert_null(c.evp);
  assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

/* Without a SHA-256 provider the portable code takes over, silently. */
static void uses_portable(void **state) {
  caw_sha256 c;
  char hex[65];
  (void)state;
  caw_sha256_init(&c);
  assert_null(c.evp);
  caw_sha256_update(&c, "abc", 3);
  caw_sha256_hex(&c, hex);
  assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  caw_sha256_buf("abc", 3, hex);
  assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  assert_int_equal(ERR_peek_error(), 0); /* no stale libcrypto errors */
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(known_vectors),
    cmocka_unit_test(streaming_pieces),
    cmocka_unit_test(large_stream),
    cmocka_unit_test(uses_libcrypto),
  };
  const struct CMUnitTest fallback[] = {
    cmocka_unit_test(uses_portable),
    cmocka_unit_test(known_vectors),
    cmocka_unit_test(streaming_pieces),
    cmocka_unit_test(large_stream),
  };
  OSSL_LIB_CTX *lib = OSSL_LIB_CTX_new(), *prev;
  OSSL_PROVIDER *none;
  int failed;
  if (!lib || !(none = OSSL_PROVIDER_load(lib, "null"))) {
    fprintf(stderr, "test_sha256: cannot set up the null provider\n");
    return 1;
  }
  failed = cmocka_run_group_tests_name("libcrypto", tests, NULL, NULL);
  prev = OSSL_LIB_CTX_set0_default(lib); /* no SHA-256 in this thread */
  failed += cmocka_run_group_tests_name("portable fallback", fallback, NULL, NULL);
  OSSL_LIB_CTX_set0_default(prev);
  OSSL_PROVIDER_unload(none);
  OSSL_LIB_CTX_free(lib);
  return failed;
}

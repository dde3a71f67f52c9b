/* test_sha256.c -- SHA-256 against FIPS 180-4 vectors and sha256sum. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

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

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(known_vectors),
    cmocka_unit_test(streaming_pieces),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
** utf8.c -- UTF-8 validation for the readers (dsv.c, json.c) and the
** store's field checks (store.c). Leaf module.
*/
#include <stdint.h>
#include <string.h>

#include "caw/utf8.h"

#define ONES 0x0101010101010101u
#define HIGHS 0x8080808080808080u

/* Length of the valid UTF-8 sequence at s (n > 0 bytes left), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n) {
  unsigned c = s[0];
  if (c < 0xC2) return 0;       /* stray continuation or overlong */
  if (c < 0xE0) return n >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
  if (c < 0xF0) {
    if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80) return 0;
    if (c == 0xE0 && s[1] < 0xA0) return 0; /* overlong */
    if (c == 0xED && s[1] > 0x9F) return 0; /* UTF-16 surrogate */
    return 3;
  }
  if (c < 0xF5) {
    if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
        (s[3] & 0xC0) != 0x80)
      return 0;
    if (c == 0xF0 && s[1] < 0x90) return 0; /* overlong */
    if (c == 0xF4 && s[1] > 0x8F) return 0; /* past U+10FFFF */
    return 4;
  }
  return 0;
}

size_t caw_utf8_check(const unsigned char *s, size_t len, int *nul) {
  size_t i = 0;
  if (nul) *nul = 0;
  while (i < len) {
    size_t k;
    while (i + 8 <= len) { /* skip words of ASCII without NUL */
      uint64_t w;
      memcpy(&w, s + i, 8);
      if (((w - ONES) | w) & HIGHS) break;
      i += 8;
    }
    if (i >= len) break;
    if (s[i] == 0) {
      if (nul) *nul = 1;
      return i;
    }
    if (s[i] < 0x80) {
      i++;
      continue;
    }
    k = utf8_seq(s + i, len - i);
    if (k == 0) return i;
    i += k;
  }
  return len;
}

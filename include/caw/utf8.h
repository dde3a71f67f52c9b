/*
** utf8.h -- UTF-8 validation shared by the readers (dsv, json) and the
** store's field checks. Leaf module.
*/
#ifndef CAW_UTF8_H
#define CAW_UTF8_H

#include <stddef.h>

/*
** Offset of the first byte of s[0..len) that is a NUL or starts an
** invalid UTF-8 sequence (overlong forms, surrogates and code points past
** U+10FFFF are invalid), or len when there is none. When nul is not NULL
** it is set to 1 if that byte is a NUL, else 0.
*/
size_t caw_utf8_check(const unsigned char *s, size_t len, int *nul);

#endif

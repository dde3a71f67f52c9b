/*
** sha256.h -- SHA-256 (FIPS 180-4), for import-batch fingerprints and
** stable event ids. Leaf module.
*/
#ifndef CAW_SHA256_H
#define CAW_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct caw_sha256 {
  uint32_t h[8];
  uint64_t nbytes;
  unsigned char buf[64];
  size_t nbuf;
} caw_sha256;

void caw_sha256_init(caw_sha256 *c);
void caw_sha256_update(caw_sha256 *c, const void *data, size_t len);
/* Finish and write the digest as 64 lowercase hex digits plus a NUL. */
void caw_sha256_hex(caw_sha256 *c, char out[65]);

/* One-shot digest of a buffer, as hex. */
void caw_sha256_buf(const void *data, size_t len, char out[65]);

#endif

/*
** sha256.h -- SHA-256 (FIPS 180-4), for import-batch fingerprints and
** stable event ids. Leaf module: computed by libcrypto (OpenSSL's EVP
** API), with a portable implementation as the fallback.
*/
#ifndef CAW_SHA256_H
#define CAW_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct evp_md_ctx_st; /* libcrypto's EVP_MD_CTX */

typedef struct caw_sha256 {
  struct evp_md_ctx_st *evp; /* libcrypto's state; NULL: the fields below */
  int failed;                /* libcrypto failed after a successful init */
  uint32_t h[8];             /* portable state, used only when evp is NULL */
  uint64_t nbytes;
  unsigned char buf[64];
  size_t nbuf;
} caw_sha256;

/*
** Start a digest. Cannot fail: if libcrypto cannot give a context (out of
** memory, no provider for SHA-256) the portable code takes over. Every
** caw_sha256_init must be finished by caw_sha256_hex, which releases the
** context.
*/
void caw_sha256_init(caw_sha256 *c);
void caw_sha256_update(caw_sha256 *c, const void *data, size_t len);
/*
** Finish, release the context and write the digest as 64 lowercase hex
** digits plus a NUL. Writes "" only if libcrypto failed in the middle of
** a digest, which its built-in SHA-256 does not do.
*/
void caw_sha256_hex(caw_sha256 *c, char out[65]);

/* One-shot digest of a buffer, as hex. Cannot fail. */
void caw_sha256_buf(const void *data, size_t len, char out[65]);

#endif

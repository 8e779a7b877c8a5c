/* mldsa_prehash.h: HashML-DSA's pre-hash step (private to src/crypto): OID(PH) || PH(M), the tail
 * of M' = 0x01 || len(ctx) || ctx || OID || PH(M). */
#ifndef CCTSA_CRYPTO_MLDSA_PREHASH_H
#define CCTSA_CRYPTO_MLDSA_PREHASH_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/mldsa.h"

#define MLDSA_PREHASH_MAXBYTES (11 + 64)

/* Writes DER OID (11 bytes) || digest of msg; returns the length, or 0 for an unknown algorithm or
 * a hashing failure. */
size_t mldsa_prehash_encode(uint8_t out[MLDSA_PREHASH_MAXBYTES], int ph, const uint8_t *msg, size_t msglen);

#endif

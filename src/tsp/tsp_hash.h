/* tsp_hash.h: the message-imprint hash algorithms a TimeStampReq may use (SHA-2 and SHA-3 at
 * 256/384/512 bits), their OIDs and digest lengths, and one-shot hashing through OpenSSL EVP.
 * Also recognises the weak algorithms (SHA-1, MD5) so the engine can answer badAlg for them. */
#ifndef CCTSA_TSP_HASH_H
#define CCTSA_TSP_HASH_H

#include <stddef.h>

#include "base/base.h"
#include <stdint.h>

typedef enum {
    TSP_HASH_SHA256,
    TSP_HASH_SHA384,
    TSP_HASH_SHA512,
    TSP_HASH_SHA3_256,
    TSP_HASH_SHA3_384,
    TSP_HASH_SHA3_512,
    TSP_HASH_COUNT
} tsp_hash_alg;

#define TSP_HASH_MAX_LEN 64

/* Lookup by OID contents bytes: the algorithm, or -1 if unknown or not accepted (SHA-1, MD5...). */
CC_MUST_CHECK int tsp_hash_from_oid(const uint8_t *oid, size_t n);
/* 1 if the OID names a known-weak digest (SHA-1, MD5, SHA-224): rejected with badAlg. */
CC_MUST_CHECK int tsp_hash_oid_is_weak(const uint8_t *oid, size_t n);
/* Lookup by name as on the command line ("sha256", "sha3-384", ...); -1 if unknown. */
CC_MUST_CHECK int tsp_hash_from_name(const char *name);
const char *tsp_hash_name(tsp_hash_alg alg);
const uint8_t *tsp_hash_oid(tsp_hash_alg alg, size_t *n);
size_t tsp_hash_len(tsp_hash_alg alg);
/* Hash `len` bytes into out (tsp_hash_len(alg) bytes). 0 on success, -1 on failure. */
CC_MUST_CHECK int tsp_hash(tsp_hash_alg alg, const uint8_t *in, size_t len, uint8_t *out);
/* Hash a whole file; 0 on success, -1 (errno set by stdio) if it cannot be read. */
CC_MUST_CHECK int tsp_hash_file(tsp_hash_alg alg, const char *path, uint8_t *out);

#endif

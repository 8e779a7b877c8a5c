/* mldsa_message.h: FIPS 204 message formatting shared by signing and verification (private to
 * src/crypto): M' for the pure interface (0x00 || len(ctx) || ctx || M), for HashML-DSA
 * (0x01 || len(ctx) || ctx || OID || PH(M)) or a raw M' (Sign_internal), and
 * mu = SHAKE256(tr || M', 64). M' is absorbed piecewise, never copied into one buffer. */
#ifndef CCTSA_CRYPTO_MLDSA_MESSAGE_H
#define CCTSA_CRYPTO_MLDSA_MESSAGE_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/mldsa.h"
#include "crypto/mldsa_blocks.h"
#include "crypto/mldsa_prehash.h"

/* M' as a header (domain byte, context length, context) and a body (M, OID || PH(M), or a raw
 * M'). The body may point into the struct itself: do not copy an initialised mldsa_mprime. */
typedef struct {
    uint8_t header[2 + CC_MLDSA_MAX_CTX];
    size_t headerlen;
    uint8_t prehash[MLDSA_PREHASH_MAXBYTES];
    const uint8_t *body;
    size_t bodylen;
} mldsa_mprime;

/* Each returns CC_MLDSA_OK, CC_MLDSA_EINVAL (context over 255 bytes, NULL with a nonzero length)
 * or CC_MLDSA_EHASH (unknown pre-hash). */
int mldsa_mprime_pure(mldsa_mprime *m, const uint8_t *msg, size_t msglen, const uint8_t *ctx, size_t ctxlen);
int mldsa_mprime_prehash(mldsa_mprime *m, const uint8_t *msg, size_t msglen, const uint8_t *ctx, size_t ctxlen,
                         cc_prehash_alg ph);
int mldsa_mprime_raw(mldsa_mprime *m, const uint8_t *mprime, size_t mlen);

void mldsa_compute_mu(uint8_t mu[CC_MLDSA65_MUBYTES], const uint8_t tr[MLDSA_TRBYTES], const mldsa_mprime *m);

#endif

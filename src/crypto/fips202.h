/* fips202.h: SHA-3 and SHAKE (FIPS 202) on our own Keccak-f[1600], with incremental absorb and
 * incremental squeeze (which OpenSSL 3.0's EVP interface lacks). Owned here: the sponge, its
 * domain-separation suffixes and the fixed-output SHA3 helpers. No secret-dependent branches. */
#ifndef CCTSA_CRYPTO_FIPS202_H
#define CCTSA_CRYPTO_FIPS202_H

#include <stddef.h>
#include <stdint.h>

#define CC_SHAKE128_RATE 168
#define CC_SHAKE256_RATE 136
#define CC_SHA3_256_RATE 136
#define CC_SHA3_512_RATE 72

/* A Keccak sponge. Absorb any number of times, then squeeze any number of times (no absorb after
 * the first squeeze). */
typedef struct {
    uint64_t s[25];
    unsigned pos;   /* byte position inside the current rate block */
    unsigned rate;  /* bytes */
    uint8_t suffix; /* domain separation: 0x1F SHAKE, 0x06 SHA3 */
    int squeezing;
} cc_keccak_ctx;

void cc_keccak_f1600(uint64_t s[25]);

void cc_shake128_init(cc_keccak_ctx *ctx);
void cc_shake256_init(cc_keccak_ctx *ctx);
void cc_keccak_absorb(cc_keccak_ctx *ctx, const uint8_t *in, size_t len);
/* Pads and switches to squeezing; called implicitly by the first squeeze. */
void cc_keccak_finalize(cc_keccak_ctx *ctx);
void cc_keccak_squeeze(cc_keccak_ctx *ctx, uint8_t *out, size_t len);
/* Squeeze whole rate blocks (out must hold nblocks * rate bytes); only valid right after finalize
 * or after a previous whole-block squeeze. */
void cc_keccak_squeezeblocks(cc_keccak_ctx *ctx, uint8_t *out, size_t nblocks);
/* Zeroize the state (call on every sponge that absorbed a secret). */
void cc_keccak_wipe(cc_keccak_ctx *ctx);

void cc_shake128(uint8_t *out, size_t outlen, const uint8_t *in, size_t inlen);
void cc_shake256(uint8_t *out, size_t outlen, const uint8_t *in, size_t inlen);
void cc_sha3_256(uint8_t out[32], const uint8_t *in, size_t inlen);
/* Added: SHA3-224 (for the HashML-DSA pre-hash). */
void cc_sha3_224(uint8_t out[28], const uint8_t *in, size_t inlen);
void cc_sha3_384(uint8_t out[48], const uint8_t *in, size_t inlen);
void cc_sha3_512(uint8_t out[64], const uint8_t *in, size_t inlen);

#endif

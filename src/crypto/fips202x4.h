/* fips202x4.h: four independent SHAKE256 computations in lockstep (FIPS 202 Keccak-f[1600]
 * on four interleaved states). Owned here: the 4-way permutation and a one-shot 4-way SHAKE256
 * over equal-length inputs. The threshold signer hashes many equal-length independent inputs
 * (the 62 mask streams of 18 KB, the 62 packed w of 4.4 KB); processing four at once lets the
 * compiler use 256-bit vectors (an AVX2 clone is selected at load time on x86-64), which roughly
 * halves the SHAKE cost. Results are bit-identical to cc_shake256 (checked by test_tmldsa_wire).
 * No data-dependent branches or indexes. The incremental form below serves ML-DSA's samplers. */
#ifndef CCTSA_CRYPTO_FIPS202X4_H
#define CCTSA_CRYPTO_FIPS202X4_H

#include <stddef.h>
#include <stdint.h>

/* out[i] = SHAKE256(in[i], outlen) for i = 0..3; all inputs have length inlen. Pointers may repeat
 * (e.g. to fill unused lanes). */
void cc_shake256x4(uint8_t *const out[4], size_t outlen, const uint8_t *const in[4], size_t inlen);

/* Incremental squeeze over four SHAKE128 or SHAKE256 sponges (ML-DSA's ExpandA, ExpandS and
 * ExpandMask): absorb four equal-length inputs once, then squeeze whole rate blocks as often as
 * needed. st[lane][instance]; wipe it after a secret input. */
typedef struct {
    uint64_t st[25][4];
    unsigned rate;
} cc_keccakx4_ctx;

void cc_shake128x4_absorb_once(cc_keccakx4_ctx *ctx, const uint8_t *const in[4], size_t inlen);
void cc_shake256x4_absorb_once(cc_keccakx4_ctx *ctx, const uint8_t *const in[4], size_t inlen);
/* out[i] receives nblocks * rate bytes of instance i (pointers may repeat). */
void cc_keccakx4_squeezeblocks(cc_keccakx4_ctx *ctx, uint8_t *const out[4], size_t nblocks);
void cc_keccakx4_wipe(cc_keccakx4_ctx *ctx);

#endif

/* fips202x4.h: four independent SHAKE256 computations in lockstep (FIPS 202 Keccak-f[1600]
 * on four interleaved states). Owned here: the 4-way permutation and a one-shot 4-way SHAKE256
 * over equal-length inputs. The threshold signer hashes many equal-length independent inputs
 * (the 62 mask streams of 18 KB, the 62 packed w of 4.4 KB); processing four at once lets the
 * compiler use 256-bit vectors (an AVX2 clone is selected at load time on x86-64), which roughly
 * halves the SHAKE cost. Results are bit-identical to cc_shake256 (checked by test_tmldsa_wire).
 * No data-dependent branches or indexes. */
#ifndef CCTSA_CRYPTO_FIPS202X4_H
#define CCTSA_CRYPTO_FIPS202X4_H

#include <stddef.h>
#include <stdint.h>

/* out[i] = SHAKE256(in[i], outlen) for i = 0..3; all inputs have length inlen. Pointers may repeat
 * (e.g. to fill unused lanes). */
void cc_shake256x4(uint8_t *const out[4], size_t outlen, const uint8_t *const in[4], size_t inlen);

#endif

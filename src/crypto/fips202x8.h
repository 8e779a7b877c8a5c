/* fips202x8.h: eight independent SHAKE256 computations in one pass (FIPS 202). Owned here: the
 * one-shot 8-way SHAKE256 over equal-length inputs. On x86-64 CPUs with AVX-512F the eight
 * Keccak-f[1600] states are interleaved in 512-bit registers (one zmm per lane, vprolq and
 * vpternlogq), selected once at load time from CPUID; elsewhere (other CPUs, CCTSA_PORTABLE builds,
 * valgrind, which does not report AVX-512) it is two 4-way calls (fips202x4.h). Either way
 * out[i] is bit-identical to cc_shake256(out[i], outlen, in[i], inlen) (test_shake_x8). */
#ifndef CCTSA_CRYPTO_FIPS202X8_H
#define CCTSA_CRYPTO_FIPS202X8_H

#include <stddef.h>
#include <stdint.h>

/* out[i] = SHAKE256(in[i], outlen) for i = 0..7; all inputs have length inlen. Pointers may repeat
 * (e.g. to fill unused lanes). */
void cc_shake256x8(uint8_t *const out[8], size_t outlen, const uint8_t *const in[8], size_t inlen);

/* The fallback (two cc_shake256x4 calls), callable directly so tests compare both paths. */
void cc_shake256x8_pair(uint8_t *const out[8], size_t outlen, const uint8_t *const in[8], size_t inlen);

/* 1 when cc_shake256x8 runs the 8-lane AVX-512 permutation on this CPU and build, 0 for the fallback. */
int cc_shake256x8_wide(void);

#endif

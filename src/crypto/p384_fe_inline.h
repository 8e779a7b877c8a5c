/* p384_fe_inline.h: the P-384 field core (Montgomery form modulo p = 2^384 - 2^128 - 2^96 + 2^32 - 1,
 * on crypto/mont384.h) as static inline functions, so the point formulas (p384_point.c) and the
 * exported wrappers (p384_fe.c) share one implementation without a call per operation. Every
 * operation is a fixed sequence of instructions whatever the values (constant time); values in and
 * out are fully reduced (< p). (A reduction specialised to the shape of p, with shifts and
 * add/subtract chains instead of the six multiplications per round, measured slower than the
 * generic CIOS here and was dropped.) */
#ifndef CCTSA_CRYPTO_P384_FE_INLINE_H
#define CCTSA_CRYPTO_P384_FE_INLINE_H

#include <stdint.h>

#include "crypto/mont384.h"

static const uint64_t P384_P[6] = {0x00000000ffffffffULL, 0xffffffff00000000ULL, 0xfffffffffffffffeULL,
                                   0xffffffffffffffffULL, 0xffffffffffffffffULL, 0xffffffffffffffffULL};

static const uint64_t P384_P0 = 0x100000001ULL; /* -p^-1 mod 2^64 */

static inline void p384_fe_mul_i(uint64_t r[6], const uint64_t a[6], const uint64_t b[6])
{
    tm_mul(r, a, b, P384_P, P384_P0);
}
static inline void p384_fe_sqr_i(uint64_t r[6], const uint64_t a[6]) { tm_sqr(r, a, P384_P, P384_P0); }
static inline void p384_fe_add_i(uint64_t r[6], const uint64_t a[6], const uint64_t b[6]) { tm_add(r, a, b, P384_P); }
static inline void p384_fe_sub_i(uint64_t r[6], const uint64_t a[6], const uint64_t b[6]) { tm_sub(r, a, b, P384_P); }
/* r = bit ? a : r, bit in {0,1} (masked, no branch): inlined into the table scans. */
static inline void p384_fe_cmov_i(uint64_t r[6], const uint64_t a[6], uint64_t bit)
{
    uint64_t mask = 0 - (bit & 1);
    for (int i = 0; i < 6; i++) r[i] ^= (r[i] ^ a[i]) & mask;
}

#endif

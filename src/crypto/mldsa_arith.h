/* mldsa_arith.h: inline scalar arithmetic mod q (private to src/crypto), so the NTT and the
 * coefficient loops need no function call per coefficient. mldsa_reduce.c exports the same
 * operations under the names declared in mldsa_blocks.h. */
#ifndef CCTSA_CRYPTO_MLDSA_ARITH_H
#define CCTSA_CRYPTO_MLDSA_ARITH_H

#include <stdint.h>

#include "crypto/mldsa_blocks.h"

#define MLDSA_QINV 58728449 /* q^-1 mod 2^32 */

/* a * 2^-32 mod q for |a| < 2^31 q, result in (-q, q). */
static inline int32_t mont_reduce(int64_t a)
{
    /* m = a * q^-1 mod 2^32 (as a signed value); a - m*q is divisible by 2^32. */
    int32_t m = (int32_t)(uint32_t)((uint64_t)a * (uint64_t)MLDSA_QINV);
    return (int32_t)((a - (int64_t)m * MLDSA_Q) >> 32);
}

/* The same value as mont_reduce, written as the difference of the high halves: the low 32 bits of
 * a and m * q are equal, so (a - m q) / 2^32 = hi(a) - hi(m q) exactly. For loops the compiler
 * vectorizes (AVX2 clones): the high halves are a shuffle, while AVX2 has no 64-bit arithmetic
 * shift to emulate. */
static inline int32_t mont_reduce_hi(int64_t a)
{
    int32_t m = (int32_t)(uint32_t)((uint64_t)a * (uint64_t)MLDSA_QINV);
    return (int32_t)((uint64_t)a >> 32) - (int32_t)((uint64_t)((int64_t)m * MLDSA_Q) >> 32);
}

/* q = 2^23 - 2^13 + 1: subtracting round(a / 2^23) * q leaves |result| <= 6283008. */
static inline int32_t reduce32(int32_t a)
{
    int32_t t = (a + (1 << 22)) >> 23;
    return a - t * MLDSA_Q;
}

static inline int32_t caddq(int32_t a) { return a + ((a >> 31) & MLDSA_Q); }

#endif

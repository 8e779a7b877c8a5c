/* p384_fe_adx.h (private to src/crypto): the P-384 field multiplication and squaring modulo p in
 * x86-64 inline assembly with MULX (BMI2) and the two independent carry chains of ADCX / ADOX
 * (ADX): the Montgomery product (CIOS, one row a * b[i] and one reduction row q * p per limb,
 * q = t0 * (2^32 + 1) since -p^-1 = 2^32 + 1 mod 2^64), then the same final conditional
 * subtraction as the portable code (crypto/mont384.h). The result is the unique value < p, so it
 * is bit-identical to p384_fe_mul_i / p384_fe_sqr_i. Straight-line code: no branch and no memory
 * index depends on the operands (constant time). Defines P384_FE_ADX only on x86-64 GCC/clang
 * builds without CCTSA_PORTABLE; callers run this code only where CPUID reports BMI2 and ADX
 * (p384_impl.h). */
#ifndef CCTSA_CRYPTO_P384_FE_ADX_H
#define CCTSA_CRYPTO_P384_FE_ADX_H

#include "crypto/p384_fe_inline.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(CCTSA_PORTABLE)
#define P384_FE_ADX 1

/* One step of a row: lo:hi = a[j] * rdx; t_j += lo on the CF chain, t_(j+1) += hi on the OF chain. */
#define P384_ADX_STEP(src, tj, tj1)                                                                                    \
    "mulxq " src ", %[lo], %[hi]\n\t"                                                                                  \
    "adcxq %[lo], %[" tj "]\n\t"                                                                                       \
    "adoxq %[hi], %[" tj1 "]\n\t"

/* t (8 limbs t0..t7, t7 cleared here) += a * b[i], b[i] at byte offset off of b. */
#define P384_ADX_MULROW(off, t0, t1, t2, t3, t4, t5, t6, t7)                                                           \
    "movq " off "(%[b]), %%rdx\n\t"                                                                                    \
    "xorl %k[" t7 "], %k[" t7 "]\n\t" /* also clears CF and OF */                                                      \
        P384_ADX_STEP("0(%[a])", t0, t1) P384_ADX_STEP("8(%[a])", t1, t2) P384_ADX_STEP("16(%[a])", t2, t3)            \
            P384_ADX_STEP("24(%[a])", t3, t4) P384_ADX_STEP("32(%[a])", t4, t5)                                        \
                P384_ADX_STEP("40(%[a])", t5, t6) "adcxq %[" t7 "], %[" t6 "]\n\t"                                     \
                                                  "adoxq %[" t7 "], %[" t7 "]\n\t"                                     \
                                                  "adcq $0, %[" t7 "]\n\t"

/* t += q * p with q = t0 (2^32 + 1) mod 2^64, which clears t0: the value divided by 2^64 is then
 * t1..t7. */
#define P384_ADX_REDROW(t0, t1, t2, t3, t4, t5, t6, t7)                                                                \
    "movq %[" t0 "], %%rdx\n\t"                                                                                        \
    "shlq $32, %%rdx\n\t"                                                                                              \
    "addq %[" t0 "], %%rdx\n\t"                                                                                        \
    "xorl %k[lo], %k[lo]\n\t" P384_ADX_STEP("%[p0]", t0, t1) P384_ADX_STEP("%[p1]", t1, t2)                            \
        P384_ADX_STEP("%[p2]", t2, t3) P384_ADX_STEP("%[p3]", t3, t4) P384_ADX_STEP("%[p3]", t4, t5)                   \
            P384_ADX_STEP("%[p3]", t5, t6) "movl $0, %k[lo]\n\t" /* mov leaves the flags */                            \
                                           "adcxq %[lo], %[" t6 "]\n\t"                                                \
                                           "adoxq %[lo], %[" t7 "]\n\t"                                                \
                                           "adcxq %[lo], %[" t7 "]\n\t"

/* Round i works on the registers r(i)..r(i+7) (indices mod 8): the value moves down one register
 * per round instead of being copied. */
#define P384_ADX_ROUND(off, t0, t1, t2, t3, t4, t5, t6, t7)                                                            \
    P384_ADX_MULROW(off, t0, t1, t2, t3, t4, t5, t6, t7) P384_ADX_REDROW(t0, t1, t2, t3, t4, t5, t6, t7)

/* r = a * b / 2^384 mod p for a, b < p. */
static inline void p384_fe_mul_adx(uint64_t r[6], const uint64_t a[6], const uint64_t b[6])
{
    uint64_t r0, r1, r2, r3, r4, r5, r6, r7, lo, hi;
    __asm__(
        "xorl %k[r0], %k[r0]\n\t"
        "xorl %k[r1], %k[r1]\n\t"
        "xorl %k[r2], %k[r2]\n\t"
        "xorl %k[r3], %k[r3]\n\t"
        "xorl %k[r4], %k[r4]\n\t"
        "xorl %k[r5], %k[r5]\n\t"
        "xorl %k[r6], %k[r6]\n\t" P384_ADX_ROUND("0", "r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7")
            P384_ADX_ROUND("8", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r0")
                P384_ADX_ROUND("16", "r2", "r3", "r4", "r5", "r6", "r7", "r0", "r1")
                    P384_ADX_ROUND("24", "r3", "r4", "r5", "r6", "r7", "r0", "r1", "r2")
                        P384_ADX_ROUND("32", "r4", "r5", "r6", "r7", "r0", "r1", "r2", "r3")
                            P384_ADX_ROUND("40", "r5", "r6", "r7", "r0", "r1", "r2", "r3", "r4")
        : [r0] "=&r"(r0), [r1] "=&r"(r1), [r2] "=&r"(r2), [r3] "=&r"(r3), [r4] "=&r"(r4), [r5] "=&r"(r5),
          [r6] "=&r"(r6), [r7] "=&r"(r7), [lo] "=&r"(lo), [hi] "=&r"(hi)
        : [a] "r"(a), [b] "r"(b), [p0] "m"(P384_P[0]), [p1] "m"(P384_P[1]), [p2] "m"(P384_P[2]), [p3] "m"(P384_P[3]),
          "m"(*(const uint64_t(*)[6])a), "m"(*(const uint64_t(*)[6])b)
        : "rdx", "cc");
    /* the value, < 2p, is r6 r7 r0 r1 r2 r3 with its top bit in r4 */
    const uint64_t t[6] = {r6, r7, r0, r1, r2, r3};
    tm_reduce_once(r, t, r4, P384_P);
}

static inline void p384_fe_sqr_adx(uint64_t r[6], const uint64_t a[6]) { p384_fe_mul_adx(r, a, a); }

#endif
#endif

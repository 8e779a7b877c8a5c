/* p384_fe_adx.h (private to src/crypto): the P-384 field multiplication and squaring modulo p in
 * x86-64 inline assembly with MULX (BMI2) and the two independent carry chains of ADCX / ADOX
 * (ADX): the Montgomery product (CIOS, one row a * b[i] and one reduction row q * p per limb,
 * q = t0 * (2^32 + 1) since -p^-1 = 2^32 + 1 mod 2^64, the reduction row specialised to the shape
 * of p), a separate square, then the same final conditional subtraction as the portable code
 * (crypto/mont384.h). The result is the unique value < p, so it
 * is bit-identical to p384_fe_mul_i / p384_fe_sqr_i. Straight-line code: no branch and no memory
 * index depends on the operands (constant time). Defines P384_FE_ADX only on x86-64 GCC builds
 * without CCTSA_PORTABLE; callers run this code only where CPUID reports BMI2 and ADX
 * (p384_impl.h). */
#ifndef CCTSA_CRYPTO_P384_FE_ADX_H
#define CCTSA_CRYPTO_P384_FE_ADX_H

#include "crypto/p384_fe_inline.h"

/* GCC only: clang cannot allocate the 13 registers these blocks ask for (a clang build gets the
 * portable table). */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(CCTSA_PORTABLE)
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

/* t += q p with q = t0 (2^32 + 1) mod 2^64 (-p^-1 = 2^32 + 1 mod 2^64), which clears t0, so the
 * value divided by 2^64 is t1..t7. With p = 2^384 - c, c = 2^128 + 2^96 - 2^32 + 1 =
 * (1, c1, c0) in limbs, t + q p = t + q 2^384 - q c, and the low limb of q c equals t0, so only
 * v = floor(q c / 2^64) = floor(q c0 / 2^64) + q c1 + q 2^64 (three limbs v0, v1, v2) is
 * subtracted from t1..t7 after q is added to t6: two multiplications instead of six. t0 is
 * scratch from here on (the next row clears it as its t7). */
#define P384_ADX_REDROW(t0, t1, t2, t3, t4, t5, t6, t7)                                                                \
    "movq %[" t0 "], %%rdx\n\t"                                                                                        \
    "shlq $32, %%rdx\n\t"                                                                                              \
    "addq %[" t0 "], %%rdx\n\t"                                                                                        \
    "mulxq %[c0], %[" t0 "], %[hi]\n\t" /* the low half equals t0: dropped */                                          \
    "mulxq %[c1], %[lo], %[" t0 "]\n\t"                                                                                \
    "addq %[lo], %[hi]\n\t"     /* v0 */                                                                               \
    "adcq %%rdx, %[" t0 "]\n\t" /* v1 */                                                                               \
    "sbbq %[lo], %[lo]\n\t"                                                                                            \
    "negq %[lo]\n\t" /* v2 */                                                                                          \
    "addq %%rdx, %[" t6 "]\n\t"                                                                                        \
    "adcq $0, %[" t7 "]\n\t"                                                                                           \
    "subq %[hi], %[" t1 "]\n\t"                                                                                        \
    "sbbq %[" t0 "], %[" t2 "]\n\t"                                                                                    \
    "sbbq %[lo], %[" t3 "]\n\t"                                                                                        \
    "sbbq $0, %[" t4 "]\n\t"                                                                                           \
    "sbbq $0, %[" t5 "]\n\t"                                                                                           \
    "sbbq $0, %[" t6 "]\n\t"                                                                                           \
    "sbbq $0, %[" t7 "]\n\t"

/* Round i works on the registers r(i)..r(i+7) (indices mod 8): the value moves down one register
 * per round instead of being copied. */
#define P384_ADX_ROUND(off, t0, t1, t2, t3, t4, t5, t6, t7)                                                            \
    P384_ADX_MULROW(off, t0, t1, t2, t3, t4, t5, t6, t7) P384_ADX_REDROW(t0, t1, t2, t3, t4, t5, t6, t7)

/* c = 2^384 - p: its low limbs c0, c1 (mulx operands) */
static const uint64_t P384_ADX_C[2] = {0xffffffff00000001ULL, 0x00000000ffffffffULL};

/* r = a * b / 2^384 mod p for a, b < p. */
static inline void p384_fe_mul_adx(uint64_t r[6], const uint64_t a[6], const uint64_t b[6])
{
    uint64_t r0, r1, r2, r3, r4, r5, r6, r7, lo, hi;
    __asm__("xorl %k[r0], %k[r0]\n\t"
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
            : [a] "r"(a), [b] "r"(b), [c0] "m"(P384_ADX_C[0]), [c1] "m"(P384_ADX_C[1]), "m"(*(const uint64_t(*)[6])a),
              "m"(*(const uint64_t(*)[6])b)
            : "rdx", "cc");
    /* the value, < 2p, is r6 r7 r0 r1 r2 r3 with its top bit in r4 */
    const uint64_t t[6] = {r6, r7, r0, r1, r2, r3};
    tm_reduce_once(r, t, r4, P384_P);
}

/* One limb of the doubling pass of the square: t = 2 t + d + carries (CF chain doubles, OF chain
 * adds the diagonal half d). */
#define P384_ADX_DBL(t, d)                                                                                             \
    "adcxq %[" t "], %[" t "]\n\t"                                                                                     \
    "adoxq %[" d "], %[" t "]\n\t"
/* The same for a limb kept in S (through the register t). */
#define P384_ADX_DBL_MEM(off, t, d)                                                                                    \
    "movq " off "(%[s]), %[" t "]\n\t" P384_ADX_DBL(t, d) "movq %[" t "], " off "(%[s])\n\t"

/* r = a^2 / 2^384 mod p for a < p: the 12-limb square T (15 cross products, doubled, plus the 6
 * squares: 21 multiplications against 36), then the Montgomery reduction of its low half L
 * (L' = (L + Q p) / 2^384 <= p, six rows as in the product) plus its high half H < p, so the sum
 * is < 2p for the final subtraction. The cross products and H go through S on the stack. */
static inline void p384_fe_sqr_adx(uint64_t r[6], const uint64_t a[6])
{
    uint64_t r0, r1, r2, r3, r4, r5, r6, r7, lo, hi, s[12];
    __asm__(
        /* cross products a_i a_j (i < j) at limb i + j, limb k in register r(k mod 8) */
        "movq 0(%[a]), %%rdx\n\t"
        "mulxq 8(%[a]), %[r1], %[r2]\n\t"
        "mulxq 16(%[a]), %[lo], %[r3]\n\t"
        "addq %[lo], %[r2]\n\t"
        "mulxq 24(%[a]), %[lo], %[r4]\n\t"
        "adcq %[lo], %[r3]\n\t"
        "mulxq 32(%[a]), %[lo], %[r5]\n\t"
        "adcq %[lo], %[r4]\n\t"
        "mulxq 40(%[a]), %[lo], %[r6]\n\t"
        "adcq %[lo], %[r5]\n\t"
        "adcq $0, %[r6]\n\t"
        "movq %[r1], 8(%[s])\n\t"
        "movq %[r2], 16(%[s])\n\t"
        "movq 8(%[a]), %%rdx\n\t"
        "xorl %k[r7], %k[r7]\n\t" P384_ADX_STEP("16(%[a])", "r3", "r4") P384_ADX_STEP("24(%[a])", "r4", "r5")
            P384_ADX_STEP("32(%[a])", "r5", "r6") P384_ADX_STEP(
                "40(%[a])",
                "r6", "r7") "movl $0, %k[lo]\n\t"
                            "adcxq %[lo], %[r7]\n\t"
                            "movq %[r3], 24(%[s])\n\t"
                            "movq %[r4], 32(%[s])\n\t"
                            "movq 16(%[a]), %%rdx\n\t"
                            "xorl %k[r0], %k[r0]\n\t" P384_ADX_STEP("24(%[a])", "r5", "r6")
                                P384_ADX_STEP("32(%[a])", "r6", "r7") P384_ADX_STEP(
                                    "40(%[a])",
                                    "r7", "r0") "movl $0, %k[lo]\n\t"
                                                "adcxq %[lo], %[r0]\n\t"
                                                "movq %[r5], 40(%[s])\n\t"
                                                "movq %[r6], 48(%[s])\n\t"
                                                "movq 24(%[a]), %%rdx\n\t"
                                                "xorl %k[r1], %k[r1]\n\t" P384_ADX_STEP("32(%[a])", "r7", "r0")
                                                    P384_ADX_STEP(
                                                        "40(%[a])", "r0",
                                                        "r1") "movl $0, %k[lo]\n\t"
                                                              "adcxq %[lo], %[r1]\n\t"
                                                              "movq %[r7], 56(%[s])\n\t"
                                                              "movq %[r0], 64(%[s])\n\t"
                                                              "movq 32(%[a]), %%rdx\n\t"
                                                              "mulxq 40(%[a]), %[lo], %[r2]\n\t"
                                                              "addq %[lo], %[r1]\n\t"
                                                              "adcq $0, %[r2]\n\t"
                                                              "movq %[r1], 72(%[s])\n\t"
                                                              "movq %[r2], 80(%[s])\n\t"
                                                              /* T = 2 (cross products) + squares: the low half into r0..r5, the high half into s[6..11] */
                                                              "xorl %k[r0], %k[r0]\n\t"
                                                              "movq 0(%[a]), %%rdx\n\t"
                                                              "mulxq %%rdx, %[lo], %[hi]\n\t" P384_ADX_DBL("r0", "lo") "movq 8(%[s]), %[r1]\n\t" P384_ADX_DBL(
                                                                  "r1",
                                                                  "hi") "movq 8(%[a]), %%rdx\n\t"
                                                                        "mulxq %%rdx, %[lo], %[hi]\n\t"
                                                                        "movq 16(%[s]), %[r2]\n\t" P384_ADX_DBL("r2", "lo") "movq 24(%[s]), %[r3]\n\t" P384_ADX_DBL(
                                                                            "r3",
                                                                            "hi") "movq 16(%[a]), %%rdx\n\t"
                                                                                  "mulxq %%rdx, %[lo], %[hi]\n\t"
                                                                                  "movq 32(%[s]), "
                                                                                  "%[r4]\n\t" P384_ADX_DBL("r4", "lo") "movq 40(%[s]), %[r5]\n\t" P384_ADX_DBL(
                                                                                      "r5",
                                                                                      "hi") "movq 24(%[a]), %%rdx\n\t"
                                                                                            "mulxq %%rdx, %[lo], "
                                                                                            "%[hi]"
                                                                                            "\n\t" P384_ADX_DBL_MEM(
                                                                                                "48", "r6",
                                                                                                "lo") P384_ADX_DBL_MEM("56", "r7", "hi") "movq 32(%[a]), %%rdx\n\t"
                                                                                                                                         "mulxq %%rdx, %[lo], %[hi]\n\t" P384_ADX_DBL_MEM(
                                                                                                                                             "64", "r6", "lo") P384_ADX_DBL_MEM("72", "r7", "hi") "movq 40(%[a]), %%rdx\n\t"
                                                                                                                                                                                                  "mulxq %%rdx, %[lo], %[hi]\n\t" P384_ADX_DBL_MEM("80", "r6", "lo") "movl $0, %k[r7]\n\t" P384_ADX_DBL("r7", "hi") "movq %[r7], 88(%[s])\n\t"
                                                                                                                                                                                                                                                                                                                    /* L' = (L + Q p) / 2^384: the rows of the product without its multiplication rows */
                                                                                                                                                                                                                                                                                                                    "xorl %k[r6], %k[r6]\n\t"
                                                                                                                                                                                                                                                                                                                    "xorl %k[r7], %k[r7]\n\t" P384_ADX_REDROW("r0",
                                                                                                                                                                                                                                                                                                                                                              "r1",
                                                                                                                                                                                                                                                                                                                                                              "r2", "r3", "r4", "r5", "r6", "r7") "xorl %k[r0], %k[r0]\n\t" P384_ADX_REDROW("r1",
                                                                                                                                                                                                                                                                                                                                                                                                                                            "r2", "r3", "r4", "r5", "r6", "r7", "r0") "xorl %k[r1], %k[r1]\n\t" P384_ADX_REDROW("r2",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                "r3",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                "r4",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                "r5",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                "r6",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                "r7", "r0",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                "r1") "xorl %k[r2], %k[r2]\n\t" P384_ADX_REDROW("r3", "r4", "r5", "r6", "r7", "r0",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                "r1", "r2") "xorl %k[r3], %k[r3]\n\t" P384_ADX_REDROW("r4",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                      "r5",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                      "r6",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                      "r7",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                      "r0",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                      "r1",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                      "r2",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                      "r3") "xorl %k[r4], %k[r4]\n\t" P384_ADX_REDROW("r5", "r6", "r7", "r0", "r1", "r2", "r3", "r4")
        /* + H */
        "addq 48(%[s]), %[r6]\n\t"
        "adcq 56(%[s]), %[r7]\n\t"
        "adcq 64(%[s]), %[r0]\n\t"
        "adcq 72(%[s]), %[r1]\n\t"
        "adcq 80(%[s]), %[r2]\n\t"
        "adcq 88(%[s]), %[r3]\n\t"
        "adcq $0, %[r4]\n\t"
        : [r0] "=&r"(r0), [r1] "=&r"(r1), [r2] "=&r"(r2), [r3] "=&r"(r3), [r4] "=&r"(r4), [r5] "=&r"(r5),
          [r6] "=&r"(r6), [r7] "=&r"(r7), [lo] "=&r"(lo), [hi] "=&r"(hi), "=m"(s)
        : [a] "r"(a), [s] "r"(s), [c0] "m"(P384_ADX_C[0]), [c1] "m"(P384_ADX_C[1]), "m"(*(const uint64_t(*)[6])a)
        : "rdx", "cc");
    const uint64_t t[6] = {r6, r7, r0, r1, r2, r3};
    tm_reduce_once(r, t, r4, P384_P);
}

#endif
#endif

/* tmldsa_ctfloat.c: branch-free double-precision log / inverse sqrt / sin-cos, Box-Muller, and the
 * hyperball sampler (see tmldsa_ctfloat.h for the constant-time argument). */
#include "threshold/mldsa/tmldsa_ctfloat.h"

#include <string.h>

#include "crypto/ct.h"
#include "threshold/mldsa/tmldsa_internal.h"

/* The batch kernels are written as simple loops over BATCH lanes for the auto-vectoriser; the
 * project's -O2 uses gcc's "very cheap" vectorisation cost model, which leaves most of them
 * scalar or half vectorised. O3 here only changes how the same IEEE operations are scheduled
 * (no -ffast-math, no contraction: -ffp-contract=off keeps results bit-identical). */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O3", "fp-contract=off")
#endif

#define MANT_MASK 0x000FFFFFFFFFFFFFULL
#define SIGN_BIT 0x8000000000000000ULL
#define TWO_POW_M52 (1.0 / 4503599627370496.0) /* 2^-52 */
#define TWO_POW_M50 (1.0 / 1125899906842624.0) /* 2^-50 */
#define LN2 0.69314718055994530942
#define PI_HALF 1.57079632679489661923
#define PI_QUARTER 0.78539816339744830962
#define INV_SQRT2 0.70710678118654752440

static inline uint64_t bits_of(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

static inline double double_of(uint64_t u)
{
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

/* The kernels below work on small arrays, one stage at a time over all elements, so that the
 * independent dependency chains of different samples overlap in the pipeline (and vectorize):
 * evaluated one sample at a time they are latency bound. BATCH is the array size. */
#define BATCH 32

/* On x86-64 the sampler is also compiled for AVX2 and for x86-64-v4 (AVX-512: 64-bit integer to
 * double conversions in vector registers) and picked at load time (TMLDSA_MULTIVERSION): the same
 * IEEE additions and multiplications on 4 or 8 lanes instead of 2 (no FMA contraction, so results
 * are bit-identical; test_tmldsa_ctfloat checks a known answer), about 1.6x (AVX2) and 3x (v4)
 * faster. The kernels are force-inlined so the clones have them. */
#define MULTIVERSION TMLDSA_MULTIVERSION
#define ALWAYS_INLINE TMLDSA_ALWAYS_INLINE

/* In place: x[i] <- ln x[i]. */
static inline ALWAYS_INLINE void log_batch(double x[BATCH])
{
    /* x = 2^e * m with m in [sqrt2/2, sqrt2): integer work on the bit pattern. flag = 1 iff the
     * mantissa 1.f >= sqrt(2); then use m/2 and e+1. */
    const uint64_t sqrt2_mant = 0x6A09E667F3BCDULL;
    double e[BATCH], d[BATCH], r[BATCH], s[BATCH], s2[BATCH], p[BATCH];
    for (unsigned i = 0; i < BATCH; i++) {
        uint64_t b = bits_of(x[i]);
        uint64_t mant = b & MANT_MASK;
        uint64_t flag = (sqrt2_mant - 1 - mant) >> 63;
        double m = double_of(mant | ((1023 - flag) << 52));
        e[i] = (double)((int64_t)((b >> 52) & 0x7FF) - 1023 + (int64_t)flag);
        s[i] = m - 1.0;
        d[i] = m + 1.0;
    }
    /* 1/d for d in [sqrt2/2 + 1, sqrt2 + 1]: tangent-line seed at the midpoint dm (relative error
     * (1 - d/dm)^2 <= 0.0295), then four Newton steps r <- r(2 - dr), each squaring the error. */
    const double dm = 2.0606601717798212866; /* (1.7071067811865475 + 2.4142135623730951) / 2 */
    const double ca = 2.0 / dm, cb = 1.0 / (dm * dm);
    for (unsigned i = 0; i < BATCH; i++) r[i] = ca - cb * d[i];
    for (int it = 0; it < 4; it++)
        for (unsigned i = 0; i < BATCH; i++) r[i] = r[i] * (2.0 - d[i] * r[i]);
    /* ln m = 2 atanh(s) = 2 (s + s^3/3 + s^5/5 + ...), s = (m-1)/(m+1), |s| <= 0.1716: 10 terms
     * (up to s^19/19) leave a relative remainder below s^20/21 < 3e-17. */
    static const double inv_odd[10] = {
        1.0 / 19.0, 1.0 / 17.0, 1.0 / 15.0, 1.0 / 13.0, 1.0 / 11.0, 1.0 / 9.0, 1.0 / 7.0, 1.0 / 5.0, 1.0 / 3.0, 1.0,
    };
    for (unsigned i = 0; i < BATCH; i++) {
        s[i] *= r[i];
        s2[i] = s[i] * s[i];
        p[i] = inv_odd[0];
    }
    for (int k = 1; k < 10; k++)
        for (unsigned i = 0; i < BATCH; i++) p[i] = p[i] * s2[i] + inv_odd[k];
    for (unsigned i = 0; i < BATCH; i++) x[i] = e[i] * LN2 + 2.0 * s[i] * p[i];
}

/* In place: x[i] <- 1/sqrt(x[i]). Bit-level seed (relative error < 3.5%), then Newton
 * y <- y (3/2 - x y^2 / 2): errors 3.5e-2 -> 1.8e-3 -> 4.6e-6 -> 3.2e-11 -> 1.5e-21. */
static inline ALWAYS_INLINE void invsqrt_batch(double x[BATCH])
{
    double hx[BATCH], y[BATCH];
    for (unsigned i = 0; i < BATCH; i++) {
        hx[i] = 0.5 * x[i];
        y[i] = double_of(0x5FE6EB50C7B537A9ULL - (bits_of(x[i]) >> 1));
    }
    for (int it = 0; it < 4; it++)
        for (unsigned i = 0; i < BATCH; i++) y[i] = y[i] * (1.5 - hx[i] * y[i] * y[i]);
    for (unsigned i = 0; i < BATCH; i++) x[i] = y[i];
}

/* s[i], c[i] <- sin, cos of 2 pi t[i] / 2^52, t[i] in [0, 2^52). */
static inline ALWAYS_INLINE void sincos_batch(const uint64_t t[BATCH], double s[BATCH], double c[BATCH])
{
    /* Taylor coefficients (-1)^k / (2k+1)! up to x^15 and (-1)^k / (2k)! up to x^16, highest
     * first; on [-pi/4, pi/4] the first omitted terms are (pi/4)^17/17! < 5e-17 and
     * (pi/4)^18/18! < 3e-18. */
    static const double sin_c[8] = {
        -1.0 / 1307674368000.0, 1.0 / 6227020800.0, -1.0 / 39916800.0, 1.0 / 362880.0,
        -1.0 / 5040.0,          1.0 / 120.0,        -1.0 / 6.0,        1.0,
    };
    static const double cos_c[9] = {
        1.0 / 20922789888000.0,
        -1.0 / 87178291200.0,
        1.0 / 479001600.0,
        -1.0 / 3628800.0,
        1.0 / 40320.0,
        -1.0 / 720.0,
        1.0 / 24.0,
        -0.5,
        1.0,
    };
    double x[BATCH], x2[BATCH], sp[BATCH], cp[BATCH];
    for (unsigned i = 0; i < BATCH; i++) {
        double f = (double)(int64_t)(t[i] & ((1ULL << 50) - 1)) * TWO_POW_M50; /* [0, 1) */
        x[i] = f * PI_HALF - PI_QUARTER;                                       /* [-pi/4, pi/4) */
        x2[i] = x[i] * x[i];
        sp[i] = sin_c[0];
        cp[i] = cos_c[0];
    }
    for (int k = 1; k < 8; k++)
        for (unsigned i = 0; i < BATCH; i++) sp[i] = sp[i] * x2[i] + sin_c[k];
    for (int k = 1; k < 9; k++)
        for (unsigned i = 0; i < BATCH; i++) cp[i] = cp[i] * x2[i] + cos_c[k];
    for (unsigned i = 0; i < BATCH; i++) {
        double si = sp[i] * x[i];
        /* the angle within the quadrant is x + pi/4 */
        uint64_t sb = bits_of((si + cp[i]) * INV_SQRT2);
        uint64_t cb = bits_of((cp[i] - si) * INV_SQRT2);
        /* rotate by quadrant * pi/2: odd quadrants map (s, c) -> (c, -s), quadrants 2, 3 negate */
        uint64_t quadrant = (t[i] >> 50) & 3;
        uint64_t odd = 0 - (quadrant & 1);
        uint64_t neg = (quadrant >> 1) << 63;
        uint64_t rs = (cb & odd) | (sb & ~odd);
        uint64_t rc = ((sb ^ SIGN_BIT) & odd) | (cb & ~odd);
        s[i] = double_of(rs ^ neg);
        c[i] = double_of(rc ^ neg);
    }
}

/* Scalar entry points (tests, the final normalisation): the value fills a whole batch. */
double tmldsa_ct_log(double x)
{
    double v[BATCH];
    for (unsigned i = 0; i < BATCH; i++) v[i] = x;
    log_batch(v);
    return v[0];
}

double tmldsa_ct_invsqrt(double x)
{
    double v[BATCH];
    for (unsigned i = 0; i < BATCH; i++) v[i] = x;
    invsqrt_batch(v);
    return v[0];
}

void tmldsa_ct_sincos_turn(uint64_t t, double *s, double *c)
{
    uint64_t v[BATCH];
    double sv[BATCH], cv[BATCH];
    for (unsigned i = 0; i < BATCH; i++) v[i] = t;
    sincos_batch(v, sv, cv);
    *s = sv[0];
    *c = cv[0];
}

/* g1[i], g2[i] <- two standard normals from 52-bit uniforms u1[i], u2[i] (Box-Muller). */
static inline ALWAYS_INLINE void gauss_batch(const uint64_t u1[BATCH], const uint64_t u2[BATCH], double g1[BATCH],
                                             double g2[BATCH])
{
    double v[BATCH], rad[BATCH], s[BATCH], c[BATCH];
    for (unsigned i = 0; i < BATCH; i++) v[i] = ((double)(int64_t)(u1[i] & MANT_MASK) + 0.5) * TWO_POW_M52; /* (0,1) */
    log_batch(v);
    for (unsigned i = 0; i < BATCH; i++) rad[i] = v[i] = -2.0 * v[i]; /* (2^-52, 73.5] */
    invsqrt_batch(rad);
    for (unsigned i = 0; i < BATCH; i++) rad[i] *= v[i];
    sincos_batch(u2, s, c);
    for (unsigned i = 0; i < BATCH; i++) {
        g1[i] = rad[i] * c[i];
        g2[i] = rad[i] * s[i];
    }
    cc_memzero(v, sizeof v);
    cc_memzero(rad, sizeof rad);
    cc_memzero(s, sizeof s);
    cc_memzero(c, sizeof c);
}

void tmldsa_ct_gauss_pair(uint64_t u1, uint64_t u2, double *g1, double *g2)
{
    uint64_t a[BATCH], b[BATCH];
    double x[BATCH], y[BATCH];
    for (unsigned i = 0; i < BATCH; i++) {
        a[i] = u1;
        b[i] = u2 & MANT_MASK;
    }
    gauss_batch(a, b, x, y);
    *g1 = x[0];
    *g2 = y[0];
    cc_memzero(x, sizeof x);
    cc_memzero(y, sizeof y);
}

MULTIVERSION void tmldsa_ct_round_i32(int32_t *restrict out, const double *restrict in, size_t n)
{
    for (size_t i = 0; i < n; i++) out[i] = (int32_t)tmldsa_ct_round(in[i]);
}

/* Unrolled byte expressions: compilers turn them into single word loads. */
static inline uint64_t load_le64(const uint8_t *p)
{
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 |
           (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
}

static inline uint64_t load_le56(const uint8_t *p)
{
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 |
           (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48;
}

MULTIVERSION void tmldsa_hyperball_sample(double *y, const uint8_t rand[TMLDSA_HB_RANDBYTES], double radius, double nu)
{
    uint64_t u1[BATCH], u2[BATCH];
    double g1[BATCH], g2[BATCH];
    double sumsq = 0.0;
    for (unsigned p0 = 0; p0 < TMLDSA_HB_PAIRS; p0 += BATCH) {
        unsigned n = TMLDSA_HB_PAIRS - p0 < BATCH ? TMLDSA_HB_PAIRS - p0 : BATCH;
        memset(u1, 0, sizeof u1); /* the unused lanes of the last batch compute on zeros */
        memset(u2, 0, sizeof u2);
        for (unsigned i = 0; i < n; i++) {
            const uint8_t *r = rand + (size_t)(p0 + i) * 13;
            u1[i] = load_le64(r) & MANT_MASK;            /* bits 0..51 */
            u2[i] = (load_le56(r + 6) >> 4) & MANT_MASK; /* bits 52..103 */
        }
        gauss_batch(u1, u2, g1, g2);
        for (unsigned i = 0; i < n; i++) {
            unsigned at = 2 * (p0 + i);
            sumsq += g1[i] * g1[i] + g2[i] * g2[i];
            if (at < TMLDSA_HB_DIM) { /* public index: the last pair only feeds the norm */
                y[at] = g1[i];
                y[at + 1] = g2[i];
            }
        }
    }
    double scale = radius * tmldsa_ct_invsqrt(sumsq);
    double scale1 = scale * nu;
    unsigned i;
    for (i = 0; i < TMLDSA_HB_L1; i++) y[i] *= scale1;
    for (; i < TMLDSA_HB_DIM; i++) y[i] *= scale;
    cc_memzero(u1, sizeof u1);
    cc_memzero(u2, sizeof u2);
    cc_memzero(g1, sizeof g1);
    cc_memzero(g2, sizeof g2);
    cc_memzero(&sumsq, sizeof sumsq);
}

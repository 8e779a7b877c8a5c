/* mldsa_ntt.c: the negacyclic number-theoretic transform of Z_q[X]/(X^256 + 1) (FIPS 204
 * Algorithms 41/42) with Montgomery multiplication. The twiddle factors are 2^32 * 1753^brv8(k)
 * mod q, centred; 1753 is the primitive 512-th root of unity FIPS 204 fixes. */
#include "crypto/mldsa_arith.h"
#include "crypto/mldsa_dispatch.h"

const int32_t mldsa_zetas[MLDSA_N] = {
    -4186625, 25847,    -2608894, -518909,  237124,   -777960,  -876248,  466468,   1826347,  2353451,  -359251,
    -2091905, 3119733,  -2884855, 3111497,  2680103,  2725464,  1024112,  -1079900, 3585928,  -549488,  -1119584,
    2619752,  -2108549, -2118186, -3859737, -1399561, -3277672, 1757237,  -19422,   4010497,  280005,   2706023,
    95776,    3077325,  3530437,  -1661693, -3592148, -2537516, 3915439,  -3861115, -3043716, 3574422,  -2867647,
    3539968,  -300467,  2348700,  -539299,  -1699267, -1643818, 3505694,  -3821735, 3507263,  -2140649, -1600420,
    3699596,  811944,   531354,   954230,   3881043,  3900724,  -2556880, 2071892,  -2797779, -3930395, -1528703,
    -3677745, -3041255, -1452451, 3475950,  2176455,  -1585221, -1257611, 1939314,  -4083598, -1000202, -3190144,
    -3157330, -3632928, 126922,   3412210,  -983419,  2147896,  2715295,  -2967645, -3693493, -411027,  -2477047,
    -671102,  -1228525, -22981,   -1308169, -381987,  1349076,  1852771,  -1430430, -3343383, 264944,   508951,
    3097992,  44288,    -1100098, 904516,   3958618,  -3724342, -8578,    1653064,  -3249728, 2389356,  -210977,
    759969,   -1316856, 189548,   -3553272, 3159746,  -1851402, -2409325, -177440,  1315589,  1341330,  1285669,
    -1584928, -812732,  -1439742, -3019102, -3881060, -3628969, 3839961,  2091667,  3407706,  2316500,  3817976,
    -3342478, 2244091,  -2446433, -3562462, 266997,   2434439,  -1235728, 3513181,  -3520352, -3759364, -1197226,
    -3193378, 900702,   1859098,  909542,   819034,   495491,   -1613174, -43260,   -522500,  -655327,  -3122442,
    2031748,  3207046,  -3556995, -525098,  -768622,  -3595838, 342297,   286988,   -2437823, 4108315,  3437287,
    -3342277, 1735879,  203044,   2842341,  2691481,  -2590150, 1265009,  4055324,  1247620,  2486353,  1595974,
    -3767016, 1250494,  2635921,  -3548272, -2994039, 1869119,  1903435,  -1050970, -1333058, 1237275,  -3318210,
    -1430225, -451100,  1312455,  3306115,  -1962642, -1279661, 1917081,  -2546312, -1374803, 1500165,  777191,
    2235880,  3406031,  -542412,  -2831860, -1671176, -1846953, -2584293, -3724270, 594136,   -3776993, -2013608,
    2432395,  2454455,  -164721,  1957272,  3369112,  185531,   -1207385, -3183426, 162844,   1616392,  3014001,
    810149,   1652634,  -3694233, -1799107, -3038916, 3523897,  3866901,  269760,   2213111,  -975884,  1717735,
    472078,   -426683,  1723600,  -1803090, 1910376,  -1667432, -1104333, -260646,  -3833893, -2939036, -2235985,
    -420899,  -2286327, 183443,   -976891,  1612842,  -3545687, -554416,  3919660,  -48306,   -1362209, 3937738,
    1400424,  -846154,  1976782,
};

/* The inverse transform's twiddles in the order it uses them: mldsa_zetas_inv[k] = -mldsa_zetas[255 - k], so
 * the block b of the layer with half-length len takes mldsa_zetas_inv[256 - 256 / len + b] (indexes
 * increase with b, which lets the compiler vectorize the short layers). */
const int32_t mldsa_zetas_inv[MLDSA_N] = {
    -1976782, 846154,   -1400424, -3937738, 1362209,  48306,    -3919660, 554416,   3545687,  -1612842, 976891,
    -183443,  2286327,  420899,   2235985,  2939036,  3833893,  260646,   1104333,  1667432,  -1910376, 1803090,
    -1723600, 426683,   -472078,  -1717735, 975884,   -2213111, -269760,  -3866901, -3523897, 3038916,  1799107,
    3694233,  -1652634, -810149,  -3014001, -1616392, -162844,  3183426,  1207385,  -185531,  -3369112, -1957272,
    164721,   -2454455, -2432395, 2013608,  3776993,  -594136,  3724270,  2584293,  1846953,  1671176,  2831860,
    542412,   -3406031, -2235880, -777191,  -1500165, 1374803,  2546312,  -1917081, 1279661,  1962642,  -3306115,
    -1312455, 451100,   1430225,  3318210,  -1237275, 1333058,  1050970,  -1903435, -1869119, 2994039,  3548272,
    -2635921, -1250494, 3767016,  -1595974, -2486353, -1247620, -4055324, -1265009, 2590150,  -2691481, -2842341,
    -203044,  -1735879, 3342277,  -3437287, -4108315, 2437823,  -286988,  -342297,  3595838,  768622,   525098,
    3556995,  -3207046, -2031748, 3122442,  655327,   522500,   43260,    1613174,  -495491,  -819034,  -909542,
    -1859098, -900702,  3193378,  1197226,  3759364,  3520352,  -3513181, 1235728,  -2434439, -266997,  3562462,
    2446433,  -2244091, 3342478,  -3817976, -2316500, -3407706, -2091667, -3839961, 3628969,  3881060,  3019102,
    1439742,  812732,   1584928,  -1285669, -1341330, -1315589, 177440,   2409325,  1851402,  -3159746, 3553272,
    -189548,  1316856,  -759969,  210977,   -2389356, 3249728,  -1653064, 8578,     3724342,  -3958618, -904516,
    1100098,  -44288,   -3097992, -508951,  -264944,  3343383,  1430430,  -1852771, -1349076, 381987,   1308169,
    22981,    1228525,  671102,   2477047,  411027,   3693493,  2967645,  -2715295, -2147896, 983419,   -3412210,
    -126922,  3632928,  3157330,  3190144,  1000202,  4083598,  -1939314, 1257611,  1585221,  -2176455, -3475950,
    1452451,  3041255,  3677745,  1528703,  3930395,  2797779,  -2071892, 2556880,  -3900724, -3881043, -954230,
    -531354,  -811944,  -3699596, 1600420,  2140649,  -3507263, 3821735,  -3505694, 1643818,  1699267,  539299,
    -2348700, 300467,   -3539968, 2867647,  -3574422, 3043716,  3861115,  -3915439, 2537516,  3592148,  1661693,
    -3530437, -3077325, -95776,   -2706023, -280005,  -4010497, 19422,    -1757237, 3277672,  1399561,  3859737,
    2118186,  2108549,  -2619752, 1119584,  549488,   -3585928, 1079900,  -1024112, -2725464, -2680103, -3111497,
    2884855,  -3119733, 2091905,  359251,   -2353451, -1826347, -466468,  876248,   777960,   -237124,  518909,
    2608894,  -25847,   4186625,
};

/* INVNTT_SCALE and INVNTT_SCALE_ZETA: mldsa_dispatch.h (shared with the AVX2 version) */

#if defined(__GNUC__)
#define NTT_INLINE __attribute__((always_inline))
#else
#define NTT_INLINE
#endif

/* The portable C below is what CCTSA_PORTABLE builds and non-AVX2 CPUs run; elsewhere the
 * exported names are bound to the AVX2 versions of mldsa_ntt_avx2.c (mldsa_dispatch.h). */

/* Butterflies with the Montgomery product of a twiddle: Cooley-Tukey (forward) and
 * Gentleman-Sande (inverse). */
#define CT_BF(x, y, z)                                                                                                 \
    do {                                                                                                               \
        int32_t t_ = mont_reduce_hi((int64_t)(z) * (y));                                                               \
        (y) = (x)-t_;                                                                                                  \
        (x) = (x) + t_;                                                                                                \
    } while (0)
#define GS_BF(x, y, z)                                                                                                 \
    do {                                                                                                               \
        int32_t lo_ = (x), hi_ = (y);                                                                                  \
        (x) = lo_ + hi_;                                                                                               \
        (y) = mont_reduce_hi((int64_t)(z) * (lo_ - hi_));                                                              \
    } while (0)

/* Two layers per pass (len and len / 2) over groups of four coefficients, so every coefficient is
 * loaded and stored four times instead of eight; the passes are inlined with constant lengths.
 * The arithmetic and its order per coefficient are those of the layer-by-layer transform
 * (FIPS 204 Algorithm 41); the twiddle of block b of the layer with half-length len is
 * mldsa_zetas[128 / len + b]. Twiddle indexes depend only on the public loop counters. */
static inline NTT_INLINE void ntt_pass(int32_t *a, const unsigned len)
{
    const unsigned h = len / 2;
    for (unsigned start = 0, b = 0; start < MLDSA_N; start += 2 * len, b++) {
        const int32_t z1 = mldsa_zetas[128 / len + b];
        const int32_t z2 = mldsa_zetas[256 / len + 2 * b], z3 = mldsa_zetas[256 / len + 2 * b + 1];
        int32_t *r = a + start; /* a counter from 0 lets the compiler vectorize the loop */
        for (unsigned j = 0; j < h; j++) {
            int32_t a0 = r[j], a1 = r[j + h], a2 = r[j + len], a3 = r[j + len + h];
            CT_BF(a0, a2, z1);
            CT_BF(a1, a3, z1);
            CT_BF(a0, a1, z2);
            CT_BF(a2, a3, z3);
            r[j] = a0, r[j + h] = a1, r[j + len] = a2, r[j + len + h] = a3;
        }
    }
}

static inline NTT_INLINE void ntt_body(mldsa_poly *p)
{
    ntt_pass(p->c, 128);
    ntt_pass(p->c, 32);
    ntt_pass(p->c, 8);
    ntt_pass(p->c, 2);
}

/* Inverse (FIPS 204 Algorithm 42): three layers per pass (len, 2 len, 4 len) over groups of eight
 * coefficients; the twiddle of block b of the layer with half-length len is
 * -mldsa_zetas[256 / len - 1 - b] = mldsa_zetas_inv[256 - 256 / len + b]. Every sum doubles the bound, so
 * inputs need |a| < q. Passes: layers 1, 2, 4; layers 8, 16, 32; then layer 64 with layer 128
 * (twiddle -mldsa_zetas[1]) fused with the scaling by mont^2 / 256. */
static inline NTT_INLINE void invntt_pass3(int32_t *a, const unsigned len)
{
    for (unsigned start = 0, b = 0; start < MLDSA_N; start += 8 * len, b++) {
        const int32_t *z1 = &mldsa_zetas_inv[256 - 256 / len + 4 * b];
        const int32_t *z2 = &mldsa_zetas_inv[256 - 128 / len + 2 * b];
        const int32_t z3 = mldsa_zetas_inv[256 - 64 / len + b];
        const int32_t z10 = z1[0], z11 = z1[1], z12 = z1[2], z13 = z1[3], z20 = z2[0], z21 = z2[1];
        int32_t *r = a + start;
        for (unsigned j = 0; j < len; j++) {
            int32_t a0 = r[j], a1 = r[j + len], a2 = r[j + 2 * len], a3 = r[j + 3 * len];
            int32_t a4 = r[j + 4 * len], a5 = r[j + 5 * len], a6 = r[j + 6 * len], a7 = r[j + 7 * len];
            GS_BF(a0, a1, z10);
            GS_BF(a2, a3, z11);
            GS_BF(a4, a5, z12);
            GS_BF(a6, a7, z13);
            GS_BF(a0, a2, z20);
            GS_BF(a1, a3, z20);
            GS_BF(a4, a6, z21);
            GS_BF(a5, a7, z21);
            GS_BF(a0, a4, z3);
            GS_BF(a1, a5, z3);
            GS_BF(a2, a6, z3);
            GS_BF(a3, a7, z3);
            r[j] = a0, r[j + len] = a1, r[j + 2 * len] = a2, r[j + 3 * len] = a3;
            r[j + 4 * len] = a4, r[j + 5 * len] = a5, r[j + 6 * len] = a6, r[j + 7 * len] = a7;
        }
    }
}

static inline NTT_INLINE void invntt_body(mldsa_poly *p)
{
    int32_t *a = p->c;
    invntt_pass3(a, 1);
    invntt_pass3(a, 8);
    const int32_t za = mldsa_zetas_inv[252], zb = mldsa_zetas_inv[253];
    for (unsigned j = 0; j < 64; j++) {
        int32_t a0 = a[j], a1 = a[j + 64], a2 = a[j + 128], a3 = a[j + 192];
        GS_BF(a0, a1, za);
        GS_BF(a2, a3, zb);
        a[j] = mont_reduce_hi((int64_t)INVNTT_SCALE * (a0 + a2));
        a[j + 128] = mont_reduce_hi((int64_t)INVNTT_SCALE_ZETA * (a0 - a2));
        a[j + 64] = mont_reduce_hi((int64_t)INVNTT_SCALE * (a1 + a3));
        a[j + 192] = mont_reduce_hi((int64_t)INVNTT_SCALE_ZETA * (a1 - a3));
    }
}
#undef CT_BF
#undef GS_BF

void mldsa_poly_ntt_c(mldsa_poly *p) { ntt_body(p); }
void mldsa_poly_invntt_tomont_c(mldsa_poly *p) { invntt_body(p); }

void mldsa_poly_pointwise_montgomery_c(mldsa_poly *c, const mldsa_poly *a, const mldsa_poly *b)
{
    for (unsigned i = 0; i < MLDSA_N; i++) c->c[i] = mont_reduce_hi((int64_t)a->c[i] * b->c[i]);
}

#ifdef MLDSA_AVX2
MLDSA_DISPATCH(void, mldsa_poly_ntt, (mldsa_poly * p));
MLDSA_DISPATCH(void, mldsa_poly_invntt_tomont, (mldsa_poly * p));
MLDSA_DISPATCH(void, mldsa_poly_pointwise_montgomery, (mldsa_poly * c, const mldsa_poly *a, const mldsa_poly *b));
#else
void mldsa_poly_ntt(mldsa_poly *p) { ntt_body(p); }
void mldsa_poly_invntt_tomont(mldsa_poly *p) { invntt_body(p); }
void mldsa_poly_pointwise_montgomery(mldsa_poly *c, const mldsa_poly *a, const mldsa_poly *b)
{
    mldsa_poly_pointwise_montgomery_c(c, a, b);
}
#endif

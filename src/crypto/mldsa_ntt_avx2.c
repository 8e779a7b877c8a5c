/* mldsa_ntt_avx2.c: the ML-DSA NTT, inverse NTT and pointwise Montgomery product in AVX2
 * intrinsics (dispatched from mldsa_ntt.c through mldsa_dispatch.h). Every butterfly computes the
 * same int32 values as the portable C (Montgomery reduction as the difference of the high halves
 * of a z and m q, m = a z q^-1 mod 2^32), so outputs are bit-identical; only the data movement
 * differs. 32 vectors of 8 coefficients; the layers with half-length >= 8 pair whole vectors, the
 * layers 4, 2, 1 run on 8x8-transposed groups of 64 coefficients (lane i = block i of 8). No
 * data-dependent branch or index. */
#include "crypto/mldsa_dispatch.h"

#ifdef MLDSA_AVX2
#include <immintrin.h>

#include "crypto/mldsa_arith.h"

#define AVX2 __attribute__((target("avx2")))
#define AVX2_INLINE static inline __attribute__((target("avx2"), always_inline))
#define UNROLL _Pragma("GCC unroll 8")

/* twiddles of the in-vector layers in transposed lane order (permutations of mldsa_zetas and
 * mldsa_zetas_inv): fwd_l2[g][h][i] = zetas[64 + 16g + 2i + h], fwd_l1[g][p][i] =
 * zetas[128 + 32g + 4i + p], inv_l1[g][p][i] = zetas_inv[32g + 4i + p],
 * inv_l2[g][h][i] = zetas_inv[128 + 16g + 2i + h] (generated from the tables in mldsa_ntt.c) */
static const int32_t fwd_l2[4][2][8] = {
    {{-3930395, -3677745, -1452451, 2176455, -1257611, -4083598, -3190144, -3632928},
     {-1528703, -3041255, 3475950, -1585221, 1939314, -1000202, -3157330, 126922}},
    {{3412210, 2147896, -2967645, -411027, -671102, -22981, -381987, 1852771},
     {-983419, 2715295, -3693493, -2477047, -1228525, -1308169, 1349076, -1430430}},
    {{-3343383, 508951, 44288, 904516, -3724342, 1653064, 2389356, 759969},
     {264944, 3097992, -1100098, 3958618, -8578, -3249728, -210977, -1316856}},
    {{189548, 3159746, -2409325, 1315589, 1285669, -812732, -3019102, -3628969},
     {-3553272, -1851402, -177440, 1341330, -1584928, -1439742, -3881060, 3839961}},
};
static const int32_t fwd_l1[4][4][8] = {
    {{2091667, -3342478, 266997, -3520352, 900702, 495491, -655327, -3556995},
     {3407706, 2244091, 2434439, -3759364, 1859098, -1613174, -3122442, -525098},
     {2316500, -2446433, -1235728, -1197226, 909542, -43260, 2031748, -768622},
     {3817976, -3562462, 3513181, -3193378, 819034, -522500, 3207046, -3595838}},
    {{342297, 3437287, 2842341, 4055324, -3767016, -2994039, -1333058, -451100},
     {286988, -3342277, 2691481, 1247620, 1250494, 1869119, 1237275, 1312455},
     {-2437823, 1735879, -2590150, 2486353, 2635921, 1903435, -3318210, 3306115},
     {4108315, 203044, 1265009, 1595974, -3548272, -1050970, -1430225, -1962642}},
    {{-1279661, 1500165, -542412, -2584293, -2013608, 1957272, -3183426, 810149},
     {1917081, 777191, -2831860, -3724270, 2432395, 3369112, 162844, 1652634},
     {-2546312, 2235880, -1671176, 594136, 2454455, 185531, 1616392, -3694233},
     {-1374803, 3406031, -1846953, -3776993, -164721, -1207385, 3014001, -1799107}},
    {{-3038916, 2213111, -426683, -1667432, -2939036, 183443, -554416, 3937738},
     {3523897, -975884, 1723600, -1104333, -2235985, -976891, 3919660, 1400424},
     {3866901, 1717735, -1803090, -260646, -420899, 1612842, -48306, -846154},
     {269760, 472078, 1910376, -3833893, -2286327, -3545687, -1362209, 1976782}},
};
static const int32_t inv_l1[4][4][8] = {
    {{-1976782, 1362209, 3545687, 2286327, 3833893, -1910376, -472078, -269760},
     {846154, 48306, -1612842, 420899, 260646, 1803090, -1717735, -3866901},
     {-1400424, -3919660, 976891, 2235985, 1104333, -1723600, 975884, -3523897},
     {-3937738, 554416, -183443, 2939036, 1667432, 426683, -2213111, 3038916}},
    {{1799107, -3014001, 1207385, 164721, 3776993, 1846953, -3406031, 1374803},
     {3694233, -1616392, -185531, -2454455, -594136, 1671176, -2235880, 2546312},
     {-1652634, -162844, -3369112, -2432395, 3724270, 2831860, -777191, -1917081},
     {-810149, 3183426, -1957272, 2013608, 2584293, 542412, -1500165, 1279661}},
    {{1962642, 1430225, 1050970, 3548272, -1595974, -1265009, -203044, -4108315},
     {-3306115, 3318210, -1903435, -2635921, -2486353, 2590150, -1735879, 2437823},
     {-1312455, -1237275, -1869119, -1250494, -1247620, -2691481, 3342277, -286988},
     {451100, 1333058, 2994039, 3767016, -4055324, -2842341, -3437287, -342297}},
    {{3595838, -3207046, 522500, -819034, 3193378, -3513181, 3562462, -3817976},
     {768622, -2031748, 43260, -909542, 1197226, 1235728, 2446433, -2316500},
     {525098, 3122442, 1613174, -1859098, 3759364, -2434439, -2244091, -3407706},
     {3556995, 655327, -495491, -900702, 3520352, -266997, 3342478, -2091667}},
};
static const int32_t inv_l2[4][2][8] = {
    {{-3839961, 3881060, 1439742, 1584928, -1341330, 177440, 1851402, 3553272},
     {3628969, 3019102, 812732, -1285669, -1315589, 2409325, -3159746, -189548}},
    {{1316856, 210977, 3249728, 8578, -3958618, 1100098, -3097992, -264944},
     {-759969, -2389356, -1653064, 3724342, -904516, -44288, -508951, 3343383}},
    {{1430430, -1349076, 1308169, 1228525, 2477047, 3693493, -2715295, 983419},
     {-1852771, 381987, 22981, 671102, 411027, 2967645, -2147896, -3412210}},
    {{-126922, 3157330, 1000202, -1939314, 1585221, -3475950, 3041255, 1528703},
     {3632928, 3190144, 4083598, 1257611, -2176455, 1452451, 3677745, 3930395}},
};

/* mont(a * z) per lane, zq = z q^-1 mod 2^32 */
AVX2_INLINE __m256i montmul(__m256i a, __m256i z, __m256i zq)
{
    const __m256i q = _mm256_set1_epi32(MLDSA_Q);
    __m256i ao = _mm256_shuffle_epi32(a, 0xF5), zo = _mm256_shuffle_epi32(z, 0xF5);
    __m256i zqo = _mm256_shuffle_epi32(zq, 0xF5);
    __m256i pe = _mm256_mul_epi32(a, z), po = _mm256_mul_epi32(ao, zo);
    __m256i me = _mm256_mul_epi32(_mm256_mul_epi32(a, zq), q);
    __m256i mo = _mm256_mul_epi32(_mm256_mul_epi32(ao, zqo), q);
    pe = _mm256_sub_epi32(pe, me); /* high dwords: hi(a z) - hi(m q) */
    po = _mm256_sub_epi32(po, mo);
    return _mm256_blend_epi32(_mm256_shuffle_epi32(pe, 0xF5), po, 0xAA);
}

/* the same with one twiddle for all lanes (z and zq broadcast: no odd-lane shuffle needed) */
AVX2_INLINE __m256i montmul1(__m256i a, __m256i z, __m256i zq)
{
    const __m256i q = _mm256_set1_epi32(MLDSA_Q);
    __m256i ao = _mm256_shuffle_epi32(a, 0xF5);
    __m256i pe = _mm256_mul_epi32(a, z), po = _mm256_mul_epi32(ao, z);
    __m256i me = _mm256_mul_epi32(_mm256_mul_epi32(a, zq), q);
    __m256i mo = _mm256_mul_epi32(_mm256_mul_epi32(ao, zq), q);
    pe = _mm256_sub_epi32(pe, me);
    po = _mm256_sub_epi32(po, mo);
    return _mm256_blend_epi32(_mm256_shuffle_epi32(pe, 0xF5), po, 0xAA);
}

AVX2_INLINE __m256i zq_of(__m256i z) { return _mm256_mullo_epi32(z, _mm256_set1_epi32(MLDSA_QINV)); }

/* Cooley-Tukey (forward) and Gentleman-Sande (inverse) butterflies, one twiddle (scalar z) or one
 * twiddle per lane (vector z) */
AVX2_INLINE void ct1(__m256i *x, __m256i *y, int32_t z)
{
    __m256i zv = _mm256_set1_epi32(z), zq = _mm256_set1_epi32((int32_t)((uint32_t)z * (uint32_t)MLDSA_QINV));
    __m256i t = montmul1(*y, zv, zq);
    *y = _mm256_sub_epi32(*x, t);
    *x = _mm256_add_epi32(*x, t);
}

AVX2_INLINE void ctv(__m256i *x, __m256i *y, __m256i z, __m256i zq)
{
    __m256i t = montmul(*y, z, zq);
    *y = _mm256_sub_epi32(*x, t);
    *x = _mm256_add_epi32(*x, t);
}

AVX2_INLINE void gs1(__m256i *x, __m256i *y, int32_t z)
{
    __m256i zv = _mm256_set1_epi32(z), zq = _mm256_set1_epi32((int32_t)((uint32_t)z * (uint32_t)MLDSA_QINV));
    __m256i lo = *x, hi = *y;
    *x = _mm256_add_epi32(lo, hi);
    *y = montmul1(_mm256_sub_epi32(lo, hi), zv, zq);
}

AVX2_INLINE void gsv(__m256i *x, __m256i *y, __m256i z, __m256i zq)
{
    __m256i lo = *x, hi = *y;
    *x = _mm256_add_epi32(lo, hi);
    *y = montmul(_mm256_sub_epi32(lo, hi), z, zq);
}

/* 8x8 transpose of 32-bit elements (its own inverse) */
AVX2_INLINE void transpose8(__m256i r[8])
{
    __m256i t0 = _mm256_unpacklo_epi32(r[0], r[1]), t1 = _mm256_unpackhi_epi32(r[0], r[1]);
    __m256i t2 = _mm256_unpacklo_epi32(r[2], r[3]), t3 = _mm256_unpackhi_epi32(r[2], r[3]);
    __m256i t4 = _mm256_unpacklo_epi32(r[4], r[5]), t5 = _mm256_unpackhi_epi32(r[4], r[5]);
    __m256i t6 = _mm256_unpacklo_epi32(r[6], r[7]), t7 = _mm256_unpackhi_epi32(r[6], r[7]);
    __m256i u0 = _mm256_unpacklo_epi64(t0, t2), u1 = _mm256_unpackhi_epi64(t0, t2);
    __m256i u2 = _mm256_unpacklo_epi64(t1, t3), u3 = _mm256_unpackhi_epi64(t1, t3);
    __m256i u4 = _mm256_unpacklo_epi64(t4, t6), u5 = _mm256_unpackhi_epi64(t4, t6);
    __m256i u6 = _mm256_unpacklo_epi64(t5, t7), u7 = _mm256_unpackhi_epi64(t5, t7);
    r[0] = _mm256_permute2x128_si256(u0, u4, 0x20), r[4] = _mm256_permute2x128_si256(u0, u4, 0x31);
    r[1] = _mm256_permute2x128_si256(u1, u5, 0x20), r[5] = _mm256_permute2x128_si256(u1, u5, 0x31);
    r[2] = _mm256_permute2x128_si256(u2, u6, 0x20), r[6] = _mm256_permute2x128_si256(u2, u6, 0x31);
    r[3] = _mm256_permute2x128_si256(u3, u7, 0x20), r[7] = _mm256_permute2x128_si256(u3, u7, 0x31);
}

AVX2_INLINE void load8(__m256i v[8], const int32_t *p, unsigned stride)
{
    UNROLL
    for (unsigned m = 0; m < 8; m++) v[m] = _mm256_loadu_si256((const __m256i *)(p + m * stride));
}

AVX2_INLINE void store8(int32_t *p, unsigned stride, const __m256i v[8])
{
    UNROLL
    for (unsigned m = 0; m < 8; m++) _mm256_storeu_si256((__m256i *)(p + m * stride), v[m]);
}

AVX2_INLINE __m256i loadz(const int32_t *z) { return _mm256_loadu_si256((const __m256i *)z); }

/* Forward: pass A, layers 128, 64, 32 on the vectors j + 4m (m = 0..7); pass B, per group g of
 * 64 coefficients, layers 16 and 8, then transposed layers 4, 2, 1. The twiddle of block b of the
 * layer with half-length len is zetas[128 / len + b]. */
AVX2 void mldsa_poly_ntt_avx2(mldsa_poly *p)
{
    const int32_t *zt = mldsa_zetas;
    __m256i v[8];
    for (unsigned j = 0; j < 4; j++) {
        load8(v, p->c + 8 * j, 32);
        UNROLL
        for (unsigned m = 0; m < 4; m++) ct1(&v[m], &v[m + 4], zt[1]);
        ct1(&v[0], &v[2], zt[2]), ct1(&v[1], &v[3], zt[2]);
        ct1(&v[4], &v[6], zt[3]), ct1(&v[5], &v[7], zt[3]);
        UNROLL
        for (unsigned m = 0; m < 8; m += 2) ct1(&v[m], &v[m + 1], zt[4 + m / 2]);
        store8(p->c + 8 * j, 32, v);
    }
    for (unsigned g = 0; g < 4; g++) {
        load8(v, p->c + 64 * g, 8);
        ct1(&v[0], &v[2], zt[8 + 2 * g]), ct1(&v[1], &v[3], zt[8 + 2 * g]);
        ct1(&v[4], &v[6], zt[9 + 2 * g]), ct1(&v[5], &v[7], zt[9 + 2 * g]);
        UNROLL
        for (unsigned k = 0; k < 8; k += 2) ct1(&v[k], &v[k + 1], zt[16 + 4 * g + k / 2]);
        transpose8(v);
        __m256i z = loadz(zt + 32 + 8 * g), zq = zq_of(z);
        UNROLL
        for (unsigned k = 0; k < 4; k++) ctv(&v[k], &v[k + 4], z, zq);
        UNROLL
        for (unsigned h = 0; h < 2; h++) {
            z = loadz(fwd_l2[g][h]), zq = zq_of(z);
            ctv(&v[4 * h], &v[4 * h + 2], z, zq), ctv(&v[4 * h + 1], &v[4 * h + 3], z, zq);
        }
        UNROLL
        for (unsigned k = 0; k < 8; k += 2) {
            z = loadz(fwd_l1[g][k / 2]), zq = zq_of(z);
            ctv(&v[k], &v[k + 1], z, zq);
        }
        transpose8(v);
        store8(p->c + 64 * g, 8, v);
    }
}

/* Inverse: per group, transposed layers 1, 2, 4, then layers 8 and 16; then on the vectors
 * j + 4m layers 32, 64 and the last layer fused with the scaling, as in mldsa_ntt.c. The twiddle of
 * block b of the layer with half-length len is zetas_inv[256 - 256 / len + b]. */
AVX2 void mldsa_poly_invntt_tomont_avx2(mldsa_poly *p)
{
    const int32_t *zi = mldsa_zetas_inv;
    __m256i v[8], z, zq;
    for (unsigned g = 0; g < 4; g++) {
        load8(v, p->c + 64 * g, 8);
        transpose8(v);
        UNROLL
        for (unsigned k = 0; k < 8; k += 2) {
            z = loadz(inv_l1[g][k / 2]), zq = zq_of(z);
            gsv(&v[k], &v[k + 1], z, zq);
        }
        UNROLL
        for (unsigned h = 0; h < 2; h++) {
            z = loadz(inv_l2[g][h]), zq = zq_of(z);
            gsv(&v[4 * h], &v[4 * h + 2], z, zq), gsv(&v[4 * h + 1], &v[4 * h + 3], z, zq);
        }
        z = loadz(zi + 192 + 8 * g), zq = zq_of(z);
        UNROLL
        for (unsigned k = 0; k < 4; k++) gsv(&v[k], &v[k + 4], z, zq);
        transpose8(v);
        UNROLL
        for (unsigned k = 0; k < 8; k += 2) gs1(&v[k], &v[k + 1], zi[224 + 4 * g + k / 2]);
        gs1(&v[0], &v[2], zi[240 + 2 * g]), gs1(&v[1], &v[3], zi[240 + 2 * g]);
        gs1(&v[4], &v[6], zi[241 + 2 * g]), gs1(&v[5], &v[7], zi[241 + 2 * g]);
        store8(p->c + 64 * g, 8, v);
    }
    const int32_t s = INVNTT_SCALE, sz = INVNTT_SCALE_ZETA;
    const __m256i sv = _mm256_set1_epi32(s), sq = _mm256_set1_epi32((int32_t)((uint32_t)s * (uint32_t)MLDSA_QINV));
    const __m256i szv = _mm256_set1_epi32(sz);
    const __m256i szq = _mm256_set1_epi32((int32_t)((uint32_t)sz * (uint32_t)MLDSA_QINV));
    for (unsigned j = 0; j < 4; j++) {
        load8(v, p->c + 8 * j, 32);
        UNROLL
        for (unsigned m = 0; m < 8; m += 2) gs1(&v[m], &v[m + 1], zi[248 + m / 2]);
        gs1(&v[0], &v[2], zi[252]), gs1(&v[1], &v[3], zi[252]);
        gs1(&v[4], &v[6], zi[253]), gs1(&v[5], &v[7], zi[253]);
        UNROLL
        for (unsigned m = 0; m < 4; m++) {
            __m256i a0 = v[m], a2 = v[m + 4];
            v[m] = montmul1(_mm256_add_epi32(a0, a2), sv, sq);
            v[m + 4] = montmul1(_mm256_sub_epi32(a0, a2), szv, szq);
        }
        store8(p->c + 8 * j, 32, v);
    }
}

AVX2 void mldsa_poly_pointwise_montgomery_avx2(mldsa_poly *c, const mldsa_poly *a, const mldsa_poly *b)
{
    for (unsigned i = 0; i < MLDSA_N; i += 8) {
        __m256i x = _mm256_loadu_si256((const __m256i *)(a->c + i));
        __m256i y = _mm256_loadu_si256((const __m256i *)(b->c + i));
        _mm256_storeu_si256((__m256i *)(c->c + i), montmul(x, y, zq_of(y)));
    }
}
#endif

/* mldsa_poly_avx2.c: AVX2-intrinsics versions of the ML-DSA coefficient loops (dispatched through
 * mldsa_dispatch.h): RejNTTPoly's candidate parsing, reduce32, caddq, the infinity-norm check,
 * Power2Round, Decompose, MakeHint and UseHint. Each lane computes exactly the int32 operations of
 * the portable C (mldsa_arith.h, mldsa_rounding.c, mldsa_poly.c), so outputs are bit-identical.
 * Only the rejection sampler (public data) has a data-dependent index; no version branches on
 * coefficient values. */
#include "crypto/mldsa_dispatch.h"

#ifdef MLDSA_AVX2
#include <immintrin.h>
#include <string.h>

#define AVX2 __attribute__((target("avx2")))
#define LOAD(p) _mm256_loadu_si256((const __m256i *)(p))
#define STORE(p, v) _mm256_storeu_si256((__m256i *)(p), (v))

/* compress_idx[m]: the positions of the set bits of m, in order (then zeros) */
static const uint8_t compress_idx[256][8] = {
    {0, 0, 0, 0, 0, 0, 0, 0}, {0, 0, 0, 0, 0, 0, 0, 0}, {1, 0, 0, 0, 0, 0, 0, 0}, {0, 1, 0, 0, 0, 0, 0, 0},
    {2, 0, 0, 0, 0, 0, 0, 0}, {0, 2, 0, 0, 0, 0, 0, 0}, {1, 2, 0, 0, 0, 0, 0, 0}, {0, 1, 2, 0, 0, 0, 0, 0},
    {3, 0, 0, 0, 0, 0, 0, 0}, {0, 3, 0, 0, 0, 0, 0, 0}, {1, 3, 0, 0, 0, 0, 0, 0}, {0, 1, 3, 0, 0, 0, 0, 0},
    {2, 3, 0, 0, 0, 0, 0, 0}, {0, 2, 3, 0, 0, 0, 0, 0}, {1, 2, 3, 0, 0, 0, 0, 0}, {0, 1, 2, 3, 0, 0, 0, 0},
    {4, 0, 0, 0, 0, 0, 0, 0}, {0, 4, 0, 0, 0, 0, 0, 0}, {1, 4, 0, 0, 0, 0, 0, 0}, {0, 1, 4, 0, 0, 0, 0, 0},
    {2, 4, 0, 0, 0, 0, 0, 0}, {0, 2, 4, 0, 0, 0, 0, 0}, {1, 2, 4, 0, 0, 0, 0, 0}, {0, 1, 2, 4, 0, 0, 0, 0},
    {3, 4, 0, 0, 0, 0, 0, 0}, {0, 3, 4, 0, 0, 0, 0, 0}, {1, 3, 4, 0, 0, 0, 0, 0}, {0, 1, 3, 4, 0, 0, 0, 0},
    {2, 3, 4, 0, 0, 0, 0, 0}, {0, 2, 3, 4, 0, 0, 0, 0}, {1, 2, 3, 4, 0, 0, 0, 0}, {0, 1, 2, 3, 4, 0, 0, 0},
    {5, 0, 0, 0, 0, 0, 0, 0}, {0, 5, 0, 0, 0, 0, 0, 0}, {1, 5, 0, 0, 0, 0, 0, 0}, {0, 1, 5, 0, 0, 0, 0, 0},
    {2, 5, 0, 0, 0, 0, 0, 0}, {0, 2, 5, 0, 0, 0, 0, 0}, {1, 2, 5, 0, 0, 0, 0, 0}, {0, 1, 2, 5, 0, 0, 0, 0},
    {3, 5, 0, 0, 0, 0, 0, 0}, {0, 3, 5, 0, 0, 0, 0, 0}, {1, 3, 5, 0, 0, 0, 0, 0}, {0, 1, 3, 5, 0, 0, 0, 0},
    {2, 3, 5, 0, 0, 0, 0, 0}, {0, 2, 3, 5, 0, 0, 0, 0}, {1, 2, 3, 5, 0, 0, 0, 0}, {0, 1, 2, 3, 5, 0, 0, 0},
    {4, 5, 0, 0, 0, 0, 0, 0}, {0, 4, 5, 0, 0, 0, 0, 0}, {1, 4, 5, 0, 0, 0, 0, 0}, {0, 1, 4, 5, 0, 0, 0, 0},
    {2, 4, 5, 0, 0, 0, 0, 0}, {0, 2, 4, 5, 0, 0, 0, 0}, {1, 2, 4, 5, 0, 0, 0, 0}, {0, 1, 2, 4, 5, 0, 0, 0},
    {3, 4, 5, 0, 0, 0, 0, 0}, {0, 3, 4, 5, 0, 0, 0, 0}, {1, 3, 4, 5, 0, 0, 0, 0}, {0, 1, 3, 4, 5, 0, 0, 0},
    {2, 3, 4, 5, 0, 0, 0, 0}, {0, 2, 3, 4, 5, 0, 0, 0}, {1, 2, 3, 4, 5, 0, 0, 0}, {0, 1, 2, 3, 4, 5, 0, 0},
    {6, 0, 0, 0, 0, 0, 0, 0}, {0, 6, 0, 0, 0, 0, 0, 0}, {1, 6, 0, 0, 0, 0, 0, 0}, {0, 1, 6, 0, 0, 0, 0, 0},
    {2, 6, 0, 0, 0, 0, 0, 0}, {0, 2, 6, 0, 0, 0, 0, 0}, {1, 2, 6, 0, 0, 0, 0, 0}, {0, 1, 2, 6, 0, 0, 0, 0},
    {3, 6, 0, 0, 0, 0, 0, 0}, {0, 3, 6, 0, 0, 0, 0, 0}, {1, 3, 6, 0, 0, 0, 0, 0}, {0, 1, 3, 6, 0, 0, 0, 0},
    {2, 3, 6, 0, 0, 0, 0, 0}, {0, 2, 3, 6, 0, 0, 0, 0}, {1, 2, 3, 6, 0, 0, 0, 0}, {0, 1, 2, 3, 6, 0, 0, 0},
    {4, 6, 0, 0, 0, 0, 0, 0}, {0, 4, 6, 0, 0, 0, 0, 0}, {1, 4, 6, 0, 0, 0, 0, 0}, {0, 1, 4, 6, 0, 0, 0, 0},
    {2, 4, 6, 0, 0, 0, 0, 0}, {0, 2, 4, 6, 0, 0, 0, 0}, {1, 2, 4, 6, 0, 0, 0, 0}, {0, 1, 2, 4, 6, 0, 0, 0},
    {3, 4, 6, 0, 0, 0, 0, 0}, {0, 3, 4, 6, 0, 0, 0, 0}, {1, 3, 4, 6, 0, 0, 0, 0}, {0, 1, 3, 4, 6, 0, 0, 0},
    {2, 3, 4, 6, 0, 0, 0, 0}, {0, 2, 3, 4, 6, 0, 0, 0}, {1, 2, 3, 4, 6, 0, 0, 0}, {0, 1, 2, 3, 4, 6, 0, 0},
    {5, 6, 0, 0, 0, 0, 0, 0}, {0, 5, 6, 0, 0, 0, 0, 0}, {1, 5, 6, 0, 0, 0, 0, 0}, {0, 1, 5, 6, 0, 0, 0, 0},
    {2, 5, 6, 0, 0, 0, 0, 0}, {0, 2, 5, 6, 0, 0, 0, 0}, {1, 2, 5, 6, 0, 0, 0, 0}, {0, 1, 2, 5, 6, 0, 0, 0},
    {3, 5, 6, 0, 0, 0, 0, 0}, {0, 3, 5, 6, 0, 0, 0, 0}, {1, 3, 5, 6, 0, 0, 0, 0}, {0, 1, 3, 5, 6, 0, 0, 0},
    {2, 3, 5, 6, 0, 0, 0, 0}, {0, 2, 3, 5, 6, 0, 0, 0}, {1, 2, 3, 5, 6, 0, 0, 0}, {0, 1, 2, 3, 5, 6, 0, 0},
    {4, 5, 6, 0, 0, 0, 0, 0}, {0, 4, 5, 6, 0, 0, 0, 0}, {1, 4, 5, 6, 0, 0, 0, 0}, {0, 1, 4, 5, 6, 0, 0, 0},
    {2, 4, 5, 6, 0, 0, 0, 0}, {0, 2, 4, 5, 6, 0, 0, 0}, {1, 2, 4, 5, 6, 0, 0, 0}, {0, 1, 2, 4, 5, 6, 0, 0},
    {3, 4, 5, 6, 0, 0, 0, 0}, {0, 3, 4, 5, 6, 0, 0, 0}, {1, 3, 4, 5, 6, 0, 0, 0}, {0, 1, 3, 4, 5, 6, 0, 0},
    {2, 3, 4, 5, 6, 0, 0, 0}, {0, 2, 3, 4, 5, 6, 0, 0}, {1, 2, 3, 4, 5, 6, 0, 0}, {0, 1, 2, 3, 4, 5, 6, 0},
    {7, 0, 0, 0, 0, 0, 0, 0}, {0, 7, 0, 0, 0, 0, 0, 0}, {1, 7, 0, 0, 0, 0, 0, 0}, {0, 1, 7, 0, 0, 0, 0, 0},
    {2, 7, 0, 0, 0, 0, 0, 0}, {0, 2, 7, 0, 0, 0, 0, 0}, {1, 2, 7, 0, 0, 0, 0, 0}, {0, 1, 2, 7, 0, 0, 0, 0},
    {3, 7, 0, 0, 0, 0, 0, 0}, {0, 3, 7, 0, 0, 0, 0, 0}, {1, 3, 7, 0, 0, 0, 0, 0}, {0, 1, 3, 7, 0, 0, 0, 0},
    {2, 3, 7, 0, 0, 0, 0, 0}, {0, 2, 3, 7, 0, 0, 0, 0}, {1, 2, 3, 7, 0, 0, 0, 0}, {0, 1, 2, 3, 7, 0, 0, 0},
    {4, 7, 0, 0, 0, 0, 0, 0}, {0, 4, 7, 0, 0, 0, 0, 0}, {1, 4, 7, 0, 0, 0, 0, 0}, {0, 1, 4, 7, 0, 0, 0, 0},
    {2, 4, 7, 0, 0, 0, 0, 0}, {0, 2, 4, 7, 0, 0, 0, 0}, {1, 2, 4, 7, 0, 0, 0, 0}, {0, 1, 2, 4, 7, 0, 0, 0},
    {3, 4, 7, 0, 0, 0, 0, 0}, {0, 3, 4, 7, 0, 0, 0, 0}, {1, 3, 4, 7, 0, 0, 0, 0}, {0, 1, 3, 4, 7, 0, 0, 0},
    {2, 3, 4, 7, 0, 0, 0, 0}, {0, 2, 3, 4, 7, 0, 0, 0}, {1, 2, 3, 4, 7, 0, 0, 0}, {0, 1, 2, 3, 4, 7, 0, 0},
    {5, 7, 0, 0, 0, 0, 0, 0}, {0, 5, 7, 0, 0, 0, 0, 0}, {1, 5, 7, 0, 0, 0, 0, 0}, {0, 1, 5, 7, 0, 0, 0, 0},
    {2, 5, 7, 0, 0, 0, 0, 0}, {0, 2, 5, 7, 0, 0, 0, 0}, {1, 2, 5, 7, 0, 0, 0, 0}, {0, 1, 2, 5, 7, 0, 0, 0},
    {3, 5, 7, 0, 0, 0, 0, 0}, {0, 3, 5, 7, 0, 0, 0, 0}, {1, 3, 5, 7, 0, 0, 0, 0}, {0, 1, 3, 5, 7, 0, 0, 0},
    {2, 3, 5, 7, 0, 0, 0, 0}, {0, 2, 3, 5, 7, 0, 0, 0}, {1, 2, 3, 5, 7, 0, 0, 0}, {0, 1, 2, 3, 5, 7, 0, 0},
    {4, 5, 7, 0, 0, 0, 0, 0}, {0, 4, 5, 7, 0, 0, 0, 0}, {1, 4, 5, 7, 0, 0, 0, 0}, {0, 1, 4, 5, 7, 0, 0, 0},
    {2, 4, 5, 7, 0, 0, 0, 0}, {0, 2, 4, 5, 7, 0, 0, 0}, {1, 2, 4, 5, 7, 0, 0, 0}, {0, 1, 2, 4, 5, 7, 0, 0},
    {3, 4, 5, 7, 0, 0, 0, 0}, {0, 3, 4, 5, 7, 0, 0, 0}, {1, 3, 4, 5, 7, 0, 0, 0}, {0, 1, 3, 4, 5, 7, 0, 0},
    {2, 3, 4, 5, 7, 0, 0, 0}, {0, 2, 3, 4, 5, 7, 0, 0}, {1, 2, 3, 4, 5, 7, 0, 0}, {0, 1, 2, 3, 4, 5, 7, 0},
    {6, 7, 0, 0, 0, 0, 0, 0}, {0, 6, 7, 0, 0, 0, 0, 0}, {1, 6, 7, 0, 0, 0, 0, 0}, {0, 1, 6, 7, 0, 0, 0, 0},
    {2, 6, 7, 0, 0, 0, 0, 0}, {0, 2, 6, 7, 0, 0, 0, 0}, {1, 2, 6, 7, 0, 0, 0, 0}, {0, 1, 2, 6, 7, 0, 0, 0},
    {3, 6, 7, 0, 0, 0, 0, 0}, {0, 3, 6, 7, 0, 0, 0, 0}, {1, 3, 6, 7, 0, 0, 0, 0}, {0, 1, 3, 6, 7, 0, 0, 0},
    {2, 3, 6, 7, 0, 0, 0, 0}, {0, 2, 3, 6, 7, 0, 0, 0}, {1, 2, 3, 6, 7, 0, 0, 0}, {0, 1, 2, 3, 6, 7, 0, 0},
    {4, 6, 7, 0, 0, 0, 0, 0}, {0, 4, 6, 7, 0, 0, 0, 0}, {1, 4, 6, 7, 0, 0, 0, 0}, {0, 1, 4, 6, 7, 0, 0, 0},
    {2, 4, 6, 7, 0, 0, 0, 0}, {0, 2, 4, 6, 7, 0, 0, 0}, {1, 2, 4, 6, 7, 0, 0, 0}, {0, 1, 2, 4, 6, 7, 0, 0},
    {3, 4, 6, 7, 0, 0, 0, 0}, {0, 3, 4, 6, 7, 0, 0, 0}, {1, 3, 4, 6, 7, 0, 0, 0}, {0, 1, 3, 4, 6, 7, 0, 0},
    {2, 3, 4, 6, 7, 0, 0, 0}, {0, 2, 3, 4, 6, 7, 0, 0}, {1, 2, 3, 4, 6, 7, 0, 0}, {0, 1, 2, 3, 4, 6, 7, 0},
    {5, 6, 7, 0, 0, 0, 0, 0}, {0, 5, 6, 7, 0, 0, 0, 0}, {1, 5, 6, 7, 0, 0, 0, 0}, {0, 1, 5, 6, 7, 0, 0, 0},
    {2, 5, 6, 7, 0, 0, 0, 0}, {0, 2, 5, 6, 7, 0, 0, 0}, {1, 2, 5, 6, 7, 0, 0, 0}, {0, 1, 2, 5, 6, 7, 0, 0},
    {3, 5, 6, 7, 0, 0, 0, 0}, {0, 3, 5, 6, 7, 0, 0, 0}, {1, 3, 5, 6, 7, 0, 0, 0}, {0, 1, 3, 5, 6, 7, 0, 0},
    {2, 3, 5, 6, 7, 0, 0, 0}, {0, 2, 3, 5, 6, 7, 0, 0}, {1, 2, 3, 5, 6, 7, 0, 0}, {0, 1, 2, 3, 5, 6, 7, 0},
    {4, 5, 6, 7, 0, 0, 0, 0}, {0, 4, 5, 6, 7, 0, 0, 0}, {1, 4, 5, 6, 7, 0, 0, 0}, {0, 1, 4, 5, 6, 7, 0, 0},
    {2, 4, 5, 6, 7, 0, 0, 0}, {0, 2, 4, 5, 6, 7, 0, 0}, {1, 2, 4, 5, 6, 7, 0, 0}, {0, 1, 2, 4, 5, 6, 7, 0},
    {3, 4, 5, 6, 7, 0, 0, 0}, {0, 3, 4, 5, 6, 7, 0, 0}, {1, 3, 4, 5, 6, 7, 0, 0}, {0, 1, 3, 4, 5, 6, 7, 0},
    {2, 3, 4, 5, 6, 7, 0, 0}, {0, 2, 3, 4, 5, 6, 7, 0}, {1, 2, 3, 4, 5, 6, 7, 0}, {0, 1, 2, 3, 4, 5, 6, 7},
};

/* RejNTTPoly: eight 3-byte candidates per step (reading 32 bytes, so while 32 remain), kept ones
 * packed to the front by a permutation; the tail in scalar code. */
AVX2 unsigned mldsa_rej_uniform_avx2(int32_t *a, unsigned n, const uint8_t *buf, size_t len)
{
    const __m256i bound = _mm256_set1_epi32(MLDSA_Q), mask = _mm256_set1_epi32(0x7FFFFF);
    const __m256i shuf = _mm256_setr_epi8(0, 1, 2, -1, 3, 4, 5, -1, 6, 7, 8, -1, 9, 10, 11, -1, 4, 5, 6, -1, 7, 8, 9,
                                          -1, 10, 11, 12, -1, 13, 14, 15, -1);
    size_t pos = 0;
    while (n + 8 <= MLDSA_N && pos + 32 <= len) {
        __m256i v = _mm256_permute4x64_epi64(LOAD(buf + pos), 0x94); /* bytes 0-15 | 8-23 */
        v = _mm256_and_si256(_mm256_shuffle_epi8(v, shuf), mask);
        unsigned m = (unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpgt_epi32(bound, v)));
        __m256i perm = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)compress_idx[m]));
        STORE(a + n, _mm256_permutevar8x32_epi32(v, perm));
        n += (unsigned)__builtin_popcount(m);
        pos += 24;
    }
    return mldsa_rej_uniform_c(a, n, buf + pos, len - pos);
}

AVX2 void mldsa_poly_reduce_avx2(mldsa_poly *a)
{
    const __m256i q = _mm256_set1_epi32(MLDSA_Q), half = _mm256_set1_epi32(1 << 22);
    for (unsigned i = 0; i < MLDSA_N; i += 8) {
        __m256i x = LOAD(a->c + i);
        __m256i t = _mm256_srai_epi32(_mm256_add_epi32(x, half), 23);
        STORE(a->c + i, _mm256_sub_epi32(x, _mm256_mullo_epi32(t, q)));
    }
}

AVX2 void mldsa_poly_caddq_avx2(mldsa_poly *a)
{
    const __m256i q = _mm256_set1_epi32(MLDSA_Q);
    for (unsigned i = 0; i < MLDSA_N; i += 8) {
        __m256i x = LOAD(a->c + i);
        STORE(a->c + i, _mm256_add_epi32(x, _mm256_and_si256(_mm256_srai_epi32(x, 31), q)));
    }
}

AVX2 int mldsa_poly_chknorm_avx2(const mldsa_poly *a, int32_t bound)
{
    if (bound > (MLDSA_Q - 1) / 8) return 1; /* public parameter, as in the portable version */
    const __m256i b1 = _mm256_set1_epi32(bound - 1);
    __m256i over = _mm256_setzero_si256();
    for (unsigned i = 0; i < MLDSA_N; i += 8)
        over = _mm256_or_si256(over, _mm256_sub_epi32(b1, _mm256_abs_epi32(LOAD(a->c + i))));
    return _mm256_movemask_ps(_mm256_castsi256_ps(over)) != 0;
}

AVX2 void mldsa_polyveck_power2round_avx2(mldsa_polyveck *v1, mldsa_polyveck *v0, const mldsa_polyveck *v)
{
    const __m256i r = _mm256_set1_epi32((1 << (MLDSA_D - 1)) - 1);
    for (unsigned k = 0; k < MLDSA_K; k++) {
        for (unsigned i = 0; i < MLDSA_N; i += 8) {
            __m256i a = LOAD(v->v[k].c + i);
            __m256i hi = _mm256_srai_epi32(_mm256_add_epi32(a, r), MLDSA_D);
            STORE(v1->v[k].c + i, hi);
            STORE(v0->v[k].c + i, _mm256_sub_epi32(a, _mm256_slli_epi32(hi, MLDSA_D)));
        }
    }
}

/* Decompose of eight coefficients in [0, q) (mldsa_rounding.c): hi = floor((a + gamma2 - 1) /
 * 2 gamma2) as ((x >> 9) * 4198405) >> 32 */
static inline __attribute__((target("avx2"), always_inline)) void decompose8(__m256i *a1, __m256i *a0, __m256i a)
{
    const __m256i g = _mm256_set1_epi32(MLDSA_GAMMA2 - 1), mul = _mm256_set1_epi32(4198405);
    __m256i y = _mm256_srli_epi32(_mm256_add_epi32(a, g), 9);
    __m256i pe = _mm256_mul_epu32(y, mul), po = _mm256_mul_epu32(_mm256_srli_epi64(y, 32), mul);
    __m256i hi = _mm256_blend_epi32(_mm256_srli_epi64(pe, 32), po, 0xAA);
    __m256i lo = _mm256_sub_epi32(a, _mm256_mullo_epi32(hi, _mm256_set1_epi32(2 * MLDSA_GAMMA2)));
    __m256i wrap = _mm256_srai_epi32(_mm256_sub_epi32(_mm256_set1_epi32(15), hi), 31);
    *a1 = _mm256_andnot_si256(wrap, hi);
    *a0 = _mm256_add_epi32(lo, wrap);
}

AVX2 void mldsa_polyveck_decompose_avx2(mldsa_polyveck *v1, mldsa_polyveck *v0, const mldsa_polyveck *v)
{
    for (unsigned k = 0; k < MLDSA_K; k++) {
        for (unsigned i = 0; i < MLDSA_N; i += 8) {
            __m256i hi, lo;
            decompose8(&hi, &lo, LOAD(v->v[k].c + i));
            STORE(v1->v[k].c + i, hi);
            STORE(v0->v[k].c + i, lo);
        }
    }
}

AVX2 unsigned mldsa_polyveck_make_hint_avx2(mldsa_polyveck *h, const mldsa_polyveck *v0, const mldsa_polyveck *v1)
{
    const __m256i g = _mm256_set1_epi32(MLDSA_GAMMA2), ng = _mm256_set1_epi32(-MLDSA_GAMMA2);
    const __m256i one = _mm256_set1_epi32(1), zero = _mm256_setzero_si256();
    __m256i weight = zero;
    for (unsigned k = 0; k < MLDSA_K; k++) {
        for (unsigned i = 0; i < MLDSA_N; i += 8) {
            __m256i a0 = LOAD(v0->v[k].c + i), a1 = LOAD(v1->v[k].c + i);
            __m256i above = _mm256_sub_epi32(g, a0), below = _mm256_add_epi32(a0, g);
            __m256i edge = _mm256_andnot_si256(_mm256_cmpeq_epi32(a1, zero), _mm256_cmpeq_epi32(a0, ng));
            __m256i bit =
                _mm256_or_si256(_mm256_srli_epi32(_mm256_or_si256(above, below), 31), _mm256_and_si256(edge, one));
            STORE(h->v[k].c + i, bit);
            weight = _mm256_add_epi32(weight, bit);
        }
    }
    int32_t w[8];
    STORE(w, weight);
    return (unsigned)(w[0] + w[1] + w[2] + w[3] + w[4] + w[5] + w[6] + w[7]);
}

AVX2 void mldsa_polyveck_use_hint_avx2(mldsa_polyveck *w, const mldsa_polyveck *u, const mldsa_polyveck *h)
{
    const __m256i zero = _mm256_setzero_si256(), two = _mm256_set1_epi32(2), one = _mm256_set1_epi32(1);
    const __m256i m15 = _mm256_set1_epi32(15);
    for (unsigned k = 0; k < MLDSA_K; k++) {
        for (unsigned i = 0; i < MLDSA_N; i += 8) {
            __m256i a1, a0;
            decompose8(&a1, &a0, LOAD(u->v[k].c + i));
            /* +1 if a0 > 0, else -1; 0 where the hint is 0 */
            __m256i d = _mm256_sub_epi32(_mm256_and_si256(_mm256_cmpgt_epi32(a0, zero), two), one);
            __m256i nohint = _mm256_cmpeq_epi32(LOAD(h->v[k].c + i), zero);
            __m256i moved = _mm256_and_si256(_mm256_add_epi32(a1, d), m15);
            STORE(w->v[k].c + i, _mm256_blendv_epi8(moved, a1, nohint));
        }
    }
}
#endif

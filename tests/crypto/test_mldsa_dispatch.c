/* test_mldsa_dispatch: every ML-DSA kernel with a CPU-dispatched version (mldsa_dispatch.h) gives
 * bit-identical outputs in its portable C (*_c) and AVX2 (*_avx2) versions, on random inputs over
 * the whole range its contract allows plus the range edges; and the exported (dispatched) name
 * agrees with the portable one. Where the AVX2 versions are not built (CCTSA_PORTABLE, not x86-64)
 * or the CPU lacks AVX2, only the exported names are compared with the portable ones (and the
 * test says so). */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "crypto/mldsa_dispatch.h"

#define ROUNDS 2000

static uint64_t rng_state = 0x2545F4914F6CDD1DULL;
static uint32_t rnd32(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 16);
}

/* uniform in [lo, hi]; every 16th coefficient an edge (lo, hi, 0, lo + 1, hi - 1) */
static int32_t rnd_in(int64_t lo, int64_t hi)
{
    uint32_t r = rnd32();
    if ((r & 15) == 0) {
        switch ((r >> 4) % 5) {
        case 0: return (int32_t)lo;
        case 1: return (int32_t)hi;
        case 2: return lo <= 0 && hi >= 0 ? 0 : (int32_t)lo;
        case 3: return (int32_t)(lo + 1);
        default: return (int32_t)(hi - 1);
        }
    }
    uint64_t span = (uint64_t)(hi - lo) + 1;
    uint64_t v = ((uint64_t)rnd32() << 32 | rnd32()) % span;
    return (int32_t)(lo + (int64_t)v);
}

static void rnd_poly(mldsa_poly *p, int64_t lo, int64_t hi)
{
    for (unsigned i = 0; i < MLDSA_N; i++) p->c[i] = rnd_in(lo, hi);
}

static int have_avx2(void)
{
#ifdef MLDSA_AVX2
    return mldsa_cpu_has_avx2();
#else
    return 0;
#endif
}

/* One unary in-place kernel: portable vs AVX2 vs exported. */
typedef void (*unary_fn)(mldsa_poly *p);
static void check_unary(const char *name, unary_fn c_fn, unary_fn avx2_fn, unary_fn exported, int64_t lo, int64_t hi)
{
    unsigned bad = 0;
    for (unsigned r = 0; r < ROUNDS; r++) {
        mldsa_poly in, a, b, e;
        rnd_poly(&in, lo, hi);
        a = in, b = in, e = in;
        c_fn(&a);
        exported(&e);
        if (avx2_fn) avx2_fn(&b);
        else b = a;
        bad += memcmp(&a, &b, sizeof a) != 0 || memcmp(&a, &e, sizeof a) != 0;
    }
    CHECK_MSG(bad == 0, "%s: %u of %u random inputs differ between versions", name, bad, ROUNDS);
}

typedef void (*binary_fn)(mldsa_poly *c, const mldsa_poly *a, const mldsa_poly *b);
static void check_binary(const char *name, binary_fn c_fn, binary_fn avx2_fn, binary_fn exported, int64_t lo1,
                         int64_t hi1, int64_t lo2, int64_t hi2)
{
    unsigned bad = 0;
    for (unsigned r = 0; r < ROUNDS; r++) {
        mldsa_poly x, y, a, b, e;
        rnd_poly(&x, lo1, hi1);
        rnd_poly(&y, lo2, hi2);
        c_fn(&a, &x, &y);
        exported(&e, &x, &y);
        if (avx2_fn) avx2_fn(&b, &x, &y);
        else b = a;
        bad += memcmp(&a, &b, sizeof a) != 0 || memcmp(&a, &e, sizeof a) != 0;
    }
    CHECK_MSG(bad == 0, "%s: %u of %u random inputs differ between versions", name, bad, ROUNDS);
}

#ifdef MLDSA_AVX2
#define AVX2_OR_NULL(f) (have_avx2() ? f##_avx2 : NULL)
#else
#define AVX2_OR_NULL(f) NULL
#endif

int main(void)
{
    const int64_t q = MLDSA_Q;
    if (!have_avx2()) printf("test_mldsa_dispatch: AVX2 versions not built or not supported here; "
                             "comparing the exported names with the portable C only\n");
    check_unary("ntt", mldsa_poly_ntt_c, AVX2_OR_NULL(mldsa_poly_ntt), mldsa_poly_ntt, -(q - 1), q - 1);
    check_unary("invntt_tomont", mldsa_poly_invntt_tomont_c, AVX2_OR_NULL(mldsa_poly_invntt_tomont),
                mldsa_poly_invntt_tomont, -(q - 1), q - 1);
    check_binary("pointwise_montgomery", mldsa_poly_pointwise_montgomery_c,
                 AVX2_OR_NULL(mldsa_poly_pointwise_montgomery), mldsa_poly_pointwise_montgomery, -(q - 1), q - 1,
                 -(9 * q - 1), 9 * q - 1);
    return check_summary("test_mldsa_dispatch");
}

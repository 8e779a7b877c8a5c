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
        if (avx2_fn)
            avx2_fn(&b);
        else
            b = a;
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
        if (avx2_fn)
            avx2_fn(&b, &x, &y);
        else
            b = a;
        bad += memcmp(&a, &b, sizeof a) != 0 || memcmp(&a, &e, sizeof a) != 0;
    }
    CHECK_MSG(bad == 0, "%s: %u of %u random inputs differ between versions", name, bad, ROUNDS);
}

static void rnd_veck(mldsa_polyveck *v, int64_t lo, int64_t hi)
{
    for (unsigned k = 0; k < MLDSA_K; k++) rnd_poly(&v->v[k], lo, hi);
}

/* (v1, v0) = f(v): power2round, decompose; v0 may alias v as in the signer */
typedef void (*split_fn)(mldsa_polyveck *v1, mldsa_polyveck *v0, const mldsa_polyveck *v);
static void check_split(const char *name, split_fn c_fn, split_fn avx2_fn, split_fn exported)
{
    unsigned bad = 0;
    for (unsigned r = 0; r < ROUNDS / 4; r++) {
        mldsa_polyveck v, a1, a0, b1, b0, e1, e0;
        rnd_veck(&v, 0, MLDSA_Q - 1);
        c_fn(&a1, &a0, &v);
        exported(&e1, &e0, &v);
        if (avx2_fn) {
            b0 = v;
            avx2_fn(&b1, &b0, &b0); /* in place */
        } else {
            b1 = a1, b0 = a0;
        }
        bad += memcmp(&a1, &b1, sizeof a1) != 0 || memcmp(&a0, &b0, sizeof a0) != 0 ||
               memcmp(&a1, &e1, sizeof a1) != 0 || memcmp(&a0, &e0, sizeof a0) != 0;
    }
    CHECK_MSG(bad == 0, "%s: %u of %u random inputs differ between versions", name, bad, ROUNDS / 4);
}

typedef int (*norm_fn)(const mldsa_poly *a, int32_t bound);
static void check_chknorm(norm_fn c_fn, norm_fn avx2_fn, norm_fn exported)
{
    static const int32_t bounds[] = {MLDSA_GAMMA2 - MLDSA_BETA, MLDSA_GAMMA1 - MLDSA_BETA, MLDSA_GAMMA2, 1,
                                     (MLDSA_Q - 1) / 8,         (MLDSA_Q - 1) / 8 + 1};
    unsigned bad = 0, over = 0, n = 0;
    for (unsigned r = 0; r < ROUNDS; r++) {
        int32_t bound = bounds[r % 6];
        /* coefficients up to just past the bound, so both answers occur */
        int64_t span = bound + (r % 3 == 0 ? 1 : r % 3 == 1 ? 0 : bound / 512 + 1);
        if (span >= MLDSA_Q) span = MLDSA_Q - 1;
        mldsa_poly p;
        rnd_poly(&p, -span, span);
        int a = c_fn(&p, bound), e = exported(&p, bound), b = avx2_fn ? avx2_fn(&p, bound) : a;
        bad += a != b || a != e;
        over += a != 0;
        n++;
    }
    CHECK_MSG(bad == 0, "chknorm: %u of %u random inputs differ between versions", bad, n);
    CHECK_MSG(over > 0 && over < n, "chknorm: inputs exercised only one answer (%u of %u over)", over, n);
}

typedef unsigned (*hint_fn)(mldsa_polyveck *h, const mldsa_polyveck *v0, const mldsa_polyveck *v1);
static void check_make_hint(hint_fn c_fn, hint_fn avx2_fn, hint_fn exported)
{
    unsigned bad = 0;
    for (unsigned r = 0; r < ROUNDS / 4; r++) {
        mldsa_polyveck v0, v1, a, b, e;
        /* low parts around +-gamma2 (both edges hit often), high parts often 0 */
        int64_t span = r % 2 ? MLDSA_GAMMA2 + 3 : 2 * MLDSA_GAMMA2;
        rnd_veck(&v0, -span, span);
        rnd_veck(&v1, 0, r % 2 ? 1 : 15);
        for (unsigned k = 0; k < MLDSA_K; k++)
            for (unsigned i = r % 7; i < MLDSA_N; i += 7) v0.v[k].c[i] = (i & 8) ? MLDSA_GAMMA2 : -MLDSA_GAMMA2;
        unsigned wa = c_fn(&a, &v0, &v1), we = exported(&e, &v0, &v1), wb = wa;
        if (avx2_fn)
            wb = avx2_fn(&b, &v0, &v1);
        else
            b = a;
        bad += wa != wb || wa != we || memcmp(&a, &b, sizeof a) != 0 || memcmp(&a, &e, sizeof a) != 0;
    }
    CHECK_MSG(bad == 0, "make_hint: %u of %u random inputs differ between versions", bad, ROUNDS / 4);
}

typedef void (*use_fn)(mldsa_polyveck *w, const mldsa_polyveck *u, const mldsa_polyveck *h);
static void check_use_hint(use_fn c_fn, use_fn avx2_fn, use_fn exported)
{
    unsigned bad = 0;
    for (unsigned r = 0; r < ROUNDS / 4; r++) {
        mldsa_polyveck u, h, a, b, e;
        rnd_veck(&u, 0, MLDSA_Q - 1);
        rnd_veck(&h, 0, r % 2 ? 1 : 3);
        c_fn(&a, &u, &h);
        exported(&e, &u, &h);
        if (avx2_fn) {
            b = u;
            avx2_fn(&b, &b, &h); /* in place, as the verifier calls it */
        } else {
            b = a;
        }
        bad += memcmp(&a, &b, sizeof a) != 0 || memcmp(&a, &e, sizeof a) != 0;
    }
    CHECK_MSG(bad == 0, "use_hint: %u of %u random inputs differ between versions", bad, ROUNDS / 4);
}

typedef unsigned (*rej_fn)(int32_t *a, unsigned n, const uint8_t *buf, size_t len);
static void check_rej_uniform(rej_fn c_fn, rej_fn avx2_fn, rej_fn exported)
{
    unsigned bad = 0;
    for (unsigned r = 0; r < ROUNDS; r++) {
        uint8_t buf[5 * 168];
        int32_t a[MLDSA_N], b[MLDSA_N], e[MLDSA_N];
        size_t len = rnd32() % (sizeof buf + 1);
        unsigned n = r % 4 == 0 ? 0 : rnd32() % (MLDSA_N + 1);
        /* every third round, many candidates >= q */
        for (size_t i = 0; i < len; i++) buf[i] = (uint8_t)(r % 3 == 0 && i % 3 == 2 && (rnd32() & 1) ? 0xFF : rnd32());
        for (unsigned i = 0; i < MLDSA_N; i++) a[i] = b[i] = e[i] = -(int32_t)i;
        unsigned na = c_fn(a, n, buf, len), ne = exported(e, n, buf, len), nb = na;
        if (avx2_fn)
            nb = avx2_fn(b, n, buf, len);
        else
            memcpy(b, a, sizeof b);
        /* entries past the returned count are scratch (overwritten later) */
        bad += na != nb || na != ne || memcmp(a, b, na * sizeof a[0]) != 0 || memcmp(a, e, na * sizeof a[0]) != 0;
    }
    CHECK_MSG(bad == 0, "rej_uniform: %u of %u random buffers differ between versions", bad, ROUNDS);
}

#ifdef MLDSA_AVX2
#define AVX2_OR_NULL(f) (have_avx2() ? f##_avx2 : NULL)
#else
#define AVX2_OR_NULL(f) NULL
#endif

int main(void)
{
    const int64_t q = MLDSA_Q;
    if (!have_avx2())
        printf("test_mldsa_dispatch: AVX2 versions not built or not supported here; "
               "comparing the exported names with the portable C only\n");
    check_unary("ntt", mldsa_poly_ntt_c, AVX2_OR_NULL(mldsa_poly_ntt), mldsa_poly_ntt, -(q - 1), q - 1);
    check_unary("invntt_tomont", mldsa_poly_invntt_tomont_c, AVX2_OR_NULL(mldsa_poly_invntt_tomont),
                mldsa_poly_invntt_tomont, -(q - 1), q - 1);
    check_binary("pointwise_montgomery", mldsa_poly_pointwise_montgomery_c,
                 AVX2_OR_NULL(mldsa_poly_pointwise_montgomery), mldsa_poly_pointwise_montgomery, -(q - 1), q - 1,
                 -(9 * q - 1), 9 * q - 1);
    check_unary("reduce", mldsa_poly_reduce_c, AVX2_OR_NULL(mldsa_poly_reduce), mldsa_poly_reduce,
                -(INT32_MAX - (1 << 22)), INT32_MAX - (1 << 22));
    check_unary("caddq", mldsa_poly_caddq_c, AVX2_OR_NULL(mldsa_poly_caddq), mldsa_poly_caddq, -(q - 1), q - 1);
    check_chknorm(mldsa_poly_chknorm_c, AVX2_OR_NULL(mldsa_poly_chknorm), mldsa_poly_chknorm);
    check_split("power2round", mldsa_polyveck_power2round_c, AVX2_OR_NULL(mldsa_polyveck_power2round),
                mldsa_polyveck_power2round);
    check_split("decompose", mldsa_polyveck_decompose_c, AVX2_OR_NULL(mldsa_polyveck_decompose),
                mldsa_polyveck_decompose);
    check_make_hint(mldsa_polyveck_make_hint_c, AVX2_OR_NULL(mldsa_polyveck_make_hint), mldsa_polyveck_make_hint);
    check_use_hint(mldsa_polyveck_use_hint_c, AVX2_OR_NULL(mldsa_polyveck_use_hint), mldsa_polyveck_use_hint);
    check_rej_uniform(mldsa_rej_uniform_c, AVX2_OR_NULL(mldsa_rej_uniform), mldsa_rej_uniform);
    return check_summary("test_mldsa_dispatch");
}

/* mldsa_rounding.c: Power2Round, Decompose (gamma2 = (q-1)/32), MakeHint and UseHint of FIPS 204
 * section 7.4. Power2Round, Decompose and MakeHint are branch-free (they run on secret-derived
 * values while signing); UseHint runs on public data only (verification). */
#include "crypto/mldsa_blocks.h"
#include "crypto/mldsa_dispatch.h"

#define TWO_GAMMA2 (2 * MLDSA_GAMMA2) /* 523776 = 1023 * 2^9 */

/* All ones if a == b, else 0, branch-free. */
static inline int32_t eq_mask(int32_t a, int32_t b)
{
    uint32_t x = (uint32_t)(a ^ b);
    return (int32_t)(((x | (0u - x)) >> 31) - 1u);
}

void mldsa_power2round(int32_t *a1, int32_t *a0, int32_t a)
{
    /* a1 = round(a / 2^d) with ties going down, so a0 = a - a1 2^d lies in (-2^(d-1), 2^(d-1)]. */
    int32_t hi = (a + (1 << (MLDSA_D - 1)) - 1) >> MLDSA_D;
    *a1 = hi;
    *a0 = a - (hi << MLDSA_D);
}

/* floor(x / 523776) for 0 <= x < 2^24 without a division instruction: x / 2^9 first (exact floor
 * composition), then floor(y / 1023) = (y * ceil(2^32 / 1023)) >> 32 for y < 2^15 (error below
 * y / 2^32 < 1/1023). Checked exhaustively over [0, q) in test_mldsa_blocks. */
static inline int32_t div_two_gamma2(int32_t x)
{
    uint64_t y = (uint32_t)x >> 9;
    return (int32_t)((y * 4198405u) >> 32);
}

void mldsa_decompose(int32_t *a1, int32_t *a0, int32_t a)
{
    /* a0 = a mod+- 2 gamma2 in (-gamma2, gamma2]; a1 = (a - a0) / (2 gamma2). */
    int32_t hi = div_two_gamma2(a + MLDSA_GAMMA2 - 1);
    int32_t lo = a - hi * TWO_GAMMA2;
    /* hi == 16 means a - a0 == q - 1: FIPS 204 maps it to (0, a0 - 1). */
    int32_t wrap = (15 - hi) >> 31; /* all ones iff hi == 16 */
    *a1 = hi & ~wrap;
    *a0 = lo + wrap;
}

void mldsa_polyveck_power2round_c(mldsa_polyveck *v1, mldsa_polyveck *v0, const mldsa_polyveck *v)
{
    for (unsigned i = 0; i < MLDSA_K; i++)
        for (unsigned j = 0; j < MLDSA_N; j++) mldsa_power2round(&v1->v[i].c[j], &v0->v[i].c[j], v->v[i].c[j]);
}

void mldsa_polyveck_decompose_c(mldsa_polyveck *v1, mldsa_polyveck *v0, const mldsa_polyveck *v)
{
    for (unsigned i = 0; i < MLDSA_K; i++)
        for (unsigned j = 0; j < MLDSA_N; j++) mldsa_decompose(&v1->v[i].c[j], &v0->v[i].c[j], v->v[i].c[j]);
}

/* With a0 = LowBits(w) - cs2 + ct0 (centred) and a1 = HighBits(w), the FIPS 204 hint
 * MakeHint(-ct0, w - cs2 + ct0) is 1 exactly when a0 leaves (-gamma2, gamma2], or equals -gamma2
 * while a1 != 0 (the signer has already checked the norms that make this equivalence hold). */
static inline int32_t make_hint(int32_t a0, int32_t a1)
{
    int32_t above = (MLDSA_GAMMA2 - a0) >> 31; /* a0 > gamma2 */
    int32_t below = (a0 + MLDSA_GAMMA2) >> 31; /* a0 < -gamma2 */
    int32_t at_edge = eq_mask(a0, -MLDSA_GAMMA2);
    int32_t a1_nonzero = ~eq_mask(a1, 0);
    return (above | below | (at_edge & a1_nonzero)) & 1;
}

unsigned mldsa_polyveck_make_hint_c(mldsa_polyveck *h, const mldsa_polyveck *v0, const mldsa_polyveck *v1)
{
    unsigned weight = 0;
    for (unsigned i = 0; i < MLDSA_K; i++) {
        for (unsigned j = 0; j < MLDSA_N; j++) {
            int32_t bit = make_hint(v0->v[i].c[j], v1->v[i].c[j]);
            h->v[i].c[j] = bit;
            weight += (unsigned)bit;
        }
    }
    return weight;
}

static int32_t use_hint(int32_t a, int32_t hint)
{
    int32_t a1, a0;
    mldsa_decompose(&a1, &a0, a);
    if (!hint) return a1;
    return a0 > 0 ? (a1 + 1) & 15 : (a1 - 1) & 15;
}

void mldsa_polyveck_use_hint_c(mldsa_polyveck *w, const mldsa_polyveck *u, const mldsa_polyveck *h)
{
    for (unsigned i = 0; i < MLDSA_K; i++)
        for (unsigned j = 0; j < MLDSA_N; j++) w->v[i].c[j] = use_hint(u->v[i].c[j], h->v[i].c[j]);
}

#ifdef MLDSA_AVX2
MLDSA_DISPATCH(void, mldsa_polyveck_power2round, (mldsa_polyveck * v1, mldsa_polyveck *v0, const mldsa_polyveck *v));
MLDSA_DISPATCH(void, mldsa_polyveck_decompose, (mldsa_polyveck * v1, mldsa_polyveck *v0, const mldsa_polyveck *v));
MLDSA_DISPATCH(unsigned, mldsa_polyveck_make_hint,
               (mldsa_polyveck * h, const mldsa_polyveck *v0, const mldsa_polyveck *v1));
MLDSA_DISPATCH(void, mldsa_polyveck_use_hint, (mldsa_polyveck * w, const mldsa_polyveck *u, const mldsa_polyveck *h));
#else
void mldsa_polyveck_power2round(mldsa_polyveck *v1, mldsa_polyveck *v0, const mldsa_polyveck *v)
{
    mldsa_polyveck_power2round_c(v1, v0, v);
}
void mldsa_polyveck_decompose(mldsa_polyveck *v1, mldsa_polyveck *v0, const mldsa_polyveck *v)
{
    mldsa_polyveck_decompose_c(v1, v0, v);
}
unsigned mldsa_polyveck_make_hint(mldsa_polyveck *h, const mldsa_polyveck *v0, const mldsa_polyveck *v1)
{
    return mldsa_polyveck_make_hint_c(h, v0, v1);
}
void mldsa_polyveck_use_hint(mldsa_polyveck *w, const mldsa_polyveck *u, const mldsa_polyveck *h)
{
    mldsa_polyveck_use_hint_c(w, u, h);
}
#endif

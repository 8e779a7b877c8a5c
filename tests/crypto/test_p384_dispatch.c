/* test_p384_dispatch: the two builds of our P-384 arithmetic (crypto/p384_impl.h), the portable C
 * table and the x86-64 MULX/ADX table, give bit-identical results:
 *  - field multiplication and squaring on edge values (0, 1, 2, p - 1, p - 2, 2^383, 2^384 mod p,
 *    values with all-ones limbs just below p, ...) crossed with each other and on random values,
 *    each also checked against an independent reference (OpenSSL BIGNUM: a b 2^-384 mod p);
 *  - inversion and square root on edge and random values; the batch inversion against single ones
 *    (zeros included);
 *  - point addition (with P + P, P + (-P) and the identity), mixed addition and doubling,
 *    k * P with fixed windows, comb tables and k * P over them, on low, high and random scalars;
 *  - the exported (dispatched) names use the table CPUID selects, and p384_impl_force switches it.
 * Where the ADX table is not built (CCTSA_PORTABLE, not x86-64) or the CPU lacks BMI2/ADX, the
 * portable table alone is checked against OpenSSL (and the test says so). */
#include <openssl/bn.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "crypto/p384_impl.h"

#define RANDOM_FIELD 20000
#define RANDOM_POINTS 12

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;
static uint64_t rnd64(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static const uint64_t P[6] = {0x00000000ffffffffULL, 0xffffffff00000000ULL, 0xfffffffffffffffeULL,
                              0xffffffffffffffffULL, 0xffffffffffffffffULL, 0xffffffffffffffffULL};

/* 1 if a < p */
static int below_p(const uint64_t a[6])
{
    for (int i = 5; i >= 0; i--)
        if (a[i] != P[i]) return a[i] < P[i];
    return 0;
}

static void rnd_fe(p384_fe a)
{
    do {
        for (int i = 0; i < 6; i++) a[i] = rnd64();
        if ((rnd64() & 7) == 0) a[5] = ~0ULL; /* often near p */
    } while (!below_p(a));
}

#define EDGES 12
static p384_fe g_edge[EDGES];

static void make_edges(void)
{
    memset(g_edge, 0, sizeof g_edge);
    g_edge[1][0] = 1;
    g_edge[2][0] = 2;
    memcpy(g_edge[3], P, sizeof P);
    g_edge[3][0] -= 1; /* p - 1 */
    memcpy(g_edge[4], P, sizeof P);
    g_edge[4][0] -= 2;                    /* p - 2 */
    g_edge[5][5] = 1ULL << 63;            /* 2^383 */
    g_edge[6][0] = 0xffffffff00000001ULL; /* 2^384 mod p (Montgomery one) */
    g_edge[6][1] = 0x00000000ffffffffULL;
    g_edge[6][2] = 1;
    memcpy(g_edge[7], P, sizeof P); /* 2^384 - 2^128 - 2^96 = p - 2^32 + 1 */
    g_edge[7][0] = 0;
    for (int i = 0; i < 6; i++) g_edge[8][i] = P[i] >> 1 | (i < 5 ? P[i + 1] << 63 : 0); /* (p - 1) / 2 */
    g_edge[9][0] = ~0ULL;                                                                /* 2^64 - 1 */
    memcpy(g_edge[10], P, sizeof P);
    g_edge[10][2] = 0xfffffffe00000000ULL; /* p with a low all-ones run cleared: below p */
    memcpy(g_edge[11], P, sizeof P);
    g_edge[11][0] = 0x00000000fffffffeULL;
    g_edge[11][1] = 0xffffffff00000000ULL;
}

static BIGNUM *to_bn(const uint64_t a[6])
{
    uint8_t be[48];
    for (int i = 0; i < 6; i++)
        for (int k = 0; k < 8; k++) be[(5 - i) * 8 + k] = (uint8_t)(a[i] >> (56 - 8 * k));
    return BN_bin2bn(be, sizeof be, NULL);
}

/* OpenSSL reference of the Montgomery product: a b 2^-384 mod p. */
static int ref_mont_mul(const p384_fe a, const p384_fe b, const p384_fe got, BN_CTX *bn, const BIGNUM *p,
                        const BIGNUM *rinv)
{
    BIGNUM *x = to_bn(a), *y = to_bn(b), *z = to_bn(got), *t = BN_new();
    int ok = x && y && z && t && BN_mod_mul(t, x, y, p, bn) && BN_mod_mul(t, t, rinv, p, bn) && BN_cmp(t, z) == 0;
    BN_free(x);
    BN_free(y);
    BN_free(z);
    BN_free(t);
    return ok;
}

static const p384_impl *g_fast; /* the ADX table, or NULL where absent */

static void check_mul_pair(const p384_fe a, const p384_fe b, BN_CTX *bn, const BIGNUM *p, const BIGNUM *rinv,
                           unsigned *bad_ref, unsigned *bad_fast)
{
    p384_fe rc, rf, sc, sf;
    p384_impl_c.fe_mul(rc, a, b);
    p384_impl_c.fe_sqr(sc, a);
    if (!ref_mont_mul(a, b, rc, bn, p, rinv) || !ref_mont_mul(a, a, sc, bn, p, rinv)) (*bad_ref)++;
    if (g_fast) {
        g_fast->fe_mul(rf, a, b);
        g_fast->fe_sqr(sf, a);
        if (memcmp(rc, rf, sizeof rc) != 0 || memcmp(sc, sf, sizeof sc) != 0) (*bad_fast)++;
    }
}

static void field_mul_sqr(void)
{
    BN_CTX *bn = BN_CTX_new();
    BIGNUM *p = to_bn(P), *rinv = BN_new(), *r = BN_new();
    CHECK(bn && p && rinv && r && BN_set_bit(r, 384) && BN_mod_inverse(rinv, r, p, bn));
    unsigned bad_ref = 0, bad_fast = 0;
    for (int i = 0; i < EDGES; i++)
        for (int j = 0; j < EDGES; j++) check_mul_pair(g_edge[i], g_edge[j], bn, p, rinv, &bad_ref, &bad_fast);
    for (int n = 0; n < RANDOM_FIELD; n++) {
        p384_fe a, b;
        rnd_fe(a);
        if (n % 4 == 0)
            memcpy(b, g_edge[n / 4 % EDGES], sizeof b);
        else
            rnd_fe(b);
        check_mul_pair(a, b, bn, p, rinv, &bad_ref, &bad_fast);
    }
    CHECK_MSG(bad_ref == 0, "%u portable products differ from OpenSSL", bad_ref);
    CHECK_MSG(bad_fast == 0, "%u ADX products differ from the portable ones", bad_fast);
    BN_free(p);
    BN_free(rinv);
    BN_free(r);
    BN_CTX_free(bn);
}

static void field_inv_sqrt(void)
{
    unsigned bad = 0, wrong = 0;
    for (int n = 0; n < EDGES + 200; n++) {
        p384_fe a, ic, is, t, one;
        if (n < EDGES)
            memcpy(a, g_edge[n], sizeof a);
        else
            rnd_fe(a);
        p384_impl_c.fe_inv(ic, a);
        p384_impl_c.fe_sqrt_candidate(is, a);
        p384_impl_c.fe_mul(t, a, ic);
        p384_fe_one(one);
        if (!p384_fe_is_zero(a) && !p384_fe_eq(t, one)) wrong++;
        if (g_fast) {
            p384_fe fi, fs;
            g_fast->fe_inv(fi, a);
            g_fast->fe_sqrt_candidate(fs, a);
            if (memcmp(ic, fi, sizeof ic) != 0 || memcmp(is, fs, sizeof is) != 0) bad++;
        }
    }
    CHECK_MSG(wrong == 0, "%u inverses wrong", wrong);
    /* the batch inversion (Montgomery's trick, a zero gives zero) against one at a time, in place */
    p384_fe batch[P384_INV_BATCH], single;
    unsigned bad_batch = 0;
    for (int i = 0; i < P384_INV_BATCH; i++) {
        if (i < EDGES)
            memcpy(batch[i], g_edge[(i * 5) % EDGES], sizeof batch[i]);
        else
            rnd_fe(batch[i]);
    }
    memset(batch[P384_INV_BATCH - 1], 0, sizeof batch[0]); /* zeros at both ends */
    p384_fe copy[P384_INV_BATCH];
    memcpy(copy, batch, sizeof copy);
    p384_fe_inv_batch(batch, batch, P384_INV_BATCH);
    for (int i = 0; i < P384_INV_BATCH; i++) {
        p384_fe_inv(single, copy[i]);
        if (memcmp(single, batch[i], sizeof single) != 0) bad_batch++;
    }
    CHECK_MSG(bad_batch == 0, "%u batch inverses differ", bad_batch);
    CHECK_MSG(bad == 0, "%u inverses or square roots differ between the tables", bad);
}

static void encode(uint8_t out[97], const p384_point *a) { (void)p384_point_to_bytes(out, a); }

/* Run one group operation with both tables and compare the encodings. */
static void same_points(const char *what, const p384_point *rc, const p384_point *rf)
{
    uint8_t ec[97], ef[97];
    encode(ec, rc);
    encode(ef, rf);
    CHECK_MSG(memcmp(ec, ef, sizeof ec) == 0, "%s differs between the tables", what);
}

static p384_comb g_comb_c, g_comb_f;

static void point_ops(void)
{
    uint8_t k[48];
    p384_point P1, P2, N, id, rc, rf;
    p384_fe x, y;
    p384_point_identity(&id);
    for (int n = 0; n < RANDOM_POINTS; n++) {
        for (int i = 0; i < 48; i++) k[i] = (uint8_t)rnd64();
        p384_impl_c.mul(&P1, &id, k); /* the identity times anything */
        CHECK(p384_point_is_identity(&P1) == 1);
        p384_mul_g(&P1, k);
        k[0] ^= 0x5a;
        p384_mul_g(&P2, k);
        if (n & 1) { /* an affine (Z = 1) input */
            CHECK(p384_point_to_affine(x, y, &P2) == 0);
            p384_point_from_affine(&P2, x, y);
        }
        N = P1;
        p384_point_cneg(&N, 1);
        const p384_point *lhs[4] = {&P1, &P1, &P1, &id}, *rhs[4] = {&P2, &P1, &N, &P2};
        for (int t = 0; t < 4; t++) {
            if (!g_fast) break;
            p384_impl_c.point_add(&rc, lhs[t], rhs[t]);
            g_fast->point_add(&rf, lhs[t], rhs[t]);
            same_points("point_add", &rc, &rf);
            p384_impl_c.point_double(&rc, lhs[t]);
            g_fast->point_double(&rf, lhs[t]);
            same_points("point_double", &rc, &rf);
        }
        CHECK(p384_point_to_affine(x, y, &P2) == 0);
        if (g_fast) {
            p384_impl_c.point_add_affine(&rc, &P1, x, y);
            g_fast->point_add_affine(&rf, &P1, x, y);
            same_points("point_add_affine", &rc, &rf);
            p384_impl_c.point_add_affine(&rc, &id, x, y);
            g_fast->point_add_affine(&rf, &id, x, y);
            same_points("point_add_affine (identity)", &rc, &rf);
        }
        /* scalars: random, then low (1, 2, 15, 16), then high (all-ones, n - 1 pattern) */
        memset(k, 0, sizeof k);
        if (n < 4)
            k[47] = (uint8_t)(n < 2 ? n + 1 : 15 + (n - 2));
        else if (n == 4)
            memset(k, 0xff, sizeof k);
        else
            for (int i = 0; i < 48; i++) k[i] = (uint8_t)rnd64();
        if (g_fast) {
            p384_impl_c.mul(&rc, &P1, k);
            g_fast->mul(&rf, &P1, k);
            same_points("mul", &rc, &rf);
        }
        if (n < 3 && g_fast) { /* comb tables are 138 KB each: a few */
            p384_impl_c.comb_init(&g_comb_c, &P2);
            g_fast->comb_init(&g_comb_f, &P2);
            CHECK_MSG(memcmp(&g_comb_c, &g_comb_f, sizeof g_comb_c) == 0, "comb tables differ between the tables");
            p384_impl_c.comb_mul(&rc, &g_comb_c, k);
            g_fast->comb_mul(&rf, &g_comb_f, k);
            same_points("comb_mul", &rc, &rf);
            p384_impl_c.mul(&rf, &P2, k);
            same_points("comb_mul vs mul", &rc, &rf);
        }
    }
}

static void selection(void)
{
    const p384_impl *active = p384_impl_active();
    CHECK(active == (g_fast ? g_fast : &p384_impl_c));
    printf("test_p384_dispatch: active table: %s\n", active->name);
    p384_fe a, b, r1, r2;
    rnd_fe(a);
    rnd_fe(b);
    p384_impl_force(&p384_impl_c);
    CHECK(p384_impl_active() == &p384_impl_c);
    p384_fe_mul(r1, a, b);
    p384_impl_c.fe_mul(r2, a, b);
    CHECK_MEM(r1, r2, sizeof r1);
    p384_impl_force(NULL);
    CHECK(p384_impl_active() == active);
}

int main(void)
{
#ifdef P384_FE_ADX
    if (p384_cpu_has_adx()) g_fast = &p384_impl_adx;
#endif
    if (!g_fast)
        printf("test_p384_dispatch: the MULX/ADX table is not built or not supported here; checking the "
               "portable table against OpenSSL only\n");
    make_edges();
    for (int i = 0; i < EDGES; i++) CHECK(below_p(g_edge[i]));
    field_mul_sqr();
    field_inv_sqrt();
    point_ops();
    selection();
    return check_summary("test_p384_dispatch");
}

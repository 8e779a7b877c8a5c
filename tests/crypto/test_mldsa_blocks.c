/* test_mldsa_blocks: unit tests of the ML-DSA building blocks against independent, naive
 * references written here from the FIPS 204 definitions: NTT-based multiplication vs schoolbook
 * negacyclic multiplication mod q, NTT/inverse round trip, the scalar reductions, Decompose and
 * Power2Round exhaustively over [0, q) against their textbook definitions, MakeHint/UseHint
 * consistency, pack/unpack round trips, strict hint and secret-key decoding, SampleInBall shape,
 * and constant-time helpers. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "crypto/ct.h"
#include "crypto/fips202.h"
#include "crypto/mldsa.h"
#include "crypto/mldsa_blocks.h"
#include "testutil.h"

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;
static uint32_t rnd32(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 16);
}

static int32_t modq(int64_t a)
{
    int64_t r = a % MLDSA_Q;
    return (int32_t)(r < 0 ? r + MLDSA_Q : r);
}

/* c = a * b in Z_q[X]/(X^256 + 1), coefficients in [0, q). */
static void schoolbook(int32_t c[MLDSA_N], const int32_t a[MLDSA_N], const int32_t b[MLDSA_N])
{
    int64_t acc[MLDSA_N] = {0};
    for (int i = 0; i < MLDSA_N; i++)
        for (int j = 0; j < MLDSA_N; j++) {
            int64_t p = (int64_t)a[i] * b[j] % MLDSA_Q;
            if (i + j < MLDSA_N)
                acc[i + j] += p;
            else
                acc[i + j - MLDSA_N] -= p;
        }
    for (int i = 0; i < MLDSA_N; i++) c[i] = modq(acc[i]);
}

static void random_poly(mldsa_poly *p, int32_t bound)
{
    for (int i = 0; i < MLDSA_N; i++) p->c[i] = (int32_t)(rnd32() % (uint32_t)(2 * bound - 1)) - (bound - 1);
}

static void test_ntt(void)
{
    int rounds = tu_sanitized() ? 3 : 20;
    for (int r = 0; r < rounds; r++) {
        mldsa_poly a, b, ah, bh, c;
        int32_t ref[MLDSA_N], am[MLDSA_N], bm[MLDSA_N];
        random_poly(&a, MLDSA_Q);
        random_poly(&b, r % 2 ? MLDSA_Q : MLDSA_GAMMA1);
        for (int i = 0; i < MLDSA_N; i++) am[i] = modq(a.c[i]), bm[i] = modq(b.c[i]);
        schoolbook(ref, am, bm);
        ah = a, bh = b;
        mldsa_poly_ntt(&ah);
        mldsa_poly_ntt(&bh);
        int bounded = 1;
        for (int i = 0; i < MLDSA_N; i++) bounded &= ah.c[i] < 9 * MLDSA_Q && ah.c[i] > -9 * MLDSA_Q;
        CHECK(bounded);
        mldsa_poly_pointwise_montgomery(&c, &ah, &bh);
        mldsa_poly_invntt_tomont(&c); /* Montgomery factors cancel: plain product */
        int same = 1, in_range = 1;
        for (int i = 0; i < MLDSA_N; i++) {
            in_range &= c.c[i] > -MLDSA_Q && c.c[i] < MLDSA_Q;
            same &= modq(c.c[i]) == ref[i];
        }
        CHECK_MSG(same && in_range, "NTT product != schoolbook product (round %d)", r);
        /* round trip: invntt(ntt(a)) = a * 2^32 mod q */
        mldsa_poly t = a;
        mldsa_poly_ntt(&t);
        mldsa_poly_reduce(&t);
        mldsa_poly_invntt_tomont(&t);
        same = 1;
        for (int i = 0; i < MLDSA_N; i++) same &= modq(t.c[i]) == modq((int64_t)a.c[i] * ((1LL << 32) % MLDSA_Q));
        CHECK_MSG(same, "NTT round trip (round %d)", r);
    }
}

static void test_reductions(void)
{
    int ok = 1;
    for (int i = 0; i < 200000; i++) {
        int64_t a = ((int64_t)(int32_t)rnd32() * (int64_t)(rnd32() % MLDSA_Q));
        int32_t m = mldsa_montgomery_reduce(a);
        ok &= m > -MLDSA_Q && m < MLDSA_Q && modq((int64_t)m * (1LL << 32)) == modq(a);
        int32_t b = (int32_t)(rnd32() % (2147483647u - (1u << 22))) * ((i & 1) ? 1 : -1);
        int32_t r = mldsa_reduce32(b);
        ok &= r >= -6283008 && r <= 6283008 && modq(r) == modq(b);
        int32_t f = mldsa_freeze(b);
        ok &= f >= 0 && f < MLDSA_Q && f == modq(b);
        int32_t c = (int32_t)(rnd32() % (2 * MLDSA_Q - 1)) - (MLDSA_Q - 1);
        ok &= mldsa_caddq(c) == modq(c);
    }
    CHECK_MSG(ok, "scalar reductions");
}

/* Exhaustive over [0, q): Decompose and Power2Round against the FIPS 204 definitions. */
static void test_rounding(void)
{
    int ok_dec = 1, ok_p2r = 1;
    const int32_t g2 = MLDSA_GAMMA2, twog2 = 2 * MLDSA_GAMMA2;
    /* quotient and remainder of r by 2 gamma2, kept incrementally (no division in the loop) */
    int32_t quo = 0, rem = 0;
    for (int32_t r = 0; r < MLDSA_Q; r++, rem++) {
        if (rem == twog2) rem = 0, quo++;
        /* r0 = r mod+- 2 gamma2 in (-gamma2, gamma2] */
        int32_t r0 = rem, r1 = quo;
        if (r0 > g2) r0 -= twog2, r1++;
        if (r - r0 == MLDSA_Q - 1) {
            r1 = 0;
            r0 -= 1;
        }
        int32_t a1, a0;
        mldsa_decompose(&a1, &a0, r);
        ok_dec &= a1 == r1 && a0 == r0;
        /* Power2Round: r0 = r mod+- 2^d */
        int32_t p0 = r & ((1 << MLDSA_D) - 1);
        if (p0 > (1 << (MLDSA_D - 1))) p0 -= 1 << MLDSA_D;
        int32_t p1 = (r - p0) >> MLDSA_D;
        mldsa_power2round(&a1, &a0, r);
        ok_p2r &= a1 == p1 && a0 == p0;
    }
    CHECK_MSG(ok_dec, "Decompose differs from FIPS 204 definition");
    CHECK_MSG(ok_p2r, "Power2Round differs from FIPS 204 definition");
}

static int32_t highbits(int32_t r)
{
    int32_t a1, a0;
    mldsa_decompose(&a1, &a0, r);
    return a1;
}

/* FIPS 204 Alg. 36 Decompose, straight from the definition (division and all). */
static void decompose_ref(int32_t *r1, int32_t *r0, int32_t r)
{
    const int32_t twog2 = 2 * MLDSA_GAMMA2;
    *r0 = r % twog2;
    if (*r0 > MLDSA_GAMMA2) *r0 -= twog2;
    if (r - *r0 == MLDSA_Q - 1) {
        *r1 = 0;
        *r0 -= 1;
    } else {
        *r1 = (r - *r0) / twog2;
    }
}

/* Exhaustive: UseHint(h, r) for every r in [0, q) and h in {0, 1} against FIPS 204 Alg. 40, and
 * the reference-form MakeHint(a0, a1) for every a1 in [0, 15] and |a0| <= 2 gamma2 against its
 * meaning: 1 exactly when HighBits(a1 * 2 gamma2 + a0 mod q) != a1. */
static void test_hints_exhaustive(void)
{
    static mldsa_polyveck u, h, w, v0, v1;
    const int per = MLDSA_K * MLDSA_N;
    int ok_use = 1, ok_make = 1;
    long n = 0;
    for (int32_t base = 0; base < MLDSA_Q; base += per) {
        for (int bit = 0; bit < 2; bit++) {
            for (int k = 0; k < per; k++) {
                int32_t r = base + k < MLDSA_Q ? base + k : MLDSA_Q - 1;
                u.v[k / MLDSA_N].c[k % MLDSA_N] = r;
                h.v[k / MLDSA_N].c[k % MLDSA_N] = bit;
            }
            mldsa_polyveck_use_hint(&w, &u, &h);
            for (int k = 0; k < per; k++) {
                int32_t r1, r0, r = u.v[k / MLDSA_N].c[k % MLDSA_N];
                decompose_ref(&r1, &r0, r);
                int32_t want = !bit ? r1 : r0 > 0 ? (r1 + 1) % 16 : (r1 + 15) % 16;
                ok_use &= w.v[k / MLDSA_N].c[k % MLDSA_N] == want;
            }
        }
    }
    for (int32_t a0 = -2 * MLDSA_GAMMA2; a0 <= 2 * MLDSA_GAMMA2; a0 += per) {
        for (int32_t a1 = 0; a1 < 16; a1++) {
            for (int k = 0; k < per; k++) {
                int32_t x = a0 + k <= 2 * MLDSA_GAMMA2 ? a0 + k : 2 * MLDSA_GAMMA2;
                v0.v[k / MLDSA_N].c[k % MLDSA_N] = x;
                v1.v[k / MLDSA_N].c[k % MLDSA_N] = a1;
            }
            unsigned weight = mldsa_polyveck_make_hint(&h, &v0, &v1), want_weight = 0;
            for (int k = 0; k < per; k++) {
                int32_t r1, r0;
                decompose_ref(&r1, &r0, modq((int64_t)a1 * 2 * MLDSA_GAMMA2 + v0.v[k / MLDSA_N].c[k % MLDSA_N]));
                int32_t want = r1 != a1;
                want_weight += (unsigned)want;
                ok_make &= h.v[k / MLDSA_N].c[k % MLDSA_N] == want;
                n++;
            }
            ok_make &= weight == want_weight;
        }
    }
    CHECK_MSG(ok_use, "UseHint differs from FIPS 204 Alg. 40");
    CHECK_MSG(ok_make && n > 16L * 4 * MLDSA_GAMMA2, "MakeHint differs from its definition");
}

/* FIPS 204: MakeHint(z, r) = [HighBits(r) != HighBits(r + z)] and, for |z| <= gamma2,
 * UseHint(MakeHint(z, r), r) = HighBits(r + z). Checks UseHint against that identity, and the
 * signer's reference-form hint (a0 = LowBits(w) - cs2 + ct0, a1 = HighBits(w)) against the FIPS
 * MakeHint(-ct0, w - cs2 + ct0) whenever the signer's norm check |LowBits(w) - cs2| < gamma2 - beta
 * passed. */
static void test_hints(void)
{
    int ok_use = 1, ok_make = 1, made = 0, batches = tu_sanitized() ? 40 : 300;
    static mldsa_polyveck u, hv, w, v0, v1, want_use, want_make;
    for (int b = 0; b < batches; b++) {
        /* one batch = K * N independent cases in each vector */
        for (int i = 0; i < MLDSA_K; i++) {
            for (int j = 0; j < MLDSA_N; j++) {
                /* UseHint identity */
                int32_t r = (int32_t)(rnd32() % MLDSA_Q);
                int32_t z = (int32_t)(rnd32() % (2 * MLDSA_GAMMA2 + 1)) - MLDSA_GAMMA2;
                int32_t rz = modq((int64_t)r + z);
                u.v[i].c[j] = r;
                hv.v[i].c[j] = highbits(r) != highbits(rz);
                want_use.v[i].c[j] = highbits(rz);

                /* signer form; values near the wrap-around are frequent on purpose. Cases where the
                 * signer's r0 check would have rejected are replaced by a neutral one. */
                int32_t wv = (j % 4 == 0) ? (int32_t)(MLDSA_Q - 1 - rnd32() % 300000) : (int32_t)(rnd32() % MLDSA_Q);
                int32_t cs2 = (int32_t)(rnd32() % (2 * MLDSA_BETA + 1)) - MLDSA_BETA;
                int32_t ct0 = (int32_t)(rnd32() % (2 * MLDSA_GAMMA2 - 1)) - (MLDSA_GAMMA2 - 1);
                int32_t w1, w0;
                mldsa_decompose(&w1, &w0, wv);
                if (w0 - cs2 <= -(MLDSA_GAMMA2 - MLDSA_BETA) || w0 - cs2 >= MLDSA_GAMMA2 - MLDSA_BETA)
                    cs2 = 0, ct0 = 0, w0 = 0;
                else
                    made++;
                int32_t x = modq((int64_t)w1 * 2 * MLDSA_GAMMA2 + w0 - cs2 + ct0);
                v0.v[i].c[j] = w0 - cs2 + ct0;
                v1.v[i].c[j] = w1;
                want_make.v[i].c[j] = highbits(modq((int64_t)x - ct0)) != highbits(x);
            }
        }
        mldsa_polyveck_use_hint(&w, &u, &hv);
        ok_use &= !memcmp(&w, &want_use, sizeof w);
        unsigned weight = mldsa_polyveck_make_hint(&hv, &v0, &v1), want_weight = 0;
        for (int i = 0; i < MLDSA_K; i++)
            for (int j = 0; j < MLDSA_N; j++) want_weight += (unsigned)want_make.v[i].c[j];
        ok_make &= !memcmp(&hv, &want_make, sizeof hv) && weight == want_weight;
    }
    CHECK_MSG(ok_use, "UseHint does not recover HighBits(r + z)");
    CHECK_MSG(ok_make && made > batches * MLDSA_K * MLDSA_N / 2, "MakeHint differs from the FIPS definition");
}

static void test_packing(void)
{
    /* z, t0, t1, eta round trips at the extremes and at random values */
    mldsa_poly a, b;
    uint8_t buf[MLDSA_POLYZ_PACKEDBYTES];
    for (int i = 0; i < MLDSA_N; i++)
        a.c[i] = (i % 3 == 0)   ? MLDSA_GAMMA1
                 : (i % 3 == 1) ? -MLDSA_GAMMA1 + 1
                                : (int32_t)(rnd32() % (2 * MLDSA_GAMMA1)) - MLDSA_GAMMA1 + 1;
    mldsa_polyz_pack(buf, &a);
    mldsa_polyz_unpack(&b, buf);
    CHECK_MEM(a.c, b.c, sizeof a.c);
    for (int i = 0; i < MLDSA_N; i++) a.c[i] = (int32_t)(rnd32() % (1 << MLDSA_D)) - (1 << (MLDSA_D - 1)) + 1;
    a.c[0] = 1 << (MLDSA_D - 1), a.c[1] = -(1 << (MLDSA_D - 1)) + 1;
    mldsa_polyt0_pack(buf, &a);
    mldsa_polyt0_unpack(&b, buf);
    CHECK_MEM(a.c, b.c, sizeof a.c);
    for (int i = 0; i < MLDSA_N; i++) a.c[i] = (int32_t)(rnd32() % 1024);
    mldsa_polyt1_pack(buf, &a);
    mldsa_polyt1_unpack(&b, buf);
    CHECK_MEM(a.c, b.c, sizeof a.c);
    for (int i = 0; i < MLDSA_N; i++) a.c[i] = (int32_t)(rnd32() % 9) - 4;
    mldsa_polyeta_pack(buf, &a);
    CHECK(mldsa_polyeta_unpack(&b, buf) == 0);
    CHECK_MEM(a.c, b.c, sizeof a.c);
    /* every nibble 9..15 (coefficient < -eta) is refused, in either half of a byte */
    for (int v = 9; v < 16; v++) {
        uint8_t bad[MLDSA_POLYETA_PACKEDBYTES];
        memcpy(bad, buf, sizeof bad);
        bad[v * 7] = (uint8_t)((bad[v * 7] & 0xF0) | v);
        CHECK(mldsa_polyeta_unpack(&b, bad) == -1);
        memcpy(bad, buf, sizeof bad);
        bad[127 - v] = (uint8_t)((bad[127 - v] & 0x0F) | v << 4);
        CHECK(mldsa_polyeta_unpack(&b, bad) == -1);
    }
    /* w1: 4 bits, low nibble first */
    for (int i = 0; i < MLDSA_N; i++) a.c[i] = i & 15;
    mldsa_polyw1_pack(buf, &a);
    CHECK(buf[0] == 0x10 && buf[7] == 0xFE);
}

/* Hint encoding: a valid signature layout, then each malformation FIPS 204 Alg. 21 rejects. */
static void test_hint_decoding(void)
{
    uint8_t sig[CC_MLDSA65_SIGBYTES], ctilde[MLDSA_CTILDEBYTES];
    mldsa_polyvecl z;
    mldsa_polyveck h, h2;
    memset(&z, 0, sizeof z);
    memset(&h, 0, sizeof h);
    memset(ctilde, 7, sizeof ctilde);
    h.v[0].c[3] = h.v[0].c[200] = h.v[2].c[0] = h.v[5].c[255] = 1;
    mldsa_pack_sig(sig, ctilde, &z, &h);
    CHECK(mldsa_unpack_sig(ctilde, &z, &h2, sig) == 0);
    CHECK_MEM(&h, &h2, sizeof h);
    uint8_t *y = sig + CC_MLDSA65_SIGBYTES - MLDSA_OMEGA - MLDSA_K;
    CHECK(y[0] == 3 && y[1] == 200 && y[2] == 0 && y[3] == 255 && y[MLDSA_OMEGA] == 2 && y[MLDSA_OMEGA + 5] == 4);
    uint8_t bad[CC_MLDSA65_SIGBYTES];
#define MUTATE(stmt)                                                                                                   \
    do {                                                                                                               \
        memcpy(bad, sig, sizeof bad);                                                                                  \
        uint8_t *yb = bad + CC_MLDSA65_SIGBYTES - MLDSA_OMEGA - MLDSA_K;                                               \
        stmt;                                                                                                          \
        CHECK_MSG(mldsa_unpack_sig(ctilde, &z, &h2, bad) == -1, "accepted: %s", #stmt);                                \
    } while (0)
    MUTATE(yb[0] = 200);                           /* indices not increasing */
    MUTATE(yb[1] = 3);                             /* repeated index */
    MUTATE(yb[MLDSA_OMEGA + 1] = 1);               /* count decreasing */
    MUTATE(yb[MLDSA_OMEGA + 5] = MLDSA_OMEGA + 1); /* count above omega */
    MUTATE(yb[10] = 1);                            /* unused slot not zero */
    MUTATE(yb[MLDSA_OMEGA - 1] = 9);               /* last unused slot not zero */
#undef MUTATE
}

static void test_sample_in_ball(void)
{
    uint8_t seed[MLDSA_CTILDEBYTES];
    int ok = 1;
    for (int r = 0; r < 50; r++) {
        for (size_t i = 0; i < sizeof seed; i++) seed[i] = (uint8_t)rnd32();
        mldsa_poly c;
        mldsa_sample_in_ball(&c, seed);
        int nonzero = 0;
        for (int i = 0; i < MLDSA_N; i++) {
            ok &= c.c[i] >= -1 && c.c[i] <= 1;
            nonzero += c.c[i] != 0;
        }
        ok &= nonzero == MLDSA_TAU;
    }
    CHECK_MSG(ok, "SampleInBall must give exactly tau coefficients in {-1, 1}");
}

static void test_expand(void)
{
    /* ExpandA: uniform in [0, q); ExpandS: in [-eta, eta]; ExpandMask: in (-gamma1, gamma1] */
    uint8_t seed[64];
    for (size_t i = 0; i < sizeof seed; i++) seed[i] = (uint8_t)(i * 3);
    mldsa_matrix A;
    mldsa_polyvecl s1, y;
    mldsa_polyveck s2;
    mldsa_expand_a(&A, seed);
    mldsa_expand_s(&s1, &s2, seed);
    mldsa_expand_mask(&y, seed, 0);
    int ok_a = 1, ok_s = 1, ok_y = 1;
    for (int r = 0; r < MLDSA_K; r++)
        for (int s = 0; s < MLDSA_L; s++)
            for (int i = 0; i < MLDSA_N; i++) ok_a &= A.row[r].v[s].c[i] >= 0 && A.row[r].v[s].c[i] < MLDSA_Q;
    for (int s = 0; s < MLDSA_L; s++)
        for (int i = 0; i < MLDSA_N; i++) {
            ok_s &= s1.v[s].c[i] >= -MLDSA_ETA && s1.v[s].c[i] <= MLDSA_ETA;
            ok_y &= y.v[s].c[i] > -MLDSA_GAMMA1 && y.v[s].c[i] <= MLDSA_GAMMA1;
        }
    for (int r = 0; r < MLDSA_K; r++)
        for (int i = 0; i < MLDSA_N; i++) ok_s &= s2.v[r].c[i] >= -MLDSA_ETA && s2.v[r].c[i] <= MLDSA_ETA;
    CHECK(ok_a && ok_s && ok_y);
    /* ExpandMask's first polynomial is BitUnpack(SHAKE256(rho'' || 0x0000, 640)) directly */
    uint8_t in[66], out[640];
    memcpy(in, seed, 64);
    in[64] = in[65] = 0;
    cc_shake256(out, sizeof out, in, sizeof in);
    uint32_t v0 = out[0] | out[1] << 8 | (uint32_t)(out[2] & 15) << 16;
    CHECK(y.v[0].c[0] == MLDSA_GAMMA1 - (int32_t)v0);
}

static void test_ct_helpers(void)
{
    uint8_t a[33], b[33];
    memset(a, 5, sizeof a);
    memset(b, 5, sizeof b);
    CHECK(cc_memcmp_ct(a, b, sizeof a) == 0);
    CHECK(cc_memcmp_ct(a, b, 0) == 0);
    for (size_t i = 0; i < sizeof a; i++) {
        b[i] ^= 0x80;
        CHECK(cc_memcmp_ct(a, b, sizeof a) != 0);
        b[i] ^= 0x81;
        CHECK(cc_memcmp_ct(a, b, sizeof a) != 0);
        b[i] ^= 0x01;
    }
    CHECK(cc_ct_eq_mask32(7, 7) == 0xFFFFFFFFu && cc_ct_eq_mask32(0, 0) == 0xFFFFFFFFu);
    CHECK(cc_ct_eq_mask32(7, 8) == 0 && cc_ct_eq_mask32(0, 0x80000000u) == 0 && cc_ct_eq_mask32(1, 0) == 0);
    cc_memzero(a, sizeof a);
    CHECK(a[0] == 0 && a[32] == 0);
    uint8_t r1[32], r2[32];
    CHECK(cc_randombytes(r1, sizeof r1) == 0 && cc_randombytes(r2, sizeof r2) == 0);
    CHECK(memcmp(r1, r2, sizeof r1) != 0);
}

/* API-level error handling: NULLs, long contexts, wrong lengths, unknown pre-hash, bad keys. */
static void test_api_errors(void)
{
    static uint8_t pk[CC_MLDSA65_PKBYTES], sk[CC_MLDSA65_SKBYTES], sig[CC_MLDSA65_SIGBYTES], pk2[CC_MLDSA65_PKBYTES];
    uint8_t seed[32] = {1}, ctx[256] = {0}, mu[64];
    CHECK(cc_mldsa65_keygen_seed(pk, sk, seed) == CC_MLDSA_OK);
    CHECK(cc_mldsa65_sign(sig, (const uint8_t *)"m", 1, ctx, 256, NULL, sk) == CC_MLDSA_EINVAL);
    CHECK(cc_mldsa65_sign(sig, (const uint8_t *)"m", 1, ctx, 255, NULL, sk) == CC_MLDSA_OK);
    CHECK(cc_mldsa65_verify(sig, sizeof sig, (const uint8_t *)"m", 1, ctx, 255, pk) == CC_MLDSA_OK);
    CHECK(cc_mldsa65_verify(sig, sizeof sig, (const uint8_t *)"m", 1, ctx, 256, pk) == CC_MLDSA_EINVAL);
    CHECK(cc_mldsa65_verify(sig, sizeof sig - 1, (const uint8_t *)"m", 1, ctx, 255, pk) == CC_MLDSA_ESIG);
    CHECK(cc_mldsa65_verify(sig, sizeof sig, (const uint8_t *)"n", 1, ctx, 255, pk) == CC_MLDSA_ESIG);
    CHECK(cc_mldsa65_mu(mu, pk, NULL, 0, ctx, 256) == CC_MLDSA_EINVAL);
    CHECK(cc_mldsa65_sign(NULL, NULL, 0, NULL, 0, NULL, sk) == CC_MLDSA_EINVAL);
    CHECK(cc_mldsa65_sign(sig, NULL, 5, NULL, 0, NULL, sk) == CC_MLDSA_EINVAL);
    CHECK(cc_mldsa65_verify(NULL, 0, NULL, 0, NULL, 0, pk) == CC_MLDSA_EINVAL);
    CHECK(cc_mldsa65_sign_prehash(sig, NULL, 0, NULL, 0, (cc_prehash_alg)99, NULL, sk) == CC_MLDSA_EHASH);
    CHECK(cc_mldsa65_verify_prehash(sig, sizeof sig, NULL, 0, NULL, 0, (cc_prehash_alg)-1, pk) == CC_MLDSA_EHASH);
    CHECK(cc_prehash_from_name("SHA2-512/256") == CC_PH_SHA2_512_256 && cc_prehash_from_name("MD5") == -1 &&
          cc_prehash_from_name(NULL) == -1);
    /* empty message and context are fine */
    CHECK(cc_mldsa65_sign(sig, NULL, 0, NULL, 0, NULL, sk) == CC_MLDSA_OK);
    CHECK(cc_mldsa65_verify(sig, sizeof sig, NULL, 0, NULL, 0, pk) == CC_MLDSA_OK);
    /* hedged signing differs from deterministic and still verifies */
    uint8_t sig2[CC_MLDSA65_SIGBYTES], rnd[32] = {9};
    CHECK(cc_mldsa65_sign(sig2, NULL, 0, NULL, 0, rnd, sk) == CC_MLDSA_OK && memcmp(sig, sig2, sizeof sig) != 0);
    CHECK(cc_mldsa65_verify(sig2, sizeof sig2, NULL, 0, NULL, 0, pk) == CC_MLDSA_OK);
    /* a signature under one pre-hash does not verify under another or as pure */
    CHECK(cc_mldsa65_sign_prehash(sig, (const uint8_t *)"abc", 3, NULL, 0, CC_PH_SHA2_384, NULL, sk) == CC_MLDSA_OK);
    CHECK(cc_mldsa65_verify_prehash(sig, sizeof sig, (const uint8_t *)"abc", 3, NULL, 0, CC_PH_SHA2_384, pk) == 0);
    CHECK(cc_mldsa65_verify_prehash(sig, sizeof sig, (const uint8_t *)"abc", 3, NULL, 0, CC_PH_SHA3_384, pk) ==
          CC_MLDSA_ESIG);
    CHECK(cc_mldsa65_verify(sig, sizeof sig, (const uint8_t *)"abc", 3, NULL, 0, pk) == CC_MLDSA_ESIG);
    /* sk whose stored t0 or tr does not match s1/s2: pk_from_sk refuses it */
    uint8_t bad[CC_MLDSA65_SKBYTES];
    memcpy(bad, sk, sizeof bad);
    bad[CC_MLDSA65_SKBYTES - 1] ^= 1; /* t0 */
    CHECK(cc_mldsa65_pk_from_sk(pk2, bad) == CC_MLDSA_EKEY);
    memcpy(bad, sk, sizeof bad);
    bad[64] ^= 1; /* tr */
    CHECK(cc_mldsa65_pk_from_sk(pk2, bad) == CC_MLDSA_EKEY);
    memcpy(bad, sk, sizeof bad);
    bad[128] = 0xFF; /* s1 nibble 15 */
    CHECK(cc_mldsa65_pk_from_sk(pk2, bad) == CC_MLDSA_EKEY);
    CHECK(cc_mldsa65_sign(sig, NULL, 0, NULL, 0, NULL, bad) == CC_MLDSA_EKEY);
    CHECK(cc_mldsa65_pk_from_sk(pk2, sk) == CC_MLDSA_OK && memcmp(pk, pk2, sizeof pk) == 0);

    /* reusable objects: bad keys and arguments are refused, results match the one-shot calls */
    cc_mldsa65_signer *signer = (cc_mldsa65_signer *)&bad; /* must be overwritten with NULL */
    CHECK(cc_mldsa65_signer_new(&signer, bad) == CC_MLDSA_EKEY && signer == NULL);
    CHECK(cc_mldsa65_signer_new(NULL, sk) == CC_MLDSA_EINVAL);
    CHECK(cc_mldsa65_signer_new(&signer, sk) == CC_MLDSA_OK && signer != NULL);
    cc_mldsa65_verifier *verifier = NULL;
    CHECK(cc_mldsa65_verifier_new(&verifier, pk) == CC_MLDSA_OK && verifier != NULL);
    CHECK(cc_mldsa65_signer_sign(signer, sig, (const uint8_t *)"m", 1, ctx, 256, NULL) == CC_MLDSA_EINVAL);
    CHECK(cc_mldsa65_signer_sign(NULL, sig, (const uint8_t *)"m", 1, NULL, 0, NULL) == CC_MLDSA_EINVAL);
    CHECK(cc_mldsa65_signer_sign_prehash(signer, sig, NULL, 0, NULL, 0, (cc_prehash_alg)12, NULL) == CC_MLDSA_EHASH);
    CHECK(cc_mldsa65_signer_sign(signer, sig, (const uint8_t *)"m", 1, ctx, 7, rnd) == CC_MLDSA_OK);
    CHECK(cc_mldsa65_sign(sig2, (const uint8_t *)"m", 1, ctx, 7, rnd, sk) == CC_MLDSA_OK &&
          !memcmp(sig, sig2, sizeof sig));
    CHECK(cc_mldsa65_verifier_verify(verifier, sig, sizeof sig, (const uint8_t *)"m", 1, ctx, 7) == CC_MLDSA_OK);
    CHECK(cc_mldsa65_verifier_verify(verifier, sig, sizeof sig, (const uint8_t *)"m", 1, ctx, 6) == CC_MLDSA_ESIG);
    CHECK(cc_mldsa65_verifier_verify(verifier, sig, 100, (const uint8_t *)"m", 1, ctx, 7) == CC_MLDSA_ESIG);
    CHECK(cc_mldsa65_verifier_verify(verifier, NULL, 0, NULL, 0, NULL, 0) == CC_MLDSA_EINVAL);
    CHECK(cc_mldsa65_verifier_verify(verifier, sig, sizeof sig, (const uint8_t *)"m", 1, ctx, 256) == CC_MLDSA_EINVAL);
    CHECK(cc_mldsa65_verifier_verify_mu(NULL, sig, sizeof sig, mu) == CC_MLDSA_EINVAL);
    cc_mldsa65_signer_free(signer);
    cc_mldsa65_verifier_free(verifier);
    cc_mldsa65_signer_free(NULL);
    cc_mldsa65_verifier_free(NULL);
}

int main(void)
{
    test_ntt();
    test_reductions();
    test_rounding();
    test_hints();
    test_hints_exhaustive();
    test_packing();
    test_hint_decoding();
    test_sample_in_ball();
    test_expand();
    test_ct_helpers();
    test_api_errors();
    return check_summary("test_mldsa_blocks");
}

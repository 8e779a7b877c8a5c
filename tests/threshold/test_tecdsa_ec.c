/* test_tecdsa_ec.c: the group layer and small building blocks of the threshold ECDSA code:
 *  - strict point decoding: wrong prefixes, x >= p, x not on the curve, identity, off-curve and
 *    inconsistent uncompressed encodings are refused; valid points round-trip;
 *  - k*G, k*P, a*G + b*P, x mod n and hash-to-curve agree with OpenSSL computed independently;
 *  - the batched check sum k_i P_i == d G + sum e_i Q_i (tec_msm_eq_mul_g) holds for statements
 *    made with OpenSSL and BIGNUM, and fails after any one change of d, a point or a weight;
 *  - the fixed-base comb a*G + P (public a) agrees with OpenSSL's a*G + 1*P, including digit
 *    patterns at the edges, a doubling and a passage through infinity, and refuses an identity result;
 *  - Schnorr proofs verify, and fail for another session, party, index, label or statement;
 *  - Lagrange coefficients interpolate a random degree-2 polynomial at 0 for all 10 triples;
 *  - the batches (the base OTs): tec_hash_to_curve_batch gives the points of tec_hash_to_curve one
 *    by one, tec_from_points the encodings of tec_from_point (and fails on an identity in the
 *    batch), the projective _pt forms the points of tec_mul_g, tec_mul, tec_comb_mul, tec_add_mul
 *    and tec_sub;
 *  - the used-session ring refuses repeats;
 *  - API misuse (bad ids, signer sets, NULLs, calls out of order) fails with an error, never a crash. */
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>
#include <openssl/rand.h>
#include <string.h>

#include "check.h"
#include "testutil.h"
#include "threshold/ecdsa/tecdsa_ec.h"
#include "threshold/ecdsa/tecdsa_internal.h"
#include "threshold/testkit/tecdsa_driver.h"

static EC_GROUP *g;
static BN_CTX *bn;

/* OpenSSL's own k*G (BIGNUM k) as a compressed encoding. */
static void ossl_mul(uint8_t out[49], const uint8_t k[48], const EC_POINT *P)
{
    BIGNUM *b = BN_bin2bn(k, 48, NULL);
    EC_POINT *r = EC_POINT_new(g);
    if (P)
        EC_POINT_mul(g, r, NULL, P, b, bn);
    else
        EC_POINT_mul(g, r, b, NULL, NULL, bn);
    EC_POINT_point2oct(g, r, POINT_CONVERSION_COMPRESSED, out, 49, bn);
    EC_POINT_free(r);
    BN_free(b);
}

static void decoding(void)
{
    uint8_t enc[97], k[48];
    tpt P, Q;
    tsc s;
    tsc_random(&s);
    tsc_to_bytes(k, &s);
    CHECK(tec_mul_g(&P, &s) == 0);
    CHECK(tec_decode(&Q, P.b) == 0 && tec_eq(&P, &Q) && memcmp(P.u, Q.u, 97) == 0);
    CHECK(tec_encode_uncompressed(enc, &P) == 0 && tec_decode_uncompressed(&Q, enc) == 0 && tec_eq(&P, &Q));
    /* wrong prefixes */
    memcpy(enc, P.b, 49);
    for (int pre = 0; pre < 8; pre++) {
        if (pre == 2 || pre == 3) continue;
        enc[0] = (uint8_t)pre;
        CHECK_MSG(tec_decode(&Q, enc) != 0, "prefix %d accepted", pre);
    }
    /* identity (all zero), x = p, x = 2^384 - 1 */
    memset(enc, 0, 49);
    CHECK(tec_decode(&Q, enc) != 0);
    BIGNUM *p = BN_new();
    EC_GROUP_get_curve(g, p, NULL, NULL, bn);
    enc[0] = 2;
    BN_bn2binpad(p, enc + 1, 48);
    CHECK(tec_decode(&Q, enc) != 0);
    memset(enc + 1, 0xff, 48);
    CHECK(tec_decode(&Q, enc) != 0);
    /* an x with no point: find one by trying small x */
    int off_curve_found = 0;
    for (int x = 1; x < 64 && !off_curve_found; x++) {
        memset(enc, 0, 49);
        enc[0] = 2;
        enc[48] = (uint8_t)x;
        EC_POINT *t = EC_POINT_new(g);
        int exists = EC_POINT_oct2point(g, t, enc, 49, bn) == 1;
        EC_POINT_free(t);
        if (!exists) {
            CHECK(tec_decode(&Q, enc) != 0);
            off_curve_found = 1;
        }
    }
    CHECK(off_curve_found);
    /* uncompressed: flipped y (off curve), wrong prefix, 49-byte vs 97-byte confusion */
    tec_encode_uncompressed(enc, &P);
    enc[96] ^= 1;
    CHECK(tec_decode_uncompressed(&Q, enc) != 0);
    enc[96] ^= 1;
    enc[0] = 6;
    CHECK(tec_decode_uncompressed(&Q, enc) != 0);
    enc[0] = 2;
    CHECK(tec_decode_uncompressed(&Q, enc) != 0);
    BN_free(p);
}

/* Secret scalars with leading zero bytes (k < 2^376, zero top windows): products match OpenSSL's. */
static void small_scalars(void)
{
    tpt G, A;
    tsc one, k;
    uint8_t kb[48], expect[49];
    tsc_set_u64(&one, 1);
    CHECK(tec_mul_g(&G, &one) == 0);
    EC_POINT *Gp = EC_POINT_new(g);
    EC_POINT_oct2point(g, Gp, G.b, 49, bn);
    for (int i = 0; i < 48; i++) {
        tsc_random(&k);
        tsc_to_bytes(kb, &k);
        memset(kb, 0, (size_t)i); /* i leading zero bytes */
        if (i == 47) kb[47] = (uint8_t)(1 + (kb[47] % 200));
        CHECK(tsc_from_bytes(&k, kb) == 0);
        CHECK(tec_mul_g(&A, &k) == 0);
        ossl_mul(expect, kb, NULL);
        CHECK_MSG(memcmp(A.b, expect, 49) == 0 && memcmp(A.u + 1, expect + 1, 48) == 0, "k*G, %d zero bytes", i);
        CHECK(tec_mul(&A, &G, &k) == 0);
        ossl_mul(expect, kb, Gp);
        CHECK_MSG(memcmp(A.b, expect, 49) == 0, "k*P, %d zero bytes", i);
        tpt D;
        CHECK(tec_decode(&D, A.b) == 0 && memcmp(D.u, A.u, 97) == 0); /* both encodings consistent */
    }
    EC_POINT_free(Gp);
}

static void arithmetic(void)
{
    for (int i = 0; i < 8; i++) {
        tsc a, b;
        uint8_t ka[48], kb[48], expect[49];
        tpt A, B, C;
        tsc_random(&a);
        tsc_random(&b);
        tsc_to_bytes(ka, &a);
        tsc_to_bytes(kb, &b);
        CHECK(tec_mul_g(&A, &a) == 0);
        ossl_mul(expect, ka, NULL);
        CHECK_MEM(A.b, expect, 49);
        EC_POINT *Ap = EC_POINT_new(g);
        EC_POINT_oct2point(g, Ap, A.b, 49, bn);
        CHECK(tec_mul(&B, &A, &b) == 0);
        ossl_mul(expect, kb, Ap);
        CHECK_MEM(B.b, expect, 49);
        /* a*G + b*A = (a + a*b)*G */
        tsc ab, sum;
        tsc_mul(&ab, &a, &b);
        tsc_add(&sum, &a, &ab);
        CHECK(tec_lincomb_pub(&C, &a, &A, &b) == 0);
        CHECK(tec_mul_g(&B, &sum) == 0 && tec_eq(&B, &C));
        CHECK(tec_add(&C, &A, &A) == 0 && tec_sub(&C, &C, &A) == 0 && tec_eq(&C, &A));
        CHECK(tec_sub(&C, &A, &A) != 0); /* infinity is never produced */
        /* x mod n */
        BIGNUM *x = BN_new(), *n = BN_new();
        EC_POINT_get_affine_coordinates(g, Ap, x, NULL, bn);
        EC_GROUP_get_order(g, n, bn);
        BN_mod(x, x, n, bn);
        tsc xs;
        uint8_t xb[48], eb[48];
        CHECK(tec_x_mod_n(&xs, &A) == 0);
        tsc_to_bytes(xb, &xs);
        BN_bn2binpad(x, eb, 48);
        CHECK_MEM(xb, eb, 48);
        BN_free(x);
        BN_free(n);
        EC_POINT_free(Ap);
    }
    /* hash to curve: deterministic, label- and input-separated, valid */
    tpt H1, H2, H3;
    CHECK(tec_hash_to_curve(&H1, "a", (const uint8_t *)"xyz", 3) == 0);
    CHECK(tec_hash_to_curve(&H2, "a", (const uint8_t *)"xyz", 3) == 0 && tec_eq(&H1, &H2));
    CHECK(tec_hash_to_curve(&H3, "b", (const uint8_t *)"xyz", 3) == 0 && !tec_eq(&H1, &H3));
    CHECK(tec_hash_to_curve(&H3, "a", (const uint8_t *)"xyw", 3) == 0 && !tec_eq(&H1, &H3));
    EC_POINT *t = EC_POINT_new(g);
    CHECK(EC_POINT_oct2point(g, t, H1.b, 49, bn) == 1 && EC_POINT_is_on_curve(g, t, bn) == 1);
    EC_POINT_free(t);
    /* both y parities occur */
    int odd = 0;
    for (uint8_t i = 0; i < 32; i++) {
        CHECK(tec_hash_to_curve(&H3, "parity", &i, 1) == 0);
        odd += H3.b[0] == 3;
    }
    CHECK(odd > 4 && odd < 28);
}

/* A random scalar as tsc and BIGNUM; bytes < 48 leaves the top bytes zero (a short weight). */
static void rand_scalar(tsc *t, BIGNUM *b, int bytes)
{
    uint8_t buf[48] = {0};
    do {
        CHECK(RAND_bytes(buf + 48 - bytes, bytes) == 1);
    } while (tsc_from_bytes(t, buf) != 0);
    BN_bin2bn(buf, 48, b);
}

/* The batched Gamma check: sum k_i P_i == d G + sum e_i Q_i with P_i = p_i G, Q_i = q_i G made by
 * OpenSSL and d = sum k_i p_i - sum e_i q_i mod n computed with BIGNUM; then every single change
 * (d, any P_i, any Q_i, any weight) makes it fail. */
static void batched_check(void)
{
    tpt P[TEC_MSM_MAX], Q[TEC_MSM_MAX], other;
    tsc k[TEC_MSM_MAX], e[TEC_MSM_MAX], d, one, x;
    BIGNUM *n = BN_new(), *D = BN_new(), *t = BN_new(), *u = BN_new(), *v = BN_new();
    EC_GROUP_get_order(g, n, bn);
    tsc_set_u64(&one, 1);
    CHECK(tec_hash_to_curve(&other, "batched", (const uint8_t *)"x", 1) == 0);
    for (int np = 1; np <= TEC_MSM_MAX; np += 3)
        for (int nq = 0; nq <= TEC_MSM_MAX; nq += 2) {
            uint8_t kb[48], enc[49];
            BN_zero(D);
            for (int i = 0; i < np + nq; i++) {
                int isq = i >= np, m = isq ? i - np : i;
                rand_scalar(&x, u, 48); /* the discrete log */
                tsc_to_bytes(kb, &x);
                ossl_mul(enc, kb, NULL);
                CHECK(tec_decode(isq ? &Q[m] : &P[m], enc) == 0);
                rand_scalar(isq ? &e[m] : &k[m], v, isq ? 16 : 48);
                BN_mod_mul(t, u, v, n, bn);
                if (isq)
                    BN_mod_sub(D, D, t, n, bn);
                else
                    BN_mod_add(D, D, t, n, bn);
            }
            BN_bn2binpad(D, kb, 48);
            CHECK(tsc_from_bytes(&d, kb) == 0);
            CHECK_MSG(tec_msm_eq_mul_g(P, k, (size_t)np, Q, e, (size_t)nq, &d) == 1, "batched check %d + %d", np, nq);
            tsc_add(&x, &d, &one);
            CHECK(tec_msm_eq_mul_g(P, k, (size_t)np, Q, e, (size_t)nq, &x) == 0);
            for (int i = 0; i < np + nq; i++) {
                int isq = i >= np, m = isq ? i - np : i;
                tpt *pt = isq ? &Q[m] : &P[m], save = *pt;
                tsc *w = isq ? &e[m] : &k[m], wsave = *w;
                *pt = other;
                CHECK_MSG(tec_msm_eq_mul_g(P, k, (size_t)np, Q, e, (size_t)nq, &d) == 0, "point %d of %d + %d", i, np,
                          nq);
                *pt = save;
                tsc_add(w, w, &one);
                CHECK_MSG(tec_msm_eq_mul_g(P, k, (size_t)np, Q, e, (size_t)nq, &d) == 0, "weight %d of %d + %d", i, np,
                          nq);
                *w = wsave;
            }
        }
    /* the identity on the left is refused; too many terms is an error */
    tsc_zero(&k[0]);
    tsc_zero(&d);
    CHECK(tec_msm_eq_mul_g(P, k, 1, Q, e, 0, &d) == 0);
    CHECK(tec_msm_eq_mul_g(P, k, TEC_MSM_MAX + 1, Q, e, 0, &d) == -1);
    BN_free(n);
    BN_free(D);
    BN_free(t);
    BN_free(u);
    BN_free(v);
}

/* RFC 9380 P384_XMD:SHA-384_SSWU_RO_ vectors: from the CFRG reference implementation's vector file
 * (poc/vectors/P384_XMD:SHA-384_SSWU_RO_.json, whose DST ends in "-"), and the RFC's appendix J.3.1
 * (DST without it). */
static void h2c_vectors(void)
{
    static const struct {
        const char *dst, *msg, *x, *y;
    } v[] = {
        {"QUUX-V01-CS02-with-P384_XMD:SHA-384_SSWU_RO_-", "",
         "1a62e440ccce7e5d2d596efad87ca4efd761981cc48e8abcbd9fd095653af0853d920b0679417c1b54d1a29d6ac23321",
         "153066d9acedd9ef0bd13b7f8a5bf28eb000c057902cfd8448a72f284e9bf6b5efd47df5f26907d9fb4267b54d132a86"},
        {"QUUX-V01-CS02-with-P384_XMD:SHA-384_SSWU_RO_-", "abc",
         "929766f12a828188bc7b1aaf0fc9a080c0d497ca07f4908527cb9530d7623a11c0afd484297ca2ec5d3ab7b516e10089",
         "9b68be809e730a1acb4ef79e1249aa6c4450681d310ae1b12301ca607342b8a779fd39949899f30d93436df9c4231b34"},
        {"QUUX-V01-CS02-with-P384_XMD:SHA-384_SSWU_RO_-", "abcdef0123456789",
         "e2a1217eabd29ad730110899a34cfca42b0232c20e3ef228031854b81f61080c83cc2f3c4abe74338d8b28ad1a7303bb",
         "549869060197674cbed53b6099aee4588acf4eafb0bec71e4d942283595e7359662248184446f3c1cac4d327a68500bb"},
        {"QUUX-V01-CS02-with-P384_XMD:SHA-384_SSWU_RO_", "",
         "eb9fe1b4f4e14e7140803c1d99d0a93cd823d2b024040f9c067a8eca1f5a2eeac9ad604973527a356f3fa3aeff0e4d83",
         "0c21708cff382b7f4643c07b105c2eaec2cead93a917d825601e63c8f21f6abd9abc22c93c2bed6f235954b25048bb1a"},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        tpt H, D;
        uint8_t x[48], y[48];
        tu_hex_to(x, 48, v[i].x);
        tu_hex_to(y, 48, v[i].y);
        CHECK(tec_hash_to_curve_dst(&H, (const uint8_t *)v[i].dst, strlen(v[i].dst), (const uint8_t *)v[i].msg,
                                    strlen(v[i].msg)) == 0);
        CHECK_MSG(memcmp(H.u + 1, x, 48) == 0 && memcmp(H.u + 49, y, 48) == 0, "RFC 9380 vector %zu", i);
        CHECK(tec_decode(&D, H.b) == 0 && memcmp(D.u, H.u, 97) == 0); /* OpenSSL agrees on both encodings */
    }
    /* the constant-time subtraction against OpenSSL's, including a - (-a) = 2a and a - a */
    tsc k;
    tpt A, B, C1, C2, negA;
    for (int i = 0; i < 64; i++) {
        tsc_random(&k);
        CHECK(tec_mul_g(&A, &k) == 0);
        tsc_random(&k);
        CHECK(tec_mul_g(&B, &k) == 0);
        CHECK(tec_sub(&C1, &A, &B) == 0 && tec_add(&C2, &C1, &B) == 0); /* (A - B) + B */
        CHECK(memcmp(C2.u, A.u, 97) == 0 && memcmp(C2.b, A.b, TPT_BYTES) == 0);
    }
    CHECK(tec_sub(&negA, &B, &A) == 0 && tec_sub(&negA, &negA, &B) == 0); /* -A */
    CHECK(tec_sub(&C1, &A, &negA) == 0 && tec_add(&C2, &A, &A) == 0 && tec_eq(&C1, &C2));
    CHECK(tec_sub(&C1, &A, &A) != 0); /* the identity is never produced */
}

static void comb(void)
{
    tsc a, one, b;
    tpt G, P, X, Y;
    uint8_t k[48];
    tsc_set_u64(&one, 1);
    CHECK(tec_mul_g(&G, &one) == 0);
    for (int i = 0; i < 64; i++) {
        tsc_random(&a);
        tsc_random(&b);
        CHECK(tec_mul_g(&P, &b) == 0);
        CHECK(tec_mul_g_add_pub(&X, &a, &P) == 0);
        CHECK(tec_lincomb_pub(&Y, &a, &P, &one) == 0);
        CHECK_MSG(tec_eq(&X, &Y) && memcmp(X.u, Y.u, 97) == 0, "comb differs from OpenSSL (run %d)", i);
    }
    /* edge digit patterns: 0, 1, top digit only, 0x0f repeated, mixed; then n-1 */
    const uint8_t patterns[][2] = {{0x00, 0x00}, {0x00, 0x01}, {0xf0, 0x00}, {0x0f, 0x0f}, {0xa5, 0x5a}, {0x11, 0x88}};
    tsc_random(&b);
    CHECK(tec_mul_g(&P, &b) == 0);
    for (size_t i = 0; i < sizeof patterns / sizeof patterns[0]; i++) {
        memset(k, patterns[i][0], 48);
        k[47] = patterns[i][1];
        if (patterns[i][1] == 0x01 || patterns[i][0] == 0x00) memset(k, 0, 47);
        if (patterns[i][0] == 0xf0) memset(k + 1, 0, 47); /* 0xf0 * 2^376 */
        CHECK(tsc_from_bytes(&a, k) == 0);
        CHECK(tec_mul_g_add_pub(&X, &a, &P) == 0 && tec_lincomb_pub(&Y, &a, &P, &one) == 0);
        CHECK_MSG(tec_eq(&X, &Y), "comb differs from OpenSSL on pattern %zu", i);
    }
    tsc_neg(&a, &one); /* n - 1 */
    CHECK(tec_mul_g_add_pub(&X, &a, &P) == 0 && tec_lincomb_pub(&Y, &a, &P, &one) == 0 && tec_eq(&X, &Y));
    /* (n-1)*G + G is the identity: refused */
    CHECK(tec_mul_g_add_pub(&X, &a, &G) != 0);
    /* 1*G + G: the first addition is a doubling */
    tsc two;
    tsc_set_u64(&two, 2);
    CHECK(tec_mul_g_add_pub(&X, &one, &G) == 0 && tec_mul_g(&Y, &two) == 0 && tec_eq(&X, &Y));
    /* 17*G + (-G): the accumulator passes through infinity after the first digit, then 16*G */
    tpt negG;
    tsc s17, s16;
    CHECK(tec_sub(&negG, &G, &Y) == 0); /* G - 2G */
    tsc_set_u64(&s17, 17);
    tsc_set_u64(&s16, 16);
    CHECK(tec_mul_g_add_pub(&X, &s17, &negG) == 0 && tec_mul_g(&Y, &s16) == 0 && tec_eq(&X, &Y));
}

static void proofs(void)
{
    uint8_t sid[48], sid2[48], proof[TK_POK_BYTES];
    tsc x;
    tpt X, Y;
    memset(sid, 7, sizeof sid);
    memset(sid2, 8, sizeof sid2);
    tsc_random(&x);
    tec_mul_g(&X, &x);
    tec_mul_g(&Y, &x);
    CHECK(tec_add(&Y, &Y, &X) == 0);
    CHECK(tk_pok_prove(proof, &x, &X, "test", sid, 2, 1) == TECDSA_OK);
    CHECK(tk_pok_verify(proof, &X, "test", sid, 2, 1) == TECDSA_OK);
    CHECK(tk_pok_verify(proof, &X, "test", sid2, 2, 1) == TECDSA_ERR_PROOF);
    CHECK(tk_pok_verify(proof, &X, "test", sid, 3, 1) == TECDSA_ERR_PROOF);
    CHECK(tk_pok_verify(proof, &X, "test", sid, 2, 0) == TECDSA_ERR_PROOF);
    CHECK(tk_pok_verify(proof, &X, "tesT", sid, 2, 1) == TECDSA_ERR_PROOF);
    CHECK(tk_pok_verify(proof, &Y, "test", sid, 2, 1) == TECDSA_ERR_PROOF);
    memset(proof + 48, 0xff, 48); /* z >= n */
    CHECK(tk_pok_verify(proof, &X, "test", sid, 2, 1) == TECDSA_ERR_PROOF);
}

static void lagrange(void)
{
    tsc coef[3], f[6], secret;
    for (int k = 0; k < 3; k++) tsc_random(&coef[k]);
    for (int i = 1; i <= 5; i++) {
        tsc xi, t;
        tsc_set_u64(&xi, (uint64_t)i);
        tsc_mul(&t, &coef[2], &xi);
        tsc_add(&t, &t, &coef[1]);
        tsc_mul(&t, &t, &xi);
        tsc_add(&f[i], &t, &coef[0]);
    }
    secret = coef[0];
    int triples = 0;
    for (int a = 1; a <= 5; a++)
        for (int b = a + 1; b <= 5; b++)
            for (int c = b + 1; c <= 5; c++) {
                int S[3] = {a, b, c};
                tsc acc, l, t;
                tsc_zero(&acc);
                for (int k = 0; k < 3; k++) {
                    tk_lagrange(&l, S[k], S);
                    tsc_mul(&t, &l, &f[S[k]]);
                    tsc_add(&acc, &acc, &t);
                }
                CHECK_MSG(tsc_eq(&acc, &secret), "triple %d%d%d", a, b, c);
                triples++;
            }
    CHECK(triples == 10);
}

static void used_sessions(void)
{
    tecdsa_keyshare *ks = tk_new(1, NULL);
    uint8_t sid[48] = {0};
    CHECK(tk_use_sid(ks, sid) == TECDSA_OK);
    CHECK(tk_use_sid(ks, sid) == TECDSA_ERR_REPLAY);
    sid[47] = 1;
    CHECK(tk_use_sid(ks, sid) == TECDSA_OK);
    tecdsa_keyshare_free(ks);
}

static void api_misuse(void)
{
    uint8_t nonce[32] = {0}, batch[48] = {0}, digest[48] = {0}, der[TECDSA_SIG_MAX_DER], pub[97] = {4};
    tecdsa_msg out[TECDSA_N + 1], in[TECDSA_N + 1];
    memset(in, 0, sizeof in);
    CHECK(tecdsa_dkg_new(0, nonce) == NULL);
    CHECK(tecdsa_dkg_new(6, nonce) == NULL);
    CHECK(tecdsa_dkg_new(1, NULL) == NULL);
    tecdsa_dkg *d = tecdsa_dkg_new(1, nonce);
    CHECK(d != NULL);
    CHECK(tecdsa_dkg_step(d, NULL, NULL) == TECDSA_ERR_ARG);
    CHECK(tecdsa_dkg_take_keyshare(d) == NULL); /* not finished */
    CHECK(tecdsa_dkg_step(d, NULL, out) == TECDSA_OK);
    tecdsa_msgs_free(out);
    CHECK(tecdsa_dkg_step(d, NULL, out) == TECDSA_ERR_ARG);  /* round 2 needs input */
    CHECK(tecdsa_dkg_step(d, in, out) == TECDSA_ERR_FORMAT); /* messages missing */
    CHECK(tecdsa_dkg_culprit(d) == 2);
    CHECK(tecdsa_dkg_step(d, in, out) == TECDSA_ERR_STATE); /* failed objects stay failed */
    CHECK(tecdsa_dkg_take_keyshare(d) == NULL);
    tecdsa_dkg_free(d);

    tecdsa_keyshare *ks = tk_new(2, NULL);
    int bad_sets[][3] = {{1, 1, 3}, {3, 2, 1}, {1, 3, 4}, {0, 2, 3}, {2, 3, 6}};
    for (size_t i = 0; i < sizeof bad_sets / sizeof bad_sets[0]; i++)
        CHECK_MSG(tecdsa_presign_new(ks, bad_sets[i], batch) == NULL, "signer set %zu accepted", i);
    int good[3] = {1, 2, 3};
    CHECK(tecdsa_presign_new(NULL, good, batch) == NULL);
    tecdsa_presign *p = tecdsa_presign_new(ks, good, batch);
    CHECK(p != NULL);
    CHECK(tecdsa_presign_take(p) == NULL);
    CHECK(tecdsa_presign_step(p, NULL, NULL) == TECDSA_ERR_ARG);
    tecdsa_presign_free(p);
    tecdsa_keyshare_free(ks);

    tecdsa_msg m = {0}, shares[3] = {{0}};
    size_t der_len = 1;
    int culprit = -1;
    CHECK(tecdsa_sign_share(NULL, digest, sizeof digest, tecdsa_policy_accept_any, NULL, 1, &m) == TECDSA_ERR_ARG);
    CHECK(tecdsa_combine(batch, pub, digest, 1, shares, der, &der_len, &culprit) == TECDSA_ERR_POINT);
    CHECK(der_len == 0);
    CHECK(tecdsa_combine(batch, NULL, digest, 1, shares, der, &der_len, &culprit) == TECDSA_ERR_ARG);
    tecdsa_keyshare *parsed = (tecdsa_keyshare *)1;
    CHECK(tecdsa_keyshare_parse(NULL, 0, &parsed) == TECDSA_ERR_ARG);
    CHECK(tecdsa_keyshare_parse(nonce, sizeof nonce, &parsed) == TECDSA_ERR_FORMAT && parsed == NULL);
    for (int code = TECDSA_DONE; code >= TECDSA_ERR_INTERNAL; code--) {
        CHECK(tecdsa_strerror(code) != NULL);
        for (int other = code - 1; other >= TECDSA_ERR_INTERNAL; other--)
            CHECK_MSG(strcmp(tecdsa_strerror(code), tecdsa_strerror(other)) != 0, "codes %d and %d share a message",
                      code, other);
    }
}

static void batches(void)
{
    uint8_t msgs[TEC_BATCH][20];
    tpt hb[TEC_BATCH], h, e[TEC_BATCH];
    p384_point pts[TEC_BATCH];
    tsc k[TEC_BATCH];
    for (int i = 0; i < TEC_BATCH; i++) {
        memset(msgs[i], 0, sizeof msgs[i]);
        msgs[i][0] = (uint8_t)i;
        msgs[i][19] = (uint8_t)(i * 7);
    }
    CHECK(tec_hash_to_curve_batch(hb, "batch", &msgs[0][0], sizeof msgs[0], TEC_BATCH) == 0);
    for (int i = 0; i < TEC_BATCH; i++) {
        CHECK(tec_hash_to_curve(&h, "batch", msgs[i], sizeof msgs[i]) == 0);
        CHECK_MSG(tec_eq(&h, &hb[i]) && memcmp(h.u, hb[i].u, sizeof h.u) == 0, "h2c batch entry %d", i);
    }
    CHECK(tec_hash_to_curve_batch(hb, "batch", &msgs[0][0], sizeof msgs[0], 0) == -1);
    CHECK(tec_hash_to_curve_batch(hb, "batch", &msgs[0][0], sizeof msgs[0], TEC_BATCH + 1) == -1);
    /* projective forms and one inversion for the batch */
    p384_comb *c = tec_comb_new(&hb[1]);
    CHECK(c != NULL);
    for (int i = 0; i < TEC_BATCH; i++) {
        CHECK(tsc_random(&k[i]) == 0);
        switch (i % 5) {
        case 0: tec_mul_g_pt(&pts[i], &k[i]); break;
        case 1: tec_mul_pt(&pts[i], &hb[i], &k[i]); break;
        case 2: tec_comb_mul_pt(&pts[i], c, &k[i]); break;
        case 3: CHECK(tec_add_mul_pt(&pts[i], &hb[i], &hb[0], &k[i]) == 0); break;
        default: tec_to_point(&pts[i], &hb[0]); tec_sub_pt(&pts[i], &pts[i], &hb[i]);
        }
    }
    CHECK(tec_from_points(e, pts, TEC_BATCH) == 0);
    for (int i = 0; i < TEC_BATCH; i++) {
        switch (i % 5) {
        case 0: CHECK(tec_mul_g(&h, &k[i]) == 0); break;
        case 1: CHECK(tec_mul(&h, &hb[i], &k[i]) == 0); break;
        case 2: CHECK(tec_comb_mul(&h, c, &k[i]) == 0); break;
        case 3: CHECK(tec_add_mul(&h, &hb[i], &hb[0], &k[i]) == 0); break;
        default: CHECK(tec_sub(&h, &hb[0], &hb[i]) == 0);
        }
        CHECK_MSG(tec_eq(&h, &e[i]) && memcmp(h.u, e[i].u, sizeof h.u) == 0, "tec_from_points entry %d", i);
    }
    tec_comb_free(c);
    /* an identity anywhere in the batch fails it; a + (-a) fails tec_add_mul_pt */
    tec_to_point(&pts[5], &hb[3]);
    tec_sub_pt(&pts[5], &pts[5], &hb[3]);
    CHECK(p384_point_is_identity(&pts[5]) == 1);
    CHECK(tec_from_points(e, pts, 6) == -1);
    CHECK(tec_from_points(e, pts, 5) == 0);
    CHECK(tec_from_points(e, pts, 0) == -1);
    tpt neg;
    CHECK(tec_sub(&neg, &hb[0], &hb[2]) == 0 && tec_sub(&neg, &neg, &hb[0]) == 0); /* -hb[2] */
    CHECK(tec_add_mul_pt(&pts[0], &hb[2], &neg, &k[0]) == -1);
}

int main(void)
{
    g = EC_GROUP_new_by_curve_name(NID_secp384r1);
    bn = BN_CTX_new();
    h2c_vectors();
    small_scalars();
    decoding();
    arithmetic();
    batched_check();
    comb();
    proofs();
    lagrange();
    batches();
    used_sessions();
    api_misuse();
    EC_GROUP_free(g);
    BN_CTX_free(bn);
    return check_summary("test_tecdsa_ec");
}

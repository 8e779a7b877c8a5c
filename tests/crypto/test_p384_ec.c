/* test_p384_ec.c: our own P-384 arithmetic (crypto/p384_ec.h) against OpenSSL 3.0 computed
 * independently, and against Wycheproof:
 *  - k*G (fixed-base comb), k*P (windowed) and k*P over P's own comb table for random k and P, and for edge scalars (0, 1, 2,
 *    15, 16, 2^383, 2^384 - 1, n - 1, n, n + 1 (= G), all-ones digit patterns): the identity where
 *    OpenSSL gives it, the same point everywhere else;
 *  - complete addition: P + Q, P + P (doubling through the addition formula), P + (-P) (identity),
 *    O + P, O + O; mixed addition; doubling of O;
 *  - strict decoding: compressed and uncompressed round trips, x or y >= p, off-curve points,
 *    wrong prefixes and lengths, the identity;
 *  - Wycheproof ecdsa_secp384r1_sha384_test.json: every strictly DER-encoded signature verified
 *    with u1*G + u2*Q computed here (u1, u2 from OpenSSL BIGNUM mod n) gives the expected verdict
 *    (the vectors include public keys and signatures built to hit arithmetic edge cases). */
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/rand.h>
#include <string.h>

#include "check.h"
#include "crypto/p384_ec.h"
#include "testutil.h"

static EC_GROUP *g;
static BN_CTX *bn;
static BIGNUM *order;

/* OpenSSL k*P (P NULL: k*G) as 04||X||Y, or all zero for the identity. */
static void ossl_mul(uint8_t out[97], const uint8_t k[48], const EC_POINT *P)
{
    BIGNUM *b = BN_bin2bn(k, 48, NULL);
    EC_POINT *r = EC_POINT_new(g);
    CHECK(EC_POINT_mul(g, r, P ? NULL : b, P, P ? b : NULL, bn) == 1);
    memset(out, 0, 97);
    if (!EC_POINT_is_at_infinity(g, r))
        CHECK(EC_POINT_point2oct(g, r, POINT_CONVERSION_UNCOMPRESSED, out, 97, bn) == 97);
    EC_POINT_free(r);
    BN_free(b);
}

static EC_POINT *ossl_point(const uint8_t enc[97])
{
    EC_POINT *p = EC_POINT_new(g);
    CHECK(EC_POINT_oct2point(g, p, enc, 97, bn) == 1);
    return p;
}

static void random_point(p384_point *P, uint8_t enc[97])
{
    uint8_t k[48];
    RAND_bytes(k, sizeof k);
    ossl_mul(enc, k, NULL);
    CHECK(p384_point_decode(P, enc, 97) == 0);
}

static void check_mul(const uint8_t k[48], const char *what)
{
    uint8_t want[97], got[97], penc[97];
    p384_point R, P;
    ossl_mul(want, k, NULL);
    p384_mul_g(&R, k);
    uint64_t inf = p384_point_to_bytes(got, &R);
    CHECK_MSG(memcmp(got, want, 97) == 0 && inf == (want[0] == 0), "k*G (%s)", what);
    p384_point_from_affine(&P, R.x, R.y); /* unused when inf */
    random_point(&P, penc);
    EC_POINT *op = ossl_point(penc);
    ossl_mul(want, k, op);
    p384_mul(&R, &P, k);
    inf = p384_point_to_bytes(got, &R);
    CHECK_MSG(memcmp(got, want, 97) == 0 && inf == (want[0] == 0), "k*P (%s)", what);
    static p384_comb comb;
    p384_comb_init(&comb, &P);
    p384_comb_mul(&R, &comb, k);
    inf = p384_point_to_bytes(got, &R);
    CHECK_MSG(memcmp(got, want, 97) == 0 && inf == (want[0] == 0), "k*P over P's comb (%s)", what);
    /* the windowed multiplication with P = G agrees with the comb */
    uint8_t genc[97], one[48] = {0};
    one[47] = 1;
    ossl_mul(genc, one, NULL);
    CHECK(p384_point_decode(&P, genc, 97) == 0);
    p384_mul(&R, &P, k);
    p384_point_to_bytes(got, &R);
    ossl_mul(want, k, NULL);
    CHECK_MSG(memcmp(got, want, 97) == 0, "k*G windowed (%s)", what);
    EC_POINT_free(op);
}

static void scalars(void)
{
    uint8_t k[48];
    for (int i = 0; i < 32; i++) {
        RAND_bytes(k, sizeof k);
        check_mul(k, "random");
    }
    BIGNUM *b = BN_new();
    static const char *edges[] = {
        "0",
        "1",
        "2",
        "F",
        "10",
        "11",
        "FF",
        "800000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
        "111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111",
        "F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0"};
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
        BN_hex2bn(&b, edges[i]);
        BN_bn2binpad(b, k, 48);
        check_mul(k, edges[i]);
    }
    for (int d = -2; d <= 1; d++) { /* n - 2, n - 1, n, n + 1 */
        BN_copy(b, order);
        if (d < 0)
            BN_sub_word(b, (BN_ULONG)-d);
        else
            BN_add_word(b, (BN_ULONG)d);
        BN_bn2binpad(b, k, 48);
        check_mul(k, d == 0 ? "n" : d == 1 ? "n+1" : d == -1 ? "n-1" : "n-2");
    }
    BN_free(b);
}

static void addition(void)
{
    uint8_t pe[97], qe[97], got[97], want[97];
    p384_point P, Q, R, O, N;
    random_point(&P, pe);
    random_point(&Q, qe);
    EC_POINT *op = ossl_point(pe), *oq = ossl_point(qe), * or = EC_POINT_new(g);
    EC_POINT_add(g, or, op, oq, bn);
    EC_POINT_point2oct(g, or, POINT_CONVERSION_UNCOMPRESSED, want, 97, bn);
    p384_point_add(&R, &P, &Q);
    CHECK(p384_point_to_bytes(got, &R) == 0 && memcmp(got, want, 97) == 0);
    p384_point_add_affine(&R, &P, Q.x, Q.y);
    CHECK(p384_point_to_bytes(got, &R) == 0 && memcmp(got, want, 97) == 0);
    p384_point_add(&R, &R, &R); /* 2(P+Q) in projective form, through the addition formula */
    p384_point_double(&N, &R);  /* unused: exercise doubling on a non-affine input below */
    EC_POINT_dbl(g, or, or, bn);
    EC_POINT_point2oct(g, or, POINT_CONVERSION_UNCOMPRESSED, want, 97, bn);
    CHECK(p384_point_to_bytes(got, &R) == 0 && memcmp(got, want, 97) == 0);
    EC_POINT_dbl(g, or, or, bn);
    EC_POINT_point2oct(g, or, POINT_CONVERSION_UNCOMPRESSED, want, 97, bn);
    CHECK(p384_point_to_bytes(got, &N) == 0 && memcmp(got, want, 97) == 0);
    p384_point_add_affine(&R, &P, P.x, P.y); /* mixed doubling */
    EC_POINT_dbl(g, or, op, bn);
    EC_POINT_point2oct(g, or, POINT_CONVERSION_UNCOMPRESSED, want, 97, bn);
    CHECK(p384_point_to_bytes(got, &R) == 0 && memcmp(got, want, 97) == 0);
    /* P + (-P), O + P, O + O, 2*O, cneg */
    N = P;
    p384_point_cneg(&N, 1);
    p384_point_add(&R, &P, &N);
    CHECK(p384_point_is_identity(&R) == 1 && p384_point_to_bytes(got, &R) == 1 && got[0] == 0);
    p384_point_add_affine(&R, &N, P.x, P.y);
    CHECK(p384_point_is_identity(&R) == 1);
    p384_point_identity(&O);
    p384_point_add(&R, &O, &P);
    CHECK(p384_point_to_bytes(got, &R) == 0 && memcmp(got, pe, 97) == 0);
    p384_point_add_affine(&R, &O, P.x, P.y);
    CHECK(p384_point_to_bytes(got, &R) == 0 && memcmp(got, pe, 97) == 0);
    p384_point_add(&R, &O, &O);
    CHECK(p384_point_is_identity(&R) == 1);
    p384_point_double(&R, &O);
    CHECK(p384_point_is_identity(&R) == 1);
    N = P;
    p384_point_cneg(&N, 0);
    CHECK(p384_point_to_bytes(got, &N) == 0 && memcmp(got, pe, 97) == 0);
    EC_POINT_free(op);
    EC_POINT_free(oq);
    EC_POINT_free(or);
}

static void decoding(void)
{
    uint8_t ue[97], ce[49], got[97], bad[97];
    p384_point P;
    for (int i = 0; i < 16; i++) {
        random_point(&P, ue);
        EC_POINT *op = ossl_point(ue);
        CHECK(EC_POINT_point2oct(g, op, POINT_CONVERSION_COMPRESSED, ce, 49, bn) == 49);
        CHECK(p384_point_decode(&P, ce, 49) == 0 && p384_point_to_bytes(got, &P) == 0 && memcmp(got, ue, 97) == 0);
        ce[0] ^= 1; /* the other root: -P */
        EC_POINT_invert(g, op, bn);
        EC_POINT_point2oct(g, op, POINT_CONVERSION_UNCOMPRESSED, bad, 97, bn);
        CHECK(p384_point_decode(&P, ce, 49) == 0 && p384_point_to_bytes(got, &P) == 0 && memcmp(got, bad, 97) == 0);
        EC_POINT_free(op);
    }
    CHECK(p384_point_decode(&P, ue, 96) != 0 && p384_point_decode(&P, ue, 49) != 0 &&
          p384_point_decode(&P, NULL, 97) != 0);
    for (int pre = 0; pre < 8; pre++) {
        memcpy(bad, ue, 97);
        bad[0] = (uint8_t)pre;
        CHECK_MSG((p384_point_decode(&P, bad, 97) == 0) == (pre == 4), "prefix %d, 97 bytes", pre);
        memcpy(bad, ce, 49);
        bad[0] = (uint8_t)pre;
        CHECK_MSG((p384_point_decode(&P, bad, 49) == 0) == (pre == 2 || pre == 3), "prefix %d, 49 bytes", pre);
    }
    memset(bad, 0, 97); /* identity-like encodings */
    CHECK(p384_point_decode(&P, bad, 97) != 0 && p384_point_decode(&P, bad, 49) != 0);
    memcpy(bad, ue, 97);
    bad[96] ^= 1; /* off the curve */
    CHECK(p384_point_decode(&P, bad, 97) != 0);
    BIGNUM *p = BN_new(), *x = BN_new();
    EC_GROUP_get_curve(g, p, NULL, NULL, bn);
    BN_bin2bn(ue + 49, 48, x);
    BN_add(x, x, p); /* y + p: same value mod p, not canonical */
    if (BN_num_bytes(x) <= 48) {
        BN_bn2binpad(x, bad + 49, 48);
        memcpy(bad, ue, 49);
        CHECK(p384_point_decode(&P, bad, 97) != 0);
    }
    bad[0] = 2;
    BN_bn2binpad(p, bad + 1, 48); /* x = p */
    CHECK(p384_point_decode(&P, bad, 49) != 0);
    memset(bad + 1, 0xff, 48);
    CHECK(p384_point_decode(&P, bad, 49) != 0);
    int off = 0; /* an x with no point */
    for (int v = 1; v < 64 && !off; v++) {
        memset(bad, 0, 49);
        bad[0] = 2;
        bad[48] = (uint8_t)v;
        EC_POINT *t = EC_POINT_new(g);
        int exists = EC_POINT_oct2point(g, t, bad, 49, bn) == 1;
        EC_POINT_free(t);
        CHECK_MSG((p384_point_decode(&P, bad, 49) == 0) == exists, "x = %d", v);
        off = !exists;
    }
    CHECK(off);
    BN_free(p);
    BN_free(x);
}

/* ECDSA verification with our arithmetic: 1 valid, 0 invalid. u1, u2 computed with BIGNUM. */
static int our_verify(const uint8_t pub[97], const uint8_t digest[48], const BIGNUM *r, const BIGNUM *s)
{
    p384_point Q, A, B;
    uint8_t u1b[48], u2b[48], enc[97];
    if (BN_is_zero(r) || BN_is_zero(s) || BN_cmp(r, order) >= 0 || BN_cmp(s, order) >= 0) return 0;
    if (p384_point_decode(&Q, pub, 97) != 0) return 0;
    BIGNUM *e = BN_bin2bn(digest, 48, NULL), *w = BN_mod_inverse(NULL, s, order, bn), *u1 = BN_new(), *u2 = BN_new();
    BN_mod_mul(u1, e, w, order, bn);
    BN_mod_mul(u2, r, w, order, bn);
    BN_bn2binpad(u1, u1b, 48);
    BN_bn2binpad(u2, u2b, 48);
    p384_mul_g(&A, u1b);
    p384_mul(&B, &Q, u2b);
    p384_point_add(&A, &A, &B);
    int ok = 0;
    if (!p384_point_to_bytes(enc, &A)) {
        BIGNUM *x = BN_bin2bn(enc + 1, 48, NULL);
        BN_nnmod(x, x, order, bn);
        ok = BN_cmp(x, r) == 0;
        BN_free(x);
    }
    BN_free(e);
    BN_free(w);
    BN_free(u1);
    BN_free(u2);
    return ok;
}

static void wycheproof(void)
{
    json_t *doc = tu_load_vectors("wycheproof/testvectors_v1/ecdsa_secp384r1_sha384_test.json");
    CHECK(doc != NULL);
    if (!doc) return;
    int run = 0, valid = 0;
    size_t gi;
    json_t *grp;
    json_array_foreach(json_object_get(doc, "testGroups"), gi, grp)
    {
        size_t publen;
        uint8_t *pub = tu_json_hex(json_object_get(grp, "publicKey"), "uncompressed", &publen);
        size_t ti;
        json_t *tc;
        json_array_foreach(json_object_get(grp, "tests"), ti, tc)
        {
            const char *result = tu_json_str(tc, "result");
            size_t msglen, siglen;
            uint8_t *msg = tu_json_hex(tc, "msg", &msglen), *sig = tu_json_hex(tc, "sig", &siglen);
            const uint8_t *q = sig;
            ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &q, (long)siglen);
            unsigned char *re = NULL;
            int der_ok =
                es && q == sig + siglen && i2d_ECDSA_SIG(es, &re) == (int)siglen && memcmp(re, sig, siglen) == 0;
            if (der_ok && publen == 97 && strcmp(result, "acceptable") != 0) {
                uint8_t digest[48];
                EVP_Digest(msg, msglen, digest, NULL, EVP_sha384(), NULL);
                int v = our_verify(pub, digest, ECDSA_SIG_get0_r(es), ECDSA_SIG_get0_s(es));
                CHECK_MSG(v == (strcmp(result, "valid") == 0), "wycheproof tcId %ld: got %d, want %s",
                          (long)json_integer_value(json_object_get(tc, "tcId")), v, result);
                run++;
                valid += v;
            } else {
                CHECK_MSG(strcmp(result, "valid") != 0 || publen != 97, "valid tcId %ld not run",
                          (long)json_integer_value(json_object_get(tc, "tcId")));
            }
            OPENSSL_free(re);
            ECDSA_SIG_free(es);
            free(msg);
            free(sig);
        }
        free(pub);
    }
    printf("wycheproof: %d strict-DER vectors verified with our arithmetic (%d valid)\n", run, valid);
    CHECK(run > 250 && valid > 150);
    json_decref(doc);
}

int main(void)
{
    g = EC_GROUP_new_by_curve_name(NID_secp384r1);
    bn = BN_CTX_new();
    order = BN_dup(EC_GROUP_get0_order(g));
    scalars();
    addition();
    decoding();
    wycheproof();
    BN_free(order);
    BN_CTX_free(bn);
    EC_GROUP_free(g);
    return check_summary("test_p384_ec");
}

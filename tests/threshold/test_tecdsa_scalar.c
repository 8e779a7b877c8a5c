/* test_tecdsa_scalar.c: the constant-time scalar module mod the P-384 order against OpenSSL
 * BIGNUM on random values (add, sub, neg, mul and the Montgomery-form mul, sums of products with one
 * reduction (up to 100000 terms of (n-1)^2), inverse, wide reduction,
 * 64-byte inputs around multiples of n) and on the edge cases
 * 0, 1, n-1, (n-1)/2, and encodings >= n (which must be rejected). */
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>
#include <openssl/rand.h>
#include <string.h>

#include "check.h"
#include "testutil.h"
#include "threshold/ecdsa/tecdsa_scalar.h"

static BIGNUM *g_n;
static BN_CTX *g_bn;

static int same(const tsc *a, const BIGNUM *expect)
{
    uint8_t x[48], y[48];
    tsc_to_bytes(x, a);
    return BN_bn2binpad(expect, y, 48) == 48 && memcmp(x, y, 48) == 0;
}

static void random_scalar(tsc *a, BIGNUM *b)
{
    BN_rand_range(b, g_n);
    uint8_t buf[48];
    BN_bn2binpad(b, buf, 48);
    CHECK(tsc_from_bytes(a, buf) == 0);
}

static void check_ops(const tsc *a, const tsc *b, const BIGNUM *A, const BIGNUM *B)
{
    BIGNUM *e = BN_new();
    tsc r;
    tsc_add(&r, a, b);
    BN_mod_add(e, A, B, g_n, g_bn);
    CHECK(same(&r, e));
    tsc_sub(&r, a, b);
    BN_mod_sub(e, A, B, g_n, g_bn);
    CHECK(same(&r, e));
    tsc_mul(&r, a, b);
    BN_mod_mul(e, A, B, g_n, g_bn);
    CHECK(same(&r, e));
    tsc am; /* the Montgomery-form product gives the same value */
    tsc_to_mont(&am, a);
    tsc_mul_mont(&r, &am, b);
    CHECK(same(&r, e));
    tsc_neg(&r, a);
    BN_mod_sub(e, g_n, A, g_n, g_bn);
    CHECK(same(&r, e));
    tsc_inv(&r, a);
    if (BN_is_zero(A))
        CHECK(tsc_is_zero(&r));
    else {
        BN_mod_inverse(e, A, g_n, g_bn);
        CHECK(same(&r, e));
    }
    CHECK(tsc_eq(a, b) == (uint64_t)(BN_cmp(A, B) == 0));
    BN_free(e);
}

/* tsc_acc: sum of count products a_k * b_k mod n against BIGNUM; all_max makes every factor n - 1
 * (the largest sum the accumulator can see for that count). */
static void check_acc(int count, int all_max)
{
    tsc_acc acc;
    tsc a, am, b, r;
    BIGNUM *A = BN_new(), *B = BN_new(), *t = BN_new(), *sum = BN_new();
    uint8_t buf[48];
    BN_zero(sum);
    tsc_acc_zero(&acc);
    for (int k = 0; k < count; k++) {
        if (all_max) {
            BN_sub(A, g_n, BN_value_one());
            BN_copy(B, A);
            BN_bn2binpad(A, buf, 48);
            CHECK(tsc_from_bytes(&a, buf) == 0 && tsc_from_bytes(&b, buf) == 0);
        } else {
            random_scalar(&a, A);
            random_scalar(&b, B);
        }
        tsc_to_mont(&am, &a);
        tsc_acc_mul_add(&acc, &am, &b);
        BN_mod_mul(t, A, B, g_n, g_bn);
        BN_mod_add(sum, sum, t, g_n, g_bn);
    }
    tsc_acc_out(&r, &acc);
    CHECK_MSG(same(&r, sum), "sum of %d products%s", count, all_max ? " of n - 1" : "");
    BN_free(A);
    BN_free(B);
    BN_free(t);
    BN_free(sum);
}

static void check_wide(const uint8_t *in, size_t len)
{
    BIGNUM *x = BN_bin2bn(in, (int)len, NULL), *e = BN_new();
    tsc r;
    tsc_from_wide(&r, in, len);
    BN_mod(e, x, g_n, g_bn);
    CHECK_MSG(same(&r, e), "wide reduction of %zu bytes", len);
    BN_free(x);
    BN_free(e);
}

int main(void)
{
    EC_GROUP *g = EC_GROUP_new_by_curve_name(NID_secp384r1);
    g_n = BN_new();
    g_bn = BN_CTX_new();
    EC_GROUP_get_order(g, g_n, g_bn);
    BIGNUM *A = BN_new(), *B = BN_new(), *t = BN_new();
    tsc a, b;
    uint8_t buf[96];

    /* edge values: 0, 1, n-1, (n-1)/2, (n+1)/2 pairwise */
    BIGNUM *edge[5];
    for (int i = 0; i < 5; i++) edge[i] = BN_new();
    BN_zero(edge[0]);
    BN_one(edge[1]);
    BN_sub(edge[2], g_n, edge[1]);
    BN_rshift1(edge[3], edge[2]);
    BN_add(edge[4], edge[3], edge[1]);
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 5; j++) {
            BN_bn2binpad(edge[i], buf, 48);
            CHECK(tsc_from_bytes(&a, buf) == 0);
            BN_bn2binpad(edge[j], buf, 48);
            CHECK(tsc_from_bytes(&b, buf) == 0);
            check_ops(&a, &b, edge[i], edge[j]);
        }
    BN_bn2binpad(edge[3], buf, 48);
    tsc_from_bytes(&a, buf);
    CHECK(tsc_is_high(&a) == 0);
    BN_bn2binpad(edge[4], buf, 48);
    tsc_from_bytes(&a, buf);
    CHECK(tsc_is_high(&a) == 1);
    BN_bn2binpad(edge[2], buf, 48);
    tsc_from_bytes(&a, buf);
    CHECK(tsc_is_high(&a) == 1);
    tsc_zero(&a);
    CHECK(tsc_is_zero(&a) == 1 && tsc_is_high(&a) == 0);

    /* encodings >= n are rejected: n, n+1, 2^384-1 */
    BN_bn2binpad(g_n, buf, 48);
    CHECK(tsc_from_bytes(&a, buf) == -1);
    BN_add(t, g_n, edge[1]);
    BN_bn2binpad(t, buf, 48);
    CHECK(tsc_from_bytes(&a, buf) == -1);
    memset(buf, 0xff, 48);
    CHECK(tsc_from_bytes(&a, buf) == -1);
    check_wide(buf, 48); /* but reduces correctly as a wide value */
    memset(buf, 0xff, 96);
    check_wide(buf, 96);
    check_wide(buf, 64);
    BN_bn2binpad(g_n, buf, 48);
    check_wide(buf, 48);
    /* 64 bytes (the dedicated path): hi * 2^384 + lo around multiples of n, lo = n, n - 1 */
    for (int hi = 0; hi < 3; hi++)
        for (int delta = -1; delta <= 1; delta++) {
            BN_set_word(t, (BN_ULONG)hi);
            BN_lshift(t, t, 384);
            BN_mod(A, t, g_n, g_bn); /* hi * 2^384 mod n */
            BN_sub(B, g_n, A);       /* lo with hi * 2^384 + lo = 0 mod n */
            if (hi == 0) BN_copy(B, g_n);
            if (delta < 0) BN_sub_word(B, 1);
            if (delta > 0) BN_add_word(B, 1);
            memset(buf, 0, 16);
            buf[15] = (uint8_t)hi;
            BN_bn2binpad(B, buf + 16, 48);
            check_wide(buf, 64);
        }

    /* product sums (the VOLE's gadget sums: 640 terms) */
    for (int count = 0; count <= 3; count++) check_acc(count, 0);
    check_acc(640, 0);
    check_acc(640, 1);
    check_acc(100000, 1);

    int iters = tu_sanitized() ? 300 : 3000;
    for (int i = 0; i < iters; i++) {
        random_scalar(&a, A);
        random_scalar(&b, B);
        check_ops(&a, &b, A, B);
        RAND_bytes(buf, sizeof buf);
        check_wide(buf, 64);
        check_wide(buf, 96);
        check_wide(buf, 1 + (size_t)(buf[0] % 96));
        /* cmov and masked add */
        tsc r = a;
        tsc_cmov(&r, &b, 0);
        CHECK(tsc_eq(&r, &a));
        tsc_cmov(&r, &b, 1);
        CHECK(tsc_eq(&r, &b));
        r = a;
        tsc_add_masked(&r, &b, 0);
        CHECK(tsc_eq(&r, &a));
        tsc_add_masked(&r, &b, 1);
        BN_mod_add(t, A, B, g_n, g_bn);
        CHECK(same(&r, t));
        tsc_set_u64(&r, (uint64_t)i * 0x9e3779b97f4a7c15ULL);
        BN_set_word(t, (BN_ULONG)((uint64_t)i * 0x9e3779b97f4a7c15ULL));
        CHECK(same(&r, t));
    }
    /* random scalars are canonical and non-zero */
    for (int i = 0; i < 100; i++) {
        CHECK(tsc_random(&a) == 0);
        CHECK(!tsc_is_zero(&a));
        tsc_to_bytes(buf, &a);
        CHECK(tsc_from_bytes(&b, buf) == 0 && tsc_eq(&a, &b));
    }
    for (int i = 0; i < 5; i++) BN_free(edge[i]);
    BN_free(A);
    BN_free(B);
    BN_free(t);
    BN_free(g_n);
    BN_CTX_free(g_bn);
    EC_GROUP_free(g);
    return check_summary("test_tecdsa_scalar");
}

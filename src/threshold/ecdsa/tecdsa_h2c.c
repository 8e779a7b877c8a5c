/* tecdsa_h2c.c: constant-time hashing to P-384 and constant-time affine point addition (see
 * tecdsa_ec.h), on fixed-width Montgomery arithmetic modulo p (tecdsa_mont.h).
 * Hash to curve is RFC 9380's P384_XMD:SHA-384_SSWU_RO_: expand_message_xmd with SHA-384 to 144
 * bytes, two field elements (72 bytes each, reduced mod p), the simplified SWU map of each
 * (Z = -12, straight-line: one exponentiation gives both candidate roots, one is selected), and their sum
 * (P-384 has cofactor 1). Every step runs the same operations on every input, so neither the
 * value hashed nor the order of several hashes shows in the sequence or timing of operations.
 * OpenSSL is used only for SHA-384. */
#include <openssl/evp.h>
#include <pthread.h>
#include <string.h>

#include "crypto/ct.h"
#include "crypto/ct_check.h"
#include "threshold/ecdsa/tecdsa_ec.h"
#include "threshold/ecdsa/tecdsa_mont.h"

typedef uint64_t fe[6]; /* Montgomery form, < p */

static const uint64_t P[6] = {0x00000000ffffffffULL, 0xffffffff00000000ULL, 0xfffffffffffffffeULL,
                              0xffffffffffffffffULL, 0xffffffffffffffffULL, 0xffffffffffffffffULL};
static const uint64_t P0 = 0x100000001ULL; /* -p^-1 mod 2^64 */
/* 2^384, 2^768 and 2^1152 mod p */
static const uint64_t R1[6] = {0xffffffff00000001ULL, 0x00000000ffffffffULL, 1, 0, 0, 0};
static const uint64_t R2[6] = {0xfffffffe00000001ULL, 0x0000000200000000ULL, 0xfffffffe00000000ULL,
                               0x0000000200000000ULL, 0x0000000000000001ULL, 0};
static const uint64_t R3[6] = {0xfffffffc00000002ULL, 0x0000000300000002ULL, 0xfffffffcfffffffeULL,
                               0x0000000300000005ULL, 0xfffffffdfffffffdULL, 0x0000000300000002ULL};
static const uint64_t B_STD[6] = {0x2a85c8edd3ec2aefULL, 0xc656398d8a2ed19dULL, 0x0314088f5013875aULL,
                                  0x181d9c6efe814112ULL, 0x988e056be3f82d19ULL, 0xb3312fa7e23ee7e4ULL};

/* Montgomery constants, derived once: A = -3, B, Z = -12, -B/A, B/(Z*A), sqrt(-Z^3); exponents
 * p-2, (p+1)/4. */
static fe g_a, g_b, g_z, g_c1, g_c2, g_c3;
static uint64_t g_e_inv[6], g_e_sqrt[6];
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void fmul(fe r, const fe a, const fe b) { tm_mul(r, a, b, P, P0); }
static void fadd(fe r, const fe a, const fe b) { tm_add(r, a, b, P); }
static void fsub(fe r, const fe a, const fe b) { tm_sub(r, a, b, P); }
static void finv(fe r, const fe a) { tm_pow(r, a, g_e_inv, R1, P, P0); } /* inv0: 0 -> 0 */

static void fneg(fe r, const fe a)
{
    static const fe zero = {0};
    fsub(r, zero, a);
}

static void from_u64(fe r, uint64_t x)
{
    fe t = {x};
    fmul(r, t, R2);
}

/* 1 if a == b (constant time). */
static uint64_t feq(const fe a, const fe b)
{
    uint64_t acc = 0;
    for (int i = 0; i < 6; i++) acc |= a[i] ^ b[i];
    return 1 ^ ((acc | (0 - acc)) >> 63);
}

static uint64_t fis_zero(const fe a)
{
    static const fe zero = {0};
    return feq(a, zero);
}

static void fcmov(fe r, const fe a, uint64_t bit)
{
    uint64_t mask = 0 - (bit & 1);
    for (int i = 0; i < 6; i++) r[i] ^= (r[i] ^ a[i]) & mask;
}

/* Canonical value (out of Montgomery form). */
static void fcanon(uint64_t out[6], const fe a)
{
    static const fe one = {1};
    fmul(out, a, one);
}

static void consts_init(void)
{
    static const uint64_t two[6] = {2};
    fe three, t;
    tm_sub6(g_e_inv, P, two);
    uint64_t carry = 1;
    for (int i = 0; i < 6; i++) { /* p + 1 without reduction (no overflow: p < 2^384 - 1) */
        tm_u128 s = (tm_u128)P[i] + carry;
        g_e_sqrt[i] = (uint64_t)s;
        carry = (uint64_t)(s >> 64);
    }
    for (int i = 0; i < 6; i++) g_e_sqrt[i] = (g_e_sqrt[i] >> 2) | (i < 5 ? g_e_sqrt[i + 1] << 62 : 0);
    from_u64(three, 3);
    fneg(g_a, three);
    fmul(g_b, B_STD, R2);
    from_u64(t, 12);
    fneg(g_z, t);
    finv(t, three); /* -B/A = B/3 */
    fmul(g_c1, g_b, t);
    from_u64(t, 36); /* B/(Z*A) = B/36 */
    finv(t, t);
    fmul(g_c2, g_b, t);
    from_u64(t, 1728); /* -Z^3, a square since Z is not and -1 is not (p = 3 mod 4) */
    tm_pow(g_c3, t, g_e_sqrt, R1, P, P0);
}

/* y^2 = x^3 + A x + B, right-hand side. */
static void curve_rhs(fe r, const fe x)
{
    fe t;
    fmul(t, x, x);
    fadd(t, t, g_a);
    fmul(t, t, x);
    fadd(r, t, g_b);
}

/* RFC 9380 section 6.6.2, straight-line. */
static void map_sswu(fe x, fe y, const fe u)
{
    fe u2, tv, tv1, x1, x2, gx1, y1, y2, t, one;
    uint64_t cu[6], cy[6];
    memcpy(one, R1, sizeof one);
    fmul(u2, u, u);
    fmul(tv, g_z, u2);           /* Z u^2 */
    fmul(tv1, tv, tv);
    fadd(tv1, tv1, tv);          /* Z^2 u^4 + Z u^2 */
    finv(tv1, tv1);
    fadd(t, tv1, one);
    fmul(x1, g_c1, t);
    fcmov(x1, g_c2, fis_zero(tv1));
    curve_rhs(gx1, x1);
    fmul(x2, tv, x1); /* g(x2) = Z^3 u^6 g(x1) */
    tm_pow(y1, gx1, g_e_sqrt, R1, P, P0);
    /* if g(x1) is not a square, y1^2 = -g(x1), and y2 = y1 sqrt(-Z^3) u^3 is a root of g(x2) */
    fmul(t, u2, u);
    fmul(y2, y1, t);
    fmul(y2, y2, g_c3);
    fmul(t, y1, y1);
    uint64_t square = feq(t, gx1);
    memcpy(x, x2, sizeof x2);
    memcpy(y, y2, sizeof y2);
    fcmov(x, x1, square);
    fcmov(y, y1, square);
    fcanon(cu, u);
    fcanon(cy, y);
    fneg(t, y);
    fcmov(y, t, (cu[0] ^ cy[0]) & 1); /* sgn0(y) = sgn0(u) */
}

/* r = a + b for affine points, complete except that a = -b (the identity) fails, returning 1
 * (the caller treats that outcome as public). Doubling is selected in constant time. */
static uint64_t affine_add(fe rx, fe ry, const fe ax, const fe ay, const fe bx, const fe by)
{
    fe num, den, t, lam, x3, y3;
    uint64_t dbl = feq(ax, bx) & feq(ay, by);
    fsub(num, by, ay);
    fsub(den, bx, ax);
    fmul(t, ax, ax); /* doubling: (3x^2 + A) / 2y */
    fadd(lam, t, t);
    fadd(t, lam, t);
    fadd(t, t, g_a);
    fcmov(num, t, dbl);
    fadd(t, ay, ay);
    fcmov(den, t, dbl);
    uint64_t infinity = fis_zero(den); /* a = -b (2y = 0 is impossible on P-384) */
    finv(den, den);
    fmul(lam, num, den);
    fmul(x3, lam, lam);
    fsub(x3, x3, ax);
    fsub(x3, x3, bx);
    fsub(t, ax, x3);
    fmul(y3, lam, t);
    fsub(y3, y3, ay);
    memcpy(rx, x3, sizeof x3);
    memcpy(ry, y3, sizeof y3);
    return infinity;
}

static void to_tpt(tpt *out, const fe x, const fe y)
{
    uint64_t cx[6], cy[6];
    fcanon(cx, x);
    fcanon(cy, y);
    out->u[0] = 4;
    tm_store_be(out->u + 1, cx);
    tm_store_be(out->u + 49, cy);
    out->b[0] = (uint8_t)(2 | (cy[0] & 1));
    memcpy(out->b + 1, out->u + 1, TPT_BYTES - 1);
}

static void from_tpt(fe x, fe y, const tpt *p)
{
    uint64_t c[6];
    tm_load_be(c, p->u + 1);
    fmul(x, c, R2);
    tm_load_be(c, p->u + 49);
    fmul(y, c, R2);
}

/* expand_message_xmd(msg, DST, 144) with SHA-384 (RFC 9380 section 5.3.1). */
static int expand_xmd(uint8_t out[144], const uint8_t *dst, size_t dst_len, const uint8_t *msg, size_t len)
{
    static const uint8_t zpad[128];
    uint8_t b0[48], bi[48], dlen = (uint8_t)dst_len, lib[3] = {0, 144, 0};
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    int ok = c && EVP_DigestInit_ex(c, EVP_sha384(), NULL) && EVP_DigestUpdate(c, zpad, sizeof zpad) &&
             EVP_DigestUpdate(c, msg, len) && EVP_DigestUpdate(c, lib, 3) && EVP_DigestUpdate(c, dst, dst_len) &&
             EVP_DigestUpdate(c, &dlen, 1) && EVP_DigestFinal_ex(c, b0, NULL);
    memset(bi, 0, sizeof bi);
    for (uint8_t i = 1; ok && i <= 3; i++) {
        uint8_t x[48];
        for (int k = 0; k < 48; k++) x[k] = b0[k] ^ bi[k]; /* b_1 uses b0 ^ 0 = b0 */
        ok = EVP_DigestInit_ex(c, EVP_sha384(), NULL) && EVP_DigestUpdate(c, x, sizeof x) &&
             EVP_DigestUpdate(c, &i, 1) && EVP_DigestUpdate(c, dst, dst_len) && EVP_DigestUpdate(c, &dlen, 1) &&
             EVP_DigestFinal_ex(c, bi, NULL);
        memcpy(out + 48 * (i - 1), bi, 48);
    }
    EVP_MD_CTX_free(c);
    cc_memzero(b0, sizeof b0);
    cc_memzero(bi, sizeof bi);
    return ok ? 0 : -1;
}

/* 72 big-endian bytes mod p, in Montgomery form: hi * 2^384 + lo -> hi R^2 + lo R. */
static void field_from_72(fe r, const uint8_t in[72])
{
    uint8_t hb[48] = {0};
    uint64_t hi[6], lo[6];
    fe a, b;
    memcpy(hb + 24, in, 24);
    tm_load_be(hi, hb);
    tm_load_be(lo, in + 24);
    tm_reduce_once(lo, lo, 0, P);
    fmul(a, hi, R3);
    fmul(b, lo, R2);
    fadd(r, a, b);
}

int tec_hash_to_curve_dst(tpt *out, const uint8_t *dst, size_t dst_len, const uint8_t *msg, size_t len)
{
    uint8_t bytes[144];
    fe u0, u1, x0, y0, x1, y1, x, y;
    if (dst_len == 0 || dst_len > 255) return -1;
    pthread_once(&g_once, consts_init);
    if (expand_xmd(bytes, dst, dst_len, msg, len) != 0) return -1;
    field_from_72(u0, bytes);
    field_from_72(u1, bytes + 72);
    map_sswu(x0, y0, u0);
    map_sswu(x1, y1, u1);
    uint64_t inf = affine_add(x, y, x0, y0, x1, y1);
    CT_PUBLIC(&inf, sizeof inf); /* Q0 = -Q1: probability 2^-384 */
    cc_memzero(bytes, sizeof bytes);
    if (inf) return -1;
    to_tpt(out, x, y);
    return 0;
}

int tec_hash_to_curve(tpt *out, const char *label, const uint8_t *in, size_t len)
{
    static const char pre[] = "cctsa/tecdsa/dkls23/p384/v1/", suf[] = "/P384_XMD:SHA-384_SSWU_RO_";
    uint8_t dst[255];
    size_t l = strlen(label);
    if (sizeof pre - 1 + l + sizeof suf - 1 > sizeof dst) return -1;
    memcpy(dst, pre, sizeof pre - 1);
    memcpy(dst + sizeof pre - 1, label, l);
    memcpy(dst + sizeof pre - 1 + l, suf, sizeof suf - 1);
    return tec_hash_to_curve_dst(out, dst, sizeof pre - 1 + l + sizeof suf - 1, in, len);
}

void tec_cneg_ct(tpt *p, uint64_t bit)
{
    static const uint64_t zero[6] = {0};
    uint64_t y[6], ny[6], mask = 0 - (bit & 1);
    tm_load_be(y, p->u + 49);
    tm_sub(ny, zero, y, P); /* p - y (y != 0 on P-384) */
    for (int i = 0; i < 6; i++) y[i] ^= (y[i] ^ ny[i]) & mask;
    tm_store_be(p->u + 49, y);
    p->b[0] = (uint8_t)(2 | (y[0] & 1));
}

int tec_sub_ct(tpt *out, const tpt *a, const tpt *b)
{
    fe ax, ay, bx, by, x, y;
    pthread_once(&g_once, consts_init);
    from_tpt(ax, ay, a);
    from_tpt(bx, by, b);
    fneg(by, by);
    uint64_t inf = affine_add(x, y, ax, ay, bx, by);
    CT_PUBLIC(&inf, sizeof inf); /* a = b: a failure, probability 2^-384 for our inputs */
    if (inf) return -1;
    to_tpt(out, x, y);
    return 0;
}

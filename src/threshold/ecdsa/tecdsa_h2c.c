/* tecdsa_h2c.c: constant-time hashing to P-384 (see tecdsa_ec.h), on the constant-time P-384
 * field and group arithmetic of crypto/p384_ec.h.
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

typedef uint64_t fe[6]; /* Montgomery form, < p (crypto/p384_ec.h) */

/* Montgomery constants, derived once: A = -3, B, Z = -12, -B/A, B/(Z*A), sqrt(-Z^3). */
static fe g_a, g_b, g_z, g_c1, g_c2, g_c3;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

#define fmul p384_fe_mul
#define fadd p384_fe_add
#define fsub p384_fe_sub
#define fneg p384_fe_neg
#define finv p384_fe_inv /* inv0: 0 -> 0 */
#define feq p384_fe_eq
#define fis_zero p384_fe_is_zero
#define fcmov p384_fe_cmov

static void consts_init(void)
{
    fe three, t;
    p384_fe_set_u64(three, 3);
    fneg(g_a, three);
    p384_fe_b(g_b);
    p384_fe_set_u64(t, 12);
    fneg(g_z, t);
    finv(t, three); /* -B/A = B/3 */
    fmul(g_c1, g_b, t);
    p384_fe_set_u64(t, 36); /* B/(Z*A) = B/36 */
    finv(t, t);
    fmul(g_c2, g_b, t);
    p384_fe_set_u64(t, 1728); /* -Z^3, a square since Z is not and -1 is not (p = 3 mod 4) */
    p384_fe_sqrt_candidate(g_c3, t);
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

/* The denominator part of RFC 9380 section 6.6.2 for u: tv = Z u^2, den = Z^2 u^4 + Z u^2. */
static void sswu_den(fe tv, fe den, const fe u)
{
    fe u2;
    fmul(u2, u, u);
    fmul(tv, g_z, u2);
    fmul(den, tv, tv);
    fadd(den, den, tv);
}

/* RFC 9380 section 6.6.2, straight-line, given tv and tv1 = 1 / den from sswu_den. */
static void map_sswu(fe x, fe y, const fe u, const fe tv, const fe tv1)
{
    fe x1, x2, gx1, y1, y2, t, one;
    p384_fe_one(one);
    fadd(t, tv1, one);
    fmul(x1, g_c1, t);
    fcmov(x1, g_c2, fis_zero(tv1));
    curve_rhs(gx1, x1);
    fmul(x2, tv, x1); /* g(x2) = Z^3 u^6 g(x1) */
    p384_fe_sqrt_candidate(y1, gx1);
    /* if g(x1) is not a square, y1^2 = -g(x1), and y2 = y1 sqrt(-Z^3) u^3 is a root of g(x2) */
    fmul(t, u, u);
    fmul(t, t, u);
    fmul(y2, y1, t);
    fmul(y2, y2, g_c3);
    fmul(t, y1, y1);
    uint64_t square = feq(t, gx1);
    memcpy(x, x2, sizeof x2);
    memcpy(y, y2, sizeof y2);
    fcmov(x, x1, square);
    fcmov(y, y1, square);
    fneg(t, y);
    fcmov(y, t, p384_fe_parity(u) ^ p384_fe_parity(y)); /* sgn0(y) = sgn0(u) */
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

/* q[i] = the (projective) hash of message i of n, len bytes each from in, with one inversion for
 * all 2n SSWU denominators (inv0: 0 -> 0 each, as RFC 9380 asks). */
static int h2c_points(p384_point *q, const uint8_t *dst, size_t dst_len, const uint8_t *in, size_t len, size_t n)
{
    uint8_t bytes[144];
    fe u[2 * TEC_BATCH], tv[2 * TEC_BATCH], den[2 * TEC_BATCH], x0, y0, x1, y1;
    int rc = -1;
    if (n == 0 || n > TEC_BATCH || dst_len == 0 || dst_len > 255) return -1;
    pthread_once(&g_once, consts_init);
    for (size_t i = 0; i < n; i++) {
        if (expand_xmd(bytes, dst, dst_len, in + i * len, len) != 0) goto done;
        p384_fe_from_wide(u[2 * i], bytes, 72);
        p384_fe_from_wide(u[2 * i + 1], bytes + 72, 72);
        sswu_den(tv[2 * i], den[2 * i], u[2 * i]);
        sswu_den(tv[2 * i + 1], den[2 * i + 1], u[2 * i + 1]);
    }
    p384_fe_inv_batch(den, den, 2 * n);
    for (size_t i = 0; i < n; i++) {
        map_sswu(x0, y0, u[2 * i], tv[2 * i], den[2 * i]);
        map_sswu(x1, y1, u[2 * i + 1], tv[2 * i + 1], den[2 * i + 1]);
        p384_point_from_affine(&q[i], x0, y0);
        p384_point_add_affine(&q[i], &q[i], x1, y1); /* complete; Q0 = -Q1 (probability 2^-384) fails later */
    }
    rc = 0;
done:
    cc_memzero(bytes, sizeof bytes);
    cc_memzero(u, sizeof u);
    cc_memzero(tv, sizeof tv);
    cc_memzero(den, sizeof den);
    cc_memzero(x0, sizeof x0);
    cc_memzero(y0, sizeof y0);
    cc_memzero(x1, sizeof x1);
    cc_memzero(y1, sizeof y1);
    return rc;
}

int tec_hash_to_curve_dst(tpt *out, const uint8_t *dst, size_t dst_len, const uint8_t *msg, size_t len)
{
    p384_point q;
    int rc = h2c_points(&q, dst, dst_len, msg, len, 1) == 0 ? tec_from_point(out, &q) : -1;
    cc_memzero(&q, sizeof q);
    return rc;
}

/* The DST "cctsa/tecdsa/dkls23/p384/v1/" label "/P384_XMD:SHA-384_SSWU_RO_"; its length, or 0 if
 * the label is too long. */
static size_t make_dst(uint8_t dst[255], const char *label)
{
    static const char pre[] = "cctsa/tecdsa/dkls23/p384/v1/", suf[] = "/P384_XMD:SHA-384_SSWU_RO_";
    size_t l = strlen(label);
    if (sizeof pre - 1 + l + sizeof suf - 1 > 255) return 0;
    memcpy(dst, pre, sizeof pre - 1);
    memcpy(dst + sizeof pre - 1, label, l);
    memcpy(dst + sizeof pre - 1 + l, suf, sizeof suf - 1);
    return sizeof pre - 1 + l + sizeof suf - 1;
}

int tec_hash_to_curve(tpt *out, const char *label, const uint8_t *in, size_t len)
{
    uint8_t dst[255];
    size_t dst_len = make_dst(dst, label);
    return dst_len ? tec_hash_to_curve_dst(out, dst, dst_len, in, len) : -1;
}

int tec_hash_to_curve_batch(tpt *out, const char *label, const uint8_t *in, size_t len, size_t n)
{
    uint8_t dst[255];
    p384_point q[TEC_BATCH];
    size_t dst_len = make_dst(dst, label);
    int rc = dst_len && h2c_points(q, dst, dst_len, in, len, n) == 0 ? tec_from_points(out, q, n) : -1;
    cc_memzero(q, sizeof q);
    return rc;
}

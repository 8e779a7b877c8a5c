/* tecdsa_ec.c: P-384 point helpers over OpenSSL 3.0 (see tecdsa_ec.h). */
#include "threshold/ecdsa/tecdsa_ec.h"

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>
#include <pthread.h>
#include <string.h>

#include "crypto/ct.h"
#include "crypto/ct_check.h"
#include "threshold/ecdsa/tecdsa_hash.h"

static EC_GROUP *g_group;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void group_init(void) { g_group = EC_GROUP_new_by_curve_name(NID_secp384r1); }

const EC_GROUP *tec_group(void)
{
    pthread_once(&g_once, group_init);
    return g_group;
}

/* Workspace for one operation: a BN_CTX and up to three points. */
typedef struct {
    BN_CTX *bn;
    EC_POINT *a, *b, *r;
} ws;

static int ws_open(ws *w)
{
    const EC_GROUP *g = tec_group();
    memset(w, 0, sizeof *w);
    if (!g) return -1;
    w->bn = BN_CTX_new();
    w->a = EC_POINT_new(g);
    w->b = EC_POINT_new(g);
    w->r = EC_POINT_new(g);
    return (w->bn && w->a && w->b && w->r) ? 0 : -1;
}

static void ws_close(ws *w)
{
    EC_POINT_clear_free(w->a);
    EC_POINT_clear_free(w->b);
    EC_POINT_clear_free(w->r);
    BN_CTX_free(w->bn);
}

/* Encode a point (failing on infinity): uncompressed, and compressed derived from it. */
static int put_point(tpt *out, const EC_POINT *p, BN_CTX *bn)
{
    const EC_GROUP *g = tec_group();
    int inf = EC_POINT_is_at_infinity(g, p);
    CT_PUBLIC(&inf, sizeof inf); /* a failure outcome: public */
    if (inf) return -1;
    if (EC_POINT_point2oct(g, p, POINT_CONVERSION_UNCOMPRESSED, out->u, sizeof out->u, bn) != sizeof out->u)
        return -1;
    out->b[0] = (uint8_t)(2 | (out->u[96] & 1));
    memcpy(out->b + 1, out->u + 1, TPT_BYTES - 1);
    return 0;
}

static int get_point(EC_POINT *p, const tpt *in, BN_CTX *bn)
{
    return EC_POINT_oct2point(tec_group(), p, in->u, sizeof in->u, bn) == 1 ? 0 : -1;
}

void tec_secret_scalar_bytes(uint8_t out[TSC_BYTES], uint64_t *negate, const tsc *k)
{
    tsc nk, kk = *k;
    tsc_to_bytes(out, k);
    uint64_t small = ((uint64_t)out[0] - 1) >> 63; /* 1 iff the first byte is 0, i.e. k < 2^376 */
    tsc_neg(&nk, k);                                /* n - k > n - 2^376: first byte 0xff */
    tsc_cmov(&kk, &nk, small);
    tsc_to_bytes(out, &kk);
    *negate = small;
    tsc_wipe(&nk);
    tsc_wipe(&kk);
}

/* A BN_FLG_CONSTTIME BIGNUM for the secret scalar k, from tec_secret_scalar_bytes (48 significant
 * bytes whatever k is); *negate tells the caller to negate the product. Freed with BN_clear_free. */
static BIGNUM *secret_bn(const tsc *k, uint64_t *negate)
{
    uint8_t buf[TSC_BYTES];
    tec_secret_scalar_bytes(buf, negate, k);
    BIGNUM *b = BN_secure_new();
    if (b) {
        BN_set_flags(b, BN_FLG_CONSTTIME);
        if (!BN_bin2bn(buf, sizeof buf, b)) {
            BN_clear_free(b);
            b = NULL;
        }
    }
    cc_memzero(buf, sizeof buf);
    return b;
}

static int decode_strict(tpt *out, const uint8_t *in, size_t len)
{
    ws w;
    int rc = -1;
    if (len != TPT_BYTES && len != 97) return -1;
    if (len == TPT_BYTES && in[0] != 2 && in[0] != 3) return -1;
    if (len == 97 && in[0] != 4) return -1;
    if (ws_open(&w) != 0) goto done;
    if (EC_POINT_oct2point(tec_group(), w.a, in, len, w.bn) != 1) goto done;
    if (EC_POINT_is_on_curve(tec_group(), w.a, w.bn) != 1) goto done;
    if (put_point(out, w.a, w.bn) != 0) goto done;
    /* canonical: re-encoding gives the input back (x < p, y < p) */
    if (memcmp(len == TPT_BYTES ? out->b : out->u, in, len) != 0) goto done;
    rc = 0;
done:
    if (rc != 0) ERR_clear_error();
    ws_close(&w);
    return rc;
}

int tec_decode(tpt *out, const uint8_t in[TPT_BYTES]) { return decode_strict(out, in, TPT_BYTES); }
int tec_decode_uncompressed(tpt *out, const uint8_t in[97]) { return decode_strict(out, in, 97); }

int tec_encode_uncompressed(uint8_t out[97], const tpt *p)
{
    memcpy(out, p->u, sizeof p->u);
    return 0;
}

int tec_mul_g(tpt *out, const tsc *k)
{
    ws w;
    int rc = -1;
    uint64_t neg;
    BIGNUM *kb = secret_bn(k, &neg);
    if (kb && ws_open(&w) == 0) {
        /* single-term k*G: OpenSSL 3.0 takes the constant-time ladder */
        if (EC_POINT_mul(tec_group(), w.r, kb, NULL, NULL, w.bn) == 1) rc = put_point(out, w.r, w.bn);
    }
    if (rc == 0) tec_cneg_ct(out, neg);
    if (kb) ws_close(&w);
    BN_clear_free(kb);
    return rc;
}

int tec_mul(tpt *out, const tpt *p, const tsc *k)
{
    ws w;
    int rc = -1;
    uint64_t neg;
    BIGNUM *kb = secret_bn(k, &neg);
    if (kb && ws_open(&w) == 0 && get_point(w.a, p, w.bn) == 0) {
        /* single-term k*P: constant-time ladder */
        if (EC_POINT_mul(tec_group(), w.r, NULL, w.a, kb, w.bn) == 1) rc = put_point(out, w.r, w.bn);
    }
    if (rc == 0) tec_cneg_ct(out, neg);
    if (kb) ws_close(&w);
    BN_clear_free(kb);
    return rc;
}

static int add_or_sub(tpt *out, const tpt *a, const tpt *b, int negate_b)
{
    ws w;
    int rc = -1;
    if (ws_open(&w) == 0 && get_point(w.a, a, w.bn) == 0 && get_point(w.b, b, w.bn) == 0 &&
        (!negate_b || EC_POINT_invert(tec_group(), w.b, w.bn) == 1) &&
        EC_POINT_add(tec_group(), w.r, w.a, w.b, w.bn) == 1)
        rc = put_point(out, w.r, w.bn);
    ws_close(&w);
    return rc;
}

int tec_add(tpt *out, const tpt *a, const tpt *b) { return add_or_sub(out, a, b, 0); }
int tec_sub(tpt *out, const tpt *a, const tpt *b) { return add_or_sub(out, a, b, 1); }

static BIGNUM *public_bn(const tsc *k)
{
    uint8_t buf[TSC_BYTES];
    tsc_to_bytes(buf, k);
    return BN_bin2bn(buf, sizeof buf, NULL);
}

int tec_lincomb_pub(tpt *out, const tsc *a, const tpt *p, const tsc *b)
{
    ws w;
    int rc = -1;
    BIGNUM *ab = a ? public_bn(a) : NULL, *bb = public_bn(b);
    if ((a && !ab) || !bb) goto done;
    if (ws_open(&w) == 0 && get_point(w.a, p, w.bn) == 0 &&
        EC_POINT_mul(tec_group(), w.r, ab, w.a, bb, w.bn) == 1)
        rc = put_point(out, w.r, w.bn);
    ws_close(&w);
done:
    BN_free(ab);
    BN_free(bb);
    return rc;
}

/* Fixed-base windowed table for PUBLIC scalars: g_comb[i][j] = (j+1) * 16^i * G as affine
 * points (Z = 1, so every addition below is a mixed addition). A scalar < n < 2^384 is 96
 * hexadecimal digits d_i, and a*G = sum_i g_comb[i][d_i - 1] over the non-zero digits: at most 96
 * additions and no doubling, against 384 doublings for wNAF without precomputation. The digits
 * select table entries and zero digits are skipped, so this is variable time: public scalars
 * only. Built once per process (1440 points, about 0.4 MB, tens of milliseconds) when the first
 * key share is created (tec_comb_prepare from tk_new), so online signing never pays for it. */
#define COMB_W 4
#define COMB_WINDOWS (8 * TSC_BYTES / COMB_W)
#define COMB_ENTRIES ((1 << COMB_W) - 1)
static EC_POINT *g_comb[COMB_WINDOWS][COMB_ENTRIES];
static int g_comb_ready;
static pthread_once_t g_comb_once = PTHREAD_ONCE_INIT;

/* dst = src as an affine point (Z = 1). */
static int to_affine(EC_POINT *dst, const EC_POINT *src, BIGNUM *x, BIGNUM *y, BN_CTX *bn)
{
    const EC_GROUP *g = tec_group();
    return EC_POINT_get_affine_coordinates(g, src, x, y, bn) == 1 &&
                   EC_POINT_set_affine_coordinates(g, dst, x, y, bn) == 1
               ? 0
               : -1;
}

static void comb_init(void)
{
    const EC_GROUP *g = tec_group();
    BN_CTX *bn = BN_CTX_new();
    BIGNUM *x = BN_new(), *y = BN_new();
    EC_POINT *acc = g ? EC_POINT_new(g) : NULL, *base = g ? EC_POINT_new(g) : NULL; /* base = 16^i * G */
    int ok = g && bn && x && y && acc && base && EC_POINT_copy(base, EC_GROUP_get0_generator(g)) == 1;
    for (int i = 0; ok && i < COMB_WINDOWS; i++) {
        for (int j = 0; ok && j < COMB_ENTRIES; j++)
            ok = (j == 0 ? EC_POINT_copy(acc, base) == 1 : EC_POINT_add(g, acc, acc, g_comb[i][0], bn) == 1) &&
                 (g_comb[i][j] = EC_POINT_new(g)) != NULL && to_affine(g_comb[i][j], acc, x, y, bn) == 0;
        /* 16^(i+1) * G = 15 * 16^i * G + 16^i * G */
        ok = ok && EC_POINT_add(g, base, acc, g_comb[i][0], bn) == 1;
    }
    if (!ok) {
        for (int i = 0; i < COMB_WINDOWS; i++)
            for (int j = 0; j < COMB_ENTRIES; j++) {
                EC_POINT_free(g_comb[i][j]);
                g_comb[i][j] = NULL;
            }
        ERR_clear_error();
    }
    g_comb_ready = ok;
    EC_POINT_free(acc);
    EC_POINT_free(base);
    BN_free(x);
    BN_free(y);
    BN_CTX_free(bn);
}

int tec_comb_prepare(void)
{
    pthread_once(&g_comb_once, comb_init);
    return g_comb_ready ? 0 : -1;
}

int tec_mul_g_add_pub(tpt *out, const tsc *a, const tpt *p)
{
    uint8_t k[TSC_BYTES];
    ws w;
    int rc = -1;
    if (tec_comb_prepare() != 0) {
        /* no table (allocation failed): OpenSSL's two-term wNAF, a*G + 1*P */
        tsc one;
        tsc_set_u64(&one, 1);
        return tec_lincomb_pub(out, a, p, &one);
    }
    tsc_to_bytes(k, a);
    if (ws_open(&w) == 0 && get_point(w.r, p, w.bn) == 0) {
        rc = 0;
        for (int i = 0; i < COMB_WINDOWS && rc == 0; i++) {
            /* hexadecimal digit i (weight 16^i) of the big-endian scalar; public */
            unsigned d = (k[TSC_BYTES - 1 - i / 2] >> (4 * (i & 1))) & 0xf;
            if (d != 0 && EC_POINT_add(tec_group(), w.r, w.r, g_comb[i][d - 1], w.bn) != 1) rc = -1;
        }
        if (rc == 0) rc = put_point(out, w.r, w.bn); /* fails at infinity */
    }
    ws_close(&w);
    if (rc != 0) ERR_clear_error();
    return rc;
}

int tec_x_mod_n(tsc *out, const tpt *p)
{
    tsc_from_wide(out, p->u + 1, TSC_BYTES); /* affine x, reduced mod n */
    return 0;
}

int tec_eq(const tpt *a, const tpt *b) { return memcmp(a->b, b->b, TPT_BYTES) == 0; }

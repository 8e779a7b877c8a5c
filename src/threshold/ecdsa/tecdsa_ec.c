/* tecdsa_ec.c: P-384 point helpers of the threshold ECDSA code over our own constant-time
 * arithmetic, crypto/p384_ec.h (see tecdsa_ec.h). No OpenSSL. */
#include "threshold/ecdsa/tecdsa_ec.h"

#include <stdlib.h>
#include <string.h>

#include "crypto/ct.h"
#include "crypto/ct_check.h"

/* Both encodings of the affine point (x, y). */
static void put_affine(tpt *out, const p384_fe x, const p384_fe y)
{
    out->u[0] = 4;
    p384_fe_to_bytes(out->u + 1, x);
    p384_fe_to_bytes(out->u + 49, y);
    out->b[0] = (uint8_t)(2 | (out->u[96] & 1));
    memcpy(out->b + 1, out->u + 1, TPT_BYTES - 1);
}

int tec_from_point(tpt *out, const p384_point *p)
{
    p384_fe x, y;
    uint64_t inf = p384_point_to_affine(x, y, p);
    CT_PUBLIC(&inf, sizeof inf); /* a failure outcome: public */
    if (!inf) put_affine(out, x, y);
    cc_memzero(x, sizeof x);
    cc_memzero(y, sizeof y);
    return inf ? -1 : 0;
}

void tec_to_point(p384_point *r, const tpt *p)
{
    p384_fe x, y;
    p384_fe_from_bytes_ct(x, p->u + 1); /* a tpt holds coordinates < p */
    p384_fe_from_bytes_ct(y, p->u + 49);
    p384_point_from_affine(r, x, y);
    cc_memzero(x, sizeof x);
    cc_memzero(y, sizeof y);
}

static int decode_strict(tpt *out, const uint8_t *in, size_t len)
{
    p384_point p;
    if (p384_point_decode(&p, in, len) != 0) return -1;
    put_affine(out, p.x, p.y); /* Z = 1; coordinates < p, so the encoding is the input's */
    return 0;
}

int tec_decode(tpt *out, const uint8_t in[TPT_BYTES]) { return decode_strict(out, in, TPT_BYTES); }
int tec_decode_uncompressed(tpt *out, const uint8_t in[97]) { return decode_strict(out, in, 97); }

int tec_encode_uncompressed(uint8_t out[97], const tpt *p)
{
    memcpy(out, p->u, sizeof p->u);
    return 0;
}

int tec_from_points(tpt *out, const p384_point *p, size_t n)
{
    p384_fe z[TEC_BATCH], x, y;
    uint64_t inf = 0;
    if (n == 0 || n > TEC_BATCH) return -1;
    for (size_t i = 0; i < n; i++) {
        memcpy(z[i], p[i].z, sizeof z[i]);
        inf |= p384_point_is_identity(&p[i]);
    }
    p384_fe_inv_batch(z, z, n); /* 0 at an identity, so x = y = 0 there */
    for (size_t i = 0; i < n; i++) {
        p384_fe_mul(x, p[i].x, z[i]);
        p384_fe_mul(y, p[i].y, z[i]);
        put_affine(&out[i], x, y);
    }
    CT_PUBLIC(&inf, sizeof inf); /* a failure outcome: public */
    cc_memzero(z, sizeof z);
    cc_memzero(x, sizeof x);
    cc_memzero(y, sizeof y);
    return inf ? -1 : 0;
}

/* Wipes the scalar bytes of one multiplication (the _pt functions below). */
#define WITH_SCALAR(kb, k, stmt)                                                                                       \
    do {                                                                                                               \
        uint8_t kb[TSC_BYTES];                                                                                         \
        tsc_to_bytes(kb, k);                                                                                           \
        stmt;                                                                                                          \
        cc_memzero(kb, sizeof kb);                                                                                     \
    } while (0)

void tec_mul_g_pt(p384_point *r, const tsc *k) { WITH_SCALAR(kb, k, p384_mul_g(r, kb)); }

void tec_mul_pt(p384_point *r, const tpt *p, const tsc *k)
{
    p384_point a;
    tec_to_point(&a, p);
    WITH_SCALAR(kb, k, p384_mul(r, &a, kb));
    cc_memzero(&a, sizeof a);
}

void tec_comb_mul_pt(p384_point *r, const p384_comb *c, const tsc *k) { WITH_SCALAR(kb, k, p384_comb_mul(r, c, kb)); }

/* out = encoding of *r, then *r wiped. */
static int finish(tpt *out, p384_point *r)
{
    int rc = tec_from_point(out, r);
    cc_memzero(r, sizeof *r);
    return rc;
}

int tec_mul_g(tpt *out, const tsc *k)
{
    p384_point r;
    tec_mul_g_pt(&r, k);
    return finish(out, &r);
}

int tec_mul(tpt *out, const tpt *p, const tsc *k)
{
    p384_point r;
    tec_mul_pt(&r, p, k);
    return finish(out, &r);
}

p384_comb *tec_comb_new(const tpt *p)
{
    p384_point a;
    p384_comb *c = malloc(sizeof *c);
    tec_to_point(&a, p);
    if (c) p384_comb_init(c, &a);
    return c;
}

int tec_comb_mul(tpt *out, const p384_comb *c, const tsc *k)
{
    p384_point r;
    tec_comb_mul_pt(&r, c, k);
    return finish(out, &r);
}

void tec_comb_free(p384_comb *c) { free(c); }

static int add_or_sub(tpt *out, const tpt *a, const tpt *b, uint64_t negate_b)
{
    p384_point pa, pb;
    tec_to_point(&pa, a);
    tec_to_point(&pb, b);
    p384_point_cneg(&pb, negate_b);
    p384_point_add(&pa, &pa, &pb); /* complete: a = b and a = -b need no special case */
    int rc = tec_from_point(out, &pa);
    cc_memzero(&pa, sizeof pa);
    cc_memzero(&pb, sizeof pb);
    return rc;
}

int tec_add(tpt *out, const tpt *a, const tpt *b) { return add_or_sub(out, a, b, 0); }
int tec_sub(tpt *out, const tpt *a, const tpt *b) { return add_or_sub(out, a, b, 1); }

int tec_add_mul_pt(p384_point *r, const tpt *a, const tpt *b, const tsc *k)
{
    p384_point pa, pb;
    tec_to_point(&pa, a);
    tec_to_point(&pb, b);
    p384_point_add(&pa, &pa, &pb);
    uint64_t inf = p384_point_is_identity(&pa);
    CT_PUBLIC(&inf, sizeof inf); /* a failure outcome: public */
    if (!inf) WITH_SCALAR(kb, k, p384_mul(r, &pa, kb));
    cc_memzero(&pa, sizeof pa);
    cc_memzero(&pb, sizeof pb);
    return inf ? -1 : 0;
}

int tec_add_mul(tpt *out, const tpt *a, const tpt *b, const tsc *k)
{
    p384_point r;
    if (tec_add_mul_pt(&r, a, b, k) != 0) return -1;
    return finish(out, &r);
}

void tec_sub_pt(p384_point *r, const p384_point *a, const tpt *b)
{
    p384_point pb;
    tec_to_point(&pb, b);
    p384_point_cneg(&pb, 1);
    p384_point_add(r, a, &pb);
    cc_memzero(&pb, sizeof pb);
}

/* 1 if a == b as projective points (X1 Z2 = X2 Z1 and Y1 Z2 = Y2 Z1; the identity equals only
 * itself) and a is not the identity. */
static uint64_t proj_same(const p384_point *a, const p384_point *b)
{
    p384_fe t, u;
    p384_fe_mul(t, a->x, b->z);
    p384_fe_mul(u, b->x, a->z);
    uint64_t eq = p384_fe_eq(t, u);
    p384_fe_mul(t, a->y, b->z);
    p384_fe_mul(u, b->y, a->z);
    eq &= p384_fe_eq(t, u) & (1 ^ p384_point_is_identity(a));
    cc_memzero(t, sizeof t);
    cc_memzero(u, sizeof u);
    return eq;
}

int tec_mul_eq_mul_g_add(const tpt *p, const tsc *k, const tsc *d, const tpt *q)
{
    uint8_t kb[TSC_BYTES];
    p384_point lhs, rhs;
    p384_fe x, y;
    tec_to_point(&rhs, p);
    tsc_to_bytes(kb, k);
    p384_mul(&lhs, &rhs, kb);
    tsc_to_bytes(kb, d);
    p384_mul_g(&rhs, kb);
    p384_fe_from_bytes_ct(x, q->u + 1);
    p384_fe_from_bytes_ct(y, q->u + 49);
    p384_point_add_affine(&rhs, &rhs, x, y);
    uint64_t eq = proj_same(&lhs, &rhs) & (1 ^ p384_point_is_identity(&rhs));
    CT_PUBLIC(&eq, sizeof eq); /* a check outcome: public */
    cc_memzero(kb, sizeof kb);
    cc_memzero(&lhs, sizeof lhs);
    cc_memzero(&rhs, sizeof rhs);
    return (int)eq;
}

/* The 16 multiples 0..15 of p (0 = the identity). */
static void msm_table(p384_point tab[16], const tpt *p)
{
    p384_point_identity(&tab[0]);
    tec_to_point(&tab[1], p);
    for (int j = 2; j < 16; j++) {
        if (j % 2 == 0)
            p384_point_double(&tab[j], &tab[j / 2]);
        else
            p384_point_add(&tab[j], &tab[j - 1], &tab[1]);
    }
}

/* acc += tab[digit], the entry selected by masks after reading all 16. */
static void msm_add_digit(p384_point *acc, const p384_point tab[16], unsigned digit)
{
    p384_point sel;
    memset(&sel, 0, sizeof sel);
    for (unsigned j = 0; j < 16; j++) p384_point_cmov(&sel, &tab[j], (((uint64_t)(digit ^ j)) - 1) >> 63);
    p384_point_add(acc, acc, &sel);
    cc_memzero(&sel, sizeof sel);
}

/* Window i (0 = least significant) of a big-endian 48-byte scalar. */
static unsigned msm_digit(const uint8_t k[TSC_BYTES], int i) { return (k[47 - i / 2] >> (4 * (i & 1))) & 0xf; }

int tec_msm_eq_mul_g(const tpt *P, const tsc *k, size_t np, const tpt *Q, const tsc *e, size_t nq, const tsc *d)
{
    if (np > TEC_MSM_MAX || nq > TEC_MSM_MAX) return -1;
    p384_point(*tab)[16] = malloc(sizeof(p384_point[16]) * (TEC_MSM_MAX * 2)); /* P tables, then Q tables */
    uint8_t kb[TEC_MSM_MAX * 2][TSC_BYTES];
    p384_point acc, rhs;
    if (!tab) return -1;
    for (size_t i = 0; i < np; i++) {
        msm_table(tab[i], &P[i]);
        tsc_to_bytes(kb[i], &k[i]);
    }
    for (size_t i = 0; i < nq; i++) {
        msm_table(tab[TEC_MSM_MAX + i], &Q[i]);
        for (int m = 0; m < 16; m++) p384_point_cneg(&tab[TEC_MSM_MAX + i][m], 1); /* -Q: moved to the left */
        tsc_to_bytes(kb[TEC_MSM_MAX + i], &e[i]);
    }
    p384_point_identity(&acc);
    for (int w = TSC_BYTES * 2 - 1; w >= 0; w--) {
        for (int dd = 0; dd < 4; dd++) p384_point_double(&acc, &acc);
        for (size_t i = 0; i < np; i++) msm_add_digit(&acc, tab[i], msm_digit(kb[i], w));
        if (w < 32) /* the 128-bit weights */
            for (size_t i = 0; i < nq; i++)
                msm_add_digit(&acc, tab[TEC_MSM_MAX + i], msm_digit(kb[TEC_MSM_MAX + i], w));
    }
    tsc_to_bytes(kb[0], d);
    p384_mul_g(&rhs, kb[0]);
    uint64_t eq = proj_same(&acc, &rhs);
    CT_PUBLIC(&eq, sizeof eq); /* a check outcome: public */
    cc_memzero(tab, sizeof(p384_point[16]) * (TEC_MSM_MAX * 2));
    free(tab);
    cc_memzero(kb, sizeof kb);
    cc_memzero(&acc, sizeof acc);
    cc_memzero(&rhs, sizeof rhs);
    return (int)eq;
}

int tec_lincomb_pub(tpt *out, const tsc *a, const tpt *p, const tsc *b)
{
    uint8_t ab[TSC_BYTES], bb[TSC_BYTES];
    p384_point r, q;
    tec_to_point(&q, p);
    tsc_to_bytes(bb, b);
    p384_mul(&r, &q, bb);
    if (a) {
        tsc_to_bytes(ab, a);
        p384_mul_g(&q, ab);
        p384_point_add(&r, &r, &q);
    }
    return tec_from_point(out, &r);
}

int tec_mul_g_add_pub(tpt *out, const tsc *a, const tpt *p)
{
    uint8_t ab[TSC_BYTES];
    p384_point r;
    p384_fe x, y;
    tsc_to_bytes(ab, a);
    p384_mul_g(&r, ab);
    p384_fe_from_bytes_ct(x, p->u + 1);
    p384_fe_from_bytes_ct(y, p->u + 49);
    p384_point_add_affine(&r, &r, x, y);
    return tec_from_point(out, &r); /* fails at the identity */
}

int tec_comb_prepare(void)
{
    p384_mul_g_prepare();
    return 0;
}

int tec_x_mod_n(tsc *out, const tpt *p)
{
    tsc_from_wide(out, p->u + 1, TSC_BYTES); /* affine x, reduced mod n */
    return 0;
}

int tec_eq(const tpt *a, const tpt *b) { return memcmp(a->b, b->b, TPT_BYTES) == 0; }

/* p384_mul.c: constant-time P-384 scalar multiplication (see p384_ec.h).
 * k * P: 96 fixed 4-bit windows from the top, each 4 doublings (in Jacobian coordinates, see
 * quad_double) and one complete addition of the table entry [d]P (d = the window's digit, [0]P the
 * identity), the entry read by a scan of all 16.
 * k * P for a fixed P (p384_comb, and k * G over a static one built once per process): a comb over
 * a table of affine points T[i][d-1] = d * 16^i * P (96 windows, 15 entries each): 96 mixed
 * additions and no doubling; the entry is read by a scan of all 15, and for a zero digit the sum
 * is computed anyway and discarded by a masked select. */
#include <pthread.h>
#include <string.h>

#include "crypto/ct.h"
#include "crypto/p384_ec.h"
#include "crypto/p384_fe_inline.h"

#define WINDOWS 96
#define ENTRIES 16

/* Digit i (weight 16^i) of the big-endian scalar k. */
static unsigned digit(const uint8_t k[48], int i) { return (k[47 - i / 2] >> (4 * (i & 1))) & 0xf; }

/* 1 if a == b (small values), else 0, without a branch. */
static uint64_t eq_small(uint64_t a, uint64_t b) { return ((a ^ b) - 1) >> 63; }

/* Jacobian doubling for a = -3 (X = x Z^2, Y = y Z^3; "dbl-2001-b", 3M + 5S): delta = Z^2,
 * gamma = Y^2, beta = X gamma, alpha = 3 (X - delta)(X + delta), X3 = alpha^2 - 8 beta,
 * Z3 = (Y + Z)^2 - gamma - delta, Y3 = alpha (4 beta - X3) - 8 gamma^2. A point with Z = 0 stays
 * at Z = 0, and P-384 has no point of order 2, so no input needs a special case. */
static void jac_double(p384_point *a)
{
    p384_fe delta, gamma, beta, alpha, t;
    p384_fe_sqr_i(delta, a->z);
    p384_fe_sqr_i(gamma, a->y);
    p384_fe_mul_i(beta, a->x, gamma);
    p384_fe_sub_i(t, a->x, delta);
    p384_fe_add_i(alpha, a->x, delta);
    p384_fe_mul_i(alpha, alpha, t);
    p384_fe_add_i(t, alpha, alpha);
    p384_fe_add_i(alpha, alpha, t);
    p384_fe_add_i(t, a->y, a->z);
    p384_fe_sqr_i(t, t);
    p384_fe_sub_i(t, t, gamma);
    p384_fe_sub_i(a->z, t, delta);
    p384_fe_add_i(beta, beta, beta); /* 2 beta */
    p384_fe_add_i(beta, beta, beta); /* 4 beta */
    p384_fe_sqr_i(a->x, alpha);
    p384_fe_sub_i(a->x, a->x, beta);
    p384_fe_sub_i(a->x, a->x, beta);
    p384_fe_sub_i(beta, beta, a->x);
    p384_fe_mul_i(a->y, alpha, beta);
    p384_fe_sqr_i(gamma, gamma);
    p384_fe_add_i(gamma, gamma, gamma);
    p384_fe_add_i(gamma, gamma, gamma);
    p384_fe_add_i(gamma, gamma, gamma);
    p384_fe_sub_i(a->y, a->y, gamma);
}

/* a = 16 a: the four doublings in Jacobian coordinates (cheaper than the complete projective
 * doubling), entered and left through (X, Y, Z) -> (X Z, Y Z^2, Z) -> (X Z, Y, Z^3) (the same
 * affine point). The identity (0 : Y : 0) would enter as (0, 0, 0), which doubles to itself and
 * leaves as no point at all, so Y is set to 1 there first (masked select). */
static void quad_double(p384_point *a)
{
    p384_fe t, one;
    p384_fe_mul_i(a->x, a->x, a->z);
    p384_fe_sqr_i(t, a->z);
    p384_fe_mul_i(a->y, a->y, t);
    p384_fe_one(one);
    p384_fe_cmov(a->y, one, p384_fe_is_zero(a->z));
    for (int d = 0; d < 4; d++) jac_double(a);
    p384_fe_mul_i(a->x, a->x, a->z);
    p384_fe_sqr_i(t, a->z);
    p384_fe_mul_i(a->z, a->z, t);
    cc_memzero(t, sizeof t);
}

void p384_mul(p384_point *r, const p384_point *p, const uint8_t k[48])
{
    p384_point tab[ENTRIES], acc, sel;
    p384_point_identity(&tab[0]);
    tab[1] = *p;
    for (int j = 2; j < ENTRIES; j++) {
        if (j % 2 == 0)
            p384_point_double(&tab[j], &tab[j / 2]);
        else
            p384_point_add(&tab[j], &tab[j - 1], p);
    }
    p384_point_identity(&acc);
    for (int i = WINDOWS - 1; i >= 0; i--) {
        quad_double(&acc);
        uint64_t dig = digit(k, i);
        memset(&sel, 0, sizeof sel);
        for (int j = 0; j < ENTRIES; j++) p384_point_cmov(&sel, &tab[j], eq_small(dig, (uint64_t)j));
        p384_point_add(&acc, &acc, &sel);
    }
    *r = acc;
    cc_memzero(tab, sizeof tab);
    cc_memzero(&acc, sizeof acc);
    cc_memzero(&sel, sizeof sel);
}

static p384_comb g_comb;
static pthread_once_t g_comb_once = PTHREAD_ONCE_INIT;

static const uint8_t GX[48] = {0xaa, 0x87, 0xca, 0x22, 0xbe, 0x8b, 0x05, 0x37, 0x8e, 0xb1, 0xc7, 0x1e,
                               0xf3, 0x20, 0xad, 0x74, 0x6e, 0x1d, 0x3b, 0x62, 0x8b, 0xa7, 0x9b, 0x98,
                               0x59, 0xf7, 0x41, 0xe0, 0x82, 0x54, 0x2a, 0x38, 0x55, 0x02, 0xf2, 0x5d,
                               0xbf, 0x55, 0x29, 0x6c, 0x3a, 0x54, 0x5e, 0x38, 0x72, 0x76, 0x0a, 0xb7};
static const uint8_t GY[48] = {0x36, 0x17, 0xde, 0x4a, 0x96, 0x26, 0x2c, 0x6f, 0x5d, 0x9e, 0x98, 0xbf,
                               0x92, 0x92, 0xdc, 0x29, 0xf8, 0xf4, 0x1d, 0xbd, 0x28, 0x9a, 0x14, 0x7c,
                               0xe9, 0xda, 0x31, 0x13, 0xb5, 0xf0, 0xb8, 0xc0, 0x0a, 0x60, 0xb1, 0xce,
                               0x1d, 0x7e, 0x81, 0x9d, 0x7a, 0x43, 0x1d, 0x7c, 0x90, 0xea, 0x0e, 0x5f};

/* The table from projective multiples, made affine window by window with one inversion each
 * (Montgomery's batch trick over 15 points: prefix products, one inverse, then back); the X and
 * Y of each multiple wait in the table itself, so no scratch memory beyond the stack is needed. */
void p384_comb_init(p384_comb *c, const p384_point *p)
{
    enum {
        E = P384_COMB_ENTRIES
    };
    p384_point base = *p, acc;
    p384_fe z[E], prefix[E], inv, t;
    for (int i = 0; i < P384_COMB_WINDOWS; i++) {
        acc = base;
        for (int j = 0; j < E; j++) {
            if (j > 0) p384_point_add(&acc, &acc, &base);
            memcpy(c->t[i][j].x, acc.x, sizeof acc.x);
            memcpy(c->t[i][j].y, acc.y, sizeof acc.y);
            memcpy(z[j], acc.z, sizeof acc.z);
        }
        p384_point_add(&base, &acc, &base); /* 16 * 16^i * P */
        memcpy(prefix[0], z[0], sizeof(p384_fe));
        for (int j = 1; j < E; j++) p384_fe_mul(prefix[j], prefix[j - 1], z[j]);
        p384_fe_inv(inv, prefix[E - 1]); /* none is 0: d * 16^i < n */
        for (int j = E - 1; j >= 0; j--) {
            if (j > 0)
                p384_fe_mul(t, inv, prefix[j - 1]); /* 1 / Z_j */
            else
                memcpy(t, inv, sizeof t);
            p384_fe_mul(inv, inv, z[j]);
            p384_fe_mul(c->t[i][j].x, c->t[i][j].x, t);
            p384_fe_mul(c->t[i][j].y, c->t[i][j].y, t);
        }
    }
}

void p384_comb_mul(p384_point *r, const p384_comb *c, const uint8_t k[48])
{
    p384_point acc, sum;
    p384_affine sel;
    p384_point_identity(&acc);
    for (int i = 0; i < P384_COMB_WINDOWS; i++) {
        uint64_t dig = digit(k, i);
        memset(&sel, 0, sizeof sel);
        for (int j = 0; j < P384_COMB_ENTRIES; j++) {
            uint64_t m = eq_small(dig, (uint64_t)j + 1);
            p384_fe_cmov(sel.x, c->t[i][j].x, m);
            p384_fe_cmov(sel.y, c->t[i][j].y, m);
        }
        /* for a zero digit sel is (0, 0), not a curve point: the sum is garbage and discarded */
        p384_point_add_affine(&sum, &acc, sel.x, sel.y);
        p384_point_cmov(&acc, &sum, 1 ^ eq_small(dig, 0));
    }
    *r = acc;
    cc_memzero(&acc, sizeof acc);
    cc_memzero(&sum, sizeof sum);
    cc_memzero(&sel, sizeof sel);
}

static void comb_g_init(void)
{
    p384_fe gx, gy;
    p384_point g;
    p384_fe_from_bytes_ct(gx, GX);
    p384_fe_from_bytes_ct(gy, GY);
    p384_point_from_affine(&g, gx, gy);
    p384_comb_init(&g_comb, &g);
}

void p384_mul_g_prepare(void) { pthread_once(&g_comb_once, comb_g_init); }

void p384_mul_g(p384_point *r, const uint8_t k[48])
{
    p384_mul_g_prepare();
    p384_comb_mul(r, &g_comb, k);
}

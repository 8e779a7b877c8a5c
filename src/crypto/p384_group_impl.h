/* p384_group_impl.h (private to src/crypto): the body of the P-384 operations that spend their time
 * in field multiplications, included once per field core (see p384_impl.h): by p384_impl_c.c with
 * the portable core and by p384_impl_adx.c with the MULX/ADX one. The includer defines
 * FE_MUL(r, a, b), FE_SQR(r, a) and P384_IMPL_TABLE (the name of the p384_impl table this defines);
 * field addition and subtraction are the portable ones in both. The point formulas, scalar
 * multiplications and comb tables are described in p384_ec.h, p384_point.c and p384_mul.c. Every
 * operation here runs the same instructions and memory accesses whatever the secret values. */
#ifndef P384_IMPL_TABLE
#error "define FE_MUL, FE_SQR and P384_IMPL_TABLE before including p384_group_impl.h"
#endif

#include <string.h>

#include "crypto/ct.h"
#include "crypto/p384_fe_inline.h"
#include "crypto/p384_impl.h"

#define ADD p384_fe_add_i
#define SUB p384_fe_sub_i

/* ---- field: inversion and square root by addition chains ---- */

/* r = a^(2^n) */
static void sqr_n(p384_fe r, const p384_fe a, int n)
{
    memmove(r, a, sizeof(p384_fe));
    for (int i = 0; i < n; i++) FE_SQR(r, r);
}

/* The common head of both addition chains: a^(2^255 - 1) followed by one squaring and 32 more
 * bits, giving t = a^((2^255 - 1) 2^33 + 2^32 - 1); also x30 = a^(2^30 - 1). Writing x_k for
 * a^(2^k - 1): x_(j+k) = x_j^(2^k) x_k. 385 squarings and 14 multiplications for the inverse. */
static void chain_head(p384_fe t, p384_fe x30, const p384_fe a)
{
    p384_fe x2, x3, x6, x12, x15, x32, x60;
    sqr_n(x2, a, 1);
    FE_MUL(x2, x2, a);
    sqr_n(x3, x2, 1);
    FE_MUL(x3, x3, a);
    sqr_n(x6, x3, 3);
    FE_MUL(x6, x6, x3);
    sqr_n(x12, x6, 6);
    FE_MUL(x12, x12, x6);
    sqr_n(x15, x12, 3);
    FE_MUL(x15, x15, x3);
    sqr_n(x30, x15, 15);
    FE_MUL(x30, x30, x15);
    sqr_n(x32, x30, 2);
    FE_MUL(x32, x32, x2);
    sqr_n(x60, x30, 30);
    FE_MUL(x60, x60, x30);
    sqr_n(t, x60, 60); /* x120 */
    FE_MUL(t, t, x60);
    sqr_n(x60, t, 120); /* x240 */
    FE_MUL(t, x60, t);
    sqr_n(t, t, 15); /* x255 */
    FE_MUL(t, t, x15);
    sqr_n(t, t, 33); /* the 0 bit, then 32 ones */
    FE_MUL(t, t, x32);
    cc_memzero(x2, sizeof x2);
    cc_memzero(x3, sizeof x3);
    cc_memzero(x6, sizeof x6);
    cc_memzero(x12, sizeof x12);
    cc_memzero(x15, sizeof x15);
    cc_memzero(x32, sizeof x32);
    cc_memzero(x60, sizeof x60);
}

static void fe_inv(p384_fe r, const p384_fe a)
{
    /* p - 2: head, 64 zero bits, 30 ones, 0, 1 */
    p384_fe t, x30;
    chain_head(t, x30, a);
    sqr_n(t, t, 94);
    FE_MUL(t, t, x30);
    sqr_n(t, t, 2);
    FE_MUL(r, t, a);
    cc_memzero(t, sizeof t);
    cc_memzero(x30, sizeof x30);
}

static void fe_sqrt_candidate(p384_fe r, const p384_fe a)
{
    /* (p + 1) / 4: head, 63 zero bits, 1, 30 zero bits */
    p384_fe t, x30;
    chain_head(t, x30, a);
    sqr_n(t, t, 64);
    FE_MUL(t, t, a);
    sqr_n(r, t, 30);
    cc_memzero(t, sizeof t);
    cc_memzero(x30, sizeof x30);
}

/* ---- points: the complete formulas (p384_point.c) ---- */

/* The common tail of algorithms 4 and 5 (their steps from "Z3 = b * t2" on), with t2 = Z1 Z2:
 * given t0 = X1 X2, t1 = Y1 Y2, t3 = X1 Y2 + X2 Y1, t4 = Y1 Z2 + Y2 Z1, y3 = X1 Z2 + X2 Z1. */
static void add_tail(p384_point *r, p384_fe t0, p384_fe t1, const p384_fe t2in, const p384_fe t3, const p384_fe t4,
                     p384_fe y3)
{
    const uint64_t *b = p384_curve_b();
    p384_fe x3, z3, t2;
    FE_MUL(z3, b, t2in);
    SUB(x3, y3, z3);
    ADD(z3, x3, x3);
    ADD(x3, x3, z3);
    SUB(z3, t1, x3);
    ADD(x3, t1, x3);
    FE_MUL(y3, b, y3);
    ADD(t1, t2in, t2in);
    ADD(t2, t1, t2in);
    SUB(y3, y3, t2);
    SUB(y3, y3, t0);
    ADD(t1, y3, y3);
    ADD(y3, t1, y3);
    ADD(t1, t0, t0);
    ADD(t0, t1, t0);
    SUB(t0, t0, t2);
    FE_MUL(t1, t4, y3);
    FE_MUL(t2, t0, y3);
    FE_MUL(y3, x3, z3);
    ADD(y3, y3, t2);
    FE_MUL(x3, t3, x3);
    SUB(x3, x3, t1);
    FE_MUL(z3, t4, z3);
    FE_MUL(t1, t3, t0);
    ADD(z3, z3, t1);
    memcpy(r->x, x3, sizeof x3);
    memcpy(r->y, y3, sizeof(p384_fe));
    memcpy(r->z, z3, sizeof z3);
}

static void point_add(p384_point *r, const p384_point *a, const p384_point *b)
{
    p384_fe t0, t1, t2, t3, t4, x3, y3;
    FE_MUL(t0, a->x, b->x);
    FE_MUL(t1, a->y, b->y);
    FE_MUL(t2, a->z, b->z);
    ADD(t3, a->x, a->y);
    ADD(t4, b->x, b->y);
    FE_MUL(t3, t3, t4);
    ADD(t4, t0, t1);
    SUB(t3, t3, t4);
    ADD(t4, a->y, a->z);
    ADD(x3, b->y, b->z);
    FE_MUL(t4, t4, x3);
    ADD(x3, t1, t2);
    SUB(t4, t4, x3);
    ADD(x3, a->x, a->z);
    ADD(y3, b->x, b->z);
    FE_MUL(x3, x3, y3);
    ADD(y3, t0, t2);
    SUB(y3, x3, y3);
    add_tail(r, t0, t1, t2, t3, t4, y3);
}

static void point_add_affine(p384_point *r, const p384_point *a, const p384_fe x, const p384_fe y)
{
    p384_fe t0, t1, t3, t4, y3;
    FE_MUL(t0, a->x, x);
    FE_MUL(t1, a->y, y);
    ADD(t3, x, y);
    ADD(t4, a->x, a->y);
    FE_MUL(t3, t3, t4);
    ADD(t4, t0, t1);
    SUB(t3, t3, t4);
    FE_MUL(t4, y, a->z);
    ADD(t4, t4, a->y);
    FE_MUL(y3, x, a->z);
    ADD(y3, y3, a->x);
    add_tail(r, t0, t1, a->z, t3, t4, y3);
}

static void point_double(p384_point *r, const p384_point *a)
{
    const uint64_t *b = p384_curve_b();
    p384_fe t0, t1, t2, t3, x3, y3, z3;
    FE_SQR(t0, a->x);
    FE_SQR(t1, a->y);
    FE_SQR(t2, a->z);
    FE_MUL(t3, a->x, a->y);
    ADD(t3, t3, t3);
    FE_MUL(z3, a->x, a->z);
    ADD(z3, z3, z3);
    FE_MUL(y3, b, t2);
    SUB(y3, y3, z3);
    ADD(x3, y3, y3);
    ADD(y3, x3, y3);
    SUB(x3, t1, y3);
    ADD(y3, t1, y3);
    FE_MUL(y3, x3, y3);
    FE_MUL(x3, x3, t3);
    ADD(t3, t2, t2);
    ADD(t2, t2, t3);
    FE_MUL(z3, b, z3);
    SUB(z3, z3, t2);
    SUB(z3, z3, t0);
    ADD(t3, z3, z3);
    ADD(z3, z3, t3);
    ADD(t3, t0, t0);
    ADD(t0, t3, t0);
    SUB(t0, t0, t2);
    FE_MUL(t0, t0, z3);
    ADD(y3, y3, t0);
    FE_MUL(t0, a->y, a->z);
    ADD(t0, t0, t0);
    FE_MUL(z3, t0, z3);
    SUB(x3, x3, z3);
    FE_MUL(z3, t0, t1);
    ADD(z3, z3, z3);
    ADD(z3, z3, z3);
    memcpy(r->x, x3, sizeof x3);
    memcpy(r->y, y3, sizeof y3);
    memcpy(r->z, z3, sizeof z3);
}

/* ---- scalar multiplication (p384_mul.c) ---- */

#define SW_BITS 5     /* k * P and the combs: signed windows of 5 bits */
#define SW_WINDOWS 77 /* ceil(385 / 5): the top digit may carry one bit past 2^384 */
#define SW_ENTRIES 16 /* 1P .. 16P */

/* Bit pos of k (0 outside 0..383; the positions are public, the bits are not branched on). */
static unsigned kbit(const uint8_t k[48], int pos)
{
    return pos < 0 || pos >= 384 ? 0 : (unsigned)(k[47 - pos / 8] >> (pos % 8)) & 1;
}

/* Signed digit i of k (Booth recoding, as in OpenSSL's ecp_nistp code): from the 6 bits of k at
 * positions 5i - 1 .. 5i + 4, the digit |d| in 0..16 and its sign (1: negative), so that
 * k = sum (-1)^sign_i |d_i| 32^i over the 77 windows. No branch on k. */
static unsigned signed_digit(const uint8_t k[48], int i, uint64_t *neg)
{
    unsigned in = 0;
    for (int b = 0; b < SW_BITS + 1; b++) in |= kbit(k, SW_BITS * i - 1 + b) << b;
    unsigned s = 0 - (in >> SW_BITS); /* all-ones if the top bit is set */
    unsigned d = ((63 - in) & s) | (in & ~s);
    *neg = s & 1;
    return (d >> 1) + (d & 1);
}

/* 1 if a == b (small values), else 0, without a branch. */
static uint64_t eq_small(uint64_t a, uint64_t b) { return ((a ^ b) - 1) >> 63; }

/* Jacobian doubling for a = -3 (X = x Z^2, Y = y Z^3; "dbl-2001-b", 3M + 5S): delta = Z^2,
 * gamma = Y^2, beta = X gamma, alpha = 3 (X - delta)(X + delta), X3 = alpha^2 - 8 beta,
 * Z3 = (Y + Z)^2 - gamma - delta, Y3 = alpha (4 beta - X3) - 8 gamma^2. A point with Z = 0 stays
 * at Z = 0, and P-384 has no point of order 2, so no input needs a special case. */
static void jac_double(p384_point *a)
{
    p384_fe delta, gamma, beta, alpha, t;
    FE_SQR(delta, a->z);
    FE_SQR(gamma, a->y);
    FE_MUL(beta, a->x, gamma);
    SUB(t, a->x, delta);
    ADD(alpha, a->x, delta);
    FE_MUL(alpha, alpha, t);
    ADD(t, alpha, alpha);
    ADD(alpha, alpha, t);
    ADD(t, a->y, a->z);
    FE_SQR(t, t);
    SUB(t, t, gamma);
    SUB(a->z, t, delta);
    ADD(beta, beta, beta); /* 2 beta */
    ADD(beta, beta, beta); /* 4 beta */
    FE_SQR(a->x, alpha);
    SUB(a->x, a->x, beta);
    SUB(a->x, a->x, beta);
    SUB(beta, beta, a->x);
    FE_MUL(a->y, alpha, beta);
    FE_SQR(gamma, gamma);
    ADD(gamma, gamma, gamma);
    ADD(gamma, gamma, gamma);
    ADD(gamma, gamma, gamma);
    SUB(a->y, a->y, gamma);
}

/* a = 2^n a: n doublings in Jacobian coordinates (cheaper than the complete projective
 * doubling), entered and left through (X, Y, Z) -> (X Z, Y Z^2, Z) -> (X Z, Y, Z^3) (the same
 * affine point). The identity (0 : Y : 0) would enter as (0, 0, 0), which doubles to itself and
 * leaves as no point at all, so Y is set to 1 there first (masked select). */
static void jac_doubles(p384_point *a, int n)
{
    p384_fe t, one;
    FE_MUL(a->x, a->x, a->z);
    FE_SQR(t, a->z);
    FE_MUL(a->y, a->y, t);
    p384_fe_one(one);
    p384_fe_cmov(a->y, one, p384_fe_is_zero(a->z));
    for (int d = 0; d < n; d++) jac_double(a);
    FE_MUL(a->x, a->x, a->z);
    FE_SQR(t, a->z);
    FE_MUL(a->z, a->z, t);
    cc_memzero(t, sizeof t);
}

static void mul(p384_point *r, const p384_point *p, const uint8_t k[48])
{
    p384_point tab[SW_ENTRIES], acc, sel;
    p384_fe ny;
    tab[0] = *p;
    for (int m = 2; m <= SW_ENTRIES; m++) { /* tab[m - 1] = m P */
        if (m % 2 == 0)
            point_double(&tab[m - 1], &tab[m / 2 - 1]);
        else
            point_add(&tab[m - 1], &tab[m - 2], p);
    }
    p384_point_identity(&acc);
    for (int i = SW_WINDOWS - 1; i >= 0; i--) {
        if (i != SW_WINDOWS - 1) jac_doubles(&acc, SW_BITS);
        uint64_t neg;
        uint64_t dig = signed_digit(k, i, &neg);
        p384_point_identity(&sel); /* digit 0 */
        for (int j = 0; j < SW_ENTRIES; j++) {
            uint64_t m = eq_small(dig, (uint64_t)j + 1);
            p384_fe_cmov_i(sel.x, tab[j].x, m);
            p384_fe_cmov_i(sel.y, tab[j].y, m);
            p384_fe_cmov_i(sel.z, tab[j].z, m);
        }
        p384_fe_neg(ny, sel.y);
        p384_fe_cmov_i(sel.y, ny, neg);
        point_add(&acc, &acc, &sel);
    }
    *r = acc;
    cc_memzero(tab, sizeof tab);
    cc_memzero(&acc, sizeof acc);
    cc_memzero(&sel, sizeof sel);
    cc_memzero(ny, sizeof ny);
}

/* The table from projective multiples, made affine window by window with one inversion each
 * (Montgomery's batch trick over 15 points: prefix products, one inverse, then back); the X and
 * Y of each multiple wait in the table itself, so no scratch memory beyond the stack is needed. */
static void comb_init(p384_comb *c, const p384_point *p)
{
    enum {
        E = P384_COMB_ENTRIES
    };
    p384_point base = *p, acc;
    p384_fe z[E], prefix[E], inv, t;
    for (int i = 0; i < P384_COMB_WINDOWS; i++) {
        acc = base;
        for (int j = 0; j < E; j++) {
            if (j > 0) point_add(&acc, &acc, &base);
            memcpy(c->t[i][j].x, acc.x, sizeof acc.x);
            memcpy(c->t[i][j].y, acc.y, sizeof acc.y);
            memcpy(z[j], acc.z, sizeof acc.z);
        }
        point_double(&base, &acc); /* 32 * 32^i * P */
        memcpy(prefix[0], z[0], sizeof(p384_fe));
        for (int j = 1; j < E; j++) FE_MUL(prefix[j], prefix[j - 1], z[j]);
        fe_inv(inv, prefix[E - 1]); /* none is 0: n is a prime above 16, d * 32^i has no such factor */
        for (int j = E - 1; j >= 0; j--) {
            if (j > 0)
                FE_MUL(t, inv, prefix[j - 1]); /* 1 / Z_j */
            else
                memcpy(t, inv, sizeof t);
            FE_MUL(inv, inv, z[j]);
            FE_MUL(c->t[i][j].x, c->t[i][j].x, t);
            FE_MUL(c->t[i][j].y, c->t[i][j].y, t);
        }
    }
}

static void comb_mul(p384_point *r, const p384_comb *c, const uint8_t k[48])
{
    p384_point acc, sum;
    p384_affine sel;
    p384_fe ny;
    p384_point_identity(&acc);
    for (int i = 0; i < P384_COMB_WINDOWS; i++) {
        uint64_t neg, dig = signed_digit(k, i, &neg);
        memset(&sel, 0, sizeof sel);
        for (int j = 0; j < P384_COMB_ENTRIES; j++) {
            uint64_t m = eq_small(dig, (uint64_t)j + 1);
            p384_fe_cmov_i(sel.x, c->t[i][j].x, m);
            p384_fe_cmov_i(sel.y, c->t[i][j].y, m);
        }
        p384_fe_neg(ny, sel.y);
        p384_fe_cmov_i(sel.y, ny, neg);
        /* for a zero digit sel is (0, 0), not a curve point: the sum is garbage and discarded */
        point_add_affine(&sum, &acc, sel.x, sel.y);
        p384_point_cmov(&acc, &sum, 1 ^ eq_small(dig, 0));
    }
    *r = acc;
    cc_memzero(&acc, sizeof acc);
    cc_memzero(&sum, sizeof sum);
    cc_memzero(&sel, sizeof sel);
    cc_memzero(ny, sizeof ny);
}

static void fe_mul(p384_fe r, const p384_fe a, const p384_fe b) { FE_MUL(r, a, b); }
static void fe_sqr(p384_fe r, const p384_fe a) { FE_SQR(r, a); }

const p384_impl P384_IMPL_TABLE = {
    .name = P384_IMPL_NAME,
    .fe_mul = fe_mul,
    .fe_sqr = fe_sqr,
    .fe_inv = fe_inv,
    .fe_sqrt_candidate = fe_sqrt_candidate,
    .point_add = point_add,
    .point_add_affine = point_add_affine,
    .point_double = point_double,
    .mul = mul,
    .comb_init = comb_init,
    .comb_mul = comb_mul,
};

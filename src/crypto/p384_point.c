/* p384_point.c: P-384 group law on homogeneous projective coordinates with the complete formulas
 * of Renes, Costello and Batina (2015) for a = -3: algorithm 4 (addition), 5 (mixed addition) and
 * 6 (doubling). They hold for every input, the identity and doubling included, so the same
 * operations run whatever the points are; encoding and strict decoding (see p384_ec.h). */
#include <pthread.h>
#include <string.h>

#include "crypto/ct.h"
#include "crypto/p384_ec.h"
#include "crypto/p384_fe_inline.h"

static p384_fe g_b; /* the curve constant b, Montgomery form */
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void init_b(void) { p384_fe_b(g_b); }

static const uint64_t *curve_b(void)
{
    pthread_once(&g_once, init_b);
    return g_b;
}

#define MUL p384_fe_mul_i
#define ADD p384_fe_add_i
#define SUB p384_fe_sub_i

void p384_point_identity(p384_point *r)
{
    memset(r, 0, sizeof *r);
    p384_fe_one(r->y);
}

void p384_point_from_affine(p384_point *r, const p384_fe x, const p384_fe y)
{
    memcpy(r->x, x, sizeof r->x);
    memcpy(r->y, y, sizeof r->y);
    p384_fe_one(r->z);
}

/* The common tail of algorithms 4 and 5 (their steps from "Z3 = b * t2" on), with t2 = Z1 Z2:
 * given t0 = X1 X2, t1 = Y1 Y2, t3 = X1 Y2 + X2 Y1, t4 = Y1 Z2 + Y2 Z1, y3 = X1 Z2 + X2 Z1. */
static void add_tail(p384_point *r, p384_fe t0, p384_fe t1, const p384_fe t2in, const p384_fe t3, const p384_fe t4,
                     p384_fe y3)
{
    const uint64_t *b = curve_b();
    p384_fe x3, z3, t2;
    MUL(z3, b, t2in);
    SUB(x3, y3, z3);
    ADD(z3, x3, x3);
    ADD(x3, x3, z3);
    SUB(z3, t1, x3);
    ADD(x3, t1, x3);
    MUL(y3, b, y3);
    ADD(t1, t2in, t2in);
    ADD(t2, t1, t2in);
    SUB(y3, y3, t2);
    SUB(y3, y3, t0);
    ADD(t1, y3, y3);
    ADD(y3, t1, y3);
    ADD(t1, t0, t0);
    ADD(t0, t1, t0);
    SUB(t0, t0, t2);
    MUL(t1, t4, y3);
    MUL(t2, t0, y3);
    MUL(y3, x3, z3);
    ADD(y3, y3, t2);
    MUL(x3, t3, x3);
    SUB(x3, x3, t1);
    MUL(z3, t4, z3);
    MUL(t1, t3, t0);
    ADD(z3, z3, t1);
    memcpy(r->x, x3, sizeof x3);
    memcpy(r->y, y3, sizeof(p384_fe));
    memcpy(r->z, z3, sizeof z3);
}

void p384_point_add(p384_point *r, const p384_point *a, const p384_point *b)
{
    p384_fe t0, t1, t2, t3, t4, x3, y3;
    MUL(t0, a->x, b->x);
    MUL(t1, a->y, b->y);
    MUL(t2, a->z, b->z);
    ADD(t3, a->x, a->y);
    ADD(t4, b->x, b->y);
    MUL(t3, t3, t4);
    ADD(t4, t0, t1);
    SUB(t3, t3, t4);
    ADD(t4, a->y, a->z);
    ADD(x3, b->y, b->z);
    MUL(t4, t4, x3);
    ADD(x3, t1, t2);
    SUB(t4, t4, x3);
    ADD(x3, a->x, a->z);
    ADD(y3, b->x, b->z);
    MUL(x3, x3, y3);
    ADD(y3, t0, t2);
    SUB(y3, x3, y3);
    add_tail(r, t0, t1, t2, t3, t4, y3);
}

void p384_point_add_affine(p384_point *r, const p384_point *a, const p384_fe x, const p384_fe y)
{
    p384_fe t0, t1, t3, t4, y3;
    MUL(t0, a->x, x);
    MUL(t1, a->y, y);
    ADD(t3, x, y);
    ADD(t4, a->x, a->y);
    MUL(t3, t3, t4);
    ADD(t4, t0, t1);
    SUB(t3, t3, t4);
    MUL(t4, y, a->z);
    ADD(t4, t4, a->y);
    MUL(y3, x, a->z);
    ADD(y3, y3, a->x);
    add_tail(r, t0, t1, a->z, t3, t4, y3);
}

void p384_point_double(p384_point *r, const p384_point *a)
{
    const uint64_t *b = curve_b();
    p384_fe t0, t1, t2, t3, x3, y3, z3;
    p384_fe_sqr_i(t0, a->x);
    p384_fe_sqr_i(t1, a->y);
    p384_fe_sqr_i(t2, a->z);
    MUL(t3, a->x, a->y);
    ADD(t3, t3, t3);
    MUL(z3, a->x, a->z);
    ADD(z3, z3, z3);
    MUL(y3, b, t2);
    SUB(y3, y3, z3);
    ADD(x3, y3, y3);
    ADD(y3, x3, y3);
    SUB(x3, t1, y3);
    ADD(y3, t1, y3);
    MUL(y3, x3, y3);
    MUL(x3, x3, t3);
    ADD(t3, t2, t2);
    ADD(t2, t2, t3);
    MUL(z3, b, z3);
    SUB(z3, z3, t2);
    SUB(z3, z3, t0);
    ADD(t3, z3, z3);
    ADD(z3, z3, t3);
    ADD(t3, t0, t0);
    ADD(t0, t3, t0);
    SUB(t0, t0, t2);
    MUL(t0, t0, z3);
    ADD(y3, y3, t0);
    MUL(t0, a->y, a->z);
    ADD(t0, t0, t0);
    MUL(z3, t0, z3);
    SUB(x3, x3, z3);
    MUL(z3, t0, t1);
    ADD(z3, z3, z3);
    ADD(z3, z3, z3);
    memcpy(r->x, x3, sizeof x3);
    memcpy(r->y, y3, sizeof y3);
    memcpy(r->z, z3, sizeof z3);
}

void p384_point_cneg(p384_point *r, uint64_t bit)
{
    p384_fe ny;
    p384_fe_neg(ny, r->y);
    p384_fe_cmov(r->y, ny, bit);
}

void p384_point_cmov(p384_point *r, const p384_point *a, uint64_t bit)
{
    p384_fe_cmov(r->x, a->x, bit);
    p384_fe_cmov(r->y, a->y, bit);
    p384_fe_cmov(r->z, a->z, bit);
}

uint64_t p384_point_is_identity(const p384_point *a) { return p384_fe_is_zero(a->z); }

uint64_t p384_point_to_affine(p384_fe x, p384_fe y, const p384_point *a)
{
    p384_fe zi;
    p384_fe_inv(zi, a->z); /* 0 at the identity, so x = y = 0 */
    p384_fe_mul(x, a->x, zi);
    p384_fe_mul(y, a->y, zi);
    return p384_point_is_identity(a);
}

uint64_t p384_point_to_bytes(uint8_t out[97], const p384_point *a)
{
    p384_fe x, y;
    uint64_t inf = p384_point_to_affine(x, y, a);
    out[0] = (uint8_t)(4 & ((inf & 1) - 1));
    p384_fe_to_bytes(out + 1, x);
    p384_fe_to_bytes(out + 49, y);
    cc_memzero(x, sizeof x);
    cc_memzero(y, sizeof y);
    return inf;
}

/* y^2 = x^3 - 3x + b, right-hand side. */
static void curve_rhs(p384_fe r, const p384_fe x)
{
    p384_fe t, three;
    p384_fe_set_u64(three, 3);
    p384_fe_sqr(t, x);
    p384_fe_sub(t, t, three);
    p384_fe_mul(t, t, x);
    p384_fe_add(r, t, curve_b());
}

int p384_point_decode(p384_point *r, const uint8_t *in, size_t len)
{
    p384_fe x, y, rhs, t;
    p384_point_identity(r);
    if (!in || (!(len == 49 && (in[0] == 2 || in[0] == 3)) && !(len == 97 && in[0] == 4))) return -1;
    if (p384_fe_from_bytes(x, in + 1) != 0) return -1;
    curve_rhs(rhs, x);
    if (len == 97) {
        if (p384_fe_from_bytes(y, in + 49) != 0) return -1;
    } else {
        p384_fe_sqrt_candidate(y, rhs);
        p384_fe_neg(t, y);
        p384_fe_cmov(y, t, p384_fe_parity(y) ^ (in[0] & 1));
    }
    p384_fe_sqr(t, y);
    if (!p384_fe_eq(t, rhs)) return -1; /* not on the curve (or no square root): public refusal */
    p384_point_from_affine(r, x, y);
    return 0;
}

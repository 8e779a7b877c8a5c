/* p384_point.c: P-384 points on homogeneous projective coordinates: the identity, conditional
 * negation and selection, conversion to affine, encoding and strict decoding (see p384_ec.h), and
 * the curve constant b. The group law itself, the complete formulas of Renes, Costello and Batina
 * (2015) for a = -3 (algorithm 4 addition, 5 mixed addition, 6 doubling; they hold for every input,
 * the identity and doubling included, so the same operations run whatever the points are), is in
 * p384_group_impl.h, built once per field core (p384_impl.h). */
#include <pthread.h>
#include <string.h>

#include "crypto/ct.h"
#include "crypto/p384_ec.h"
#include "crypto/p384_impl.h"

static p384_fe g_b; /* the curve constant b, Montgomery form */
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void init_b(void) { p384_fe_b(g_b); }

const uint64_t *p384_curve_b(void)
{
    pthread_once(&g_once, init_b);
    return g_b;
}

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
    p384_fe_add(r, t, p384_curve_b());
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

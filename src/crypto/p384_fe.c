/* p384_fe.c: P-384 field arithmetic modulo p = 2^384 - 2^128 - 2^96 + 2^32 - 1 in Montgomery form
 * (see p384_ec.h), on the constant-time 6x64-bit Montgomery core of crypto/mont384.h: constants,
 * negation, selection, comparison and conversions. Multiplication, squaring, inversion and the
 * square root are dispatched per CPU (p384_impl.h, p384_group_impl.h, p384_dispatch.c). */
#include <string.h>

#include "crypto/ct.h"
#include "crypto/mont384.h"
#include "crypto/p384_ec.h"
#include "crypto/p384_fe_inline.h"

#define P P384_P
#define P0 P384_P0
/* 2^384, 2^768 and 2^1152 mod p */
static const uint64_t R1[6] = {0xffffffff00000001ULL, 0x00000000ffffffffULL, 1, 0, 0, 0};
static const uint64_t R2[6] = {0xfffffffe00000001ULL, 0x0000000200000000ULL, 0xfffffffe00000000ULL,
                               0x0000000200000000ULL, 0x0000000000000001ULL, 0};
static const uint64_t R3[6] = {0xfffffffc00000002ULL, 0x0000000300000002ULL, 0xfffffffcfffffffeULL,
                               0x0000000300000005ULL, 0xfffffffdfffffffdULL, 0x0000000300000002ULL};
/* b (standard form) */
static const uint64_t B_STD[6] = {0x2a85c8edd3ec2aefULL, 0xc656398d8a2ed19dULL, 0x0314088f5013875aULL,
                                  0x181d9c6efe814112ULL, 0x988e056be3f82d19ULL, 0xb3312fa7e23ee7e4ULL};
void p384_fe_add(p384_fe r, const p384_fe a, const p384_fe b) { p384_fe_add_i(r, a, b); }
void p384_fe_sub(p384_fe r, const p384_fe a, const p384_fe b) { p384_fe_sub_i(r, a, b); }

void p384_fe_neg(p384_fe r, const p384_fe a)
{
    static const p384_fe zero = {0};
    tm_sub(r, zero, a, P);
}

void p384_fe_inv_batch(p384_fe *r, const p384_fe *a, size_t n)
{
    static const p384_fe zero = {0};
    p384_fe pre[P384_INV_BATCH], one, ai, inv, t;
    if (n == 0 || n > P384_INV_BATCH) return; /* callers pass 1..P384_INV_BATCH */
    p384_fe_one(one);
    for (size_t i = 0; i < n; i++) { /* prefix products, a zero replaced by 1 */
        memcpy(ai, a[i], sizeof ai);
        p384_fe_cmov(ai, one, p384_fe_is_zero(a[i]));
        if (i == 0)
            memcpy(pre[0], ai, sizeof ai);
        else
            p384_fe_mul(pre[i], pre[i - 1], ai);
    }
    p384_fe_inv(inv, pre[n - 1]);
    for (size_t i = n; i-- > 0;) {
        uint64_t z = p384_fe_is_zero(a[i]);
        memcpy(ai, a[i], sizeof ai);
        p384_fe_cmov(ai, one, z);
        if (i > 0)
            p384_fe_mul(t, inv, pre[i - 1]); /* 1 / a_i */
        else
            memcpy(t, inv, sizeof t);
        p384_fe_mul(inv, inv, ai);
        p384_fe_cmov(t, zero, z);
        memcpy(r[i], t, sizeof t);
    }
    cc_memzero(pre, sizeof pre);
    cc_memzero(ai, sizeof ai);
    cc_memzero(inv, sizeof inv);
    cc_memzero(t, sizeof t);
}

void p384_fe_set_u64(p384_fe r, uint64_t x)
{
    const p384_fe t = {x};
    tm_mul(r, t, R2, P, P0);
}

void p384_fe_one(p384_fe r) { memcpy(r, R1, sizeof R1); }
void p384_fe_b(p384_fe r) { tm_mul(r, B_STD, R2, P, P0); }

void p384_fe_cmov(p384_fe r, const p384_fe a, uint64_t bit) { p384_fe_cmov_i(r, a, bit); }

uint64_t p384_fe_eq(const p384_fe a, const p384_fe b)
{
    uint64_t acc = 0;
    for (int i = 0; i < 6; i++) acc |= a[i] ^ b[i];
    return 1 ^ ((acc | (0 - acc)) >> 63);
}

uint64_t p384_fe_is_zero(const p384_fe a)
{
    static const p384_fe zero = {0};
    return p384_fe_eq(a, zero);
}

void p384_fe_from_bytes_ct(p384_fe r, const uint8_t in[48])
{
    uint64_t c[6];
    tm_load_be(c, in);
    tm_reduce_once(c, c, 0, P);
    tm_mul(r, c, R2, P, P0);
    cc_memzero(c, sizeof c);
}

int p384_fe_from_bytes(p384_fe r, const uint8_t in[48])
{
    uint64_t c[6], d[6];
    tm_load_be(c, in);
    uint64_t below_p = tm_sub6(d, c, P);
    cc_memzero(c, sizeof c);
    cc_memzero(d, sizeof d);
    if (!below_p) {
        memset(r, 0, sizeof(p384_fe));
        return -1;
    }
    p384_fe_from_bytes_ct(r, in);
    return 0;
}

/* Canonical value (out of Montgomery form). */
static void canon(uint64_t out[6], const p384_fe a)
{
    static const uint64_t one[6] = {1};
    tm_mul(out, a, one, P, P0);
}

void p384_fe_to_bytes(uint8_t out[48], const p384_fe a)
{
    uint64_t c[6];
    canon(c, a);
    tm_store_be(out, c);
    cc_memzero(c, sizeof c);
}

uint64_t p384_fe_parity(const p384_fe a)
{
    uint64_t c[6];
    canon(c, a);
    uint64_t bit = c[0] & 1;
    cc_memzero(c, sizeof c);
    return bit;
}

void p384_fe_from_wide(p384_fe r, const uint8_t *in, size_t len)
{
    /* in = hi * 2^384 + lo with hi < 2^384, lo < 2^384: r = hi R^2 + lo R in Montgomery form,
     * i.e. mont(hi, R^3) + mont(lo, R^2) after reducing each below p. */
    uint8_t buf[96] = {0};
    uint64_t hi[6], lo[6];
    p384_fe a, b;
    if (len > sizeof buf) len = sizeof buf; /* callers pass at most 96 bytes */
    memcpy(buf + sizeof buf - len, in, len);
    tm_load_be(hi, buf);
    tm_load_be(lo, buf + 48);
    tm_reduce_once(hi, hi, 0, P);
    tm_reduce_once(lo, lo, 0, P);
    tm_mul(a, hi, R3, P, P0);
    tm_mul(b, lo, R2, P, P0);
    tm_add(r, a, b, P);
    cc_memzero(buf, sizeof buf);
    cc_memzero(hi, sizeof hi);
    cc_memzero(lo, sizeof lo);
    cc_memzero(a, sizeof a);
    cc_memzero(b, sizeof b);
}

/* p384_fe.c: P-384 field arithmetic modulo p = 2^384 - 2^128 - 2^96 + 2^32 - 1 in Montgomery form
 * (see p384_ec.h), on the constant-time 6x64-bit Montgomery core of crypto/mont384.h. */
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
void p384_fe_mul(p384_fe r, const p384_fe a, const p384_fe b) { p384_fe_mul_i(r, a, b); }
void p384_fe_sqr(p384_fe r, const p384_fe a) { p384_fe_sqr_i(r, a); }
void p384_fe_add(p384_fe r, const p384_fe a, const p384_fe b) { p384_fe_add_i(r, a, b); }
void p384_fe_sub(p384_fe r, const p384_fe a, const p384_fe b) { p384_fe_sub_i(r, a, b); }

void p384_fe_neg(p384_fe r, const p384_fe a)
{
    static const p384_fe zero = {0};
    tm_sub(r, zero, a, P);
}

/* r = a^(2^n) */
static void sqr_n(p384_fe r, const p384_fe a, int n)
{
    memmove(r, a, sizeof(p384_fe));
    for (int i = 0; i < n; i++) p384_fe_sqr_i(r, r);
}

/* The common head of both addition chains: a^(2^255 - 1) followed by one squaring and 32 more
 * bits, giving t = a^((2^255 - 1) 2^33 + 2^32 - 1); also x30 = a^(2^30 - 1). Writing x_k for
 * a^(2^k - 1): x_(j+k) = x_j^(2^k) x_k. 385 squarings and 14 multiplications for the inverse. */
static void chain_head(p384_fe t, p384_fe x30, const p384_fe a)
{
    p384_fe x2, x3, x6, x12, x15, x32, x60;
    sqr_n(x2, a, 1);
    p384_fe_mul(x2, x2, a);
    sqr_n(x3, x2, 1);
    p384_fe_mul(x3, x3, a);
    sqr_n(x6, x3, 3);
    p384_fe_mul(x6, x6, x3);
    sqr_n(x12, x6, 6);
    p384_fe_mul(x12, x12, x6);
    sqr_n(x15, x12, 3);
    p384_fe_mul(x15, x15, x3);
    sqr_n(x30, x15, 15);
    p384_fe_mul(x30, x30, x15);
    sqr_n(x32, x30, 2);
    p384_fe_mul(x32, x32, x2);
    sqr_n(x60, x30, 30);
    p384_fe_mul(x60, x60, x30);
    sqr_n(t, x60, 60); /* x120 */
    p384_fe_mul(t, t, x60);
    sqr_n(x60, t, 120); /* x240 */
    p384_fe_mul(t, x60, t);
    sqr_n(t, t, 15); /* x255 */
    p384_fe_mul(t, t, x15);
    sqr_n(t, t, 33); /* the 0 bit, then 32 ones */
    p384_fe_mul(t, t, x32);
    cc_memzero(x2, sizeof x2);
    cc_memzero(x3, sizeof x3);
    cc_memzero(x6, sizeof x6);
    cc_memzero(x12, sizeof x12);
    cc_memzero(x15, sizeof x15);
    cc_memzero(x32, sizeof x32);
    cc_memzero(x60, sizeof x60);
}

void p384_fe_inv(p384_fe r, const p384_fe a)
{
    /* p - 2: head, 64 zero bits, 30 ones, 0, 1 */
    p384_fe t, x30;
    chain_head(t, x30, a);
    sqr_n(t, t, 94);
    p384_fe_mul(t, t, x30);
    sqr_n(t, t, 2);
    p384_fe_mul(r, t, a);
    cc_memzero(t, sizeof t);
    cc_memzero(x30, sizeof x30);
}

void p384_fe_sqrt_candidate(p384_fe r, const p384_fe a)
{
    /* (p + 1) / 4: head, 63 zero bits, 1, 30 zero bits */
    p384_fe t, x30;
    chain_head(t, x30, a);
    sqr_n(t, t, 64);
    p384_fe_mul(t, t, a);
    sqr_n(r, t, 30);
    cc_memzero(t, sizeof t);
    cc_memzero(x30, sizeof x30);
}

void p384_fe_set_u64(p384_fe r, uint64_t x)
{
    const p384_fe t = {x};
    tm_mul(r, t, R2, P, P0);
}

void p384_fe_one(p384_fe r) { memcpy(r, R1, sizeof R1); }
void p384_fe_b(p384_fe r) { tm_mul(r, B_STD, R2, P, P0); }

void p384_fe_cmov(p384_fe r, const p384_fe a, uint64_t bit)
{
    uint64_t mask = 0 - (bit & 1);
    for (int i = 0; i < 6; i++) r[i] ^= (r[i] ^ a[i]) & mask;
}

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

/* mont384.h: constant-time 6x64-bit Montgomery arithmetic modulo a 384-bit odd modulus m with
 * its top limb non-zero, shared by the threshold ECDSA scalar module (m = n, the P-384 order) and
 * the P-384 field module (m = p, the P-384 prime; crypto/p384_fe.c). Header-only static inline
 * functions, so each caller's constant modulus is folded in. Nothing here branches on or indexes memory by operand values; exponents given to
 * tm_pow are public. */
#ifndef CCTSA_CRYPTO_MONT384_H
#define CCTSA_CRYPTO_MONT384_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

__extension__ typedef unsigned __int128 tm_u128;

/* Add and subtract with carry / borrow (0 or 1) on one limb: the x86-64 intrinsics compile to one
 * adc / sbb each (the 128-bit forms below do not: the carry goes through extra registers). */
#if defined(__x86_64__) && !defined(CCTSA_PORTABLE)
#include <x86intrin.h>
#define TM_ADC(c, a, b, out) ((c) = _addcarry_u64((unsigned char)(c), (a), (b), (unsigned long long *)(out)))
#define TM_SBB(c, a, b, out) ((c) = _subborrow_u64((unsigned char)(c), (a), (b), (unsigned long long *)(out)))
#else
#define TM_ADC(c, a, b, out)                                                                                           \
    do {                                                                                                               \
        tm_u128 t_ = (tm_u128)(a) + (b) + (c);                                                                         \
        *(out) = (uint64_t)t_;                                                                                         \
        (c) = (uint64_t)(t_ >> 64);                                                                                    \
    } while (0)
#define TM_SBB(c, a, b, out)                                                                                           \
    do {                                                                                                               \
        tm_u128 t_ = (tm_u128)(a) - (b) - (c);                                                                         \
        *(out) = (uint64_t)t_;                                                                                         \
        (c) = (uint64_t)(t_ >> 64) & 1;                                                                                \
    } while (0)
#endif

/* d = a - b over 6 limbs; returns the final borrow (0 or 1). */
static inline uint64_t tm_sub6(uint64_t d[6], const uint64_t a[6], const uint64_t b[6])
{
    uint64_t borrow = 0;
#pragma GCC unroll 6
    for (int i = 0; i < 6; i++) TM_SBB(borrow, a[i], b[i], &d[i]);
    return borrow;
}

/* r = (hi:a) mod m for a value hi*2^384 + a < 2m, hi in {0,1}: subtract m unless that underflows. */
static inline void tm_reduce_once(uint64_t r[6], const uint64_t a[6], uint64_t hi, const uint64_t m[6])
{
    uint64_t d[6];
    uint64_t borrow = tm_sub6(d, a, m);
    uint64_t keep = 0 - (borrow & (hi ^ 1)); /* all-ones: a < m, keep a */
#pragma GCC unroll 6
    for (int i = 0; i < 6; i++) r[i] = (a[i] & keep) | (d[i] & ~keep);
}

/* r = a * b / 2^384 mod m for a, b < m (CIOS); m0 = -m^-1 mod 2^64. The loops have constant trip
 * counts and are fully unrolled (about 1.4x faster than the rolled loops at -O2). */
static inline void tm_mul(uint64_t r[6], const uint64_t a[6], const uint64_t b[6], const uint64_t m[6], uint64_t m0)
{
    uint64_t t[8] = {0};
#pragma GCC unroll 6
    for (int i = 0; i < 6; i++) {
        tm_u128 c = 0;
#pragma GCC unroll 6
        for (int j = 0; j < 6; j++) {
            c += (tm_u128)a[j] * b[i] + t[j];
            t[j] = (uint64_t)c;
            c >>= 64;
        }
        c += t[6];
        t[6] = (uint64_t)c;
        t[7] = (uint64_t)(c >> 64);
        uint64_t q = t[0] * m0;
        c = (tm_u128)q * m[0] + t[0];
        c >>= 64;
#pragma GCC unroll 6
        for (int j = 1; j < 6; j++) {
            c += (tm_u128)q * m[j] + t[j];
            t[j - 1] = (uint64_t)c;
            c >>= 64;
        }
        c += t[6];
        t[5] = (uint64_t)c;
        t[6] = t[7] + (uint64_t)(c >> 64);
    }
    tm_reduce_once(r, t, t[6], m);
}

/* t = a^2, the full 12-limb square: 15 cross products doubled plus 6 squares (against 36
 * products for a general product). */
static inline void tm_sqr_wide(uint64_t t[12], const uint64_t a[6])
{
    tm_u128 c;
    for (int i = 0; i < 12; i++) t[i] = 0;
#pragma GCC unroll 6
    for (int i = 0; i < 5; i++) {
        c = 0;
#pragma GCC unroll 6
        for (int j = i + 1; j < 6; j++) {
            c += (tm_u128)a[i] * a[j] + t[i + j];
            t[i + j] = (uint64_t)c;
            c >>= 64;
        }
        t[i + 6] = (uint64_t)c;
    }
    for (int i = 11; i > 0; i--) t[i] = (t[i] << 1) | (t[i - 1] >> 63);
    t[0] <<= 1;
    c = 0;
#pragma GCC unroll 6
    for (int i = 0; i < 6; i++) {
        tm_u128 sq = (tm_u128)a[i] * a[i];
        c += (tm_u128)t[2 * i] + (uint64_t)sq;
        t[2 * i] = (uint64_t)c;
        c >>= 64;
        c += (tm_u128)t[2 * i + 1] + (uint64_t)(sq >> 64);
        t[2 * i + 1] = (uint64_t)c;
        c >>= 64;
    }
}

/* r = a^2 / 2^384 mod m for a < m: the 12-limb square, then a separate Montgomery reduction. */
static inline void tm_sqr(uint64_t r[6], const uint64_t a[6], const uint64_t m[6], uint64_t m0)
{
    uint64_t t[12], top = 0;
    tm_u128 c;
    tm_sqr_wide(t, a);
    /* reduction: clear one low limb per round; top carries into the next round's high limb */
#pragma GCC unroll 6
    for (int i = 0; i < 6; i++) {
        uint64_t q = t[i] * m0;
        c = 0;
#pragma GCC unroll 6
        for (int j = 0; j < 6; j++) {
            c += (tm_u128)q * m[j] + t[i + j];
            t[i + j] = (uint64_t)c;
            c >>= 64;
        }
        c += (tm_u128)t[i + 6] + top;
        t[i + 6] = (uint64_t)c;
        top = (uint64_t)(c >> 64);
    }
    tm_reduce_once(r, t + 6, top, m); /* a^2 < m 2^384, so the result is < 2m */
}

/* r = a + b mod m (a, b < m). */
static inline void tm_add(uint64_t r[6], const uint64_t a[6], const uint64_t b[6], const uint64_t m[6])
{
    uint64_t s[6], carry = 0;
#pragma GCC unroll 6
    for (int i = 0; i < 6; i++) TM_ADC(carry, a[i], b[i], &s[i]);
    tm_reduce_once(r, s, carry, m);
}

/* r = a - b mod m (a, b < m). */
static inline void tm_sub(uint64_t r[6], const uint64_t a[6], const uint64_t b[6], const uint64_t m[6])
{
    uint64_t d[6];
    uint64_t mask = 0 - tm_sub6(d, a, b), carry = 0;
#pragma GCC unroll 6
    for (int i = 0; i < 6; i++) TM_ADC(carry, d[i], m[i] & mask, &r[i]);
}

/* r = a^e in the Montgomery domain (a and r Montgomery forms, one = 2^384 mod m); e PUBLIC: a fixed
 * 4-bit window (the table index and the skipped multiplications follow e only). The table of
 * powers of a is wiped before returning. */
static inline void tm_pow(uint64_t r[6], const uint64_t a[6], const uint64_t e[6], const uint64_t one[6],
                          const uint64_t m[6], uint64_t m0)
{
    uint64_t tab[16][6], x[6];
    memcpy(tab[0], one, sizeof tab[0]);
    memcpy(tab[1], a, sizeof tab[1]);
    for (int i = 2; i < 16; i++) tm_mul(tab[i], tab[i - 1], a, m, m0);
    memcpy(x, one, sizeof x);
    for (int w = 95; w >= 0; w--) {
        for (int k = 0; k < 4; k++) tm_sqr(x, x, m, m0);
        unsigned nib = (unsigned)(e[w / 16] >> (4 * (w % 16))) & 15;
        if (nib) tm_mul(x, x, tab[nib], m, m0);
    }
    memcpy(r, x, sizeof x);
    volatile uint64_t *v = &tab[0][0];
    for (size_t i = 0; i < sizeof tab / sizeof tab[0][0]; i++) v[i] = 0;
}

/* Big-endian 48 bytes <-> little-endian limbs. */
static inline void tm_load_be(uint64_t out[6], const uint8_t in[48])
{
#pragma GCC unroll 6
    for (int i = 0; i < 6; i++) {
        uint64_t w = 0;
        for (int k = 0; k < 8; k++) w = (w << 8) | in[(5 - i) * 8 + k];
        out[i] = w;
    }
}

static inline void tm_store_be(uint8_t out[48], const uint64_t a[6])
{
#pragma GCC unroll 6
    for (int i = 0; i < 6; i++)
        for (int k = 0; k < 8; k++) out[(5 - i) * 8 + k] = (uint8_t)(a[i] >> (56 - 8 * k));
}

#endif

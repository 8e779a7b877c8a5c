/* tecdsa_scalar.c: constant-time arithmetic modulo the P-384 group order (see tecdsa_scalar.h).
 * Montgomery multiplication (CIOS, R = 2^384) with a branch-free final subtraction; external
 * values are kept canonical (< n) and converted to Montgomery form only inside multiplications.
 * The hot primitives (multiplication, the 64-byte wide reduction) leave their stack temporaries to
 * be overwritten (wiping every product would double the cost of the VOLE loops); callers wipe the
 * scalars they own. */
#include "threshold/ecdsa/tecdsa_scalar.h"

#include <string.h>

#include "crypto/ct.h"
#include "crypto/ct_check.h"
#include "crypto/mont384.h"

static const uint64_t N[6] = {0xecec196accc52973ULL, 0x581a0db248b0a77aULL, 0xc7634d81f4372ddfULL,
                              0xffffffffffffffffULL, 0xffffffffffffffffULL, 0xffffffffffffffffULL};
/* R^2 mod n and R mod n (R = 2^384). */
static const uint64_t R2[6] = {0x2d319b2419b409a9ULL, 0xff3d81e5df1aa419ULL, 0xbc3e483afcb82947ULL,
                               0xd40d49174aab1cc5ULL, 0x3fb05b7a28266895ULL, 0x0c84ee012b39bf21ULL};
static const uint64_t R1[6] = {0x1313e695333ad68dULL, 0xa7e5f24db74f5885ULL, 0x389cb27e0bc8d220ULL, 0, 0, 0};
/* (n-1)/2 */
static const uint64_t HALF[6] = {0x76760cb5666294b9ULL, 0xac0d06d9245853bdULL, 0xe3b1a6c0fa1b96efULL,
                                 0xffffffffffffffffULL, 0xffffffffffffffffULL, 0x7fffffffffffffffULL};
static const uint64_t N0 = 0x6ed46089e88fdc45ULL; /* -n^-1 mod 2^64 */

static uint64_t sub6(uint64_t d[6], const uint64_t a[6], const uint64_t b[6]) { return tm_sub6(d, a, b); }
static void reduce_once(uint64_t r[6], const uint64_t a[6], uint64_t hi) { tm_reduce_once(r, a, hi, N); }
static void mont_mul(uint64_t r[6], const uint64_t a[6], const uint64_t b[6]) { tm_mul(r, a, b, N, N0); }

void tsc_zero(tsc *r) { memset(r->v, 0, sizeof r->v); }

void tsc_set_u64(tsc *r, uint64_t x)
{
    tsc_zero(r);
    r->v[0] = x; /* every u64 is < n */
}

/* One big-endian 64-bit word: a load and a byte swap where the compiler offers them (the
 * byte-by-byte loop of tm_load_be is not turned into one), else the same value byte by byte. */
static uint64_t be64(const uint8_t *in)
{
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t w;
    memcpy(&w, in, 8);
    return __builtin_bswap64(w);
#else
    uint64_t w = 0;
    for (int k = 0; k < 8; k++) w = (w << 8) | in[k];
    return w;
#endif
}

static void put_be64(uint8_t *out, uint64_t w)
{
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    w = __builtin_bswap64(w);
    memcpy(out, &w, 8);
#else
    for (int k = 0; k < 8; k++) out[k] = (uint8_t)(w >> (56 - 8 * k));
#endif
}

/* Big-endian 48 bytes <-> little-endian limbs (tm_load_be / tm_store_be, faster). */
static void load_be(uint64_t out[6], const uint8_t in[48])
{
    for (int i = 0; i < 6; i++) out[i] = be64(in + (5 - i) * 8);
}

int tsc_from_bytes(tsc *r, const uint8_t in[TSC_BYTES])
{
    uint64_t d[6];
    load_be(r->v, in);
    uint64_t below_n = sub6(d, r->v, N);
    cc_memzero(d, sizeof d);
    if (!below_n) {
        tsc_zero(r);
        return -1;
    }
    return 0;
}

void tsc_to_bytes(uint8_t out[TSC_BYTES], const tsc *a)
{
    for (int i = 0; i < 6; i++) put_be64(out + (5 - i) * 8, a->v[i]);
}

/* The 64-byte case (every hash-to-scalar and pad): in = hi (128 bits) || lo (384 bits), and
 * hi * 2^384 = hi * R1 < 2^318 needs no reduction, so lo + hi * R1 < 2^384 + 2^318 < 2n and one
 * conditional subtraction gives the canonical value: the same result as the general path. */
static void from_wide64(tsc *r, const uint8_t in[64])
{
    uint64_t hi[2], s[6], carry = 0;
    tm_u128 acc;
    hi[1] = be64(in);
    hi[0] = be64(in + 8);
    load_be(s, in + 16);
    /* s += hi * R1: R1 has three limbs, so the product has five */
    uint64_t p[5];
    acc = (tm_u128)hi[0] * R1[0];
    p[0] = (uint64_t)acc;
    acc = (acc >> 64) + (tm_u128)hi[0] * R1[1];
    uint64_t m1 = (uint64_t)acc;
    acc = (acc >> 64) + (tm_u128)hi[0] * R1[2];
    uint64_t m2 = (uint64_t)acc, m3 = (uint64_t)(acc >> 64);
    acc = (tm_u128)hi[1] * R1[0] + m1;
    p[1] = (uint64_t)acc;
    acc = (acc >> 64) + (tm_u128)hi[1] * R1[1] + m2;
    p[2] = (uint64_t)acc;
    acc = (acc >> 64) + (tm_u128)hi[1] * R1[2] + m3;
    p[3] = (uint64_t)acc;
    p[4] = (uint64_t)(acc >> 64);
    for (int i = 0; i < 5; i++) TM_ADC(carry, s[i], p[i], &s[i]);
    TM_ADC(carry, s[5], 0, &s[5]);
    reduce_once(r->v, s, carry);
}

void tsc_from_wide(tsc *r, const uint8_t *in, size_t len)
{
    if (len == 64) {
        from_wide64(r, in);
        return;
    }
    uint8_t buf[96] = {0};
    uint64_t lo[6], hi[6], t[6];
    if (len > sizeof buf) len = sizeof buf; /* callers pass at most 96 bytes */
    memcpy(buf + sizeof buf - len, in, len);
    load_be(hi, buf);
    load_be(lo, buf + 48);
    reduce_once(hi, hi, 0);
    reduce_once(lo, lo, 0);
    mont_mul(t, hi, R2); /* hi * 2^384 mod n */
    tsc a = {{0}}, b = {{0}};
    memcpy(a.v, t, sizeof t);
    memcpy(b.v, lo, sizeof lo);
    tsc_add(r, &a, &b);
    cc_memzero(buf, sizeof buf);
    cc_memzero(lo, sizeof lo);
    cc_memzero(hi, sizeof hi);
    cc_memzero(t, sizeof t);
    tsc_wipe(&a);
    tsc_wipe(&b);
}

int tsc_random(tsc *r)
{
    uint8_t buf[64];
    uint64_t zero;
    do {
        if (cc_randombytes(buf, sizeof buf) != 0) {
            tsc_zero(r);
            return -1;
        }
        tsc_from_wide(r, buf, sizeof buf);
        zero = tsc_is_zero(r);
        CT_PUBLIC(&zero, sizeof zero); /* probability 2^-384: the outcome reveals nothing usable */
    } while (zero);
    cc_memzero(buf, sizeof buf);
    return 0;
}

void tsc_add(tsc *r, const tsc *a, const tsc *b) { tm_add(r->v, a->v, b->v, N); }

void tsc_sub(tsc *r, const tsc *a, const tsc *b) { tm_sub(r->v, a->v, b->v, N); }

void tsc_neg(tsc *r, const tsc *a)
{
    tsc z;
    tsc_zero(&z);
    tsc_sub(r, &z, a);
}

void tsc_mul(tsc *r, const tsc *a, const tsc *b)
{
    uint64_t t[6];
    mont_mul(t, a->v, b->v);
    mont_mul(r->v, t, R2);
}

void tsc_to_mont(tsc *am, const tsc *a) { mont_mul(am->v, a->v, R2); }

void tsc_mul_mont(tsc *r, const tsc *am, const tsc *b) { mont_mul(r->v, am->v, b->v); }

void tsc_acc_zero(tsc_acc *acc) { memset(acc->t, 0, sizeof acc->t); }

void tsc_acc_mul_add(tsc_acc *acc, const tsc *am, const tsc *b)
{
    uint64_t p[12] = {0}, carry = 0;
    for (int i = 0; i < 6; i++) { /* p = am * b, schoolbook */
        tm_u128 c = 0;
        for (int j = 0; j < 6; j++) {
            c += (tm_u128)am->v[i] * b->v[j] + p[i + j];
            p[i + j] = (uint64_t)c;
            c >>= 64;
        }
        p[i + 6] = (uint64_t)c;
    }
    for (int i = 0; i < 12; i++) TM_ADC(carry, acc->t[i], p[i], &acc->t[i]);
    acc->t[12] += carry;
}

/* Montgomery reduction of the 13-limb sum T: (T + q n) / 2^384 for the q that makes the low 384
 * bits vanish, below T / 2^384 + n < 2^394; then its high limb h (< 2^10) folds in as
 * h * (2^384 mod n) = h * R1 < 2^200, leaving a value < 2n for one conditional subtraction. */
void tsc_acc_out(tsc *r, const tsc_acc *acc)
{
    uint64_t t[14], s[6], carry = 0;
    memcpy(t, acc->t, sizeof acc->t);
    t[13] = 0;
    for (int i = 0; i < 6; i++) {
        uint64_t q = t[i] * N0;
        tm_u128 c = 0;
        for (int j = 0; j < 6; j++) {
            c += (tm_u128)q * N[j] + t[i + j];
            t[i + j] = (uint64_t)c;
            c >>= 64;
        }
        for (int j = i + 6; j < 14; j++) { /* propagate */
            c += t[j];
            t[j] = (uint64_t)c;
            c >>= 64;
        }
    }
    uint64_t h = t[12]; /* t[13] is 0: the value is below 2^394 */
    tm_u128 c = 0;
    for (int j = 0; j < 3; j++) {
        c += (tm_u128)h * R1[j];
        uint64_t lo = (uint64_t)c;
        c >>= 64;
        TM_ADC(carry, t[6 + j], lo, &s[j]);
    }
    TM_ADC(carry, t[9], (uint64_t)c, &s[3]);
    TM_ADC(carry, t[10], 0, &s[4]);
    TM_ADC(carry, t[11], 0, &s[5]);
    reduce_once(r->v, s, carry);
}

void tsc_inv(tsc *r, const tsc *a)
{
    /* The exponent n-2 is public, so branching on its bits is fine. */
    uint64_t e[6], am[6], x[6], one[6] = {1, 0, 0, 0, 0, 0};
    uint64_t two[6] = {2, 0, 0, 0, 0, 0};
    sub6(e, N, two);
    mont_mul(am, a->v, R2);
    tm_pow(x, am, e, R1, N, N0);
    mont_mul(r->v, x, one);
    cc_memzero(am, sizeof am);
    cc_memzero(x, sizeof x);
}

void tsc_cmov(tsc *r, const tsc *a, uint64_t bit)
{
    uint64_t mask = 0 - (bit & 1);
    for (int i = 0; i < 6; i++) r->v[i] ^= (r->v[i] ^ a->v[i]) & mask;
}

void tsc_add_masked(tsc *r, const tsc *a, uint64_t bit)
{
    tsc m;
    uint64_t mask = 0 - (bit & 1);
    for (int i = 0; i < 6; i++) m.v[i] = a->v[i] & mask;
    tsc_add(r, r, &m);
    tsc_wipe(&m);
}

uint64_t tsc_is_zero(const tsc *a)
{
    uint64_t acc = 0;
    for (int i = 0; i < 6; i++) acc |= a->v[i];
    return 1 ^ ((acc | (0 - acc)) >> 63);
}

uint64_t tsc_eq(const tsc *a, const tsc *b)
{
    uint64_t acc = 0;
    for (int i = 0; i < 6; i++) acc |= a->v[i] ^ b->v[i];
    return 1 ^ ((acc | (0 - acc)) >> 63);
}

uint64_t tsc_is_high(const tsc *a)
{
    uint64_t d[6];
    uint64_t borrow = sub6(d, HALF, a->v);
    cc_memzero(d, sizeof d);
    return borrow;
}

void tsc_wipe(tsc *a) { cc_memzero(a, sizeof *a); }

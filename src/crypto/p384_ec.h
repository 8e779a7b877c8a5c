/* p384_ec.h: our own constant-time P-384 field and group arithmetic (no OpenSSL), for code that
 * multiplies points by secret scalars (the threshold ECDSA base OTs, VOLE, presigning and DKG).
 *  - Field elements: 6x64-bit limbs in Montgomery form (R = 2^384), always fully reduced
 *    (p384_fe.c, on crypto/mont384.h).
 *  - Points: homogeneous projective (X:Y:Z), the identity is (0:1:0); complete addition and
 *    doubling formulas for a = -3 (Renes, Costello, Batina, "Complete addition formulas for prime
 *    order elliptic curves", 2015, algorithms 4, 5 and 6), so no input needs a special case
 *    (p384_point.c).
 *  - Scalar multiplication: fixed 4-bit windows with constant-time table lookups (every entry read,
 *    one selected by masks) for any point, and fixed-base combs (p384_comb) for G (its table built
 *    once per process) and for any public point a caller multiplies many times (p384_mul.c).
 * Nothing here branches on or indexes memory by secret data. What is not constant time says so: the
 * accept/reject outcome of decoding (a received encoding is public), and the identity flag
 * returned by p384_point_to_bytes (callers decide whether it is public). */
#ifndef CCTSA_CRYPTO_P384_EC_H
#define CCTSA_CRYPTO_P384_EC_H

#include <stddef.h>
#include <stdint.h>

#include "base/base.h"

typedef uint64_t p384_fe[6]; /* Montgomery form, value < p */

typedef struct {
    p384_fe x, y, z;
} p384_point;

/* ---- field (p384_fe.c) ---- */
void p384_fe_mul(p384_fe r, const p384_fe a, const p384_fe b);
void p384_fe_sqr(p384_fe r, const p384_fe a);
void p384_fe_add(p384_fe r, const p384_fe a, const p384_fe b);
void p384_fe_sub(p384_fe r, const p384_fe a, const p384_fe b);
void p384_fe_neg(p384_fe r, const p384_fe a);
/* r = a^-1 (Fermat); the inverse of 0 is 0. */
void p384_fe_inv(p384_fe r, const p384_fe a);
/* r[i] = a[i]^-1 for i < n (0 -> 0 each; r may be a), n <= P384_INV_BATCH: one inversion and
 * 3 (n - 1) multiplications (Montgomery's trick), constant time in the values. */
#define P384_INV_BATCH 64
void p384_fe_inv_batch(p384_fe *r, const p384_fe *a, size_t n);
/* r = a^((p+1)/4): the square root of a when a is a square (check r^2 == a). */
void p384_fe_sqrt_candidate(p384_fe r, const p384_fe a);
void p384_fe_set_u64(p384_fe r, uint64_t x);
void p384_fe_one(p384_fe r);
/* The curve constant b (Montgomery form). */
void p384_fe_b(p384_fe r);
/* r = bit ? a : r, bit in {0,1}. */
void p384_fe_cmov(p384_fe r, const p384_fe a, uint64_t bit);
/* 1 if equal / zero, else 0. */
uint64_t p384_fe_eq(const p384_fe a, const p384_fe b);
uint64_t p384_fe_is_zero(const p384_fe a);
/* Big-endian 48 bytes: returns 0, or -1 (r set to 0) if the value is >= p (public outcome). */
int p384_fe_from_bytes(p384_fe r, const uint8_t in[48]);
/* The same reduced mod p without a check, constant time (for values known to be < p). */
void p384_fe_from_bytes_ct(p384_fe r, const uint8_t in[48]);
void p384_fe_to_bytes(uint8_t out[48], const p384_fe a);
/* A big-endian string of up to 96 bytes reduced mod p (RFC 9380 hash_to_field with L = 72). */
void p384_fe_from_wide(p384_fe r, const uint8_t *in, size_t len);
/* Canonical (non-Montgomery) parity of a: 1 if odd. */
uint64_t p384_fe_parity(const p384_fe a);

/* ---- points (p384_point.c) ---- */
void p384_point_identity(p384_point *r);
/* (x : y : 1) from affine coordinates. */
void p384_point_from_affine(p384_point *r, const p384_fe x, const p384_fe y);
void p384_point_add(p384_point *r, const p384_point *a, const p384_point *b);
/* a + (x : y : 1); (x, y) must be a curve point (never the identity), a may be anything. */
void p384_point_add_affine(p384_point *r, const p384_point *a, const p384_fe x, const p384_fe y);
void p384_point_double(p384_point *r, const p384_point *a);
/* r = bit ? -r : r, bit in {0,1}. */
void p384_point_cneg(p384_point *r, uint64_t bit);
/* r = bit ? a : r, bit in {0,1}. */
void p384_point_cmov(p384_point *r, const p384_point *a, uint64_t bit);
/* 1 if a is the identity. */
uint64_t p384_point_is_identity(const p384_point *a);
/* Affine coordinates (x, y) = (X/Z, Y/Z), Montgomery form; returns 1 (and zeros) at the identity. */
uint64_t p384_point_to_affine(p384_fe x, p384_fe y, const p384_point *a);
/* Uncompressed SEC1 encoding 04 || X || Y (97 bytes); returns 1 (out zeroed) at the identity. */
uint64_t p384_point_to_bytes(uint8_t out[97], const p384_point *a);
/* Strict SEC1 decode of a compressed (49 bytes, 02/03) or uncompressed (97 bytes, 04) point:
 * coordinates < p, on the curve; the identity is refused. 0 on success, -1 if refused. */
CC_MUST_CHECK int p384_point_decode(p384_point *r, const uint8_t *in, size_t len);

/* ---- scalar multiplication (p384_mul.c); k is 48 big-endian bytes, any value < 2^384 ---- */
/* r = k * P, constant time in k and P. */
void p384_mul(p384_point *r, const p384_point *p, const uint8_t k[48]);
/* A fixed-base table for one point P: t[i][d-1] = d * 32^i * P (d = 1..16) in affine coordinates
 * (118 KB), for the signed 5-bit digits of k (-16..16). */
#define P384_COMB_WINDOWS 77
#define P384_COMB_ENTRIES 16
typedef struct {
    p384_fe x, y;
} p384_affine;
typedef struct {
    p384_affine t[P384_COMB_WINDOWS][P384_COMB_ENTRIES];
} p384_comb;
/* Build the table of p (not the identity; about 4 ms, no allocation). Meant for public points:
 * nothing branches on p, but the stack temporaries are not wiped. */
void p384_comb_init(p384_comb *c, const p384_point *p);
/* r = k * P over P's table, constant time in k (77 mixed additions). */
void p384_comb_mul(p384_point *r, const p384_comb *c, const uint8_t k[48]);
/* r = k * G over the fixed-base table (built on first use), constant time in k. */
void p384_mul_g(p384_point *r, const uint8_t k[48]);
/* Build the fixed-base table now (once per process, thread-safe; a few ms, 118 KB static). */
void p384_mul_g_prepare(void);

#endif

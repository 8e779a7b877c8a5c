/* tecdsa_scalar.h: constant-time arithmetic modulo the P-384 group order n on fixed 6x64-bit
 * limbs (Montgomery multiplication, Fermat inversion). Owns every operation on secret scalars of
 * the threshold ECDSA code; nothing here branches on or indexes memory by secret data. */
#ifndef CCTSA_THRESHOLD_TECDSA_SCALAR_H
#define CCTSA_THRESHOLD_TECDSA_SCALAR_H

#include <stddef.h>
#include <stdint.h>

#define TSC_BYTES 48

/* A scalar in canonical form: little-endian limbs, value always < n. */
typedef struct {
    uint64_t v[6];
} tsc;

void tsc_zero(tsc *r);
void tsc_set_u64(tsc *r, uint64_t x);
/* Big-endian 48 bytes; returns 0 if the value is < n, -1 otherwise (r then set to 0). The
 * accept/reject outcome is public (a malformed message); the value itself is handled in
 * constant time. */
int tsc_from_bytes(tsc *r, const uint8_t in[TSC_BYTES]);
void tsc_to_bytes(uint8_t out[TSC_BYTES], const tsc *a);
/* Reduce a big-endian string of up to 96 bytes modulo n (hash-to-scalar with 64 bytes gives a
 * bias below 2^-128). */
void tsc_from_wide(tsc *r, const uint8_t *in, size_t len);
/* Uniform non-zero scalar from the OS random source; returns 0, or -1 on RNG failure. */
int tsc_random(tsc *r);

void tsc_add(tsc *r, const tsc *a, const tsc *b);
void tsc_sub(tsc *r, const tsc *a, const tsc *b);
void tsc_neg(tsc *r, const tsc *a);
void tsc_mul(tsc *r, const tsc *a, const tsc *b);
/* For many products with the same factor a: tsc_to_mont gives am = a * 2^384 mod n, and then
 * tsc_mul_mont(r, am, b) = a * b mod n, the same value as tsc_mul(r, a, b) for half its cost (one
 * Montgomery multiplication instead of two). am is a scalar < n like any other. */
void tsc_to_mont(tsc *am, const tsc *a);
void tsc_mul_mont(tsc *r, const tsc *am, const tsc *b);
/* Sums of many products am_k * b_k (am_k from tsc_to_mont) with one reduction at the end: the
 * full products are added up exactly (at most 2^32 of them), and tsc_acc_out gives
 * sum a_k * b_k mod n, the same value as adding up tsc_mul_mont results. */
typedef struct {
    uint64_t t[13];
} tsc_acc;
void tsc_acc_zero(tsc_acc *acc);
void tsc_acc_mul_add(tsc_acc *acc, const tsc *am, const tsc *b);
void tsc_acc_out(tsc *r, const tsc_acc *acc);
/* r = a^-1 (a^(n-2)); the inverse of 0 is 0. */
void tsc_inv(tsc *r, const tsc *a);
/* r = bit ? a : r, bit in {0,1}, branch-free. */
void tsc_cmov(tsc *r, const tsc *a, uint64_t bit);
/* r += bit * a, branch-free. */
void tsc_add_masked(tsc *r, const tsc *a, uint64_t bit);

/* All-ones (as 1) when zero / equal, else 0; constant time. */
uint64_t tsc_is_zero(const tsc *a);
uint64_t tsc_eq(const tsc *a, const tsc *b);
/* 1 if a > (n-1)/2 (the "high-s" half), constant time. */
uint64_t tsc_is_high(const tsc *a);

void tsc_wipe(tsc *a);

#endif

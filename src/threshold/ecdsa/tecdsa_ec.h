/* tecdsa_ec.h: P-384 group operations for the threshold ECDSA code, on our own constant-time
 * P-384 arithmetic (crypto/p384_ec.h: complete formulas, fixed windows, fixed-base comb for G;
 * tecdsa_ec.c), and hashing to the curve (tecdsa_h2c.c). No OpenSSL.
 * Points travel as validated 49-byte SEC1 compressed encodings (the presign P3 message: 97-byte
 * uncompressed ones, checked on the curve; never the identity) and rest as
 * both that encoding (hashed, compared, sent) and the uncompressed one (decoded without a square
 * root by every operation).
 * Every operation runs the same instructions and memory accesses whatever the scalars and points
 * are; only the outcome "the result is the identity" (a failure) is public. The _pub functions take
 * public scalars but are constant time as well. */
#ifndef CCTSA_THRESHOLD_TECDSA_EC_H
#define CCTSA_THRESHOLD_TECDSA_EC_H

#include <stdint.h>

#include "crypto/p384_ec.h"
#include "threshold/ecdsa/tecdsa_scalar.h"

#define TPT_BYTES 49
#define TPT_UBYTES 97 /* uncompressed 04 || X || Y */

typedef struct {
    uint8_t b[TPT_BYTES];  /* canonical compressed encoding */
    uint8_t u[TPT_UBYTES]; /* the same point uncompressed */
} tpt;

/* All functions return 0 on success, -1 on failure: an invalid encoding or a result at infinity.
 * Inputs of type tpt must come from tec_decode or another tec_ function. */
/* Strict decode: prefix 02/03, x < p, on the curve, canonical; never the identity. */
int tec_decode(tpt *out, const uint8_t in[TPT_BYTES]);
/* Uncompressed 04||X||Y (97 bytes) strict decode / encode. */
int tec_decode_uncompressed(tpt *out, const uint8_t in[97]);
int tec_encode_uncompressed(uint8_t out[97], const tpt *p);

int tec_mul_g(tpt *out, const tsc *k);             /* k*G, k secret (fixed-base comb) */
int tec_mul(tpt *out, const tpt *p, const tsc *k); /* k*P, k secret (fixed windows) */
/* a + b, a - b: complete formulas, the same operations for every input (secret paths use them). */
int tec_add(tpt *out, const tpt *a, const tpt *b);
int tec_sub(tpt *out, const tpt *a, const tpt *b);
/* k*(a + b), k secret, without making a + b affine; fails if a + b is the identity. */
int tec_add_mul(tpt *out, const tpt *a, const tpt *b, const tsc *k);
/* 1 if k*P == d*G + Q and neither side is the identity, else 0; k and d secret, the outcome public.
 * Both sides stay projective and are compared as X1 Z2 = X2 Z1, Y1 Z2 = Y2 Z1 (no inversion). */
int tec_mul_eq_mul_g_add(const tpt *p, const tsc *k, const tsc *d, const tpt *q);
/* Batched form of tec_mul_eq_mul_g_add: 1 if sum_i k[i]*P[i] == d*G + sum_i e[i]*Q[i] and the
 * left side is not the identity, else 0, and -1 if out of memory or np, nq > TEC_MSM_MAX; k, d
 * and e secret, the outcome public. Only the low 128 bits of each e[i] are used (the callers'
 * random weights). One pass over 4-bit windows (every table lookup reads every entry) whose four
 * doublings per window are shared by all the terms, the Q terms entering in the last 32 windows
 * only; d*G on the fixed-base comb. */
#define TEC_MSM_MAX 4
int tec_msm_eq_mul_g(const tpt *P, const tsc *k, size_t np, const tpt *Q, const tsc *e, size_t nq, const tsc *d);
/* a*G + b*P with a, b public; a may be NULL (b*P). */
int tec_lincomb_pub(tpt *out, const tsc *a, const tpt *p, const tsc *b);
/* a*G + P with a public (the fixed-base comb and one mixed addition). Fails if the result is the
 * identity. */
int tec_mul_g_add_pub(tpt *out, const tsc *a, const tpt *p);
/* Build the fixed-base table of G multiples now (once per process, thread-safe; a few ms) so that
 * online signing does not pay for it. Returns 0. */
int tec_comb_prepare(void);
/* A fixed-base table for a public point p that many secret scalars multiply (about 2 ms to build,
 * then tec_comb_mul costs about a fifth of tec_mul); NULL if no memory (then use tec_mul). */
p384_comb *tec_comb_new(const tpt *p);
int tec_comb_mul(tpt *out, const p384_comb *c, const tsc *k); /* k*P, k secret */
void tec_comb_free(p384_comb *c);
/* Both encodings of p; fails (-1) at the identity, the one public outcome. */
int tec_from_point(tpt *out, const p384_point *p);
/* The projective point (x : y : 1) of a tpt, constant time. */
void tec_to_point(p384_point *r, const tpt *p);
/* x-coordinate reduced mod n. */
int tec_x_mod_n(tsc *out, const tpt *p);
/* ---- Hash to curve (tecdsa_h2c.c) ---- */
/* RFC 9380 P384_XMD:SHA-384_SSWU_RO_ hash to the curve with DST dst (1..255 bytes): the same
 * operations for every input (straight-line SSWU), so it may hash values whose identity or order
 * is secret (the base-OT receiver). Fails only with probability 2^-384. */
int tec_hash_to_curve_dst(tpt *out, const uint8_t *dst, size_t dst_len, const uint8_t *msg, size_t len);
/* The same with DST "cctsa/tecdsa/dkls23/p384/v1/" label "/P384_XMD:SHA-384_SSWU_RO_". */
int tec_hash_to_curve(tpt *out, const char *label, const uint8_t *in, size_t len);
/* ---- Batches: projective results made affine together (the base OTs) ---- */
#define TEC_BATCH 32
/* Both encodings of p[i] for i < n (1 <= n <= TEC_BATCH), with one field inversion for all;
 * fails (-1) if any p[i] is the identity (that outcome is public; the others are still encoded). */
int tec_from_points(tpt *out, const p384_point *p, size_t n);
/* The projective forms of tec_mul_g, tec_mul, tec_comb_mul and tec_add_mul (k secret; the last
 * fails if a + b is the identity), and r = a - b. */
void tec_mul_g_pt(p384_point *r, const tsc *k);
void tec_mul_pt(p384_point *r, const tpt *p, const tsc *k);
void tec_comb_mul_pt(p384_point *r, const p384_comb *c, const tsc *k);
int tec_add_mul_pt(p384_point *r, const tpt *a, const tpt *b, const tsc *k);
void tec_sub_pt(p384_point *r, const p384_point *a, const tpt *b);
/* tec_hash_to_curve of n messages of len bytes each, laid out one after another in in
 * (1 <= n <= TEC_BATCH): the same points, with one inversion for all the SSWU denominators and one
 * for the affine results. */
int tec_hash_to_curve_batch(tpt *out, const char *label, const uint8_t *in, size_t len, size_t n);
/* 1 if equal encodings (encodings are canonical). Public values only. */
int tec_eq(const tpt *a, const tpt *b);

#endif

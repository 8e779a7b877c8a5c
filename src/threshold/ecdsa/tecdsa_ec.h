/* tecdsa_ec.h: P-384 group operations for the threshold ECDSA code: over OpenSSL 3.0
 * (tecdsa_ec.c), except hashing to the curve, the constant-time subtraction and negation, which are
 * our own constant-time code (tecdsa_h2c.c).
 * Points travel as validated 49-byte SEC1 compressed encodings (never the identity) and rest as
 * both that encoding (hashed, compared, sent) and the uncompressed one (decoded without a square
 * root by every operation).
 * Secret scalars go only through the single-term EC_POINT_mul forms (Montgomery ladder), handed
 * over as 48 significant bytes (tec_secret_scalar_bytes);
 * the two-term (wNAF, variable-time) form is used only on public values (tec_lincomb_pub). */
#ifndef CCTSA_THRESHOLD_TECDSA_EC_H
#define CCTSA_THRESHOLD_TECDSA_EC_H

#include <openssl/ec.h>
#include <stdint.h>

#include "threshold/ecdsa/tecdsa_scalar.h"

#define TPT_BYTES 49

typedef struct {
    uint8_t b[TPT_BYTES]; /* canonical compressed encoding */
    uint8_t u[97];        /* the same point uncompressed */
} tpt;

/* The shared P-384 group (created once, thread-safe); NULL only if OpenSSL fails. */
const EC_GROUP *tec_group(void);

/* All functions return 0 on success, -1 on failure: invalid encoding, a result at infinity, or
 * an OpenSSL error. Inputs of type tpt must come from tec_decode or another tec_ function. */
/* Strict decode: prefix 02/03, x < p, on the curve, canonical; never the identity. */
int tec_decode(tpt *out, const uint8_t in[TPT_BYTES]);
/* Uncompressed 04||X||Y (97 bytes) strict decode / encode. */
int tec_decode_uncompressed(tpt *out, const uint8_t in[97]);
int tec_encode_uncompressed(uint8_t out[97], const tpt *p);

int tec_mul_g(tpt *out, const tsc *k);                 /* k*G, k secret (ladder) */
int tec_mul(tpt *out, const tpt *p, const tsc *k);     /* k*P, k secret (ladder) */
int tec_add(tpt *out, const tpt *a, const tpt *b);     /* a + b */
int tec_sub(tpt *out, const tpt *a, const tpt *b);     /* a - b */
/* a*G + b*P with a, b PUBLIC (variable time); a may be NULL (b*P). */
int tec_lincomb_pub(tpt *out, const tsc *a, const tpt *p, const tsc *b);
/* a*G + P with a PUBLIC: fixed-base windowed sum over a table of G multiples built once per process
 * (variable time, about 4x faster than tec_lincomb_pub; falls back to it if the table could not
 * be built). Fails if the result is the identity. */
int tec_mul_g_add_pub(tpt *out, const tsc *a, const tpt *p);
/* Build the table behind tec_mul_g_add_pub now (once per process, thread-safe; tens of ms) so
 * that online signing does not pay for it. 0 if the table is ready. */
int tec_comb_prepare(void);
/* x-coordinate reduced mod n. */
int tec_x_mod_n(tsc *out, const tpt *p);
/* ---- Constant time, no OpenSSL (tecdsa_h2c.c) ---- */
/* RFC 9380 P384_XMD:SHA-384_SSWU_RO_ hash to the curve with DST dst (1..255 bytes): the same
 * operations for every input (straight-line SSWU), so it may hash values whose identity or order
 * is secret (the base-OT receiver). Fails only with probability 2^-384. */
int tec_hash_to_curve_dst(tpt *out, const uint8_t *dst, size_t dst_len, const uint8_t *msg, size_t len);
/* The same with DST "cctsa/tecdsa/dkls23/p384/v1/" label "/P384_XMD:SHA-384_SSWU_RO_". */
int tec_hash_to_curve(tpt *out, const char *label, const uint8_t *in, size_t len);
/* a - b in constant time (affine, complete except a = b, which fails). */
int tec_sub_ct(tpt *out, const tpt *a, const tpt *b);
/* p = bit ? -p : p, constant time (bit in {0,1}). */
void tec_cneg_ct(tpt *p, uint64_t bit);
/* The bytes handed to OpenSSL's BN_bin2bn for a secret scalar k: k, or n - k when k < 2^376 (then
 * *negate = 1 and the product must be negated), so the first byte is never 0 and BN_bin2bn's
 * leading-zero skip and word count are the same for every k. Constant time. */
void tec_secret_scalar_bytes(uint8_t out[TSC_BYTES], uint64_t *negate, const tsc *k);
/* 1 if equal encodings (encodings are canonical). Public values only. */
int tec_eq(const tpt *a, const tpt *b);

#endif

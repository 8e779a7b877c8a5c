/* mldsa_blocks.h: the public ML-DSA-65 building blocks (FIPS 204 sections 7.1-7.6) shared by the
 * single-party scheme (mldsa.c) and the threshold scheme (src/threshold/). Owned here: parameters,
 * polynomial arithmetic mod q, NTT, the expansion/sampling functions, rounding, hints, packing.
 * Coefficients are int32_t; functions state the range they accept and produce. Everything here is
 * constant time in the coefficient values unless its comment says otherwise. */
#ifndef CCTSA_CRYPTO_MLDSA_BLOCKS_H
#define CCTSA_CRYPTO_MLDSA_BLOCKS_H

#include <stddef.h>
#include <stdint.h>

#define MLDSA_N 256
#define MLDSA_Q 8380417
#define MLDSA_D 13
#define MLDSA_K 6
#define MLDSA_L 5
#define MLDSA_ETA 4
#define MLDSA_TAU 49
#define MLDSA_BETA 196
#define MLDSA_GAMMA1 (1 << 19)
#define MLDSA_GAMMA2 ((MLDSA_Q - 1) / 32)
#define MLDSA_OMEGA 55
#define MLDSA_CTILDEBYTES 48
#define MLDSA_SEEDBYTES 32
#define MLDSA_CRHBYTES 64
#define MLDSA_TRBYTES 64

#define MLDSA_POLYT1_PACKEDBYTES 320  /* 10 bits per coefficient */
#define MLDSA_POLYT0_PACKEDBYTES 416  /* 13 bits */
#define MLDSA_POLYETA_PACKEDBYTES 128 /* 4 bits, eta = 4 */
#define MLDSA_POLYZ_PACKEDBYTES 640   /* 20 bits, gamma1 = 2^19 */
#define MLDSA_POLYW1_PACKEDBYTES 128  /* 4 bits, w1 in [0,15] */

typedef struct {
    int32_t c[MLDSA_N];
} mldsa_poly;
typedef struct {
    mldsa_poly v[MLDSA_L];
} mldsa_polyvecl;
typedef struct {
    mldsa_poly v[MLDSA_K];
} mldsa_polyveck;
typedef struct {
    mldsa_polyvecl row[MLDSA_K];
} mldsa_matrix; /* A-hat, NTT domain */

/* --- scalar reductions --- */
int32_t mldsa_montgomery_reduce(int64_t a); /* a*2^-32 mod q, |a| < 2^31 q -> (-q, q) */
int32_t mldsa_reduce32(int32_t a);          /* |a| <= 2^31 - 2^22 -> [-6283008, 6283008] */
int32_t mldsa_caddq(int32_t a);             /* (-q, q) -> [0, q) */
int32_t mldsa_freeze(int32_t a);            /* any int32 reducible by reduce32 -> [0, q) */

/* --- polynomials (coefficient-wise) --- */
void mldsa_poly_reduce(mldsa_poly *a);
void mldsa_poly_caddq(mldsa_poly *a);
void mldsa_poly_freeze(mldsa_poly *a);
void mldsa_poly_add(mldsa_poly *c, const mldsa_poly *a, const mldsa_poly *b);
void mldsa_poly_sub(mldsa_poly *c, const mldsa_poly *a, const mldsa_poly *b);
void mldsa_poly_shiftl(mldsa_poly *a);        /* a * 2^d */
void mldsa_poly_ntt(mldsa_poly *a);           /* input |coeff| < q, output bounded by 9q */
void mldsa_poly_invntt_tomont(mldsa_poly *a); /* output times Montgomery factor 2^32, |coeff| < q */
void mldsa_poly_pointwise_montgomery(mldsa_poly *c, const mldsa_poly *a, const mldsa_poly *b);
/* 1 if some |coeff| >= bound (coefficients must be reduced to (-q, q) by reduce32/caddq form);
 * constant time in the coefficients (the result itself is public). */
int mldsa_poly_chknorm(const mldsa_poly *a, int32_t bound);

/* --- vectors --- */
void mldsa_polyvecl_ntt(mldsa_polyvecl *v);
void mldsa_polyveck_ntt(mldsa_polyveck *v);
void mldsa_polyveck_invntt_tomont(mldsa_polyveck *v);
void mldsa_polyveck_reduce(mldsa_polyveck *v);
void mldsa_polyveck_caddq(mldsa_polyveck *v);
void mldsa_polyveck_add(mldsa_polyveck *w, const mldsa_polyveck *u, const mldsa_polyveck *v);
void mldsa_polyveck_sub(mldsa_polyveck *w, const mldsa_polyveck *u, const mldsa_polyveck *v);
void mldsa_polyvecl_add(mldsa_polyvecl *w, const mldsa_polyvecl *u, const mldsa_polyvecl *v);
/* w = A-hat * v (v in NTT domain, result in NTT domain, Montgomery-scaled as in the reference:
 * follow with invntt_tomont to get the plain product). */
void mldsa_matrix_mul(mldsa_polyveck *w, const mldsa_matrix *A, const mldsa_polyvecl *v);

/* --- expansion and sampling (FIPS 204 section 7.3) --- */
void mldsa_expand_a(mldsa_matrix *A, const uint8_t rho[MLDSA_SEEDBYTES]); /* RejNTTPoly */
void mldsa_expand_s(mldsa_polyvecl *s1, mldsa_polyveck *s2, const uint8_t rhoprime[MLDSA_CRHBYTES]);
void mldsa_expand_mask(mldsa_polyvecl *y, const uint8_t rhopp[MLDSA_CRHBYTES], uint16_t kappa);
void mldsa_sample_in_ball(mldsa_poly *c, const uint8_t ctilde[MLDSA_CTILDEBYTES]);

/* --- rounding (FIPS 204 section 7.4); inputs in [0, q) --- */
void mldsa_power2round(int32_t *a1, int32_t *a0, int32_t a);
void mldsa_decompose(int32_t *a1, int32_t *a0, int32_t a); /* a1 = HighBits in [0,15] */
void mldsa_polyveck_power2round(mldsa_polyveck *v1, mldsa_polyveck *v0, const mldsa_polyveck *v);
void mldsa_polyveck_decompose(mldsa_polyveck *v1, mldsa_polyveck *v0, const mldsa_polyveck *v);
/* hint bit per coefficient as in the reference (a0 low part, a1 high part); returns weight */
unsigned mldsa_polyveck_make_hint(mldsa_polyveck *h, const mldsa_polyveck *v0, const mldsa_polyveck *v1);
void mldsa_polyveck_use_hint(mldsa_polyveck *w, const mldsa_polyveck *u, const mldsa_polyveck *h);

/* --- packing (FIPS 204 section 7.1-7.2) --- */
void mldsa_polyw1_pack(uint8_t r[MLDSA_POLYW1_PACKEDBYTES], const mldsa_poly *a);
void mldsa_polyveck_pack_w1(uint8_t r[MLDSA_K * MLDSA_POLYW1_PACKEDBYTES], const mldsa_polyveck *w1);
void mldsa_polyz_pack(uint8_t r[MLDSA_POLYZ_PACKEDBYTES], const mldsa_poly *a);
void mldsa_polyz_unpack(mldsa_poly *r, const uint8_t a[MLDSA_POLYZ_PACKEDBYTES]);
void mldsa_pack_pk(uint8_t *pk, const uint8_t rho[MLDSA_SEEDBYTES], const mldsa_polyveck *t1);
void mldsa_unpack_pk(uint8_t rho[MLDSA_SEEDBYTES], mldsa_polyveck *t1, const uint8_t *pk);
/* Signature encoding from c-tilde, z (coefficients centred, |z| < gamma1) and hint h (0/1). */
void mldsa_pack_sig(uint8_t *sig, const uint8_t ctilde[MLDSA_CTILDEBYTES], const mldsa_polyvecl *z,
                    const mldsa_polyveck *h);
/* Returns 0, or -1 on a malformed hint encoding. */
int mldsa_unpack_sig(uint8_t ctilde[MLDSA_CTILDEBYTES], mldsa_polyvecl *z, mldsa_polyveck *h, const uint8_t *sig);

/* --- added beyond the original contract (all additive) --- */
void mldsa_polyvecl_invntt_tomont(mldsa_polyvecl *v);
void mldsa_polyvecl_reduce(mldsa_polyvecl *v);
void mldsa_polyveck_shiftl(mldsa_polyveck *v);
/* 1 if some coefficient of the vector has |coeff| >= bound (same contract as poly_chknorm). */
int mldsa_polyvecl_chknorm(const mldsa_polyvecl *v, int32_t bound);
int mldsa_polyveck_chknorm(const mldsa_polyveck *v, int32_t bound);
/* r[i] = a * v[i] pointwise in the NTT domain (Montgomery product). */
void mldsa_polyvecl_pointwise_poly(mldsa_polyvecl *r, const mldsa_poly *a, const mldsa_polyvecl *v);
void mldsa_polyveck_pointwise_poly(mldsa_polyveck *r, const mldsa_poly *a, const mldsa_polyveck *v);
void mldsa_polyt1_pack(uint8_t r[MLDSA_POLYT1_PACKEDBYTES], const mldsa_poly *a);
void mldsa_polyt1_unpack(mldsa_poly *r, const uint8_t a[MLDSA_POLYT1_PACKEDBYTES]);
void mldsa_polyt0_pack(uint8_t r[MLDSA_POLYT0_PACKEDBYTES], const mldsa_poly *a);
void mldsa_polyt0_unpack(mldsa_poly *r, const uint8_t a[MLDSA_POLYT0_PACKEDBYTES]);
void mldsa_polyeta_pack(uint8_t r[MLDSA_POLYETA_PACKEDBYTES], const mldsa_poly *a);
/* Returns 0, or -1 if some coefficient is outside [-eta, eta] (constant time; values still written). */
int mldsa_polyeta_unpack(mldsa_poly *r, const uint8_t a[MLDSA_POLYETA_PACKEDBYTES]);
/* skEncode / skDecode (rho, K, tr, s1, s2, t0); unpack returns -1 if s1 or s2 is out of range. */
void mldsa_pack_sk(uint8_t *sk, const uint8_t rho[MLDSA_SEEDBYTES], const uint8_t key[MLDSA_SEEDBYTES],
                   const uint8_t tr[MLDSA_TRBYTES], const mldsa_polyvecl *s1, const mldsa_polyveck *s2,
                   const mldsa_polyveck *t0);
int mldsa_unpack_sk(uint8_t rho[MLDSA_SEEDBYTES], uint8_t key[MLDSA_SEEDBYTES], uint8_t tr[MLDSA_TRBYTES],
                    mldsa_polyvecl *s1, mldsa_polyveck *s2, mldsa_polyveck *t0, const uint8_t *sk);

#endif

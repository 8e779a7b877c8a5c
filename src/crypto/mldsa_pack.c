/* mldsa_pack.c: the byte encodings of FIPS 204 sections 7.1-7.2 (SimpleBitPack/BitPack and their
 * inverses, pkEncode, skEncode, sigEncode, HintBitPack and the decoders). One little-endian bit
 * stream packer serves every coefficient width; it has no data-dependent branches. Decoders of
 * untrusted or secret input report malformed encodings instead of accepting them. */
#include <string.h>

#include "crypto/mldsa_blocks.h"

/* Each coefficient c is stored as base + sign * c in `bits` bits (sign is +1 or -1). */
typedef struct {
    unsigned bits;
    int32_t base;
    int32_t sign;
} coeff_format;

static const coeff_format FMT_T1 = {10, 0, 1};
static const coeff_format FMT_W1 = {4, 0, 1};
static const coeff_format FMT_ETA = {4, MLDSA_ETA, -1};
static const coeff_format FMT_T0 = {MLDSA_D, 1 << (MLDSA_D - 1), -1};
static const coeff_format FMT_Z = {20, MLDSA_GAMMA1, -1};

#if defined(__GNUC__)
#define PACK_INLINE __attribute__((always_inline))
#define PACK_UNROLL _Pragma("GCC unroll 8")
#else
#define PACK_INLINE
#define PACK_UNROLL
#endif

/* Eight coefficients take exactly f.bits bytes; coefficient j of a group starts at bit j * bits.
 * Inlined with a constant format, every offset below is a constant. */
static inline PACK_INLINE void bitpack(uint8_t *out, const mldsa_poly *a, coeff_format f)
{
    for (unsigned g = 0; g < MLDSA_N / 8; g++, out += f.bits) {
        memset(out, 0, f.bits);
        PACK_UNROLL
        for (unsigned j = 0; j < 8; j++) {
            uint32_t v = (uint32_t)(f.base + f.sign * a->c[8 * g + j]) & ((1u << f.bits) - 1);
            unsigned off = j * f.bits, nb = (off % 8 + f.bits + 7) / 8;
            v <<= off % 8; /* bits + 7 <= 27 bits */
            for (unsigned k = 0; k < nb; k++) out[off / 8 + k] |= (uint8_t)(v >> (8 * k));
        }
    }
}

/* Returns the largest stored value seen, so callers can range-check without branching. */
static inline PACK_INLINE uint32_t bitunpack(mldsa_poly *r, const uint8_t *in, coeff_format f)
{
    uint32_t mask = (1u << f.bits) - 1, maxval = 0;
    for (unsigned g = 0; g < MLDSA_N / 8; g++, in += f.bits) {
        PACK_UNROLL
        for (unsigned j = 0; j < 8; j++) {
            unsigned off = j * f.bits, nb = (off % 8 + f.bits + 7) / 8;
            uint32_t v = 0;
            for (unsigned k = 0; k < nb; k++) v |= (uint32_t)in[off / 8 + k] << (8 * k);
            v = (v >> (off % 8)) & mask;
            /* branch-free max */
            uint32_t greater = 0u - ((maxval - v) >> 31);
            maxval ^= (maxval ^ v) & greater;
            r->c[8 * g + j] = f.sign * ((int32_t)v - f.base);
        }
    }
    return maxval;
}

void mldsa_polyt1_pack(uint8_t r[MLDSA_POLYT1_PACKEDBYTES], const mldsa_poly *a) { bitpack(r, a, FMT_T1); }
void mldsa_polyt1_unpack(mldsa_poly *r, const uint8_t a[MLDSA_POLYT1_PACKEDBYTES]) { bitunpack(r, a, FMT_T1); }
void mldsa_polyt0_pack(uint8_t r[MLDSA_POLYT0_PACKEDBYTES], const mldsa_poly *a) { bitpack(r, a, FMT_T0); }
void mldsa_polyt0_unpack(mldsa_poly *r, const uint8_t a[MLDSA_POLYT0_PACKEDBYTES]) { bitunpack(r, a, FMT_T0); }
void mldsa_polyeta_pack(uint8_t r[MLDSA_POLYETA_PACKEDBYTES], const mldsa_poly *a) { bitpack(r, a, FMT_ETA); }
void mldsa_polyw1_pack(uint8_t r[MLDSA_POLYW1_PACKEDBYTES], const mldsa_poly *a) { bitpack(r, a, FMT_W1); }
void mldsa_polyz_pack(uint8_t r[MLDSA_POLYZ_PACKEDBYTES], const mldsa_poly *a) { bitpack(r, a, FMT_Z); }
void mldsa_polyz_unpack(mldsa_poly *r, const uint8_t a[MLDSA_POLYZ_PACKEDBYTES]) { bitunpack(r, a, FMT_Z); }

int mldsa_polyeta_unpack(mldsa_poly *r, const uint8_t a[MLDSA_POLYETA_PACKEDBYTES])
{
    uint32_t maxval = bitunpack(r, a, FMT_ETA);
    /* stored values above 2 eta encode coefficients below -eta: not a valid key */
    return -(int)((2 * MLDSA_ETA - maxval) >> 31);
}

void mldsa_polyveck_pack_w1(uint8_t r[MLDSA_K * MLDSA_POLYW1_PACKEDBYTES], const mldsa_polyveck *w1)
{
    for (unsigned i = 0; i < MLDSA_K; i++) mldsa_polyw1_pack(r + i * MLDSA_POLYW1_PACKEDBYTES, &w1->v[i]);
}

void mldsa_pack_pk(uint8_t *pk, const uint8_t rho[MLDSA_SEEDBYTES], const mldsa_polyveck *t1)
{
    memcpy(pk, rho, MLDSA_SEEDBYTES);
    for (unsigned i = 0; i < MLDSA_K; i++)
        mldsa_polyt1_pack(pk + MLDSA_SEEDBYTES + i * MLDSA_POLYT1_PACKEDBYTES, &t1->v[i]);
}

void mldsa_unpack_pk(uint8_t rho[MLDSA_SEEDBYTES], mldsa_polyveck *t1, const uint8_t *pk)
{
    memcpy(rho, pk, MLDSA_SEEDBYTES);
    for (unsigned i = 0; i < MLDSA_K; i++)
        mldsa_polyt1_unpack(&t1->v[i], pk + MLDSA_SEEDBYTES + i * MLDSA_POLYT1_PACKEDBYTES);
}

#define SK_S1_OFFSET (2 * MLDSA_SEEDBYTES + MLDSA_TRBYTES)
#define SK_S2_OFFSET (SK_S1_OFFSET + MLDSA_L * MLDSA_POLYETA_PACKEDBYTES)
#define SK_T0_OFFSET (SK_S2_OFFSET + MLDSA_K * MLDSA_POLYETA_PACKEDBYTES)

void mldsa_pack_sk(uint8_t *sk, const uint8_t rho[MLDSA_SEEDBYTES], const uint8_t key[MLDSA_SEEDBYTES],
                   const uint8_t tr[MLDSA_TRBYTES], const mldsa_polyvecl *s1, const mldsa_polyveck *s2,
                   const mldsa_polyveck *t0)
{
    memcpy(sk, rho, MLDSA_SEEDBYTES);
    memcpy(sk + MLDSA_SEEDBYTES, key, MLDSA_SEEDBYTES);
    memcpy(sk + 2 * MLDSA_SEEDBYTES, tr, MLDSA_TRBYTES);
    for (unsigned i = 0; i < MLDSA_L; i++)
        mldsa_polyeta_pack(sk + SK_S1_OFFSET + i * MLDSA_POLYETA_PACKEDBYTES, &s1->v[i]);
    for (unsigned i = 0; i < MLDSA_K; i++) {
        mldsa_polyeta_pack(sk + SK_S2_OFFSET + i * MLDSA_POLYETA_PACKEDBYTES, &s2->v[i]);
        mldsa_polyt0_pack(sk + SK_T0_OFFSET + i * MLDSA_POLYT0_PACKEDBYTES, &t0->v[i]);
    }
}

int mldsa_unpack_sk(uint8_t rho[MLDSA_SEEDBYTES], uint8_t key[MLDSA_SEEDBYTES], uint8_t tr[MLDSA_TRBYTES],
                    mldsa_polyvecl *s1, mldsa_polyveck *s2, mldsa_polyveck *t0, const uint8_t *sk)
{
    int bad = 0;
    memcpy(rho, sk, MLDSA_SEEDBYTES);
    memcpy(key, sk + MLDSA_SEEDBYTES, MLDSA_SEEDBYTES);
    memcpy(tr, sk + 2 * MLDSA_SEEDBYTES, MLDSA_TRBYTES);
    for (unsigned i = 0; i < MLDSA_L; i++)
        bad |= mldsa_polyeta_unpack(&s1->v[i], sk + SK_S1_OFFSET + i * MLDSA_POLYETA_PACKEDBYTES);
    for (unsigned i = 0; i < MLDSA_K; i++) {
        bad |= mldsa_polyeta_unpack(&s2->v[i], sk + SK_S2_OFFSET + i * MLDSA_POLYETA_PACKEDBYTES);
        mldsa_polyt0_unpack(&t0->v[i], sk + SK_T0_OFFSET + i * MLDSA_POLYT0_PACKEDBYTES);
    }
    return bad; /* 0 or -1 already: no branch on the secret, even unoptimized */
}

#define SIG_Z_OFFSET MLDSA_CTILDEBYTES
#define SIG_H_OFFSET (SIG_Z_OFFSET + MLDSA_L * MLDSA_POLYZ_PACKEDBYTES)

void mldsa_pack_sig(uint8_t *sig, const uint8_t ctilde[MLDSA_CTILDEBYTES], const mldsa_polyvecl *z,
                    const mldsa_polyveck *h)
{
    memcpy(sig, ctilde, MLDSA_CTILDEBYTES);
    for (unsigned i = 0; i < MLDSA_L; i++) mldsa_polyz_pack(sig + SIG_Z_OFFSET + i * MLDSA_POLYZ_PACKEDBYTES, &z->v[i]);
    /* HintBitPack: positions of the set bits, then the running count after each polynomial. The
     * hint is public (it is part of the signature), so branching on it is fine. */
    uint8_t *y = sig + SIG_H_OFFSET;
    unsigned idx = 0;
    memset(y, 0, MLDSA_OMEGA + MLDSA_K);
    for (unsigned i = 0; i < MLDSA_K; i++) {
        for (unsigned j = 0; j < MLDSA_N; j++)
            if (h->v[i].c[j] && idx < MLDSA_OMEGA) y[idx++] = (uint8_t)j;
        y[MLDSA_OMEGA + i] = (uint8_t)idx;
    }
}

int mldsa_unpack_sig(uint8_t ctilde[MLDSA_CTILDEBYTES], mldsa_polyvecl *z, mldsa_polyveck *h, const uint8_t *sig)
{
    memcpy(ctilde, sig, MLDSA_CTILDEBYTES);
    for (unsigned i = 0; i < MLDSA_L; i++)
        mldsa_polyz_unpack(&z->v[i], sig + SIG_Z_OFFSET + i * MLDSA_POLYZ_PACKEDBYTES);
    /* HintBitUnpack with every FIPS 204 malformation check: counts non-decreasing and <= omega,
     * indices strictly increasing within a polynomial, unused slots zero. */
    const uint8_t *y = sig + SIG_H_OFFSET;
    unsigned idx = 0;
    memset(h, 0, sizeof *h);
    for (unsigned i = 0; i < MLDSA_K; i++) {
        unsigned end = y[MLDSA_OMEGA + i];
        if (end < idx || end > MLDSA_OMEGA) return -1;
        for (unsigned first = idx; idx < end; idx++) {
            if (idx > first && y[idx - 1] >= y[idx]) return -1;
            h->v[i].c[y[idx]] = 1;
        }
    }
    for (; idx < MLDSA_OMEGA; idx++)
        if (y[idx] != 0) return -1;
    return 0;
}

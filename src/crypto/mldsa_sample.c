/* mldsa_sample.c: the XOF-driven expansion functions of FIPS 204 section 7.3: ExpandA (RejNTTPoly
 * over SHAKE128), ExpandS (RejBoundedPoly over SHAKE256, eta = 4), ExpandMask and SampleInBall.
 * ExpandA and SampleInBall work on public data; ExpandS rejects nibbles >= 9 (the rejection is the
 * only data-dependent branch and reveals nothing about accepted values); ExpandMask has none. */
#include <string.h>

#include "crypto/ct.h"
#include "crypto/ct_check.h"
#include "crypto/fips202.h"
#include "crypto/mldsa_blocks.h"

/* RejNTTPoly: 3-byte little-endian candidates with the top bit cleared, kept when < q. */
static void rej_ntt_poly(mldsa_poly *a, const uint8_t seed[MLDSA_SEEDBYTES + 2])
{
    cc_keccak_ctx xof;
    uint8_t buf[CC_SHAKE128_RATE];
    unsigned n = 0;
    cc_shake128_init(&xof);
    cc_keccak_absorb(&xof, seed, MLDSA_SEEDBYTES + 2);
    cc_keccak_finalize(&xof);
    while (n < MLDSA_N) {
        cc_keccak_squeezeblocks(&xof, buf, 1);
        for (unsigned pos = 0; pos + 3 <= CC_SHAKE128_RATE && n < MLDSA_N; pos += 3) {
            uint32_t v = (uint32_t)buf[pos] | (uint32_t)buf[pos + 1] << 8 | (uint32_t)(buf[pos + 2] & 0x7F) << 16;
            if (v < MLDSA_Q) a->c[n++] = (int32_t)v;
        }
    }
}

void mldsa_expand_a(mldsa_matrix *A, const uint8_t rho[MLDSA_SEEDBYTES])
{
    uint8_t seed[MLDSA_SEEDBYTES + 2];
    memcpy(seed, rho, MLDSA_SEEDBYTES);
    for (unsigned r = 0; r < MLDSA_K; r++) {
        for (unsigned s = 0; s < MLDSA_L; s++) {
            seed[MLDSA_SEEDBYTES] = (uint8_t)s;     /* column index first, then row (FIPS 204 Alg. 32) */
            seed[MLDSA_SEEDBYTES + 1] = (uint8_t)r;
            rej_ntt_poly(&A->row[r].v[s], seed);
        }
    }
}

/* RejBoundedPoly for eta = 4: each nibble z < 9 gives the coefficient 4 - z. */
static void rej_bounded_poly(mldsa_poly *a, const uint8_t rhoprime[MLDSA_CRHBYTES], uint16_t index)
{
    cc_keccak_ctx xof;
    uint8_t buf[CC_SHAKE256_RATE];
    uint8_t idx[2] = {(uint8_t)index, (uint8_t)(index >> 8)};
    unsigned n = 0;
    cc_shake256_init(&xof);
    cc_keccak_absorb(&xof, rhoprime, MLDSA_CRHBYTES);
    cc_keccak_absorb(&xof, idx, 2);
    cc_keccak_finalize(&xof);
    while (n < MLDSA_N) {
        cc_keccak_squeezeblocks(&xof, buf, 1);
        for (unsigned pos = 0; pos < CC_SHAKE256_RATE && n < MLDSA_N; pos++) {
            uint32_t lo = buf[pos] & 15, hi = buf[pos] >> 4;
            int take_lo = lo < 9, take_hi = hi < 9;
            CT_PUBLIC(&take_lo, sizeof take_lo); /* which nibbles are rejected is public */
            CT_PUBLIC(&take_hi, sizeof take_hi);
            if (take_lo) a->c[n++] = MLDSA_ETA - (int32_t)lo;
            if (take_hi && n < MLDSA_N) a->c[n++] = MLDSA_ETA - (int32_t)hi;
        }
    }
    cc_memzero(buf, sizeof buf);
    cc_keccak_wipe(&xof);
}

void mldsa_expand_s(mldsa_polyvecl *s1, mldsa_polyveck *s2, const uint8_t rhoprime[MLDSA_CRHBYTES])
{
    for (unsigned r = 0; r < MLDSA_L; r++) rej_bounded_poly(&s1->v[r], rhoprime, (uint16_t)r);
    for (unsigned r = 0; r < MLDSA_K; r++) rej_bounded_poly(&s2->v[r], rhoprime, (uint16_t)(MLDSA_L + r));
}

void mldsa_expand_mask(mldsa_polyvecl *y, const uint8_t rhopp[MLDSA_CRHBYTES], uint16_t kappa)
{
    /* 640 bytes per polynomial: five SHAKE256 blocks (680 bytes), of which 640 are used. */
    uint8_t buf[5 * CC_SHAKE256_RATE];
    cc_keccak_ctx xof;
    for (unsigned r = 0; r < MLDSA_L; r++) {
        uint16_t nonce = (uint16_t)(kappa + r);
        uint8_t idx[2] = {(uint8_t)nonce, (uint8_t)(nonce >> 8)};
        cc_shake256_init(&xof);
        cc_keccak_absorb(&xof, rhopp, MLDSA_CRHBYTES);
        cc_keccak_absorb(&xof, idx, 2);
        cc_keccak_finalize(&xof);
        cc_keccak_squeezeblocks(&xof, buf, 5);
        mldsa_polyz_unpack(&y->v[r], buf);
    }
    cc_memzero(buf, sizeof buf);
    cc_keccak_wipe(&xof);
}

void mldsa_sample_in_ball(mldsa_poly *c, const uint8_t ctilde[MLDSA_CTILDEBYTES])
{
    cc_keccak_ctx xof;
    uint8_t buf[CC_SHAKE256_RATE];
    unsigned pos;
    uint64_t signs = 0;
    cc_shake256_init(&xof);
    cc_keccak_absorb(&xof, ctilde, MLDSA_CTILDEBYTES);
    cc_keccak_finalize(&xof);
    cc_keccak_squeezeblocks(&xof, buf, 1);
    for (pos = 0; pos < 8; pos++) signs |= (uint64_t)buf[pos] << (8 * pos);
    memset(c->c, 0, sizeof c->c);
    for (unsigned i = MLDSA_N - MLDSA_TAU; i < MLDSA_N; i++) {
        unsigned j;
        do {
            if (pos >= CC_SHAKE256_RATE) {
                cc_keccak_squeezeblocks(&xof, buf, 1);
                pos = 0;
            }
            j = buf[pos++];
        } while (j > i);
        c->c[i] = c->c[j];
        c->c[j] = 1 - 2 * (int32_t)(signs & 1);
        signs >>= 1;
    }
}

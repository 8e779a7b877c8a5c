/* mldsa_sample.c: the XOF-driven expansion functions of FIPS 204 section 7.3: ExpandA (RejNTTPoly
 * over SHAKE128), ExpandS (RejBoundedPoly over SHAKE256, eta = 4), ExpandMask and SampleInBall.
 * ExpandA and SampleInBall work on public data; ExpandS rejects nibbles >= 9 (the rejection is the
 * only data-dependent branch and reveals nothing about accepted values); ExpandMask has none.
 * The XOF streams run four at a time (cc_keccakx4); the outputs are those of one stream at a time. */
#include <string.h>

#include "crypto/ct.h"
#include "crypto/ct_check.h"
#include "crypto/fips202.h"
#include "crypto/fips202x4.h"
#include "crypto/mldsa_blocks.h"
#include "crypto/mldsa_dispatch.h"

/* RejNTTPoly: 3-byte little-endian candidates with the top bit cleared, kept when < q. Appends to
 * a from index n; returns the new count. */
unsigned mldsa_rej_uniform_c(int32_t *a, unsigned n, const uint8_t *buf, size_t len)
{
    /* branch-free: every candidate is written at a[n], and n advances only if it is kept */
    for (size_t pos = 0; pos + 3 <= len && n < MLDSA_N; pos += 3) {
        uint32_t v = (uint32_t)buf[pos] | (uint32_t)buf[pos + 1] << 8 | (uint32_t)(buf[pos + 2] & 0x7F) << 16;
        a[n] = (int32_t)v;
        n += v < MLDSA_Q;
    }
    return n;
}

#ifdef MLDSA_AVX2
MLDSA_DISPATCH(unsigned, mldsa_rej_uniform, (int32_t * a, unsigned n, const uint8_t *buf, size_t len));
#else
unsigned mldsa_rej_uniform(int32_t *a, unsigned n, const uint8_t *buf, size_t len)
{
    return mldsa_rej_uniform_c(a, n, buf, len);
}
#endif

/* RejBoundedPoly for eta = 4: each nibble z < 9 gives the coefficient 4 - z. */
static unsigned rej_eta(int32_t *a, unsigned n, const uint8_t *buf, size_t len)
{
    /* branch-free in the nibbles (a mispredicted branch per nibble was most of keygen): each
     * candidate is written at a[n], and n advances only if it is kept */
    for (size_t pos = 0; pos < len && n < MLDSA_N; pos++) {
        uint32_t lo = buf[pos] & 15, hi = buf[pos] >> 4;
        unsigned take_lo = lo < 9, take_hi = hi < 9;
        CT_PUBLIC(&take_lo, sizeof take_lo); /* which nibbles are rejected is public */
        CT_PUBLIC(&take_hi, sizeof take_hi);
        a[n] = MLDSA_ETA - (int32_t)lo;
        n += take_lo;
        if (n == MLDSA_N) break;
        a[n] = MLDSA_ETA - (int32_t)hi;
        n += take_hi;
    }
    return n;
}

/* Up to four polynomials from four XOF streams in lockstep (cc_keccakx4): stream j is
 * SHAKE(seed || nonce[j]) for j < count (unused lanes repeat lane 0 and are discarded). first
 * blocks are squeezed at once (enough for all coefficients almost always), then one block at a
 * time while some polynomial is short. Which candidates are rejected is public. */
typedef unsigned (*rej_fn)(int32_t *a, unsigned n, const uint8_t *buf, size_t len);
#define SAMPLE_MAXBLOCKS 5
#define SAMPLE_SEEDMAX (MLDSA_CRHBYTES + 2)

typedef struct {
    int shake128;   /* else SHAKE256 */
    size_t seedlen; /* bytes before the two nonce bytes */
    unsigned first; /* blocks squeezed at once (<= SAMPLE_MAXBLOCKS) */
    rej_fn rej;
} sampler;

static void sample_x4(const sampler *sp, mldsa_poly *const *polys, const uint16_t *nonce, unsigned count,
                      const uint8_t *seed)
{
    uint8_t in[4][SAMPLE_SEEDMAX];
    uint8_t buf[4][SAMPLE_MAXBLOCKS * CC_SHAKE128_RATE];
    cc_keccakx4_ctx xof;
    const uint8_t *inp[4];
    uint8_t *outp[4];
    unsigned n[4] = {0, 0, 0, 0};
    for (unsigned j = 0; j < 4; j++) {
        uint16_t v = nonce[j < count ? j : 0];
        memcpy(in[j], seed, sp->seedlen);
        in[j][sp->seedlen] = (uint8_t)v;
        in[j][sp->seedlen + 1] = (uint8_t)(v >> 8);
        inp[j] = in[j];
        outp[j] = buf[j];
    }
    if (sp->shake128)
        cc_shake128x4_absorb_once(&xof, inp, sp->seedlen + 2);
    else
        cc_shake256x4_absorb_once(&xof, inp, sp->seedlen + 2);
    cc_keccakx4_squeezeblocks(&xof, outp, sp->first);
    size_t len = sp->first * xof.rate;
    unsigned done;
    for (;;) {
        done = 1;
        for (unsigned j = 0; j < count; j++) {
            n[j] = sp->rej(polys[j]->c, n[j], buf[j], len);
            done &= n[j] == MLDSA_N;
        }
        if (done) break;
        cc_keccakx4_squeezeblocks(&xof, outp, 1);
        len = xof.rate;
    }
    cc_memzero(in, sizeof in);
    cc_memzero(buf, sizeof buf);
    cc_keccakx4_wipe(&xof);
}

/* polys[i] from nonce[i], four at a time */
static void sample_all(const sampler *sp, mldsa_poly *const *polys, const uint16_t *nonce, unsigned total,
                       const uint8_t *seed)
{
    for (unsigned i = 0; i < total; i += 4) sample_x4(sp, polys + i, nonce + i, total - i < 4 ? total - i : 4, seed);
}

void mldsa_expand_a(mldsa_matrix *A, const uint8_t rho[MLDSA_SEEDBYTES])
{
    /* 5 blocks of 168 bytes give 280 candidates; a sixth is needed with probability about 2^-90 */
    static const sampler sp = {1, MLDSA_SEEDBYTES, 5, mldsa_rej_uniform};
    mldsa_poly *polys[MLDSA_K * MLDSA_L];
    uint16_t nonce[MLDSA_K * MLDSA_L];
    for (unsigned r = 0; r < MLDSA_K; r++) {
        for (unsigned s = 0; s < MLDSA_L; s++) {
            polys[r * MLDSA_L + s] = &A->row[r].v[s];
            nonce[r * MLDSA_L + s] = (uint16_t)(r << 8 | s); /* column byte first, then row (FIPS 204 Alg. 32) */
        }
    }
    sample_all(&sp, polys, nonce, MLDSA_K * MLDSA_L, rho);
}

void mldsa_expand_s(mldsa_polyvecl *s1, mldsa_polyveck *s2, const uint8_t rhoprime[MLDSA_CRHBYTES])
{
    /* 2 blocks give 544 nibbles for 256 coefficients at acceptance 9/16 (about 306 expected) */
    static const sampler sp = {0, MLDSA_CRHBYTES, 2, rej_eta};
    mldsa_poly *polys[MLDSA_L + MLDSA_K];
    uint16_t nonce[MLDSA_L + MLDSA_K];
    for (unsigned r = 0; r < MLDSA_L; r++) polys[r] = &s1->v[r], nonce[r] = (uint16_t)r;
    for (unsigned r = 0; r < MLDSA_K; r++) polys[MLDSA_L + r] = &s2->v[r], nonce[MLDSA_L + r] = (uint16_t)(MLDSA_L + r);
    sample_all(&sp, polys, nonce, MLDSA_L + MLDSA_K, rhoprime);
}

_Static_assert(MLDSA_L == 5, "ExpandMask below is written for l = 5");

void mldsa_expand_mask(mldsa_polyvecl *y, const uint8_t rhopp[MLDSA_CRHBYTES], uint16_t kappa)
{
    /* 640 bytes per polynomial: five SHAKE256 blocks (680 bytes), of which 640 are used; four
     * streams in lockstep, the fifth alone. */
    uint8_t buf[4][5 * CC_SHAKE256_RATE];
    uint8_t in[4][MLDSA_CRHBYTES + 2];
    const uint8_t *inp[4];
    uint8_t *outp[4];
    cc_keccakx4_ctx xof4;
    for (unsigned j = 0; j < 4; j++) {
        uint16_t nonce = (uint16_t)(kappa + j);
        memcpy(in[j], rhopp, MLDSA_CRHBYTES);
        in[j][MLDSA_CRHBYTES] = (uint8_t)nonce;
        in[j][MLDSA_CRHBYTES + 1] = (uint8_t)(nonce >> 8);
        inp[j] = in[j];
        outp[j] = buf[j];
    }
    cc_shake256x4_absorb_once(&xof4, inp, sizeof in[0]);
    cc_keccakx4_squeezeblocks(&xof4, outp, 5);
    for (unsigned j = 0; j < 4; j++) mldsa_polyz_unpack(&y->v[j], buf[j]);
    cc_keccakx4_wipe(&xof4);

    cc_keccak_ctx xof;
    uint16_t nonce = (uint16_t)(kappa + 4);
    in[0][MLDSA_CRHBYTES] = (uint8_t)nonce;
    in[0][MLDSA_CRHBYTES + 1] = (uint8_t)(nonce >> 8);
    cc_shake256_init(&xof);
    cc_keccak_absorb(&xof, in[0], sizeof in[0]);
    cc_keccak_finalize(&xof);
    cc_keccak_squeezeblocks(&xof, buf[0], 5);
    mldsa_polyz_unpack(&y->v[4], buf[0]);
    cc_keccak_wipe(&xof);
    cc_memzero(buf, sizeof buf);
    cc_memzero(in, sizeof in);
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

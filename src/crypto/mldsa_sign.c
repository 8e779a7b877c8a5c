/* mldsa_sign.c: ML-DSA-65 signing: Sign_internal (FIPS 204 Alg. 7, deterministic when rnd is NULL,
 * hedged otherwise) and the pure, HashML-DSA, raw-M' and external-mu interfaces, one-shot or
 * through a reusable cc_mldsa65_signer. Constant time in K, s1, s2, t0 and rnd except for the
 * rejection decisions themselves; the CT_PUBLIC points mark what becomes public (checked by
 * test_mldsa_ct under valgrind). Every secret intermediate is wiped before return. */
#include <stdlib.h>
#include <string.h>

#include "crypto/ct.h"
#include "crypto/ct_check.h"
#include "crypto/fips202.h"
#include "crypto/mldsa.h"
#include "crypto/mldsa_blocks.h"
#include "crypto/mldsa_message.h"

/* 1000 rejection rounds: the expected count is about 5, so running out means a broken key. */
#define MAX_SIGN_ATTEMPTS 1000

/* The decoded signing key: s1, s2, t0 in the NTT domain and A expanded. */
struct cc_mldsa65_signer {
    uint8_t rho[MLDSA_SEEDBYTES], key[MLDSA_SEEDBYTES], tr[MLDSA_TRBYTES];
    mldsa_polyvecl s1hat;
    mldsa_polyveck s2hat, t0hat;
    mldsa_matrix A;
};

static int signer_load(cc_mldsa65_signer *k, const uint8_t sk[CC_MLDSA65_SKBYTES])
{
    int bad = mldsa_unpack_sk(k->rho, k->key, k->tr, &k->s1hat, &k->s2hat, &k->t0hat, sk);
    CT_PUBLIC(&bad, sizeof bad); /* a malformed key is reported, not hidden */
    if (bad) return CC_MLDSA_EKEY;
    mldsa_polyvecl_ntt(&k->s1hat);
    mldsa_polyveck_ntt(&k->s2hat);
    mldsa_polyveck_ntt(&k->t0hat);
    mldsa_expand_a(&k->A, k->rho);
    return CC_MLDSA_OK;
}

/* Per-attempt working state, wiped once at the end. w holds w, then w0 = LowBits(w), then
 * w0 - cs2 + ct0; cs holds c s2, then c t0. */
typedef struct {
    mldsa_polyvecl y, z;
    mldsa_polyveck w, w1, cs, h;
    mldsa_poly c;
    uint8_t w1packed[MLDSA_K * MLDSA_POLYW1_PACKEDBYTES];
    uint8_t ctilde[MLDSA_CTILDEBYTES];
} sign_attempt;

/* A rejection test: only the decision is revealed (public in FIPS 204's analysis), never which
 * coefficient failed. */
static int rejected(int reject)
{
    CT_PUBLIC(&reject, sizeof reject);
    return reject;
}

/* One iteration of the FIPS 204 Alg. 7 loop; returns 1 if (c-tilde, z, h) is a valid signature.
 * The r0 test runs first because it rejects most often (about 68% of attempts for ML-DSA-65,
 * against about 38% for z), so fewer attempts pay for c s1. */
static int sign_attempt_once(sign_attempt *s, const cc_mldsa65_signer *k, const uint8_t mu[CC_MLDSA65_MUBYTES],
                             const uint8_t rhopp[MLDSA_CRHBYTES], uint16_t kappa)
{
    cc_keccak_ctx h;
    mldsa_expand_mask(&s->y, rhopp, kappa);

    /* w = A y; (w1, w0) = Decompose(w) */
    s->z = s->y;
    mldsa_polyvecl_ntt(&s->z);
    mldsa_matrix_mul(&s->w, &k->A, &s->z);
    mldsa_polyveck_invntt_tomont(&s->w);
    mldsa_polyveck_caddq(&s->w);
    mldsa_polyveck_decompose(&s->w1, &s->w, &s->w);
    mldsa_polyveck_pack_w1(s->w1packed, &s->w1);

    /* c-tilde = H(mu || w1Encode(w1), 48): public once released, and SampleInBall branches on it */
    cc_shake256_init(&h);
    cc_keccak_absorb(&h, mu, CC_MLDSA65_MUBYTES);
    cc_keccak_absorb(&h, s->w1packed, sizeof s->w1packed);
    cc_keccak_squeeze(&h, s->ctilde, MLDSA_CTILDEBYTES);
    cc_keccak_wipe(&h);
    CT_PUBLIC(s->ctilde, sizeof s->ctilde);
    mldsa_sample_in_ball(&s->c, s->ctilde);
    mldsa_poly_ntt(&s->c);

    /* r0 = LowBits(w - c s2) = w0 - c s2 */
    mldsa_polyveck_pointwise_poly(&s->cs, &s->c, &k->s2hat);
    mldsa_polyveck_invntt_tomont(&s->cs);
    mldsa_polyveck_reduce(&s->cs);
    mldsa_polyveck_sub(&s->w, &s->w, &s->cs);
    mldsa_polyveck_reduce(&s->w);
    if (rejected(mldsa_polyveck_chknorm(&s->w, MLDSA_GAMMA2 - MLDSA_BETA))) return 0;

    /* z = y + c s1 */
    mldsa_polyvecl_pointwise_poly(&s->z, &s->c, &k->s1hat);
    mldsa_polyvecl_invntt_tomont(&s->z);
    mldsa_polyvecl_add(&s->z, &s->z, &s->y);
    mldsa_polyvecl_reduce(&s->z);
    if (rejected(mldsa_polyvecl_chknorm(&s->z, MLDSA_GAMMA1 - MLDSA_BETA))) return 0;

    /* c t0 and the hint h = MakeHint(-c t0, w - c s2 + c t0) */
    mldsa_polyveck_pointwise_poly(&s->cs, &s->c, &k->t0hat);
    mldsa_polyveck_invntt_tomont(&s->cs);
    mldsa_polyveck_reduce(&s->cs);
    /* kept as FIPS 204 states it, though for ML-DSA-65 |c t0| <= tau 2^12 < gamma2 always holds */
    if (rejected(mldsa_polyveck_chknorm(&s->cs, MLDSA_GAMMA2))) return 0;
    mldsa_polyveck_add(&s->w, &s->w, &s->cs);
    if (rejected(mldsa_polyveck_make_hint(&s->h, &s->w, &s->w1) > MLDSA_OMEGA)) return 0;

    /* accepted: z and h become the public signature */
    CT_PUBLIC(&s->z, sizeof s->z);
    CT_PUBLIC(&s->h, sizeof s->h);
    return 1;
}

static int sign_from_mu(const cc_mldsa65_signer *k, uint8_t sig[CC_MLDSA65_SIGBYTES],
                        const uint8_t mu[CC_MLDSA65_MUBYTES], const uint8_t *rnd)
{
    static const uint8_t zero_rnd[CC_MLDSA65_RNDBYTES];
    uint8_t rhopp[MLDSA_CRHBYTES];
    cc_keccak_ctx h;
    sign_attempt s;
    int rc = CC_MLDSA_EKEY;

    /* rho'' = H(K || rnd || mu, 64) */
    cc_shake256_init(&h);
    cc_keccak_absorb(&h, k->key, MLDSA_SEEDBYTES);
    cc_keccak_absorb(&h, rnd ? rnd : zero_rnd, CC_MLDSA65_RNDBYTES);
    cc_keccak_absorb(&h, mu, CC_MLDSA65_MUBYTES);
    cc_keccak_squeeze(&h, rhopp, sizeof rhopp);
    cc_keccak_wipe(&h);

    for (unsigned attempt = 0; attempt < MAX_SIGN_ATTEMPTS; attempt++) {
        if (sign_attempt_once(&s, k, mu, rhopp, (uint16_t)(attempt * MLDSA_L))) {
            mldsa_pack_sig(sig, s.ctilde, &s.z, &s.h);
            rc = CC_MLDSA_OK;
            break;
        }
    }
    if (rc != CC_MLDSA_OK) memset(sig, 0, CC_MLDSA65_SIGBYTES);
    cc_memzero(rhopp, sizeof rhopp);
    cc_memzero(&s, sizeof s);
    return rc;
}

/* mu from M' (or given), then sign. */
static int sign_with(const cc_mldsa65_signer *k, uint8_t *sig, const mldsa_mprime *m, const uint8_t *ext_mu,
                     const uint8_t *rnd)
{
    uint8_t mu[CC_MLDSA65_MUBYTES];
    if (ext_mu)
        memcpy(mu, ext_mu, sizeof mu);
    else
        mldsa_compute_mu(mu, k->tr, m);
    int rc = sign_from_mu(k, sig, mu, rnd);
    cc_memzero(mu, sizeof mu);
    return rc;
}

/* One-shot: decode the key on the stack, sign, wipe. */
static int sign_oneshot(uint8_t *sig, const uint8_t *sk, const mldsa_mprime *m, const uint8_t *ext_mu,
                        const uint8_t *rnd)
{
    cc_mldsa65_signer k;
    if (!sig || !sk) return CC_MLDSA_EINVAL;
    int rc = signer_load(&k, sk);
    if (rc == CC_MLDSA_OK) rc = sign_with(&k, sig, m, ext_mu, rnd);
    cc_memzero(&k, sizeof k);
    return rc;
}

int cc_mldsa65_sign(uint8_t sig[CC_MLDSA65_SIGBYTES], const uint8_t *msg, size_t msglen, const uint8_t *ctx,
                    size_t ctxlen, const uint8_t *rnd, const uint8_t sk[CC_MLDSA65_SKBYTES])
{
    mldsa_mprime m;
    int rc = mldsa_mprime_pure(&m, msg, msglen, ctx, ctxlen);
    return rc != CC_MLDSA_OK ? rc : sign_oneshot(sig, sk, &m, NULL, rnd);
}

int cc_mldsa65_sign_prehash(uint8_t sig[CC_MLDSA65_SIGBYTES], const uint8_t *msg, size_t msglen, const uint8_t *ctx,
                            size_t ctxlen, cc_prehash_alg ph, const uint8_t *rnd, const uint8_t sk[CC_MLDSA65_SKBYTES])
{
    mldsa_mprime m;
    int rc = mldsa_mprime_prehash(&m, msg, msglen, ctx, ctxlen, ph);
    return rc != CC_MLDSA_OK ? rc : sign_oneshot(sig, sk, &m, NULL, rnd);
}

int cc_mldsa65_sign_internal(uint8_t sig[CC_MLDSA65_SIGBYTES], const uint8_t *mprime, size_t mlen, const uint8_t *rnd,
                             const uint8_t sk[CC_MLDSA65_SKBYTES])
{
    mldsa_mprime m;
    int rc = mldsa_mprime_raw(&m, mprime, mlen);
    return rc != CC_MLDSA_OK ? rc : sign_oneshot(sig, sk, &m, NULL, rnd);
}

int cc_mldsa65_sign_mu(uint8_t sig[CC_MLDSA65_SIGBYTES], const uint8_t mu[CC_MLDSA65_MUBYTES], const uint8_t *rnd,
                       const uint8_t sk[CC_MLDSA65_SKBYTES])
{
    if (!mu) return CC_MLDSA_EINVAL;
    return sign_oneshot(sig, sk, NULL, mu, rnd);
}

/* --- reusable signer --- */

int cc_mldsa65_signer_new(cc_mldsa65_signer **out, const uint8_t sk[CC_MLDSA65_SKBYTES])
{
    if (!out || !sk) return CC_MLDSA_EINVAL;
    *out = NULL;
    cc_mldsa65_signer *k = malloc(sizeof *k);
    if (!k) return CC_MLDSA_ENOMEM;
    int rc = signer_load(k, sk);
    if (rc != CC_MLDSA_OK) {
        cc_mldsa65_signer_free(k);
        return rc;
    }
    *out = k;
    return CC_MLDSA_OK;
}

void cc_mldsa65_signer_free(cc_mldsa65_signer *signer)
{
    if (!signer) return;
    cc_memzero(signer, sizeof *signer);
    free(signer);
}

int cc_mldsa65_signer_sign(const cc_mldsa65_signer *signer, uint8_t sig[CC_MLDSA65_SIGBYTES], const uint8_t *msg,
                           size_t msglen, const uint8_t *ctx, size_t ctxlen, const uint8_t *rnd)
{
    mldsa_mprime m;
    if (!signer || !sig) return CC_MLDSA_EINVAL;
    int rc = mldsa_mprime_pure(&m, msg, msglen, ctx, ctxlen);
    return rc != CC_MLDSA_OK ? rc : sign_with(signer, sig, &m, NULL, rnd);
}

int cc_mldsa65_signer_sign_prehash(const cc_mldsa65_signer *signer, uint8_t sig[CC_MLDSA65_SIGBYTES],
                                   const uint8_t *msg, size_t msglen, const uint8_t *ctx, size_t ctxlen,
                                   cc_prehash_alg ph, const uint8_t *rnd)
{
    mldsa_mprime m;
    if (!signer || !sig) return CC_MLDSA_EINVAL;
    int rc = mldsa_mprime_prehash(&m, msg, msglen, ctx, ctxlen, ph);
    return rc != CC_MLDSA_OK ? rc : sign_with(signer, sig, &m, NULL, rnd);
}

int cc_mldsa65_signer_sign_mu(const cc_mldsa65_signer *signer, uint8_t sig[CC_MLDSA65_SIGBYTES],
                              const uint8_t mu[CC_MLDSA65_MUBYTES], const uint8_t *rnd)
{
    if (!signer || !sig || !mu) return CC_MLDSA_EINVAL;
    return sign_with(signer, sig, NULL, mu, rnd);
}

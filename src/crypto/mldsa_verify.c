/* mldsa_verify.c: ML-DSA-65 verification: Verify_internal (FIPS 204 Alg. 8) and the pure,
 * HashML-DSA, raw-M' and external-mu interfaces, one-shot or through a reusable
 * cc_mldsa65_verifier. Everything here is public data; the signature is fully decoded and
 * range-checked (length, hint encoding, ||z|| < gamma1 - beta) before any arithmetic. */
#include <stdlib.h>
#include <string.h>

#include "crypto/ct.h"
#include "crypto/fips202.h"
#include "crypto/mldsa.h"
#include "crypto/mldsa_blocks.h"
#include "crypto/mldsa_message.h"

/* The decoded public key: A expanded, NTT(t1 * 2^d), and tr = H(pk, 64). */
struct cc_mldsa65_verifier {
    uint8_t tr[MLDSA_TRBYTES];
    mldsa_polyveck t1hat;
    mldsa_matrix A;
};

static void verifier_load(cc_mldsa65_verifier *v, const uint8_t pk[CC_MLDSA65_PKBYTES])
{
    uint8_t rho[MLDSA_SEEDBYTES];
    mldsa_unpack_pk(rho, &v->t1hat, pk);
    mldsa_expand_a(&v->A, rho);
    mldsa_polyveck_shiftl(&v->t1hat); /* t1 2^d < q: a valid NTT input */
    mldsa_polyveck_ntt(&v->t1hat);
    cc_shake256(v->tr, sizeof v->tr, pk, CC_MLDSA65_PKBYTES);
}

static int verify_with(const cc_mldsa65_verifier *v, const uint8_t *sig, size_t siglen, const mldsa_mprime *m,
                       const uint8_t *ext_mu)
{
    uint8_t mu[CC_MLDSA65_MUBYTES], ctilde[MLDSA_CTILDEBYTES], ctilde2[MLDSA_CTILDEBYTES];
    uint8_t w1packed[MLDSA_K * MLDSA_POLYW1_PACKEDBYTES];
    mldsa_polyvecl z;
    mldsa_polyveck h, w, ct1;
    mldsa_poly c;
    cc_keccak_ctx xof;

    if (!sig) return CC_MLDSA_EINVAL;
    if (siglen != CC_MLDSA65_SIGBYTES) return CC_MLDSA_ESIG;
    if (mldsa_unpack_sig(ctilde, &z, &h, sig) != 0) return CC_MLDSA_ESIG;
    if (mldsa_polyvecl_chknorm(&z, MLDSA_GAMMA1 - MLDSA_BETA)) return CC_MLDSA_ESIG;
    if (ext_mu)
        memcpy(mu, ext_mu, sizeof mu);
    else
        mldsa_compute_mu(mu, v->tr, m);

    /* w'approx = NTT^-1(A NTT(z) - NTT(c) NTT(t1 2^d)); w1' = UseHint(h, w'approx) */
    mldsa_sample_in_ball(&c, ctilde);
    mldsa_poly_ntt(&c);
    mldsa_polyvecl_ntt(&z);
    mldsa_matrix_mul(&w, &v->A, &z);
    mldsa_polyveck_pointwise_poly(&ct1, &c, &v->t1hat);
    mldsa_polyveck_sub(&w, &w, &ct1);
    mldsa_polyveck_reduce(&w); /* (-2q, 2q) -> within the inverse NTT's input bound */
    mldsa_polyveck_invntt_tomont(&w);
    mldsa_polyveck_caddq(&w);
    mldsa_polyveck_use_hint(&w, &w, &h);
    mldsa_polyveck_pack_w1(w1packed, &w);

    /* c-tilde' = H(mu || w1Encode(w1'), 48) must equal c-tilde */
    cc_shake256_init(&xof);
    cc_keccak_absorb(&xof, mu, sizeof mu);
    cc_keccak_absorb(&xof, w1packed, sizeof w1packed);
    cc_keccak_squeeze(&xof, ctilde2, sizeof ctilde2);
    return cc_memcmp_ct(ctilde, ctilde2, sizeof ctilde) == 0 ? CC_MLDSA_OK : CC_MLDSA_ESIG;
}

static int verify_oneshot(const uint8_t *sig, size_t siglen, const mldsa_mprime *m, const uint8_t *ext_mu,
                          const uint8_t *pk)
{
    cc_mldsa65_verifier v;
    if (!sig || !pk) return CC_MLDSA_EINVAL;
    if (siglen != CC_MLDSA65_SIGBYTES) return CC_MLDSA_ESIG; /* before the costly key expansion */
    verifier_load(&v, pk);
    return verify_with(&v, sig, siglen, m, ext_mu);
}

int cc_mldsa65_verify(const uint8_t *sig, size_t siglen, const uint8_t *msg, size_t msglen, const uint8_t *ctx,
                      size_t ctxlen, const uint8_t pk[CC_MLDSA65_PKBYTES])
{
    mldsa_mprime m;
    int rc = mldsa_mprime_pure(&m, msg, msglen, ctx, ctxlen);
    return rc != CC_MLDSA_OK ? rc : verify_oneshot(sig, siglen, &m, NULL, pk);
}

int cc_mldsa65_verify_prehash(const uint8_t *sig, size_t siglen, const uint8_t *msg, size_t msglen, const uint8_t *ctx,
                              size_t ctxlen, cc_prehash_alg ph, const uint8_t pk[CC_MLDSA65_PKBYTES])
{
    mldsa_mprime m;
    int rc = mldsa_mprime_prehash(&m, msg, msglen, ctx, ctxlen, ph);
    return rc != CC_MLDSA_OK ? rc : verify_oneshot(sig, siglen, &m, NULL, pk);
}

int cc_mldsa65_verify_internal(const uint8_t *sig, size_t siglen, const uint8_t *mprime, size_t mlen,
                               const uint8_t pk[CC_MLDSA65_PKBYTES])
{
    mldsa_mprime m;
    int rc = mldsa_mprime_raw(&m, mprime, mlen);
    return rc != CC_MLDSA_OK ? rc : verify_oneshot(sig, siglen, &m, NULL, pk);
}

int cc_mldsa65_verify_mu(const uint8_t *sig, size_t siglen, const uint8_t mu[CC_MLDSA65_MUBYTES],
                         const uint8_t pk[CC_MLDSA65_PKBYTES])
{
    if (!mu) return CC_MLDSA_EINVAL;
    return verify_oneshot(sig, siglen, NULL, mu, pk);
}

/* --- reusable verifier --- */

int cc_mldsa65_verifier_new(cc_mldsa65_verifier **out, const uint8_t pk[CC_MLDSA65_PKBYTES])
{
    if (!out || !pk) return CC_MLDSA_EINVAL;
    *out = malloc(sizeof **out);
    if (!*out) return CC_MLDSA_ENOMEM;
    verifier_load(*out, pk);
    return CC_MLDSA_OK;
}

void cc_mldsa65_verifier_free(cc_mldsa65_verifier *verifier)
{
    if (!verifier) return;
    cc_memzero(verifier, sizeof *verifier);
    free(verifier);
}

int cc_mldsa65_verifier_verify(const cc_mldsa65_verifier *verifier, const uint8_t *sig, size_t siglen,
                               const uint8_t *msg, size_t msglen, const uint8_t *ctx, size_t ctxlen)
{
    mldsa_mprime m;
    if (!verifier) return CC_MLDSA_EINVAL;
    int rc = mldsa_mprime_pure(&m, msg, msglen, ctx, ctxlen);
    return rc != CC_MLDSA_OK ? rc : verify_with(verifier, sig, siglen, &m, NULL);
}

int cc_mldsa65_verifier_verify_prehash(const cc_mldsa65_verifier *verifier, const uint8_t *sig, size_t siglen,
                                       const uint8_t *msg, size_t msglen, const uint8_t *ctx, size_t ctxlen,
                                       cc_prehash_alg ph)
{
    mldsa_mprime m;
    if (!verifier) return CC_MLDSA_EINVAL;
    int rc = mldsa_mprime_prehash(&m, msg, msglen, ctx, ctxlen, ph);
    return rc != CC_MLDSA_OK ? rc : verify_with(verifier, sig, siglen, &m, NULL);
}

int cc_mldsa65_verifier_verify_mu(const cc_mldsa65_verifier *verifier, const uint8_t *sig, size_t siglen,
                                  const uint8_t mu[CC_MLDSA65_MUBYTES])
{
    if (!verifier || !mu) return CC_MLDSA_EINVAL;
    return verify_with(verifier, sig, siglen, NULL, mu);
}

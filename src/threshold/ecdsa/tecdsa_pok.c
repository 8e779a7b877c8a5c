/* tecdsa_pok.c: Fiat-Shamir Schnorr proofs of knowledge of a discrete log, bound to a label, a
 * session id, the prover's id and an index, so a proof cannot be replayed across sessions,
 * parties or purposes. Proof = (c, z) with K = z*G - c*X and c = H(label, sid, party, index, X, K). */
#include <string.h>

#include "crypto/ct.h"
#include "threshold/ecdsa/tecdsa_hash.h"
#include "threshold/ecdsa/tecdsa_internal.h"

static void challenge(tsc *c, const tpt *X, const tpt *K, const char *label, const uint8_t sid[TECDSA_ID_BYTES],
                      int party, int index)
{
    th_ctx h;
    th_init(&h, "schnorr-pok");
    th_var(&h, label, strlen(label));
    th_bytes(&h, sid, TECDSA_ID_BYTES);
    th_u32(&h, (uint32_t)party);
    th_u32(&h, (uint32_t)index);
    th_bytes(&h, X->b, TPT_BYTES);
    th_bytes(&h, K->b, TPT_BYTES);
    th_out_scalar(&h, c);
}

int tk_pok_prove(uint8_t out[TK_POK_BYTES], const tsc *x, const tpt *X, const char *label,
                 const uint8_t sid[TECDSA_ID_BYTES], int party, int index)
{
    tsc k, c, z;
    tpt K;
    int rc = TECDSA_ERR_INTERNAL;
    if (tsc_random(&k) != 0) return TECDSA_ERR_RNG;
    if (tec_mul_g(&K, &k) == 0) {
        challenge(&c, X, &K, label, sid, party, index);
        tsc_mul(&z, &c, x);
        tsc_add(&z, &z, &k);
        tsc_to_bytes(out, &c);
        tsc_to_bytes(out + TSC_BYTES, &z);
        rc = TECDSA_OK;
    }
    tsc_wipe(&k);
    tsc_wipe(&z);
    return rc;
}

int tk_pok_verify(const uint8_t in[TK_POK_BYTES], const tpt *X, const char *label, const uint8_t sid[TECDSA_ID_BYTES],
                  int party, int index)
{
    tsc c, z, negc, c2;
    tpt K;
    if (tsc_from_bytes(&c, in) != 0 || tsc_from_bytes(&z, in + TSC_BYTES) != 0) return TECDSA_ERR_PROOF;
    tsc_neg(&negc, &c);
    if (tec_lincomb_pub(&K, &z, X, &negc) != 0) return TECDSA_ERR_PROOF; /* all public values */
    challenge(&c2, X, &K, label, sid, party, index);
    return tsc_eq(&c, &c2) ? TECDSA_OK : TECDSA_ERR_PROOF;
}

/* tmldsa_share.c: the key share of one party: accessors, wiping, the public-key derivation shared
 * with key generation. The serialization is test-only (tmldsa_share_io.c). */
#include <stdlib.h>
#include <string.h>

#include "crypto/ct.h"
#include "threshold/mldsa/tmldsa_internal.h"

unsigned tmldsa_share_party(const tmldsa_share *sh) { return sh ? sh->party : 0; }
const uint8_t *tmldsa_share_pk(const tmldsa_share *sh) { return sh ? sh->pk : NULL; }
const uint8_t *tmldsa_share_key_id(const tmldsa_share *sh) { return sh ? sh->key_id : NULL; }

void tmldsa_share_free(tmldsa_share *sh)
{
    if (!sh) return;
    tmldsa_sign_bufs *spare = atomic_exchange(&sh->spare, NULL);
    if (spare) tmldsa_sign_bufs_release(spare, sh);
    free(spare);
    cc_free(sh->alloc, sh, sizeof *sh); /* wipes */
}

void tmldsa_t_from_seed(mldsa_polyveck *t, const mldsa_matrix *A, const uint8_t seed[MLDSA_CRHBYTES])
{
    mldsa_polyvecl s1;
    mldsa_polyveck s2;
    mldsa_expand_s(&s1, &s2, seed);
    mldsa_polyvecl_ntt(&s1);
    mldsa_matrix_mul(t, A, &s1);
    mldsa_polyveck_invntt_tomont(t);
    mldsa_polyveck_add(t, t, &s2);
    mldsa_polyveck_reduce(t);
    mldsa_polyveck_caddq(t);
    cc_memzero(&s1, sizeof s1);
    cc_memzero(&s2, sizeof s2);
}

void tmldsa_share_derive_pk(tmldsa_share *sh, const uint8_t rho[MLDSA_SEEDBYTES])
{
    mldsa_polyveck t, t1, t0;
    memset(&t, 0, sizeof t);
    for (unsigned idx = 0; idx < TMLDSA_SUBSETS; idx++) {
        mldsa_polyveck_add(&t, &t, &sh->t_sub[idx]);
        mldsa_polyveck_reduce(&t);
    }
    mldsa_polyveck_caddq(&t);
    mldsa_polyveck_power2round(&t1, &t0, &t);
    mldsa_pack_pk(sh->pk, rho, &t1);
    cc_shake256(sh->tr, MLDSA_TRBYTES, sh->pk, TMLDSA_PKBYTES);
    tmldsa_key_id(sh->key_id, sh->pk, sh->t_sub);
}

/* mldsa_keygen.c: ML-DSA-65 KeyGen_internal (FIPS 204 Alg. 6), key generation from the OS RNG,
 * and pk recomputation from an expanded secret key (which also proves the key consistent). Secret
 * intermediates (the expanded seed, s1, s2, t, t0) are wiped before return. */
#include <string.h>

#include "crypto/ct.h"
#include "crypto/ct_check.h"
#include "crypto/fips202.h"
#include "crypto/mldsa.h"
#include "crypto/mldsa_blocks.h"

static void compute_t(mldsa_polyveck *t, const mldsa_matrix *A, const mldsa_polyvecl *s1, const mldsa_polyveck *s2)
{
    mldsa_polyvecl s1hat = *s1;
    mldsa_polyvecl_ntt(&s1hat);
    mldsa_matrix_mul(t, A, &s1hat);
    mldsa_polyveck_invntt_tomont(t);
    mldsa_polyveck_add(t, t, s2);
    for (unsigned i = 0; i < MLDSA_K; i++) mldsa_poly_freeze(&t->v[i]);
    cc_memzero(&s1hat, sizeof s1hat);
}

int cc_mldsa65_keygen_seed(uint8_t pk[CC_MLDSA65_PKBYTES], uint8_t sk[CC_MLDSA65_SKBYTES],
                           const uint8_t xi[CC_MLDSA65_SEEDBYTES])
{
    if (!pk || !sk || !xi) return CC_MLDSA_EINVAL;
    uint8_t input[MLDSA_SEEDBYTES + 2], expanded[2 * MLDSA_SEEDBYTES + MLDSA_CRHBYTES], tr[MLDSA_TRBYTES];
    memcpy(input, xi, MLDSA_SEEDBYTES);
    input[MLDSA_SEEDBYTES] = MLDSA_K; /* FIPS 204 Alg. 6 binds the parameter set into the seed */
    input[MLDSA_SEEDBYTES + 1] = MLDSA_L;
    cc_shake256(expanded, sizeof expanded, input, sizeof input);
    const uint8_t *rho = expanded, *rhoprime = expanded + MLDSA_SEEDBYTES;
    const uint8_t *key = expanded + MLDSA_SEEDBYTES + MLDSA_CRHBYTES;
    CT_PUBLIC(expanded, MLDSA_SEEDBYTES); /* rho is part of the public key */

    mldsa_matrix A;
    mldsa_polyvecl s1;
    mldsa_polyveck s2, t, t1, t0;
    mldsa_expand_a(&A, rho);
    mldsa_expand_s(&s1, &s2, rhoprime);
    compute_t(&t, &A, &s1, &s2);
    mldsa_polyveck_power2round(&t1, &t0, &t);
    mldsa_pack_pk(pk, rho, &t1);
    cc_shake256(tr, sizeof tr, pk, CC_MLDSA65_PKBYTES);
    mldsa_pack_sk(sk, rho, key, tr, &s1, &s2, &t0);

    cc_memzero(input, sizeof input);
    cc_memzero(expanded, sizeof expanded);
    cc_memzero(&s1, sizeof s1);
    cc_memzero(&s2, sizeof s2);
    cc_memzero(&t, sizeof t);
    cc_memzero(&t0, sizeof t0);
    return CC_MLDSA_OK;
}

int cc_mldsa65_keygen(uint8_t pk[CC_MLDSA65_PKBYTES], uint8_t sk[CC_MLDSA65_SKBYTES])
{
    uint8_t xi[CC_MLDSA65_SEEDBYTES];
    if (!pk || !sk) return CC_MLDSA_EINVAL;
    if (cc_randombytes(xi, sizeof xi) != 0) return CC_MLDSA_ERNG;
    int rc = cc_mldsa65_keygen_seed(pk, sk, xi);
    cc_memzero(xi, sizeof xi);
    return rc;
}

int cc_mldsa65_pk_from_sk(uint8_t pk[CC_MLDSA65_PKBYTES], const uint8_t sk[CC_MLDSA65_SKBYTES])
{
    if (!pk || !sk) return CC_MLDSA_EINVAL;
    uint8_t rho[MLDSA_SEEDBYTES], key[MLDSA_SEEDBYTES], tr[MLDSA_TRBYTES], tr_pk[MLDSA_TRBYTES];
    mldsa_matrix A;
    mldsa_polyvecl s1;
    mldsa_polyveck s2, t0, t, t1, t0_check;
    int rc = CC_MLDSA_EKEY;
    if (mldsa_unpack_sk(rho, key, tr, &s1, &s2, &t0, sk) == 0) {
        mldsa_expand_a(&A, rho);
        compute_t(&t, &A, &s1, &s2);
        mldsa_polyveck_power2round(&t1, &t0_check, &t);
        mldsa_pack_pk(pk, rho, &t1);
        cc_shake256(tr_pk, sizeof tr_pk, pk, CC_MLDSA65_PKBYTES);
        /* the stored t0 and tr must be the ones s1, s2 and rho produce */
        int t0_bad = cc_memcmp_ct(&t0, &t0_check, sizeof t0);
        int tr_bad = cc_memcmp_ct(tr, tr_pk, sizeof tr);
        rc = (t0_bad | tr_bad) ? CC_MLDSA_EKEY : CC_MLDSA_OK;
    }
    if (rc != CC_MLDSA_OK) memset(pk, 0, CC_MLDSA65_PKBYTES);
    cc_memzero(key, sizeof key);
    cc_memzero(&s1, sizeof s1);
    cc_memzero(&s2, sizeof s2);
    cc_memzero(&t0, sizeof t0);
    cc_memzero(&t, sizeof t);
    cc_memzero(&t0_check, sizeof t0_check);
    return rc;
}

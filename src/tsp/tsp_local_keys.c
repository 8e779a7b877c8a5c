/* tsp_local_keys.c: in-memory ECDSA P-384 and ML-DSA-65 TSA keys (tests, development gateway). */
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/secure_mem.h"
#include "tsp/tsp_signer.h"

int tsp_local_keys_generate(tsp_local_keys *k)
{
    uint8_t seed[CC_MLDSA65_SEEDBYTES];
    memset(k, 0, sizeof *k);
    k->ec_pkey = x509_ecdsa_generate();
    k->ml_key = cc_secure_alloc(sizeof *k->ml_key); /* locked, not dumped, wiped on free */
    int ok = k->ec_pkey && k->ml_key && x509_signer_ecdsa(&k->ec_signer, &k->ec_key, k->ec_pkey) == 0 &&
             RAND_priv_bytes(seed, sizeof seed) == 1 && x509_mldsa_key_from_seed(k->ml_key, seed) == 0 &&
             x509_signer_mldsa(&k->ml_signer, k->ml_key) == 0;
    OPENSSL_cleanse(seed, sizeof seed);
    if (!ok) {
        tsp_local_keys_free(k);
        return -1;
    }
    k->ec.signer = &k->ec_signer;
    k->ml.signer = &k->ml_signer;
    return 0;
}

int tsp_local_keys_set_cert(tsp_local_keys *k, int alg, const uint8_t *cert, size_t len)
{
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy || (alg != X509_ALG_ECDSA_P384 && alg != X509_ALG_MLDSA65)) {
        free(copy);
        return -1;
    }
    memcpy(copy, cert, len);
    tsp_identity *id = alg == X509_ALG_ECDSA_P384 ? &k->ec : &k->ml;
    uint8_t **slot = alg == X509_ALG_ECDSA_P384 ? &k->ec_cert : &k->ml_cert;
    free(*slot);
    *slot = copy;
    id->cert = copy;
    id->cert_len = len;
    if (alg == X509_ALG_ECDSA_P384)
        k->ec_cert_len = len;
    else
        k->ml_cert_len = len;
    return 0;
}

void tsp_local_keys_free(tsp_local_keys *k)
{
    if (k->ml_key) {
        x509_mldsa_key_wipe(k->ml_key);
        cc_secure_free(k->ml_key);
    }
    EVP_PKEY_free(k->ec_pkey);
    free(k->ec_cert);
    free(k->ml_cert);
    memset(k, 0, sizeof *k);
}

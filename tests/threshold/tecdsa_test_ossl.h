/* tecdsa_test_ossl.h: header-only OpenSSL references for the threshold ECDSA tests: a public
 * key object built from the group key's SEC1 encoding, and signature verification over a digest,
 * both independent of the library under test. */
#ifndef CCTSA_TESTS_TECDSA_TEST_OSSL_H
#define CCTSA_TESTS_TECDSA_TEST_OSSL_H

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include "threshold/ecdsa/tecdsa.h"

static EVP_PKEY *test_pkey(const uint8_t pub[TECDSA_PUB_BYTES])
{
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "secp384r1", 0);
    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub, TECDSA_PUB_BYTES);
    OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    EVP_PKEY *pkey = NULL;
    if (EVP_PKEY_fromdata_init(ctx) != 1 || EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
        pkey = NULL;
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    return pkey;
}

static int evp_verify(EVP_PKEY *pkey, const uint8_t digest[48], const uint8_t *sig, size_t len)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(pkey, NULL);
    int ok = ctx && EVP_PKEY_verify_init(ctx) == 1 && EVP_PKEY_verify(ctx, sig, len, digest, 48) == 1;
    EVP_PKEY_CTX_free(ctx);
    return ok;
}

#endif

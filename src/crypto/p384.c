/* p384.c: P-384 public key import, DER signature encoding and verification (see p384.h). */
#include "crypto/p384.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <string.h>

EVP_PKEY *cc_p384_public_key(const uint8_t *pub, size_t publen)
{
    if (!pub || publen != CC_P384_PUBBYTES || pub[0] != 0x04) return NULL;
    EVP_PKEY *pkey = NULL;
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    if (bld && ctx && OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "secp384r1", 0) &&
        OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub, publen) &&
        (params = OSSL_PARAM_BLD_to_param(bld)) != NULL && EVP_PKEY_fromdata_init(ctx) == 1 &&
        EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
        pkey = NULL;
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    EVP_PKEY_CTX_free(ctx);
    return pkey;
}

/* One minimal DER INTEGER for a non-negative 48-byte big-endian value; returns its length. */
static size_t put_uint(uint8_t *out, const uint8_t v[CC_P384_SCALARBYTES])
{
    size_t skip = 0;
    while (skip < CC_P384_SCALARBYTES && v[skip] == 0) skip++;
    size_t n = CC_P384_SCALARBYTES - skip, pad = n == 0 || (v[skip] & 0x80) ? 1 : 0;
    out[0] = 0x02;
    out[1] = (uint8_t)(n + pad);
    out[2] = 0;
    memcpy(out + 2 + pad, v + skip, n);
    return 2 + pad + n;
}

size_t cc_p384_sig_to_der(const uint8_t r[CC_P384_SCALARBYTES], const uint8_t s[CC_P384_SCALARBYTES],
                          uint8_t out[CC_P384_SIG_MAX_DER])
{
    size_t n = put_uint(out + 2, r);
    n += put_uint(out + 2 + n, s);
    out[0] = 0x30; /* at most 2 * 51 = 102 content bytes: short-form length */
    out[1] = (uint8_t)n;
    return n + 2;
}

int cc_p384_verify_digest(EVP_PKEY *pkey, const uint8_t digest[CC_P384_DIGESTBYTES], const uint8_t *der, size_t derlen)
{
    int rc = -1;
    EVP_PKEY_CTX *ctx = pkey && digest && der ? EVP_PKEY_CTX_new(pkey, NULL) : NULL;
    if (ctx && EVP_PKEY_verify_init(ctx) == 1) rc = EVP_PKEY_verify(ctx, der, derlen, digest, CC_P384_DIGESTBYTES) == 1;
    EVP_PKEY_CTX_free(ctx);
    ERR_clear_error();
    return rc;
}

int cc_p384_verify(EVP_PKEY *pkey, const uint8_t *msg, size_t msglen, const uint8_t *der, size_t derlen)
{
    uint8_t digest[CC_P384_DIGESTBYTES];
    unsigned int dlen = 0;
    if (!msg && msglen) return -1;
    if (EVP_Digest(msg ? msg : digest, msglen, digest, &dlen, EVP_sha384(), NULL) != 1 || dlen != sizeof digest) {
        ERR_clear_error();
        return -1;
    }
    return cc_p384_verify_digest(pkey, digest, der, derlen);
}

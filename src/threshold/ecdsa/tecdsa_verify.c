/* tecdsa_verify.c: strict ECDSA P-384 signature verification, the threshold scheme's error codes
 * over crypto/p384.h (see tecdsa_verify.h). */
#include "threshold/ecdsa/tecdsa_verify.h"

#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/p384.h"
#include "threshold/ecdsa/tecdsa_ec.h"
#include "threshold/ecdsa/tecdsa_scalar.h"

_Static_assert(TECDSA_SIG_MAX_DER == CC_P384_SIG_MAX_DER, "one DER signature bound");

/* One-entry cache of the last public key turned into an EVP_PKEY: a coordinator verifies every
 * signature it releases against the same key, and building the key object (strict decode,
 * parameter builder, provider import) is a measurable part of the online cost. Keyed by the exact
 * 97 bytes that passed the strict decode; the verification itself is unchanged (EVP_PKEY_verify
 * with a fresh EVP_PKEY_CTX per call). The cached object holds public data only and is shared by
 * reference count; it lives until the process exits or another key replaces it. */
static pthread_mutex_t g_pk_lock = PTHREAD_MUTEX_INITIALIZER;
static uint8_t g_pk_pub[TECDSA_PUB_BYTES];
static EVP_PKEY *g_pk;

/* A reference to the EVP_PKEY for pub (the caller frees it), or NULL with *rc set. */
static EVP_PKEY *pkey_get(const uint8_t pub[TECDSA_PUB_BYTES], int *rc)
{
    EVP_PKEY *pkey = NULL;
    tpt check;
    if (pthread_mutex_lock(&g_pk_lock) == 0) {
        if (g_pk && memcmp(g_pk_pub, pub, TECDSA_PUB_BYTES) == 0 && EVP_PKEY_up_ref(g_pk) == 1) pkey = g_pk;
        pthread_mutex_unlock(&g_pk_lock);
    }
    if (pkey) return pkey;
    if (tec_decode_uncompressed(&check, pub) != 0 || (pkey = cc_p384_public_key(pub, TECDSA_PUB_BYTES)) == NULL) {
        *rc = TECDSA_ERR_POINT;
        return NULL;
    }
    if (pthread_mutex_lock(&g_pk_lock) == 0) {
        if (EVP_PKEY_up_ref(pkey) == 1) {
            EVP_PKEY_free(g_pk);
            g_pk = pkey;
            memcpy(g_pk_pub, pub, TECDSA_PUB_BYTES);
        }
        pthread_mutex_unlock(&g_pk_lock);
    }
    return pkey;
}

/* r, s as 48-byte big-endian values in [1, n-1]. */
static int range_ok(const uint8_t r[48], const uint8_t s[48])
{
    tsc a, b;
    if (tsc_from_bytes(&a, r) != 0 || tsc_from_bytes(&b, s) != 0) return 0;
    return !tsc_is_zero(&a) && !tsc_is_zero(&b);
}

static int bn_to_48(const BIGNUM *b, uint8_t out[48])
{
    return !BN_is_negative(b) && BN_num_bytes(b) <= 48 && BN_bn2binpad(b, out, 48) == 48;
}

static int verify_canonical_der(const uint8_t pub[TECDSA_PUB_BYTES], const uint8_t digest[TECDSA_DIGEST_BYTES],
                                const uint8_t *der, size_t der_len)
{
    int rc = TECDSA_ERR_INTERNAL;
    EVP_PKEY *pkey = pkey_get(pub, &rc);
    if (pkey) {
        int ok = cc_p384_verify_digest(pkey, digest, der, der_len);
        rc = ok == 1 ? TECDSA_OK : ok == 0 ? TECDSA_ERR_VERIFY : TECDSA_ERR_INTERNAL;
    }
    EVP_PKEY_free(pkey);
    ERR_clear_error();
    return rc;
}

int tecdsa_verify_der(const uint8_t pub[TECDSA_PUB_BYTES], const uint8_t digest[TECDSA_DIGEST_BYTES],
                      const uint8_t *sig, size_t sig_len)
{
    if (!pub || !digest || !sig || sig_len == 0 || sig_len > TECDSA_SIG_MAX_DER) return TECDSA_ERR_FORMAT;
    const uint8_t *p = sig;
    ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)sig_len);
    uint8_t r[48], s[48], re[TECDSA_SIG_MAX_DER];
    int rc = TECDSA_ERR_FORMAT;
    if (!es || p != sig + sig_len) goto done; /* unparsable or trailing data */
    if (!bn_to_48(ECDSA_SIG_get0_r(es), r) || !bn_to_48(ECDSA_SIG_get0_s(es), s)) {
        rc = TECDSA_ERR_SCALAR;
        goto done;
    }
    if (!range_ok(r, s)) {
        rc = TECDSA_ERR_SCALAR;
        goto done;
    }
    size_t n = cc_p384_sig_to_der(r, s, re);
    if (n != sig_len || memcmp(re, sig, n) != 0) goto done; /* BER or non-minimal */
    rc = verify_canonical_der(pub, digest, sig, sig_len);
done:
    ECDSA_SIG_free(es);
    ERR_clear_error();
    return rc;
}

int tecdsa_verify_p1363(const uint8_t pub[TECDSA_PUB_BYTES], const uint8_t digest[TECDSA_DIGEST_BYTES],
                        const uint8_t *sig, size_t sig_len)
{
    uint8_t der[TECDSA_SIG_MAX_DER];
    if (!pub || !digest || !sig || sig_len != TECDSA_P1363_BYTES) return TECDSA_ERR_FORMAT;
    if (!range_ok(sig, sig + 48)) return TECDSA_ERR_SCALAR;
    size_t n = cc_p384_sig_to_der(sig, sig + 48, der);
    return verify_canonical_der(pub, digest, der, n);
}

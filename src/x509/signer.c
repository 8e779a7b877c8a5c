/* signer.c: local in-memory signers (P-384 ECDSA through OpenSSL EVP, ML-DSA-65 through
 * src/crypto) and one-shot signature verification for both algorithms. */
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

#include "asn1/der.h"
#include "crypto/ct.h"
#include "crypto/p384.h"
#include "x509/signer.h"

_Static_assert(X509_ECDSA_MAX_SIGBYTES == CC_P384_SIG_MAX_DER, "one DER signature bound");

static int is_p384(EVP_PKEY *pkey)
{
    char group[32];
    size_t glen = 0;
    return EVP_PKEY_get_base_id(pkey) == EVP_PKEY_EC &&
           EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &glen) &&
           strcmp(group, "secp384r1") == 0;
}

int x509_ecdsa_public(EVP_PKEY *pkey, uint8_t pub[X509_P384_PUBBYTES])
{
    size_t n = 0;
    if (!pkey || !is_p384(pkey)) return -1;
    /* OpenSSL exports the point in the key's point format; request uncompressed explicitly. */
    if (!EVP_PKEY_set_utf8_string_param(pkey, OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT, "uncompressed")) return -1;
    if (!EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_PUB_KEY, pub, X509_P384_PUBBYTES, &n)) return -1;
    return n == X509_P384_PUBBYTES && pub[0] == 0x04 ? 0 : -1;
}

EVP_PKEY *x509_ecdsa_generate(void) { return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384"); }

static int ecdsa_sign(void *ctx, const uint8_t *tbs, size_t len, uint8_t *sig, size_t *siglen)
{
    x509_ecdsa_key *k = ctx;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int ok = md && EVP_DigestSignInit(md, NULL, EVP_sha384(), NULL, k->pkey) == 1 &&
             EVP_DigestSign(md, sig, siglen, tbs, len) == 1;
    EVP_MD_CTX_free(md);
    if (ok && x509_ecdsa_sig_is_low_s(sig, *siglen) == 0) { /* OpenSSL does not normalise: emit low S */
        uint8_t low[X509_ECDSA_MAX_SIGBYTES];
        size_t n = sizeof low;
        ok = x509_ecdsa_sig_negate_s(sig, *siglen, low, &n) == 0;
        if (ok) memcpy(sig, low, n), *siglen = n;
    }
    return ok ? 0 : -1;
}

int x509_signer_ecdsa(x509_signer *s, x509_ecdsa_key *k, EVP_PKEY *pkey)
{
    memset(s, 0, sizeof *s);
    k->pkey = pkey;
    if (x509_ecdsa_public(pkey, k->pub)) return -1;
    s->alg = X509_ALG_ECDSA_P384;
    s->pub = k->pub;
    s->publen = sizeof k->pub;
    s->sign = ecdsa_sign;
    s->ctx = k;
    return 0;
}

int x509_mldsa_key_from_seed(x509_mldsa_key *k, const uint8_t seed[CC_MLDSA65_SEEDBYTES])
{
    if (cc_mldsa65_keygen_seed(k->pk, k->sk, seed) != CC_MLDSA_OK) {
        x509_mldsa_key_wipe(k);
        return -1;
    }
    return 0;
}

void x509_mldsa_key_wipe(x509_mldsa_key *k) { cc_memzero(k, sizeof *k); }

static int mldsa_sign(void *ctx, const uint8_t *tbs, size_t len, uint8_t *sig, size_t *siglen)
{
    x509_mldsa_key *k = ctx;
    uint8_t rnd[CC_MLDSA65_RNDBYTES];
    if (*siglen < CC_MLDSA65_SIGBYTES || cc_randombytes(rnd, sizeof rnd)) return -1;
    int rc = cc_mldsa65_sign(sig, tbs, len, NULL, 0, rnd, k->sk); /* hedged, empty context */
    cc_memzero(rnd, sizeof rnd);
    if (rc != CC_MLDSA_OK) return -1;
    *siglen = CC_MLDSA65_SIGBYTES;
    return 0;
}

int x509_signer_mldsa(x509_signer *s, x509_mldsa_key *k)
{
    memset(s, 0, sizeof *s);
    s->alg = X509_ALG_MLDSA65;
    s->pub = k->pk;
    s->publen = sizeof k->pk;
    s->sign = mldsa_sign;
    s->ctx = k;
    return 0;
}

int x509_signer_sign(const x509_signer *s, const uint8_t *tbs, size_t len, uint8_t *sig, size_t *siglen)
{
    if (!s || !s->sign || *siglen < X509_MAX_SIGBYTES) return -1;
    if (s->sign(s->ctx, tbs, len, sig, siglen)) return -1;
    if (s->alg == X509_ALG_MLDSA65) return *siglen == CC_MLDSA65_SIGBYTES ? 0 : -1;
    if (s->alg == X509_ALG_ECDSA_P384) return *siglen >= 8 && *siglen <= X509_ECDSA_MAX_SIGBYTES ? 0 : -1;
    return -1;
}

int x509_verify_raw(int alg, const uint8_t *pub, size_t publen, const uint8_t *msg, size_t msglen, const uint8_t *sig,
                    size_t siglen)
{
    if (!pub || !sig || (!msg && msglen)) return -1;
    if (alg == X509_ALG_MLDSA65) {
        if (publen != CC_MLDSA65_PKBYTES || siglen != CC_MLDSA65_SIGBYTES) return -1;
        return cc_mldsa65_verify(sig, siglen, msg, msglen, NULL, 0, pub) == CC_MLDSA_OK ? 0 : -1;
    }
    if (alg != X509_ALG_ECDSA_P384 || siglen > X509_ECDSA_MAX_SIGBYTES) return -1;
    EVP_PKEY *pkey = cc_p384_public_key(pub, publen);
    int ok = pkey && cc_p384_verify(pkey, msg, msglen, sig, siglen) == 1;
    EVP_PKEY_free(pkey);
    return ok ? 0 : -1;
}

int x509_ecdsa_sig_to_der(const uint8_t rs[96], uint8_t *der, size_t *derlen)
{
    uint8_t out[CC_P384_SIG_MAX_DER];
    size_t n = cc_p384_sig_to_der(rs, rs + 48, out);
    if (n > *derlen) return -1;
    memcpy(der, out, n);
    *derlen = n;
    return 0;
}

int x509_ecdsa_sig_from_der(const uint8_t *der, size_t derlen, uint8_t rs[96])
{
    der_reader r, s;
    der_elem e;
    der_reader_init(&r, der, derlen);
    if (der_enter(&r, DER_SEQUENCE, &s) != DER_OK || !der_reader_done(&r)) return -1;
    for (int i = 0; i < 2; i++) {
        const uint8_t *mag;
        size_t n;
        if (der_expect(&s, DER_INTEGER, &e) != DER_OK || der_get_uint_bytes(&e, &mag, &n) != DER_OK || n > 48 ||
            (n == 1 && mag[0] == 0))
            return -1;
        memset(rs + 48 * i, 0, 48 - n);
        memcpy(rs + 48 * i + 48 - n, mag, n);
    }
    return der_reader_done(&s) ? 0 : -1;
}

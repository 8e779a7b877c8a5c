/* keyfile.c: key pair generation, PKCS#8 storage and loading for the local signers. */
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

#include "asn1/der.h"
#include "asn1/oids.h"
#include "crypto/ct.h"
#include "x509/keyfile.h"
#include "x509/pem.h"
#include "x509/x509_internal.h"

static int finish_mldsa(x509_keypair *k)
{
    k->ml = malloc(sizeof *k->ml);
    if (!k->ml || x509_mldsa_key_from_seed(k->ml, k->seed)) return x509_fail("ML-DSA-65 key expansion failed");
    k->alg = X509_ALG_MLDSA65;
    return x509_signer_mldsa(&k->signer, k->ml);
}

static int finish_ec(x509_keypair *k)
{
    if (x509_signer_ecdsa(&k->signer, &k->eck, k->ec)) return x509_fail("not a P-384 key");
    k->alg = X509_ALG_ECDSA_P384;
    return 0;
}

int x509_keypair_generate(x509_keypair *k, int alg)
{
    memset(k, 0, sizeof *k);
    if (alg == X509_ALG_ECDSA_P384) {
        k->ec = x509_ecdsa_generate();
        if (!k->ec || finish_ec(k)) goto fail;
        return 0;
    }
    if (alg == X509_ALG_MLDSA65) {
        if (cc_randombytes(k->seed, sizeof k->seed) || finish_mldsa(k)) goto fail;
        return 0;
    }
    x509_fail("unknown key algorithm");
fail:
    x509_keypair_free(k);
    return -1;
}

/* OneAsymmetricKey { version 0, id-ml-dsa-65, OCTET STRING { [0] seed } } (RFC 9881 / RFC 5958). */
static int mldsa_pkcs8(const x509_keypair *k, uint8_t **der, size_t *len)
{
    uint8_t inner[2 + CC_MLDSA65_SEEDBYTES];
    der_writer w;
    inner[0] = DER_CTX_PRIM(0);
    inner[1] = CC_MLDSA65_SEEDBYTES;
    memcpy(inner + 2, k->seed, CC_MLDSA65_SEEDBYTES);
    der_writer_init(&w);
    der_begin(&w, DER_SEQUENCE);
    der_put_uint(&w, 0);
    der_begin(&w, DER_SEQUENCE);
    der_put_oid(&w, OID_ARG(OID_ML_DSA_65));
    der_end(&w);
    der_put_octets(&w, inner, sizeof inner);
    der_end(&w);
    cc_memzero(inner, sizeof inner);
    return der_writer_finish(&w, der, len);
}

static int mldsa_from_pkcs8(x509_keypair *k, const uint8_t *der, size_t len)
{
    der_reader r, s, a;
    der_elem e, oid, priv;
    uint64_t ver;
    der_reader_init(&r, der, len);
    if (der_enter(&r, DER_SEQUENCE, &s) != DER_OK || !der_reader_done(&r) || der_expect(&s, DER_INTEGER, &e) ||
        der_get_uint(&e, &ver) || ver > 1 || der_enter(&s, DER_SEQUENCE, &a) || der_expect(&a, DER_OID, &oid) ||
        !der_reader_done(&a) || !der_oid_equals(&oid, OID_ARG(OID_ML_DSA_65)) ||
        der_expect(&s, DER_OCTET_STRING, &priv))
        return x509_fail("not an ML-DSA-65 PKCS#8 key");
    /* Only the seed form is accepted: 80 20 <32 bytes>. */
    if (priv.len != 2 + CC_MLDSA65_SEEDBYTES || priv.val[0] != DER_CTX_PRIM(0) || priv.val[1] != CC_MLDSA65_SEEDBYTES)
        return x509_fail("ML-DSA-65 private key must be in the 32-byte seed form");
    memcpy(k->seed, priv.val + 2, CC_MLDSA65_SEEDBYTES);
    return finish_mldsa(k);
}

int x509_keypair_load(x509_keypair *k, const char *path)
{
    uint8_t *der;
    size_t len;
    memset(k, 0, sizeof *k);
    /* PKCS#8, or a SEC1 "EC PRIVATE KEY" as written by `openssl ecparam -genkey`. */
    if (x509_read_pem_or_der(path, "PRIVATE KEY", &der, &len) &&
        x509_read_pem_or_der(path, "EC PRIVATE KEY", &der, &len))
        return -1;
    int rc;
    der_reader r, s, a;
    der_elem e, oid;
    der_reader_init(&r, der, len);
    int is_mldsa = der_enter(&r, DER_SEQUENCE, &s) == DER_OK && der_expect(&s, DER_INTEGER, &e) == DER_OK &&
                   der_enter(&s, DER_SEQUENCE, &a) == DER_OK && der_expect(&a, DER_OID, &oid) == DER_OK &&
                   der_oid_equals(&oid, OID_ARG(OID_ML_DSA_65));
    if (is_mldsa) {
        rc = mldsa_from_pkcs8(k, der, len);
    } else {
        const unsigned char *p = der;
        k->ec = d2i_AutoPrivateKey(NULL, &p, (long)len);
        rc = k->ec && p == der + len ? finish_ec(k) : x509_fail("not a P-384 or ML-DSA-65 private key");
    }
    cc_memzero(der, len);
    free(der);
    if (rc) x509_keypair_free(k);
    return rc;
}

int x509_keypair_save(const x509_keypair *k, const char *path)
{
    uint8_t *der = NULL;
    size_t len = 0;
    if (k->alg == X509_ALG_MLDSA65) {
        if (mldsa_pkcs8(k, &der, &len)) return x509_fail("key encoding failed");
    } else if (k->alg == X509_ALG_ECDSA_P384) {
        unsigned char *p = NULL;
        PKCS8_PRIV_KEY_INFO *p8 = EVP_PKEY2PKCS8(k->ec);
        int n = p8 ? i2d_PKCS8_PRIV_KEY_INFO(p8, &p) : -1;
        PKCS8_PRIV_KEY_INFO_free(p8);
        if (n <= 0) return x509_fail("key encoding failed");
        der = malloc((size_t)n);
        if (der) memcpy(der, p, (size_t)n);
        len = (size_t)n;
        OPENSSL_clear_free(p, len);
        if (!der) return x509_fail("out of memory");
    } else {
        return x509_fail("no key");
    }
    char *pem = x509_pem_encode("PRIVATE KEY", der, len);
    cc_memzero(der, len);
    free(der);
    if (!pem) return x509_fail("PEM encoding failed");
    int rc = x509_write_file(path, pem, strlen(pem), 0600, 1);
    cc_memzero(pem, strlen(pem));
    free(pem);
    return rc;
}

void x509_keypair_free(x509_keypair *k)
{
    EVP_PKEY_free(k->ec);
    if (k->ml) {
        x509_mldsa_key_wipe(k->ml);
        free(k->ml);
    }
    cc_memzero(k, sizeof *k);
}

/* test_x509_csr.c: PKCS#10 requests signed through the signer interface, for both algorithms:
 * our parser and self-signature check, OpenSSL's parser and X509_REQ_verify for ECDSA, the
 * requested TcbInfo extension, OpenSSL-made requests read by us, and tampering. */
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "testutil.h"
#include "x509/csr.h"
#include "x509/keyfile.h"
#include "x509/name.h"

static void check_request(int alg)
{
    x509_keypair k;
    uint8_t *name, *der = NULL;
    size_t nlen, len = 0;
    x509_tcbinfo t = {.vendor = "AMD", .model = "SEV-SNP", .svn = 3, .flags = 0};
    memset(t.measurement, 0x5C, sizeof t.measurement);
    CHECK(x509_keypair_generate(&k, alg) == 0);
    CHECK(x509_name_from_string("CN=node-1,O=cctsa", &name, &nlen) == 0);
    CHECK(x509_csr_build(name, nlen, &k.signer, &t, &der, &len) == 0);
    x509_csr r;
    CHECK(x509_csr_parse(&r, der, len) == 0);
    CHECK(r.key_alg == alg && r.sig_alg == alg && r.pub.len == k.signer.publen);
    CHECK(r.subject.len == nlen && !memcmp(r.subject.p, name, nlen));
    CHECK(x509_csr_verify(&r) == 0);
    x509_tcbinfo_view v;
    CHECK(r.tcbinfo.len && x509_tcbinfo_parse(r.tcbinfo.p, r.tcbinfo.len, &v) == 0 && v.has_measurement &&
          !memcmp(v.measurement, t.measurement, 48) && v.svn == 3);

    /* OpenSSL: parses it, re-encodes identically, verifies the ECDSA self-signature and sees the
     * requested extension. */
    const unsigned char *p = der;
    X509_REQ *req = d2i_X509_REQ(NULL, &p, (long)len);
    CHECK(req != NULL && p == der + len);
    if (req) {
        unsigned char *re = NULL;
        int rl = i2d_X509_REQ(req, &re);
        CHECK(rl == (int)len && !memcmp(re, der, len));
        OPENSSL_free(re);
        STACK_OF(X509_EXTENSION) *exts = X509_REQ_get_extensions(req);
        CHECK(exts && sk_X509_EXTENSION_num(exts) == 1);
        sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
        if (alg == X509_ALG_ECDSA_P384) {
            EVP_PKEY *pk = X509_REQ_get0_pubkey(req);
            CHECK(pk && X509_REQ_verify(req, pk) == 1);
        } else {
            CHECK(X509_REQ_get0_pubkey(req) == NULL); /* ML-DSA unknown to OpenSSL 3.0 */
        }
        X509_REQ_free(req);
    }

    /* Any byte change in the signed info or the signature is caught. */
    size_t from = (size_t)(r.info.p - der), stride = tu_sanitized() && alg == X509_ALG_MLDSA65 ? 9 : 1;
    unsigned accepted = 0;
    uint8_t *copy = malloc(len);
    for (size_t i = from; i < len; i += stride) {
        memcpy(copy, der, len);
        copy[i] ^= 0x01;
        x509_csr rr;
        if (x509_csr_parse(&rr, copy, len) == 0 && x509_csr_verify(&rr) == 0) accepted++;
    }
    CHECK(accepted == 0);
    /* Truncations never parse. */
    unsigned parsed = 0;
    for (size_t n = 0; n < len; n += (len > 1000 ? 13 : 1)) {
        x509_csr rr;
        if (x509_csr_parse(&rr, der, n) == 0) parsed++;
    }
    CHECK(parsed == 0);
    free(copy);

    /* A request whose signature comes from another key does not verify. */
    x509_keypair other;
    CHECK(x509_keypair_generate(&other, alg) == 0);
    x509_signer liar = other.signer;
    liar.pub = k.signer.pub;
    uint8_t *bad = NULL;
    size_t badlen = 0;
    CHECK(x509_csr_build(name, nlen, &liar, NULL, &bad, &badlen) == 0);
    CHECK(x509_csr_parse(&r, bad, badlen) == 0 && r.tcbinfo.len == 0 && x509_csr_verify(&r) == -1);
    free(bad);
    x509_keypair_free(&other);
    free(der);
    free(name);
    x509_keypair_free(&k);
}

static X509_REQ *openssl_request(const char *curve, const EVP_MD *md, EVP_PKEY **key)
{
    *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", curve);
    X509_REQ *req = X509_REQ_new();
    X509_NAME *n = X509_NAME_new();
    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const unsigned char *)"openssl made", -1, -1, 0);
    X509_REQ_set_subject_name(req, n);
    X509_NAME_free(n);
    X509_REQ_set_pubkey(req, *key);
    X509_REQ_sign(req, *key, md);
    return req;
}

static void check_openssl_made(void)
{
    EVP_PKEY *key;
    X509_REQ *req = openssl_request("P-384", EVP_sha384(), &key);
    unsigned char *der = NULL;
    int len = i2d_X509_REQ(req, &der);
    x509_csr r;
    CHECK(len > 0 && x509_csr_parse(&r, der, (size_t)len) == 0);
    CHECK(r.key_alg == X509_ALG_ECDSA_P384 && x509_csr_verify(&r) == 0);
    char s[64];
    CHECK(x509_name_to_string(r.subject.p, r.subject.len, s, sizeof s) == 0 && !strcmp(s, "CN=openssl made"));
    OPENSSL_free(der);
    X509_REQ_free(req);
    EVP_PKEY_free(key);

    /* P-256 / SHA-256: parses, but the algorithms are not ours, so verification refuses. */
    req = openssl_request("P-256", EVP_sha256(), &key);
    der = NULL;
    len = i2d_X509_REQ(req, &der);
    CHECK(len > 0 && x509_csr_parse(&r, der, (size_t)len) == 0);
    CHECK(r.key_alg == X509_ALG_NONE && x509_csr_verify(&r) == -1);
    OPENSSL_free(der);
    X509_REQ_free(req);
    EVP_PKEY_free(key);
}

int main(void)
{
    check_request(X509_ALG_ECDSA_P384);
    check_request(X509_ALG_MLDSA65);
    check_openssl_made();
    return check_summary("test_x509_csr");
}

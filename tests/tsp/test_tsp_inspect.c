/* test_tsp_inspect.c: `cctsa inspect` (argv[1] = the cctsa binary) prints names taken from the
 * token, which anyone can put there (SignedData.certificates is not authenticated): a certificate
 * whose subject holds a newline and an ESC sequence must not forge output lines nor reach the
 * terminal raw. A compat token shows its ML-DSA-65 countersignature. */
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asn1/der.h"
#include "asn1/oids.h"
#include "check.h"
#include "tsp/tsp_parse.h"
#include "tsp_fixture.h"

static const uint8_t data[] = "inspect me";

/* Self-signed P-384 certificate with subject CN=cn; DER out (malloc'd). */
static uint8_t *cert_named(const char *cn, size_t *out_len)
{
    X509 *c = X509_new();
    X509_NAME *name = X509_NAME_new();
    EVP_PKEY *key = EVP_EC_gen("P-384");
    unsigned char *der = NULL;
    uint8_t *out = NULL;
    int n = 0;
    if (c && name && key &&
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0) &&
        X509_set_version(c, 2) && ASN1_INTEGER_set(X509_get_serialNumber(c), 7) && X509_set_subject_name(c, name) &&
        X509_set_issuer_name(c, name) && X509_gmtime_adj(X509_getm_notBefore(c), -3600) &&
        X509_gmtime_adj(X509_getm_notAfter(c), 86400L) && X509_set_pubkey(c, key) && X509_sign(c, key, EVP_sha384()) &&
        (n = i2d_X509(c, &der)) > 0 && (out = malloc((size_t)n)) != NULL) {
        memcpy(out, der, (size_t)n);
        *out_len = (size_t)n;
    }
    OPENSSL_free(der);
    X509_NAME_free(name);
    X509_free(c);
    EVP_PKEY_free(key);
    return out;
}

int main(int argc, char **argv)
{
    fx_pki fx;
    if (argc < 2) {
        fprintf(stderr, "usage: test_tsp_inspect CCTSA_BINARY\n");
        return 2;
    }
    if (fx_init(&fx) != 0) return 1;
    uint8_t *tok = NULL, *evil = NULL, *cert = NULL;
    size_t len = 0, evil_len = 0, cert_len = 0;
    tsp_parsed t;
    char err[200], cmd[1024];
    int status;
    cert = cert_named("x\x1b[2J\nFORGED-OUTPUT-LINE", &cert_len);
    CHECK(cert != NULL);
    CHECK(fx_stamp(&fx, TSP_PROFILE_CLASSIC, data, sizeof data, &tok, &len) == 0);
    CHECK(tok && tsp_parse(tok, len, &t, err, sizeof err) == 0);
    if (cert && tok) {
        CHECK(fx_token_with_cert(&t, cert, cert_len, 1, &evil, &evil_len) == 0);
        snprintf(cmd, sizeof cmd, "'%s' inspect '%s'", argv[1], fx_write(&fx, "evil.tst", evil, evil_len));
        char *out = fx_run(cmd, &status);
        CHECK_MSG(out && status == 0 && strstr(out, "FORGED-OUTPUT-LINE"), "inspect failed: %s", out ? out : "");
        CHECK_MSG(out && !strstr(out, "\nFORGED-OUTPUT-LINE") && !strchr(out, 0x1b), "inspect prints the name raw:\n%s",
                  out ? out : "");
        CHECK_MSG(out && strstr(out, "cctsa test TSA (ECDSA P-384)"), "the real names are gone:\n%s", out ? out : "");
        free(out);
    }
    /* A compat token shows its ML-DSA countersignature under the ECDSA signer. */
    uint8_t *compat = NULL;
    size_t compat_len = 0;
    CHECK(fx_stamp(&fx, TSP_PROFILE_COMPAT, data, sizeof data, &compat, &compat_len) == 0);
    if (compat) {
        snprintf(cmd, sizeof cmd, "'%s' inspect '%s'", argv[1], fx_write(&fx, "compat.tst", compat, compat_len));
        char *out = fx_run(cmd, &status);
        const char *cs = out ? strstr(out, "countersignature of this signer's signature value (unsigned attribute "
                                           "id-countersignature 1.2.840.113549.1.9.6")
                             : NULL;
        CHECK_MSG(status == 0 && cs && strstr(cs, "signature: id-ml-dsa-65") && strstr(out, "(cctsa compat profile)"),
                  "inspect does not show the countersignature:\n%s", out ? out : "");
        free(out);
    }
    free(compat);
    free(tok);
    free(evil);
    free(cert);
    fx_free(&fx);
    return check_summary("test_tsp_inspect");
}

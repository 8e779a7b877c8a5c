/* test_tsp_certsel.c: how the verifier picks certificates. SignedData.certificates is not
 * authenticated and names are not unique, so (1) a decoy certificate carrying the TSA
 * certificate's issuer and serial (another key), placed in front of the real one, must not make a
 * valid token fail, and (2) a second trust anchor with the real root's subject (a re-keyed root)
 * given before the real one must not either. Tokens whose only candidates are the decoys still
 * fail. */
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <string.h>

#include "asn1/der.h"
#include "asn1/oids.h"
#include "check.h"
#include "tsp/tsp_parse.h"
#include "tsp/tsp_verify.h"
#include "tsp_fixture.h"

static const uint8_t data[] = "pick the right certificate";

static int add_ext(X509 *cert, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, cert, cert, NULL, NULL, 0);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    int ok = ext && X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    return ok ? 0 : -1;
}

/* A certificate copying issuer, serial and subject of `model` (DER), with a fresh P-384 key,
 * self-signed by that key; ca selects the CA or the TSA extensions. DER out (malloc'd). */
static uint8_t *decoy_of(const uint8_t *model_der, size_t model_len, int ca, size_t *out_len)
{
    const unsigned char *pp = model_der;
    X509 *model = d2i_X509(NULL, &pp, (long)model_len), *d = X509_new();
    EVP_PKEY *key = EVP_EC_gen("P-384");
    uint8_t *out = NULL;
    unsigned char *der = NULL;
    int n = 0;
    if (!model || !d || !key || !X509_set_version(d, 2) || !X509_set_serialNumber(d, X509_get_serialNumber(model)) ||
        !X509_set_issuer_name(d, X509_get_issuer_name(model)) ||
        !X509_set_subject_name(d, X509_get_subject_name(model)) || !X509_gmtime_adj(X509_getm_notBefore(d), -3600) ||
        !X509_gmtime_adj(X509_getm_notAfter(d), 86400L) || !X509_set_pubkey(d, key))
        goto out;
    if (ca ? add_ext(d, NID_basic_constraints, "critical,CA:TRUE") ||
                 add_ext(d, NID_key_usage, "critical,keyCertSign,cRLSign")
           : add_ext(d, NID_key_usage, "critical,digitalSignature") ||
                 add_ext(d, NID_ext_key_usage, "critical,timeStamping"))
        goto out;
    if (!X509_sign(d, key, EVP_sha384()) || (n = i2d_X509(d, &der)) <= 0) goto out;
    out = malloc((size_t)n);
    if (out) memcpy(out, der, (size_t)n), *out_len = (size_t)n;
out:
    OPENSSL_free(der);
    X509_free(model);
    X509_free(d);
    EVP_PKEY_free(key);
    return out;
}

static int verify(const uint8_t *tok, size_t len, const uint8_t *const *roots, const size_t *root_lens, int nroots,
                  tsp_verify_report *rep)
{
    tsp_verify_opts o = {0};
    for (int i = 0; i < nroots; i++) o.roots[i] = roots[i], o.root_lens[i] = root_lens[i];
    o.nroots = nroots;
    o.data = data;
    o.data_len = sizeof data;
    return tsp_verify(tok, len, &o, rep) == 0;
}

int main(void)
{
    fx_pki fx;
    if (fx_init(&fx) != 0) return 1;
    size_t decoy_len = 0, droot_len = 0;
    uint8_t *decoy = decoy_of(fx.keys.ec.cert, fx.keys.ec.cert_len, 0, &decoy_len);
    uint8_t *droot = decoy_of(fx.ca_der, fx.ca_der_len, 1, &droot_len);
    CHECK(decoy && droot);
    const uint8_t *real_root[2] = {fx.ca_der, fx.ml_ca_der};
    const size_t real_len[2] = {fx.ca_der_len, fx.ml_ca_der_len};
    tsp_verify_report rep;
    static const tsp_profile profiles[] = {TSP_PROFILE_CLASSIC, TSP_PROFILE_HYBRID, TSP_PROFILE_COMPAT};
    for (size_t k = 0; decoy && droot && k < sizeof profiles / sizeof profiles[0]; k++) {
        const char *name = tsp_profile_name(profiles[k]);
        uint8_t *tok = NULL, *mixed = NULL, *only = NULL;
        size_t len = 0, mixed_len = 0, only_len = 0;
        tsp_parsed t;
        char err[200];
        CHECK(fx_stamp(&fx, profiles[k], data, sizeof data, &tok, &len) == 0);
        CHECK(tok && tsp_parse(tok, len, &t, err, sizeof err) == 0);
        if (!tok) continue;
        CHECK_MSG(verify(tok, len, real_root, real_len, 2, &rep), "%s: the plain token fails: %s", name, rep.error);

        /* (1) decoy TSA certificate (same issuer and serial, other key) in front of the real one. */
        CHECK(fx_token_with_cert(&t, decoy, decoy_len, 1, &mixed, &mixed_len) == 0);
        CHECK_MSG(mixed && verify(mixed, mixed_len, real_root, real_len, 2, &rep),
                  "%s: a decoy certificate in front "
                  "of the real one makes the token fail: %s",
                  name, rep.error);
        CHECK_MSG(rep.error[0] == 0, "%s: accepted, but with an error left in the report: %s", name, rep.error);
        CHECK(fx_token_with_cert(&t, decoy, decoy_len, 0, &only, &only_len) == 0);
        CHECK_MSG(only && !verify(only, only_len, real_root, real_len, 2, &rep), "%s: accepted with only the decoy",
                  name);
        CHECK_MSG(strstr(rep.error, "ESSCertIDv2") != NULL, "%s: refused for another reason: %s", name, rep.error);

        /* (2) a root with the real root's subject but another key, given first (the ML-DSA root
         * is given too, for the ML-DSA signers). */
        const uint8_t *two[3] = {droot, fx.ml_ca_der, fx.ca_der};
        const size_t two_len[3] = {droot_len, fx.ml_ca_der_len, fx.ca_der_len};
        CHECK_MSG(verify(tok, len, two, two_len, 3, &rep), "%s: a same-name root given first makes the token fail: %s",
                  name, rep.error);
        CHECK_MSG(!verify(tok, len, two, two_len, 2, &rep),
                  "%s: accepted with only the same-name decoy root (and the "
                  "ML-DSA root)",
                  name);
        CHECK_MSG(strstr(rep.error, "chain invalid") != NULL, "%s: refused for another reason: %s", name, rep.error);
        free(tok), free(mixed), free(only);
    }
    free(decoy);
    free(droot);
    fx_free(&fx);
    return check_summary("test_tsp_certsel");
}

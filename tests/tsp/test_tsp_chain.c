/* test_tsp_chain.c: certificate path building backtracks (argv[1] = the cctsa binary). The PKI is
 * made here with OpenSSL's X509 API; the TSA key is the fixture's ECDSA key, certified below an
 * intermediate. Each case is verified by us and by OpenSSL (openssl ts -verify and openssl
 * verify, printed beside ours):
 *   - a re-issued intermediate whose expired old copy comes first (in --cert order, in the
 *     token's certificates as listed, and DER-sorted for strict mode);
 *   - a root rollover: old root (expired) and new root under one name, given old first, with the
 *     intermediate certified by both;
 *   - a search over thousands of dead-end paths stops at its bound and says so;
 *   - refusals name what failed (only the expired copy; a signer certificate that does not
 *     parse), and --ca/--cert PEM bundles load every certificate and say how many. */
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asn1/der.h"
#include "check.h"
#include "tsp/tsp_parse.h"
#include "tsp_fixture.h"

static const uint8_t data[] = "which path";
static const char *cctsa;

typedef struct {
    X509 *x;
    uint8_t *der;
    size_t len;
} cert;

/* A certificate for key `pub` named cn, issued by `issuer` (NULL: self-signed) with issuer_key,
 * valid from `from` to `to` days relative to now; ca or TSA extensions. */
static cert make(const char *cn, EVP_PKEY *pub, const cert *issuer, EVP_PKEY *issuer_key, long serial, double from,
                 double to, int ca)
{
    cert out = {0};
    X509 *c = X509_new();
    X509_NAME *name = X509_NAME_new();
    unsigned char *der = NULL;
    int n;
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *)"cctsa chain test", -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
    X509 *iss = issuer ? issuer->x : c;
    if (!X509_set_version(c, 2) || !ASN1_INTEGER_set(X509_get_serialNumber(c), serial) ||
        !X509_set_subject_name(c, name) || !X509_set_issuer_name(c, issuer ? X509_get_subject_name(issuer->x) : name) ||
        !X509_gmtime_adj(X509_getm_notBefore(c), (long)(from * 86400)) ||
        !X509_gmtime_adj(X509_getm_notAfter(c), (long)(to * 86400)) || !X509_set_pubkey(c, pub) ||
        fx_add_ext(c, iss, NID_subject_key_identifier, "hash") ||
        (issuer && fx_add_ext(c, iss, NID_authority_key_identifier, "keyid:always")) ||
        (ca ? fx_add_ext(c, iss, NID_basic_constraints, "critical,CA:TRUE") ||
                  fx_add_ext(c, iss, NID_key_usage, "critical,keyCertSign,cRLSign")
            : fx_add_ext(c, iss, NID_basic_constraints, "critical,CA:FALSE") ||
                  fx_add_ext(c, iss, NID_key_usage, "critical,digitalSignature") ||
                  fx_add_ext(c, iss, NID_ext_key_usage, "critical,timeStamping")) ||
        !X509_sign(c, issuer_key, EVP_sha384()) || (n = i2d_X509(c, &der)) <= 0) {
        X509_free(c);
        X509_NAME_free(name);
        return out;
    }
    out.x = c;
    out.der = malloc((size_t)n);
    memcpy(out.der, der, (size_t)n);
    out.len = (size_t)n;
    OPENSSL_free(der);
    X509_NAME_free(name);
    return out;
}

static void drop(cert *c)
{
    X509_free(c->x);
    free(c->der);
}

/* Write the certificates as one PEM bundle; returns the path (static buffer). */
static const char *bundle(const fx_pki *fx, const char *file, const cert *const *cs, int n)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", fx->dir, file);
    FILE *f = fopen(path, "w");
    for (int i = 0; f && i < n; i++) PEM_write_X509(f, cs[i]->x);
    if (f) fclose(f);
    return path;
}

static int ours(const uint8_t *tok, size_t len, const cert *const *roots, int nroots, const cert *const *extra,
                int nextra, int strict, tsp_verify_report *rep)
{
    tsp_verify_opts o = {0};
    for (int i = 0; i < nroots; i++) o.roots[i] = roots[i]->der, o.root_lens[i] = roots[i]->len;
    for (int i = 0; i < nextra; i++) o.extra_certs[i] = extra[i]->der, o.extra_lens[i] = extra[i]->len;
    o.nroots = nroots, o.nextra = nextra, o.no_strict = !strict;
    o.data = data, o.data_len = sizeof data;
    return tsp_verify(tok, len, &o, rep) == 0;
}

/* OpenSSL's verdicts (ts -verify on the token, verify on the leaf) with the same certificates in
 * the same order; printed, returned as 1 if both accept. */
static int openssl(fx_pki *fx, const char *what, const char *tok_path, const cert *leaf, const cert *const *roots,
                   int nroots, const cert *const *extra, int nextra)
{
    char cmd[2048], ca[256], untrusted[256], data_path[256], leaf_path[256];
    int s1, s2;
    snprintf(ca, sizeof ca, "%s", bundle(fx, "ossl-ca.pem", roots, nroots));
    snprintf(untrusted, sizeof untrusted, "%s", bundle(fx, "ossl-untrusted.pem", extra, nextra));
    snprintf(leaf_path, sizeof leaf_path, "%s", bundle(fx, "ossl-leaf.pem", &leaf, 1));
    snprintf(data_path, sizeof data_path, "%s", fx_write(fx, "data.bin", data, sizeof data));
    snprintf(cmd, sizeof cmd, "openssl ts -verify -token_in -in '%s' -data '%s' -CAfile '%s' -untrusted '%s'", tok_path,
             data_path, ca, untrusted);
    char *o1 = fx_run(cmd, &s1);
    snprintf(cmd, sizeof cmd, "openssl verify -CAfile '%s' -untrusted '%s' -purpose timestampsign '%s'", ca, untrusted,
             leaf_path);
    char *o2 = fx_run(cmd, &s2);
    int ts_ok = s1 == 0 && o1 && strstr(o1, "Verification: OK"), v_ok = s2 == 0;
    printf("%-58s openssl ts -verify: %s; openssl verify: %s\n", what, ts_ok ? "accepts" : "rejects",
           v_ok ? "accepts" : "rejects");
    free(o1);
    free(o2);
    return ts_ok && v_ok;
}

static void report(const char *what, int ok, const tsp_verify_report *rep)
{
    printf("%-58s cctsa: %s%s\n", what, ok ? "accepts" : "refuses: ", ok ? "" : rep->error);
}

static int cmp_span(const void *a, const void *b)
{
    const tsp_span *x = a, *y = b;
    return der_set_order_cmp(x->p, x->n, y->p, y->n);
}

static void reissued_intermediate(fx_pki *fx, EVP_PKEY *kr, EVP_PKEY *ki)
{
    cert r = make("chain root", kr, NULL, kr, 1, -1, 30, 1);
    cert i_old = make("chain intermediate", ki, &r, kr, 10, -60, -1, 1);
    cert i_new = make("chain intermediate", ki, &r, kr, 11, -0.1, 30, 1);
    cert leaf = make("chain TSA", fx->keys.ec_pkey, &i_new, ki, 100, -0.1, 20, 0);
    uint8_t *tok = NULL, *withcerts = NULL;
    size_t len = 0, wlen = 0;
    tsp_parsed t;
    char err[200];
    tsp_verify_report rep;
    CHECK(r.x && i_old.x && i_new.x && leaf.x);
    CHECK(tsp_local_keys_set_cert(&fx->keys, X509_ALG_ECDSA_P384, leaf.der, leaf.len) == 0);
    CHECK(fx_stamp(fx, TSP_PROFILE_CLASSIC, data, sizeof data, &tok, &len) == 0 &&
          tsp_parse(tok, len, &t, err, sizeof err) == 0);
    const char *tok_path = fx_write(fx, "reissued.tst", tok, len);
    char tp[256];
    snprintf(tp, sizeof tp, "%s", tok_path);
    const cert *roots[1] = {&r}, *old_first[2] = {&i_old, &i_new}, *new_first[2] = {&i_new, &i_old},
               *only_old[1] = {&i_old};

    int ok = ours(tok, len, roots, 1, old_first, 2, 1, &rep);
    report("re-issued intermediate, expired copy first (--cert)", ok, &rep);
    CHECK_MSG(ok, "expired copy first: %s", rep.error);
    CHECK_MSG(openssl(fx, "re-issued intermediate, expired copy first (--cert)", tp, &leaf, roots, 1, old_first, 2),
              "OpenSSL refuses the re-issued intermediate case");
    ok = ours(tok, len, roots, 1, new_first, 2, 1, &rep);
    CHECK_MSG(ok, "valid copy first: %s", rep.error);
    ok = ours(tok, len, roots, 1, only_old, 1, 1, &rep);
    report("only the expired copy", ok, &rep);
    CHECK_MSG(!ok && strstr(rep.error, "expired"), "only the expired copy: %s", ok ? "accepted" : rep.error);

    /* In the token: as listed (old copy first, --no-strict) and DER-sorted (strict). */
    tsp_span certs[3] = {t.certs[0], {i_old.der, i_old.len}, {i_new.der, i_new.len}};
    tsp_span signer = t.signers[0].tlv;
    CHECK(fx_signed_data(&t, 3, t.digest_algs, t.ndigest_algs, certs, 3, &signer, 1, &withcerts, &wlen) == 0);
    ok = ours(withcerts, wlen, roots, 1, NULL, 0, 0, &rep);
    report("re-issued intermediate in the token, expired copy first", ok, &rep);
    CHECK_MSG(ok, "in the token, listed: %s", rep.error);
    free(withcerts);
    qsort(certs, 3, sizeof certs[0], cmp_span);
    CHECK(fx_signed_data(&t, 3, t.digest_algs, t.ndigest_algs, certs, 3, &signer, 1, &withcerts, &wlen) == 0);
    ok = ours(withcerts, wlen, roots, 1, NULL, 0, 1, &rep);
    CHECK_MSG(ok, "in the token, sorted, strict: %s", rep.error);
    free(withcerts);

    /* A token whose only certificate does not parse: the error says so. */
    static const uint8_t junk[] = {0x30, 0x03, 0x02, 0x01, 0x01};
    CHECK(fx_token_with_cert(&t, junk, sizeof junk, 0, &withcerts, &wlen) == 0);
    ok = ours(withcerts, wlen, roots, 1, NULL, 0, 1, &rep);
    report("signer certificate does not parse", ok, &rep);
    CHECK_MSG(!ok && strstr(rep.error, "do not parse"), "junk certificate: %s", ok ? "accepted" : rep.error);
    free(withcerts);
    free(tok);
    drop(&r), drop(&i_old), drop(&i_new), drop(&leaf);
}

static void root_rollover(fx_pki *fx, EVP_PKEY *k_old, EVP_PKEY *k_new, EVP_PKEY *ki)
{
    cert r_old = make("rollover root", k_old, NULL, k_old, 1, -400, -1, 1);
    cert r_new = make("rollover root", k_new, NULL, k_new, 2, -0.1, 30, 1);
    cert j_old = make("rollover intermediate", ki, &r_old, k_old, 20, -0.1, 30, 1);
    cert j_new = make("rollover intermediate", ki, &r_new, k_new, 21, -0.1, 30, 1);
    cert leaf = make("rollover TSA", fx->keys.ec_pkey, &j_new, ki, 200, -0.1, 20, 0);
    uint8_t *tok = NULL;
    size_t len = 0;
    tsp_verify_report rep;
    CHECK(r_old.x && r_new.x && j_old.x && j_new.x && leaf.x);
    CHECK(tsp_local_keys_set_cert(&fx->keys, X509_ALG_ECDSA_P384, leaf.der, leaf.len) == 0);
    CHECK(fx_stamp(fx, TSP_PROFILE_CLASSIC, data, sizeof data, &tok, &len) == 0);
    char tp[256], data_path[256], cmd[2048];
    snprintf(tp, sizeof tp, "%s", fx_write(fx, "rollover.tst", tok, len));
    const cert *roots[2] = {&r_old, &r_new}, *extra[2] = {&j_old, &j_new}, *old_root[1] = {&r_old};
    int ok = ours(tok, len, roots, 2, extra, 2, 1, &rep);
    report("root rollover, old root and its intermediate first", ok, &rep);
    CHECK_MSG(ok, "rollover: %s", rep.error);
    openssl(fx, "root rollover, old root and its intermediate first", tp, &leaf, roots, 2, extra, 2);
    ok = ours(tok, len, old_root, 1, extra, 2, 1, &rep);
    report("root rollover, only the old (expired) root", ok, &rep);
    CHECK_MSG(!ok && strstr(rep.error, "expired"), "only the old root: %s", ok ? "accepted" : rep.error);

    /* The command line: --ca and --cert PEM bundles load every certificate and say so. */
    char ca[256], untrusted[256];
    int status;
    snprintf(ca, sizeof ca, "%s", bundle(fx, "roots.pem", roots, 2));
    snprintf(untrusted, sizeof untrusted, "%s", bundle(fx, "intermediates.pem", extra, 2));
    snprintf(data_path, sizeof data_path, "%s", fx_write(fx, "data.bin", data, sizeof data));
    snprintf(cmd, sizeof cmd, "'%s' verify '%s' --data '%s' --ca '%s' --cert '%s'", cctsa, tp, data_path, ca,
             untrusted);
    char *out = fx_run(cmd, &status);
    CHECK_MSG(status == 0 && out && strstr(out, "--ca: 2 certificate(s) loaded") &&
                  strstr(out, "--cert: 2 certificate(s) loaded") && strstr(out, "verification OK"),
              "cctsa verify with bundles: %d %s", status, out ? out : "");
    free(out);
    snprintf(cmd, sizeof cmd, "'%s' verify '%s' --data '%s' --ca '%s' --cert '%s'", cctsa, tp, data_path,
             bundle(fx, "old-root.pem", old_root, 1), untrusted);
    out = fx_run(cmd, &status);
    CHECK_MSG(status == 1 && out && strstr(out, "--ca: 1 certificate(s) loaded") && strstr(out, "expired"),
              "cctsa verify with the old root only: %d %s", status, out ? out : "");
    free(out);
    free(tok);
    drop(&r_old), drop(&r_new), drop(&j_old), drop(&j_new), drop(&leaf);
}

/* The root certificate re-issued for the same key (old copy expired), old copy given first. */
static void root_reissued(fx_pki *fx, EVP_PKEY *kr, EVP_PKEY *ki)
{
    cert r_old = make("reissued root", kr, NULL, kr, 1, -400, -1, 1);
    cert r_new = make("reissued root", kr, NULL, kr, 2, -0.1, 30, 1);
    cert j = make("reissued-root intermediate", ki, &r_new, kr, 30, -0.1, 30, 1);
    cert leaf = make("reissued-root TSA", fx->keys.ec_pkey, &j, ki, 300, -0.1, 20, 0);
    uint8_t *tok = NULL;
    size_t len = 0;
    tsp_verify_report rep;
    CHECK(r_old.x && r_new.x && j.x && leaf.x);
    CHECK(tsp_local_keys_set_cert(&fx->keys, X509_ALG_ECDSA_P384, leaf.der, leaf.len) == 0);
    CHECK(fx_stamp(fx, TSP_PROFILE_CLASSIC, data, sizeof data, &tok, &len) == 0);
    char tp[256];
    snprintf(tp, sizeof tp, "%s", fx_write(fx, "reissued-root.tst", tok, len));
    const cert *roots[2] = {&r_old, &r_new}, *extra[1] = {&j};
    int ok = ours(tok, len, roots, 2, extra, 1, 1, &rep);
    report("root re-issued for the same key, expired copy first", ok, &rep);
    CHECK_MSG(ok, "re-issued root: %s", rep.error);
    CHECK_MSG(openssl(fx, "root re-issued for the same key, expired copy first", tp, &leaf, roots, 2, extra, 1),
              "OpenSSL refuses the re-issued root case");
    free(tok);
    drop(&r_old), drop(&r_new), drop(&j), drop(&leaf);
}

/* Eight self-issued copies of one CA (same name and key, different serials) and no root for them:
 * every path through them is a dead end, and there are thousands of such paths. The search stops
 * at its bound and says so. */
static void bounded(fx_pki *fx, EVP_PKEY *kx, EVP_PKEY *kr)
{
    cert copies[8], unrelated = make("unrelated root", kr, NULL, kr, 1, -1, 30, 1);
    const cert *extra[8], *roots[1] = {&unrelated};
    for (int i = 0; i < 8; i++) {
        copies[i] = make("loop CA", kx, NULL, kx, 40 + i, -1, 30, 1);
        extra[i] = &copies[i];
        CHECK(copies[i].x != NULL);
    }
    cert leaf = make("loop TSA", fx->keys.ec_pkey, &copies[0], kx, 400, -0.1, 20, 0);
    uint8_t *tok = NULL;
    size_t len = 0;
    tsp_verify_report rep;
    CHECK(leaf.x && tsp_local_keys_set_cert(&fx->keys, X509_ALG_ECDSA_P384, leaf.der, leaf.len) == 0);
    CHECK(fx_stamp(fx, TSP_PROFILE_CLASSIC, data, sizeof data, &tok, &len) == 0);
    int ok = ours(tok, len, roots, 1, extra, 8, 1, &rep);
    report("8 same-name CA copies, no path to a root", ok, &rep);
    CHECK_MSG(!ok && strstr(rep.error, "too many candidate certificates"), "bounded search: %s",
              ok ? "accepted" : rep.error);
    free(tok);
    for (int i = 0; i < 8; i++) drop(&copies[i]);
    drop(&unrelated), drop(&leaf);
}

int main(int argc, char **argv)
{
    fx_pki fx;
    if (argc < 2) {
        fprintf(stderr, "usage: test_tsp_chain CCTSA_BINARY\n");
        return 2;
    }
    cctsa = argv[1];
    if (fx_init(&fx) != 0) return 1;
    EVP_PKEY *k1 = EVP_EC_gen("P-384"), *k2 = EVP_EC_gen("P-384"), *ki = EVP_EC_gen("P-384");
    CHECK(k1 && k2 && ki);
    if (k1 && k2 && ki) {
        reissued_intermediate(&fx, k1, ki);
        root_rollover(&fx, k1, k2, ki);
        root_reissued(&fx, k2, ki);
        bounded(&fx, ki, k1);
    }
    EVP_PKEY_free(k1);
    EVP_PKEY_free(k2);
    EVP_PKEY_free(ki);
    fx_free(&fx);
    return check_summary("test_tsp_chain");
}

/* tsp_devca.c: certify ephemeral TSA keys with the development CA's roots. */
#include "tsp/tsp_devca.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "x509/cert.h"
#include "x509/csr.h"
#include "x509/keyfile.h"
#include "x509/name.h"
#include "x509/pem.h"

/* 1 if the folder's root of issuer_alg was not created, 0 with *der, -1 with err. */
static int certify(const char *dir, int issuer_alg, int alg, const uint8_t *subject, size_t subject_len,
                   const uint8_t *pub, size_t publen, const x509_tcbinfo *tcb, const x509_span *policies, long lifetime,
                   uint8_t **der, size_t *len, char *err, size_t errlen)
{
    const char *tag = issuer_alg == X509_ALG_ECDSA_P384 ? "ecdsa" : "mldsa";
    char key_path[4096], cert_path[4096];
    uint8_t *root_der = NULL;
    size_t root_len = 0;
    x509_keypair root_key = {0};
    x509_cert root;
    int rc = -1;
    *der = NULL;
    snprintf(key_path, sizeof key_path, "%s/root-%s.key", dir, tag);
    snprintf(cert_path, sizeof cert_path, "%s/root-%s.pem", dir, tag);
    if (access(key_path, R_OK) != 0 || access(cert_path, R_OK) != 0) return 1; /* this root was not created */
    if (x509_read_pem_or_der(cert_path, "CERTIFICATE", &root_der, &root_len) != 0 ||
        x509_cert_parse(&root, root_der, root_len) != 0 || x509_keypair_load(&root_key, key_path) != 0 ||
        root_key.alg != issuer_alg || root.key_alg != issuer_alg || root_key.signer.publen != root.pub.len ||
        memcmp(root_key.signer.pub, root.pub.p, root.pub.len)) {
        snprintf(err, errlen, "dev CA %s: cannot load the %s root, or its key %s does not match its certificate %s",
                 dir, tag, key_path, cert_path);
        goto out;
    }
    if (lifetime < 1) lifetime = (long)TSP_DEVCA_CERT_DAYS * 86400;
    time_t now = time(NULL);
    x509_cert_template t = {.profile = X509_PROFILE_TSA,
                            .issuer = root.subject.p,
                            .issuer_len = root.subject.len,
                            .subject = subject,
                            .subject_len = subject_len,
                            .not_before = now - 300,
                            .not_after = now + (time_t)lifetime,
                            .subject_alg = alg,
                            .subject_pub = pub,
                            .subject_publen = publen,
                            .issuer_key_id = root.ski.p,
                            .issuer_key_id_len = root.ski.len,
                            .path_len = -1,
                            .tcbinfo = tcb,
                            .policies = policies && policies->len ? policies->p : NULL,
                            .policies_len = policies ? policies->len : 0};
    if (t.not_after > root.not_after) t.not_after = root.not_after; /* never outlive the root */
    if (x509_cert_build(&t, &root_key.signer, der, len) != 0) {
        snprintf(err, errlen, "dev CA %s: cannot issue the %s TSA certificate: %s", dir, tag, x509_error_reason());
        goto out;
    }
    rc = 0;
out:
    x509_keypair_free(&root_key);
    free(root_der);
    return rc;
}

static int issue_one(const char *dir, int alg, tsp_local_keys *k, const uint8_t *measurement, long lifetime, char *err,
                     size_t errlen)
{
    char subject[128];
    uint8_t *name = NULL, *der = NULL;
    size_t name_len = 0, len = 0;
    const x509_signer *tsa = alg == X509_ALG_ECDSA_P384 ? &k->ec_signer : &k->ml_signer;
    snprintf(subject, sizeof subject, "CN=cctsa development TSA (%s),O=cctsa development",
             alg == X509_ALG_ECDSA_P384 ? "ECDSA P-384" : "ML-DSA-65");
    if (x509_name_from_string(subject, &name, &name_len) != 0) return -1;
    x509_tcbinfo tcb = {.vendor = "AMD", .model = "SEV-SNP", .svn = -1};
    if (measurement) memcpy(tcb.measurement, measurement, sizeof tcb.measurement);
    int rc = certify(dir, alg, alg, name, name_len, tsa->pub, tsa->publen, measurement ? &tcb : NULL, NULL, lifetime,
                     &der, &len, err, errlen);
    if (rc == 0 && tsp_local_keys_set_cert(k, alg, der, len) != 0) rc = -1;
    free(name);
    free(der);
    return rc;
}

int tsp_devca_certify_csr(const char *dir, const x509_csr *r, int issuer_alg, const x509_tcbinfo *tcb, long lifetime,
                          uint8_t **cert, size_t *cert_len, char *err, size_t errlen)
{
    *cert = NULL;
    *cert_len = 0;
    if (r->key_alg != X509_ALG_ECDSA_P384 && r->key_alg != X509_ALG_MLDSA65) {
        snprintf(err, errlen, "dev CA: CSR key algorithm not supported");
        return -1;
    }
    if (!issuer_alg) issuer_alg = r->key_alg;
    int rc = certify(dir, issuer_alg, r->key_alg, r->subject.p, r->subject.len, r->pub.p, r->pub.len, tcb, &r->policies,
                     lifetime, cert, cert_len, err, errlen);
    if (rc == 1)
        snprintf(err, errlen, "dev CA %s: no %s root (run cctsa ca init?)", dir,
                 issuer_alg == X509_ALG_ECDSA_P384 ? "ECDSA" : "ML-DSA");
    return rc == 0 ? 0 : -1;
}

int tsp_devca_sign_csr(const char *dir, const uint8_t *csr, size_t csr_len, const uint8_t *measurement, long lifetime,
                       uint8_t **cert, size_t *cert_len, char *err, size_t errlen)
{
    x509_csr r;
    *cert = NULL;
    *cert_len = 0;
    if (x509_csr_parse(&r, csr, csr_len) != 0 || x509_csr_verify(&r) != 0) {
        snprintf(err, errlen, "dev CA: CSR rejected: %s", x509_error_reason());
        return -1;
    }
    x509_tcbinfo tcb = {.vendor = "AMD", .model = "SEV-SNP", .svn = -1};
    if (measurement) {
        memcpy(tcb.measurement, measurement, sizeof tcb.measurement);
    } else if (r.tcbinfo.len) {
        x509_tcbinfo_view v;
        if (x509_tcbinfo_parse(r.tcbinfo.p, r.tcbinfo.len, &v) != 0 || !v.has_measurement || v.flags) {
            snprintf(err, errlen, "dev CA: CSR TcbInfo unusable (no SHA-384 measurement, or operational flags set)");
            return -1;
        }
        memcpy(tcb.measurement, v.measurement, sizeof tcb.measurement);
        measurement = tcb.measurement;
    }
    return tsp_devca_certify_csr(dir, &r, 0, measurement ? &tcb : NULL, lifetime, cert, cert_len, err, errlen);
}

int tsp_devca_issue(const char *dir, tsp_local_keys *k, const uint8_t *measurement, long lifetime, unsigned *issued,
                    char *err, size_t errlen)
{
    *issued = 0;
    if (lifetime < 1) lifetime = (long)TSP_DEVCA_CERT_DAYS * 86400;
    int e = issue_one(dir, X509_ALG_ECDSA_P384, k, measurement, lifetime, err, errlen);
    if (e < 0) return -1;
    int m = issue_one(dir, X509_ALG_MLDSA65, k, measurement, lifetime, err, errlen);
    if (m < 0) return -1;
    if (e == 0) *issued |= 1u << X509_ALG_ECDSA_P384;
    if (m == 0) *issued |= 1u << X509_ALG_MLDSA65;
    if (!*issued) {
        snprintf(err, errlen, "dev CA %s: no root-ecdsa.{key,pem} or root-mldsa.{key,pem} (run cctsa ca init --dir %s)",
                 dir, dir);
        return -1;
    }
    return 0;
}

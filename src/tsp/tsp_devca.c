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

/* Certify (subject, pub) of algorithm alg with the folder's root of the same algorithm. 1 if that
 * root was not created, 0 with *der, -1 with err. */
static int certify(const char *dir, int alg, const uint8_t *subject, size_t subject_len, const uint8_t *pub,
                   size_t publen, const uint8_t *measurement, long lifetime, uint8_t **der, size_t *len, char *err,
                   size_t errlen)
{
    const char *tag = alg == X509_ALG_ECDSA_P384 ? "ecdsa" : "mldsa";
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
        root_key.alg != alg || root.key_alg != alg) {
        snprintf(err, errlen, "dev CA %s: cannot load the %s root (key %s, certificate %s)", dir, tag, key_path, cert_path);
        goto out;
    }
    x509_tcbinfo tcb = {.vendor = "AMD", .model = "SEV-SNP", .svn = -1};
    if (measurement) memcpy(tcb.measurement, measurement, sizeof tcb.measurement);
    if (lifetime < 1) lifetime = (long)TSP_DEVCA_CERT_DAYS * 86400;
    time_t now = time(NULL);
    x509_cert_template t = {.profile = X509_PROFILE_TSA, .issuer = root.subject.p, .issuer_len = root.subject.len,
                            .subject = subject, .subject_len = subject_len, .not_before = now - 300,
                            .not_after = now + (time_t)lifetime, .subject_alg = alg,
                            .subject_pub = pub, .subject_publen = publen, .issuer_key_id = root.ski.p,
                            .issuer_key_id_len = root.ski.len, .path_len = -1, .tcbinfo = measurement ? &tcb : NULL};
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
    int rc = certify(dir, alg, name, name_len, tsa->pub, tsa->publen, measurement, lifetime, &der, &len, err, errlen);
    if (rc == 0 && tsp_local_keys_set_cert(k, alg, der, len) != 0) rc = -1;
    free(name);
    free(der);
    return rc;
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
    if (r.key_alg != X509_ALG_ECDSA_P384 && r.key_alg != X509_ALG_MLDSA65) {
        snprintf(err, errlen, "dev CA: CSR key algorithm not supported");
        return -1;
    }
    uint8_t from_csr[X509_MEASUREMENT_BYTES];
    if (!measurement && r.tcbinfo.len) {
        x509_tcbinfo_view v;
        if (x509_tcbinfo_parse(r.tcbinfo.p, r.tcbinfo.len, &v) != 0 || !v.has_measurement ||
            (v.flags & X509_TCB_DEBUG)) {
            snprintf(err, errlen, "dev CA: CSR TcbInfo unusable (no SHA-384 measurement, or debug set)");
            return -1;
        }
        memcpy(from_csr, v.measurement, sizeof from_csr);
        measurement = from_csr;
    }
    int rc = certify(dir, r.key_alg, r.subject.p, r.subject.len, r.pub.p, r.pub.len, measurement, lifetime, cert,
                     cert_len, err, errlen);
    if (rc == 1) snprintf(err, errlen, "dev CA %s: no root for the CSR's key algorithm", dir);
    return rc == 0 ? 0 : -1;
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
        snprintf(err, errlen, "dev CA %s: no root-ecdsa.{key,pem} or root-mldsa.{key,pem} (run cctsa ca init --dir %s)", dir, dir);
        return -1;
    }
    return 0;
}

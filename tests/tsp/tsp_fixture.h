/* tsp_fixture.h: test PKI for the tsp tests. The ECDSA side is made with OpenSSL's own X509 API
 * (independent of src/x509): an ECDSA P-384 root CA and the ECDSA TSA certificate (EKU
 * timeStamping, critical). The ML-DSA side is made with src/x509 (OpenSSL 3.0 knows no ML-DSA): an
 * ML-DSA-65 root that issues the ML-DSA-65 TSA certificate, so the ML-DSA signer's chain is
 * ML-DSA throughout (post-quantum assurance). For the negative cases the fixture also holds an
 * ML-DSA TSA certificate for the same key issued by the ECDSA root (OpenSSL-made, id-ml-dsa-65
 * SPKI), selected with fx_use_ml_cert. Writes the PEM files openssl ts -verify and the Node
 * verifier need into a temporary folder. Also small shared helpers. */
#ifndef CCTSA_TESTS_TSP_FIXTURE_H
#define CCTSA_TESTS_TSP_FIXTURE_H

#include <openssl/x509.h>

#include "tsp/tsp_engine.h"
#include "tsp/tsp_parse.h"
#include "tsp/tsp_signer.h"
#include "tsp/tsp_verify.h"
#include "x509/keyfile.h"

typedef struct {
    char dir[64];           /* temporary folder, removed by fx_free */
    char ca_pem[128];       /* ECDSA root certificate (PEM) */
    char ml_ca_pem[128];    /* ML-DSA-65 root certificate (PEM) */
    char other_ca_pem[128]; /* an unrelated root, for negative chain tests */
    uint8_t *ca_der, *ml_ca_der;
    size_t ca_der_len, ml_ca_der_len;
    x509_keypair ml_root;                     /* the ML-DSA-65 root's key (src/x509 signer) */
    uint8_t *ml_cert_mlroot, *ml_cert_ecroot; /* the ML-DSA TSA certificate under each root */
    size_t ml_cert_mlroot_len, ml_cert_ecroot_len;
    tsp_local_keys keys; /* both TSA keys; the ML-DSA one certified by the ML-DSA root */
    tsp_engine *engine;  /* system clock, default profile classic */
} fx_pki;

/* 0 on success. */
int fx_init(fx_pki *fx);
void fx_free(fx_pki *fx);
/* Write bytes to dir/name; returns the path (static buffer, overwritten by the next call). */
const char *fx_write(const fx_pki *fx, const char *name, const uint8_t *p, size_t n);
/* Run a shell command, capture its stdout+stderr into a malloc'd string; *status = exit code. */
char *fx_run(const char *cmd, int *status);
/* Case-insensitive substring test. */
int fx_contains_ci(const char *hay, const char *needle);
/* Certify the ML-DSA TSA key by the ECDSA root (1: no post-quantum assurance) or by the ML-DSA
 * root (0, the default); tokens stamped afterwards carry that certificate. 0 on success. */
int fx_use_ml_cert(fx_pki *fx, int under_ecdsa_root);
/* Trust both roots (ECDSA, ML-DSA) in o. */
void fx_roots(const fx_pki *fx, tsp_verify_opts *o);
/* "--ca 'ECDSA root' --ca 'ML-DSA root'" for the Node verifier and cctsa verify (static buffer). */
const char *fx_ca_args(const fx_pki *fx);
/* Build a certificate with src/x509: profile X509_PROFILE_ROOT_CA (a CA: self-signed root when
 * issuer_der is NULL, else an intermediate) or X509_PROFILE_TSA, for subject_dn ("CN=..,O=..")
 * and the key (alg, pub), signed by issuer (whose certificate is issuer_der, or the new one
 * itself). Valid from an hour ago for 30 days. *der malloc'd. 0 on success. */
int fx_x509_cert(int profile, const x509_signer *issuer, const uint8_t *issuer_der, size_t issuer_len,
                 const char *subject_dn, int alg, const uint8_t *pub, size_t publen, uint8_t **der, size_t *len);
/* Add the extension nid = value (OpenSSL config syntax, e.g. "critical,CA:TRUE") to cert, with
 * issuer as the issuer for keyid lookups. 0 or -1. */
int fx_add_ext(X509 *cert, X509 *issuer, int nid, const char *value);
/* Ask the engine for a token over data (sha256, certReq) on profile p; bare token out (malloc'd). */
int fx_stamp(fx_pki *fx, tsp_profile p, const uint8_t *data, size_t len, uint8_t **token, size_t *token_len);

/* A token (ContentInfo with SignedData) around t's TSTInfo with the given version, digestAlgorithms
 * elements, certificates and SignerInfo elements (each a whole DER element). Caller frees *out. */
int fx_signed_data(const tsp_parsed *t, uint64_t version, const tsp_span *digest_algs, int ndigest,
                   const tsp_span *certs, int ncerts, const tsp_span *signers, int nsigners, uint8_t **out,
                   size_t *out_len);
/* The parsed token t re-encoded with the certificate(s) `extra` put in front of its certificates
 * (keep_real = 0: instead of them); signatures untouched. Caller frees *out. */
int fx_token_with_cert(const tsp_parsed *t, const uint8_t *extra, size_t extra_len, int keep_real, uint8_t **out,
                       size_t *out_len);

#endif

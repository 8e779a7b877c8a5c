/* tsp_fixture.h: test PKI for the tsp tests, made with OpenSSL's own X509 API (independent of
 * src/x509): an ECDSA P-384 root CA, and TSA certificates (EKU timeStamping, critical) for the
 * local ECDSA and ML-DSA-65 signers, the ML-DSA key carried as an id-ml-dsa-65 SPKI. Writes the
 * PEM files openssl ts -verify needs into a temporary folder. Also small shared helpers. */
#ifndef CCTSA_TESTS_TSP_FIXTURE_H
#define CCTSA_TESTS_TSP_FIXTURE_H

#include "tsp/tsp_engine.h"
#include "tsp/tsp_signer.h"

typedef struct {
    char dir[64];          /* temporary folder, removed by fx_free */
    char ca_pem[128];      /* root certificate (PEM) */
    char other_ca_pem[128]; /* an unrelated root, for negative chain tests */
    uint8_t *ca_der;
    size_t ca_der_len;
    tsp_local_keys keys;   /* both TSA keys, with certificates issued by the root */
    tsp_engine *engine;    /* system clock, default profile classic */
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
/* Ask the engine for a token over data (sha256, certReq) on profile p; bare token out (malloc'd). */
int fx_stamp(fx_pki *fx, tsp_profile p, const uint8_t *data, size_t len, uint8_t **token, size_t *token_len);

#endif

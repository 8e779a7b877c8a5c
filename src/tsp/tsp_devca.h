/* tsp_devca.h: development-mode TSA certificates. Given a dev CA folder made by `cctsa ca init`
 * (root-ecdsa.{key,pem}, root-mldsa.{key,pem}), certify the ephemeral in-memory TSA keys of a
 * tsp_local_keys: ECDSA key by the ECDSA root, ML-DSA key by the ML-DSA root. Root keys are
 * loaded, used once and wiped; nothing is written. */
#ifndef CCTSA_TSP_DEVCA_H
#define CCTSA_TSP_DEVCA_H

#include <stddef.h>

#include "base/base.h"
#include <stdint.h>

#include "tsp/tsp_signer.h"
#include "x509/csr.h"
#include "x509/tcbinfo.h"

#define TSP_DEVCA_CERT_DAYS 90 /* default lifetime; the gateway renews when a third is left */

/* Issue what the folder's roots allow (at least one), valid from 5 minutes ago until lifetime
 * seconds from now (never past the root's notAfter). measurement: 48 bytes for the TcbInfo
 * extension, or NULL. Calling it again replaces the certificates (renewal). *issued gets a bit
 * per algorithm certified (1 << X509_ALG_*). 0 or -1 with err. */
CC_MUST_CHECK int tsp_devca_issue(const char *dir, tsp_local_keys *k, const uint8_t *measurement, long lifetime,
                                  unsigned *issued, char *err, size_t errlen);

/* Certify a parsed and verified CSR (its subject, key and requested certificatePolicies; TSA
 * profile) with the folder's root of
 * issuer_alg (X509_ALG_*; 0: the CSR key's algorithm), tcb as TcbInfo (NULL: none), valid from 5
 * minutes ago for lifetime seconds (< 1: TSP_DEVCA_CERT_DAYS), never past the root's notAfter.
 * 0 with *cert (malloc'd DER), or -1 with err. `cctsa ca sign` and the cluster use it. */
CC_MUST_CHECK int tsp_devca_certify_csr(const char *dir, const x509_csr *r, int issuer_alg, const x509_tcbinfo *tcb,
                                        long lifetime, uint8_t **cert, size_t *cert_len, char *err, size_t errlen);

/* Issue a TSA certificate for a PKCS#10 request (strictly parsed, self-signature verified) with the
 * folder's root of the request key's algorithm: the request's subject and key, the TSA profile,
 * validity as above. measurement: 48 bytes for TcbInfo, or NULL to take it from the request's
 * TcbInfo (refused if that has no SHA-384 measurement or the debug flag), or none if it has none.
 * 0 with *cert (malloc'd DER), or -1 with err. */
CC_MUST_CHECK int tsp_devca_sign_csr(const char *dir, const uint8_t *csr, size_t csr_len, const uint8_t *measurement,
                                     long lifetime, uint8_t **cert, size_t *cert_len, char *err, size_t errlen);

#endif

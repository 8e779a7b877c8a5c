/* csr.h: PKCS#10 certification requests (RFC 2986) for ECDSA P-384 and ML-DSA-65 keys, signed by
 * the key being certified through an x509_signer (so a threshold cluster can sign its own CSR),
 * optionally carrying the TcbInfo measurement in an extensionRequest attribute; strict parsing and
 * self-signature verification. */
#ifndef CCTSA_X509_CSR_H
#define CCTSA_X509_CSR_H

#include <stddef.h>

#include "base/base.h"
#include <stdint.h>

#include "x509/cert.h"
#include "x509/signer.h"
#include "x509/tcbinfo.h"

/* subject: Name DER. tcbinfo may be NULL. *der is malloc'd. 0 or -1. */
CC_MUST_CHECK int x509_csr_build(const uint8_t *subject, size_t subject_len, const x509_signer *key,
                                 const x509_tcbinfo *tcbinfo, uint8_t **der, size_t *len);
/* The same, also requesting certificatePolicies (policies: its extnValue DER, or NULL). */
CC_MUST_CHECK int x509_csr_build_ext(const uint8_t *subject, size_t subject_len, const x509_signer *key,
                                     const x509_tcbinfo *tcbinfo, const uint8_t *policies, size_t policies_len,
                                     uint8_t **der, size_t *len);
/* certificatePolicies extnValue: SEQUENCE OF PolicyInformation { policyIdentifier } for n OID
 * contents (no qualifiers). *der malloc'd. 0 or -1. */
CC_MUST_CHECK int x509_policies_encode(const uint8_t *const *oids, const size_t *lens, size_t n, uint8_t **der,
                                       size_t *len);

typedef struct {
    x509_span info;    /* CertificationRequestInfo TLV: the signed bytes */
    x509_span subject; /* Name TLV */
    x509_span spki;    /* SubjectPublicKeyInfo TLV */
    int key_alg;       /* X509_ALG_* (X509_ALG_NONE if unsupported) */
    x509_span pub;
    int sig_alg;
    x509_span signature;
    x509_span tcbinfo;  /* DiceTcbInfo TLV from the extensionRequest, empty if absent */
    x509_span policies; /* certificatePolicies extnValue from the extensionRequest, empty if absent */
} x509_csr;

/* Strict parse; spans point into der. 0 or -1. */
CC_MUST_CHECK int x509_csr_parse(x509_csr *r, const uint8_t *der, size_t len);
/* The request is signed by the key it carries. 0 or -1. */
CC_MUST_CHECK int x509_csr_verify(const x509_csr *r);

#endif

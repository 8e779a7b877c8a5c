/* x509_internal.h: encoding pieces shared by the certificate and CSR code (not a public API):
 * AlgorithmIdentifier and SubjectPublicKeyInfo for our two algorithms, Extension framing, and
 * the signed envelope SEQUENCE { tbs, signatureAlgorithm, BIT STRING } common to both. */
#ifndef CCTSA_X509_INTERNAL_H
#define CCTSA_X509_INTERNAL_H

#include "base/base.h"

#include "asn1/der.h"
#include "x509/cert.h"
#include "x509/signer.h"

void x509_put_sig_alg(der_writer *w, int alg); /* signatureAlgorithm for a signer's alg */
void x509_put_spki(der_writer *w, int alg, const uint8_t *pub, size_t publen);
/* Extension ::= SEQUENCE { extnID, critical DEFAULT FALSE, extnValue OCTET STRING }. */
void x509_put_extension(der_writer *w, const uint8_t *oid, size_t oidlen, int critical, const uint8_t *val,
                        size_t vallen);

/* Sign the DER tbs with s and wrap it: SEQUENCE { tbs, sigAlg, BIT STRING sig }. */
CC_MUST_CHECK int x509_sign_envelope(const uint8_t *tbs, size_t tbslen, const x509_signer *s, uint8_t **out,
                                     size_t *outlen);

/* Parse the envelope: exactly one SEQUENCE of three elements; the tbs span is the whole TLV.
 * *sigalg_tlv is the signatureAlgorithm element (to compare with the one inside tbs). */
CC_MUST_CHECK int x509_parse_envelope(const uint8_t *der, size_t len, x509_span *tbs, x509_span *sigalg_tlv,
                                      int *sig_alg, x509_span *signature);
/* signatureAlgorithm AlgorithmIdentifier -> X509_ALG_* (X509_ALG_NONE if unsupported); DER_ERR if malformed. */
CC_MUST_CHECK int x509_parse_sig_alg(const der_elem *algid, int *alg);
/* SubjectPublicKeyInfo element -> alg (X509_ALG_NONE if unsupported) and the raw key. */
CC_MUST_CHECK int x509_parse_spki(const der_elem *spki, int *alg, x509_span *pub);
/* A Name: SEQUENCE OF SET OF { OID, value }, each RDN non-empty. */
CC_MUST_CHECK int x509_check_name(const der_elem *name);

/* Record why the last x509 call failed (static string); returns -1. */
int x509_fail(const char *reason);

#endif

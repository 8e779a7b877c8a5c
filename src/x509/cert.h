/* cert.h: X.509 v3 certificates for the TSA: building (root CA and TSA leaf profiles, signed
 * through an x509_signer), strict parsing into the fields a verifier needs (all spans point into
 * the caller's DER buffer), signature verification against an issuer certificate for ECDSA P-384
 * and ML-DSA-65, and a leaf-to-root chain check (validity, CA basicConstraints, key usage). */
#ifndef CCTSA_X509_CERT_H
#define CCTSA_X509_CERT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/base.h"

#include "x509/signer.h"
#include "x509/tcbinfo.h"

typedef struct {
    const uint8_t *p;
    size_t len;
} x509_span;

/* KeyUsage named bits (RFC 5280 4.2.1.3), as flags for der_put_bit_flags. */
enum {
    X509_KU_DIGITAL_SIGNATURE = 1u << 0,
    X509_KU_NON_REPUDIATION = 1u << 1,
    X509_KU_KEY_CERT_SIGN = 1u << 5,
    X509_KU_CRL_SIGN = 1u << 6
};

enum {
    X509_PROFILE_ROOT_CA = 1,
    X509_PROFILE_TSA = 2
};

#define X509_KEYID_BYTES 20 /* SKI: first 160 bits of SHA-256(subjectPublicKey), RFC 7093 method 1 */
#define X509_SERIAL_MAX 20  /* RFC 5280 4.1.2.2 */

typedef struct {
    int profile;           /* X509_PROFILE_ROOT_CA or X509_PROFILE_TSA */
    const uint8_t *serial; /* magnitude, 1..20 bytes; NULL = 16 random bytes */
    size_t serial_len;
    const uint8_t *issuer; /* issuer Name DER; NULL for a self-signed root (= subject) */
    size_t issuer_len;
    const uint8_t *subject; /* subject Name DER */
    size_t subject_len;
    time_t not_before, not_after;
    int subject_alg; /* X509_ALG_* of the certified key */
    const uint8_t *subject_pub;
    size_t subject_publen;
    const uint8_t *issuer_key_id; /* AKI keyIdentifier (issuer's SKI); NULL: none (roots) */
    size_t issuer_key_id_len;
    int path_len;                /* CA only: pathLenConstraint, or -1 for none */
    const x509_tcbinfo *tcbinfo; /* TSA only, optional: the launch measurement extension */
    const uint8_t *policies;     /* TSA only, optional: certificatePolicies extnValue DER (non-critical) */
    size_t policies_len;
} x509_cert_template;

/* Build and sign a certificate; *der is malloc'd (free with free()). 0 or -1. */
CC_MUST_CHECK int x509_cert_build(const x509_cert_template *t, const x509_signer *issuer, uint8_t **der, size_t *len);
/* The SKI we put in certificates for a subjectPublicKey. */
CC_MUST_CHECK int x509_key_id(const uint8_t *pub, size_t publen, uint8_t id[X509_KEYID_BYTES]);

typedef struct {
    x509_span der;             /* the whole certificate */
    x509_span tbs;             /* TBSCertificate TLV: the signed bytes */
    int version;               /* 1 or 3 */
    x509_span serial;          /* INTEGER magnitude */
    int sig_alg;               /* X509_ALG_* of signatureAlgorithm (X509_ALG_NONE if unsupported) */
    x509_span issuer, subject; /* Name TLVs */
    time_t not_before, not_after;
    x509_span spki;      /* SubjectPublicKeyInfo TLV */
    int key_alg;         /* X509_ALG_* of the subject key (X509_ALG_NONE if unsupported) */
    x509_span pub;       /* raw subject public key */
    x509_span signature; /* signatureValue contents */
    /* extensions */
    int has_basic_constraints, is_ca, path_len; /* path_len -1 if absent */
    int has_key_usage;
    uint32_t key_usage;
    int has_eku, eku_critical, eku_time_stamping, eku_other; /* eku_other: other purposes present */
    x509_span ski, aki;                                      /* keyIdentifier contents (empty if absent) */
    x509_span tcbinfo;                                       /* DiceTcbInfo TLV (empty if absent) */
    int unknown_critical;                                    /* count of critical extensions we do not understand */
} x509_cert;

/* Strict DER parse; c's spans point into der, which must outlive c. 0 or -1. */
CC_MUST_CHECK int x509_cert_parse(x509_cert *c, const uint8_t *der, size_t len);
/* c's signature checks out under issuer's public key. 0 or -1. */
CC_MUST_CHECK int x509_cert_verify_signed_by(const x509_cert *c, const x509_cert *issuer);
/* RFC 3161 2.3: exactly one EKU, critical, id-kp-timeStamping; key usage (if any) allows signing. */
CC_MUST_CHECK int x509_cert_check_tsa(const x509_cert *c);
/* Chain certs[0] (leaf) .. certs[n-1] (trust anchor, self-signed): names link, every signature
 * verifies, each cert is valid at `at`, issuers are CAs with keyCertSign and within pathLen, and
 * no unknown critical extension appears. 0 or -1 (reason in x509_error_reason()). */
CC_MUST_CHECK int x509_chain_verify(const x509_cert *certs, size_t n, time_t at);
/* The 48-byte SHA-384 launch measurement from the certificate's TcbInfo; 0, or -1 if absent. */
CC_MUST_CHECK int x509_cert_measurement(const x509_cert *c, uint8_t out[X509_MEASUREMENT_BYTES]);
/* The TcbInfo's OperationalFlags (X509_TCB_*, 0 when the field is absent); 0, or -1 if the
 * certificate has no (parsable) TcbInfo. */
CC_MUST_CHECK int x509_cert_tcb_flags(const x509_cert *c, uint32_t *flags);

/* Why the last x509 call failed on this thread (static string). */
const char *x509_error_reason(void);

#endif

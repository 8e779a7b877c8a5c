/* binding.h: the binding record, the public statement that this measured software holds this
 * key: the measurement, both TSA certificates (ECDSA P-384 and ML-DSA-65 group keys), each node's
 * attestation report with its endorsement chain and chip id, the DKG transcript hash and the time,
 * DER-encoded and signed by both group keys. Owned here: the format (docs/binding-record.md), the
 * REPORT_DATA derivation, the builder (signing through x509_signer, so the keys can be local or the
 * threshold cluster) and the offline verifier behind `cctsa verify-binding`. */
#ifndef CCTSA_ATTEST_BINDING_H
#define CCTSA_ATTEST_BINDING_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/base.h"

#include "attest/attest.h"
#include "x509/signer.h"

#define BINDING_VERSION 1
#define BINDING_MAX_NODES 16
#define BINDING_HASH_BYTES 48 /* DKG transcript hash (SHA-384) */
#define BINDING_MAX_BYTES (1u << 20)

typedef struct {
    const uint8_t *chip_id; /* as in the report: 64 bytes, 8 on Turin, empty for VLEK/masked */
    size_t chip_id_len;
    const uint8_t *report;       /* 1184 bytes */
    const uint8_t *endorsements; /* concatenated DER certificates */
    size_t endorsements_len;
} binding_node;

typedef struct {
    attest_provider provider;
    uint8_t measurement[ATTEST_MEASUREMENT_BYTES];
    const uint8_t *ecdsa_cert, *mldsa_cert; /* DER TSA certificates of the two group keys */
    size_t ecdsa_cert_len, mldsa_cert_len;
    uint8_t transcript_hash[BINDING_HASH_BYTES];
    time_t time;
    binding_node nodes[BINDING_MAX_NODES];
    size_t nnodes;
} binding_content;

/* REPORT_DATA every node's report carries: SHA-512("cctsa-binding-report-data-v1" || 0x00 ||
 * transcript hash). */
void binding_report_data(const uint8_t transcript_hash[BINDING_HASH_BYTES], uint8_t out[ATTEST_BINDING_BYTES]);

/* Encode and sign (ecdsa: X509_ALG_ECDSA_P384 signer, mldsa: X509_ALG_MLDSA65 signer). The signed
 * message is "cctsa-binding-record-v1" || 0x00 || DER(BindingContent). *der malloc'd. 0 or -1. */
CC_MUST_CHECK int binding_build(const binding_content *c, const x509_signer *ecdsa, const x509_signer *mldsa,
                                uint8_t **der, size_t *len);

/* Strict parse; spans point into der. 0 or -1. */
typedef struct {
    binding_content c;
    const uint8_t *tbs; /* BindingContent TLV */
    size_t tbs_len;
    const uint8_t *ecdsa_sig, *mldsa_sig;
    size_t ecdsa_sig_len, mldsa_sig_len;
} binding_view;
CC_MUST_CHECK int binding_parse(const uint8_t *der, size_t len, binding_view *v);

/* Checks of the record, each its own bit in binding_verdict.failed. */
typedef enum {
    BINDING_ERR_FORMAT = 0,     /* not a well-formed binding record */
    BINDING_ERR_PROVIDER,       /* record's provider differs from the verifier's configured one */
    BINDING_ERR_REPORT,         /* a node's report or chain failed attest_verify (see lines) */
    BINDING_ERR_REPORT_DATA,    /* a report's REPORT_DATA is not the record's binding */
    BINDING_ERR_CHIP_ID,        /* a node's chip id field differs from its report's CHIP_ID */
    BINDING_ERR_CHIPS_DISTINCT, /* chip ids repeat or are missing (VLEK, masked) */
    BINDING_ERR_CERT,           /* a TSA certificate: parse, key algorithm, TSA profile or chain to --ca */
    BINDING_ERR_TCBINFO,        /* a certificate's TcbInfo measurement differs from the record's */
    BINDING_ERR_SIG_ECDSA,      /* the ECDSA P-384 group signature */
    BINDING_ERR_SIG_MLDSA,      /* the ML-DSA-65 group signature */
    BINDING_ERR_COUNT
} binding_err;
const char *binding_err_name(binding_err e);

#define BINDING_MAX_LINES 48
typedef struct {
    uint32_t failed; /* bit (1 << binding_err) per failed check */
    int nlines;
    char lines[BINDING_MAX_LINES][200]; /* one line per check performed, in order */
} binding_verdict;

/* Verify everything offline: each report and chain (policy: the configured provider, VMPL and
 * minimum TCB; the measurement must be the record's; the chain is checked at the record's time),
 * REPORT_DATA, chip ids, both certificates (TSA profile, chain to one of the CA certificates at the
 * record's time, TcbInfo measurement) and both signatures. 0 if every check passed, else -1. */
CC_MUST_CHECK int binding_verify(const uint8_t *der, size_t len, const attest_policy *policy, const uint8_t *const *ca,
                                 const size_t *ca_len, int nca, binding_verdict *out);

#endif

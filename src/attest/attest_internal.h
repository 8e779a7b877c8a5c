/* attest_internal.h: pieces shared inside src/attest: the raw report fields and parser
 * (snp_report.c), endorsement certificates and the AMD KDS extensions (snp_endorse.c), chain
 * verification against a root-of-trust profile (snp_chain.c), the simulation hierarchy (sim.c). */
#ifndef CCTSA_ATTEST_INTERNAL_H
#define CCTSA_ATTEST_INTERNAL_H

#include <openssl/x509.h>

#include "base/base.h"

#include "attest/attest.h"

/* Raw report, decoded field by field from its little-endian layout. */
typedef struct {
    uint32_t version, guest_svn, vmpl, sig_algo, signer_info;
    uint64_t policy, current_tcb, platform_info, reported_tcb, committed_tcb, launch_tcb;
    uint8_t report_data[64], measurement[48], host_data[32], chip_id[64];
    uint8_t cpuid_fam, cpuid_mod, cpuid_step;
    const uint8_t *sig_r, *sig_s; /* 72-byte little-endian fields inside the report buffer */
} snp_report;

/* Structural parse: size, version, SIGNATURE_ALGO, MBZ ranges, SIGNING_KEY. Records failures in res
 * and returns 0 if the fields could be read at all (size correct), -1 otherwise. */
CC_MUST_CHECK int snp_report_parse(const uint8_t *buf, size_t len, snp_report *r, attest_result *res);
/* Product from CPUID (v3+); ATTEST_PRODUCT_UNKNOWN for v2 or an unknown family/model. */
attest_product snp_product_from_cpuid(const snp_report *r);
attest_tcb snp_tcb_decode(uint64_t tcb, attest_product p);

/* Record a failed check (keeps the first reason). */
void attest_fail(attest_result *res, attest_err e, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Endorsement certificates: parse PEM bundle, concatenated DER, or a GHCB certificate table. */
typedef struct {
    X509 *cert[ATTEST_MAX_CERTS];
    int n;
} snp_certs;
CC_MUST_CHECK int snp_certs_parse(const uint8_t *in, size_t len, snp_certs *out);
void snp_certs_free(snp_certs *c);
/* The VCEK/VLEK leaf: the one P-384 certificate that is not a CA; NULL if none or several. */
X509 *snp_certs_leaf(const snp_certs *c);

/* AMD KDS extensions of a VCEK/VLEK (1.3.6.1.4.1.3704.1.*). */
typedef struct {
    int has_product;
    char product[32];
    int has_tcb[10]; /* .3.1 .. .3.9 at index 1..9 */
    unsigned tcb[10];
    int has_hwid;
    uint8_t hwid[64];
    size_t hwid_len; /* 64, or 8 on Turin */
    int has_csp_id;
} snp_vcek_ext;
/* -1 if an extension is present but malformed (INTEGER out of 0..255, hwID neither 8/64 raw bytes
 * nor an OCTET STRING of them, both hwID and CSP_ID). */
CC_MUST_CHECK int snp_vcek_ext_parse(X509 *leaf, snp_vcek_ext *e);
attest_product snp_product_from_name(const char *name);

/* Root-of-trust profile: which self-signed roots to trust and what the leaf must look like. */
typedef struct {
    attest_provider provider;
    X509 *sim_root; /* SIM: the rebuilt simulation root (owned by the caller) */
} snp_trust;
/* Verify the chain of certs up to a trusted root at time at (0 = now). On success *product is the
 * root's product (UNKNOWN for the sim root). Failures are recorded in res; 0 or -1. */
CC_MUST_CHECK int snp_chain_verify(const snp_certs *certs, X509 *leaf, int vlek, const snp_trust *t, time_t at,
                                   attest_product *product, attest_result *res);
/* The product of a pinned AMD root (ARK), or UNKNOWN if x is not one. */
attest_product snp_pinned_ark(X509 *x);
/* SHA-256 of a certificate's DER. */
CC_MUST_CHECK int snp_cert_fingerprint(X509 *x, uint8_t out[32]);

/* The simulation root certificate from its deterministic key (a new reference; X509_free it), or
 * NULL on failure. */
X509 *sim_root_cert(void);

#endif

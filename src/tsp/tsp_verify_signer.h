/* tsp_verify_signer.h: verification of one SignerInfo of a time-stamp token (internal to the
 * verifier): signer certificate lookup, signed attributes, signature, TSA certificate profile and
 * chain. */
#ifndef CCTSA_TSP_VERIFY_SIGNER_H
#define CCTSA_TSP_VERIFY_SIGNER_H

#include "base/base.h"

#include "tsp/tsp_parse.h"
#include "tsp/tsp_verify.h"
#include "x509/cert.h"

/* Verify si over the token t. On success *key_alg is the X509_ALG_* of the signer, *cert the
 * parsed signer certificate, and *pq_chain 1 if the signer key and every link of the verified
 * chain up to and including the trust anchor's key are ML-DSA-65 (post-quantum assurance), else 0;
 * pq_chain_why then says which link is classical (empty if pq_chain). 0 or -1 with rep->error set. */
CC_MUST_CHECK int tsp_verify_signer(const tsp_parsed *t, const tsp_signer_info *si, const tsp_verify_opts *o,
                                    tsp_verify_report *rep, int *key_alg, x509_cert *cert, int *pq_chain,
                                    char *pq_chain_why, size_t why_cap);

/* Candidate certificate i: the token's own (0 .. ncerts-1), then the caller's extra ones.
 * 0, or -1 past the end or if it does not parse. */
CC_MUST_CHECK int tsp_candidate_cert(const tsp_parsed *t, const tsp_verify_opts *o, int i, x509_cert *c);
/* Path from leaf to one of the given roots, valid at genTime (tsp_verify_chain.c); on success *pq
 * says whether it gives post-quantum assurance (why: the first classical link). 0 or -1. */
CC_MUST_CHECK int tsp_verify_chain(const tsp_parsed *t, const x509_cert *leaf, const tsp_verify_opts *o,
                                   tsp_verify_report *rep, int *pq, char *why, size_t why_cap);

/* The commonName of a Name TLV, for messages ("?" if none; non-printable bytes kept as is). */
void tsp_subject_cn(const uint8_t *name, size_t len, char *out, size_t cap);
/* Append a line to the report (printf-style). */
void tsp_report_line(tsp_verify_report *rep, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Set rep->error (first failure wins) and return -1. */
int tsp_report_fail(tsp_verify_report *rep, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif

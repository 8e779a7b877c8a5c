/* tsp_verify_strict.h: the checks of strict mode (tsp_verify_opts.no_strict = 0, the default of
 * `cctsa verify`), which refuse what a careful verifier need not accept even though the
 * signatures are valid, so that a token has exactly one encoding:
 *   - an ECDSA signature whose s is above n/2 (high S: (r, n - s) verifies too);
 *   - a SET OF not in DER order (X.690 11.6): digestAlgorithms, certificates, signerInfos, each
 *     SignerInfo's signedAttrs and unsignedAttrs and every attribute's values;
 *   - an unsigned attribute other than the ones a profile defines (tsp_strict_unsigned_attr_known);
 *   - a TimeStampResp whose status is granted but whose failInfo has bits set. */
#ifndef CCTSA_TSP_VERIFY_STRICT_H
#define CCTSA_TSP_VERIFY_STRICT_H

#include <stddef.h>

#include "base/base.h"
#include <stdint.h>

#include "tsp/tsp_parse.h"
#include "tsp/tsp_verify.h"

/* The allow-list of unsigned attribute types: 1 if a profile defines attribute type oid (OID
 * contents). Today that is only the compat profile's ML-DSA-65 countersignature (id-countersignature). */
CC_MUST_CHECK int tsp_strict_unsigned_attr_known(const uint8_t *oid, size_t n);

/* Token-wide checks (SET order, unsigned attributes, status). 0 or -1 with rep->error. */
CC_MUST_CHECK int tsp_strict_check_token(const tsp_parsed *t, tsp_verify_report *rep);
/* Signature form of one SignerInfo signed with a key of X509_ALG_* key_alg (low S). 0 or -1. */
CC_MUST_CHECK int tsp_strict_check_signature(int key_alg, const tsp_span *signature, tsp_verify_report *rep);

#endif

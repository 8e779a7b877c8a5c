/* tsp_engine.h: the RFC 3161 engine: DER TimeStampReq bytes in, DER TimeStampResp bytes out.
 * It chooses the profile (URL path and reqPolicy), takes genTime and the serial number from the
 * issuer state, builds TSTInfo and asks the configured signers for signatures. Every failure,
 * including a signer failure, becomes a well-formed rejection response. It refuses to sign
 * (systemFailure, "TSA certificate expired" / "not yet valid") when genTime lies outside the
 * validity of a certificate the profile needs, and reports how long the certificates remain valid
 * (tsp_engine_cert_status). The certificates are parsed once and again after
 * each swap: identities can change (a renewal, a new key epoch) while serving (tsp_engine_update).
 * Thread-safe. */
#ifndef CCTSA_TSP_ENGINE_H
#define CCTSA_TSP_ENGINE_H

#include <stddef.h>

#include "base/base.h"
#include <stdint.h>

#include "tsp/tsp_clock.h"
#include "tsp/tsp_profile.h"
#include "tsp/tsp_signer.h"
#include "tsp/tsp_status.h"

typedef struct {
    tsp_profile default_profile; /* for /tsa and requests without reqPolicy */
    tsp_time_source time;
    const tsp_identity *ec;          /* ECDSA P-384 signer with certificate (borrowed), or NULL */
    const tsp_identity *ml;          /* ML-DSA-65 signer with certificate (borrowed), or NULL */
    const tsp_policies *policies;    /* policy OID per profile (copied), NULL: the development defaults */
    tsp_gentime_precision precision; /* genTime: whole seconds (default) or milliseconds */
} tsp_engine_config;

typedef struct tsp_engine tsp_engine;

/* The fields of a validated request, as a node receives them (it never parses the request DER). */
typedef struct {
    int path_profile;      /* tsp_profile or TSP_PATH_DEFAULT */
    const uint8_t *policy; /* reqPolicy OID contents, NULL if absent */
    size_t policy_len;
    const uint8_t *imprint_tlv; /* MessageImprint DER, copied into TSTInfo */
    size_t imprint_tlv_len;
    const uint8_t *nonce_tlv; /* nonce INTEGER DER, NULL if absent */
    size_t nonce_tlv_len;
    int cert_req;
} tsp_issue_req;

#define TSP_SIGN_LATE_MS 500 /* a token finished later than this after its time reading is discarded */

/* NULL if the configuration is unusable (no time source, bad profile, an invalid or repeated policy OID). */
tsp_engine *tsp_engine_new(const tsp_engine_config *cfg);
void tsp_engine_free(tsp_engine *e);
/* Answer one request. path_profile is a tsp_profile or TSP_PATH_DEFAULT. Returns 0 with a
 * response (granted or rejection) in *resp (malloc'd); -1 only if no response could be encoded. */
CC_MUST_CHECK int tsp_engine_respond(tsp_engine *e, const uint8_t *req, size_t len, int path_profile, uint8_t **resp,
                                     size_t *resp_len, tsp_engine_result *res);

/* Issue a token for already validated fields (the node's entry point); same contract as
 * tsp_engine_respond. A token whose signing finished more than TSP_SIGN_LATE_MS after its time
 * reading is discarded and issued again (twice at most, then a retry-elsewhere refusal). */
CC_MUST_CHECK int tsp_engine_issue(tsp_engine *e, const tsp_issue_req *r, uint8_t **resp, size_t *resp_len,
                                   tsp_engine_result *res);
/* The policy OID contents of a profile (points into the engine). */
const uint8_t *tsp_engine_policy(tsp_engine *e, tsp_profile p, size_t *len);

/* Validity of the configured TSA certificates at now. */
void tsp_engine_cert_status(tsp_engine *e, time_t now, tsp_cert_status *st);
/* Run fn(arg) while no request is being answered, e.g. to replace the certificates behind the
 * configured identities; returns fn's result. */
CC_MUST_CHECK int tsp_engine_update(tsp_engine *e, int (*fn)(void *arg), void *arg);

#endif

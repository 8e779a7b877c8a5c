/* tsp_status.h: RFC 3161 PKIStatusInfo: status values, PKIFailureInfo bits, the encoder for
 * complete rejection responses (TimeStampResp without a token), and the outcome of one request
 * and of the TSA certificates as the engine reports them and the gateway passes them on. */
#ifndef CCTSA_TSP_STATUS_H
#define CCTSA_TSP_STATUS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/base.h"

typedef enum {
    TSP_STATUS_GRANTED = 0,
    TSP_STATUS_GRANTED_WITH_MODS = 1,
    TSP_STATUS_REJECTION = 2,
    TSP_STATUS_WAITING = 3,
    TSP_STATUS_REVOCATION_WARNING = 4,
    TSP_STATUS_REVOCATION_NOTIFICATION = 5
} tsp_status;

/* PKIFailureInfo bit numbers (RFC 3161 section 2.4.2). */
typedef enum {
    TSP_FAIL_BAD_ALG = 0,
    TSP_FAIL_BAD_REQUEST = 2,
    TSP_FAIL_BAD_DATA_FORMAT = 5,
    TSP_FAIL_TIME_NOT_AVAILABLE = 14,
    TSP_FAIL_UNACCEPTED_POLICY = 15,
    TSP_FAIL_UNACCEPTED_EXTENSION = 16,
    TSP_FAIL_ADD_INFO_NOT_AVAILABLE = 17,
    TSP_FAIL_SYSTEM_FAILURE = 25
} tsp_fail;

const char *tsp_fail_name(int bit); /* "badAlg", ...; "unknown" otherwise */
const char *tsp_status_name(int status);

/* Encode the DER PKIFailureInfo BIT STRING contents (unused-bits byte + bits) for one bit. */
size_t tsp_fail_bits(tsp_fail bit, uint8_t out[5]);

/* TimeStampResp { status rejection, statusString text, failInfo bit }. 0 on success. */
CC_MUST_CHECK int tsp_resp_reject(tsp_fail bit, const char *text, uint8_t **out, size_t *outlen);

/* The three kinds of refusal, kept apart: a final answer to the client (badAlg, unacceptedPolicy
 * ...), one another node may not give (no trusted time here, a signer failed, signing too slow),
 * and one no node can avoid right now (certificate outside its validity: HTTP 503). */
typedef enum {
    TSP_OUTCOME_FINAL = 0,
    TSP_OUTCOME_RETRY_ELSEWHERE = 1,
    TSP_OUTCOME_UNAVAILABLE = 2
} tsp_outcome_kind;

/* What happened to one request, for logging. */
typedef struct {
    int status;      /* tsp_status */
    int fail;        /* failure bit, -1 when granted */
    int profile;     /* profile used, -1 if none was chosen */
    const char *why; /* static explanation of a rejection, NULL when granted */
    int unavailable; /* 1 if the TSA cannot serve right now (certificate outside its validity,
                         no trusted time): HTTP front ends answer 503 */
    int kind;        /* tsp_outcome_kind of a rejection */
} tsp_engine_result;

#define TSP_CERT_WARN_DAYS 30 /* fewer days of validity left than this: warn */

typedef enum {
    TSP_CERT_OK,
    TSP_CERT_EXPIRING,
    TSP_CERT_EXPIRED,
    TSP_CERT_NOT_YET_VALID,
    TSP_CERT_NONE
} tsp_cert_state;

typedef struct {
    tsp_cert_state state;   /* of the configured certificate that is worst off */
    time_t not_before;      /* latest notBefore of the configured certificates */
    time_t not_after;       /* earliest notAfter */
    long long seconds_left; /* not_after - now (negative once expired) */
} tsp_cert_status;

const char *tsp_cert_state_name(tsp_cert_state s); /* "ok", "expiring", "expired", "not_yet_valid", "none" */

#endif

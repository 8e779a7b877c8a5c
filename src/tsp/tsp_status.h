/* tsp_status.h: RFC 3161 PKIStatusInfo: status values, PKIFailureInfo bits, and the encoder for
 * complete rejection responses (TimeStampResp without a token). */
#ifndef CCTSA_TSP_STATUS_H
#define CCTSA_TSP_STATUS_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    TSP_STATUS_GRANTED = 0, TSP_STATUS_GRANTED_WITH_MODS = 1, TSP_STATUS_REJECTION = 2,
    TSP_STATUS_WAITING = 3, TSP_STATUS_REVOCATION_WARNING = 4, TSP_STATUS_REVOCATION_NOTIFICATION = 5
} tsp_status;

/* PKIFailureInfo bit numbers (RFC 3161 section 2.4.2). */
typedef enum {
    TSP_FAIL_BAD_ALG = 0, TSP_FAIL_BAD_REQUEST = 2, TSP_FAIL_BAD_DATA_FORMAT = 5,
    TSP_FAIL_TIME_NOT_AVAILABLE = 14, TSP_FAIL_UNACCEPTED_POLICY = 15,
    TSP_FAIL_UNACCEPTED_EXTENSION = 16, TSP_FAIL_ADD_INFO_NOT_AVAILABLE = 17,
    TSP_FAIL_SYSTEM_FAILURE = 25
} tsp_fail;

const char *tsp_fail_name(int bit);   /* "badAlg", ...; "unknown" otherwise */
const char *tsp_status_name(int status);

/* Encode the DER PKIFailureInfo BIT STRING contents (unused-bits byte + bits) for one bit. */
size_t tsp_fail_bits(tsp_fail bit, uint8_t out[5]);

/* TimeStampResp { status rejection, statusString text, failInfo bit }. 0 on success. */
int tsp_resp_reject(tsp_fail bit, const char *text, uint8_t **out, size_t *outlen);

#endif

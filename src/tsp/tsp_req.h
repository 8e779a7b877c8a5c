/* tsp_req.h: RFC 3161 TimeStampReq: the strict DER parser (every rejection mapped to the
 * PKIFailureInfo bit the response must carry) and the encoder used by the client. */
#ifndef CCTSA_TSP_REQ_H
#define CCTSA_TSP_REQ_H

#include <stddef.h>

#include "base/base.h"
#include <stdint.h>

#include "tsp/tsp_hash.h"
#include "tsp/tsp_status.h"

#define TSP_REQ_MAX_LEN 8192   /* larger requests are rejected with badDataFormat */
#define TSP_NONCE_MAX_BYTES 20 /* nonce magnitude: at most 160 bits */

/* A parsed request; pointers point into the caller's input buffer. */
typedef struct {
    tsp_hash_alg hash;
    const uint8_t *imprint_tlv; /* the whole MessageImprint, echoed verbatim into TSTInfo */
    size_t imprint_tlv_len;
    const uint8_t *hashed; /* hashedMessage contents */
    size_t hashed_len;
    const uint8_t *policy; /* reqPolicy OID contents, NULL if absent */
    size_t policy_len;
    const uint8_t *nonce_tlv; /* the whole nonce INTEGER, NULL if absent */
    size_t nonce_tlv_len;
    int cert_req;
} tsp_req;

/* Parse a DER TimeStampReq. 0 on success; -1 with *fail set to the failure bit (badDataFormat,
 * badRequest, badAlg, unacceptedExtension) and *why to a short static explanation. The policy
 * is not checked here (profiles decide). */
CC_MUST_CHECK int tsp_req_parse(const uint8_t *der, size_t len, tsp_req *req, tsp_fail *fail, const char **why);

/* Encode a TimeStampReq (version 1). policy may be NULL; nonce may be NULL (nonce_len 0). */
CC_MUST_CHECK int tsp_req_encode(tsp_hash_alg hash, const uint8_t *digest, const uint8_t *policy, size_t policy_len,
                                 const uint8_t *nonce, size_t nonce_len, int cert_req, uint8_t **out, size_t *outlen);

#endif

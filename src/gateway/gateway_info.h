/* gateway_info.h: the gateway's read-only views of the cluster besides /health's base fields.
 * Owned here: the routes GET /binding (BINDING: the DER binding record, application/octet-stream),
 * GET /certs (CERTS: a PEM bundle, ECDSA certificate first, then ML-DSA-65) and
 * GET /attestation?nonce=HEX (ATTEST: 16..64 bytes of nonce; JSON with the hex report and
 * endorsements), their request bodies and answer formats; the rate limit of /attestation (a token
 * bucket, 429 with Retry-After beyond it); and /health's cluster members (key epoch and state,
 * availability, node state and the five nodes with their reasons). */
#ifndef CCTSA_GATEWAY_INFO_H
#define CCTSA_GATEWAY_INFO_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "proto/node_proto.h"

typedef enum {
    GW_INFO_NONE = 0,
    GW_INFO_BINDING,
    GW_INFO_CERTS,
    GW_INFO_ATTESTATION
} gw_info_kind;

gw_info_kind gw_info_route(const char *url);  /* GW_INFO_NONE for other paths */
uint8_t gw_info_request_type(gw_info_kind k); /* the node request type; 0 for NONE */
/* The nonce argument: 32..128 hex digits, even. 0 with the bytes in out, or -1. */
int gw_info_nonce(const char *hex, uint8_t out[PROTO_ATTEST_NONCE_MAX], size_t *len);

typedef struct {
    char *body; /* malloc'd */
    size_t len;
    const char *ctype;
} gw_info_answer;
/* The HTTP body for a node's answer (req: the body sent, i.e. the nonce). 0, or -1 if the answer
 * does not parse. */
int gw_info_format(gw_info_kind k, const uint8_t *req, size_t req_len, const uint8_t *ans, size_t ans_len,
                   gw_info_answer *out);

/* /health members for a node's cluster block, starting with ','; the length written (it may be
 * >= cap when truncated, as snprintf). */
size_t gw_info_cluster_json(const proto_cluster *c, char *out, size_t cap);

#define GW_ATTEST_BURST 4
typedef struct {
    pthread_mutex_t mu;
    double tokens, per_s, burst;
    struct timespec last;
} gw_rate;
void gw_rate_init(gw_rate *r, unsigned per_minute, unsigned burst);
void gw_rate_free(gw_rate *r);
/* 0: allowed (a token taken); else the seconds until the next token (for Retry-After). */
unsigned gw_rate_take(gw_rate *r);

#endif

/* cluster_msg.h: the messages of the cluster engine on MESH_CHAN_CLUSTER (private to src/node).
 * Owned here: the one wire format every cluster message uses (DKG commit-reveal, both DKGs,
 * presigning, signing, confirmations), its strict encoder and parser. Layout (big-endian):
 *   "CCLM" | version u8 (1) | kind u8 | flags u8 (0) | sender party u8 (0..5) | epoch u32 |
 *   session id [32] | round u16 | sender node key [48] | bc_len u32 | bc | p2p_len u32 | p2p
 * bc: the part the sender broadcast to every participant of the session (identical copies),
 * p2p: the part meant for this receiver only. Every field is range-checked by the parser; the
 * total length must match exactly. */
#ifndef CCTSA_NODE_CLUSTER_MSG_H
#define CCTSA_NODE_CLUSTER_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "node/cluster.h"

#define CL_MSG_VERSION 1
#define CL_SID_BYTES 32
#define CL_MSG_HDR_BYTES (4 + 1 + 1 + 1 + 1 + 4 + CL_SID_BYTES + 2 + CLUSTER_KEY_BYTES + 4 + 4)
#define CL_MSG_MAX_ROUND 1024
#define CL_MSG_MAX_BODY MESH_MAX_BODY

typedef enum {
    CL_KIND_COMMIT = 1, /* DKG session id: H(nonce) commitment */
    CL_KIND_REVEAL,     /* DKG session id: the nonce */
    CL_KIND_ML_DKG,     /* threshold ML-DSA key generation rounds */
    CL_KIND_EC_DKG,     /* threshold ECDSA key generation steps */
    CL_KIND_CONFIRM,    /* group keys + transcript hash, every node compares */
    CL_KIND_ML_SIGN,    /* threshold ML-DSA signing rounds */
    CL_KIND_EC_PRESIGN, /* threshold ECDSA presigning steps */
    CL_KIND_EC_SIGN,    /* threshold ECDSA signature share */
    CL_KIND_START,      /* coordinator -> participant: what to sign and why (round 0) */
    CL_KIND_ABORT,      /* a participant refuses or gives up a session (reason in bc) */
    CL_KIND_LIVE,       /* answer to a DKG commitment: the sender serves live epoch `epoch` as `party` */
    CL_KIND_CERTS,      /* renewed certificates of the live epoch (bc: packed ECDSA, ML-DSA DER) */
    CL_KIND_DKG_ABORT,  /* a member gives up the DKG attempt: sid = its session id, bc = culprit byte + reason */
    CL_KIND_MAX
} cl_kind;

typedef struct {
    uint8_t kind;
    uint8_t party; /* 1..5; 0 in commit-reveal, and in an ABORT from a node without the epoch */
    uint32_t epoch;
    uint8_t sid[CL_SID_BYTES];
    uint16_t round;
    uint8_t sender[CLUSTER_KEY_BYTES];
    const uint8_t *bc, *p2p; /* point into the parsed buffer */
    size_t bc_len, p2p_len;
} cl_msg;

/* Encode m into a malloc'd buffer. 0, or -1 (a field out of range, or too long). */
int cl_msg_encode(const cl_msg *m, uint8_t **out, size_t *outlen);
/* Strict parse; m's bc/p2p point into buf. 0, or -1 with *why (static text). */
int cl_msg_parse(const uint8_t *buf, size_t len, cl_msg *m, const char **why);
const char *cl_kind_name(int kind);

#endif

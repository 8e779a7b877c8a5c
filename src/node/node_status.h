/* node_status.h: a cluster node's STATUS answer (docs/node-protocol.md, the cluster block) made
 * from the cluster engine's status (cluster.h), the mesh's view of the peers (mesh.h) and the
 * node's time and attestation counters. Owned here: the mapping of the lifecycle states onto the
 * base fields the gateway routes by (node state, quorum, certificate state), the short node keys,
 * the ages, the text fields made safe for the wire (names outside the name alphabet dropped,
 * reasons cut to length with non-printable bytes replaced). Pure: no locks, no I/O. */
#ifndef CCTSA_NODE_STATUS_H
#define CCTSA_NODE_STATUS_H

#include <time.h>

#include "node/cluster.h"
#include "proto/node_proto.h"

typedef struct {
    const char *names[CLUSTER_NODES];      /* [0] self, [1..4] peer slots 0..3 (host configuration); NULL: none */
    const mesh_peer_info *peers;           /* MESH_PEERS entries in slot order, or NULL (links unknown) */
    time_t own_attested_at;                /* own evidence taken, 0 never */
    unsigned nts_configured, nts_agreeing; /* time engine (0, 0 without NTS) */
    time_t last_sync;                      /* last trusted time sample, 0 never */
    uint64_t time_refusals[PROTO_TIME_REASONS];
    uint64_t attest_failures[PROTO_ATTEST_REASONS];
    int64_t peer_offset_ns[MESH_PEERS]; /* PROTO_OFFSET_UNKNOWN if not measured */
    int have_offsets;                   /* 0: every offset unknown (peer_offset_ns ignored) */
} node_status_extra;

/* Fill out's cluster block and performance block (mesh traffic from x's peers, ML-DSA attempts)
 * from cs (and x, which may be NULL) and set PROTO_STATUS_CLUSTER and PROTO_STATUS_PERF; also
 * the base fields that follow from the cluster: node_state (SERVING only in lifecycle SERVING,
 * FAILED in FAILED, else NO_KEY), quorum_available (availability signs), cert_state / not_after /
 * seconds_left from the epoch's certificates, attested (own evidence taken). The other base
 * fields (ids, time, profiles, counters, uptime) are the caller's. */
void node_status_from_cluster(const cluster_status *cs, const node_status_extra *x, time_t now, proto_status *out);

/* The REPORT_DATA of a cluster node's answer to ATTEST (GET /attestation, docs/metrics.md):
 * SHA-512("cctsa-node-attest-v2" || nonce length (1 byte) || nonce || ML-DSA key id (32) ||
 * ECDSA key id (48) || node key (48)): a live report names the epoch's TSA keys and the node's
 * mesh identity. 0, or -1 if the nonce is outside 16..64 bytes. */
int node_attest_binding(const uint8_t *nonce, size_t nonce_len, const uint8_t ml_key_id[32],
                        const uint8_t ec_key_id[48], const uint8_t node_key[CLUSTER_KEY_BYTES],
                        uint8_t out[ATTEST_BINDING_BYTES]);

#endif

/* node_server.h: the node's side of the node protocol (docs/node-protocol.md) on a libevent
 * loop: accepts gateway connections on the listening socket, reads frames strictly (a violation
 * closes the connection), answers SIGN through the token engine, STATUS, CERTS, ATTEST (the sim
 * provider in development) and BINDING ("not available" until the cluster exists). Several
 * requests may be in flight per connection; SIGN requests are signed by worker threads and
 * their answers return to the loop (the event loop never waits on a signature). Defences: a bounded number of connections, a frame
 * must complete within a second of its first byte, idle connections are closed after a minute,
 * and a peer that stops reading is cut once its unread answers pass a bound. Certificate
 * renewal runs on the loop under the engine's write lock, so no signature sees a half-swapped
 * identity. */
#ifndef CCTSA_NODE_SERVER_H
#define CCTSA_NODE_SERVER_H

#include <event2/event.h>
#include <stdint.h>

#include "attest/attest.h"
#include "proto/node_proto.h"
#include "tsp/tsp_engine.h"
#include "tsp/tsp_signer.h"

/* Cluster mode: where the answers come from instead of the local engine and keys (node_cluster.h).
 * issue runs on the signing workers (it may block until its deadline); the others on the loop.
 * certs / csrs / binding hand over malloc'd copies (0) or -1 (none yet); status fills the
 * whole answer except uptime and the granted/refused counters. */
typedef struct {
    /* deadline_ms: the gateway's wait for this SIGN (0: none given) */
    int (*issue)(void *arg, const tsp_issue_req *r, unsigned deadline_ms, uint8_t **resp, size_t *resp_len,
                 tsp_engine_result *res);
    void (*status)(void *arg, proto_status *st);
    int (*certs)(void *arg, uint8_t **ec, size_t *ec_len, uint8_t **ml, size_t *ml_len);
    int (*csrs)(void *arg, uint8_t **ec, size_t *ec_len, uint8_t **ml, size_t *ml_len);
    int (*binding)(void *arg, uint8_t **der, size_t *len);
    int (*attest)(void *arg, const uint8_t *nonce, size_t nonce_len, attest_evidence *ev);
    /* On the signing workers (they may block and fsync). NULL: answered "not available".
     * control: an operator's signed command (CONTROL, node/node_control.h); install: CA-issued
     * certificates (CERT_INSTALL, ECDSA then ML-DSA). 0 accepted and done, or -1 with why. */
    int (*control)(void *arg, const proto_control_req *r, char *why, size_t whylen);
    int (*install)(void *arg, const uint8_t *ec, size_t ec_len, const uint8_t *ml, size_t ml_len, char *why,
                   size_t whylen);
    void *arg;
} node_backend;

typedef struct {
    const node_backend *backend; /* cluster mode (borrowed), or NULL: the local engine below */
    tsp_engine *engine;          /* borrowed */
    tsp_local_keys *keys;        /* borrowed: certificates for CERTS */
    tsp_time_source time;        /* the engine's, for the time state in STATUS */
    unsigned sign_delay_ms;      /* development: answer SIGN this much later (a remote signer's latency) */
    unsigned sign_workers;       /* threads signing concurrently (the engine is thread-safe) */
    const uint8_t *measurement;  /* 48 bytes for sim ATTEST, or NULL (ATTEST not available) */
    proto_status base;           /* node id, boot id, flags, profiles, default profile */
} node_server_config;

#define NODE_MAX_SIGN_WORKERS 64
typedef struct node_server node_server;

/* Serve on the listening socket fd (taken over). NULL on failure. */
node_server *node_server_new(struct event_base *base, int listen_fd, const node_server_config *cfg);
void node_server_free(node_server *s); /* closes every connection */

#endif

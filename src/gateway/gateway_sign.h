/* gateway_sign.h: the gateway's node client. A request becomes a job; the gateway parses and
 * checks the TimeStampReq itself (a malformed one is refused here, no node involved), turns it
 * into a SIGN frame (docs/node-protocol.md) and sends it to a node; the node's answer completes
 * the job through its callback, which resumes the suspended HTTP connection. No thread waits per
 * request: one libevent thread multiplexes every job over one connection per node, answers
 * matched by request id.
 *
 * Nodes are health-checked with STATUS every second; a node that is down, stalls (no STATUS
 * answer within NODE_STALL_MS) or answers retry-elsewhere / unavailable is skipped and the job
 * goes to the next node (failover). A job has a deadline (--node-deadline-ms); past it, or when
 * no node can sign, the job completes "unavailable" and the gateway answers 503 with
 * Retry-After. Admission is bounded by the number of jobs in flight; submit refuses at the bound
 * or after stop so that the caller answers 503 at once. The gateway holds no key and links no
 * signing code.
 *
 * A job may also be a query (BINDING, CERTS, ATTEST, CSRS): the request type and body go to a
 * serving node, the answer body comes back; an ERROR answer moves it to the next node. The
 * client counts failovers by reason and keeps every node's last STATUS for /health and /metrics. */
#ifndef CCTSA_GATEWAY_SIGN_H
#define CCTSA_GATEWAY_SIGN_H

#include <stddef.h>
#include <stdint.h>

#include "proto/node_addr.h"
#include "proto/node_proto.h"
#include "tsp/tsp_profile.h"
#include "tsp/tsp_status.h"

#define GW_MAX_NODES 16 /* the gateway's --node error text says 16 */

typedef struct gw_sign_job gw_sign_job;
typedef void (*gw_sign_done_fn)(gw_sign_job *job);

struct gw_sign_job {
    /* filled by the caller; borrowed until done() */
    const uint8_t *req;
    size_t req_len;
    int path_profile;     /* tsp_profile or TSP_PATH_DEFAULT */
    uint8_t query;        /* 0: SIGN req (a TimeStampReq); else a request type whose body is req */
    gw_sign_done_fn done; /* called once, from the client thread; the job is the caller's again */
    void *arg;
    /* filled before done() */
    int rc;        /* 0, or -1 if no response could be encoded */
    uint8_t *resp; /* malloc'd TimeStampResp, the caller frees it */
    size_t resp_len;
    tsp_engine_result res;          /* res.unavailable: answer 503 (a query: no node answered; why says why) */
    unsigned attempts;              /* nodes the job was sent to */
    char why[PROTO_REASON_MAX + 1]; /* the refusal's reason (res.why points here) */
    /* client-private */
    gw_sign_job *next;
    proto_sign_req sreq;
    uint32_t id;
    int node;
    unsigned tried;    /* bit per node */
    uint64_t deadline; /* monotonic ms */
};

typedef struct {
    node_addr nodes[GW_MAX_NODES];
    unsigned nnodes;
    unsigned max_inflight;
    unsigned deadline_ms;
    unsigned node_cap; /* SIGN jobs in flight per node (more wait in the gateway); 0: no cap */
} gw_signer_config;

/* What /health shows: the first serving node; without one, the first node answering STATUS
 * (have_st) so that the cluster's state is still shown. */
typedef struct {
    int up; /* some node is serving */
    int have_st;
    unsigned nodes_up, nodes;
    proto_status st; /* of that node */
    tsp_cert_status cert;
} gw_nodes_health;

/* One node for /metrics. online: it answers STATUS (st is its last answer). */
typedef struct {
    char addr[sizeof(((node_addr *)0)->text)];
    int online, serving;
    proto_status st;
} gw_node_view;

/* Failovers: why a job went to another node. */
/* bad_reply: a node said GRANTED but the reply is not a granted TimeStampResp whose TSTInfo
 * carries this request's imprint and nonce (a broken or lying node); another node is tried. */
enum {
    GW_RETRY_RETRY_ELSEWHERE = 0,
    GW_RETRY_UNAVAILABLE,
    GW_RETRY_NODE_ERROR,
    GW_RETRY_NODE_LOST,
    GW_RETRY_BAD_REPLY,
    GW_RETRY_REASONS
};
const char *gw_retry_reason_name(int r); /* "retry_elsewhere", "unavailable", "node_error", "node_lost", "bad_reply" */

typedef struct gw_signer gw_signer;

gw_signer *gw_signer_new(const gw_signer_config *cfg);
/* Wait up to ms for the first STATUS answer of some node; 1 if one came. */
int gw_signer_wait_ready(gw_signer *s, unsigned ms);
void gw_signer_health(gw_signer *s, gw_nodes_health *h);
/* Every configured node (out has room for GW_MAX_NODES); the count. */
unsigned gw_signer_nodes(gw_signer *s, gw_node_view *out);
void gw_signer_retries(gw_signer *s, uint64_t out[GW_RETRY_REASONS]);
/* Requests admitted (at most max_inflight) and, of those, waiting in the gateway for a node under
 * its node_cap. */
void gw_signer_load(gw_signer *s, unsigned *admitted, unsigned *waiting);
/* 0: accepted, done() will be called; -1: full or stopping (done() is not called). */
int gw_signer_submit(gw_signer *s, gw_sign_job *job);
/* Refuse new jobs, let every accepted one complete (answer or deadline), stop the thread. */
void gw_signer_stop(gw_signer *s);
void gw_signer_free(gw_signer *s); /* after gw_signer_stop */

#endif

/* node_cluster.h: cluster mode of cctsa-node (docs/lifecycle.md): the attested mesh (mesh.h) and
 * the cluster engine (cluster.h) wired together and behind the node protocol. Owned here: the
 * wiring (MESH_CHAN_CLUSTER frames -> cluster_on_message, peer changes -> cluster_peer_update, the
 * engine's sends -> mesh_send by node key, evidence -> the mesh's), and the node_backend the
 * server answers from (SIGN -> cluster_issue, STATUS -> node_status_from_cluster, CERTS, CSRS,
 * BINDING, ATTEST bound to the live key ids and the node key, CONTROL -> node_control_handle,
 * CERT_INSTALL -> cluster_install_certs), and operations: the audit log (the engine's records,
 * the peers' attestation results, a signed chain head on a timer thread). Time (node_time.h): the
 * trusted-time engine when the measured configuration has time.* keys, else the host clock marked
 * development; the cross-node probes on MESH_CHAN_TIME (time_peer.h) every time_probe_ms, their
 * verdicts -> cluster_peer_update's time_ok and cluster_self_update. */
#ifndef CCTSA_NODE_CLUSTER_MODE_H
#define CCTSA_NODE_CLUSTER_MODE_H

#include <event2/event.h>

#include "node/cluster.h"
#include "node/mesh.h"
#include "node/node_server.h"

typedef struct {
    struct event_base *base;
    const char *name, *config, *mesh_listen;
    char *peer_args[MESH_PEERS]; /* NAME=tcp:HOST:PORT (modified in place) */
    const char *dev_ca;          /* local mode; NULL: production (certificates installed later) */
    const tsp_policies *policies;
    tsp_profile default_profile;
    tsp_gentime_precision precision;
    unsigned workers;
    unsigned issue_deadline_ms; /* per SIGN (default 5000; less when the gateway waits less) */
    unsigned time_probe_ms;     /* cross-node time probe period (default TIME_PROBE_PERIOD_NS; tests shorten it) */
    const char *faults[MESH_MAX_FAULTS]; /* test builds only: mesh fault rules; "time-offset=..." is the clock's */
    size_t n_faults;
    const char *cluster_fault; /* test builds only: cluster_set_fault rule (a lying coordinator) */
    /* Operations (issue 16): the audit log DIR/<name>.audit (NULL: none), its chain head signed by
     * the group keys every audit_head_s seconds (0: 600); operator commands (CONTROL) are verified
     * against the operator.* keys of the measured configuration. */
    const char *audit_dir;
    unsigned audit_head_s;
} node_cluster_opts;

typedef struct node_cluster node_cluster;

node_cluster *node_cluster_new(const node_cluster_opts *o, char *err, size_t errlen);
void node_cluster_free(node_cluster *nc); /* the engine first (wipes the shares), then the mesh */
const node_backend *node_cluster_backend(node_cluster *nc);
const uint8_t *node_cluster_key(node_cluster *nc);     /* the node key (MESH_KEY_BYTES) */
const uint8_t *node_cluster_boot_id(node_cluster *nc); /* MESH_BOOT_ID_BYTES */
const uint8_t *node_cluster_measurement(node_cluster *nc);
void node_cluster_arm_faults(node_cluster *nc); /* test builds: mesh_fault_arm (loop thread) */

#endif

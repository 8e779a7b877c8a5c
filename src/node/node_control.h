/* node_control.h: the node's handler for an operator CONTROL request (proto type 0x07). Owned
 * here: verify the signed command (node/operator.h), carry it out through the cluster engine's
 * operator entry points (node/cluster.h), and write every accepted or refused command to the
 * audit log (node/audit.h). The caller (node_server) parses the CONTROL frame body with
 * proto_control_req_parse and answers with proto_control_resp_frame.
 *
 * The engine is reached through function pointers of exactly cluster.h's signatures, so this
 * module links without the engine; the node passes NODE_CONTROL_CLUSTER_OPS. */
#ifndef CCTSA_NODE_CONTROL_H
#define CCTSA_NODE_CONTROL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "node/audit.h"
#include "node/cluster.h"
#include "node/operator.h"

typedef struct {
    int (*retire)(cluster *c, char *why, size_t whylen);
    int (*compromised)(cluster *c, char *why, size_t whylen);
    int (*renew_certs)(cluster *c, char *why, size_t whylen);
    int (*install_certs)(cluster *c, const uint8_t *ec, size_t ec_len, const uint8_t *ml, size_t ml_len, char *why,
                         size_t whylen);
} node_control_ops;
#define NODE_CONTROL_CLUSTER_OPS                                                                                       \
    {                                                                                                                  \
        cluster_retire, cluster_compromised, cluster_renew_certs, cluster_install_certs                                \
    }

typedef struct {
    const operator_policy *policy; /* from the measured configuration */
    operator_nonce_cache *nonces;  /* one per node process */
    audit_log *audit;              /* may be NULL (no audit directory configured) */
    const node_control_ops *ops;
    cluster *cluster;
} node_control;

/* Verify and execute one command against the live epoch. ec/ml: certificates of install-certs.
 * 0 when accepted and done, -1 with why (refused by the verifier, or the engine said no). An
 * audit write failure also refuses (fail closed: an unrecorded command is not executed). */
int node_control_handle(const node_control *nc, const uint8_t *env, size_t env_len, const uint8_t *ec, size_t ec_len,
                        const uint8_t *ml, size_t ml_len, uint32_t live_epoch, time_t now, char *why, size_t whylen);

#endif

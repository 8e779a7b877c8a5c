/* cluster.h: the threshold cluster engine of one node (issue 14 parts 2-4). Owned here: DKG on boot
 * (both schemes, a session id no single node chooses, party indices 1..5 from the sorted node keys,
 * self-test of all 10 signer sets, threshold-signed CSRs, certificates from the dev CA or installed
 * by an operator, the threshold-signed binding record); the key epoch and availability state
 * machines (node/lifecycle.h); coordinating a token (2 live peers avoiding culprits and banned
 * ECDSA pairs, ML-DSA and ECDSA in parallel, retry with another signer set under a deadline); the
 * participant role (rebuild the signedAttrs from the TSTInfo fields and the epoch's certificate,
 * byte for byte; genTime within the own clock's tolerance; policy; serial window per coordinator
 * boot; no reused session id); ECDSA presignature pools per signer set, refilled in the background;
 * secrets in cc_secure_alloc memory.
 * Transport-agnostic: messages leave through cfg.send and arrive through cluster_on_message (the
 * node wires both to the mesh's MESH_CHAN_CLUSTER; tests wire them in-process). Every entry point is
 * thread-safe and returns quickly except cluster_issue, which blocks its (worker) thread until the
 * token is done or the deadline passes; crypto runs on the engine's own worker threads. */
#ifndef CCTSA_NODE_CLUSTER_H
#define CCTSA_NODE_CLUSTER_H

#include <stddef.h>
#include <stdint.h>

#include "attest/attest.h"
#include "node/lifecycle.h"
#include "node/mesh.h"
#include "time/time_peer.h"
#include "tsp/tsp_clock.h"
#include "tsp/tsp_engine.h"
#include "tsp/tsp_profile.h"

#define CLUSTER_NODES MESH_NODES
#define CLUSTER_ML_ATTEMPT_BUCKETS 8 /* attempts per ML-DSA signature: 1..7, 8 or more */
#define CLUSTER_KEY_BYTES MESH_KEY_BYTES

typedef struct {
    const uint8_t *self_key;    /* CLUSTER_KEY_BYTES: this boot's node key (mesh_self_key) */
    const uint8_t *boot_id;     /* MESH_BOOT_ID_BYTES */
    const uint8_t *measurement; /* ATTEST_MEASUREMENT_BYTES: own, equal on every accepted peer */
    /* Deliver body to the node whose key is `to`; any thread; copies. 0, or -1 if it is unreachable. */
    int (*send)(void *arg, const uint8_t to[CLUSTER_KEY_BYTES], const uint8_t *body, size_t len);
    void *send_arg;
    /* This node's evidence bound to 64 bytes (binding record; GET /attestation). */
    int (*evidence)(void *arg, const uint8_t binding[ATTEST_BINDING_BYTES], attest_evidence *ev);
    void *evidence_arg;
    tsp_time_source time; /* genTime for coordinated tokens and the participants' tolerance check */
    /* Certificates. Local mode: dev_ca set, the dev CA issues them after each DKG. Production:
     * dev_ca NULL; certificates arrive through cluster_install_certs and must chain to one of the
     * pinned roots (DER) of the measured configuration. */
    const char *dev_ca;
    long cert_lifetime; /* local mode: seconds (0: the dev CA default) */
    const uint8_t *const *ca_roots;
    const size_t *ca_root_lens;
    size_t n_ca_roots;
    const tsp_policies *policies; /* copied; NULL: development defaults */
    tsp_profile default_profile;
    tsp_gentime_precision precision;
    /* A named culprit is kept out for exclude_min_ms (0: 60 s), doubling each time it is named
     * again up to exclude_max_ms (0: 1 h); in between it is re-admitted on probation. */
    uint64_t exclude_min_ms, exclude_max_ms;
    unsigned workers; /* crypto threads (default 2) */
    /* State changed (epoch, availability, node state, a culprit named); any thread. May be NULL. */
    void (*on_change)(void *arg);
    void *change_arg;
    /* Root of trust of the nodes' evidence in the binding record (the measured configuration's
     * provider); 0: no binding record is built. */
    attest_provider provider;
    /* Added (trusted time part 2): this node's time-state block, which every signing request it
     * coordinates carries (the node: time_block_encode(time_node_block)). NULL: the block is made
     * from a reading of `time` (sync age 0; a development reading claims at most E_max). */
    void (*time_block)(void *arg, uint8_t out[TIME_BLOCK_BYTES]);
    void *time_block_arg;
    /* The node's audit log (node/audit.h), or NULL: no records. The engine writes "dkg" (each
     * attempt's result), "sign" (coordinator, before the token is handed out: a failed write
     * refuses the token), "cosign" (participant, once per token) and "refusal" records. node_name
     * names a node key in them (a coordinator in "cosign"); NULL: the key's first 8 bytes in hex. */
    struct audit_log *audit;
    void (*node_name)(void *arg, const uint8_t key[CLUSTER_KEY_BYTES], char *out, size_t outlen);
    void *name_arg;
} cluster_config;

typedef struct cluster cluster;
/* The engine's keys of the measured configuration at path (cluster.exclude_min_seconds,
 * cluster.exclude_max_seconds; cluster_config.c) into cfg. 0, or -1 with a message naming the
 * file, the line and the key. */
int cluster_config_load(cluster_config *cfg, const char *path, char *err, size_t errlen);

cluster *cluster_new(const cluster_config *cfg, char *err, size_t errlen);
void cluster_free(cluster *c); /* stops workers, wipes every share, presignature and state */

/* The transport's view of one of the 4 peers (slot 0..3): state, key, boot id, chip id. time_ok:
 * the peer's time is trusted (trusted-time part 2; 1 until then). A new boot id of a holder means
 * its share is gone. */
void cluster_peer_update(cluster *c, int slot, const mesh_peer_info *info, int time_ok);
/* Own readiness: attested (own evidence verifies) and time trusted. The DKG starts only when own
 * readiness and all 4 peers are UP and time-OK, and no epoch is live. */
void cluster_self_update(cluster *c, int attested, int time_ok);
/* A MESH_CHAN_CLUSTER frame from the peer with node key `from`. */
void cluster_on_message(cluster *c, const uint8_t from[CLUSTER_KEY_BYTES], const uint8_t *body, size_t len);

/* Issue a token as coordinator: the contract of tsp_engine_issue (a TimeStampResp in *resp, the
 * outcome kind in res: TSP_OUTCOME_UNAVAILABLE when no quorum can sign). Blocks until done or
 * deadline_ms passed. */
int cluster_issue(cluster *c, const tsp_issue_req *r, unsigned deadline_ms, uint8_t **resp, size_t *resp_len,
                  tsp_engine_result *res);

typedef struct {
    uint8_t key[CLUSTER_KEY_BYTES];
    unsigned party;   /* 1..5 in the live epoch, 0 if none */
    int reachable;    /* UP and time-OK */
    int holder;       /* holds a share of the live epoch (as far as we know) */
    int excluded;     /* named culprit: kept out of signer sets */
    char reason[160]; /* why not reachable / excluded, "" otherwise */
} cluster_node_view;

typedef struct {
    uint32_t epoch; /* 0 before the first DKG, then 1, 2, ... */
    lc_epoch_state epoch_state;
    lc_availability availability;
    lc_node_state node_state;
    unsigned party;                         /* own party index in the live epoch, 0 if none */
    unsigned reachable, alive;              /* holders reachable / possibly alive (self included) */
    cluster_node_view nodes[CLUSTER_NODES]; /* [0] = self, [1..4] = peer slots 0..3 */
    uint8_t ml_key_id[32], ec_key_id[48];   /* of the live epoch */
    uint64_t dkg_ok, dkg_failed, dkg_last_ms;
    uint64_t signed_ok, sign_failed, sign_retries, participant_refusals;
    /* Added: the participant's time checks (time_peer_check) by verdict; [TIME_PEER_OK] = accepted. */
    uint64_t time_checks[TIME_PEER_REASONS];
    unsigned presigs_available; /* over the pools of this node's signer sets */
    /* Added: threshold ML-DSA signatures this node coordinated, by attempts (bucket i: i + 1
     * attempts, the last: that many or more), and the attempts summed over them. */
    uint64_t ml_attempts[CLUSTER_ML_ATTEMPT_BUCKETS], ml_attempts_sum;
    time_t cert_not_after; /* earliest of the two certificates, 0 if none */
    char reason[160];      /* why not signing; when signing: a pending binding record, else "" */
} cluster_status;
void cluster_get_status(cluster *c, cluster_status *st);

/* Copies of the live epoch's material (malloc'd); -1 if there is none (yet). */
int cluster_certs(cluster *c, uint8_t **ec, size_t *ec_len, uint8_t **ml, size_t *ml_len);
int cluster_csrs(cluster *c, uint8_t **ec, size_t *ec_len, uint8_t **ml, size_t *ml_len);
int cluster_binding(cluster *c, uint8_t **der, size_t *len);

/* Production: an operator posts the CA-issued certificates. Accepted only if each key is the
 * group key, the TcbInfo measurement is our own (debug clear), the chain reaches a pinned root and
 * now lies within the validity. 0, or -1 with why. */
int cluster_install_certs(cluster *c, const uint8_t *ec, size_t ec_len, const uint8_t *ml, size_t ml_len, char *why,
                          size_t whylen);
/* Operator commands (verified by the caller). retire: planned rotation, a new DKG follows;
 * compromised: halt signing at once, the epoch goes COMPROMISED -> RETIRED; renew: threshold-sign
 * fresh CSRs for the live key (local mode: the dev CA issues them). 0 or -1 with why. */
int cluster_retire(cluster *c, char *why, size_t whylen);
int cluster_compromised(cluster *c, char *why, size_t whylen);
int cluster_renew_certs(cluster *c, char *why, size_t whylen);

/* Threshold-sign the audit log's chain head (audit_sign_head) with the live epoch's group keys:
 * both schemes, over a signer set of this node and two reachable peers; participants sign only a
 * well-formed AUDIT_HEAD_LABEL message. Blocks (call it from a thread that may). 0 signed or
 * nothing to sign, 1 no live ACTIVE epoch or no audit log (skipped), -1 failed. */
int cluster_audit_head(cluster *c);

#ifdef CCTSA_CLUSTER_FAULTS
/* Test builds only: make this node a lying coordinator. rule: "gentime=MS" (genTime MS off the
 * issuer's time), "tamper-tbs" (ask participants to sign bytes that do not rebuild), "none".
 * 0, or -1 if the rule is unknown. */
int cluster_set_fault(cluster *c, const char *rule);
#endif

#endif

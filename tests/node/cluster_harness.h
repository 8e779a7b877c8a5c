/* cluster_harness.h: five cluster engines in one process for the cluster tests: random node keys
 * and boot ids, one measurement, sim evidence (a simulated chip per node), a threaded loopback transport (cfg.send queues the frame, one
 * delivery thread calls cluster_on_message in order), fake mesh peer updates, an optional tamper
 * hook on frames, and a dev CA made with `cctsa ca init`. */
#ifndef CCTSA_TESTS_CLUSTER_HARNESS_H
#define CCTSA_TESTS_CLUSTER_HARNESS_H

#include <pthread.h>

#include "node/cluster.h"

#define H_NODES 5
#define H_EXCLUDE_MS 3000 /* a named culprit's first cool-down in the harness */

typedef struct harness harness;
/* Change or drop a frame from node `from` to node `to` (indices); return 0 to drop it. */
typedef int (*h_tamper_fn)(void *arg, int from, int to, uint8_t *body, size_t len);

/* bin: the build's bin folder (for cctsa ca init). NULL on failure. */
harness *h_new(const char *bin);
/* production 1: the engines have no dev CA; its roots are pinned (cluster_config.ca_roots) and the
 * certificates must be installed (cluster_install_certs). */
harness *h_new_mode(const char *bin, int production);
void h_free(harness *h);
cluster *h_node(harness *h, int i);
const uint8_t *h_key(harness *h, int i);
const char *h_ca_dir(harness *h);
const uint8_t *h_measurement(harness *h);
/* The dev CA's two roots (ECDSA, ML-DSA), DER. */
const uint8_t *const *h_roots(harness *h, const size_t **lens);
/* 1 (after saying so) when a five-node DKG test should skip: a sanitizer build, unless
 * CCTSA_CLUSTER_TEST_FORCE is set. */
int h_skip_sanitized(const char *test);
void h_set_tamper(harness *h, h_tamper_fn fn, void *arg);
/* Report node j's mesh state (UP with its key and boot id, or DOWN) to node i. */
void h_peer(harness *h, int i, int j, mesh_peer_state state);
/* Node j restarted: a new key and boot id, shown to node i as ATTESTING (not UP: no new DKG yet). */
void h_peer_restarted(harness *h, int i, int j);
/* Restart node j: a fresh engine with a new key and boot id, attested and time-OK, that sees
 * every other node UP; the others see it UP with its new key. */
void h_restart(harness *h, int j);
/* Everyone sees everyone UP and is attested and time-OK. */
void h_all_up(harness *h);
/* Wait until every node's epoch is ACTIVE (or timeout_s passes); 0 if so. */
int h_wait_active(harness *h, int timeout_s);
/* The slot of node j in node i's peer table. */
int h_slot(int i, int j);

#endif

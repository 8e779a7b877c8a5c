/* node_time.h: a cluster node's clock (docs/trusted-time.md, "Wiring on the mesh"). Owned here:
 * the choice of the time source (the trusted-time engine, time_node.h, when the measured
 * configuration has time.* keys; else the host clock, marked development, which claims
 * eps = E_max so the cross-node checks run), the cross-node exclusion of either source, the
 * time-state block of the signing requests this node coordinates, the probe state machine's
 * clock callbacks (time_probe_io read / block / set_excluded) and the time fields of STATUS.
 * A test-only offset (the --fault time-offset hook) moves every reading, keeping its eps.
 * Thread-safe. */
#ifndef CCTSA_NODE_TIME_H
#define CCTSA_NODE_TIME_H

#include <stddef.h>
#include <stdint.h>

#include "node/node_status.h"
#include "time/time_peer.h"
#include "tsp/tsp_clock.h"

typedef struct node_time node_time;

/* config: the measured configuration file; with time.* keys the trusted-time engine runs (its
 * configuration errors are errors here), else the host clock. NULL with err on failure. */
node_time *node_time_new(const char *config, char *err, size_t errlen);
void node_time_free(node_time *t);
int node_time_trusted_engine(const node_time *t); /* 1: NTS engine, 0: development host clock */
/* The seam for the cluster engine (genTime, participant checks); valid while t lives. */
tsp_time_source node_time_source(node_time *t);
/* A time_probe_io: this clock's callbacks, and send(send_ctx, ...) for the messages. */
void node_time_probe_io(node_time *t, void (*send)(void *ctx, int peer, const uint8_t *msg, size_t len), void *send_ctx,
                        time_probe_io *io);
/* cluster_config.time_block: the block of this node's signing requests. */
void node_time_block_encode(void *t, uint8_t out[TIME_BLOCK_BYTES]);
/* Own readiness for cluster_self_update: the seam's reading is SYNCED or HOLDOVER. */
int node_time_ok(node_time *t);
/* Tests (fault builds): move every reading by offset_ns (0 ends the fault). */
void node_time_set_test_offset(node_time *t, int64_t offset_ns);
/* STATUS: the state and eps of a reading, NTS counts, last sync and refusals by reason (engine
 * refusals plus the participant's time checks `checks`, indexed by time_peer_verdict). */
void node_time_status(node_time *t, const uint64_t checks[TIME_PEER_REASONS], node_status_extra *x,
                      tsp_time_reading *reading);

#endif

/* time_node.h: the trusted-time engine running inside a node, behind the node's time seam
 * (tsp_time_source in tsp/tsp_clock.h). It owns one engine, the NTS sources of the measured
 * configuration's time.* keys, and a poller thread with the polling schedule:
 *   - BURST (at start, and after a failed selection): a round every burst_gap (2 s) until
 *     `burst` (4) consecutive good selections; after `burst` consecutive failures the retries
 *     slow down to the regular period, and the first good selection starts a new burst;
 *   - REGULAR: a round every poll period (64 s, minus up to 1/8 random jitter).
 * A round is one authenticated exchange with every source (nts_poll_round) then one selection.
 * Readings (time_node_source) come from the engine under a lock: utc, eps, state and a static
 * reason; development is always 0. Thread-safe. */
#ifndef CCTSA_TIME_NODE_H
#define CCTSA_TIME_NODE_H

#include <stddef.h>

#include "base/base.h"
#include <stdint.h>

#include "time/time_config.h"
#include "time/time_engine.h"
#include "time/time_peer.h"
#include "tsp/tsp_clock.h"

#define TIME_NODE_POLL_NS (64 * TIME_NS_PER_S)
#define TIME_NODE_BURST 4
#define TIME_NODE_BURST_GAP_NS (2 * TIME_NS_PER_S)

typedef struct {
    int64_t poll_ns;      /* regular period; 0 = TIME_NODE_POLL_NS */
    int burst;            /* good selections that end a burst; 0 = TIME_NODE_BURST */
    int64_t burst_gap_ns; /* period during a burst; 0 = TIME_NODE_BURST_GAP_NS */
    /* Tests only: shorter SYNCED freshness and holdover (time_engine_set_limits), a faked
     * clock offset (time_engine_set_test_offset), per-exchange timeout. 0 = defaults. */
    int64_t fresh_ns, holdover_ns, test_offset_ns;
    int timeout_ms;
    /* Tests only: a hardware-clock report to use instead of this machine's. */
    const time_clock_report *clock_report;
} time_node_options;

typedef struct time_node time_node;

/* The schedule (pure, for tests): after a round (ok: its selection set an anchor) the delay before
 * the next one. Start from {0, 0}. good: good selections in the current burst, -1 once regular;
 * bad: consecutive failures (capped at burst). jitter: uniform 0..65535 (takes up to 1/8 off the
 * regular period). */
typedef struct {
    int good, bad;
} time_node_schedule;
int64_t time_node_schedule_next(time_node_schedule *s, int ok, int64_t poll_ns, int64_t gap_ns, int burst,
                                uint16_t jitter);

/* Load the time.* keys of the measured configuration at config_path, create the engine and the
 * sources, and start the poller (the first round runs at once, in the thread). opt may be NULL
 * (defaults). With time.require_hardware_clock = true the clock report decides (on Debian 12 the
 * engine then refuses every reading). NULL with the reason on error. */
time_node *time_node_start(const char *config_path, const time_node_options *opt, char *why, size_t whylen);
/* The same from an already parsed configuration. */
time_node *time_node_start_config(const time_config *cfg, const time_node_options *opt, char *why, size_t whylen);

/* The node's time seam: .read gives the engine's reading (valid while the time node runs). */
tsp_time_source time_node_source(time_node *t);

/* The engine's status (for STATUS, /health, metrics), under the lock. */
void time_node_status(time_node *t, time_status *out);
/* Part 2 seam: the cross-node checks exclude (1) or readmit (0) this node. */
void time_node_set_excluded(time_node *t, int excluded, const char *why);
/* The reading as the engine gives it, without counting a refusal. */
CC_MUST_CHECK int time_node_peek(time_node *t, time_reading *out);
/* The engine's own reading ignoring a cluster exclusion (time_engine_peek_own), and the block a
 * message carries (the state as the node shows it, EXCLUDED included): time_probe_io's read and
 * block. */
CC_MUST_CHECK int time_node_peek_own(time_node *t, time_reading *out);
void time_node_block(time_node *t, time_block *out);
/* Tests and fault builds only: move every reading by offset_ns from now on (0 ends it). */
void time_node_set_test_offset(time_node *t, int64_t offset_ns);
/* Rounds run so far (tests). */
uint64_t time_node_rounds(time_node *t);

/* Stop the poller (waits for a round in progress, at most one exchange timeout per source) and
 * free everything. NULL is a no-op. */
void time_node_stop(time_node *t);

#endif

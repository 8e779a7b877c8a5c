/* time_peer.h: trusted time part 2, the cross-node checks. Pure and transport-agnostic: nothing
 * here does I/O; the caller moves bytes (the node's mesh, MESH_CHAN_TIME) and calls in. It owns:
 *   - the time-state block every signing message carries (state, eps, sync age, flags; 12 bytes),
 *     its strict encoding, and the participant's check of a coordinator's genTime (window
 *     [own - 500 ms, own + 400 ms], coordinator's time trusted), refusals counted by reason;
 *   - the heartbeat probe messages (PROBE / REPLY, NTP-style four timestamps plus the block and the
 *     replier's view of the prober), strict encoding, offset and delay;
 *   - the heartbeat state machine (time_probe): every 30 s a PROBE to each of the 4 peers; a pair
 *     is consistent if |offset| <= eps_self + eps_peer + delay/2 + 50 ms; a node inconsistent with
 *     3 of its 4 peers (by its own measurement or by their reported view) is EXCLUDED, and its
 *     peers see it as not time-OK; it rejoins after 3 consecutive rounds consistent with 3 peers.
 * Peers veto; they never adopt: nothing here can move a node's clock, only exclude it. */
#ifndef CCTSA_TIME_PEER_H
#define CCTSA_TIME_PEER_H

#include <stddef.h>

#include "base/base.h"
#include <stdint.h>

#include "time/time_engine.h"

/* ---------- the time-state block ---------- */
#define TIME_BLOCK_VERSION 1
#define TIME_BLOCK_BYTES 12
#define TIME_BLOCK_CALIBRATED 0x01u /* the sender's rate is calibrated */
#define TIME_BLOCK_AGE_NEVER 0xFFFFFFFFu

typedef struct {
    time_state state;    /* the sender's state as it shows it (EXCLUDED while excluded) */
    uint32_t eps_us;     /* its own clock's eps when it built the block (also while EXCLUDED) */
    uint32_t sync_age_s; /* since its last good NTS selection; TIME_BLOCK_AGE_NEVER if none */
    uint8_t flags;       /* TIME_BLOCK_* */
} time_block;

/* The block for a reading (and, if st is not NULL, its sync age and calibration). For the node's
 * block use a reading that ignores exclusion (time_engine_peek_own), then set state EXCLUDED if
 * excluded (time_node_block does). */
void time_block_from(const time_reading *r, const time_status *st, time_block *out);
/* version, state, flags, 0, eps_us (be32), sync_age_s (be32). Returns TIME_BLOCK_BYTES. */
size_t time_block_encode(const time_block *b, uint8_t out[TIME_BLOCK_BYTES]);
/* Strict: exactly TIME_BLOCK_BYTES, known version, state and flags, reserved byte 0, and a trusted
 * state (SYNCED, HOLDOVER) only with eps <= E_max and a sync age. 0, or -1 with the reason. */
CC_MUST_CHECK int time_block_parse(const uint8_t *in, size_t len, time_block *out, char *why, size_t whylen);
/* SYNCED or HOLDOVER with eps <= E_max: the sender may coordinate and sign. */
CC_MUST_CHECK int time_block_trusted(const time_block *b);
/* The sender's own clock is trusted even if the cluster excluded it (SYNCED, HOLDOVER or
 * EXCLUDED with eps <= E_max and a sync age): its probe timestamps can be measured. */
CC_MUST_CHECK int time_block_clock_usable(const time_block *b);

/* ---------- the participant's check of a signing request ---------- */
typedef enum {
    TIME_PEER_OK = 0,
    TIME_PEER_OWN_UNTRUSTED,   /* our own time is not trusted */
    TIME_PEER_COORD_UNTRUSTED, /* the coordinator's block says its time is not trusted */
    TIME_PEER_BAD_BLOCK,       /* the coordinator's block does not parse */
    TIME_PEER_TOO_OLD,         /* genTime before own - 500 ms */
    TIME_PEER_TOO_NEW,         /* genTime after own + 400 ms */
    TIME_PEER_REASONS
} time_peer_verdict;
const char *time_peer_verdict_name(time_peer_verdict v);

/* Refusal counters by reason (index: time_peer_verdict; [TIME_PEER_OK] counts acceptances).
 * Updated atomically: checks may run on several threads. */
typedef struct {
    uint64_t count[TIME_PEER_REASONS];
} time_peer_counters;

/* Classify a proposed genTime against our own reading (pure; the window of time_peer_gentime_check). */
time_peer_verdict time_peer_window(const time_reading *own, int64_t gentime_ns);

/* A participant's whole check: the coordinator's encoded block (from the signing message), its
 * genTime, our own reading (time_engine_now or the node's time seam). Counts the verdict in c (if
 * not NULL) and returns it; why says what was wrong. */
time_peer_verdict time_peer_check(const time_reading *own, const uint8_t *coord_block, size_t block_len,
                                  int64_t gentime_ns, time_peer_counters *c, char *why, size_t whylen);

/* ---------- heartbeat probe messages ---------- */
#define TIME_PROBE_VERSION 1
#define TIME_PROBE_BYTES (12 + 3 * 8 + TIME_BLOCK_BYTES) /* 48 */
#define TIME_PROBE_KIND_PROBE 1
#define TIME_PROBE_KIND_REPLY 2

typedef enum {
    TIME_VIEW_UNKNOWN = 0,
    TIME_VIEW_CONSISTENT = 1,
    TIME_VIEW_INCONSISTENT = 2
} time_view;

typedef struct {
    uint8_t kind;     /* TIME_PROBE_KIND_* */
    uint8_t view;     /* REPLY: the replier's view of the prober (time_view); PROBE: 0 */
    uint64_t seq;     /* the prober's round number; echoed by the REPLY */
    int64_t t1;       /* prober's UTC when sending the PROBE (echoed by the REPLY) */
    int64_t t2, t3;   /* REPLY: replier's UTC at receipt and at sending; PROBE: 0 */
    time_block block; /* the sender's time state */
} time_probe_msg;

/* version, kind, view, 0, seq, t1, t2, t3 (be64 each), block. Returns TIME_PROBE_BYTES. */
size_t time_probe_encode(const time_probe_msg *m, uint8_t out[TIME_PROBE_BYTES]);
/* Strict: exact length, version, kind, view, reserved 0, a valid block, timestamps in (0, 2^62);
 * a PROBE has view 0, t2 = t3 = 0 and a usable clock (time_block_clock_usable); a REPLY has
 * t2 > 0 and t3 >= t2 if its sender's clock is usable, else t2 = t3 = 0. 0, or -1 with the
 * reason. */
CC_MUST_CHECK int time_probe_parse(const uint8_t *in, size_t len, time_probe_msg *out, char *why, size_t whylen);

/* NTP arithmetic (ns): offset of the peer's clock against ours, and the round-trip delay. */
int64_t time_probe_offset(int64_t t1, int64_t t2, int64_t t3, int64_t t4);
int64_t time_probe_delay(int64_t t1, int64_t t2, int64_t t3, int64_t t4);
#define TIME_PROBE_MARGIN_NS (50 * TIME_NS_PER_MS)
/* |offset| <= eps_self + eps_peer + delay/2 + 50 ms (and delay >= 0). */
CC_MUST_CHECK int time_probe_consistent(int64_t offset, int64_t delay, int64_t eps_self, int64_t eps_peer);

/* ---------- the heartbeat state machine ---------- */
#define TIME_PROBE_PEERS 4
#define TIME_PROBE_PERIOD_NS (30 * TIME_NS_PER_S) /* how often the caller calls time_probe_tick */
#define TIME_PROBE_EXCLUDE_AT 3                   /* inconsistent peers that exclude a node */
#define TIME_PROBE_REJOIN_ROUNDS 3                /* consecutive consistent rounds to rejoin */

typedef struct {
    /* Send msg to peer slot 0..3 (the mesh, MESH_CHAN_TIME). Failures are the transport's. */
    void (*send)(void *ctx, int peer, const uint8_t *msg, size_t len);
    /* Own reading, ignoring a cluster exclusion (an excluded node keeps measuring to rejoin):
     * time_node_peek_own. 0 if trusted. */
    int (*read)(void *ctx, time_reading *r);
    /* Own block as signing messages carry it (time_node_block: EXCLUDED while excluded). */
    void (*block)(void *ctx, time_block *b);
    /* Called when the verdict on this node changes (time_node_set_excluded). */
    void (*set_excluded)(void *ctx, int excluded, const char *why);
    void *ctx;
} time_probe_io;

typedef struct {
    time_view mine;                      /* our measurement of the peer in the last completed round */
    time_view theirs;                    /* the peer's reported view of us (latest reply) */
    int64_t offset_ns, delay_ns, eps_ns; /* last measurement */
    time_state state;                    /* the peer's state from its latest block */
    int time_ok;                         /* consistent, trusted and not EXCLUDED: may sign with us */
} time_probe_peer;

typedef struct {
    int excluded;
    int good_rounds;  /* consecutive consistent rounds while excluded */
    int inconsistent; /* peers inconsistent with us in the last round */
    uint64_t rounds, probes_sent, replies, stale_replies, bad_messages;
    time_probe_peer peer[TIME_PROBE_PEERS];
} time_probe_status;

typedef struct time_probe time_probe;

time_probe *time_probe_new(const time_probe_io *io);
void time_probe_free(time_probe *p);
/* Every TIME_PROBE_PERIOD_NS: close the round (judge each peer from its reply to the last round's
 * probe, apply the exclusion and rejoin rules), then send a new PROBE to every peer. */
void time_probe_tick(time_probe *p);
/* A message from peer slot 0..3 on the time channel: a PROBE is answered at once, a REPLY to the
 * current round is measured. 0, or -1 if it was refused (malformed, stale, unexpected). */
int time_probe_receive(time_probe *p, int peer, const uint8_t *msg, size_t len);
/* Whether peer slot may sign with us (cluster_peer_update's time_ok). */
CC_MUST_CHECK int time_probe_peer_ok(const time_probe *p, int peer);
void time_probe_get_status(const time_probe *p, time_probe_status *out);

#endif

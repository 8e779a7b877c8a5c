/* cluster_int.h: the private state of the cluster engine shared by src/node/cluster_*.c.
 * Owned here: struct cluster (peers, key epoch, inbox of received messages, counters), the key
 * epoch object (shares in cc_secure_alloc memory, group keys, certificates; reference counted so
 * a session keeps its shares alive across a retirement), and the uniform protocol-session shape
 * both threshold schemes are driven through (cl_proto: one step function producing a broadcast
 * and point-to-point parts, one error type naming a culprit or suspects, one loop: cl_session_run). */
#ifndef CCTSA_NODE_CLUSTER_INT_H
#define CCTSA_NODE_CLUSTER_INT_H

#include <pthread.h>
#include <stdint.h>

#include "base/base.h"
#include "node/cluster.h"
#include "node/cluster_msg.h"
#include "threshold/ecdsa/tecdsa.h"
#include "threshold/mldsa/tmldsa.h"
#include "tsp/tsp_clock.h"
#include "x509/signer.h"

#define CL_N CLUSTER_NODES
#define CL_T 3
#define CL_SETS 10
#define CL_INBOX_MAX_MSGS 4096
#define CL_INBOX_MAX_BYTES (96u << 20)
#define CL_INBOX_TTL_MS 120000
#define CL_MAX_PARTICIPANT_THREADS 24
#define CL_USED_SIDS 8192
#define CL_DKG_ROUND_MS 60000 /* per DKG round (the ECDSA base OTs take seconds) */
#define CL_SIGN_ROUND_MS 4000 /* per signing round */
#define CL_PRESIGS_PER_SET 2  /* pool target per signer set this node coordinates */
#define CL_OLD_CERTS 32       /* certificate replacements kept per epoch (2 per installation) */

/* ---- one error type for both schemes ---- */
typedef struct {
    int code;          /* 0, or a negative CL_E_* / scheme code */
    unsigned culprit;  /* 1..5: proven deviator; 0: none proven */
    unsigned suspects; /* bit p-1: at least one of these deviated */
    char reason[192];
} cl_err;

enum {
    CL_E_TIMEOUT = -100,
    CL_E_ABORTED = -101,
    CL_E_STOPPED = -102,
    CL_E_LOCAL = -103,
    CL_E_REFUSED = -104
};

int cl_err_set(cl_err *e, int code, unsigned culprit, unsigned suspects, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* ---- one session shape ---- */
typedef struct {
    const uint8_t *bc[CL_N + 1]; /* by party; own entry: what we broadcast */
    size_t bc_len[CL_N + 1];
    const uint8_t *p2p[CL_N + 1]; /* by sender: its private part for us */
    size_t p2p_len[CL_N + 1];
} cl_in;

typedef struct {
    uint8_t *bc; /* malloc'd, the same for every participant */
    size_t bc_len;
    uint8_t *p2p[CL_N + 1]; /* malloc'd, by receiver party */
    size_t p2p_len[CL_N + 1];
} cl_out;
void cl_out_free(cl_out *o);

enum {
    CL_STEP_MORE = 0,
    CL_STEP_DONE = 1
};
typedef struct {
    const char *name;
    uint8_t kind; /* CL_KIND_* of its messages */
    /* Step `round` (1, 2, ...): consume `in` (the messages of round-1, own broadcast included),
     * produce `out` for this round. CL_STEP_MORE, CL_STEP_DONE (out still sent), or < 0 with e. */
    int (*step)(void *st, unsigned round, const cl_in *in, cl_out *out, cl_err *e);
    /* Parties whose round-`round` messages we need before the next step (bit p-1); NULL: all
     * other participants. */
    unsigned (*expect)(void *st, unsigned round);
} cl_proto;

struct cl_epoch;
typedef struct {
    uint8_t kind;
    uint32_t epoch;
    uint8_t sid[CL_SID_BYTES];
    unsigned self;                         /* own party 1..5 */
    unsigned members;                      /* participants (bit p-1) */
    uint8_t keys[CL_N][CLUSTER_KEY_BYTES]; /* node key of party p at keys[p-1] */
    unsigned round_ms;                     /* wait per round */
    uint64_t deadline_ms;                  /* absolute (monotonic), 0: none */
} cl_session;

/* Run a protocol to its end: step, send, wait for the round's messages, repeat. 0, or < 0 with e. */
int cl_session_run(cluster *c, const cl_session *s, const cl_proto *p, void *st, cl_err *e);
/* Send one message (kind, round, bc, p2p) of session s to party `to`. 0 or -1. */
int cl_session_send(cluster *c, const cl_session *s, unsigned round, unsigned to, const uint8_t *bc, size_t bc_len,
                    const uint8_t *p2p, size_t p2p_len);
void cl_session_abort(cluster *c, const cl_session *s, const char *reason);
/* Send to a node key (before parties exist). */
int cl_send_key(cluster *c, const uint8_t to[CLUSTER_KEY_BYTES], const cl_msg *m);

/* ---- the key epoch ---- */
typedef struct cl_epoch {
    uint32_t number;
    uint8_t transcript[48];                /* SHA-384 session id of the DKG */
    uint8_t keys[CL_N][CLUSTER_KEY_BYTES]; /* sorted node keys: party p = keys[p-1] */
    uint8_t boot_ids[CL_N][MESH_BOOT_ID_BYTES];
    unsigned self;
    tmldsa_share *ml;
    tecdsa_keyshare *ec;
    uint8_t ml_pk[TMLDSA_PKBYTES], ml_key_id[TMLDSA_KEYIDBYTES];
    uint8_t ec_pub[TECDSA_PUB_BYTES], ec_key_id[TECDSA_ID_BYTES];
    uint8_t *ml_cert, *ec_cert, *ml_csr, *ec_csr;
    size_t ml_cert_len, ec_cert_len, ml_csr_len, ec_csr_len;
    x509_signer ml_signer, ec_signer; /* public halves for tsp_token_prepare */
    uint8_t *old_certs[CL_OLD_CERTS]; /* replaced certificates, kept for sessions in flight */
    unsigned n_old_certs;
    uint8_t *binding, *binding_msg; /* the record; the message both group keys sign */
    size_t binding_len, binding_msg_len;
    int binding_job;           /* 1 running, 2 failed for binding_tried (retried at binding_next_ms) */
    uint8_t binding_tried[48]; /* SHA-384 of the certificates the job last ran for */
    uint8_t binding_for[48];   /* SHA-384 of the certificates the record names */
    unsigned binding_failures; /* in a row, for the backoff */
    uint64_t binding_next_ms;  /* cl_now_ms() of the next retry after a failure */
    char binding_why[160];     /* why the last attempt failed, "" otherwise */
    int refs;                  /* under c->mu */
    struct cl_presig *pool;    /* presignatures: ours to coordinate, and peers' */
    unsigned n_pool;
} cl_epoch;

typedef struct cl_presig {
    struct cl_presig *next;
    unsigned set;   /* signer mask */
    unsigned coord; /* party that coordinates its use */
    uint8_t sid[CL_SID_BYTES];
    tecdsa_presig *ps;
} cl_presig;

typedef struct cl_item {
    struct cl_item *next;
    cl_msg m; /* points into buf */
    uint8_t *buf;
    size_t len;
    uint64_t at_ms;
} cl_item;

typedef struct {
    uint8_t coord[CLUSTER_KEY_BYTES];
    uint8_t prefix[TSP_SERIAL_PREFIX_BYTES];
    uint64_t max_counter;
    int used;
} cl_serial_window;

struct cluster {
    cluster_config cfg;
    tsp_policies policies;
    cc_allocator secure;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int stopping, threads, participants;
    /* thread pool (cluster_pool.c): queued jobs, idle threads waiting on pool_cv */
    struct cl_job *jobs, **jobs_tail;
    unsigned jobs_queued, pool_idle;
    pthread_cond_t pool_cv;
    /* peers */
    mesh_peer_info peer[MESH_PEERS];
    int peer_time_ok[MESH_PEERS];
    int self_attested, self_time_ok;
    /* epoch */
    uint32_t epoch_no; /* last epoch number used */
    lc_epoch_state epoch_state;
    lc_node_state node_state;
    cl_epoch *ep;  /* live (DKG done) epoch or NULL */
    unsigned lost; /* parties of ep seen restarted (bit p-1) */
    int dkg_running;
    uint32_t live_epoch;     /* peers answered our commitment: they serve this epoch without us */
    uint64_t dkg_next_ms;    /* backoff: no DKG before this */
    uint64_t refill_next_ms; /* presignature refill paused until */
    unsigned dkg_failures;
    uint8_t excluded[CL_N][CLUSTER_KEY_BYTES];
    char excluded_why[CL_N][160];
    uint64_t excluded_until[CL_N];   /* cl_now_ms() when the cool-down ends; then on probation */
    unsigned excluded_strikes[CL_N]; /* times named: the cool-down doubles with each */
    unsigned n_excluded;             /* entries stay (probation) until the table is full */
    int excluded_back[CL_N];         /* the cool-down's end was logged and audited (probation) */
    /* the DKG attempt in progress once its session id is agreed (cluster_dkg_abort.c) */
    struct {
        int active, aborted;
        uint32_t epoch;
        uint8_t sid[CL_SID_BYTES];
        uint8_t keys[CL_N][CLUSTER_KEY_BYTES];
        unsigned self, by, culprit; /* by: the party whose abort ended it */
        char why[160];
        /* an abort received before our session id was agreed, checked when it is */
        int early;
        uint32_t early_epoch;
        uint8_t early_sid[CL_SID_BYTES], early_sender[CLUSTER_KEY_BYTES];
        unsigned early_party, early_culprit;
        char early_why[160];
    } dkg;
    char reason[160];
    /* DKG commit-reveal state, filled by on_message */
    cl_item *inbox, *inbox_tail;
    struct cl_waiter *waiters; /* sessions waiting for their round's messages (cluster_session.c) */
    size_t inbox_n, inbox_bytes;
    uint8_t used_sids[CL_USED_SIDS][CL_SID_BYTES];
    unsigned used_next;
    cl_serial_window windows[16];
    tsp_issuer_state issuer;
    time_peer_counters time_checks; /* participant time checks by verdict (atomic) */
    /* counters */
    uint64_t dkg_ok, dkg_failed, dkg_last_ms;
    uint64_t signed_ok, sign_failed, sign_retries, refusals;
    uint64_t ml_attempts[CLUSTER_ML_ATTEMPT_BUCKETS], ml_attempts_sum; /* as coordinator (cluster_status) */
#ifdef CCTSA_CLUSTER_FAULTS
    long fault_gentime_ms;
    int fault_tamper_tbs;
    unsigned fault_binding_fail; /* binding jobs still to fail (binding-fail=N) */
    int fault_dkg_abort;         /* dkg-abort: 1 give up the next attempt, 2 then forge aborts */
#endif
};

uint64_t cl_now_ms(void);
/* Wait on c->cv (c->mu held) at most ms milliseconds. */
void cl_wait_ms(cluster *c, unsigned ms);
/* The same on another condition variable (c->mu held). */
void cl_wait_cv_ms(cluster *c, pthread_cond_t *cv, unsigned ms);
/* A received message for session sid: wakes the sessions waiting for it (and only them: a node
 * under load has many sessions waiting, and waking them all for every message cost futex calls,
 * context switches and contention on c->mu); 0 when none waits for it (c->mu held). */
int cl_session_wake(cluster *c, const uint8_t sid[CL_SID_BYTES]);
/* Wake every waiting session (stop, DKG abort) (c->mu held). */
void cl_session_wake_all(cluster *c);
void cl_log_info(cluster *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Changes of state: call with c->mu held; on_change runs after unlock via cl_notify. */
void cl_notify(cluster *c);
/* Table steps with a log line; -1 if the table has no such transition (c->mu held). */
int cl_node_event(cluster *c, lc_node_event ev);
int cl_epoch_event(cluster *c, lc_epoch_event ev);
/* Retire the live epoch and wipe its shares (c->mu held). */
void cl_retire_locked(cluster *c, const char *why);
void cl_epoch_release(cluster *c, cl_epoch *ep); /* drop a reference (c->mu held) */
void cl_epoch_free(cl_epoch *ep);
/* A consistent snapshot of the epoch's certificates (takes c->mu); the buffers stay valid while
 * the caller holds a reference to ep (replaced ones are kept). 0, or -1 if there are none. */
typedef struct {
    const uint8_t *ec, *ml;
    size_t ec_len, ml_len;
} cl_certs;
int cl_epoch_certs(cluster *c, const cl_epoch *ep, cl_certs *out);
cl_epoch *cl_epoch_get(cluster *c); /* live ACTIVE-or-DKG epoch with a reference, or NULL */
/* Named culprit still in its cool-down (c->mu held); once over, the node is on probation: named
 * again, its cool-down doubles (cluster_config.exclude_min_ms .. exclude_max_ms). */
int cl_is_excluded(cluster *c, const uint8_t key[CLUSTER_KEY_BYTES]);               /* c->mu held */
void cl_exclude(cluster *c, const uint8_t key[CLUSTER_KEY_BYTES], const char *why); /* c->mu held */
/* Retry delay after `failures` failures in a row (>= 1): 2 s doubling to 60 s (DKG, binding job). */
uint64_t cl_backoff_ms(unsigned failures);
/* Manager tick: a cool-down that ended is logged and audited once (probation) (c->mu held). */
void cl_exclusion_tick(cluster *c);
int cl_can_sign(cluster *c); /* ACTIVE epoch and a quorum that signs (c->mu held) */
int cl_party_reachable(cluster *c, const cl_epoch *ep, unsigned party); /* c->mu held */
/* Record a session id as used; -1 if it was used before (c->mu held). */
int cl_sid_use(cluster *c, const uint8_t sid[CL_SID_BYTES]);
/* Threads (cluster_pool.c): each job runs at once on a thread of its own, an idle pooled thread
 * when there is one (a signing session no longer creates and unmaps a thread and its stack), a new
 * one otherwise; a thread idle for CL_POOL_IDLE_MS leaves. All with c->mu held. cl_spawn: 0 or -1.
 * cl_spawn_tracked also sets *done = 1 (under c->mu, then broadcasts c->cv) when fn returns.
 * cl_pool_stop (c->stopping set): waits until every job ran and every pooled thread left. */
int cl_spawn(cluster *c, void *(*fn)(void *), void *arg);
int cl_spawn_tracked(cluster *c, void *(*fn)(void *), void *arg, int *done);
void cl_pool_stop(cluster *c);

/* inbox */
void cl_inbox_put(cluster *c, cl_item *it); /* c->mu held */
#define CL_ANY_PARTY 0xffu
/* Take the message of (kind, epoch, sid, round) from party (CL_ANY_PARTY: any) with that node key
 * if present (c->mu held). */
cl_item *cl_inbox_take(cluster *c, uint8_t kind, uint32_t epoch, const uint8_t sid[CL_SID_BYTES], unsigned round,
                       unsigned party, const uint8_t key[CLUSTER_KEY_BYTES]);
void cl_item_free(cl_item *it);

/* n length-prefixed (u32) blobs in one buffer, and back (exactly n, nothing left over). */
uint8_t *cl_pack(const uint8_t *const *b, const size_t *l, int n, size_t *out_len);
int cl_unpack(const uint8_t *in, size_t len, const uint8_t **b, size_t *l, int n);
/* The signer sets of this node and 2 peers that may sign now (reachable, not excluded, no ECDSA
 * ban when need_ec), rotated for load spreading (takes c->mu). */
unsigned cl_candidate_sets(cluster *c, cl_epoch *ep, int need_ec, unsigned sets[6]);
/* A CERTS message from a party of the live epoch: installed or renewed certificates (c->mu held; takes it). */
void cl_on_certs(cluster *c, cl_item *it);
/* Send the epoch's certificates to the peer with key `to` (NULL: every peer); each applies the
 * acceptance checks itself, and keeps its own pair if the one sent is older. */
void cl_send_certs(cluster *c, const cl_epoch *ep, const uint8_t *to, const uint8_t *ec, size_t ec_len,
                   const uint8_t *ml, size_t ml_len);
/* A peer with that key came UP: send it our certificates (c->mu held; released while sending). */
void cl_certs_on_rejoin(cluster *c, const uint8_t key[CLUSTER_KEY_BYTES]);

/* hashing */
void cl_sha384(const void *const *parts, const size_t *lens, size_t n, uint8_t out[48]);

/* Every member of the epoch broadcasts `mine`; compare: all must be equal. all (may be NULL) gets
 * malloc'd copies of every party's broadcast. 0 or < 0 with e. */
int cl_agree(cluster *c, cl_epoch *ep, const char *what, const uint8_t *mine, size_t len, int compare,
             uint8_t *all[CL_N + 1], size_t all_len[CL_N + 1], cl_err *e);
/* binding record (cluster_binding.c): during the DKG, after the certificates; 0 or < 0 with e */
int cl_binding_make(cluster *c, cl_epoch *ep, cl_err *e);
/* Certificates were accepted: start the job that makes the binding record for them, unless one
 * runs, or the record already names them, or the last attempt for them failed and its retry is
 * not due. Production (no dev CA), epoch in DKG: the job turns the epoch ACTIVE when the record is
 * made. ACTIVE epoch (renewed certificates, any mode): the new record replaces the served one.
 * (c->mu held) */
void cl_binding_after_certs(cluster *c, cl_epoch *ep);
/* Manager tick: retry a failed binding job whose backoff ended (c->mu held). */
void cl_binding_retry(cluster *c);
/* Health text when the binding record does not name the current certificates ("" when it does). */
void cl_binding_pending(cluster *c, char *out, size_t len); /* c->mu held */
/* The message the binding record's signatures cover, for a participant (waits for its own rebuild). */
int cl_binding_expected(cluster *c, cl_epoch *ep, uint8_t **msg, size_t *len);

/* DKG aborts (cluster_dkg_abort.c). The DKG session id is the first CL_SID_BYTES of the
 * transcript hash that commit-reveal agrees. */
void cl_dkg_session_begin(cluster *c, const cl_epoch *ep); /* takes c->mu */
/* The attempt is over. why != NULL: this node gives it up (failure, culprit found): unless a
 * member's abort ended it, every other member gets a DKG_ABORT (session id, reason, culprit). */
void cl_dkg_session_end(cluster *c, unsigned culprit, const char *why); /* takes c->mu */
/* A DKG_ABORT (session id, epoch, our party, culprit 0..CL_N, reason) to every member but self
 * (c->mu not held; the fault hook forges one with another session id through it). */
void cl_dkg_send_abort(cluster *c, uint32_t epoch, unsigned self, const uint8_t sid[CL_SID_BYTES], const uint8_t *keys,
                       unsigned culprit, const char *why); /* keys: CL_N node keys */
void cl_on_dkg_abort(cluster *c, cl_item *it);             /* received DKG_ABORT (c->mu held; takes it) */
/* A member aborted the DKG session of `epoch`: 1 with e set (c->mu held); 0 otherwise. */
int cl_dkg_aborted(cluster *c, uint32_t epoch, cl_err *e);

/* DKG (cluster_dkg.c) */
void cl_dkg_maybe_start(cluster *c); /* c->mu held */
/* participant side of START (cluster_part.c) */
void cl_on_start(cluster *c, cl_item *it); /* c->mu held; takes it */
void cl_start_parked(cluster *c);          /* c->mu held: STARTs that waited for c->ep */
/* signing (cluster_sign.c) */

#endif

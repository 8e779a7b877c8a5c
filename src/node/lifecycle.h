/* lifecycle.h: the three state machines of a cluster node (docs/lifecycle.md), each a transition
 * table: the key epoch (cluster-wide), the availability of the signing quorum (derived from counts),
 * and the node's own progress. Owned here: the states, the events, the tables, the names shown in
 * STATUS, /health, the metrics and the logs, and the refusal of every transition the table does not
 * list. Pure and allocation-free; the caller keeps the state and its lock. */
#ifndef CCTSA_NODE_LIFECYCLE_H
#define CCTSA_NODE_LIFECYCLE_H

#include "base/base.h"

/* ---- key epoch (cluster-wide) ---- */
typedef enum {
    LC_EPOCH_UNINITIALIZED = 0, /* no key: at boot, and after RETIRED when a new DKG is due */
    LC_EPOCH_DKG,               /* the DKG, its self-test and certification run */
    LC_EPOCH_ACTIVE,            /* shares live, certificates installed: tokens are signed */
    LC_EPOCH_COMPROMISED,       /* operator declared compromise: nothing is signed again */
    LC_EPOCH_RETIRED,           /* over: shares wiped; a new epoch follows */
    LC_EPOCH_COUNT
} lc_epoch_state;

typedef enum {
    LC_EV_DKG_START = 0, /* UNINITIALIZED -> DKG: all five meshed, attested, time-OK */
    LC_EV_DKG_DONE,      /* DKG -> ACTIVE: keys agreed, self-test passed, certificates accepted */
    LC_EV_DKG_FAILED,    /* DKG -> UNINITIALIZED: aborted; retried with backoff */
    LC_EV_RETIRE,        /* ACTIVE -> RETIRED: planned rotation (operator), or the shares are LOST */
    LC_EV_COMPROMISE,    /* DKG / ACTIVE -> COMPROMISED: operator command; signing halts at once */
    LC_EV_REVOKED,       /* COMPROMISED -> RETIRED: shares wiped, certificate to be revoked */
    LC_EV_NEW_EPOCH,     /* RETIRED -> UNINITIALIZED: the next epoch number begins */
    LC_EV_EPOCH_COUNT
} lc_epoch_event;

/* ---- availability of the quorum (from the number of reachable share holders) ---- */
typedef enum {
    LC_AVAIL_HEALTHY = 0, /* 5 holders reachable, attested, time-OK */
    LC_AVAIL_DEGRADED,    /* 4 */
    LC_AVAIL_CRITICAL,    /* 3: still signs, no margin */
    LC_AVAIL_SUSPENDED,   /* < 3 reachable, but >= 3 holders may still hold shares (a partition, SIGSTOP) */
    LC_AVAIL_LOST,        /* < 3 holders alive (restarted nodes have no share): the epoch must retire */
    LC_AVAIL_NONE,        /* no ACTIVE epoch */
    LC_AVAIL_COUNT
} lc_availability;

/* reachable: holders of the epoch's shares that are connected, attested and time-OK (self
 * included); alive: holders that may still hold their share (not seen restarted with a new boot id).
 * Returns LC_AVAIL_NONE when !epoch_active. */
lc_availability lc_availability_of(int epoch_active, unsigned reachable, unsigned alive);
/* 1 if the quorum may sign (HEALTHY, DEGRADED, CRITICAL). */
int lc_availability_signs(lc_availability a);

/* ---- the node's own progress ---- */
typedef enum {
    LC_NODE_BOOTING = 0, /* process start, hardening, keys for the mesh */
    LC_NODE_ATTESTING,   /* own evidence taken, peers being attested */
    LC_NODE_TIME_SYNC,   /* waiting for trusted time */
    LC_NODE_MESHED,      /* all peers it needs are attested; waiting for a DKG */
    LC_NODE_IN_DKG,
    LC_NODE_SERVING,  /* holds a share of the ACTIVE epoch */
    LC_NODE_NO_SHARE, /* an epoch is ACTIVE (or SUSPENDED) without us: we restarted; wait for the next */
    LC_NODE_EXCLUDED, /* kept out of signer sets: time not trusted, or named as a culprit */
    LC_NODE_FAILED,   /* cannot continue (own attestation failed, fatal error) */
    LC_NODE_COUNT
} lc_node_state;

typedef enum {
    LC_NEV_BOOTED = 0, /* BOOTING -> ATTESTING */
    LC_NEV_ATTESTED,   /* ATTESTING -> TIME_SYNC */
    LC_NEV_TIME_OK,    /* TIME_SYNC -> MESHED; EXCLUDED -> MESHED / SERVING (see lc_node_step) */
    LC_NEV_DKG_START,  /* MESHED -> IN_DKG */
    LC_NEV_DKG_DONE,   /* IN_DKG -> SERVING */
    LC_NEV_DKG_FAILED, /* IN_DKG -> MESHED */
    LC_NEV_NO_SHARE,   /* MESHED -> NO_SHARE: peers serve an epoch we have no share of */
    LC_NEV_SHARE_LOST, /* SERVING -> MESHED: the epoch retired (or was compromised) */
    LC_NEV_EXCLUDE,    /* MESHED / SERVING / NO_SHARE -> EXCLUDED (time lost, named culprit) */
    LC_NEV_FAIL,       /* any -> FAILED */
    LC_NEV_COUNT
} lc_node_event;

/* One step of a table. 0 with *s moved, or -1 (the table has no such transition; *s unchanged).
 * lc_node_step: leaving EXCLUDED on LC_NEV_TIME_OK goes back to SERVING if has_share, else MESHED. */
CC_MUST_CHECK int lc_epoch_step(lc_epoch_state *s, lc_epoch_event ev);
CC_MUST_CHECK int lc_node_step(lc_node_state *s, lc_node_event ev, int has_share);

/* Stable upper-case names ("ACTIVE", "DEGRADED", "IN_DKG", ...) and event names ("dkg_start"). */
const char *lc_epoch_name(lc_epoch_state s);
const char *lc_availability_name(lc_availability a);
const char *lc_node_name(lc_node_state s);
const char *lc_epoch_event_name(lc_epoch_event e);
const char *lc_node_event_name(lc_node_event e);

#endif

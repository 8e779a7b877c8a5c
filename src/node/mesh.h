/* mesh.h: the attested mesh between the five nodes of a cluster (issue 14 part 1). Owned here:
 * mutual TLS 1.3 (OpenSSL) to each of the 4 peers through libevent bufferevents; a fresh P-384 TLS
 * key made at every boot (SHA-384 of its SubjectPublicKeyInfo DER is the node's identity for this
 * boot, its "node key"); the attestation exchange after each handshake, whose REPORT_DATA is
 * SHA-512("cctsa-mesh-v1" || 0x00 || SPKI DER || boot id) so the evidence is tied to the very TLS
 * key on the other end; peer acceptance (attest_verify with measurement equal to our own, debug
 * forbidden, chip ids of all peers distinct), refreshed hourly with a new report; peer frames of up to MESH_MAX_BODY
 * bytes on numbered channels; and, in test builds only (CCTSA_MESH_FAULTS), a fault hook that drops,
 * delays, corrupts or replays frames towards a named peer.
 * Threads: the mesh runs on the caller's libevent loop and calls back on it; mesh_send and
 * mesh_peer_get may be called from any thread (crypto workers). Nothing here signs tokens. */
#ifndef CCTSA_NODE_MESH_H
#define CCTSA_NODE_MESH_H

#include <event2/event.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "attest/attest.h"

#define MESH_NODES 5
#define MESH_PEERS 4
#define MESH_KEY_BYTES 48 /* SHA-384 of the per-boot TLS SubjectPublicKeyInfo DER */
#define MESH_BOOT_ID_BYTES 16
#define MESH_MAX_BODY (1u << 20) /* one threshold ML-DSA round message is about 274 KB */
#define MESH_REATTEST_SECONDS 3600
#define MESH_PING_MS 1000       /* every connection sends a ping this often */
#define MESH_DEAD_MS 5000       /* default: a peer silent this long is DOWN (a stopped process) */
#define MESH_HANDSHAKE_MS 10000 /* TLS + attestation must complete within this */
#define MESH_MAX_FAULTS 8       /* cctsa-node's --fault error text says 8 */

/* Channels multiplex the mesh; the receiver dispatches on them. */
enum {
    MESH_CHAN_CLUSTER = 1, /* cluster engine: DKG, presigning, signing (cluster.h) */
    MESH_CHAN_TIME = 2,    /* time probes and vetoes (trusted-time part 2) */
    MESH_CHAN_CONTROL = 3  /* operator commands relayed between nodes */
};

typedef enum {
    MESH_PEER_DOWN = 0,   /* no connection (reason says why: refused, reset, timeout) */
    MESH_PEER_CONNECTING, /* TCP/TLS handshake in progress */
    MESH_PEER_ATTESTING,  /* TLS up, evidence being exchanged and verified */
    MESH_PEER_UP,         /* attested: frames flow */
    MESH_PEER_REFUSED     /* its evidence failed our policy; retried, but never UP with the same evidence */
} mesh_peer_state;

typedef struct {
    mesh_peer_state state;
    uint8_t key[MESH_KEY_BYTES];         /* node key (valid from ATTESTING on) */
    uint8_t boot_id[MESH_BOOT_ID_BYTES]; /* changes when the peer restarts (valid when UP) */
    uint8_t measurement[ATTEST_MEASUREMENT_BYTES];
    uint8_t chip_id[ATTEST_CHIP_ID_BYTES];
    time_t attested_at; /* last accepted evidence, 0 if never */
    char reason[192];   /* why DOWN or REFUSED ("attestation: measurement ..."), "" when UP */
    uint64_t frames_in, frames_out, bytes_in, bytes_out;
} mesh_peer_info;

typedef struct {
    struct event_base *base;       /* the node's loop (borrowed) */
    const char *name;              /* this node's name in logs and fault rules (host configuration) */
    const char *listen;            /* tcp:HOST:PORT */
    const char *peers[MESH_PEERS]; /* tcp:HOST:PORT of the four other nodes */
    const char *peer_names[MESH_PEERS];
    attest_policy policy;                  /* provider, TCB minimum; measurement = our own, always checked */
    uint8_t chip_id[ATTEST_CHIP_ID_BYTES]; /* sim provider: this node's simulated chip */
    /* Called on the loop thread. body is valid during the call only. */
    void (*on_frame)(void *arg, int peer, uint8_t chan, const uint8_t *body, size_t len);
    /* A peer changed state (info is a snapshot). */
    void (*on_peer)(void *arg, int peer, const mesh_peer_info *info);
    void *arg;
    /* Added for the implementation (0 = the default). */
    unsigned reattest_seconds; /* evidence refresh period (default MESH_REATTEST_SECONDS) */
    unsigned dead_ms;          /* a peer silent this long is DOWN (default MESH_DEAD_MS) */
    /* Test builds only (CCTSA_MESH_FAULTS): fault rules "ACTION@PEER" (mesh_fault.c); a build
     * without the hook refuses any rule. */
    const char *faults[MESH_MAX_FAULTS];
    size_t n_faults;
} mesh_config;

typedef struct mesh mesh;

/* Make the TLS key and own evidence, listen, start dialling. NULL with err on failure. */
mesh *mesh_new(const mesh_config *cfg, char *err, size_t errlen);
void mesh_free(mesh *m);                         /* closes every connection, wipes the TLS key */
const uint8_t *mesh_self_key(const mesh *m);     /* MESH_KEY_BYTES */
const uint8_t *mesh_self_boot_id(const mesh *m); /* MESH_BOOT_ID_BYTES */
/* Own evidence bound to binding (64 bytes), e.g. for the binding record or GET /attestation. */
int mesh_self_evidence(mesh *m, const uint8_t binding[ATTEST_BINDING_BYTES], attest_evidence *ev);
/* Queue a frame to peer (0..3); copies body. 0, or -1 if the peer is not UP or len > MESH_MAX_BODY.
 * Any thread. Frames to one peer arrive in order; nothing is retransmitted after a reconnect. */
int mesh_send(mesh *m, int peer, uint8_t chan, const uint8_t *body, size_t len);
void mesh_peer_get(mesh *m, int peer, mesh_peer_info *out); /* any thread */
/* Added: own measurement and chip id as verified from own evidence at mesh_new. */
const uint8_t *mesh_self_measurement(const mesh *m); /* ATTEST_MEASUREMENT_BYTES */
time_t mesh_self_attested_at(mesh *m);               /* when our evidence was last made; any thread */
/* Peer slot (0..3) of the UP peer with node key `key`, or -1. Any thread. */
int mesh_peer_by_key(mesh *m, const uint8_t key[MESH_KEY_BYTES]);
const char *mesh_state_name(mesh_peer_state s); /* "DOWN", "UP", ... */
/* Peers' evidence refused since mesh_new, by reason (metrics). Any thread. */
enum {
    MESH_REFUSED_MEASUREMENT = 0,
    MESH_REFUSED_DEBUG,
    MESH_REFUSED_CHIP_ID,
    MESH_REFUSED_EVIDENCE,
    MESH_REFUSED_KINDS
};
void mesh_refusals(mesh *m, uint64_t out[MESH_REFUSED_KINDS]);
/* Fill cfg->policy (and, with the sim provider, cfg->chip_id = attest_sim_chip_id(name) and the
 * measurement attest_sim_measure(/proc/self/exe, config_path)) from the measured configuration
 * file. 0, or -1 with err. */
int mesh_config_attest(mesh_config *cfg, const char *config_path, const char *name, char *err, size_t errlen);
/* Test builds: start the fault rules marked "armed" (loop thread; a no-op without the hook). */
void mesh_fault_arm(mesh *m);
/* Parse "--peer NAME=tcp:HOST:PORT" into slot i of cfg (pointers into arg). 0 or -1. */
int mesh_config_peer(mesh_config *cfg, int i, char *arg);

#endif

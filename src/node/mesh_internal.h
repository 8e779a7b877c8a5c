/* mesh_internal.h: the state shared by the mesh's files (not an API). mesh.c owns connections,
 * frames and the send queues; mesh_tls.c the per-boot TLS key, its self-signed certificate and the
 * TLS context; mesh_attest.c the evidence exchange (HELLO) and the peer acceptance policy;
 * mesh_fault.c the test-build fault hook. Frame format: docs/node-protocol.md, "Mesh". */
#ifndef CCTSA_NODE_MESH_INTERNAL_H
#define CCTSA_NODE_MESH_INTERNAL_H

#include <event2/bufferevent.h>
#include <event2/listener.h>
#include <openssl/ssl.h>
#include <pthread.h>

#include "base/base.h"
#include "node/mesh.h"
#include "proto/node_addr.h"

/* ---- frames: magic "CCMF", version, channel, 2 zero bytes, u32be body length ---- */
#define MESH_HDR_LEN 12
#define MESH_VERSION 1
#define MESH_CHAN_MESH 0 /* the mesh's own messages (below) */
#define MESH_CHAN_MAX 3  /* highest channel number in use */
enum {
    MESH_MSG_HELLO = 1,
    MESH_MSG_READY = 2,
    MESH_MSG_REFUSE = 3,
    MESH_MSG_PING = 4
};
#define MESH_ADDR_MAX 127
#define MESH_REASON_MAX 160
#define MESH_MAX_QUEUED (64u << 20) /* bytes queued or unsent towards one peer */
#define MESH_LABEL "cctsa-mesh-v1"

void mesh_hdr_encode(uint8_t h[MESH_HDR_LEN], uint8_t chan, uint32_t len);
/* 0 with *chan, *len, or -1 with why (bad magic, version, reserved bits, channel, length). */
int mesh_hdr_decode(const uint8_t h[MESH_HDR_LEN], uint8_t *chan, uint32_t *len, const char **why);

typedef struct mesh_frame {
    struct mesh_frame *next;
    size_t len;     /* header + body */
    uint8_t data[]; /* header then body */
} mesh_frame;

/* A peer's HELLO on its way through the verification thread (mesh_verify.c). */
typedef struct mesh_vjob {
    struct mesh_vjob *next;
    uint64_t conn_id;
    int slot;
    uint8_t *body, *spki; /* owned copies */
    size_t len, spki_len;
    int rc;   /* mesh_attest_peer's result */
    int kind; /* MESH_REFUSED_* when rc != 0 */
    mesh_peer_info info;
    char reason[MESH_REASON_MAX];
    uint64_t ms; /* verification time */
} mesh_vjob;

typedef struct mesh_conn mesh_conn;
struct mesh_conn {
    mesh *m;
    struct bufferevent *bev;
    struct event *timer;
    int slot; /* -1 until known (an accepted connection: its HELLO names it) */
    int dialer;
    int verified; /* the peer's evidence passed our policy */
    int ready_in; /* the peer accepted ours */
    int up;
    int closing;   /* flushing a REFUSE, then closed */
    int verifying; /* a HELLO is with the verification thread */
    uint64_t id;   /* unique per mesh: finds the connection when a verification returns */
    char close_reason[MESH_REASON_MAX];
    uint64_t started_ms, last_rx_ms, last_ping_ms, last_hello_ms;
    uint8_t key[MESH_KEY_BYTES], boot_id[MESH_BOOT_ID_BYTES];
    mesh_conn *prev, *next; /* m->conns */
};

typedef struct {
    struct mesh *m;
    int slot;
    char *addr, *name;
    node_addr na;
    int we_dial;     /* our --mesh address sorts lower: we dial, they accept */
    mesh_conn *conn; /* the connection that owns the slot, or NULL */
    struct event *redial;
    unsigned backoff_ms;
    /* under mesh.mu */
    mesh_peer_info info;
    mesh_frame *q, *q_tail;
    size_t q_bytes;
} mesh_peer;

typedef struct mesh_fault_rule mesh_fault_rule;

struct mesh {
    mesh_config cfg; /* strings below are own copies */
    char *name, *listen;
    struct event_base *base;
    SSL_CTX *ctx;
    EVP_PKEY *pkey;
    uint8_t *spki;
    size_t spki_len;
    uint8_t key[MESH_KEY_BYTES], boot_id[MESH_BOOT_ID_BYTES];
    attest_policy policy; /* measurement = own, checked */
    uint8_t chip_id[ATTEST_CHIP_ID_BYTES];
    attest_evidence own_ev; /* bound to our mesh binding, sent in every HELLO; loop thread */
    uint64_t own_ev_ms;     /* when own_ev was made (mesh_now_ms) */
    time_t own_ev_at;       /* the same, wall clock, under mu (STATUS reads it) */
    struct evconnlistener *listener;
    mesh_peer peers[MESH_PEERS];
    mesh_conn *conns;
    struct event *flush_ev;
    pthread_mutex_t mu;
    mesh_fault_rule *faults;
    size_t n_faults;
    int faults_armed; /* loop thread */
    uint64_t next_conn_id;
    uint64_t refused[MESH_REFUSED_KINDS]; /* under mu */
    /* verification thread: todo is its, done comes back to the loop through vdone_ev */
    pthread_t vthread;
    int vthread_on, vstop;
    pthread_mutex_t vmu;
    pthread_cond_t vcv;
    mesh_vjob *vtodo, *vdone;
    struct event *vdone_ev;
};

uint64_t mesh_now_ms(void);
/* A new report for our mesh binding from the provider, checked as at start-up (same measurement
 * and chip), in place of own_ev: what an evidence refresh sends. Loop thread. 0, or -1 with why
 * (own_ev unchanged). */
int mesh_refresh_own_evidence(mesh *m, char *why, size_t n);
void mesh_log(const mesh *m, int warn, const char *fmt, ...) CC_PRINTF(3, 4);

/* mesh_tls.c: fresh P-384 key, self-signed certificate, TLS 1.3-only mutual context; m->key =
 * SHA-384(SPKI DER). 0 or -1 with err. */
int mesh_tls_init(mesh *m, char *err, size_t errlen);
void mesh_tls_free(mesh *m);
/* SPKI DER (malloc'd) of the peer's certificate on ssl; it must be an EC P-384 key. 0 or -1. */
int mesh_tls_peer_spki(SSL *ssl, uint8_t **spki, size_t *len);

/* mesh_attest.c */
/* REPORT_DATA = SHA-512(MESH_LABEL || 0x00 || spki || boot_id). */
void mesh_binding(const uint8_t *spki, size_t spki_len, const uint8_t boot_id[MESH_BOOT_ID_BYTES],
                  uint8_t out[ATTEST_BINDING_BYTES]);
/* Evidence for binding with the configured provider. 0 or -1 with why. */
int mesh_evidence(mesh *m, const uint8_t binding[ATTEST_BINDING_BYTES], attest_evidence *ev, char *why, size_t n);
/* Own evidence for the mesh binding, verified against our own policy (fills policy.measurement). */
int mesh_attest_self(mesh *m, char *err, size_t errlen);
/* A HELLO body (malloc'd): type, version, boot id, our --mesh address, report, endorsements. */
uint8_t *mesh_hello_encode(mesh *m, size_t *len);
typedef struct {
    const uint8_t *boot_id;
    char addr[MESH_ADDR_MAX + 1];
    const uint8_t *report;
    const uint8_t *endorsements;
    size_t endorsements_len;
} mesh_hello;
int mesh_hello_parse(const uint8_t *body, size_t len, mesh_hello *h, const char **why);
/* Verify a peer's HELLO against the TLS key seen in the handshake (spki) and the policy; on
 * success fill key, measurement and chip id in info. Chip id and node key must differ from ours and
 * from every other attested peer (checked under m->mu). 0, or -1 with reason and *kind
 * (MESH_REFUSED_*). */
int mesh_attest_peer(mesh *m, int slot, const mesh_hello *h, const uint8_t *spki, size_t spki_len, mesh_peer_info *info,
                     int *kind, char *reason, size_t rlen);
/* The other peer (slot != slot) already UP or ATTESTING with this chip id or node key, or -1.
 * Takes m->mu; run again on the loop thread before a verified connection takes its slot, since two
 * HELLOs may be verified back to back before either peer's info is filled. */
int mesh_identity_clash(mesh *m, int slot, const uint8_t chip_id[ATTEST_CHIP_ID_BYTES],
                        const uint8_t key[MESH_KEY_BYTES]);

/* mesh_verify.c: peers' evidence is verified on one thread of the mesh, never on the loop. */
int mesh_verify_start(mesh *m, char *err, size_t errlen);
void mesh_verify_stop(mesh *m);                 /* joins the thread, drops pending jobs */
void mesh_verify_submit(mesh *m, mesh_vjob *j); /* takes j */
void mesh_vjob_free(mesh_vjob *j);
/* mesh.c: a verification is back (loop thread; takes j). */
void mesh_verified(mesh *m, mesh_vjob *j);

/* mesh_fault.c (rules exist only with CCTSA_MESH_FAULTS) */
int mesh_fault_init(mesh *m, char *err, size_t errlen);
void mesh_fault_free(mesh *m);
/* Write frame f (owned, freed here) towards slot's connection, through the fault rules. */
void mesh_fault_write(mesh *m, int slot, struct bufferevent *bev, mesh_frame *f);
/* Queue frame f on bev's output without copying it; takes f (freed once sent or on failure). */
void mesh_write_frame(struct bufferevent *bev, mesh_frame *f);

#endif

/* node_proto.h: the gateway <-> node protocol, version 2 (docs/node-protocol.md). It owns the
 * 16-byte frame header ("CCTN", version, type, flags, request id, body length), the strict
 * maximum body size of every message type, and the encoders and strict parsers of the bodies.
 * Several requests may be in flight on one connection; answers carry the request's id. Any
 * violation (bad magic or version, non-zero flags, unknown type, oversized body, a body that
 * does not parse exactly) makes the receiver close the connection.
 *
 * The node never parses DER from the gateway: a SIGN request carries the message imprint as a
 * template index (hash algorithm x parameters absent/NULL) plus the digest, the nonce as the
 * contents of a DER INTEGER, and the reqPolicy as OID content bytes compared byte for byte. */
#ifndef CCTSA_NODE_PROTO_H
#define CCTSA_NODE_PROTO_H

#include <stddef.h>

#include "base/base.h"
#include <stdint.h>

#define PROTO_MAGIC "CCTN"
#define PROTO_VERSION 2
#define PROTO_HEADER_LEN 16

enum {
    PROTO_SIGN = 0x01,
    PROTO_STATUS = 0x02,
    PROTO_ATTEST = 0x03,
    PROTO_BINDING = 0x04,
    PROTO_CERTS = 0x05,
    PROTO_CERT_INSTALL = 0x06,
    PROTO_CSRS = 0x08,
    PROTO_CONTROL = 0x07,  /* an operator-signed command (node/operator.h) */
    PROTO_RESPONSE = 0x80, /* answer type = request type | 0x80 */
    PROTO_ERROR = 0x7F,
};

typedef struct {
    uint8_t type;
    uint16_t flags;
    uint32_t id;
    uint32_t body_len;
} proto_header;

/* Largest body of each type (0 for unknown types). */
uint32_t proto_max_body(uint8_t type);
void proto_header_write(uint8_t out[PROTO_HEADER_LEN], uint8_t type, uint32_t id, uint32_t body_len);
/* Parse and check a header: magic, version, flags 0, known type, body within the type's limit.
 * requests_only: the node accepts only request types. 0, or -1 with *why. */
CC_MUST_CHECK int proto_header_parse(const uint8_t in[PROTO_HEADER_LEN], int requests_only, proto_header *h,
                                     const char **why);

/* ---- SIGN ---- */
#define PROTO_PROFILE_DEFAULT 0xFF /* /tsa: the node picks by reqPolicy, else its default profile */
#define PROTO_POLICY_MAX 32
#define PROTO_NONCE_MAX 21 /* INTEGER contents: 160-bit magnitude plus a leading zero */
#define PROTO_DIGEST_MAX 64
#define PROTO_IMPRINT_TEMPLATES 12 /* 6 hash algorithms x (parameters absent, NULL) */
#define PROTO_IMPRINT_MAX 83       /* largest MessageImprint DER a template produces */

typedef struct {
    uint8_t profile;          /* tsp_profile or PROTO_PROFILE_DEFAULT */
    uint8_t cert_req;         /* 0 or 1 */
    uint8_t imprint_template; /* < PROTO_IMPRINT_TEMPLATES */
    uint8_t digest_len;
    uint8_t digest[PROTO_DIGEST_MAX];
    uint8_t policy_len;
    uint8_t policy[PROTO_POLICY_MAX];
    uint8_t nonce_len; /* 0: no nonce */
    uint8_t nonce[PROTO_NONCE_MAX];
    uint16_t deadline_ms; /* the gateway stops waiting after this */
} proto_sign_req;

/* Which template a MessageImprint DER matches (the gateway, after its strict parse), or -1. */
CC_MUST_CHECK int proto_imprint_template_of(const uint8_t *imprint_tlv, size_t len, int hash_alg);
/* The MessageImprint DER for a template and digest (the node); its length, or 0 if they do not fit. */
size_t proto_imprint_build(int tmpl, const uint8_t *digest, size_t digest_len, uint8_t out[PROTO_IMPRINT_MAX]);
size_t proto_sign_req_encode(const proto_sign_req *r, uint8_t *out, size_t cap); /* 0 if it does not fit */
CC_MUST_CHECK int proto_sign_req_parse(const uint8_t *body, size_t len, proto_sign_req *r, const char **why);

/* SIGN result. */
enum {
    PROTO_GRANTED = 0,
    PROTO_REJECTED = 1,
    PROTO_RETRY_ELSEWHERE = 2,
    PROTO_UNAVAILABLE = 3
};
#define PROTO_REASON_MAX 120
typedef struct {
    uint8_t outcome;  /* PROTO_GRANTED .. PROTO_UNAVAILABLE */
    uint8_t fail_bit; /* PKIFailureInfo bit of a refusal */
    uint8_t profile;  /* profile used, 0xFF if none */
    char reason[PROTO_REASON_MAX + 1];
    const uint8_t *der; /* granted: the TimeStampResp (points into the body when parsed) */
    uint32_t der_len;
} proto_sign_resp;
/* Encoded into a malloc'd buffer with room for the frame header in front: *out points at the
 * header, *len covers header + body. */
CC_MUST_CHECK int proto_sign_resp_frame(const proto_sign_resp *r, uint32_t id, uint8_t **out, size_t *len);
CC_MUST_CHECK int proto_sign_resp_parse(const uint8_t *body, size_t len, proto_sign_resp *r, const char **why);

/* ---- STATUS: a fixed 96-byte base, then (flag PROTO_STATUS_CLUSTER) the cluster block ---- */
enum {
    PROTO_TIME_SYNCED = 0,
    PROTO_TIME_HOLDOVER = 1,
    PROTO_TIME_UNSYNCED = 2,
    PROTO_TIME_EXCLUDED = 3
};
enum {
    PROTO_NODE_SERVING = 0,
    PROTO_NODE_NO_KEY = 1,
    PROTO_NODE_FAILED = 2
};
#define PROTO_STATUS_DEV_CLOCK 0x01 /* flags: time from the host clock (development) */
#define PROTO_STATUS_DEV_KEYS 0x02  /* flags: local development keys, not the cluster */
#define PROTO_STATUS_CLUSTER 0x04   /* flags: the cluster block follows the base */
#define PROTO_STATUS_PERF 0x08      /* flags (only with CLUSTER): the performance block follows the cluster block */
#define PROTO_STATUS_LEN 96         /* the base */
#define PROTO_CLUSTER_NODES 5
#define PROTO_SHORT_KEY 8  /* leading bytes of a node key (SHA-384 of its TLS SPKI) */
#define PROTO_NAME_MAX 31  /* node name (host configuration): [A-Za-z0-9._-] */
#define PROTO_TEXT_MAX 159 /* a reason: printable ASCII */
#define PROTO_NODE_ENTRY_LEN 224
#define PROTO_CLUSTER_LEN (408 + PROTO_CLUSTER_NODES * PROTO_NODE_ENTRY_LEN)
#define PROTO_ML_ATTEMPT_BUCKETS 8 /* ML-DSA attempts per signature: 1, 2, ..., 7, 8 or more */
#define PROTO_PERF_LEN (40 + 8 * PROTO_ML_ATTEMPT_BUCKETS)
#define PROTO_STATUS_MAX_LEN (PROTO_STATUS_LEN + PROTO_CLUSTER_LEN + PROTO_PERF_LEN)
#define PROTO_AGE_NEVER 0xFFFFFFFFu /* an age (seconds) of something that never happened */
#define PROTO_OFFSET_UNKNOWN INT64_MIN

/* Time refusals and attestation failures are counted by these reasons (metric label values). */
enum {
    PROTO_TREF_NOT_SYNCED = 0,
    PROTO_TREF_HOLDOVER_EXPIRED,
    PROTO_TREF_ERROR_BOUND,
    PROTO_TREF_LEAP_SECOND,
    PROTO_TREF_GENTIME_WINDOW,
    PROTO_TREF_COORDINATOR_UNTRUSTED,
    PROTO_TIME_REASONS
};
enum {
    PROTO_AFAIL_MEASUREMENT = 0,
    PROTO_AFAIL_DEBUG,
    PROTO_AFAIL_CHIP_ID,
    PROTO_AFAIL_EVIDENCE,
    PROTO_ATTEST_REASONS
};
const char *proto_time_reason_name(int r);   /* "not_synced", ... */
const char *proto_attest_reason_name(int r); /* "measurement", ... */

/* One node as the reporting node sees it; entry 0 is the reporting node itself. */
typedef struct {
    uint8_t key[PROTO_SHORT_KEY]; /* all zero: unknown (never connected) */
    char name[PROTO_NAME_MAX + 1];
    uint8_t party;                       /* 1..5 in the live epoch, 0 none */
    uint8_t link;                        /* mesh_peer_state: 0 down, 1 connecting, 2 attesting, 3 up, 4 refused */
    uint8_t reachable, holder, excluded; /* 0/1 (cluster_node_view) */
    uint32_t attest_age_s;               /* since its evidence was accepted; PROTO_AGE_NEVER */
    int64_t offset_ns;                   /* its clock minus ours (time probes); PROTO_OFFSET_UNKNOWN */
    char reason[PROTO_TEXT_MAX + 1];
} proto_cluster_node;

typedef struct {
    uint32_t epoch;
    uint8_t epoch_state;                  /* lc_epoch_state */
    uint8_t availability;                 /* lc_availability */
    uint8_t node_state;                   /* lc_node_state */
    uint8_t party, reachable, alive;      /* 0..5 */
    uint8_t nts_configured, nts_agreeing; /* agreeing <= configured */
    uint32_t presigs;
    uint64_t dkg_ok, dkg_failed, dkg_last_ms;
    uint64_t signed_ok, sign_failed, sign_retries, participant_refusals;
    int64_t cert_not_after; /* earliest of the epoch's two certificates, 0 none */
    uint32_t attest_age_s;  /* own evidence; PROTO_AGE_NEVER */
    uint32_t sync_age_s;    /* since the last trusted time sample; PROTO_AGE_NEVER */
    uint64_t time_refusals[PROTO_TIME_REASONS];
    uint64_t attest_failures[PROTO_ATTEST_REASONS]; /* peers' evidence refused, by reason */
    uint8_t ml_key_id[32], ec_key_id[48];           /* of the live epoch, zero if none */
    char reason[PROTO_TEXT_MAX + 1];                /* why not signing, "" when signing */
    proto_cluster_node nodes[PROTO_CLUSTER_NODES];
} proto_cluster;

/* The performance block: counters since the node started. */
typedef struct {
    uint64_t mesh_bytes_out, mesh_bytes_in;         /* data frame bodies sent to / received from the peers */
    uint64_t mesh_frames_out, mesh_frames_in;       /* data frames */
    uint64_t ml_attempts_sum;                       /* threshold ML-DSA attempts over the signatures counted below */
    uint64_t ml_attempts[PROTO_ML_ATTEMPT_BUCKETS]; /* signatures this node coordinated, by attempts
                                                       (bucket i: i + 1 attempts; the last: that many or more) */
} proto_perf;

typedef struct {
    uint8_t node_id[16], boot_id[16];
    uint8_t node_state, attested, time_state, flags;
    uint8_t profiles_mask, default_profile, cert_state, quorum_available;
    uint64_t eps_ns;
    int64_t not_after, seconds_left;
    uint64_t uptime_s, granted, refused;
    proto_cluster cluster; /* meaningful when flags & PROTO_STATUS_CLUSTER */
    proto_perf perf;       /* meaningful when flags & PROTO_STATUS_PERF */
} proto_status;
/* The 96-byte base alone (PROTO_STATUS_CLUSTER cleared): what a node without a cluster sends. */
void proto_status_encode(const proto_status *s, uint8_t out[PROTO_STATUS_LEN]);
/* The base and, when flags has PROTO_STATUS_CLUSTER, the cluster block, then with PROTO_STATUS_PERF
 * too the performance block. Its length, or 0 if a text field is not valid (a name outside its
 * alphabet, a reason not printable) or PERF is set without CLUSTER. */
size_t proto_status_write(const proto_status *s, uint8_t out[PROTO_STATUS_MAX_LEN]);
/* Exactly 96 bytes without the CLUSTER flag, exactly 96 + PROTO_CLUSTER_LEN with it, and
 * PROTO_PERF_LEN more with PERF (which needs CLUSTER; a node before the block never sets it, so
 * its STATUS still parses); every field in range, text fields length-prefixed, printable and
 * zero-padded, reserved bytes zero. */
CC_MUST_CHECK int proto_status_parse(const uint8_t *body, size_t len, proto_status *s, const char **why);

/* ---- ATTEST: nonce (16..64 bytes) -> evidence bytes ---- */
#define PROTO_ATTEST_NONCE_MIN 16
#define PROTO_ATTEST_NONCE_MAX 64

/* ---- DER lists: count u8, then per item len u32 + DER (a SEQUENCE: first byte 0x30) ----
 * CERTS answer: the TSA certificates, ECDSA first, then ML-DSA-65 (0..2 items).
 * CSRS answer: the live epoch's threshold-signed CSRs, same order (2 items).
 * CERT_INSTALL request: the CA-issued certificates, same order (exactly 2 items, each at most
 * PROTO_CERT_MAX bytes); answered by CERT_INSTALL result. */
#define PROTO_DER_LIST_MAX 2
#define PROTO_CERT_MAX (32u << 10)
typedef struct {
    unsigned n;
    const uint8_t *der[PROTO_DER_LIST_MAX]; /* point into the body */
    size_t len[PROTO_DER_LIST_MAX];
} proto_der_list;
/* Into a malloc'd frame (header in front), as proto_sign_resp_frame. */
CC_MUST_CHECK int proto_der_list_frame(uint8_t type, uint32_t id, const proto_der_list *l, uint8_t **out, size_t *len);
CC_MUST_CHECK int proto_der_list_parse(const uint8_t *body, size_t len, size_t item_max, proto_der_list *l,
                                       const char **why);

/* CERT_INSTALL result: accepted u8 (0/1) | reason_len u8 | reason (why refused; printable). */
typedef struct {
    uint8_t accepted;
    char reason[PROTO_REASON_MAX + 1];
} proto_install_resp;
size_t proto_install_resp_encode(const proto_install_resp *r, uint8_t out[2 + PROTO_REASON_MAX]);
CC_MUST_CHECK int proto_install_resp_parse(const uint8_t *body, size_t len, proto_install_resp *r, const char **why);

/* ATTEST answer: the report (ATTEST_REPORT_BYTES = 1184) | endorsements len u32 | endorsements. */
#define PROTO_ATTEST_REPORT_LEN 1184
typedef struct {
    const uint8_t *report; /* PROTO_ATTEST_REPORT_LEN bytes */
    const uint8_t *endorsements;
    size_t endorsements_len;
} proto_attest_resp;
CC_MUST_CHECK int proto_attest_resp_parse(const uint8_t *body, size_t len, proto_attest_resp *r, const char **why);

/* ---- CONTROL: u32 envelope_len | signed command envelope (node/operator.h parses it) | u32 ec_len
 * | ECDSA certificate DER | u32 ml_len | ML-DSA certificate DER (both empty except install-certs).
 * Answer: outcome u8 (0 accepted and done, 1 refused) | reason text. ---- */
#define PROTO_CONTROL_ENVELOPE_MAX (16u << 10)
#define PROTO_CONTROL_CERT_MAX (16u << 10)
typedef struct {
    const uint8_t *envelope, *ec, *ml; /* point into the body */
    uint32_t envelope_len, ec_len, ml_len;
} proto_control_req;
/* Body into a malloc'd buffer with room for the frame header in front (*out: header + body). */
CC_MUST_CHECK int proto_control_req_frame(const proto_control_req *r, uint32_t id, uint8_t **out, size_t *len);
CC_MUST_CHECK int proto_control_req_parse(const uint8_t *body, size_t len, proto_control_req *r, const char **why);
enum {
    PROTO_CONTROL_ACCEPTED = 0,
    PROTO_CONTROL_REFUSED = 1
};
/* The whole answer frame into out (cap >= PROTO_HEADER_LEN + 1 + PROTO_REASON_MAX); its length.
 * The reason is cut at PROTO_REASON_MAX bytes, and bytes that are not printable ASCII become '?'. */
size_t proto_control_resp_frame(uint32_t id, uint8_t outcome, const char *reason, uint8_t *out, size_t cap);
CC_MUST_CHECK int proto_control_resp_parse(const uint8_t *body, size_t len, uint8_t *outcome,
                                           char reason[PROTO_REASON_MAX + 1]);

/* ---- ERROR: code u16, reason text ---- */
enum {
    PROTO_ERR_BAD_REQUEST = 1,
    PROTO_ERR_NOT_AVAILABLE = 2,
    PROTO_ERR_INTERNAL = 3
};
/* The whole ERROR frame into out (cap >= PROTO_HEADER_LEN + 2 + PROTO_REASON_MAX); its length. */
size_t proto_error_frame(uint32_t id, uint16_t code, const char *reason, uint8_t *out, size_t cap);
CC_MUST_CHECK int proto_error_parse(const uint8_t *body, size_t len, uint16_t *code, char reason[PROTO_REASON_MAX + 1]);

uint32_t proto_get32(const uint8_t *p);
void proto_put32(uint8_t *p, uint32_t v);

#endif

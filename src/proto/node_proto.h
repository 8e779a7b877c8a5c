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
#include <stdint.h>

#define PROTO_MAGIC "CCTN"
#define PROTO_VERSION 2
#define PROTO_HEADER_LEN 16

enum {
    PROTO_SIGN = 0x01, PROTO_STATUS = 0x02, PROTO_ATTEST = 0x03, PROTO_BINDING = 0x04, PROTO_CERTS = 0x05,
    PROTO_CONTROL = 0x07, /* an operator-signed command (node/operator.h) */
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
int proto_header_parse(const uint8_t in[PROTO_HEADER_LEN], int requests_only, proto_header *h, const char **why);

/* ---- SIGN ---- */
#define PROTO_PROFILE_DEFAULT 0xFF /* /tsa: the node picks by reqPolicy, else its default profile */
#define PROTO_POLICY_MAX 32
#define PROTO_NONCE_MAX 21   /* INTEGER contents: 160-bit magnitude plus a leading zero */
#define PROTO_DIGEST_MAX 64
#define PROTO_IMPRINT_TEMPLATES 12 /* 6 hash algorithms x (parameters absent, NULL) */
#define PROTO_IMPRINT_MAX 83 /* largest MessageImprint DER a template produces */

typedef struct {
    uint8_t profile;   /* tsp_profile or PROTO_PROFILE_DEFAULT */
    uint8_t cert_req;  /* 0 or 1 */
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
int proto_imprint_template_of(const uint8_t *imprint_tlv, size_t len, int hash_alg);
/* The MessageImprint DER for a template and digest (the node); its length, or 0 if they do not fit. */
size_t proto_imprint_build(int tmpl, const uint8_t *digest, size_t digest_len, uint8_t out[PROTO_IMPRINT_MAX]);
size_t proto_sign_req_encode(const proto_sign_req *r, uint8_t *out, size_t cap); /* 0 if it does not fit */
int proto_sign_req_parse(const uint8_t *body, size_t len, proto_sign_req *r, const char **why);

/* SIGN result. */
enum { PROTO_GRANTED = 0, PROTO_REJECTED = 1, PROTO_RETRY_ELSEWHERE = 2, PROTO_UNAVAILABLE = 3 };
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
int proto_sign_resp_frame(const proto_sign_resp *r, uint32_t id, uint8_t **out, size_t *len);
int proto_sign_resp_parse(const uint8_t *body, size_t len, proto_sign_resp *r, const char **why);

/* ---- STATUS ---- */
enum { PROTO_TIME_SYNCED = 0, PROTO_TIME_HOLDOVER = 1, PROTO_TIME_UNSYNCED = 2, PROTO_TIME_EXCLUDED = 3 };
enum { PROTO_NODE_SERVING = 0, PROTO_NODE_NO_KEY = 1, PROTO_NODE_FAILED = 2 };
#define PROTO_STATUS_DEV_CLOCK 0x01 /* flags: time from the host clock (development) */
#define PROTO_STATUS_DEV_KEYS 0x02  /* flags: local development keys, not the cluster */
#define PROTO_STATUS_LEN 96
typedef struct {
    uint8_t node_id[16], boot_id[16];
    uint8_t node_state, attested, time_state, flags;
    uint8_t profiles_mask, default_profile, cert_state, quorum_available;
    uint64_t eps_ns;
    int64_t not_after, seconds_left;
    uint64_t uptime_s, granted, refused;
} proto_status;
void proto_status_encode(const proto_status *s, uint8_t out[PROTO_STATUS_LEN]);
int proto_status_parse(const uint8_t *body, size_t len, proto_status *s, const char **why);

/* ---- ATTEST: nonce (16..64 bytes) -> evidence bytes ---- */
#define PROTO_ATTEST_NONCE_MIN 16
#define PROTO_ATTEST_NONCE_MAX 64

/* ---- CERTS: count u8, then per certificate len u32 + DER ---- */

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
int proto_control_req_frame(const proto_control_req *r, uint32_t id, uint8_t **out, size_t *len);
int proto_control_req_parse(const uint8_t *body, size_t len, proto_control_req *r, const char **why);
enum { PROTO_CONTROL_ACCEPTED = 0, PROTO_CONTROL_REFUSED = 1 };
/* The whole answer frame into out (cap >= PROTO_HEADER_LEN + 1 + PROTO_REASON_MAX); its length.
 * The reason is cut at PROTO_REASON_MAX bytes, and bytes that are not printable ASCII become '?'. */
size_t proto_control_resp_frame(uint32_t id, uint8_t outcome, const char *reason, uint8_t *out, size_t cap);
int proto_control_resp_parse(const uint8_t *body, size_t len, uint8_t *outcome, char reason[PROTO_REASON_MAX + 1]);

/* ---- ERROR: code u16, reason text ---- */
enum { PROTO_ERR_BAD_REQUEST = 1, PROTO_ERR_NOT_AVAILABLE = 2, PROTO_ERR_INTERNAL = 3 };
/* The whole ERROR frame into out (cap >= PROTO_HEADER_LEN + 2 + PROTO_REASON_MAX); its length. */
size_t proto_error_frame(uint32_t id, uint16_t code, const char *reason, uint8_t *out, size_t cap);
int proto_error_parse(const uint8_t *body, size_t len, uint16_t *code, char reason[PROTO_REASON_MAX + 1]);

uint32_t proto_get32(const uint8_t *p);
void proto_put32(uint8_t *p, uint32_t v);

#endif

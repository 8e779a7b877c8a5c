/* audit.h: the node's append-only, hash-chained audit log (issue 16). Owned here: the record
 * format, the writer (one JSON line per security-relevant event, fsync'd before the call
 * returns), the typed events every node writes (DKG transcript, signing as coordinator and as
 * participant, refusals, operator commands, attestation results), and the signed chain head.
 *
 * Format of DIR/<node>.audit, one record per line, fields in this order:
 *   {"seq":N,"time":"RFC 3339 UTC","node":"NAME","event":"EVENT","prev":"HEX96",<fields>,"hash":"HEX96"}
 * seq counts from 1; prev is the previous record's hash (96 zeros for the first);
 * hash = SHA-384("cctsa-audit-record-v1" || 0x00 || the line's bytes before ',"hash":').
 * A "head" record carries a signature over audit_head_message(node, seq, hash) of an earlier
 * record (normally the one before it), by the cluster's group key(s) (the caller's x509_signer: the threshold signer in a
 * cluster, a local key in tests). `cctsa audit verify` (src/cli/cli_audit.c) checks all of it.
 * Nothing secret is ever written: hashes, serials, names, reasons. */
#ifndef CCTSA_NODE_AUDIT_H
#define CCTSA_NODE_AUDIT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "x509/signer.h"

#define AUDIT_HASH_BYTES 48
#define AUDIT_NODE_MAX 32    /* node names: [A-Za-z0-9._-]{1,32} */
#define AUDIT_LINE_MAX 16384 /* a head record with an ML-DSA-65 signature fits */
#define AUDIT_MAX_SIGNERS 2
#define AUDIT_RECORD_LABEL "cctsa-audit-record-v1"
#define AUDIT_HEAD_LABEL "cctsa-audit-head-v1"

typedef struct {
    const char *dir; /* exists; the log is DIR/<node>.audit, created 0600 if absent */
    const char *node;
    /* Signers of the chain head (0..2, distinct algorithms); may be set later (audit_set_signers). */
    const x509_signer *signers[AUDIT_MAX_SIGNERS];
    size_t n_signers;
} audit_config;

typedef struct audit_log audit_log;

/* Open (or continue) the node's log: an existing file's last record gives seq and hash (a file
 * whose last line is not a complete record is refused). NULL with why. */
audit_log *audit_open(const audit_config *cfg, char *why, size_t whylen);
void audit_close(audit_log *a);
/* The cluster's signers change with the epoch. Not owned; must outlive their use. */
void audit_set_signers(audit_log *a, const x509_signer *const *signers, size_t n);
uint64_t audit_seq(audit_log *a); /* records written so far */

/* One field of a record: a string value (escaped as JSON) or a number. */
typedef struct {
    const char *key; /* [a-z_]+ */
    const char *str; /* NULL: num is written */
    uint64_t num;
} audit_field;

/* Append one record and fsync. Thread-safe. 0, or -1 (the log is then unusable: fail closed). */
int audit_append(audit_log *a, const char *event, const audit_field *f, size_t n);

/* Typed events (the names `cctsa audit verify` cross-checks). Hashes are hex-encoded here. */
int audit_dkg(audit_log *a, uint32_t epoch, unsigned party, const uint8_t transcript[AUDIT_HASH_BYTES],
              const char *result);
/* Coordinator: set = the signer set as party indices ("1,3,4"). */
int audit_sign(audit_log *a, uint32_t epoch, const char *serial_hex, const char *gentime, const char *profile,
               const char *set, const uint8_t tstinfo_hash[AUDIT_HASH_BYTES],
               const uint8_t token_hash[AUDIT_HASH_BYTES]);
/* Participant: what it co-signed for coordinator coord. */
int audit_cosign(audit_log *a, uint32_t epoch, const char *coord, const char *serial_hex, const char *gentime,
                 const char *profile, const char *set, const uint8_t tstinfo_hash[AUDIT_HASH_BYTES]);
int audit_refusal(audit_log *a, const char *what, const char *reason);
int audit_operator(audit_log *a, const char *command, uint32_t epoch, const char *operators, const char *nonce_hex,
                   const char *result, const char *reason);
int audit_attestation(audit_log *a, const char *peer, const char *result, const char *reason);

/* Sign the current head (seq and hash of the last record) with every signer and append a "head"
 * record naming it; nothing happens when no record but heads came since the last head. The
 * signature is made without holding the log, so records may be written meanwhile (the head then
 * covers an earlier record) and the signer may itself write to the log. Call it on a timer from a
 * thread that may block (a threshold signature). 0, or -1 if a signer failed (logged as a refusal). */
int audit_sign_head(audit_log *a);

/* The message a head signature covers: label || 0x00 || node || 0x00 || u64be(seq) || hash.
 * out must hold sizeof AUDIT_HEAD_LABEL + AUDIT_NODE_MAX + 1 + 8 + AUDIT_HASH_BYTES; the length. */
#define AUDIT_HEAD_MSG_MAX (sizeof AUDIT_HEAD_LABEL + AUDIT_NODE_MAX + 1 + 8 + AUDIT_HASH_BYTES)
size_t audit_head_message(const char *node, uint64_t seq, const uint8_t hash[AUDIT_HASH_BYTES],
                          uint8_t out[AUDIT_HEAD_MSG_MAX]);
/* The record hash of a line's hashed prefix. 0 or -1. */
int audit_record_hash(const char *prefix, size_t len, uint8_t out[AUDIT_HASH_BYTES]);
/* 1 if name is a valid node name. */
int audit_node_name_ok(const char *name);

#endif

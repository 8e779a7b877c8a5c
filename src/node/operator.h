/* operator.h: signed operator commands (issue 16). Owned here: the pinned operator keys of the
 * measured configuration, the command body and its signed envelope, signing (the `cctsa operator`
 * client) and the node-side verifier with its nonce cache.
 *
 * Configuration (the measured file, attest_config_each format):
 *   operator.key = NAME SHA256HEX   SHA-256 of the operator's SubjectPublicKeyInfo DER (P-384 or
 *                                   ML-DSA-65), up to OPERATOR_MAX_KEYS lines, distinct names and keys
 *   operator.max_lifetime = SECONDS a command's expiry at most this far ahead (default 3600, <= 86400)
 * The key itself travels in the command; the node accepts it only if its fingerprint is pinned.
 *
 * Body (canonical text, exactly these lines in this order, each ending in '\n'):
 *   cctsa-operator-command-v1 / command=retire|compromised|renew-cert|install-certs / epoch=N /
 *   nonce=32 hex digits / expires=unix seconds / certs=96 hex digits (install-certs: certs hash) or -
 * Envelope: "CCOP" | version 1 | u16 body_len | body | u8 n (1..2) | n x (u16 spki_len | SPKI DER |
 *   u16 sig_len | signature), every length checked, nothing trailing. Each signature covers
 *   "cctsa-operator-v1" || 0x00 || body (ECDSA P-384/SHA-384 DER, or ML-DSA-65 pure).
 * Verifier: every signature by a pinned key and valid (else "forged"); retire and compromised need
 * two different operators (four-eyes); not expired and not too far ahead; the live epoch; the
 * certificates match the signed hash; a nonce never seen before (the cache keeps nonces until
 * their expiry; full cache refuses). */
#ifndef CCTSA_NODE_OPERATOR_H
#define CCTSA_NODE_OPERATOR_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "x509/signer.h"

#define OPERATOR_MAX_KEYS 8
#define OPERATOR_NAME_MAX 32
#define OPERATOR_BODY_MAX 512
#define OPERATOR_MAX_SIGS 2
#define OPERATOR_SPKI_MAX 2048 /* ML-DSA-65 SPKI is 1974 bytes */
#define OPERATOR_ENVELOPE_MAX                                                                                          \
    (7 + OPERATOR_BODY_MAX + 1 + OPERATOR_MAX_SIGS * (4 + OPERATOR_SPKI_MAX + X509_MAX_SIGBYTES))
#define OPERATOR_NONCE_BYTES 16
#define OPERATOR_CERTS_HASH_BYTES 48
#define OPERATOR_DEFAULT_LIFETIME 3600
#define OPERATOR_MAX_LIFETIME 86400
#define OPERATOR_NONCE_CACHE 1024

typedef enum {
    OP_NONE = 0,
    OP_RETIRE,
    OP_COMPROMISED,
    OP_RENEW_CERT,
    OP_INSTALL_CERTS
} operator_cmd;
const char *operator_cmd_name(operator_cmd c);         /* "retire", ... */
operator_cmd operator_cmd_from_name(const char *name); /* OP_NONE if unknown */
int operator_cmd_four_eyes(operator_cmd c);            /* 1 for retire and compromised */

typedef struct {
    size_t n;
    char name[OPERATOR_MAX_KEYS][OPERATOR_NAME_MAX + 1];
    uint8_t fp[OPERATOR_MAX_KEYS][32];
    long max_lifetime;
} operator_policy;
/* The operator.* lines of the measured configuration (text or file). 0, or -1 with why. */
int operator_policy_parse(const char *text, size_t len, operator_policy *p, char *why, size_t whylen);
int operator_policy_load(const char *path, operator_policy *p, char *why, size_t whylen);
/* SHA-256 of an SPKI DER: the pinned fingerprint. */
int operator_fingerprint(const uint8_t *spki, size_t len, uint8_t fp[32]);

typedef struct {
    operator_cmd cmd;
    uint32_t epoch;
    uint8_t nonce[OPERATOR_NONCE_BYTES];
    int64_t expires;
    int has_certs;
    uint8_t certs_hash[OPERATOR_CERTS_HASH_BYTES];
} operator_command;
/* Canonical body text; its length, or 0 if it does not fit. */
size_t operator_body_encode(const operator_command *c, char out[OPERATOR_BODY_MAX + 1]);
int operator_body_parse(const uint8_t *body, size_t len, operator_command *c);
/* Hash binding install-certs to its certificates: SHA-384("cctsa-operator-certs-v1" || 0x00 ||
 * u32be(ec_len) || ec || u32be(ml_len) || ml). */
int operator_certs_hash(const uint8_t *ec, size_t ec_len, const uint8_t *ml, size_t ml_len,
                        uint8_t out[OPERATOR_CERTS_HASH_BYTES]);

typedef struct {
    const uint8_t *body;
    size_t body_len;
    size_t n;
    struct {
        const uint8_t *spki, *sig;
        size_t spki_len, sig_len;
    } sig[OPERATOR_MAX_SIGS];
} operator_envelope; /* points into the parsed bytes */
int operator_envelope_parse(const uint8_t *in, size_t len, operator_envelope *e);
int operator_envelope_encode(const operator_envelope *e, uint8_t **out, size_t *len); /* *out malloc'd */
/* A new envelope: body plus one signature by s (*out malloc'd). */
int operator_sign_new(const operator_command *c, const x509_signer *s, uint8_t **out, size_t *len);
/* Add a co-signature by s to an existing envelope (*out malloc'd); -1 if it already has two. */
int operator_cosign(const uint8_t *in, size_t in_len, const x509_signer *s, uint8_t **out, size_t *len);

typedef struct {
    pthread_mutex_t mu;
    size_t n;
    struct {
        uint8_t nonce[OPERATOR_NONCE_BYTES];
        int64_t expires;
    } e[OPERATOR_NONCE_CACHE];
} operator_nonce_cache;
void operator_nonce_cache_init(operator_nonce_cache *nc);
void operator_nonce_cache_free(operator_nonce_cache *nc);

typedef struct {
    operator_command cmd;
    char operators[2 * OPERATOR_NAME_MAX + 2]; /* "alice" or "alice+bob" (whatever verified) */
    char nonce_hex[2 * OPERATOR_NONCE_BYTES + 1];
} operator_verified;
/* The node's verifier (see the top of this file). ec/ml: the certificates carried with
 * install-certs (else NULL, 0). On acceptance the nonce is remembered. 0, or -1 with why; out is
 * filled as far as parsing got, for the audit record. */
int operator_verify(const operator_policy *p, operator_nonce_cache *nc, const uint8_t *env, size_t env_len,
                    const uint8_t *ec, size_t ec_len, const uint8_t *ml, size_t ml_len, uint32_t live_epoch, time_t now,
                    operator_verified *out, char *why, size_t whylen);

#endif

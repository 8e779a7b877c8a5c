/* cluster_audit.h: the cluster engine's audit records (private to src/node/cluster*.c). Owned
 * here: how the engine's events become node/audit.h records (a DKG attempt, a token signed as
 * coordinator and co-signed as participant, a refusal: the fields `cctsa audit verify`
 * cross-checks, formatted the same way on every node), the participant's rebuild of an audit
 * chain head message, and cluster_audit_head (cluster.h). Every function does nothing when the
 * engine has no audit log (cfg.audit NULL). */
#ifndef CCTSA_NODE_CLUSTER_AUDIT_H
#define CCTSA_NODE_CLUSTER_AUDIT_H

#include "node/cluster_sign.h"

/* result: "ok" or "failed"; transcript may be NULL (failed before the session id). */
void cl_audit_dkg(cluster *c, uint32_t epoch, unsigned party, const uint8_t transcript[48], const char *result);
/* Coordinator, before the token leaves: 0 recorded (or no log), -1 the log failed (refuse it).
 * discarded: NULL for a token handed out; else the group key signed part of a token that is not
 * handed out (signed too late, or another part failed): the "sign" record (token hash zeros when
 * no token was assembled) is followed by a "refusal" naming the serial and this reason, so the
 * participants' "cosign" records of it have their coordinator's record. */
int cl_audit_sign(cluster *c, const cl_epoch *ep, const cl_sign_req *r, unsigned set, const uint8_t *tst,
                  size_t tst_len, const uint8_t *token, size_t token_len, const char *discarded);
/* Participant, after its share of a token part went out: one record per token (the part of the
 * profile's first scheme: ECDSA, or ML-DSA for pq). */
void cl_audit_cosign(cluster *c, cl_epoch *ep, const cl_sign_req *r);
void cl_audit_refusal(cluster *c, const char *what, const char *why);
/* A named culprit: result "excluded" (for seconds, the strikes-th time) or "probation" (its
 * cool-down ended). */
void cl_audit_exclusion(cluster *c, const uint8_t key[CLUSTER_KEY_BYTES], const char *result, uint64_t seconds,
                        unsigned strikes, const char *why);
/* Participant policy of CL_PURPOSE_AUDIT_HEAD: tbs must be an audit head message exactly as
 * audit_head_message builds it from its own fields; *out = that rebuild (malloc'd). 0, or -1. */
int cl_audit_head_expected(const uint8_t *tbs, size_t len, uint8_t **out, size_t *out_len, char *why, size_t whylen);

#endif

/* cluster_sign.h: one threshold signature of the cluster, private to the engine. Owned here: the
 * signing request a coordinator sends in its START message (what is signed and why: a token part
 * from TSTInfo fields, a self-test message, a CSR, the binding record, or a presigning run), its
 * strict encoder and parser, the participant's own rebuild of the exact bytes it may sign
 * (cl_expected_tbs, compared byte for byte inside the scheme's policy callback), and the
 * coordinator's side of one signature over one signer set (cl_sign_part). */
#ifndef CCTSA_NODE_CLUSTER_SIGN_H
#define CCTSA_NODE_CLUSTER_SIGN_H

#include "node/cluster_int.h"
#include "tsp/tsp_clock.h"

typedef enum {
    CL_PURPOSE_TOKEN = 1,
    CL_PURPOSE_SELFTEST,
    CL_PURPOSE_CSR,
    CL_PURPOSE_BINDING,
    CL_PURPOSE_PRESIGN,
    CL_PURPOSE_AUDIT_HEAD,
    CL_PURPOSE_MAX
} cl_purpose;
typedef enum {
    CL_SCHEME_ML = 1,
    CL_SCHEME_EC = 2
} cl_scheme;

#define CL_IMPRINT_MAX 100
#define CL_NONCE_MAX 24
#define CL_TBS_MAX (64u << 10)
#define CL_SERIAL_WINDOW 4096 /* counters accepted around the highest seen of a coordinator */

typedef struct {
    uint8_t purpose, scheme, set, coord;
    uint8_t profile; /* TOKEN */
    int64_t gen_sec;
    uint16_t gen_ms;
    uint8_t time_block[TIME_BLOCK_BYTES]; /* the coordinator's time state (time_peer.h) */
    uint8_t serial[TSP_SERIAL_BYTES];
    const uint8_t *imprint, *nonce, *ecsig;
    size_t imprint_len, nonce_len, ecsig_len; /* ecsig: compat's ML countersignature covers it */
    uint8_t presig[CL_SID_BYTES];             /* EC: the presignature session to use */
    const uint8_t *tbs;                       /* the bytes the coordinator asks to be signed */
    size_t tbs_len;
} cl_sign_req;

int cl_req_encode(const cl_sign_req *r, uint8_t **out, size_t *len);
int cl_req_parse(const uint8_t *b, size_t len, cl_sign_req *r, const char **why);

/* This node's time-state block for a request it coordinates (cfg.time_block or from its reading). */
void cl_time_block(cluster *c, uint8_t out[TIME_BLOCK_BYTES]);
/* The bytes this node itself derives for the request (malloc'd). 0, or -1 with why. */
int cl_expected_tbs(cluster *c, cl_epoch *ep, const cl_sign_req *r, uint8_t **tbs, size_t *len, char *why,
                    size_t whylen);
/* An x509_signer callback that keeps a copy of the first bytes it is asked to sign and fails, to
 * learn the exact to-be-signed bytes of a CSR or a binding record. */
typedef struct {
    uint8_t *msg;
    size_t len;
} cl_capture;
int cl_capture_sign(void *ctx, const uint8_t *tbs, size_t len, uint8_t *sig, size_t *siglen);
/* The TSTInfo DER a token request's fields encode to, with the epoch's certificate as tsa name
 * (malloc'd). 0, or -1 with why. */
int cl_token_tstinfo(cluster *c, cl_epoch *ep, const cl_sign_req *r, uint8_t **tst, size_t *len, char *why,
                     size_t whylen);
/* The self-test message of a scheme and signer set in this epoch. */
size_t cl_selftest_msg(const cl_epoch *ep, unsigned scheme, unsigned set, uint8_t out[96]);
/* The CertificationRequestInfo a scheme's CSR covers in this epoch (malloc'd); 0 or -1. */
int cl_csr_info(cluster *c, const cl_epoch *ep, unsigned scheme, uint8_t **info, size_t *len);
/* Build the CSR of a scheme with the threshold signer over set; 0 or -1 with e. */
int cl_csr_build(cluster *c, cl_epoch *ep, unsigned scheme, unsigned set, uint8_t **der, size_t *len, cl_err *e);

/* Coordinate one signature of scheme over req->tbs with signer set `set` (self included). sig
 * holds X509_MAX_SIGBYTES. 0, or < 0 with e (e->culprit names a proven deviator). */
int cl_sign_part(cluster *c, cl_epoch *ep, const cl_sign_req *req, unsigned set, uint64_t deadline_ms, uint8_t *sig,
                 size_t *sig_len, cl_err *e);
/* Run a presigning session for set as its coordinator and pool the result. 0 or < 0. */
int cl_presign(cluster *c, cl_epoch *ep, unsigned set, uint64_t deadline_ms, cl_err *e);
/* Presignatures of ours for set in the pool. */
unsigned cl_pool_count(cluster *c, cl_epoch *ep, unsigned set);
/* Fill sess for a session of kind in ep with the members of set. */
void cl_session_init(cl_session *s, cluster *c, const cl_epoch *ep, uint8_t kind, const uint8_t sid[CL_SID_BYTES],
                     unsigned set, unsigned round_ms, uint64_t deadline_ms);
/* Name the culprit of e (if any) as excluded (takes c->mu). */
void cl_blame(cluster *c, const cl_epoch *ep, const cl_err *e);

#endif

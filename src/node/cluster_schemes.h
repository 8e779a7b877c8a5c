/* cluster_schemes.h: the two threshold schemes behind the one session shape (cl_proto), private to
 * the cluster engine: ML-DSA key generation and signing, ECDSA key generation, presigning and the
 * signing round. Each adapter maps its library's messages onto broadcast / point-to-point parts
 * and its library's blame (tmldsa_error, tecdsa_*_culprit / suspects) onto cl_err. */
#ifndef CCTSA_NODE_CLUSTER_SCHEMES_H
#define CCTSA_NODE_CLUSTER_SCHEMES_H

#include "node/cluster_int.h"

typedef struct {
    tmldsa_dkg *d;
    tmldsa_share *share; /* result */
} cl_ml_dkg;
extern const cl_proto cl_proto_ml_dkg;

typedef struct {
    tecdsa_dkg *d;
    tecdsa_keyshare *share; /* result */
} cl_ec_dkg;
extern const cl_proto cl_proto_ec_dkg;

typedef struct {
    tmldsa_sign *s;
    unsigned ids[CL_T];
    uint8_t sig[TMLDSA_SIGBYTES]; /* result */
    unsigned attempts;
} cl_ml_sign;
extern const cl_proto cl_proto_ml_sign;

typedef struct {
    tecdsa_presign *p;
    tecdsa_presig *ps; /* result */
} cl_ec_presign;
extern const cl_proto cl_proto_ec_presign;

typedef struct {
    tecdsa_presig *ps; /* consumed */
    const uint8_t *tbs;
    size_t tbs_len;
    tecdsa_policy_fn policy;
    void *policy_arg;
    unsigned self, coord;
    const uint8_t *key_id, *pub;
    tecdsa_msg own;
    uint8_t der[TECDSA_SIG_MAX_DER]; /* result (coordinator) */
    size_t der_len;
} cl_ec_sign;
extern const cl_proto cl_proto_ec_sign;

/* The three signers of a mask in increasing order; 0 if the mask is not a 3-set of 1..5. */
int cl_set_ids(unsigned mask, unsigned ids[CL_T]);

#endif

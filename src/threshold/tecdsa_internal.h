/* tecdsa_internal.h: state shared by the threshold ECDSA modules (key share layout, Schnorr
 * proofs, Lagrange coefficients, the used-session ring). Not part of the public API; tests may
 * include it for white-box checks (e.g. the key-reconstruction oracle). */
#ifndef CCTSA_THRESHOLD_TECDSA_INTERNAL_H
#define CCTSA_THRESHOLD_TECDSA_INTERNAL_H

#include "threshold/tecdsa.h"
#include "threshold/tecdsa_ec.h"
#include "threshold/tecdsa_ot.h"
#include "threshold/tecdsa_scalar.h"

#define TK_USED_SIDS 256
#define TK_ZERO_SEED_BYTES 32
#define TK_POK_BYTES (2 * TSC_BYTES)

struct tecdsa_keyshare {
    int self;
    uint8_t key_id[TECDSA_ID_BYTES];
    uint8_t sid_dkg[TECDSA_ID_BYTES];
    tpt pk;
    tpt pub_share[TECDSA_N + 1];                      /* X_m = x_m * G */
    tsc x;                                            /* Shamir share f(self) */
    uint8_t zero_seed[TECDSA_N + 1][TK_ZERO_SEED_BYTES];
    tot_alice_setup alice[TECDSA_N + 1];              /* self as VOLE sender towards j */
    tot_bob_setup bob[TECDSA_N + 1];                  /* self as VOLE receiver towards j */
    uint8_t banned[TECDSA_N + 1];
    unsigned disqualified;                            /* bit m: dealer m left QUAL in the DKG */
    uint8_t used_sid[TK_USED_SIDS][TECDSA_ID_BYTES];  /* recent presign sessions (ring) */
    size_t used_count;
};

struct tecdsa_presig {
    int consumed;
    int self;
    int signers[TECDSA_T];
    uint8_t key_id[TECDSA_ID_BYTES];
    uint8_t sid[TECDSA_ID_BYTES];
    tpt pk, R;
    tsc u, v, phi;
};

tecdsa_keyshare *tk_new(int self);
/* TECDSA_ERR_REPLAY if sid was used before with this key share, else records it. */
int tk_use_sid(tecdsa_keyshare *ks, const uint8_t sid[TECDSA_ID_BYTES]);
/* lambda_i^S = prod_{j in S, j != i} j / (j - i). */
void tk_lagrange(tsc *out, int i, const int signers[TECDSA_T]);

/* Schnorr proof of knowledge of x with X = x*G, bound to (label, sid, party, index). */
int tk_pok_prove(uint8_t out[TK_POK_BYTES], const tsc *x, const tpt *X, const char *label,
                 const uint8_t sid[TECDSA_ID_BYTES], int party, int index);
int tk_pok_verify(const uint8_t in[TK_POK_BYTES], const tpt *X, const char *label,
                  const uint8_t sid[TECDSA_ID_BYTES], int party, int index);

#endif

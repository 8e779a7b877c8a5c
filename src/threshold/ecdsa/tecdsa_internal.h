/* tecdsa_internal.h: state shared by the threshold ECDSA modules (key share layout, Schnorr
 * proofs, Lagrange coefficients, the used-session ring). Not part of the public API; tests may
 * include it for white-box checks (e.g. the key-reconstruction oracle). */
#ifndef CCTSA_THRESHOLD_TECDSA_INTERNAL_H
#define CCTSA_THRESHOLD_TECDSA_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "threshold/ecdsa/tecdsa.h"
#include "threshold/ecdsa/tecdsa_ec.h"
#include "threshold/ecdsa/tecdsa_ot.h"
#include "threshold/ecdsa/tecdsa_scalar.h"

#define TK_USED_SIDS 256
#define TK_ZERO_SEED_BYTES 32
#define TK_POK_BYTES (2 * TSC_BYTES)
#define TK_HEDGE_SEED_BYTES 32

struct tecdsa_keyshare {
    const cc_allocator *alloc; /* where it lives (NULL: the default); its presignatures too */
    int self;
    uint8_t key_id[TECDSA_ID_BYTES];
    uint8_t sid_dkg[TECDSA_ID_BYTES];
    tpt pk;
    tpt pub_share[TECDSA_N + 1]; /* X_m = x_m * G */
    tsc x;                       /* Shamir share f(self) */
    uint8_t zero_seed[TECDSA_N + 1][TK_ZERO_SEED_BYTES];
    tot_alice_setup alice[TECDSA_N + 1]; /* self as VOLE sender towards j */
    tot_bob_setup bob[TECDSA_N + 1];     /* self as VOLE receiver towards j */
    /* Ban rule (see tecdsa.h): set-once atomic flags, never cleared; read at every presign step and
     * by tecdsa_sign_share. check_lock[j] serialises the OT-extension check with peer j together
     * with the ban it may set, so no check with j starts while another runs or after a failure. */
    atomic_int banned[TECDSA_N + 1];
    atomic_int active[TECDSA_N + 1]; /* in-flight presign sessions with each peer */
    pthread_mutex_t check_lock[TECDSA_N + 1];
    unsigned disqualified;                           /* bit m: dealer m left QUAL in the DKG */
    uint8_t hedge_seed[TK_HEDGE_SEED_BYTES];         /* secret, per share: hedges the presign RNG */
    atomic_uint_fast64_t hedge_ctr;                  /* makes every hedge input unique */
    pthread_mutex_t sid_lock;                        /* guards the used-session ring */
    uint8_t used_sid[TK_USED_SIDS][TECDSA_ID_BYTES]; /* recent presign sessions (ring) */
    size_t used_count;
};

/* A presignature refers to its key share (ban checks at signing): free it before the share. */
struct tecdsa_presig {
    const cc_allocator *alloc;
    atomic_bool consumed; /* test-and-set by tecdsa_sign_share */
    const tecdsa_keyshare *ks;
    int self;
    int signers[TECDSA_T];
    uint8_t key_id[TECDSA_ID_BYTES];
    uint8_t sid[TECDSA_ID_BYTES];
    tpt pk, R;
    tsc u, v, phi;
};

tecdsa_keyshare *tk_new(int self, const cc_allocator *alloc);
/* TECDSA_ERR_REPLAY if sid was used before with this key share, else records it. */
int tk_use_sid(tecdsa_keyshare *ks, const uint8_t sid[TECDSA_ID_BYTES]);
/* Ban peer j for the life of the key share (idempotent). */
void tk_ban(tecdsa_keyshare *ks, int j);
/* The first banned peer among signers (0 if none). */
int tk_banned_among(const tecdsa_keyshare *ks, const int signers[TECDSA_T]);
/* Hedged randomness: out = SHAKE256(tag, "hedge/v1", label, the share's secret hedge seed, a
 * per-share call counter, transcript, 32 fresh OS random bytes). Unpredictable if either the OS
 * RNG or the seed is; never repeats for one share even if the OS RNG repeats. A failed OS RNG
 * still fails closed (TECDSA_ERR_RNG). */
int tk_hedge(tecdsa_keyshare *ks, const char *label, const uint8_t *transcript, size_t tlen, uint8_t *out,
             size_t outlen);
/* lambda_i^S = prod_{j in S, j != i} j / (j - i). */
void tk_lagrange(tsc *out, int i, const int signers[TECDSA_T]);

/* Schnorr proof of knowledge of x with X = x*G, bound to (label, sid, party, index). */
int tk_pok_prove(uint8_t out[TK_POK_BYTES], const tsc *x, const tpt *X, const char *label,
                 const uint8_t sid[TECDSA_ID_BYTES], int party, int index);
int tk_pok_verify(const uint8_t in[TK_POK_BYTES], const tpt *X, const char *label, const uint8_t sid[TECDSA_ID_BYTES],
                  int party, int index);

#endif

/* tmldsa.h: threshold ML-DSA-65, 3-of-5, with dealerless key generation and standard FIPS 204
 * output (scheme of Celi, del Pino, Espitau, Niot, Prest, "Efficient Threshold ML-DSA": replicated
 * short shares, one per 3-element subset of {1..5}, hyperball masks and local L2 rejection).
 *
 * Owned here: the public, transport-agnostic API. Every protocol step is a pure function over
 * byte buffers: it takes the caller's state and the messages received in the previous round and
 * produces the messages to send. The caller carries the messages (authenticated broadcast, plus
 * confidential point-to-point channels for the DKG reveals). Every message starts with a fixed
 * header binding it to (key id, session id, attempt, signer set, sender, receiver, round); a
 * message that does not match the receiver's session is rejected (replays included) and the error
 * names its sender.
 *
 * Key generation (all 5 parties):  round1 -> round2 -> round3 -> round4 -> finish.
 * Signing (any 3 parties):         new -> { round1 -> round2 -> round3 -> combine }
 *                                  repeated with tmldsa_sign_next_attempt() while combine returns
 *                                  TMLDSA_E_RETRY (each attempt uses fresh round-1 randomness;
 *                                  the state machine refuses to reuse it).
 * Errors: every function returns TMLDSA_OK (0) or a negative TMLDSA_E_* code and, when `err` is
 * not NULL, fills it with the code, the blame (see tmldsa_error) and a human-readable reason. After an error caused by the inputs or the environment the state is dead
 * (fail closed): every later call returns TMLDSA_E_STATE and only *_free is useful. Exceptions:
 * TMLDSA_E_RETRY (the attempt failed normally), and TMLDSA_E_STATE / TMLDSA_E_ARG returned for a
 * call made out of order or with NULL arguments, which leave the state unchanged.
 * Output messages are cleared ({NULL, 0}) on entry of every round function that gets past the
 * argument/state check, so callers can always release them with tmldsa_msg_free.
 * Secret-holding states (DKG, share, signing) are wiped when freed, and so is every message
 * (tmldsa_msg_free zeroes it first: DKG private messages carry seed contributions).
 *
 * Beyond the paper's proof (the paper proves signing with a trusted dealer; see
 * docs/threshold-mldsa.md for the argument behind each point, none of which is a proof):
 *  - Dealerless key generation. The paper's keys come from a dealer; here the holders of each
 *    3-subset I derive seed_I jointly (commit, then reveal) and nobody ever holds the whole key.
 *    With at most 2 corrupt parties, the one all-honest subset keeps an honestly sampled share.
 *  - Publishing t_I. Every partial public key t_I = A s1_I + s2_I is broadcast and kept in every
 *    share (key id, blame check). Their sum is the full t, so t0, which FIPS 204 keeps in the
 *    private key, is public: it is recoverable from signatures anyway and the Dilithium proof
 *    gives it to the adversary, but the threshold proof does not cover it and it helps
 *    side-channel attacks on s.
 *  - Public-key bias. A rushing adversary sees the honest t_I (hence pk) in round 3 before it
 *    sends its own messages; it cannot change pk (all its inputs are committed in round 1 and
 *    checked), but it can abort, and a restart draws a fresh independent key. One run offers it
 *    one key or none; with at most 3 restarts, at most 4 candidate keys, which costs at most
 *    log2(4) = 2 bits of security. Nothing here counts restarts: the caller must cap them.
 *  - The public blame check of signing responses (tmldsa_sign_combine) and the blame rule of
 *    tmldsa_error are this project's additions. */
#ifndef CCTSA_THRESHOLD_TMLDSA_H
#define CCTSA_THRESHOLD_TMLDSA_H

#include <stddef.h>
#include <stdint.h>

#include "base/base.h"

#define TMLDSA_PARTIES 5
#define TMLDSA_THRESHOLD 3
#define TMLDSA_SUBSETS 10 /* 3-element subsets of {1..5} */
#define TMLDSA_SUBSETS_PER_PARTY 6
#define TMLDSA_SIDBYTES 32   /* session identifier, chosen by the caller, unique per session */
#define TMLDSA_KEYIDBYTES 32 /* SHAKE256 of pk and the ten partial public keys t_I */
#define TMLDSA_PKBYTES 1952
#define TMLDSA_SIGBYTES 3309
#define TMLDSA_K_DEFAULT 62 /* parallel slots per attempt (reference parameter) */
#define TMLDSA_K_MAX 255
#define TMLDSA_MAX_ATTEMPTS 64 /* per signing session; P(64 failures) ~ 2^-62 at K = 62 */

enum {
    TMLDSA_OK = 0,
    TMLDSA_E_ARG = -1,          /* bad argument (NULL, party id, signer set, K, context length) */
    TMLDSA_E_STATE = -2,        /* call out of order, state already used or dead */
    TMLDSA_E_FORMAT = -3,       /* message has the wrong length, magic, version or type */
    TMLDSA_E_BINDING = -4,      /* message belongs to another key/session/attempt/round/party */
    TMLDSA_E_COMMIT = -5,       /* revealed value does not match its commitment */
    TMLDSA_E_RANGE = -6,        /* coefficient or norm outside the allowed range */
    TMLDSA_E_INCONSISTENT = -7, /* parties disagree (t_I, transcript echo, confirmation) */
    TMLDSA_E_RESPONSE = -8,     /* a signing response fails the public blame check */
    TMLDSA_E_RETRY = -9,        /* this attempt produced no signature: call next_attempt */
    TMLDSA_E_RNG = -10,         /* OS random source failed */
    TMLDSA_E_NOMEM = -11,
    TMLDSA_E_VERIFY = -12,   /* combined signature rejected by the FIPS 204 verifier */
    TMLDSA_E_ATTEMPTS = -13, /* TMLDSA_MAX_ATTEMPTS reached */
    TMLDSA_E_POLICY = -14,   /* this party's signing policy refused the message */
};

/* Blame. A verdict is only as strong as its evidence, and the cluster excludes nodes on it, so
 * an error never names one party unless that party's own authenticated messages prove it deviated:
 *  - culprit (1..5): proven. The party sent two messages that contradict each other (a reveal not
 *    matching its commitment, a w not matching its hash, a response failing the public blame
 *    check), or a malformed / out-of-range / misbound message, or a value that differs from one
 *    this party computed itself from the same inputs. suspects == 1 << (culprit - 1).
 *  - culprit 0, suspects != 0: the evidence is a disagreement that an equivocating party can
 *    provoke, so only a set is named: at least one party in `suspects` (bit p-1 for party p)
 *    deviated, and an honest party may be among them. E.g. party p's echo of sender s's broadcast
 *    differs from ours: p lies or s sent different broadcasts to p and to us -> {p, s}; the three
 *    holders of a subset disagree on t_I and we are not one of them -> all three holders.
 *  - culprit 0, suspects 0: nobody is blamed (bad argument, local failure, policy refusal, a
 *    missing message, our own message coming back altered, or a disagreement that the
 *    coordinator alone can cause, such as different messages to sign).
 * The verdicts hold under the stated channel model: messages are authenticated (a party's message
 * cannot be forged or altered by others) but broadcasts are not guaranteed consistent. */
typedef struct {
    int code;
    unsigned culprit;  /* 1..5: proven deviator; 0: none proven */
    unsigned suspects; /* bit p-1 for party p: at least one of them deviated; 0: nobody blamed */
    char reason[160];
} tmldsa_error;

/* A message: `data` is malloc'd by the producing function; release with tmldsa_msg_free. */
typedef struct {
    uint8_t *data;
    size_t len;
} tmldsa_msg;

void tmldsa_msg_free(tmldsa_msg *m);
const char *tmldsa_strerror(int code);

/* ---- key share (result of key generation) ---- */
typedef struct tmldsa_share tmldsa_share;

/* Fixed-size encoding of a share: magic, party, pk, key id, the six subset seeds (SECRET: in
 * memory only; cctsa never writes a share to disk or a sealed blob), the ten public t_I. Import re-derives pk and the key id from the t_I and
 * each own t_I from its seed, and refuses anything inconsistent. */
#define TMLDSA_SHARE_BYTES 46537

unsigned tmldsa_share_party(const tmldsa_share *sh);
const uint8_t *tmldsa_share_pk(const tmldsa_share *sh);     /* TMLDSA_PKBYTES, FIPS 204 encoding */
const uint8_t *tmldsa_share_key_id(const tmldsa_share *sh); /* TMLDSA_KEYIDBYTES */
void tmldsa_share_free(tmldsa_share *sh);
#ifdef CCTSA_TMLDSA_TEST_IMPORT
/* TEST-ONLY (tmldsa_share_io.c, in cctsa_tmldsa_testonly, which defines CCTSA_TMLDSA_TEST_IMPORT
 * for its users): the shipped library and binaries cannot export or reload a share. */
int tmldsa_share_export(const tmldsa_share *sh, uint8_t out[TMLDSA_SHARE_BYTES]);
int tmldsa_share_import(tmldsa_share **sh, const uint8_t *in, size_t len, tmldsa_error *err);
#endif

/* ---- dealerless key generation: all five parties, four message rounds ----
 * Arrays of received messages are indexed by sender (in[p-1] from party p) and include the
 * party's own broadcast. round2 emits one broadcast and four private messages (out_priv[p-1] for
 * each peer p; the own entry stays empty); round3 takes the broadcasts and the private messages
 * addressed to this party (in_priv[p-1] from p; the own entry is ignored). */
typedef struct tmldsa_dkg tmldsa_dkg;

int tmldsa_dkg_new(tmldsa_dkg **st, unsigned party, const uint8_t sid[TMLDSA_SIDBYTES], tmldsa_error *err);
/* The same with an allocator hook (base.h; NULL: calloc, wipe, free) for the DKG state, the share it
 * produces and every signing session of that share (state and secret masks). The allocator must
 * outlive them all. */
int tmldsa_dkg_new_alloc(tmldsa_dkg **st, unsigned party, const uint8_t sid[TMLDSA_SIDBYTES], const cc_allocator *alloc,
                         tmldsa_error *err);
int tmldsa_dkg_round1(tmldsa_dkg *st, tmldsa_msg *out, tmldsa_error *err);
int tmldsa_dkg_round2(tmldsa_dkg *st, const tmldsa_msg in[TMLDSA_PARTIES], tmldsa_msg *out,
                      tmldsa_msg out_priv[TMLDSA_PARTIES], tmldsa_error *err);
int tmldsa_dkg_round3(tmldsa_dkg *st, const tmldsa_msg in[TMLDSA_PARTIES], const tmldsa_msg in_priv[TMLDSA_PARTIES],
                      tmldsa_msg *out, tmldsa_error *err);
int tmldsa_dkg_round4(tmldsa_dkg *st, const tmldsa_msg in[TMLDSA_PARTIES], tmldsa_msg *out, tmldsa_error *err);
int tmldsa_dkg_finish(tmldsa_dkg *st, const tmldsa_msg in[TMLDSA_PARTIES], tmldsa_share **share, tmldsa_error *err);
void tmldsa_dkg_free(tmldsa_dkg *st);

/* ---- signing: any signer set of 3 (bit p-1 set for party p), K slots per attempt ----
 * Received-message arrays hold the three signers' messages in increasing party order (own
 * message included). The share must outlive the signing state. */
typedef struct tmldsa_sign tmldsa_sign;

/* Signing policy: every participant checks what it signs. tmldsa_sign_new hands the policy the
 * exact to-be-signed bytes (for a time-stamp token: the DER signedAttrs) and the ML-DSA context,
 * before any mask, commitment or message is produced. Return 0 to sign; anything else refuses,
 * and the policy may write a short NUL-terminated reason into reason[0..reason_len-1].
 * The message is bound at session start: mu = H(tr || 0 || |ctx| || ctx || M) is fixed there,
 * every round-1 commitment is bound to it, and round 1 carries a hash of it that every signer
 * compares, so a coordinator that gives one signer another message gets no signature (the
 * session aborts in round 2, blaming nobody, since the coordinator is not a party). */
typedef int (*tmldsa_policy_fn)(void *arg, unsigned party, const uint8_t *msg, size_t msglen, const uint8_t *ctx,
                                size_t ctxlen, char *reason, size_t reason_len);

/* Public per-attempt statistics filled by tmldsa_sign_combine (accept decisions are public). */
typedef struct {
    unsigned slots;                     /* K */
    unsigned accepted[3];               /* per signer (in party order): slots it accepted */
    unsigned all_accepted;              /* slots accepted by all three */
    unsigned fail_z, fail_f, fail_hint; /* of those: rejected by ||z||inf, ||f||inf, hint weight */
    unsigned hint_slots;                /* all-accepted slots that passed the z and f checks */
    unsigned hint_weight_sum;           /* summed over those */
    int slot_used;                      /* slot that produced the signature, -1 if none */
} tmldsa_attempt_stats;

/* Start a signing session on msg (the to-be-signed bytes) with context ctx (<= 255 bytes). The
 * policy (required, non-NULL) runs first: a refusal returns TMLDSA_E_POLICY with the policy's
 * reason, creates no state and draws no randomness, so there is nothing to send. */
int tmldsa_sign_new(tmldsa_sign **st, const tmldsa_share *share, const uint8_t sid[TMLDSA_SIDBYTES],
                    unsigned signer_mask, unsigned K, const uint8_t *msg, size_t msglen, const uint8_t *ctx,
                    size_t ctxlen, tmldsa_policy_fn policy, void *policy_arg, tmldsa_error *err);
int tmldsa_sign_round1(tmldsa_sign *st, tmldsa_msg *out, tmldsa_error *err);
int tmldsa_sign_round2(tmldsa_sign *st, const tmldsa_msg in[TMLDSA_THRESHOLD], tmldsa_msg *out, tmldsa_error *err);
int tmldsa_sign_round3(tmldsa_sign *st, const tmldsa_msg in[TMLDSA_THRESHOLD], tmldsa_msg *out, tmldsa_error *err);
/* Public combination from the round-3 messages (uses only public data held by the state: pk,
 * the partial public keys t_I, the checked commitments w), so any signer can run it and all get
 * the same result (the first signature found in slot order). Every candidate signature is verified
 * with cc_mldsa65_verify before it is returned. TMLDSA_OK: sig filled. TMLDSA_E_RETRY: no slot
 * produced a signature, call tmldsa_sign_next_attempt. Other errors name the culprit when the
 * protocol can (e.g. a response failing the blame check). `stats` may be NULL. */
int tmldsa_sign_combine(tmldsa_sign *st, const tmldsa_msg in[TMLDSA_THRESHOLD], uint8_t sig[TMLDSA_SIGBYTES],
                        tmldsa_attempt_stats *stats, tmldsa_error *err);
/* Move to the next attempt (allowed once round 3 is done); round-1 secrets are already wiped. */
int tmldsa_sign_next_attempt(tmldsa_sign *st, tmldsa_error *err);
unsigned tmldsa_sign_attempt(const tmldsa_sign *st);
void tmldsa_sign_free(tmldsa_sign *st);

#endif

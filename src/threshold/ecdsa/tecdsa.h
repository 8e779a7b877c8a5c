/* tecdsa.h: public API of the 3-of-5 threshold ECDSA P-384 scheme (DKLs23, eprint 2023/765).
 * Transport-agnostic and message-in/message-out: every call takes the messages received in the
 * previous round (indexed by sender id) and returns the messages to send (indexed by receiver
 * id). Parties are numbered 1..5; their ids are also the Shamir x-coordinates.
 *
 *   DKG:      tecdsa_dkg_new, then tecdsa_dkg_step 8 times (the 8th returns TECDSA_DONE), then
 *             tecdsa_dkg_take_keyshare.
 *   Presign:  tecdsa_presign_new for a signer set of 3, tecdsa_presign_step 4 times (the 4th
 *             returns TECDSA_DONE), tecdsa_presign_take -> a single-use in-memory presignature.
 *   Sign:     each signer calls tecdsa_sign_share(presig, to-be-signed bytes, policy) (one round
 *             trip from the coordinator); it checks the content with the caller's policy and
 *             digests it itself (SHA-384); the coordinator calls tecdsa_combine, which returns a
 *             low-s DER signature only after OpenSSL has verified it.
 *
 * Channels between parties are assumed authenticated and confidential (the node mesh); every
 * message is still length-, range- and context-checked (key id, session id, sender, receiver,
 * round). Errors carry a code and, where attributable, the id of the culprit party, nothing
 * secret.
 *
 * Bans. A failed pairwise check (OT, VOLE, Gamma, commitment) bans that peer in the local key
 * share for the life of the key (which is the life of the process: shares are never persisted,
 * and the shipped library cannot import one; see CCTSA_TECDSA_TEST_IMPORT below). The reason is
 * the selective-failure leak of OT extension: a peer that corrupts one column of its
 * OT-extension message passes the check exactly when one bit of our long-term Delta (towards it)
 * is 0, so every check it can still trigger after a failure would be one more bit of Delta, and
 * Delta decrypts our VOLE inputs, i.e. our key share. Therefore:
 *   - the ban is a set-once atomic flag per peer (never cleared; a monotonic "epoch" of one step),
 *     read at the start of EVERY tecdsa_presign_step of every session and by tecdsa_sign_share:
 *     a session already in flight with a peer aborts (TECDSA_ERR_BANNED, no message out) at its
 *     next call after the ban, and every presignature made with that peer becomes unusable;
 *   - the OT-extension check with a peer runs under that peer's mutex in the key share, which is
 *     also where its ban is set: two checks with one peer never overlap, and no check with a peer
 *     runs after one has failed, whatever the threads. A peer therefore observes at most one
 *     failed check per ordered pair, ever;
 *   - at most TECDSA_MAX_SESSIONS_PER_PEER presign sessions with one peer may be in flight at once
 *     (TECDSA_ERR_BUSY from the first step otherwise): each open session is one more pending
 *     query to the selective-failure oracle, so the cap bounds the work and state a cheater can
 *     make an honest node hold when the first failure lands, and bounds memory per peer.
 * Thread safety: bans, the session cap and the used-session ring are safe for concurrent sessions
 * on one key share (atomics and mutexes inside it). One session object or presignature is used
 * by one thread at a time. The key share must outlive every session and presignature made from
 * it (they refer to it).
 *
 * Randomness. Every coin of a presign session (r_i, phi_i, the commitment salt, the session
 * nonce, the OT-extension choice bits that make chi, the VOLE check mask) is hedged: SHAKE256
 * over the OS RNG output, a secret per-share seed, a per-share counter and the session transcript
 * (domain-separated), so a failed or repeating OS RNG alone neither repeats nor predicts them.
 * (The DKG's coefficients, seeds and base-OT keys still come from the OS RNG directly.)
 *
 * Blame. tecdsa_*_culprit names one party only when the failure is attributable to it alone;
 * equivocation (echo mismatches in the DKG, diverging session ids in the DKG or presign) yields a
 * suspect set (tecdsa_*_suspects) and culprit 0. Verdicts are local evidence, not proofs others can
 * check (DKLs23 has no identifiable abort).
 *
 * Where this goes beyond DKLs23's proof (eprint 2023/765), which assumes an ideal key-setup and
 * uniformly random local coins:
 *   - the key generation (Feldman VSS with hash commitments, Schnorr PoKs, complaint/reveal, echo
 *     hashes, then pairwise base OTs and zero-sharing seeds) is this project's composition, not a
 *     protocol proven in that paper;
 *   - the base OT is Masny-Rindal endemic OT with RFC 9380 hashing to P-384, and the OT extension
 *     uses a SoftSpokenOT (k = 1) style 128-bit universal-hash check with 256 padding columns:
 *     parameters chosen here, not the paper's instantiation; its selective-failure leak (at most
 *     one failed check per peer, a few bits of Delta before it with probability halving per bit)
 *     is bounded by the bans above, as in the implementations the notes cite;
 *   - hedged instead of uniform coins (indistinguishable in the random-oracle model while either
 *     the OS RNG or the share's seed is good);
 *   - each presignature is re-randomised with the message (Groth-Shoup, eprint 2021/1330) at
 *     signing; that paper's analysis is of generic presignature ECDSA, not DKLs23 in particular. */
#ifndef CCTSA_THRESHOLD_TECDSA_H
#define CCTSA_THRESHOLD_TECDSA_H

#include <stddef.h>
#include <stdint.h>

#include "base/base.h"

#define TECDSA_N 5
#define TECDSA_T 3
#define TECDSA_ID_BYTES 48
#define TECDSA_DIGEST_BYTES 48
#define TECDSA_PUB_BYTES 97            /* uncompressed SEC1 point */
#define TECDSA_SIG_MAX_DER 104         /* 30 66 02 31 <49> 02 31 <49> */
#define TECDSA_MAX_SESSIONS_PER_PEER 8 /* concurrent presign sessions with one peer (see above) */

typedef enum {
    TECDSA_OK = 0,
    TECDSA_DONE = 1,           /* protocol finished: take the result */
    TECDSA_ERR_ARG = -1,       /* bad API argument (caller bug) */
    TECDSA_ERR_STATE = -2,     /* call out of order, or object already failed */
    TECDSA_ERR_FORMAT = -3,    /* message missing, wrong length, version or round */
    TECDSA_ERR_CONTEXT = -4,   /* wrong key id, session id, sender or receiver */
    TECDSA_ERR_POINT = -5,     /* invalid point encoding, off-curve or identity */
    TECDSA_ERR_SCALAR = -6,    /* scalar not < n */
    TECDSA_ERR_COMMIT = -7,    /* a commitment did not open */
    TECDSA_ERR_PROOF = -8,     /* Schnorr proof of knowledge failed */
    TECDSA_ERR_SHARE = -9,     /* VSS share or public share inconsistent with commitments */
    TECDSA_ERR_QUAL = -10,     /* fewer than 3 qualified dealers remain */
    TECDSA_ERR_ECHO = -11,     /* broadcast equivocation detected by the echo hashes */
    TECDSA_ERR_OT = -12,       /* OT-extension consistency check failed (peer banned) */
    TECDSA_ERR_VOLE = -13,     /* multiplication (VOLE) check failed (peer banned) */
    TECDSA_ERR_GAMMA = -14,    /* DKLs23 Gamma consistency check failed (peer banned) */
    TECDSA_ERR_PKSUM = -15,    /* sum of signers' public key shares is not the public key */
    TECDSA_ERR_BANNED = -16,   /* the signer set contains a banned peer */
    TECDSA_ERR_REPLAY = -17,   /* session id already used */
    TECDSA_ERR_USED = -18,     /* presignature already consumed */
    TECDSA_ERR_VERIFY = -19,   /* combined signature failed verification: nothing released */
    TECDSA_ERR_RNG = -20,      /* random source failed */
    TECDSA_ERR_INTERNAL = -21, /* OpenSSL or allocation failure */
    TECDSA_ERR_BUSY = -22,     /* TECDSA_MAX_SESSIONS_PER_PEER sessions with a peer in flight */
    TECDSA_ERR_POLICY = -23    /* the caller's policy refused the content: presignature unused */
} tecdsa_err;

const char *tecdsa_strerror(int code);

/* One protocol message (heap buffer owned by whoever holds it). */
typedef struct {
    uint8_t *data;
    size_t len;
} tecdsa_msg;
void tecdsa_msg_free(tecdsa_msg *m);
/* Free every message of an array indexed 0..TECDSA_N. */
void tecdsa_msgs_free(tecdsa_msg msgs[TECDSA_N + 1]);

typedef struct tecdsa_keyshare tecdsa_keyshare;
typedef struct tecdsa_dkg tecdsa_dkg;
typedef struct tecdsa_presign tecdsa_presign;
typedef struct tecdsa_presig tecdsa_presig;

/* ---- DKG ---- */
/* ceremony_nonce: 32 bytes agreed out of band (e.g. chosen by the operator). */
tecdsa_dkg *tecdsa_dkg_new(int self_id, const uint8_t ceremony_nonce[32]);
/* The same with an allocator hook (base.h; NULL: calloc, wipe, free) for the DKG state, the key
 * share it produces, and that share's presigning states and presignatures. The allocator must
 * outlive them all. */
tecdsa_dkg *tecdsa_dkg_new_alloc(int self_id, const uint8_t ceremony_nonce[32], const cc_allocator *alloc);
/* in: messages of the previous round by sender id (ignored on the first call); out: messages
 * to send by receiver id (the caller frees them). Returns TECDSA_OK, TECDSA_DONE or an error. */
int tecdsa_dkg_step(tecdsa_dkg *d, const tecdsa_msg in[TECDSA_N + 1], tecdsa_msg out[TECDSA_N + 1]);
int tecdsa_dkg_culprit(const tecdsa_dkg *d); /* 0 if none attributable to ONE party */
/* Blame that cannot be forged. Bit m set: party m may have caused the failure. One bit: the
 * culprit (as tecdsa_*_culprit). Several bits, culprit 0: an equivocation (a broadcast or the
 * round that fixes the session id) that this party cannot pin on one of them: a malicious
 * broadcaster that told parties different things and a malicious peer that misreports what it
 * received look the same, so the set holds both and at least one of them cheated. A caller may
 * exclude a single culprit, never a member of a larger set on that evidence alone. */
unsigned tecdsa_dkg_suspects(const tecdsa_dkg *d);
tecdsa_keyshare *tecdsa_dkg_take_keyshare(tecdsa_dkg *d);
void tecdsa_dkg_free(tecdsa_dkg *d);

/* ---- Key share ---- */
void tecdsa_keyshare_free(tecdsa_keyshare *ks);
int tecdsa_keyshare_id(const tecdsa_keyshare *ks);
void tecdsa_keyshare_key_id(const tecdsa_keyshare *ks, uint8_t out[TECDSA_ID_BYTES]);
int tecdsa_keyshare_pubkey(const tecdsa_keyshare *ks, uint8_t out[TECDSA_PUB_BYTES]);
int tecdsa_keyshare_is_banned(const tecdsa_keyshare *ks, int peer);
/* Bit m set: dealer m was excluded from QUAL during the DKG (its contribution was dropped). */
unsigned tecdsa_keyshare_disqualified(const tecdsa_keyshare *ks);

#ifdef CCTSA_TECDSA_TEST_IMPORT
/* TEST-ONLY: key share export/import. Compiled only into the cctsa_tecdsa_testonly library (which
 * defines CCTSA_TECDSA_TEST_IMPORT for its users: tests and fuzzers); the shipped library and
 * binaries have neither function, so a node cannot reload a share, and with it an older ban state
 * or a used-session ring that forgot its sessions. */
/* Serialise a key share into memory (SECRET). Bans are included; the used-session ring is not.
 * Returns the length written to out (TECDSA_KEYSHARE_BYTES), or 0 on error. */
#define TECDSA_KEYSHARE_BYTES 123653
size_t tecdsa_keyshare_serialize(const tecdsa_keyshare *ks, uint8_t *out, size_t out_len);
/* Strict parse: exact length, version, ids, canonical scalars and points, X_self = x*G.
 * Returns TECDSA_OK with *ks set, or an error code. */
int tecdsa_keyshare_parse(const uint8_t *in, size_t len, tecdsa_keyshare **ks);
#endif

/* ---- Presigning (message independent) ---- */
/* signers: 3 distinct ids in increasing order including the key share's own id; batch_id: 48
 * bytes chosen by the coordinator (freshness still comes from every signer's nonce). */
tecdsa_presign *tecdsa_presign_new(tecdsa_keyshare *ks, const int signers[TECDSA_T],
                                   const uint8_t batch_id[TECDSA_ID_BYTES]);
int tecdsa_presign_step(tecdsa_presign *p, const tecdsa_msg in[TECDSA_N + 1], tecdsa_msg out[TECDSA_N + 1]);
int tecdsa_presign_culprit(const tecdsa_presign *p);
unsigned tecdsa_presign_suspects(const tecdsa_presign *p); /* see tecdsa_dkg_suspects */
tecdsa_presig *tecdsa_presign_take(tecdsa_presign *p);
void tecdsa_presign_free(tecdsa_presign *p);

/* ---- Online signing ---- */
/* The signer's own check of what it signs (e.g. the RFC 3161 signedAttrs against the node's
 * time-stamp policy). Returns 0 to sign, anything else to refuse. */
typedef int (*tecdsa_policy_fn)(void *arg, const uint8_t *tbs, size_t tbs_len);
/* SHA-384 of the to-be-signed bytes: the digest tecdsa_sign_share signs and tecdsa_combine takes. */
int tecdsa_tbs_digest(const uint8_t *tbs, size_t tbs_len, uint8_t digest[TECDSA_DIGEST_BYTES]);
/* Produce this signer's share for the to-be-signed bytes tbs (the DER signedAttrs) addressed to
 * the coordinator. Order: arguments; the presignature's signer set must hold no banned peer
 * (TECDSA_ERR_BANNED); policy(policy_arg, tbs, tbs_len) must return 0 (else TECDSA_ERR_POLICY);
 * in both cases the presignature stays unused. Only then is it consumed (an atomic
 * test-and-set: of two concurrent calls one gets TECDSA_ERR_USED), the content digested with
 * SHA-384, the share computed and the presignature wiped before the share is returned. policy
 * must not be NULL. */
int tecdsa_sign_share(tecdsa_presig *ps, const uint8_t *tbs, size_t tbs_len, tecdsa_policy_fn policy, void *policy_arg,
                      int coordinator, tecdsa_msg *out);
void tecdsa_presig_free(tecdsa_presig *ps);
/* Combine 3 shares (any order) into a low-s DER signature; verifies it with OpenSSL against pub
 * before returning. der must hold TECDSA_SIG_MAX_DER bytes. Each share must have arrived over the
 * authenticated channel of the signer its header names (the combiner cannot check that itself);
 * shares must agree on session, signer set, R, r and digest. On TECDSA_ERR_VERIFY discard the
 * presignatures of that set and retry with another presignature, never the same one. */
int tecdsa_combine(const uint8_t key_id[TECDSA_ID_BYTES], const uint8_t pub[TECDSA_PUB_BYTES],
                   const uint8_t digest[TECDSA_DIGEST_BYTES], int coordinator, const tecdsa_msg shares[TECDSA_T],
                   uint8_t *der, size_t *der_len, int *culprit);

#endif

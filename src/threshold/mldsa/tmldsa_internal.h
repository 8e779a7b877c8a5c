/* tmldsa_internal.h: internals shared by the threshold ML-DSA modules (not for callers outside
 * src/threshold and its tests). Owned here: scheme parameters, the wire header and message types,
 * domain-separated hashing bound to a header, 23-bit packing, the subset tables and share
 * assignment, the key-share and signing-state layouts, constant-time audit hooks,
 * multiversioning, error/timing helpers. */
#ifndef CCTSA_THRESHOLD_TMLDSA_INTERNAL_H
#define CCTSA_THRESHOLD_TMLDSA_INTERNAL_H

#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "base/base.h"
#include "crypto/fips202.h"
#include "crypto/mldsa_blocks.h"
#include "threshold/mldsa/tmldsa.h"

/* ---- parameters for ML-DSA-65, (T, N) = (3, 5) (notes section 3.1) ---- */
#define TMLDSA_R 552909.0      /* acceptance radius */
#define TMLDSA_RPRIME 553145.0 /* sampling radius */
#define TMLDSA_NU 6            /* weight of the y1 part */
/* Receiver-side bound on a single response: ||z/nu|| <= r + rounding (0.5 sqrt(1280)/6 = 3). */
#define TMLDSA_Z_SLACK 8.0
/* Blame check ||z_i/nu||^2 + ||e_i||^2 <= (r + slack)^2: rounding u1 and u2 moves the norm by at
 * most 0.5 sqrt(1280/36 + 1536) = 20 (notes: ~27); 32 leaves margin. */
#define TMLDSA_BLAME_SLACK 32.0

/* z coefficients packed as z + 2^22: an accepted response has |z| <= nu r + 1 < 2^22 */
#define TMLDSA_Z_OFFSET (1 << 22)
#define TMLDSA_VECK_PACKED (MLDSA_K * MLDSA_N * 23 / 8) /* 4416: w or t_I, 23 bits each */
#define TMLDSA_VECL_PACKED (MLDSA_L * MLDSA_N * 23 / 8) /* 3680: one response z_i */
/* Commitments, echoes and confirmations: 48 bytes of SHAKE256, i.e. 192-bit collision resistance,
 * matching ML-DSA-65's own 48-byte c~ (a commitment collision would let a signer choose its w
 * after seeing the others'). */
#define TMLDSA_HASHBYTES 48

/* ---- wire header (84 bytes, big-endian integers) ----
 *  0 "TMLD" | 4 version=1 | 5 type | 6 sender | 7 receiver (0 = broadcast) | 8 signer mask
 *  9 reserved=0 | 10 K (u16) | 12 attempt (u32) | 16 key id (32) | 48 session id (32)
 * 80 payload length (u32). Bytes 4..79 are the binding absorbed by every hash. */
#define TMLDSA_HDRBYTES 84
#define TMLDSA_BINDBYTES 76
#define TMLDSA_VERSION 1

enum {
    TMLDSA_MSG_DKG1 = 0x11,      /* commitments to rho_j and the six r_{j,I} */
    TMLDSA_MSG_DKG2 = 0x12,      /* rho_j */
    TMLDSA_MSG_DKG2_PRIV = 0x13, /* r_{j,I} for the three subsets shared with the receiver */
    TMLDSA_MSG_DKG3 = 0x14,      /* echo of rounds 1-2, six packed t_I */
    TMLDSA_MSG_DKG4 = 0x15,      /* confirmation hash of pk and transcript */
    TMLDSA_MSG_SIGN1 = 0x21,     /* commitment to the K packed w */
    TMLDSA_MSG_SIGN2 = 0x22,     /* echo of round 1, the K packed w */
    TMLDSA_MSG_SIGN3 = 0x23,     /* accept bitmap, accepted responses */
};

typedef struct {
    uint8_t type, sender, receiver, signers;
    uint16_t K;
    uint32_t attempt;
    uint8_t key_id[TMLDSA_KEYIDBYTES];
    uint8_t sid[TMLDSA_SIDBYTES];
} tmldsa_hdr;

/* Encode the first TMLDSA_BINDBYTES binding bytes (header bytes 4..79). */
void tmldsa_hdr_binding(uint8_t out[TMLDSA_BINDBYTES], const tmldsa_hdr *h);
/* Allocate out->data for a message with this header and payload length; returns the payload. */
uint8_t *tmldsa_msg_alloc(tmldsa_msg *out, const tmldsa_hdr *h, size_t payload_len, tmldsa_error *err);
/* The large-message buffer cache (tmldsa_msgpool.c): a buffer of at least n bytes (NULL if out of
 * memory), and the return of one with capacity cap (already wiped; NULL is ignored). */
uint8_t *tmldsa_pool_get(size_t n);
void tmldsa_pool_put(uint8_t *p, size_t cap);
/* Check a received message against the expected header. payload_len: the exact expected payload
 * size, or SIZE_MAX to accept any (the actual size is returned in *got_len). The culprit named on
 * failure is expect->sender, except for a missing message (m->data NULL), which blames nobody. */
int tmldsa_msg_parse(const tmldsa_msg *m, const tmldsa_hdr *expect, size_t payload_len, const uint8_t **payload,
                     size_t *got_len, tmldsa_error *err);

/* Hash with a label (domain separation) and a header binding (session binding):
 * SHAKE256(len(label) || label || binding || ...). */
void tmldsa_hash_init(cc_keccak_ctx *x, const char *label, const tmldsa_hdr *binding);
void tmldsa_hash_final(cc_keccak_ctx *x, uint8_t *out, size_t outlen);

/* 23-bit little-endian bit packing of n values in [0, 2^23) (n a multiple of 8). */
void tmldsa_pack23(uint8_t *out, const int32_t *v, size_t n);
void tmldsa_unpack23(int32_t *v, const uint8_t *in, size_t n);
/* Unpack a vector of k polynomials with every coefficient < q; returns -1 if one is >= q. */
int tmldsa_unpack_veck(mldsa_polyveck *w, const uint8_t in[TMLDSA_VECK_PACKED]);
void tmldsa_pack_veck(uint8_t out[TMLDSA_VECK_PACKED], const mldsa_polyveck *w); /* coeffs in [0,q) */

/* Centred representative of a in [0, q): a - q if a > (q-1)/2 (constant time). */
int32_t tmldsa_center(int32_t a);

/* ---- subsets ---- */
/* Bit mask (bit p-1 for party p) of the idx-th 3-subset of {1..5} in lexicographic order. */
unsigned tmldsa_subset_mask(unsigned idx);
/* The six subset indices (increasing) of party p. */
void tmldsa_party_subsets(unsigned party, unsigned idx[TMLDSA_SUBSETS_PER_PARTY]);
/* Slot (0..5) of subset idx among party p's subsets, or -1. */
int tmldsa_party_slot(unsigned party, unsigned idx);
/* Share assignment for signer set S: owner[idx] = the signer that uses subset idx. Subsets in
 * lexicographic order, each to the member of S with the smallest load so far, ties to the
 * smaller id (max load 4). Returns -1 if the mask is not a 3-subset of {1..5}. */
int tmldsa_assign(unsigned signer_mask, unsigned owner[TMLDSA_SUBSETS]);
/* 1 if signer_mask is a 3-element subset of {1..5}, ids[] gets its members in order. */
int tmldsa_signer_set(unsigned signer_mask, unsigned ids[TMLDSA_THRESHOLD]);

/* ---- key share ---- */
struct tmldsa_share {
    const cc_allocator *alloc; /* where this share lives (NULL: the default); its sessions too */
    unsigned party;
    uint8_t pk[TMLDSA_PKBYTES];
    uint8_t tr[MLDSA_TRBYTES];
    uint8_t key_id[TMLDSA_KEYIDBYTES];
    uint8_t seeds[TMLDSA_SUBSETS_PER_PARTY][MLDSA_CRHBYTES]; /* secret: seed_I of the party's subsets */
    mldsa_polyveck t_sub[TMLDSA_SUBSETS];                    /* public t_I = A s1_I + s2_I, [0, q) */
    /* the buffers of the last signing state freed (y wiped), taken by the next tmldsa_sign_new with
     * the same K: no fresh pages per signature. One slot, exchanged atomically (concurrent sessions
     * on one share each take or allocate their own set). Freed with the share. */
    _Atomic(struct tmldsa_sign_bufs *) spare;
};

/* The per-session buffers of a signing state (sizes follow K); y comes from the share's allocator. */
typedef struct tmldsa_sign_bufs {
    unsigned K;
    double *y;
    uint8_t *w_own, *w_all, *zbuf;
    mldsa_polyveck *w_sum;
    uint8_t (*ctilde)[MLDSA_CTILDEBYTES];
    struct tmldsa_combine_buf *combine_buf;
    uint8_t *rbuf; /* secret, share's allocator: eight slots' mask randomness (round 1) */
    uint8_t *hbuf; /* the commitment's K leaves and 8-way hash inputs (public) */
} tmldsa_sign_bufs;
/* Allocate a set for K (every pointer non-NULL) into b; 0, or -1 (b's pointers freed) if out of memory. */
int tmldsa_sign_bufs_alloc(tmldsa_sign_bufs *b, const tmldsa_share *sh, unsigned K);
/* Free (y wiped through the allocator) the buffers b holds; NULL pointers are skipped. */
void tmldsa_sign_bufs_release(tmldsa_sign_bufs *b, const tmldsa_share *sh);

/* t = A s1 + s2 in [0, q) for (s1, s2) = ExpandS(seed) (a partial public key t_I). */
void tmldsa_t_from_seed(mldsa_polyveck *t, const mldsa_matrix *A, const uint8_t seed[MLDSA_CRHBYTES]);
/* pk = rho || Power2Round(sum of t_sub).t1, then tr and key id. */
void tmldsa_share_derive_pk(tmldsa_share *sh, const uint8_t rho[MLDSA_SEEDBYTES]);
/* Key id = SHAKE256(label || pk || the ten packed t_I, 32): binds every message to the whole public
 * key material, so a party with a different view of any t_I cannot take part unnoticed. */
void tmldsa_key_id(uint8_t id[TMLDSA_KEYIDBYTES], const uint8_t pk[TMLDSA_PKBYTES],
                   const mldsa_polyveck t_sub[TMLDSA_SUBSETS]);

/* ---- timing breakdown (wall-clock nanoseconds, for the benchmark) ---- */
typedef struct {
    uint64_t rand_ns;    /* SHAKE output for the masks */
    uint64_t gauss_ns;   /* Gaussian / hyperball arithmetic */
    uint64_t ntt_ns;     /* NTT, matrix products, c*s */
    uint64_t hash_ns;    /* commitments over packed w, transcript echo, challenges */
    uint64_t reject_ns;  /* L2 tests and responses */
    uint64_t pack_ns;    /* packing / unpacking */
    uint64_t combine_ns; /* combine, incl. blame checks and verification */
} tmldsa_prof;
uint64_t tmldsa_now_ns(void);

/* ---- signing state (tmldsa_sign.c, tmldsa_combine.c) ---- */
enum {
    TMLDSA_PH_READY,
    TMLDSA_PH_R1,
    TMLDSA_PH_R2,
    TMLDSA_PH_R3,
    TMLDSA_PH_DONE,
    TMLDSA_PH_DEAD
};

struct tmldsa_sign {
    const tmldsa_share *share;
    int phase;
    uint8_t sid[TMLDSA_SIDBYTES];
    unsigned signers, ids[TMLDSA_THRESHOLD], me; /* me: index of this party in ids */
    unsigned owner[TMLDSA_SUBSETS];
    unsigned K;
    uint32_t attempt;
    uint8_t *msg, *ctx;
    size_t msglen, ctxlen;
    uint8_t mu[MLDSA_CRHBYTES];
    mldsa_matrix A;
    /* secret: partial secret (s1 || s2) of this signer, the sum of its <= 4 assigned shares
     * (|coeff| <= 16), stored per polynomial as the negacyclic extension (-s || s) in int16 so
     * c * s is a sum of shifted windows (see sparse_mul in tmldsa_respond.c) */
    int16_t s_ext[MLDSA_L + MLDSA_K][2 * MLDSA_N];
    double *y;                                       /* secret: K hyperball samples of TMLDSA_HB_DIM */
    uint8_t *w_own;                                  /* K packed w of this signer */
    uint8_t cmt[TMLDSA_THRESHOLD][TMLDSA_HASHBYTES]; /* round-1 commitments as received, echoed in round 2 */
    uint8_t r3_own[TMLDSA_HASHBYTES];                /* SHAKE256 of our round-3 message, checked by combine */
    uint8_t *w_all;                                  /* 3 * K packed w, checked against the commitments */
    mldsa_polyveck *w_sum;                           /* K sums, [0, q) */
    uint8_t (*ctilde)[MLDSA_CTILDEBYTES];
    uint8_t *zbuf;                          /* round 3: K packed responses before they are sent */
    struct tmldsa_combine_buf *combine_buf; /* combine's parsed views and keys (tmldsa_combine.c) */
    uint8_t *rbuf;                          /* secret: mask randomness of eight slots (round 1) */
    uint8_t *hbuf;                          /* commitment leaves and hash inputs (public) */
    tmldsa_prof prof;
};

/* The signing state's combine buffers, allocated once with the state so that no attempt
 * allocates (tmldsa_combine.c); free wipes. */
struct tmldsa_combine_buf *tmldsa_combine_buf_new(void);
void tmldsa_combine_buf_free(struct tmldsa_combine_buf *b);

/* Common entry check of a signing step: state, phase, non-NULL message arguments. */
int tmldsa_sign_enter(tmldsa_sign *st, int phase, const void *a, const void *b, tmldsa_error *err);
/* Round-2 echo: the three round-1 commitments as received, in party order. */
#define TMLDSA_SIGN_ECHOBYTES (TMLDSA_THRESHOLD * TMLDSA_HASHBYTES)
/* Payload size of a round-2 message: echo + K packed w. */
size_t tmldsa_sign_r2_payload(const tmldsa_sign *st);
/* Header for a signing message of this state, sent by `sender` (0 for session-level hashes). */
void tmldsa_sign_hdr(const tmldsa_sign *st, tmldsa_hdr *h, uint8_t type, unsigned sender);
/* Commitment of `sender` to its K packed w (bound to the round-1 header, tr and mu), computed in
 * the state's hbuf; returns TMLDSA_OK. */
int tmldsa_sign_w_commitment(tmldsa_sign *st, uint8_t out[TMLDSA_HASHBYTES], unsigned sender, const uint8_t *wpacked);
/* Kill the state (wipe secrets) and record the error; returns code. */
int tmldsa_sign_fail(tmldsa_sign *st, tmldsa_error *err, int code, unsigned culprit, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void tmldsa_sign_wipe_round_secrets(tmldsa_sign *st);

/* ---- constant-time audit hooks: CT_SECRET marks the partial secrets and the mask seed secret,
 * CT_PUBLIC declassifies what the protocol publishes (w sent in round 2, accept bit and accepted z
 * sent in round 3); see crypto/ct_check.h (tests/threshold/tmldsa_ctgrind.sh runs the check). ---- */
#include "crypto/ct_check.h"

/* ---- multiversioning: hot loops also compiled for AVX2 and x86-64-v4 (AVX-512) on x86-64 (GCC,
 * ELF), picked at load time by the dynamic loader (ifunc); elsewhere plain functions. Not with
 * clang (the fuzz build): clang names the resolver of an extern clone differently unless every declaration carries the
 * attribute, so callers in other files (tmldsa_hyperball_sample) would not link. ---- */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__ELF__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define TMLDSA_MULTIVERSION __attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#endif
#endif
#ifndef TMLDSA_MULTIVERSION
#define TMLDSA_MULTIVERSION
#endif
#if defined(__GNUC__)
#define TMLDSA_ALWAYS_INLINE __attribute__((always_inline))
#else
#define TMLDSA_ALWAYS_INLINE
#endif

/* ---- errors ---- */
/* Replace the blame of err (see tmldsa_error): suspects is a party mask; one bit = a proven
 * culprit, several = a suspect set (culprit 0). */
void tmldsa_blame(tmldsa_error *err, unsigned suspects);
/* Bit of party p in a party mask. */
#define TMLDSA_BIT(p) (1u << ((p)-1))
/* Fill err (if err and fmt are non-NULL) and return code. */
int tmldsa_set_error_v(tmldsa_error *err, int code, unsigned culprit, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));
int tmldsa_set_error(tmldsa_error *err, int code, unsigned culprit, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif

/* tmldsa_sign.c: the signing state of one signer and rounds 1-2 of threshold ML-DSA (notes
 * section 5.3); round 3 is in tmldsa_respond.c, the public combination in tmldsa_combine.c.
 *   new: the caller's policy checks the to-be-signed message first (nothing is drawn or sent if
 *       it refuses); mu is fixed here.
 *   R1: K fresh hyperball samples y_k, w_k = A round(y1_k) + round(y2_k); send a hash commitment
 *       bound to the session header, tr and mu, and a hash of mu (every signer compares it, so a
 *       signer given another message is detected as such, not as a bad commitment).
 *   R2: echo the three commitments (in full, so a disagreement names the pair involved), send
 *       the K packed w_k.
 *   R3: check every w_j (commitment, range), sum, derive the K FIPS 204 challenges, test
 *       ||(y1 + c s1)/nu||^2 + ||y2 + c s2||^2 <= r^2 per slot (the accept bit is public) and send
 *       z = round(y1) + c s1 for the accepted slots. The masks are wiped right after.
 * The partial secret (s1, s2) is the sum of the subset shares assigned to this signer. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/ct.h"
#include "crypto/fips202x8.h"
#include "crypto/mldsa.h"
#include "threshold/mldsa/tmldsa_ctfloat.h"
#include "threshold/mldsa/tmldsa_internal.h"

#define R1_PAYLOAD (2 * TMLDSA_HASHBYTES)                   /* commitment || message binding */
#define LEAF_IN (3 + TMLDSA_VECK_PACKED)                    /* one commitment leaf's input */
#define XOF_WAYS 8                                          /* SHAKE256 streams per cc_shake256x8 call */
#define RBUF_BYTES (XOF_WAYS * (size_t)TMLDSA_HB_RANDBYTES) /* mask randomness of eight slots */
#define HBUF_BYTES(K) ((size_t)(K)*TMLDSA_HASHBYTES + XOF_WAYS * LEAF_IN)

size_t tmldsa_sign_r2_payload(const tmldsa_sign *st)
{
    return TMLDSA_SIGN_ECHOBYTES + (size_t)st->K * TMLDSA_VECK_PACKED;
}

void tmldsa_sign_hdr(const tmldsa_sign *st, tmldsa_hdr *h, uint8_t type, unsigned sender)
{
    memset(h, 0, sizeof *h);
    h->type = type;
    h->sender = (uint8_t)sender;
    h->signers = (uint8_t)st->signers;
    h->K = (uint16_t)st->K;
    h->attempt = st->attempt;
    memcpy(h->key_id, st->share->key_id, TMLDSA_KEYIDBYTES);
    memcpy(h->sid, st->sid, TMLDSA_SIDBYTES);
}

void tmldsa_sign_wipe_round_secrets(tmldsa_sign *st)
{
    if (st->y) cc_memzero(st->y, (size_t)st->K * TMLDSA_HB_DIM * sizeof(double));
}

int tmldsa_sign_fail(tmldsa_sign *st, tmldsa_error *err, int code, unsigned culprit, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tmldsa_set_error_v(err, code, culprit, fmt, ap);
    va_end(ap);
    st->phase = TMLDSA_PH_DEAD;
    tmldsa_sign_wipe_round_secrets(st);
    cc_memzero(st->s_ext, sizeof st->s_ext);
    return code;
}

int tmldsa_sign_enter(tmldsa_sign *st, int phase, const void *a, const void *b, tmldsa_error *err)
{
    if (!st) return tmldsa_set_error(err, TMLDSA_E_ARG, 0, "NULL signing state");
    if (st->phase != phase)
        return tmldsa_set_error(err, TMLDSA_E_STATE, 0,
                                "signing step called out of order or state is finished/dead (phase %d)", st->phase);
    if (!a || !b) return tmldsa_set_error(err, TMLDSA_E_ARG, 0, "NULL message argument");
    return TMLDSA_OK;
}

int tmldsa_sign_bufs_alloc(tmldsa_sign_bufs *b, const tmldsa_share *sh, unsigned K)
{
    memset(b, 0, sizeof *b);
    b->K = K;
    b->y = cc_alloc(sh->alloc, (size_t)K * TMLDSA_HB_DIM * sizeof(double)); /* secret masks */
    b->w_own = malloc((size_t)K * TMLDSA_VECK_PACKED);
    b->w_all = malloc((size_t)TMLDSA_THRESHOLD * K * TMLDSA_VECK_PACKED);
    b->w_sum = malloc((size_t)K * sizeof(mldsa_polyveck));
    b->ctilde = malloc((size_t)K * MLDSA_CTILDEBYTES);
    b->zbuf = malloc((size_t)K * TMLDSA_VECL_PACKED);
    b->combine_buf = tmldsa_combine_buf_new();
    b->rbuf = cc_alloc(sh->alloc, RBUF_BYTES); /* secret mask randomness */
    b->hbuf = malloc(HBUF_BYTES(K));
    if (b->y && b->w_own && b->w_all && b->w_sum && b->ctilde && b->zbuf && b->combine_buf && b->rbuf && b->hbuf)
        return 0;
    tmldsa_sign_bufs_release(b, sh);
    return -1;
}

void tmldsa_sign_bufs_release(tmldsa_sign_bufs *b, const tmldsa_share *sh)
{
    cc_free(sh->alloc, b->y, b->y ? (size_t)b->K * TMLDSA_HB_DIM * sizeof(double) : 0);
    free(b->w_own);
    free(b->w_all);
    free(b->w_sum);
    free(b->ctilde);
    free(b->zbuf);
    tmldsa_combine_buf_free(b->combine_buf);
    cc_free(sh->alloc, b->rbuf, b->rbuf ? RBUF_BYTES : 0);
    free(b->hbuf);
    memset(b, 0, sizeof *b);
}

/* The state's buffers as a set (moved out of st). */
static tmldsa_sign_bufs take_bufs(tmldsa_sign *st)
{
    tmldsa_sign_bufs b = {st->K,     st->y,      st->w_own,       st->w_all, st->zbuf,
                          st->w_sum, st->ctilde, st->combine_buf, st->rbuf,  st->hbuf};
    st->y = NULL;
    st->rbuf = st->hbuf = NULL;
    st->w_own = st->w_all = st->zbuf = NULL;
    st->w_sum = NULL;
    st->ctilde = NULL;
    st->combine_buf = NULL;
    return b;
}

void tmldsa_sign_free(tmldsa_sign *st)
{
    if (!st) return;
    tmldsa_sign_wipe_round_secrets(st); /* y holds no secret from here on */
    const cc_allocator *a = st->share ? st->share->alloc : NULL;
    if (st->share) {
        tmldsa_sign_bufs b = take_bufs(st), *keep = NULL;
        if (b.y && b.w_own && b.w_all && b.zbuf && b.w_sum && b.ctilde && b.combine_buf && b.rbuf && b.hbuf &&
            (keep = malloc(sizeof *keep)) != NULL) {
            /* leave the set to the share's next session instead of releasing its pages */
            *keep = b;
            keep = atomic_exchange(&((tmldsa_share *)st->share)->spare, keep);
            if (keep) tmldsa_sign_bufs_release(keep, st->share);
        } else {
            tmldsa_sign_bufs_release(&b, st->share);
        }
        free(keep);
    }
    free(st->msg);
    free(st->ctx);
    cc_free(a, st, sizeof *st); /* wipes */
}

unsigned tmldsa_sign_attempt(const tmldsa_sign *st) { return st ? st->attempt : 0; }

/* Sum of the subset shares assigned to this signer (|coeff| <= 4 * eta), stored extended. */
static void load_partial_secret(tmldsa_sign *st)
{
    const tmldsa_share *sh = st->share;
    mldsa_polyvecl s1, a1;
    mldsa_polyveck s2, a2;
    memset(&a1, 0, sizeof a1);
    memset(&a2, 0, sizeof a2);
    for (unsigned idx = 0; idx < TMLDSA_SUBSETS; idx++) {
        if (st->owner[idx] != sh->party) continue;
        mldsa_expand_s(&s1, &s2, sh->seeds[tmldsa_party_slot(sh->party, idx)]);
        mldsa_polyvecl_add(&a1, &a1, &s1);
        mldsa_polyveck_add(&a2, &a2, &s2);
    }
    for (unsigned i = 0; i < MLDSA_L + MLDSA_K; i++) {
        const mldsa_poly *src = i < MLDSA_L ? &a1.v[i] : &a2.v[i - MLDSA_L];
        for (unsigned j = 0; j < MLDSA_N; j++) {
            st->s_ext[i][j] = (int16_t)-src->c[j];
            st->s_ext[i][MLDSA_N + j] = (int16_t)src->c[j];
        }
    }
    cc_memzero(&s1, sizeof s1);
    cc_memzero(&s2, sizeof s2);
    cc_memzero(&a1, sizeof a1);
    cc_memzero(&a2, sizeof a2);
}

/* Hash of mu bound to the session (sent in round 1; all signers must have the same). */
static void message_binding(const tmldsa_sign *st, uint8_t out[TMLDSA_HASHBYTES])
{
    tmldsa_hdr h;
    cc_keccak_ctx x;
    tmldsa_sign_hdr(st, &h, TMLDSA_MSG_SIGN1, 0);
    tmldsa_hash_init(&x, "sign-message", &h);
    cc_keccak_absorb(&x, st->mu, MLDSA_CRHBYTES);
    tmldsa_hash_final(&x, out, TMLDSA_HASHBYTES);
}

int tmldsa_sign_new(tmldsa_sign **out, const tmldsa_share *share, const uint8_t sid[TMLDSA_SIDBYTES],
                    unsigned signer_mask, unsigned K, const uint8_t *msg, size_t msglen, const uint8_t *ctx,
                    size_t ctxlen, tmldsa_policy_fn policy, void *policy_arg, tmldsa_error *err)
{
    unsigned ids[TMLDSA_THRESHOLD];
    if (!out || !share || !sid || (!msg && msglen) || (!ctx && ctxlen) || !policy)
        return tmldsa_set_error(err, TMLDSA_E_ARG, 0, "sign_new: NULL argument (the policy is required)");
    *out = NULL;
    if (K < 1 || K > TMLDSA_K_MAX)
        return tmldsa_set_error(err, TMLDSA_E_ARG, 0, "sign_new: K=%u not in 1..%u", K, TMLDSA_K_MAX);
    if (ctxlen > CC_MLDSA_MAX_CTX)
        return tmldsa_set_error(err, TMLDSA_E_ARG, 0, "sign_new: context longer than 255 bytes");
    if (!tmldsa_signer_set(signer_mask, ids) || !(signer_mask >> (share->party - 1) & 1))
        return tmldsa_set_error(err, TMLDSA_E_ARG, 0, "sign_new: signer set 0x%x is not 3 parties including party %u",
                                signer_mask, share->party);
    /* the participant checks what it signs, before any secret is touched or anything is sent */
    char why[112] = "";
    if (policy(policy_arg, share->party, msg, msglen, ctx, ctxlen, why, sizeof why) != 0) {
        why[sizeof why - 1] = 0;
        return tmldsa_set_error(err, TMLDSA_E_POLICY, 0, "sign_new: party %u refuses to sign: %s", share->party,
                                why[0] ? why : "(policy gave no reason)");
    }
    tmldsa_sign *st = cc_alloc(share->alloc, sizeof *st); /* the share's allocator */
    if (!st) return tmldsa_set_error(err, TMLDSA_E_NOMEM, 0, "sign_new: out of memory");
    st->share = share;
    st->signers = signer_mask;
    memcpy(st->ids, ids, sizeof ids);
    for (unsigned j = 0; j < TMLDSA_THRESHOLD; j++)
        if (ids[j] == share->party) st->me = j;
    st->K = K;
    memcpy(st->sid, sid, TMLDSA_SIDBYTES);
    tmldsa_assign(signer_mask, st->owner);
    st->msg = malloc(msglen ? msglen : 1);
    st->ctx = malloc(ctxlen ? ctxlen : 1);
    /* the buffers of the share's last session if it had the same K (their pages stay mapped) */
    tmldsa_sign_bufs b, *spare = atomic_exchange(&((tmldsa_share *)share)->spare, NULL);
    int have = 0;
    if (spare) {
        if (spare->K == K) {
            b = *spare;
            have = 1;
        } else {
            tmldsa_sign_bufs_release(spare, share);
        }
        free(spare);
    }
    if (have || tmldsa_sign_bufs_alloc(&b, share, K) == 0) {
        st->y = b.y;
        st->w_own = b.w_own;
        st->w_all = b.w_all;
        st->w_sum = b.w_sum;
        st->ctilde = b.ctilde;
        st->zbuf = b.zbuf;
        st->combine_buf = b.combine_buf;
        st->rbuf = b.rbuf;
        st->hbuf = b.hbuf;
    }
    if (!st->msg || !st->ctx || !st->y) {
        tmldsa_sign_free(st);
        return tmldsa_set_error(err, TMLDSA_E_NOMEM, 0, "sign_new: out of memory");
    }
    if (msglen) memcpy(st->msg, msg, msglen);
    if (ctxlen) memcpy(st->ctx, ctx, ctxlen);
    st->msglen = msglen;
    st->ctxlen = ctxlen;
    if (cc_mldsa65_mu(st->mu, share->pk, msg, msglen, ctx, ctxlen) != 0) {
        tmldsa_sign_free(st);
        return tmldsa_set_error(err, TMLDSA_E_ARG, 0, "sign_new: cannot format mu");
    }
    mldsa_expand_a(&st->A, share->pk);
    load_partial_secret(st);
    CT_SECRET(st->s_ext, sizeof st->s_ext);
    st->phase = TMLDSA_PH_READY;
    *out = st;
    return TMLDSA_OK;
}

/* w = A round(y1) + round(y2) mod q, coefficients in [0, q). */
static void commit_w(const tmldsa_sign *st, mldsa_polyveck *w, const double *y)
{
    mldsa_polyvecl y1;
    mldsa_polyveck y2;
    for (unsigned i = 0; i < MLDSA_L; i++) tmldsa_ct_round_i32(y1.v[i].c, y + i * MLDSA_N, MLDSA_N);
    for (unsigned i = 0; i < MLDSA_K; i++) tmldsa_ct_round_i32(y2.v[i].c, y + TMLDSA_HB_L1 + i * MLDSA_N, MLDSA_N);
    mldsa_polyvecl_ntt(&y1);
    mldsa_matrix_mul(w, &st->A, &y1);
    mldsa_polyveck_invntt_tomont(w);
    mldsa_polyveck_add(w, w, &y2);
    mldsa_polyveck_reduce(w);
    mldsa_polyveck_caddq(w);
    cc_memzero(&y1, sizeof y1);
    cc_memzero(&y2, sizeof y2);
}

/* Commitment of `sender` to its packed w: a two-level hash. Leaves: SHAKE256(0x4C || k || w_k, 48)
 * per slot, eight at a time (cc_shake256x8); root: the header-bound, domain-separated hash of
 * tr, mu and the K leaves. A collision of the commitment needs a collision of the root or of a
 * leaf (192-bit security each). */

static void w_leaves(uint8_t (*leaf)[TMLDSA_HASHBYTES], const uint8_t *wpacked, unsigned K, uint8_t *scratch)
{
    uint8_t dummy[TMLDSA_HASHBYTES];
    for (unsigned k0 = 0; k0 < K; k0 += XOF_WAYS) {
        const uint8_t *in[XOF_WAYS];
        uint8_t *outp[XOF_WAYS];
        for (unsigned j = 0; j < XOF_WAYS; j++) {
            unsigned k = k0 + j < K ? k0 + j : k0; /* unused lanes repeat slot k0 into a dummy */
            uint8_t *buf = scratch + (size_t)j * LEAF_IN;
            buf[0] = 0x4C;
            buf[1] = (uint8_t)(k >> 8);
            buf[2] = (uint8_t)k;
            memcpy(buf + 3, wpacked + (size_t)k * TMLDSA_VECK_PACKED, TMLDSA_VECK_PACKED);
            in[j] = buf;
            outp[j] = k0 + j < K ? leaf[k0 + j] : dummy;
        }
        cc_shake256x8(outp, TMLDSA_HASHBYTES, in, LEAF_IN);
    }
}

int tmldsa_sign_w_commitment(tmldsa_sign *st, uint8_t out[TMLDSA_HASHBYTES], unsigned sender, const uint8_t *wpacked)
{
    tmldsa_hdr h;
    cc_keccak_ctx x;
    uint8_t(*leaf)[TMLDSA_HASHBYTES] = (uint8_t(*)[TMLDSA_HASHBYTES])st->hbuf;
    uint8_t *scratch = st->hbuf + (size_t)st->K * TMLDSA_HASHBYTES;
    w_leaves(leaf, wpacked, st->K, scratch);
    tmldsa_sign_hdr(st, &h, TMLDSA_MSG_SIGN1, sender);
    tmldsa_hash_init(&x, "sign-w-commit", &h);
    cc_keccak_absorb(&x, st->share->tr, MLDSA_TRBYTES);
    cc_keccak_absorb(&x, st->mu, MLDSA_CRHBYTES);
    cc_keccak_absorb(&x, &leaf[0][0], (size_t)st->K * TMLDSA_HASHBYTES);
    tmldsa_hash_final(&x, out, TMLDSA_HASHBYTES);
    return TMLDSA_OK;
}

/* Hedged per-attempt seed: secret shares, fresh randomness, session binding (header), mu. */
static void mask_seed(const tmldsa_sign *st, const tmldsa_hdr *h, const uint8_t rnd[32], uint8_t rseed[64])
{
    cc_keccak_ctx x;
    tmldsa_hash_init(&x, "sign-mask-seed", h);
    cc_keccak_absorb(&x, &st->share->seeds[0][0], sizeof st->share->seeds);
    cc_keccak_absorb(&x, rnd, 32);
    cc_keccak_absorb(&x, st->mu, sizeof st->mu);
    tmldsa_hash_final(&x, rseed, 64);
}

/* The K masks y_k (hyperball samples from SHAKE256(rseed || k), eight slots per 8-way SHAKE call)
 * and the packed commitments w_k. rbuf holds XOF_WAYS * TMLDSA_HB_RANDBYTES. */
static void sample_slots(tmldsa_sign *st, const uint8_t rseed[64], uint8_t *rbuf)
{
    uint8_t seed_in[XOF_WAYS][64 + 2];
    for (unsigned k = 0; k < st->K; k++) {
        double *y = st->y + (size_t)k * TMLDSA_HB_DIM;
        mldsa_polyveck w;
        uint64_t t0 = tmldsa_now_ns();
        if (k % XOF_WAYS == 0) {
            const uint8_t *in[XOF_WAYS];
            uint8_t *outp[XOF_WAYS];
            for (unsigned j = 0; j < XOF_WAYS; j++) {
                unsigned kk = k + j; /* lanes past K produce unused output */
                memcpy(seed_in[j], rseed, 64);
                seed_in[j][64] = (uint8_t)(kk >> 8);
                seed_in[j][65] = (uint8_t)kk;
                in[j] = seed_in[j];
                outp[j] = rbuf + (size_t)j * TMLDSA_HB_RANDBYTES;
            }
            cc_shake256x8(outp, TMLDSA_HB_RANDBYTES, in, sizeof seed_in[0]);
        }
        uint64_t t1 = tmldsa_now_ns();
        tmldsa_hyperball_sample(y, rbuf + (size_t)(k % XOF_WAYS) * TMLDSA_HB_RANDBYTES, TMLDSA_RPRIME, TMLDSA_NU);
        uint64_t t2 = tmldsa_now_ns();
        commit_w(st, &w, y);
        uint64_t t3 = tmldsa_now_ns();
        tmldsa_pack_veck(st->w_own + (size_t)k * TMLDSA_VECK_PACKED, &w);
        CT_PUBLIC(st->w_own + (size_t)k * TMLDSA_VECK_PACKED, TMLDSA_VECK_PACKED); /* sent in round 2 */
        cc_memzero(&w, sizeof w);
        uint64_t t4 = tmldsa_now_ns();
        st->prof.rand_ns += t1 - t0;
        st->prof.gauss_ns += t2 - t1;
        st->prof.ntt_ns += t3 - t2;
        st->prof.pack_ns += t4 - t3;
    }
    cc_memzero(seed_in, sizeof seed_in);
}

int tmldsa_sign_round1(tmldsa_sign *st, tmldsa_msg *out, tmldsa_error *err)
{
    int rc = tmldsa_sign_enter(st, TMLDSA_PH_READY, out, out, err);
    if (rc) return rc;
    *out = (tmldsa_msg){NULL, 0};
    tmldsa_hdr h;
    uint8_t rnd[32], rseed[64];
    if (cc_randombytes(rnd, sizeof rnd)) {
        return tmldsa_sign_fail(st, err, TMLDSA_E_RNG, 0, "sign_round1: OS random source failed");
    }
    tmldsa_sign_hdr(st, &h, TMLDSA_MSG_SIGN1, st->share->party);
    mask_seed(st, &h, rnd, rseed);
    CT_SECRET(rseed, sizeof rseed);
    sample_slots(st, rseed, st->rbuf);
    cc_memzero(st->rbuf, RBUF_BYTES);
    cc_memzero(rseed, sizeof rseed);
    cc_memzero(rnd, sizeof rnd);
    uint64_t t0 = tmldsa_now_ns();
    if (tmldsa_sign_w_commitment(st, st->cmt[st->me], st->share->party, st->w_own))
        return tmldsa_sign_fail(st, err, TMLDSA_E_NOMEM, 0, "sign_round1: out of memory");
    st->prof.hash_ns += tmldsa_now_ns() - t0;
    uint8_t *p = tmldsa_msg_alloc(out, &h, R1_PAYLOAD, err);
    if (!p) return tmldsa_sign_fail(st, err, TMLDSA_E_NOMEM, 0, NULL);
    memcpy(p, st->cmt[st->me], TMLDSA_HASHBYTES);
    message_binding(st, p + TMLDSA_HASHBYTES);
    st->phase = TMLDSA_PH_R1;
    return TMLDSA_OK;
}

int tmldsa_sign_round2(tmldsa_sign *st, const tmldsa_msg in[TMLDSA_THRESHOLD], tmldsa_msg *out, tmldsa_error *err)
{
    int rc = tmldsa_sign_enter(st, TMLDSA_PH_R1, in, out, err);
    if (rc) return rc;
    *out = (tmldsa_msg){NULL, 0};
    uint8_t own[TMLDSA_HASHBYTES], mb[TMLDSA_HASHBYTES];
    memcpy(own, st->cmt[st->me], sizeof own);
    message_binding(st, mb);
    for (unsigned j = 0; j < TMLDSA_THRESHOLD; j++) {
        tmldsa_hdr h;
        const uint8_t *pl;
        tmldsa_sign_hdr(st, &h, TMLDSA_MSG_SIGN1, st->ids[j]);
        if ((rc = tmldsa_msg_parse(&in[j], &h, R1_PAYLOAD, &pl, NULL, err)))
            return tmldsa_sign_fail(st, err, rc, st->ids[j], NULL);
        memcpy(st->cmt[j], pl, TMLDSA_HASHBYTES);
        if (j == st->me) {
            if (memcmp(own, pl, sizeof own) != 0 || memcmp(pl + TMLDSA_HASHBYTES, mb, sizeof mb) != 0)
                return tmldsa_sign_fail(
                    st, err, TMLDSA_E_INCONSISTENT, 0,
                    "sign_round2: our own round-1 message came back altered (transport fault, nobody blamed)");
            continue;
        }
        /* another message or context: the coordinator gave the signers different requests (or
         * that signer lies about its request); nobody can be blamed from here */
        if (memcmp(pl + TMLDSA_HASHBYTES, mb, sizeof mb) != 0)
            return tmldsa_sign_fail(st, err, TMLDSA_E_INCONSISTENT, 0,
                                    "sign_round2: party %u is signing a different message or context than party %u "
                                    "(not blamed: the coordinator may have sent different requests)",
                                    st->ids[j], st->share->party);
    }
    tmldsa_hdr h;
    tmldsa_sign_hdr(st, &h, TMLDSA_MSG_SIGN2, st->share->party);
    uint8_t *p = tmldsa_msg_alloc(out, &h, tmldsa_sign_r2_payload(st), err);
    if (!p) return tmldsa_sign_fail(st, err, TMLDSA_E_NOMEM, 0, NULL);
    memcpy(p, &st->cmt[0][0], TMLDSA_SIGN_ECHOBYTES);
    memcpy(p + TMLDSA_SIGN_ECHOBYTES, st->w_own, (size_t)st->K * TMLDSA_VECK_PACKED);
    st->phase = TMLDSA_PH_R2;
    return TMLDSA_OK;
}

int tmldsa_sign_next_attempt(tmldsa_sign *st, tmldsa_error *err)
{
    if (!st) return tmldsa_set_error(err, TMLDSA_E_ARG, 0, "NULL signing state");
    if (st->phase != TMLDSA_PH_R3)
        return tmldsa_set_error(err, TMLDSA_E_STATE, 0, "next_attempt: only allowed after round 3 of an attempt");
    if (st->attempt + 1 >= TMLDSA_MAX_ATTEMPTS)
        return tmldsa_sign_fail(st, err, TMLDSA_E_ATTEMPTS, 0, "next_attempt: %u attempts without a signature",
                                TMLDSA_MAX_ATTEMPTS);
    tmldsa_sign_wipe_round_secrets(st);
    st->attempt++;
    st->phase = TMLDSA_PH_READY;
    return TMLDSA_OK;
}

/* tecdsa_presign.c: DKLs23 presigning for a signer set S of 3 (see tecdsa.h).
 *   P1  nonce_i, commitment to R_i = r_i*G           -> sid = H(key, pre-sid, S, all nonces, commits)
 *   P2  to each peer j, self as VOLE receiver (Bob): OT-extension message; keeps chi_ij
 *   P3  to each peer j, self as VOLE sender (Alice) with inputs (r_i, sk_i): VOLE message, R_i and
 *       its opening, pk_i, Gamma_u = c_u*G, Gamma_v = c_v*G, psi_ij = phi_i - chi_ij
 *   end Bob side of every VOLE, opening of R_j, chi*R_j = d_u*G + Gamma_u, chi*pk_j = d_v*G + Gamma_v
 *       (all four statements in one randomly weighted check, soundness 2^-128: gamma_checks),
 *       sum pk = PK; presignature (R, u_i, v_i, phi_i) with
 *       u_i = r_i (phi_i + sum psi_ji) + sum (c_u + d_u), v_i likewise with sk_i.
 * sk_i = lambda_i x_i + zeta_i with zeta from the pairwise zero-sharing seeds. A failed OT, VOLE,
 * opening or Gamma check bans the peer in the key share for the life of the key; every step
 * first re-reads the bans of its signer set, the OT check runs under the peer's check lock, and
 * a session holds one of the TECDSA_MAX_SESSIONS_PER_PEER slots per peer from its first step to
 * its end (see tecdsa.h). r_i, phi_i, the commitment salt and the nonce are hedged (tk_hedge). */
#include <stdlib.h>
#include <string.h>

#include "crypto/ct.h"
#include "crypto/ct_check.h"
#include "threshold/ecdsa/tecdsa_hash.h"
#include "threshold/ecdsa/tecdsa_internal.h"
#include "threshold/ecdsa/tecdsa_wire.h"

#define P1_BYTES (32 + TECDSA_ID_BYTES)
#define P2_BYTES TOT_BOB_MSG_BYTES
#define P3_BYTES (TOT_ALICE_MSG_BYTES + 4 * TPT_UBYTES + 32 + TSC_BYTES) /* points uncompressed: no square roots */

struct tecdsa_presign {
    tecdsa_keyshare *ks;
    int self, round, failed, culprit;
    int holds_slots;   /* counted in ks->active[] for every peer */
    unsigned suspects; /* set when culprit is 0: see tecdsa_dkg_suspects */
    int signers[TECDSA_T];
    uint8_t pre_sid[TECDSA_ID_BYTES], sid[TECDSA_ID_BYTES];
    tsc r, phi, sk;
    tpt R, pk_self;
    uint8_t salt[32];
    uint8_t nonce[TECDSA_N + 1][32], commit[TECDSA_N + 1][TECDSA_ID_BYTES];
    tot_bob_state *bob[TECDSA_N + 1];
    tot_scratch *scratch; /* of every OT extension + VOLE step of this session (ks->alloc) */
    tsc c_u[TECDSA_N + 1], c_v[TECDSA_N + 1];
    tecdsa_presig *result;
};

tecdsa_presign *tecdsa_presign_new(tecdsa_keyshare *ks, const int signers[TECDSA_T],
                                   const uint8_t batch_id[TECDSA_ID_BYTES])
{
    if (!ks || !signers || !batch_id) return NULL;
    int found = 0;
    for (int k = 0; k < TECDSA_T; k++) {
        if (signers[k] < 1 || signers[k] > TECDSA_N || (k > 0 && signers[k] <= signers[k - 1])) return NULL;
        if (signers[k] == ks->self) found = 1;
    }
    if (!found) return NULL;
    tecdsa_presign *p = cc_alloc(ks->alloc, sizeof *p); /* the key share's allocator */
    if (!p) return NULL;
    p->ks = ks;
    p->self = ks->self;
    memcpy(p->signers, signers, sizeof p->signers);
    th_ctx h;
    th_init(&h, "presign/pre-sid");
    th_bytes(&h, ks->key_id, TECDSA_ID_BYTES);
    for (int k = 0; k < TECDSA_T; k++) th_u32(&h, (uint32_t)signers[k]);
    th_bytes(&h, batch_id, TECDSA_ID_BYTES);
    th_out(&h, p->pre_sid, TECDSA_ID_BYTES);
    return p;
}

/* Take one in-flight slot per peer (all or none). */
static int acquire_slots(tecdsa_presign *p)
{
    for (int k = 0; k < TECDSA_T; k++) {
        int j = p->signers[k];
        if (j == p->self) continue;
        if (atomic_fetch_add(&p->ks->active[j], 1) >= TECDSA_MAX_SESSIONS_PER_PEER) {
            for (int m = 0; m <= k; m++)
                if (p->signers[m] != p->self) atomic_fetch_sub(&p->ks->active[p->signers[m]], 1);
            return TECDSA_ERR_BUSY; /* not a cheat: nobody is named */
        }
    }
    p->holds_slots = 1;
    return TECDSA_OK;
}

static void release_slots(tecdsa_presign *p)
{
    if (!p->holds_slots) return;
    for (int k = 0; k < TECDSA_T; k++)
        if (p->signers[k] != p->self) atomic_fetch_sub(&p->ks->active[p->signers[k]], 1);
    p->holds_slots = 0;
}

void tecdsa_presign_free(tecdsa_presign *p)
{
    if (!p) return;
    release_slots(p);
    for (int j = 0; j <= TECDSA_N; j++)
        if (p->bob[j]) {
            tot_bob_state_wipe(p->bob[j]);
            free(p->bob[j]);
        }
    cc_free(p->ks->alloc, p->scratch, sizeof *p->scratch);
    tecdsa_presig_free(p->result);
    cc_free(p->ks->alloc, p, sizeof *p); /* wipes */
}

int tecdsa_presign_culprit(const tecdsa_presign *p) { return p ? p->culprit : 0; }

unsigned tecdsa_presign_suspects(const tecdsa_presign *p)
{
    if (!p) return 0;
    return p->culprit ? 1u << p->culprit : p->suspects;
}

/* Peer j's message of round `type` did not open. j is to blame, unless only the session id
 * differs: then j lies, or the third signer equivocated its P1 (nonce or commitment) so that j
 * and we derived different session ids; the two peers are suspect and nobody is named alone. */
static void blame_open(tecdsa_presign *p, const tecdsa_msg *m, uint8_t type, int j, size_t len)
{
    if (!tw_only_sid_differs(m, type, j, p->self, p->ks->key_id, p->sid, len)) {
        p->culprit = j;
        return;
    }
    p->culprit = 0;
    p->suspects = 0;
    for (int k = 0; k < TECDSA_T; k++)
        if (p->signers[k] != p->self) p->suspects |= 1u << p->signers[k];
}

tecdsa_presig *tecdsa_presign_take(tecdsa_presign *p)
{
    if (!p || p->failed) return NULL;
    tecdsa_presig *ps = p->result;
    p->result = NULL;
    return ps;
}

static void commit_R(uint8_t out[TECDSA_ID_BYTES], const tecdsa_presign *p, int party, const tpt *R,
                     const uint8_t salt[32])
{
    th_ctx h;
    th_init(&h, "presign/commit-R");
    th_bytes(&h, p->ks->key_id, TECDSA_ID_BYTES);
    th_bytes(&h, p->pre_sid, TECDSA_ID_BYTES);
    th_u32(&h, (uint32_t)party);
    th_bytes(&h, R->b, TPT_BYTES);
    th_bytes(&h, salt, 32);
    th_out(&h, out, TECDSA_ID_BYTES);
}

static void ote_ctx(uint8_t out[TOT_CTX_BYTES], const tecdsa_presign *p, int alice, int bob)
{
    th_ctx h;
    th_init(&h, "presign/ote-ctx");
    th_bytes(&h, p->ks->key_id, TECDSA_ID_BYTES);
    th_bytes(&h, p->sid, TECDSA_ID_BYTES);
    th_u32(&h, (uint32_t)alice);
    th_u32(&h, (uint32_t)bob);
    th_out(&h, out, TOT_CTX_BYTES);
}

static int ban(tecdsa_presign *p, int j, int rc)
{
    tk_ban(p->ks, j);
    p->culprit = j;
    return rc;
}

/* r_i, phi_i, salt and nonce: OS randomness hedged with the share's seed and this session. */
static int p1_secrets(tecdsa_presign *p)
{
    uint8_t t[TECDSA_ID_BYTES + 1], buf[64 + 64 + 32 + 32];
    memcpy(t, p->pre_sid, TECDSA_ID_BYTES);
    t[TECDSA_ID_BYTES] = (uint8_t)p->self;
    int rc = tk_hedge(p->ks, "presign/p1", t, sizeof t, buf, sizeof buf);
    if (rc == TECDSA_OK) {
        tsc_from_wide(&p->r, buf, 64);
        tsc_from_wide(&p->phi, buf + 64, 64);
        memcpy(p->salt, buf + 128, 32);
        memcpy(p->nonce[p->self], buf + 160, 32);
        uint64_t zero = tsc_is_zero(&p->r) | tsc_is_zero(&p->phi);
        CT_PUBLIC(&zero, sizeof zero); /* probability 2^-383: the outcome is public */
        if (zero) rc = TECDSA_ERR_RNG;
    }
    cc_memzero(buf, sizeof buf);
    return rc;
}

static int p1_out(tecdsa_presign *p, tecdsa_msg out[TECDSA_N + 1])
{
    uint8_t payload[P1_BYTES];
    int rc;
    if ((rc = acquire_slots(p)) != TECDSA_OK || (rc = p1_secrets(p)) != TECDSA_OK) return rc;
    if (tec_mul_g(&p->R, &p->r) != 0) return TECDSA_ERR_INTERNAL;
    commit_R(p->commit[p->self], p, p->self, &p->R, p->salt);
    memcpy(payload, p->nonce[p->self], 32);
    memcpy(payload + 32, p->commit[p->self], TECDSA_ID_BYTES);
    for (int k = 0; k < TECDSA_T; k++) {
        int j = p->signers[k];
        tw_writer w;
        if (j == p->self) continue;
        if (tw_new(&out[j], TW_PRE1, p->self, j, p->ks->key_id, p->pre_sid, P1_BYTES, &w)) return TECDSA_ERR_INTERNAL;
        tw_put(&w, payload, sizeof payload);
    }
    return TECDSA_OK;
}

/* zeta = sum_{j in S, j < self} PRF(seed_j) - sum_{j in S, j > self} PRF(seed_j); sums to 0 over S. */
static void zero_share(tsc *zeta, const tecdsa_presign *p)
{
    tsc_zero(zeta);
    for (int k = 0; k < TECDSA_T; k++) {
        int j = p->signers[k];
        tsc t;
        if (j == p->self) continue;
        th_ctx h;
        th_init(&h, "presign/zero-share");
        th_bytes(&h, p->ks->zero_seed[j], TK_ZERO_SEED_BYTES);
        th_bytes(&h, p->sid, TECDSA_ID_BYTES);
        th_out_scalar(&h, &t);
        if (j < p->self)
            tsc_add(zeta, zeta, &t);
        else
            tsc_sub(zeta, zeta, &t);
        tsc_wipe(&t);
    }
}

/* Hedged coins for this session's VOLE side towards peer j. */
static int vole_coins(tecdsa_presign *p, const char *label, int j, uint8_t coins[TOT_COINS_BYTES])
{
    uint8_t t[TECDSA_ID_BYTES + 1];
    memcpy(t, p->sid, TECDSA_ID_BYTES);
    t[TECDSA_ID_BYTES] = (uint8_t)j;
    return tk_hedge(p->ks, label, t, sizeof t, coins, TOT_COINS_BYTES);
}

static int p2(tecdsa_presign *p, const tecdsa_msg in[TECDSA_N + 1], tecdsa_msg out[TECDSA_N + 1])
{
    int rc;
    for (int k = 0; k < TECDSA_T; k++) {
        int j = p->signers[k];
        tw_reader r;
        if (j == p->self) continue;
        if ((rc = tw_open(&in[j], TW_PRE1, j, p->self, p->ks->key_id, p->pre_sid, P1_BYTES, &r)) != TECDSA_OK) {
            p->culprit = j;
            return rc;
        }
        memcpy(p->nonce[j], tw_get(&r, 32), 32);
        memcpy(p->commit[j], tw_get(&r, TECDSA_ID_BYTES), TECDSA_ID_BYTES);
    }
    th_ctx h;
    th_init(&h, "presign/sid");
    th_bytes(&h, p->ks->key_id, TECDSA_ID_BYTES);
    th_bytes(&h, p->pre_sid, TECDSA_ID_BYTES);
    for (int k = 0; k < TECDSA_T; k++) {
        th_u32(&h, (uint32_t)p->signers[k]);
        th_bytes(&h, p->nonce[p->signers[k]], 32);
        th_bytes(&h, p->commit[p->signers[k]], TECDSA_ID_BYTES);
    }
    th_out(&h, p->sid, TECDSA_ID_BYTES);
    if ((rc = tk_use_sid(p->ks, p->sid)) != TECDSA_OK) return rc;

    tsc lambda, zeta;
    tk_lagrange(&lambda, p->self, p->signers);
    zero_share(&zeta, p);
    tsc_mul(&p->sk, &lambda, &p->ks->x);
    tsc_add(&p->sk, &p->sk, &zeta);
    tsc_wipe(&zeta);
    if (tec_mul_g(&p->pk_self, &p->sk) != 0) return TECDSA_ERR_INTERNAL;
    if (!(p->scratch = cc_alloc(p->ks->alloc, sizeof *p->scratch))) return TECDSA_ERR_INTERNAL;
    for (int k = 0; k < TECDSA_T; k++) {
        int j = p->signers[k];
        tw_writer w;
        uint8_t ctx[TOT_CTX_BYTES];
        if (j == p->self) continue;
        p->bob[j] = calloc(1, sizeof(tot_bob_state));
        if (!p->bob[j]) return TECDSA_ERR_INTERNAL;
        if (tw_new(&out[j], TW_PRE2, p->self, j, p->ks->key_id, p->sid, P2_BYTES, &w)) return TECDSA_ERR_INTERNAL;
        ote_ctx(ctx, p, j, p->self);
        uint8_t coins[TOT_COINS_BYTES];
        if ((rc = vole_coins(p, "presign/vole-bob", j, coins)) == TECDSA_OK)
            rc = tot_bob_round1(p->bob[j], &p->ks->bob[j], ctx, coins, tw_reserve(&w, P2_BYTES), p->scratch);
        cc_memzero(coins, sizeof coins);
        if (rc != TECDSA_OK) return rc;
    }
    return TECDSA_OK;
}

static int p3(tecdsa_presign *p, const tecdsa_msg in[TECDSA_N + 1], tecdsa_msg out[TECDSA_N + 1])
{
    int rc;
    tsc a[2] = {p->r, p->sk}, c[2], psi[TECDSA_T];
    p384_point g[2 * (TECDSA_T - 1)]; /* c_u * G and c_v * G per peer, made affine together */
    tpt ga[2 * (TECDSA_T - 1)];
    tw_writer ws[TECDSA_T];
    int n = 0;
    for (int k = 0; k < TECDSA_T; k++) {
        int j = p->signers[k];
        tw_reader r;
        tw_writer w;
        uint8_t ctx[TOT_CTX_BYTES];
        if (j == p->self) continue;
        if ((rc = tw_open(&in[j], TW_PRE2, j, p->self, p->ks->key_id, p->sid, P2_BYTES, &r)) != TECDSA_OK) {
            blame_open(p, &in[j], TW_PRE2, j, P2_BYTES);
            goto done;
        }
        if ((rc = tw_new(&out[j], TW_PRE3, p->self, j, p->ks->key_id, p->sid, P3_BYTES, &w)) != TECDSA_OK) goto done;
        ote_ctx(ctx, p, p->self, j);
        /* check + ban atomic per peer: no check with j overlaps this one or follows a failure */
        pthread_mutex_lock(&p->ks->check_lock[j]);
        if (tecdsa_keyshare_is_banned(p->ks, j)) {
            p->culprit = j;
            rc = TECDSA_ERR_BANNED;
        } else {
            uint8_t coins[TOT_COINS_BYTES];
            if ((rc = vole_coins(p, "presign/vole-alice", j, coins)) == TECDSA_OK)
                rc = tot_alice_round2(&p->ks->alice[j], ctx, tw_get(&r, P2_BYTES), a, coins,
                                      tw_reserve(&w, TOT_ALICE_MSG_BYTES), c, p->scratch);
            cc_memzero(coins, sizeof coins);
            if (rc == TECDSA_ERR_OT) rc = ban(p, j, rc);
        }
        pthread_mutex_unlock(&p->ks->check_lock[j]);
        if (rc != TECDSA_OK) goto done;
        p->c_u[j] = c[0];
        p->c_v[j] = c[1];
        tec_mul_g_pt(&g[2 * n], &c[0]);
        tec_mul_g_pt(&g[2 * n + 1], &c[1]);
        tsc_sub(&psi[n], &p->phi, &p->bob[j]->chi);
        ws[n] = w;
        n++;
    }
    rc = TECDSA_ERR_INTERNAL;
    if (n > 0 && tec_from_points(ga, g, (size_t)(2 * n)) != 0) goto done;
    for (int i = 0; i < n; i++) {
        tw_put_point_u(&ws[i], &p->R);
        tw_put(&ws[i], p->salt, 32);
        tw_put_point_u(&ws[i], &p->pk_self);
        tw_put_point_u(&ws[i], &ga[2 * i]);
        tw_put_point_u(&ws[i], &ga[2 * i + 1]);
        tw_put_scalar(&ws[i], &psi[i]);
    }
    rc = TECDSA_OK;
done:
    cc_memzero(a, sizeof a);
    cc_memzero(c, sizeof c);
    cc_memzero(g, sizeof g);
    cc_memzero(psi, sizeof psi);
    return rc;
}

/* chi * P == d * G + Gamma, with chi and d secret (two constant-time multiplications, then a public
 * projective compare). */
static int gamma_ok(const tpt *P, const tsc *chi, const tsc *d, const tpt *gamma)
{
    return tec_mul_eq_mul_g_add(P, chi, d, gamma);
}

/* Peer j's two Gamma statements: chi_j * R_j = d[0] * G + Gamma_u and chi_j * pk_j = d[1] * G + Gamma_v. */
typedef struct {
    int j;
    tpt P[2], gamma[2];
    tsc d[2];
} gamma_claim;

#define GAMMA_STATEMENTS (2 * (TECDSA_T - 1))
_Static_assert(GAMMA_STATEMENTS <= TEC_MSM_MAX, "one batched check holds every Gamma statement of a session");

/* Every Gamma statement of the session in one check. Writing E_m = chi * P_m - d_m * G - Gamma_m
 * (m < GAMMA_STATEMENTS, two per peer), it checks sum_m w_m E_m = O with w_0 = 1 and the other
 * weights 128-bit values drawn now (hedged OS randomness, never sent), after every peer's message
 * is fixed. If some E_m is not O, then for any values of the other weights at most one value of
 * w_m mod n (n prime, > 2^128) makes the sum O, so a cheating peer passes with probability at most
 * 2^-128, whatever it and the third signer do; each E_m != O alone is caught (w_0 = 1 included).
 * When the batch fails, the separate checks name the peer (the first failing one in signer
 * order), who is banned as before. Cost: one pass of shared doublings for all the statements
 * instead of two multiplications per peer and statement (tec_msm_eq_mul_g). */
static int gamma_checks(tecdsa_presign *p, gamma_claim *gc, int n)
{
    tpt P[GAMMA_STATEMENTS], Q[GAMMA_STATEMENTS];
    tsc k[GAMMA_STATEMENTS], w[GAMMA_STATEMENTS], d, t;
    uint8_t wb[GAMMA_STATEMENTS * 16];
    int rc = tk_hedge(p->ks, "presign/gamma-weights", p->sid, TECDSA_ID_BYTES, wb, sizeof wb);
    if (rc != TECDSA_OK) return rc;
    tsc_zero(&d);
    for (int i = 0; i < 2 * n; i++) {
        const gamma_claim *c = &gc[i / 2];
        tsc_zero(&w[i]);
        if (i == 0)
            w[i].v[0] = 1;
        else
            for (int b = 0; b < 16; b++) w[i].v[b / 8] |= (uint64_t)wb[16 * i + b] << (8 * (b % 8));
        P[i] = c->P[i % 2];
        Q[i] = c->gamma[i % 2];
        tsc_mul(&k[i], &p->bob[c->j]->chi, &w[i]);
        tsc_mul(&t, &c->d[i % 2], &w[i]);
        tsc_add(&d, &d, &t);
    }
    int ok = tec_msm_eq_mul_g(P, k, (size_t)(2 * n), Q, w, (size_t)(2 * n), &d);
    rc = ok == 1 ? TECDSA_OK : TECDSA_ERR_INTERNAL;
    for (int i = 0; i < n && ok == 0; i++) {
        const tsc *chi = &p->bob[gc[i].j]->chi;
        if (!gamma_ok(&gc[i].P[0], chi, &gc[i].d[0], &gc[i].gamma[0]) ||
            !gamma_ok(&gc[i].P[1], chi, &gc[i].d[1], &gc[i].gamma[1])) {
            rc = ban(p, gc[i].j, TECDSA_ERR_GAMMA);
            break;
        }
    }
    cc_memzero(k, sizeof k);
    cc_memzero(w, sizeof w);
    cc_memzero(wb, sizeof wb);
    tsc_wipe(&d);
    tsc_wipe(&t);
    return rc;
}

/* Read and check peer j's P3 message (all but the Gamma statements, which go to gc, also holding
 * R_j and pk_j for sum_points); adds its scalar contributions to the running sums. */
static int p3_in(tecdsa_presign *p, const tecdsa_msg *m, int j, tsc *psisum, tsc *usum, tsc *vsum, gamma_claim *gc)
{
    tw_reader r;
    uint8_t ctx[TOT_CTX_BYTES], expect[TECDSA_ID_BYTES];
    tsc d[2], psi;
    tpt Rj, pkj, gu, gv;
    int rc;
    if ((rc = tw_open(m, TW_PRE3, j, p->self, p->ks->key_id, p->sid, P3_BYTES, &r)) != TECDSA_OK) {
        blame_open(p, m, TW_PRE3, j, P3_BYTES);
        return rc;
    }
    ote_ctx(ctx, p, j, p->self);
    rc = tot_bob_finish(p->bob[j], ctx, tw_get(&r, TOT_ALICE_MSG_BYTES), d);
    if (rc == TECDSA_ERR_VOLE) return ban(p, j, rc);
    if (rc != TECDSA_OK) return rc;
    if ((rc = tw_get_point_u(&r, &Rj)) != TECDSA_OK) goto done;
    commit_R(expect, p, j, &Rj, tw_get(&r, 32));
    if (cc_memcmp_ct(expect, p->commit[j], TECDSA_ID_BYTES) != 0) {
        rc = ban(p, j, TECDSA_ERR_COMMIT);
        goto done;
    }
    if ((rc = tw_get_point_u(&r, &pkj)) != TECDSA_OK || (rc = tw_get_point_u(&r, &gu)) != TECDSA_OK ||
        (rc = tw_get_point_u(&r, &gv)) != TECDSA_OK || (rc = tw_get_scalar(&r, &psi)) != TECDSA_OK)
        goto done;
    gc->j = j;
    gc->P[0] = Rj;
    gc->P[1] = pkj;
    gc->gamma[0] = gu;
    gc->gamma[1] = gv;
    gc->d[0] = d[0];
    gc->d[1] = d[1];
    tsc_add(psisum, psisum, &psi);
    tsc_add(usum, usum, &p->c_u[j]);
    tsc_add(usum, usum, &d[0]);
    tsc_add(vsum, vsum, &p->c_v[j]);
    tsc_add(vsum, vsum, &d[1]);
    rc = TECDSA_OK;
done:
    cc_memzero(d, sizeof d);
    tsc_wipe(&psi);
    return rc;
}

/* R = own R + sum R_j and pk = own pk + sum pk_j, summed projectively and made affine together;
 * fails if either is the identity. */
static int sum_points(const tecdsa_presign *p, const gamma_claim *gc, int n, tpt *Rsum, tpt *pksum)
{
    p384_point acc[2], t;
    tpt out[2];
    tec_to_point(&acc[0], &p->R);
    tec_to_point(&acc[1], &p->pk_self);
    for (int i = 0; i < n; i++)
        for (int m = 0; m < 2; m++) {
            tec_to_point(&t, &gc[i].P[m]);
            p384_point_add(&acc[m], &acc[m], &t); /* complete formulas */
        }
    int rc = tec_from_points(out, acc, 2) == 0 ? TECDSA_OK : TECDSA_ERR_POINT;
    *Rsum = out[0];
    *pksum = out[1];
    return rc;
}

static int p_finish(tecdsa_presign *p, const tecdsa_msg in[TECDSA_N + 1])
{
    tpt Rsum, pksum;
    tsc psisum, usum, vsum, t;
    gamma_claim gc[TECDSA_T - 1];
    int rc = TECDSA_OK, n = 0;
    tsc_zero(&psisum);
    tsc_zero(&usum);
    tsc_zero(&vsum);
    for (int k = 0; k < TECDSA_T && rc == TECDSA_OK; k++) {
        int j = p->signers[k];
        if (j == p->self) continue;
        rc = p3_in(p, &in[j], j, &psisum, &usum, &vsum, &gc[n++]);
        if (rc != TECDSA_OK && !p->suspects) p->culprit = j;
    }
    if (rc == TECDSA_OK) rc = sum_points(p, gc, n, &Rsum, &pksum);
    if (rc == TECDSA_OK) rc = gamma_checks(p, gc, n);
    if (rc == TECDSA_OK && !tec_eq(&pksum, &p->ks->pk)) rc = TECDSA_ERR_PKSUM;
    if (rc == TECDSA_OK && !(p->result = cc_alloc(p->ks->alloc, sizeof *p->result))) rc = TECDSA_ERR_INTERNAL;
    if (rc == TECDSA_OK) p->result->alloc = p->ks->alloc;
    if (rc == TECDSA_OK) {
        tecdsa_presig *ps = p->result;
        tsc_add(&psisum, &psisum, &p->phi);
        tsc_mul(&t, &p->r, &psisum);
        tsc_add(&ps->u, &t, &usum);
        tsc_mul(&t, &p->sk, &psisum);
        tsc_add(&ps->v, &t, &vsum);
        ps->phi = p->phi;
        ps->R = Rsum;
        ps->pk = p->ks->pk;
        ps->ks = p->ks;
        atomic_init(&ps->consumed, false);
        ps->self = p->self;
        memcpy(ps->signers, p->signers, sizeof ps->signers);
        memcpy(ps->key_id, p->ks->key_id, TECDSA_ID_BYTES);
        memcpy(ps->sid, p->sid, TECDSA_ID_BYTES);
        rc = TECDSA_DONE;
    }
    tsc_wipe(&psisum);
    tsc_wipe(&usum);
    tsc_wipe(&vsum);
    tsc_wipe(&t);
    cc_memzero(gc, sizeof gc);
    return rc;
}

int tecdsa_presign_step(tecdsa_presign *p, const tecdsa_msg in[TECDSA_N + 1], tecdsa_msg out[TECDSA_N + 1])
{
    int rc;
    if (!p || !out || (p->round > 0 && !in)) return TECDSA_ERR_ARG;
    if (p->failed || p->round > 3) return TECDSA_ERR_STATE;
    for (int j = 0; j <= TECDSA_N; j++) out[j] = (tecdsa_msg){NULL, 0};
    int banned = tk_banned_among(p->ks, p->signers); /* at every step: bans reach sessions in flight */
    if (banned) {
        p->culprit = banned;
        rc = TECDSA_ERR_BANNED;
    } else {
        switch (p->round) {
        case 0: rc = p1_out(p, out); break;
        case 1: rc = p2(p, in, out); break;
        case 2: rc = p3(p, in, out); break;
        default: rc = p_finish(p, in); break;
        }
    }
    if (rc < 0) p->failed = 1;
    if (rc < 0 || rc == TECDSA_DONE) {
        release_slots(p);
        /* the presignature (if any) lives on alone: wipe every other secret now */
        if (rc < 0) tecdsa_msgs_free(out);
        for (int j = 0; j <= TECDSA_N; j++)
            if (p->bob[j]) {
                tot_bob_state_wipe(p->bob[j]);
                free(p->bob[j]);
                p->bob[j] = NULL;
            }
        cc_free(p->ks->alloc, p->scratch, sizeof *p->scratch);
        p->scratch = NULL;
        tsc_wipe(&p->r);
        tsc_wipe(&p->phi);
        tsc_wipe(&p->sk);
        cc_memzero(p->c_u, sizeof p->c_u);
        cc_memzero(p->c_v, sizeof p->c_v);
    }
    p->round++;
    return rc;
}

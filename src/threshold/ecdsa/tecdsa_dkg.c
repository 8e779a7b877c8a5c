/* tecdsa_dkg.c: distributed key generation for the 3-of-5 threshold ECDSA key (see tecdsa.h).
 * Rounds (each message = broadcast part [+ private part for that receiver]):
 *   D1  nonce_i, H_i = H(cer, i, C_i, rho_i)                       -> sid = H(cer, all nonces, H)
 *   D2  C_i (3 Feldman points), rho_i, 3 Schnorr PoKs | share f_i(j), zero-seed contribution
 *   D3  complaint mask, echo vector (per-sender transcript hashes of D1..D2)
 *   D4  reveals of complained shares, echo of D3                    -> QUAL, x_i
 *   D5  echo of D4, X_i = x_i*G, PoK of x_i
 *   D6  echo of D5 | base-OT message 1 (self = future VOLE sender)
 *   D7  base-OT message 2 (self = future VOLE receiver)
 *   end derives the OT seeds, zero-sharing seeds and the key share.
 * The expensive base OTs start only once every public check has passed (QUAL fixed, every X_j
 * consistent with the commitments, all echoes equal), so a failed ceremony aborts cheaply. Non-opening commitments, bad PoKs, bad
 * points and equivocation abort naming the culprit; a dealer whose complained share is not
 * revealed correctly leaves QUAL (abort if |QUAL| < 3). */
#include <stdlib.h>
#include <string.h>

#include "crypto/ct.h"
#include "threshold/ecdsa/tecdsa_hash.h"
#include "threshold/ecdsa/tecdsa_internal.h"
#include "threshold/ecdsa/tecdsa_wire.h"

#define ECHO_BYTES (TECDSA_N * TECDSA_ID_BYTES)
#define D1_BYTES (32 + TECDSA_ID_BYTES)
#define D2_BC_BYTES (3 * TPT_BYTES + 32 + 3 * TK_POK_BYTES)
#define D2_BYTES (D2_BC_BYTES + TSC_BYTES + TK_ZERO_SEED_BYTES)
#define D3_BYTES (1 + ECHO_BYTES)
#define D4_BYTES (TECDSA_N * TSC_BYTES + ECHO_BYTES)
#define D5_BYTES (ECHO_BYTES + TPT_BYTES + TK_POK_BYTES)
#define D6_BYTES (ECHO_BYTES + TOT_BASE_MSG1_BYTES)
#define D7_BYTES TOT_BASE_MSG2_BYTES

struct tecdsa_dkg {
    const cc_allocator *alloc;
    int self, round, failed, culprit;
    unsigned suspects; /* set when culprit is 0: see tecdsa_dkg_suspects */
    uint8_t cer_id[TECDSA_ID_BYTES], sid[TECDSA_ID_BYTES];
    tsc coef[3];
    tpt C[TECDSA_N + 1][3];
    uint8_t rho[32];
    uint8_t nonce[TECDSA_N + 1][32], commit[TECDSA_N + 1][TECDSA_ID_BYTES];
    tsc share_from[TECDSA_N + 1]; /* f_j(self) */
    uint8_t zero_mine[TECDSA_N + 1][TK_ZERO_SEED_BYTES], zero_theirs[TECDSA_N + 1][TK_ZERO_SEED_BYTES];
    uint8_t bc_hash[TECDSA_N + 1][TECDSA_ID_BYTES]; /* running hash of each sender's broadcasts */
    uint8_t echo_sent[ECHO_BYTES];
    uint8_t complaints[TECDSA_N + 1]; /* bit m set: party complains about dealer m */
    int qual[TECDSA_N + 1];
    tpt F[3]; /* sum of the qualified dealers' commitments */
    tot_base_recv brecv[TECDSA_N + 1];
    tecdsa_keyshare *ks;
};

tecdsa_dkg *tecdsa_dkg_new(int self_id, const uint8_t ceremony_nonce[32])
{
    return tecdsa_dkg_new_alloc(self_id, ceremony_nonce, NULL);
}

tecdsa_dkg *tecdsa_dkg_new_alloc(int self_id, const uint8_t ceremony_nonce[32], const cc_allocator *alloc)
{
    if (self_id < 1 || self_id > TECDSA_N || !ceremony_nonce) return NULL;
    tecdsa_dkg *d = cc_alloc(alloc, sizeof *d);
    if (!d) return NULL;
    d->alloc = alloc;
    d->self = self_id;
    d->ks = tk_new(self_id, alloc);
    if (!d->ks) {
        cc_free(alloc, d, sizeof *d);
        return NULL;
    }
    th_ctx h;
    th_init(&h, "dkg/ceremony");
    th_u32(&h, TECDSA_N);
    th_u32(&h, TECDSA_T);
    th_bytes(&h, ceremony_nonce, 32);
    th_out(&h, d->cer_id, TECDSA_ID_BYTES);
    return d;
}

void tecdsa_dkg_free(tecdsa_dkg *d)
{
    if (!d) return;
    tecdsa_keyshare_free(d->ks);
    cc_free(d->alloc, d, sizeof *d); /* wipes */
}

int tecdsa_dkg_culprit(const tecdsa_dkg *d) { return d ? d->culprit : 0; }

unsigned tecdsa_dkg_suspects(const tecdsa_dkg *d)
{
    if (!d) return 0;
    return d->culprit ? 1u << d->culprit : d->suspects;
}

tecdsa_keyshare *tecdsa_dkg_take_keyshare(tecdsa_dkg *d)
{
    if (!d || d->failed || d->round != 8) return NULL;
    tecdsa_keyshare *ks = d->ks;
    d->ks = NULL;
    return ks;
}

static void bc_absorb(tecdsa_dkg *d, int sender, int round, const uint8_t *p, size_t n)
{
    th_ctx h;
    th_init(&h, "dkg/broadcast-transcript");
    th_bytes(&h, d->bc_hash[sender], TECDSA_ID_BYTES);
    th_u32(&h, (uint32_t)round);
    th_var(&h, p, n);
    th_out(&h, d->bc_hash[sender], TECDSA_ID_BYTES);
}

static void echo_snapshot(tecdsa_dkg *d, uint8_t out[ECHO_BYTES])
{
    for (int m = 1; m <= TECDSA_N; m++) memcpy(out + (m - 1) * TECDSA_ID_BYTES, d->bc_hash[m], TECDSA_ID_BYTES);
    memcpy(d->echo_sent, out, ECHO_BYTES);
}

/* Compare j's echo vector with ours. Slots of j itself and of ourselves carry no information over
 * authenticated channels (a sender cannot be misquoted to itself) and are skipped; every other
 * broadcaster's slot is compared by at least three receivers, so an equivocation to any subset is
 * seen. On a mismatch in m's slot either m equivocated or j misreports what m sent: the pair
 * {m, j} is suspect and nobody is named alone. */
static int echo_check(tecdsa_dkg *d, const uint8_t *echo, int j)
{
    for (int m = 1; m <= TECDSA_N; m++)
        if (m != j && m != d->self &&
            memcmp(echo + (m - 1) * TECDSA_ID_BYTES, d->echo_sent + (m - 1) * TECDSA_ID_BYTES, TECDSA_ID_BYTES)) {
            d->culprit = 0;
            d->suspects = (1u << m) | (1u << j);
            return TECDSA_ERR_ECHO;
        }
    return TECDSA_OK;
}

static void commit_hash(uint8_t out[TECDSA_ID_BYTES], const tecdsa_dkg *d, int party, const tpt C[3],
                        const uint8_t rho[32])
{
    th_ctx h;
    th_init(&h, "dkg/commit");
    th_bytes(&h, d->cer_id, TECDSA_ID_BYTES);
    th_u32(&h, (uint32_t)party);
    for (int k = 0; k < 3; k++) th_bytes(&h, C[k].b, TPT_BYTES);
    th_bytes(&h, rho, 32);
    th_out(&h, out, TECDSA_ID_BYTES);
}

static void baseot_ctx(uint8_t out[TOT_CTX_BYTES], const tecdsa_dkg *d, int alice, int bob)
{
    th_ctx h;
    th_init(&h, "dkg/baseot");
    th_bytes(&h, d->sid, TECDSA_ID_BYTES);
    th_u32(&h, (uint32_t)alice);
    th_u32(&h, (uint32_t)bob);
    th_out(&h, out, TOT_CTX_BYTES);
}

/* expected = sum_k x^k * C[k] (public values). */
static int feldman_eval(tpt *out, const tpt C[3], int x)
{
    tsc e1, e2;
    tpt t1, t2;
    tsc_set_u64(&e1, (uint64_t)x);
    tsc_set_u64(&e2, (uint64_t)(x * x));
    if (tec_lincomb_pub(&t1, NULL, &C[1], &e1) != 0 || tec_lincomb_pub(&t2, NULL, &C[2], &e2) != 0) return -1;
    if (tec_add(out, &C[0], &t1) != 0) return -1;
    return tec_add(out, out, &t2);
}

/* share * G == sum_k x^k C[k]; share may be secret (constant-time comb). */
static int share_ok(const tsc *share, const tpt C[3], int x)
{
    tpt lhs, rhs;
    if (tec_mul_g(&lhs, share) != 0 || feldman_eval(&rhs, C, x) != 0) return 0;
    return tec_eq(&lhs, &rhs);
}

/* f_self(x) = a0 + a1 x + a2 x^2 */
static void poly_eval(tsc *out, const tsc coef[3], int x)
{
    tsc xs, t;
    tsc_set_u64(&xs, (uint64_t)x);
    tsc_mul(&t, &coef[2], &xs);
    tsc_add(&t, &t, &coef[1]);
    tsc_mul(&t, &t, &xs);
    tsc_add(out, &t, &coef[0]);
    tsc_wipe(&t);
}

static int open_from(tecdsa_dkg *d, const tecdsa_msg in[TECDSA_N + 1], int j, uint8_t type, size_t len, tw_reader *r)
{
    const uint8_t *sid = type == TW_DKG1 ? d->cer_id : d->sid;
    int rc = tw_open(&in[j], type, j, d->self, d->cer_id, sid, len, r);
    if (rc != TECDSA_OK && type != TW_DKG1 && tw_only_sid_differs(&in[j], type, j, d->self, d->cer_id, sid, len)) {
        /* j's session id is not ours: j lies, or anyone equivocated its D1 nonce or commitment */
        d->culprit = 0;
        d->suspects = 0x3Eu & ~(1u << d->self);
    } else if (rc != TECDSA_OK) {
        d->culprit = j;
    }
    return rc;
}

static int round1_out(tecdsa_dkg *d, tecdsa_msg out[TECDSA_N + 1])
{
    uint8_t payload[D1_BYTES];
    for (int k = 0; k < 3; k++) {
        if (tsc_random(&d->coef[k]) != 0) return TECDSA_ERR_RNG;
        if (tec_mul_g(&d->C[d->self][k], &d->coef[k]) != 0) return TECDSA_ERR_INTERNAL;
    }
    if (cc_randombytes(d->rho, 32) != 0 || cc_randombytes(d->nonce[d->self], 32) != 0) return TECDSA_ERR_RNG;
    commit_hash(d->commit[d->self], d, d->self, d->C[d->self], d->rho);
    memcpy(payload, d->nonce[d->self], 32);
    memcpy(payload + 32, d->commit[d->self], TECDSA_ID_BYTES);
    bc_absorb(d, d->self, 1, payload, sizeof payload);
    for (int j = 1; j <= TECDSA_N; j++) {
        tw_writer w;
        if (j == d->self) continue;
        if (tw_new(&out[j], TW_DKG1, d->self, j, d->cer_id, d->cer_id, D1_BYTES, &w)) return TECDSA_ERR_INTERNAL;
        tw_put(&w, payload, sizeof payload);
    }
    return TECDSA_OK;
}

static int round2(tecdsa_dkg *d, const tecdsa_msg in[TECDSA_N + 1], tecdsa_msg out[TECDSA_N + 1])
{
    uint8_t bc[D2_BC_BYTES];
    int rc;
    for (int j = 1; j <= TECDSA_N; j++) {
        tw_reader r;
        if (j == d->self) continue;
        if ((rc = open_from(d, in, j, TW_DKG1, D1_BYTES, &r)) != TECDSA_OK) return rc;
        memcpy(d->nonce[j], tw_get(&r, 32), 32);
        memcpy(d->commit[j], tw_get(&r, TECDSA_ID_BYTES), TECDSA_ID_BYTES);
        bc_absorb(d, j, 1, in[j].data + TW_HDR_BYTES, D1_BYTES);
    }
    th_ctx h;
    th_init(&h, "dkg/sid");
    th_bytes(&h, d->cer_id, TECDSA_ID_BYTES);
    for (int m = 1; m <= TECDSA_N; m++) {
        th_bytes(&h, d->nonce[m], 32);
        th_bytes(&h, d->commit[m], TECDSA_ID_BYTES);
    }
    th_out(&h, d->sid, TECDSA_ID_BYTES);

    tw_writer bw = {bc, sizeof bc};
    for (int k = 0; k < 3; k++) tw_put_point(&bw, &d->C[d->self][k]);
    tw_put(&bw, d->rho, 32);
    for (int k = 0; k < 3; k++)
        if ((rc = tk_pok_prove(tw_reserve(&bw, TK_POK_BYTES), &d->coef[k], &d->C[d->self][k], "dkg/coefficient", d->sid,
                               d->self, k)) != TECDSA_OK)
            return rc;
    bc_absorb(d, d->self, 2, bc, sizeof bc);
    poly_eval(&d->share_from[d->self], d->coef, d->self);
    for (int j = 1; j <= TECDSA_N; j++) {
        tw_writer w;
        tsc s;
        if (j == d->self) continue;
        if (cc_randombytes(d->zero_mine[j], TK_ZERO_SEED_BYTES) != 0) return TECDSA_ERR_RNG;
        if (tw_new(&out[j], TW_DKG2, d->self, j, d->cer_id, d->sid, D2_BYTES, &w)) return TECDSA_ERR_INTERNAL;
        tw_put(&w, bc, sizeof bc);
        poly_eval(&s, d->coef, j);
        tw_put_scalar(&w, &s);
        tsc_wipe(&s);
        tw_put(&w, d->zero_mine[j], TK_ZERO_SEED_BYTES);
    }
    return TECDSA_OK;
}

static int round3(tecdsa_dkg *d, const tecdsa_msg in[TECDSA_N + 1], tecdsa_msg out[TECDSA_N + 1])
{
    uint8_t payload[D3_BYTES] = {0};
    int rc;
    for (int j = 1; j <= TECDSA_N; j++) {
        tw_reader r;
        uint8_t expect[TECDSA_ID_BYTES];
        if (j == d->self) continue;
        if ((rc = open_from(d, in, j, TW_DKG2, D2_BYTES, &r)) != TECDSA_OK) return rc;
        d->culprit = j; /* every failure below is attributable to j */
        for (int k = 0; k < 3; k++)
            if ((rc = tw_get_point(&r, &d->C[j][k])) != TECDSA_OK) return rc;
        commit_hash(expect, d, j, d->C[j], tw_get(&r, 32));
        if (cc_memcmp_ct(expect, d->commit[j], TECDSA_ID_BYTES) != 0) return TECDSA_ERR_COMMIT;
        for (int k = 0; k < 3; k++)
            if ((rc = tk_pok_verify(tw_get(&r, TK_POK_BYTES), &d->C[j][k], "dkg/coefficient", d->sid, j, k))) return rc;
        if ((rc = tw_get_scalar(&r, &d->share_from[j])) != TECDSA_OK) return rc;
        memcpy(d->zero_theirs[j], tw_get(&r, TK_ZERO_SEED_BYTES), TK_ZERO_SEED_BYTES);
        d->culprit = 0;
        if (!share_ok(&d->share_from[j], d->C[j], d->self)) payload[0] |= (uint8_t)(1u << j);
        bc_absorb(d, j, 2, in[j].data + TW_HDR_BYTES, D2_BC_BYTES);
    }
    echo_snapshot(d, payload + 1);
    d->complaints[d->self] = payload[0];
    bc_absorb(d, d->self, 3, payload, sizeof payload);
    for (int j = 1; j <= TECDSA_N; j++) {
        tw_writer w;
        if (j == d->self) continue;
        if (tw_new(&out[j], TW_DKG3, d->self, j, d->cer_id, d->sid, D3_BYTES, &w)) return TECDSA_ERR_INTERNAL;
        tw_put(&w, payload, sizeof payload);
    }
    return TECDSA_OK;
}

static int round4(tecdsa_dkg *d, const tecdsa_msg in[TECDSA_N + 1], tecdsa_msg out[TECDSA_N + 1])
{
    uint8_t bc[D4_BYTES] = {0};
    int rc;
    for (int j = 1; j <= TECDSA_N; j++) {
        tw_reader r;
        if (j == d->self) continue;
        if ((rc = open_from(d, in, j, TW_DKG3, D3_BYTES, &r)) != TECDSA_OK) return rc;
        const uint8_t *p = tw_get(&r, D3_BYTES);
        d->culprit = j;
        if (p[0] & (uint8_t)(1u | (1u << j) | ~0x3Eu)) return TECDSA_ERR_FORMAT; /* ids 1..5, not itself */
        if ((rc = echo_check(d, p + 1, j)) != TECDSA_OK) return rc;
        d->culprit = 0;
        d->complaints[j] = p[0];
        bc_absorb(d, j, 3, p, D3_BYTES);
    }
    /* reveal f_self(k) for every k that complained about us */
    for (int k = 1; k <= TECDSA_N; k++)
        if (k != d->self && (d->complaints[k] >> d->self) & 1) {
            tsc s;
            poly_eval(&s, d->coef, k);
            tsc_to_bytes(bc + (k - 1) * TSC_BYTES, &s);
            tsc_wipe(&s);
        }
    echo_snapshot(d, bc + TECDSA_N * TSC_BYTES);
    bc_absorb(d, d->self, 4, bc, sizeof bc);
    for (int j = 1; j <= TECDSA_N; j++) {
        tw_writer w;
        if (j == d->self) continue;
        if (tw_new(&out[j], TW_DKG4, d->self, j, d->cer_id, d->sid, D4_BYTES, &w)) return TECDSA_ERR_INTERNAL;
        tw_put(&w, bc, sizeof bc);
    }
    return TECDSA_OK;
}

/* Check dealer j's reveals; returns 1 if j stays qualified. Replaces our share on a valid reveal. */
static int check_reveals(tecdsa_dkg *d, int j, const uint8_t *reveals)
{
    static const uint8_t zero[TSC_BYTES];
    int ok = 1;
    for (int k = 1; k <= TECDSA_N; k++) {
        const uint8_t *slot = reveals + (k - 1) * TSC_BYTES;
        int complained = k != j && ((d->complaints[k] >> j) & 1);
        if (!complained) {
            if (memcmp(slot, zero, TSC_BYTES) != 0) ok = 0; /* malformed: treat as misbehaviour */
            continue;
        }
        tsc s;
        if (tsc_from_bytes(&s, slot) != 0 || !share_ok(&s, d->C[j], k)) {
            ok = 0;
        } else if (k == d->self) {
            d->share_from[j] = s;
        }
        tsc_wipe(&s);
    }
    return ok;
}

/* QUAL from the reveals, then x_i = sum of qualified shares and F = sum of qualified commitments. */
static int settle_qual(tecdsa_dkg *d, int first_bad)
{
    int nqual = 0;
    tsc x;
    tsc_zero(&x);
    for (int m = 1; m <= TECDSA_N; m++) {
        if (!d->qual[m]) {
            d->ks->disqualified |= 1u << m;
            continue;
        }
        for (int k = 0; k < 3; k++)
            if (nqual == 0)
                d->F[k] = d->C[m][k];
            else if (tec_add(&d->F[k], &d->F[k], &d->C[m][k]) != 0)
                return TECDSA_ERR_SHARE; /* a sum at infinity: the key would be degenerate */
        tsc_add(&x, &x, &d->share_from[m]);
        nqual++;
    }
    if (nqual < TECDSA_T) {
        d->culprit = first_bad;
        tsc_wipe(&x);
        return TECDSA_ERR_QUAL;
    }
    d->ks->x = x;
    d->ks->pk = d->F[0];
    tsc_wipe(&x);
    return TECDSA_OK;
}

static int round5(tecdsa_dkg *d, const tecdsa_msg in[TECDSA_N + 1], tecdsa_msg out[TECDSA_N + 1])
{
    uint8_t bc[D5_BYTES];
    int rc, first_bad = 0;
    d->qual[d->self] = 1;
    for (int j = 1; j <= TECDSA_N; j++) {
        tw_reader r;
        if (j == d->self) continue;
        if ((rc = open_from(d, in, j, TW_DKG4, D4_BYTES, &r)) != TECDSA_OK) return rc;
        const uint8_t *reveals = tw_get(&r, TECDSA_N * TSC_BYTES);
        d->culprit = j;
        if ((rc = echo_check(d, tw_get(&r, ECHO_BYTES), j)) != TECDSA_OK) return rc;
        d->culprit = 0;
        d->qual[j] = check_reveals(d, j, reveals);
        if (!d->qual[j] && !first_bad) first_bad = j;
        bc_absorb(d, j, 4, in[j].data + TW_HDR_BYTES, D4_BYTES);
    }
    if ((rc = settle_qual(d, first_bad)) != TECDSA_OK) return rc;
    if (tec_mul_g(&d->ks->pub_share[d->self], &d->ks->x) != 0) return TECDSA_ERR_INTERNAL;
    tw_writer bw = {bc, sizeof bc};
    echo_snapshot(d, tw_reserve(&bw, ECHO_BYTES));
    tw_put_point(&bw, &d->ks->pub_share[d->self]);
    if ((rc = tk_pok_prove(tw_reserve(&bw, TK_POK_BYTES), &d->ks->x, &d->ks->pub_share[d->self], "dkg/share", d->sid,
                           d->self, 0)) != TECDSA_OK)
        return rc;
    bc_absorb(d, d->self, 5, bc, sizeof bc);
    for (int j = 1; j <= TECDSA_N; j++) {
        tw_writer w;
        if (j == d->self) continue;
        if (tw_new(&out[j], TW_DKG5, d->self, j, d->cer_id, d->sid, D5_BYTES, &w)) return TECDSA_ERR_INTERNAL;
        tw_put(&w, bc, sizeof bc);
    }
    return TECDSA_OK;
}

static int round6(tecdsa_dkg *d, const tecdsa_msg in[TECDSA_N + 1], tecdsa_msg out[TECDSA_N + 1])
{
    tecdsa_keyshare *ks = d->ks;
    uint8_t echo[ECHO_BYTES];
    tpt expect;
    int rc;
    for (int j = 1; j <= TECDSA_N; j++) {
        tw_reader r;
        if (j == d->self) continue;
        if ((rc = open_from(d, in, j, TW_DKG5, D5_BYTES, &r)) != TECDSA_OK) return rc;
        d->culprit = j;
        if ((rc = echo_check(d, tw_get(&r, ECHO_BYTES), j)) != TECDSA_OK) return rc;
        if ((rc = tw_get_point(&r, &ks->pub_share[j])) != TECDSA_OK) return rc;
        if ((rc = tk_pok_verify(tw_get(&r, TK_POK_BYTES), &ks->pub_share[j], "dkg/share", d->sid, j, 0))) return rc;
        if (feldman_eval(&expect, d->F, j) != 0 || !tec_eq(&expect, &ks->pub_share[j])) return TECDSA_ERR_SHARE;
        d->culprit = 0;
    }
    if (feldman_eval(&expect, d->F, d->self) != 0 || !tec_eq(&expect, &ks->pub_share[d->self]))
        return TECDSA_ERR_SHARE; /* our own share disagrees with the commitments */
    for (int j = 1; j <= TECDSA_N; j++)
        if (j != d->self) bc_absorb(d, j, 5, in[j].data + TW_HDR_BYTES, D5_BYTES);
    echo_snapshot(d, echo);
    for (int j = 1; j <= TECDSA_N; j++) {
        tw_writer w;
        uint8_t ctx[TOT_CTX_BYTES];
        if (j == d->self) continue;
        if (tw_new(&out[j], TW_DKG6, d->self, j, d->cer_id, d->sid, D6_BYTES, &w)) return TECDSA_ERR_INTERNAL;
        tw_put(&w, echo, sizeof echo);
        baseot_ctx(ctx, d, d->self, j);
        if ((rc = tot_base_recv_msg1(&d->brecv[j], ctx, tw_reserve(&w, TOT_BASE_MSG1_BYTES))) != TECDSA_OK) return rc;
    }
    return TECDSA_OK;
}

static int round7(tecdsa_dkg *d, const tecdsa_msg in[TECDSA_N + 1], tecdsa_msg out[TECDSA_N + 1])
{
    int rc;
    /* the last echo (of D5) first, then the base-OT sender work */
    for (int j = 1; j <= TECDSA_N; j++) {
        tw_reader r;
        if (j == d->self) continue;
        if ((rc = open_from(d, in, j, TW_DKG6, D6_BYTES, &r)) != TECDSA_OK) return rc;
        d->culprit = j;
        if ((rc = echo_check(d, tw_get(&r, ECHO_BYTES), j)) != TECDSA_OK) return rc;
        d->culprit = 0;
    }
    for (int j = 1; j <= TECDSA_N; j++) {
        tw_writer w;
        uint8_t ctx[TOT_CTX_BYTES];
        if (j == d->self) continue;
        if (tw_new(&out[j], TW_DKG7, d->self, j, d->cer_id, d->sid, D7_BYTES, &w)) return TECDSA_ERR_INTERNAL;
        baseot_ctx(ctx, d, j, d->self);
        const uint8_t *msg1 = in[j].data + TW_HDR_BYTES + ECHO_BYTES;
        if ((rc = tot_base_send(ctx, msg1, tw_reserve(&w, TOT_BASE_MSG2_BYTES), d->ks->bob[j].seed)) != TECDSA_OK) {
            d->culprit = j;
            return rc;
        }
    }
    return TECDSA_OK;
}

static void zero_seed(tecdsa_dkg *d, int j)
{
    int lo = d->self < j ? d->self : j;
    const uint8_t *from_lo = d->self < j ? d->zero_mine[j] : d->zero_theirs[j];
    const uint8_t *from_hi = d->self < j ? d->zero_theirs[j] : d->zero_mine[j];
    th_ctx h;
    th_init(&h, "dkg/zero-seed");
    th_bytes(&h, d->sid, TECDSA_ID_BYTES);
    th_u32(&h, (uint32_t)lo);
    th_u32(&h, (uint32_t)(lo == d->self ? j : d->self));
    th_bytes(&h, from_lo, TK_ZERO_SEED_BYTES);
    th_bytes(&h, from_hi, TK_ZERO_SEED_BYTES);
    th_out(&h, d->ks->zero_seed[j], TK_ZERO_SEED_BYTES);
}

static int finish(tecdsa_dkg *d, const tecdsa_msg in[TECDSA_N + 1])
{
    tecdsa_keyshare *ks = d->ks;
    int rc;
    for (int j = 1; j <= TECDSA_N; j++) {
        tw_reader r;
        uint8_t ctx[TOT_CTX_BYTES];
        if (j == d->self) continue;
        if ((rc = open_from(d, in, j, TW_DKG7, D7_BYTES, &r)) != TECDSA_OK) return rc;
        d->culprit = j;
        baseot_ctx(ctx, d, d->self, j);
        if ((rc = tot_base_recv_finish(&d->brecv[j], ctx, tw_get(&r, TOT_BASE_MSG2_BYTES), ks->alice[j].delta,
                                       ks->alice[j].seed)) != TECDSA_OK)
            return rc;
        zero_seed(d, j);
        d->culprit = 0;
    }
    memcpy(ks->sid_dkg, d->sid, TECDSA_ID_BYTES);
    th_ctx h;
    th_init(&h, "dkg/key-id");
    th_bytes(&h, d->sid, TECDSA_ID_BYTES);
    th_bytes(&h, ks->pk.b, TPT_BYTES);
    th_out(&h, ks->key_id, TECDSA_ID_BYTES);
    return TECDSA_DONE;
}

int tecdsa_dkg_step(tecdsa_dkg *d, const tecdsa_msg in[TECDSA_N + 1], tecdsa_msg out[TECDSA_N + 1])
{
    int rc;
    if (!d || !out || (d->round > 0 && !in)) return TECDSA_ERR_ARG;
    if (d->failed || d->round > 7) return TECDSA_ERR_STATE;
    for (int j = 0; j <= TECDSA_N; j++) out[j] = (tecdsa_msg){NULL, 0};
    switch (d->round) {
    case 0: rc = round1_out(d, out); break;
    case 1: rc = round2(d, in, out); break;
    case 2: rc = round3(d, in, out); break;
    case 3: rc = round4(d, in, out); break;
    case 4: rc = round5(d, in, out); break;
    case 5: rc = round6(d, in, out); break;
    case 6: rc = round7(d, in, out); break;
    default: rc = finish(d, in); break;
    }
    if (rc < 0) {
        d->failed = 1;
        tecdsa_msgs_free(out);
        /* wipe every secret the failed ceremony holds, keep only the culprit */
        int culprit = d->culprit, self = d->self;
        unsigned suspects = d->suspects;
        tecdsa_keyshare_free(d->ks);
        cc_memzero(d, sizeof *d);
        d->failed = 1;
        d->culprit = culprit;
        d->suspects = suspects;
        d->self = self;
        return rc;
    }
    d->round++;
    if (rc == TECDSA_DONE) {
        for (int k = 0; k < 3; k++) tsc_wipe(&d->coef[k]);
        cc_memzero(d->share_from, sizeof d->share_from);
        cc_memzero(d->zero_mine, sizeof d->zero_mine);
        cc_memzero(d->zero_theirs, sizeof d->zero_theirs);
    }
    return rc;
}

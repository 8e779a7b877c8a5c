/* tmldsa_combine.c: public combination of the round-3 responses into a standard FIPS 204
 * signature (notes section 3.2), with the public blame check of section 5.4.
 * For a slot accepted by all three signers:
 *   blame:  e_j = A z_j - c t_(j) - w_j must satisfy ||z_j/nu||^2 + ||e_j||^2 <= (r + slack)^2,
 *           where t_(j) = sum of the public t_I assigned to signer j (a garbage z_j fails this);
 *   z = sum z_j, ||z||inf < gamma1 - beta;  rr = A z - c t1 2^d (public key only);
 *   f = w - rr, ||f||inf < gamma2;  h = [HighBits(rr) != HighBits(w)], weight <= omega.
 * FIPS 204's hint lemma then gives UseHint(h, rr) = HighBits(w), so the verifier recomputes c~.
 * Every signature is checked with cc_mldsa65_verify before release (fail closed). */
#include <stdlib.h>
#include <string.h>

#include "crypto/ct.h"
#include "crypto/mldsa.h"
#include "threshold/mldsa/tmldsa_internal.h"

typedef struct {
    const uint8_t *bitmap;
    const uint8_t *z[TMLDSA_K_MAX]; /* packed response per slot, NULL if rejected */
} r3_view;

static int64_t z_norm2(const mldsa_polyvecl *z)
{
    int64_t n = 0;
    for (unsigned i = 0; i < MLDSA_L; i++)
        for (unsigned j = 0; j < MLDSA_N; j++) n += (int64_t)z->v[i].c[j] * z->v[i].c[j];
    return n;
}

static void unpack_z(mldsa_polyvecl *z, const uint8_t *packed)
{
    tmldsa_unpack23(&z->v[0].c[0], packed, MLDSA_L * MLDSA_N);
    for (unsigned i = 0; i < MLDSA_L; i++)
        for (unsigned j = 0; j < MLDSA_N; j++) z->v[i].c[j] -= TMLDSA_Z_OFFSET;
}

/* Parse one round-3 message: exact length for its bitmap, each response within the norm bound. */
static int parse_r3(tmldsa_sign *st, unsigned j, const tmldsa_msg *m, r3_view *v, tmldsa_error *err)
{
    const unsigned who = st->ids[j];
    const size_t bitmap_len = (st->K + 7) / 8;
    const double bound = (TMLDSA_R + TMLDSA_Z_SLACK) * TMLDSA_NU;
    tmldsa_hdr h;
    const uint8_t *pl;
    size_t len;
    int rc;
    tmldsa_sign_hdr(st, &h, TMLDSA_MSG_SIGN3, who);
    if (j == st->me && m && m->data) {
        /* our own response: a change is a transport fault, not something to blame ourselves for */
        uint8_t d[TMLDSA_HASHBYTES];
        cc_shake256(d, sizeof d, m->data, m->len);
        if (memcmp(d, st->r3_own, sizeof d) != 0)
            return tmldsa_sign_fail(
                st, err, TMLDSA_E_INCONSISTENT, 0,
                "combine: our own round-3 message came back altered (transport fault, nobody blamed)");
    }
    if ((rc = tmldsa_msg_parse(m, &h, SIZE_MAX, &pl, &len, err))) return tmldsa_sign_fail(st, err, rc, who, NULL);
    if (len < bitmap_len)
        return tmldsa_sign_fail(st, err, TMLDSA_E_FORMAT, who,
                                "combine: round-3 message from party %u is shorter than its bitmap", who);
    if (st->K % 8 && (pl[bitmap_len - 1] >> (st->K % 8)))
        return tmldsa_sign_fail(st, err, TMLDSA_E_FORMAT, who,
                                "combine: round-3 bitmap from party %u has bits set beyond K", who);
    unsigned n = 0;
    for (unsigned k = 0; k < st->K; k++) n += pl[k / 8] >> (k % 8) & 1;
    if (len != bitmap_len + (size_t)n * TMLDSA_VECL_PACKED)
        return tmldsa_sign_fail(st, err, TMLDSA_E_FORMAT, who,
                                "combine: round-3 message from party %u has %zu bytes for %u responses", who, len, n);
    v->bitmap = pl;
    const uint8_t *zp = pl + bitmap_len;
    for (unsigned k = 0; k < st->K; k++) {
        v->z[k] = NULL;
        if (!(pl[k / 8] >> (k % 8) & 1)) continue;
        mldsa_polyvecl z;
        unpack_z(&z, zp);
        if ((double)z_norm2(&z) > bound * bound)
            return tmldsa_sign_fail(st, err, TMLDSA_E_RANGE, who,
                                    "combine: response of party %u in slot %u exceeds the norm bound", who, k);
        v->z[k] = zp;
        zp += TMLDSA_VECL_PACKED;
    }
    return TMLDSA_OK;
}

/* NTT-domain c * v for each of the k polynomials, back to plain, reduced to (-q, q). */
static void mul_c_veck(mldsa_polyveck *out, const mldsa_poly *chat, const mldsa_polyveck *vhat)
{
    for (unsigned i = 0; i < MLDSA_K; i++) mldsa_poly_pointwise_montgomery(&out->v[i], chat, &vhat->v[i]);
    mldsa_polyveck_invntt_tomont(out);
}

/* Plain A z (reduced to (-q, q)). */
static void mul_A(const tmldsa_sign *st, mldsa_polyveck *out, const mldsa_polyvecl *z)
{
    mldsa_polyvecl zh = *z;
    mldsa_polyvecl_ntt(&zh);
    mldsa_matrix_mul(out, &st->A, &zh);
    mldsa_polyveck_invntt_tomont(out);
}

typedef struct {
    mldsa_polyveck t_part_hat[TMLDSA_THRESHOLD]; /* NTT of t_(j) */
    mldsa_polyveck t1d_hat;                      /* NTT of t1 * 2^d */
} combine_keys;

struct tmldsa_combine_buf {
    r3_view v[TMLDSA_THRESHOLD];
    combine_keys ck;
};

struct tmldsa_combine_buf *tmldsa_combine_buf_new(void) { return malloc(sizeof(struct tmldsa_combine_buf)); }

void tmldsa_combine_buf_free(struct tmldsa_combine_buf *b)
{
    if (b) cc_memzero(b, sizeof *b);
    free(b);
}

static void prepare_keys(const tmldsa_sign *st, combine_keys *ck)
{
    const tmldsa_share *sh = st->share;
    uint8_t rho[MLDSA_SEEDBYTES];
    for (unsigned j = 0; j < TMLDSA_THRESHOLD; j++) {
        mldsa_polyveck *t = &ck->t_part_hat[j];
        memset(t, 0, sizeof *t);
        for (unsigned idx = 0; idx < TMLDSA_SUBSETS; idx++) {
            if (st->owner[idx] != st->ids[j]) continue;
            mldsa_polyveck_add(t, t, &sh->t_sub[idx]);
            mldsa_polyveck_reduce(t);
        }
        mldsa_polyveck_ntt(t);
    }
    mldsa_unpack_pk(rho, &ck->t1d_hat, sh->pk);
    for (unsigned i = 0; i < MLDSA_K; i++) mldsa_poly_shiftl(&ck->t1d_hat.v[i]);
    mldsa_polyveck_ntt(&ck->t1d_hat);
}

static int64_t veck_centred_norm2(const mldsa_polyveck *v)
{
    int64_t n = 0;
    for (unsigned i = 0; i < MLDSA_K; i++)
        for (unsigned j = 0; j < MLDSA_N; j++) {
            int64_t c = tmldsa_center(mldsa_freeze(v->v[i].c[j]));
            n += c * c;
        }
    return n;
}

/* Blame check of signer j in slot k; 0 if the response is consistent with its commitment. */
static int blame_ok(const tmldsa_sign *st, const combine_keys *ck, unsigned j, unsigned k, const mldsa_poly *chat,
                    const mldsa_polyvecl *zj, mldsa_polyveck *Azj)
{
    mldsa_polyveck ct, wj, e;
    const size_t wlen = (size_t)st->K * TMLDSA_VECK_PACKED;
    mul_A(st, Azj, zj);
    mul_c_veck(&ct, chat, &ck->t_part_hat[j]);
    tmldsa_unpack_veck(&wj, st->w_all + j * wlen + (size_t)k * TMLDSA_VECK_PACKED);
    mldsa_polyveck_sub(&e, Azj, &ct);
    mldsa_polyveck_sub(&e, &e, &wj);
    mldsa_polyveck_reduce(&e);
    /* ||z/nu||^2 + ||e||^2 <= (r + slack)^2, scaled by nu^2 to stay in integers */
    const double bound = (TMLDSA_R + TMLDSA_BLAME_SLACK) * TMLDSA_NU;
    double lhs = (double)z_norm2(zj) + (double)(TMLDSA_NU * TMLDSA_NU) * (double)veck_centred_norm2(&e);
    return lhs <= bound * bound;
}

/* Try slot k (all three accepted). Returns 1 with sig filled, 0 if the slot fails the public
 * checks, or a negative error (blame / verification failure). */
static int try_slot(tmldsa_sign *st, const combine_keys *ck, const r3_view v[TMLDSA_THRESHOLD], unsigned k,
                    uint8_t sig[TMLDSA_SIGBYTES], tmldsa_attempt_stats *stats, tmldsa_error *err)
{
    mldsa_poly c, chat;
    mldsa_polyvecl z, zj;
    mldsa_polyveck Az, Azj, ct1, rr, r1, r0, w1, w0, h;
    mldsa_sample_in_ball(&c, st->ctilde[k]);
    chat = c;
    mldsa_poly_ntt(&chat);
    memset(&z, 0, sizeof z);
    memset(&Az, 0, sizeof Az);
    for (unsigned j = 0; j < TMLDSA_THRESHOLD; j++) {
        unpack_z(&zj, v[j].z[k]);
        if (!blame_ok(st, ck, j, k, &chat, &zj, &Azj))
            return tmldsa_sign_fail(
                st, err, TMLDSA_E_RESPONSE, st->ids[j],
                "combine: response of party %u in slot %u is not consistent with its commitment and t_I", st->ids[j],
                k);
        mldsa_polyvecl_add(&z, &z, &zj);
        mldsa_polyveck_add(&Az, &Az, &Azj);
        mldsa_polyveck_reduce(&Az);
    }
    for (unsigned i = 0; i < MLDSA_L; i++)
        for (unsigned j = 0; j < MLDSA_N; j++)
            if (z.v[i].c[j] >= MLDSA_GAMMA1 - MLDSA_BETA || z.v[i].c[j] <= -(MLDSA_GAMMA1 - MLDSA_BETA)) {
                stats->fail_z++; /* public: z is about to be published or discarded */
                return 0;
            }
    mul_c_veck(&ct1, &chat, &ck->t1d_hat);
    mldsa_polyveck_sub(&rr, &Az, &ct1);
    mldsa_polyveck_reduce(&rr);
    mldsa_polyveck_caddq(&rr);
    const mldsa_polyveck *w = &st->w_sum[k];
    for (unsigned i = 0; i < MLDSA_K; i++)
        for (unsigned j = 0; j < MLDSA_N; j++) {
            int32_t f = tmldsa_center(mldsa_freeze(w->v[i].c[j] - rr.v[i].c[j]));
            if (f >= MLDSA_GAMMA2 || f <= -MLDSA_GAMMA2) {
                stats->fail_f++;
                return 0;
            }
        }
    mldsa_polyveck_decompose(&r1, &r0, &rr);
    mldsa_polyveck_decompose(&w1, &w0, w);
    unsigned weight = 0;
    for (unsigned i = 0; i < MLDSA_K; i++)
        for (unsigned j = 0; j < MLDSA_N; j++) {
            h.v[i].c[j] = r1.v[i].c[j] != w1.v[i].c[j];
            weight += (unsigned)h.v[i].c[j];
        }
    stats->hint_slots++;
    stats->hint_weight_sum += weight;
    if (weight > MLDSA_OMEGA) {
        stats->fail_hint++;
        return 0;
    }
    mldsa_pack_sig(sig, st->ctilde[k], &z, &h);
    if (cc_mldsa65_verify(sig, TMLDSA_SIGBYTES, st->msg, st->msglen, st->ctx, st->ctxlen, st->share->pk) != 0) {
        memset(sig, 0, TMLDSA_SIGBYTES);
        return tmldsa_sign_fail(st, err, TMLDSA_E_VERIFY, 0,
                                "combine: candidate signature of slot %u rejected by the FIPS 204 verifier", k);
    }
    return 1;
}

int tmldsa_sign_combine(tmldsa_sign *st, const tmldsa_msg in[TMLDSA_THRESHOLD], uint8_t sig[TMLDSA_SIGBYTES],
                        tmldsa_attempt_stats *stats_out, tmldsa_error *err)
{
    if (!st) return tmldsa_set_error(err, TMLDSA_E_ARG, 0, "NULL signing state");
    if (st->phase != TMLDSA_PH_R3)
        return tmldsa_set_error(err, TMLDSA_E_STATE, 0, "combine: only allowed after round 3 of an attempt");
    if (!in || !sig) return tmldsa_set_error(err, TMLDSA_E_ARG, 0, "combine: NULL argument");
    uint64_t t0 = tmldsa_now_ns();
    tmldsa_attempt_stats stats;
    memset(&stats, 0, sizeof stats);
    stats.slots = st->K;
    stats.slot_used = -1;
    memset(sig, 0, TMLDSA_SIGBYTES);
    r3_view *v = st->combine_buf->v; /* the state's, allocated once: no allocation per attempt */
    combine_keys *ck = &st->combine_buf->ck;
    int rc = TMLDSA_OK;
    for (unsigned j = 0; j < TMLDSA_THRESHOLD; j++)
        if ((rc = parse_r3(st, j, &in[j], &v[j], err))) goto done;
    prepare_keys(st, ck);
    for (unsigned j = 0; j < TMLDSA_THRESHOLD; j++)
        for (unsigned k = 0; k < st->K; k++) stats.accepted[j] += v[j].z[k] != NULL;
    rc = TMLDSA_E_RETRY;
    for (unsigned k = 0; k < st->K; k++) {
        if (!v[0].z[k] || !v[1].z[k] || !v[2].z[k]) continue;
        stats.all_accepted++;
        int r = try_slot(st, ck, v, k, sig, &stats, err);
        if (r < 0) {
            rc = r;
            goto done;
        }
        if (r == 1) {
            stats.slot_used = (int)k;
            st->phase = TMLDSA_PH_DONE;
            rc = TMLDSA_OK;
            break;
        }
    }
    if (rc == TMLDSA_E_RETRY)
        tmldsa_set_error(err, TMLDSA_E_RETRY, 0,
                         "combine: attempt %u produced no signature (%u of %u slots accepted by all)", st->attempt,
                         stats.all_accepted, st->K);
done:
    /* count all-accepted slots after the one used too, so statistics are not biased */
    if (rc == TMLDSA_OK)
        for (unsigned k = (unsigned)stats.slot_used + 1; k < st->K; k++)
            stats.all_accepted += v[0].z[k] && v[1].z[k] && v[2].z[k];
    st->prof.combine_ns += tmldsa_now_ns() - t0;
    if (stats_out) *stats_out = stats;
    return rc;
}

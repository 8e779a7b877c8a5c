/* cluster_schemes.c: the cl_proto adapters of threshold ML-DSA and threshold ECDSA. */
#include "node/cluster_schemes.h"

#include <stdlib.h>
#include <string.h>

int cl_set_ids(unsigned mask, unsigned ids[CL_T])
{
    unsigned k = 0;
    if (mask & ~0x1fu) return 0;
    for (unsigned p = 1; p <= CL_N; p++)
        if (mask & (1u << (p - 1))) {
            if (k == CL_T) return 0;
            ids[k++] = p;
        }
    return k == CL_T;
}

static int ml_err(cl_err *e, int code, const tmldsa_error *te)
{
    cl_err_set(e, code, te->culprit, te->suspects, "%s", te->reason[0] ? te->reason : tmldsa_strerror(code));
    return code;
}

/* Take over a produced tmldsa message as a malloc'd buffer. */
static void take_ml(uint8_t **dst, size_t *len, tmldsa_msg *m)
{
    *dst = m->data, *len = m->len;
    m->data = NULL, m->len = 0;
}

static void in_ml(tmldsa_msg out[CL_N], const uint8_t *const *p, const size_t *len)
{
    for (unsigned q = 1; q <= CL_N; q++) out[q - 1] = (tmldsa_msg){(uint8_t *)(uintptr_t)p[q], len[q]};
}

/* ---- ML-DSA key generation: round1..round4, finish ---- */
static int ml_dkg_step(void *vst, unsigned round, const cl_in *in, cl_out *out, cl_err *e)
{
    cl_ml_dkg *st = vst;
    tmldsa_msg bc = {0}, priv[TMLDSA_PARTIES] = {{0}}, ib[TMLDSA_PARTIES], ip[TMLDSA_PARTIES];
    tmldsa_error te = {0};
    int r;
    in_ml(ib, in->bc, in->bc_len);
    in_ml(ip, in->p2p, in->p2p_len);
    switch (round) {
    case 1: r = tmldsa_dkg_round1(st->d, &bc, &te); break;
    case 2: r = tmldsa_dkg_round2(st->d, ib, &bc, priv, &te); break;
    case 3: r = tmldsa_dkg_round3(st->d, ib, ip, &bc, &te); break;
    case 4: r = tmldsa_dkg_round4(st->d, ib, &bc, &te); break;
    case 5:
        r = tmldsa_dkg_finish(st->d, ib, &st->share, &te);
        if (r) return ml_err(e, r, &te);
        return CL_STEP_DONE;
    default: return cl_err_set(e, CL_E_LOCAL, 0, 0, "ml dkg: no round %u", round), CL_E_LOCAL;
    }
    if (r) {
        tmldsa_msg_free(&bc);
        for (int q = 0; q < TMLDSA_PARTIES; q++) tmldsa_msg_free(&priv[q]);
        return ml_err(e, r, &te);
    }
    take_ml(&out->bc, &out->bc_len, &bc);
    for (unsigned q = 1; q <= CL_N; q++) take_ml(&out->p2p[q], &out->p2p_len[q], &priv[q - 1]);
    return CL_STEP_MORE;
}
const cl_proto cl_proto_ml_dkg = {"ml-dsa dkg", CL_KIND_ML_DKG, ml_dkg_step, NULL};

/* ---- ECDSA: the steps of key generation and presigning are point-to-point ---- */
static void in_ec(tecdsa_msg m[TECDSA_N + 1], const cl_in *in)
{
    m[0] = (tecdsa_msg){NULL, 0};
    for (unsigned q = 1; q <= CL_N; q++) m[q] = (tecdsa_msg){(uint8_t *)(uintptr_t)in->p2p[q], in->p2p_len[q]};
}

static void out_ec(cl_out *out, tecdsa_msg m[TECDSA_N + 1])
{
    for (unsigned q = 1; q <= CL_N; q++) {
        out->p2p[q] = m[q].data, out->p2p_len[q] = m[q].len;
        m[q] = (tecdsa_msg){NULL, 0};
    }
    tecdsa_msg_free(&m[0]);
}

static int ec_err(cl_err *e, int code, int culprit, unsigned suspects_bits)
{
    /* tecdsa suspect bits: bit m for party m; ours: bit m-1 */
    cl_err_set(e, code, culprit > 0 ? (unsigned)culprit : 0, (suspects_bits >> 1) & 0x1fu, "%s", tecdsa_strerror(code));
    return code;
}

static int ec_dkg_step(void *vst, unsigned round, const cl_in *in, cl_out *out, cl_err *e)
{
    cl_ec_dkg *st = vst;
    tecdsa_msg im[TECDSA_N + 1], om[TECDSA_N + 1] = {{0}};
    in_ec(im, in);
    int r = tecdsa_dkg_step(st->d, im, om);
    if (r < 0) {
        tecdsa_msgs_free(om);
        return ec_err(e, r, tecdsa_dkg_culprit(st->d), tecdsa_dkg_suspects(st->d));
    }
    out_ec(out, om);
    if (r == TECDSA_DONE) {
        if (!(st->share = tecdsa_dkg_take_keyshare(st->d)))
            return cl_err_set(e, CL_E_LOCAL, 0, 0, "ec dkg: no key share"), CL_E_LOCAL;
        return CL_STEP_DONE;
    }
    if (round >= 8) return cl_err_set(e, CL_E_LOCAL, 0, 0, "ec dkg: not done after 8 steps"), CL_E_LOCAL;
    return CL_STEP_MORE;
}
const cl_proto cl_proto_ec_dkg = {"ecdsa dkg", CL_KIND_EC_DKG, ec_dkg_step, NULL};

static int ec_presign_step(void *vst, unsigned round, const cl_in *in, cl_out *out, cl_err *e)
{
    cl_ec_presign *st = vst;
    tecdsa_msg im[TECDSA_N + 1], om[TECDSA_N + 1] = {{0}};
    in_ec(im, in);
    int r = tecdsa_presign_step(st->p, im, om);
    if (r < 0) {
        tecdsa_msgs_free(om);
        return ec_err(e, r, tecdsa_presign_culprit(st->p), tecdsa_presign_suspects(st->p));
    }
    out_ec(out, om);
    if (r == TECDSA_DONE) {
        if (!(st->ps = tecdsa_presign_take(st->p)))
            return cl_err_set(e, CL_E_LOCAL, 0, 0, "presign: no presignature"), CL_E_LOCAL;
        return CL_STEP_DONE;
    }
    if (round >= 4) return cl_err_set(e, CL_E_LOCAL, 0, 0, "presign: not done after 4 steps"), CL_E_LOCAL;
    return CL_STEP_MORE;
}
const cl_proto cl_proto_ec_presign = {"ecdsa presign", CL_KIND_EC_PRESIGN, ec_presign_step, NULL};

/* Signing: every signer makes its share (after its policy), the coordinator combines. */
static int ec_sign_step(void *vst, unsigned round, const cl_in *in, cl_out *out, cl_err *e)
{
    cl_ec_sign *st = vst;
    if (round == 1) {
        tecdsa_msg share = {0};
        int r = tecdsa_sign_share(st->ps, st->tbs, st->tbs_len, st->policy, st->policy_arg, (int)st->coord, &share);
        if (r != TECDSA_OK) return ec_err(e, r, 0, 0);
        if (st->self != st->coord) {
            out->p2p[st->coord] = share.data, out->p2p_len[st->coord] = share.len;
            return CL_STEP_DONE;
        }
        st->own = share;
        return CL_STEP_MORE;
    }
    tecdsa_msg shares[CL_T];
    unsigned k = 0;
    uint8_t digest[TECDSA_DIGEST_BYTES];
    shares[k++] = st->own;
    for (unsigned q = 1; q <= CL_N && k < CL_T; q++)
        if (q != st->self && in->p2p[q]) shares[k++] = (tecdsa_msg){(uint8_t *)(uintptr_t)in->p2p[q], in->p2p_len[q]};
    if (k != CL_T) return cl_err_set(e, CL_E_LOCAL, 0, 0, "ec sign: %u shares", k), CL_E_LOCAL;
    int culprit = 0;
    st->der_len = sizeof st->der;
    int r = tecdsa_tbs_digest(st->tbs, st->tbs_len, digest);
    if (r == TECDSA_OK)
        r = tecdsa_combine(st->key_id, st->pub, digest, (int)st->coord, shares, st->der, &st->der_len, &culprit);
    if (r != TECDSA_OK) return ec_err(e, r, culprit, culprit > 0 ? 1u << culprit : 0);
    return CL_STEP_DONE;
}

static unsigned ec_sign_expect(void *vst, unsigned round)
{
    cl_ec_sign *st = vst;
    (void)round;
    return st->self == st->coord ? 0x1fu & ~(1u << (st->self - 1)) : 0;
}
const cl_proto cl_proto_ec_sign = {"ecdsa sign", CL_KIND_EC_SIGN, ec_sign_step, ec_sign_expect};

/* ---- ML-DSA signing: round1, then (round2, round3, combine [+ next attempt's round1]) ---- */
static void in3(tmldsa_msg m[CL_T], const cl_ml_sign *st, const cl_in *in)
{
    for (unsigned j = 0; j < CL_T; j++)
        m[j] = (tmldsa_msg){(uint8_t *)(uintptr_t)in->bc[st->ids[j]], in->bc_len[st->ids[j]]};
}

static int ml_sign_step(void *vst, unsigned round, const cl_in *in, cl_out *out, cl_err *e)
{
    cl_ml_sign *st = vst;
    tmldsa_msg bc = {0}, m[CL_T];
    tmldsa_error te = {0};
    int r;
    in3(m, st, in);
    if (round == 1) {
        r = tmldsa_sign_round1(st->s, &bc, &te);
    } else {
        switch ((round - 2) % 3) {
        case 0: r = tmldsa_sign_round2(st->s, m, &bc, &te); break;
        case 1: r = tmldsa_sign_round3(st->s, m, &bc, &te); break;
        default:
            st->attempts++;
            r = tmldsa_sign_combine(st->s, m, st->sig, NULL, &te);
            if (r == TMLDSA_OK) return CL_STEP_DONE;
            if (r != TMLDSA_E_RETRY) return ml_err(e, r, &te);
            r = tmldsa_sign_next_attempt(st->s, &te);
            if (r == TMLDSA_OK) r = tmldsa_sign_round1(st->s, &bc, &te);
            break;
        }
    }
    if (r) {
        tmldsa_msg_free(&bc);
        return ml_err(e, r, &te);
    }
    take_ml(&out->bc, &out->bc_len, &bc);
    return CL_STEP_MORE;
}
const cl_proto cl_proto_ml_sign = {"ml-dsa sign", CL_KIND_ML_SIGN, ml_sign_step, NULL};

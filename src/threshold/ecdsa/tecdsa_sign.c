/* tecdsa_sign.c: the online round of DKLs23 signing and the combiner (see tecdsa.h).
 * Each signer re-randomises its presignature for the message (Groth-Shoup): delta =
 * H(key, sid, R, digest, PK), R' = R + delta*G, r = x(R') mod n, and returns
 * u' = u + delta*phi and w = e*phi + r*v, together with r; the presignature is wiped before the
 * share leaves. The combiner checks that all three shares agree on the signer set, R, the digest
 * and r, computes s = sum w / sum u', normalises to low s, encodes DER and releases the signature
 * only after OpenSSL verifies it.
 *
 * Online cost. delta and r are public, so R' is computed with the fixed-base table
 * (tec_mul_g_add_pub) instead of a generic two-term multiplication. When the coordinator is one of
 * the signers (the normal case), the combiner takes r from the coordinator's own share, which its
 * own tecdsa_sign_share computed from its own presignature and which reaches the combiner without
 * crossing the network: recomputing R' there would only repeat the same public computation on
 * the same inputs. The other two shares must carry the same r (a mismatch is a context error),
 * and the OpenSSL verification of the final signature against the caller's public key remains the
 * check that gates release. A coordinator that is not a signer recomputes R' itself. */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/ct.h"
#include "crypto/p384.h"
#include "threshold/ecdsa/tecdsa_hash.h"
#include "threshold/ecdsa/tecdsa_internal.h"
#include "threshold/ecdsa/tecdsa_verify.h"
#include "threshold/ecdsa/tecdsa_wire.h"

/* signer ids, R, digest, u', w, r */
#define SHARE_BYTES (TECDSA_T + TPT_BYTES + TECDSA_DIGEST_BYTES + 3 * TSC_BYTES)

/* delta and r = x(R + delta*G) mod n: public values both sides compute. */
static int rerandomise(tsc *delta, tsc *r, const uint8_t key_id[TECDSA_ID_BYTES], const uint8_t sid[TECDSA_ID_BYTES],
                       const tpt *R, const uint8_t digest[TECDSA_DIGEST_BYTES], const tpt *pk)
{
    th_ctx h;
    tpt Rp;
    th_init(&h, "sign/rerandomise");
    th_bytes(&h, key_id, TECDSA_ID_BYTES);
    th_bytes(&h, sid, TECDSA_ID_BYTES);
    th_bytes(&h, R->b, TPT_BYTES);
    th_bytes(&h, digest, TECDSA_DIGEST_BYTES);
    th_bytes(&h, pk->b, TPT_BYTES);
    th_out_scalar(&h, delta);
    if (tec_mul_g_add_pub(&Rp, delta, R) != 0 || tec_x_mod_n(r, &Rp) != 0) return TECDSA_ERR_POINT;
    return tsc_is_zero(r) ? TECDSA_ERR_VERIFY : TECDSA_OK;
}

void tecdsa_presig_free(tecdsa_presig *ps)
{
    if (!ps) return;
    cc_free(ps->alloc, ps, sizeof *ps); /* wipes; no other thread may hold it any more */
}

int tecdsa_tbs_digest(const uint8_t *tbs, size_t tbs_len, uint8_t digest[TECDSA_DIGEST_BYTES])
{
    unsigned int n = 0;
    if ((!tbs && tbs_len) || !digest) return TECDSA_ERR_ARG;
    if (EVP_Digest(tbs ? tbs : (const uint8_t *)"", tbs_len, digest, &n, EVP_sha384(), NULL) != 1 ||
        n != TECDSA_DIGEST_BYTES)
        return TECDSA_ERR_INTERNAL;
    return TECDSA_OK;
}

int tecdsa_sign_share(tecdsa_presig *ps, const uint8_t *tbs, size_t tbs_len, tecdsa_policy_fn policy, void *policy_arg,
                      int coordinator, tecdsa_msg *out)
{
    uint8_t digest[TECDSA_DIGEST_BYTES];
    tsc delta, r, e, u, w, t;
    tw_writer wr;
    int rc;
    if (!ps || (!tbs && tbs_len) || !policy || !out || coordinator < 1 || coordinator > TECDSA_N) return TECDSA_ERR_ARG;
    *out = (tecdsa_msg){NULL, 0};
    if (atomic_load(&ps->consumed)) return TECDSA_ERR_USED;
    /* a presignature made with a peer banned since is never used (the ban may postdate it) */
    if (tk_banned_among(ps->ks, ps->signers)) return TECDSA_ERR_BANNED;
    /* the signer's own check of the content, before anything is consumed */
    if (policy(policy_arg, tbs, tbs_len) != 0) return TECDSA_ERR_POLICY;
    if ((rc = tecdsa_tbs_digest(tbs, tbs_len, digest)) != TECDSA_OK) return rc;
    if (atomic_exchange(&ps->consumed, true)) return TECDSA_ERR_USED; /* single use, whatever follows */
    rc = rerandomise(&delta, &r, ps->key_id, ps->sid, &ps->R, digest, &ps->pk);
    if (rc == TECDSA_OK) {
        tsc_from_wide(&e, digest, TECDSA_DIGEST_BYTES);
        tsc_mul(&t, &delta, &ps->phi);
        tsc_add(&u, &ps->u, &t);
        tsc_mul(&w, &e, &ps->phi);
        tsc_mul(&t, &r, &ps->v);
        tsc_add(&w, &w, &t);
        rc = tw_new(out, TW_SIGN, ps->self, coordinator, ps->key_id, ps->sid, SHARE_BYTES, &wr);
        if (rc == TECDSA_OK) {
            for (int k = 0; k < TECDSA_T; k++) {
                uint8_t id = (uint8_t)ps->signers[k];
                tw_put(&wr, &id, 1);
            }
            tw_put_point(&wr, &ps->R);
            tw_put(&wr, digest, TECDSA_DIGEST_BYTES);
            tw_put_scalar(&wr, &u);
            tw_put_scalar(&wr, &w);
            tw_put_scalar(&wr, &r);
        }
    }
    /* erase the presignature's secrets before the share is released (the flag stays set) */
    tsc_wipe(&ps->u);
    tsc_wipe(&ps->v);
    tsc_wipe(&ps->phi);
    tsc_wipe(&u);
    tsc_wipe(&w);
    tsc_wipe(&t);
    return rc;
}

int tecdsa_combine(const uint8_t key_id[TECDSA_ID_BYTES], const uint8_t pub[TECDSA_PUB_BYTES],
                   const uint8_t digest[TECDSA_DIGEST_BYTES], int coordinator, const tecdsa_msg shares[TECDSA_T],
                   uint8_t *der, size_t *der_len, int *culprit)
{
    const uint8_t *sid = NULL, *head = NULL, *rhead = NULL;
    tsc usum, wsum, x, delta, r, s;
    tpt pk, R;
    int seen[TECDSA_N + 1] = {0}, rc;
    if (culprit) *culprit = 0;
    if (!key_id || !pub || !digest || !shares || !der || !der_len || coordinator < 1 || coordinator > TECDSA_N)
        return TECDSA_ERR_ARG;
    *der_len = 0;
    if (tec_decode_uncompressed(&pk, pub) != 0) return TECDSA_ERR_POINT;
    tsc_zero(&usum);
    tsc_zero(&wsum);
    tsc_zero(&r);
    for (int k = 0; k < TECDSA_T; k++) {
        const tecdsa_msg *m = &shares[k];
        tw_reader rd;
        if (!m->data || m->len < TW_HDR_BYTES) return TECDSA_ERR_FORMAT;
        int from = m->data[2];
        if (from < 1 || from > TECDSA_N || seen[from]) return TECDSA_ERR_FORMAT;
        if (!sid) sid = tw_sid(m);
        rc = tw_open(m, TW_SIGN, from, coordinator, key_id, sid, SHARE_BYTES, &rd);
        if (culprit) *culprit = from;
        if (rc != TECDSA_OK) return rc;
        const uint8_t *hd = tw_get(&rd, TECDSA_T + TPT_BYTES);
        if (!head) head = hd;
        int member = 0;
        for (int i = 0; i < TECDSA_T; i++) member |= hd[i] == from;
        if (memcmp(hd, head, TECDSA_T + TPT_BYTES) != 0 || !member) return TECDSA_ERR_CONTEXT;
        if (memcmp(tw_get(&rd, TECDSA_DIGEST_BYTES), digest, TECDSA_DIGEST_BYTES) != 0) return TECDSA_ERR_CONTEXT;
        if ((rc = tw_get_scalar(&rd, &x)) != TECDSA_OK) return rc;
        tsc_add(&usum, &usum, &x);
        if ((rc = tw_get_scalar(&rd, &x)) != TECDSA_OK) return rc;
        tsc_add(&wsum, &wsum, &x);
        const uint8_t *rb_in = rd.p; /* r: public, the same in every share */
        if ((rc = tw_get_scalar(&rd, &x)) != TECDSA_OK) return rc;
        if (!rhead) rhead = rb_in;
        if (memcmp(rb_in, rhead, TSC_BYTES) != 0) return TECDSA_ERR_CONTEXT;
        if (from == coordinator) r = x;
        seen[from] = 1;
    }
    if (culprit) *culprit = 0;
    if (!seen[coordinator]) {
        /* not our own presignature among the shares: recompute R' from the agreed R */
        if (tec_decode(&R, head + TECDSA_T) != 0) return TECDSA_ERR_POINT;
        if ((rc = rerandomise(&delta, &r, key_id, sid, &R, digest, &pk)) != TECDSA_OK) return rc;
        uint8_t rb_calc[TSC_BYTES];
        tsc_to_bytes(rb_calc, &r);
        if (memcmp(rb_calc, rhead, TSC_BYTES) != 0) return TECDSA_ERR_CONTEXT;
    }
    if (tsc_is_zero(&r)) return TECDSA_ERR_VERIFY;
    if (tsc_is_zero(&usum)) return TECDSA_ERR_VERIFY;
    tsc_inv(&s, &usum);
    tsc_mul(&s, &s, &wsum);
    if (tsc_is_zero(&s)) return TECDSA_ERR_VERIFY;
    tsc_neg(&x, &s);
    tsc_cmov(&s, &x, tsc_is_high(&s)); /* low-s */
    uint8_t rb[48], sb[48];
    tsc_to_bytes(rb, &r);
    tsc_to_bytes(sb, &s);
    size_t n = cc_p384_sig_to_der(rb, sb, der);
    if (tecdsa_verify_der(pub, digest, der, n) != TECDSA_OK) {
        memset(der, 0, n);
        return TECDSA_ERR_VERIFY;
    }
    *der_len = n;
    return TECDSA_OK;
}

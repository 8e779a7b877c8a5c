/* tmldsa_dkg.c: dealerless key generation for threshold ML-DSA (3, 5) by per-subset joint seeds
 * (notes section 5.2). No party ever holds more than the seeds of its own six subsets.
 *   D1 broadcast: H(rho_j) and H(r_{j,I}) for the six subsets I containing j (commit).
 *   D2 broadcast: rho_j; private to each co-holder p: r_{j,I} for the three I containing j and p.
 *   local:        rho = H(rho_1..rho_5), seed_I = H(I, r_a, r_b, r_c), (s1_I, s2_I) = ExpandS(seed_I),
 *                 t_I = A s1_I + s2_I.
 *   D3 broadcast: echo of the D1/D2 broadcasts (one hash per sender), the six t_I. Holders of
 *                 each I must agree.
 *   D4 broadcast: H(pk, D3 transcript); everybody must agree, then the share is released.
 * Blame (see tmldsa_error): a contradiction inside one party's own messages, or with a value we
 * computed ourselves, names that party; a disagreement an equivocating party could have caused
 * names a suspect set: the pair {echoing party, sender} for an echo mismatch, all three holders
 * when we are not a holder of a subset whose t_I the holders dispute (two malicious co-holders
 * agreeing on a wrong t_I would otherwise outvote the honest one). */
#include <stdlib.h>
#include <string.h>

#include "crypto/ct.h"
#include "threshold/mldsa/tmldsa_internal.h"

enum {
    DKG_R1,
    DKG_R2,
    DKG_R3,
    DKG_R4,
    DKG_FINISH,
    DKG_DONE,
    DKG_DEAD
};

#define D1_PAYLOAD ((1 + TMLDSA_SUBSETS_PER_PARTY) * TMLDSA_HASHBYTES)
#define D2_PAYLOAD 32
#define D2P_PAYLOAD (3 * 32)
#define D3_ECHO (TMLDSA_PARTIES * TMLDSA_HASHBYTES)
#define D3_PAYLOAD (D3_ECHO + TMLDSA_SUBSETS_PER_PARTY * TMLDSA_VECK_PACKED)
#define D4_PAYLOAD TMLDSA_HASHBYTES

struct tmldsa_dkg {
    const cc_allocator *alloc; /* this state and the share it makes (NULL: the default) */
    unsigned party;
    int phase;
    uint8_t sid[TMLDSA_SIDBYTES];
    unsigned my_sub[TMLDSA_SUBSETS_PER_PARTY];
    uint8_t rho_j[32];
    uint8_t r_own[TMLDSA_SUBSETS_PER_PARTY][32]; /* secret */
    uint8_t rho_cmt[TMLDSA_PARTIES][TMLDSA_HASHBYTES];
    uint8_t seed_cmt[TMLDSA_PARTIES][TMLDSA_SUBSETS_PER_PARTY][TMLDSA_HASHBYTES];
    cc_keccak_ctx echo[TMLDSA_PARTIES]; /* per sender: its D1, D2 broadcasts */
    uint8_t echo12[TMLDSA_PARTIES][TMLDSA_HASHBYTES];
    uint8_t rho_all[TMLDSA_PARTIES][32];
    uint8_t r_recv[TMLDSA_SUBSETS_PER_PARTY][3][32]; /* secret: holders in id order */
    uint8_t t_packed[TMLDSA_SUBSETS_PER_PARTY][TMLDSA_VECK_PACKED];
    uint8_t confirm[TMLDSA_HASHBYTES];
    tmldsa_share *share; /* built in round 4 */
};

static void dkg_hdr(const tmldsa_dkg *st, tmldsa_hdr *h, uint8_t type, unsigned sender, unsigned receiver)
{
    memset(h, 0, sizeof *h);
    h->type = type;
    h->sender = (uint8_t)sender;
    h->receiver = (uint8_t)receiver;
    h->signers = (1u << TMLDSA_PARTIES) - 1;
    memcpy(h->sid, st->sid, TMLDSA_SIDBYTES);
}

static void dkg_wipe(tmldsa_dkg *st)
{
    cc_memzero(st->r_own, sizeof st->r_own);
    cc_memzero(st->r_recv, sizeof st->r_recv);
    for (unsigned p = 0; p < TMLDSA_PARTIES; p++) cc_keccak_wipe(&st->echo[p]);
    if (st->share) tmldsa_share_free(st->share);
    st->share = NULL;
}

static int dkg_fail(tmldsa_dkg *st, tmldsa_error *err, int code, unsigned culprit, const char *reason)
{
    /* reason is already in err when code came from a helper; otherwise use the given text */
    if (reason) tmldsa_set_error(err, code, culprit, "%s", reason);
    st->phase = DKG_DEAD;
    dkg_wipe(st);
    return code;
}

static int dkg_enter(tmldsa_dkg *st, int phase, tmldsa_error *err)
{
    if (!st) return tmldsa_set_error(err, TMLDSA_E_ARG, 0, "NULL dkg state");
    if (st->phase != phase) return tmldsa_set_error(err, TMLDSA_E_STATE, 0, "dkg round called out of order");
    return TMLDSA_OK;
}

static void seed_commit(const tmldsa_dkg *st, uint8_t out[TMLDSA_HASHBYTES], unsigned sender, unsigned idx,
                        const uint8_t r[32])
{
    tmldsa_hdr h;
    cc_keccak_ctx x;
    uint8_t b = (uint8_t)idx;
    dkg_hdr(st, &h, TMLDSA_MSG_DKG1, sender, 0);
    tmldsa_hash_init(&x, "dkg-seed-commit", &h);
    cc_keccak_absorb(&x, &b, 1);
    cc_keccak_absorb(&x, r, 32);
    tmldsa_hash_final(&x, out, TMLDSA_HASHBYTES);
}

static void rho_commit(const tmldsa_dkg *st, uint8_t out[TMLDSA_HASHBYTES], unsigned sender, const uint8_t rho[32])
{
    tmldsa_hdr h;
    cc_keccak_ctx x;
    dkg_hdr(st, &h, TMLDSA_MSG_DKG1, sender, 0);
    tmldsa_hash_init(&x, "dkg-rho-commit", &h);
    cc_keccak_absorb(&x, rho, 32);
    tmldsa_hash_final(&x, out, TMLDSA_HASHBYTES);
}

int tmldsa_dkg_new(tmldsa_dkg **out, unsigned party, const uint8_t sid[TMLDSA_SIDBYTES], tmldsa_error *err)
{
    return tmldsa_dkg_new_alloc(out, party, sid, NULL, err);
}

int tmldsa_dkg_new_alloc(tmldsa_dkg **out, unsigned party, const uint8_t sid[TMLDSA_SIDBYTES],
                         const cc_allocator *alloc, tmldsa_error *err)
{
    if (!out || !sid || party < 1 || party > TMLDSA_PARTIES)
        return tmldsa_set_error(err, TMLDSA_E_ARG, 0, "dkg_new: NULL argument or party id not in 1..5");
    tmldsa_dkg *st = cc_alloc(alloc, sizeof *st);
    if (!st) return tmldsa_set_error(err, TMLDSA_E_NOMEM, 0, "dkg_new: out of memory");
    st->alloc = alloc;
    st->party = party;
    st->phase = DKG_R1;
    memcpy(st->sid, sid, TMLDSA_SIDBYTES);
    tmldsa_party_subsets(party, st->my_sub);
    *out = st;
    return TMLDSA_OK;
}

void tmldsa_dkg_free(tmldsa_dkg *st)
{
    if (!st) return;
    dkg_wipe(st);
    cc_free(st->alloc, st, sizeof *st); /* wipes */
}

int tmldsa_dkg_round1(tmldsa_dkg *st, tmldsa_msg *out, tmldsa_error *err)
{
    int rc = dkg_enter(st, DKG_R1, err);
    if (rc) return rc;
    if (!out) return tmldsa_set_error(err, TMLDSA_E_ARG, 0, "dkg_round1: NULL output");
    *out = (tmldsa_msg){NULL, 0};
    if (cc_randombytes(st->rho_j, sizeof st->rho_j) || cc_randombytes(&st->r_own[0][0], sizeof st->r_own))
        return dkg_fail(st, err, TMLDSA_E_RNG, 0, "dkg_round1: OS random source failed");
    tmldsa_hdr h;
    dkg_hdr(st, &h, TMLDSA_MSG_DKG1, st->party, 0);
    uint8_t *p = tmldsa_msg_alloc(out, &h, D1_PAYLOAD, err);
    if (!p) return dkg_fail(st, err, err ? err->code : TMLDSA_E_NOMEM, 0, NULL);
    rho_commit(st, p, st->party, st->rho_j);
    for (unsigned s = 0; s < TMLDSA_SUBSETS_PER_PARTY; s++)
        seed_commit(st, p + TMLDSA_HASHBYTES * (1 + s), st->party, st->my_sub[s], st->r_own[s]);
    for (unsigned q = 1; q <= TMLDSA_PARTIES; q++) {
        tmldsa_hdr eh;
        dkg_hdr(st, &eh, TMLDSA_MSG_DKG3, q, 0);
        tmldsa_hash_init(&st->echo[q - 1], "dkg-echo-r1-r2", &eh);
    }
    st->phase = DKG_R2;
    return TMLDSA_OK;
}

int tmldsa_dkg_round2(tmldsa_dkg *st, const tmldsa_msg in[TMLDSA_PARTIES], tmldsa_msg *out,
                      tmldsa_msg out_priv[TMLDSA_PARTIES], tmldsa_error *err)
{
    int rc = dkg_enter(st, DKG_R2, err);
    if (rc) return rc;
    if (!in || !out || !out_priv) return tmldsa_set_error(err, TMLDSA_E_ARG, 0, "dkg_round2: NULL argument");
    *out = (tmldsa_msg){NULL, 0};
    for (unsigned peer = 0; peer < TMLDSA_PARTIES; peer++) out_priv[peer] = (tmldsa_msg){NULL, 0};
    for (unsigned p = 1; p <= TMLDSA_PARTIES; p++) {
        tmldsa_hdr h;
        const uint8_t *pl;
        dkg_hdr(st, &h, TMLDSA_MSG_DKG1, p, 0);
        if ((rc = tmldsa_msg_parse(&in[p - 1], &h, D1_PAYLOAD, &pl, NULL, err))) return dkg_fail(st, err, rc, p, NULL);
        memcpy(st->rho_cmt[p - 1], pl, TMLDSA_HASHBYTES);
        memcpy(st->seed_cmt[p - 1], pl + TMLDSA_HASHBYTES, sizeof st->seed_cmt[0]);
        cc_keccak_absorb(&st->echo[p - 1], in[p - 1].data, in[p - 1].len);
    }
    /* our own broadcast must have arrived unchanged */
    uint8_t c[TMLDSA_HASHBYTES];
    rho_commit(st, c, st->party, st->rho_j);
    unsigned own_bad = (unsigned)cc_memcmp_ct(c, st->rho_cmt[st->party - 1], sizeof c);
    for (unsigned s = 0; s < TMLDSA_SUBSETS_PER_PARTY; s++) {
        seed_commit(st, c, st->party, st->my_sub[s], st->r_own[s]);
        own_bad |= (unsigned)cc_memcmp_ct(c, st->seed_cmt[st->party - 1][s], sizeof c);
    }
    if (own_bad)
        return dkg_fail(st, err, TMLDSA_E_INCONSISTENT, 0,
                        "dkg_round2: our own round-1 broadcast came back altered (transport fault, nobody blamed)");

    tmldsa_hdr h;
    dkg_hdr(st, &h, TMLDSA_MSG_DKG2, st->party, 0);
    uint8_t *p = tmldsa_msg_alloc(out, &h, D2_PAYLOAD, err);
    if (!p) return dkg_fail(st, err, TMLDSA_E_NOMEM, 0, NULL);
    memcpy(p, st->rho_j, 32);
    for (unsigned peer = 1; peer <= TMLDSA_PARTIES; peer++) {
        if (peer == st->party) continue;
        dkg_hdr(st, &h, TMLDSA_MSG_DKG2_PRIV, st->party, peer);
        uint8_t *q = tmldsa_msg_alloc(&out_priv[peer - 1], &h, D2P_PAYLOAD, err);
        if (!q) {
            for (unsigned k = 1; k <= TMLDSA_PARTIES; k++) tmldsa_msg_free(&out_priv[k - 1]);
            tmldsa_msg_free(out);
            return dkg_fail(st, err, TMLDSA_E_NOMEM, 0, NULL);
        }
        for (unsigned s = 0; s < TMLDSA_SUBSETS_PER_PARTY; s++) {
            if (tmldsa_subset_mask(st->my_sub[s]) >> (peer - 1) & 1) {
                memcpy(q, st->r_own[s], 32);
                q += 32;
            }
        }
    }
    st->phase = DKG_R3;
    return TMLDSA_OK;
}

/* position (0..2) of party p among the holders of subset mask, in increasing id order */
static unsigned holder_pos(unsigned mask, unsigned p)
{
    unsigned pos = 0;
    for (unsigned q = 1; q < p; q++) pos += mask >> (q - 1) & 1;
    return pos;
}

int tmldsa_dkg_round3(tmldsa_dkg *st, const tmldsa_msg in[TMLDSA_PARTIES], const tmldsa_msg in_priv[TMLDSA_PARTIES],
                      tmldsa_msg *out, tmldsa_error *err)
{
    int rc = dkg_enter(st, DKG_R3, err);
    if (rc) return rc;
    if (!in || !in_priv || !out) return tmldsa_set_error(err, TMLDSA_E_ARG, 0, "dkg_round3: NULL argument");
    *out = (tmldsa_msg){NULL, 0};
    uint8_t c[TMLDSA_HASHBYTES];
    for (unsigned p = 1; p <= TMLDSA_PARTIES; p++) {
        tmldsa_hdr h;
        const uint8_t *pl;
        dkg_hdr(st, &h, TMLDSA_MSG_DKG2, p, 0);
        if ((rc = tmldsa_msg_parse(&in[p - 1], &h, D2_PAYLOAD, &pl, NULL, err))) return dkg_fail(st, err, rc, p, NULL);
        rho_commit(st, c, p, pl);
        if (cc_memcmp_ct(c, st->rho_cmt[p - 1], sizeof c)) {
            tmldsa_set_error(err, TMLDSA_E_COMMIT, p,
                             "dkg_round3: rho revealed by party %u does not match its commitment", p);
            return dkg_fail(st, err, TMLDSA_E_COMMIT, p, NULL);
        }
        memcpy(st->rho_all[p - 1], pl, 32);
        cc_keccak_absorb(&st->echo[p - 1], in[p - 1].data, in[p - 1].len);
        tmldsa_hash_final(&st->echo[p - 1], st->echo12[p - 1], TMLDSA_HASHBYTES);
    }
    /* own contributions, then the co-holders' private reveals */
    for (unsigned s = 0; s < TMLDSA_SUBSETS_PER_PARTY; s++)
        memcpy(st->r_recv[s][holder_pos(tmldsa_subset_mask(st->my_sub[s]), st->party)], st->r_own[s], 32);
    for (unsigned p = 1; p <= TMLDSA_PARTIES; p++) {
        if (p == st->party) continue;
        tmldsa_hdr h;
        const uint8_t *pl;
        dkg_hdr(st, &h, TMLDSA_MSG_DKG2_PRIV, p, st->party);
        if ((rc = tmldsa_msg_parse(&in_priv[p - 1], &h, D2P_PAYLOAD, &pl, NULL, err)))
            return dkg_fail(st, err, rc, p, NULL);
        for (unsigned s = 0; s < TMLDSA_SUBSETS_PER_PARTY; s++) {
            unsigned idx = st->my_sub[s], mask = tmldsa_subset_mask(idx);
            if (!(mask >> (p - 1) & 1)) continue;
            int their_slot = tmldsa_party_slot(p, idx);
            seed_commit(st, c, p, idx, pl);
            if (their_slot < 0 || cc_memcmp_ct(c, st->seed_cmt[p - 1][their_slot], sizeof c)) {
                tmldsa_set_error(
                    err, TMLDSA_E_COMMIT, p,
                    "dkg_round3: seed contribution of party %u for subset %u does not match its commitment", p, idx);
                return dkg_fail(st, err, TMLDSA_E_COMMIT, p, NULL);
            }
            memcpy(st->r_recv[s][holder_pos(mask, p)], pl, 32);
            pl += 32;
        }
    }
    /* joint rho and the partial public keys of our subsets */
    tmldsa_hdr sh;
    cc_keccak_ctx x;
    uint8_t rho[MLDSA_SEEDBYTES];
    dkg_hdr(st, &sh, TMLDSA_MSG_DKG2, 0, 0);
    tmldsa_hash_init(&x, "dkg-rho-agg", &sh);
    cc_keccak_absorb(&x, &st->rho_all[0][0], sizeof st->rho_all);
    tmldsa_hash_final(&x, rho, sizeof rho);

    st->share = cc_alloc(st->alloc, sizeof *st->share);
    if (st->share) st->share->alloc = st->alloc;
    mldsa_matrix *A = malloc(sizeof *A);
    if (!st->share || !A) {
        free(A);
        return dkg_fail(st, err, TMLDSA_E_NOMEM, 0, "dkg_round3: out of memory");
    }
    mldsa_expand_a(A, rho);
    memcpy(st->share->pk, rho, MLDSA_SEEDBYTES); /* rho kept at the start of pk until round 4 */
    st->share->party = st->party;
    for (unsigned s = 0; s < TMLDSA_SUBSETS_PER_PARTY; s++) {
        uint8_t b = (uint8_t)st->my_sub[s];
        tmldsa_hash_init(&x, "dkg-seed-agg", &sh);
        cc_keccak_absorb(&x, &b, 1);
        cc_keccak_absorb(&x, &st->r_recv[s][0][0], sizeof st->r_recv[s]);
        tmldsa_hash_final(&x, st->share->seeds[s], MLDSA_CRHBYTES);
        mldsa_polyveck t;
        tmldsa_t_from_seed(&t, A, st->share->seeds[s]);
        tmldsa_pack_veck(st->t_packed[s], &t);
    }
    free(A);
    cc_memzero(st->r_recv, sizeof st->r_recv);
    cc_memzero(st->r_own, sizeof st->r_own);

    tmldsa_hdr h;
    dkg_hdr(st, &h, TMLDSA_MSG_DKG3, st->party, 0);
    uint8_t *p = tmldsa_msg_alloc(out, &h, D3_PAYLOAD, err);
    if (!p) return dkg_fail(st, err, TMLDSA_E_NOMEM, 0, NULL);
    memcpy(p, st->echo12, D3_ECHO);
    memcpy(p + D3_ECHO, st->t_packed, sizeof st->t_packed);
    st->phase = DKG_R4;
    return TMLDSA_OK;
}

/* Check that the three holders of every subset published the same t_I. A holder knows the true
 * t_I (it computed it from the committed contributions), so whoever published something else is
 * proven wrong. A non-holder only sees a disagreement: a lone dissenter may be the honest holder
 * outvoted by two malicious co-holders, so it names the three holders as suspects. */
static int check_t_consistency(tmldsa_dkg *st, const uint8_t *t_of[TMLDSA_PARTIES], tmldsa_error *err)
{
    for (unsigned idx = 0; idx < TMLDSA_SUBSETS; idx++) {
        unsigned mask = tmldsa_subset_mask(idx), hold[3], n = 0;
        const uint8_t *v[3];
        for (unsigned p = 1; p <= TMLDSA_PARTIES; p++)
            if (mask >> (p - 1) & 1) {
                hold[n] = p;
                v[n++] = t_of[p - 1] + (size_t)tmldsa_party_slot(p, idx) * TMLDSA_VECK_PACKED;
            }
        if (memcmp(v[0], v[1], TMLDSA_VECK_PACKED) == 0 && memcmp(v[0], v[2], TMLDSA_VECK_PACKED) == 0) continue;
        if (!(mask >> (st->party - 1) & 1)) {
            tmldsa_set_error(err, TMLDSA_E_INCONSISTENT, 0,
                             "dkg_round4: holders %u,%u,%u published different t_I for subset %u (suspects: all three)",
                             hold[0], hold[1], hold[2], idx);
            tmldsa_blame(err, mask);
            return dkg_fail(st, err, TMLDSA_E_INCONSISTENT, 0, NULL);
        }
        const uint8_t *mine = st->t_packed[tmldsa_party_slot(st->party, idx)];
        unsigned wrong = 0;
        for (unsigned k = 0; k < 3; k++)
            if (memcmp(v[k], mine, TMLDSA_VECK_PACKED) != 0) wrong |= TMLDSA_BIT(hold[k]);
        if (wrong & TMLDSA_BIT(st->party))
            return dkg_fail(st, err, TMLDSA_E_INCONSISTENT, 0,
                            "dkg_round4: our own t_I came back altered (transport fault, nobody blamed)");
        unsigned first = 1;
        while (!(wrong >> (first - 1) & 1)) first++;
        tmldsa_set_error(err, TMLDSA_E_INCONSISTENT, first,
                         "dkg_round4: t_I for subset %u published by holder(s) 0x%x differs from the one we computed "
                         "(party %u proven)",
                         idx, wrong, first);
        return dkg_fail(st, err, TMLDSA_E_INCONSISTENT, first, NULL);
    }
    return TMLDSA_OK;
}

/* Party p's echo of the round-1/2 broadcasts against ours (see the blame rule at the top). */
static int check_echo(tmldsa_dkg *st, unsigned p, const uint8_t *echo, tmldsa_error *err)
{
    for (unsigned s = 1; s <= TMLDSA_PARTIES; s++) {
        if (memcmp(echo + (size_t)(s - 1) * TMLDSA_HASHBYTES, st->echo12[s - 1], TMLDSA_HASHBYTES) == 0) continue;
        if (p == st->party)
            return dkg_fail(st, err, TMLDSA_E_INCONSISTENT, 0,
                            "dkg_round4: our own round-3 broadcast came back altered (transport fault, nobody blamed)");
        int proven = s == p || s == st->party;
        tmldsa_set_error(err, TMLDSA_E_INCONSISTENT, 0,
                         proven ? "dkg_round4: party %u misreports the round-1/2 broadcasts of party %u (echo mismatch)"
                                : "dkg_round4: party %u and we saw different round-1/2 broadcasts of party %u: one of "
                                  "the two equivocated",
                         p, s);
        tmldsa_blame(err, proven ? TMLDSA_BIT(p) : TMLDSA_BIT(p) | TMLDSA_BIT(s));
        return dkg_fail(st, err, TMLDSA_E_INCONSISTENT, 0, NULL);
    }
    return TMLDSA_OK;
}

int tmldsa_dkg_round4(tmldsa_dkg *st, const tmldsa_msg in[TMLDSA_PARTIES], tmldsa_msg *out, tmldsa_error *err)
{
    int rc = dkg_enter(st, DKG_R4, err);
    if (rc) return rc;
    if (!in || !out) return tmldsa_set_error(err, TMLDSA_E_ARG, 0, "dkg_round4: NULL argument");
    *out = (tmldsa_msg){NULL, 0};
    const uint8_t *t_of[TMLDSA_PARTIES];
    tmldsa_hdr sh;
    cc_keccak_ctx tx;
    dkg_hdr(st, &sh, TMLDSA_MSG_DKG4, 0, 0);
    tmldsa_hash_init(&tx, "dkg-r3-transcript", &sh);
    for (unsigned p = 1; p <= TMLDSA_PARTIES; p++) {
        tmldsa_hdr h;
        const uint8_t *pl;
        dkg_hdr(st, &h, TMLDSA_MSG_DKG3, p, 0);
        if ((rc = tmldsa_msg_parse(&in[p - 1], &h, D3_PAYLOAD, &pl, NULL, err))) {
            cc_keccak_wipe(&tx);
            return dkg_fail(st, err, rc, p, NULL);
        }
        if ((rc = check_echo(st, p, pl, err))) {
            cc_keccak_wipe(&tx);
            return rc;
        }
        t_of[p - 1] = pl + D3_ECHO;
        cc_keccak_absorb(&tx, in[p - 1].data, in[p - 1].len);
    }
    uint8_t thash[TMLDSA_HASHBYTES];
    tmldsa_hash_final(&tx, thash, sizeof thash);
    /* ranges first (a coefficient >= q is a malformed t_I), then agreement between holders */
    tmldsa_share *sh_out = st->share;
    for (unsigned p = 1; p <= TMLDSA_PARTIES; p++) {
        for (unsigned s = 0; s < TMLDSA_SUBSETS_PER_PARTY; s++) {
            mldsa_polyveck tmp;
            if (tmldsa_unpack_veck(&tmp, t_of[p - 1] + (size_t)s * TMLDSA_VECK_PACKED)) {
                tmldsa_set_error(err, TMLDSA_E_RANGE, p, "dkg_round4: t_I from party %u has a coefficient >= q", p);
                return dkg_fail(st, err, TMLDSA_E_RANGE, p, NULL);
            }
        }
    }
    /* only now that every echo matched (all parties saw the same commitments, so every holder
     * derived seed_I from the same contributions) is a t_I differing from ours proof of deviation */
    if ((rc = check_t_consistency(st, t_of, err))) return rc;
    for (unsigned idx = 0; idx < TMLDSA_SUBSETS; idx++) {
        unsigned mask = tmldsa_subset_mask(idx), first = 1;
        while (!(mask >> (first - 1) & 1)) first++;
        tmldsa_unpack_veck(&sh_out->t_sub[idx],
                           t_of[first - 1] + (size_t)tmldsa_party_slot(first, idx) * TMLDSA_VECK_PACKED);
    }
    uint8_t rho[MLDSA_SEEDBYTES];
    memcpy(rho, sh_out->pk, MLDSA_SEEDBYTES);
    tmldsa_share_derive_pk(sh_out, rho);

    cc_keccak_ctx x;
    tmldsa_hash_init(&x, "dkg-confirm", &sh);
    cc_keccak_absorb(&x, sh_out->pk, TMLDSA_PKBYTES);
    cc_keccak_absorb(&x, thash, sizeof thash);
    tmldsa_hash_final(&x, st->confirm, sizeof st->confirm);

    tmldsa_hdr h;
    dkg_hdr(st, &h, TMLDSA_MSG_DKG4, st->party, 0);
    uint8_t *p = tmldsa_msg_alloc(out, &h, D4_PAYLOAD, err);
    if (!p) return dkg_fail(st, err, TMLDSA_E_NOMEM, 0, NULL);
    memcpy(p, st->confirm, TMLDSA_HASHBYTES);
    st->phase = DKG_FINISH;
    return TMLDSA_OK;
}

int tmldsa_dkg_finish(tmldsa_dkg *st, const tmldsa_msg in[TMLDSA_PARTIES], tmldsa_share **share, tmldsa_error *err)
{
    int rc = dkg_enter(st, DKG_FINISH, err);
    if (rc) return rc;
    if (!in || !share) return tmldsa_set_error(err, TMLDSA_E_ARG, 0, "dkg_finish: NULL argument");
    for (unsigned p = 1; p <= TMLDSA_PARTIES; p++) {
        tmldsa_hdr h;
        const uint8_t *pl;
        dkg_hdr(st, &h, TMLDSA_MSG_DKG4, p, 0);
        if ((rc = tmldsa_msg_parse(&in[p - 1], &h, D4_PAYLOAD, &pl, NULL, err))) return dkg_fail(st, err, rc, p, NULL);
        /* proven: round 4 passed here, so every round-3 message we hold matched our echoes and the
         * honest holders' t_I, i.e. it is what every honest party holds; a party confirming another
         * transcript or pk lies about it */
        if (memcmp(pl, st->confirm, TMLDSA_HASHBYTES) != 0) {
            tmldsa_set_error(err, TMLDSA_E_INCONSISTENT, p,
                             "dkg_finish: party %u confirmed a different public key or transcript", p);
            return dkg_fail(st, err, TMLDSA_E_INCONSISTENT, p, NULL);
        }
    }
    *share = st->share;
    st->share = NULL;
    st->phase = DKG_DONE;
    dkg_wipe(st);
    return TMLDSA_OK;
}

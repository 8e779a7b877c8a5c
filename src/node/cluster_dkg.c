/* cluster_dkg.c: the key epoch manager: one thread per engine that waits until all five nodes are
 * meshed, attested and time-OK with no live epoch, then runs a DKG attempt:
 *   1. commit-reveal: each node commits to a fresh nonce, then reveals it; the session id is
 *      SHA-384 over a label, the measurement, the epoch and attempt numbers and the sorted (node
 *      key, nonce) pairs, so no single node chooses it; party p is the node of the p-th smallest key;
 *   2. the ML-DSA and the ECDSA DKG (secrets in cc_secure_alloc memory);
 *   3. confirmation: all five compare a hash of both group keys and the transcript;
 *   4. self-test of all 10 signer sets for both schemes (each set coordinated by its lowest party);
 *   5. threshold-signed CSRs (party 1 coordinates; everyone checks them against its own rebuild);
 *      local mode: party 1's dev CA issues the certificates; everyone applies the acceptance checks;
 *   6. ACTIVE.
 * A failure aborts the attempt everywhere (peers time out or see a newer attempt), backs off and
 * retries; a proven culprit is excluded and named. (epoch, attempt) only moves forwards: a node
 * that sees a newer commitment joins that attempt. */
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/cluster_audit.h"
#include "node/cluster_certs.h"
#include "node/cluster_schemes.h"
#include "node/cluster_sign.h"

/* ---- readiness ---- */
static int dkg_wanted(cluster *c)
{
    if (c->stopping || c->ep || (c->epoch_state != LC_EPOCH_UNINITIALIZED && c->epoch_state != LC_EPOCH_RETIRED))
        return 0;
    if (!c->self_attested || !c->self_time_ok) return 0;
    for (int s = 0; s < MESH_PEERS; s++)
        if (c->peer[s].state != MESH_PEER_UP || !c->peer_time_ok[s] || cl_is_excluded(c, c->peer[s].key)) return 0;
    return 1;
}

/* The newest (epoch, attempt) any peer committed to, if newer than ours. c->mu held. */
static int newer_commit(cluster *c, uint32_t epoch, unsigned attempt, uint32_t *ne, unsigned *na)
{
    int found = 0;
    *ne = epoch, *na = attempt;
    for (cl_item *it = c->inbox; it; it = it->next)
        if (it->m.kind == CL_KIND_COMMIT && (it->m.epoch > *ne || (it->m.epoch == *ne && it->m.round > *na))) {
            *ne = it->m.epoch, *na = it->m.round;
            found = 1;
        }
    return found;
}

void cl_dkg_maybe_start(cluster *c) { pthread_cond_broadcast(&c->cv); /* the manager thread re-checks */ }

/* ---- step 1: commit-reveal ---- */
static void commitment(const uint8_t key[CLUSTER_KEY_BYTES], const uint8_t nonce[32], uint8_t out[CL_SID_BYTES])
{
    static const char label[] = "cctsa-cluster-commit-v1";
    uint8_t h[48];
    const void *parts[] = {label, key, nonce};
    size_t lens[] = {sizeof label, CLUSTER_KEY_BYTES, 32};
    cl_sha384(parts, lens, 3, h);
    memcpy(out, h, CL_SID_BYTES);
}

typedef struct {
    uint32_t epoch;
    unsigned attempt;
    uint8_t keys[CL_N][CLUSTER_KEY_BYTES]; /* index 0 = self, then slots */
    uint8_t nonces[CL_N][32];
    uint8_t commits[CL_N][CL_SID_BYTES];
} cr_state;

/* Wait for one message of kind from each peer; -2 when a newer attempt shows up, -1 on timeout. */
static int gather(cluster *c, cr_state *cr, uint8_t kind, cl_item *got[CL_N], uint64_t until, char *why, size_t wl)
{
    for (;;) {
        int missing = 0;
        for (int s = 0; s < MESH_PEERS; s++) {
            if (got[s + 1]) continue;
            got[s + 1] = cl_inbox_take(c, kind, cr->epoch, kind == CL_KIND_REVEAL ? cr->commits[s + 1] : NULL,
                                       (unsigned)cr->attempt, 0, cr->keys[s + 1]);
            if (!got[s + 1]) missing++;
        }
        if (!missing) return 0;
        uint32_t ne;
        unsigned na;
        if (newer_commit(c, cr->epoch, cr->attempt, &ne, &na)) return snprintf(why, wl, "a newer attempt began"), -2;
        /* A peer serves an epoch this DKG would replace. As new as ours or newer: this node restarted
         * and holds no share of it. Older: the peer has not yet left the epoch this node left (a
         * retire sent to each node in turn): it joins when it does, so wait out the round. */
        if (c->live_epoch && (c->live_epoch >= cr->epoch || cl_now_ms() >= until))
            return snprintf(why, wl, "peers serve epoch %u, of which this node holds no share", c->live_epoch), -3;
        if (c->stopping) return snprintf(why, wl, "stopping"), -1;
        if (cl_now_ms() >= until)
            return snprintf(why, wl, "%d node(s) did not %s in time", missing, cl_kind_name(kind)), -1;
        cl_wait_ms(c, 200);
    }
}

static int cr_send(cluster *c, cr_state *cr, uint8_t kind, const uint8_t *bc, size_t bc_len)
{
    cl_msg m = {
        .kind = kind, .party = 0, .epoch = cr->epoch, .round = (uint16_t)cr->attempt, .bc = bc, .bc_len = bc_len};
    memcpy(m.sid, cr->commits[0], CL_SID_BYTES);
    memcpy(m.sender, c->cfg.self_key, CLUSTER_KEY_BYTES);
    for (int s = 1; s < CL_N; s++)
        if (cl_send_key(c, cr->keys[s], &m) != 0) return -1;
    return 0;
}

static int key_cmp(const void *a, const void *b) { return memcmp(a, b, CLUSTER_KEY_BYTES + 32); }

/* Run commit-reveal; fill ep (keys, self, transcript, boot ids). 0, -2 (newer attempt), -1 with why. */
static int commit_reveal(cluster *c, cr_state *cr, cl_epoch *ep, char *why, size_t wl)
{
    cl_item *got[CL_N] = {0};
    int rc;
    if (RAND_bytes(cr->nonces[0], 32) != 1) return snprintf(why, wl, "random source failed"), -1;
    commitment(c->cfg.self_key, cr->nonces[0], cr->commits[0]);
    pthread_mutex_lock(&c->mu);
    for (int s = 0; s < MESH_PEERS; s++) {
        memcpy(cr->keys[s + 1], c->peer[s].key, CLUSTER_KEY_BYTES);
        memcpy(ep->boot_ids[s + 1], c->peer[s].boot_id, MESH_BOOT_ID_BYTES);
    }
    pthread_mutex_unlock(&c->mu);
    memcpy(cr->keys[0], c->cfg.self_key, CLUSTER_KEY_BYTES);
    memcpy(ep->boot_ids[0], c->cfg.boot_id, MESH_BOOT_ID_BYTES);
    if (cr_send(c, cr, CL_KIND_COMMIT, NULL, 0) != 0) return snprintf(why, wl, "a peer is unreachable"), -1;
    pthread_mutex_lock(&c->mu);
    rc = gather(c, cr, CL_KIND_COMMIT, got, cl_now_ms() + CL_DKG_ROUND_MS, why, wl);
    for (int s = 1; s < CL_N; s++)
        if (got[s]) memcpy(cr->commits[s], got[s]->m.sid, CL_SID_BYTES), cl_item_free(got[s]), got[s] = NULL;
    pthread_mutex_unlock(&c->mu);
    if (rc) return rc;
    if (cr_send(c, cr, CL_KIND_REVEAL, cr->nonces[0], 32) != 0) return snprintf(why, wl, "a peer is unreachable"), -1;
    pthread_mutex_lock(&c->mu);
    rc = gather(c, cr, CL_KIND_REVEAL, got, cl_now_ms() + CL_DKG_ROUND_MS, why, wl);
    for (int s = 1; s < CL_N && !rc; s++) {
        uint8_t chk[CL_SID_BYTES];
        if (got[s]->m.bc_len != 32) {
            cl_exclude(c, cr->keys[s], "malformed DKG reveal");
            rc = -1, snprintf(why, wl, "malformed reveal");
            break;
        }
        memcpy(cr->nonces[s], got[s]->m.bc, 32);
        commitment(cr->keys[s], cr->nonces[s], chk);
        if (memcmp(chk, cr->commits[s], CL_SID_BYTES)) {
            cl_exclude(c, cr->keys[s], "DKG reveal does not open its commitment");
            rc = -1, snprintf(why, wl, "a reveal does not open its commitment");
        }
    }
    for (int s = 1; s < CL_N; s++) cl_item_free(got[s]);
    pthread_mutex_unlock(&c->mu);
    if (rc) return rc;
    /* sort (key, nonce) pairs by key: party p = rank p */
    uint8_t pairs[CL_N][CLUSTER_KEY_BYTES + 32];
    for (int i = 0; i < CL_N; i++)
        memcpy(pairs[i], cr->keys[i], CLUSTER_KEY_BYTES), memcpy(pairs[i] + CLUSTER_KEY_BYTES, cr->nonces[i], 32);
    uint8_t boots[CL_N][MESH_BOOT_ID_BYTES];
    memcpy(boots, ep->boot_ids, sizeof boots);
    qsort(pairs, CL_N, sizeof pairs[0], key_cmp);
    for (int i = 0; i < CL_N; i++) {
        memcpy(ep->keys[i], pairs[i], CLUSTER_KEY_BYTES);
        for (int k = 0; k < CL_N; k++)
            if (!memcmp(cr->keys[k], pairs[i], CLUSTER_KEY_BYTES))
                memcpy(ep->boot_ids[i], boots[k], MESH_BOOT_ID_BYTES);
        if (!memcmp(pairs[i], c->cfg.self_key, CLUSTER_KEY_BYTES)) ep->self = (unsigned)i + 1;
        if (i && !memcmp(pairs[i], pairs[i - 1], CLUSTER_KEY_BYTES))
            return snprintf(why, wl, "two nodes share a key"), -1;
    }
    static const char label[] = "cctsa-cluster-dkg-v1";
    uint8_t num[6] = {(uint8_t)(cr->epoch >> 24), (uint8_t)(cr->epoch >> 16),  (uint8_t)(cr->epoch >> 8),
                      (uint8_t)cr->epoch,         (uint8_t)(cr->attempt >> 8), (uint8_t)cr->attempt};
    const void *parts[] = {label, c->cfg.measurement, num, pairs};
    size_t lens[] = {sizeof label, ATTEST_MEASUREMENT_BYTES, sizeof num, sizeof pairs};
    cl_sha384(parts, lens, 4, ep->transcript);
    ep->number = cr->epoch;
    return 0;
}

static void derive(const cl_epoch *ep, const char *label, uint8_t out[CL_SID_BYTES])
{
    uint8_t h[48];
    const void *parts[] = {label, ep->transcript};
    size_t lens[] = {strlen(label) + 1, sizeof ep->transcript};
    cl_sha384(parts, lens, 2, h);
    memcpy(out, h, CL_SID_BYTES);
}

/* ---- step 3 and the later agreement rounds: everyone broadcasts, everyone compares ---- */
typedef struct {
    const uint8_t *mine;
    size_t len;
    int compare;    /* 1: all must equal mine */
    uint8_t *from1; /* copy of party 1's broadcast (distribution) */
    size_t from1_len;
    int keep_all; /* copy every party's broadcast into all[] */
    uint8_t *all[CL_N + 1];
    size_t all_len[CL_N + 1];
} agree_state;

static int agree_step(void *vst, unsigned round, const cl_in *in, cl_out *out, cl_err *e)
{
    agree_state *st = vst;
    if (round == 1) {
        if (!(out->bc = malloc(st->len ? st->len : 1))) return cl_err_set(e, CL_E_LOCAL, 0, 0, "oom"), CL_E_LOCAL;
        if (st->len) memcpy(out->bc, st->mine, st->len);
        out->bc_len = st->len;
        return CL_STEP_MORE;
    }
    unsigned differ = 0;
    for (unsigned q = 1; q <= CL_N; q++)
        if (st->compare && (in->bc_len[q] != st->len || memcmp(in->bc[q], st->mine, st->len))) differ |= 1u << (q - 1);
    if (differ) return cl_err_set(e, CL_E_REFUSED, 0, differ, "parties 0x%x disagree", differ), CL_E_REFUSED;
    for (unsigned q = 1; q <= CL_N && st->keep_all; q++)
        if (in->bc_len[q] && (st->all[q] = malloc(in->bc_len[q]))) {
            memcpy(st->all[q], in->bc[q], in->bc_len[q]);
            st->all_len[q] = in->bc_len[q];
        }
    if (in->bc_len[1] && (st->from1 = malloc(in->bc_len[1]))) {
        memcpy(st->from1, in->bc[1], in->bc_len[1]);
        st->from1_len = in->bc_len[1];
    }
    return CL_STEP_DONE;
}
static const cl_proto agree_proto = {"agree", CL_KIND_CONFIRM, agree_step, NULL};

static int agree(cluster *c, cl_epoch *ep, const char *what, agree_state *st, cl_err *e);

int cl_agree(cluster *c, cl_epoch *ep, const char *what, const uint8_t *mine, size_t len, int compare,
             uint8_t *all[CL_N + 1], size_t all_len[CL_N + 1], cl_err *e)
{
    agree_state st = {.mine = mine, .len = len, .compare = compare, .keep_all = all != NULL};
    int rc = agree(c, ep, what, &st, e);
    free(st.from1);
    for (unsigned q = 0; q <= CL_N; q++) {
        if (all)
            all[q] = st.all[q], all_len[q] = st.all_len[q];
        else
            free(st.all[q]);
    }
    return rc;
}

static int agree(cluster *c, cl_epoch *ep, const char *what, agree_state *st, cl_err *e)
{
    uint8_t sid[CL_SID_BYTES];
    cl_session s;
    derive(ep, what, sid);
    cl_session_init(&s, c, ep, CL_KIND_CONFIRM, sid, 0x1f, CL_DKG_ROUND_MS, 0);
    return cl_session_run(c, &s, &agree_proto, st, e);
}

/* ---- step 4: self-test ---- */
static int selftest(cluster *c, cl_epoch *ep, cl_err *e)
{
    for (unsigned set = 0; set < 32; set++) {
        unsigned ids[CL_T];
        if (!cl_set_ids(set, ids) || ids[0] != ep->self) continue;
        for (unsigned scheme = CL_SCHEME_ML; scheme <= CL_SCHEME_EC; scheme++) {
            uint8_t msg[96], sig[X509_MAX_SIGBYTES];
            size_t sl = sizeof sig;
            cl_sign_req r = {.purpose = CL_PURPOSE_SELFTEST, .scheme = (uint8_t)scheme};
            r.tbs_len = cl_selftest_msg(ep, scheme, set, msg);
            r.tbs = msg;
            int rc = cl_sign_part(c, ep, &r, set, cl_now_ms() + 60000, sig, &sl, e);
            if (rc) return rc;
            int alg = scheme == CL_SCHEME_ML ? X509_ALG_MLDSA65 : X509_ALG_ECDSA_P384;
            const uint8_t *pub = scheme == CL_SCHEME_ML ? ep->ml_pk : ep->ec_pub;
            size_t pl = scheme == CL_SCHEME_ML ? sizeof ep->ml_pk : sizeof ep->ec_pub;
            if (x509_verify_raw(alg, pub, pl, msg, r.tbs_len, sig, sl) != 0)
                return cl_err_set(e, CL_E_LOCAL, 0, 0, "self-test signature of set 0x%x does not verify", set),
                       CL_E_LOCAL;
        }
    }
    return 0;
}

static void put32(uint8_t *p, size_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

/* Pack up to 4 length-prefixed blobs. */
uint8_t *cl_pack(const uint8_t *const *b, const size_t *l, int n, size_t *out_len)
{
    size_t total = 0;
    for (int i = 0; i < n; i++) total += 4 + l[i];
    uint8_t *o = malloc(total ? total : 1), *p = o;
    if (!o) return NULL;
    for (int i = 0; i < n; i++) {
        put32(p, l[i]);
        if (l[i]) memcpy(p + 4, b[i], l[i]);
        p += 4 + l[i];
    }
    *out_len = total;
    return o;
}

int cl_unpack(const uint8_t *in, size_t len, const uint8_t **b, size_t *l, int n)
{
    for (int i = 0; i < n; i++) {
        if (len < 4) return -1;
        size_t k = (size_t)in[0] << 24 | (size_t)in[1] << 16 | (size_t)in[2] << 8 | in[3];
        if (k > len - 4) return -1;
        b[i] = in + 4, l[i] = k;
        in += 4 + k, len -= 4 + k;
    }
    return len ? -1 : 0;
}

/* ---- step 5: CSRs and certificates ---- */
static int certify(cluster *c, cl_epoch *ep, cl_err *e)
{
    uint8_t *csr[2] = {0}, *cert[2] = {0}, *blob = NULL;
    size_t csr_len[2] = {0}, cert_len[2] = {0}, blob_len = 0;
    char why[256] = "";
    int rc = 0;
    if (ep->self == 1) { /* ECDSA [0], ML-DSA [1] */
        if ((rc = cl_csr_build(c, ep, CL_SCHEME_EC, 0x07, &csr[0], &csr_len[0], e)) != 0 ||
            (rc = cl_csr_build(c, ep, CL_SCHEME_ML, 0x07, &csr[1], &csr_len[1], e)) != 0)
            goto out;
        if (c->cfg.dev_ca)
            for (int i = 0; i < 2; i++)
                if (tsp_devca_sign_csr(c->cfg.dev_ca, csr[i], csr_len[i], c->cfg.measurement, c->cfg.cert_lifetime,
                                       &cert[i], &cert_len[i], why, sizeof why) != 0) {
                    rc = cl_err_set(e, CL_E_LOCAL, 0, 0, "%s", why);
                    goto out;
                }
        const uint8_t *b[4] = {csr[0], csr[1], cert[0], cert[1]};
        size_t l[4] = {csr_len[0], csr_len[1], cert_len[0], cert_len[1]};
        if (!(blob = cl_pack(b, l, 4, &blob_len))) {
            rc = cl_err_set(e, CL_E_LOCAL, 0, 0, "oom");
            goto out;
        }
    }
    agree_state st = {.mine = blob, .len = blob_len, .compare = 0};
    if ((rc = agree(c, ep, "cctsa-cluster-certs-v1", &st, e)) != 0) goto out;
    const uint8_t *b[4];
    size_t l[4];
    if (!st.from1 || cl_unpack(st.from1, st.from1_len, b, l, 4) != 0) {
        rc = cl_err_set(e, CL_E_REFUSED, 1, 0, "party 1 distributed no CSRs");
    } else if (cl_check_csr(c, ep, CL_SCHEME_EC, b[0], l[0], why, sizeof why) != 0 ||
               cl_check_csr(c, ep, CL_SCHEME_ML, b[1], l[1], why, sizeof why) != 0) {
        rc = cl_err_set(e, CL_E_REFUSED, 1, 0, "CSR from party 1 refused: %s", why);
    } else if ((ep->ec_csr = malloc(l[0])) && (ep->ml_csr = malloc(l[1]))) {
        memcpy(ep->ec_csr, b[0], l[0]), ep->ec_csr_len = l[0];
        memcpy(ep->ml_csr, b[1], l[1]), ep->ml_csr_len = l[1];
        if (l[2] && l[3] && cl_accept_certs(c, ep, b[2], l[2], b[3], l[3], why, sizeof why) != 0)
            rc = cl_err_set(e, CL_E_REFUSED, 0, 0, "certificates refused: %s", why);
    }
    free(st.from1);
out:
    for (int i = 0; i < 2; i++) free(csr[i]), free(cert[i]);
    free(blob);
    return rc;
}

#ifdef CCTSA_CLUSTER_FAULTS
/* dkg-abort: give the first attempt up right after commit-reveal (the peers must end it at once
 * on our abort), then send every later attempt's members an abort with a wrong session id (they
 * must ignore it). */
static int fault_dkg_abort(cluster *c, const cl_epoch *ep, cl_err *e)
{
    pthread_mutex_lock(&c->mu);
    int f = c->fault_dkg_abort;
    if (f == 1) c->fault_dkg_abort = 2;
    pthread_mutex_unlock(&c->mu);
    if (f == 1) return cl_err_set(e, CL_E_LOCAL, 0, 0, "fault hook: this node gives the DKG attempt up");
    if (f == 2) {
        uint8_t sid[CL_SID_BYTES];
        memcpy(sid, ep->transcript, CL_SID_BYTES);
        sid[0] ^= 0x80; /* another session */
        cl_dkg_send_abort(c, ep->number, ep->self, sid, ep->keys[0], 0, "fault hook: forged abort");
        cl_log_info(c, "fault hook: sent an abort with a wrong session id");
    }
    return 0;
}
#endif

/* ---- one attempt ---- */
static int attempt(cluster *c, cr_state *cr, cl_epoch **out, char *why, size_t wl)
{
    cl_err e = {0};
    cl_epoch *ep = calloc(1, sizeof *ep);
    uint64_t t0 = cl_now_ms(), t;
    int rc;
    if (!ep) return snprintf(why, wl, "out of memory"), -1;
    ep->refs = 1;
    if ((rc = commit_reveal(c, cr, ep, why, wl)) != 0) goto fail;
    cl_log_info(c, "DKG epoch %u attempt %u: session agreed, party %u (%llu ms)", ep->number, cr->attempt, ep->self,
                (unsigned long long)(cl_now_ms() - t0));
    cl_dkg_session_begin(c, ep);
#ifdef CCTSA_CLUSTER_FAULTS
    if ((rc = fault_dkg_abort(c, ep, &e)) != 0) goto fail_e;
#endif
    /* 2a. ML-DSA */
    cl_session s;
    uint8_t sid[CL_SID_BYTES];
    tmldsa_error te = {0};
    cl_ml_dkg md = {0};
    derive(ep, "cctsa-cluster-ml-sid-v1", sid);
    t = cl_now_ms();
    if ((rc = tmldsa_dkg_new_alloc(&md.d, ep->self, sid, &c->secure, &te)) != 0) {
        snprintf(why, wl, "ml dkg: %s", te.reason);
        goto fail;
    }
    cl_session_init(&s, c, ep, CL_KIND_ML_DKG, sid, 0x1f, CL_DKG_ROUND_MS, 0);
    rc = cl_session_run(c, &s, &cl_proto_ml_dkg, &md, &e);
    tmldsa_dkg_free(md.d);
    ep->ml = md.share;
    if (rc) goto fail_e;
    memcpy(ep->ml_pk, tmldsa_share_pk(ep->ml), TMLDSA_PKBYTES);
    memcpy(ep->ml_key_id, tmldsa_share_key_id(ep->ml), TMLDSA_KEYIDBYTES);
    cl_log_info(c, "DKG epoch %u: ML-DSA key generated (%llu ms)", ep->number, (unsigned long long)(cl_now_ms() - t));
    /* 2b. ECDSA */
    cl_ec_dkg ed = {0};
    derive(ep, "cctsa-cluster-ec-nonce-v1", sid);
    t = cl_now_ms();
    if (!(ed.d = tecdsa_dkg_new_alloc((int)ep->self, sid, &c->secure))) {
        snprintf(why, wl, "ec dkg: cannot start");
        rc = -1;
        goto fail;
    }
    cl_session_init(&s, c, ep, CL_KIND_EC_DKG, sid, 0x1f, CL_DKG_ROUND_MS, 0);
    rc = cl_session_run(c, &s, &cl_proto_ec_dkg, &ed, &e);
    tecdsa_dkg_free(ed.d);
    ep->ec = ed.share;
    if (rc) goto fail_e;
    if (tecdsa_keyshare_pubkey(ep->ec, ep->ec_pub) != TECDSA_OK) {
        snprintf(why, wl, "ec dkg: no public key");
        rc = -1;
        goto fail;
    }
    tecdsa_keyshare_key_id(ep->ec, ep->ec_key_id);
    cl_log_info(c, "DKG epoch %u: ECDSA key generated (%llu ms)", ep->number, (unsigned long long)(cl_now_ms() - t));
    ep->ml_signer = (x509_signer){.alg = X509_ALG_MLDSA65, .pub = ep->ml_pk, .publen = sizeof ep->ml_pk};
    ep->ec_signer = (x509_signer){.alg = X509_ALG_ECDSA_P384, .pub = ep->ec_pub, .publen = sizeof ep->ec_pub};
    /* 3. all five confirm the same keys */
    uint8_t conf[48];
    const void *parts[] = {ep->ml_pk, ep->ml_key_id, ep->ec_pub, ep->ec_key_id, ep->transcript};
    size_t lens[] = {sizeof ep->ml_pk, sizeof ep->ml_key_id, sizeof ep->ec_pub, sizeof ep->ec_key_id,
                     sizeof ep->transcript};
    cl_sha384(parts, lens, 5, conf);
    agree_state as = {.mine = conf, .len = sizeof conf, .compare = 1};
    if ((rc = agree(c, ep, "cctsa-cluster-confirm-v1", &as, &e)) != 0) goto fail_e;
    free(as.from1);
    /* the epoch becomes visible to participants (state DKG: self-tests and CSRs only) */
    pthread_mutex_lock(&c->mu);
    c->ep = ep;
    ep->refs++;
    c->epoch_no = ep->number;
    cl_start_parked(c);
    pthread_mutex_unlock(&c->mu);
    /* 4. self-test */
    t = cl_now_ms();
    if ((rc = selftest(c, ep, &e)) != 0) goto fail_e;
    as = (agree_state){.mine = (const uint8_t *)"selftest-ok", .len = 11, .compare = 1};
    if ((rc = agree(c, ep, "cctsa-cluster-selftest-ok-v1", &as, &e)) != 0) goto fail_e;
    free(as.from1);
    cl_log_info(c, "DKG epoch %u: self-test of all 10 signer sets passed for both schemes (%llu ms)", ep->number,
                (unsigned long long)(cl_now_ms() - t));
    /* 5. CSRs and certificates */
    t = cl_now_ms();
    if ((rc = certify(c, ep, &e)) != 0) goto fail_e;
    cl_log_info(c, "DKG epoch %u: CSRs signed%s (%llu ms)", ep->number, c->cfg.dev_ca ? ", certificates issued" : "",
                (unsigned long long)(cl_now_ms() - t));
    /* 6. the binding record, signed by both group keys */
    if (c->cfg.provider && ep->ec_cert && ep->ml_cert) {
        t = cl_now_ms();
        if ((rc = cl_binding_make(c, ep, &e)) != 0) goto fail_e;
        cl_log_info(c, "DKG epoch %u: binding record signed by both group keys (%llu ms)", ep->number,
                    (unsigned long long)(cl_now_ms() - t));
    }
    cl_dkg_session_end(c, 0, NULL);
    *out = ep;
    return 0;
fail_e:
    snprintf(why, wl, "%s", e.reason);
    if (e.culprit) cl_blame(c, ep, &e);
fail:
    cl_dkg_session_end(c, e.culprit, why[0] ? why : "local failure");
    pthread_mutex_lock(&c->mu);
    if (c->ep == ep) {
        c->ep = NULL;
        cl_epoch_release(c, ep);
    }
    cl_epoch_release(c, ep);
    pthread_mutex_unlock(&c->mu);
    return rc ? rc : -1;
}

/* Background refill of the ECDSA presignature pools this node coordinates (c->mu held on entry
 * and exit; released while presigning). 1 if a presignature was made or tried. */
static int refill(cluster *c)
{
    if (!c->ep || c->epoch_state != LC_EPOCH_ACTIVE || cl_now_ms() < c->refill_next_ms) return 0;
    cl_epoch *ep = c->ep;
    for (unsigned set = 0; set < 32; set++) {
        unsigned ids[CL_T], ok = 1, have = 0;
        if (!cl_set_ids(set, ids) || !(set & (1u << (ep->self - 1)))) continue;
        for (unsigned j = 0; j < CL_T && ok; j++)
            if (ids[j] != ep->self)
                ok = cl_party_reachable(c, ep, ids[j]) && !cl_is_excluded(c, ep->keys[ids[j] - 1]) &&
                     !tecdsa_keyshare_is_banned(ep->ec, (int)ids[j]);
        for (cl_presig *p = ep->pool; p && ok; p = p->next) have += p->set == set && p->coord == ep->self;
        if (!ok || have >= CL_PRESIGS_PER_SET) continue;
        ep->refs++;
        pthread_mutex_unlock(&c->mu);
        cl_err e;
        int rc = cl_presign(c, ep, set, cl_now_ms() + 4 * CL_SIGN_ROUND_MS, &e);
        if (rc && e.culprit) cl_blame(c, ep, &e);
        pthread_mutex_lock(&c->mu);
        if (rc) c->refill_next_ms = cl_now_ms() + 1000; /* do not hammer a failing set */
        cl_epoch_release(c, ep);
        return 1;
    }
    return 0;
}

static void *manager(void *arg)
{
    cluster *c = arg;
    cr_state cr = {0};
    pthread_mutex_lock(&c->mu);
    while (!c->stopping) {
        uint32_t ne;
        unsigned na;
        int newer = newer_commit(c, cr.epoch, cr.attempt, &ne, &na);
        if (!dkg_wanted(c) || (!newer && (cl_now_ms() < c->dkg_next_ms || c->node_state == LC_NODE_NO_SHARE))) {
            cl_binding_retry(c);
            cl_exclusion_tick(c);
            if (refill(c)) continue;
            cl_wait_ms(c, 200);
            continue;
        }
        /* next attempt: ours, or a newer one a peer began */
        uint32_t epoch = c->epoch_no + 1;
        unsigned att = cr.epoch == epoch ? cr.attempt + 1 : 1;
        if (newer && (ne > epoch || (ne == epoch && na > att))) epoch = ne, att = na;
        if (epoch > c->epoch_no + 1 && !newer) epoch = c->epoch_no + 1;
        cr = (cr_state){.epoch = epoch, .attempt = att};
        if (c->epoch_state == LC_EPOCH_RETIRED) (void)cl_epoch_event(c, LC_EV_NEW_EPOCH);
        if (c->node_state == LC_NODE_NO_SHARE) (void)cl_node_event(c, LC_NEV_SHARE_LOST); /* their epoch is over */
        c->live_epoch = 0;
        (void)cl_epoch_event(c, LC_EV_DKG_START);
        if (c->node_state == LC_NODE_MESHED) (void)cl_node_event(c, LC_NEV_DKG_START);
        snprintf(c->reason, sizeof c->reason, "DKG for epoch %u running", epoch);
        pthread_mutex_unlock(&c->mu);
        cl_notify(c);
        uint64_t t0 = cl_now_ms();
        char why[192] = "";
        cl_epoch *ep = NULL;
        cl_log_info(c, "DKG epoch %u attempt %u starts", epoch, att);
        int rc = attempt(c, &cr, &ep, why, sizeof why);
        uint8_t transcript[48] = {0};
        unsigned party = 0;
        if (ep) memcpy(transcript, ep->transcript, sizeof transcript), party = ep->self;
        pthread_mutex_lock(&c->mu);
        int dkg_ok = rc == 0 && c->epoch_state == LC_EPOCH_DKG;
        if (dkg_ok) {
            if (ep->ml_cert && ep->ec_cert && (c->cfg.dev_ca || !c->cfg.provider || ep->binding)) {
                (void)cl_epoch_event(c, LC_EV_DKG_DONE);
                (void)cl_node_event(c, LC_NEV_DKG_DONE);
                c->reason[0] = 0;
            } else {
                (void)cl_node_event(c, LC_NEV_DKG_DONE);
                snprintf(c->reason, sizeof c->reason, "waiting for the CA-issued certificates (cluster_install_certs)");
                cl_binding_after_certs(c, ep); /* production: they may have come during the self-test */
            }
            c->dkg_ok++;
            c->dkg_failures = 0;
            c->dkg_last_ms = cl_now_ms() - t0;
            cl_log_info(c, "DKG epoch %u done in %llu ms: %s", epoch, (unsigned long long)c->dkg_last_ms,
                        lc_epoch_name(c->epoch_state));
            cl_epoch_release(c, ep); /* c->ep keeps its reference */
        } else if (rc == -3) {
            /* restarted into a cluster that serves without us: wait for its next epoch */
            if (c->epoch_state == LC_EPOCH_DKG) (void)cl_epoch_event(c, LC_EV_DKG_FAILED);
            if (c->node_state == LC_NODE_IN_DKG) (void)cl_node_event(c, LC_NEV_DKG_FAILED);
            (void)cl_node_event(c, LC_NEV_NO_SHARE);
            if (c->live_epoch > c->epoch_no) c->epoch_no = c->live_epoch;
            snprintf(c->reason, sizeof c->reason,
                     "peers serve epoch %u without this node (restarted, no share): "
                     "waiting for the next epoch",
                     c->live_epoch);
            cl_log_info(c, "%s", c->reason);
        } else {
            if (rc == 0) cl_epoch_release(c, ep);
            c->dkg_failed++;
            c->dkg_failures++;
            uint64_t back = cl_backoff_ms(c->dkg_failures);
            c->dkg_next_ms = cl_now_ms() + back;
            if (c->ep) {
                cl_epoch *old = c->ep;
                c->ep = NULL;
                cl_epoch_release(c, old);
            }
            c->epoch_no = epoch - 1; /* the number is used once an epoch succeeds */
            if (c->epoch_state == LC_EPOCH_DKG) (void)cl_epoch_event(c, LC_EV_DKG_FAILED);
            if (c->node_state == LC_NODE_IN_DKG) (void)cl_node_event(c, LC_NEV_DKG_FAILED);
            snprintf(c->reason, sizeof c->reason, "DKG failed: %.120s", why);
            cl_log_info(c, "DKG epoch %u attempt %u failed after %llu ms: %s (retry in %llu ms)", epoch, att,
                        (unsigned long long)(cl_now_ms() - t0), why, (unsigned long long)back);
        }
        pthread_mutex_unlock(&c->mu);
        cl_notify(c);
        if (rc != -2 && rc != -3) cl_audit_dkg(c, epoch, party, transcript, dkg_ok ? "ok" : "failed");
        pthread_mutex_lock(&c->mu);
    }
    pthread_mutex_unlock(&c->mu);
    return NULL;
}

int cl_dkg_start_manager(cluster *c)
{
    pthread_mutex_lock(&c->mu);
    int rc = cl_spawn(c, manager, c);
    pthread_mutex_unlock(&c->mu);
    return rc;
}

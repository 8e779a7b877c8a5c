/* cluster_sign.c: one threshold signature over one signer set, both roles. The coordinator sends
 * START (a cl_sign_req) to the two other signers, then runs the scheme's session; a participant
 * refuses a reused session id, an unknown epoch or a request it cannot explain (the policy
 * callbacks compare the requested bytes with its own rebuild, byte for byte), and otherwise runs
 * the same session. ECDSA signing uses a presignature of the set made beforehand (pooled) or on
 * the spot. */
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "node/cluster_audit.h"
#include "node/cluster_schemes.h"
#include "node/cluster_sign.h"

#define CL_POOL_FOREIGN_MAX 64 /* presignatures kept for other coordinators */

void cl_session_init(cl_session *s, cluster *c, const cl_epoch *ep, uint8_t kind, const uint8_t sid[CL_SID_BYTES],
                     unsigned set, unsigned round_ms, uint64_t deadline_ms)
{
    (void)c;
    memset(s, 0, sizeof *s);
    s->kind = kind;
    s->epoch = ep->number;
    memcpy(s->sid, sid, CL_SID_BYTES);
    s->self = ep->self;
    s->members = set;
    memcpy(s->keys, ep->keys, sizeof s->keys);
    s->round_ms = round_ms;
    s->deadline_ms = deadline_ms;
}

void cl_blame(cluster *c, const cl_epoch *ep, const cl_err *e)
{
    if (!e->culprit || e->culprit > CL_N || e->culprit == ep->self) return;
    pthread_mutex_lock(&c->mu);
    cl_exclude(c, ep->keys[e->culprit - 1], e->reason);
    pthread_mutex_unlock(&c->mu);
    cl_notify(c);
}

static int send_start(cluster *c, const cl_epoch *ep, const uint8_t sid[CL_SID_BYTES], const cl_sign_req *r)
{
    uint8_t *body;
    size_t len;
    if (cl_req_encode(r, &body, &len) != 0) return -1;
    cl_msg m = {.kind = CL_KIND_START, .party = (uint8_t)ep->self, .epoch = ep->number, .bc = body, .bc_len = len};
    memcpy(m.sid, sid, CL_SID_BYTES);
    memcpy(m.sender, c->cfg.self_key, CLUSTER_KEY_BYTES);
    int rc = 0;
    for (unsigned q = 1; q <= CL_N; q++)
        if (q != ep->self && (r->set & (1u << (q - 1))) && cl_send_key(c, ep->keys[q - 1], &m) != 0) rc = -1;
    free(body);
    return rc;
}

static int fresh_sid(cluster *c, uint8_t sid[CL_SID_BYTES])
{
    if (RAND_bytes(sid, CL_SID_BYTES) != 1) return -1;
    pthread_mutex_lock(&c->mu);
    int rc = cl_sid_use(c, sid);
    pthread_mutex_unlock(&c->mu);
    return rc;
}

static void batch_id(const uint8_t sid[CL_SID_BYTES], uint8_t out[TECDSA_ID_BYTES])
{
    static const char label[] = "cctsa-cluster-presign-v1";
    const void *parts[] = {label, sid};
    size_t lens[] = {sizeof label, CL_SID_BYTES};
    cl_sha384(parts, lens, 2, out);
}

static void pool_put(cluster *c, cl_epoch *ep, unsigned set, unsigned coord, const uint8_t sid[CL_SID_BYTES],
                     tecdsa_presig *ps)
{
    cl_presig *p = calloc(1, sizeof *p);
    if (!p) {
        tecdsa_presig_free(ps);
        return;
    }
    p->set = set, p->coord = coord, p->ps = ps;
    memcpy(p->sid, sid, CL_SID_BYTES);
    pthread_mutex_lock(&c->mu);
    p->next = ep->pool;
    ep->pool = p;
    ep->n_pool++;
    if (ep->n_pool > CL_POOL_FOREIGN_MAX + 6 * CL_PRESIGS_PER_SET) { /* drop the oldest foreign one */
        cl_presig **pp = &ep->pool, **last = NULL;
        for (; *pp; pp = &(*pp)->next)
            if ((*pp)->coord != ep->self) last = pp;
        if (last) {
            cl_presig *old = *last;
            *last = old->next;
            ep->n_pool--;
            tecdsa_presig_free(old->ps);
            free(old);
        }
    }
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
}

/* Take a presignature (by sid, or any of ours for set when sid is NULL). */
static tecdsa_presig *pool_take(cluster *c, cl_epoch *ep, unsigned set, unsigned coord, const uint8_t *sid,
                                uint8_t sid_out[CL_SID_BYTES])
{
    tecdsa_presig *ps = NULL;
    pthread_mutex_lock(&c->mu);
    for (cl_presig **pp = &ep->pool; *pp; pp = &(*pp)->next) {
        cl_presig *p = *pp;
        if (p->set != set || p->coord != coord || (sid && memcmp(p->sid, sid, CL_SID_BYTES))) continue;
        *pp = p->next;
        ep->n_pool--;
        ps = p->ps;
        if (sid_out) memcpy(sid_out, p->sid, CL_SID_BYTES);
        free(p);
        break;
    }
    pthread_mutex_unlock(&c->mu);
    return ps;
}

unsigned cl_pool_count(cluster *c, cl_epoch *ep, unsigned set)
{
    unsigned n = 0;
    pthread_mutex_lock(&c->mu);
    for (cl_presig *p = ep->pool; p; p = p->next) n += p->set == set && p->coord == ep->self;
    pthread_mutex_unlock(&c->mu);
    return n;
}

static int run_presign(cluster *c, cl_epoch *ep, const uint8_t sid[CL_SID_BYTES], unsigned set, unsigned coord,
                       uint64_t deadline_ms, cl_err *e)
{
    unsigned ids[CL_T];
    int signers[CL_T];
    uint8_t bid[TECDSA_ID_BYTES];
    cl_session s;
    cl_ec_presign st = {0};
    (void)cl_set_ids(set, ids);
    for (int i = 0; i < CL_T; i++) signers[i] = (int)ids[i];
    batch_id(sid, bid);
    if (!(st.p = tecdsa_presign_new(ep->ec, signers, bid)))
        return cl_err_set(e, CL_E_LOCAL, 0, 0, "presign: cannot start (banned peer or busy)"), CL_E_LOCAL;
    cl_session_init(&s, c, ep, CL_KIND_EC_PRESIGN, sid, set, CL_SIGN_ROUND_MS, deadline_ms);
    int rc = cl_session_run(c, &s, &cl_proto_ec_presign, &st, e);
    tecdsa_presign_free(st.p);
    if (rc == 0)
        pool_put(c, ep, set, coord, sid, st.ps);
    else
        tecdsa_presig_free(st.ps);
    return rc;
}

int cl_presign(cluster *c, cl_epoch *ep, unsigned set, uint64_t deadline_ms, cl_err *e)
{
    uint8_t sid[CL_SID_BYTES];
    cl_sign_req r = {
        .purpose = CL_PURPOSE_PRESIGN, .scheme = CL_SCHEME_EC, .set = (uint8_t)set, .coord = (uint8_t)ep->self};
    if (fresh_sid(c, sid) != 0 || send_start(c, ep, sid, &r) != 0)
        return cl_err_set(e, CL_E_LOCAL, 0, 0, "presign: cannot reach the signers"), CL_E_LOCAL;
    return run_presign(c, ep, sid, set, ep->self, deadline_ms, e);
}

static int accept_own(void *arg, const uint8_t *tbs, size_t len)
{
    (void)arg, (void)tbs, (void)len;
    return 0;
}

static int accept_own_ml(void *arg, unsigned party, const uint8_t *msg, size_t msglen, const uint8_t *ctx,
                         size_t ctxlen, char *reason, size_t reason_len)
{
    (void)arg, (void)party, (void)msg, (void)msglen, (void)ctx, (void)ctxlen, (void)reason, (void)reason_len;
    return 0;
}

/* A signature this node coordinated took `attempts` threshold ML-DSA attempts (public). */
static void count_attempts(cluster *c, unsigned attempts)
{
    unsigned b = attempts < CLUSTER_ML_ATTEMPT_BUCKETS ? attempts - 1 : CLUSTER_ML_ATTEMPT_BUCKETS - 1;
    pthread_mutex_lock(&c->mu);
    c->ml_attempts[b]++;
    c->ml_attempts_sum += attempts;
    pthread_mutex_unlock(&c->mu);
}

static int run_sign(cluster *c, cl_epoch *ep, const uint8_t sid[CL_SID_BYTES], const cl_sign_req *r, tecdsa_presig *ps,
                    tmldsa_policy_fn mlp, tecdsa_policy_fn ecp, void *parg, uint64_t deadline_ms, uint8_t *sig,
                    size_t *sig_len, cl_err *e)
{
    cl_session s;
    int rc;
    if (r->scheme == CL_SCHEME_ML) {
        cl_ml_sign st = {0};
        tmldsa_error te = {0};
        (void)cl_set_ids(r->set, st.ids);
        rc = tmldsa_sign_new(&st.s, ep->ml, sid, r->set, TMLDSA_K_DEFAULT, r->tbs, r->tbs_len, NULL, 0, mlp, parg, &te);
        if (rc) {
            tecdsa_presig_free(ps);
            return cl_err_set(e, rc, te.culprit, te.suspects, "%s", te.reason), rc;
        }
        cl_session_init(&s, c, ep, CL_KIND_ML_SIGN, sid, r->set, CL_SIGN_ROUND_MS, deadline_ms);
        rc = cl_session_run(c, &s, &cl_proto_ml_sign, &st, e);
        if (rc == 0 && sig) memcpy(sig, st.sig, TMLDSA_SIGBYTES), *sig_len = TMLDSA_SIGBYTES;
        if (rc == 0 && r->coord == ep->self) count_attempts(c, tmldsa_sign_attempt(st.s) + 1);
        tmldsa_sign_free(st.s);
        return rc;
    }
    cl_ec_sign st = {.ps = ps,
                     .tbs = r->tbs,
                     .tbs_len = r->tbs_len,
                     .policy = ecp,
                     .policy_arg = parg,
                     .self = ep->self,
                     .coord = r->coord,
                     .key_id = ep->ec_key_id,
                     .pub = ep->ec_pub};
    cl_session_init(&s, c, ep, CL_KIND_EC_SIGN, sid, r->set, CL_SIGN_ROUND_MS, deadline_ms);
    rc = cl_session_run(c, &s, &cl_proto_ec_sign, &st, e);
    if (rc == 0 && sig) memcpy(sig, st.der, st.der_len), *sig_len = st.der_len;
    tecdsa_msg_free(&st.own);
    tecdsa_presig_free(ps);
    return rc;
}

int cl_sign_part(cluster *c, cl_epoch *ep, const cl_sign_req *req, unsigned set, uint64_t deadline_ms, uint8_t *sig,
                 size_t *sig_len, cl_err *e)
{
    uint8_t sid[CL_SID_BYTES];
    cl_sign_req r = *req;
    tecdsa_presig *ps = NULL;
    int rc;
    memset(e, 0, sizeof *e);
    r.set = (uint8_t)set;
    r.coord = (uint8_t)ep->self;
    if (r.scheme == CL_SCHEME_EC) {
        if (!(ps = pool_take(c, ep, set, ep->self, NULL, r.presig))) {
            if ((rc = cl_presign(c, ep, set, deadline_ms, e)) != 0) return rc;
            if (!(ps = pool_take(c, ep, set, ep->self, NULL, r.presig)))
                return cl_err_set(e, CL_E_LOCAL, 0, 0, "presignature vanished"), CL_E_LOCAL;
        }
    }
    if (fresh_sid(c, sid) != 0 || send_start(c, ep, sid, &r) != 0) {
        tecdsa_presig_free(ps);
        return cl_err_set(e, CL_E_LOCAL, 0, 0, "cannot reach the signers"), CL_E_LOCAL;
    }
    return run_sign(c, ep, sid, &r, ps, accept_own_ml, accept_own, NULL, deadline_ms, sig, sig_len, e);
}

/* ---- participant ---- */
typedef struct {
    cluster *c;
    cl_epoch *ep;
    cl_sign_req r;
    uint8_t sid[CL_SID_BYTES];
    cl_item *it;
    char why[160];
} part_job;

static int check(part_job *j, const uint8_t *tbs, size_t len)
{
    uint8_t *want = NULL;
    size_t wl = 0;
    if (cl_expected_tbs(j->c, j->ep, &j->r, &want, &wl, j->why, sizeof j->why) != 0) return -1;
    int same = wl == len && !memcmp(want, tbs, len);
    free(want);
    if (!same) snprintf(j->why, sizeof j->why, "the bytes to sign do not match this node's own rebuild");
    return same ? 0 : -1;
}

static int policy_ml(void *arg, unsigned party, const uint8_t *msg, size_t msglen, const uint8_t *ctx, size_t ctxlen,
                     char *reason, size_t reason_len)
{
    part_job *j = arg;
    (void)party;
    if (ctxlen) {
        snprintf(reason, reason_len, "unexpected ML-DSA context");
        return -1;
    }
    (void)ctx;
    int rc = check(j, msg, msglen);
    if (rc) snprintf(reason, reason_len, "%s", j->why);
    return rc;
}

static int policy_ec(void *arg, const uint8_t *tbs, size_t len) { return check(arg, tbs, len); }

static void *participant(void *arg)
{
    part_job *j = arg;
    cluster *c = j->c;
    cl_err e = {0};
    cl_session s;
    int rc;
    if (j->r.purpose == CL_PURPOSE_PRESIGN) {
        rc = run_presign(c, j->ep, j->sid, j->r.set, j->r.coord, cl_now_ms() + 4 * CL_SIGN_ROUND_MS, &e);
    } else {
        tecdsa_presig *ps = NULL;
        /* our presigning run of that presignature may still be finishing its last step */
        for (uint64_t until = cl_now_ms() + CL_SIGN_ROUND_MS;
             j->r.scheme == CL_SCHEME_EC && !ps && cl_now_ms() < until;) {
            if ((ps = pool_take(c, j->ep, j->r.set, j->r.coord, j->r.presig, NULL))) break;
            pthread_mutex_lock(&c->mu);
            if (!c->stopping) cl_wait_ms(c, 50);
            pthread_mutex_unlock(&c->mu);
        }
        if (j->r.scheme == CL_SCHEME_EC && !ps) {
            cl_err_set(&e, CL_E_REFUSED, 0, 0, "no such presignature");
            rc = CL_E_REFUSED;
        } else {
            rc = run_sign(c, j->ep, j->sid, &j->r, ps, policy_ml, policy_ec, j, cl_now_ms() + 30000, NULL, NULL, &e);
        }
    }
    if (rc) {
        int refused = rc == TMLDSA_E_POLICY || rc == TECDSA_ERR_POLICY || rc == CL_E_REFUSED;
        const char *why = j->why[0] ? j->why : e.reason;
        cl_session_init(&s, c, j->ep, CL_KIND_ABORT, j->sid, j->r.set, 0, 0);
        if (refused) cl_session_abort(c, &s, why);
        cl_log_info(c, "participant %s %s session: %s", refused ? "refused a" : "lost a",
                    j->r.purpose == CL_PURPOSE_TOKEN ? "token" : "signing", why);
        pthread_mutex_lock(&c->mu);
        if (refused) c->refusals++;
        pthread_mutex_unlock(&c->mu);
        if (refused) cl_audit_refusal(c, "cosign", why);
        if (e.culprit) cl_blame(c, j->ep, &e);
    } else {
        cl_audit_cosign(c, j->ep, &j->r);
    }
    pthread_mutex_lock(&c->mu);
    c->participants--;
    cl_epoch_release(c, j->ep);
    cl_item_free(j->it);
    pthread_mutex_unlock(&c->mu);
    free(j);
    return NULL;
}

void cl_start_parked(cluster *c)
{
    if (!c->ep) return;
    for (;;) {
        cl_item *it = NULL, *prev = NULL;
        for (cl_item *x = c->inbox; x; prev = x, x = x->next)
            if (x->m.kind == CL_KIND_START && x->m.epoch == c->ep->number) {
                it = x;
                break;
            }
        if (!it) return;
        if (prev)
            prev->next = it->next;
        else
            c->inbox = it->next;
        if (c->inbox_tail == it) c->inbox_tail = prev;
        c->inbox_n--;
        c->inbox_bytes -= it->len;
        it->next = NULL;
        cl_on_start(c, it);
    }
}

void cl_on_start(cluster *c, cl_item *it)
{
    const char *why = NULL;
    part_job *j = NULL;
    cl_epoch *ep = c->ep;
    if ((!ep && c->epoch_state == LC_EPOCH_DKG) || (ep && it->m.epoch > ep->number)) {
        cl_inbox_put(c, it); /* our DKG has not published this epoch yet: wait for it */
        return;
    }
    if (!ep || it->m.epoch != ep->number)
        why = "no such epoch here";
    else if (it->m.party < 1 || memcmp(ep->keys[it->m.party - 1], it->m.sender, CLUSTER_KEY_BYTES))
        why = "sender is not that party";
    else if (cl_is_excluded(c, it->m.sender))
        why = "coordinator is excluded here (named culprit)";
    else if (c->participants >= CL_MAX_PARTICIPANT_THREADS)
        why = "busy";
    else if (!(j = calloc(1, sizeof *j)))
        why = "out of memory";
    else if (cl_req_parse(it->m.bc, it->m.bc_len, &j->r, &why) != 0) {
    } else if (j->r.coord != it->m.party || !(j->r.set & (1u << (ep->self - 1))))
        why = "not a signer of this set";
    else if (cl_sid_use(c, it->m.sid) != 0)
        why = "session id reused";
    if (why) {
        {
            cl_msg m = {.kind = CL_KIND_ABORT,
                        .party = ep ? (uint8_t)ep->self : 0,
                        .epoch = it->m.epoch,
                        .bc = (const uint8_t *)why,
                        .bc_len = strlen(why)};
            memcpy(m.sid, it->m.sid, CL_SID_BYTES);
            memcpy(m.sender, c->cfg.self_key, CLUSTER_KEY_BYTES);
            (void)cl_send_key(c, it->m.sender, &m);
            c->refusals++;
        }
        cl_log_info(c, "refused a START: %s", why);
        cl_audit_refusal(c, "start", why);
        free(j);
        cl_item_free(it);
        return;
    }
    j->c = c;
    j->ep = cl_epoch_get(c);
    j->it = it; /* j->r points into it->buf */
    memcpy(j->sid, it->m.sid, CL_SID_BYTES);
    c->participants++;
    if (cl_spawn(c, participant, j) != 0) {
        c->participants--;
        cl_epoch_release(c, j->ep);
        free(j);
        cl_item_free(it);
    }
}

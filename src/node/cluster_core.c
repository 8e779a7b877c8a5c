/* cluster_core.c: the cluster engine object (cluster.h): configuration, peers and own readiness,
 * the availability and node state derived from them, status, exclusion of
 * culprits, the used-session-id ring, the inbox of received messages, and message dispatch. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "crypto/secure_mem.h"
#include "node/cluster_audit.h"
#include "node/cluster_certs.h"
#include "node/cluster_int.h"
#include "x509/cert.h"

static void *secure_alloc(void *ctx, size_t n)
{
    (void)ctx;
    return cc_secure_alloc(n);
}

static void secure_free(void *ctx, void *p, size_t n)
{
    (void)ctx, (void)n;
    cc_secure_free(p); /* wipes */
}

uint64_t cl_now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000u + (uint64_t)t.tv_nsec / 1000000u;
}

void cl_log_info(cluster *c, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    char id[9];
    cc_hex_encode(c->cfg.self_key, 4, id);
    cc_log(CC_LOG_INFO, "cluster", "[%s] %s", id, line);
}

int cl_err_set(cl_err *e, int code, unsigned culprit, unsigned suspects, const char *fmt, ...)
{
    if (!e) return code;
    e->code = code;
    e->culprit = culprit;
    e->suspects = culprit ? 1u << (culprit - 1) : suspects;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->reason, sizeof e->reason, fmt, ap);
    va_end(ap);
    return code;
}

void cl_out_free(cl_out *o)
{
    free(o->bc);
    for (int i = 0; i <= CL_N; i++) free(o->p2p[i]);
    memset(o, 0, sizeof *o);
}

void cl_sha384(const void *const *parts, const size_t *lens, size_t n, uint8_t out[48])
{
    EVP_MD_CTX *x = EVP_MD_CTX_new();
    unsigned len = 48;
    if (!x || EVP_DigestInit_ex(x, EVP_sha384(), NULL) != 1) abort();
    for (size_t i = 0; i < n; i++)
        if (EVP_DigestUpdate(x, parts[i], lens[i]) != 1) abort();
    if (EVP_DigestFinal_ex(x, out, &len) != 1) abort();
    EVP_MD_CTX_free(x);
}

void cl_wait_ms(cluster *c, unsigned ms) { cl_wait_cv_ms(c, &c->cv, ms); }

void cl_wait_cv_ms(cluster *c, pthread_cond_t *cv, unsigned ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += (time_t)(ms / 1000);
    ts.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) ts.tv_sec++, ts.tv_nsec -= 1000000000L;
    (void)pthread_cond_timedwait(cv, &c->mu, &ts);
}

/* ---- exclusion, session ids ---- */
static int excluded_slot(cluster *c, const uint8_t key[CLUSTER_KEY_BYTES])
{
    for (unsigned i = 0; i < c->n_excluded; i++)
        if (!memcmp(c->excluded[i], key, CLUSTER_KEY_BYTES)) return (int)i;
    return -1;
}

int cl_is_excluded(cluster *c, const uint8_t key[CLUSTER_KEY_BYTES])
{
    int i = excluded_slot(c, key);
    return i >= 0 && cl_now_ms() < c->excluded_until[i];
}

void cl_exclude(cluster *c, const uint8_t key[CLUSTER_KEY_BYTES], const char *why)
{
    if (!memcmp(key, c->cfg.self_key, CLUSTER_KEY_BYTES) || cl_is_excluded(c, key)) return;
    uint64_t now = cl_now_ms(), lo = c->cfg.exclude_min_ms ? c->cfg.exclude_min_ms : 60000,
             hi = c->cfg.exclude_max_ms ? c->cfg.exclude_max_ms : 3600000;
    int i = excluded_slot(c, key);
    if (i < 0) { /* a new entry, or the probation entry that ended longest ago */
        if (c->n_excluded < CL_N)
            i = (int)c->n_excluded++;
        else
            for (unsigned k = i = 0; k < CL_N; k++)
                if (c->excluded_until[k] < c->excluded_until[i]) i = (int)k;
        if (c->excluded_until[i] > now) return; /* all five in cool-down */
        memcpy(c->excluded[i], key, CLUSTER_KEY_BYTES);
        c->excluded_strikes[i] = 0;
    }
    unsigned strikes = ++c->excluded_strikes[i];
    uint64_t cool = lo;
    for (unsigned k = 1; k < strikes && cool < hi; k++) cool *= 2;
    if (cool > hi) cool = hi;
    c->excluded_until[i] = now + cool;
    c->excluded_back[i] = 0;
    snprintf(c->excluded_why[i], sizeof c->excluded_why[0], "culprit: %.100s", why);
    char id[17];
    cc_hex_encode(key, 8, id);
    cc_log(CC_LOG_WARN, "cluster", "node %s excluded for %llu s (named %u time%s; then on probation): %s", id,
           (unsigned long long)(cool / 1000), strikes, strikes == 1 ? "" : "s", why);
    cl_audit_exclusion(c, key, "excluded", cool / 1000, strikes, why);
}

#define CL_BACKOFF_MIN_MS 2000
#define CL_BACKOFF_MAX_MS 60000

uint64_t cl_backoff_ms(unsigned failures)
{
    uint64_t back = (uint64_t)CL_BACKOFF_MIN_MS << (failures > 5 ? 5 : failures ? failures - 1 : 0);
    return back > CL_BACKOFF_MAX_MS ? CL_BACKOFF_MAX_MS : back;
}

void cl_exclusion_tick(cluster *c)
{
    uint64_t now = cl_now_ms();
    for (unsigned i = 0; i < c->n_excluded; i++) {
        if (c->excluded_back[i] || now < c->excluded_until[i]) continue;
        c->excluded_back[i] = 1;
        char id[17];
        cc_hex_encode(c->excluded[i], 8, id);
        cc_log(CC_LOG_WARN, "cluster", "node %s back on probation after its cool-down (named %u time%s)", id,
               c->excluded_strikes[i], c->excluded_strikes[i] == 1 ? "" : "s");
        cl_audit_exclusion(c, c->excluded[i], "probation", 0, c->excluded_strikes[i], c->excluded_why[i]);
    }
}

int cl_sid_use(cluster *c, const uint8_t sid[CL_SID_BYTES])
{
    for (unsigned i = 0; i < CL_USED_SIDS; i++)
        if (!memcmp(c->used_sids[i], sid, CL_SID_BYTES)) return -1;
    memcpy(c->used_sids[c->used_next], sid, CL_SID_BYTES);
    c->used_next = (c->used_next + 1) % CL_USED_SIDS;
    return 0;
}

/* ---- epochs ---- */
void cl_epoch_free(cl_epoch *ep)
{
    if (!ep) return;
    tmldsa_share_free(ep->ml);
    tecdsa_keyshare_free(ep->ec);
    while (ep->pool) {
        cl_presig *p = ep->pool;
        ep->pool = p->next;
        tecdsa_presig_free(p->ps);
        free(p);
    }
    free(ep->ml_cert), free(ep->ec_cert), free(ep->ml_csr), free(ep->ec_csr), free(ep->binding), free(ep->binding_msg);
    for (unsigned i = 0; i < ep->n_old_certs; i++) free(ep->old_certs[i]);
    free(ep);
}

void cl_epoch_release(cluster *c, cl_epoch *ep)
{
    (void)c;
    if (ep && --ep->refs == 0) cl_epoch_free(ep);
}

int cl_epoch_certs(cluster *c, const cl_epoch *ep, cl_certs *out)
{
    pthread_mutex_lock(&c->mu);
    *out = (cl_certs){ep->ec_cert, ep->ml_cert, ep->ec_cert_len, ep->ml_cert_len};
    pthread_mutex_unlock(&c->mu);
    return out->ec && out->ml ? 0 : -1;
}

cl_epoch *cl_epoch_get(cluster *c)
{
    cl_epoch *ep = c->ep;
    if (ep) ep->refs++;
    return ep;
}

static int slot_of_key(cluster *c, const uint8_t key[CLUSTER_KEY_BYTES])
{
    for (int s = 0; s < MESH_PEERS; s++)
        if (c->peer[s].state >= MESH_PEER_ATTESTING && !memcmp(c->peer[s].key, key, CLUSTER_KEY_BYTES)) return s;
    return -1;
}

int cl_party_reachable(cluster *c, const cl_epoch *ep, unsigned party)
{
    if (party == ep->self) return c->self_attested && c->self_time_ok;
    if (c->lost & (1u << (party - 1))) return 0;
    int s = slot_of_key(c, ep->keys[party - 1]);
    return s >= 0 && c->peer[s].state == MESH_PEER_UP && c->peer_time_ok[s];
}

static void counts(cluster *c, unsigned *reachable, unsigned *alive)
{
    *reachable = *alive = 0;
    if (!c->ep) return;
    for (unsigned p = 1; p <= CL_N; p++) {
        if (!(c->lost & (1u << (p - 1)))) ++*alive;
        if (cl_party_reachable(c, c->ep, p)) ++*reachable;
    }
}

static lc_availability availability(cluster *c)
{
    unsigned r, a;
    counts(c, &r, &a);
    return lc_availability_of(c->ep && c->epoch_state == LC_EPOCH_ACTIVE, r, a);
}

int cl_can_sign(cluster *c)
{
    return c->ep && c->epoch_state == LC_EPOCH_ACTIVE && lc_availability_signs(availability(c));
}

/* The epoch lost its quorum for good: retire it, wipe the shares; a new DKG follows. */
void cl_retire_locked(cluster *c, const char *why)
{
    cl_log_info(c, "epoch %u retires: %s", c->epoch_no, why);
    if (c->epoch_state == LC_EPOCH_ACTIVE) (void)cl_epoch_event(c, LC_EV_RETIRE);
    if (c->epoch_state == LC_EPOCH_COMPROMISED) (void)cl_epoch_event(c, LC_EV_REVOKED);
    if (c->ep) {
        cl_epoch *ep = c->ep;
        c->ep = NULL;
        cl_epoch_release(c, ep);
    }
    c->lost = 0;
    if (c->node_state == LC_NODE_SERVING) (void)cl_node_event(c, LC_NEV_SHARE_LOST);
    /* RETIRED stays visible until the epoch manager begins the next epoch */
    snprintf(c->reason, sizeof c->reason, "epoch retired: %s", why);
}

/* Re-evaluate after any change of peers or own readiness (c->mu held). */
static void evaluate(cluster *c)
{
    if (c->node_state == LC_NODE_BOOTING && c->self_attested) (void)cl_node_event(c, LC_NEV_BOOTED);
    if (c->node_state == LC_NODE_ATTESTING && c->self_attested) (void)cl_node_event(c, LC_NEV_ATTESTED);
    if (c->node_state == LC_NODE_TIME_SYNC && c->self_time_ok) (void)cl_node_event(c, LC_NEV_TIME_OK);
    /* own time lost: kept out of signer sets (a peer sees time_ok 0); back when it returns */
    if (!c->self_time_ok &&
        (c->node_state == LC_NODE_MESHED || c->node_state == LC_NODE_SERVING || c->node_state == LC_NODE_NO_SHARE))
        (void)cl_node_event(c, LC_NEV_EXCLUDE);
    if (c->self_time_ok && c->node_state == LC_NODE_EXCLUDED) (void)cl_node_event(c, LC_NEV_TIME_OK);
    if (c->ep && c->epoch_state == LC_EPOCH_ACTIVE && availability(c) == LC_AVAIL_LOST)
        cl_retire_locked(c, "fewer than 3 share holders alive (LOST)");
    cl_dkg_maybe_start(c);
}

int cl_node_event(cluster *c, lc_node_event ev)
{
    lc_node_state was = c->node_state;
    if (lc_node_step(&c->node_state, ev, c->ep != NULL) != 0) return -1;
    cl_log_info(c, "node %s -> %s (%s)", lc_node_name(was), lc_node_name(c->node_state), lc_node_event_name(ev));
    return 0;
}

int cl_epoch_event(cluster *c, lc_epoch_event ev)
{
    lc_epoch_state was = c->epoch_state;
    if (lc_epoch_step(&c->epoch_state, ev) != 0) return -1;
    cl_log_info(c, "epoch %u %s -> %s (%s)", c->epoch_no, lc_epoch_name(was), lc_epoch_name(c->epoch_state),
                lc_epoch_event_name(ev));
    return 0;
}

void cl_notify(cluster *c)
{
    if (c->cfg.on_change) c->cfg.on_change(c->cfg.change_arg);
}

/* ---- public API ---- */
cluster *cluster_new(const cluster_config *cfg, char *err, size_t errlen)
{
    if (!cfg || !cfg->self_key || !cfg->boot_id || !cfg->measurement || !cfg->send ||
        (!cfg->time.now && !cfg->time.read)) {
        snprintf(err, errlen, "cluster: incomplete configuration (keys, measurement, send, time)");
        return NULL;
    }
    if (cfg->default_profile >= TSP_PROFILE_COUNT) {
        snprintf(err, errlen, "cluster: bad default profile");
        return NULL;
    }
    cluster *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errlen, "cluster: out of memory");
        return NULL;
    }
    c->cfg = *cfg;
    if (cfg->policies)
        c->policies = *cfg->policies;
    else
        tsp_policies_default(&c->policies);
    c->cfg.policies = &c->policies;
    c->secure = (cc_allocator){secure_alloc, secure_free, NULL};
    c->epoch_state = LC_EPOCH_UNINITIALIZED;
    c->node_state = LC_NODE_BOOTING;
    if (tsp_issuer_state_init(&c->issuer) != 0) {
        snprintf(err, errlen, "cluster: random source failed");
        free(c);
        return NULL;
    }
    c->issuer.precision = cfg->precision;
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->cv, NULL);
    pthread_cond_init(&c->pool_cv, NULL);
    snprintf(c->reason, sizeof c->reason, "waiting for all 5 nodes (attested, time OK) and a DKG");
    if (cl_dkg_start_manager(c) != 0) {
        snprintf(err, errlen, "cluster: cannot start the epoch manager thread");
        tsp_issuer_state_destroy(&c->issuer);
        free(c);
        return NULL;
    }
    return c;
}

void cluster_free(cluster *c)
{
    if (!c) return;
    pthread_mutex_lock(&c->mu);
    c->stopping = 1;
    pthread_cond_broadcast(&c->cv);
    cl_session_wake_all(c);
    cl_pool_stop(c); /* idle pool threads leave; running jobs finish first */
    while (c->inbox) {
        cl_item *it = c->inbox;
        c->inbox = it->next;
        cl_item_free(it);
    }
    if (c->ep) cl_epoch_release(c, c->ep);
    c->ep = NULL;
    pthread_mutex_unlock(&c->mu);
    tsp_issuer_state_destroy(&c->issuer);
    pthread_mutex_destroy(&c->mu);
    pthread_cond_destroy(&c->cv);
    pthread_cond_destroy(&c->pool_cv);
    free(c);
}

void cluster_peer_update(cluster *c, int slot, const mesh_peer_info *info, int time_ok)
{
    if (!c || slot < 0 || slot >= MESH_PEERS || !info) return;
    pthread_mutex_lock(&c->mu);
    mesh_peer_info *old = &c->peer[slot];
    /* A holder of the live epoch seen with another key or boot id restarted: its share is gone. */
    if (c->ep && old->state >= MESH_PEER_ATTESTING) {
        for (unsigned p = 1; p <= CL_N; p++) {
            if (p == c->ep->self || memcmp(c->ep->keys[p - 1], old->key, CLUSTER_KEY_BYTES)) continue;
            int new_key = info->state >= MESH_PEER_ATTESTING && memcmp(info->key, old->key, CLUSTER_KEY_BYTES);
            int new_boot =
                info->state == MESH_PEER_UP && memcmp(info->boot_id, c->ep->boot_ids[p - 1], MESH_BOOT_ID_BYTES);
            if ((new_key || new_boot) && !(c->lost & (1u << (p - 1)))) {
                c->lost |= 1u << (p - 1);
                cl_log_info(c, "party %u restarted: its share of epoch %u is gone", p, c->ep->number);
            }
        }
    }
    int rejoined =
        info->state == MESH_PEER_UP && (old->state != MESH_PEER_UP || memcmp(old->key, info->key, CLUSTER_KEY_BYTES));
    c->peer[slot] = *info;
    c->peer_time_ok[slot] = time_ok;
    evaluate(c);
    if (rejoined) cl_certs_on_rejoin(c, info->key);
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
    cl_notify(c);
}

void cluster_self_update(cluster *c, int attested, int time_ok)
{
    if (!c) return;
    pthread_mutex_lock(&c->mu);
    c->self_attested = attested;
    c->self_time_ok = time_ok;
    if (!attested && c->node_state != LC_NODE_FAILED && c->node_state != LC_NODE_BOOTING)
        (void)cl_node_event(c, LC_NEV_FAIL);
    evaluate(c);
    pthread_mutex_unlock(&c->mu);
    cl_notify(c);
}

void cluster_on_message(cluster *c, const uint8_t from[CLUSTER_KEY_BYTES], const uint8_t *body, size_t len)
{
    if (!c || !from || !body) return;
    cl_item *it = calloc(1, sizeof *it);
    const char *why = NULL;
    if (!it || !(it->buf = malloc(len ? len : 1))) {
        free(it);
        return;
    }
    memcpy(it->buf, body, len);
    it->len = len;
    if (cl_msg_parse(it->buf, len, &it->m, &why) != 0 || memcmp(it->m.sender, from, CLUSTER_KEY_BYTES) != 0) {
        char id[17];
        cc_hex_encode(from, 8, id);
        cc_log(CC_LOG_WARN, "cluster", "dropped a message from %s: %s", id, why ? why : "sender key mismatch");
        cl_item_free(it);
        return;
    }
    it->at_ms = cl_now_ms();
    pthread_mutex_lock(&c->mu);
    if (it->m.kind == CL_KIND_COMMIT && c->ep && c->epoch_state == LC_EPOCH_ACTIVE) {
        /* a restarted node wants a DKG while we serve: tell it (it holds no share of this epoch) */
        cl_msg live = {.kind = CL_KIND_LIVE, .party = (uint8_t)c->ep->self, .epoch = c->ep->number};
        memcpy(live.sender, c->cfg.self_key, CLUSTER_KEY_BYTES);
        (void)cl_send_key(c, from, &live);
    }
    if (c->stopping)
        cl_item_free(it);
    else if (it->m.kind == CL_KIND_START)
        cl_on_start(c, it);
    else if (it->m.kind == CL_KIND_CERTS)
        cl_on_certs(c, it);
    else if (it->m.kind == CL_KIND_DKG_ABORT)
        cl_on_dkg_abort(c, it);
    else if (it->m.kind == CL_KIND_LIVE) {
        if (!c->ep && it->m.epoch > c->live_epoch) c->live_epoch = it->m.epoch;
        cl_item_free(it);
    } else {
        cl_inbox_put(c, it);
        if (cl_session_wake(c, it->m.sid)) goto woken; /* only the session this message is for */
    }
    pthread_cond_broadcast(&c->cv);
woken:
    pthread_mutex_unlock(&c->mu);
}

static void fill_view(cluster *c, cluster_node_view *v, int slot)
{
    const mesh_peer_info *pi = &c->peer[slot];
    memcpy(v->key, pi->key, CLUSTER_KEY_BYTES);
    v->reachable = pi->state == MESH_PEER_UP && c->peer_time_ok[slot];
    if (pi->state != MESH_PEER_UP)
        snprintf(v->reason, sizeof v->reason, "%.*s", (int)sizeof v->reason - 1, /* cut to fit, on purpose */
                 pi->reason[0] ? pi->reason : "not connected");
    else if (!c->peer_time_ok[slot])
        snprintf(v->reason, sizeof v->reason, "time not trusted");
    if (c->ep)
        for (unsigned p = 1; p <= CL_N; p++)
            if (!memcmp(c->ep->keys[p - 1], pi->key, CLUSTER_KEY_BYTES)) {
                v->party = p;
                v->holder = !(c->lost & (1u << (p - 1)));
            }
    int i = excluded_slot(c, pi->key);
    uint64_t now = cl_now_ms();
    if (i >= 0 && now < c->excluded_until[i]) {
        uint64_t left = (c->excluded_until[i] - now + 999) / 1000;
        time_t until = time(NULL) + (time_t)left;
        struct tm tm;
        char at[24];
        gmtime_r(&until, &tm);
        strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
        v->excluded = 1;
        /* dkg_wanted needs every peer out of its cool-down: a DKG waits for it */
        snprintf(v->reason, sizeof v->reason,
                 "%.40s; excluded until %.20s (%u s more, named %u time%s); a DKG waits for it", c->excluded_why[i], at,
                 (unsigned)(left > 999999 ? 999999 : left), c->excluded_strikes[i],
                 c->excluded_strikes[i] == 1 ? "" : "s");
    } else if (i >= 0 && !v->reason[0])
        snprintf(v->reason, sizeof v->reason, "on probation (named %u time%s as culprit)", c->excluded_strikes[i],
                 c->excluded_strikes[i] == 1 ? "" : "s");
}

void cluster_get_status(cluster *c, cluster_status *st)
{
    memset(st, 0, sizeof *st);
    if (!c) return;
    pthread_mutex_lock(&c->mu);
    st->epoch = c->epoch_no;
    st->epoch_state = c->epoch_state;
    st->availability = availability(c);
    st->node_state = c->node_state;
    counts(c, &st->reachable, &st->alive);
    memcpy(st->nodes[0].key, c->cfg.self_key, CLUSTER_KEY_BYTES);
    st->nodes[0].reachable = c->self_attested && c->self_time_ok;
    for (int s = 0; s < MESH_PEERS; s++) fill_view(c, &st->nodes[s + 1], s);
    if (c->ep) {
        st->party = st->nodes[0].party = c->ep->self;
        st->nodes[0].holder = 1;
        memcpy(st->ml_key_id, c->ep->ml_key_id, sizeof st->ml_key_id);
        memcpy(st->ec_key_id, c->ep->ec_key_id, sizeof st->ec_key_id);
        for (cl_presig *p = c->ep->pool; p; p = p->next) st->presigs_available += p->coord == c->ep->self;
        x509_cert a, b;
        if (c->ep->ec_cert && c->ep->ml_cert && x509_cert_parse(&a, c->ep->ec_cert, c->ep->ec_cert_len) == 0 &&
            x509_cert_parse(&b, c->ep->ml_cert, c->ep->ml_cert_len) == 0)
            st->cert_not_after = a.not_after < b.not_after ? a.not_after : b.not_after;
    }
    st->dkg_ok = c->dkg_ok, st->dkg_failed = c->dkg_failed, st->dkg_last_ms = c->dkg_last_ms;
    st->signed_ok = c->signed_ok, st->sign_failed = c->sign_failed, st->sign_retries = c->sign_retries;
    st->participant_refusals = c->refusals;
    memcpy(st->ml_attempts, c->ml_attempts, sizeof st->ml_attempts);
    st->ml_attempts_sum = c->ml_attempts_sum;
    for (int i = 0; i < TIME_PEER_REASONS; i++)
        st->time_checks[i] = __atomic_load_n(&c->time_checks.count[i], __ATOMIC_RELAXED);
    if (!lc_availability_signs(st->availability))
        snprintf(st->reason, sizeof st->reason, "%s",
                 c->reason[0] ? c->reason : lc_availability_name(st->availability));
    else
        cl_binding_pending(c, st->reason, sizeof st->reason); /* signing, but /binding is not current */
    pthread_mutex_unlock(&c->mu);
}

#ifdef CCTSA_CLUSTER_FAULTS
int cluster_set_fault(cluster *c, const char *rule)
{
    if (!c || !rule) return -1;
    pthread_mutex_lock(&c->mu);
    int rc = 0;
    if (!strncmp(rule, "gentime=", 8))
        c->fault_gentime_ms = strtol(rule + 8, NULL, 10);
    else if (!strcmp(rule, "tamper-tbs"))
        c->fault_tamper_tbs = 1;
    else if (!strncmp(rule, "binding-fail=", 13))
        c->fault_binding_fail = (unsigned)strtoul(rule + 13, NULL, 10);
    else if (!strcmp(rule, "dkg-abort"))
        c->fault_dkg_abort = 1;
    else if (!strcmp(rule, "none"))
        c->fault_gentime_ms = 0, c->fault_tamper_tbs = 0, c->fault_binding_fail = 0, c->fault_dkg_abort = 0;
    else
        rc = -1;
    pthread_mutex_unlock(&c->mu);
    return rc;
}
#endif

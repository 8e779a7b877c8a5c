/* node_cluster.c: cluster mode of cctsa-node (see node_cluster.h). */
#include "node/node_cluster.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/base.h"
#include "node/audit.h"
#include "node/node_control.h"
#include "node/node_status.h"
#include "node/node_time.h"
#include "node/operator.h"

struct node_cluster {
    mesh *m;
    cluster *c;
    node_backend be;
    tsp_time_source time;
    node_time *nt;
    time_probe *probe; /* loop thread, and be_status under probe_mu */
    pthread_mutex_t probe_mu;
    struct event *probe_ev, *fault_start_ev, *fault_end_ev;
    long fault_ms, fault_after_s, fault_for_s; /* test builds: time-offset fault */
    int fault_pending;                         /* armed: starts after the first ACTIVE epoch */
    unsigned probe_ms;
    int peer_time_ok[MESH_PEERS], self_time_ok; /* last values given to the engine (loop thread) */
    unsigned deadline_ms;
    const char *names[CLUSTER_NODES];
    pthread_mutex_t mu; /* the last_* fields below */
    lc_node_state last_state;
    lc_epoch_state last_epoch;
    lc_availability last_avail;
    mesh_peer_state peer_state[MESH_PEERS]; /* last attestation result recorded (loop only) */
    /* operations */
    operator_policy policy;
    operator_nonce_cache nonces;
    node_control_ops ops;
    node_control ctl;
    audit_log *audit;
    unsigned head_s;
    pthread_t head_thread;
    int head_started, head_stop; /* head_stop under mu */
    pthread_cond_t head_cv;
};

static int probe_peer_ok(node_cluster *nc, int peer)
{
    pthread_mutex_lock(&nc->probe_mu);
    int ok = time_probe_peer_ok(nc->probe, peer);
    pthread_mutex_unlock(&nc->probe_mu);
    return ok;
}

/* The probes' verdicts and own readiness -> the engine, when they change (loop thread). */
static void sync_time(node_cluster *nc)
{
    if (!nc->c) return;
    for (int i = 0; i < MESH_PEERS; i++) {
        int ok = probe_peer_ok(nc, i);
        if (ok == nc->peer_time_ok[i]) continue;
        nc->peer_time_ok[i] = ok;
        mesh_peer_info info;
        mesh_peer_get(nc->m, i, &info);
        cluster_peer_update(nc->c, i, &info, ok);
    }
    int self = node_time_ok(nc->nt);
    if (self != nc->self_time_ok) cluster_self_update(nc->c, 1, nc->self_time_ok = self);
}

static void on_frame(void *arg, int peer, uint8_t chan, const uint8_t *body, size_t len)
{
    node_cluster *nc = arg;
    if (!nc->c || (chan != MESH_CHAN_CLUSTER && chan != MESH_CHAN_TIME)) return; /* control: not here */
    mesh_peer_info info;
    mesh_peer_get(nc->m, peer, &info);
    if (info.state != MESH_PEER_UP) return;
    if (chan == MESH_CHAN_CLUSTER) {
        cluster_on_message(nc->c, info.key, body, len);
        return;
    }
    pthread_mutex_lock(&nc->probe_mu);
    (void)time_probe_receive(nc->probe, peer, body, len); /* refusals are counted in its status */
    pthread_mutex_unlock(&nc->probe_mu);
    sync_time(nc);
}

/* The audit log keeps every attestation result of a peer: accepted (UP) and refused. */
static void audit_peer(node_cluster *nc, int peer, const mesh_peer_info *info)
{
    mesh_peer_state was = nc->peer_state[peer];
    nc->peer_state[peer] = info->state;
    if (info->state == was || (info->state != MESH_PEER_UP && info->state != MESH_PEER_REFUSED)) return;
    int up = info->state == MESH_PEER_UP;
    cc_log(up ? CC_LOG_INFO : CC_LOG_WARN, "cctsa-node", "peer %s %s%s%s", nc->names[1 + peer],
           up ? "attested" : "refused", up ? "" : ": ", info->reason);
    if (nc->audit) audit_attestation(nc->audit, nc->names[1 + peer], up ? "ok" : "refused", info->reason);
}

/* A peer just attested: probe it within PROBE_SOON_MS rather than at the next period (the first
 * round at start-up finds no peer up, and would otherwise hold the first DKG back a whole period).
 * Only ever brings the pending tick forward, so a flapping peer cannot postpone the rounds. */
#define PROBE_SOON_MS 200
static void probe_soon(node_cluster *nc)
{
    struct timeval due, now, soon = {0, PROBE_SOON_MS * 1000};
    if (!nc->probe_ev) return;
    if (event_pending(nc->probe_ev, EV_TIMEOUT, &due)) {
        evutil_gettimeofday(&now, NULL);
        evutil_timeradd(&now, &soon, &now);
        if (evutil_timercmp(&due, &now, <=)) return;
    }
    event_add(nc->probe_ev, &soon);
}

static void on_peer(void *arg, int peer, const mesh_peer_info *info)
{
    node_cluster *nc = arg;
    if (peer >= 0 && peer < MESH_PEERS) audit_peer(nc, peer, info);
    if (info->state == MESH_PEER_UP) probe_soon(nc);
    if (!nc->c) return;
    nc->peer_time_ok[peer] = probe_peer_ok(nc, peer);
    cluster_peer_update(nc->c, peer, info, nc->peer_time_ok[peer]);
}

static void probe_send(void *arg, int peer, const uint8_t *msg, size_t len)
{
    node_cluster *nc = arg;
    (void)mesh_send(nc->m, peer, MESH_CHAN_TIME, msg, len); /* a peer not UP is measured as unknown */
}

/* Every probe period a round; every second while an UP peer has not been measured yet, so a
 * fresh cluster need not wait a whole period before its first DKG. */
static void on_probe_tick(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    node_cluster *nc = arg;
    time_probe_status st;
    pthread_mutex_lock(&nc->probe_mu);
    time_probe_tick(nc->probe);
    time_probe_get_status(nc->probe, &st);
    pthread_mutex_unlock(&nc->probe_mu);
    sync_time(nc);
    unsigned ms = nc->probe_ms;
    for (int i = 0; i < MESH_PEERS; i++) {
        mesh_peer_info info;
        mesh_peer_get(nc->m, i, &info);
        if (info.state == MESH_PEER_UP && st.peer[i].mine == TIME_VIEW_UNKNOWN && ms > 1000) ms = 1000;
    }
    struct timeval tv = {(time_t)(ms / 1000), (suseconds_t)(ms % 1000) * 1000};
    event_add(nc->probe_ev, &tv);
}

/* The engine's audit records name nodes by their host names. */
static void node_name(void *arg, const uint8_t key[CLUSTER_KEY_BYTES], char *out, size_t outlen)
{
    node_cluster *nc = arg;
    mesh_peer_info info;
    if (!memcmp(key, mesh_self_key(nc->m), CLUSTER_KEY_BYTES)) {
        snprintf(out, outlen, "%s", nc->names[0]);
        return;
    }
    for (int i = 0; i < MESH_PEERS; i++) {
        mesh_peer_get(nc->m, i, &info);
        if (info.state >= MESH_PEER_ATTESTING && !memcmp(info.key, key, CLUSTER_KEY_BYTES)) {
            snprintf(out, outlen, "%s", nc->names[1 + i]);
            return;
        }
    }
}

/* The audit chain head, threshold-signed every head_s seconds (until node_cluster_free). */
static void *head_main(void *arg)
{
    node_cluster *nc = arg;
    pthread_mutex_lock(&nc->mu);
    while (!nc->head_stop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += nc->head_s;
        while (!nc->head_stop && pthread_cond_timedwait(&nc->head_cv, &nc->mu, &until) == 0) {
        }
        if (nc->head_stop) break;
        pthread_mutex_unlock(&nc->mu);
        if (cluster_audit_head(nc->c) < 0) cc_log(CC_LOG_WARN, "cctsa-node", "audit chain head: signing failed");
        pthread_mutex_lock(&nc->mu);
    }
    pthread_mutex_unlock(&nc->mu);
    return NULL;
}

static int send_to(void *arg, const uint8_t to[CLUSTER_KEY_BYTES], const uint8_t *body, size_t len)
{
    node_cluster *nc = arg;
    int slot = mesh_peer_by_key(nc->m, to);
    return slot < 0 ? -1 : mesh_send(nc->m, slot, MESH_CHAN_CLUSTER, body, len);
}

static int evidence(void *arg, const uint8_t binding[ATTEST_BINDING_BYTES], attest_evidence *ev)
{
    return mesh_self_evidence(((node_cluster *)arg)->m, binding, ev);
}

/* Log every change of the three state machines (the engine calls from any thread). */
static void on_change(void *arg)
{
    node_cluster *nc = arg;
    if (!nc->c) return;
    cluster_status st;
    cluster_get_status(nc->c, &st);
    pthread_mutex_lock(&nc->mu);
    int same = st.node_state == nc->last_state && st.epoch_state == nc->last_epoch && st.availability == nc->last_avail;
    nc->last_state = st.node_state;
    nc->last_epoch = st.epoch_state;
    nc->last_avail = st.availability;
    int start_fault = nc->fault_pending && st.epoch_state == LC_EPOCH_ACTIVE;
    if (start_fault) nc->fault_pending = 0;
    pthread_mutex_unlock(&nc->mu);
    struct timeval after = {nc->fault_after_s, 0};
    if (start_fault) event_add(nc->fault_start_ev, &after); /* the loop is thread-safe (evthread) */
    if (same) return;
    char epoch[16];
    snprintf(epoch, sizeof epoch, "%u", st.epoch);
    cc_log_kv kv[] = {{"epoch", epoch},
                      {"epoch_state", lc_epoch_name(st.epoch_state)},
                      {"availability", lc_availability_name(st.availability)},
                      {"node_state", lc_node_name(st.node_state)},
                      {"reason", st.reason}};
    cc_log_event(CC_LOG_INFO, "cctsa-node", kv, st.reason[0] ? 5 : 4, "%s: epoch %u %s, availability %s, node %s",
                 nc->names[0], st.epoch, lc_epoch_name(st.epoch_state), lc_availability_name(st.availability),
                 lc_node_name(st.node_state));
}

/* ---- the node_backend ---- */

/* The engine's deadline ends before the gateway stops waiting, so a retry with another signer set
 * still reaches it (the answer needs the rest). */
static int be_issue(void *arg, const tsp_issue_req *r, unsigned deadline_ms, uint8_t **resp, size_t *len,
                    tsp_engine_result *res)
{
    node_cluster *nc = arg;
    unsigned d = nc->deadline_ms;
    if (deadline_ms && deadline_ms < d + 300) d = deadline_ms > 800 ? deadline_ms - 300 : 500;
    return cluster_issue(nc->c, r, d, resp, len, res);
}

static void be_status(void *arg, proto_status *out)
{
    node_cluster *nc = arg;
    cluster_status cs;
    mesh_peer_info peers[MESH_PEERS];
    node_status_extra x;
    memset(&x, 0, sizeof x);
    cluster_get_status(nc->c, &cs);
    for (int i = 0; i < MESH_PEERS; i++) mesh_peer_get(nc->m, i, &peers[i]);
    memcpy(x.names, nc->names, sizeof x.names);
    x.peers = peers;
    x.own_attested_at = mesh_self_attested_at(nc->m);
    uint64_t refused[MESH_REFUSED_KINDS];
    mesh_refusals(nc->m, refused);
    x.attest_failures[PROTO_AFAIL_MEASUREMENT] = refused[MESH_REFUSED_MEASUREMENT];
    x.attest_failures[PROTO_AFAIL_DEBUG] = refused[MESH_REFUSED_DEBUG];
    x.attest_failures[PROTO_AFAIL_CHIP_ID] = refused[MESH_REFUSED_CHIP_ID];
    x.attest_failures[PROTO_AFAIL_EVIDENCE] = refused[MESH_REFUSED_EVIDENCE];
    tsp_time_reading tr;
    time_probe_status ps;
    node_time_status(nc->nt, cs.time_checks, &x, &tr);
    pthread_mutex_lock(&nc->probe_mu);
    time_probe_get_status(nc->probe, &ps);
    pthread_mutex_unlock(&nc->probe_mu);
    x.have_offsets = 1;
    for (int i = 0; i < MESH_PEERS; i++)
        x.peer_offset_ns[i] = ps.peer[i].mine == TIME_VIEW_UNKNOWN ? PROTO_OFFSET_UNKNOWN : ps.peer[i].offset_ns;
    node_status_from_cluster(&cs, &x, time(NULL), out);
    out->time_state = (uint8_t)tr.state;
    out->eps_ns = tr.eps_ns;
    out->flags = (uint8_t)((out->flags & ~PROTO_STATUS_DEV_CLOCK) | (tr.development ? PROTO_STATUS_DEV_CLOCK : 0));
}

static int be_certs(void *arg, uint8_t **ec, size_t *ec_len, uint8_t **ml, size_t *ml_len)
{
    return cluster_certs(((node_cluster *)arg)->c, ec, ec_len, ml, ml_len);
}

static int be_csrs(void *arg, uint8_t **ec, size_t *ec_len, uint8_t **ml, size_t *ml_len)
{
    return cluster_csrs(((node_cluster *)arg)->c, ec, ec_len, ml, ml_len);
}

static int be_binding(void *arg, uint8_t **der, size_t *len)
{
    return cluster_binding(((node_cluster *)arg)->c, der, len);
}

/* CONTROL: an operator's command against the live epoch (a signing worker: it fsyncs). */
static int be_control(void *arg, const proto_control_req *r, char *why, size_t whylen)
{
    node_cluster *nc = arg;
    cluster_status st;
    cluster_get_status(nc->c, &st);
    int rc = node_control_handle(&nc->ctl, r->envelope, r->envelope_len, r->ec, r->ec_len, r->ml, r->ml_len, st.epoch,
                                 time(NULL), why, whylen);
    cc_log(rc ? CC_LOG_WARN : CC_LOG_INFO, "cctsa-node", "operator command %s%s%s", rc ? "refused" : "done",
           rc ? ": " : "", rc ? why : "");
    return rc;
}

static int be_install(void *arg, const uint8_t *ec, size_t ec_len, const uint8_t *ml, size_t ml_len, char *why,
                      size_t whylen)
{
    node_cluster *nc = arg;
    int rc = cluster_install_certs(nc->c, ec, ec_len, ml, ml_len, why, whylen);
    cc_log(rc ? CC_LOG_WARN : CC_LOG_INFO, "cctsa-node", "certificate installation %s%s%s", rc ? "refused" : "done",
           rc ? ": " : "", rc ? why : "");
    audit_field f[] = {{"result", rc ? "refused" : "installed", 0}, {"reason", rc ? why : "", 0}};
    if (nc->audit) audit_append(nc->audit, "cert_install", f, 2);
    return rc;
}

/* Operations: the operator keys, the nonce cache and the audit log (before the engine exists). */
static int ops_init(node_cluster *nc, const node_cluster_opts *o, char *err, size_t errlen)
{
    char why[256];
    operator_nonce_cache_init(&nc->nonces);
    pthread_cond_init(&nc->head_cv, NULL);
    if (operator_policy_load(o->config, &nc->policy, why, sizeof why) != 0)
        return snprintf(err, errlen, "%s: operator keys: %s", o->config, why), -1;
    if (!nc->policy.n)
        cc_log(CC_LOG_WARN, "cctsa-node", "no operator.key in %s: every operator command will be refused", o->config);
    if (o->audit_dir) {
        audit_config ac = {.dir = o->audit_dir, .node = o->name};
        if (!(nc->audit = audit_open(&ac, why, sizeof why)))
            return snprintf(err, errlen, "audit log in %s: %s", o->audit_dir, why), -1;
    } else {
        cc_log(CC_LOG_WARN, "cctsa-node", "no --audit-dir: this node keeps NO audit log");
    }
    nc->head_s = o->audit_head_s ? o->audit_head_s : 600;
    nc->ops = (node_control_ops)NODE_CONTROL_CLUSTER_OPS;
    nc->ctl = (node_control){.policy = &nc->policy, .nonces = &nc->nonces, .audit = nc->audit, .ops = &nc->ops};
    return 0;
}

static void ops_free(node_cluster *nc)
{
    audit_close(nc->audit);
    operator_nonce_cache_free(&nc->nonces);
    pthread_cond_destroy(&nc->head_cv);
}

/* ATTEST: REPORT_DATA binds the nonce, the live epoch's key ids and this node's mesh key. */
static int be_attest(void *arg, const uint8_t *nonce, size_t nonce_len, attest_evidence *ev)
{
    node_cluster *nc = arg;
    cluster_status cs;
    uint8_t binding[ATTEST_BINDING_BYTES];
    cluster_get_status(nc->c, &cs);
    if (node_attest_binding(nonce, nonce_len, cs.ml_key_id, cs.ec_key_id, mesh_self_key(nc->m), binding) != 0)
        return -1;
    return mesh_self_evidence(nc->m, binding, ev);
}

#ifdef CCTSA_MESH_FAULTS
static void on_fault_end(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    node_time_set_test_offset(((node_cluster *)arg)->nt, 0);
}

static void on_fault_start(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    node_cluster *nc = arg;
    struct timeval tv = {nc->fault_for_s, 0};
    node_time_set_test_offset(nc->nt, (int64_t)nc->fault_ms * TIME_NS_PER_MS);
    if (nc->fault_for_s) evtimer_add(nc->fault_end_ev, &tv);
}

/* ":KEY=N" with lo <= N <= hi at *s; advances *s. */
static int fault_param(const char **s, const char *key, long lo, long hi, long *out)
{
    size_t k = strlen(key);
    char *end;
    if ((*s)[0] != ':' || strncmp(*s + 1, key, k) != 0 || (*s)[1 + k] != '=') return 0;
    *out = strtol(*s + 2 + k, &end, 10);
    if (end == *s + 2 + k || *out < lo || *out > hi) return -1;
    *s = end;
    return 1;
}
#endif

/* Test builds: "time-offset=MS[:after=S][:for=S]" gives this node's clock a lie of MS ms, from S
 * seconds after the first epoch is ACTIVE (so the DKG runs with honest clocks), for S seconds.
 * 1 if rule is one (armed), 0 if it is another fault's, -1 if malformed. */
static int time_fault(node_cluster *nc, struct event_base *base, const char *rule, char *err, size_t errlen)
{
#ifdef CCTSA_MESH_FAULTS
    if (strncmp(rule, "time-offset=", 12) != 0) return 0;
    char *end;
    const char *s;
    nc->fault_ms = strtol(rule + 12, &end, 10);
    s = end;
    int bad = end == rule + 12 || nc->fault_ms < -3600000 || nc->fault_ms > 3600000 || nc->fault_pending;
    if (!bad && fault_param(&s, "after", 0, 86400, &nc->fault_after_s) < 0) bad = 1;
    if (!bad && fault_param(&s, "for", 1, 86400, &nc->fault_for_s) < 0) bad = 1;
    if (bad || *s)
        return snprintf(err, errlen, "--fault time-offset=MS[:after=S][:for=S] (|MS| <= 3600000, S <= 86400; once)"),
               -1;
    if (!(nc->fault_start_ev = evtimer_new(base, on_fault_start, nc)) ||
        !(nc->fault_end_ev = evtimer_new(base, on_fault_end, nc)))
        return snprintf(err, errlen, "cannot schedule the time fault"), -1;
    nc->fault_pending = 1;
    return 1;
#else
    (void)nc, (void)base, (void)rule, (void)err, (void)errlen;
    return 0; /* the mesh refuses every rule in a build without fault hooks */
#endif
}

static void free_time(node_cluster *nc)
{
    if (nc->probe_ev) event_free(nc->probe_ev);
    if (nc->fault_start_ev) event_free(nc->fault_start_ev);
    if (nc->fault_end_ev) event_free(nc->fault_end_ev);
    time_probe_free(nc->probe);
    node_time_free(nc->nt);
    pthread_mutex_destroy(&nc->probe_mu);
}

/* The clock, the probes and their timer (before the mesh: its callbacks use them). */
static int new_time(node_cluster *nc, const node_cluster_opts *o, mesh_config *mc, char *err, size_t errlen)
{
    pthread_mutex_init(&nc->probe_mu, NULL);
    if (!(nc->nt = node_time_new(o->config, err, errlen))) return -1;
    nc->time = node_time_source(nc->nt);
    time_probe_io io;
    node_time_probe_io(nc->nt, probe_send, nc, &io);
    nc->probe_ms = o->time_probe_ms ? o->time_probe_ms : (unsigned)(TIME_PROBE_PERIOD_NS / TIME_NS_PER_MS);
    struct timeval now = {0, 0};
    if (!(nc->probe = time_probe_new(&io)) || !(nc->probe_ev = evtimer_new(o->base, on_probe_tick, nc)) ||
        evtimer_add(nc->probe_ev, &now) != 0)
        return snprintf(err, errlen, "cannot set up the time probes"), -1;
    for (size_t i = 0; i < o->n_faults; i++) {
        int r = time_fault(nc, o->base, o->faults[i], err, errlen);
        if (r < 0) return -1;
        if (r == 0) mc->faults[mc->n_faults++] = o->faults[i];
    }
    return 0;
}

/* Undo a partial node_cluster_new: the engine (if any), the mesh, the clock (once made), operations. */
static node_cluster *abandon(node_cluster *nc, cluster *c, int with_time)
{
    cluster_free(c);
    mesh_free(nc->m);
    if (with_time) free_time(nc);
    ops_free(nc);
    pthread_mutex_destroy(&nc->mu);
    free(nc);
    return NULL;
}

node_cluster *node_cluster_new(const node_cluster_opts *o, char *err, size_t errlen)
{
    node_cluster *nc = calloc(1, sizeof *nc);
    if (!nc) return snprintf(err, errlen, "out of memory"), NULL;
    pthread_mutex_init(&nc->mu, NULL);
    if (ops_init(nc, o, err, errlen) != 0) return abandon(nc, NULL, 0);
    mesh_config mc = {.base = o->base,
                      .name = o->name,
                      .listen = o->mesh_listen,
                      .on_frame = on_frame,
                      .on_peer = on_peer,
                      .arg = nc};
    if (new_time(nc, o, &mc, err, errlen) != 0) return abandon(nc, NULL, 1);
    nc->names[0] = o->name;
    for (int i = 0; i < MESH_PEERS; i++) {
        if (!o->peer_args[i] || mesh_config_peer(&mc, i, o->peer_args[i]) != 0) {
            snprintf(err, errlen, "--peer takes NAME=tcp:HOST:PORT, four times");
            return abandon(nc, NULL, 1);
        }
        nc->names[1 + i] = mc.peer_names[i];
    }
    if (mesh_config_attest(&mc, o->config, o->name, err, errlen) != 0 || !(nc->m = mesh_new(&mc, err, errlen)))
        return abandon(nc, NULL, 1);
    nc->deadline_ms = o->issue_deadline_ms ? o->issue_deadline_ms : 5000;
    nc->last_state = LC_NODE_COUNT;
    cluster_config cc = {.self_key = mesh_self_key(nc->m),
                         .boot_id = mesh_self_boot_id(nc->m),
                         .measurement = mesh_self_measurement(nc->m),
                         .send = send_to,
                         .send_arg = nc,
                         .evidence = evidence,
                         .evidence_arg = nc,
                         .time = nc->time,
                         .dev_ca = o->dev_ca,
                         .policies = o->policies,
                         .default_profile = o->default_profile,
                         .precision = o->precision,
                         .workers = o->workers,
                         .on_change = on_change,
                         .change_arg = nc,
                         .provider = mc.policy.provider,
                         .time_block = node_time_block_encode,
                         .time_block_arg = nc->nt,
                         .audit = nc->audit,
                         .node_name = node_name,
                         .name_arg = nc};
    if (cluster_config_load(&cc, o->config, err, errlen) != 0) return abandon(nc, NULL, 1);
    cluster *c = cluster_new(&cc, err, errlen);
    if (!c) return abandon(nc, NULL, 1);
#ifdef CCTSA_CLUSTER_FAULTS
    if (o->cluster_fault && cluster_set_fault(c, o->cluster_fault) != 0) {
        snprintf(err, errlen,
                 "unknown --cluster-fault rule '%s' (gentime=MS, tamper-tbs, binding-fail=N, dkg-abort, none)",
                 o->cluster_fault);
        return abandon(nc, c, 1);
    }
#else
    if (o->cluster_fault) {
        snprintf(err, errlen, "--cluster-fault exists only in test builds (cctsa-node-faults)");
        return abandon(nc, c, 1);
    }
#endif
    nc->c = c; /* the loop has not run yet: no mesh callback was missed */
    nc->ctl.cluster = c;
    if (nc->audit) nc->head_started = pthread_create(&nc->head_thread, NULL, head_main, nc) == 0;
    cluster_self_update(c, 1, nc->self_time_ok = node_time_ok(nc->nt));
    nc->be = (node_backend){.issue = be_issue,
                            .status = be_status,
                            .certs = be_certs,
                            .csrs = be_csrs,
                            .binding = be_binding,
                            .attest = be_attest,
                            .control = be_control,
                            .install = be_install,
                            .arg = nc};
    return nc;
}

void node_cluster_free(node_cluster *nc)
{
    if (!nc) return;
    pthread_mutex_lock(&nc->mu);
    nc->head_stop = 1;
    pthread_cond_broadcast(&nc->head_cv);
    pthread_mutex_unlock(&nc->mu);
    if (nc->head_started) pthread_join(nc->head_thread, NULL);
    cluster *c = nc->c;
    nc->c = NULL;
    cluster_free(c);
    mesh_free(nc->m);
    free_time(nc); /* after the engine and the mesh, which use the clock and the probes */
    ops_free(nc);
    pthread_mutex_destroy(&nc->mu);
    free(nc);
}

const node_backend *node_cluster_backend(node_cluster *nc) { return &nc->be; }

const uint8_t *node_cluster_key(node_cluster *nc) { return mesh_self_key(nc->m); }

const uint8_t *node_cluster_boot_id(node_cluster *nc) { return mesh_self_boot_id(nc->m); }

const uint8_t *node_cluster_measurement(node_cluster *nc) { return mesh_self_measurement(nc->m); }

void node_cluster_arm_faults(node_cluster *nc) { mesh_fault_arm(nc->m); }

/* node_cluster.c: cluster mode of cctsa-node (see node_cluster.h). */
#include "node/node_cluster.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "node/node_status.h"

struct node_cluster {
    mesh *m;
    cluster *c;
    node_backend be;
    tsp_time_source time;
    unsigned deadline_ms;
    const char *names[CLUSTER_NODES];
    time_t attested_at;
    pthread_mutex_t mu; /* the last_* fields below */
    lc_node_state last_state;
    lc_epoch_state last_epoch;
    lc_availability last_avail;
};

static void on_frame(void *arg, int peer, uint8_t chan, const uint8_t *body, size_t len)
{
    node_cluster *nc = arg;
    if (chan != MESH_CHAN_CLUSTER || !nc->c) return; /* time and control channels: not yet */
    mesh_peer_info info;
    mesh_peer_get(nc->m, peer, &info);
    if (info.state == MESH_PEER_UP) cluster_on_message(nc->c, info.key, body, len);
}

static void on_peer(void *arg, int peer, const mesh_peer_info *info)
{
    node_cluster *nc = arg;
    if (nc->c) cluster_peer_update(nc->c, peer, info, 1);
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
    pthread_mutex_unlock(&nc->mu);
    if (same) return;
    fprintf(stderr, "cctsa-node: %s: epoch %u %s, availability %s, node %s%s%s\n", nc->names[0], st.epoch,
            lc_epoch_name(st.epoch_state), lc_availability_name(st.availability), lc_node_name(st.node_state),
            st.reason[0] ? ": " : "", st.reason);
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
    x.own_attested_at = nc->attested_at;
    uint64_t refused[MESH_REFUSED_KINDS];
    mesh_refusals(nc->m, refused);
    x.attest_failures[PROTO_AFAIL_MEASUREMENT] = refused[MESH_REFUSED_MEASUREMENT];
    x.attest_failures[PROTO_AFAIL_DEBUG] = refused[MESH_REFUSED_DEBUG];
    x.attest_failures[PROTO_AFAIL_CHIP_ID] = refused[MESH_REFUSED_CHIP_ID];
    x.attest_failures[PROTO_AFAIL_EVIDENCE] = refused[MESH_REFUSED_EVIDENCE];
    /* TODO(trusted time, issue 15): NTS counts, last sync, time refusals and peer offsets. */
    node_status_from_cluster(&cs, &x, time(NULL), out);
    tsp_time_reading tr;
    tsp_time_read(&nc->time, &tr);
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

/* ATTEST: REPORT_DATA binds the nonce, the live epoch's key ids and this node's mesh key. */
static int be_attest(void *arg, const uint8_t *nonce, size_t nonce_len, attest_evidence *ev)
{
    node_cluster *nc = arg;
    cluster_status cs;
    uint8_t binding[ATTEST_BINDING_BYTES];
    cluster_get_status(nc->c, &cs);
    if (node_attest_binding(nonce, nonce_len, cs.ml_key_id, cs.ec_key_id, mesh_self_key(nc->m), binding) != 0) return -1;
    return mesh_self_evidence(nc->m, binding, ev);
}

node_cluster *node_cluster_new(const node_cluster_opts *o, char *err, size_t errlen)
{
    node_cluster *nc = calloc(1, sizeof *nc);
    if (!nc) return snprintf(err, errlen, "out of memory"), NULL;
    pthread_mutex_init(&nc->mu, NULL);
    mesh_config mc = {.base = o->base, .name = o->name, .listen = o->mesh_listen, .on_frame = on_frame,
                      .on_peer = on_peer, .arg = nc, .n_faults = o->n_faults};
    memcpy(mc.faults, o->faults, sizeof mc.faults);
    nc->names[0] = o->name;
    for (int i = 0; i < MESH_PEERS; i++) {
        if (!o->peer_args[i] || mesh_config_peer(&mc, i, o->peer_args[i]) != 0) {
            snprintf(err, errlen, "--peer takes NAME=tcp:HOST:PORT, four times");
            free(nc);
            return NULL;
        }
        nc->names[1 + i] = mc.peer_names[i];
    }
    if (mesh_config_attest(&mc, o->config, o->name, err, errlen) != 0 || !(nc->m = mesh_new(&mc, err, errlen))) {
        free(nc);
        return NULL;
    }
    nc->attested_at = time(NULL); /* mesh_new verified our own evidence */
    nc->time = tsp_time_source_system();
    nc->deadline_ms = o->issue_deadline_ms ? o->issue_deadline_ms : 5000;
    nc->last_state = LC_NODE_COUNT;
    cluster_config cc = {.self_key = mesh_self_key(nc->m), .boot_id = mesh_self_boot_id(nc->m),
                         .measurement = mesh_self_measurement(nc->m), .send = send_to, .send_arg = nc,
                         .evidence = evidence, .evidence_arg = nc, .time = nc->time, .dev_ca = o->dev_ca,
                         .policies = o->policies, .default_profile = o->default_profile, .precision = o->precision,
                         .workers = o->workers, .on_change = on_change, .change_arg = nc,
                         .provider = mc.policy.provider};
    cluster *c = cluster_new(&cc, err, errlen);
    if (!c) {
        mesh_free(nc->m);
        free(nc);
        return NULL;
    }
#ifdef CCTSA_CLUSTER_FAULTS
    if (o->cluster_fault && cluster_set_fault(c, o->cluster_fault) != 0) {
        snprintf(err, errlen, "unknown --cluster-fault rule '%s' (gentime=MS, tamper-tbs, none)", o->cluster_fault);
        cluster_free(c);
        mesh_free(nc->m);
        free(nc);
        return NULL;
    }
#else
    if (o->cluster_fault) {
        snprintf(err, errlen, "--cluster-fault exists only in test builds (cctsa-node-faults)");
        cluster_free(c);
        mesh_free(nc->m);
        free(nc);
        return NULL;
    }
#endif
    nc->c = c; /* the loop has not run yet: no mesh callback was missed */
    cluster_self_update(c, 1, 1);
    nc->be = (node_backend){.issue = be_issue, .status = be_status, .certs = be_certs, .csrs = be_csrs,
                            .binding = be_binding, .attest = be_attest, .arg = nc};
    return nc;
}

void node_cluster_free(node_cluster *nc)
{
    if (!nc) return;
    cluster *c = nc->c;
    nc->c = NULL;
    cluster_free(c);
    mesh_free(nc->m);
    pthread_mutex_destroy(&nc->mu);
    free(nc);
}

const node_backend *node_cluster_backend(node_cluster *nc)
{
    return &nc->be;
}

const uint8_t *node_cluster_key(node_cluster *nc)
{
    return mesh_self_key(nc->m);
}

const uint8_t *node_cluster_boot_id(node_cluster *nc)
{
    return mesh_self_boot_id(nc->m);
}

const uint8_t *node_cluster_measurement(node_cluster *nc)
{
    return mesh_self_measurement(nc->m);
}

void node_cluster_arm_faults(node_cluster *nc)
{
    mesh_fault_arm(nc->m);
}

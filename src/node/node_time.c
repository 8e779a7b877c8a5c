/* node_time.c: a cluster node's clock (see node_time.h). */
#include "node/node_time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "attest/attest.h"
#include "time/time_node.h"

struct node_time {
    time_node *tn; /* NULL: the development host clock below */
    /* development host clock (atomics: read from any thread) */
    int64_t offset_ns;
    int excluded;
    uint64_t excluded_refusals;
    void (*send)(void *ctx, int peer, const uint8_t *msg, size_t len); /* the probes' transport */
    void *send_ctx;
};

static int any_time_key(void *ctx, const char *key, const char *val)
{
    (void)key, (void)val;
    (*(int *)ctx)++;
    return 0;
}

node_time *node_time_new(const char *config, char *err, size_t errlen)
{
    int keys = 0;
    char why[256];
    if (attest_config_load_each(config, "time.", any_time_key, &keys, why, sizeof why) != 0)
        return snprintf(err, errlen, "%s: %s", config, why), NULL;
    node_time *t = calloc(1, sizeof *t);
    if (!t) return snprintf(err, errlen, "out of memory"), NULL;
    if (keys && !(t->tn = time_node_start(config, NULL, why, sizeof why))) {
        snprintf(err, errlen, "trusted time: %s", why);
        free(t);
        return NULL;
    }
    fprintf(stderr, "cctsa-node: time: %s\n",
            keys ? "trusted time (NTS engine of the measured configuration)"
                 : "host clock (DEVELOPMENT: no time.* keys, not trusted time)");
    return t;
}

void node_time_free(node_time *t)
{
    if (!t) return;
    time_node_stop(t->tn);
    free(t);
}

int node_time_trusted_engine(const node_time *t) { return t->tn != NULL; }

/* The host clock: eps = E_max (it has no real bound), state SYNCED, or EXCLUDED when excluded and
 * the exclusion is not ignored. */
static int host_reading(node_time *t, int ignore_exclusion, time_reading *r)
{
    struct timespec ts;
    memset(r, 0, sizeof *r);
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0) {
        r->state = TIME_UNSYNCED;
        snprintf(r->reason, sizeof r->reason, "host clock unreadable");
        return -1;
    }
    r->utc_ns = (int64_t)ts.tv_sec * TIME_NS_PER_S + ts.tv_nsec + __atomic_load_n(&t->offset_ns, __ATOMIC_RELAXED);
    r->eps_ns = TIME_E_MAX_NS;
    r->state = TIME_SYNCED;
    if (!ignore_exclusion && __atomic_load_n(&t->excluded, __ATOMIC_RELAXED)) {
        r->state = TIME_EXCLUDED;
        snprintf(r->reason, sizeof r->reason, "excluded by the cluster's cross-node checks");
        return -1;
    }
    return 0;
}

static int host_read(void *ctx, tsp_time_reading *r)
{
    node_time *t = ctx;
    time_reading tr;
    int rc = host_reading(t, 0, &tr);
    if (tr.state == TIME_EXCLUDED) __atomic_fetch_add(&t->excluded_refusals, 1, __ATOMIC_RELAXED);
    r->utc.tv_sec = (time_t)(tr.utc_ns / TIME_NS_PER_S);
    r->utc.tv_nsec = (long)(tr.utc_ns % TIME_NS_PER_S);
    r->eps_ns = (uint64_t)tr.eps_ns;
    r->development = 1;
    r->state = tr.state == TIME_SYNCED     ? TSP_TIME_SYNCED
               : tr.state == TIME_EXCLUDED ? TSP_TIME_EXCLUDED
                                           : TSP_TIME_UNSYNCED;
    r->reason = tr.state == TIME_SYNCED     ? "host clock (development: not trusted time)"
                : tr.state == TIME_EXCLUDED ? "host clock excluded by the cluster's cross-node checks"
                                            : "host clock unreadable";
    return rc;
}

tsp_time_source node_time_source(node_time *t)
{
    if (t->tn) return time_node_source(t->tn);
    tsp_time_source ts = {.read = host_read, .ctx = t};
    return ts;
}

static int io_read(void *ctx, time_reading *r)
{
    node_time *t = ctx;
    return t->tn ? time_node_peek_own(t->tn, r) : host_reading(t, 1, r);
}

static void io_block(void *ctx, time_block *b)
{
    node_time *t = ctx;
    if (t->tn) {
        time_node_block(t->tn, b);
        return;
    }
    time_reading r;
    host_reading(t, 1, &r);
    time_block_from(&r, NULL, b);
    b->sync_age_s = 0; /* the host clock is as fresh as it gets */
    if (__atomic_load_n(&t->excluded, __ATOMIC_RELAXED)) b->state = TIME_EXCLUDED;
}

static void io_set_excluded(void *ctx, int excluded, const char *why)
{
    node_time *t = ctx;
    fprintf(stderr, "cctsa-node: time: %s%s%s\n", excluded ? "EXCLUDED" : "rejoined", why ? ": " : "", why ? why : "");
    if (t->tn)
        time_node_set_excluded(t->tn, excluded, why);
    else
        __atomic_store_n(&t->excluded, excluded, __ATOMIC_RELAXED);
}

static void io_send(void *ctx, int peer, const uint8_t *msg, size_t len)
{
    node_time *t = ctx;
    t->send(t->send_ctx, peer, msg, len);
}

void node_time_probe_io(node_time *t, void (*send)(void *ctx, int peer, const uint8_t *msg, size_t len), void *send_ctx,
                        time_probe_io *io)
{
    t->send = send;
    t->send_ctx = send_ctx;
    io->send = io_send;
    io->read = io_read;
    io->block = io_block;
    io->set_excluded = io_set_excluded;
    io->ctx = t;
}

void node_time_block_encode(void *t, uint8_t out[TIME_BLOCK_BYTES])
{
    time_block b;
    io_block(t, &b);
    time_block_encode(&b, out);
}

int node_time_ok(node_time *t)
{
    tsp_time_source ts = node_time_source(t);
    tsp_time_reading r;
    return tsp_time_read(&ts, &r) == 0 && (r.state == TSP_TIME_SYNCED || r.state == TSP_TIME_HOLDOVER);
}

void node_time_set_test_offset(node_time *t, int64_t offset_ns)
{
    fprintf(stderr, "cctsa-node: time: TEST OFFSET %lld ms\n", (long long)(offset_ns / TIME_NS_PER_MS));
    if (t->tn)
        time_node_set_test_offset(t->tn, offset_ns);
    else
        __atomic_store_n(&t->offset_ns, offset_ns, __ATOMIC_RELAXED);
}

void node_time_status(node_time *t, const uint64_t checks[TIME_PEER_REASONS], node_status_extra *x,
                      tsp_time_reading *reading)
{
    /* engine refusals and participant checks onto the STATUS reasons (docs/metrics.md) */
    static const int by_refusal[TIME_REFUSE_COUNT] = {
        [TIME_REFUSE_UNSYNCED] = PROTO_TREF_NOT_SYNCED, [TIME_REFUSE_HOLDOVER] = PROTO_TREF_HOLDOVER_EXPIRED,
        [TIME_REFUSE_EPS] = PROTO_TREF_ERROR_BOUND,     [TIME_REFUSE_LEAP] = PROTO_TREF_LEAP_SECOND,
        [TIME_REFUSE_EXCLUDED] = PROTO_TREF_NOT_SYNCED, [TIME_REFUSE_CLOCK] = PROTO_TREF_NOT_SYNCED};
    static const int by_check[TIME_PEER_REASONS] = {[TIME_PEER_OK] = -1,
                                                    [TIME_PEER_OWN_UNTRUSTED] = PROTO_TREF_NOT_SYNCED,
                                                    [TIME_PEER_COORD_UNTRUSTED] = PROTO_TREF_COORDINATOR_UNTRUSTED,
                                                    [TIME_PEER_BAD_BLOCK] = PROTO_TREF_COORDINATOR_UNTRUSTED,
                                                    [TIME_PEER_TOO_OLD] = PROTO_TREF_GENTIME_WINDOW,
                                                    [TIME_PEER_TOO_NEW] = PROTO_TREF_GENTIME_WINDOW};
    tsp_time_source ts = node_time_source(t);
    tsp_time_read(&ts, reading);
    for (int i = 0; i < TIME_PEER_REASONS; i++)
        if (by_check[i] >= 0) x->time_refusals[by_check[i]] += checks[i];
    if (!t->tn) {
        x->time_refusals[PROTO_TREF_NOT_SYNCED] += __atomic_load_n(&t->excluded_refusals, __ATOMIC_RELAXED);
        x->last_sync = time(NULL);
        return;
    }
    time_status st;
    time_node_status(t->tn, &st);
    for (int i = 0; i < TIME_REFUSE_COUNT; i++) x->time_refusals[by_refusal[i]] += st.refusals[i];
    x->nts_configured = (unsigned)st.configured;
    x->nts_agreeing = (unsigned)st.agreeing;
    x->last_sync = st.sync_age_ns < 0 ? 0 : time(NULL) - (time_t)(st.sync_age_ns / TIME_NS_PER_S);
}

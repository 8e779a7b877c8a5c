/* time_node.c: the time engine inside a node: the poller thread, its schedule, and the node's time
 * seam (time_node.h). The engine is only touched under the lock; network exchanges run outside it,
 * so a slow server never delays a reading. */
#include <errno.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "time/time_internal.h"
#include "time/time_node.h"

struct time_node {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t thread;
    int stopping;
    time_engine *e;
    nts_source *src[TIME_MAX_SOURCES];
    int n;
    time_interval_clock clock;
    int64_t poll_ns, gap_ns;
    int burst;
    uint64_t rounds;
};

/* One round: an exchange with every source (outside the lock), then a selection. 0 if it set a
 * new anchor. */
static int round_once(time_node *t)
{
    time_reading r;
    pthread_mutex_lock(&t->lock);
    int64_t cert_time = time_engine_peek(t->e, &r) == 0 ? r.utc_ns / TIME_NS_PER_S : 0;
    pthread_mutex_unlock(&t->lock);
    for (int i = 0; i < t->n; i++) {
        char why[160];
        time_sample s;
        nts_source_set_cert_time(t->src[i], cert_time);
        int ok = nts_source_sample(t->src[i], t->clock, &s, why, sizeof why) == 0;
        pthread_mutex_lock(&t->lock);
        time_engine_add_sample(t->e, i, ok ? &s : NULL, ok ? NULL : why);
        pthread_mutex_unlock(&t->lock);
    }
    pthread_mutex_lock(&t->lock);
    int rc = time_engine_select(t->e);
    t->rounds++;
    pthread_mutex_unlock(&t->lock);
    return rc;
}

int64_t time_node_schedule_next(time_node_schedule *s, int ok, int64_t poll_ns, int64_t gap_ns, int burst,
                                uint16_t jitter)
{
    if (ok) {
        s->bad = 0;
        if (s->good >= 0 && ++s->good >= burst) s->good = -1; /* burst complete: regular polling */
    } else {
        s->good = 0; /* loss: the next good selection starts a new burst */
        if (s->bad < burst) s->bad++;
    }
    if (s->good >= 0 && s->bad < burst) return gap_ns;
    return poll_ns - poll_ns / 8 * jitter / 65536;
}

static void *poller(void *arg)
{
    time_node *t = arg;
    time_node_schedule sched = {0, 0};
    pthread_mutex_lock(&t->lock);
    while (!t->stopping) {
        pthread_mutex_unlock(&t->lock);
        int ok = round_once(t) == 0;
        uint16_t j = 0;
        if (RAND_bytes((uint8_t *)&j, sizeof j) != 1) j = 0;
        int64_t delay = time_node_schedule_next(&sched, ok, t->poll_ns, t->gap_ns, t->burst, j);
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        int64_t ns = until.tv_nsec + delay % TIME_NS_PER_S;
        until.tv_sec += (time_t)(delay / TIME_NS_PER_S + ns / TIME_NS_PER_S);
        until.tv_nsec = (long)(ns % TIME_NS_PER_S);
        pthread_mutex_lock(&t->lock);
        while (!t->stopping && pthread_cond_timedwait(&t->wake, &t->lock, &until) != ETIMEDOUT) {
        }
    }
    pthread_mutex_unlock(&t->lock);
    return NULL;
}

static void destroy(time_node *t)
{
    for (int i = 0; i < t->n; i++) nts_source_free(t->src[i]);
    time_engine_free(t->e);
    pthread_cond_destroy(&t->wake);
    pthread_mutex_destroy(&t->lock);
    free(t);
}

time_node *time_node_start_config(const time_config *cfg, const time_node_options *opt, char *why, size_t whylen)
{
    static const time_node_options defaults;
    if (!opt) opt = &defaults;
    time_node *t = calloc(1, sizeof *t);
    if (!t) return time_fmt(why, whylen, "out of memory"), NULL;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_mutex_init(&t->lock, NULL);
    pthread_cond_init(&t->wake, &ca);
    pthread_condattr_destroy(&ca);
    t->clock = time_clock_monotonic_raw();
    t->poll_ns = opt->poll_ns > 0 ? opt->poll_ns : TIME_NODE_POLL_NS;
    t->gap_ns = opt->burst_gap_ns > 0 ? opt->burst_gap_ns : TIME_NODE_BURST_GAP_NS;
    t->burst = opt->burst > 0 ? opt->burst : TIME_NODE_BURST;
    t->e = time_engine_new(t->clock, cfg->nservers, cfg->max_falsetickers);
    if (!t->e) {
        time_fmt(why, whylen, "cannot create the time engine (%d servers, %d falsetickers)", cfg->nservers,
                 cfg->max_falsetickers);
        destroy(t);
        return NULL;
    }
    time_engine_set_limits(t->e, opt->fresh_ns, opt->holdover_ns);
    time_engine_set_test_offset(t->e, opt->test_offset_ns);
    if (cfg->require_hardware_clock) {
        time_clock_report rep;
        if (!opt->clock_report) time_clock_report_read(&rep);
        time_engine_require_hardware_clock(t->e, opt->clock_report ? opt->clock_report : &rep);
    }
    for (; t->n < cfg->nservers; t->n++) {
        nts_source_config sc = cfg->servers[t->n];
        if (opt->timeout_ms > 0) sc.timeout_ms = opt->timeout_ms;
        if (!(t->src[t->n] = nts_source_new(&sc))) {
            time_fmt(why, whylen, "cannot create NTS source %s", sc.host);
            destroy(t);
            return NULL;
        }
    }
    if (pthread_create(&t->thread, NULL, poller, t) != 0) {
        time_fmt(why, whylen, "cannot start the time poller thread");
        destroy(t);
        return NULL;
    }
    return t;
}

time_node *time_node_start(const char *config_path, const time_node_options *opt, char *why, size_t whylen)
{
    time_config cfg;
    char err[256];
    if (time_config_load(config_path, &cfg, err, sizeof err) != 0) {
        time_fmt(why, whylen, "%s: %s", config_path, err);
        return NULL;
    }
    return time_node_start_config(&cfg, opt, why, whylen);
}

void time_node_stop(time_node *t)
{
    if (!t) return;
    pthread_mutex_lock(&t->lock);
    t->stopping = 1;
    pthread_cond_signal(&t->wake);
    pthread_mutex_unlock(&t->lock);
    pthread_join(t->thread, NULL);
    destroy(t);
}

/* Static text for the seam (tsp_time_reading.reason must outlive the call). */
static const char *reason_text(time_state st, const uint64_t before[TIME_REFUSE_COUNT],
                               const uint64_t after[TIME_REFUSE_COUNT])
{
    static const char *refused[TIME_REFUSE_COUNT] = {
        "trusted time: not synchronised (too few agreeing NTS sources)",
        "trusted time: holdover limit passed without a good NTS selection",
        "trusted time: error bound above E_max",
        "trusted time: within 2 s of an announced leap second",
        "trusted time: excluded by the cluster's cross-node checks",
        "trusted time: the interval clock failed, is implausible or not hardware-protected"};
    if (st == TIME_SYNCED) return "trusted time: NTS synchronised";
    if (st == TIME_HOLDOVER) return "trusted time: holdover (no fresh NTS selection)";
    for (int i = 0; i < TIME_REFUSE_COUNT; i++)
        if (after[i] != before[i]) return refused[i];
    return refused[TIME_REFUSE_UNSYNCED];
}

static int seam_read(void *ctx, tsp_time_reading *r)
{
    time_node *t = ctx;
    time_reading tr;
    pthread_mutex_lock(&t->lock);
    uint64_t before[TIME_REFUSE_COUNT];
    memcpy(before, t->e->refusals, sizeof before);
    int rc = time_engine_now(t->e, &tr);
    r->reason = reason_text(tr.state, before, t->e->refusals);
    pthread_mutex_unlock(&t->lock);
    static const tsp_time_state map[] = {[TIME_UNSYNCED] = TSP_TIME_UNSYNCED,
                                         [TIME_SYNCED] = TSP_TIME_SYNCED,
                                         [TIME_HOLDOVER] = TSP_TIME_HOLDOVER,
                                         [TIME_EXCLUDED] = TSP_TIME_EXCLUDED};
    r->state = map[tr.state];
    r->development = 0;
    r->eps_ns = (uint64_t)tr.eps_ns;
    r->utc.tv_sec = (time_t)(tr.utc_ns / TIME_NS_PER_S);
    r->utc.tv_nsec = (long)(tr.utc_ns % TIME_NS_PER_S);
    return rc;
}

tsp_time_source time_node_source(time_node *t)
{
    tsp_time_source ts = {.read = seam_read, .ctx = t};
    return ts;
}

void time_node_status(time_node *t, time_status *out)
{
    pthread_mutex_lock(&t->lock);
    time_engine_status(t->e, out);
    pthread_mutex_unlock(&t->lock);
}

void time_node_set_excluded(time_node *t, int excluded, const char *why)
{
    pthread_mutex_lock(&t->lock);
    time_engine_set_excluded(t->e, excluded, why);
    pthread_mutex_unlock(&t->lock);
}

int time_node_peek(time_node *t, time_reading *out)
{
    pthread_mutex_lock(&t->lock);
    int rc = time_engine_peek(t->e, out);
    pthread_mutex_unlock(&t->lock);
    return rc;
}

int time_node_peek_own(time_node *t, time_reading *out)
{
    pthread_mutex_lock(&t->lock);
    int rc = time_engine_peek_own(t->e, out);
    pthread_mutex_unlock(&t->lock);
    return rc;
}

void time_node_block(time_node *t, time_block *out)
{
    time_reading r;
    time_status st;
    pthread_mutex_lock(&t->lock);
    time_engine_peek_own(t->e, &r);
    time_engine_status(t->e, &st);
    int excluded = t->e->excluded;
    pthread_mutex_unlock(&t->lock);
    time_block_from(&r, &st, out);
    if (excluded) out->state = TIME_EXCLUDED;
}

void time_node_set_test_offset(time_node *t, int64_t offset_ns)
{
    pthread_mutex_lock(&t->lock);
    time_engine_set_test_offset(t->e, offset_ns);
    pthread_mutex_unlock(&t->lock);
}

uint64_t time_node_rounds(time_node *t)
{
    pthread_mutex_lock(&t->lock);
    uint64_t n = t->rounds;
    pthread_mutex_unlock(&t->lock);
    return n;
}

/* gateway_metrics.c: /metrics in the Prometheus text format (see gateway_metrics.h). */
#include "gateway/gateway_metrics.h"

#include <dirent.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "node/lifecycle.h"
#include "tsp/tsp_profile.h"
#include "tsp/tsp_status.h"

static const double dur_le[] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10};
#define NDUR (sizeof dur_le / sizeof dur_le[0])
static const double att_le[] = {1, 2, 3, 4, 5, 8, 16};
#define NATT (sizeof att_le / sizeof att_le[0])
#define NPROF (TSP_PROFILE_COUNT + 1) /* + "none" */
#define NFAIL 33                      /* bits 0..31 + "none" */
#define NALG 3

typedef struct {
    uint64_t bucket[NDUR > NATT ? NDUR : NATT];
    uint64_t count;
    double sum;
} histo;

struct gw_metrics {
    pthread_mutex_t mu;
    uint64_t requests[NPROF][GW_OUTCOMES][NFAIL];
    histo request_s, attempts, signing_s[NALG];
};

static const char *const outcome_names[GW_OUTCOMES] = {"granted", "rejected", "unavailable"};
/* the algorithms a profile signs with: classic ECDSA; pq ML-DSA; hybrid and compat both */
static const char *const alg_names[NALG] = {"ecdsa-p384", "ml-dsa-65", "ecdsa-p384+ml-dsa-65"};
static int alg_of(int profile) { return profile == TSP_PROFILE_CLASSIC ? 0 : profile == TSP_PROFILE_PQ ? 1 : 2; }

gw_metrics *gw_metrics_new(void)
{
    gw_metrics *m = calloc(1, sizeof *m);
    if (m) pthread_mutex_init(&m->mu, NULL);
    return m;
}

void gw_metrics_free(gw_metrics *m)
{
    if (!m) return;
    pthread_mutex_destroy(&m->mu);
    free(m);
}

static void observe(histo *h, const double *le, size_t n, double v)
{
    for (size_t i = 0; i < n; i++)
        if (v <= le[i]) h->bucket[i]++;
    h->count++;
    h->sum += v;
}

void gw_metrics_request(gw_metrics *m, int profile, int outcome, int fail, double request_s, double signing_s,
                        unsigned attempts)
{
    int p = profile >= 0 && profile < TSP_PROFILE_COUNT ? profile : TSP_PROFILE_COUNT;
    int f = fail >= 0 && fail < 32 ? fail : 32;
    if (outcome < 0 || outcome >= GW_OUTCOMES) return;
    pthread_mutex_lock(&m->mu);
    m->requests[p][outcome][f]++;
    observe(&m->request_s, dur_le, NDUR, request_s);
    if (attempts) observe(&m->attempts, att_le, NATT, (double)attempts);
    if (outcome == GW_OUT_GRANTED && p < TSP_PROFILE_COUNT) observe(&m->signing_s[alg_of(p)], dur_le, NDUR, signing_s);
    pthread_mutex_unlock(&m->mu);
}

/* ---- text buffer ---- */
typedef struct {
    char *p;
    size_t len, cap;
    int oom;
} buf;

static void out(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void out(buf *b, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = b->oom ? 0 : vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
        if (b->oom || n < 0) return;
        if ((size_t)n < b->cap - b->len) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = (b->cap + (size_t)n + 1) * 2;
        char *q = realloc(b->p, cap);
        if (!q) {
            b->oom = 1;
            return;
        }
        b->p = q;
        b->cap = cap;
    }
}

static void family(buf *b, const char *name, const char *type, const char *help)
{
    out(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A label value escaped for the exposition format (\\, \", \n), at most 160 bytes. */
static const char *esc(const char *s, char o[2 * 160 + 1])
{
    size_t n = 0;
    for (size_t i = 0; s[i] && i < 160; i++) {
        if (s[i] == '\\' || s[i] == '"')
            o[n++] = '\\', o[n++] = s[i];
        else if (s[i] == '\n')
            o[n++] = '\\', o[n++] = 'n';
        else
            o[n++] = s[i];
    }
    o[n] = 0;
    return o;
}

static void histogram(buf *b, const char *name, const char *labels, const histo *h, const double *le, size_t n)
{
    const char *sep = labels[0] ? "," : "";
    for (size_t i = 0; i < n; i++)
        out(b, "%s_bucket{%s%sle=\"%g\"} %llu\n", name, labels, sep, le[i], (unsigned long long)h->bucket[i]);
    out(b, "%s_bucket{%s%sle=\"+Inf\"} %llu\n", name, labels, sep, (unsigned long long)h->count);
    out(b, "%s_sum%s%s%s %.6f\n", name, labels[0] ? "{" : "", labels, labels[0] ? "}" : "", h->sum);
    out(b, "%s_count%s%s%s %llu\n", name, labels[0] ? "{" : "", labels, labels[0] ? "}" : "",
        (unsigned long long)h->count);
}

static void own_metrics(buf *b, gw_metrics *m, gw_signer *s)
{
    gw_metrics c;
    uint64_t retries[GW_RETRY_REASONS];
    pthread_mutex_lock(&m->mu);
    memcpy(c.requests, m->requests, sizeof c.requests);
    c.request_s = m->request_s, c.attempts = m->attempts;
    memcpy(c.signing_s, m->signing_s, sizeof c.signing_s);
    pthread_mutex_unlock(&m->mu);
    gw_signer_retries(s, retries);
    family(b, "cctsa_requests_total", "counter",
           "Time-stamp requests answered, by profile, outcome and PKIFailureInfo.");
    for (int p = 0; p < NPROF; p++)
        for (int o = 0; o < GW_OUTCOMES; o++)
            for (int f = 0; f < NFAIL; f++)
                if (c.requests[p][o][f] || (o == GW_OUT_GRANTED && f == 32 && p < TSP_PROFILE_COUNT))
                    out(b, "cctsa_requests_total{profile=\"%s\",outcome=\"%s\",fail=\"%s\"} %llu\n",
                        p < TSP_PROFILE_COUNT ? tsp_profile_name((tsp_profile)p) : "none", outcome_names[o],
                        f == 32 ? "none" : tsp_fail_name(f), (unsigned long long)c.requests[p][o][f]);
    family(b, "cctsa_request_duration_seconds", "histogram",
           "Whole time-stamp requests, from the first byte to the answer.");
    histogram(b, "cctsa_request_duration_seconds", "", &c.request_s, dur_le, NDUR);
    family(b, "cctsa_signing_duration_seconds", "histogram",
           "Node round trip of granted requests (as the gateway sees it), by the algorithms the profile signs with.");
    for (int a = 0; a < NALG; a++) {
        char l[64];
        snprintf(l, sizeof l, "alg=\"%s\"", alg_names[a]);
        histogram(b, "cctsa_signing_duration_seconds", l, &c.signing_s[a], dur_le, NDUR);
    }
    family(b, "cctsa_signing_attempts", "histogram", "Nodes a signed or refused request was sent to.");
    histogram(b, "cctsa_signing_attempts", "", &c.attempts, att_le, NATT);
    family(b, "cctsa_signing_retries_total", "counter", "Requests the gateway moved to another node, by reason.");
    for (int r = 0; r < GW_RETRY_REASONS; r++)
        out(b, "cctsa_signing_retries_total{reason=\"%s\"} %llu\n", gw_retry_reason_name(r),
            (unsigned long long)retries[r]);
    unsigned admitted, waiting;
    gw_signer_load(s, &admitted, &waiting);
    family(b, "cctsa_signing_admitted", "gauge",
           "Requests admitted to signing (at most --sign-queue): waiting for a node, signing, or being answered.");
    out(b, "cctsa_signing_admitted %u\n", admitted);
    family(b, "cctsa_signing_waiting", "gauge",
           "Admitted requests waiting in the gateway because every node is at --node-concurrency.");
    out(b, "cctsa_signing_waiting %u\n", waiting);
}

static void hex(const uint8_t *p, size_t n, char *o)
{
    for (size_t i = 0; i < n; i++) snprintf(o + 2 * i, 3, "%02x", p[i]);
}

/* The node's label: its name (cluster), else its endpoint. */
static void node_label(const gw_node_view *v, char o[2 * 160 + 1])
{
    const char *name = v->st.flags & PROTO_STATUS_CLUSTER ? v->st.cluster.nodes[0].name : "";
    esc(name[0] ? name : v->addr, o);
}

static void peer_label(const proto_cluster_node *n, char o[2 * 160 + 1])
{
    char k[2 * PROTO_SHORT_KEY + 1];
    hex(n->key, PROTO_SHORT_KEY, k);
    esc(n->name[0] ? n->name : k, o);
}

static void per_node_metrics(buf *b, const gw_node_view *v, unsigned n);

static void cluster_metrics(buf *b, gw_signer *s)
{
    static gw_node_view v[GW_MAX_NODES]; /* large; serialised by the caller's lock */
    unsigned n = gw_signer_nodes(s, v), online = 0, attested = 0, time_ok = 0;
    const gw_node_view *ref = NULL; /* the cluster as the first serving (else online) cluster node sees it */
    for (unsigned i = 0; i < n; i++) {
        if (!v[i].online) continue;
        online++;
        attested += v[i].st.attested;
        time_ok += v[i].st.time_state == PROTO_TIME_SYNCED || v[i].st.time_state == PROTO_TIME_HOLDOVER;
        if (v[i].st.flags & PROTO_STATUS_CLUSTER && (!ref || (!ref->serving && v[i].serving))) ref = &v[i];
    }
    family(b, "cctsa_nodes_configured", "gauge", "Node endpoints the gateway is configured with (--node).");
    out(b, "cctsa_nodes_configured %u\n", n);
    family(b, "cctsa_nodes_online", "gauge", "Nodes answering STATUS.");
    out(b, "cctsa_nodes_online %u\n", online);
    family(b, "cctsa_nodes_attested", "gauge", "Online nodes whose own evidence is taken.");
    out(b, "cctsa_nodes_attested %u\n", attested);
    family(b, "cctsa_nodes_time_ok", "gauge", "Online nodes whose time is synced or in holdover.");
    out(b, "cctsa_nodes_time_ok %u\n", time_ok);
    if (ref) {
        const proto_cluster *c = &ref->st.cluster;
        family(b, "cctsa_share_holders", "gauge", "Holders of the live epoch's shares that may still be alive.");
        out(b, "cctsa_share_holders %u\n", c->alive);
        family(b, "cctsa_cluster_state", "gauge", "Availability of the signing quorum (1 for the current state).");
        for (int a = 0; a < LC_AVAIL_COUNT; a++)
            out(b, "cctsa_cluster_state{state=\"%s\"} %d\n", lc_availability_name((lc_availability)a),
                a == c->availability);
        family(b, "cctsa_key_epoch", "gauge", "Number of the current key epoch (0 before the first DKG).");
        out(b, "cctsa_key_epoch %u\n", c->epoch);
        family(b, "cctsa_key_state", "gauge", "State of the current key epoch (1 for the current state).");
        for (int e = 0; e < LC_EPOCH_COUNT; e++)
            out(b, "cctsa_key_state{state=\"%s\"} %d\n", lc_epoch_name((lc_epoch_state)e), e == c->epoch_state);
        family(b, "cctsa_dkg_total", "counter", "DKGs run since the reporting node started, by result.");
        out(b, "cctsa_dkg_total{result=\"ok\"} %llu\ncctsa_dkg_total{result=\"failed\"} %llu\n",
            (unsigned long long)c->dkg_ok, (unsigned long long)c->dkg_failed);
        family(b, "cctsa_dkg_last_duration_seconds", "gauge", "Duration of the last DKG.");
        out(b, "cctsa_dkg_last_duration_seconds %.3f\n", (double)c->dkg_last_ms / 1000.0);
    }
    const gw_node_view *cert = ref;
    for (unsigned i = 0; !cert && i < n; i++)
        if (v[i].online) cert = &v[i];
    if (cert && cert->st.not_after) {
        family(b, "cctsa_cert_expiry_seconds", "gauge", "Seconds until the earlier notAfter of the TSA certificates.");
        out(b, "cctsa_cert_expiry_seconds{alg=\"earliest\"} %lld\n", (long long)(cert->st.not_after - time(NULL)));
    }

    per_node_metrics(b, v, n);
}

/* Values of the cluster block: < 0 when there is none to show. */
static long long nts_configured(const proto_cluster *c) { return c->nts_configured; }
static long long nts_agreeing(const proto_cluster *c) { return c->nts_agreeing; }
static long long attest_age(const proto_cluster *c)
{
    return c->attest_age_s == PROTO_AGE_NEVER ? -1LL : (long long)c->attest_age_s;
}
static long long presigs(const proto_cluster *c) { return c->presigs; }

/* A gauge with one sample per online cluster node, labelled `label` = the node. */
static void cluster_gauge(buf *b, const gw_node_view *v, unsigned n, const char *name, const char *label,
                          const char *help, long long (*value)(const proto_cluster *))
{
    char nl[2 * 160 + 1];
    family(b, name, "gauge", help);
    for (unsigned i = 0; i < n; i++) {
        long long x = v[i].online && v[i].st.flags & PROTO_STATUS_CLUSTER ? value(&v[i].st.cluster) : -1;
        if (x < 0) continue;
        node_label(&v[i], nl);
        out(b, "%s{%s=\"%s\"} %lld\n", name, label, nl, x);
    }
}

/* A counter per online cluster node and reason: the uint64_t array at `off` in the block. */
static void by_reason(buf *b, const gw_node_view *v, unsigned n, const char *name, const char *help, int reasons,
                      const char *(*reason_name)(int), size_t off)
{
    char nl[2 * 160 + 1];
    family(b, name, "counter", help);
    for (unsigned i = 0; i < n; i++) {
        if (!v[i].online || !(v[i].st.flags & PROTO_STATUS_CLUSTER)) continue;
        node_label(&v[i], nl);
        const uint64_t *count = (const uint64_t *)((const char *)&v[i].st.cluster + off);
        for (int r = 0; r < reasons; r++)
            out(b, "%s{node=\"%s\",reason=\"%s\"} %llu\n", name, nl, reason_name(r), (unsigned long long)count[r]);
    }
}

/* From the performance block of each online node that sends one: mesh traffic and the histogram
 * of threshold ML-DSA attempts per signature (buckets le="1".."7" and "+Inf", cumulative). */
/* A counter per node and direction: the two uint64_t of proto_perf at out_off and in_off. */
static void mesh_counter(buf *b, const gw_node_view *v, unsigned n, const char *name, const char *help, size_t out_off,
                         size_t in_off)
{
    char nl[2 * 160 + 1];
    family(b, name, "counter", help);
    for (unsigned i = 0; i < n; i++) {
        if (!v[i].online || !(v[i].st.flags & PROTO_STATUS_PERF)) continue;
        node_label(&v[i], nl);
        const char *p = (const char *)&v[i].st.perf;
        out(b, "%s{node=\"%s\",direction=\"out\"} %llu\n%s{node=\"%s\",direction=\"in\"} %llu\n", name, nl,
            (unsigned long long)*(const uint64_t *)(p + out_off), name, nl,
            (unsigned long long)*(const uint64_t *)(p + in_off));
    }
}

static void perf_metrics(buf *b, const gw_node_view *v, unsigned n)
{
    char nl[2 * 160 + 1];
    mesh_counter(b, v, n, "cctsa_mesh_bytes_total",
                 "Mesh data frame bytes (bodies) the node sent to / received from its peers.",
                 offsetof(proto_perf, mesh_bytes_out), offsetof(proto_perf, mesh_bytes_in));
    mesh_counter(b, v, n, "cctsa_mesh_frames_total", "Mesh data frames the node sent to / received from its peers.",
                 offsetof(proto_perf, mesh_frames_out), offsetof(proto_perf, mesh_frames_in));
    family(b, "cctsa_mldsa_sign_attempts", "histogram",
           "Threshold ML-DSA attempts per signature, over the signatures the node coordinated.");
    for (unsigned i = 0; i < n; i++) {
        if (!v[i].online || !(v[i].st.flags & PROTO_STATUS_PERF)) continue;
        node_label(&v[i], nl);
        const proto_perf *p = &v[i].st.perf;
        unsigned long long cum = 0;
        for (int k = 0; k < PROTO_ML_ATTEMPT_BUCKETS; k++) {
            cum += p->ml_attempts[k];
            if (k + 1 < PROTO_ML_ATTEMPT_BUCKETS)
                out(b, "cctsa_mldsa_sign_attempts_bucket{node=\"%s\",le=\"%d\"} %llu\n", nl, k + 1, cum);
        }
        out(b, "cctsa_mldsa_sign_attempts_bucket{node=\"%s\",le=\"+Inf\"} %llu\n", nl, cum);
        out(b, "cctsa_mldsa_sign_attempts_sum{node=\"%s\"} %llu\ncctsa_mldsa_sign_attempts_count{node=\"%s\"} %llu\n",
            nl, (unsigned long long)p->ml_attempts_sum, nl, cum);
    }
}

/* Families of one value (or a few) per online node; cluster-only ones from the cluster block. */
static void per_node_metrics(buf *b, const gw_node_view *v, unsigned n)
{
    char nl[2 * 160 + 1], pl[2 * 160 + 1];
    family(b, "cctsa_node_time_error_bound_seconds", "gauge", "Each node's time error bound (epsilon).");
    for (unsigned i = 0; i < n; i++)
        if (v[i].online) {
            node_label(&v[i], nl);
            out(b, "cctsa_node_time_error_bound_seconds{node=\"%s\"} %.9f\n", nl, (double)v[i].st.eps_ns / 1e9);
        }
    family(b, "cctsa_node_peer_offset_seconds", "gauge", "A peer's clock minus the node's, from the time probes.");
    for (unsigned i = 0; i < n; i++) {
        if (!v[i].online || !(v[i].st.flags & PROTO_STATUS_CLUSTER)) continue;
        node_label(&v[i], nl);
        for (int k = 1; k < PROTO_CLUSTER_NODES; k++) {
            const proto_cluster_node *p = &v[i].st.cluster.nodes[k];
            if (p->offset_ns == PROTO_OFFSET_UNKNOWN) continue;
            peer_label(p, pl);
            out(b, "cctsa_node_peer_offset_seconds{node=\"%s\",peer=\"%s\"} %.9f\n", nl, pl,
                (double)p->offset_ns / 1e9);
        }
    }
    cluster_gauge(b, v, n, "cctsa_nts_sources_configured", "node", "NTS sources in the node's measured configuration.",
                  nts_configured);
    cluster_gauge(b, v, n, "cctsa_nts_sources_agreeing", "node", "NTS sources in the node's agreeing intersection.",
                  nts_agreeing);
    cluster_gauge(b, v, n, "cctsa_attestation_age_seconds", "node", "Age of the node's own attestation evidence.",
                  attest_age);
    cluster_gauge(b, v, n, "cctsa_presignatures_available", "set",
                  "ECDSA presignatures in the pools of the signer sets a node coordinates (set = that node).", presigs);
    by_reason(b, v, n, "cctsa_time_refusals_total", "Signing refused for time reasons, by reason.", PROTO_TIME_REASONS,
              proto_time_reason_name, offsetof(proto_cluster, time_refusals));
    by_reason(b, v, n, "cctsa_attestation_failures_total", "Peer evidence the node refused, by reason.",
              PROTO_ATTEST_REASONS, proto_attest_reason_name, offsetof(proto_cluster, attest_failures));
    perf_metrics(b, v, n);
}

/* process_* of the gateway itself (the names of the Prometheus client libraries). */
static void process_metrics(buf *b)
{
    long tick = sysconf(_SC_CLK_TCK), page = sysconf(_SC_PAGESIZE);
    char st[1024];
    FILE *f = fopen("/proc/self/stat", "r");
    size_t len = f ? fread(st, 1, sizeof st - 1, f) : 0;
    if (f) fclose(f);
    st[len] = 0;
    unsigned long long utime = 0, stime = 0, start = 0, vsize = 0, rss = 0;
    const char *p = strrchr(st, ')'); /* the command name may hold spaces */
    /* after ")": state(3) ... utime(14) stime(15) ... starttime(22) vsize(23) rss(24) */
    if (!p ||
        sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d %*d %*d %*d %*d %llu %llu %llu",
               &utime, &stime, &start, &vsize, &rss) != 5)
        return;
    double btime = 0;
    char line[256];
    if ((f = fopen("/proc/stat", "r"))) {
        while (fgets(line, sizeof line, f))
            if (sscanf(line, "btime %lf", &btime) == 1) break;
        fclose(f);
    }
    unsigned fds = 0;
    DIR *d = opendir("/proc/self/fd");
    for (struct dirent *e; d && (e = readdir(d));) fds += e->d_name[0] != '.';
    if (d) closedir(d), fds--; /* the directory's own descriptor */
    struct rlimit rl = {0};
    getrlimit(RLIMIT_NOFILE, &rl);
    family(b, "process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.");
    out(b, "process_cpu_seconds_total %.2f\n", (double)(utime + stime) / (double)tick);
    family(b, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
    out(b, "process_resident_memory_bytes %llu\n", rss * (unsigned long long)page);
    family(b, "process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.");
    out(b, "process_virtual_memory_bytes %llu\n", vsize);
    family(b, "process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.");
    out(b, "process_start_time_seconds %.2f\n", btime + (double)start / (double)tick);
    family(b, "process_open_fds", "gauge", "Number of open file descriptors.");
    out(b, "process_open_fds %u\n", fds);
    family(b, "process_max_fds", "gauge", "Maximum number of open file descriptors.");
    out(b, "process_max_fds %llu\n", (unsigned long long)rl.rlim_cur);
}

char *gw_metrics_render(gw_metrics *m, gw_signer *s, size_t *len)
{
    static pthread_mutex_t render = PTHREAD_MUTEX_INITIALIZER; /* cluster_metrics' node copies */
    buf b = {0};
    pthread_mutex_lock(&render);
    own_metrics(&b, m, s);
    cluster_metrics(&b, s);
    process_metrics(&b);
    pthread_mutex_unlock(&render);
    if (b.oom || !b.p) {
        free(b.p);
        return NULL;
    }
    *len = b.len;
    return b.p;
}

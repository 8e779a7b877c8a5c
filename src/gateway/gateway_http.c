/* gateway_http.c: libmicrohttpd handlers for the time-stamp gateway: routing, strict framing,
 * bounded bodies, asynchronous signing through suspend/resume, and the daemon's limits. */
#include "gateway/gateway_http.h"

#include <microhttpd.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "base/base.h"
#include "gateway/gateway_cert.h"
#include "gateway/gateway_conn.h"
#include "gateway/gateway_info.h"
#include "gateway/gateway_metrics.h"
#include "gateway/gateway_sign.h"
#include "gateway/gateway_strict.h"
#include "tsp/tsp_profile.h"
#include "tsp/tsp_status.h"

#define HTTP_TOO_LARGE 413u /* named differently across libmicrohttpd versions */

#define RETRY_AFTER_S "1"
#define STOP_GRACE_MS 3000

struct gateway_http {
    gateway_http_config cfg;
    struct MHD_Daemon *daemon;
    gw_signer *signer;
    gw_conn_registry *conns;
    struct MHD_Response *busy; /* the 503, shared by every refusal */
    _Atomic unsigned awaiting; /* admitted to signing, reply not yet sent (for a graceful stop) */
    gw_metrics *metrics;
    gw_rate attest_rate; /* GET /attestation */
};

/* One POST request. Once submitted, the job belongs to the node client until its callback
 * has set `signed_` and resumed the connection. */
typedef enum {
    UP_RECEIVING,
    UP_SIGNING,
    UP_REFUSED
} upload_state;

typedef struct {
    int profile;       /* tsp_profile or TSP_PATH_DEFAULT */
    gw_info_kind info; /* a GET answered from a node (GW_INFO_NONE: a POST) */
    uint8_t *body;
    size_t len;
    upload_state state;
    _Atomic int signed_;
    struct MHD_Connection *conn;
    gw_sign_job job;
    struct timespec start, submitted;
} upload;

static void log_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void log_line(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cc_vlog(CC_LOG_INFO, "cctsa-gateway", fmt, ap); /* text or JSON: --log-format */
    va_end(ap);
}

/* Client-controlled text (method, URL: libmicrohttpd has already decoded %XX escapes) made safe
 * for a one-line log record: control characters and DEL become '?', at most cap - 1 bytes (a
 * longer value ends with "..."). Without this a URL holding %0a forges whole log lines, and
 * terminal escape sequences reach whoever reads the log. */
static const char *log_safe(const char *s, char *out, size_t cap)
{
    size_t n = 0;
    for (; s && s[n] && n + 1 < cap; n++) out[n] = ((unsigned char)s[n] < 0x20 || s[n] == 0x7F) ? '?' : s[n];
    out[n] = 0;
    if (s && s[n] && cap > 4) memcpy(out + cap - 4, "...", 4);
    return out;
}

/* Messages that come once per connection or per refused request (libmicrohttpd's own, such as
 * a client closing mid-request; 503s from a full signing queue) would flood the log under
 * attack or overload: at most per_s of each kind are written a second, and how many were left
 * out is logged when the next second begins. */
typedef struct {
    pthread_mutex_t mu;
    const char *what;
    unsigned per_s, lines, dropped;
    time_t second;
} log_limit;

static int log_allowed(log_limit *l)
{
    pthread_mutex_lock(&l->mu);
    time_t now = time(NULL);
    unsigned dropped = 0;
    if (now != l->second) {
        dropped = l->dropped;
        l->second = now, l->lines = l->dropped = 0;
    }
    int show = l->lines++ < l->per_s;
    if (!show) l->dropped++;
    pthread_mutex_unlock(&l->mu);
    if (dropped) log_line("%u more %s not logged", dropped, l->what);
    return show;
}

static log_limit lib_limit = {PTHREAD_MUTEX_INITIALIZER, "libmicrohttpd messages", 10, 0, 0, 0};
static log_limit busy_limit = {PTHREAD_MUTEX_INITIALIZER, "503 answers (signing queue full)", 1, 0, 0, 0};

/* libmicrohttpd's error logger: fmt is the library's own format string. */
__attribute__((format(printf, 2, 0))) static void lib_log(void *cls, const char *fmt, va_list ap)
{
    char msg[512], safe[512];
    (void)cls;
    if (!log_allowed(&lib_limit)) return;
    vsnprintf(msg, sizeof msg, fmt, ap);
    msg[strcspn(msg, "\n")] = 0;
    log_line("libmicrohttpd: %s", log_safe(msg, safe, sizeof safe));
}

static gw_conn *conn_of(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

/* Queue a response; a 4xx also closes the connection (part of a body may be unread; a 5xx
 * comes after the whole request). */
static enum MHD_Result reply(struct MHD_Connection *c, unsigned code, const char *ctype, const void *body, size_t len,
                             int copy)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, (void *)body, copy ? MHD_RESPMEM_MUST_COPY : MHD_RESPMEM_PERSISTENT);
    if (!r) return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
    if (code >= 400 && code < 500) MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
    if (code == MHD_HTTP_SERVICE_UNAVAILABLE) MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, RETRY_AFTER_S);
    enum MHD_Result rc = MHD_queue_response(c, code, r);
    MHD_destroy_response(r);
    gw_conn_set_phase(conn_of(c), GW_CONN_ANSWERED);
    return rc;
}

static enum MHD_Result text(struct MHD_Connection *c, unsigned code, const char *method, const char *url,
                            const char *msg)
{
    char m[32], u[256];
    log_line("%s %s -> HTTP %u (%.*s)", log_safe(method, m, sizeof m), log_safe(url, u, sizeof u), code,
             (int)strcspn(msg, "\n"), msg);
    return reply(c, code, "text/plain; charset=utf-8", msg, strlen(msg), 1); /* msg may be on the caller's stack */
}

/* /health: the node's states under the design's field names, plus profiles and certificate. */
static enum MHD_Result health(gateway_http *g, struct MHD_Connection *c)
{
    char body[8192], node_id[33];
    gw_nodes_health h;
    gw_signer_health(g->signer, &h);
    for (int i = 0; i < 16; i++) snprintf(node_id + 2 * i, 3, "%02x", h.st.node_id[i]);
    const char *status = h.up ? gateway_cert_health(&h.cert) : "unavailable";
    size_t n = (size_t)snprintf(
        body, sizeof body,
        "{\"status\":\"%s\",\"node_id\":\"%s\",\"attested\":%s,\"time_synced\":%s,\"time_source\":\"%s\","
        "\"quorum_available\":%s,\"uptime_seconds\":%llu,\"nodes_up\":%u,\"nodes\":%u,\"default_profile\":\"%s\","
        "\"profiles\":[",
        status, h.up ? node_id : "", h.st.attested ? "true" : "false",
        h.up && h.st.time_state == PROTO_TIME_SYNCED ? "true" : "false",
        !h.up                                 ? "none"
        : h.st.flags & PROTO_STATUS_DEV_CLOCK ? "development"
                                              : "trusted",
        h.up && h.st.quorum_available ? "true" : "false", (unsigned long long)h.st.uptime_s, h.nodes_up, h.nodes,
        tsp_profile_name(h.up ? (tsp_profile)h.st.default_profile : g->cfg.default_profile));
    const char *sep = "";
    for (int p = 0; p < TSP_PROFILE_COUNT; p++)
        if (h.st.profiles_mask & (1u << p)) {
            n += (size_t)snprintf(body + n, sizeof body - n, "%s\"%s\"", sep, tsp_profile_name((tsp_profile)p));
            sep = ",";
        }
    n += (size_t)snprintf(body + n, sizeof body - n, "]");
    if (h.up) n += gateway_cert_json(&h.cert, body + n, sizeof body - n);
    if (h.have_st && h.st.flags & PROTO_STATUS_CLUSTER && n < sizeof body)
        n += gw_info_cluster_json(&h.st.cluster, body + n, sizeof body - n);
    if (n < sizeof body) n += (size_t)snprintf(body + n, sizeof body - n, "}\n");
    if (n >= sizeof body) return text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "GET", "/health", "health does not fit\n");
    unsigned code = strcmp(status, "unavailable") ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE;
    return reply(c, code, "application/json", body, n, 1);
}

/* /metrics: the Prometheus text exposition. */
static enum MHD_Result metrics(gateway_http *g, struct MHD_Connection *c)
{
    size_t len = 0;
    char *t = gw_metrics_render(g->metrics, g->signer, &len);
    if (!t) return text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "GET", "/metrics", "out of memory\n");
    struct MHD_Response *r = MHD_create_response_from_buffer(len, t, MHD_RESPMEM_MUST_FREE);
    if (!r) return free(t), MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
    enum MHD_Result rc = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    gw_conn_set_phase(conn_of(c), GW_CONN_ANSWERED);
    return rc;
}

static enum MHD_Result submit_post(gateway_http *g, struct MHD_Connection *c, upload *u);

/* GET /binding, /certs, /attestation: check the query (the nonce), the rate limit of
 * /attestation, then ask a node. */
static enum MHD_Result begin_info(gateway_http *g, struct MHD_Connection *c, const char *url, gw_info_kind k,
                                  void **con_cls)
{
    uint8_t req[PROTO_ATTEST_NONCE_MAX];
    size_t req_len = 0;
    if (k == GW_INFO_ATTESTATION) {
        const char *nonce = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "nonce");
        if (gw_info_nonce(nonce, req, &req_len) != 0)
            return text(c, MHD_HTTP_BAD_REQUEST, "GET", url, "nonce: 32 to 128 hex digits (16 to 64 bytes) required\n");
        unsigned wait_s = gw_rate_take(&g->attest_rate);
        if (wait_s) {
            char secs[16];
            snprintf(secs, sizeof secs, "%u", wait_s);
            struct MHD_Response *r =
                MHD_create_response_from_buffer(19, (void *)"too many requests\n\n", MHD_RESPMEM_PERSISTENT);
            if (!r) return MHD_NO;
            MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
            MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, secs);
            MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
            enum MHD_Result rc = MHD_queue_response(c, MHD_HTTP_TOO_MANY_REQUESTS, r);
            MHD_destroy_response(r);
            gw_conn_set_phase(conn_of(c), GW_CONN_ANSWERED);
            log_line("GET /attestation -> HTTP 429 (rate limit)");
            return rc;
        }
    }
    upload *u = calloc(1, sizeof *u);
    if (!u || (req_len && !(u->body = malloc(req_len)))) {
        free(u);
        return MHD_NO;
    }
    if (req_len) memcpy(u->body, req, req_len);
    u->len = req_len;
    u->info = k;
    u->conn = c;
    clock_gettime(CLOCK_MONOTONIC, &u->start);
    *con_cls = u;
    return submit_post(g, c, u);
}

/* The node's answer to a GET, turned into the HTTP answer (gateway_info.h). */
static enum MHD_Result finish_info(struct MHD_Connection *c, const char *url, upload *u)
{
    gw_sign_job *j = &u->job;
    if (j->rc != 0) return text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "GET", url, "out of memory\n");
    if (j->res.unavailable) {
        char msg[PROTO_REASON_MAX + 64];
        snprintf(msg, sizeof msg, "not available: %s\n", j->why);
        return text(c, MHD_HTTP_SERVICE_UNAVAILABLE, "GET", url, msg);
    }
    gw_info_answer a;
    if (gw_info_format(u->info, u->body, u->len, j->resp, j->resp_len, &a) != 0)
        return text(c, MHD_HTTP_BAD_GATEWAY, "GET", url, "the node's answer is malformed\n");
    struct MHD_Response *r = MHD_create_response_from_buffer(a.len, a.body, MHD_RESPMEM_MUST_FREE);
    if (!r) return free(a.body), MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, a.ctype);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    enum MHD_Result rc = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    gw_conn_set_phase(conn_of(c), GW_CONN_ANSWERED);
    return rc;
}

/* Content-Type is application/timestamp-query (RFC 3161 3.4), case-insensitive, optionally
 * followed by parameters: the media type must end there, not merely start the header value. */
static int is_query_type(const char *ctype)
{
    static const char want[] = "application/timestamp-query";
    if (!ctype || strncasecmp(ctype, want, sizeof want - 1) != 0) return 0;
    char next = ctype[sizeof want - 1];
    return next == '\0' || next == ';' || next == ' ' || next == '\t';
}

/* First call of a POST: route and content checks before any body is read. */
static enum MHD_Result begin_post(gateway_http *g, struct MHD_Connection *c, const char *url, void **con_cls)
{
    int profile = tsp_profile_from_path(url, g->cfg.default_profile);
    if (profile < 0)
        return text(c, MHD_HTTP_NOT_FOUND, "POST", url, "unknown path: use /tsa or /tsa/<classic|pq|hybrid|compat>\n");
    if (!strcmp(url, "/tsa") || !strcmp(url, "/tsa/")) profile = TSP_PATH_DEFAULT;
    const char *ctype = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
    if (!is_query_type(ctype))
        return text(c, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, "POST", url,
                    "Content-Type must be application/timestamp-query\n");
    /* libmicrohttpd has already answered an unparsable Content-Length with 400. */
    const char *clen = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (clen && strtoull(clen, NULL, 10) > g->cfg.max_body)
        return text(c, HTTP_TOO_LARGE, "POST", url, "request too large\n");
    upload *u = calloc(1, sizeof *u);
    if (!u || !(u->body = malloc(g->cfg.max_body))) {
        free(u);
        return MHD_NO;
    }
    u->profile = profile;
    u->conn = c;
    clock_gettime(CLOCK_MONOTONIC, &u->start);
    *con_cls = u;
    return MHD_YES;
}

/* Node client callback (its thread): after MHD_resume_connection the upload is the HTTP
 * thread's again, so nothing touches it afterwards. */
static void signed_cb(gw_sign_job *job)
{
    upload *u = job->arg;
    atomic_store(&u->signed_, 1);
    MHD_resume_connection(u->conn);
}

/* The whole body is in (or a GET's node request is ready): hand it to the node client and
 * suspend the connection. */
static enum MHD_Result submit_post(gateway_http *g, struct MHD_Connection *c, upload *u)
{
    u->job = (gw_sign_job){.req = u->body,
                           .req_len = u->len,
                           .path_profile = u->profile,
                           .done = signed_cb,
                           .arg = u,
                           .query = gw_info_request_type(u->info)};
    clock_gettime(CLOCK_MONOTONIC, &u->submitted);
    gw_conn_set_phase(conn_of(c), GW_CONN_SIGNING);
    u->state = UP_SIGNING;
    MHD_suspend_connection(c);
    atomic_fetch_add(&g->awaiting, 1);
    if (gw_signer_submit(g->signer, &u->job) != 0) {
        atomic_fetch_sub(&g->awaiting, 1);
        u->state = UP_REFUSED; /* answered with 503 when the handler runs again */
        MHD_resume_connection(c);
    }
    return MHD_YES;
}

/* Signing queue full or shutting down: 503 with Retry-After, and (as RFC 3161 clients expect a
 * TimeStampResp) a systemFailure rejection as the body. Built once: under overload the refusal
 * must cost next to nothing. */
static struct MHD_Response *busy_response(void)
{
    uint8_t *der = NULL;
    size_t len = 0;
    if (tsp_resp_reject(TSP_FAIL_SYSTEM_FAILURE, "signing queue full, retry later", &der, &len) != 0) return NULL;
    struct MHD_Response *r = MHD_create_response_from_buffer(len, der, MHD_RESPMEM_MUST_COPY);
    free(der);
    if (r && (MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/timestamp-reply") != MHD_YES ||
              MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, RETRY_AFTER_S) != MHD_YES)) {
        MHD_destroy_response(r);
        r = NULL;
    }
    return r;
}

static double seconds_since(const struct timespec *t)
{
    struct timespec end;
    clock_gettime(CLOCK_MONOTONIC, &end);
    return (double)(end.tv_sec - t->tv_sec) + (double)(end.tv_nsec - t->tv_nsec) / 1e9;
}

static enum MHD_Result busy(gateway_http *g, struct MHD_Connection *c, const char *url, upload *u)
{
    char safe[256];
    if (u->info != GW_INFO_NONE) return text(c, MHD_HTTP_SERVICE_UNAVAILABLE, "GET", url, "busy, retry later\n");
    gw_metrics_request(g->metrics, -1, GW_OUT_UNAVAILABLE, TSP_FAIL_SYSTEM_FAILURE, seconds_since(&u->start), 0, 0);
    if (log_allowed(&busy_limit))
        log_line("POST %s -> HTTP 503 (signing queue full)", log_safe(url, safe, sizeof safe));
    gw_conn_set_phase(conn_of(c), GW_CONN_ANSWERED);
    return MHD_queue_response(c, MHD_HTTP_SERVICE_UNAVAILABLE, g->busy);
}

static enum MHD_Result finish_post(gateway_http *g, struct MHD_Connection *c, const char *url, upload *u)
{
    gw_sign_job *j = &u->job;
    if (j->rc != 0) return text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "POST", url, "cannot encode a response\n");
    tsp_engine_result res = j->res;
    double ms = seconds_since(&u->start) * 1e3;
    gw_metrics_request(g->metrics, res.profile,
                       res.status == TSP_STATUS_GRANTED ? GW_OUT_GRANTED
                       : res.unavailable                ? GW_OUT_UNAVAILABLE
                                                        : GW_OUT_REJECTED,
                       res.status == TSP_STATUS_GRANTED ? -1 : res.fail, ms / 1e3, seconds_since(&u->submitted),
                       j->attempts);
    char safe[256];
    if (res.status == TSP_STATUS_GRANTED)
        log_line("POST %s -> granted, profile %s, %zu-byte reply, %.1f ms", log_safe(url, safe, sizeof safe),
                 tsp_profile_name((tsp_profile)res.profile), j->resp_len, ms);
    else
        log_line("POST %s -> rejected: %s (%s), %.1f ms", log_safe(url, safe, sizeof safe), tsp_fail_name(res.fail),
                 res.why ? res.why : "", ms);
    /* The rejection is in the body either way; 503 (with Retry-After) tells clients and balancers
     * this TSA cannot sign right now (no node can: down, stalled, certificate outside its
     * validity, no trusted time). */
    return reply(c, res.unavailable ? MHD_HTTP_SERVICE_UNAVAILABLE : MHD_HTTP_OK, "application/timestamp-reply",
                 j->resp, j->resp_len, 1);
}

/* More body. A chunked body past the limit is cut off here: libmicrohttpd cannot queue a
 * response in the middle of an upload, so a bare 413 goes straight to the socket and the
 * connection is closed without reading the rest. */
static enum MHD_Result take_body(gateway_http *g, struct MHD_Connection *c, const char *url, upload *u,
                                 const char *data, size_t *data_size)
{
    if (u->len + *data_size > g->cfg.max_body) {
        char safe[256];
        log_line("POST %s -> HTTP 413 (body over %zu bytes, connection cut)", log_safe(url, safe, sizeof safe),
                 g->cfg.max_body);
        const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        if (ci) gw_conn_raw_answer(ci->connect_fd, "413 Content Too Large", "");
        return MHD_NO;
    }
    memcpy(u->body + u->len, data, *data_size);
    u->len += *data_size;
    *data_size = 0;
    return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *data, size_t *data_size, void **con_cls)
{
    gateway_http *g = cls;
    upload *u = *con_cls;
    (void)version;
    if (!u) {
        const char *bad = gw_strict_framing(c);
        if (bad) return text(c, MHD_HTTP_BAD_REQUEST, method, url, bad);
    }
    if (!strcmp(method, MHD_HTTP_METHOD_GET) || !strcmp(method, MHD_HTTP_METHOD_HEAD)) {
        if (u && u->state == UP_SIGNING && !atomic_load(&u->signed_)) return MHD_YES;
        if (u && u->state == UP_SIGNING) return finish_info(c, url, u);
        if (u) return busy(g, c, url, u);
        if (!strcmp(url, "/health")) return health(g, c);
        if (!strcmp(url, "/metrics")) return metrics(g, c);
        gw_info_kind k = gw_info_route(url);
        if (k != GW_INFO_NONE) return begin_info(g, c, url, k, con_cls);
        if (tsp_profile_from_path(url, g->cfg.default_profile) >= 0)
            return text(c, MHD_HTTP_METHOD_NOT_ALLOWED, method, url, "use POST with application/timestamp-query\n");
        return text(c, MHD_HTTP_NOT_FOUND, method, url, "not found\n");
    }
    if (strcmp(method, MHD_HTTP_METHOD_POST) != 0)
        return text(c, MHD_HTTP_METHOD_NOT_ALLOWED, method, url, "method not allowed\n");
    if (!u) return begin_post(g, c, url, con_cls);
    switch (u->state) {
    case UP_RECEIVING: return *data_size ? take_body(g, c, url, u, data, data_size) : submit_post(g, c, u);
    case UP_REFUSED: return busy(g, c, url, u);
    case UP_SIGNING: break;
    }
    if (!atomic_load(&u->signed_)) return MHD_YES; /* not expected: resumed before the pool finished */
    return u->info != GW_INFO_NONE ? finish_info(c, url, u) : finish_post(g, c, url, u);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    gateway_http *g = cls;
    upload *u = *con_cls;
    (void)toe;
    /* Kept alive: the inactivity timeout closes it quietly, or the registry cuts a trickle. */
    gw_conn_set_phase(conn_of(c), GW_CONN_KEPT);
    if (u) {
        if (u->state == UP_SIGNING) {
            free(u->job.resp);
            atomic_fetch_sub(&g->awaiting, 1);
        }
        free(u->body);
        free(u);
        *con_cls = NULL;
    }
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    gateway_http *g = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        *socket_context = ci ? gw_conn_open(g->conns, ci->connect_fd) : NULL;
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
        gw_conn_close(g->conns, *socket_context);
        *socket_context = NULL;
    }
}

gateway_http *gateway_http_start(const gateway_http_config *cfg)
{
    gateway_http *g = calloc(1, sizeof *g);
    if (!g) return NULL;
    g->cfg = *cfg;
    gateway_limits *l = &g->cfg.limits;
    unsigned accept_max = 0;
    if (gateway_limits_fit_fds(l, &accept_max) != 0) {
        free(g);
        return NULL;
    }
    /* libmicrohttpd stops accepting at its limit, leaving clients in the kernel's queue without
     * an answer; so its limit is what the descriptors allow, and the registry answers 503 to a
     * connection over --max-connections. */
    g->conns = gw_conn_registry_new(l->request_deadline_ms, l->idle_timeout_s * 1000u, l->max_connections);
    g->cfg.nodes.max_inflight = l->sign_queue;
    g->cfg.nodes.deadline_ms = l->node_deadline_ms;
    g->cfg.nodes.node_cap = l->node_concurrency;
    g->signer = gw_signer_new(&g->cfg.nodes);
    g->busy = busy_response();
    g->metrics = gw_metrics_new();
    gw_rate_init(&g->attest_rate, l->attest_per_minute, GW_ATTEST_BURST);
    if (g->conns && g->signer && g->busy && g->metrics)
        g->daemon = MHD_start_daemon(
            MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG, 0, NULL,
            NULL, on_request, g, MHD_OPTION_EXTERNAL_LOGGER, lib_log, g, MHD_OPTION_SOCK_ADDR,
            (const struct sockaddr *)&g->cfg.listen, MHD_OPTION_NOTIFY_COMPLETED, on_completed, g,
            MHD_OPTION_NOTIFY_CONNECTION, on_connection, g, MHD_OPTION_THREAD_POOL_SIZE, l->http_threads,
            MHD_OPTION_CONNECTION_LIMIT, accept_max, MHD_OPTION_PER_IP_CONNECTION_LIMIT, l->max_per_client,
            MHD_OPTION_CONNECTION_TIMEOUT, l->idle_timeout_s, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)16384,
            MHD_OPTION_LISTEN_BACKLOG_SIZE, 4096u, MHD_OPTION_STRICT_FOR_CLIENT, 1, MHD_OPTION_END);
    if (g->daemon)
        log_line("limits: %u connections (%u per client address), request deadline %u ms, idle timeout %u s, "
                 "signing queue %u, node deadline %u ms, node concurrency %u%s, %u HTTP threads, %u node(s)",
                 l->max_connections, l->max_per_client, l->request_deadline_ms, l->idle_timeout_s, l->sign_queue,
                 l->node_deadline_ms, l->node_concurrency, l->node_concurrency ? "" : " (no cap)", l->http_threads,
                 g->cfg.nodes.nnodes);
    if (!g->daemon) {
        gw_signer_stop(g->signer);
        gw_signer_free(g->signer);
        gw_conn_registry_free(g->conns);
        if (g->busy) MHD_destroy_response(g->busy);
        gw_metrics_free(g->metrics);
        free(g);
        return NULL;
    }
    return g;
}

int gateway_http_nodes_ready(gateway_http *g, unsigned ms) { return gw_signer_wait_ready(g->signer, ms); }

unsigned gateway_http_port(const gateway_http *g)
{
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(g->daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info ? info->port : 0;
}

void gateway_http_stop(gateway_http *g)
{
    if (!g) return;
    /* Stop accepting; sign every admitted request and resume its connection (libmicrohttpd
     * refuses to stop with suspended connections; requests arriving meanwhile get 503); give
     * the replies up to STOP_GRACE_MS to go out; then close everything. */
    MHD_socket lfd = MHD_quiesce_daemon(g->daemon);
    gw_signer_stop(g->signer);
    for (int i = 0; i < STOP_GRACE_MS / 10 && atomic_load(&g->awaiting); i++)
        nanosleep(&(struct timespec){0, 10000000L}, NULL);
    MHD_stop_daemon(g->daemon);
    if (lfd != MHD_INVALID_SOCKET) close(lfd);
    log_line("stopped: %llu connections cut at the request deadline, %llu refused over the connection limit",
             (unsigned long long)gw_conn_reaped(g->conns), (unsigned long long)gw_conn_refused(g->conns));
    gw_conn_registry_free(g->conns);
    gw_signer_free(g->signer);
    MHD_destroy_response(g->busy);
    gw_metrics_free(g->metrics);
    gw_rate_free(&g->attest_rate);
    free(g);
}

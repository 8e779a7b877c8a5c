/* gateway_http.c: libmicrohttpd handlers for the time-stamp gateway. */
#include "gateway/gateway_http.h"

#include <microhttpd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "gateway/gateway_cert.h"
#include "tsp/tsp_profile.h"
#include "tsp/tsp_status.h"

#define HTTP_TOO_LARGE 413u /* named differently across libmicrohttpd versions */

struct gateway_http {
    gateway_http_config cfg;
    struct MHD_Daemon *daemon;
};

typedef struct {
    int profile; /* tsp_profile or TSP_PATH_DEFAULT */
    uint8_t *body;
    size_t len;
    int too_big;
    struct timespec start;
} upload;

static void log_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void log_line(const char *fmt, ...)
{
    char when[32];
    time_t now = time(NULL);
    struct tm tm;
    va_list ap;
    gmtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    flockfile(stderr);
    fprintf(stderr, "%s cctsa-gateway: ", when);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    funlockfile(stderr);
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

static enum MHD_Result reply(struct MHD_Connection *c, unsigned code, const char *ctype, const void *body, size_t len,
                             int copy)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, (void *)body, copy ? MHD_RESPMEM_MUST_COPY : MHD_RESPMEM_PERSISTENT);
    if (!r) return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
    enum MHD_Result rc = MHD_queue_response(c, code, r);
    MHD_destroy_response(r);
    return rc;
}

static enum MHD_Result text(struct MHD_Connection *c, unsigned code, const char *method, const char *url, const char *msg)
{
    char m[32], u[256];
    log_line("%s %s -> HTTP %u (%.*s)", log_safe(method, m, sizeof m), log_safe(url, u, sizeof u), code,
             (int)strcspn(msg, "\n"), msg);
    return reply(c, code, "text/plain; charset=utf-8", msg, strlen(msg), 0);
}

static enum MHD_Result health(gateway_http *g, struct MHD_Connection *c)
{
    char body[512];
    tsp_cert_status st;
    tsp_engine_cert_status(g->cfg.engine, time(NULL), &st);
    size_t n = (size_t)snprintf(body, sizeof body, "{\"status\":\"%s\",\"default_profile\":\"%s\",\"profiles\":[",
                                gateway_cert_health(&st), tsp_profile_name(g->cfg.default_profile));
    const char *sep = "";
    for (int p = 0; p < TSP_PROFILE_COUNT; p++)
        if (g->cfg.profiles_mask & (1u << p)) {
            n += (size_t)snprintf(body + n, sizeof body - n, "%s\"%s\"", sep, tsp_profile_name((tsp_profile)p));
            sep = ",";
        }
    n += (size_t)snprintf(body + n, sizeof body - n, "]");
    n += gateway_cert_json(&st, body + n, sizeof body - n);
    n += (size_t)snprintf(body + n, sizeof body - n, "}\n");
    unsigned code = strcmp(gateway_cert_health(&st), "unavailable") ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE;
    return reply(c, code, "application/json", body, n, 1);
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
    if (profile < 0) return text(c, MHD_HTTP_NOT_FOUND, "POST", url, "unknown path: use /tsa or /tsa/<classic|pq|hybrid|compat>\n");
    if (!strcmp(url, "/tsa") || !strcmp(url, "/tsa/")) profile = TSP_PATH_DEFAULT;
    const char *ctype = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
    if (!is_query_type(ctype))
        return text(c, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, "POST", url, "Content-Type must be application/timestamp-query\n");
    const char *clen = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (clen && strtoull(clen, NULL, 10) > g->cfg.max_body)
        return text(c, HTTP_TOO_LARGE, "POST", url, "request too large\n");
    upload *u = calloc(1, sizeof *u);
    if (!u || !(u->body = malloc(g->cfg.max_body))) {
        free(u);
        return MHD_NO;
    }
    u->profile = profile;
    clock_gettime(CLOCK_MONOTONIC, &u->start);
    *con_cls = u;
    return MHD_YES;
}

static enum MHD_Result finish_post(gateway_http *g, struct MHD_Connection *c, const char *url, upload *u)
{
    uint8_t *resp = NULL;
    size_t resp_len = 0;
    tsp_engine_result res;
    struct timespec end;
    if (u->too_big) return text(c, HTTP_TOO_LARGE, "POST", url, "request too large\n");
    if (tsp_engine_respond(g->cfg.engine, u->body, u->len, u->profile, &resp, &resp_len, &res) != 0)
        return text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "POST", url, "cannot encode a response\n");
    clock_gettime(CLOCK_MONOTONIC, &end);
    double ms = (double)(end.tv_sec - u->start.tv_sec) * 1e3 + (double)(end.tv_nsec - u->start.tv_nsec) / 1e6;
    char safe[256];
    if (res.status == TSP_STATUS_GRANTED)
        log_line("POST %s -> granted, profile %s, %zu-byte reply, %.1f ms", log_safe(url, safe, sizeof safe),
                 tsp_profile_name((tsp_profile)res.profile), resp_len, ms);
    else
        log_line("POST %s -> rejected: %s (%s), %.1f ms", log_safe(url, safe, sizeof safe), tsp_fail_name(res.fail),
                 res.why ? res.why : "", ms);
    /* The rejection is in the body either way; 503 tells clients and balancers this TSA cannot
     * sign right now (certificate outside its validity, no trusted time, signer failure). */
    enum MHD_Result rc = reply(c, res.unavailable ? MHD_HTTP_SERVICE_UNAVAILABLE : MHD_HTTP_OK,
                               "application/timestamp-reply", resp, resp_len, 1);
    free(resp);
    return rc;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *data, size_t *data_size, void **con_cls)
{
    gateway_http *g = cls;
    upload *u = *con_cls;
    (void)version;
    if (!strcmp(method, MHD_HTTP_METHOD_GET) || !strcmp(method, MHD_HTTP_METHOD_HEAD)) {
        if (!strcmp(url, "/health")) return health(g, c);
        if (tsp_profile_from_path(url, g->cfg.default_profile) >= 0)
            return text(c, MHD_HTTP_METHOD_NOT_ALLOWED, method, url, "use POST with application/timestamp-query\n");
        return text(c, MHD_HTTP_NOT_FOUND, method, url, "not found\n");
    }
    if (strcmp(method, MHD_HTTP_METHOD_POST) != 0) return text(c, MHD_HTTP_METHOD_NOT_ALLOWED, method, url, "method not allowed\n");
    if (!u) return begin_post(g, c, url, con_cls);
    if (*data_size) {
        if (u->len + *data_size > g->cfg.max_body) u->too_big = 1;
        else memcpy(u->body + u->len, data, *data_size), u->len += *data_size;
        *data_size = 0;
        return MHD_YES;
    }
    return finish_post(g, c, url, u);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    upload *u = *con_cls;
    (void)cls, (void)c, (void)toe;
    if (u) {
        free(u->body);
        free(u);
        *con_cls = NULL;
    }
}

gateway_http *gateway_http_start(const gateway_http_config *cfg)
{
    gateway_http *g = calloc(1, sizeof *g);
    if (!g) return NULL;
    g->cfg = *cfg;
    g->daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG,
                                 0, NULL, NULL, on_request, g, MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)&g->cfg.listen,
                                 MHD_OPTION_NOTIFY_COMPLETED, on_completed, g, MHD_OPTION_CONNECTION_LIMIT, 64u,
                                 MHD_OPTION_CONNECTION_TIMEOUT, 10u, MHD_OPTION_END);
    if (!g->daemon) {
        free(g);
        return NULL;
    }
    return g;
}

unsigned gateway_http_port(const gateway_http *g)
{
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(g->daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info ? info->port : 0;
}

void gateway_http_stop(gateway_http *g)
{
    if (!g) return;
    MHD_stop_daemon(g->daemon);
    free(g);
}

/* load_client.c: cctsa-bench-load, the load client of bench_cluster.sh. C threads, each with its
 * own keep-alive HTTP/1.1 connection (plain sockets), send N RFC 3161 requests in total to
 * http://HOST:PORT/tsa/PROFILE, each with a distinct nonce and a distinct message imprint, and record
 * each request's latency. After the timed run every reply is checked in-process (so the checks do
 * not compete with the cluster for CPU): granted, the requested imprint, nonce and policy, and the
 * full token verification (tsp_verify) against the given roots with /certs as extra certificates.
 * It prints progress on stderr and one machine-readable line on stdout:
 *   RESULT profile=P sent=N answered=A verified=V failed=F seconds=S tokens_per_s=R p50_ms=X p99_ms=Y max_ms=Z
 * Exit status 0 only if every request was answered and verified (sent = verified). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/base.h"
#include "tsp/tsp_hash.h"
#include "tsp/tsp_parse.h"
#include "tsp/tsp_profile.h"
#include "tsp/tsp_req.h"
#include "tsp/tsp_verify.h"
#include "x509/pem.h"

static const char usage_text[] =
    "usage: cctsa-bench-load --port PORT --profile classic|pq|hybrid|compat --ca ROOTS.pem [--ca ...]\n"
    "                        [--cert CERTS.pem] [--requests N] [--clients C] [--host IPV4]\n"
    "\n"
    "Sends N (default 400) time-stamp requests from C (default 16) concurrent keep-alive HTTP/1.1\n"
    "connections to http://HOST:PORT/tsa/PROFILE (HOST default 127.0.0.1), each with a distinct nonce\n"
    "and imprint, then verifies every reply (status, imprint, nonce, policy, tsp_verify against the --ca\n"
    "roots, --cert as untrusted certificates). Prints progress on stderr and one line on stdout:\n"
    "  RESULT profile=P sent=N answered=A verified=V failed=F seconds=S tokens_per_s=R p50_ms=X p99_ms=Y max_ms=Z\n"
    "Exit status: 0 if every request was answered and verified, 1 otherwise, 2 usage error.\n";

#define LOAD_MAX_CLIENTS 256
#define LOAD_MAX_REQUESTS 1000000
#define LOAD_MAX_BODY (1u << 20)
#define LOAD_DATA_LEN 48

typedef struct {
    uint8_t data[LOAD_DATA_LEN]; /* the time-stamped data (distinct per request) */
    uint8_t nonce[8];
    uint8_t *req, *resp;
    size_t req_len, resp_len;
    double latency_ms;
    int http_status; /* 0: no answer */
    char err[160];
} load_item;

typedef struct {
    struct sockaddr_in addr;
    char path[64];
    load_item *items;
    int n;
    atomic_int next, done;
} load_ctx;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int conn_open(const load_ctx *c)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
    if (fd < 0) return -1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct timeval tv = {.tv_sec = 60};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect(fd, (const struct sockaddr *)&c->addr, sizeof c->addr) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int send_all(int fd, const void *p, size_t n)
{
    const uint8_t *b = p;
    while (n) {
        ssize_t w = send(fd, b, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        b += w, n -= (size_t)w;
    }
    return 0;
}

/* Read one HTTP/1.1 response (Content-Length framed). 0 with status, body, *close; -1 on a
 * connection error before any byte (*got_any 0: the keep-alive connection was stale) or after. */
static int read_response(int fd, int *status, uint8_t **body, size_t *body_len, int *close_after, int *got_any,
                         char *err, size_t errlen)
{
    char head[8192];
    size_t hl = 0;
    *got_any = 0;
    for (;;) {
        if (hl == sizeof head - 1) return snprintf(err, errlen, "response header too long"), -1;
        ssize_t r = recv(fd, head + hl, 1, 0); /* byte by byte: headers are short, no over-read */
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return snprintf(err, errlen, "connection %s", r == 0 ? "closed" : strerror(errno)), -1;
        *got_any = 1;
        hl++;
        if (hl >= 4 && !memcmp(head + hl - 4, "\r\n\r\n", 4)) break;
    }
    head[hl] = 0;
    if (sscanf(head, "HTTP/1.%*d %d", status) != 1) return snprintf(err, errlen, "malformed status line"), -1;
    long clen = -1;
    *close_after = 0;
    for (char *line = strstr(head, "\r\n"); line && line[2]; line = strstr(line + 2, "\r\n")) {
        const char *h = line + 2;
        if (!strncasecmp(h, "Content-Length:", 15))
            clen = strtol(h + 15, NULL, 10);
        else if (!strncasecmp(h, "Connection:", 11) && strstr(h, "close") && strstr(h, "close") < strstr(h, "\r\n"))
            *close_after = 1;
    }
    if (clen < 0 || clen > (long)LOAD_MAX_BODY) return snprintf(err, errlen, "missing or oversized Content-Length"), -1;
    *body = malloc(clen ? (size_t)clen : 1);
    if (!*body) return snprintf(err, errlen, "out of memory"), -1;
    size_t got = 0;
    while (got < (size_t)clen) {
        ssize_t r = recv(fd, *body + got, (size_t)clen - got, 0);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) {
            free(*body), *body = NULL;
            return snprintf(err, errlen, "connection lost in the body"), -1;
        }
        got += (size_t)r;
    }
    *body_len = got;
    return 0;
}

/* One request on the thread's connection (*fd, reopened when needed). A request whose keep-alive
 * connection turned out closed before any answer byte is sent once more on a fresh one. */
static void do_request(load_ctx *c, int *fd, load_item *it)
{
    char head[256];
    int hn = snprintf(head, sizeof head,
                      "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/timestamp-query\r\n"
                      "Content-Length: %zu\r\n\r\n",
                      c->path, it->req_len);
    double t0 = now_s();
    for (int attempt = 0; attempt < 2; attempt++) {
        int fresh = 0;
        if (*fd < 0) {
            if ((*fd = conn_open(c)) < 0) {
                snprintf(it->err, sizeof it->err, "cannot connect: %s", strerror(errno));
                return;
            }
            fresh = 1;
        }
        int close_after = 0, got_any = 0;
        if (send_all(*fd, head, (size_t)hn) == 0 && send_all(*fd, it->req, it->req_len) == 0 &&
            read_response(*fd, &it->http_status, &it->resp, &it->resp_len, &close_after, &got_any, it->err,
                          sizeof it->err) == 0) {
            it->latency_ms = (now_s() - t0) * 1e3;
            if (close_after) close(*fd), *fd = -1;
            return;
        }
        close(*fd), *fd = -1;
        it->http_status = 0;
        if (fresh || got_any) return;
    }
}

static void *worker(void *arg)
{
    load_ctx *c = arg;
    int fd = -1;
    for (int i; (i = atomic_fetch_add(&c->next, 1)) < c->n;) {
        do_request(c, &fd, &c->items[i]);
        atomic_fetch_add(&c->done, 1);
    }
    if (fd >= 0) close(fd);
    return NULL;
}

/* Load every certificate of a PEM bundle into the verify options (roots or extras). */
static int load_pem(const char *path, int anchor, tsp_verify_opts *o)
{
    uint8_t *file = NULL;
    size_t file_len = 0, off = 0;
    if (cc_file_read(path, 1u << 22, &file, &file_len) != 0) return fprintf(stderr, "cannot read %s\n", path), -1;
    int *count = anchor ? &o->nroots : &o->nextra, loaded = 0, rc = 0;
    for (;;) {
        uint8_t *der;
        size_t len;
        int k = x509_pem_decode_next((const char *)file, file_len, "CERTIFICATE", &off, &der, &len);
        if (k != 0) {
            if (k < 0) rc = -1, fprintf(stderr, "%s: malformed PEM\n", path);
            break;
        }
        if (*count == TSP_VERIFY_MAX_ROOTS) {
            free(der);
            rc = -1, fprintf(stderr, "%s: too many certificates\n", path);
            break;
        }
        if (anchor)
            o->roots[*count] = der, o->root_lens[*count] = len;
        else
            o->extra_certs[*count] = der, o->extra_lens[*count] = len;
        (*count)++, loaded++;
    }
    free(file);
    if (rc == 0 && loaded == 0) rc = -1, fprintf(stderr, "%s: no certificate\n", path);
    return rc;
}

/* The reply must be a granted token for this very request that verifies in full. */
static int check_item(const load_item *it, tsp_profile p, const tsp_verify_opts *base, char *err, size_t errlen)
{
    if (it->http_status != 200) {
        if (!err[0]) snprintf(err, errlen, "HTTP status %d", it->http_status);
        return -1;
    }
    tsp_parsed t;
    if (tsp_parse(it->resp, it->resp_len, &t, err, errlen) != 0) return -1;
    const tsp_tstinfo *ti = &t.tstinfo;
    if (!t.has_resp || (t.status != 0 && t.status != 1) || !t.token.p)
        return snprintf(err, errlen, "not granted (status %d)", t.status), -1;
    uint8_t digest[TSP_HASH_MAX_LEN];
    size_t plen;
    const uint8_t *policy = tsp_profile_policy(p, &plen);
    if (tsp_hash(TSP_HASH_SHA256, it->data, sizeof it->data, digest) != 0)
        return snprintf(err, errlen, "cannot hash"), -1;
    if (ti->hash != TSP_HASH_SHA256 || ti->hashed_len != 32 || memcmp(ti->hashed, digest, 32))
        return snprintf(err, errlen, "not our message imprint"), -1;
    if (!ti->nonce || ti->nonce_len != sizeof it->nonce || memcmp(ti->nonce, it->nonce, sizeof it->nonce))
        return snprintf(err, errlen, "not our nonce"), -1;
    if (ti->policy_len != plen || memcmp(ti->policy, policy, plen)) return snprintf(err, errlen, "not our policy"), -1;
    tsp_verify_opts o = *base;
    o.data = it->data, o.data_len = sizeof it->data;
    o.require = p == TSP_PROFILE_HYBRID ? TSP_REQUIRE_BOTH : p == TSP_PROFILE_PQ ? TSP_REQUIRE_PQ : TSP_REQUIRE_CLASSIC;
    tsp_verify_report rep;
    if (tsp_verify(t.token.p, t.token.n, &o, &rep) != 0) return snprintf(err, errlen, "verify: %s", rep.error), -1;
    if (rep.profile != (int)p) return snprintf(err, errlen, "verified as another profile (%d)", rep.profile), -1;
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double pct(const double *sorted, int n, double q)
{
    if (n == 0) return 0;
    int k = (int)(q * n + 0.999999) - 1; /* nearest rank */
    return sorted[k < 0 ? 0 : k >= n ? n - 1 : k];
}

static int make_items(load_item *items, int n, tsp_profile p)
{
    size_t plen;
    const uint8_t *policy = tsp_profile_policy(p, &plen);
    uint8_t salt[16];
    if (RAND_bytes(salt, sizeof salt) != 1) return -1;
    for (int i = 0; i < n; i++) {
        load_item *it = &items[i];
        memset(it->data, 0, sizeof it->data);
        snprintf((char *)it->data, sizeof it->data, "cctsa bench %s %d ", tsp_profile_name(p), i);
        memcpy(it->data + sizeof it->data - sizeof salt, salt, sizeof salt);
        if (RAND_bytes(it->nonce, 4) != 1) return -1;
        it->nonce[0] = (uint8_t)((it->nonce[0] & 0x7F) | 0x01);                                /* 8 significant bytes */
        for (int b = 0; b < 4; b++) it->nonce[4 + b] = (uint8_t)((unsigned)i >> (24 - 8 * b)); /* distinct */
        uint8_t digest[TSP_HASH_MAX_LEN];
        if (tsp_hash(TSP_HASH_SHA256, it->data, sizeof it->data, digest) != 0 ||
            tsp_req_encode(TSP_HASH_SHA256, digest, policy, plen, it->nonce, sizeof it->nonce, 1, &it->req,
                           &it->req_len) != 0)
            return -1;
    }
    return 0;
}

typedef struct {
    const char **cas;
    int *n;
} ca_list;

static int opt_ca(void *d, const char *v)
{
    ca_list *l = d;
    if (*l->n == TSP_VERIFY_MAX_ROOTS) return -1;
    l->cas[(*l->n)++] = v;
    return 0;
}

int main(int argc, char **argv)
{
    const char *host = "127.0.0.1", *profile_name = NULL, *cas[TSP_VERIFY_MAX_ROOTS], *certs = NULL;
    int port = 0, n = 400, clients = 16, ncas = 0;
    ca_list cl = {cas, &ncas};
    const cc_opt opts[] = {
        CC_INT_OPT("--port", &port, 1, 65535),
        CC_STR_OPT("--host", &host),
        CC_STR_OPT("--profile", &profile_name),
        CC_INT_OPT("--requests", &n, 1, LOAD_MAX_REQUESTS),
        CC_INT_OPT("--clients", &clients, 1, LOAD_MAX_CLIENTS),
        CC_STR_OPT("--cert", &certs),
        CC_FN_OPT("--ca", &cl, opt_ca, "a PEM file (repeatable)"),
    };
    char why[200];
    if (cc_opts_wants_help(argc, argv)) return fputs(usage_text, stdout), 0;
    if (cc_opts_parse(argc, argv, opts, CC_NOPTS(opts), NULL, 0, NULL, why, sizeof why) != 0)
        return fprintf(stderr, "cctsa-bench-load: %s\n", why), fputs(usage_text, stderr), 2;
    int p = profile_name ? tsp_profile_from_name(profile_name) : -1;
    load_ctx c;
    memset(&c, 0, sizeof c);
    c.addr.sin_family = AF_INET;
    c.addr.sin_port = htons((unsigned short)port);
    if (p < 0 || port <= 0 || port > 65535 || ncas == 0 || n < 1 || n > LOAD_MAX_REQUESTS || clients < 1 ||
        clients > LOAD_MAX_CLIENTS || inet_pton(AF_INET, host, &c.addr.sin_addr) != 1)
        return fputs(usage_text, stderr), 2;
    if (clients > n) clients = n;

    tsp_verify_opts vo;
    memset(&vo, 0, sizeof vo);
    int rc = 1;
    for (int i = 0; i < ncas; i++)
        if (load_pem(cas[i], 1, &vo) != 0) goto out_certs;
    if (certs && load_pem(certs, 0, &vo) != 0) goto out_certs;

    c.n = n;
    c.items = calloc((size_t)n, sizeof *c.items);
    snprintf(c.path, sizeof c.path, "/tsa/%s", tsp_profile_name((tsp_profile)p));
    if (!c.items || make_items(c.items, n, (tsp_profile)p) != 0) {
        fprintf(stderr, "cctsa-bench-load: cannot prepare the requests\n");
        goto out;
    }
    pthread_t th[LOAD_MAX_CLIENTS];
    double t0 = now_s();
    int started = 0;
    for (; started < clients; started++)
        if (pthread_create(&th[started], NULL, worker, &c) != 0) break;
    if (started == 0) {
        fprintf(stderr, "cctsa-bench-load: cannot start threads\n");
        goto out;
    }
    for (int last = -1, d; (d = atomic_load(&c.done)) < n;) {
        if (d / 50 != last / 50 || last < 0)
            fprintf(stderr, "  %s: %d/%d answered (%.1f s)\n", c.path, d, n, now_s() - t0), last = d;
        usleep(200000);
    }
    for (int i = 0; i < started; i++) pthread_join(th[i], NULL);
    double secs = now_s() - t0;

    int answered = 0, verified = 0, shown = 0;
    double *lat = malloc((size_t)n * sizeof *lat);
    if (!lat) goto out;
    for (int i = 0; i < n; i++) {
        load_item *it = &c.items[i];
        if (it->http_status) lat[answered++] = it->latency_ms;
        char err[300] = "";
        snprintf(err, sizeof err, "%s", it->err);
        if (check_item(it, (tsp_profile)p, &vo, err, sizeof err) == 0)
            verified++;
        else if (shown++ < 5)
            fprintf(stderr, "cctsa-bench-load: request %d (%s): %s\n", i, c.path, err);
    }
    qsort(lat, (size_t)answered, sizeof *lat, cmp_double);
    printf("RESULT profile=%s sent=%d answered=%d verified=%d failed=%d seconds=%.3f tokens_per_s=%.2f p50_ms=%.1f "
           "p99_ms=%.1f max_ms=%.1f\n",
           tsp_profile_name((tsp_profile)p), n, answered, verified, n - verified, secs, verified / secs,
           pct(lat, answered, 0.50), pct(lat, answered, 0.99), answered ? lat[answered - 1] : 0.0);
    free(lat);
    rc = verified == n ? 0 : 1;
out:
    if (c.items)
        for (int i = 0; i < n; i++) free(c.items[i].req), free(c.items[i].resp);
    free(c.items);
out_certs:
    for (int i = 0; i < TSP_VERIFY_MAX_ROOTS; i++) free((void *)vo.roots[i]), free((void *)vo.extra_certs[i]);
    return rc;
}

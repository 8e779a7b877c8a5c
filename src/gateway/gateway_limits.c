/* gateway_limits.c: limit defaults, options and the descriptor budget (see gateway_limits.h). */
#include "gateway/gateway_limits.h"

#include <stddef.h>
#include <string.h>
#include <sys/resource.h>

/* Descriptors kept back for the listening socket, epoll and wake-up pipes, logs, the dev CA. */
#define FD_RESERVE 64u

typedef struct {
    const char *name;
    size_t off;
    unsigned dflt, min, max;
    const char *help;
} limit_opt;

#define L(field) offsetof(gateway_limits, field)
static const limit_opt opts[] = {
    {"--http-threads", L(http_threads), 2, 1, 64, "event-loop threads serving HTTP (epoll)"},
    {"--max-connections", L(max_connections), 4096, 16, 1000000,
     "open HTTP connections in total; more get 503 and are closed at once (capped by RLIMIT_NOFILE)"},
    {"--max-per-client", L(max_per_client), 64, 0, 1000000,
     "open connections per client IP address, 0 = no limit (behind a proxy: 0 or its pool size)"},
    {"--request-deadline-ms", L(request_deadline_ms), 5000, 100, 600000,
     "time to receive a whole request (headers and body), from the accept or the previous response;\n"
     "                           later: 408 and the connection is closed"},
    {"--idle-timeout", L(idle_timeout_s), 5, 1, 3600,
     "seconds without a byte in either direction before a connection is closed"},
    {"--sign-queue", L(sign_queue), 1024, 1, 1000000,
     "requests admitted to signing at once; beyond: 503 with Retry-After"},
    {"--node-deadline-ms", L(node_deadline_ms), 3000, 50, 60000,
     "time the nodes have to sign one request (below the clients' HTTP timeout); later: 503"},
    {"--node-concurrency", L(node_concurrency), 0, 0, 1024,
     "requests signing on one node at once, 0 = no cap; set it to the nodes' --sign-workers and\n"
     "                           the rest wait here, in one queue, for the first node that frees"},
    {"--attest-per-minute", L(attest_per_minute), 30, 1, 6000,
     "GET /attestation requests passed to the nodes per minute (bursts of 4); beyond: 429 with Retry-After"},
};
#undef L
#define NOPTS (sizeof opts / sizeof opts[0])

static unsigned *slot(gateway_limits *l, const limit_opt *o) { return (unsigned *)((char *)l + o->off); }

void gateway_limits_default(gateway_limits *l)
{
    memset(l, 0, sizeof *l);
    for (size_t i = 0; i < NOPTS; i++) *slot(l, &opts[i]) = opts[i].dflt;
}

_Static_assert(NOPTS == GW_LIMIT_OPTS, "GW_LIMIT_OPTS is the number of limit options");

void gateway_limits_opts(gateway_limits *l, cc_opt out[GW_LIMIT_OPTS])
{
    for (size_t i = 0; i < NOPTS; i++)
        out[i] = (cc_opt)CC_UINT_OPT(opts[i].name, slot(l, &opts[i]), (long)opts[i].min, (long)opts[i].max);
}

void gateway_limits_usage(FILE *f)
{
    fputs("Serving limits (see docs/operations.md):\n", f);
    for (size_t i = 0; i < NOPTS; i++) {
        char head[48];
        snprintf(head, sizeof head, "%s N", opts[i].name);
        fprintf(f, "  %-24s %s (default %u)\n", head, opts[i].help, opts[i].dflt);
    }
}

int gateway_limits_fit_fds(gateway_limits *l, unsigned *accept_max)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return -1;
    if (rl.rlim_cur < rl.rlim_max) {
        rlim_t want = rl.rlim_max == RLIM_INFINITY ? (rlim_t)l->max_connections * 2 + FD_RESERVE : rl.rlim_max;
        struct rlimit up = {want, rl.rlim_max};
        if (setrlimit(RLIMIT_NOFILE, &up) == 0) rl.rlim_cur = want;
    }
    /* Each connection holds one socket; a signing request later holds no extra descriptor. */
    rlim_t room = rl.rlim_cur > FD_RESERVE + 32 ? rl.rlim_cur - FD_RESERVE : 0;
    if (room < 32) {
        fprintf(stderr, "cctsa-gateway: RLIMIT_NOFILE %llu leaves no room for connections\n",
                (unsigned long long)rl.rlim_cur);
        return -1;
    }
    if (room > 4000000) room = 4000000;
    *accept_max = (unsigned)room;
    unsigned fit = (unsigned)(room - room / 16);
    if (fit < l->max_connections) {
        fprintf(stderr, "cctsa-gateway: RLIMIT_NOFILE %llu: --max-connections lowered from %u to %u\n",
                (unsigned long long)rl.rlim_cur, l->max_connections, fit);
        l->max_connections = fit;
    }
    return 0;
}

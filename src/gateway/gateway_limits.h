/* gateway_limits.h: the gateway's serving limits, their defaults, their command-line options
 * and the file-descriptor budget they need. One table holds name, default, range and help text
 * of every limit, so `--help`, the parser and docs/operations.md cannot drift apart. */
#ifndef CCTSA_GATEWAY_LIMITS_H
#define CCTSA_GATEWAY_LIMITS_H

#include <stdio.h>

#include "base/base.h"

typedef struct {
    unsigned http_threads;        /* --http-threads: event-loop threads (epoll), default 2 */
    unsigned max_connections;     /* --max-connections: open HTTP connections in total, default 4096 */
    unsigned max_per_client;      /* --max-per-client: per client IP address, default 64; 0 = no limit */
    unsigned request_deadline_ms; /* --request-deadline-ms: whole request (headers + body), default 5000 */
    unsigned idle_timeout_s;      /* --idle-timeout: seconds without a byte either way, default 5 */
    unsigned sign_queue;          /* --sign-queue: requests admitted to signing at once, default 1024 */
    unsigned node_deadline_ms;    /* --node-deadline-ms: time the nodes have per request, default 3000 */
    unsigned node_concurrency;    /* --node-concurrency: requests signing per node at once, default 0 = no cap */
    unsigned attest_per_minute;   /* --attest-per-minute: GET /attestation answered, default 30 (burst 4) */
} gateway_limits;

void gateway_limits_default(gateway_limits *l);
#define GW_LIMIT_OPTS 9
/* The option table rows of the limits (cc_opts_parse, base.h), writing into *l. */
void gateway_limits_opts(gateway_limits *l, cc_opt out[GW_LIMIT_OPTS]);
void gateway_limits_usage(FILE *f);
/* Raise RLIMIT_NOFILE's soft limit to its hard limit. *accept_max is how many connections the
 * descriptors allow (the server library's hard limit); max_connections is lowered, with a
 * message, to leave a sixteenth of that as room in which a connection over max_connections is
 * accepted only to be answered 503 and closed. 0, or -1 if not even 16 connections fit. */
int gateway_limits_fit_fds(gateway_limits *l, unsigned *accept_max);

#endif

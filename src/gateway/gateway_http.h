/* gateway_http.h: the HTTP front end of the TSA (libmicrohttpd): POST
 * application/timestamp-query on /tsa (default profile) and /tsa/<profile>, answered with
 * application/timestamp-reply by the RFC 3161 engine; GET /health. Request bodies are bounded;
 * every request is logged on one line. The engine (and so the signers) is passed in: the dev
 * signers today, the threshold cluster later.
 *
 * Event-driven: a few epoll threads serve every connection; a complete request is suspended
 * while the signing pool (gateway_sign.h) works on it and resumed when it is done. Limits
 * (gateway_limits.h): connections in total and per client address, a deadline for the whole
 * request (gateway_conn.h), an inactivity timeout, and a bounded signing queue that answers 503
 * with Retry-After when full. Framing is strict (gateway_strict.h). */
#ifndef CCTSA_GATEWAY_HTTP_H
#define CCTSA_GATEWAY_HTTP_H

#include <netinet/in.h>
#include <stddef.h>

#include "gateway/gateway_limits.h"
#include "tsp/tsp_engine.h"

typedef struct gateway_http gateway_http;

typedef struct {
    struct sockaddr_in listen;
    size_t max_body;        /* larger bodies get HTTP 413 */
    tsp_engine *engine;     /* borrowed */
    tsp_profile default_profile;
    unsigned profiles_mask; /* bit per profile this gateway can serve (for /health) */
    gateway_limits limits;
} gateway_http_config;

/* Start serving (own threads). NULL with a message on stderr if the socket cannot be bound. */
gateway_http *gateway_http_start(const gateway_http_config *cfg);
unsigned gateway_http_port(const gateway_http *g); /* the bound port (useful with port 0) */
void gateway_http_stop(gateway_http *g);           /* finishes admitted requests, then stops */

#endif

/* gateway_http.h: the HTTP front end of the TSA (libmicrohttpd): POST
 * application/timestamp-query on /tsa (default profile) and /tsa/<profile>, answered with
 * application/timestamp-reply by a node (gateway_sign.h); GET /health. Request bodies are bounded;
 * every request is logged on one line. The gateway holds no key: the
 * nodes sign.
 *
 * Event-driven: a few epoll threads serve every connection; a complete request is suspended
 * while a node (gateway_sign.h) works on it and resumed when it is done. Limits
 * (gateway_limits.h): connections in total and per client address, a deadline for the whole
 * request (gateway_conn.h), an inactivity timeout, and a bounded signing queue that answers 503
 * with Retry-After when full. Framing is strict (gateway_strict.h). */
#ifndef CCTSA_GATEWAY_HTTP_H
#define CCTSA_GATEWAY_HTTP_H

#include <netinet/in.h>
#include <stddef.h>

#include "gateway/gateway_limits.h"
#include "gateway/gateway_sign.h"

typedef struct gateway_http gateway_http;

typedef struct {
    struct sockaddr_in listen;
    size_t max_body;             /* larger bodies get HTTP 413 */
    gw_signer_config nodes;      /* the node endpoints (limits fill in the bounds) */
    tsp_profile default_profile; /* only to name the path profiles; the node picks for /tsa */
    gateway_limits limits;
} gateway_http_config;

/* Start serving (own threads). NULL with a message on stderr if the socket cannot be bound. */
gateway_http *gateway_http_start(const gateway_http_config *cfg);
unsigned gateway_http_port(const gateway_http *g); /* the bound port (useful with port 0) */
void gateway_http_stop(gateway_http *g);
/* Wait up to ms for a node's first STATUS answer; 1 if one came. */
int gateway_http_nodes_ready(gateway_http *g, unsigned ms); /* finishes admitted requests, then stops */

#endif

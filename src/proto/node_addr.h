/* node_addr.h: node endpoints. One syntax and one code path for the three transports:
 * unix:PATH (local), vsock:CID:PORT (production: gateway on the host, node in the CVM) and
 * tcp:HOST:PORT (tests; IPv4 dotted address). Sockets are non-blocking and close-on-exec. */
#ifndef CCTSA_NODE_ADDR_H
#define CCTSA_NODE_ADDR_H

#include <stddef.h>

#include "base/base.h"
#include <sys/socket.h>

typedef struct {
    struct sockaddr_storage sa;
    socklen_t len;
    int family;
    char text[128]; /* as given, for messages */
} node_addr;

/* 0, or -1 if s is not unix:PATH, vsock:CID:PORT or tcp:HOST:PORT. */
CC_MUST_CHECK int node_addr_parse(const char *s, node_addr *a);
/* A listening socket (a stale unix socket file is replaced); -1 with errno. */
CC_MUST_CHECK int node_addr_listen(const node_addr *a);
/* A non-blocking socket of the endpoint's family (not connected); -1 with errno. */
CC_MUST_CHECK int node_addr_socket(const node_addr *a);
/* A non-blocking socket whose connect() has been started; -1 with errno. */
CC_MUST_CHECK int node_addr_connect(const node_addr *a);

#endif

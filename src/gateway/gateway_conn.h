/* gateway_conn.h: what the gateway knows about each open HTTP connection, and the request
 * deadline. libmicrohttpd only has an inactivity timeout, which every byte resets, so a client
 * that sends one byte a second holds a connection forever. The registry records, per connection,
 * the phase it is in and when that phase began; a timer thread answers 408 and shuts down every
 * connection that has not delivered a complete request (headers and body) within the deadline,
 * counted from the accept. A kept-alive connection waiting for its next request is closed quietly
 * by the inactivity timeout (a 408 there could be read as the answer to a request the client is
 * sending at that moment); if bytes trickle in so that the inactivity timeout never fires, the
 * registry cuts it with 408 at kept_grace_ms + deadline_ms after the previous response. So a
 * quiet kept-alive connection always ends the same way, at the inactivity timeout.
 * Connections waiting for signing or sending a response are left alone (the signing queue and
 * the inactivity timeout bound those). */
#ifndef CCTSA_GATEWAY_CONN_H
#define CCTSA_GATEWAY_CONN_H

#include <stdatomic.h>
#include <stdint.h>

typedef enum {
    GW_CONN_RECEIVING, /* waiting for (the rest of) a request: the deadline runs */
    GW_CONN_SIGNING,   /* complete request handed to the signer, connection suspended */
    GW_CONN_ANSWERED,  /* response queued */
    GW_CONN_KEPT,      /* response sent, kept alive: waiting for the next request */
} gw_conn_phase;

typedef struct gw_conn gw_conn;
typedef struct gw_conn_registry gw_conn_registry;

/* deadline_ms 0 disables the timer thread. kept_grace_ms: the inactivity timeout (see above). A
 * connection opened while max_open are open is answered 503 with Retry-After and shut down at
 * once. NULL on allocation or thread failure. */
gw_conn_registry *gw_conn_registry_new(unsigned deadline_ms, unsigned kept_grace_ms, unsigned max_open);
void gw_conn_registry_free(gw_conn_registry *r); /* stops the timer; call after the server stopped */

/* Connection life (libmicrohttpd's connection notifications). */
gw_conn *gw_conn_open(gw_conn_registry *r, int fd);
void gw_conn_close(gw_conn_registry *r, gw_conn *c);
void gw_conn_set_phase(gw_conn *c, gw_conn_phase p); /* RECEIVING and KEPT restart the clock */

/* Counters for logs: connections cut at the deadline, refused over max_open. */
uint64_t gw_conn_reaped(const gw_conn_registry *r);
uint64_t gw_conn_refused(const gw_conn_registry *r);

/* Best-effort one-shot answer written straight to the socket, for the cases where the server
 * library cannot queue one (over the connection limit, deadline expired, body cut off at the
 * limit): what the client sent so far is read and dropped (so that the close is a FIN, not a
 * reset that would destroy the answer), then the status line, `extra` header lines (each
 * ending in CRLF, or ""), Connection: close and an empty body. status_line is e.g.
 * "408 Request Timeout". */
void gw_conn_raw_answer(int fd, const char *status_line, const char *extra);

#endif

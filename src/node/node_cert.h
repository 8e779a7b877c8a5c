/* node_cert.h: the node's watch over its TSA certificates' validity: log lines when fewer than TSP_CERT_WARN_DAYS days remain, on expiry and before
 * notBefore, and in development mode automatic renewal (re-certification by the dev CA) once a
 * third of the lifetime is left. The engine itself refuses to sign outside the validity. */
#ifndef CCTSA_NODE_CERT_H
#define CCTSA_NODE_CERT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "tsp/tsp_engine.h"
#include "tsp/tsp_signer.h"

typedef struct {
    tsp_engine *engine; /* borrowed */
    /* development-mode renewal: dev_ca NULL or renew 0 = never */
    const char *dev_ca;
    tsp_local_keys *keys;       /* the identities the engine signs with */
    const uint8_t *measurement; /* 48 bytes or NULL */
    long lifetime;              /* seconds a dev certificate is issued for */
    int renew;
    /* state */
    tsp_cert_state last;
    time_t last_log, last_attempt;
} node_cert_watch;

/* One look at the certificates at now (the node calls it every second): log, renew. */
void node_cert_check(node_cert_watch *w, time_t now);
#endif

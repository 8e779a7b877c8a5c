/* gateway_cert.h: the "certificate" part of the gateway's /health, from the validity the node
 * reports in STATUS (the node watches, renews and refuses to sign outside the validity). */
#ifndef CCTSA_GATEWAY_CERT_H
#define CCTSA_GATEWAY_CERT_H

#include <stddef.h>

#include "tsp/tsp_status.h"

/* Overall /health status for st: "ok", "warning" (expiring) or "unavailable" (cannot sign). */
const char *gateway_cert_health(const tsp_cert_status *st);
/* JSON member ,"certificate":{"state":..,"not_after":..,"seconds_left":..} appended at out;
 * returns the length written (0 if it does not fit). */
size_t gateway_cert_json(const tsp_cert_status *st, char *out, size_t cap);

#endif

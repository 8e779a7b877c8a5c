/* gateway_cert.c: certificate part of /health (gateway_cert.h). */
#include "gateway/gateway_cert.h"

#include <stdio.h>
#include <time.h>

const char *gateway_cert_health(const tsp_cert_status *st)
{
    if (st->state == TSP_CERT_EXPIRING) return "warning";
    if (st->state == TSP_CERT_EXPIRED || st->state == TSP_CERT_NOT_YET_VALID || st->state == TSP_CERT_NONE)
        return "unavailable";
    return "ok";
}

size_t gateway_cert_json(const tsp_cert_status *st, char *out, size_t cap)
{
    char until[32];
    struct tm tm;
    time_t t = st->not_after;
    if (!gmtime_r(&t, &tm) || !strftime(until, sizeof until, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(until, sizeof until, "?");
    int n = snprintf(out, cap,
                     ",\"certificate\":{\"state\":\"%s\",\"not_after\":\"%s\",\"seconds_left\":%lld,"
                     "\"warn_days\":%d}",
                     tsp_cert_state_name(st->state), until, st->seconds_left, TSP_CERT_WARN_DAYS);
    if (n < 0 || (size_t)n >= cap) {
        if (cap) out[0] = 0;
        return 0;
    }
    return (size_t)n;
}

/* node_cert.c: certificate validity watch and development-mode renewal (node_cert.h). */
#include "node/node_cert.h"

#include <stdarg.h>
#include <stdio.h>

#include "tsp/tsp_devca.h"

static void cert_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void cert_log(const char *fmt, ...)
{
    char when[32], msg[512];
    time_t now = time(NULL);
    struct tm tm;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!gmtime_r(&now, &tm) || !strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(when, sizeof when, "?");
    fprintf(stderr, "%s cctsa-node: %s\n", when, msg);
}

static void utc(time_t t, char *out, size_t cap)
{
    struct tm tm;
    if (!gmtime_r(&t, &tm) || !strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm)) snprintf(out, cap, "?");
}

typedef struct {
    node_cert_watch *w;
    char err[512];
} renewal;

static int renew_locked(void *arg)
{
    renewal *r = arg;
    unsigned issued = 0;
    return tsp_devca_issue(r->w->dev_ca, r->w->keys, r->w->measurement, r->w->lifetime, &issued, r->err, sizeof r->err);
}

void node_cert_check(node_cert_watch *w, time_t now)
{
    tsp_cert_status st;
    char until[32];
    tsp_engine_cert_status(w->engine, now, &st);
    if (w->renew && w->dev_ca && st.state != TSP_CERT_NONE && st.seconds_left < w->lifetime / 3 &&
        now - w->last_attempt >= 60) {
        renewal r = {w, ""};
        w->last_attempt = now;
        if (tsp_engine_update(w->engine, renew_locked, &r) != 0) {
            cert_log("ERROR: renewing the TSA certificates from the dev CA failed: %s", r.err);
        } else {
            w->last_attempt = 0;
            tsp_engine_cert_status(w->engine, now, &st);
            utc(st.not_after, until, sizeof until);
            cert_log("renewed the TSA certificates from the dev CA %s: valid until %s", w->dev_ca, until);
        }
    }
    int changed = st.state != w->last, daily = st.state != TSP_CERT_OK && now - w->last_log >= 86400;
    w->last = st.state;
    if (!changed && !daily) return;
    w->last_log = now;
    utc(st.not_after, until, sizeof until);
    switch (st.state) {
    case TSP_CERT_OK: cert_log("TSA certificates valid until %s", until); break;
    case TSP_CERT_EXPIRING:
        cert_log("WARNING: a TSA certificate expires in %lld days (%lld s, at %s)", st.seconds_left / 86400,
                 st.seconds_left, until);
        break;
    case TSP_CERT_EXPIRED:
        cert_log("ERROR: a TSA certificate expired at %s: refusing to sign (systemFailure, HTTP 503)", until);
        break;
    case TSP_CERT_NOT_YET_VALID:
        utc(st.not_before, until, sizeof until);
        cert_log("ERROR: a TSA certificate is not valid before %s: refusing to sign (systemFailure, HTTP 503)", until);
        break;
    case TSP_CERT_NONE: break;
    }
}

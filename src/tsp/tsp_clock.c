/* tsp_clock.c: system time source, monotonic genTime clamp and serial numbers. */
#include "tsp/tsp_clock.h"

#include <openssl/rand.h>
#include <string.h>

static int system_read(void *ctx, tsp_time_reading *r)
{
    (void)ctx;
    r->eps_ns = TSP_TIME_DEFAULT_EPS_NS;
    r->development = 1;
    if (clock_gettime(CLOCK_REALTIME, &r->utc) != 0) {
        r->state = TSP_TIME_UNSYNCED;
        r->reason = "host clock unreadable";
        return -1;
    }
    r->state = TSP_TIME_SYNCED;
    r->reason = "host clock (development: not trusted time)";
    return 0;
}

tsp_time_source tsp_time_source_system(void)
{
    tsp_time_source ts = {.read = system_read};
    return ts;
}

int tsp_time_read(const tsp_time_source *ts, tsp_time_reading *r)
{
    memset(r, 0, sizeof *r);
    r->state = TSP_TIME_UNSYNCED;
    r->reason = "no time source";
    if (ts->read) return ts->read(ts->ctx, r);
    int trusted = 0;
    if (!ts->now || ts->now(ts->ctx, &r->utc, &trusted) != 0) return -1;
    r->eps_ns = TSP_TIME_DEFAULT_EPS_NS;
    r->state = trusted ? TSP_TIME_SYNCED : TSP_TIME_UNSYNCED;
    r->reason = trusted ? "time source trusted" : "time source not trusted";
    return 0;
}

/* How far t lies before the latest reading, in ns (negative: after it). */
static long long ns_behind(const struct timespec *latest, const struct timespec *t)
{
    return ((long long)latest->tv_sec - (long long)t->tv_sec) * 1000000000LL + (long long)latest->tv_nsec -
           (long long)t->tv_nsec;
}

int tsp_issuer_state_init(tsp_issuer_state *st)
{
    memset(st, 0, sizeof *st);
    if (RAND_bytes(st->prefix, sizeof st->prefix) != 1) return -1;
    st->prefix[0] = (uint8_t)((st->prefix[0] & 0x7F) | 0x40); /* positive, and always 16 bytes long */
    return pthread_mutex_init(&st->lock, NULL) == 0 ? 0 : -1;
}

void tsp_issuer_state_destroy(tsp_issuer_state *st) { pthread_mutex_destroy(&st->lock); }

int tsp_issuer_next(tsp_issuer_state *st, const tsp_time_source *ts, time_t *sec, unsigned *ms,
                    uint8_t serial[TSP_SERIAL_BYTES])
{
    tsp_time_reading r;
    if (tsp_time_read(ts, &r) != 0 || (r.state != TSP_TIME_SYNCED && r.state != TSP_TIME_HOLDOVER) || r.utc.tv_sec < 0)
        return TSP_ISSUE_NO_TIME;
    struct timespec now = r.utc;
    time_t s = now.tv_sec;
    unsigned m = st->precision == TSP_GENTIME_MILLIS ? (unsigned)(now.tv_nsec / 1000000) : 0;
    pthread_mutex_lock(&st->lock);
    if (st->counter && ns_behind(&st->last_read, &now) > (long long)r.eps_ns) {
        pthread_mutex_unlock(&st->lock);
        return TSP_ISSUE_BACKWARDS; /* refuse rather than issue a genTime eps away from the truth */
    }
    if (s < st->last_sec || (s == st->last_sec && m < st->last_ms)) {
        s = st->last_sec;
        m = st->last_ms;
    }
    st->last_sec = s;
    st->last_ms = m;
    if (ns_behind(&st->last_read, &now) < 0 || !st->counter) st->last_read = now;
    uint64_t c = ++st->counter;
    pthread_mutex_unlock(&st->lock);
    memcpy(serial, st->prefix, TSP_SERIAL_PREFIX_BYTES);
    for (int i = 0; i < 8; i++) serial[TSP_SERIAL_PREFIX_BYTES + i] = (uint8_t)(c >> (56 - 8 * i));
    *sec = s;
    *ms = m;
    return 0;
}

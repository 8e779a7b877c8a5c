/* tsp_clock.c: system time source, monotonic genTime clamp and serial numbers. */
#include "tsp/tsp_clock.h"

#include <openssl/rand.h>
#include <string.h>

static int system_now(void *ctx, struct timespec *now, int *trusted)
{
    (void)ctx;
    if (clock_gettime(CLOCK_REALTIME, now) != 0) return -1;
    *trusted = 1;
    return 0;
}

tsp_time_source tsp_time_source_system(void)
{
    tsp_time_source ts = {system_now, NULL};
    return ts;
}

int tsp_issuer_state_init(tsp_issuer_state *st)
{
    memset(st, 0, sizeof *st);
    if (RAND_bytes(st->prefix, sizeof st->prefix) != 1) return -1;
    st->prefix[0] = (uint8_t)((st->prefix[0] & 0x7F) | 0x40); /* positive, and always 16 bytes long */
    return pthread_mutex_init(&st->lock, NULL) == 0 ? 0 : -1;
}

void tsp_issuer_state_destroy(tsp_issuer_state *st)
{
    pthread_mutex_destroy(&st->lock);
}

int tsp_issuer_next(tsp_issuer_state *st, const tsp_time_source *ts, time_t *sec, unsigned *ms,
                    uint8_t serial[TSP_SERIAL_BYTES])
{
    struct timespec now;
    int trusted = 0;
    if (ts->now(ts->ctx, &now, &trusted) != 0 || !trusted || now.tv_sec < 0) return 1;
    time_t s = now.tv_sec;
    unsigned m = st->precision == TSP_GENTIME_MILLIS ? (unsigned)(now.tv_nsec / 1000000) : 0;
    pthread_mutex_lock(&st->lock);
    if (s < st->last_sec || (s == st->last_sec && m < st->last_ms)) {
        s = st->last_sec;
        m = st->last_ms;
    }
    st->last_sec = s;
    st->last_ms = m;
    uint64_t c = ++st->counter;
    pthread_mutex_unlock(&st->lock);
    memcpy(serial, st->prefix, TSP_SERIAL_PREFIX_BYTES);
    for (int i = 0; i < 8; i++) serial[TSP_SERIAL_PREFIX_BYTES + i] = (uint8_t)(c >> (56 - 8 * i));
    *sec = s;
    *ms = m;
    return 0;
}

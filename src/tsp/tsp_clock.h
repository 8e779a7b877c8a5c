/* tsp_clock.h: where genTime and serial numbers come from. A time source is a callback giving
 * the current UTC time and whether it is trusted (the time engine plugs in here); the issuer
 * state clamps genTime so it never goes backwards and numbers tokens with a random per-boot
 * prefix plus a counter, so nodes never need to coordinate serial numbers. Thread-safe. */
#ifndef CCTSA_TSP_CLOCK_H
#define CCTSA_TSP_CLOCK_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

typedef struct {
    /* Fill *now (UTC); *trusted = 1 only if the time is within the advertised accuracy.
     * Return 0, or -1 if no time at all is available. */
    int (*now)(void *ctx, struct timespec *now, int *trusted);
    void *ctx;
} tsp_time_source;

/* The host's CLOCK_REALTIME, always reported as trusted: development only. */
tsp_time_source tsp_time_source_system(void);

/* genTime precision. Whole seconds is the default: Go's encoding/asn1 refuses fractional
 * seconds in a GeneralizedTime, and with an accuracy of 1 s milliseconds add little. */
typedef enum { TSP_GENTIME_SECONDS = 0, TSP_GENTIME_MILLIS = 1 } tsp_gentime_precision;

#define TSP_SERIAL_PREFIX_BYTES 8
#define TSP_SERIAL_BYTES 16 /* 8-byte random prefix + 8-byte counter: 127 bits, positive */

typedef struct {
    pthread_mutex_t lock;
    time_t last_sec;
    unsigned last_ms;
    uint8_t prefix[TSP_SERIAL_PREFIX_BYTES];
    uint64_t counter;
    tsp_gentime_precision precision; /* TSP_GENTIME_SECONDS after init */
} tsp_issuer_state;

int tsp_issuer_state_init(tsp_issuer_state *st);  /* draws the random prefix; -1 on RNG failure */
void tsp_issuer_state_destroy(tsp_issuer_state *st);
/* Take the next (genTime, serial) pair: genTime is max(source time truncated to the state's
 * precision, last genTime); *ms is 0 in whole-second mode. Returns 0, 1 if the time source is untrusted or failed (nothing is consumed). */
int tsp_issuer_next(tsp_issuer_state *st, const tsp_time_source *ts, time_t *sec, unsigned *ms,
                    uint8_t serial[TSP_SERIAL_BYTES]);

#endif

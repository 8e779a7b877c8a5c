/* tsp_clock.h: where genTime and serial numbers come from. A time source gives a reading: the
 * UTC time, its error bound eps, a state and a reason (the trusted-time engine plugs in here).
 * The issuer state keeps genTime from going backwards: a step back within eps is clamped to the
 * last genTime, a step back beyond eps is refused (timeNotAvailable), never silently clamped. It
 * numbers tokens with a random per-boot prefix plus a counter, so nodes never need to coordinate
 * serial numbers. Thread-safe. */
#ifndef CCTSA_TSP_CLOCK_H
#define CCTSA_TSP_CLOCK_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "base/base.h"
#include <time.h>

typedef enum {
    TSP_TIME_SYNCED = 0,
    TSP_TIME_HOLDOVER = 1,
    TSP_TIME_UNSYNCED = 2,
    TSP_TIME_EXCLUDED = 3
} tsp_time_state;

/* One reading of a time source (the same fields as the trusted-time engine's readings). */
typedef struct {
    struct timespec utc;
    uint64_t eps_ns;      /* the true time lies within utc +- eps */
    tsp_time_state state; /* SYNCED and HOLDOVER may sign; UNSYNCED and EXCLUDED may not */
    int development;      /* 1: the host clock, not trusted time (shown in /health and STATUS) */
    const char *reason;   /* static text: why the state is what it is */
} tsp_time_reading;

#define TSP_TIME_DEFAULT_EPS_NS 1000000000ull /* 1 s: the accuracy the tokens advertise */

typedef struct {
    /* Simple sources: fill *now (UTC); *trusted = 1 only if the time is within the advertised
     * accuracy. Return 0, or -1 if no time at all is available. Read as SYNCED (trusted) or
     * UNSYNCED with eps TSP_TIME_DEFAULT_EPS_NS. Ignored when `read` is set. */
    int (*now)(void *ctx, struct timespec *now, int *trusted);
    void *ctx;
    /* Full readings: 0, or -1 if no time at all is available. */
    int (*read)(void *ctx, tsp_time_reading *r);
} tsp_time_source;

/* The host's CLOCK_REALTIME, SYNCED with eps 1 s and marked development: development only. */
tsp_time_source tsp_time_source_system(void);
/* One reading from either kind of source; -1 if none (r then says UNSYNCED). */
int tsp_time_read(const tsp_time_source *ts, tsp_time_reading *r);

/* genTime precision. Whole seconds is the default: Go's encoding/asn1 refuses fractional
 * seconds in a GeneralizedTime, and with an accuracy of 1 s milliseconds add little. */
typedef enum {
    TSP_GENTIME_SECONDS = 0,
    TSP_GENTIME_MILLIS = 1
} tsp_gentime_precision;

#define TSP_SERIAL_PREFIX_BYTES 8
#define TSP_SERIAL_BYTES 16 /* 8-byte random prefix + 8-byte counter: 127 bits, positive */

typedef struct {
    pthread_mutex_t lock;
    time_t last_sec;
    unsigned last_ms;
    struct timespec last_read; /* the latest reading taken (untruncated), for the eps check */
    uint8_t prefix[TSP_SERIAL_PREFIX_BYTES];
    uint64_t counter;
    tsp_gentime_precision precision; /* TSP_GENTIME_SECONDS after init */
} tsp_issuer_state;

CC_MUST_CHECK int tsp_issuer_state_init(tsp_issuer_state *st); /* draws the random prefix; -1 on RNG failure */
void tsp_issuer_state_destroy(tsp_issuer_state *st);
/* Take the next (genTime, serial) pair: genTime is the source time truncated to the state's
 * precision, or the last genTime if the time stepped back by at most eps; *ms is 0 in
 * whole-second mode. Returns 0; TSP_ISSUE_NO_TIME if the source failed or may not sign
 * (UNSYNCED, EXCLUDED); TSP_ISSUE_BACKWARDS if the time went back by more than eps. Nothing is
 * consumed on failure. */
#define TSP_ISSUE_NO_TIME 1
#define TSP_ISSUE_BACKWARDS 2
CC_MUST_CHECK int tsp_issuer_next(tsp_issuer_state *st, const tsp_time_source *ts, time_t *sec, unsigned *ms,
                                  uint8_t serial[TSP_SERIAL_BYTES]);

#endif

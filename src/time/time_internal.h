/* time_internal.h: the engine's state, shared by time_engine.c (clock model, state machine) and
 * time_select.c (selection). Not part of the public API. */
#ifndef CCTSA_TIME_INTERNAL_H
#define CCTSA_TIME_INTERNAL_H

#include "time/time_engine.h"

#define TIME_ANCHOR_HISTORY 64

typedef struct {
    time_sample latest;
    int has_latest; /* 1 sample, -1 failed exchange, 0 nothing since the last selection */
    char latest_why[128];
    time_sample hist[TIME_SOURCE_HISTORY]; /* accepted samples, oldest first */
    int nhist;
    time_source_status st;
} time_source_slot;

struct time_engine {
    time_interval_clock clock;
    int n, f;
    /* the anchor: UTC utc0 at interval time mono0, error eps0, frequency correction, drift bound */
    int anchored, last_select_ok, calibrated, clock_bad;
    int64_t mono0, utc0, eps0, freq_ppb, rho_ppb;
    int64_t leap_at_ns; /* announced leap second (UTC ns), 0 if none */
    int64_t hist_mono[TIME_ANCHOR_HISTORY], hist_utc[TIME_ANCHOR_HISTORY];
    int nanchors;
    int agreeing;
    int excluded;
    int64_t fresh_ns, holdover_ns; /* TIME_FRESH_NS, TIME_HOLDOVER_MAX_NS unless shortened */
    int64_t test_offset_ns;        /* fault-injection hook: added to every reading */
    char excluded_why[96];
    char fail_reason[128];
    uint64_t selections, failed_selections;
    uint64_t refusals[TIME_REFUSE_COUNT];
    time_source_slot src[TIME_MAX_SOURCES];
};

void time_fmt(char *dst, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* dm scaled by (1 + ppb/1e9), and the drift |dm| * rho; both clamp |dm| to avoid overflow. */
int64_t time_scale(int64_t dm, int64_t ppb);
int64_t time_grow(int64_t dm, int64_t rho_ppb);

#endif

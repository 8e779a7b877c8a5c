/* time_engine.c: the clock model, the state machine and the status of the trusted-time engine
 * (time_engine.h). Selection itself (checks, rate, Marzullo) is in time_select.c. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "time/time_internal.h"

const char *time_state_name(time_state s)
{
    switch (s) {
    case TIME_SYNCED: return "SYNCED";
    case TIME_HOLDOVER: return "HOLDOVER";
    case TIME_EXCLUDED: return "EXCLUDED";
    default: return "UNSYNCED";
    }
}

const char *time_refusal_name(time_refusal r)
{
    static const char *names[TIME_REFUSE_COUNT] = {"unsynced",    "holdover_expired", "eps_too_large",
                                                   "leap_second", "excluded",         "clock_failure"};
    return (unsigned)r < TIME_REFUSE_COUNT ? names[r] : "unknown";
}

const char *time_verdict_name(time_verdict v)
{
    switch (v) {
    case TIME_SRC_REJECTED: return "rejected";
    case TIME_SRC_FALSETICKER: return "falseticker";
    case TIME_SRC_TRUECHIMER: return "truechimer";
    default: return "undecided";
    }
}

void time_fmt(char *dst, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(dst, n, fmt, ap);
    va_end(ap);
}

static int mono_raw_now(void *ctx, int64_t *mono_ns)
{
    (void)ctx;
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC_RAW, &ts) != 0) return -1;
    *mono_ns = (int64_t)ts.tv_sec * TIME_NS_PER_S + ts.tv_nsec;
    return 0;
}

time_interval_clock time_clock_monotonic_raw(void)
{
    time_interval_clock c = {mono_raw_now, NULL};
    return c;
}

time_engine *time_engine_new(time_interval_clock clock, int n_sources, int max_faulty)
{
    if (!clock.now_ns || n_sources < 1 || n_sources > TIME_MAX_SOURCES || max_faulty < 0 || max_faulty >= n_sources)
        return NULL;
    time_engine *e = calloc(1, sizeof *e);
    if (!e) return NULL;
    e->clock = clock;
    e->n = n_sources;
    e->f = max_faulty;
    e->rho_ppb = TIME_RHO_UNCAL_PPB;
    e->fresh_ns = TIME_FRESH_NS, e->holdover_ns = TIME_HOLDOVER_MAX_NS;
    time_fmt(e->fail_reason, sizeof e->fail_reason, "not yet synchronised");
    return e;
}

void time_engine_free(time_engine *e) { free(e); }

/* Elapsed interval-clock time scaled by the frequency correction (|dm| is bounded by the caller's
 * holdover limit in practice; clamp so the product cannot overflow). */
int64_t time_scale(int64_t dm, int64_t ppb)
{
    const int64_t lim = 10000LL * TIME_NS_PER_S;
    if (dm > lim) dm = lim;
    if (dm < -lim) dm = -lim;
    return dm + dm / 1000 * ppb / 1000000;
}

int64_t time_grow(int64_t dm, int64_t rho_ppb)
{
    const int64_t lim = 10000LL * TIME_NS_PER_S;
    if (dm < 0) dm = -dm;
    if (dm > lim) dm = lim;
    return dm / 1000 * rho_ppb / 1000000 + 1;
}

/* The reading at interval-clock time mono, without counting a refusal. */
static int evaluate_as(time_engine *e, int64_t mono, time_reading *out, time_refusal *why, int ignore_excluded)
{
    memset(out, 0, sizeof *out);
    out->state = TIME_UNSYNCED;
    if (e->excluded && !ignore_excluded) {
        out->state = TIME_EXCLUDED;
        time_fmt(out->reason, sizeof out->reason, "excluded: %s", e->excluded_why);
        *why = TIME_REFUSE_EXCLUDED;
        return -1;
    }
    if (e->clock_bad) {
        time_fmt(out->reason, sizeof out->reason, "%s", e->fail_reason);
        *why = TIME_REFUSE_CLOCK;
        return -1;
    }
    if (!e->anchored) {
        time_fmt(out->reason, sizeof out->reason, "%s", e->fail_reason);
        *why = TIME_REFUSE_UNSYNCED;
        return -1;
    }
    int64_t age = mono - e->mono0;
    if (age < 0) {
        time_fmt(out->reason, sizeof out->reason, "interval clock went backwards");
        *why = TIME_REFUSE_CLOCK;
        return -1;
    }
    if (age > e->holdover_ns) {
        time_fmt(out->reason, sizeof out->reason, "no good NTS selection for %lld s (holdover limit %lld s)",
                 (long long)(age / TIME_NS_PER_S), (long long)(e->holdover_ns / TIME_NS_PER_S));
        *why = TIME_REFUSE_HOLDOVER;
        return -1;
    }
    out->utc_ns = e->utc0 + time_scale(age, e->freq_ppb) + e->test_offset_ns;
    out->eps_ns = e->eps0 + time_grow(age, e->rho_ppb);
    if (e->last_select_ok && age <= e->fresh_ns) {
        out->state = TIME_SYNCED;
    } else {
        out->state = TIME_HOLDOVER;
        time_fmt(out->reason, sizeof out->reason, "holdover for %lld s: %s", (long long)(age / TIME_NS_PER_S),
                 e->last_select_ok ? "no recent selection" : e->fail_reason);
    }
    if (out->eps_ns > TIME_E_MAX_NS) {
        time_fmt(out->reason, sizeof out->reason, "error bound %lld ms above the %lld ms limit",
                 (long long)(out->eps_ns / TIME_NS_PER_MS), (long long)(TIME_E_MAX_NS / TIME_NS_PER_MS));
        *why = TIME_REFUSE_EPS;
        return -1;
    }
    if (e->leap_at_ns) {
        int64_t d = out->utc_ns - e->leap_at_ns;
        if (d < 0) d = -d;
        if (d <= TIME_LEAP_GUARD_NS + out->eps_ns) {
            time_fmt(out->reason, sizeof out->reason, "within %lld s of an announced leap second",
                     (long long)(TIME_LEAP_GUARD_NS / TIME_NS_PER_S));
            *why = TIME_REFUSE_LEAP;
            return -1;
        }
    }
    return 0;
}

static int evaluate(time_engine *e, int64_t mono, time_reading *out, time_refusal *why)
{
    return evaluate_as(e, mono, out, why, 0);
}

static void refused(time_reading *out)
{
    out->utc_ns = 0;
    if (out->state != TIME_EXCLUDED) out->state = TIME_UNSYNCED;
}

int time_engine_now(time_engine *e, time_reading *out)
{
    int64_t mono;
    time_refusal why;
    if (e->clock.now_ns(e->clock.ctx, &mono) != 0) {
        memset(out, 0, sizeof *out);
        out->state = TIME_UNSYNCED;
        time_fmt(out->reason, sizeof out->reason, "the interval clock cannot be read");
        e->refusals[TIME_REFUSE_CLOCK]++;
        return -1;
    }
    if (evaluate(e, mono, out, &why) == 0) return 0;
    refused(out);
    e->refusals[why]++;
    return -1;
}

int time_engine_peek(time_engine *e, time_reading *out)
{
    int64_t mono;
    time_refusal why;
    memset(out, 0, sizeof *out);
    if (e->clock.now_ns(e->clock.ctx, &mono) != 0 || evaluate(e, mono, out, &why) != 0) {
        refused(out);
        return -1;
    }
    return 0;
}

int time_engine_peek_own(time_engine *e, time_reading *out)
{
    int64_t mono;
    time_refusal why;
    memset(out, 0, sizeof *out);
    if (e->clock.now_ns(e->clock.ctx, &mono) != 0 || evaluate_as(e, mono, out, &why, 1) != 0) {
        refused(out);
        return -1;
    }
    return 0;
}

void time_engine_require_hardware_clock(time_engine *e, const time_clock_report *r)
{
    if (r->hardware_protected) return;
    e->clock_bad = 1, e->anchored = 0;
    time_fmt(e->fail_reason, sizeof e->fail_reason, "time.require_hardware_clock: %s", r->detail);
}

void time_engine_set_excluded(time_engine *e, int excluded, const char *why)
{
    e->excluded = excluded != 0;
    time_fmt(e->excluded_why, sizeof e->excluded_why, "%s", why ? why : "by the cluster");
}

void time_engine_set_limits(time_engine *e, int64_t fresh_ns, int64_t holdover_ns)
{
    if (holdover_ns > 0 && holdover_ns <= TIME_HOLDOVER_MAX_NS) e->holdover_ns = holdover_ns;
    if (fresh_ns > 0 && fresh_ns <= e->holdover_ns) e->fresh_ns = fresh_ns;
}

void time_engine_set_test_offset(time_engine *e, int64_t offset_ns) { e->test_offset_ns = offset_ns; }

void time_engine_status(time_engine *e, time_status *out)
{
    memset(out, 0, sizeof *out);
    int64_t mono = 0;
    time_reading r;
    time_refusal why;
    if (e->clock.now_ns(e->clock.ctx, &mono) != 0) {
        out->state = TIME_UNSYNCED;
        time_fmt(out->reason, sizeof out->reason, "the interval clock cannot be read");
    } else {
        if (evaluate(e, mono, &r, &why) != 0) refused(&r);
        out->state = r.state;
        memcpy(out->reason, r.reason, sizeof out->reason);
        out->eps_ns = e->anchored ? e->eps0 + time_grow(mono - e->mono0, e->rho_ppb) : 0;
    }
    out->configured = e->n;
    out->agreeing = e->agreeing;
    out->sync_age_ns = e->anchored ? mono - e->mono0 : -1;
    out->calibrated = e->calibrated;
    out->freq_ppb = e->freq_ppb;
    out->rho_ppb = e->rho_ppb;
    out->selections = e->selections;
    out->failed_selections = e->failed_selections;
    memcpy(out->refusals, e->refusals, sizeof out->refusals);
    for (int i = 0; i < e->n; i++) out->sources[i] = e->src[i].st;
}

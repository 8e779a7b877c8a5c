/* time_select.c: choosing the time from the sources' samples (time_engine.h): per-sample checks,
 * a per-source rate check over its recent samples, Marzullo's intersection requiring n - f
 * agreeing sources, the new anchor, the frequency estimate (least squares over 30 min of
 * anchors) and leap-second announcements. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "time/time_internal.h"

int64_t time_sample_lambda(const time_sample *s) { return s->rtt_ns / 2 + s->root_delay_ns / 2 + s->root_disp_ns; }

int time_sample_check(const time_sample *s, char *why, size_t whylen)
{
    if (!(s->flags & TIME_SAMPLE_AUTHENTICATED)) return time_fmt(why, whylen, "not authenticated"), -1;
    if (s->leap == 3) return time_fmt(why, whylen, "source unsynchronised (leap indicator 3)"), -1;
    if (s->stratum < 1 || s->stratum > 15) return time_fmt(why, whylen, "stratum %u outside 1..15", s->stratum), -1;
    if (s->rtt_ns < 0)
        return time_fmt(why, whylen, "negative round trip %.6f s (the server's timestamps are inconsistent)",
                        (double)s->rtt_ns / 1e9),
               -1;
    if (s->rtt_ns > TIME_MAX_RTT_NS)
        return time_fmt(why, whylen, "round trip %.3f s above %lld ms", (double)s->rtt_ns / 1e9,
                        (long long)(TIME_MAX_RTT_NS / TIME_NS_PER_MS)),
               -1;
    if (s->root_delay_ns < 0 || s->root_disp_ns < 0 || s->root_delay_ns / 2 + s->root_disp_ns > TIME_MAX_ROOT_DIST_NS)
        return time_fmt(why, whylen, "root distance above %lld ms",
                        (long long)(TIME_MAX_ROOT_DIST_NS / TIME_NS_PER_MS)),
               -1;
    return 0;
}

typedef struct {
    int64_t v;
    int start; /* 1 interval start, 0 end */
} endpoint;

int time_marzullo(const int64_t *lo, const int64_t *hi, int n, int64_t *rlo, int64_t *rhi)
{
    endpoint ep[2 * TIME_MAX_SOURCES];
    int m = 0, best = 0, cnt = 0;
    *rlo = *rhi = 0;
    if (n < 0 || n > TIME_MAX_SOURCES) return 0;
    for (int i = 0; i < n; i++) {
        ep[m].v = lo[i], ep[m++].start = 1;
        ep[m].v = hi[i], ep[m++].start = 0;
    }
    /* sort by value; at equal values starts first, so touching closed intervals overlap */
    for (int i = 1; i < m; i++)
        for (int j = i; j > 0 && (ep[j].v < ep[j - 1].v || (ep[j].v == ep[j - 1].v && ep[j].start > ep[j - 1].start));
             j--) {
            endpoint t = ep[j];
            ep[j] = ep[j - 1], ep[j - 1] = t;
        }
    for (int i = 0; i < m; i++) {
        if (!ep[i].start) {
            cnt--;
            continue;
        }
        if (++cnt > best) {
            best = cnt;
            *rlo = ep[i].v;
            *rhi = ep[i + 1].v; /* a start is always followed by some endpoint */
        }
    }
    return best;
}

void time_engine_add_sample(time_engine *e, int source, const time_sample *s, const char *why)
{
    if (source < 0 || source >= e->n) return;
    time_source_slot *sl = &e->src[source];
    if (!s) {
        sl->has_latest = -1;
        time_fmt(sl->latest_why, sizeof sl->latest_why, "%s", why ? why : "no sample");
        return;
    }
    if (time_sample_check(s, sl->latest_why, sizeof sl->latest_why) != 0) {
        sl->has_latest = -1;
        return;
    }
    if (sl->nhist && s->utc_ns < sl->hist[sl->nhist - 1].utc_ns) {
        sl->has_latest = -1;
        time_fmt(sl->latest_why, sizeof sl->latest_why, "server timestamps went backwards by %.6f s",
                 (double)(sl->hist[sl->nhist - 1].utc_ns - s->utc_ns) / 1e9);
        return;
    }
    sl->latest = *s;
    sl->has_latest = 1;
    if (sl->nhist == TIME_SOURCE_HISTORY) {
        memmove(sl->hist, sl->hist + 1, sizeof sl->hist[0] * (TIME_SOURCE_HISTORY - 1));
        sl->nhist--;
    }
    sl->hist[sl->nhist++] = *s;
}

/* A source whose own samples, over at least 1 s, run at a rate differing from the interval clock's
 * corrected rate by more than the drift bound (beyond their measurement error) is lying about
 * the rate, even while its offset still lies within the others' intervals. */
static int rate_check(const time_engine *e, time_source_slot *sl)
{
    sl->st.rate_ppb = 0;
    if (sl->nhist < 2) return 0;
    const time_sample *a = &sl->hist[0], *b = &sl->hist[sl->nhist - 1];
    int64_t span = b->mono_ns - a->mono_ns;
    if (span < TIME_NS_PER_S) return 0;
    double rate = ((double)(b->utc_ns - a->utc_ns) / (double)span - 1.0) * 1e9;
    double unc = (double)(time_sample_lambda(a) + time_sample_lambda(b)) * 1e9 / (double)span;
    sl->st.rate_ppb = (int64_t)rate;
    double excess = rate - (double)e->freq_ppb;
    if (excess < 0) excess = -excess;
    if (excess - unc > TIME_RHO_MAX_PPB) {
        time_fmt(sl->st.reason, sizeof sl->st.reason,
                 "rate %+.0f ppm against the local clock (+-%.0f ppm, limit %d ppm)", rate / 1000, unc / 1000,
                 TIME_RHO_MAX_PPB / 1000);
        return -1;
    }
    return 0;
}

/* Least squares over the anchors once they span TIME_CALIBRATE_NS: frequency and drift bound. */
static void update_frequency(time_engine *e)
{
    int n = e->nanchors;
    if (n < 3 || e->hist_mono[n - 1] - e->hist_mono[0] < TIME_CALIBRATE_NS) return;
    double mx = 0, my = 0, sxx = 0, sxy = 0;
    for (int i = 0; i < n; i++)
        mx += (double)(e->hist_mono[i] - e->hist_mono[0]), my += (double)(e->hist_utc[i] - e->hist_utc[0]);
    mx /= n, my /= n;
    for (int i = 0; i < n; i++) {
        double dx = (double)(e->hist_mono[i] - e->hist_mono[0]) - mx,
               dy = (double)(e->hist_utc[i] - e->hist_utc[0]) - my;
        sxx += dx * dx, sxy += dx * dy;
    }
    double slope = sxy / sxx, maxdev = 0;
    for (int i = 0; i < n; i++) {
        double dx = (double)(e->hist_mono[i] - e->hist_mono[0]) - mx,
               dy = (double)(e->hist_utc[i] - e->hist_utc[0]) - my;
        double dev = dy - slope * dx;
        if (dev < 0) dev = -dev;
        if (dev > maxdev) maxdev = dev;
    }
    double span = (double)(e->hist_mono[n - 1] - e->hist_mono[0]);
    double freq = (slope - 1.0) * 1e9, resid = 2.0 * maxdev / span * 1e9;
    if (freq > TIME_MAX_FREQ_PPB || freq < -TIME_MAX_FREQ_PPB) {
        e->clock_bad = 1;
        time_fmt(e->fail_reason, sizeof e->fail_reason, "interval clock rate %+.0f ppm is implausible", freq / 1000);
        return;
    }
    e->freq_ppb = (int64_t)freq;
    int64_t rho = (int64_t)resid + TIME_RHO_MARGIN_PPB;
    e->rho_ppb = rho > TIME_RHO_MAX_PPB ? TIME_RHO_MAX_PPB : rho;
    e->calibrated = 1;
}

static void push_anchor(time_engine *e)
{
    if (e->nanchors == TIME_ANCHOR_HISTORY) {
        memmove(e->hist_mono, e->hist_mono + 1, sizeof e->hist_mono[0] * (TIME_ANCHOR_HISTORY - 1));
        memmove(e->hist_utc, e->hist_utc + 1, sizeof e->hist_utc[0] * (TIME_ANCHOR_HISTORY - 1));
        e->nanchors--;
    }
    e->hist_mono[e->nanchors] = e->mono0, e->hist_utc[e->nanchors++] = e->utc0;
}

/* Leap indicator 1 or 2 announces a leap second at the end of the current UTC month. */
static int64_t leap_instant(int64_t utc_ns)
{
    time_t sec = (time_t)(utc_ns / TIME_NS_PER_S);
    struct tm tm;
    if (!gmtime_r(&sec, &tm)) return 0;
    tm.tm_mday = 1, tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
    if (++tm.tm_mon == 12) tm.tm_mon = 0, tm.tm_year++;
    return (int64_t)timegm(&tm) * TIME_NS_PER_S;
}

static int select_fail(time_engine *e, const char *why)
{
    e->failed_selections++;
    e->last_select_ok = 0;
    time_fmt(e->fail_reason, sizeof e->fail_reason, "%s", why);
    return -1;
}

int time_engine_select(time_engine *e)
{
    int64_t mref, lo[TIME_MAX_SOURCES] = {0}, hi[TIME_MAX_SOURCES] = {0};
    int idx[TIME_MAX_SOURCES], m = 0, need = e->n - e->f;
    char why[128];
    if (e->clock.now_ns(e->clock.ctx, &mref) != 0) return select_fail(e, "the interval clock cannot be read");
    for (int i = 0; i < e->n; i++) {
        time_source_slot *sl = &e->src[i];
        memset(&sl->st, 0, sizeof sl->st);
        if (sl->has_latest == 0) {
            time_fmt(sl->st.reason, sizeof sl->st.reason, "no sample");
            continue;
        }
        if (sl->has_latest < 0) {
            sl->st.verdict = TIME_SRC_REJECTED;
            memcpy(sl->st.reason, sl->latest_why, sizeof sl->st.reason);
            continue;
        }
        const time_sample *s = &sl->latest;
        sl->st.rtt_ns = s->rtt_ns;
        sl->st.lambda_ns = time_sample_lambda(s);
        if (rate_check(e, sl) != 0) {
            sl->st.verdict = TIME_SRC_FALSETICKER;
            continue;
        }
        int64_t dm = mref - s->mono_ns, mid = s->utc_ns + time_scale(dm, e->freq_ppb);
        int64_t lam = sl->st.lambda_ns + time_grow(dm, e->rho_ppb);
        lo[m] = mid - lam, hi[m] = mid + lam, idx[m++] = i;
    }
    for (int i = 0; i < e->n; i++) e->src[i].has_latest = 0;
    int64_t rlo, rhi;
    int best = time_marzullo(lo, hi, m, &rlo, &rhi);
    e->agreeing = best;
    if (best < need) {
        for (int k = 0; k < m; k++)
            time_fmt(e->src[idx[k]].st.reason, sizeof e->src[idx[k]].st.reason, "no majority to compare with");
        time_fmt(why, sizeof why, "only %d of %d sources agree (need %d)", best, e->n, need);
        return select_fail(e, why);
    }
    int64_t est = rlo + (rhi - rlo) / 2;
    int leaps = 0;
    for (int k = 0; k < m; k++) {
        time_source_slot *sl = &e->src[idx[k]];
        int64_t mid = lo[k] + (hi[k] - lo[k]) / 2;
        sl->st.offset_ns = mid - est;
        if (hi[k] < rlo || lo[k] > rhi) {
            sl->st.verdict = TIME_SRC_FALSETICKER;
            time_fmt(sl->st.reason, sizeof sl->st.reason, "offset %+.6f s outside the interval %d sources agree on",
                     (double)sl->st.offset_ns / 1e9, best);
        } else {
            sl->st.verdict = TIME_SRC_TRUECHIMER;
            if (sl->latest.leap == 1 || sl->latest.leap == 2) leaps++;
        }
    }
    e->anchored = 1;
    e->last_select_ok = 1;
    e->mono0 = mref, e->utc0 = est, e->eps0 = (rhi - rlo) / 2 + TIME_READ_GRANULARITY_NS;
    e->leap_at_ns = 2 * leaps > best ? leap_instant(est) : 0;
    e->selections++;
    push_anchor(e);
    update_frequency(e);
    if (e->clock_bad) { /* sticky: an implausible interval clock is never trusted again */
        e->anchored = 0, e->last_select_ok = 0, e->failed_selections++;
        return -1;
    }
    e->fail_reason[0] = 0;
    return 0;
}

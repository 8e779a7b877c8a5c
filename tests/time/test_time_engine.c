/* test_time_engine.c: the time engine under an injected interval clock: Marzullo, per-sample
 * checks, outvoting, refusal without n - f agreement, the rate check, eps growth at rho, holdover
 * expiry and recovery, leap-second refusal, exclusion, the peer genTime window, calibration, the
 * test hooks (shortened limits, faked offset, the reading that ignores exclusion), and
 * the clock source report. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "time/time_engine.h"

#define S TIME_NS_PER_S
#define MS TIME_NS_PER_MS
static const int64_t UTC_BASE = 1796371200LL * S; /* 2026-12-04T08:00:00Z */

typedef struct {
    int64_t mono;
    int fail;
} fake_clock;

static int fake_now(void *ctx, int64_t *mono)
{
    fake_clock *c = ctx;
    *mono = c->mono;
    return c->fail ? -1 : 0;
}

/* A good sample taken now from a source whose clock is true + lie_ns. */
static time_sample sample(const fake_clock *c, int64_t lie_ns)
{
    time_sample s = {0};
    s.mono_ns = c->mono;
    s.utc_ns = UTC_BASE + c->mono + lie_ns;
    s.rtt_ns = 2 * MS;
    s.root_delay_ns = 0, s.root_disp_ns = 100000;
    s.stratum = 1;
    s.flags = TIME_SAMPLE_AUTHENTICATED;
    return s;
}

static void feed(time_engine *e, const fake_clock *c, const int64_t *lies, int n)
{
    for (int i = 0; i < n; i++) {
        time_sample s = sample(c, lies[i]);
        time_engine_add_sample(e, i, &s, NULL);
    }
}

/* An engine with one source, synchronised by one good sample. */
static time_engine *synced_one(fake_clock *c)
{
    time_engine *e = time_engine_new((time_interval_clock){fake_now, c}, 1, 0);
    time_sample s = sample(c, 0);
    time_engine_add_sample(e, 0, &s, NULL);
    time_engine_select(e);
    return e;
}

static void test_marzullo(void)
{
    int64_t lo[4] = {0, 5, 8, 100}, hi[4] = {10, 12, 20, 110}, rlo, rhi;
    CHECK(time_marzullo(lo, hi, 4, &rlo, &rhi) == 3 && rlo == 8 && rhi == 10);
    int64_t lo2[2] = {0, 10}, hi2[2] = {10, 20};
    CHECK(time_marzullo(lo2, hi2, 2, &rlo, &rhi) == 2 && rlo == 10 && rhi == 10); /* closed intervals touch */
    CHECK(time_marzullo(lo, hi, 0, &rlo, &rhi) == 0);
}

static void test_sample_checks(void)
{
    fake_clock c = {0, 0};
    char why[128];
    time_sample s = sample(&c, 0);
    CHECK(time_sample_check(&s, why, sizeof why) == 0);
    time_sample t = s;
    t.flags = 0;
    CHECK(time_sample_check(&t, why, sizeof why) != 0 && strstr(why, "authenticated"));
    t = s, t.leap = 3;
    CHECK(time_sample_check(&t, why, sizeof why) != 0 && strstr(why, "leap"));
    t = s, t.stratum = 0;
    CHECK(time_sample_check(&t, why, sizeof why) != 0);
    t = s, t.stratum = 16;
    CHECK(time_sample_check(&t, why, sizeof why) != 0 && strstr(why, "stratum"));
    t = s, t.rtt_ns = 251 * MS;
    CHECK(time_sample_check(&t, why, sizeof why) != 0 && strstr(why, "round trip"));
    t = s, t.rtt_ns = 250 * MS;
    CHECK(time_sample_check(&t, why, sizeof why) == 0);
    t = s, t.root_delay_ns = 100 * MS, t.root_disp_ns = 51 * MS;
    CHECK(time_sample_check(&t, why, sizeof why) != 0 && strstr(why, "root distance"));
    t = s, t.root_delay_ns = 100 * MS, t.root_disp_ns = 50 * MS;
    CHECK(time_sample_check(&t, why, sizeof why) == 0);
}

static void test_outvote_and_refuse(void)
{
    fake_clock c = {1000 * S, 0};
    time_engine *e = time_engine_new((time_interval_clock){fake_now, &c}, 4, 1);
    time_reading r;
    time_status st;
    CHECK(time_engine_now(e, &r) != 0 && r.state == TIME_UNSYNCED); /* never synchronised */
    int64_t one_liar[4] = {0, 1 * MS, -1 * MS, 5 * S};
    feed(e, &c, one_liar, 4);
    CHECK(time_engine_select(e) == 0);
    CHECK(time_engine_now(e, &r) == 0 && r.state == TIME_SYNCED);
    CHECK_MSG(llabs(r.utc_ns - (UTC_BASE + c.mono)) <= r.eps_ns, "true time within eps");
    CHECK(r.eps_ns < 10 * MS);
    time_engine_status(e, &st);
    CHECK(st.agreeing == 3 && st.configured == 4);
    CHECK(st.sources[3].verdict == TIME_SRC_FALSETICKER && st.sources[0].verdict == TIME_SRC_TRUECHIMER);
    /* two liars of four agreeing with each other: no majority, the node refuses */
    time_engine *e2 = time_engine_new((time_interval_clock){fake_now, &c}, 4, 1);
    int64_t two_liars[4] = {0, 1 * MS, 5 * S, 5 * S};
    feed(e2, &c, two_liars, 4);
    CHECK(time_engine_select(e2) != 0);
    CHECK(time_engine_now(e2, &r) != 0 && r.state == TIME_UNSYNCED && strstr(r.reason, "only 2 of 4"));
    time_engine_status(e2, &st);
    CHECK(st.refusals[TIME_REFUSE_UNSYNCED] == 1 && st.failed_selections == 1);
    /* a failed exchange and a rejected sample count as no vote */
    time_engine_add_sample(e, 0, NULL, "NTS-KE failed");
    time_sample bad = sample(&c, 0);
    bad.flags = 0;
    time_engine_add_sample(e, 1, &bad, NULL);
    time_sample s2 = sample(&c, 0);
    time_engine_add_sample(e, 2, &s2, NULL);
    CHECK(time_engine_select(e) != 0); /* 1 of 4 */
    time_engine_status(e, &st);
    CHECK(st.sources[0].verdict == TIME_SRC_REJECTED && strstr(st.sources[0].reason, "NTS-KE failed"));
    CHECK(st.sources[1].verdict == TIME_SRC_REJECTED && strstr(st.sources[1].reason, "authenticated"));
    CHECK(time_engine_now(e, &r) == 0 && r.state == TIME_HOLDOVER); /* the old anchor still holds */
    time_engine_free(e);
    time_engine_free(e2);
}

static void test_holdover_and_recovery(void)
{
    fake_clock c = {5 * S, 0};
    time_engine *e = time_engine_new((time_interval_clock){fake_now, &c}, 3, 0);
    int64_t ok[3] = {0, 0, 0};
    feed(e, &c, ok, 3);
    CHECK(time_engine_select(e) == 0);
    time_reading r0, r;
    CHECK(time_engine_now(e, &r0) == 0 && r0.state == TIME_SYNCED);
    c.mono += 300 * S; /* 5 min without NTS: HOLDOVER, eps grown by 100 ppm * 300 s = 30 ms */
    CHECK(time_engine_now(e, &r) == 0 && r.state == TIME_HOLDOVER);
    CHECK_MSG(llabs(r.eps_ns - r0.eps_ns - 30 * MS) < MS, "eps grew by %lld ns", (long long)(r.eps_ns - r0.eps_ns));
    CHECK(r.utc_ns - r0.utc_ns == 300 * S);
    c.mono += 300 * S; /* exactly 10 min: still allowed */
    CHECK(time_engine_now(e, &r) == 0 && r.state == TIME_HOLDOVER);
    c.mono += 1 * S; /* beyond 10 min: refused */
    CHECK(time_engine_now(e, &r) != 0 && r.state == TIME_UNSYNCED && r.utc_ns == 0 && strstr(r.reason, "holdover"));
    time_status st;
    time_engine_status(e, &st);
    CHECK(st.refusals[TIME_REFUSE_HOLDOVER] == 1 && st.sync_age_ns == 601 * S);
    CHECK(time_engine_peek(e, &r) != 0 && r.utc_ns == 0); /* peeking refuses too, but is not counted */
    time_engine_status(e, &st);
    CHECK(st.refusals[TIME_REFUSE_HOLDOVER] == 1 && st.state == TIME_UNSYNCED);
    feed(e, &c, ok, 3); /* recovery */
    CHECK(time_engine_select(e) == 0);
    CHECK(time_engine_now(e, &r) == 0 && r.state == TIME_SYNCED && r.reason[0] == 0);
    /* the interval clock failing is a refusal */
    c.fail = 1;
    CHECK(time_engine_now(e, &r) != 0);
    time_engine_status(e, &st);
    CHECK(st.refusals[TIME_REFUSE_CLOCK] == 1);
    time_engine_free(e);
}

static void test_eps_limit(void)
{
    fake_clock c = {0, 0};
    time_engine *e = time_engine_new((time_interval_clock){fake_now, &c}, 1, 0);
    time_sample s = sample(&c, 0);
    s.rtt_ns = 200 * MS, s.root_disp_ns = 95 * MS; /* lambda 195 ms: passes the sample checks */
    time_engine_add_sample(e, 0, &s, NULL);
    CHECK(time_engine_select(e) == 0);
    time_reading r;
    CHECK(time_engine_now(e, &r) == 0 && r.eps_ns <= TIME_E_MAX_NS);
    c.mono += 60 * S; /* + 6 ms at 100 ppm: above E_max */
    CHECK(time_engine_now(e, &r) != 0 && strstr(r.reason, "error bound"));
    time_status st;
    time_engine_status(e, &st);
    CHECK(st.refusals[TIME_REFUSE_EPS] == 1);
    time_engine_free(e);
}

static void test_rate_liar(void)
{
    fake_clock c = {0, 0};
    time_engine *e = time_engine_new((time_interval_clock){fake_now, &c}, 4, 1);
    for (int k = 0; k < 4; k++) { /* source 3 runs 1000 ppm fast but starts in agreement */
        int64_t lies[4] = {0, 0, 0, c.mono / 1000};
        feed(e, &c, lies, 4);
        if (k < 3) c.mono += 1 * S;
    }
    CHECK(time_engine_select(e) == 0);
    time_status st;
    time_engine_status(e, &st);
    CHECK(st.sources[3].verdict == TIME_SRC_FALSETICKER && strstr(st.sources[3].reason, "rate"));
    CHECK_MSG(llabs(st.sources[3].rate_ppb - 1000000) < 10000, "rate %lld ppb", (long long)st.sources[3].rate_ppb);
    CHECK(st.sources[0].verdict == TIME_SRC_TRUECHIMER && llabs(st.sources[0].rate_ppb) < 1000);
    time_engine_free(e);
}

static void test_leap(void)
{
    fake_clock c = {0, 0};
    time_engine *e = time_engine_new((time_interval_clock){fake_now, &c}, 1, 0);
    /* 2026-12-31T23:59:50Z, leap second announced: refused from 23:59:58 to 00:00:02 (+eps) */
    const int64_t t = 1798761590LL * S - UTC_BASE;
    c.mono = t;
    time_sample s = sample(&c, 0);
    s.leap = 1;
    time_engine_add_sample(e, 0, &s, NULL);
    CHECK(time_engine_select(e) == 0);
    time_reading r;
    CHECK(time_engine_now(e, &r) == 0);
    c.mono = t + 7 * S;
    CHECK(time_engine_now(e, &r) == 0);
    c.mono = t + 9 * S;
    CHECK(time_engine_now(e, &r) != 0 && strstr(r.reason, "leap"));
    c.mono = t + 12 * S;
    CHECK(time_engine_now(e, &r) != 0);
    c.mono = t + 13 * S;
    CHECK(time_engine_now(e, &r) == 0);
    time_engine_free(e);
}

static void test_excluded_and_peer_window(void)
{
    fake_clock c = {0, 0};
    time_engine *e = synced_one(&c);
    time_reading own, r;
    char why[128];
    CHECK(time_engine_now(e, &own) == 0);
    CHECK(time_peer_gentime_check(&own, own.utc_ns, why, sizeof why) == 0);
    CHECK(time_peer_gentime_check(&own, own.utc_ns - 500 * MS, why, sizeof why) == 0);
    CHECK(time_peer_gentime_check(&own, own.utc_ns - 501 * MS, why, sizeof why) != 0 && strstr(why, "window"));
    CHECK(time_peer_gentime_check(&own, own.utc_ns + 400 * MS, why, sizeof why) == 0);
    CHECK(time_peer_gentime_check(&own, own.utc_ns + 401 * MS, why, sizeof why) != 0);
    time_engine_set_excluded(e, 1, "offset inconsistent with 3 of 4 peers");
    CHECK(time_engine_now(e, &r) != 0 && r.state == TIME_EXCLUDED && strstr(r.reason, "3 of 4 peers"));
    CHECK(time_peer_gentime_check(&r, own.utc_ns, why, sizeof why) != 0 && strstr(why, "not trusted"));
    /* the probes' reading ignores the exclusion (an excluded node keeps measuring) */
    CHECK(time_engine_peek_own(e, &r) == 0 && r.state == TIME_SYNCED && r.utc_ns == own.utc_ns);
    time_engine_set_excluded(e, 0, NULL);
    CHECK(time_engine_now(e, &r) == 0);
    time_engine_free(e);
}

/* The test hooks: shortened limits (never lengthened) and a faked clock offset. */
static void test_hooks(void)
{
    fake_clock c = {0, 0};
    time_engine *e = synced_one(&c);
    time_reading r;
    time_engine_set_limits(e, 3 * S, 6 * S);
    c.mono += 4 * S;
    CHECK(time_engine_now(e, &r) == 0 && r.state == TIME_HOLDOVER);
    c.mono += 3 * S;
    CHECK(time_engine_now(e, &r) != 0 && strstr(r.reason, "holdover limit"));
    time_engine_set_limits(e, 0, 3600 * S); /* above the 10 min default: ignored */
    CHECK(time_engine_now(e, &r) != 0);
    time_engine_set_limits(e, 0, TIME_HOLDOVER_MAX_NS);
    CHECK(time_engine_now(e, &r) == 0 && r.state == TIME_HOLDOVER);
    int64_t before = r.utc_ns, eps = r.eps_ns;
    time_engine_set_test_offset(e, 2 * S);
    CHECK(time_engine_now(e, &r) == 0 && r.utc_ns == before + 2 * S && r.eps_ns == eps);
    time_engine_free(e);
}

static void test_calibration(void)
{
    /* the local clock runs 30 ppm slow against the sources: after 30 min the engine corrects it */
    fake_clock c = {0, 0};
    time_engine *e = time_engine_new((time_interval_clock){fake_now, &c}, 1, 0);
    for (int k = 0; k <= 31; k++) {
        time_sample s = sample(&c, c.mono / 1000000 * 30); /* source UTC = mono * (1 + 30e-6) */
        time_engine_add_sample(e, 0, &s, NULL);
        CHECK(time_engine_select(e) == 0);
        if (k < 31) c.mono += 64 * S;
    }
    time_status st;
    time_engine_status(e, &st);
    CHECK(st.calibrated);
    CHECK_MSG(llabs(st.freq_ppb - 30000) < 100, "freq %lld ppb", (long long)st.freq_ppb);
    CHECK(st.rho_ppb >= TIME_RHO_MARGIN_PPB && st.rho_ppb < 25000);
    time_reading r;
    c.mono += 100 * S;
    CHECK(time_engine_now(e, &r) == 0);
    int64_t truth = UTC_BASE + c.mono + c.mono / 1000000 * 30;
    CHECK_MSG(llabs(r.utc_ns - truth) < 100000, "corrected reading off by %lld ns", (long long)(r.utc_ns - truth));
    time_engine_free(e);
}

static void test_backwards_and_hardware(void)
{
    fake_clock c = {10 * S, 0};
    time_engine *e = time_engine_new((time_interval_clock){fake_now, &c}, 1, 0);
    time_sample s = sample(&c, 0);
    time_engine_add_sample(e, 0, &s, NULL);
    CHECK(time_engine_select(e) == 0);
    c.mono += S;
    s = sample(&c, -2 * S); /* the server's time runs backwards by a second */
    time_engine_add_sample(e, 0, &s, NULL);
    CHECK(time_engine_select(e) != 0);
    time_status st;
    time_engine_status(e, &st);
    CHECK(st.sources[0].verdict == TIME_SRC_REJECTED && strstr(st.sources[0].reason, "backwards"));
    time_reading r;
    time_clock_report rep;
    time_clock_report_from("tsc", " SEV SEV-ES SEV-SNP SecureTSC", &rep);
    time_engine_require_hardware_clock(e, &rep); /* protected: no effect */
    CHECK(time_engine_now(e, &r) == 0);
    time_clock_report_from("kvm-clock", NULL, &rep);
    time_engine_require_hardware_clock(e, &rep);
    CHECK(time_engine_now(e, &r) != 0 && strstr(r.reason, "require_hardware_clock"));
    s = sample(&c, 0);
    time_engine_add_sample(e, 0, &s, NULL);
    time_engine_select(e);
    CHECK(time_engine_now(e, &r) != 0); /* for good */
    time_engine_free(e);
}

static void test_clock_report(void)
{
    time_clock_report r;
    time_clock_report_from("kvm-clock\n", NULL, &r);
    CHECK(!r.hardware_protected && !strcmp(r.clocksource, "kvm-clock"));
    time_clock_report_from("tsc\n", " AMD SEV SEV-ES SEV-SNP", &r); /* 6.1: SNP, no SecureTSC */
    CHECK(r.sev_snp && !r.securetsc && !r.hardware_protected);
    time_clock_report_from("kvm-clock", " SEV SEV-ES SEV-SNP SecureTSC", &r);
    CHECK(r.securetsc && !r.hardware_protected && strstr(r.detail, "not tsc"));
    time_clock_report_from("tsc", " SEV SEV-ES SEV-SNP DebugSwap SecureTSC", &r);
    CHECK(r.securetsc && r.hardware_protected);
    time_clock_report_from("tsc", " SEV SEV-ES SEV-SNP NotSecureTSCx", &r);
    CHECK(!r.securetsc);
}

int main(void)
{
    test_marzullo();
    test_sample_checks();
    test_outvote_and_refuse();
    test_holdover_and_recovery();
    test_eps_limit();
    test_rate_liar();
    test_leap();
    test_excluded_and_peer_window();
    test_hooks();
    test_calibration();
    test_backwards_and_hardware();
    test_clock_report();
    return check_summary("test_time_engine");
}

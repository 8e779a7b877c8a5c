/* cli_time.c: `cctsa time query` (ask NTS servers through the time engine and print each
 * source's offset, round trip and verdict and the combined reading) and `cctsa time clock` (the
 * clock source report). Offsets are printed against the system clock for the operator's
 * information only; the engine itself never reads CLOCK_REALTIME. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/commands.h"
#include "time/nts.h"
#include "time/time_config.h"
#include "time/time_engine.h"

_Static_assert(TIME_MAX_SOURCES == 16, "the --server error text says 16");

static void usage(FILE *out)
{
    fprintf(out, "usage: cctsa time query (--server HOST[:PORT] ... --ca PEM | --config FILE) [options]\n"
                 "       cctsa time clock\n\n"
                 "query: NTS (RFC 8915) exchanges with every server, selection by the time engine\n"
                 "(Marzullo, n - f agreeing), one line per source and one for the combined reading.\n"
                 "  --server HOST[:PORT]  NTS-KE server (port 4460 by default); repeat for more\n"
                 "  --ca PEM              CA roots the servers' certificates must chain to\n"
                 "  --config FILE         take the time.* settings (servers, CA roots, max_falsetickers,\n"
                 "                        require_hardware_clock) from a measured configuration file\n"
                 "  --max-faulty F        sources allowed to be wrong (default (n - 1) / 3)\n"
                 "  --samples N           rounds of exchanges (default 1; 3 or more measure rates)\n"
                 "  --interval-ms MS      pause between rounds (default 1000)\n"
                 "  --timeout-ms MS       per connection and exchange (default 2000)\n"
                 "Exit status: 0 the reading is trusted, 3 the engine refuses, 1 on errors, 2 on usage.\n"
                 "clock: whether the interval clock is hardware-protected (SecureTSC and clocksource tsc).\n");
}

static int64_t realtime_minus_mono(void)
{
    struct timespec r, m;
    clock_gettime(CLOCK_MONOTONIC_RAW, &m);
    clock_gettime(CLOCK_REALTIME, &r);
    return ((int64_t)r.tv_sec - m.tv_sec) * TIME_NS_PER_S + (r.tv_nsec - m.tv_nsec);
}

static void fmt_utc(int64_t ns, char *buf, size_t n)
{
    time_t s = (time_t)(ns / TIME_NS_PER_S);
    struct tm tm;
    char d[32];
    gmtime_r(&s, &tm);
    strftime(d, sizeof d, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf, n, "%s.%09lldZ", d, (long long)(ns % TIME_NS_PER_S));
}

typedef struct {
    time_config cfg;
    int samples, interval_ms;
} query_opts;

static int opt_server(void *d, const char *v)
{
    time_config *cfg = d;
    return cfg->nservers == TIME_MAX_SOURCES || time_parse_server(v, &cfg->servers[cfg->nservers++]) != 0 ? -1 : 0;
}

static int parse_query(int argc, char **argv, query_opts *o)
{
    const char *ca = NULL, *config = NULL;
    int faulty = -1, timeout = 0;
    memset(o, 0, sizeof *o);
    o->samples = 1, o->interval_ms = 1000;
    const cc_opt opts[] = {
        CC_FN_OPT("--server", &o->cfg, opt_server, "HOST[:PORT] (at most 16 servers)"),
        CC_STR_OPT("--ca", &ca),
        CC_STR_OPT("--config", &config),
        CC_INT_OPT("--max-faulty", &faulty, 0, TIME_MAX_SOURCES - 1),
        CC_INT_OPT("--samples", &o->samples, 1, 100),
        CC_INT_OPT("--interval-ms", &o->interval_ms, 0, 60000),
        CC_INT_OPT("--timeout-ms", &timeout, 1, 60000),
    };
    if (cli_opts("time query", argc, argv, opts, CC_NOPTS(opts), NULL, 0, NULL) != 0) return -1;
    char why[160];
    if (config) {
        if (o->cfg.nservers || ca) return cli_error("--config excludes --server and --ca"), -1;
        if (time_config_load(config, &o->cfg, why, sizeof why) != 0) return cli_error("%s: %s", config, why), -1;
    } else {
        if (!o->cfg.nservers || !ca) return cli_error("need --server and --ca (or --config)"), -1;
        for (int i = 0; i < o->cfg.nservers; i++)
            snprintf(o->cfg.servers[i].ca_file, sizeof o->cfg.servers[i].ca_file, "%s", ca);
        o->cfg.max_falsetickers = (o->cfg.nservers - 1) / 3;
    }
    if (faulty >= 0) o->cfg.max_falsetickers = faulty;
    if (o->cfg.max_falsetickers >= o->cfg.nservers)
        return cli_error("--max-faulty must be below the number of servers"), -1;
    for (int i = 0; i < o->cfg.nservers; i++) o->cfg.servers[i].timeout_ms = timeout;
    return 0;
}

typedef struct {
    const time_config *cfg;
    int round;
} round_log;

static void log_failure(void *ctx, int i, const char *why)
{
    const round_log *l = ctx;
    fprintf(stderr, "exchange %s:%d round %d: %s\n", l->cfg->servers[i].host, l->cfg->servers[i].port, l->round + 1,
            why);
}

static int time_query(int argc, char **argv)
{
    query_opts o;
    if (parse_query(argc, argv, &o) != 0) return 2;
    int n = o.cfg.nservers, rc = 1;
    time_interval_clock clock = time_clock_monotonic_raw();
    time_engine *e = time_engine_new(clock, n, o.cfg.max_falsetickers);
    nts_source *src[TIME_MAX_SOURCES] = {0};
    time_sample last[TIME_MAX_SOURCES] = {0};
    for (int i = 0; i < n; i++)
        if (!(src[i] = nts_source_new(&o.cfg.servers[i]))) goto out;
    if (!e) goto out;
    if (o.cfg.require_hardware_clock) {
        time_clock_report rep;
        time_clock_report_read(&rep);
        time_engine_require_hardware_clock(e, &rep);
    }
    int64_t d = realtime_minus_mono();
    round_log log = {&o.cfg, 0};
    for (; log.round < o.samples; log.round++) {
        if (log.round) usleep((useconds_t)o.interval_ms * 1000);
        nts_poll_round(e, src, n, clock, log_failure, &log, last);
        time_engine_select(e); /* as a node does after every round */
    }
    time_status st;
    time_engine_status(e, &st);
    for (int i = 0; i < n; i++) {
        const time_source_status *ss = &st.sources[i];
        printf("source %s:%d verdict=%s", o.cfg.servers[i].host, o.cfg.servers[i].port, time_verdict_name(ss->verdict));
        if (last[i].flags)
            printf(" offset=%+.6f rtt=%.6f stratum=%u", (double)(last[i].utc_ns - last[i].mono_ns - d) / 1e9,
                   (double)last[i].rtt_ns / 1e9, last[i].stratum);
        if (ss->rate_ppb) printf(" rate_ppm=%+.1f", (double)ss->rate_ppb / 1000);
        if (ss->reason[0]) printf(" reason=\"%s\"", ss->reason);
        printf("\n");
    }
    time_reading r;
    if (time_engine_now(e, &r) == 0) {
        char utc[48];
        int64_t mono;
        clock.now_ns(clock.ctx, &mono);
        fmt_utc(r.utc_ns, utc, sizeof utc);
        printf("time state=%s utc=%s eps=%.6f agreeing=%d/%d offset=%+.6f\n", time_state_name(r.state), utc,
               (double)r.eps_ns / 1e9, st.agreeing, st.configured, (double)(r.utc_ns - mono - d) / 1e9);
        rc = 0;
    } else {
        printf("time state=%s refused agreeing=%d/%d reason=\"%s\"\n", time_state_name(r.state), st.agreeing,
               st.configured, r.reason);
        rc = 3;
    }
out:
    for (int i = 0; i < n; i++) nts_source_free(src[i]);
    time_engine_free(e);
    if (rc == 1) cli_error("out of memory or bad configuration");
    return rc;
}

static int time_clock(void)
{
    time_clock_report r;
    time_clock_report_read(&r);
    printf("clocksource=%s securetsc=%s sev_snp=%s hardware_protected=%s\n%s\n",
           r.clocksource[0] ? r.clocksource : "unknown", r.securetsc ? "yes" : "no", r.sev_snp ? "yes" : "no",
           r.hardware_protected ? "yes" : "no", r.detail);
    return 0;
}

int cli_time(int argc, char **argv)
{
    if (argc < 2 || cli_wants_help(argc, argv)) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "query")) return time_query(argc - 1, argv + 1);
    if (!strcmp(argv[1], "clock") && argc == 2) return time_clock();
    usage(stderr);
    return 2;
}

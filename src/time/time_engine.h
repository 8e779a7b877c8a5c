/* time_engine.h: the per-node trusted-time engine. It owns the clock model (a CLOCK_MONOTONIC_RAW
 * interval clock with a linear anchor: UTC at the anchor, a frequency correction and an error
 * bound that grows at rho), the selection of authenticated samples (per-sample checks, a per-source
 * rate check, Marzullo's intersection requiring n - f agreeing sources), the state machine
 * (SYNCED / HOLDOVER / UNSYNCED / EXCLUDED), the limits (eps <= E_max, holdover at most 10 min,
 * no reading within 2 s of an announced leap second) and the status counters. It never reads
 * CLOCK_REALTIME. Samples come from NTS sources (nts.h) or, in tests, from anywhere; the engine
 * itself does no I/O, so it is deterministic under an injected interval clock.
 * Not thread-safe: the caller serialises calls on one engine.
 *
 * How a node uses it: load time_config (time_config.h), create one nts_source per server and an
 * engine with (nservers, max_falsetickers); if time.require_hardware_clock, pass it
 * time_clock_report_read()'s report. Every 64 s (jittered): nts_poll_round, then
 * time_engine_select. For every token: time_engine_now; on -1 answer timeNotAvailable. */
#ifndef CCTSA_TIME_ENGINE_H
#define CCTSA_TIME_ENGINE_H

#include <stddef.h>

#include "base/base.h"
#include <stdint.h>

#define TIME_NS_PER_S 1000000000LL
#define TIME_NS_PER_MS 1000000LL

/* Limits (design-requirements 4.5; trusted-time note 5.3, 5.7). */
#define TIME_E_MAX_NS (200 * TIME_NS_PER_MS)         /* a reading's eps never exceeds this */
#define TIME_HOLDOVER_MAX_NS (600 * TIME_NS_PER_S)   /* without a fresh selection: then UNSYNCED */
#define TIME_FRESH_NS (130 * TIME_NS_PER_S)          /* a selection this recent means SYNCED */
#define TIME_RHO_UNCAL_PPB 100000                    /* 100 ppm until calibrated */
#define TIME_RHO_MARGIN_PPB 20000                    /* calibrated: residual + 20 ppm ... */
#define TIME_RHO_MAX_PPB 100000                      /* ... capped at 100 ppm */
#define TIME_CALIBRATE_NS (1800 * TIME_NS_PER_S)     /* selections spanning 30 min calibrate */
#define TIME_MAX_FREQ_PPB 100000                     /* |freq_corr| above this: clock implausible */
#define TIME_MAX_RTT_NS (250 * TIME_NS_PER_MS)       /* per-sample round trip */
#define TIME_MAX_ROOT_DIST_NS (100 * TIME_NS_PER_MS) /* per-sample root delay/2 + dispersion */
#define TIME_LEAP_GUARD_NS (2 * TIME_NS_PER_S)       /* refuse +-2 s around an announced leap */
#define TIME_READ_GRANULARITY_NS 1000                /* added to eps0 for reading the clock */
/* Part 2 (cross-node veto): a peer's genTime must lie in [own - 500 ms, own + 400 ms]. */
#define TIME_PEER_BEHIND_NS (500 * TIME_NS_PER_MS)
#define TIME_PEER_AHEAD_NS (400 * TIME_NS_PER_MS)

#define TIME_MAX_SOURCES 16
#define TIME_SOURCE_HISTORY 8 /* samples kept per source for the rate check */

typedef enum {
    TIME_UNSYNCED = 0,
    TIME_SYNCED,
    TIME_HOLDOVER,
    TIME_EXCLUDED
} time_state;
const char *time_state_name(time_state s);

/* Why a reading was refused; indexes the refusal counters. */
typedef enum {
    TIME_REFUSE_UNSYNCED = 0, /* never synchronised, or too few agreeing sources */
    TIME_REFUSE_HOLDOVER,     /* no fresh selection for more than TIME_HOLDOVER_MAX_NS */
    TIME_REFUSE_EPS,          /* eps above E_max */
    TIME_REFUSE_LEAP,         /* within TIME_LEAP_GUARD_NS of an announced leap second */
    TIME_REFUSE_EXCLUDED,     /* excluded by the cluster (Part 2) */
    TIME_REFUSE_CLOCK,        /* the interval clock failed or is implausible */
    TIME_REFUSE_COUNT
} time_refusal;
const char *time_refusal_name(time_refusal r);

/* The engine's answer to "what time is it": what the node's time seam consumes. */
typedef struct {
    int64_t utc_ns; /* UTC, ns since 1970 (no leap seconds); 0 when refused */
    int64_t eps_ns; /* the true UTC is within utc_ns +- eps_ns */
    time_state state;
    char reason[128]; /* why not SYNCED (empty when SYNCED) */
} time_reading;

/* The interval clock: monotonic ns. Production uses CLOCK_MONOTONIC_RAW; tests inject their own. */
typedef struct {
    int (*now_ns)(void *ctx, int64_t *mono_ns); /* 0, or -1 if the clock failed */
    void *ctx;
} time_interval_clock;
time_interval_clock time_clock_monotonic_raw(void);

/* One measurement of UTC by one source, on the local interval clock. Built by nts_source_sample. */
#define TIME_SAMPLE_AUTHENTICATED 1u
typedef struct {
    int64_t mono_ns; /* local interval clock at the midpoint of the exchange: (T1 + T4) / 2 */
    int64_t utc_ns;  /* the source's UTC at that instant: (T2 + T3) / 2 */
    int64_t rtt_ns;  /* (T4 - T1) - (T3 - T2) */
    int64_t root_delay_ns;
    int64_t root_disp_ns;
    uint8_t leap; /* NTP leap indicator: 0 none, 1 insert, 2 delete, 3 unsynchronised */
    uint8_t stratum;
    uint32_t flags; /* TIME_SAMPLE_AUTHENTICATED */
} time_sample;

/* Per-sample checks (authenticated, leap != 3, stratum 1..15, RTT, root distance). 0 if the
 * sample may be used, else -1 with the reason in why. Pure. */
CC_MUST_CHECK int time_sample_check(const time_sample *s, char *why, size_t whylen);
/* Half-width of a sample's correctness interval: rtt/2 + root_delay/2 + root_dispersion. */
int64_t time_sample_lambda(const time_sample *s);

/* Marzullo's algorithm over n intervals [lo[i], hi[i]]: the region covered by the most intervals.
 * Returns that count (0 if n == 0) and the region in *rlo, *rhi. Pure. */
CC_MUST_CHECK int time_marzullo(const int64_t *lo, const int64_t *hi, int n, int64_t *rlo, int64_t *rhi);

/* Part 2: is a peer's proposed genTime acceptable against our own reading? 0 if it lies in
 * [own - TIME_PEER_BEHIND_NS, own + TIME_PEER_AHEAD_NS] and our reading is trusted; else -1 with
 * the reason. Peers veto; they never adopt each other's time. Pure; in time_peer.c (time_peer.h
 * has the whole participant check with the coordinator's time block). */
CC_MUST_CHECK int time_peer_gentime_check(const time_reading *own, int64_t peer_gentime_ns, char *why, size_t whylen);

/* Per-source verdict of the last selection. */
typedef enum {
    TIME_SRC_NONE = 0,
    TIME_SRC_REJECTED,
    TIME_SRC_FALSETICKER,
    TIME_SRC_TRUECHIMER
} time_verdict;
const char *time_verdict_name(time_verdict v);

typedef struct {
    time_verdict verdict;
    char reason[128];
    int64_t offset_ns; /* last sample's UTC minus the selected estimate at the sample's instant */
    int64_t rtt_ns, lambda_ns;
    int64_t rate_ppb; /* the source's rate against the interval clock, if measured, else 0 */
} time_source_status;

/* What STATUS, /health and the metrics show. */
typedef struct {
    time_state state;
    char reason[128];
    int64_t eps_ns;           /* eps now (0 when never synchronised) */
    int configured, agreeing; /* sources configured; agreeing in the last selection */
    int64_t sync_age_ns;      /* since the last good selection; -1 if none */
    int calibrated;
    int64_t freq_ppb, rho_ppb; /* frequency correction and the current drift bound */
    uint64_t selections, failed_selections;
    uint64_t refusals[TIME_REFUSE_COUNT];
    time_source_status sources[TIME_MAX_SOURCES];
} time_status;

typedef struct time_engine time_engine;

/* n_sources configured sources (1..TIME_MAX_SOURCES); a selection needs at least
 * n_sources - max_faulty of them to agree. NULL on bad arguments or allocation failure. */
time_engine *time_engine_new(time_interval_clock clock, int n_sources, int max_faulty);
void time_engine_free(time_engine *e);

/* Record a sample from source i, or a failed exchange (s == NULL, why says what went wrong).
 * Samples failing time_sample_check, or whose server time went backwards against the source's
 * previous accepted sample, are recorded as rejected. */
void time_engine_add_sample(time_engine *e, int source, const time_sample *s, const char *why);

/* Select from every source's latest sample: rate check, Marzullo, then a new anchor. 0 if a
 * new anchor was set, -1 if not (the reason is in the status). Clears the latest samples. */
int time_engine_select(time_engine *e);

/* The current reading: 0 if the time may be used for a token (SYNCED or HOLDOVER, eps <= E_max,
 * not near a leap second), else -1 with state and reason set, and the refusal counted. */
CC_MUST_CHECK int time_engine_now(time_engine *e, time_reading *out);

/* The same reading without counting a refusal (for the engine's own users, e.g. certificate
 * dates in NTS-KE; never for tokens). */
CC_MUST_CHECK int time_engine_peek(time_engine *e, time_reading *out);

/* The engine's own reading as time_engine_peek (on failure *out is a refused reading, so callers
 * that only report it may ignore the result), but ignoring a cluster exclusion: for the
 * cross-node probes (time_peer.h), since an excluded node keeps measuring to rejoin. Never for
 * tokens. */
int time_engine_peek_own(time_engine *e, time_reading *out);

/* Part 2 seam: the cluster excludes (1) or readmits (0) this node. */
void time_engine_set_excluded(time_engine *e, int excluded, const char *why);

/* Shorten the SYNCED freshness and the holdover limit (tests; values above the defaults are
 * ignored, so a configuration can never lengthen holdover). 0 keeps a value. */
void time_engine_set_limits(time_engine *e, int64_t fresh_ns, int64_t holdover_ns);

/* Test hook for fault injection: every reading's UTC is moved by offset_ns (a lying clock with a
 * correct-looking eps). Never set outside tests and fault builds. */
void time_engine_set_test_offset(time_engine *e, int64_t offset_ns);

void time_engine_status(time_engine *e, time_status *out);

typedef struct time_clock_report time_clock_report;
/* time.require_hardware_clock = true: unless the report says the interval clock is
 * hardware-protected, the engine refuses every reading (reason: the report's detail), for good. */
void time_engine_require_hardware_clock(time_engine *e, const time_clock_report *r);

/* ---------- clock source report ---------- */
struct time_clock_report {
    int hardware_protected; /* SecureTSC active and the kernel's clocksource is the TSC */
    int securetsc;          /* SEV status says SecureTSC */
    int sev_snp;            /* SEV-SNP guest */
    char clocksource[32];   /* current clocksource ("tsc", "kvm-clock", ...) or "" */
    char detail[160];
};
/* From the kernel's clocksource (the text of clocksource0/current_clocksource) and its SEV status
 * line ("Memory Encryption Features active: AMD SEV SEV-ES SEV-SNP ..." from the boot log; NULL
 * or "" if unavailable). Pure. */
void time_clock_report_from(const char *clocksource, const char *sev_line, time_clock_report *out);
/* The same from this machine: sysfs and the kernel log (klogctl). Never fails: what cannot be
 * read is reported as such (and then the clock is not hardware-protected). */
void time_clock_report_read(time_clock_report *out);

#endif

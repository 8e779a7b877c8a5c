/* test_tsp_clock.c: genTime never goes backwards (a step back within the source's error bound is
 * clamped, also across threads; one beyond it is refused with timeNotAvailable), time states
 * that may not sign are refused, the host clock reads as development, in both
 * precisions: whole seconds (the default) or milliseconds without trailing zeros in the DER; serial
 * numbers are unique,
 * positive, at most 160 bits, and differ between two engines ("boots") without coordination. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "asn1/der.h"
#include "check.h"
#include "tsp/tsp_clock.h"
#include "tsp/tsp_parse.h"
#include "tsp/tsp_req.h"
#include "tsp_fixture.h"
#include "x509/cert.h"
#include "x509/name.h"

/* A scripted clock: successive calls return the next (sec, ms). */
typedef struct {
    const long (*script)[2];
    int n, i;
} scripted;

static int scripted_now(void *ctx, struct timespec *now, int *trusted)
{
    scripted *s = ctx;
    int k = s->i < s->n ? s->i++ : s->n - 1;
    now->tv_sec = s->script[k][0];
    now->tv_nsec = s->script[k][1] * 1000000L + 999; /* sub-millisecond part is dropped */
    *trusted = 1;
    return 0;
}

/* Raw GeneralizedTime text of the TSTInfo in a response. */
static int gentime_text(const uint8_t *resp, size_t len, char *out, size_t cap, tsp_tstinfo *ti)
{
    tsp_parsed t;
    char err[128];
    if (tsp_parse(resp, len, &t, err, sizeof err) != 0 || !t.token.p) return -1;
    *ti = t.tstinfo;
    const uint8_t *p = t.tstinfo_der.p;
    for (size_t i = 0; i + 2 < t.tstinfo_der.n; i++)
        if (p[i] == DER_GENERALIZED_TIME && p[i + 1] >= 15 && p[i + 1] <= 19 && p[i + 2] == '2') {
            snprintf(out, cap, "%.*s", (int)p[i + 1], (const char *)p + i + 2);
            return 0;
        }
    return -1;
}

/* The scripted clock through the engine in both precisions: the clamp holds, and milliseconds
 * appear only when configured (trailing fractional zeros removed). */
static void scripted_engine(fx_pki *fx, tsp_gentime_precision precision)
{
    static const long script[][2] = {
        {1700000000, 500}, {1700000000, 0}, {1700000000, 499}, {1700000000, 501}, {1700000100, 0}, {1700000100, 120},
    };
    static const char *expect_ms[] = {"20231114221320.5Z",   "20231114221320.5Z", "20231114221320.5Z",
                                      "20231114221320.501Z", "20231114221500Z",   "20231114221500.12Z"};
    static const char *expect_s[] = {"20231114221320Z", "20231114221320Z", "20231114221320Z",
                                     "20231114221320Z", "20231114221500Z", "20231114221500Z"};
    const char **expect = precision == TSP_GENTIME_MILLIS ? expect_ms : expect_s;
    scripted s = {script, 6, 0};
    /* The engine refuses to sign outside its certificate's validity: certify the ECDSA key for
     * the scripted days of November 2023 (by the ML-DSA test root; no chain is checked here). */
    uint8_t *name = NULL, *cert = NULL;
    size_t name_len = 0, cert_len = 0;
    x509_cert root;
    CHECK(x509_cert_parse(&root, fx->ml_ca_der, fx->ml_ca_der_len) == 0 &&
          x509_name_from_string("CN=cctsa test TSA 2023,O=cctsa test", &name, &name_len) == 0);
    x509_cert_template t = {.profile = X509_PROFILE_TSA,
                            .issuer = root.subject.p,
                            .issuer_len = root.subject.len,
                            .subject = name,
                            .subject_len = name_len,
                            .not_before = 1699990000,
                            .not_after = 1700100000,
                            .subject_alg = X509_ALG_ECDSA_P384,
                            .subject_pub = fx->keys.ec_signer.pub,
                            .subject_publen = fx->keys.ec_signer.publen,
                            .path_len = -1};
    CHECK(x509_cert_build(&t, &fx->ml_root.signer, &cert, &cert_len) == 0);
    tsp_identity ec2023 = {&fx->keys.ec_signer, cert, cert_len};
    tsp_engine_config cfg = {.default_profile = TSP_PROFILE_CLASSIC,
                             .time = {scripted_now, &s},
                             .ec = &ec2023,
                             .ml = &fx->keys.ml,
                             .precision = precision};
    tsp_engine *eng = tsp_engine_new(&cfg);
    uint8_t digest[32] = {1}, *req = NULL, last_serial[20] = {0};
    size_t req_len = 0;
    CHECK(eng && tsp_req_encode(TSP_HASH_SHA256, digest, NULL, 0, NULL, 0, 0, &req, &req_len) == 0);
    for (int i = 0; i < 6 && eng; i++) {
        uint8_t *resp = NULL;
        size_t resp_len = 0;
        char text[32] = "";
        tsp_tstinfo ti = {0};
        CHECK(tsp_engine_respond(eng, req, req_len, TSP_PATH_DEFAULT, &resp, &resp_len, NULL) == 0);
        CHECK_MSG(gentime_text(resp, resp_len, text, sizeof text, &ti) == 0 && !strcmp(text, expect[i]),
                  "%s step %d: genTime %s, expected %s", precision ? "ms" : "s", i, text, expect[i]);
        CHECK_MSG(ti.serial_len == TSP_SERIAL_BYTES && memcmp(ti.serial, last_serial, TSP_SERIAL_BYTES) != 0,
                  "step %d: serial number repeated", i);
        if (ti.serial_len == TSP_SERIAL_BYTES) memcpy(last_serial, ti.serial, TSP_SERIAL_BYTES);
        free(resp);
    }
    free(req);
    free(name);
    free(cert);
    tsp_engine_free(eng);
}

#define THREADS 4
#define PER_THREAD 500

typedef struct {
    tsp_issuer_state *st;
    tsp_time_source ts;
    uint8_t serial[PER_THREAD][TSP_SERIAL_BYTES];
    time_t sec[PER_THREAD];
    unsigned ms[PER_THREAD];
    int ok;
} worker;

/* A clock that jitters backwards and forwards by up to 50 ms around the real time. */
static int jittery_now(void *ctx, struct timespec *now, int *trusted)
{
    (void)ctx;
    clock_gettime(CLOCK_REALTIME, now);
    long jitter = (long)(rand() % 100 - 50) * 1000000L;
    now->tv_nsec += jitter;
    if (now->tv_nsec < 0) now->tv_nsec += 1000000000L, now->tv_sec--;
    if (now->tv_nsec >= 1000000000L) now->tv_nsec -= 1000000000L, now->tv_sec++;
    *trusted = 1;
    return 0;
}

static void *work(void *arg)
{
    worker *w = arg;
    w->ok = 1;
    for (int i = 0; i < PER_THREAD; i++)
        if (tsp_issuer_next(w->st, &w->ts, &w->sec[i], &w->ms[i], w->serial[i]) != 0) w->ok = 0;
    return NULL;
}

static uint64_t counter_of(const uint8_t *serial)
{
    uint64_t c = 0;
    for (int i = TSP_SERIAL_PREFIX_BYTES; i < TSP_SERIAL_BYTES; i++) c = c << 8 | serial[i];
    return c;
}

static void concurrent_issuer(tsp_gentime_precision precision)
{
    static worker w[THREADS];
    static int64_t when_by_counter[THREADS * PER_THREAD + 1];
    tsp_issuer_state st, other;
    pthread_t th[THREADS];
    CHECK(tsp_issuer_state_init(&st) == 0 && tsp_issuer_state_init(&other) == 0);
    CHECK_MSG(memcmp(st.prefix, other.prefix, TSP_SERIAL_PREFIX_BYTES) != 0, "two boots drew the same serial prefix");
    st.precision = precision;
    for (int t = 0; t < THREADS; t++) {
        w[t].st = &st;
        w[t].ts.now = jittery_now;
        pthread_create(&th[t], NULL, work, &w[t]);
    }
    for (int t = 0; t < THREADS; t++) pthread_join(th[t], NULL);
    int unique = 1, positive = 1, monotonic = 1, in_range = 1, whole = 1;
    memset(when_by_counter, 0xff, sizeof when_by_counter);
    for (int t = 0; t < THREADS; t++) {
        CHECK(w[t].ok);
        for (int i = 0; i < PER_THREAD; i++) {
            uint64_t c = counter_of(w[t].serial[i]);
            positive &= (w[t].serial[i][0] & 0x80) == 0 && w[t].serial[i][0] != 0;
            whole &= precision == TSP_GENTIME_MILLIS || w[t].ms[i] == 0;
            in_range &= c >= 1 && c <= THREADS * PER_THREAD;
            if (c >= 1 && c <= THREADS * PER_THREAD) {
                unique &= when_by_counter[c] < 0;
                when_by_counter[c] = (int64_t)w[t].sec[i] * 1000 + w[t].ms[i];
            }
            unique &= memcmp(w[t].serial[i], st.prefix, TSP_SERIAL_PREFIX_BYTES) == 0;
        }
    }
    for (int c = 2; c <= THREADS * PER_THREAD; c++) monotonic &= when_by_counter[c] >= when_by_counter[c - 1];
    CHECK_MSG(unique && in_range, "serial numbers are not unique");
    CHECK_MSG(positive, "a serial number is not a positive 127-bit value");
    CHECK_MSG(monotonic, "genTime went backwards in issue order");
    CHECK_MSG(whole, "whole-second mode issued a genTime with milliseconds");
    tsp_issuer_state_destroy(&st);
    tsp_issuer_state_destroy(&other);
}

/* A reading-based source: successive readings from a table. */
typedef struct {
    const tsp_time_reading *r;
    int n, i;
} readings;

static int table_read(void *ctx, tsp_time_reading *r)
{
    readings *t = ctx;
    *r = t->r[t->i < t->n ? t->i++ : t->n - 1];
    return 0;
}

static void eps_and_states(void)
{
    static const struct {
        long sec, ms;
        tsp_time_state state;
        int want; /* expected tsp_issuer_next result */
        long gen_sec;
    } steps[] = {
        {1700000100, 0, TSP_TIME_SYNCED, 0, 1700000100},
        {1700000099, 950, TSP_TIME_SYNCED, 0, 1700000100},          /* 50 ms back: clamped */
        {1700000099, 500, TSP_TIME_SYNCED, TSP_ISSUE_BACKWARDS, 0}, /* 500 ms back > eps: refused */
        {1700000100, 200, TSP_TIME_HOLDOVER, 0, 1700000100},        /* holdover may sign */
        {1700000101, 0, TSP_TIME_UNSYNCED, TSP_ISSUE_NO_TIME, 0},
        {1700000101, 0, TSP_TIME_EXCLUDED, TSP_ISSUE_NO_TIME, 0},
        {1700000101, 0, TSP_TIME_SYNCED, 0, 1700000101},
    };
    enum {
        N = sizeof steps / sizeof steps[0]
    };
    tsp_time_reading table[N];
    for (int i = 0; i < N; i++)
        table[i] = (tsp_time_reading){.utc = {steps[i].sec, steps[i].ms * 1000000L},
                                      .eps_ns = 100000000ull,
                                      .state = steps[i].state,
                                      .reason = "table"};
    readings t = {table, N, 0};
    tsp_time_source src = {.read = table_read, .ctx = &t};
    tsp_issuer_state st;
    CHECK(tsp_issuer_state_init(&st) == 0);
    uint64_t issued = 0;
    for (int i = 0; i < N; i++) {
        time_t sec = 0;
        unsigned ms = 0;
        uint8_t serial[TSP_SERIAL_BYTES];
        int rc = tsp_issuer_next(&st, &src, &sec, &ms, serial);
        CHECK_MSG(rc == steps[i].want && (rc || sec == steps[i].gen_sec), "step %d: rc %d genTime %ld", i, rc,
                  (long)sec);
        issued += rc == 0;
    }
    CHECK(st.counter == issued); /* a refusal consumes no serial number */
    tsp_issuer_state_destroy(&st);
    tsp_time_reading r;
    tsp_time_source sys = tsp_time_source_system();
    CHECK(tsp_time_read(&sys, &r) == 0 && r.development && r.state == TSP_TIME_SYNCED && r.eps_ns > 0);
}

/* Through the engine: a step back beyond eps is a timeNotAvailable rejection, kind retry-elsewhere. */
static void engine_refuses_backwards(fx_pki *fx)
{
    static const long script[][2] = {{0, 0}, {-5, 0}};
    time_t now = time(NULL);
    long s2[2][2] = {{now + script[0][0], 0}, {now + script[1][0], 0}};
    scripted s = {(const long(*)[2])s2, 2, 0};
    tsp_engine_config cfg = {.default_profile = TSP_PROFILE_CLASSIC, .time = {scripted_now, &s}, .ec = &fx->keys.ec};
    tsp_engine *eng = tsp_engine_new(&cfg);
    uint8_t digest[32] = {2}, *req = NULL;
    size_t req_len = 0;
    CHECK(eng && tsp_req_encode(TSP_HASH_SHA256, digest, NULL, 0, NULL, 0, 0, &req, &req_len) == 0);
    tsp_engine_result res[2];
    for (int i = 0; i < 2 && eng; i++) {
        uint8_t *resp = NULL;
        size_t resp_len = 0;
        CHECK(tsp_engine_respond(eng, req, req_len, TSP_PATH_DEFAULT, &resp, &resp_len, &res[i]) == 0);
        free(resp);
    }
    CHECK(res[0].status == TSP_STATUS_GRANTED);
    CHECK(res[1].status == TSP_STATUS_REJECTION && res[1].fail == TSP_FAIL_TIME_NOT_AVAILABLE &&
          res[1].kind == TSP_OUTCOME_RETRY_ELSEWHERE && res[1].why && strstr(res[1].why, "error bound"));
    free(req);
    tsp_engine_free(eng);
}

int main(void)
{
    fx_pki fx;
    if (fx_init(&fx) != 0) return 1;
    scripted_engine(&fx, TSP_GENTIME_MILLIS);
    scripted_engine(&fx, TSP_GENTIME_SECONDS);
    concurrent_issuer(TSP_GENTIME_MILLIS);
    concurrent_issuer(TSP_GENTIME_SECONDS);
    eps_and_states();
    engine_refuses_backwards(&fx);
    fx_free(&fx);
    return check_summary("test_tsp_clock");
}

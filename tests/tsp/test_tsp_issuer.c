/* test_tsp_issuer.c: the engine refuses to sign outside its TSA certificates' validity: with a
 * clock before notBefore or after notAfter it answers systemFailure ("TSA certificate not yet
 * valid" / "expired") and marks the result unavailable (the gateway's HTTP 503), for the ECDSA
 * and the ML-DSA certificate alike; inside the validity it grants. tsp_engine_cert_status reports
 * the state (the fixture's 30-day certificates are within the 30-day warning). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "tsp/tsp_req.h"
#include "tsp_fixture.h"

static time_t fixed;

static int fixed_now(void *ctx, struct timespec *now, int *trusted)
{
    (void)ctx;
    now->tv_sec = fixed;
    now->tv_nsec = 0;
    *trusted = 1;
    return 0;
}

int main(void)
{
    fx_pki fx;
    if (fx_init(&fx) != 0) return 1;
    time_t now = time(NULL);
    tsp_engine_config cfg = {
        .default_profile = TSP_PROFILE_CLASSIC, .time = {fixed_now, NULL}, .ec = &fx.keys.ec, .ml = &fx.keys.ml};
    tsp_engine *eng = tsp_engine_new(&cfg);
    uint8_t digest[32] = {7}, *req = NULL;
    size_t req_len = 0;
    CHECK(eng && tsp_req_encode(TSP_HASH_SHA256, digest, NULL, 0, NULL, 0, 1, &req, &req_len) == 0);
    static const struct {
        long offset;
        int status;
        const char *why;
        tsp_cert_state state;
    } cases[] = {
        /* in this order: genTime never goes backwards (tsp_issuer_next) */
        {-2 * 3600, TSP_STATUS_REJECTION, "TSA certificate not yet valid", TSP_CERT_NOT_YET_VALID},
        {60, TSP_STATUS_GRANTED, NULL, TSP_CERT_EXPIRING},
        {31L * 86400, TSP_STATUS_REJECTION, "TSA certificate expired", TSP_CERT_EXPIRED},
    };
    static const tsp_profile profiles[] = {TSP_PROFILE_CLASSIC, TSP_PROFILE_PQ, TSP_PROFILE_HYBRID, TSP_PROFILE_COMPAT};
    for (size_t i = 0; eng && i < sizeof cases / sizeof cases[0]; i++) {
        fixed = now + cases[i].offset;
        for (size_t p = 0; p < sizeof profiles / sizeof profiles[0]; p++) {
            uint8_t *resp = NULL;
            size_t resp_len = 0;
            tsp_engine_result res;
            CHECK(tsp_engine_respond(eng, req, req_len, (int)profiles[p], &resp, &resp_len, &res) == 0);
            CHECK_MSG(res.status == cases[i].status &&
                          (cases[i].why ? res.why && !strcmp(res.why, cases[i].why) : !res.why),
                      "offset %ld, %s: status %d, %s", cases[i].offset, tsp_profile_name(profiles[p]), res.status,
                      res.why ? res.why : "granted");
            CHECK(res.unavailable == (cases[i].status != TSP_STATUS_GRANTED));
            if (cases[i].why) CHECK(res.fail == TSP_FAIL_SYSTEM_FAILURE);
            free(resp);
        }
        tsp_cert_status st;
        tsp_engine_cert_status(eng, fixed, &st);
        CHECK_MSG(st.state == cases[i].state, "offset %ld: state %s", cases[i].offset, tsp_cert_state_name(st.state));
        if (i == 1) CHECK(st.seconds_left > 29L * 86400 && st.seconds_left <= 30L * 86400);
    }
    free(req);
    tsp_engine_free(eng);
    fx_free(&fx);
    return check_summary("test_tsp_issuer");
}

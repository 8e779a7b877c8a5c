/* test_tsp_parse.c: the response/token parser and the request codec on real data: every
 * truncation of a response or token is refused, trailing bytes and inflated lengths are refused,
 * the parsed fields are the ones encoded (request round trip, TSTInfo of a real token against the
 * request), and random multi-byte damage never makes the verifier accept (nor crash: the
 * sanitizer build runs this too). */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "tsp/tsp_parse.h"
#include "tsp/tsp_req.h"
#include "tsp/tsp_verify.h"
#include "tsp_fixture.h"

static void request_round_trip(void)
{
    uint8_t digest[48], nonce[20], *der = NULL;
    size_t len = 0, plen;
    const uint8_t *policy = tsp_profile_policy(TSP_PROFILE_HYBRID, &plen);
    tsp_req req;
    tsp_fail fail;
    const char *why;
    for (size_t i = 0; i < sizeof digest; i++) digest[i] = (uint8_t)(i * 7);
    for (size_t i = 0; i < sizeof nonce; i++) nonce[i] = (uint8_t)(0xF0 - i);
    CHECK(tsp_req_encode(TSP_HASH_SHA3_384, digest, policy, plen, nonce, sizeof nonce, 1, &der, &len) == 0);
    CHECK(tsp_req_parse(der, len, &req, &fail, &why) == 0);
    CHECK(req.hash == TSP_HASH_SHA3_384 && req.hashed_len == 48 && !memcmp(req.hashed, digest, 48));
    CHECK(req.policy_len == plen && !memcmp(req.policy, policy, plen) && req.cert_req == 1);
    /* nonce F0.. has its top bit set: DER adds a 00 byte, 21 bytes of INTEGER contents */
    CHECK(req.nonce_tlv && req.nonce_tlv[0] == 0x02 && req.nonce_tlv[1] == 21 && req.nonce_tlv[2] == 0);
    free(der);
}

static void truncations(const uint8_t *p, size_t len, const char *what)
{
    tsp_parsed t;
    char err[200];
    int refused = 1;
    for (size_t cut = 0; cut < len; cut++) refused &= tsp_parse(p, cut, &t, err, sizeof err) != 0;
    CHECK_MSG(refused, "%s: a truncation parses", what);
    uint8_t *longer = malloc(len + 1);
    memcpy(longer, p, len);
    longer[len] = 0;
    CHECK_MSG(tsp_parse(longer, len + 1, &t, err, sizeof err) != 0, "%s: trailing byte accepted", what);
    longer[3]++; /* outer length (30 82 hi lo): claims one byte more than present */
    CHECK_MSG(tsp_parse(longer, len, &t, err, sizeof err) != 0, "%s: inflated length accepted", what);
    free(longer);
}

int main(void)
{
    fx_pki fx;
    static const uint8_t data[] = "parse me";
    if (fx_init(&fx) != 0) return 1;
    request_round_trip();
    srand(12345);
    for (int p = 0; p < TSP_PROFILE_COUNT; p++) {
        uint8_t *tok = NULL;
        size_t len = 0;
        tsp_parsed t;
        char err[200];
        CHECK(fx_stamp(&fx, (tsp_profile)p, data, sizeof data, &tok, &len) == 0);
        if (!tok) continue;
        CHECK(tsp_parse(tok, len, &t, err, sizeof err) == 0 && !t.has_resp);
        CHECK(t.tstinfo.nonce_len == 8 && t.tstinfo.nonce[0] == 0x01 && t.tstinfo.serial_len == 16);
        CHECK(t.tstinfo.has_accuracy && t.tstinfo.acc_sec == 1 && !t.tstinfo.ordering && t.tstinfo.tsa_name);
        CHECK(tsp_profile_from_policy(t.tstinfo.policy, t.tstinfo.policy_len) == p);
        CHECK(t.nsigners == (p == TSP_PROFILE_HYBRID ? 2 : 1) &&
              t.ncerts == (p == TSP_PROFILE_CLASSIC || p == TSP_PROFILE_PQ ? 1 : 2));
        CHECK((t.signers[0].companion.p != NULL) == (p == TSP_PROFILE_COMPAT));
        truncations(tok, len, tsp_profile_name((tsp_profile)p));
        /* Random damage: 1..8 bytes overwritten at random positions. */
        tsp_verify_opts o = {0};
        tsp_verify_report rep;
        fx_roots(&fx, &o), o.data = data, o.data_len = sizeof data;
        uint8_t *copy = malloc(len);
        int accepted = 0;
        for (int k = 0; k < 60; k++) {
            memcpy(copy, tok, len);
            int n = 1 + rand() % 8, changed = 0;
            for (int j = 0; j < n; j++) {
                size_t pos = (size_t)rand() % len;
                uint8_t v = (uint8_t)rand();
                changed |= copy[pos] != v;
                copy[pos] = v;
            }
            if (changed && tsp_verify(copy, len, &o, &rep) == 0) accepted++;
        }
        CHECK_MSG(accepted == 0, "%s: %d damaged tokens verified", tsp_profile_name((tsp_profile)p), accepted);
        free(copy);
        free(tok);
    }
    fx_free(&fx);
    return check_summary("test_tsp_parse");
}

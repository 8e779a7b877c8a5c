/* test_tsp_policy.c: TSA policy OIDs as configuration. Dotted OIDs are encoded exactly as
 * OpenSSL's OBJ_txt2obj encodes them (the independent reference), malformed ones are refused,
 * the largest-arc measure behind the gateway's "too large for Go" warning is exact at the 31-bit
 * boundary, the development defaults have short arcs, and an engine configured with its own
 * policies puts them in TSTInfo, accepts them as reqPolicy, refuses the development ones, and
 * refuses a configuration where two profiles share an OID. The verifier checks the signer shape
 * against configured policies when given them. */
#include <openssl/objects.h>
#include <stdlib.h>
#include <string.h>

#include "asn1/der.h"
#include "check.h"
#include "tsp/tsp_engine.h"
#include "tsp/tsp_parse.h"
#include "tsp/tsp_req.h"
#include "tsp/tsp_verify.h"
#include "tsp_fixture.h"

static const char *good[] = {
    "1.3.6.1.4.1.32473.3161.1",
    "2.25.104622740930165808608618531222640864576.1",
    "0.39",
    "1.2.840.113549.1.9.16.1.4",
    "2.999.1",
    "2.25.1461501637330902918203684832716283019655932542975", /* 2^160 - 1 */
    "1.2.2147483647",
    "1.2.2147483648",
    "2.2147483567.0",
};
static const char *bad[] = {"",
                            "1",
                            "3.1",
                            "1.40",
                            "1..2",
                            "1.2.",
                            "01.2",
                            "1.02",
                            "1.2.a",
                            "-1.2",
                            "1.+2",
                            "1.2.3 ",
                            ".1.2",
                            "2.25.2923003274661805836407369665432566039311865085952", /* 2^161 */
                            "1.2.99999999999999999999999999999999999999999999999999999999999999999999"};

static void encoding_matches_openssl(void)
{
    tsp_policies pol;
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        tsp_policies_default(&pol);
        ASN1_OBJECT *o = OBJ_txt2obj(good[i], 1);
        CHECK_MSG(o != NULL, "openssl cannot encode %s", good[i]);
        CHECK_MSG(tsp_policies_set(&pol, TSP_PROFILE_PQ, good[i]) == 0, "%s refused", good[i]);
        if (!o) continue;
        size_t n = (size_t)OBJ_length(o);
        CHECK_MSG(pol.len[TSP_PROFILE_PQ] == n && !memcmp(pol.oid[TSP_PROFILE_PQ], OBJ_get0_data(o), n),
                  "%s encoded differently from OpenSSL", good[i]);
        char back[200];
        CHECK(der_oid_to_string(pol.oid[TSP_PROFILE_PQ], pol.len[TSP_PROFILE_PQ], back, sizeof back) == 0 &&
              !strcmp(back, good[i]));
        ASN1_OBJECT_free(o);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tsp_policies_default(&pol);
        tsp_policies before = pol;
        CHECK_MSG(tsp_policies_set(&pol, TSP_PROFILE_PQ, bad[i]) != 0 && !memcmp(&pol, &before, sizeof pol),
                  "malformed OID '%s' accepted", bad[i]);
    }
    /* An OID longer than TSP_POLICY_MAX contents bytes. */
    char longest[400] = "1.2";
    for (int i = 0; i < 40; i++) strcat(longest, ".16383");
    CHECK(tsp_policies_set(&pol, TSP_PROFILE_PQ, longest) != 0);
    /* PROFILE=OID arguments. */
    CHECK(tsp_policies_set_arg(&pol, "hybrid=1.2.3.4") == TSP_PROFILE_HYBRID && pol.len[TSP_PROFILE_HYBRID] == 3);
    CHECK(tsp_policies_set_arg(&pol, "rsa=1.2.3") < 0 && tsp_policies_set_arg(&pol, "classic") < 0 &&
          tsp_policies_set_arg(&pol, "=1.2.3") < 0 && tsp_policies_set_arg(&pol, "classic=") < 0);
}

static unsigned bits_of(const char *dotted)
{
    tsp_policies pol;
    tsp_policies_default(&pol);
    if (tsp_policies_set(&pol, TSP_PROFILE_CLASSIC, dotted) != 0) return 0;
    return tsp_oid_max_arc_bits(pol.oid[TSP_PROFILE_CLASSIC], pol.len[TSP_PROFILE_CLASSIC]);
}

static void arc_bits(void)
{
    CHECK(bits_of("1.2.2147483647") == 31 && bits_of("1.2.2147483648") == 32);
    CHECK(bits_of("2.2147483567.0") == 31 && bits_of("2.2147483568.0") == 32); /* first subidentifier 40*2 + second */
    CHECK(bits_of("2.25.104622740930165808608618531222640864576.1") == 127);
    CHECK(bits_of("1.2.0") == 6 && bits_of("0.0") == 0);
    for (int p = 0; p < TSP_PROFILE_COUNT; p++) {
        size_t n;
        const uint8_t *oid = tsp_profile_policy((tsp_profile)p, &n);
        char s[100];
        CHECK(tsp_oid_max_arc_bits(oid, n) <= TSP_OID_GO_MAX_BITS);
        CHECK(der_oid_to_string(oid, n, s, sizeof s) == 0 && !strcmp(s, tsp_profile_policy_str((tsp_profile)p)));
    }
}

static int respond(tsp_engine *e, const uint8_t *policy, size_t policy_len, int path, tsp_engine_result *res)
{
    uint8_t digest[32] = {7}, *req = NULL, *resp = NULL;
    size_t req_len = 0, resp_len = 0;
    int rc = tsp_req_encode(TSP_HASH_SHA256, digest, policy, policy_len, NULL, 0, 1, &req, &req_len) == 0 &&
                     tsp_engine_respond(e, req, req_len, path, &resp, &resp_len, res) == 0
                 ? 0
                 : -1;
    free(req);
    free(resp);
    return rc;
}

static void configured_engine(fx_pki *fx)
{
    static const uint8_t data[] = "policy data";
    tsp_policies pol;
    tsp_policies_default(&pol);
    CHECK(tsp_policies_set(&pol, TSP_PROFILE_COMPAT, "1.2.3.4.5.4") == 0 &&
          tsp_policies_set(&pol, TSP_PROFILE_HYBRID, "1.2.3.4.5.3") == 0);
    tsp_engine_config cfg = {.default_profile = TSP_PROFILE_COMPAT,
                             .time = tsp_time_source_system(),
                             .ec = &fx->keys.ec,
                             .ml = &fx->keys.ml,
                             .policies = &pol};
    tsp_engine *e = tsp_engine_new(&cfg);
    CHECK(e != NULL);
    if (!e) return;
    tsp_engine_result res;
    size_t dn;
    const uint8_t *dev = tsp_profile_policy(TSP_PROFILE_COMPAT, &dn);
    CHECK(respond(e, pol.oid[TSP_PROFILE_COMPAT], pol.len[TSP_PROFILE_COMPAT], TSP_PATH_DEFAULT, &res) == 0 &&
          res.status == 0 && res.profile == TSP_PROFILE_COMPAT);
    CHECK(respond(e, dev, dn, TSP_PATH_DEFAULT, &res) == 0 && res.status != 0 &&
          res.fail == TSP_FAIL_UNACCEPTED_POLICY);
    CHECK(respond(e, NULL, 0, TSP_PATH_DEFAULT, &res) == 0 && res.status == 0 && res.profile == TSP_PROFILE_COMPAT);

    /* The token carries the configured policy; the verifier knows its shape only when told. */
    tsp_engine *saved = fx->engine;
    uint8_t *tok = NULL;
    size_t len = 0;
    fx->engine = e;
    CHECK(fx_stamp(fx, TSP_PROFILE_HYBRID, data, sizeof data, &tok, &len) == 0);
    fx->engine = saved;
    tsp_parsed t;
    char err[200];
    CHECK(tok && tsp_parse(tok, len, &t, err, sizeof err) == 0 && t.tstinfo.policy_len == pol.len[TSP_PROFILE_HYBRID] &&
          !memcmp(t.tstinfo.policy, pol.oid[TSP_PROFILE_HYBRID], t.tstinfo.policy_len));
    tsp_verify_opts o = {0};
    tsp_verify_report rep;
    fx_roots(fx, &o);
    o.data = data;
    o.data_len = sizeof data;
    CHECK(tok && tsp_verify(tok, len, &o, &rep) == 0 && rep.profile == -1);
    o.policies = &pol;
    CHECK_MSG(tok && tsp_verify(tok, len, &o, &rep) == 0 && rep.profile == TSP_PROFILE_HYBRID, "%s", rep.error);
    free(tok);
    tsp_engine_free(e);

    /* Two profiles with one OID, or an empty OID: refused. */
    pol.len[TSP_PROFILE_CLASSIC] = pol.len[TSP_PROFILE_COMPAT];
    memcpy(pol.oid[TSP_PROFILE_CLASSIC], pol.oid[TSP_PROFILE_COMPAT], pol.len[TSP_PROFILE_COMPAT]);
    CHECK(tsp_engine_new(&cfg) == NULL);
    tsp_policies_default(&pol);
    pol.len[TSP_PROFILE_PQ] = 0;
    CHECK(tsp_engine_new(&cfg) == NULL);
}

int main(void)
{
    fx_pki fx;
    encoding_matches_openssl();
    arc_bits();
    if (fx_init(&fx) != 0) return 1;
    configured_engine(&fx);
    fx_free(&fx);
    return check_summary("test_tsp_policy");
}

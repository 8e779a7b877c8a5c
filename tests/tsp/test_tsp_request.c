/* test_tsp_request.c: every TimeStampReq rejection path answers a well-formed TimeStampResp with
 * the right PKIFailureInfo, checked with our parser AND `openssl ts -reply -text`; valid requests
 * (nonce up to 160 bits, non-critical extensions, each accepted hash) are granted. */
#include <stdlib.h>
#include <string.h>

#include "asn1/der.h"
#include "check.h"
#include "tsp/tsp_engine.h"
#include "tsp/tsp_parse.h"
#include "tsp/tsp_req.h"
#include "tsp_fixture.h"

static const uint8_t OID_MD5_BYTES[] = {0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x02, 0x05};
static const uint8_t OID_SHA1_BYTES[] = {0x2B, 0x0E, 0x03, 0x02, 0x1A};
static const uint8_t OID_UNKNOWN_POLICY[] = {0x2A, 0x03, 0x04, 0x05};

typedef struct {
    uint64_t version;
    const uint8_t *hash_oid;
    size_t hash_oid_len;
    int null_params;
    size_t imprint_len;
    const uint8_t *policy;
    size_t policy_len;
    size_t nonce_len; /* bytes of 0x5A; 0 = no nonce */
    int cert_req;     /* 0 absent, 1 TRUE, 2 explicit FALSE (not DER) */
    int ext;          /* 0 none, 1 critical unknown, 2 non-critical unknown */
} req_spec;

static req_spec base(void)
{
    size_t n;
    req_spec s = {1, tsp_hash_oid(TSP_HASH_SHA256, &n), 0, 1, 32, NULL, 0, 8, 1, 0};
    s.hash_oid_len = n;
    return s;
}

static uint8_t *build(const req_spec *s, size_t *len)
{
    uint8_t imprint[80], nonce[32];
    memset(imprint, 0xA5, sizeof imprint);
    memset(nonce, 0x5A, sizeof nonce);
    der_writer w;
    der_writer_init(&w);
    der_begin(&w, DER_SEQUENCE);
    der_put_uint(&w, s->version);
    der_begin(&w, DER_SEQUENCE);
    der_begin(&w, DER_SEQUENCE);
    der_put_oid(&w, s->hash_oid, s->hash_oid_len);
    if (s->null_params) der_put_null(&w);
    der_end(&w);
    der_put_octets(&w, imprint, s->imprint_len);
    der_end(&w);
    if (s->policy) der_put_tlv(&w, DER_OID, s->policy, s->policy_len);
    if (s->nonce_len) der_put_uint_bytes(&w, nonce, s->nonce_len);
    if (s->cert_req) der_put_tlv(&w, DER_BOOLEAN, (const uint8_t *)(s->cert_req == 1 ? "\xff" : "\x00"), 1);
    if (s->ext) {
        static const uint8_t ext_oid[] = {0x2A, 0x03, 0x04, 0x06};
        der_begin(&w, DER_CTX(0));
        der_begin(&w, DER_SEQUENCE);
        der_put_oid(&w, ext_oid, sizeof ext_oid);
        if (s->ext == 1) der_put_bool(&w, 1);
        der_put_octets(&w, (const uint8_t *)"\x05\x00", 2);
        der_end(&w);
        der_end(&w);
    }
    der_end(&w);
    uint8_t *out = NULL;
    if (der_writer_finish(&w, &out, len) != 0) return NULL;
    return out;
}

static const char *openssl_text(int bit)
{
    switch (bit) {
    case TSP_FAIL_BAD_ALG: return "unrecognized or unsupported algorithm identifier";
    case TSP_FAIL_BAD_REQUEST: return "transaction not permitted or supported";
    case TSP_FAIL_BAD_DATA_FORMAT: return "the data submitted has the wrong format";
    case TSP_FAIL_TIME_NOT_AVAILABLE: return "the TSA's time source is not available";
    case TSP_FAIL_UNACCEPTED_POLICY: return "the requested TSA policy is not supported by the TSA";
    case TSP_FAIL_UNACCEPTED_EXTENSION: return "the requested extension is not supported by the TSA";
    case TSP_FAIL_SYSTEM_FAILURE: return "the request cannot be handled due to system failure";
    default: return "?";
    }
}

/* Send req through the engine and check the answer with both parsers. expect_fail -1 = granted. */
static void expect(fx_pki *fx, tsp_engine *eng, const uint8_t *req, size_t len, int path, int expect_fail,
                   const char *what)
{
    uint8_t *resp = NULL;
    size_t resp_len = 0;
    tsp_engine_result res;
    tsp_parsed t;
    char err[200];
    CHECK_MSG(tsp_engine_respond(eng, req, len, path, &resp, &resp_len, &res) == 0, "%s: no response", what);
    if (!resp) return;
    int rc = tsp_parse(resp, resp_len, &t, err, sizeof err);
    CHECK_MSG(rc == 0, "%s: own parser rejects the response: %s", what, err);
    if (expect_fail < 0) {
        CHECK_MSG(rc == 0 && t.status == 0 && t.token.p != NULL, "%s: expected granted, got %s/%s", what,
                  tsp_status_name(res.status), res.why ? res.why : "");
    } else {
        CHECK_MSG(rc == 0 && t.status == 2 && t.fail_bits == (1u << expect_fail) && !t.token.p,
                  "%s: expected %s, got status %d bits %#x", what, tsp_fail_name(expect_fail), t.status, t.fail_bits);
        CHECK_MSG(res.fail == expect_fail, "%s: engine result %d", what, res.fail);
        char cmd[512];
        int status;
        snprintf(cmd, sizeof cmd, "openssl ts -reply -in '%s' -text", fx_write(fx, "resp.tsr", resp, resp_len));
        char *out = fx_run(cmd, &status);
        CHECK_MSG(out && status == 0 && strstr(out, "Status: Rejected") &&
                      fx_contains_ci(out, openssl_text(expect_fail)),
                  "%s: openssl ts -reply -text says:\n%s", what, out ? out : "(nothing)");
        free(out);
    }
    free(resp);
}

static void expect_spec(fx_pki *fx, const req_spec *s, int path, int expect_fail, const char *what)
{
    size_t len = 0;
    uint8_t *req = build(s, &len);
    CHECK_MSG(req != NULL, "%s: cannot encode", what);
    if (req) expect(fx, fx->engine, req, len, path, expect_fail, what);
    free(req);
}

static int untrusted_now(void *ctx, struct timespec *now, int *trusted)
{
    (void)ctx;
    clock_gettime(CLOCK_REALTIME, now);
    *trusted = 0;
    return 0;
}

static int no_time(void *ctx, struct timespec *now, int *trusted)
{
    (void)ctx;
    (void)now;
    (void)trusted;
    return -1;
}

int main(void)
{
    fx_pki fx;
    if (fx_init(&fx) != 0) {
        fprintf(stderr, "fixture setup failed\n");
        return 1;
    }
    req_spec s = base();
    expect_spec(&fx, &s, TSP_PATH_DEFAULT, -1, "valid sha256");
    for (int h = 0; h < TSP_HASH_COUNT; h++) {
        s = base();
        s.hash_oid = tsp_hash_oid((tsp_hash_alg)h, &s.hash_oid_len);
        s.imprint_len = tsp_hash_len((tsp_hash_alg)h);
        s.null_params = h & 1;
        expect_spec(&fx, &s, TSP_PATH_DEFAULT, -1, tsp_hash_name((tsp_hash_alg)h));
        s.imprint_len--;
        expect_spec(&fx, &s, TSP_PATH_DEFAULT, TSP_FAIL_BAD_DATA_FORMAT, "short imprint");
        s.imprint_len += 2;
        expect_spec(&fx, &s, TSP_PATH_DEFAULT, TSP_FAIL_BAD_DATA_FORMAT, "long imprint");
    }
    s = base();
    s.version = 2;
    expect_spec(&fx, &s, TSP_PATH_DEFAULT, TSP_FAIL_BAD_REQUEST, "version 2");
    s.version = 0;
    expect_spec(&fx, &s, TSP_PATH_DEFAULT, TSP_FAIL_BAD_REQUEST, "version 0");
    s = base();
    s.hash_oid = OID_SHA1_BYTES, s.hash_oid_len = sizeof OID_SHA1_BYTES, s.imprint_len = 20;
    expect_spec(&fx, &s, TSP_PATH_DEFAULT, TSP_FAIL_BAD_ALG, "SHA-1");
    s.hash_oid = OID_MD5_BYTES, s.hash_oid_len = sizeof OID_MD5_BYTES, s.imprint_len = 16;
    expect_spec(&fx, &s, TSP_PATH_DEFAULT, TSP_FAIL_BAD_ALG, "MD5");
    s = base();
    s.policy = OID_UNKNOWN_POLICY, s.policy_len = sizeof OID_UNKNOWN_POLICY;
    expect_spec(&fx, &s, TSP_PATH_DEFAULT, TSP_FAIL_UNACCEPTED_POLICY, "unknown policy");
    s.policy = tsp_profile_policy(TSP_PROFILE_PQ, &s.policy_len);
    expect_spec(&fx, &s, TSP_PROFILE_CLASSIC, TSP_FAIL_UNACCEPTED_POLICY, "pq policy on the classic path");
    expect_spec(&fx, &s, TSP_PROFILE_PQ, -1, "pq policy on the pq path");
    expect_spec(&fx, &s, TSP_PATH_DEFAULT, -1, "pq policy on the default path");
    s = base();
    s.ext = 1;
    expect_spec(&fx, &s, TSP_PATH_DEFAULT, TSP_FAIL_UNACCEPTED_EXTENSION, "critical extension");
    s.ext = 2;
    expect_spec(&fx, &s, TSP_PATH_DEFAULT, -1, "non-critical extension");
    s = base();
    s.nonce_len = 20;
    expect_spec(&fx, &s, TSP_PATH_DEFAULT, -1, "160-bit nonce");
    s.nonce_len = 21;
    expect_spec(&fx, &s, TSP_PATH_DEFAULT, TSP_FAIL_BAD_DATA_FORMAT, "168-bit nonce");
    s = base();
    s.cert_req = 2;
    expect_spec(&fx, &s, TSP_PATH_DEFAULT, TSP_FAIL_BAD_DATA_FORMAT, "certReq FALSE encoded");

    /* Raw DER damage: truncation at every length, trailing bytes, long-form length, oversize. */
    size_t len;
    s = base();
    uint8_t *good = build(&s, &len);
    uint8_t *buf = malloc(TSP_REQ_MAX_LEN + 16);
    int all_rejected = 1;
    for (size_t cut = 0; cut < len; cut++) {
        uint8_t *resp = NULL;
        size_t rl;
        tsp_engine_result res;
        if (tsp_engine_respond(fx.engine, good, cut, TSP_PATH_DEFAULT, &resp, &rl, &res) != 0 ||
            res.fail != TSP_FAIL_BAD_DATA_FORMAT)
            all_rejected = 0;
        free(resp);
    }
    CHECK_MSG(all_rejected, "every truncation of a valid request is badDataFormat");
    expect(&fx, fx.engine, good, len / 2, TSP_PATH_DEFAULT, TSP_FAIL_BAD_DATA_FORMAT, "truncated");
    memcpy(buf, good, len);
    buf[len] = 0;
    expect(&fx, fx.engine, buf, len + 1, TSP_PATH_DEFAULT, TSP_FAIL_BAD_DATA_FORMAT, "trailing byte");
    buf[0] = 0x30, buf[1] = 0x81, buf[2] = (uint8_t)(len - 2); /* long form for a short length */
    memcpy(buf + 3, good + 2, len - 2);
    expect(&fx, fx.engine, buf, len + 1, TSP_PATH_DEFAULT, TSP_FAIL_BAD_DATA_FORMAT, "non-minimal length");
    buf[0] = 0x30, buf[1] = 0x80; /* indefinite length */
    memcpy(buf + 2, good + 2, len - 2);
    buf[len] = buf[len + 1] = 0;
    expect(&fx, fx.engine, buf, len + 2, TSP_PATH_DEFAULT, TSP_FAIL_BAD_DATA_FORMAT, "indefinite length");
    memset(buf, 0, TSP_REQ_MAX_LEN + 16);
    expect(&fx, fx.engine, buf, TSP_REQ_MAX_LEN + 16, TSP_PATH_DEFAULT, TSP_FAIL_BAD_DATA_FORMAT, "oversized");
    expect(&fx, fx.engine, buf, 0, TSP_PATH_DEFAULT, TSP_FAIL_BAD_DATA_FORMAT, "empty");

    /* Clock not trusted / unavailable: timeNotAvailable (bit 14). */
    tsp_time_source bad_sources[2] = {{untrusted_now, NULL, NULL}, {no_time, NULL, NULL}};
    for (int i = 0; i < 2; i++) {
        tsp_engine_config cfg = {
            .default_profile = TSP_PROFILE_CLASSIC, .time = bad_sources[i], .ec = &fx.keys.ec, .ml = &fx.keys.ml};
        tsp_engine *eng = tsp_engine_new(&cfg);
        expect(&fx, eng, good, len, TSP_PATH_DEFAULT, TSP_FAIL_TIME_NOT_AVAILABLE, i ? "no time" : "untrusted time");
        tsp_engine_free(eng);
    }
    /* The exact bytes the research note gives for a bare timeNotAvailable rejection. */
    uint8_t *rej = NULL;
    size_t rej_len = 0;
    static const uint8_t expected_rej[] = {0x30, 0x0A, 0x30, 0x08, 0x02, 0x01, 0x02, 0x03, 0x03, 0x01, 0x00, 0x02};
    CHECK(tsp_resp_reject(TSP_FAIL_TIME_NOT_AVAILABLE, NULL, &rej, &rej_len) == 0);
    CHECK(rej_len == sizeof expected_rej && rej && !memcmp(rej, expected_rej, rej_len));
    free(rej);

    /* A profile whose key is missing is unacceptedPolicy, not a crash. */
    tsp_engine_config ec_only = {
        .default_profile = TSP_PROFILE_CLASSIC, .time = tsp_time_source_system(), .ec = &fx.keys.ec};
    tsp_engine *eng = tsp_engine_new(&ec_only);
    expect(&fx, eng, good, len, TSP_PROFILE_PQ, TSP_FAIL_UNACCEPTED_POLICY, "pq without an ML-DSA key");
    expect(&fx, eng, good, len, TSP_PROFILE_CLASSIC, -1, "classic with only an EC key");
    tsp_engine_free(eng);

    free(good);
    free(buf);
    fx_free(&fx);
    return check_summary("test_tsp_request");
}

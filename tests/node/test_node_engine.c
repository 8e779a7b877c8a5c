/* test_node_engine.c: the engine as the node drives it (src/tsp/tsp_engine.h): tokens issued
 * from validated fields (tsp_engine_issue) equal in content what the DER request path gives;
 * the exported signedAttrs encoder rebuilds, from the TSTInfo and the certificate alone, the
 * exact bytes every SignerInfo of every profile signed (what a threshold participant checks);
 * the three-phase token API (prepare, sign in any order, assemble); and the three refusal kinds
 * are kept apart (final: unaccepted policy; unavailable: certificate
 * expired; retry elsewhere: no trusted time). */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "tsp/tsp_engine.h"
#include "tsp/tsp_parse.h"
#include "tsp/tsp_req.h"
#include "tsp/tsp_token.h"
#include "tsp_fixture.h"
#include "x509/cert.h"
#include "x509/signer.h"

static int untrusted(void *ctx, struct timespec *now, int *trusted)
{
    (void)ctx;
    clock_gettime(CLOCK_REALTIME, now);
    *trusted = 0;
    return 0;
}

static int far_future(void *ctx, struct timespec *now, int *trusted)
{
    (void)ctx;
    clock_gettime(CLOCK_REALTIME, now);
    now->tv_sec += 20L * 365 * 86400;
    *trusted = 1;
    return 0;
}

/* Every SignerInfo's signedAttrs, rebuilt with tsp_signed_attrs_encode, byte for byte. */
static void rebuild_signed_attrs(fx_pki *fx, tsp_engine *e, tsp_profile p)
{
    uint8_t digest[48] = {7}, imprint[100];
    size_t ilen = 0;
    /* MessageImprint for SHA-384, parameters absent */
    static const uint8_t head[] = {0x30, 0x3F, 0x30, 0x0B, 0x06, 0x09, 0x60, 0x86, 0x48,
                                   0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x04, 0x30};
    memcpy(imprint, head, sizeof head);
    memcpy(imprint + sizeof head, digest, sizeof digest);
    ilen = sizeof head + sizeof digest;
    tsp_issue_req r = {.path_profile = (int)p, .imprint_tlv = imprint, .imprint_tlv_len = ilen, .cert_req = 1};
    uint8_t *resp = NULL;
    size_t len = 0;
    tsp_engine_result res;
    CHECK(tsp_engine_issue(e, &r, &resp, &len, &res) == 0 && res.status == TSP_STATUS_GRANTED);
    tsp_parsed t;
    char err[128];
    CHECK_MSG(tsp_parse(resp, len, &t, err, sizeof err) == 0 && t.nsigners >= 1, "%s", err);
    CHECK(t.tstinfo.hashed_len == sizeof digest && !memcmp(t.tstinfo.hashed, digest, sizeof digest) &&
          t.tstinfo.hash == 1 /* SHA-384 */);
    int checked = 0;
    for (int i = 0; i < t.nsigners; i++) {
        const tsp_signer_info *si = &t.signers[i];
        int alg = si->sig_oid.n == 8 ? X509_ALG_ECDSA_P384 : X509_ALG_MLDSA65; /* ecdsa-with-SHA384: 8 bytes */
        const tsp_identity *id = alg == X509_ALG_ECDSA_P384 ? &fx->keys.ec : &fx->keys.ml;
        uint8_t *mine = NULL;
        size_t mlen = 0;
        CHECK(tsp_signed_attrs_encode(alg, id->cert, id->cert_len, t.tstinfo_der.p, t.tstinfo_der.n, 0, &mine, &mlen) ==
              0);
        /* The token carries them as [0] IMPLICIT (tag A0); the signature covers the SET (tag 31). */
        CHECK_MSG(mine && mlen == si->signed_attrs.n && mine[0] == 0x31 &&
                      !memcmp(mine + 1, si->signed_attrs.p + 1, mlen - 1),
                  "profile %d signer %d: signedAttrs differ", (int)p, i);
        CHECK(mine && x509_verify_raw(alg, id->signer->pub, id->signer->publen, mine, mlen, si->signature.p,
                                      si->signature.n) == 0);
        checked++;
        free(mine);
    }
    CHECK(checked == (p == TSP_PROFILE_HYBRID ? 2 : 1)); /* compat: one SignerInfo (plus its countersignature) */
    free(resp);
}

/* The three phases by hand: hybrid's two signatures are ready at once and signed in reverse
 * order (as concurrent remote signers might finish); compat's countersignature becomes ready only
 * once the ECDSA signature is in; nothing assembles before every signature is set. */
static void phased(fx_pki *fx, tsp_engine *e)
{
    /* A real TSTInfo, from a token the engine issued (the plan itself does not parse it). */
    uint8_t imprint[] = {0x30, 0x31, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04,
                         0x02, 0x01, 0x05, 0x00, 0x04, 0x20, 9,    2,    3,    4,    5,    6,    7,
                         8,    9,    10,   11,   12,   13,   14,   15,   16,   17,   18,   19,   20,
                         21,   22,   23,   24,   25,   26,   27,   28,   29,   30,   31,   32};
    tsp_issue_req r = {.path_profile = TSP_PROFILE_CLASSIC, .imprint_tlv = imprint, .imprint_tlv_len = sizeof imprint};
    uint8_t *resp = NULL, tst[512];
    size_t resp_len = 0, tst_len = 0;
    tsp_parsed issued;
    char e0[128];
    CHECK(tsp_engine_issue(e, &r, &resp, &resp_len, NULL) == 0 &&
          tsp_parse(resp, resp_len, &issued, e0, sizeof e0) == 0 && issued.tstinfo_der.n <= sizeof tst);
    if (issued.tstinfo_der.n <= sizeof tst) memcpy(tst, issued.tstinfo_der.p, tst_len = issued.tstinfo_der.n);
    free(resp);
    for (int p = TSP_PROFILE_HYBRID; p <= TSP_PROFILE_COMPAT; p++) {
        tsp_token_plan *t = tsp_token_prepare(tst, tst_len, (tsp_profile)p, &fx->keys.ec, &fx->keys.ml, 1);
        uint8_t *token = NULL;
        size_t len, tl = 0;
        int alg;
        CHECK(t && tsp_token_parts(t) == 2);
        if (!t) continue;
        CHECK(tsp_token_to_sign(t, 0, &len, &alg) != NULL && alg == X509_ALG_ECDSA_P384);
        CHECK((tsp_token_to_sign(t, 1, &len, &alg) != NULL) == (p == TSP_PROFILE_HYBRID));
        CHECK(tsp_token_assemble(t, &token, &tl) != 0);
        int order[2] = {p == TSP_PROFILE_HYBRID ? 1 : 0, p == TSP_PROFILE_HYBRID ? 0 : 1};
        uint8_t *msgs[2] = {0};
        size_t mlen[2] = {0};
        for (int k = 0; k < 2; k++) {
            int i = order[k];
            const uint8_t *m = tsp_token_to_sign(t, i, &len, &alg);
            const tsp_identity *id = alg == X509_ALG_ECDSA_P384 ? &fx->keys.ec : &fx->keys.ml;
            uint8_t sig[X509_MAX_SIGBYTES];
            size_t sl = sizeof sig;
            CHECK(m && x509_signer_sign(id->signer, m, len, sig, &sl) == 0 &&
                  tsp_token_set_signature(t, i, sig, sl) == 0);
            if (m && (msgs[i] = malloc(len))) memcpy(msgs[i], m, mlen[i] = len);
            CHECK(tsp_token_set_signature(t, i, sig, sl) != 0); /* once only */
        }
        CHECK(tsp_token_assemble(t, &token, &tl) == 0);
        tsp_parsed pt;
        char err[128];
        CHECK_MSG(tsp_parse(token, tl, &pt, err, sizeof err) == 0 && pt.nsigners == (p == TSP_PROFILE_HYBRID ? 2 : 1),
                  "%s", err);
        for (int i = 0; i < pt.nsigners; i++)
            CHECK(msgs[i] && pt.signers[i].signed_attrs.n == mlen[i] &&
                  !memcmp(pt.signers[i].signed_attrs.p + 1, msgs[i] + 1, mlen[i] - 1));
        if (p == TSP_PROFILE_COMPAT) CHECK(pt.signers[0].companion.n > 0);
        free(msgs[0]);
        free(msgs[1]);
        free(token);
        tsp_token_plan_free(t);
    }
}

int main(void)
{
    fx_pki fx;
    if (fx_init(&fx) != 0) return 1;
    tsp_engine_config cfg = {
        .default_profile = TSP_PROFILE_COMPAT, .time = tsp_time_source_system(), .ec = &fx.keys.ec, .ml = &fx.keys.ml};
    tsp_engine *e = tsp_engine_new(&cfg);
    CHECK(e != NULL);
    for (int p = 0; p < TSP_PROFILE_COUNT && e; p++) rebuild_signed_attrs(&fx, e, (tsp_profile)p);
    phased(&fx, e);
    uint8_t bad[4] = {0x30, 0x02, 0x05, 0x00};
    CHECK(tsp_signed_attrs_encode(X509_ALG_MLDSA65, bad, sizeof bad, bad, 1, 0, &(uint8_t *){NULL}, &(size_t){0}) != 0);

    /* Three kinds of refusal. */
    uint8_t imprint[] = {0x30, 0x31, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04,
                         0x02, 0x01, 0x05, 0x00, 0x04, 0x20, 1,    2,    3,    4,    5,    6,    7,
                         8,    9,    10,   11,   12,   13,   14,   15,   16,   17,   18,   19,   20,
                         21,   22,   23,   24,   25,   26,   27,   28,   29,   30,   31,   32};
    uint8_t foreign[] = {0x2A, 0x03, 0x04};
    tsp_issue_req r = {.path_profile = TSP_PATH_DEFAULT,
                       .policy = foreign,
                       .policy_len = sizeof foreign,
                       .imprint_tlv = imprint,
                       .imprint_tlv_len = sizeof imprint};
    uint8_t *resp = NULL;
    size_t len;
    tsp_engine_result res;
    CHECK(tsp_engine_issue(e, &r, &resp, &len, &res) == 0 && res.status == TSP_STATUS_REJECTION &&
          res.fail == TSP_FAIL_UNACCEPTED_POLICY && res.kind == TSP_OUTCOME_FINAL);
    free(resp);
    tsp_engine_config late = cfg;
    late.time = (tsp_time_source){untrusted, NULL, NULL};
    tsp_engine *e2 = tsp_engine_new(&late);
    r.policy = NULL, r.policy_len = 0;
    CHECK(e2 && tsp_engine_issue(e2, &r, &resp, &len, &res) == 0 && res.fail == TSP_FAIL_TIME_NOT_AVAILABLE &&
          res.kind == TSP_OUTCOME_RETRY_ELSEWHERE);
    free(resp);
    tsp_engine_free(e2);
    /* Certificate outside its validity (a clock 20 years ahead): unavailable, HTTP 503. */
    late.time = (tsp_time_source){far_future, NULL, NULL};
    tsp_engine *e3 = tsp_engine_new(&late);
    CHECK(e3 && tsp_engine_issue(e3, &r, &resp, &len, &res) == 0 && res.fail == TSP_FAIL_SYSTEM_FAILURE &&
          res.kind == TSP_OUTCOME_UNAVAILABLE && res.unavailable);
    free(resp);
    tsp_engine_free(e3);
    tsp_engine_free(e);
    fx_free(&fx);
    return check_summary("test_node_engine");
}

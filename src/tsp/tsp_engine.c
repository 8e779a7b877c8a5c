/* tsp_engine.c: request -> response. */
#include "tsp/tsp_engine.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "asn1/der.h"
#include "tsp/tsp_req.h"
#include "tsp/tsp_token.h"
#include "tsp/tsp_tstinfo.h"
#include "x509/cert.h"

struct tsp_engine {
    tsp_engine_config cfg;
    tsp_issuer_state issuer;
    pthread_rwlock_t lock; /* read: answering a request; write: tsp_engine_update */
    tsp_policies policies;
    /* The identities' certificates, parsed once (at creation and after each update), with the
     * bytes they were parsed from; ok 0 if unparsable. */
    struct {
        const uint8_t *der;
        size_t len;
        int ok;
        x509_cert c;
    } parsed[2];
};

static const tsp_identity *identity(const tsp_engine *e, int i);

static void parse_certs(tsp_engine *e)
{
    for (int i = 0; i < 2; i++) {
        const tsp_identity *id = identity(e, i);
        e->parsed[i].der = id ? id->cert : NULL;
        e->parsed[i].len = id ? id->cert_len : 0;
        e->parsed[i].ok = id && id->cert && x509_cert_parse(&e->parsed[i].c, id->cert, id->cert_len) == 0;
    }
}

/* Identity i's certificate, parsed: the cached parse if the identity still holds those bytes,
 * else parsed into *tmp (an identity changed without tsp_engine_update). NULL if unparsable. */
static const x509_cert *cert_of(const tsp_engine *e, int i, x509_cert *tmp)
{
    const tsp_identity *id = identity(e, i);
    if (!id || !id->cert) return NULL;
    if (id->cert == e->parsed[i].der && id->cert_len == e->parsed[i].len)
        return e->parsed[i].ok ? &e->parsed[i].c : NULL;
    return x509_cert_parse(tmp, id->cert, id->cert_len) == 0 ? tmp : NULL;
}

tsp_engine *tsp_engine_new(const tsp_engine_config *cfg)
{
    tsp_engine *e = calloc(1, sizeof *e);
    if (!e) return NULL;
    e->cfg = *cfg;
    if ((unsigned)cfg->default_profile >= TSP_PROFILE_COUNT || (!cfg->time.now && !cfg->time.read) ||
        tsp_issuer_state_init(&e->issuer) != 0) {
        free(e);
        return NULL;
    }
    if (pthread_rwlock_init(&e->lock, NULL) != 0) {
        tsp_issuer_state_destroy(&e->issuer);
        free(e);
        return NULL;
    }
    e->issuer.precision = cfg->precision == TSP_GENTIME_MILLIS ? TSP_GENTIME_MILLIS : TSP_GENTIME_SECONDS;
    if (cfg->policies)
        e->policies = *cfg->policies;
    else
        tsp_policies_default(&e->policies);
    parse_certs(e);
    e->cfg.policies = NULL;                     /* only the copy is used */
    for (int p = 0; p < TSP_PROFILE_COUNT; p++) /* valid, and distinct: a policy names one profile */
        if (e->policies.len[p] > TSP_POLICY_MAX || !der_oid_valid(e->policies.oid[p], e->policies.len[p]) ||
            tsp_policies_find(&e->policies, e->policies.oid[p], e->policies.len[p]) != p) {
            tsp_engine_free(e);
            return NULL;
        }
    return e;
}

void tsp_engine_free(tsp_engine *e)
{
    if (!e) return;
    tsp_issuer_state_destroy(&e->issuer);
    pthread_rwlock_destroy(&e->lock);
    free(e);
}

static const tsp_identity *identity(const tsp_engine *e, int i) { return i == 0 ? e->cfg.ec : e->cfg.ml; }

/* Of the certificates the profile signs with (all configured ones for profile -1), the state at
 * `at`; *st gets the bounds. Unparsable certificates count as expired. */
static tsp_cert_state cert_state(const tsp_engine *e, int profile, time_t at, tsp_cert_status *st)
{
    int any = 0, need[2] = {profile != TSP_PROFILE_PQ, profile != TSP_PROFILE_CLASSIC};
    st->state = TSP_CERT_OK;
    st->not_before = 0;
    st->not_after = 0;
    for (int i = 0; i < 2; i++) {
        const tsp_identity *id = identity(e, i);
        x509_cert tmp;
        if (!id || !id->cert || (profile >= 0 && !need[i])) continue;
        const x509_cert *c = cert_of(e, i, &tmp);
        time_t nb = c ? c->not_before : 0, na = c ? c->not_after : 0;
        if (!any || na < st->not_after) st->not_after = na;
        if (!any || nb > st->not_before) st->not_before = nb;
        any = 1;
    }
    st->seconds_left = (long long)st->not_after - (long long)at;
    if (!any)
        st->state = TSP_CERT_NONE;
    else if (at < st->not_before)
        st->state = TSP_CERT_NOT_YET_VALID;
    else if (at > st->not_after)
        st->state = TSP_CERT_EXPIRED;
    else if (st->seconds_left < (long long)TSP_CERT_WARN_DAYS * 86400)
        st->state = TSP_CERT_EXPIRING;
    return st->state;
}

void tsp_engine_cert_status(tsp_engine *e, time_t now, tsp_cert_status *st)
{
    pthread_rwlock_rdlock(&e->lock);
    cert_state(e, -1, now, st);
    pthread_rwlock_unlock(&e->lock);
}

int tsp_engine_update(tsp_engine *e, int (*fn)(void *arg), void *arg)
{
    pthread_rwlock_wrlock(&e->lock);
    int rc = fn(arg);
    parse_certs(e); /* new certificates behind the same identities */
    pthread_rwlock_unlock(&e->lock);
    return rc;
}

static int profile_available(const tsp_engine *e, tsp_profile p)
{
    int need_ec = p != TSP_PROFILE_PQ, need_ml = p != TSP_PROFILE_CLASSIC;
    const tsp_identity *ec = e->cfg.ec, *ml = e->cfg.ml;
    return (!need_ec || (ec && ec->cert && ec->signer && ec->signer->alg == X509_ALG_ECDSA_P384)) &&
           (!need_ml || (ml && ml->cert && ml->signer && ml->signer->alg == X509_ALG_MLDSA65));
}

/* Pick the profile from the path and reqPolicy; -1 if the policy is not acceptable. */
static int choose_profile(const tsp_engine *e, const tsp_issue_req *req)
{
    int by_policy = req->policy ? tsp_policies_find(&e->policies, req->policy, req->policy_len) : -2;
    if (by_policy == -1) return -1;
    if (req->path_profile == TSP_PATH_DEFAULT) return by_policy >= 0 ? by_policy : (int)e->cfg.default_profile;
    if (by_policy >= 0 && by_policy != req->path_profile) return -1;
    return req->path_profile;
}

static int reject_kind(tsp_fail bit, tsp_outcome_kind kind, const char *why, uint8_t **resp, size_t *resp_len,
                       tsp_engine_result *res)
{
    res->status = TSP_STATUS_REJECTION;
    res->unavailable = bit == TSP_FAIL_TIME_NOT_AVAILABLE || bit == TSP_FAIL_SYSTEM_FAILURE;
    res->kind = (int)kind;
    res->fail = (int)bit;
    res->why = why;
    return tsp_resp_reject(bit, why, resp, resp_len);
}

static int reject(tsp_fail bit, const char *why, uint8_t **resp, size_t *resp_len, tsp_engine_result *res)
{
    return reject_kind(bit, TSP_OUTCOME_FINAL, why, resp, resp_len, res);
}

static double ms_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) * 1e3 + (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

static int issue(tsp_engine *e, const tsp_issue_req *req, uint8_t **resp, size_t *resp_len, tsp_engine_result *res)
{
    int profile = choose_profile(e, req);
    res->profile = -1;
    res->unavailable = 0;
    res->kind = TSP_OUTCOME_FINAL;
    if (profile < 0)
        return reject(TSP_FAIL_UNACCEPTED_POLICY, "requested policy is not offered here", resp, resp_len, res);
    res->profile = profile;
    if (!profile_available(e, (tsp_profile)profile))
        return reject(TSP_FAIL_UNACCEPTED_POLICY, "profile not configured on this TSA", resp, resp_len, res);

    x509_cert tmp;
    const x509_cert *id = cert_of(e, profile == TSP_PROFILE_PQ ? 1 : 0, &tmp);
    if (!id)
        return reject_kind(TSP_FAIL_SYSTEM_FAILURE, TSP_OUTCOME_UNAVAILABLE, "TSA certificate unusable", resp, resp_len,
                           res);

    for (int attempt = 0;; attempt++) {
        uint8_t serial[TSP_SERIAL_BYTES];
        tsp_tstinfo_in in = {0};
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        int t = tsp_issuer_next(&e->issuer, &e->cfg.time, &in.gen_sec, &in.gen_ms, serial);
        if (t != 0)
            return reject_kind(TSP_FAIL_TIME_NOT_AVAILABLE, TSP_OUTCOME_RETRY_ELSEWHERE,
                               t == TSP_ISSUE_BACKWARDS ? "clock went back by more than its error bound"
                                                        : "trusted time is not available",
                               resp, resp_len, res);
        tsp_cert_status st;
        switch (cert_state(e, profile, in.gen_sec, &st)) {
        case TSP_CERT_EXPIRED:
            return reject_kind(TSP_FAIL_SYSTEM_FAILURE, TSP_OUTCOME_UNAVAILABLE, "TSA certificate expired", resp,
                               resp_len, res);
        case TSP_CERT_NOT_YET_VALID:
            return reject_kind(TSP_FAIL_SYSTEM_FAILURE, TSP_OUTCOME_UNAVAILABLE, "TSA certificate not yet valid", resp,
                               resp_len, res);
        default: break;
        }
        in.policy = e->policies.oid[profile];
        in.policy_len = e->policies.len[profile];
        in.imprint_tlv = req->imprint_tlv;
        in.imprint_tlv_len = req->imprint_tlv_len;
        in.serial = serial;
        in.serial_len = sizeof serial;
        in.nonce_tlv = req->nonce_tlv;
        in.nonce_tlv_len = req->nonce_tlv_len;
        in.tsa_name = id->subject.p;
        in.tsa_name_len = id->subject.len;

        uint8_t *tst = NULL, *token = NULL;
        size_t tst_len = 0, token_len = 0;
        int rc, built = tsp_tstinfo_encode(&in, &tst, &tst_len) == 0 &&
                        tsp_token_build(tst, tst_len, (tsp_profile)profile, e->cfg.ec, e->cfg.ml, req->cert_req, &token,
                                        &token_len) == 0;
        int late = built && ms_since(&t0) > TSP_SIGN_LATE_MS;
        if (!built) {
            rc = reject_kind(TSP_FAIL_SYSTEM_FAILURE, TSP_OUTCOME_RETRY_ELSEWHERE, "signing failed", resp, resp_len,
                             res);
        } else if (late && attempt < 2) {
            free(tst);
            free(token);
            continue; /* genTime no longer close to the signing time: discard, take a new one */
        } else if (late) {
            rc = reject_kind(TSP_FAIL_SYSTEM_FAILURE, TSP_OUTCOME_RETRY_ELSEWHERE, "signing took longer than 500 ms",
                             resp, resp_len, res);
        } else {
            res->status = TSP_STATUS_GRANTED;
            res->fail = -1;
            res->why = NULL;
            rc = tsp_resp_granted(token, token_len, resp, resp_len);
        }
        free(tst);
        free(token);
        return rc;
    }
}

static int respond(tsp_engine *e, const uint8_t *reqder, size_t len, int path_profile, uint8_t **resp, size_t *resp_len,
                   tsp_engine_result *res)
{
    tsp_req req;
    tsp_fail fail;
    const char *why = NULL;
    res->profile = -1;
    res->unavailable = 0;
    res->kind = TSP_OUTCOME_FINAL;
    if (tsp_req_parse(reqder, len, &req, &fail, &why) != 0) return reject(fail, why, resp, resp_len, res);
    tsp_issue_req ir = {.path_profile = path_profile,
                        .policy = req.policy,
                        .policy_len = req.policy_len,
                        .imprint_tlv = req.imprint_tlv,
                        .imprint_tlv_len = req.imprint_tlv_len,
                        .nonce_tlv = req.nonce_tlv,
                        .nonce_tlv_len = req.nonce_tlv_len,
                        .cert_req = req.cert_req};
    return issue(e, &ir, resp, resp_len, res);
}

int tsp_engine_issue(tsp_engine *e, const tsp_issue_req *r, uint8_t **resp, size_t *resp_len, tsp_engine_result *res)
{
    tsp_engine_result ignored;
    pthread_rwlock_rdlock(&e->lock);
    int rc = issue(e, r, resp, resp_len, res ? res : &ignored);
    pthread_rwlock_unlock(&e->lock);
    return rc;
}

const uint8_t *tsp_engine_policy(tsp_engine *e, tsp_profile p, size_t *len)
{
    *len = e->policies.len[p];
    return e->policies.oid[p];
}

int tsp_engine_respond(tsp_engine *e, const uint8_t *req, size_t len, int path_profile, uint8_t **resp,
                       size_t *resp_len, tsp_engine_result *res)
{
    tsp_engine_result ignored;
    pthread_rwlock_rdlock(&e->lock);
    int rc = respond(e, req, len, path_profile, resp, resp_len, res ? res : &ignored);
    pthread_rwlock_unlock(&e->lock);
    return rc;
}

/* cluster_issue.c: cluster_issue, the coordinator of one token: the profile from the request, genTime
 * and serial from this node's issuer state, the TSTInfo and the token plan (tsp_token_prepare),
 * then each signature over a signer set of this node and 2 live peers (avoiding excluded nodes
 * and banned ECDSA pairs), ML-DSA and ECDSA in parallel for hybrid, compat's countersignature
 * after the ECDSA part; a failed set is replaced by another under the deadline; a token finished
 * more than TSP_SIGN_LATE_MS after its time reading is discarded and issued again. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/cluster_audit.h"
#include "node/cluster_schemes.h"
#include "node/cluster_sign.h"
#include "tsp/tsp_status.h"
#include "tsp/tsp_token.h"
#include "tsp/tsp_tstinfo.h"
#include "x509/cert.h"

#define CL_DEFAULT_DEADLINE_MS 8000

static int reject(tsp_fail bit, tsp_outcome_kind kind, const char *why, uint8_t **resp, size_t *resp_len,
                  tsp_engine_result *res)
{
    res->status = TSP_STATUS_REJECTION;
    res->fail = (int)bit;
    res->why = why;
    res->kind = (int)kind;
    res->unavailable = kind == TSP_OUTCOME_UNAVAILABLE;
    return tsp_resp_reject(bit, why, resp, resp_len);
}

static int choose_profile(cluster *c, const tsp_issue_req *req)
{
    int by_policy = req->policy ? tsp_policies_find(&c->policies, req->policy, req->policy_len) : -2;
    if (by_policy == -1) return -1;
    if (req->path_profile == TSP_PATH_DEFAULT) return by_policy >= 0 ? by_policy : (int)c->cfg.default_profile;
    if (req->path_profile < 0 || req->path_profile >= TSP_PROFILE_COUNT) return -1;
    if (by_policy >= 0 && by_policy != req->path_profile) return -1;
    return req->path_profile;
}

unsigned cl_candidate_sets(cluster *c, cl_epoch *ep, int need_ec, unsigned sets[6])
{
    static unsigned rot;
    unsigned n = 0, all[6], k = 0;
    pthread_mutex_lock(&c->mu);
    for (unsigned m = 0; m < 32; m++) {
        unsigned ids[CL_T], ok = 1;
        if (!cl_set_ids(m, ids) || !(m & (1u << (ep->self - 1)))) continue;
        for (unsigned j = 0; j < CL_T && ok; j++) {
            unsigned q = ids[j];
            if (q == ep->self) continue;
            ok = cl_party_reachable(c, ep, q) && !cl_is_excluded(c, ep->keys[q - 1]) &&
                 (!need_ec || !tecdsa_keyshare_is_banned(ep->ec, (int)q));
        }
        if (ok) all[k++] = m;
    }
    unsigned start = k ? rot++ % k : 0;
    pthread_mutex_unlock(&c->mu);
    for (unsigned i = 0; i < k; i++) sets[n++] = all[(start + i) % k];
    return n;
}

typedef struct {
    cluster *c;
    cl_epoch *ep;
    cl_sign_req req;
    unsigned set;
    uint64_t deadline;
    uint8_t sig[X509_MAX_SIGBYTES];
    size_t sig_len;
    cl_err e;
    int rc;
    uint8_t *owned; /* fault hook: a tampered copy of the bytes */
} part_run;

static void *part_thread(void *arg)
{
    part_run *p = arg;
    p->sig_len = sizeof p->sig;
    p->rc = cl_sign_part(p->c, p->ep, &p->req, p->set, p->deadline, p->sig, &p->sig_len, &p->e);
    return NULL;
}

/* Runs the parts marked in todo together: all but the last on pool threads, the last on this
 * thread; returns when every one has finished (a part that could not be started: CL_E_LOCAL). */
static void sign_parts(cluster *c, part_run run[2], const int todo[2], int done[2], int parts)
{
    int last = -1;
    pthread_mutex_lock(&c->mu);
    for (int i = 0; i < parts; i++) {
        if (!todo[i]) continue;
        if (last >= 0 && cl_spawn_tracked(c, part_thread, &run[last], &done[last]) != 0) {
            run[last].rc = CL_E_LOCAL;
            done[last] = 1;
        }
        last = i;
    }
    pthread_mutex_unlock(&c->mu);
    if (last < 0) return;
    part_thread(&run[last]);
    pthread_mutex_lock(&c->mu);
    for (int i = 0; i < parts; i++)
        while (todo[i] && i != last && !done[i]) pthread_cond_wait(&c->cv, &c->mu);
    pthread_mutex_unlock(&c->mu);
}

/* Sign every part of the plan; 0, or -1 with *why. *set_used: the signer set of the profile's first
 * scheme's part (ECDSA, or ML-DSA for pq). */
static int sign_plan(cluster *c, cl_epoch *ep, tsp_token_plan *plan, const cl_sign_req *base, uint64_t deadline,
                     unsigned *set_used, const char **why)
{
    unsigned sets[6], n = cl_candidate_sets(c, ep, base->profile != TSP_PROFILE_PQ, sets);
    int parts = tsp_token_parts(plan);
    cl_sign_req cur = *base;
    uint8_t ecsig[X509_ECDSA_MAX_SIGBYTES];
    *why = "signing quorum unavailable";
    for (unsigned k = 0; k < n && cl_now_ms() < deadline; k++) {
        int failed = 0;
        while (!failed) {
            part_run run[2];
            int todo[2] = {0}, done[2] = {0}, any = 0;
            for (int i = 0; i < parts; i++) {
                size_t len;
                int alg;
                const uint8_t *tbs = tsp_token_to_sign(plan, i, &len, &alg);
                if (!tbs) continue;
                any = todo[i] = 1;
                run[i] = (part_run){.c = c, .ep = ep, .req = cur, .set = sets[k], .deadline = deadline};
                run[i].req.scheme = alg == X509_ALG_MLDSA65 ? CL_SCHEME_ML : CL_SCHEME_EC;
                run[i].req.tbs = tbs, run[i].req.tbs_len = len;
#ifdef CCTSA_CLUSTER_FAULTS
                uint8_t *bad = NULL;
                if (c->fault_tamper_tbs && (bad = malloc(len))) {
                    memcpy(bad, tbs, len);
                    bad[len - 1] ^= 1;
                    run[i].req.tbs = bad;
                    run[i].owned = bad;
                }
#endif
            }
            sign_parts(c, run, todo, done, parts);
            if (!any) return 0; /* every part is signed */
            for (int i = 0; i < parts; i++) {
                if (!todo[i]) continue;
                free(run[i].owned);
                if (run[i].rc == 0 && tsp_token_set_signature(plan, i, run[i].sig, run[i].sig_len) == 0) {
                    /* the audit record names the set of the part participants record (cluster_audit.h) */
                    if (run[i].req.scheme == (base->profile == TSP_PROFILE_PQ ? CL_SCHEME_ML : CL_SCHEME_EC))
                        *set_used = sets[k];
                    if (run[i].req.scheme == CL_SCHEME_EC && run[i].sig_len <= sizeof ecsig) {
                        /* compat: the ML-DSA countersignature covers this value */
                        memcpy(ecsig, run[i].sig, run[i].sig_len);
                        cur.ecsig = ecsig, cur.ecsig_len = run[i].sig_len;
                    }
                    continue;
                }
                failed = 1;
                cl_log_info(c, "signing set 0x%x failed (%s): %s", sets[k],
                            run[i].req.scheme == CL_SCHEME_ML ? "ML-DSA" : "ECDSA", run[i].e.reason);
                if (run[i].e.culprit) cl_blame(c, ep, &run[i].e);
            }
            if (!failed) continue;
            pthread_mutex_lock(&c->mu);
            c->sign_retries++;
            pthread_mutex_unlock(&c->mu);
        }
    }
    *why = n ? "no signer set could sign before the deadline" : "signing quorum unavailable";
    return -1;
}

int cluster_issue(cluster *c, const tsp_issue_req *r, unsigned deadline_ms, uint8_t **resp, size_t *resp_len,
                  tsp_engine_result *res)
{
    tsp_engine_result ignored;
    if (!res) res = &ignored;
    memset(res, 0, sizeof *res);
    res->profile = -1;
    res->fail = -1;
    if (!c || !r || !resp || !resp_len) return -1;
    uint64_t deadline = cl_now_ms() + (deadline_ms ? deadline_ms : CL_DEFAULT_DEADLINE_MS);
    int profile = choose_profile(c, r);
    if (profile < 0)
        return reject(TSP_FAIL_UNACCEPTED_POLICY, TSP_OUTCOME_FINAL, "requested policy is not offered here", resp,
                      resp_len, res);
    res->profile = profile;
    if (!r->imprint_tlv || !r->imprint_tlv_len || r->imprint_tlv_len > CL_IMPRINT_MAX ||
        r->nonce_tlv_len > CL_NONCE_MAX)
        return reject(TSP_FAIL_BAD_DATA_FORMAT, TSP_OUTCOME_FINAL, "imprint or nonce out of range", resp, resp_len,
                      res);
    pthread_mutex_lock(&c->mu);
    cl_epoch *ep = cl_can_sign(c) ? cl_epoch_get(c) : NULL;
    pthread_mutex_unlock(&c->mu);
    if (!ep)
        return reject(TSP_FAIL_SYSTEM_FAILURE, TSP_OUTCOME_UNAVAILABLE, "signing quorum unavailable", resp, resp_len,
                      res);
    int rc = -1;
    x509_cert id;
    cl_certs cs;
    int have = cl_epoch_certs(c, ep, &cs) == 0;
    const uint8_t *idc = profile == TSP_PROFILE_PQ ? cs.ml : cs.ec;
    size_t idl = profile == TSP_PROFILE_PQ ? cs.ml_len : cs.ec_len;
    tsp_identity ec = {&ep->ec_signer, cs.ec, cs.ec_len}, ml = {&ep->ml_signer, cs.ml, cs.ml_len};
    if (!have || x509_cert_parse(&id, idc, idl) != 0) {
        rc = reject(TSP_FAIL_SYSTEM_FAILURE, TSP_OUTCOME_UNAVAILABLE, "TSA certificate unusable", resp, resp_len, res);
        goto out;
    }
    for (int attempt = 0;; attempt++) {
        uint8_t serial[TSP_SERIAL_BYTES];
        tsp_tstinfo_in in = {0};
        uint64_t t0 = cl_now_ms();
        int t = tsp_issuer_next(&c->issuer, &c->cfg.time, &in.gen_sec, &in.gen_ms, serial);
        if (t != 0) {
            rc = reject(TSP_FAIL_TIME_NOT_AVAILABLE, TSP_OUTCOME_RETRY_ELSEWHERE,
                        t == TSP_ISSUE_BACKWARDS ? "clock went back by more than its error bound"
                                                 : "trusted time is not available",
                        resp, resp_len, res);
            goto out;
        }
#ifdef CCTSA_CLUSTER_FAULTS
        {
            long long ms = (long long)in.gen_sec * 1000 + in.gen_ms + c->fault_gentime_ms;
            in.gen_sec = (time_t)(ms / 1000);
            in.gen_ms = c->cfg.precision == TSP_GENTIME_MILLIS ? (unsigned)(ms % 1000) : 0;
        }
#endif
        if (in.gen_sec < id.not_before || in.gen_sec > id.not_after) {
            rc = reject(TSP_FAIL_SYSTEM_FAILURE, TSP_OUTCOME_UNAVAILABLE, "TSA certificate outside its validity", resp,
                        resp_len, res);
            goto out;
        }
        in.policy = c->policies.oid[profile], in.policy_len = c->policies.len[profile];
        in.imprint_tlv = r->imprint_tlv, in.imprint_tlv_len = r->imprint_tlv_len;
        in.serial = serial, in.serial_len = sizeof serial;
        in.nonce_tlv = r->nonce_tlv, in.nonce_tlv_len = r->nonce_tlv_len;
        in.tsa_name = id.subject.p, in.tsa_name_len = id.subject.len;
        uint8_t *tst = NULL, *token = NULL;
        size_t tst_len = 0, token_len = 0;
        tsp_token_plan *plan = NULL;
        const char *why = "signing failed";
        unsigned set_used = 0;
        cl_sign_req base = {.purpose = CL_PURPOSE_TOKEN,
                            .profile = (uint8_t)profile,
                            .gen_sec = in.gen_sec,
                            .gen_ms = (uint16_t)in.gen_ms,
                            .imprint = r->imprint_tlv,
                            .imprint_len = r->imprint_tlv_len,
                            .nonce = r->nonce_tlv,
                            .nonce_len = r->nonce_tlv_len};
        memcpy(base.serial, serial, sizeof serial);
        cl_time_block(c, base.time_block);
        int ok = tsp_tstinfo_encode(&in, &tst, &tst_len) == 0 &&
                 (plan = tsp_token_prepare(tst, tst_len, (tsp_profile)profile, &ec, &ml, r->cert_req)) != NULL &&
                 sign_plan(c, ep, plan, &base, deadline, &set_used, &why) == 0 &&
                 tsp_token_assemble(plan, &token, &token_len) == 0;
        int late = ok && cl_now_ms() - t0 > TSP_SIGN_LATE_MS;
        /* recorded before it leaves: a token the audit log cannot hold is not handed out */
        if (ok && !late && cl_audit_sign(c, ep, &base, set_used, tst, tst_len, token, token_len, NULL) != 0)
            ok = 0, why = "audit log unavailable";
        else if ((!ok || late) && set_used) /* participants co-signed it: the log says it was not issued */
            cl_audit_sign(c, ep, &base, set_used, tst, tst_len, ok ? token : NULL, token_len,
                          late ? "signed too late: not issued" : why);
        tsp_token_plan_free(plan);
        free(tst);
        if (ok && late && attempt < 2 && cl_now_ms() < deadline) {
            free(token);
            cl_log_info(c, "token signed %llu ms after its time reading: discarded, issuing again",
                        (unsigned long long)(cl_now_ms() - t0));
            continue;
        }
        pthread_mutex_lock(&c->mu);
        if (ok && !late)
            c->signed_ok++;
        else
            c->sign_failed++;
        int quorum = cl_can_sign(c);
        pthread_mutex_unlock(&c->mu);
        if (ok && !late) {
            res->status = TSP_STATUS_GRANTED;
            res->why = NULL;
            rc = tsp_resp_granted(token, token_len, resp, resp_len);
        } else if (late) {
            rc = reject(TSP_FAIL_SYSTEM_FAILURE, TSP_OUTCOME_RETRY_ELSEWHERE, "signing took longer than 500 ms", resp,
                        resp_len, res);
        } else {
            rc = reject(TSP_FAIL_SYSTEM_FAILURE, quorum ? TSP_OUTCOME_RETRY_ELSEWHERE : TSP_OUTCOME_UNAVAILABLE, why,
                        resp, resp_len, res);
        }
        free(token);
        break;
    }
out:
    pthread_mutex_lock(&c->mu);
    cl_epoch_release(c, ep);
    pthread_mutex_unlock(&c->mu);
    return rc;
}

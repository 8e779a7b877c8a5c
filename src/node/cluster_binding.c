/* cluster_binding.c: the binding record of an epoch (attest/binding.h), made at the end of the
 * DKG: every node takes evidence whose REPORT_DATA binds the DKG transcript hash
 * (binding_report_data) and broadcasts it; every node checks every report (attest_verify with the
 * measurement equal to its own and that REPORT_DATA) and rebuilds the same BindingContent (nodes in
 * party order, time = the ECDSA certificate's notBefore); party 1 has it signed by both group keys
 * (signer set {1,2,3}, purpose BINDING: the participants compare with their own rebuild) and
 * distributes the record; everyone checks it against its rebuild and both signatures.
 * Production (no dev CA): the same steps run on a job once the operator's certificates are
 * accepted (cl_binding_after_certs); the epoch turns ACTIVE when the record is made.
 * Renewed certificates in an ACTIVE epoch (operator install, `renew`, dev-CA renewal): the same
 * job makes a record naming them, which replaces the served one once made. A failed job is
 * retried with backoff (cl_binding_retry, from the manager thread); health says the record is
 * pending and why. The session labels bind the certificates' hash, so other certificates make
 * fresh sessions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attest/binding.h"
#include "node/cluster_sign.h"
#include "x509/cert.h"

typedef struct {
    cluster *c;
    cl_epoch *ep;
    unsigned scheme;
    cl_err *e;
} bind_signer;

static int threshold_sign(void *ctx, const uint8_t *tbs, size_t len, uint8_t *sig, size_t *siglen)
{
    bind_signer *b = ctx;
    cl_sign_req r = {.purpose = CL_PURPOSE_BINDING, .scheme = (uint8_t)b->scheme, .tbs = tbs, .tbs_len = len};
    return cl_sign_part(b->c, b->ep, &r, 0x07, cl_now_ms() + 30000, sig, siglen, b->e) == 0 ? 0 : -1;
}

/* Check every node's evidence and fill the content (pointing into ev[]). */
static int content(cluster *c, cl_epoch *ep, uint8_t *const ev[CL_N + 1], const size_t ev_len[CL_N + 1],
                   attest_claims claims[CL_N], binding_content *bc, cl_err *e)
{
    uint8_t rd[ATTEST_BINDING_BYTES];
    attest_policy pol;
    x509_cert ec;
    binding_report_data(ep->transcript, rd);
    attest_policy_default(&pol, c->cfg.provider);
    pol.check_measurement = 1;
    memcpy(pol.measurement, c->cfg.measurement, sizeof pol.measurement);
    if (x509_cert_parse(&ec, ep->ec_cert, ep->ec_cert_len) != 0)
        return cl_err_set(e, CL_E_LOCAL, 0, 0, "binding: ECDSA certificate unusable");
    memset(bc, 0, sizeof *bc);
    bc->provider = c->cfg.provider;
    memcpy(bc->measurement, c->cfg.measurement, sizeof bc->measurement);
    bc->ecdsa_cert = ep->ec_cert, bc->ecdsa_cert_len = ep->ec_cert_len;
    bc->mldsa_cert = ep->ml_cert, bc->mldsa_cert_len = ep->ml_cert_len;
    memcpy(bc->transcript_hash, ep->transcript, sizeof bc->transcript_hash);
    bc->time = ec.not_before;
    bc->nnodes = CL_N;
    for (unsigned q = 1; q <= CL_N; q++) {
        attest_result res;
        if (!ev[q] || ev_len[q] < ATTEST_REPORT_BYTES)
            return cl_err_set(e, CL_E_REFUSED, q == ep->self ? 0 : q, 0, "binding: party %u sent no evidence", q);
        if (attest_verify(ev[q], ATTEST_REPORT_BYTES, ev[q] + ATTEST_REPORT_BYTES, ev_len[q] - ATTEST_REPORT_BYTES,
                          &pol, rd, 0, &claims[q - 1], &res) != 0)
            return cl_err_set(e, CL_E_REFUSED, q == ep->self ? 0 : q, 0, "binding: party %u evidence refused: %s", q,
                              res.reason);
        binding_node *n = &bc->nodes[q - 1];
        n->report = ev[q];
        n->endorsements = ev[q] + ATTEST_REPORT_BYTES;
        n->endorsements_len = ev_len[q] - ATTEST_REPORT_BYTES;
        n->chip_id = claims[q - 1].chip_id;
        n->chip_id_len = claims[q - 1].chip_id_len;
    }
    return 0;
}

int cl_binding_expected(cluster *c, cl_epoch *ep, uint8_t **msg, size_t *len)
{
    int rc = -1;
    pthread_mutex_lock(&c->mu);
    for (uint64_t until = cl_now_ms() + CL_SIGN_ROUND_MS; !ep->binding_msg && !c->stopping && cl_now_ms() < until;) {
        cl_wait_ms(c, 50);
    }
    if (ep->binding_msg && (*msg = malloc(ep->binding_msg_len))) {
        memcpy(*msg, ep->binding_msg, ep->binding_msg_len);
        *len = ep->binding_msg_len;
        rc = 0;
    }
    pthread_mutex_unlock(&c->mu);
    return rc;
}

static void certs_hash(const cl_epoch *ep, uint8_t out[48])
{
    const void *parts[] = {ep->ec_cert, ep->ml_cert};
    size_t lens[] = {ep->ec_cert_len, ep->ml_cert_len};
    cl_sha384(parts, lens, 2, out);
}

/* "base:<first 8 bytes of the certificates' hash in hex>" */
static void label(const cl_epoch *ep, const char *base, char out[64])
{
    uint8_t h[48];
    certs_hash(ep, h);
    int n = snprintf(out, 64, "%s:", base);
    for (int i = 0; i < 8; i++) n += snprintf(out + n, (size_t)(64 - n), "%02x", h[i]);
}

int cl_binding_make(cluster *c, cl_epoch *ep, cl_err *e)
{
    char lab_ev[64], lab_rec[64];
    uint8_t rd[ATTEST_BINDING_BYTES], *mine = NULL, *ev[CL_N + 1] = {0}, *rec[CL_N + 1] = {0}, *der = NULL;
    size_t mine_len = 0, ev_len[CL_N + 1] = {0}, rec_len[CL_N + 1] = {0}, der_len = 0;
    attest_evidence own = {0};
    attest_claims claims[CL_N];
    binding_content bc;
    cl_capture cp = {0};
    int rc;
    uint8_t named[48];
    binding_report_data(ep->transcript, rd);
    pthread_mutex_lock(&c->mu);
    certs_hash(ep, named);
    free(ep->binding_msg); /* the previous record's: participants wait for this attempt's rebuild */
    ep->binding_msg = NULL, ep->binding_msg_len = 0;
    pthread_mutex_unlock(&c->mu);
    label(ep, "cctsa-cluster-evidence-v1", lab_ev);
    label(ep, "cctsa-cluster-binding-v1", lab_rec);
    if (c->cfg.evidence && c->cfg.evidence(c->cfg.evidence_arg, rd, &own) == 0 &&
        (mine = malloc(ATTEST_REPORT_BYTES + own.endorsements_len))) {
        memcpy(mine, own.report, ATTEST_REPORT_BYTES);
        if (own.endorsements_len) memcpy(mine + ATTEST_REPORT_BYTES, own.endorsements, own.endorsements_len);
        mine_len = ATTEST_REPORT_BYTES + own.endorsements_len;
    }
    attest_evidence_free(&own);
    if ((rc = cl_agree(c, ep, lab_ev, mine, mine_len, 0, ev, ev_len, e)) != 0) goto out;
    if ((rc = content(c, ep, ev, ev_len, claims, &bc, e)) != 0) goto out;
    x509_signer cs_ec = ep->ec_signer, cs_ml = ep->ml_signer;
    cs_ec.sign = cs_ml.sign = cl_capture_sign, cs_ec.ctx = cs_ml.ctx = &cp;
    if (binding_build(&bc, &cs_ec, &cs_ml, &der, &der_len) == 0 || !cp.msg) {
        free(der);
        rc = cl_err_set(e, CL_E_LOCAL, 0, 0, "binding: cannot encode the record");
        goto out;
    }
    pthread_mutex_lock(&c->mu);
    free(ep->binding_msg);
    ep->binding_msg = cp.msg, ep->binding_msg_len = cp.len;
    cp.msg = NULL;
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
    der = NULL;
    if (ep->self == 1) {
        bind_signer be = {c, ep, CL_SCHEME_EC, e}, bm = {c, ep, CL_SCHEME_ML, e};
        x509_signer ts_ec = ep->ec_signer, ts_ml = ep->ml_signer;
        ts_ec.sign = threshold_sign, ts_ec.ctx = &be;
        ts_ml.sign = threshold_sign, ts_ml.ctx = &bm;
        if (binding_build(&bc, &ts_ec, &ts_ml, &der, &der_len) != 0) {
            rc = e->code ? e->code : cl_err_set(e, CL_E_LOCAL, 0, 0, "binding: signing failed");
            goto out;
        }
    }
    if ((rc = cl_agree(c, ep, lab_rec, der, der_len, 0, rec, rec_len, e)) != 0) goto out;
    binding_view v;
    if (!rec[1] || binding_parse(rec[1], rec_len[1], &v) != 0 || ep->binding_msg_len < v.tbs_len ||
        memcmp(ep->binding_msg + ep->binding_msg_len - v.tbs_len, v.tbs, v.tbs_len) ||
        x509_verify_raw(X509_ALG_ECDSA_P384, ep->ec_pub, sizeof ep->ec_pub, ep->binding_msg, ep->binding_msg_len,
                        v.ecdsa_sig, v.ecdsa_sig_len) != 0 ||
        x509_verify_raw(X509_ALG_MLDSA65, ep->ml_pk, sizeof ep->ml_pk, ep->binding_msg, ep->binding_msg_len,
                        v.mldsa_sig, v.mldsa_sig_len) != 0) {
        rc = cl_err_set(e, CL_E_REFUSED, ep->self == 1 ? 0 : 1, 0,
                        "binding: the record from party 1 does not check out");
        goto out;
    }
    pthread_mutex_lock(&c->mu);
    free(ep->binding); /* the record of the certificates these replace */
    ep->binding = rec[1], ep->binding_len = rec_len[1];
    memcpy(ep->binding_for, named, sizeof named);
    rec[1] = NULL;
    pthread_mutex_unlock(&c->mu);
out:
    free(mine), free(der), free(cp.msg);
    for (unsigned q = 0; q <= CL_N; q++) free(ev[q]), free(rec[q]);
    return rc;
}

typedef struct {
    cluster *c;
    cl_epoch *ep;
} bind_job;

static void *bind_main(void *arg)
{
    bind_job *j = arg;
    cluster *c = j->c;
    cl_epoch *ep = j->ep;
    cl_err e = {0};
    uint64_t t = cl_now_ms();
    cl_log_info(c, "epoch %u: certificates accepted, making the binding record", ep->number);
    int rc = 1;
#ifdef CCTSA_CLUSTER_FAULTS
    pthread_mutex_lock(&c->mu);
    if (c->fault_binding_fail && c->fault_binding_fail--)
        rc = cl_err_set(&e, CL_E_LOCAL, 0, 0, "fault hook: binding attempt made to fail");
    pthread_mutex_unlock(&c->mu);
#endif
    if (rc > 0) rc = cl_binding_make(c, ep, &e);
    if (rc && e.culprit) cl_blame(c, ep, &e);
    pthread_mutex_lock(&c->mu);
    ep->binding_job = rc ? 2 : 0;
    if (rc) {
        unsigned n = ++ep->binding_failures;
        uint64_t back = cl_backoff_ms(n);
        ep->binding_next_ms = cl_now_ms() + back;
        snprintf(ep->binding_why, sizeof ep->binding_why, "%.150s", e.reason[0] ? e.reason : "failed");
        cl_log_info(c, "epoch %u: binding record attempt %u failed: %s (retry in %llu ms)", ep->number, n,
                    ep->binding_why, (unsigned long long)back);
    } else {
        ep->binding_failures = 0;
        ep->binding_why[0] = 0;
    }
    if (c->ep == ep && c->epoch_state == LC_EPOCH_DKG) {
        if (rc == 0) {
            (void)cl_epoch_event(c, LC_EV_DKG_DONE);
            c->reason[0] = 0;
            cl_log_info(c, "epoch %u: binding record signed by both group keys (%llu ms): ACTIVE", ep->number,
                        (unsigned long long)(cl_now_ms() - t));
        } else
            snprintf(c->reason, sizeof c->reason, "binding record failed (retried): %.110s", e.reason);
    } else if (rc == 0)
        cl_log_info(c, "epoch %u: binding record for the renewed certificates signed by both group keys (%llu ms)",
                    ep->number, (unsigned long long)(cl_now_ms() - t));
    cl_epoch_release(c, ep);
    pthread_mutex_unlock(&c->mu);
    cl_notify(c);
    free(j);
    return NULL;
}

void cl_binding_after_certs(cluster *c, cl_epoch *ep)
{
    uint8_t h[48];
    bind_job *j;
    int dkg = c->epoch_state == LC_EPOCH_DKG;
    if (c->ep != ep || (!dkg && c->epoch_state != LC_EPOCH_ACTIVE) || (dkg && (c->cfg.dev_ca || ep->binding)) ||
        ep->binding_job == 1 || !ep->ec_cert || !ep->ml_cert)
        return;
    if (!c->cfg.provider) { /* no evidence provider: no record is built, as after a local-mode DKG */
        if (dkg) (void)cl_epoch_event(c, LC_EV_DKG_DONE), c->reason[0] = 0;
        return;
    }
    certs_hash(ep, h);
    if (ep->binding && !memcmp(h, ep->binding_for, sizeof h)) return; /* the record names them */
    if (ep->binding_job == 2 && !memcmp(h, ep->binding_tried, sizeof h) && cl_now_ms() < ep->binding_next_ms)
        return;                                                           /* the retry is not due */
    if (memcmp(h, ep->binding_tried, sizeof h)) ep->binding_failures = 0; /* other certificates: a fresh backoff */
    if (!(j = malloc(sizeof *j))) return;
    memcpy(ep->binding_tried, h, sizeof h);
    ep->binding_job = 1;
    ep->refs++;
    *j = (bind_job){c, ep};
    if (dkg) snprintf(c->reason, sizeof c->reason, "certificates accepted: making the binding record");
    if (cl_spawn(c, bind_main, j) != 0) {
        ep->binding_job = 0;
        cl_epoch_release(c, ep);
        free(j);
    }
}

void cl_binding_retry(cluster *c)
{
    cl_epoch *ep = c->ep;
    if (ep && ep->binding_job == 2 && c->node_state == LC_NODE_SERVING && cl_now_ms() >= ep->binding_next_ms)
        cl_binding_after_certs(c, ep);
}

void cl_binding_pending(cluster *c, char *out, size_t len)
{
    cl_epoch *ep = c->ep;
    uint64_t now = cl_now_ms();
    out[0] = 0;
    if (!ep || !c->cfg.provider || !ep->ec_cert || !ep->ml_cert) return;
    if (ep->binding_job == 1)
        snprintf(out, len, "binding record for the current certificates being made");
    else if (ep->binding_job == 2)
        snprintf(out, len, "binding record pending: attempt %u failed (%.90s); retry in %llu s", ep->binding_failures,
                 ep->binding_why,
                 (unsigned long long)(ep->binding_next_ms > now ? (ep->binding_next_ms - now + 999) / 1000 : 0));
}

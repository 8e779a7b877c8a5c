/* cluster_policy.c: what a participant agrees to sign, rebuilt by itself: a token part's
 * signedAttrs from the TSTInfo fields and its own copy of the epoch's certificates (genTime
 * within its own clock's window, its own policy OID for the profile, the coordinator's serial
 * prefix and counter window), a domain-separated self-test message, a CSR of the epoch's group key. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/cluster_audit.h"
#include "node/cluster_sign.h"
#include "tsp/tsp_token.h"
#include "tsp/tsp_tstinfo.h"
#include "x509/cert.h"
#include "x509/csr.h"
#include "x509/name.h"

size_t cl_selftest_msg(const cl_epoch *ep, unsigned scheme, unsigned set, uint8_t out[96])
{
    static const char label[] = "cctsa-cluster-selftest-v1";
    size_t n = sizeof label; /* with its NUL: domain separation */
    memcpy(out, label, n);
    memcpy(out + n, ep->transcript, sizeof ep->transcript);
    n += sizeof ep->transcript;
    out[n++] = (uint8_t)scheme;
    out[n++] = (uint8_t)set;
    return n;
}

int cl_capture_sign(void *ctx, const uint8_t *tbs, size_t len, uint8_t *sig, size_t *siglen)
{
    cl_capture *cp = ctx;
    (void)sig, (void)siglen;
    if (!cp->msg && (cp->msg = malloc(len))) memcpy(cp->msg, tbs, len), cp->len = len;
    return -1; /* stop: only the bytes were wanted */
}

/* ---- CSRs: the subject and TcbInfo every node derives the same way ---- */
static int csr_subject(const cl_epoch *ep, unsigned scheme, uint8_t **name, size_t *len)
{
    char subject[160];
    snprintf(subject, sizeof subject, "CN=cctsa threshold TSA (%s) epoch %u,O=cctsa",
             scheme == CL_SCHEME_EC ? "ECDSA P-384" : "ML-DSA-65", ep->number);
    return x509_name_from_string(subject, name, len);
}

/* certificatePolicies: the policy OIDs of all four profiles. */
static int csr_policies(cluster *c, uint8_t **der, size_t *len)
{
    const uint8_t *oids[TSP_PROFILE_COUNT];
    size_t lens[TSP_PROFILE_COUNT];
    for (int p = 0; p < TSP_PROFILE_COUNT; p++) oids[p] = c->policies.oid[p], lens[p] = c->policies.len[p];
    return x509_policies_encode(oids, lens, TSP_PROFILE_COUNT, der, len);
}

static void csr_tcb(cluster *c, x509_tcbinfo *t)
{
    memset(t, 0, sizeof *t);
    t->vendor = "AMD", t->model = "SEV-SNP", t->svn = -1;
    memcpy(t->measurement, c->cfg.measurement, X509_MEASUREMENT_BYTES);
}

int cl_csr_info(cluster *c, const cl_epoch *ep, unsigned scheme, uint8_t **info, size_t *len)
{
    uint8_t *name, *der = NULL;
    size_t nl, dl;
    cl_capture cp = {0};
    x509_tcbinfo t;
    x509_signer s = scheme == CL_SCHEME_EC ? ep->ec_signer : ep->ml_signer;
    s.sign = cl_capture_sign, s.ctx = &cp;
    uint8_t *pol = NULL;
    size_t pl = 0;
    if (csr_subject(ep, scheme, &name, &nl) != 0) return -1;
    csr_tcb(c, &t);
    if (csr_policies(c, &pol, &pl) == 0 && x509_csr_build_ext(name, nl, &s, &t, pol, pl, &der, &dl) == 0)
        free(der); /* cannot succeed */
    free(name);
    free(pol);
    *info = cp.msg, *len = cp.len;
    return cp.msg ? 0 : -1;
}

typedef struct {
    cluster *c;
    cl_epoch *ep;
    unsigned scheme, set;
    cl_err *e;
    int failed;
} csr_signer;

static int csr_sign(void *ctx, const uint8_t *tbs, size_t len, uint8_t *sig, size_t *siglen)
{
    csr_signer *cs = ctx;
    cl_sign_req r = {.purpose = CL_PURPOSE_CSR, .scheme = (uint8_t)cs->scheme, .tbs = tbs, .tbs_len = len};
    if (cl_sign_part(cs->c, cs->ep, &r, cs->set, cl_now_ms() + 30000, sig, siglen, cs->e) != 0)
        return cs->failed = 1, -1;
    return 0;
}

int cl_csr_build(cluster *c, cl_epoch *ep, unsigned scheme, unsigned set, uint8_t **der, size_t *len, cl_err *e)
{
    uint8_t *name;
    size_t nl;
    x509_tcbinfo t;
    csr_signer cs = {c, ep, scheme, set, e, 0};
    x509_signer s = scheme == CL_SCHEME_EC ? ep->ec_signer : ep->ml_signer;
    s.sign = csr_sign, s.ctx = &cs;
    uint8_t *pol = NULL;
    size_t pl = 0;
    if (csr_subject(ep, scheme, &name, &nl) != 0) return cl_err_set(e, CL_E_LOCAL, 0, 0, "CSR subject");
    csr_tcb(c, &t);
    int rc = csr_policies(c, &pol, &pl) == 0 ? x509_csr_build_ext(name, nl, &s, &t, pol, pl, der, len) : -1;
    free(name);
    free(pol);
    if (rc != 0 && !cs.failed) cl_err_set(e, CL_E_LOCAL, 0, 0, "CSR: %s", x509_error_reason());
    return rc != 0 ? (e->code ? e->code : CL_E_LOCAL) : 0;
}

/* ---- tokens ---- */
static int serial_ok(cluster *c, const uint8_t coord[CLUSTER_KEY_BYTES], const uint8_t serial[TSP_SERIAL_BYTES],
                     char *why, size_t whylen)
{
    uint64_t ctr = 0;
    for (int i = 0; i < 8; i++) ctr = ctr << 8 | serial[TSP_SERIAL_PREFIX_BYTES + i];
    cl_serial_window *w = NULL, *free_w = NULL;
    for (size_t i = 0; i < sizeof c->windows / sizeof c->windows[0]; i++) {
        if (c->windows[i].used && !memcmp(c->windows[i].coord, coord, CLUSTER_KEY_BYTES))
            w = &c->windows[i];
        else if (!c->windows[i].used && !free_w)
            free_w = &c->windows[i];
    }
    if (!w) {
        w = free_w ? free_w : &c->windows[serial[0] % (sizeof c->windows / sizeof c->windows[0])];
        w->used = 1;
        memcpy(w->coord, coord, CLUSTER_KEY_BYTES);
        memcpy(w->prefix, serial, TSP_SERIAL_PREFIX_BYTES);
        w->max_counter = ctr;
        return 0;
    }
    if (memcmp(w->prefix, serial, TSP_SERIAL_PREFIX_BYTES)) {
        snprintf(why, whylen, "serial prefix is not the coordinator's for this boot");
        return -1;
    }
    if (ctr + CL_SERIAL_WINDOW < w->max_counter || ctr > w->max_counter + CL_SERIAL_WINDOW) {
        snprintf(why, whylen, "serial counter %llu outside the window around %llu", (unsigned long long)ctr,
                 (unsigned long long)w->max_counter);
        return -1;
    }
    if (ctr > w->max_counter) w->max_counter = ctr;
    return 0;
}

/* Our reading in the time engine's terms (time_peer.h); -1 if there is none. */
static int own_reading(cluster *c, time_reading *own)
{
    static const time_state map[] = {[TSP_TIME_SYNCED] = TIME_SYNCED,
                                     [TSP_TIME_HOLDOVER] = TIME_HOLDOVER,
                                     [TSP_TIME_UNSYNCED] = TIME_UNSYNCED,
                                     [TSP_TIME_EXCLUDED] = TIME_EXCLUDED};
    tsp_time_reading rd;
    memset(own, 0, sizeof *own);
    int rc = tsp_time_read(&c->cfg.time, &rd);
    own->state = rc == 0 && rd.state <= TSP_TIME_EXCLUDED ? map[rd.state] : TIME_UNSYNCED;
    own->utc_ns = (int64_t)rd.utc.tv_sec * TIME_NS_PER_S + rd.utc.tv_nsec;
    /* the development host clock has no bound: it claims E_max so the cross-node checks run */
    own->eps_ns = rd.development && rd.eps_ns > (uint64_t)TIME_E_MAX_NS ? TIME_E_MAX_NS : (int64_t)rd.eps_ns;
    return rc;
}

void cl_time_block(cluster *c, uint8_t out[TIME_BLOCK_BYTES])
{
    if (c->cfg.time_block) {
        c->cfg.time_block(c->cfg.time_block_arg, out);
        return;
    }
    time_reading own;
    time_block b;
    if (own_reading(c, &own) != 0) own.state = TIME_UNSYNCED;
    time_block_from(&own, NULL, &b);
    time_block_encode(&b, out);
}

/* The participant's time check (time_peer_check, counted by verdict): our own time trusted, the
 * coordinator's block trusted, genTime within [own - 500 ms, own + 400 ms]. In whole-second mode
 * genTime is the coordinator's reading truncated, so the reading lay in [genTime, genTime + 999 ms]:
 * the point of that interval nearest our own time is checked. */
static int gentime_ok(cluster *c, const cl_sign_req *r, char *why, size_t whylen)
{
    time_reading own;
    (void)own_reading(c, &own);
    int64_t gen = (r->gen_sec * 1000 + r->gen_ms) * TIME_NS_PER_MS;
    int64_t hi = gen + (c->cfg.precision == TSP_GENTIME_SECONDS ? 999 * TIME_NS_PER_MS : 0);
    int64_t g = own.utc_ns < gen ? gen : own.utc_ns > hi ? hi : own.utc_ns;
    char reason[128];
    time_peer_verdict v =
        time_peer_check(&own, r->time_block, TIME_BLOCK_BYTES, g, &c->time_checks, reason, sizeof reason);
    if (v == TIME_PEER_OK) return 0;
    snprintf(why, whylen, "time check %s: %s", time_peer_verdict_name(v), reason);
    return -1;
}

int cl_token_tstinfo(cluster *c, cl_epoch *ep, const cl_sign_req *r, uint8_t **tst, size_t *len, char *why,
                     size_t whylen)
{
    x509_cert cert;
    cl_certs cs;
    int pq = r->profile == TSP_PROFILE_PQ;
    if (r->profile >= TSP_PROFILE_COUNT || cl_epoch_certs(c, ep, &cs) != 0 ||
        x509_cert_parse(&cert, pq ? cs.ml : cs.ec, pq ? cs.ml_len : cs.ec_len) != 0)
        return snprintf(why, whylen, "no certificates for this epoch"), -1;
    if (!r->imprint_len) return snprintf(why, whylen, "no message imprint"), -1;
    tsp_tstinfo_in in = {.policy = c->policies.oid[r->profile],
                         .policy_len = c->policies.len[r->profile],
                         .imprint_tlv = r->imprint,
                         .imprint_tlv_len = r->imprint_len,
                         .serial = r->serial,
                         .serial_len = TSP_SERIAL_BYTES,
                         .gen_sec = (time_t)r->gen_sec,
                         .gen_ms = r->gen_ms,
                         .nonce_tlv = r->nonce,
                         .nonce_tlv_len = r->nonce_len,
                         .tsa_name = cert.subject.p,
                         .tsa_name_len = cert.subject.len};
    if (tsp_tstinfo_encode(&in, tst, len) != 0) return snprintf(why, whylen, "TSTInfo fields do not encode"), -1;
    return 0;
}

static int token_tbs(cluster *c, cl_epoch *ep, const cl_sign_req *r, uint8_t **tbs, size_t *len, char *why,
                     size_t whylen)
{
    x509_cert cert;
    int pq = r->profile == TSP_PROFILE_PQ;
    cl_certs cs;
    if (cl_epoch_certs(c, ep, &cs) != 0) return snprintf(why, whylen, "no certificates for this epoch"), -1;
    const uint8_t *id = pq ? cs.ml : cs.ec;
    size_t idl = pq ? cs.ml_len : cs.ec_len;
    if (x509_cert_parse(&cert, id, idl) != 0) return snprintf(why, whylen, "no certificates for this epoch"), -1;
    if ((r->scheme == CL_SCHEME_EC && pq) || (r->scheme == CL_SCHEME_ML && r->profile == TSP_PROFILE_CLASSIC))
        return snprintf(why, whylen, "scheme not used by the profile"), -1;
    if (gentime_ok(c, r, why, whylen) != 0) return -1;
    pthread_mutex_lock(&c->mu);
    int sok = serial_ok(c, ep->keys[r->coord - 1], r->serial, why, whylen);
    pthread_mutex_unlock(&c->mu);
    if (sok != 0) return -1;
    uint8_t *tst = NULL, *ec_attrs = NULL;
    size_t tst_len = 0, ec_len = 0;
    int rc = -1;
    if (cl_token_tstinfo(c, ep, r, &tst, &tst_len, why, whylen) != 0) goto out;
    if (r->scheme == CL_SCHEME_EC || r->profile != TSP_PROFILE_COMPAT) {
        int alg = r->scheme == CL_SCHEME_EC ? X509_ALG_ECDSA_P384 : X509_ALG_MLDSA65;
        const uint8_t *crt = alg == X509_ALG_ECDSA_P384 ? cs.ec : cs.ml;
        size_t crl = alg == X509_ALG_ECDSA_P384 ? cs.ec_len : cs.ml_len;
        rc = tsp_signed_attrs_encode(alg, crt, crl, tst, tst_len, 0, tbs, len);
    } else { /* compat: the ML-DSA countersignature of the verified ECDSA signature */
        if (tsp_signed_attrs_encode(X509_ALG_ECDSA_P384, cs.ec, cs.ec_len, tst, tst_len, 0, &ec_attrs, &ec_len) != 0 ||
            !r->ecsig_len ||
            x509_verify_raw(X509_ALG_ECDSA_P384, ep->ec_pub, sizeof ep->ec_pub, ec_attrs, ec_len, r->ecsig,
                            r->ecsig_len) != 0) {
            snprintf(why, whylen, "the countersigned ECDSA signature does not verify");
            goto out;
        }
        rc = tsp_signed_attrs_encode(X509_ALG_MLDSA65, cs.ml, cs.ml_len, r->ecsig, r->ecsig_len, 1, tbs, len);
    }
    if (rc != 0) snprintf(why, whylen, "signedAttrs do not encode");
out:
    free(tst);
    free(ec_attrs);
    return rc;
}

int cl_expected_tbs(cluster *c, cl_epoch *ep, const cl_sign_req *r, uint8_t **tbs, size_t *len, char *why,
                    size_t whylen)
{
    pthread_mutex_lock(&c->mu);
    lc_epoch_state es = c->ep == ep ? c->epoch_state : LC_EPOCH_RETIRED;
    pthread_mutex_unlock(&c->mu);
    *tbs = NULL;
    switch (r->purpose) {
    case CL_PURPOSE_TOKEN:
        if (es != LC_EPOCH_ACTIVE) return snprintf(why, whylen, "epoch not ACTIVE"), -1;
        return token_tbs(c, ep, r, tbs, len, why, whylen);
    case CL_PURPOSE_SELFTEST: {
        if (es != LC_EPOCH_DKG) return snprintf(why, whylen, "self-tests only during the DKG"), -1;
        uint8_t m[96];
        *len = cl_selftest_msg(ep, r->scheme, r->set, m);
        if (!(*tbs = malloc(*len))) return -1;
        memcpy(*tbs, m, *len);
        return 0;
    }
    case CL_PURPOSE_CSR:
        if (es != LC_EPOCH_DKG && es != LC_EPOCH_ACTIVE) return snprintf(why, whylen, "no live epoch"), -1;
        if (cl_csr_info(c, ep, r->scheme, tbs, len) != 0) return snprintf(why, whylen, "CSR rebuild failed"), -1;
        return 0;
    case CL_PURPOSE_BINDING:
        if (es != LC_EPOCH_DKG && es != LC_EPOCH_ACTIVE) return snprintf(why, whylen, "no live epoch"), -1;
        if (cl_binding_expected(c, ep, tbs, len) != 0)
            return snprintf(why, whylen, "no binding record rebuilt here"), -1;
        return 0;
    case CL_PURPOSE_AUDIT_HEAD:
        if (es != LC_EPOCH_ACTIVE) return snprintf(why, whylen, "epoch not ACTIVE"), -1;
        return cl_audit_head_expected(r->tbs, r->tbs_len, tbs, len, why, whylen);
    default: return snprintf(why, whylen, "purpose not signed here"), -1;
    }
}

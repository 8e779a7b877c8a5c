/* cluster_certs.c: CSR checks, certificate acceptance, and the public calls that hand out or take
 * in the epoch's material (cluster_certs, cluster_csrs, cluster_binding, cluster_install_certs) and
 * the operator's epoch commands (retire, compromised, renew). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/base.h"
#include "node/cluster_certs.h"
#include "node/cluster_msg.h"
#include "node/cluster_sign.h"
#include "x509/cert.h"
#include "x509/csr.h"
#include "x509/pem.h"

int cl_check_csr(cluster *c, const cl_epoch *ep, unsigned scheme, const uint8_t *der, size_t len, char *why,
                 size_t whylen)
{
    x509_csr r;
    uint8_t *info = NULL;
    size_t il = 0;
    if (x509_csr_parse(&r, der, len) != 0 || x509_csr_verify(&r) != 0)
        return snprintf(why, whylen, "CSR does not parse or verify: %s", x509_error_reason()), -1;
    if (cl_csr_info(c, ep, scheme, &info, &il) != 0) return snprintf(why, whylen, "cannot rebuild the CSR"), -1;
    int same = il == r.info.len && !memcmp(info, r.info.p, il);
    free(info);
    if (!same) return snprintf(why, whylen, "CSR differs from this node's rebuild"), -1;
    return 0;
}

static int load_root(const char *dir, const char *tag, uint8_t **der, size_t *len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/root-%s.pem", dir, tag);
    return x509_read_pem_or_der(path, "CERTIFICATE", der, len);
}

/* One certificate: key, measurement, TSA profile, chain to one of the roots, valid now. */
static int check_one(cluster *c, const char *name, const uint8_t *der, size_t len, int alg, const uint8_t *pub,
                     size_t publen, const uint8_t *const *roots, const size_t *root_lens, size_t n_roots, char *why,
                     size_t whylen)
{
    x509_cert cert, chain[2];
    uint8_t m[X509_MEASUREMENT_BYTES];
    uint32_t flags = 0;
    if (x509_cert_parse(&cert, der, len) != 0) return snprintf(why, whylen, "%s: does not parse", name), -1;
    if (cert.key_alg != alg || cert.pub.len != publen || memcmp(cert.pub.p, pub, publen))
        return snprintf(why, whylen, "%s: key is not the group key", name), -1;
    if (x509_cert_measurement(&cert, m) != 0 || memcmp(m, c->cfg.measurement, sizeof m))
        return snprintf(why, whylen, "%s: TcbInfo measurement is not this node's", name), -1;
    if (x509_cert_tcb_flags(&cert, &flags) != 0 || (flags & X509_TCB_DEBUG))
        return snprintf(why, whylen, "%s: TcbInfo debug flag set", name), -1;
    if (x509_cert_check_tsa(&cert) != 0) return snprintf(why, whylen, "%s: not a TSA certificate", name), -1;
    time_t now = time(NULL);
    if (now < cert.not_before || now > cert.not_after) return snprintf(why, whylen, "%s: not valid now", name), -1;
    for (size_t i = 0; i < n_roots; i++) {
        chain[0] = cert;
        if (x509_cert_parse(&chain[1], roots[i], root_lens[i]) == 0 && x509_chain_verify(chain, 2, now) == 0) return 0;
    }
    return snprintf(why, whylen, "%s: does not chain to a pinned root", name), -1;
}

int cl_accept_certs(cluster *c, cl_epoch *ep, const uint8_t *ec, size_t ec_len, const uint8_t *ml, size_t ml_len,
                    char *why, size_t whylen)
{
    const uint8_t *roots[8];
    size_t lens[8], n = 0;
    uint8_t *dev[2] = {0};
    size_t devl[2] = {0};
    int rc = -1;
    if (c->cfg.dev_ca) {
        if (load_root(c->cfg.dev_ca, "ecdsa", &dev[0], &devl[0]) == 0) roots[n] = dev[0], lens[n++] = devl[0];
        if (load_root(c->cfg.dev_ca, "mldsa", &dev[1], &devl[1]) == 0) roots[n] = dev[1], lens[n++] = devl[1];
    }
    for (size_t i = 0; i < c->cfg.n_ca_roots && n < 8; i++)
        roots[n] = c->cfg.ca_roots[i], lens[n++] = c->cfg.ca_root_lens[i];
    if (!n) {
        snprintf(why, whylen, "no pinned CA root configured");
        goto out;
    }
    if (check_one(c, "ECDSA certificate", ec, ec_len, X509_ALG_ECDSA_P384, ep->ec_pub, sizeof ep->ec_pub, roots, lens,
                  n, why, whylen) != 0 ||
        check_one(c, "ML-DSA certificate", ml, ml_len, X509_ALG_MLDSA65, ep->ml_pk, sizeof ep->ml_pk, roots, lens, n,
                  why, whylen) != 0)
        goto out;
    pthread_mutex_lock(&c->mu);
    int same = ep->ec_cert && ep->ec_cert_len == ec_len && !memcmp(ep->ec_cert, ec, ec_len) &&
               ep->ml_cert_len == ml_len && !memcmp(ep->ml_cert, ml, ml_len);
    pthread_mutex_unlock(&c->mu);
    if (same) { /* the operator posted them to several nodes, and they were relayed too */
        rc = 0;
        goto out;
    }
    uint8_t *e2 = malloc(ec_len), *m2 = malloc(ml_len);
    if (!e2 || !m2) {
        free(e2), free(m2);
        snprintf(why, whylen, "out of memory");
        goto out;
    }
    memcpy(e2, ec, ec_len), memcpy(m2, ml, ml_len);
    pthread_mutex_lock(&c->mu);
    /* sessions in flight may still read the old ones: they live as long as the epoch */
    if (ep->ec_cert && ep->n_old_certs + 2 <= CL_OLD_CERTS) {
        ep->old_certs[ep->n_old_certs++] = ep->ec_cert;
        ep->old_certs[ep->n_old_certs++] = ep->ml_cert;
    } else if (ep->ec_cert) {
        pthread_mutex_unlock(&c->mu);
        free(e2), free(m2);
        snprintf(why, whylen, "too many certificate replacements in this epoch");
        goto out;
    }
    ep->ec_cert = e2, ep->ec_cert_len = ec_len;
    ep->ml_cert = m2, ep->ml_cert_len = ml_len;
    pthread_mutex_unlock(&c->mu);
    rc = 0;
out:
    free(dev[0]), free(dev[1]);
    return rc;
}

static int copy_pair(cluster *c, int csrs, uint8_t **ec, size_t *ec_len, uint8_t **ml, size_t *ml_len)
{
    int rc = -1;
    *ec = *ml = NULL;
    pthread_mutex_lock(&c->mu);
    cl_epoch *ep = c->ep;
    const uint8_t *a = ep ? (csrs ? ep->ec_csr : ep->ec_cert) : NULL,
                  *b = ep ? (csrs ? ep->ml_csr : ep->ml_cert) : NULL;
    size_t al = ep ? (csrs ? ep->ec_csr_len : ep->ec_cert_len) : 0,
           bl = ep ? (csrs ? ep->ml_csr_len : ep->ml_cert_len) : 0;
    if (a && b && (*ec = malloc(al)) && (*ml = malloc(bl))) {
        memcpy(*ec, a, al), *ec_len = al;
        memcpy(*ml, b, bl), *ml_len = bl;
        rc = 0;
    } else {
        free(*ec), free(*ml);
        *ec = *ml = NULL;
    }
    pthread_mutex_unlock(&c->mu);
    return rc;
}

int cluster_certs(cluster *c, uint8_t **ec, size_t *ec_len, uint8_t **ml, size_t *ml_len)
{
    return c ? copy_pair(c, 0, ec, ec_len, ml, ml_len) : -1;
}

int cluster_csrs(cluster *c, uint8_t **ec, size_t *ec_len, uint8_t **ml, size_t *ml_len)
{
    return c ? copy_pair(c, 1, ec, ec_len, ml, ml_len) : -1;
}

int cluster_binding(cluster *c, uint8_t **der, size_t *len)
{
    int rc = -1;
    if (!c || !der || !len) return -1;
    *der = NULL;
    pthread_mutex_lock(&c->mu);
    if (c->ep && c->ep->binding && (*der = malloc(c->ep->binding_len))) {
        memcpy(*der, c->ep->binding, c->ep->binding_len);
        *len = c->ep->binding_len;
        rc = 0;
    }
    pthread_mutex_unlock(&c->mu);
    return rc;
}

int cluster_install_certs(cluster *c, const uint8_t *ec, size_t ec_len, const uint8_t *ml, size_t ml_len, char *why,
                          size_t whylen)
{
    if (!c || !ec || !ml) return snprintf(why, whylen, "missing certificate"), -1;
    pthread_mutex_lock(&c->mu);
    cl_epoch *ep = cl_epoch_get(c);
    pthread_mutex_unlock(&c->mu);
    if (!ep) return snprintf(why, whylen, "no key epoch to certify"), -1;
    int rc = cl_accept_certs(c, ep, ec, ec_len, ml, ml_len, why, whylen);
    pthread_mutex_lock(&c->mu);
    if (rc == 0 && c->ep == ep && c->node_state == LC_NODE_SERVING) {
        if (c->epoch_state == LC_EPOCH_DKG && c->cfg.dev_ca) {
            (void)cl_epoch_event(c, LC_EV_DKG_DONE);
            c->reason[0] = 0;
        } else
            cl_binding_after_certs(c, ep); /* production DKG, or renewed certificates in an ACTIVE epoch */
    }
    pthread_mutex_unlock(&c->mu);
    /* certificates authenticate themselves (group key, measurement, pinned root): every peer gets
     * them and checks them itself, so one operator post reaches the whole cluster */
    if (rc == 0) cl_send_certs(c, ep, NULL, ec, ec_len, ml, ml_len);
    pthread_mutex_lock(&c->mu);
    cl_epoch_release(c, ep);
    pthread_mutex_unlock(&c->mu);
    cl_notify(c);
    return rc;
}

void cl_send_certs(cluster *c, const cl_epoch *ep, const uint8_t *to, const uint8_t *ec, size_t ec_len,
                   const uint8_t *ml, size_t ml_len)
{
    const uint8_t *b[2] = {ec, ml};
    size_t l[2] = {ec_len, ml_len}, blob_len = 0;
    uint8_t *blob = cl_pack(b, l, 2, &blob_len);
    if (!blob) return;
    cl_msg m = {.kind = CL_KIND_CERTS, .party = (uint8_t)ep->self, .epoch = ep->number, .bc = blob, .bc_len = blob_len};
    memcpy(m.sender, c->cfg.self_key, CLUSTER_KEY_BYTES);
    for (unsigned q = 1; q <= CL_N; q++)
        if (q != ep->self && (!to || !memcmp(to, ep->keys[q - 1], CLUSTER_KEY_BYTES)))
            (void)cl_send_key(c, ep->keys[q - 1], &m);
    free(blob);
}

int cluster_retire(cluster *c, char *why, size_t whylen)
{
    if (!c) return -1;
    pthread_mutex_lock(&c->mu);
    int rc = -1;
    if (c->epoch_state != LC_EPOCH_ACTIVE)
        snprintf(why, whylen, "no ACTIVE epoch to retire");
    else {
        cl_retire_locked(c, "operator: planned rotation");
        rc = 0;
    }
    pthread_mutex_unlock(&c->mu);
    cl_notify(c);
    return rc;
}

int cluster_compromised(cluster *c, char *why, size_t whylen)
{
    if (!c) return -1;
    pthread_mutex_lock(&c->mu);
    int rc = -1;
    if (cl_epoch_event(c, LC_EV_COMPROMISE) != 0)
        snprintf(why, whylen, "no live epoch to declare compromised");
    else {
        cl_retire_locked(c, "operator: compromise declared");
        rc = 0;
    }
    pthread_mutex_unlock(&c->mu);
    cl_notify(c);
    return rc;
}

typedef struct {
    cluster *c;
    cl_epoch *ep;
    cl_item *it;
} certs_job;

/* A peer's ECDSA certificate issued before ours (a node that missed a renewal sends its old pair
 * when it rejoins): ours stay. */
static int older_than_ours(cluster *c, cl_epoch *ep, const uint8_t *ec, size_t ec_len)
{
    x509_cert theirs, ours;
    pthread_mutex_lock(&c->mu);
    int older = ep->ec_cert && x509_cert_parse(&ours, ep->ec_cert, ep->ec_cert_len) == 0 &&
                x509_cert_parse(&theirs, ec, ec_len) == 0 && theirs.not_before < ours.not_before;
    pthread_mutex_unlock(&c->mu);
    return older;
}

/* A party of the epoch came UP: it gets our certificates, and sends its own (the newer pair wins
 * on both sides), so a node unreachable during a renewal catches up (c->mu held; sends after
 * releasing it). */
void cl_certs_on_rejoin(cluster *c, const uint8_t key[CLUSTER_KEY_BYTES])
{
    cl_epoch *ep = c->ep;
    if (!ep || !ep->ec_cert || !ep->ml_cert || (c->epoch_state != LC_EPOCH_ACTIVE && c->epoch_state != LC_EPOCH_DKG))
        return;
    uint8_t *ec = malloc(ep->ec_cert_len), *ml = malloc(ep->ml_cert_len);
    size_t el = ep->ec_cert_len, mlen = ep->ml_cert_len;
    if (ec && ml) {
        memcpy(ec, ep->ec_cert, el), memcpy(ml, ep->ml_cert, mlen);
        ep->refs++;
        pthread_mutex_unlock(&c->mu);
        cl_send_certs(c, ep, key, ec, el, ml, mlen);
        pthread_mutex_lock(&c->mu);
        cl_epoch_release(c, ep);
    }
    free(ec), free(ml);
}

static void *certs_main(void *arg)
{
    certs_job *j = arg;
    const uint8_t *b[2];
    size_t l[2];
    char why[256] = "malformed";
    int ok = cl_unpack(j->it->m.bc, j->it->m.bc_len, b, l, 2) == 0,
        older = ok && older_than_ours(j->c, j->ep, b[0], l[0]);
    ok = ok && !older && cl_accept_certs(j->c, j->ep, b[0], l[0], b[1], l[1], why, sizeof why) == 0;
    if (older)
        cl_log_info(j->c, "certificates from party %u are older than ours: kept ours", j->it->m.party);
    else if (!ok)
        cl_log_info(j->c, "certificates from party %u refused: %s", j->it->m.party, why);
    else
        cl_log_info(j->c, "certificates from party %u accepted", j->it->m.party);
    pthread_mutex_lock(&j->c->mu);
    if (ok && j->c->node_state == LC_NODE_SERVING) cl_binding_after_certs(j->c, j->ep);
    cl_epoch_release(j->c, j->ep);
    cl_item_free(j->it);
    pthread_mutex_unlock(&j->c->mu);
    cl_notify(j->c);
    free(j);
    return NULL;
}

void cl_on_certs(cluster *c, cl_item *it)
{
    cl_epoch *ep = c->ep;
    certs_job *j = NULL;
    if (!ep || (c->epoch_state != LC_EPOCH_ACTIVE && c->epoch_state != LC_EPOCH_DKG) || it->m.epoch != ep->number ||
        it->m.party < 1 || memcmp(ep->keys[it->m.party - 1], it->m.sender, CLUSTER_KEY_BYTES) ||
        !(j = malloc(sizeof *j))) {
        cl_item_free(it);
        return;
    }
    *j = (certs_job){c, cl_epoch_get(c), it};
    if (cl_spawn(c, certs_main, j) != 0) {
        cl_epoch_release(c, j->ep);
        cl_item_free(it);
        free(j);
    }
}

/* Fresh threshold-signed CSRs with a live signer set of this node; local mode: the dev CA issues
 * the certificates, this node installs them and sends them to every peer, which applies the
 * same acceptance checks. */
int cluster_renew_certs(cluster *c, char *why, size_t whylen)
{
    if (!c) return -1;
    pthread_mutex_lock(&c->mu);
    cl_epoch *ep = c->epoch_state == LC_EPOCH_ACTIVE ? cl_epoch_get(c) : NULL;
    pthread_mutex_unlock(&c->mu);
    if (!ep) return snprintf(why, whylen, "no ACTIVE epoch"), -1;
    uint8_t *csr[2] = {0}, *cert[2] = {0};
    size_t csr_len[2] = {0}, cert_len[2] = {0};
    unsigned sets[6], n = cl_candidate_sets(c, ep, 1, sets);
    cl_err e = {0};
    int rc = -1;
    for (unsigned k = 0; k < n && !csr[1]; k++) {
        free(csr[0]), free(csr[1]);
        csr[0] = csr[1] = NULL;
        if (cl_csr_build(c, ep, CL_SCHEME_EC, sets[k], &csr[0], &csr_len[0], &e) != 0 ||
            cl_csr_build(c, ep, CL_SCHEME_ML, sets[k], &csr[1], &csr_len[1], &e) != 0) {
            free(csr[0]), free(csr[1]);
            csr[0] = csr[1] = NULL;
            if (e.culprit) cl_blame(c, ep, &e);
        }
    }
    if (!csr[0] || !csr[1]) {
        snprintf(why, whylen, "no signer set could sign the CSRs%s%s", e.reason[0] ? ": " : "", e.reason);
        goto out;
    }
    pthread_mutex_lock(&c->mu);
    free(ep->ec_csr), free(ep->ml_csr);
    ep->ec_csr = csr[0], ep->ec_csr_len = csr_len[0];
    ep->ml_csr = csr[1], ep->ml_csr_len = csr_len[1];
    csr[0] = csr[1] = NULL;
    pthread_mutex_unlock(&c->mu);
    if (!c->cfg.dev_ca) { /* production: the operator fetches the CSRs and installs the certificates */
        rc = 0;
        goto out;
    }
    pthread_mutex_lock(&c->mu);
    const uint8_t *cb[2] = {ep->ec_csr, ep->ml_csr};
    size_t cl[2] = {ep->ec_csr_len, ep->ml_csr_len};
    pthread_mutex_unlock(&c->mu);
    for (int i = 0; i < 2; i++)
        if (tsp_devca_sign_csr(c->cfg.dev_ca, cb[i], cl[i], c->cfg.measurement, c->cfg.cert_lifetime, &cert[i],
                               &cert_len[i], why, whylen) != 0)
            goto out;
    if (cl_accept_certs(c, ep, cert[0], cert_len[0], cert[1], cert_len[1], why, whylen) != 0) goto out;
    cl_send_certs(c, ep, NULL, cert[0], cert_len[0], cert[1], cert_len[1]);
    cl_log_info(c, "certificates renewed and sent to the peers");
    pthread_mutex_lock(&c->mu);
    if (c->node_state == LC_NODE_SERVING) cl_binding_after_certs(c, ep); /* a record naming them */
    pthread_mutex_unlock(&c->mu);
    rc = 0;
out:
    free(csr[0]), free(csr[1]), free(cert[0]), free(cert[1]);
    pthread_mutex_lock(&c->mu);
    cl_epoch_release(c, ep);
    pthread_mutex_unlock(&c->mu);
    cl_notify(c);
    return rc;
}

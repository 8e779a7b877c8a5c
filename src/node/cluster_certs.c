/* cluster_certs.c: CSR checks, certificate acceptance, and the public calls that hand out or take
 * in the epoch's material (cluster_certs, cluster_csrs, cluster_binding, cluster_install_certs) and
 * the operator's epoch commands (retire, compromised, renew). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/base.h"
#include "node/cluster_certs.h"
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
    for (size_t i = 0; i < c->cfg.n_ca_roots && n < 8; i++) roots[n] = c->cfg.ca_roots[i], lens[n++] = c->cfg.ca_root_lens[i];
    if (!n) {
        snprintf(why, whylen, "no pinned CA root configured");
        goto out;
    }
    if (check_one(c, "ECDSA certificate", ec, ec_len, X509_ALG_ECDSA_P384, ep->ec_pub, sizeof ep->ec_pub, roots, lens, n,
                  why, whylen) != 0 ||
        check_one(c, "ML-DSA certificate", ml, ml_len, X509_ALG_MLDSA65, ep->ml_pk, sizeof ep->ml_pk, roots, lens, n, why,
                  whylen) != 0)
        goto out;
    uint8_t *e2 = malloc(ec_len), *m2 = malloc(ml_len);
    if (!e2 || !m2) {
        free(e2), free(m2);
        snprintf(why, whylen, "out of memory");
        goto out;
    }
    memcpy(e2, ec, ec_len), memcpy(m2, ml, ml_len);
    pthread_mutex_lock(&c->mu);
    free(ep->ec_cert), free(ep->ml_cert);
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
    const uint8_t *a = ep ? (csrs ? ep->ec_csr : ep->ec_cert) : NULL, *b = ep ? (csrs ? ep->ml_csr : ep->ml_cert) : NULL;
    size_t al = ep ? (csrs ? ep->ec_csr_len : ep->ec_cert_len) : 0, bl = ep ? (csrs ? ep->ml_csr_len : ep->ml_cert_len) : 0;
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
    (void)c, (void)der, (void)len;
    return -1; /* the threshold-signed binding record is not built yet */
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
    if (rc == 0 && c->ep == ep && c->epoch_state == LC_EPOCH_DKG && c->node_state == LC_NODE_SERVING) {
        (void)cl_epoch_event(c, LC_EV_DKG_DONE);
        c->reason[0] = 0;
    }
    cl_epoch_release(c, ep);
    pthread_mutex_unlock(&c->mu);
    cl_notify(c);
    return rc;
}

int cluster_retire(cluster *c, char *why, size_t whylen)
{
    if (!c) return -1;
    pthread_mutex_lock(&c->mu);
    int rc = -1;
    if (c->epoch_state != LC_EPOCH_ACTIVE) snprintf(why, whylen, "no ACTIVE epoch to retire");
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
    if (cl_epoch_event(c, LC_EV_COMPROMISE) != 0) snprintf(why, whylen, "no live epoch to declare compromised");
    else {
        cl_retire_locked(c, "operator: compromise declared");
        rc = 0;
    }
    pthread_mutex_unlock(&c->mu);
    cl_notify(c);
    return rc;
}

int cluster_renew_certs(cluster *c, char *why, size_t whylen)
{
    (void)c;
    snprintf(why, whylen, "renewal is not implemented yet");
    return -1;
}

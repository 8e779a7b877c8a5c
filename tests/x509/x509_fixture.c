/* x509_fixture.c: see x509_fixture.h. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "x509/name.h"
#include "x509_fixture.h"

int fx_chain_make(fx_chain *c, int root_alg, int leaf_alg)
{
    memset(c, 0, sizeof *c);
    if (x509_keypair_generate(&c->root_key, root_alg) || x509_keypair_generate(&c->leaf_key, leaf_alg)) return -1;
    uint8_t *rname, *lname, ski[X509_KEYID_BYTES];
    size_t rlen, llen;
    if (x509_name_from_string("CN=cctsa test root,O=cctsa,C=DE", &rname, &rlen) ||
        x509_name_from_string("CN=cctsa test tsa,O=cctsa,C=DE", &lname, &llen))
        return -1;
    time_t now = time(NULL);
    x509_cert_template rt = {.profile = X509_PROFILE_ROOT_CA,
                             .subject = rname,
                             .subject_len = rlen,
                             .not_before = now - 3600,
                             .not_after = now + 3650L * 86400,
                             .subject_alg = root_alg,
                             .subject_pub = c->root_key.signer.pub,
                             .subject_publen = c->root_key.signer.publen,
                             .path_len = 0};
    int rc = x509_cert_build(&rt, &c->root_key.signer, &c->root_der, &c->root_len);
    if (x509_key_id(c->root_key.signer.pub, c->root_key.signer.publen, ski) != 0) rc = -1;
    c->tcb.vendor = "AMD";
    c->tcb.model = "SEV-SNP";
    c->tcb.svn = 7;
    for (int i = 0; i < X509_MEASUREMENT_BYTES; i++) c->tcb.measurement[i] = (uint8_t)(0xA0 + i);
    static const uint8_t serial[] = {0x01, 0x02, 0x03, 0xF4};
    x509_cert_template lt = {.profile = X509_PROFILE_TSA,
                             .serial = serial,
                             .serial_len = sizeof serial,
                             .issuer = rname,
                             .issuer_len = rlen,
                             .subject = lname,
                             .subject_len = llen,
                             .not_before = now - 3600,
                             .not_after = now + 86400,
                             .subject_alg = leaf_alg,
                             .subject_pub = c->leaf_key.signer.pub,
                             .subject_publen = c->leaf_key.signer.publen,
                             .issuer_key_id = ski,
                             .issuer_key_id_len = sizeof ski,
                             .path_len = -1,
                             .tcbinfo = &c->tcb};
    if (!rc) rc = x509_cert_build(&lt, &c->root_key.signer, &c->leaf_der, &c->leaf_len);
    free(rname);
    free(lname);
    if (rc || x509_cert_parse(&c->root, c->root_der, c->root_len) ||
        x509_cert_parse(&c->leaf, c->leaf_der, c->leaf_len))
        return -1;
    return 0;
}

void fx_chain_free(fx_chain *c)
{
    x509_keypair_free(&c->root_key);
    x509_keypair_free(&c->leaf_key);
    free(c->root_der);
    free(c->leaf_der);
    memset(c, 0, sizeof *c);
}

X509 *fx_openssl_x509(const uint8_t *der, size_t len, int *reencodes_same)
{
    const unsigned char *p = der;
    X509 *x = d2i_X509(NULL, &p, (long)len);
    *reencodes_same = 0;
    if (!x || p != der + len) {
        X509_free(x);
        return NULL;
    }
    unsigned char *out = NULL;
    int n = i2d_X509(x, &out);
    *reencodes_same = n > 0 && (size_t)n == len && memcmp(out, der, len) == 0;
    OPENSSL_free(out);
    return x;
}

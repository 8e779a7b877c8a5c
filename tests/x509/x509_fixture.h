/* x509_fixture.h: builds a root CA and a TSA leaf for the x509 tests (either algorithm), and
 * bridges to OpenSSL's independent parser and verifier. */
#ifndef CCTSA_TESTS_X509_FIXTURE_H
#define CCTSA_TESTS_X509_FIXTURE_H

#include <openssl/x509.h>

#include "x509/cert.h"
#include "x509/keyfile.h"

typedef struct {
    x509_keypair root_key, leaf_key;
    uint8_t *root_der, *leaf_der;
    size_t root_len, leaf_len;
    x509_cert root, leaf;
    x509_tcbinfo tcb;
} fx_chain;

/* Root of root_alg signing a TSA leaf of leaf_alg, valid from now-1h for 1 day (root 10 years). */
int fx_chain_make(fx_chain *c, int root_alg, int leaf_alg);
void fx_chain_free(fx_chain *c);

/* OpenSSL parses der as an X509 and re-encodes it to the identical bytes (DER canonical form). */
X509 *fx_openssl_x509(const uint8_t *der, size_t len, int *reencodes_same);

#endif

/* tsp_signer.h: the seam between the RFC 3161 engine and whatever produces signatures. A TSA
 * identity is an x509_signer (src/x509/signer.h: algorithm, public key, sign callback over the
 * exact bytes, here the DER of a SignerInfo's signedAttrs) plus the certificate of that key.
 * tsp_local_keys holds in-memory ECDSA P-384 and ML-DSA-65 keys for tests and the development
 * gateway; the threshold cluster provides its own x509_signer later. */
#ifndef CCTSA_TSP_SIGNER_H
#define CCTSA_TSP_SIGNER_H

#include <openssl/evp.h>
#include <stddef.h>
#include <stdint.h>

#include "base/base.h"

#include "x509/signer.h"

typedef struct {
    const x509_signer *signer; /* borrowed */
    const uint8_t *cert;       /* DER certificate of signer's key (borrowed) */
    size_t cert_len;
} tsp_identity;

/* Ephemeral local keys. Do not copy the struct after tsp_local_keys_generate: the signers point
 * into it. Certificates are attached once issued; identities are usable after that. */
typedef struct {
    EVP_PKEY *ec_pkey;
    x509_ecdsa_key ec_key;
    x509_signer ec_signer;
    x509_mldsa_key *ml_key; /* secure memory (cc_secure_alloc), wiped on free */
    x509_signer ml_signer;
    uint8_t *ec_cert, *ml_cert;
    size_t ec_cert_len, ml_cert_len;
    tsp_identity ec, ml;
} tsp_local_keys;

/* Fresh keys from the OS RNG; 0 on success. */
CC_MUST_CHECK int tsp_local_keys_generate(tsp_local_keys *k);
/* Attach a copy of the certificate for the key of algorithm alg (X509_ALG_*). */
CC_MUST_CHECK int tsp_local_keys_set_cert(tsp_local_keys *k, int alg, const uint8_t *cert, size_t len);
void tsp_local_keys_free(tsp_local_keys *k); /* wipes the private keys */

#endif

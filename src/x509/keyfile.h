/* keyfile.h: in-memory key pairs for local signing (the development CA and tests) and their
 * PKCS#8 "PRIVATE KEY" files: P-384 through OpenSSL, ML-DSA-65 in the RFC 9881 seed form
 * (privateKey = [0] IMPLICIT OCTET STRING (SIZE 32)). Files are written with mode 0600. */
#ifndef CCTSA_X509_KEYFILE_H
#define CCTSA_X509_KEYFILE_H

#include <openssl/evp.h>

#include "base/base.h"

#include "x509/signer.h"

typedef struct {
    int alg;      /* X509_ALG_* */
    EVP_PKEY *ec; /* P-384 */
    x509_ecdsa_key eck;
    uint8_t seed[CC_MLDSA65_SEEDBYTES]; /* ML-DSA-65 */
    x509_mldsa_key *ml;                 /* heap: 6 KB */
    x509_signer signer;                 /* ready to sign once generated/loaded */
} x509_keypair;

CC_MUST_CHECK int x509_keypair_generate(x509_keypair *k, int alg);
/* Load a PKCS#8 PEM (or DER) private key file of either algorithm. 0 or -1. */
CC_MUST_CHECK int x509_keypair_load(x509_keypair *k, const char *path);
/* Write the key as PKCS#8 PEM with mode 0600; never overwrites an existing file. 0 or -1. */
CC_MUST_CHECK int x509_keypair_save(const x509_keypair *k, const char *path);
/* Wipe and release (safe on a zeroed or failed keypair). */
void x509_keypair_free(x509_keypair *k);

#endif

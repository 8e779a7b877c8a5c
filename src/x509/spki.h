/* spki.h: a bare SubjectPublicKeyInfo (RFC 5280) of our two algorithms, as "PUBLIC KEY" files
 * carry it (operator keys): encode from a signer's public key, strict parse back. */
#ifndef CCTSA_X509_SPKI_H
#define CCTSA_X509_SPKI_H

#include <stddef.h>

#include "base/base.h"
#include <stdint.h>

/* DER SPKI for (alg, pub) into *der (malloc'd). 0, or -1 for a bad key. */
CC_MUST_CHECK int x509_spki_encode(int alg, const uint8_t *pub, size_t publen, uint8_t **der, size_t *len);
/* Exactly one SPKI TLV of a supported algorithm; *pub points into der. 0, or -1. */
CC_MUST_CHECK int x509_spki_parse(const uint8_t *der, size_t len, int *alg, const uint8_t **pub, size_t *publen);

#endif

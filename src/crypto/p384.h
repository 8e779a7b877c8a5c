/* p384.h: ECDSA P-384 public keys through OpenSSL 3.0: the one place that turns a raw
 * uncompressed point (04 || X || Y, 97 bytes) into an EVP_PKEY, validated on the curve. Used by
 * the X.509 verifier and the threshold ECDSA verify path. */
#ifndef CCTSA_CRYPTO_P384_H
#define CCTSA_CRYPTO_P384_H

#include <openssl/evp.h>
#include <stddef.h>
#include <stdint.h>

#define CC_P384_PUBBYTES 97

/* EVP_PKEY for an uncompressed P-384 point, or NULL if it is malformed or not on the curve.
 * The caller frees it with EVP_PKEY_free. */
EVP_PKEY *cc_p384_public_key(const uint8_t *pub, size_t publen);

#endif

/* p384.h: ECDSA P-384 through OpenSSL 3.0, the one copy of each for x509, tsp and the threshold
 * ECDSA: turning a raw uncompressed point (04 || X || Y, 97 bytes) into an EVP_PKEY validated on
 * the curve, encoding a raw (r, s) as a DER Ecdsa-Sig-Value, and verifying a DER signature. */
#ifndef CCTSA_CRYPTO_P384_H
#define CCTSA_CRYPTO_P384_H

#include <openssl/evp.h>
#include <stddef.h>
#include <stdint.h>

#include "base/base.h"
#define CC_P384_PUBBYTES 97

/* EVP_PKEY for an uncompressed P-384 point, or NULL if it is malformed or not on the curve.
 * The caller frees it with EVP_PKEY_free. */
EVP_PKEY *cc_p384_public_key(const uint8_t *pub, size_t publen);

#define CC_P384_SCALARBYTES 48
#define CC_P384_DIGESTBYTES 48
#define CC_P384_SIG_MAX_DER 104 /* 30 66 02 31 <49> 02 31 <49> */

/* Encode r and s (48-byte big-endian each) as a minimal DER Ecdsa-Sig-Value
 * SEQUENCE { INTEGER r, INTEGER s } (a zero value is encoded as 02 01 00). Writes at most
 * CC_P384_SIG_MAX_DER bytes to out and returns the length (never 0). No allocation; the running
 * time depends on the number of leading zero bytes of r and s (public signature values). */
size_t cc_p384_sig_to_der(const uint8_t r[CC_P384_SCALARBYTES], const uint8_t s[CC_P384_SCALARBYTES],
                          uint8_t out[CC_P384_SIG_MAX_DER]);

/* ECDSA verification of a DER signature over a SHA-384 digest with pkey (EVP_PKEY_verify, which
 * rejects non-canonical DER). Returns 1 if valid, 0 if not, -1 on an internal error. Clears the
 * OpenSSL error queue. */
CC_MUST_CHECK int cc_p384_verify_digest(EVP_PKEY *pkey, const uint8_t digest[CC_P384_DIGESTBYTES], const uint8_t *der,
                                        size_t derlen);

/* The same over a message: digest = SHA-384(msg), then cc_p384_verify_digest. */
CC_MUST_CHECK int cc_p384_verify(EVP_PKEY *pkey, const uint8_t *msg, size_t msglen, const uint8_t *der, size_t derlen);

#endif

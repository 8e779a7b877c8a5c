/* tecdsa_verify.h: standalone ECDSA P-384 verification of a SHA-384 digest against an
 * uncompressed public key, for DER (strict: BER, non-minimal encodings and trailing data are
 * rejected by re-encoding and comparing) and IEEE P1363 r||s signatures. Returns TECDSA_OK,
 * TECDSA_ERR_POINT (bad key), TECDSA_ERR_FORMAT (bad encoding), TECDSA_ERR_SCALAR (r or s not in
 * [1, n-1]) or TECDSA_ERR_VERIFY. */
#ifndef CCTSA_THRESHOLD_TECDSA_VERIFY_H
#define CCTSA_THRESHOLD_TECDSA_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include "threshold/ecdsa/tecdsa.h"

#define TECDSA_P1363_BYTES 96

int tecdsa_verify_der(const uint8_t pub[TECDSA_PUB_BYTES], const uint8_t digest[TECDSA_DIGEST_BYTES],
                      const uint8_t *sig, size_t sig_len);
int tecdsa_verify_p1363(const uint8_t pub[TECDSA_PUB_BYTES], const uint8_t digest[TECDSA_DIGEST_BYTES],
                        const uint8_t *sig, size_t sig_len);

#endif

/* tsp_token.h: building a TimeStampToken: a CMS ContentInfo/SignedData (RFC 5652) wrapping a
 * TSTInfo, with one SignerInfo per signer of the profile. Each SignerInfo has the signed
 * attributes contentType, messageDigest and signingCertificateV2 (RFC 5035, ESSCertIDv2 with
 * SHA-256 and issuerSerial); in the compat profile the ECDSA SignerInfo carries an ML-DSA-65
 * countersignature (RFC 5652 section 11.4) of its signature value as an unsigned attribute (see
 * docs/token-profiles.md). */
#ifndef CCTSA_TSP_TOKEN_H
#define CCTSA_TSP_TOKEN_H

#include <stddef.h>

#include "base/base.h"
#include <stdint.h>

#include "tsp/tsp_profile.h"
#include "tsp/tsp_signer.h"

/* Sign tstinfo for the profile. ec is needed by classic, hybrid and compat, ml by pq, hybrid and
 * compat; their certificates are included when include_certs. 0 on success, -1 on any failure
 * (missing signer or certificate, signer error). */
CC_MUST_CHECK int tsp_token_build(const uint8_t *tstinfo, size_t tstinfo_len, tsp_profile profile,
                                  const tsp_identity *ec, const tsp_identity *ml, int include_certs, uint8_t **token,
                                  size_t *token_len);

/* The same in three phases, for signers that are elsewhere or slow (a threshold cluster):
 *   prepare: the exact signedAttrs bytes of every signature the profile needs;
 *   sign:    tsp_token_to_sign gives each part ready to sign (NULL while it is not: compat's
 *            countersignature covers the ECDSA signature value, so it is ready only once
 *            part 0's signature is set); the parts that are ready may be signed concurrently;
 *   assemble: the TimeStampToken once every signature is set.
 * The identities must hold signer (for the algorithm and public key) and certificate; their
 * sign callbacks are not called. Not thread-safe: one plan per request. */
typedef struct tsp_token_plan tsp_token_plan;
tsp_token_plan *tsp_token_prepare(const uint8_t *tstinfo, size_t tstinfo_len, tsp_profile profile,
                                  const tsp_identity *ec, const tsp_identity *ml, int include_certs);
CC_MUST_CHECK int tsp_token_parts(const tsp_token_plan *t); /* signatures the token needs: 1 or 2 */
/* The bytes part i's signature must cover, its algorithm in *alg; NULL if not ready or done. */
const uint8_t *tsp_token_to_sign(const tsp_token_plan *t, int i, size_t *len, int *alg);
CC_MUST_CHECK int tsp_token_set_signature(tsp_token_plan *t, int i, const uint8_t *sig, size_t sig_len); /* 0 or -1 */
CC_MUST_CHECK int tsp_token_assemble(const tsp_token_plan *t, uint8_t **token,
                                     size_t *token_len); /* -1 until all are set */
void tsp_token_plan_free(tsp_token_plan *t);

/* The exact signedAttrs DER (a SET, the bytes a SignerInfo's signature covers) for a signer of
 * algorithm alg (X509_ALG_ECDSA_P384: SHA-384 messageDigest, X509_ALG_MLDSA65: SHA-512) with
 * certificate cert, over content: the TSTInfo DER, or with countersig the countersigned
 * signature value (contentType then absent). A threshold participant rebuilds these bytes from
 * the TSTInfo and the certificate and compares them byte for byte with what it is asked to sign.
 * 0, or -1 (unknown alg, unparsable certificate). */
CC_MUST_CHECK int tsp_signed_attrs_encode(int alg, const uint8_t *cert, size_t cert_len, const uint8_t *content,
                                          size_t len, int countersig, uint8_t **out, size_t *outlen);

/* TimeStampResp { status granted, token }. */
CC_MUST_CHECK int tsp_resp_granted(const uint8_t *token, size_t token_len, uint8_t **out, size_t *outlen);

#endif

/* signer.h: the signing seam for certificates and CSRs. A signer is an algorithm, a public key and
 * a callback that signs the exact DER bytes handed to it, so the key can live anywhere: in memory
 * (the local signers below, for the development CA and tests) or in the threshold cluster.
 * Also the matching one-shot verification used by the certificate and CSR verifiers. */
#ifndef CCTSA_X509_SIGNER_H
#define CCTSA_X509_SIGNER_H

#include <openssl/evp.h>
#include <stddef.h>
#include <stdint.h>

#include "base/base.h"
#include "crypto/mldsa.h"

enum {
    X509_ALG_NONE = 0,
    X509_ALG_ECDSA_P384 = 1, /* key id-ecPublicKey/secp384r1, signature ecdsa-with-SHA384 */
    X509_ALG_MLDSA65 = 2     /* id-ml-dsa-65 for both (RFC 9881), pure mode, empty context */
};

#define X509_P384_PUBBYTES 97       /* uncompressed point 04 || X || Y */
#define X509_ECDSA_MAX_SIGBYTES 104 /* DER Ecdsa-Sig-Value for P-384 */
#define X509_MAX_SIGBYTES CC_MLDSA65_SIGBYTES

typedef struct {
    int alg;            /* X509_ALG_ECDSA_P384 | X509_ALG_MLDSA65 */
    const uint8_t *pub; /* P-384: 97-byte uncompressed point; ML-DSA-65: 1952-byte public key */
    size_t publen;
    /* Sign tbs. *siglen holds the capacity of sig on entry (at least X509_MAX_SIGBYTES) and the
     * signature length on return. ECDSA signatures are DER Ecdsa-Sig-Value (as X.509 and CMS
     * carry them); ML-DSA-65 signatures are the 3309 raw bytes. 0 on success, -1 on failure. */
    int (*sign)(void *ctx, const uint8_t *tbs, size_t len, uint8_t *sig, size_t *siglen);
    void *ctx;
} x509_signer;

/* Local signer over an in-memory P-384 EVP_PKEY (not owned; must outlive the signer). */
typedef struct {
    EVP_PKEY *pkey;
    uint8_t pub[X509_P384_PUBBYTES];
} x509_ecdsa_key;
CC_MUST_CHECK int x509_signer_ecdsa(x509_signer *s, x509_ecdsa_key *k, EVP_PKEY *pkey);

/* Local signer over an in-memory ML-DSA-65 key; wipe with x509_mldsa_key_wipe when done. */
typedef struct {
    uint8_t sk[CC_MLDSA65_SKBYTES];
    uint8_t pk[CC_MLDSA65_PKBYTES];
} x509_mldsa_key;
/* Expand the key from a 32-byte seed (the RFC 9881 private-key "seed" form). */
CC_MUST_CHECK int x509_mldsa_key_from_seed(x509_mldsa_key *k, const uint8_t seed[CC_MLDSA65_SEEDBYTES]);
CC_MUST_CHECK int x509_signer_mldsa(x509_signer *s, x509_mldsa_key *k);
void x509_mldsa_key_wipe(x509_mldsa_key *k);

/* Fresh P-384 key (caller frees with EVP_PKEY_free); NULL on failure. */
EVP_PKEY *x509_ecdsa_generate(void);
/* The 97-byte uncompressed point of a P-384 key. */
CC_MUST_CHECK int x509_ecdsa_public(EVP_PKEY *pkey, uint8_t pub[X509_P384_PUBBYTES]);

/* Verify a signature made by a signer of algorithm alg with public key pub over msg.
 * 0 if valid, -1 otherwise (including malformed keys or signatures). */
CC_MUST_CHECK int x509_verify_raw(int alg, const uint8_t *pub, size_t publen, const uint8_t *msg, size_t msglen,
                                  const uint8_t *sig, size_t siglen);

/* ECDSA P-384 signature formats: raw r || s (48 bytes each, big-endian, as threshold protocols
 * produce it) <-> DER Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } (RFC 5480 / X9.62).
 * *derlen holds the capacity on entry. The parser is strict DER and requires 0 < r, s < 2^384. */
CC_MUST_CHECK int x509_ecdsa_sig_to_der(const uint8_t rs[96], uint8_t *der, size_t *derlen);
CC_MUST_CHECK int x509_ecdsa_sig_from_der(const uint8_t *der, size_t derlen, uint8_t rs[96]);

/* Malleability (ecdsa_low_s.c): 1 if the DER signature's s is at most n/2 (the low-S form), 0 if
 * it is above, -1 if malformed. negate_s writes (r, n - s), the other valid form, into out
 * (*outlen: capacity in, length out); 0 or -1. The local ECDSA signer always emits low S. */
CC_MUST_CHECK int x509_ecdsa_sig_is_low_s(const uint8_t *der, size_t len);
CC_MUST_CHECK int x509_ecdsa_sig_negate_s(const uint8_t *der, size_t len, uint8_t *out, size_t *outlen);

/* Sign with s, checking the result is plausible for the algorithm; 0 or -1. */
CC_MUST_CHECK int x509_signer_sign(const x509_signer *s, const uint8_t *tbs, size_t len, uint8_t *sig, size_t *siglen);

#endif

/* mldsa.h: ML-DSA-65 (FIPS 204) public interface: key generation from a seed, signing (pure with
 * context, HashML-DSA pre-hash, internal with M' or external mu; deterministic when rnd is NULL,
 * hedged otherwise), verification, and the standard byte encodings. All functions return 0 on
 * success and a negative CC_MLDSA_E* code on failure; verify returns 0 only for a valid signature.
 * Secret intermediates are zeroized before return. */
#ifndef CCTSA_CRYPTO_MLDSA_H
#define CCTSA_CRYPTO_MLDSA_H

#include <stddef.h>
#include <stdint.h>

#define CC_MLDSA65_SEEDBYTES 32
#define CC_MLDSA65_PKBYTES 1952
#define CC_MLDSA65_SKBYTES 4032
#define CC_MLDSA65_SIGBYTES 3309
#define CC_MLDSA65_MUBYTES 64
#define CC_MLDSA65_TRBYTES 64
#define CC_MLDSA65_RNDBYTES 32
#define CC_MLDSA_MAX_CTX 255

enum {
    CC_MLDSA_OK = 0,
    CC_MLDSA_EINVAL = -1, /* bad argument: NULL pointer, context longer than 255 bytes */
    CC_MLDSA_EKEY = -2,   /* malformed key encoding (e.g. s1/s2 coefficient out of range) */
    CC_MLDSA_ESIG = -3,   /* signature does not verify or is malformed */
    CC_MLDSA_EHASH = -4,  /* unsupported pre-hash algorithm */
    CC_MLDSA_ENOMEM = -5, /* added: allocation failed (signer/verifier objects only) */
    CC_MLDSA_ERNG = -6,   /* added: the OS random generator failed (cc_mldsa65_keygen) */
};

/* Pre-hash algorithms for HashML-DSA (FIPS 204 section 5.4). */
typedef enum {
    CC_PH_SHA2_224,
    CC_PH_SHA2_256,
    CC_PH_SHA2_384,
    CC_PH_SHA2_512,
    CC_PH_SHA2_512_224,
    CC_PH_SHA2_512_256,
    CC_PH_SHA3_224,
    CC_PH_SHA3_256,
    CC_PH_SHA3_384,
    CC_PH_SHA3_512,
    CC_PH_SHAKE128,
    CC_PH_SHAKE256
} cc_prehash_alg;

/* Parse an ACVP-style name ("SHA2-256", "SHA3-512", "SHAKE-128", ...); -1 if unknown. */
int cc_prehash_from_name(const char *name);

/* ML-DSA.KeyGen_internal(xi). */
int cc_mldsa65_keygen_seed(uint8_t pk[CC_MLDSA65_PKBYTES], uint8_t sk[CC_MLDSA65_SKBYTES],
                           const uint8_t xi[CC_MLDSA65_SEEDBYTES]);
/* Fresh key from the OS RNG (getrandom). */
int cc_mldsa65_keygen(uint8_t pk[CC_MLDSA65_PKBYTES], uint8_t sk[CC_MLDSA65_SKBYTES]);

/* ML-DSA.Sign: pure interface with context. rnd NULL = deterministic (rnd = 0^32). */
int cc_mldsa65_sign(uint8_t sig[CC_MLDSA65_SIGBYTES], const uint8_t *msg, size_t msglen, const uint8_t *ctx,
                    size_t ctxlen, const uint8_t *rnd, const uint8_t sk[CC_MLDSA65_SKBYTES]);
/* HashML-DSA.Sign: msg is hashed with `ph` here. */
int cc_mldsa65_sign_prehash(uint8_t sig[CC_MLDSA65_SIGBYTES], const uint8_t *msg, size_t msglen, const uint8_t *ctx,
                            size_t ctxlen, cc_prehash_alg ph, const uint8_t *rnd, const uint8_t sk[CC_MLDSA65_SKBYTES]);
/* ML-DSA.Sign_internal on an already formatted M'. */
int cc_mldsa65_sign_internal(uint8_t sig[CC_MLDSA65_SIGBYTES], const uint8_t *mprime, size_t mlen, const uint8_t *rnd,
                             const uint8_t sk[CC_MLDSA65_SKBYTES]);
/* Sign_internal starting from an external mu = SHAKE256(tr || M', 64). */
int cc_mldsa65_sign_mu(uint8_t sig[CC_MLDSA65_SIGBYTES], const uint8_t mu[CC_MLDSA65_MUBYTES], const uint8_t *rnd,
                       const uint8_t sk[CC_MLDSA65_SKBYTES]);

int cc_mldsa65_verify(const uint8_t *sig, size_t siglen, const uint8_t *msg, size_t msglen, const uint8_t *ctx,
                      size_t ctxlen, const uint8_t pk[CC_MLDSA65_PKBYTES]);
int cc_mldsa65_verify_prehash(const uint8_t *sig, size_t siglen, const uint8_t *msg, size_t msglen, const uint8_t *ctx,
                              size_t ctxlen, cc_prehash_alg ph, const uint8_t pk[CC_MLDSA65_PKBYTES]);
int cc_mldsa65_verify_internal(const uint8_t *sig, size_t siglen, const uint8_t *mprime, size_t mlen,
                               const uint8_t pk[CC_MLDSA65_PKBYTES]);
int cc_mldsa65_verify_mu(const uint8_t *sig, size_t siglen, const uint8_t mu[CC_MLDSA65_MUBYTES],
                         const uint8_t pk[CC_MLDSA65_PKBYTES]);

/* mu = SHAKE256(SHAKE256(pk, 64) || 0x00 || len(ctx) || ctx || msg, 64): the pure-interface
 * message representative (what a threshold signer set agrees on). */
int cc_mldsa65_mu(uint8_t mu[CC_MLDSA65_MUBYTES], const uint8_t pk[CC_MLDSA65_PKBYTES], const uint8_t *msg,
                  size_t msglen, const uint8_t *ctx, size_t ctxlen);
/* pk from an expanded secret key (checks consistency of the encoding). */
int cc_mldsa65_pk_from_sk(uint8_t pk[CC_MLDSA65_PKBYTES], const uint8_t sk[CC_MLDSA65_SKBYTES]);

/* --- added beyond the original contract (all additive) ---
 * Reusable keys: decode and expand a key once (ExpandA, NTT of s1/s2/t0 or of t1 * 2^d), then
 * sign or verify many messages with it; this saves about a quarter of the signing time and half
 * of the verification time. The objects are immutable after creation, so one object may be used
 * by several threads at once. Freed objects are wiped. Signing with a signer gives exactly the
 * same signatures as the one-shot functions. Stack use of any call here: below 100 KiB. */
typedef struct cc_mldsa65_signer cc_mldsa65_signer;
typedef struct cc_mldsa65_verifier cc_mldsa65_verifier;

/* CC_MLDSA_EKEY for an out-of-range s1/s2 encoding, CC_MLDSA_ENOMEM if allocation fails. */
int cc_mldsa65_signer_new(cc_mldsa65_signer **out, const uint8_t sk[CC_MLDSA65_SKBYTES]);
void cc_mldsa65_signer_free(cc_mldsa65_signer *signer);
int cc_mldsa65_signer_sign(const cc_mldsa65_signer *signer, uint8_t sig[CC_MLDSA65_SIGBYTES], const uint8_t *msg,
                           size_t msglen, const uint8_t *ctx, size_t ctxlen, const uint8_t *rnd);
int cc_mldsa65_signer_sign_prehash(const cc_mldsa65_signer *signer, uint8_t sig[CC_MLDSA65_SIGBYTES],
                                   const uint8_t *msg, size_t msglen, const uint8_t *ctx, size_t ctxlen,
                                   cc_prehash_alg ph, const uint8_t *rnd);
int cc_mldsa65_signer_sign_mu(const cc_mldsa65_signer *signer, uint8_t sig[CC_MLDSA65_SIGBYTES],
                              const uint8_t mu[CC_MLDSA65_MUBYTES], const uint8_t *rnd);

int cc_mldsa65_verifier_new(cc_mldsa65_verifier **out, const uint8_t pk[CC_MLDSA65_PKBYTES]);
void cc_mldsa65_verifier_free(cc_mldsa65_verifier *verifier);
int cc_mldsa65_verifier_verify(const cc_mldsa65_verifier *verifier, const uint8_t *sig, size_t siglen,
                               const uint8_t *msg, size_t msglen, const uint8_t *ctx, size_t ctxlen);
int cc_mldsa65_verifier_verify_prehash(const cc_mldsa65_verifier *verifier, const uint8_t *sig, size_t siglen,
                                       const uint8_t *msg, size_t msglen, const uint8_t *ctx, size_t ctxlen,
                                       cc_prehash_alg ph);
int cc_mldsa65_verifier_verify_mu(const cc_mldsa65_verifier *verifier, const uint8_t *sig, size_t siglen,
                                  const uint8_t mu[CC_MLDSA65_MUBYTES]);

#endif

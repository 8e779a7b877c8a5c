/* tsp_verify.h: full verification of a time-stamp token (bare ContentInfo or inside a
 * TimeStampResp): message imprint against the data, every SignerInfo's signature (ECDSA P-384
 * and ML-DSA-65, including the compat profile's ML-DSA-65 countersignature of the ECDSA signature,
 * RFC 5652 11.4), signedAttrs consistency (contentType,
 * messageDigest, ESSCertIDv2), the TSA certificate's EKU, the chain to the given roots at genTime,
 * the profile's shape against its policy (no stripped signer), the tsa name, a genTime not in the
 * future (reference time + tolerance), no critical TSTInfo extension, the strict-mode checks
 * (tsp_verify_strict.h) unless turned off, and optionally the TcbInfo launch measurement with clear
 * operational flags. Fails closed: any signature present that does not verify fails.
 *
 * Certificate paths: every combination of the token's certificates, the extra ones and the roots
 * is tried (depth-first, bounded in depth and in signature checks); the first path that passes
 * every check at genTime wins, so an expired copy of a re-issued certificate listed first does
 * not hide the valid one.
 *
 * Post-quantum assurance: an ML-DSA-65 signature counts toward TSP_REQUIRE_PQ / _BOTH only if
 * every certificate signature on its chain is ML-DSA-65 and the trust anchor's key is ML-DSA-65.
 * One whose chain has a classical (ECDSA) link is still reported as a valid signature, but gives
 * no post-quantum assurance: whoever forges ECDSA can issue such a TSA certificate for a key of
 * their own. */
#ifndef CCTSA_TSP_VERIFY_H
#define CCTSA_TSP_VERIFY_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/base.h"

#include "tsp/tsp_profile.h"

typedef enum {
    TSP_REQUIRE_ANY,
    TSP_REQUIRE_CLASSIC,
    TSP_REQUIRE_PQ,
    TSP_REQUIRE_BOTH
} tsp_require;

#define TSP_VERIFY_MAX_ROOTS 16
#define TSP_VERIFY_DEFAULT_SKEW 300 /* seconds a genTime may lie past the reference time */

typedef struct {
    const uint8_t *roots[TSP_VERIFY_MAX_ROOTS]; /* DER trust anchors */
    size_t root_lens[TSP_VERIFY_MAX_ROOTS];
    int nroots;
    const uint8_t *extra_certs[TSP_VERIFY_MAX_ROOTS]; /* DER certificates not in the token (certReq false) */
    size_t extra_lens[TSP_VERIFY_MAX_ROOTS];
    int nextra;
    tsp_require require;
    const uint8_t *data; /* the time-stamped data, or ... */
    size_t data_len;
    const char *data_path;      /* ... a file holding it (takes precedence when set) */
    const uint8_t *measurement; /* expected 48-byte TcbInfo measurement, or NULL */
    size_t measurement_len;
    int allow_tcb_flags;          /* with measurement: accept TcbInfo operational flags (debug, notSecure, ...);
                             by default any set flag fails, since such a guest's key is not protected */
    int no_strict;                /* 0 (default): strict mode, tsp_verify_strict.h; 1: skip those checks */
    time_t at;                    /* reference time: genTime may not lie past at + max_skew; 0: the system clock */
    long max_skew;                /* seconds; 0: TSP_VERIFY_DEFAULT_SKEW */
    const tsp_policies *policies; /* the TSA's policy OID per profile; NULL: the development defaults */
} tsp_verify_opts;

#define TSP_REPORT_LINES 40

typedef struct {
    char lines[TSP_REPORT_LINES][200]; /* what was checked, against what */
    int nlines;
    int ecdsa_ok, mldsa_ok; /* valid signatures of each kind */
    int mldsa_pq_ok;        /* of mldsa_ok, those whose whole chain is ML-DSA-65 (PQ assurance) */
    int profile;            /* tsp_profile of the policy, -1 if not one of ours */
    char error[256];        /* first failure */
} tsp_verify_report;

/* 0 only if every check passes and the require level is met. */
CC_MUST_CHECK int tsp_verify(const uint8_t *der, size_t len, const tsp_verify_opts *opts, tsp_verify_report *rep);

#endif

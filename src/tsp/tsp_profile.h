/* tsp_profile.h: the four token profiles (classic, pq, hybrid, compat), their policy OIDs under
 * the project's own arc 2.25.104622740930165808608618531222640864576 (a UUID-derived OID, X.667),
 * the compat companion-signature attribute OID, and the mapping from URL path and name. */
#ifndef CCTSA_TSP_PROFILE_H
#define CCTSA_TSP_PROFILE_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    TSP_PROFILE_CLASSIC, /* one ECDSA P-384 / SHA-384 SignerInfo */
    TSP_PROFILE_PQ,      /* one ML-DSA-65 SignerInfo (RFC 9882) */
    TSP_PROFILE_HYBRID,  /* both SignerInfos over the same TSTInfo */
    TSP_PROFILE_COMPAT,  /* ECDSA SignerInfo carrying the ML-DSA-65 signature as an unsigned attribute */
    TSP_PROFILE_COUNT
} tsp_profile;

/* Dotted forms, e.g. for `openssl ts -query -tspolicy`. */
#define TSP_ARC "2.25.104622740930165808608618531222640864576"
#define TSP_POLICY_CLASSIC_STR TSP_ARC ".1.1"
#define TSP_POLICY_PQ_STR TSP_ARC ".1.2"
#define TSP_POLICY_HYBRID_STR TSP_ARC ".1.3"
#define TSP_POLICY_COMPAT_STR TSP_ARC ".1.4"
#define TSP_ATTR_COMPANION_STR TSP_ARC ".2.1"

const char *tsp_profile_name(tsp_profile p);
int tsp_profile_from_name(const char *name);                 /* -1 if unknown */
const uint8_t *tsp_profile_policy(tsp_profile p, size_t *n); /* OID contents bytes */
const char *tsp_profile_policy_str(tsp_profile p);
int tsp_profile_from_policy(const uint8_t *oid, size_t n);   /* -1 if unknown */
/* URL path: "/tsa" gives dflt, "/tsa/<name>" the named profile; -1 for any other path. */
int tsp_profile_from_path(const char *path, tsp_profile dflt);

/* OID contents of the compat companion-signature unsigned attribute (TSP_ATTR_COMPANION_STR). */
extern const uint8_t tsp_oid_attr_companion[];
extern const size_t tsp_oid_attr_companion_len;

#endif

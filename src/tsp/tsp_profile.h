/* tsp_profile.h: the four token profiles (classic, pq, hybrid, compat), their names and URL paths,
 * and their TSA policy OIDs. The policy OIDs are configuration (tsp_policies, one per profile):
 * an operator uses OIDs under their own registered arc. The built-in ones are DEVELOPMENT
 * DEFAULTS under 1.3.6.1.4.1.32473, the enterprise number IANA reserves for documentation
 * (RFC 5612), with short arcs so that every common parser (Go's encoding/asn1 takes at most 31
 * bits per arc) reads the tokens. */
#ifndef CCTSA_TSP_PROFILE_H
#define CCTSA_TSP_PROFILE_H

#include <stddef.h>

#include "base/base.h"
#include <stdint.h>

typedef enum {
    TSP_PROFILE_CLASSIC, /* one ECDSA P-384 / SHA-384 SignerInfo */
    TSP_PROFILE_PQ,      /* one ML-DSA-65 SignerInfo (RFC 9882) */
    TSP_PROFILE_HYBRID,  /* both SignerInfos over the same TSTInfo */
    TSP_PROFILE_COMPAT,  /* ECDSA SignerInfo with an ML-DSA-65 countersignature (RFC 5652 11.4) */
    TSP_PROFILE_COUNT
} tsp_profile;

/* Development-default policy OIDs, dotted (e.g. for `openssl ts -query -tspolicy`). */
#define TSP_DEV_ARC "1.3.6.1.4.1.32473.3161"
#define TSP_POLICY_CLASSIC_STR TSP_DEV_ARC ".1"
#define TSP_POLICY_PQ_STR TSP_DEV_ARC ".2"
#define TSP_POLICY_HYBRID_STR TSP_DEV_ARC ".3"
#define TSP_POLICY_COMPAT_STR TSP_DEV_ARC ".4"

const char *tsp_profile_name(tsp_profile p);
CC_MUST_CHECK int tsp_profile_from_name(const char *name); /* -1 if unknown */
/* URL path: "/tsa" gives dflt, "/tsa/<name>" the named profile; -1 for any other path. */
CC_MUST_CHECK int tsp_profile_from_path(const char *path, tsp_profile dflt);

/* The development-default policies (OID contents bytes; dotted form). */
const uint8_t *tsp_profile_policy(tsp_profile p, size_t *n);
const char *tsp_profile_policy_str(tsp_profile p);
CC_MUST_CHECK int tsp_profile_from_policy(const uint8_t *oid, size_t n); /* -1 if not a default policy */

/* A policy OID per profile. */
#define TSP_POLICY_MAX 64      /* OID contents bytes */
#define TSP_OID_GO_MAX_BITS 31 /* largest arc Go's encoding/asn1 and cryptobyte accept */
typedef struct {
    uint8_t oid[TSP_PROFILE_COUNT][TSP_POLICY_MAX];
    size_t len[TSP_PROFILE_COUNT];
} tsp_policies;

void tsp_policies_default(tsp_policies *pol);
/* Set profile p's policy from dotted decimal (at least two arcs, first 0..2, second < 40 under 0
 * and 1, each subidentifier at most 161 bits as in asn1/der.h). 0, or -1 if malformed or too long
 * (pol unchanged). */
CC_MUST_CHECK int tsp_policies_set(tsp_policies *pol, tsp_profile p, const char *dotted);
/* "PROFILE=OID" (e.g. "compat=1.3.6.1.4.1.32473.3161.4", as --policy takes it): sets that
 * profile's policy; returns the profile, or -1 if malformed (pol unchanged). */
CC_MUST_CHECK int tsp_policies_set_arg(tsp_policies *pol, const char *arg);
/* Profile whose policy is oid, or -1. pol NULL means the development defaults. */
CC_MUST_CHECK int tsp_policies_find(const tsp_policies *pol, const uint8_t *oid, size_t n);
/* Number of bits of the largest subidentifier of OID contents (the first one combines the two
 * first arcs, as Go reads it); compare with TSP_OID_GO_MAX_BITS. */
unsigned tsp_oid_max_arc_bits(const uint8_t *oid, size_t n);

#define TSP_PATH_DEFAULT (-1) /* request arrived on /tsa: profile from reqPolicy or the default */

#endif

/* tsp_profile.c: profile names, policy OIDs and URL paths. */
#include "tsp/tsp_profile.h"

#include <string.h>

/* 2.25.104622740930165808608618531222640864576 encoded as OID contents (first arc pair 2.25 = 0x69). */
#define ARC_BYTES 0x69, 0x81, 0x9d, 0xb5, 0xcd, 0xd8, 0xbb, 0xeb, 0xba, 0x98, 0xc7, 0xa9, 0x89, 0xd5, \
                  0xcd, 0xb7, 0xdb, 0xfc, 0xda, 0x40
#define ARC_LEN 20

static const struct {
    const char *name, *policy_str;
    uint8_t policy[ARC_LEN + 2];
} profiles[TSP_PROFILE_COUNT] = {
    [TSP_PROFILE_CLASSIC] = {"classic", TSP_POLICY_CLASSIC_STR, {ARC_BYTES, 1, 1}},
    [TSP_PROFILE_PQ] = {"pq", TSP_POLICY_PQ_STR, {ARC_BYTES, 1, 2}},
    [TSP_PROFILE_HYBRID] = {"hybrid", TSP_POLICY_HYBRID_STR, {ARC_BYTES, 1, 3}},
    [TSP_PROFILE_COMPAT] = {"compat", TSP_POLICY_COMPAT_STR, {ARC_BYTES, 1, 4}},
};

const uint8_t tsp_oid_attr_companion[] = {ARC_BYTES, 2, 1};
const size_t tsp_oid_attr_companion_len = sizeof tsp_oid_attr_companion;

const char *tsp_profile_name(tsp_profile p)
{
    return (unsigned)p < TSP_PROFILE_COUNT ? profiles[p].name : "?";
}

int tsp_profile_from_name(const char *name)
{
    for (int i = 0; i < TSP_PROFILE_COUNT; i++)
        if (!strcmp(name, profiles[i].name)) return i;
    return -1;
}

const uint8_t *tsp_profile_policy(tsp_profile p, size_t *n)
{
    *n = sizeof profiles[p].policy;
    return profiles[p].policy;
}

const char *tsp_profile_policy_str(tsp_profile p)
{
    return (unsigned)p < TSP_PROFILE_COUNT ? profiles[p].policy_str : "?";
}

int tsp_profile_from_policy(const uint8_t *oid, size_t n)
{
    for (int i = 0; i < TSP_PROFILE_COUNT; i++)
        if (n == sizeof profiles[i].policy && !memcmp(oid, profiles[i].policy, n)) return i;
    return -1;
}

int tsp_profile_from_path(const char *path, tsp_profile dflt)
{
    if (!strcmp(path, "/tsa") || !strcmp(path, "/tsa/")) return (int)dflt;
    if (strncmp(path, "/tsa/", 5) != 0) return -1;
    return tsp_profile_from_name(path + 5);
}

/* tsp_profile.c: profile names, URL paths and policy OIDs (development defaults and configured). */
#include "tsp/tsp_profile.h"

#include <string.h>

/* 1.3.6.1.4.1.32473.3161 as OID contents: 1.3 = 0x2B, 32473 = 0x81 0xFD 0x59, 3161 = 0x98 0x59. */
#define DEV_ARC_BYTES 0x2B, 0x06, 0x01, 0x04, 0x01, 0x81, 0xFD, 0x59, 0x98, 0x59
#define DEV_ARC_LEN 10

static const struct {
    const char *name, *policy_str;
    uint8_t policy[DEV_ARC_LEN + 1];
} profiles[TSP_PROFILE_COUNT] = {
    [TSP_PROFILE_CLASSIC] = {"classic", TSP_POLICY_CLASSIC_STR, {DEV_ARC_BYTES, 1}},
    [TSP_PROFILE_PQ] = {"pq", TSP_POLICY_PQ_STR, {DEV_ARC_BYTES, 2}},
    [TSP_PROFILE_HYBRID] = {"hybrid", TSP_POLICY_HYBRID_STR, {DEV_ARC_BYTES, 3}},
    [TSP_PROFILE_COMPAT] = {"compat", TSP_POLICY_COMPAT_STR, {DEV_ARC_BYTES, 4}},
};

const char *tsp_profile_name(tsp_profile p) { return (unsigned)p < TSP_PROFILE_COUNT ? profiles[p].name : "?"; }

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

int tsp_profile_from_policy(const uint8_t *oid, size_t n) { return tsp_policies_find(NULL, oid, n); }

int tsp_profile_from_path(const char *path, tsp_profile dflt)
{
    if (!strcmp(path, "/tsa") || !strcmp(path, "/tsa/")) return (int)dflt;
    if (strncmp(path, "/tsa/", 5) != 0) return -1;
    return tsp_profile_from_name(path + 5);
}

void tsp_policies_default(tsp_policies *pol)
{
    memset(pol, 0, sizeof *pol);
    for (int i = 0; i < TSP_PROFILE_COUNT; i++) {
        pol->len[i] = sizeof profiles[i].policy;
        memcpy(pol->oid[i], profiles[i].policy, pol->len[i]);
    }
}

int tsp_policies_find(const tsp_policies *pol, const uint8_t *oid, size_t n)
{
    for (int i = 0; i < TSP_PROFILE_COUNT; i++) {
        size_t len;
        const uint8_t *p = pol ? pol->oid[i] : tsp_profile_policy((tsp_profile)i, &len);
        if (pol) len = pol->len[i];
        if (n == len && !memcmp(oid, p, n)) return i;
    }
    return -1;
}

/* A non-negative integer of up to 192 bits, little-endian 32-bit limbs. */
#define LIMBS 6
typedef struct {
    uint32_t w[LIMBS];
} big;

/* v = v * mul + add; -1 on overflow past 192 bits. */
static int big_muladd(big *v, uint32_t mul, uint32_t add)
{
    uint64_t carry = add;
    for (int i = 0; i < LIMBS; i++) {
        uint64_t t = (uint64_t)v->w[i] * mul + carry;
        v->w[i] = (uint32_t)t;
        carry = t >> 32;
    }
    return carry ? -1 : 0;
}

/* Decimal digits up to '.' or the end into v (no sign, no leading zero unless "0"); advances *s. */
static int parse_arc(const char **s, big *v)
{
    const char *p = *s;
    memset(v, 0, sizeof *v);
    if (*p < '0' || *p > '9' || (p[0] == '0' && p[1] >= '0' && p[1] <= '9')) return -1;
    for (; *p >= '0' && *p <= '9'; p++)
        if (big_muladd(v, 10, (uint32_t)(*p - '0')) != 0) return -1;
    *s = p;
    return 0;
}

/* Append v as a base-128 subidentifier of at most 23 digits (161 bits). */
static int put_subid(big v, uint8_t *out, size_t *len, size_t cap)
{
    uint8_t digits[28];
    size_t n = 0;
    do {
        digits[n++] = (uint8_t)(v.w[0] & 0x7F);
        for (int i = 0; i < LIMBS; i++) v.w[i] = (v.w[i] >> 7) | (i + 1 < LIMBS ? v.w[i + 1] << 25 : 0);
    } while ((v.w[0] | v.w[1] | v.w[2] | v.w[3] | v.w[4] | v.w[5]) && n < sizeof digits);
    if (n > 23 || *len + n > cap) return -1;
    while (n--) out[(*len)++] = (uint8_t)(digits[n] | (n ? 0x80 : 0));
    return 0;
}

int tsp_policies_set(tsp_policies *pol, tsp_profile p, const char *s)
{
    uint8_t oid[TSP_POLICY_MAX];
    size_t len = 0;
    big first, v;
    if ((unsigned)p >= TSP_PROFILE_COUNT || parse_arc(&s, &first) != 0 || *s++ != '.' || parse_arc(&s, &v) != 0)
        return -1;
    uint32_t top = first.w[0];
    if (first.w[1] | first.w[2] | first.w[3] | first.w[4] | first.w[5] || top > 2) return -1;
    if (top < 2 && (v.w[1] | v.w[2] | v.w[3] | v.w[4] | v.w[5] || v.w[0] >= 40)) return -1;
    /* first subidentifier = 40 * first + second */
    big forty = {{40 * top, 0, 0, 0, 0, 0}};
    uint64_t carry = 0;
    for (int i = 0; i < LIMBS; i++) {
        uint64_t t = (uint64_t)v.w[i] + forty.w[i] + carry;
        v.w[i] = (uint32_t)t;
        carry = t >> 32;
    }
    if (carry || put_subid(v, oid, &len, sizeof oid) != 0) return -1;
    while (*s) {
        if (*s++ != '.' || parse_arc(&s, &v) != 0 || put_subid(v, oid, &len, sizeof oid) != 0) return -1;
    }
    memcpy(pol->oid[p], oid, len);
    pol->len[p] = len;
    return 0;
}

int tsp_policies_set_arg(tsp_policies *pol, const char *arg)
{
    char name[16];
    const char *eq = strchr(arg, '=');
    if (!eq || (size_t)(eq - arg) >= sizeof name) return -1;
    memcpy(name, arg, (size_t)(eq - arg));
    name[eq - arg] = 0;
    int p = tsp_profile_from_name(name);
    return p >= 0 && tsp_policies_set(pol, (tsp_profile)p, eq + 1) == 0 ? p : -1;
}

unsigned tsp_oid_max_arc_bits(const uint8_t *oid, size_t n)
{
    unsigned best = 0, digits = 0, lead = 0;
    for (size_t i = 0; i < n; i++) {
        if (digits++ == 0) lead = oid[i] & 0x7F;
        if (oid[i] & 0x80) continue;
        unsigned lead_bits = 0;
        while (lead >> lead_bits) lead_bits++;
        unsigned bits = digits == 1 ? lead_bits : lead_bits + 7 * (digits - 1);
        if (bits > best) best = bits;
        digits = 0;
    }
    return best;
}

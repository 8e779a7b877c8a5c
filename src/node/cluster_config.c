/* cluster_config.c: the cluster engine's keys of the measured configuration (cluster.*), read by
 * cluster_config_load (cluster.h). Owned here: their names, ranges and error texts.
 *   cluster.exclude_min_seconds  first cool-down of a named culprit (1..86400; default 60)
 *   cluster.exclude_max_seconds  cap of the doubling cool-down (1..604800, >= the minimum;
 *                                default 3600)
 * Any other cluster.* key is refused (a misspelt key must not silently keep a default). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attest/attest.h"
#include "node/cluster.h"

typedef struct {
    uint64_t min_s, max_s;
    char detail[160]; /* what is wrong with a value */
} cfg_keys;

static int seconds(const char *key, const char *val, uint64_t hi, uint64_t *out, cfg_keys *k)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(val, &end, 10);
    if (!*val || *val == '-' || *end || errno || v < 1 || v > hi)
        return snprintf(k->detail, sizeof k->detail, "%s = '%.40s': a whole number of seconds from 1 to %llu expected",
                        key, val, (unsigned long long)hi),
               -1;
    *out = v;
    return 0;
}

static int apply(void *ctx, const char *key, const char *val)
{
    cfg_keys *k = ctx;
    if (!strcmp(key, "cluster.exclude_min_seconds")) return seconds(key, val, 86400, &k->min_s, k);
    if (!strcmp(key, "cluster.exclude_max_seconds")) return seconds(key, val, 604800, &k->max_s, k);
    snprintf(k->detail, sizeof k->detail, "known: cluster.exclude_min_seconds, cluster.exclude_max_seconds");
    return -2;
}

int cluster_config_load(cluster_config *cfg, const char *path, char *err, size_t errlen)
{
    char why[256] = "";
    cfg_keys k = {0};
    if (attest_config_load_each(path, "cluster.", apply, &k, why, sizeof why) != 0)
        return snprintf(err, errlen, "%s: %s%s%s", path, why[0] ? why : "unreadable", k.detail[0] ? ": " : "",
                        k.detail),
               -1;
    uint64_t lo = k.min_s ? k.min_s : 60, hi = k.max_s ? k.max_s : 3600;
    if (hi < lo)
        return snprintf(err, errlen,
                        "%s: cluster.exclude_max_seconds (%llu) is below cluster.exclude_min_seconds (%llu)", path,
                        (unsigned long long)hi, (unsigned long long)lo),
               -1;
    cfg->exclude_min_ms = lo * 1000;
    cfg->exclude_max_ms = hi * 1000;
    return 0;
}

/* time_config.c: the time.* settings of the measured configuration (time_config.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attest/attest.h"
#include "time/time_config.h"
#include "time/time_internal.h"

int time_parse_server(const char *s, nts_source_config *cfg)
{
    const char *host = s, *colon;
    size_t hlen;
    if (*s == '[') {
        const char *end = strchr(s, ']');
        if (!end) return -1;
        host = s + 1, hlen = (size_t)(end - host);
        colon = end[1] == ':' ? end + 1 : NULL;
        if (!colon && end[1]) return -1;
    } else {
        colon = strchr(s, ':');
        hlen = colon ? (size_t)(colon - s) : strlen(s);
    }
    if (!hlen || hlen >= sizeof cfg->host) return -1;
    memcpy(cfg->host, host, hlen);
    cfg->host[hlen] = 0;
    cfg->port = NTS_KE_PORT;
    if (colon) {
        char *end;
        errno = 0;
        long p = strtol(colon + 1, &end, 10);
        if (errno || *end || end == colon + 1 || p < 1 || p > 65535) return -1;
        cfg->port = (int)p;
    }
    return 0;
}

static int apply(void *ctx, const char *key, const char *val)
{
    time_config *c = ctx;
    if (!strcmp(key, "time.nts_server")) {
        if (c->nservers == TIME_MAX_SOURCES) return -1;
        return time_parse_server(val, &c->servers[c->nservers++]);
    }
    if (!strcmp(key, "time.nts_ca")) {
        if (!*val || strlen(val) >= sizeof c->ca_file) return -1;
        snprintf(c->ca_file, sizeof c->ca_file, "%s", val);
        return 0;
    }
    if (!strcmp(key, "time.max_falsetickers")) {
        char *end;
        long f = strtol(val, &end, 10);
        if (*end || end == val || f < 0 || f >= TIME_MAX_SOURCES) return -1;
        c->max_falsetickers = (int)f;
        return 0;
    }
    if (!strcmp(key, "time.require_hardware_clock")) {
        if (!strcmp(val, "true"))
            c->require_hardware_clock = 1;
        else if (!strcmp(val, "false"))
            c->require_hardware_clock = 0;
        else
            return -1;
        return 0;
    }
    return -2;
}

/* Give the CA roots to every server and check the totals. */
static int finish(time_config *c, char *why, size_t whylen)
{
    const char *ca = c->ca_file;
    if (!c->nservers) return time_fmt(why, whylen, "no time.nts_server configured"), -1;
    if (!*ca) return time_fmt(why, whylen, "no time.nts_ca configured"), -1;
    for (int i = 0; i < c->nservers; i++) snprintf(c->servers[i].ca_file, sizeof c->servers[i].ca_file, "%s", ca);
    if (c->max_falsetickers < 0) c->max_falsetickers = (c->nservers - 1) / 3;
    if (c->max_falsetickers >= c->nservers)
        return time_fmt(why, whylen, "time.max_falsetickers must be below the number of servers"), -1;
    return 0;
}

static int run(const char *path, const char *text, size_t len, time_config *c, char *why, size_t whylen)
{
    memset(c, 0, sizeof *c);
    c->max_falsetickers = -1;
    c->require_hardware_clock = 1;
    int rc = path ? attest_config_load_each(path, "time.", apply, c, why, whylen)
                  : attest_config_each(text, len, "time.", apply, c, why, whylen);
    if (rc != 0) return -1;
    return finish(c, why, whylen);
}

int time_config_parse(const char *text, size_t len, time_config *c, char *why, size_t whylen)
{
    return run(NULL, text, len, c, why, whylen);
}

int time_config_load(const char *path, time_config *c, char *why, size_t whylen)
{
    return run(path, NULL, 0, c, why, whylen);
}

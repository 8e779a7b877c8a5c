/* attest_config.c: the attest.* settings of a node's measured configuration file. The provider
 * (and with it the root of trust) comes only from here, never from a command-line flag: in
 * production the file is inside the measured image, and under `sim` its bytes are part of the
 * measurement, so a node configured to trust the simulation root has a different measurement. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attest/attest.h"

#define CONFIG_MAX_BYTES (256 * 1024)

static int config_fail(char *why, size_t whylen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int config_fail(char *why, size_t whylen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (why && whylen) vsnprintf(why, whylen, fmt, ap);
    va_end(ap);
    return -1;
}

static int parse_uint(const char *s, unsigned max, unsigned *out)
{
    char *end;
    if (!isdigit((unsigned char)*s)) return -1;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || *end || v > max) return -1;
    *out = (unsigned)v;
    return 0;
}

/* bl.tee.snp.ucode[.fmc] */
static int parse_tcb(const char *s, attest_tcb *t)
{
    unsigned v[5] = {0};
    int n = 0;
    char buf[64];
    if (strlen(s) >= sizeof buf) return -1;
    strcpy(buf, s);
    for (char *save = NULL, *tok = strtok_r(buf, ".", &save); tok; tok = strtok_r(NULL, ".", &save)) {
        if (n == 5 || parse_uint(tok, 255, &v[n]) != 0) return -1;
        n++;
    }
    if (n < 4) return -1;
    t->bl = (uint8_t)v[0], t->tee = (uint8_t)v[1], t->snp = (uint8_t)v[2], t->ucode = (uint8_t)v[3],
    t->fmc = (uint8_t)v[4];
    return 0;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) s[--n] = 0;
    return s;
}

static int apply(attest_policy *p, const char *key, const char *val)
{
    unsigned u;
    if (!strcmp(key, "attest.provider")) {
        if (!strcmp(val, "sev-snp"))
            p->provider = ATTEST_PROVIDER_SEV_SNP;
        else if (!strcmp(val, "sim"))
            p->provider = ATTEST_PROVIDER_SIM;
        else
            return -1;
    } else if (!strcmp(key, "attest.max_vmpl")) {
        if (parse_uint(val, 3, &u) != 0) return -1;
        p->max_vmpl = u;
    } else if (!strcmp(key, "attest.min_tcb")) {
        return parse_tcb(val, &p->min_tcb);
    } else if (!strcmp(key, "attest.measurement")) {
        if (cc_hex_decode_exact(val, p->measurement, sizeof p->measurement) != 0) return -1;
        p->check_measurement = 1;
    } else {
        return -2;
    }
    return 0;
}

/* Every "key = value" line whose key starts with prefix goes to apply (0 ok, -1 bad value,
 * -2 unknown key); other components' keys are skipped. */
int attest_config_each(const char *text, size_t len, const char *prefix, attest_config_apply_fn fn, void *ctx,
                       char *why, size_t whylen)
{
    if (len > CONFIG_MAX_BYTES) return config_fail(why, whylen, "configuration larger than %d bytes", CONFIG_MAX_BYTES);
    if (memchr(text, 0, len)) return config_fail(why, whylen, "configuration contains a NUL byte");
    size_t pos = 0, plen = strlen(prefix);
    for (int lineno = 1; pos < len; lineno++) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
        char line[512];
        if (n >= sizeof line) return config_fail(why, whylen, "line %d too long", lineno);
        memcpy(line, text + pos, n), line[n] = 0;
        pos += n + (nl ? 1 : 0);
        char *hash = strchr(line, '#');
        if (hash) *hash = 0;
        char *s = trim(line);
        if (!*s) continue;
        char *eq = strchr(s, '=');
        if (!eq) return config_fail(why, whylen, "line %d: expected key = value", lineno);
        *eq = 0;
        char *key = trim(s), *val = trim(eq + 1);
        if (strncmp(key, prefix, plen) != 0) continue; /* other components' settings */
        int rc = fn(ctx, key, val);
        if (rc == -2) return config_fail(why, whylen, "line %d: unknown setting %s", lineno, key);
        if (rc != 0) return config_fail(why, whylen, "line %d: bad value for %s", lineno, key);
    }
    return 0;
}

int attest_config_load_each(const char *path, const char *prefix, attest_config_apply_fn fn, void *ctx, char *why,
                            size_t whylen)
{
    uint8_t *buf = NULL;
    size_t n = 0;
    if (cc_file_read(path, CONFIG_MAX_BYTES, &buf, &n) != 0)
        return errno == EFBIG
                   ? config_fail(why, whylen, "%s: configuration larger than %d bytes", path, CONFIG_MAX_BYTES)
                   : config_fail(why, whylen, "cannot read %s: %s", path, strerror(errno));
    int rc = attest_config_each((const char *)buf, n, prefix, fn, ctx, why, whylen);
    free(buf);
    return rc;
}

static int apply_cb(void *ctx, const char *key, const char *val) { return apply(ctx, key, val); }

int attest_config_parse(const char *text, size_t len, attest_policy *p, char *why, size_t whylen)
{
    attest_policy_default(p, ATTEST_PROVIDER_SEV_SNP);
    return attest_config_each(text, len, "attest.", apply_cb, p, why, whylen);
}

int attest_config_load(const char *path, attest_policy *p, char *why, size_t whylen)
{
    attest_policy_default(p, ATTEST_PROVIDER_SEV_SNP);
    return attest_config_load_each(path, "attest.", apply_cb, p, why, whylen);
}

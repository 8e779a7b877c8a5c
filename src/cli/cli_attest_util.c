/* cli_attest_util.c: see cli_attest.h. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/base.h"
#include "cli/cli_attest.h"
#include "cli/commands.h"

static int digits(const char *s, int n, int *v)
{
    *v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        *v = *v * 10 + (s[i] - '0');
    }
    return 0;
}

int cli_parse_rfc3339(const char *s, time_t *out)
{
    int y, mo, d, h, mi, sec, oh = 0, om = 0;
    if (strlen(s) < 20 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '-' ||
        digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't') || digits(s + 11, 2, &h) || s[13] != ':' ||
        digits(s + 14, 2, &mi) || s[16] != ':' || digits(s + 17, 2, &sec))
        return -1;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap) || h > 23 ||
        mi > 59 || sec > 59)
        return -1;
    const char *p = s + 19;
    if (*p == '.') {
        if (p[1] < '0' || p[1] > '9') return -1;
        for (p++; *p >= '0' && *p <= '9'; p++) {
        }
    }
    int sign = 0;
    if ((*p == 'Z' || *p == 'z') && p[1] == 0) {
        sign = 0;
    } else if ((*p == '+' || *p == '-') && strlen(p) == 6 && !digits(p + 1, 2, &oh) && p[3] == ':' &&
               !digits(p + 4, 2, &om) && oh < 24 && om < 60) {
        sign = *p == '+' ? 1 : -1;
    } else {
        return -1;
    }
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi, .tm_sec = sec};
    *out = timegm(&tm) - (time_t)sign * (oh * 3600 + om * 60);
    return 0;
}

static int add_file(const char *path, uint8_t **buf, size_t *len)
{
    uint8_t *in = NULL, *der = NULL;
    size_t n = 0, dn = 0;
    if (cc_file_read(path, ATTEST_MAX_ENDORSEMENT_BYTES, &in, &n) != 0)
        return cli_error("cannot read %s (missing, unreadable or larger than 64 KiB)", path), -1;
    int rc = attest_endorsements_normalize(in, n, &der, &dn);
    free(in);
    if (rc != 0) return cli_error("%s holds no certificates (PEM, DER or GHCB table expected)", path), -1;
    uint8_t *grown = realloc(*buf, *len + dn);
    if (!grown) return free(der), cli_error("out of memory"), -1;
    memcpy(grown + *len, der, dn);
    *buf = grown, *len += dn;
    free(der);
    return 0;
}

static int cert_name(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot && (!strcmp(dot, ".pem") || !strcmp(dot, ".der") || !strcmp(dot, ".crt") || !strcmp(dot, ".cer"));
}

int cli_add_endorsements(const char *path, uint8_t **buf, size_t *len)
{
    struct stat st;
    if (stat(path, &st) != 0) return cli_error("cannot read %s", path), -1;
    if (!S_ISDIR(st.st_mode)) return add_file(path, buf, len);
    struct dirent **names = NULL;
    int n = scandir(path, &names, NULL, alphasort), rc = 0, found = 0;
    if (n < 0) return cli_error("cannot list %s", path), -1;
    for (int i = 0; i < n; i++) {
        char full[4096];
        if (rc == 0 && cert_name(names[i]->d_name) &&
            snprintf(full, sizeof full, "%s/%s", path, names[i]->d_name) < (int)sizeof full) {
            rc = add_file(full, buf, len);
            found++;
        }
        free(names[i]);
    }
    free(names);
    if (rc == 0 && !found) return cli_error("%s has no *.pem, *.der, *.crt or *.cer file", path), -1;
    return rc;
}

int cli_attest_policy(const char *config_path, attest_policy *p)
{
    char why[160];
    attest_policy_default(p, ATTEST_PROVIDER_SEV_SNP);
    if (config_path && attest_config_load(config_path, p, why, sizeof why) != 0)
        return cli_error("configuration %s: %s", config_path, why), -1;
    return 0;
}

static void hex(FILE *out, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++) fprintf(out, "%02x", b[i]);
}

static void tcb(FILE *out, const char *name, const attest_tcb *t, int json)
{
    if (json)
        fprintf(out, "\"%s\":{\"bl\":%u,\"tee\":%u,\"snp\":%u,\"ucode\":%u,\"fmc\":%u},", name, t->bl, t->tee, t->snp,
                t->ucode, t->fmc);
    else
        fprintf(out, "%-15s bl %u tee %u snp %u ucode %u fmc %u\n", name, t->bl, t->tee, t->snp, t->ucode, t->fmc);
}

void cli_print_attest(FILE *out, const attest_claims *c, const attest_result *res, int json)
{
    const struct {
        const char *name;
        const uint8_t *b;
        size_t n;
    } fields[] = {{"measurement", c->measurement, 48},
                  {"host_data", c->host_data, 32},
                  {"report_data", c->report_data, 64},
                  {"chip_id", c->chip_id, c->chip_id_len}};
    if (json) {
        fprintf(out,
                "{\"verdict\":\"%s\",\"provider\":\"%s\",\"product\":\"%s\",\"version\":%u,\"guest_svn\":%u,"
                "\"policy\":\"0x%llx\",\"debug\":%s,\"vmpl\":%u,\"signing_key\":\"%s\",",
                res->failed ? "rejected" : "accepted", attest_provider_name(c->provider),
                attest_product_name(c->product), c->version, c->guest_svn, (unsigned long long)c->policy,
                c->debug ? "true" : "false", c->vmpl, c->signing_key == 1 ? "VLEK" : "VCEK");
        for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
            fprintf(out, "\"%s\":\"", fields[i].name);
            hex(out, fields[i].b, fields[i].n);
            fputs("\",", out);
        }
        tcb(out, "reported_tcb", &c->reported_tcb, 1), tcb(out, "committed_tcb", &c->committed_tcb, 1);
        tcb(out, "current_tcb", &c->current_tcb, 1);
        fputs("\"failed\":[", out);
        for (int e = 1, first = 1; e < ATTEST_ERR_COUNT; e++)
            if (res->failed & (1u << e))
                fprintf(out, "%s\"%s\"", first ? "" : ",", attest_err_name((attest_err)e)), first = 0;
        fputs("],\"reason\":\"", out);
        for (const char *p = res->reason; *p; p++) fputc(*p == '"' || *p == '\\' ? '\'' : *p, out);
        fputs("\"}\n", out);
        return;
    }
    fprintf(out,
            "provider        %s\nproduct         %s\nreport version  %u\nguest svn       %u\n"
            "policy          0x%llx (debug %s)\nvmpl            %u\nsigning key     %s\n",
            attest_provider_name(c->provider), attest_product_name(c->product), c->version, c->guest_svn,
            (unsigned long long)c->policy, c->debug ? "allowed" : "off", c->vmpl,
            c->signing_key == 1 ? "VLEK" : "VCEK");
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        fprintf(out, "%-15s ", fields[i].name);
        if (fields[i].n)
            hex(out, fields[i].b, fields[i].n);
        else
            fputs("(none)", out);
        fputc('\n', out);
    }
    tcb(out, "reported tcb", &c->reported_tcb, 0), tcb(out, "committed tcb", &c->committed_tcb, 0);
    tcb(out, "current tcb", &c->current_tcb, 0);
    for (int e = 1; e < ATTEST_ERR_COUNT; e++)
        if (res->failed & (1u << e)) fprintf(out, "FAILED check %s\n", attest_err_name((attest_err)e));
    if (res->failed)
        fprintf(out, "verdict: REJECTED (%s: %s)\n", attest_err_name(res->first), res->reason);
    else
        fputs("verdict: accepted\n", out);
}

/* cli_util.c: helpers shared by the subcommands. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/commands.h"

int cli_wants_help(int argc, char **argv) { return cc_opts_wants_help(argc, argv); }

int cli_opts(const char *cmd, int argc, char **argv, const cc_opt *opts, size_t nopts, const char **pos, int npos_max,
             int *npos)
{
    char why[200];
    if (cc_opts_parse(argc, argv, opts, nopts, pos, npos_max, npos, why, sizeof why) == 0) return 0;
    if (why[0]) cli_error("%s: %s", cmd, why);
    return -1;
}

int cli_sub_opts(const char *group, int argc, char **argv, const cc_opt *opts, size_t nopts, const char **pos,
                 int npos_max, int *npos)
{
    char cmd[64];
    snprintf(cmd, sizeof cmd, "%s %.40s", group, argc > 0 ? argv[0] : "");
    return cli_opts(cmd, argc, argv, opts, nopts, pos, npos_max, npos);
}

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("cctsa: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* n decimal digits at s into *v; 0 or -1. */
static int digits(const char *s, int n, int *v)
{
    *v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i])) return -1;
        *v = *v * 10 + (s[i] - '0');
    }
    return 0;
}

int cli_parse_time(const char *s, time_t *out)
{
    struct tm tm = {0};
    int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
    char *end;
    if (!s || !*s) return -1;
    if (strspn(s, "0123456789") == strlen(s)) { /* seconds since 1970 */
        long long v = strtoll(s, &end, 10);
        if (*end || v < 0) return -1;
        *out = (time_t)v;
        return 0;
    }
    /* RFC 3339 date-time: YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM) */
    if (strlen(s) < 20 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '-' ||
        digits(s + 8, 2, &d) || !strchr("Tt ", s[10]) || digits(s + 11, 2, &h) || s[13] != ':' ||
        digits(s + 14, 2, &mi) || s[16] != ':' || digits(s + 17, 2, &sec))
        return -1;
    const char *p = s + 19;
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p)) return -1;
        while (isdigit((unsigned char)*p)) p++; /* fractions of a second are dropped */
    }
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        sign = *p == '-' ? -1 : 1;
        if (digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om) || oh > 23 || om > 59) return -1;
        p += 6;
    } else {
        return -1;
    }
    if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return -1;
    tm.tm_year = y - 1900, tm.tm_mon = mo - 1, tm.tm_mday = d, tm.tm_hour = h, tm.tm_min = mi,
    tm.tm_sec = sec > 59 ? 59 : sec;
    time_t t = timegm(&tm);
    if (t == (time_t)-1 || tm.tm_mday != d) return -1; /* e.g. February 30 */
    *out = t - sign * (time_t)(oh * 3600 + om * 60);
    return 0;
}

/* time_clock.c: the clock source report (time_engine.h): is the interval clock
 * (CLOCK_MONOTONIC_RAW) hardware-protected? Only if the guest runs with SecureTSC (the kernel's
 * SEV status line names it) and the kernel's clocksource is the TSC. Debian 12's 6.1 kernel has
 * no SecureTSC guest support, so there it never is. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>

#include "time/time_internal.h"

#define CLOCKSOURCE_PATH "/sys/devices/system/clocksource/clocksource0/current_clocksource"
/* Linux >= 6.11 prints "SEV: Status: SEV SEV-ES SEV-SNP ... SecureTSC ..." from SEV_STATUS;
 * older kernels only "Memory Encryption Features active: AMD SEV SEV-ES SEV-SNP". */
static const char *const SEV_PREFIXES[] = {"SEV: Status:", "Memory Encryption Features active:"};

/* A whole word of the line (space separated). */
static int has_word(const char *line, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = strstr(line, word); p; p = strstr(p + 1, word))
        if ((p == line || p[-1] == ' ') && (p[n] == ' ' || p[n] == 0 || p[n] == '\n')) return 1;
    return 0;
}

void time_clock_report_from(const char *clocksource, const char *sev_line, time_clock_report *out)
{
    memset(out, 0, sizeof *out);
    if (clocksource) {
        size_t n = strcspn(clocksource, " \n");
        if (n >= sizeof out->clocksource) n = sizeof out->clocksource - 1;
        memcpy(out->clocksource, clocksource, n);
    }
    if (sev_line && *sev_line) {
        out->sev_snp = has_word(sev_line, "SEV-SNP");
        out->securetsc = has_word(sev_line, "SecureTSC");
    }
    out->hardware_protected = out->securetsc && !strcmp(out->clocksource, "tsc");
    if (out->hardware_protected)
        time_fmt(out->detail, sizeof out->detail, "SecureTSC active, clocksource tsc");
    else if (!sev_line || !*sev_line)
        time_fmt(out->detail, sizeof out->detail,
                 "no SEV status from the kernel (not a SEV guest, or unreadable); clocksource %s",
                 out->clocksource[0] ? out->clocksource : "unknown");
    else if (!out->securetsc)
        time_fmt(out->detail, sizeof out->detail, "%s guest without SecureTSC; clocksource %s",
                 out->sev_snp ? "SEV-SNP" : "SEV", out->clocksource[0] ? out->clocksource : "unknown");
    else
        time_fmt(out->detail, sizeof out->detail, "SecureTSC active but clocksource is %s, not tsc",
                 out->clocksource[0] ? out->clocksource : "unknown");
}

void time_clock_report_read(time_clock_report *out)
{
    char cs[64] = "", *sev = NULL;
    FILE *f = fopen(CLOCKSOURCE_PATH, "r");
    if (f) {
        if (!fgets(cs, sizeof cs, f)) cs[0] = 0;
        fclose(f);
    }
    int size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
    char *log = size > 0 ? malloc((size_t)size + 1) : NULL;
    int n = log ? klogctl(3 /* SYSLOG_ACTION_READ_ALL */, log, size) : -1;
    if (n > 0) {
        log[n] = 0;
        for (size_t i = 0; i < sizeof SEV_PREFIXES / sizeof SEV_PREFIXES[0] && !sev; i++) {
            char *p = strstr(log, SEV_PREFIXES[i]);
            if (p) sev = p + strlen(SEV_PREFIXES[i]);
        }
        if (sev) sev[strcspn(sev, "\n")] = 0;
    }
    time_clock_report_from(cs, sev, out);
    free(log);
}

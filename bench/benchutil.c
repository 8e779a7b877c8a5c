/* benchutil.c: timing helpers for the benchmarks. */
#include "benchutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double clock_seconds(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

double bench_cpu_seconds(void) { return clock_seconds(CLOCK_PROCESS_CPUTIME_ID); }
double bench_wall_seconds(void) { return clock_seconds(CLOCK_MONOTONIC); }

double bench_ops_per_sec(void (*op)(void *), void *arg, double min_seconds, unsigned min_iters)
{
    unsigned n = 0;
    double start = bench_cpu_seconds(), elapsed;
    do {
        op(arg);
        n++;
        elapsed = bench_cpu_seconds() - start;
    } while (elapsed < min_seconds || n < min_iters);
    return n / elapsed;
}

void bench_report(const char *label, double ops_per_sec)
{
    printf("  %-40s %12.1f ops/s  %10.3f ms/op\n", label, ops_per_sec, 1e3 / ops_per_sec);
}

void bench_ratio(const char *label, double a, double b) { printf("  %-40s %12.2fx\n", label, b > 0 ? a / b : 0.0); }

int bench_args(int argc, char **argv, const char *usage, int max_args)
{
    int positional = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            fputs(usage, stdout);
            return 0;
        }
        if (argv[i][0] == '-' || ++positional > max_args) {
            fprintf(stderr, "%s: unexpected argument '%s'\n", argv[0], argv[i]);
            fputs(usage, stderr);
            return 2;
        }
    }
    return -1;
}

unsigned bench_count_arg(const char *s, unsigned max)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    return (*s && !*end && v >= 1 && v <= max) ? (unsigned)v : 0;
}

int bench_pyca(const char *script, double ops[], int n)
{
    char path[] = "/tmp/cctsa_bench_pyXXXXXX", line[256];
    int fd = mkstemp(path), got = 0;
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        printf("  (Python cryptography figures unavailable: cannot write a temporary script)\n");
        return 0;
    }
    fputs(BENCH_PY_PRELUDE, f);
    fputs(script, f);
    fclose(f);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "python3 %s 2>&1", path);
    FILE *p = popen(cmd, "r");
    char why[256] = "";
    while (p && fgets(line, sizeof line, p)) {
        char *tab = strchr(line, '\t');
        double v = tab ? strtod(tab + 1, NULL) : 0;
        line[strcspn(line, "\n")] = 0;
        if (tab && v > 0 && got < n) {
            *tab = 0;
            bench_report(line, v);
            ops[got++] = v;
        } else if (!why[0] || strstr(line, "rror")) { /* the first line, or a traceback's exception */
            snprintf(why, sizeof why, "%s", line);
        }
    }
    if (got == 0)
        printf("  (Python cryptography figures unavailable: %s)\n", !p       ? "cannot run python3"
                                                                    : why[0] ? why
                                                                             : "no output");
    if (p) pclose(p);
    unlink(path);
    return got;
}
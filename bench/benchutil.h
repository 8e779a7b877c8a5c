/* benchutil.h: timing helpers for bench/ programs: process CPU time and wall time, and a runner
 * that repeats an operation for a minimum duration and reports operations per second. */
#ifndef CCTSA_BENCH_BENCHUTIL_H
#define CCTSA_BENCH_BENCHUTIL_H

#include <stdint.h>

double bench_cpu_seconds(void);  /* CPU time of this process (CLOCK_PROCESS_CPUTIME_ID) */
double bench_wall_seconds(void); /* monotonic wall clock */

/* Run op(arg) repeatedly for at least min_seconds of CPU time (and at least min_iters times);
 * returns operations per CPU second. */
double bench_ops_per_sec(void (*op)(void *), void *arg, double min_seconds, unsigned min_iters);

/* Command-line handling shared by the benchmarks: -h/--help prints `usage` to stdout (returns 0),
 * more than max_args positional arguments or an unknown option prints it to stderr (returns 2);
 * otherwise returns -1 and the benchmark runs. Callers: `int rc = bench_args(...); if (rc >= 0)
 * return rc;`. */
int bench_args(int argc, char **argv, const char *usage, int max_args);
/* Parse a positive decimal count argument; 0 if malformed or out of 1..max. */
unsigned bench_count_arg(const char *s, unsigned max);

/* Print "label: value unit" aligned, and a ratio line "  ratio a/b = x". */
void bench_report(const char *label, double ops_per_sec);
void bench_ratio(const char *label, double a, double b);

/* Figures from the Python `cryptography` package (which bundles a newer OpenSSL), measured in this
 * run by `script`: python3 code run with BENCH_PY_PRELUDE in front, which prints one line
 * "label<TAB>ops per CPU second" per measurement (bench_py_time(fn) in the prelude times fn for
 * about 1 s of CPU). Each line is reported and its figure stored in ops[] (at most n, in order);
 * returns how many were stored. When python3, the package or the algorithm is absent, it prints a
 * note saying so and returns 0: never a failure. */
int bench_pyca(const char *script, double ops[], int n);
#define BENCH_PY_PRELUDE                                                                                               \
    "import time\n"                                                                                                    \
    "def bench_py_time(fn):\n"                                                                                         \
    "    n = 0; t0 = time.process_time()\n"                                                                            \
    "    while True:\n"                                                                                                \
    "        fn(); n += 1; t = time.process_time() - t0\n"                                                             \
    "        if t >= 1.0 and n >= 20: return n / t\n"

#endif

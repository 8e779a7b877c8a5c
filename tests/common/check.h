/* check.h: the assertion and summary macros every cctsa test program uses.
 * A test program counts checks, prints each failure with file:line, and ends with
 * "N passed, N failed" (read by CI) and a non-zero exit status on any failure. */
#ifndef CCTSA_TESTS_CHECK_H
#define CCTSA_TESTS_CHECK_H

#include <stdio.h>
#include <string.h>

extern unsigned long check_passed, check_failed;

#define CHECK(cond)                                                                                                    \
    do {                                                                                                               \
        if (cond) {                                                                                                    \
            check_passed++;                                                                                            \
        } else {                                                                                                       \
            check_failed++;                                                                                            \
            fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);                                            \
        }                                                                                                              \
    } while (0)

#define CHECK_MSG(cond, ...)                                                                                           \
    do {                                                                                                               \
        if (cond) {                                                                                                    \
            check_passed++;                                                                                            \
        } else {                                                                                                       \
            check_failed++;                                                                                            \
            fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);                                            \
            fprintf(stderr, __VA_ARGS__);                                                                              \
            fputc('\n', stderr);                                                                                       \
        }                                                                                                              \
    } while (0)

#define CHECK_MEM(a, b, n) CHECK_MSG(memcmp((a), (b), (n)) == 0, "%s != %s (%zu bytes)", #a, #b, (size_t)(n))

/* Print the summary line and return the process exit status (0 only if something was checked
 * and nothing failed: a test that checked nothing is itself a failure). */
int check_summary(const char *test_name);

#endif

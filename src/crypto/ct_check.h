/* ct_check.h: the one constant-time instrumentation mechanism of cctsa. CT_SECRET(p, n) marks
 * memory as secret and CT_PUBLIC(p, n) declassifies it where the protocol or the standard makes a
 * secret-derived value public on purpose (FIPS 204 rejection decisions, released signature parts,
 * the pass/fail outcome of a consistency check). In the copies of the libraries built with
 * CCTSA_CT_CHECKS (the CMake option of that name; only the constant-time test programs link them)
 * these become valgrind memcheck client requests, so a branch or memory index on secret data is
 * reported; everywhere else, and always in the shipped binaries, they compile to nothing. The
 * instrumented copies also define the symbol cctsa_ct_checks_instrumented, which the shipped
 * binaries must not contain (tools/check-no-ct-instrumentation.sh). */
#ifndef CCTSA_CRYPTO_CT_CHECK_H
#define CCTSA_CRYPTO_CT_CHECK_H

#ifdef CCTSA_CT_CHECKS
#include <valgrind/memcheck.h>
extern const char cctsa_ct_checks_instrumented[]; /* referenced so every user links it */
#define CT_SECRET(p, n) ((void)cctsa_ct_checks_instrumented[0], (void)VALGRIND_MAKE_MEM_UNDEFINED((p), (n)))
#define CT_PUBLIC(p, n) ((void)cctsa_ct_checks_instrumented[0], (void)VALGRIND_MAKE_MEM_DEFINED((p), (n)))
#else
#define CT_SECRET(p, n) ((void)(p), (void)(n))
#define CT_PUBLIC(p, n) ((void)(p), (void)(n))
#endif

#endif

/* tecdsa_ctgrind.h: marks the few places where a value computed from secrets becomes public on
 * purpose (the pass/fail outcome of a consistency check), so that the constant-time test can run
 * the code under valgrind memcheck with secrets marked undefined ("ctgrind"): any other branch or
 * memory index on secret data is then reported. Without valgrind headers this is a no-op. */
#ifndef CCTSA_THRESHOLD_TECDSA_CTGRIND_H
#define CCTSA_THRESHOLD_TECDSA_CTGRIND_H

#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define TEC_DECLASSIFY(p, n) ((void)VALGRIND_MAKE_MEM_DEFINED((p), (n)))
#endif
#endif
#ifndef TEC_DECLASSIFY
#define TEC_DECLASSIFY(p, n) ((void)(p), (void)(n))
#endif

#endif

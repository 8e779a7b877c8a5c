/* ct_declassify.h: marks the points where secret-derived data becomes public by design (FIPS 204
 * rejection decisions, released signature parts, public seeds). Private to src/crypto. In the
 * CCTSA_CT_VALGRIND build used by test_mldsa_ct these tell valgrind memcheck the bytes are now
 * defined; everywhere else they compile to nothing. */
#ifndef CCTSA_CRYPTO_CT_DECLASSIFY_H
#define CCTSA_CRYPTO_CT_DECLASSIFY_H

#ifdef CCTSA_CT_VALGRIND
#include <valgrind/memcheck.h>
#define DECLASSIFY(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))
#else
#define DECLASSIFY(p, n) ((void)(p), (void)(n))
#endif

#endif

/* mldsa_reduce.c: exported scalar arithmetic mod q = 2^23 - 2^13 + 1 (Montgomery reduction with
 * R = 2^32, reduction by 2^23, branch-free conditional add / freeze); the inline bodies live in
 * mldsa_arith.h. */
#include "crypto/mldsa_arith.h"

int32_t mldsa_montgomery_reduce(int64_t a) { return mont_reduce(a); }
int32_t mldsa_reduce32(int32_t a) { return reduce32(a); }
int32_t mldsa_caddq(int32_t a) { return caddq(a); }
int32_t mldsa_freeze(int32_t a) { return caddq(reduce32(a)); }

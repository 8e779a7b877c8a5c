/* p384_impl_c.c: the P-384 operations of p384_group_impl.h on the portable C field core
 * (p384_fe_inline.h), the table every build has (see p384_impl.h). */
/* GCC's vectoriser turns the masked selects of the field core into vector loads of limbs just
 * stored one by one (a store-forwarding stall each): measured 7 % on k*P and 25 % on doubling. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-tree-vectorize")
#endif
#include "crypto/p384_fe_inline.h"

#define FE_MUL p384_fe_mul_i
#define FE_SQR p384_fe_sqr_i
#define P384_IMPL_TABLE p384_impl_c
#define P384_IMPL_NAME "portable C"
#include "crypto/p384_group_impl.h"

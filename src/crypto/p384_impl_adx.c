/* p384_impl_adx.c: the P-384 operations of p384_group_impl.h on the MULX/ADCX/ADOX field core
 * (p384_fe_adx.h), built on x86-64 without CCTSA_PORTABLE and used only where CPUID reports BMI2
 * and ADX (see p384_impl.h). */
/* GCC's vectoriser turns the masked selects of the field core into vector loads of limbs just
 * stored one by one (a store-forwarding stall each): measured 7 % on k*P and 25 % on doubling. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-tree-vectorize")
#endif
#include "crypto/p384_fe_adx.h"

#ifdef P384_FE_ADX
#define FE_MUL p384_fe_mul_adx
#define FE_SQR p384_fe_sqr_adx
#define P384_IMPL_TABLE p384_impl_adx
#define P384_IMPL_NAME "x86-64 MULX/ADX"
#include "crypto/p384_group_impl.h"
#else
typedef int p384_impl_adx_unused; /* not built here: an empty translation unit is not ISO C */
#endif

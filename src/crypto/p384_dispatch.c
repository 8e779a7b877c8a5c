/* p384_dispatch.c: the choice of the P-384 implementation table from CPUID and the exported
 * functions of p384_ec.h that call through it (see p384_impl.h). */
#include "crypto/p384_impl.h"

#if defined(P384_FE_ADX)
#include <cpuid.h>
#endif

int p384_cpu_has_adx(void)
{
#if defined(P384_FE_ADX)
    unsigned a, b, c, d;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    return (b >> 8 & 1) && (b >> 19 & 1); /* BMI2 (MULX) and ADX (ADCX, ADOX) */
#else
    return 0;
#endif
}

static const p384_impl *g_impl; /* atomic; NULL until first use */

void p384_impl_force(const p384_impl *impl) { __atomic_store_n(&g_impl, impl, __ATOMIC_RELEASE); }

const p384_impl *p384_impl_active(void)
{
    const p384_impl *impl = __atomic_load_n(&g_impl, __ATOMIC_ACQUIRE);
    if (!impl) {
        impl = &p384_impl_c;
#if defined(P384_FE_ADX)
        if (p384_cpu_has_adx()) impl = &p384_impl_adx;
#endif
        __atomic_store_n(&g_impl, impl, __ATOMIC_RELEASE); /* every thread computes the same choice */
    }
    return impl;
}

void p384_fe_mul(p384_fe r, const p384_fe a, const p384_fe b) { p384_impl_active()->fe_mul(r, a, b); }
void p384_fe_sqr(p384_fe r, const p384_fe a) { p384_impl_active()->fe_sqr(r, a); }
void p384_fe_inv(p384_fe r, const p384_fe a) { p384_impl_active()->fe_inv(r, a); }
void p384_fe_sqrt_candidate(p384_fe r, const p384_fe a) { p384_impl_active()->fe_sqrt_candidate(r, a); }
void p384_point_add(p384_point *r, const p384_point *a, const p384_point *b) { p384_impl_active()->point_add(r, a, b); }
void p384_point_add_affine(p384_point *r, const p384_point *a, const p384_fe x, const p384_fe y)
{
    p384_impl_active()->point_add_affine(r, a, x, y);
}
void p384_point_double(p384_point *r, const p384_point *a) { p384_impl_active()->point_double(r, a); }
void p384_mul(p384_point *r, const p384_point *p, const uint8_t k[48]) { p384_impl_active()->mul(r, p, k); }
void p384_comb_init(p384_comb *c, const p384_point *p) { p384_impl_active()->comb_init(c, p); }
void p384_comb_mul(p384_point *r, const p384_comb *c, const uint8_t k[48]) { p384_impl_active()->comb_mul(r, c, k); }

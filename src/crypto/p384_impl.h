/* p384_impl.h (private to src/crypto): the CPU dispatch of our P-384 arithmetic. The operations that
 * spend their time in field multiplications (inversion, square root, point addition and doubling,
 * the scalar multiplications and the comb tables) are built twice from one body
 * (p384_group_impl.h): with the portable C field core (p384_impl_c.c) and, on x86-64 builds without
 * CCTSA_PORTABLE, with the MULX/ADCX/ADOX field core (p384_impl_adx.c, p384_fe_adx.h). One table is
 * chosen once per process from CPUID (BMI2 and ADX) and the exported functions of p384_ec.h call
 * through it (p384_dispatch.c): one indirect call per group operation, none per field operation.
 * Both tables give bit-identical results (test_p384_dispatch). */
#ifndef CCTSA_CRYPTO_P384_IMPL_H
#define CCTSA_CRYPTO_P384_IMPL_H

#include "crypto/p384_ec.h"
#include "crypto/p384_fe_adx.h"

typedef struct {
    const char *name;
    void (*fe_mul)(p384_fe r, const p384_fe a, const p384_fe b);
    void (*fe_sqr)(p384_fe r, const p384_fe a);
    void (*fe_inv)(p384_fe r, const p384_fe a);
    void (*fe_sqrt_candidate)(p384_fe r, const p384_fe a);
    void (*point_add)(p384_point *r, const p384_point *a, const p384_point *b);
    void (*point_add_affine)(p384_point *r, const p384_point *a, const p384_fe x, const p384_fe y);
    void (*point_double)(p384_point *r, const p384_point *a);
    void (*mul)(p384_point *r, const p384_point *p, const uint8_t k[48]);
    void (*comb_init)(p384_comb *c, const p384_point *p);
    void (*comb_mul)(p384_point *r, const p384_comb *c, const uint8_t k[48]);
} p384_impl;

extern const p384_impl p384_impl_c;
#ifdef P384_FE_ADX
extern const p384_impl p384_impl_adx;
#endif

/* 1 if this CPU has BMI2 and ADX (CPUID leaf 7) and the ADX table is built. */
int p384_cpu_has_adx(void);
/* The table the exported functions use (chosen on first use). */
const p384_impl *p384_impl_active(void);
/* Tests only: make the exported functions use impl (NULL: back to the CPUID choice). */
void p384_impl_force(const p384_impl *impl);

/* The curve constant b in Montgomery form (p384_point.c). */
const uint64_t *p384_curve_b(void);

#endif

/* mldsa_poly.c: coefficient-wise polynomial operations, the vector wrappers over them and the
 * NTT-domain matrix-vector product. All loops are branch-free in the coefficient values. */
#include "crypto/mldsa_arith.h"
#include "crypto/mldsa_dispatch.h"

void mldsa_poly_reduce_c(mldsa_poly *a)
{
    for (unsigned i = 0; i < MLDSA_N; i++) a->c[i] = reduce32(a->c[i]);
}

void mldsa_poly_caddq_c(mldsa_poly *a)
{
    for (unsigned i = 0; i < MLDSA_N; i++) a->c[i] = caddq(a->c[i]);
}

void mldsa_poly_freeze(mldsa_poly *a)
{
    for (unsigned i = 0; i < MLDSA_N; i++) a->c[i] = caddq(reduce32(a->c[i]));
}

void mldsa_poly_add(mldsa_poly *c, const mldsa_poly *a, const mldsa_poly *b)
{
    for (unsigned i = 0; i < MLDSA_N; i++) c->c[i] = a->c[i] + b->c[i];
}

void mldsa_poly_sub(mldsa_poly *c, const mldsa_poly *a, const mldsa_poly *b)
{
    for (unsigned i = 0; i < MLDSA_N; i++) c->c[i] = a->c[i] - b->c[i];
}

void mldsa_poly_shiftl(mldsa_poly *a)
{
    for (unsigned i = 0; i < MLDSA_N; i++) a->c[i] = (int32_t)((uint32_t)a->c[i] << MLDSA_D);
}

int mldsa_poly_chknorm_c(const mldsa_poly *a, int32_t bound)
{
    if (bound > (MLDSA_Q - 1) / 8) return 1; /* public parameter, never reached by callers */
    uint32_t over = 0;
    for (unsigned i = 0; i < MLDSA_N; i++) {
        int32_t v = a->c[i];
        int32_t sign = v >> 31;
        int32_t absval = (v ^ sign) - sign;
        /* (bound - 1 - |v|) is negative exactly when |v| >= bound */
        over |= (uint32_t)(bound - 1 - absval) >> 31;
    }
    return (int)over;
}

#ifdef MLDSA_AVX2
MLDSA_DISPATCH(void, mldsa_poly_reduce, (mldsa_poly * a));
MLDSA_DISPATCH(void, mldsa_poly_caddq, (mldsa_poly * a));
MLDSA_DISPATCH(int, mldsa_poly_chknorm, (const mldsa_poly *a, int32_t bound));
#else
void mldsa_poly_reduce(mldsa_poly *a) { mldsa_poly_reduce_c(a); }
void mldsa_poly_caddq(mldsa_poly *a) { mldsa_poly_caddq_c(a); }
int mldsa_poly_chknorm(const mldsa_poly *a, int32_t bound) { return mldsa_poly_chknorm_c(a, bound); }
#endif

/* --- vectors --- */

#define VEC_APPLY(n, vec, fn)                                                                                          \
    for (unsigned i_ = 0; i_ < (n); i_++) fn(&(vec)->v[i_])
#define VEC_APPLY3(n, out, x, y, fn)                                                                                   \
    for (unsigned i_ = 0; i_ < (n); i_++) fn(&(out)->v[i_], &(x)->v[i_], &(y)->v[i_])

void mldsa_polyvecl_ntt(mldsa_polyvecl *v) { VEC_APPLY(MLDSA_L, v, mldsa_poly_ntt); }
void mldsa_polyvecl_invntt_tomont(mldsa_polyvecl *v) { VEC_APPLY(MLDSA_L, v, mldsa_poly_invntt_tomont); }
void mldsa_polyvecl_reduce(mldsa_polyvecl *v) { VEC_APPLY(MLDSA_L, v, mldsa_poly_reduce); }
void mldsa_polyveck_ntt(mldsa_polyveck *v) { VEC_APPLY(MLDSA_K, v, mldsa_poly_ntt); }
void mldsa_polyveck_invntt_tomont(mldsa_polyveck *v) { VEC_APPLY(MLDSA_K, v, mldsa_poly_invntt_tomont); }
void mldsa_polyveck_reduce(mldsa_polyveck *v) { VEC_APPLY(MLDSA_K, v, mldsa_poly_reduce); }
void mldsa_polyveck_caddq(mldsa_polyveck *v) { VEC_APPLY(MLDSA_K, v, mldsa_poly_caddq); }
void mldsa_polyveck_shiftl(mldsa_polyveck *v) { VEC_APPLY(MLDSA_K, v, mldsa_poly_shiftl); }

void mldsa_polyveck_add(mldsa_polyveck *w, const mldsa_polyveck *u, const mldsa_polyveck *v)
{
    VEC_APPLY3(MLDSA_K, w, u, v, mldsa_poly_add);
}

void mldsa_polyveck_sub(mldsa_polyveck *w, const mldsa_polyveck *u, const mldsa_polyveck *v)
{
    VEC_APPLY3(MLDSA_K, w, u, v, mldsa_poly_sub);
}

void mldsa_polyvecl_add(mldsa_polyvecl *w, const mldsa_polyvecl *u, const mldsa_polyvecl *v)
{
    VEC_APPLY3(MLDSA_L, w, u, v, mldsa_poly_add);
}

int mldsa_polyvecl_chknorm(const mldsa_polyvecl *v, int32_t bound)
{
    int over = 0;
    for (unsigned i = 0; i < MLDSA_L; i++) over |= mldsa_poly_chknorm(&v->v[i], bound);
    return over;
}

int mldsa_polyveck_chknorm(const mldsa_polyveck *v, int32_t bound)
{
    int over = 0;
    for (unsigned i = 0; i < MLDSA_K; i++) over |= mldsa_poly_chknorm(&v->v[i], bound);
    return over;
}

void mldsa_polyvecl_pointwise_poly(mldsa_polyvecl *r, const mldsa_poly *a, const mldsa_polyvecl *v)
{
    for (unsigned i = 0; i < MLDSA_L; i++) mldsa_poly_pointwise_montgomery(&r->v[i], a, &v->v[i]);
}

void mldsa_polyveck_pointwise_poly(mldsa_polyveck *r, const mldsa_poly *a, const mldsa_polyveck *v)
{
    for (unsigned i = 0; i < MLDSA_K; i++) mldsa_poly_pointwise_montgomery(&r->v[i], a, &v->v[i]);
}

/* Inner product of a matrix row with v: the products are accumulated in 64 bits and reduced
 * once (|A| < q, |v| < 9q: 5 * 9q^2 stays far below the 2^31 q Montgomery input bound). w never
 * overlaps A or v (restrict lets the compiler vectorize despite -fno-strict-aliasing). */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline void
matrix_mul_body(mldsa_polyveck *restrict w, const mldsa_matrix *restrict A, const mldsa_polyvecl *restrict v)
{
    for (unsigned r = 0; r < MLDSA_K; r++) {
        const mldsa_polyvecl *row = &A->row[r];
        for (unsigned i = 0; i < MLDSA_N; i++) {
            int64_t acc = 0;
            for (unsigned s = 0; s < MLDSA_L; s++) acc += (int64_t)row->v[s].c[i] * v->v[s].c[i];
            w->v[r].c[i] = mont_reduce_hi(acc);
        }
    }
}

/* On x86-64 (GCC/clang, ELF) the product is also compiled for AVX2 and AVX-512 (F, VL, DQ;
 * 256-bit vectors), chosen once at load time by an ifunc resolver from CPUID; the same integer
 * arithmetic, so the same results, and no data-dependent branch or index in any version. */
#if defined(__x86_64__) && defined(__GNUC__) && defined(__ELF__) && defined(__has_attribute) && !defined(CCTSA_PORTABLE)
#if __has_attribute(ifunc) && __has_attribute(target)
#define MATMUL_IFUNC 1
#endif
#endif

#ifdef MATMUL_IFUNC
/* 256-bit vectors only (GCC: prefer-vector-width; clang does not take it in the attribute) */
#if defined(__clang__)
#define MATMUL_AVX512 __attribute__((target("avx2,avx512f,avx512vl,avx512dq")))
#else
#define MATMUL_AVX512 __attribute__((target("avx2,avx512f,avx512vl,avx512dq,prefer-vector-width=256")))
#endif

typedef void (*matrix_mul_fn)(mldsa_polyveck *w, const mldsa_matrix *A, const mldsa_polyvecl *v);

static void matrix_mul_default(mldsa_polyveck *w, const mldsa_matrix *A, const mldsa_polyvecl *v)
{
    matrix_mul_body(w, A, v);
}

__attribute__((target("avx2"))) static void matrix_mul_avx2(mldsa_polyveck *w, const mldsa_matrix *A,
                                                            const mldsa_polyvecl *v)
{
    matrix_mul_body(w, A, v);
}

MATMUL_AVX512 static void matrix_mul_avx512(mldsa_polyveck *w, const mldsa_matrix *A, const mldsa_polyvecl *v)
{
    matrix_mul_body(w, A, v);
}

/* runs while relocations are processed, before any sanitizer runtime is set up: not instrumented;
 * referenced only through the ifunc attribute (unused keeps clang from warning) */
#if __has_attribute(no_sanitize_address)
__attribute__((no_sanitize_address))
#endif
__attribute__((unused)) static matrix_mul_fn
resolve_matrix_mul(void)
{
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq"))
        return matrix_mul_avx512;
    if (__builtin_cpu_supports("avx2")) return matrix_mul_avx2;
    return matrix_mul_default;
}

void mldsa_matrix_mul(mldsa_polyveck *w, const mldsa_matrix *A, const mldsa_polyvecl *v)
    __attribute__((ifunc("resolve_matrix_mul")));
#else
void mldsa_matrix_mul(mldsa_polyveck *w, const mldsa_matrix *A, const mldsa_polyvecl *v) { matrix_mul_body(w, A, v); }
#endif

/* mldsa_poly.c: coefficient-wise polynomial operations, the vector wrappers over them and the
 * NTT-domain matrix-vector product. All loops are branch-free in the coefficient values. */
#include "crypto/mldsa_arith.h"

void mldsa_poly_reduce(mldsa_poly *a)
{
    for (unsigned i = 0; i < MLDSA_N; i++) a->c[i] = reduce32(a->c[i]);
}

void mldsa_poly_caddq(mldsa_poly *a)
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

int mldsa_poly_chknorm(const mldsa_poly *a, int32_t bound)
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

/* --- vectors --- */

#define VEC_APPLY(n, vec, fn)                                         \
    for (unsigned i_ = 0; i_ < (n); i_++) fn(&(vec)->v[i_])
#define VEC_APPLY3(n, out, x, y, fn)                                  \
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
 * once (|A| < q, |v| < 9q: 5 * 9q^2 stays far below the 2^31 q Montgomery input bound). */
void mldsa_matrix_mul(mldsa_polyveck *w, const mldsa_matrix *A, const mldsa_polyvecl *v)
{
    for (unsigned r = 0; r < MLDSA_K; r++) {
        const mldsa_polyvecl *row = &A->row[r];
        for (unsigned i = 0; i < MLDSA_N; i++) {
            int64_t acc = 0;
            for (unsigned s = 0; s < MLDSA_L; s++) acc += (int64_t)row->v[s].c[i] * v->v[s].c[i];
            w->v[r].c[i] = mont_reduce(acc);
        }
    }
}

/* mldsa_dispatch.h (private to src/crypto): the CPU dispatch of the ML-DSA kernels. On x86-64
 * (GCC/clang, ELF, not CCTSA_PORTABLE) each dispatched function below has a portable C version
 * (*_c) and an AVX2 version in C intrinsics (*_avx2, __attribute__((target("avx2"))), so the
 * binary does not depend on the build host); the exported name in mldsa_blocks.h is an ifunc
 * bound once at load time from CPUID (mldsa_cpu_has_avx2). Both versions give bit-identical
 * outputs on every input their contract allows (test_mldsa_dispatch compares them). */
#ifndef CCTSA_CRYPTO_MLDSA_DISPATCH_H
#define CCTSA_CRYPTO_MLDSA_DISPATCH_H

#include "crypto/mldsa_blocks.h"

#if defined(__x86_64__) && defined(__GNUC__) && defined(__ELF__) && defined(__has_attribute) && !defined(CCTSA_PORTABLE)
#if __has_attribute(ifunc) && __has_attribute(target)
#define MLDSA_AVX2 1
#endif
#endif

/* the NTT twiddles (mldsa_ntt.c): zetas[k] = 2^32 * 1753^brv8(k) mod q centred, and
 * mldsa_zetas_inv[k] = -mldsa_zetas[255 - k] */
extern const int32_t mldsa_zetas[MLDSA_N];
extern const int32_t mldsa_zetas_inv[MLDSA_N];
/* mont^2 / 256 mod q: undoes the 1/256 of the inverse transform and leaves one Montgomery factor. */
#define INVNTT_SCALE 41978
/* INVNTT_SCALE * (-zetas[1]) / mont mod q: the last layer's twiddle merged with the final scaling. */
#define INVNTT_SCALE_ZETA 3975713

/* The dispatched kernels: X(return type, exported name, parameters). RejNTTPoly's candidate
 * parsing (mldsa_rej_uniform, mldsa_sample.c) appends the 3-byte candidates of buf[0, len) that
 * are < q to a from index n until a holds MLDSA_N, and returns the new count. */
#define MLDSA_DISPATCHED(X)                                                                                            \
    X(void, mldsa_poly_ntt, (mldsa_poly * p))                                                                          \
    X(void, mldsa_poly_invntt_tomont, (mldsa_poly * p))                                                                \
    X(void, mldsa_poly_pointwise_montgomery, (mldsa_poly * c, const mldsa_poly *a, const mldsa_poly *b))               \
    X(void, mldsa_poly_reduce, (mldsa_poly * a))                                                                       \
    X(void, mldsa_poly_caddq, (mldsa_poly * a))                                                                        \
    X(int, mldsa_poly_chknorm, (const mldsa_poly *a, int32_t bound))                                                   \
    X(void, mldsa_polyveck_power2round, (mldsa_polyveck * v1, mldsa_polyveck * v0, const mldsa_polyveck *v))           \
    X(void, mldsa_polyveck_decompose, (mldsa_polyveck * v1, mldsa_polyveck * v0, const mldsa_polyveck *v))             \
    X(unsigned, mldsa_polyveck_make_hint, (mldsa_polyveck * h, const mldsa_polyveck *v0, const mldsa_polyveck *v1))    \
    X(void, mldsa_polyveck_use_hint, (mldsa_polyveck * w, const mldsa_polyveck *u, const mldsa_polyveck *h))           \
    X(unsigned, mldsa_rej_uniform, (int32_t * a, unsigned n, const uint8_t *buf, size_t len))

unsigned mldsa_rej_uniform(int32_t *a, unsigned n, const uint8_t *buf, size_t len);
/* portable versions (always built): name##_c */
#define MLDSA_DECLARE_C(ret, name, params) ret name##_c params;
MLDSA_DISPATCHED(MLDSA_DECLARE_C)

#ifdef MLDSA_AVX2
/* the CPU check every resolver uses; resolvers run while relocations are processed, before any
 * sanitizer runtime is set up, so they are not instrumented (and referenced only by ifunc) */
#if __has_attribute(no_sanitize_address)
#define MLDSA_RESOLVER static __attribute__((no_sanitize_address, unused))
#else
#define MLDSA_RESOLVER static __attribute__((unused))
#endif
static inline int mldsa_cpu_has_avx2(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2");
}
/* an exported name bound to name##_avx2 or name##_c */
#define MLDSA_DISPATCH(ret, name, params)                                                                              \
    MLDSA_RESOLVER ret(*resolve_##name(void)) params { return mldsa_cpu_has_avx2() ? name##_avx2 : name##_c; }         \
    ret name params __attribute__((ifunc("resolve_" #name)))

/* AVX2 versions (mldsa_ntt_avx2.c, mldsa_poly_avx2.c): name##_avx2 */
#define MLDSA_DECLARE_AVX2(ret, name, params) ret name##_avx2 params;
MLDSA_DISPATCHED(MLDSA_DECLARE_AVX2)
#endif

#endif

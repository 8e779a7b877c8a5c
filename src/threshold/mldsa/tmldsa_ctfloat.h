/* tmldsa_ctfloat.h: constant-time floating-point helpers and the hyperball mask sampler of
 * threshold ML-DSA. Owned here: branch-free log, inverse square root, sine/cosine and rounding on
 * IEEE-754 doubles, the Box-Muller Gaussian built from them, and the uniform sampler of the
 * ellipsoid { ||y1/nu||^2 + ||y2||^2 <= r'^2 } in dimension (l + k) * 256 = 2816.
 *
 * Why constant time: the samples are the secret masks y; z = y + c*s is published, so leaking y
 * leaks s. glibc's libm is not documented constant time (argument reduction and special-case
 * branches), so nothing here calls libm. The functions use only:
 *   - integer operations on the bit pattern (exponent/mantissa split, masks, selects);
 *   - double additions and multiplications of normal numbers (fixed latency on x86-64 SSE2 and
 *     AArch64; no subnormal operand or result can occur for the input ranges documented below);
 *   - no division and no sqrt instruction (divsd/sqrtsd latency can depend on the operands on
 *     some cores): reciprocals and inverse square roots are Newton iterations with a fixed count,
 *     seeded by integer bit tricks.
 * Polynomials are fixed-length Horner evaluations (series written here from the definitions:
 * atanh series for log, Taylor series for sin/cos on [-pi/4, pi/4]). Accuracy: relative error
 * below 1e-14 everywhere in range (checked by test_tmldsa_ctfloat against independent long double
 * references). The build must not use -ffast-math (it would break the rounding trick). */
#ifndef CCTSA_THRESHOLD_TMLDSA_CTFLOAT_H
#define CCTSA_THRESHOLD_TMLDSA_CTFLOAT_H

#include <stddef.h>
#include <stdint.h>

/* Natural log of x, x a normal positive double. */
double tmldsa_ct_log(double x);
/* 1/sqrt(x), x a normal positive double (x = 0 returns a finite value; callers never pass it). */
double tmldsa_ct_invsqrt(double x);
/* sin and cos of 2*pi*t/2^52 for an integer t in [0, 2^52). */
void tmldsa_ct_sincos_turn(uint64_t t, double *s, double *c);
/* Round to the nearest integer (ties to even), |x| < 2^51. Inline: it runs once per mask
 * coefficient in commit_w and respond_slot. */
static inline double tmldsa_ct_round(double x)
{
    const double shifter = 6755399441055744.0; /* 2^52 + 2^51: forces rounding at the units place */
    return (x + shifter) - shifter;
}
/* out[i] = tmldsa_ct_round(in[i]) for i < n, |in[i]| < 2^31: the masks' rounding in vector lanes
 * (cloned like the sampler; the same values as the inline function). */
void tmldsa_ct_round_i32(int32_t *out, const double *in, size_t n);
/* Two independent standard normal samples from two 52-bit uniforms (Box-Muller). */
void tmldsa_ct_gauss_pair(uint64_t u1, uint64_t u2, double *g1, double *g2);

#define TMLDSA_HB_DIM ((5 + 6) * 256) /* (l + k) * n for ML-DSA-65 */
#define TMLDSA_HB_L1 (5 * 256)        /* first l*n coordinates: the y1 part, scaled by nu */

#define TMLDSA_HB_PAIRS ((TMLDSA_HB_DIM + 2) / 2)  /* Box-Muller pairs per sample */
#define TMLDSA_HB_RANDBYTES (TMLDSA_HB_PAIRS * 13) /* two 52-bit uniforms per pair */

/* Fill y[TMLDSA_HB_DIM] with a point uniform in { ||y1/nu||^2 + ||y2||^2 <= radius^2 }, from
 * TMLDSA_HB_RANDBYTES uniform random bytes. Method: dim + 2 Gaussians, normalised to length
 * `radius`, the last two dropped (uniform in the ball), then the first l*n coordinates multiplied
 * by nu. */
void tmldsa_hyperball_sample(double *y, const uint8_t rand[TMLDSA_HB_RANDBYTES], double radius, double nu);

#endif

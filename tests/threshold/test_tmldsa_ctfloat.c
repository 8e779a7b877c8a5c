/* test_tmldsa_ctfloat.c: the constant-time float kernels and the hyperball sampler of threshold
 * ML-DSA against independent references written here in long double (plain series with argument
 * reduction by loops, no libm), plus statistical checks of the Gaussians and of the ellipsoid
 * samples. With `--ct-check` it instead runs the sampler on inputs marked undefined for valgrind
 * memcheck (tests/threshold/mldsa/tmldsa_ctgrind.sh): any branch or memory index that depends on the
 * secret randomness is reported as an error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "crypto/fips202.h"
#include "testutil.h"
#include "threshold/mldsa/tmldsa_ctfloat.h"
#include "threshold/mldsa/tmldsa_internal.h"
#include "threshold/testkit/tmldsa_driver.h"

/* the valgrind client requests only in the CCTSA_CT_CHECKS copy (test_tmldsa_ctfloat_ct) */
#ifdef CCTSA_CT_CHECKS
#include <valgrind/memcheck.h>
#else
#define VALGRIND_MAKE_MEM_UNDEFINED(p, n) ((void)(p), (void)(n))
#define VALGRIND_MAKE_MEM_DEFINED(p, n) ((void)(p), (void)(n))
#define RUNNING_ON_VALGRIND 0
#endif
#define HB_KAT "a1a6ac2194eb238c16f41c95e16b129f5a15d903716776fbb9c7e7c69604b137"

static const long double LN2L = 0.693147180559945309417232121458176568L;
static const long double PIL = 3.141592653589793238462643383279502884L;

static long double ref_log(long double x)
{
    long double e = 0;
    while (x >= 1.4142135623730950488L) {
        x /= 2;
        e += 1;
    }
    while (x < 0.70710678118654752440L) {
        x *= 2;
        e -= 1;
    }
    long double s = (x - 1) / (x + 1), s2 = s * s, term = s, sum = 0;
    for (int k = 1; k < 80; k += 2) {
        sum += term / k;
        term *= s2;
    }
    return e * LN2L + 2 * sum;
}

/* sin and cos by Taylor series after reducing the angle to [-pi, pi]. */
static void ref_sincos(long double a, long double *s, long double *c)
{
    while (a > PIL) a -= 2 * PIL;
    while (a < -PIL) a += 2 * PIL;
    long double ts = a, tc = 1, ss = 0, cc = 0;
    for (int k = 0; k < 40; k++) {
        ss += ts;
        cc += tc;
        ts *= -a * a / ((2 * k + 2) * (2 * k + 3));
        tc *= -a * a / ((2 * k + 1) * (2 * k + 2));
    }
    *s = ss;
    *c = cc;
}

static long double absl(long double x) { return x < 0 ? -x : x; }

/* square root by Newton iteration (test tolerances only) */
static double sqrt_ref(double x)
{
    long double r = x > 1 ? x : 1;
    for (int i = 0; i < 200; i++) r = (r + x / r) / 2;
    return (double)r;
}

static uint64_t next_u64(cc_keccak_ctx *x)
{
    uint8_t b[8];
    uint64_t v = 0;
    cc_keccak_squeeze(x, b, 8);
    for (int i = 7; i >= 0; i--) v = v << 8 | b[i];
    return v;
}

static void test_kernels(cc_keccak_ctx *xof, unsigned n)
{
    long double worst_log = 0, worst_inv = 0, worst_sc = 0;
    for (unsigned i = 0; i < n; i++) {
        uint64_t r = next_u64(xof);
        /* log on the sampler's domain (0, 1) and on a wide range of normal doubles */
        double u = ((double)(r >> 12) + 0.5) / 4503599627370496.0;
        double w = u * 1e200;
        if (i % 3 == 1) w = u * 1e-300;
        if (i % 3 == 2) w = 1.0 + (u - 0.5) * 1e-9; /* near 1, where ln is tiny */
        long double e1 = absl((long double)tmldsa_ct_log(u) - ref_log(u)) / absl(ref_log(u));
        long double e2 = absl((long double)tmldsa_ct_log(w) - ref_log(w)) / absl(ref_log(w));
        if (e1 > worst_log) worst_log = e1;
        if (e2 > worst_log) worst_log = e2;
        /* inverse sqrt: |y^2 x - 1| is twice the relative error */
        double v = u * 80.0 + 1e-300;
        if (i % 2) v = u * 4000.0;
        long double y = tmldsa_ct_invsqrt(v);
        long double ei = absl(y * y * v - 1) / 2;
        if (ei > worst_inv) worst_inv = ei;
        /* sin/cos of a full turn fraction */
        uint64_t t = r >> 12;
        double s, c;
        long double rs, rc;
        tmldsa_ct_sincos_turn(t, &s, &c);
        ref_sincos(2 * PIL * (long double)t / 4503599627370496.0L, &rs, &rc);
        long double es = absl(s - rs), ec = absl(c - rc);
        if (es > worst_sc) worst_sc = es;
        if (ec > worst_sc) worst_sc = ec;
    }
    /* exact points */
    CHECK(tmldsa_ct_log(1.0) == 0.0);
    CHECK(absl(tmldsa_ct_log(2.0) - LN2L) < 1e-16L);
    CHECK(absl(tmldsa_ct_log(0.5) + LN2L) < 1e-16L);
    double s, c;
    tmldsa_ct_sincos_turn(0, &s, &c);
    CHECK(absl(s) < 1e-15L && absl(c - 1) < 1e-15L);
    tmldsa_ct_sincos_turn(1ULL << 50, &s, &c); /* quarter turn */
    CHECK(absl(s - 1) < 1e-15L && absl(c) < 1e-15L);
    tmldsa_ct_sincos_turn(3ULL << 50, &s, &c); /* three quarters */
    CHECK(absl(s + 1) < 1e-15L && absl(c) < 1e-15L);
    printf("max relative error: log %.3Le, invsqrt %.3Le; max absolute error sin/cos %.3Le (%u inputs)\n", worst_log,
           worst_inv, worst_sc, n);
    CHECK_MSG(worst_log < 1e-14L, "log error %Le", worst_log);
    CHECK_MSG(worst_inv < 1e-15L, "invsqrt error %Le", worst_inv);
    CHECK_MSG(worst_sc < 1e-15L, "sincos error %Le", worst_sc);

    /* rounding: nearest, ties to even, negative values, large values */
    static const double in[] = {0.0,  0.49999, 0.5,  1.5,       2.5,         -0.5,
                                -1.5, -2.4999, -2.6, 1048575.5, -3276799.51, 4194303.2};
    static const double want[] = {0, 0, 0, 2, 2, 0, -2, -2, -3, 1048576, -3276800, 4194303};
    for (unsigned i = 0; i < sizeof in / sizeof in[0]; i++)
        CHECK_MSG(tmldsa_ct_round(in[i]) == want[i], "round(%f) = %f", in[i], tmldsa_ct_round(in[i]));
}

/* Gaussian moments and tail masses against the standard normal. */
static void test_gaussians(cc_keccak_ctx *xof, unsigned pairs)
{
    double n = 2.0 * pairs, m1 = 0, m2 = 0, m4 = 0, in1 = 0, in2 = 0, in3 = 0, corr = 0;
    for (unsigned i = 0; i < pairs; i++) {
        double g[2];
        tmldsa_ct_gauss_pair(next_u64(xof) >> 12, next_u64(xof) >> 12, &g[0], &g[1]);
        corr += g[0] * g[1];
        for (int k = 0; k < 2; k++) {
            double a = g[k] < 0 ? -g[k] : g[k];
            m1 += g[k];
            m2 += g[k] * g[k];
            m4 += g[k] * g[k] * g[k] * g[k];
            in1 += a < 1;
            in2 += a < 2;
            in3 += a < 3;
        }
    }
    m1 /= n;
    m2 /= n;
    m4 /= n;
    in1 /= n;
    in2 /= n;
    in3 /= n;
    corr /= pairs;
    printf("gaussians (%u pairs): mean %.5f var %.5f m4 %.4f corr %.5f P(<1) %.5f P(<2) %.5f P(<3) %.5f\n", pairs, m1,
           m2, m4, corr, in1, in2, in3);
    /* 6-sigma bounds from the sampling error of each statistic */
    double sd = 1.0 / sqrt_ref(n);
    CHECK_MSG(m1 < 6 * sd && m1 > -6 * sd, "mean %f", m1);
    CHECK_MSG(m2 - 1 < 6 * 1.415 * sd && 1 - m2 < 6 * 1.415 * sd, "variance %f", m2);
    CHECK_MSG(m4 - 3 < 6 * 9.8 * sd && 3 - m4 < 6 * 9.8 * sd, "fourth moment %f", m4);
    CHECK_MSG(corr < 6 * sd * 1.415 && corr > -6 * sd * 1.415, "pair correlation %f", corr);
    static const double p[3] = {0.682689492137086, 0.954499736103642, 0.997300203936740};
    double got[3] = {in1, in2, in3};
    for (int k = 0; k < 3; k++) {
        double tol = 6 * sqrt_ref(p[k] * (1 - p[k]) / n);
        CHECK_MSG(got[k] - p[k] < tol && p[k] - got[k] < tol, "P(|g| < %d) = %f, expected %f", k + 1, got[k], p[k]);
    }
}

/* Ellipsoid samples: radius <= r', concentrated near r' (uniform in dimension 2816), the y1 part
 * carrying its share 1280/2816 of the mass, deterministic in the randomness. */
static void test_hyperball(cc_keccak_ctx *xof, unsigned samples)
{
    const double rp = TMLDSA_RPRIME, nu = TMLDSA_NU;
    double *y = malloc(TMLDSA_HB_DIM * sizeof *y), *y2 = malloc(TMLDSA_HB_DIM * sizeof *y2);
    uint8_t *rnd = malloc(TMLDSA_HB_RANDBYTES);
    double frac_sum = 0, rho_min = 2, rho_max = 0;
    for (unsigned s = 0; s < samples; s++) {
        cc_keccak_squeeze(xof, rnd, TMLDSA_HB_RANDBYTES);
        tmldsa_hyperball_sample(y, rnd, rp, nu);
        long double n1 = 0, n2 = 0;
        for (unsigned i = 0; i < TMLDSA_HB_L1; i++) n1 += (long double)(y[i] / nu) * (y[i] / nu);
        for (unsigned i = TMLDSA_HB_L1; i < TMLDSA_HB_DIM; i++) n2 += (long double)y[i] * y[i];
        long double rho2 = (n1 + n2) / ((long double)rp * rp);
        double rho = (double)rho2; /* squared radius ratio */
        if (rho < rho_min) rho_min = rho;
        if (rho > rho_max) rho_max = rho;
        frac_sum += (double)(n1 / (n1 + n2));
        if (s == 0) {
            tmldsa_hyperball_sample(y2, rnd, rp, nu);
            CHECK(memcmp(y, y2, TMLDSA_HB_DIM * sizeof *y) == 0);
            rnd[100] ^= 1;
            tmldsa_hyperball_sample(y2, rnd, rp, nu);
            CHECK(memcmp(y, y2, TMLDSA_HB_DIM * sizeof *y) != 0);
        }
    }
    double frac = frac_sum / samples;
    printf("hyperball (%u samples): (|y|/r')^2 in [%.6f, %.6f], y1 share %.4f (expected %.4f)\n", samples, rho_min,
           rho_max, frac, 1280.0 / 2816.0);
    CHECK_MSG(rho_max <= 1.0 + 1e-12, "sample outside the ellipsoid: %f", rho_max);
    /* P((|y|/r')^2 < 0.99) = 0.99^1408 < 1e-6 for a uniform point */
    CHECK_MSG(rho_min > 0.99, "sample far inside the ellipsoid: %f (not uniform in the ball)", rho_min);
    CHECK_MSG(frac > 1280.0 / 2816.0 - 0.01 && frac < 1280.0 / 2816.0 + 0.01, "y1 share %f", frac);
    free(y);
    free(y2);
    free(rnd);
}

/* Known answer: SHAKE256 of the sampler's output bytes for fixed randomness, recorded from the
 * original scalar/AVX2 code. Whichever clone the loader picks (default, AVX2, x86-64-v4) and
 * whatever the batching, the samples must stay bit-identical (the KAT hex is the digest of the
 * 2816 little-endian doubles). */
static void test_hyperball_kat(void)
{
    static const char want[] = HB_KAT;
    uint8_t *rnd = malloc(TMLDSA_HB_RANDBYTES), d[32];
    double *y = malloc(TMLDSA_HB_DIM * sizeof *y);
    char hex[65];
    cc_shake256(rnd, TMLDSA_HB_RANDBYTES, (const uint8_t *)"hyperball-kat", 13);
    tmldsa_hyperball_sample(y, rnd, TMLDSA_RPRIME, TMLDSA_NU);
    cc_shake256(d, sizeof d, (const uint8_t *)y, TMLDSA_HB_DIM * sizeof *y);
    for (unsigned i = 0; i < 32; i++) snprintf(hex + 2 * i, 3, "%02x", d[i]);
    printf("hyperball known answer: %s\n", hex);
    CHECK_MSG(strcmp(hex, want) == 0, "hyperball samples changed: %s, want %s", hex, want);
    free(rnd);
    free(y);
}

/* The vector rounding of the masks (tmldsa_ct_round_i32) against the scalar one and against
 * hand-checked values: ties to even, negatives, the magnitudes of y1 (|y| < nu r' < 2^22). */
static void test_round_i32(cc_keccak_ctx *xof)
{
    static const double fixed[12] = {0.5,     1.5,      2.5,       -0.5,       -1.5, -2.5,
                                     3.49999, -3.50001, 3318869.5, -3318870.5, 0.0,  -0.0};
    static const int32_t want[12] = {0, 2, 2, 0, -2, -2, 3, -4, 3318870, -3318870, 0, 0};
    double in[1000];
    int32_t out[1000];
    for (unsigned i = 0; i < 1000; i++)
        in[i] = i < 12 ? fixed[i] : ((double)(int64_t)(next_u64(xof) >> 20) - 8796093022208.0) / 1048576.0;
    tmldsa_ct_round_i32(out, in, 1000);
    for (unsigned i = 0; i < 12; i++)
        CHECK_MSG(out[i] == want[i], "round(%.5f) = %d, want %d", fixed[i], out[i], want[i]);
    unsigned bad = 0;
    for (unsigned i = 0; i < 1000; i++) bad += out[i] != (int32_t)tmldsa_ct_round(in[i]);
    CHECK_MSG(bad == 0, "%u of 1000 vector roundings differ from tmldsa_ct_round", bad);
}

/* Under valgrind: the randomness is marked undefined; memcheck reports any branch or address
 * computed from it. The results are declassified only to be printed. */
static int ct_check(void)
{
    uint8_t *rnd = malloc(TMLDSA_HB_RANDBYTES);
    double *y = malloc(TMLDSA_HB_DIM * sizeof *y);
    cc_shake256(rnd, TMLDSA_HB_RANDBYTES, (const uint8_t *)"ct", 2);
    VALGRIND_MAKE_MEM_UNDEFINED(rnd, TMLDSA_HB_RANDBYTES);
    tmldsa_hyperball_sample(y, rnd, TMLDSA_RPRIME, TMLDSA_NU);
    int32_t r[64];
    for (unsigned i = 0; i < 64; i++) r[i] = (int32_t)tmldsa_ct_round(y[i * 40]);
    VALGRIND_MAKE_MEM_DEFINED(r, sizeof r);
    long sum = 0;
    for (unsigned i = 0; i < 64; i++) sum += r[i];
    printf("ct-check: running on valgrind: %s, checksum %ld\n", RUNNING_ON_VALGRIND ? "yes" : "no", sum);
    free(rnd);
    free(y);
    return 0;
}

/* One signing attempt (K = 4) of three parties with the partial secrets and the mask seed marked
 * secret inside the library (TMLDSA_SECRET) and declassified only where the protocol publishes
 * values; combine then runs on public data. */
static int ct_sign(void)
{
    uint8_t sid[TMLDSA_SIDBYTES] = {1}, sig[TMLDSA_SIGBYTES];
    tmldsa_share *sh[TMLDSA_PARTIES];
    tmldsa_sign *st[TMLDSA_THRESHOLD] = {0};
    tmldsa_msg m1[3] = {{0}}, m2[3] = {{0}}, m3[3] = {{0}};
    tmldsa_error err = {0};
    static const unsigned ids[3] = {2, 3, 5};
    int rc = tmldsa_driver_dkg(sid, sh, NULL, NULL, NULL, &err);
    for (unsigned j = 0; j < 3 && !rc; j++)
        rc = tmldsa_sign_new(&st[j], sh[ids[j] - 1], sid, 0x16, 4, (const uint8_t *)"m", 1, NULL, 0,
                             tmldsa_driver_accept_all, NULL, &err);
    for (unsigned j = 0; j < 3 && !rc; j++) rc = tmldsa_sign_round1(st[j], &m1[j], &err);
    for (unsigned j = 0; j < 3 && !rc; j++) rc = tmldsa_sign_round2(st[j], m1, &m2[j], &err);
    for (unsigned j = 0; j < 3 && !rc; j++) rc = tmldsa_sign_round3(st[j], m2, &m3[j], &err);
    if (!rc) {
        rc = tmldsa_sign_combine(st[0], m3, sig, NULL, &err);
        if (rc == TMLDSA_E_RETRY) rc = TMLDSA_OK;
    }
    printf("ct-sign: one attempt of three signers: %s\n", rc ? err.reason : "ok");
    for (unsigned j = 0; j < 3; j++) {
        tmldsa_sign_free(st[j]);
        tmldsa_msg_free(&m1[j]);
        tmldsa_msg_free(&m2[j]);
        tmldsa_msg_free(&m3[j]);
    }
    for (unsigned p = 0; p < TMLDSA_PARTIES; p++) tmldsa_share_free(sh[p]);
    return rc ? 1 : 0;
}

/* Harness self-test: a deliberate branch on a secret byte, which memcheck must report. */
static int ct_selftest(void)
{
    volatile uint8_t secret[1] = {0x5A};
    VALGRIND_MAKE_MEM_UNDEFINED((void *)secret, 1);
    int r = 0;
    if (secret[0] & 1) r = 1; /* secret-dependent branch */
    printf("ct-selftest: %d\n", r);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--ct-check") == 0) return ct_check();
    if (argc == 2 && strcmp(argv[1], "--ct-selftest") == 0) return ct_selftest();
    if (argc == 2 && strcmp(argv[1], "--ct-sign") == 0) return ct_sign();
    int small = tu_sanitized();
    cc_keccak_ctx xof;
    cc_shake256_init(&xof);
    cc_keccak_absorb(&xof, (const uint8_t *)"test_tmldsa_ctfloat", 19);
    cc_keccak_finalize(&xof);
    test_kernels(&xof, small ? 20000 : 200000);
    test_gaussians(&xof, small ? 100000 : 1000000);
    test_hyperball(&xof, small ? 10 : 100);
    test_hyperball_kat();
    test_round_i32(&xof);
    return check_summary("test_tmldsa_ctfloat");
}

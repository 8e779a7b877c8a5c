/* test_p384_ct.c: constant-time check of our P-384 arithmetic (crypto/p384_ec.h), run under
 * valgrind memcheck (test_p384_ct) with secret inputs marked undefined, so a branch or a memory
 * index that depends on them is reported:
 *  - k*G over the fixed-base comb, k*P with fixed windows and k*P over P's own comb, with the
 *    scalar k secret (low, high and random scalars);
 *  - k*P with the point P secret too, complete addition and doubling of secret points (including
 *    P + P and P + (-P)), conditional negation, conversion to affine and encoding;
 *  - field inversion and square root of a secret element, parsing secret coordinates.
 * Results are declassified only to be compared with the same computation on public inputs. With
 * --leak-control the program deliberately branches on a secret scalar byte: that run must fail
 * (test_p384_ct_leak_control), proving the harness detects a leak. Not under valgrind (the
 * sanitizer build) the same workload checks results only. The workload runs once per built
 * implementation table (crypto/p384_impl.h): the portable C one and, where built, the MULX/ADX one
 * (valgrind's CPUID hides ADX but valgrind runs the instructions, so it is checked there too). */
#include <string.h>
#include <valgrind/memcheck.h>

#include "check.h"
#include "crypto/p384_ec.h"
#include "crypto/p384_impl.h"

#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define PUBLIC(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))

static p384_comb g_pcomb;

/* out = encoding of k*G, k*P (windows), k*P (comb); k and (if secret_point) P marked secret. */
static void products(uint8_t out[3][97], const uint8_t kin[48], const p384_point *pin, int secret)
{
    uint8_t k[48];
    p384_point P = *pin, R;
    memcpy(k, kin, sizeof k);
    if (secret) {
        SECRET(k, sizeof k);
        SECRET(&P, sizeof P);
    }
    p384_mul_g(&R, k);
    uint64_t inf0 = p384_point_to_bytes(out[0], &R);
    p384_mul(&R, &P, k);
    uint64_t inf1 = p384_point_to_bytes(out[1], &R);
    p384_comb_mul(&R, &g_pcomb, k); /* the table is public, k secret */
    uint64_t inf2 = p384_point_to_bytes(out[2], &R);
    PUBLIC(out, 3 * 97);
    PUBLIC(&inf0, sizeof inf0);
    PUBLIC(&inf1, sizeof inf1);
    PUBLIC(&inf2, sizeof inf2);
    CHECK(inf0 == 0 && inf1 == 0 && inf2 == 0);
}

static void scalar_mults(const p384_point *P)
{
    uint8_t k[48], pub[3][97], sec[3][97];
    p384_comb_init(&g_pcomb, P);
    for (int t = 0; t < 3; t++) {
        memset(k, 0, sizeof k);
        if (t == 0) k[47] = 3; /* a low scalar: mostly zero windows */
        if (t == 1) memset(k, 0xee, sizeof k);
        if (t == 2)
            for (int i = 0; i < 48; i++) k[i] = (uint8_t)(i * 91 + 7);
        products(pub, k, P, 0);
        products(sec, k, P, 1);
        CHECK(memcmp(pub, sec, sizeof pub) == 0);
        CHECK(memcmp(pub[0], pub[2], 97) != 0 || t == 0); /* k*G != k*P */
        CHECK(memcmp(pub[1], pub[2], 97) == 0);
    }
}

static void group_ops(const p384_point *pin)
{
    p384_point P = *pin, N, R, S;
    uint8_t a[97], b[97], c[97];
    uint64_t bit = 1, inf;
    SECRET(&P, sizeof P);
    SECRET(&bit, sizeof bit);
    p384_point_add(&R, &P, &P); /* doubling through the addition formula */
    p384_point_double(&S, &P);
    N = P;
    p384_point_cneg(&N, bit);
    p384_point_add(&N, &N, &P); /* the identity */
    p384_point_cmov(&S, &R, bit);
    inf = p384_point_is_identity(&N);
    p384_point_to_bytes(a, &R);
    p384_point_to_bytes(b, &S);
    p384_point_add_affine(&S, &R, P.x, P.y); /* 3P */
    p384_point_to_bytes(c, &S);
    PUBLIC(a, sizeof a);
    PUBLIC(b, sizeof b);
    PUBLIC(c, sizeof c);
    PUBLIC(&inf, sizeof inf);
    CHECK(memcmp(a, b, 97) == 0 && inf == 1);
    uint8_t three[48] = {0}, want[97];
    three[47] = 3;
    p384_mul(&R, pin, three);
    p384_point_to_bytes(want, &R);
    CHECK(memcmp(c, want, 97) == 0);
}

static void field_ops(void)
{
    uint8_t in[48], out[48];
    p384_fe x, y, t;
    for (int i = 0; i < 48; i++) in[i] = (uint8_t)(0x7f - i);
    SECRET(in, sizeof in);
    p384_fe_from_bytes_ct(x, in);
    p384_fe_inv(y, x);
    p384_fe_mul(t, x, y); /* 1 */
    p384_fe_sqr(y, x);
    p384_fe_sqrt_candidate(y, y); /* +-x */
    uint64_t ok = p384_fe_eq(y, x);
    p384_fe_neg(x, x);
    ok |= p384_fe_eq(y, x);
    p384_fe_to_bytes(out, t);
    PUBLIC(out, sizeof out);
    PUBLIC(&ok, sizeof ok);
    CHECK(ok == 1 && out[47] == 1);
}

int main(int argc, char **argv)
{
    int leak_control = argc > 1 && !strcmp(argv[1], "--leak-control");
    uint8_t seed[48];
    p384_point P;
    for (int i = 0; i < 48; i++) seed[i] = (uint8_t)(200 - i);
    p384_fe x, y;
    p384_mul_g(&P, seed); /* a public point, made affine (Z = 1) */
    CHECK(p384_point_to_affine(x, y, &P) == 0);
    p384_point_from_affine(&P, x, y);
    if (leak_control) {
        uint8_t k[48];
        memcpy(k, seed, sizeof k);
        SECRET(k, sizeof k);
        volatile int sink = 0;
        if (k[5] & 1) sink = 1; /* deliberate secret-dependent branch */
        (void)sink;
    }
    const p384_impl *impls[2] = {&p384_impl_c, NULL};
#ifdef P384_FE_ADX
    if (p384_cpu_has_adx() || RUNNING_ON_VALGRIND) impls[1] = &p384_impl_adx;
#endif
    for (int i = 0; i < 2 && impls[i]; i++) {
        p384_impl_force(impls[i]);
        scalar_mults(&P);
        group_ops(&P);
        field_ops();
        printf("test_p384_ct: %s: scalar multiplications, group and field operations on secret inputs%s\n",
               impls[i]->name, RUNNING_ON_VALGRIND ? " (under valgrind)" : " (NOT under valgrind: correctness only)");
    }
    p384_impl_force(NULL);
    return check_summary("test_p384_ct");
}

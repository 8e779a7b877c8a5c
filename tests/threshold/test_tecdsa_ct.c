/* test_tecdsa_ct.c: constant-time check of the secret-handling code ("ctgrind"): the program
 * re-runs itself under valgrind memcheck with every secret input marked undefined, so a branch or
 * a memory index that depends on a secret is reported as an error. Covered: the scalar module
 * (add, sub, neg, mul, inverse, wide reduction, masked select/add, comparisons), a complete OT
 * extension + VOLE between two parties (PRG, universal-hash check, transpose, pads, gadget sums,
 * mu check), the RFC 9380 hash to curve and the constant-time point subtraction on secret inputs,
 * and a complete batch of base OTs (receiver message, sender, receiver finish) in which every byte
 * the OS RNG returns is marked secret (getrandom is interposed), with messages declassified where
 * they are sent; and k*G, k*P, k*(P + Q) and the batched Gamma check with k, d and the weight
 * secret. The point arithmetic is our own (crypto/p384_ec.h) and is checked with the rest: no
 * valgrind suppression hides anything
 * (OpenSSL is only called for SHA-384). A negative control (a deliberate secret-dependent branch)
 * must be reported, so the harness can fail. Under the sanitizer build (valgrind cannot run ASan binaries)
 * the same workload runs without valgrind and is checked for correct results only. */
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <valgrind/memcheck.h>

#include "check.h"
#include "testutil.h"
#include "threshold/ecdsa/tecdsa.h"
#include "threshold/ecdsa/tecdsa_ec.h"
#include "threshold/ecdsa/tecdsa_ot.h"

#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define PUBLIC(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))

static void scalar_workload(void)
{
    tsc a, b, r, s;
    uint8_t wide[64], bytes[48];
    uint64_t bit;
    tsc_random(&a);
    tsc_random(&b);
    memset(wide, 0xa5, sizeof wide);
    bit = 1;
    SECRET(&a, sizeof a);
    SECRET(&b, sizeof b);
    SECRET(wide, sizeof wide);
    SECRET(&bit, sizeof bit);
    tsc_add(&r, &a, &b);
    tsc_sub(&s, &r, &b);
    tsc_neg(&r, &s);
    tsc_mul(&r, &r, &a);
    tsc_inv(&s, &r);
    tsc_mul(&s, &s, &r); /* = 1 */
    tsc_from_wide(&r, wide, sizeof wide);
    tsc_cmov(&r, &a, bit);
    tsc_add_masked(&r, &b, bit);
    uint64_t z = tsc_is_zero(&r) | tsc_eq(&a, &b) | tsc_is_high(&a);
    tsc_to_bytes(bytes, &s);
    PUBLIC(bytes, sizeof bytes);
    PUBLIC(&z, sizeof z);
    CHECK(bytes[47] == 1 && memcmp(bytes, (uint8_t[47]){0}, 47) == 0);
    (void)z;
}

static tot_alice_setup g_alice;
static tot_bob_setup g_bob;
static tot_bob_state g_st;
static uint8_t g_bmsg[TOT_BOB_MSG_BYTES], g_amsg[TOT_ALICE_MSG_BYTES];

static void ot_workload(void)
{
    uint8_t ctx[TOT_CTX_BYTES];
    tsc a[2], c[2], d[2], t;
    memset(ctx, 3, sizeof ctx);
    /* correlated setup as the base OTs would leave it: Alice holds seed[c][Delta_c] */
    tu_hex_to(g_alice.delta, 4, "a55a0ff0");
    for (int i = 4; i < TOT_ROW_BYTES; i++) g_alice.delta[i] = (uint8_t)(i * 37);
    for (int k = 0; k < TOT_KAPPA; k++) {
        for (int b = 0; b < 2; b++) memset(g_bob.seed[k][b], k * 2 + b, TOT_SEED_BYTES);
        memcpy(g_alice.seed[k], g_bob.seed[k][(g_alice.delta[k / 8] >> (k % 8)) & 1], TOT_SEED_BYTES);
    }
    tsc_random(&a[0]);
    tsc_random(&a[1]);
    SECRET(&g_alice, sizeof g_alice);
    SECRET(&g_bob, sizeof g_bob);
    SECRET(a, sizeof a);
    uint8_t coins[TOT_COINS_BYTES];
    memset(coins, 0x3c, sizeof coins);
    SECRET(coins, sizeof coins);
    int rc = tot_bob_round1(&g_st, &g_bob, ctx, coins, g_bmsg, NULL);
    PUBLIC(g_bmsg, sizeof g_bmsg); /* sent */
    CHECK(rc == TECDSA_OK);
    rc = tot_alice_round2(&g_alice, ctx, g_bmsg, a, coins, g_amsg, c, NULL);
    PUBLIC(g_amsg, sizeof g_amsg); /* sent */
    CHECK(rc == TECDSA_OK);
    rc = tot_bob_finish(&g_st, ctx, g_amsg, d);
    CHECK(rc == TECDSA_OK);
    /* c + d = chi * a (declassified only to check the result) */
    tsc_add(&t, &c[0], &d[0]);
    tsc_mul(&c[0], &g_st.chi, &a[0]);
    uint64_t ok = tsc_eq(&t, &c[0]);
    PUBLIC(&ok, sizeof ok);
    CHECK(ok == 1);
    tot_bob_state_wipe(&g_st);
}

/* Every OS random byte is a secret while g_secret_rng is set (cc_randombytes calls getrandom). */
static int g_secret_rng;
ssize_t getrandom(void *buf, size_t len, unsigned int flags)
{
    long got = syscall(SYS_getrandom, buf, len, flags);
    if (g_secret_rng && got > 0) SECRET(buf, (size_t)got);
    return got;
}

static void h2c_workload(void)
{
    uint8_t msg[40];
    tpt H, A, B, C;
    memset(msg, 0x5a, sizeof msg);
    SECRET(msg, sizeof msg);
    CHECK(tec_hash_to_curve(&H, "ct", msg, sizeof msg) == 0);
    CHECK(tec_hash_to_curve(&A, "ct2", msg, sizeof msg) == 0);
    B = H;
    SECRET(&A, sizeof A);
    SECRET(&B, sizeof B);
    CHECK(tec_sub(&C, &A, &B) == 0);
    PUBLIC(&C, sizeof C);
    PUBLIC(&H, sizeof H);
    CHECK(tec_decode(&A, C.b) == 0); /* a valid point */
}

/* The point multiplications of the presign and DKG checks with a secret scalar. */
static void points_workload(void)
{
    tsc k, one;
    tpt G, A, B, C;
    tsc_set_u64(&one, 1);
    CHECK(tec_mul_g(&G, &one) == 0);
    CHECK(tsc_random(&k) == 0);
    SECRET(&k, sizeof k);
    CHECK(tec_mul_g(&A, &k) == 0);
    CHECK(tec_mul(&B, &G, &k) == 0);
    CHECK(tec_add_mul(&C, &G, &G, &k) == 0); /* 2kG */
    /* the batched Gamma check with secret scalars and weights: k*G == (k - 3)*G + 3*G */
    tsc w, d;
    tsc_set_u64(&w, 3);
    SECRET(&w, sizeof w);
    tsc_sub(&d, &k, &w);
    CHECK(tec_msm_eq_mul_g(&G, &k, 1, &G, &w, 1, &d) == 1);
    PUBLIC(&A, sizeof A);
    PUBLIC(&B, sizeof B);
    PUBLIC(&C, sizeof C);
    CHECK(tec_eq(&A, &B) && tec_add(&B, &A, &A) == 0 && tec_eq(&B, &C));
}

static tot_base_recv g_brecv;
static uint8_t g_m1[TOT_BASE_MSG1_BYTES], g_m2[TOT_BASE_MSG2_BYTES];
static uint8_t g_sseeds[TOT_KAPPA][2][TOT_SEED_BYTES], g_rseeds[TOT_KAPPA][TOT_SEED_BYTES];

static void baseot_workload(void)
{
    uint8_t ctx[TOT_CTX_BYTES], delta[TOT_ROW_BYTES];
    memset(ctx, 7, sizeof ctx);
    g_secret_rng = 1;
    CHECK(tot_base_recv_msg1(&g_brecv, ctx, g_m1) == TECDSA_OK);
    PUBLIC(g_m1, sizeof g_m1); /* sent */
    CHECK(tot_base_send(ctx, g_m1, g_m2, g_sseeds) == TECDSA_OK);
    PUBLIC(g_m2, sizeof g_m2); /* sent */
    CHECK(tot_base_recv_finish(&g_brecv, ctx, g_m2, delta, g_rseeds) == TECDSA_OK);
    g_secret_rng = 0;
    /* the receiver holds the sender's seed for its choice bit (declassified only to check) */
    uint64_t bad = 0;
    for (int j = 0; j < TOT_KAPPA; j++) {
        int b = (delta[j / 8] >> (j % 8)) & 1;
        for (int k = 0; k < TOT_SEED_BYTES; k++) {
            uint8_t s0 = g_sseeds[j][0][k], s1 = g_sseeds[j][1][k];
            uint8_t m = (uint8_t)(0 - b);
            bad |= (uint64_t)(g_rseeds[j][k] ^ ((s0 & ~m) | (s1 & m)));
        }
    }
    PUBLIC(&bad, sizeof bad);
    CHECK(bad == 0);
}

static int child(const char *mode)
{
    if (strcmp(mode, "leak") == 0) {
        tsc a;
        tsc_random(&a);
        SECRET(&a, sizeof a);
        volatile int x = 0;
        if (a.v[0] & 1) x++; /* deliberate secret-dependent branch */
        return x >= 0 ? 0 : 1;
    }
    scalar_workload();
    ot_workload();
    h2c_workload();
    points_workload();
    baseot_workload();
    return check_summary("test_tecdsa_ct (under valgrind)");
}

/* Run this program under valgrind in `mode`; returns valgrind's exit status (3 = errors found). */
static int run_under_valgrind(const char *self, const char *mode)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "TECDSA_CT_CHILD=%s timeout 300 valgrind -q --error-exitcode=3 --exit-on-first-error=no "
             "--undef-value-errors=yes '%s' >/dev/null 2>&1",
             mode, self);
    int st = system(cmd);
    return (st != -1 && WIFEXITED(st)) ? WEXITSTATUS(st) : -1;
}

int main(int argc, char **argv)
{
    (void)argc;
    const char *mode = getenv("TECDSA_CT_CHILD");
    if (mode) return child(mode);
    if (tu_sanitized()) {
        /* valgrind cannot run sanitizer binaries: run the workload for its results only */
        scalar_workload();
        ot_workload();
        h2c_workload();
        points_workload();
        baseot_workload();
        printf("sanitizer build: workload ran without valgrind (results checked)\n");
        return check_summary("test_tecdsa_ct");
    }
    CHECK_MSG(system("command -v valgrind >/dev/null 2>&1") == 0, "valgrind not installed (Makefile deps)");
    int leak = run_under_valgrind(argv[0], "leak");
    CHECK_MSG(leak == 3, "negative control: valgrind exit %d, expected 3 (secret branch reported)", leak);
    int rc = run_under_valgrind(argv[0], "work");
    CHECK_MSG(rc == 0,
              "valgrind reported a secret-dependent branch or index, or a check failed (exit %d); "
              "rerun with TECDSA_CT_CHILD=work valgrind %s",
              rc, argv[0]);
    printf("ctgrind: negative control detected (exit %d); scalar + OT extension + VOLE + hash to curve + point "
           "subtraction + base OT clean, no suppressions (exit %d)\n",
           leak, rc);
    return check_summary("test_tecdsa_ct");
}

/* test_tecdsa_ct.c: constant-time check of the secret-handling code ("ctgrind"): the program
 * re-runs itself under valgrind memcheck with every secret input marked undefined, so a branch or
 * a memory index that depends on a secret is reported as an error. Covered: the scalar module
 * (add, sub, neg, mul, inverse, wide reduction, masked select/add, comparisons) and a complete OT
 * extension + VOLE between two parties (PRG, universal-hash check, transpose, pads, gadget sums,
 * mu check), with messages declassified where they are sent. A negative control (a deliberate
 * secret-dependent branch) must be reported, so the harness can fail. Under the sanitizer build
 * (valgrind cannot run ASan binaries) the same workload runs without valgrind and is checked for
 * correct results only. */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <valgrind/memcheck.h>

#include "check.h"
#include "testutil.h"
#include "threshold/tecdsa.h"
#include "threshold/tecdsa_ot.h"

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
    int rc = tot_bob_round1(&g_st, &g_bob, ctx, g_bmsg);
    PUBLIC(g_bmsg, sizeof g_bmsg); /* sent */
    CHECK(rc == TECDSA_OK);
    rc = tot_alice_round2(&g_alice, ctx, g_bmsg, a, g_amsg, c);
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
        printf("sanitizer build: workload ran without valgrind (results checked)\n");
        return check_summary("test_tecdsa_ct");
    }
    CHECK_MSG(system("command -v valgrind >/dev/null 2>&1") == 0, "valgrind not installed (Makefile deps)");
    int leak = run_under_valgrind(argv[0], "leak");
    CHECK_MSG(leak == 3, "negative control: valgrind exit %d, expected 3 (secret branch reported)", leak);
    int rc = run_under_valgrind(argv[0], "work");
    CHECK_MSG(rc == 0, "valgrind reported a secret-dependent branch or index, or a check failed (exit %d); "
                       "rerun with TECDSA_CT_CHILD=work valgrind %s",
              rc, argv[0]);
    printf("ctgrind: negative control detected (exit %d); scalar + OT extension + VOLE clean (exit %d)\n", leak,
           rc);
    return check_summary("test_tecdsa_ct");
}

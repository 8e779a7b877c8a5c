/* test_tecdsa_dkg_attacks.c: malicious dealers in the DKG. Each case runs the 5-party ceremony
 * with one manipulation and checks that the honest parties abort with the expected error code and
 * name the culprit, and that no key share comes out:
 *   bad Schnorr PoK, PoK copied from another party, commitment that does not open, invalid and
 *   identity points, 4 or 2 Feldman coefficients ("threshold raise"), equivocation of a broadcast
 *   (caught by the echo hashes), a D1 message replayed from another ceremony, a dealer whose
 *   reveal fails (dropped from QUAL by the honest parties; its X_j then no longer matches and the
 *   ceremony aborts naming it), 4 dealers failing their reveals (|QUAL| < 3).
 * All these abort before the base OTs, so the test is fast. The complaint-and-reveal path of a
 * ceremony that completes is exercised by test_tecdsa_protocol (one full ceremony per build). */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "tecdsa_test_tamper.h"
#include "testutil.h"
#include "threshold/ecdsa/tecdsa.h"
#include "threshold/ecdsa/tecdsa_internal.h"

/* D2 payload layout: C0 C1 C2 | rho | PoK0 PoK1 PoK2 | share | zero seed */
#define D2_RHO (3 * TPT_BYTES)
#define D2_POK (D2_RHO + 32)
#define D2_SHARE (D2_POK + 3 * TK_POK_BYTES)

static tamper_plan g_plan;
static int g_case;
static tecdsa_run g_last; /* the last ceremony's per-party results */

static void free_shares(tecdsa_keyshare *ks[TECDSA_N + 1])
{
    for (int i = 1; i <= TECDSA_N; i++) tecdsa_keyshare_free(ks[i]);
}

/* Run a ceremony with g_plan; expect `code` at every party in `who` (bitmask) naming `culprit`,
 * and no error at the others except the cheaters in `ignore`. */
static void expect_abort_ex(const char *name, unsigned who, unsigned ignore, int code, int culprit)
{
    tecdsa_keyshare *ks[TECDSA_N + 1];
    tecdsa_run run;
    uint8_t nonce[32] = {0};
    nonce[0] = (uint8_t)++g_case;
    int rc = tecdsa_drive_dkg(ks, nonce, tamper_apply, &g_plan, &run);
    CHECK_MSG(rc != TECDSA_OK, "%s: ceremony succeeded", name);
    CHECK_MSG(g_plan.applied > 0, "%s: tamper rule never applied", name);
    for (int i = 1; i <= TECDSA_N; i++) {
        CHECK_MSG(ks[i] == NULL, "%s: party %d got a key share", name, i);
        if (who & (1u << i)) {
            CHECK_MSG(run.error[i] == code && run.culprit[i] == culprit, "%s: party %d: %s (%d) culprit %d", name, i,
                      tecdsa_strerror(run.error[i]), run.error[i], run.culprit[i]);
        } else if (!(ignore & (1u << i))) {
            CHECK_MSG(run.error[i] == 0, "%s: party %d reported %s", name, i, tecdsa_strerror(run.error[i]));
        }
    }
    printf("%-34s -> %s, culprit %d (after %d rounds)\n", name, tecdsa_strerror(code), culprit, run.rounds);
    g_last = run;
    free_shares(ks);
}

/* Blame that cannot be forged: in the last ceremony, no party outside `cheaters` (bitmask) named
 * an honest party alone, and every honest party that failed counts a cheater among its suspects. */
static void no_honest_named_alone(const char *name, unsigned cheaters)
{
    for (int i = 1; i <= TECDSA_N; i++) {
        if (cheaters & (1u << i) || g_last.error[i] == 0) continue;
        int c = g_last.culprit[i];
        CHECK_MSG(c == 0 || (cheaters & (1u << c)), "%s: party %d named honest party %d alone", name, i, c);
        CHECK_MSG(g_last.suspects[i] & cheaters, "%s: party %d suspects 0x%x, no cheater among them", name, i,
                  g_last.suspects[i]);
        CHECK_MSG(c != 0 || __builtin_popcount(g_last.suspects[i]) >= 2, "%s: party %d: suspects 0x%x", name, i,
                  g_last.suspects[i]);
    }
}

#define ALL_BUT(x) (0x3Eu & ~(1u << (x)))

static void expect_abort(const char *name, unsigned who, int code, int culprit)
{
    expect_abort_ex(name, who, 0, code, culprit);
}

int main(void)
{
    /* bad Schnorr proof for coefficient 0, only towards party 4; capture 2's D1 to 4 for a replay */
    plan_reset(&g_plan);
    plan_add(&g_plan, (tamper_rule){TW_DKG2, 2, 4, OP_XOR, D2_POK + 47, 0, 0, 1});
    plan_add(&g_plan, (tamper_rule){TW_DKG1, 2, 4, OP_CAPTURE, 0, 0, 0, 0});
    expect_abort("bad PoK (2 -> 4)", 1u << 4, TECDSA_ERR_PROOF, 2);
    tecdsa_msg old_d1 = g_plan.slots[0];
    g_plan.slots[0] = (tecdsa_msg){NULL, 0};

    /* D1 replayed from the previous ceremony */
    plan_reset(&g_plan);
    g_plan.slots[0] = old_d1;
    plan_add(&g_plan, (tamper_rule){TW_DKG1, 2, 4, OP_REPLACE, 0, 0, 0, 0});
    expect_abort("D1 replayed from another ceremony", 1u << 4, TECDSA_ERR_CONTEXT, 2);

    /* PoK copied from party 1's message to the same receiver */
    plan_reset(&g_plan);
    plan_add(&g_plan, (tamper_rule){TW_DKG2, 1, 4, OP_CAPTURE, 0, 0, 0, 0});
    plan_add(&g_plan, (tamper_rule){TW_DKG2, 2, 4, OP_PUT, D2_POK, 0, TK_POK_BYTES, 0});
    expect_abort("PoK copied from party 1", 1u << 4, TECDSA_ERR_PROOF, 2);

    /* opening rho changed towards everyone: the commitment does not open */
    plan_reset(&g_plan);
    plan_add(&g_plan, (tamper_rule){TW_DKG2, 3, 0, OP_XOR, D2_RHO + 3, 0, 0, 0x40});
    expect_abort("commitment does not open (3)", ALL_BUT(3), TECDSA_ERR_COMMIT, 3);

    /* invalid point encodings: bad prefix, and an all-zero "identity" */
    plan_reset(&g_plan);
    plan_add(&g_plan, (tamper_rule){TW_DKG2, 1, 2, OP_XOR, TPT_BYTES, 0, 0, 0x07});
    expect_abort("invalid point prefix (1 -> 2)", 1u << 2, TECDSA_ERR_POINT, 1);
    plan_reset(&g_plan);
    plan_add(&g_plan, (tamper_rule){TW_DKG2, 1, 3, OP_COPY, 0, D2_SHARE + 1, TPT_BYTES, 0});
    plan_add(&g_plan, (tamper_rule){TW_DKG2, 1, 3, OP_XOR, 0, 0, 0, 0x02}); /* prefix 02 -> 00 or 03 -> 01 */
    expect_abort("identity/garbage point (1 -> 3)", 1u << 3, TECDSA_ERR_POINT, 1);

    /* threshold raise: 4 coefficients; and too few */
    plan_reset(&g_plan);
    plan_add(&g_plan, (tamper_rule){TW_DKG2, 5, 3, OP_GROW, 0, 0, TPT_BYTES, 0});
    expect_abort("4 Feldman coefficients (5 -> 3)", 1u << 3, TECDSA_ERR_FORMAT, 5);
    plan_reset(&g_plan);
    plan_add(&g_plan, (tamper_rule){TW_DKG2, 5, 1, OP_SHRINK, 0, 0, TPT_BYTES, 0});
    expect_abort("2 Feldman coefficients (5 -> 1)", 1u << 1, TECDSA_ERR_FORMAT, 5);

    /* equivocation: party 2 tells only party 5 that it complains about dealer 3 */
    plan_reset(&g_plan);
    plan_add(&g_plan, (tamper_rule){TW_DKG3, 2, 5, OP_XOR, 0, 0, 0, 1u << 3});
    expect_abort("equivocated complaint (2 -> 5)", ALL_BUT(2), TECDSA_ERR_ECHO, 0);
    no_honest_named_alone("equivocated complaint (2 -> 5)", 1u << 2);

    /* the other side of the same evidence: 5 misquotes honest party 1's D2 in its echo to 3.
     * Party 3 cannot tell this from 1 equivocating: it must suspect {1, 5}, never name 1 alone */
    plan_reset(&g_plan);
    plan_add(&g_plan, (tamper_rule){TW_DKG3, 5, 3, OP_XOR, 1, 0, 0, 0x01});
    expect_abort_ex("echo misquoting party 1 (5 -> 3)", 1u << 3, 1u << 5, TECDSA_ERR_ECHO, 0);
    CHECK_MSG(g_last.suspects[3] == ((1u << 1) | (1u << 5)), "echo lie: party 3 suspects 0x%x", g_last.suspects[3]);
    no_honest_named_alone("echo misquoting party 1 (5 -> 3)", 1u << 5);

    /* D1 equivocation: 4 sends party 1 another nonce, so 1 derives another session id and every
     * D2 between 1 and the others carries a "wrong" sid: nobody may be named alone for it */
    plan_reset(&g_plan);
    plan_add(&g_plan, (tamper_rule){TW_DKG1, 4, 1, OP_XOR, 0, 0, 0, 0x01});
    expect_abort_ex("D1 nonce equivocated (4 -> 1)", 0, 0x3Eu, TECDSA_ERR_CONTEXT, 0);
    no_honest_named_alone("D1 nonce equivocated (4 -> 1)", 1u << 4);

    /* message addressed to another receiver */
    plan_reset(&g_plan);
    plan_add(&g_plan, (tamper_rule){TW_DKG3, 4, 1, OP_HEADER_XOR, 3, 0, 0, 0x07});
    expect_abort("misaddressed D3 (4 -> 1)", 1u << 1, TECDSA_ERR_CONTEXT, 4);

    /* dealer 2 sends party 4 a bad share and reveals a wrong value: the honest parties drop 2
     * from QUAL; 2 keeps itself in, so its X_2 disagrees with their commitments: abort naming 2
     * before any base-OT work */
    plan_reset(&g_plan);
    plan_add(&g_plan, (tamper_rule){TW_DKG2, 2, 4, OP_XOR, D2_SHARE + 47, 0, 0, 1});
    plan_add(&g_plan, (tamper_rule){TW_DKG4, 2, 0, OP_XOR, 3 * TSC_BYTES + 47, 0, 0, 2});
    expect_abort_ex("wrong reveal, exclusion refused (2)", ALL_BUT(2), 1u << 2, TECDSA_ERR_SHARE, 2);

    /* public share X_3 negated (still a valid point) towards party 1: its PoK no longer verifies */
    plan_reset(&g_plan);
    plan_add(&g_plan, (tamper_rule){TW_DKG5, 3, 1, OP_XOR, TECDSA_N * TECDSA_ID_BYTES, 0, 0, 1});
    expect_abort("X_3 negated (3 -> 1)", 1u << 1, TECDSA_ERR_PROOF, 3);

    /* dealers 1-4 send bad shares to party 5 and then reveal garbage: every party's QUAL has
     * fewer than 3 members (a cheater keeps only itself and 5), so all abort before the base OTs */
    plan_reset(&g_plan);
    for (int dealer = 1; dealer <= 4; dealer++) {
        plan_add(&g_plan, (tamper_rule){TW_DKG2, dealer, 5, OP_XOR, D2_SHARE + 47, 0, 0, 1});
        plan_add(&g_plan, (tamper_rule){TW_DKG4, dealer, 0, OP_XOR, 4 * TSC_BYTES + 47, 0, 0, 2});
    }
    expect_abort_ex("4 dealers fail their reveals", 1u << 5, 0x1Eu, TECDSA_ERR_QUAL, 1);

    plan_reset(&g_plan);
    return check_summary("test_tecdsa_dkg_attacks");
}

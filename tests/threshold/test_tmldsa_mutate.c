/* test_tmldsa_mutate.c: random corruption of protocol messages (a small in-test fuzzer with a
 * fixed seed). Properties:
 *   - key generation: any single bit flip, truncation, extension or replacement of any message
 *     of any round aborts with an error naming a party, and no share is released;
 *   - signing (K = 2 so sessions are cheap): after a random corruption of one message, the
 *     session either fails with a documented error code, or ends with TMLDSA_E_RETRY, or yields
 *     a signature that cc_mldsa65_verify accepts; never a crash (the sanitizer build runs this too),
 *     never an invalid signature.
 * 400 key generations and 600 signing sessions in the normal build, 80 and 120 under sanitizers. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "crypto/fips202.h"
#include "crypto/mldsa.h"
#include "testutil.h"
#include "threshold/testkit/tmldsa_driver.h"
#include "tmldsa_test_blame.h"

static cc_keccak_ctx g_rng;

static uint32_t rnd(uint32_t bound)
{
    uint8_t b[4];
    cc_keccak_squeeze(&g_rng, b, 4);
    uint32_t v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
    return bound ? v % bound : v;
}

/* Corrupt one message in place: bit flip (header or payload), truncation, extension, or random
 * bytes of random length. Always changes the message. */
static void corrupt(tmldsa_msg *m)
{
    switch (rnd(5)) {
    case 0: /* flip in the header */ m->data[rnd(TMLDSA_HDRBYTES)] ^= (uint8_t)(1u << rnd(8)); break;
    case 1: /* flip in the payload (or header if none) */
        if (m->len > TMLDSA_HDRBYTES)
            m->data[TMLDSA_HDRBYTES + rnd((uint32_t)(m->len - TMLDSA_HDRBYTES))] ^= (uint8_t)(1u << rnd(8));
        else
            m->data[rnd((uint32_t)m->len)] ^= 1;
        break;
    case 2: /* truncate */ m->len = rnd((uint32_t)m->len); break;
    case 3: { /* extend */
        size_t extra = 1 + rnd(64);
        uint8_t *d = realloc(m->data, m->len + extra);
        if (!d) abort();
        for (size_t i = 0; i < extra; i++) d[m->len + i] = (uint8_t)rnd(256);
        m->data = d;
        m->len += extra;
        break;
    }
    default: { /* random bytes, random length up to the original + 16 */
        size_t len = rnd((uint32_t)m->len + 16);
        uint8_t *d = malloc(len ? len : 1);
        if (!d) abort();
        for (size_t i = 0; i < len; i++) d[i] = (uint8_t)rnd(256);
        free(m->data);
        m->data = d;
        m->len = len;
        break;
    }
    }
}

typedef struct {
    int step;
    unsigned sender, receiver;
    int done;
} target;

static void hook(void *arg, int step, unsigned sender, unsigned receiver, uint32_t attempt, tmldsa_msg *m)
{
    target *t = arg;
    (void)attempt;
    if (t->done || step != t->step || sender != t->sender || (t->receiver && receiver != t->receiver)) return;
    corrupt(m);
    t->done = 1;
}

static int is_error_code(int rc) { return rc <= TMLDSA_E_ARG && rc >= TMLDSA_E_POLICY; }

static void mutate_dkg(unsigned iters)
{
    unsigned by_code[16] = {0};
    for (unsigned i = 0; i < iters; i++) {
        uint8_t sid[TMLDSA_SIDBYTES];
        tmldsa_share *sh[TMLDSA_PARTIES];
        tmldsa_error err = {0};
        target t = {TMLDSA_STEP_DKG1 + (int)rnd(5), 1 + rnd(5), 0, 0};
        if (t.step == TMLDSA_STEP_DKG2_PRIV) {
            do t.receiver = 1 + rnd(5);
            while (t.receiver == t.sender);
        }
        cc_keccak_squeeze(&g_rng, sid, sizeof sid);
        tmldsa_run_stats st;
        unsigned failed, unsound;
        int rc = tmldsa_driver_dkg(sid, sh, hook, &t, &st, &err);
        CHECK(t.done);
        CHECK_MSG(rc != TMLDSA_OK && is_error_code(rc), "dkg corruption of step %d from %u undetected (rc %d)", t.step,
                  t.sender, rc);
        /* the corrupted sender is the one deviating party: some honest party aborts, and every
         * honest verdict names it (alone or in a suspect set) and never an honest party alone */
        tmldsa_verdicts(&st, TMLDSA_BIT(t.sender), &failed, &unsound);
        CHECK_MSG(failed > 0 && unsound == 0,
                  "dkg corruption of step %d from %u: %u honest aborts, %u unsound verdicts (%s)", t.step, t.sender,
                  failed, unsound, err.reason);
        for (unsigned p = 1; p <= TMLDSA_PARTIES; p++)
            if (p != t.sender && st.verdict[p - 1].code)
                CHECK_MSG(st.verdict[p - 1].suspects >> (t.sender - 1) & 1, "party %u does not suspect %u: %s", p,
                          t.sender, st.verdict[p - 1].reason);
        for (unsigned p = 0; p < TMLDSA_PARTIES; p++) CHECK(sh[p] == NULL);
        if (rc < 0 && rc > -16) by_code[-rc]++;
    }
    printf("dkg: %u corrupted runs, all aborted: format %u, binding %u, commit %u, range %u, inconsistent %u\n", iters,
           by_code[-TMLDSA_E_FORMAT], by_code[-TMLDSA_E_BINDING], by_code[-TMLDSA_E_COMMIT], by_code[-TMLDSA_E_RANGE],
           by_code[-TMLDSA_E_INCONSISTENT]);
}

static void mutate_sign(tmldsa_share *const sh[TMLDSA_PARTIES], unsigned iters)
{
    static const unsigned masks[10] = {0x07, 0x0b, 0x0d, 0x0e, 0x13, 0x15, 0x16, 0x19, 0x1a, 0x1c};
    unsigned errors = 0, retries = 0, sigs = 0;
    for (unsigned i = 0; i < iters; i++) {
        unsigned mask = masks[rnd(10)], ids[3];
        tmldsa_signer_set(mask, ids);
        uint8_t sid[TMLDSA_SIDBYTES], msg[8], sig[TMLDSA_SIGBYTES];
        tmldsa_sign *st[3] = {0};
        tmldsa_msg m[3][3] = {{{0}}};
        tmldsa_error err = {0};
        unsigned round = rnd(3), victim = rnd(3);
        cc_keccak_squeeze(&g_rng, sid, sizeof sid);
        cc_keccak_squeeze(&g_rng, msg, sizeof msg);
        int rc = TMLDSA_OK;
        for (unsigned j = 0; j < 3 && !rc; j++)
            rc = tmldsa_sign_new(&st[j], sh[ids[j] - 1], sid, mask, 2, msg, sizeof msg, NULL, 0,
                                 tmldsa_driver_accept_all, NULL, &err);
        CHECK(rc == TMLDSA_OK);
        for (unsigned r = 0; r < 3 && !rc; r++) {
            for (unsigned j = 0; j < 3 && !rc; j++) {
                if (r == 0)
                    rc = tmldsa_sign_round1(st[j], &m[0][j], &err);
                else if (r == 1)
                    rc = tmldsa_sign_round2(st[j], m[0], &m[1][j], &err);
                else
                    rc = tmldsa_sign_round3(st[j], m[1], &m[2][j], &err);
            }
            if (!rc && r == round) corrupt(&m[r][victim]);
        }
        memset(sig, 0xAA, sizeof sig);
        if (!rc) rc = tmldsa_sign_combine(st[0], m[2], sig, NULL, &err);
        if (rc == TMLDSA_OK) {
            sigs++;
            CHECK_MSG(cc_mldsa65_verify(sig, sizeof sig, msg, sizeof msg, NULL, 0, tmldsa_share_pk(sh[0])) == 0,
                      "corrupted session released an invalid signature");
        } else if (rc == TMLDSA_E_RETRY) {
            retries++;
        } else {
            errors++;
            CHECK_MSG(is_error_code(rc) && rc != TMLDSA_E_VERIFY, "unexpected code %d: %s", rc, err.reason);
            /* only the victim's message was corrupted (everyone, the victim too, received the
             * corrupted bytes): nobody else may be named alone */
            CHECK_MSG(err.culprit == 0 || err.culprit == ids[victim], "culprit %u is not the corrupted sender %u: %s",
                      err.culprit, ids[victim], err.reason);
            CHECK_MSG(err.suspects == 0 || (err.suspects >> (ids[victim] - 1) & 1),
                      "suspects 0x%x miss the corrupted sender %u", err.suspects, ids[victim]);
            for (unsigned b = 0; b < sizeof sig; b++)
                if (sig[b] != 0xAA && sig[b] != 0) {
                    CHECK_MSG(0, "signature buffer written on error");
                    break;
                }
        }
        for (unsigned j = 0; j < 3; j++) {
            tmldsa_sign_free(st[j]);
            for (unsigned r = 0; r < 3; r++) tmldsa_msg_free(&m[r][j]);
        }
    }
    printf("signing: %u corrupted sessions: %u aborted, %u retry, %u valid signatures (corruption in unused data)\n",
           iters, errors, retries, sigs);
    CHECK(errors > iters / 2); /* most corruptions are detected outright */
}

int main(void)
{
    const int small = tu_sanitized();
    cc_shake256_init(&g_rng);
    cc_keccak_absorb(&g_rng, (const uint8_t *)"test_tmldsa_mutate", 18);
    cc_keccak_finalize(&g_rng);
    mutate_dkg(small ? 80 : 400);
    uint8_t sid[TMLDSA_SIDBYTES] = {0};
    tmldsa_share *sh[TMLDSA_PARTIES];
    tmldsa_error err;
    if (tmldsa_driver_dkg(sid, sh, NULL, NULL, NULL, &err) != TMLDSA_OK) {
        CHECK_MSG(0, "dkg: %s", err.reason);
        return check_summary("test_tmldsa_mutate");
    }
    mutate_sign(sh, small ? 120 : 600);
    for (unsigned p = 0; p < TMLDSA_PARTIES; p++) tmldsa_share_free(sh[p]);
    return check_summary("test_tmldsa_mutate");
}

/* test_tmldsa_malicious.c: threshold ML-DSA signing against malicious signers, a malicious
 * network and a malicious coordinator. Each case must abort with the documented error, name the
 * culprit and leave the output signature all-zero (no invalid signature is ever released):
 *   wrong round-1 commitment, w not matching its hash, echo mismatch, w coefficient >= q behind a
 *   consistent commitment, wrong lengths in every round, messages replayed from another session /
 *   attempt / key / signer set / round, garbage responses (out of range) and subtly wrong
 *   responses (caught by the public blame check);
 * participants check what they sign: a refusing policy stops its party before round 1 (no
 * message, no signature) with the policy's reason; a coordinator giving one signer another
 * message gets no signature and nobody is blamed;
 * blame that cannot be forged: a signer that equivocates its round-1 commitment makes each
 * honest signer name a suspect pair containing it, never the other honest signer alone;
 * plus the state machine: out-of-order calls refused, masks wiped after round 3, never reused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "crypto/ct.h"
#include "crypto/mldsa.h"
#include "testutil.h"
#include "threshold/mldsa/tmldsa_ctfloat.h"
#include "threshold/testkit/tmldsa_driver.h"
#include "tmldsa_test_blame.h"

static tmldsa_share *g_sh[TMLDSA_PARTIES];
static const uint8_t g_msg[] = "time-stamp token TBS bytes";
#define SET 0x0B /* parties 1, 2, 4 */
#define MSGLEN 9 /* direct API runs sign the first 9 bytes */

static int all_zero(const uint8_t *p, size_t n)
{
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++) acc |= p[i];
    return acc == 0;
}

static void copy_msg(tmldsa_msg *dst, const tmldsa_msg *src)
{
    dst->data = malloc(src->len);
    memcpy(dst->data, src->data, src->len);
    dst->len = src->len;
}

/* ---- driver-level tampering ---- */
typedef struct {
    int step;
    unsigned sender;
    enum {
        FLIP,
        TRUNC,
        EXTEND,
        REPLACE,
        GARBAGE_Z,
        SUBTLE_Z,
        REPLAY_ATTEMPT
    } action;
    size_t offset;
    tmldsa_msg replacement;
    int done;
    const tmldsa_msg *r3[TMLDSA_THRESHOLD]; /* SUBTLE_Z: round-3 messages seen in this attempt */
    unsigned nr3;
} tamper_spec;

static size_t bitmap_len(unsigned K) { return (K + 7) / 8; }

static void subtle_z(tamper_spec *t, tmldsa_msg *m, unsigned K)
{
    /* runs when the third round-3 message is out: find the first slot all three accepted and
     * change one coefficient of the target's response there by one */
    const uint8_t *bm[TMLDSA_THRESHOLD];
    for (unsigned j = 0; j < TMLDSA_THRESHOLD; j++) bm[j] = t->r3[j]->data + TMLDSA_HDRBYTES;
    unsigned rank = 0;
    for (unsigned k = 0; k < K; k++) {
        int mine = bm[2][k / 8] >> (k % 8) & 1;
        if (mine && (bm[0][k / 8] >> (k % 8) & 1) && (bm[1][k / 8] >> (k % 8) & 1)) {
            m->data[TMLDSA_HDRBYTES + bitmap_len(K) + (size_t)rank * TMLDSA_VECL_PACKED + 3] ^= 0x01;
            t->done = 1;
            return;
        }
        rank += (unsigned)mine;
    }
}

static void tamper(void *arg, int step, unsigned sender, unsigned receiver, uint32_t attempt, tmldsa_msg *m)
{
    tamper_spec *t = arg;
    (void)receiver;
    if (t->action == SUBTLE_Z && step == TMLDSA_STEP_SIGN3 && !t->done) {
        if (t->nr3 == TMLDSA_THRESHOLD) t->nr3 = 0;
        t->r3[t->nr3++] = m;
        if (t->nr3 == TMLDSA_THRESHOLD && sender == t->sender) subtle_z(t, m, TMLDSA_K_DEFAULT);
        return;
    }
    if (t->done || step != t->step || sender != t->sender) return;
    switch (t->action) {
    case FLIP: m->data[t->offset] ^= 0x01; break;
    case TRUNC: m->len--; break;
    case EXTEND: {
        uint8_t *d = realloc(m->data, m->len + 1);
        if (!d) abort();
        d[m->len++] = 0;
        m->data = d;
        break;
    }
    case REPLACE:
        free(m->data);
        copy_msg(m, &t->replacement);
        break;
    case GARBAGE_Z: {
        size_t off = TMLDSA_HDRBYTES + bitmap_len(TMLDSA_K_DEFAULT);
        if (m->len <= off) return; /* nothing accepted: try the next attempt */
        cc_randombytes(m->data + off, m->len - off);
        break;
    }
    case REPLAY_ATTEMPT:
        if (attempt == 0) {
            if (!t->replacement.data) copy_msg(&t->replacement, m);
            return;
        }
        free(m->data);
        copy_msg(m, &t->replacement);
        break;
    case SUBTLE_Z: return;
    }
    t->done = 1;
}

static int run(unsigned mask, unsigned K, const uint8_t sid[TMLDSA_SIDBYTES], tamper_spec *t,
               uint8_t sig[TMLDSA_SIGBYTES], tmldsa_error *err)
{
    return tmldsa_driver_sign(g_sh, mask, K, sid, g_msg, sizeof g_msg, NULL, 0, tmldsa_driver_accept_all, NULL, sig,
                              t ? tamper : NULL, t, NULL, err);
}

static void expect_abort(const char *name, tamper_spec *t, unsigned K, int code1, int code2, unsigned culprit)
{
    uint8_t sid[TMLDSA_SIDBYTES], sig[TMLDSA_SIGBYTES];
    tmldsa_error err = {0};
    cc_randombytes(sid, sizeof sid);
    memset(sig, 0xAA, sizeof sig);
    int rc = run(SET, K, sid, t, sig, &err);
    CHECK_MSG(t->done, "%s: tamper hook never fired (rc %d)", name, rc);
    CHECK_MSG(rc == code1 || rc == code2, "%s: got %d (%s)", name, rc, err.reason);
    CHECK_MSG(err.culprit == culprit, "%s: culprit %u, expected %u (%s)", name, err.culprit, culprit, err.reason);
    CHECK_MSG(all_zero(sig, sizeof sig), "%s: signature buffer not cleared", name);
    printf("%-46s -> %s (party %u): %s\n", name, tmldsa_strerror(rc), err.culprit, err.reason);
}

static void capture(void *arg, int step, unsigned sender, unsigned receiver, uint32_t attempt, tmldsa_msg *m)
{
    tamper_spec *t = arg;
    (void)receiver;
    (void)attempt;
    if (step == t->step && sender == t->sender && !t->replacement.data) copy_msg(&t->replacement, m);
}

static tamper_spec *spec(tamper_spec *t, int step, unsigned sender, int action, size_t off)
{
    memset(t, 0, sizeof *t);
    t->step = step;
    t->sender = sender;
    t->action = action;
    t->offset = off;
    return t;
}

static void test_driver_cases(void)
{
    const size_t H = TMLDSA_HDRBYTES;
    tamper_spec t;
#define SPEC(st_, snd_, act_, off_) spec(&t, st_, snd_, act_, off_)
    expect_abort("wrong round-1 commitment", SPEC(TMLDSA_STEP_SIGN1, 2, FLIP, H + 7), 62, TMLDSA_E_COMMIT,
                 TMLDSA_E_INCONSISTENT, 2);
    expect_abort("w not matching its commitment", SPEC(TMLDSA_STEP_SIGN2, 4, FLIP, H + TMLDSA_HASHBYTES + 5000), 62,
                 TMLDSA_E_COMMIT, TMLDSA_E_COMMIT, 4);
    expect_abort("round-2 echo of round 1 altered", SPEC(TMLDSA_STEP_SIGN2, 2, FLIP, H + 1), 62, TMLDSA_E_INCONSISTENT,
                 TMLDSA_E_INCONSISTENT, 2);
    expect_abort("round-1 message one byte long", SPEC(TMLDSA_STEP_SIGN1, 4, EXTEND, 0), 62, TMLDSA_E_FORMAT,
                 TMLDSA_E_FORMAT, 4);
    expect_abort("round-2 message one byte short", SPEC(TMLDSA_STEP_SIGN2, 4, TRUNC, 0), 62, TMLDSA_E_FORMAT,
                 TMLDSA_E_FORMAT, 4);
    expect_abort("round-3 message one byte long", SPEC(TMLDSA_STEP_SIGN3, 2, EXTEND, 0), 62, TMLDSA_E_FORMAT,
                 TMLDSA_E_FORMAT, 2);
    expect_abort("round-3 message one byte short", SPEC(TMLDSA_STEP_SIGN3, 4, TRUNC, 0), 62, TMLDSA_E_FORMAT,
                 TMLDSA_E_FORMAT, 4);
    expect_abort("garbage responses", SPEC(TMLDSA_STEP_SIGN3, 2, GARBAGE_Z, 0), 62, TMLDSA_E_RANGE, TMLDSA_E_RESPONSE,
                 2);
    expect_abort("response off by one (blame check)", SPEC(TMLDSA_STEP_SIGN3, 4, SUBTLE_Z, 0), 62, TMLDSA_E_RESPONSE,
                 TMLDSA_E_RESPONSE, 4);
    {
        /* round-3 bitmap claiming one more accepted slot than responses sent */
        tamper_spec *s = SPEC(TMLDSA_STEP_SIGN3, 2, FLIP, H + 7);
        expect_abort("round-3 bitmap inconsistent with length", s, 62, TMLDSA_E_FORMAT, TMLDSA_E_FORMAT, 2);
    }

    /* replays */
    uint8_t sid[TMLDSA_SIDBYTES], sig[TMLDSA_SIGBYTES];
    tmldsa_error err;
    cc_randombytes(sid, sizeof sid);
    SPEC(TMLDSA_STEP_SIGN1, 2, REPLACE, 0);
    CHECK(tmldsa_driver_sign(g_sh, SET, 62, sid, g_msg, sizeof g_msg, NULL, 0, tmldsa_driver_accept_all, NULL, sig,
                             capture, &t, NULL, &err) == TMLDSA_OK);
    t.done = 0;
    expect_abort("round-1 message from another session", &t, 62, TMLDSA_E_BINDING, TMLDSA_E_BINDING, 2);
    tmldsa_msg_free(&t.replacement);

    /* same session id, other signer set: the signer-set field does not match */
    SPEC(TMLDSA_STEP_SIGN1, 2, REPLACE, 0);
    CHECK(tmldsa_driver_sign(g_sh, 0x07, 62, sid, g_msg, sizeof g_msg, NULL, 0, tmldsa_driver_accept_all, NULL, sig,
                             capture, &t, NULL, &err) == TMLDSA_OK);
    {
        tmldsa_error e2 = {0};
        int rc = tmldsa_driver_sign(g_sh, SET, 62, sid, g_msg, sizeof g_msg, NULL, 0, tmldsa_driver_accept_all, NULL,
                                    sig, tamper, &t, NULL, &e2);
        CHECK_MSG(rc == TMLDSA_E_BINDING && e2.culprit == 2 && strstr(e2.reason, "signer set"), "other signer set: %s",
                  e2.reason);
        CHECK(all_zero(sig, sizeof sig));
    }
    tmldsa_msg_free(&t.replacement);

    /* a round-1 message delivered as round 2 */
    SPEC(TMLDSA_STEP_SIGN1, 4, REPLACE, 0);
    CHECK(tmldsa_driver_sign(g_sh, SET, 62, sid, g_msg, sizeof g_msg, NULL, 0, tmldsa_driver_accept_all, NULL, sig,
                             capture, &t, NULL, &err) == TMLDSA_OK);
    t.step = TMLDSA_STEP_SIGN2;
    {
        tmldsa_error e2 = {0};
        int rc = tmldsa_driver_sign(g_sh, SET, 62, sid, g_msg, sizeof g_msg, NULL, 0, tmldsa_driver_accept_all, NULL,
                                    sig, tamper, &t, NULL, &e2);
        CHECK_MSG(rc == TMLDSA_E_BINDING && e2.culprit == 4, "round-1 as round-2: %d %s", rc, e2.reason);
        CHECK(all_zero(sig, sizeof sig));
    }
    tmldsa_msg_free(&t.replacement);

    /* a message of another key (another DKG), same session id and signer set */
    tmldsa_share *other[TMLDSA_PARTIES];
    CHECK(tmldsa_driver_dkg(sid, other, NULL, NULL, NULL, &err) == TMLDSA_OK);
    SPEC(TMLDSA_STEP_SIGN1, 1, REPLACE, 0);
    CHECK(tmldsa_driver_sign(other, SET, 62, sid, g_msg, sizeof g_msg, NULL, 0, tmldsa_driver_accept_all, NULL, sig,
                             capture, &t, NULL, &err) == TMLDSA_OK);
    {
        tmldsa_error e2 = {0};
        int rc = tmldsa_driver_sign(g_sh, SET, 62, sid, g_msg, sizeof g_msg, NULL, 0, tmldsa_driver_accept_all, NULL,
                                    sig, tamper, &t, NULL, &e2);
        CHECK_MSG(rc == TMLDSA_E_BINDING && e2.culprit == 1 && strstr(e2.reason, "key id"), "other key: %s", e2.reason);
    }
    tmldsa_msg_free(&t.replacement);
    for (unsigned p = 0; p < TMLDSA_PARTIES; p++) tmldsa_share_free(other[p]);

    /* round-1 message of attempt 0 replayed in attempt 1 (K = 1 so attempt 0 almost surely fails) */
    for (int tries = 0; tries < 5; tries++) {
        SPEC(TMLDSA_STEP_SIGN1, 4, REPLAY_ATTEMPT, 0);
        tmldsa_error e2 = {0};
        cc_randombytes(sid, sizeof sid);
        int rc = run(SET, 1, sid, &t, sig, &e2);
        tmldsa_msg_free(&t.replacement);
        if (!t.done) continue; /* attempt 0 produced a signature (p ~ 1%): try again */
        CHECK_MSG(rc == TMLDSA_E_BINDING && e2.culprit == 4 && strstr(e2.reason, "attempt"), "replay attempt: %d %s",
                  rc, e2.reason);
        CHECK(all_zero(sig, sizeof sig));
        printf("%-46s -> %s (party %u): %s\n", "round-1 message of attempt 0 in attempt 1", tmldsa_strerror(rc),
               e2.culprit, e2.reason);
        break;
    }
    CHECK(t.done);
#undef SPEC
}

/* ---- direct API runs (malicious signer computing its own messages) ---- */
typedef struct {
    tmldsa_sign *st[TMLDSA_THRESHOLD];
    tmldsa_msg m1[TMLDSA_THRESHOLD], m2[TMLDSA_THRESHOLD], m3[TMLDSA_THRESHOLD];
} session;

static int open_session(session *s, const uint8_t sid[TMLDSA_SIDBYTES], const uint8_t *const msgs[TMLDSA_THRESHOLD])
{
    static const unsigned ids[TMLDSA_THRESHOLD] = {1, 2, 4};
    tmldsa_error err;
    memset(s, 0, sizeof *s);
    for (unsigned j = 0; j < TMLDSA_THRESHOLD; j++)
        if (tmldsa_sign_new(&s->st[j], g_sh[ids[j] - 1], sid, SET, 62, msgs[j], MSGLEN, NULL, 0,
                            tmldsa_driver_accept_all, NULL, &err))
            return -1;
    return 0;
}

static void close_session(session *s)
{
    for (unsigned j = 0; j < TMLDSA_THRESHOLD; j++) {
        tmldsa_sign_free(s->st[j]);
        tmldsa_msg_free(&s->m1[j]);
        tmldsa_msg_free(&s->m2[j]);
        tmldsa_msg_free(&s->m3[j]);
    }
}

/* The coordinator hands signer 4 another message than signers 1 and 2. Every signer's round 1
 * carries a hash of its mu, so all three stop in round 2 with "different message", blame nobody
 * (the coordinator is not a party; before, party 4 was named for a "bad commitment"), and no
 * round-2 message (so no w, no response, no signature) is ever produced. */
static void test_other_message(void)
{
    uint8_t sid[TMLDSA_SIDBYTES];
    const uint8_t *msgs[TMLDSA_THRESHOLD] = {(const uint8_t *)"message A", (const uint8_t *)"message A",
                                             (const uint8_t *)"message B"};
    session s;
    tmldsa_error err = {0};
    cc_randombytes(sid, sizeof sid);
    CHECK(open_session(&s, sid, msgs) == 0);
    for (unsigned j = 0; j < 3; j++) CHECK(tmldsa_sign_round1(s.st[j], &s.m1[j], &err) == 0);
    for (unsigned j = 0; j < 3; j++) {
        tmldsa_error e = {0};
        int rc = tmldsa_sign_round2(s.st[j], s.m1, &s.m2[j], &e);
        CHECK_MSG(rc == TMLDSA_E_INCONSISTENT && e.culprit == 0 && e.suspects == 0 &&
                      strstr(e.reason, "different message"),
                  "signer %u, party 4 on another message: %d culprit %u suspects 0x%x %s", j, rc, e.culprit, e.suspects,
                  e.reason);
        CHECK(s.m2[j].data == NULL);
        if (j == 0)
            printf("%-46s -> %s (party %u): %s\n", "coordinator gives signer 4 another message", tmldsa_strerror(rc),
                   e.culprit, e.reason);
    }
    close_session(&s);
    /* the same through the context alone */
    const uint8_t *same[TMLDSA_THRESHOLD] = {g_msg, g_msg, g_msg};
    static const unsigned ids[TMLDSA_THRESHOLD] = {1, 2, 4};
    memset(&s, 0, sizeof s);
    for (unsigned j = 0; j < 3; j++)
        CHECK(tmldsa_sign_new(&s.st[j], g_sh[ids[j] - 1], sid, SET, 62, same[j], MSGLEN, (const uint8_t *)"ctx",
                              j == 1 ? 2 : 3, tmldsa_driver_accept_all, NULL, &err) == 0);
    for (unsigned j = 0; j < 3; j++) CHECK(tmldsa_sign_round1(s.st[j], &s.m1[j], &err) == 0);
    CHECK(tmldsa_sign_round2(s.st[0], s.m1, &s.m2[0], &err) == TMLDSA_E_INCONSISTENT && err.culprit == 0 &&
          err.suspects == 0);
    close_session(&s);
}

/* ---- policies ---- */
typedef struct {
    unsigned refuse;     /* party that refuses (0: nobody) */
    const uint8_t *want; /* expected to-be-signed bytes */
    size_t want_len;
    const uint8_t *want_ctx;
    size_t want_ctx_len;
    unsigned calls, mismatches;
} policy_spec;

static int test_policy(void *arg, unsigned party, const uint8_t *msg, size_t msglen, const uint8_t *ctx, size_t ctxlen,
                       char *reason, size_t reason_len)
{
    policy_spec *p = arg;
    p->calls++;
    if (msglen != p->want_len || memcmp(msg, p->want, msglen) != 0 || ctxlen != p->want_ctx_len ||
        (ctxlen && memcmp(ctx, p->want_ctx, ctxlen) != 0))
        p->mismatches++;
    if (party != p->refuse) return 0;
    snprintf(reason, reason_len, "signedAttrs carry a time outside this node's clock tolerance");
    return -1;
}

static void count_msgs(void *arg, int step, unsigned sender, unsigned receiver, uint32_t attempt, tmldsa_msg *m)
{
    unsigned *n = arg;
    (void)step, (void)sender, (void)receiver, (void)attempt, (void)m;
    ++*n;
}

static void test_policy_refusal(void)
{
    uint8_t sid[TMLDSA_SIDBYTES], sig[TMLDSA_SIGBYTES];
    static const uint8_t ctx[] = {0x01, 0x02};
    tmldsa_run_stats st;
    tmldsa_error err = {0};
    unsigned sent = 0;
    cc_randombytes(sid, sizeof sid);
    /* signer 2 refuses: it aborts with the policy's reason, no message is ever sent, no signature */
    policy_spec p = {2, g_msg, sizeof g_msg, ctx, sizeof ctx, 0, 0};
    memset(sig, 0xAA, sizeof sig);
    int rc = tmldsa_driver_sign(g_sh, SET, 62, sid, g_msg, sizeof g_msg, ctx, sizeof ctx, test_policy, &p, sig,
                                count_msgs, &sent, &st, &err);
    CHECK_MSG(rc == TMLDSA_E_POLICY && err.culprit == 0 && err.suspects == 0 && strstr(err.reason, "party 2 refuses") &&
                  strstr(err.reason, "clock tolerance"),
              "refusal: %d %s", rc, err.reason);
    CHECK(st.verdict[1].code == TMLDSA_E_POLICY && st.verdict[0].code == 0 && st.verdict[3].code == 0);
    CHECK_MSG(sent == 0 && st.attempts == 0, "a refusing signer's session produced %u messages", sent);
    CHECK(all_zero(sig, sizeof sig));
    CHECK(p.calls == 3 && p.mismatches == 0);
    printf("%-46s -> %s (party %u): %s\n", "signer 2's policy refuses", tmldsa_strerror(rc), err.culprit, err.reason);
    /* through the API: no state is created */
    tmldsa_sign *s = (tmldsa_sign *)&p;
    CHECK(tmldsa_sign_new(&s, g_sh[1], sid, SET, 62, g_msg, sizeof g_msg, ctx, sizeof ctx, test_policy, &p, &err) ==
          TMLDSA_E_POLICY);
    CHECK(s == NULL);
    CHECK(tmldsa_sign_new(&s, g_sh[1], sid, SET, 62, g_msg, sizeof g_msg, ctx, sizeof ctx, NULL, NULL, &err) ==
          TMLDSA_E_ARG);
    /* the policy sees exactly the bytes that get signed; when everybody accepts, a signature */
    p.refuse = 0;
    p.calls = 0;
    rc = tmldsa_driver_sign(g_sh, SET, 62, sid, g_msg, sizeof g_msg, ctx, sizeof ctx, test_policy, &p, sig, NULL, NULL,
                            NULL, &err);
    CHECK_MSG(rc == TMLDSA_OK, "accepting policy: %d %s", rc, err.reason);
    CHECK(p.calls == 3 && p.mismatches == 0);
    CHECK(cc_mldsa65_verify(sig, sizeof sig, g_msg, sizeof g_msg, ctx, sizeof ctx, tmldsa_share_pk(g_sh[0])) == 0);
}

/* Party 4 is malicious and equivocates its round-1 commitment: two independent states, one shown
 * to party 1 and one to party 2, each with a round-2 message consistent with what that party saw.
 * Each honest party sees the other honest party echo a different commitment of party 4: it must
 * name the pair {other honest party, 4} (before: the other honest party alone). */
static void test_equivocated_commitment(void)
{
    uint8_t sid[TMLDSA_SIDBYTES];
    const uint8_t *msgs[TMLDSA_THRESHOLD] = {g_msg, g_msg, g_msg};
    session s;
    tmldsa_sign *alt = NULL;
    tmldsa_msg alt1 = {0}, alt2 = {0};
    tmldsa_error err = {0};
    cc_randombytes(sid, sizeof sid);
    CHECK(open_session(&s, sid, msgs) == 0);
    CHECK(tmldsa_sign_new(&alt, g_sh[3], sid, SET, 62, g_msg, MSGLEN, NULL, 0, tmldsa_driver_accept_all, NULL, &err) ==
          0);
    for (unsigned j = 0; j < 3; j++) CHECK(tmldsa_sign_round1(s.st[j], &s.m1[j], &err) == 0);
    CHECK(tmldsa_sign_round1(alt, &alt1, &err) == 0);
    CHECK(memcmp(alt1.data, s.m1[2].data, alt1.len) != 0);
    /* party 1 sees commitment A (s.m1[2]), party 2 sees commitment B (alt1) */
    tmldsa_msg view2[3] = {s.m1[0], s.m1[1], alt1};
    CHECK(tmldsa_sign_round2(s.st[0], s.m1, &s.m2[0], &err) == 0);
    CHECK(tmldsa_sign_round2(s.st[1], view2, &s.m2[1], &err) == 0);
    CHECK(tmldsa_sign_round2(s.st[2], s.m1, &s.m2[2], &err) == 0);
    CHECK(tmldsa_sign_round2(alt, view2, &alt2, &err) == 0);
    tmldsa_msg r2_for2[3] = {s.m2[0], s.m2[1], alt2};
    tmldsa_error e1 = {0}, e2 = {0};
    int rc1 = tmldsa_sign_round3(s.st[0], s.m2, &s.m3[0], &e1);
    int rc2 = tmldsa_sign_round3(s.st[1], r2_for2, &s.m3[1], &e2);
    const unsigned bad = TMLDSA_BIT(4);
    CHECK_MSG(rc1 == TMLDSA_E_INCONSISTENT && tmldsa_verdict_sound(&e1, bad) && e1.suspects == (TMLDSA_BIT(2) | bad),
              "party 1: %d culprit %u suspects 0x%x %s", rc1, e1.culprit, e1.suspects, e1.reason);
    CHECK_MSG(rc2 == TMLDSA_E_INCONSISTENT && tmldsa_verdict_sound(&e2, bad) && e2.suspects == (TMLDSA_BIT(1) | bad),
              "party 2: %d culprit %u suspects 0x%x %s", rc2, e2.culprit, e2.suspects, e2.reason);
    CHECK(s.m3[0].data == NULL && s.m3[1].data == NULL); /* no response released */
    printf("%-46s -> %s (suspects 0x%02x): %s\n", "signer 4 equivocates its commitment", tmldsa_strerror(rc1),
           e1.suspects, e1.reason);
    /* party 4 lies in its own echo about party 2's commitment: party 2 proves it, party 1 can only
     * name {4, 2} */
    close_session(&s);
    tmldsa_sign_free(alt);
    tmldsa_msg_free(&alt1);
    tmldsa_msg_free(&alt2);
    CHECK(open_session(&s, sid, msgs) == 0);
    for (unsigned j = 0; j < 3; j++) CHECK(tmldsa_sign_round1(s.st[j], &s.m1[j], &err) == 0);
    for (unsigned j = 0; j < 3; j++) CHECK(tmldsa_sign_round2(s.st[j], s.m1, &s.m2[j], &err) == 0);
    s.m2[2].data[TMLDSA_HDRBYTES + TMLDSA_HASHBYTES + 5] ^= 1; /* entry of party 2 in party 4's echo */
    rc1 = tmldsa_sign_round3(s.st[0], s.m2, &s.m3[0], &e1);
    rc2 = tmldsa_sign_round3(s.st[1], s.m2, &s.m3[1], &e2);
    CHECK_MSG(rc1 == TMLDSA_E_INCONSISTENT && e1.culprit == 0 && e1.suspects == (TMLDSA_BIT(2) | bad), "party 1: %s",
              e1.reason);
    CHECK_MSG(rc2 == TMLDSA_E_INCONSISTENT && e2.culprit == 4 && e2.suspects == bad, "party 2: %s", e2.reason);
    close_session(&s);
}

static void test_w_out_of_range(void)
{
    /* party 4 is malicious: it commits to a w with a coefficient >= q, consistently */
    uint8_t sid[TMLDSA_SIDBYTES];
    const uint8_t *msgs[TMLDSA_THRESHOLD] = {g_msg, g_msg, g_msg};
    session s;
    tmldsa_error err = {0};
    cc_randombytes(sid, sizeof sid);
    CHECK(open_session(&s, sid, msgs) == 0);
    for (unsigned j = 0; j < 3; j++) CHECK(tmldsa_sign_round1(s.st[j], &s.m1[j], &err) == 0);
    uint8_t *w = s.st[2]->w_own + 3 * TMLDSA_VECK_PACKED; /* slot 3, first coefficient */
    w[0] = 0xFF;
    w[1] = 0xFF;
    w[2] |= 0x7F;
    tmldsa_sign_w_commitment(s.st[2], s.m1[2].data + TMLDSA_HDRBYTES, 4, s.st[2]->w_own);
    memcpy(s.st[2]->cmt[2], s.m1[2].data + TMLDSA_HDRBYTES, TMLDSA_HASHBYTES);
    for (unsigned j = 0; j < 3; j++) CHECK(tmldsa_sign_round2(s.st[j], s.m1, &s.m2[j], &err) == 0);
    int rc = tmldsa_sign_round3(s.st[0], s.m2, &s.m3[0], &err);
    CHECK_MSG(rc == TMLDSA_E_RANGE && err.culprit == 4, "w >= q: %d %s", rc, err.reason);
    printf("%-46s -> %s (party %u): %s\n", "w coefficient >= q, consistent commitment", tmldsa_strerror(rc),
           err.culprit, err.reason);
    close_session(&s);
}

static void test_state_machine(void)
{
    uint8_t sid[TMLDSA_SIDBYTES], sig[TMLDSA_SIGBYTES];
    const uint8_t *msgs[TMLDSA_THRESHOLD] = {g_msg, g_msg, g_msg};
    session s;
    tmldsa_error err = {0};
    tmldsa_msg extra = {0};
    cc_randombytes(sid, sizeof sid);
    CHECK(open_session(&s, sid, msgs) == 0);
    CHECK(tmldsa_sign_round2(s.st[0], s.m1, &extra, &err) == TMLDSA_E_STATE);
    CHECK(tmldsa_sign_combine(s.st[0], s.m3, sig, NULL, &err) == TMLDSA_E_STATE);
    CHECK(tmldsa_sign_next_attempt(s.st[0], &err) == TMLDSA_E_STATE);
    for (unsigned j = 0; j < 3; j++) CHECK(tmldsa_sign_round1(s.st[j], &s.m1[j], &err) == 0);
    CHECK(tmldsa_sign_round1(s.st[0], &extra, &err) == TMLDSA_E_STATE); /* no second round 1 */
    CHECK(tmldsa_sign_round3(s.st[0], s.m2, &extra, &err) == TMLDSA_E_STATE);
    for (unsigned j = 0; j < 3; j++) CHECK(tmldsa_sign_round2(s.st[j], s.m1, &s.m2[j], &err) == 0);
    for (unsigned j = 0; j < 3; j++) CHECK(tmldsa_sign_round3(s.st[j], s.m2, &s.m3[j], &err) == 0);
    /* the masks are wiped as soon as round 3 is done */
    CHECK(all_zero((const uint8_t *)s.st[0]->y, (size_t)62 * TMLDSA_HB_DIM * sizeof(double)));
    {
        /* party 1's round-3 message altered in transit: party 2 blames party 1 (its message is
         * malformed), party 1 itself does not blame itself (it knows what it sent) */
        tmldsa_sign *c1 = s.st[0], *c2 = s.st[1];
        tmldsa_msg r3[TMLDSA_THRESHOLD];
        copy_msg(&r3[0], &s.m3[0]);
        r3[1] = s.m3[1];
        r3[2] = s.m3[2];
        r3[0].data[TMLDSA_HDRBYTES] ^= 0x01;    /* bitmap bit: one response more or less than sent */
        tmldsa_sign saved1 = *c1, saved2 = *c2; /* combine kills the state on error: run it on copies */
        tmldsa_error e1 = {0}, e2 = {0};
        CHECK(tmldsa_sign_combine(c2, r3, sig, NULL, &e2) == TMLDSA_E_FORMAT && e2.culprit == 1);
        CHECK_MSG(tmldsa_sign_combine(c1, r3, sig, NULL, &e1) == TMLDSA_E_INCONSISTENT && e1.culprit == 0 &&
                      e1.suspects == 0,
                  "own altered round-3 message: culprit %u %s", e1.culprit, e1.reason);
        *c1 = saved1;
        *c2 = saved2;
        tmldsa_msg_free(&r3[0]);
    }
    CHECK(tmldsa_sign_round3(s.st[0], s.m2, &extra, &err) == TMLDSA_E_STATE); /* no second response */
    uint8_t cmt0[TMLDSA_HASHBYTES];
    memcpy(cmt0, s.m1[0].data + TMLDSA_HDRBYTES, sizeof cmt0);
    int rc = tmldsa_sign_combine(s.st[0], s.m3, sig, NULL, &err);
    CHECK(rc == TMLDSA_OK || rc == TMLDSA_E_RETRY);
    if (rc == TMLDSA_OK) {
        CHECK(cc_mldsa65_verify(sig, sizeof sig, g_msg, MSGLEN, NULL, 0, tmldsa_share_pk(g_sh[0])) == 0);
        CHECK(tmldsa_sign_combine(s.st[0], s.m3, sig, NULL, &err) == TMLDSA_E_STATE); /* finished */
    }
    /* a new attempt draws new masks: a different commitment */
    CHECK(tmldsa_sign_next_attempt(s.st[1], &err) == TMLDSA_OK);
    CHECK(tmldsa_sign_attempt(s.st[1]) == 1);
    tmldsa_msg_free(&extra);
    CHECK(tmldsa_sign_round1(s.st[1], &extra, &err) == TMLDSA_OK);
    CHECK(memcmp(extra.data + TMLDSA_HDRBYTES, s.m1[1].data + TMLDSA_HDRBYTES, TMLDSA_HASHBYTES) != 0);
    tmldsa_msg_free(&extra);
    /* after an error the state is dead */
    tmldsa_msg bad[TMLDSA_THRESHOLD] = {{0}};
    CHECK(tmldsa_sign_round2(s.st[1], bad, &extra, &err) == TMLDSA_E_FORMAT);
    CHECK(tmldsa_sign_round2(s.st[1], s.m1, &extra, &err) == TMLDSA_E_STATE);
    CHECK(tmldsa_sign_next_attempt(s.st[1], &err) == TMLDSA_E_STATE);
    close_session(&s);
}

int main(void)
{
    uint8_t sid[TMLDSA_SIDBYTES];
    tmldsa_error err;
    cc_randombytes(sid, sizeof sid);
    if (tmldsa_driver_dkg(sid, g_sh, NULL, NULL, NULL, &err) != TMLDSA_OK) {
        CHECK_MSG(0, "dkg: %s", err.reason);
        return check_summary("test_tmldsa_malicious");
    }
    test_driver_cases();
    test_other_message();
    test_policy_refusal();
    test_equivocated_commitment();
    test_w_out_of_range();
    test_state_machine();
    for (unsigned p = 0; p < TMLDSA_PARTIES; p++) tmldsa_share_free(g_sh[p]);
    return check_summary("test_tmldsa_malicious");
}

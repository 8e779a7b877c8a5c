/* test_tecdsa_inflight.c: threshold ECDSA hardening around concurrent sessions and online signing,
 * on one 5-party key (one DKG):
 *  - in-flight ban (issue 9 part 1): malicious party 3 opens TECDSA_MAX_SESSIONS_PER_PEER + 2
 *    overlapping presign sessions with honest parties 1 and 2 and, in each, flips one padding bit
 *    of one column of its OT-extension matrix and recomputes the check values honestly (the
 *    selective-failure attack on Delta). Asserted per honest party: the sessions beyond the cap
 *    are refused (TECDSA_ERR_BUSY); exactly one OT check fails; after it no session with party 3
 *    runs another check or completes any step (TECDSA_ERR_BANNED, no message out); no attacked
 *    session yields a presignature; presignatures made with party 3 BEFORE the attack can no
 *    longer sign and stay unused; the honest triple {1,2,4} still signs. Then parties 4 and 5 run
 *    the check round of CAP such sessions (every check would fail) on two threads: still exactly
 *    one failed check each, the rest refused as banned (the per-peer check lock).
 *  - signing policy (part 3): a refusing policy gets TECDSA_ERR_POLICY and leaves the presignature
 *    unused; the policy sees exactly the to-be-signed bytes; the signature is over SHA-384(tbs).
 *  - atomic single use (part 5): two threads meet inside the policy callback (both have passed the
 *    early "already used" test), then race to consume: exactly one share comes out.
 *  - hedged nonces (part 5): with the OS RNG stuck at a constant (getrandom interposed), two
 *    presign sessions with the same batch id still complete with different R_1.
 *  - blame (part 4): party 3 equivocates its round-1 nonce (another one to party 2), so 1 and 2
 *    derive different session ids and each sees the other's P2 under a "wrong" sid: both abort
 *    suspecting a pair that holds 3, and neither names the other honest party alone. */
#include <openssl/sha.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "check.h"
#include "tecdsa_test_ossl.h"
#include "testutil.h"
#include "threshold/ecdsa/tecdsa.h"
#include "threshold/ecdsa/tecdsa_hash.h"
#include "threshold/ecdsa/tecdsa_internal.h"
#include "threshold/ecdsa/tecdsa_wire.h"
#include "threshold/testkit/tecdsa_driver.h"

#define ADV 3
#define CAP TECDSA_MAX_SESSIONS_PER_PEER
#define NSESS (CAP + 2)
#define U_BYTES ((size_t)TOT_KAPPA * TOT_COL_BYTES)
#define CHAL_BYTES ((size_t)TOT_XI_PAD * TOT_CHK_BYTES)

/* ---- stuck OS RNG (interposes libc's getrandom, which cc_randombytes calls) ---- */
static int g_stuck_rng;
ssize_t getrandom(void *buf, size_t len, unsigned int flags)
{
    if (g_stuck_rng) {
        memset(buf, 0x42, len);
        return (ssize_t)len;
    }
    return syscall(SYS_getrandom, buf, len, flags);
}

/* ---- the adversary's OT-extension arithmetic (its own code, from the protocol description) ---- */
static void adv_prg(uint8_t out[TOT_COL_BYTES], const uint8_t seed[TOT_SEED_BYTES], const uint8_t ctx[48], uint32_t c)
{
    th_ctx h;
    th_init(&h, "ote/prg");
    th_bytes(&h, seed, TOT_SEED_BYTES);
    th_bytes(&h, ctx, 48);
    th_u32(&h, c);
    th_out(&h, out, TOT_COL_BYTES);
}

/* 128-bit universal hash: XOR of the challenge rows selected by the bits of col. */
static void adv_uhash(uint8_t out[TOT_CHK_BYTES], const uint8_t col[TOT_COL_BYTES], const uint8_t *chal)
{
    memset(out, 0, TOT_CHK_BYTES);
    for (size_t k = 0; k < TOT_XI_PAD; k++)
        if ((col[k / 8] >> (k % 8)) & 1)
            for (int b = 0; b < TOT_CHK_BYTES; b++) out[b] ^= chal[k * TOT_CHK_BYTES + (size_t)b];
}

/* Flip padding row TOT_XI of column `col` in the P2 payload from ADV to `alice`, then recompute
 * x~ and every t~ for the new challenge, as an adversary knowing its own seeds can. */
static void flip_and_recompute(tecdsa_keyshare *adv, int alice, tecdsa_msg *m, int col)
{
    static uint8_t chal[CHAL_BYTES];
    uint8_t *pl = m->data + TW_HDR_BYTES, ctx[48], t0[TOT_COL_BYTES], t1[TOT_COL_BYTES], beta[TOT_COL_BYTES];
    const tot_bob_setup *setup = &adv->bob[alice];
    th_ctx h;
    th_init(&h, "presign/ote-ctx");
    th_bytes(&h, adv->key_id, TECDSA_ID_BYTES);
    th_bytes(&h, tw_sid(m), TECDSA_ID_BYTES);
    th_u32(&h, (uint32_t)alice);
    th_u32(&h, (uint32_t)ADV);
    th_out(&h, ctx, sizeof ctx);
    adv_prg(t0, setup->seed[0][0], ctx, 0);
    adv_prg(t1, setup->seed[0][1], ctx, 0);
    for (int i = 0; i < TOT_COL_BYTES; i++) beta[i] = pl[i] ^ t0[i] ^ t1[i];
    pl[(size_t)col * TOT_COL_BYTES + TOT_XI / 8] ^= 1; /* row TOT_XI: padding, unused by the VOLE */
    th_init(&h, "ote/challenge");
    th_bytes(&h, ctx, sizeof ctx);
    th_bytes_long(&h, pl, U_BYTES);
    th_out(&h, chal, sizeof chal);
    adv_uhash(pl + U_BYTES, beta, chal);
    for (uint32_t c = 0; c < TOT_KAPPA; c++) {
        adv_prg(t0, setup->seed[c][0], ctx, c);
        adv_uhash(pl + U_BYTES + TOT_CHK_BYTES + (size_t)c * TOT_CHK_BYTES, t0, chal);
    }
}

/* ---- a hand-driven presign session (own message loop: sessions interleave round by round) ---- */
typedef struct {
    int S[TECDSA_T];
    tecdsa_presign *p[TECDSA_N + 1];
    tecdsa_msg inbox[TECDSA_N + 1][TECDSA_N + 1]; /* [to][from] for the next step */
    int rc[TECDSA_N + 1];                         /* result of the last step per party */
    int sent[TECDSA_N + 1];                       /* messages the last step produced */
} session;

typedef void (*route_fn)(void *arg, session *s, int round, int from, int to, tecdsa_msg *m);

static void session_open(session *s, tecdsa_keyshare *ks[TECDSA_N + 1], const int S[TECDSA_T], uint8_t tag, int n)
{
    uint8_t batch[TECDSA_ID_BYTES] = {0x1f, tag, (uint8_t)n};
    memset(s, 0, sizeof *s);
    memcpy(s->S, S, sizeof s->S);
    for (int k = 0; k < TECDSA_T; k++) s->p[S[k]] = tecdsa_presign_new(ks[S[k]], S, batch);
}

/* Step party i of s (unless it failed); its messages go to next[to][i] (after `route`). */
static void session_step(session *s, int i, int round, tecdsa_msg next[TECDSA_N + 1][TECDSA_N + 1], route_fn route,
                         void *arg)
{
    tecdsa_msg out[TECDSA_N + 1];
    s->sent[i] = 0;
    if (s->rc[i] < 0) return;
    s->rc[i] = tecdsa_presign_step(s->p[i], s->inbox[i], out);
    for (int j = 1; j <= TECDSA_N; j++) {
        if (!out[j].data) continue;
        s->sent[i]++;
        if (route) route(arg, s, round, i, j, &out[j]);
        next[j][i] = out[j];
    }
}

/* Deliver the messages of this round for the next. */
static void session_deliver(session *s, tecdsa_msg next[TECDSA_N + 1][TECDSA_N + 1])
{
    for (int i = 0; i <= TECDSA_N; i++) tecdsa_msgs_free(s->inbox[i]);
    memcpy(s->inbox, next, sizeof s->inbox);
}

/* One round of every party of s that has not failed. */
static void session_round(session *s, int round, route_fn route, void *arg)
{
    tecdsa_msg next[TECDSA_N + 1][TECDSA_N + 1];
    memset(next, 0, sizeof next);
    for (int k = 0; k < TECDSA_T; k++) session_step(s, s->S[k], round, next, route, arg);
    session_deliver(s, next);
}

static void session_close(session *s)
{
    for (int i = 0; i <= TECDSA_N; i++) {
        tecdsa_msgs_free(s->inbox[i]);
        tecdsa_presign_free(s->p[i]);
    }
}

/* ---- part 1: overlapping sessions against a ban ---- */
typedef struct {
    tecdsa_keyshare **ks;
    int col[NSESS][TECDSA_N + 1]; /* column the adversary attacks, per session and victim */
    int idx;                      /* session being routed */
} attack;

static void attack_route(void *arg, session *s, int round, int from, int to, tecdsa_msg *m)
{
    attack *a = arg;
    (void)s;
    if (round == 1 && from == ADV && to != ADV) flip_and_recompute(a->ks[ADV], to, m, a->col[a->idx][to]);
}

static int delta_bit(const tecdsa_keyshare *ks, int peer, int c)
{
    return (ks->alice[peer].delta[c / 8] >> (c % 8)) & 1;
}

/* Presign {1,2,ADV} normally and keep the presignatures (made before any ban). */
static void presign_keep(tecdsa_keyshare *ks[TECDSA_N + 1], const int S[TECDSA_T], uint8_t tag,
                         tecdsa_presig *out[TECDSA_N + 1])
{
    tecdsa_run run;
    uint8_t batch[TECDSA_ID_BYTES] = {0x2e, tag};
    CHECK(tecdsa_drive_presign(ks, S, batch, out, NULL, NULL, &run) == TECDSA_OK);
}

static void inflight_ban(tecdsa_keyshare *ks[TECDSA_N + 1])
{
    static session sess[NSESS];
    static attack a;
    const int S[TECDSA_T] = {1, 2, ADV};
    tecdsa_presig *before[TECDSA_N + 1] = {0};
    presign_keep(ks, S, 1, before);

    /* the adversary's plan (white-box Delta only to make the run deterministic): two columns where
     * the victim's Delta bit is 0 (checks pass), then one where it is 1 (fails), then any */
    a.ks = ks;
    for (int h = 1; h <= 2; h++) {
        int want[3] = {0, 0, 1}, n = 0;
        unsigned used[TOT_KAPPA] = {0};
        for (int c = 0; c < TOT_KAPPA && n < 3; c++)
            if (delta_bit(ks[h], ADV, c) == want[n]) {
                a.col[n++][h] = c;
                used[c] = 1;
            }
        CHECK_MSG(n == 3, "Delta of party %d has too few 0/1 bits", h);
        for (int c = 0; c < TOT_KAPPA && n < NSESS; c++)
            if (!used[c]) a.col[n++][h] = c;
    }

    for (int n = 0; n < NSESS; n++) session_open(&sess[n], ks, S, 0x40, n);
    int checks[TECDSA_N + 1] = {0}, fails[TECDSA_N + 1] = {0}, after_ban_steps[TECDSA_N + 1] = {0};
    int busy[TECDSA_N + 1] = {0}, banned_at[TECDSA_N + 1] = {0};
    for (int round = 0; round < 4; round++)
        for (int n = 0; n < NSESS; n++) {
            session *s = &sess[n];
            int was_banned[TECDSA_N + 1];
            for (int h = 1; h <= 2; h++) was_banned[h] = tecdsa_keyshare_is_banned(ks[h], ADV);
            a.idx = n;
            int alive[TECDSA_N + 1];
            for (int h = 1; h <= 2; h++) alive[h] = s->rc[h] >= 0;
            session_round(s, round, attack_route, &a);
            for (int h = 1; h <= 2; h++) {
                if (!alive[h]) continue;
                if (round == 0 && s->rc[h] == TECDSA_ERR_BUSY) busy[h]++;
                if (round == 2 && (s->rc[h] == TECDSA_OK || s->rc[h] == TECDSA_ERR_OT)) checks[h]++;
                if (s->rc[h] == TECDSA_ERR_OT) {
                    fails[h]++;
                    banned_at[h] = n;
                }
                if (was_banned[h]) {
                    /* after the ban: the step must fail as BANNED and send nothing */
                    if (s->rc[h] != TECDSA_ERR_BANNED || s->sent[h] != 0) after_ban_steps[h]++;
                    CHECK_MSG(tecdsa_presign_culprit(s->p[h]) == ADV, "party %d session %d: culprit %d", h, n,
                              tecdsa_presign_culprit(s->p[h]));
                }
            }
        }
    int presigs = 0;
    for (int n = 0; n < NSESS; n++)
        for (int h = 1; h <= 2; h++) {
            tecdsa_presig *ps = tecdsa_presign_take(sess[n].p[h]);
            presigs += ps != NULL;
            tecdsa_presig_free(ps);
        }
    for (int n = 0; n < NSESS; n++) session_close(&sess[n]);
    for (int h = 1; h <= 2; h++) {
        CHECK_MSG(busy[h] == NSESS - CAP, "party %d: %d sessions beyond the cap of %d refused, expected %d", h, busy[h],
                  CAP, NSESS - CAP);
        CHECK_MSG(fails[h] == 1, "party %d: %d failed OT checks observable by the adversary (expected 1)", h, fails[h]);
        CHECK_MSG(checks[h] == 3 && banned_at[h] == 2, "party %d: %d checks ran, failure in session %d", h, checks[h],
                  banned_at[h]);
        CHECK_MSG(after_ban_steps[h] == 0, "party %d: %d steps after the ban did not abort cleanly", h,
                  after_ban_steps[h]);
        CHECK(tecdsa_keyshare_is_banned(ks[h], ADV));
        CHECK_MSG(atomic_load(&ks[h]->active[ADV]) == 0, "party %d: session slots leaked", h);
    }
    CHECK_MSG(presigs == 0, "%d presignatures came out of attacked sessions", presigs);

    /* presignatures made with ADV before the ban: refused, and left unused */
    uint8_t tbs[32] = "content signed after the ban";
    for (int h = 1; h <= 2; h++) {
        tecdsa_msg m = {0};
        int rc = tecdsa_sign_share(before[h], tbs, sizeof tbs, tecdsa_policy_accept_any, NULL, 1, &m);
        CHECK_MSG(rc == TECDSA_ERR_BANNED && m.data == NULL, "party %d: pre-ban presignature: %s", h,
                  tecdsa_strerror(rc));
        CHECK(!atomic_load(&before[h]->consumed));
    }
    for (int i = 1; i <= TECDSA_N; i++) tecdsa_presig_free(before[i]);

    /* liveness without the cheater */
    const int H[TECDSA_T] = {1, 2, 4};
    tecdsa_presig *ps[TECDSA_N + 1] = {0};
    uint8_t pub[TECDSA_PUB_BYTES], key_id[TECDSA_ID_BYTES], der[TECDSA_SIG_MAX_DER];
    size_t der_len = 0;
    tecdsa_run run;
    tecdsa_keyshare_pubkey(ks[1], pub);
    tecdsa_keyshare_key_id(ks[1], key_id);
    presign_keep(ks, H, 2, ps);
    int rc = tecdsa_drive_sign(ps, H, key_id, pub, tbs, sizeof tbs, tecdsa_policy_accept_any, NULL, der, &der_len, NULL,
                               NULL, &run);
    CHECK_MSG(rc == TECDSA_OK, "honest triple after the attack: %s", tecdsa_strerror(rc));
    for (int i = 1; i <= TECDSA_N; i++) tecdsa_presig_free(ps[i]);
    printf("in-flight ban: %d overlapping sessions per victim; refused by the cap %d/%d; checks run %d/%d, failed "
           "%d/%d; steps after the ban not refused %d/%d; presignatures out of attacked sessions %d\n",
           NSESS, busy[1], busy[2], checks[1], checks[2], fails[1], fails[2], after_ban_steps[1], after_ban_steps[2],
           presigs);
}

/* Threads: CAP sessions of {3,4,5} with every attacked column a 1-bit of the victim's Delta, so
 * every check would fail; the victims' check round runs for two sessions at once on two threads
 * that start each victim's step together (after its start-of-step ban test, before any ban). The
 * per-peer check lock must still let exactly one check fail per victim. */
static pthread_barrier_t g_step_barrier;

/* One session's check round, the victims' steps started together with the other thread's. */
static void *round2_worker(void *arg)
{
    session *s = arg;
    tecdsa_msg next[TECDSA_N + 1][TECDSA_N + 1];
    memset(next, 0, sizeof next);
    session_step(s, ADV, 2, next, NULL, NULL);
    for (int h = 4; h <= 5; h++) {
        pthread_barrier_wait(&g_step_barrier);
        session_step(s, h, 2, next, NULL, NULL);
    }
    session_deliver(s, next);
    return NULL;
}

static void threaded_ban(tecdsa_keyshare *ks[TECDSA_N + 1])
{
    static session sess[CAP];
    static attack a;
    const int S[TECDSA_T] = {ADV, 4, 5};
    a.ks = ks;
    for (int h = 4; h <= 5; h++)
        for (int c = 0, n = 0; c < TOT_KAPPA && n < CAP; c++)
            if (delta_bit(ks[h], ADV, c)) a.col[n++][h] = c;
    for (int n = 0; n < CAP; n++) session_open(&sess[n], ks, S, 0x50, n);
    for (int round = 0; round < 2; round++)
        for (int n = 0; n < CAP; n++) {
            a.idx = n;
            session_round(&sess[n], round, attack_route, &a);
        }
    for (int n = 0; n + 1 < CAP; n += 2) { /* pairs of sessions on two threads */
        pthread_t th[2];
        pthread_barrier_init(&g_step_barrier, NULL, 2);
        for (int k = 0; k < 2; k++) pthread_create(&th[k], NULL, round2_worker, &sess[n + k]);
        for (int k = 0; k < 2; k++) pthread_join(th[k], NULL);
        pthread_barrier_destroy(&g_step_barrier);
    }
    int fails[TECDSA_N + 1] = {0}, banned[TECDSA_N + 1] = {0};
    for (int n = 0; n < CAP; n++)
        for (int h = 4; h <= 5; h++) {
            fails[h] += sess[n].rc[h] == TECDSA_ERR_OT;
            banned[h] += sess[n].rc[h] == TECDSA_ERR_BANNED;
        }
    for (int n = 0; n < CAP; n++) session_close(&sess[n]);
    for (int h = 4; h <= 5; h++)
        CHECK_MSG(fails[h] == 1 && banned[h] == CAP - 1, "two threads: party %d: %d failed checks, %d refused", h,
                  fails[h], banned[h]);
    printf("two threads, %d sessions whose every check would fail: failed checks %d/%d, refused as banned %d/%d\n", CAP,
           fails[4], fails[5], banned[4], banned[5]);
}

/* ---- part 3: the signer's policy ---- */
typedef struct {
    int refuse;
    const uint8_t *expect;
    size_t expect_len;
    int calls, saw_exact;
} policy_state;

static int test_policy(void *arg, const uint8_t *tbs, size_t len)
{
    policy_state *p = arg;
    p->calls++;
    p->saw_exact = len == p->expect_len && memcmp(tbs, p->expect, len) == 0;
    return p->refuse;
}

static void signing_policy(tecdsa_keyshare *ks[TECDSA_N + 1])
{
    const int S[TECDSA_T] = {1, 4, 5};
    tecdsa_presig *ps[TECDSA_N + 1] = {0};
    uint8_t pub[TECDSA_PUB_BYTES], key_id[TECDSA_ID_BYTES], der[TECDSA_SIG_MAX_DER], digest[48];
    uint8_t tbs[] = "signedAttrs: genTime 20261204080000Z, policy 1.2.3.4";
    size_t der_len = 0;
    tecdsa_run run;
    tecdsa_keyshare_pubkey(ks[1], pub);
    tecdsa_keyshare_key_id(ks[1], key_id);
    presign_keep(ks, S, 3, ps);
    policy_state pol = {1, tbs, sizeof tbs, 0, 0};
    int rc = tecdsa_drive_sign(ps, S, key_id, pub, tbs, sizeof tbs, test_policy, &pol, der, &der_len, NULL, NULL, &run);
    CHECK_MSG(rc == TECDSA_ERR_POLICY && der_len == 0 && pol.calls == 3 && pol.saw_exact,
              "refusing policy: %s, %d calls", tecdsa_strerror(rc), pol.calls);
    for (int k = 0; k < TECDSA_T; k++) CHECK(!atomic_load(&ps[S[k]]->consumed));
    CHECK(tecdsa_sign_share(ps[1], tbs, sizeof tbs, NULL, NULL, 1, &(tecdsa_msg){0}) == TECDSA_ERR_ARG);
    /* the same presignatures then sign once the policy accepts */
    pol.refuse = 0;
    pol.calls = 0;
    rc = tecdsa_drive_sign(ps, S, key_id, pub, tbs, sizeof tbs, test_policy, &pol, der, &der_len, NULL, NULL, &run);
    CHECK_MSG(rc == TECDSA_OK && pol.calls == 3 && pol.saw_exact, "accepting policy: %s", tecdsa_strerror(rc));
    /* independent check: OpenSSL's SHA-384 of tbs, OpenSSL's verification */
    SHA384(tbs, sizeof tbs, digest);
    EVP_PKEY *pk = test_pkey(pub);
    CHECK_MSG(pk && evp_verify(pk, digest, der, der_len), "signature does not verify over SHA-384(tbs)");
    EVP_PKEY_free(pk);
    for (int i = 1; i <= TECDSA_N; i++) tecdsa_presig_free(ps[i]);
    printf("policy: refusal leaves the presignatures unused; acceptance signs SHA-384(tbs) (OpenSSL verifies)\n");
}

/* ---- part 5: atomic single use ---- */
static pthread_barrier_t g_barrier;

static int barrier_policy(void *arg, const uint8_t *tbs, size_t len)
{
    (void)arg;
    (void)tbs;
    (void)len;
    pthread_barrier_wait(&g_barrier); /* both callers are past the early "used" test here */
    return 0;
}

typedef struct {
    tecdsa_presig *ps;
    int rc;
} racer;

static void *race(void *arg)
{
    racer *r = arg;
    tecdsa_msg m = {0};
    uint8_t tbs[8] = "race";
    r->rc = tecdsa_sign_share(r->ps, tbs, sizeof tbs, barrier_policy, NULL, 1, &m);
    CHECK((r->rc == TECDSA_OK) == (m.data != NULL));
    tecdsa_msg_free(&m);
    return NULL;
}

/* Many races on white-box copies of one real presignature (cheap: no presign per race). */
#define RACES 1000
static void single_use_race(tecdsa_keyshare *ks[TECDSA_N + 1])
{
    const int S[TECDSA_T] = {1, 4, 5};
    tecdsa_presig *ps[TECDSA_N + 1] = {0};
    int double_use = 0, none = 0;
    presign_keep(ks, S, 10, ps);
    for (int t = 0; t < RACES && ps[4]; t++) {
        tecdsa_presig *copy = malloc(sizeof *copy);
        if (!copy) break;
        memcpy(copy, ps[4], sizeof *copy);
        atomic_init(&copy->consumed, false);
        racer r[2] = {{copy, 0}, {copy, 0}};
        pthread_t th[2];
        pthread_barrier_init(&g_barrier, NULL, 2);
        for (int k = 0; k < 2; k++) pthread_create(&th[k], NULL, race, &r[k]);
        for (int k = 0; k < 2; k++) pthread_join(th[k], NULL);
        pthread_barrier_destroy(&g_barrier);
        int ok = (r[0].rc == TECDSA_OK) + (r[1].rc == TECDSA_OK);
        int used = (r[0].rc == TECDSA_ERR_USED) + (r[1].rc == TECDSA_ERR_USED);
        double_use += ok > 1;
        none += !(ok == 1 && used == 1) && ok <= 1;
        tecdsa_presig_free(copy);
    }
    for (int i = 1; i <= TECDSA_N; i++) tecdsa_presig_free(ps[i]);
    CHECK_MSG(double_use == 0 && none == 0, "%d of %d races produced two shares from one presignature, %d none",
              double_use, RACES, none);
    printf("single use: %d races of two threads on one presignature -> exactly one share each time\n", RACES);
}

/* ---- part 5: hedged nonces ---- */
static void capture_r1(void *arg, int type, int from, int to, tecdsa_msg *m)
{
    if (type == TW_PRE3 && from == 1 && to == 2 && m->len >= TW_HDR_BYTES + TOT_ALICE_MSG_BYTES + TPT_UBYTES)
        memcpy(arg, m->data + TW_HDR_BYTES + TOT_ALICE_MSG_BYTES, TPT_UBYTES);
}

static void hedged_nonces(tecdsa_keyshare *ks[TECDSA_N + 1])
{
    const int S[TECDSA_T] = {1, 2, 4};
    uint8_t R1[2][TPT_UBYTES] = {{0}}, batch[TECDSA_ID_BYTES] = {0x77};
    int rc[2];
    g_stuck_rng = 1;
    for (int t = 0; t < 2; t++) {
        tecdsa_presig *ps[TECDSA_N + 1] = {0};
        tecdsa_run run;
        rc[t] = tecdsa_drive_presign(ks, S, batch, ps, capture_r1, R1[t], &run);
        for (int i = 1; i <= TECDSA_N; i++) tecdsa_presig_free(ps[i]);
    }
    g_stuck_rng = 0;
    CHECK_MSG(rc[0] == TECDSA_OK && rc[1] == TECDSA_OK, "stuck RNG: presign %s / %s", tecdsa_strerror(rc[0]),
              tecdsa_strerror(rc[1]));
    CHECK_MSG(memcmp(R1[0], R1[1], TPT_UBYTES) != 0 && R1[0][0] != 0, "stuck RNG: party 1 reused its nonce R_1");
    printf("hedged nonces: stuck OS RNG, same batch id twice -> two sessions, two different R_1\n");
}

/* ---- part 4: blame for an equivocated round-1 nonce ---- */
static void equivocate_p1(void *arg, int type, int from, int to, tecdsa_msg *m)
{
    (void)arg;
    if (type == TW_PRE1 && from == ADV && to == 2) m->data[TW_HDR_BYTES] ^= 1; /* nonce, to party 2 only */
}

static void presign_blame(tecdsa_keyshare *ks[TECDSA_N + 1])
{
    const int S[TECDSA_T] = {1, 2, ADV};
    tecdsa_presig *ps[TECDSA_N + 1] = {0};
    uint8_t batch[TECDSA_ID_BYTES] = {0x99};
    tecdsa_run run;
    int rc = tecdsa_drive_presign(ks, S, batch, ps, equivocate_p1, NULL, &run);
    CHECK_MSG(rc != TECDSA_OK, "equivocated P1: presign succeeded");
    for (int h = 1; h <= 2; h++) {
        CHECK_MSG(run.error[h] == TECDSA_ERR_CONTEXT, "party %d: %s", h, tecdsa_strerror(run.error[h]));
        CHECK_MSG(run.culprit[h] == 0 || run.culprit[h] == ADV, "party %d named honest party %d alone", h,
                  run.culprit[h]);
        CHECK_MSG((run.suspects[h] & (1u << ADV)) && __builtin_popcount(run.suspects[h]) == 2, "party %d suspects 0x%x",
                  h, run.suspects[h]);
        CHECK(!tecdsa_keyshare_is_banned(ks[h], 3 - h) && !tecdsa_keyshare_is_banned(ks[h], ADV));
    }
    for (int i = 1; i <= TECDSA_N; i++) tecdsa_presig_free(ps[i]);
    printf("equivocated P1 nonce (3 -> 2): parties 1 and 2 suspect pairs 0x%x / 0x%x, name nobody alone\n",
           run.suspects[1], run.suspects[2]);
}

int main(void)
{
    tecdsa_keyshare *ks[TECDSA_N + 1];
    tecdsa_run run;
    uint8_t nonce[32] = "test_tecdsa_inflight ceremony";
    int rc = tecdsa_drive_dkg(ks, nonce, NULL, NULL, &run);
    CHECK_MSG(rc == TECDSA_OK, "dkg: %s", tecdsa_strerror(rc));
    if (rc != TECDSA_OK) return check_summary("test_tecdsa_inflight");
    signing_policy(ks);
    single_use_race(ks);
    hedged_nonces(ks);
    presign_blame(ks);
    inflight_ban(ks);
    threaded_ban(ks);
    for (int i = 1; i <= TECDSA_N; i++) tecdsa_keyshare_free(ks[i]);
    return check_summary("test_tecdsa_inflight");
}

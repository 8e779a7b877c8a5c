/* tmldsa_driver.c: runs every party of a threshold ML-DSA key generation or signing session in
 * this process (tests, benchmarks), with byte and CPU accounting, a tamper hook and per-party
 * verdicts. */
#include "threshold/testkit/tmldsa_driver.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static double thread_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int tmldsa_driver_accept_all(void *arg, unsigned party, const uint8_t *msg, size_t msglen, const uint8_t *ctx,
                             size_t ctxlen, char *reason, size_t reason_len)
{
    (void)arg, (void)party, (void)msg, (void)msglen, (void)ctx, (void)ctxlen, (void)reason, (void)reason_len;
    return 0;
}

/* Count, then let the hook tamper with, one produced message. For a broadcast, `own` receives a
 * copy of what the sender really sent (made only when there is a hook): the sender keeps seeing
 * that, the other parties get the possibly tampered bytes. */
static void deliver(tmldsa_run_stats *s, tmldsa_tamper_fn tamper, void *arg, int step, unsigned sender,
                    unsigned receiver, uint32_t attempt, tmldsa_msg *m, tmldsa_msg *own)
{
    s->bytes_sent[sender - 1] += m->len;
    if (!tamper) return;
    if (own && m->data) {
        own->data = malloc(m->len);
        if (!own->data) abort();
        memcpy(own->data, m->data, m->len);
        own->len = m->len;
    }
    tamper(arg, step, sender, receiver, attempt, m);
}

static void free_msgs(tmldsa_msg *m, size_t n)
{
    for (size_t i = 0; i < n; i++) tmldsa_msg_free(&m[i]);
}

/* The broadcasts bc[0..n-1] as the party at index `me` receives them (its own entry is what it sent). */
static const tmldsa_msg *view(tmldsa_msg *dst, const tmldsa_msg *bc, const tmldsa_msg *own, size_t n, size_t me)
{
    memcpy(dst, bc, n * sizeof *dst);
    if (own[me].data) dst[me] = own[me];
    return dst;
}

/* Keep the verdict of party p (1..5) after a failed call; the first failure is the result. */
static void record(tmldsa_run_stats *s, unsigned p, int r, const tmldsa_error *e, int *rc, tmldsa_error *err)
{
    s->verdict[p - 1] = *e;
    s->verdict[p - 1].code = r;
    if (*rc) return;
    *rc = r;
    if (err) *err = *e;
}

/* Every round runs for all parties, so that every party's verdict is recorded, and the protocol
 * stops after the first round in which one failed. */
int tmldsa_driver_dkg(const uint8_t sid[TMLDSA_SIDBYTES], tmldsa_share *shares[TMLDSA_PARTIES], tmldsa_tamper_fn tamper,
                      void *arg, tmldsa_run_stats *stats, tmldsa_error *err)
{
    enum {
        P = TMLDSA_PARTIES
    };
    tmldsa_run_stats local;
    tmldsa_run_stats *s = stats ? stats : &local;
    tmldsa_dkg *st[P] = {0};
    tmldsa_msg b1[P] = {{0}}, b2[P] = {{0}}, priv[P][P] = {{{0}}}, in_priv[P] = {{0}}, b3[P] = {{0}}, b4[P] = {{0}};
    tmldsa_msg o1[P] = {{0}}, o2[P] = {{0}}, o3[P] = {{0}}, o4[P] = {{0}}, v[P];
    tmldsa_error e = {0};
    int rc = TMLDSA_OK;
    memset(s, 0, sizeof *s);
    for (unsigned p = 0; p < P; p++) shares[p] = NULL;
    for (unsigned p = 0; p < P; p++) {
        int r = tmldsa_dkg_new(&st[p], p + 1, sid, &e);
        if (r) record(s, p + 1, r, &e, &rc, err);
    }
    for (unsigned round = 1; round <= 5 && !rc; round++) {
        for (unsigned p = 0; p < P; p++) {
            double t = thread_cpu();
            int r;
            switch (round) {
            case 1: r = tmldsa_dkg_round1(st[p], &b1[p], &e); break;
            case 2: r = tmldsa_dkg_round2(st[p], view(v, b1, o1, P, p), &b2[p], priv[p], &e); break;
            case 3:
                for (unsigned q = 0; q < P; q++) in_priv[q] = priv[q][p];
                r = tmldsa_dkg_round3(st[p], view(v, b2, o2, P, p), in_priv, &b3[p], &e);
                break;
            case 4: r = tmldsa_dkg_round4(st[p], view(v, b3, o3, P, p), &b4[p], &e); break;
            default: r = tmldsa_dkg_finish(st[p], view(v, b4, o4, P, p), &shares[p], &e); break;
            }
            s->cpu_s[p] += thread_cpu() - t;
            if (r) {
                record(s, p + 1, r, &e, &rc, err);
                continue;
            }
            if (round == 1) deliver(s, tamper, arg, TMLDSA_STEP_DKG1, p + 1, 0, 0, &b1[p], &o1[p]);
            if (round == 2) {
                deliver(s, tamper, arg, TMLDSA_STEP_DKG2, p + 1, 0, 0, &b2[p], &o2[p]);
                for (unsigned q = 0; q < P; q++)
                    if (q != p) deliver(s, tamper, arg, TMLDSA_STEP_DKG2_PRIV, p + 1, q + 1, 0, &priv[p][q], NULL);
            }
            if (round == 3) deliver(s, tamper, arg, TMLDSA_STEP_DKG3, p + 1, 0, 0, &b3[p], &o3[p]);
            if (round == 4) deliver(s, tamper, arg, TMLDSA_STEP_DKG4, p + 1, 0, 0, &b4[p], &o4[p]);
        }
    }
    s->rounds = 4;
    free_msgs(b1, P);
    free_msgs(b2, P);
    free_msgs(&priv[0][0], (size_t)P * P);
    free_msgs(b3, P);
    free_msgs(b4, P);
    free_msgs(o1, P);
    free_msgs(o2, P);
    free_msgs(o3, P);
    free_msgs(o4, P);
    for (unsigned p = 0; p < P; p++) tmldsa_dkg_free(st[p]);
    if (rc)
        for (unsigned p = 0; p < P; p++) {
            tmldsa_share_free(shares[p]);
            shares[p] = NULL;
        }
    return rc;
}

static void add_attempt_stats(tmldsa_run_stats *s, const unsigned ids[TMLDSA_THRESHOLD], const tmldsa_attempt_stats *a)
{
    s->slots += a->slots;
    for (unsigned j = 0; j < TMLDSA_THRESHOLD; j++) {
        s->accepted[ids[j] - 1] += a->accepted[j];
        s->slots_per_party[ids[j] - 1] += a->slots;
    }
    s->all_accepted += a->all_accepted;
    s->fail_z += a->fail_z;
    s->fail_f += a->fail_f;
    s->fail_hint += a->fail_hint;
    s->hint_slots += a->hint_slots;
    s->hint_weight_sum += a->hint_weight_sum;
}

static void add_prof(tmldsa_prof *d, const tmldsa_prof *a)
{
    d->rand_ns += a->rand_ns;
    d->gauss_ns += a->gauss_ns;
    d->ntt_ns += a->ntt_ns;
    d->hash_ns += a->hash_ns;
    d->reject_ns += a->reject_ns;
    d->pack_ns += a->pack_ns;
    d->combine_ns += a->combine_ns;
}

/* One attempt (rounds 1-3 for every signer, then combine by the first). */
static int sign_attempt(tmldsa_sign *st[TMLDSA_THRESHOLD], const unsigned ids[TMLDSA_THRESHOLD], uint8_t *sig,
                        tmldsa_tamper_fn tamper, void *arg, tmldsa_run_stats *s, tmldsa_error *err)
{
    enum {
        T = TMLDSA_THRESHOLD
    };
    tmldsa_msg m[3][T] = {{{0}}}, own[3][T] = {{{0}}}, v[T];
    static const int steps[3] = {TMLDSA_STEP_SIGN1, TMLDSA_STEP_SIGN2, TMLDSA_STEP_SIGN3};
    uint32_t attempt = tmldsa_sign_attempt(st[0]);
    tmldsa_error e = {0};
    int rc = TMLDSA_OK;
    s->attempts++;
    s->rounds += 3;
    for (unsigned round = 0; round < 3 && !rc; round++) {
        for (unsigned j = 0; j < T; j++) {
            double t = thread_cpu();
            int r = round == 0   ? tmldsa_sign_round1(st[j], &m[0][j], &e)
                    : round == 1 ? tmldsa_sign_round2(st[j], view(v, m[0], own[0], T, j), &m[1][j], &e)
                                 : tmldsa_sign_round3(st[j], view(v, m[1], own[1], T, j), &m[2][j], &e);
            s->cpu_s[ids[j] - 1] += thread_cpu() - t;
            if (r)
                record(s, ids[j], r, &e, &rc, err);
            else
                deliver(s, tamper, arg, steps[round], ids[j], 0, attempt, &m[round][j], &own[round][j]);
        }
    }
    if (!rc) {
        tmldsa_attempt_stats a;
        double t = thread_cpu();
        rc = tmldsa_sign_combine(st[0], view(v, m[2], own[2], T, 0), sig, &a, &e);
        s->combine_cpu_s += thread_cpu() - t;
        if (rc == TMLDSA_OK || rc == TMLDSA_E_RETRY) add_attempt_stats(s, ids, &a);
        if (rc != TMLDSA_OK && rc != TMLDSA_E_RETRY) {
            int r = rc;
            rc = TMLDSA_OK;
            record(s, ids[0], r, &e, &rc, err);
        }
    }
    for (unsigned round = 0; round < 3; round++) {
        free_msgs(m[round], T);
        free_msgs(own[round], T);
    }
    return rc;
}

int tmldsa_driver_sign(tmldsa_share *const shares[TMLDSA_PARTIES], unsigned signer_mask, unsigned K,
                       const uint8_t sid[TMLDSA_SIDBYTES], const uint8_t *msg, size_t msglen, const uint8_t *ctx,
                       size_t ctxlen, tmldsa_policy_fn policy, void *policy_arg, uint8_t sig[TMLDSA_SIGBYTES],
                       tmldsa_tamper_fn tamper, void *arg, tmldsa_run_stats *stats, tmldsa_error *err)
{
    enum {
        T = TMLDSA_THRESHOLD
    };
    tmldsa_run_stats local;
    tmldsa_run_stats *s = stats ? stats : &local;
    unsigned ids[T];
    tmldsa_sign *st[T] = {0};
    tmldsa_error e = {0};
    int rc = TMLDSA_OK;
    memset(s, 0, sizeof *s);
    if (sig) memset(sig, 0, TMLDSA_SIGBYTES);
    if (!shares || !sig || !tmldsa_signer_set(signer_mask, ids))
        return tmldsa_set_error(err, TMLDSA_E_ARG, 0, "driver_sign: bad arguments or signer set");
    for (unsigned j = 0; j < T; j++) {
        double t = thread_cpu();
        int r = tmldsa_sign_new(&st[j], shares[ids[j] - 1], sid, signer_mask, K, msg, msglen, ctx, ctxlen, policy,
                                policy_arg, &e);
        s->cpu_s[ids[j] - 1] += thread_cpu() - t;
        if (r) record(s, ids[j], r, &e, &rc, err);
    }
    while (!rc) {
        rc = sign_attempt(st, ids, sig, tamper, arg, s, err);
        if (rc != TMLDSA_E_RETRY) break;
        rc = TMLDSA_OK;
        for (unsigned j = 0; j < T && !rc; j++) {
            int r = tmldsa_sign_next_attempt(st[j], &e);
            if (r) record(s, ids[j], r, &e, &rc, err);
        }
    }
    for (unsigned j = 0; j < T; j++) {
        if (st[j]) add_prof(&s->prof, &st[j]->prof);
        tmldsa_sign_free(st[j]);
    }
    if (rc) memset(sig, 0, TMLDSA_SIGBYTES);
    return rc;
}

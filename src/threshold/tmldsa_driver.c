/* tmldsa_driver.c: runs every party of a threshold ML-DSA key generation or signing session in
 * this process (tests, benchmarks), with byte and CPU accounting and a tamper hook. */
#include "threshold/tmldsa_driver.h"

#include <string.h>
#include <time.h>

static double thread_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Count, then let the hook tamper with, one produced message. */
static void deliver(tmldsa_run_stats *s, tmldsa_tamper_fn tamper, void *arg, int step, unsigned sender,
                    unsigned receiver, uint32_t attempt, tmldsa_msg *m)
{
    s->bytes_sent[sender - 1] += m->len;
    if (tamper) tamper(arg, step, sender, receiver, attempt, m);
}

static void free_msgs(tmldsa_msg *m, size_t n)
{
    for (size_t i = 0; i < n; i++) tmldsa_msg_free(&m[i]);
}

int tmldsa_driver_dkg(const uint8_t sid[TMLDSA_SIDBYTES], tmldsa_share *shares[TMLDSA_PARTIES],
                      tmldsa_tamper_fn tamper, void *arg, tmldsa_run_stats *stats, tmldsa_error *err)
{
    enum { P = TMLDSA_PARTIES };
    tmldsa_run_stats local;
    tmldsa_run_stats *s = stats ? stats : &local;
    tmldsa_dkg *st[P] = {0};
    tmldsa_msg b1[P] = {{0}}, b2[P] = {{0}}, priv[P][P] = {{{0}}}, in_priv[P] = {{0}}, b3[P] = {{0}}, b4[P] = {{0}};
    int rc = TMLDSA_OK;
    memset(s, 0, sizeof *s);
    for (unsigned p = 0; p < P; p++) shares[p] = NULL;
    for (unsigned p = 0; p < P && !rc; p++) rc = tmldsa_dkg_new(&st[p], p + 1, sid, err);
    for (unsigned p = 0; p < P && !rc; p++) {
        double t = thread_cpu();
        rc = tmldsa_dkg_round1(st[p], &b1[p], err);
        s->cpu_s[p] += thread_cpu() - t;
        if (!rc) deliver(s, tamper, arg, TMLDSA_STEP_DKG1, p + 1, 0, 0, &b1[p]);
    }
    for (unsigned p = 0; p < P && !rc; p++) {
        double t = thread_cpu();
        rc = tmldsa_dkg_round2(st[p], b1, &b2[p], priv[p], err);
        s->cpu_s[p] += thread_cpu() - t;
        if (rc) break;
        deliver(s, tamper, arg, TMLDSA_STEP_DKG2, p + 1, 0, 0, &b2[p]);
        for (unsigned q = 0; q < P; q++)
            if (q != p) deliver(s, tamper, arg, TMLDSA_STEP_DKG2_PRIV, p + 1, q + 1, 0, &priv[p][q]);
    }
    for (unsigned p = 0; p < P && !rc; p++) {
        for (unsigned q = 0; q < P; q++) in_priv[q] = priv[q][p];
        double t = thread_cpu();
        rc = tmldsa_dkg_round3(st[p], b2, in_priv, &b3[p], err);
        s->cpu_s[p] += thread_cpu() - t;
        if (!rc) deliver(s, tamper, arg, TMLDSA_STEP_DKG3, p + 1, 0, 0, &b3[p]);
    }
    for (unsigned p = 0; p < P && !rc; p++) {
        double t = thread_cpu();
        rc = tmldsa_dkg_round4(st[p], b3, &b4[p], err);
        s->cpu_s[p] += thread_cpu() - t;
        if (!rc) deliver(s, tamper, arg, TMLDSA_STEP_DKG4, p + 1, 0, 0, &b4[p]);
    }
    for (unsigned p = 0; p < P && !rc; p++) {
        double t = thread_cpu();
        rc = tmldsa_dkg_finish(st[p], b4, &shares[p], err);
        s->cpu_s[p] += thread_cpu() - t;
    }
    s->rounds = 4;
    free_msgs(b1, P);
    free_msgs(b2, P);
    free_msgs(&priv[0][0], (size_t)P * P);
    free_msgs(b3, P);
    free_msgs(b4, P);
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

int tmldsa_driver_sign(tmldsa_share *const shares[TMLDSA_PARTIES], unsigned signer_mask, unsigned K,
                       const uint8_t sid[TMLDSA_SIDBYTES], const uint8_t *msg, size_t msglen, const uint8_t *ctx,
                       size_t ctxlen, uint8_t sig[TMLDSA_SIGBYTES], tmldsa_tamper_fn tamper, void *arg,
                       tmldsa_run_stats *stats, tmldsa_error *err)
{
    enum { T = TMLDSA_THRESHOLD };
    tmldsa_run_stats local;
    tmldsa_run_stats *s = stats ? stats : &local;
    unsigned ids[T];
    tmldsa_sign *st[T] = {0};
    int rc = TMLDSA_OK;
    memset(s, 0, sizeof *s);
    if (sig) memset(sig, 0, TMLDSA_SIGBYTES);
    if (!shares || !sig || !tmldsa_signer_set(signer_mask, ids))
        return tmldsa_set_error(err, TMLDSA_E_ARG, 0, "driver_sign: bad arguments or signer set");
    for (unsigned j = 0; j < T && !rc; j++) {
        double t = thread_cpu();
        rc = tmldsa_sign_new(&st[j], shares[ids[j] - 1], sid, signer_mask, K, msg, msglen, ctx, ctxlen, err);
        s->cpu_s[ids[j] - 1] += thread_cpu() - t;
    }
    while (!rc) {
        tmldsa_msg m1[T] = {{0}}, m2[T] = {{0}}, m3[T] = {{0}};
        uint32_t attempt = tmldsa_sign_attempt(st[0]);
        s->attempts++;
        s->rounds += 3;
        for (unsigned j = 0; j < T && !rc; j++) {
            double t = thread_cpu();
            rc = tmldsa_sign_round1(st[j], &m1[j], err);
            s->cpu_s[ids[j] - 1] += thread_cpu() - t;
            if (!rc) deliver(s, tamper, arg, TMLDSA_STEP_SIGN1, ids[j], 0, attempt, &m1[j]);
        }
        for (unsigned j = 0; j < T && !rc; j++) {
            double t = thread_cpu();
            rc = tmldsa_sign_round2(st[j], m1, &m2[j], err);
            s->cpu_s[ids[j] - 1] += thread_cpu() - t;
            if (!rc) deliver(s, tamper, arg, TMLDSA_STEP_SIGN2, ids[j], 0, attempt, &m2[j]);
        }
        for (unsigned j = 0; j < T && !rc; j++) {
            double t = thread_cpu();
            rc = tmldsa_sign_round3(st[j], m2, &m3[j], err);
            s->cpu_s[ids[j] - 1] += thread_cpu() - t;
            if (!rc) deliver(s, tamper, arg, TMLDSA_STEP_SIGN3, ids[j], 0, attempt, &m3[j]);
        }
        if (!rc) {
            tmldsa_attempt_stats a;
            double t = thread_cpu();
            rc = tmldsa_sign_combine(st[0], m3, sig, &a, err);
            s->combine_cpu_s += thread_cpu() - t;
            if (rc == TMLDSA_OK || rc == TMLDSA_E_RETRY) add_attempt_stats(s, ids, &a);
            if (rc == TMLDSA_E_RETRY) {
                rc = TMLDSA_OK;
                for (unsigned j = 0; j < T && !rc; j++) rc = tmldsa_sign_next_attempt(st[j], err);
                free_msgs(m1, T);
                free_msgs(m2, T);
                free_msgs(m3, T);
                continue;
            }
        }
        free_msgs(m1, T);
        free_msgs(m2, T);
        free_msgs(m3, T);
        break;
    }
    for (unsigned j = 0; j < T; j++) {
        if (st[j]) add_prof(&s->prof, &st[j]->prof);
        tmldsa_sign_free(st[j]);
    }
    if (rc) memset(sig, 0, TMLDSA_SIGBYTES);
    return rc;
}

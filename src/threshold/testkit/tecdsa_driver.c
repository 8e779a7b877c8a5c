/* tecdsa_driver.c: in-process message routing for all parties (see tecdsa_driver.h). */
#include "threshold/testkit/tecdsa_driver.h"

#include <string.h>
#include <time.h>

#include "threshold/ecdsa/tecdsa_wire.h"

typedef int (*step_fn)(void *party, const tecdsa_msg in[TECDSA_N + 1], tecdsa_msg out[TECDSA_N + 1]);

static double thread_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int dkg_step(void *p, const tecdsa_msg in[TECDSA_N + 1], tecdsa_msg out[TECDSA_N + 1])
{
    return tecdsa_dkg_step(p, in, out);
}

static int presign_step(void *p, const tecdsa_msg in[TECDSA_N + 1], tecdsa_msg out[TECDSA_N + 1])
{
    return tecdsa_presign_step(p, in, out);
}

/* Run `rounds` lockstep rounds for the parties listed in ids (party objects in obj[id]).
 * Returns TECDSA_OK if every party finished with TECDSA_DONE on the last round. */
static int run_rounds(void *obj[TECDSA_N + 1], const int *ids, int nids, int rounds, step_fn step,
                      tecdsa_tamper_fn tamper, void *arg, tecdsa_run *run)
{
    static tecdsa_msg inbox[TECDSA_N + 1][TECDSA_N + 1], outbox[TECDSA_N + 1][TECDSA_N + 1];
    int rc = TECDSA_OK;
    memset(inbox, 0, sizeof inbox);
    for (int r = 0; r < rounds && rc == TECDSA_OK; r++) {
        memset(outbox, 0, sizeof outbox);
        for (int k = 0; k < nids; k++) {
            int i = ids[k];
            double t0 = thread_cpu();
            int s = step(obj[i], inbox[i], outbox[i]);
            run->cpu_seconds[i] += thread_cpu() - t0;
            if (s < 0) {
                run->error[i] = s;
                if (rc == TECDSA_OK) rc = s;
            } else if (r == rounds - 1 && s != TECDSA_DONE) {
                run->error[i] = TECDSA_ERR_STATE;
                if (rc == TECDSA_OK) rc = TECDSA_ERR_STATE;
            }
        }
        for (int i = 0; i <= TECDSA_N; i++) tecdsa_msgs_free(inbox[i]);
        for (int i = 0; i <= TECDSA_N; i++)
            for (int j = 0; j <= TECDSA_N; j++) {
                tecdsa_msg *m = &outbox[i][j];
                if (!m->data) continue;
                run->bytes_sent[i] += m->len;
                if (tamper) tamper(arg, m->data[1], i, j, m);
                inbox[j][i] = *m;
                *m = (tecdsa_msg){NULL, 0};
            }
        if (rc == TECDSA_OK) run->rounds = r + 1;
    }
    for (int i = 0; i <= TECDSA_N; i++) tecdsa_msgs_free(inbox[i]);
    return rc;
}

int tecdsa_drive_dkg(tecdsa_keyshare *ks[TECDSA_N + 1], const uint8_t nonce[32], tecdsa_tamper_fn tamper, void *arg,
                     tecdsa_run *run)
{
    void *obj[TECDSA_N + 1] = {0};
    int ids[TECDSA_N], rc = TECDSA_ERR_INTERNAL;
    memset(run, 0, sizeof *run);
    for (int i = 1; i <= TECDSA_N; i++) {
        ids[i - 1] = i;
        ks[i] = NULL;
        if (!(obj[i] = tecdsa_dkg_new(i, nonce))) goto done;
    }
    rc = run_rounds(obj, ids, TECDSA_N, 8, dkg_step, tamper, arg, run);
    for (int i = 1; i <= TECDSA_N; i++) {
        run->culprit[i] = tecdsa_dkg_culprit(obj[i]);
        run->suspects[i] = tecdsa_dkg_suspects(obj[i]);
        if (rc == TECDSA_OK) ks[i] = tecdsa_dkg_take_keyshare(obj[i]);
    }
done:
    for (int i = 1; i <= TECDSA_N; i++) tecdsa_dkg_free(obj[i]);
    return rc;
}

int tecdsa_drive_presign(tecdsa_keyshare *ks[TECDSA_N + 1], const int signers[TECDSA_T],
                         const uint8_t batch_id[TECDSA_ID_BYTES], tecdsa_presig *out[TECDSA_N + 1],
                         tecdsa_tamper_fn tamper, void *arg, tecdsa_run *run)
{
    void *obj[TECDSA_N + 1] = {0};
    int rc = TECDSA_ERR_INTERNAL;
    memset(run, 0, sizeof *run);
    for (int k = 0; k < TECDSA_T; k++) {
        int i = signers[k];
        out[i] = NULL;
        if (!(obj[i] = tecdsa_presign_new(ks[i], signers, batch_id))) goto done;
    }
    rc = run_rounds(obj, signers, TECDSA_T, 4, presign_step, tamper, arg, run);
    for (int k = 0; k < TECDSA_T; k++) {
        int i = signers[k];
        run->culprit[i] = tecdsa_presign_culprit(obj[i]);
        run->suspects[i] = tecdsa_presign_suspects(obj[i]);
        if (rc == TECDSA_OK) out[i] = tecdsa_presign_take(obj[i]);
    }
done:
    for (int k = 0; k < TECDSA_T; k++) tecdsa_presign_free(obj[signers[k]]);
    return rc;
}

int tecdsa_policy_accept_any(void *arg, const uint8_t *tbs, size_t tbs_len)
{
    (void)arg;
    (void)tbs;
    (void)tbs_len;
    return 0;
}

int tecdsa_drive_sign(tecdsa_presig *ps[TECDSA_N + 1], const int signers[TECDSA_T],
                      const uint8_t key_id[TECDSA_ID_BYTES], const uint8_t pub[TECDSA_PUB_BYTES], const uint8_t *tbs,
                      size_t tbs_len, tecdsa_policy_fn policy, void *policy_arg, uint8_t *der, size_t *der_len,
                      tecdsa_tamper_fn tamper, void *arg, tecdsa_run *run)
{
    tecdsa_msg shares[TECDSA_T] = {{0}};
    uint8_t digest[TECDSA_DIGEST_BYTES];
    int coord = signers[0], rc;
    memset(run, 0, sizeof *run);
    *der_len = 0;
    if ((rc = tecdsa_tbs_digest(tbs, tbs_len, digest)) != TECDSA_OK) return rc;
    for (int k = 0; k < TECDSA_T; k++) {
        int i = signers[k];
        double t0 = thread_cpu();
        int s = tecdsa_sign_share(ps[i], tbs, tbs_len, policy, policy_arg, coord, &shares[k]);
        run->cpu_seconds[i] += thread_cpu() - t0;
        if (s != TECDSA_OK) {
            run->error[i] = s;
            if (rc == TECDSA_OK) rc = s;
            continue;
        }
        run->bytes_sent[i] += shares[k].len;
        if (i != coord) run->bytes_sent[coord] += TW_HDR_BYTES + tbs_len; /* the request */
        if (tamper) tamper(arg, TW_SIGN, i, coord, &shares[k]);
    }
    if (rc == TECDSA_OK) {
        double t0 = thread_cpu();
        rc = tecdsa_combine(key_id, pub, digest, coord, shares, der, der_len, &run->culprit[coord]);
        run->cpu_seconds[coord] += thread_cpu() - t0;
        if (rc != TECDSA_OK) run->error[coord] = rc;
    }
    for (int k = 0; k < TECDSA_T; k++) tecdsa_msg_free(&shares[k]);
    return rc;
}

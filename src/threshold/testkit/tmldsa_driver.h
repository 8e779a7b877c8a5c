/* tmldsa_driver.h: in-process driver of threshold ML-DSA for tests and benchmarks. Owned here:
 * running all parties of a key generation or of a signing session in one process, delivering
 * every message (broadcasts to all, private messages to their receiver), counting bytes sent and
 * CPU time per party, an optional tamper hook through which tests play a malicious party or
 * network (modify, replace or replay any message before delivery), and every party's verdict
 * when a session fails. */
#ifndef CCTSA_THRESHOLD_TMLDSA_DRIVER_H
#define CCTSA_THRESHOLD_TMLDSA_DRIVER_H

#include "threshold/mldsa/tmldsa.h"
#include "threshold/mldsa/tmldsa_internal.h"

enum {
    TMLDSA_STEP_DKG1 = 1,
    TMLDSA_STEP_DKG2,
    TMLDSA_STEP_DKG2_PRIV,
    TMLDSA_STEP_DKG3,
    TMLDSA_STEP_DKG4,
    TMLDSA_STEP_SIGN1,
    TMLDSA_STEP_SIGN2,
    TMLDSA_STEP_SIGN3,
};

/* Called once per produced message before delivery (receiver 0 = broadcast: the same, possibly
 * modified, bytes go to every other party; the sender keeps what it really sent, as a malicious
 * sender or network would leave it). The hook may change msg->data/len (allocate with malloc;
 * the driver frees it). */
typedef void (*tmldsa_tamper_fn)(void *arg, int step, unsigned sender, unsigned receiver, uint32_t attempt,
                                 tmldsa_msg *msg);

typedef struct {
    unsigned attempts;                   /* signing attempts run */
    unsigned rounds;                     /* message rounds run */
    uint64_t bytes_sent[TMLDSA_PARTIES]; /* per party: each broadcast counted once, plus private messages */
    double cpu_s[TMLDSA_PARTIES];        /* per party: thread CPU time inside its protocol calls */
    double combine_cpu_s;                /* combine (run by the first signer; public work) */
    tmldsa_prof prof;                    /* summed timing breakdown of all signers */
    /* acceptance statistics summed over attempts */
    uint64_t slots;                    /* K per attempt, summed */
    uint64_t accepted[TMLDSA_PARTIES]; /* slots accepted, per party */
    uint64_t slots_per_party[TMLDSA_PARTIES];
    uint64_t all_accepted, fail_z, fail_f, fail_hint, hint_slots, hint_weight_sum;
    /* per party: its error when one of its calls failed (code 0 otherwise). Each round is run for
     * every party before the driver stops, so every party's own verdict on a fault is here. */
    tmldsa_error verdict[TMLDSA_PARTIES];
} tmldsa_run_stats;

/* A policy that accepts every message (tests and benchmarks). */
int tmldsa_driver_accept_all(void *arg, unsigned party, const uint8_t *msg, size_t msglen, const uint8_t *ctx,
                             size_t ctxlen, char *reason, size_t reason_len);

/* Run a full key generation for the five parties; shares[p-1] receives party p's share. */
int tmldsa_driver_dkg(const uint8_t sid[TMLDSA_SIDBYTES], tmldsa_share *shares[TMLDSA_PARTIES], tmldsa_tamper_fn tamper,
                      void *arg, tmldsa_run_stats *stats, tmldsa_error *err);

/* Sign with the three parties of signer_mask (shares indexed by party), retrying until a
 * signature is produced (or an error / TMLDSA_MAX_ATTEMPTS). Every signer runs `policy` (it is
 * told its party id) on msg/ctx at session start. sig is all-zero unless TMLDSA_OK. */
int tmldsa_driver_sign(tmldsa_share *const shares[TMLDSA_PARTIES], unsigned signer_mask, unsigned K,
                       const uint8_t sid[TMLDSA_SIDBYTES], const uint8_t *msg, size_t msglen, const uint8_t *ctx,
                       size_t ctxlen, tmldsa_policy_fn policy, void *policy_arg, uint8_t sig[TMLDSA_SIGBYTES],
                       tmldsa_tamper_fn tamper, void *arg, tmldsa_run_stats *stats, tmldsa_error *err);

#endif

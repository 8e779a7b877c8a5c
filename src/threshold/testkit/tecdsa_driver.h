/* tecdsa_driver.h: in-process driver running every party of the threshold ECDSA protocol for
 * tests, benchmarks and the DKG self-test. Messages are routed between the parties' step
 * functions; an optional tamper hook sees (and may modify or replace) every message before
 * delivery, which is how malicious parties are simulated. Counts bytes sent and CPU time per
 * party. A run stops after the first round in which any party reports an error. Not thread-safe
 * (one run at a time per process). */
#ifndef CCTSA_THRESHOLD_TECDSA_DRIVER_H
#define CCTSA_THRESHOLD_TECDSA_DRIVER_H

#include "threshold/ecdsa/tecdsa.h"

/* type: the message's round code (tecdsa_wire.h TW_*); the hook may rewrite m in place or
 * replace m->data (free the old buffer with tecdsa_msg_free, allocate with malloc). */
typedef void (*tecdsa_tamper_fn)(void *arg, int type, int from, int to, tecdsa_msg *m);

typedef struct {
    size_t bytes_sent[TECDSA_N + 1];
    double cpu_seconds[TECDSA_N + 1];
    int error[TECDSA_N + 1];         /* per party: 0 or the error it reported */
    int culprit[TECDSA_N + 1];       /* per party: the culprit it named */
    unsigned suspects[TECDSA_N + 1]; /* per party: tecdsa_*_suspects (bit m: party m suspect) */
    int rounds;                      /* rounds completed */
} tecdsa_run;

/* Run the DKG for parties 1..5; ks[1..5] receive the key shares on success. Returns TECDSA_OK
 * or the error of the lowest-numbered failing party. */
int tecdsa_drive_dkg(tecdsa_keyshare *ks[TECDSA_N + 1], const uint8_t nonce[32], tecdsa_tamper_fn tamper, void *arg,
                     tecdsa_run *run);
/* Presign for `signers`; out[signer] receives each presignature (entries of non-signers are not
 * touched: initialise them). */
int tecdsa_drive_presign(tecdsa_keyshare *ks[TECDSA_N + 1], const int signers[TECDSA_T],
                         const uint8_t batch_id[TECDSA_ID_BYTES], tecdsa_presig *out[TECDSA_N + 1],
                         tecdsa_tamper_fn tamper, void *arg, tecdsa_run *run);
/* Online round: every signer checks tbs with `policy` and sends its share to signers[0], who
 * combines over SHA-384(tbs). */
int tecdsa_drive_sign(tecdsa_presig *ps[TECDSA_N + 1], const int signers[TECDSA_T],
                      const uint8_t key_id[TECDSA_ID_BYTES], const uint8_t pub[TECDSA_PUB_BYTES], const uint8_t *tbs,
                      size_t tbs_len, tecdsa_policy_fn policy, void *policy_arg, uint8_t *der, size_t *der_len,
                      tecdsa_tamper_fn tamper, void *arg, tecdsa_run *run);
/* A policy that accepts any content: for tests and benchmarks only, never for a node. */
int tecdsa_policy_accept_any(void *arg, const uint8_t *tbs, size_t tbs_len);

#endif

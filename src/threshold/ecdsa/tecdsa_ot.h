/* tecdsa_ot.h: the pairwise two-party multiplication under DKLs23 signing.
 *  - Base OT: a batch of TOT_KAPPA endemic OTs (Masny-Rindal, eprint 2019/706), run once per
 *    ordered pair in the DKG. The future VOLE sender ("Alice") is the base-OT receiver with
 *    choice bits Delta; the future VOLE receiver ("Bob") is the base-OT sender.
 *  - OT extension: IKNP-style random OT over the stored seeds with a SoftSpokenOT (k = 1) style
 *    consistency check: a random GF(2)-linear 128-bit universal hash of every column, challenge
 *    derived by Fiat-Shamir from Bob's correction matrix (hashed as four leaves, th_bytes_long);
 *    TOT_XI_PAD - TOT_XI padding choice bits hide Bob's real choices from the hash. The hashes of
 *    all columns are computed at once, row by row (tecdsa_bitmat.h).
 *  - Random VOLE (DKLs23 protocol 5.2 style): Bob ends with a random chi, Alice with c[2] and Bob
 *    with d[2] such that c[m] + d[m] = chi * a[m], plus Alice's eta / theta / mu check.
 * Every choice-bit dependent step is branch-free. ctx arguments are 48-byte hashes that bind the
 * key, session and ordered pair; callers must never reuse one. */
#ifndef CCTSA_THRESHOLD_TECDSA_OT_H
#define CCTSA_THRESHOLD_TECDSA_OT_H

#include <stdint.h>

#include "threshold/ecdsa/tecdsa_ec.h"
#include "threshold/ecdsa/tecdsa_scalar.h"

#define TOT_KAPPA 256 /* base OTs = width of Delta in bits */
#define TOT_SEED_BYTES 32
#define TOT_XI 640                     /* VOLE OTs: |n| + 2 * 128 */
#define TOT_XI_PAD 896                 /* plus 256 padding columns for the check */
#define TOT_COL_BYTES (TOT_XI_PAD / 8) /* one column of the extension matrix */
#define TOT_ROW_BYTES (TOT_KAPPA / 8)
#define TOT_CHK_BYTES 16 /* 128-bit universal hash */
#define TOT_CTX_BYTES 48
#define TOT_COINS_BYTES 32 /* the caller's (hedged) coins for one VOLE side */

#define TOT_BASE_MSG1_BYTES (TOT_KAPPA * 2 * TPT_BYTES)
#define TOT_BASE_MSG2_BYTES TPT_BYTES
#define TOT_BOB_MSG_BYTES (TOT_KAPPA * TOT_COL_BYTES + TOT_CHK_BYTES + TOT_KAPPA * TOT_CHK_BYTES)
#define TOT_ALICE_MSG_BYTES (TOT_XI * 3 * TSC_BYTES + 2 * TSC_BYTES)

/* ---- Base OT ---- */
typedef struct {
    tsc sk[TOT_KAPPA];
    uint8_t choice[TOT_ROW_BYTES];
} tot_base_recv;

/* Receiver: samples its choice bits (the future Delta) and writes message 1. */
int tot_base_recv_msg1(tot_base_recv *st, const uint8_t ctx[TOT_CTX_BYTES], uint8_t out[TOT_BASE_MSG1_BYTES]);
/* Sender: checks message 1 (TECDSA_ERR_POINT on a bad point), writes message 2 and both seeds. */
int tot_base_send(const uint8_t ctx[TOT_CTX_BYTES], const uint8_t msg1[TOT_BASE_MSG1_BYTES],
                  uint8_t out[TOT_BASE_MSG2_BYTES], uint8_t seeds[TOT_KAPPA][2][TOT_SEED_BYTES]);
/* Receiver: derives its chosen seeds; wipes st. */
int tot_base_recv_finish(tot_base_recv *st, const uint8_t ctx[TOT_CTX_BYTES], const uint8_t msg2[TOT_BASE_MSG2_BYTES],
                         uint8_t delta[TOT_ROW_BYTES], uint8_t seeds[TOT_KAPPA][TOT_SEED_BYTES]);

/* ---- Long-term correlations of one ordered pair ---- */
typedef struct {
    uint8_t delta[TOT_ROW_BYTES];
    uint8_t seed[TOT_KAPPA][TOT_SEED_BYTES];
} tot_alice_setup;

typedef struct {
    uint8_t seed[TOT_KAPPA][2][TOT_SEED_BYTES];
} tot_bob_setup;

/* ---- VOLE over OT extension ---- */
typedef struct {
    uint8_t beta[TOT_COL_BYTES];
    uint8_t rows[TOT_XI][TOT_ROW_BYTES];
    tsc chi;
} tot_bob_state;

/* Working memory of one OT extension + VOLE step (about 100 KB; holds secrets while in use and is
 * wiped after every step). A session running several steps passes the same one, allocated once
 * (no allocation and page-fault churn per step); NULL makes the step allocate its own. */
typedef struct {
    uint64_t chal[TOT_XI_PAD][2];              /* the challenge (public) */
    uint64_t cols[TOT_KAPPA][TOT_XI_PAD / 64]; /* T0 (Bob) or Q (Alice) by columns */
    uint64_t rows[TOT_XI_PAD][TOT_KAPPA / 64]; /* the same by rows */
    uint64_t hash[TOT_KAPPA][2];               /* the column hashes */
    uint8_t alice_rows[TOT_XI][TOT_ROW_BYTES]; /* Alice's q_k for the VOLE */
} tot_scratch;

/* Bob, round 1: choice bits expanded from `coins` and ctx (secret coins, fresh per call: the
 * presign derives them with tk_hedge), correction matrix and check values; st->chi is his input. */
int tot_bob_round1(tot_bob_state *st, const tot_bob_setup *setup, const uint8_t ctx[TOT_CTX_BYTES],
                   const uint8_t coins[TOT_COINS_BYTES], uint8_t out[TOT_BOB_MSG_BYTES], tot_scratch *scr);
/* Alice: checks Bob's message (TECDSA_ERR_OT), then writes her VOLE message for inputs a[2];
 * c[2] are her output shares. */
int tot_alice_round2(const tot_alice_setup *setup, const uint8_t ctx[TOT_CTX_BYTES],
                     const uint8_t in[TOT_BOB_MSG_BYTES], const tsc a[2], const uint8_t coins[TOT_COINS_BYTES],
                     uint8_t out[TOT_ALICE_MSG_BYTES], tsc c[2], tot_scratch *scr);
/* Bob, finish: d[2] with c + d = chi * a, or TECDSA_ERR_SCALAR / TECDSA_ERR_VOLE. Wipes st except
 * st->chi, which the caller still needs for the Gamma checks and then wipes. */
int tot_bob_finish(tot_bob_state *st, const uint8_t ctx[TOT_CTX_BYTES], const uint8_t in[TOT_ALICE_MSG_BYTES],
                   tsc d[2]);
void tot_bob_state_wipe(tot_bob_state *st);

/* ---- Internal to the OT module (tecdsa_ote.c <-> tecdsa_vole.c) ---- */
/* Bob's extension message (U, x~, t~); fills st->beta and st->rows. w: non-NULL scratch. */
int tot_ote_bob(tot_bob_state *st, const tot_bob_setup *setup, const uint8_t ctx[TOT_CTX_BYTES],
                const uint8_t coins[TOT_COINS_BYTES], uint8_t out[TOT_BOB_MSG_BYTES], tot_scratch *w);
/* Alice: check Bob's message and leave the rows q_k (k < TOT_XI), q_k = t_k ^ beta_k * Delta, in
 * w->alice_rows. */
int tot_ote_alice(const tot_alice_setup *setup, const uint8_t ctx[TOT_CTX_BYTES], const uint8_t in[TOT_BOB_MSG_BYTES],
                  tot_scratch *w);
/* The correlation-robust hash of row k into three pads mod n. */
void tot_pad(const uint8_t ctx[TOT_CTX_BYTES], uint32_t k, const uint8_t row[TOT_ROW_BYTES], tsc out[3]);
/* The PRG of the extension: column col of the matrix from a base-OT seed, TOT_COL_BYTES =
 * SHAKE256 of the "ote/prg" transcript (seed, ctx, col); four at once (4-way SHAKE256). */
void tot_prg_column4(uint8_t *const out[4], const uint8_t *const seed[4], const uint8_t ctx[TOT_CTX_BYTES],
                     const uint32_t col[4]);
/* Four tot_pad at once (4-way SHAKE256), bit-identical: out[i] = tot_pad(ctx, k[i], rows[i]). */
void tot_pad4(const uint8_t ctx[TOT_CTX_BYTES], const uint32_t k[4], const uint8_t *const rows[4], tsc out[4][3]);

#endif

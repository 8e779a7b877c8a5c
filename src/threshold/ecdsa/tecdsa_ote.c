/* tecdsa_ote.c: IKNP-style OT extension with a 128-bit universal-hash consistency check of
 * every column (SoftSpokenOT k = 1 style; see tecdsa_ot.h). Bob's column c is
 * U_c = PRG(s0_c) ^ PRG(s1_c) ^ beta; Alice rebuilds Q_c = PRG(s_{Delta_c}) ^ Delta_c * U_c =
 * T0_c ^ Delta_c * beta and checks h(Q_c) = t~_c ^ Delta_c * x~ for h(x) = XOR of chal_k over the
 * set bits x_k, chal derived from (ctx, U). All Delta and beta dependent work is masked. */
#include <string.h>

#include "crypto/ct.h"
#include "crypto/ct_check.h"
#include "crypto/fips202x4.h"
#include "threshold/ecdsa/tecdsa.h"
#include "threshold/ecdsa/tecdsa_bitmat.h"
#include "threshold/ecdsa/tecdsa_hash.h"
#include "threshold/ecdsa/tecdsa_ot.h"

#define U_BYTES ((size_t)TOT_KAPPA * TOT_COL_BYTES)
_Static_assert(TOT_KAPPA % 4 == 0, "the PRG columns are made four at a time (and U hashed in quarters)");

/* Four transcript hashes at once (4-way SHAKE256), each bit-identical to th_init(label),
 * th_bytes(a[i], alen), th_bytes(ctx), th_u32(n[i]), th_bytes(c[i], clen), th_out(out[i], outlen). */
static void th4(uint8_t *const out[4], size_t outlen, const char *label, const uint8_t *const a[4], size_t alen,
                const uint8_t ctx[TOT_CTX_BYTES], const uint32_t n[4], const uint8_t *const c[4], size_t clen)
{
    uint8_t in[4][TH_PREFIX_MAX + TOT_SEED_BYTES + TOT_CTX_BYTES + 4 + TOT_ROW_BYTES];
    const uint8_t *ins[4] = {in[0], in[1], in[2], in[3]};
    size_t pre = th_prefix(in[0], label), len = pre + alen + TOT_CTX_BYTES + 4 + clen;
    for (int i = 0; i < 4; i++) {
        uint8_t *p = in[i];
        if (i > 0) memcpy(p, in[0], pre);
        p += pre;
        if (alen) memcpy(p, a[i], alen);
        p += alen;
        memcpy(p, ctx, TOT_CTX_BYTES);
        p += TOT_CTX_BYTES;
        p[0] = (uint8_t)(n[i] >> 24);
        p[1] = (uint8_t)(n[i] >> 16);
        p[2] = (uint8_t)(n[i] >> 8);
        p[3] = (uint8_t)n[i];
        if (clen) memcpy(p + 4, c[i], clen);
    }
    cc_shake256x4(out, outlen, ins, len);
    cc_memzero(in, sizeof in);
}

void tot_prg_column4(uint8_t *const out[4], const uint8_t *const seed[4], const uint8_t ctx[TOT_CTX_BYTES],
                     const uint32_t col[4])
{
    th4(out, TOT_COL_BYTES, "ote/prg", seed, TOT_SEED_BYTES, ctx, col, NULL, 0);
}

#define COL_WORDS (TOT_XI_PAD / 64) /* one column as words */
#define ROW_WORDS (TOT_KAPPA / 64)  /* one row as words */
_Static_assert(TOT_XI_PAD % 64 == 0 && TOT_KAPPA == TBM_HASH_COLS, "the bit-matrix kernels' shapes");

typedef tot_scratch ote_work;

static uint8_t *col_bytes(ote_work *w, size_t c) { return (uint8_t *)w->cols[c]; }

/* Little-endian bytes (as the PRG wrote them) to words, in place: a no-op on little-endian hosts. */
static void words_from_le(uint64_t *w, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const uint8_t *b = (const uint8_t *)&w[i];
        uint64_t v = 0;
        for (int k = 7; k >= 0; k--) v = (v << 8) | b[k];
        w[i] = v;
    }
}

/* Challenge: one 128-bit value per extension row (each half the native-endian load of its 8
 * output bytes), from the context and Bob's matrix U. Public, as U is. */
static void challenges(uint64_t chal[TOT_XI_PAD][2], const uint8_t ctx[TOT_CTX_BYTES], const uint8_t *u)
{
    th_ctx h;
    th_init(&h, "ote/challenge");
    th_bytes(&h, ctx, TOT_CTX_BYTES);
    th_bytes_long(&h, u, U_BYTES);
    th_out(&h, (uint8_t *)chal, sizeof(uint64_t[TOT_XI_PAD][2]));
    CT_PUBLIC(chal, sizeof(uint64_t[TOT_XI_PAD][2])); /* a function of the sent U */
}

/* h(col) = XOR of chal[k] over the set bits of col; branch-free in the bits (one column: Bob's x~;
 * the matrix columns go through tbm_uhash_cols, which gives the same values). */
static void uhash(uint64_t out[2], const uint8_t col[TOT_COL_BYTES], const uint64_t (*chal)[2])
{
    uint64_t a0 = 0, a1 = 0;
    for (size_t k = 0; k < TOT_XI_PAD; k++) {
        uint64_t mask = 0 - (uint64_t)((col[k / 8] >> (k % 8)) & 1);
        a0 ^= chal[k][0] & mask;
        a1 ^= chal[k][1] & mask;
    }
    out[0] = a0;
    out[1] = a1;
}

static void put_chk(uint8_t *p, const uint64_t v[2])
{
    memcpy(p, &v[0], 8);
    memcpy(p + 8, &v[1], 8);
}

/* The columns (as bytes) to words, then to rows, and the hash of every column. */
static void rows_and_hashes(ote_work *w)
{
    words_from_le(&w->cols[0][0], (size_t)TOT_KAPPA * COL_WORDS);
    tbm_transpose(&w->rows[0][0], &w->cols[0][0], TOT_KAPPA, TOT_XI_PAD);
    tbm_uhash_cols(w->hash, &w->rows[0][0], w->chal, TOT_XI_PAD);
}

/* rows[k] bit c = column c bit k, for k < TOT_XI, as bytes (bit c % 8 of byte c / 8). */
static void rows_out(uint8_t rows[TOT_XI][TOT_ROW_BYTES], const ote_work *w)
{
    for (size_t k = 0; k < TOT_XI; k++)
        for (size_t i = 0; i < TOT_ROW_BYTES; i++) rows[k][i] = (uint8_t)(w->rows[k][i / 8] >> (8 * (i % 8)));
}

int tot_ote_bob(tot_bob_state *st, const tot_bob_setup *setup, const uint8_t ctx[TOT_CTX_BYTES],
                const uint8_t coins[TOT_COINS_BYTES], uint8_t out[TOT_BOB_MSG_BYTES], ote_work *w)
{
    uint8_t t1[2][TOT_COL_BYTES];
    uint64_t v[2];
    th_ctx h;
    th_init(&h, "ote/beta");
    th_bytes(&h, coins, TOT_COINS_BYTES);
    th_bytes(&h, ctx, TOT_CTX_BYTES);
    th_out(&h, st->beta, sizeof st->beta);
    for (uint32_t c = 0; c < TOT_KAPPA; c += 2) { /* columns c and c + 1, both seeds of each: 4-way */
        uint8_t *const outs[4] = {col_bytes(w, c), t1[0], col_bytes(w, c + 1), t1[1]};
        const uint8_t *const seeds[4] = {setup->seed[c][0], setup->seed[c][1], setup->seed[c + 1][0],
                                         setup->seed[c + 1][1]};
        const uint32_t cols[4] = {c, c, c + 1, c + 1};
        tot_prg_column4(outs, seeds, ctx, cols);
        for (uint32_t r = 0; r < 2; r++) {
            const uint8_t *col0 = outs[2 * r];
            uint8_t *u = out + (size_t)(c + r) * TOT_COL_BYTES;
            for (size_t i = 0; i < TOT_COL_BYTES; i++) u[i] = (uint8_t)(col0[i] ^ t1[r][i] ^ st->beta[i]);
        }
    }
    challenges(w->chal, ctx, out);
    uhash(v, st->beta, w->chal);
    put_chk(out + U_BYTES, v);
    rows_and_hashes(w);
    for (size_t c = 0; c < TOT_KAPPA; c++) put_chk(out + U_BYTES + TOT_CHK_BYTES + c * TOT_CHK_BYTES, w->hash[c]);
    rows_out(st->rows, w);
    cc_memzero(t1, sizeof t1);
    return TECDSA_OK;
}

int tot_ote_alice(const tot_alice_setup *setup, const uint8_t ctx[TOT_CTX_BYTES], const uint8_t in[TOT_BOB_MSG_BYTES],
                  ote_work *w)
{
    uint64_t xt[2], diff = 0;
    challenges(w->chal, ctx, in);
    memcpy(&xt[0], in + U_BYTES, 8);
    memcpy(&xt[1], in + U_BYTES + 8, 8);
    for (uint32_t c = 0; c < TOT_KAPPA; c += 4) { /* the PRG columns four at a time */
        uint8_t *const outs[4] = {col_bytes(w, c), col_bytes(w, c + 1), col_bytes(w, c + 2), col_bytes(w, c + 3)};
        const uint8_t *const seeds[4] = {setup->seed[c], setup->seed[c + 1], setup->seed[c + 2], setup->seed[c + 3]};
        const uint32_t cols[4] = {c, c + 1, c + 2, c + 3};
        tot_prg_column4(outs, seeds, ctx, cols);
    }
    for (size_t c = 0; c < TOT_KAPPA; c++) { /* Q_c = T0_c ^ Delta_c * U_c */
        uint8_t *col = col_bytes(w, c);
        const uint8_t *u = in + c * TOT_COL_BYTES;
        uint8_t m8 = (uint8_t)(0 - ((setup->delta[c / 8] >> (c % 8)) & 1));
        for (size_t i = 0; i < TOT_COL_BYTES; i++) col[i] ^= (uint8_t)(u[i] & m8);
    }
    rows_and_hashes(w);
    for (size_t c = 0; c < TOT_KAPPA; c++) {
        const uint8_t *tt = in + U_BYTES + TOT_CHK_BYTES + c * TOT_CHK_BYTES;
        uint64_t m64 = 0 - (uint64_t)((setup->delta[c / 8] >> (c % 8)) & 1), t[2];
        memcpy(&t[0], tt, 8);
        memcpy(&t[1], tt + 8, 8);
        diff |= (w->hash[c][0] ^ t[0] ^ (xt[0] & m64)) | (w->hash[c][1] ^ t[1] ^ (xt[1] & m64));
    }
    CT_PUBLIC(&diff, sizeof diff); /* the outcome is public: the caller bans the peer */
    if (diff != 0) return TECDSA_ERR_OT;
    rows_out(w->alice_rows, w);
    return TECDSA_OK;
}

void tot_pad(const uint8_t ctx[TOT_CTX_BYTES], uint32_t k, const uint8_t row[TOT_ROW_BYTES], tsc out[3])
{
    uint8_t buf[3 * 64];
    th_ctx h;
    th_init(&h, "ote/pad");
    th_bytes(&h, ctx, TOT_CTX_BYTES);
    th_u32(&h, k);
    th_bytes(&h, row, TOT_ROW_BYTES);
    th_out(&h, buf, sizeof buf);
    for (int m = 0; m < 3; m++) tsc_from_wide(&out[m], buf + 64 * m, 64);
    cc_memzero(buf, sizeof buf);
}

void tot_pad4(const uint8_t ctx[TOT_CTX_BYTES], const uint32_t k[4], const uint8_t *const rows[4], tsc out[4][3])
{
    uint8_t buf[4][3 * 64];
    uint8_t *outs[4] = {buf[0], buf[1], buf[2], buf[3]};
    th4(outs, sizeof buf[0], "ote/pad", NULL, 0, ctx, k, rows, TOT_ROW_BYTES);
    for (int i = 0; i < 4; i++)
        for (int m = 0; m < 3; m++) tsc_from_wide(&out[i][m], buf[i] + 64 * m, 64);
    cc_memzero(buf, sizeof buf);
}

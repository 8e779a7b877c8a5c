/* tecdsa_vole.c: DKLs23-style random VOLE on top of the OT extension (see tecdsa_ot.h).
 * Alice's pads (v0_k, v1_k) in Z_n^3; she sends a~_k = v0_k - v1_k + (a0, a1, eta); Bob, with
 * choice bit beta_k and pad v_k = v_{beta_k}, forms v_k + beta_k * a~_k = v0_k + beta_k * a.
 * With the public gadget g: c = -sum g_k v0_k, d = sum g_k (v_k + beta_k a~_k), chi = sum g_k
 * beta_k, so c + d = chi * a. Check: theta = H(a~), eta' = eta + theta . a, mu = H(c_eta + theta . c);
 * Bob recomputes chi * eta' - (d_eta + theta . d) and compares with mu. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/ct.h"
#include "crypto/ct_check.h"
#include "threshold/ecdsa/tecdsa.h"
#include "threshold/ecdsa/tecdsa_hash.h"
#include "threshold/ecdsa/tecdsa_ot.h"

#define ATILDE_BYTES ((size_t)TOT_XI * 3 * TSC_BYTES)

static tsc g_gadget[TOT_XI], g_gadget_mont[TOT_XI]; /* g_k, and g_k in Montgomery form (tsc_mul_mont) */
static pthread_once_t g_gadget_once = PTHREAD_ONCE_INIT;

static void gadget_init(void)
{
    for (uint32_t k = 0; k < TOT_XI; k++) {
        th_ctx h;
        th_init(&h, "vole/gadget");
        th_u32(&h, k);
        th_out_scalar(&h, &g_gadget[k]);
        tsc_to_mont(&g_gadget_mont[k], &g_gadget[k]);
    }
}

_Static_assert(TOT_XI % 4 == 0, "the pad loops take four rows (Bob) or two (Alice) at a time");

static const tsc *gadget(void)
{
    pthread_once(&g_gadget_once, gadget_init);
    return g_gadget;
}

static const tsc *gadget_mont(void)
{
    pthread_once(&g_gadget_once, gadget_init);
    return g_gadget_mont;
}

static void theta_of(const uint8_t ctx[TOT_CTX_BYTES], const uint8_t *atilde, tsc theta[2])
{
    uint8_t buf[128];
    th_ctx h;
    th_init(&h, "vole/theta");
    th_bytes(&h, ctx, TOT_CTX_BYTES);
    th_bytes_long(&h, atilde, ATILDE_BYTES); /* a multiple of 4 bytes */
    th_out(&h, buf, sizeof buf);
    tsc_from_wide(&theta[0], buf, 64);
    tsc_from_wide(&theta[1], buf + 64, 64);
}

static void mu_of(const uint8_t ctx[TOT_CTX_BYTES], const tsc *ct, uint8_t mu[TSC_BYTES])
{
    th_ctx h;
    th_init(&h, "vole/mu");
    th_bytes(&h, ctx, TOT_CTX_BYTES);
    th_scalar(&h, ct);
    th_out(&h, mu, TSC_BYTES);
}

/* out = x[2] + theta0 * x[0] + theta1 * x[1] */
static void combine_theta(tsc *out, const tsc x[3], const tsc theta[2])
{
    tsc t;
    tsc_mul(&t, &theta[0], &x[0]);
    tsc_add(out, &x[2], &t);
    tsc_mul(&t, &theta[1], &x[1]);
    tsc_add(out, out, &t);
    tsc_wipe(&t);
}

void tot_bob_state_wipe(tot_bob_state *st) { cc_memzero(st, sizeof *st); }

/* The caller's scratch, or a fresh one that *own then holds (NULL if out of memory). */
static tot_scratch *scratch_get(tot_scratch *scr, tot_scratch **own)
{
    *own = scr ? NULL : malloc(sizeof **own);
    return scr ? scr : *own;
}

/* Wipe the scratch after a step; free it if the step allocated it. */
static void scratch_put(tot_scratch *w, tot_scratch *own)
{
    if (w) cc_memzero(w, sizeof *w);
    free(own);
}

int tot_bob_round1(tot_bob_state *st, const tot_bob_setup *setup, const uint8_t ctx[TOT_CTX_BYTES],
                   const uint8_t coins[TOT_COINS_BYTES], uint8_t out[TOT_BOB_MSG_BYTES], tot_scratch *scr)
{
    const tsc *g = gadget();
    tot_scratch *own, *w = scratch_get(scr, &own);
    int rc = w ? tot_ote_bob(st, setup, ctx, coins, out, w) : TECDSA_ERR_INTERNAL;
    scratch_put(w, own);
    if (rc != TECDSA_OK) {
        tot_bob_state_wipe(st);
        return rc;
    }
    tsc_zero(&st->chi);
    for (size_t k = 0; k < TOT_XI; k++) tsc_add_masked(&st->chi, &g[k], (st->beta[k / 8] >> (k % 8)) & 1);
    return TECDSA_OK;
}

int tot_alice_round2(const tot_alice_setup *setup, const uint8_t ctx[TOT_CTX_BYTES],
                     const uint8_t in[TOT_BOB_MSG_BYTES], const tsc a[2], const uint8_t coins[TOT_COINS_BYTES],
                     uint8_t out[TOT_ALICE_MSG_BYTES], tsc c[2], tot_scratch *scr)
{
    const tsc *gm = gadget_mont();
    tot_scratch *own, *w = scratch_get(scr, &own);
    uint8_t row1[2][TOT_ROW_BYTES], mu[TSC_BYTES];
    tsc in3[3], c3[3], v0[3], v1[3], t, theta[2], ct;
    tsc_acc sum[3]; /* sum_k g_k v0_k, reduced once */
    int rc = TECDSA_ERR_INTERNAL;
    if (!w) goto done;
    rc = tot_ote_alice(setup, ctx, in, w);
    if (rc != TECDSA_OK) goto done;
    uint8_t(*rows)[TOT_ROW_BYTES] = w->alice_rows;
    in3[0] = a[0];
    in3[1] = a[1];
    th_ctx h; /* eta: the check mask, from the caller's coins */
    th_init(&h, "vole/eta");
    th_bytes(&h, coins, TOT_COINS_BYTES);
    th_bytes(&h, ctx, TOT_CTX_BYTES);
    th_out_scalar(&h, &in3[2]);
    for (int m = 0; m < 3; m++) tsc_acc_zero(&sum[m]);
    for (uint32_t k0 = 0; k0 < TOT_XI; k0 += 2) { /* rows k0 and k0 + 1, both pads of each: 4-way */
        tsc pads[4][3];
        const uint32_t ks[4] = {k0, k0, k0 + 1, k0 + 1};
        const uint8_t *const in4[4] = {rows[k0], row1[0], rows[k0 + 1], row1[1]};
        for (int r = 0; r < 2; r++)
            for (int i = 0; i < TOT_ROW_BYTES; i++) row1[r][i] = rows[k0 + r][i] ^ setup->delta[i];
        tot_pad4(ctx, ks, in4, pads);
        for (uint32_t r = 0; r < 2; r++) {
            uint32_t k = k0 + r;
            for (int m = 0; m < 3; m++) {
                v0[m] = pads[2 * r][m];
                v1[m] = pads[2 * r + 1][m];
            }
            for (int m = 0; m < 3; m++) {
                tsc_sub(&t, &v0[m], &v1[m]);
                tsc_add(&t, &t, &in3[m]);
                tsc_to_bytes(out + ((size_t)k * 3 + (size_t)m) * TSC_BYTES, &t);
                tsc_acc_mul_add(&sum[m], &gm[k], &v0[m]);
            }
        }
        cc_memzero(pads, sizeof pads);
    }
    for (int m = 0; m < 3; m++) { /* c = -sum g_k v0_k */
        tsc_acc_out(&t, &sum[m]);
        tsc_neg(&c3[m], &t);
    }
    theta_of(ctx, out, theta);
    /* eta' = eta + theta . a, written after a~ */
    tsc eta_p[3] = {a[0], a[1], in3[2]};
    combine_theta(&t, eta_p, theta);
    tsc_to_bytes(out + ATILDE_BYTES, &t);
    combine_theta(&ct, c3, theta);
    mu_of(ctx, &ct, mu);
    memcpy(out + ATILDE_BYTES + TSC_BYTES, mu, TSC_BYTES);
    c[0] = c3[0];
    c[1] = c3[1];
    rc = TECDSA_OK;
    cc_memzero(eta_p, sizeof eta_p);
done:
    scratch_put(w, own);
    cc_memzero(row1, sizeof row1);
    cc_memzero(in3, sizeof in3);
    cc_memzero(c3, sizeof c3);
    cc_memzero(sum, sizeof sum);
    cc_memzero(v0, sizeof v0);
    cc_memzero(v1, sizeof v1);
    tsc_wipe(&t);
    tsc_wipe(&ct);
    return rc;
}

int tot_bob_finish(tot_bob_state *st, const uint8_t ctx[TOT_CTX_BYTES], const uint8_t in[TOT_ALICE_MSG_BYTES], tsc d[2])
{
    const tsc *gm = gadget_mont();
    uint8_t mu[TSC_BYTES];
    tsc d3[3], v[3], at, t, theta[2], eta_p, ct;
    tsc_acc sum[3]; /* d = sum_k g_k (v_k + beta_k a~_k), reduced once */
    int rc = TECDSA_ERR_SCALAR;
    if (tsc_from_bytes(&eta_p, in + ATILDE_BYTES) != 0) goto done;
    for (int m = 0; m < 3; m++) tsc_acc_zero(&sum[m]);
    for (uint32_t k0 = 0; k0 < TOT_XI; k0 += 4) { /* four rows at a time: 4-way pads */
        tsc pads[4][3];
        const uint32_t ks[4] = {k0, k0 + 1, k0 + 2, k0 + 3};
        const uint8_t *const in4[4] = {st->rows[k0], st->rows[k0 + 1], st->rows[k0 + 2], st->rows[k0 + 3]};
        tot_pad4(ctx, ks, in4, pads);
        for (uint32_t r = 0; r < 4; r++) {
            uint32_t k = k0 + r;
            uint64_t bit = (st->beta[k / 8] >> (k % 8)) & 1;
            for (int m = 0; m < 3; m++) v[m] = pads[r][m];
            for (int m = 0; m < 3; m++) {
                if (tsc_from_bytes(&at, in + ((size_t)k * 3 + (size_t)m) * TSC_BYTES) != 0) {
                    cc_memzero(pads, sizeof pads);
                    goto done;
                }
                tsc_add_masked(&v[m], &at, bit);
                tsc_acc_mul_add(&sum[m], &gm[k], &v[m]);
            }
        }
        cc_memzero(pads, sizeof pads);
    }
    for (int m = 0; m < 3; m++) tsc_acc_out(&d3[m], &sum[m]);
    theta_of(ctx, in, theta);
    combine_theta(&t, d3, theta);
    tsc_mul(&ct, &st->chi, &eta_p);
    tsc_sub(&ct, &ct, &t);
    mu_of(ctx, &ct, mu);
    int mismatch = cc_memcmp_ct(mu, in + ATILDE_BYTES + TSC_BYTES, TSC_BYTES);
    CT_PUBLIC(&mismatch, sizeof mismatch); /* the outcome is public: the caller bans the peer */
    if (mismatch != 0) {
        rc = TECDSA_ERR_VOLE;
        goto done;
    }
    d[0] = d3[0];
    d[1] = d3[1];
    rc = TECDSA_OK;
done:
    cc_memzero(d3, sizeof d3);
    cc_memzero(sum, sizeof sum);
    cc_memzero(v, sizeof v);
    tsc_wipe(&at);
    tsc_wipe(&t);
    tsc_wipe(&ct);
    /* keep chi for the caller's Gamma checks; wipe the rest of the state */
    tsc chi = st->chi;
    tot_bob_state_wipe(st);
    st->chi = chi;
    tsc_wipe(&chi);
    return rc;
}

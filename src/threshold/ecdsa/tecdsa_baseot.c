/* tecdsa_baseot.c: batch of endemic OTs (Masny-Rindal) for the OT-extension setup (see
 * tecdsa_ot.h). Receiver with choice b: key pair (sk, pk = sk*G), a random point s, slot 1-b =
 * s and slot b = pk - H(s); the sender derives pk_0 = r_0 + H(r_1), pk_1 = r_1 + H(r_0) and the
 * keys H(y*pk_0), H(y*pk_1) with y*G sent back; only pk_b has a discrete log the receiver knows.
 * The receiver's work is one fixed sequence whatever b is: sk*G (the fixed-base comb), the random
 * point s, H(s), pk - H(s), then a constant-time swap into the two slots. Hashing to the curve
 * (RFC 9380 SSWU) and the subtraction are our constant-time code (tecdsa_h2c.c), so an observer of
 * the receiver's operations learns nothing about which slot holds s; nothing else touches b but
 * masked selects and the key derivation's hash input. */
#include <string.h>

#include "crypto/ct.h"
#include "threshold/ecdsa/tecdsa.h"
#include "threshold/ecdsa/tecdsa_hash.h"
#include "threshold/ecdsa/tecdsa_ot.h"

/* The OTs run in chunks of CHUNK: each step of a chunk makes its points affine together (one
 * field inversion per step and chunk instead of one per point, tec_from_points and
 * tec_hash_to_curve_batch); the messages and keys are the same as one OT at a time. */
#define CHUNK (TEC_BATCH / 2)
#define FEISTEL_IN (TOT_CTX_BYTES + 4 + TPT_BYTES)

/* The input of H(point) in the "Feistel" step, bound to the context and OT index. */
static void feistel_input(uint8_t in[FEISTEL_IN], const uint8_t ctx[TOT_CTX_BYTES], uint32_t j, const tpt *p)
{
    memcpy(in, ctx, TOT_CTX_BYTES);
    in[48] = (uint8_t)(j >> 24);
    in[49] = (uint8_t)(j >> 16);
    in[50] = (uint8_t)(j >> 8);
    in[51] = (uint8_t)j;
    memcpy(in + 52, p->b, TPT_BYTES);
}

/* H(point) of n feistel inputs. */
static int feistel_hash(tpt *out, const uint8_t in[][FEISTEL_IN], size_t n)
{
    return tec_hash_to_curve_batch(out, "baseot/feistel", &in[0][0], FEISTEL_IN, n);
}

static void derive_key(uint8_t out[TOT_SEED_BYTES], const uint8_t ctx[TOT_CTX_BYTES], uint32_t j, uint32_t bit,
                       const tpt *k)
{
    th_ctx h;
    th_init(&h, "baseot/key");
    th_bytes(&h, ctx, TOT_CTX_BYTES);
    th_u32(&h, j);
    th_u32(&h, bit);
    th_bytes(&h, k->b, TPT_BYTES);
    th_out(&h, out, TOT_SEED_BYTES);
}

static void ct_select_point(tpt *out, const tpt *a, const tpt *b, uint8_t bit)
{
    uint8_t mask = (uint8_t)(0 - (bit & 1)); /* bit ? b : a */
    const uint8_t *pa = (const uint8_t *)a, *pb = (const uint8_t *)b;
    uint8_t *po = (uint8_t *)out;
    for (size_t i = 0; i < sizeof *out; i++) po[i] = (uint8_t)(pa[i] ^ ((pa[i] ^ pb[i]) & mask));
}

int tot_base_recv_msg1(tot_base_recv *st, const uint8_t ctx[TOT_CTX_BYTES], uint8_t out[TOT_BASE_MSG1_BYTES])
{
    int rc = TECDSA_ERR_INTERNAL;
    uint8_t rho[CHUNK][32], fin[CHUNK][FEISTEL_IN];
    p384_point pk[CHUNK]; /* sk*G, then pk - H(s) */
    tpt s[CHUNK], hs[CHUNK], rb[CHUNK];
    if (cc_randombytes(st->choice, sizeof st->choice) != 0) return TECDSA_ERR_RNG;
    for (uint32_t j0 = 0; j0 < TOT_KAPPA; j0 += CHUNK) {
        for (uint32_t c = 0; c < CHUNK; c++) {
            if (tsc_random(&st->sk[j0 + c]) != 0 || cc_randombytes(rho[c], sizeof rho[c]) != 0) {
                rc = TECDSA_ERR_RNG;
                goto fail;
            }
            tec_mul_g_pt(&pk[c], &st->sk[j0 + c]);
        }
        if (tec_hash_to_curve_batch(s, "baseot/random", &rho[0][0], sizeof rho[0], CHUNK) != 0) goto fail;
        for (uint32_t c = 0; c < CHUNK; c++) feistel_input(fin[c], ctx, j0 + c, &s[c]);
        if (feistel_hash(hs, fin, CHUNK) != 0) goto fail;
        for (uint32_t c = 0; c < CHUNK; c++) tec_sub_pt(&pk[c], &pk[c], &hs[c]);
        if (tec_from_points(rb, pk, CHUNK) != 0) goto fail;
        for (uint32_t c = 0; c < CHUNK; c++) {
            uint32_t j = j0 + c;
            uint8_t b = (uint8_t)((st->choice[j / 8] >> (j % 8)) & 1);
            tpt r0, r1;
            ct_select_point(&r0, &rb[c], &s[c], b); /* b = 1: slot 0 is the random point */
            ct_select_point(&r1, &s[c], &rb[c], b); /* b = 1: slot 1 is pk - H(s) */
            memcpy(out + (size_t)j * 2 * TPT_BYTES, r0.b, TPT_BYTES);
            memcpy(out + (size_t)j * 2 * TPT_BYTES + TPT_BYTES, r1.b, TPT_BYTES);
            cc_memzero(&b, sizeof b);
        }
    }
    rc = TECDSA_OK;
fail:
    if (rc != TECDSA_OK) cc_memzero(st, sizeof *st);
    cc_memzero(rho, sizeof rho);
    cc_memzero(pk, sizeof pk);
    cc_memzero(s, sizeof s);
    cc_memzero(hs, sizeof hs);
    cc_memzero(rb, sizeof rb);
    return rc;
}

int tot_base_send(const uint8_t ctx[TOT_CTX_BYTES], const uint8_t msg1[TOT_BASE_MSG1_BYTES],
                  uint8_t out[TOT_BASE_MSG2_BYTES], uint8_t seeds[TOT_KAPPA][2][TOT_SEED_BYTES])
{
    tsc y;
    tpt m, r[2 * CHUNK], h[2 * CHUNK], k[2 * CHUNK]; /* [2c + b]: r_b, H(r_b), k_b of OT j0 + c */
    uint8_t fin[2 * CHUNK][FEISTEL_IN];
    p384_point kp[2 * CHUNK];
    int rc = TECDSA_ERR_INTERNAL;
    if (tsc_random(&y) != 0) return TECDSA_ERR_RNG;
    if (tec_mul_g(&m, &y) != 0) goto done;
    for (uint32_t j0 = 0; j0 < TOT_KAPPA; j0 += CHUNK) {
        for (uint32_t i = 0; i < 2 * CHUNK; i++) {
            if (tec_decode(&r[i], msg1 + (size_t)(2 * j0 + i) * TPT_BYTES) != 0) {
                rc = TECDSA_ERR_POINT;
                goto done;
            }
            feistel_input(fin[i], ctx, j0 + i / 2, &r[i]);
        }
        if (feistel_hash(h, fin, 2 * CHUNK) != 0) goto done;
        /* k_b = y * pk_b with pk_0 = r_0 + H(r_1), pk_1 = r_1 + H(r_0); a sum at infinity (or, with
         * probability 2^-384, a product there) means a malformed receiver message */
        for (uint32_t i = 0; i < 2 * CHUNK; i++)
            if (tec_add_mul_pt(&kp[i], &r[i], &h[i ^ 1], &y) != 0) {
                rc = TECDSA_ERR_POINT;
                goto done;
            }
        if (tec_from_points(k, kp, 2 * CHUNK) != 0) {
            rc = TECDSA_ERR_POINT;
            goto done;
        }
        for (uint32_t i = 0; i < 2 * CHUNK; i++) derive_key(seeds[j0 + i / 2][i & 1], ctx, j0 + i / 2, i & 1, &k[i]);
    }
    memcpy(out, m.b, TPT_BYTES);
    rc = TECDSA_OK;
done:
    tsc_wipe(&y);
    cc_memzero(k, sizeof k);
    cc_memzero(kp, sizeof kp);
    if (rc != TECDSA_OK) cc_memzero(seeds, sizeof(uint8_t) * TOT_KAPPA * 2 * TOT_SEED_BYTES);
    return rc;
}

int tot_base_recv_finish(tot_base_recv *st, const uint8_t ctx[TOT_CTX_BYTES], const uint8_t msg2[TOT_BASE_MSG2_BYTES],
                         uint8_t delta[TOT_ROW_BYTES], uint8_t seeds[TOT_KAPPA][TOT_SEED_BYTES])
{
    tpt m, k[TEC_BATCH];
    p384_point kp[TEC_BATCH];
    p384_comb *cm = NULL; /* m is public and fixed: one table for the 256 multiplications */
    int rc = TECDSA_ERR_POINT;
    if (tec_decode(&m, msg2) != 0) goto done;
    rc = TECDSA_ERR_INTERNAL;
    cm = tec_comb_new(&m);
    for (uint32_t j0 = 0; j0 < TOT_KAPPA; j0 += TEC_BATCH) {
        for (uint32_t c = 0; c < TEC_BATCH; c++) {
            if (cm)
                tec_comb_mul_pt(&kp[c], cm, &st->sk[j0 + c]);
            else
                tec_mul_pt(&kp[c], &m, &st->sk[j0 + c]);
        }
        if (tec_from_points(k, kp, TEC_BATCH) != 0) goto done;
        for (uint32_t c = 0; c < TEC_BATCH; c++) {
            uint32_t j = j0 + c, b = (uint32_t)((st->choice[j / 8] >> (j % 8)) & 1);
            derive_key(seeds[j], ctx, j, b, &k[c]);
        }
    }
    memcpy(delta, st->choice, TOT_ROW_BYTES);
    rc = TECDSA_OK;
done:
    tec_comb_free(cm);
    cc_memzero(k, sizeof k);
    cc_memzero(kp, sizeof kp);
    cc_memzero(st, sizeof *st);
    return rc;
}

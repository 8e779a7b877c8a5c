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

/* H(point) used in the "Feistel" step, bound to the context and OT index. */
static int feistel_hash(tpt *out, const uint8_t ctx[TOT_CTX_BYTES], uint32_t j, const tpt *p)
{
    uint8_t in[TOT_CTX_BYTES + 4 + TPT_BYTES];
    memcpy(in, ctx, TOT_CTX_BYTES);
    in[48] = (uint8_t)(j >> 24);
    in[49] = (uint8_t)(j >> 16);
    in[50] = (uint8_t)(j >> 8);
    in[51] = (uint8_t)j;
    memcpy(in + 52, p->b, TPT_BYTES);
    return tec_hash_to_curve(out, "baseot/feistel", in, sizeof in);
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
    if (cc_randombytes(st->choice, sizeof st->choice) != 0) return TECDSA_ERR_RNG;
    for (uint32_t j = 0; j < TOT_KAPPA; j++) {
        uint8_t b = (uint8_t)((st->choice[j / 8] >> (j % 8)) & 1);
        uint8_t rho[32];
        tpt pk, s, hs, rb;
        if (tsc_random(&st->sk[j]) != 0 || cc_randombytes(rho, sizeof rho) != 0) {
            rc = TECDSA_ERR_RNG;
            goto fail;
        }
        if (tec_mul_g(&pk, &st->sk[j]) != 0 || tec_hash_to_curve(&s, "baseot/random", rho, sizeof rho) != 0 ||
            feistel_hash(&hs, ctx, j, &s) != 0 || tec_sub_ct(&rb, &pk, &hs) != 0)
            goto fail;
        tpt r0, r1;
        ct_select_point(&r0, &rb, &s, b); /* b = 1: slot 0 is the random point */
        ct_select_point(&r1, &s, &rb, b); /* b = 1: slot 1 is pk - H(s) */
        memcpy(out + (size_t)j * 2 * TPT_BYTES, r0.b, TPT_BYTES);
        memcpy(out + (size_t)j * 2 * TPT_BYTES + TPT_BYTES, r1.b, TPT_BYTES);
        cc_memzero(&b, sizeof b);
    }
    return TECDSA_OK;
fail:
    cc_memzero(st, sizeof *st);
    return rc;
}

int tot_base_send(const uint8_t ctx[TOT_CTX_BYTES], const uint8_t msg1[TOT_BASE_MSG1_BYTES],
                  uint8_t out[TOT_BASE_MSG2_BYTES], uint8_t seeds[TOT_KAPPA][2][TOT_SEED_BYTES])
{
    tsc y;
    tpt m;
    int rc = TECDSA_ERR_INTERNAL;
    if (tsc_random(&y) != 0) return TECDSA_ERR_RNG;
    if (tec_mul_g(&m, &y) != 0) goto done;
    for (uint32_t j = 0; j < TOT_KAPPA; j++) {
        tpt r0, r1, h0, h1, k0, k1;
        if (tec_decode(&r0, msg1 + (size_t)j * 2 * TPT_BYTES) != 0 ||
            tec_decode(&r1, msg1 + (size_t)j * 2 * TPT_BYTES + TPT_BYTES) != 0) {
            rc = TECDSA_ERR_POINT;
            goto done;
        }
        if (feistel_hash(&h0, ctx, j, &r0) != 0 || feistel_hash(&h1, ctx, j, &r1) != 0) goto done;
        /* k_b = y * pk_b with pk_0 = r_0 + H(r_1), pk_1 = r_1 + H(r_0); a sum at infinity (or, with
         * probability 2^-384, a product there) means a malformed receiver message */
        if (tec_add_mul(&k0, &r0, &h1, &y) != 0 || tec_add_mul(&k1, &r1, &h0, &y) != 0) {
            rc = TECDSA_ERR_POINT;
            goto done;
        }
        derive_key(seeds[j][0], ctx, j, 0, &k0);
        derive_key(seeds[j][1], ctx, j, 1, &k1);
        cc_memzero(&k0, sizeof k0);
        cc_memzero(&k1, sizeof k1);
    }
    memcpy(out, m.b, TPT_BYTES);
    rc = TECDSA_OK;
done:
    tsc_wipe(&y);
    if (rc != TECDSA_OK) cc_memzero(seeds, sizeof(uint8_t) * TOT_KAPPA * 2 * TOT_SEED_BYTES);
    return rc;
}

int tot_base_recv_finish(tot_base_recv *st, const uint8_t ctx[TOT_CTX_BYTES], const uint8_t msg2[TOT_BASE_MSG2_BYTES],
                         uint8_t delta[TOT_ROW_BYTES], uint8_t seeds[TOT_KAPPA][TOT_SEED_BYTES])
{
    tpt m;
    p384_comb *cm = NULL; /* m is public and fixed: one table for the 256 multiplications */
    int rc = TECDSA_ERR_POINT;
    if (tec_decode(&m, msg2) != 0) goto done;
    rc = TECDSA_ERR_INTERNAL;
    cm = tec_comb_new(&m);
    for (uint32_t j = 0; j < TOT_KAPPA; j++) {
        tpt k;
        uint32_t b = (uint32_t)((st->choice[j / 8] >> (j % 8)) & 1);
        if ((cm ? tec_comb_mul(&k, cm, &st->sk[j]) : tec_mul(&k, &m, &st->sk[j])) != 0) goto done;
        derive_key(seeds[j], ctx, j, b, &k);
        cc_memzero(&k, sizeof k);
    }
    memcpy(delta, st->choice, TOT_ROW_BYTES);
    rc = TECDSA_OK;
done:
    tec_comb_free(cm);
    cc_memzero(st, sizeof *st);
    return rc;
}

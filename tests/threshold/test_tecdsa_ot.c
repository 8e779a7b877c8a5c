/* test_tecdsa_ot.c: the pairwise multiplication layer on its own.
 *  - base OT: the receiver's seed equals the sender's seed for its choice bit and differs from the
 *    other one, for all 256 OTs; malformed receiver points are refused;
 *  - OT extension + VOLE: c + d = chi * a for random a (checked with OpenSSL BIGNUM), chi equals
 *    the gadget combination of Bob's choice bits; tampering with Bob's matrix U, his check values,
 *    Alice's a~ or mu is detected (TECDSA_ERR_OT / TECDSA_ERR_VOLE); a different context gives
 *    unrelated outputs (no reuse across sessions);
 *  - the pads (tot_pad and the 4-way tot_pad4) equal SHAKE256 of the transcript bytes computed by
 *    OpenSSL, reduced mod n with BIGNUM, and so do the 4-way PRG columns (without the reduction);
 *  - th_bytes_long (how U and a~ are hashed) equals SHAKE256 of its documented leaf list;
 *  - a known answer for one whole OT extension + VOLE (bit-identical wire bytes and outputs). */
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "crypto/ct.h"
#include "testutil.h"
#include "threshold/ecdsa/tecdsa.h"
#include "threshold/ecdsa/tecdsa_hash.h"
#include "threshold/ecdsa/tecdsa_ot.h"

/* 53826ca5... with the bit-by-bit kernels and the plain hashing of U and a~, which the faster
 * kernels reproduced; this value since U and a~ are hashed as four leaves (th_bytes_long). */
#define VOLE_KAT "f58018d11520c68760f41edaa22a60da7b42d12e601b3ce949a8fbeb5d61eae1"

static tot_alice_setup g_alice;
static tot_bob_setup g_bob;

static void setup_pair(void)
{
    static tot_base_recv recv;
    static uint8_t msg1[TOT_BASE_MSG1_BYTES];
    uint8_t msg2[TOT_BASE_MSG2_BYTES], ctx[TOT_CTX_BYTES];
    memset(ctx, 0x42, sizeof ctx);
    CHECK(tot_base_recv_msg1(&recv, ctx, msg1) == TECDSA_OK);
    /* a malformed point in message 1 is refused */
    uint8_t saved = msg1[5 * TPT_BYTES];
    msg1[5 * TPT_BYTES] = 0x04;
    CHECK(tot_base_send(ctx, msg1, msg2, g_bob.seed) == TECDSA_ERR_POINT);
    msg1[5 * TPT_BYTES] = saved;
    CHECK(tot_base_send(ctx, msg1, msg2, g_bob.seed) == TECDSA_OK);
    CHECK(tot_base_recv_finish(&recv, ctx, msg2, g_alice.delta, g_alice.seed) == TECDSA_OK);
    int match = 0, other_differs = 0, ones = 0;
    for (int j = 0; j < TOT_KAPPA; j++) {
        int b = (g_alice.delta[j / 8] >> (j % 8)) & 1;
        ones += b;
        match += memcmp(g_alice.seed[j], g_bob.seed[j][b], TOT_SEED_BYTES) == 0;
        other_differs += memcmp(g_alice.seed[j], g_bob.seed[j][1 - b], TOT_SEED_BYTES) != 0;
    }
    CHECK_MSG(match == TOT_KAPPA, "base OT: %d/%d chosen seeds match", match, TOT_KAPPA);
    CHECK(other_differs == TOT_KAPPA);
    CHECK(ones > 64 && ones < 192); /* the choice bits are random */
}

static int scalar_eq_bn(const tsc *a, const BIGNUM *b)
{
    uint8_t x[48], y[48];
    tsc_to_bytes(x, a);
    return BN_bn2binpad(b, y, 48) == 48 && memcmp(x, y, 48) == 0;
}

static void bn_of(BIGNUM *out, const tsc *a)
{
    uint8_t x[48];
    tsc_to_bytes(x, a);
    BN_bin2bn(x, 48, out);
}

enum {
    TAMPER_NONE,
    TAMPER_U,
    TAMPER_TT,
    TAMPER_XT,
    TAMPER_ATILDE,
    TAMPER_MU
};

/* One VOLE; returns the error of the side that detected tampering, or checks c + d = chi * a. */
static int one_vole(int tamper, uint8_t ctx_byte)
{
    static uint8_t bob_msg[TOT_BOB_MSG_BYTES], alice_msg[TOT_ALICE_MSG_BYTES];
    static tot_bob_state st;
    uint8_t ctx[TOT_CTX_BYTES];
    tsc a[2], c[2], d[2];
    memset(ctx, ctx_byte, sizeof ctx);
    tsc_random(&a[0]);
    tsc_random(&a[1]);
    uint8_t coins[TOT_COINS_BYTES];
    cc_randombytes(coins, sizeof coins);
    CHECK(tot_bob_round1(&st, &g_bob, ctx, coins, bob_msg, NULL) == TECDSA_OK);
    if (tamper == TAMPER_U) bob_msg[1000] ^= 0x10;
    if (tamper == TAMPER_XT) bob_msg[TOT_KAPPA * TOT_COL_BYTES] ^= 1;
    if (tamper == TAMPER_TT) bob_msg[TOT_BOB_MSG_BYTES - 3] ^= 0x80;
    cc_randombytes(coins, sizeof coins);
    int rc = tot_alice_round2(&g_alice, ctx, bob_msg, a, coins, alice_msg, c, NULL);
    if (rc != TECDSA_OK) {
        tot_bob_state_wipe(&st);
        return rc;
    }
    if (tamper == TAMPER_ATILDE) alice_msg[3 * 48 * 17 + 47] ^= 1; /* k = 17, first component, +-1 */
    if (tamper == TAMPER_MU) alice_msg[TOT_ALICE_MSG_BYTES - 1] ^= 1;
    rc = tot_bob_finish(&st, ctx, alice_msg, d);
    if (rc != TECDSA_OK) return rc;
    /* c + d = chi * a, checked with BIGNUM */
    EC_GROUP *g = EC_GROUP_new_by_curve_name(NID_secp384r1);
    BN_CTX *bn = BN_CTX_new();
    BIGNUM *n = BN_new(), *chi = BN_new(), *x = BN_new(), *y = BN_new(), *z = BN_new();
    EC_GROUP_get_order(g, n, bn);
    bn_of(chi, &st.chi);
    for (int m = 0; m < 2; m++) {
        bn_of(x, &c[m]);
        bn_of(y, &d[m]);
        BN_mod_add(z, x, y, n, bn);
        bn_of(x, &a[m]);
        BN_mod_mul(y, chi, x, n, bn);
        CHECK_MSG(BN_cmp(z, y) == 0, "VOLE correlation %d", m);
    }
    CHECK(!scalar_eq_bn(&st.chi, n) && !BN_is_zero(chi));
    BN_free(n);
    BN_free(chi);
    BN_free(x);
    BN_free(y);
    BN_free(z);
    BN_CTX_free(bn);
    EC_GROUP_free(g);
    tot_bob_state_wipe(&st);
    return TECDSA_OK;
}

/* The 4-way pads equal tot_pad and an independent SHAKE256 (OpenSSL) of the documented
 * transcript bytes, reduced mod n with BIGNUM: the VOLE wire values are unchanged by batching. */
static void pads_match_reference(void)
{
    static const char tag[] = "cctsa/tecdsa/dkls23/p384/v1", label[] = "ote/pad";
    uint8_t ctx[TOT_CTX_BYTES], rows[4][TOT_ROW_BYTES];
    const uint8_t *rp[4] = {rows[0], rows[1], rows[2], rows[3]};
    const uint32_t ks[4] = {0, 7, 7, 639};
    tsc four[4][3], one[3];
    BN_CTX *bn = BN_CTX_new();
    EC_GROUP *grp = EC_GROUP_new_by_curve_name(NID_secp384r1);
    BIGNUM *x = BN_new();
    for (int i = 0; i < TOT_CTX_BYTES; i++) ctx[i] = (uint8_t)(i * 3);
    for (int r = 0; r < 4; r++)
        for (int i = 0; i < TOT_ROW_BYTES; i++) rows[r][i] = (uint8_t)(r * 50 + i);
    tot_pad4(ctx, ks, rp, four);
    for (int r = 0; r < 4; r++) {
        uint8_t in[256], out[192];
        size_t n = 0;
        in[n++] = 0, in[n++] = 0, in[n++] = 0, in[n++] = (uint8_t)(sizeof tag - 1);
        memcpy(in + n, tag, sizeof tag - 1), n += sizeof tag - 1;
        in[n++] = 0, in[n++] = 0, in[n++] = 0, in[n++] = (uint8_t)(sizeof label - 1);
        memcpy(in + n, label, sizeof label - 1), n += sizeof label - 1;
        memcpy(in + n, ctx, sizeof ctx), n += sizeof ctx;
        in[n++] = (uint8_t)(ks[r] >> 24), in[n++] = (uint8_t)(ks[r] >> 16), in[n++] = (uint8_t)(ks[r] >> 8);
        in[n++] = (uint8_t)ks[r];
        memcpy(in + n, rows[r], TOT_ROW_BYTES), n += TOT_ROW_BYTES;
        EVP_MD_CTX *md = EVP_MD_CTX_new();
        CHECK(EVP_DigestInit_ex(md, EVP_shake256(), NULL) == 1 && EVP_DigestUpdate(md, in, n) == 1 &&
              EVP_DigestFinalXOF(md, out, sizeof out) == 1);
        EVP_MD_CTX_free(md);
        tot_pad(ctx, ks[r], rows[r], one);
        for (int m = 0; m < 3; m++) {
            BN_bin2bn(out + 64 * m, 64, x);
            BN_nnmod(x, x, EC_GROUP_get0_order(grp), bn);
            CHECK_MSG(scalar_eq_bn(&four[r][m], x), "tot_pad4 lane %d pad %d", r, m);
            CHECK_MSG(scalar_eq_bn(&one[m], x), "tot_pad row %d pad %d", r, m);
        }
    }
    BN_free(x);
    EC_GROUP_free(grp);
    BN_CTX_free(bn);
}

/* The 4-way PRG columns equal an independent SHAKE256 (OpenSSL) of the transcript bytes
 * tag, "ote/prg", seed, ctx, column: the extension matrix U on the wire is unchanged. */
static void prg_matches_reference(void)
{
    static const char tag[] = "cctsa/tecdsa/dkls23/p384/v1", label[] = "ote/prg";
    uint8_t ctx[TOT_CTX_BYTES], seeds[4][TOT_SEED_BYTES], cols[4][TOT_COL_BYTES];
    uint8_t *const outs[4] = {cols[0], cols[1], cols[2], cols[3]};
    const uint8_t *const sp[4] = {seeds[0], seeds[1], seeds[2], seeds[3]};
    const uint32_t c[4] = {0, 1, 1, 255};
    for (int i = 0; i < TOT_CTX_BYTES; i++) ctx[i] = (uint8_t)(i * 5 + 1);
    for (int r = 0; r < 4; r++)
        for (int i = 0; i < TOT_SEED_BYTES; i++) seeds[r][i] = (uint8_t)(r * 31 + i);
    tot_prg_column4(outs, sp, ctx, c);
    for (int r = 0; r < 4; r++) {
        uint8_t in[256], want[TOT_COL_BYTES];
        size_t n = 0;
        in[n++] = 0, in[n++] = 0, in[n++] = 0, in[n++] = (uint8_t)(sizeof tag - 1);
        memcpy(in + n, tag, sizeof tag - 1), n += sizeof tag - 1;
        in[n++] = 0, in[n++] = 0, in[n++] = 0, in[n++] = (uint8_t)(sizeof label - 1);
        memcpy(in + n, label, sizeof label - 1), n += sizeof label - 1;
        memcpy(in + n, seeds[r], TOT_SEED_BYTES), n += TOT_SEED_BYTES;
        memcpy(in + n, ctx, sizeof ctx), n += sizeof ctx;
        in[n++] = (uint8_t)(c[r] >> 24), in[n++] = (uint8_t)(c[r] >> 16), in[n++] = (uint8_t)(c[r] >> 8);
        in[n++] = (uint8_t)c[r];
        EVP_MD_CTX *md = EVP_MD_CTX_new();
        CHECK(EVP_DigestInit_ex(md, EVP_shake256(), NULL) == 1 && EVP_DigestUpdate(md, in, n) == 1 &&
              EVP_DigestFinalXOF(md, want, sizeof want) == 1);
        EVP_MD_CTX_free(md);
        CHECK_MSG(memcmp(cols[r], want, sizeof want) == 0, "tot_prg_column4 lane %d", r);
    }
}

/* Known answer: one OT extension + VOLE on a fixed setup, context, coins and inputs (SHA-256 of
 * both messages and the four output shares). Recorded with the straightforward kernels (bit-by-bit
 * universal hash and transpose, generic wide reduction, two-multiplication gadget products): the
 * faster kernels keep every wire byte and output bit-identical (see VOLE_KAT). */
static void vole_known_answer(void)
{
    static tot_alice_setup al;
    static tot_bob_setup bo;
    static tot_bob_state st;
    static uint8_t bm[TOT_BOB_MSG_BYTES], am[TOT_ALICE_MSG_BYTES];
    uint8_t ctx[TOT_CTX_BYTES], coins[TOT_COINS_BYTES], wide[64], out[4 * TSC_BYTES], dig[32];
    tsc a[2], c[2], d[2];
    for (int i = 0; i < TOT_ROW_BYTES; i++) al.delta[i] = (uint8_t)(i * 37 + 11);
    for (int k = 0; k < TOT_KAPPA; k++) {
        for (int b = 0; b < 2; b++)
            for (int i = 0; i < TOT_SEED_BYTES; i++) bo.seed[k][b][i] = (uint8_t)(k * 7 + b * 101 + i * 13);
        memcpy(al.seed[k], bo.seed[k][(al.delta[k / 8] >> (k % 8)) & 1], TOT_SEED_BYTES);
    }
    memset(ctx, 0x5c, sizeof ctx);
    for (int m = 0; m < 2; m++) {
        for (int i = 0; i < 64; i++) wide[i] = (uint8_t)(i * 29 + m * 3 + 1);
        tsc_from_wide(&a[m], wide, sizeof wide);
    }
    memset(coins, 0xb1, sizeof coins);
    static tot_scratch scr; /* one scratch for both steps, as a presign session does */
    CHECK(tot_bob_round1(&st, &bo, ctx, coins, bm, &scr) == TECDSA_OK);
    memset(coins, 0xa7, sizeof coins);
    CHECK(tot_alice_round2(&al, ctx, bm, a, coins, am, c, &scr) == TECDSA_OK);
    CHECK(tot_bob_finish(&st, ctx, am, d) == TECDSA_OK);
    tsc_to_bytes(out, &c[0]);
    tsc_to_bytes(out + TSC_BYTES, &c[1]);
    tsc_to_bytes(out + 2 * TSC_BYTES, &d[0]);
    tsc_to_bytes(out + 3 * TSC_BYTES, &d[1]);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    CHECK(EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1 && EVP_DigestUpdate(md, bm, sizeof bm) == 1 &&
          EVP_DigestUpdate(md, am, sizeof am) == 1 && EVP_DigestUpdate(md, out, sizeof out) == 1 &&
          EVP_DigestFinal_ex(md, dig, NULL) == 1);
    EVP_MD_CTX_free(md);
    char hex[65];
    for (int i = 0; i < 32; i++) snprintf(hex + 2 * i, 3, "%02x", dig[i]);
    CHECK_MSG(strcmp(hex, VOLE_KAT) == 0, "VOLE known answer: got %s", hex);
    tot_bob_state_wipe(&st);
}

/* th_bytes_long equals SHAKE256 (OpenSSL) of the th prefix, the length and the four SHAKE256
 * leaf digests of the quarters. */
static void long_field_matches_reference(void)
{
    static uint8_t data[4 * 1000];
    uint8_t got[64], want[64], buf[TH_PREFIX_MAX + 4 + 4 * 64];
    for (size_t i = 0; i < sizeof data; i++) data[i] = (uint8_t)(i * 131 + (i >> 8));
    th_ctx h;
    th_init(&h, "test/long");
    th_bytes_long(&h, data, sizeof data);
    th_out(&h, got, sizeof got);
    size_t n = th_prefix(buf, "test/long");
    buf[n++] = 0;
    buf[n++] = 0;
    buf[n++] = (uint8_t)(sizeof data >> 8);
    buf[n++] = (uint8_t)sizeof data;
    for (int q = 0; q < 4; q++, n += 64) {
        EVP_MD_CTX *md = EVP_MD_CTX_new();
        CHECK(EVP_DigestInit_ex(md, EVP_shake256(), NULL) == 1 && EVP_DigestUpdate(md, data + 1000 * q, 1000) == 1 &&
              EVP_DigestFinalXOF(md, buf + n, 64) == 1);
        EVP_MD_CTX_free(md);
    }
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    CHECK(EVP_DigestInit_ex(md, EVP_shake256(), NULL) == 1 && EVP_DigestUpdate(md, buf, n) == 1 &&
          EVP_DigestFinalXOF(md, want, sizeof want) == 1);
    EVP_MD_CTX_free(md);
    CHECK_MEM(got, want, sizeof got);
}

int main(void)
{
    vole_known_answer();
    long_field_matches_reference();
    pads_match_reference();
    prg_matches_reference();
    setup_pair();
    int runs = tu_sanitized() ? 2 : 5;
    for (int i = 0; i < runs; i++) CHECK(one_vole(TAMPER_NONE, (uint8_t)i) == TECDSA_OK);
    CHECK(one_vole(TAMPER_U, 7) == TECDSA_ERR_OT);
    CHECK(one_vole(TAMPER_XT, 8) == TECDSA_ERR_OT);
    CHECK(one_vole(TAMPER_TT, 9) == TECDSA_ERR_OT);
    CHECK(one_vole(TAMPER_ATILDE, 10) == TECDSA_ERR_VOLE);
    CHECK(one_vole(TAMPER_MU, 11) == TECDSA_ERR_VOLE);

    /* Bob's extension output depends on the context: same setup, two contexts, different U */
    static uint8_t m1[TOT_BOB_MSG_BYTES], m2[TOT_BOB_MSG_BYTES];
    static tot_bob_state s1, s2;
    uint8_t c1[TOT_CTX_BYTES], c2[TOT_CTX_BYTES];
    memset(c1, 1, sizeof c1);
    memset(c2, 2, sizeof c2);
    static const uint8_t coins[TOT_COINS_BYTES] = {9}; /* the same coins: only the context differs */
    CHECK(tot_bob_round1(&s1, &g_bob, c1, coins, m1, NULL) == TECDSA_OK);
    CHECK(tot_bob_round1(&s2, &g_bob, c2, coins, m2, NULL) == TECDSA_OK);
    CHECK(memcmp(m1, m2, 64) != 0);
    /* Alice with the wrong context rejects (her view of the PRG columns differs) */
    tsc a[2], c[2];
    static uint8_t am[TOT_ALICE_MSG_BYTES];
    tsc_random(&a[0]);
    tsc_random(&a[1]);
    CHECK(tot_alice_round2(&g_alice, c2, m1, a, coins, am, c, NULL) == TECDSA_ERR_OT);
    tot_bob_state_wipe(&s1);
    tot_bob_state_wipe(&s2);
    return check_summary("test_tecdsa_ot");
}

/* test_tecdsa_protocol.c: end-to-end threshold ECDSA P-384: DKG for 5 parties (one ceremony per
 * build, so it also carries the complaint path: dealers 2 and 3 send parties 4 and 5 bad shares,
 * are accused, reveal the shares, which verify and replace the bad ones; nobody leaves QUAL),
 * then presign and sign with every one of the 10 signer sets, then malicious signers on the same key (tampered OT
 * extension, VOLE, Gamma, commitments and pk, replayed and misaddressed messages, wrong online
 * shares, presignature reuse): each is detected, names the culprit, bans where the pairwise check
 * failed, and never yields a presignature or a released signature. Each signature is checked independently of the
 * library: OpenSSL EVP_PKEY_verify with a key built in this test, and the `openssl dgst -sha384
 * -verify` command line on files in a temporary directory. A test-only oracle reconstructs the
 * key from every triple of shares with OpenSSL BIGNUM arithmetic and checks x*G = PK. */
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "tecdsa_test_ossl.h"
#include "tecdsa_test_tamper.h"
#include "testutil.h"
#include "threshold/ecdsa/tecdsa.h"
#include "threshold/ecdsa/tecdsa_internal.h"
#include "threshold/testkit/tecdsa_driver.h"

/* 1 if the DER signature has s <= (n-1)/2. */
static int is_low_s(const uint8_t *sig, size_t len)
{
    const uint8_t *p = sig;
    ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)len);
    BIGNUM *n = BN_new(), *half = BN_new();
    EC_GROUP *g = EC_GROUP_new_by_curve_name(NID_secp384r1);
    int ok = 0;
    if (es && n && half && g && EC_GROUP_get_order(g, n, NULL) && BN_rshift1(half, n))
        ok = BN_cmp(ECDSA_SIG_get0_s(es), half) <= 0;
    ECDSA_SIG_free(es);
    BN_free(n);
    BN_free(half);
    EC_GROUP_free(g);
    return ok;
}

/* Test-only oracle: x = sum lambda_i x_i over the triple, with BIGNUM, then x*G == PK. */
static int oracle_triple(tecdsa_keyshare *ks[TECDSA_N + 1], const int S[3], const uint8_t pub[TECDSA_PUB_BYTES])
{
    EC_GROUP *g = EC_GROUP_new_by_curve_name(NID_secp384r1);
    BN_CTX *bn = BN_CTX_new();
    BIGNUM *n = BN_new(), *x = BN_new(), *num = BN_new(), *den = BN_new(), *t = BN_new(), *xi = BN_new();
    EC_POINT *P = EC_POINT_new(g);
    uint8_t buf[97];
    int ok = 0;
    EC_GROUP_get_order(g, n, bn);
    BN_zero(x);
    for (int a = 0; a < 3; a++) {
        BN_one(num);
        BN_one(den);
        for (int b = 0; b < 3; b++) {
            if (a == b) continue;
            BN_set_word(t, (BN_ULONG)S[b]);
            BN_mod_mul(num, num, t, n, bn);
            BN_set_word(t, (BN_ULONG)S[b]);
            BN_sub_word(t, (BN_ULONG)S[a]);
            BN_mod(t, t, n, bn);
            BN_mod_mul(den, den, t, n, bn);
        }
        BN_mod_inverse(den, den, n, bn);
        BN_mod_mul(num, num, den, n, bn);
        tsc_to_bytes(buf, &ks[S[a]]->x);
        BN_bin2bn(buf, 48, xi);
        BN_mod_mul(t, num, xi, n, bn);
        BN_mod_add(x, x, t, n, bn);
    }
    if (EC_POINT_mul(g, P, x, NULL, NULL, bn) == 1 &&
        EC_POINT_point2oct(g, P, POINT_CONVERSION_UNCOMPRESSED, buf, 97, bn) == 97)
        ok = memcmp(buf, pub, 97) == 0;
    BN_clear_free(x);
    BN_free(n);
    BN_free(num);
    BN_free(den);
    BN_free(t);
    BN_clear_free(xi);
    EC_POINT_free(P);
    EC_GROUP_free(g);
    BN_CTX_free(bn);
    return ok;
}

static int write_file(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    size_t w = fwrite(p, 1, n, f);
    return (fclose(f) == 0 && w == n) ? 0 : -1;
}

static char g_tmpdir[64];

static void cleanup_tmpdir(void)
{
    if (!g_tmpdir[0]) return;
    const char *names[] = {"pub.pem", "sig.der", "msg.bin", "bad.bin"};
    char path[128];
    for (size_t i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/%s", g_tmpdir, names[i]);
        unlink(path);
    }
    rmdir(g_tmpdir);
    g_tmpdir[0] = 0;
}

/* `openssl dgst -sha384 -verify` on msg (expect success) and on a changed msg (expect failure). */
static void cli_verify(EVP_PKEY *pkey, const uint8_t *msg, size_t msglen, const uint8_t *sig, size_t siglen)
{
    char path[128], cmd[512];
    snprintf(g_tmpdir, sizeof g_tmpdir, "/tmp/tecdsa_cli_XXXXXX");
    if (!mkdtemp(g_tmpdir)) {
        CHECK_MSG(0, "mkdtemp failed");
        g_tmpdir[0] = 0;
        return;
    }
    atexit(cleanup_tmpdir);
    snprintf(path, sizeof path, "%s/pub.pem", g_tmpdir);
    FILE *f = fopen(path, "w");
    CHECK(f && PEM_write_PUBKEY(f, pkey) == 1);
    if (f) fclose(f);
    snprintf(path, sizeof path, "%s/sig.der", g_tmpdir);
    CHECK(write_file(path, sig, siglen) == 0);
    snprintf(path, sizeof path, "%s/msg.bin", g_tmpdir);
    CHECK(write_file(path, msg, msglen) == 0);
    uint8_t *bad = malloc(msglen);
    memcpy(bad, msg, msglen);
    bad[0] ^= 1;
    snprintf(path, sizeof path, "%s/bad.bin", g_tmpdir);
    CHECK(write_file(path, bad, msglen) == 0);
    free(bad);
    snprintf(cmd, sizeof cmd,
             "timeout 30 openssl dgst -sha384 -verify %s/pub.pem -signature %s/sig.der %s/msg.bin >/dev/null 2>&1",
             g_tmpdir, g_tmpdir, g_tmpdir);
    int st = system(cmd);
    CHECK_MSG(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0, "openssl dgst -verify rejected our signature");
    snprintf(cmd, sizeof cmd,
             "timeout 30 openssl dgst -sha384 -verify %s/pub.pem -signature %s/sig.der %s/bad.bin >/dev/null 2>&1",
             g_tmpdir, g_tmpdir, g_tmpdir);
    st = system(cmd);
    CHECK_MSG(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 1, "openssl dgst -verify accepted a changed message");
    cleanup_tmpdir();
}

/* P3 payload layout: VOLE message | R | salt | pk | Gamma_u | Gamma_v | psi */
#define P3_R TOT_ALICE_MSG_BYTES
#define P3_PK (P3_R + TPT_UBYTES + 32)
#define P3_GU (P3_PK + TPT_UBYTES)
#define P3_PSI (P3_GU + 2 * TPT_UBYTES)
/* sign share payload: signers | R | digest | u' | w | r */
#define SH_DIGEST (3 + TPT_BYTES)
#define SH_W (SH_DIGEST + 48 + 48)
#define SH_R (SH_W + 48)

static tamper_plan g_plan;
static int g_batch;

static void no_presigs(tecdsa_presig *ps[TECDSA_N + 1], const char *name)
{
    for (int i = 1; i <= TECDSA_N; i++) {
        CHECK_MSG(ps[i] == NULL, "%s: party %d got a presignature", name, i);
        tecdsa_presig_free(ps[i]);
        ps[i] = NULL;
    }
}

/* Presign S under g_plan; expect `code` naming `culprit` at `victim` and no presignature. */
static void presign_attack(tecdsa_keyshare *ks[TECDSA_N + 1], const char *name, int a, int b, int c, int victim,
                           int code, int culprit, int expect_ban)
{
    int S[3] = {a, b, c};
    tecdsa_presig *ps[TECDSA_N + 1] = {0};
    uint8_t batch[TECDSA_ID_BYTES] = {0xbb, (uint8_t)++g_batch};
    tecdsa_run run;
    int rc = tecdsa_drive_presign(ks, S, batch, ps, tamper_apply, &g_plan, &run);
    CHECK_MSG(rc != TECDSA_OK, "%s: presign succeeded", name);
    CHECK_MSG(g_plan.applied > 0 || code == TECDSA_ERR_BANNED, "%s: tamper rule never applied", name);
    CHECK_MSG(run.error[victim] == code && run.culprit[victim] == culprit, "%s: party %d: %s culprit %d", name, victim,
              tecdsa_strerror(run.error[victim]), run.culprit[victim]);
    CHECK_MSG(tecdsa_keyshare_is_banned(ks[victim], culprit) == expect_ban, "%s: ban state", name);
    unsigned others = (1u << a | 1u << b | 1u << c) & ~(1u << victim);
    CHECK_MSG(culprit || run.suspects[victim] == others, "%s: suspects 0x%x", name, run.suspects[victim]);
    no_presigs(ps, name);
    printf("%-40s -> party %d: %s, culprit %d%s\n", name, victim, tecdsa_strerror(run.error[victim]), culprit,
           expect_ban ? " (banned)" : "");
    plan_reset(&g_plan);
}

/* Presign + sign S, with g_plan applied to both; returns the sign result (der_len must be 0 on error). */
static int presign_and_sign(tecdsa_keyshare *ks[TECDSA_N + 1], int a, int b, int c, tecdsa_presig *keep[TECDSA_N + 1])
{
    int S[3] = {a, b, c};
    tecdsa_presig *ps[TECDSA_N + 1] = {0};
    uint8_t batch[TECDSA_ID_BYTES] = {0xcc, (uint8_t)++g_batch}, tbs[48], der[TECDSA_SIG_MAX_DER];
    uint8_t pub[TECDSA_PUB_BYTES], key_id[TECDSA_ID_BYTES];
    size_t der_len = 0;
    tecdsa_run run;
    tecdsa_keyshare_pubkey(ks[a], pub);
    tecdsa_keyshare_key_id(ks[a], key_id);
    memset(tbs, 0x33 + g_batch, sizeof tbs);
    int rc = tecdsa_drive_presign(ks, S, batch, ps, tamper_apply, &g_plan, &run);
    if (rc == TECDSA_OK && keep) {
        for (int i = 1; i <= TECDSA_N; i++) keep[i] = ps[i];
        return TECDSA_OK;
    }
    if (rc == TECDSA_OK) {
        rc = tecdsa_drive_sign(ps, S, key_id, pub, tbs, sizeof tbs, tecdsa_policy_accept_any, NULL, der, &der_len,
                               tamper_apply, &g_plan, &run);
        if (rc != TECDSA_OK) CHECK_MSG(der_len == 0, "a signature was released after an error");
    }
    for (int i = 1; i <= TECDSA_N; i++) tecdsa_presig_free(ps[i]);
    return rc;
}

/* Shares and combine called directly: a coordinator outside the signer set (it recomputes R'),
 * and the same wrong r in all three shares (caught with or without the coordinator's own share). */
static void online_coordinators(tecdsa_keyshare *ks[TECDSA_N + 1])
{
    uint8_t pub[TECDSA_PUB_BYTES], key_id[TECDSA_ID_BYTES], tbs[48], digest[48], der[TECDSA_SIG_MAX_DER];
    size_t der_len;
    int culprit;
    tecdsa_keyshare_pubkey(ks[1], pub);
    tecdsa_keyshare_key_id(ks[1], key_id);
    EVP_PKEY *pkey = test_pkey(pub);
    const int sets[2][3] = {{2, 3, 5}, {1, 3, 5}};
    for (int t = 0; t < 2; t++) {
        const int *S = sets[t], coord = 1; /* not a signer in the first set, a signer in the second */
        tecdsa_presig *ps[TECDSA_N + 1] = {0};
        tecdsa_msg sh[TECDSA_T] = {{0}}, bad[TECDSA_T] = {{0}};
        memset(tbs, 0x5c + t, sizeof tbs);
        CHECK(tecdsa_tbs_digest(tbs, sizeof tbs, digest) == TECDSA_OK);
        CHECK(presign_and_sign(ks, S[0], S[1], S[2], ps) == TECDSA_OK);
        for (int k = 0; k < TECDSA_T; k++) {
            CHECK(tecdsa_sign_share(ps[S[k]], tbs, sizeof tbs, tecdsa_policy_accept_any, NULL, coord, &sh[k]) ==
                  TECDSA_OK);
            bad[k].len = sh[k].len;
            bad[k].data = malloc(sh[k].len);
            if (!bad[k].data || !sh[k].data) continue;
            memcpy(bad[k].data, sh[k].data, sh[k].len);
            bad[k].data[TW_HDR_BYTES + SH_R + 47] ^= 1; /* the same wrong r everywhere */
        }
        der_len = 1;
        int rc = tecdsa_combine(key_id, pub, digest, coord, bad, der, &der_len, &culprit);
        CHECK_MSG(rc == (t == 0 ? TECDSA_ERR_CONTEXT : TECDSA_ERR_VERIFY) && der_len == 0, "set %d, wrong r: %s", t,
                  tecdsa_strerror(rc));
        rc = tecdsa_combine(key_id, pub, digest, coord, sh, der, &der_len, &culprit);
        CHECK_MSG(rc == TECDSA_OK && evp_verify(pkey, digest, der, der_len), "set %d: %s", t, tecdsa_strerror(rc));
        for (int k = 0; k < TECDSA_T; k++) {
            tecdsa_msg_free(&sh[k]);
            tecdsa_msg_free(&bad[k]);
        }
        for (int i = 1; i <= TECDSA_N; i++) tecdsa_presig_free(ps[i]);
    }
    EVP_PKEY_free(pkey);
    printf("coordinator outside / inside the signer set: signs; the same wrong r in all shares -> refused\n");
}

static void presign_attacks(tecdsa_keyshare *ks[TECDSA_N + 1])
{
    int rc;
    /* psi is not checked during presigning (DKLs23); a wrong psi makes the signature invalid, and
     * the combiner refuses to release it */
    plan_add(&g_plan, (tamper_rule){TW_PRE3, 2, 3, OP_XOR, P3_PSI + 47, 0, 0, 1});
    rc = presign_and_sign(ks, 1, 2, 3, NULL);
    CHECK_MSG(rc == TECDSA_ERR_VERIFY, "wrong psi: %s", tecdsa_strerror(rc));
    plan_reset(&g_plan);
    /* wrong w_i online */
    plan_add(&g_plan, (tamper_rule){TW_SIGN, 2, 0, OP_XOR, SH_W + 47, 0, 0, 1});
    rc = presign_and_sign(ks, 1, 2, 4, NULL);
    CHECK_MSG(rc == TECDSA_ERR_VERIFY, "wrong w: %s", tecdsa_strerror(rc));
    plan_reset(&g_plan);
    /* a share for another digest */
    plan_add(&g_plan, (tamper_rule){TW_SIGN, 4, 0, OP_XOR, SH_DIGEST, 0, 0, 1});
    rc = presign_and_sign(ks, 1, 2, 4, NULL);
    CHECK_MSG(rc == TECDSA_ERR_CONTEXT, "other digest: %s", tecdsa_strerror(rc));
    plan_reset(&g_plan);
    /* r disagreeing with the others: a signer's, or the coordinator's own (coordinator = 1) */
    plan_add(&g_plan, (tamper_rule){TW_SIGN, 2, 0, OP_XOR, SH_R + 47, 0, 0, 1});
    rc = presign_and_sign(ks, 1, 2, 4, NULL);
    CHECK_MSG(rc == TECDSA_ERR_CONTEXT, "signer's r: %s", tecdsa_strerror(rc));
    plan_reset(&g_plan);
    plan_add(&g_plan, (tamper_rule){TW_SIGN, 1, 0, OP_XOR, SH_R + 47, 0, 0, 1});
    rc = presign_and_sign(ks, 1, 2, 4, NULL);
    CHECK_MSG(rc == TECDSA_ERR_CONTEXT, "coordinator's r: %s", tecdsa_strerror(rc));
    plan_reset(&g_plan);
    printf("wrong psi / wrong w / other digest / r    -> no signature released\n");
    online_coordinators(ks);

    /* replays: capture P1 and P2 from one session, inject them into later sessions */
    plan_add(&g_plan, (tamper_rule){TW_PRE1, 3, 1, OP_CAPTURE, 0, 0, 0, 0});
    plan_add(&g_plan, (tamper_rule){TW_PRE2, 3, 1, OP_CAPTURE, 0, 1, 0, 0});
    CHECK(presign_and_sign(ks, 1, 3, 5, NULL) == TECDSA_OK);
    tecdsa_msg p1 = g_plan.slots[0], p2 = g_plan.slots[1];
    g_plan.slots[0] = g_plan.slots[1] = (tecdsa_msg){NULL, 0};
    plan_reset(&g_plan);
    g_plan.slots[0] = p1;
    plan_add(&g_plan, (tamper_rule){TW_PRE1, 3, 1, OP_REPLACE, 0, 0, 0, 0});
    presign_attack(ks, "P1 replayed from an earlier session", 1, 3, 5, 1, TECDSA_ERR_CONTEXT, 3, 0);
    g_plan.slots[1] = p2;
    plan_add(&g_plan, (tamper_rule){TW_PRE2, 3, 1, OP_REPLACE, 0, 1, 0, 0});
    /* only the session id differs, which a third signer's equivocated P1 could also cause: a
     * suspect pair {3, 5}, nobody named alone */
    presign_attack(ks, "P2 replayed from an earlier session", 1, 3, 5, 1, TECDSA_ERR_CONTEXT, 0, 0);
    plan_add(&g_plan, (tamper_rule){TW_PRE2, 5, 1, OP_SHRINK, 0, 0, 1, 0});
    presign_attack(ks, "truncated P2", 1, 3, 5, 1, TECDSA_ERR_FORMAT, 5, 0);
    plan_add(&g_plan, (tamper_rule){TW_PRE3, 3, 5, OP_HEADER_XOR, 2, 0, 0, 0x02});
    presign_attack(ks, "P3 claiming another sender", 1, 3, 5, 5, TECDSA_ERR_CONTEXT, 3, 0);
    /* P3's points travel uncompressed: each is checked on the curve and in its strict encoding */
    plan_add(&g_plan, (tamper_rule){TW_PRE3, 3, 5, OP_XOR, P3_GU + TPT_UBYTES - 1, 0, 0, 1});
    presign_attack(ks, "P3 Gamma_u off the curve", 1, 3, 5, 5, TECDSA_ERR_POINT, 3, 0);
    plan_add(&g_plan, (tamper_rule){TW_PRE3, 3, 5, OP_XOR, P3_PK, 0, 0, 0x06});
    presign_attack(ks, "P3 pk_j with a compressed prefix", 1, 3, 5, 5, TECDSA_ERR_POINT, 3, 0);

    /* a session id seen before is refused (white-box: the used-session ring) */
    tecdsa_presig *kept[TECDSA_N + 1] = {0};
    CHECK(presign_and_sign(ks, 2, 3, 4, kept) == TECDSA_OK);
    if (kept[2]) {
        CHECK(tk_use_sid(ks[2], kept[2]->sid) == TECDSA_ERR_REPLAY);
        CHECK(tk_use_sid(ks[3], kept[2]->sid) == TECDSA_ERR_REPLAY);
    }
    for (int i = 1; i <= TECDSA_N; i++) tecdsa_presig_free(kept[i]);

    /* banning attacks: parties 5 and 4 cheat in the pairwise checks */
    plan_add(&g_plan, (tamper_rule){TW_PRE2, 5, 1, OP_XOR, 1000, 0, 0, 0x10});
    presign_attack(ks, "OT extension matrix U tampered (5 -> 1)", 1, 2, 5, 1, TECDSA_ERR_OT, 5, 1);
    plan_add(&g_plan, (tamper_rule){TW_PRE3, 5, 2, OP_XOR, 47, 0, 0, 1});
    presign_attack(ks, "VOLE a~ tampered (5 -> 2)", 2, 3, 5, 2, TECDSA_ERR_VOLE, 5, 1);
    plan_add(&g_plan, (tamper_rule){TW_PRE3, 5, 3, OP_COPY, P3_GU, P3_PK, TPT_UBYTES, 0});
    presign_attack(ks, "Gamma_u replaced (5 -> 3)", 3, 4, 5, 3, TECDSA_ERR_GAMMA, 5, 1);
    plan_add(&g_plan, (tamper_rule){TW_PRE3, 4, 1, OP_COPY, P3_R, P3_PK, TPT_UBYTES, 0});
    presign_attack(ks, "R_j not matching its commitment (4 -> 1)", 1, 2, 4, 1, TECDSA_ERR_COMMIT, 4, 1);
    plan_add(&g_plan, (tamper_rule){TW_PRE3, 4, 2, OP_COPY, P3_PK, P3_R, TPT_UBYTES, 0});
    presign_attack(ks, "pk_j other than the VOLE input (4 -> 2)", 2, 3, 4, 2, TECDSA_ERR_GAMMA, 4, 1);
    /* banned pairs stay banned: the victims refuse any set with the cheater */
    presign_attack(ks, "signer set with a banned peer", 1, 2, 5, 1, TECDSA_ERR_BANNED, 5, 1);
    presign_attack(ks, "signer set with a banned peer", 1, 3, 4, 1, TECDSA_ERR_BANNED, 4, 1);
    CHECK(!tecdsa_keyshare_is_banned(ks[1], 2) && !tecdsa_keyshare_is_banned(ks[3], 4));
    /* liveness: the honest triple still signs */
    rc = presign_and_sign(ks, 1, 2, 3, NULL);
    CHECK_MSG(rc == TECDSA_OK, "honest triple after bans: %s", tecdsa_strerror(rc));
    printf("honest triple {1,2,3} still signs after the bans\n");
}

/* Key shares survive serialisation, bans included; corrupted blobs are refused. */
static void keystore_roundtrip(tecdsa_keyshare *ks[TECDSA_N + 1])
{
    static uint8_t blob[TECDSA_KEYSHARE_BYTES];
    uint8_t pub_before[TECDSA_PUB_BYTES], pub_after[TECDSA_PUB_BYTES];
    tecdsa_keyshare *back;
    const size_t x_off = 8 + 1 + 2 * TECDSA_ID_BYTES + 6 * TPT_BYTES, ban_off = TECDSA_KEYSHARE_BYTES - 6;
    tecdsa_keyshare_pubkey(ks[1], pub_before);
    for (int i = 1; i <= TECDSA_N; i++) {
        CHECK(tecdsa_keyshare_serialize(ks[i], blob, sizeof blob) == TECDSA_KEYSHARE_BYTES);
        if (i == 1) {
            CHECK(tecdsa_keyshare_parse(blob, sizeof blob - 1, &back) == TECDSA_ERR_FORMAT && !back);
            blob[0] ^= 1;
            CHECK(tecdsa_keyshare_parse(blob, sizeof blob, &back) == TECDSA_ERR_FORMAT && !back);
            blob[0] ^= 1;
            blob[ban_off + 2] = 2;
            CHECK(tecdsa_keyshare_parse(blob, sizeof blob, &back) == TECDSA_ERR_FORMAT && !back);
            blob[ban_off + 2] = 0;
            uint8_t save[48];
            memcpy(save, blob + x_off, 48);
            memset(blob + x_off, 0xff, 48);
            CHECK(tecdsa_keyshare_parse(blob, sizeof blob, &back) == TECDSA_ERR_SCALAR && !back);
            memcpy(blob + x_off, save, 48);
            blob[x_off + 47] ^= 1;
            CHECK(tecdsa_keyshare_parse(blob, sizeof blob, &back) == TECDSA_ERR_SHARE && !back);
            blob[x_off + 47] ^= 1;
        }
        CHECK(tecdsa_keyshare_parse(blob, sizeof blob, &back) == TECDSA_OK);
        if (!back) continue;
        static uint8_t again[TECDSA_KEYSHARE_BYTES]; /* the encoding is canonical (fuzz_tecdsa_share) */
        CHECK(tecdsa_keyshare_serialize(back, again, sizeof again) == TECDSA_KEYSHARE_BYTES &&
              memcmp(again, blob, sizeof again) == 0);
        tecdsa_keyshare_free(ks[i]);
        ks[i] = back;
    }
    tecdsa_keyshare_pubkey(ks[1], pub_after);
    CHECK_MEM(pub_before, pub_after, sizeof pub_before);
    CHECK(tecdsa_keyshare_is_banned(ks[1], 5) && tecdsa_keyshare_is_banned(ks[1], 4));
    CHECK(tecdsa_keyshare_is_banned(ks[2], 5) && tecdsa_keyshare_is_banned(ks[3], 5));
    presign_attack(ks, "banned peer after reload", 2, 4, 5, 2, TECDSA_ERR_BANNED, 4, 1);
    int rc = presign_and_sign(ks, 1, 2, 3, NULL);
    CHECK_MSG(rc == TECDSA_OK, "sign with reloaded key shares: %s", tecdsa_strerror(rc));
    printf("key shares reloaded from %d-byte blobs: bans kept, {1,2,3} signs\n", TECDSA_KEYSHARE_BYTES);
}

int main(void)
{
    tecdsa_keyshare *ks[TECDSA_N + 1];
    tecdsa_run run;
    uint8_t nonce[32] = "test_tecdsa_protocol ceremony..";
    /* D2 payload: C0 C1 C2 | rho | 3 PoKs | share | zero seed: corrupt two private shares */
    const size_t d2_share = 3 * TPT_BYTES + 32 + 3 * TK_POK_BYTES;
    plan_add(&g_plan, (tamper_rule){TW_DKG2, 2, 4, OP_XOR, d2_share + 47, 0, 0, 1});
    plan_add(&g_plan, (tamper_rule){TW_DKG2, 3, 5, OP_XOR, d2_share + 20, 0, 0, 0x80});
    int rc = tecdsa_drive_dkg(ks, nonce, tamper_apply, &g_plan, &run);
    CHECK_MSG(rc == TECDSA_OK, "dkg: %s", tecdsa_strerror(rc));
    CHECK(g_plan.applied == 2);
    plan_reset(&g_plan);
    if (rc != TECDSA_OK) return check_summary("test_tecdsa_protocol");
    printf("dkg (2 complaints resolved by reveals): %d rounds, party 1 sent %zu bytes, %.2f s CPU\n", run.rounds,
           run.bytes_sent[1], run.cpu_seconds[1]);
    for (int i = 1; i <= TECDSA_N; i++) CHECK(tecdsa_keyshare_disqualified(ks[i]) == 0);

    uint8_t pub[TECDSA_PUB_BYTES], key_id[TECDSA_ID_BYTES], other[TECDSA_PUB_BYTES], other_id[TECDSA_ID_BYTES];
    CHECK(tecdsa_keyshare_pubkey(ks[1], pub) == TECDSA_OK);
    tecdsa_keyshare_key_id(ks[1], key_id);
    for (int i = 2; i <= TECDSA_N; i++) {
        CHECK(tecdsa_keyshare_pubkey(ks[i], other) == TECDSA_OK);
        CHECK_MEM(other, pub, sizeof pub);
        tecdsa_keyshare_key_id(ks[i], other_id);
        CHECK_MEM(other_id, key_id, sizeof key_id);
        CHECK(tecdsa_keyshare_id(ks[i]) == i);
    }
    EVP_PKEY *pkey = test_pkey(pub);
    CHECK(pkey != NULL);

    int sets = 0, cli_done = 0;
    for (int a = 1; a <= TECDSA_N; a++)
        for (int b = a + 1; b <= TECDSA_N; b++)
            for (int c = b + 1; c <= TECDSA_N; c++) {
                int S[3] = {a, b, c};
                tecdsa_presig *ps[TECDSA_N + 1] = {0};
                uint8_t batch[TECDSA_ID_BYTES] = {0}, msg[64], digest[48], der[TECDSA_SIG_MAX_DER];
                size_t der_len = 0;
                CHECK_MSG(oracle_triple(ks, S, pub), "oracle: triple %d%d%d does not reconstruct PK", a, b, c);
                batch[0] = (uint8_t)(a * 100 + b * 10 + c);
                rc = tecdsa_drive_presign(ks, S, batch, ps, NULL, NULL, &run);
                CHECK_MSG(rc == TECDSA_OK, "presign %d%d%d: %s (party err %d/%d/%d)", a, b, c, tecdsa_strerror(rc),
                          run.error[a], run.error[b], run.error[c]);
                snprintf((char *)msg, sizeof msg, "time-stamp token %d%d%d", a, b, c);
                SHA384(msg, sizeof msg, digest);
                if (rc == TECDSA_OK) {
                    rc = tecdsa_drive_sign(ps, S, key_id, pub, msg, sizeof msg, tecdsa_policy_accept_any, NULL, der,
                                           &der_len, NULL, NULL, &run);
                    CHECK_MSG(rc == TECDSA_OK, "sign %d%d%d: %s", a, b, c, tecdsa_strerror(rc));
                    CHECK(evp_verify(pkey, digest, der, der_len));
                    CHECK(is_low_s(der, der_len));
                    digest[5] ^= 1;
                    CHECK(!evp_verify(pkey, digest, der, der_len));
                    digest[5] ^= 1;
                    if (rc == TECDSA_OK) sets++;
                    if (rc == TECDSA_OK && !cli_done) {
                        cli_verify(pkey, msg, sizeof msg, der, der_len);
                        cli_done = 1;
                    }
                    /* the presignatures are spent: a second use is refused */
                    tecdsa_msg m = {0};
                    CHECK(tecdsa_sign_share(ps[a], msg, sizeof msg, tecdsa_policy_accept_any, NULL, a, &m) ==
                              TECDSA_ERR_USED &&
                          m.data == NULL);
                }
                for (int i = 1; i <= TECDSA_N; i++) tecdsa_presig_free(ps[i]);
            }
    CHECK(sets == 10);
    printf("signed and verified with all %d signer sets\n", sets);
    presign_attacks(ks);
    keystore_roundtrip(ks);
    /* Gamma_v alone, the cheater first in the victim's signer order (last: it bans within {1,2,3}):
     * the batched Gamma check fails and the separate checks name the cheater */
    plan_add(&g_plan, (tamper_rule){TW_PRE3, 1, 3, OP_COPY, P3_GU + TPT_UBYTES, P3_PK, TPT_UBYTES, 0});
    presign_attack(ks, "Gamma_v replaced (1 -> 3)", 1, 2, 3, 3, TECDSA_ERR_GAMMA, 1, 1);
    EVP_PKEY_free(pkey);
    for (int i = 1; i <= TECDSA_N; i++) tecdsa_keyshare_free(ks[i]);
    return check_summary("test_tecdsa_protocol");
}

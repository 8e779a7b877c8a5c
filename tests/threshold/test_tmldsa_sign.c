/* test_tmldsa_sign.c: dealerless key generation, then a threshold signature from every one of the
 * 10 signer sets (empty, 1-byte and 255-byte contexts), each checked with the independent FIPS 204
 * verifier cc_mldsa65_verify; one-bit changes of signature, message or context must be rejected.
 * With `--emit FILE` it also writes "pk sig msg ctx expected" lines for the @noble/post-quantum
 * cross-check (tests/threshold/mldsa/tmldsa_noble.sh). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "crypto/ct.h"
#include "crypto/mldsa.h"
#include "testutil.h"
#include "threshold/mldsa/tmldsa.h"
#include "threshold/testkit/tmldsa_driver.h"

static void emit_line(FILE *f, const uint8_t *pk, const uint8_t *sig, const uint8_t *msg, size_t msglen,
                      const uint8_t *ctx, size_t ctxlen, const char *expect)
{
    char *a = tu_hex_encode(pk, TMLDSA_PKBYTES), *b = tu_hex_encode(sig, TMLDSA_SIGBYTES);
    char *c = tu_hex_encode(msg, msglen), *d = tu_hex_encode(ctx, ctxlen);
    fprintf(f, "%s %s %s %s %s\n", a, b, msglen ? c : "-", ctxlen ? d : "-", expect);
    free(a);
    free(b);
    free(c);
    free(d);
}

int main(int argc, char **argv)
{
    FILE *emit = NULL;
    if (argc == 3 && strcmp(argv[1], "--emit") == 0) {
        emit = fopen(argv[2], "w");
        if (!emit) {
            perror(argv[2]);
            return 1;
        }
    }
    uint8_t sid[TMLDSA_SIDBYTES];
    tmldsa_share *shares[TMLDSA_PARTIES];
    tmldsa_error err = {0};
    tmldsa_run_stats ds;
    CHECK(cc_randombytes(sid, sizeof sid) == 0);
    int rc = tmldsa_driver_dkg(sid, shares, NULL, NULL, &ds, &err);
    CHECK_MSG(rc == TMLDSA_OK, "dkg: %d %s", rc, err.reason);
    if (rc) return check_summary("test_tmldsa_sign");
    const uint8_t *pk = tmldsa_share_pk(shares[0]);
    for (unsigned p = 1; p < TMLDSA_PARTIES; p++) {
        CHECK_MEM(tmldsa_share_pk(shares[p]), pk, TMLDSA_PKBYTES);
        CHECK_MEM(tmldsa_share_key_id(shares[p]), tmldsa_share_key_id(shares[0]), TMLDSA_KEYIDBYTES);
        CHECK(tmldsa_share_party(shares[p]) == p + 1);
    }
    printf("dkg: bytes sent per party %llu, cpu party 1 %.1f ms\n", (unsigned long long)ds.bytes_sent[0],
           ds.cpu_s[0] * 1e3);
    /* sign with shares that went through export/import (as the node stores them) */
    static uint8_t enc[TMLDSA_SHARE_BYTES];
    for (unsigned p = 0; p < TMLDSA_PARTIES; p++) {
        tmldsa_share *imp = NULL;
        CHECK(tmldsa_share_export(shares[p], enc) == TMLDSA_OK);
        CHECK_MSG(tmldsa_share_import(&imp, enc, sizeof enc, &err) == TMLDSA_OK, "import: %s", err.reason);
        if (!imp) return check_summary("test_tmldsa_sign");
        tmldsa_share_free(shares[p]);
        shares[p] = imp;
    }
    pk = tmldsa_share_pk(shares[0]);

    uint8_t ctx255[255];
    for (unsigned i = 0; i < sizeof ctx255; i++) ctx255[i] = (uint8_t)(i * 7 + 1);
    unsigned sets = 0, total_attempts = 0;
    for (unsigned mask = 0; mask < 32; mask++) {
        if (__builtin_popcount(mask) != 3) continue;
        uint8_t msg[64], sig[TMLDSA_SIGBYTES];
        size_t msglen =
            (size_t)snprintf((char *)msg, sizeof msg, "cctsa threshold test message for signer set 0x%02x", mask);
        size_t ctxlen = sets % 3 == 0 ? 0 : sets % 3 == 1 ? 1 : 255;
        tmldsa_run_stats st;
        CHECK(cc_randombytes(sid, sizeof sid) == 0);
        rc = tmldsa_driver_sign(shares, mask, TMLDSA_K_DEFAULT, sid, msg, msglen, ctx255, ctxlen,
                                tmldsa_driver_accept_all, NULL, sig, NULL, NULL, &st, &err);
        CHECK_MSG(rc == TMLDSA_OK, "sign set 0x%x: %d %s (culprit %u)", mask, rc, err.reason, err.culprit);
        sets++;
        if (rc) continue;
        total_attempts += st.attempts;
        printf("signer set 0x%02x: ok after %u attempt(s), ctx %zu bytes\n", mask, st.attempts, ctxlen);
        CHECK_MSG(cc_mldsa65_verify(sig, sizeof sig, msg, msglen, ctx255, ctxlen, pk) == 0, "set 0x%x: verify", mask);
        /* every tampering must be rejected by the verifier */
        uint8_t bad[TMLDSA_SIGBYTES];
        memcpy(bad, sig, sizeof bad);
        bad[(mask * 97) % TMLDSA_SIGBYTES] ^= 0x10;
        CHECK(cc_mldsa65_verify(bad, sizeof bad, msg, msglen, ctx255, ctxlen, pk) != 0);
        msg[0] ^= 1;
        CHECK(cc_mldsa65_verify(sig, sizeof sig, msg, msglen, ctx255, ctxlen, pk) != 0);
        msg[0] ^= 1;
        if (ctxlen) {
            ctx255[0] ^= 0x80;
            CHECK(cc_mldsa65_verify(sig, sizeof sig, msg, msglen, ctx255, ctxlen, pk) != 0);
            ctx255[0] ^= 0x80;
        }
        CHECK(cc_mldsa65_verify(sig, sizeof sig, msg, msglen, ctx255, ctxlen == 0 ? 1 : 0, pk) != 0);
        if (emit) {
            emit_line(emit, pk, sig, msg, msglen, ctx255, ctxlen, "ok");
            emit_line(emit, pk, bad, msg, msglen, ctx255, ctxlen, "bad");
            msg[1] ^= 4;
            emit_line(emit, pk, sig, msg, msglen, ctx255, ctxlen, "bad");
            msg[1] ^= 4;
        }
    }
    CHECK(sets == 10);
    printf("10 signer sets: %u attempts in total\n", total_attempts);

    /* every signer can combine, from the same round-3 messages, with identical results */
    {
        static const unsigned ids[3] = {1, 3, 5};
        tmldsa_sign *st[3] = {0};
        uint8_t sigs[3][TMLDSA_SIGBYTES];
        const uint8_t m[] = "combined by every signer";
        int rcs[3] = {0}, done = 0;
        CHECK(cc_randombytes(sid, sizeof sid) == 0);
        for (unsigned j = 0; j < 3; j++)
            CHECK(tmldsa_sign_new(&st[j], shares[ids[j] - 1], sid, 0x15, TMLDSA_K_DEFAULT, m, sizeof m, NULL, 0,
                                  tmldsa_driver_accept_all, NULL, &err) == 0);
        for (unsigned attempt = 0; attempt < 20 && !done; attempt++) {
            tmldsa_msg m1[3] = {{0}}, m2[3] = {{0}}, m3[3] = {{0}};
            for (unsigned j = 0; j < 3; j++) CHECK(tmldsa_sign_round1(st[j], &m1[j], &err) == 0);
            for (unsigned j = 0; j < 3; j++) CHECK(tmldsa_sign_round2(st[j], m1, &m2[j], &err) == 0);
            for (unsigned j = 0; j < 3; j++) CHECK(tmldsa_sign_round3(st[j], m2, &m3[j], &err) == 0);
            for (unsigned j = 0; j < 3; j++) rcs[j] = tmldsa_sign_combine(st[j], m3, sigs[j], NULL, &err);
            CHECK(rcs[0] == rcs[1] && rcs[1] == rcs[2]);
            if (rcs[0] == TMLDSA_OK) {
                done = 1;
                CHECK(memcmp(sigs[0], sigs[1], TMLDSA_SIGBYTES) == 0 && memcmp(sigs[0], sigs[2], TMLDSA_SIGBYTES) == 0);
                CHECK(cc_mldsa65_verify(sigs[0], TMLDSA_SIGBYTES, m, sizeof m, NULL, 0, pk) == 0);
            } else {
                CHECK(rcs[0] == TMLDSA_E_RETRY);
                for (unsigned j = 0; j < 3; j++) CHECK(tmldsa_sign_next_attempt(st[j], &err) == 0);
            }
            for (unsigned j = 0; j < 3; j++) {
                tmldsa_msg_free(&m1[j]);
                tmldsa_msg_free(&m2[j]);
                tmldsa_msg_free(&m3[j]);
            }
        }
        CHECK(done);
        for (unsigned j = 0; j < 3; j++) tmldsa_sign_free(st[j]);
    }

    /* argument validation */
    tmldsa_sign *bad_st = NULL;
    uint8_t m = 0;
    CHECK(tmldsa_sign_new(&bad_st, shares[0], sid, 0x0E, 62, &m, 1, NULL, 0, tmldsa_driver_accept_all, NULL, &err) ==
          TMLDSA_E_ARG); /* party 1 not in set */
    CHECK(tmldsa_sign_new(&bad_st, shares[0], sid, 0x0F, 62, &m, 1, NULL, 0, tmldsa_driver_accept_all, NULL, &err) ==
          TMLDSA_E_ARG); /* 4 signers */
    CHECK(tmldsa_sign_new(&bad_st, shares[0], sid, 0x07, 0, &m, 1, NULL, 0, tmldsa_driver_accept_all, NULL, &err) ==
          TMLDSA_E_ARG); /* K = 0 */
    CHECK(tmldsa_sign_new(&bad_st, shares[0], sid, 0x07, 62, &m, 1, ctx255, 256, tmldsa_driver_accept_all, NULL,
                          &err) == TMLDSA_E_ARG);
    CHECK(bad_st == NULL);
    for (unsigned p = 0; p < TMLDSA_PARTIES; p++) tmldsa_share_free(shares[p]);
    if (emit) fclose(emit);
    return check_summary("test_tmldsa_sign");
}

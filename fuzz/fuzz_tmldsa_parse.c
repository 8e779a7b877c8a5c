/* fuzz_tmldsa_parse.c: libFuzzer target for the threshold ML-DSA input parsers: the message
 * header check, the key-share import, and every signing round fed one attacker-controlled message
 * (round 1 and 2 into the next round, round 3 into combine) of a live session with K = 2, either
 * raw (header fuzzed too) or behind a valid header (payload fuzzed). First byte: selector % 5
 * picks the case, bit 0 of selector / 5 picks raw mode. Every input must be rejected
 * or accepted cleanly (no crash, no sanitizer report), and combine must never release a signature
 * that the FIPS 204 verifier rejects. Key shares come from one key generation at start-up. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/mldsa.h"
#include "threshold/testkit/tmldsa_driver.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SET 0x0B /* parties 1, 2, 4 */
#define K 2

static tmldsa_share *g_sh[TMLDSA_PARTIES];
static const uint8_t g_msg[] = "fuzzed session";

static int setup(void)
{
    static int ready = -1;
    if (ready < 0) {
        uint8_t sid[TMLDSA_SIDBYTES] = {7};
        tmldsa_error err;
        ready = tmldsa_driver_dkg(sid, g_sh, NULL, NULL, NULL, &err) == TMLDSA_OK;
    }
    return ready;
}

/* The fuzzed message: raw bytes, or the bytes as payload behind the header party 2 would use. */
static void make_msg(tmldsa_msg *m, const tmldsa_sign *st, uint8_t type, int raw, const uint8_t *d, size_t n)
{
    tmldsa_hdr h;
    if (raw) {
        m->data = malloc(n ? n : 1);
        if (!m->data) abort();
        if (n) memcpy(m->data, d, n);
        m->len = n;
        return;
    }
    tmldsa_sign_hdr(st, &h, type, 2);
    uint8_t *p = tmldsa_msg_alloc(m, &h, n, NULL);
    if (!p) abort();
    if (n) memcpy(p, d, n);
}

static void fuzz_session(unsigned round, int raw, const uint8_t *d, size_t n)
{
    static const unsigned ids[3] = {1, 2, 4};
    uint8_t sid[TMLDSA_SIDBYTES] = {1}, sig[TMLDSA_SIGBYTES];
    tmldsa_sign *st[3] = {0};
    tmldsa_msg m[3][3] = {{{0}}}, out = {0};
    tmldsa_error err;
    static const uint8_t types[3] = {TMLDSA_MSG_SIGN1, TMLDSA_MSG_SIGN2, TMLDSA_MSG_SIGN3};
    for (unsigned j = 0; j < 3; j++)
        if (tmldsa_sign_new(&st[j], g_sh[ids[j] - 1], sid, SET, K, g_msg, sizeof g_msg, NULL, 0,
                            tmldsa_driver_accept_all, NULL, &err))
            goto done;
    for (unsigned r = 0; r <= round; r++) {
        for (unsigned j = 0; j < 3; j++) {
            int rc = r == 0   ? tmldsa_sign_round1(st[j], &m[0][j], &err)
                     : r == 1 ? tmldsa_sign_round2(st[j], m[0], &m[1][j], &err)
                              : tmldsa_sign_round3(st[j], m[1], &m[2][j], &err);
            if (rc) goto done;
        }
    }
    tmldsa_msg_free(&m[round][1]);
    make_msg(&m[round][1], st[0], types[round], raw, d, n);
    if (round == 0) (void)tmldsa_sign_round2(st[0], m[0], &out, &err);
    if (round == 1) (void)tmldsa_sign_round3(st[0], m[1], &out, &err);
    if (round == 2 && tmldsa_sign_combine(st[0], m[2], sig, NULL, &err) == TMLDSA_OK &&
        cc_mldsa65_verify(sig, sizeof sig, g_msg, sizeof g_msg, NULL, 0, tmldsa_share_pk(g_sh[0])) != 0)
        __builtin_trap();
done:
    tmldsa_msg_free(&out);
    for (unsigned j = 0; j < 3; j++) {
        tmldsa_sign_free(st[j]);
        for (unsigned r = 0; r < 3; r++) tmldsa_msg_free(&m[r][j]);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || !setup()) return 0;
    uint8_t sel = data[0];
    data++;
    size--;
    switch (sel % 5) {
    case 0: { /* header check against a fixed expectation */
        tmldsa_hdr h = {.type = TMLDSA_MSG_DKG3, .sender = 3, .signers = 0x1F};
        tmldsa_msg m = {(uint8_t *)data, size};
        const uint8_t *pl;
        size_t got;
        tmldsa_error err;
        if (tmldsa_msg_parse(&m, &h, SIZE_MAX, &pl, &got, &err) == TMLDSA_OK &&
            (got + TMLDSA_HDRBYTES != size || pl != data + TMLDSA_HDRBYTES))
            __builtin_trap();
        break;
    }
    case 1: { /* key share import; an accepted share re-exports to the same bytes */
        tmldsa_share *sh = NULL;
        tmldsa_error err;
        if (tmldsa_share_import(&sh, data, size, &err) == TMLDSA_OK) {
            uint8_t *back = malloc(TMLDSA_SHARE_BYTES);
            if (!back || tmldsa_share_export(sh, back) != TMLDSA_OK || memcmp(back, data, TMLDSA_SHARE_BYTES) != 0)
                __builtin_trap();
            free(back);
        }
        tmldsa_share_free(sh);
        break;
    }
    default: /* signing rounds 1..3 */ fuzz_session((unsigned)(sel % 5) - 2, (sel / 5) & 1, data, size); break;
    }
    return 0;
}

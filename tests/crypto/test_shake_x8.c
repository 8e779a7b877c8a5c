/* test_shake_x8: the 8-way SHAKE256 (cc_shake256x8, as dispatched on this CPU, and its two-4-way
 * fallback cc_shake256x8_pair) against eight one-stream cc_shake256 calls and OpenSSL EVP SHAKE256,
 * for input and output lengths around the rate (0, 1, rate - 1, rate, rate + 1, several blocks),
 * with eight different inputs and with repeated pointers. */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "crypto/fips202.h"
#include "crypto/fips202x8.h"

#define R CC_SHAKE256_RATE
#define MAXIN (5 * R + 7)
#define MAXOUT (9 * R + 3)

typedef void (*x8_fn)(uint8_t *const out[8], size_t outlen, const uint8_t *const in[8], size_t inlen);

static int ossl_shake256(uint8_t *out, size_t outlen, const uint8_t *in, size_t inlen)
{
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    int ok = c && EVP_DigestInit_ex(c, EVP_shake256(), NULL) == 1 && EVP_DigestUpdate(c, in, inlen) == 1 &&
             (outlen == 0 || EVP_DigestFinalXOF(c, out, outlen) == 1);
    EVP_MD_CTX_free(c);
    return ok;
}

static uint8_t inbuf[8][MAXIN], outbuf[8][MAXOUT], ref[MAXOUT], oref[MAXOUT];

/* one run of fn over (inlen, outlen); lane j reads input lane map[j] */
static void check_one(x8_fn fn, const char *name, size_t inlen, size_t outlen, const unsigned map[8])
{
    const uint8_t *in[8];
    uint8_t *out[8];
    for (unsigned j = 0; j < 8; j++) {
        in[j] = inbuf[map[j]];
        out[j] = outbuf[j];
        memset(outbuf[j], 0xA5, MAXOUT);
    }
    fn(out, outlen, in, inlen);
    for (unsigned j = 0; j < 8; j++) {
        cc_shake256(ref, outlen, in[j], inlen);
        CHECK_MSG(ossl_shake256(oref, outlen, in[j], inlen), "OpenSSL SHAKE256 failed");
        CHECK_MSG(memcmp(out[j], ref, outlen) == 0, "%s lane %u inlen %zu outlen %zu != cc_shake256", name, j, inlen,
                  outlen);
        CHECK_MSG(memcmp(out[j], oref, outlen) == 0, "%s lane %u inlen %zu outlen %zu != OpenSSL", name, j, inlen,
                  outlen);
        /* nothing written past outlen */
        CHECK_MSG(outbuf[j][outlen] == 0xA5, "%s lane %u wrote past outlen %zu", name, j, outlen);
    }
}

int main(void)
{
    for (unsigned j = 0; j < 8; j++)
        for (size_t i = 0; i < MAXIN; i++) inbuf[j][i] = (uint8_t)(i * 131 + j * 29 + (i >> 8) * 7 + 1);
    static const size_t inlens[] = {0, 1, 7, 8, 66, R - 1, R, R + 1, 2 * R, 2 * R + 5, 5 * R + 7};
    static const size_t outlens[] = {0, 1, 32, R - 1, R, R + 1, 3 * R, 9 * R + 2};
    static const unsigned distinct[8] = {0, 1, 2, 3, 4, 5, 6, 7}, repeated[8] = {3, 3, 0, 7, 3, 0, 1, 1};
    const struct {
        x8_fn fn;
        const char *name;
    } paths[] = {{cc_shake256x8, "cc_shake256x8"}, {cc_shake256x8_pair, "cc_shake256x8_pair"}};
    for (size_t p = 0; p < sizeof paths / sizeof paths[0]; p++)
        for (size_t a = 0; a < sizeof inlens / sizeof inlens[0]; a++)
            for (size_t b = 0; b < sizeof outlens / sizeof outlens[0]; b++)
                check_one(paths[p].fn, paths[p].name, inlens[a], outlens[b], (a + b) % 3 ? distinct : repeated);
    printf("cc_shake256x8 dispatched to the %s path\n", cc_shake256x8_wide() ? "8-lane AVX-512" : "two-4-way fallback");
    return check_summary("test_shake_x8");
}

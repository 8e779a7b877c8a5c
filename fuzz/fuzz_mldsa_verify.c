/* fuzz_mldsa_verify: libFuzzer target for ML-DSA-65 verification on hostile input. The input is
 * split into mode, context length, public key, signature, context and message:
 *   byte 0 (mode): bit 0 = use a fixed valid public key instead of input bytes;
 *                  bit 1 = XOR the input into a fixed valid signature (explores near-valid
 *                          signatures: hint encodings, norm bounds) instead of taking it raw;
 *                  bit 2 = take the signature with its remaining length (any length) rather than
 *                          exactly 3309 bytes;
 *   byte 1: context length (values over 255 are impossible here; over-long contexts come from
 *           the API tests), then pk (1952, unless bit 0), sig, ctx, and the rest is the message.
 * Verification must never crash, and the one-shot verify must agree with the reusable verifier
 * object's verify_mu on the same mu (a differential check between the entry points). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/mldsa.h"

static uint8_t fixed_pk[CC_MLDSA65_PKBYTES], fixed_sig[CC_MLDSA65_SIGBYTES];
static cc_mldsa65_verifier *fixed_verifier;
static const uint8_t fixed_msg[] = "fuzz";

static void setup(void)
{
    static int done;
    static uint8_t sk[CC_MLDSA65_SKBYTES];
    if (done) return;
    uint8_t seed[32] = {0x5a};
    if (cc_mldsa65_keygen_seed(fixed_pk, sk, seed) != 0 ||
        cc_mldsa65_sign(fixed_sig, fixed_msg, 4, NULL, 0, NULL, sk) != 0 ||
        cc_mldsa65_verify(fixed_sig, sizeof fixed_sig, fixed_msg, 4, NULL, 0, fixed_pk) != 0 ||
        cc_mldsa65_verifier_new(&fixed_verifier, fixed_pk) != 0)
        abort();
    done = 1;
}

static size_t take(const uint8_t **p, size_t *left, size_t want)
{
    size_t n = want < *left ? want : *left;
    *p += n;
    *left -= n;
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup();
    if (size < 2) return 0;
    uint8_t mode = data[0];
    size_t ctxlen = data[1], left = size - 2;
    const uint8_t *p = data + 2;

    uint8_t pk[CC_MLDSA65_PKBYTES];
    if (mode & 1) {
        memcpy(pk, fixed_pk, sizeof pk);
    } else {
        const uint8_t *src = p;
        size_t n = take(&p, &left, sizeof pk);
        memset(pk, 0, sizeof pk);
        memcpy(pk, src, n);
    }

    /* signature buffer sized exactly, so ASan catches any over-read */
    size_t siglen = (mode & 4) ? left : CC_MLDSA65_SIGBYTES;
    uint8_t *sig = malloc(siglen ? siglen : 1);
    if (!sig) return 0;
    if (mode & 2) {
        size_t n = siglen < sizeof fixed_sig ? siglen : sizeof fixed_sig;
        memset(sig, 0, siglen);
        memcpy(sig, fixed_sig, n);
        const uint8_t *src = p;
        size_t x = take(&p, &left, siglen);
        for (size_t i = 0; i < x; i++) sig[i] ^= src[i];
    } else {
        const uint8_t *src = p;
        size_t n = take(&p, &left, siglen);
        memset(sig, 0, siglen);
        memcpy(sig, src, n);
    }
    const uint8_t *ctx = p;
    ctxlen = take(&p, &left, ctxlen);
    const uint8_t *msg = p;
    size_t msglen = left;

    int rc = cc_mldsa65_verify(sig, siglen, msg, msglen, ctx, ctxlen, pk);
    uint8_t mu[CC_MLDSA65_MUBYTES];
    if (cc_mldsa65_mu(mu, pk, msg, msglen, ctx, ctxlen) != 0) abort();
    /* the fixed key's verifier is built once; an input key gets its own */
    cc_mldsa65_verifier *v = fixed_verifier, *own = NULL;
    if (!(mode & 1)) {
        if (cc_mldsa65_verifier_new(&own, pk) != 0) abort();
        v = own;
    }
    if (cc_mldsa65_verifier_verify_mu(v, sig, siglen, mu) != rc) abort(); /* entry points disagree */
    cc_mldsa65_verifier_free(own);
    if (rc != 0 && rc != -3) abort(); /* only OK or ESIG are possible here */
    free(sig);
    return 0;
}

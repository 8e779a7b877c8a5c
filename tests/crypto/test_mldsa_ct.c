/* test_mldsa_ct: constant-time check of ML-DSA-65 signing under valgrind memcheck. The secret
 * parts of the signing key (K, s1, s2, t0) and the hedging randomness are marked undefined; any
 * branch or memory index that depends on them is then reported by valgrind as a use of
 * uninitialised data (the registered test runs with --error-exitcode=1). The library copy used
 * here is built with CCTSA_CT_CHECKS (cctsa_crypto_ct), so the rejection decisions and the released signature
 * parts are explicitly declassified, exactly where FIPS 204 allows them to be public.
 * With --leak-control the program deliberately branches on a secret byte: that run must fail,
 * which shows the check is able to catch a leak. Key generation is checked the same way with the
 * seed xi secret (rho, public, and ExpandS's nibble-rejection decisions are declassified). */
#include <string.h>
#include <valgrind/memcheck.h>

#include "check.h"
#include "crypto/mldsa.h"

#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define PUBLIC(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))

/* sk = rho (public) || K || tr (public, a hash of pk) || s1 || s2 || t0 */
static void mark_sk_secret(uint8_t *sk)
{
    SECRET(sk + 32, 32);
    SECRET(sk + 128, CC_MLDSA65_SKBYTES - 128);
}

int main(int argc, char **argv)
{
    static uint8_t pk[CC_MLDSA65_PKBYTES], sk[CC_MLDSA65_SKBYTES], sig[CC_MLDSA65_SIGBYTES];
    uint8_t seed[32], rnd[32], msg[64], mu[64];
    memset(seed, 0x42, sizeof seed);
    CHECK(cc_mldsa65_keygen_seed(pk, sk, seed) == CC_MLDSA_OK);
    int leak_control = argc > 1 && !strcmp(argv[1], "--leak-control");

    /* key generation with a secret seed reproduces the key made above */
    static uint8_t pk2[CC_MLDSA65_PKBYTES], sk2[CC_MLDSA65_SKBYTES];
    uint8_t xi[32];
    memcpy(xi, seed, sizeof xi);
    SECRET(xi, sizeof xi);
    int krc = cc_mldsa65_keygen_seed(pk2, sk2, xi);
    PUBLIC(&krc, sizeof krc);
    PUBLIC(pk2, sizeof pk2);
    PUBLIC(sk2, sizeof sk2);
    CHECK(krc == CC_MLDSA_OK && !memcmp(pk, pk2, sizeof pk) && !memcmp(sk, sk2, sizeof sk));

    mark_sk_secret(sk);
    if (leak_control) {
        volatile int sink = 0;
        if (sk[200] & 1) sink = 1; /* deliberate secret-dependent branch */
        (void)sink;
    }

    unsigned signatures = 0;
    for (int i = 0; i < 6; i++) {
        memset(msg, i, sizeof msg);
        memset(rnd, 0x55 + i, sizeof rnd);
        SECRET(rnd, sizeof rnd);
        int rc;
        switch (i % 3) {
        case 0: rc = cc_mldsa65_sign(sig, msg, sizeof msg, (const uint8_t *)"ctx", 3, NULL, sk); break;
        case 1: rc = cc_mldsa65_sign(sig, msg, sizeof msg, NULL, 0, rnd, sk); break;
        default: memset(mu, i, sizeof mu); rc = cc_mldsa65_sign_mu(sig, mu, rnd, sk);
        }
        /* the signature is public output; verification works on public data only */
        PUBLIC(&rc, sizeof rc);
        PUBLIC(sig, sizeof sig);
        CHECK(rc == CC_MLDSA_OK);
        int vrc = (i % 3 == 2)
                      ? cc_mldsa65_verify_mu(sig, sizeof sig, mu, pk)
                      : cc_mldsa65_verify(sig, sizeof sig, msg, sizeof msg,
                                          (i % 3 == 0) ? (const uint8_t *)"ctx" : NULL, (i % 3 == 0) ? 3 : 0, pk);
        CHECK(vrc == CC_MLDSA_OK);
        signatures += vrc == CC_MLDSA_OK;
    }
    /* the reusable signer decodes the key once; signing through it is checked the same way */
    cc_mldsa65_signer *signer = NULL;
    int nrc = cc_mldsa65_signer_new(&signer, sk);
    PUBLIC(&nrc, sizeof nrc);
    PUBLIC(&signer, sizeof signer);
    CHECK(nrc == CC_MLDSA_OK);
    if (nrc == CC_MLDSA_OK) {
        SECRET(rnd, sizeof rnd);
        int src = cc_mldsa65_signer_sign(signer, sig, msg, sizeof msg, NULL, 0, rnd);
        PUBLIC(&src, sizeof src);
        PUBLIC(sig, sizeof sig);
        CHECK(src == CC_MLDSA_OK && cc_mldsa65_verify(sig, sizeof sig, msg, sizeof msg, NULL, 0, pk) == CC_MLDSA_OK);
        signatures += src == CC_MLDSA_OK;
        cc_mldsa65_signer_free(signer);
    }

    /* a malformed secret key is refused (the refusal itself is declassified) */
    uint8_t bad[CC_MLDSA65_SKBYTES];
    PUBLIC(sk, sizeof sk);
    memcpy(bad, sk, sizeof bad);
    bad[130] = 0xFF;
    mark_sk_secret(bad);
    int rc = cc_mldsa65_sign(sig, msg, sizeof msg, NULL, 0, NULL, bad);
    PUBLIC(&rc, sizeof rc);
    CHECK(rc == CC_MLDSA_EKEY);
    printf("test_mldsa_ct: %u signatures made with K, s1, s2, t0 and rnd marked secret%s\n", signatures,
           RUNNING_ON_VALGRIND ? " (under valgrind)" : " (NOT under valgrind: correctness only)");
    return check_summary("test_mldsa_ct");
}

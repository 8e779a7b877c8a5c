/* test_tecdsa_verify.c: the standalone P-384 verification path against Wycheproof
 * ecdsa_secp384r1_sha384_test.json (DER, 504 tests) and ecdsa_secp384r1_sha384_p1363_test.json
 * (r||s, 280 tests): every "valid" must be accepted and every "invalid" rejected (the files have
 * no "acceptable" cases; any would be counted and reported). Also malformed public keys, and
 * alternating between two keys (the verifier caches the last key object): each signature verifies
 * under its own key only, whatever was verified before. */
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <string.h>

#include "check.h"
#include "testutil.h"
#include "threshold/ecdsa/tecdsa_verify.h"

static void run_file(const char *rel, int p1363, int expect_total)
{
    json_t *doc = tu_load_vectors(rel);
    size_t gi, ti;
    json_t *group, *test;
    int total = 0, valid_ok = 0, valid = 0, invalid = 0, invalid_rej = 0, acceptable = 0, acc_accepted = 0;
    json_array_foreach(json_object_get(doc, "testGroups"), gi, group)
    {
        size_t publen = 0;
        uint8_t *pub = tu_json_hex(json_object_get(group, "publicKey"), "uncompressed", &publen);
        CHECK(pub && publen == TECDSA_PUB_BYTES);
        json_array_foreach(json_object_get(group, "tests"), ti, test)
        {
            size_t mlen = 0, slen = 0;
            uint8_t *msg = tu_json_hex(test, "msg", &mlen), *sig = tu_json_hex(test, "sig", &slen);
            uint8_t digest[48];
            const char *result = tu_json_str(test, "result");
            SHA384(msg, mlen, digest);
            int rc = p1363 ? tecdsa_verify_p1363(pub, digest, sig, slen) : tecdsa_verify_der(pub, digest, sig, slen);
            total++;
            if (strcmp(result, "valid") == 0) {
                valid++;
                valid_ok += rc == TECDSA_OK;
                CHECK_MSG(rc == TECDSA_OK, "%s tcId %lld valid but rejected (%s)", rel,
                          (long long)json_integer_value(json_object_get(test, "tcId")), tecdsa_strerror(rc));
            } else if (strcmp(result, "invalid") == 0) {
                invalid++;
                invalid_rej += rc != TECDSA_OK;
                CHECK_MSG(rc != TECDSA_OK, "%s tcId %lld invalid but accepted", rel,
                          (long long)json_integer_value(json_object_get(test, "tcId")));
            } else {
                acceptable++;
                acc_accepted += rc == TECDSA_OK;
            }
            free(msg);
            free(sig);
        }
        free(pub);
    }
    CHECK_MSG(total == expect_total, "%s: %d tests, expected %d", rel, total, expect_total);
    printf("%s: %d tests: valid %d/%d accepted, invalid %d/%d rejected, acceptable %d (%d accepted)\n", rel, total,
           valid_ok, valid, invalid_rej, invalid, acceptable, acc_accepted);
    json_decref(doc);
}

/* Two fresh OpenSSL keys, a DER signature from each, checked in an order that makes the verifier
 * switch its cached key back and forth. */
static void two_keys(void)
{
    EVP_PKEY *k[2];
    uint8_t pub[2][TECDSA_PUB_BYTES], sig[2][TECDSA_SIG_MAX_DER], digest[48];
    size_t slen[2];
    memset(digest, 0x42, sizeof digest);
    for (int i = 0; i < 2; i++) {
        size_t pl = 0;
        k[i] = EVP_EC_gen("P-384");
        EVP_PKEY_CTX *c = k[i] ? EVP_PKEY_CTX_new(k[i], NULL) : NULL;
        slen[i] = sizeof sig[i];
        CHECK(k[i] && EVP_PKEY_get_octet_string_param(k[i], OSSL_PKEY_PARAM_PUB_KEY, pub[i], sizeof pub[i], &pl) == 1 &&
              pl == TECDSA_PUB_BYTES);
        CHECK(c && EVP_PKEY_sign_init(c) == 1 && EVP_PKEY_sign(c, sig[i], &slen[i], digest, sizeof digest) == 1);
        EVP_PKEY_CTX_free(c);
    }
    const int order[][2] = {{0, 0}, {0, 1}, {1, 1}, {0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}};
    for (size_t t = 0; t < sizeof order / sizeof order[0]; t++) {
        int key = order[t][0], s = order[t][1];
        int rc = tecdsa_verify_der(pub[key], digest, sig[s], slen[s]);
        CHECK_MSG(rc == (key == s ? TECDSA_OK : TECDSA_ERR_VERIFY), "key %d, signature %d: %d", key, s, rc);
    }
    digest[0] ^= 1;
    CHECK(tecdsa_verify_der(pub[0], digest, sig[0], slen[0]) == TECDSA_ERR_VERIFY);
    for (int i = 0; i < 2; i++) EVP_PKEY_free(k[i]);
}

int main(void)
{
    two_keys();
    run_file("wycheproof/testvectors_v1/ecdsa_secp384r1_sha384_test.json", 0, 504);
    run_file("wycheproof/testvectors_v1/ecdsa_secp384r1_sha384_p1363_test.json", 1, 280);

    /* public keys: off-curve, identity-like, wrong prefix are all refused */
    uint8_t pub[TECDSA_PUB_BYTES] = {4}, digest[48] = {0}, sig[96];
    memset(sig, 1, sizeof sig);
    CHECK(tecdsa_verify_p1363(pub, digest, sig, sizeof sig) == TECDSA_ERR_POINT);
    pub[0] = 2;
    CHECK(tecdsa_verify_p1363(pub, digest, sig, sizeof sig) == TECDSA_ERR_POINT);
    CHECK(tecdsa_verify_p1363(pub, digest, sig, 95) == TECDSA_ERR_FORMAT);
    CHECK(tecdsa_verify_der(pub, digest, sig, 0) == TECDSA_ERR_FORMAT);
    memset(sig, 0, sizeof sig);
    CHECK(tecdsa_verify_p1363(pub, digest, sig, sizeof sig) == TECDSA_ERR_SCALAR);
    return check_summary("test_tecdsa_verify");
}

/* test_tecdsa_verify.c: the standalone P-384 verification path against Wycheproof
 * ecdsa_secp384r1_sha384_test.json (DER, 504 tests) and ecdsa_secp384r1_sha384_p1363_test.json
 * (r||s, 280 tests): every "valid" must be accepted and every "invalid" rejected (the files have
 * no "acceptable" cases; any would be counted and reported). Also malformed public keys. */
#include <openssl/sha.h>
#include <string.h>

#include "check.h"
#include "testutil.h"
#include "threshold/tecdsa_verify.h"

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

int main(void)
{
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

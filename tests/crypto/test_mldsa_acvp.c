/* test_mldsa_acvp: ML-DSA-65 against every NIST ACVP vector: keyGen (pk and sk from the seed),
 * sigGen FIPS204 and FIPS204-tr1 (pure, pre-hash, internal and external-mu; deterministic and
 * hedged; seed and expanded keys: exact signature match, and every produced signature verifies),
 * and sigVer (accept exactly the vectors marked testPassed). The reusable signer/verifier objects
 * are run on the same vectors and must agree byte for byte. Prints counts per file. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "crypto/mldsa.h"
#include "testutil.h"
#include "vecutil.h"

typedef struct {
    unsigned total, passed;
} tally;

static void report(const char *what, const tally *t)
{
    printf("%-28s %u/%u vectors passed\n", what, t->passed, t->total);
    CHECK_MSG(t->total > 0 && t->passed == t->total, "%s: %u/%u", what, t->passed, t->total);
}

/* Iterate over every (group, test, expected) of an ACVP folder. */
typedef int (*acvp_case_fn)(const json_t *group, const json_t *test, const json_t *expected);

static void run_folder(const char *folder, acvp_case_fn fn, tally *t)
{
    char path[256];
    snprintf(path, sizeof path, "acvp/%s/prompt.json", folder);
    json_t *prompt = tu_load_vectors(path);
    snprintf(path, sizeof path, "acvp/%s/expectedResults.json", folder);
    json_t *expected = tu_load_vectors(path);
    size_t gi, ti;
    json_t *g, *test;
    json_array_foreach(json_object_get(prompt, "testGroups"), gi, g)
    {
        const char *ps = tu_json_str(g, "parameterSet");
        if (!ps || strcmp(ps, "ML-DSA-65") != 0) continue;
        json_array_foreach(json_object_get(g, "tests"), ti, test)
        {
            long tc = vu_long(test, "tcId");
            const json_t *exp = tu_acvp_find(expected, vu_long(g, "tgId"), tc);
            int ok = exp && fn(g, test, exp);
            CHECK_MSG(ok, "%s tcId %ld", folder, tc);
            t->total++;
            t->passed += ok != 0;
        }
    }
    json_decref(prompt);
    json_decref(expected);
}

static int keygen_case(const json_t *g, const json_t *test, const json_t *exp)
{
    (void)g;
    uint8_t seed[32], pk[CC_MLDSA65_PKBYTES], sk[CC_MLDSA65_SKBYTES], epk[CC_MLDSA65_PKBYTES], esk[CC_MLDSA65_SKBYTES];
    uint8_t pk2[CC_MLDSA65_PKBYTES];
    if (tu_hex_to(seed, 32, tu_json_str(test, "seed")) || tu_hex_to(epk, sizeof epk, tu_json_str(exp, "pk")) ||
        tu_hex_to(esk, sizeof esk, tu_json_str(exp, "sk")))
        return 0;
    if (cc_mldsa65_keygen_seed(pk, sk, seed) != CC_MLDSA_OK) return 0;
    /* pk_from_sk must reproduce pk from the expanded key */
    return !memcmp(pk, epk, sizeof pk) && !memcmp(sk, esk, sizeof sk) &&
           cc_mldsa65_pk_from_sk(pk2, sk) == CC_MLDSA_OK && !memcmp(pk2, epk, sizeof pk2);
}

/* The signing key of a sigGen test: expanded sk, or a seed to expand (tr1 keyFormat "seed"). */
static int load_sk(const json_t *test, uint8_t sk[CC_MLDSA65_SKBYTES], uint8_t pk[CC_MLDSA65_PKBYTES])
{
    const char *seedhex = tu_json_str(test, "seed");
    if (seedhex) {
        uint8_t seed[32];
        return tu_hex_to(seed, 32, seedhex) == 0 && cc_mldsa65_keygen_seed(pk, sk, seed) == CC_MLDSA_OK;
    }
    return tu_hex_to(sk, CC_MLDSA65_SKBYTES, tu_json_str(test, "sk")) == 0 &&
           cc_mldsa65_pk_from_sk(pk, sk) == CC_MLDSA_OK;
}

static int is_internal(const json_t *g) { return !strcmp(tu_json_str(g, "signatureInterface"), "internal"); }
static int is_prehash(const json_t *g)
{
    const char *p = tu_json_str(g, "preHash");
    return p && !strcmp(p, "preHash");
}

static int siggen_case(const json_t *g, const json_t *test, const json_t *exp)
{
    uint8_t sk[CC_MLDSA65_SKBYTES], pk[CC_MLDSA65_PKBYTES], sig[CC_MLDSA65_SIGBYTES], esig[CC_MLDSA65_SIGBYTES];
    uint8_t rnd[32], mu[64];
    size_t msglen = 0, ctxlen = 0;
    if (!load_sk(test, sk, pk) || tu_hex_to(esig, sizeof esig, tu_json_str(exp, "signature"))) return 0;
    int deterministic = vu_bool(g, "deterministic") == 1;
    if (!deterministic && tu_hex_to(rnd, 32, tu_json_str(test, "rnd"))) return 0;
    const uint8_t *r = deterministic ? NULL : rnd;
    uint8_t *msg = vu_hex_or_empty(test, "message", &msglen);
    uint8_t *ctx = vu_hex_or_empty(test, "context", &ctxlen);
    int rc = -99, vrc = -99;
    if (is_internal(g) && vu_bool(g, "externalMu") == 1) {
        if (tu_hex_to(mu, 64, tu_json_str(test, "mu")) == 0) {
            rc = cc_mldsa65_sign_mu(sig, mu, r, sk);
            vrc = cc_mldsa65_verify_mu(sig, sizeof sig, mu, pk);
        }
    } else if (is_internal(g)) {
        rc = cc_mldsa65_sign_internal(sig, msg, msglen, r, sk);
        vrc = cc_mldsa65_verify_internal(sig, sizeof sig, msg, msglen, pk);
    } else if (is_prehash(g)) {
        int ph = cc_prehash_from_name(tu_json_str(test, "hashAlg"));
        if (ph >= 0) {
            rc = cc_mldsa65_sign_prehash(sig, msg, msglen, ctx, ctxlen, (cc_prehash_alg)ph, r, sk);
            vrc = cc_mldsa65_verify_prehash(sig, sizeof sig, msg, msglen, ctx, ctxlen, (cc_prehash_alg)ph, pk);
        }
    } else {
        rc = cc_mldsa65_sign(sig, msg, msglen, ctx, ctxlen, r, sk);
        vrc = cc_mldsa65_verify(sig, sizeof sig, msg, msglen, ctx, ctxlen, pk);
        /* the pure interface's mu, recomputed from pk, gives the same signature via sign_mu */
        uint8_t sig2[CC_MLDSA65_SIGBYTES];
        if (cc_mldsa65_mu(mu, pk, msg, msglen, ctx, ctxlen) != CC_MLDSA_OK || cc_mldsa65_sign_mu(sig2, mu, r, sk) ||
            memcmp(sig2, esig, sizeof sig2))
            vrc = -98;
    }
    /* the reusable signer and verifier objects give the same signature and verdict */
    int objects_ok = 1;
    if (!(is_internal(g) && vu_bool(g, "externalMu") != 1)) {
        cc_mldsa65_signer *signer = NULL;
        cc_mldsa65_verifier *verifier = NULL;
        uint8_t osig[CC_MLDSA65_SIGBYTES];
        int orc = -99, ovrc = -99;
        if (cc_mldsa65_signer_new(&signer, sk) == CC_MLDSA_OK &&
            cc_mldsa65_verifier_new(&verifier, pk) == CC_MLDSA_OK) {
            if (is_internal(g)) {
                orc = cc_mldsa65_signer_sign_mu(signer, osig, mu, r);
                ovrc = cc_mldsa65_verifier_verify_mu(verifier, osig, sizeof osig, mu);
            } else if (is_prehash(g)) {
                cc_prehash_alg ph = (cc_prehash_alg)cc_prehash_from_name(tu_json_str(test, "hashAlg"));
                orc = cc_mldsa65_signer_sign_prehash(signer, osig, msg, msglen, ctx, ctxlen, ph, r);
                ovrc = cc_mldsa65_verifier_verify_prehash(verifier, osig, sizeof osig, msg, msglen, ctx, ctxlen, ph);
            } else {
                orc = cc_mldsa65_signer_sign(signer, osig, msg, msglen, ctx, ctxlen, r);
                ovrc = cc_mldsa65_verifier_verify(verifier, osig, sizeof osig, msg, msglen, ctx, ctxlen);
            }
        }
        objects_ok = orc == CC_MLDSA_OK && ovrc == CC_MLDSA_OK && !memcmp(osig, esig, sizeof osig);
        cc_mldsa65_signer_free(signer);
        cc_mldsa65_verifier_free(verifier);
    }
    free(msg);
    free(ctx);
    return rc == CC_MLDSA_OK && vrc == CC_MLDSA_OK && objects_ok && !memcmp(sig, esig, sizeof sig);
}

static int sigver_case(const json_t *g, const json_t *test, const json_t *exp)
{
    uint8_t pk[CC_MLDSA65_PKBYTES], mu[64];
    size_t msglen = 0, ctxlen = 0, siglen = 0;
    int want = vu_bool(exp, "testPassed");
    if (want < 0 || tu_hex_to(pk, sizeof pk, tu_json_str(test, "pk"))) return 0;
    uint8_t *msg = vu_hex_or_empty(test, "message", &msglen);
    uint8_t *ctx = vu_hex_or_empty(test, "context", &ctxlen);
    uint8_t *sig = vu_hex_or_empty(test, "signature", &siglen);
    int rc = -99, orc = -99;
    cc_mldsa65_verifier *v = NULL;
    if (cc_mldsa65_verifier_new(&v, pk) != CC_MLDSA_OK) v = NULL;
    if (is_internal(g) && vu_bool(g, "externalMu") == 1) {
        if (tu_hex_to(mu, 64, tu_json_str(test, "mu")) == 0) {
            rc = cc_mldsa65_verify_mu(sig, siglen, mu, pk);
            orc = cc_mldsa65_verifier_verify_mu(v, sig, siglen, mu);
        }
    } else if (is_internal(g)) {
        rc = orc = cc_mldsa65_verify_internal(sig, siglen, msg, msglen, pk);
    } else if (is_prehash(g)) {
        int ph = cc_prehash_from_name(tu_json_str(test, "hashAlg"));
        if (ph >= 0) {
            rc = cc_mldsa65_verify_prehash(sig, siglen, msg, msglen, ctx, ctxlen, (cc_prehash_alg)ph, pk);
            orc = cc_mldsa65_verifier_verify_prehash(v, sig, siglen, msg, msglen, ctx, ctxlen, (cc_prehash_alg)ph);
        }
    } else {
        rc = cc_mldsa65_verify(sig, siglen, msg, msglen, ctx, ctxlen, pk);
        orc = cc_mldsa65_verifier_verify(v, sig, siglen, msg, msglen, ctx, ctxlen);
    }
    cc_mldsa65_verifier_free(v);
    if (orc != rc) rc = -97; /* the verifier object must agree with the one-shot function */
    free(msg);
    free(ctx);
    free(sig);
    return want ? rc == CC_MLDSA_OK : rc == CC_MLDSA_ESIG;
}

int main(void)
{
    tally keygen = {0, 0}, siggen = {0, 0}, siggen_tr1 = {0, 0}, sigver = {0, 0};
    run_folder("ML-DSA-keyGen-FIPS204", keygen_case, &keygen);
    report("ML-DSA-keyGen-FIPS204", &keygen);
    run_folder("ML-DSA-sigGen-FIPS204", siggen_case, &siggen);
    report("ML-DSA-sigGen-FIPS204", &siggen);
    run_folder("ML-DSA-sigGen-FIPS204-tr1", siggen_case, &siggen_tr1);
    report("ML-DSA-sigGen-FIPS204-tr1", &siggen_tr1);
    run_folder("ML-DSA-sigVer-FIPS204", sigver_case, &sigver);
    report("ML-DSA-sigVer-FIPS204", &sigver);
    CHECK(keygen.total == 25 && siggen.total == 120 && siggen_tr1.total == 240 && sigver.total == 60);
    return check_summary("test_mldsa_acvp");
}

/* test_tsp_interop.c: the verifier matrix, MEASURED. For each profile a real token from the
 * engine (certReq) is checked by `openssl ts -verify`, by our verifier (tsp_verify) and by the
 * independent Node verifier (tests/interop/tsp_verify.mjs); the matrix is printed and asserted:
 * OpenSSL accepts classic and compat, ours and Node accept all four. Also requests made by
 * `openssl ts -query` (SHA-256/384/512, nonce, -cert / no -cert) are answered and verified by
 * openssl against the query, and wrong data / wrong root / --require are refused.
 * argv[1] = tests/interop folder (node_modules installed by the Makefile). */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "testutil.h"
#include "tsp/tsp_verify.h"
#include "tsp_fixture.h"

static const char *interop_dir;

static int openssl_verify(fx_pki *fx, const char *token_path, const char *data_path, const char *ca, char **out)
{
    char cmd[1024];
    int status;
    snprintf(cmd, sizeof cmd, "openssl ts -verify -token_in -in '%s' -data '%s' -CAfile '%s'", token_path, data_path, ca);
    (void)fx;
    *out = fx_run(cmd, &status);
    return status == 0 && *out && strstr(*out, "Verification: OK");
}

static int node_verify(const char *token_path, const char *data_path, const char *ca, char **out)
{
    char cmd[1024];
    int status;
    snprintf(cmd, sizeof cmd, "node '%s/tsp_verify.mjs' '%s' --data '%s' --ca '%s'", interop_dir, token_path, data_path, ca);
    *out = fx_run(cmd, &status);
    return status == 0 && *out && strstr(*out, "\"ok\":true");
}

static int own_verify(fx_pki *fx, const uint8_t *tok, size_t len, const uint8_t *data, size_t dlen, tsp_require req,
                      tsp_verify_report *rep)
{
    tsp_verify_opts o = {0};
    o.roots[0] = fx->ca_der;
    o.root_lens[0] = fx->ca_der_len;
    o.nroots = 1;
    o.require = req;
    o.data = data;
    o.data_len = dlen;
    return tsp_verify(tok, len, &o, rep) == 0;
}

static void matrix(fx_pki *fx)
{
    static const uint8_t data[] = "the quick brown fox time-stamps the lazy dog";
    static const int expect_openssl[TSP_PROFILE_COUNT] = {1, 0, 0, 1};
    const char *data_path = strdup(fx_write(fx, "data.bin", data, sizeof data));
    printf("verifier matrix (measured):\n%-8s %-16s %-16s %-16s\n", "profile", "openssl ts", "cctsa verify", "node verifier");
    for (int p = 0; p < TSP_PROFILE_COUNT; p++) {
        uint8_t *tok = NULL;
        size_t len = 0;
        char name[32], *o1 = NULL, *o3 = NULL;
        tsp_verify_report rep;
        CHECK_MSG(fx_stamp(fx, (tsp_profile)p, data, sizeof data, &tok, &len) == 0, "stamp %s", tsp_profile_name(p));
        if (!tok) continue;
        snprintf(name, sizeof name, "%s.tst", tsp_profile_name(p));
        char *tok_path = strdup(fx_write(fx, name, tok, len));
        int ossl = openssl_verify(fx, tok_path, data_path, fx->ca_pem, &o1);
        int own = own_verify(fx, tok, len, data, sizeof data, TSP_REQUIRE_ANY, &rep);
        int node = node_verify(tok_path, data_path, fx->ca_pem, &o3);
        printf("%-8s %-16s %-16s %-16s\n", tsp_profile_name(p), ossl ? "accepts" : "rejects", own ? "accepts" : "rejects",
               node ? "accepts" : "rejects");
        CHECK_MSG(ossl == expect_openssl[p], "openssl on %s:\n%s", tsp_profile_name(p), o1 ? o1 : "");
        CHECK_MSG(own, "our verifier on %s: %s", tsp_profile_name(p), rep.error);
        CHECK_MSG(node, "node on %s: %s", tsp_profile_name(p), o3 ? o3 : "");
        CHECK(rep.profile == p);
        int want_ec = p != TSP_PROFILE_PQ, want_ml = p != TSP_PROFILE_CLASSIC;
        CHECK_MSG(rep.ecdsa_ok == want_ec && rep.mldsa_ok == want_ml, "%s: ecdsa %d mldsa %d", tsp_profile_name(p),
                  rep.ecdsa_ok, rep.mldsa_ok);
        /* --require levels. */
        CHECK(own_verify(fx, tok, len, data, sizeof data, TSP_REQUIRE_CLASSIC, &rep) == want_ec);
        CHECK(own_verify(fx, tok, len, data, sizeof data, TSP_REQUIRE_PQ, &rep) == want_ml);
        CHECK(own_verify(fx, tok, len, data, sizeof data, TSP_REQUIRE_BOTH, &rep) == (want_ec && want_ml));
        /* Other data, other root: everybody refuses. */
        static const uint8_t other[] = "the quick brown fox time-stamps the lazy cat";
        const char *other_path = strdup(fx_write(fx, "other.bin", other, sizeof other));
        char *o4 = NULL, *o5 = NULL, *o6 = NULL;
        CHECK_MSG(!own_verify(fx, tok, len, other, sizeof other, TSP_REQUIRE_ANY, &rep), "own accepts other data");
        CHECK_MSG(!node_verify(tok_path, other_path, fx->ca_pem, &o4), "node accepts other data");
        CHECK_MSG(!node_verify(tok_path, data_path, fx->other_ca_pem, &o5), "node accepts another root");
        if (expect_openssl[p]) CHECK_MSG(!openssl_verify(fx, tok_path, data_path, fx->other_ca_pem, &o6), "openssl accepts another root");
        tsp_verify_opts wrong = {0};
        wrong.roots[0] = tok; /* not a certificate */
        wrong.root_lens[0] = 10;
        wrong.nroots = 1;
        wrong.data = data;
        wrong.data_len = sizeof data;
        CHECK(tsp_verify(tok, len, &wrong, &rep) != 0);
        free(o1), free(o3), free(o4), free(o5), free(o6), free(tok), free(tok_path), free((char *)other_path);
    }
    free((char *)data_path);
}

/* openssl ts -query -> engine -> openssl ts -verify -queryfile (checks nonce, imprint, policy echo). */
static void openssl_queries(fx_pki *fx)
{
    static const char *digests[] = {"-sha256", "-sha384", "-sha512"};
    static const uint8_t data[] = "data time-stamped through an openssl ts -query";
    const char *data_path = strdup(fx_write(fx, "q.bin", data, sizeof data));
    for (int d = 0; d < 3; d++)
        for (int cert = 0; cert < 2; cert++)
            for (int p = 0; p < TSP_PROFILE_COUNT; p += 3) { /* classic and compat */
                char cmd[1024], q_path[160], r_path[160];
                int status;
                snprintf(q_path, sizeof q_path, "%s/q.tsq", fx->dir);
                snprintf(r_path, sizeof r_path, "%s/r.tsr", fx->dir);
                snprintf(cmd, sizeof cmd, "openssl ts -query -data '%s' %s %s -tspolicy %s -out '%s'", data_path, digests[d],
                         cert ? "-cert" : "", tsp_profile_policy_str((tsp_profile)p), q_path);
                free(fx_run(cmd, &status));
                CHECK_MSG(status == 0, "openssl ts -query failed");
                size_t qlen = 0, rlen = 0;
                uint8_t *q = tu_read_file(q_path, &qlen), *resp = NULL;
                tsp_engine_result res;
                CHECK(q && tsp_engine_respond(fx->engine, q, qlen, TSP_PATH_DEFAULT, &resp, &rlen, &res) == 0);
                CHECK_MSG(res.status == 0 && res.profile == p, "query %s %s: %s", digests[d], tsp_profile_name(p),
                          res.why ? res.why : "");
                fx_write(fx, "r.tsr", resp, rlen);
                /* Without -cert the TSA certificate must come from -untrusted. */
                char untrusted[200] = "";
                if (!cert) {
                    snprintf(untrusted, sizeof untrusted, "-untrusted '%s/tsa.pem'", fx->dir);
                    FILE *f = fopen(strchr(untrusted, '\'') + 1, "w");
                    if (f) {
                        fputs("", f);
                        fclose(f);
                    }
                    snprintf(cmd, sizeof cmd, "openssl x509 -inform DER -in '%s' -out '%s/tsa.pem'",
                             fx_write(fx, "tsa.der", fx->keys.ec.cert, fx->keys.ec.cert_len), fx->dir);
                    free(fx_run(cmd, &status));
                }
                snprintf(cmd, sizeof cmd, "openssl ts -verify -queryfile '%s' -in '%s' -CAfile '%s' %s", q_path, r_path,
                         fx->ca_pem, untrusted);
                char *out = fx_run(cmd, &status);
                CHECK_MSG(status == 0 && out && strstr(out, "Verification: OK"), "openssl ts -verify -queryfile %s cert=%d %s:\n%s",
                          digests[d], cert, tsp_profile_name(p), out ? out : "");
                free(out);
                snprintf(cmd, sizeof cmd, "openssl ts -reply -in '%s' -text", r_path);
                out = fx_run(cmd, &status);
                CHECK_MSG(out && strstr(out, "Status: Granted") && strstr(out, tsp_profile_policy_str((tsp_profile)p)) &&
                              strstr(out, "Accuracy: 0x01 seconds") && strstr(out, "TSA: DirName:") && strstr(out, "Nonce: 0x"),
                          "openssl ts -reply -text:\n%s", out ? out : "");
                free(out);
                free(q);
                free(resp);
            }
    free((char *)data_path);
}

int main(int argc, char **argv)
{
    fx_pki fx;
    interop_dir = argc > 1 ? argv[1] : "tests/interop";
    if (fx_init(&fx) != 0) {
        fprintf(stderr, "fixture setup failed\n");
        return 1;
    }
    matrix(&fx);
    openssl_queries(&fx);
    fx_free(&fx);
    return check_summary("test_tsp_interop");
}

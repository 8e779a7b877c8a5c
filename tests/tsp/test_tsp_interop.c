/* test_tsp_interop.c: the verifier matrix, MEASURED. For each profile a real token from the
 * engine (certReq) is checked by `openssl ts -verify`, by our verifier (tsp_verify) and by the
 * independent Node verifier (tests/interop/tsp_verify.mjs); the matrix is printed and asserted:
 * OpenSSL accepts classic and compat, ours and Node accept all four. Also requests made by
 * `openssl ts -query` (SHA-256/384/512, nonce, -cert / no -cert) are answered and verified by
 * openssl against the query, and wrong data / wrong root / --require are refused.
 * Post-quantum assurance: an ML-DSA TSA certificate under the ECDSA root (or with any ECDSA link
 * in its chain) gives a valid ML-DSA signature that must not satisfy --require pq/both, in the
 * library and in `cctsa verify`; under the ML-DSA root (all links ML-DSA) it must.
 * argv[1] = tests/interop folder (node_modules installed by the Makefile), argv[2] = cctsa. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "testutil.h"
#include "tsp/tsp_verify.h"
#include "tsp_fixture.h"
#include "x509/cert.h"

static const char *interop_dir, *cctsa_bin;

static int openssl_verify(fx_pki *fx, const char *token_path, const char *data_path, const char *ca, char **out)
{
    char cmd[1024];
    int status;
    snprintf(cmd, sizeof cmd, "openssl ts -verify -token_in -in '%s' -data '%s' -CAfile '%s'", token_path, data_path,
             ca);
    (void)fx;
    *out = fx_run(cmd, &status);
    return status == 0 && *out && strstr(*out, "Verification: OK");
}

/* ca_args: "--ca 'ROOT.pem' ..." */
static int node_verify(const char *token_path, const char *data_path, const char *ca_args, char **out)
{
    char cmd[1024];
    int status;
    snprintf(cmd, sizeof cmd, "node '%s/tsp_verify.mjs' '%s' --data '%s' %s", interop_dir, token_path, data_path,
             ca_args);
    *out = fx_run(cmd, &status);
    return status == 0 && *out && strstr(*out, "\"ok\":true");
}

static int own_verify(fx_pki *fx, const uint8_t *tok, size_t len, const uint8_t *data, size_t dlen, tsp_require req,
                      tsp_verify_report *rep)
{
    tsp_verify_opts o = {0};
    fx_roots(fx, &o);
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
    printf("verifier matrix (measured):\n%-8s %-16s %-16s %-16s\n", "profile", "openssl ts", "cctsa verify",
           "node verifier");
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
        int node = node_verify(tok_path, data_path, fx_ca_args(fx), &o3);
        printf("%-8s %-16s %-16s %-16s\n", tsp_profile_name(p), ossl ? "accepts" : "rejects",
               own ? "accepts" : "rejects", node ? "accepts" : "rejects");
        CHECK_MSG(ossl == expect_openssl[p], "openssl on %s:\n%s", tsp_profile_name(p), o1 ? o1 : "");
        CHECK_MSG(own, "our verifier on %s: %s", tsp_profile_name(p), rep.error);
        CHECK_MSG(node, "node on %s: %s", tsp_profile_name(p), o3 ? o3 : "");
        CHECK(rep.profile == p);
        int want_ec = p != TSP_PROFILE_PQ, want_ml = p != TSP_PROFILE_CLASSIC;
        CHECK_MSG(rep.ecdsa_ok == want_ec && rep.mldsa_ok == want_ml && rep.mldsa_pq_ok == want_ml,
                  "%s: ecdsa %d mldsa %d (pq %d)", tsp_profile_name(p), rep.ecdsa_ok, rep.mldsa_ok, rep.mldsa_pq_ok);
        /* --require levels (the ML-DSA certificate is under the ML-DSA root: post-quantum assurance). */
        CHECK(own_verify(fx, tok, len, data, sizeof data, TSP_REQUIRE_CLASSIC, &rep) == want_ec);
        CHECK(own_verify(fx, tok, len, data, sizeof data, TSP_REQUIRE_PQ, &rep) == want_ml);
        CHECK(own_verify(fx, tok, len, data, sizeof data, TSP_REQUIRE_BOTH, &rep) == (want_ec && want_ml));
        /* Other data, other root: everybody refuses. */
        static const uint8_t other[] = "the quick brown fox time-stamps the lazy cat";
        const char *other_path = strdup(fx_write(fx, "other.bin", other, sizeof other));
        char *o4 = NULL, *o5 = NULL, *o6 = NULL;
        CHECK_MSG(!own_verify(fx, tok, len, other, sizeof other, TSP_REQUIRE_ANY, &rep), "own accepts other data");
        char other_ca[200];
        snprintf(other_ca, sizeof other_ca, "--ca '%s'", fx->other_ca_pem);
        CHECK_MSG(!node_verify(tok_path, other_path, fx_ca_args(fx), &o4), "node accepts other data");
        CHECK_MSG(!node_verify(tok_path, data_path, other_ca, &o5), "node accepts another root");
        if (expect_openssl[p])
            CHECK_MSG(!openssl_verify(fx, tok_path, data_path, fx->other_ca_pem, &o6), "openssl accepts another root");
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

/* `cctsa verify TOKEN --data DATA <ca_args> [--require REQ]` (extra: more arguments); exit status. */
static int cli_verify(fx_pki *fx, const char *tok_path, const char *data_path, const char *ca_args, const char *req,
                      char **out)
{
    char cmd[2048];
    int status;
    snprintf(cmd, sizeof cmd, "'%s' verify '%s' --data '%s' %s %s %s", cctsa_bin, tok_path, data_path, ca_args,
             req ? "--require" : "", req ? req : "");
    (void)fx;
    *out = fx_run(cmd, &status);
    return status;
}

static int report_has(const tsp_verify_report *rep, const char *needle)
{
    for (int i = 0; i < rep->nlines; i++)
        if (strstr(rep->lines[i], needle)) return 1;
    return 0;
}

/* (a) ML-DSA TSA certificate issued by the ECDSA root: the ML-DSA signature is valid but gives no
 * post-quantum assurance, so --require pq and both fail (library and CLI), classic passes where an
 * ECDSA signature is present. (b) Issued by the ML-DSA root: --require pq passes. */
static void pq_assurance(fx_pki *fx)
{
    static const uint8_t data[] = "post-quantum assurance needs an ML-DSA chain";
    static const tsp_profile with_ml[] = {TSP_PROFILE_PQ, TSP_PROFILE_HYBRID, TSP_PROFILE_COMPAT};
    const char *data_path = strdup(fx_write(fx, "pqa.bin", data, sizeof data));
    tsp_verify_report rep;
    for (int under_ec = 1; under_ec >= 0; under_ec--) {
        CHECK(fx_use_ml_cert(fx, under_ec) == 0);
        for (size_t k = 0; k < sizeof with_ml / sizeof with_ml[0]; k++) {
            tsp_profile p = with_ml[k];
            const char *pn = tsp_profile_name(p);
            uint8_t *tok = NULL;
            size_t len = 0;
            char name[48], *out = NULL;
            int has_ec = p != TSP_PROFILE_PQ;
            CHECK(fx_stamp(fx, p, data, sizeof data, &tok, &len) == 0);
            if (!tok) continue;
            snprintf(name, sizeof name, "pqa-%s-%s.tst", under_ec ? "ecroot" : "mlroot", pn);
            char *tok_path = strdup(fx_write(fx, name, tok, len));
            /* The signature itself is valid either way. */
            CHECK_MSG(own_verify(fx, tok, len, data, sizeof data, TSP_REQUIRE_ANY, &rep), "%s under_ec=%d: %s", pn,
                      under_ec, rep.error);
            CHECK_MSG(rep.mldsa_ok == 1 && rep.ecdsa_ok == has_ec && rep.mldsa_pq_ok == !under_ec,
                      "%s under_ec=%d: ecdsa %d mldsa %d pq %d", pn, under_ec, rep.ecdsa_ok, rep.mldsa_ok,
                      rep.mldsa_pq_ok);
            if (under_ec) {
                CHECK_MSG(
                    report_has(&rep, "NO post-quantum assurance") &&
                        report_has(&rep,
                                   "\"cctsa test TSA (ML-DSA-65)\" is signed by \"cctsa test root\" with ECDSA P-384"),
                    "%s: the report does not explain the classical link", pn);
                CHECK_MSG(!own_verify(fx, tok, len, data, sizeof data, TSP_REQUIRE_PQ, &rep),
                          "%s: --require pq passes "
                          "with an ML-DSA certificate issued by an ECDSA root",
                          pn);
                CHECK_MSG(strstr(rep.error, "post-quantum assurance is required but absent") &&
                              strstr(rep.error, "classical link") && strstr(rep.error, "ECDSA P-384"),
                          "%s: --require pq refused for another reason: %s", pn, rep.error);
                CHECK_MSG(!own_verify(fx, tok, len, data, sizeof data, TSP_REQUIRE_BOTH, &rep),
                          "%s: --require both passes", pn);
                CHECK(own_verify(fx, tok, len, data, sizeof data, TSP_REQUIRE_CLASSIC, &rep) == has_ec);
                /* (c) the CLI says so and fails. */
                int st = cli_verify(fx, tok_path, data_path, fx_ca_args(fx), "pq", &out);
                CHECK_MSG(st == 1 && out && strstr(out, "NO post-quantum assurance") && strstr(out, "classical link") &&
                              strstr(out, "verification FAILED: post-quantum assurance is required but absent"),
                          "cctsa verify --require pq on %s (ML-DSA under the ECDSA root): exit %d\n%s", pn, st,
                          out ? out : "");
                if (p == TSP_PROFILE_PQ)
                    printf("cctsa verify --require pq, ML-DSA certificate under the ECDSA root:\n%s", out ? out : "");
                free(out);
                st = cli_verify(fx, tok_path, data_path, fx_ca_args(fx), "both", &out);
                CHECK_MSG(st == 1, "cctsa verify --require both on %s: exit %d\n%s", pn, st, out ? out : "");
                free(out);
                st = cli_verify(fx, tok_path, data_path, fx_ca_args(fx), NULL, &out);
                CHECK_MSG(st == 0 && out &&
                              strstr(out, "warning: 1 valid ML-DSA-65 signature(s) give NO post-quantum assurance"),
                          "cctsa verify (no --require) on %s: exit %d\n%s", pn, st, out ? out : "");
                free(out);
                if (has_ec) {
                    st = cli_verify(fx, tok_path, data_path, fx_ca_args(fx), "classic", &out);
                    CHECK_MSG(st == 0, "cctsa verify --require classic on %s: exit %d\n%s", pn, st, out ? out : "");
                    free(out);
                }
            } else {
                CHECK_MSG(report_has(&rep, "post-quantum assurance: every signature on the chain"),
                          "%s: no assurance line", pn);
                CHECK_MSG(own_verify(fx, tok, len, data, sizeof data, TSP_REQUIRE_PQ, &rep), "%s: --require pq: %s", pn,
                          rep.error);
                CHECK(own_verify(fx, tok, len, data, sizeof data, TSP_REQUIRE_BOTH, &rep) == has_ec);
                int st = cli_verify(fx, tok_path, data_path, fx_ca_args(fx), has_ec ? "both" : "pq", &out);
                CHECK_MSG(st == 0 && out && strstr(out, "verification OK") && !strstr(out, "NO post-quantum"),
                          "cctsa verify --require %s on %s (ML-DSA root): exit %d\n%s", has_ec ? "both" : "pq", pn, st,
                          out ? out : "");
                free(out);
            }
            free(tok);
            free(tok_path);
        }
    }
    free((char *)data_path);
}

/* Three-level chains root -> intermediate CA -> ML-DSA TSA certificate, built with src/x509: only
 * an all-ML-DSA chain gives post-quantum assurance; an ECDSA root above an ML-DSA intermediate,
 * or an ECDSA intermediate under an ML-DSA root, does not. The intermediate is given as an extra
 * certificate (the token carries only the TSA certificate). */
static void pq_intermediates(fx_pki *fx)
{
    static const uint8_t data[] = "three-level chains";
    static const int cases[3][2] = {{X509_ALG_ECDSA_P384, X509_ALG_MLDSA65},
                                    {X509_ALG_MLDSA65, X509_ALG_ECDSA_P384},
                                    {X509_ALG_MLDSA65, X509_ALG_MLDSA65}};
    for (int c = 0; c < 3; c++) {
        x509_keypair root = {0}, inter = {0};
        uint8_t *root_der = NULL, *inter_der = NULL, *leaf = NULL, *tok = NULL;
        size_t root_len = 0, inter_len = 0, leaf_len = 0, len = 0;
        tsp_verify_report rep;
        const char *rn = cases[c][0] == X509_ALG_MLDSA65 ? "ML-DSA-65" : "ECDSA P-384";
        const char *in = cases[c][1] == X509_ALG_MLDSA65 ? "ML-DSA-65" : "ECDSA P-384";
        char root_dn[96], inter_dn[96];
        snprintf(root_dn, sizeof root_dn, "CN=chain root (%s),O=cctsa test", rn);
        snprintf(inter_dn, sizeof inter_dn, "CN=chain intermediate (%s),O=cctsa test", in);
        int ok =
            x509_keypair_generate(&root, cases[c][0]) == 0 && x509_keypair_generate(&inter, cases[c][1]) == 0 &&
            fx_x509_cert(X509_PROFILE_ROOT_CA, &root.signer, NULL, 0, root_dn, cases[c][0], root.signer.pub,
                         root.signer.publen, &root_der, &root_len) == 0 &&
            fx_x509_cert(X509_PROFILE_ROOT_CA, &root.signer, root_der, root_len, inter_dn, cases[c][1],
                         inter.signer.pub, inter.signer.publen, &inter_der, &inter_len) == 0 &&
            fx_x509_cert(X509_PROFILE_TSA, &inter.signer, inter_der, inter_len, "CN=chain TSA (ML-DSA-65),O=cctsa test",
                         X509_ALG_MLDSA65, fx->keys.ml_signer.pub, fx->keys.ml_signer.publen, &leaf, &leaf_len) == 0 &&
            tsp_local_keys_set_cert(&fx->keys, X509_ALG_MLDSA65, leaf, leaf_len) == 0 &&
            fx_stamp(fx, TSP_PROFILE_PQ, data, sizeof data, &tok, &len) == 0;
        CHECK_MSG(ok, "chain %s -> %s: setup failed", rn, in);
        if (ok) {
            tsp_verify_opts o = {0};
            o.roots[0] = root_der, o.root_lens[0] = root_len, o.nroots = 1;
            o.extra_certs[0] = inter_der, o.extra_lens[0] = inter_len, o.nextra = 1;
            o.data = data, o.data_len = sizeof data;
            int all_ml = cases[c][0] == X509_ALG_MLDSA65 && cases[c][1] == X509_ALG_MLDSA65;
            CHECK_MSG(tsp_verify(tok, len, &o, &rep) == 0 && rep.mldsa_ok == 1 && rep.mldsa_pq_ok == all_ml,
                      "chain %s -> %s: %s (mldsa %d, pq %d)", rn, in, rep.error, rep.mldsa_ok, rep.mldsa_pq_ok);
            o.require = TSP_REQUIRE_PQ;
            int pq = tsp_verify(tok, len, &o, &rep) == 0;
            CHECK_MSG(pq == all_ml, "chain %s -> %s: --require pq %s: %s", rn, in, pq ? "passes" : "fails", rep.error);
            /* The reason names the classical link: the intermediate's signature, or the leaf's. */
            const char *who = cases[c][0] != X509_ALG_MLDSA65
                                  ? "\"chain intermediate (ML-DSA-65)\" is signed by \"chain root (ECDSA P-384)\""
                                  : "\"chain TSA (ML-DSA-65)\" is signed by \"chain intermediate (ECDSA P-384)\"";
            if (!all_ml)
                CHECK_MSG(strstr(rep.error, who) != NULL, "chain %s -> %s: error does not name the link: %s", rn, in,
                          rep.error);
            printf("chain %-11s root -> %-11s intermediate -> ML-DSA-65 TSA: --require pq %s%s\n", rn, in,
                   pq ? "passes" : "fails: ", pq ? "" : rep.error);
        }
        x509_keypair_free(&root);
        x509_keypair_free(&inter);
        free(root_der), free(inter_der), free(leaf), free(tok);
    }
    CHECK(fx_use_ml_cert(fx, 0) == 0);
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
                snprintf(cmd, sizeof cmd, "openssl ts -query -data '%s' %s %s -tspolicy %s -out '%s'", data_path,
                         digests[d], cert ? "-cert" : "", tsp_profile_policy_str((tsp_profile)p), q_path);
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
                CHECK_MSG(status == 0 && out && strstr(out, "Verification: OK"),
                          "openssl ts -verify -queryfile %s cert=%d %s:\n%s", digests[d], cert, tsp_profile_name(p),
                          out ? out : "");
                free(out);
                snprintf(cmd, sizeof cmd, "openssl ts -reply -in '%s' -text", r_path);
                out = fx_run(cmd, &status);
                CHECK_MSG(out && strstr(out, "Status: Granted") &&
                              strstr(out, tsp_profile_policy_str((tsp_profile)p)) &&
                              strstr(out, "Accuracy: 0x01 seconds") && strstr(out, "TSA: DirName:") &&
                              strstr(out, "Nonce: 0x"),
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
    cctsa_bin = argc > 2 ? argv[2] : "build/bin/cctsa";
    if (fx_init(&fx) != 0) {
        fprintf(stderr, "fixture setup failed\n");
        return 1;
    }
    matrix(&fx);
    pq_assurance(&fx);
    pq_intermediates(&fx);
    openssl_queries(&fx);
    fx_free(&fx);
    return check_summary("test_tsp_interop");
}

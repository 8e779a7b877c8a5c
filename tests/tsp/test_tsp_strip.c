/* test_tsp_strip.c: downgrade attempts that keep every remaining signature valid must still be
 * refused because the signer set no longer matches the token's policy: a hybrid token with its
 * ML-DSA (or ECDSA) SignerInfo removed, a compat token with its countersignature removed. A valid
 * countersignature moved from one compat token onto another one's ECDSA SignerInfo must fail (it
 * covers the other ECDSA signature value), and so must a countersignature with a contentType
 * attribute (RFC 5652 11.4), with the post-quantum reason under --require pq.
 * Checked with our verifier and the Node verifier (argv[1] = tests/interop); OpenSSL, which does
 * not know our policies, is measured to accept the ECDSA-only remains. Also: a rejection response
 * is reported as such. */
#include <stdlib.h>
#include <string.h>

#include "asn1/der.h"
#include "asn1/oids.h"
#include "check.h"
#include "tsp/tsp_hash.h"
#include "tsp/tsp_parse.h"
#include "tsp/tsp_token.h"
#include "tsp/tsp_verify.h"
#include "tsp_fixture.h"

static const uint8_t data[] = "downgrade me";

/* Re-assemble a token from t with only signer `keep` (stripped of unsignedAttrs if asked). */
static int rebuild(const tsp_parsed *t, int keep, int drop_unsigned, uint8_t **out, size_t *out_len)
{
    const tsp_signer_info *si = &t->signers[keep];
    size_t hdr = 2 + ((si->tlv.p[1] & 0x80) ? (si->tlv.p[1] & 0x7Fu) : 0);
    uint8_t *alg = NULL, *signer = NULL;
    size_t alg_len = 0, signer_len = 0;
    der_writer w;
    der_writer_init(&w);
    der_begin(&w, DER_SEQUENCE);
    der_put_oid(&w, si->digest_oid.p, si->digest_oid.n);
    der_end(&w);
    int rc = der_writer_finish(&w, &alg, &alg_len);
    tsp_span signer_span = si->tlv;
    if (rc == 0 && drop_unsigned && si->unsigned_attrs.p) {
        der_writer_init(&w);
        der_begin(&w, DER_SEQUENCE);
        der_put_raw(&w, si->tlv.p + hdr, (size_t)(si->unsigned_attrs.p - (si->tlv.p + hdr)));
        der_end(&w);
        rc = der_writer_finish(&w, &signer, &signer_len);
        signer_span = (tsp_span){signer, signer_len};
    }
    tsp_span alg_span = {alg, alg_len};
    if (rc == 0) rc = fx_signed_data(t, 3, &alg_span, 1, t->certs, t->ncerts, &signer_span, 1, out, out_len);
    free(alg);
    free(signer);
    return rc;
}

static int own(fx_pki *fx, const uint8_t *tok, size_t len, tsp_require req, tsp_verify_report *rep)
{
    tsp_verify_opts o = {0};
    fx_roots(fx, &o);
    o.data = data;
    o.data_len = sizeof data;
    o.require = req;
    return tsp_verify(tok, len, &o, rep) == 0;
}

static void attempt(fx_pki *fx, const char *interop, const char *data_path, tsp_profile p, int keep, int drop,
                    const char *what)
{
    uint8_t *tok = NULL, *stripped = NULL;
    size_t len = 0, slen = 0;
    tsp_parsed t;
    char err[200], cmd[1024];
    tsp_verify_report rep;
    int status;
    CHECK(fx_stamp(fx, p, data, sizeof data, &tok, &len) == 0);
    CHECK(tok && tsp_parse(tok, len, &t, err, sizeof err) == 0);
    CHECK(rebuild(&t, keep, drop, &stripped, &slen) == 0);
    CHECK_MSG(!own(fx, stripped, slen, TSP_REQUIRE_ANY, &rep), "%s: our verifier accepts it", what);
    CHECK_MSG(strstr(rep.error, "shape") != NULL, "%s: refused for another reason: %s", what, rep.error);
    snprintf(cmd, sizeof cmd, "node '%s/tsp_verify.mjs' '%s' --data '%s' %s", interop,
             fx_write(fx, "stripped.tst", stripped, slen), data_path, fx_ca_args(fx));
    char *out = fx_run(cmd, &status);
    CHECK_MSG(status != 0 && out && strstr(out, "do not match policy"), "%s: node says %s", what, out ? out : "");
    printf("%-40s cctsa: %s | node: %s", what, rep.error, out ? out : "\n");
    free(out);
    /* OpenSSL knows nothing of our policies: a stripped token whose remaining signer is ECDSA looks
     * like any classic token to it. Measured and documented (docs/token-profiles.md). */
    if (t.signers[keep].digest_oid.n == OID_LEN(OID_SHA384) &&
        !memcmp(t.signers[keep].digest_oid.p, OID_SHA384, OID_LEN(OID_SHA384))) {
        snprintf(cmd, sizeof cmd, "openssl ts -verify -token_in -in '%s/stripped.tst' -data '%s' -CAfile '%s'", fx->dir,
                 data_path, fx->ca_pem);
        out = fx_run(cmd, &status);
        int accepted = status == 0 && out && strstr(out, "Verification: OK");
        printf("%-40s openssl ts -verify: %s (policy-unaware)\n", what, accepted ? "accepts" : "rejects");
        CHECK_MSG(accepted, "%s: openssl now rejects it: update docs/token-profiles.md", what);
        free(out);
    }
    free(tok);
    free(stripped);
}

/* The compat token t re-encoded with its ECDSA SignerInfo's unsignedAttrs replaced by ua (a
 * whole [1] element); every other byte as issued. */
static int with_unsigned_attrs(const tsp_parsed *t, const uint8_t *ua, size_t ua_len, uint8_t **out, size_t *out_len)
{
    const tsp_signer_info *si = &t->signers[0];
    size_t hdr = 2 + ((si->tlv.p[1] & 0x80) ? (si->tlv.p[1] & 0x7Fu) : 0);
    uint8_t *signer = NULL;
    size_t signer_len = 0;
    der_writer w;
    der_writer_init(&w);
    der_begin(&w, DER_SEQUENCE);
    der_put_raw(&w, si->tlv.p + hdr, (size_t)(si->unsigned_attrs.p - (si->tlv.p + hdr)));
    der_put_raw(&w, ua, ua_len);
    der_end(&w);
    if (der_writer_finish(&w, &signer, &signer_len) != 0) return -1;
    tsp_span sspan = {signer, signer_len};
    int rc = fx_signed_data(t, 3, t->digest_algs, t->ndigest_algs, t->certs, t->ncerts, &sspan, 1, out, out_len);
    free(signer);
    return rc;
}

/* tok must be refused by our verifier for own_why (and under --require pq as a failed
 * countersignature) and by the Node verifier for node_why. */
static void refused(fx_pki *fx, const char *interop, const char *data_path, const uint8_t *tok, size_t len,
                    const char *what, const char *own_why, const char *node_why)
{
    tsp_verify_report rep;
    char cmd[1024];
    int status;
    CHECK_MSG(!own(fx, tok, len, TSP_REQUIRE_ANY, &rep) && strstr(rep.error, own_why), "%s: %s", what, rep.error);
    CHECK_MSG(
        !own(fx, tok, len, TSP_REQUIRE_PQ, &rep) &&
            strstr(rep.error, "post-quantum assurance is required but the ML-DSA-65 countersignature is invalid") &&
            strstr(rep.error, own_why),
        "%s, --require pq: %s", what, rep.error);
    printf("%-40s cctsa --require pq: %s\n", what, rep.error);
    snprintf(cmd, sizeof cmd, "node '%s/tsp_verify.mjs' '%s' --data '%s' %s", interop,
             fx_write(fx, "countersigned.tst", tok, len), data_path, fx_ca_args(fx));
    char *out = fx_run(cmd, &status);
    CHECK_MSG(status != 0 && out && strstr(out, node_why), "%s: node says %s", what, out ? out : "");
    printf("%-40s node: %s", what, out ? out : "\n");
    free(out);
}

/* Token b with the countersignature of token a: every signature is a real one made by the TSA
 * keys, but a's countersignature covers a's ECDSA signature value, not b's. */
static void transplant(fx_pki *fx, const char *interop, const char *data_path)
{
    uint8_t *a = NULL, *b = NULL, *mixed = NULL;
    size_t alen = 0, blen = 0, mlen = 0;
    tsp_parsed ta, tb;
    tsp_verify_report rep;
    char err[200];
    CHECK(fx_stamp(fx, TSP_PROFILE_COMPAT, data, sizeof data, &a, &alen) == 0 &&
          fx_stamp(fx, TSP_PROFILE_COMPAT, data, sizeof data, &b, &blen) == 0);
    CHECK(a && b && tsp_parse(a, alen, &ta, err, sizeof err) == 0 && tsp_parse(b, blen, &tb, err, sizeof err) == 0);
    CHECK_MSG(own(fx, b, blen, TSP_REQUIRE_BOTH, &rep), "the untouched compat token fails: %s", rep.error);
    CHECK(with_unsigned_attrs(&tb, ta.signers[0].unsigned_attrs.p, ta.signers[0].unsigned_attrs.n, &mixed, &mlen) == 0);
    refused(fx, interop, data_path, mixed, mlen, "countersignature transplanted",
            "messageDigest attribute does not match the sha512 of the countersigned signature value",
            "messageDigest mismatch");
    free(a);
    free(b);
    free(mixed);
}

/* A countersignature whose signedAttrs carry contentType (RFC 5652 11.4 forbids it), otherwise
 * right: made by the token builder signing the ECDSA signature value as if it were the eContent
 * of a pq token, with the TSA's own ML-DSA key. */
static void countersignature_with_content_type(fx_pki *fx, const char *interop, const char *data_path)
{
    uint8_t *tok = NULL, *pq = NULL, *ua = NULL, *bad = NULL;
    size_t len = 0, pq_len = 0, ua_len = 0, bad_len = 0;
    tsp_parsed t;
    char err[200];
    CHECK(fx_stamp(fx, TSP_PROFILE_COMPAT, data, sizeof data, &tok, &len) == 0 && tok &&
          tsp_parse(tok, len, &t, err, sizeof err) == 0);
    if (!tok) return;
    const tsp_span *sig = &t.signers[0].signature;
    CHECK(tsp_token_build(sig->p, sig->n, TSP_PROFILE_PQ, NULL, &fx->keys.ml, 0, &pq, &pq_len) == 0);
    /* ContentInfo { oid, [0] { SignedData { ..., signerInfos SET { SignerInfo } } } } */
    der_reader r, ci, ctx, sd, set;
    der_elem e, si = {0};
    der_reader_init(&r, pq, pq_len);
    int ok = pq && der_enter(&r, DER_SEQUENCE, &ci) == DER_OK && der_read(&ci, &e) == DER_OK &&
             der_enter(&ci, DER_CTX(0), &ctx) == DER_OK && der_enter(&ctx, DER_SEQUENCE, &sd) == DER_OK;
    while (ok && !der_reader_done(&sd)) ok = der_read(&sd, &e) == DER_OK;
    der_reader_init(&set, e.val, e.len);
    CHECK(ok && e.tag == DER_SET && der_read(&set, &si) == DER_OK);
    der_writer w;
    der_writer_init(&w);
    der_begin(&w, DER_CTX(1));
    der_begin(&w, DER_SEQUENCE);
    der_put_oid(&w, OID_ARG(OID_ATTR_COUNTERSIGNATURE));
    der_begin(&w, DER_SET);
    if (si.tlv) der_put_raw(&w, si.tlv, si.tlvlen);
    der_end(&w);
    der_end(&w);
    der_end(&w);
    CHECK(der_writer_finish(&w, &ua, &ua_len) == 0 && with_unsigned_attrs(&t, ua, ua_len, &bad, &bad_len) == 0);
    refused(fx, interop, data_path, bad, bad_len, "countersignature with contentType",
            "countersignature signedAttrs contain contentType", "countersignature with a contentType attribute");
    free(tok);
    free(pq);
    free(ua);
    free(bad);
}

int main(int argc, char **argv)
{
    fx_pki fx;
    const char *interop = argc > 1 ? argv[1] : "tests/interop";
    if (fx_init(&fx) != 0) return 1;
    char *data_path = strdup(fx_write(&fx, "data.bin", data, sizeof data));
    /* hybrid signerInfos are DER-sorted; find which index is which by trying both. */
    attempt(&fx, interop, data_path, TSP_PROFILE_HYBRID, 0, 0, "hybrid minus one SignerInfo");
    attempt(&fx, interop, data_path, TSP_PROFILE_HYBRID, 1, 0, "hybrid minus the other SignerInfo");
    attempt(&fx, interop, data_path, TSP_PROFILE_COMPAT, 0, 1, "compat minus its countersignature");
    transplant(&fx, interop, data_path);
    countersignature_with_content_type(&fx, interop, data_path);

    /* Rejection responses are reported as refusals, with the failure. */
    uint8_t *rej = NULL;
    size_t rej_len = 0;
    tsp_verify_report rep;
    CHECK(tsp_resp_reject(TSP_FAIL_BAD_ALG, "weak hash", &rej, &rej_len) == 0);
    CHECK(!own(&fx, rej, rej_len, TSP_REQUIRE_ANY, &rep) && strstr(rep.error, "badAlg") &&
          strstr(rep.error, "weak hash"));
    free(rej);
    free(data_path);
    fx_free(&fx);
    return check_summary("test_tsp_strip");
}

/* test_tsp_tamper.c: flipping one bit of a single byte of a real token makes every verifier
 * reject it. Our verifier: every byte of the classic token, every 19th byte of the others (they
 * are ~10 KB and each verification costs milliseconds; sparser under the sanitizers). Node
 * verifier: every 11th (classic) / 89th byte. openssl ts -verify (classic and compat, the
 * profiles it accepts): every 17th byte OUTSIDE the parts OpenSSL does not authenticate: the
 * ML-DSA countersignature attribute and ML-DSA certificate (only ML-DSA-aware verifiers check them; ours
 * and Node's do), the ECDSA signatureAlgorithm OID (OpenSSL hashes with digestAlgorithm and only
 * checks the key type) and the SignedData and SignerInfo version numbers: an exhaustive run over
 * every byte found exactly these (docs/token-profiles.md). argv[1] = tests/interop folder. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "testutil.h"
#include "tsp/tsp_parse.h"
#include "tsp/tsp_verify.h"
#include "tsp_fixture.h"

static const uint8_t data[] = "tamper-evident data";

static int own_accepts(fx_pki *fx, const uint8_t *tok, size_t len)
{
    tsp_verify_opts o = {0};
    tsp_verify_report rep;
    fx_roots(fx, &o);
    o.data = data;
    o.data_len = sizeof data;
    return tsp_verify(tok, len, &o, &rep) == 0;
}

static int in_span(const uint8_t *base, size_t pos, tsp_span s)
{
    return s.p && pos >= (size_t)(s.p - base) && pos < (size_t)(s.p - base) + s.n;
}

static void tamper_profile(fx_pki *fx, tsp_profile p, const char *interop, const char *data_path)
{
    uint8_t *tok = NULL;
    size_t len = 0;
    CHECK(fx_stamp(fx, p, data, sizeof data, &tok, &len) == 0);
    if (!tok) return;
    CHECK_MSG(own_accepts(fx, tok, len), "untampered %s token rejected", tsp_profile_name(p));

    /* Every byte of the classic token; a dense sample (every 19th, or 61st under the sanitizers)
     * of the bigger ones: ECDSA P-384 verification costs milliseconds. */
    size_t stride = p == TSP_PROFILE_CLASSIC ? (tu_sanitized() ? 7 : 1) : (tu_sanitized() ? 61 : 19);
    size_t tried = 0, accepted = 0;
    uint8_t *copy = malloc(len);
    for (size_t i = 0; i < len; i += stride) {
        memcpy(copy, tok, len);
        copy[i] ^= 0x01;
        tried++;
        if (own_accepts(fx, copy, len)) {
            accepted++;
            fprintf(stderr, "our verifier accepts %s token with byte %zu flipped\n", tsp_profile_name(p), i);
        }
    }
    CHECK_MSG(accepted == 0, "%s: our verifier accepted %zu of %zu tampered tokens", tsp_profile_name(p), accepted,
              tried);
    printf("%-8s %5zu bytes: cctsa verifier rejected %zu/%zu single-byte tamperings\n", tsp_profile_name(p), len,
           tried - accepted, tried);

    char name[32], cmd[1024];
    int status;
    snprintf(name, sizeof name, "%s.tst", tsp_profile_name(p));
    char *tok_path = strdup(fx_write(fx, name, tok, len));
    snprintf(cmd, sizeof cmd, "node '%s/tsp_verify.mjs' '%s' --data '%s' %s", interop, tok_path, data_path,
             fx_ca_args(fx));
    char *out = fx_run(cmd, &status);
    CHECK_MSG(status == 0 && out && strstr(out, "\"ok\":true"), "node rejects the untampered %s token: %s",
              tsp_profile_name(p), out ? out : "");
    free(out);
    snprintf(cmd, sizeof cmd, "node '%s/tsp_verify.mjs' '%s' --data '%s' %s --tamper %d", interop, tok_path, data_path,
             fx_ca_args(fx), p == TSP_PROFILE_CLASSIC ? 11 : 89);
    out = fx_run(cmd, &status);
    CHECK_MSG(status == 0 && out && strstr(out, "\"accepted\":[]"), "node tamper on %s: %s", tsp_profile_name(p),
              out ? out : "");
    printf("%-8s node verifier: %s", tsp_profile_name(p), out ? out : "(no output)\n");
    free(out);

    if (p == TSP_PROFILE_CLASSIC || p == TSP_PROFILE_COMPAT) {
        /* Spans OpenSSL does not authenticate: the countersignature attribute and the ML-DSA certificate. */
        tsp_parsed t;
        char err[200];
        tsp_span skip[5] = {{0}, {0}, {0}, {0}, {0}};
        CHECK(tsp_parse(tok, len, &t, err, sizeof err) == 0);
        skip[0] = t.signers[0].unsigned_attrs;
        skip[2] = t.signers[0].sig_oid; /* OpenSSL takes the hash from digestAlgorithm, ignores this OID */
        /* OpenSSL does not check the version numbers: SignedData's (the byte before the
         * digestAlgorithms SET header) and the SignerInfo's (after its header and "02 01"). */
        const uint8_t *si = t.signers[0].tlv.p;
        size_t si_hdr = 2 + ((si[1] & 0x80) ? (si[1] & 0x7Fu) : 0);
        skip[3].p = t.digest_algs[0].p - 3, skip[3].n = 1;
        skip[4].p = si + si_hdr + 2, skip[4].n = 1;
        for (int c = 0; c < t.ncerts; c++)
            if (t.certs[c].n == fx->keys.ml.cert_len && !memcmp(t.certs[c].p, fx->keys.ml.cert, t.certs[c].n))
                skip[1] = t.certs[c];
        size_t o_tried = 0, o_accepted = 0;
        char *tampered = strdup(fx_write(fx, "tampered.tst", tok, len));
        for (size_t i = 0; i < len; i += 17) {
            int skipped = 0;
            for (int k = 0; k < 5; k++) skipped |= in_span(tok, i, skip[k]);
            if (skipped) continue;
            memcpy(copy, tok, len);
            copy[i] ^= 0x01;
            fx_write(fx, "tampered.tst", copy, len);
            snprintf(cmd, sizeof cmd, "openssl ts -verify -token_in -in '%s' -data '%s' -CAfile '%s'", tampered,
                     data_path, fx->ca_pem);
            out = fx_run(cmd, &status);
            o_tried++;
            if (status == 0 && out && strstr(out, "Verification: OK")) {
                o_accepted++;
                fprintf(stderr, "openssl accepts %s token with byte %zu flipped (%02x -> %02x)\n", tsp_profile_name(p),
                        i, tok[i], copy[i]);
                for (int k = 0; k < t.nsigners; k++)
                    fprintf(stderr, "  signer %d at %zu+%zu, signed attrs at %zu+%zu, digest oid at %zu\n", k,
                            (size_t)(t.signers[k].tlv.p - tok), t.signers[k].tlv.n,
                            (size_t)(t.signers[k].signed_attrs.p - tok), t.signers[k].signed_attrs.n,
                            (size_t)(t.signers[k].digest_oid.p - tok));
            }
            free(out);
        }
        CHECK_MSG(o_accepted == 0, "%s: openssl accepted %zu of %zu", tsp_profile_name(p), o_accepted, o_tried);
        printf("%-8s openssl ts -verify rejected %zu/%zu tamperings outside the parts OpenSSL ignores (%zu bytes "
               "skipped)\n",
               tsp_profile_name(p), o_tried - o_accepted, o_tried, skip[0].n + skip[1].n + skip[2].n + 2);
        free(tampered);
    }
    free(tok_path);
    free(copy);
    free(tok);
}

int main(int argc, char **argv)
{
    fx_pki fx;
    const char *interop = argc > 1 ? argv[1] : "tests/interop";
    if (fx_init(&fx) != 0) return 1;
    char *data_path = strdup(fx_write(&fx, "data.bin", data, sizeof data));
    for (int p = 0; p < TSP_PROFILE_COUNT; p++) tamper_profile(&fx, (tsp_profile)p, interop, data_path);
    free(data_path);
    fx_free(&fx);
    return check_summary("test_tsp_tamper");
}

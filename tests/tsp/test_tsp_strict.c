/* test_tsp_strict.c: what a careful verifier refuses although every signature is valid (argv[1] =
 * the cctsa binary). Each token is crafted here and signed by the fixture's TSA keys:
 *   - TSTInfo extensions: an unknown critical one, critical FALSE encoded, a non-DER value, an
 *     empty list, a repeated one are refused; an unknown non-critical one is accepted;
 *   - a policy OID with a non-minimal subidentifier is refused (before: a "foreign policy");
 *   - genTime in the future (tomorrow, 2099) is refused, within the tolerance or before --at not;
 *   - strict mode (default) refuses high-S ECDSA, SETs out of DER order (certificates,
 *     signerInfos, digestAlgorithms, signedAttrs signed in that order), an unknown unsigned
 *     attribute and granted + failInfo, and
 *     --no-strict accepts each; our signers emit low S; OpenSSL's verdict is printed beside ours;
 *   - --measurement refuses a TSA certificate whose TcbInfo has the debug flag unless
 *     --allow-tcb-flags, and inspect/verify print the flags. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "asn1/der.h"
#include "asn1/oids.h"
#include "check.h"
#include "tsp/tsp_hash.h"
#include "tsp/tsp_status.h"
#include "tsp/tsp_token.h"
#include "tsp_fixture.h"
#include "x509/cert.h"
#include "x509/name.h"

static const uint8_t data[] = "strictly speaking";
static const char *cctsa;

/* A TSTInfo over data (sha256) with the given raw policy OID contents, genTime and optional
 * extensions TLV appended. */
static int tstinfo(const uint8_t *policy, size_t plen, time_t gen, const uint8_t *ext, size_t ext_len, uint8_t **out,
                   size_t *len)
{
    uint8_t d[32];
    der_writer w;
    if (tsp_hash(TSP_HASH_SHA256, data, sizeof data, d) != 0) return -1;
    der_writer_init(&w);
    der_begin(&w, DER_SEQUENCE);
    der_put_uint(&w, 1);
    der_put_tlv(&w, DER_OID, policy, plen); /* raw: the writer would refuse a non-DER OID */
    der_begin(&w, DER_SEQUENCE);
    der_begin(&w, DER_SEQUENCE);
    der_put_oid(&w, OID_ARG(OID_SHA256));
    der_end(&w);
    der_put_octets(&w, d, sizeof d);
    der_end(&w);
    der_put_uint(&w, 4242);
    der_put_gentime(&w, gen, 0);
    if (ext) der_put_raw(&w, ext, ext_len);
    der_end(&w);
    return der_writer_finish(&w, out, len);
}

/* extensions [1] with `count` copies of Extension { 1.2.3.4.5, critical (0 absent, 1 TRUE,
 * 2 FALSE encoded), value }. */
static int extensions(int count, int critical, const uint8_t *value, size_t n, uint8_t **out, size_t *len)
{
    der_writer w;
    der_writer_init(&w);
    der_begin(&w, DER_CTX(1));
    for (int i = 0; i < count; i++) {
        der_begin(&w, DER_SEQUENCE);
        der_put_oid(&w, (const uint8_t *)"\x2A\x03\x04\x05", 4);
        if (critical) der_put_tlv(&w, DER_BOOLEAN, (const uint8_t *)(critical == 1 ? "\xFF" : "\x00"), 1);
        der_put_octets(&w, value, n);
        der_end(&w);
    }
    der_end(&w);
    return der_writer_finish(&w, out, len);
}

static int verify(fx_pki *fx, const uint8_t *tok, size_t len, int strict, time_t at, tsp_verify_report *rep)
{
    tsp_verify_opts o = {0};
    fx_roots(fx, &o);
    o.data = data, o.data_len = sizeof data, o.no_strict = !strict, o.at = at;
    return tsp_verify(tok, len, &o, rep) == 0;
}

/* Sign a crafted TSTInfo as a classic token (certificates included). */
static uint8_t *signed_tst(fx_pki *fx, const uint8_t *tst, size_t tst_len, size_t *len)
{
    uint8_t *tok = NULL;
    if (tsp_token_build(tst, tst_len, TSP_PROFILE_CLASSIC, &fx->keys.ec, &fx->keys.ml, 1, &tok, len) != 0) return NULL;
    return tok;
}

static void expect(fx_pki *fx, const uint8_t *tok, size_t len, int strict, time_t at, int ok, const char *needle,
                   const char *what)
{
    tsp_verify_report rep;
    int got = tok && verify(fx, tok, len, strict, at, &rep);
    CHECK_MSG(got == ok, "%s: %s (%s)", what, got ? "accepted" : "refused", tok ? rep.error : "no token");
    if (!ok && needle)
        CHECK_MSG(fx_contains_ci(rep.error, needle), "%s: refused for another reason: %s", what, rep.error);
    printf("%-52s %s%s%s\n", what, got ? "accepted" : "refused: ", got ? "" : rep.error, "");
}

static void tstinfo_cases(fx_pki *fx)
{
    size_t plen, tst_len, ext_len, len;
    const uint8_t *pol = tsp_profile_policy(TSP_PROFILE_CLASSIC, &plen);
    time_t now = time(NULL);
    static const struct {
        int count, critical;
        const char *value;
        size_t n;
        int ok;
        const char *needle, *what;
    } ext_cases[] = {
        {1, 1, "\x05\x00", 2, 0, "critical extension", "TSTInfo: unknown critical extension"},
        {1, 0, "\x05\x00", 2, 1, NULL, "TSTInfo: unknown non-critical extension"},
        {1, 2, "\x05\x00", 2, 0, "FALSE must be omitted", "TSTInfo: critical FALSE encoded"},
        {1, 0, "\x02\x02\x00\x01", 4, 0, "not one DER element", "TSTInfo: extension value not DER"},
        {1, 0, "\x05\x00\x05\x00", 4, 0, "not one DER element", "TSTInfo: extension value two elements"},
        {0, 0, "", 0, 0, "empty", "TSTInfo: empty extensions"},
        {2, 0, "\x05\x00", 2, 0, "repeated", "TSTInfo: extension repeated"},
    };
    for (size_t i = 0; i < sizeof ext_cases / sizeof ext_cases[0]; i++) {
        uint8_t *ext = NULL, *tst = NULL, *tok = NULL;
        CHECK(extensions(ext_cases[i].count, ext_cases[i].critical, (const uint8_t *)ext_cases[i].value, ext_cases[i].n,
                         &ext, &ext_len) == 0);
        CHECK(tstinfo(pol, plen, now, ext, ext_len, &tst, &tst_len) == 0);
        tok = signed_tst(fx, tst, tst_len, &len);
        expect(fx, tok, len, 1, 0, ext_cases[i].ok, ext_cases[i].needle, ext_cases[i].what);
        if (i < 2 && tok) { /* inspect counts them */
            char cmd[512];
            int status;
            snprintf(cmd, sizeof cmd, "'%s' inspect '%s'", cctsa, fx_write(fx, "ext.tst", tok, len));
            char *out = fx_run(cmd, &status);
            const char *want = i == 0 ? "extensions: 1 (1 critical, 1 not understood)"
                                      : "extensions: 1 (0 critical, 0 not understood)";
            CHECK_MSG(status == 0 && out && strstr(out, want), "inspect: %s", out ? out : "");
            free(out);
        }
        free(ext), free(tst), free(tok);
    }
    /* The classic policy with its second arc padded by a leading 0x80: same value, not DER. */
    uint8_t padded[64], *tst = NULL, *tok = NULL;
    padded[0] = pol[0], padded[1] = 0x80;
    memcpy(padded + 2, pol + 1, plen - 1);
    CHECK(tstinfo(padded, plen + 1, now, NULL, 0, &tst, &tst_len) == 0);
    tok = signed_tst(fx, tst, tst_len, &len);
    expect(fx, tok, len, 1, 0, 0, "OBJECT IDENTIFIER", "policy OID not minimally encoded");
    free(tst), free(tok);

    static const struct {
        long gen_offset;
        long at_offset; /* reference time relative to now; 0: the clock */
        int ok;
        const char *what;
    } time_cases[] = {
        {86400, 0, 0, "genTime tomorrow"},
        {100, 0, 1, "genTime 100 s ahead (tolerance 300 s)"},
        {86400, 2 * 86400, 1, "genTime tomorrow, --at the day after"},
        {0, -3600, 0, "genTime now, --at an hour ago"},
    };
    for (size_t i = 0; i < sizeof time_cases / sizeof time_cases[0]; i++) {
        CHECK(tstinfo(pol, plen, now + time_cases[i].gen_offset, NULL, 0, &tst, &tst_len) == 0);
        tok = signed_tst(fx, tst, tst_len, &len);
        expect(fx, tok, len, 1, time_cases[i].at_offset ? now + time_cases[i].at_offset : 0, time_cases[i].ok, "future",
               time_cases[i].what);
        free(tst), free(tok);
    }
    CHECK(tstinfo(pol, plen, 4070908800 /* 2099-01-01 */, NULL, 0, &tst, &tst_len) == 0);
    tok = signed_tst(fx, tst, tst_len, &len);
    expect(fx, tok, len, 1, 0, 0, "future", "genTime 2099");
    free(tst), free(tok);
}

/* SignerInfo si again, with its signedAttrs [0] replaced (new_attrs, a whole [0] TLV, or NULL),
 * its signature replaced (new_sig, or NULL) and/or an unsigned attribute TLV appended as
 * unsignedAttrs [1]. */
static int signer_with(const tsp_signer_info *si, const uint8_t *new_attrs, size_t attrs_len, const uint8_t *new_sig,
                       size_t sig_len, const uint8_t *attr, size_t attr_len, uint8_t **out, size_t *len)
{
    der_reader top, r;
    der_elem e;
    der_writer w;
    der_reader_init(&top, si->tlv.p, si->tlv.n);
    if (der_enter(&top, DER_SEQUENCE, &r) != DER_OK) return -1;
    der_writer_init(&w);
    der_begin(&w, DER_SEQUENCE);
    while (der_read(&r, &e) == DER_OK) {
        if (e.tag == DER_OCTET_STRING && new_sig)
            der_put_octets(&w, new_sig, sig_len);
        else if (e.tag == DER_CTX(0) && new_attrs)
            der_put_raw(&w, new_attrs, attrs_len);
        else
            der_put_raw(&w, e.tlv, e.tlvlen);
    }
    if (attr) {
        der_begin(&w, DER_CTX(1));
        der_put_raw(&w, attr, attr_len);
        der_end(&w);
    }
    der_end(&w);
    return der_writer_finish(&w, out, len);
}

/* openssl ts -verify's verdict on a classic token (printed beside ours). */
static void openssl_verdict(fx_pki *fx, const uint8_t *tok, size_t len, const char *what)
{
    char cmd[1024], data_path[256];
    int status;
    snprintf(data_path, sizeof data_path, "%s", fx_write(fx, "data.bin", data, sizeof data));
    snprintf(cmd, sizeof cmd, "openssl ts -verify -token_in -in '%s' -data '%s' -CAfile '%s'",
             fx_write(fx, "crafted.tst", tok, len), data_path, fx->ca_pem);
    char *out = fx_run(cmd, &status);
    printf("%-52s openssl ts -verify: %s\n", what,
           status == 0 && out && strstr(out, "Verification: OK") ? "accepts" : "rejects");
    free(out);
}

static void strict_cases(fx_pki *fx)
{
    uint8_t *tok = NULL, *crafted = NULL, *si = NULL;
    size_t len = 0, crafted_len = 0, si_len = 0;
    tsp_parsed t;
    char err[200];
    tsp_span signer;
    der_writer w0;

    /* Our ECDSA signer emits low S every time (OpenSSL alone gives high S half of the time). */
    int low = 0;
    for (int i = 0; i < 16; i++) {
        CHECK(fx_stamp(fx, TSP_PROFILE_CLASSIC, data, sizeof data, &tok, &len) == 0 &&
              tsp_parse(tok, len, &t, err, sizeof err) == 0);
        low += x509_ecdsa_sig_is_low_s(t.signers[0].signature.p, t.signers[0].signature.n) == 1;
        free(tok);
    }
    CHECK_MSG(low == 16, "%d of 16 signatures low-S", low);

    /* High S: (r, n - s) verifies too. */
    uint8_t high[X509_ECDSA_MAX_SIGBYTES];
    size_t high_len = sizeof high;
    CHECK(fx_stamp(fx, TSP_PROFILE_CLASSIC, data, sizeof data, &tok, &len) == 0 &&
          tsp_parse(tok, len, &t, err, sizeof err) == 0);
    CHECK(x509_ecdsa_sig_negate_s(t.signers[0].signature.p, t.signers[0].signature.n, high, &high_len) == 0);
    CHECK(x509_ecdsa_sig_is_low_s(high, high_len) == 0);
    CHECK(signer_with(&t.signers[0], NULL, 0, high, high_len, NULL, 0, &si, &si_len) == 0);
    signer = (tsp_span){si, si_len};
    CHECK(fx_signed_data(&t, 3, t.digest_algs, t.ndigest_algs, t.certs, t.ncerts, &signer, 1, &crafted, &crafted_len) ==
          0);
    expect(fx, crafted, crafted_len, 1, 0, 0, "high S", "ECDSA high S (strict)");
    expect(fx, crafted, crafted_len, 0, 0, 1, NULL, "ECDSA high S (--no-strict)");
    openssl_verdict(fx, crafted, crafted_len, "ECDSA high S");
    /* The same through the command line: strict by default, --no-strict accepts. */
    char cmd[1024], tok_path[256], data_path[256];
    int status;
    snprintf(tok_path, sizeof tok_path, "%s", fx_write(fx, "high-s.tst", crafted, crafted_len));
    snprintf(data_path, sizeof data_path, "%s", fx_write(fx, "data.bin", data, sizeof data));
    snprintf(cmd, sizeof cmd, "'%s' verify '%s' --data '%s' %s", cctsa, tok_path, data_path, fx_ca_args(fx));
    char *out = fx_run(cmd, &status);
    CHECK_MSG(status == 1 && out && strstr(out, "high S"), "cctsa verify high S: %d %s", status, out ? out : "");
    free(out);
    snprintf(cmd, sizeof cmd, "'%s' verify '%s' --data '%s' %s --strict --no-strict", cctsa, tok_path, data_path,
             fx_ca_args(fx));
    out = fx_run(cmd, &status);
    CHECK_MSG(status == 0 && out && strstr(out, "not strict"), "cctsa verify --no-strict high S: %d %s", status,
              out ? out : "");
    free(out);
    free(si), free(crafted);

    /* signedAttrs out of DER order, signed that way by the TSA key: the signature is valid. */
    {
        der_reader top, r;
        der_elem set, e, attrs[8];
        int n = 0;
        der_reader_init(&top, t.signers[0].signed_attrs.p, t.signers[0].signed_attrs.n);
        CHECK(der_read(&top, &set) == DER_OK);
        der_reader_init(&r, set.val, set.len);
        while (n < 8 && der_read(&r, &e) == DER_OK) attrs[n++] = e;
        CHECK(n == 3);
        uint8_t *tbs = NULL, sig[X509_MAX_SIGBYTES];
        size_t tbs_len = 0, sig_len = sizeof sig;
        der_writer_init(&w0);
        der_begin(&w0, DER_SET); /* not der_begin_set_of: keep the reversed order */
        for (int k = n - 1; k >= 0; k--) der_put_raw(&w0, attrs[k].tlv, attrs[k].tlvlen);
        der_end(&w0);
        CHECK(der_writer_finish(&w0, &tbs, &tbs_len) == 0);
        CHECK(tbs && x509_signer_sign(&fx->keys.ec_signer, tbs, tbs_len, sig, &sig_len) == 0);
        if (tbs) tbs[0] = DER_CTX(0);
        CHECK(signer_with(&t.signers[0], tbs, tbs_len, sig, sig_len, NULL, 0, &si, &si_len) == 0);
        signer = (tsp_span){si, si_len};
        CHECK(fx_signed_data(&t, 3, t.digest_algs, t.ndigest_algs, t.certs, t.ncerts, &signer, 1, &crafted,
                             &crafted_len) == 0);
        expect(fx, crafted, crafted_len, 1, 0, 0, "signedAttrs are not in DER",
               "signedAttrs out of DER order (strict)");
        expect(fx, crafted, crafted_len, 0, 0, 1, NULL, "signedAttrs out of DER order (--no-strict)");
        openssl_verdict(fx, crafted, crafted_len, "signedAttrs out of DER order");
        free(tbs), free(si), free(crafted);
    }

    /* An unsigned attribute no profile defines (1.2.3.4 = NULL). */
    static const uint8_t attr[] = {0x30, 0x09, 0x06, 0x03, 0x2A, 0x03, 0x04, 0x31, 0x02, 0x05, 0x00};
    CHECK(signer_with(&t.signers[0], NULL, 0, NULL, 0, attr, sizeof attr, &si, &si_len) == 0);
    signer = (tsp_span){si, si_len};
    CHECK(fx_signed_data(&t, 3, t.digest_algs, t.ndigest_algs, t.certs, t.ncerts, &signer, 1, &crafted, &crafted_len) ==
          0);
    expect(fx, crafted, crafted_len, 1, 0, 0, "unsigned attribute 1.2.3.4", "unknown unsigned attribute (strict)");
    expect(fx, crafted, crafted_len, 0, 0, 1, NULL, "unknown unsigned attribute (--no-strict)");
    openssl_verdict(fx, crafted, crafted_len, "unknown unsigned attribute");
    free(si), free(crafted);

    /* granted, but failInfo badAlg set. */
    der_writer w;
    der_writer_init(&w);
    der_begin(&w, DER_SEQUENCE);
    der_begin(&w, DER_SEQUENCE);
    der_put_uint(&w, TSP_STATUS_GRANTED);
    der_put_bit_flags(&w, 1u << TSP_FAIL_BAD_ALG);
    der_end(&w);
    der_put_raw(&w, tok, len);
    der_end(&w);
    CHECK(der_writer_finish(&w, &crafted, &crafted_len) == 0);
    expect(fx, crafted, crafted_len, 1, 0, 0, "failInfo", "granted with failInfo (strict)");
    expect(fx, crafted, crafted_len, 0, 0, 1, NULL, "granted with failInfo (--no-strict)");
    free(crafted), free(tok);

    /* SETs out of DER order in a hybrid token: two of each, reversed. */
    CHECK(fx_stamp(fx, TSP_PROFILE_HYBRID, data, sizeof data, &tok, &len) == 0 &&
          tsp_parse(tok, len, &t, err, sizeof err) == 0);
    expect(fx, tok, len, 1, 0, 1, NULL, "hybrid as issued (strict)");
    CHECK(t.ncerts == 2 && t.nsigners == 2 && t.ndigest_algs == 2);
    tsp_span certs[2] = {t.certs[1], t.certs[0]}, signers[2] = {t.signers[0].tlv, t.signers[1].tlv},
             rsigners[2] = {t.signers[1].tlv, t.signers[0].tlv}, algs[2] = {t.digest_algs[1], t.digest_algs[0]};
    static const char *what[3] = {"certificates", "signerInfos", "digestAlgorithms"};
    for (int k = 0; k < 3; k++) {
        CHECK(fx_signed_data(&t, 3, k == 2 ? algs : t.digest_algs, 2, k == 0 ? certs : t.certs, 2,
                             k == 1 ? rsigners : signers, 2, &crafted, &crafted_len) == 0);
        char label[64];
        snprintf(label, sizeof label, "%s out of DER order (strict)", what[k]);
        expect(fx, crafted, crafted_len, 1, 0, 0, what[k], label);
        snprintf(label, sizeof label, "%s out of DER order (--no-strict)", what[k]);
        expect(fx, crafted, crafted_len, 0, 0, 1, NULL, label);
        free(crafted);
    }
    free(tok);
    /* The compat companion is the one defined unsigned attribute: accepted in strict mode. */
    CHECK(fx_stamp(fx, TSP_PROFILE_COMPAT, data, sizeof data, &tok, &len) == 0);
    expect(fx, tok, len, 1, 0, 1, NULL, "compat as issued (strict)");
    free(tok);
}

/* An ML-DSA TSA certificate (ML-DSA root) for the fixture's ML-DSA key with TcbInfo measurement m
 * and the given operational flags; installed as the key's certificate. */
static int ml_cert_with_tcb(fx_pki *fx, const uint8_t m[48], uint32_t flags)
{
    x509_cert root;
    uint8_t *name = NULL, *der = NULL;
    size_t name_len = 0, len = 0;
    x509_tcbinfo tcb = {.vendor = "AMD", .model = "SEV-SNP", .svn = -1, .flags = flags};
    memcpy(tcb.measurement, m, 48);
    time_t now = time(NULL);
    if (x509_cert_parse(&root, fx->ml_ca_der, fx->ml_ca_der_len) != 0 ||
        x509_name_from_string("CN=cctsa test TSA (ML-DSA-65),O=cctsa test", &name, &name_len) != 0)
        return -1;
    x509_cert_template t = {.profile = X509_PROFILE_TSA,
                            .issuer = root.subject.p,
                            .issuer_len = root.subject.len,
                            .subject = name,
                            .subject_len = name_len,
                            .not_before = now - 3600,
                            .not_after = now + 86400,
                            .subject_alg = X509_ALG_MLDSA65,
                            .subject_pub = fx->keys.ml_signer.pub,
                            .subject_publen = fx->keys.ml_signer.publen,
                            .issuer_key_id = root.ski.p,
                            .issuer_key_id_len = root.ski.len,
                            .path_len = -1,
                            .tcbinfo = &tcb};
    int rc = x509_cert_build(&t, &fx->ml_root.signer, &der, &len) == 0
                 ? tsp_local_keys_set_cert(&fx->keys, X509_ALG_MLDSA65, der, len)
                 : -1;
    free(name);
    free(der);
    return rc;
}

static void tcb_cases(fx_pki *fx)
{
    uint8_t m[48], *tok = NULL;
    size_t len = 0;
    tsp_verify_report rep;
    memset(m, 0xA5, sizeof m);
    static const struct {
        uint32_t flags;
        int allow, ok;
        const char *names;
    } cases[] = {
        {0, 0, 1, "none"},
        {X509_TCB_DEBUG, 0, 0, "debug"},
        {X509_TCB_DEBUG, 1, 1, "debug"},
        {X509_TCB_NOT_SECURE | X509_TCB_NOT_CONFIGURED, 0, 0, "notConfigured,notSecure"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CHECK(ml_cert_with_tcb(fx, m, cases[i].flags) == 0);
        CHECK(fx_stamp(fx, TSP_PROFILE_PQ, data, sizeof data, &tok, &len) == 0);
        tsp_verify_opts o = {0};
        fx_roots(fx, &o);
        o.data = data, o.data_len = sizeof data, o.measurement = m, o.measurement_len = sizeof m;
        o.allow_tcb_flags = cases[i].allow;
        int ok = tok && tsp_verify(tok, len, &o, &rep) == 0;
        CHECK_MSG(ok == cases[i].ok, "TcbInfo flags %s allow %d: %s", cases[i].names, cases[i].allow,
                  ok ? "accepted" : rep.error);
        const char *where = ok ? rep.lines[rep.nlines > 0 ? 0 : 0] : rep.error;
        int mentioned = 0;
        for (int l = 0; ok && l < rep.nlines; l++) mentioned |= strstr(rep.lines[l], cases[i].names) != NULL;
        if (!ok) mentioned = strstr(rep.error, cases[i].names) != NULL;
        CHECK_MSG(mentioned, "TcbInfo flags %s not reported: %s", cases[i].names, where);
        printf("TcbInfo flags %-28s allow %d: %s\n", cases[i].names, cases[i].allow, ok ? "accepted" : rep.error);
        if (i == 1) { /* the CLI prints them too: inspect, and verify --measurement */
            char cmd[1024], tok_path[256], data_path[256], hex[97];
            int status;
            for (int b = 0; b < 48; b++) snprintf(hex + 2 * b, 3, "%02x", m[b]);
            snprintf(tok_path, sizeof tok_path, "%s", fx_write(fx, "debug.tst", tok, len));
            snprintf(data_path, sizeof data_path, "%s", fx_write(fx, "data.bin", data, sizeof data));
            snprintf(cmd, sizeof cmd, "'%s' inspect '%s'", cctsa, tok_path);
            char *out = fx_run(cmd, &status);
            CHECK_MSG(status == 0 && out && strstr(out, "TcbInfo flags: debug"), "inspect: %s", out ? out : "");
            free(out);
            snprintf(cmd, sizeof cmd, "'%s' verify '%s' --data '%s' %s --measurement %s", cctsa, tok_path, data_path,
                     fx_ca_args(fx), hex);
            out = fx_run(cmd, &status);
            CHECK_MSG(status == 1 && out && strstr(out, "flags set (debug)"), "verify --measurement: %s",
                      out ? out : "");
            free(out);
            snprintf(cmd, sizeof cmd, "'%s' verify '%s' --data '%s' %s --measurement %s --allow-tcb-flags", cctsa,
                     tok_path, data_path, fx_ca_args(fx), hex);
            out = fx_run(cmd, &status);
            CHECK_MSG(status == 0 && out && strstr(out, "operational flags: debug"), "verify --allow-tcb-flags: %s",
                      out ? out : "");
            free(out);
        }
        free(tok);
    }
    CHECK(fx_use_ml_cert(fx, 0) == 0);
}

/* --at through the command line: RFC 3339 with an offset, and a malformed one. */
static void at_cases(fx_pki *fx)
{
    uint8_t *tok = NULL;
    size_t len = 0;
    char cmd[1024], tok_path[256], data_path[256];
    int status;
    CHECK(fx_stamp(fx, TSP_PROFILE_CLASSIC, data, sizeof data, &tok, &len) == 0);
    snprintf(tok_path, sizeof tok_path, "%s", fx_write(fx, "now.tst", tok, len));
    snprintf(data_path, sizeof data_path, "%s", fx_write(fx, "data.bin", data, sizeof data));
    static const struct {
        const char *at;
        int status;
        const char *needle;
    } cases[] = {
        {"2099-01-01T00:00:00Z", 0, "reference time (--at)"},
        {"2000-01-01T01:00:00.25+01:00", 1, "2000-01-01T00:00:00Z"},
        {"2026-02-30T00:00:00Z", 2, "--at takes"},
        {"yesterday", 2, "--at takes"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(cmd, sizeof cmd, "'%s' verify '%s' --data '%s' %s --at '%s'", cctsa, tok_path, data_path,
                 fx_ca_args(fx), cases[i].at);
        char *out = fx_run(cmd, &status);
        CHECK_MSG(status == cases[i].status && out && strstr(out, cases[i].needle), "--at %s: exit %d: %s", cases[i].at,
                  status, out ? out : "");
        free(out);
    }
    free(tok);
}

int main(int argc, char **argv)
{
    fx_pki fx;
    if (argc < 2) {
        fprintf(stderr, "usage: test_tsp_strict CCTSA_BINARY\n");
        return 2;
    }
    cctsa = argv[1];
    if (fx_init(&fx) != 0) return 1;
    tstinfo_cases(&fx);
    strict_cases(&fx);
    tcb_cases(&fx);
    at_cases(&fx);
    fx_free(&fx);
    return check_summary("test_tsp_strict");
}

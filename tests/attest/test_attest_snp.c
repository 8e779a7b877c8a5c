/* test_attest_snp.c: the sev-snp verifier against real AMD-signed reports (shared/sev-snp-fixtures,
 * MANIFEST.md): every fixture's documented verdict and field values, every byte of each good
 * report flipped, wrong / missing / unpinned roots, expired chains, a VCEK from another chip,
 * pinned ARK fingerprints recomputed from the fixtures, both hwID encodings, the endorsement input
 * forms (PEM, DER, GHCB table), and one error code per failed check. */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attest/attest_internal.h"
#include "attest_fixture.h"
#include "check.h"
#include "testutil.h"

#define BIT(e) (1u << (e))

typedef struct {
    const char *name, *report, *leaf, *roots;
    attest_product product;
    uint32_t version, vmpl;
    int vlek;
    const char *measurement_prefix, *chip_prefix;
    uint8_t reported_tcb[8];
    int y, m, d;     /* verification date */
    uint32_t failed; /* documented verdict */
} fixture;

static const fixture fixtures[] = {
    {"virtee-milan-v2",
     "virtee-milan-v2/report.bin",
     "virtee-milan-v2/vcek.der",
     "roots/milan-vcek-ask-ark.pem",
     ATTEST_PRODUCT_MILAN,
     2,
     0,
     0,
     "7a1e5c26",
     "d49554ec",
     {3, 0, 0, 0, 0, 0, 8, 0x73},
     2026,
     6,
     1,
     0},
    {"trustee-milan-v2",
     "trustee-milan-v2/report.bin",
     "trustee-milan-v2/vcek.der",
     "roots/milan-vcek-ask-ark.pem",
     ATTEST_PRODUCT_MILAN,
     2,
     0,
     0,
     "a1f39304",
     NULL,
     {3, 0, 0, 0, 0, 0, 8, 0x73},
     2026,
     6,
     1,
     0},
    {"ccf-milan-v3",
     "ccf-milan-v3/report.bin",
     "ccf-milan-v3/vcek.pem",
     "roots/milan-vcek-ask-ark.pem",
     ATTEST_PRODUCT_MILAN,
     3,
     0,
     0,
     "5feee30d",
     NULL,
     {0},
     2026,
     6,
     1,
     0},
    {"ccf-genoa-v3",
     "ccf-genoa-v3/report.bin",
     "ccf-genoa-v3/vcek.pem",
     "roots/genoa-vcek-ask-ark.pem",
     ATTEST_PRODUCT_GENOA,
     3,
     0,
     0,
     "5feee30d",
     NULL,
     {0},
     2026,
     6,
     1,
     0},
    {"azure-hcl-milan-v2",
     "azure-hcl-milan-v2/hcl-report.bin",
     "azure-hcl-milan-v2/vcek-ask-ark.pem",
     NULL,
     ATTEST_PRODUCT_MILAN,
     2,
     0,
     0,
     NULL,
     NULL,
     {0},
     2026,
     6,
     1,
     0},
    {"trustee-milan-v3-vlek",
     "trustee-milan-v3-vlek/report.bin",
     "trustee-milan-v3-vlek/vlek.der",
     "roots/milan-vlek-asvk-ark.pem",
     ATTEST_PRODUCT_MILAN,
     3,
     1,
     1,
     NULL,
     NULL,
     {0},
     2025,
     6,
     1,
     0},
    {"gsg-milan-v2-debugpolicy",
     "gsg-milan-v2-debugpolicy/report.bin",
     "gsg-milan-v2-debugpolicy/vcek.der",
     "roots/milan-vcek-ask-ark.pem",
     ATTEST_PRODUCT_MILAN,
     2,
     0,
     0,
     "b07af962",
     "3ac3fe21",
     {2, 0, 0, 0, 0, 0, 5, 0x44},
     2026,
     6,
     1,
     BIT(ATTEST_ERR_DEBUG)},
};
#define NFIX (sizeof fixtures / sizeof fixtures[0])

static int load(const fixture *f, fx_report *r)
{
    const char *files[] = {f->leaf, f->roots, NULL};
    int rc = fx_load(r, f->report, files);
    CHECK_MSG(rc == 0, "cannot load fixture %s", f->name);
    return rc;
}

static attest_policy policy_for(const fixture *f)
{
    attest_policy p;
    attest_policy_default(&p, ATTEST_PROVIDER_SEV_SNP);
    p.max_vmpl = f->vmpl;
    return p;
}

static int hex_prefix_is(const uint8_t *b, const char *hex)
{
    char *h = tu_hex_encode(b, strlen(hex) / 2);
    int ok = h && !strcmp(h, hex);
    free(h);
    return ok;
}

static void test_verdicts(void)
{
    for (size_t i = 0; i < NFIX; i++) {
        const fixture *f = &fixtures[i];
        fx_report r;
        if (load(f, &r) != 0) continue;
        attest_policy p = policy_for(f);
        attest_claims c;
        attest_result res;
        attest_err e = attest_verify(r.report, ATTEST_REPORT_BYTES, r.certs, r.certs_len, &p, NULL,
                                     fx_date(f->y, f->m, f->d), &c, &res);
        CHECK_MSG(res.failed == f->failed, "%s: failed 0x%x (%s: %s), expected 0x%x", f->name, res.failed,
                  attest_err_name(e), res.reason, f->failed);
        CHECK(e == (f->failed ? (attest_err)__builtin_ctz(f->failed) : ATTEST_OK));
        CHECK_MSG(c.product == f->product, "%s: product %s", f->name, attest_product_name(c.product));
        CHECK(c.version == f->version && c.vmpl == f->vmpl && c.signing_key == f->vlek);
        if (f->measurement_prefix)
            CHECK_MSG(hex_prefix_is(c.measurement, f->measurement_prefix), "%s measurement", f->name);
        if (f->chip_prefix) CHECK_MSG(hex_prefix_is(c.chip_id, f->chip_prefix), "%s chip id", f->name);
        if (f->reported_tcb[7]) {
            CHECK(c.reported_tcb.bl == f->reported_tcb[0] && c.reported_tcb.tee == f->reported_tcb[1]);
            CHECK(c.reported_tcb.snp == f->reported_tcb[6] && c.reported_tcb.ucode == f->reported_tcb[7]);
        }
        CHECK(c.chip_id_len == (f->vlek ? 0u : 64u));
        /* The verdict with the binding it carries as the expected one is the same; another binding fails. */
        uint8_t other[64];
        memcpy(other, c.report_data, 64);
        attest_verify(r.report, ATTEST_REPORT_BYTES, r.certs, r.certs_len, &p, other, fx_date(f->y, f->m, f->d), &c,
                      &res);
        CHECK(res.failed == f->failed);
        other[63] ^= 1;
        attest_verify(r.report, ATTEST_REPORT_BYTES, r.certs, r.certs_len, &p, other, fx_date(f->y, f->m, f->d), &c,
                      &res);
        CHECK(res.failed == (f->failed | BIT(ATTEST_ERR_REPORT_DATA)));
        fx_free(&r);
    }
}

/* Specific field values from MANIFEST.md. */
static void test_fields(void)
{
    fx_report r;
    attest_claims c;
    attest_result res;
    attest_policy p = policy_for(&fixtures[1]);
    /* trustee-milan-v2: CURRENT_TCB ucode 0xce differs from REPORTED 0x73, and the VCEK matches REPORTED. */
    if (load(&fixtures[1], &r) == 0) {
        CHECK(attest_verify(r.report, ATTEST_REPORT_BYTES, r.certs, r.certs_len, &p, NULL, fx_date(2026, 6, 1), &c,
                            &res) == 0);
        CHECK(c.current_tcb.ucode == 0xce && c.reported_tcb.ucode == 0x73 && c.guest_svn == 4);
        fx_free(&r);
    }
    /* ccf: same measurement on Milan and Genoa; CPUID 19 01 01 and 19 11 01; HOST_DATA set. */
    fx_report m, g;
    attest_claims cm, cg;
    if (load(&fixtures[2], &m) == 0 && load(&fixtures[3], &g) == 0) {
        attest_verify(m.report, ATTEST_REPORT_BYTES, m.certs, m.certs_len, &p, NULL, fx_date(2026, 6, 1), &cm, &res);
        CHECK(res.failed == 0);
        attest_verify(g.report, ATTEST_REPORT_BYTES, g.certs, g.certs_len, &p, NULL, fx_date(2026, 6, 1), &cg, &res);
        CHECK(res.failed == 0);
        CHECK_MEM(cm.measurement, cg.measurement, 48);
        CHECK(cm.cpuid_fam == 0x19 && cm.cpuid_mod == 0x01 && cm.cpuid_step == 0x01);
        CHECK(cg.cpuid_fam == 0x19 && cg.cpuid_mod == 0x11 && cg.cpuid_step == 0x01);
        CHECK(hex_prefix_is(cm.host_data, "4f4448c6"));
        /* The claims fill the certificate's TcbInfo. */
        x509_tcbinfo t;
        attest_claims_tcbinfo(&cm, &t);
        CHECK(!strcmp(t.vendor, "AMD") && !strcmp(t.model, "SEV-SNP") && t.flags == 0);
        CHECK_MEM(t.measurement, cm.measurement, 48);
        /* Expected measurement: equal passes, one bit off fails with its own code. */
        p.check_measurement = 1;
        memcpy(p.measurement, cm.measurement, 48);
        attest_verify(g.report, ATTEST_REPORT_BYTES, g.certs, g.certs_len, &p, NULL, fx_date(2026, 6, 1), &cg, &res);
        CHECK(res.failed == 0);
        p.measurement[0] ^= 0x80;
        attest_verify(g.report, ATTEST_REPORT_BYTES, g.certs, g.certs_len, &p, NULL, fx_date(2026, 6, 1), &cg, &res);
        CHECK(res.failed == BIT(ATTEST_ERR_MEASUREMENT));
        /* Minimum TCB: at the reported value passes, one above fails. */
        p.check_measurement = 0;
        p.min_tcb = cm.reported_tcb;
        attest_verify(m.report, ATTEST_REPORT_BYTES, m.certs, m.certs_len, &p, NULL, fx_date(2026, 6, 1), &cm, &res);
        CHECK(res.failed == 0);
        p.min_tcb.snp++;
        attest_verify(m.report, ATTEST_REPORT_BYTES, m.certs, m.certs_len, &p, NULL, fx_date(2026, 6, 1), &cm, &res);
        CHECK(res.failed == BIT(ATTEST_ERR_TCB_MIN));
    }
    fx_free(&m), fx_free(&g);
    /* VLEK: VMPL 1 is refused under the default maximum 0; and it expired on 2025-12-10. */
    if (load(&fixtures[5], &r) == 0) {
        attest_policy_default(&p, ATTEST_PROVIDER_SEV_SNP);
        attest_verify(r.report, ATTEST_REPORT_BYTES, r.certs, r.certs_len, &p, NULL, fx_date(2025, 6, 1), &c, &res);
        CHECK(res.failed == BIT(ATTEST_ERR_VMPL));
        p.max_vmpl = 1;
        attest_verify(r.report, ATTEST_REPORT_BYTES, r.certs, r.certs_len, &p, NULL, fx_date(2025, 12, 11), &c, &res);
        CHECK_MSG(res.failed == BIT(ATTEST_ERR_CHAIN_EXPIRED), "vlek after expiry: 0x%x %s", res.failed, res.reason);
        uint8_t zero[64] = {0};
        CHECK_MEM(c.chip_id, zero, 64);
        fx_free(&r);
    }
}

/* Azure HCL: the report at offset 0x20; REPORT_DATA[0:32] = SHA-256 of the runtime-claims JSON at 0x4D4. */
static void test_azure_hcl(void)
{
    fx_report r;
    if (load(&fixtures[4], &r) != 0) return;
    CHECK(r.report == r.blob + 0x20);
    CHECK(r.blob_len >= 0x4D4 + 1110);
    uint8_t h[32];
    unsigned n = 0;
    CHECK(EVP_Digest(r.blob + 0x4D4, 1110, h, &n, EVP_sha256(), NULL) == 1);
    CHECK_MEM(h, r.report + 0x50, 32);
    CHECK(hex_prefix_is(h, "b3fbad65"));
    size_t off;
    CHECK(attest_report_locate(r.blob, 0x20 + ATTEST_REPORT_BYTES - 1, &off) == -1);
    fx_free(&r);
}

/* Every byte of the signed region and of the signature field flipped: every variant is rejected,
 * signed-region flips always fail the signature check, flips in R/S too, the rest as reserved. */
static void test_byte_flips(void)
{
    for (size_t i = 0; i < NFIX; i++) {
        const fixture *f = &fixtures[i];
        fx_report r;
        if (f->failed || load(f, &r) != 0) continue;
        attest_policy p = policy_for(f);
        uint8_t rep[ATTEST_REPORT_BYTES];
        unsigned accepted = 0, sig_missed = 0;
        for (size_t b = 0; b < ATTEST_REPORT_BYTES; b++) {
            attest_claims c;
            attest_result res;
            memcpy(rep, r.report, sizeof rep);
            rep[b] ^= (uint8_t)(1u << (b % 8));
            attest_verify(rep, sizeof rep, r.certs, r.certs_len, &p, NULL, fx_date(f->y, f->m, f->d), &c, &res);
            if (res.failed == 0) accepted++;
            int in_sig = (b >= 0x2A0 && b < 0x2A0 + 48) || (b >= 0x2E8 && b < 0x2E8 + 48);
            if ((b < ATTEST_SIGNED_BYTES || in_sig) && !(res.failed & BIT(ATTEST_ERR_SIGNATURE))) sig_missed++;
            if (b >= ATTEST_SIGNED_BYTES && !in_sig && !(res.failed & BIT(ATTEST_ERR_MBZ))) sig_missed++;
        }
        CHECK_MSG(accepted == 0, "%s: %u flipped variants accepted", f->name, accepted);
        CHECK_MSG(sig_missed == 0, "%s: %u flips not flagged by the expected check", f->name, sig_missed);
        fx_free(&r);
    }
}

static attest_result verify_with(const char *report, const char *const *certs, time_t at)
{
    fx_report r;
    attest_result res = {.failed = ~0u};
    attest_policy p;
    attest_claims c;
    attest_policy_default(&p, ATTEST_PROVIDER_SEV_SNP);
    if (fx_load(&r, report, certs) != 0) {
        CHECK_MSG(0, "cannot load %s", report);
        return res;
    }
    attest_verify(r.report, ATTEST_REPORT_BYTES, r.certs, r.certs_len, &p, NULL, at, &c, &res);
    fx_free(&r);
    return res;
}

static void test_chain_rejections(void)
{
    time_t t = fx_date(2026, 6, 1);
    /* Wrong root: a Milan VCEK with the Genoa chain. */
    const char *genoa[] = {"virtee-milan-v2/vcek.der", "roots/genoa-vcek-ask-ark.pem", NULL};
    attest_result res = verify_with("virtee-milan-v2/report.bin", genoa, t);
    CHECK_MSG(res.failed == BIT(ATTEST_ERR_ROOT), "wrong root: 0x%x %s", res.failed, res.reason);
    /* No root at all, and the ASK without its ARK. */
    const char *leaf_only[] = {"virtee-milan-v2/vcek.der", NULL};
    res = verify_with("virtee-milan-v2/report.bin", leaf_only, t);
    CHECK(res.failed == BIT(ATTEST_ERR_ROOT));
    /* The VLEK chain (ASVK) is not the VCEK chain: a VCEK under ARK + ASVK does not verify. */
    const char *asvk[] = {"virtee-milan-v2/vcek.der", "roots/milan-vlek-asvk-ark.pem", NULL};
    res = verify_with("virtee-milan-v2/report.bin", asvk, t);
    CHECK_MSG(res.failed == BIT(ATTEST_ERR_ROOT) || res.failed == BIT(ATTEST_ERR_CHAIN), "asvk: 0x%x", res.failed);
    /* Expired chain: the virtee VCEK is valid until 2030-04-03. */
    const char *good[] = {"virtee-milan-v2/vcek.der", "roots/milan-vcek-ask-ark.pem", NULL};
    res = verify_with("virtee-milan-v2/report.bin", good, fx_date(2031, 1, 1));
    CHECK_MSG(res.failed == BIT(ATTEST_ERR_CHAIN_EXPIRED), "expired: 0x%x %s", res.failed, res.reason);
    res = verify_with("virtee-milan-v2/report.bin", good, fx_date(2019, 1, 1));
    CHECK(res.failed == BIT(ATTEST_ERR_CHAIN_EXPIRED));
    /* VCEK from another chip (same product, valid chain): hwID and signature both fail. */
    const char *other[] = {"trustee-milan-v2/vcek.der", "roots/milan-vcek-ask-ark.pem", NULL};
    res = verify_with("virtee-milan-v2/report.bin", other, t);
    CHECK_MSG(res.failed == (BIT(ATTEST_ERR_SIGNATURE) | BIT(ATTEST_ERR_CHIP_ID)), "other chip: 0x%x %s", res.failed,
              res.reason);
    /* A Genoa VCEK with a Milan report (v2: product from the certificate) under the Genoa chain:
     * chain fine, but product/signature/chip all refuse. */
    const char *genoa_leaf[] = {"ccf-genoa-v3/vcek.pem", "roots/genoa-vcek-ask-ark.pem", NULL};
    res = verify_with("virtee-milan-v2/report.bin", genoa_leaf, t);
    CHECK(res.failed & BIT(ATTEST_ERR_SIGNATURE));
    CHECK(res.failed & BIT(ATTEST_ERR_CHIP_ID));
    /* The synthetic certificates have bad signatures: the chain refuses them. */
    const char *synth[] = {"trustee-synthetic-vcek-encodings/hwid-raw.der", "roots/milan-vcek-ask-ark.pem", NULL};
    res = verify_with("virtee-milan-v2/report.bin", synth, t);
    CHECK_MSG(res.failed & BIT(ATTEST_ERR_CHAIN), "synthetic: 0x%x %s", res.failed, res.reason);
    /* An unpinned self-signed root whose name mimics ARK-Milan: not trusted. */
    fx_report r;
    if (fx_load(&r, "virtee-milan-v2/report.bin", good) == 0) {
        snp_certs cs;
        CHECK(snp_certs_parse(r.certs, r.certs_len, &cs) == 0 && cs.n == 3);
        uint8_t *der = NULL;
        int n = i2d_X509(cs.cert[2], &der); /* ARK-Milan; alter one signature byte (at the end) */
        if (n > 0) {
            der[n - 1] ^= 1;
            uint8_t *buf = malloc(r.certs_len);
            size_t keep = r.certs_len - (size_t)n;
            memcpy(buf, r.certs, keep);
            memcpy(buf + keep, der, (size_t)n);
            attest_policy p;
            attest_claims c;
            attest_policy_default(&p, ATTEST_PROVIDER_SEV_SNP);
            attest_verify(r.report, ATTEST_REPORT_BYTES, buf, r.certs_len, &p, NULL, t, &c, &res);
            CHECK_MSG(res.failed == BIT(ATTEST_ERR_ROOT), "altered ARK: 0x%x %s", res.failed, res.reason);
            free(buf);
        }
        OPENSSL_free(der);
        snp_certs_free(&cs);
        fx_free(&r);
    }
}

/* The pinned ARK fingerprints, recomputed from the fixtures' roots/ bundles and cross-checked
 * with the values in shared/notes/sev-snp-attestation.md 2.2. */
static void test_pins(void)
{
    static const struct {
        const char *file, *ark_sha256;
        attest_product p;
    } roots[] = {
        {"roots/milan-vcek-ask-ark.pem", "69D063B45344D26A2E94E1F4210DE49EF555308287D4C174445C95639A540BCD",
         ATTEST_PRODUCT_MILAN},
        {"roots/genoa-vcek-ask-ark.pem", "4C6598D19C18719C5DFD4A7D335F674E5BFE1D8F800CEA2CF270C10D103DB2F1",
         ATTEST_PRODUCT_GENOA},
        {"roots/turin-vcek-ask-ark.pem", "1F084161A44BB6D93778A904877D4819CAFA5D05EF4193B2DED9DD9C73DD3F6A",
         ATTEST_PRODUCT_TURIN},
        {"roots/milan-vlek-asvk-ark.pem", "69D063B45344D26A2E94E1F4210DE49EF555308287D4C174445C95639A540BCD",
         ATTEST_PRODUCT_MILAN},
        {"roots/turin-vlek-asvk-ark.pem", "1F084161A44BB6D93778A904877D4819CAFA5D05EF4193B2DED9DD9C73DD3F6A",
         ATTEST_PRODUCT_TURIN},
    };
    for (size_t i = 0; i < sizeof roots / sizeof roots[0]; i++) {
        const char *files[] = {roots[i].file, NULL};
        uint8_t *der;
        size_t len;
        snp_certs cs;
        if (fx_certs(files, &der, &len) != 0 || snp_certs_parse(der, len, &cs) != 0) {
            CHECK_MSG(0, "cannot read %s", roots[i].file);
            continue;
        }
        CHECK(cs.n == 2);
        uint8_t fp[32], want[32];
        CHECK(tu_hex_to(want, 32, roots[i].ark_sha256) == 0);
        CHECK(snp_cert_fingerprint(cs.cert[1], fp) == 0);
        CHECK_MSG(!memcmp(fp, want, 32), "%s: ARK fingerprint differs from the research note", roots[i].file);
        CHECK(snp_pinned_ark(cs.cert[1]) == roots[i].p);
        CHECK(snp_pinned_ark(cs.cert[0]) == ATTEST_PRODUCT_UNKNOWN); /* the ASK/ASVK is not a root */
        snp_certs_free(&cs);
        free(der);
    }
}

/* Both hwID encodings of the synthetic certificates give the same 64 bytes. */
static void test_hwid_encodings(void)
{
    const char *raw[] = {"trustee-synthetic-vcek-encodings/hwid-raw.der", NULL};
    const char *wrapped[] = {"trustee-synthetic-vcek-encodings/hwid-octetstring.der", NULL};
    uint8_t *d1, *d2;
    size_t l1, l2;
    snp_certs c1 = {0}, c2 = {0};
    snp_vcek_ext e1, e2;
    CHECK(fx_certs(raw, &d1, &l1) == 0 && snp_certs_parse(d1, l1, &c1) == 0);
    CHECK(fx_certs(wrapped, &d2, &l2) == 0 && snp_certs_parse(d2, l2, &c2) == 0);
    if (c1.n == 1 && c2.n == 1) {
        CHECK(snp_vcek_ext_parse(c1.cert[0], &e1) == 0 && e1.has_hwid && e1.hwid_len == 64);
        CHECK(snp_vcek_ext_parse(c2.cert[0], &e2) == 0 && e2.has_hwid && e2.hwid_len == 64);
        CHECK_MEM(e1.hwid, e2.hwid, 64);
        CHECK(e1.hwid[0] == 0x00 && e1.hwid[63] == 0x3f);
        CHECK(e1.has_tcb[8] && e1.tcb[8] == 169 && e2.tcb[8] == 30); /* 02 02 00 a9 and 02 01 1e */
    }
    snp_certs_free(&c1), snp_certs_free(&c2);
    free(d1), free(d2);
    /* Real leaves: the VLEK has CSP_ID and no hwID; the ccf Milan VCEK's ucodeSPL is 219 (two bytes). */
    const char *vlek[] = {"trustee-milan-v3-vlek/vlek.der", NULL}, *ccf[] = {"ccf-milan-v3/vcek.pem", NULL};
    CHECK(fx_certs(vlek, &d1, &l1) == 0 && snp_certs_parse(d1, l1, &c1) == 0);
    CHECK(c1.n == 1 && snp_vcek_ext_parse(c1.cert[0], &e1) == 0 && e1.has_csp_id && !e1.has_hwid);
    CHECK(fx_certs(ccf, &d2, &l2) == 0 && snp_certs_parse(d2, l2, &c2) == 0);
    CHECK(c2.n == 1 && snp_vcek_ext_parse(c2.cert[0], &e2) == 0 && e2.tcb[8] == 219 && !strcmp(e2.product, "Milan-B0"));
    snp_certs_free(&c1), snp_certs_free(&c2);
    free(d1), free(d2);
}

static void put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}

/* Endorsements as a PEM bundle and as a GHCB certificate table verify like concatenated DER;
 * malformed input is refused as endorsements. */
static void test_endorsement_forms(void)
{
    const fixture *f = &fixtures[0];
    fx_report r;
    attest_policy p = policy_for(f);
    attest_claims c;
    attest_result res;
    if (load(f, &r) != 0) return;
    snp_certs cs;
    CHECK(snp_certs_parse(r.certs, r.certs_len, &cs) == 0 && cs.n == 3); /* VCEK, ASK, ARK */
    /* GHCB table: VCEK, ASK, ARK entries, zero terminator, then the certificates. */
    static const uint8_t guids[3][16] = {
        {0x63, 0xda, 0x75, 0x8d, 0xe6, 0x64, 0x45, 0x64, 0xad, 0xc5, 0xf4, 0xb9, 0x3b, 0xe8, 0xac, 0xcd},
        {0x4a, 0xb7, 0xb3, 0x79, 0xbb, 0xac, 0x4f, 0xe4, 0xa0, 0x2f, 0x05, 0xae, 0xf3, 0x27, 0xc7, 0x82},
        {0xc0, 0xb4, 0x06, 0xa4, 0xa8, 0x03, 0x49, 0x52, 0x97, 0x43, 0x3f, 0xb6, 0x01, 0x4c, 0xd0, 0xae}};
    size_t hdr = 4 * 24, total = hdr + r.certs_len + 16;
    uint8_t *table = calloc(1, total);
    size_t off = hdr;
    for (int i = 0; i < 3; i++) {
        int n = i2d_X509(cs.cert[i], NULL);
        unsigned char *p8 = table + off;
        i2d_X509(cs.cert[i], &p8);
        memcpy(table + 24 * i, guids[i], 16);
        put_le32(table + 24 * i + 16, (uint32_t)off);
        put_le32(table + 24 * i + 20, (uint32_t)n + (i == 0 ? 16 : 0)); /* padded entry */
        off += (size_t)n + (i == 0 ? 16 : 0);
    }
    CHECK(attest_verify(r.report, ATTEST_REPORT_BYTES, table, total, &p, NULL, fx_date(2026, 6, 1), &c, &res) == 0);
    put_le32(table + 16, (uint32_t)total); /* offset past the end */
    CHECK(attest_verify(r.report, ATTEST_REPORT_BYTES, table, total, &p, NULL, fx_date(2026, 6, 1), &c, &res) ==
          ATTEST_ERR_ENDORSEMENTS);
    free(table);
    /* PEM bundle straight from the fixture files. */
    size_t n1, n2;
    uint8_t *pem1 = tu_read_file(fx_path("ccf-milan-v3/vcek.pem"), &n1);
    uint8_t *pem2 = tu_read_file(fx_path("roots/milan-vcek-ask-ark.pem"), &n2);
    fx_report m;
    if (pem1 && pem2 && load(&fixtures[2], &m) == 0) {
        uint8_t *both = malloc(n1 + n2);
        memcpy(both, pem1, n1), memcpy(both + n1, pem2, n2);
        CHECK(attest_verify(m.report, ATTEST_REPORT_BYTES, both, n1 + n2, &p, NULL, fx_date(2026, 6, 1), &c, &res) ==
              0);
        both[n1 + 100] = '!'; /* corrupt base64 in the ASK block */
        CHECK(attest_verify(m.report, ATTEST_REPORT_BYTES, both, n1 + n2, &p, NULL, fx_date(2026, 6, 1), &c, &res) ==
              ATTEST_ERR_ENDORSEMENTS);
        free(both);
        fx_free(&m);
    }
    free(pem1), free(pem2);
    /* Truncated DER, empty input, and trailing garbage. */
    CHECK(attest_verify(r.report, ATTEST_REPORT_BYTES, r.certs, r.certs_len - 1, &p, NULL, 0, &c, &res) ==
          ATTEST_ERR_ENDORSEMENTS);
    CHECK(attest_verify(r.report, ATTEST_REPORT_BYTES, r.certs, 0, &p, NULL, 0, &c, &res) == ATTEST_ERR_ENDORSEMENTS);
    snp_certs_free(&cs);
    fx_free(&r);
}

/* Structure errors each get their own code. */
static void test_structure(void)
{
    fx_report r;
    attest_policy p = policy_for(&fixtures[0]);
    attest_claims c;
    attest_result res;
    if (load(&fixtures[0], &r) != 0) return;
    uint8_t rep[ATTEST_REPORT_BYTES + 1];
    CHECK(attest_verify(r.report, ATTEST_REPORT_BYTES - 1, r.certs, r.certs_len, &p, NULL, 0, &c, &res) ==
          ATTEST_ERR_SIZE);
    memcpy(rep, r.report, ATTEST_REPORT_BYTES);
    rep[ATTEST_REPORT_BYTES] = 0;
    CHECK(attest_verify(rep, sizeof rep, r.certs, r.certs_len, &p, NULL, 0, &c, &res) == ATTEST_ERR_SIZE);
    struct {
        size_t off;
        uint8_t val;
        attest_err e;
    } muts[] = {
        {0x000, 6, ATTEST_ERR_VERSION},
        {0x000, 1, ATTEST_ERR_VERSION},
        {0x034, 2, ATTEST_ERR_SIG_ALGO},
        {0x048, 7 << 2, ATTEST_ERR_SIGNING_KEY},
        {0x048, 3 << 2, ATTEST_ERR_SIGNING_KEY},
        {0x04C, 1, ATTEST_ERR_MBZ},
        {0x188, 0x19, ATTEST_ERR_MBZ} /* CPUID byte in a v2 report */,
        {0x00A, 0x0B, ATTEST_ERR_DEBUG} /* bit 19 (with 17, 16) */,
        {0x00A, 0x07, ATTEST_ERR_MIGRATE},
        {0x00A, 0x01, ATTEST_ERR_POLICY_BITS},
        {0x00B, 0x04, ATTEST_ERR_POLICY_BITS},
        {0x030, 1, ATTEST_ERR_VMPL},
    };
    for (size_t i = 0; i < sizeof muts / sizeof muts[0]; i++) {
        memcpy(rep, r.report, ATTEST_REPORT_BYTES);
        rep[muts[i].off] = muts[i].val;
        attest_verify(rep, ATTEST_REPORT_BYTES, r.certs, r.certs_len, &p, NULL, fx_date(2026, 6, 1), &c, &res);
        /* Each mutation also breaks the signature; the check it targets is flagged by name. */
        CHECK_MSG(res.failed == (BIT(muts[i].e) | BIT(ATTEST_ERR_SIGNATURE)), "mutation %zu: 0x%x, want %s", i,
                  res.failed, attest_err_name(muts[i].e));
    }
    fx_free(&r);
    for (int e = 0; e < ATTEST_ERR_COUNT; e++) CHECK(strcmp(attest_err_name((attest_err)e), "unknown") != 0);
}

/* A certificate carrying just the given AMD extensions (suffix, DER contents), for parser tests. */
static X509 *cert_with(const char *const *suffix, const uint8_t *const *val, const int *len, int n)
{
    X509 *x = X509_new();
    for (int i = 0; x && i < n; i++) {
        char oid[64];
        snprintf(oid, sizeof oid, "1.3.6.1.4.1.3704.1.%s", suffix[i]);
        ASN1_OBJECT *obj = OBJ_txt2obj(oid, 1);
        ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
        X509_EXTENSION *ext = NULL;
        int ok = obj && os && ASN1_OCTET_STRING_set(os, val[i], len[i]) &&
                 (ext = X509_EXTENSION_create_by_OBJ(NULL, obj, 0, os)) && X509_add_ext(x, ext, -1);
        X509_EXTENSION_free(ext), ASN1_OCTET_STRING_free(os), ASN1_OBJECT_free(obj);
        if (!ok) X509_free(x), x = NULL;
    }
    return x;
}

/* Turin: TCB byte layout fmc, bl, tee, snp, 0, 0, 0, ucode (the real Turin report's REPORTED_TCB
 * 01 01 01 04 00 00 00 52, shared/notes 1), CPUID family 0x1A, an 8-byte hwID raw or wrapped. */
static void test_turin_layout(void)
{
    attest_tcb t = snp_tcb_decode(0x5200000004010101ull, ATTEST_PRODUCT_TURIN);
    CHECK(t.fmc == 1 && t.bl == 1 && t.tee == 1 && t.snp == 4 && t.ucode == 0x52);
    t = snp_tcb_decode(0x7308000000000003ull, ATTEST_PRODUCT_MILAN); /* 03 00 00 00 00 00 08 73 */
    CHECK(t.fmc == 0 && t.bl == 3 && t.tee == 0 && t.snp == 8 && t.ucode == 0x73);
    snp_report r = {.version = 5, .cpuid_fam = 0x1A, .cpuid_mod = 0x02};
    CHECK(snp_product_from_cpuid(&r) == ATTEST_PRODUCT_TURIN);
    r.cpuid_fam = 0x19, r.cpuid_mod = 0xA1;
    CHECK(snp_product_from_cpuid(&r) == ATTEST_PRODUCT_GENOA);
    r.version = 2;
    CHECK(snp_product_from_cpuid(&r) == ATTEST_PRODUCT_UNKNOWN);
    CHECK(snp_product_from_name("Turin") == ATTEST_PRODUCT_TURIN &&
          snp_product_from_name("Milan-B0") == ATTEST_PRODUCT_MILAN);
    CHECK(snp_product_from_name("Milano") == ATTEST_PRODUCT_UNKNOWN);
    static const uint8_t raw8[8] = {0x6b, 0xb1, 0x22, 0x9b, 0x76, 0x92, 0xb7, 0x10};
    static const uint8_t wrapped8[10] = {0x04, 8, 0x6b, 0xb1, 0x22, 0x9b, 0x76, 0x92, 0xb7, 0x10};
    static const uint8_t fmc[3] = {0x02, 1, 1}, csp[5] = {0x16, 3, 'a', 'w', 's'}, bad32[32] = {0};
    const struct {
        const char *s[2];
        const uint8_t *v[2];
        int l[2];
        int n, ok;
        size_t hwlen;
    } cases[] = {
        {{"4", "3.9"}, {raw8, fmc}, {8, 3}, 2, 0, 8},
        {{"4", "3.9"}, {wrapped8, fmc}, {10, 3}, 2, 0, 8},
        {{"4"}, {bad32}, {32}, 1, -1, 0},
        {{"4", "5"}, {raw8, csp}, {8, 5}, 2, -1, 0}, /* hwID and CSP_ID together */
        {{"3.9"}, {csp}, {5}, 1, -1, 0},             /* an SPL that is not an INTEGER */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        X509 *x = cert_with(cases[i].s, cases[i].v, cases[i].l, cases[i].n);
        snp_vcek_ext e;
        CHECK(x != NULL);
        if (!x) continue;
        int rc = snp_vcek_ext_parse(x, &e);
        CHECK_MSG(rc == cases[i].ok, "case %zu: %d", i, rc);
        if (rc == 0) CHECK(e.hwid_len == cases[i].hwlen && !memcmp(e.hwid, raw8, 8) && e.has_tcb[9] && e.tcb[9] == 1);
        X509_free(x);
    }
}

int main(void)
{
    test_turin_layout();
    test_pins();
    test_verdicts();
    test_fields();
    test_azure_hcl();
    test_chain_rejections();
    test_hwid_encodings();
    test_endorsement_forms();
    test_structure();
    test_byte_flips();
    return check_summary("test_attest_snp");
}

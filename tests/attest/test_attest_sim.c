/* test_attest_sim.c: the sim provider through the same verifier: round trip, measurement from the
 * executable and configuration files, measurement and binding mismatches, a sim report refused by
 * a verifier configured for sev-snp, per-chip VCEKs, byte flips, the measured configuration's
 * attest.* settings, and sev-snp report generation on a machine without SEV-SNP. */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "attest/attest_internal.h"
#include "attest_fixture.h"
#include "check.h"
#include "testutil.h"

#define BIT(e) (1u << (e))

static char dir[] = "/tmp/cctsa-attest-XXXXXX";

static const char *tmp(const char *name)
{
    static char buf[4][256];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f) fputs(text, f), fclose(f);
}

static void test_measure(void)
{
    uint8_t m1[48], m2[48], m3[48], mb[48];
    write_file(tmp("node"), "\x7f"
                            "ELF pretend executable");
    write_file(tmp("node.conf"), "attest.provider = sim\n");
    CHECK(attest_sim_measure(tmp("node"), tmp("node.conf"), m1) == 0);
    /* Independent recomputation: SHA-384(domain || u64be(len) || exe || u64be(len) || cfg). */
    const char exe[] = "\x7f"
                       "ELF pretend executable",
               cfg[] = "attest.provider = sim\n";
    uint8_t buf[256], ref[48];
    size_t n = 0;
    memcpy(buf, "cctsa-sim-measurement-v1", 24), n = 24;
    memset(buf + n, 0, 7), buf[n + 7] = (uint8_t)(sizeof exe - 1), n += 8;
    memcpy(buf + n, exe, sizeof exe - 1), n += sizeof exe - 1;
    memset(buf + n, 0, 7), buf[n + 7] = (uint8_t)(sizeof cfg - 1), n += 8;
    memcpy(buf + n, cfg, sizeof cfg - 1), n += sizeof cfg - 1;
    CHECK(EVP_Digest(buf, n, ref, NULL, EVP_sha384(), NULL) == 1);
    CHECK_MEM(m1, ref, 48);
    CHECK(attest_sim_measure_bytes((const uint8_t *)exe, sizeof exe - 1, (const uint8_t *)cfg, sizeof cfg - 1, mb) ==
          0);
    CHECK_MEM(mb, ref, 48);
    /* A rebuilt binary or a changed configuration gives another measurement. */
    write_file(tmp("node2"), "\x7f"
                             "ELF pretend executable!");
    CHECK(attest_sim_measure(tmp("node2"), tmp("node.conf"), m2) == 0);
    write_file(tmp("node2.conf"), "attest.provider = sim\nattest.max_vmpl = 0\n");
    CHECK(attest_sim_measure(tmp("node"), tmp("node2.conf"), m3) == 0);
    CHECK(memcmp(m1, m2, 48) != 0 && memcmp(m1, m3, 48) != 0);
    /* Moving bytes between the two files changes the measurement (length framing). */
    write_file(tmp("a"), "ab"), write_file(tmp("b"), "c");
    write_file(tmp("c"), "a"), write_file(tmp("d"), "bc");
    CHECK(attest_sim_measure(tmp("a"), tmp("b"), m2) == 0 && attest_sim_measure(tmp("c"), tmp("d"), m3) == 0);
    CHECK(memcmp(m2, m3, 48) != 0);
    CHECK(attest_sim_measure(tmp("missing"), tmp("node.conf"), m2) == -1);
    CHECK(attest_sim_measure(dir, tmp("node.conf"), m2) == -1); /* a directory is not a file */
}

static void sim_policy(attest_policy *p, const uint8_t *measurement)
{
    attest_policy_default(p, ATTEST_PROVIDER_SIM);
    p->check_measurement = 1;
    memcpy(p->measurement, measurement, 48);
}

static void test_round_trip(void)
{
    uint8_t m[48], binding[64], chip[64];
    attest_evidence ev;
    attest_policy p;
    attest_claims c;
    attest_result res;
    for (int i = 0; i < 48; i++) m[i] = (uint8_t)(0xA0 + i);
    for (int i = 0; i < 64; i++) binding[i] = (uint8_t)i;
    CHECK(attest_sim_chip_id("node-1", chip) == 0);
    CHECK(attest_sim_evidence(m, binding, chip, &ev) == ATTEST_OK);
    sim_policy(&p, m);
    CHECK_MSG(attest_verify(ev.report, sizeof ev.report, ev.endorsements, ev.endorsements_len, &p, binding, 0, &c,
                            &res) == ATTEST_OK,
              "sim round trip: %s", res.reason);
    CHECK_MEM(c.measurement, m, 48);
    CHECK_MEM(c.report_data, binding, 64);
    CHECK_MEM(c.chip_id, chip, 64);
    CHECK(c.provider == ATTEST_PROVIDER_SIM && c.product == ATTEST_PRODUCT_MILAN && c.version == 3 && !c.debug);
    CHECK(c.reported_tcb.snp == 8 && c.reported_tcb.ucode == 0x73 && c.chip_id_len == 64);
    x509_tcbinfo t;
    attest_claims_tcbinfo(&c, &t);
    CHECK(!strcmp(t.model, "SEV-SNP-SIM"));
    CHECK_MEM(t.measurement, m, 48);
    /* ... and the claims encode into the certificate extension and parse back. */
    der_writer w;
    uint8_t *ext = NULL;
    size_t ext_len = 0;
    x509_tcbinfo_view tv;
    der_writer_init(&w);
    x509_tcbinfo_put(&w, &t);
    CHECK(der_writer_finish(&w, &ext, &ext_len) == 0 && x509_tcbinfo_parse(ext, ext_len, &tv) == 0);
    CHECK(tv.has_measurement && !memcmp(tv.measurement, m, 48) && tv.flags == 0 && tv.has_svn && tv.svn == 0);
    free(ext);
    /* Measurement mismatch is refused, by its own code only. */
    p.measurement[47] ^= 1;
    CHECK(attest_verify(ev.report, sizeof ev.report, ev.endorsements, ev.endorsements_len, &p, binding, 0, &c, &res) ==
          ATTEST_ERR_MEASUREMENT);
    CHECK(res.failed == BIT(ATTEST_ERR_MEASUREMENT));
    p.measurement[47] ^= 1;
    /* Wrong binding. */
    binding[0] ^= 1;
    attest_verify(ev.report, sizeof ev.report, ev.endorsements, ev.endorsements_len, &p, binding, 0, &c, &res);
    CHECK(res.failed == BIT(ATTEST_ERR_REPORT_DATA));
    binding[0] ^= 1;
    /* A verifier configured for sev-snp refuses the sim report: its root is not a pinned ARK. */
    attest_policy snp;
    attest_policy_default(&snp, ATTEST_PROVIDER_SEV_SNP);
    attest_verify(ev.report, sizeof ev.report, ev.endorsements, ev.endorsements_len, &snp, binding, 0, &c, &res);
    CHECK_MSG(res.failed == BIT(ATTEST_ERR_ROOT), "sev-snp verifier on a sim report: 0x%x %s", res.failed, res.reason);
    /* ... even when the simulation root is appended to the endorsements. */
    X509 *root = sim_root_cert();
    uint8_t *der = NULL;
    int n = root ? i2d_X509(root, &der) : -1;
    CHECK(n > 0);
    uint8_t *with_root = malloc(ev.endorsements_len + (size_t)(n > 0 ? n : 0));
    memcpy(with_root, ev.endorsements, ev.endorsements_len);
    if (n > 0) memcpy(with_root + ev.endorsements_len, der, (size_t)n);
    attest_verify(ev.report, sizeof ev.report, with_root, ev.endorsements_len + (size_t)n, &snp, binding, 0, &c, &res);
    CHECK(res.failed == BIT(ATTEST_ERR_ROOT));
    free(with_root);
    OPENSSL_free(der);
    X509_free(root);
    /* Every byte flipped: rejected. */
    uint8_t rep[ATTEST_REPORT_BYTES];
    unsigned accepted = 0;
    for (size_t b = 0; b < sizeof rep; b++) {
        memcpy(rep, ev.report, sizeof rep);
        rep[b] ^= 0x40;
        if (attest_verify(rep, sizeof rep, ev.endorsements, ev.endorsements_len, &p, binding, 0, &c, &res) == ATTEST_OK)
            accepted++;
    }
    CHECK_MSG(accepted == 0, "%u flipped sim reports accepted", accepted);
    /* Another chip's VCEK: hwID and signature refuse it. */
    uint8_t chip2[64];
    attest_evidence ev2;
    CHECK(attest_sim_chip_id("node-2", chip2) == 0 && memcmp(chip, chip2, 64) != 0);
    CHECK(attest_sim_evidence(m, binding, chip2, &ev2) == ATTEST_OK);
    attest_verify(ev.report, sizeof ev.report, ev2.endorsements, ev2.endorsements_len, &p, binding, 0, &c, &res);
    CHECK(res.failed == (BIT(ATTEST_ERR_SIGNATURE) | BIT(ATTEST_ERR_CHIP_ID)));
    /* A real AMD report is refused by a sim verifier (not the simulation root). */
    fx_report r;
    const char *certs[] = {"virtee-milan-v2/vcek.der", "roots/milan-vcek-ask-ark.pem", NULL};
    if (fx_load(&r, "virtee-milan-v2/report.bin", certs) == 0) {
        attest_policy_default(&p, ATTEST_PROVIDER_SIM);
        attest_verify(r.report, ATTEST_REPORT_BYTES, r.certs, r.certs_len, &p, NULL, fx_date(2026, 6, 1), &c, &res);
        CHECK_MSG(res.failed & BIT(ATTEST_ERR_ROOT), "sim verifier on an AMD report: 0x%x", res.failed);
        fx_free(&r);
    }
    attest_evidence_free(&ev);
    attest_evidence_free(&ev2);
}

static void test_config(void)
{
    attest_policy p;
    char why[128];
    const char good[] =
        "# node config\nnode.listen = 0.0.0.0:4000\nattest.provider = sim   # development only\n"
        "attest.max_vmpl = 1\nattest.min_tcb = 3.0.8.115\nattest.measurement = "
        "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecf\n";
    CHECK(attest_config_parse(good, strlen(good), &p, why, sizeof why) == 0);
    CHECK(p.provider == ATTEST_PROVIDER_SIM && p.max_vmpl == 1 && p.min_tcb.snp == 8 && p.min_tcb.ucode == 115);
    CHECK(p.check_measurement && p.measurement[0] == 0xa0 && p.measurement[47] == 0xcf);
    CHECK(attest_config_parse("", 0, &p, why, sizeof why) == 0 && p.provider == ATTEST_PROVIDER_SEV_SNP);
    static const char *bad[] = {
        "attest.provider = simulated\n", "attest.provider sim\n",    "attest.max_vmpl = 4\n",
        "attest.max_vmpl = -1\n",        "attest.min_tcb = 1.2.3\n", "attest.min_tcb = 1.2.3.256\n",
        "attest.measurement = abcd\n",   "attest.trust_sim = 1\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_MSG(attest_config_parse(bad[i], strlen(bad[i]), &p, why, sizeof why) == -1, "accepted: %s", bad[i]);
    CHECK(attest_config_parse("a\0b", 3, &p, why, sizeof why) == -1);
    write_file(tmp("cfg"), "attest.provider = sim\n");
    CHECK(attest_config_load(tmp("cfg"), &p, why, sizeof why) == 0 && p.provider == ATTEST_PROVIDER_SIM);
    CHECK(attest_config_load(tmp("nope"), &p, why, sizeof why) == -1);
}

/* This machine has no SEV-SNP guest device (checked first; skipped on a real SNP guest). */
static void test_snp_unavailable(void)
{
    struct stat st;
    if (stat("/dev/sev-guest", &st) == 0 || stat("/sys/kernel/config/tsm/report", &st) == 0) return;
    uint8_t binding[64] = {0};
    attest_evidence ev;
    char why[128];
    CHECK(attest_snp_evidence(binding, &ev, why, sizeof why) == ATTEST_ERR_UNAVAILABLE);
    CHECK(!strcmp(why, "sev-snp: not available on this machine"));
}

int main(void)
{
    if (!mkdtemp(dir)) return perror("mkdtemp"), 1;
    test_measure();
    test_round_trip();
    test_config();
    test_snp_unavailable();
    const char *names[] = {"node", "node2", "node.conf", "node2.conf", "a", "b", "c", "d", "cfg"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) unlink(tmp(names[i]));
    rmdir(dir);
    return check_summary("test_attest_sim");
}

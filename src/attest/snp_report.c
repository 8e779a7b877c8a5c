/* snp_report.c: the 1184-byte SEV-SNP ATTESTATION_REPORT (AMD 56860): little-endian field
 * decoding, the must-be-zero ranges per version, product detection from CPUID, the two TCB_VERSION
 * layouts, and locating the report inside an Azure HCL container. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "attest/attest_internal.h"

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p) { return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32; }

static int all_zero(const uint8_t *p, size_t n)
{
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++) acc |= p[i];
    return acc == 0;
}

void attest_fail(attest_result *res, attest_err e, const char *fmt, ...)
{
    if (res->failed == 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(res->reason, sizeof res->reason, fmt, ap);
        va_end(ap);
        res->first = e;
    }
    res->failed |= 1u << e;
}

const char *attest_err_name(attest_err e)
{
    static const char *const names[ATTEST_ERR_COUNT] = {
        [ATTEST_OK] = "ok",
        [ATTEST_ERR_SIZE] = "report.size",
        [ATTEST_ERR_VERSION] = "report.version",
        [ATTEST_ERR_SIG_ALGO] = "report.signature_algo",
        [ATTEST_ERR_MBZ] = "report.reserved",
        [ATTEST_ERR_SIGNING_KEY] = "report.signing_key",
        [ATTEST_ERR_PRODUCT] = "product",
        [ATTEST_ERR_ENDORSEMENTS] = "endorsements",
        [ATTEST_ERR_ROOT] = "chain.root",
        [ATTEST_ERR_CHAIN] = "chain.verify",
        [ATTEST_ERR_CHAIN_EXPIRED] = "chain.validity",
        [ATTEST_ERR_LEAF] = "chain.leaf",
        [ATTEST_ERR_SIGNATURE] = "report.signature",
        [ATTEST_ERR_TCB_MISMATCH] = "vcek.tcb",
        [ATTEST_ERR_CHIP_ID] = "vcek.chip_id",
        [ATTEST_ERR_DEBUG] = "policy.debug",
        [ATTEST_ERR_MIGRATE] = "policy.migrate_ma",
        [ATTEST_ERR_POLICY_BITS] = "policy.reserved_bits",
        [ATTEST_ERR_VMPL] = "policy.vmpl",
        [ATTEST_ERR_TCB_MIN] = "policy.min_tcb",
        [ATTEST_ERR_MEASUREMENT] = "measurement",
        [ATTEST_ERR_REPORT_DATA] = "report_data",
        [ATTEST_ERR_UNAVAILABLE] = "unavailable",
        [ATTEST_ERR_DEVICE] = "device",
        [ATTEST_ERR_INTERNAL] = "internal",
    };
    return (unsigned)e < ATTEST_ERR_COUNT ? names[e] : "unknown";
}

int snp_report_parse(const uint8_t *b, size_t len, snp_report *r, attest_result *res)
{
    memset(r, 0, sizeof *r);
    if (len != ATTEST_REPORT_BYTES) {
        attest_fail(res, ATTEST_ERR_SIZE, "report is %zu bytes, expected %d", len, ATTEST_REPORT_BYTES);
        return -1;
    }
    r->version = le32(b + 0x000);
    r->guest_svn = le32(b + 0x004);
    r->policy = le64(b + 0x008);
    r->vmpl = le32(b + 0x030);
    r->sig_algo = le32(b + 0x034);
    r->current_tcb = le64(b + 0x038);
    r->platform_info = le64(b + 0x040);
    r->signer_info = le32(b + 0x048);
    memcpy(r->report_data, b + 0x050, 64);
    memcpy(r->measurement, b + 0x090, 48);
    memcpy(r->host_data, b + 0x0C0, 32);
    r->reported_tcb = le64(b + 0x180);
    memcpy(r->chip_id, b + 0x1A0, 64);
    r->committed_tcb = le64(b + 0x1E0);
    r->launch_tcb = le64(b + 0x1F0);
    r->sig_r = b + 0x2A0;
    r->sig_s = b + 0x2E8;
    if (r->version < 2 || r->version > 5)
        attest_fail(res, ATTEST_ERR_VERSION, "report version %u is not 2, 3, 4 or 5", r->version);
    if (r->sig_algo != 1)
        attest_fail(res, ATTEST_ERR_SIG_ALGO, "signature algorithm %u is not 1 (ECDSA P-384 SHA-384)", r->sig_algo);
    int v3 = r->version >= 3;
    if (v3) r->cpuid_fam = b[0x188], r->cpuid_mod = b[0x189], r->cpuid_step = b[0x18A];
    /* Must-be-zero ranges: signer info bits 31:5, 0x04C, 0x188/0x18B-0x19F, the reserved bytes of
     * the firmware versions, 0x1F8-0x207 before v5, 0x208-0x29F, the unused upper 24 bytes of R
     * and S and everything after S. */
    static const struct {
        uint16_t off, len;
    } mbz[] = {
        {0x04C, 4},    {0x18B, 0x15},    {0x1EB, 1},       {0x1EF, 1},
        {0x208, 0x98}, {0x2A0 + 48, 24}, {0x2E8 + 48, 24}, {0x330, 0x170},
    };
    const char *where = NULL;
    if (r->signer_info >> 5) where = "signer info bits 31:5";
    for (size_t i = 0; i < sizeof mbz / sizeof mbz[0] && !where; i++)
        if (!all_zero(b + mbz[i].off, mbz[i].len)) where = "reserved bytes";
    if (!where && !v3 && !all_zero(b + 0x188, 3)) where = "CPUID bytes of a v2 report";
    if (!where && r->version < 5 && !all_zero(b + 0x1F8, 0x10)) where = "mitigation vectors before v5";
    if (where) attest_fail(res, ATTEST_ERR_MBZ, "must-be-zero field set: %s", where);
    unsigned key = (r->signer_info >> 2) & 7;
    if (key > 1)
        attest_fail(res, ATTEST_ERR_SIGNING_KEY, "SIGNING_KEY %u is %s", key, key == 7 ? "7 (no key)" : "reserved");
    return 0;
}

attest_product snp_product_from_cpuid(const snp_report *r)
{
    if (r->version < 3 || r->version > 5) return ATTEST_PRODUCT_UNKNOWN;
    unsigned model = r->cpuid_mod;
    if (r->cpuid_fam == 0x19 && model <= 0x0F) return ATTEST_PRODUCT_MILAN;
    if (r->cpuid_fam == 0x19 && ((model >= 0x10 && model <= 0x1F) || (model >= 0xA0 && model <= 0xAF)))
        return ATTEST_PRODUCT_GENOA;
    if (r->cpuid_fam == 0x1A && model <= 0x11) return ATTEST_PRODUCT_TURIN;
    return ATTEST_PRODUCT_UNKNOWN;
}

attest_tcb snp_tcb_decode(uint64_t tcb, attest_product p)
{
    attest_tcb t = {0};
    uint8_t b[8];
    for (int i = 0; i < 8; i++) b[i] = (uint8_t)(tcb >> (8 * i));
    if (p == ATTEST_PRODUCT_TURIN) {
        t.fmc = b[0], t.bl = b[1], t.tee = b[2], t.snp = b[3], t.ucode = b[7];
    } else {
        t.bl = b[0], t.tee = b[1], t.snp = b[6], t.ucode = b[7];
    }
    return t;
}

int attest_report_locate(const uint8_t *blob, size_t len, size_t *off)
{
    if (len == ATTEST_REPORT_BYTES) return *off = 0, 0;
    /* Azure vTPM HCL report: 32-byte header starting "HCLA", the SNP report, runtime data. */
    if (len >= 0x20 + ATTEST_REPORT_BYTES && !memcmp(blob, "HCLA", 4)) return *off = 0x20, 0;
    return -1;
}

const char *attest_product_name(attest_product p)
{
    switch (p) {
    case ATTEST_PRODUCT_MILAN: return "Milan";
    case ATTEST_PRODUCT_GENOA: return "Genoa";
    case ATTEST_PRODUCT_TURIN: return "Turin";
    default: return "unknown";
    }
}

const char *attest_provider_name(attest_provider p)
{
    return p == ATTEST_PROVIDER_SIM ? "sim" : p == ATTEST_PROVIDER_SEV_SNP ? "sev-snp" : "unknown";
}

void attest_claims_tcbinfo(const attest_claims *c, x509_tcbinfo *t)
{
    memset(t, 0, sizeof *t);
    t->vendor = "AMD";
    t->model = c->provider == ATTEST_PROVIDER_SIM ? "SEV-SNP-SIM" : "SEV-SNP";
    t->svn = c->guest_svn;
    memcpy(t->measurement, c->measurement, sizeof t->measurement);
    t->flags = c->debug ? X509_TCB_DEBUG : 0;
}

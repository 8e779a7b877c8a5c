/* attest_verify.c: the pure report verifier shared by the sev-snp and sim providers. Runs every
 * check that can run and records each failure under its own code: report structure, product,
 * endorsement chain, report signature, VCEK/VLEK TCB and hwID against the report, guest policy,
 * VMPL, minimum TCB, measurement and REPORT_DATA. The provider only selects the root of trust. */
#include <openssl/crypto.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "attest/attest_internal.h"

void attest_policy_default(attest_policy *p, attest_provider provider)
{
    memset(p, 0, sizeof *p);
    p->provider = provider;
}

void attest_evidence_free(attest_evidence *ev)
{
    free(ev->endorsements);
    ev->endorsements = NULL, ev->endorsements_len = 0;
}

/* ECDSA P-384 / SHA-384 over report[0..0x29F]; R and S are 72-byte little-endian fields. */
static int report_signature_ok(const uint8_t *report, const snp_report *r, X509 *leaf)
{
    ECDSA_SIG *sig = ECDSA_SIG_new();
    BIGNUM *br = BN_lebin2bn(r->sig_r, 72, NULL), *bs = BN_lebin2bn(r->sig_s, 72, NULL);
    unsigned char *der = NULL;
    int ok = 0, derlen = -1;
    if (sig && br && bs && ECDSA_SIG_set0(sig, br, bs) == 1) {
        br = bs = NULL;
        derlen = i2d_ECDSA_SIG(sig, &der);
    }
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (derlen > 0 && md && EVP_DigestVerifyInit(md, NULL, EVP_sha384(), NULL, X509_get0_pubkey(leaf)) == 1)
        ok = EVP_DigestVerify(md, der, (size_t)derlen, report, ATTEST_SIGNED_BYTES) == 1;
    EVP_MD_CTX_free(md);
    OPENSSL_free(der);
    BN_free(br), BN_free(bs);
    ECDSA_SIG_free(sig);
    return ok;
}

static void fill_claims(const snp_report *r, attest_product product, attest_provider provider, attest_claims *c)
{
    memset(c, 0, sizeof *c);
    c->provider = provider, c->product = product;
    c->version = r->version, c->guest_svn = r->guest_svn, c->vmpl = r->vmpl;
    c->policy = r->policy, c->platform_info = r->platform_info;
    c->debug = (r->policy >> 19) & 1;
    c->signing_key = (int)((r->signer_info >> 2) & 7);
    c->mask_chip_key = (r->signer_info >> 1) & 1;
    c->author_key_en = r->signer_info & 1;
    memcpy(c->measurement, r->measurement, sizeof c->measurement);
    memcpy(c->host_data, r->host_data, sizeof c->host_data);
    memcpy(c->report_data, r->report_data, sizeof c->report_data);
    memcpy(c->chip_id, r->chip_id, sizeof c->chip_id);
    c->chip_id_len = c->signing_key != 0 || c->mask_chip_key ? 0 : product == ATTEST_PRODUCT_TURIN ? 8 : 64;
    c->current_tcb = snp_tcb_decode(r->current_tcb, product);
    c->reported_tcb = snp_tcb_decode(r->reported_tcb, product);
    c->committed_tcb = snp_tcb_decode(r->committed_tcb, product);
    c->launch_tcb = snp_tcb_decode(r->launch_tcb, product);
    c->cpuid_fam = r->cpuid_fam, c->cpuid_mod = r->cpuid_mod, c->cpuid_step = r->cpuid_step;
}

/* The VCEK/VLEK TCB extensions must equal REPORTED_TCB component by component (fmcSPL on Turin). */
static void check_tcb(const snp_vcek_ext *e, const attest_claims *c, attest_result *res)
{
    const attest_tcb *t = &c->reported_tcb;
    const struct {
        int idx;
        unsigned v;
        const char *name;
    } comp[] = {{1, t->bl, "blSPL"},
                {2, t->tee, "teeSPL"},
                {3, t->snp, "snpSPL"},
                {8, t->ucode, "ucodeSPL"},
                {9, t->fmc, "fmcSPL"}};
    for (size_t i = 0; i < sizeof comp / sizeof comp[0]; i++) {
        if (comp[i].idx == 9 && c->product != ATTEST_PRODUCT_TURIN) continue;
        if (!e->has_tcb[comp[i].idx] || e->tcb[comp[i].idx] != comp[i].v) {
            attest_fail(res, ATTEST_ERR_TCB_MISMATCH, "certificate %s %s REPORTED_TCB's %u", comp[i].name,
                        e->has_tcb[comp[i].idx] ? "differs from" : "is missing; expected", comp[i].v);
            return;
        }
    }
}

static void check_chip_id(const snp_vcek_ext *e, const attest_claims *c, attest_result *res)
{
    if (c->signing_key != 0 || c->mask_chip_key) return; /* VLEK or masked: no per-chip identity */
    size_t want = c->product == ATTEST_PRODUCT_TURIN ? 8 : 64;
    uint8_t rest = 0;
    for (size_t i = want; i < ATTEST_CHIP_ID_BYTES; i++) rest |= c->chip_id[i];
    if (!e->has_hwid || e->hwid_len != want || memcmp(e->hwid, c->chip_id, want) != 0 || rest)
        attest_fail(res, ATTEST_ERR_CHIP_ID, "VCEK hwID %s the report's CHIP_ID",
                    e->has_hwid ? "differs from" : "is missing; cannot match");
}

static int tcb_below(const attest_tcb *t, const attest_tcb *min)
{
    return t->bl < min->bl || t->tee < min->tee || t->snp < min->snp || t->ucode < min->ucode || t->fmc < min->fmc;
}

static void check_policy(const attest_claims *c, const attest_policy *p, const uint8_t *binding, attest_result *res)
{
    if (c->debug)
        attest_fail(res, ATTEST_ERR_DEBUG, "guest policy 0x%llx allows debugging", (unsigned long long)c->policy);
    if ((c->policy >> 18) & 1)
        attest_fail(res, ATTEST_ERR_MIGRATE, "guest policy 0x%llx allows a migration agent",
                    (unsigned long long)c->policy);
    if (!((c->policy >> 17) & 1) || (c->policy >> 26))
        attest_fail(res, ATTEST_ERR_POLICY_BITS, "guest policy 0x%llx: bit 17 clear or bits 63:26 set",
                    (unsigned long long)c->policy);
    if (c->vmpl > p->max_vmpl) attest_fail(res, ATTEST_ERR_VMPL, "VMPL %u above the allowed %u", c->vmpl, p->max_vmpl);
    if (tcb_below(&c->reported_tcb, &p->min_tcb))
        attest_fail(res, ATTEST_ERR_TCB_MIN, "REPORTED_TCB bl %u tee %u snp %u ucode %u fmc %u below the minimum",
                    c->reported_tcb.bl, c->reported_tcb.tee, c->reported_tcb.snp, c->reported_tcb.ucode,
                    c->reported_tcb.fmc);
    if (p->check_measurement && memcmp(c->measurement, p->measurement, ATTEST_MEASUREMENT_BYTES) != 0)
        attest_fail(res, ATTEST_ERR_MEASUREMENT, "MEASUREMENT differs from the expected one");
    if (binding && CRYPTO_memcmp(c->report_data, binding, ATTEST_BINDING_BYTES) != 0)
        attest_fail(res, ATTEST_ERR_REPORT_DATA, "REPORT_DATA differs from the expected binding");
}

/* Product from CPUID (v3+) and the leaf's productName; PRODUCT failure if unknown or inconsistent. */
static attest_product decide_product(const snp_report *r, const snp_vcek_ext *e, attest_result *res)
{
    attest_product cpu = snp_product_from_cpuid(r);
    attest_product named = e && e->has_product ? snp_product_from_name(e->product) : ATTEST_PRODUCT_UNKNOWN;
    if (r->version >= 3 && r->version <= 5 && cpu == ATTEST_PRODUCT_UNKNOWN) {
        attest_fail(res, ATTEST_ERR_PRODUCT, "CPUID family 0x%02x model 0x%02x is not a known SEV-SNP product",
                    r->cpuid_fam, r->cpuid_mod);
        return ATTEST_PRODUCT_UNKNOWN;
    }
    if (cpu && named && cpu != named) {
        attest_fail(res, ATTEST_ERR_PRODUCT, "CPUID says %s, the certificate says %s", attest_product_name(cpu),
                    attest_product_name(named));
        return ATTEST_PRODUCT_UNKNOWN;
    }
    if (!cpu && !named) attest_fail(res, ATTEST_ERR_PRODUCT, "v2 report and no productName in the certificate");
    return cpu ? cpu : named;
}

attest_err attest_verify(const uint8_t *report, size_t report_len, const uint8_t *endorsements, size_t endorsements_len,
                         const attest_policy *policy, const uint8_t *expected_binding, time_t at, attest_claims *claims,
                         attest_result *res)
{
    snp_report r;
    snp_certs certs = {0};
    snp_vcek_ext ext;
    X509 *leaf = NULL;
    snp_trust trust = {.provider = policy->provider};
    memset(res, 0, sizeof *res);
    memset(claims, 0, sizeof *claims);
    if (snp_report_parse(report, report_len, &r, res) != 0) return res->first;
    if (snp_certs_parse(endorsements, endorsements_len, &certs) != 0)
        attest_fail(res, ATTEST_ERR_ENDORSEMENTS, "endorsements are not a certificate bundle (PEM, DER or GHCB table)");
    else if (!(leaf = snp_certs_leaf(&certs)))
        attest_fail(res, ATTEST_ERR_ENDORSEMENTS, "endorsements hold no single P-384 VCEK/VLEK leaf certificate");
    else if (snp_vcek_ext_parse(leaf, &ext) != 0)
        attest_fail(res, ATTEST_ERR_ENDORSEMENTS, "leaf certificate has malformed AMD KDS extensions"), leaf = NULL;
    attest_product product = decide_product(&r, leaf ? &ext : NULL, res);
    fill_claims(&r, product, policy->provider, claims);
    int vlek = claims->signing_key == 1;
    if (leaf && policy->provider == ATTEST_PROVIDER_SIM && !(trust.sim_root = sim_root_cert()))
        attest_fail(res, ATTEST_ERR_INTERNAL, "cannot build the simulation root");
    if (leaf && (policy->provider != ATTEST_PROVIDER_SIM || trust.sim_root)) {
        attest_product root_product;
        if (snp_chain_verify(&certs, leaf, vlek, &trust, at, &root_product, res) == 0 &&
            policy->provider == ATTEST_PROVIDER_SEV_SNP && product && root_product != product)
            attest_fail(res, ATTEST_ERR_PRODUCT, "report is from %s but the chain's root is ARK-%s",
                        attest_product_name(product), attest_product_name(root_product));
        if (!report_signature_ok(report, &r, leaf))
            attest_fail(res, ATTEST_ERR_SIGNATURE, "report signature does not verify under the %s key",
                        vlek ? "VLEK" : "VCEK");
        if (product) check_tcb(&ext, claims, res);
        check_chip_id(&ext, claims, res);
    }
    check_policy(claims, policy, expected_binding, res);
    X509_free(trust.sim_root);
    snp_certs_free(&certs);
    return res->failed ? res->first : ATTEST_OK;
}

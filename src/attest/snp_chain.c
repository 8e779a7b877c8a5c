/* snp_chain.c: endorsement chain verification. AMD chains (ARK -> ASK -> VCEK, ARK -> ASVK ->
 * VLEK) are verified with OpenSSL's X509_verify_cert (RSASSA-PSS, no X509_V_FLAG_X509_STRICT: AMD's
 * certificates have serial 0, no AKI and a non-minimal KeyUsage), to an ARK whose SHA-256 DER
 * fingerprint is pinned below; then the CNs, depth, leaf key and leaf signature algorithm. The sim
 * provider uses the same code with its simulation root as the only trust anchor. */
#include <openssl/evp.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>

#include "attest/attest_internal.h"

/* SHA-256 of the DER ARK certificates, as pinned by go-sev-guest verify/trust and virtee/sev
 * src/certs/snp/builtin (shared/notes/sev-snp-attestation.md 2.2); recomputed from the fixtures'
 * roots/ bundles by tests/attest/test_attest_snp. */
static const struct {
    attest_product product;
    const char *sha256;
} amd_arks[] = {
    {ATTEST_PRODUCT_MILAN, "69d063b45344d26a2e94e1f4210de49ef555308287d4c174445c95639a540bcd"},
    {ATTEST_PRODUCT_GENOA, "4c6598d19c18719c5dfd4a7d335f674e5bfe1d8f800cea2cf270c10d103db2f1"},
    {ATTEST_PRODUCT_TURIN, "1f084161a44bb6d93778a904877d4819cafa5d05ef4193b2ded9dd9c73dd3f6a"},
};

int snp_cert_fingerprint(X509 *x, uint8_t out[32])
{
    unsigned n = 0;
    return X509_digest(x, EVP_sha256(), out, &n) == 1 && n == 32 ? 0 : -1;
}

attest_product snp_pinned_ark(X509 *x)
{
    uint8_t fp[32];
    char hex[65];
    if (snp_cert_fingerprint(x, fp) != 0) return ATTEST_PRODUCT_UNKNOWN;
    for (int i = 0; i < 32; i++) snprintf(hex + 2 * i, 3, "%02x", fp[i]);
    for (size_t i = 0; i < sizeof amd_arks / sizeof amd_arks[0]; i++)
        if (!strcmp(hex, amd_arks[i].sha256)) return amd_arks[i].product;
    return ATTEST_PRODUCT_UNKNOWN;
}

static int self_signed(X509 *x) { return X509_check_issued(x, x) == X509_V_OK; }

static int cn_is(X509 *x, const char *want)
{
    char cn[64];
    int n = X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, cn, sizeof cn);
    return n > 0 && !strcmp(cn, want);
}

static void map_x509_error(int err, attest_result *res)
{
    const char *msg = X509_verify_cert_error_string(err);
    switch (err) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CERT_NOT_YET_VALID:
    case X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD:
    case X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD:
        attest_fail(res, ATTEST_ERR_CHAIN_EXPIRED, "endorsement chain: %s", msg);
        break;
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
        attest_fail(res, ATTEST_ERR_ROOT, "endorsement chain does not reach a trusted root: %s", msg);
        break;
    default: attest_fail(res, ATTEST_ERR_CHAIN, "endorsement chain: %s", msg);
    }
}

/* CNs and profile of a verified 3-certificate chain. */
static void check_profile(STACK_OF(X509) * chain, int vlek, const snp_trust *t, attest_product product,
                          attest_result *res)
{
    X509 *leaf = sk_X509_value(chain, 0), *mid = sk_X509_value(chain, 1), *root = sk_X509_value(chain, 2);
    char want[48];
    if (sk_X509_num(chain) != 3) {
        attest_fail(res, ATTEST_ERR_LEAF, "chain has %d certificates, expected root, intermediate, leaf",
                    sk_X509_num(chain));
        return;
    }
    if (!cn_is(leaf, vlek ? "SEV-VLEK" : "SEV-VCEK"))
        attest_fail(res, ATTEST_ERR_LEAF, "leaf CN is not %s (SIGNING_KEY %d)", vlek ? "SEV-VLEK" : "SEV-VCEK", vlek);
    int want_sig = t->provider == ATTEST_PROVIDER_SIM ? NID_ecdsa_with_SHA384 : NID_rsassaPss;
    if (X509_get_signature_nid(leaf) != want_sig)
        attest_fail(res, ATTEST_ERR_LEAF, "leaf signature algorithm is not %s", OBJ_nid2sn(want_sig));
    if (t->provider != ATTEST_PROVIDER_SEV_SNP) return;
    const char *p = attest_product_name(product);
    snprintf(want, sizeof want, "ARK-%s", p);
    if (!cn_is(root, want)) attest_fail(res, ATTEST_ERR_LEAF, "root CN is not %s", want);
    snprintf(want, sizeof want, vlek ? "SEV-VLEK-%s" : "SEV-%s", p);
    if (!cn_is(mid, want)) attest_fail(res, ATTEST_ERR_LEAF, "intermediate CN is not %s", want);
}

int snp_chain_verify(const snp_certs *certs, X509 *leaf, int vlek, const snp_trust *t, time_t at,
                     attest_product *product, attest_result *res)
{
    X509_STORE *store = X509_STORE_new();
    STACK_OF(X509) *untrusted = sk_X509_new_null();
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    int rc = -1, roots = 0;
    *product = ATTEST_PRODUCT_UNKNOWN;
    if (!store || !untrusted || !ctx) {
        attest_fail(res, ATTEST_ERR_INTERNAL, "out of memory");
        goto out;
    }
    for (int i = 0; i < certs->n; i++) {
        X509 *x = certs->cert[i];
        if (x == leaf) continue;
        if (!self_signed(x)) {
            if (!sk_X509_push(untrusted, x)) goto oom;
        } else if (t->provider == ATTEST_PROVIDER_SEV_SNP && snp_pinned_ark(x) != ATTEST_PRODUCT_UNKNOWN) {
            if (X509_STORE_add_cert(store, x) != 1) goto oom;
            roots++;
        }
    }
    if (t->provider == ATTEST_PROVIDER_SIM) {
        if (!t->sim_root || X509_STORE_add_cert(store, t->sim_root) != 1) goto oom;
        roots++;
    }
    if (roots == 0) {
        attest_fail(res, ATTEST_ERR_ROOT, "no pinned AMD root (ARK-Milan, ARK-Genoa, ARK-Turin) in the endorsements");
        goto out;
    }
    if (X509_STORE_CTX_init(ctx, store, leaf, untrusted) != 1) goto oom;
    if (at) X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), at);
    if (X509_verify_cert(ctx) != 1) {
        map_x509_error(X509_STORE_CTX_get_error(ctx), res);
        goto out;
    }
    STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(ctx);
    X509 *top = sk_X509_value(chain, sk_X509_num(chain) - 1);
    if (t->provider == ATTEST_PROVIDER_SEV_SNP) {
        *product = snp_pinned_ark(top);
        if (*product == ATTEST_PRODUCT_UNKNOWN) {
            attest_fail(res, ATTEST_ERR_ROOT, "chain ends in a root that is not pinned");
            goto out;
        }
    } else if (X509_cmp(top, t->sim_root) != 0) {
        attest_fail(res, ATTEST_ERR_ROOT, "chain does not end in the simulation root");
        goto out;
    }
    uint32_t before = res->failed;
    check_profile(chain, vlek, t, *product, res);
    rc = res->failed == before ? 0 : -1;
    goto out;
oom:
    attest_fail(res, ATTEST_ERR_INTERNAL, "OpenSSL store setup failed");
out:
    X509_STORE_CTX_free(ctx);
    sk_X509_free(untrusted);
    X509_STORE_free(store);
    return rc;
}

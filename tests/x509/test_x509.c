/* test_x509.c: certificates we build (ECDSA P-384 and ML-DSA-65, root and TSA leaf) are parsed
 * by our parser and by OpenSSL; OpenSSL's verifier accepts the ECDSA chain and the TSA purpose;
 * our verifier accepts both algorithms, and any single-byte change to the TBS or the signature
 * is rejected; chain rules (validity, CA flag, names, algorithm match) are enforced. */
#include <openssl/ecdsa.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <string.h>

#include "asn1/oids.h"
#include "check.h"
#include "testutil.h"
#include "x509/name.h"
#include "x509_fixture.h"

static void check_fields(const fx_chain *c, int root_alg, int leaf_alg)
{
    const x509_cert *r = &c->root, *l = &c->leaf;
    CHECK(r->version == 3 && l->version == 3);
    CHECK(r->sig_alg == root_alg && r->key_alg == root_alg);
    CHECK(l->sig_alg == root_alg && l->key_alg == leaf_alg);
    CHECK(l->pub.len == c->leaf_key.signer.publen && memcmp(l->pub.p, c->leaf_key.signer.pub, l->pub.len) == 0);
    CHECK(r->has_basic_constraints && r->is_ca && r->path_len == 0);
    CHECK(r->has_key_usage && r->key_usage == (X509_KU_KEY_CERT_SIGN | X509_KU_CRL_SIGN));
    CHECK(l->has_basic_constraints && !l->is_ca && l->path_len == -1);
    CHECK(l->has_key_usage && l->key_usage == X509_KU_DIGITAL_SIGNATURE);
    CHECK(l->has_eku && l->eku_critical && l->eku_time_stamping == 1 && !l->eku_other);
    CHECK(l->serial.len == 4 && l->serial.p[3] == 0xF4);
    CHECK(r->ski.len == X509_KEYID_BYTES && l->aki.len == X509_KEYID_BYTES && !memcmp(r->ski.p, l->aki.p, 20));
    CHECK(l->issuer.len == r->subject.len && !memcmp(l->issuer.p, r->subject.p, r->subject.len));
    CHECK(l->not_after - l->not_before == 86400 + 3600);
    char s[128];
    CHECK(x509_name_to_string(l->subject.p, l->subject.len, s, sizeof s) == 0 &&
          !strcmp(s, "CN=cctsa test tsa,O=cctsa,C=DE"));
    CHECK(x509_cert_check_tsa(l) == 0);
    CHECK(x509_cert_check_tsa(r) == -1);
    uint8_t m[X509_MEASUREMENT_BYTES];
    CHECK(x509_cert_measurement(l, m) == 0 && !memcmp(m, c->tcb.measurement, sizeof m));
    CHECK(x509_cert_measurement(r, m) == -1);
    x509_tcbinfo_view v;
    CHECK(x509_tcbinfo_parse(l->tcbinfo.p, l->tcbinfo.len, &v) == 0 && v.has_svn && v.svn == 7);
    CHECK(v.vendor_len == 3 && !memcmp(v.vendor, "AMD", 3) && v.model_len == 7 && !memcmp(v.model, "SEV-SNP", 7));
}

/* OpenSSL as the independent parser/verifier. */
static void check_with_openssl(const fx_chain *c, int root_alg, int leaf_alg)
{
    int same_r, same_l;
    X509 *r = fx_openssl_x509(c->root_der, c->root_len, &same_r);
    X509 *l = fx_openssl_x509(c->leaf_der, c->leaf_len, &same_l);
    CHECK(r && l && same_r && same_l);
    if (!r || !l) goto out;
    CHECK(X509_get_version(l) == X509_VERSION_3);
    /* Extensions as OpenSSL understands them. */
    CHECK(X509_check_ca(r) == 1 && X509_check_ca(l) == 0);
    CHECK((X509_get_extended_key_usage(l) & XKU_TIMESTAMP) && X509_get_extended_key_usage(l) == XKU_TIMESTAMP);
    CHECK(X509_get_key_usage(l) == KU_DIGITAL_SIGNATURE);
    const ASN1_OCTET_STRING *ski = X509_get0_subject_key_id(r), *aki = X509_get0_authority_key_id(l);
    CHECK(ski && aki && ASN1_STRING_length(ski) == 20 && !ASN1_OCTET_STRING_cmp(ski, aki));
    ASN1_OBJECT *tcb_oid = OBJ_txt2obj("2.23.133.5.4.1", 1);
    int loc = X509_get_ext_by_OBJ(l, tcb_oid, -1);
    ASN1_OBJECT_free(tcb_oid);
    CHECK(loc >= 0 && !X509_EXTENSION_get_critical(X509_get_ext(l, loc)));
    if (root_alg == X509_ALG_ECDSA_P384) {
        EVP_PKEY *rk = X509_get0_pubkey(r);
        CHECK(rk && X509_verify(r, rk) == 1 && X509_verify(l, rk) == 1);
        CHECK(X509_get_signature_nid(l) == NID_ecdsa_with_SHA384);
        if (leaf_alg == X509_ALG_ECDSA_P384) {
            CHECK(X509_check_purpose(l, X509_PURPOSE_TIMESTAMP_SIGN, 0) == 1);
            X509_STORE *st = X509_STORE_new();
            X509_STORE_CTX *ctx = X509_STORE_CTX_new();
            X509_STORE_add_cert(st, r);
            X509_STORE_CTX_init(ctx, st, l, NULL);
            X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_TIMESTAMP_SIGN);
            X509_VERIFY_PARAM_set_flags(X509_STORE_CTX_get0_param(ctx), X509_V_FLAG_X509_STRICT);
            int ok = X509_verify_cert(ctx);
            CHECK_MSG(ok == 1, "openssl chain: %s", X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
            X509_STORE_CTX_free(ctx);
            X509_STORE_free(st);
        }
    } else {
        /* OpenSSL 3.0 does not know ML-DSA: it parses the certificate but has no key for it. */
        CHECK(X509_get0_pubkey(r) == NULL);
        X509_PUBKEY *pk = X509_get_X509_PUBKEY(r);
        ASN1_OBJECT *alg = NULL;
        const unsigned char *key;
        int keylen;
        X509_ALGOR *pa;
        CHECK(pk && X509_PUBKEY_get0_param(&alg, &key, &keylen, &pa, pk) == 1 && keylen == CC_MLDSA65_PKBYTES);
        char txt[64];
        OBJ_obj2txt(txt, sizeof txt, alg, 1);
        CHECK(!strcmp(txt, "2.16.840.1.101.3.4.3.18"));
        const X509_ALGOR *sa;
        const ASN1_OBJECT *sobj;
        int ptype;
        X509_get0_signature(NULL, &sa, r);
        X509_ALGOR_get0(&sobj, &ptype, NULL, sa);
        CHECK(ptype == V_ASN1_UNDEF); /* parameters ABSENT, not NULL (RFC 9881) */
    }
out:
    X509_free(r);
    X509_free(l);
}

/* Every single-byte change of the TBS or the signature must be caught (parse or verify). */
static void check_tamper(const fx_chain *c)
{
    uint8_t *copy = malloc(c->leaf_len);
    size_t tbs_off = (size_t)(c->leaf.tbs.p - c->leaf_der);
    size_t sig_off = (size_t)(c->leaf.signature.p - c->leaf_der);
    size_t stride = tu_sanitized() && c->root.key_alg == X509_ALG_MLDSA65 ? 7 : 1;
    unsigned accepted = 0, tried = 0;
    for (size_t i = tbs_off; i < c->leaf_len; i += (i >= sig_off ? stride : stride > 1 ? 3 : 1)) {
        memcpy(copy, c->leaf_der, c->leaf_len);
        copy[i] ^= (uint8_t)(1u << (i % 8));
        x509_cert t;
        tried++;
        if (x509_cert_parse(&t, copy, c->leaf_len) == 0 && x509_cert_verify_signed_by(&t, &c->root) == 0) {
            accepted++;
            fprintf(stderr, "tampered byte %zu accepted\n", i);
        }
    }
    CHECK(tried > 500 && accepted == 0);
    free(copy);
}

static void check_chain_rules(fx_chain *c)
{
    x509_cert chain[2] = {c->leaf, c->root};
    time_t now = time(NULL);
    CHECK(x509_chain_verify(chain, 2, now) == 0);
    CHECK(x509_chain_verify(chain + 1, 1, now) == 0);
    CHECK(x509_chain_verify(chain, 2, now + 2 * 86400) == -1); /* leaf expired */
    CHECK(x509_chain_verify(chain, 2, now - 7200) == -1);      /* not yet valid */
    x509_cert swapped[2] = {c->root, c->leaf};
    CHECK(x509_chain_verify(swapped, 2, now) == -1); /* leaf is not a CA */
    x509_cert self[2] = {c->leaf, c->leaf};
    CHECK(x509_chain_verify(self, 2, now) == -1);
    x509_cert one[1] = {c->leaf};
    CHECK(x509_chain_verify(one, 1, now) == -1); /* not self-signed */
    x509_cert bad = c->leaf;
    bad.unknown_critical = 1;
    x509_cert chain2[2] = {bad, c->root};
    CHECK(x509_chain_verify(chain2, 2, now) == -1);
    CHECK(x509_chain_verify(NULL, 0, now) == -1);
}

static void run(int root_alg, int leaf_alg)
{
    fx_chain c;
    int rc = fx_chain_make(&c, root_alg, leaf_alg);
    CHECK_MSG(rc == 0, "chain %d/%d: %s", root_alg, leaf_alg, x509_error_reason());
    if (rc) {
        fx_chain_free(&c);
        return;
    }
    check_fields(&c, root_alg, leaf_alg);
    check_with_openssl(&c, root_alg, leaf_alg);
    CHECK(x509_cert_verify_signed_by(&c.leaf, &c.root) == 0);
    CHECK(x509_cert_verify_signed_by(&c.root, &c.root) == 0);
    CHECK(x509_cert_verify_signed_by(&c.root, &c.leaf) == -1 || leaf_alg != root_alg);
    check_chain_rules(&c);
    if (root_alg == leaf_alg) check_tamper(&c);
    fx_chain_free(&c);
}

/* Two roots of the same algorithm: a leaf from one never verifies under the other. */
static void cross_roots(int alg)
{
    fx_chain a, b;
    if (fx_chain_make(&a, alg, alg) || fx_chain_make(&b, alg, alg)) {
        CHECK(0);
    } else {
        CHECK(x509_cert_verify_signed_by(&a.leaf, &b.root) == -1);
        CHECK(x509_cert_verify_signed_by(&b.leaf, &a.root) == -1);
    }
    fx_chain_free(&a);
    fx_chain_free(&b);
}

/* Raw r||s <-> DER Ecdsa-Sig-Value, against OpenSSL's ECDSA_SIG encoder. */
static void ecdsa_sig_format(void)
{
    for (int i = 0; i < 300; i++) {
        uint8_t rs[96], back[96], der[X509_ECDSA_MAX_SIGBYTES];
        size_t dl = sizeof der;
        RAND_bytes(rs, sizeof rs);
        if (i % 3 == 0) rs[0] = 0;                      /* shorter r */
        if (i % 5 == 0) rs[48] |= 0x80;                 /* s needs a 00 pad */
        if (i % 7 == 0) memset(rs, 0, 47), rs[47] |= 1; /* tiny r (never zero) */
        CHECK(x509_ecdsa_sig_to_der(rs, der, &dl) == 0);
        ECDSA_SIG *es = ECDSA_SIG_new();
        ECDSA_SIG_set0(es, BN_bin2bn(rs, 48, NULL), BN_bin2bn(rs + 48, 48, NULL));
        unsigned char *ref = NULL;
        int rl = i2d_ECDSA_SIG(es, &ref);
        CHECK(rl > 0 && (size_t)rl == dl && !memcmp(ref, der, dl));
        CHECK(x509_ecdsa_sig_from_der(der, dl, back) == 0 && !memcmp(back, rs, 96));
        OPENSSL_free(ref);
        ECDSA_SIG_free(es);
    }
    uint8_t rs[96];
    static const uint8_t zero_r[] = {0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x01};
    static const uint8_t neg_s[] = {0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x80};
    static const uint8_t pad_r[] = {0x30, 0x07, 0x02, 0x02, 0x00, 0x01, 0x02, 0x01, 0x01};
    static const uint8_t extra[] = {0x30, 0x09, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01};
    CHECK(x509_ecdsa_sig_from_der(zero_r, sizeof zero_r, rs) == -1);
    CHECK(x509_ecdsa_sig_from_der(neg_s, sizeof neg_s, rs) == -1);
    CHECK(x509_ecdsa_sig_from_der(pad_r, sizeof pad_r, rs) == -1);
    CHECK(x509_ecdsa_sig_from_der(extra, sizeof extra, rs) == -1);
    uint8_t big[2 + 2 * 51] = {0x30, 102, 0x02, 49, 0x01};
    big[2 + 51] = 0x02, big[3 + 51] = 49, big[4 + 51] = 0x01;
    CHECK(x509_ecdsa_sig_from_der(big, sizeof big, rs) == -1); /* r has 49 significant bytes */
    uint8_t small[4];
    size_t sl = sizeof small;
    CHECK(x509_ecdsa_sig_to_der(rs, small, &sl) == -1);
}

int main(void)
{
    ecdsa_sig_format();
    run(X509_ALG_ECDSA_P384, X509_ALG_ECDSA_P384);
    run(X509_ALG_MLDSA65, X509_ALG_MLDSA65);
    run(X509_ALG_ECDSA_P384, X509_ALG_MLDSA65);
    run(X509_ALG_MLDSA65, X509_ALG_ECDSA_P384);
    cross_roots(X509_ALG_ECDSA_P384);
    cross_roots(X509_ALG_MLDSA65);
    return check_summary("test_x509");
}

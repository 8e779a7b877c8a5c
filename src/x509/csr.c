/* csr.c: CertificationRequest ::= SEQUENCE { certificationRequestInfo, signatureAlgorithm,
 * signature BIT STRING }; CertificationRequestInfo ::= SEQUENCE { version INTEGER (0), subject
 * Name, subjectPKInfo, attributes [0] IMPLICIT SET OF Attribute } (RFC 2986 section 4). */
#include <stdlib.h>
#include <string.h>

#include "asn1/oids.h"
#include "x509/csr.h"
#include "x509/x509_internal.h"

static void put_extension_request(der_writer *w, const x509_tcbinfo *t, const uint8_t *policies, size_t policies_len)
{
    der_writer v;
    uint8_t *val = NULL;
    size_t n = 0;
    if (t) {
        der_writer_init(&v);
        x509_tcbinfo_put(&v, t);
        if (der_writer_finish(&v, &val, &n)) {
            w->err = 1;
            return;
        }
    }
    der_begin(w, DER_SEQUENCE);
    der_put_oid(w, OID_ARG(OID_PKCS9_EXTENSION_REQUEST));
    der_begin_set_of(w);
    der_begin(w, DER_SEQUENCE); /* Extensions */
    if (t) x509_put_extension(w, OID_ARG(OID_TCG_DICE_TCB_INFO), 0, val, n);
    if (policies) x509_put_extension(w, OID_ARG(OID_EXT_CERT_POLICIES), 0, policies, policies_len);
    der_end(w);
    der_end(w);
    der_end(w);
    free(val);
}

int x509_policies_encode(const uint8_t *const *oids, const size_t *lens, size_t n, uint8_t **der, size_t *len)
{
    der_writer w;
    der_writer_init(&w);
    der_begin(&w, DER_SEQUENCE);
    for (size_t i = 0; i < n; i++) {
        der_begin(&w, DER_SEQUENCE);
        der_put_oid(&w, oids[i], lens[i]);
        der_end(&w);
    }
    der_end(&w);
    return der_writer_finish(&w, der, len) ? x509_fail("certificatePolicies encoding failed") : 0;
}

int x509_csr_build(const uint8_t *subject, size_t subject_len, const x509_signer *key, const x509_tcbinfo *tcbinfo,
                   uint8_t **der, size_t *len)
{
    return x509_csr_build_ext(subject, subject_len, key, tcbinfo, NULL, 0, der, len);
}

int x509_csr_build_ext(const uint8_t *subject, size_t subject_len, const x509_signer *key, const x509_tcbinfo *tcbinfo,
                       const uint8_t *policies, size_t policies_len, uint8_t **der, size_t *len)
{
    der_writer w;
    uint8_t *info;
    size_t infolen;
    if (!subject || !key) return x509_fail("subject and key are required");
    der_writer_init(&w);
    der_begin(&w, DER_SEQUENCE);
    der_put_uint(&w, 0);
    der_put_raw(&w, subject, subject_len);
    x509_put_spki(&w, key->alg, key->pub, key->publen);
    der_begin(&w, DER_CTX(0)); /* [0] IMPLICIT SET OF Attribute (constructed) */
    if (tcbinfo || policies) put_extension_request(&w, tcbinfo, policies, policies_len);
    der_end(&w);
    der_end(&w);
    if (der_writer_finish(&w, &info, &infolen)) return x509_fail("CSR encoding failed");
    if (der_check_tree(info, infolen) != DER_OK) {
        free(info);
        return x509_fail("CSR is not valid DER (bad subject Name?)");
    }
    int rc = x509_sign_envelope(info, infolen, key, der, len);
    free(info);
    return rc;
}

/* Find the TcbInfo extension inside an extensionRequest attribute's values. */
static int parse_extension_request(x509_csr *r, der_reader *values)
{
    der_reader exts, ext;
    der_elem oid, crit, val;
    if (der_enter(values, DER_SEQUENCE, &exts) != DER_OK || !der_reader_done(values))
        return x509_fail("extensionRequest must hold one Extensions value");
    while (!der_reader_done(&exts)) {
        if (der_enter(&exts, DER_SEQUENCE, &ext) != DER_OK || der_expect(&ext, DER_OID, &oid) != DER_OK)
            return x509_fail("malformed requested Extension");
        if (der_optional(&ext, DER_BOOLEAN, &crit) == DER_ERR) return x509_fail("malformed requested Extension");
        if (der_expect(&ext, DER_OCTET_STRING, &val) != DER_OK || !der_reader_done(&ext))
            return x509_fail("malformed requested Extension");
        if (der_oid_equals(&oid, OID_ARG(OID_EXT_CERT_POLICIES))) {
            der_reader pr, list, info;
            der_elem pi;
            if (r->policies.len || der_check_tree(val.val, val.len) != DER_OK)
                return x509_fail("bad requested certificatePolicies");
            der_reader_init(&pr, val.val, val.len);
            if (der_enter(&pr, DER_SEQUENCE, &list) != DER_OK || !der_reader_done(&pr) || der_reader_done(&list))
                return x509_fail("bad requested certificatePolicies");
            while (!der_reader_done(&list)) /* each PolicyInformation starts with its OID */
                if (der_enter(&list, DER_SEQUENCE, &info) != DER_OK || der_expect(&info, DER_OID, &pi) != DER_OK)
                    return x509_fail("bad requested certificatePolicies");
            r->policies = (x509_span){val.val, val.len};
            continue;
        }
        if (!der_oid_equals(&oid, OID_ARG(OID_TCG_DICE_TCB_INFO))) continue;
        x509_tcbinfo_view v;
        if (r->tcbinfo.len || x509_tcbinfo_parse(val.val, val.len, &v)) return x509_fail("bad requested TcbInfo");
        r->tcbinfo = (x509_span){val.val, val.len};
    }
    return 0;
}

static int parse_attributes(x509_csr *r, der_reader *info)
{
    der_reader attrs, attr, values;
    der_elem type;
    if (der_enter(info, DER_CTX(0), &attrs) != DER_OK) return x509_fail("CSR attributes [0] missing");
    while (!der_reader_done(&attrs)) {
        if (der_enter(&attrs, DER_SEQUENCE, &attr) != DER_OK || der_expect(&attr, DER_OID, &type) != DER_OK ||
            der_enter(&attr, DER_SET, &values) != DER_OK || !der_reader_done(&attr))
            return x509_fail("malformed CSR attribute");
        if (der_oid_equals(&type, OID_ARG(OID_PKCS9_EXTENSION_REQUEST)) && parse_extension_request(r, &values))
            return -1;
    }
    return 0;
}

int x509_csr_parse(x509_csr *r, const uint8_t *der, size_t len)
{
    der_reader rd, info;
    der_elem e, subject, spki;
    x509_span sigalg;
    uint64_t ver;
    memset(r, 0, sizeof *r);
    if (!der || der_check_tree(der, len) != DER_OK) return x509_fail(der_error_reason());
    if (x509_parse_envelope(der, len, &r->info, &sigalg, &r->sig_alg, &r->signature)) return -1;
    der_reader_init(&rd, r->info.p, r->info.len);
    if (der_enter(&rd, DER_SEQUENCE, &info) != DER_OK || der_expect(&info, DER_INTEGER, &e) != DER_OK ||
        der_get_uint(&e, &ver) != DER_OK || ver != 0)
        return x509_fail("CSR version must be 0");
    if (der_expect(&info, DER_SEQUENCE, &subject) != DER_OK || x509_check_name(&subject))
        return x509_fail("malformed CSR subject");
    if (der_expect(&info, DER_SEQUENCE, &spki) != DER_OK || x509_parse_spki(&spki, &r->key_alg, &r->pub)) return -1;
    r->subject = (x509_span){subject.tlv, subject.tlvlen};
    r->spki = (x509_span){spki.tlv, spki.tlvlen};
    if (parse_attributes(r, &info)) return -1;
    if (!der_reader_done(&info)) return x509_fail("trailing data in CertificationRequestInfo");
    return 0;
}

int x509_csr_verify(const x509_csr *r)
{
    if (r->key_alg == X509_ALG_NONE || r->sig_alg != r->key_alg)
        return x509_fail("CSR key and signature algorithms are unsupported or differ");
    if (x509_verify_raw(r->sig_alg, r->pub.p, r->pub.len, r->info.p, r->info.len, r->signature.p, r->signature.len))
        return x509_fail("CSR self-signature does not verify");
    return 0;
}

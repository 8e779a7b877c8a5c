/* tsp_verify_signer.c: one SignerInfo: certificate, signed attributes, signature, chain. */
#include "tsp/tsp_verify_signer.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asn1/der.h"
#include "asn1/oids.h"
#include "tsp/tsp_hash.h"
#include "tsp/tsp_verify_strict.h"

void tsp_report_line(tsp_verify_report *rep, const char *fmt, ...)
{
    if (rep->nlines >= TSP_REPORT_LINES) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rep->lines[rep->nlines++], sizeof rep->lines[0], fmt, ap);
    va_end(ap);
}

int tsp_report_fail(tsp_verify_report *rep, const char *fmt, ...)
{
    if (!rep->error[0]) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(rep->error, sizeof rep->error, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static int span_eq(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
    return an == bn && memcmp(a, b, an) == 0;
}

static int serial_magnitude(const tsp_span *tlv, const uint8_t **mag, size_t *n)
{
    der_reader r;
    der_elem e;
    der_reader_init(&r, tlv->p, tlv->n);
    return der_expect(&r, DER_INTEGER, &e) == DER_OK && der_get_uint_bytes(&e, mag, n) == DER_OK ? 0 : -1;
}

int tsp_candidate_cert(const tsp_parsed *t, const tsp_verify_opts *o, int i, x509_cert *c)
{
    if (i < t->ncerts) return x509_cert_parse(c, t->certs[i].p, t->certs[i].n);
    i -= t->ncerts;
    return i < o->nextra ? x509_cert_parse(c, o->extra_certs[i], o->extra_lens[i]) : -1;
}

/* Next candidate certificate, from *idx on, whose issuer and serial match the sid. The
 * certificates of a token are not authenticated: several may carry the signer's issuer and serial
 * (a decoy put in front of the real one), so the caller tries each match in turn. Certificates
 * that do not parse are counted in *unparsable (the first reason kept in bad_why). 0 or -1. */
static int find_cert(const tsp_parsed *t, const tsp_verify_opts *o, const tsp_span *issuer, const tsp_span *serial_tlv,
                     int *idx, x509_cert *c, int *unparsable, char *bad_why, size_t bad_cap)
{
    const uint8_t *mag;
    size_t n;
    if (serial_magnitude(serial_tlv, &mag, &n) != 0) return -1;
    while (*idx < t->ncerts + o->nextra) {
        int i = (*idx)++;
        if (tsp_candidate_cert(t, o, i, c) != 0) {
            if (!(*unparsable)++)
                snprintf(bad_why, bad_cap, "%s %d: %s", i < t->ncerts ? "token certificate" : "--cert certificate",
                         (i < t->ncerts ? i : i - t->ncerts) + 1, x509_error_reason());
            continue;
        }
        if (span_eq(c->issuer.p, c->issuer.len, issuer->p, issuer->n) && span_eq(c->serial.p, c->serial.len, mag, n))
            return 0;
    }
    return -1;
}

/* SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2, policies OPTIONAL }
 * ESSCertIDv2 ::= SEQUENCE { hashAlgorithm DEFAULT sha256, certHash OCTET STRING, issuerSerial OPTIONAL }
 * IssuerSerial ::= SEQUENCE { issuer GeneralNames, serialNumber INTEGER }. The first ESSCertIDv2
 * must name the signer certificate. */
static int check_ess_cert_id(const der_elem *value, const x509_cert *cert, tsp_verify_report *rep)
{
    der_reader sc, certs, id, alg, is, names, dn;
    der_elem e, hash, oid, name;
    int h = TSP_HASH_SHA256;
    uint8_t digest[TSP_HASH_MAX_LEN];
    der_reader_init(&sc, value->val, value->len);
    if (value->tag != DER_SEQUENCE || der_enter(&sc, DER_SEQUENCE, &certs) != DER_OK ||
        der_enter(&certs, DER_SEQUENCE, &id) != DER_OK)
        return tsp_report_fail(rep, "signingCertificateV2 malformed");
    if (der_peek_tag(&id) == DER_SEQUENCE) {
        if (der_enter(&id, DER_SEQUENCE, &alg) != DER_OK || der_expect(&alg, DER_OID, &oid) != DER_OK ||
            (h = tsp_hash_from_oid(oid.val, oid.len)) < 0 || h == TSP_HASH_SHA256)
            return tsp_report_fail(rep, "ESSCertIDv2 hashAlgorithm unsupported or DEFAULT encoded");
    }
    if (der_expect(&id, DER_OCTET_STRING, &hash) != DER_OK)
        return tsp_report_fail(rep, "ESSCertIDv2 certHash malformed");
    if (tsp_hash((tsp_hash_alg)h, cert->der.p, cert->der.len, digest) != 0 ||
        hash.len != tsp_hash_len((tsp_hash_alg)h) || memcmp(digest, hash.val, hash.len) != 0)
        return tsp_report_fail(rep, "ESSCertIDv2 certHash does not match the signer certificate");
    if (!der_reader_done(&id)) {
        const uint8_t *mag;
        size_t n;
        if (der_enter(&id, DER_SEQUENCE, &is) != DER_OK || der_enter(&is, DER_SEQUENCE, &names) != DER_OK ||
            der_enter(&names, DER_CTX(4), &dn) != DER_OK || der_expect(&dn, DER_SEQUENCE, &name) != DER_OK ||
            !der_reader_done(&dn) || !der_reader_done(&names) || der_expect(&is, DER_INTEGER, &e) != DER_OK ||
            der_get_uint_bytes(&e, &mag, &n) != DER_OK || !der_reader_done(&is) || !der_reader_done(&id))
            return tsp_report_fail(rep, "ESSCertIDv2 issuerSerial malformed");
        if (!span_eq(name.tlv, name.tlvlen, cert->issuer.p, cert->issuer.len) ||
            !span_eq(mag, n, cert->serial.p, cert->serial.len))
            return tsp_report_fail(rep, "ESSCertIDv2 issuerSerial does not name the signer certificate");
    }
    return 0;
}

/* signedAttrs: each type once; contentType = id-ct-TSTInfo = eContentType; messageDigest =
 * digest(eContent); signingCertificateV2 names the signer certificate. A countersignature (RFC
 * 5652 11.4: si->countersigned set) must not have contentType, and its messageDigest is the digest
 * of the countersigned signature value. */
static int check_signed_attrs(const tsp_parsed *t, const tsp_signer_info *si, tsp_hash_alg h, const x509_cert *cert,
                              tsp_verify_report *rep)
{
    der_reader outer, r, attr, values;
    der_elem type, value;
    int have_ct = 0, have_md = 0, have_sc = 0;
    uint8_t md[TSP_HASH_MAX_LEN];
    const tsp_span *content = si->countersigned.p ? &si->countersigned : &t->tstinfo_der;
    if (tsp_hash(h, content->p, content->n, md) != 0) return tsp_report_fail(rep, "hashing failed");
    der_reader_init(&outer, si->signed_attrs.p, si->signed_attrs.n);
    if (der_enter(&outer, DER_CTX(0), &r) != DER_OK) return tsp_report_fail(rep, "signedAttrs malformed");
    while (!der_reader_done(&r)) {
        if (der_enter(&r, DER_SEQUENCE, &attr) != DER_OK || der_expect(&attr, DER_OID, &type) != DER_OK ||
            der_enter(&attr, DER_SET, &values) != DER_OK || !der_reader_done(&attr) ||
            der_read(&values, &value) != DER_OK)
            return tsp_report_fail(rep, "signedAttrs attribute malformed");
        int single = der_reader_done(&values);
        if (der_oid_equals(&type, OID_ARG(OID_ATTR_CONTENT_TYPE))) {
            if (si->countersigned.p)
                return tsp_report_fail(rep,
                                       "countersignature signedAttrs contain contentType (RFC 5652 11.4 forbids it)");
            if (have_ct++ || !single || value.tag != DER_OID || !der_oid_equals(&value, OID_ARG(OID_CT_TSTINFO)) ||
                !span_eq(value.val, value.len, t->econtent_type.p, t->econtent_type.n))
                return tsp_report_fail(rep, "contentType attribute is not id-ct-TSTInfo or differs from eContentType");
        } else if (der_oid_equals(&type, OID_ARG(OID_ATTR_MESSAGE_DIGEST))) {
            if (have_md++ || !single || value.tag != DER_OCTET_STRING ||
                !span_eq(value.val, value.len, md, tsp_hash_len(h)))
                return tsp_report_fail(rep, "messageDigest attribute does not match the %s of the %s", tsp_hash_name(h),
                                       si->countersigned.p ? "countersigned signature value" : "TSTInfo");
        } else if (der_oid_equals(&type, OID_ARG(OID_ATTR_SIGNING_CERT_V2))) {
            if (have_sc++ || !single) return tsp_report_fail(rep, "signingCertificateV2 repeated");
            if (check_ess_cert_id(&value, cert, rep) != 0) return -1;
        } else if (der_oid_equals(&type, OID_ARG(OID_ATTR_SIGNING_CERT))) {
            return tsp_report_fail(rep, "signingCertificate (v1, SHA-1) is not accepted");
        }
    }
    if ((!have_ct && !si->countersigned.p) || !have_md || !have_sc)
        return tsp_report_fail(rep, "signedAttrs lack %smessageDigest or signingCertificateV2",
                               si->countersigned.p ? "" : "contentType, ");
    return 0;
}

/* The subject's commonName, for reports ("?" if it has none). */
void tsp_subject_cn(const uint8_t *name, size_t len, char *out, size_t cap)
{
    der_reader top, rdns, rdn, atv;
    der_elem type, value;
    snprintf(out, cap, "?");
    der_reader_init(&top, name, len);
    if (der_enter(&top, DER_SEQUENCE, &rdns) != DER_OK) return;
    while (der_enter(&rdns, DER_SET, &rdn) == DER_OK)
        while (der_enter(&rdn, DER_SEQUENCE, &atv) == DER_OK)
            if (der_expect(&atv, DER_OID, &type) == DER_OK && der_read(&atv, &value) == DER_OK &&
                der_oid_equals(&type, OID_ARG(OID_AT_COMMON_NAME)))
                snprintf(out, cap, "%.*s", (int)(value.len < 100 ? value.len : 100), (const char *)value.val);
    for (char *c = out; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7F) *c = '?';
}

/* --measurement: the TcbInfo measurement matches and, unless allow_tcb_flags, no operational flag
 * (debug, notSecure, ...) is set: such a guest's key is not protected. The flags are reported. */
static int check_measurement(const x509_cert *cert, const char *cn, const tsp_verify_opts *o, tsp_verify_report *rep)
{
    uint8_t m[X509_MEASUREMENT_BYTES];
    uint32_t flags;
    char names[160];
    if (x509_cert_measurement(cert, m) != 0 || x509_cert_tcb_flags(cert, &flags) != 0)
        return tsp_report_fail(rep, "certificate \"%s\" has no TcbInfo measurement", cn);
    if (o->measurement_len != sizeof m || memcmp(m, o->measurement, sizeof m) != 0)
        return tsp_report_fail(rep, "TcbInfo measurement of \"%s\" differs from the expected one", cn);
    x509_tcb_flags_str(flags, names, sizeof names);
    if (flags && !o->allow_tcb_flags)
        return tsp_report_fail(rep,
                               "TcbInfo of \"%s\" has operational flags set (%s): the key is not protected "
                               "(--allow-tcb-flags accepts it)",
                               cn, names);
    tsp_report_line(rep, "  TcbInfo launch measurement of \"%s\" matches; operational flags: %s%s", cn, names,
                    flags ? " (ACCEPTED by --allow-tcb-flags)" : "");
    return 0;
}

/* Every check of si against one candidate signer certificate. */
static int verify_with_cert(const tsp_parsed *t, const tsp_signer_info *si, const tsp_verify_opts *o,
                            tsp_verify_report *rep, int *key_alg, const x509_cert *cert, int *pq, char *why,
                            size_t why_cap)
{
    char cn[128];
    tsp_subject_cn(cert->subject.p, cert->subject.len, cn, sizeof cn);
    tsp_hash_alg h;
    const char *alg_name;
    if (cert->key_alg == X509_ALG_ECDSA_P384) {
        h = TSP_HASH_SHA384;
        alg_name = "ECDSA P-384/SHA-384";
        if (!span_eq(si->sig_oid.p, si->sig_oid.n, OID_ARG(OID_ECDSA_SHA384)))
            return tsp_report_fail(rep, "ECDSA signer must use ecdsa-with-SHA384");
    } else if (cert->key_alg == X509_ALG_MLDSA65) {
        h = TSP_HASH_SHA512;
        alg_name = "ML-DSA-65";
        if (!span_eq(si->sig_oid.p, si->sig_oid.n, OID_ARG(OID_ML_DSA_65)))
            return tsp_report_fail(rep, "ML-DSA signer must use id-ml-dsa-65");
    } else {
        return tsp_report_fail(rep, "signer certificate key algorithm is not supported");
    }
    size_t hoid_len;
    const uint8_t *hoid = tsp_hash_oid(h, &hoid_len);
    if (si->sig_params || si->digest_params || !span_eq(si->digest_oid.p, si->digest_oid.n, hoid, hoid_len))
        return tsp_report_fail(rep, "%s SignerInfo must use digest %s with absent parameters", alg_name,
                               tsp_hash_name(h));
    if (check_signed_attrs(t, si, h, cert, rep) != 0) return -1;

    uint8_t *tbs = malloc(si->signed_attrs.n);
    if (!tbs) return tsp_report_fail(rep, "out of memory");
    memcpy(tbs, si->signed_attrs.p, si->signed_attrs.n);
    tbs[0] = DER_SET; /* signed as the universal SET OF (RFC 5652 5.4) */
    int bad = x509_verify_raw(cert->key_alg, cert->pub.p, cert->pub.len, tbs, si->signed_attrs.n, si->signature.p,
                              si->signature.n);
    free(tbs);
    if (bad) return tsp_report_fail(rep, "%s signature by \"%s\" does not verify", alg_name, cn);
    if (!o->no_strict && tsp_strict_check_signature(cert->key_alg, &si->signature, rep) != 0) return -1;
    if (x509_cert_check_tsa(cert) != 0)
        return tsp_report_fail(rep, "certificate \"%s\" is not a TSA certificate: %s", cn, x509_error_reason());
    if (tsp_verify_chain(t, cert, o, rep, pq, why, why_cap) != 0) return -1;
    if (o->measurement && check_measurement(cert, cn, o, rep) != 0) return -1;
    if (si->countersigned.p)
        tsp_report_line(rep,
                        "  %s countersignature valid: signer \"%.60s\"; messageDigest (%s) of the ECDSA signature "
                        "value, ESSCertIDv2, EKU, chain at genTime",
                        alg_name, cn, tsp_hash_name(h));
    else
        tsp_report_line(rep,
                        "  %s signature valid: signer \"%s\"; contentType, messageDigest (%s), ESSCertIDv2, "
                        "EKU timeStamping, chain to a given root at genTime",
                        alg_name, cn, tsp_hash_name(h));
    if (cert->key_alg == X509_ALG_MLDSA65) {
        if (*pq) {
            tsp_report_line(rep,
                            "  post-quantum assurance: every signature on the chain of \"%s\", up to the trust "
                            "anchor's key, is ML-DSA-65",
                            cn);
        } else {
            tsp_report_line(rep, "  NO post-quantum assurance from this ML-DSA-65 signature: its certificate chain has "
                                 "a classical link, so an ECDSA forger could issue such a certificate:");
            tsp_report_line(rep, "    %s", why);
        }
    }
    *key_alg = cert->key_alg;
    return 0;
}

int tsp_verify_signer(const tsp_parsed *t, const tsp_signer_info *si, const tsp_verify_opts *o, tsp_verify_report *rep,
                      int *key_alg, x509_cert *cert, int *pq_chain, char *pq_chain_why, size_t why_cap)
{
    char before[sizeof rep->error], bad_why[160] = "";
    int idx = 0, tried = 0, unparsable = 0;
    memcpy(before, rep->error, sizeof before);
    while (find_cert(t, o, &si->sid_issuer, &si->sid_serial, &idx, cert, &unparsable, bad_why, sizeof bad_why) == 0) {
        int nlines = rep->nlines;
        *pq_chain = 0;
        if (why_cap) pq_chain_why[0] = 0;
        if (verify_with_cert(t, si, o, rep, key_alg, cert, pq_chain, pq_chain_why, why_cap) == 0) {
            memcpy(rep->error, before, sizeof before); /* an earlier candidate's failure does not count */
            return 0;
        }
        rep->nlines = nlines;
        tried = 1;
    }
    if (!tried && unparsable)
        return tsp_report_fail(rep,
                               "no usable signer certificate: %d certificate(s) do not parse (%s) and no other one "
                               "matches the SignerInfo's issuer and serial",
                               unparsable, bad_why);
    if (!tried)
        return tsp_report_fail(rep,
                               "no certificate in the token (%d) or given with --cert (%d) matches the SignerInfo's "
                               "issuer and serial (a token requested without certReq needs --cert)",
                               t->ncerts, o->nextra);
    return -1;
}

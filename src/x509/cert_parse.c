/* cert_parse.c: strict DER parsing of an X.509 certificate into x509_cert, including the
 * extensions the TSA profile uses (basicConstraints, keyUsage, extKeyUsage, SKI/AKI, TcbInfo). */
#include <string.h>

#include "asn1/oids.h"
#include "x509/cert.h"
#include "x509/x509_internal.h"

static int parse_basic_constraints(x509_cert *c, const der_elem *v)
{
    der_reader r, s;
    der_elem e;
    uint64_t pl;
    der_reader_init(&r, v->val, v->len);
    if (der_enter(&r, DER_SEQUENCE, &s) != DER_OK || !der_reader_done(&r)) return x509_fail("bad basicConstraints");
    c->has_basic_constraints = 1;
    if (der_optional(&s, DER_BOOLEAN, &e) == DER_OK) {
        if (der_get_bool(&e, &c->is_ca) != DER_OK || !c->is_ca)
            return x509_fail("basicConstraints cA FALSE must be omitted in DER");
    }
    if (der_optional(&s, DER_INTEGER, &e) == DER_OK) {
        if (!c->is_ca || der_get_uint(&e, &pl) != DER_OK || pl > 255) return x509_fail("bad pathLenConstraint");
        c->path_len = (int)pl;
    }
    return der_reader_done(&s) ? 0 : x509_fail("bad basicConstraints");
}

static int parse_key_usage(x509_cert *c, const der_elem *v)
{
    der_reader r;
    der_elem e;
    der_reader_init(&r, v->val, v->len);
    if (der_expect(&r, DER_BIT_STRING, &e) != DER_OK || !der_reader_done(&r) ||
        der_get_bit_flags(&e, &c->key_usage) != DER_OK || c->key_usage == 0)
        return x509_fail("bad keyUsage");
    c->has_key_usage = 1;
    return 0;
}

static int parse_eku(x509_cert *c, const der_elem *v, int critical)
{
    der_reader r, s;
    der_elem e;
    der_reader_init(&r, v->val, v->len);
    if (der_enter(&r, DER_SEQUENCE, &s) != DER_OK || !der_reader_done(&r) || der_reader_done(&s))
        return x509_fail("bad extKeyUsage");
    c->has_eku = 1;
    c->eku_critical = critical;
    while (!der_reader_done(&s)) {
        if (der_expect(&s, DER_OID, &e) != DER_OK) return x509_fail("bad extKeyUsage");
        if (der_oid_equals(&e, OID_ARG(OID_KP_TIME_STAMPING)))
            c->eku_time_stamping++;
        else
            c->eku_other++;
    }
    return 0;
}

static int parse_key_id(x509_span *out, const der_elem *v, int authority)
{
    der_reader r, s;
    der_elem e;
    der_reader_init(&r, v->val, v->len);
    if (!authority) {
        if (der_expect(&r, DER_OCTET_STRING, &e) != DER_OK || !der_reader_done(&r)) return x509_fail("bad SKI");
    } else {
        /* AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] ..., authorityCertIssuer [1] ...,
         * authorityCertSerialNumber [2] ... }: only the key identifier is used. */
        if (der_enter(&r, DER_SEQUENCE, &s) != DER_OK || !der_reader_done(&r)) return x509_fail("bad AKI");
        if (der_optional(&s, DER_CTX_PRIM(0), &e) != DER_OK) return 0;
    }
    out->p = e.val;
    out->len = e.len;
    return 0;
}

/* Bits for duplicate detection. */
enum {
    SEEN_BC = 1,
    SEEN_KU = 2,
    SEEN_EKU = 4,
    SEEN_SKI = 8,
    SEEN_AKI = 16,
    SEEN_TCB = 32
};

static int parse_extension(x509_cert *c, der_reader *exts, unsigned *seen)
{
    der_reader e;
    der_elem oid, crit, val;
    int critical = 0;
    if (der_enter(exts, DER_SEQUENCE, &e) != DER_OK || der_expect(&e, DER_OID, &oid) != DER_OK)
        return x509_fail("malformed Extension");
    if (der_optional(&e, DER_BOOLEAN, &crit) == DER_OK) {
        if (der_get_bool(&crit, &critical) != DER_OK || !critical)
            return x509_fail("Extension critical FALSE must be omitted in DER");
    }
    if (der_expect(&e, DER_OCTET_STRING, &val) != DER_OK || !der_reader_done(&e))
        return x509_fail("malformed Extension");
    static const struct {
        const uint8_t *oid;
        size_t len;
        unsigned bit;
    } known[] = {
        {OID_ARG(OID_EXT_BASIC_CONSTRAINTS), SEEN_BC}, {OID_ARG(OID_EXT_KEY_USAGE), SEEN_KU},
        {OID_ARG(OID_EXT_EXT_KEY_USAGE), SEEN_EKU},    {OID_ARG(OID_EXT_SUBJECT_KEY_ID), SEEN_SKI},
        {OID_ARG(OID_EXT_AUTHORITY_KEY_ID), SEEN_AKI}, {OID_ARG(OID_TCG_DICE_TCB_INFO), SEEN_TCB},
    };
    unsigned bit = 0;
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (der_oid_equals(&oid, known[i].oid, known[i].len)) bit = known[i].bit;
    if (!bit) {
        if (critical) c->unknown_critical++;
        return 0;
    }
    if (*seen & bit) return x509_fail("duplicate extension");
    *seen |= bit;
    switch (bit) {
    case SEEN_BC: return parse_basic_constraints(c, &val);
    case SEEN_KU: return parse_key_usage(c, &val);
    case SEEN_EKU: return parse_eku(c, &val, critical);
    case SEEN_SKI: return parse_key_id(&c->ski, &val, 0);
    case SEEN_AKI: return parse_key_id(&c->aki, &val, 1);
    default: {
        x509_tcbinfo_view v;
        if (x509_tcbinfo_parse(val.val, val.len, &v)) return -1;
        c->tcbinfo.p = val.val;
        c->tcbinfo.len = val.len;
        return 0;
    }
    }
}

static int parse_extensions(x509_cert *c, der_reader *tbs)
{
    der_reader wrap, exts;
    unsigned seen = 0;
    if (der_reader_done(tbs)) return 0;
    if (c->version != 3) return x509_fail("extensions require a v3 certificate");
    if (der_enter(tbs, DER_CTX(3), &wrap) != DER_OK || der_enter(&wrap, DER_SEQUENCE, &exts) != DER_OK ||
        !der_reader_done(&wrap) || der_reader_done(&exts))
        return x509_fail("malformed extensions");
    while (!der_reader_done(&exts))
        if (parse_extension(c, &exts, &seen)) return -1;
    return 0;
}

static int parse_validity(x509_cert *c, der_reader *tbs)
{
    der_reader v;
    der_elem nb, na;
    if (der_enter(tbs, DER_SEQUENCE, &v) != DER_OK || der_read(&v, &nb) != DER_OK || der_read(&v, &na) != DER_OK ||
        !der_reader_done(&v))
        return x509_fail("malformed Validity");
    if (der_get_x509_time(&nb, &c->not_before) != DER_OK || der_get_x509_time(&na, &c->not_after) != DER_OK)
        return x509_fail(der_error_reason());
    return 0;
}

static int parse_tbs(x509_cert *c, const x509_span *sigalg_outer)
{
    der_reader r, tbs, ver;
    der_elem e, alg, issuer, subject, spki;
    uint64_t v = 0;
    const uint8_t *mag;
    der_reader_init(&r, c->tbs.p, c->tbs.len);
    if (der_enter(&r, DER_SEQUENCE, &tbs) != DER_OK) return x509_fail("malformed TBSCertificate");
    c->version = 1;
    if (der_peek_tag(&tbs) == (int)DER_CTX(0)) {
        if (der_enter(&tbs, DER_CTX(0), &ver) != DER_OK || der_expect(&ver, DER_INTEGER, &e) != DER_OK ||
            der_get_uint(&e, &v) != DER_OK || !der_reader_done(&ver) || v != 2)
            return x509_fail("version must be v3 when present (v1 is encoded by omission)");
        c->version = 3;
    }
    if (der_expect(&tbs, DER_INTEGER, &e) != DER_OK || der_get_uint_bytes(&e, &mag, &c->serial.len) != DER_OK)
        return x509_fail("serialNumber must be a non-negative INTEGER");
    if (c->serial.len > X509_SERIAL_MAX) return x509_fail("serialNumber longer than 20 octets");
    c->serial.p = mag;
    if (der_expect(&tbs, DER_SEQUENCE, &alg) != DER_OK || alg.tlvlen != sigalg_outer->len ||
        memcmp(alg.tlv, sigalg_outer->p, alg.tlvlen) != 0)
        return x509_fail("TBSCertificate signature algorithm differs from signatureAlgorithm");
    if (der_expect(&tbs, DER_SEQUENCE, &issuer) != DER_OK || x509_check_name(&issuer))
        return x509_fail("malformed issuer");
    if (parse_validity(c, &tbs)) return -1;
    if (der_expect(&tbs, DER_SEQUENCE, &subject) != DER_OK || x509_check_name(&subject))
        return x509_fail("malformed subject");
    if (der_expect(&tbs, DER_SEQUENCE, &spki) != DER_OK || x509_parse_spki(&spki, &c->key_alg, &c->pub)) return -1;
    c->issuer = (x509_span){issuer.tlv, issuer.tlvlen};
    c->subject = (x509_span){subject.tlv, subject.tlvlen};
    c->spki = (x509_span){spki.tlv, spki.tlvlen};
    /* issuerUniqueID [1] / subjectUniqueID [2]: obsolete, skipped when present (v2/v3 only). */
    for (unsigned n = 1; n <= 2; n++)
        if (der_optional(&tbs, DER_CTX_PRIM(n), &e) == DER_OK && c->version == 1)
            return x509_fail("unique identifiers in a v1 certificate");
    if (parse_extensions(c, &tbs)) return -1;
    if (!der_reader_done(&tbs) || !der_reader_done(&r)) return x509_fail("trailing data in TBSCertificate");
    return 0;
}

int x509_cert_parse(x509_cert *c, const uint8_t *der, size_t len)
{
    x509_span sigalg;
    memset(c, 0, sizeof *c);
    c->path_len = -1;
    if (!der || der_check_tree(der, len) != DER_OK) return x509_fail(der_error_reason());
    if (x509_parse_envelope(der, len, &c->tbs, &sigalg, &c->sig_alg, &c->signature)) return -1;
    c->der = (x509_span){der, len};
    return parse_tbs(c, &sigalg);
}

int x509_cert_measurement(const x509_cert *c, uint8_t out[X509_MEASUREMENT_BYTES])
{
    x509_tcbinfo_view v;
    if (!c->tcbinfo.len) return x509_fail("certificate has no TcbInfo extension");
    if (x509_tcbinfo_parse(c->tcbinfo.p, c->tcbinfo.len, &v)) return -1;
    if (!v.has_measurement) return x509_fail("TcbInfo has no SHA-384 measurement");
    memcpy(out, v.measurement, X509_MEASUREMENT_BYTES);
    return 0;
}

int x509_cert_tcb_flags(const x509_cert *c, uint32_t *flags)
{
    x509_tcbinfo_view v;
    if (!c->tcbinfo.len) return x509_fail("certificate has no TcbInfo extension");
    if (x509_tcbinfo_parse(c->tcbinfo.p, c->tcbinfo.len, &v)) return -1;
    *flags = v.flags;
    return 0;
}

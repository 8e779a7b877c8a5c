/* tsp_parse.c: TimeStampResp / ContentInfo / SignedData / SignerInfo decoding (RFC 3161 2.4.2,
 * RFC 5652 5.1-5.3). Strict DER; unknown structure is an error, never skipped silently. */
#include "tsp/tsp_parse.h"

#include <stdio.h>
#include <string.h>

#include "asn1/der.h"
#include "asn1/oids.h"

#define BAD(text)                                                                                                      \
    do {                                                                                                               \
        *why = (text);                                                                                                 \
        return -1;                                                                                                     \
    } while (0)

static tsp_span span_of(const der_elem *e)
{
    tsp_span s = {e->tlv, e->tlvlen};
    return s;
}

static tsp_span contents_of(const der_elem *e)
{
    tsp_span s = {e->val, e->len};
    return s;
}

/* AlgorithmIdentifier: OID plus optional parameters (any single element). */
static int parse_alg(der_reader *r, tsp_span *oid, int *has_params)
{
    der_reader a;
    der_elem o, params;
    if (der_enter(r, DER_SEQUENCE, &a) != DER_OK || der_expect(&a, DER_OID, &o) != DER_OK || o.len == 0) return -1;
    *oid = contents_of(&o);
    *has_params = 0;
    if (!der_reader_done(&a)) {
        if (der_read(&a, &params) != DER_OK) return -1;
        *has_params = 1;
    }
    return der_reader_done(&a) ? 0 : -1;
}

/* Find the countersignature SignerInfo among the unsigned attributes (one attribute, one value). */
static int find_companion(const der_elem *ua, tsp_span *companion)
{
    der_reader r, attr, values;
    der_elem type, value;
    der_reader_init(&r, ua->val, ua->len);
    if (der_reader_done(&r)) return -1;
    while (!der_reader_done(&r)) {
        if (der_enter(&r, DER_SEQUENCE, &attr) != DER_OK || der_expect(&attr, DER_OID, &type) != DER_OK ||
            der_enter(&attr, DER_SET, &values) != DER_OK || !der_reader_done(&attr))
            return -1;
        if (!der_oid_equals(&type, OID_ARG(OID_ATTR_COUNTERSIGNATURE))) continue;
        if (companion->p) return -1; /* the attribute appears twice */
        if (der_expect(&values, DER_SEQUENCE, &value) != DER_OK || !der_reader_done(&values)) return -1;
        *companion = span_of(&value);
    }
    return 0;
}

int tsp_parse_signer_info(const uint8_t *tlv, size_t len, tsp_signer_info *si, int allow_companion, const char **why)
{
    der_reader top, r, sid;
    der_elem e;
    uint64_t version;
    memset(si, 0, sizeof *si);
    der_reader_init(&top, tlv, len);
    if (der_read(&top, &e) != DER_OK || e.tag != DER_SEQUENCE || !der_reader_done(&top))
        BAD("SignerInfo is not a SEQUENCE");
    si->tlv = span_of(&e);
    der_reader_init(&r, e.val, e.len);
    if (der_expect(&r, DER_INTEGER, &e) != DER_OK || der_get_uint(&e, &version) != DER_OK || version != 1)
        BAD("SignerInfo version is not 1 (only issuerAndSerialNumber is supported)");
    if (der_enter(&r, DER_SEQUENCE, &sid) != DER_OK || der_expect(&sid, DER_SEQUENCE, &e) != DER_OK)
        BAD("SignerInfo sid malformed");
    si->sid_issuer = span_of(&e);
    if (der_expect(&sid, DER_INTEGER, &e) != DER_OK || !der_reader_done(&sid)) BAD("SignerInfo sid malformed");
    si->sid_serial = span_of(&e);
    if (parse_alg(&r, &si->digest_oid, &si->digest_params) != 0) BAD("SignerInfo digestAlgorithm malformed");
    if (der_expect(&r, DER_CTX(0), &e) != DER_OK) BAD("SignerInfo has no signedAttrs");
    si->signed_attrs = span_of(&e);
    if (parse_alg(&r, &si->sig_oid, &si->sig_params) != 0) BAD("SignerInfo signatureAlgorithm malformed");
    if (der_expect(&r, DER_OCTET_STRING, &e) != DER_OK) BAD("SignerInfo signature malformed");
    si->signature = contents_of(&e);
    if (der_optional(&r, DER_CTX(1), &e) == DER_OK) {
        si->unsigned_attrs = span_of(&e);
        if (find_companion(&e, &si->companion) != 0) BAD("SignerInfo unsignedAttrs malformed");
        if (si->companion.p && !allow_companion) BAD("nested countersignature");
    }
    if (!der_reader_done(&r)) BAD("SignerInfo has trailing fields");
    return 0;
}

static int parse_status(const der_elem *e, tsp_parsed *t, const char **why)
{
    der_reader r, text;
    der_elem f, s;
    uint64_t status;
    der_reader_init(&r, e->val, e->len);
    if (der_expect(&r, DER_INTEGER, &f) != DER_OK || der_get_uint(&f, &status) != DER_OK || status > 5)
        BAD("PKIStatus malformed or out of range");
    t->status = (int)status;
    if (der_optional(&r, DER_SEQUENCE, &f) == DER_OK) {
        der_reader_init(&text, f.val, f.len);
        if (der_reader_done(&text)) BAD("empty PKIFreeText");
        while (!der_reader_done(&text)) {
            if (der_expect(&text, DER_UTF8_STRING, &s) != DER_OK || !der_utf8_valid(s.val, s.len))
                BAD("PKIFreeText is not UTF8String");
            if (!t->status_text[0]) {
                /* The TSA's text ends up on terminals and in logs: no control characters (a
                 * newline would forge output lines, ESC drives the terminal). */
                snprintf(t->status_text, sizeof t->status_text, "%.*s", (int)(s.len < 255 ? s.len : 255),
                         (const char *)s.val);
                for (char *c = t->status_text; *c; c++)
                    if ((unsigned char)*c < 0x20 || *c == 0x7F) *c = '?';
            }
        }
    }
    if (der_optional(&r, DER_BIT_STRING, &f) == DER_OK && der_get_bit_flags(&f, &t->fail_bits) != DER_OK)
        BAD("PKIFailureInfo malformed");
    if (!der_reader_done(&r)) BAD("PKIStatusInfo has trailing fields");
    return 0;
}

static int parse_signed_data(const der_elem *sd_elem, tsp_parsed *t, const char **why)
{
    der_reader r, set, eci, inner;
    der_elem e, oid, octets;
    uint64_t v;
    der_reader_init(&r, sd_elem->val, sd_elem->len);
    if (der_expect(&r, DER_INTEGER, &e) != DER_OK || der_get_uint(&e, &v) != DER_OK || v > 5)
        BAD("SignedData version malformed");
    t->sd_version = (unsigned)v;
    if (der_enter(&r, DER_SET, &set) != DER_OK) BAD("SignedData digestAlgorithms malformed");
    while (!der_reader_done(&set)) {
        if (t->ndigest_algs == TSP_MAX_SIGNERS || der_expect(&set, DER_SEQUENCE, &e) != DER_OK)
            BAD("SignedData digestAlgorithms malformed or too many");
        t->digest_algs[t->ndigest_algs++] = span_of(&e);
    }
    if (der_enter(&r, DER_SEQUENCE, &eci) != DER_OK || der_expect(&eci, DER_OID, &oid) != DER_OK)
        BAD("encapContentInfo malformed");
    t->econtent_type = contents_of(&oid);
    if (der_enter(&eci, DER_CTX(0), &inner) != DER_OK || der_expect(&inner, DER_OCTET_STRING, &octets) != DER_OK ||
        !der_reader_done(&inner) || !der_reader_done(&eci))
        BAD("encapContentInfo has no DER eContent OCTET STRING");
    t->tstinfo_der = contents_of(&octets);
    if (der_optional(&r, DER_CTX(0), &e) == DER_OK) {
        der_reader_init(&set, e.val, e.len);
        while (!der_reader_done(&set)) {
            if (t->ncerts == TSP_MAX_CERTS || der_expect(&set, DER_SEQUENCE, &e) != DER_OK)
                BAD("certificates malformed or too many (only X.509 certificates are accepted)");
            t->certs[t->ncerts++] = span_of(&e);
        }
    }
    if (der_optional(&r, DER_CTX(1), &e) == DER_OK) t->has_crls = 1;
    if (der_enter(&r, DER_SET, &set) != DER_OK || !der_reader_done(&r)) BAD("signerInfos malformed");
    while (!der_reader_done(&set)) {
        if (t->nsigners == TSP_MAX_SIGNERS || der_read(&set, &e) != DER_OK) BAD("signerInfos malformed or too many");
        if (tsp_parse_signer_info(e.tlv, e.tlvlen, &t->signers[t->nsigners++], 1, why) != 0) return -1;
    }
    if (t->nsigners == 0) BAD("SignedData has no SignerInfo");
    return 0;
}

static int parse_content_info(const der_elem *ci, tsp_parsed *t, const char **why)
{
    der_reader r, inner;
    der_elem oid, sd;
    t->token = span_of(ci);
    der_reader_init(&r, ci->val, ci->len);
    if (der_expect(&r, DER_OID, &oid) != DER_OK || !der_oid_equals(&oid, OID_ARG(OID_CMS_SIGNED_DATA)))
        BAD("token is not a CMS SignedData ContentInfo");
    if (der_enter(&r, DER_CTX(0), &inner) != DER_OK || der_expect(&inner, DER_SEQUENCE, &sd) != DER_OK ||
        !der_reader_done(&inner) || !der_reader_done(&r))
        BAD("ContentInfo content malformed");
    if (parse_signed_data(&sd, t, why) != 0) return -1;
    if (tsp_tstinfo_parse(t->tstinfo_der.p, t->tstinfo_der.n, &t->tstinfo, why) != 0) return -1;
    return 0;
}

static int parse_any(const uint8_t *der, size_t len, tsp_parsed *t, const char **why)
{
    der_reader top, r;
    der_elem outer, first, e;
    if (len > TSP_MAX_INPUT) BAD("input larger than 1 MiB");
    der_reader_init(&top, der, len);
    if (der_read(&top, &outer) != DER_OK || outer.tag != DER_SEQUENCE || !der_reader_done(&top))
        BAD("input is not one DER SEQUENCE");
    der_reader_init(&r, outer.val, outer.len);
    if (der_read(&r, &first) != DER_OK) BAD("input is an empty SEQUENCE");
    if (first.tag == DER_OID) return parse_content_info(&outer, t, why);
    if (first.tag != DER_SEQUENCE) BAD("input is neither a TimeStampResp nor a ContentInfo");
    t->has_resp = 1;
    if (parse_status(&first, t, why) != 0) return -1;
    if (der_reader_done(&r)) return 0;
    if (der_expect(&r, DER_SEQUENCE, &e) != DER_OK || !der_reader_done(&r)) BAD("TimeStampResp has trailing fields");
    return parse_content_info(&e, t, why);
}

int tsp_parse(const uint8_t *der, size_t len, tsp_parsed *out, char *err, size_t errlen)
{
    const char *why = "malformed input";
    memset(out, 0, sizeof *out);
    if (parse_any(der, len, out, &why) == 0) return 0;
    snprintf(err, errlen, "%s", why);
    return -1;
}

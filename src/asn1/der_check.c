/* der_check.c: whole-encoding validation: exactly one element, every constructed element's
 * contents parse completely (to DER_MAX_DEPTH levels), and universal primitive types obey their
 * DER contents rules. Used on untrusted input before handing it to type-specific parsers. */
#include "asn1/der.h"
#include "asn1/der_internal.h"

static int check_primitive(const der_elem *e)
{
    int b;
    const uint8_t *p;
    size_t n;
    unsigned u;
    time_t t;
    switch (e->tag) {
    case DER_BOOLEAN: return der_get_bool(e, &b);
    case DER_INTEGER:
    case DER_ENUMERATED: return der_check_integer(e);
    case DER_BIT_STRING: return der_get_bitstring(e, &p, &n, &u);
    case DER_NULL: return e->len == 0 ? DER_OK : der_fail("NULL with contents");
    case DER_OID: return der_oid_valid(e->val, e->len) ? DER_OK : der_fail("malformed OBJECT IDENTIFIER");
    case DER_UTF8_STRING: return der_utf8_valid(e->val, e->len) ? DER_OK : der_fail("invalid UTF-8");
    case DER_PRINTABLE_STRING:
        return der_printable_valid(e->val, e->len) ? DER_OK : der_fail("invalid PrintableString character");
    case DER_IA5_STRING: return der_ia5_valid(e->val, e->len) ? DER_OK : der_fail("invalid IA5String character");
    case DER_UTC_TIME: return der_get_x509_time(e, &t);
    case DER_GENERALIZED_TIME: return der_get_gentime(e, &t, &u);
    default: return DER_OK;
    }
}

static int check_level(const uint8_t *p, size_t len, int depth)
{
    der_reader r;
    der_elem e;
    int rc;
    der_reader_init(&r, p, len);
    while ((rc = der_read(&r, &e)) == DER_OK) {
        int universal = (e.tag & 0xC0) == 0, number = (int)(e.tag & 0x1F);
        if (universal && (e.tag & 0x20) != ((number == 0x10 || number == 0x11) ? 0x20 : 0))
            return der_fail("universal type in the wrong form (constructed strings are BER, not DER)");
        if (e.tag & 0x20) {
            if (depth + 1 >= DER_MAX_DEPTH) return der_fail("nesting deeper than DER_MAX_DEPTH");
            if (check_level(e.val, e.len, depth + 1) != DER_OK) return DER_ERR;
        } else if (check_primitive(&e) != DER_OK) {
            return DER_ERR;
        }
    }
    return rc == DER_EOF ? DER_OK : DER_ERR;
}

int der_check_tree(const uint8_t *p, size_t len)
{
    der_reader r;
    der_elem e;
    der_reader_init(&r, p, len);
    if (der_read(&r, &e) != DER_OK) return r.len ? DER_ERR : der_fail("empty input");
    if (!der_reader_done(&r)) return der_fail("trailing data after the element");
    return check_level(p, len, 0);
}

int der_set_of_sorted(const uint8_t *p, size_t len)
{
    der_reader r;
    der_elem prev, e;
    int rc, have = 0;
    der_reader_init(&r, p, len);
    while ((rc = der_read(&r, &e)) == DER_OK) {
        if (have && der_set_order_cmp(prev.tlv, prev.tlvlen, e.tlv, e.tlvlen) > 0) return 0;
        prev = e, have = 1;
    }
    return rc == DER_EOF;
}

/* der_read.c: the strict DER reader: element framing (tag + definite minimal length) and the
 * contents decoders for BOOLEAN, INTEGER, BIT STRING and OBJECT IDENTIFIER. An OBJECT IDENTIFIER
 * whose contents are not DER is refused while framing, so no caller sees one. Every rejection
 * records a reason readable with der_error_reason(). */
#include <string.h>

#include "asn1/der.h"
#include "asn1/der_internal.h"

static _Thread_local const char *last_reason = "no error";

int der_fail(const char *reason)
{
    last_reason = reason;
    return DER_ERR;
}

const char *der_error_reason(void) { return last_reason; }

void der_reader_init(der_reader *r, const uint8_t *p, size_t len)
{
    r->p = p;
    r->len = p ? len : 0;
}

int der_reader_done(const der_reader *r) { return r->len == 0; }

int der_peek_tag(const der_reader *r) { return r->len ? r->p[0] : -1; }

/* Parse one element at the front of r without consuming it. */
static int parse_elem(const der_reader *r, der_elem *e)
{
    if (r->len == 0) return DER_EOF;
    const uint8_t *p = r->p;
    size_t avail = r->len;
    if ((p[0] & 0x1F) == 0x1F) return der_fail("multi-byte tag numbers are not supported");
    if (p[0] == 0x00) return der_fail("end-of-contents octets are not DER");
    if (avail < 2) return der_fail("truncated: no length octet");
    size_t hdr = 2, n;
    uint8_t l0 = p[1];
    if (l0 < 0x80) {
        n = l0;
    } else if (l0 == 0x80) {
        return der_fail("indefinite length is not DER");
    } else {
        size_t k = l0 & 0x7F;
        if (k > 4) return der_fail("length field longer than 4 octets");
        if (avail < 2 + k) return der_fail("truncated: length octets past the end");
        if (p[2] == 0) return der_fail("non-minimal length (leading zero octet)");
        n = 0;
        for (size_t i = 0; i < k; i++) n = (n << 8) | p[2 + i];
        if (n < 0x80) return der_fail("long-form length for a value below 128");
        hdr = 2 + k;
    }
    if (n > avail - hdr) return der_fail("truncated: contents run past the end of the input");
    /* Every OBJECT IDENTIFIER read anywhere is DER: a non-minimal subidentifier (leading 0x80)
     * would let one OID have several encodings and slip past byte comparisons. */
    if (p[0] == DER_OID && !der_oid_valid(p + hdr, n))
        return der_fail("OBJECT IDENTIFIER not DER (empty, non-minimal or unterminated subidentifier)");
    e->tag = p[0];
    e->val = p + hdr;
    e->len = n;
    e->tlv = p;
    e->tlvlen = hdr + n;
    return DER_OK;
}

int der_read(der_reader *r, der_elem *e)
{
    der_elem tmp;
    int rc = parse_elem(r, &tmp);
    if (rc != DER_OK) return rc;
    *e = tmp;
    r->p += tmp.tlvlen;
    r->len -= tmp.tlvlen;
    return DER_OK;
}

int der_expect(der_reader *r, unsigned tag, der_elem *e)
{
    if (r->len == 0) return der_fail("truncated: expected element missing");
    if (r->p[0] != tag) return der_fail("unexpected tag");
    return der_read(r, e) == DER_OK ? DER_OK : DER_ERR;
}

int der_optional(der_reader *r, unsigned tag, der_elem *e)
{
    if (r->len == 0 || r->p[0] != tag) return DER_EOF;
    return der_read(r, e) == DER_OK ? DER_OK : DER_ERR;
}

int der_enter(der_reader *r, unsigned tag, der_reader *inner)
{
    der_elem e;
    if (!(tag & 0x20)) return der_fail("cannot enter a primitive element");
    if (der_expect(r, tag, &e) != DER_OK) return DER_ERR;
    der_reader_init(inner, e.val, e.len);
    return DER_OK;
}

static int primitive(const der_elem *e) { return !(e->tag & 0x20); }

int der_get_bool(const der_elem *e, int *v)
{
    if (!primitive(e) || e->len != 1) return der_fail("BOOLEAN must be one octet");
    if (e->val[0] != 0x00 && e->val[0] != 0xFF) return der_fail("BOOLEAN must be 00 or FF in DER");
    *v = e->val[0] == 0xFF;
    return DER_OK;
}

/* Two's-complement INTEGER framing rules shared by the decoders: non-empty and minimal. */
int der_check_integer(const der_elem *e)
{
    if (!primitive(e) || e->len == 0) return der_fail("INTEGER must have at least one octet");
    if (e->len > 1 && ((e->val[0] == 0x00 && !(e->val[1] & 0x80)) || (e->val[0] == 0xFF && (e->val[1] & 0x80))))
        return der_fail("non-minimal INTEGER encoding");
    return DER_OK;
}

int der_get_int(const der_elem *e, int64_t *v)
{
    if (der_check_integer(e) != DER_OK) return DER_ERR;
    if (e->len > 8) return der_fail("INTEGER does not fit in 64 bits");
    uint64_t u = (e->val[0] & 0x80) ? UINT64_MAX : 0;
    for (size_t i = 0; i < e->len; i++) u = (u << 8) | e->val[i];
    *v = (int64_t)u;
    return DER_OK;
}

int der_get_uint_bytes(const der_elem *e, const uint8_t **mag, size_t *n)
{
    if (der_check_integer(e) != DER_OK) return DER_ERR;
    if (e->val[0] & 0x80) return der_fail("negative INTEGER where a non-negative one is required");
    const uint8_t *p = e->val;
    size_t len = e->len;
    if (len > 1 && p[0] == 0x00) {
        p++;
        len--;
    }
    *mag = p;
    *n = len;
    return DER_OK;
}

int der_get_uint(const der_elem *e, uint64_t *v)
{
    const uint8_t *m;
    size_t n;
    if (der_get_uint_bytes(e, &m, &n) != DER_OK) return DER_ERR;
    if (n > 8) return der_fail("INTEGER does not fit in 64 bits");
    uint64_t u = 0;
    for (size_t i = 0; i < n; i++) u = (u << 8) | m[i];
    *v = u;
    return DER_OK;
}

int der_get_bitstring(const der_elem *e, const uint8_t **p, size_t *n, unsigned *unused)
{
    if (!primitive(e) || e->len == 0) return der_fail("BIT STRING without the unused-bits octet");
    unsigned u = e->val[0];
    if (u > 7) return der_fail("BIT STRING unused-bits count above 7");
    if (e->len == 1 && u != 0) return der_fail("empty BIT STRING with non-zero unused bits");
    if (u && (e->val[e->len - 1] & ((1u << u) - 1))) return der_fail("BIT STRING unused bits not zero");
    *p = e->val + 1;
    *n = e->len - 1;
    *unused = u;
    return DER_OK;
}

int der_get_bits(const der_elem *e, const uint8_t **p, size_t *n)
{
    unsigned unused;
    if (der_get_bitstring(e, p, n, &unused) != DER_OK) return DER_ERR;
    if (unused) return der_fail("BIT STRING must be a whole number of octets here");
    return DER_OK;
}

int der_get_bit_flags(const der_elem *e, uint32_t *flags)
{
    const uint8_t *p;
    size_t n;
    unsigned unused;
    if (der_get_bitstring(e, &p, &n, &unused) != DER_OK) return DER_ERR;
    if (n > 4) return der_fail("named bit list longer than 32 bits");
    if (n && p[n - 1] == 0) return der_fail("named bit list with trailing zero bits (not DER)");
    if (n && (p[n - 1] & (1u << unused)) == 0) return der_fail("named bit list with trailing zero bits (not DER)");
    uint32_t f = 0;
    for (size_t i = 0; i < n * 8; i++)
        if (p[i / 8] & (0x80u >> (i % 8))) f |= UINT32_C(1) << i;
    *flags = f;
    return DER_OK;
}

int der_oid_valid(const uint8_t *oid_val, size_t n)
{
    if (!oid_val || n == 0) return 0;
    if (oid_val[n - 1] & 0x80) return 0; /* last subidentifier unterminated */
    int at_start = 1;
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        if (at_start && oid_val[i] == 0x80) return 0; /* non-minimal subidentifier */
        run++;
        if (run > DER_OID_MAX_ARC_BYTES) return 0; /* arc beyond 161 bits */
        at_start = !(oid_val[i] & 0x80);
        if (at_start) run = 0;
    }
    return 1;
}

int der_oid_equals(const der_elem *e, const uint8_t *oid_val, size_t n)
{
    return e->tag == DER_OID && e->len == n && n > 0 && memcmp(e->val, oid_val, n) == 0;
}

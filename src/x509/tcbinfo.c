/* tcbinfo.c: DiceTcbInfo ::= SEQUENCE { vendor [0] UTF8String, model [1] UTF8String,
 * version [2] UTF8String, svn [3] INTEGER, layer [4] INTEGER, index [5] INTEGER,
 * fwids [6] SEQUENCE OF FWID, flags [7] OperationalFlags, vendorInfo [8] OCTET STRING,
 * type [9] OCTET STRING, ... } with IMPLICIT tags, all OPTIONAL; FWID ::= SEQUENCE {
 * hashAlg OBJECT IDENTIFIER, digest OCTET STRING } (TCG DICE Attestation Architecture). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asn1/oids.h"
#include "x509/tcbinfo.h"
#include "x509/x509_internal.h"

/* IMPLICIT tagging of a primitive: finish v (one element) and write its contents under `tag`. */
static void put_retagged(der_writer *w, unsigned tag, der_writer *v)
{
    der_reader r;
    der_elem e;
    uint8_t *enc;
    size_t n;
    if (der_writer_finish(v, &enc, &n)) {
        w->err = 1;
        return;
    }
    der_reader_init(&r, enc, n);
    if (der_read(&r, &e) == DER_OK)
        der_put_tlv(w, tag, e.val, e.len);
    else
        w->err = 1;
    free(enc);
}

void x509_tcbinfo_put(der_writer *w, const x509_tcbinfo *t)
{
    der_begin(w, DER_SEQUENCE);
    if (t->vendor) {
        if (!der_utf8_valid((const uint8_t *)t->vendor, strlen(t->vendor))) w->err = 1;
        der_put_tlv(w, DER_CTX_PRIM(0), (const uint8_t *)t->vendor, strlen(t->vendor));
    }
    if (t->model) {
        if (!der_utf8_valid((const uint8_t *)t->model, strlen(t->model))) w->err = 1;
        der_put_tlv(w, DER_CTX_PRIM(1), (const uint8_t *)t->model, strlen(t->model));
    }
    if (t->svn >= 0) {
        der_writer v;
        der_writer_init(&v);
        der_put_uint(&v, (uint64_t)t->svn);
        put_retagged(w, DER_CTX_PRIM(3), &v); /* svn [3] IMPLICIT INTEGER */
    }
    der_begin(w, DER_CTX(6)); /* fwids [6] IMPLICIT SEQUENCE OF FWID */
    der_begin(w, DER_SEQUENCE);
    der_put_oid(w, OID_ARG(OID_SHA384));
    der_put_octets(w, t->measurement, X509_MEASUREMENT_BYTES);
    der_end(w);
    der_end(w);
    if (t->flags) {
        der_writer v;
        der_writer_init(&v);
        der_put_bit_flags(&v, t->flags);
        put_retagged(w, DER_CTX_PRIM(7), &v); /* flags [7] IMPLICIT OperationalFlags */
    }
    der_end(w);
}

static int parse_fwids(const der_elem *e, x509_tcbinfo_view *v)
{
    der_reader r, f;
    der_elem alg, digest;
    der_reader_init(&r, e->val, e->len);
    while (!der_reader_done(&r)) {
        if (der_enter(&r, DER_SEQUENCE, &f) != DER_OK || der_expect(&f, DER_OID, &alg) != DER_OK ||
            der_expect(&f, DER_OCTET_STRING, &digest) != DER_OK || !der_reader_done(&f))
            return x509_fail("TcbInfo: malformed FWID");
        if (!der_oid_equals(&alg, OID_ARG(OID_SHA384))) continue;
        if (v->has_measurement) return x509_fail("TcbInfo: more than one SHA-384 FWID");
        if (digest.len != X509_MEASUREMENT_BYTES) return x509_fail("TcbInfo: SHA-384 FWID is not 48 bytes");
        memcpy(v->measurement, digest.val, X509_MEASUREMENT_BYTES);
        v->has_measurement = 1;
    }
    return 0;
}

/* Retag an IMPLICIT [n] primitive as its universal type so the DER decoders apply. */
static der_elem as_universal(const der_elem *e, unsigned tag)
{
    der_elem u = *e;
    u.tag = tag;
    return u;
}

int x509_tcbinfo_parse(const uint8_t *der, size_t len, x509_tcbinfo_view *v)
{
    der_reader r, s;
    der_elem e;
    memset(v, 0, sizeof *v);
    if (der_check_tree(der, len) != DER_OK) return x509_fail(der_error_reason());
    der_reader_init(&r, der, len);
    if (der_enter(&r, DER_SEQUENCE, &s) != DER_OK) return x509_fail("TcbInfo must be a SEQUENCE");
    int last = -1;
    while (der_read(&s, &e) == DER_OK) {
        int num = (int)(e.tag & 0x1F);
        if ((e.tag & 0xC0) != 0x80 || num <= last) return x509_fail("TcbInfo: fields out of order or not [n]");
        int constructed = (e.tag & 0x20) != 0;
        if (constructed != (num == 6)) return x509_fail("TcbInfo: wrong primitive/constructed form");
        last = num;
        der_elem u;
        uint32_t flags;
        uint64_t svn;
        switch (num) {
        case 0:
        case 1:
            if (!der_utf8_valid(e.val, e.len)) return x509_fail("TcbInfo: vendor/model is not UTF-8");
            if (num == 0)
                v->vendor = e.val, v->vendor_len = e.len;
            else
                v->model = e.val, v->model_len = e.len;
            break;
        case 3:
            u = as_universal(&e, DER_INTEGER);
            if (der_get_uint(&u, &svn) != DER_OK || svn > INT64_MAX) return x509_fail("TcbInfo: bad svn");
            v->has_svn = 1;
            v->svn = (int64_t)svn;
            break;
        case 6:
            if (parse_fwids(&e, v)) return -1;
            break;
        case 7:
            u = as_universal(&e, DER_BIT_STRING);
            if (der_get_bit_flags(&u, &flags) != DER_OK) return x509_fail("TcbInfo: bad flags");
            v->flags = flags;
            break;
        default: break; /* version, layer, index, vendorInfo, type, flagsMask and later fields: not used */
        }
    }
    if (!der_reader_done(&s) || !der_reader_done(&r)) return x509_fail("TcbInfo: trailing data");
    return 0;
}

const char *x509_tcb_flags_str(uint32_t flags, char *buf, size_t cap)
{
    static const char *const names[] = {
        "notConfigured",         "notSecure",          "recovery",     "debug",  "notReplayProtected",
        "notIntegrityProtected", "notRuntimeMeasured", "notImmutable", "notTcb", "fixedWidth"};
    size_t n = 0;
    if (!cap) return buf;
    buf[0] = 0;
    if (!flags) return snprintf(buf, cap, "none"), buf;
    for (unsigned i = 0; i < 32; i++) {
        if (!(flags & (UINT32_C(1) << i))) continue;
        int k = i < sizeof names / sizeof names[0] ? snprintf(buf + n, cap - n, "%s%s", n ? "," : "", names[i])
                                                   : snprintf(buf + n, cap - n, "%sbit%u", n ? "," : "", i);
        if (k < 0 || (size_t)k >= cap - n) break;
        n += (size_t)k;
    }
    return buf;
}

/* der_write.c: the DER writer: a growable buffer where constructed elements are opened with
 * der_begin and closed with der_end, which inserts the (minimal) length in front of the contents
 * and, for SET OF, sorts the children into DER order. Errors are sticky (w->err). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asn1/der.h"
#include "asn1/der_internal.h"

#define DER_MAX_OUTPUT ((size_t)1 << 30)

void der_writer_init(der_writer *w) { memset(w, 0, sizeof *w); }

void der_writer_free(der_writer *w)
{
    if (w->buf) {
        memset(w->buf, 0, w->cap);
        free(w->buf);
    }
    memset(w, 0, sizeof *w);
}

static int reserve(der_writer *w, size_t extra)
{
    if (w->err) return -1;
    if (extra > DER_MAX_OUTPUT || w->len + extra > DER_MAX_OUTPUT) {
        w->err = 1;
        return -1;
    }
    if (w->len + extra <= w->cap) return 0;
    size_t cap = w->cap ? w->cap : 256;
    while (cap < w->len + extra) cap *= 2;
    uint8_t *nb = malloc(cap);
    if (!nb) {
        w->err = 1;
        return -1;
    }
    if (w->buf) {
        memcpy(nb, w->buf, w->len);
        memset(w->buf, 0, w->cap); /* the old buffer may hold secrets */
        free(w->buf);
    }
    w->buf = nb;
    w->cap = cap;
    return 0;
}

static void append(der_writer *w, const uint8_t *p, size_t n)
{
    if (n == 0 || reserve(w, n)) return;
    memcpy(w->buf + w->len, p, n);
    w->len += n;
}

/* Only single-byte tags: the low five bits must not be 0x1F (the high-tag-number escape), and
 * 00 is the BER end-of-contents marker. */
static int tag_ok(der_writer *w, unsigned tag)
{
    if (tag == 0 || tag > 0xFF || (tag & 0x1F) == 0x1F) {
        w->err = 1;
        return 0;
    }
    return 1;
}

static size_t encode_length(size_t n, uint8_t out[9])
{
    if (n < 0x80) {
        out[0] = (uint8_t)n;
        return 1;
    }
    size_t k = 0;
    for (size_t t = n; t; t >>= 8) k++;
    out[0] = (uint8_t)(0x80 | k);
    for (size_t i = 0; i < k; i++) out[1 + i] = (uint8_t)(n >> (8 * (k - 1 - i)));
    return 1 + k;
}

void der_put_tlv(der_writer *w, unsigned tag, const uint8_t *val, size_t n)
{
    if (w->err || !tag_ok(w, tag)) return;
    if (n && !val) {
        w->err = 1;
        return;
    }
    uint8_t hdr[10];
    hdr[0] = (uint8_t)tag;
    size_t h = 1 + encode_length(n, hdr + 1);
    if (reserve(w, h + n)) return;
    append(w, hdr, h);
    append(w, val, n);
}

void der_put_raw(der_writer *w, const uint8_t *tlv, size_t n)
{
    if (n && !tlv) {
        w->err = 1;
        return;
    }
    append(w, tlv, n);
}

static void begin(der_writer *w, unsigned tag, int sorted)
{
    if (w->err || !tag_ok(w, tag)) return;
    if (w->depth >= DER_MAX_DEPTH || !(tag & 0x20)) {
        w->err = 1;
        return;
    }
    uint8_t t = (uint8_t)tag;
    append(w, &t, 1);
    if (w->err) return;
    w->open[w->depth] = w->len;
    w->sorted[w->depth] = (unsigned char)sorted;
    w->depth++;
}

void der_begin(der_writer *w, unsigned tag) { begin(w, tag, 0); }

void der_begin_set_of(der_writer *w) { begin(w, DER_SET, 1); }

typedef struct {
    const uint8_t *p;
    size_t n;
} span;

int der_set_order_cmp(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
    size_t m = an < bn ? an : bn;
    int c = memcmp(a, b, m);
    if (c) return c;
    return (an > bn) - (an < bn);
}

static int cmp_span(const void *a, const void *b)
{
    const span *x = a, *y = b;
    return der_set_order_cmp(x->p, x->n, y->p, y->n);
}

static void sort_children(der_writer *w, size_t start)
{
    uint8_t *content = w->buf + start;
    size_t clen = w->len - start, count = 0;
    der_reader r;
    der_elem e;
    der_reader_init(&r, content, clen);
    while (der_read(&r, &e) == DER_OK) count++;
    if (!der_reader_done(&r)) {
        w->err = 1;
        return;
    }
    if (count < 2) return;
    span *items = calloc(count, sizeof *items);
    uint8_t *tmp = malloc(clen);
    if (!items || !tmp) {
        free(items);
        free(tmp);
        w->err = 1;
        return;
    }
    der_reader_init(&r, content, clen);
    for (size_t i = 0; i < count && der_read(&r, &e) == DER_OK; i++) items[i] = (span){e.tlv, e.tlvlen};
    qsort(items, count, sizeof *items, cmp_span);
    size_t off = 0;
    for (size_t i = 0; i < count; i++) {
        memcpy(tmp + off, items[i].p, items[i].n);
        off += items[i].n;
    }
    memcpy(content, tmp, clen);
    memset(tmp, 0, clen);
    free(tmp);
    free(items);
}

void der_end(der_writer *w)
{
    if (w->err) return;
    if (w->depth <= 0) {
        w->err = 1;
        return;
    }
    w->depth--;
    size_t start = w->open[w->depth];
    if (w->sorted[w->depth]) {
        sort_children(w, start);
        if (w->err) return;
    }
    size_t clen = w->len - start;
    uint8_t lenbuf[9];
    size_t l = encode_length(clen, lenbuf);
    if (reserve(w, l)) return;
    memmove(w->buf + start + l, w->buf + start, clen);
    memcpy(w->buf + start, lenbuf, l);
    w->len += l;
}

void der_put_bool(der_writer *w, int v)
{
    uint8_t b = v ? 0xFF : 0x00;
    der_put_tlv(w, DER_BOOLEAN, &b, 1);
}

void der_put_null(der_writer *w) { der_put_tlv(w, DER_NULL, NULL, 0); }

void der_put_uint_bytes(der_writer *w, const uint8_t *be, size_t n)
{
    if (n && !be) {
        w->err = 1;
        return;
    }
    while (n > 0 && be[0] == 0) {
        be++;
        n--;
    }
    if (n == 0) {
        uint8_t z = 0;
        der_put_tlv(w, DER_INTEGER, &z, 1);
        return;
    }
    if (!(be[0] & 0x80)) {
        der_put_tlv(w, DER_INTEGER, be, n);
        return;
    }
    /* High bit set: prefix 00 so the value stays non-negative. */
    uint8_t hdr[10];
    hdr[0] = DER_INTEGER;
    size_t h = 1 + encode_length(n + 1, hdr + 1);
    hdr[h++] = 0x00;
    if (reserve(w, h + n)) return;
    append(w, hdr, h);
    append(w, be, n);
}

void der_put_uint(der_writer *w, uint64_t v)
{
    uint8_t be[8];
    for (int i = 0; i < 8; i++) be[i] = (uint8_t)(v >> (8 * (7 - i)));
    der_put_uint_bytes(w, be, sizeof be);
}

void der_put_oid(der_writer *w, const uint8_t *oid_val, size_t n)
{
    if (!der_oid_valid(oid_val, n)) {
        w->err = 1;
        return;
    }
    der_put_tlv(w, DER_OID, oid_val, n);
}

void der_put_octets(der_writer *w, const uint8_t *p, size_t n) { der_put_tlv(w, DER_OCTET_STRING, p, n); }

void der_put_bits(der_writer *w, const uint8_t *p, size_t n)
{
    if ((n && !p) || n >= DER_MAX_OUTPUT) {
        w->err = 1;
        return;
    }
    uint8_t hdr[11];
    hdr[0] = DER_BIT_STRING;
    size_t h = 1 + encode_length(n + 1, hdr + 1);
    hdr[h++] = 0x00; /* unused bits */
    if (reserve(w, h + n)) return;
    append(w, hdr, h);
    append(w, p, n);
}

void der_put_bit_flags(der_writer *w, uint32_t flags)
{
    /* Named bit list (X.690 11.2.2): bit i is bit (7 - i % 8) of byte i / 8; trailing zero bits
     * are removed, so the encoding ends at the highest set bit. */
    uint8_t v[5] = {0};
    int top = -1;
    for (int i = 0; i < 32; i++)
        if (flags & (UINT32_C(1) << i)) {
            v[1 + i / 8] |= (uint8_t)(0x80u >> (i % 8));
            top = i;
        }
    if (top < 0) {
        der_put_tlv(w, DER_BIT_STRING, v, 1);
        return;
    }
    size_t nbytes = (size_t)top / 8 + 1;
    v[0] = (uint8_t)(7 - top % 8);
    der_put_tlv(w, DER_BIT_STRING, v, 1 + nbytes);
}

static void put_string(der_writer *w, unsigned tag, const char *s)
{
    if (!s) {
        w->err = 1;
        return;
    }
    der_put_tlv(w, tag, (const uint8_t *)s, strlen(s));
}

void der_put_utf8(der_writer *w, const char *s)
{
    if (s && !der_utf8_valid((const uint8_t *)s, strlen(s))) {
        w->err = 1;
        return;
    }
    put_string(w, DER_UTF8_STRING, s);
}

void der_put_printable(der_writer *w, const char *s)
{
    if (s && !der_printable_valid((const uint8_t *)s, strlen(s))) {
        w->err = 1;
        return;
    }
    put_string(w, DER_PRINTABLE_STRING, s);
}

void der_put_ia5(der_writer *w, const char *s)
{
    if (s && !der_ia5_valid((const uint8_t *)s, strlen(s))) {
        w->err = 1;
        return;
    }
    put_string(w, DER_IA5_STRING, s);
}

static void put_time(der_writer *w, unsigned tag, time_t secs, unsigned millis, int utc)
{
    der_civil_time ct;
    if (w->err) return;
    if (millis > 999 || der_civil_from_secs(secs, &ct)) {
        w->err = 1;
        return;
    }
    char s[32];
    int n;
    if (utc)
        n = snprintf(s, sizeof s, "%02d%02d%02d%02d%02d%02dZ", ct.year % 100, ct.month, ct.day, ct.hour, ct.minute,
                     ct.second);
    else
        n = snprintf(s, sizeof s, "%04d%02d%02d%02d%02d%02d", ct.year, ct.month, ct.day, ct.hour, ct.minute, ct.second);
    if (!utc) {
        if (millis) {
            char frac[8];
            snprintf(frac, sizeof frac, ".%03u", millis);
            size_t fl = strlen(frac);
            while (frac[fl - 1] == '0') frac[--fl] = '\0'; /* no trailing zeros (X.690 11.7.3) */
            memcpy(s + n, frac, fl);
            n += (int)fl;
        }
        s[n++] = 'Z';
        s[n] = '\0';
    }
    der_put_tlv(w, tag, (const uint8_t *)s, (size_t)n);
}

void der_put_gentime(der_writer *w, time_t secs, unsigned millis)
{
    put_time(w, DER_GENERALIZED_TIME, secs, millis, 0);
}

void der_put_x509_time(der_writer *w, time_t secs)
{
    der_civil_time ct;
    if (w->err) return;
    if (der_civil_from_secs(secs, &ct)) {
        w->err = 1;
        return;
    }
    if (ct.year >= 1950 && ct.year <= 2049)
        put_time(w, DER_UTC_TIME, secs, 0, 1);
    else
        put_time(w, DER_GENERALIZED_TIME, secs, 0, 0);
}

int der_writer_finish(der_writer *w, uint8_t **out, size_t *outlen)
{
    if (w->err || w->depth != 0) {
        der_writer_free(w);
        return -1;
    }
    if (!w->buf && reserve(w, 1)) {
        der_writer_free(w);
        return -1;
    }
    *out = w->buf;
    *outlen = w->len;
    w->buf = NULL;
    der_writer_free(w);
    return 0;
}

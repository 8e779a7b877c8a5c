/* der.h: strict DER (X.690) writer and reader shared by the X.509, CMS and RFC 3161 code.
 * Owned here: tag constants, the growable writer with nested constructed elements, SET OF
 * sorting, and a reader that rejects every non-DER encoding (indefinite or non-minimal lengths,
 * non-minimal integers, BOOLEAN other than 00/FF, trailing bytes, lengths past the input, and
 * OBJECT IDENTIFIERs with non-minimal subidentifiers: der_read refuses those for every caller).
 * Only single-byte tags (tag numbers 0..30) are supported; anything else is a parse error. */
#ifndef CCTSA_ASN1_DER_H
#define CCTSA_ASN1_DER_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/base.h"

enum {
    DER_BOOLEAN = 0x01,
    DER_INTEGER = 0x02,
    DER_BIT_STRING = 0x03,
    DER_OCTET_STRING = 0x04,
    DER_NULL = 0x05,
    DER_OID = 0x06,
    DER_ENUMERATED = 0x0A,
    DER_UTF8_STRING = 0x0C,
    DER_PRINTABLE_STRING = 0x13,
    DER_IA5_STRING = 0x16,
    DER_UTC_TIME = 0x17,
    DER_GENERALIZED_TIME = 0x18,
    DER_SEQUENCE = 0x30,
    DER_SET = 0x31
};
#define DER_CTX(n) (0xA0u | (unsigned)(n))      /* [n] constructed (EXPLICIT or IMPLICIT constructed) */
#define DER_CTX_PRIM(n) (0x80u | (unsigned)(n)) /* [n] IMPLICIT primitive */

#define DER_MAX_DEPTH 24

/* ---------------- writer ---------------- */
typedef struct {
    uint8_t *buf;
    size_t len, cap;
    size_t open[DER_MAX_DEPTH]; /* content start offsets of open constructed elements */
    unsigned char sorted[DER_MAX_DEPTH];
    int depth;
    int err; /* sticky: set on allocation failure or misuse; checked by der_writer_finish */
} der_writer;

void der_writer_init(der_writer *w);
void der_writer_free(der_writer *w); /* also wipes the buffer */
/* Open a constructed element (SEQUENCE, SET, [n] ...); close it with der_end. */
void der_begin(der_writer *w, unsigned tag);
/* Open a SET OF whose elements der_end sorts into DER order (X.690 11.6). */
void der_begin_set_of(der_writer *w);
void der_end(der_writer *w);
void der_put_raw(der_writer *w, const uint8_t *tlv, size_t n); /* already-encoded element(s) */
void der_put_tlv(der_writer *w, unsigned tag, const uint8_t *val, size_t n);
void der_put_bool(der_writer *w, int v);
void der_put_null(der_writer *w);
void der_put_uint(der_writer *w, uint64_t v); /* INTEGER, non-negative */
/* INTEGER from an unsigned big-endian magnitude (leading zeros stripped, 00 added if high bit). */
void der_put_uint_bytes(der_writer *w, const uint8_t *be, size_t n);
void der_put_oid(der_writer *w, const uint8_t *oid_val, size_t n); /* OID contents bytes */
void der_put_octets(der_writer *w, const uint8_t *p, size_t n);
void der_put_bits(der_writer *w, const uint8_t *p, size_t n); /* BIT STRING, 0 unused bits */
void der_put_utf8(der_writer *w, const char *s);
void der_put_printable(der_writer *w, const char *s);
/* GeneralizedTime YYYYMMDDHHMMSS[.fff]Z with trailing fractional zeros removed (RFC 3161 2.4.2). */
void der_put_gentime(der_writer *w, time_t secs, unsigned millis);
/* UTCTime for years 1950..2049, GeneralizedTime otherwise (RFC 5280 4.1.2.5). */
void der_put_x509_time(der_writer *w, time_t secs);
/* Additions (not in the first API draft). */
void der_put_ia5(der_writer *w, const char *s); /* IA5String (ASCII) */
/* BIT STRING as a named bit list (X.690 11.2.2, e.g. KeyUsage): flag bit i = named bit i;
 * trailing zero bits are dropped as DER requires. */
void der_put_bit_flags(der_writer *w, uint32_t flags);
/* Hand over the encoding (caller frees); -1 if any error occurred or elements are still open.
 * Either way the writer is released afterwards (calling der_writer_free again is harmless). */
CC_MUST_CHECK int der_writer_finish(der_writer *w, uint8_t **out, size_t *outlen);

/* ---------------- reader ---------------- */
typedef struct {
    const uint8_t *p; /* remaining input */
    size_t len;
} der_reader;

typedef struct {
    unsigned tag;
    const uint8_t *val; /* contents */
    size_t len;
    const uint8_t *tlv; /* whole element, tag included */
    size_t tlvlen;
} der_elem;

enum {
    DER_OK = 0,
    DER_ERR = -1,
    DER_EOF = -2
};

void der_reader_init(der_reader *r, const uint8_t *p, size_t len);
CC_MUST_CHECK int der_reader_done(const der_reader *r);                 /* 1 if nothing remains */
CC_MUST_CHECK int der_peek_tag(const der_reader *r);                    /* next tag, or -1 at end */
CC_MUST_CHECK int der_read(der_reader *r, der_elem *e);                 /* DER_OK, DER_EOF at end, DER_ERR */
CC_MUST_CHECK int der_expect(der_reader *r, unsigned tag, der_elem *e); /* DER_ERR unless next tag matches */
/* Optional element: DER_OK if present (and read), DER_EOF if the next tag differs or input ended. */
CC_MUST_CHECK int der_optional(der_reader *r, unsigned tag, der_elem *e);
/* Enter a constructed element: a reader over its contents. */
CC_MUST_CHECK int der_enter(der_reader *r, unsigned tag, der_reader *inner);

/* Contents decoders (strict DER), each on an element already read. */
CC_MUST_CHECK int der_get_bool(const der_elem *e, int *v);
CC_MUST_CHECK int der_get_uint(const der_elem *e, uint64_t *v); /* non-negative, fits in 64 bits */
/* Non-negative INTEGER magnitude: *mag points into the input, leading 00 removed (zero gives the
 * single octet 00). */
CC_MUST_CHECK int der_get_uint_bytes(const der_elem *e, const uint8_t **mag, size_t *n);
CC_MUST_CHECK int der_get_bits(const der_elem *e, const uint8_t **p, size_t *n); /* BIT STRING, 0 unused bits */
CC_MUST_CHECK int der_oid_equals(const der_elem *e, const uint8_t *oid_val, size_t n);
CC_MUST_CHECK int der_get_gentime(const der_elem *e, time_t *secs, unsigned *millis);
CC_MUST_CHECK int der_get_x509_time(const der_elem *e, time_t *secs); /* UTCTime or GeneralizedTime */

/* Additions (not in the first API draft). */
/* Why the last reader/decoder call on this thread returned DER_ERR (static string). */
const char *der_error_reason(void);
/* Validate a whole encoding: exactly one element, no trailing bytes, constructed contents parse
 * completely up to DER_MAX_DEPTH levels, universal primitive types follow their DER rules. */
CC_MUST_CHECK int der_check_tree(const uint8_t *p, size_t len);
CC_MUST_CHECK int der_get_int(const der_elem *e, int64_t *v); /* signed INTEGER that fits in 64 bits */
/* Any DER BIT STRING: unused bits 0..7, zero when empty, and the unused bits themselves zero. */
CC_MUST_CHECK int der_get_bitstring(const der_elem *e, const uint8_t **p, size_t *n, unsigned *unused);
/* Named bit list (at most 32 bits, no trailing zero bits) into flags, bit i = named bit i. */
CC_MUST_CHECK int der_get_bit_flags(const der_elem *e, uint32_t *flags);
/* Character-set checks: 1 if valid. UTF-8 must be well-formed (shortest form, no NUL). */
CC_MUST_CHECK int der_utf8_valid(const uint8_t *s, size_t n);
CC_MUST_CHECK int der_printable_valid(const uint8_t *s, size_t n);
CC_MUST_CHECK int der_ia5_valid(const uint8_t *s, size_t n);
/* OID contents: 1 if non-empty, minimal subidentifiers (no leading 0x80), each at most
 * DER_OID_MAX_ARC_BYTES base-128 digits (161 bits: room for 2.25.<128-bit UUID> arcs). */
#define DER_OID_MAX_ARC_BYTES 23
CC_MUST_CHECK int der_oid_valid(const uint8_t *oid_val, size_t n);
/* X.690 11.6 SET OF order: compare two encodings as octet strings, the shorter one padded with
 * trailing zeros (<0, 0, >0). der_set_of_sorted: 1 if the SET OF contents p (a run of elements)
 * are in that order, 0 if not or if they do not parse. */
CC_MUST_CHECK int der_set_order_cmp(const uint8_t *a, size_t an, const uint8_t *b, size_t bn);
CC_MUST_CHECK int der_set_of_sorted(const uint8_t *p, size_t len);
/* OID contents as dotted decimal ("1.2.840.10045.4.3.3"); -1 if malformed or cap too small. */
CC_MUST_CHECK int der_oid_to_string(const uint8_t *oid_val, size_t n, char *out, size_t cap);

#endif

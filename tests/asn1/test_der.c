/* test_der.c: the strict DER writer and reader: known encodings, round trips, and every
 * rejection rule (indefinite/non-minimal/long-form lengths, truncation, trailing data, INTEGER
 * minimality and sign, BOOLEAN, BIT STRING unused bits, nesting depth, time strictness, strings). */
#include <stdlib.h>
#include <string.h>

#include "asn1/der.h"
#include "asn1/oids.h"
#include "check.h"

#define BYTES(...) ((const uint8_t[]){__VA_ARGS__}), sizeof((const uint8_t[]){__VA_ARGS__})

/* Finish w and compare with the expected bytes. */
static int finish_equals(der_writer *w, const uint8_t *want, size_t n)
{
    uint8_t *out;
    size_t len;
    if (der_writer_finish(w, &out, &len)) return 0;
    int ok = len == n && memcmp(out, want, n) == 0;
    free(out);
    return ok;
}

/* Read exactly one element from a copy of buf (kept until the next call, because BYTES() compound
 * literals die with their statement); returns der_read's code (DER_ERR also for trailing data). */
static int read_one(const uint8_t *buf, size_t n, der_elem *e)
{
    static uint8_t copy[256];
    der_reader r;
    if (n > sizeof copy) return DER_ERR;
    memcpy(copy, buf, n);
    der_reader_init(&r, copy, n);
    int rc = der_read(&r, e);
    if (rc == DER_OK && !der_reader_done(&r)) return DER_ERR;
    return rc;
}

static void test_known_encodings(void)
{
    der_writer w;
    der_writer_init(&w);
    der_begin(&w, DER_SEQUENCE);
    der_put_uint(&w, 0x80);
    der_put_oid(&w, OID_ARG(OID_SHA384));
    der_put_bool(&w, 1);
    der_put_null(&w);
    der_end(&w);
    CHECK(finish_equals(&w, BYTES(0x30, 0x14, 0x02, 0x02, 0x00, 0x80, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03,
                                  0x04, 0x02, 0x02, 0x01, 0x01, 0xFF, 0x05, 0x00)));

    der_writer_init(&w);
    der_put_uint(&w, 0);
    der_put_uint(&w, 127);
    der_put_uint(&w, 256);
    der_put_uint(&w, UINT64_MAX);
    CHECK(finish_equals(&w, BYTES(0x02, 0x01, 0x00, 0x02, 0x01, 0x7F, 0x02, 0x02, 0x01, 0x00, 0x02, 0x09, 0x00, 0xFF,
                                  0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF)));

    der_writer_init(&w);
    der_put_uint_bytes(&w, BYTES(0x00, 0x00, 0x81, 0x02));
    der_put_uint_bytes(&w, BYTES(0x00, 0x00));
    der_put_uint_bytes(&w, BYTES(0x00, 0x7F));
    CHECK(finish_equals(&w, BYTES(0x02, 0x03, 0x00, 0x81, 0x02, 0x02, 0x01, 0x00, 0x02, 0x01, 0x7F)));

    /* KeyUsage named bits: digitalSignature alone; keyCertSign|cRLSign; none. */
    der_writer_init(&w);
    der_put_bit_flags(&w, 1u << 0);
    der_put_bit_flags(&w, (1u << 5) | (1u << 6));
    der_put_bit_flags(&w, 0);
    der_put_bit_flags(&w, 1u << 8);
    CHECK(finish_equals(
        &w, BYTES(0x03, 0x02, 0x07, 0x80, 0x03, 0x02, 0x01, 0x06, 0x03, 0x01, 0x00, 0x03, 0x03, 0x07, 0x00, 0x80)));

    der_writer_init(&w);
    der_put_bits(&w, BYTES(0xAB));
    der_put_octets(&w, NULL, 0);
    der_put_printable(&w, "A b");
    der_put_utf8(&w, "\xC3\xA9");
    der_put_ia5(&w, "x@y");
    der_put_tlv(&w, DER_CTX_PRIM(2), BYTES(0x01));
    CHECK(finish_equals(&w, BYTES(0x03, 0x02, 0x00, 0xAB, 0x04, 0x00, 0x13, 0x03, 'A', ' ', 'b', 0x0C, 0x02, 0xC3, 0xA9,
                                  0x16, 0x03, 'x', '@', 'y', 0x82, 0x01, 0x01)));
}

/* Total size of an element with n content octets (minimal definite length). */
static size_t tlv_len(size_t n) { return 2 + n + (n < 128 ? 0 : n < 256 ? 1 : n < 65536 ? 2 : 3); }

static void test_lengths(void)
{
    static const size_t sizes[] = {0, 1, 127, 128, 255, 256, 65535, 65536, 70000};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        size_t n = sizes[i];
        uint8_t *data = malloc(n + 1);
        memset(data, 0x5A, n);
        der_writer w;
        der_writer_init(&w);
        der_begin(&w, DER_SEQUENCE);
        der_begin(&w, DER_CTX(0));
        der_put_octets(&w, data, n);
        der_end(&w);
        der_end(&w);
        uint8_t *out;
        size_t len;
        CHECK(der_writer_finish(&w, &out, &len) == 0);
        size_t hl = tlv_len(0) + (n < 128 ? 0 : n < 256 ? 1 : n < 65536 ? 2 : 3);
        size_t inner = hl + n, ctx = tlv_len(inner);
        CHECK_MSG(out[0] == 0x30 && len == tlv_len(ctx), "size %zu: got %zu bytes", n, len);
        der_reader r, a, b;
        der_elem e;
        der_reader_init(&r, out, len);
        CHECK(der_enter(&r, DER_SEQUENCE, &a) == DER_OK && der_reader_done(&r));
        CHECK(der_enter(&a, DER_CTX(0), &b) == DER_OK && der_reader_done(&a));
        CHECK(der_expect(&b, DER_OCTET_STRING, &e) == DER_OK && e.len == n && e.tlvlen == hl + n);
        CHECK(n == 0 || memcmp(e.val, data, n) == 0);
        CHECK(der_check_tree(out, len) == DER_OK);
        free(out);
        free(data);
    }
    der_elem e;
    CHECK(read_one(BYTES(0x04, 0x81, 0x80), &e) == DER_ERR); /* truncated, otherwise valid */
    uint8_t big[3 + 128] = {0x04, 0x81, 0x80};
    CHECK(sizeof big <= 256);
    CHECK(read_one(big, sizeof big, &e) == DER_OK && e.len == 128);
}

static void test_framing_rejections(void)
{
    der_elem e;
    CHECK(read_one(BYTES(0x30, 0x80, 0x00, 0x00), &e) == DER_ERR);                   /* indefinite */
    CHECK(read_one(BYTES(0x04, 0x81, 0x05, 1, 2, 3, 4, 5), &e) == DER_ERR);          /* long form < 128 */
    CHECK(read_one(BYTES(0x04, 0x82, 0x00, 0x05, 1, 2, 3, 4, 5), &e) == DER_ERR);    /* leading 00 */
    CHECK(read_one(BYTES(0x04, 0x85, 0x01, 0x00, 0x00, 0x00, 0x00), &e) == DER_ERR); /* 5 length octets */
    CHECK(read_one(BYTES(0x04, 0x05, 1, 2), &e) == DER_ERR);                         /* contents truncated */
    CHECK(read_one(BYTES(0x04), &e) == DER_ERR);                                     /* no length */
    CHECK(read_one(BYTES(0x04, 0x82, 0x01), &e) == DER_ERR);                         /* length truncated */
    CHECK(read_one(BYTES(0x1F, 0x21, 0x00), &e) == DER_ERR);                         /* high tag number */
    CHECK(read_one(BYTES(0x04, 0x84, 0xFF, 0xFF, 0xFF, 0xFF), &e) == DER_ERR);       /* huge length */
    CHECK(strlen(der_error_reason()) > 0);

    /* The reader does not advance on error; der_optional leaves the input alone when absent. */
    der_reader r;
    const uint8_t bad[] = {0x02, 0x05, 0x01};
    der_reader_init(&r, bad, sizeof bad);
    CHECK(der_read(&r, &e) == DER_ERR && r.len == sizeof bad && der_peek_tag(&r) == 0x02);
    const uint8_t two[] = {0x02, 0x01, 0x05, 0x04, 0x00};
    der_reader_init(&r, two, sizeof two);
    CHECK(der_optional(&r, DER_CTX(0), &e) == DER_EOF && r.len == sizeof two);
    CHECK(der_expect(&r, DER_OCTET_STRING, &e) == DER_ERR && r.len == sizeof two);
    CHECK(der_optional(&r, DER_INTEGER, &e) == DER_OK && e.len == 1 && e.val[0] == 5);
    CHECK(der_expect(&r, DER_OCTET_STRING, &e) == DER_OK && der_reader_done(&r));
    CHECK(der_read(&r, &e) == DER_EOF && der_peek_tag(&r) == -1);
    CHECK(der_expect(&r, DER_OCTET_STRING, &e) == DER_ERR);
    CHECK(der_optional(&r, DER_OCTET_STRING, &e) == DER_EOF);

    /* Whole-tree validation: trailing data, empty input, inner garbage. */
    CHECK(der_check_tree(BYTES(0x02, 0x01, 0x00, 0x00)) == DER_ERR);
    CHECK(der_check_tree(NULL, 0) == DER_ERR);
    CHECK(der_check_tree(BYTES(0x30, 0x03, 0x02, 0x01, 0x00)) == DER_OK);
    CHECK(der_check_tree(BYTES(0x30, 0x04, 0x02, 0x01, 0x00, 0x00)) == DER_ERR); /* stray octet inside */
    CHECK(der_check_tree(BYTES(0x30, 0x04, 0x02, 0x02, 0x00, 0x01)) == DER_ERR); /* non-minimal INTEGER */
    CHECK(der_check_tree(BYTES(0x30, 0x03, 0x01, 0x01, 0x01)) == DER_ERR);       /* BOOLEAN 01 */
    CHECK(der_check_tree(BYTES(0x30, 0x02, 0x05, 0x00)) == DER_OK);
    CHECK(der_check_tree(BYTES(0x30, 0x03, 0x05, 0x01, 0x00)) == DER_ERR);       /* NULL with contents */
    CHECK(der_check_tree(BYTES(0x30, 0x04, 0x06, 0x02, 0x80, 0x01)) == DER_ERR); /* OID non-minimal */
    CHECK(der_check_tree(BYTES(0x30, 0x04, 0x03, 0x02, 0x01, 0x01)) == DER_ERR); /* BIT STRING pad bit */
    CHECK(der_check_tree(BYTES(0x30, 0x04, 0x13, 0x02, 'a', '@')) == DER_ERR);   /* PrintableString */
    CHECK(der_check_tree(BYTES(0x30, 0x04, 0x0C, 0x02, 0xC0, 0x80)) == DER_ERR); /* overlong UTF-8 */
    CHECK(der_check_tree(BYTES(0x24, 0x03, 0x04, 0x01, 0x00)) == DER_ERR);       /* constructed OCTET STRING */
    CHECK(der_check_tree(BYTES(0x23, 0x04, 0x03, 0x02, 0x00, 0x01)) == DER_ERR); /* constructed BIT STRING */
    CHECK(der_check_tree(BYTES(0x10, 0x00)) == DER_ERR);                         /* primitive SEQUENCE */
    CHECK(der_check_tree(BYTES(0x30, 0x02, 0x00, 0x00)) == DER_ERR);             /* end-of-contents */
    CHECK(der_check_tree(BYTES(0xA0, 0x03, 0x04, 0x01, 0x00)) == DER_OK);        /* [0] constructed */
    CHECK(der_check_tree(BYTES(0x80, 0x01, 0x00)) == DER_OK);                    /* [0] primitive */
}

static void test_depth(void)
{
    uint8_t buf[2 * 40 + 2];
    for (int depth = 1; depth <= 40; depth++) {
        /* depth nested SEQUENCEs around a NULL */
        for (int i = 0; i < depth; i++) {
            buf[2 * i] = 0x30;
            buf[2 * i + 1] = (uint8_t)(2 * (depth - i - 1) + 2);
        }
        buf[2 * depth] = 0x05;
        buf[2 * depth + 1] = 0x00;
        int rc = der_check_tree(buf, 2 * (size_t)depth + 2);
        CHECK_MSG(rc == (depth < DER_MAX_DEPTH ? DER_OK : DER_ERR), "depth %d rc %d", depth, rc);
    }
    der_writer w;
    der_writer_init(&w);
    for (int i = 0; i < DER_MAX_DEPTH + 1; i++) der_begin(&w, DER_SEQUENCE);
    for (int i = 0; i < DER_MAX_DEPTH + 1; i++) der_end(&w);
    uint8_t *out;
    size_t n;
    CHECK(der_writer_finish(&w, &out, &n) == -1);
}

static void test_integer_rules(void)
{
    der_elem e;
    uint64_t u;
    int64_t s;
    const uint8_t *m;
    size_t n;
    CHECK(read_one(BYTES(0x02, 0x02, 0x00, 0x01), &e) == DER_OK && der_get_uint(&e, &u) == DER_ERR);
    CHECK(read_one(BYTES(0x02, 0x02, 0xFF, 0x80), &e) == DER_OK && der_get_int(&e, &s) == DER_ERR);
    CHECK(read_one(BYTES(0x02, 0x00), &e) == DER_OK && der_get_uint(&e, &u) == DER_ERR);
    CHECK(read_one(BYTES(0x02, 0x01, 0x80), &e) == DER_OK && der_get_uint(&e, &u) == DER_ERR);
    CHECK(der_get_uint_bytes(&e, &m, &n) == DER_ERR);
    CHECK(der_get_int(&e, &s) == DER_OK && s == -128);
    CHECK(read_one(BYTES(0x02, 0x02, 0xFF, 0x7F), &e) == DER_OK && der_get_int(&e, &s) == DER_OK && s == -129);
    CHECK(read_one(BYTES(0x02, 0x02, 0x00, 0x80), &e) == DER_OK && der_get_uint(&e, &u) == DER_OK && u == 128);
    CHECK(der_get_uint_bytes(&e, &m, &n) == DER_OK && n == 1 && m[0] == 0x80);
    CHECK(read_one(BYTES(0x02, 0x01, 0x00), &e) == DER_OK && der_get_uint_bytes(&e, &m, &n) == DER_OK && n == 1 &&
          m[0] == 0);
    CHECK(read_one(BYTES(0x02, 0x09, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF), &e) == DER_OK &&
          der_get_uint(&e, &u) == DER_OK && u == UINT64_MAX);
    CHECK(read_one(BYTES(0x02, 0x09, 0x01, 0, 0, 0, 0, 0, 0, 0, 0), &e) == DER_OK && der_get_uint(&e, &u) == DER_ERR);
    CHECK(der_get_uint_bytes(&e, &m, &n) == DER_OK && n == 9);
    CHECK(der_get_int(&e, &s) == DER_ERR);
    CHECK(read_one(BYTES(0x22, 0x01, 0x00), &e) == DER_OK && der_get_uint(&e, &u) == DER_ERR); /* constructed */
    /* Round trip of values around byte boundaries. */
    for (int bit = 0; bit < 64; bit++) {
        uint64_t vals[3] = {(uint64_t)1 << bit, ((uint64_t)1 << bit) - 1, ((uint64_t)1 << bit) + 1};
        for (int k = 0; k < 3; k++) {
            der_writer w;
            uint8_t *out;
            size_t len;
            der_writer_init(&w);
            der_put_uint(&w, vals[k]);
            CHECK(der_writer_finish(&w, &out, &len) == 0);
            CHECK(read_one(out, len, &e) == DER_OK && der_get_uint(&e, &u) == DER_OK && u == vals[k]);
            CHECK(der_check_tree(out, len) == DER_OK);
            free(out);
        }
    }
}

static void test_bool_bits(void)
{
    der_elem e;
    int b;
    const uint8_t *p;
    size_t n;
    unsigned unused;
    uint32_t f;
    CHECK(read_one(BYTES(0x01, 0x01, 0x00), &e) == DER_OK && der_get_bool(&e, &b) == DER_OK && b == 0);
    CHECK(read_one(BYTES(0x01, 0x01, 0xFF), &e) == DER_OK && der_get_bool(&e, &b) == DER_OK && b == 1);
    CHECK(read_one(BYTES(0x01, 0x01, 0x01), &e) == DER_OK && der_get_bool(&e, &b) == DER_ERR);
    CHECK(read_one(BYTES(0x01, 0x02, 0xFF, 0xFF), &e) == DER_OK && der_get_bool(&e, &b) == DER_ERR);
    CHECK(read_one(BYTES(0x01, 0x00), &e) == DER_OK && der_get_bool(&e, &b) == DER_ERR);

    CHECK(read_one(BYTES(0x03, 0x00), &e) == DER_OK && der_get_bitstring(&e, &p, &n, &unused) == DER_ERR);
    CHECK(read_one(BYTES(0x03, 0x01, 0x00), &e) == DER_OK && der_get_bits(&e, &p, &n) == DER_OK && n == 0);
    CHECK(read_one(BYTES(0x03, 0x01, 0x01), &e) == DER_OK && der_get_bitstring(&e, &p, &n, &unused) == DER_ERR);
    CHECK(read_one(BYTES(0x03, 0x02, 0x08, 0x00), &e) == DER_OK && der_get_bitstring(&e, &p, &n, &unused) == DER_ERR);
    CHECK(read_one(BYTES(0x03, 0x02, 0x01, 0x01), &e) == DER_OK && der_get_bitstring(&e, &p, &n, &unused) == DER_ERR);
    CHECK(read_one(BYTES(0x03, 0x02, 0x01, 0x80), &e) == DER_OK && der_get_bits(&e, &p, &n) == DER_ERR);
    CHECK(der_get_bitstring(&e, &p, &n, &unused) == DER_OK && unused == 1 && n == 1 && p[0] == 0x80);
    CHECK(der_get_bit_flags(&e, &f) == DER_ERR); /* named bits: trailing zero bit 6 */
    CHECK(read_one(BYTES(0x03, 0x02, 0x07, 0x80), &e) == DER_OK && der_get_bit_flags(&e, &f) == DER_OK && f == 1);
    CHECK(read_one(BYTES(0x03, 0x02, 0x00, 0x80), &e) == DER_OK && der_get_bit_flags(&e, &f) == DER_ERR);
    CHECK(read_one(BYTES(0x03, 0x03, 0x07, 0x80, 0x00), &e) == DER_OK && der_get_bit_flags(&e, &f) == DER_ERR);
    CHECK(read_one(BYTES(0x03, 0x01, 0x00), &e) == DER_OK && der_get_bit_flags(&e, &f) == DER_OK && f == 0);
    for (int i = 0; i < 32; i++) {
        uint32_t want = (UINT32_C(1) << i) | (i > 3 ? 5u : 0u);
        der_writer w;
        uint8_t *out;
        size_t len;
        der_writer_init(&w);
        der_put_bit_flags(&w, want);
        CHECK(der_writer_finish(&w, &out, &len) == 0);
        CHECK(read_one(out, len, &e) == DER_OK && der_get_bit_flags(&e, &f) == DER_OK && f == want);
        free(out);
    }
}

static void test_strings_oids(void)
{
    der_writer w;
    uint8_t *out;
    size_t n;
    der_writer_init(&w);
    der_put_printable(&w, "user@example");
    CHECK(der_writer_finish(&w, &out, &n) == -1);
    der_writer_init(&w);
    der_put_utf8(&w, "\xE0\x80\x80"); /* overlong */
    CHECK(der_writer_finish(&w, &out, &n) == -1);
    der_writer_init(&w);
    der_put_ia5(&w, "\xC3\xA9");
    CHECK(der_writer_finish(&w, &out, &n) == -1);
    CHECK(der_utf8_valid(BYTES(0xF0, 0x9F, 0x98, 0x80)));
    CHECK(!der_utf8_valid(BYTES(0xED, 0xA0, 0x80)));       /* surrogate */
    CHECK(!der_utf8_valid(BYTES(0xF4, 0x90, 0x80, 0x80))); /* > U+10FFFF */
    CHECK(!der_utf8_valid(BYTES(0xE2, 0x82)));             /* truncated */

    CHECK(der_oid_valid(BYTES(0x2A)));
    CHECK(!der_oid_valid(BYTES(0x80, 0x01)));
    CHECK(!der_oid_valid(BYTES(0x2A, 0x86)));
    CHECK(!der_oid_valid(NULL, 0));
    { /* arcs up to DER_OID_MAX_ARC_BYTES base-128 digits, not one more */
        uint8_t arc[DER_OID_MAX_ARC_BYTES + 2];
        memset(arc, 0x81, sizeof arc);
        arc[0] = 0x2A;
        arc[DER_OID_MAX_ARC_BYTES] = 0x01;
        CHECK(der_oid_valid(arc, DER_OID_MAX_ARC_BYTES + 1));
        arc[DER_OID_MAX_ARC_BYTES] = 0x81;
        arc[DER_OID_MAX_ARC_BYTES + 1] = 0x01;
        CHECK(!der_oid_valid(arc, DER_OID_MAX_ARC_BYTES + 2));
    }
    char s[64];
    CHECK(der_oid_to_string(OID_ARG(OID_ECDSA_SHA384), s, sizeof s) == 0 && !strcmp(s, "1.2.840.10045.4.3.3"));
    CHECK(der_oid_to_string(OID_ARG(OID_ML_DSA_65), s, sizeof s) == 0 && !strcmp(s, "2.16.840.1.101.3.4.3.18"));
    CHECK(der_oid_to_string(OID_ARG(OID_TCG_DICE_TCB_INFO), s, sizeof s) == 0 && !strcmp(s, "2.23.133.5.4.1"));
    CHECK(der_oid_to_string(BYTES(0x88, 0x37), s, sizeof s) == 0 && !strcmp(s, "2.999"));
    CHECK(der_oid_to_string(OID_ARG(OID_ECDSA_SHA384), s, 8) == -1);
    der_writer_init(&w);
    der_put_oid(&w, BYTES(0x80, 0x01));
    CHECK(der_writer_finish(&w, &out, &n) == -1);
    der_elem e;
    CHECK(read_one(BYTES(0x06, 0x03, 0x2B, 0x81, 0x04), &e) == DER_OK && !der_oid_equals(&e, OID_ARG(OID_SECP384R1)));
    CHECK(read_one(BYTES(0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x22), &e) == DER_OK &&
          der_oid_equals(&e, OID_ARG(OID_SECP384R1)));
    CHECK(read_one(BYTES(0x04, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x22), &e) == DER_OK &&
          !der_oid_equals(&e, OID_ARG(OID_SECP384R1))); /* right bytes, wrong tag */
    /* The reader itself refuses a non-DER OID, so no caller can compare one byte-wise and take it
     * for a different (foreign) identifier: 1.3.132.0.34 with its arc 132 padded by a leading 0x80. */
    CHECK(read_one(BYTES(0x06, 0x06, 0x2B, 0x80, 0x81, 0x04, 0x00, 0x22), &e) == DER_ERR);
    CHECK(strstr(der_error_reason(), "OBJECT IDENTIFIER") != NULL);
    CHECK(read_one(BYTES(0x06, 0x00), &e) == DER_ERR);             /* empty */
    CHECK(read_one(BYTES(0x06, 0x02, 0x2B, 0x81), &e) == DER_ERR); /* unterminated */
    CHECK(read_one(BYTES(0x06, 0x02, 0x80, 0x2B), &e) == DER_ERR); /* padded first subidentifier */
    CHECK(read_one(BYTES(0x86, 0x02, 0x80, 0x2B), &e) == DER_OK);  /* [6] IMPLICIT: not an OID tag */
}

static void test_set_of_sorting(void)
{
    der_writer w;
    der_writer_init(&w);
    der_begin_set_of(&w);
    der_put_octets(&w, BYTES(0x00, 0x00));
    der_put_uint(&w, 5);
    der_put_octets(&w, BYTES(0xFF));
    der_put_octets(&w, BYTES(0x00));
    der_end(&w);
    CHECK(finish_equals(
        &w, BYTES(0x31, 0x0D, 0x02, 0x01, 0x05, 0x04, 0x01, 0x00, 0x04, 0x01, 0xFF, 0x04, 0x02, 0x00, 0x00)));
    /* A plain SET (der_begin) keeps the writer's order; an empty SET OF is fine. */
    der_writer_init(&w);
    der_begin(&w, DER_SET);
    der_put_uint(&w, 2);
    der_put_uint(&w, 1);
    der_end(&w);
    der_begin_set_of(&w);
    der_end(&w);
    CHECK(finish_equals(&w, BYTES(0x31, 0x06, 0x02, 0x01, 0x02, 0x02, 0x01, 0x01, 0x31, 0x00)));
    /* Garbage raw bytes inside a SET OF cannot be sorted: error. */
    der_writer_init(&w);
    der_begin_set_of(&w);
    der_put_raw(&w, BYTES(0x04, 0x05, 0x00));
    der_end(&w);
    uint8_t *out;
    size_t n;
    CHECK(der_writer_finish(&w, &out, &n) == -1);
}

static void test_writer_misuse(void)
{
    der_writer w;
    uint8_t *out;
    size_t n;
    der_writer_init(&w);
    der_end(&w);
    CHECK(der_writer_finish(&w, &out, &n) == -1);
    der_writer_init(&w);
    der_begin(&w, DER_SEQUENCE);
    CHECK(der_writer_finish(&w, &out, &n) == -1);
    der_writer_init(&w);
    der_begin(&w, DER_INTEGER); /* primitive tag cannot be opened */
    CHECK(der_writer_finish(&w, &out, &n) == -1);
    der_writer_init(&w);
    der_put_tlv(&w, 0x1F, NULL, 0);
    CHECK(der_writer_finish(&w, &out, &n) == -1);
    der_writer_init(&w);
    der_put_gentime(&w, 0, 1000);
    CHECK(der_writer_finish(&w, &out, &n) == -1);
    der_writer_init(&w);
    der_put_uint(&w, 1);
    der_writer_free(&w);
    CHECK(w.buf == NULL && w.len == 0);
}

int test_der_time(void);

int main(void)
{
    test_known_encodings();
    test_lengths();
    test_framing_rejections();
    test_depth();
    test_integer_rules();
    test_bool_bits();
    test_strings_oids();
    test_set_of_sorting();
    test_writer_misuse();
    test_der_time();
    return check_summary("test_der");
}

/* fuzz_der.c: libFuzzer target for the strict DER reader. Every input is walked element by
 * element with all contents decoders (they must never crash); whenever der_check_tree accepts it,
 * rebuilding the same tree with the writer must reproduce the input byte for byte (DER has exactly
 * one encoding, so reader and writer must agree). */
#include <stdlib.h>
#include <string.h>

#include "asn1/der.h"

static void decode_all(const der_elem *e)
{
    int b;
    uint64_t u;
    int64_t s;
    const uint8_t *p;
    size_t n;
    unsigned unused, ms;
    uint32_t flags;
    time_t t;
    char oid[256];
    (void)der_get_bool(e, &b);
    (void)der_get_uint(e, &u);
    (void)der_get_int(e, &s);
    (void)der_get_uint_bytes(e, &p, &n);
    (void)der_get_bits(e, &p, &n);
    (void)der_get_bitstring(e, &p, &n, &unused);
    (void)der_get_bit_flags(e, &flags);
    (void)der_get_gentime(e, &t, &ms);
    (void)der_get_x509_time(e, &t);
    (void)der_oid_to_string(e->val, e->len, oid, sizeof oid);
}

/* Walk and rebuild; returns -1 on a framing error. */
static int walk(const uint8_t *p, size_t len, der_writer *w, int depth)
{
    der_reader r;
    der_elem e;
    int rc;
    if (depth > DER_MAX_DEPTH) return -1;
    der_reader_init(&r, p, len);
    while ((rc = der_read(&r, &e)) == DER_OK) {
        decode_all(&e);
        if (e.tag & 0x20) {
            der_begin(w, e.tag);
            if (walk(e.val, e.len, w, depth + 1)) return -1;
            der_end(w);
        } else {
            der_put_tlv(w, e.tag, e.val, e.len);
        }
    }
    return rc == DER_EOF ? 0 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    der_writer w;
    der_writer_init(&w);
    int framed = walk(data, size, &w, 0) == 0;
    int valid = der_check_tree(data, size) == DER_OK;
    uint8_t *out = NULL;
    size_t outlen = 0;
    int built = der_writer_finish(&w, &out, &outlen) == 0;
    if (valid && (!framed || !built || outlen != size || memcmp(out, data, size) != 0)) abort();
    free(out);
    return 0;
}

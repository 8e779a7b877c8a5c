/* fuzz_node_proto.c: libFuzzer target for the node protocol parsers, read as the node reads a
 * connection: frame after frame, header checked (requests only), then the body parsed by type;
 * the gateway-side answer parsers get every body too. Properties: a SIGN body that parses encodes
 * back to the same bytes, and its imprint template builds a MessageImprint; a STATUS body that
 * parses encodes back to the same bytes. */
#include <stdlib.h>
#include <string.h>

#include "proto/node_proto.h"

static void answers(const uint8_t *b, size_t n)
{
    proto_sign_resp r;
    proto_status st;
    uint16_t code;
    char reason[PROTO_REASON_MAX + 1];
    const char *why;
    if (proto_sign_resp_parse(b, n, &r, &why) == 0 && r.der_len && (r.der < b || r.der + r.der_len > b + n)) abort();
    if (proto_status_parse(b, n, &st, &why) == 0) {
        uint8_t again[PROTO_STATUS_LEN];
        proto_status_encode(&st, again);
        if (memcmp(again, b, PROTO_STATUS_LEN) != 0) abort();
    }
    (void)proto_error_parse(b, n, &code, reason);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t off = 0;
    while (size - off >= PROTO_HEADER_LEN) {
        proto_header h;
        const char *why = NULL;
        int ok = proto_header_parse(data + off, 1, &h, &why) == 0;
        if (!ok && !why) abort();
        if (!ok) {
            /* what the gateway would make of it */
            if (proto_header_parse(data + off, 0, &h, &why) == 0 && h.body_len <= size - off - PROTO_HEADER_LEN)
                answers(data + off + PROTO_HEADER_LEN, h.body_len);
            return 0; /* the node closes the connection */
        }
        if (h.body_len > proto_max_body(h.type)) abort();
        if (size - off - PROTO_HEADER_LEN < h.body_len) return 0; /* waits for the rest */
        const uint8_t *body = data + off + PROTO_HEADER_LEN;
        if (h.type == PROTO_SIGN) {
            proto_sign_req r;
            if (proto_sign_req_parse(body, h.body_len, &r, &why) == 0) {
                uint8_t again[256], imprint[PROTO_IMPRINT_MAX];
                size_t n = proto_sign_req_encode(&r, again, sizeof again);
                if (n != h.body_len || memcmp(again, body, n) != 0) abort();
                if (!proto_imprint_build(r.imprint_template, r.digest, r.digest_len, imprint)) abort();
            } else if (!why) {
                abort();
            }
        }
        answers(body, h.body_len);
        off += PROTO_HEADER_LEN + h.body_len;
    }
    return 0;
}

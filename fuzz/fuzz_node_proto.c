/* fuzz_node_proto.c: libFuzzer target for the node protocol parsers, read as the node reads a
 * connection: frame after frame, header checked (requests only), then the body parsed by type;
 * the gateway-side answer parsers get every body too. Properties: a SIGN body that parses encodes
 * back to the same bytes, and its imprint template builds a MessageImprint; a STATUS body that
 * parses encodes back to the same bytes, and so does a CONTROL body (its parts inside the body). */
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
    uint8_t outcome, again[PROTO_HEADER_LEN + 1 + PROTO_REASON_MAX];
    if (proto_control_resp_parse(b, n, &outcome, reason) == 0) {
        size_t m = proto_control_resp_frame(0, outcome, reason, again, sizeof again);
        if (m != PROTO_HEADER_LEN + n || memcmp(again + PROTO_HEADER_LEN, b, n) != 0) abort();
    }
}

static void control(const uint8_t *body, size_t n)
{
    proto_control_req r;
    const char *why = NULL;
    if (proto_control_req_parse(body, n, &r, &why) != 0) {
        if (!why) abort();
        return;
    }
    if ((r.envelope && (r.envelope < body || r.envelope + r.envelope_len > body + n)) ||
        (r.ec && (r.ec < body || r.ec + r.ec_len > body + n)) || (r.ml && (r.ml < body || r.ml + r.ml_len > body + n)))
        abort();
    uint8_t *again;
    size_t len;
    if (proto_control_req_frame(&r, 1, &again, &len) != 0) abort();
    if (len != PROTO_HEADER_LEN + n || memcmp(again + PROTO_HEADER_LEN, body, n) != 0) abort();
    free(again);
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
        if (h.type == PROTO_CONTROL) control(body, h.body_len);
        answers(body, h.body_len);
        off += PROTO_HEADER_LEN + h.body_len;
    }
    return 0;
}

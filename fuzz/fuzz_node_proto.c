/* fuzz_node_proto.c: libFuzzer target for the node protocol parsers, read as the node reads a
 * connection: frame after frame, header checked (requests only), then the body parsed by type;
 * the gateway-side answer parsers get every body too. Properties: a SIGN body that parses encodes
 * back to the same bytes, and its imprint template builds a MessageImprint; a STATUS body (base, or
 * with the cluster block) that parses encodes back to the same bytes; a DER list (CERT_INSTALL
 * request, CERTS and CSRS answers) that parses frames back to the same bytes, its items inside the
 * body; a CERT_INSTALL result re-encodes to the same bytes; an ATTEST answer's parts lie inside it; a CONTROL body
 * re-encodes to the same bytes (its parts inside the body). */
#include <stdlib.h>
#include <string.h>

#include "proto/node_proto.h"

static void der_list(uint8_t type, const uint8_t *b, size_t n, size_t item_max)
{
    proto_der_list l;
    const char *why = NULL;
    uint8_t *f;
    size_t len;
    if (proto_der_list_parse(b, n, item_max, &l, &why) != 0) {
        if (!why) abort();
        return;
    }
    for (unsigned i = 0; i < l.n; i++)
        if (l.der[i] < b || l.der[i] + l.len[i] > b + n || l.len[i] > item_max) abort();
    if (n <= proto_max_body(type)) {
        if (proto_der_list_frame(type, 1, &l, &f, &len) != 0) abort();
        if (len != PROTO_HEADER_LEN + n || memcmp(f + PROTO_HEADER_LEN, b, n) != 0) abort();
        free(f);
    }
}

static void answers(const uint8_t *b, size_t n)
{
    static proto_status st;
    static uint8_t again_st[PROTO_STATUS_MAX_LEN];
    proto_sign_resp r;
    proto_install_resp ir;
    proto_attest_resp ar;
    uint16_t code;
    char reason[PROTO_REASON_MAX + 1];
    const char *why;
    if (proto_sign_resp_parse(b, n, &r, &why) == 0 && r.der_len && (r.der < b || r.der + r.der_len > b + n)) abort();
    if (proto_status_parse(b, n, &st, &why) == 0) {
        size_t len = proto_status_write(&st, again_st);
        if (len != n || memcmp(again_st, b, n) != 0) abort();
    }
    der_list(PROTO_CERTS | PROTO_RESPONSE, b, n, proto_max_body(PROTO_CERTS | PROTO_RESPONSE));
    if (proto_install_resp_parse(b, n, &ir, &why) == 0) {
        uint8_t again[2 + PROTO_REASON_MAX];
        if (proto_install_resp_encode(&ir, again) != n || memcmp(again, b, n) != 0) abort();
    }
    if (proto_attest_resp_parse(b, n, &ar, &why) == 0 &&
        (ar.report != b || PROTO_ATTEST_REPORT_LEN + 4 + ar.endorsements_len != n))
        abort();
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
        if (h.type == PROTO_CERT_INSTALL) der_list(PROTO_CERT_INSTALL, body, h.body_len, PROTO_CERT_MAX);
        if (h.type == PROTO_CONTROL) control(body, h.body_len);
        answers(body, h.body_len);
        off += PROTO_HEADER_LEN + h.body_len;
    }
    return 0;
}

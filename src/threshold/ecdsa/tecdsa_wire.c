/* tecdsa_wire.c: message framing and checked readers (see tecdsa_wire.h). */
#include "threshold/ecdsa/tecdsa_wire.h"

#include <stdlib.h>
#include <string.h>

#include "crypto/ct.h"

void tecdsa_msg_free(tecdsa_msg *m)
{
    if (!m) return;
    if (m->data) {
        cc_memzero(m->data, m->len);
        free(m->data);
    }
    m->data = NULL;
    m->len = 0;
}

void tecdsa_msgs_free(tecdsa_msg msgs[TECDSA_N + 1])
{
    for (int i = 0; i <= TECDSA_N; i++) tecdsa_msg_free(&msgs[i]);
}

int tw_new(tecdsa_msg *m, uint8_t type, int from, int to, const uint8_t ctx[TECDSA_ID_BYTES],
           const uint8_t sid[TECDSA_ID_BYTES], size_t payload_len, tw_writer *w)
{
    m->len = TW_HDR_BYTES + payload_len;
    m->data = malloc(m->len);
    if (!m->data) {
        m->len = 0;
        return TECDSA_ERR_INTERNAL;
    }
    uint8_t *h = m->data;
    h[0] = TW_VERSION;
    h[1] = type;
    h[2] = (uint8_t)from;
    h[3] = (uint8_t)to;
    memcpy(h + 4, ctx, TECDSA_ID_BYTES);
    memcpy(h + 52, sid, TECDSA_ID_BYTES);
    h[100] = (uint8_t)(payload_len >> 24);
    h[101] = (uint8_t)(payload_len >> 16);
    h[102] = (uint8_t)(payload_len >> 8);
    h[103] = (uint8_t)payload_len;
    w->p = h + TW_HDR_BYTES;
    w->left = payload_len;
    return TECDSA_OK;
}

uint8_t *tw_reserve(tw_writer *w, size_t n)
{
    if (n > w->left) abort(); /* internal sizing bug: never send a truncated message */
    uint8_t *p = w->p;
    w->p += n;
    w->left -= n;
    return p;
}

void tw_put(tw_writer *w, const void *p, size_t n) { memcpy(tw_reserve(w, n), p, n); }

void tw_put_scalar(tw_writer *w, const tsc *s) { tsc_to_bytes(tw_reserve(w, TSC_BYTES), s); }

void tw_put_point(tw_writer *w, const tpt *p) { tw_put(w, p->b, TPT_BYTES); }
void tw_put_point_u(tw_writer *w, const tpt *p) { tw_put(w, p->u, TPT_UBYTES); }

int tw_open(const tecdsa_msg *m, uint8_t type, int from, int to, const uint8_t ctx[TECDSA_ID_BYTES], const uint8_t *sid,
            size_t payload_len, tw_reader *r)
{
    if (!m || !m->data || m->len < TW_HDR_BYTES) return TECDSA_ERR_FORMAT;
    const uint8_t *h = m->data;
    size_t declared = ((size_t)h[100] << 24) | ((size_t)h[101] << 16) | ((size_t)h[102] << 8) | h[103];
    if (h[0] != TW_VERSION || h[1] != type) return TECDSA_ERR_FORMAT;
    if (declared != payload_len || m->len != TW_HDR_BYTES + payload_len) return TECDSA_ERR_FORMAT;
    if (h[2] != from || h[3] != to) return TECDSA_ERR_CONTEXT;
    if (memcmp(h + 4, ctx, TECDSA_ID_BYTES) != 0) return TECDSA_ERR_CONTEXT;
    if (sid && memcmp(h + 52, sid, TECDSA_ID_BYTES) != 0) return TECDSA_ERR_CONTEXT;
    r->p = h + TW_HDR_BYTES;
    r->left = payload_len;
    return TECDSA_OK;
}

const uint8_t *tw_sid(const tecdsa_msg *m) { return m->data + 52; }

int tw_only_sid_differs(const tecdsa_msg *m, uint8_t type, int from, int to, const uint8_t ctx[TECDSA_ID_BYTES],
                        const uint8_t sid[TECDSA_ID_BYTES], size_t payload_len)
{
    tw_reader r;
    return tw_open(m, type, from, to, ctx, NULL, payload_len, &r) == TECDSA_OK &&
           memcmp(tw_sid(m), sid, TECDSA_ID_BYTES) != 0;
}

const uint8_t *tw_get(tw_reader *r, size_t n)
{
    if (n > r->left) return NULL;
    const uint8_t *p = r->p;
    r->p += n;
    r->left -= n;
    return p;
}

int tw_get_scalar(tw_reader *r, tsc *s)
{
    const uint8_t *p = tw_get(r, TSC_BYTES);
    if (!p) return TECDSA_ERR_FORMAT;
    return tsc_from_bytes(s, p) == 0 ? TECDSA_OK : TECDSA_ERR_SCALAR;
}

int tw_get_point(tw_reader *r, tpt *pt)
{
    const uint8_t *p = tw_get(r, TPT_BYTES);
    if (!p) return TECDSA_ERR_FORMAT;
    return tec_decode(pt, p) == 0 ? TECDSA_OK : TECDSA_ERR_POINT;
}

int tw_get_point_u(tw_reader *r, tpt *pt)
{
    const uint8_t *p = tw_get(r, TPT_UBYTES);
    if (!p) return TECDSA_ERR_FORMAT;
    return tec_decode_uncompressed(pt, p) == 0 ? TECDSA_OK : TECDSA_ERR_POINT;
}

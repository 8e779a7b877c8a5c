/* base_cursor.c: the bounded byte cursor (see base.h). */
#include "base/base.h"

void cc_cursor_init(cc_cursor *c, const uint8_t *p, size_t len)
{
    c->p = p;
    c->len = p ? len : 0;
    c->off = 0;
    c->err = 0;
}

const uint8_t *cc_cursor_take(cc_cursor *c, size_t n)
{
    if (c->err || n > c->len - c->off) {
        c->err = 1;
        return NULL;
    }
    const uint8_t *r = c->p + c->off;
    c->off += n;
    return r;
}

uint8_t cc_cursor_u8(cc_cursor *c)
{
    const uint8_t *b = cc_cursor_take(c, 1);
    return b ? b[0] : 0;
}

uint16_t cc_cursor_u16be(cc_cursor *c)
{
    const uint8_t *b = cc_cursor_take(c, 2);
    return b ? (uint16_t)(b[0] << 8 | b[1]) : 0;
}

uint32_t cc_cursor_u32be(cc_cursor *c)
{
    const uint8_t *b = cc_cursor_take(c, 4);
    return b ? (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3] : 0;
}

int cc_cursor_done(const cc_cursor *c) { return !c->err && c->off == c->len; }

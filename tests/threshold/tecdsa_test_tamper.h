/* tecdsa_test_tamper.h: header-only helpers for the threshold ECDSA attack tests: a table of
 * message manipulations applied by the driver's tamper hook (flip a payload byte, copy bytes
 * inside the payload, overwrite from a captured message, change the length), and capture of
 * messages for later replay. */
#ifndef CCTSA_TESTS_TECDSA_TEST_TAMPER_H
#define CCTSA_TESTS_TECDSA_TEST_TAMPER_H

#include <stdlib.h>
#include <string.h>

#include "threshold/ecdsa/tecdsa_wire.h"
#include "threshold/testkit/tecdsa_driver.h"

enum {
    OP_XOR,
    OP_COPY,
    OP_PUT,
    OP_GROW,
    OP_SHRINK,
    OP_HEADER_XOR,
    OP_CAPTURE,
    OP_REPLACE
};

typedef struct {
    int type, from, to; /* to = 0: every receiver */
    int op;
    size_t off; /* payload offset (OP_HEADER_XOR: header offset) */
    size_t src; /* OP_COPY: source payload offset; OP_PUT/OP_CAPTURE/OP_REPLACE: slot */
    size_t len; /* OP_COPY/OP_PUT (same offset in the slot's payload)/OP_GROW/OP_SHRINK */
    uint8_t x;  /* OP_XOR/OP_HEADER_XOR value */
} tamper_rule;

typedef struct {
    tamper_rule rules[8];
    int nrules;
    tecdsa_msg slots[4]; /* captured messages / byte strings (owned) */
    int applied;
} tamper_plan;

static void plan_reset(tamper_plan *p)
{
    for (int i = 0; i < 4; i++) tecdsa_msg_free(&p->slots[i]);
    memset(p, 0, sizeof *p);
}

static void plan_add(tamper_plan *p, tamper_rule r)
{
    if (p->nrules < 8) p->rules[p->nrules++] = r;
}

static void set_payload_len(tecdsa_msg *m, size_t payload)
{
    m->data[100] = (uint8_t)(payload >> 24);
    m->data[101] = (uint8_t)(payload >> 16);
    m->data[102] = (uint8_t)(payload >> 8);
    m->data[103] = (uint8_t)payload;
}

static void tamper_apply(void *arg, int type, int from, int to, tecdsa_msg *m)
{
    tamper_plan *p = arg;
    for (int i = 0; i < p->nrules; i++) {
        tamper_rule *r = &p->rules[i];
        if (r->type != type || r->from != from || (r->to && r->to != to)) continue;
        uint8_t *pl = m->data + TW_HDR_BYTES;
        switch (r->op) {
        case OP_XOR: pl[r->off] ^= r->x; break;
        case OP_HEADER_XOR: m->data[r->off] ^= r->x; break;
        case OP_COPY: memmove(pl + r->off, pl + r->src, r->len); break;
        case OP_PUT: memcpy(pl + r->off, p->slots[r->src].data + TW_HDR_BYTES + r->off, r->len); break;
        case OP_GROW: {
            uint8_t *n = realloc(m->data, m->len + r->len);
            if (!n) abort();
            memset(n + m->len, 0x02, r->len);
            m->data = n;
            m->len += r->len;
            set_payload_len(m, m->len - TW_HDR_BYTES);
            break;
        }
        case OP_SHRINK:
            m->len -= r->len;
            set_payload_len(m, m->len - TW_HDR_BYTES);
            break;
        case OP_CAPTURE:
            tecdsa_msg_free(&p->slots[r->src]);
            p->slots[r->src].data = malloc(m->len);
            memcpy(p->slots[r->src].data, m->data, m->len);
            p->slots[r->src].len = m->len;
            break;
        case OP_REPLACE: {
            tecdsa_msg *s = &p->slots[r->src];
            tecdsa_msg_free(m);
            m->data = malloc(s->len);
            memcpy(m->data, s->data, s->len);
            m->len = s->len;
            break;
        }
        }
        p->applied++;
    }
}

#endif

/* tecdsa_wire.h: framing of threshold ECDSA messages. Every message is a fixed 104-byte header
 * (version, type = protocol round, sender, receiver, 48-byte context id = ceremony or key id,
 * 48-byte session id, payload length) followed by a payload of exactly the length that round
 * requires. Readers reject anything else before looking at the payload; scalars and points are
 * range-checked as they are read. */
#ifndef CCTSA_THRESHOLD_TECDSA_WIRE_H
#define CCTSA_THRESHOLD_TECDSA_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "threshold/ecdsa/tecdsa.h"
#include "threshold/ecdsa/tecdsa_ec.h"
#include "threshold/ecdsa/tecdsa_scalar.h"

#define TW_VERSION 1
#define TW_HDR_BYTES 104

enum {
    TW_DKG1 = 0x11,
    TW_DKG2 = 0x12,
    TW_DKG3 = 0x13,
    TW_DKG4 = 0x14,
    TW_DKG5 = 0x15,
    TW_DKG6 = 0x16,
    TW_DKG7 = 0x17,
    TW_PRE1 = 0x21,
    TW_PRE2 = 0x22,
    TW_PRE3 = 0x23,
    TW_SIGN = 0x31
};

typedef struct {
    uint8_t *p;
    size_t left;
} tw_writer;

typedef struct {
    const uint8_t *p;
    size_t left;
} tw_reader;

/* Allocate a message with its header; the writer then covers exactly payload_len bytes. */
int tw_new(tecdsa_msg *m, uint8_t type, int from, int to, const uint8_t ctx[TECDSA_ID_BYTES],
           const uint8_t sid[TECDSA_ID_BYTES], size_t payload_len, tw_writer *w);
void tw_put(tw_writer *w, const void *p, size_t n);
void tw_put_scalar(tw_writer *w, const tsc *s);
void tw_put_point(tw_writer *w, const tpt *p);
void tw_put_point_u(tw_writer *w, const tpt *p); /* uncompressed, TPT_UBYTES */
/* Pointer to the start of the writer's remaining space (to fill in place), advancing by n. */
uint8_t *tw_reserve(tw_writer *w, size_t n);

/* Check the header against what this round expects; sid may be NULL when the caller reads it
 * (sid_out). Returns TECDSA_OK, TECDSA_ERR_FORMAT or TECDSA_ERR_CONTEXT. */
int tw_open(const tecdsa_msg *m, uint8_t type, int from, int to, const uint8_t ctx[TECDSA_ID_BYTES], const uint8_t *sid,
            size_t payload_len, tw_reader *r);
/* 1 if m passes every tw_open check except the session id (which differs from sid): the sender
 * and we disagree on the session, e.g. because a third party equivocated the round that fixed it. */
int tw_only_sid_differs(const tecdsa_msg *m, uint8_t type, int from, int to, const uint8_t ctx[TECDSA_ID_BYTES],
                        const uint8_t sid[TECDSA_ID_BYTES], size_t payload_len);
/* The session id of a message whose header tw_open accepted. */
const uint8_t *tw_sid(const tecdsa_msg *m);
const uint8_t *tw_get(tw_reader *r, size_t n); /* NULL if fewer than n bytes remain */
int tw_get_scalar(tw_reader *r, tsc *s);       /* TECDSA_ERR_SCALAR unless < n */
int tw_get_point(tw_reader *r, tpt *p);        /* TECDSA_ERR_POINT unless valid, non-identity */
/* Uncompressed (TPT_UBYTES, prefix 04, X and Y < p, on the curve): no square root to take. */
int tw_get_point_u(tw_reader *r, tpt *p);

#endif

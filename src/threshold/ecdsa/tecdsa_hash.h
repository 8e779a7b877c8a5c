/* tecdsa_hash.h: domain-separated hashing for the threshold ECDSA protocol (SHAKE256 from
 * crypto/fips202.h). Every hash starts with the protocol tag and a purpose label; callers add
 * key id, session id, sender, receiver and round so that no value can be replayed elsewhere. */
#ifndef CCTSA_THRESHOLD_TECDSA_HASH_H
#define CCTSA_THRESHOLD_TECDSA_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/fips202.h"
#include "threshold/ecdsa/tecdsa_scalar.h"

typedef struct {
    cc_keccak_ctx k;
} th_ctx;

/* Start a hash labelled `label` (e.g. "dkg/commit"). */
void th_init(th_ctx *h, const char *label);
void th_bytes(th_ctx *h, const void *p, size_t n); /* fixed-length field */
void th_var(th_ctx *h, const void *p, size_t n);   /* length-prefixed field */
/* A long fixed-length field (n a multiple of 4) as a list of four leaves: the SHAKE256 digests
 * (64 bytes each) of its four quarters, computed 4-way (cc_shake256x4), then absorbed after n.
 * Binding as th_bytes is (a collision needs one in SHAKE256 with 512-bit output) at about a third
 * of the cost of th_bytes for the OT extension's and the VOLE's long messages; the hash value
 * differs from th_bytes'. */
void th_bytes_long(th_ctx *h, const void *p, size_t n);
void th_u32(th_ctx *h, uint32_t x);
void th_scalar(th_ctx *h, const tsc *s);
/* Finish: squeeze n bytes (any length), then wipe the state. */
void th_out(th_ctx *h, uint8_t *out, size_t n);
/* The bytes th_init(label) absorbs, written to out (at most TH_PREFIX_MAX bytes; labels are
 * short literals), for callers that hash four equal-length inputs at once (cc_shake256x4).
 * Returns the length. */
#define TH_PREFIX_MAX 96
size_t th_prefix(uint8_t out[TH_PREFIX_MAX], const char *label);
/* Finish as a scalar mod n (64 bytes reduced: bias < 2^-128). */
void th_out_scalar(th_ctx *h, tsc *out);

#endif

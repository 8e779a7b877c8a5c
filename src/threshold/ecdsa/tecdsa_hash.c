/* tecdsa_hash.c: domain-separated SHAKE256 transcript hashing (see tecdsa_hash.h). */
#include "threshold/ecdsa/tecdsa_hash.h"

#include <string.h>

#include "crypto/ct.h"
#include "crypto/fips202x4.h"

static const char PROTOCOL_TAG[] = "cctsa/tecdsa/dkls23/p384/v1";

void th_init(th_ctx *h, const char *label)
{
    cc_shake256_init(&h->k);
    th_var(h, PROTOCOL_TAG, sizeof PROTOCOL_TAG - 1);
    th_var(h, label, strlen(label));
}

static size_t put_var(uint8_t *out, const char *s, size_t n)
{
    out[0] = (uint8_t)(n >> 24);
    out[1] = (uint8_t)(n >> 16);
    out[2] = (uint8_t)(n >> 8);
    out[3] = (uint8_t)n;
    memcpy(out + 4, s, n);
    return 4 + n;
}

size_t th_prefix(uint8_t out[TH_PREFIX_MAX], const char *label)
{
    size_t n = put_var(out, PROTOCOL_TAG, sizeof PROTOCOL_TAG - 1), l = strlen(label);
    if (n + 4 + l > TH_PREFIX_MAX) l = TH_PREFIX_MAX - n - 4; /* never for our labels */
    return n + put_var(out + n, label, l);
}

void th_bytes(th_ctx *h, const void *p, size_t n) { cc_keccak_absorb(&h->k, p, n); }

void th_bytes_long(th_ctx *h, const void *p, size_t n)
{
    uint8_t leaf[4][64];
    uint8_t *const outs[4] = {leaf[0], leaf[1], leaf[2], leaf[3]};
    const uint8_t *b = p;
    size_t q = n / 4;
    const uint8_t *const ins[4] = {b, b + q, b + 2 * q, b + 3 * q};
    cc_shake256x4(outs, sizeof leaf[0], ins, q);
    th_u32(h, (uint32_t)n);
    th_bytes(h, leaf, sizeof leaf);
    cc_memzero(leaf, sizeof leaf);
}

void th_u32(th_ctx *h, uint32_t x)
{
    uint8_t b[4] = {(uint8_t)(x >> 24), (uint8_t)(x >> 16), (uint8_t)(x >> 8), (uint8_t)x};
    th_bytes(h, b, 4);
}

void th_var(th_ctx *h, const void *p, size_t n)
{
    th_u32(h, (uint32_t)n);
    th_bytes(h, p, n);
}

void th_scalar(th_ctx *h, const tsc *s)
{
    uint8_t b[TSC_BYTES];
    tsc_to_bytes(b, s);
    th_bytes(h, b, sizeof b);
    cc_memzero(b, sizeof b);
}

void th_out(th_ctx *h, uint8_t *out, size_t n)
{
    cc_keccak_squeeze(&h->k, out, n);
    cc_keccak_wipe(&h->k);
}

void th_out_scalar(th_ctx *h, tsc *out)
{
    uint8_t b[64];
    th_out(h, b, sizeof b);
    tsc_from_wide(out, b, sizeof b);
    cc_memzero(b, sizeof b);
}

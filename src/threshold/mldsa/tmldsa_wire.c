/* tmldsa_wire.c: the message header (encoding and checks), header-bound hashing, 23-bit packing,
 * error reporting and small shared helpers of threshold ML-DSA. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto/ct.h"
#include "threshold/mldsa/tmldsa_internal.h"

static const uint8_t magic[4] = {'T', 'M', 'L', 'D'};

const char *tmldsa_strerror(int code)
{
    switch (code) {
    case TMLDSA_OK: return "ok";
    case TMLDSA_E_ARG: return "bad argument";
    case TMLDSA_E_STATE: return "call out of order or state no longer usable";
    case TMLDSA_E_FORMAT: return "malformed message";
    case TMLDSA_E_BINDING: return "message bound to another key, session, attempt, round or party";
    case TMLDSA_E_COMMIT: return "revealed value does not match its commitment";
    case TMLDSA_E_RANGE: return "value out of range";
    case TMLDSA_E_INCONSISTENT: return "parties disagree";
    case TMLDSA_E_RESPONSE: return "signing response fails the blame check";
    case TMLDSA_E_RETRY: return "attempt produced no signature, retry";
    case TMLDSA_E_RNG: return "random source failed";
    case TMLDSA_E_NOMEM: return "out of memory";
    case TMLDSA_E_VERIFY: return "combined signature does not verify";
    case TMLDSA_E_ATTEMPTS: return "too many attempts";
    case TMLDSA_E_POLICY: return "signing policy refused the message";
    default: return "unknown error";
    }
}

int tmldsa_set_error_v(tmldsa_error *err, int code, unsigned culprit, const char *fmt, va_list ap)
{
    if (err && fmt) {
        err->code = code;
        err->culprit = culprit;
        err->suspects = culprit >= 1 && culprit <= TMLDSA_PARTIES ? 1u << (culprit - 1) : 0;
        vsnprintf(err->reason, sizeof err->reason, fmt, ap);
    }
    return code;
}

int tmldsa_set_error(tmldsa_error *err, int code, unsigned culprit, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tmldsa_set_error_v(err, code, culprit, fmt, ap);
    va_end(ap);
    return code;
}

void tmldsa_blame(tmldsa_error *err, unsigned suspects)
{
    if (!err) return;
    suspects &= (1u << TMLDSA_PARTIES) - 1;
    unsigned c = 0;
    if (suspects && !(suspects & (suspects - 1))) /* exactly one party: proven */
        for (c = 1; !(suspects >> (c - 1) & 1); c++) {
        }
    err->suspects = suspects;
    err->culprit = c;
}

/* Wiped before release: DKG private messages carry seed contributions r_{j,I}, and a caller's
 * buffers may be reused by the allocator (or the message cache, tmldsa_msgpool.c) for anything. */
void tmldsa_msg_free(tmldsa_msg *m)
{
    if (!m) return;
    if (m->data) cc_memzero(m->data, m->len);
    tmldsa_pool_put(m->data, m->len); /* wiped first: the cache hands it to the next message */
    m->data = NULL;
    m->len = 0;
}

uint64_t tmldsa_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void put_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}
static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}
static uint32_t get_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void tmldsa_hdr_binding(uint8_t out[TMLDSA_BINDBYTES], const tmldsa_hdr *h)
{
    out[0] = TMLDSA_VERSION;
    out[1] = h->type;
    out[2] = h->sender;
    out[3] = h->receiver;
    out[4] = h->signers;
    out[5] = 0;
    put_be16(out + 6, h->K);
    put_be32(out + 8, h->attempt);
    memcpy(out + 12, h->key_id, TMLDSA_KEYIDBYTES);
    memcpy(out + 44, h->sid, TMLDSA_SIDBYTES);
}

uint8_t *tmldsa_msg_alloc(tmldsa_msg *out, const tmldsa_hdr *h, size_t payload_len, tmldsa_error *err)
{
    out->data = NULL;
    out->len = 0;
    if (payload_len > UINT32_MAX - TMLDSA_HDRBYTES) {
        tmldsa_set_error(err, TMLDSA_E_ARG, 0, "payload too large");
        return NULL;
    }
    uint8_t *p = tmldsa_pool_get(TMLDSA_HDRBYTES + payload_len);
    if (!p) {
        tmldsa_set_error(err, TMLDSA_E_NOMEM, 0, "cannot allocate a %zu-byte message", payload_len);
        return NULL;
    }
    memcpy(p, magic, 4);
    tmldsa_hdr_binding(p + 4, h);
    put_be32(p + 80, (uint32_t)payload_len);
    out->data = p;
    out->len = TMLDSA_HDRBYTES + payload_len;
    return p + TMLDSA_HDRBYTES;
}

static const char *type_name(uint8_t t)
{
    switch (t) {
    case TMLDSA_MSG_DKG1: return "dkg round 1";
    case TMLDSA_MSG_DKG2: return "dkg round 2";
    case TMLDSA_MSG_DKG2_PRIV: return "dkg round 2 private";
    case TMLDSA_MSG_DKG3: return "dkg round 3";
    case TMLDSA_MSG_DKG4: return "dkg round 4";
    case TMLDSA_MSG_SIGN1: return "sign round 1";
    case TMLDSA_MSG_SIGN2: return "sign round 2";
    case TMLDSA_MSG_SIGN3: return "sign round 3";
    default: return "unknown";
    }
}

int tmldsa_msg_parse(const tmldsa_msg *m, const tmldsa_hdr *expect, size_t payload_len, const uint8_t **payload,
                     size_t *got_len, tmldsa_error *err)
{
    const unsigned who = expect->sender;
    const char *what = type_name(expect->type);
    uint8_t want[TMLDSA_BINDBYTES];
    /* an absent message proves nothing about its sender (a refusing policy, a crash or a relay
     * that drops it look the same), so nobody is blamed; a present one is the sender's own */
    if (!m || !m->data)
        return tmldsa_set_error(err, TMLDSA_E_FORMAT, 0,
                                "%s message from party %u: missing (not sent or lost; nobody blamed)", what, who);
    if (m->len < TMLDSA_HDRBYTES)
        return tmldsa_set_error(err, TMLDSA_E_FORMAT, who, "%s message from party %u: shorter than the header", what,
                                who);
    const uint8_t *d = m->data;
    if (memcmp(d, magic, 4) != 0 || d[4] != TMLDSA_VERSION || d[9] != 0)
        return tmldsa_set_error(err, TMLDSA_E_FORMAT, who,
                                "%s message from party %u: bad magic, version or reserved byte", what, who);
    uint32_t plen = get_be32(d + 80);
    if ((size_t)plen != m->len - TMLDSA_HDRBYTES)
        return tmldsa_set_error(err, TMLDSA_E_FORMAT, who,
                                "%s message from party %u: length field %u does not match %zu payload bytes", what, who,
                                plen, m->len - TMLDSA_HDRBYTES);
    tmldsa_hdr_binding(want, expect);
    static const struct {
        unsigned off, len;
        const char *field;
    } fields[] = {
        {1, 1, "round/type"}, {2, 1, "sender"},  {3, 1, "receiver"}, {4, 1, "signer set"},
        {6, 2, "K"},          {8, 4, "attempt"}, {12, 32, "key id"}, {44, 32, "session id"},
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        if (memcmp(d + 4 + fields[i].off, want + fields[i].off, fields[i].len) != 0)
            return tmldsa_set_error(err, TMLDSA_E_BINDING, who,
                                    "%s message from party %u: %s does not match this session (replayed or misrouted)",
                                    what, who, fields[i].field);
    }
    if (payload_len != SIZE_MAX && plen != payload_len)
        return tmldsa_set_error(err, TMLDSA_E_FORMAT, who,
                                "%s message from party %u: payload is %u bytes, expected %zu", what, who, plen,
                                payload_len);
    *payload = d + TMLDSA_HDRBYTES;
    if (got_len) *got_len = plen;
    return TMLDSA_OK;
}

void tmldsa_hash_init(cc_keccak_ctx *x, const char *label, const tmldsa_hdr *binding)
{
    static const char prefix[] = "cctsa/tmldsa/v1/";
    uint8_t b[TMLDSA_BINDBYTES];
    size_t plen = sizeof prefix - 1, llen = strlen(label);
    uint8_t len = (uint8_t)(plen + llen);
    cc_shake256_init(x);
    cc_keccak_absorb(x, &len, 1);
    cc_keccak_absorb(x, (const uint8_t *)prefix, plen);
    cc_keccak_absorb(x, (const uint8_t *)label, llen);
    tmldsa_hdr_binding(b, binding);
    cc_keccak_absorb(x, b, sizeof b);
}

void tmldsa_hash_final(cc_keccak_ctx *x, uint8_t *out, size_t outlen)
{
    cc_keccak_squeeze(x, out, outlen);
    cc_keccak_wipe(x);
}

/* 8 coefficients of 23 bits = 184 bits = three little-endian words of 64, 64 and 56 bits. The
 * 56-bit word is accessed as the 64-bit word at byte 15 shifted by 8, so that every access is a
 * whole 64-bit word: one load/store on little-endian hosts (gcc turned the byte-wise stores into a
 * long byte-merging sequence), byte expressions elsewhere. */
static inline uint64_t load_le64(const uint8_t *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
#else
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 |
           (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
#endif
}

static inline void store_le64(uint8_t *p, uint64_t v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(p, &v, sizeof v);
#else
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
    p[4] = (uint8_t)(v >> 32);
    p[5] = (uint8_t)(v >> 40);
    p[6] = (uint8_t)(v >> 48);
    p[7] = (uint8_t)(v >> 56);
#endif
}

void tmldsa_pack23(uint8_t *out, const int32_t *v, size_t n)
{
    const uint64_t M = 0x7FFFFF;
    for (size_t i = 0; i < n; i += 8, v += 8, out += 23) {
        uint64_t c[8];
        for (unsigned j = 0; j < 8; j++) c[j] = (uint64_t)(uint32_t)v[j] & M;
        uint64_t w1 = c[2] >> 18 | c[3] << 5 | c[4] << 28 | c[5] << 51;
        uint64_t w2 = c[5] >> 13 | c[6] << 10 | c[7] << 33; /* 56 bits */
        store_le64(out, c[0] | c[1] << 23 | c[2] << 46);
        store_le64(out + 8, w1);
        store_le64(out + 15, w2 << 8 | w1 >> 56); /* rewrites byte 15 with its own value */
    }
}

void tmldsa_unpack23(int32_t *v, const uint8_t *in, size_t n)
{
    const uint64_t M = 0x7FFFFF;
    for (size_t i = 0; i < n; i += 8, v += 8, in += 23) {
        uint64_t w0 = load_le64(in), w1 = load_le64(in + 8), w2 = load_le64(in + 15) >> 8;
        v[0] = (int32_t)(w0 & M);
        v[1] = (int32_t)(w0 >> 23 & M);
        v[2] = (int32_t)((w0 >> 46 | w1 << 18) & M);
        v[3] = (int32_t)(w1 >> 5 & M);
        v[4] = (int32_t)(w1 >> 28 & M);
        v[5] = (int32_t)((w1 >> 51 | w2 << 13) & M);
        v[6] = (int32_t)(w2 >> 10 & M);
        v[7] = (int32_t)(w2 >> 33 & M);
    }
}

void tmldsa_pack_veck(uint8_t out[TMLDSA_VECK_PACKED], const mldsa_polyveck *w)
{
    for (unsigned i = 0; i < MLDSA_K; i++) tmldsa_pack23(out + i * (MLDSA_N * 23 / 8), w->v[i].c, MLDSA_N);
}

int tmldsa_unpack_veck(mldsa_polyveck *w, const uint8_t in[TMLDSA_VECK_PACKED])
{
    uint32_t bad = 0;
    for (unsigned i = 0; i < MLDSA_K; i++) {
        tmldsa_unpack23(w->v[i].c, in + i * (MLDSA_N * 23 / 8), MLDSA_N);
        for (unsigned j = 0; j < MLDSA_N; j++) bad |= (uint32_t)(MLDSA_Q - 1 - w->v[i].c[j]) >> 31;
    }
    return bad ? -1 : 0;
}

int32_t tmldsa_center(int32_t a)
{
    /* mask = all ones iff a > (q-1)/2 */
    uint32_t mask = 0u - ((uint32_t)((MLDSA_Q - 1) / 2 - a) >> 31);
    return a - (int32_t)(mask & (uint32_t)MLDSA_Q);
}

void tmldsa_key_id(uint8_t id[TMLDSA_KEYIDBYTES], const uint8_t pk[TMLDSA_PKBYTES],
                   const mldsa_polyveck t_sub[TMLDSA_SUBSETS])
{
    static const char label[] = "cctsa/tmldsa/v1/key-id";
    uint8_t packed[TMLDSA_VECK_PACKED];
    cc_keccak_ctx x;
    cc_shake256_init(&x);
    cc_keccak_absorb(&x, (const uint8_t *)label, sizeof label - 1);
    cc_keccak_absorb(&x, pk, TMLDSA_PKBYTES);
    for (unsigned i = 0; i < TMLDSA_SUBSETS; i++) {
        tmldsa_pack_veck(packed, &t_sub[i]);
        cc_keccak_absorb(&x, packed, sizeof packed);
    }
    cc_keccak_squeeze(&x, id, TMLDSA_KEYIDBYTES);
}

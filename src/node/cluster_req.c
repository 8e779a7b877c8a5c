/* cluster_req.c: encoder and strict parser of signing requests (cluster_sign.h). Layout:
 *   purpose u8 | scheme u8 | set u8 | coord u8 | profile u8 | gen_sec i64 | gen_ms u16 | time_block [12] |
 *   serial [16] | imprint_len u8 | imprint | nonce_len u8 | nonce | ecsig_len u8 | ecsig |
 *   presig [32] | tbs_len u32 | tbs */
#include <stdlib.h>
#include <string.h>

#include "node/cluster_schemes.h"
#include "node/cluster_sign.h"

#define FIXED (5 + 8 + 2 + TIME_BLOCK_BYTES + TSP_SERIAL_BYTES + 1 + 1 + 1 + CL_SID_BYTES + 4)

int cl_req_encode(const cl_sign_req *r, uint8_t **out, size_t *len)
{
    if (r->imprint_len > CL_IMPRINT_MAX || r->nonce_len > CL_NONCE_MAX || r->ecsig_len > TECDSA_SIG_MAX_DER ||
        r->tbs_len > CL_TBS_MAX)
        return -1;
    size_t n = FIXED + r->imprint_len + r->nonce_len + r->ecsig_len + r->tbs_len;
    uint8_t *b = malloc(n), *p = b;
    if (!b) return -1;
    *p++ = r->purpose, *p++ = r->scheme, *p++ = r->set, *p++ = r->coord, *p++ = r->profile;
    for (int i = 7; i >= 0; i--) *p++ = (uint8_t)((uint64_t)r->gen_sec >> (8 * i));
    *p++ = (uint8_t)(r->gen_ms >> 8), *p++ = (uint8_t)r->gen_ms;
    memcpy(p, r->time_block, TIME_BLOCK_BYTES), p += TIME_BLOCK_BYTES;
    memcpy(p, r->serial, TSP_SERIAL_BYTES), p += TSP_SERIAL_BYTES;
    *p++ = (uint8_t)r->imprint_len;
    if (r->imprint_len) memcpy(p, r->imprint, r->imprint_len), p += r->imprint_len;
    *p++ = (uint8_t)r->nonce_len;
    if (r->nonce_len) memcpy(p, r->nonce, r->nonce_len), p += r->nonce_len;
    *p++ = (uint8_t)r->ecsig_len;
    if (r->ecsig_len) memcpy(p, r->ecsig, r->ecsig_len), p += r->ecsig_len;
    memcpy(p, r->presig, CL_SID_BYTES), p += CL_SID_BYTES;
    for (int i = 3; i >= 0; i--) *p++ = (uint8_t)(r->tbs_len >> (8 * i));
    if (r->tbs_len) memcpy(p, r->tbs, r->tbs_len);
    *out = b;
    *len = n;
    return 0;
}

static int var(const uint8_t **p, const uint8_t *end, size_t max, const uint8_t **v, size_t *vl)
{
    if (*p >= end) return -1;
    size_t n = *(*p)++;
    if (n > max || (size_t)(end - *p) < n) return -1;
    *v = n ? *p : NULL;
    *vl = n;
    *p += n;
    return 0;
}

int cl_req_parse(const uint8_t *b, size_t len, cl_sign_req *r, const char **why)
{
    unsigned ids[CL_T];
    memset(r, 0, sizeof *r);
    if (!b || len < FIXED) return *why = "request too short", -1;
    const uint8_t *p = b, *end = b + len;
    r->purpose = *p++, r->scheme = *p++, r->set = *p++, r->coord = *p++, r->profile = *p++;
    if (r->purpose < CL_PURPOSE_TOKEN || r->purpose >= CL_PURPOSE_MAX) return *why = "unknown purpose", -1;
    if (r->scheme != CL_SCHEME_ML && r->scheme != CL_SCHEME_EC) return *why = "unknown scheme", -1;
    if (r->purpose == CL_PURPOSE_PRESIGN && r->scheme != CL_SCHEME_EC) return *why = "presigning is ECDSA only", -1;
    if (!cl_set_ids(r->set, ids)) return *why = "signer set is not 3 of the 5 parties", -1;
    if (r->coord < 1 || r->coord > CL_N || !(r->set & (1u << (r->coord - 1))))
        return *why = "coordinator not in the signer set", -1;
    if (r->profile >= TSP_PROFILE_COUNT) return *why = "unknown profile", -1;
    uint64_t g = 0;
    for (int i = 0; i < 8; i++) g = g << 8 | *p++;
    if (g > (uint64_t)253402300799) return *why = "genTime out of range", -1; /* 9999-12-31 */
    r->gen_sec = (int64_t)g;
    r->gen_ms = (uint16_t)(p[0] << 8 | p[1]);
    p += 2;
    if (r->gen_ms > 999) return *why = "genTime milliseconds out of range", -1;
    memcpy(r->time_block, p, TIME_BLOCK_BYTES), p += TIME_BLOCK_BYTES; /* checked by time_peer_check */
    memcpy(r->serial, p, TSP_SERIAL_BYTES), p += TSP_SERIAL_BYTES;
    if (var(&p, end, CL_IMPRINT_MAX, &r->imprint, &r->imprint_len) ||
        var(&p, end, CL_NONCE_MAX, &r->nonce, &r->nonce_len) ||
        var(&p, end, TECDSA_SIG_MAX_DER, &r->ecsig, &r->ecsig_len))
        return *why = "variable field overruns the request", -1;
    if ((size_t)(end - p) < CL_SID_BYTES + 4) return *why = "request truncated", -1;
    memcpy(r->presig, p, CL_SID_BYTES), p += CL_SID_BYTES;
    size_t tl = (size_t)p[0] << 24 | (size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3];
    p += 4;
    if (tl > CL_TBS_MAX || tl != (size_t)(end - p)) return *why = "to-be-signed length does not match", -1;
    r->tbs = tl ? p : NULL;
    r->tbs_len = tl;
    if (r->purpose != CL_PURPOSE_PRESIGN && !tl) return *why = "nothing to sign", -1;
    return 0;
}

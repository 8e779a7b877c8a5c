/* cluster_msg.c: encoder and strict parser of cluster messages (cluster_msg.h). */
#include "node/cluster_msg.h"

#include <stdlib.h>
#include <string.h>

static const uint8_t magic[4] = {'C', 'C', 'L', 'M'};

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int fields_ok(const cl_msg *m, const char **why)
{
    if (m->kind < CL_KIND_COMMIT || m->kind >= CL_KIND_MAX) return *why = "unknown kind", 0;
    if (m->party > CLUSTER_NODES) return *why = "party out of range", 0;
    if (m->round > CL_MSG_MAX_ROUND) return *why = "round out of range", 0;
    if ((m->kind == CL_KIND_COMMIT || m->kind == CL_KIND_REVEAL) && m->party != 0)
        return *why = "party index not allowed for this kind", 0;
    if (m->party == 0 && m->kind != CL_KIND_COMMIT && m->kind != CL_KIND_REVEAL && m->kind != CL_KIND_ABORT)
        return *why = "party index missing", 0;
    if (m->epoch == 0) return *why = "epoch 0", 0;
    return 1;
}

int cl_msg_encode(const cl_msg *m, uint8_t **out, size_t *outlen)
{
    const char *why;
    *out = NULL;
    if (!fields_ok(m, &why) || m->bc_len > CL_MSG_MAX_BODY || m->p2p_len > CL_MSG_MAX_BODY ||
        m->bc_len + m->p2p_len > CL_MSG_MAX_BODY - CL_MSG_HDR_BYTES)
        return -1;
    size_t n = CL_MSG_HDR_BYTES + m->bc_len + m->p2p_len;
    uint8_t *b = malloc(n), *p = b;
    if (!b) return -1;
    memcpy(p, magic, 4), p += 4;
    *p++ = CL_MSG_VERSION;
    *p++ = m->kind;
    *p++ = 0;
    *p++ = m->party;
    put32(p, m->epoch), p += 4;
    memcpy(p, m->sid, CL_SID_BYTES), p += CL_SID_BYTES;
    *p++ = (uint8_t)(m->round >> 8);
    *p++ = (uint8_t)m->round;
    memcpy(p, m->sender, CLUSTER_KEY_BYTES), p += CLUSTER_KEY_BYTES;
    put32(p, (uint32_t)m->bc_len), p += 4;
    if (m->bc_len) memcpy(p, m->bc, m->bc_len), p += m->bc_len;
    put32(p, (uint32_t)m->p2p_len), p += 4;
    if (m->p2p_len) memcpy(p, m->p2p, m->p2p_len);
    *out = b;
    *outlen = n;
    return 0;
}

int cl_msg_parse(const uint8_t *buf, size_t len, cl_msg *m, const char **why)
{
    const char *ignored;
    if (!why) why = &ignored;
    memset(m, 0, sizeof *m);
    if (!buf || len < CL_MSG_HDR_BYTES) return *why = "message shorter than its header", -1;
    if (len > CL_MSG_MAX_BODY) return *why = "message too long", -1;
    if (memcmp(buf, magic, 4)) return *why = "bad magic", -1;
    if (buf[4] != CL_MSG_VERSION) return *why = "unsupported version", -1;
    m->kind = buf[5];
    if (buf[6] != 0) return *why = "reserved flags set", -1;
    m->party = buf[7];
    m->epoch = get32(buf + 8);
    memcpy(m->sid, buf + 12, CL_SID_BYTES);
    const uint8_t *p = buf + 12 + CL_SID_BYTES;
    m->round = (uint16_t)(p[0] << 8 | p[1]);
    p += 2;
    memcpy(m->sender, p, CLUSTER_KEY_BYTES);
    p += CLUSTER_KEY_BYTES;
    if (!fields_ok(m, why)) return -1;
    size_t left = len - (size_t)(p - buf);
    uint32_t bl = get32(p);
    p += 4, left -= 4;
    if (bl > left - 4) return *why = "broadcast part overruns the message", -1;
    m->bc = bl ? p : NULL;
    m->bc_len = bl;
    p += bl, left -= bl;
    uint32_t pl = get32(p);
    p += 4, left -= 4;
    if (pl != left) return *why = "point-to-point length does not match the message", -1;
    m->p2p = pl ? p : NULL;
    m->p2p_len = pl;
    return 0;
}

const char *cl_kind_name(int kind)
{
    static const char *names[CL_KIND_MAX] = {"?",       "commit",  "reveal",     "ml_dkg",   "ec_dkg",
                                             "confirm", "ml_sign", "ec_presign", "ec_sign",  "start",
                                             "abort",   "live",    "certs",      "dkg_abort"};
    return kind > 0 && kind < CL_KIND_MAX ? names[kind] : "unknown";
}

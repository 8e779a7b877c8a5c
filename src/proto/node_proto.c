/* node_proto.c: frame header, body limits, and the SIGN, STATUS (base and cluster block), DER list
 * (CERTS, CSRS, CERT_INSTALL), CERT_INSTALL result, ATTEST answer and ERROR bodies (see node_proto.h). */
#include "proto/node_proto.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

uint32_t proto_get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void proto_put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint64_t get64(const uint8_t *p) { return (uint64_t)proto_get32(p) << 32 | proto_get32(p + 4); }

static void put64(uint8_t *p, uint64_t v)
{
    proto_put32(p, (uint32_t)(v >> 32));
    proto_put32(p + 4, (uint32_t)v);
}

uint32_t proto_max_body(uint8_t type)
{
    switch (type) {
    case PROTO_SIGN: return 2 + 2 + PROTO_DIGEST_MAX + 1 + PROTO_POLICY_MAX + 1 + PROTO_NONCE_MAX + 2;
    case PROTO_STATUS:
    case PROTO_BINDING:
    case PROTO_CERTS:
    case PROTO_CSRS: return 0;
    case PROTO_CERT_INSTALL: return 1 + PROTO_DER_LIST_MAX * (4 + PROTO_CERT_MAX);
    case PROTO_ATTEST: return PROTO_ATTEST_NONCE_MAX;
    case PROTO_SIGN | PROTO_RESPONSE: return 4 + PROTO_REASON_MAX + 4 + (256u << 10);
    case PROTO_STATUS | PROTO_RESPONSE: return PROTO_STATUS_MAX_LEN;
    case PROTO_ATTEST | PROTO_RESPONSE:
    case PROTO_BINDING | PROTO_RESPONSE: return 72u << 10;
    case PROTO_CERTS | PROTO_RESPONSE:
    case PROTO_CSRS | PROTO_RESPONSE: return 128u << 10;
    case PROTO_CERT_INSTALL | PROTO_RESPONSE: return 2 + PROTO_REASON_MAX;
    case PROTO_CONTROL: return 12 + PROTO_CONTROL_ENVELOPE_MAX + 2 * PROTO_CONTROL_CERT_MAX;
    case PROTO_CONTROL | PROTO_RESPONSE: return 1 + PROTO_REASON_MAX;
    case PROTO_ERROR: return 2 + PROTO_REASON_MAX;
    default: return 0;
    }
}

static int is_request(uint8_t t) { return (t >= PROTO_SIGN && t <= PROTO_CSRS); }

static int known_type(uint8_t t, int requests_only)
{
    if (requests_only) return is_request(t);
    return t == PROTO_ERROR || (t & PROTO_RESPONSE && is_request(t & 0x7F));
}

void proto_header_write(uint8_t out[PROTO_HEADER_LEN], uint8_t type, uint32_t id, uint32_t body_len)
{
    memcpy(out, PROTO_MAGIC, 4);
    out[4] = PROTO_VERSION;
    out[5] = type;
    out[6] = out[7] = 0;
    proto_put32(out + 8, id);
    proto_put32(out + 12, body_len);
}

int proto_header_parse(const uint8_t in[PROTO_HEADER_LEN], int requests_only, proto_header *h, const char **why)
{
    const char *w = NULL;
    h->type = in[5];
    h->flags = (uint16_t)(in[6] << 8 | in[7]);
    h->id = proto_get32(in + 8);
    h->body_len = proto_get32(in + 12);
    if (memcmp(in, PROTO_MAGIC, 4) != 0)
        w = "bad magic";
    else if (in[4] != PROTO_VERSION)
        w = "unsupported protocol version";
    else if (h->flags)
        w = "non-zero flags";
    else if (!known_type(h->type, requests_only))
        w = "unknown message type";
    else if (h->body_len > proto_max_body(h->type))
        w = "body larger than the type allows";
    if (w && why) *why = w;
    return w ? -1 : 0;
}

/* ---- imprint templates: index = tsp_hash_alg * 2 + (1 if parameters are NULL) ---- */
static const uint8_t hash_oid_last[6] = {0x01, 0x02, 0x03, 0x08, 0x09, 0x0A};
static const uint8_t hash_len[6] = {32, 48, 64, 32, 48, 64};
static const uint8_t oid_prefix[8] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02};

size_t proto_imprint_build(int tmpl, const uint8_t *digest, size_t digest_len, uint8_t out[PROTO_IMPRINT_MAX])
{
    if (tmpl < 0 || tmpl >= PROTO_IMPRINT_TEMPLATES || digest_len != hash_len[tmpl / 2]) return 0;
    int null = tmpl & 1;
    size_t alg_len = 2 + 9 + (null ? 2 : 0), n = 0;
    size_t inner = 2 + alg_len + 2 + digest_len;
    out[n++] = 0x30;
    out[n++] = (uint8_t)inner;
    out[n++] = 0x30;
    out[n++] = (uint8_t)alg_len;
    out[n++] = 0x06;
    out[n++] = 9;
    memcpy(out + n, oid_prefix, sizeof oid_prefix);
    n += sizeof oid_prefix;
    out[n++] = hash_oid_last[tmpl / 2];
    if (null) {
        out[n++] = 0x05;
        out[n++] = 0x00;
    }
    out[n++] = 0x04;
    out[n++] = (uint8_t)digest_len;
    memcpy(out + n, digest, digest_len);
    return n + digest_len;
}

int proto_imprint_template_of(const uint8_t *imprint_tlv, size_t len, int hash_alg)
{
    uint8_t t[PROTO_IMPRINT_MAX];
    if (hash_alg < 0 || hash_alg >= 6) return -1;
    for (int null = 0; null < 2; null++) {
        int tmpl = hash_alg * 2 + null;
        size_t dl = hash_len[hash_alg];
        if (len <= dl) return -1;
        size_t n = proto_imprint_build(tmpl, imprint_tlv + (len - dl), dl, t);
        if (n == len && !memcmp(t, imprint_tlv, n)) return tmpl;
    }
    return -1;
}

/* ---- SIGN request: profile u8 | cert_req u8 | template u8 | digest_len u8 | digest |
 *      policy_len u8 | policy | nonce_len u8 | nonce | deadline_ms u16 ---- */
size_t proto_sign_req_encode(const proto_sign_req *r, uint8_t *out, size_t cap)
{
    size_t n = 4 + (size_t)r->digest_len + 1 + r->policy_len + 1 + r->nonce_len + 2;
    if (n > cap || r->digest_len > PROTO_DIGEST_MAX || r->policy_len > PROTO_POLICY_MAX ||
        r->nonce_len > PROTO_NONCE_MAX)
        return 0;
    size_t i = 0;
    out[i++] = r->profile;
    out[i++] = r->cert_req;
    out[i++] = r->imprint_template;
    out[i++] = r->digest_len;
    memcpy(out + i, r->digest, r->digest_len);
    i += r->digest_len;
    out[i++] = r->policy_len;
    memcpy(out + i, r->policy, r->policy_len);
    i += r->policy_len;
    out[i++] = r->nonce_len;
    memcpy(out + i, r->nonce, r->nonce_len);
    i += r->nonce_len;
    out[i++] = (uint8_t)(r->deadline_ms >> 8);
    out[i++] = (uint8_t)r->deadline_ms;
    return i;
}

/* A field of length prefix u8 with at most max bytes; -1 if it runs past the end. */
static int take_field(const uint8_t *b, size_t len, size_t *i, uint8_t *dst, uint8_t *dst_len, size_t max)
{
    if (*i >= len) return -1;
    size_t n = b[(*i)++];
    if (n > max || n > len - *i) return -1;
    memcpy(dst, b + *i, n);
    *dst_len = (uint8_t)n;
    *i += n;
    return 0;
}

/* DER INTEGER contents: minimal (no redundant leading 0x00 / 0xFF) and non-negative. */
static int integer_ok(const uint8_t *c, size_t n)
{
    if (!n || c[0] & 0x80) return 0;
    return n == 1 || c[0] != 0 || (c[1] & 0x80);
}

int proto_sign_req_parse(const uint8_t *b, size_t len, proto_sign_req *r, const char **why)
{
    size_t i = 3;
    const char *w = NULL;
    memset(r, 0, sizeof *r);
    if (len < 3)
        w = "SIGN body truncated";
    else if ((r->profile = b[0]) >= 4 && r->profile != PROTO_PROFILE_DEFAULT)
        w = "unknown profile";
    else if ((r->cert_req = b[1]) > 1)
        w = "certReq is not 0 or 1";
    else if ((r->imprint_template = b[2]) >= PROTO_IMPRINT_TEMPLATES)
        w = "unknown imprint template";
    else if (take_field(b, len, &i, r->digest, &r->digest_len, PROTO_DIGEST_MAX) != 0 ||
             r->digest_len != hash_len[r->imprint_template / 2])
        w = "digest length does not match the hash algorithm";
    else if (take_field(b, len, &i, r->policy, &r->policy_len, PROTO_POLICY_MAX) != 0)
        w = "bad policy field";
    else if (take_field(b, len, &i, r->nonce, &r->nonce_len, PROTO_NONCE_MAX) != 0)
        w = "bad nonce field";
    else if (r->nonce_len && !integer_ok(r->nonce, r->nonce_len))
        w = "nonce is not a minimal non-negative INTEGER";
    else if (len - i != 2)
        w = "SIGN body length mismatch";
    else
        r->deadline_ms = (uint16_t)(b[i] << 8 | b[i + 1]);
    if (!w && r->policy_len && (r->policy[r->policy_len - 1] & 0x80)) w = "policy OID contents truncated";
    if (w && why) *why = w;
    return w ? -1 : 0;
}

/* ---- SIGN result: outcome u8 | fail_bit u8 | profile u8 | reason_len u8 | reason |
 *      der_len u32 | der ---- */
int proto_sign_resp_frame(const proto_sign_resp *r, uint32_t id, uint8_t **out, size_t *len)
{
    size_t rl = strnlen(r->reason, PROTO_REASON_MAX);
    size_t body = 4 + rl + 4 + r->der_len;
    if (body > proto_max_body(PROTO_SIGN | PROTO_RESPONSE)) return -1;
    uint8_t *f = malloc(PROTO_HEADER_LEN + body);
    if (!f) return -1;
    proto_header_write(f, PROTO_SIGN | PROTO_RESPONSE, id, (uint32_t)body);
    uint8_t *p = f + PROTO_HEADER_LEN;
    p[0] = r->outcome;
    p[1] = r->fail_bit;
    p[2] = r->profile;
    p[3] = (uint8_t)rl;
    memcpy(p + 4, r->reason, rl);
    proto_put32(p + 4 + rl, r->der_len);
    if (r->der_len) memcpy(p + 8 + rl, r->der, r->der_len);
    *out = f;
    *len = PROTO_HEADER_LEN + body;
    return 0;
}

static int printable(const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < 0x20 || s[i] > 0x7E) return 0;
    return 1;
}

int proto_sign_resp_parse(const uint8_t *b, size_t len, proto_sign_resp *r, const char **why)
{
    const char *w = NULL;
    memset(r, 0, sizeof *r);
    size_t rl = len >= 4 ? b[3] : 0;
    if (len < 8 || rl > PROTO_REASON_MAX || len - 8 < rl)
        w = "SIGN result truncated";
    else if (b[0] > PROTO_UNAVAILABLE)
        w = "unknown outcome";
    else if (!printable(b + 4, rl))
        w = "reason is not printable ASCII";
    else if (proto_get32(b + 4 + rl) != len - 8 - rl)
        w = "SIGN result length mismatch";
    else if ((b[0] == PROTO_GRANTED) != (len - 8 - rl > 0))
        w = "a TimeStampResp comes with, and only with, a grant";
    if (w) {
        if (why) *why = w;
        return -1;
    }
    r->outcome = b[0];
    r->fail_bit = b[1];
    r->profile = b[2];
    memcpy(r->reason, b + 4, rl);
    r->reason[rl] = 0;
    r->der_len = (uint32_t)(len - 8 - rl);
    r->der = r->der_len ? b + 8 + rl : NULL;
    return 0;
}

/* ---- STATUS: base 96 bytes | cluster block (flag PROTO_STATUS_CLUSTER) | performance block (PROTO_STATUS_PERF) ---- */
static const char *const time_reasons[PROTO_TIME_REASONS] = {
    "not_synced", "holdover_expired", "error_bound", "leap_second", "gentime_window", "coordinator_untrusted"};
static const char *const attest_reasons[PROTO_ATTEST_REASONS] = {"measurement", "debug", "chip_id", "evidence"};

const char *proto_time_reason_name(int r) { return r >= 0 && r < PROTO_TIME_REASONS ? time_reasons[r] : "unknown"; }

const char *proto_attest_reason_name(int r)
{
    return r >= 0 && r < PROTO_ATTEST_REASONS ? attest_reasons[r] : "unknown";
}

static int name_char(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
}

/* A text field: len u8 | max bytes (text, then zeros). names: the node-name alphabet. */
static int put_text(uint8_t *o, const char *t, size_t max, int names)
{
    size_t n = strnlen(t, max + 1);
    if (n > max) return -1;
    for (size_t i = 0; i < n; i++)
        if (names ? !name_char((uint8_t)t[i]) : !printable((const uint8_t *)t + i, 1)) return -1;
    o[0] = (uint8_t)n;
    memcpy(o + 1, t, n);
    return 0;
}

static int get_text(const uint8_t *b, char *t, size_t max, int names)
{
    static const uint8_t zero[PROTO_TEXT_MAX];
    size_t n = b[0];
    if (n > max || memcmp(b + 1 + n, zero, max - n) != 0) return -1;
    for (size_t i = 0; i < n; i++)
        if (names ? !name_char(b[1 + i]) : !printable(b + 1 + i, 1)) return -1;
    memcpy(t, b + 1, n);
    t[n] = 0;
    return 0;
}

static void base_encode(const proto_status *s, uint8_t flags, uint8_t o[PROTO_STATUS_LEN])
{
    memset(o, 0, PROTO_STATUS_LEN);
    memcpy(o, s->node_id, 16);
    memcpy(o + 16, s->boot_id, 16);
    o[32] = s->node_state;
    o[33] = s->attested;
    o[34] = s->time_state;
    o[35] = flags;
    o[36] = s->profiles_mask;
    o[37] = s->default_profile;
    o[38] = s->cert_state;
    o[39] = s->quorum_available;
    put64(o + 40, s->eps_ns);
    put64(o + 48, (uint64_t)s->not_after);
    put64(o + 56, (uint64_t)s->seconds_left);
    put64(o + 64, s->uptime_s);
    put64(o + 72, s->granted);
    put64(o + 80, s->refused);
    /* 88..95 reserved, zero */
}

void proto_status_encode(const proto_status *s, uint8_t o[PROTO_STATUS_LEN])
{
    base_encode(s, (uint8_t)(s->flags & ~(PROTO_STATUS_CLUSTER | PROTO_STATUS_PERF)), o);
}

static int node_encode(const proto_cluster_node *n, uint8_t *o)
{
    memset(o, 0, PROTO_NODE_ENTRY_LEN);
    memcpy(o, n->key, PROTO_SHORT_KEY);
    if (put_text(o + 8, n->name, PROTO_NAME_MAX, 1) != 0) return -1;
    o[40] = n->party;
    o[41] = n->link;
    o[42] = n->reachable;
    o[43] = n->holder;
    o[44] = n->excluded;
    proto_put32(o + 48, n->attest_age_s);
    put64(o + 56, (uint64_t)n->offset_ns);
    return put_text(o + 64, n->reason, PROTO_TEXT_MAX, 0);
}

static int cluster_encode(const proto_cluster *c, uint8_t *o)
{
    memset(o, 0, PROTO_CLUSTER_LEN);
    proto_put32(o, c->epoch);
    o[4] = c->epoch_state;
    o[5] = c->availability;
    o[6] = c->node_state;
    o[7] = c->party;
    o[8] = c->reachable;
    o[9] = c->alive;
    o[10] = c->nts_configured;
    o[11] = c->nts_agreeing;
    proto_put32(o + 12, c->presigs);
    const uint64_t u[7] = {c->dkg_ok,      c->dkg_failed,   c->dkg_last_ms,         c->signed_ok,
                           c->sign_failed, c->sign_retries, c->participant_refusals};
    for (int i = 0; i < 7; i++) put64(o + 16 + 8 * i, u[i]);
    put64(o + 72, (uint64_t)c->cert_not_after);
    proto_put32(o + 80, c->attest_age_s);
    proto_put32(o + 84, c->sync_age_s);
    for (int i = 0; i < PROTO_TIME_REASONS; i++) put64(o + 88 + 8 * i, c->time_refusals[i]);
    for (int i = 0; i < PROTO_ATTEST_REASONS; i++) put64(o + 136 + 8 * i, c->attest_failures[i]);
    memcpy(o + 168, c->ml_key_id, 32);
    memcpy(o + 200, c->ec_key_id, 48);
    if (put_text(o + 248, c->reason, PROTO_TEXT_MAX, 0) != 0) return -1;
    for (int i = 0; i < PROTO_CLUSTER_NODES; i++)
        if (node_encode(&c->nodes[i], o + 408 + i * PROTO_NODE_ENTRY_LEN) != 0) return -1;
    return 0;
}

/* The performance block: 0 mesh bytes out | 8 in | 16 frames out | 24 in | 32 attempts sum | 40 buckets. */
static void perf_encode(const proto_perf *p, uint8_t *o)
{
    const uint64_t u[5] = {p->mesh_bytes_out, p->mesh_bytes_in, p->mesh_frames_out, p->mesh_frames_in,
                           p->ml_attempts_sum};
    for (int i = 0; i < 5; i++) put64(o + 8 * i, u[i]);
    for (int i = 0; i < PROTO_ML_ATTEMPT_BUCKETS; i++) put64(o + 40 + 8 * i, p->ml_attempts[i]);
}

static void perf_parse(const uint8_t *b, proto_perf *p)
{
    uint64_t *u[5] = {&p->mesh_bytes_out, &p->mesh_bytes_in, &p->mesh_frames_out, &p->mesh_frames_in,
                      &p->ml_attempts_sum};
    for (int i = 0; i < 5; i++) *u[i] = get64(b + 8 * i);
    for (int i = 0; i < PROTO_ML_ATTEMPT_BUCKETS; i++) p->ml_attempts[i] = get64(b + 40 + 8 * i);
}

size_t proto_status_write(const proto_status *s, uint8_t o[PROTO_STATUS_MAX_LEN])
{
    base_encode(s, s->flags, o);
    if (!(s->flags & PROTO_STATUS_CLUSTER)) return s->flags & PROTO_STATUS_PERF ? 0 : PROTO_STATUS_LEN;
    if (cluster_encode(&s->cluster, o + PROTO_STATUS_LEN) != 0) return 0;
    if (!(s->flags & PROTO_STATUS_PERF)) return PROTO_STATUS_LEN + PROTO_CLUSTER_LEN;
    perf_encode(&s->perf, o + PROTO_STATUS_LEN + PROTO_CLUSTER_LEN);
    return PROTO_STATUS_MAX_LEN;
}

static const char *node_parse(const uint8_t *b, proto_cluster_node *n)
{
    static const uint8_t zero[4];
    memcpy(n->key, b, PROTO_SHORT_KEY);
    if (get_text(b + 8, n->name, PROTO_NAME_MAX, 1) != 0) return "STATUS node name invalid";
    n->party = b[40];
    n->link = b[41];
    n->reachable = b[42];
    n->holder = b[43];
    n->excluded = b[44];
    if (n->party > PROTO_CLUSTER_NODES || n->link > 4 || n->reachable > 1 || n->holder > 1 || n->excluded > 1 ||
        memcmp(b + 45, zero, 3) != 0 || memcmp(b + 52, zero, 4) != 0)
        return "STATUS node field out of range";
    n->attest_age_s = proto_get32(b + 48);
    n->offset_ns = (int64_t)get64(b + 56);
    if (get_text(b + 64, n->reason, PROTO_TEXT_MAX, 0) != 0) return "STATUS node reason invalid";
    return NULL;
}

static const char *cluster_parse(const uint8_t *b, proto_cluster *c)
{
    c->epoch = proto_get32(b);
    c->epoch_state = b[4];
    c->availability = b[5];
    c->node_state = b[6];
    c->party = b[7];
    c->reachable = b[8];
    c->alive = b[9];
    c->nts_configured = b[10];
    c->nts_agreeing = b[11];
    /* bounds: lc_epoch_state, lc_availability, lc_node_state counts (node/lifecycle.h) */
    if (c->epoch_state > 4 || c->availability > 5 || c->node_state > 8 || c->party > PROTO_CLUSTER_NODES ||
        c->reachable > PROTO_CLUSTER_NODES || c->alive > PROTO_CLUSTER_NODES || c->nts_agreeing > c->nts_configured)
        return "STATUS cluster field out of range";
    c->presigs = proto_get32(b + 12);
    uint64_t *u[7] = {&c->dkg_ok,      &c->dkg_failed,   &c->dkg_last_ms,         &c->signed_ok,
                      &c->sign_failed, &c->sign_retries, &c->participant_refusals};
    for (int i = 0; i < 7; i++) *u[i] = get64(b + 16 + 8 * i);
    c->cert_not_after = (int64_t)get64(b + 72);
    c->attest_age_s = proto_get32(b + 80);
    c->sync_age_s = proto_get32(b + 84);
    for (int i = 0; i < PROTO_TIME_REASONS; i++) c->time_refusals[i] = get64(b + 88 + 8 * i);
    for (int i = 0; i < PROTO_ATTEST_REASONS; i++) c->attest_failures[i] = get64(b + 136 + 8 * i);
    memcpy(c->ml_key_id, b + 168, 32);
    memcpy(c->ec_key_id, b + 200, 48);
    if (get_text(b + 248, c->reason, PROTO_TEXT_MAX, 0) != 0) return "STATUS cluster reason invalid";
    for (int i = 0; i < PROTO_CLUSTER_NODES; i++) {
        const char *w = node_parse(b + 408 + i * PROTO_NODE_ENTRY_LEN, &c->nodes[i]);
        if (w) return w;
    }
    return NULL;
}

int proto_status_parse(const uint8_t *b, size_t len, proto_status *s, const char **why)
{
    static const uint8_t zero[8];
    const char *w = NULL;
    int cluster = len >= PROTO_STATUS_LEN && (b[35] & PROTO_STATUS_CLUSTER);
    int perf = len >= PROTO_STATUS_LEN && (b[35] & PROTO_STATUS_PERF);
    memset(s, 0, sizeof *s);
    if (perf && !cluster)
        w = "STATUS performance block without the cluster block";
    else if (len != (size_t)PROTO_STATUS_LEN + (cluster ? PROTO_CLUSTER_LEN : 0) + (perf ? PROTO_PERF_LEN : 0))
        w = "STATUS body has the wrong length";
    else if (b[32] > PROTO_NODE_FAILED || b[33] > 1 || b[34] > PROTO_TIME_EXCLUDED || b[35] > 15 || b[36] > 15 ||
             b[37] > 3 || b[38] > 4 || b[39] > 1 || memcmp(b + 88, zero, 8) != 0)
        w = "STATUS field out of range";
    else if (cluster)
        w = cluster_parse(b + PROTO_STATUS_LEN, &s->cluster);
    if (w) {
        if (why) *why = w;
        return -1;
    }
    if (perf) perf_parse(b + PROTO_STATUS_LEN + PROTO_CLUSTER_LEN, &s->perf);
    memcpy(s->node_id, b, 16);
    memcpy(s->boot_id, b + 16, 16);
    s->node_state = b[32];
    s->attested = b[33];
    s->time_state = b[34];
    s->flags = b[35];
    s->profiles_mask = b[36];
    s->default_profile = b[37];
    s->cert_state = b[38];
    s->quorum_available = b[39];
    s->eps_ns = get64(b + 40);
    s->not_after = (int64_t)get64(b + 48);
    s->seconds_left = (int64_t)get64(b + 56);
    s->uptime_s = get64(b + 64);
    s->granted = get64(b + 72);
    s->refused = get64(b + 80);
    return 0;
}

/* ---- DER lists (CERTS, CSRS answers; CERT_INSTALL request) ---- */
int proto_der_list_frame(uint8_t type, uint32_t id, const proto_der_list *l, uint8_t **out, size_t *len)
{
    size_t body = 1;
    if (l->n > PROTO_DER_LIST_MAX) return -1;
    for (unsigned i = 0; i < l->n; i++) body += 4 + l->len[i];
    if (body > proto_max_body(type)) return -1;
    uint8_t *f = malloc(PROTO_HEADER_LEN + body);
    if (!f) return -1;
    proto_header_write(f, type, id, (uint32_t)body);
    uint8_t *p = f + PROTO_HEADER_LEN;
    *p++ = (uint8_t)l->n;
    for (unsigned i = 0; i < l->n; i++) {
        proto_put32(p, (uint32_t)l->len[i]);
        memcpy(p + 4, l->der[i], l->len[i]);
        p += 4 + l->len[i];
    }
    *out = f;
    *len = PROTO_HEADER_LEN + body;
    return 0;
}

int proto_der_list_parse(const uint8_t *b, size_t len, size_t item_max, proto_der_list *l, const char **why)
{
    const char *w = NULL;
    size_t i = 1;
    memset(l, 0, sizeof *l);
    if (len < 1 || b[0] > PROTO_DER_LIST_MAX) w = "DER list count missing or over 2";
    for (unsigned k = 0; !w && k < b[0]; k++) {
        size_t n = len - i >= 4 ? proto_get32(b + i) : SIZE_MAX;
        if (n == SIZE_MAX || n > len - i - 4)
            w = "DER list item truncated";
        else if (n < 2 || n > item_max || b[i + 4] != 0x30)
            w = "DER list item is not a SEQUENCE within the size limit";
        else
            l->der[k] = b + i + 4, l->len[k] = n, i += 4 + n;
    }
    if (!w && i != len) w = "DER list has trailing bytes";
    if (w) {
        memset(l, 0, sizeof *l);
        if (why) *why = w;
        return -1;
    }
    l->n = b[0];
    return 0;
}

/* ---- CERT_INSTALL result: accepted u8 | reason_len u8 | reason ---- */
size_t proto_install_resp_encode(const proto_install_resp *r, uint8_t out[2 + PROTO_REASON_MAX])
{
    size_t rl = strnlen(r->reason, PROTO_REASON_MAX);
    out[0] = r->accepted ? 1 : 0;
    out[1] = (uint8_t)rl;
    memcpy(out + 2, r->reason, rl);
    return 2 + rl;
}

int proto_install_resp_parse(const uint8_t *b, size_t len, proto_install_resp *r, const char **why)
{
    const char *w = NULL;
    memset(r, 0, sizeof *r);
    if (len < 2 || b[0] > 1 || b[1] > PROTO_REASON_MAX || len != 2u + b[1])
        w = "CERT_INSTALL result malformed";
    else if (!printable(b + 2, b[1]))
        w = "reason is not printable ASCII";
    else if (!b[0] && !b[1])
        w = "a refusal without a reason";
    if (w) {
        if (why) *why = w;
        return -1;
    }
    r->accepted = b[0];
    memcpy(r->reason, b + 2, b[1]);
    return 0;
}

/* ---- ATTEST answer: report | u32 endorsements length | endorsements ---- */
int proto_attest_resp_parse(const uint8_t *b, size_t len, proto_attest_resp *r, const char **why)
{
    memset(r, 0, sizeof *r);
    if (len < PROTO_ATTEST_REPORT_LEN + 4 ||
        proto_get32(b + PROTO_ATTEST_REPORT_LEN) != len - PROTO_ATTEST_REPORT_LEN - 4) {
        if (why) *why = "ATTEST answer length mismatch";
        return -1;
    }
    r->report = b;
    r->endorsements_len = len - PROTO_ATTEST_REPORT_LEN - 4;
    r->endorsements = r->endorsements_len ? b + PROTO_ATTEST_REPORT_LEN + 4 : NULL;
    return 0;
}

/* ---- ERROR: code u16 | reason ---- */
size_t proto_error_frame(uint32_t id, uint16_t code, const char *reason, uint8_t *out, size_t cap)
{
    size_t rl = strnlen(reason, PROTO_REASON_MAX);
    if (cap < PROTO_HEADER_LEN + 2 + rl) return 0;
    proto_header_write(out, PROTO_ERROR, id, (uint32_t)(2 + rl));
    out[PROTO_HEADER_LEN] = (uint8_t)(code >> 8);
    out[PROTO_HEADER_LEN + 1] = (uint8_t)code;
    memcpy(out + PROTO_HEADER_LEN + 2, reason, rl);
    return PROTO_HEADER_LEN + 2 + rl;
}

int proto_error_parse(const uint8_t *b, size_t len, uint16_t *code, char reason[PROTO_REASON_MAX + 1])
{
    if (len < 2 || len - 2 > PROTO_REASON_MAX || !printable(b + 2, len - 2)) return -1;
    *code = (uint16_t)(b[0] << 8 | b[1]);
    memcpy(reason, b + 2, len - 2);
    reason[len - 2] = 0;
    return 0;
}

/* ---- CONTROL ---- */
int proto_control_req_frame(const proto_control_req *r, uint32_t id, uint8_t **out, size_t *len)
{
    if (!r->envelope_len || r->envelope_len > PROTO_CONTROL_ENVELOPE_MAX || r->ec_len > PROTO_CONTROL_CERT_MAX ||
        r->ml_len > PROTO_CONTROL_CERT_MAX)
        return -1;
    size_t body = 12 + (size_t)r->envelope_len + r->ec_len + r->ml_len;
    uint8_t *p = malloc(PROTO_HEADER_LEN + body), *q;
    if (!p) return -1;
    proto_header_write(p, PROTO_CONTROL, id, (uint32_t)body);
    q = p + PROTO_HEADER_LEN;
    const uint8_t *parts[3] = {r->envelope, r->ec, r->ml};
    const uint32_t lens[3] = {r->envelope_len, r->ec_len, r->ml_len};
    for (int i = 0; i < 3; i++) {
        proto_put32(q, lens[i]);
        if (lens[i]) memcpy(q + 4, parts[i], lens[i]);
        q += 4 + lens[i];
    }
    *out = p, *len = PROTO_HEADER_LEN + body;
    return 0;
}

int proto_control_req_parse(const uint8_t *b, size_t len, proto_control_req *r, const char **why)
{
    const uint8_t **parts[3] = {&r->envelope, &r->ec, &r->ml};
    uint32_t *lens[3] = {&r->envelope_len, &r->ec_len, &r->ml_len};
    const uint32_t max[3] = {PROTO_CONTROL_ENVELOPE_MAX, PROTO_CONTROL_CERT_MAX, PROTO_CONTROL_CERT_MAX};
    size_t off = 0;
    memset(r, 0, sizeof *r);
    for (int i = 0; i < 3; i++) {
        if (len - off < 4) return *why = "CONTROL body truncated", -1;
        uint32_t n = proto_get32(b + off);
        off += 4;
        if (n > max[i] || (i == 0 && n == 0)) return *why = "CONTROL part length out of range", -1;
        if (len - off < n) return *why = "CONTROL body truncated", -1;
        *parts[i] = n ? b + off : NULL, *lens[i] = n;
        off += n;
    }
    if (off != len) return *why = "trailing bytes after the CONTROL body", -1;
    return 0;
}

size_t proto_control_resp_frame(uint32_t id, uint8_t outcome, const char *reason, uint8_t *out, size_t cap)
{
    size_t rl = strnlen(reason, PROTO_REASON_MAX);
    if (outcome > PROTO_CONTROL_REFUSED || cap < PROTO_HEADER_LEN + 1 + rl) return 0;
    proto_header_write(out, PROTO_CONTROL | PROTO_RESPONSE, id, (uint32_t)(1 + rl));
    out[PROTO_HEADER_LEN] = outcome;
    for (size_t i = 0; i < rl; i++) /* printable ASCII on the wire: anything else becomes '?' */
        out[PROTO_HEADER_LEN + 1 + i] = printable((const uint8_t *)reason + i, 1) ? (uint8_t)reason[i] : '?';
    return PROTO_HEADER_LEN + 1 + rl;
}

int proto_control_resp_parse(const uint8_t *b, size_t len, uint8_t *outcome, char reason[PROTO_REASON_MAX + 1])
{
    if (len < 1 || len - 1 > PROTO_REASON_MAX || b[0] > PROTO_CONTROL_REFUSED || !printable(b + 1, len - 1)) return -1;
    *outcome = b[0];
    memcpy(reason, b + 1, len - 1);
    reason[len - 1] = 0;
    return 0;
}

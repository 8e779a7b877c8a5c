/* node_status.c: cluster_status + mesh view -> STATUS cluster block (see node_status.h). */
#include "node/node_status.h"

#include <openssl/evp.h>
#include <string.h>

_Static_assert(LC_EPOCH_COUNT == 5 && LC_AVAIL_COUNT == 6 && LC_NODE_COUNT == 9,
               "the STATUS parser's state bounds (proto/node_proto.c cluster_parse) follow node/lifecycle.h");
_Static_assert(CLUSTER_NODES == PROTO_CLUSTER_NODES && MESH_PEER_REFUSED == 4, "STATUS cluster block shape");

static uint32_t age_of(time_t when, time_t now)
{
    if (!when) return PROTO_AGE_NEVER;
    if (now <= when) return 0;
    uint64_t a = (uint64_t)(now - when);
    return a >= PROTO_AGE_NEVER ? PROTO_AGE_NEVER - 1 : (uint32_t)a;
}

/* Printable ASCII, at most PROTO_TEXT_MAX bytes (longer text ends in "..."). */
static void copy_reason(char dst[PROTO_TEXT_MAX + 1], const char *src)
{
    size_t n = 0;
    for (; src && src[n] && n < PROTO_TEXT_MAX; n++) dst[n] = (src[n] >= 0x20 && src[n] <= 0x7E) ? src[n] : '?';
    dst[n] = 0;
    if (src && src[n]) memcpy(dst + PROTO_TEXT_MAX - 3, "...", 4);
}

/* A name within the wire's alphabet and length, else "" (metrics fall back to the endpoint). */
static void copy_name(char dst[PROTO_NAME_MAX + 1], const char *src)
{
    size_t n = src ? strlen(src) : 0;
    dst[0] = 0;
    if (!src || n > PROTO_NAME_MAX) return;
    for (size_t i = 0; i < n; i++) {
        char c = src[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-'))
            return;
    }
    memcpy(dst, src, n + 1);
}

static uint8_t count5(unsigned v) { return (uint8_t)(v > PROTO_CLUSTER_NODES ? PROTO_CLUSTER_NODES : v); }

static void node_entry(const cluster_node_view *v, int i, const node_status_extra *x, time_t now, proto_cluster_node *o)
{
    memset(o, 0, sizeof *o);
    memcpy(o->key, v->key, PROTO_SHORT_KEY);
    o->party = (uint8_t)(v->party <= PROTO_CLUSTER_NODES ? v->party : 0);
    o->reachable = v->reachable ? 1 : 0;
    o->holder = v->holder ? 1 : 0;
    o->excluded = v->excluded ? 1 : 0;
    o->offset_ns = PROTO_OFFSET_UNKNOWN;
    o->attest_age_s = PROTO_AGE_NEVER;
    copy_reason(o->reason, v->reason);
    if (!x) return;
    copy_name(o->name, x->names[i]);
    if (i == 0) {
        o->link = MESH_PEER_UP;
        o->attest_age_s = age_of(x->own_attested_at, now);
        o->offset_ns = 0;
        return;
    }
    if (x->peers) {
        const mesh_peer_info *p = &x->peers[i - 1];
        o->link = (uint8_t)(p->state <= MESH_PEER_REFUSED ? p->state : MESH_PEER_DOWN);
        o->attest_age_s = age_of(p->attested_at, now);
        if (!v->reason[0] && p->state != MESH_PEER_UP) copy_reason(o->reason, p->reason);
    }
    if (x->have_offsets) o->offset_ns = x->peer_offset_ns[i - 1];
}

/* The performance block: mesh traffic summed over the peer links, ML-DSA attempts as coordinator. */
static void perf_block(const cluster_status *cs, const node_status_extra *x, proto_perf *p)
{
    _Static_assert(CLUSTER_ML_ATTEMPT_BUCKETS == PROTO_ML_ATTEMPT_BUCKETS, "STATUS performance block shape");
    memset(p, 0, sizeof *p);
    for (int i = 0; x && x->peers && i < MESH_PEERS; i++) {
        p->mesh_bytes_out += x->peers[i].bytes_out, p->mesh_bytes_in += x->peers[i].bytes_in;
        p->mesh_frames_out += x->peers[i].frames_out, p->mesh_frames_in += x->peers[i].frames_in;
    }
    memcpy(p->ml_attempts, cs->ml_attempts, sizeof p->ml_attempts);
    p->ml_attempts_sum = cs->ml_attempts_sum;
}

void node_status_from_cluster(const cluster_status *cs, const node_status_extra *x, time_t now, proto_status *out)
{
    proto_cluster *c = &out->cluster;
    memset(c, 0, sizeof *c);
    out->flags |= PROTO_STATUS_CLUSTER;
    c->epoch = cs->epoch;
    c->epoch_state = (uint8_t)cs->epoch_state;
    c->availability = (uint8_t)cs->availability;
    c->node_state = (uint8_t)cs->node_state;
    c->party = count5(cs->party);
    c->reachable = count5(cs->reachable);
    c->alive = count5(cs->alive);
    c->presigs = cs->presigs_available;
    c->dkg_ok = cs->dkg_ok;
    c->dkg_failed = cs->dkg_failed;
    c->dkg_last_ms = cs->dkg_last_ms;
    c->signed_ok = cs->signed_ok;
    c->sign_failed = cs->sign_failed;
    c->sign_retries = cs->sign_retries;
    c->participant_refusals = cs->participant_refusals;
    c->cert_not_after = (int64_t)cs->cert_not_after;
    memcpy(c->ml_key_id, cs->ml_key_id, sizeof c->ml_key_id);
    memcpy(c->ec_key_id, cs->ec_key_id, sizeof c->ec_key_id);
    copy_reason(c->reason, cs->reason);
    c->attest_age_s = PROTO_AGE_NEVER;
    c->sync_age_s = PROTO_AGE_NEVER;
    if (x) {
        c->nts_configured = (uint8_t)(x->nts_configured > 255 ? 255 : x->nts_configured);
        c->nts_agreeing = (uint8_t)(x->nts_agreeing > c->nts_configured ? c->nts_configured : x->nts_agreeing);
        c->attest_age_s = age_of(x->own_attested_at, now);
        c->sync_age_s = age_of(x->last_sync, now);
        memcpy(c->time_refusals, x->time_refusals, sizeof c->time_refusals);
        memcpy(c->attest_failures, x->attest_failures, sizeof c->attest_failures);
    }
    for (int i = 0; i < CLUSTER_NODES; i++) node_entry(&cs->nodes[i], i, x, now, &c->nodes[i]);
    perf_block(cs, x, &out->perf);
    out->flags |= PROTO_STATUS_PERF;

    /* The base fields the gateway routes by: only a share holder coordinates. */
    out->node_state = cs->node_state == LC_NODE_SERVING  ? PROTO_NODE_SERVING
                      : cs->node_state == LC_NODE_FAILED ? PROTO_NODE_FAILED
                                                         : PROTO_NODE_NO_KEY;
    out->quorum_available = lc_availability_signs(cs->availability) ? 1 : 0;
    out->attested = x && x->own_attested_at ? 1 : 0;
    out->not_after = (int64_t)cs->cert_not_after;
    out->seconds_left = cs->cert_not_after ? (int64_t)(cs->cert_not_after - now) : 0;
    out->cert_state = !cs->cert_not_after                               ? TSP_CERT_NONE
                      : out->seconds_left <= 0                          ? TSP_CERT_EXPIRED
                      : out->seconds_left < TSP_CERT_WARN_DAYS * 86400L ? TSP_CERT_EXPIRING
                                                                        : TSP_CERT_OK;
}

int node_attest_binding(const uint8_t *nonce, size_t nonce_len, const uint8_t ml_key_id[32],
                        const uint8_t ec_key_id[48], const uint8_t node_key[CLUSTER_KEY_BYTES],
                        uint8_t out[ATTEST_BINDING_BYTES])
{
    static const char label[] = "cctsa-node-attest-v2";
    uint8_t n = (uint8_t)nonce_len;
    unsigned len = 0;
    if (nonce_len < PROTO_ATTEST_NONCE_MIN || nonce_len > PROTO_ATTEST_NONCE_MAX) return -1;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int ok = md && EVP_DigestInit_ex(md, EVP_sha512(), NULL) == 1 &&
             EVP_DigestUpdate(md, label, sizeof label - 1) == 1 && EVP_DigestUpdate(md, &n, 1) == 1 &&
             EVP_DigestUpdate(md, nonce, nonce_len) == 1 && EVP_DigestUpdate(md, ml_key_id, 32) == 1 &&
             EVP_DigestUpdate(md, ec_key_id, 48) == 1 && EVP_DigestUpdate(md, node_key, CLUSTER_KEY_BYTES) == 1 &&
             EVP_DigestFinal_ex(md, out, &len) == 1;
    EVP_MD_CTX_free(md);
    return ok && len == ATTEST_BINDING_BYTES ? 0 : -1;
}

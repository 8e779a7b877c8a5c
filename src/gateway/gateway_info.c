/* gateway_info.c: /binding, /certs, /attestation and /health's cluster members (see gateway_info.h). */
#include "gateway/gateway_info.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "node/lifecycle.h"

gw_info_kind gw_info_route(const char *url)
{
    if (!strcmp(url, "/binding")) return GW_INFO_BINDING;
    if (!strcmp(url, "/certs")) return GW_INFO_CERTS;
    if (!strcmp(url, "/attestation")) return GW_INFO_ATTESTATION;
    return GW_INFO_NONE;
}

uint8_t gw_info_request_type(gw_info_kind k)
{
    static const uint8_t t[] = {0, PROTO_BINDING, PROTO_CERTS, PROTO_ATTEST};
    return k <= GW_INFO_ATTESTATION ? t[k] : 0;
}

int gw_info_nonce(const char *hex, uint8_t out[PROTO_ATTEST_NONCE_MAX], size_t *len)
{
    size_t n = hex ? strnlen(hex, 2 * PROTO_ATTEST_NONCE_MAX + 1) : 0;
    if (n % 2 || n < 2 * PROTO_ATTEST_NONCE_MIN || n > 2 * PROTO_ATTEST_NONCE_MAX) return -1;
    return cc_hex_decode(hex, n, out, PROTO_ATTEST_NONCE_MAX, len, 0);
}

static char *hex_of(const uint8_t *p, size_t n, char *o)
{
    static const char d[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) o[2 * i] = d[p[i] >> 4], o[2 * i + 1] = d[p[i] & 15];
    o[2 * n] = 0;
    return o + 2 * n;
}

/* One PEM CERTIFICATE block at o; the end. */
static char *pem(const uint8_t *der, size_t n, char *o)
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    o += sprintf(o, "-----BEGIN CERTIFICATE-----\n");
    size_t col = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v =
            (uint32_t)der[i] << 16 | (i + 1 < n ? (uint32_t)der[i + 1] << 8 : 0) | (i + 2 < n ? der[i + 2] : 0);
        char q[4] = {b64[v >> 18], b64[(v >> 12) & 63], i + 1 < n ? b64[(v >> 6) & 63] : '=',
                     i + 2 < n ? b64[v & 63] : '='};
        memcpy(o, q, 4), o += 4, col += 4;
        if (col == 64) *o++ = '\n', col = 0;
    }
    if (col) *o++ = '\n';
    return o + sprintf(o, "-----END CERTIFICATE-----\n");
}

int gw_info_format(gw_info_kind k, const uint8_t *req, size_t req_len, const uint8_t *ans, size_t ans_len,
                   gw_info_answer *out)
{
    memset(out, 0, sizeof *out);
    if (k == GW_INFO_BINDING) {
        if (!ans_len || ans[0] != 0x30 || !(out->body = malloc(ans_len))) return -1;
        memcpy(out->body, ans, ans_len);
        out->len = ans_len;
        out->ctype = "application/octet-stream";
        return 0;
    }
    if (k == GW_INFO_CERTS) {
        proto_der_list l;
        if (proto_der_list_parse(ans, ans_len, PROTO_CERT_MAX, &l, NULL) != 0 || !l.n) return -1;
        size_t cap = 1;
        for (unsigned i = 0; i < l.n; i++) cap += 64 + l.len[i] / 48 * 65 + 65 + 64;
        char *o = out->body = malloc(cap);
        if (!o) return -1;
        for (unsigned i = 0; i < l.n; i++) o = pem(l.der[i], l.len[i], o);
        out->len = (size_t)(o - out->body);
        out->ctype = "application/pem-certificate-chain";
        return 0;
    }
    if (k == GW_INFO_ATTESTATION) {
        proto_attest_resp a;
        if (proto_attest_resp_parse(ans, ans_len, &a, NULL) != 0) return -1;
        size_t cap = 128 + 2 * (req_len + PROTO_ATTEST_REPORT_LEN + a.endorsements_len);
        char *o = out->body = malloc(cap);
        if (!o) return -1;
        o += sprintf(o, "{\"nonce\":\"");
        o = hex_of(req, req_len, o);
        o += sprintf(o, "\",\"report\":\"");
        o = hex_of(a.report, PROTO_ATTEST_REPORT_LEN, o);
        o += sprintf(o, "\",\"endorsements\":\"");
        o = hex_of(a.endorsements ? a.endorsements : (const uint8_t *)"", a.endorsements_len, o);
        o += sprintf(o, "\"}\n");
        out->len = (size_t)(o - out->body);
        out->ctype = "application/json";
        return 0;
    }
    return -1;
}

/* A printable-ASCII text as a JSON string body (quotes and backslashes escaped). */
static const char *json_text(const char *s, char o[2 * PROTO_TEXT_MAX + 1])
{
    size_t n = 0;
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') o[n++] = '\\';
        o[n++] = *s;
    }
    o[n] = 0;
    return o;
}

static const char *link_name(uint8_t l)
{
    static const char *const n[] = {"down", "connecting", "attesting", "up", "refused"};
    return l < 5 ? n[l] : "unknown";
}

#define ADD(...) (n += (size_t)snprintf(out + (n < cap ? n : cap), n < cap ? cap - n : 0, __VA_ARGS__))

size_t gw_info_cluster_json(const proto_cluster *c, char *out, size_t cap)
{
    size_t n = 0;
    char t[2 * PROTO_TEXT_MAX + 1], ml[65], ec[97];
    hex_of(c->ml_key_id, sizeof c->ml_key_id, ml);
    hex_of(c->ec_key_id, sizeof c->ec_key_id, ec);
    ADD(",\"key_epoch\":%u,\"key_state\":\"%s\",\"availability\":\"%s\",\"node_state\":\"%s\",\"cluster\":{\"party\":%"
        "u,"
        "\"reachable\":%u,\"alive\":%u,\"reason\":\"%s\",\"ml_dsa_key_id\":\"%s\",\"ecdsa_key_id\":\"%s\","
        "\"dkg\":{\"ok\":%llu,\"failed\":%llu,\"last_duration_ms\":%llu},\"signing\":{\"signed\":%llu,\"failed\":%llu,"
        "\"retries\":%llu,\"participant_refusals\":%llu},\"presignatures\":%u,\"nodes\":[",
        c->epoch, lc_epoch_name((lc_epoch_state)c->epoch_state), lc_availability_name((lc_availability)c->availability),
        lc_node_name((lc_node_state)c->node_state), c->party, c->reachable, c->alive, json_text(c->reason, t), ml, ec,
        (unsigned long long)c->dkg_ok, (unsigned long long)c->dkg_failed, (unsigned long long)c->dkg_last_ms,
        (unsigned long long)c->signed_ok, (unsigned long long)c->sign_failed, (unsigned long long)c->sign_retries,
        (unsigned long long)c->participant_refusals, c->presigs);
    for (int i = 0; i < PROTO_CLUSTER_NODES; i++) {
        const proto_cluster_node *d = &c->nodes[i];
        char key[2 * PROTO_SHORT_KEY + 1], age[16];
        hex_of(d->key, PROTO_SHORT_KEY, key);
        if (d->attest_age_s == PROTO_AGE_NEVER)
            snprintf(age, sizeof age, "null");
        else
            snprintf(age, sizeof age, "%u", d->attest_age_s);
        ADD("%s{\"key\":\"%s\",\"name\":\"%s\",\"self\":%s,\"party\":%u,\"link\":\"%s\",\"reachable\":%s,\"holder\":%s,"
            "\"excluded\":%s,\"attestation_age_seconds\":%s,\"reason\":\"%s\"}",
            i ? "," : "", key, d->name, i ? "false" : "true", d->party, link_name(d->link),
            d->reachable ? "true" : "false", d->holder ? "true" : "false", d->excluded ? "true" : "false", age,
            json_text(d->reason, t));
    }
    ADD("]}");
    return n;
}

void gw_rate_init(gw_rate *r, unsigned per_minute, unsigned burst)
{
    pthread_mutex_init(&r->mu, NULL);
    r->per_s = per_minute / 60.0;
    r->burst = r->tokens = burst;
    clock_gettime(CLOCK_MONOTONIC, &r->last);
}

void gw_rate_free(gw_rate *r) { pthread_mutex_destroy(&r->mu); }

unsigned gw_rate_take(gw_rate *r)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    pthread_mutex_lock(&r->mu);
    double dt = (double)(now.tv_sec - r->last.tv_sec) + (double)(now.tv_nsec - r->last.tv_nsec) / 1e9;
    r->last = now;
    r->tokens += dt * r->per_s;
    if (r->tokens > r->burst) r->tokens = r->burst;
    unsigned wait = 0;
    if (r->tokens >= 1)
        r->tokens -= 1;
    else
        wait = (unsigned)((1 - r->tokens) / r->per_s) + 1;
    pthread_mutex_unlock(&r->mu);
    return wait;
}

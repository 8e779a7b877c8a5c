/* test_node_proto.c: the node protocol's frame header and bodies (src/proto/node_proto.h):
 * header checks (magic, version, flags, type, per-type size), SIGN request round trips and every
 * rejection, imprint templates against MessageImprints our strict request parser accepted (both
 * parameter encodings, each hash), SIGN results, STATUS (base alone and with the cluster block, every
 * strictness rule of the block), DER lists (CERTS, CSRS, CERT_INSTALL), the CERT_INSTALL result, the
 * ATTEST answer and ERROR; and the secure allocator
 * (locked, wiped, guard page). */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "check.h"
#include "crypto/secure_mem.h"
#include "proto/node_addr.h"
#include "proto/node_proto.h"
#include "tsp/tsp_hash.h"
#include "tsp/tsp_req.h"

static void test_header(void)
{
    uint8_t h[PROTO_HEADER_LEN];
    proto_header ph;
    const char *why = NULL;
    proto_header_write(h, PROTO_SIGN, 0x01020304, 40);
    CHECK(proto_header_parse(h, 1, &ph, &why) == 0 && ph.type == PROTO_SIGN && ph.id == 0x01020304 &&
          ph.body_len == 40);
    CHECK(!memcmp(h, "CCTN\x02\x01\x00\x00\x01\x02\x03\x04\x00\x00\x00\x28", 16));
    uint8_t b[PROTO_HEADER_LEN];
    memcpy(b, h, sizeof b);
    b[0] = 'X';
    CHECK(proto_header_parse(b, 1, &ph, &why) != 0 && !strcmp(why, "bad magic"));
    memcpy(b, h, sizeof b);
    b[4] = 1;
    CHECK(proto_header_parse(b, 1, &ph, &why) != 0 && strstr(why, "version"));
    memcpy(b, h, sizeof b);
    b[7] = 1;
    CHECK(proto_header_parse(b, 1, &ph, &why) != 0 && strstr(why, "flags"));
    proto_header_write(b, 0x09, 1, 0);
    CHECK(proto_header_parse(b, 1, &ph, &why) != 0 && strstr(why, "type"));
    proto_header_write(b, PROTO_SIGN | PROTO_RESPONSE, 1, 10);
    CHECK(proto_header_parse(b, 1, &ph, &why) != 0); /* a node takes requests only */
    CHECK(proto_header_parse(b, 0, &ph, &why) == 0); /* the gateway takes answers */
    proto_header_write(b, PROTO_SIGN, 1, proto_max_body(PROTO_SIGN) + 1);
    CHECK(proto_header_parse(b, 1, &ph, &why) != 0 && strstr(why, "larger"));
    proto_header_write(b, PROTO_STATUS, 1, 1);
    CHECK(proto_header_parse(b, 1, &ph, &why) != 0); /* STATUS has no body */
    proto_header_write(b, PROTO_SIGN | PROTO_RESPONSE, 1, 0x7FFFFFFF);
    CHECK(proto_header_parse(b, 0, &ph, &why) != 0);
    /* CERT_INSTALL, CONTROL and CSRS are requests; 0x09 is not known */
    proto_header_write(b, PROTO_CERT_INSTALL, 1, 1 + 2 * (4 + PROTO_CERT_MAX));
    CHECK(proto_header_parse(b, 1, &ph, &why) == 0);
    proto_header_write(b, PROTO_CERT_INSTALL, 1, 2 + 2 * (4 + PROTO_CERT_MAX));
    CHECK(proto_header_parse(b, 1, &ph, &why) != 0 && strstr(why, "larger"));
    proto_header_write(b, PROTO_CSRS, 1, 0);
    CHECK(proto_header_parse(b, 1, &ph, &why) == 0);
    proto_header_write(b, PROTO_CSRS, 1, 1);
    CHECK(proto_header_parse(b, 1, &ph, &why) != 0);
    proto_header_write(b, PROTO_CONTROL, 1, 0);
    CHECK(proto_header_parse(b, 1, &ph, &why) == 0);
    proto_header_write(b, 0x09, 1, 0);
    CHECK(proto_header_parse(b, 1, &ph, &why) != 0 && strstr(why, "type"));
    proto_header_write(b, PROTO_CSRS | PROTO_RESPONSE, 1, 128u << 10);
    CHECK(proto_header_parse(b, 0, &ph, &why) == 0 && proto_header_parse(b, 1, &ph, &why) != 0);
    proto_header_write(b, PROTO_STATUS | PROTO_RESPONSE, 1, PROTO_STATUS_MAX_LEN);
    CHECK(proto_header_parse(b, 0, &ph, &why) == 0);
    proto_header_write(b, PROTO_STATUS | PROTO_RESPONSE, 1, PROTO_STATUS_MAX_LEN + 1);
    CHECK(proto_header_parse(b, 0, &ph, &why) != 0);
}

/* For each hash and both AlgorithmIdentifier encodings: the request parser accepts the imprint,
 * the gateway finds its template, the node rebuilds exactly the same bytes. */
static void test_imprint_templates(void)
{
    for (int h = 0; h < TSP_HASH_COUNT; h++)
        for (int null = 0; null < 2; null++) {
            size_t oid_len, dl = tsp_hash_len((tsp_hash_alg)h);
            const uint8_t *oid = tsp_hash_oid((tsp_hash_alg)h, &oid_len);
            uint8_t req[200], digest[64];
            for (size_t i = 0; i < dl; i++) digest[i] = (uint8_t)(i * 7 + h);
            size_t alg = 2 + oid_len + (null ? 2 : 0), mi = 2 + alg + 2 + dl, n = 0;
            req[n++] = 0x30;
            req[n++] = (uint8_t)(3 + 2 + mi);
            req[n++] = 0x02, req[n++] = 0x01, req[n++] = 0x01; /* version 1 */
            req[n++] = 0x30, req[n++] = (uint8_t)mi;
            req[n++] = 0x30, req[n++] = (uint8_t)alg;
            req[n++] = 0x06, req[n++] = (uint8_t)oid_len;
            memcpy(req + n, oid, oid_len), n += oid_len;
            if (null) req[n++] = 0x05, req[n++] = 0x00;
            req[n++] = 0x04, req[n++] = (uint8_t)dl;
            memcpy(req + n, digest, dl), n += dl;
            tsp_req r;
            tsp_fail fail;
            const char *why;
            CHECK_MSG(tsp_req_parse(req, n, &r, &fail, &why) == 0, "hash %d null %d: %s", h, null, why);
            int t = proto_imprint_template_of(r.imprint_tlv, r.imprint_tlv_len, (int)r.hash);
            CHECK(t == h * 2 + null);
            uint8_t out[PROTO_IMPRINT_MAX];
            size_t len = proto_imprint_build(t, r.hashed, r.hashed_len, out);
            CHECK(len == r.imprint_tlv_len && !memcmp(out, r.imprint_tlv, len));
            CHECK(proto_imprint_build(t, r.hashed, r.hashed_len - 1, out) == 0); /* wrong digest length */
        }
    CHECK(proto_imprint_build(PROTO_IMPRINT_TEMPLATES, (const uint8_t *)"", 0, (uint8_t[PROTO_IMPRINT_MAX]){0}) == 0);
}

static void test_sign_req(void)
{
    proto_sign_req r = {.profile = 2,
                        .cert_req = 1,
                        .imprint_template = 3,
                        .digest_len = 48,
                        .policy_len = 3,
                        .policy = {0x2A, 0x03, 0x04},
                        .nonce_len = 2,
                        .nonce = {0x00, 0x80},
                        .deadline_ms = 2500};
    memset(r.digest, 0xAB, 48);
    uint8_t b[256];
    size_t n = proto_sign_req_encode(&r, b, sizeof b);
    proto_sign_req p;
    const char *why = NULL;
    CHECK(n == 4 + 48 + 1 + 3 + 1 + 2 + 2);
    CHECK(proto_sign_req_parse(b, n, &p, &why) == 0 && !memcmp(&p, &r, sizeof p));
    CHECK(proto_sign_req_parse(b, n - 1, &p, &why) != 0); /* truncated */
    uint8_t longer[300];
    memcpy(longer, b, n);
    longer[n] = 0;
    CHECK(proto_sign_req_parse(longer, n + 1, &p, &why) != 0); /* trailing byte */
    struct {
        size_t off;
        uint8_t v;
        const char *what;
    } bad[] = {
        {0, 4, "profile"},
        {1, 2, "certReq"},
        {2, 12, "template"},
        {3, 32, "digest"},
        {4 + 48 + 1 + 3 + 1, 0x00, "nonce"}, /* 00 00: not minimal */
        {4 + 48, 33, "policy"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint8_t c[256];
        memcpy(c, b, n);
        c[bad[i].off] = bad[i].v;
        if (bad[i].off == 4 + 48 + 1 + 3 + 1) c[bad[i].off + 1] = 0x00;
        CHECK_MSG(proto_sign_req_parse(c, n, &p, &why) != 0, "%s accepted", bad[i].what);
    }
    r.nonce_len = 1, r.nonce[0] = 0x80; /* negative */
    n = proto_sign_req_encode(&r, b, sizeof b);
    CHECK(proto_sign_req_parse(b, n, &p, &why) != 0);
    r.nonce_len = 0, r.policy_len = 1, r.policy[0] = 0x81; /* unterminated OID arc */
    n = proto_sign_req_encode(&r, b, sizeof b);
    CHECK(proto_sign_req_parse(b, n, &p, &why) != 0);
}

static void test_sign_resp_status_error(void)
{
    uint8_t der[5] = {0x30, 0x03, 0x02, 0x01, 0x00}, *f;
    size_t len;
    proto_sign_resp r = {.outcome = PROTO_GRANTED, .profile = 1, .der = der, .der_len = sizeof der}, p;
    const char *why;
    proto_header h;
    CHECK(proto_sign_resp_frame(&r, 7, &f, &len) == 0 && proto_header_parse(f, 0, &h, &why) == 0 && h.id == 7);
    CHECK(proto_sign_resp_parse(f + PROTO_HEADER_LEN, len - PROTO_HEADER_LEN, &p, &why) == 0 && p.der_len == 5 &&
          !memcmp(p.der, der, 5) && p.outcome == PROTO_GRANTED);
    f[PROTO_HEADER_LEN] = PROTO_REJECTED; /* a rejection carrying a token: refused */
    CHECK(proto_sign_resp_parse(f + PROTO_HEADER_LEN, len - PROTO_HEADER_LEN, &p, &why) != 0);
    free(f);
    proto_sign_resp rej = {.outcome = PROTO_RETRY_ELSEWHERE, .fail_bit = 14, .profile = 0xFF};
    strcpy(rej.reason, "trusted time is not available");
    CHECK(proto_sign_resp_frame(&rej, 8, &f, &len) == 0);
    CHECK(proto_sign_resp_parse(f + PROTO_HEADER_LEN, len - PROTO_HEADER_LEN, &p, &why) == 0 && p.fail_bit == 14 &&
          !strcmp(p.reason, rej.reason) && !p.der);
    f[PROTO_HEADER_LEN + 5] = '\n'; /* control character in the reason */
    CHECK(proto_sign_resp_parse(f + PROTO_HEADER_LEN, len - PROTO_HEADER_LEN, &p, &why) != 0);
    free(f);

    proto_status s = {.node_state = PROTO_NODE_SERVING,
                      .time_state = PROTO_TIME_SYNCED,
                      .flags = 3,
                      .profiles_mask = 15,
                      .cert_state = 1,
                      .eps_ns = 1000000000,
                      .not_after = 1900000000,
                      .seconds_left = -5,
                      .uptime_s = 9,
                      .granted = 1ull << 40},
                 q;
    s.node_id[0] = 0xAA;
    uint8_t sb[PROTO_STATUS_LEN];
    proto_status_encode(&s, sb);
    CHECK(proto_status_parse(sb, sizeof sb, &q, &why) == 0 && !memcmp(&q, &s, sizeof q));
    CHECK(proto_status_parse(sb, sizeof sb - 1, &q, &why) != 0);
    sb[34] = 9;
    CHECK(proto_status_parse(sb, sizeof sb, &q, &why) != 0);

    uint8_t ef[PROTO_HEADER_LEN + 2 + PROTO_REASON_MAX];
    uint16_t code;
    char reason[PROTO_REASON_MAX + 1];
    size_t en = proto_error_frame(3, PROTO_ERR_NOT_AVAILABLE, "binding not available", ef, sizeof ef);
    CHECK(en && proto_error_parse(ef + PROTO_HEADER_LEN, en - PROTO_HEADER_LEN, &code, reason) == 0 &&
          code == PROTO_ERR_NOT_AVAILABLE && !strcmp(reason, "binding not available"));
}

/* The performance block after a cluster STATUS s: round trip, byte layout (big-endian u64s at the
 * documented offsets), the lengths that must be refused, and PERF without CLUSTER refused on both
 * sides. A STATUS without it (an older node) still parses, with the block zero. */
static void test_status_perf(proto_status *s)
{
    static proto_status q;
    static uint8_t b[PROTO_STATUS_MAX_LEN];
    const char *why = NULL;
    const size_t P = PROTO_STATUS_LEN + PROTO_CLUSTER_LEN;
    s->flags |= PROTO_STATUS_PERF;
    s->perf = (proto_perf){.mesh_bytes_out = 1ull << 40,
                           .mesh_bytes_in = 5,
                           .mesh_frames_out = 6,
                           .mesh_frames_in = 7,
                           .ml_attempts_sum = 20,
                           .ml_attempts = {9, 2, 0, 0, 0, 0, 0, 1}};
    size_t n = proto_status_write(s, b);
    CHECK(n == PROTO_STATUS_MAX_LEN && PROTO_PERF_LEN == 104 && n == 96 + 1528 + 104);
    CHECK_MSG(proto_status_parse(b, n, &q, &why) == 0, "%s", why);
    CHECK(!memcmp(&q, s, sizeof q));
    CHECK(b[P] == 0 && b[P + 2] == 1 && b[P + 15] == 5 && b[P + 23] == 6 && b[P + 31] == 7 && b[P + 39] == 20 &&
          b[P + 47] == 9 && b[P + 55] == 2 && b[P + 103] == 1);
    CHECK(proto_status_parse(b, n - 1, &q, &why) != 0);
    CHECK(proto_status_parse(b, P, &q, &why) != 0 && strstr(why, "length")); /* flag without the block */
    b[35] &= (uint8_t)~PROTO_STATUS_PERF;                                    /* an older node's STATUS */
    CHECK(proto_status_parse(b, P, &q, &why) == 0 && !(q.flags & PROTO_STATUS_PERF) && q.perf.mesh_bytes_out == 0 &&
          q.cluster.epoch == s->cluster.epoch);
    CHECK(proto_status_parse(b, n, &q, &why) != 0); /* the block without the flag */
    b[35] = PROTO_STATUS_PERF;
    CHECK(proto_status_parse(b, PROTO_STATUS_LEN + PROTO_PERF_LEN, &q, &why) != 0 &&
          strstr(why, "without the cluster"));
    s->flags = PROTO_STATUS_PERF;
    CHECK(proto_status_write(s, b) == 0);
}

/* A cluster STATUS with every field set; the round trip and each strictness rule of the block. */
static void test_status_cluster(void)
{
    static proto_status s, q;
    static uint8_t b[PROTO_STATUS_MAX_LEN], c[PROTO_STATUS_MAX_LEN];
    const char *why = NULL;
    memset(&s, 0, sizeof s);
    s.flags = PROTO_STATUS_CLUSTER | PROTO_STATUS_DEV_CLOCK;
    s.profiles_mask = 15, s.eps_ns = 12345;
    proto_cluster *k = &s.cluster;
    k->epoch = 7, k->epoch_state = 2, k->availability = 1, k->node_state = 5, k->party = 3, k->reachable = 4,
    k->alive = 5, k->nts_configured = 4, k->nts_agreeing = 3, k->presigs = 99, k->dkg_ok = 2, k->dkg_failed = 1,
    k->dkg_last_ms = 4321, k->signed_ok = 1ull << 33, k->sign_failed = 5, k->sign_retries = 6,
    k->participant_refusals = 8, k->cert_not_after = 1900000000, k->attest_age_s = 60, k->sync_age_s = PROTO_AGE_NEVER;
    for (int i = 0; i < PROTO_TIME_REASONS; i++) k->time_refusals[i] = 100u + (unsigned)i;
    for (int i = 0; i < PROTO_ATTEST_REASONS; i++) k->attest_failures[i] = 200u + (unsigned)i;
    memset(k->ml_key_id, 0x11, 32);
    memset(k->ec_key_id, 0x22, 48);
    strcpy(k->reason, "");
    for (int i = 0; i < PROTO_CLUSTER_NODES; i++) {
        proto_cluster_node *n = &k->nodes[i];
        memset(n->key, 0xA0 + i, PROTO_SHORT_KEY);
        snprintf(n->name, sizeof n->name, "node-%d", i + 1);
        n->party = (uint8_t)(i + 1), n->link = (uint8_t)(i % 5), n->reachable = i != 4, n->holder = 1,
        n->excluded = i == 4;
        n->attest_age_s = 30u * (unsigned)i, n->offset_ns = i ? -1000000 * i : 0;
        if (i == 4) strcpy(n->reason, "attestation: measurement differs from ours");
    }
    size_t n = proto_status_write(&s, b);
    CHECK(n == PROTO_STATUS_LEN + PROTO_CLUSTER_LEN && PROTO_CLUSTER_LEN == 408 + 5 * 224);
    CHECK_MSG(proto_status_parse(b, n, &q, &why) == 0, "%s", why);
    CHECK(!memcmp(&q, &s, sizeof q));
    /* the base alone: the flag cleared, a valid 96-byte STATUS */
    proto_status_encode(&s, c);
    CHECK(proto_status_parse(c, PROTO_STATUS_LEN, &q, &why) == 0 && !(q.flags & PROTO_STATUS_CLUSTER) &&
          q.cluster.epoch == 0);
    CHECK(proto_status_parse(b, PROTO_STATUS_LEN, &q, &why) != 0);     /* flag without the block */
    CHECK(proto_status_parse(c, PROTO_STATUS_LEN + 1, &q, &why) != 0); /* a byte after the base */
    CHECK(proto_status_parse(b, n - 1, &q, &why) != 0);
    /* single-byte changes that must be refused: offset in the body, new value */
    const size_t C = PROTO_STATUS_LEN, N0 = C + 408, N4 = C + 408 + 4 * 224;
    struct {
        size_t off;
        uint8_t v;
        const char *what;
    } bad[] = {
        {35, 16, "unknown flag"},
        {C + 4, 5, "epoch state"},
        {C + 5, 6, "availability"},
        {C + 6, 9, "node state"},
        {C + 7, 6, "party"},
        {C + 8, 6, "reachable"},
        {C + 9, 6, "alive"},
        {C + 11, 5, "agreeing > configured"},
        {C + 248, 160, "reason length"},
        {C + 249, 0x07, "reason control char (len 0 -> padding)"},
        {N0 + 8, 32, "name length"},
        {N0 + 9, '/', "name alphabet"},
        {N0 + 8 + 10, 'x', "name padding"},
        {N0 + 40, 6, "node party"},
        {N0 + 41, 5, "link"},
        {N0 + 42, 2, "reachable flag"},
        {N0 + 43, 2, "holder"},
        {N0 + 44, 2, "excluded"},
        {N0 + 46, 1, "node reserved"},
        {N0 + 53, 1, "node reserved 2"},
        {N4 + 64 + 3, '\n', "node reason control char"},
        {N4 + 64 + 150, 'x', "node reason padding"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memcpy(c, b, n);
        c[bad[i].off] = bad[i].v;
        CHECK_MSG(proto_status_parse(c, n, &q, &why) != 0, "%s accepted", bad[i].what);
    }
    /* the encoder refuses text the parser would refuse */
    strcpy(k->nodes[2].name, "bad name");
    CHECK(proto_status_write(&s, b) == 0);
    strcpy(k->nodes[2].name, "n3");
    k->reason[0] = '\t';
    CHECK(proto_status_write(&s, b) == 0);
    k->reason[0] = 0;
    memset(k->nodes[2].name, 0, sizeof k->nodes[2].name); /* no tail of "bad name" past the NUL */
    strcpy(k->nodes[2].name, "node-3");
    test_status_perf(&s);
    CHECK(!strcmp(proto_time_reason_name(PROTO_TREF_GENTIME_WINDOW), "gentime_window") &&
          !strcmp(proto_attest_reason_name(PROTO_AFAIL_CHIP_ID), "chip_id") &&
          !strcmp(proto_time_reason_name(99), "unknown"));
}

static void test_der_lists(void)
{
    uint8_t ec[40], ml[300], *f;
    size_t len;
    const char *why = NULL;
    memset(ec, 1, sizeof ec), memset(ml, 2, sizeof ml);
    ec[0] = ml[0] = 0x30;
    proto_der_list l = {.n = 2, .der = {ec, ml}, .len = {sizeof ec, sizeof ml}}, p;
    CHECK(proto_der_list_frame(PROTO_CERT_INSTALL, 9, &l, &f, &len) == 0 && len == PROTO_HEADER_LEN + 1 + 8 + 340);
    uint8_t *body = f + PROTO_HEADER_LEN;
    size_t bl = len - PROTO_HEADER_LEN;
    CHECK(proto_der_list_parse(body, bl, PROTO_CERT_MAX, &p, &why) == 0 && p.n == 2 && p.len[0] == 40 &&
          p.len[1] == 300 && !memcmp(p.der[1], ml, 300));
    CHECK(proto_der_list_parse(body, bl, 299, &p, &why) != 0 && p.n == 0);    /* item over the limit */
    CHECK(proto_der_list_parse(body, bl - 1, PROTO_CERT_MAX, &p, &why) != 0); /* truncated */
    body[0] = 1;
    CHECK(proto_der_list_parse(body, bl, PROTO_CERT_MAX, &p, &why) != 0 && strstr(why, "trailing"));
    body[0] = 3;
    CHECK(proto_der_list_parse(body, bl, PROTO_CERT_MAX, &p, &why) != 0);
    body[0] = 2, body[5] = 0x31; /* not a SEQUENCE */
    CHECK(proto_der_list_parse(body, bl, PROTO_CERT_MAX, &p, &why) != 0);
    body[5] = 0x30, body[1] = 0x80; /* a length past the end */
    CHECK(proto_der_list_parse(body, bl, PROTO_CERT_MAX, &p, &why) != 0);
    free(f);
    uint8_t empty = 0;
    CHECK(proto_der_list_parse(&empty, 1, PROTO_CERT_MAX, &p, &why) == 0 && p.n == 0);
    CHECK(proto_der_list_parse(&empty, 0, PROTO_CERT_MAX, &p, &why) != 0);
    l.len[1] = PROTO_CERT_MAX * 5; /* over the CERT_INSTALL maximum: not framed */
    CHECK(proto_der_list_frame(PROTO_CERT_INSTALL, 9, &l, &f, &len) != 0);

    proto_install_resp r = {.accepted = 0}, rp;
    uint8_t ib[2 + PROTO_REASON_MAX];
    strcpy(r.reason, "certificate key is not the group key");
    size_t in = proto_install_resp_encode(&r, ib);
    CHECK(proto_install_resp_parse(ib, in, &rp, &why) == 0 && !rp.accepted && !strcmp(rp.reason, r.reason));
    CHECK(proto_install_resp_parse(ib, in - 1, &rp, &why) != 0);
    ib[0] = 2;
    CHECK(proto_install_resp_parse(ib, in, &rp, &why) != 0);
    CHECK(proto_install_resp_parse((const uint8_t *)"\0\0", 2, &rp, &why) != 0); /* refusal without reason */
    CHECK(proto_install_resp_parse((const uint8_t *)"\1\0", 2, &rp, &why) == 0 && rp.accepted);

    static uint8_t ab[PROTO_ATTEST_REPORT_LEN + 4 + 10];
    proto_attest_resp ar;
    proto_put32(ab + PROTO_ATTEST_REPORT_LEN, 10);
    CHECK(proto_attest_resp_parse(ab, sizeof ab, &ar, &why) == 0 && ar.endorsements_len == 10 && ar.report == ab);
    CHECK(proto_attest_resp_parse(ab, sizeof ab - 1, &ar, &why) != 0);
    CHECK(proto_attest_resp_parse(ab, PROTO_ATTEST_REPORT_LEN, &ar, &why) != 0);
}

static void test_addr(void)
{
    node_addr a;
    CHECK(node_addr_parse("unix:/tmp/x.sock", &a) == 0 && a.family == AF_UNIX);
    CHECK(node_addr_parse("vsock:3:5000", &a) == 0 && a.family == 40 /* AF_VSOCK */);
    CHECK(node_addr_parse("tcp:127.0.0.1:5000", &a) == 0 && a.family == AF_INET);
    const char *bad[] = {"unix:",          "tcp:localhost:5",  "tcp:127.0.0.1:70000",
                         "tcp:127.0.0.1:", "vsock:x:1",        "vsock:3:-1",
                         "http://x",       "tcp:127.0.0.1:+5", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) CHECK_MSG(node_addr_parse(bad[i], &a) != 0, "%s", bad[i]);
}

static sigjmp_buf fault;
static void on_segv(int sig)
{
    (void)sig;
    siglongjmp(fault, 1);
}

/* 1 if reading p[n] (one past a block) faults: the guard page is there. */
static int guard_faults(const uint8_t *p, size_t n)
{
    struct sigaction sa = {.sa_handler = on_segv}, old;
    sigaction(SIGSEGV, &sa, &old);
    volatile int faulted = 0;
    if (sigsetjmp(fault, 1) == 0) {
        volatile uint8_t x = p[n];
        (void)x;
    } else {
        faulted = 1;
    }
    sigaction(SIGSEGV, &old, NULL);
    return faulted;
}

static void test_secure_mem(void)
{
    uint8_t *p = cc_secure_alloc(100);
    CHECK(p != NULL && cc_secure_in_use() > 0);
    if (!p) return;
    int zero = 1;
    for (int i = 0; i < 100; i++) zero &= p[i] == 0, p[i] = 0xC5;
    CHECK(zero);
    unsigned char vec[1] = {0};
    long pg = 4096;
    uintptr_t page = (uintptr_t)p & ~(uintptr_t)(pg - 1);
    CHECK(mincore((void *)page, 1, vec) == 0 && (vec[0] & 1)); /* resident (locked) */
    /* One byte past the end is the guard page. */
    CHECK_MSG(guard_faults(p, 100), "no guard page after the block");
    cc_secure_free(p);
    CHECK(cc_secure_in_use() == 0);
    cc_secure_free(NULL);
    /* The freed block is cached (wiped, still locked) and serves the next allocation of its size:
     * same address, all zero, resident, guard page still there. */
    CHECK(cc_secure_cached() > 0);
    uint8_t *q = cc_secure_alloc(100);
    CHECK(q == p && cc_secure_cached() == 0 && cc_secure_in_use() > 0);
    if (!q) return;
    zero = 1;
    for (int i = 0; i < 100; i++) zero &= q[i] == 0;
    CHECK_MSG(zero, "a reused block is not wiped");
    CHECK(mincore((void *)page, 1, vec) == 0 && (vec[0] & 1));
    CHECK_MSG(guard_faults(q, 100), "no guard page after a reused block");
    /* Another size does not take it; dropping the cache unmaps it. */
    uint8_t *big = cc_secure_alloc(3 * 4096);
    CHECK(big != NULL && big != q);
    cc_secure_free(q);
    cc_secure_free(big);
    CHECK(cc_secure_in_use() == 0 && cc_secure_cached() > 0);
    cc_secure_drop_cache();
    CHECK(cc_secure_cached() == 0);
}

int main(void)
{
    test_header();
    test_imprint_templates();
    test_sign_req();
    test_sign_resp_status_error();
    test_status_cluster();
    test_der_lists();
    test_addr();
    test_secure_mem();
    return check_summary("test_node_proto");
}

/* test_node_status.c: node_status_from_cluster (src/node/node_status.h) on hand-filled cluster
 * states: the base fields the gateway routes by (SERVING only in lifecycle SERVING, quorum from
 * the availability, certificate state from notAfter), the cluster block (states, counts, counters,
 * ages, short keys, names, links and reasons from the mesh, offsets), text made wire-safe, and
 * that every result survives proto_status_write + proto_status_parse unchanged; and the ATTEST
 * binding of a cluster node against a vector computed with Python's hashlib. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "node/node_status.h"

static proto_status round_trip(const proto_status *s)
{
    static uint8_t b[PROTO_STATUS_MAX_LEN];
    proto_status q;
    const char *why = "";
    size_t n = proto_status_write(s, b);
    CHECK(n == PROTO_STATUS_MAX_LEN);
    CHECK_MSG(proto_status_parse(b, n, &q, &why) == 0, "%s", why);
    CHECK(!memcmp(&q, s, sizeof q));
    return q;
}

static void fill(cluster_status *cs)
{
    memset(cs, 0, sizeof *cs);
    cs->epoch = 3;
    cs->epoch_state = LC_EPOCH_ACTIVE;
    cs->availability = LC_AVAIL_DEGRADED;
    cs->node_state = LC_NODE_SERVING;
    cs->party = 2, cs->reachable = 4, cs->alive = 5;
    for (int i = 0; i < CLUSTER_NODES; i++) {
        memset(cs->nodes[i].key, 0x10 * (i + 1), CLUSTER_KEY_BYTES);
        cs->nodes[i].party = (unsigned)i + 1;
        cs->nodes[i].reachable = i != 3;
        cs->nodes[i].holder = 1;
    }
    snprintf(cs->nodes[3].reason, sizeof cs->nodes[3].reason, "connection refused");
    cs->dkg_ok = 1, cs->dkg_failed = 2, cs->dkg_last_ms = 8123;
    cs->signed_ok = 500, cs->sign_failed = 3, cs->sign_retries = 4, cs->participant_refusals = 1;
    cs->presigs_available = 42;
    memset(cs->ml_key_id, 0xAB, 32);
    memset(cs->ec_key_id, 0xCD, 48);
}

int main(void)
{
    const time_t now = 1800000000;
    cluster_status cs;
    proto_status st;

    /* ACTIVE, DEGRADED, serving; no extra: names empty, ages never, offsets unknown */
    fill(&cs);
    cs.cert_not_after = now + 90 * 86400;
    memset(&st, 0, sizeof st);
    st.flags = PROTO_STATUS_DEV_CLOCK;
    node_status_from_cluster(&cs, NULL, now, &st);
    proto_status q = round_trip(&st);
    CHECK(q.flags == (PROTO_STATUS_DEV_CLOCK | PROTO_STATUS_CLUSTER | PROTO_STATUS_PERF));
    CHECK(q.node_state == PROTO_NODE_SERVING && q.quorum_available == 1 && q.attested == 0);
    CHECK(q.cert_state == TSP_CERT_OK && q.not_after == now + 90 * 86400 && q.seconds_left == 90 * 86400);
    const proto_cluster *c = &q.cluster;
    CHECK(c->epoch == 3 && c->epoch_state == LC_EPOCH_ACTIVE && c->availability == LC_AVAIL_DEGRADED &&
          c->node_state == LC_NODE_SERVING && c->party == 2 && c->reachable == 4 && c->alive == 5);
    CHECK(c->dkg_ok == 1 && c->dkg_failed == 2 && c->dkg_last_ms == 8123 && c->signed_ok == 500 &&
          c->sign_failed == 3 && c->sign_retries == 4 && c->participant_refusals == 1 && c->presigs == 42);
    CHECK(c->ml_key_id[31] == 0xAB && c->ec_key_id[47] == 0xCD && c->cert_not_after == now + 90 * 86400);
    CHECK(c->attest_age_s == PROTO_AGE_NEVER && c->sync_age_s == PROTO_AGE_NEVER);
    CHECK(c->nodes[3].key[0] == 0x40 && c->nodes[3].key[7] == 0x40 && c->nodes[3].party == 4 &&
          !c->nodes[3].reachable && !strcmp(c->nodes[3].reason, "connection refused") && c->nodes[3].name[0] == 0 &&
          c->nodes[3].offset_ns == PROTO_OFFSET_UNKNOWN);

    /* with the mesh view, names, time and attestation inputs */
    mesh_peer_info peers[MESH_PEERS];
    memset(peers, 0, sizeof peers);
    for (int i = 0; i < MESH_PEERS; i++) peers[i].state = MESH_PEER_UP, peers[i].attested_at = now - 100 * (i + 1);
    peers[2].state = MESH_PEER_REFUSED;
    peers[0].state = MESH_PEER_DOWN; /* a mesh reason longer than the wire's: cut with "..." */
    memset(peers[0].reason, 'm', sizeof peers[0].reason - 1);
    peers[2].attested_at = 0;
    cs.nodes[3].reason[0] = 0; /* the engine names no reason: the mesh's is shown */
    snprintf(peers[2].reason, sizeof peers[2].reason, "attestation: measurement differs\n(%s)", "x");
    node_status_extra x = {.names = {"n1", "n2", "bad name!", "n4", NULL},
                           .peers = peers,
                           .own_attested_at = now - 30,
                           .nts_configured = 4,
                           .nts_agreeing = 9,
                           .last_sync = now - 5,
                           .have_offsets = 1,
                           .peer_offset_ns = {1000, -2000, PROTO_OFFSET_UNKNOWN, 4000}};
    x.time_refusals[PROTO_TREF_GENTIME_WINDOW] = 7;
    x.attest_failures[PROTO_AFAIL_MEASUREMENT] = 2;
    for (int i = 0; i < MESH_PEERS; i++)
        peers[i].bytes_out = 1000u << i, peers[i].bytes_in = 10u + (unsigned)i, peers[i].frames_out = 2,
        peers[i].frames_in = 1;
    cs.ml_attempts[0] = 4, cs.ml_attempts[1] = 1, cs.ml_attempts[CLUSTER_ML_ATTEMPT_BUCKETS - 1] = 2,
    cs.ml_attempts_sum = 26;
    cs.cert_not_after = now + 86400; /* expiring */
    node_status_from_cluster(&cs, &x, now, &st);
    q = round_trip(&st);
    CHECK(q.attested == 1 && q.cert_state == TSP_CERT_EXPIRING);
    CHECK(c->attest_age_s == 30 && c->sync_age_s == 5 && c->nts_configured == 4 && c->nts_agreeing == 4);
    CHECK(c->time_refusals[PROTO_TREF_GENTIME_WINDOW] == 7 && c->attest_failures[PROTO_AFAIL_MEASUREMENT] == 2);
    CHECK(!strcmp(c->nodes[0].name, "n1") && c->nodes[0].link == MESH_PEER_UP && c->nodes[0].attest_age_s == 30 &&
          c->nodes[0].offset_ns == 0);
    CHECK(!strcmp(c->nodes[1].name, "n2") && c->nodes[1].attest_age_s == 100 && c->nodes[1].offset_ns == 1000);
    CHECK(c->nodes[1].link == MESH_PEER_DOWN && strlen(c->nodes[1].reason) == PROTO_TEXT_MAX &&
          !strcmp(c->nodes[1].reason + PROTO_TEXT_MAX - 3, "..."));
    CHECK(c->nodes[2].name[0] == 0); /* outside the name alphabet: dropped */
    CHECK(c->nodes[3].link == MESH_PEER_REFUSED && c->nodes[3].attest_age_s == PROTO_AGE_NEVER &&
          !strcmp(c->nodes[3].reason, "attestation: measurement differs?(x)") &&
          c->nodes[3].offset_ns == PROTO_OFFSET_UNKNOWN);
    CHECK(c->nodes[4].name[0] == 0 && c->nodes[4].offset_ns == 4000);
    /* performance block: mesh traffic summed over the four peer links, attempts as kept */
    CHECK(q.perf.mesh_bytes_out == 15000 && q.perf.mesh_bytes_in == 46 && q.perf.mesh_frames_out == 8 &&
          q.perf.mesh_frames_in == 4);
    CHECK(q.perf.ml_attempts[0] == 4 && q.perf.ml_attempts[1] == 1 &&
          q.perf.ml_attempts[PROTO_ML_ATTEMPT_BUCKETS - 1] == 2 && q.perf.ml_attempts_sum == 26);

    /* lost, not serving, long reason cut, expired certificate; counts clamped */
    fill(&cs);
    cs.epoch_state = LC_EPOCH_RETIRED;
    cs.availability = LC_AVAIL_LOST;
    cs.node_state = LC_NODE_NO_SHARE;
    cs.reachable = 9;
    cs.cert_not_after = now - 1;
    memset(cs.reason, 'r', sizeof cs.reason - 1);
    cs.reason[sizeof cs.reason - 1] = 0;
    node_status_from_cluster(&cs, &x, now, &st);
    q = round_trip(&st);
    CHECK(q.node_state == PROTO_NODE_NO_KEY && q.quorum_available == 0 && q.cert_state == TSP_CERT_EXPIRED);
    CHECK(c->availability == LC_AVAIL_LOST && c->reachable == 5 && strlen(c->reason) == PROTO_TEXT_MAX &&
          c->reason[PROTO_TEXT_MAX - 1] == 'r');
    for (lc_availability a = LC_AVAIL_HEALTHY; a < LC_AVAIL_COUNT; a++) {
        cs.availability = a;
        node_status_from_cluster(&cs, NULL, now, &st);
        CHECK(st.quorum_available == (a <= LC_AVAIL_CRITICAL));
    }
    cs.node_state = LC_NODE_FAILED;
    cs.cert_not_after = 0;
    node_status_from_cluster(&cs, NULL, now, &st);
    CHECK(st.node_state == PROTO_NODE_FAILED && st.cert_state == TSP_CERT_NONE);

    /* python3: hashlib.sha512(b"cctsa-node-attest-v2" + bytes([20]) + bytes(range(20)) + b"\x11" * 32
     *          + b"\x22" * 48 + b"\x33" * 48).hexdigest() */
    static const char want[] = "7d338c3376a9e8c024fcb38930d075171ff0a34fab51f1d38f5f3bbfa33cca1e"
                               "95f1729b6a07a416513c5887b1ff14aeb33774635ea7d6e119ecf713f1b310fd";
    uint8_t nonce[PROTO_ATTEST_NONCE_MAX + 1], ml[32], ec[48], nk[48], rd[ATTEST_BINDING_BYTES];
    char hex[2 * ATTEST_BINDING_BYTES + 1];
    for (int i = 0; i < (int)sizeof nonce; i++) nonce[i] = (uint8_t)i;
    memset(ml, 0x11, sizeof ml), memset(ec, 0x22, sizeof ec), memset(nk, 0x33, sizeof nk);
    CHECK(node_attest_binding(nonce, 20, ml, ec, nk, rd) == 0);
    for (int i = 0; i < ATTEST_BINDING_BYTES; i++) snprintf(hex + 2 * i, 3, "%02x", rd[i]);
    CHECK(!strcmp(hex, want));
    CHECK(node_attest_binding(nonce, 15, ml, ec, nk, rd) != 0 && node_attest_binding(nonce, 65, ml, ec, nk, rd) != 0);
    return check_summary("test_node_status");
}

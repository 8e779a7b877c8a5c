/* test_cluster.c: five cluster engines in one process (cluster_harness.h), one DKG:
 *  - the DKG completes; all five hold the same group keys, parties 1..5, certificates from the dev CA,
 *    and the same binding record, which binding_verify accepts (and refuses with one bit flipped);
 *    the presignature pools (2 per signer set of each coordinator) fill in the background;
 *  - tokens of all four profiles, coordinated by different nodes, verify with our verifier against
 *    the dev CA roots and the measurement; several requests are signed concurrently;
 *  - a lying coordinator (genTime 5 s off, tampered to-be-signed bytes) is refused by the
 *    participants and gets no token; a replayed START (reused session id) is refused;
 *  - availability from peer updates: HEALTHY, DEGRADED, CRITICAL, SUSPENDED (503-kind refusal, then
 *    resumes with the same key);
 *  - a restarted node (new key and boot id) is told the others serve without it: NO_SHARE, and the
 *    others count it as a lost holder (DEGRADED) and go on signing;
 *  - a node whose signing messages are corrupted is named as culprit, excluded, and signing continues;
 *    after its cool-down it is back, on probation;
 *  - LOST: fewer than 3 holders alive, the epoch retires (certificates gone, 503-kind refusals);
 *  - renewal: fresh threshold-signed CSRs, new certificates on every serving node, tokens verify;
 *    a node that missed a renewal gets the new pair when it rejoins, and its older pair is refused;
 *  - cluster_install_certs accepts the group keys' certificates and refuses swapped keys and
 *    another measurement.
 * Under the sanitizer build the DKG (seconds of CPU per party, much more under ASan) is skipped. */
#define _GNU_SOURCE
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attest/binding.h"
#include "check.h"
#include "cluster_harness.h"
#include "node/cluster_msg.h"
#include "testutil.h"
#include "tsp/tsp_devca.h"
#include "tsp/tsp_status.h"
#include "tsp/tsp_verify.h"
#include "x509/csr.h"
#include "x509/pem.h"

static harness *H;
static uint8_t *roots[2];
static size_t root_lens[2];

/* A SHA-256 MessageImprint of data and an 8-byte positive nonce. */
static void make_req(const char *data, uint8_t imprint[51], uint8_t nonce[10], tsp_issue_req *r, int profile)
{
    static const uint8_t head[19] = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                     0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};
    memcpy(imprint, head, sizeof head);
    SHA256((const uint8_t *)data, strlen(data), imprint + 19);
    nonce[0] = 0x02, nonce[1] = 8;
    if (RAND_bytes(nonce + 2, 8) != 1) abort();
    nonce[2] = (uint8_t)((nonce[2] & 0x7f) | 0x01);
    *r = (tsp_issue_req){.path_profile = profile,
                         .imprint_tlv = imprint,
                         .imprint_tlv_len = 51,
                         .nonce_tlv = nonce,
                         .nonce_tlv_len = 10,
                         .cert_req = 1};
}

/* Issue on node i; 1 if granted and the token verifies. */
static int issue_verify(int i, int profile, tsp_engine_result *res, int quiet)
{
    uint8_t imprint[51], nonce[10], *resp = NULL;
    size_t len = 0;
    tsp_issue_req r;
    const char *data = "cctsa cluster test data";
    make_req(data, imprint, nonce, &r, profile);
    /* a retry-elsewhere refusal (e.g. signing took longer than 500 ms on this loaded machine) is
     * what a gateway retries; expected successes get two more tries */
    for (int attempt = 0;; attempt++) {
        if (cluster_issue(h_node(H, i), &r, 8000, &resp, &len, res) != 0) return 0;
        if (res->status == TSP_STATUS_GRANTED || quiet || attempt == 2 || res->kind != TSP_OUTCOME_RETRY_ELSEWHERE)
            break;
        fprintf(stderr, "issue on node %d: %s; trying again\n", i, res->why ? res->why : "?");
        free(resp);
        resp = NULL;
    }
    int ok = res->status == TSP_STATUS_GRANTED;
    if (ok) {
        tsp_verify_opts o = {.nroots = 2, .data = (const uint8_t *)data, .data_len = strlen(data)};
        tsp_verify_report rep;
        o.roots[0] = roots[0], o.root_lens[0] = root_lens[0];
        o.roots[1] = roots[1], o.root_lens[1] = root_lens[1];
        o.require = profile == TSP_PROFILE_CLASSIC ? TSP_REQUIRE_CLASSIC
                    : profile == TSP_PROFILE_PQ    ? TSP_REQUIRE_PQ
                                                   : TSP_REQUIRE_BOTH;
        ok = tsp_verify(resp, len, &o, &rep) == 0;
        if (!ok) fprintf(stderr, "verify (%s): %s\n", tsp_profile_name((tsp_profile)profile), rep.error);
        ok = ok && rep.profile == profile;
    } else if (!quiet) {
        fprintf(stderr, "issue on node %d (%s): %s\n", i, tsp_profile_name((tsp_profile)profile),
                res->why ? res->why : "?");
    }
    free(resp);
    return ok;
}

static void test_dkg(void)
{
    cluster_status st[H_NODES];
    unsigned parties = 0;
    CHECK_MSG(h_wait_active(H, 600) == 0, "DKG did not complete");
    for (int i = 0; i < H_NODES; i++) {
        cluster_get_status(h_node(H, i), &st[i]);
        CHECK(st[i].epoch == 1);
        CHECK(st[i].epoch_state == LC_EPOCH_ACTIVE);
        CHECK(st[i].node_state == LC_NODE_SERVING);
        CHECK(st[i].availability == LC_AVAIL_HEALTHY);
        CHECK(st[i].reachable == 5 && st[i].alive == 5);
        CHECK(st[i].party >= 1 && st[i].party <= 5);
        parties |= 1u << (st[i].party - 1);
        CHECK_MEM(st[i].ml_key_id, st[0].ml_key_id, sizeof st[0].ml_key_id);
        CHECK_MEM(st[i].ec_key_id, st[0].ec_key_id, sizeof st[0].ec_key_id);
        CHECK(st[i].dkg_ok == 1);
        CHECK(st[i].cert_not_after > time(NULL));
    }
    CHECK(parties == 0x1f);
    /* party p is the node with the p-th smallest key */
    for (int i = 0; i < H_NODES; i++) {
        unsigned rank = 1;
        for (int j = 0; j < H_NODES; j++) rank += memcmp(h_key(H, j), h_key(H, i), CLUSTER_KEY_BYTES) < 0;
        CHECK(st[i].party == rank);
    }
    uint8_t *ec0, *ml0, *ec, *ml;
    size_t ec0l, ml0l, ecl, mll;
    CHECK(cluster_certs(h_node(H, 0), &ec0, &ec0l, &ml0, &ml0l) == 0);
    for (int i = 1; i < H_NODES; i++) {
        CHECK(cluster_certs(h_node(H, i), &ec, &ecl, &ml, &mll) == 0);
        CHECK(ecl == ec0l && !memcmp(ec, ec0, ecl) && mll == ml0l && !memcmp(ml, ml0, mll));
        free(ec), free(ml);
    }
    /* certificatePolicies with every profile's policy OID, requested in the CSR, issued in the certificate */
    for (int p = 0; p < TSP_PROFILE_COUNT; p++) {
        size_t n;
        const uint8_t *oid = tsp_profile_policy((tsp_profile)p, &n);
        CHECK(memmem(ec0, ec0l, oid, n) != NULL && memmem(ml0, ml0l, oid, n) != NULL);
    }
    CHECK(cluster_csrs(h_node(H, 3), &ec, &ecl, &ml, &mll) == 0);
    x509_csr csr;
    CHECK(x509_csr_parse(&csr, ec, ecl) == 0 && csr.policies.len > 0 && csr.tcbinfo.len > 0);
    free(ec), free(ml), free(ec0), free(ml0);
    /* the binding record: the same on every node, and `cctsa verify-binding`'s checks pass */
    uint8_t *b0, *b;
    size_t b0l, bl;
    CHECK(cluster_binding(h_node(H, 0), &b0, &b0l) == 0);
    for (int i = 1; i < H_NODES; i++) {
        CHECK(cluster_binding(h_node(H, i), &b, &bl) == 0);
        CHECK(bl == b0l && !memcmp(b, b0, bl));
        free(b);
    }
    attest_policy pol;
    binding_verdict verdict;
    attest_policy_default(&pol, ATTEST_PROVIDER_SIM);
    const uint8_t *cas[2] = {roots[0], roots[1]};
    CHECK_MSG(binding_verify(b0, b0l, &pol, cas, root_lens, 2, &verdict) == 0, "binding_verify failed: 0x%x",
              verdict.failed);
    b0[b0l - 10] ^= 1;
    CHECK(binding_verify(b0, b0l, &pol, cas, root_lens, 2, &verdict) != 0);
    free(b0);
    /* the ECDSA presignature pools of each node's 6 signer sets fill in the background */
    unsigned full = 0;
    for (int t = 0; t < 600 && full < H_NODES; t++) {
        full = 0;
        for (int i = 0; i < H_NODES; i++) {
            cluster_get_status(h_node(H, i), &st[i]);
            full += st[i].presigs_available == 12;
        }
        if (full < H_NODES) usleep(100000);
    }
    CHECK_MSG(full == H_NODES, "presignature pools not full");
}

static void test_tokens(void)
{
    tsp_engine_result res;
    for (int p = 0; p < TSP_PROFILE_COUNT; p++)
        CHECK_MSG(issue_verify(p % H_NODES, p, &res, 0), "profile %s", tsp_profile_name((tsp_profile)p));
    CHECK(issue_verify(4, TSP_PATH_DEFAULT, &res, 0) == 0 || res.profile == TSP_PROFILE_HYBRID);
}

typedef struct {
    int node, profile, ok;
} conc;

static void *conc_main(void *arg)
{
    conc *c = arg;
    tsp_engine_result res;
    c->ok = issue_verify(c->node, c->profile, &res, 0);
    return NULL;
}

static void test_concurrent(void)
{
    pthread_t t[4];
    conc c[4] = {
        {0, TSP_PROFILE_HYBRID, 0}, {1, TSP_PROFILE_COMPAT, 0}, {2, TSP_PROFILE_CLASSIC, 0}, {0, TSP_PROFILE_PQ, 0}};
    for (int i = 0; i < 4; i++) CHECK(pthread_create(&t[i], NULL, conc_main, &c[i]) == 0);
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        CHECK_MSG(c[i].ok, "concurrent request %d", i);
    }
}

static uint64_t refusals(void)
{
    uint64_t n = 0;
    for (int i = 0; i < H_NODES; i++) {
        cluster_status st;
        cluster_get_status(h_node(H, i), &st);
        n += st.participant_refusals;
    }
    return n;
}

/* The participants' time checks with verdict v (time_peer_check), over all nodes. */
static uint64_t time_checks(time_peer_verdict v)
{
    uint64_t n = 0;
    for (int i = 0; i < H_NODES; i++) {
        cluster_status st;
        cluster_get_status(h_node(H, i), &st);
        n += st.time_checks[v];
    }
    return n;
}

static void test_lying_coordinator(void)
{
    tsp_engine_result res;
    uint64_t before = refusals(), new0 = time_checks(TIME_PEER_TOO_NEW), old0 = time_checks(TIME_PEER_TOO_OLD);
    CHECK(cluster_set_fault(h_node(H, 1), "gentime=5000") == 0);
    CHECK(!issue_verify(1, TSP_PROFILE_PQ, &res, 1));
    CHECK(res.status == TSP_STATUS_REJECTION);
    CHECK(refusals() > before);
    CHECK(time_checks(TIME_PEER_TOO_NEW) > new0); /* counted by reason */
    CHECK(time_checks(TIME_PEER_TOO_OLD) == old0);
    before = refusals();
    CHECK(cluster_set_fault(h_node(H, 1), "gentime=-5000") == 0);
    CHECK(!issue_verify(1, TSP_PROFILE_CLASSIC, &res, 1));
    CHECK(refusals() > before);
    CHECK(time_checks(TIME_PEER_TOO_OLD) > old0);
    before = refusals();
    CHECK(cluster_set_fault(h_node(H, 1), "none") == 0);
    CHECK(cluster_set_fault(h_node(H, 1), "tamper-tbs") == 0);
    CHECK(!issue_verify(1, TSP_PROFILE_HYBRID, &res, 1));
    CHECK(refusals() > before);
    CHECK(cluster_set_fault(h_node(H, 1), "bogus") == -1);
    CHECK(cluster_set_fault(h_node(H, 1), "none") == 0);
    uint64_t ok0 = time_checks(TIME_PEER_OK);
    CHECK(issue_verify(1, TSP_PROFILE_HYBRID, &res, 0));
    CHECK(time_checks(TIME_PEER_OK) > ok0);
}

/* Keep a copy of the first START frame node 1 sends. */
static uint8_t start_copy[65536];
static size_t start_len;
static int start_to;

static int record_start(void *arg, int from, int to, uint8_t *body, size_t len)
{
    (void)arg;
    if (from == 1 && !start_len && len <= sizeof start_copy && body[5] == CL_KIND_START) {
        memcpy(start_copy, body, len);
        start_len = len;
        start_to = to;
    }
    return 1;
}

/* A replayed START (same session id) is refused by the participant. */
static void test_replay(void)
{
    tsp_engine_result res;
    cluster_status st;
    h_set_tamper(H, record_start, NULL);
    CHECK(issue_verify(1, TSP_PROFILE_PQ, &res, 0));
    h_set_tamper(H, NULL, NULL);
    CHECK(start_len > 0);
    cluster_get_status(h_node(H, start_to), &st);
    uint64_t before = st.participant_refusals;
    cluster_on_message(h_node(H, start_to), h_key(H, 1), start_copy, start_len);
    cluster_get_status(h_node(H, start_to), &st);
    CHECK(st.participant_refusals == before + 1);
}

/* Node 3 corrupts every ML-DSA signing message it sends (the library header right after ours). */
static int corrupt_from_3(void *arg, int from, int to, uint8_t *body, size_t len)
{
    (void)arg, (void)to;
    if (from == 3 && len > 120 && body[5] == CL_KIND_ML_SIGN) body[CL_MSG_HDR_BYTES - 4 + 1] ^= 0x40;
    return 1;
}

static void test_culprit(void)
{
    tsp_engine_result res;
    cluster_status st;
    h_set_tamper(H, corrupt_from_3, NULL);
    int ok = 0;
    for (int k = 0; k < 3 && !ok; k++) ok = issue_verify(0, TSP_PROFILE_PQ, &res, 0);
    CHECK_MSG(ok, "signing continues without the corrupting node");
    /* the first set holding node 3 named it; after that no set includes it */
    int named = 0;
    for (int k = 0; k < 6 && !named; k++) {
        cluster_get_status(h_node(H, 0), &st);
        named = st.nodes[1 + h_slot(0, 3)].excluded;
        if (!named) CHECK(issue_verify(0, TSP_PROFILE_PQ, &res, 0));
    }
    CHECK_MSG(named, "node 3 named as culprit on node 0");
    cluster_get_status(h_node(H, 0), &st);
    CHECK(strstr(st.nodes[1 + h_slot(0, 3)].reason, "culprit") != NULL);
    CHECK_MSG(strstr(st.nodes[1 + h_slot(0, 3)].reason, "s more, named 1 time") != NULL, "reason: %s",
              st.nodes[1 + h_slot(0, 3)].reason);
    CHECK(issue_verify(0, TSP_PROFILE_HYBRID, &res, 0));
    h_set_tamper(H, NULL, NULL);
    /* the cool-down ends: node 3 is back, on probation */
    usleep((H_EXCLUDE_MS + 500) * 1000);
    cluster_get_status(h_node(H, 0), &st);
    CHECK_MSG(!st.nodes[1 + h_slot(0, 3)].excluded, "node 3 still excluded after its cool-down");
    CHECK_MSG(strstr(st.nodes[1 + h_slot(0, 3)].reason, "probation") != NULL, "reason: %s",
              st.nodes[1 + h_slot(0, 3)].reason);
}

static lc_availability avail(int i)
{
    cluster_status st;
    cluster_get_status(h_node(H, i), &st);
    return st.availability;
}

/* node 2's view: peers go down and come back with their shares (a partition, SIGSTOP) */
static void test_availability(void)
{
    tsp_engine_result res;
    CHECK(avail(2) == LC_AVAIL_HEALTHY);
    h_peer(H, 2, 0, MESH_PEER_DOWN);
    CHECK(avail(2) == LC_AVAIL_DEGRADED);
    h_peer(H, 2, 1, MESH_PEER_DOWN);
    CHECK(avail(2) == LC_AVAIL_CRITICAL);
    CHECK(issue_verify(2, TSP_PROFILE_CLASSIC, &res, 0)); /* still signs with 3 */
    h_peer(H, 2, 4, MESH_PEER_DOWN);
    CHECK(avail(2) == LC_AVAIL_SUSPENDED);
    CHECK(!issue_verify(2, TSP_PROFILE_CLASSIC, &res, 1));
    CHECK(res.kind == TSP_OUTCOME_UNAVAILABLE && res.unavailable);
    h_peer(H, 2, 0, MESH_PEER_UP);
    h_peer(H, 2, 1, MESH_PEER_UP);
    h_peer(H, 2, 4, MESH_PEER_UP);
    CHECK(avail(2) == LC_AVAIL_HEALTHY);
    CHECK(issue_verify(2, TSP_PROFILE_COMPAT, &res, 0)); /* resumed with the same key */
}

/* node 2's view: with node 4 already restarted, two more holders come back with new keys and
 * boot ids: fewer than 3 shares remain, the epoch retires */
static void test_lost(void)
{
    tsp_engine_result res;
    cluster_status st;
    cluster_get_status(h_node(H, 2), &st);
    CHECK(st.availability == LC_AVAIL_DEGRADED && st.alive == 4);
    h_peer_restarted(H, 2, 0);
    cluster_get_status(h_node(H, 2), &st);
    CHECK(st.availability == LC_AVAIL_CRITICAL && st.alive == 3);
    h_peer_restarted(H, 2, 1);
    cluster_get_status(h_node(H, 2), &st);
    CHECK(st.epoch_state == LC_EPOCH_RETIRED);
    CHECK(st.availability == LC_AVAIL_NONE);
    CHECK(st.node_state == LC_NODE_MESHED);
    uint8_t *a, *b;
    size_t al, bl;
    CHECK(cluster_certs(h_node(H, 2), &a, &al, &b, &bl) == -1);
    CHECK(!issue_verify(2, TSP_PROFILE_CLASSIC, &res, 1) && res.kind == TSP_OUTCOME_UNAVAILABLE);
}

/* A restarted node meets a cluster that serves without it: NO_SHARE, and the others go on. */
static void test_restart_no_share(void)
{
    tsp_engine_result res;
    cluster_status st;
    h_restart(H, 4);
    int no_share = 0;
    for (int t = 0; t < 100 && !no_share; t++) {
        cluster_get_status(h_node(H, 4), &st);
        no_share = st.node_state == LC_NODE_NO_SHARE;
        if (!no_share) usleep(100000);
    }
    CHECK_MSG(no_share, "restarted node is %s", lc_node_name(st.node_state));
    CHECK(st.epoch_state != LC_EPOCH_ACTIVE && st.party == 0);
    CHECK(strstr(st.reason, "no share") != NULL);
    for (int i = 0; i < 4; i++) {
        cluster_get_status(h_node(H, i), &st);
        CHECK(st.availability == LC_AVAIL_DEGRADED && st.alive == 4);
        CHECK(st.nodes[1 + h_slot(i, 4)].holder == 0);
    }
    CHECK(issue_verify(0, TSP_PROFILE_HYBRID, &res, 0));
}

/* Renewal on node 0: fresh threshold-signed CSRs, new dev CA certificates on every serving node. */
static void test_renew(void)
{
    tsp_engine_result res;
    uint8_t *old_ec, *old_ml, *ec, *ml, *ec1 = NULL, *ml1 = NULL;
    size_t oel, oml, ecl, mll, ec1l = 0, ml1l = 0;
    char why[256] = "";
    CHECK(cluster_certs(h_node(H, 0), &old_ec, &oel, &old_ml, &oml) == 0);
    sleep(1); /* another notBefore, so the certificates differ */
    CHECK_MSG(cluster_renew_certs(h_node(H, 0), why, sizeof why) == 0, "renew: %s", why);
    CHECK(cluster_certs(h_node(H, 0), &ec, &ecl, &ml, &mll) == 0);
    CHECK(ecl != oel || memcmp(ec, old_ec, ecl) != 0);
    int same = 0;
    for (int t = 0; t < 50 && !same; t++) {
        free(ec1), free(ml1);
        CHECK(cluster_certs(h_node(H, 1), &ec1, &ec1l, &ml1, &ml1l) == 0);
        same = ec1l == ecl && !memcmp(ec1, ec, ecl) && ml1l == mll && !memcmp(ml1, ml, mll);
        if (!same) usleep(100000);
    }
    CHECK_MSG(same, "node 1 did not install the renewed certificates");
    CHECK(issue_verify(1, TSP_PROFILE_COMPAT, &res, 0));
    CHECK(issue_verify(0, TSP_PROFILE_HYBRID, &res, 0));
    free(old_ec), free(old_ml), free(ec), free(ml), free(ec1), free(ml1);
}

static int drop_to_3(void *arg, int from, int to, uint8_t *body, size_t len)
{
    (void)arg, (void)from, (void)body, (void)len;
    return to != 3;
}

static int same_certs(int i, const uint8_t *ec, size_t ecl)
{
    uint8_t *e, *m;
    size_t el, ml;
    if (cluster_certs(h_node(H, i), &e, &el, &m, &ml) != 0) return 0;
    int same = el == ecl && !memcmp(e, ec, ecl);
    free(e), free(m);
    return same;
}

/* Node 3 misses a renewal (its frames dropped); when it rejoins, its older pair does not replace
 * node 0's, and node 0's renewed pair reaches it. */
static void test_renew_missed(void)
{
    uint8_t *old_ec, *old_ml, *ec, *ml;
    size_t oel, oml, ecl, mll;
    char why[256] = "";
    CHECK(cluster_certs(h_node(H, 3), &old_ec, &oel, &old_ml, &oml) == 0);
    h_set_tamper(H, drop_to_3, NULL);
    h_peer(H, 0, 3, MESH_PEER_DOWN); /* node 0 signs the CSRs without it */
    sleep(1);                        /* another notBefore */
    CHECK_MSG(cluster_renew_certs(h_node(H, 0), why, sizeof why) == 0, "renew: %s", why);
    CHECK(cluster_certs(h_node(H, 0), &ec, &ecl, &ml, &mll) == 0);
    usleep(500000);
    CHECK(same_certs(3, old_ec, oel));
    h_set_tamper(H, NULL, NULL);
    h_peer(H, 3, 0, MESH_PEER_DOWN); /* node 3 sees node 0 come back: sends its old pair */
    h_peer(H, 3, 0, MESH_PEER_UP);
    usleep(500000);
    CHECK_MSG(same_certs(0, ec, ecl), "node 0 took node 3's older certificates");
    h_peer(H, 0, 3, MESH_PEER_UP); /* node 0 sees node 3 come back: sends the renewed pair */
    int got = 0;
    for (int t = 0; t < 50 && !(got = same_certs(3, ec, ecl)); t++) usleep(100000);
    CHECK_MSG(got, "node 3 did not get the renewed certificates on rejoin");
    free(old_ec), free(old_ml), free(ec), free(ml);
}

/* Production path on node 0: certificates posted by an operator pass the acceptance checks only
 * for the group keys and the node's own measurement. */
static void test_install_certs(void)
{
    uint8_t *ec, *ml, *csr_ec, *csr_ml, *other = NULL;
    size_t ecl, mll, cel, cml, ol = 0;
    char why[256] = "";
    CHECK(cluster_certs(h_node(H, 0), &ec, &ecl, &ml, &mll) == 0);
    CHECK(cluster_install_certs(h_node(H, 0), ec, ecl, ml, mll, why, sizeof why) == 0);
    CHECK(cluster_install_certs(h_node(H, 0), ml, mll, ec, ecl, why, sizeof why) == -1);
    CHECK(strstr(why, "not the group key") != NULL);
    /* the right key, another measurement */
    CHECK(cluster_csrs(h_node(H, 0), &csr_ec, &cel, &csr_ml, &cml) == 0);
    x509_csr r;
    x509_tcbinfo tcb = {.vendor = "AMD", .model = "SEV-SNP", .svn = -1};
    memset(tcb.measurement, 0x42, sizeof tcb.measurement);
    char err[256];
    CHECK(x509_csr_parse(&r, csr_ec, cel) == 0);
    CHECK(tsp_devca_certify_csr(h_ca_dir(H), &r, 0, &tcb, 3600, &other, &ol, err, sizeof err) == 0);
    CHECK(cluster_install_certs(h_node(H, 0), other, ol, ml, mll, why, sizeof why) == -1);
    CHECK(strstr(why, "measurement") != NULL);
    free(other), free(ec), free(ml), free(csr_ec), free(csr_ml);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_cluster BIN_DIR\n");
        return 2;
    }
    if (h_skip_sanitized("test_cluster")) return 77;
    H = h_new(argv[1]);
    CHECK(H != NULL);
    if (!H) return check_summary("test_cluster");
    char path[512];
    snprintf(path, sizeof path, "%s/root-ecdsa.pem", h_ca_dir(H));
    CHECK(x509_read_pem_or_der(path, "CERTIFICATE", &roots[0], &root_lens[0]) == 0);
    snprintf(path, sizeof path, "%s/root-mldsa.pem", h_ca_dir(H));
    CHECK(x509_read_pem_or_der(path, "CERTIFICATE", &roots[1], &root_lens[1]) == 0);
    h_all_up(H);
    test_dkg();
    test_tokens();
    test_concurrent();
    test_lying_coordinator();
    test_replay();
    test_availability();
    test_restart_no_share();
    test_culprit();
    test_renew();
    test_renew_missed();
    test_lost();
    test_install_certs();
    h_free(H);
    free(roots[0]), free(roots[1]);
    return check_summary("test_cluster");
}

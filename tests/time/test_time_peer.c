/* test_time_peer.c: trusted time part 2 (time_peer.h). The time-state block and the probe
 * messages (round trip, strictness: every single-byte change is refused or parses differently,
 * bad lengths), the participant's genTime window and its refusal counters, the NTP offset/delay
 * arithmetic against a worked example, and the heartbeat state machine on 5 simulated nodes, each
 * a real time engine on a simulated interval clock, faked through the engine's test offset hook:
 * all honest; one liar (+2 s); two colluding liars; a rate liar (+1000 ppm); rejoin after 3
 * consistent rounds once the fault ends; peers never adopt (a liar's offset moves no one). */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "time/time_peer.h"

#define S TIME_NS_PER_S
#define MS TIME_NS_PER_MS
#define N 5
static const int64_t UTC_BASE = 1796371200LL * S; /* 2026-12-04T08:00:00Z */

/* ---------- the simulated cluster ---------- */
static int64_t now_true; /* true time since UTC_BASE; also every node's interval clock */

typedef struct {
    int id;
    time_engine *e;
    time_probe *p;
    int64_t offset_ns, rate_ppb; /* the fault: clock = true + offset + rate * (t - fault_start) */
    int64_t fault_start;
    int excluded, changes;
} node;
static node nodes[N];

typedef struct {
    int from, to;
    uint8_t msg[TIME_PROBE_BYTES];
    size_t len;
} packet;
static packet queue[256];
static int qhead, qtail;

static int sim_clock(void *ctx, int64_t *mono)
{
    (void)ctx;
    *mono = now_true;
    return 0;
}

static void apply_fault(node *n)
{
    time_engine_set_test_offset(n->e, n->offset_ns + (now_true - n->fault_start) / 1000 * n->rate_ppb / 1000000);
}

static int peer_node(int self, int slot) { return (self + 1 + slot) % N; }
static int slot_of(int self, int other) { return (other - self - 1 + N) % N; }

static void io_send(void *ctx, int peer, const uint8_t *msg, size_t len)
{
    node *n = ctx;
    packet *q = &queue[qtail++ % 256];
    q->from = n->id, q->to = peer_node(n->id, peer), q->len = len;
    memcpy(q->msg, msg, len);
}

static int io_read(void *ctx, time_reading *r)
{
    node *n = ctx;
    apply_fault(n);
    return time_engine_peek_own(n->e, r);
}

static void io_block(void *ctx, time_block *b)
{
    node *n = ctx;
    time_reading r;
    time_status st;
    apply_fault(n);
    time_engine_peek_own(n->e, &r);
    time_engine_status(n->e, &st);
    time_block_from(&r, &st, b);
    if (n->excluded) b->state = TIME_EXCLUDED;
}

static void io_excluded(void *ctx, int excluded, const char *why)
{
    node *n = ctx;
    n->excluded = excluded, n->changes++;
    time_engine_set_excluded(n->e, excluded, why);
}

/* Every node synchronises to the truth (one honest NTS sample), as its NTS poller would. */
static void sync_all(void)
{
    for (int i = 0; i < N; i++) {
        time_sample s = {.mono_ns = now_true,
                         .utc_ns = UTC_BASE + now_true,
                         .rtt_ns = 2 * MS,
                         .root_disp_ns = 100000,
                         .stratum = 1,
                         .flags = TIME_SAMPLE_AUTHENTICATED};
        time_engine_add_sample(nodes[i].e, 0, &s, NULL);
        time_engine_select(nodes[i].e);
    }
}

/* Deliver everything queued, 1 ms per hop (replies are queued behind and delivered too). */
static void deliver(void)
{
    while (qhead != qtail) {
        packet *q = &queue[qhead++ % 256];
        now_true += 1 * MS;
        time_probe_receive(nodes[q->to].p, slot_of(q->to, q->from), q->msg, q->len);
    }
}

/* One heartbeat period: NTS sync, every node ticks (closing the last round, probing), delivery. */
static void round_(void)
{
    now_true += TIME_PROBE_PERIOD_NS;
    sync_all();
    for (int i = 0; i < N; i++) time_probe_tick(nodes[i].p);
    deliver();
}

static void setup(void)
{
    now_true = 1000 * S;
    qhead = qtail = 0;
    for (int i = 0; i < N; i++) {
        node *n = &nodes[i];
        memset(n, 0, sizeof *n);
        n->id = i;
        n->e = time_engine_new((time_interval_clock){sim_clock, NULL}, 1, 0);
        time_probe_io io = {io_send, io_read, io_block, io_excluded, n};
        n->p = time_probe_new(&io);
    }
    sync_all();
}

static void teardown(void)
{
    for (int i = 0; i < N; i++) time_probe_free(nodes[i].p), time_engine_free(nodes[i].e);
}

/* Does node `viewer` let node `other` sign (cluster_peer_update's time_ok)? */
static int ok_in_view(int viewer, int other) { return time_probe_peer_ok(nodes[viewer].p, slot_of(viewer, other)); }

static void fault(int i, int64_t offset_ns, int64_t rate_ppb)
{
    nodes[i].offset_ns = offset_ns, nodes[i].rate_ppb = rate_ppb, nodes[i].fault_start = now_true;
}

/* After some rounds: exactly the nodes in `liars` are excluded, in their own view and their peers'. */
static void expect_excluded(const int *liar, const char *what)
{
    for (int i = 0; i < N; i++) {
        time_reading r;
        int own = time_engine_now(nodes[i].e, &r) != 0 && r.state == TIME_EXCLUDED;
        CHECK_MSG(nodes[i].excluded == liar[i] && own == liar[i], "%s: node %d excluded=%d", what, i,
                  nodes[i].excluded);
        for (int j = 0; j < N; j++) {
            if (j == i || liar[i]) continue; /* an honest node's view of every peer */
            CHECK_MSG(ok_in_view(i, j) == !liar[j], "%s: node %d sees node %d time_ok=%d", what, i, j,
                      ok_in_view(i, j));
        }
    }
}

static void test_honest(void)
{
    setup();
    for (int k = 0; k < 3; k++) round_();
    int none[N] = {0};
    expect_excluded(none, "all honest");
    time_probe_status st;
    time_probe_get_status(nodes[0].p, &st);
    CHECK(st.rounds == 2 && st.probes_sent == 12 && st.replies == 12 && st.inconsistent == 0);
    /* queued delivery, 1 ms per hop: the delay is the time in the queue; the offset lies within delay/2 */
    CHECK(st.peer[0].delay_ns > 0 && st.peer[0].delay_ns < 60 * MS &&
          llabs(st.peer[0].offset_ns) <= st.peer[0].delay_ns / 2);
    teardown();
}

static void test_one_liar(void)
{
    setup();
    fault(4, 2 * S, 0);
    round_();
    round_(); /* first round closed */
    int liar[N] = {0, 0, 0, 0, 1};
    expect_excluded(liar, "one liar +2 s");
    time_probe_status st;
    time_probe_get_status(nodes[4].p, &st);
    CHECK(st.inconsistent == 4 && llabs(st.peer[0].offset_ns + 2 * S) < 5 * MS);
    /* veto, never adopt: the honest nodes still read the truth */
    for (int i = 0; i < 4; i++) {
        time_reading r;
        CHECK(time_engine_now(nodes[i].e, &r) == 0 && llabs(r.utc_ns - (UTC_BASE + now_true)) <= 1 * MS);
    }
    for (int k = 0; k < 5; k++) round_();
    expect_excluded(liar, "one liar, five rounds later");
    CHECK(nodes[4].changes == 1);
    teardown();
}

static void test_two_liars(int64_t second_offset)
{
    setup();
    fault(3, 2 * S, 0);
    fault(4, second_offset, 0);
    for (int k = 0; k < 4; k++) round_();
    int liar[N] = {0, 0, 0, 1, 1};
    expect_excluded(liar, "two liars");
    for (int i = 0; i < 3; i++) CHECK(nodes[i].changes == 0);
    teardown();
}

static void test_rate_liar(void)
{
    setup();
    fault(2, 0, 1000000); /* +1000 ppm: 30 ms more every round */
    round_();
    round_();
    CHECK_MSG(!nodes[2].excluded, "a rate liar 30 ms off is still within the bounds");
    for (int k = 0; k < 4; k++) round_();
    int liar[N] = {0, 0, 1, 0, 0};
    expect_excluded(liar, "rate liar");
    teardown();
}

static void test_rejoin(void)
{
    setup();
    fault(1, -3 * S, 0);
    round_();
    round_();
    int liar[N] = {0, 1, 0, 0, 0}, none[N] = {0};
    expect_excluded(liar, "rejoin: excluded first");
    fault(1, 0, 0);
    int rounds = 0;
    while (nodes[1].excluded && rounds < 10) round_(), rounds++;
    /* the first round closed after the fault ends judges replies measured with the fault; the
     * second still carries the peers' views of the faulty clock (they answer our probe before
     * measuring our reply); then 3 consistent rounds */
    CHECK_MSG(rounds == TIME_PROBE_REJOIN_ROUNDS + 2, "rejoined after %d rounds", rounds);
    round_(); /* peers see the new block (no longer EXCLUDED) */
    expect_excluded(none, "rejoined");
    CHECK(nodes[1].changes == 2);
    teardown();
}

/* ---------- messages ---------- */
static void test_block(void)
{
    time_reading r = {.utc_ns = UTC_BASE, .eps_ns = 12345678, .state = TIME_SYNCED};
    time_status st = {.sync_age_ns = 42 * S + 5, .calibrated = 1};
    time_block b, c;
    uint8_t buf[TIME_BLOCK_BYTES], mod[TIME_BLOCK_BYTES];
    char why[128];
    time_block_from(&r, &st, &b);
    CHECK(b.eps_us == 12346 && b.sync_age_s == 42 && b.flags == TIME_BLOCK_CALIBRATED);
    CHECK(time_block_encode(&b, buf) == TIME_BLOCK_BYTES && TIME_BLOCK_BYTES <= 32);
    static const uint8_t want[] = {1, 1, 1, 0, 0, 0, 0x30, 0x3a, 0, 0, 0, 42};
    CHECK_MEM(buf, want, sizeof want);
    CHECK(time_block_parse(buf, sizeof buf, &c, why, sizeof why) == 0 && !memcmp(&b, &c, sizeof b));
    CHECK(time_block_parse(buf, sizeof buf - 1, &c, why, sizeof why) != 0);
    uint8_t longer[TIME_BLOCK_BYTES + 1] = {0};
    memcpy(longer, buf, sizeof buf);
    CHECK(time_block_parse(longer, sizeof longer, &c, why, sizeof why) != 0);
    int strict = 1;
    for (size_t i = 0; i < sizeof buf; i++)
        for (int bit = 0; bit < 8; bit++) {
            memcpy(mod, buf, sizeof buf);
            mod[i] ^= (uint8_t)(1 << bit);
            if (time_block_parse(mod, sizeof mod, &c, why, sizeof why) == 0 && !memcmp(&b, &c, sizeof b)) strict = 0;
        }
    CHECK_MSG(strict, "every bit flip is refused or parses to another block");
    /* a trusted claim above E_max, or without a sync age, is refused */
    b.eps_us = 200001;
    time_block_encode(&b, buf);
    CHECK(time_block_parse(buf, sizeof buf, &c, why, sizeof why) != 0 && strstr(why, "E_max"));
    b.eps_us = 5, b.sync_age_s = TIME_BLOCK_AGE_NEVER;
    time_block_encode(&b, buf);
    CHECK(time_block_parse(buf, sizeof buf, &c, why, sizeof why) != 0);
    b.state = TIME_UNSYNCED;
    time_block_encode(&b, buf);
    CHECK(time_block_parse(buf, sizeof buf, &c, why, sizeof why) == 0 && !time_block_trusted(&c));
}

static void test_check(void)
{
    time_reading own = {.utc_ns = UTC_BASE, .eps_ns = 5 * MS, .state = TIME_SYNCED};
    time_block cb = {.state = TIME_HOLDOVER, .eps_us = 90000, .sync_age_s = 200};
    uint8_t blk[TIME_BLOCK_BYTES];
    time_block_encode(&cb, blk);
    time_peer_counters c = {{0}};
    char why[128];
    CHECK(time_peer_check(&own, blk, sizeof blk, UTC_BASE - 500 * MS, &c, why, sizeof why) == TIME_PEER_OK);
    CHECK(time_peer_check(&own, blk, sizeof blk, UTC_BASE + 400 * MS, &c, why, sizeof why) == TIME_PEER_OK);
    CHECK(time_peer_check(&own, blk, sizeof blk, UTC_BASE - 500 * MS - 1, &c, why, sizeof why) == TIME_PEER_TOO_OLD);
    CHECK(time_peer_check(&own, blk, sizeof blk, UTC_BASE + 400 * MS + 1, &c, why, sizeof why) == TIME_PEER_TOO_NEW);
    CHECK(strstr(why, "window") != NULL);
    CHECK(time_peer_check(&own, blk, sizeof blk - 1, UTC_BASE, &c, why, sizeof why) == TIME_PEER_BAD_BLOCK);
    cb.state = TIME_EXCLUDED;
    time_block_encode(&cb, blk);
    CHECK(time_peer_check(&own, blk, sizeof blk, UTC_BASE, &c, why, sizeof why) == TIME_PEER_COORD_UNTRUSTED);
    cb.state = TIME_SYNCED;
    time_block_encode(&cb, blk);
    own.state = TIME_UNSYNCED;
    CHECK(time_peer_check(&own, blk, sizeof blk, UTC_BASE, &c, why, sizeof why) == TIME_PEER_OWN_UNTRUSTED);
    CHECK(c.count[TIME_PEER_OK] == 2 && c.count[TIME_PEER_TOO_OLD] == 1 && c.count[TIME_PEER_TOO_NEW] == 1 &&
          c.count[TIME_PEER_BAD_BLOCK] == 1 && c.count[TIME_PEER_COORD_UNTRUSTED] == 1 &&
          c.count[TIME_PEER_OWN_UNTRUSTED] == 1);
    CHECK(!strcmp(time_peer_verdict_name(TIME_PEER_TOO_NEW), "gentime_too_new"));
}

static void test_probe_msg(void)
{
    /* worked example: peer 100 ms ahead, 10 ms each way, 5 ms in the peer */
    int64_t t1 = UTC_BASE, t2 = t1 + 10 * MS + 100 * MS, t3 = t2 + 5 * MS, t4 = t1 + 25 * MS;
    CHECK(time_probe_offset(t1, t2, t3, t4) == 100 * MS && time_probe_delay(t1, t2, t3, t4) == 20 * MS);
    CHECK(time_probe_consistent(100 * MS, 20 * MS, 20 * MS, 20 * MS) &&
          !time_probe_consistent(100 * MS, 20 * MS, 10 * MS, 20 * MS));
    CHECK(!time_probe_consistent(0, -1, 0, 0));
    time_probe_msg m = {.kind = TIME_PROBE_KIND_REPLY,
                        .view = TIME_VIEW_INCONSISTENT,
                        .seq = 7,
                        .t1 = t1,
                        .t2 = t2,
                        .t3 = t3,
                        .block = {.state = TIME_SYNCED, .eps_us = 1000, .sync_age_s = 3}};
    uint8_t buf[TIME_PROBE_BYTES], mod[TIME_PROBE_BYTES];
    time_probe_msg o;
    char why[128];
    CHECK(time_probe_encode(&m, buf) == 48);
    CHECK(time_probe_parse(buf, sizeof buf, &o, why, sizeof why) == 0 && !memcmp(&m, &o, sizeof m));
    int strict = 1;
    for (size_t i = 0; i < sizeof buf; i++) {
        memcpy(mod, buf, sizeof buf);
        mod[i] ^= 0x80;
        if (time_probe_parse(mod, sizeof mod, &o, why, sizeof why) == 0 && !memcmp(&m, &o, sizeof m)) strict = 0;
    }
    CHECK(strict);
    CHECK(time_probe_parse(buf, 47, &o, why, sizeof why) != 0);
    m.t3 = t2 - 1; /* send before receipt */
    time_probe_encode(&m, buf);
    CHECK(time_probe_parse(buf, sizeof buf, &o, why, sizeof why) != 0);
    m.t3 = t3, m.block.state = TIME_UNSYNCED; /* untrusted clocks give no timestamps */
    time_probe_encode(&m, buf);
    CHECK(time_probe_parse(buf, sizeof buf, &o, why, sizeof why) != 0);
    m.t2 = m.t3 = 0;
    time_probe_encode(&m, buf);
    CHECK(time_probe_parse(buf, sizeof buf, &o, why, sizeof why) == 0);
    m.kind = TIME_PROBE_KIND_PROBE, m.view = 0; /* a probe needs a usable clock */
    time_probe_encode(&m, buf);
    CHECK(time_probe_parse(buf, sizeof buf, &o, why, sizeof why) != 0);
    m.block.state = TIME_EXCLUDED; /* an excluded node still probes (to rejoin) */
    time_probe_encode(&m, buf);
    CHECK(time_probe_parse(buf, sizeof buf, &o, why, sizeof why) == 0);
    m.t1 = INT64_C(1) << 62;
    time_probe_encode(&m, buf);
    CHECK(time_probe_parse(buf, sizeof buf, &o, why, sizeof why) != 0);
}

/* Stale, replayed and unsolicited replies are refused and counted. */
static void test_replay(void)
{
    setup();
    round_();
    time_probe_msg m = {.kind = TIME_PROBE_KIND_REPLY,
                        .seq = 1,
                        .t1 = UTC_BASE + now_true,
                        .t2 = UTC_BASE + now_true,
                        .t3 = UTC_BASE + now_true,
                        .block = {.state = TIME_SYNCED, .eps_us = 1000, .sync_age_s = 1}};
    uint8_t buf[TIME_PROBE_BYTES];
    time_probe_encode(&m, buf);
    CHECK(time_probe_receive(nodes[0].p, 0, buf, sizeof buf) == -1); /* already answered this round */
    m.seq = 99;
    time_probe_encode(&m, buf);
    CHECK(time_probe_receive(nodes[0].p, 1, buf, sizeof buf) == -1);
    CHECK(time_probe_receive(nodes[0].p, 4, buf, sizeof buf) == -1);
    CHECK(time_probe_receive(nodes[0].p, 0, buf, 10) == -1);
    time_probe_status st;
    time_probe_get_status(nodes[0].p, &st);
    CHECK(st.stale_replies == 2 && st.bad_messages == 2);
    teardown();
}

int main(void)
{
    test_block();
    test_check();
    test_probe_msg();
    test_honest();
    test_one_liar();
    test_two_liars(2 * S);
    test_two_liars(-2 * S);
    test_rate_liar();
    test_rejoin();
    test_replay();
    return check_summary("test_time_peer");
}

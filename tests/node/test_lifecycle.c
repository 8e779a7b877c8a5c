/* test_lifecycle.c: the transition tables of src/node/lifecycle.h: every listed transition moves,
 * every other one is refused and leaves the state alone, and availability follows the counts. */
#include "node/lifecycle.h"

#include "check.h"

static int epoch_ok(lc_epoch_state from, lc_epoch_event ev, lc_epoch_state want)
{
    lc_epoch_state s = from;
    return lc_epoch_step(&s, ev) == 0 && s == want;
}

static void test_epoch(void)
{
    CHECK(epoch_ok(LC_EPOCH_UNINITIALIZED, LC_EV_DKG_START, LC_EPOCH_DKG));
    CHECK(epoch_ok(LC_EPOCH_DKG, LC_EV_DKG_DONE, LC_EPOCH_ACTIVE));
    CHECK(epoch_ok(LC_EPOCH_DKG, LC_EV_DKG_FAILED, LC_EPOCH_UNINITIALIZED));
    CHECK(epoch_ok(LC_EPOCH_ACTIVE, LC_EV_RETIRE, LC_EPOCH_RETIRED));
    CHECK(epoch_ok(LC_EPOCH_ACTIVE, LC_EV_COMPROMISE, LC_EPOCH_COMPROMISED));
    CHECK(epoch_ok(LC_EPOCH_COMPROMISED, LC_EV_REVOKED, LC_EPOCH_RETIRED));
    CHECK(epoch_ok(LC_EPOCH_RETIRED, LC_EV_NEW_EPOCH, LC_EPOCH_UNINITIALIZED));
    /* everything else is refused, state unchanged: 8 listed transitions of 35 */
    unsigned moved = 0;
    for (int s = 0; s < LC_EPOCH_COUNT; s++)
        for (int e = 0; e < LC_EV_EPOCH_COUNT; e++) {
            lc_epoch_state st = (lc_epoch_state)s;
            if (lc_epoch_step(&st, (lc_epoch_event)e) == 0)
                moved++;
            else
                CHECK(st == (lc_epoch_state)s);
        }
    CHECK(moved == 8);
    /* a compromised epoch never signs again: no way back to ACTIVE */
    lc_epoch_state st = LC_EPOCH_COMPROMISED;
    CHECK(lc_epoch_step(&st, LC_EV_DKG_DONE) != 0 && st == LC_EPOCH_COMPROMISED);
    st = (lc_epoch_state)99;
    CHECK(lc_epoch_step(&st, LC_EV_DKG_START) != 0);
    CHECK(!strcmp(lc_epoch_name(LC_EPOCH_ACTIVE), "ACTIVE"));
    CHECK(!strcmp(lc_epoch_name((lc_epoch_state)42), "UNKNOWN"));
    CHECK(!strcmp(lc_epoch_event_name(LC_EV_REVOKED), "revoked"));
}

static void test_availability(void)
{
    CHECK(lc_availability_of(1, 5, 5) == LC_AVAIL_HEALTHY);
    CHECK(lc_availability_of(1, 4, 5) == LC_AVAIL_DEGRADED);
    CHECK(lc_availability_of(1, 3, 3) == LC_AVAIL_CRITICAL);
    CHECK(lc_availability_of(1, 2, 5) == LC_AVAIL_SUSPENDED); /* partition: shares alive */
    CHECK(lc_availability_of(1, 2, 3) == LC_AVAIL_SUSPENDED);
    CHECK(lc_availability_of(1, 2, 2) == LC_AVAIL_LOST); /* restarts: shares gone */
    CHECK(lc_availability_of(1, 0, 0) == LC_AVAIL_LOST);
    CHECK(lc_availability_of(0, 5, 5) == LC_AVAIL_NONE);
    CHECK(lc_availability_signs(LC_AVAIL_CRITICAL) && !lc_availability_signs(LC_AVAIL_SUSPENDED));
    CHECK(!lc_availability_signs(LC_AVAIL_LOST) && !lc_availability_signs(LC_AVAIL_NONE));
    CHECK(!strcmp(lc_availability_name(LC_AVAIL_SUSPENDED), "SUSPENDED"));
}

static void test_node(void)
{
    lc_node_state s = LC_NODE_BOOTING;
    static const lc_node_event boot[] = {LC_NEV_BOOTED, LC_NEV_ATTESTED, LC_NEV_TIME_OK, LC_NEV_DKG_START,
                                         LC_NEV_DKG_DONE};
    for (size_t i = 0; i < sizeof boot / sizeof boot[0]; i++) CHECK(lc_node_step(&s, boot[i], 0) == 0);
    CHECK(s == LC_NODE_SERVING);
    CHECK(lc_node_step(&s, LC_NEV_DKG_START, 1) != 0 && s == LC_NODE_SERVING);
    CHECK(lc_node_step(&s, LC_NEV_EXCLUDE, 1) == 0 && s == LC_NODE_EXCLUDED);
    CHECK(lc_node_step(&s, LC_NEV_TIME_OK, 1) == 0 && s == LC_NODE_SERVING); /* rejoins with its share */
    CHECK(lc_node_step(&s, LC_NEV_EXCLUDE, 1) == 0 && lc_node_step(&s, LC_NEV_TIME_OK, 0) == 0);
    CHECK(s == LC_NODE_MESHED);
    CHECK(lc_node_step(&s, LC_NEV_NO_SHARE, 0) == 0 && s == LC_NODE_NO_SHARE);
    CHECK(lc_node_step(&s, LC_NEV_DKG_START, 0) != 0 && s == LC_NODE_NO_SHARE);
    CHECK(lc_node_step(&s, LC_NEV_SHARE_LOST, 0) == 0 && s == LC_NODE_MESHED);
    CHECK(lc_node_step(&s, LC_NEV_DKG_START, 0) == 0 && lc_node_step(&s, LC_NEV_DKG_FAILED, 0) == 0);
    CHECK(s == LC_NODE_MESHED);
    CHECK(lc_node_step(&s, LC_NEV_FAIL, 0) == 0 && s == LC_NODE_FAILED);
    for (int e = 0; e < LC_NEV_COUNT; e++) CHECK(lc_node_step(&s, (lc_node_event)e, 1) != 0 && s == LC_NODE_FAILED);
    s = LC_NODE_BOOTING;
    CHECK(lc_node_step(&s, LC_NEV_DKG_DONE, 1) != 0 && s == LC_NODE_BOOTING); /* no skipping attestation */
    CHECK(!strcmp(lc_node_name(LC_NODE_IN_DKG), "IN_DKG") && !strcmp(lc_node_event_name(LC_NEV_FAIL), "fail"));
}

int main(void)
{
    test_epoch();
    test_availability();
    test_node();
    return check_summary("test_lifecycle");
}

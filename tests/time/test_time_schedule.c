/* test_time_schedule.c: the time node's polling schedule (time_node_schedule_next): a burst of
 * rounds 2 s apart at start until 4 good selections, then 64 s with up to 1/8 jitter; a failed
 * selection starts a burst again; 4 failures in a row slow the retries to the regular period;
 * the first good selection after that restarts the burst. */
#include "check.h"
#include "time/time_node.h"

#define P TIME_NODE_POLL_NS
#define G TIME_NODE_BURST_GAP_NS
#define B TIME_NODE_BURST

static int64_t next(time_node_schedule *s, int ok) { return time_node_schedule_next(s, ok, P, G, B, 0); }

int main(void)
{
    time_node_schedule s = {0, 0};
    /* start: the first round failed (servers not up yet), then good ones */
    CHECK(next(&s, 0) == G);
    for (int i = 0; i < B - 1; i++) CHECK(next(&s, 1) == G);
    CHECK(next(&s, 1) == P); /* 4 good selections: regular */
    CHECK(next(&s, 1) == P && next(&s, 1) == P);
    CHECK(time_node_schedule_next(&s, 1, P, G, B, 65535) == P - P / 8 * 65535 / 65536);
    CHECK(time_node_schedule_next(&s, 1, P, G, B, 65535) > P - P / 8);
    /* loss: burst retries, then the regular period after 4 failures */
    for (int i = 0; i < B - 1; i++) CHECK(next(&s, 0) == G);
    CHECK(next(&s, 0) == P);
    for (int i = 0; i < 100; i++) CHECK(next(&s, 0) == P); /* no counter overflow over a long outage */
    /* recovery: a new burst */
    for (int i = 0; i < B - 1; i++) CHECK(next(&s, 1) == G);
    CHECK(next(&s, 1) == P);
    /* a single failure while regular: a burst again */
    CHECK(next(&s, 0) == G && next(&s, 1) == G);
    return check_summary("test_time_schedule");
}

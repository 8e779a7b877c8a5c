/* time_node_watch.c CONFIG POLL_MS FRESH_MS HOLDOVER_MS: test driver for time_node.h. Starts a
 * time node on the configuration (NTS servers from the time.* keys), then every 200 ms reads the
 * node's time seam (tsp_time_read) and prints one line: state, eps, the reading's offset to the
 * host's CLOCK_REALTIME (the test's reference), rounds run, reason. On stdin, 'x' excludes the
 * node (time_node_set_excluded), 'u' readmits it; it stops when stdin closes. */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "time/time_node.h"

static const char *state_name(tsp_time_state s)
{
    static const char *n[] = {"SYNCED", "HOLDOVER", "UNSYNCED", "EXCLUDED"};
    return (unsigned)s < 4 ? n[s] : "?";
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: time_node_watch CONFIG POLL_MS FRESH_MS HOLDOVER_MS\n");
        return 2;
    }
    time_node_options o = {0};
    o.poll_ns = atoll(argv[2]) * TIME_NS_PER_MS;
    o.burst_gap_ns = o.poll_ns / 4;
    o.fresh_ns = atoll(argv[3]) * TIME_NS_PER_MS;
    o.holdover_ns = atoll(argv[4]) * TIME_NS_PER_MS;
    o.timeout_ms = 500;
    char why[256];
    time_node *t = time_node_start(argv[1], &o, why, sizeof why);
    if (!t) {
        printf("error: %s\n", why);
        return 1;
    }
    tsp_time_source ts = time_node_source(t);
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (;;) {
        struct pollfd p = {0, POLLIN, 0};
        if (poll(&p, 1, 200) > 0) {
            char c;
            if (read(0, &c, 1) <= 0) break;
            if (c == 'x') time_node_set_excluded(t, 1, "test");
            if (c == 'u') time_node_set_excluded(t, 0, NULL);
        }
        tsp_time_reading r;
        struct timespec host;
        int rc = tsp_time_read(&ts, &r);
        clock_gettime(CLOCK_REALTIME, &host);
        double off = rc == 0 ? (double)(r.utc.tv_sec - host.tv_sec) + (double)(r.utc.tv_nsec - host.tv_nsec) / 1e9 : 0;
        printf("rc=%d state=%s eps_ms=%.3f offset=%+.4f development=%d rounds=%llu reason=%s\n", rc,
               state_name(r.state), (double)r.eps_ns / 1e6, off, r.development, (unsigned long long)time_node_rounds(t),
               r.reason);
    }
    time_node_stop(t);
    return 0;
}

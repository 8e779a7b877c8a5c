/* lifecycle.c: the transition tables of lifecycle.h. A table entry is the state an event leads to,
 * or NONE: the transition does not exist and the step is refused. */
#include "node/lifecycle.h"

#include <stddef.h>

#define NONE (-1)
#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static const signed char epoch_table[LC_EPOCH_COUNT][LC_EV_EPOCH_COUNT] = {
    /* events: DKG_START, DKG_DONE, DKG_FAILED, RETIRE, COMPROMISE, REVOKED, NEW_EPOCH */
    [LC_EPOCH_UNINITIALIZED] = {LC_EPOCH_DKG, NONE, NONE, NONE, NONE, NONE, NONE},
    [LC_EPOCH_DKG] = {NONE, LC_EPOCH_ACTIVE, LC_EPOCH_UNINITIALIZED, NONE, LC_EPOCH_COMPROMISED, NONE, NONE},
    [LC_EPOCH_ACTIVE] = {NONE, NONE, NONE, LC_EPOCH_RETIRED, LC_EPOCH_COMPROMISED, NONE, NONE},
    [LC_EPOCH_COMPROMISED] = {NONE, NONE, NONE, NONE, NONE, LC_EPOCH_RETIRED, NONE},
    [LC_EPOCH_RETIRED] = {NONE, NONE, NONE, NONE, NONE, NONE, LC_EPOCH_UNINITIALIZED},
};

static const signed char node_table[LC_NODE_COUNT][LC_NEV_COUNT] = {
    /* BOOTED, ATTESTED, TIME_OK, DKG_START, DKG_DONE, DKG_FAILED, NO_SHARE, SHARE_LOST, EXCLUDE, FAIL */
    [LC_NODE_BOOTING] = {LC_NODE_ATTESTING, NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE, LC_NODE_FAILED},
    [LC_NODE_ATTESTING] = {NONE, LC_NODE_TIME_SYNC, NONE, NONE, NONE, NONE, NONE, NONE, NONE, LC_NODE_FAILED},
    [LC_NODE_TIME_SYNC] = {NONE, NONE, LC_NODE_MESHED, NONE, NONE, NONE, NONE, NONE, NONE, LC_NODE_FAILED},
    [LC_NODE_MESHED] = {NONE, NONE, NONE, LC_NODE_IN_DKG, NONE, NONE, LC_NODE_NO_SHARE, NONE, LC_NODE_EXCLUDED,
                        LC_NODE_FAILED},
    [LC_NODE_IN_DKG] = {NONE, NONE, NONE, NONE, LC_NODE_SERVING, LC_NODE_MESHED, NONE, NONE, LC_NODE_EXCLUDED,
                        LC_NODE_FAILED},
    [LC_NODE_SERVING] = {NONE, NONE, NONE, NONE, NONE, NONE, NONE, LC_NODE_MESHED, LC_NODE_EXCLUDED, LC_NODE_FAILED},
    [LC_NODE_NO_SHARE] = {NONE, NONE, NONE, NONE, NONE, NONE, NONE, LC_NODE_MESHED, LC_NODE_EXCLUDED, LC_NODE_FAILED},
    /* EXCLUDED: TIME_OK is special-cased in lc_node_step (back to SERVING with a share) */
    [LC_NODE_EXCLUDED] = {NONE, NONE, LC_NODE_MESHED, NONE, NONE, NONE, NONE, LC_NODE_EXCLUDED, NONE, LC_NODE_FAILED},
    [LC_NODE_FAILED] = {NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE},
};

int lc_epoch_step(lc_epoch_state *s, lc_epoch_event ev)
{
    if (!s || (unsigned)*s >= LC_EPOCH_COUNT || (unsigned)ev >= LC_EV_EPOCH_COUNT) return -1;
    int to = epoch_table[*s][ev];
    if (to == NONE) return -1;
    *s = (lc_epoch_state)to;
    return 0;
}

int lc_node_step(lc_node_state *s, lc_node_event ev, int has_share)
{
    if (!s || (unsigned)*s >= LC_NODE_COUNT || (unsigned)ev >= LC_NEV_COUNT) return -1;
    int to = node_table[*s][ev];
    if (to == NONE) return -1;
    if (*s == LC_NODE_EXCLUDED && ev == LC_NEV_TIME_OK && has_share) to = LC_NODE_SERVING;
    *s = (lc_node_state)to;
    return 0;
}

lc_availability lc_availability_of(int epoch_active, unsigned reachable, unsigned alive)
{
    if (!epoch_active) return LC_AVAIL_NONE;
    if (reachable >= 5) return LC_AVAIL_HEALTHY;
    if (reachable == 4) return LC_AVAIL_DEGRADED;
    if (reachable == 3) return LC_AVAIL_CRITICAL;
    return alive >= 3 ? LC_AVAIL_SUSPENDED : LC_AVAIL_LOST;
}

int lc_availability_signs(lc_availability a)
{
    return a == LC_AVAIL_HEALTHY || a == LC_AVAIL_DEGRADED || a == LC_AVAIL_CRITICAL;
}

static const char *name_of(const char *const *names, size_t n, unsigned i)
{
    return i < n && names[i] ? names[i] : "UNKNOWN";
}

const char *lc_epoch_name(lc_epoch_state s)
{
    static const char *const n[] = {"UNINITIALIZED", "DKG", "ACTIVE", "COMPROMISED", "RETIRED"};
    return name_of(n, COUNT_OF(n), (unsigned)s);
}

const char *lc_availability_name(lc_availability a)
{
    static const char *const n[] = {"HEALTHY", "DEGRADED", "CRITICAL", "SUSPENDED", "LOST", "NONE"};
    return name_of(n, COUNT_OF(n), (unsigned)a);
}

const char *lc_node_name(lc_node_state s)
{
    static const char *const n[] = {"BOOTING", "ATTESTING", "TIME_SYNC", "MESHED", "IN_DKG",
                                    "SERVING", "NO_SHARE",  "EXCLUDED",  "FAILED"};
    return name_of(n, COUNT_OF(n), (unsigned)s);
}

const char *lc_epoch_event_name(lc_epoch_event e)
{
    static const char *const n[] = {"dkg_start",  "dkg_done", "dkg_failed", "retire",
                                    "compromise", "revoked",  "new_epoch"};
    return name_of(n, COUNT_OF(n), (unsigned)e);
}

const char *lc_node_event_name(lc_node_event e)
{
    static const char *const n[] = {"booted",     "attested", "time_ok",    "dkg_start", "dkg_done",
                                    "dkg_failed", "no_share", "share_lost", "exclude",   "fail"};
    return name_of(n, COUNT_OF(n), (unsigned)e);
}

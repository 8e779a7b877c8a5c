/* tmldsa_test_blame.h: header-only check of the threshold ML-DSA blame rule for the attack
 * tests: an honest party's verdict never names an honest party alone. A named culprit must be
 * malicious (and be the only suspect); a suspect set must have at least two members, one of them
 * malicious; an error that blames nobody is always sound. */
#ifndef CCTSA_TESTS_TMLDSA_TEST_BLAME_H
#define CCTSA_TESTS_TMLDSA_TEST_BLAME_H

#include "threshold/testkit/tmldsa_driver.h"

static inline int tmldsa_verdict_sound(const tmldsa_error *e, unsigned malicious)
{
    if (e->culprit)
        return e->culprit <= TMLDSA_PARTIES && (malicious >> (e->culprit - 1) & 1) &&
               e->suspects == 1u << (e->culprit - 1);
    if (e->suspects) return (e->suspects & malicious) != 0 && (e->suspects & (e->suspects - 1)) != 0;
    return 1;
}

/* Count the honest parties (not in `malicious`) whose verdict in s is an error, and the unsound
 * ones among them. */
static inline void tmldsa_verdicts(const tmldsa_run_stats *s, unsigned malicious, unsigned *failed, unsigned *unsound)
{
    *failed = *unsound = 0;
    for (unsigned p = 1; p <= TMLDSA_PARTIES; p++) {
        if (malicious >> (p - 1) & 1 || s->verdict[p - 1].code == 0) continue;
        ++*failed;
        if (!tmldsa_verdict_sound(&s->verdict[p - 1], malicious)) ++*unsound;
    }
}

#endif

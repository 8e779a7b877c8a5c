/* test_tmldsa_msgwipe.c: tmldsa_msg_free wipes a message before releasing it. The DKG's round-2
 * private messages carry the seed contributions r_{j,I}; freed memory is handed out again by the
 * allocator, so they must be zero by the time free() sees them. This program is linked with
 * -Wl,--wrap=free (tests/threshold/mldsa/tmldsa_tests.cmake): every free() of the library goes through
 * __wrap_free below, which inspects the one buffer the test arms before passing it on. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "crypto/ct.h"
#include "threshold/mldsa/tmldsa.h"

void __real_free(void *p);
void __wrap_free(void *p);

static const void *g_armed;
static size_t g_armed_len;
static int g_seen, g_zero;

void __wrap_free(void *p)
{
    if (p && p == g_armed) {
        const uint8_t *b = p;
        uint8_t acc = 0;
        for (size_t i = 0; i < g_armed_len; i++) acc |= b[i];
        g_seen = 1;
        g_zero = acc == 0;
        g_armed = NULL;
    }
    __real_free(p);
}

static int nonzero(const tmldsa_msg *m)
{
    uint8_t acc = 0;
    for (size_t i = 0; i < m->len; i++) acc |= m->data[i];
    return acc != 0;
}

/* Free m through tmldsa_msg_free with the wrapper armed; 1 if free() saw only zero bytes. */
static int freed_wiped(tmldsa_msg *m)
{
    g_armed = m->data;
    g_armed_len = m->len;
    g_seen = g_zero = 0;
    tmldsa_msg_free(m);
    CHECK_MSG(g_seen, "free() of the armed buffer was not observed (is the test linked with --wrap=free?)");
    CHECK(m->data == NULL && m->len == 0);
    return g_seen && g_zero;
}

int main(void)
{
    enum {
        P = TMLDSA_PARTIES
    };
    uint8_t sid[TMLDSA_SIDBYTES];
    tmldsa_dkg *st[P] = {0};
    tmldsa_msg b1[P] = {{0}}, b2 = {0}, priv[P] = {{0}};
    tmldsa_error err = {0};
    cc_randombytes(sid, sizeof sid);
    for (unsigned p = 0; p < P; p++) {
        CHECK(tmldsa_dkg_new(&st[p], p + 1, sid, &err) == TMLDSA_OK);
        CHECK(tmldsa_dkg_round1(st[p], &b1[p], &err) == TMLDSA_OK);
    }
    CHECK_MSG(tmldsa_dkg_round2(st[0], b1, &b2, priv, &err) == TMLDSA_OK, "round 2: %s", err.reason);
    /* party 1's private message to party 2: its three seed contributions for {1,2,x} */
    CHECK(priv[1].data != NULL && nonzero(&priv[1]));
    int ok = freed_wiped(&priv[1]);
    CHECK_MSG(ok, "a DKG private message (seed contributions) reached free() unwiped");
    printf("DKG private message of party 1 to party 2: %s\n", ok ? "wiped before free" : "NOT wiped before free");
    /* every other message too (the rule is in tmldsa_msg_free itself) */
    CHECK(freed_wiped(&b1[2]));
    CHECK(freed_wiped(&b2));
    tmldsa_msg empty = {0};
    tmldsa_msg_free(&empty);
    tmldsa_msg_free(NULL);
    for (unsigned p = 0; p < P; p++) {
        tmldsa_msg_free(&b1[p]);
        tmldsa_msg_free(&priv[p]);
        tmldsa_dkg_free(st[p]);
    }
    return check_summary("test_tmldsa_msgwipe");
}

/* test_tmldsa_bufs.c: the signing state's buffers are reused across sessions of one share (no
 * fresh pages per signature, tmldsa_internal.h "spare"):
 *  - after a signature each share keeps one set for its K, with the masks y and the round-1 mask
 *    randomness wiped;
 *  - the next session with the same K takes that very set (same y), and signs correctly;
 *  - a session with another K releases the set and allocates its own (K recorded);
 *  - two sessions alive at once on one share get distinct buffers, and freeing both keeps one set;
 *  - every signature verifies with the single-party FIPS 204 verifier;
 *  - the large message buffers are cached (tmldsa_msgpool.c): a freed one comes back for the next
 *    message that fits (even with a plain allocation of its size in between), a larger request
 *    gets another one.
 * Freeing the shares releases the kept sets (the sanitizer build's leak check covers it). */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "crypto/ct.h"
#include "crypto/mldsa.h"
#include "threshold/mldsa/tmldsa_ctfloat.h"
#include "threshold/mldsa/tmldsa_internal.h"
#include "threshold/testkit/tmldsa_driver.h"

static tmldsa_share *g_shares[TMLDSA_PARTIES];

static int sign_once(unsigned K, uint8_t tag)
{
    uint8_t sid[TMLDSA_SIDBYTES], sig[TMLDSA_SIGBYTES], msg[16];
    tmldsa_error err = {0};
    tmldsa_run_stats st;
    memset(msg, tag, sizeof msg);
    CHECK(cc_randombytes(sid, sizeof sid) == 0);
    int rc = tmldsa_driver_sign(g_shares, 0x07, K, sid, msg, sizeof msg, NULL, 0, tmldsa_driver_accept_all, NULL, sig,
                                NULL, NULL, &st, &err);
    CHECK_MSG(rc == TMLDSA_OK, "sign K=%u: %d %s", K, rc, err.reason);
    CHECK(rc != TMLDSA_OK ||
          cc_mldsa65_verify(sig, sizeof sig, msg, sizeof msg, NULL, 0, tmldsa_share_pk(g_shares[0])) == 0);
    return rc;
}

static int all_zero(const double *y, size_t n)
{
    static const double zero[64];
    for (size_t i = 0; i < n; i += 64)
        if (memcmp(y + i, zero, (n - i < 64 ? n - i : 64) * sizeof *y) != 0) return 0;
    return 1;
}

static void message_cache(void)
{
    uint8_t *big = tmldsa_pool_get(3000000), *other;
    CHECK(big != NULL);
    if (!big) return;
    memset(big, 0, 3000000);
    tmldsa_pool_put(big, 3000000);
    /* (larger than any cached message, so best fit picks it); a plain allocation of the same size
     * in between would take a freed block's memory, not a cached one */
    void *blocker = malloc(3000000);
    CHECK_MSG(tmldsa_pool_get(2000000) == big, "a cached buffer that fits is not handed out again");
    free(blocker);
    tmldsa_pool_put(big, 3000000);
    other = tmldsa_pool_get(4000000);
    CHECK(other != NULL && other != big);
    tmldsa_pool_put(other, 4000000);
    CHECK(tmldsa_pool_get(4000000) == other);
    tmldsa_pool_put(other, 4000000);
}

int main(void)
{
    uint8_t sid[TMLDSA_SIDBYTES];
    tmldsa_error err = {0};
    tmldsa_run_stats ds;
    CHECK(cc_randombytes(sid, sizeof sid) == 0);
    if (tmldsa_driver_dkg(sid, g_shares, NULL, NULL, &ds, &err) != TMLDSA_OK) {
        CHECK_MSG(0, "dkg: %s", err.reason);
        return check_summary("test_tmldsa_bufs");
    }
    tmldsa_share *sh = g_shares[0];
    CHECK(atomic_load(&sh->spare) == NULL);
    CHECK(sign_once(TMLDSA_K_DEFAULT, 1) == TMLDSA_OK);
    tmldsa_sign_bufs *s1 = atomic_load(&sh->spare);
    CHECK(s1 != NULL && s1->K == TMLDSA_K_DEFAULT);
    double *y1 = s1 ? s1->y : NULL;
    CHECK(y1 && all_zero(y1, (size_t)TMLDSA_K_DEFAULT * TMLDSA_HB_DIM)); /* the masks are wiped */
    /* the mask randomness of round 1 is a kept buffer too (no allocation per attempt), wiped */
    uint8_t *r1 = s1 ? s1->rbuf : NULL, *h1 = s1 ? s1->hbuf : NULL;
    CHECK(r1 && h1);
    unsigned or = 0;
    for (size_t i = 0; r1 && i < 4 * (size_t)TMLDSA_HB_RANDBYTES; i++) or |= r1[i];
    CHECK_MSG(or == 0, "the round-1 mask randomness was not wiped");

    CHECK(sign_once(TMLDSA_K_DEFAULT, 2) == TMLDSA_OK);
    tmldsa_sign_bufs *s2 = atomic_load(&sh->spare);
    CHECK_MSG(s2 && s2->y == y1 && s2->rbuf == r1 && s2->hbuf == h1,
              "the second session did not reuse the first one's buffers");

    CHECK(sign_once(16, 3) == TMLDSA_OK);
    tmldsa_sign_bufs *s3 = atomic_load(&sh->spare);
    CHECK(s3 && s3->K == 16);

    /* two sessions at once on the same share */
    tmldsa_sign *a = NULL, *b = NULL;
    uint8_t m = 7;
    CHECK(tmldsa_sign_new(&a, sh, sid, 0x07, 16, &m, 1, NULL, 0, tmldsa_driver_accept_all, NULL, &err) == TMLDSA_OK);
    CHECK(atomic_load(&sh->spare) == NULL); /* taken by a */
    CHECK(tmldsa_sign_new(&b, sh, sid, 0x07, 16, &m, 1, NULL, 0, tmldsa_driver_accept_all, NULL, &err) == TMLDSA_OK);
    CHECK(a && b && a->y && b->y && a->y != b->y && a->w_all != b->w_all && a->zbuf != b->zbuf);
    tmldsa_sign_free(a);
    tmldsa_sign_free(b);
    CHECK(atomic_load(&sh->spare) != NULL);
    CHECK(sign_once(16, 4) == TMLDSA_OK);
    message_cache();

    for (unsigned p = 0; p < TMLDSA_PARTIES; p++) tmldsa_share_free(g_shares[p]);
    return check_summary("test_tmldsa_bufs");
}

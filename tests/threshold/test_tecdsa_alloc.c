/* test_tecdsa_alloc: the allocator hook of threshold ECDSA (tecdsa_dkg_new_alloc): the DKG state
 * and its key share come from the caller's allocator and go back to it on free, and an allocator
 * that fails makes the constructor return NULL cleanly. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "threshold/ecdsa/tecdsa.h"

typedef struct {
    unsigned allocs, frees, fail;
    size_t live;
} counter;

static void *count_alloc(void *ctx, size_t n)
{
    counter *c = ctx;
    if (c->fail && c->allocs >= c->fail - 1) return NULL;
    c->allocs++;
    c->live += n;
    return calloc(1, n);
}

static void count_free(void *ctx, void *p, size_t n)
{
    counter *c = ctx;
    if (!p) return;
    c->frees++;
    c->live -= n;
    free(p);
}

int main(void)
{
    counter c = {0};
    cc_allocator a = {count_alloc, count_free, &c};
    uint8_t nonce[32] = {7};
    tecdsa_dkg *d = tecdsa_dkg_new_alloc(3, nonce, &a);
    CHECK(d != NULL);
    CHECK(c.allocs == 2); /* the DKG state and its key share */
    tecdsa_dkg_free(d);
    CHECK(c.frees == 2 && c.live == 0); /* each freed with the size it was allocated with */
    for (unsigned f = 1; f <= 2; f++) { /* fail the first, then the second allocation */
        c = (counter){0};
        c.fail = f;
        CHECK(tecdsa_dkg_new_alloc(3, nonce, &a) == NULL);
        CHECK(c.frees == c.allocs && c.live == 0);
    }
    d = tecdsa_dkg_new(3, nonce); /* the default allocator */
    CHECK(d != NULL);
    tecdsa_dkg_free(d);
    return check_summary("test_tecdsa_alloc");
}

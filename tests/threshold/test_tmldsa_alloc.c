/* test_tmldsa_alloc: the allocator hook of threshold ML-DSA (tmldsa_dkg_new_alloc): the DKG state
 * comes from the caller's allocator and goes back to it (same pointer and size) on free, and an
 * allocator that fails makes the constructor fail cleanly with TMLDSA_E_NOMEM. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "threshold/mldsa/tmldsa.h"

typedef struct {
    unsigned allocs, frees, fail;
    void *last;
    size_t last_n, freed_n;
} counter;

static void *count_alloc(void *ctx, size_t n)
{
    counter *c = ctx;
    if (c->fail) return NULL;
    c->allocs++;
    c->last = calloc(1, n);
    c->last_n = n;
    return c->last;
}

static void count_free(void *ctx, void *p, size_t n)
{
    counter *c = ctx;
    if (!p) return;
    c->frees++;
    c->freed_n = n;
    CHECK(p == c->last);
    free(p);
}

int main(void)
{
    counter c = {0};
    cc_allocator a = {count_alloc, count_free, &c};
    uint8_t sid[TMLDSA_SIDBYTES] = {1};
    tmldsa_dkg *st = NULL;
    tmldsa_error err;
    CHECK(tmldsa_dkg_new_alloc(&st, 2, sid, &a, &err) == TMLDSA_OK && st);
    CHECK(c.allocs == 1 && c.last == (void *)st && c.last_n > 0);
    tmldsa_dkg_free(st);
    CHECK(c.frees == 1 && c.freed_n == c.last_n);
    c.fail = 1;
    st = NULL;
    CHECK(tmldsa_dkg_new_alloc(&st, 2, sid, &a, &err) == TMLDSA_E_NOMEM && st == NULL);
    CHECK(tmldsa_dkg_new(&st, 2, sid, &err) == TMLDSA_OK && st); /* the default allocator */
    tmldsa_dkg_free(st);
    return check_summary("test_tmldsa_alloc");
}

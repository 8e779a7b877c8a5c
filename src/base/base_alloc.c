/* base_alloc.c: the allocator hook and its default (see base.h). */
#include <stdlib.h>

#include "base/base.h"

static void *default_alloc(void *ctx, size_t n)
{
    (void)ctx;
    return calloc(1, n ? n : 1);
}

static void default_free(void *ctx, void *p, size_t n)
{
    (void)ctx;
    if (!p) return;
    volatile uint8_t *v = p; /* a wipe the compiler cannot drop */
    while (n--) *v++ = 0;
    free(p);
}

const cc_allocator cc_allocator_default = {default_alloc, default_free, NULL};

void *cc_alloc(const cc_allocator *a, size_t n)
{
    return (a ? a : &cc_allocator_default)->alloc((a ? a : &cc_allocator_default)->ctx, n);
}

void cc_free(const cc_allocator *a, void *p, size_t n)
{
    if (!a) a = &cc_allocator_default;
    a->free(a->ctx, p, n);
}

/* secure_mem.c: guarded, locked, non-dumpable allocations for secrets (secure_mem.h).
 * Layout: [guard page][header page ... data ending at the page boundary][guard page]; the
 * header (mapping base and size) sits just before the data and is checked on free. */
#include "crypto/secure_mem.h"

#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "crypto/ct.h"

#define SECURE_MAGIC 0x63637473656D656DULL

typedef struct {
    uint64_t magic;
    void *base;
    size_t total; /* whole mapping, guard pages included */
    size_t n;
} secure_hdr;

static _Atomic size_t in_use;

static size_t page_size(void)
{
    long p = sysconf(_SC_PAGESIZE);
    return p > 0 ? (size_t)p : 4096;
}

void *cc_secure_alloc(size_t n)
{
    size_t pg = page_size();
    if (n > SIZE_MAX / 2) return NULL;
    size_t inner = (n + sizeof(secure_hdr) + pg - 1) / pg * pg, total = inner + 2 * pg;
    uint8_t *base = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) return NULL;
    uint8_t *data = base + pg + inner - n;
    if (mprotect(base, pg, PROT_NONE) != 0 || mprotect(base + pg + inner, pg, PROT_NONE) != 0 ||
        madvise(base + pg, inner, MADV_DONTDUMP) != 0 || mlock(base + pg, inner) != 0) {
        munmap(base, total);
        return NULL;
    }
    secure_hdr h = {SECURE_MAGIC, base, total, n};
    memcpy(data - sizeof h, &h, sizeof h);
    atomic_fetch_add(&in_use, total);
    return data;
}

void cc_secure_free(void *p)
{
    if (!p) return;
    secure_hdr h;
    memcpy(&h, (uint8_t *)p - sizeof h, sizeof h);
    if (h.magic != SECURE_MAGIC) __builtin_trap(); /* not ours, or the header was overwritten */
    size_t pg = page_size(), inner = h.total - 2 * pg;
    cc_memzero((uint8_t *)h.base + pg, inner);
    munlock((uint8_t *)h.base + pg, inner);
    munmap(h.base, h.total);
    atomic_fetch_sub(&in_use, h.total);
}

size_t cc_secure_in_use(void) { return atomic_load(&in_use); }

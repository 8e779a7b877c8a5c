/* secure_mem.c: guarded, locked, non-dumpable allocations for secrets (secure_mem.h).
 * Layout: [guard page][header page ... data ending at the page boundary][guard page]; the
 * header (mapping base and size) sits just before the data and is checked on free. */
#include "crypto/secure_mem.h"

#include <pthread.h>
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

#define SECURE_CACHE_BYTES ((size_t)8 << 20)
#define SECURE_CACHE_BLOCKS 32

static _Atomic size_t in_use;
static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
    uint8_t *base;
    size_t total;
} cache[SECURE_CACHE_BLOCKS];
static size_t cache_n, cache_bytes; /* under cache_mu */

static size_t page_size(void)
{
    long p = sysconf(_SC_PAGESIZE);
    return p > 0 ? (size_t)p : 4096;
}

static void unmap_block(uint8_t *base, size_t total, size_t pg)
{
    munlock(base + pg, total - 2 * pg);
    munmap(base, total);
}

/* A cached (wiped, locked) mapping of exactly total bytes, or NULL. */
static uint8_t *cache_take(size_t total)
{
    uint8_t *base = NULL;
    pthread_mutex_lock(&cache_mu);
    for (size_t i = 0; i < cache_n; i++)
        if (cache[i].total == total) {
            base = cache[i].base;
            cache_bytes -= total;
            cache[i] = cache[--cache_n];
            break;
        }
    pthread_mutex_unlock(&cache_mu);
    return base;
}

/* 1 if the cache took the (wiped) mapping. */
static int cache_put(uint8_t *base, size_t total)
{
    int kept = 0;
    pthread_mutex_lock(&cache_mu);
    if (cache_n < SECURE_CACHE_BLOCKS && cache_bytes + total <= SECURE_CACHE_BYTES) {
        cache[cache_n].base = base, cache[cache_n].total = total;
        cache_n++, cache_bytes += total, kept = 1;
    }
    pthread_mutex_unlock(&cache_mu);
    return kept;
}

void cc_secure_drop_cache(void)
{
    size_t pg = page_size();
    pthread_mutex_lock(&cache_mu);
    while (cache_n) {
        cache_n--;
        unmap_block(cache[cache_n].base, cache[cache_n].total, pg);
    }
    cache_bytes = 0;
    pthread_mutex_unlock(&cache_mu);
}

size_t cc_secure_cached(void)
{
    pthread_mutex_lock(&cache_mu);
    size_t n = cache_bytes;
    pthread_mutex_unlock(&cache_mu);
    return n;
}

/* A new guarded, locked, undumpable mapping of total bytes, or NULL. */
static uint8_t *map_block(size_t total, size_t pg)
{
    uint8_t *base = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) return NULL;
    size_t inner = total - 2 * pg;
    if (mprotect(base, pg, PROT_NONE) != 0 || mprotect(base + pg + inner, pg, PROT_NONE) != 0 ||
        madvise(base + pg, inner, MADV_DONTDUMP) != 0 || mlock(base + pg, inner) != 0) {
        munmap(base, total);
        return NULL;
    }
    return base;
}

void *cc_secure_alloc(size_t n)
{
    size_t pg = page_size();
    if (n > SIZE_MAX / 2) return NULL;
    size_t inner = (n + sizeof(secure_hdr) + pg - 1) / pg * pg, total = inner + 2 * pg;
    uint8_t *base = cache_take(total);
    if (!base && !(base = map_block(total, pg))) {
        cc_secure_drop_cache(); /* the cache may hold the lock limit */
        if (!(base = map_block(total, pg))) return NULL;
    }
    uint8_t *data = base + pg + inner - n;
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
    size_t pg = page_size();
    cc_memzero((uint8_t *)h.base + pg, h.total - 2 * pg); /* the header too: a cached block is all zero */
    atomic_fetch_sub(&in_use, h.total);
    if (!cache_put(h.base, h.total)) unmap_block(h.base, h.total, pg);
}

size_t cc_secure_in_use(void) { return atomic_load(&in_use); }

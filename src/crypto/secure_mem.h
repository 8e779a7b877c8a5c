/* secure_mem.h: memory for secrets, in the style of libsodium's sodium_malloc. Each allocation
 * gets its own mmap'd pages between two PROT_NONE guard pages, locked in RAM (mlock: never
 * swapped), excluded from core dumps (MADV_DONTDUMP), and wiped before it is unmapped. The
 * block ends flush against the upper guard page, so an overrun faults at once.
 * Locking needs RLIMIT_MEMLOCK for the pages in use (docs/node-protocol.md: the node's needs);
 * an allocation that cannot be locked fails rather than living unlocked.
 * A freed block is wiped and, up to SECURE_CACHE_BYTES in all, kept mapped and locked for the
 * next allocation of the same page count (signing sessions allocate and free the same sizes for
 * every token: no mmap, mlock and page faults each time). The cache is dropped when locking a new
 * block fails, and by cc_secure_drop_cache. */
#ifndef CCTSA_SECURE_MEM_H
#define CCTSA_SECURE_MEM_H

#include <stddef.h>

/* Zeroed secret memory of n bytes, or NULL (ENOMEM, or the lock limit reached). */
void *cc_secure_alloc(size_t n);
/* Wipe; then keep in the cache, or unlock and unmap. NULL is a no-op. */
void cc_secure_free(void *p);
/* Bytes currently allocated through cc_secure_alloc (pages included; not the cache), for status
 * and tests. */
size_t cc_secure_in_use(void);
/* Bytes held (wiped, locked) by the cache. */
size_t cc_secure_cached(void);
/* Unlock and unmap every cached block. */
void cc_secure_drop_cache(void);

#endif

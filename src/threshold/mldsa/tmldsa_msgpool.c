/* tmldsa_msgpool.c: a small process-wide cache of the large message buffers (round-2 commitments
 * and round-3 responses, a few hundred KB each at the default K). glibc serves such sizes with
 * mmap and returns them with munmap, so every signing attempt paid a fresh page fault for every
 * page of every message it wrote. tmldsa_msg_free (tmldsa_wire.c) wipes a buffer and parks it
 * here; tmldsa_msg_alloc takes a parked buffer at least as large as it needs. Buffers below
 * POOL_MIN come from malloc as before. At most POOL_SLOTS buffers are kept (a few MB); the cache is
 * guarded by a mutex, so sessions on several threads can share it. */
#include <pthread.h>
#include <stdlib.h>

#include "threshold/mldsa/tmldsa_internal.h"

#define POOL_MIN ((size_t)64 * 1024)
#define POOL_SLOTS 16

static struct {
    uint8_t *p;
    size_t cap;
} g_slot[POOL_SLOTS];
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;

uint8_t *tmldsa_pool_get(size_t n)
{
    uint8_t *p = NULL;
    if (n >= POOL_MIN) {
        pthread_mutex_lock(&g_lock);
        int best = -1;
        for (int i = 0; i < POOL_SLOTS; i++)
            if (g_slot[i].p && g_slot[i].cap >= n && (best < 0 || g_slot[i].cap < g_slot[best].cap)) best = i;
        if (best >= 0) {
            p = g_slot[best].p;
            g_slot[best].p = NULL;
        }
        pthread_mutex_unlock(&g_lock);
    }
    return p ? p : malloc(n);
}

void tmldsa_pool_put(uint8_t *p, size_t cap)
{
    if (!p) return;
    if (cap >= POOL_MIN) {
        pthread_mutex_lock(&g_lock);
        for (int i = 0; i < POOL_SLOTS; i++)
            if (!g_slot[i].p) {
                g_slot[i].p = p;
                g_slot[i].cap = cap;
                p = NULL;
                break;
            }
        pthread_mutex_unlock(&g_lock);
    }
    free(p);
}

/* node_harden.c: see node_harden.h. */
#include "node/node_harden.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

int node_harden(char *err, size_t errlen)
{
    struct rlimit core = {0, 0}, lock;
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
        return snprintf(err, errlen, "prctl(PR_SET_DUMPABLE, 0): %s", strerror(errno)), -1;
    if (setrlimit(RLIMIT_CORE, &core) != 0)
        return snprintf(err, errlen, "setrlimit(RLIMIT_CORE, 0): %s", strerror(errno)), -1;
    /* Raise the soft lock limit as far as the hard one allows, and check it is enough. */
    if (getrlimit(RLIMIT_MEMLOCK, &lock) == 0 && lock.rlim_cur != RLIM_INFINITY && lock.rlim_cur < lock.rlim_max) {
        lock.rlim_cur = lock.rlim_max;
        setrlimit(RLIMIT_MEMLOCK, &lock);
    }
    if (getrlimit(RLIMIT_MEMLOCK, &lock) == 0 && lock.rlim_cur != RLIM_INFINITY && lock.rlim_cur < NODE_MEMLOCK_NEED)
        return snprintf(err, errlen,
                        "RLIMIT_MEMLOCK is %llu bytes; the node needs %u (ulimit -l %u, or "
                        "LimitMEMLOCK= in its unit)",
                        (unsigned long long)lock.rlim_cur, NODE_MEMLOCK_NEED, NODE_MEMLOCK_NEED / 1024),
               -1;
    if (!CRYPTO_secure_malloc_initialized() && CRYPTO_secure_malloc_init(NODE_SECURE_HEAP, 32) != 1)
        return snprintf(err, errlen, "OpenSSL secure heap (%u bytes) cannot be set up", NODE_SECURE_HEAP), -1;
    return 0;
}

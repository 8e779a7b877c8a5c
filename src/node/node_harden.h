/* node_harden.h: process hardening of the node at start-up: not dumpable (PR_SET_DUMPABLE 0, which
 * also blocks ptrace by other users and /proc/PID/mem), no core files (RLIMIT_CORE 0), and
 * OpenSSL's secure heap (CRYPTO_secure_malloc_init: locked, non-dumpable, guarded) for the
 * private keys OpenSSL holds. Secrets of our own live in cc_secure_alloc memory (crypto/
 * secure_mem.h), locked page by page: the node needs RLIMIT_MEMLOCK >= NODE_MEMLOCK_NEED. */
#ifndef CCTSA_NODE_HARDEN_H
#define CCTSA_NODE_HARDEN_H

#include <stddef.h>

#define NODE_SECURE_HEAP (256u << 10) /* OpenSSL secure heap: EC private keys and their BIGNUMs */
#define NODE_MEMLOCK_NEED (1u << 20)  /* secure heap + dev keys (ML-DSA-65 expanded key ~ 60 KiB) */

/* 0, or -1 with a message in err (fatal: the node refuses to start). */
int node_harden(char *err, size_t errlen);

#endif

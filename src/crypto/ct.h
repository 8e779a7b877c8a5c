/* ct.h: small constant-time and hygiene helpers used by every module that touches secrets:
 * wiping, constant-time comparison and selection, and the OS random source. */
#ifndef CCTSA_CRYPTO_CT_H
#define CCTSA_CRYPTO_CT_H

#include <stddef.h>
#include <stdint.h>

/* Wipe memory in a way the compiler cannot elide. */
void cc_memzero(void *p, size_t n);
/* Constant-time comparison of byte strings: 0 if equal, nonzero otherwise (no early exit). */
int cc_memcmp_ct(const void *a, const void *b, size_t n);
/* All-ones mask if a == b, else 0, without branches. */
uint32_t cc_ct_eq_mask32(uint32_t a, uint32_t b);
/* Fill buf from getrandom(2); returns 0, or -1 if the kernel RNG failed (callers must fail closed). */
int cc_randombytes(uint8_t *buf, size_t len);

#endif

/* ct.c: wiping, constant-time comparison and the OS random source. */
#include "crypto/ct.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "crypto/ct_check.h"

#ifdef CCTSA_CT_CHECKS
/* present only in the instrumented copies (see ct_check.h) */
const char cctsa_ct_checks_instrumented[] = "cctsa constant-time instrumentation: valgrind client requests";
#endif

/* A volatile function pointer the compiler cannot see through, so the wipe is never elided. */
static void *(*const volatile memset_never_elided)(void *, int, size_t) = memset;

void cc_memzero(void *p, size_t n)
{
    if (p && n) memset_never_elided(p, 0, n);
}

int cc_memcmp_ct(const void *a, const void *b, size_t n)
{
    const volatile uint8_t *x = a, *y = b;
    uint8_t diff = 0;
    for (size_t i = 0; i < n; i++) diff |= (uint8_t)(x[i] ^ y[i]);
    return (int)((1u + (((uint32_t)diff - 1u) >> 8)) & 1u);
}

uint32_t cc_ct_eq_mask32(uint32_t a, uint32_t b)
{
    uint32_t x = a ^ b;
    /* x == 0 -> (x | -x) has top bit 0 */
    uint32_t nonzero = (x | (0u - x)) >> 31;
    return nonzero - 1u;
}

int cc_randombytes(uint8_t *buf, size_t len)
{
    while (len > 0) {
        ssize_t got = getrandom(buf, len, 0);
        if (got < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        buf += got;
        len -= (size_t)got;
    }
    return 0;
}

/* keccak_internal.h: pieces of Keccak-f[1600] (FIPS 202 section 3) shared by the one-way sponge
 * (fips202.c) and the 4-way SHAKE (fips202x4.c): the
 * iota round constants and little-endian lane loads/stores. */
#ifndef CCTSA_CRYPTO_KECCAK_INTERNAL_H
#define CCTSA_CRYPTO_KECCAK_INTERNAL_H

#include <stdint.h>
#include <string.h>

#define CC_KECCAK_ROUNDS 24

extern const uint64_t cc_keccak_round_constants[CC_KECCAK_ROUNDS];

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* little-endian host: a lane is its 8 bytes as they are (one load or store) */
static inline uint64_t cc_load64_le(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static inline void cc_store64_le(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }
#else
static inline uint64_t cc_load64_le(const uint8_t *p)
{
    uint64_t v = 0;
    for (unsigned i = 8; i-- > 0;) v = v << 8 | p[i];
    return v;
}

static inline void cc_store64_le(uint8_t *p, uint64_t v)
{
    for (unsigned i = 0; i < 8; i++, v >>= 8) p[i] = (uint8_t)v;
}
#endif

#endif

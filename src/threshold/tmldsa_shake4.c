/* tmldsa_shake4.c: four interleaved Keccak-f[1600] states (FIPS 202 section 3) and a one-shot
 * 4-way SHAKE256. The state is st[lane][instance]; every step loops over the four instances
 * innermost, so the compiler turns each step into 256-bit vector operations in the AVX2 clone.
 * Rotation offsets, the pi permutation and the round constants follow the FIPS 202 definitions
 * (rho: offsets (t+1)(t+2)/2 along the walk (x, y) -> (y, 2x + 3y); iota: the rc LFSR). */
#include "threshold/tmldsa_shake4.h"

#include <string.h>

#include "crypto/ct.h"
#include "crypto/fips202.h"
#include "threshold/tmldsa_internal.h"

#define LANES 25
#define WAYS 4
#define RATE CC_SHAKE256_RATE

static const uint64_t round_const[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808AULL, 0x8000000080008000ULL,
    0x000000000000808BULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008AULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000AULL,
    0x000000008000808BULL, 0x800000000000008BULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800AULL, 0x800000008000000AULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};
#if !defined(__GNUC__) || defined(TMLDSA_SHAKE4_PORTABLE)
/* lane index x + 5y */
static const unsigned rho_off[LANES] = {0,  1,  62, 28, 27, 36, 44, 6,  55, 20, 3,  10, 43,
                                        25, 39, 41, 45, 15, 21, 8,  18, 2,  61, 56, 14};
/* pi: lane (x, y) moves to (y, 2x + 3y) */
static const unsigned pi_dst[LANES] = {0, 10, 20, 5,  15, 16, 1,  11, 21, 6, 7,  17, 2,
                                       12, 22, 23, 8, 18, 3, 13, 14, 24, 9,  19, 4};
#endif

typedef struct {
    uint64_t st[LANES][WAYS];
} state4;

#if defined(__GNUC__) && !defined(TMLDSA_SHAKE4_PORTABLE)
/* GCC/clang vector extension: one variable holds lane i of the four states; the AVX2 clone makes
 * each operation a single 256-bit instruction, the default clone two 128-bit ones. */
typedef uint64_t v4 __attribute__((vector_size(32)));
#define ROL(v, n) (((v) << (n)) | ((v) >> (64 - (n))))

static TMLDSA_MULTIVERSION void keccak4(state4 *s)
{
    v4 a[LANES], b[LANES];
    memcpy(a, s->st, sizeof a);
    for (unsigned r = 0; r < 24; r++) {
        v4 c0 = a[0] ^ a[5] ^ a[10] ^ a[15] ^ a[20];
        v4 c1 = a[1] ^ a[6] ^ a[11] ^ a[16] ^ a[21];
        v4 c2 = a[2] ^ a[7] ^ a[12] ^ a[17] ^ a[22];
        v4 c3 = a[3] ^ a[8] ^ a[13] ^ a[18] ^ a[23];
        v4 c4 = a[4] ^ a[9] ^ a[14] ^ a[19] ^ a[24];
        v4 d0 = c4 ^ ROL(c1, 1), d1 = c0 ^ ROL(c2, 1), d2 = c1 ^ ROL(c3, 1);
        v4 d3 = c2 ^ ROL(c4, 1), d4 = c3 ^ ROL(c0, 1);
        /* theta, rho and pi: b[pi(i)] = ROL(a[i] ^ d[x(i)], rho(i)) */
        b[0] = a[0] ^ d0;
        b[10] = ROL(a[1] ^ d1, 1);
        b[20] = ROL(a[2] ^ d2, 62);
        b[5] = ROL(a[3] ^ d3, 28);
        b[15] = ROL(a[4] ^ d4, 27);
        b[16] = ROL(a[5] ^ d0, 36);
        b[1] = ROL(a[6] ^ d1, 44);
        b[11] = ROL(a[7] ^ d2, 6);
        b[21] = ROL(a[8] ^ d3, 55);
        b[6] = ROL(a[9] ^ d4, 20);
        b[7] = ROL(a[10] ^ d0, 3);
        b[17] = ROL(a[11] ^ d1, 10);
        b[2] = ROL(a[12] ^ d2, 43);
        b[12] = ROL(a[13] ^ d3, 25);
        b[22] = ROL(a[14] ^ d4, 39);
        b[23] = ROL(a[15] ^ d0, 41);
        b[8] = ROL(a[16] ^ d1, 45);
        b[18] = ROL(a[17] ^ d2, 15);
        b[3] = ROL(a[18] ^ d3, 21);
        b[13] = ROL(a[19] ^ d4, 8);
        b[14] = ROL(a[20] ^ d0, 18);
        b[24] = ROL(a[21] ^ d1, 2);
        b[9] = ROL(a[22] ^ d2, 61);
        b[19] = ROL(a[23] ^ d3, 56);
        b[4] = ROL(a[24] ^ d4, 14);
        /* chi, row by row */
        for (unsigned y = 0; y < LANES; y += 5) {
            a[y + 0] = b[y + 0] ^ (~b[y + 1] & b[y + 2]);
            a[y + 1] = b[y + 1] ^ (~b[y + 2] & b[y + 3]);
            a[y + 2] = b[y + 2] ^ (~b[y + 3] & b[y + 4]);
            a[y + 3] = b[y + 3] ^ (~b[y + 4] & b[y + 0]);
            a[y + 4] = b[y + 4] ^ (~b[y + 0] & b[y + 1]);
        }
        /* iota */
        a[0] ^= (v4){round_const[r], round_const[r], round_const[r], round_const[r]};
    }
    memcpy(s->st, a, sizeof a);
}
#else
static inline uint64_t rotl(uint64_t v, unsigned n)
{
    return (v << n) | (v >> ((64 - n) & 63));
}

/* portable version: the same steps as loops over the lanes */
static void keccak4(state4 *s)
{
    uint64_t c[5][WAYS], d[5][WAYS], b[LANES][WAYS];
    for (unsigned r = 0; r < 24; r++) {
        for (unsigned x = 0; x < 5; x++)
            for (unsigned j = 0; j < WAYS; j++)
                c[x][j] = s->st[x][j] ^ s->st[x + 5][j] ^ s->st[x + 10][j] ^ s->st[x + 15][j] ^ s->st[x + 20][j];
        for (unsigned x = 0; x < 5; x++)
            for (unsigned j = 0; j < WAYS; j++) d[x][j] = c[(x + 4) % 5][j] ^ rotl(c[(x + 1) % 5][j], 1);
        for (unsigned i = 0; i < LANES; i++)
            for (unsigned j = 0; j < WAYS; j++) b[pi_dst[i]][j] = rotl(s->st[i][j] ^ d[i % 5][j], rho_off[i]);
        for (unsigned y = 0; y < LANES; y += 5)
            for (unsigned x = 0; x < 5; x++)
                for (unsigned j = 0; j < WAYS; j++)
                    s->st[y + x][j] = b[y + x][j] ^ (~b[y + (x + 1) % 5][j] & b[y + (x + 2) % 5][j]);
        for (unsigned j = 0; j < WAYS; j++) s->st[0][j] ^= round_const[r];
    }
}
#endif

static inline uint64_t load64_le(const uint8_t *p)
{
    uint64_t v = 0;
    for (unsigned i = 8; i-- > 0;) v = v << 8 | p[i];
    return v;
}

static inline void store64_le(uint8_t *p, uint64_t v)
{
    for (unsigned i = 0; i < 8; i++, v >>= 8) p[i] = (uint8_t)v;
}

static inline void xor_byte(state4 *s, unsigned j, unsigned pos, uint8_t v)
{
    s->st[pos / 8][j] ^= (uint64_t)v << (8 * (pos % 8));
}

void tmldsa_shake256x4(uint8_t *const out[4], size_t outlen, const uint8_t *const in[4], size_t inlen)
{
    state4 s;
    memset(&s, 0, sizeof s);
    size_t off = 0;
    for (; inlen - off >= RATE; off += RATE) {
        for (unsigned j = 0; j < WAYS; j++)
            for (unsigned i = 0; i < RATE / 8; i++) s.st[i][j] ^= load64_le(in[j] + off + 8 * i);
        keccak4(&s);
    }
    for (unsigned j = 0; j < WAYS; j++) {
        for (unsigned pos = 0; pos < inlen - off; pos++) xor_byte(&s, j, pos, in[j][off + pos]);
        xor_byte(&s, j, (unsigned)(inlen - off), 0x1F); /* SHAKE domain bits and first pad bit */
        xor_byte(&s, j, RATE - 1, 0x80);
    }
    for (size_t done = 0; done < outlen; done += RATE) {
        keccak4(&s);
        size_t take = outlen - done < RATE ? outlen - done : RATE;
        for (unsigned j = 0; j < WAYS; j++) {
            size_t pos = 0;
            for (; pos + 8 <= take; pos += 8) store64_le(out[j] + done + pos, s.st[pos / 8][j]);
            for (; pos < take; pos++) out[j][done + pos] = (uint8_t)(s.st[pos / 8][j] >> (8 * (pos % 8)));
        }
    }
    cc_memzero(&s, sizeof s);
}

/* keccak_vec.h: the Keccak-f[1600] round (FIPS 202 section 3), written once for any lane type: one
 * uint64_t per lane in the scalar permutation (fips202.c), or GCC/clang vectors holding
 * interleaved states in the 4-way (fips202x4.c) and 8-way (fips202x8.c) SHAKE; and the lane-wise
 * byte moves of the vector sponges. A state block is st[lane][instance] with `ways` instances; one
 * vector variable holds lane i of all instances, so every step is one vector operation.
 * Rotation offsets, the pi permutation and the round constants follow the FIPS 202 definitions
 * (rho: offsets (t+1)(t+2)/2 along the walk (x, y) -> (y, 2x + 3y); iota: the rc LFSR). */
#ifndef CCTSA_CRYPTO_KECCAK_VEC_H
#define CCTSA_CRYPTO_KECCAK_VEC_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "crypto/keccak_internal.h"

#if defined(__GNUC__)
#define KV_ALWAYS_INLINE __attribute__((always_inline))
#else
#define KV_ALWAYS_INLINE
#endif

#define KV_ROL(v, n) (((v) << (n)) | ((v) >> (64 - (n))))

/* Lanes are named <prefix><y><x> for lane x + 5y. One round A -> E: theta, then for each output
 * row Y the five lanes rho and pi move there (B[X, Y] = ROL(A[x, y] ^ D[x], r[x, y]) with X = y,
 * Y = 2x + 3y mod 5), chi on that row, iota (rc: the round constant in every vector element);
 * so only five permuted lanes are live at a time. */
#define KV_CHI(E, y)                                                                                                   \
    E##y##0 = b0 ^ (~b1 & b2);                                                                                         \
    E##y##1 = b1 ^ (~b2 & b3);                                                                                         \
    E##y##2 = b2 ^ (~b3 & b4);                                                                                         \
    E##y##3 = b3 ^ (~b4 & b0);                                                                                         \
    E##y##4 = b4 ^ (~b0 & b1)
#define KV_ROUND(A, E, rc)                                                                                             \
    c0 = A##00 ^ A##10 ^ A##20 ^ A##30 ^ A##40;                                                                        \
    c1 = A##01 ^ A##11 ^ A##21 ^ A##31 ^ A##41;                                                                        \
    c2 = A##02 ^ A##12 ^ A##22 ^ A##32 ^ A##42;                                                                        \
    c3 = A##03 ^ A##13 ^ A##23 ^ A##33 ^ A##43;                                                                        \
    c4 = A##04 ^ A##14 ^ A##24 ^ A##34 ^ A##44;                                                                        \
    d0 = c4 ^ KV_ROL(c1, 1);                                                                                           \
    d1 = c0 ^ KV_ROL(c2, 1);                                                                                           \
    d2 = c1 ^ KV_ROL(c3, 1);                                                                                           \
    d3 = c2 ^ KV_ROL(c4, 1);                                                                                           \
    d4 = c3 ^ KV_ROL(c0, 1);                                                                                           \
    b0 = A##00 ^ d0;                                                                                                   \
    b1 = KV_ROL(A##11 ^ d1, 44);                                                                                       \
    b2 = KV_ROL(A##22 ^ d2, 43);                                                                                       \
    b3 = KV_ROL(A##33 ^ d3, 21);                                                                                       \
    b4 = KV_ROL(A##44 ^ d4, 14);                                                                                       \
    KV_CHI(E, 0);                                                                                                      \
    E##00 ^= (rc);                                                                                                     \
    b0 = KV_ROL(A##03 ^ d3, 28);                                                                                       \
    b1 = KV_ROL(A##14 ^ d4, 20);                                                                                       \
    b2 = KV_ROL(A##20 ^ d0, 3);                                                                                        \
    b3 = KV_ROL(A##31 ^ d1, 45);                                                                                       \
    b4 = KV_ROL(A##42 ^ d2, 61);                                                                                       \
    KV_CHI(E, 1);                                                                                                      \
    b0 = KV_ROL(A##01 ^ d1, 1);                                                                                        \
    b1 = KV_ROL(A##12 ^ d2, 6);                                                                                        \
    b2 = KV_ROL(A##23 ^ d3, 25);                                                                                       \
    b3 = KV_ROL(A##34 ^ d4, 8);                                                                                        \
    b4 = KV_ROL(A##40 ^ d0, 18);                                                                                       \
    KV_CHI(E, 2);                                                                                                      \
    b0 = KV_ROL(A##04 ^ d4, 27);                                                                                       \
    b1 = KV_ROL(A##10 ^ d0, 36);                                                                                       \
    b2 = KV_ROL(A##21 ^ d1, 10);                                                                                       \
    b3 = KV_ROL(A##32 ^ d2, 15);                                                                                       \
    b4 = KV_ROL(A##43 ^ d3, 56);                                                                                       \
    KV_CHI(E, 3);                                                                                                      \
    b0 = KV_ROL(A##02 ^ d2, 62);                                                                                       \
    b1 = KV_ROL(A##13 ^ d3, 55);                                                                                       \
    b2 = KV_ROL(A##24 ^ d4, 39);                                                                                       \
    b3 = KV_ROL(A##30 ^ d0, 41);                                                                                       \
    b4 = KV_ROL(A##41 ^ d1, 2);                                                                                        \
    KV_CHI(E, 4)

/* static inline void NAME(S *s): the 24 rounds on s->st (an array of 25 rows of V's width), with
 * V the vector type and SPLAT(x) a V holding x in every element. Lane by lane moves of exactly
 * sizeof(V) bytes, so no wider registers than V are used. */
#define KV_LOAD(v, i) memcpy(&(v), s->st[i], sizeof(v))
#define KV_STORE(i, v) memcpy(s->st[i], &(v), sizeof(v))
#define KV_DEFINE_PERMUTATION(NAME, V, S, SPLAT)                                                                       \
    static inline KV_ALWAYS_INLINE void NAME(S *s)                                                                     \
    {                                                                                                                  \
        V a00, a01, a02, a03, a04, a10, a11, a12, a13, a14, a20, a21, a22, a23, a24;                                   \
        V a30, a31, a32, a33, a34, a40, a41, a42, a43, a44;                                                            \
        KV_LOAD(a00, 0), KV_LOAD(a01, 1), KV_LOAD(a02, 2), KV_LOAD(a03, 3), KV_LOAD(a04, 4);                           \
        KV_LOAD(a10, 5), KV_LOAD(a11, 6), KV_LOAD(a12, 7), KV_LOAD(a13, 8), KV_LOAD(a14, 9);                           \
        KV_LOAD(a20, 10), KV_LOAD(a21, 11), KV_LOAD(a22, 12), KV_LOAD(a23, 13), KV_LOAD(a24, 14);                      \
        KV_LOAD(a30, 15), KV_LOAD(a31, 16), KV_LOAD(a32, 17), KV_LOAD(a33, 18), KV_LOAD(a34, 19);                      \
        KV_LOAD(a40, 20), KV_LOAD(a41, 21), KV_LOAD(a42, 22), KV_LOAD(a43, 23), KV_LOAD(a44, 24);                      \
        V e00, e01, e02, e03, e04, e10, e11, e12, e13, e14, e20, e21, e22, e23, e24;                                   \
        V e30, e31, e32, e33, e34, e40, e41, e42, e43, e44;                                                            \
        V b0, b1, b2, b3, b4, c0, c1, c2, c3, c4, d0, d1, d2, d3, d4;                                                  \
        /* two rounds per iteration (A -> E -> A); the round index is public */                                        \
        for (unsigned r = 0; r < 24; r += 2) {                                                                         \
            KV_ROUND(a, e, SPLAT(cc_keccak_round_constants[r]));                                                       \
            KV_ROUND(e, a, SPLAT(cc_keccak_round_constants[r + 1]));                                                   \
        }                                                                                                              \
        KV_STORE(0, a00), KV_STORE(1, a01), KV_STORE(2, a02), KV_STORE(3, a03), KV_STORE(4, a04);                      \
        KV_STORE(5, a10), KV_STORE(6, a11), KV_STORE(7, a12), KV_STORE(8, a13), KV_STORE(9, a14);                      \
        KV_STORE(10, a20), KV_STORE(11, a21), KV_STORE(12, a22), KV_STORE(13, a23), KV_STORE(14, a24);                 \
        KV_STORE(15, a30), KV_STORE(16, a31), KV_STORE(17, a32), KV_STORE(18, a33), KV_STORE(19, a34);                 \
        KV_STORE(20, a40), KV_STORE(21, a41), KV_STORE(22, a42), KV_STORE(23, a43), KV_STORE(24, a44);                 \
    }

/* Sponge byte moves on instance j of a state block with `ways` instances (st: its first lane). */

/* XOR len bytes of p into the state from byte 0 (len at most the rate). */
static inline void kv_xor_bytes(uint64_t *st, unsigned ways, unsigned j, const uint8_t *p, size_t len)
{
    size_t pos = 0;
    for (; pos + 8 <= len; pos += 8) st[pos / 8 * ways + j] ^= cc_load64_le(p + pos);
    for (; pos < len; pos++) st[pos / 8 * ways + j] ^= (uint64_t)p[pos] << (8 * (pos % 8));
}

/* SHAKE padding after len message bytes of the last block: domain bits 1111, pad10*1. */
static inline void kv_pad_shake(uint64_t *st, unsigned ways, unsigned j, size_t len, unsigned rate)
{
    st[len / 8 * ways + j] ^= (uint64_t)0x1F << (8 * (len % 8));
    st[(rate - 1) / 8 * ways + j] ^= (uint64_t)0x80 << (8 * ((rate - 1) % 8));
}

/* Write the first take bytes of the state (take at most the rate) to out. */
static inline void kv_extract(const uint64_t *st, unsigned ways, unsigned j, uint8_t *out, size_t take)
{
    size_t pos = 0;
    for (; pos + 8 <= take; pos += 8) cc_store64_le(out + pos, st[pos / 8 * ways + j]);
    for (; pos < take; pos++) out[pos] = (uint8_t)(st[pos / 8 * ways + j] >> (8 * (pos % 8)));
}

#endif

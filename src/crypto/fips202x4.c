/* fips202x4.c: four interleaved Keccak-f[1600] states (FIPS 202 section 3) and a one-shot
 * 4-way SHAKE256. The state is st[lane][instance]; every step loops over the four instances
 * innermost, so the compiler turns each step into 256-bit vector operations in the AVX2 and
 * AVX-512VL versions.
 * Rotation offsets, the pi permutation and the round constants follow the FIPS 202 definitions
 * (rho: offsets (t+1)(t+2)/2 along the walk (x, y) -> (y, 2x + 3y); iota: the rc LFSR). */
#include "crypto/fips202x4.h"

#include <string.h>

#include "crypto/ct.h"
#include "crypto/fips202.h"
#include "crypto/keccak_internal.h"

/* Multiversioning: the permutation is also compiled for AVX2 on x86-64 (GCC, ELF), picked at load
 * time by the dynamic loader (ifunc); elsewhere a plain function. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__ELF__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define X4_MULTIVERSION __attribute__((target_clones("avx2", "default")))
#endif
#endif
#ifndef X4_MULTIVERSION
#define X4_MULTIVERSION
#endif
#if defined(__GNUC__)
#define X4_ALWAYS_INLINE __attribute__((always_inline))
#else
#define X4_ALWAYS_INLINE
#endif

#define LANES 25
#define WAYS 4
#define RATE CC_SHAKE256_RATE

#if !defined(__GNUC__) || defined(CC_FIPS202X4_PORTABLE)
/* lane index x + 5y */
static const unsigned rho_off[LANES] = {0,  1,  62, 28, 27, 36, 44, 6,  55, 20, 3,  10, 43,
                                        25, 39, 41, 45, 15, 21, 8,  18, 2,  61, 56, 14};
/* pi: lane (x, y) moves to (y, 2x + 3y) */
static const unsigned pi_dst[LANES] = {0,  10, 20, 5, 15, 16, 1,  11, 21, 6, 7,  17, 2,
                                       12, 22, 23, 8, 18, 3,  13, 14, 24, 9, 19, 4};
#endif

/* the four states (and the rate, used by the incremental squeeze) */
typedef cc_keccakx4_ctx state4;

#if defined(__GNUC__) && !defined(CC_FIPS202X4_PORTABLE)
/* GCC/clang vector extension: one variable holds lane i of the four states; the AVX2 clone makes
 * each operation a single 256-bit instruction, the default clone two 128-bit ones. */
typedef uint64_t v4 __attribute__((vector_size(32)));
#define ROL(v, n) (((v) << (n)) | ((v) >> (64 - (n))))

/* Lanes are named <prefix><y><x> for lane x + 5y. One round A -> E: theta, then for each output
 * row Y the five lanes rho and pi move there (B[X, Y] = ROL(A[x, y] ^ D[x], r[x, y]) with X = y,
 * Y = 2x + 3y mod 5), chi on that row, iota; so only five permuted lanes are live at a time. */
#define K4_CHI(E, y)                                                                                                   \
    E##y##0 = b0 ^ (~b1 & b2);                                                                                         \
    E##y##1 = b1 ^ (~b2 & b3);                                                                                         \
    E##y##2 = b2 ^ (~b3 & b4);                                                                                         \
    E##y##3 = b3 ^ (~b4 & b0);                                                                                         \
    E##y##4 = b4 ^ (~b0 & b1)
#define K4_ROUND(A, E, rc)                                                                                             \
    c0 = A##00 ^ A##10 ^ A##20 ^ A##30 ^ A##40;                                                                        \
    c1 = A##01 ^ A##11 ^ A##21 ^ A##31 ^ A##41;                                                                        \
    c2 = A##02 ^ A##12 ^ A##22 ^ A##32 ^ A##42;                                                                        \
    c3 = A##03 ^ A##13 ^ A##23 ^ A##33 ^ A##43;                                                                        \
    c4 = A##04 ^ A##14 ^ A##24 ^ A##34 ^ A##44;                                                                        \
    d0 = c4 ^ ROL(c1, 1);                                                                                              \
    d1 = c0 ^ ROL(c2, 1);                                                                                              \
    d2 = c1 ^ ROL(c3, 1);                                                                                              \
    d3 = c2 ^ ROL(c4, 1);                                                                                              \
    d4 = c3 ^ ROL(c0, 1);                                                                                              \
    b0 = A##00 ^ d0;                                                                                                   \
    b1 = ROL(A##11 ^ d1, 44);                                                                                          \
    b2 = ROL(A##22 ^ d2, 43);                                                                                          \
    b3 = ROL(A##33 ^ d3, 21);                                                                                          \
    b4 = ROL(A##44 ^ d4, 14);                                                                                          \
    K4_CHI(E, 0);                                                                                                      \
    E##00 ^= (v4){(rc), (rc), (rc), (rc)};                                                                             \
    b0 = ROL(A##03 ^ d3, 28);                                                                                          \
    b1 = ROL(A##14 ^ d4, 20);                                                                                          \
    b2 = ROL(A##20 ^ d0, 3);                                                                                           \
    b3 = ROL(A##31 ^ d1, 45);                                                                                          \
    b4 = ROL(A##42 ^ d2, 61);                                                                                          \
    K4_CHI(E, 1);                                                                                                      \
    b0 = ROL(A##01 ^ d1, 1);                                                                                           \
    b1 = ROL(A##12 ^ d2, 6);                                                                                           \
    b2 = ROL(A##23 ^ d3, 25);                                                                                          \
    b3 = ROL(A##34 ^ d4, 8);                                                                                           \
    b4 = ROL(A##40 ^ d0, 18);                                                                                          \
    K4_CHI(E, 2);                                                                                                      \
    b0 = ROL(A##04 ^ d4, 27);                                                                                          \
    b1 = ROL(A##10 ^ d0, 36);                                                                                          \
    b2 = ROL(A##21 ^ d1, 10);                                                                                          \
    b3 = ROL(A##32 ^ d2, 15);                                                                                          \
    b4 = ROL(A##43 ^ d3, 56);                                                                                          \
    K4_CHI(E, 3);                                                                                                      \
    b0 = ROL(A##02 ^ d2, 62);                                                                                          \
    b1 = ROL(A##13 ^ d3, 55);                                                                                          \
    b2 = ROL(A##24 ^ d4, 39);                                                                                          \
    b3 = ROL(A##30 ^ d0, 41);                                                                                          \
    b4 = ROL(A##41 ^ d1, 2);                                                                                           \
    K4_CHI(E, 4)

static inline X4_ALWAYS_INLINE void keccak4_body(state4 *s)
{
    /* lane by lane (32-byte moves, so no wider registers than the 256-bit vectors are used) */
#define K4_LOAD(v, i) memcpy(&(v), s->st[i], sizeof(v))
#define K4_STORE(i, v) memcpy(s->st[i], &(v), sizeof(v))
    v4 a00, a01, a02, a03, a04, a10, a11, a12, a13, a14, a20, a21, a22, a23, a24;
    v4 a30, a31, a32, a33, a34, a40, a41, a42, a43, a44;
    K4_LOAD(a00, 0), K4_LOAD(a01, 1), K4_LOAD(a02, 2), K4_LOAD(a03, 3), K4_LOAD(a04, 4);
    K4_LOAD(a10, 5), K4_LOAD(a11, 6), K4_LOAD(a12, 7), K4_LOAD(a13, 8), K4_LOAD(a14, 9);
    K4_LOAD(a20, 10), K4_LOAD(a21, 11), K4_LOAD(a22, 12), K4_LOAD(a23, 13), K4_LOAD(a24, 14);
    K4_LOAD(a30, 15), K4_LOAD(a31, 16), K4_LOAD(a32, 17), K4_LOAD(a33, 18), K4_LOAD(a34, 19);
    K4_LOAD(a40, 20), K4_LOAD(a41, 21), K4_LOAD(a42, 22), K4_LOAD(a43, 23), K4_LOAD(a44, 24);
    v4 e00, e01, e02, e03, e04, e10, e11, e12, e13, e14, e20, e21, e22, e23, e24;
    v4 e30, e31, e32, e33, e34, e40, e41, e42, e43, e44;
    v4 b0, b1, b2, b3, b4, c0, c1, c2, c3, c4, d0, d1, d2, d3, d4;
    /* two rounds per iteration (A -> E -> A); the round index is public */
    for (unsigned r = 0; r < 24; r += 2) {
        K4_ROUND(a, e, cc_keccak_round_constants[r]);
        K4_ROUND(e, a, cc_keccak_round_constants[r + 1]);
    }
    K4_STORE(0, a00), K4_STORE(1, a01), K4_STORE(2, a02), K4_STORE(3, a03), K4_STORE(4, a04);
    K4_STORE(5, a10), K4_STORE(6, a11), K4_STORE(7, a12), K4_STORE(8, a13), K4_STORE(9, a14);
    K4_STORE(10, a20), K4_STORE(11, a21), K4_STORE(12, a22), K4_STORE(13, a23), K4_STORE(14, a24);
    K4_STORE(15, a30), K4_STORE(16, a31), K4_STORE(17, a32), K4_STORE(18, a33), K4_STORE(19, a34);
    K4_STORE(20, a40), K4_STORE(21, a41), K4_STORE(22, a42), K4_STORE(23, a43), K4_STORE(24, a44);
#undef K4_STORE
#undef K4_LOAD
}
#undef K4_ROUND
#undef K4_CHI

/* The same C compiled three times on x86-64: AVX-512VL (vprolq, vpternlogq on 256-bit vectors),
 * AVX2 and baseline, chosen once at load time by an ifunc resolver from CPUID. All three run the
 * identical integer operations, so the outputs are bit-identical. */
#if defined(__x86_64__) && defined(__ELF__) && defined(__has_attribute) && !defined(CCTSA_PORTABLE)
#if __has_attribute(ifunc) && __has_attribute(target)
#define KECCAK4_IFUNC 1
#endif
#endif

#ifdef KECCAK4_IFUNC
static void keccak4_default(state4 *s) { keccak4_body(s); }
__attribute__((target("avx2"))) static void keccak4_avx2(state4 *s) { keccak4_body(s); }
/* 256-bit vectors only (GCC: prefer-vector-width; clang does not take it in the attribute) */
#if defined(__clang__)
#define KECCAK4_AVX512 __attribute__((target("avx2,avx512f,avx512vl")))
#else
#define KECCAK4_AVX512 __attribute__((target("avx2,avx512f,avx512vl,prefer-vector-width=256")))
#endif
KECCAK4_AVX512 static void keccak4_avx512(state4 *s) { keccak4_body(s); }

typedef void (*keccak4_fn)(state4 *s);

/* runs while relocations are processed, before any sanitizer runtime is set up: not instrumented */
#if __has_attribute(no_sanitize_address)
__attribute__((no_sanitize_address))
#endif
__attribute__((unused)) /* referenced only by the ifunc attribute (clang would warn) */
static keccak4_fn
resolve_keccak4(void)
{
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl")) return keccak4_avx512;
    if (__builtin_cpu_supports("avx2")) return keccak4_avx2;
    return keccak4_default;
}

static void keccak4(state4 *s) __attribute__((ifunc("resolve_keccak4")));
#else
static X4_MULTIVERSION void keccak4(state4 *s) { keccak4_body(s); }
#endif
#else
static inline uint64_t rotl(uint64_t v, unsigned n) { return (v << n) | (v >> ((64 - n) & 63)); }

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
        for (unsigned j = 0; j < WAYS; j++) s->st[0][j] ^= cc_keccak_round_constants[r];
    }
}
#endif

static inline void xor_byte(state4 *s, unsigned j, unsigned pos, uint8_t v)
{
    s->st[pos / 8][j] ^= (uint64_t)v << (8 * (pos % 8));
}

/* Absorb four inputs of length inlen with the given rate and pad (SHAKE suffix). */
static void absorb4(state4 *s, unsigned rate, const uint8_t *const in[4], size_t inlen)
{
    memset(s, 0, sizeof *s);
    size_t off = 0;
    for (; inlen - off >= rate; off += rate) {
        for (unsigned j = 0; j < WAYS; j++)
            for (unsigned i = 0; i < rate / 8; i++) s->st[i][j] ^= cc_load64_le(in[j] + off + 8 * i);
        keccak4(s);
    }
    for (unsigned j = 0; j < WAYS; j++) {
        unsigned pos = 0;
        for (; pos + 8 <= inlen - off; pos += 8) s->st[pos / 8][j] ^= cc_load64_le(in[j] + off + pos);
        for (; pos < inlen - off; pos++) xor_byte(s, j, pos, in[j][off + pos]);
        xor_byte(s, j, (unsigned)(inlen - off), 0x1F); /* SHAKE domain bits and first pad bit */
        xor_byte(s, j, rate - 1, 0x80);
    }
}

/* Permute, then write up to one rate block (take bytes) of each instance to out[j] + done. */
static void squeeze4(state4 *s, uint8_t *const out[4], size_t done, size_t take)
{
    keccak4(s);
    for (unsigned j = 0; j < WAYS; j++) {
        size_t pos = 0;
        for (; pos + 8 <= take; pos += 8) cc_store64_le(out[j] + done + pos, s->st[pos / 8][j]);
        for (; pos < take; pos++) out[j][done + pos] = (uint8_t)(s->st[pos / 8][j] >> (8 * (pos % 8)));
    }
}

void cc_shake256x4(uint8_t *const out[4], size_t outlen, const uint8_t *const in[4], size_t inlen)
{
    state4 s;
    absorb4(&s, RATE, in, inlen);
    for (size_t done = 0; done < outlen; done += RATE)
        squeeze4(&s, out, done, outlen - done < RATE ? outlen - done : RATE);
    cc_memzero(&s, sizeof s);
}

void cc_shake128x4_absorb_once(cc_keccakx4_ctx *ctx, const uint8_t *const in[4], size_t inlen)
{
    absorb4(ctx, CC_SHAKE128_RATE, in, inlen);
    ctx->rate = CC_SHAKE128_RATE;
}

void cc_shake256x4_absorb_once(cc_keccakx4_ctx *ctx, const uint8_t *const in[4], size_t inlen)
{
    absorb4(ctx, CC_SHAKE256_RATE, in, inlen);
    ctx->rate = CC_SHAKE256_RATE;
}

void cc_keccakx4_squeezeblocks(cc_keccakx4_ctx *ctx, uint8_t *const out[4], size_t nblocks)
{
    for (size_t b = 0; b < nblocks; b++) squeeze4(ctx, out, b * ctx->rate, ctx->rate);
}

void cc_keccakx4_wipe(cc_keccakx4_ctx *ctx) { cc_memzero(ctx, sizeof *ctx); }

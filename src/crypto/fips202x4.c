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
#include "crypto/keccak_vec.h"

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
#define V4_SPLAT(x) ((v4){(x), (x), (x), (x)})
KV_DEFINE_PERMUTATION(keccak4_body, v4, state4, V4_SPLAT)

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

/* Absorb four inputs of length inlen with the given rate and pad (SHAKE suffix). */
static void absorb4(state4 *s, unsigned rate, const uint8_t *const in[4], size_t inlen)
{
    memset(s, 0, sizeof *s);
    size_t off = 0;
    for (; inlen - off >= rate; off += rate) {
        for (unsigned j = 0; j < WAYS; j++) kv_xor_bytes(&s->st[0][0], WAYS, j, in[j] + off, rate);
        keccak4(s);
    }
    for (unsigned j = 0; j < WAYS; j++) {
        kv_xor_bytes(&s->st[0][0], WAYS, j, in[j] + off, inlen - off);
        kv_pad_shake(&s->st[0][0], WAYS, j, inlen - off, rate);
    }
}

/* Permute, then write up to one rate block (take bytes) of each instance to out[j] + done. */
static void squeeze4(state4 *s, uint8_t *const out[4], size_t done, size_t take)
{
    keccak4(s);
    for (unsigned j = 0; j < WAYS; j++) kv_extract(&s->st[0][0], WAYS, j, out[j] + done, take);
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

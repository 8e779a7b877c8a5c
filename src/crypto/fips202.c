/* fips202.c: Keccak-f[1600] and the SHA-3 / SHAKE sponges of FIPS 202. Lanes are little-endian
 * 64-bit words; the sponge keeps a byte position inside the rate so absorb and squeeze can be
 * called incrementally with any lengths. */
#include "crypto/fips202.h"

#include <stdlib.h>
#include <string.h>

#include "crypto/ct.h"
#include "crypto/keccak_internal.h"
#include "crypto/keccak_vec.h" /* KV_ROUND: the round, on scalar lanes here */

#define SUFFIX_SHAKE 0x1F
#define SUFFIX_SHA3 0x06

const uint64_t cc_keccak_round_constants[CC_KECCAK_ROUNDS] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808AULL, 0x8000000080008000ULL, 0x000000000000808BULL,
    0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL, 0x000000000000008AULL, 0x0000000000000088ULL,
    0x0000000080008009ULL, 0x000000008000000AULL, 0x000000008000808BULL, 0x800000000000008BULL, 0x8000000000008089ULL,
    0x8000000000008003ULL, 0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800AULL, 0x800000008000000AULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

/* XOR the first nlanes lanes of a block into the state lanes (nlanes is the public rate / 8). */
#define XOR_LANE(i, lane)                                                                                              \
    if (nlanes > (i)) lane ^= cc_load64_le(in + 8 * (i))
#define XOR_BLOCK()                                                                                                    \
    XOR_LANE(0, a00);                                                                                                  \
    XOR_LANE(1, a01);                                                                                                  \
    XOR_LANE(2, a02);                                                                                                  \
    XOR_LANE(3, a03);                                                                                                  \
    XOR_LANE(4, a04);                                                                                                  \
    XOR_LANE(5, a10);                                                                                                  \
    XOR_LANE(6, a11);                                                                                                  \
    XOR_LANE(7, a12);                                                                                                  \
    XOR_LANE(8, a13);                                                                                                  \
    XOR_LANE(9, a14);                                                                                                  \
    XOR_LANE(10, a20);                                                                                                 \
    XOR_LANE(11, a21);                                                                                                 \
    XOR_LANE(12, a22);                                                                                                 \
    XOR_LANE(13, a23);                                                                                                 \
    XOR_LANE(14, a24);                                                                                                 \
    XOR_LANE(15, a30);                                                                                                 \
    XOR_LANE(16, a31);                                                                                                 \
    XOR_LANE(17, a32);                                                                                                 \
    XOR_LANE(18, a33);                                                                                                 \
    XOR_LANE(19, a34);                                                                                                 \
    XOR_LANE(20, a40);                                                                                                 \
    XOR_LANE(21, a41);                                                                                                 \
    XOR_LANE(22, a42);                                                                                                 \
    XOR_LANE(23, a43);                                                                                                 \
    XOR_LANE(24, a44)

/* nblocks >= 1 times: XOR the next block of nlanes lanes from in into the state (nothing when
 * nlanes is 0, the bare permutation), then the 24 rounds. The rounds go two per iteration
 * (A -> E -> A) so no lane is copied; the 25 + 25 lanes, the theta parities and the five permuted
 * lanes of the current row are all local scalars, and stay in registers or on the stack from one
 * block to the next. The round constant index is the public loop counter. */
static inline KV_ALWAYS_INLINE void keccak_body(uint64_t s[25], const uint8_t *in, size_t nblocks, unsigned nlanes)
{
    uint64_t a00 = s[0], a01 = s[1], a02 = s[2], a03 = s[3], a04 = s[4];
    uint64_t a10 = s[5], a11 = s[6], a12 = s[7], a13 = s[8], a14 = s[9];
    uint64_t a20 = s[10], a21 = s[11], a22 = s[12], a23 = s[13], a24 = s[14];
    uint64_t a30 = s[15], a31 = s[16], a32 = s[17], a33 = s[18], a34 = s[19];
    uint64_t a40 = s[20], a41 = s[21], a42 = s[22], a43 = s[23], a44 = s[24];
    uint64_t e00, e01, e02, e03, e04, e10, e11, e12, e13, e14, e20, e21, e22, e23, e24;
    uint64_t e30, e31, e32, e33, e34, e40, e41, e42, e43, e44;
    uint64_t b0, b1, b2, b3, b4, c0, c1, c2, c3, c4, d0, d1, d2, d3, d4;
    do {
        if (nlanes) {
            XOR_BLOCK();
            in += 8 * nlanes;
        }
        for (int round = 0; round < CC_KECCAK_ROUNDS; round += 2) {
            KV_ROUND(a, e, cc_keccak_round_constants[round]);
            KV_ROUND(e, a, cc_keccak_round_constants[round + 1]);
        }
    } while (--nblocks > 0);
    s[0] = a00, s[1] = a01, s[2] = a02, s[3] = a03, s[4] = a04;
    s[5] = a10, s[6] = a11, s[7] = a12, s[8] = a13, s[9] = a14;
    s[10] = a20, s[11] = a21, s[12] = a22, s[13] = a23, s[14] = a24;
    s[15] = a30, s[16] = a31, s[17] = a32, s[18] = a33, s[19] = a34;
    s[20] = a40, s[21] = a41, s[22] = a42, s[23] = a43, s[24] = a44;
}
#undef XOR_BLOCK
#undef XOR_LANE

/* On x86-64 the same C is also compiled with BMI1/BMI2 (andn for chi's and-not, rorx for the
 * rotations), chosen once at load time by an ifunc resolver from CPUID. Both versions execute the
 * identical sequence of 64-bit operations, so their outputs are bit-identical; neither has a
 * data-dependent branch or table index. Elsewhere there is only the portable version. */
#if defined(__x86_64__) && defined(__GNUC__) && defined(__ELF__) && defined(__has_attribute) && !defined(CCTSA_PORTABLE)
#if __has_attribute(ifunc) && __has_attribute(target)
#define KECCAK_IFUNC 1
#endif
#endif

#ifdef KECCAK_IFUNC
static void keccak_f1600_portable(uint64_t s[25]) { keccak_body(s, NULL, 1, 0); }

static void keccak_absorb_portable(uint64_t s[25], const uint8_t *in, size_t nblocks, unsigned nlanes)
{
    keccak_body(s, in, nblocks, nlanes);
}

__attribute__((target("bmi,bmi2"))) static void keccak_f1600_bmi(uint64_t s[25]) { keccak_body(s, NULL, 1, 0); }

__attribute__((target("bmi,bmi2"))) static void keccak_absorb_bmi(uint64_t s[25], const uint8_t *in, size_t nblocks,
                                                                  unsigned nlanes)
{
    keccak_body(s, in, nblocks, nlanes);
}

typedef void (*keccak_f1600_fn)(uint64_t s[25]);
typedef void (*keccak_absorb_fn)(uint64_t s[25], const uint8_t *in, size_t nblocks, unsigned nlanes);

/* The resolvers run while relocations are processed, before any sanitizer runtime is set up, so
 * they must not be instrumented; they are referenced only through the ifunc attribute (unused
 * keeps clang from warning). */
#if __has_attribute(no_sanitize_address)
#define KECCAK_RESOLVER_ATTR __attribute__((no_sanitize_address, unused))
#else
#define KECCAK_RESOLVER_ATTR __attribute__((unused))
#endif

static KECCAK_RESOLVER_ATTR int keccak_has_bmi(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2");
}

static KECCAK_RESOLVER_ATTR keccak_f1600_fn resolve_keccak_f1600(void)
{
    return keccak_has_bmi() ? keccak_f1600_bmi : keccak_f1600_portable;
}

static KECCAK_RESOLVER_ATTR keccak_absorb_fn resolve_keccak_absorb(void)
{
    return keccak_has_bmi() ? keccak_absorb_bmi : keccak_absorb_portable;
}

void cc_keccak_f1600(uint64_t s[25]) __attribute__((ifunc("resolve_keccak_f1600")));
/* absorb nblocks >= 1 whole blocks of nlanes lanes and permute after each */
static void keccak_absorb_blocks(uint64_t s[25], const uint8_t *in, size_t nblocks, unsigned nlanes)
    __attribute__((ifunc("resolve_keccak_absorb")));
#else
void cc_keccak_f1600(uint64_t s[25]) { keccak_body(s, NULL, 1, 0); }

static void keccak_absorb_blocks(uint64_t s[25], const uint8_t *in, size_t nblocks, unsigned nlanes)
{
    keccak_body(s, in, nblocks, nlanes);
}
#endif

static void sponge_init(cc_keccak_ctx *ctx, unsigned rate, uint8_t suffix)
{
    memset(ctx->s, 0, sizeof ctx->s);
    ctx->pos = 0;
    ctx->rate = rate;
    ctx->suffix = suffix;
    ctx->squeezing = 0;
}

void cc_shake128_init(cc_keccak_ctx *ctx) { sponge_init(ctx, CC_SHAKE128_RATE, SUFFIX_SHAKE); }
void cc_shake256_init(cc_keccak_ctx *ctx) { sponge_init(ctx, CC_SHAKE256_RATE, SUFFIX_SHAKE); }

static inline void xor_byte(uint64_t s[25], unsigned pos, uint8_t b) { s[pos / 8] ^= (uint64_t)b << (8 * (pos % 8)); }

static inline uint8_t get_byte(const uint64_t s[25], unsigned pos) { return (uint8_t)(s[pos / 8] >> (8 * (pos % 8))); }

void cc_keccak_absorb(cc_keccak_ctx *ctx, const uint8_t *in, size_t len)
{
    if (ctx->squeezing) abort(); /* API misuse: absorbing after squeezing would break the sponge */
    const unsigned rate = ctx->rate;
    while (len > 0) {
        if (ctx->pos == 0 && len >= rate) {
            size_t nblocks = len / rate;
            keccak_absorb_blocks(ctx->s, in, nblocks, rate / 8);
            in += nblocks * rate;
            len -= nblocks * rate;
            continue;
        }
        size_t take = rate - ctx->pos;
        if (take > len) take = len;
        for (size_t i = 0; i < take; i++) xor_byte(ctx->s, ctx->pos + (unsigned)i, in[i]);
        ctx->pos += (unsigned)take;
        in += take;
        len -= take;
        if (ctx->pos == rate) {
            cc_keccak_f1600(ctx->s);
            ctx->pos = 0;
        }
    }
}

void cc_keccak_finalize(cc_keccak_ctx *ctx)
{
    if (ctx->squeezing) return;
    xor_byte(ctx->s, ctx->pos, ctx->suffix);
    xor_byte(ctx->s, ctx->rate - 1, 0x80);
    ctx->pos = ctx->rate; /* no output bytes available until the next permutation */
    ctx->squeezing = 1;
}

void cc_keccak_squeeze(cc_keccak_ctx *ctx, uint8_t *out, size_t len)
{
    cc_keccak_finalize(ctx);
    const unsigned rate = ctx->rate;
    while (len > 0) {
        if (ctx->pos == rate) {
            cc_keccak_f1600(ctx->s);
            ctx->pos = 0;
        }
        if (ctx->pos == 0 && len >= rate) {
            for (unsigned i = 0; i < rate / 8; i++) cc_store64_le(out + 8 * i, ctx->s[i]);
            ctx->pos = rate;
            out += rate;
            len -= rate;
            continue;
        }
        size_t take = rate - ctx->pos;
        if (take > len) take = len;
        for (size_t i = 0; i < take; i++) out[i] = get_byte(ctx->s, ctx->pos + (unsigned)i);
        ctx->pos += (unsigned)take;
        out += take;
        len -= take;
    }
}

void cc_keccak_squeezeblocks(cc_keccak_ctx *ctx, uint8_t *out, size_t nblocks)
{
    cc_keccak_squeeze(ctx, out, nblocks * ctx->rate);
}

void cc_keccak_wipe(cc_keccak_ctx *ctx) { cc_memzero(ctx, sizeof *ctx); }

static void sponge_oneshot(unsigned rate, uint8_t suffix, uint8_t *out, size_t outlen, const uint8_t *in, size_t inlen)
{
    cc_keccak_ctx ctx;
    sponge_init(&ctx, rate, suffix);
    cc_keccak_absorb(&ctx, in, inlen);
    cc_keccak_squeeze(&ctx, out, outlen);
    cc_keccak_wipe(&ctx);
}

void cc_shake128(uint8_t *out, size_t outlen, const uint8_t *in, size_t inlen)
{
    sponge_oneshot(CC_SHAKE128_RATE, SUFFIX_SHAKE, out, outlen, in, inlen);
}

void cc_shake256(uint8_t *out, size_t outlen, const uint8_t *in, size_t inlen)
{
    sponge_oneshot(CC_SHAKE256_RATE, SUFFIX_SHAKE, out, outlen, in, inlen);
}

/* SHA3-n has capacity 2n bits: rate = 200 - 2 * (n / 8) bytes. */
void cc_sha3_256(uint8_t out[32], const uint8_t *in, size_t inlen)
{
    sponge_oneshot(CC_SHA3_256_RATE, SUFFIX_SHA3, out, 32, in, inlen);
}

void cc_sha3_224(uint8_t out[28], const uint8_t *in, size_t inlen)
{
    sponge_oneshot(200 - 2 * 28, SUFFIX_SHA3, out, 28, in, inlen);
}

void cc_sha3_384(uint8_t out[48], const uint8_t *in, size_t inlen)
{
    sponge_oneshot(200 - 2 * 48, SUFFIX_SHA3, out, 48, in, inlen);
}

void cc_sha3_512(uint8_t out[64], const uint8_t *in, size_t inlen)
{
    sponge_oneshot(CC_SHA3_512_RATE, SUFFIX_SHA3, out, 64, in, inlen);
}

/* fips202.c: Keccak-f[1600] and the SHA-3 / SHAKE sponges of FIPS 202. Lanes are little-endian
 * 64-bit words; the sponge keeps a byte position inside the rate so absorb and squeeze can be
 * called incrementally with any lengths. */
#include "crypto/fips202.h"

#include <stdlib.h>
#include <string.h>

#include "crypto/ct.h"

#define KECCAK_ROUNDS 24
#define SUFFIX_SHAKE 0x1F
#define SUFFIX_SHA3 0x06

static const uint64_t round_constants[KECCAK_ROUNDS] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808AULL, 0x8000000080008000ULL,
    0x000000000000808BULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008AULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000AULL,
    0x000000008000808BULL, 0x800000000000008BULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800AULL, 0x800000008000000AULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

static inline uint64_t rol64(uint64_t v, unsigned n)
{
    return n ? (v << n) | (v >> (64 - n)) : v;
}

/* One round step for lane (x, y) = index i = x + 5y: theta-corrected lane rotated by rho and moved
 * by pi to position (y, 2x + 3y). Expanded by the macros below so every index is a constant and
 * the 25 lanes live in registers. */
#define CHI_ROW(y)                                                           \
    a##y##0 = b##y##0 ^ (~b##y##1 & b##y##2);                                \
    a##y##1 = b##y##1 ^ (~b##y##2 & b##y##3);                                \
    a##y##2 = b##y##2 ^ (~b##y##3 & b##y##4);                                \
    a##y##3 = b##y##3 ^ (~b##y##4 & b##y##0);                                \
    a##y##4 = b##y##4 ^ (~b##y##0 & b##y##1)

void cc_keccak_f1600(uint64_t s[25])
{
    /* aYX holds lane x + 5y; bYX the permuted lanes before chi. */
    uint64_t a00 = s[0], a01 = s[1], a02 = s[2], a03 = s[3], a04 = s[4];
    uint64_t a10 = s[5], a11 = s[6], a12 = s[7], a13 = s[8], a14 = s[9];
    uint64_t a20 = s[10], a21 = s[11], a22 = s[12], a23 = s[13], a24 = s[14];
    uint64_t a30 = s[15], a31 = s[16], a32 = s[17], a33 = s[18], a34 = s[19];
    uint64_t a40 = s[20], a41 = s[21], a42 = s[22], a43 = s[23], a44 = s[24];
    uint64_t b00, b01, b02, b03, b04, b10, b11, b12, b13, b14, b20, b21, b22, b23, b24;
    uint64_t b30, b31, b32, b33, b34, b40, b41, b42, b43, b44;
    uint64_t c[5], d[5]; /* kept in registers; the caller wipes the state itself */

    for (int round = 0; round < KECCAK_ROUNDS; round++) {
        /* theta */
        c[0] = a00 ^ a10 ^ a20 ^ a30 ^ a40;
        c[1] = a01 ^ a11 ^ a21 ^ a31 ^ a41;
        c[2] = a02 ^ a12 ^ a22 ^ a32 ^ a42;
        c[3] = a03 ^ a13 ^ a23 ^ a33 ^ a43;
        c[4] = a04 ^ a14 ^ a24 ^ a34 ^ a44;
        d[0] = c[4] ^ rol64(c[1], 1);
        d[1] = c[0] ^ rol64(c[2], 1);
        d[2] = c[1] ^ rol64(c[3], 1);
        d[3] = c[2] ^ rol64(c[4], 1);
        d[4] = c[3] ^ rol64(c[0], 1);
        /* rho and pi: lane (x, y) goes to (y, 2x + 3y mod 5); names are b<newy><newx>. */
#define AXY(x, y) a##y##x
#define TH(x, y) (AXY(x, y) ^ d[x])
        b00 = rol64(TH(0, 0), 0);
        b20 = rol64(TH(1, 0), 1);
        b40 = rol64(TH(2, 0), 62);
        b10 = rol64(TH(3, 0), 28);
        b30 = rol64(TH(4, 0), 27);
        b31 = rol64(TH(0, 1), 36);
        b01 = rol64(TH(1, 1), 44);
        b21 = rol64(TH(2, 1), 6);
        b41 = rol64(TH(3, 1), 55);
        b11 = rol64(TH(4, 1), 20);
        b12 = rol64(TH(0, 2), 3);
        b32 = rol64(TH(1, 2), 10);
        b02 = rol64(TH(2, 2), 43);
        b22 = rol64(TH(3, 2), 25);
        b42 = rol64(TH(4, 2), 39);
        b43 = rol64(TH(0, 3), 41);
        b13 = rol64(TH(1, 3), 45);
        b33 = rol64(TH(2, 3), 15);
        b03 = rol64(TH(3, 3), 21);
        b23 = rol64(TH(4, 3), 8);
        b24 = rol64(TH(0, 4), 18);
        b44 = rol64(TH(1, 4), 2);
        b14 = rol64(TH(2, 4), 61);
        b34 = rol64(TH(3, 4), 56);
        b04 = rol64(TH(4, 4), 14);
#undef TH
#undef AXY
        /* chi per row y over x; iota */
        CHI_ROW(0);
        CHI_ROW(1);
        CHI_ROW(2);
        CHI_ROW(3);
        CHI_ROW(4);
        a00 ^= round_constants[round];
    }
    s[0] = a00, s[1] = a01, s[2] = a02, s[3] = a03, s[4] = a04;
    s[5] = a10, s[6] = a11, s[7] = a12, s[8] = a13, s[9] = a14;
    s[10] = a20, s[11] = a21, s[12] = a22, s[13] = a23, s[14] = a24;
    s[15] = a30, s[16] = a31, s[17] = a32, s[18] = a33, s[19] = a34;
    s[20] = a40, s[21] = a41, s[22] = a42, s[23] = a43, s[24] = a44;
}
#undef CHI_ROW

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
static inline uint64_t load64_le(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static inline void store64_le(uint8_t *p, uint64_t v)
{
    memcpy(p, &v, 8);
}
#else
static inline uint64_t load64_le(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = (v << 8) | p[i];
    return v;
}

static inline void store64_le(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
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

static inline void xor_byte(uint64_t s[25], unsigned pos, uint8_t b)
{
    s[pos / 8] ^= (uint64_t)b << (8 * (pos % 8));
}

static inline uint8_t get_byte(const uint64_t s[25], unsigned pos)
{
    return (uint8_t)(s[pos / 8] >> (8 * (pos % 8)));
}

void cc_keccak_absorb(cc_keccak_ctx *ctx, const uint8_t *in, size_t len)
{
    if (ctx->squeezing) abort(); /* API misuse: absorbing after squeezing would break the sponge */
    const unsigned rate = ctx->rate;
    while (len > 0) {
        if (ctx->pos == 0 && len >= rate) {
            for (unsigned i = 0; i < rate / 8; i++) ctx->s[i] ^= load64_le(in + 8 * i);
            cc_keccak_f1600(ctx->s);
            in += rate;
            len -= rate;
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
            for (unsigned i = 0; i < rate / 8; i++) store64_le(out + 8 * i, ctx->s[i]);
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

void cc_keccak_wipe(cc_keccak_ctx *ctx)
{
    cc_memzero(ctx, sizeof *ctx);
}

static void sponge_oneshot(unsigned rate, uint8_t suffix, uint8_t *out, size_t outlen,
                           const uint8_t *in, size_t inlen)
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

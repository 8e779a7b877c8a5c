/* fips202x8.c: the 8-way SHAKE256. With AVX-512F (x86-64 ELF, GCC or clang, not CCTSA_PORTABLE) the
 * permutation of keccak_vec.h runs on eight interleaved states, one 512-bit vector per lane;
 * an ifunc resolver picks it from CPUID at load time, otherwise cc_shake256x8 is the pair of
 * 4-way calls. The sponge (absorb, pad, squeeze) is the 4-way one's with eight instances. */
#include "crypto/fips202x8.h"

#include "crypto/ct.h"
#include "crypto/fips202.h"
#include "crypto/fips202x4.h"
#include "crypto/keccak_vec.h"

void cc_shake256x8_pair(uint8_t *const out[8], size_t outlen, const uint8_t *const in[8], size_t inlen)
{
    cc_shake256x4(out, outlen, in, inlen);
    cc_shake256x4(out + 4, outlen, in + 4, inlen);
}

#if defined(__x86_64__) && defined(__ELF__) && defined(__GNUC__) && defined(__has_attribute) && !defined(CCTSA_PORTABLE)
#if __has_attribute(ifunc) && __has_attribute(target)
#define KECCAK8_IFUNC 1
#endif
#endif

#ifdef KECCAK8_IFUNC
#define WAYS 8
#define RATE CC_SHAKE256_RATE

typedef struct {
    uint64_t st[25][WAYS];
} state8;

typedef uint64_t v8 __attribute__((vector_size(64)));
#define V8_SPLAT(x) ((v8){(x), (x), (x), (x), (x), (x), (x), (x)})

#if defined(__clang__)
#define KECCAK8_AVX512 __attribute__((target("avx512f")))
#else
#define KECCAK8_AVX512 __attribute__((target("avx512f,prefer-vector-width=512")))
#endif

/* the body carries the target too: clang keeps it out of line, and would otherwise compile it for
 * the baseline ISA (512-bit vectors split into 128-bit operations) */
KECCAK8_AVX512 static inline void keccak8_body(state8 *s);
KV_DEFINE_PERMUTATION(keccak8_body, v8, state8, V8_SPLAT)

KECCAK8_AVX512 static void keccak8_avx512(state8 *s) { keccak8_body(s); }

static void shake256x8_avx512(uint8_t *const out[8], size_t outlen, const uint8_t *const in[8], size_t inlen)
{
    state8 s;
    uint64_t *st = &s.st[0][0];
    memset(&s, 0, sizeof s);
    size_t off = 0;
    for (; inlen - off >= RATE; off += RATE) {
        for (unsigned j = 0; j < WAYS; j++) kv_xor_bytes(st, WAYS, j, in[j] + off, RATE);
        keccak8_avx512(&s);
    }
    for (unsigned j = 0; j < WAYS; j++) {
        kv_xor_bytes(st, WAYS, j, in[j] + off, inlen - off);
        kv_pad_shake(st, WAYS, j, inlen - off, RATE);
    }
    for (size_t done = 0; done < outlen; done += RATE) {
        size_t take = outlen - done < RATE ? outlen - done : RATE;
        keccak8_avx512(&s);
        for (unsigned j = 0; j < WAYS; j++) kv_extract(st, WAYS, j, out[j] + done, take);
    }
    cc_memzero(&s, sizeof s);
}

typedef void (*shake256x8_fn)(uint8_t *const out[8], size_t outlen, const uint8_t *const in[8], size_t inlen);

static int have_avx512f(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f");
}

/* runs while relocations are processed, before any sanitizer runtime is set up: not instrumented */
#if __has_attribute(no_sanitize_address)
__attribute__((no_sanitize_address))
#endif
__attribute__((unused)) /* referenced only by the ifunc attribute (clang would warn) */
static shake256x8_fn
resolve_shake256x8(void)
{
    return have_avx512f() ? shake256x8_avx512 : cc_shake256x8_pair;
}

void cc_shake256x8(uint8_t *const out[8], size_t outlen, const uint8_t *const in[8], size_t inlen)
    __attribute__((ifunc("resolve_shake256x8")));

int cc_shake256x8_wide(void) { return have_avx512f(); }
#else
void cc_shake256x8(uint8_t *const out[8], size_t outlen, const uint8_t *const in[8], size_t inlen)
{
    cc_shake256x8_pair(out, outlen, in, inlen);
}

int cc_shake256x8_wide(void) { return 0; }
#endif

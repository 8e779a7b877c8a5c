/* test_shake_acvp: our SHAKE-128/256 against every byte-oriented NIST ACVP vector (AFT, VOT and the
 * SHAKE Monte Carlo procedure), incremental absorb/squeeze against one-shot, and SHA3-224/256/
 * 384/512 against OpenSSL EVP on assorted lengths. Bit-oriented messages are skipped; for
 * byte-oriented messages with a bit-oriented output length the whole-byte prefix is checked. */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "crypto/fips202.h"
#include "testutil.h"

typedef void (*shake_fn)(uint8_t *out, size_t outlen, const uint8_t *in, size_t inlen);

static long json_long(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    if (json_is_integer(v)) return (long)json_integer_value(v);
    if (json_is_string(v)) return strtol(json_string_value(v), NULL, 10);
    return -1;
}

struct counts {
    unsigned run, prefix_only, skipped;
};

/* ACVP SHAKE MCT ("standard"): 100 outer iterations of 1000 chained hashes, each input the 128
 * leftmost bits of the previous output, the next output length derived from its last 16 bits. */
static void run_mct(shake_fn shake, const json_t *group, const json_t *test, const json_t *expected, struct counts *cnt)
{
    size_t seedlen;
    uint8_t *seed = tu_json_hex(test, "msg", &seedlen);
    long minbytes = json_long(group, "minOutLen") / 8, maxbytes = json_long(group, "maxOutLen") / 8;
    const json_t *results = json_object_get(expected, "resultsArray");
    CHECK(seed && seedlen == 16 && minbytes > 0 && maxbytes >= minbytes && json_array_size(results) == 100);
    if (!seed || seedlen != 16 || json_array_size(results) != 100) {
        free(seed);
        return;
    }
    uint8_t *out = calloc(1, (size_t)maxbytes), msg[16];
    size_t outlen = (size_t)maxbytes, prevlen = 16;
    memcpy(out, seed, 16);
    unsigned ok = 0;
    for (size_t j = 0; j < 100; j++) {
        for (int i = 1; i <= 1000; i++) {
            memset(msg, 0, sizeof msg);
            memcpy(msg, out, prevlen < 16 ? prevlen : 16);
            shake(out, outlen, msg, 16);
            prevlen = outlen;
            unsigned tail = (unsigned)out[outlen - 2] << 8 | out[outlen - 1];
            outlen = (size_t)minbytes + tail % (size_t)(maxbytes - minbytes + 1);
        }
        size_t mdlen;
        uint8_t *md = tu_json_hex(json_array_get(results, j), "md", &mdlen);
        if (md && mdlen == prevlen && memcmp(md, out, mdlen) == 0)
            ok++;
        else
            fprintf(stderr, "MCT iteration %zu mismatch\n", j);
        free(md);
    }
    CHECK_MSG(ok == 100, "MCT %u/100", ok);
    cnt->run++;
    free(out);
    free(seed);
}

static void run_file(const char *dir, shake_fn shake)
{
    char path[256];
    snprintf(path, sizeof path, "acvp/%s/prompt.json", dir);
    json_t *prompt = tu_load_vectors(path);
    snprintf(path, sizeof path, "acvp/%s/expectedResults.json", dir);
    json_t *expected = tu_load_vectors(path);
    struct counts cnt = {0, 0, 0};
    size_t gi, ti;
    json_t *g, *t;
    json_array_foreach(json_object_get(prompt, "testGroups"), gi, g)
    {
        long tg = json_long(g, "tgId");
        const char *type = tu_json_str(g, "testType");
        json_array_foreach(json_object_get(g, "tests"), ti, t)
        {
            long tc = json_long(t, "tcId");
            const json_t *exp = tu_acvp_find(expected, tg, tc);
            CHECK_MSG(exp != NULL, "%s tc %ld has no expected result", dir, tc);
            if (!exp) continue;
            if (type && !strcmp(type, "MCT")) {
                run_mct(shake, g, t, exp, &cnt);
                continue;
            }
            long bits = json_long(t, "len"), outbits = json_long(t, "outLen");
            if (outbits < 0) outbits = json_long(exp, "outLen");
            if (bits % 8 != 0 || outbits <= 0) {
                cnt.skipped++;
                continue;
            }
            size_t msglen, mdlen;
            uint8_t *msg = tu_json_hex(t, "msg", &msglen);
            uint8_t *md = tu_json_hex(exp, "md", &mdlen);
            size_t whole = (size_t)outbits / 8;
            CHECK_MSG(msg && md && msglen >= (size_t)bits / 8 && mdlen == ((size_t)outbits + 7) / 8,
                      "%s tc %ld malformed", dir, tc);
            if (msg && md && mdlen >= whole) {
                uint8_t *out = malloc(whole + 1);
                shake(out, whole, msg, (size_t)bits / 8);
                CHECK_MSG(memcmp(out, md, whole) == 0, "%s tc %ld digest mismatch", dir, tc);
                free(out);
                if (outbits % 8)
                    cnt.prefix_only++;
                else
                    cnt.run++;
            }
            free(msg);
            free(md);
        }
    }
    printf("%-18s %u byte-oriented tests run, %u bit-length outputs checked on their whole-byte "
           "prefix, %u bit-oriented messages skipped\n",
           dir, cnt.run, cnt.prefix_only, cnt.skipped);
    CHECK(cnt.run + cnt.prefix_only > 0);
    json_decref(prompt);
    json_decref(expected);
}

/* Absorb and squeeze in irregular pieces; must equal the one-shot result. */
static void check_incremental(void)
{
    uint8_t in[1000], whole[700], pieces[700];
    for (size_t i = 0; i < sizeof in; i++) in[i] = (uint8_t)(i * 131 + 7);
    const size_t cuts[] = {0, 1, 7, 8, 135, 136, 137, 167, 168, 169, 500};
    for (int variant = 0; variant < 2; variant++) {
        shake_fn oneshot = variant ? cc_shake256 : cc_shake128;
        oneshot(whole, sizeof whole, in, sizeof in);
        for (size_t c = 0; c < sizeof cuts / sizeof cuts[0]; c++) {
            cc_keccak_ctx ctx;
            if (variant)
                cc_shake256_init(&ctx);
            else
                cc_shake128_init(&ctx);
            size_t off = 0, step = cuts[c] ? cuts[c] : 1;
            while (off < sizeof in) {
                size_t n = sizeof in - off < step ? sizeof in - off : step;
                cc_keccak_absorb(&ctx, in + off, n);
                off += n;
            }
            cc_keccak_absorb(&ctx, in, 0);
            off = 0;
            while (off < sizeof pieces) {
                size_t n = sizeof pieces - off < step + 3 ? sizeof pieces - off : step + 3;
                cc_keccak_squeeze(&ctx, pieces + off, n);
                off += n;
            }
            CHECK_MSG(memcmp(whole, pieces, sizeof whole) == 0, "incremental variant %d step %zu", variant, step);
            cc_keccak_wipe(&ctx);
        }
        /* squeezeblocks right after finalize equals the one-shot prefix */
        cc_keccak_ctx ctx;
        if (variant)
            cc_shake256_init(&ctx);
        else
            cc_shake128_init(&ctx);
        cc_keccak_absorb(&ctx, in, sizeof in);
        cc_keccak_finalize(&ctx);
        uint8_t blocks[2 * CC_SHAKE128_RATE];
        cc_keccak_squeezeblocks(&ctx, blocks, 2);
        CHECK_MEM(blocks, whole, 2 * (size_t)ctx.rate);
    }
}

static void check_sha3_against_openssl(void)
{
    static const struct {
        const char *name;
        size_t len;
        void (*fn)(uint8_t *, const uint8_t *, size_t);
    } algs[] = {
        {"SHA3-224", 28, cc_sha3_224},
        {"SHA3-256", 32, cc_sha3_256},
        {"SHA3-384", 48, cc_sha3_384},
        {"SHA3-512", 64, cc_sha3_512},
    };
    static const size_t lens[] = {0, 1, 71, 72, 73, 103, 104, 135, 136, 137, 200, 1000, 4099};
    uint8_t *in = malloc(5000);
    for (size_t i = 0; i < 5000; i++) in[i] = (uint8_t)(i ^ (i >> 3) ^ 0x5a);
    unsigned n = 0;
    for (size_t a = 0; a < 4; a++) {
        const EVP_MD *md = EVP_get_digestbyname(algs[a].name);
        CHECK_MSG(md != NULL, "OpenSSL lacks %s", algs[a].name);
        if (!md) continue;
        for (size_t l = 0; l < sizeof lens / sizeof lens[0]; l++) {
            uint8_t ours[64], ref[64];
            unsigned reflen = 0;
            algs[a].fn(ours, in, lens[l]);
            CHECK(EVP_Digest(in, lens[l], ref, &reflen, md, NULL) == 1 && reflen == algs[a].len);
            CHECK_MSG(memcmp(ours, ref, algs[a].len) == 0, "%s len %zu", algs[a].name, lens[l]);
            n++;
        }
    }
    /* A published known answer as well: SHA3-256("abc"). */
    uint8_t abc[32], want[32];
    cc_sha3_256(abc, (const uint8_t *)"abc", 3);
    tu_hex_to(want, 32, "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532");
    CHECK_MEM(abc, want, 32);
    printf("SHA3 vs OpenSSL EVP: %u digests compared\n", n);
    free(in);
}

int main(void)
{
    run_file("SHAKE-128-FIPS202", cc_shake128);
    run_file("SHAKE-256-FIPS202", cc_shake256);
    run_file("SHAKE-128-1.0", cc_shake128);
    run_file("SHAKE-256-1.0", cc_shake256);
    check_incremental();
    check_sha3_against_openssl();
    return check_summary("test_shake_acvp");
}

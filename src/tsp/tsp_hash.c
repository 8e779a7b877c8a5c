/* tsp_hash.c: message-imprint hash table and OpenSSL EVP hashing. */
#include "tsp/tsp_hash.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

static const struct {
    const char *name, *evp;
    uint8_t oid[9];
    size_t len;
} hashes[TSP_HASH_COUNT] = {
    [TSP_HASH_SHA256] = {"sha256", "SHA256", {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01}, 32},
    [TSP_HASH_SHA384] = {"sha384", "SHA384", {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02}, 48},
    [TSP_HASH_SHA512] = {"sha512", "SHA512", {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03}, 64},
    [TSP_HASH_SHA3_256] = {"sha3-256", "SHA3-256", {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x08}, 32},
    [TSP_HASH_SHA3_384] = {"sha3-384", "SHA3-384", {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x09}, 48},
    [TSP_HASH_SHA3_512] = {"sha3-512", "SHA3-512", {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x0A}, 64},
};

static const uint8_t oid_sha1[] = {0x2B, 0x0E, 0x03, 0x02, 0x1A};
static const uint8_t oid_md5[] = {0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x02, 0x05};
static const uint8_t oid_sha224[] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x04};

int tsp_hash_from_oid(const uint8_t *oid, size_t n)
{
    for (int i = 0; i < TSP_HASH_COUNT; i++)
        if (n == sizeof hashes[i].oid && !memcmp(oid, hashes[i].oid, n)) return i;
    return -1;
}

int tsp_hash_oid_is_weak(const uint8_t *oid, size_t n)
{
    return (n == sizeof oid_sha1 && !memcmp(oid, oid_sha1, n)) || (n == sizeof oid_md5 && !memcmp(oid, oid_md5, n)) ||
           (n == sizeof oid_sha224 && !memcmp(oid, oid_sha224, n));
}

int tsp_hash_from_name(const char *name)
{
    for (int i = 0; i < TSP_HASH_COUNT; i++)
        if (!strcmp(name, hashes[i].name)) return i;
    return -1;
}

const char *tsp_hash_name(tsp_hash_alg alg) { return (unsigned)alg < TSP_HASH_COUNT ? hashes[alg].name : "?"; }

const uint8_t *tsp_hash_oid(tsp_hash_alg alg, size_t *n)
{
    *n = sizeof hashes[alg].oid;
    return hashes[alg].oid;
}

size_t tsp_hash_len(tsp_hash_alg alg) { return (unsigned)alg < TSP_HASH_COUNT ? hashes[alg].len : 0; }

int tsp_hash(tsp_hash_alg alg, const uint8_t *in, size_t len, uint8_t *out)
{
    unsigned outlen = 0;
    if ((unsigned)alg >= TSP_HASH_COUNT) return -1;
    EVP_MD *md = EVP_MD_fetch(NULL, hashes[alg].evp, NULL);
    int ok = md && EVP_Digest(in, len, out, &outlen, md, NULL) == 1 && outlen == hashes[alg].len;
    EVP_MD_free(md);
    return ok ? 0 : -1;
}

int tsp_hash_file(tsp_hash_alg alg, const char *path, uint8_t *out)
{
    unsigned outlen = 0;
    uint8_t buf[65536];
    size_t n;
    int ok = 0;
    if ((unsigned)alg >= TSP_HASH_COUNT) return -1;
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    EVP_MD *md = EVP_MD_fetch(NULL, hashes[alg].evp, NULL);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (md && ctx && EVP_DigestInit_ex(ctx, md, NULL) == 1) {
        ok = 1;
        while ((n = fread(buf, 1, sizeof buf, f)) > 0)
            if (EVP_DigestUpdate(ctx, buf, n) != 1) ok = 0;
        if (ferror(f)) ok = 0;
        if (ok && (EVP_DigestFinal_ex(ctx, out, &outlen) != 1 || outlen != hashes[alg].len)) ok = 0;
    }
    EVP_MD_CTX_free(ctx);
    EVP_MD_free(md);
    fclose(f);
    return ok ? 0 : -1;
}

/* mldsa_prehash.c: the HashML-DSA pre-hash functions (FIPS 204 section 5.4): names, DER OIDs and
 * digests. SHA-2 comes from OpenSSL EVP, SHA-3 and SHAKE from our fips202.c. */
#include <openssl/evp.h>
#include <string.h>

#include "crypto/fips202.h"
#include "crypto/mldsa_prehash.h"

typedef struct {
    const char *name;     /* ACVP spelling */
    const char *evp_name; /* OpenSSL name for SHA-2, NULL for our own Keccak functions */
    uint8_t oid_last;     /* last arc of 2.16.840.1.101.3.4.2.x */
    uint8_t digest_len;   /* bytes; SHAKE128 -> 32, SHAKE256 -> 64 (FIPS 204) */
} prehash_info;

static const prehash_info prehashes[] = {
    [CC_PH_SHA2_224] = {"SHA2-224", "SHA224", 0x04, 28},
    [CC_PH_SHA2_256] = {"SHA2-256", "SHA256", 0x01, 32},
    [CC_PH_SHA2_384] = {"SHA2-384", "SHA384", 0x02, 48},
    [CC_PH_SHA2_512] = {"SHA2-512", "SHA512", 0x03, 64},
    [CC_PH_SHA2_512_224] = {"SHA2-512/224", "SHA512-224", 0x05, 28},
    [CC_PH_SHA2_512_256] = {"SHA2-512/256", "SHA512-256", 0x06, 32},
    [CC_PH_SHA3_224] = {"SHA3-224", NULL, 0x07, 28},
    [CC_PH_SHA3_256] = {"SHA3-256", NULL, 0x08, 32},
    [CC_PH_SHA3_384] = {"SHA3-384", NULL, 0x09, 48},
    [CC_PH_SHA3_512] = {"SHA3-512", NULL, 0x0A, 64},
    [CC_PH_SHAKE128] = {"SHAKE-128", NULL, 0x0B, 32},
    [CC_PH_SHAKE256] = {"SHAKE-256", NULL, 0x0C, 64},
};
#define NUM_PREHASHES (sizeof prehashes / sizeof prehashes[0])

int cc_prehash_from_name(const char *name)
{
    if (!name) return -1;
    for (size_t i = 0; i < NUM_PREHASHES; i++)
        if (!strcmp(name, prehashes[i].name)) return (int)i;
    return -1;
}

static int sha2_digest(const char *evp_name, uint8_t *out, size_t outlen, const uint8_t *msg, size_t msglen)
{
    EVP_MD *md = EVP_MD_fetch(NULL, evp_name, NULL);
    unsigned len = 0;
    int ok = md && EVP_Digest(msg, msglen, out, &len, md, NULL) == 1 && len == outlen;
    EVP_MD_free(md);
    return ok ? 0 : -1;
}

size_t mldsa_prehash_encode(uint8_t out[MLDSA_PREHASH_MAXBYTES], int ph, const uint8_t *msg, size_t msglen)
{
    if (ph < 0 || (size_t)ph >= NUM_PREHASHES) return 0;
    const prehash_info *info = &prehashes[ph];
    static const uint8_t oid_prefix[10] = {0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02};
    memcpy(out, oid_prefix, sizeof oid_prefix);
    out[10] = info->oid_last;
    uint8_t *digest = out + 11;
    switch (ph) {
    case CC_PH_SHA3_224: cc_sha3_224(digest, msg, msglen); break;
    case CC_PH_SHA3_256: cc_sha3_256(digest, msg, msglen); break;
    case CC_PH_SHA3_384: cc_sha3_384(digest, msg, msglen); break;
    case CC_PH_SHA3_512: cc_sha3_512(digest, msg, msglen); break;
    case CC_PH_SHAKE128: cc_shake128(digest, info->digest_len, msg, msglen); break;
    case CC_PH_SHAKE256: cc_shake256(digest, info->digest_len, msg, msglen); break;
    default:
        if (sha2_digest(info->evp_name, digest, info->digest_len, msg, msglen) != 0) return 0;
    }
    return 11 + (size_t)info->digest_len;
}

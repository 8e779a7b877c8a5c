/* test_key_rand.c: linked only into cctsa-node-testkey, a test build of the node whose key the
 * test knows: RAND_priv_bytes (which the local keys draw their ML-DSA seed from) returns the
 * stream SHA-256("cctsa-node-test-key" || u32be(i)), i = 0, 1, ... The test computes the same
 * bytes and looks for them in everything the node writes. Never part of a shipped binary. */
#include <openssl/sha.h>
#include <stdint.h>
#include <string.h>

int RAND_priv_bytes(unsigned char *buf, int num);
int RAND_priv_bytes(unsigned char *buf, int num)
{
    static uint32_t block;
    static const char label[] = "cctsa-node-test-key";
    while (num > 0) {
        uint8_t in[sizeof label - 1 + 4], out[SHA256_DIGEST_LENGTH];
        memcpy(in, label, sizeof label - 1);
        in[sizeof label - 1] = (uint8_t)(block >> 24);
        in[sizeof label] = (uint8_t)(block >> 16);
        in[sizeof label + 1] = (uint8_t)(block >> 8);
        in[sizeof label + 2] = (uint8_t)block;
        block++;
        SHA256(in, sizeof in, out);
        int n = num < (int)sizeof out ? num : (int)sizeof out;
        memcpy(buf, out, (size_t)n);
        buf += n;
        num -= n;
    }
    return 1;
}

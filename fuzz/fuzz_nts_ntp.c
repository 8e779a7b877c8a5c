/* fuzz_nts_ntp.c: libFuzzer target for the NTS NTPv4 response parser. Odd first byte: the rest is
 * a raw response (origin and UID taken from it, so the checks up to the Authenticator pass).
 * Even: the rest is the plaintext of a correctly authenticated response, which exercises the
 * parser of the encrypted extension fields. */
#include <nettle/siv-cmac.h>
#include <stdlib.h>
#include <string.h>

#include "time/nts.h"

static const nts_keys KEYS = {{1}, {2}};

static void check(const uint8_t *pkt, size_t len, const uint8_t *uid, uint64_t xmt)
{
    nts_ntp_response r;
    char why[160];
    int rc = nts_ntp_parse(pkt, len, &KEYS, uid, xmt, &r, why, sizeof why);
    if (rc < -1 || rc > 1 || r.ncookies < 0 || r.ncookies > NTS_MAX_COOKIES) abort();
    for (int i = 0; i < r.ncookies; i++)
        if (!r.cookie_len[i] || r.cookie_len[i] > NTS_KE_MAX_RECORD) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    uint8_t uid[NTS_UID_BYTES] = {0}, pkt[NTS_NTP_MAX_PACKET + 64] = {0};
    uint64_t xmt = 0;
    if (data[0] & 1) {
        data++, size--;
        for (size_t i = 0; i < 8 && 24 + i < size; i++) xmt = xmt << 8 | data[24 + i];
        if (size >= 84) memcpy(uid, data + 52, NTS_UID_BYTES);
        check(data, size, uid, xmt);
        return 0;
    }
    data++, size--;
    if (size > 1000) return 0;
    pkt[0] = 0x24, pkt[1] = 1;
    memcpy(pkt + 48, "\x01\x04\x00\x24", 4);
    size_t clen = size + SIV_DIGEST_SIZE, elen = 4 + 4 + 16 + ((clen + 3) & ~(size_t)3);
    uint8_t *a = pkt + 84, nonce[16] = {3};
    a[0] = 0x04, a[1] = 0x04, a[2] = (uint8_t)(elen >> 8), a[3] = (uint8_t)elen;
    a[4] = 0, a[5] = 16, a[6] = (uint8_t)(clen >> 8), a[7] = (uint8_t)clen;
    memcpy(a + 8, nonce, 16);
    struct siv_cmac_aes128_ctx ctx;
    siv_cmac_aes128_set_key(&ctx, KEYS.s2c);
    siv_cmac_aes128_encrypt_message(&ctx, 16, nonce, 84, pkt, clen, a + 24, data);
    check(pkt, 84 + elen, uid, 0);
    return 0;
}

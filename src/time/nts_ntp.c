/* nts_ntp.c: NTPv4 client packets with NTS extension fields (RFC 8915 section 5, RFC 7822
 * layout) and AEAD_AES_SIV_CMAC_256 (RFC 5297) from nettle. Pure; the response parser is fuzzed
 * by fuzz/fuzz_nts_ntp.c. */
#include <nettle/siv-cmac.h>
#include <string.h>

#include "time/nts.h"
#include "time/time_internal.h"

enum {
    EF_UID = 0x0104,
    EF_COOKIE = 0x0204,
    EF_PLACEHOLDER = 0x0304,
    EF_AUTH = 0x0404
};
#define NTP_HEADER 48
#define EF_MIN 16 /* RFC 7822 minimum extension field length */

static unsigned be16(const uint8_t *p) { return (unsigned)p[0] << 8 | p[1]; }

static uint64_t be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = v << 8 | p[i];
    return v;
}

static int64_t short_to_ns(const uint8_t *p) /* NTP short format, 16.16 seconds */
{
    uint64_t v = (uint64_t)p[0] << 24 | (uint64_t)p[1] << 16 | (uint64_t)p[2] << 8 | p[3];
    return (int64_t)((v * 1000000000ULL) >> 16);
}

static size_t pad4(size_t n) { return (n + 3) & ~(size_t)3; }

int64_t nts_ntp_to_unix_ns(uint64_t ts)
{
    int64_t sec = (int64_t)(ts >> 32);
    if (sec < 0x80000000LL) sec += 0x100000000LL; /* era 1: after 2036-02-07 */
    uint64_t frac = ts & 0xffffffffu;
    return (sec - 2208988800LL) * TIME_NS_PER_S + (int64_t)((frac * 1000000000ULL) >> 32);
}

/* Append one extension field; 0 if it does not fit. */
static size_t put_ef(uint8_t *out, size_t cap, size_t pos, unsigned type, const uint8_t *body, size_t blen)
{
    size_t total = 4 + pad4(blen);
    if (pos > cap || cap - pos < total || total > 0xffff) return 0;
    out[pos] = (uint8_t)(type >> 8), out[pos + 1] = (uint8_t)type;
    out[pos + 2] = (uint8_t)(total >> 8), out[pos + 3] = (uint8_t)total;
    memset(out + pos + 4, 0, total - 4);
    if (body) memcpy(out + pos + 4, body, blen);
    return pos + total;
}

size_t nts_ntp_request(uint8_t *out, size_t cap, const nts_keys *k, const uint8_t uid[NTS_UID_BYTES],
                       const uint8_t nonce[NTS_NONCE_BYTES], uint64_t xmt, const uint8_t *cookie, size_t cookie_len,
                       int placeholders)
{
    if (cap < NTP_HEADER || !cookie_len || cookie_len > NTS_KE_MAX_RECORD) return 0;
    memset(out, 0, NTP_HEADER);
    out[0] = 0 << 6 | 4 << 3 | 3; /* LI 0, VN 4, mode 3 (client) */
    for (int i = 0; i < 8; i++) out[40 + i] = (uint8_t)(xmt >> (56 - 8 * i));
    size_t pos = put_ef(out, cap, NTP_HEADER, EF_UID, uid, NTS_UID_BYTES);
    if (pos) pos = put_ef(out, cap, pos, EF_COOKIE, cookie, cookie_len);
    for (int i = 0; i < placeholders && pos; i++) pos = put_ef(out, cap, pos, EF_PLACEHOLDER, NULL, cookie_len);
    uint8_t auth[4 + NTS_NONCE_BYTES + SIV_DIGEST_SIZE] = {0, NTS_NONCE_BYTES, 0, SIV_DIGEST_SIZE};
    memcpy(auth + 4, nonce, NTS_NONCE_BYTES);
    size_t ad_len = pos;
    if (pos) pos = put_ef(out, cap, pos, EF_AUTH, auth, sizeof auth);
    if (!pos) return 0;
    struct siv_cmac_aes128_ctx ctx;
    uint8_t empty = 0;
    siv_cmac_aes128_set_key(&ctx, k->c2s);
    siv_cmac_aes128_encrypt_message(&ctx, NTS_NONCE_BYTES, nonce, ad_len, out, SIV_DIGEST_SIZE,
                                    out + ad_len + 4 + 4 + NTS_NONCE_BYTES, &empty);
    memset(&ctx, 0, sizeof ctx);
    return pos;
}

#define FAIL(...) return time_fmt(why, whylen, __VA_ARGS__), -1

/* Decrypt the Authenticator body at ef (AD = pkt[0..ad_len)) and collect cookies. */
static int open_auth(const uint8_t *pkt, size_t ad_len, const uint8_t *body, size_t blen, const nts_keys *k,
                     nts_ntp_response *out, char *why, size_t whylen)
{
    if (blen < 4) FAIL("short NTS Authenticator");
    size_t nl = be16(body), cl = be16(body + 2);
    if (nl < 1 || cl < SIV_DIGEST_SIZE || 4 + pad4(nl) + pad4(cl) > blen) FAIL("malformed NTS Authenticator");
    size_t ml = cl - SIV_DIGEST_SIZE;
    uint8_t plain[NTS_NTP_MAX_PACKET];
    if (ml > sizeof plain) FAIL("NTS Authenticator ciphertext too long");
    struct siv_cmac_aes128_ctx ctx;
    siv_cmac_aes128_set_key(&ctx, k->s2c);
    int ok = siv_cmac_aes128_decrypt_message(&ctx, nl, body + 4, ad_len, pkt, ml, plain, body + 4 + pad4(nl));
    memset(&ctx, 0, sizeof ctx);
    if (!ok) FAIL("NTS Authenticator does not verify");
    for (size_t pos = 0; pos < ml;) {
        if (ml - pos < 4) FAIL("malformed encrypted extension field");
        unsigned type = be16(plain + pos), elen = be16(plain + pos + 2);
        if (elen < 4 || elen % 4 || elen > ml - pos) FAIL("malformed encrypted extension field");
        if (type == EF_COOKIE) {
            if (elen - 4 > NTS_KE_MAX_RECORD || elen == 4) FAIL("bad cookie length %u", elen - 4);
            if (out->ncookies < NTS_MAX_COOKIES) {
                memcpy(out->cookies[out->ncookies], plain + pos + 4, elen - 4);
                out->cookie_len[out->ncookies++] = (uint16_t)(elen - 4);
            }
        }
        pos += elen;
    }
    return 0;
}

int nts_ntp_parse(const uint8_t *pkt, size_t len, const nts_keys *k, const uint8_t uid[NTS_UID_BYTES], uint64_t xmt,
                  nts_ntp_response *out, char *why, size_t whylen)
{
    memset(out, 0, sizeof *out);
    if (len < NTP_HEADER) FAIL("NTP response shorter than %d bytes", NTP_HEADER);
    if (len > NTS_NTP_MAX_PACKET) FAIL("NTP response longer than %d bytes", NTS_NTP_MAX_PACKET);
    out->leap = pkt[0] >> 6, out->version = (pkt[0] >> 3) & 7, out->mode = pkt[0] & 7, out->stratum = pkt[1];
    if (out->version != 4 || out->mode != 4)
        FAIL("not an NTPv4 server response (version %u mode %u)", out->version, out->mode);
    if (be64(pkt + 24) != xmt) FAIL("origin timestamp does not match the request (stale or replayed response)");
    int kod_ntsn = out->stratum == 0 && !memcmp(pkt + 12, "NTSN", 4), uid_ok = 0;
    for (size_t pos = NTP_HEADER; pos < len;) {
        if (len - pos < 4) FAIL("trailing bytes after the extension fields");
        unsigned type = be16(pkt + pos), elen = be16(pkt + pos + 2);
        if (elen < EF_MIN || elen % 4 || elen > len - pos) FAIL("malformed extension field");
        const uint8_t *body = pkt + pos + 4;
        if (type == EF_UID) {
            if (uid_ok || elen - 4 != NTS_UID_BYTES || memcmp(body, uid, NTS_UID_BYTES))
                FAIL("Unique Identifier does not match the request");
            uid_ok = 1;
        } else if (type == EF_AUTH) {
            if (!uid_ok) FAIL("no Unique Identifier before the NTS Authenticator");
            if (kod_ntsn) FAIL("authenticated NTS NAK");
            if (open_auth(pkt, pos, body, elen - 4, k, out, why, whylen) != 0) return -1;
            out->root_delay_ns = short_to_ns(pkt + 4);
            out->root_disp_ns = short_to_ns(pkt + 8);
            out->t2 = be64(pkt + 32), out->t3 = be64(pkt + 40);
            return 0; /* fields after the Authenticator are not authenticated: ignored */
        }
        pos += elen;
    }
    if (kod_ntsn && uid_ok) {
        out->nak = 1;
        return 1;
    }
    if (kod_ntsn) FAIL("NTS NAK without our Unique Identifier");
    FAIL("response is not authenticated (no NTS Authenticator)");
}

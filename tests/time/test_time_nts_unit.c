/* test_time_nts_unit.c: the NTS client's pure parts. AES-SIV-CMAC-256: RFC 5297 A.1 and A.2
 * through OpenSSL's EVP AES-128-SIV and through an S2V written here on OpenSSL's CMAC; nettle (what
 * the client uses) against OpenSSL for the response shape, and the client's empty-plaintext
 * authenticator against the S2V here. NTS-KE record parsing (good, truncated, Error, unknown
 * critical, oversize), NTPv4 request and response (round trip with a server built here; tampered,
 * replayed, wrong UID, NAK, unauthenticated), and the time.* configuration. */
#include <nettle/siv-cmac.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "testutil.h"
#include "time/nts.h"
#include "time/time_config.h"

/* ---------- AES-SIV references ---------- */
static void cmac(const uint8_t key[16], const uint8_t *m, size_t n, uint8_t out[16])
{
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "CMAC", NULL);
    EVP_MAC_CTX *c = EVP_MAC_CTX_new(mac);
    OSSL_PARAM p[] = {OSSL_PARAM_construct_utf8_string("cipher", "AES-128-CBC", 0), OSSL_PARAM_construct_end()};
    size_t len = 16;
    CHECK(EVP_MAC_init(c, key, 16, p) == 1 && EVP_MAC_update(c, m, n) == 1 && EVP_MAC_final(c, out, &len, 16) == 1);
    EVP_MAC_CTX_free(c);
    EVP_MAC_free(mac);
}

static void dbl(uint8_t d[16])
{
    int carry = d[0] >> 7;
    for (int i = 0; i < 15; i++) d[i] = (uint8_t)(d[i] << 1 | d[i + 1] >> 7);
    d[15] = (uint8_t)(d[15] << 1 ^ (carry ? 0x87 : 0));
}

/* RFC 5297 S2V over components s[0..n-1] (the last is the plaintext). */
static void s2v(const uint8_t k1[16], const uint8_t *const *s, const size_t *len, int n, uint8_t v[16])
{
    uint8_t d[16], t[16], zero[16] = {0};
    cmac(k1, zero, 16, d);
    for (int i = 0; i < n - 1; i++) {
        dbl(d);
        cmac(k1, s[i], len[i], t);
        for (int j = 0; j < 16; j++) d[j] ^= t[j];
    }
    size_t pl = len[n - 1];
    uint8_t *buf = malloc(pl + 16);
    if (pl >= 16) {
        memcpy(buf, s[n - 1], pl);
        for (int j = 0; j < 16; j++) buf[pl - 16 + j] ^= d[j];
        cmac(k1, buf, pl, v);
    } else {
        dbl(d);
        memset(buf, 0, 16);
        memcpy(buf, s[n - 1], pl);
        buf[pl] = 0x80;
        for (int j = 0; j < 16; j++) buf[j] ^= d[j];
        cmac(k1, buf, 16, v);
    }
    free(buf);
}

/* OpenSSL EVP AES-128-SIV with AD components ad[0..nad-1]; out = V || C. */
static int evp_siv(const uint8_t key[32], const uint8_t *const *ad, const size_t *adl, int nad, const uint8_t *p,
                   size_t pl, uint8_t *out)
{
    EVP_CIPHER *ciph = EVP_CIPHER_fetch(NULL, "AES-128-SIV", NULL);
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int ok = EVP_EncryptInit_ex2(c, ciph, key, NULL, NULL) == 1, n;
    for (int i = 0; i < nad && ok; i++) ok = EVP_EncryptUpdate(c, NULL, &n, ad[i], (int)adl[i]) == 1;
    ok = ok && EVP_EncryptUpdate(c, out + 16, &n, p, (int)pl) == 1 && EVP_EncryptFinal_ex(c, out + 16 + n, &n) == 1 &&
         EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG, 16, out) == 1;
    EVP_CIPHER_CTX_free(c);
    EVP_CIPHER_free(ciph);
    return ok ? 0 : -1;
}

static void test_rfc5297(void)
{
    uint8_t key[32], ad1[40], ad2[10], nonce[16], p[47], out[64], v[16];
    size_t n;
    /* A.1 Deterministic Authenticated Encryption */
    tu_hex_to(key, 32, "fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
    uint8_t *a1ad = tu_hex_decode("101112131415161718191a1b1c1d1e1f2021222324252627", &n);
    uint8_t *a1p = tu_hex_decode("112233445566778899aabbccddee", &n);
    uint8_t *a1out = tu_hex_decode("85632d07c6e8f37f950acd320a2ecc9340c02b9690c4dc04daef7f6afe5c", &n);
    const uint8_t *c1[] = {a1ad, a1p};
    size_t l1[] = {24, 14};
    CHECK(evp_siv(key, c1, l1, 1, a1p, 14, out) == 0);
    CHECK_MEM(out, a1out, 30);
    s2v(key, c1, l1, 2, v);
    CHECK_MEM(v, a1out, 16);
    /* A.2 Nonce-Based Authenticated Encryption: AD1, AD2, nonce */
    tu_hex_to(key, 32, "7f7e7d7c7b7a79787776757473727170404142434445464748494a4b4c4d4e4f");
    tu_hex_to(ad1, 40, "00112233445566778899aabbccddeeffdeaddadadeaddadaffeeddccbbaa99887766554433221100");
    tu_hex_to(ad2, 10, "102030405060708090a0");
    tu_hex_to(nonce, 16, "09f911029d74e35bd84156c5635688c0");
    tu_hex_to(p, 47, "7468697320697320736f6d6520706c61696e7465787420746f20656e6372797074207573696e67205349562d414553");
    uint8_t *a2out = tu_hex_decode("7bdb6e3b432667eb06f4d14bff2fbd0fcb900f2fddbe404326601965c889bf17dba77ceb094fa663b7a"
                                   "3f748ba8af829ea64ad544a272e9c485b62a3fd5c0d",
                                   &n);
    const uint8_t *c2[] = {ad1, ad2, nonce, p};
    size_t l2[] = {40, 10, 16, 47};
    CHECK(evp_siv(key, c2, l2, 3, p, 47, out) == 0);
    CHECK_MEM(out, a2out, 63);
    s2v(key, c2, l2, 4, v);
    CHECK_MEM(v, a2out, 16);
    /* nettle (AD, nonce, P) == OpenSSL (AD, nonce as the last AD component, P), the response shape */
    struct siv_cmac_aes128_ctx ctx;
    siv_cmac_aes128_set_key(&ctx, key);
    for (size_t pl = 1; pl <= 47; pl += 23) {
        uint8_t nout[64], dec[64];
        const uint8_t *c3[] = {ad1, nonce};
        size_t l3[] = {40, 16};
        siv_cmac_aes128_encrypt_message(&ctx, 16, nonce, 40, ad1, pl + 16, nout, p);
        CHECK(evp_siv(key, c3, l3, 2, p, pl, out) == 0);
        CHECK_MEM(nout, out, pl + 16);
        CHECK(siv_cmac_aes128_decrypt_message(&ctx, 16, nonce, 40, ad1, pl, dec, nout) == 1);
        CHECK_MEM(dec, p, pl);
        nout[3] ^= 1;
        CHECK(siv_cmac_aes128_decrypt_message(&ctx, 16, nonce, 40, ad1, pl, dec, nout) == 0);
    }
    free(a1ad), free(a1p), free(a1out), free(a2out);
}

/* ---------- NTS-KE records ---------- */
static int ke(const char *hex, nts_ke_result *r, char *why)
{
    size_t n;
    uint8_t *b = tu_hex_decode(hex, &n);
    int rc = nts_ke_parse(b, n, r, why, 160);
    free(b);
    return rc;
}

static void test_ke_parse(void)
{
    nts_ke_result r;
    char why[160];
    uint8_t req[16];
    CHECK(nts_ke_request(req) == 16);
    CHECK_MEM(req, "\x80\x01\x00\x02\x00\x00\x80\x04\x00\x02\x00\x0f\x80\x00\x00\x00", 16);
    const char *head = "800100020000"
                       "80040002000f";
    char good[512];
    snprintf(good, sizeof good,
             "%s00050004aabbccdd0005000411223344"
             "0006000931323"
             "72e302e302e31"
             "80070002"
             "2b67"
             "80000000",
             head);
    CHECK_MSG(ke(good, &r, why) == 0, "%s", why);
    CHECK(r.ncookies == 2 && r.cookie_len[1] == 4 && !memcmp(r.cookies[1], "\x11\x22\x33\x44", 4));
    CHECK(!strcmp(r.server, "127.0.0.1") && r.port == 11111);
    /* every strict prefix is "incomplete", never an error or a success */
    int prefixes_ok = 1;
    for (size_t cut = 0; cut < strlen(good) / 2; cut++) {
        char pre[512];
        memcpy(pre, good, 2 * cut);
        pre[2 * cut] = 0;
        if (cut && ke(pre, &r, why) != 1) prefixes_ok = 0;
    }
    CHECK(prefixes_ok);
    CHECK(ke("800100020000800200020001", &r, why) == -1 && strstr(why, "Error record (code 1)"));
    CHECK(ke("800100020000800300020001", &r, why) == -1 && strstr(why, "Warning"));
    CHECK(ke("800100020000"
             "80040002000f"
             "8009000100"
             "80000000",
             &r, why) == -1 &&
          strstr(why, "unrecognised critical"));
    CHECK(ke("800100020000"
             "80040002000f"
             "000900020000"
             "00050001aa"
             "80000000",
             &r, why) == 0); /* unknown, not critical */
    CHECK(ke("800100020001"
             "80040002000f"
             "00050001aa"
             "80000000",
             &r, why) == -1 &&
          strstr(why, "NTPv4"));
    CHECK(ke("800100020000"
             "800400020001"
             "00050001aa"
             "80000000",
             &r, why) == -1 &&
          strstr(why, "AEAD"));
    CHECK(ke("800100020000"
             "80040002000f"
             "80000000",
             &r, why) == -1 &&
          strstr(why, "no cookies"));
    CHECK(ke("800100020000"
             "80040002000f"
             "00050001aa"
             "80000000"
             "00",
             &r, why) == -1 &&
          strstr(why, "after End"));
    CHECK(ke("80040002000f"
             "00050001aa"
             "80000000",
             &r, why) == -1 &&
          strstr(why, "Next Protocol"));
    CHECK(ke("800100020000"
             "80040002000f"
             "00050001aa"
             "00070002"
             "0000"
             "80000000",
             &r, why) == -1);
    CHECK(ke("800100020000"
             "80040002000f"
             "00050001aa"
             "0006000168"
             "0006000168"
             "80000000",
             &r, why) == -1 &&
          strstr(why, "repeated"));
    CHECK(ke("800100020000"
             "80040002000f"
             "00050001aa"
             "0006000120"
             "80000000",
             &r, why) == -1 &&
          strstr(why, "printable"));
    /* caps: a 257-byte record body, more than 8 cookies kept as 8, a 16 KiB + 1 response */
    CHECK(ke("800100020000"
             "80040002000f"
             "00050101",
             &r, why) == -1 &&
          strstr(why, "limit 256"));
    char many[2048];
    strcpy(many, head);
    for (int i = 0; i < 12; i++) strcat(many, "00050001aa");
    strcat(many, "80000000");
    CHECK(ke(many, &r, why) == 0 && r.ncookies == NTS_MAX_COOKIES);
    uint8_t *big = calloc(1, NTS_KE_MAX_BYTES + 1);
    CHECK(nts_ke_parse(big, NTS_KE_MAX_BYTES + 1, &r, why, sizeof why) == -1 && strstr(why, "16384"));
    free(big);
}

/* ---------- NTPv4 + NTS ---------- */
static const nts_keys KEYS = {{1, 2, 3}, {9, 8, 7}};

/* A server response to req (as chrony would build it): mode 4, origin = xmt, UID echoed, the
 * Authenticator over the header and UID with two new cookies inside. */
static size_t respond(const uint8_t *req, uint8_t *out, uint8_t stratum, const char *refid, int with_auth)
{
    memset(out, 0, 48);
    out[0] = 0 << 6 | 4 << 3 | 4, out[1] = stratum;
    memcpy(out + 12, refid, 4);
    out[6] = 0x01;                                           /* root delay 1/256 s */
    memcpy(out + 24, req + 40, 8);                           /* origin */
    memcpy(out + 32, "\xed\x0a\x00\x00\x80\x00\x00\x00", 8); /* T2 */
    memcpy(out + 40, "\xed\x0a\x00\x00\x81\x00\x00\x00", 8); /* T3 = T2 + 1/256 s */
    memcpy(out + 48, req + 48, 36);                          /* the UID field */
    size_t pos = 84;
    if (!with_auth) return pos;
    uint8_t plain[2 * 104];
    for (int i = 0; i < 2; i++) {
        plain[104 * i] = 0x02, plain[104 * i + 1] = 0x04, plain[104 * i + 2] = 0, plain[104 * i + 3] = 104;
        memset(plain + 104 * i + 4, 0x40 + i, 100);
    }
    uint8_t nonce[16] = {5};
    size_t clen = sizeof plain + 16, elen = 4 + 4 + 16 + clen;
    out[pos] = 0x04, out[pos + 1] = 0x04, out[pos + 2] = (uint8_t)(elen >> 8), out[pos + 3] = (uint8_t)elen;
    out[pos + 4] = 0, out[pos + 5] = 16, out[pos + 6] = (uint8_t)(clen >> 8), out[pos + 7] = (uint8_t)clen;
    memcpy(out + pos + 8, nonce, 16);
    struct siv_cmac_aes128_ctx ctx;
    siv_cmac_aes128_set_key(&ctx, KEYS.s2c);
    siv_cmac_aes128_encrypt_message(&ctx, 16, nonce, pos, out, clen, out + pos + 24, plain);
    return pos + elen;
}

static void test_ntp(void)
{
    uint8_t uid[32], nonce[16] = {0xab}, cookie[100], req[1280], resp[1280];
    char why[160];
    memset(uid, 0x11, 32), memset(cookie, 0xcc, 100);
    uint64_t xmt = 0x0102030405060708ULL;
    size_t n = nts_ntp_request(req, sizeof req, &KEYS, uid, nonce, xmt, cookie, 100, 3);
    CHECK(n == 48 + 36 + 104 + 3 * 104 + 40);
    CHECK(req[0] == 0x23 && !memcmp(req + 40, "\x01\x02\x03\x04\x05\x06\x07\x08", 8));
    CHECK(!memcmp(req + 84, "\x02\x04\x00\x68", 4) && !memcmp(req + 88, cookie, 100));
    CHECK(!memcmp(req + 188, "\x03\x04\x00\x68", 4));
    /* the authenticator: nonce 16, ciphertext 16 = S2V(AD, nonce, empty) under the C2S key */
    size_t ad = n - 40;
    CHECK(!memcmp(req + ad, "\x04\x04\x00\x28\x00\x10\x00\x10", 8) && !memcmp(req + ad + 8, nonce, 16));
    uint8_t v[16];
    const uint8_t *comp[] = {req, nonce, (const uint8_t *)""};
    size_t lens[] = {ad, 16, 0};
    s2v(KEYS.c2s, comp, lens, 3, v);
    CHECK_MEM(req + ad + 24, v, 16);
    CHECK(nts_ntp_request(req, 200, &KEYS, uid, nonce, xmt, cookie, 100, 3) == 0); /* does not fit */

    nts_ntp_response r;
    size_t rl = respond(req, resp, 1, "LOCL", 1);
    CHECK_MSG(nts_ntp_parse(resp, rl, &KEYS, uid, xmt, &r, why, sizeof why) == 0, "%s", why);
    CHECK(r.stratum == 1 && r.ncookies == 2 && r.cookie_len[0] == 100 && r.cookies[1][0] == 0x41);
    CHECK(r.root_delay_ns == 3906250);
    CHECK(nts_ntp_to_unix_ns(r.t3) - nts_ntp_to_unix_ns(r.t2) == 3906250);
    CHECK(nts_ntp_to_unix_ns(0xed0a000000000000ULL) == (0xed0a0000LL - 2208988800LL) * 1000000000LL);
    CHECK(nts_ntp_to_unix_ns(0x0000000100000000ULL) == (0x100000001LL - 2208988800LL) * 1000000000LL); /* era 1 */
    /* an extra unauthenticated field after the Authenticator is ignored */
    memcpy(resp + rl, "\x01\x04\x00\x10", 4), memset(resp + rl + 4, 0, 12);
    CHECK(nts_ntp_parse(resp, rl + 16, &KEYS, uid, xmt, &r, why, sizeof why) == 0);
    /* tampered: any byte before or inside the Authenticator */
    int tamper_ok = 1;
    for (size_t i = 0; i < rl; i++) {
        uint8_t t[1280];
        memcpy(t, resp, rl);
        t[i] ^= 0x01;
        if (nts_ntp_parse(t, rl, &KEYS, uid, xmt, &r, why, sizeof why) != -1)
            tamper_ok = 0, fprintf(stderr, "byte %zu\n", i);
    }
    CHECK(tamper_ok);
    /* replayed (another request's origin), another UID, another key, wrong mode, truncated */
    CHECK(nts_ntp_parse(resp, rl, &KEYS, uid, xmt + 1, &r, why, sizeof why) == -1 && strstr(why, "origin"));
    uint8_t uid2[32];
    memset(uid2, 0x12, 32);
    CHECK(nts_ntp_parse(resp, rl, &KEYS, uid2, xmt, &r, why, sizeof why) == -1 && strstr(why, "Unique Identifier"));
    nts_keys other = KEYS;
    other.s2c[0] ^= 1;
    CHECK(nts_ntp_parse(resp, rl, &other, uid, xmt, &r, why, sizeof why) == -1 && strstr(why, "does not verify"));
    CHECK(nts_ntp_parse(resp, 47, &KEYS, uid, xmt, &r, why, sizeof why) == -1);
    CHECK(nts_ntp_parse(resp, rl - 4, &KEYS, uid, xmt, &r, why, sizeof why) == -1);
    /* unauthenticated response; NAK (KoD NTSN with our UID, no Authenticator) */
    rl = respond(req, resp, 1, "LOCL", 0);
    CHECK(nts_ntp_parse(resp, rl, &KEYS, uid, xmt, &r, why, sizeof why) == -1 && strstr(why, "not authenticated"));
    rl = respond(req, resp, 0, "NTSN", 0);
    CHECK(nts_ntp_parse(resp, rl, &KEYS, uid, xmt, &r, why, sizeof why) == 1 && r.nak);
    CHECK(nts_ntp_parse(resp, rl, &KEYS, uid2, xmt, &r, why, sizeof why) == -1);
}

static void test_config(void)
{
    time_config c;
    char why[160];
    const char *good =
        "attest.provider = sim\ntime.nts_server = a.example:4461\ntime.nts_server = [::1]:14460\n"
        "time.nts_server = c.example\ntime.nts_server = d.example\ntime.nts_ca = /etc/cctsa/nts-roots.pem\n"
        "time.require_hardware_clock = false  # dev\n";
    CHECK_MSG(time_config_parse(good, strlen(good), &c, why, sizeof why) == 0, "%s", why);
    CHECK(c.nservers == 4 && c.servers[0].port == 4461 && !strcmp(c.servers[1].host, "::1") &&
          c.servers[2].port == 4460);
    CHECK(!strcmp(c.servers[3].ca_file, "/etc/cctsa/nts-roots.pem") && c.max_falsetickers == 1 &&
          !c.require_hardware_clock);
    const char *bad[] = {"time.nts_ca = x\n",
                         "time.nts_server = a\n",
                         "time.nts_server = a:0\ntime.nts_ca = x\n",
                         "time.nts_server = a\ntime.nts_ca = x\ntime.max_falsetickers = 1\n",
                         "time.nts_server = a\ntime.nts_ca = x\ntime.require_hardware_clock = maybe\n",
                         "time.nts_server = a\ntime.nts_ca = x\ntime.bogus = 1\n"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_MSG(time_config_parse(bad[i], strlen(bad[i]), &c, why, sizeof why) != 0, "accepted: %s", bad[i]);
    const char *hw = "time.nts_server = a\ntime.nts_ca = x\n";
    CHECK(time_config_parse(hw, strlen(hw), &c, why, sizeof why) == 0 && c.require_hardware_clock == 1);
}

int main(void)
{
    test_rfc5297();
    test_ke_parse();
    test_ntp();
    test_config();
    return check_summary("test_time_nts_unit");
}

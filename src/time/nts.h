/* nts.h: a Network Time Security client (RFC 8915) that produces time_engine samples. It owns
 * NTS-KE (TLS 1.3 via OpenSSL, ALPN ntske/1, the records, the RFC 5705 key export), the NTPv4
 * request and response with the Unique Identifier, Cookie, Cookie Placeholder and Authenticator
 * extension fields (AEAD_AES_SIV_CMAC_256 from nettle: OpenSSL 3.0 cannot encrypt the client's
 * empty plaintext), the cookie jar (at most 8, each used once) and re-keying after a NAK,
 * rate-limited. The record and packet parsers are pure functions, fuzzed. */
#ifndef CCTSA_TIME_NTS_H
#define CCTSA_TIME_NTS_H

#include <stddef.h>

#include "base/base.h"
#include <stdint.h>

#include "time/time_engine.h"

#define NTS_KE_PORT 4460
#define NTS_KE_MAX_BYTES (16 * 1024) /* a whole NTS-KE response */
#define NTS_KE_MAX_RECORD 256        /* one record's body */
#define NTS_MAX_COOKIES 8
#define NTS_KEY_BYTES 32 /* AEAD_AES_SIV_CMAC_256 */
#define NTS_AEAD_AES_SIV_CMAC_256 15
#define NTS_UID_BYTES 32
#define NTS_NONCE_BYTES 16
#define NTS_NTP_MAX_PACKET 1280
#define NTS_REKEY_MIN_NS (10 * TIME_NS_PER_S) /* default minimum spacing of re-keys */

/* ---------- NTS-KE records (pure) ---------- */
typedef struct {
    uint8_t cookies[NTS_MAX_COOKIES][NTS_KE_MAX_RECORD];
    uint16_t cookie_len[NTS_MAX_COOKIES];
    int ncookies;
    char server[NTS_KE_MAX_RECORD + 1]; /* NTPv4 Server Negotiation, "" if absent */
    int port;                           /* NTPv4 Port Negotiation, 0 if absent */
} nts_ke_result;

/* The client request: Next Protocol (NTPv4), AEAD (15), End of Message. Returns its length. */
size_t nts_ke_request(uint8_t out[16]);
/* Parse a server's response. 1 if more bytes are needed (no End of Message yet), 0 when complete
 * and acceptable (protocol NTPv4, AEAD 15, at least one cookie, nothing after End of Message),
 * -1 with the reason on anything else: an Error record, an unknown critical record, a record
 * body above 256 bytes, a total above 16 KiB, a malformed known record. */
CC_MUST_CHECK int nts_ke_parse(const uint8_t *buf, size_t len, nts_ke_result *out, char *why, size_t whylen);

/* ---------- NTPv4 with NTS (pure) ---------- */
typedef struct {
    uint8_t c2s[NTS_KEY_BYTES], s2c[NTS_KEY_BYTES];
} nts_keys;

/* Build a client request: mode 3, transmit timestamp xmt (random, kept by the caller), UID, one
 * cookie, placeholders so the server refills the jar, and the Authenticator over everything before
 * it with an empty plaintext. Returns the length, or 0 if it does not fit in cap. */
size_t nts_ntp_request(uint8_t *out, size_t cap, const nts_keys *k, const uint8_t uid[NTS_UID_BYTES],
                       const uint8_t nonce[NTS_NONCE_BYTES], uint64_t xmt, const uint8_t *cookie, size_t cookie_len,
                       int placeholders);

typedef struct {
    uint8_t leap, version, mode, stratum;
    int64_t root_delay_ns, root_disp_ns;
    uint64_t t2, t3; /* receive and transmit timestamps (NTP format) */
    int nak;         /* Kiss-o'-Death NTSN with our UID: the server could not use the cookie */
    uint8_t cookies[NTS_MAX_COOKIES][NTS_KE_MAX_RECORD];
    uint16_t cookie_len[NTS_MAX_COOKIES];
    int ncookies;
} nts_ntp_response;

/* Check and parse a response to the request with this UID and transmit timestamp: NTPv4 mode 4,
 * origin == xmt, UID echoed, the Authenticator verifies under the S2C key over everything before
 * it; new cookies come from its plaintext (fields after it are ignored). 0 on success, 1 for an
 * NTS NAK (unauthenticated, nak = 1, only the UID and origin matched), -1 with the reason. */
CC_MUST_CHECK int nts_ntp_parse(const uint8_t *pkt, size_t len, const nts_keys *k, const uint8_t uid[NTS_UID_BYTES],
                                uint64_t xmt, nts_ntp_response *out, char *why, size_t whylen);

/* NTP timestamp (seconds since 1900 in the era around 2036's wrap) <-> ns since 1970. */
int64_t nts_ntp_to_unix_ns(uint64_t ts);

/* ---------- a source: one NTS server ---------- */
typedef struct {
    char host[256];       /* NTS-KE host name (certificate name, SNI) */
    int port;             /* NTS-KE port; 0 = 4460 */
    char ca_file[512];    /* PEM CA roots the server's certificate must chain to */
    int timeout_ms;       /* per connection / exchange; 0 = 2000 */
    int64_t rekey_min_ns; /* minimum spacing of re-keys after the first; 0 = NTS_REKEY_MIN_NS */
} nts_source_config;

typedef struct nts_source nts_source;

nts_source *nts_source_new(const nts_source_config *cfg);
void nts_source_free(nts_source *s);

/* One authenticated NTP exchange timed on clock, re-keying first when the jar is empty (not
 * more often than rekey_min_ns). 0 with a sample, or -1 with the reason. */
CC_MUST_CHECK int nts_source_sample(nts_source *s, time_interval_clock clock, time_sample *out, char *why,
                                    size_t whylen);

/* Certificates of later NTS-KE exchanges are checked for validity at this UTC time (seconds);
 * 0 (the default) checks no validity dates. The engine's trusted time is used when it has one,
 * never the host's CLOCK_REALTIME: at bootstrap the n - f agreement of the sources protects. */
void nts_source_set_cert_time(nts_source *s, int64_t unix_s);

/* One polling round, what a node runs every 64 s (jittered) before time_engine_select: one
 * exchange with each of the n sources, each result (sample or failure) given to the engine as
 * source i; certificate dates are checked at the engine's time if it has a trusted one. on_fail, if
 * not NULL, hears each failure. Returns the number of good samples. */
int nts_poll_round(time_engine *e, nts_source *const *src, int n, time_interval_clock clock,
                   void (*on_fail)(void *ctx, int source, const char *why), void *ctx, time_sample *last);

/* NTS-KE alone (used by nts_source_sample): certificate dates checked at cert_time_s, or not if 0. */
CC_MUST_CHECK int nts_ke_exchange(const nts_source_config *cfg, int64_t cert_time_s, nts_keys *keys, nts_ke_result *res,
                                  char *why, size_t whylen);

#endif

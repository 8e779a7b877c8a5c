/* nts_source.c: one NTS server as a time source (nts.h): the NTS-KE exchange over TLS 1.3, the
 * cookie jar, re-keying (rate-limited) and one timed, authenticated NTPv4 exchange over UDP. */
#include <errno.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "time/nts.h"
#include "time/time_internal.h"

#define FAIL(...) return time_fmt(why, whylen, __VA_ARGS__), -1
static const char ALPN[] = "\x07ntske/1";
static const char EXPORTER_LABEL[] = "EXPORTER-network-time-security";

struct nts_source {
    nts_source_config cfg;
    nts_keys keys;
    uint8_t cookies[NTS_MAX_COOKIES][NTS_KE_MAX_RECORD];
    uint16_t cookie_len[NTS_MAX_COOKIES];
    int ncookies;
    char ntp_host[NTS_KE_MAX_RECORD + 1];
    int ntp_port;
    int keyed;
    int64_t last_rekey;
    int64_t cert_time_s; /* when to check certificate validity; 0: not at all (no trusted time yet) */
};

void nts_source_set_cert_time(nts_source *s, int64_t unix_s) { s->cert_time_s = unix_s > 0 ? unix_s : 0; }

static int timeout_ms(const nts_source_config *c) { return c->timeout_ms > 0 ? c->timeout_ms : 2000; }

/* A connected socket with send/receive timeouts, or -1. */
static int dial(const char *host, int port, int type, int tmo, char *why, size_t whylen)
{
    struct addrinfo hints = {0}, *res = NULL;
    char portstr[8];
    hints.ai_family = AF_UNSPEC, hints.ai_socktype = type;
    snprintf(portstr, sizeof portstr, "%d", port);
    int rc = getaddrinfo(host, portstr, &hints, &res);
    if (rc != 0) FAIL("cannot resolve %s: %s", host, gai_strerror(rc));
    int fd = -1;
    struct timeval tv = {tmo / 1000, (tmo % 1000) * 1000};
    for (struct addrinfo *a = res; a && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
        if (fd < 0) continue;
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        if (connect(fd, a->ai_addr, a->ai_addrlen) != 0) close(fd), fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) FAIL("cannot connect to %s port %d: %s", host, port, strerror(errno));
    return fd;
}

static void tls_error(char *why, size_t whylen, const char *what, SSL *ssl)
{
    long v = ssl ? SSL_get_verify_result(ssl) : X509_V_OK;
    unsigned long e = ERR_get_error();
    char buf[160] = "";
    if (e) ERR_error_string_n(e, buf, sizeof buf);
    if (v != X509_V_OK)
        time_fmt(why, whylen, "%s: certificate verify failed: %s", what, X509_verify_cert_error_string(v));
    else
        time_fmt(why, whylen, "%s: %s", what, e ? buf : "connection failed");
    ERR_clear_error();
}

static SSL_CTX *ke_ctx(const nts_source_config *cfg, char *why, size_t whylen)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx || !SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) ||
        !SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) ||
        SSL_CTX_set_alpn_protos(ctx, (const uint8_t *)ALPN, sizeof ALPN - 1) != 0) {
        tls_error(why, whylen, "NTS-KE TLS setup", NULL);
        SSL_CTX_free(ctx);
        return NULL;
    }
    if (SSL_CTX_load_verify_locations(ctx, cfg->ca_file, NULL) != 1) {
        time_fmt(why, whylen, "cannot load the CA roots from %s", cfg->ca_file);
        ERR_clear_error();
        SSL_CTX_free(ctx);
        return NULL;
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    return ctx;
}

/* TLS handshake with host checks and ALPN, request sent, response read and parsed, keys exported. */
static int ke_session(SSL *ssl, const nts_source_config *cfg, int64_t cert_time_s, nts_keys *keys, nts_ke_result *res,
                      char *why, size_t whylen)
{
    X509_VERIFY_PARAM *vp = SSL_get0_param(ssl);
    if (cert_time_s > 0)
        X509_VERIFY_PARAM_set_time(vp, (time_t)cert_time_s);
    else
        X509_VERIFY_PARAM_set_flags(vp, X509_V_FLAG_NO_CHECK_TIME);
    ASN1_OCTET_STRING *ip = a2i_IPADDRESS(cfg->host);
    int ok =
        ip ? X509_VERIFY_PARAM_set1_ip(SSL_get0_param(ssl), ASN1_STRING_get0_data(ip), (size_t)ASN1_STRING_length(ip))
           : SSL_set_tlsext_host_name(ssl, cfg->host) && SSL_set1_host(ssl, cfg->host);
    ASN1_OCTET_STRING_free(ip);
    if (!ok) return tls_error(why, whylen, "NTS-KE host name", ssl), -1;
    if (SSL_connect(ssl) != 1) return tls_error(why, whylen, "NTS-KE handshake", ssl), -1;
    const uint8_t *alpn = NULL;
    unsigned alen = 0;
    SSL_get0_alpn_selected(ssl, &alpn, &alen);
    if (alen != sizeof ALPN - 2 || memcmp(alpn, ALPN + 1, alen)) FAIL("NTS-KE server did not select ALPN ntske/1");
    uint8_t req[16];
    size_t rlen = nts_ke_request(req);
    if (SSL_write(ssl, req, (int)rlen) != (int)rlen) return tls_error(why, whylen, "NTS-KE write", ssl), -1;
    uint8_t *buf = malloc(NTS_KE_MAX_BYTES + 1);
    if (!buf) FAIL("out of memory");
    size_t len = 0;
    int rc = 1;
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (rc == 1) {
        clock_gettime(CLOCK_MONOTONIC, &t);
        if ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 > timeout_ms(cfg)) {
            time_fmt(why, whylen, "NTS-KE response not complete within %d ms",
                     timeout_ms(cfg)); /* a trickling server */
            rc = -1;
            break;
        }
        int n = SSL_read(ssl, buf + len, (int)(NTS_KE_MAX_BYTES + 1 - len));
        if (n <= 0) {
            time_fmt(why, whylen, "NTS-KE connection closed before End of Message (%zu bytes)", len);
            ERR_clear_error();
            rc = -1;
            break;
        }
        len += (size_t)n;
        rc = nts_ke_parse(buf, len, res, why, whylen);
    }
    free(buf);
    if (rc != 0) return -1;
    uint8_t ctx_c2s[5] = {0, 0, 0, NTS_AEAD_AES_SIV_CMAC_256, 0}, ctx_s2c[5] = {0, 0, 0, NTS_AEAD_AES_SIV_CMAC_256, 1};
    if (SSL_export_keying_material(ssl, keys->c2s, NTS_KEY_BYTES, EXPORTER_LABEL, sizeof EXPORTER_LABEL - 1, ctx_c2s, 5,
                                   1) != 1 ||
        SSL_export_keying_material(ssl, keys->s2c, NTS_KEY_BYTES, EXPORTER_LABEL, sizeof EXPORTER_LABEL - 1, ctx_s2c, 5,
                                   1) != 1)
        return tls_error(why, whylen, "NTS-KE key export", ssl), -1;
    SSL_shutdown(ssl);
    return 0;
}

int nts_ke_exchange(const nts_source_config *cfg, int64_t cert_time_s, nts_keys *keys, nts_ke_result *res, char *why,
                    size_t whylen)
{
    SSL_CTX *ctx = ke_ctx(cfg, why, whylen);
    if (!ctx) return -1;
    int fd = dial(cfg->host, cfg->port ? cfg->port : NTS_KE_PORT, SOCK_STREAM, timeout_ms(cfg), why, whylen);
    SSL *ssl = fd >= 0 ? SSL_new(ctx) : NULL;
    int rc = -1;
    if (ssl && SSL_set_fd(ssl, fd) == 1)
        rc = ke_session(ssl, cfg, cert_time_s, keys, res, why, whylen);
    else if (fd >= 0)
        tls_error(why, whylen, "NTS-KE TLS setup", NULL);
    SSL_free(ssl);
    if (fd >= 0) close(fd);
    SSL_CTX_free(ctx);
    if (rc != 0) OPENSSL_cleanse(keys, sizeof *keys);
    return rc;
}

nts_source *nts_source_new(const nts_source_config *cfg)
{
    if (!cfg->host[0] || !cfg->ca_file[0]) return NULL;
    nts_source *s = calloc(1, sizeof *s);
    if (s) s->cfg = *cfg;
    return s;
}

void nts_source_free(nts_source *s)
{
    if (s) OPENSSL_cleanse(s, sizeof *s);
    free(s);
}

static void jar_add(nts_source *s, const uint8_t cookies[][NTS_KE_MAX_RECORD], const uint16_t *lens, int n)
{
    for (int i = 0; i < n && s->ncookies < NTS_MAX_COOKIES; i++) {
        memcpy(s->cookies[s->ncookies], cookies[i], lens[i]);
        s->cookie_len[s->ncookies++] = lens[i];
    }
}

static int rekey(nts_source *s, int64_t now, char *why, size_t whylen)
{
    int64_t min = s->cfg.rekey_min_ns > 0 ? s->cfg.rekey_min_ns : NTS_REKEY_MIN_NS;
    if (s->keyed && now - s->last_rekey < min)
        FAIL("no cookies left and re-keying is rate-limited (next NTS-KE in %.1f s)",
             (double)(min - (now - s->last_rekey)) / 1e9);
    s->last_rekey = now, s->ncookies = 0;
    nts_ke_result res;
    if (nts_ke_exchange(&s->cfg, s->cert_time_s, &s->keys, &res, why, whylen) != 0) return -1;
    s->keyed = 1; /* until a first success, every poll may try (a poll is at most every 64 s) */
    jar_add(s, (const uint8_t(*)[NTS_KE_MAX_RECORD])res.cookies, res.cookie_len, res.ncookies);
    snprintf(s->ntp_host, sizeof s->ntp_host, "%s", res.server[0] ? res.server : s->cfg.host);
    s->ntp_port = res.port ? res.port : 123;
    return 0;
}

/* Send the request and wait for a response that passes nts_ntp_parse; others are ignored (an
 * off-path attacker cannot stop us by injecting junk) but the last reason is kept. */
static int exchange(nts_source *s, time_interval_clock clock, const uint8_t *req, size_t rlen, const uint8_t *uid,
                    uint64_t xmt, nts_ntp_response *resp, int64_t *t1, int64_t *t4, char *why, size_t whylen)
{
    int tmo = timeout_ms(&s->cfg);
    int fd = dial(s->ntp_host, s->ntp_port, SOCK_DGRAM, tmo, why, whylen);
    if (fd < 0) return -1;
    char last[128] = "no response";
    int rc = -1;
    if (clock.now_ns(clock.ctx, t1) != 0 || send(fd, req, rlen, 0) != (ssize_t)rlen) {
        close(fd);
        FAIL("cannot send the NTP request: %s", strerror(errno));
    }
    for (;;) {
        int64_t now;
        if (clock.now_ns(clock.ctx, &now) != 0) break;
        int left = tmo - (int)((now - *t1) / TIME_NS_PER_MS);
        struct pollfd p = {fd, POLLIN, 0};
        if (left <= 0 || poll(&p, 1, left) <= 0) break;
        uint8_t pkt[NTS_NTP_MAX_PACKET + 1];
        ssize_t n = recv(fd, pkt, sizeof pkt, 0);
        if (n < 0) continue;
        if (clock.now_ns(clock.ctx, t4) != 0) break;
        rc = nts_ntp_parse(pkt, (size_t)n, &s->keys, uid, xmt, resp, last, sizeof last);
        if (rc >= 0) break;
    }
    close(fd);
    if (rc == 1) {
        s->ncookies = 0; /* a NAK: the cookies are useless; re-key next time (rate-limited) */
        FAIL("NTS NAK: the server could not use the cookie (re-keying)");
    }
    if (rc != 0) FAIL("no valid NTP response within %d ms (%s)", tmo, last);
    return 0;
}

int nts_source_sample(nts_source *s, time_interval_clock clock, time_sample *out, char *why, size_t whylen)
{
    int64_t now;
    memset(out, 0, sizeof *out);
    if (clock.now_ns(clock.ctx, &now) != 0) FAIL("the interval clock cannot be read");
    if (!s->ncookies && rekey(s, now, why, whylen) != 0) return -1;
    uint8_t cookie[NTS_KE_MAX_RECORD], uid[NTS_UID_BYTES], nonce[NTS_NONCE_BYTES], req[NTS_NTP_MAX_PACKET];
    size_t clen = s->cookie_len[0];
    memcpy(cookie, s->cookies[0], clen);
    memmove(s->cookies, s->cookies + 1, sizeof s->cookies[0] * (NTS_MAX_COOKIES - 1)); /* each used once */
    memmove(s->cookie_len, s->cookie_len + 1, sizeof s->cookie_len[0] * (NTS_MAX_COOKIES - 1));
    s->ncookies--;
    uint64_t xmt;
    if (RAND_bytes(uid, sizeof uid) != 1 || RAND_bytes(nonce, sizeof nonce) != 1 ||
        RAND_bytes((uint8_t *)&xmt, sizeof xmt) != 1)
        FAIL("no randomness");
    size_t rlen =
        nts_ntp_request(req, sizeof req, &s->keys, uid, nonce, xmt, cookie, clen, NTS_MAX_COOKIES - 1 - s->ncookies);
    if (!rlen) FAIL("cannot build the NTP request");
    nts_ntp_response resp;
    int64_t t1, t4;
    if (exchange(s, clock, req, rlen, uid, xmt, &resp, &t1, &t4, why, whylen) != 0) return -1;
    jar_add(s, (const uint8_t(*)[NTS_KE_MAX_RECORD])resp.cookies, resp.cookie_len, resp.ncookies);
    int64_t t2 = nts_ntp_to_unix_ns(resp.t2), t3 = nts_ntp_to_unix_ns(resp.t3);
    out->mono_ns = t1 + (t4 - t1) / 2;
    out->utc_ns = t2 + (t3 - t2) / 2;
    out->rtt_ns = (t4 - t1) - (t3 - t2);
    out->root_delay_ns = resp.root_delay_ns, out->root_disp_ns = resp.root_disp_ns;
    out->leap = resp.leap, out->stratum = resp.stratum;
    out->flags = TIME_SAMPLE_AUTHENTICATED;
    return 0;
}

int nts_poll_round(time_engine *e, nts_source *const *src, int n, time_interval_clock clock,
                   void (*on_fail)(void *ctx, int source, const char *why), void *ctx, time_sample *last)
{
    int good = 0;
    time_reading r;
    int64_t cert_time = time_engine_peek(e, &r) == 0 ? r.utc_ns / TIME_NS_PER_S : 0;
    for (int i = 0; i < n; i++) {
        char why[160];
        time_sample s;
        nts_source_set_cert_time(src[i], cert_time);
        if (nts_source_sample(src[i], clock, &s, why, sizeof why) == 0) {
            time_engine_add_sample(e, i, &s, NULL);
            if (last) last[i] = s;
            good++;
        } else {
            if (on_fail) on_fail(ctx, i, why);
            time_engine_add_sample(e, i, NULL, why);
            if (last) memset(&last[i], 0, sizeof last[i]);
        }
    }
    return good;
}

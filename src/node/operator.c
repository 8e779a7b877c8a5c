/* operator.c: signed operator commands and their verifier (see operator.h). */
#include "node/operator.h"

#include <ctype.h>
#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attest/attest.h"
#include "base/base.h"
#include "x509/spki.h"

#define BODY_LABEL "cctsa-operator-command-v1"
#define SIG_LABEL "cctsa-operator-v1"
#define CERTS_LABEL "cctsa-operator-certs-v1"

static const char *const names[] = {"", "retire", "compromised", "renew-cert", "install-certs"};

const char *operator_cmd_name(operator_cmd c) { return c > OP_NONE && c <= OP_INSTALL_CERTS ? names[c] : "unknown"; }

operator_cmd operator_cmd_from_name(const char *name)
{
    for (int i = OP_RETIRE; i <= OP_INSTALL_CERTS; i++)
        if (!strcmp(name, names[i])) return (operator_cmd)i;
    return OP_NONE;
}

int operator_cmd_four_eyes(operator_cmd c) { return c == OP_RETIRE || c == OP_COMPROMISED; }

static int failf(char *why, size_t whylen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int failf(char *why, size_t whylen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (why && whylen) vsnprintf(why, whylen, fmt, ap);
    va_end(ap);
    return -1;
}

static int digest(const EVP_MD *md, const void *a, size_t alen, const void *b, size_t blen, uint8_t *out)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx && EVP_DigestInit_ex(ctx, md, NULL) && EVP_DigestUpdate(ctx, a, alen) &&
             (!blen || EVP_DigestUpdate(ctx, b, blen)) && EVP_DigestFinal_ex(ctx, out, NULL);
    EVP_MD_CTX_free(ctx);
    return ok ? 0 : -1;
}

int operator_fingerprint(const uint8_t *spki, size_t len, uint8_t fp[32])
{
    return digest(EVP_sha256(), spki, len, NULL, 0, fp);
}

/* ---- policy ---- */

static int policy_apply(void *ctx, const char *key, const char *val)
{
    operator_policy *p = ctx;
    if (!strcmp(key, "operator.max_lifetime")) {
        char *end;
        errno = 0;
        long v = strtol(val, &end, 10);
        if (!isdigit((unsigned char)*val) || *end || errno || v < 1 || v > OPERATOR_MAX_LIFETIME) return -1;
        p->max_lifetime = v;
        return 0;
    }
    if (strcmp(key, "operator.key") != 0) return -2;
    char name[OPERATOR_NAME_MAX + 2], hex[66];
    int used = 0;
    if (p->n == OPERATOR_MAX_KEYS || sscanf(val, "%33[A-Za-z0-9._-] %65[0-9a-fA-F]%n", name, hex, &used) != 2 ||
        val[used] || strlen(name) > OPERATOR_NAME_MAX || strlen(hex) != 64)
        return -1;
    uint8_t fp[32];
    if (cc_hex_decode_exact(hex, fp, sizeof fp) != 0) return -1;
    for (size_t i = 0; i < p->n; i++)
        if (!strcmp(p->name[i], name) || !memcmp(p->fp[i], fp, sizeof fp)) return -1; /* duplicate */
    strcpy(p->name[p->n], name);
    memcpy(p->fp[p->n++], fp, sizeof fp);
    return 0;
}

int operator_policy_parse(const char *text, size_t len, operator_policy *p, char *why, size_t whylen)
{
    memset(p, 0, sizeof *p);
    p->max_lifetime = OPERATOR_DEFAULT_LIFETIME;
    return attest_config_each(text, len, "operator.", policy_apply, p, why, whylen);
}

int operator_policy_load(const char *path, operator_policy *p, char *why, size_t whylen)
{
    memset(p, 0, sizeof *p);
    p->max_lifetime = OPERATOR_DEFAULT_LIFETIME;
    return attest_config_load_each(path, "operator.", policy_apply, p, why, whylen);
}

/* ---- body ---- */

size_t operator_body_encode(const operator_command *c, char out[OPERATOR_BODY_MAX + 1])
{
    char nonce[2 * OPERATOR_NONCE_BYTES + 1], certs[2 * OPERATOR_CERTS_HASH_BYTES + 1] = "-";
    if (c->cmd == OP_NONE || c->cmd > OP_INSTALL_CERTS || c->expires < 0) return 0;
    cc_hex_encode(c->nonce, OPERATOR_NONCE_BYTES, nonce);
    if (c->has_certs) cc_hex_encode(c->certs_hash, OPERATOR_CERTS_HASH_BYTES, certs);
    int n =
        snprintf(out, OPERATOR_BODY_MAX + 1, BODY_LABEL "\ncommand=%s\nepoch=%u\nnonce=%s\nexpires=%lld\ncerts=%s\n",
                 operator_cmd_name(c->cmd), c->epoch, nonce, (long long)c->expires, certs);
    return n > 0 && n <= OPERATOR_BODY_MAX ? (size_t)n : 0;
}

/* The value of line "key=value\n" at *p (advanced past it), NUL-terminated in place; NULL if absent. */
static char *field(char **p, const char *key)
{
    size_t kl = strlen(key);
    char *nl = strchr(*p, '\n');
    if (!nl || strncmp(*p, key, kl) != 0 || (*p)[kl] != '=') return NULL;
    char *v = *p + kl + 1;
    *nl = 0, *p = nl + 1;
    return v;
}

/* Decimal digits only, at most max. */
static int decimal(const char *s, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    if (!*s) return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > (max - (uint64_t)(*s - '0')) / 10) return -1;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *out = v;
    return 0;
}

/* Strict: exactly the lines of operator_body_encode, and re-encoding gives the same bytes. */
int operator_body_parse(const uint8_t *body, size_t len, operator_command *c)
{
    char text[OPERATOR_BODY_MAX + 1], *p = text, *cmd, *epoch, *nonce, *expires, *certs;
    uint64_t ep, ex;
    memset(c, 0, sizeof *c);
    if (len == 0 || len > OPERATOR_BODY_MAX || memchr(body, 0, len)) return -1;
    memcpy(text, body, len), text[len] = 0;
    if (strncmp(p, BODY_LABEL "\n", sizeof BODY_LABEL) != 0) return -1;
    p += sizeof BODY_LABEL;
    if (!(cmd = field(&p, "command")) || !(epoch = field(&p, "epoch")) || !(nonce = field(&p, "nonce")) ||
        !(expires = field(&p, "expires")) || !(certs = field(&p, "certs")) || *p)
        return -1;
    if ((c->cmd = operator_cmd_from_name(cmd)) == OP_NONE || decimal(epoch, UINT32_MAX, &ep) != 0 ||
        decimal(expires, INT64_MAX, &ex) != 0 || strlen(nonce) != 2 * OPERATOR_NONCE_BYTES ||
        cc_hex_decode_exact(nonce, c->nonce, OPERATOR_NONCE_BYTES) != 0)
        return -1;
    c->epoch = (uint32_t)ep, c->expires = (int64_t)ex;
    if (strcmp(certs, "-") != 0) {
        if (strlen(certs) != 2 * OPERATOR_CERTS_HASH_BYTES ||
            cc_hex_decode_exact(certs, c->certs_hash, OPERATOR_CERTS_HASH_BYTES) != 0)
            return -1;
        c->has_certs = 1;
    }
    char again[OPERATOR_BODY_MAX + 1];
    size_t n = operator_body_encode(c, again);
    return n == len && !memcmp(again, body, n) ? 0 : -1;
}

int operator_certs_hash(const uint8_t *ec, size_t ec_len, const uint8_t *ml, size_t ml_len,
                        uint8_t out[OPERATOR_CERTS_HASH_BYTES])
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    uint8_t l1[4] = {(uint8_t)(ec_len >> 24), (uint8_t)(ec_len >> 16), (uint8_t)(ec_len >> 8), (uint8_t)ec_len};
    uint8_t l2[4] = {(uint8_t)(ml_len >> 24), (uint8_t)(ml_len >> 16), (uint8_t)(ml_len >> 8), (uint8_t)ml_len};
    int ok = ctx && ec_len <= UINT32_MAX && ml_len <= UINT32_MAX && EVP_DigestInit_ex(ctx, EVP_sha384(), NULL) &&
             EVP_DigestUpdate(ctx, CERTS_LABEL, sizeof CERTS_LABEL) && EVP_DigestUpdate(ctx, l1, 4) &&
             (!ec_len || EVP_DigestUpdate(ctx, ec, ec_len)) && EVP_DigestUpdate(ctx, l2, 4) &&
             (!ml_len || EVP_DigestUpdate(ctx, ml, ml_len)) && EVP_DigestFinal_ex(ctx, out, NULL);
    EVP_MD_CTX_free(ctx);
    return ok ? 0 : -1;
}

/* ---- envelope ---- */

int operator_envelope_parse(const uint8_t *in, size_t len, operator_envelope *e)
{
    cc_cursor c;
    memset(e, 0, sizeof *e);
    if (len > OPERATOR_ENVELOPE_MAX) return -1;
    cc_cursor_init(&c, in, len);
    const uint8_t *magic = cc_cursor_take(&c, 4);
    if (!magic || memcmp(magic, "CCOP", 4) != 0 || cc_cursor_u8(&c) != 1) return -1;
    e->body_len = cc_cursor_u16be(&c);
    e->body = cc_cursor_take(&c, e->body_len);
    e->n = cc_cursor_u8(&c);
    if (c.err || e->body_len == 0 || e->body_len > OPERATOR_BODY_MAX || e->n < 1 || e->n > OPERATOR_MAX_SIGS) return -1;
    for (size_t i = 0; i < e->n; i++) {
        e->sig[i].spki_len = cc_cursor_u16be(&c);
        e->sig[i].spki = cc_cursor_take(&c, e->sig[i].spki_len);
        e->sig[i].sig_len = cc_cursor_u16be(&c);
        e->sig[i].sig = cc_cursor_take(&c, e->sig[i].sig_len);
        if (c.err || !e->sig[i].spki_len || e->sig[i].spki_len > OPERATOR_SPKI_MAX || !e->sig[i].sig_len ||
            e->sig[i].sig_len > X509_MAX_SIGBYTES)
            return -1;
    }
    return cc_cursor_done(&c) ? 0 : -1;
}

static void put16(uint8_t *p, size_t v) { p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v; }

int operator_envelope_encode(const operator_envelope *e, uint8_t **out, size_t *len)
{
    if (!e->body_len || e->body_len > OPERATOR_BODY_MAX || e->n < 1 || e->n > OPERATOR_MAX_SIGS) return -1;
    size_t n = 8 + e->body_len;
    for (size_t i = 0; i < e->n; i++) {
        if (!e->sig[i].spki_len || e->sig[i].spki_len > OPERATOR_SPKI_MAX || !e->sig[i].sig_len ||
            e->sig[i].sig_len > X509_MAX_SIGBYTES)
            return -1;
        n += 4 + e->sig[i].spki_len + e->sig[i].sig_len;
    }
    uint8_t *p = malloc(n), *q = p;
    if (!p) return -1;
    memcpy(q, "CCOP", 4), q[4] = 1, put16(q + 5, e->body_len), q += 7;
    memcpy(q, e->body, e->body_len), q += e->body_len;
    *q++ = (uint8_t)e->n;
    for (size_t i = 0; i < e->n; i++) {
        put16(q, e->sig[i].spki_len), memcpy(q + 2, e->sig[i].spki, e->sig[i].spki_len), q += 2 + e->sig[i].spki_len;
        put16(q, e->sig[i].sig_len), memcpy(q + 2, e->sig[i].sig, e->sig[i].sig_len), q += 2 + e->sig[i].sig_len;
    }
    *out = p, *len = n;
    return 0;
}

/* "cctsa-operator-v1" || 0x00 || body */
static uint8_t *signed_message(const uint8_t *body, size_t len, size_t *mlen)
{
    uint8_t *m = malloc(sizeof SIG_LABEL + len);
    if (m) memcpy(m, SIG_LABEL, sizeof SIG_LABEL), memcpy(m + sizeof SIG_LABEL, body, len);
    *mlen = sizeof SIG_LABEL + len;
    return m;
}

/* Append s's signature over e->body to e (storage in *spki, *sig, freed by the caller). */
static int add_signature(operator_envelope *e, const x509_signer *s, uint8_t **spki, uint8_t **sig)
{
    size_t spki_len, mlen, siglen = X509_MAX_SIGBYTES;
    uint8_t *m = signed_message(e->body, e->body_len, &mlen);
    *sig = malloc(X509_MAX_SIGBYTES);
    *spki = NULL;
    int rc = m && *sig && e->n < OPERATOR_MAX_SIGS &&
                     x509_spki_encode(s->alg, s->pub, s->publen, spki, &spki_len) == 0 &&
                     x509_signer_sign(s, m, mlen, *sig, &siglen) == 0
                 ? 0
                 : -1;
    free(m);
    if (rc == 0) {
        e->sig[e->n].spki = *spki, e->sig[e->n].spki_len = spki_len;
        e->sig[e->n].sig = *sig, e->sig[e->n].sig_len = siglen;
        e->n++;
    }
    return rc;
}

static int sign_into(operator_envelope *e, const x509_signer *s, uint8_t **out, size_t *len)
{
    uint8_t *spki = NULL, *sig = NULL;
    int rc = add_signature(e, s, &spki, &sig) == 0 ? operator_envelope_encode(e, out, len) : -1;
    free(spki), free(sig);
    return rc;
}

int operator_sign_new(const operator_command *c, const x509_signer *s, uint8_t **out, size_t *len)
{
    char body[OPERATOR_BODY_MAX + 1];
    operator_envelope e = {0};
    e.body_len = operator_body_encode(c, body);
    e.body = (const uint8_t *)body;
    return e.body_len ? sign_into(&e, s, out, len) : -1;
}

int operator_cosign(const uint8_t *in, size_t in_len, const x509_signer *s, uint8_t **out, size_t *len)
{
    operator_envelope e;
    return operator_envelope_parse(in, in_len, &e) == 0 ? sign_into(&e, s, out, len) : -1;
}

/* ---- nonce cache ---- */

void operator_nonce_cache_init(operator_nonce_cache *nc)
{
    memset(nc, 0, sizeof *nc);
    pthread_mutex_init(&nc->mu, NULL);
}

void operator_nonce_cache_free(operator_nonce_cache *nc) { pthread_mutex_destroy(&nc->mu); }

/* 0 remembered, 1 replayed, -1 full. Expired entries are dropped first. */
static int nonce_remember(operator_nonce_cache *nc, const uint8_t nonce[OPERATOR_NONCE_BYTES], int64_t expires,
                          time_t now)
{
    int rc = 0;
    pthread_mutex_lock(&nc->mu);
    for (size_t i = 0; i < nc->n;) {
        if (nc->e[i].expires < now)
            nc->e[i] = nc->e[--nc->n];
        else
            i++;
    }
    for (size_t i = 0; i < nc->n && rc == 0; i++)
        if (!memcmp(nc->e[i].nonce, nonce, OPERATOR_NONCE_BYTES)) rc = 1;
    if (rc == 0 && nc->n == OPERATOR_NONCE_CACHE) rc = -1;
    if (rc == 0) memcpy(nc->e[nc->n].nonce, nonce, OPERATOR_NONCE_BYTES), nc->e[nc->n++].expires = expires;
    pthread_mutex_unlock(&nc->mu);
    return rc;
}

/* ---- verifier ---- */

/* Index of the pinned key that made signature i, or -1 (why set). */
static int check_signature(const operator_policy *p, const operator_envelope *e, size_t i, char *why, size_t whylen)
{
    uint8_t fp[32];
    int alg, k = -1;
    const uint8_t *pub;
    size_t publen, mlen;
    if (operator_fingerprint(e->sig[i].spki, e->sig[i].spki_len, fp) != 0) return failf(why, whylen, "internal error");
    for (size_t j = 0; j < p->n; j++)
        if (CRYPTO_memcmp(p->fp[j], fp, sizeof fp) == 0) k = (int)j;
    if (k < 0) return failf(why, whylen, "forged: signature %zu is by a key not pinned in the configuration", i + 1);
    if (x509_spki_parse(e->sig[i].spki, e->sig[i].spki_len, &alg, &pub, &publen) != 0)
        return failf(why, whylen, "forged: operator %s's key does not parse", p->name[k]);
    uint8_t *m = signed_message(e->body, e->body_len, &mlen);
    int bad = !m || x509_verify_raw(alg, pub, publen, m, mlen, e->sig[i].sig, e->sig[i].sig_len) != 0;
    free(m);
    if (bad) return failf(why, whylen, "forged: operator %s's signature does not verify", p->name[k]);
    return k;
}

int operator_verify(const operator_policy *p, operator_nonce_cache *nc, const uint8_t *env, size_t env_len,
                    const uint8_t *ec, size_t ec_len, const uint8_t *ml, size_t ml_len, uint32_t live_epoch, time_t now,
                    operator_verified *out, char *why, size_t whylen)
{
    operator_envelope e;
    memset(out, 0, sizeof *out);
    if (operator_envelope_parse(env, env_len, &e) != 0) return failf(why, whylen, "malformed command envelope");
    if (operator_body_parse(e.body, e.body_len, &out->cmd) != 0) return failf(why, whylen, "malformed command body");
    cc_hex_encode(out->cmd.nonce, OPERATOR_NONCE_BYTES, out->nonce_hex);
    int who[OPERATOR_MAX_SIGS];
    for (size_t i = 0; i < e.n; i++) {
        if ((who[i] = check_signature(p, &e, i, why, whylen)) < 0) return -1;
        if (i && who[i] == who[0]) return failf(why, whylen, "operator %s signed twice", p->name[who[0]]);
        snprintf(out->operators + strlen(out->operators), sizeof out->operators - strlen(out->operators), "%s%s",
                 i ? "+" : "", p->name[who[i]]);
    }
    const operator_command *c = &out->cmd;
    if (operator_cmd_four_eyes(c->cmd) && e.n < 2)
        return failf(why, whylen, "%s needs two different operators (four-eyes); only %s signed",
                     operator_cmd_name(c->cmd), out->operators);
    if (c->expires < (int64_t)now)
        return failf(why, whylen, "expired at %lld (now %lld)", (long long)c->expires, (long long)now);
    if (c->expires - (int64_t)now > p->max_lifetime)
        return failf(why, whylen, "expiry more than %ld s ahead", p->max_lifetime);
    if (c->epoch != live_epoch)
        return failf(why, whylen, "command is for epoch %u, the live epoch is %u", c->epoch, live_epoch);
    if ((c->cmd == OP_INSTALL_CERTS) != c->has_certs || (c->cmd != OP_INSTALL_CERTS && (ec_len || ml_len)))
        return failf(why, whylen, "certificates are carried exactly with install-certs");
    if (c->has_certs) {
        uint8_t h[OPERATOR_CERTS_HASH_BYTES];
        if (operator_certs_hash(ec, ec_len, ml, ml_len, h) != 0 || CRYPTO_memcmp(h, c->certs_hash, sizeof h) != 0)
            return failf(why, whylen, "the certificates are not the ones the operators signed");
    }
    int r = nonce_remember(nc, c->nonce, c->expires, now);
    if (r == 1) return failf(why, whylen, "replayed: nonce %s was already used", out->nonce_hex);
    if (r < 0) return failf(why, whylen, "too many live commands (nonce cache full)");
    return 0;
}

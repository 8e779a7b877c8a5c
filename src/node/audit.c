/* audit.c: the hash-chained audit log writer (see audit.h). */
#include "node/audit.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/base.h"

#define HEX_HASH (2 * AUDIT_HASH_BYTES)

struct audit_log {
    pthread_mutex_t mu;
    int fd;
    int broken; /* a write failed: refuse everything after it */
    char node[AUDIT_NODE_MAX + 1];
    uint64_t seq;
    uint8_t hash[AUDIT_HASH_BYTES];
    uint64_t last_nonhead; /* seq of the last record that is not a head */
    uint64_t signed_upto;  /* head_seq of the last head record */
    int signing;           /* a head signature is being made (outside the lock) */
    const x509_signer *signers[AUDIT_MAX_SIGNERS];
    size_t n_signers;
};

int audit_node_name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > AUDIT_NODE_MAX) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-'))
            return 0;
    }
    return name[0] != '.';
}

int audit_record_hash(const char *prefix, size_t len, uint8_t out[AUDIT_HASH_BYTES])
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned n = 0;
    int ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha384(), NULL) &&
             EVP_DigestUpdate(ctx, AUDIT_RECORD_LABEL, sizeof AUDIT_RECORD_LABEL) && /* label and its NUL */
             EVP_DigestUpdate(ctx, prefix, len) && EVP_DigestFinal_ex(ctx, out, &n) && n == AUDIT_HASH_BYTES;
    EVP_MD_CTX_free(ctx);
    return ok ? 0 : -1;
}

size_t audit_head_message(const char *node, uint64_t seq, const uint8_t hash[AUDIT_HASH_BYTES],
                          uint8_t out[AUDIT_HEAD_MSG_MAX])
{
    size_t nl = strnlen(node, AUDIT_NODE_MAX), off = 0;
    memcpy(out, AUDIT_HEAD_LABEL, sizeof AUDIT_HEAD_LABEL), off += sizeof AUDIT_HEAD_LABEL;
    memcpy(out + off, node, nl), off += nl;
    out[off++] = 0;
    for (int i = 7; i >= 0; i--) out[off++] = (uint8_t)(seq >> (8 * i));
    memcpy(out + off, hash, AUDIT_HASH_BYTES);
    return off + AUDIT_HASH_BYTES;
}

static int fail(char *why, size_t whylen, const char *msg, const char *arg)
{
    if (why && whylen) snprintf(why, whylen, "%s%s%s", msg, arg ? ": " : "", arg ? arg : "");
    return -1;
}

/* Continue an existing log: seq and hash of its last line. */
static int recover(audit_log *a, const char *path, char *why, size_t whylen)
{
    FILE *f = fopen(path, "r");
    if (!f) return errno == ENOENT ? 0 : fail(why, whylen, "cannot open audit log", path);
    char *line = malloc(AUDIT_LINE_MAX + 2), *last = malloc(AUDIT_LINE_MAX + 2);
    int rc = line && last ? 0 : -1;
    if (last) last[0] = 0;
    while (rc == 0 && fgets(line, AUDIT_LINE_MAX + 2, f)) {
        if (!strchr(line, '\n'))
            rc = fail(why, whylen, "audit log has an incomplete or overlong line", path);
        else
            strcpy(last, line);
    }
    if (rc == 0 && ferror(f)) rc = fail(why, whylen, "cannot read audit log", path);
    if (rc == 0 && last[0]) {
        unsigned long long seq;
        const char *h = strstr(last, ",\"hash\":\"");
        char event[16] = "";
        if (sscanf(last, "{\"seq\":%llu,", &seq) != 1 || !h || strlen(h) != 9 + HEX_HASH + 3)
            rc = fail(why, whylen, "audit log's last record is malformed", path);
        if (rc == 0) {
            char hex[HEX_HASH + 1];
            memcpy(hex, h + 9, HEX_HASH), hex[HEX_HASH] = 0;
            if (cc_hex_decode_exact(hex, a->hash, AUDIT_HASH_BYTES) != 0)
                rc = fail(why, whylen, "audit log's last record is malformed", path);
            a->seq = seq;
            const char *ev = strstr(last, "\"event\":\"");
            if (ev) sscanf(ev + 9, "%15[a-z_]", event);
            const char *hs = strstr(last, "\"head_seq\":");
            unsigned long long head_seq = 0;
            if (!strcmp(event, "head") && hs && sscanf(hs + 11, "%llu", &head_seq) == 1)
                a->last_nonhead = a->signed_upto = head_seq; /* what happened after head_seq: signed next time */
            else
                a->last_nonhead = seq;
        }
    }
    free(line), free(last);
    fclose(f);
    return rc;
}

audit_log *audit_open(const audit_config *cfg, char *why, size_t whylen)
{
    if (!cfg || !cfg->dir || !cfg->node || !audit_node_name_ok(cfg->node) || cfg->n_signers > AUDIT_MAX_SIGNERS) {
        fail(why, whylen, "bad audit configuration (node name [A-Za-z0-9._-]{1,32})", NULL);
        return NULL;
    }
    audit_log *a = calloc(1, sizeof *a);
    char path[4096];
    if (!a) return NULL;
    snprintf(a->node, sizeof a->node, "%s", cfg->node);
    if ((size_t)snprintf(path, sizeof path, "%s/%s.audit", cfg->dir, cfg->node) >= sizeof path ||
        recover(a, path, why, whylen) != 0) {
        free(a);
        return NULL;
    }
    a->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    int dfd = a->fd >= 0 ? open(cfg->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    if (a->fd < 0 || dfd < 0 || fsync(dfd) != 0) { /* the new file's directory entry is durable too */
        fail(why, whylen, "cannot open audit log for appending", path);
        if (a->fd >= 0) close(a->fd);
        if (dfd >= 0) close(dfd);
        free(a);
        return NULL;
    }
    close(dfd);
    pthread_mutex_init(&a->mu, NULL);
    audit_set_signers(a, cfg->signers, cfg->n_signers);
    return a;
}

void audit_close(audit_log *a)
{
    if (!a) return;
    close(a->fd);
    pthread_mutex_destroy(&a->mu);
    free(a);
}

void audit_set_signers(audit_log *a, const x509_signer *const *signers, size_t n)
{
    pthread_mutex_lock(&a->mu);
    a->n_signers = n > AUDIT_MAX_SIGNERS ? AUDIT_MAX_SIGNERS : n;
    for (size_t i = 0; i < a->n_signers; i++) a->signers[i] = signers[i];
    pthread_mutex_unlock(&a->mu);
}

uint64_t audit_seq(audit_log *a)
{
    pthread_mutex_lock(&a->mu);
    uint64_t s = a->seq;
    pthread_mutex_unlock(&a->mu);
    return s;
}

typedef struct {
    char *p;
    size_t len, cap;
    int err;
} buf;

static void put(buf *b, const char *s, size_t n)
{
    if (b->err || n > b->cap - b->len) {
        b->err = 1;
        return;
    }
    memcpy(b->p + b->len, s, n), b->len += n;
}

static void puts_(buf *b, const char *s) { put(b, s, strlen(s)); }

/* A JSON string: printable ASCII as is (escaping '"' and '\\'), everything else as \u00XX. */
static void put_json_string(buf *b, const char *s)
{
    put(b, "\"", 1);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        char esc[8];
        if (c == '"' || c == '\\')
            esc[0] = '\\', esc[1] = (char)c, put(b, esc, 2);
        else if (c < 0x20 || c >= 0x7f)
            put(b, esc, (size_t)snprintf(esc, sizeof esc, "\\u%04x", c));
        else
            put(b, (const char *)&c, 1);
    }
    put(b, "\"", 1);
}

static int key_ok(const char *k)
{
    if (!*k) return 0;
    for (; *k; k++)
        if (!((*k >= 'a' && *k <= 'z') || *k == '_')) return 0;
    return 1;
}

static void rfc3339_now(char out[32])
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + n, 32 - n, ".%03ldZ", ts.tv_nsec / 1000000);
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        p += w, n -= (size_t)w;
    }
    return fdatasync(fd);
}

/* With a->mu held. */
static int append_locked(audit_log *a, const char *event, const audit_field *f, size_t n)
{
    if (a->broken || !key_ok(event)) return -1;
    buf b = {malloc(AUDIT_LINE_MAX + 1), 0, AUDIT_LINE_MAX, 0};
    if (!b.p) return -1;
    char tmp[64], prev[HEX_HASH + 1], now[32];
    cc_hex_encode(a->hash, AUDIT_HASH_BYTES, prev);
    rfc3339_now(now);
    snprintf(tmp, sizeof tmp, "{\"seq\":%llu,\"time\":", (unsigned long long)(a->seq + 1));
    puts_(&b, tmp), put_json_string(&b, now);
    puts_(&b, ",\"node\":"), put_json_string(&b, a->node);
    puts_(&b, ",\"event\":"), put_json_string(&b, event);
    puts_(&b, ",\"prev\":"), put_json_string(&b, prev);
    for (size_t i = 0; i < n; i++) {
        if (!key_ok(f[i].key)) b.err = 1;
        puts_(&b, ","), put_json_string(&b, f[i].key), puts_(&b, ":");
        if (f[i].str)
            put_json_string(&b, f[i].str);
        else
            snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)f[i].num), puts_(&b, tmp);
    }
    uint8_t h[AUDIT_HASH_BYTES];
    char hex[HEX_HASH + 1];
    int rc = -1;
    if (!b.err && audit_record_hash(b.p, b.len, h) == 0) {
        cc_hex_encode(h, AUDIT_HASH_BYTES, hex);
        puts_(&b, ",\"hash\":"), put_json_string(&b, hex), puts_(&b, "}\n");
        if (!b.err) {
            rc = write_all(a->fd, b.p, b.len);
            if (rc == 0) {
                a->seq++, memcpy(a->hash, h, sizeof h);
                if (strcmp(event, "head") != 0) a->last_nonhead = a->seq;
            } else
                a->broken = 1; /* a partial line may be on disk: never chain past it */
        }
    }
    free(b.p);
    return rc;
}

int audit_append(audit_log *a, const char *event, const audit_field *f, size_t n)
{
    pthread_mutex_lock(&a->mu);
    int rc = append_locked(a, event, f, n);
    pthread_mutex_unlock(&a->mu);
    return rc;
}

#define FIELDS(...)                                                                                                    \
    ((const audit_field[]){__VA_ARGS__}), sizeof((const audit_field[]){__VA_ARGS__}) / sizeof(audit_field)

static void hex48(const uint8_t *h, char out[HEX_HASH + 1]) { cc_hex_encode(h, AUDIT_HASH_BYTES, out); }

int audit_dkg(audit_log *a, uint32_t epoch, unsigned party, const uint8_t transcript[AUDIT_HASH_BYTES],
              const char *result)
{
    char t[HEX_HASH + 1];
    hex48(transcript, t);
    return audit_append(
        a, "dkg", FIELDS({"epoch", NULL, epoch}, {"party", NULL, party}, {"transcript", t, 0}, {"result", result, 0}));
}

int audit_sign(audit_log *a, uint32_t epoch, const char *serial_hex, const char *gentime, const char *profile,
               const char *set, const uint8_t tstinfo_hash[AUDIT_HASH_BYTES],
               const uint8_t token_hash[AUDIT_HASH_BYTES])
{
    char t[HEX_HASH + 1], k[HEX_HASH + 1];
    hex48(tstinfo_hash, t), hex48(token_hash, k);
    return audit_append(a, "sign",
                        FIELDS({"epoch", NULL, epoch}, {"serial", serial_hex, 0}, {"gentime", gentime, 0},
                               {"profile", profile, 0}, {"set", set, 0}, {"tstinfo", t, 0}, {"token", k, 0}));
}

int audit_cosign(audit_log *a, uint32_t epoch, const char *coord, const char *serial_hex, const char *gentime,
                 const char *profile, const char *set, const uint8_t tstinfo_hash[AUDIT_HASH_BYTES])
{
    char t[HEX_HASH + 1];
    hex48(tstinfo_hash, t);
    return audit_append(a, "cosign",
                        FIELDS({"epoch", NULL, epoch}, {"coord", coord, 0}, {"serial", serial_hex, 0},
                               {"gentime", gentime, 0}, {"profile", profile, 0}, {"set", set, 0}, {"tstinfo", t, 0}));
}

int audit_refusal(audit_log *a, const char *what, const char *reason)
{
    return audit_append(a, "refusal", FIELDS({"what", what, 0}, {"reason", reason, 0}));
}

int audit_operator(audit_log *a, const char *command, uint32_t epoch, const char *operators, const char *nonce_hex,
                   const char *result, const char *reason)
{
    return audit_append(a, "operator",
                        FIELDS({"command", command, 0}, {"epoch", NULL, epoch}, {"operators", operators, 0},
                               {"nonce", nonce_hex, 0}, {"result", result, 0}, {"reason", reason, 0}));
}

int audit_attestation(audit_log *a, const char *peer, const char *result, const char *reason)
{
    return audit_append(a, "attestation", FIELDS({"peer", peer, 0}, {"result", result, 0}, {"reason", reason, 0}));
}

int audit_sign_head(audit_log *a)
{
    /* Snapshot the head and sign it outside the lock: the signer may block (a threshold signature)
     * and may itself write to this log (the coordinator's "sign" record). */
    pthread_mutex_lock(&a->mu);
    if (a->last_nonhead <= a->signed_upto || a->signing || a->n_signers == 0) {
        pthread_mutex_unlock(&a->mu);
        return 0;
    }
    uint64_t seq = a->seq;
    uint8_t hash[AUDIT_HASH_BYTES];
    const x509_signer *signers[AUDIT_MAX_SIGNERS];
    size_t ns = a->n_signers;
    memcpy(hash, a->hash, sizeof hash);
    memcpy(signers, a->signers, sizeof signers);
    a->signing = 1;
    pthread_mutex_unlock(&a->mu);

    uint8_t msg[AUDIT_HEAD_MSG_MAX], *sig = malloc(X509_MAX_SIGBYTES);
    char head[HEX_HASH + 1];
    size_t mlen = audit_head_message(a->node, seq, hash, msg);
    audit_field f[2 + AUDIT_MAX_SIGNERS] = {{"head_seq", NULL, seq}, {"head", head, 0}};
    size_t nf = 2;
    char *sighex[AUDIT_MAX_SIGNERS] = {0};
    int rc = sig ? 0 : -1;
    hex48(hash, head);
    for (size_t i = 0; rc == 0 && i < ns; i++) {
        size_t siglen = X509_MAX_SIGBYTES;
        if (x509_signer_sign(signers[i], msg, mlen, sig, &siglen) != 0 || !(sighex[i] = malloc(2 * siglen + 1))) {
            rc = -1;
            break;
        }
        cc_hex_encode(sig, siglen, sighex[i]);
        f[nf++] = (audit_field){signers[i]->alg == X509_ALG_MLDSA65 ? "sig_mldsa" : "sig_ecdsa", sighex[i], 0};
    }
    pthread_mutex_lock(&a->mu);
    a->signing = 0;
    if (rc == 0 && (rc = append_locked(a, "head", f, nf)) == 0)
        a->signed_upto = seq; /* records written meanwhile wait for the next head */
    else if (rc != 0)
        append_locked(a, "refusal", FIELDS({"what", "audit head", 0}, {"reason", "head signer failed", 0}));
    pthread_mutex_unlock(&a->mu);
    for (size_t i = 0; i < AUDIT_MAX_SIGNERS; i++) free(sighex[i]);
    free(sig);
    return rc;
}

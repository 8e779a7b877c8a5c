/* pem.c: PEM framing with OpenSSL's base64 primitives (EVP_EncodeBlock/EVP_DecodeBlock) and
 * whole-file I/O with explicit permissions. */
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/base.h"
#include "crypto/ct.h"
#include "x509/pem.h"
#include "x509/x509_internal.h"

#define PEM_MAX_INPUT (16u << 20)

char *x509_pem_encode(const char *label, const uint8_t *der, size_t len)
{
    if (!label || !der || len == 0 || len > PEM_MAX_INPUT) return NULL;
    size_t b64len = 4 * ((len + 2) / 3);
    size_t cap = b64len + b64len / 64 + 2 + 2 * (strlen(label) + 32);
    char *out = malloc(cap), *b64 = malloc(b64len + 1);
    if (!out || !b64) {
        free(out);
        free(b64);
        return NULL;
    }
    EVP_EncodeBlock((unsigned char *)b64, der, (int)len);
    size_t pos = (size_t)snprintf(out, cap, "-----BEGIN %s-----\n", label);
    for (size_t i = 0; i < b64len; i += 64) {
        size_t n = b64len - i < 64 ? b64len - i : 64;
        memcpy(out + pos, b64 + i, n);
        pos += n;
        out[pos++] = '\n';
    }
    snprintf(out + pos, cap - pos, "-----END %s-----\n", label);
    cc_memzero(b64, b64len);
    free(b64);
    return out;
}

static const char *find(const char *hay, size_t haylen, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; n <= haylen && i <= haylen - n; i++)
        if (memcmp(hay + i, needle, n) == 0) return hay + i;
    return NULL;
}

int x509_pem_decode(const char *text, size_t textlen, const char *label, uint8_t **der, size_t *len)
{
    size_t offset = 0;
    int rc = x509_pem_decode_next(text, textlen, label, &offset, der, len);
    return rc == 1 ? x509_fail("PEM block with the expected label not found") : rc;
}

int x509_pem_decode_next(const char *text, size_t textlen, const char *label, size_t *offset, uint8_t **der,
                         size_t *len)
{
    char begin[96], end[96];
    if (!text || !label || strlen(label) > 64 || *offset > textlen) return x509_fail("bad PEM label");
    snprintf(begin, sizeof begin, "-----BEGIN %s-----", label);
    snprintf(end, sizeof end, "-----END %s-----", label);
    const char *b = find(text + *offset, textlen - *offset, begin);
    if (!b) return 1;
    b += strlen(begin);
    const char *e = find(b, textlen - (size_t)(b - text), end);
    if (!e) return x509_fail("PEM block not terminated");
    size_t span = (size_t)(e - b);
    char *b64 = malloc(span + 1);
    uint8_t *out = malloc(span / 4 * 3 + 3);
    size_t n = 0;
    if (!b64 || !out) goto fail;
    for (const char *p = b; p < e; p++) {
        if (*p == '\n' || *p == '\r' || *p == ' ' || *p == '\t') continue;
        b64[n++] = *p;
    }
    if (n == 0 || n % 4) goto fail;
    /* Strict alphabet; '=' only as one or two trailing pad characters. */
    for (size_t i = 0; i < n; i++) {
        char ch = b64[i];
        int alpha =
            (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '+' || ch == '/';
        if (!alpha && !(ch == '=' && i >= n - 2 && (i == n - 1 || b64[n - 1] == '='))) goto fail;
    }
    if (b64[n - 4] == '=' || b64[n - 3] == '=') goto fail;
    int dl = EVP_DecodeBlock(out, (const unsigned char *)b64, (int)n);
    size_t pad = (b64[n - 1] == '=') + (b64[n - 2] == '=');
    if (dl < 0 || (size_t)dl <= pad) goto fail;
    *len = (size_t)dl - pad; /* EVP_DecodeBlock counts the padding as zero bytes */
    *der = out;
    *offset = (size_t)(e - text) + strlen(end);
    cc_memzero(b64, span + 1);
    free(b64);
    return 0;
fail:
    if (b64) cc_memzero(b64, span + 1);
    if (out) cc_memzero(out, span / 4 * 3 + 3);
    free(b64);
    free(out);
    return x509_fail("malformed base64 in PEM block");
}

int x509_read_pem_or_der(const char *path, const char *label, uint8_t **der, size_t *len)
{
    size_t n;
    uint8_t *buf = NULL;
    if (cc_file_read(path, PEM_MAX_INPUT, &buf, &n) != 0) return x509_fail("cannot read file");
    int rc;
    if (n > 0 && buf[0] == 0x30) {
        *der = buf;
        *len = n;
        return 0;
    }
    rc = x509_pem_decode((const char *)buf, n, label, der, len);
    cc_memzero(buf, n);
    free(buf);
    return rc;
}

int x509_write_file(const char *path, const void *data, size_t len, mode_t mode, int exclusive)
{
    int fd = open(path, O_WRONLY | O_CREAT | (exclusive ? O_EXCL : O_TRUNC) | O_CLOEXEC, mode);
    if (fd < 0) return x509_fail(errno == EEXIST ? "file exists (refusing to overwrite)" : "cannot create file");
    const uint8_t *p = data;
    while (len) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            close(fd);
            return x509_fail("write failed");
        }
        p += w;
        len -= (size_t)w;
    }
    if (fchmod(fd, mode) || close(fd)) return x509_fail("cannot set file mode");
    return 0;
}

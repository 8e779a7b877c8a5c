/* tsp_io.c: bounded file reads, writes and hex decoding. */
#include "tsp/tsp_io.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int tsp_read_file(const char *path, size_t max, uint8_t **buf, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    size_t cap = 4096, n = 0;
    uint8_t *p = malloc(cap);
    int rc = -1;
    while (p) {
        size_t got = fread(p + n, 1, cap - n, f);
        n += got;
        if (n > max) {
            errno = EFBIG;
            break;
        }
        if (got == 0) {
            rc = ferror(f) ? -1 : 0;
            break;
        }
        if (n == cap) {
            uint8_t *grown = realloc(p, cap * 2);
            if (!grown) break;
            p = grown;
            cap *= 2;
        }
    }
    fclose(f);
    if (rc != 0) {
        free(p);
        return -1;
    }
    *buf = p;
    *len = n;
    return 0;
}

int tsp_write_file(const char *path, const uint8_t *buf, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    int ok = fwrite(buf, 1, len, f) == len;
    return fclose(f) == 0 && ok ? 0 : -1;
}

static int nibble(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int tsp_hex_decode(const char *hex, uint8_t *out, size_t outlen)
{
    if (strlen(hex) != 2 * outlen) return -1;
    for (size_t i = 0; i < outlen; i++) {
        int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return -1;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

/* base_hex.c: hex encoding and decoding (see base.h). */
#include <string.h>

#include "base/base.h"

static int nibble(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

int cc_hex_decode(const char *hex, size_t hexlen, uint8_t *out, size_t cap, size_t *outlen, unsigned flags)
{
    size_t n = 0;
    int hi = -1;
    if (!hex && hexlen) return -1;
    for (size_t i = 0; i < hexlen; i++) {
        if ((flags & CC_HEX_SKIP_SPACE) && is_space(hex[i])) continue;
        int v = nibble(hex[i]);
        if (v < 0) return -1;
        if (hi < 0) {
            hi = v;
            continue;
        }
        if (n == cap) return -1;
        out[n++] = (uint8_t)(hi << 4 | v);
        hi = -1;
    }
    if (hi >= 0) return -1;
    if (outlen) *outlen = n;
    return 0;
}

int cc_hex_decode_exact(const char *hex, uint8_t *out, size_t outlen)
{
    size_t n;
    if (!hex || strlen(hex) != 2 * outlen) return -1;
    return cc_hex_decode(hex, 2 * outlen, out, outlen, &n, 0) == 0 && n == outlen ? 0 : -1;
}

void cc_hex_encode(const uint8_t *in, size_t len, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * len] = 0;
}

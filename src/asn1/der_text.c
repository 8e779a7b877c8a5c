/* der_text.c: character-set checks for the ASN.1 string types the project writes and reads
 * (UTF8String, PrintableString, IA5String) and the dotted-decimal rendering of OIDs. */
#include <stdio.h>
#include <string.h>

#include "asn1/der.h"

int der_printable_valid(const uint8_t *s, size_t n)
{
    static const char extra[] = " '()+,-./:=?";
    for (size_t i = 0; i < n; i++) {
        uint8_t c = s[i];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) continue;
        if (c == 0 || !memchr(extra, c, sizeof extra - 1)) return 0;
    }
    return 1;
}

int der_ia5_valid(const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] > 0x7F) return 0;
    return 1;
}

/* Well-formed UTF-8 (RFC 3629): shortest form, no surrogates, at most U+10FFFF, and no NUL. */
int der_utf8_valid(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        if (c == 0) return 0;
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t k;
        uint32_t cp;
        if (c >= 0xC2 && c <= 0xDF) k = 1, cp = c & 0x1F;
        else if (c >= 0xE0 && c <= 0xEF) k = 2, cp = c & 0x0F;
        else if (c >= 0xF0 && c <= 0xF4) k = 3, cp = c & 0x07;
        else return 0;
        if (n - i <= k) return 0;
        for (size_t j = 1; j <= k; j++) {
            if ((s[i + j] & 0xC0) != 0x80) return 0;
            cp = (cp << 6) | (s[i + j] & 0x3F);
        }
        if ((k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += k + 1;
    }
    return 1;
}

int der_oid_to_string(const uint8_t *oid_val, size_t n, char *out, size_t cap)
{
    if (!out || cap == 0 || !der_oid_valid(oid_val, n)) return -1;
    size_t pos = 0;
    uint64_t v = 0;
    int first = 1;
    for (size_t i = 0; i < n; i++) {
        v = (v << 7) | (oid_val[i] & 0x7F);
        if (oid_val[i] & 0x80) continue;
        int w;
        if (first) {
            unsigned arc0 = v < 40 ? 0 : v < 80 ? 1 : 2;
            w = snprintf(out + pos, cap - pos, "%u.%llu", arc0, (unsigned long long)(v - 40u * arc0));
            first = 0;
        } else {
            w = snprintf(out + pos, cap - pos, ".%llu", (unsigned long long)v);
        }
        if (w < 0 || (size_t)w >= cap - pos) return -1;
        pos += (size_t)w;
        v = 0;
    }
    return 0;
}

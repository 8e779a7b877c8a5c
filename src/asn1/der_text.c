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
        if (c >= 0xC2 && c <= 0xDF)
            k = 1, cp = c & 0x1F;
        else if (c >= 0xE0 && c <= 0xEF)
            k = 2, cp = c & 0x0F;
        else if (c >= 0xF0 && c <= 0xF4)
            k = 3, cp = c & 0x07;
        else
            return 0;
        if (n - i <= k) return 0;
        for (size_t j = 1; j <= k; j++) {
            if ((s[i + j] & 0xC0) != 0x80) return 0;
            cp = (cp << 6) | (s[i + j] & 0x3F);
        }
        if ((k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += k + 1;
    }
    return 1;
}

/* Decimal digits of one subidentifier (base-128 groups g[0..k-1], most significant first), least
 * significant digit first; subtract `minus` (only for the first subidentifier, value >= minus). */
static size_t arc_to_decimal(const uint8_t *g, size_t k, unsigned minus, uint8_t *dec, size_t cap)
{
    size_t nd = 1;
    dec[0] = 0;
    for (size_t i = 0; i < k; i++) {
        unsigned carry = g[i] & 0x7F;
        for (size_t d = 0; d < nd; d++) {
            unsigned v = dec[d] * 128u + carry;
            dec[d] = (uint8_t)(v % 10);
            carry = v / 10;
        }
        while (carry && nd < cap) {
            dec[nd++] = (uint8_t)(carry % 10);
            carry /= 10;
        }
    }
    for (size_t d = 0; minus && d < nd; d++) { /* dec -= minus, digit by digit with borrow */
        unsigned sub = minus % 10;
        minus /= 10;
        if (dec[d] < sub) {
            dec[d] = (uint8_t)(dec[d] + 10 - sub);
            minus++;
        } else {
            dec[d] = (uint8_t)(dec[d] - sub);
        }
    }
    while (nd > 1 && dec[nd - 1] == 0) nd--;
    return nd;
}

int der_oid_to_string(const uint8_t *oid_val, size_t n, char *out, size_t cap)
{
    if (!out || cap == 0 || !der_oid_valid(oid_val, n)) return -1;
    uint8_t dec[64];
    size_t pos = 0, start = 0;
    for (size_t i = 0; i < n; i++) {
        if (oid_val[i] & 0x80) continue;
        const uint8_t *g = oid_val + start;
        size_t k = i + 1 - start;
        unsigned arc0 = 0;
        if (start == 0) {             /* first subidentifier encodes 40 * arc0 + arc1 */
            unsigned v = g[0] & 0x7F; /* k > 1 means the value is >= 128, so arc0 is 2 */
            arc0 = k > 1 ? 2 : v < 40 ? 0 : v < 80 ? 1 : 2;
            int w = snprintf(out + pos, cap - pos, "%u", arc0);
            if (w < 0 || (size_t)w >= cap - pos) return -1;
            pos += (size_t)w;
        }
        size_t nd = arc_to_decimal(g, k, 40u * arc0, dec, sizeof dec);
        if (cap - pos < nd + 2) return -1;
        out[pos++] = '.';
        while (nd) out[pos++] = (char)('0' + dec[--nd]);
        out[pos] = 0;
        start = i + 1;
    }
    return 0;
}

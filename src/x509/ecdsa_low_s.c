/* ecdsa_low_s.c: ECDSA P-384 signature malleability. (r, s) and (r, n - s) both verify, so a
 * token's bytes would not be unique; the signers here emit the low-S form (s <= n/2) and a strict
 * verifier refuses the other. Byte arithmetic on 48-byte big-endian values, nothing secret. */
#include <string.h>

#include "x509/signer.h"

/* The order n of the P-384 group (FIPS 186-5 / SP 800-186). */
static const uint8_t p384_n[48] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                   0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                   0xC7, 0x63, 0x4D, 0x81, 0xF4, 0x37, 0x2D, 0xDF, 0x58, 0x1A, 0x0D, 0xB2,
                                   0x48, 0xB0, 0xA7, 0x7A, 0xEC, 0xEC, 0x19, 0x6A, 0xCC, 0xC5, 0x29, 0x73};

/* out = n - s (s < n is not checked here: a valid signature has it). */
static void order_minus(const uint8_t s[48], uint8_t out[48])
{
    int borrow = 0;
    for (int i = 47; i >= 0; i--) {
        int d = (int)p384_n[i] - (int)s[i] - borrow;
        borrow = d < 0;
        out[i] = (uint8_t)(d + (borrow ? 256 : 0));
    }
}

int x509_ecdsa_sig_is_low_s(const uint8_t *der, size_t len)
{
    uint8_t rs[96], neg[48];
    if (x509_ecdsa_sig_from_der(der, len, rs) != 0) return -1;
    if (memcmp(rs + 48, p384_n, 48) >= 0) return -1; /* s >= n: not a signature value */
    order_minus(rs + 48, neg);
    return memcmp(rs + 48, neg, 48) <= 0; /* s <= n - s, i.e. s <= n/2 */
}

int x509_ecdsa_sig_negate_s(const uint8_t *der, size_t len, uint8_t *out, size_t *outlen)
{
    uint8_t rs[96], neg[48];
    if (x509_ecdsa_sig_from_der(der, len, rs) != 0 || memcmp(rs + 48, p384_n, 48) >= 0) return -1;
    order_minus(rs + 48, neg);
    memcpy(rs + 48, neg, 48);
    return x509_ecdsa_sig_to_der(rs, out, outlen);
}

/* fuzz_tecdsa_parse.c: libFuzzer target for the threshold ECDSA input parsers: strict DER and
 * P1363 signature verification, compressed and uncompressed point decoding, canonical scalar
 * decoding, the message-header reader and the key-share parser. Every input must be rejected or
 * accepted cleanly (no crash, no sanitizer report); accepted points must re-encode identically, and
 * our point decoder (crypto/p384_ec.h) must accept exactly the 02/03 and 04 encodings OpenSSL accepts. */
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>
#include <stdint.h>
#include <string.h>

#include "threshold/ecdsa/tecdsa.h"
#include "threshold/ecdsa/tecdsa_ec.h"
#include "threshold/ecdsa/tecdsa_scalar.h"
#include "threshold/ecdsa/tecdsa_verify.h"
#include "threshold/ecdsa/tecdsa_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* OpenSSL's verdict on a SEC1 point encoding (our decoder is our own code: differential check). */
static int ossl_accepts(const uint8_t *in, size_t len)
{
    static EC_GROUP *g;
    if (!g) g = EC_GROUP_new_by_curve_name(NID_secp384r1);
    EC_POINT *q = g ? EC_POINT_new(g) : NULL;
    int ok = q && EC_POINT_oct2point(g, q, in, len, NULL) == 1 && EC_POINT_is_on_curve(g, q, NULL) == 1 &&
             !EC_POINT_is_at_infinity(g, q);
    EC_POINT_free(q);
    ERR_clear_error();
    return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t digest[TECDSA_DIGEST_BYTES] = {1, 2, 3};
    static uint8_t pub[TECDSA_PUB_BYTES];
    static int have_pub;
    tpt p;
    tsc s;
    if (size < 1) return 0;
    uint8_t sel = data[0];
    data++;
    size--;
    switch (sel % 6) {
    case 0:
    case 1: {
        /* a fixed valid public key (7*G), so verification runs to the end */
        if (!have_pub) {
            tsc k;
            tsc_set_u64(&k, 7);
            if (tec_mul_g(&p, &k) != 0 || tec_encode_uncompressed(pub, &p) != 0) return 0;
            have_pub = 1;
        }
        if (sel % 6 == 0)
            (void)tecdsa_verify_der(pub, digest, data, size);
        else
            (void)tecdsa_verify_p1363(pub, digest, data, size);
        break;
    }
    case 2:
        if (size >= TPT_BYTES) {
            int ok = tec_decode(&p, data) == 0;
            if (ok && memcmp(p.b, data, TPT_BYTES) != 0) __builtin_trap();
            if ((data[0] == 2 || data[0] == 3) && ok != ossl_accepts(data, TPT_BYTES)) __builtin_trap();
        }
        break;
    case 3:
        if (size >= 97) {
            int ok = tec_decode_uncompressed(&p, data) == 0;
            if (ok && memcmp(p.u, data, 97) != 0) __builtin_trap();
            if (data[0] == 4 && ok != ossl_accepts(data, 97)) __builtin_trap();
        }
        break;
    case 4: {
        if (size >= TSC_BYTES && tsc_from_bytes(&s, data) == 0) {
            uint8_t back[TSC_BYTES];
            tsc_to_bytes(back, &s);
            if (memcmp(back, data, TSC_BYTES) != 0) __builtin_trap();
        }
        /* header reader with a fixed context: the input is the whole message */
        static const uint8_t ctx[TECDSA_ID_BYTES];
        tecdsa_msg m = {(uint8_t *)data, size};
        tw_reader r;
        if (tw_open(&m, TW_PRE1, 2, 1, ctx, NULL, 80, &r) == TECDSA_OK) {
            const uint8_t *q = tw_get(&r, 80);
            if (!q || tw_get(&r, 1) != NULL) __builtin_trap();
        }
        break;
    }
    default: {
        tecdsa_keyshare *ks = NULL;
        if (tecdsa_keyshare_parse(data, size, &ks) == TECDSA_OK) tecdsa_keyshare_free(ks);
        break;
    }
    }
    return 0;
}

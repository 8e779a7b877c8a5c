/* fuzz_tecdsa_share.c: libFuzzer target for the threshold ECDSA key-share import
 * (tecdsa_keyshare_parse, test-only; cctsa_tecdsa_testonly). Every input must be rejected or
 * accepted cleanly (no crash, no sanitizer report, no leak), and an accepted share must serialise
 * back to exactly the input bytes (the encoding is canonical: exact length, canonical scalars and
 * points, X_self = x*G). fuzz_tecdsa_parse reaches the same parser as one of six selectors; this
 * target gives it the whole input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "threshold/ecdsa/tecdsa.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tecdsa_keyshare *ks = NULL;
    if (tecdsa_keyshare_parse(data, size, &ks) != TECDSA_OK) {
        if (ks) __builtin_trap(); /* a rejected input leaves no share behind */
        return 0;
    }
    uint8_t *back = malloc(TECDSA_KEYSHARE_BYTES);
    if (!back) __builtin_trap();
    size_t n = tecdsa_keyshare_serialize(ks, back, TECDSA_KEYSHARE_BYTES);
    if (n != size || memcmp(back, data, size) != 0) __builtin_trap();
    free(back);
    tecdsa_keyshare_free(ks);
    return 0;
}

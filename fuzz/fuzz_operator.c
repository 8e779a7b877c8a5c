/* fuzz_operator.c: libFuzzer target for the operator command parsers a node runs on a CONTROL
 * body (src/node/operator.h): the envelope and the command body. Properties: a parsed envelope
 * encodes back to the same bytes; a parsed body encodes back to the same bytes; the verifier,
 * given a policy that pins nobody, refuses everything without crashing. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "node/operator.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    operator_envelope e;
    if (operator_envelope_parse(data, size, &e) == 0) {
        uint8_t *again;
        size_t len;
        if (operator_envelope_encode(&e, &again, &len) != 0 || len != size || memcmp(again, data, size) != 0) abort();
        free(again);
    }
    operator_command c;
    if (operator_body_parse(data, size, &c) == 0) {
        char again[OPERATOR_BODY_MAX + 1];
        if (operator_body_encode(&c, again) != size || memcmp(again, data, size) != 0) abort();
    }
    static operator_nonce_cache nc;
    static int init;
    if (!init) operator_nonce_cache_init(&nc), init = 1;
    operator_policy p = {.max_lifetime = 3600};
    operator_verified v;
    char why[200];
    if (operator_verify(&p, &nc, data, size, NULL, 0, NULL, 0, 1, time(NULL), &v, why, sizeof why) == 0) abort();
    return 0;
}

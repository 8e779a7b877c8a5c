/* fuzz_binding.c: libFuzzer target for the binding record parser and offline verifier, and for the
 * measured configuration's attest.* parser. Any input must be refused cleanly or parsed into spans
 * that stay inside the input. */
#include <stdlib.h>

#include "attest/binding.h"

static void inside(const uint8_t *p, size_t n, const uint8_t *data, size_t size)
{
    if (n && (p < data || p + n > data + size)) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    binding_view v;
    if (binding_parse(data, size, &v) == 0) {
        inside(v.tbs, v.tbs_len, data, size);
        inside(v.ecdsa_sig, v.ecdsa_sig_len, data, size);
        inside(v.mldsa_sig, v.mldsa_sig_len, data, size);
        for (size_t i = 0; i < v.c.nnodes; i++) {
            inside(v.c.nodes[i].report, ATTEST_REPORT_BYTES, data, size);
            inside(v.c.nodes[i].endorsements, v.c.nodes[i].endorsements_len, data, size);
        }
        attest_policy p;
        binding_verdict out;
        attest_policy_default(&p, ATTEST_PROVIDER_SIM);
        if (binding_verify(data, size, &p, NULL, NULL, 0, &out) == 0) abort(); /* no CA: never valid */
    }
    attest_policy p;
    char why[128];
    (void)attest_config_parse((const char *)data, size, &p, why, sizeof why);
    return 0;
}

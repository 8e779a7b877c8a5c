/* fuzz_snp_endorsements.c: libFuzzer target for the endorsement input (PEM bundle, concatenated
 * DER, GHCB certificate table), the AMD KDS extension parser and the chain check: each input is
 * normalised and used as the endorsements of a fixed sim report under both providers' policies. */
#include <stdlib.h>

#include "attest/attest.h"
#include "fuzz_attest_sim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const attest_evidence *ev = fuzz_sim_evidence();
    uint8_t *der = NULL;
    size_t len = 0;
    if (attest_endorsements_normalize(data, size, &der, &len) == 0 && len == 0) abort();
    free(der);
    attest_policy p;
    attest_claims c;
    attest_result res;
    for (int provider = ATTEST_PROVIDER_SEV_SNP; provider <= ATTEST_PROVIDER_SIM; provider++) {
        attest_policy_default(&p, (attest_provider)provider);
        attest_err e = attest_verify(ev->report, sizeof ev->report, data, size, &p, NULL, 0, &c, &res);
        /* A sev-snp verifier never accepts a sim report, whatever certificates come with it. */
        if (provider == ATTEST_PROVIDER_SEV_SNP && e == ATTEST_OK) abort();
    }
    return 0;
}

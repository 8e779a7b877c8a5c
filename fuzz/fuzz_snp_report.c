/* fuzz_snp_report.c: libFuzzer target for the SEV-SNP report parser and verifier. Each input is a
 * report (or an HCL container) checked against a fixed sim endorsement chain under a sim policy,
 * so structurally valid inputs reach the chain, signature, TCB, chip id and policy checks. Any
 * input must be refused cleanly; only the genuine report may be accepted. */
#include <stdlib.h>
#include <string.h>

#include "attest/attest.h"
#include "fuzz_attest_sim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const attest_evidence *ev = fuzz_sim_evidence();
    size_t off = 0, len = size;
    if (attest_report_locate(data, size, &off) == 0) len = ATTEST_REPORT_BYTES;
    attest_policy p;
    attest_claims c;
    attest_result res;
    attest_policy_default(&p, ATTEST_PROVIDER_SIM);
    attest_err e = attest_verify(data + off, len, ev->endorsements, ev->endorsements_len, &p, NULL, 0, &c, &res);
    if ((e == ATTEST_OK) != (res.failed == 0)) abort();
    if (e == ATTEST_OK && (len != ATTEST_REPORT_BYTES || memcmp(data + off, ev->report, ATTEST_REPORT_BYTES) != 0))
        abort();
    x509_tcbinfo t;
    attest_claims_tcbinfo(&c, &t);
    (void)attest_err_name(e);
    return 0;
}

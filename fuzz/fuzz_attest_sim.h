/* fuzz_attest_sim.h: the fixed sim evidence the attestation fuzz targets check inputs against,
 * built once on first use. */
#ifndef CCTSA_FUZZ_ATTEST_SIM_H
#define CCTSA_FUZZ_ATTEST_SIM_H

#include <stdlib.h>

#include "attest/attest.h"

static const attest_evidence *fuzz_sim_evidence(void)
{
    static attest_evidence ev;
    static int ready;
    if (!ready) {
        uint8_t m[ATTEST_MEASUREMENT_BYTES] = {1}, b[ATTEST_BINDING_BYTES] = {2}, chip[ATTEST_CHIP_ID_BYTES] = {3};
        if (attest_sim_evidence(m, b, chip, &ev) != ATTEST_OK) abort();
        ready = 1;
    }
    return &ev;
}

#endif

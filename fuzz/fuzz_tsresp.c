/* fuzz_tsresp.c: libFuzzer target for the response/token parser, `cctsa inspect`'s view of it,
 * and the full verifier (any input: a clear rejection, never a crash, hang or leak). */
#include <stdint.h>
#include <string.h>

#include "tsp/tsp_parse.h"
#include "tsp/tsp_verify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tsp_parsed t;
    char err[200];
    if (tsp_parse(data, size, &t, err, sizeof err) == 0) {
        for (int i = 0; i < t.nsigners; i++)
            if (t.signers[i].companion.p) {
                tsp_signer_info comp;
                const char *why;
                if (tsp_parse_signer_info(t.signers[i].companion.p, t.signers[i].companion.n, &comp, 0, &why) != 0)
                    continue;
            }
    }
    /* Verify with the first embedded certificate as the "root", so chain code runs too. */
    tsp_verify_opts o;
    tsp_verify_report rep;
    memset(&o, 0, sizeof o);
    o.nroots = 1;
    o.roots[0] = t.ncerts ? t.certs[0].p : data;
    o.root_lens[0] = t.ncerts ? t.certs[0].n : size;
    o.data = data;
    o.data_len = size;
    o.require = size ? (tsp_require)(data[size - 1] & 3) : TSP_REQUIRE_ANY;
    int verdict = tsp_verify(data, size, &o, &rep); /* any verdict; it must not crash */
    (void)verdict;
    return 0;
}

/* fuzz_policy.c: libFuzzer target for the policy OID parser (tsp_policies_set and
 * tsp_policies_set_arg: the gateway's and `cctsa verify`'s --policy PROFILE=OID). Any string is
 * refused, or encodes a valid OID whose dotted form converts back to exactly the input. */
#include <stdint.h>
#include <string.h>

#include "asn1/der.h"
#include "tsp/tsp_profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char s[512], back[1024];
    if (size >= sizeof s) return 0;
    memcpy(s, data, size);
    s[size] = 0;
    tsp_policies pol;
    tsp_policies_default(&pol);
    if (tsp_policies_set(&pol, TSP_PROFILE_CLASSIC, s) == 0) {
        const uint8_t *oid = pol.oid[TSP_PROFILE_CLASSIC];
        size_t n = pol.len[TSP_PROFILE_CLASSIC];
        if (n > TSP_POLICY_MAX || !der_oid_valid(oid, n) || der_oid_to_string(oid, n, back, sizeof back) != 0 ||
            strcmp(back, s) != 0 || tsp_oid_max_arc_bits(oid, n) > 7 * DER_OID_MAX_ARC_BYTES)
            __builtin_trap();
    }
    int again = tsp_policies_set_arg(&pol, s); /* setting it twice: any result, no crash */
    (void)again;
    return 0;
}

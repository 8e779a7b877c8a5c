/* fuzz_cluster_msg.c: libFuzzer target for the cluster message parser (src/node/cluster_msg.h).
 * Properties: no crash; a message that parses has its parts inside the input and encodes back to
 * exactly the same bytes. */
#include <stdlib.h>
#include <string.h>

#include "node/cluster_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cl_msg m;
    const char *why;
    if (cl_msg_parse(data, size, &m, &why) != 0) return 0;
    if ((m.bc && (m.bc < data || m.bc + m.bc_len > data + size)) ||
        (m.p2p && (m.p2p < data || m.p2p + m.p2p_len > data + size)))
        abort();
    uint8_t *again = NULL;
    size_t n = 0;
    if (cl_msg_encode(&m, &again, &n) != 0 || n != size || memcmp(again, data, size) != 0) abort();
    free(again);
    return 0;
}

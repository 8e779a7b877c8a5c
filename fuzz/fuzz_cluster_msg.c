/* fuzz_cluster_msg.c: libFuzzer target for the cluster message parser (src/node/cluster_msg.h)
 * and, inside START messages, the signing-request parser (src/node/cluster_sign.h). Properties: no
 * crash; whatever parses has its parts inside the input and encodes back to exactly the same bytes. */
#include <stdlib.h>
#include <string.h>

#include "node/cluster_msg.h"
#include "node/cluster_sign.h"

static int inside(const uint8_t *p, size_t n, const uint8_t *b, size_t len)
{
    return !p || (p >= b && p + n <= b + len);
}

static void request(const uint8_t *b, size_t len)
{
    cl_sign_req r;
    const char *why;
    uint8_t *again = NULL;
    size_t n = 0;
    if (cl_req_parse(b, len, &r, &why) != 0) return;
    if (!inside(r.imprint, r.imprint_len, b, len) || !inside(r.nonce, r.nonce_len, b, len) ||
        !inside(r.ecsig, r.ecsig_len, b, len) || !inside(r.tbs, r.tbs_len, b, len))
        abort();
    if (cl_req_encode(&r, &again, &n) != 0 || n != len || memcmp(again, b, len) != 0) abort();
    free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cl_msg m;
    const char *why;
    if (cl_msg_parse(data, size, &m, &why) != 0) {
        request(data, size); /* the request parser sees raw input too */
        return 0;
    }
    if (!inside(m.bc, m.bc_len, data, size) || !inside(m.p2p, m.p2p_len, data, size)) abort();
    uint8_t *again = NULL;
    size_t n = 0;
    if (cl_msg_encode(&m, &again, &n) != 0 || n != size || memcmp(again, data, size) != 0) abort();
    free(again);
    if (m.kind == CL_KIND_START && m.bc) request(m.bc, m.bc_len);
    return 0;
}

/* fuzz_mesh_frame.c: libFuzzer target for the mesh's parsers (src/node/mesh_internal.h): the
 * 12-byte frame header and, for a channel-0 HELLO body, the HELLO. Properties: no crash; a header
 * that decodes encodes back to the same bytes; a HELLO that parses has its parts inside the input,
 * a printable address and an endorsement length within bounds. */
#include <stdlib.h>
#include <string.h>

#include "node/mesh_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t chan, again[MESH_HDR_LEN];
    uint32_t len;
    const char *why;
    if (size < MESH_HDR_LEN || mesh_hdr_decode(data, &chan, &len, &why) != 0) return 0;
    mesh_hdr_encode(again, chan, len);
    if (memcmp(again, data, MESH_HDR_LEN) != 0 || len > MESH_MAX_BODY) abort();
    const uint8_t *body = data + MESH_HDR_LEN;
    size_t blen = size - MESH_HDR_LEN;
    if (chan != MESH_CHAN_MESH || blen != len || body[0] != MESH_MSG_HELLO) return 0;
    mesh_hello h;
    if (mesh_hello_parse(body, blen, &h, &why) != 0) return 0;
    const uint8_t *end = body + blen;
    if (h.boot_id < body || h.boot_id + MESH_BOOT_ID_BYTES > end || h.report < body ||
        h.report + ATTEST_REPORT_BYTES > end || h.endorsements_len > ATTEST_MAX_ENDORSEMENT_BYTES ||
        (h.endorsements_len && (h.endorsements < body || h.endorsements + h.endorsements_len > end)))
        abort();
    for (const char *p = h.addr; *p; p++)
        if (*p < 0x21 || *p > 0x7e) abort();
    return 0;
}

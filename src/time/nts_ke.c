/* nts_ke.c: NTS-KE records (RFC 8915 section 4): the client request and the parser of the
 * server's response. Pure; fuzzed by fuzz/fuzz_nts_ke.c. */
#include <string.h>

#include "time/nts.h"
#include "time/time_internal.h"

enum {
    REC_EOM = 0,
    REC_NEXT_PROTO = 1,
    REC_ERROR = 2,
    REC_WARNING = 3,
    REC_AEAD = 4,
    REC_COOKIE = 5,
    REC_SERVER = 6,
    REC_PORT = 7,
    CRITICAL = 0x8000,
};

size_t nts_ke_request(uint8_t out[16])
{
    static const uint8_t req[16] = {0x80, REC_NEXT_PROTO, 0, 2, 0, 0,                         /* NTPv4 */
                                    0x80, REC_AEAD,       0, 2, 0, NTS_AEAD_AES_SIV_CMAC_256, /* AES-SIV */
                                    0x80, REC_EOM,        0, 0};
    memcpy(out, req, sizeof req);
    return sizeof req;
}

static unsigned be16(const uint8_t *p) { return (unsigned)p[0] << 8 | p[1]; }

#define FAIL(...) return time_fmt(why, whylen, __VA_ARGS__), -1

int nts_ke_parse(const uint8_t *buf, size_t len, nts_ke_result *out, char *why, size_t whylen)
{
    memset(out, 0, sizeof *out);
    int have_proto = 0, have_aead = 0;
    size_t pos = 0;
    if (len > NTS_KE_MAX_BYTES) FAIL("NTS-KE response above %d bytes", NTS_KE_MAX_BYTES);
    while (pos < len) {
        if (len - pos < 4) return 1;
        unsigned type = be16(buf + pos), blen = be16(buf + pos + 2);
        int critical = (type & CRITICAL) != 0;
        type &= ~(unsigned)CRITICAL;
        if (blen > NTS_KE_MAX_RECORD)
            FAIL("NTS-KE record %u has a %u-byte body (limit %d)", type, blen, NTS_KE_MAX_RECORD);
        if (len - pos - 4 < blen) return 1;
        const uint8_t *b = buf + pos + 4;
        pos += 4 + blen;
        switch (type) {
        case REC_EOM:
            if (!critical || blen) FAIL("malformed End of Message record");
            if (pos != len) FAIL("data after End of Message");
            if (!have_proto) FAIL("no Next Protocol Negotiation record");
            if (!have_aead) FAIL("no AEAD Algorithm Negotiation record");
            if (!out->ncookies) FAIL("no cookies");
            return 0;
        case REC_NEXT_PROTO:
            if (have_proto++) FAIL("repeated Next Protocol Negotiation record");
            if (blen != 2 || be16(b) != 0) FAIL("server did not select NTPv4");
            break;
        case REC_ERROR: FAIL("server sent an NTS-KE Error record (code %u)", blen == 2 ? be16(b) : 0xffffu);
        case REC_WARNING: FAIL("server sent an NTS-KE Warning record (code %u)", blen == 2 ? be16(b) : 0xffffu);
        case REC_AEAD:
            if (have_aead++) FAIL("repeated AEAD Algorithm Negotiation record");
            if (blen != 2 || be16(b) != NTS_AEAD_AES_SIV_CMAC_256) FAIL("server did not select AEAD_AES_SIV_CMAC_256");
            break;
        case REC_COOKIE:
            if (!blen) FAIL("empty cookie");
            if (out->ncookies < NTS_MAX_COOKIES) {
                memcpy(out->cookies[out->ncookies], b, blen);
                out->cookie_len[out->ncookies++] = (uint16_t)blen;
            }
            break;
        case REC_SERVER:
            if (out->server[0]) FAIL("repeated NTPv4 Server Negotiation record");
            if (!blen) FAIL("empty NTPv4 server name");
            for (unsigned i = 0; i < blen; i++)
                if (b[i] <= 0x20 || b[i] >= 0x7f) FAIL("NTPv4 server name is not printable ASCII");
            memcpy(out->server, b, blen);
            out->server[blen] = 0;
            break;
        case REC_PORT:
            if (out->port) FAIL("repeated NTPv4 Port Negotiation record");
            if (blen != 2 || be16(b) == 0) FAIL("malformed NTPv4 Port Negotiation record");
            out->port = (int)be16(b);
            break;
        default:
            if (critical) FAIL("unrecognised critical NTS-KE record %u", type);
            break;
        }
    }
    return 1;
}

/* tsp_status.c: PKIStatusInfo names and rejection responses. */
#include "tsp/tsp_status.h"

#include "asn1/der.h"

const char *tsp_fail_name(int bit)
{
    switch (bit) {
    case TSP_FAIL_BAD_ALG: return "badAlg";
    case TSP_FAIL_BAD_REQUEST: return "badRequest";
    case TSP_FAIL_BAD_DATA_FORMAT: return "badDataFormat";
    case TSP_FAIL_TIME_NOT_AVAILABLE: return "timeNotAvailable";
    case TSP_FAIL_UNACCEPTED_POLICY: return "unacceptedPolicy";
    case TSP_FAIL_UNACCEPTED_EXTENSION: return "unacceptedExtension";
    case TSP_FAIL_ADD_INFO_NOT_AVAILABLE: return "addInfoNotAvailable";
    case TSP_FAIL_SYSTEM_FAILURE: return "systemFailure";
    default: return "unknown";
    }
}

const char *tsp_status_name(int status)
{
    static const char *names[] = {"granted", "grantedWithMods",   "rejection",
                                  "waiting", "revocationWarning", "revocationNotification"};
    return status >= 0 && status <= 5 ? names[status] : "unknown";
}

size_t tsp_fail_bits(tsp_fail bit, uint8_t out[5])
{
    /* DER named bit string: no trailing zero bits, so the last byte holds the only set bit. */
    size_t nbytes = (size_t)bit / 8 + 1;
    unsigned pos = (unsigned)bit % 8;
    for (size_t i = 0; i < nbytes; i++) out[1 + i] = 0;
    out[0] = (uint8_t)(7 - pos);
    out[nbytes] = (uint8_t)(0x80u >> pos);
    return nbytes + 1;
}

int tsp_resp_reject(tsp_fail bit, const char *text, uint8_t **out, size_t *outlen)
{
    der_writer w;
    uint8_t bits[5];
    size_t nbits = tsp_fail_bits(bit, bits);
    der_writer_init(&w);
    der_begin(&w, DER_SEQUENCE); /* TimeStampResp */
    der_begin(&w, DER_SEQUENCE); /* PKIStatusInfo */
    der_put_uint(&w, TSP_STATUS_REJECTION);
    if (text) {
        der_begin(&w, DER_SEQUENCE); /* PKIFreeText */
        der_put_utf8(&w, text);
        der_end(&w);
    }
    der_put_tlv(&w, DER_BIT_STRING, bits, nbits);
    der_end(&w);
    der_end(&w);
    return der_writer_finish(&w, out, outlen);
}

/* Declared in tsp_engine.h; here so that front ends can name states without the engine. */
const char *tsp_cert_state_name(tsp_cert_state s)
{
    static const char *const names[] = {"ok", "expiring", "expired", "not_yet_valid", "none"};
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

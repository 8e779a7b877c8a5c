/* tsp_req.c: strict TimeStampReq parser and encoder (RFC 3161 section 2.4.1).
 *   TimeStampReq ::= SEQUENCE { version INTEGER { v1(1) }, messageImprint MessageImprint,
 *       reqPolicy TSAPolicyId OPTIONAL, nonce INTEGER OPTIONAL, certReq BOOLEAN DEFAULT FALSE,
 *       extensions [0] IMPLICIT Extensions OPTIONAL } */
#include "tsp/tsp_req.h"

#include <string.h>

#include "asn1/der.h"

#define FAIL(bit, text)                                                                                                \
    do {                                                                                                               \
        *fail = (bit);                                                                                                 \
        *why = (text);                                                                                                 \
        return -1;                                                                                                     \
    } while (0)

/* AlgorithmIdentifier of a digest: OID plus absent or NULL parameters. */
static int parse_digest_alg(der_reader *r, der_elem *oid, int *params_ok)
{
    der_reader alg;
    der_elem params;
    if (der_enter(r, DER_SEQUENCE, &alg) != DER_OK) return -1;
    if (der_expect(&alg, DER_OID, oid) != DER_OK || oid->len == 0) return -1;
    *params_ok = 1;
    if (!der_reader_done(&alg)) {
        if (der_read(&alg, &params) != DER_OK) return -1;
        *params_ok = params.tag == DER_NULL && params.len == 0;
    }
    return der_reader_done(&alg) ? 0 : -1;
}

/* Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension; Extension ::= SEQUENCE { extnID OID,
 * critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }. No extension is understood, so any
 * critical one makes the request unacceptable. */
static int parse_extensions(const der_elem *ext, int *has_critical)
{
    der_reader list, one;
    der_elem oid, crit, val;
    der_reader_init(&list, ext->val, ext->len);
    if (der_reader_done(&list)) return -1;
    while (!der_reader_done(&list)) {
        int critical = 0;
        if (der_enter(&list, DER_SEQUENCE, &one) != DER_OK) return -1;
        if (der_expect(&one, DER_OID, &oid) != DER_OK || oid.len == 0) return -1;
        if (der_optional(&one, DER_BOOLEAN, &crit) == DER_OK) {
            if (der_get_bool(&crit, &critical) != DER_OK || !critical) return -1; /* DEFAULT FALSE omitted */
        }
        if (der_expect(&one, DER_OCTET_STRING, &val) != DER_OK || !der_reader_done(&one)) return -1;
        if (critical) *has_critical = 1;
    }
    return 0;
}

int tsp_req_parse(const uint8_t *der, size_t len, tsp_req *req, tsp_fail *fail, const char **why)
{
    der_reader top, body, mi;
    der_elem version, alg_oid, hashed, e;
    uint64_t v = 0;
    int params_ok = 0, has_critical = 0, version_ok;

    memset(req, 0, sizeof *req);
    if (len > TSP_REQ_MAX_LEN) FAIL(TSP_FAIL_BAD_DATA_FORMAT, "request too large");
    der_reader_init(&top, der, len);
    if (der_enter(&top, DER_SEQUENCE, &body) != DER_OK || !der_reader_done(&top))
        FAIL(TSP_FAIL_BAD_DATA_FORMAT, "request is not one DER SEQUENCE");
    if (der_expect(&body, DER_INTEGER, &version) != DER_OK) FAIL(TSP_FAIL_BAD_DATA_FORMAT, "missing version");
    version_ok = der_get_uint(&version, &v) == DER_OK && v == 1;
    if (der_peek_tag(&body) != DER_SEQUENCE || der_read(&body, &e) != DER_OK)
        FAIL(TSP_FAIL_BAD_DATA_FORMAT, "missing messageImprint");
    req->imprint_tlv = e.tlv;
    req->imprint_tlv_len = e.tlvlen;
    der_reader_init(&mi, e.val, e.len);
    if (parse_digest_alg(&mi, &alg_oid, &params_ok) != 0 || der_expect(&mi, DER_OCTET_STRING, &hashed) != DER_OK ||
        !der_reader_done(&mi))
        FAIL(TSP_FAIL_BAD_DATA_FORMAT, "malformed messageImprint");
    req->hashed = hashed.val;
    req->hashed_len = hashed.len;
    if (der_optional(&body, DER_OID, &e) == DER_OK) {
        if (e.len == 0) FAIL(TSP_FAIL_BAD_DATA_FORMAT, "empty reqPolicy");
        req->policy = e.val;
        req->policy_len = e.len;
    }
    if (der_optional(&body, DER_INTEGER, &e) == DER_OK) {
        const uint8_t *mag;
        size_t n;
        if (der_get_uint_bytes(&e, &mag, &n) != DER_OK)
            FAIL(TSP_FAIL_BAD_DATA_FORMAT, "nonce is not a non-negative DER INTEGER");
        if (n > TSP_NONCE_MAX_BYTES) FAIL(TSP_FAIL_BAD_DATA_FORMAT, "nonce longer than 160 bits");
        req->nonce_tlv = e.tlv;
        req->nonce_tlv_len = e.tlvlen;
    }
    if (der_optional(&body, DER_BOOLEAN, &e) == DER_OK) {
        if (der_get_bool(&e, &req->cert_req) != DER_OK || !req->cert_req)
            FAIL(TSP_FAIL_BAD_DATA_FORMAT, "certReq FALSE must be omitted in DER");
    }
    if (der_optional(&body, DER_CTX(0), &e) == DER_OK) {
        if (parse_extensions(&e, &has_critical) != 0) FAIL(TSP_FAIL_BAD_DATA_FORMAT, "malformed extensions");
    }
    if (!der_reader_done(&body)) FAIL(TSP_FAIL_BAD_DATA_FORMAT, "unexpected trailing field in request");

    if (!version_ok) FAIL(TSP_FAIL_BAD_REQUEST, "unsupported request version (only v1)");
    int h = tsp_hash_from_oid(alg_oid.val, alg_oid.len);
    if (h < 0)
        FAIL(TSP_FAIL_BAD_ALG, tsp_hash_oid_is_weak(alg_oid.val, alg_oid.len)
                                   ? "weak hash algorithm rejected (SHA-1/MD5/SHA-224)"
                                   : "unsupported hash algorithm");
    req->hash = (tsp_hash_alg)h;
    if (!params_ok) FAIL(TSP_FAIL_BAD_DATA_FORMAT, "hash algorithm parameters must be absent or NULL");
    if (req->hashed_len != tsp_hash_len(req->hash))
        FAIL(TSP_FAIL_BAD_DATA_FORMAT, "hashedMessage length does not match the hash algorithm");
    if (has_critical) FAIL(TSP_FAIL_UNACCEPTED_EXTENSION, "unsupported critical extension");
    return 0;
}

int tsp_req_encode(tsp_hash_alg hash, const uint8_t *digest, const uint8_t *policy, size_t policy_len,
                   const uint8_t *nonce, size_t nonce_len, int cert_req, uint8_t **out, size_t *outlen)
{
    der_writer w;
    size_t oid_len;
    const uint8_t *oid = tsp_hash_oid(hash, &oid_len);
    der_writer_init(&w);
    der_begin(&w, DER_SEQUENCE);
    der_put_uint(&w, 1);
    der_begin(&w, DER_SEQUENCE);
    der_begin(&w, DER_SEQUENCE);
    der_put_oid(&w, oid, oid_len);
    der_end(&w);
    der_put_octets(&w, digest, tsp_hash_len(hash));
    der_end(&w);
    if (policy) der_put_oid(&w, policy, policy_len);
    if (nonce && nonce_len) der_put_uint_bytes(&w, nonce, nonce_len);
    if (cert_req) der_put_bool(&w, 1);
    der_end(&w);
    return der_writer_finish(&w, out, outlen);
}

/* tsp_parse.h: strict parser for what a TSA returns: a TimeStampResp (status + optional token)
 * or a bare TimeStampToken (CMS ContentInfo with SignedData over TSTInfo). It only decodes and
 * locates; tsp_verify.h decides whether the token is valid. All pointers point into the input. */
#ifndef CCTSA_TSP_PARSE_H
#define CCTSA_TSP_PARSE_H

#include <stddef.h>

#include "base/base.h"
#include <stdint.h>

#include "tsp/tsp_tstinfo.h"

#define TSP_MAX_CERTS 8
#define TSP_MAX_SIGNERS 4
#define TSP_MAX_INPUT (1u << 20) /* 1 MiB: anything larger is refused */

typedef struct {
    const uint8_t *p;
    size_t n;
} tsp_span;

typedef struct tsp_signer_info tsp_signer_info;
struct tsp_signer_info {
    tsp_span tlv;            /* the whole SignerInfo */
    tsp_span sid_issuer;     /* IssuerAndSerialNumber.issuer Name TLV */
    tsp_span sid_serial;     /* serialNumber INTEGER TLV */
    tsp_span digest_oid;     /* digestAlgorithm OID contents */
    int digest_params;       /* 1 if digestAlgorithm carries parameters */
    tsp_span signed_attrs;   /* the [0] IMPLICIT SET OF Attribute TLV (tag A0) */
    tsp_span sig_oid;        /* signatureAlgorithm OID contents */
    int sig_params;          /* 1 if signatureAlgorithm carries parameters */
    tsp_span signature;      /* OCTET STRING contents */
    tsp_span unsigned_attrs; /* the [1] TLV, or empty */
    tsp_span companion;      /* compat: the countersignature SignerInfo TLV (RFC 5652 11.4) found in
                                  unsignedAttrs (id-countersignature), or empty */
    tsp_span countersigned;  /* set by the verifier on a countersignature: the countersigned
                                  SignerInfo's signature value, which its messageDigest covers */
};

typedef struct {
    int has_resp;          /* 1 if the input was a TimeStampResp */
    int status;            /* PKIStatus (0 when the input was a bare token) */
    uint32_t fail_bits;    /* PKIFailureInfo bits 0..31 */
    char status_text[256]; /* first PKIFreeText string, if any */
    tsp_span token;        /* ContentInfo TLV, empty if the response carries none */
    unsigned sd_version;
    tsp_span digest_algs[TSP_MAX_SIGNERS]; /* AlgorithmIdentifier TLVs in digestAlgorithms */
    int ndigest_algs;
    tsp_span econtent_type; /* OID contents */
    tsp_span tstinfo_der;   /* eContent OCTET STRING contents */
    tsp_tstinfo tstinfo;
    tsp_span certs[TSP_MAX_CERTS];
    int ncerts;
    int has_crls;
    tsp_signer_info signers[TSP_MAX_SIGNERS];
    int nsigners;
} tsp_parsed;

/* 0 on success; -1 with a message in err otherwise. A rejection response parses successfully
 * (has_resp = 1, token empty). */
CC_MUST_CHECK int tsp_parse(const uint8_t *der, size_t len, tsp_parsed *out, char *err, size_t errlen);
/* Parse one SignerInfo TLV (also used for the compat countersignature). 0 or -1 with *why. */
CC_MUST_CHECK int tsp_parse_signer_info(const uint8_t *tlv, size_t len, tsp_signer_info *si, int allow_companion,
                                        const char **why);

#endif

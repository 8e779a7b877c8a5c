/* tsp_tstinfo.h: RFC 3161 TSTInfo (section 2.4.2): the encoder the engine uses and the strict
 * parser the verifier and `cctsa inspect` use. */
#ifndef CCTSA_TSP_TSTINFO_H
#define CCTSA_TSP_TSTINFO_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/base.h"

#include "tsp/tsp_hash.h"

typedef struct {
    const uint8_t *policy; /* OID contents */
    size_t policy_len;
    const uint8_t *imprint_tlv; /* whole MessageImprint, verbatim from the request */
    size_t imprint_tlv_len;
    const uint8_t *serial; /* magnitude bytes */
    size_t serial_len;
    time_t gen_sec;
    unsigned gen_ms;
    const uint8_t *nonce_tlv; /* whole INTEGER or NULL */
    size_t nonce_tlv_len;
    const uint8_t *tsa_name; /* Name TLV for tsa [0] directoryName, or NULL */
    size_t tsa_name_len;
} tsp_tstinfo_in;

/* Encode with accuracy 1 s and ordering absent (false). 0 on success. */
CC_MUST_CHECK int tsp_tstinfo_encode(const tsp_tstinfo_in *in, uint8_t **out, size_t *outlen);

typedef struct {
    const uint8_t *policy;
    size_t policy_len;
    int hash; /* tsp_hash_alg, or -1 if the algorithm is not one we know */
    const uint8_t *hash_oid;
    size_t hash_oid_len;
    const uint8_t *hashed;
    size_t hashed_len;
    const uint8_t *serial; /* magnitude */
    size_t serial_len;
    time_t gen_sec;
    unsigned gen_ms;
    int has_accuracy;
    uint64_t acc_sec, acc_ms, acc_us;
    int ordering;
    const uint8_t *nonce; /* magnitude or NULL */
    size_t nonce_len;
    const uint8_t *tsa_name; /* Name TLV (directoryName) or NULL; other GeneralName forms set tsa_other */
    size_t tsa_name_len;
    int tsa_other;
    int has_extensions;
    int n_extensions, n_critical; /* Extension elements, and those marked critical */
    int unknown_critical;         /* critical ones nobody here understands (the verifier refuses them) */
} tsp_tstinfo;

#define TSP_TSTINFO_MAX_EXTENSIONS 16

/* Parse DER TSTInfo; pointers point into der. 0 on success, -1 with *why set otherwise.
 * extensions [1] are parsed strictly (RFC 5280 4.1 Extension): at least one, each extnID once,
 * critical present only as TRUE, extnValue a complete DER element; no TSTInfo extension is
 * understood yet, so every critical one counts in unknown_critical. */
CC_MUST_CHECK int tsp_tstinfo_parse(const uint8_t *der, size_t len, tsp_tstinfo *ti, const char **why);

#endif

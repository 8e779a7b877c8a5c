/* tsp_engine.h: the RFC 3161 engine: DER TimeStampReq bytes in, DER TimeStampResp bytes out.
 * It chooses the profile (URL path and reqPolicy), takes genTime and the serial number from the
 * issuer state, builds TSTInfo and asks the configured signers for signatures. Every failure,
 * including a signer failure, becomes a well-formed rejection response. Thread-safe. */
#ifndef CCTSA_TSP_ENGINE_H
#define CCTSA_TSP_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "tsp/tsp_clock.h"
#include "tsp/tsp_profile.h"
#include "tsp/tsp_signer.h"
#include "tsp/tsp_status.h"

typedef struct {
    tsp_profile default_profile; /* for /tsa and requests without reqPolicy */
    tsp_time_source time;
    const tsp_identity *ec; /* ECDSA P-384 signer with certificate (borrowed), or NULL */
    const tsp_identity *ml; /* ML-DSA-65 signer with certificate (borrowed), or NULL */
    const tsp_policies *policies; /* policy OID per profile (copied), NULL: the development defaults */
    tsp_gentime_precision precision; /* genTime: whole seconds (default) or milliseconds */
} tsp_engine_config;

typedef struct tsp_engine tsp_engine;

/* What happened to one request, for logging. */
typedef struct {
    int status;       /* tsp_status */
    int fail;         /* failure bit, -1 when granted */
    int profile;      /* profile used, -1 if none was chosen */
    const char *why;  /* static explanation of a rejection, NULL when granted */
} tsp_engine_result;

#define TSP_PATH_DEFAULT (-1) /* request arrived on /tsa: profile from reqPolicy or the default */

/* NULL if the configuration is unusable (no time source, bad profile, an invalid or repeated policy OID). */
tsp_engine *tsp_engine_new(const tsp_engine_config *cfg);
void tsp_engine_free(tsp_engine *e);
/* Answer one request. path_profile is a tsp_profile or TSP_PATH_DEFAULT. Returns 0 with a
 * response (granted or rejection) in *resp (malloc'd); -1 only if no response could be encoded. */
int tsp_engine_respond(tsp_engine *e, const uint8_t *req, size_t len, int path_profile, uint8_t **resp,
                       size_t *resp_len, tsp_engine_result *res);

#endif

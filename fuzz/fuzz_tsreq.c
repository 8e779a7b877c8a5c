/* fuzz_tsreq.c: libFuzzer target for the TimeStampReq parser and the whole engine path: any
 * input must yield a well-formed TimeStampResp (granted or rejection) that our own response
 * parser accepts, and never crash, hang or leak. */
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "tsp/tsp_engine.h"
#include "tsp/tsp_parse.h"
#include "tsp/tsp_req.h"
#include "x509/cert.h"
#include "x509/name.h"

static tsp_local_keys keys;
static tsp_engine *engine;

/* A self-issued TSA certificate for the fuzzing engine's ECDSA key (ECDSA only: fast). */
static void setup(void)
{
    uint8_t *name = NULL, *der = NULL;
    size_t name_len = 0, len = 0;
    time_t now = time(NULL);
    if (tsp_local_keys_generate(&keys) != 0 || x509_name_from_string("CN=fuzz TSA", &name, &name_len) != 0) abort();
    x509_cert_template t = {.profile = X509_PROFILE_TSA,
                            .issuer = name,
                            .issuer_len = name_len,
                            .subject = name,
                            .subject_len = name_len,
                            .not_before = now - 60,
                            .not_after = now + 86400,
                            .subject_alg = X509_ALG_ECDSA_P384,
                            .subject_pub = keys.ec_signer.pub,
                            .subject_publen = keys.ec_signer.publen,
                            .path_len = -1};
    if (x509_cert_build(&t, &keys.ec_signer, &der, &len) != 0 ||
        tsp_local_keys_set_cert(&keys, X509_ALG_ECDSA_P384, der, len) != 0)
        abort();
    tsp_engine_config cfg = {.default_profile = TSP_PROFILE_CLASSIC, .time = tsp_time_source_system(), .ec = &keys.ec};
    engine = tsp_engine_new(&cfg);
    if (!engine) abort();
    free(name);
    free(der);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!engine) setup();
    tsp_req req;
    tsp_fail fail;
    const char *why;
    if (tsp_req_parse(data, size, &req, &fail, &why) != 0) why = NULL; /* the engine below answers it either way */
    uint8_t *resp = NULL;
    size_t resp_len = 0;
    tsp_engine_result res;
    int path = size ? (int)(data[0] % 5) - 1 : TSP_PATH_DEFAULT; /* default, classic, pq, hybrid, compat */
    if (tsp_engine_respond(engine, data, size, path, &resp, &resp_len, &res) != 0) abort();
    tsp_parsed t;
    char err[200];
    if (tsp_parse(resp, resp_len, &t, err, sizeof err) != 0 || t.status != res.status) abort();
    free(resp);
    return 0;
}

/* gateway_sign.h: asynchronous signing for the gateway. A request becomes a job on a bounded
 * queue; worker threads run the RFC 3161 engine and call the job's completion callback, which
 * resumes the suspended HTTP connection. No thread waits per request: the HTTP side only
 * submits and is called back. This is the seam the node client (issue 13) replaces: a job then
 * travels over the node socket and the callback fires when the node's answer arrives.
 *
 * Admission is bounded by the number of jobs in flight (queued, signing, or waiting out the
 * simulated signing latency); submit refuses at the bound or after stop so that the caller
 * answers 503 at once. */
#ifndef CCTSA_GATEWAY_SIGN_H
#define CCTSA_GATEWAY_SIGN_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "tsp/tsp_engine.h"

typedef struct gw_sign_job gw_sign_job;
typedef void (*gw_sign_done_fn)(gw_sign_job *job);

struct gw_sign_job {
    /* filled by the caller; borrowed until done() */
    const uint8_t *req;
    size_t req_len;
    int path_profile; /* tsp_profile or TSP_PATH_DEFAULT */
    gw_sign_done_fn done; /* called once, from a worker thread; the job is the caller's again */
    void *arg;
    /* filled by the pool before done() */
    int rc; /* tsp_engine_respond's return */
    uint8_t *resp; /* malloc'd TimeStampResp, the caller frees it */
    size_t resp_len;
    tsp_engine_result res;
    /* pool-private */
    gw_sign_job *next;
    struct timespec due;
};

typedef struct gw_signer gw_signer;

/* workers threads sign; at most max_inflight jobs at once; delay_ms > 0 (development only)
 * completes each job that much later without holding a worker, like a remote signer would. */
gw_signer *gw_signer_new(tsp_engine *engine, unsigned workers, unsigned max_inflight, unsigned delay_ms);
/* 0: accepted, done() will be called; -1: full or stopping (done() is not called). */
int gw_signer_submit(gw_signer *s, gw_sign_job *job);
/* Refuse new jobs, finish (and call back) every accepted one, join the workers. */
void gw_signer_stop(gw_signer *s);
void gw_signer_free(gw_signer *s); /* after gw_signer_stop */

#endif

/* gateway_metrics.h: GET /metrics, the Prometheus text format (version 0.0.4) with the metric
 * names of docs/metrics.md (issue 16). Owned here: the gateway's own request and signing
 * counters and histograms, recorded per finished request; the cluster, key, time and attestation
 * families taken from the nodes' last STATUS answers (gateway_sign.h keeps them); and the standard
 * process_* families of the gateway process from /proc/self. Thread-safe. */
#ifndef CCTSA_GATEWAY_METRICS_H
#define CCTSA_GATEWAY_METRICS_H

#include <stddef.h>

#include "gateway/gateway_sign.h"

typedef struct gw_metrics gw_metrics;

enum {
    GW_OUT_GRANTED = 0,
    GW_OUT_REJECTED,
    GW_OUT_UNAVAILABLE,
    GW_OUTCOMES
};

gw_metrics *gw_metrics_new(void);
void gw_metrics_free(gw_metrics *m);
/* One finished POST: profile (tsp_profile, or -1 if none was chosen), outcome, PKIFailureInfo bit
 * of a refusal (-1 none), the whole request's seconds, the node round trip's seconds (from the
 * admission to signing until the answer) and the number of nodes tried. */
void gw_metrics_request(gw_metrics *m, int profile, int outcome, int fail, double request_s, double signing_s,
                        unsigned attempts);
/* The exposition: malloc'd text, *len its length; NULL if out of memory. */
char *gw_metrics_render(gw_metrics *m, gw_signer *s, size_t *len);

#endif

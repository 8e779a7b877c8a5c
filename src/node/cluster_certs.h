/* cluster_certs.h: the epoch's CSRs and certificates, private to the cluster engine: checking a
 * distributed CSR against this node's own rebuild and the group key, and the acceptance checks of
 * certificates (key = group key, TcbInfo measurement = own with debug clear, TSA profile, chain to
 * a pinned root or the dev CA's root, valid now). */
#ifndef CCTSA_NODE_CLUSTER_CERTS_H
#define CCTSA_NODE_CLUSTER_CERTS_H

#include "node/cluster_int.h"
#include "tsp/tsp_devca.h"

int cl_check_csr(cluster *c, const cl_epoch *ep, unsigned scheme, const uint8_t *der, size_t len, char *why,
                 size_t whylen);
/* Check both certificates and, if they pass, attach copies to ep (replacing older ones). 0 or -1. */
int cl_accept_certs(cluster *c, cl_epoch *ep, const uint8_t *ec, size_t ec_len, const uint8_t *ml, size_t ml_len,
                    char *why, size_t whylen);
int cl_dkg_start_manager(cluster *c);

#endif

/* cluster.c: skeleton of the cluster engine (cluster.h): every entry point exists and answers
 * "not available" until the engine is built out. */
#include "node/cluster.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tsp/tsp_status.h"

struct cluster {
    cluster_config cfg;
};

static void set_why(char *why, size_t whylen, const char *msg)
{
    if (why && whylen) snprintf(why, whylen, "%s", msg);
}

cluster *cluster_new(const cluster_config *cfg, char *err, size_t errlen)
{
    if (!cfg || !cfg->self_key || !cfg->send) {
        set_why(err, errlen, "cluster: incomplete configuration");
        return NULL;
    }
    cluster *c = calloc(1, sizeof *c);
    if (!c) {
        set_why(err, errlen, "cluster: out of memory");
        return NULL;
    }
    c->cfg = *cfg;
    return c;
}

void cluster_free(cluster *c)
{
    free(c);
}

void cluster_peer_update(cluster *c, int slot, const mesh_peer_info *info, int time_ok)
{
    (void)c, (void)slot, (void)info, (void)time_ok;
}

void cluster_self_update(cluster *c, int attested, int time_ok)
{
    (void)c, (void)attested, (void)time_ok;
}

void cluster_on_message(cluster *c, const uint8_t from[CLUSTER_KEY_BYTES], const uint8_t *body, size_t len)
{
    (void)c, (void)from, (void)body, (void)len;
}

int cluster_issue(cluster *c, const tsp_issue_req *r, unsigned deadline_ms, uint8_t **resp, size_t *resp_len,
                  tsp_engine_result *res)
{
    (void)c, (void)r, (void)deadline_ms;
    if (tsp_resp_reject(TSP_FAIL_SYSTEM_FAILURE, "cluster: quorum unavailable", resp, resp_len) != 0) return -1;
    if (res) {
        memset(res, 0, sizeof *res);
        res->status = TSP_STATUS_REJECTION;
        res->fail = TSP_FAIL_SYSTEM_FAILURE;
        res->profile = -1;
        res->why = "cluster: not available";
        res->unavailable = 1;
        res->kind = TSP_OUTCOME_UNAVAILABLE;
    }
    return 0;
}

void cluster_get_status(cluster *c, cluster_status *st)
{
    memset(st, 0, sizeof *st);
    st->epoch_state = LC_EPOCH_UNINITIALIZED;
    st->availability = LC_AVAIL_NONE;
    st->node_state = LC_NODE_BOOTING;
    if (c) memcpy(st->nodes[0].key, c->cfg.self_key, CLUSTER_KEY_BYTES);
    snprintf(st->reason, sizeof st->reason, "cluster engine not available");
}

int cluster_certs(cluster *c, uint8_t **ec, size_t *ec_len, uint8_t **ml, size_t *ml_len)
{
    (void)c, (void)ec, (void)ec_len, (void)ml, (void)ml_len;
    return -1;
}

int cluster_csrs(cluster *c, uint8_t **ec, size_t *ec_len, uint8_t **ml, size_t *ml_len)
{
    (void)c, (void)ec, (void)ec_len, (void)ml, (void)ml_len;
    return -1;
}

int cluster_binding(cluster *c, uint8_t **der, size_t *len)
{
    (void)c, (void)der, (void)len;
    return -1;
}

int cluster_install_certs(cluster *c, const uint8_t *ec, size_t ec_len, const uint8_t *ml, size_t ml_len, char *why,
                          size_t whylen)
{
    (void)c, (void)ec, (void)ec_len, (void)ml, (void)ml_len;
    set_why(why, whylen, "cluster engine not available");
    return -1;
}

int cluster_retire(cluster *c, char *why, size_t whylen)
{
    (void)c;
    set_why(why, whylen, "cluster engine not available");
    return -1;
}

int cluster_compromised(cluster *c, char *why, size_t whylen)
{
    (void)c;
    set_why(why, whylen, "cluster engine not available");
    return -1;
}

int cluster_renew_certs(cluster *c, char *why, size_t whylen)
{
    (void)c;
    set_why(why, whylen, "cluster engine not available");
    return -1;
}

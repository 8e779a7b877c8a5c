/* node_control.c: verify, audit and execute an operator command (see node_control.h). */
#include "node/node_control.h"

#include <stdio.h>
#include <string.h>

static int record(const node_control *nc, const operator_verified *v, const char *result, const char *reason)
{
    if (!nc->audit) return 0;
    const char *cmd = v->cmd.cmd ? operator_cmd_name(v->cmd.cmd) : "unparsed";
    return audit_operator(nc->audit, cmd, v->cmd.epoch, v->operators, v->nonce_hex, result, reason);
}

int node_control_handle(const node_control *nc, const uint8_t *env, size_t env_len, const uint8_t *ec, size_t ec_len,
                        const uint8_t *ml, size_t ml_len, uint32_t live_epoch, time_t now, char *why, size_t whylen)
{
    operator_verified v;
    char reason[200] = "";
    if (operator_verify(nc->policy, nc->nonces, env, env_len, ec, ec_len, ml, ml_len, live_epoch, now, &v, reason,
                        sizeof reason) != 0) {
        record(nc, &v, "refused", reason);
        snprintf(why, whylen, "%s", reason);
        return -1;
    }
    /* Recorded before it runs: a command the log cannot hold is not carried out. */
    if (record(nc, &v, "accepted", "") != 0) {
        snprintf(why, whylen, "audit log unavailable: command not executed");
        return -1;
    }
    int rc = -1;
    switch (v.cmd.cmd) {
    case OP_RETIRE: rc = nc->ops->retire(nc->cluster, reason, sizeof reason); break;
    case OP_COMPROMISED: rc = nc->ops->compromised(nc->cluster, reason, sizeof reason); break;
    case OP_RENEW_CERT: rc = nc->ops->renew_certs(nc->cluster, reason, sizeof reason); break;
    case OP_INSTALL_CERTS:
        rc = nc->ops->install_certs(nc->cluster, ec, ec_len, ml, ml_len, reason, sizeof reason);
        break;
    default: snprintf(reason, sizeof reason, "unknown command"); break;
    }
    record(nc, &v, rc == 0 ? "done" : "failed", rc == 0 ? "" : reason);
    if (rc != 0) snprintf(why, whylen, "%s failed: %s", operator_cmd_name(v.cmd.cmd), reason);
    return rc;
}

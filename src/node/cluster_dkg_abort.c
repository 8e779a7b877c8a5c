/* cluster_dkg_abort.c: a DKG attempt given up by one member ends at once on every member.
 * Owned here: the record of the DKG session in progress (c->dkg: its session id, the members'
 * node keys), the DKG_ABORT message a member sends when it gives the attempt up (session id =
 * the first CL_SID_BYTES of the transcript hash, bc = culprit party (0: none) || reason text),
 * and its receipt: an abort of the current session from one of its members ends every protocol
 * session of that attempt (cl_dkg_aborted, checked while a session waits for its round); an abort
 * for another session or from a non-member is ignored and logged. A culprit named in a peer's
 * abort is logged only: each node excludes on its own evidence. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "node/cluster_int.h"

#define ABORT_REASON_MAX 159

static void take_abort(cluster *c, unsigned party, unsigned culprit, const char *why)
{
    c->dkg.aborted = 1;
    c->dkg.by = party;
    c->dkg.culprit = culprit;
    snprintf(c->dkg.why, sizeof c->dkg.why, "%s", why);
    cl_log_info(c, "DKG epoch %u: party %u aborted the attempt: %s%s", c->dkg.epoch, party, why,
                culprit ? " (it names a culprit; not excluded on its word)" : "");
    pthread_cond_broadcast(&c->cv);
    cl_session_wake_all(c);
}

void cl_dkg_session_begin(cluster *c, const cl_epoch *ep)
{
    pthread_mutex_lock(&c->mu);
    int early = c->dkg.early;
    memset(&c->dkg, 0, offsetof(__typeof__(c->dkg), early));
    c->dkg.early = 0;
    c->dkg.active = 1;
    c->dkg.epoch = ep->number;
    c->dkg.self = ep->self;
    memcpy(c->dkg.sid, ep->transcript, CL_SID_BYTES);
    memcpy(c->dkg.keys, ep->keys, sizeof c->dkg.keys);
    if (early) { /* a peer gave this attempt up before our commit-reveal finished */
        char id[17];
        unsigned q = c->dkg.early_party;
        cc_hex_encode(c->dkg.early_sender, 8, id);
        if (c->dkg.early_epoch != ep->number || memcmp(c->dkg.early_sid, c->dkg.sid, CL_SID_BYTES))
            cl_log_info(c, "ignored a DKG abort from %s for another session (epoch %u)", id, c->dkg.early_epoch);
        else if (q < 1 || q > CL_N || q == ep->self || memcmp(ep->keys[q - 1], c->dkg.early_sender, CLUSTER_KEY_BYTES))
            cl_log_info(c, "ignored a DKG abort from %s: not a member of the session as party %u", id, q);
        else
            take_abort(c, q, c->dkg.early_culprit, c->dkg.early_why);
    }
    pthread_mutex_unlock(&c->mu);
}

void cl_dkg_send_abort(cluster *c, uint32_t epoch, unsigned self, const uint8_t sid[CL_SID_BYTES], const uint8_t *keys,
                       unsigned culprit, const char *why)
{
    uint8_t body[1 + ABORT_REASON_MAX];
    size_t n = strlen(why);
    if (n > ABORT_REASON_MAX) n = ABORT_REASON_MAX;
    body[0] = (uint8_t)(culprit <= CL_N ? culprit : 0);
    memcpy(body + 1, why, n);
    cl_msg m = {.kind = CL_KIND_DKG_ABORT, .party = (uint8_t)self, .epoch = epoch, .bc = body, .bc_len = 1 + n};
    memcpy(m.sid, sid, CL_SID_BYTES);
    memcpy(m.sender, c->cfg.self_key, CLUSTER_KEY_BYTES);
    for (unsigned q = 1; q <= CL_N; q++)
        if (q != self) (void)cl_send_key(c, keys + (q - 1) * CLUSTER_KEY_BYTES, &m);
}

void cl_dkg_session_end(cluster *c, unsigned culprit, const char *why)
{
    uint8_t sid[CL_SID_BYTES], keys[CL_N][CLUSTER_KEY_BYTES];
    unsigned self = 0;
    uint32_t epoch = 0;
    pthread_mutex_lock(&c->mu);
    int send = why && c->dkg.active && !c->dkg.aborted;
    if (send) {
        self = c->dkg.self, epoch = c->dkg.epoch;
        memcpy(sid, c->dkg.sid, CL_SID_BYTES);
        memcpy(keys, c->dkg.keys, sizeof keys);
    }
    c->dkg.active = 0;
    pthread_mutex_unlock(&c->mu);
    if (!send) return;
    cl_dkg_send_abort(c, epoch, self, sid, keys[0], culprit, why);
    cl_log_info(c, "DKG epoch %u: abort sent to the other members: %s", epoch, why);
}

/* Printable ASCII only (the reason comes from a peer and goes into logs and health). */
static void clean_text(const uint8_t *p, size_t n, char *out, size_t outlen)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < outlen; i++) out[k++] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '?';
    out[k] = 0;
}

void cl_on_dkg_abort(cluster *c, cl_item *it)
{
    const cl_msg *m = &it->m;
    char id[17], why[ABORT_REASON_MAX + 1];
    cc_hex_encode(m->sender, 8, id);
    if (m->bc_len < 1 || m->bc_len > 1 + ABORT_REASON_MAX || m->bc[0] > CL_N || m->p2p_len) {
        cl_log_info(c, "ignored a malformed DKG abort from %s", id);
    } else if (!c->dkg.active && c->epoch_state == LC_EPOCH_DKG &&
               !c->ep) { /* our commit-reveal is still running: check it then */
        clean_text(m->bc + 1, m->bc_len - 1, why, sizeof why);
        c->dkg.early = 1;
        c->dkg.early_epoch = m->epoch;
        memcpy(c->dkg.early_sid, m->sid, CL_SID_BYTES);
        memcpy(c->dkg.early_sender, m->sender, CLUSTER_KEY_BYTES);
        c->dkg.early_party = m->party, c->dkg.early_culprit = m->bc[0];
        snprintf(c->dkg.early_why, sizeof c->dkg.early_why, "%s", why);
    } else if (!c->dkg.active || m->epoch != c->dkg.epoch || memcmp(m->sid, c->dkg.sid, CL_SID_BYTES)) {
        cl_log_info(c, "ignored a DKG abort from %s for another session (epoch %u; ours: %s epoch %u)", id, m->epoch,
                    c->dkg.active ? "DKG" : "no DKG", c->dkg.epoch);
    } else if (m->party < 1 || m->party == c->dkg.self ||
               memcmp(c->dkg.keys[m->party - 1], m->sender, CLUSTER_KEY_BYTES)) {
        cl_log_info(c, "ignored a DKG abort from %s: not a member of the session as party %u", id, m->party);
    } else if (!c->dkg.aborted) {
        clean_text(m->bc + 1, m->bc_len - 1, why, sizeof why);
        take_abort(c, m->party, m->bc[0], why);
    }
    cl_item_free(it);
}

int cl_dkg_aborted(cluster *c, uint32_t epoch, cl_err *e)
{
    if (!c->dkg.aborted || epoch != c->dkg.epoch) return 0;
    if (c->dkg.culprit)
        cl_err_set(e, CL_E_ABORTED, 0, 0, "party %u aborted the DKG (culprit: party %u): %.120s", c->dkg.by,
                   c->dkg.culprit, c->dkg.why);
    else
        cl_err_set(e, CL_E_ABORTED, 0, 0, "party %u aborted the DKG: %.120s", c->dkg.by, c->dkg.why);
    return 1;
}

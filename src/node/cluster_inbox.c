/* cluster_inbox.c: received cluster messages waiting for their session. Bounded in count, bytes
 * and age (an unclaimed message is dropped after CL_INBOX_TTL_MS); a newer DKG commitment of a
 * node replaces its older ones. All calls with c->mu held. */
#include <stdlib.h>
#include <string.h>

#include "node/cluster_int.h"

void cl_item_free(cl_item *it)
{
    if (!it) return;
    free(it->buf);
    free(it);
}

static void unlink_item(cluster *c, cl_item *prev, cl_item *it)
{
    if (prev)
        prev->next = it->next;
    else
        c->inbox = it->next;
    if (c->inbox_tail == it) c->inbox_tail = prev;
    c->inbox_n--;
    c->inbox_bytes -= it->len;
}

void cl_inbox_put(cluster *c, cl_item *it)
{
    uint64_t now = it->at_ms;
    cl_item *prev = NULL, *cur = c->inbox;
    while (cur) { /* expire, and keep one commit-reveal generation per sender */
        cl_item *next = cur->next;
        int stale = now - cur->at_ms > CL_INBOX_TTL_MS;
        int superseded = it->m.kind == CL_KIND_COMMIT &&
                         (cur->m.kind == CL_KIND_COMMIT || cur->m.kind == CL_KIND_REVEAL) &&
                         !memcmp(cur->m.sender, it->m.sender, CLUSTER_KEY_BYTES);
        if (stale || superseded) {
            unlink_item(c, prev, cur);
            cl_item_free(cur);
        } else {
            prev = cur;
        }
        cur = next;
    }
    while (c->inbox && (c->inbox_n >= CL_INBOX_MAX_MSGS || c->inbox_bytes + it->len > CL_INBOX_MAX_BYTES)) {
        cl_item *old = c->inbox;
        unlink_item(c, NULL, old);
        cl_item_free(old);
    }
    it->next = NULL;
    if (c->inbox_tail)
        c->inbox_tail->next = it;
    else
        c->inbox = it;
    c->inbox_tail = it;
    c->inbox_n++;
    c->inbox_bytes += it->len;
}

cl_item *cl_inbox_take(cluster *c, uint8_t kind, uint32_t epoch, const uint8_t sid[CL_SID_BYTES], unsigned round,
                       unsigned party, const uint8_t key[CLUSTER_KEY_BYTES])
{
    cl_item *prev = NULL;
    for (cl_item *it = c->inbox; it; prev = it, it = it->next) {
        const cl_msg *m = &it->m;
        if (m->kind != kind || m->epoch != epoch || m->round != round || (party != CL_ANY_PARTY && m->party != party) ||
            memcmp(m->sender, key, CLUSTER_KEY_BYTES) || (sid && memcmp(m->sid, sid, CL_SID_BYTES)))
            continue;
        unlink_item(c, prev, it);
        it->next = NULL;
        return it;
    }
    return NULL;
}

/* cluster_session.c: the one loop every threshold protocol runs through (cl_proto): step, send the
 * broadcast and point-to-point parts, wait for the round's messages from the parties the protocol
 * expects, repeat until the protocol is done, fails, a participant aborts the session, or the
 * round or session deadline passes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "node/cluster_int.h"

int cl_send_key(cluster *c, const uint8_t to[CLUSTER_KEY_BYTES], const cl_msg *m)
{
    uint8_t *buf;
    size_t len;
    if (cl_msg_encode(m, &buf, &len) != 0) return -1;
    int rc = c->cfg.send(c->cfg.send_arg, to, buf, len);
    free(buf);
    return rc;
}

int cl_session_send(cluster *c, const cl_session *s, unsigned round, unsigned to, const uint8_t *bc, size_t bc_len,
                    const uint8_t *p2p, size_t p2p_len)
{
    cl_msg m = {.kind = s->kind,
                .party = (uint8_t)s->self,
                .epoch = s->epoch,
                .round = (uint16_t)round,
                .bc = bc,
                .bc_len = bc_len,
                .p2p = p2p,
                .p2p_len = p2p_len};
    memcpy(m.sid, s->sid, CL_SID_BYTES);
    memcpy(m.sender, c->cfg.self_key, CLUSTER_KEY_BYTES);
    return cl_send_key(c, s->keys[to - 1], &m);
}

struct cl_waiter {
    struct cl_waiter *next;
    uint8_t sid[CL_SID_BYTES];
    pthread_cond_t cv;
};

int cl_session_wake(cluster *c, const uint8_t sid[CL_SID_BYTES])
{
    int n = 0;
    for (struct cl_waiter *w = c->waiters; w; w = w->next)
        if (!memcmp(w->sid, sid, CL_SID_BYTES)) pthread_cond_signal(&w->cv), n++;
    return n;
}

void cl_session_wake_all(cluster *c)
{
    for (struct cl_waiter *w = c->waiters; w; w = w->next) pthread_cond_signal(&w->cv);
}

/* Wait for a message of this session (or any other news: at most 200 ms, then the caller
 * re-checks aborts, stop and its monotonic deadline). */
static void wait_until(cluster *c, const cl_session *s, uint64_t until_ms)
{
    uint64_t now = cl_now_ms(), left = until_ms > now ? until_ms - now : 0;
    struct cl_waiter w = {.next = c->waiters};
    memcpy(w.sid, s->sid, CL_SID_BYTES);
    pthread_cond_init(&w.cv, NULL);
    c->waiters = &w;
    cl_wait_cv_ms(c, &w.cv, left > 200 ? 200 : (unsigned)left);
    struct cl_waiter **pp = &c->waiters;
    while (*pp != &w) pp = &(*pp)->next;
    *pp = w.next;
    pthread_cond_destroy(&w.cv);
}

/* Collect round `round` from every party in want into got[]; 0, or < 0 with e. c->mu held. */
static int collect(cluster *c, const cl_session *s, unsigned round, unsigned want, cl_item *got[CL_N + 1], cl_err *e)
{
    uint64_t until = cl_now_ms() + s->round_ms;
    if (s->deadline_ms && s->deadline_ms < until) until = s->deadline_ms;
    for (;;) {
        unsigned missing = 0;
        if (cl_dkg_aborted(c, s->epoch, e)) return CL_E_ABORTED; /* a member gave the DKG attempt up */
        for (unsigned q = 1; q <= CL_N; q++) {
            if (!(s->members & (1u << (q - 1))) || q == s->self) continue;
            cl_item *ab = cl_inbox_take(c, CL_KIND_ABORT, s->epoch, s->sid, 0, CL_ANY_PARTY, s->keys[q - 1]);
            if (ab) {
                cl_err_set(e, CL_E_ABORTED, 0, 0, "party %u aborted the %s session: %.*s", q, cl_kind_name(s->kind),
                           (int)(ab->m.bc_len > 120 ? 120 : ab->m.bc_len), ab->m.bc ? (const char *)ab->m.bc : "");
                cl_item_free(ab);
                return CL_E_ABORTED;
            }
            if (!(want & (1u << (q - 1))) || got[q]) continue;
            got[q] = cl_inbox_take(c, s->kind, s->epoch, s->sid, round, q, s->keys[q - 1]);
            if (!got[q]) missing |= 1u << (q - 1);
        }
        if (!missing) return 0;
        if (c->stopping) return cl_err_set(e, CL_E_STOPPED, 0, 0, "engine stopping"), CL_E_STOPPED;
        if (cl_now_ms() >= until) {
            cl_err_set(e, CL_E_TIMEOUT, 0, 0, "%s round %u: no message from parties 0x%x in time",
                       cl_kind_name(s->kind), round, missing);
            return CL_E_TIMEOUT;
        }
        wait_until(c, s, until);
    }
}

int cl_session_run(cluster *c, const cl_session *s, const cl_proto *p, void *st, cl_err *e)
{
    cl_item *got[CL_N + 1] = {0};
    cl_out out = {0};
    uint8_t *own_bc = NULL;
    size_t own_bc_len = 0;
    cl_in in = {0};
    int rc = 0;
    memset(e, 0, sizeof *e);
    for (unsigned round = 1; round <= CL_MSG_MAX_ROUND; round++) {
        int r = p->step(st, round, &in, &out, e);
        pthread_mutex_lock(&c->mu);
        for (unsigned q = 0; q <= CL_N; q++) cl_item_free(got[q]), got[q] = NULL;
        pthread_mutex_unlock(&c->mu);
        free(own_bc);
        own_bc = NULL;
        memset(&in, 0, sizeof in);
        if (r < 0) {
            rc = r;
            break;
        }
        for (unsigned q = 1; q <= CL_N; q++) {
            if (q == s->self || !(s->members & (1u << (q - 1))) || (!out.bc && !out.p2p[q])) continue;
            (void)cl_session_send(c, s, round, q, out.bc, out.bc_len, out.p2p[q], out.p2p_len[q]);
        }
        own_bc = out.bc, own_bc_len = out.bc_len;
        out.bc = NULL;
        cl_out_free(&out);
        if (r == CL_STEP_DONE) break;
        unsigned want = p->expect ? p->expect(st, round) : s->members & ~(1u << (s->self - 1));
        pthread_mutex_lock(&c->mu);
        rc = collect(c, s, round, want, got, e);
        pthread_mutex_unlock(&c->mu);
        if (rc) break;
        in.bc[s->self] = own_bc, in.bc_len[s->self] = own_bc_len;
        for (unsigned q = 1; q <= CL_N; q++) {
            if (!got[q]) continue;
            in.bc[q] = got[q]->m.bc, in.bc_len[q] = got[q]->m.bc_len;
            in.p2p[q] = got[q]->m.p2p, in.p2p_len[q] = got[q]->m.p2p_len;
        }
    }
    pthread_mutex_lock(&c->mu);
    for (unsigned q = 0; q <= CL_N; q++) cl_item_free(got[q]);
    pthread_mutex_unlock(&c->mu);
    free(own_bc);
    cl_out_free(&out);
    if (rc == 0 && e->code) rc = e->code;
    return rc;
}

/* Tell the other members that we give this session up (the reason travels as text). */
void cl_session_abort(cluster *c, const cl_session *s, const char *reason)
{
    cl_msg m = {.kind = CL_KIND_ABORT,
                .party = (uint8_t)s->self,
                .epoch = s->epoch,
                .round = 0,
                .bc = (const uint8_t *)reason,
                .bc_len = strlen(reason)};
    memcpy(m.sid, s->sid, CL_SID_BYTES);
    memcpy(m.sender, c->cfg.self_key, CLUSTER_KEY_BYTES);
    for (unsigned q = 1; q <= CL_N; q++)
        if (q != s->self && (s->members & (1u << (q - 1)))) (void)cl_send_key(c, s->keys[q - 1], &m);
}

/* gateway_sign.c: the node client (see gateway_sign.h). */
#include "gateway/gateway_sign.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/base.h"
#include "tsp/tsp_parse.h"
#include "tsp/tsp_req.h"

#define TICK_MS 50
#define HEALTH_MS 1000
#define NODE_STALL_MS 3000         /* STATUS unanswered this long: the node is stalled, reconnect */
#define NODE_MAX_UNSENT (1u << 20) /* requests the node has not read: it is stalled */

typedef struct {
    gw_sign_job *head, *tail;
    unsigned n;
} job_fifo;

typedef struct gw_signer gw_signer_t;
typedef struct {
    gw_signer_t *s;
    node_addr addr;
    struct bufferevent *bev;
    int connected, up, online;
    proto_status st;
    uint64_t status_sent, status_seen; /* monotonic ms; status_sent 0 = none outstanding */
    job_fifo inflight;
} node_link;

struct gw_signer {
    gw_signer_config cfg;
    struct event_base *base;
    struct event *wake, *tick, *stop_ev;
    pthread_t thread;
    int thread_started;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    job_fifo submitted;
    job_fifo waiting;       /* every node it may go to is at its concurrency cap */
    unsigned waiting_gauge; /* waiting.n for /metrics (atomic: the loop writes, HTTP threads read) */
    unsigned inflight;
    int stopping, ready;
    uint32_t next_id;
    unsigned rr;
    uint64_t last_health;
    uint64_t retries[GW_RETRY_REASONS]; /* under mu */
    node_link nodes[GW_MAX_NODES];
};

static const char *const retry_names[GW_RETRY_REASONS] = {"retry_elsewhere", "unavailable", "node_error", "node_lost",
                                                          "bad_reply"};

const char *gw_retry_reason_name(int r) { return r >= 0 && r < GW_RETRY_REASONS ? retry_names[r] : "unknown"; }

static void count_retry(gw_signer_t *s, int reason)
{
    pthread_mutex_lock(&s->mu);
    s->retries[reason]++;
    pthread_mutex_unlock(&s->mu);
}

static uint64_t now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000u + (uint64_t)t.tv_nsec / 1000000u;
}

static void fifo_push(job_fifo *f, gw_sign_job *j)
{
    j->next = NULL;
    if (f->tail)
        f->tail->next = j;
    else
        f->head = j;
    f->tail = j;
    f->n++;
}

static gw_sign_job *fifo_pop(job_fifo *f)
{
    gw_sign_job *j = f->head;
    if (j && !(f->head = j->next)) f->tail = NULL;
    if (j) f->n--;
    return j;
}

/* Remove and return the job with this id, or NULL. */
static gw_sign_job *fifo_take(job_fifo *f, uint32_t id)
{
    gw_sign_job *prev = NULL;
    for (gw_sign_job *j = f->head; j; prev = j, j = j->next)
        if (j->id == id) {
            if (prev)
                prev->next = j->next;
            else
                f->head = j->next;
            if (f->tail == j) f->tail = prev;
            f->n--;
            return j;
        }
    return NULL;
}

static void complete(gw_signer *s, gw_sign_job *j)
{
    pthread_mutex_lock(&s->mu);
    s->inflight--;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    j->done(j);
}

/* Complete with a rejection built here (the gateway needs no key for one); a query completes
 * with the reason only. */
static void complete_refusal(gw_signer *s, gw_sign_job *j, int fail, const char *why, int unavailable, int profile)
{
    snprintf(j->why, sizeof j->why, "%s", why);
    j->res = (tsp_engine_result){.status = TSP_STATUS_REJECTION,
                                 .fail = fail,
                                 .profile = profile,
                                 .why = j->why,
                                 .unavailable = unavailable,
                                 .kind = unavailable ? TSP_OUTCOME_UNAVAILABLE : TSP_OUTCOME_FINAL};
    j->rc = j->query ? 0 : tsp_resp_reject((tsp_fail)fail, j->why, &j->resp, &j->resp_len);
    complete(s, j);
}

static void close_link(gw_signer *s, node_link *n, const char *why);
static void dispatch(gw_signer *s, gw_sign_job *j, const char *last_why, int last_fail);

/* A node finished something (or the tick fired, or a job arrived): waiting jobs go out in arrival
 * order; those that still find every node full wait on, in the same order. */
static void drain_waiting(gw_signer *s)
{
    job_fifo w = s->waiting;
    s->waiting = (job_fifo){0};
    for (gw_sign_job *j; (j = fifo_pop(&w));) dispatch(s, j, NULL, 0);
    __atomic_store_n(&s->waiting_gauge, s->waiting.n, __ATOMIC_RELAXED);
}

/* `up`, `online` and `st` are read by /health and /metrics from HTTP threads: written under the
 * lock. Only ever cleared here (a STATUS answer sets them). */
static void set_down(gw_signer *s, node_link *n)
{
    pthread_mutex_lock(&s->mu);
    n->up = n->online = 0;
    pthread_mutex_unlock(&s->mu);
}

static void send_frame(gw_signer *s, node_link *n, uint8_t type, uint32_t id, const uint8_t *body, size_t len)
{
    uint8_t h[PROTO_HEADER_LEN];
    proto_header_write(h, type, id, (uint32_t)len);
    if (bufferevent_write(n->bev, h, sizeof h) != 0 || (len && bufferevent_write(n->bev, body, len) != 0) ||
        evbuffer_get_length(bufferevent_get_output(n->bev)) > NODE_MAX_UNSENT)
        close_link(s, n, "node does not read its requests");
}

/* Send the job to the node that is up, has not had it and has the fewest jobs in flight (ties in
 * turn): a node busy with a long token (many threshold ML-DSA attempts) gets no new ones queued
 * behind it while others are idle. If that node already signs node_cap requests, every node the
 * job may go to is full: the job waits in s->waiting (one queue for all nodes, in arrival order,
 * so it goes to whichever node frees first rather than queueing behind a long token on one of
 * them) until a node answers. No node left: 503. */
static void dispatch(gw_signer *s, gw_sign_job *j, const char *last_why, int last_fail)
{
    unsigned n = s->cfg.nnodes;
    if (now_ms() >= j->deadline) {
        complete_refusal(s, j, TSP_FAIL_SYSTEM_FAILURE, "no node answered in time, retry later", 1, -1);
        return;
    }
    int best = -1;
    for (unsigned k = 0; k < n; k++) {
        unsigned i = (s->rr + k) % n;
        node_link *nl = &s->nodes[i];
        if (!nl->up || !nl->connected || (j->tried & (1u << i))) continue;
        if (best < 0 || nl->inflight.n < s->nodes[best].inflight.n) best = (int)i;
    }
    if (best >= 0 && !j->query && s->cfg.node_cap && s->nodes[best].inflight.n >= s->cfg.node_cap) {
        fifo_push(&s->waiting, j);
        __atomic_store_n(&s->waiting_gauge, s->waiting.n, __ATOMIC_RELAXED);
        return;
    }
    if (best >= 0) {
        unsigned i = (unsigned)best;
        node_link *nl = &s->nodes[i];
        s->rr = (i + 1) % n;
        uint8_t body[256];
        uint64_t left = j->deadline - now_ms();
        j->sreq.deadline_ms = (uint16_t)(left > 65535 ? 65535 : left);
        size_t len = j->query ? 0 : proto_sign_req_encode(&j->sreq, body, sizeof body);
        j->id = ++s->next_id;
        j->node = (int)i;
        j->tried |= 1u << i;
        j->attempts++;
        fifo_push(&nl->inflight, j);
        /* on failure close_link re-dispatches j */
        if (j->query)
            send_frame(s, nl, j->query, j->id, j->req, j->req_len);
        else
            send_frame(s, nl, PROTO_SIGN, j->id, body, len);
        return;
    }
    if (last_why)
        complete_refusal(s, j, last_fail, last_why, 1, -1);
    else
        complete_refusal(s, j, TSP_FAIL_SYSTEM_FAILURE, "signing quorum unavailable, retry later", 1, -1);
}

/* The TimeStampReq is parsed here; only its fields travel to the node. */
static void prepare(gw_signer *s, gw_sign_job *j)
{
    tsp_req req;
    tsp_fail fail;
    const char *why = NULL;
    j->tried = 0;
    j->attempts = 0;
    j->resp = NULL;
    j->resp_len = 0;
    if (j->query) {
        j->deadline = now_ms() + s->cfg.deadline_ms;
        dispatch(s, j, NULL, 0);
        return;
    }
    if (tsp_req_parse(j->req, j->req_len, &req, &fail, &why) != 0) {
        complete_refusal(s, j, fail, why, 0, -1);
        return;
    }
    proto_sign_req *r = &j->sreq;
    memset(r, 0, sizeof *r);
    int tmpl = proto_imprint_template_of(req.imprint_tlv, req.imprint_tlv_len, (int)req.hash);
    if (tmpl < 0 || req.hashed_len > PROTO_DIGEST_MAX) {
        complete_refusal(s, j, TSP_FAIL_BAD_ALG, "unsupported MessageImprint encoding", 0, -1);
        return;
    }
    if (req.policy_len > PROTO_POLICY_MAX) {
        complete_refusal(s, j, TSP_FAIL_UNACCEPTED_POLICY, "requested policy is not offered here", 0, -1);
        return;
    }
    r->profile = j->path_profile == TSP_PATH_DEFAULT ? PROTO_PROFILE_DEFAULT : (uint8_t)j->path_profile;
    r->cert_req = req.cert_req ? 1 : 0;
    r->imprint_template = (uint8_t)tmpl;
    r->digest_len = (uint8_t)req.hashed_len;
    memcpy(r->digest, req.hashed, req.hashed_len);
    r->policy_len = (uint8_t)req.policy_len;
    if (req.policy) memcpy(r->policy, req.policy, req.policy_len);
    if (req.nonce_tlv) { /* short-form INTEGER of at most 21 content bytes (checked by the parser) */
        r->nonce_len = req.nonce_tlv[1];
        memcpy(r->nonce, req.nonce_tlv + 2, r->nonce_len);
    }
    j->deadline = now_ms() + s->cfg.deadline_ms;
    if (s->waiting.n) { /* behind the jobs already waiting */
        fifo_push(&s->waiting, j);
        drain_waiting(s);
        return;
    }
    dispatch(s, j, NULL, 0);
}

static void close_link(gw_signer *s, node_link *n, const char *why)
{
    if (n->bev) {
        cc_log(CC_LOG_WARN, "cctsa-gateway", "node %s: %s", n->addr.text, why);
        bufferevent_free(n->bev);
    }
    n->bev = NULL;
    set_down(s, n);
    n->connected = 0;
    n->status_sent = 0;
    job_fifo orphans = n->inflight;
    n->inflight = (job_fifo){0};
    for (gw_sign_job *j; (j = fifo_pop(&orphans));) {
        count_retry(s, GW_RETRY_NODE_LOST);
        dispatch(s, j, NULL, 0);
    }
}

/* A GRANTED reply must be a granted TimeStampResp with one token whose TSTInfo carries the
 * request's hash algorithm, digest and nonce. The signatures are not checked here: a single node
 * cannot make them (threshold keys), the relying party verifies them, and what a lying or broken
 * node can do alone (garbage, another request's token) is caught by these checks. NULL if so. */
static const char *bad_reply(const gw_sign_job *j, const uint8_t *der, size_t len)
{
    tsp_req req;
    tsp_fail fail;
    const char *why = NULL;
    char err[128];
    tsp_parsed *p = malloc(sizeof *p);
    if (!p) return "out of memory";
    const char *bad = NULL;
    if (tsp_req_parse(j->req, j->req_len, &req, &fail, &why) != 0)
        bad = "request no longer parses";
    else if (tsp_parse(der, len, p, err, sizeof err) != 0 || !p->has_resp)
        bad = "reply is not a TimeStampResp";
    else if (p->status > 1 || !p->token.n || p->nsigners < 1)
        bad = "reply is not a granted token";
    else if (p->tstinfo.hash != (int)req.hash || p->tstinfo.hashed_len != req.hashed_len ||
             memcmp(p->tstinfo.hashed, req.hashed, req.hashed_len))
        bad = "token's imprint is not the request's";
    else {
        const uint8_t *nonce = req.nonce_tlv ? req.nonce_tlv + 2 : NULL; /* short-form INTEGER (tsp_req_parse) */
        size_t nl = req.nonce_tlv ? req.nonce_tlv_len - 2 : 0;
        while (nl > 1 && nonce[0] == 0) nonce++, nl--; /* magnitude, as tsp_tstinfo_parse gives it */
        if (!nonce != !p->tstinfo.nonce ||
            (nonce && (p->tstinfo.nonce_len != nl || memcmp(p->tstinfo.nonce, nonce, nl))))
            bad = "token's nonce is not the request's";
    }
    free(p);
    return bad;
}

static void on_sign_result(gw_signer *s, node_link *n, uint32_t id, const uint8_t *body, size_t len)
{
    gw_sign_job *j = fifo_take(&n->inflight, id);
    proto_sign_resp r;
    const char *why = NULL;
    if (!j) return; /* answer after the job's deadline: already completed */
    if (proto_sign_resp_parse(body, len, &r, &why) != 0) {
        fifo_push(&n->inflight, j); /* close_link re-dispatches it */
        close_link(s, n, why);
        return;
    }
    int profile = r.profile < TSP_PROFILE_COUNT ? r.profile : -1;
    switch (r.outcome) {
    case PROTO_GRANTED:
        if ((why = bad_reply(j, r.der, r.der_len)) != NULL) {
            cc_log(CC_LOG_WARN, "cctsa-gateway", "node %s: GRANTED reply refused: %s; trying another node",
                   n->addr.text, why);
            count_retry(s, GW_RETRY_BAD_REPLY);
            dispatch(s, j, why, TSP_FAIL_SYSTEM_FAILURE);
            break;
        }
        j->resp = malloc(r.der_len);
        j->rc = j->resp ? 0 : -1;
        if (j->resp) memcpy(j->resp, r.der, r.der_len);
        j->resp_len = r.der_len;
        j->res = (tsp_engine_result){.status = TSP_STATUS_GRANTED, .fail = -1, .profile = profile};
        complete(s, j);
        break;
    case PROTO_REJECTED: complete_refusal(s, j, r.fail_bit, r.reason, 0, profile); break;
    default: /* retry elsewhere, or this node cannot sign now */
        count_retry(s, r.outcome == PROTO_UNAVAILABLE ? GW_RETRY_UNAVAILABLE : GW_RETRY_RETRY_ELSEWHERE);
        dispatch(s, j, r.reason, r.fail_bit);
        break;
    }
}

/* The answer to a query: its body, copied. */
static void on_query_answer(gw_signer *s, node_link *n, const proto_header *h, const uint8_t *body)
{
    gw_sign_job *j = fifo_take(&n->inflight, h->id);
    if (!j) return;
    if (h->type != (j->query | PROTO_RESPONSE)) {
        fifo_push(&n->inflight, j);
        close_link(s, n, "answer of another type than the request");
        return;
    }
    j->resp = malloc(h->body_len ? h->body_len : 1);
    j->rc = j->resp ? 0 : -1;
    if (j->resp && h->body_len) memcpy(j->resp, body, h->body_len);
    j->resp_len = h->body_len;
    j->res = (tsp_engine_result){.status = TSP_STATUS_GRANTED, .fail = -1, .profile = -1};
    complete(s, j);
}

static void on_read(struct bufferevent *bev, void *arg)
{
    node_link *n = arg;
    gw_signer *s = n->s;
    struct evbuffer *in = bufferevent_get_input(bev);
    for (;;) {
        uint8_t hb[PROTO_HEADER_LEN];
        proto_header h;
        const char *why = NULL;
        size_t avail = evbuffer_get_length(in);
        if (avail < PROTO_HEADER_LEN) return;
        evbuffer_copyout(in, hb, sizeof hb);
        if (proto_header_parse(hb, 0, &h, &why) != 0) {
            close_link(s, n, why);
            return;
        }
        if (avail < PROTO_HEADER_LEN + (size_t)h.body_len) return;
        evbuffer_drain(in, PROTO_HEADER_LEN);
        const uint8_t *body = h.body_len ? evbuffer_pullup(in, h.body_len) : (const uint8_t *)"";
        if (!body) {
            close_link(s, n, "out of memory");
            return;
        }
        if (h.type == (PROTO_SIGN | PROTO_RESPONSE)) {
            on_sign_result(s, n, h.id, body, h.body_len);
        } else if (h.type == (PROTO_STATUS | PROTO_RESPONSE)) {
            proto_status st;
            if (proto_status_parse(body, h.body_len, &st, &why) != 0) {
                close_link(s, n, why);
                return;
            }
            pthread_mutex_lock(&s->mu);
            n->st = st;
            n->online = 1;
            n->up = st.node_state == PROTO_NODE_SERVING;
            n->status_sent = 0;
            n->status_seen = now_ms();
            s->ready = 1;
            pthread_cond_broadcast(&s->cv);
            pthread_mutex_unlock(&s->mu);
        } else if (h.type == PROTO_ERROR) {
            uint16_t code;
            char reason[PROTO_REASON_MAX + 1];
            gw_sign_job *j = fifo_take(&n->inflight, h.id);
            if (proto_error_parse(body, h.body_len, &code, reason) != 0) snprintf(reason, sizeof reason, "node error");
            if (j) count_retry(s, GW_RETRY_NODE_ERROR);
            if (j) dispatch(s, j, reason, TSP_FAIL_SYSTEM_FAILURE);
        } else if (h.type & PROTO_RESPONSE) {
            on_query_answer(s, n, &h, body);
        } else {
            close_link(s, n, "unexpected message type");
            return;
        }
        if (s->waiting.n) drain_waiting(s);
        if (!n->bev) return; /* closed while handling */
        evbuffer_drain(in, h.body_len);
    }
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
    node_link *n = arg;
    (void)bev;
    if (what & BEV_EVENT_CONNECTED) {
        n->connected = 1;
        cc_log(CC_LOG_INFO, "cctsa-gateway", "node %s: connected", n->addr.text);
        send_frame(n->s, n, PROTO_STATUS, 0, NULL, 0);
        n->status_sent = now_ms();
    } else if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
        if (!n->connected) { /* connect failed: quietly try again at the next health round */
            bufferevent_free(n->bev);
            n->bev = NULL;
        } else {
            close_link(n->s, n, what & BEV_EVENT_EOF ? "connection closed" : "connection error");
        }
    }
}

static void connect_link(gw_signer *s, node_link *n)
{
    int fd = node_addr_socket(&n->addr);
    if (fd < 0) return;
    n->connected = 0;
    if (!(n->bev = bufferevent_socket_new(s->base, fd, BEV_OPT_CLOSE_ON_FREE))) {
        close(fd);
        return;
    }
    bufferevent_setcb(n->bev, on_read, NULL, on_event, n);
    if (bufferevent_socket_connect(n->bev, (struct sockaddr *)&n->addr.sa, (int)n->addr.len) != 0) {
        bufferevent_free(n->bev);
        n->bev = NULL;
        return;
    }
    bufferevent_enable(n->bev, EV_READ | EV_WRITE);
}

/* Every TICK_MS: deadlines; every HEALTH_MS: STATUS to each node, reconnects, stall checks. */
static void on_tick(evutil_socket_t fd, short what, void *arg)
{
    gw_signer *s = arg;
    uint64_t now = now_ms();
    (void)fd;
    (void)what;
    for (unsigned i = 0; i < s->cfg.nnodes; i++) {
        node_link *n = &s->nodes[i];
        /* Jobs past their deadline: the node is slow or stalled; answer 503 now. A late answer
         * finds no job and is dropped. */
        for (gw_sign_job *j = n->inflight.head, *next; j; j = next) {
            next = j->next;
            if (now >= j->deadline) {
                fifo_take(&n->inflight, j->id);
                complete_refusal(s, j, TSP_FAIL_SYSTEM_FAILURE, "node did not answer in time, retry later", 1, -1);
            }
        }
        if (n->bev && n->connected && n->status_sent && now - n->status_sent > NODE_STALL_MS)
            close_link(s, n, "STATUS unanswered: node stalled");
        else if (n->online && now - n->status_seen > NODE_STALL_MS)
            set_down(s, n);
    }
    if (s->waiting.n) drain_waiting(s);
    if (now - s->last_health < HEALTH_MS) return;
    s->last_health = now;
    for (unsigned i = 0; i < s->cfg.nnodes; i++) {
        node_link *n = &s->nodes[i];
        if (!n->bev) {
            connect_link(s, n);
        } else if (n->connected && !n->status_sent) {
            n->status_sent = now;
            send_frame(s, n, PROTO_STATUS, 0, NULL, 0);
        }
    }
}

static void on_wake(evutil_socket_t fd, short what, void *arg)
{
    gw_signer *s = arg;
    (void)fd;
    (void)what;
    for (;;) {
        pthread_mutex_lock(&s->mu);
        gw_sign_job *j = fifo_pop(&s->submitted);
        pthread_mutex_unlock(&s->mu);
        if (!j) break;
        prepare(s, j);
    }
}

static void on_stop(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    event_base_loopbreak(((gw_signer *)arg)->base);
}

static void *loop(void *arg)
{
    gw_signer *s = arg;
    event_base_dispatch(s->base);
    return NULL;
}

gw_signer *gw_signer_new(const gw_signer_config *cfg)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    if (!cfg->nnodes || cfg->nnodes > GW_MAX_NODES || !cfg->max_inflight || !cfg->deadline_ms) return NULL;
    pthread_once(&once, (void (*)(void))evthread_use_pthreads);
    gw_signer *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->cfg = *cfg;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, &ca);
    pthread_condattr_destroy(&ca);
    for (unsigned i = 0; i < cfg->nnodes; i++) {
        s->nodes[i].s = s;
        s->nodes[i].addr = cfg->nodes[i];
    }
    struct timeval tick = {0, TICK_MS * 1000};
    if (!(s->base = event_base_new()) || !(s->wake = event_new(s->base, -1, 0, on_wake, s)) ||
        !(s->stop_ev = event_new(s->base, -1, 0, on_stop, s)) ||
        !(s->tick = event_new(s->base, -1, EV_PERSIST, on_tick, s)) || event_add(s->tick, &tick) != 0) {
        gw_signer_free(s);
        return NULL;
    }
    for (unsigned i = 0; i < cfg->nnodes; i++) connect_link(s, &s->nodes[i]);
    s->last_health = now_ms();
    if (pthread_create(&s->thread, NULL, loop, s) != 0) {
        gw_signer_free(s);
        return NULL;
    }
    s->thread_started = 1;
    return s;
}

int gw_signer_wait_ready(gw_signer *s, unsigned ms)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += ms / 1000;
    until.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) until.tv_sec++, until.tv_nsec -= 1000000000L;
    pthread_mutex_lock(&s->mu);
    while (!s->ready && pthread_cond_timedwait(&s->cv, &s->mu, &until) != ETIMEDOUT) {
    }
    int r = s->ready;
    pthread_mutex_unlock(&s->mu);
    return r;
}

void gw_signer_health(gw_signer *s, gw_nodes_health *h)
{
    /* Read without the loop's cooperation: a torn read of one status is harmless for /health,
     * but take the lock the STATUS handler takes so the copy is whole. */
    memset(h, 0, sizeof *h);
    h->cert.state = TSP_CERT_NONE;
    pthread_mutex_lock(&s->mu);
    h->nodes = s->cfg.nnodes;
    for (unsigned i = 0; i < s->cfg.nnodes; i++) {
        const node_link *n = &s->nodes[i];
        if (n->online && !h->have_st) {
            h->have_st = 1;
            h->st = n->st;
        }
        if (!n->up) continue;
        if (!h->up) {
            h->up = 1;
            h->st = n->st;
        }
        h->nodes_up++;
    }
    pthread_mutex_unlock(&s->mu);
    if (h->up) {
        h->cert.state = (tsp_cert_state)h->st.cert_state;
        h->cert.not_after = (time_t)h->st.not_after;
        h->cert.seconds_left = h->st.seconds_left;
    }
}

unsigned gw_signer_nodes(gw_signer *s, gw_node_view *out)
{
    pthread_mutex_lock(&s->mu);
    for (unsigned i = 0; i < s->cfg.nnodes; i++) {
        const node_link *n = &s->nodes[i];
        snprintf(out[i].addr, sizeof out[i].addr, "%s", n->addr.text);
        out[i].online = n->online;
        out[i].serving = n->up;
        out[i].st = n->st;
    }
    pthread_mutex_unlock(&s->mu);
    return s->cfg.nnodes;
}

void gw_signer_load(gw_signer *s, unsigned *admitted, unsigned *waiting)
{
    pthread_mutex_lock(&s->mu);
    *admitted = s->inflight;
    pthread_mutex_unlock(&s->mu);
    *waiting = __atomic_load_n(&s->waiting_gauge, __ATOMIC_RELAXED);
}

void gw_signer_retries(gw_signer *s, uint64_t out[GW_RETRY_REASONS])
{
    pthread_mutex_lock(&s->mu);
    memcpy(out, s->retries, sizeof s->retries);
    pthread_mutex_unlock(&s->mu);
}

int gw_signer_submit(gw_signer *s, gw_sign_job *job)
{
    pthread_mutex_lock(&s->mu);
    int ok = !s->stopping && s->inflight < s->cfg.max_inflight;
    if (ok) {
        s->inflight++;
        fifo_push(&s->submitted, job);
    }
    pthread_mutex_unlock(&s->mu);
    if (ok) event_active(s->wake, EV_READ, 0);
    return ok ? 0 : -1;
}

void gw_signer_stop(gw_signer *s)
{
    if (!s || !s->thread_started) return;
    pthread_mutex_lock(&s->mu);
    s->stopping = 1;
    while (s->inflight) pthread_cond_wait(&s->cv, &s->mu); /* every job ends by its deadline */
    pthread_mutex_unlock(&s->mu);
    event_active(s->stop_ev, EV_READ, 0);
    pthread_join(s->thread, NULL);
    s->thread_started = 0;
}

void gw_signer_free(gw_signer *s)
{
    if (!s) return;
    for (unsigned i = 0; i < s->cfg.nnodes; i++)
        if (s->nodes[i].bev) bufferevent_free(s->nodes[i].bev);
    if (s->wake) event_free(s->wake);
    if (s->stop_ev) event_free(s->stop_ev);
    if (s->tick) event_free(s->tick);
    if (s->base) event_base_free(s->base);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    free(s);
}

/* node_server.c: frames in, answers out, on libevent (see node_server.h). */
#include "node/node_server.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/listener.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "attest/attest.h"
#include "base/base.h"

#define MAX_CONNS 64
#define MAX_PENDING 4096      /* delayed answers per connection */
#define MAX_UNREAD (8u << 20) /* answers the peer has not read: cut beyond this */
#define FRAME_SECONDS 1       /* a started frame must complete within this */
#define IDLE_SECONDS 60
#define SIGN_MIN_LEFT_MS 300 /* a SIGN with less of the gateway's deadline left is not started */

typedef struct conn conn;
typedef struct sign_job {
    uint64_t conn_id; /* the connection's cid: it may close while the job is signed */
    uint32_t id;
    uint8_t type; /* PROTO_SIGN, or PROTO_CONTROL / PROTO_CERT_INSTALL with their body below */
    proto_sign_req r;
    uint8_t *body;      /* CONTROL, CERT_INSTALL: a copy of the request body (parsed on the loop) */
    uint64_t queued_ms; /* monotonic, when it was queued for the workers */
    size_t body_len;
    int granted;
    uint8_t *frame; /* the whole answer frame (SIGN result or ERROR) */
    size_t frame_len;
    struct sign_job *next;
} sign_job;
typedef struct delayed {
    struct event *ev;
    conn *c;
    uint8_t *frame;
    size_t len;
    struct delayed *prev, *next;
} delayed;

struct conn {
    node_server *s;
    struct bufferevent *bev;
    struct event *frame_timer;
    delayed *pending;
    unsigned npending, njobs; /* answers waiting out the delay; requests with the workers */
    uint64_t cid;
    conn *prev, *next;
};

struct node_server {
    struct event_base *base;
    struct evconnlistener *listener;
    node_server_config cfg;
    conn *conns;
    unsigned nconns;
    time_t started;
    uint64_t granted, refused, next_cid;
    /* signing workers: todo is theirs, done comes back to the loop through done_ev */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    sign_job *todo, *todo_tail, *done, *done_tail;
    int stopping;
    struct event *done_ev;
    pthread_t workers[NODE_MAX_SIGN_WORKERS];
    unsigned nworkers;
};

static void log_msg(const char *what, const char *why) { cc_log(CC_LOG_WARN, "cctsa-node", "%s: %s", what, why); }

static void drop_jobs(node_server *s, uint64_t cid);

static void conn_close(conn *c)
{
    node_server *s = c->s;
    if (c->njobs) drop_jobs(s, c->cid); /* not signed yet: nobody will read the answer */
    while (c->pending) {
        delayed *d = c->pending;
        c->pending = d->next;
        event_free(d->ev);
        free(d->frame);
        free(d);
    }
    if (c->frame_timer) event_free(c->frame_timer);
    bufferevent_free(c->bev);
    if (c->prev)
        c->prev->next = c->next;
    else
        s->conns = c->next;
    if (c->next) c->next->prev = c->prev;
    s->nconns--;
    free(c);
}

static void violation(conn *c, const char *why)
{
    log_msg("closing a gateway connection", why);
    conn_close(c);
}

/* Queue bytes to the peer; 0, or -1 if the connection was closed (peer not reading). */
static int send_bytes(conn *c, const void *p, size_t n)
{
    if (bufferevent_write(c->bev, p, n) != 0 || evbuffer_get_length(bufferevent_get_output(c->bev)) > MAX_UNREAD) {
        violation(c, "peer does not read its answers");
        return -1;
    }
    return 0;
}

static int send_error(conn *c, uint32_t id, uint16_t code, const char *why)
{
    uint8_t f[PROTO_HEADER_LEN + 2 + PROTO_REASON_MAX];
    size_t n = proto_error_frame(id, code, why, f, sizeof f);
    return send_bytes(c, f, n);
}

static int send_frame(conn *c, uint8_t type, uint32_t id, const uint8_t *body, size_t len)
{
    uint8_t h[PROTO_HEADER_LEN];
    proto_header_write(h, type, id, (uint32_t)len);
    if (send_bytes(c, h, sizeof h) != 0) return -1;
    return len ? send_bytes(c, body, len) : 0;
}

static void delayed_fire(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    delayed *d = arg;
    conn *c = d->c;
    if (d->prev)
        d->prev->next = d->next;
    else
        c->pending = d->next;
    if (d->next) d->next->prev = d->prev;
    c->npending--;
    uint8_t *f = d->frame;
    size_t n = d->len;
    event_free(d->ev);
    free(d);
    send_bytes(c, f, n);
    free(f);
}

/* Send a whole frame now, or after the development signing delay. Takes f. */
static int send_later(conn *c, uint8_t *f, size_t n)
{
    unsigned ms = c->s->cfg.sign_delay_ms;
    if (!ms) {
        int rc = send_bytes(c, f, n);
        free(f);
        return rc;
    }
    delayed *d = calloc(1, sizeof *d);
    if (!d || c->npending >= MAX_PENDING || !(d->ev = evtimer_new(c->s->base, delayed_fire, d))) {
        free(d);
        free(f);
        violation(c, "too many requests in flight");
        return -1;
    }
    struct timeval tv = {ms / 1000, (long)(ms % 1000) * 1000};
    d->c = c;
    d->frame = f;
    d->len = n;
    d->next = c->pending;
    if (d->next) d->next->prev = d;
    c->pending = d;
    c->npending++;
    evtimer_add(d->ev, &tv);
    return 0;
}

static uint8_t outcome_of(const tsp_engine_result *res)
{
    if (res->status == TSP_STATUS_GRANTED) return PROTO_GRANTED;
    if (res->kind == TSP_OUTCOME_UNAVAILABLE) return PROTO_UNAVAILABLE;
    return res->kind == TSP_OUTCOME_RETRY_ELSEWHERE ? PROTO_RETRY_ELSEWHERE : PROTO_REJECTED;
}

static uint64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Issue the token for one SIGN and encode the whole answer frame (a worker thread). The gateway's
 * deadline counts from the request's arrival: the time it waited for a worker is taken off, and
 * one that has (almost) run out is answered UNAVAILABLE without signing, so that a backlog does
 * not keep the node busy with requests the gateway has already answered with 503. */
static void issue_frame(node_server *s, sign_job *j)
{
    const proto_sign_req *r = &j->r;
    unsigned deadline_ms = r->deadline_ms;
    if (deadline_ms) {
        uint64_t waited = mono_ms() - j->queued_ms;
        if (waited + SIGN_MIN_LEFT_MS > deadline_ms) {
            proto_sign_resp late = {
                .outcome = PROTO_UNAVAILABLE, .fail_bit = (uint8_t)TSP_FAIL_SYSTEM_FAILURE, .profile = 0xFF};
            snprintf(late.reason, sizeof late.reason,
                     "waited %llu ms for a signing worker: past the deadline, not signed", (unsigned long long)waited);
            if (proto_sign_resp_frame(&late, j->id, &j->frame, &j->frame_len) != 0) j->frame = NULL;
            return;
        }
        deadline_ms -= (unsigned)waited;
    }
    uint8_t imprint[PROTO_IMPRINT_MAX], nonce[2 + PROTO_NONCE_MAX];
    size_t imprint_len = proto_imprint_build(r->imprint_template, r->digest, r->digest_len, imprint);
    nonce[0] = 0x02;
    nonce[1] = r->nonce_len;
    memcpy(nonce + 2, r->nonce, r->nonce_len);
    tsp_issue_req ir = {.path_profile = r->profile == PROTO_PROFILE_DEFAULT ? TSP_PATH_DEFAULT : r->profile,
                        .policy = r->policy_len ? r->policy : NULL,
                        .policy_len = r->policy_len,
                        .imprint_tlv = imprint,
                        .imprint_tlv_len = imprint_len,
                        .nonce_tlv = r->nonce_len ? nonce : NULL,
                        .nonce_tlv_len = r->nonce_len ? 2u + r->nonce_len : 0,
                        .cert_req = r->cert_req};
    uint8_t *der = NULL;
    size_t der_len = 0;
    tsp_engine_result res = {0};
    const char *err = "cannot encode a response";
    const node_backend *be = s->cfg.backend;
    if ((be ? be->issue(be->arg, &ir, deadline_ms, &der, &der_len, &res)
            : tsp_engine_issue(s->cfg.engine, &ir, &der, &der_len, &res)) == 0) {
        proto_sign_resp out = {.outcome = outcome_of(&res),
                               .fail_bit = res.fail < 0 ? 0 : (uint8_t)res.fail,
                               .profile = res.profile < 0 ? 0xFF : (uint8_t)res.profile};
        if (out.outcome == PROTO_GRANTED) {
            out.der = der;
            out.der_len = (uint32_t)der_len;
        } else {
            snprintf(out.reason, sizeof out.reason, "%s", res.why ? res.why : "refused");
        }
        j->granted = out.outcome == PROTO_GRANTED;
        err = proto_sign_resp_frame(&out, j->id, &j->frame, &j->frame_len) == 0 ? NULL : "answer too large";
    }
    free(der);
    if (err && (j->frame = malloc(PROTO_HEADER_LEN + 2 + PROTO_REASON_MAX)))
        j->frame_len =
            proto_error_frame(j->id, PROTO_ERR_INTERNAL, err, j->frame, PROTO_HEADER_LEN + 2 + PROTO_REASON_MAX);
}

/* CONTROL or CERT_INSTALL on a worker: the backend decides (it may fsync the audit log, or talk
 * to the peers); the answer frame says accepted or refused, with the reason. */
static void operator_frame(node_server *s, sign_job *j)
{
    const node_backend *be = s->cfg.backend;
    char why[PROTO_REASON_MAX + 1] = "";
    int ok = 0;
    size_t cap = PROTO_HEADER_LEN + 2 + PROTO_REASON_MAX;
    if (!(j->frame = malloc(cap))) return;
    if (j->type == PROTO_CONTROL) {
        proto_control_req r;
        const char *perr = NULL;
        if (proto_control_req_parse(j->body, j->body_len, &r, &perr) != 0)
            snprintf(why, sizeof why, "%s", perr);
        else if (!be || !be->control)
            snprintf(why, sizeof why, "operator commands need cluster mode");
        else
            ok = be->control(be->arg, &r, why, sizeof why) == 0;
        j->frame_len =
            proto_control_resp_frame(j->id, ok ? PROTO_CONTROL_ACCEPTED : PROTO_CONTROL_REFUSED, why, j->frame, cap);
        return;
    }
    proto_der_list l;
    const char *perr = NULL;
    if (proto_der_list_parse(j->body, j->body_len, PROTO_CERT_MAX, &l, &perr) != 0 || l.n != 2)
        snprintf(why, sizeof why, "%s", perr ? perr : "CERT_INSTALL takes exactly two certificates");
    else if (!be || !be->install)
        snprintf(why, sizeof why, "certificate installation needs cluster mode");
    else
        ok = be->install(be->arg, l.der[0], l.len[0], l.der[1], l.len[1], why, sizeof why) == 0;
    proto_install_resp ir = {.accepted = (uint8_t)ok};
    snprintf(ir.reason, sizeof ir.reason, "%s", ok ? "" : why);
    size_t n = proto_install_resp_encode(&ir, j->frame + PROTO_HEADER_LEN);
    proto_header_write(j->frame, PROTO_CERT_INSTALL | PROTO_RESPONSE, j->id, (uint32_t)n);
    j->frame_len = PROTO_HEADER_LEN + n;
}

static void job_free(sign_job *j)
{
    free(j->body);
    free(j->frame);
    free(j);
}

static void job_push(sign_job **head, sign_job **tail, sign_job *j)
{
    j->next = NULL;
    if (*tail)
        (*tail)->next = j;
    else
        *head = j;
    *tail = j;
}

static sign_job *job_pop(sign_job **head, sign_job **tail)
{
    sign_job *j = *head;
    if (j && !(*head = j->next)) *tail = NULL;
    return j;
}

/* Remove a closed connection's jobs that no worker has taken yet. */
static void drop_jobs(node_server *s, uint64_t cid)
{
    pthread_mutex_lock(&s->mu);
    sign_job *keep = NULL, *keep_tail = NULL;
    for (sign_job *j; (j = job_pop(&s->todo, &s->todo_tail));) {
        if (j->conn_id == cid)
            job_free(j);
        else
            job_push(&keep, &keep_tail, j);
    }
    s->todo = keep;
    s->todo_tail = keep_tail;
    pthread_mutex_unlock(&s->mu);
}

static void *sign_worker(void *arg)
{
    node_server *s = arg;
    pthread_mutex_lock(&s->mu);
    for (;;) {
        sign_job *j = job_pop(&s->todo, &s->todo_tail);
        if (!j) {
            if (s->stopping) break;
            pthread_cond_wait(&s->cv, &s->mu);
            continue;
        }
        pthread_mutex_unlock(&s->mu);
        if (j->type == PROTO_SIGN)
            issue_frame(s, j);
        else
            operator_frame(s, j);
        pthread_mutex_lock(&s->mu);
        job_push(&s->done, &s->done_tail, j);
        event_active(s->done_ev, EV_READ, 0);
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

/* Signed jobs back on the loop: to their connection if it is still open. */
static void on_done(evutil_socket_t fd, short what, void *arg)
{
    node_server *s = arg;
    (void)fd;
    (void)what;
    for (;;) {
        pthread_mutex_lock(&s->mu);
        sign_job *j = job_pop(&s->done, &s->done_tail);
        pthread_mutex_unlock(&s->mu);
        if (!j) break;
        if (j->type == PROTO_SIGN && j->granted)
            s->granted++;
        else if (j->type == PROTO_SIGN)
            s->refused++;
        conn *c = s->conns;
        while (c && c->cid != j->conn_id) c = c->next;
        if (c && j->frame) {
            c->njobs--;
            if (j->type == PROTO_SIGN)
                send_later(c, j->frame, j->frame_len); /* takes the frame */
            else
                send_bytes(c, j->frame, j->frame_len), free(j->frame);
            j->frame = NULL;
        }
        job_free(j);
    }
}

static int queue_job(conn *c, uint32_t id, sign_job *j)
{
    node_server *s = c->s;
    j->conn_id = c->cid;
    j->id = id;
    j->queued_ms = mono_ms();
    c->njobs++;
    pthread_mutex_lock(&s->mu);
    job_push(&s->todo, &s->todo_tail, j);
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
    return 0;
}

static int do_sign(conn *c, uint32_t id, const uint8_t *body, size_t len)
{
    const char *why = NULL;
    sign_job *j = calloc(1, sizeof *j);
    if (!j || proto_sign_req_parse(body, len, &j->r, &why) != 0) {
        free(j);
        send_error(c, id, PROTO_ERR_BAD_REQUEST, why ? why : "out of memory");
        violation(c, why ? why : "out of memory");
        return -1;
    }
    if (c->njobs + c->npending >= MAX_PENDING) {
        free(j);
        violation(c, "too many requests in flight");
        return -1;
    }
    j->type = PROTO_SIGN;
    return queue_job(c, id, j);
}

/* CONTROL and CERT_INSTALL: the body is checked on the loop (a violation closes the connection),
 * then a worker carries the request out. */
static int do_operator(conn *c, uint8_t type, uint32_t id, const uint8_t *body, size_t len)
{
    const char *why = NULL;
    proto_control_req cr;
    proto_der_list l;
    int bad = type == PROTO_CONTROL ? proto_control_req_parse(body, len, &cr, &why)
                                    : proto_der_list_parse(body, len, PROTO_CERT_MAX, &l, &why);
    if (bad == 0 && type == PROTO_CERT_INSTALL && l.n != 2)
        bad = -1, why = "CERT_INSTALL takes exactly two certificates";
    if (bad != 0) {
        send_error(c, id, PROTO_ERR_BAD_REQUEST, why ? why : "malformed request");
        violation(c, why ? why : "malformed request");
        return -1;
    }
    sign_job *j = calloc(1, sizeof *j);
    if (!j || !(j->body = malloc(len ? len : 1)) || c->njobs + c->npending >= MAX_PENDING) {
        if (j) free(j->body);
        free(j);
        violation(c, "too many requests in flight");
        return -1;
    }
    memcpy(j->body, body, len);
    j->body_len = len;
    j->type = type;
    return queue_job(c, id, j);
}

/* Cluster mode: the backend's answer, with this server's uptime and counters. */
static int do_cluster_status(conn *c, uint32_t id)
{
    node_server *s = c->s;
    proto_status st = s->cfg.base;
    s->cfg.backend->status(s->cfg.backend->arg, &st);
    st.uptime_s = (uint64_t)(time(NULL) - s->started);
    st.granted = s->granted;
    st.refused = s->refused;
    uint8_t b[PROTO_STATUS_MAX_LEN];
    size_t n = proto_status_write(&st, b);
    if (!n) return send_error(c, id, PROTO_ERR_INTERNAL, "status not encodable");
    return send_frame(c, PROTO_STATUS | PROTO_RESPONSE, id, b, n);
}

/* Cluster mode: CERTS or CSRS from the backend, as a DER list (ECDSA first). */
static int do_der_pair(conn *c, uint32_t id, uint8_t type,
                       int (*get)(void *, uint8_t **, size_t *, uint8_t **, size_t *))
{
    uint8_t *ec = NULL, *ml = NULL, *f = NULL;
    size_t ec_len = 0, ml_len = 0, n = 0;
    proto_der_list l = {0};
    int have = get && get(c->s->cfg.backend->arg, &ec, &ec_len, &ml, &ml_len) == 0;
    if (have && ec) l.der[l.n] = ec, l.len[l.n++] = ec_len;
    if (have && ml) l.der[l.n] = ml, l.len[l.n++] = ml_len;
    int rc;
    if (type == PROTO_CSRS && !have)
        rc = send_error(c, id, PROTO_ERR_NOT_AVAILABLE, "no CSRs: no live key epoch");
    else if (proto_der_list_frame(type | PROTO_RESPONSE, id, &l, &f, &n) != 0)
        rc = send_error(c, id, PROTO_ERR_INTERNAL, "answer too large");
    else
        rc = send_bytes(c, f, n);
    free(f);
    free(ec);
    free(ml);
    return rc;
}

static int do_binding(conn *c, uint32_t id)
{
    const node_backend *be = c->s->cfg.backend;
    uint8_t *der = NULL;
    size_t len = 0;
    if (!be || !be->binding)
        return send_error(c, id, PROTO_ERR_NOT_AVAILABLE, "binding not available before the cluster");
    if (be->binding(be->arg, &der, &len) != 0)
        return send_error(c, id, PROTO_ERR_NOT_AVAILABLE, "no binding record: no live key epoch");
    int rc = len <= proto_max_body(PROTO_BINDING | PROTO_RESPONSE)
                 ? send_frame(c, PROTO_BINDING | PROTO_RESPONSE, id, der, len)
                 : send_error(c, id, PROTO_ERR_INTERNAL, "binding record too large");
    free(der);
    return rc;
}

static int do_status(conn *c, uint32_t id)
{
    node_server *s = c->s;
    if (s->cfg.backend) return do_cluster_status(c, id);
    proto_status st = s->cfg.base;
    tsp_cert_status cs;
    time_t now = time(NULL);
    tsp_engine_cert_status(s->cfg.engine, now, &cs);
    st.cert_state = (uint8_t)cs.state;
    st.not_after = cs.not_after;
    st.seconds_left = cs.seconds_left;
    st.uptime_s = (uint64_t)(now - s->started);
    st.granted = s->granted;
    st.refused = s->refused;
    st.quorum_available = cs.state == TSP_CERT_OK || cs.state == TSP_CERT_EXPIRING;
    tsp_time_reading tr;
    tsp_time_read(&s->cfg.time, &tr);
    st.time_state = (uint8_t)tr.state;
    st.eps_ns = tr.eps_ns;
    st.flags = (uint8_t)((st.flags & ~PROTO_STATUS_DEV_CLOCK) | (tr.development ? PROTO_STATUS_DEV_CLOCK : 0));
    st.node_state = PROTO_NODE_SERVING; /* it holds keys; outside their validity it refuses (unavailable) */
    uint8_t b[PROTO_STATUS_LEN];
    proto_status_encode(&st, b);
    return send_frame(c, PROTO_STATUS | PROTO_RESPONSE, id, b, sizeof b);
}

static int do_certs(conn *c, uint32_t id)
{
    if (c->s->cfg.backend) return do_der_pair(c, id, PROTO_CERTS, c->s->cfg.backend->certs);
    const tsp_local_keys *k = c->s->cfg.keys;
    const uint8_t *certs[2] = {k->ec_cert, k->ml_cert};
    size_t lens[2] = {k->ec_cert_len, k->ml_cert_len}, total = 1;
    for (int i = 0; i < 2; i++) total += certs[i] ? 4 + lens[i] : 0;
    uint8_t *b = malloc(total);
    if (!b || total > proto_max_body(PROTO_CERTS | PROTO_RESPONSE)) {
        free(b);
        return send_error(c, id, PROTO_ERR_INTERNAL, "certificates do not fit");
    }
    size_t n = 1;
    b[0] = 0;
    for (int i = 0; i < 2; i++)
        if (certs[i]) {
            proto_put32(b + n, (uint32_t)lens[i]);
            memcpy(b + n + 4, certs[i], lens[i]);
            n += 4 + lens[i];
            b[0]++;
        }
    int rc = send_frame(c, PROTO_CERTS | PROTO_RESPONSE, id, b, n);
    free(b);
    return rc;
}

/* ATTEST: sim evidence with REPORT_DATA = SHA-512("cctsa-node-attest-v1" || nonce). Body:
 * report (1184 bytes) | u32 endorsements length | endorsements. */
static int do_attest(conn *c, uint32_t id, const uint8_t *nonce, size_t len)
{
    static const char label[] = "cctsa-node-attest-v1";
    uint8_t binding[ATTEST_BINDING_BYTES], chip[ATTEST_CHIP_ID_BYTES];
    unsigned blen = 0;
    if (len < PROTO_ATTEST_NONCE_MIN) {
        send_error(c, id, PROTO_ERR_BAD_REQUEST, "ATTEST nonce shorter than 16 bytes");
        violation(c, "short ATTEST nonce");
        return -1;
    }
    const node_backend *be = c->s->cfg.backend;
    if (!c->s->cfg.measurement && !be) return send_error(c, id, PROTO_ERR_NOT_AVAILABLE, "attestation not available");
    attest_evidence ev = {0};
    int ok;
    if (be) {
        ok = be->attest && be->attest(be->arg, nonce, len, &ev) == 0;
    } else {
        EVP_MD_CTX *md = EVP_MD_CTX_new();
        ok = md && EVP_DigestInit_ex(md, EVP_sha512(), NULL) == 1 &&
             EVP_DigestUpdate(md, label, sizeof label - 1) == 1 && EVP_DigestUpdate(md, nonce, len) == 1 &&
             EVP_DigestFinal_ex(md, binding, &blen) == 1;
        EVP_MD_CTX_free(md);
        ok = ok && attest_sim_chip_id("cctsa-node", chip) == 0 &&
             attest_sim_evidence(c->s->cfg.measurement, binding, chip, &ev) == ATTEST_OK;
    }
    if (!ok) return attest_evidence_free(&ev), send_error(c, id, PROTO_ERR_INTERNAL, "attestation failed");
    size_t n = ATTEST_REPORT_BYTES + 4 + ev.endorsements_len;
    uint8_t *b = malloc(n);
    int rc;
    if (!b || n > proto_max_body(PROTO_ATTEST | PROTO_RESPONSE)) {
        rc = send_error(c, id, PROTO_ERR_INTERNAL, "evidence too large");
    } else {
        memcpy(b, ev.report, ATTEST_REPORT_BYTES);
        proto_put32(b + ATTEST_REPORT_BYTES, (uint32_t)ev.endorsements_len);
        if (ev.endorsements_len) memcpy(b + ATTEST_REPORT_BYTES + 4, ev.endorsements, ev.endorsements_len);
        rc = send_frame(c, PROTO_ATTEST | PROTO_RESPONSE, id, b, n);
    }
    free(b);
    attest_evidence_free(&ev);
    return rc;
}

static int dispatch(conn *c, const proto_header *h, const uint8_t *body)
{
    switch (h->type) {
    case PROTO_SIGN: return do_sign(c, h->id, body, h->body_len);
    case PROTO_STATUS: return do_status(c, h->id);
    case PROTO_CERTS: return do_certs(c, h->id);
    case PROTO_ATTEST: return do_attest(c, h->id, body, h->body_len);
    case PROTO_BINDING: return do_binding(c, h->id);
    case PROTO_CSRS:
        if (c->s->cfg.backend) return do_der_pair(c, h->id, PROTO_CSRS, c->s->cfg.backend->csrs);
        return send_error(c, h->id, PROTO_ERR_NOT_AVAILABLE, "no CSRs: development keys");
    case PROTO_CONTROL:
    case PROTO_CERT_INSTALL: return do_operator(c, h->type, h->id, body, h->body_len);
    default: violation(c, "unexpected message type"); return -1;
    }
}

static void frame_timeout(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    violation(arg, "frame not completed in time (stalled peer)");
}

static void on_read(struct bufferevent *bev, void *arg)
{
    conn *c = arg;
    struct evbuffer *in = bufferevent_get_input(bev);
    uint8_t hb[PROTO_HEADER_LEN], small[256];
    for (;;) {
        size_t avail = evbuffer_get_length(in);
        if (avail < PROTO_HEADER_LEN) break;
        proto_header h;
        const char *why = NULL;
        evbuffer_copyout(in, hb, sizeof hb);
        /* the header parser bounds the body by its type: CONTROL and CERT_INSTALL carry certificates */
        if (proto_header_parse(hb, 1, &h, &why) != 0) {
            violation(c, why ? why : "bad header");
            return;
        }
        if (avail < PROTO_HEADER_LEN + h.body_len) break;
        uint8_t *body = h.body_len <= sizeof small ? small : malloc(h.body_len);
        if (!body) {
            violation(c, "out of memory");
            return;
        }
        evbuffer_drain(in, PROTO_HEADER_LEN);
        evbuffer_remove(in, body, h.body_len);
        int closed = dispatch(c, &h, body) != 0;
        if (body != small) free(body);
        if (closed) return;
    }
    if (evbuffer_get_length(in)) {
        if (!evtimer_pending(c->frame_timer, NULL)) {
            struct timeval tv = {FRAME_SECONDS, 0};
            evtimer_add(c->frame_timer, &tv);
        }
    } else {
        evtimer_del(c->frame_timer);
    }
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
    (void)bev;
    conn *c = arg;
    if (what & BEV_EVENT_TIMEOUT)
        violation(c, "idle");
    else if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
        conn_close(c);
}

static void on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int salen, void *arg)
{
    (void)l;
    (void)sa;
    (void)salen;
    node_server *s = arg;
    if (s->nconns >= MAX_CONNS) {
        log_msg("refusing a connection", "too many connections");
        close(fd);
        return;
    }
    conn *c = calloc(1, sizeof *c);
    if (!c || !(c->bev = bufferevent_socket_new(s->base, fd, BEV_OPT_CLOSE_ON_FREE)) ||
        !(c->frame_timer = evtimer_new(s->base, frame_timeout, c))) {
        if (c && c->bev)
            bufferevent_free(c->bev);
        else
            close(fd);
        free(c);
        return;
    }
    c->s = s;
    c->cid = ++s->next_cid;
    c->next = s->conns;
    if (c->next) c->next->prev = c;
    s->conns = c;
    s->nconns++;
    struct timeval idle = {IDLE_SECONDS, 0};
    bufferevent_set_timeouts(c->bev, &idle, NULL);
    bufferevent_setcb(c->bev, on_read, NULL, on_event, c);
    bufferevent_enable(c->bev, EV_READ | EV_WRITE);
}

node_server *node_server_new(struct event_base *base, int listen_fd, const node_server_config *cfg)
{
    node_server *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->base = base;
    s->cfg = *cfg;
    s->started = time(NULL);
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    unsigned want = cfg->sign_workers ? cfg->sign_workers : 1;
    if (want > NODE_MAX_SIGN_WORKERS) want = NODE_MAX_SIGN_WORKERS;
    s->listener = evconnlistener_new(base, on_accept, s, LEV_OPT_CLOSE_ON_FREE, -1, listen_fd);
    s->done_ev = event_new(base, -1, 0, on_done, s);
    if (!s->listener || !s->done_ev) {
        node_server_free(s);
        return NULL;
    }
    for (; s->nworkers < want; s->nworkers++)
        if (pthread_create(&s->workers[s->nworkers], NULL, sign_worker, s) != 0) {
            node_server_free(s);
            return NULL;
        }
    return s;
}

void node_server_free(node_server *s)
{
    if (!s) return;
    pthread_mutex_lock(&s->mu);
    s->stopping = 1; /* workers finish what is queued, then leave */
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    for (unsigned i = 0; i < s->nworkers; i++) pthread_join(s->workers[i], NULL);
    for (sign_job *j; (j = job_pop(&s->done, &s->done_tail));) job_free(j);
    while (s->conns) conn_close(s->conns);
    if (s->listener) evconnlistener_free(s->listener);
    if (s->done_ev) event_free(s->done_ev);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    free(s);
}

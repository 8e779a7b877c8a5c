/* mesh.c: connections, frames and send queues of the attested mesh (see mesh.h and
 * mesh_internal.h). One connection per pair: the node whose --mesh address sorts lower (strcmp)
 * dials, with backoff; the other accepts and learns which peer it is from the HELLO. A connection
 * counts as UP once both sides accepted each other's evidence (HELLO, then READY). Every
 * connection pings each MESH_PING_MS; one silent for dead_ms, or not through TLS and attestation
 * within MESH_HANDSHAKE_MS, is closed. Any framing violation closes the connection. */
#include <event2/buffer.h>
#include <event2/bufferevent_ssl.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "node/mesh_internal.h"

static const uint8_t magic[4] = {'C', 'C', 'M', 'F'};

uint64_t mesh_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void mesh_log(const mesh *m, int warn, const char *fmt, ...)
{
    char tag[96];
    va_list ap;
    snprintf(tag, sizeof tag, "mesh[%s]", m->name);
    va_start(ap, fmt);
    cc_vlog(warn ? CC_LOG_WARN : CC_LOG_INFO, tag, fmt, ap);
    va_end(ap);
}

const char *mesh_state_name(mesh_peer_state s)
{
    static const char *const n[] = {"DOWN", "CONNECTING", "ATTESTING", "UP", "REFUSED"};
    return (unsigned)s < sizeof n / sizeof n[0] ? n[s] : "?";
}

void mesh_hdr_encode(uint8_t h[MESH_HDR_LEN], uint8_t chan, uint32_t len)
{
    memcpy(h, magic, 4);
    h[4] = MESH_VERSION;
    h[5] = chan;
    h[6] = h[7] = 0;
    h[8] = (uint8_t)(len >> 24), h[9] = (uint8_t)(len >> 16), h[10] = (uint8_t)(len >> 8), h[11] = (uint8_t)len;
}

int mesh_hdr_decode(const uint8_t h[MESH_HDR_LEN], uint8_t *chan, uint32_t *len, const char **why)
{
    *chan = h[5];
    *len = (uint32_t)h[8] << 24 | (uint32_t)h[9] << 16 | (uint32_t)h[10] << 8 | h[11];
    if (memcmp(h, magic, 4)) return *why = "bad frame magic", -1;
    if (h[4] != MESH_VERSION) return *why = "unsupported frame version", -1;
    if (h[6] || h[7]) return *why = "reserved header bytes not zero", -1;
    if (*chan > MESH_CHAN_MAX) return *why = "unknown channel", -1;
    if (*len > MESH_MAX_BODY) return *why = "frame body over MESH_MAX_BODY", -1;
    if (*len == 0) return *why = "empty frame", -1;
    return 0;
}

static mesh_frame *frame_new(uint8_t chan, const uint8_t *body, size_t len)
{
    mesh_frame *f = malloc(sizeof *f + MESH_HDR_LEN + len);
    if (!f) return NULL;
    f->next = NULL;
    f->len = MESH_HDR_LEN + len;
    mesh_hdr_encode(f->data, chan, (uint32_t)len);
    memcpy(f->data + MESH_HDR_LEN, body, len);
    return f;
}

/* ---------- peer state (under mu), reported through on_peer on the loop thread ---------- */

static void set_state(mesh *m, int slot, mesh_peer_state st, const char *reason, const mesh_peer_info *attested)
{
    mesh_peer *p = &m->peers[slot];
    mesh_peer_info snap;
    pthread_mutex_lock(&m->mu);
    mesh_peer_state old = p->info.state;
    if (attested) {
        memcpy(p->info.key, attested->key, MESH_KEY_BYTES);
        memcpy(p->info.boot_id, attested->boot_id, MESH_BOOT_ID_BYTES);
        memcpy(p->info.measurement, attested->measurement, ATTEST_MEASUREMENT_BYTES);
        memcpy(p->info.chip_id, attested->chip_id, ATTEST_CHIP_ID_BYTES);
        p->info.attested_at = time(NULL);
    }
    p->info.state = st;
    snprintf(p->info.reason, sizeof p->info.reason, "%s", reason ? reason : "");
    if (st != MESH_PEER_UP) {
        while (p->q) {
            mesh_frame *f = p->q;
            p->q = f->next;
            free(f);
        }
        p->q_tail = NULL;
        p->q_bytes = 0;
    }
    snap = p->info;
    pthread_mutex_unlock(&m->mu);
    if (old != st || attested) {
        if (st == MESH_PEER_UP || st == MESH_PEER_REFUSED || (old == MESH_PEER_UP && st != MESH_PEER_UP)) {
            char k[17], b[17];
            cc_hex_encode(snap.key, 8, k);
            cc_hex_encode(snap.boot_id, 8, b);
            mesh_log(m, st == MESH_PEER_REFUSED, "peer %s %s%s%s (key %s..., boot %s...)", p->name, mesh_state_name(st),
                     snap.reason[0] ? ": " : "", snap.reason, k, b);
        }
        if (m->cfg.on_peer) m->cfg.on_peer(m->cfg.arg, slot, &snap);
    }
}

/* ---------- connections ---------- */

static void schedule_redial(mesh *m, int slot, int refused);

static void conn_free(mesh_conn *c)
{
    mesh *m = c->m;
    if (c->timer) event_free(c->timer);
    if (c->bev) bufferevent_free(c->bev);
    if (c->prev)
        c->prev->next = c->next;
    else
        m->conns = c->next;
    if (c->next) c->next->prev = c->prev;
    free(c);
}

/* Close c; if it owned its slot, the peer goes DOWN (or stays REFUSED) with reason. */
static void conn_close(mesh_conn *c, const char *reason)
{
    mesh *m = c->m;
    int slot = c->slot;
    if (slot >= 0 && m->peers[slot].conn == c) {
        m->peers[slot].conn = NULL;
        pthread_mutex_lock(&m->mu);
        int refused = m->peers[slot].info.state == MESH_PEER_REFUSED;
        pthread_mutex_unlock(&m->mu);
        if (!refused) set_state(m, slot, MESH_PEER_DOWN, reason, NULL);
        if (m->peers[slot].we_dial) schedule_redial(m, slot, refused);
    } else if (slot >= 0) {
        mesh_log(m, 0, "connection from %s closed: %s", m->peers[slot].name, reason);
    }
    conn_free(c);
}

static void violation(mesh_conn *c, const char *why)
{
    const char *who = c->slot >= 0 ? c->m->peers[c->slot].name : "an unidentified peer";
    mesh_log(c->m, 1, "closing the connection to %s: %s", who, why);
    char r[MESH_REASON_MAX];
    snprintf(r, sizeof r, "protocol violation: %s", why);
    conn_close(c, r);
}

static int conn_write(mesh_conn *c, uint8_t chan, const uint8_t *body, size_t len)
{
    uint8_t h[MESH_HDR_LEN];
    mesh_hdr_encode(h, chan, (uint32_t)len);
    return bufferevent_write(c->bev, h, sizeof h) == 0 && bufferevent_write(c->bev, body, len) == 0 ? 0 : -1;
}

static int send_hello(mesh_conn *c)
{
    size_t n;
    uint8_t *b = mesh_hello_encode(c->m, &n);
    int rc = b ? conn_write(c, MESH_CHAN_MESH, b, n) : -1;
    free(b);
    c->last_hello_ms = mesh_now_ms();
    return rc;
}

/* Refuse the peer: tell it why, flush, close. */
static void refuse(mesh_conn *c, const char *reason)
{
    mesh *m = c->m;
    uint8_t b[1 + MESH_REASON_MAX];
    size_t rl = strnlen(reason, MESH_REASON_MAX);
    b[0] = MESH_MSG_REFUSE;
    memcpy(b + 1, reason, rl);
    /* the slot's state changes only if c owns it or nothing else does (a stranger naming a live
     * peer must not get that peer marked REFUSED) */
    if (c->slot >= 0 && (m->peers[c->slot].conn == c || !m->peers[c->slot].conn))
        set_state(m, c->slot, MESH_PEER_REFUSED, reason, NULL);
    else
        mesh_log(m, 1, "refusing a connection: %s", reason);
    if (conn_write(c, MESH_CHAN_MESH, b, 1 + rl) != 0) {
        conn_close(c, reason);
        return;
    }
    snprintf(c->close_reason, sizeof c->close_reason, "%s", reason);
    c->closing = 1; /* closed by the timer once flushed; reads are drained meanwhile (no RST) */
}

static void maybe_up(mesh_conn *c)
{
    if (c->up || !c->verified || !c->ready_in) return;
    c->up = 1;
    c->m->peers[c->slot].backoff_ms = 0;
    set_state(c->m, c->slot, MESH_PEER_UP, "", NULL);
}

/* A HELLO: identify the slot (accepted connections), verify, READY or REFUSE. */
static void on_hello(mesh_conn *c, const uint8_t *body, size_t len)
{
    mesh *m = c->m;
    mesh_hello h;
    const char *why;
    if (mesh_hello_parse(body, len, &h, &why) != 0) return violation(c, why);
    if (c->slot < 0) {
        int s = -1;
        for (int i = 0; i < MESH_PEERS; i++)
            if (!strcmp(m->peers[i].addr, h.addr)) s = i;
        if (s < 0 || m->peers[s].we_dial) {
            char r[MESH_REASON_MAX + 64];
            snprintf(r, sizeof r, "mesh: %s is not a peer that dials us", h.addr);
            return refuse(c, r);
        }
        /* A candidate for slot s only: anyone who reaches the port can send a HELLO naming any
         * peer, so the connection takes the slot (replacing a live one) only once its evidence has
         * verified (mesh_verified); until then the peer's state and connection are untouched. */
        c->slot = s;
    } else if (strcmp(m->peers[c->slot].addr, h.addr) != 0) {
        return refuse(c, "mesh: the peer names another --mesh address than the one we dialled");
    }
    if (c->verifying) return violation(c, "HELLO while the previous one is being verified");
    uint8_t *spki = NULL;
    size_t sl = 0;
    SSL *ssl = bufferevent_openssl_get_ssl(c->bev);
    if (!ssl || mesh_tls_peer_spki(ssl, &spki, &sl) != 0) return refuse(c, "mesh: the peer's TLS key is not P-384");
    mesh_vjob *j = calloc(1, sizeof *j);
    uint8_t *copy = j ? malloc(len) : NULL;
    if (!copy) {
        free(spki);
        free(j);
        return violation(c, "out of memory");
    }
    memcpy(copy, body, len);
    j->conn_id = c->id;
    j->slot = c->slot;
    j->body = copy;
    j->len = len;
    j->spki = spki;
    j->spki_len = sl;
    c->verifying = 1;
    mesh_verify_submit(m, j);
}

static void count_refusal(mesh *m, int kind)
{
    pthread_mutex_lock(&m->mu);
    m->refused[kind >= 0 && kind < MESH_REFUSED_KINDS ? kind : MESH_REFUSED_EVIDENCE]++;
    pthread_mutex_unlock(&m->mu);
}

/* The verification thread's answer to a HELLO: READY (or a refreshed attestation), or REFUSE. */
void mesh_verified(mesh *m, mesh_vjob *j)
{
    mesh_conn *c = m->conns;
    while (c && c->id != j->conn_id) c = c->next;
    if (!c || c->closing) { /* closed meanwhile: a refusal of its evidence still stands */
        if (j->rc != 0) {
            count_refusal(m, j->kind);
            if (!m->peers[j->slot].conn)
                set_state(m, j->slot, MESH_PEER_REFUSED, j->reason, NULL);
            else
                mesh_log(m, 1, "refused a connection claiming to be %s: %s", m->peers[j->slot].name, j->reason);
        }
        return mesh_vjob_free(j);
    }
    c->verifying = 0;
    int rc = j->rc;
    if (j->ms > 50)
        mesh_log(m, 1, "verifying %s's evidence took %llu ms", m->peers[c->slot].name, (unsigned long long)j->ms);
    if (rc == 0 && c->verified && memcmp(c->boot_id, j->info.boot_id, MESH_BOOT_ID_BYTES) != 0) {
        mesh_vjob_free(j);
        return violation(c, "boot id changed on a live connection");
    }
    if (rc != 0) {
        char reason[MESH_REASON_MAX];
        snprintf(reason, sizeof reason, "%s", j->reason);
        count_refusal(m, j->kind);
        mesh_vjob_free(j);
        return refuse(c, reason);
    }
    mesh_peer_info info = j->info;
    mesh_vjob_free(j);
    int clash = mesh_identity_clash(m, c->slot, info.chip_id, info.key);
    if (clash >= 0) {
        char reason[MESH_REASON_MAX];
        snprintf(reason, sizeof reason, "attestation: chip id or node key already used by peer %s",
                 m->peers[clash].name);
        count_refusal(m, MESH_REFUSED_CHIP_ID);
        return refuse(c, reason);
    }
    if (m->peers[c->slot].conn != c) { /* an accepted connection, now attested: it takes the slot */
        if (m->peers[c->slot].conn) conn_close(m->peers[c->slot].conn, "replaced by a new attested connection");
        m->peers[c->slot].conn = c;
        set_state(m, c->slot, MESH_PEER_ATTESTING, "", NULL); /* as a dialled link: the engine sees the
                                                                 old key before the new one (restarts) */
    }
    memcpy(c->key, info.key, MESH_KEY_BYTES);
    memcpy(c->boot_id, info.boot_id, MESH_BOOT_ID_BYTES);
    int first = !c->verified;
    c->verified = 1;
    set_state(m, c->slot, c->up ? MESH_PEER_UP : MESH_PEER_ATTESTING, "", &info);
    if (first) {
        uint8_t ready = MESH_MSG_READY;
        if (conn_write(c, MESH_CHAN_MESH, &ready, 1) != 0) return conn_close(c, "write failed");
        maybe_up(c);
    }
}

static void on_mesh_msg(mesh_conn *c, const uint8_t *b, size_t len)
{
    switch (b[0]) {
    case MESH_MSG_HELLO: return on_hello(c, b, len);
    case MESH_MSG_READY:
        if (len != 1 || c->ready_in || c->slot < 0) return violation(c, "unexpected READY");
        c->ready_in = 1;
        return maybe_up(c);
    case MESH_MSG_REFUSE: {
        char r[MESH_REASON_MAX + 32], txt[MESH_REASON_MAX + 1];
        size_t n = len - 1 < MESH_REASON_MAX ? len - 1 : MESH_REASON_MAX;
        for (size_t i = 0; i < n; i++) txt[i] = b[1 + i] >= 0x20 && b[1 + i] < 0x7f ? (char)b[1 + i] : '?';
        txt[n] = 0;
        snprintf(r, sizeof r, "refused us: %s", txt);
        if (c->slot >= 0 && c->m->peers[c->slot].conn == c) set_state(c->m, c->slot, MESH_PEER_REFUSED, r, NULL);
        mesh_log(c->m, 1, "%s %s", c->slot >= 0 ? c->m->peers[c->slot].name : "a peer", r);
        return conn_close(c, r);
    }
    case MESH_MSG_PING:
        if (len != 1) return violation(c, "bad PING");
        return;
    default: return violation(c, "unknown mesh message");
    }
}

static void on_read(struct bufferevent *bev, void *arg)
{
    mesh_conn *c = arg;
    mesh *m = c->m;
    struct evbuffer *in = bufferevent_get_input(bev);
    if (c->closing) {
        evbuffer_drain(in, evbuffer_get_length(in));
        return;
    }
    for (;;) {
        if (c->closing) return;
        uint8_t h[MESH_HDR_LEN], chan;
        uint32_t blen;
        const char *why;
        if (evbuffer_get_length(in) < MESH_HDR_LEN) return;
        evbuffer_copyout(in, h, sizeof h);
        if (mesh_hdr_decode(h, &chan, &blen, &why) != 0) return violation(c, why);
        if (evbuffer_get_length(in) < MESH_HDR_LEN + (size_t)blen) return;
        const uint8_t *f = evbuffer_pullup(in, MESH_HDR_LEN + (ssize_t)blen);
        if (!f) return violation(c, "out of memory");
        c->last_rx_ms = mesh_now_ms();
        const uint8_t *body = f + MESH_HDR_LEN;
        if (chan == MESH_CHAN_MESH) {
            mesh_conn *keep = c;
            uint8_t *copy = malloc(blen); /* on_mesh_msg may close c (and free the buffer) */
            if (!copy) return violation(c, "out of memory");
            memcpy(copy, body, blen);
            evbuffer_drain(in, MESH_HDR_LEN + (size_t)blen);
            on_mesh_msg(c, copy, blen);
            free(copy);
            mesh_conn *it = m->conns; /* c may be gone: go on only while it is still live */
            while (it && it != keep) it = it->next;
            if (!it) return;
            continue;
        }
        if (!c->up) return violation(c, "data frame before attestation");
        int slot = c->slot;
        pthread_mutex_lock(&m->mu);
        m->peers[slot].info.frames_in++;
        m->peers[slot].info.bytes_in += blen;
        pthread_mutex_unlock(&m->mu);
        if (m->cfg.on_frame) m->cfg.on_frame(m->cfg.arg, slot, chan, body, blen);
        evbuffer_drain(in, MESH_HDR_LEN + (size_t)blen);
    }
}

static void tls_error(mesh_conn *c, short what, char *out, size_t n)
{
    unsigned long e = bufferevent_get_openssl_error(c->bev);
    int se = EVUTIL_SOCKET_ERROR();
    if (e) {
        char buf[120];
        ERR_error_string_n(e, buf, sizeof buf);
        snprintf(out, n, "TLS: %s", buf);
    } else if (what & BEV_EVENT_EOF) {
        snprintf(out, n, "closed by the peer");
    } else {
        snprintf(out, n, "%s", se ? evutil_socket_error_to_string(se) : "connection error");
    }
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
    (void)bev;
    mesh_conn *c = arg;
    if (what & BEV_EVENT_CONNECTED) { /* TLS is up: evidence next */
        mesh *m = c->m;
        if (c->slot >= 0 && m->peers[c->slot].conn == c) {
            pthread_mutex_lock(&m->mu);
            int refused = m->peers[c->slot].info.state == MESH_PEER_REFUSED;
            pthread_mutex_unlock(&m->mu);
            if (!refused) set_state(m, c->slot, MESH_PEER_ATTESTING, "", NULL);
        }
        if (send_hello(c) != 0) conn_close(c, "cannot send HELLO");
        return;
    }
    if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
        char r[MESH_REASON_MAX];
        tls_error(c, what, r, sizeof r);
        conn_close(c, c->closing ? c->close_reason : r);
    }
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    mesh_conn *c = arg;
    mesh *m = c->m;
    uint64_t now = mesh_now_ms();
    unsigned dead = m->cfg.dead_ms ? m->cfg.dead_ms : MESH_DEAD_MS;
    uint64_t reattest = 1000ull * (m->cfg.reattest_seconds ? m->cfg.reattest_seconds : MESH_REATTEST_SECONDS);
    if (c->closing) {
        if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0 || now - c->last_rx_ms > MESH_HANDSHAKE_MS)
            conn_close(c, c->close_reason);
        return;
    }
    if (!c->up && now - c->started_ms > MESH_HANDSHAKE_MS)
        return conn_close(c, "timeout: TLS or attestation did not complete");
    if (c->up && now - c->last_rx_ms > dead) {
        char r[64];
        snprintf(r, sizeof r, "timeout: peer silent for %u ms", dead);
        return conn_close(c, r);
    }
    if (c->up && now - c->last_hello_ms >= reattest) {
        /* a new report, made at most reattest/2 ago (the four links share it); none: no HELLO,
         * so the peers drop this node when its last evidence gets too old (fail closed) */
        char why[256];
        if (now - m->own_ev_ms >= reattest / 2 && mesh_refresh_own_evidence(m, why, sizeof why) != 0) {
            mesh_log(m, 1, "cannot refresh our evidence (peers drop this node if it lasts): %s", why);
            c->last_hello_ms = now;
        } else {
            mesh_log(m, 0, "refreshing our evidence towards %s (report made %llu ms ago)", m->peers[c->slot].name,
                     (unsigned long long)(mesh_now_ms() - m->own_ev_ms));
            if (send_hello(c) != 0) return conn_close(c, "cannot send HELLO");
        }
    }
    if (c->up) {
        pthread_mutex_lock(&m->mu);
        time_t at = m->peers[c->slot].info.attested_at;
        pthread_mutex_unlock(&m->mu);
        if (time(NULL) - at > (time_t)(2 * reattest / 1000 + 60))
            return conn_close(c, "attestation: evidence not refreshed");
    }
    if (c->verified && now - c->last_ping_ms >= MESH_PING_MS) {
        uint8_t p = MESH_MSG_PING;
        c->last_ping_ms = now;
        if (conn_write(c, MESH_CHAN_MESH, &p, 1) != 0) return conn_close(c, "write failed");
    }
    if (evbuffer_get_length(bufferevent_get_output(c->bev)) > MESH_MAX_QUEUED)
        return violation(c, "peer does not read");
}

static mesh_conn *conn_new(mesh *m, evutil_socket_t fd, int slot)
{
    mesh_conn *c = calloc(1, sizeof *c);
    SSL *ssl = c ? SSL_new(m->ctx) : NULL;
    if (!ssl) {
        free(c);
        if (fd >= 0) evutil_closesocket(fd);
        return NULL;
    }
    c->m = m;
    c->id = ++m->next_conn_id;
    c->slot = slot;
    c->dialer = fd < 0;
    c->started_ms = c->last_rx_ms = mesh_now_ms();
    c->bev = bufferevent_openssl_socket_new(m->base, fd, ssl,
                                            fd < 0 ? BUFFEREVENT_SSL_CONNECTING : BUFFEREVENT_SSL_ACCEPTING,
                                            BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
    c->timer = event_new(m->base, -1, EV_PERSIST, on_timer, c);
    c->next = m->conns;
    if (m->conns) m->conns->prev = c;
    m->conns = c;
    struct timeval tv = {0, 250000};
    if (!c->bev || !c->timer || event_add(c->timer, &tv) != 0) {
        if (!c->bev) SSL_free(ssl), evutil_closesocket(fd);
        conn_free(c);
        return NULL;
    }
    bufferevent_openssl_set_allow_dirty_shutdown(c->bev, 1);
    bufferevent_setcb(c->bev, on_read, NULL, on_event, c);
    bufferevent_enable(c->bev, EV_READ | EV_WRITE);
    return c;
}

static void dial(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    mesh_peer *p = arg;
    mesh *m = p->m;
    int slot = p->slot;
    if (p->conn) return;
    mesh_conn *c = conn_new(m, -1, slot);
    if (!c) return schedule_redial(m, slot, 0);
    p->conn = c;
    pthread_mutex_lock(&m->mu);
    int refused = p->info.state == MESH_PEER_REFUSED;
    pthread_mutex_unlock(&m->mu);
    if (!refused) set_state(m, slot, MESH_PEER_CONNECTING, p->info.reason, NULL);
    if (bufferevent_socket_connect(c->bev, (struct sockaddr *)&p->na.sa, (int)p->na.len) != 0) {
        char r[MESH_REASON_MAX];
        snprintf(r, sizeof r, "connect: %s", evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
        conn_close(c, r);
    }
}

static void schedule_redial(mesh *m, int slot, int refused)
{
    mesh_peer *p = &m->peers[slot];
    p->backoff_ms = refused ? 5000 : p->backoff_ms ? (p->backoff_ms * 2 > 2000 ? 2000 : p->backoff_ms * 2) : 100;
    struct timeval tv = {p->backoff_ms / 1000, (p->backoff_ms % 1000) * 1000};
    event_add(p->redial, &tv);
}

static void on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int salen, void *arg)
{
    (void)l;
    (void)sa;
    (void)salen;
    mesh *m = arg;
    unsigned unknown = 0;
    for (mesh_conn *c = m->conns; c; c = c->next) unknown += c->slot < 0;
    if (unknown >= 2 * MESH_PEERS) {
        mesh_log(m, 1, "too many unidentified connections: refusing one");
        evutil_closesocket(fd);
        return;
    }
    if (!conn_new(m, fd, -1)) mesh_log(m, 1, "cannot set up an accepted connection");
}

static void free_sent_frame(const void *data, size_t len, void *frame)
{
    (void)data;
    (void)len;
    free(frame);
}

void mesh_write_frame(struct bufferevent *bev, mesh_frame *f)
{
    /* a reference, not a copy: frames of round messages are hundreds of KB */
    if (evbuffer_add_reference(bufferevent_get_output(bev), f->data, f->len, free_sent_frame, f) != 0) free(f);
}

/* Move the queued frames of every peer onto their connections (loop thread). */
static void on_flush(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    mesh *m = arg;
    for (int i = 0; i < MESH_PEERS; i++) {
        mesh_peer *p = &m->peers[i];
        pthread_mutex_lock(&m->mu);
        mesh_frame *f = p->q;
        p->q = p->q_tail = NULL;
        p->q_bytes = 0;
        pthread_mutex_unlock(&m->mu);
        while (f) {
            mesh_frame *next = f->next;
            f->next = NULL;
            if (p->conn && p->conn->up && !p->conn->closing)
                mesh_fault_write(m, i, p->conn->bev, f);
            else
                free(f);
            f = next;
        }
    }
}

/* ---------- API ---------- */

mesh *mesh_new(const mesh_config *cfg, char *err, size_t errlen)
{
    mesh *m = calloc(1, sizeof *m);
    if (!m) return snprintf(err, errlen, "mesh: out of memory"), NULL;
    m->cfg = *cfg;
    m->base = cfg->base;
    m->policy = cfg->policy;
    pthread_mutex_init(&m->mu, NULL);
    node_addr la;
    m->name = strdup(cfg->name ? cfg->name : "node");
    m->listen = cfg->listen ? strdup(cfg->listen) : NULL;
    if (!m->name || !m->listen || node_addr_parse(m->listen, &la) != 0 || la.family != AF_INET ||
        strlen(m->listen) > MESH_ADDR_MAX) {
        snprintf(err, errlen, "mesh: the mesh address must be tcp:HOST:PORT (got %s)",
                 cfg->listen ? cfg->listen : "nothing");
        goto fail;
    }
    for (int i = 0; i < MESH_PEERS; i++) {
        mesh_peer *p = &m->peers[i];
        p->addr = cfg->peers[i] ? strdup(cfg->peers[i]) : NULL;
        p->name = strdup(cfg->peer_names[i] ? cfg->peer_names[i] : cfg->peers[i] ? cfg->peers[i] : "?");
        if (!p->addr || !p->name || node_addr_parse(p->addr, &p->na) != 0 || p->na.family != AF_INET ||
            strlen(p->addr) > MESH_ADDR_MAX || !strcmp(p->addr, m->listen)) {
            snprintf(err, errlen, "mesh: peer %d address must be tcp:HOST:PORT, distinct from ours (got %s)", i + 1,
                     cfg->peers[i] ? cfg->peers[i] : "nothing");
            goto fail;
        }
        for (int j = 0; j < i; j++)
            if (!strcmp(m->peers[j].addr, p->addr)) {
                snprintf(err, errlen, "mesh: peer address %s given twice", p->addr);
                goto fail;
            }
        p->m = m;
        p->slot = i;
        p->we_dial = strcmp(m->listen, p->addr) < 0;
        p->redial = evtimer_new(m->base, dial, p);
        if (!p->redial) goto fail_mem;
    }
    if (RAND_bytes(m->boot_id, sizeof m->boot_id) != 1) goto fail_mem;
    if (mesh_fault_init(m, err, errlen) != 0 || mesh_tls_init(m, err, errlen) != 0 ||
        mesh_attest_self(m, err, errlen) != 0 || mesh_verify_start(m, err, errlen) != 0)
        goto fail;
    m->flush_ev = event_new(m->base, -1, 0, on_flush, m);
    m->listener = evconnlistener_new_bind(m->base, on_accept, m,
                                          LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC, 64,
                                          (struct sockaddr *)&la.sa, (int)la.len);
    if (!m->flush_ev || !m->listener) {
        snprintf(err, errlen, "mesh: cannot listen on %s", m->listen);
        goto fail;
    }
    for (int i = 0; i < MESH_PEERS; i++)
        if (m->peers[i].we_dial) {
            struct timeval now = {0, 0};
            event_add(m->peers[i].redial, &now);
        }
    char k[17], b[17];
    cc_hex_encode(m->key, 8, k);
    cc_hex_encode(m->boot_id, 8, b);
    mesh_log(m, 0, "listening on %s (node key %s..., boot %s..., evidence: %s)", m->listen, k, b,
             attest_provider_name(m->policy.provider));
    return m;
fail_mem:
    snprintf(err, errlen, "mesh: out of memory");
fail:
    mesh_free(m);
    return NULL;
}

void mesh_free(mesh *m)
{
    if (!m) return;
    mesh_verify_stop(m); /* first: the thread reads the peers */
    for (int i = 0; i < MESH_PEERS && m->peers[i].name; i++)
        mesh_log(m, 0, "peer %s: %llu frames (%llu bytes) in, %llu frames (%llu bytes) out", m->peers[i].name,
                 (unsigned long long)m->peers[i].info.frames_in, (unsigned long long)m->peers[i].info.bytes_in,
                 (unsigned long long)m->peers[i].info.frames_out, (unsigned long long)m->peers[i].info.bytes_out);
    while (m->conns) conn_free(m->conns);
    if (m->listener) evconnlistener_free(m->listener);
    if (m->flush_ev) event_free(m->flush_ev);
    for (int i = 0; i < MESH_PEERS; i++) {
        mesh_peer *p = &m->peers[i];
        if (p->redial) event_free(p->redial);
        while (p->q) {
            mesh_frame *f = p->q;
            p->q = f->next;
            free(f);
        }
        free(p->addr);
        free(p->name);
    }
    mesh_fault_free(m);
    mesh_tls_free(m);
    attest_evidence_free(&m->own_ev);
    free(m->name);
    free(m->listen);
    pthread_mutex_destroy(&m->mu);
    OPENSSL_cleanse(m, sizeof *m);
    free(m);
}

const uint8_t *mesh_self_key(const mesh *m) { return m->key; }

const uint8_t *mesh_self_boot_id(const mesh *m) { return m->boot_id; }

const uint8_t *mesh_self_measurement(const mesh *m) { return m->policy.measurement; }

int mesh_self_evidence(mesh *m, const uint8_t binding[ATTEST_BINDING_BYTES], attest_evidence *ev)
{
    char why[192];
    return mesh_evidence(m, binding, ev, why, sizeof why);
}

int mesh_send(mesh *m, int peer, uint8_t chan, const uint8_t *body, size_t len)
{
    if (peer < 0 || peer >= MESH_PEERS || chan == MESH_CHAN_MESH || chan > MESH_CHAN_MAX || len == 0 ||
        len > MESH_MAX_BODY)
        return -1;
    mesh_frame *f = frame_new(chan, body, len);
    if (!f) return -1;
    mesh_peer *p = &m->peers[peer];
    pthread_mutex_lock(&m->mu);
    int ok = p->info.state == MESH_PEER_UP && p->q_bytes + f->len <= MESH_MAX_QUEUED;
    if (ok) {
        if (p->q_tail)
            p->q_tail->next = f;
        else
            p->q = f;
        p->q_tail = f;
        p->q_bytes += f->len;
        p->info.frames_out++;
        p->info.bytes_out += len;
    }
    pthread_mutex_unlock(&m->mu);
    if (!ok) {
        free(f);
        return -1;
    }
    event_active(m->flush_ev, EV_TIMEOUT, 0);
    return 0;
}

void mesh_peer_get(mesh *m, int peer, mesh_peer_info *out)
{
    memset(out, 0, sizeof *out);
    if (peer < 0 || peer >= MESH_PEERS) return;
    pthread_mutex_lock(&m->mu);
    *out = m->peers[peer].info;
    pthread_mutex_unlock(&m->mu);
}

int mesh_peer_by_key(mesh *m, const uint8_t key[MESH_KEY_BYTES])
{
    int r = -1;
    pthread_mutex_lock(&m->mu);
    for (int i = 0; i < MESH_PEERS; i++)
        if (m->peers[i].info.state == MESH_PEER_UP && !memcmp(m->peers[i].info.key, key, MESH_KEY_BYTES)) r = i;
    pthread_mutex_unlock(&m->mu);
    return r;
}

void mesh_refusals(mesh *m, uint64_t out[MESH_REFUSED_KINDS])
{
    pthread_mutex_lock(&m->mu);
    memcpy(out, m->refused, sizeof m->refused);
    pthread_mutex_unlock(&m->mu);
}

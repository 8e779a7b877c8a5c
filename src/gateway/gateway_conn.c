/* gateway_conn.c: connection registry and request-deadline timer (see gateway_conn.h). */
#include "gateway/gateway_conn.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define TICK_MS 100

struct gw_conn {
    int fd;
    _Atomic int phase;
    _Atomic int64_t since_ms; /* start of the current phase, CLOCK_MONOTONIC */
    int reaped;               /* under the registry lock */
    gw_conn *prev, *next;
};

struct gw_conn_registry {
    pthread_mutex_t mu;
    pthread_cond_t tick;
    gw_conn *head;
    unsigned deadline_ms, kept_grace_ms, max_open, open;
    int stopping, have_thread;
    _Atomic uint64_t reaped, refused;
    pthread_t timer;
};

static int64_t now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

void gw_conn_raw_answer(int fd, const char *status_line, const char *extra)
{
    char msg[256], sink[4096];
    for (int i = 0; i < 16 && recv(fd, sink, sizeof sink, MSG_DONTWAIT) > 0; i++) {
    }
    int n = snprintf(msg, sizeof msg, "HTTP/1.1 %s\r\n%sConnection: close\r\nContent-Length: 0\r\n\r\n", status_line,
                     extra);
    if (n > 0 && (size_t)n < sizeof msg) {
        ssize_t w;
        do w = send(fd, msg, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL);
        while (w < 0 && errno == EINTR);
    }
}

/* Expire late connections. The socket stays open until libmicrohttpd notices the shutdown and
 * closes it, which it does only after gw_conn_close has unlinked the entry under this lock:
 * so the fd here is never a recycled one. */
static void reap(gw_conn_registry *r)
{
    int64_t now = now_ms();
    pthread_mutex_lock(&r->mu);
    for (gw_conn *c = r->head; c; c = c->next) {
        int phase = atomic_load(&c->phase);
        if (c->reaped || (phase != GW_CONN_RECEIVING && phase != GW_CONN_KEPT)) continue;
        int64_t limit = (int64_t)r->deadline_ms + (phase == GW_CONN_KEPT ? (int64_t)r->kept_grace_ms : 0);
        if (now - atomic_load(&c->since_ms) < limit) continue;
        c->reaped = 1;
        gw_conn_raw_answer(c->fd, "408 Request Timeout", "");
        shutdown(c->fd, SHUT_RDWR);
        atomic_fetch_add(&r->reaped, 1);
    }
    pthread_mutex_unlock(&r->mu);
}

static void *timer_main(void *arg)
{
    gw_conn_registry *r = arg;
    pthread_mutex_lock(&r->mu);
    while (!r->stopping) {
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        t.tv_nsec += TICK_MS * 1000000L;
        if (t.tv_nsec >= 1000000000L) t.tv_sec++, t.tv_nsec -= 1000000000L;
        pthread_cond_timedwait(&r->tick, &r->mu, &t);
        if (r->stopping) break;
        pthread_mutex_unlock(&r->mu);
        reap(r);
        pthread_mutex_lock(&r->mu);
    }
    pthread_mutex_unlock(&r->mu);
    return NULL;
}

gw_conn_registry *gw_conn_registry_new(unsigned deadline_ms, unsigned kept_grace_ms, unsigned max_open)
{
    gw_conn_registry *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_mutex_init(&r->mu, NULL);
    pthread_cond_init(&r->tick, &ca);
    pthread_condattr_destroy(&ca);
    r->deadline_ms = deadline_ms;
    r->kept_grace_ms = kept_grace_ms;
    r->max_open = max_open;
    if (deadline_ms) {
        if (pthread_create(&r->timer, NULL, timer_main, r) != 0) {
            gw_conn_registry_free(r);
            return NULL;
        }
        r->have_thread = 1;
    }
    return r;
}

void gw_conn_registry_free(gw_conn_registry *r)
{
    if (!r) return;
    pthread_mutex_lock(&r->mu);
    r->stopping = 1;
    pthread_cond_broadcast(&r->tick);
    pthread_mutex_unlock(&r->mu);
    if (r->have_thread) pthread_join(r->timer, NULL);
    while (r->head) gw_conn_close(r, r->head);
    pthread_mutex_destroy(&r->mu);
    pthread_cond_destroy(&r->tick);
    free(r);
}

gw_conn *gw_conn_open(gw_conn_registry *r, int fd)
{
    gw_conn *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->fd = fd;
    atomic_init(&c->phase, GW_CONN_RECEIVING);
    atomic_init(&c->since_ms, now_ms());
    pthread_mutex_lock(&r->mu);
    if ((c->next = r->head)) r->head->prev = c;
    r->head = c;
    if (r->open++ >= r->max_open) {
        /* Over the limit: say so and close, rather than leave the client in the accept queue. */
        c->reaped = 1;
        gw_conn_raw_answer(fd, "503 Service Unavailable", "Retry-After: 1\r\n");
        shutdown(fd, SHUT_RDWR);
        atomic_fetch_add(&r->refused, 1);
    }
    pthread_mutex_unlock(&r->mu);
    return c;
}

void gw_conn_close(gw_conn_registry *r, gw_conn *c)
{
    if (!c) return;
    pthread_mutex_lock(&r->mu);
    if (c->prev)
        c->prev->next = c->next;
    else
        r->head = c->next;
    if (c->next) c->next->prev = c->prev;
    r->open--;
    pthread_mutex_unlock(&r->mu);
    free(c);
}

void gw_conn_set_phase(gw_conn *c, gw_conn_phase p)
{
    if (!c) return;
    if (p == GW_CONN_RECEIVING || p == GW_CONN_KEPT) atomic_store(&c->since_ms, now_ms());
    atomic_store(&c->phase, (int)p);
}

uint64_t gw_conn_reaped(const gw_conn_registry *r) { return atomic_load(&((gw_conn_registry *)r)->reaped); }
uint64_t gw_conn_refused(const gw_conn_registry *r) { return atomic_load(&((gw_conn_registry *)r)->refused); }

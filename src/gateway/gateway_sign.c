/* gateway_sign.c: the bounded asynchronous signing pool (see gateway_sign.h). */
#include "gateway/gateway_sign.h"

#include <pthread.h>
#include <stdlib.h>

typedef struct {
    gw_sign_job *head, *tail;
} job_fifo;

struct gw_signer {
    tsp_engine *engine;
    unsigned max_inflight, delay_ms, nworkers;
    pthread_mutex_t mu;
    pthread_cond_t wake;
    job_fifo todo;    /* waiting for a worker */
    job_fifo delayed; /* signed, waiting for their due time (FIFO: a constant delay keeps it sorted) */
    unsigned inflight;
    int stopping;
    pthread_t *workers;
};

static void fifo_push(job_fifo *f, gw_sign_job *j)
{
    j->next = NULL;
    if (f->tail) f->tail->next = j;
    else f->head = j;
    f->tail = j;
}

static gw_sign_job *fifo_pop(job_fifo *f)
{
    gw_sign_job *j = f->head;
    if (j && !(f->head = j->next)) f->tail = NULL;
    return j;
}

static int due_now(const gw_sign_job *j, const struct timespec *now)
{
    return now->tv_sec > j->due.tv_sec || (now->tv_sec == j->due.tv_sec && now->tv_nsec >= j->due.tv_nsec);
}

/* Hand a finished job back (outside the lock: done() resumes the HTTP connection). */
static void finish(gw_signer *s, gw_sign_job *j)
{
    pthread_mutex_lock(&s->mu);
    s->inflight--;
    pthread_cond_broadcast(&s->wake); /* gw_signer_stop waits for inflight == 0 */
    pthread_mutex_unlock(&s->mu);
    j->done(j);
}

static void *worker(void *arg)
{
    gw_signer *s = arg;
    pthread_mutex_lock(&s->mu);
    for (;;) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        gw_sign_job *j;
        if (s->delayed.head && due_now(s->delayed.head, &now)) {
            j = fifo_pop(&s->delayed);
            pthread_mutex_unlock(&s->mu);
            finish(s, j);
            pthread_mutex_lock(&s->mu);
        } else if ((j = fifo_pop(&s->todo))) {
            pthread_mutex_unlock(&s->mu);
            j->resp = NULL;
            j->resp_len = 0;
            j->rc = tsp_engine_respond(s->engine, j->req, j->req_len, j->path_profile, &j->resp, &j->resp_len, &j->res);
            if (!s->delay_ms) {
                finish(s, j);
                pthread_mutex_lock(&s->mu);
                continue;
            }
            clock_gettime(CLOCK_MONOTONIC, &j->due);
            j->due.tv_nsec += (long)(s->delay_ms % 1000) * 1000000L;
            j->due.tv_sec += (time_t)(s->delay_ms / 1000) + j->due.tv_nsec / 1000000000L;
            j->due.tv_nsec %= 1000000000L;
            pthread_mutex_lock(&s->mu);
            fifo_push(&s->delayed, j);
            pthread_cond_broadcast(&s->wake);
        } else if (s->stopping && !s->inflight) {
            break;
        } else if (s->delayed.head) {
            pthread_cond_timedwait(&s->wake, &s->mu, &s->delayed.head->due);
        } else {
            pthread_cond_wait(&s->wake, &s->mu);
        }
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

gw_signer *gw_signer_new(tsp_engine *engine, unsigned workers, unsigned max_inflight, unsigned delay_ms)
{
    if (!engine || !workers || !max_inflight) return NULL;
    gw_signer *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->engine = engine;
    s->max_inflight = max_inflight;
    s->delay_ms = delay_ms;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->wake, &ca);
    pthread_condattr_destroy(&ca);
    if (!(s->workers = calloc(workers, sizeof *s->workers))) {
        gw_signer_free(s);
        return NULL;
    }
    for (; s->nworkers < workers; s->nworkers++)
        if (pthread_create(&s->workers[s->nworkers], NULL, worker, s) != 0) {
            gw_signer_stop(s);
            gw_signer_free(s);
            return NULL;
        }
    return s;
}

int gw_signer_submit(gw_signer *s, gw_sign_job *job)
{
    pthread_mutex_lock(&s->mu);
    int ok = !s->stopping && s->inflight < s->max_inflight;
    if (ok) {
        s->inflight++;
        fifo_push(&s->todo, job);
        pthread_cond_signal(&s->wake);
    }
    pthread_mutex_unlock(&s->mu);
    return ok ? 0 : -1;
}

void gw_signer_stop(gw_signer *s)
{
    if (!s) return;
    pthread_mutex_lock(&s->mu);
    s->stopping = 1;
    pthread_cond_broadcast(&s->wake);
    pthread_mutex_unlock(&s->mu);
    for (unsigned i = 0; i < s->nworkers; i++) pthread_join(s->workers[i], NULL);
    s->nworkers = 0;
}

void gw_signer_free(gw_signer *s)
{
    if (!s) return;
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->wake);
    free(s->workers);
    free(s);
}

/* cluster_pool.c: the cluster engine's threads (cluster_int.h: cl_spawn). Every job gets a thread
 * of its own at once (sessions wait on their peers for seconds, so a job never queues behind
 * another), but threads are kept: a thread whose job ended waits CL_POOL_IDLE_MS for the next one
 * before it leaves. A node under load used to create, fault in and unmap a thread stack for each
 * signing session (the kernel's TLB shootdown for the stack's madvise alone was ~2 % of its CPU).
 * Invariant (c->mu): jobs_queued <= idle threads + threads started for a job and not yet running
 * one, so a queued job is always taken without waiting. */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "node/cluster_int.h"

#define CL_POOL_IDLE_MS 30000

struct cl_job {
    void *(*fn)(void *);
    void *arg;
    int *done;
    struct cl_job *next;
};

static struct cl_job *take_job(cluster *c)
{
    struct cl_job *j = c->jobs;
    c->jobs = j->next;
    if (!c->jobs) c->jobs_tail = NULL;
    c->jobs_queued--;
    return j;
}

/* Waits (c->mu held) for a job; 0 when idle too long or the engine stops with nothing queued. */
static int wait_for_job(cluster *c)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += CL_POOL_IDLE_MS / 1000;
    int timed_out = 0;
    c->pool_idle++;
    while (!c->jobs_queued && !c->stopping && !timed_out)
        timed_out = pthread_cond_timedwait(&c->pool_cv, &c->mu, &until) == ETIMEDOUT;
    c->pool_idle--;
    return c->jobs_queued > 0;
}

static void *pool_main(void *arg)
{
    cluster *c = arg;
    pthread_mutex_lock(&c->mu);
    while (c->jobs_queued || wait_for_job(c)) {
        struct cl_job *j = take_job(c);
        pthread_mutex_unlock(&c->mu);
        j->fn(j->arg);
        pthread_mutex_lock(&c->mu);
        if (j->done) *j->done = 1;
        free(j);
        pthread_cond_broadcast(&c->cv);
    }
    c->threads--;
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
    return NULL;
}

static int start_thread(cluster *c)
{
    pthread_t t;
    pthread_attr_t at;
    if (pthread_attr_init(&at) != 0) return -1;
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    int rc = pthread_create(&t, &at, pool_main, c);
    pthread_attr_destroy(&at);
    if (rc != 0) return -1;
    c->threads++;
    return 0;
}

int cl_spawn_tracked(cluster *c, void *(*fn)(void *), void *arg, int *done)
{
    struct cl_job *j = malloc(sizeof *j);
    if (!j) return -1;
    *j = (struct cl_job){fn, arg, done, NULL};
    /* an idle thread per queued job, else a new thread (started before the job is queued, so a
     * failure leaves the queue as it was; it only takes a job once c->mu is released) */
    if (c->pool_idle <= c->jobs_queued && start_thread(c) != 0) {
        free(j);
        return -1;
    }
    if (c->jobs_tail)
        *c->jobs_tail = j;
    else
        c->jobs = j;
    c->jobs_tail = &j->next;
    c->jobs_queued++;
    pthread_cond_signal(&c->pool_cv);
    return 0;
}

int cl_spawn(cluster *c, void *(*fn)(void *), void *arg) { return cl_spawn_tracked(c, fn, arg, NULL); }

void cl_pool_stop(cluster *c)
{
    pthread_cond_broadcast(&c->pool_cv);
    while (c->threads > 0) pthread_cond_wait(&c->cv, &c->mu);
}

/* mesh_verify.c: the mesh's verification thread (see mesh_internal.h). A peer's HELLO is parsed
 * and checked against its TLS key here (mesh_attest_peer: attest_verify with ECDSA P-384 and the
 * endorsement chain, a few ms, tens under load), so the I/O loop never waits on it; the result
 * returns to the loop through an event and finds its connection by id (it may have closed). */
#include <stdio.h>
#include <stdlib.h>

#include "node/mesh_internal.h"

void mesh_vjob_free(mesh_vjob *j)
{
    if (!j) return;
    free(j->body);
    free(j->spki);
    free(j);
}

static void *verify_main(void *arg)
{
    mesh *m = arg;
    pthread_mutex_lock(&m->vmu);
    for (;;) {
        mesh_vjob *j = m->vtodo;
        if (!j) {
            if (m->vstop) break;
            pthread_cond_wait(&m->vcv, &m->vmu);
            continue;
        }
        m->vtodo = j->next;
        pthread_mutex_unlock(&m->vmu);
        mesh_hello h;
        const char *why = NULL;
        uint64_t t0 = mesh_now_ms();
        if (mesh_hello_parse(j->body, j->len, &h, &why) != 0) {
            j->rc = -1;
            j->kind = MESH_REFUSED_EVIDENCE;
            snprintf(j->reason, sizeof j->reason, "%s", why);
        } else {
            j->rc =
                mesh_attest_peer(m, j->slot, &h, j->spki, j->spki_len, &j->info, &j->kind, j->reason, sizeof j->reason);
        }
        j->ms = mesh_now_ms() - t0;
        pthread_mutex_lock(&m->vmu);
        j->next = m->vdone;
        m->vdone = j;
        event_active(m->vdone_ev, EV_TIMEOUT, 0);
    }
    pthread_mutex_unlock(&m->vmu);
    return NULL;
}

static void on_vdone(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    mesh *m = arg;
    pthread_mutex_lock(&m->vmu);
    mesh_vjob *list = m->vdone, *rev = NULL;
    m->vdone = NULL;
    pthread_mutex_unlock(&m->vmu);
    while (list) { /* back to arrival order */
        mesh_vjob *n = list->next;
        list->next = rev;
        rev = list;
        list = n;
    }
    while (rev) {
        mesh_vjob *n = rev->next;
        mesh_verified(m, rev);
        rev = n;
    }
}

int mesh_verify_start(mesh *m, char *err, size_t errlen)
{
    pthread_mutex_init(&m->vmu, NULL);
    pthread_cond_init(&m->vcv, NULL);
    m->vdone_ev = event_new(m->base, -1, 0, on_vdone, m);
    if (!m->vdone_ev || pthread_create(&m->vthread, NULL, verify_main, m) != 0)
        return snprintf(err, errlen, "mesh: cannot start the verification thread"), -1;
    m->vthread_on = 1;
    return 0;
}

void mesh_verify_stop(mesh *m)
{
    if (m->vthread_on) {
        pthread_mutex_lock(&m->vmu);
        m->vstop = 1;
        for (mesh_vjob *j; (j = m->vtodo);) m->vtodo = j->next, mesh_vjob_free(j);
        pthread_cond_signal(&m->vcv);
        pthread_mutex_unlock(&m->vmu);
        pthread_join(m->vthread, NULL);
        m->vthread_on = 0;
    }
    for (mesh_vjob *j; (j = m->vdone);) m->vdone = j->next, mesh_vjob_free(j);
    if (m->vdone_ev) event_free(m->vdone_ev);
    m->vdone_ev = NULL;
}

void mesh_verify_submit(mesh *m, mesh_vjob *j)
{
    pthread_mutex_lock(&m->vmu);
    mesh_vjob **pp = &m->vtodo;
    while (*pp) pp = &(*pp)->next;
    j->next = NULL;
    *pp = j;
    pthread_cond_signal(&m->vcv);
    pthread_mutex_unlock(&m->vmu);
}

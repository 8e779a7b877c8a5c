/* mesh_fault.c: the test-build fault hook of the mesh (see mesh.h). Compiled with
 * CCTSA_MESH_FAULTS only into the test binaries (cctsa-node-faults, mesh_probe); otherwise every
 * rule is refused and frames go straight to the connection.
 * Rule: ACTION@PEER[,after=N][,every=N] applied to the data frames (channels 1..3) this node sends
 * to the peer named PEER: drop (never sent), delay=MS (sent MS later), corrupt (the frame magic is
 * broken: the receiver must close the connection), corrupt-body (one body byte flipped, header
 * intact: the receiver's application must notice), replay (sent twice). after=N leaves the first N
 * frames alone; every=N applies the rule to every N-th frame after that (default 1); armed makes the
 * rule wait for mesh_fault_arm (cctsa-node-faults: SIGUSR1), e.g. until the DKG is done. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/mesh_internal.h"

#ifdef CCTSA_MESH_FAULTS

typedef enum {
    F_DROP,
    F_DELAY,
    F_CORRUPT,
    F_CORRUPT_BODY,
    F_REPLAY
} fault_action;

struct mesh_fault_rule {
    fault_action action;
    unsigned delay_ms, after, every;
    int slot, wait_arm;
    uint64_t seen;
};

typedef struct delayed {
    mesh *m;
    int slot;
    mesh_frame *f;
    struct event *ev;
    struct delayed *next;
} delayed;
static delayed *g_delayed; /* loop thread only */

static int parse_rule(mesh *m, const char *text, struct mesh_fault_rule *r, char *err, size_t errlen)
{
    char buf[160], *save = NULL;
    snprintf(buf, sizeof buf, "%s", text);
    char *at = strchr(buf, '@');
    if (!at) goto bad;
    *at++ = 0;
    char *peer = strtok_r(at, ",", &save);
    memset(r, 0, sizeof *r);
    r->every = 1;
    r->slot = -1;
    if (!strcmp(buf, "drop"))
        r->action = F_DROP;
    else if (!strcmp(buf, "corrupt"))
        r->action = F_CORRUPT;
    else if (!strcmp(buf, "corrupt-body"))
        r->action = F_CORRUPT_BODY;
    else if (!strcmp(buf, "replay"))
        r->action = F_REPLAY;
    else if (!strncmp(buf, "delay=", 6) && (r->delay_ms = (unsigned)strtoul(buf + 6, NULL, 10)) > 0 &&
             r->delay_ms <= 60000)
        r->action = F_DELAY;
    else
        goto bad;
    for (int i = 0; peer && i < MESH_PEERS; i++)
        if (!strcmp(m->peers[i].name, peer)) r->slot = i;
    if (r->slot < 0) goto bad;
    for (char *opt; (opt = strtok_r(NULL, ",", &save));) {
        unsigned long v;
        char *end;
        if (!strncmp(opt, "after=", 6) && (v = strtoul(opt + 6, &end, 10), !*end) && v < 1000000)
            r->after = (unsigned)v;
        else if (!strcmp(opt, "armed"))
            r->wait_arm = 1;
        else if (!strncmp(opt, "every=", 6) && (v = strtoul(opt + 6, &end, 10), !*end) && v >= 1 && v < 1000000)
            r->every = (unsigned)v;
        else
            goto bad;
    }
    return 0;
bad:
    snprintf(err, errlen,
             "mesh: bad fault rule '%s' (ACTION@PEER[,after=N][,every=N][,armed]; ACTION drop, delay=MS, corrupt, "
             "corrupt-body or replay; PEER a peer name)",
             text);
    return -1;
}

int mesh_fault_init(mesh *m, char *err, size_t errlen)
{
    if (!m->cfg.n_faults) return 0;
    if (m->cfg.n_faults > MESH_MAX_FAULTS) return snprintf(err, errlen, "mesh: too many fault rules"), -1;
    m->faults = calloc(m->cfg.n_faults, sizeof *m->faults);
    if (!m->faults) return snprintf(err, errlen, "mesh: out of memory"), -1;
    for (size_t i = 0; i < m->cfg.n_faults; i++)
        if (parse_rule(m, m->cfg.faults[i], &m->faults[i], err, errlen) != 0) return -1;
    m->n_faults = m->cfg.n_faults;
    for (size_t i = 0; i < m->n_faults; i++) mesh_log(m, 1, "FAULT HOOK ACTIVE: %s", m->cfg.faults[i]);
    return 0;
}

void mesh_fault_arm(mesh *m)
{
    m->faults_armed = 1;
    if (m->n_faults) mesh_log(m, 1, "FAULT HOOK ARMED");
}

void mesh_fault_free(mesh *m)
{
    delayed **pp = &g_delayed;
    while (*pp) {
        delayed *d = *pp;
        if (d->m != m) {
            pp = &d->next;
            continue;
        }
        *pp = d->next;
        event_free(d->ev);
        free(d->f);
        free(d);
    }
    free(m->faults);
    m->faults = NULL;
}

static void on_delayed(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    delayed *d = arg;
    for (delayed **pp = &g_delayed; *pp; pp = &(*pp)->next)
        if (*pp == d) {
            *pp = d->next;
            break;
        }
    mesh_conn *c = d->m->peers[d->slot].conn;
    if (c && c->up && !c->closing) bufferevent_write(c->bev, d->f->data, d->f->len);
    event_free(d->ev);
    free(d->f);
    free(d);
}

void mesh_fault_write(mesh *m, int slot, struct bufferevent *bev, mesh_frame *f)
{
    struct mesh_fault_rule *r = NULL;
    for (size_t i = 0; i < m->n_faults && !r; i++) {
        struct mesh_fault_rule *c = &m->faults[i];
        if (c->slot != slot || (c->wait_arm && !m->faults_armed)) continue;
        uint64_t n = c->seen++;
        if (n >= c->after && (n - c->after) % c->every == 0) r = c;
    }
    if (!r) {
        mesh_write_frame(bev, f);
        return;
    }
    switch (r->action) {
    case F_DROP: mesh_log(m, 1, "fault: dropping a %zu-byte frame to %s", f->len, m->peers[slot].name); break;
    case F_CORRUPT:
        f->data[0] ^= 0x20;
        mesh_log(m, 1, "fault: corrupting the header of a frame to %s", m->peers[slot].name);
        bufferevent_write(bev, f->data, f->len);
        break;
    case F_CORRUPT_BODY:
        f->data[MESH_HDR_LEN + (f->len - MESH_HDR_LEN) / 2] ^= 0x01;
        mesh_log(m, 1, "fault: flipping a body bit of a frame to %s", m->peers[slot].name);
        bufferevent_write(bev, f->data, f->len);
        break;
    case F_REPLAY:
        mesh_log(m, 1, "fault: sending a frame to %s twice", m->peers[slot].name);
        bufferevent_write(bev, f->data, f->len);
        bufferevent_write(bev, f->data, f->len);
        break;
    case F_DELAY: {
        delayed *d = calloc(1, sizeof *d);
        struct timeval tv = {r->delay_ms / 1000, (r->delay_ms % 1000) * 1000};
        if (!d || !(d->ev = evtimer_new(m->base, on_delayed, d))) {
            free(d);
            break;
        }
        d->m = m, d->slot = slot, d->f = f, d->next = g_delayed;
        g_delayed = d;
        evtimer_add(d->ev, &tv);
        return;
    }
    }
    free(f);
}

#else

void mesh_fault_arm(mesh *m) { (void)m; }

int mesh_fault_init(mesh *m, char *err, size_t errlen)
{
    if (!m->cfg.n_faults) return 0;
    snprintf(err, errlen, "mesh: fault rules exist only in test builds (cctsa-node-faults)");
    return -1;
}

void mesh_fault_free(mesh *m) { (void)m; }

void mesh_fault_write(mesh *m, int slot, struct bufferevent *bev, mesh_frame *f)
{
    (void)m;
    (void)slot;
    mesh_write_frame(bev, f);
}

#endif

/* mesh_probe: one node of a five-process mesh test (tests/cluster/test_mesh.sh), built with the
 * fault hook. It runs the mesh on its own libevent loop and, each time a peer comes UP, sends it
 * --frames frames (the first MESH_MAX_BODY bytes, the rest --size bytes) whose bytes are a pattern
 * of (sender, index); it checks every frame it receives against the pattern of its sender and
 * prints one line per event on stdout:
 *   self KEYHEX16 BOOTHEX16
 *   peer NAME STATE boot=HEX16 reason=...
 *   recv NAME #I LEN ok|BAD
 * SIGTERM/SIGINT stop it. */
#include <event2/event.h>
#include <event2/thread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/mesh.h"

static const char usage[] =
    "usage: mesh_probe --name NAME --config FILE --mesh tcp:HOST:PORT --peer NAME=tcp:HOST:PORT (x4)\n"
    "                  [--frames N] [--size BYTES] [--fault RULE ...] [--dead-ms MS] [--reattest S]\n";

typedef struct {
    mesh *m;
    mesh_config cfg;
    unsigned frames, size;
    mesh_peer_state last[MESH_PEERS];
} probe;

static uint8_t pattern(const char *sender, uint32_t idx, size_t j)
{
    uint32_t h = 2166136261u;
    for (const char *p = sender; *p; p++) h = (h ^ (uint8_t)*p) * 16777619u;
    return (uint8_t)(h + idx * 131u + (uint32_t)j * 7u + (uint32_t)(j >> 8));
}

static void hex8(const uint8_t *b, char out[17])
{
    for (int i = 0; i < 8; i++) snprintf(out + 2 * i, 3, "%02x", b[i]);
}

static void send_batch(probe *p, int peer)
{
    for (uint32_t i = 0; i < p->frames; i++) {
        size_t len = i == 0 ? MESH_MAX_BODY : p->size;
        uint8_t *b = malloc(len);
        if (!b) return;
        for (size_t j = 0; j < len; j++) b[j] = pattern(p->cfg.name, i, j);
        b[0] = (uint8_t)(i >> 8), b[1] = (uint8_t)i;
        if (mesh_send(p->m, peer, MESH_CHAN_CLUSTER, b, len) != 0)
            printf("send %s #%u failed\n", p->cfg.peer_names[peer], i);
        free(b);
    }
    fflush(stdout);
}

static void on_peer(void *arg, int peer, const mesh_peer_info *info)
{
    probe *p = arg;
    char boot[17];
    hex8(info->boot_id, boot);
    printf("peer %s %s boot=%s reason=%s\n", p->cfg.peer_names[peer], mesh_state_name(info->state), boot, info->reason);
    fflush(stdout);
    if (info->state == MESH_PEER_UP && p->last[peer] != MESH_PEER_UP && p->m) send_batch(p, peer);
    p->last[peer] = info->state;
}

static void on_frame(void *arg, int peer, uint8_t chan, const uint8_t *body, size_t len)
{
    probe *p = arg;
    uint32_t idx = len >= 2 ? (uint32_t)body[0] << 8 | body[1] : 0;
    int ok = chan == MESH_CHAN_CLUSTER && len >= 2 && len == (idx == 0 ? MESH_MAX_BODY : p->size);
    for (size_t j = 2; ok && j < len; j++) ok = body[j] == pattern(p->cfg.peer_names[peer], idx, j);
    printf("recv %s #%u %zu %s\n", p->cfg.peer_names[peer], idx, len, ok ? "ok" : "BAD");
    fflush(stdout);
}

static void on_stop(evutil_socket_t s, short w, void *arg)
{
    (void)s;
    (void)w;
    event_base_loopbreak(arg);
}

int main(int argc, char **argv)
{
    probe p = {.frames = 2, .size = 300000};
    const char *config = NULL;
    int npeers = 0;
    if (evthread_use_pthreads() != 0) return 1;
    struct event_base *base = event_base_new();
    p.cfg.base = base;
    p.cfg.on_frame = on_frame;
    p.cfg.on_peer = on_peer;
    p.cfg.arg = &p;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help")) return fputs(usage, stdout), 0;
        if (!v) return fputs(usage, stderr), 2;
        i++;
        if (!strcmp(a, "--name"))
            p.cfg.name = v;
        else if (!strcmp(a, "--config"))
            config = v;
        else if (!strcmp(a, "--mesh"))
            p.cfg.listen = v;
        else if (!strcmp(a, "--frames"))
            p.frames = (unsigned)atoi(v);
        else if (!strcmp(a, "--size"))
            p.size = (unsigned)atoi(v);
        else if (!strcmp(a, "--dead-ms"))
            p.cfg.dead_ms = (unsigned)atoi(v);
        else if (!strcmp(a, "--reattest"))
            p.cfg.reattest_seconds = (unsigned)atoi(v);
        else if (!strcmp(a, "--fault") && p.cfg.n_faults < MESH_MAX_FAULTS)
            p.cfg.faults[p.cfg.n_faults++] = v;
        else if (!strcmp(a, "--peer") && mesh_config_peer(&p.cfg, npeers, argv[i]) == 0)
            npeers++;
        else
            return fprintf(stderr, "mesh_probe: bad argument %s\n%s", a, usage), 2;
    }
    char err[256];
    if (!p.cfg.name || !config || !p.cfg.listen || npeers != MESH_PEERS || p.size < 2 || p.size > MESH_MAX_BODY)
        return fputs(usage, stderr), 2;
    if (mesh_config_attest(&p.cfg, config, p.cfg.name, err, sizeof err) != 0)
        return fprintf(stderr, "mesh_probe: %s\n", err), 1;
    signal(SIGPIPE, SIG_IGN);
    p.m = mesh_new(&p.cfg, err, sizeof err);
    if (!p.m) return fprintf(stderr, "mesh_probe: %s\n", err), 1;
    char k[17], b[17];
    hex8(mesh_self_key(p.m), k);
    hex8(mesh_self_boot_id(p.m), b);
    printf("self %s %s\n", k, b);
    fflush(stdout);
    struct event *st = evsignal_new(base, SIGTERM, on_stop, base), *si = evsignal_new(base, SIGINT, on_stop, base);
    evsignal_add(st, NULL);
    evsignal_add(si, NULL);
    event_base_dispatch(base);
    mesh_free(p.m);
    event_free(st);
    event_free(si);
    event_base_free(base);
    return 0;
}

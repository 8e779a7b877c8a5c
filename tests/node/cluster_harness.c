/* cluster_harness.c: see cluster_harness.h. */
#include "cluster_harness.h"
#include "testutil.h"
#include "x509/pem.h"

#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct frame {
    struct frame *next;
    int from, to;
    uint8_t *body;
    size_t len;
} frame;

typedef struct {
    harness *h;
    int idx;
} node_ref;

struct harness {
    cluster *c[H_NODES];
    uint8_t key[H_NODES][CLUSTER_KEY_BYTES];
    uint8_t boot[H_NODES][MESH_BOOT_ID_BYTES];
    uint8_t measurement[ATTEST_MEASUREMENT_BYTES];
    node_ref ref[H_NODES];
    char ca[256];
    int production; /* no dev CA in the engines: the CA roots are pinned instead */
    uint8_t *roots[2];
    size_t root_lens[2];
    pthread_mutex_t mu;
    pthread_cond_t cv;
    frame *head, *tail;
    int stop;
    pthread_t deliverer;
    h_tamper_fn tamper;
    void *tamper_arg;
};

int h_slot(int i, int j) { return j < i ? j : j - 1; }

static int h_send(void *arg, const uint8_t to[CLUSTER_KEY_BYTES], const uint8_t *body, size_t len)
{
    node_ref *r = arg;
    harness *h = r->h;
    int dst = -1;
    for (int j = 0; j < H_NODES; j++)
        if (!memcmp(h->key[j], to, CLUSTER_KEY_BYTES)) dst = j;
    if (dst < 0 || dst == r->idx) return -1;
    frame *f = calloc(1, sizeof *f);
    if (!f || !(f->body = malloc(len))) {
        free(f);
        return -1;
    }
    memcpy(f->body, body, len);
    f->len = len, f->from = r->idx, f->to = dst;
    pthread_mutex_lock(&h->mu);
    if (h->tail)
        h->tail->next = f;
    else
        h->head = f;
    h->tail = f;
    pthread_cond_signal(&h->cv);
    pthread_mutex_unlock(&h->mu);
    return 0;
}

static void *deliver(void *arg)
{
    harness *h = arg;
    pthread_mutex_lock(&h->mu);
    for (;;) {
        while (!h->head && !h->stop) pthread_cond_wait(&h->cv, &h->mu);
        if (h->stop) break;
        frame *f = h->head;
        h->head = f->next;
        if (!h->head) h->tail = NULL;
        h_tamper_fn t = h->tamper;
        void *ta = h->tamper_arg;
        cluster *dst = h->c[f->to];
        uint8_t from[CLUSTER_KEY_BYTES];
        memcpy(from, h->key[f->from], CLUSTER_KEY_BYTES);
        pthread_mutex_unlock(&h->mu);
        if (dst && (!t || t(ta, f->from, f->to, f->body, f->len))) cluster_on_message(dst, from, f->body, f->len);
        free(f->body);
        free(f);
        pthread_mutex_lock(&h->mu);
    }
    pthread_mutex_unlock(&h->mu);
    return NULL;
}

/* Sim evidence of node r->idx (its own simulated chip). */
static int sim_evidence(void *arg, const uint8_t binding[ATTEST_BINDING_BYTES], attest_evidence *ev)
{
    node_ref *r = arg;
    char label[32];
    uint8_t chip[ATTEST_CHIP_ID_BYTES];
    snprintf(label, sizeof label, "harness-node-%d", r->idx);
    if (attest_sim_chip_id(label, chip) != 0) return -1;
    return attest_sim_evidence(r->h->measurement, binding, chip, ev) == 0 ? 0 : -1;
}

static cluster *make_node(harness *h, int i)
{
    char err[256];
    h->ref[i] = (node_ref){h, i};
    cluster_config cfg = {.self_key = h->key[i],
                          .boot_id = h->boot[i],
                          .measurement = h->measurement,
                          .send = h_send,
                          .send_arg = &h->ref[i],
                          .evidence = sim_evidence,
                          .evidence_arg = &h->ref[i],
                          .provider = ATTEST_PROVIDER_SIM,
                          .time = tsp_time_source_system(),
                          .dev_ca = h->production ? NULL : h->ca,
                          .default_profile = TSP_PROFILE_HYBRID,
                          .precision = TSP_GENTIME_SECONDS,
                          .exclude_min_ms = H_EXCLUDE_MS,
                          .exclude_max_ms = 4 * H_EXCLUDE_MS};
    if (h->production)
        cfg.ca_roots = (const uint8_t *const *)h->roots, cfg.ca_root_lens = h->root_lens, cfg.n_ca_roots = 2;
    cluster *c = cluster_new(&cfg, err, sizeof err);
    if (!c) {
        fprintf(stderr, "harness: cluster_new: %s\n", err);
        abort();
    }
    return c;
}

harness *h_new(const char *bin) { return h_new_mode(bin, 0); }

harness *h_new_mode(const char *bin, int production)
{
    harness *h = calloc(1, sizeof *h);
    char cmd[1024];
    if (!h) return NULL;
    pthread_mutex_init(&h->mu, NULL);
    pthread_cond_init(&h->cv, NULL);
    snprintf(h->ca, sizeof h->ca, "/tmp/cctsa-cluster-test-%d", (int)getpid());
    snprintf(cmd, sizeof cmd, "rm -rf %s && %s/cctsa ca init --dir %s --alg both >/dev/null", h->ca, bin, h->ca);
    if (system(cmd) != 0) {
        fprintf(stderr, "harness: %s failed\n", cmd);
        free(h);
        return NULL;
    }
    h->production = production;
    for (int i = 0; i < 2; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/root-%s.pem", h->ca, i ? "mldsa" : "ecdsa");
        if (x509_read_pem_or_der(path, "CERTIFICATE", &h->roots[i], &h->root_lens[i]) != 0) abort();
    }
    if (RAND_bytes(h->measurement, sizeof h->measurement) != 1 || RAND_bytes(&h->key[0][0], sizeof h->key) != 1 ||
        RAND_bytes(&h->boot[0][0], sizeof h->boot) != 1)
        abort();
    if (pthread_create(&h->deliverer, NULL, deliver, h) != 0) abort();
    for (int i = 0; i < H_NODES; i++) h->c[i] = make_node(h, i);
    return h;
}

void h_free(harness *h)
{
    if (!h) return;
    /* the deliverer first: it may be inside cluster_on_message of an engine */
    pthread_mutex_lock(&h->mu);
    h->stop = 1;
    pthread_cond_signal(&h->cv);
    pthread_mutex_unlock(&h->mu);
    pthread_join(h->deliverer, NULL);
    for (int i = 0; i < H_NODES; i++) cluster_free(h->c[i]);
    while (h->head) {
        frame *f = h->head;
        h->head = f->next;
        free(f->body);
        free(f);
    }
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", h->ca);
    if (system(cmd) != 0) fprintf(stderr, "harness: cannot remove %s\n", h->ca);
    free(h->roots[0]), free(h->roots[1]);
    free(h);
}

cluster *h_node(harness *h, int i) { return h->c[i]; }
const uint8_t *h_key(harness *h, int i) { return h->key[i]; }
const char *h_ca_dir(harness *h) { return h->ca; }
const uint8_t *h_measurement(harness *h) { return h->measurement; }
const uint8_t *const *h_roots(harness *h, const size_t **lens)
{
    *lens = h->root_lens;
    return (const uint8_t *const *)h->roots;
}

int h_skip_sanitized(const char *test)
{
#ifdef CCTSA_SANITIZE_BUILD
    int sanitized = 1;
#else
    int sanitized = tu_sanitized();
#endif
    if (!sanitized || getenv("CCTSA_CLUSTER_TEST_FORCE")) return 0;
    printf("%s: skipped under the sanitizer build (five DKGs in one process take minutes there); the release "
           "build runs it; CCTSA_CLUSTER_TEST_FORCE=1 runs it anyway\n",
           test);
    return 1;
}

void h_set_tamper(harness *h, h_tamper_fn fn, void *arg)
{
    pthread_mutex_lock(&h->mu);
    h->tamper = fn, h->tamper_arg = arg;
    pthread_mutex_unlock(&h->mu);
}

void h_peer(harness *h, int i, int j, mesh_peer_state state)
{
    mesh_peer_info info = {.state = state};
    memcpy(info.key, h->key[j], CLUSTER_KEY_BYTES);
    memcpy(info.boot_id, h->boot[j], MESH_BOOT_ID_BYTES);
    memcpy(info.measurement, h->measurement, sizeof info.measurement);
    if (state != MESH_PEER_UP) snprintf(info.reason, sizeof info.reason, "connection refused");
    cluster_peer_update(h->c[i], h_slot(i, j), &info, 1);
}

void h_peer_restarted(harness *h, int i, int j)
{
    mesh_peer_info info = {.state = MESH_PEER_ATTESTING};
    if (RAND_bytes(info.key, sizeof info.key) != 1 || RAND_bytes(info.boot_id, sizeof info.boot_id) != 1) abort();
    cluster_peer_update(h->c[i], h_slot(i, j), &info, 1);
}

void h_restart(harness *h, int j)
{
    cluster *old = h->c[j];
    pthread_mutex_lock(&h->mu);
    h->c[j] = NULL; /* frames to it are dropped while it restarts */
    pthread_mutex_unlock(&h->mu);
    cluster_free(old);
    if (RAND_bytes(h->key[j], CLUSTER_KEY_BYTES) != 1 || RAND_bytes(h->boot[j], MESH_BOOT_ID_BYTES) != 1) abort();
    cluster *c = make_node(h, j);
    pthread_mutex_lock(&h->mu);
    h->c[j] = c;
    pthread_mutex_unlock(&h->mu);
    for (int i = 0; i < H_NODES; i++)
        if (i != j) h_peer(h, i, j, MESH_PEER_UP);
    cluster_self_update(c, 1, 1);
    for (int i = 0; i < H_NODES; i++)
        if (i != j) h_peer(h, j, i, MESH_PEER_UP);
}

void h_all_up(harness *h)
{
    for (int i = 0; i < H_NODES; i++) {
        cluster_self_update(h->c[i], 1, 1);
        for (int j = 0; j < H_NODES; j++)
            if (j != i) h_peer(h, i, j, MESH_PEER_UP);
    }
}

int h_wait_active(harness *h, int timeout_s)
{
    for (int t = 0; t < timeout_s * 10; t++) {
        int n = 0;
        for (int i = 0; i < H_NODES; i++) {
            cluster_status st;
            cluster_get_status(h->c[i], &st);
            n += st.epoch_state == LC_EPOCH_ACTIVE;
        }
        if (n == H_NODES) return 0;
        usleep(100000);
    }
    return -1;
}

/* node_main.c: `cctsa-node`, the measured core: time, TSTInfo, signing and the keys, behind the
 * node protocol (docs/node-protocol.md). Cluster mode (--cluster, node_cluster.h): one of five
 * attested nodes whose tokens are threshold-signed by 3 of them after a DKG on boot. Development
 * mode (--dev): --dev-ca DIR makes ephemeral ECDSA P-384 and ML-DSA-65 keys in secure memory and
 * has the dev CA in DIR certify them (nothing secret is written). In both, genTime comes from the
 * host clock (marked "development" in STATUS). */
#include <errno.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <malloc.h>
#include <openssl/rand.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "asn1/der.h"
#include "base/base.h"
#include "node/node_cert.h"
#include "node/node_cluster.h"
#include "node/node_harden.h"
#include "node/node_server.h"
#include "proto/node_addr.h"
#include "tsp/tsp_devca.h"
#include <sys/un.h>

#ifdef CCTSA_MESH_FAULTS
#define CLUSTER_FAULT_USAGE " [--fault RULE ...] [--cluster-fault RULE]"
#else
#define CLUSTER_FAULT_USAGE ""
#endif

static const char usage_text[] =
    "usage: cctsa-node --cluster --name NAME --config FILE --mesh tcp:HOST:PORT --peer NAME=tcp:HOST:PORT (x4)\n"
    "                  --listen ENDPOINT [--dev-ca DIR] [--policy PROFILE=OID ...] [--default-profile P]\n"
    "                  [--gentime-precision s|ms] [--sign-workers N] [--time-probe-ms MS]\n"
    "                  [--audit-dir DIR] [--audit-head-seconds N] [--log-format text|json]" CLUSTER_FAULT_USAGE "\n"
    "       cctsa-node --dev --dev-ca DIR --listen ENDPOINT [--default-profile P] [--measurement HEX96]\n"
    "                  [--policy PROFILE=OID ...] [--gentime-precision s|ms] [--dev-cert-seconds N]\n"
    "                  [--no-renew] [--dev-sign-delay-ms MS] [--sign-workers N]\n"
    "\n"
    "The TSA node: issues RFC 3161 tokens for cctsa-gateway over the node protocol\n"
    "(docs/node-protocol.md). It holds the keys; the gateway holds none.\n"
    "\n"
    "  --listen ENDPOINT      unix:PATH, vsock:CID:PORT or tcp:HOST:PORT (tests)\n"
    "  --cluster              one of the five nodes of a threshold cluster (docs/lifecycle.md): attested\n"
    "                         mutual TLS to its 4 peers, DKG on boot, every token signed by 3 of 5\n"
    "  --name NAME            this node's name in logs and STATUS (host configuration)\n"
    "  --config FILE          the measured configuration (attest.*; with attest.provider = sim the\n"
    "                         measurement is SHA-384 over this executable and FILE)\n"
    "  --mesh tcp:HOST:PORT   where the peers reach this node; --peer NAME=tcp:HOST:PORT, four times\n"
    "  --dev-ca DIR (cluster) local mode: the dev CA in DIR certifies the group keys after each DKG\n"
    "                         Time: trusted time (NTS, docs/trusted-time.md) when FILE has time.* keys,\n"
    "                         else the host clock (DEVELOPMENT); peers' clocks are cross-checked\n"
    "  --time-probe-ms MS     cross-node time probe period (default 30000; tests shorten it)\n"
    "  --audit-dir DIR        the append-only, hash-chained audit log DIR/NAME.audit (docs/operations.md);\n"
    "                         without it the node keeps none (a warning)\n"
    "  --audit-head-seconds N the cluster threshold-signs the audit chain head every N seconds (default 600)\n"
    "  Operator commands (CONTROL, `cctsa operator send`) are checked against the operator.key lines\n"
    "  of the measured configuration FILE.\n"
#ifdef CCTSA_MESH_FAULTS
    "  --fault RULE           TEST BUILD: mesh fault ACTION@PEER[,after=N][,every=N][,armed] (drop,\n"
    "                         delay=MS, corrupt, corrupt-body, replay); armed rules start on SIGUSR1;\n"
    "                         time-offset=MS[:after=S][:for=S]: this node's clock lies by MS ms, S s\n"
    "                         after the first ACTIVE epoch (for S s)\n"
    "  --cluster-fault RULE   TEST BUILD: a lying coordinator (gentime=MS, tamper-tbs),\n"
    "                         binding-fail=N (N binding jobs fail), dkg-abort (gives DKG attempt 1 up,\n"
    "                         then sends aborts with a wrong session id)\n"
#endif

    "  --dev                  DEVELOPMENT MODE: one node with whole local keys (no threshold), host clock\n"
    "  --dev-ca DIR           ephemeral TSA keys in locked memory, certified by the dev CA in DIR\n"
    "                         (cctsa ca init --dir DIR); nothing secret is written to disk\n"
    "  --default-profile P    profile for /tsa without reqPolicy: compat (default), classic, pq or hybrid\n"
    "  --measurement HEX96    SHA-384 launch measurement for the TSA certificates and sim attestation\n"
    "  --dev-cert-seconds N   TSA certificates valid N seconds (default 90 days)\n"
    "  --no-renew             do not re-certify the keys when a third of the lifetime is left\n"
    "  --policy PROFILE=OID   TSA policy OID of a profile (repeatable). Without it the DEVELOPMENT\n"
    "                         defaults " TSP_DEV_ARC ".1 (classic), .2 (pq), .3 (hybrid), .4 (compat)\n"
    "  --gentime-precision s|ms  genTime in whole seconds (default) or milliseconds\n"
    "  --dev-sign-delay-ms MS answer each SIGN MS later (simulated remote-signer latency; default 0)\n"
    "  --sign-workers N       threads signing concurrently (default 2, at most 64)\n"
    "  --log-format text|json the log on stderr: text lines (default) or one JSON object per line\n"
    "The process is made non-dumpable with core files off; secrets live in locked memory (it needs\n"
    "RLIMIT_MEMLOCK >= 1 MiB) and are wiped on SIGTERM or SIGINT, which stop it cleanly.\n";

typedef struct {
    const char *listen, *dev_ca, *default_profile, *measurement, *precision;
    long cert_seconds, delay_ms, workers;
    int dev, no_renew, cluster, npeers;
    node_cluster_opts co;
    uint8_t m[48];
    tsp_policies policies;
    int custom_policy[TSP_PROFILE_COUNT];
} node_opts;

static int opt_peer(void *d, const char *v)
{
    node_opts *o = d;
    if (o->npeers >= MESH_PEERS) return -1;
    o->co.peer_args[o->npeers++] = (char *)v; /* argv's own writable string (parsed in place) */
    return 0;
}

static int opt_fault(void *d, const char *v)
{
    node_cluster_opts *co = d;
    if (co->n_faults >= MESH_MAX_FAULTS) return -1;
    co->faults[co->n_faults++] = v;
    return 0;
}

static int opt_policy(void *d, const char *v)
{
    node_opts *o = d;
    int p = tsp_policies_set_arg(&o->policies, v);
    if (p < 0) return -1;
    o->custom_policy[p] = 1;
    return 0;
}

static int parse_args(int argc, char **argv, node_opts *o)
{
    memset(o, 0, sizeof *o);
    tsp_policies_default(&o->policies);
    o->default_profile = "compat";
    o->precision = "s";
    o->cert_seconds = (long)TSP_DEVCA_CERT_DAYS * 86400;
    o->workers = 2;
    const cc_opt opts[] = {
        CC_STR_OPT("--listen", &o->listen),
        CC_STR_OPT("--dev-ca", &o->dev_ca),
        CC_STR_OPT("--default-profile", &o->default_profile),
        CC_STR_OPT("--measurement", &o->measurement),
        CC_STR_OPT("--gentime-precision", &o->precision),
        CC_FLAG_OPT("--cluster", &o->cluster),
        CC_STR_OPT("--name", &o->co.name),
        CC_STR_OPT("--config", &o->co.config),
        CC_STR_OPT("--mesh", &o->co.mesh_listen),
        CC_STR_OPT("--audit-dir", &o->co.audit_dir),
        CC_FN_OPT("--peer", o, opt_peer, "NAME=ADDR, exactly four times"),
        CC_FN_OPT("--fault", &o->co, opt_fault, "a fault rule (at most 8)"),
        CC_UINT_OPT("--audit-head-seconds", &o->co.audit_head_s, 1, 86400),
        CC_LOG_FORMAT_OPT,
        CC_STR_OPT("--cluster-fault", &o->co.cluster_fault),
        CC_FLAG_OPT("--dev", &o->dev),
        CC_FLAG_OPT("--no-renew", &o->no_renew),
        CC_LONG_OPT("--dev-cert-seconds", &o->cert_seconds, 1, 3650L * 86400, NULL),
        CC_LONG_OPT("--sign-workers", &o->workers, 1, NODE_MAX_SIGN_WORKERS, NULL),
        CC_UINT_OPT("--time-probe-ms", &o->co.time_probe_ms, 100, 30000),
        CC_LONG_OPT("--dev-sign-delay-ms", &o->delay_ms, 0, 10000, NULL),
        CC_FN_OPT("--policy", o, opt_policy, "PROFILE=OID (classic, pq, hybrid or compat; dotted OID)"),
    };
    char why[200];
    if (cc_opts_parse(argc, argv, opts, CC_NOPTS(opts), NULL, 0, NULL, why, sizeof why) != 0) {
        fprintf(stderr, "cctsa-node: %s\n", why);
        return -1;
    }
    if (strcmp(o->precision, "s") != 0 && strcmp(o->precision, "ms") != 0)
        return fprintf(stderr, "cctsa-node: --gentime-precision takes s or ms\n"), -1;
    if (!o->listen) return fprintf(stderr, "cctsa-node: --listen ENDPOINT is required\n"), -1;
    if (o->cluster) {
        if (o->dev || o->measurement)
            return fprintf(
                       stderr,
                       "cctsa-node: --cluster does not take --dev or --measurement (the measurement is attested)\n"),
                   -1;
        if (!o->co.name || !o->co.config || !o->co.mesh_listen || o->npeers != MESH_PEERS)
            return fprintf(stderr, "cctsa-node: --cluster needs --name, --config, --mesh and four --peer\n"), -1;
        return 0;
    }
    if (o->co.name || o->co.config || o->co.mesh_listen || o->npeers || o->co.n_faults || o->co.cluster_fault ||
        o->co.time_probe_ms || o->co.audit_dir || o->co.audit_head_s)
        return fprintf(stderr, "cctsa-node: --name, --config, --mesh, --peer, --time-probe-ms, --audit-* and the fault "
                               "rules need --cluster\n"),
               -1;
    if (o->dev_ca) o->dev = 1;
    if (!o->dev || !o->dev_ca)
        return fprintf(stderr,
                       "cctsa-node: no signer configured: only development mode (--dev --dev-ca DIR) exists so far\n"),
               -1;
    if (o->measurement && cc_hex_decode_exact(o->measurement, o->m, sizeof o->m) != 0)
        return fprintf(stderr, "cctsa-node: --measurement takes 96 hex digits\n"), -1;
    return 0;
}

/* Say which policy OIDs are in use; warn about arcs Go's encoding/asn1 cannot read. */
static void announce_policies(const node_opts *o)
{
    for (int p = 0; p < TSP_PROFILE_COUNT; p++) {
        char dotted[200];
        if (der_oid_to_string(o->policies.oid[p], o->policies.len[p], dotted, sizeof dotted) != 0)
            snprintf(dotted, sizeof dotted, "(unprintable)");
        printf("cctsa-node: policy %-7s %s%s\n", tsp_profile_name((tsp_profile)p), dotted,
               o->custom_policy[p] ? "" : " (DEVELOPMENT DEFAULT: configure your own with --policy)");
        unsigned bits = tsp_oid_max_arc_bits(o->policies.oid[p], o->policies.len[p]);
        if (bits > TSP_OID_GO_MAX_BITS)
            fprintf(stderr,
                    "cctsa-node: warning: the %s policy OID %s has a %u-bit arc; Go's encoding/asn1 "
                    "(and so every Go RFC 3161 verifier) refuses arcs over %d bits and cannot read these "
                    "tokens\n",
                    tsp_profile_name((tsp_profile)p), dotted, bits, TSP_OID_GO_MAX_BITS);
    }
}

typedef struct {
    struct event_base *base;
    node_cert_watch *watch;
} loop_ctx;

static void on_stop(evutil_socket_t sig, short what, void *arg)
{
    (void)what;
    cc_log(CC_LOG_INFO, "cctsa-node", "signal %d: wiping keys and stopping", (int)sig);
    event_base_loopbreak(((loop_ctx *)arg)->base);
}

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    node_cert_check(((loop_ctx *)arg)->watch, time(NULL));
}

#ifdef CCTSA_MESH_FAULTS
static void on_arm(evutil_socket_t sig, short what, void *arg)
{
    (void)sig;
    (void)what;
    node_cluster_arm_faults(arg);
}
#endif

/* Cluster mode: the mesh and the engine behind the node protocol, until SIGTERM / SIGINT. */
static int run_cluster(node_opts *o, tsp_profile dflt, const node_addr *addr)
{
    char err[512];
    struct event_base *base = evthread_use_pthreads() == 0 ? event_base_new() : NULL;
    int lfd = base ? node_addr_listen(addr) : -1;
    if (lfd < 0) {
        cc_log(CC_LOG_ERROR, "cctsa-node", "cannot listen on %s: %s", o->listen, strerror(errno));
        if (base) event_base_free(base);
        return 1;
    }
    o->co.base = base;
    o->co.dev_ca = o->dev_ca;
    o->co.policies = &o->policies;
    o->co.default_profile = dflt;
    o->co.precision = !strcmp(o->precision, "ms") ? TSP_GENTIME_MILLIS : TSP_GENTIME_SECONDS;
    o->co.workers = (unsigned)o->workers;
    cc_log_set_node(o->co.name);
    node_cluster *nc = node_cluster_new(&o->co, err, sizeof err);
    if (!nc) {
        cc_log(CC_LOG_ERROR, "cctsa-node", "%s", err);
        event_base_free(base);
        return 1;
    }
    node_server_config sc = {
        .backend = node_cluster_backend(nc), .time = tsp_time_source_system(), .sign_workers = (unsigned)o->workers};
    memcpy(sc.base.node_id, node_cluster_key(nc), sizeof sc.base.node_id);
    memcpy(sc.base.boot_id, node_cluster_boot_id(nc), sizeof sc.base.boot_id);
    sc.base.default_profile = (uint8_t)dflt;
    sc.base.profiles_mask = (1u << TSP_PROFILE_COUNT) - 1;
    node_server *srv = node_server_new(base, lfd, &sc);
    loop_ctx lc = {base, NULL};
    struct event *sigterm = evsignal_new(base, SIGTERM, on_stop, &lc),
                 *sigint = evsignal_new(base, SIGINT, on_stop, &lc);
#ifdef CCTSA_MESH_FAULTS
    struct event *sigusr1 = evsignal_new(base, SIGUSR1, on_arm, nc);
    if (!sigusr1 || evsignal_add(sigusr1, NULL)) return fprintf(stderr, "cctsa-node: cannot set up SIGUSR1\n"), 1;
#endif
    if (!srv || !sigterm || !sigint || evsignal_add(sigterm, NULL) || evsignal_add(sigint, NULL)) {
        cc_log(CC_LOG_ERROR, "cctsa-node", "cannot set up the event loop");
        return 1;
    }
    char key[97];
    cc_hex_encode(node_cluster_key(nc), MESH_KEY_BYTES, key);
    cc_log(CC_LOG_INFO, "cctsa-node", "CLUSTER node %s (node key %s), %s mode", o->co.name, key,
           o->dev_ca ? "local (dev CA)" : "production (certificates installed by an operator)");
    cc_log(CC_LOG_INFO, "cctsa-node", "node %s listening on %s, mesh on %s%s%s", o->co.name, o->listen,
           o->co.mesh_listen, o->co.audit_dir ? ", audit log in " : "", o->co.audit_dir ? o->co.audit_dir : "");
    printf("cctsa-node: node %s listening on %s\n", o->co.name, o->listen); /* scripts wait for this line */
    announce_policies(o);
    fflush(stdout);
    event_base_dispatch(base);
    node_server_free(srv);
#ifdef CCTSA_MESH_FAULTS
    event_free(sigusr1);
#endif
    node_cluster_free(nc); /* wipes the shares */
    event_free(sigterm);
    event_free(sigint);
    event_base_free(base);
    if (addr->family == AF_UNIX) remove(((struct sockaddr_un *)&addr->sa)->sun_path);
    cc_log(CC_LOG_INFO, "cctsa-node", "stopped");
    return 0;
}

int main(int argc, char **argv)
{
    node_opts o;
    char err[512];
    if (cc_opts_wants_help(argc, argv)) return fputs(usage_text, stdout), 0;
    if (parse_args(argc, argv, &o) != 0) return fputs(usage_text, stderr), 2;
    int dflt = tsp_profile_from_name(o.default_profile);
    node_addr addr;
    if (dflt < 0) return fprintf(stderr, "cctsa-node: unknown profile '%s'\n", o.default_profile), 2;
    if (node_addr_parse(o.listen, &addr) != 0)
        return fprintf(stderr, "cctsa-node: --listen takes unix:PATH, vsock:CID:PORT or tcp:HOST:PORT\n"), 2;
    if (node_harden(err, sizeof err) != 0) return fprintf(stderr, "cctsa-node: %s\n", err), 1;
    /* Threshold ML-DSA round messages are ~270 KB: above glibc's mmap threshold each one would be
     * mapped, faulted in page by page and unmapped again. Keep them on the heap, and the heap. */
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    signal(SIGPIPE, SIG_IGN);
    if (o.cluster) return run_cluster(&o, (tsp_profile)dflt, &addr);

    tsp_local_keys keys;
    unsigned issued = 0;
    if (tsp_local_keys_generate(&keys) != 0) return fprintf(stderr, "cctsa-node: cannot generate the TSA keys\n"), 1;
    if (tsp_devca_issue(o.dev_ca, &keys, o.measurement ? o.m : NULL, o.cert_seconds, &issued, err, sizeof err) != 0) {
        fprintf(stderr, "cctsa-node: %s\n", err);
        tsp_local_keys_free(&keys);
        return 1;
    }
    int have_ec = !!(issued & (1u << X509_ALG_ECDSA_P384)), have_ml = !!(issued & (1u << X509_ALG_MLDSA65));
    tsp_engine_config ec = {.default_profile = (tsp_profile)dflt,
                            .time = tsp_time_source_system(),
                            .ec = have_ec ? &keys.ec : NULL,
                            .ml = have_ml ? &keys.ml : NULL,
                            .policies = &o.policies,
                            .precision = !strcmp(o.precision, "ms") ? TSP_GENTIME_MILLIS : TSP_GENTIME_SECONDS};
    tsp_engine *engine = tsp_engine_new(&ec);
    if (!engine) {
        fprintf(stderr, "cctsa-node: unusable engine configuration (two profiles with the same policy OID?)\n");
        tsp_local_keys_free(&keys);
        return 2;
    }
    struct event_base *base = evthread_use_pthreads() == 0 ? event_base_new() : NULL; /* workers wake the loop */
    int lfd = base ? node_addr_listen(&addr) : -1;
    if (!base || lfd < 0) {
        fprintf(stderr, "cctsa-node: cannot listen on %s: %s\n", o.listen, strerror(errno));
        if (base) event_base_free(base);
        tsp_engine_free(engine);
        tsp_local_keys_free(&keys);
        return 1;
    }
    node_server_config sc = {.engine = engine,
                             .keys = &keys,
                             .time = ec.time,
                             .sign_delay_ms = (unsigned)o.delay_ms,
                             .sign_workers = (unsigned)o.workers,
                             .measurement = o.measurement ? o.m : NULL};
    if (RAND_bytes(sc.base.node_id, sizeof sc.base.node_id) != 1 ||
        RAND_bytes(sc.base.boot_id, sizeof sc.base.boot_id) != 1)
        return fprintf(stderr, "cctsa-node: RNG failure\n"), 1;
    sc.base.flags = PROTO_STATUS_DEV_KEYS; /* time state, eps and the development-clock flag: per reading */
    sc.base.default_profile = (uint8_t)dflt;
    sc.base.profiles_mask =
        (uint8_t)((have_ec ? 1u << TSP_PROFILE_CLASSIC : 0) | (have_ml ? 1u << TSP_PROFILE_PQ : 0) |
                  (have_ec && have_ml ? (1u << TSP_PROFILE_HYBRID) | (1u << TSP_PROFILE_COMPAT) : 0));
    node_server *srv = node_server_new(base, lfd, &sc);
    node_cert_watch watch = {.engine = engine,
                             .dev_ca = o.dev_ca,
                             .keys = &keys,
                             .measurement = o.measurement ? o.m : NULL,
                             .lifetime = o.cert_seconds,
                             .renew = !o.no_renew,
                             .last = TSP_CERT_OK};
    loop_ctx lc = {base, &watch};
    struct event *sigterm = evsignal_new(base, SIGTERM, on_stop, &lc),
                 *sigint = evsignal_new(base, SIGINT, on_stop, &lc);
    struct event *tick = event_new(base, -1, EV_PERSIST, on_tick, &lc);
    struct timeval second = {1, 0};
    if (!srv || !sigterm || !sigint || !tick || evsignal_add(sigterm, NULL) || evsignal_add(sigint, NULL) ||
        event_add(tick, &second)) {
        fprintf(stderr, "cctsa-node: cannot set up the event loop\n");
        return 1;
    }
    node_cert_check(&watch, time(NULL));
    char hex[33];
    for (int i = 0; i < 16; i++) snprintf(hex + 2 * i, 3, "%02x", sc.base.node_id[i]);
    printf("cctsa-node: DEVELOPMENT MODE (ephemeral keys in locked memory, dev CA %s, host clock)\n", o.dev_ca);
    printf("cctsa-node: node %s listening on %s (default profile %s; ECDSA %s, ML-DSA-65 %s; genTime in %s)\n", hex,
           o.listen, tsp_profile_name((tsp_profile)dflt), have_ec ? "yes" : "no", have_ml ? "yes" : "no",
           !strcmp(o.precision, "ms") ? "milliseconds" : "whole seconds");
    announce_policies(&o);
    fflush(stdout);

    event_base_dispatch(base);
    node_server_free(srv);
    event_free(sigterm);
    event_free(sigint);
    event_free(tick);
    event_base_free(base);
    tsp_engine_free(engine);
    tsp_local_keys_free(&keys); /* wipes the private keys */
    if (addr.family == AF_UNIX) remove(((struct sockaddr_un *)&addr.sa)->sun_path);
    fprintf(stderr, "cctsa-node: stopped\n");
    return 0;
}

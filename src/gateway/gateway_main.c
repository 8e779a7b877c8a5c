/* gateway_main.c: `cctsa-gateway`, the TSA's HTTP front end. It holds no secret and links no
 * signing code: it parses and checks requests, enforces the serving limits, and has one or more
 * cctsa-node processes (--node, repeatable) issue the tokens over the node protocol. */
#include <arpa/inet.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/base.h"
#include "gateway/gateway_http.h"
#include "tsp/tsp_req.h"

#define DEFAULT_LISTEN "127.0.0.1:8318"
#define READY_WAIT_MS 5000

static const char usage_text[] =
    "usage: cctsa-gateway --node ENDPOINT [--node ENDPOINT ...] [--listen ADDR:PORT] [--max-request BYTES]\n"
    "                     [--log-format text|json] [serving limits below]\n"
    "\n"
    "RFC 3161 time-stamp authority over HTTP (section 3.4):\n"
    "  POST /tsa            application/timestamp-query -> application/timestamp-reply, profile chosen\n"
    "                       by the node from the request's reqPolicy, else its default profile\n"
    "  POST /tsa/classic    ECDSA P-384 token (openssl ts -verify accepts it)\n"
    "  POST /tsa/pq         ML-DSA-65 token (RFC 9882)\n"
    "  POST /tsa/hybrid     ECDSA and ML-DSA-65 SignerInfos\n"
    "  POST /tsa/compat     ECDSA token whose signature carries an ML-DSA-65 countersignature\n"
    "  GET  /health         JSON: status, node_id, attested, time_synced, quorum_available, uptime_seconds;\n"
    "                       with a cluster: key_epoch, key_state, availability, node_state, cluster.nodes[]\n"
    "  GET  /metrics        Prometheus text format (cctsa_*, process_*)\n"
    "  GET  /certs          the TSA certificates, PEM (ECDSA first, then ML-DSA-65)\n"
    "  GET  /binding        the threshold-signed binding record, DER (cluster only)\n"
    "  GET  /attestation?nonce=HEX  a fresh attestation report bound to the nonce (16..64 bytes), JSON;\n"
    "                       rate-limited (--attest-per-minute), 429 with Retry-After beyond\n"
    "\n"
    "  --node ENDPOINT        a cctsa-node: unix:PATH, vsock:CID:PORT or tcp:HOST:PORT (repeatable; the\n"
    "                         gateway health-checks them every second and fails over between them)\n"
    "  --listen ADDR:PORT     IPv4 address and port (default " DEFAULT_LISTEN "; port 0 = any free port)\n"
    "  --max-request BYTES    largest accepted request body (default 8192)\n"
    "  --log-format text|json the log on stderr: text lines (default) or one JSON object per line\n"
    "The gateway holds no key. When no node can sign it answers 503 with Retry-After and a\n"
    "systemFailure TimeStampResp. SIGTERM or SIGINT stops it cleanly.\n";

typedef struct {
    const char *listen;
    long max_request;
    gateway_limits limits;
    gw_signer_config nodes;
} gw_opts;

static int parse_listen(const char *s, struct sockaddr_in *sa)
{
    char host[64];
    const char *colon = strrchr(s, ':');
    char *end;
    if (!colon || (size_t)(colon - s) >= sizeof host) return -1;
    memcpy(host, s, (size_t)(colon - s));
    host[colon - s] = 0;
    long port = strtol(colon + 1, &end, 10);
    if (*end || end == colon + 1 || port < 0 || port > 65535) return -1;
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    sa->sin_port = htons((uint16_t)port);
    return inet_pton(AF_INET, host, &sa->sin_addr) == 1 ? 0 : -1;
}

static int opt_node(void *d, const char *v)
{
    gw_signer_config *n = d;
    if (n->nnodes >= GW_MAX_NODES || node_addr_parse(v, &n->nodes[n->nnodes]) != 0) return -1;
    n->nnodes++;
    return 0;
}

static int parse_args(int argc, char **argv, gw_opts *o)
{
    memset(o, 0, sizeof *o);
    o->listen = DEFAULT_LISTEN;
    o->max_request = TSP_REQ_MAX_LEN;
    gateway_limits_default(&o->limits);
    cc_opt opts[4 + GW_LIMIT_OPTS] = {
        CC_LONG_OPT("--max-request", &o->max_request, 64, 1L << 20, NULL),
        CC_FN_OPT("--node", &o->nodes, opt_node, "unix:PATH, vsock:CID:PORT or tcp:HOST:PORT (at most 16)"),
        CC_STR_OPT("--listen", &o->listen),
        CC_LOG_FORMAT_OPT,
    };
    gateway_limits_opts(&o->limits, opts + 4);
    char why[200];
    if (cc_opts_parse(argc, argv, opts, CC_NOPTS(opts), NULL, 0, NULL, why, sizeof why) != 0) {
        fprintf(stderr, "cctsa-gateway: %s\n", why);
        return -1;
    }
    if (!o->nodes.nnodes) {
        fprintf(stderr,
                "cctsa-gateway: no node configured: give --node ENDPOINT (start one with cctsa-node --dev ...)\n");
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    gw_opts o;
    if (cc_opts_wants_help(argc, argv)) return fputs(usage_text, stdout), gateway_limits_usage(stdout), 0;
    if (parse_args(argc, argv, &o) != 0) return fputs(usage_text, stderr), gateway_limits_usage(stderr), 2;
    gateway_http_config hc = {
        .max_body = (size_t)o.max_request, .limits = o.limits, .nodes = o.nodes, .default_profile = TSP_PROFILE_COMPAT};
    if (parse_listen(o.listen, &hc.listen) != 0)
        return fprintf(stderr, "cctsa-gateway: --listen takes IPv4:PORT, e.g. 127.0.0.1:8318\n"), 2;

    /* Block the stop signals before any thread starts, so only sigwait below receives them. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    gateway_http *g = gateway_http_start(&hc);
    if (!g) {
        cc_log(CC_LOG_ERROR, "cctsa-gateway", "cannot listen on %s", o.listen);
        return 1;
    }
    if (!gateway_http_nodes_ready(g, READY_WAIT_MS))
        cc_log(CC_LOG_WARN, "cctsa-gateway", "no node answered within %d ms; answering 503 until one does",
               READY_WAIT_MS);
    char addr[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &hc.listen.sin_addr, addr, sizeof addr);
    printf("cctsa-gateway: listening on http://%s:%u (%u node(s):", addr, gateway_http_port(g), o.nodes.nnodes);
    for (unsigned i = 0; i < o.nodes.nnodes; i++) printf(" %s", o.nodes.nodes[i].text);
    printf(")\n");
    fflush(stdout);
    cc_log(CC_LOG_INFO, "cctsa-gateway", "listening on http://%s:%u with %u node(s)", addr, gateway_http_port(g),
           o.nodes.nnodes);

    int sig = sigwaitinfo(&stop, NULL);
    cc_log(CC_LOG_INFO, "cctsa-gateway", "signal %d: shutting down", sig);
    gateway_http_stop(g);
    cc_log(CC_LOG_INFO, "cctsa-gateway", "stopped");
    return 0;
}

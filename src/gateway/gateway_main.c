/* gateway_main.c: `cctsa-gateway`, the TSA's HTTP front end. Today it runs in development mode
 * only: --dev-ca DIR makes ephemeral ECDSA P-384 and ML-DSA-65 TSA keys in memory and has the dev
 * CA in DIR certify them (nothing secret is written). The threshold cluster replaces
 * make_dev_signers() later; everything after it only sees tsp_identity signers. */
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/base.h"
#include "asn1/der.h"
#include "gateway/gateway_cert.h"
#include "gateway/gateway_http.h"
#include "tsp/tsp_devca.h"
#include "tsp/tsp_engine.h"
#include "tsp/tsp_req.h"

#define DEFAULT_LISTEN "127.0.0.1:8318"

static const char usage_text[] =
    "usage: cctsa-gateway --dev-ca DIR [--listen ADDR:PORT] [--default-profile P] [--max-request BYTES]\n"
    "                     [--measurement HEX96] [--policy PROFILE=OID ...] [--gentime-precision s|ms]\n"
    "                     [--dev-cert-seconds N] [--no-renew] [serving limits below]\n"
    "\n"
    "RFC 3161 time-stamp authority over HTTP (section 3.4):\n"
    "  POST /tsa            application/timestamp-query -> application/timestamp-reply, profile chosen\n"
    "                       by the request's reqPolicy, else the default profile\n"
    "  POST /tsa/classic    ECDSA P-384 token (openssl ts -verify accepts it)\n"
    "  POST /tsa/pq         ML-DSA-65 token (RFC 9882)\n"
    "  POST /tsa/hybrid     ECDSA and ML-DSA-65 SignerInfos\n"
    "  POST /tsa/compat     ECDSA token whose signature carries an ML-DSA-65 countersignature\n"
    "  GET  /health         JSON status\n"
    "\n"
    "  --listen ADDR:PORT     IPv4 address and port (default " DEFAULT_LISTEN "; port 0 = any free port)\n"
    "  --dev-ca DIR           DEVELOPMENT MODE: ephemeral TSA keys in memory, certified by the dev CA in\n"
    "                         DIR (cctsa ca init --dir DIR); nothing secret is written to disk\n"
    "  --default-profile P    profile for /tsa without reqPolicy: compat (default), classic, pq or hybrid\n"
    "  --max-request BYTES    largest accepted request body (default 8192)\n"
    "  --measurement HEX96    dev mode: put this SHA-384 launch measurement into the TSA certificates\n"
    "  --dev-cert-seconds N   dev mode: TSA certificates valid N seconds (default 90 days; short ones\n"
    "                         are for testing expiry and renewal)\n"
    "  --no-renew             dev mode: do not re-certify the keys when a third of the lifetime is left\n"
    "  --policy PROFILE=OID   TSA policy OID of a profile (repeatable), under the operator's own registered\n"
    "                         arc. Without it the DEVELOPMENT defaults " TSP_DEV_ARC ".1 (classic),\n"
    "                         .2 (pq), .3 (hybrid), .4 (compat) are used (IANA's documentation arc)\n"
    "  --gentime-precision s|ms  genTime in whole seconds (default: every tested verifier accepts it) or\n"
    "                         milliseconds (Go's encoding/asn1 refuses fractional seconds)\n"
    "The genTime comes from the host clock in development mode. Outside its TSA certificates'\n"
    "validity the gateway refuses to sign (systemFailure, HTTP 503); with fewer than 30 days left it\n"
    "warns in /health and the log. SIGTERM or SIGINT stops it cleanly.\n";

typedef struct {
    const char *listen, *dev_ca, *default_profile, *measurement;
    long max_request, cert_seconds;
    int no_renew;
    uint8_t m[48];
    gateway_limits limits;
    const char *precision;
    tsp_policies policies;
    int custom_policy[TSP_PROFILE_COUNT];
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

static int parse_args(int argc, char **argv, gw_opts *o)
{
    memset(o, 0, sizeof *o);
    tsp_policies_default(&o->policies);
    o->listen = DEFAULT_LISTEN;
    o->default_profile = "compat";
    o->precision = "s";
    o->max_request = TSP_REQ_MAX_LEN;
    o->cert_seconds = (long)TSP_DEVCA_CERT_DAYS * 86400;
    gateway_limits_default(&o->limits);
    for (int i = 1, lim; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = !strcmp(a, "--listen") ? &o->listen : !strcmp(a, "--dev-ca") ? &o->dev_ca
                          : !strcmp(a, "--default-profile") ? &o->default_profile
                          : !strcmp(a, "--measurement") ? &o->measurement
                          : !strcmp(a, "--gentime-precision") ? &o->precision : NULL;
        if (!strcmp(a, "--max-request") && i + 1 < argc) {
            char *end;
            o->max_request = strtol(argv[++i], &end, 10);
            if (*end || o->max_request < 64 || o->max_request > (1L << 20)) {
                fprintf(stderr, "cctsa-gateway: --max-request takes 64..1048576\n");
                return -1;
            }
        } else if (!strcmp(a, "--dev-cert-seconds") && i + 1 < argc) {
            char *end;
            o->cert_seconds = strtol(argv[++i], &end, 10);
            if (*end || o->cert_seconds < 1 || o->cert_seconds > 3650L * 86400) {
                fprintf(stderr, "cctsa-gateway: --dev-cert-seconds takes 1..315360000\n");
                return -1;
            }
        } else if (!strcmp(a, "--no-renew")) {
            o->no_renew = 1;
        } else if (!strcmp(a, "--policy") && i + 1 < argc) {
            int p = tsp_policies_set_arg(&o->policies, argv[++i]);
            if (p < 0) {
                fprintf(stderr, "cctsa-gateway: --policy takes PROFILE=OID (classic, pq, hybrid or compat; dotted "
                                "OID), got '%s'\n", argv[i]);
                return -1;
            }
            o->custom_policy[p] = 1;
        } else if (slot && i + 1 < argc) {
            *slot = argv[++i];
        } else if (i + 1 < argc && (lim = gateway_limits_option(&o->limits, a, argv[i + 1])) != 0) {
            if (lim < 0) return -1;
            i++;
        } else {
            fprintf(stderr, "cctsa-gateway: unexpected or incomplete argument '%s'\n", a);
            return -1;
        }
    }
    if (strcmp(o->precision, "s") != 0 && strcmp(o->precision, "ms") != 0) {
        fprintf(stderr, "cctsa-gateway: --gentime-precision takes s or ms\n");
        return -1;
    }
    return 0;
}

/* Say which policy OIDs are in use: development defaults are labelled, and an arc too large for
 * common parsers is warned about (Go's encoding/asn1 and cryptobyte take at most 31 bits). */
static void announce_policies(const gw_opts *o)
{
    for (int p = 0; p < TSP_PROFILE_COUNT; p++) {
        char dotted[200];
        if (der_oid_to_string(o->policies.oid[p], o->policies.len[p], dotted, sizeof dotted) != 0)
            snprintf(dotted, sizeof dotted, "(unprintable)");
        printf("cctsa-gateway: policy %-7s %s%s\n", tsp_profile_name((tsp_profile)p), dotted,
               o->custom_policy[p] ? "" : " (DEVELOPMENT DEFAULT: configure your own with --policy)");
        unsigned bits = tsp_oid_max_arc_bits(o->policies.oid[p], o->policies.len[p]);
        if (bits > TSP_OID_GO_MAX_BITS)
            fprintf(stderr, "cctsa-gateway: warning: the %s policy OID %s has a %u-bit arc; Go's encoding/asn1 "
                            "(and so every Go RFC 3161 verifier) refuses arcs over %d bits and cannot read these "
                            "tokens\n", tsp_profile_name((tsp_profile)p), dotted, bits, TSP_OID_GO_MAX_BITS);
    }
}

/* The signing seam: development signers with dev-CA certificates. */
static int make_dev_signers(gw_opts *o, tsp_local_keys *keys, unsigned *issued)
{
    char err[512];
    if (o->measurement && cc_hex_decode_exact(o->measurement, o->m, sizeof o->m) != 0) {
        fprintf(stderr, "cctsa-gateway: --measurement takes 96 hex digits\n");
        return -1;
    }
    if (tsp_local_keys_generate(keys) != 0) {
        fprintf(stderr, "cctsa-gateway: cannot generate the ephemeral TSA keys\n");
        return -1;
    }
    if (tsp_devca_issue(o->dev_ca, keys, o->measurement ? o->m : NULL, o->cert_seconds, issued, err, sizeof err) != 0) {
        fprintf(stderr, "cctsa-gateway: %s\n", err);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    gw_opts o;
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
            return fputs(usage_text, stdout), gateway_limits_usage(stdout), 0;
    if (parse_args(argc, argv, &o) != 0) return fputs(usage_text, stderr), gateway_limits_usage(stderr), 2;
    gateway_http_config hc = {.max_body = (size_t)o.max_request, .limits = o.limits};
    int dflt = tsp_profile_from_name(o.default_profile);
    if (dflt < 0) return fprintf(stderr, "cctsa-gateway: unknown profile '%s'\n", o.default_profile), 2;
    if (parse_listen(o.listen, &hc.listen) != 0)
        return fprintf(stderr, "cctsa-gateway: --listen takes IPv4:PORT, e.g. 127.0.0.1:8318\n"), 2;
    if (!o.dev_ca) {
        fprintf(stderr, "cctsa-gateway: no signer configured: only development mode (--dev-ca DIR) exists so far\n");
        return 2;
    }

    /* Block the stop signals before any thread starts, so only sigwait below receives them. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    tsp_local_keys keys;
    unsigned issued = 0;
    if (make_dev_signers(&o, &keys, &issued) != 0) return 1;
    int have_ec = !!(issued & (1u << X509_ALG_ECDSA_P384)), have_ml = !!(issued & (1u << X509_ALG_MLDSA65));
    tsp_engine_config ec = {.default_profile = (tsp_profile)dflt, .time = tsp_time_source_system(),
                            .ec = have_ec ? &keys.ec : NULL, .ml = have_ml ? &keys.ml : NULL,
                            .policies = &o.policies,
                            .precision = !strcmp(o.precision, "ms") ? TSP_GENTIME_MILLIS : TSP_GENTIME_SECONDS};
    hc.engine = tsp_engine_new(&ec);
    if (!hc.engine) {
        fprintf(stderr, "cctsa-gateway: unusable engine configuration (two profiles with the same policy OID?)\n");
        tsp_local_keys_free(&keys);
        return 2;
    }
    hc.default_profile = (tsp_profile)dflt;
    hc.profiles_mask = (have_ec ? 1u << TSP_PROFILE_CLASSIC : 0) | (have_ml ? 1u << TSP_PROFILE_PQ : 0) |
                       (have_ec && have_ml ? (1u << TSP_PROFILE_HYBRID) | (1u << TSP_PROFILE_COMPAT) : 0);
    gateway_http *g = gateway_http_start(&hc);
    if (!g) {
        fprintf(stderr, "cctsa-gateway: cannot listen on %s\n", o.listen);
        tsp_engine_free(hc.engine);
        tsp_local_keys_free(&keys);
        return 1;
    }
    char addr[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &hc.listen.sin_addr, addr, sizeof addr);
    printf("cctsa-gateway: DEVELOPMENT MODE (ephemeral keys, dev CA %s, host clock)\n", o.dev_ca);
    printf("cctsa-gateway: listening on http://%s:%u (default profile %s; ECDSA %s, ML-DSA-65 %s; genTime in %s)\n",
           addr, gateway_http_port(g), tsp_profile_name((tsp_profile)dflt), have_ec ? "yes" : "no",
           have_ml ? "yes" : "no", !strcmp(o.precision, "ms") ? "milliseconds" : "whole seconds");
    announce_policies(&o);
    fflush(stdout);

    /* Wait for a stop signal, looking at the certificates' validity every second (warnings, and
     * renewal in development mode). */
    gateway_cert_watch watch = {.engine = hc.engine, .dev_ca = o.dev_ca, .keys = &keys,
                                .measurement = o.measurement ? o.m : NULL, .lifetime = o.cert_seconds,
                                .renew = !o.no_renew, .last = TSP_CERT_OK};
    const struct timespec tick = {1, 0};
    int sig = 0;
    for (;;) {
        gateway_cert_check(&watch, time(NULL));
        sig = sigtimedwait(&stop, NULL, &tick);
        if (sig > 0) break;
    }
    fprintf(stderr, "cctsa-gateway: signal %d: shutting down\n", sig);
    gateway_http_stop(g);
    tsp_engine_free(hc.engine);
    tsp_local_keys_free(&keys);
    fprintf(stderr, "cctsa-gateway: stopped\n");
    return 0;
}

/* cli_up.c: `cctsa up`, the local five-node cluster (issue 14 part 5): a development CA and the
 * measured configuration in DIR (made when missing), five `cctsa-node --cluster` processes with
 * the sim attestation provider on free loopback ports (the node protocol over unix sockets in
 * DIR), and `cctsa-gateway` in front of all five. It prints progress until the key epoch is
 * ACTIVE (from the gateway's /health), saves the certificates and the binding record in DIR, says
 * how to use and verify it, then reports availability changes until Ctrl-C, which stops every
 * process it started. Nodes and gateway are its direct children (logs DIR/NAME.log). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <libgen.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/commands.h"

#define UP_NODES 5
#define UP_MAX_BODY (256u << 10)

static const char up_usage[] =
    "usage: cctsa up --dir DIR [--listen HOST:PORT]\n"
    "\n"
    "Starts a local threshold cluster for development: five cctsa-node processes (sim attestation,\n"
    "host clock, 3-of-5 threshold keys made in a DKG on boot) and cctsa-gateway in front of them.\n"
    "\n"
    "  --dir DIR           state folder: dev CA (DIR/ca, made if missing), measured configuration\n"
    "                      (DIR/cluster.conf, made if missing), logs, node sockets, and once ACTIVE\n"
    "                      the TSA certificates (DIR/certs.pem) and binding record (DIR/binding.der)\n"
    "  --listen HOST:PORT  the gateway's HTTP address (default 127.0.0.1:8318)\n"
    "It prints progress until the key epoch is ACTIVE, then the URL and verify commands. Ctrl-C\n"
    "(SIGINT) or SIGTERM stops every process it started.\n";

static volatile sig_atomic_t g_stop;
static void on_signal(int sig)
{
    (void)sig;
    g_stop = 1;
}

typedef struct {
    pid_t pid;
    char name[16];
    int exited;
} child;

/* snprintf into a path buffer; -1 if it does not fit. */
static int fmt(char *out, size_t cap, const char *f, ...) __attribute__((format(printf, 3, 4)));
static int fmt(char *out, size_t cap, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    int n = vsnprintf(out, cap, f, ap);
    va_end(ap);
    return n < 0 || (size_t)n >= cap ? -1 : 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Free loopback ports (all bound at once so they differ; closed before use). */
static int free_ports(unsigned short *ports, int n)
{
    int fds[UP_NODES], rc = 0;
    for (int i = 0; i < n; i++) {
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        socklen_t l = sizeof a;
        fds[i] = socket(AF_INET, SOCK_STREAM, 0);
        if (fds[i] < 0 || bind(fds[i], (struct sockaddr *)&a, sizeof a) != 0 ||
            getsockname(fds[i], (struct sockaddr *)&a, &l) != 0)
            rc = -1;
        ports[i] = ntohs(a.sin_port);
    }
    for (int i = 0; i < n; i++)
        if (fds[i] >= 0) close(fds[i]);
    return rc;
}

/* fork + exec argv with stdout and stderr to log. */
static pid_t spawn(char *const *argv, const char *log)
{
    pid_t pid = fork();
    if (pid != 0) return pid;
    int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd >= 0) dup2(fd, 1), dup2(fd, 2);
    signal(SIGINT, SIG_IGN); /* Ctrl-C reaches the whole process group: cctsa up stops us in order */
    execv(argv[0], argv);
    fprintf(stderr, "cctsa up: cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(127);
}

/* A plain HTTP/1.0 GET to host:port; the body (malloc'd, NUL-terminated) of a 200 answer (of any
 * answer if any_status: /health answers 503 while the cluster cannot sign), or NULL. */
static char *http_get(const char *host, unsigned short port, const char *path, int any_status, size_t *len)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct timeval tv = {2, 0};
    if (fd < 0) return NULL;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (inet_pton(AF_INET, host, &a.sin_addr) != 1 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return NULL;
    }
    char req[256];
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.0\r\nHost: %s:%u\r\n\r\n", path, host, port);
    char *buf = malloc(UP_MAX_BODY + 1);
    size_t got = 0;
    if (buf && write(fd, req, (size_t)n) == n)
        for (ssize_t r; got < UP_MAX_BODY && (r = read(fd, buf + got, UP_MAX_BODY - got)) > 0;) got += (size_t)r;
    close(fd);
    if (!buf) return NULL;
    buf[got] = 0;
    char *body = strstr(buf, "\r\n\r\n");
    if (got < 12 || strncmp(buf, "HTTP/1.", 7) != 0 || (!any_status && strncmp(buf + 9, "200", 3) != 0) || !body) {
        free(buf);
        return NULL;
    }
    body += 4;
    *len = got - (size_t)(body - buf);
    memmove(buf, body, *len + 1);
    return buf;
}

typedef struct {
    char key_state[24], availability[24];
    int up, reachable;
} health;

static int get_health(const char *host, unsigned short port, health *h)
{
    size_t len;
    char *b = http_get(host, port, "/health", 1, &len);
    json_t *j = b ? json_loadb(b, len, 0, NULL) : NULL;
    free(b);
    if (!j) return -1;
    const char *ks = json_string_value(json_object_get(j, "key_state"));
    const char *av = json_string_value(json_object_get(j, "availability"));
    json_t *cl = json_object_get(j, "cluster"), *nodes = cl ? json_object_get(cl, "nodes") : NULL;
    snprintf(h->key_state, sizeof h->key_state, "%s", ks ? ks : "?");
    snprintf(h->availability, sizeof h->availability, "%s", av ? av : "?");
    h->reachable = cl ? (int)json_integer_value(json_object_get(cl, "reachable")) : 0;
    h->up = 0;
    size_t i;
    json_t *v;
    json_array_foreach(nodes, i, v)
    {
        const char *link = json_string_value(json_object_get(v, "link"));
        h->up += link && !strcmp(link, "up");
    }
    json_decref(j);
    return 0;
}

static int save(const char *host, unsigned short port, const char *path, const char *file)
{
    size_t len;
    char *b = http_get(host, port, path, 0, &len);
    FILE *f = b ? fopen(file, "wb") : NULL;
    int ok = f && fwrite(b, 1, len, f) == len;
    if (f && fclose(f) != 0) ok = 0;
    free(b);
    return ok ? 0 : -1;
}

static void reap(child *kids, int n)
{
    int st;
    for (pid_t p; (p = waitpid(-1, &st, WNOHANG)) > 0;)
        for (int i = 0; i < n; i++)
            if (kids[i].pid == p && !kids[i].exited) {
                kids[i].exited = 1;
                if (!g_stop)
                    fprintf(stderr, "cctsa up: %s exited (%s %d)\n", kids[i].name,
                            WIFSIGNALED(st) ? "signal" : "status", WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
            }
}

static void stop_all(child *kids, int n)
{
    for (int i = n - 1; i >= 0; i--)
        if (!kids[i].exited && kids[i].pid > 0) kill(kids[i].pid, SIGTERM);
    for (int t = 0; t < 100; t++) {
        int left = 0;
        reap(kids, n);
        for (int i = 0; i < n; i++) left += kids[i].pid > 0 && !kids[i].exited;
        if (!left) return;
        usleep(100000);
    }
    for (int i = 0; i < n; i++)
        if (kids[i].pid > 0 && !kids[i].exited) kill(kids[i].pid, SIGKILL), waitpid(kids[i].pid, NULL, 0);
}

static int prepare_dir(const char *dir, char *ca, char *conf, size_t cap)
{
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) return cli_error("cannot create %s: %s", dir, strerror(errno)), -1;
    char probe[PATH_MAX];
    if (fmt(ca, cap, "%s/ca", dir) || fmt(conf, cap, "%s/cluster.conf", dir) ||
        fmt(probe, sizeof probe, "%s/root-ecdsa.pem", ca))
        return cli_error("up: %s: path too long", dir), -1;
    if (access(probe, F_OK) != 0) {
        printf("cctsa up: creating a development CA in %s (local use only)\n", ca);
        char *av[] = {"ca", "init", "--dir", ca, NULL};
        if (cli_ca(4, av) != 0) return -1;
    }
    if (access(conf, F_OK) != 0) {
        FILE *f = fopen(conf, "w");
        if (!f ||
            fputs("# cctsa cluster: the measured configuration (sim provider: hashed into the measurement)\n"
                  "attest.provider = sim\n",
                  f) < 0 ||
            fclose(f) != 0)
            return cli_error("cannot write %s", conf), -1;
    }
    return 0;
}

int cli_up(int argc, char **argv)
{
    const char *dir = NULL, *listen = "127.0.0.1:8318";
    if (cli_wants_help(argc, argv)) return fputs(up_usage, stdout), 0;
    const cc_opt opts[] = {CC_STR_OPT("--dir", &dir), CC_STR_OPT("--listen", &listen)};
    if (cli_opts("up", argc, argv, opts, CC_NOPTS(opts), NULL, 0, NULL) != 0) return fputs(up_usage, stderr), 2;
    if (!dir) return cli_error("up: --dir DIR is required"), fputs(up_usage, stderr), 2;
    char host[64];
    unsigned port = 0;
    const char *colon = strrchr(listen, ':');
    if (!colon || (size_t)(colon - listen) >= sizeof host || sscanf(colon + 1, "%u", &port) != 1 || port == 0 ||
        port > 65535)
        return cli_error("up: --listen takes HOST:PORT"), 2;
    memcpy(host, listen, (size_t)(colon - listen));
    host[colon - listen] = 0;

    char self[PATH_MAX], bindir[PATH_MAX], adir[PATH_MAX], ca[PATH_MAX], conf[PATH_MAX];
    ssize_t sl = readlink("/proc/self/exe", self, sizeof self - 1);
    if (sl <= 0) return cli_error("up: cannot find my own executable"), 1;
    self[sl] = 0;
    snprintf(bindir, sizeof bindir, "%s", dirname(self));
    if (!realpath(dir, adir) && (mkdir(dir, 0700) != 0 || !realpath(dir, adir)))
        return cli_error("up: cannot use %s", dir), 1;
    if (prepare_dir(adir, ca, conf, sizeof ca) != 0) return 1;

    unsigned short ports[UP_NODES];
    if (free_ports(ports, UP_NODES) != 0) return cli_error("up: no free loopback ports"), 1;
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    child kids[UP_NODES + 1];
    memset(kids, 0, sizeof kids);
    char node_bin[PATH_MAX + 16], gw_bin[PATH_MAX + 16], names[UP_NODES][16], mesh[UP_NODES][40],
        peers[UP_NODES][UP_NODES - 1][64], sock[UP_NODES][PATH_MAX + 16], nodearg[UP_NODES][PATH_MAX + 24],
        log[PATH_MAX + 32];
    snprintf(node_bin, sizeof node_bin, "%s/cctsa-node", bindir);
    snprintf(gw_bin, sizeof gw_bin, "%s/cctsa-gateway", bindir);
    double t0 = now_s();
    for (int i = 0; i < UP_NODES; i++) {
        snprintf(names[i], sizeof names[i], "node%d", i + 1);
        snprintf(mesh[i], sizeof mesh[i], "tcp:127.0.0.1:%u", ports[i]);
        if (fmt(sock[i], sizeof sock[i], "unix:%s/%s.sock", adir, names[i]) != 0)
            return cli_error("up: --dir %s: too long a path", adir), 1;
    }
    for (int i = 0; i < UP_NODES; i++) {
        char *av[32];
        int n = 0;
        av[n++] = node_bin, av[n++] = "--cluster", av[n++] = "--name", av[n++] = names[i];
        av[n++] = "--config", av[n++] = conf, av[n++] = "--mesh", av[n++] = mesh[i];
        for (int j = 0, k = 0; j < UP_NODES; j++)
            if (j != i) {
                fmt(peers[i][k], sizeof peers[i][k], "%s=%s", names[j], mesh[j]);
                av[n++] = "--peer", av[n++] = peers[i][k++];
            }
        /* one token coordinated at a time per node: the five nodes share this host's cores, and with
         * more, tokens finish later than TSP_SIGN_LATE_MS under load and are signed again (bench_cluster) */
        av[n++] = "--sign-workers", av[n++] = "1";
        av[n++] = "--listen", av[n++] = sock[i], av[n++] = "--dev-ca", av[n++] = ca, av[n] = NULL;
        fmt(log, sizeof log, "%s/%s.log", adir, names[i]);
        kids[i].pid = spawn(av, log);
        snprintf(kids[i].name, sizeof kids[i].name, "%s", names[i]);
    }
    usleep(300000); /* the node sockets exist once the nodes listen; the gateway reconnects anyway */
    char *gav[2 * UP_NODES + 8];
    int gn = 0;
    gav[gn++] = gw_bin;
    for (int i = 0; i < UP_NODES; i++) {
        fmt(nodearg[i], sizeof nodearg[i], "%s", sock[i]);
        gav[gn++] = "--node", gav[gn++] = nodearg[i];
    }
    /* as many requests per node as it has workers: the rest wait in the gateway for the first free node */
    gav[gn++] = "--node-concurrency", gav[gn++] = "1";
    gav[gn++] = "--listen", gav[gn++] = (char *)listen, gav[gn] = NULL;
    fmt(log, sizeof log, "%s/gateway.log", adir);
    kids[UP_NODES].pid = spawn(gav, log);
    snprintf(kids[UP_NODES].name, sizeof kids[UP_NODES].name, "gateway");
    printf("cctsa up: 5 nodes (mesh on 127.0.0.1 ports %u %u %u %u %u) and the gateway on http://%s; logs in %s\n",
           ports[0], ports[1], ports[2], ports[3], ports[4], listen, adir);
    fflush(stdout);

    health h, last = {"", "", -1, -1};
    int active = 0, have_bind = 0;
    char bind[PATH_MAX + 16];
    fmt(bind, sizeof bind, "%s/binding.der", adir);
    while (!g_stop) {
        reap(kids, UP_NODES + 1);
        if (kids[UP_NODES].exited) {
            cli_error("up: the gateway stopped (see %s/gateway.log)", adir);
            break;
        }
        if (get_health(host, (unsigned short)port, &h) == 0 &&
            (strcmp(h.key_state, last.key_state) || strcmp(h.availability, last.availability) || h.up != last.up)) {
            printf("cctsa up: [%5.1f s] key epoch %s, availability %s, %d of 5 nodes linked\n", now_s() - t0,
                   h.key_state, h.availability, h.up);
            fflush(stdout);
            last = h;
            if (!active && !strcmp(h.key_state, "ACTIVE")) {
                active = 1;
                char certs[PATH_MAX + 16];
                fmt(certs, sizeof certs, "%s/certs.pem", adir);
                int have_certs = save(host, (unsigned short)port, "/certs", certs) == 0;
                have_bind = save(host, (unsigned short)port, "/binding", bind) == 0;
                printf(
                    "\ncctsa up: ACTIVE after %.1f s. The TSA is at http://%s/tsa (DEVELOPMENT: sim attestation, host "
                    "clock, dev CA %s)\n"
                    "  TSA certificates: %s%s\n  binding record:   %s%s\n"
                    "Try:\n"
                    "  echo hello > /tmp/hello.txt\n"
                    "  %s/cctsa stamp /tmp/hello.txt --url http://%s/tsa --profile hybrid -o /tmp/hello.tsr\n"
                    "  %s/cctsa verify /tmp/hello.tsr --data /tmp/hello.txt --ca %s/root-ecdsa.pem --ca "
                    "%s/root-mldsa.pem --require both\n"
                    "  openssl ts -query -data /tmp/hello.txt -sha384 -cert -out /tmp/q.tsq\n"
                    "  curl -s -H 'Content-Type: application/timestamp-query' --data-binary @/tmp/q.tsq "
                    "http://%s/tsa/classic > /tmp/r.tsr\n"
                    "  openssl ts -verify -in /tmp/r.tsr -queryfile /tmp/q.tsq -CAfile %s/root-ecdsa.pem -untrusted "
                    "%s\n"
                    "  curl -s http://%s/health\n"
                    "Ctrl-C stops the cluster.\n\n",
                    now_s() - t0, listen, ca, certs, have_certs ? "" : " (not served yet)", bind,
                    have_bind ? "" : " (not served yet: saved when it is)", bindir, listen, bindir, ca, ca, listen, ca,
                    certs, listen);
                fflush(stdout);
            }
        }
        if (active && !have_bind && (have_bind = save(host, (unsigned short)port, "/binding", bind) == 0))
            printf("cctsa up: binding record saved to %s\n", bind), fflush(stdout);
        for (int i = 0; i < 5 && !g_stop; i++) usleep(100000);
    }
    printf("cctsa up: stopping\n");
    fflush(stdout);
    stop_all(kids, UP_NODES + 1);
    printf("cctsa up: stopped\n");
    return 0;
}

/* cli_operator.c: `cctsa operator keygen | sign | send | check`: the operator's side of signed commands
 * (src/node/operator.h): make a key and the line that pins it in the measured configuration,
 * sign a command or co-sign a colleague's (four-eyes), post it to a node as a CONTROL message, or
 * check it offline with the node's verifier. */
#include <errno.h>
#include <openssl/rand.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/base.h"
#include "cli/commands.h"
#include "node/operator.h"
#include "proto/node_addr.h"
#include "proto/node_proto.h"
#include "x509/keyfile.h"
#include "x509/pem.h"
#include "x509/spki.h"

static const char usage_text[] =
    "usage: cctsa operator keygen --alg ecdsa-p384|ml-dsa-65 --out KEY --pub PUB [--name NAME]\n"
    "       cctsa operator sign --key KEY --command CMD --epoch N [--ttl SECONDS] [--ec-cert F --ml-cert F] --out "
    "FILE\n"
    "       cctsa operator sign --key KEY --in FILE --out FILE2          (co-sign: four-eyes)\n"
    "       cctsa operator send --node ADDR FILE [--ec-cert F --ml-cert F] [--timeout SECONDS]\n"
    "       cctsa operator check --config CONF --epoch N FILE [--ec-cert F --ml-cert F]\n"
    "\n"
    "Signed operator commands (docs/operations.md). keygen writes a private key (PKCS#8 PEM, 0600) and\n"
    "its public key (PEM), and prints the line that pins it in the node's measured configuration:\n"
    "  operator.key = NAME SHA256-OF-THE-PUBLIC-KEY\n"
    "sign makes a command for key epoch N: CMD is retire | compromised | renew-cert | install-certs,\n"
    "with a fresh random nonce and an expiry TTL seconds ahead (default 600; nodes refuse more than\n"
    "their operator.max_lifetime, default 3600). install-certs binds the two certificates (--ec-cert,\n"
    "--ml-cert, PEM or DER) by hash. retire and compromised need a second operator: `sign --in` shows\n"
    "the command and adds a co-signature. send posts the command (and install-certs' certificates) to\n"
    "the node endpoint ADDR (unix:PATH | tcp:HOST:PORT | vsock:CID:PORT) and prints its answer.\n"
    "check runs the node's verifier offline against a measured configuration CONF (its operator.*\n"
    "lines) and live epoch N: what a node would answer, except for the replay check.\n"
    "Exit status: 0 done, 1 refused or failed, 2 usage error.\n";

static int alg_of(const char *s)
{
    return !strcmp(s, "ecdsa-p384") ? X509_ALG_ECDSA_P384 : !strcmp(s, "ml-dsa-65") ? X509_ALG_MLDSA65 : X509_ALG_NONE;
}

/* cli_opts for `operator <argv[0]>`. */
static int args_ok(int argc, char **argv, const cc_opt *opts, size_t n, const char **pos)
{
    return cli_sub_opts("operator", argc, argv, opts, n, pos, pos ? 1 : 0, NULL);
}

static int keygen(int argc, char **argv)
{
    const char *alg = NULL, *out = NULL, *pub = NULL, *name = NULL;
    const cc_opt opts[] = {CC_STR_OPT("--alg", &alg), CC_STR_OPT("--out", &out), CC_STR_OPT("--pub", &pub),
                           CC_STR_OPT("--name", &name)};
    if (args_ok(argc, argv, opts, CC_NOPTS(opts), NULL) || !alg || !out || !pub || alg_of(alg) == X509_ALG_NONE)
        return fputs(usage_text, stderr), 2;
    x509_keypair k = {0};
    uint8_t *spki = NULL, fp[32];
    size_t len;
    char *pem = NULL, hex[65];
    int rc = 1;
    if (x509_keypair_generate(&k, alg_of(alg)) != 0 ||
        x509_spki_encode(k.signer.alg, k.signer.pub, k.signer.publen, &spki, &len) ||
        !(pem = x509_pem_encode("PUBLIC KEY", spki, len)) || operator_fingerprint(spki, len, fp) != 0)
        cli_error("operator keygen: key generation failed");
    else if (x509_keypair_save(&k, out) != 0)
        cli_error("operator keygen: cannot write %s (it must not exist yet)", out);
    else if (x509_write_file(pub, pem, strlen(pem), 0644, 1) != 0)
        cli_error("operator keygen: cannot write %s (it must not exist yet)", pub);
    else {
        cc_hex_encode(fp, sizeof fp, hex);
        printf("operator.key = %s %s\n", name ? name : "NAME", hex);
        rc = 0;
    }
    free(spki), free(pem);
    x509_keypair_free(&k);
    return rc;
}

static int read_cert(const char *path, uint8_t **der, size_t *len)
{
    if (!path) return *der = NULL, *len = 0, 0;
    if (x509_read_pem_or_der(path, "CERTIFICATE", der, len) == 0 && *len <= PROTO_CONTROL_CERT_MAX) return 0;
    return cli_error("operator: %s is not a certificate (PEM or DER) of at most 16 KiB", path), -1;
}

static int sign(int argc, char **argv)
{
    const char *key = NULL, *cmd = NULL, *epoch = NULL, *ttl = NULL, *in = NULL, *out = NULL, *ec_cert = NULL,
               *ml_cert = NULL;
    const cc_opt opts[] = {CC_STR_OPT("--key", &key),         CC_STR_OPT("--command", &cmd),
                           CC_STR_OPT("--epoch", &epoch),     CC_STR_OPT("--ttl", &ttl),
                           CC_STR_OPT("--ec-cert", &ec_cert), CC_STR_OPT("--ml-cert", &ml_cert),
                           CC_STR_OPT("--in", &in),           CC_STR_OPT("--out", &out)};
    if (args_ok(argc, argv, opts, CC_NOPTS(opts), NULL) || !key || !out || (!in == !cmd) || (cmd && !epoch))
        return fputs(usage_text, stderr), 2;
    x509_keypair k = {0};
    uint8_t *env = NULL, *prev = NULL, *ec = NULL, *ml = NULL;
    size_t env_len = 0, prev_len, ec_len, ml_len;
    int rc = 1;
    if (x509_keypair_load(&k, key) != 0) {
        cli_error("operator sign: cannot load the private key %s", key);
        goto out;
    }
    if (in) {
        operator_envelope e;
        if (cc_file_read(in, OPERATOR_ENVELOPE_MAX, &prev, &prev_len) != 0 ||
            operator_envelope_parse(prev, prev_len, &e) != 0) {
            cli_error("operator sign: %s is not a signed command", in);
            goto out;
        }
        fprintf(stderr, "co-signing (signed by %zu operator%s so far):\n%.*s", e.n, e.n == 1 ? "" : "s",
                (int)e.body_len, (const char *)e.body);
        if (operator_cosign(prev, prev_len, &k.signer, &env, &env_len) != 0) {
            cli_error("operator sign: cannot co-sign %s (already two signatures?)", in);
            goto out;
        }
    } else {
        operator_command c = {.cmd = operator_cmd_from_name(cmd)};
        char *end;
        unsigned long ep = strtoul(epoch, &end, 10), t = ttl ? strtoul(ttl, &end, 10) : 600;
        if (c.cmd == OP_NONE || ep > UINT32_MAX || t == 0 || t > OPERATOR_MAX_LIFETIME || *end) {
            cli_error("operator sign: bad --command, --epoch or --ttl");
            rc = 2;
            goto out;
        }
        c.epoch = (uint32_t)ep, c.expires = (int64_t)time(NULL) + (int64_t)t;
        if (c.cmd == OP_INSTALL_CERTS) {
            if (read_cert(ec_cert, &ec, &ec_len) || read_cert(ml_cert, &ml, &ml_len)) goto out;
            c.has_certs = operator_certs_hash(ec, ec_len, ml, ml_len, c.certs_hash) == 0;
        }
        if (RAND_bytes(c.nonce, sizeof c.nonce) != 1 || operator_sign_new(&c, &k.signer, &env, &env_len) != 0) {
            cli_error("operator sign: signing failed");
            goto out;
        }
    }
    if (x509_write_file(out, env, env_len, 0644, 1) != 0)
        cli_error("operator sign: cannot write %s (it must not exist yet)", out);
    else
        rc = 0;
out:
    x509_keypair_free(&k);
    free(env), free(prev), free(ec), free(ml);
    return rc;
}

static int io_all(int fd, uint8_t *p, size_t n, int writing, int timeout_ms)
{
    while (n) {
        struct pollfd pf = {fd, writing ? POLLOUT : POLLIN, 0};
        if (poll(&pf, 1, timeout_ms) <= 0) return -1;
        ssize_t r = writing ? write(fd, p, n) : read(fd, p, n);
        if (r < 0 && (errno == EAGAIN || errno == EINTR)) continue;
        if (r <= 0) return -1;
        p += r, n -= (size_t)r;
    }
    return 0;
}

static int send_cmd(int argc, char **argv)
{
    const char *file = NULL, *node = NULL, *ec_cert = NULL, *ml_cert = NULL;
    int timeout_s = 30;
    const cc_opt opts[] = {CC_STR_OPT("--node", &node), CC_STR_OPT("--ec-cert", &ec_cert),
                           CC_STR_OPT("--ml-cert", &ml_cert), CC_INT_OPT("--timeout", &timeout_s, 1, 3600)};
    if (args_ok(argc, argv, opts, CC_NOPTS(opts), &file) || !node || !file) return fputs(usage_text, stderr), 2;
    int timeout_ms = timeout_s * 1000, fd = -1, rc = 1;
    node_addr a;
    proto_control_req rq = {0};
    uint8_t *env = NULL, *ec = NULL, *ml = NULL, *frame = NULL, hdr[PROTO_HEADER_LEN], body[1 + PROTO_REASON_MAX];
    size_t env_len, ec_len, ml_len, flen;
    if (node_addr_parse(node, &a) != 0) return cli_error("operator send: bad --node '%s'", node), 2;
    if (cc_file_read(file, PROTO_CONTROL_ENVELOPE_MAX, &env, &env_len) != 0 || read_cert(ec_cert, &ec, &ec_len) ||
        read_cert(ml_cert, &ml, &ml_len)) {
        cli_error("operator send: cannot read %s or the certificates", file);
        goto out;
    }
    rq = (proto_control_req){env, ec, ml, (uint32_t)env_len, (uint32_t)ec_len, (uint32_t)ml_len};
    proto_header h;
    const char *why = "connection failed";
    uint8_t outcome;
    char reason[PROTO_REASON_MAX + 1];
    if (proto_control_req_frame(&rq, 1, &frame, &flen) != 0) {
        cli_error("operator send: %s is too large", file);
        goto out;
    }
    if ((fd = node_addr_connect(&a)) < 0 || io_all(fd, frame, flen, 1, timeout_ms) ||
        io_all(fd, hdr, sizeof hdr, 0, timeout_ms) || proto_header_parse(hdr, 0, &h, &why) ||
        h.body_len > sizeof body || io_all(fd, body, h.body_len, 0, timeout_ms)) {
        cli_error("operator send: %s: %s", node, why);
        goto out;
    }
    if (h.type == PROTO_ERROR) {
        uint16_t code;
        if (proto_error_parse(body, h.body_len, &code, reason) == 0)
            cli_error("operator send: the node answered error %u: %s", code, reason);
        else
            cli_error("operator send: malformed error answer");
    } else if (h.type != (PROTO_CONTROL | PROTO_RESPONSE) ||
               proto_control_resp_parse(body, h.body_len, &outcome, reason) != 0) {
        cli_error("operator send: unexpected answer from the node");
    } else if (outcome != PROTO_CONTROL_ACCEPTED) {
        printf("refused: %s\n", reason);
    } else {
        printf("done%s%s\n", reason[0] ? ": " : "", reason);
        rc = 0;
    }
out:
    if (fd >= 0) close(fd);
    free(env), free(ec), free(ml), free(frame);
    return rc;
}

static int check(int argc, char **argv)
{
    const char *file = NULL, *conf = NULL, *epoch = NULL, *ec_cert = NULL, *ml_cert = NULL;
    const cc_opt opts[] = {CC_STR_OPT("--config", &conf), CC_STR_OPT("--epoch", &epoch),
                           CC_STR_OPT("--ec-cert", &ec_cert), CC_STR_OPT("--ml-cert", &ml_cert)};
    if (args_ok(argc, argv, opts, CC_NOPTS(opts), &file) || !conf || !epoch || !file)
        return fputs(usage_text, stderr), 2;
    operator_policy p;
    operator_nonce_cache *nc = malloc(sizeof *nc);
    operator_verified v;
    uint8_t *env = NULL, *ec = NULL, *ml = NULL;
    size_t env_len, ec_len, ml_len;
    char why[256];
    int rc = 2;
    if (!nc) return 1;
    operator_nonce_cache_init(nc);
    if (operator_policy_load(conf, &p, why, sizeof why) != 0)
        cli_error("operator check: %s", why);
    else if (cc_file_read(file, OPERATOR_ENVELOPE_MAX, &env, &env_len) != 0 || read_cert(ec_cert, &ec, &ec_len) ||
             read_cert(ml_cert, &ml, &ml_len))
        cli_error("operator check: cannot read %s or the certificates", file);
    else if (operator_verify(&p, nc, env, env_len, ec, ec_len, ml, ml_len, (uint32_t)strtoul(epoch, NULL, 10),
                             time(NULL), &v, why, sizeof why) != 0)
        printf("refused: %s\n", why), rc = 1;
    else
        printf("valid: %s for epoch %u by %s, nonce %s\n", operator_cmd_name(v.cmd.cmd), v.cmd.epoch, v.operators,
               v.nonce_hex),
            rc = 0;
    operator_nonce_cache_free(nc);
    free(nc), free(env), free(ec), free(ml);
    return rc;
}

int cli_operator(int argc, char **argv)
{
    if (argc < 2 || cli_wants_help(argc, argv)) return fputs(usage_text, argc < 2 ? stderr : stdout), argc < 2 ? 2 : 0;
    if (!strcmp(argv[1], "keygen")) return keygen(argc - 1, argv + 1);
    if (!strcmp(argv[1], "sign")) return sign(argc - 1, argv + 1);
    if (!strcmp(argv[1], "send")) return send_cmd(argc - 1, argv + 1);
    if (!strcmp(argv[1], "check")) return check(argc - 1, argv + 1);
    cli_error("operator: unknown subcommand '%s'", argv[1]);
    return fputs(usage_text, stderr), 2;
}

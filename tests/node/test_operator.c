/* test_operator.c: signed operator commands (src/node/operator.h) and the node's CONTROL handler
 * (src/node/node_control.h) with a fake cluster: a valid command is executed once and audited;
 * forged (unpinned key, tampered body, bad signature), replayed, expired, too-far-ahead, wrong
 * epoch, single-signed four-eyes, self-co-signed, mismatched certificates and malformed commands
 * are refused, not executed, and audited with the reason. Both ECDSA P-384 and ML-DSA-65 keys. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "node/node_control.h"
#include "proto/node_proto.h"
#include "x509/keyfile.h"
#include "x509/spki.h"

static int calls[5];
static int fake_retire(cluster *c, char *w, size_t n)
{
    (void)c, (void)w, (void)n;
    calls[OP_RETIRE]++;
    return 0;
}
static int fake_compromised(cluster *c, char *w, size_t n)
{
    (void)c, (void)w, (void)n;
    calls[OP_COMPROMISED]++;
    return 0;
}
static int fake_renew(cluster *c, char *w, size_t n)
{
    (void)c;
    calls[OP_RENEW_CERT]++;
    snprintf(w, n, "no live epoch");
    return -1;
}
static int fake_install(cluster *c, const uint8_t *ec, size_t el, const uint8_t *ml, size_t mlen, char *w, size_t n)
{
    (void)c, (void)ec, (void)ml, (void)w, (void)n;
    calls[OP_INSTALL_CERTS]++;
    return el == 3 && mlen == 2 ? 0 : -1;
}
static const node_control_ops fake_ops = {fake_retire, fake_compromised, fake_renew, fake_install};

static x509_keypair alice, bob, mallory;

static void pin(char *conf, size_t cap, const char *name, const x509_keypair *k)
{
    uint8_t *spki, fp[32];
    size_t len;
    char hex[65];
    if (x509_spki_encode(k->signer.alg, k->signer.pub, k->signer.publen, &spki, &len) != 0 ||
        operator_fingerprint(spki, len, fp) != 0)
        abort();
    free(spki);
    cc_hex_encode(fp, 32, hex);
    snprintf(conf + strlen(conf), cap - strlen(conf), "operator.key = %s %s\n", name, hex);
}

static operator_command make(operator_cmd cmd, uint32_t epoch, time_t now, long ttl)
{
    static uint8_t ctr;
    operator_command c = {.cmd = cmd, .epoch = epoch, .expires = now + ttl};
    memset(c.nonce, 0xA0, sizeof c.nonce);
    c.nonce[0] = ++ctr;
    return c;
}

/* env signed by a (and b if not NULL). */
static uint8_t *sign2(const operator_command *c, x509_keypair *a, x509_keypair *b, size_t *len)
{
    uint8_t *one, *two;
    size_t n1;
    if (operator_sign_new(c, &a->signer, &one, &n1) != 0) abort();
    if (!b) return *len = n1, one;
    if (operator_cosign(one, n1, &b->signer, &two, len) != 0) abort();
    free(one);
    return two;
}

/* The handler refuses env (no certificates) with a reason containing want. */
static int refused_with(const node_control *nc, const uint8_t *env, size_t len, uint32_t epoch, time_t now,
                        const char *want)
{
    char why[256] = "";
    int rc = node_control_handle(nc, env, len, NULL, 0, NULL, 0, epoch, now, why, sizeof why);
    if (rc == 0 || !strstr(why, want)) fprintf(stderr, "wanted a refusal with '%s', got %d '%s'\n", want, rc, why);
    return rc != 0 && strstr(why, want) != NULL;
}

static char last_line[20000];
static void read_last(const char *path)
{
    FILE *f = fopen(path, "r");
    last_line[0] = 0;
    while (f && fgets(last_line, sizeof last_line, f)) {
    }
    if (f) fclose(f);
}

int main(void)
{
    CHECK(x509_keypair_generate(&alice, X509_ALG_ECDSA_P384) == 0);
    CHECK(x509_keypair_generate(&bob, X509_ALG_MLDSA65) == 0);
    CHECK(x509_keypair_generate(&mallory, X509_ALG_ECDSA_P384) == 0);
    char conf[1024] = "attest.provider = sim\n# operators\n", why[256];
    pin(conf, sizeof conf, "alice", &alice);
    pin(conf, sizeof conf, "bob", &bob);
    operator_policy pol;
    CHECK(operator_policy_parse(conf, strlen(conf), &pol, why, sizeof why) == 0);
    CHECK(pol.n == 2 && pol.max_lifetime == OPERATOR_DEFAULT_LIFETIME);
    /* config errors */
    char dup[1200];
    snprintf(dup, sizeof dup, "%s%s", conf, strstr(conf, "operator.key = alice"));
    CHECK(operator_policy_parse(dup, strlen(dup), &(operator_policy){0}, why, sizeof why) != 0);
    CHECK(operator_policy_parse("operator.key = x 12\n", 19, &(operator_policy){0}, why, sizeof why) != 0);
    CHECK(operator_policy_parse("operator.bogus = 1\n", 19, &(operator_policy){0}, why, sizeof why) != 0);
    CHECK(operator_policy_parse("operator.max_lifetime = 90000\n", 30, &(operator_policy){0}, why, sizeof why) != 0);

    char dir[] = "/tmp/test_operator_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    audit_config ac = {.dir = dir, .node = "n1"};
    audit_log *log = audit_open(&ac, why, sizeof why);
    CHECK(log != NULL);
    operator_nonce_cache *nonces = malloc(sizeof *nonces);
    operator_nonce_cache_init(nonces);
    node_control nc = {&pol, nonces, log, &fake_ops, NULL};
    char path[256];
    snprintf(path, sizeof path, "%s/n1.audit", dir);
    time_t now = 1800000000;
    size_t len;
    uint8_t *env;

    /* four-eyes retire by alice + bob: executed once, audited accepted then done */
    operator_command c = make(OP_RETIRE, 4, now, 600);
    env = sign2(&c, &alice, &bob, &len);
    CHECK(node_control_handle(&nc, env, len, NULL, 0, NULL, 0, 4, now, why, sizeof why) == 0);
    CHECK(calls[OP_RETIRE] == 1);
    read_last(path);
    CHECK(strstr(last_line, "\"command\":\"retire\"") && strstr(last_line, "\"operators\":\"alice+bob\"") &&
          strstr(last_line, "\"result\":\"done\""));
    /* the same bytes again: replayed */
    CHECK(refused_with(&nc, env, len, 4, now + 1, "replayed"));
    CHECK(calls[OP_RETIRE] == 1);
    read_last(path);
    CHECK(strstr(last_line, "\"result\":\"refused\"") && strstr(last_line, "replayed"));
    /* the byte-level parse must be strict: a trailing byte is refused */
    uint8_t *longer = malloc(len + 1);
    memcpy(longer, env, len), longer[len] = 0;
    CHECK(refused_with(&nc, longer, len + 1, 4, now, "malformed"));
    free(longer);
    /* tampered body (epoch 4 -> 5, signature unchanged): forged */
    char *e = memchr(env, '4', len);
    CHECK(e != NULL);
    if (e) *e = '5';
    CHECK(refused_with(&nc, env, len, 5, now, "forged"));
    free(env);

    /* single-signed four-eyes command: refused, not executed */
    c = make(OP_COMPROMISED, 4, now, 600);
    env = sign2(&c, &alice, NULL, &len);
    CHECK(refused_with(&nc, env, len, 4, now, "four-eyes"));
    free(env);
    /* the same operator twice is not two operators */
    env = sign2(&c, &alice, &alice, &len);
    CHECK(refused_with(&nc, env, len, 4, now, "signed twice"));
    free(env);
    /* a co-signature by an unpinned key: forged */
    env = sign2(&c, &alice, &mallory, &len);
    CHECK(refused_with(&nc, env, len, 4, now, "not pinned"));
    free(env);
    /* a signature that does not verify: flip a byte at the end (inside bob's ML-DSA signature) */
    env = sign2(&c, &alice, &bob, &len);
    env[len - 10] ^= 1;
    CHECK(refused_with(&nc, env, len, 4, now, "bob's signature does not verify"));
    env[len - 10] ^= 1;
    /* wrong epoch, expired, too far ahead */
    CHECK(refused_with(&nc, env, len, 3, now, "live epoch is 3"));
    CHECK(refused_with(&nc, env, len, 4, now + 601, "expired"));
    CHECK(calls[OP_COMPROMISED] == 0);
    /* the refusals did not burn the nonce: now it goes through */
    CHECK(node_control_handle(&nc, env, len, NULL, 0, NULL, 0, 4, now, why, sizeof why) == 0);
    CHECK(calls[OP_COMPROMISED] == 1);
    free(env);
    c = make(OP_RENEW_CERT, 4, now, OPERATOR_DEFAULT_LIFETIME + 1);
    env = sign2(&c, &bob, NULL, &len);
    CHECK(refused_with(&nc, env, len, 4, now, "ahead"));
    free(env);

    /* renew-cert needs one operator; the engine's failure is reported and audited */
    c = make(OP_RENEW_CERT, 4, now, 60);
    env = sign2(&c, &bob, NULL, &len);
    CHECK(refused_with(&nc, env, len, 4, now, "renew-cert failed: no live epoch"));
    CHECK(calls[OP_RENEW_CERT] == 1);
    read_last(path);
    CHECK(strstr(last_line, "\"result\":\"failed\"") && strstr(last_line, "no live epoch"));
    free(env);

    /* install-certs: bound to the certificates it carries */
    const uint8_t ec[3] = {1, 2, 3}, ml[2] = {4, 5}, other[2] = {4, 6};
    c = make(OP_INSTALL_CERTS, 4, now, 60);
    c.has_certs = 1;
    CHECK(operator_certs_hash(ec, 3, ml, 2, c.certs_hash) == 0);
    env = sign2(&c, &alice, NULL, &len);
    CHECK(node_control_handle(&nc, env, len, ec, 3, other, 2, 4, now, why, sizeof why) != 0);
    CHECK_MSG(strstr(why, "not the ones") != NULL, "%s", why);
    CHECK(node_control_handle(&nc, env, len, ec, 3, ml, 2, 4, now, why, sizeof why) == 0);
    CHECK(calls[OP_INSTALL_CERTS] == 1);
    free(env);
    /* certificates with another command */
    c = make(OP_RETIRE, 4, now, 60);
    env = sign2(&c, &alice, &bob, &len);
    CHECK(node_control_handle(&nc, env, len, ec, 3, ml, 2, 4, now, why, sizeof why) != 0);
    CHECK(calls[OP_RETIRE] == 1);
    free(env);

    /* body encoding round trip and strictness */
    char body[OPERATOR_BODY_MAX + 1];
    size_t bl = operator_body_encode(&c, body);
    operator_command back;
    CHECK(bl > 0 && operator_body_parse((const uint8_t *)body, bl, &back) == 0 && back.cmd == OP_RETIRE &&
          back.epoch == 4 && back.expires == c.expires && !memcmp(back.nonce, c.nonce, sizeof c.nonce));
    char *ep = strstr(body, "epoch=4");
    memmove(ep + 7, ep + 6, strlen(ep + 6) + 1), ep[6] = '0'; /* epoch=04: not canonical */
    CHECK(operator_body_parse((const uint8_t *)body, strlen(body), &back) != 0);
    static const char *const bad_bodies[] = {
        "cctsa-operator-command-v1\ncommand=retire\nepoch=4294967296\nnonce=000102030405060708090a0b0c0d0e0f\nexpires="
        "1\ncerts=-\n",
        "cctsa-operator-command-v1\ncommand=retire\nepoch=1\nnonce=000102030405060708090A0B0C0D0E0F\nexpires=1\ncerts=-"
        "\n",
        "cctsa-operator-command-v1\ncommand=retire\nepoch=1\nnonce=000102030405060708090a0b0c0d0e0f\nexpires="
        "99999999999999999999\ncerts=-\n",
        "cctsa-operator-command-v1\ncommand=retire\nepoch=1\nnonce=000102030405060708090a0b0c0d0e0f\nexpires=1\ncerts=-"
        "\nx=1\n",
        "cctsa-operator-command-v1\ncommand=retire\nepoch= "
        "1\nnonce=000102030405060708090a0b0c0d0e0f\nexpires=1\ncerts=-\n",
        "cctsa-operator-command-v1\ncommand=reboot\nepoch=1\nnonce=000102030405060708090a0b0c0d0e0f\nexpires=1\ncerts=-"
        "\n",
        "cctsa-operator-command-v1\ncommand=retire\nepoch=1\nnonce=000102030405060708090a0b0c0d0e0f\nexpires=1\ncerts="
        "-",
    };
    for (size_t i = 0; i < sizeof bad_bodies / sizeof *bad_bodies; i++)
        CHECK_MSG(operator_body_parse((const uint8_t *)bad_bodies[i], strlen(bad_bodies[i]), &back) != 0, "body %zu",
                  i);
    static const char good_body[] = "cctsa-operator-command-v1\ncommand=retire\nepoch=4294967295\nnonce="
                                    "000102030405060708090a0b0c0d0e0f\nexpires=1\ncerts=-\n";
    CHECK(operator_body_parse((const uint8_t *)good_body, strlen(good_body), &back) == 0 && back.epoch == 4294967295u);

    /* the CONTROL frame carries envelope and certificates */
    uint8_t *frame;
    size_t flen;
    proto_control_req rq = {(const uint8_t *)"CCOPx", ec, ml, 5, 3, 2}, got;
    const char *pw;
    CHECK(proto_control_req_frame(&rq, 9, &frame, &flen) == 0);
    proto_header h;
    CHECK(proto_header_parse(frame, 1, &h, &pw) == 0 && h.type == PROTO_CONTROL &&
          h.body_len == flen - PROTO_HEADER_LEN);
    CHECK(proto_control_req_parse(frame + PROTO_HEADER_LEN, flen - PROTO_HEADER_LEN, &got, &pw) == 0 &&
          got.envelope_len == 5 && got.ec_len == 3 && got.ml_len == 2 && !memcmp(got.ml, ml, 2));
    CHECK(proto_control_req_parse(frame + PROTO_HEADER_LEN, flen - PROTO_HEADER_LEN - 1, &got, &pw) != 0);
    free(frame);
    uint8_t resp[PROTO_HEADER_LEN + 1 + PROTO_REASON_MAX], oc;
    char reason[PROTO_REASON_MAX + 1];
    size_t rl = proto_control_resp_frame(9, PROTO_CONTROL_REFUSED, "replayed", resp, sizeof resp);
    CHECK(rl == PROTO_HEADER_LEN + 9 && proto_header_parse(resp, 0, &h, &pw) == 0 &&
          proto_control_resp_parse(resp + PROTO_HEADER_LEN, rl - PROTO_HEADER_LEN, &oc, reason) == 0 &&
          oc == PROTO_CONTROL_REFUSED && !strcmp(reason, "replayed"));
    CHECK(proto_header_parse(resp, 1, &h, &pw) != 0); /* an answer is not a request */
    rl = proto_control_resp_frame(9, PROTO_CONTROL_ACCEPTED, "a\nb\xc3\xa9", resp, sizeof resp);
    CHECK(rl == PROTO_HEADER_LEN + 6 && proto_control_resp_parse(resp + PROTO_HEADER_LEN, 6, &oc, reason) == 0 &&
          !strcmp(reason, "a?b??"));

    audit_close(log);
    operator_nonce_cache_free(nonces);
    free(nonces);
    unlink(path);
    rmdir(dir);
    x509_keypair_free(&alice), x509_keypair_free(&bob), x509_keypair_free(&mallory);
    return check_summary("test_operator");
}

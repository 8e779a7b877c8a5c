/* test_mldsa_noble: interoperability with an independent ML-DSA-65 (noble-post-quantum, driven
 * through tests/interop/mldsa_verify.mjs and mldsa_sign.mjs). Our signatures over random messages
 * and contexts (deterministic and hedged) verify with noble; noble's signatures verify with ours
 * and, given the same rnd, equal ours byte for byte, as do the public keys from the same seed;
 * tampered signatures, messages and contexts are rejected by both.
 * Usage: test_mldsa_noble <node> <tests/interop dir>. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "crypto/ct.h"
#include "crypto/mldsa.h"
#include "testutil.h"

#define MAX_MSG 300
#define LINE_MAX_CHARS (2 * (CC_MLDSA65_PKBYTES + CC_MLDSA65_SIGBYTES + MAX_MSG + 256) + 64)

static const char *node_bin, *interop_dir;

typedef struct {
    uint8_t seed[32], rnd[32];
    int hedged;
    uint8_t msg[MAX_MSG], ctx[255];
    size_t msglen, ctxlen;
} sign_case;

static void random_case(sign_case *c, unsigned i)
{
    uint8_t lens[4];
    cc_randombytes(c->seed, sizeof c->seed);
    cc_randombytes(c->rnd, sizeof c->rnd);
    cc_randombytes(lens, sizeof lens);
    c->hedged = i % 2;
    c->msglen = (i % 5 == 0) ? 0 : (size_t)(lens[0] | lens[1] << 8) % MAX_MSG;
    c->ctxlen = (i % 3 == 0) ? 0 : (i % 7 == 0) ? 255 : lens[2];
    cc_randombytes(c->msg, c->msglen);
    cc_randombytes(c->ctx, c->ctxlen);
}

static void put_hex(FILE *f, const uint8_t *b, size_t n)
{
    if (n == 0) {
        fputc('-', f);
        return;
    }
    for (size_t i = 0; i < n; i++) fprintf(f, "%02x", b[i]);
}

/* Run a node script with the given input file; returns the output lines (malloc'd array). */
static char **run_node(const char *script, const char *infile, size_t *nlines)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "cd '%s' && timeout 120 '%s' '%s' < '%s'", interop_dir, node_bin, script, infile);
    FILE *p = popen(cmd, "r");
    if (!p) return NULL;
    size_t cap = 16, n = 0;
    char **lines = malloc(cap * sizeof *lines), *buf = malloc(LINE_MAX_CHARS);
    while (fgets(buf, LINE_MAX_CHARS, p)) {
        buf[strcspn(buf, "\r\n")] = 0;
        if (n == cap) lines = realloc(lines, (cap *= 2) * sizeof *lines);
        lines[n++] = strdup(buf);
    }
    free(buf);
    int status = pclose(p);
    CHECK_MSG(status == 0, "%s exited with status %d", script, status);
    *nlines = n;
    return lines;
}

static void free_lines(char **lines, size_t n)
{
    for (size_t i = 0; i < n; i++) free(lines[i]);
    free(lines);
}

/* Direction 1: we sign, noble verifies (plus three tampered variants per case). */
static void ours_to_noble(unsigned ncases)
{
    char path[] = "/tmp/cctsa_noble_inXXXXXX";
    int fd = mkstemp(path);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    CHECK(f != NULL);
    if (!f) return;
    static uint8_t pk[CC_MLDSA65_PKBYTES], sk[CC_MLDSA65_SKBYTES], sig[CC_MLDSA65_SIGBYTES];
    char *expected = malloc(4 * ncases);
    size_t nexp = 0;
    for (unsigned i = 0; i < ncases; i++) {
        sign_case c;
        random_case(&c, i);
        CHECK(cc_mldsa65_keygen_seed(pk, sk, c.seed) == CC_MLDSA_OK);
        CHECK(cc_mldsa65_sign(sig, c.msg, c.msglen, c.ctx, c.ctxlen, c.hedged ? c.rnd : NULL, sk) == CC_MLDSA_OK);
        for (int variant = 0; variant < 4; variant++) {
            uint8_t s2[CC_MLDSA65_SIGBYTES], m2[MAX_MSG + 1], x2[256];
            size_t m2len = c.msglen, x2len = c.ctxlen;
            memcpy(s2, sig, sizeof s2);
            memcpy(m2, c.msg, c.msglen);
            memcpy(x2, c.ctx, c.ctxlen);
            if (variant == 1) s2[(i * 977u + 13) % sizeof s2] ^= (uint8_t)(1u << (i % 8));
            if (variant == 2) m2[m2len++] = 0x00;           /* message extended */
            if (variant == 3) x2[x2len ? 0 : x2len++] ^= 1; /* context changed or added */
            put_hex(f, pk, sizeof pk);
            fputc(' ', f);
            put_hex(f, s2, sizeof s2);
            fputc(' ', f);
            put_hex(f, m2, m2len);
            fputc(' ', f);
            put_hex(f, x2, x2len);
            fputc('\n', f);
            /* ours must agree with the expectation too */
            int rc = cc_mldsa65_verify(s2, sizeof s2, m2, m2len, x2, x2len, pk);
            CHECK_MSG((rc == CC_MLDSA_OK) == (variant == 0), "our verify, case %u variant %d", i, variant);
            expected[nexp++] = variant == 0;
        }
    }
    fclose(f);
    size_t n;
    char **out = run_node("mldsa_verify.mjs", path, &n);
    CHECK_MSG(out && n == nexp, "noble verifier gave %zu answers for %zu cases", n, nexp);
    unsigned agree = 0;
    for (size_t i = 0; out && i < n && i < nexp; i++) {
        int ok = !strcmp(out[i], expected[i] ? "ok" : "bad");
        CHECK_MSG(ok, "noble says '%s' for case %zu (expected %s)", out[i], i / 4, expected[i] ? "ok" : "bad");
        agree += ok;
    }
    printf("ours -> noble: %u/%zu verdicts agree (%u signatures, each with 3 tampered variants)\n", agree, nexp,
           ncases);
    if (out) free_lines(out, n);
    free(expected);
    unlink(path);
}

/* Direction 2: noble signs, we verify; with the same seed and rnd the bytes must match ours. */
static void noble_to_ours(unsigned ncases)
{
    char path[] = "/tmp/cctsa_noble_inXXXXXX";
    int fd = mkstemp(path);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    CHECK(f != NULL);
    if (!f) return;
    sign_case *cases = calloc(ncases, sizeof *cases);
    for (unsigned i = 0; i < ncases; i++) {
        random_case(&cases[i], i);
        put_hex(f, cases[i].seed, 32);
        fputc(' ', f);
        put_hex(f, cases[i].msg, cases[i].msglen);
        fputc(' ', f);
        put_hex(f, cases[i].ctx, cases[i].ctxlen);
        fputc(' ', f);
        if (cases[i].hedged)
            put_hex(f, cases[i].rnd, 32);
        else
            fputs("det", f);
        fputc('\n', f);
    }
    fclose(f);
    size_t n;
    char **out = run_node("mldsa_sign.mjs", path, &n);
    CHECK_MSG(out && n == ncases, "noble signer gave %zu answers for %u cases", n, ncases);
    unsigned verified = 0, identical = 0, rejected_tampered = 0;
    static uint8_t pk[CC_MLDSA65_PKBYTES], sk[CC_MLDSA65_SKBYTES], sig[CC_MLDSA65_SIGBYTES], ours[CC_MLDSA65_SIGBYTES];
    static uint8_t our_pk[CC_MLDSA65_PKBYTES];
    for (unsigned i = 0; out && i < n && i < ncases; i++) {
        const sign_case *c = &cases[i];
        char *space = strchr(out[i], ' ');
        if (!space) {
            CHECK_MSG(0, "noble signer line %u malformed: %.40s", i, out[i]);
            continue;
        }
        *space = 0;
        int parsed = tu_hex_to(pk, sizeof pk, out[i]) == 0 && tu_hex_to(sig, sizeof sig, space + 1) == 0;
        CHECK_MSG(parsed, "noble signer line %u unparsable", i);
        if (!parsed) continue;
        CHECK(cc_mldsa65_keygen_seed(our_pk, sk, c->seed) == CC_MLDSA_OK);
        CHECK_MSG(!memcmp(pk, our_pk, sizeof pk), "public key from the same seed differs (case %u)", i);
        int rc = cc_mldsa65_verify(sig, sizeof sig, c->msg, c->msglen, c->ctx, c->ctxlen, pk);
        CHECK_MSG(rc == CC_MLDSA_OK, "noble signature %u rejected (%d)", i, rc);
        verified += rc == CC_MLDSA_OK;
        CHECK(cc_mldsa65_sign(ours, c->msg, c->msglen, c->ctx, c->ctxlen, c->hedged ? c->rnd : NULL, sk) == 0);
        CHECK_MSG(!memcmp(ours, sig, sizeof sig), "same seed, message, context and rnd, different signature (%u)", i);
        identical += !memcmp(ours, sig, sizeof sig);
        sig[(i * 131u + 7) % sizeof sig] ^= 0x10;
        rc = cc_mldsa65_verify(sig, sizeof sig, c->msg, c->msglen, c->ctx, c->ctxlen, pk);
        CHECK_MSG(rc != CC_MLDSA_OK, "tampered noble signature %u accepted", i);
        rejected_tampered += rc != CC_MLDSA_OK;
    }
    printf("noble -> ours: %u/%u verified, %u/%u byte-identical to ours, %u/%u tampered rejected\n", verified, ncases,
           identical, ncases, rejected_tampered, ncases);
    if (out) free_lines(out, n);
    free(cases);
    unlink(path);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s <node> <tests/interop dir>\n", argv[0]);
        return 2;
    }
    node_bin = argv[1];
    interop_dir = argv[2];
    char probe[4096];
    snprintf(probe, sizeof probe, "%s/node_modules/@noble/post-quantum/package.json", interop_dir);
    if (access(probe, R_OK) != 0) {
        fprintf(stderr, "test_mldsa_noble: %s missing: run `npm ci` in %s (make deps does)\n", probe, interop_dir);
        return 1;
    }
    unsigned n = tu_sanitized() ? 8 : 24;
    ours_to_noble(n);
    noble_to_ours(n);
    return check_summary("test_mldsa_noble");
}

/* cli_audit.c: `cctsa audit verify DIR --certs FILE...`: check every node's audit log in DIR
 * (src/node/audit.h): each record's hash, the chain (seq and prev), the signed heads against the
 * cluster's certificates, then whether the nodes' logs agree on what was signed
 * (cli_audit_cross.c). Every problem is one line naming the node, the record and what is wrong. */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "cli/cli_audit.h"
#include "cli/commands.h"
#include "node/audit.h"
#include "x509/cert.h"
#include "x509/pem.h"

#define MAX_CERTS 8
#define MAX_CERTS_TEXT "8"
#define MAX_LOGS 16

static const char usage_text[] =
    "usage: cctsa audit verify DIR --certs CERT.pem [--certs CERT2.pem ...]\n"
    "\n"
    "Verify the nodes' audit logs in DIR (one NODE.audit file per node, docs/operations.md):\n"
    "  - every record's hash, and the chain: seq counts up by one, prev is the previous record's hash\n"
    "    (names an altered, dropped, inserted or reordered record);\n"
    "  - every signed chain head (\"head\" records) against the cluster's TSA certificates given with\n"
    "    --certs (ECDSA P-384 and/or ML-DSA-65; PEM bundles or DER): a chain rewritten after the fact\n"
    "    fails here;\n"
    "  - that the logs agree on what was signed: per serial, the coordinator's and the participants'\n"
    "    records carry the same epoch, genTime, profile, signer set and TSTInfo hash, no serial is\n"
    "    signed twice, a co-signed serial is in its coordinator's log; per epoch, the same DKG\n"
    "    transcript hash.\n"
    "Records after a log's last signed head are reported as not yet covered (not an error): records\n"
    "removed from the end of a log after its last signed head cannot be detected from that log alone.\n"
    "Exit status: 0 all good, 1 problems found (one line each), 2 usage error.\n";

typedef struct {
    uint8_t *der;
    x509_cert c;
} cert_slot;

void audit_problem(audit_run *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("FAIL: ", stdout);
    vprintf(fmt, ap);
    fputc('\n', stdout);
    va_end(ap);
    r->problems++;
}

static int load_certs(const char *path, cert_slot *certs, size_t *n)
{
    uint8_t *buf;
    size_t len, off = 0;
    if (cc_file_read(path, 1 << 20, &buf, &len) != 0) return -1;
    int rc = 0, got = 0;
    for (;;) {
        uint8_t *der;
        size_t dlen;
        int r = x509_pem_decode_next((const char *)buf, len, "CERTIFICATE", &off, &der, &dlen);
        if (r == 1) break;
        if (r == 0 && *n == MAX_CERTS) free(der);
        if (r < 0 || *n == MAX_CERTS) {
            rc = -1;
            break;
        }
        if (x509_cert_parse(&certs[*n].c, der, dlen) != 0) {
            free(der);
            rc = -1;
            break;
        }
        certs[*n].der = der;
        (*n)++, got++;
    }
    if (rc == 0 && !got) { /* DER */
        if (*n == MAX_CERTS || x509_cert_parse(&certs[*n].c, buf, len) != 0)
            rc = -1;
        else
            certs[(*n)++].der = buf, buf = NULL;
    }
    free(buf);
    return rc;
}

/* A head record: covers the record before it, and every signature on it verifies. */
static void check_head(audit_run *r, const char *node, unsigned long long seq, json_t *rec,
                       char (*hashes)[2 * AUDIT_HASH_BYTES + 1], unsigned long long nhashes, const cert_slot *certs,
                       size_t ncerts)
{
    static const struct {
        const char *key;
        int alg;
    } sigs[] = {{"sig_ecdsa", X509_ALG_ECDSA_P384}, {"sig_mldsa", X509_ALG_MLDSA65}};
    json_int_t head_seq = json_integer_value(json_object_get(rec, "head_seq"));
    const char *head = json_string_value(json_object_get(rec, "head"));
    uint8_t hash[AUDIT_HASH_BYTES], msg[AUDIT_HEAD_MSG_MAX];
    if (!head || head_seq < 1 || head_seq >= (json_int_t)seq || (unsigned long long)head_seq > nhashes ||
        strcmp(head, hashes[head_seq - 1]) != 0 || cc_hex_decode_exact(head, hash, sizeof hash) != 0) {
        audit_problem(r, "%s record %llu: signed head does not match record %lld", node, seq, (long long)head_seq);
        return;
    }
    size_t mlen = audit_head_message(node, (uint64_t)head_seq, hash, msg), good = 0;
    for (size_t i = 0; i < 2; i++) {
        const char *hex = json_string_value(json_object_get(rec, sigs[i].key));
        if (!hex) continue;
        size_t hl = strlen(hex), siglen;
        uint8_t *sig = malloc(hl / 2 + 1);
        int ok = 0, have = 0;
        if (sig && cc_hex_decode(hex, hl, sig, hl / 2 + 1, &siglen, 0) == 0)
            for (size_t c = 0; c < ncerts && !ok; c++)
                if (certs[c].c.key_alg == sigs[i].alg) {
                    have = 1;
                    ok =
                        x509_verify_raw(sigs[i].alg, certs[c].c.pub.p, certs[c].c.pub.len, msg, mlen, sig, siglen) == 0;
                }
        free(sig);
        if (!have)
            audit_problem(r, "%s record %llu: no --certs certificate for its %s", node, seq, sigs[i].key);
        else if (!ok)
            audit_problem(r, "%s record %llu: the %s on the chain head does not verify", node, seq, sigs[i].key);
        else
            good++;
    }
    if (!json_object_get(rec, "sig_ecdsa") && !json_object_get(rec, "sig_mldsa"))
        audit_problem(r, "%s record %llu: head record without a signature", node, seq);
    (void)good;
}

/* One log file: chain, hashes, heads; collect sign/cosign/dkg records. */
static void check_log(audit_run *r, const char *dir, const char *file, const cert_slot *certs, size_t ncerts,
                      unsigned long long *records, unsigned *heads)
{
    char path[4096], node[40], *line = malloc(AUDIT_LINE_MAX + 2);
    size_t fl = strlen(file) - 6;
    snprintf(node, sizeof node, "%.*s", (int)(fl < 39 ? fl : 39), file);
    snprintf(path, sizeof path, "%s/%s", dir, file);
    FILE *f = fopen(path, "r");
    if (!f || !line) {
        audit_problem(r, "%s: cannot read %s", node, path);
        free(line);
        if (f) fclose(f);
        return;
    }
    snprintf(r->nodes[r->n_nodes++], sizeof r->nodes[0], "%s", node);
    /* First pass: the seq of every line, to tell a reordered record from a dropped one. */
    unsigned long long *seqs = NULL, nseqs = 0, s;
    while (fgets(line, AUDIT_LINE_MAX + 2, f)) {
        unsigned long long *more = realloc(seqs, (nseqs + 1) * sizeof *seqs);
        if (!more) break;
        seqs = more, seqs[nseqs++] = sscanf(line, "{\"seq\":%llu,", &s) == 1 ? s : 0;
    }
    rewind(f);
    char(*hashes)[2 * AUDIT_HASH_BYTES + 1] = calloc(nseqs + 1, sizeof *hashes); /* by seq - 1 */
    if (!hashes) {
        audit_problem(r, "%s: out of memory", node);
        free(line), free(seqs), fclose(f);
        return;
    }
    char prev[2 * AUDIT_HASH_BYTES + 1];
    memset(prev, '0', sizeof prev - 1), prev[sizeof prev - 1] = 0;
    unsigned long long expect = 1, last_head = 0, reported_late = 0, last_nonhead = 0;
    for (unsigned long long lineno = 1; fgets(line, AUDIT_LINE_MAX + 2, f); lineno++) {
        size_t len = strlen(line);
        char *h = NULL;
        for (char *p = strstr(line, ",\"hash\":\""); p; p = strstr(p + 1, ",\"hash\":\"")) h = p;
        if (!len || line[len - 1] != '\n' || !h || (size_t)(line + len - h) != 9 + 2 * AUDIT_HASH_BYTES + 3 ||
            strcmp(h + 9 + 2 * AUDIT_HASH_BYTES, "\"}\n") != 0) {
            audit_problem(r, "%s line %llu: not a complete audit record", node, lineno);
            break;
        }
        uint8_t want[AUDIT_HASH_BYTES];
        char want_hex[2 * AUDIT_HASH_BYTES + 1];
        audit_record_hash(line, (size_t)(h - line), want);
        cc_hex_encode(want, sizeof want, want_hex);
        json_error_t jerr;
        json_t *rec = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
        json_int_t seq = json_integer_value(json_object_get(rec, "seq"));
        const char *rnode = json_string_value(json_object_get(rec, "node"));
        const char *rprev = json_string_value(json_object_get(rec, "prev"));
        const char *rhash = json_string_value(json_object_get(rec, "hash"));
        const char *event = json_string_value(json_object_get(rec, "event"));
        if (!rec || seq < 1 || !rnode || !rprev || !rhash || !event) {
            audit_problem(r, "%s line %llu: malformed record", node, lineno);
            json_decref(rec);
            break;
        }
        (*records)++;
        unsigned long long later = 0;
        for (unsigned long long j = lineno; j < nseqs && !later && (unsigned long long)seq > expect; j++)
            if (seqs[j] == expect) later = j + 1;
        if ((unsigned long long)seq > expect && later)
            audit_problem(r, "%s line %llu: record %llu out of order: it is at line %llu, after record %lld", node,
                          lineno, expect, later, (long long)seq);
        else if ((unsigned long long)seq > expect)
            audit_problem(r, "%s line %llu: record %llu missing (dropped): the next record is %lld", node, lineno,
                          expect, (long long)seq);
        else if ((unsigned long long)seq < expect && !reported_late)
            audit_problem(r, "%s line %llu: record %lld out of order (record %llu expected here)", node, lineno,
                          (long long)seq, expect);
        if ((unsigned long long)seq > expect && later) reported_late = later;
        if (strcmp(rhash, want_hex) != 0)
            audit_problem(r, "%s record %lld (line %llu): altered: its hash does not match its content", node,
                          (long long)seq, lineno);
        else if ((unsigned long long)seq == expect && strcmp(rprev, prev) != 0)
            audit_problem(r, "%s record %lld (line %llu): prev is not the hash of record %lld (chain broken)", node,
                          (long long)seq, lineno, (long long)seq - 1);
        if (strcmp(rnode, node) != 0)
            audit_problem(r, "%s record %lld: written by node %s, found in %s's log", node, (long long)seq, rnode,
                          node);
        if ((unsigned long long)seq < expect) { /* a late record: keep following the chain from the latest one */
            if (reported_late == lineno) reported_late = 0;
            json_decref(rec);
            continue;
        }
        if (!strcmp(event, "head")) {
            check_head(r, node, (unsigned long long)seq, rec, hashes, nseqs, certs, ncerts);
            json_int_t hs = json_integer_value(json_object_get(rec, "head_seq"));
            (*heads)++, last_head = hs > 0 && (unsigned long long)hs > last_head ? (unsigned long long)hs : last_head;
        } else {
            last_nonhead = (unsigned long long)seq;
        }
        if ((!strcmp(event, "sign") || !strcmp(event, "cosign") || !strcmp(event, "dkg")) && r->n < 1u << 20) {
            if (r->n == r->cap) {
                r->cap = r->cap ? 2 * r->cap : 64;
                r->e = realloc(r->e, r->cap * sizeof *r->e);
            }
            audit_entry *e = &r->e[r->n++];
            snprintf(e->node, sizeof e->node, "%s", node);
            e->seq = (unsigned long long)seq;
            e->rec = json_incref(rec);
        }
        snprintf(prev, sizeof prev, "%s", rhash);
        expect = (unsigned long long)seq + 1;
        if (expect - 1 <= nseqs) snprintf(hashes[expect - 2], sizeof hashes[0], "%s", rhash);
        json_decref(rec);
    }
    if (last_nonhead > last_head)
        printf("note: %s records after %llu (up to %llu) are not covered by a signed head yet\n", node, last_head,
               last_nonhead);
    fclose(f);
    free(line), free(seqs), free(hashes);
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

typedef struct {
    cert_slot *certs;
    size_t *n;
} cert_list;

static int opt_certs(void *d, const char *v)
{
    cert_list *l = d;
    return load_certs(v, l->certs, l->n);
}

static int audit_verify(int argc, char **argv)
{
    const char *dir = NULL;
    cert_slot certs[MAX_CERTS];
    size_t ncerts = 0;
    int rc = 2;
    cert_list cl = {certs, &ncerts};
    const cc_opt opts[] = {
        CC_FN_OPT("--certs", &cl, opt_certs, "a certificate file (PEM or DER), at most " MAX_CERTS_TEXT)};
    if (cli_opts("audit verify", argc, argv, opts, CC_NOPTS(opts), &dir, 1, NULL) != 0) goto out;
    DIR *d = NULL;
    if (!dir || !ncerts) {
        fputs(usage_text, stderr);
        goto out;
    }
    if (!(d = opendir(dir))) {
        cli_error("audit verify: cannot open directory %s", dir);
        goto out;
    }
    char *files[MAX_LOGS];
    size_t nf = 0;
    int too_many = 0;
    for (struct dirent *de; (de = readdir(d));) {
        size_t l = strlen(de->d_name);
        if (l > 6 && !strcmp(de->d_name + l - 6, ".audit")) {
            if (nf == MAX_LOGS)
                too_many = 1;
            else
                files[nf++] = strdup(de->d_name);
        }
    }
    closedir(d);
    audit_run r = {0};
    unsigned long long records = 0;
    unsigned heads = 0;
    if (too_many) audit_problem(&r, "more than %d logs in %s", MAX_LOGS, dir);
    if (!nf) audit_problem(&r, "no *.audit logs in %s", dir);
    qsort(files, nf, sizeof *files, by_name);
    for (size_t i = 0; i < nf; i++) check_log(&r, dir, files[i], certs, ncerts, &records, &heads), free(files[i]);
    size_t signings = audit_cross_check(&r);
    for (size_t i = 0; i < r.n; i++) json_decref(r.e[i].rec);
    free(r.e);
    printf("audit: %zu logs, %llu records, %u signed heads, %zu signings cross-checked: %s", nf, records, heads,
           signings, r.problems ? "" : "OK\n");
    if (r.problems) printf("%u problem%s\n", r.problems, r.problems == 1 ? "" : "s");
    rc = r.problems ? 1 : 0;
out:
    for (size_t i = 0; i < ncerts; i++) free(certs[i].der);
    return rc;
}

int cli_audit(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "verify")) {
        if (cli_wants_help(argc - 1, argv + 1)) return fputs(usage_text, stdout), 0;
        return audit_verify(argc - 1, argv + 1);
    }
    if (cli_wants_help(argc, argv)) return fputs(usage_text, stdout), 0;
    fputs(usage_text, stderr);
    return 2;
}

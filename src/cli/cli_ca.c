/* cli_ca.c: `cctsa ca`, the built-in development certificate authority: init (root keys and
 * self-signed roots, ECDSA P-384 and/or ML-DSA-65), req (a fresh key and its CSR, for testing),
 * sign (a TSA certificate from a CSR, by the root matching the CSR's algorithm) and verify (a TSA
 * certificate against the roots). For local development only: the root keys are plain files. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/commands.h"
#include "crypto/ct.h"
#include "tsp/tsp_devca.h"
#include "x509/cert.h"
#include "x509/csr.h"
#include "x509/keyfile.h"
#include "x509/name.h"
#include "x509/pem.h"

#define ROOT_DAYS 3650
#define LEAF_DAYS_DEFAULT 30
#define CLOCK_SKEW 300

static const char usage_text[] =
    "usage: cctsa ca <init|req|sign|verify> [options]\n"
    "\n"
    "A development certificate authority for the TSA. FOR LOCAL DEVELOPMENT AND TESTS ONLY: the root\n"
    "private keys are stored unencrypted in DIR (mode 0600). Production TSA certificates must come from\n"
    "a real CA.\n"
    "\n"
    "  cctsa ca init --dir DIR [--alg ecdsa|mldsa|both] [--subject DN]\n"
    "      Create root key(s) and self-signed root certificate(s) (default both: an ECDSA P-384 root\n"
    "      and an ML-DSA-65 root). Files: DIR/root-ecdsa.{key,pem}, DIR/root-mldsa.{key,pem}.\n"
    "      Existing files are never overwritten.\n"
    "  cctsa ca sign --dir DIR --csr FILE [--days N] [--measurement HEX96] [--issuer ecdsa|mldsa] -o CERT\n"
    "      Check the CSR's self-signature and issue a TSA certificate (critical EKU timeStamping,\n"
    "      keyUsage digitalSignature, CA:FALSE, SKI/AKI) for its subject and key, valid N days\n"
    "      (default 30). The launch measurement (TCG DICE TcbInfo, SHA-384) comes from --measurement\n"
    "      or from the CSR's extensionRequest. A CSR whose TcbInfo is malformed or carries any\n"
    "      operational flag (debug, notSecure, notConfigured, ...) is refused. The issuing root\n"
    "      matches the CSR key's algorithm unless --issuer says otherwise.\n"
    "  cctsa ca req --alg ecdsa|mldsa --key-out KEY --subject DN [--measurement HEX96] -o CSR\n"
    "      Generate a key (PKCS#8 PEM, mode 0600) and a CSR signed by it.\n"
    "  cctsa ca verify --dir DIR --cert FILE [--at TIME]\n"
    "      Verify a TSA certificate against the root of its signature algorithm: chain, validity at\n"
    "      TIME (RFC 3339 or seconds since 1970; default now), TSA profile; prints the subject, the\n"
    "      measurement and the TcbInfo operational flags.\n"
    "\n"
    "DN syntax: CN=name,O=org,OU=unit,C=XX (backslash escapes ',' and '='). Files are PEM on output\n"
    "and PEM or DER on input.\n";

typedef struct {
    const char *dir, *alg, *subject, *csr, *out, *cert, *measurement, *issuer, *key_out, *at;
    long days;
} ca_opts;

static int parse_opts(int argc, char **argv, ca_opts *o)
{
    memset(o, 0, sizeof *o);
    o->days = LEAF_DAYS_DEFAULT;
    const cc_opt opts[] = {
        CC_STR_OPT("--dir", &o->dir),
        CC_STR_OPT("--alg", &o->alg),
        CC_STR_OPT("--subject", &o->subject),
        CC_STR_OPT("--csr", &o->csr),
        CC_STR_OPT("-o", &o->out),
        CC_STR_OPT("--out", &o->out),
        CC_STR_OPT("--cert", &o->cert),
        CC_STR_OPT("--measurement", &o->measurement),
        CC_STR_OPT("--issuer", &o->issuer),
        CC_STR_OPT("--key-out", &o->key_out),
        CC_STR_OPT("--at", &o->at),
        CC_LONG_OPT("--days", &o->days, 1, 3650, NULL),
    };
    return cli_sub_opts("ca", argc - 1, argv + 1, opts, CC_NOPTS(opts), NULL, 0, NULL);
}

static int alg_from_name(const char *s)
{
    if (!s) return X509_ALG_NONE;
    if (!strcmp(s, "ecdsa")) return X509_ALG_ECDSA_P384;
    if (!strcmp(s, "mldsa")) return X509_ALG_MLDSA65;
    return X509_ALG_NONE;
}

static const char *alg_file_tag(int alg) { return alg == X509_ALG_MLDSA65 ? "mldsa" : "ecdsa"; }

static void root_path(char *buf, size_t cap, const char *dir, int alg, const char *ext)
{
    snprintf(buf, cap, "%s/root-%s.%s", dir, alg_file_tag(alg), ext);
}

static int write_pem(const char *path, const char *label, const uint8_t *der, size_t len, int exclusive)
{
    char *pem = x509_pem_encode(label, der, len);
    int rc = pem ? x509_write_file(path, pem, strlen(pem), 0644, exclusive) : -1;
    free(pem);
    if (rc) cli_error("cannot write %s: %s", path, x509_error_reason());
    return rc;
}

static int parse_measurement(const char *hex, x509_tcbinfo *t)
{
    if (strlen(hex) != 2 * X509_MEASUREMENT_BYTES) goto bad;
    for (int i = 0; i < X509_MEASUREMENT_BYTES; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1 || !strchr("0123456789abcdefABCDEF", hex[2 * i]) ||
            !strchr("0123456789abcdefABCDEF", hex[2 * i + 1]))
            goto bad;
        t->measurement[i] = (uint8_t)v;
    }
    return 0;
bad:
    cli_error("--measurement must be 96 hex digits (the 48-byte SEV-SNP launch measurement)");
    return -1;
}

static int init_one(const char *dir, int alg, const char *subject)
{
    char keypath[4096], certpath[4096];
    x509_keypair k;
    uint8_t *name = NULL, *der = NULL;
    size_t nlen, len;
    int rc = -1;
    root_path(keypath, sizeof keypath, dir, alg, "key");
    root_path(certpath, sizeof certpath, dir, alg, "pem");
    struct stat st;
    if (!stat(keypath, &st) || !stat(certpath, &st)) {
        cli_error("ca init: %s or %s already exists; refusing to overwrite", keypath, certpath);
        return -1;
    }
    char dn[256];
    if (!subject)
        snprintf(dn, sizeof dn, "CN=cctsa development root %s,O=cctsa dev CA",
                 alg == X509_ALG_MLDSA65 ? "ML-DSA-65" : "ECDSA P-384");
    if (x509_name_from_string(subject ? subject : dn, &name, &nlen)) {
        cli_error("ca init: bad --subject: %s", x509_error_reason());
        return -1;
    }
    if (x509_keypair_generate(&k, alg)) {
        cli_error("ca init: key generation failed: %s", x509_error_reason());
        free(name);
        return -1;
    }
    time_t now = time(NULL);
    x509_cert_template t = {.profile = X509_PROFILE_ROOT_CA,
                            .subject = name,
                            .subject_len = nlen,
                            .not_before = now - CLOCK_SKEW,
                            .not_after = now + (time_t)ROOT_DAYS * 86400,
                            .subject_alg = alg,
                            .subject_pub = k.signer.pub,
                            .subject_publen = k.signer.publen,
                            .path_len = 0};
    if (x509_cert_build(&t, &k.signer, &der, &len)) {
        cli_error("ca init: building the root certificate failed: %s", x509_error_reason());
    } else if (x509_keypair_save(&k, keypath)) {
        cli_error("ca init: cannot write %s: %s", keypath, x509_error_reason());
    } else if (write_pem(certpath, "CERTIFICATE", der, len, 1) == 0) {
        printf("%s root: %s (key %s)\n", alg == X509_ALG_MLDSA65 ? "ML-DSA-65" : "ECDSA P-384", certpath, keypath);
        rc = 0;
    }
    free(der);
    free(name);
    x509_keypair_free(&k);
    return rc;
}

static int cmd_init(const ca_opts *o)
{
    const char *alg = o->alg ? o->alg : "both";
    if (!o->dir) {
        cli_error("ca init: --dir is required");
        return 2;
    }
    if (strcmp(alg, "both") && alg_from_name(alg) == X509_ALG_NONE) {
        cli_error("ca init: --alg must be ecdsa, mldsa or both");
        return 2;
    }
    if (mkdir(o->dir, 0700) && errno != EEXIST) {
        cli_error("ca init: cannot create %s: %s", o->dir, strerror(errno));
        return 1;
    }
    int ec = !strcmp(alg, "both") || !strcmp(alg, "ecdsa"), ml = !strcmp(alg, "both") || !strcmp(alg, "mldsa");
    if (ec && init_one(o->dir, X509_ALG_ECDSA_P384, o->subject)) return 1;
    if (ml && init_one(o->dir, X509_ALG_MLDSA65, o->subject)) return 1;
    return 0;
}

/* Load DIR/root-<alg>.pem and parse it into c (der kept in *buf). */
static int load_root_cert(const char *dir, int alg, uint8_t **buf, x509_cert *c)
{
    char path[4096];
    size_t len;
    root_path(path, sizeof path, dir, alg, "pem");
    if (x509_read_pem_or_der(path, "CERTIFICATE", buf, &len) || x509_cert_parse(c, *buf, len)) {
        cli_error("cannot load root certificate %s: %s (run cctsa ca init?)", path, x509_error_reason());
        return -1;
    }
    return 0;
}

/* NUL-terminated copy of a TcbInfo string field (NULL if absent or too long). */
static const char *copy_field(char *buf, size_t cap, const uint8_t *p, size_t n)
{
    if (!p || n >= cap) return NULL;
    memcpy(buf, p, n);
    buf[n] = '\0';
    return buf;
}

/* The TcbInfo for the new certificate: --measurement wins, else the CSR's requested one. A CSR
 * TcbInfo that is malformed or has operational flags is refused (-1); a bad --measurement is -2. */
static int pick_tcbinfo(const ca_opts *o, const x509_csr *r, x509_tcbinfo *t, char vendor[64], char model[64],
                        int *have)
{
    x509_tcbinfo_view v;
    memset(t, 0, sizeof *t);
    t->svn = -1;
    *have = 0;
    if (r->tcbinfo.len && x509_tcbinfo_parse(r->tcbinfo.p, r->tcbinfo.len, &v) != 0) {
        cli_error("ca sign: the CSR's TcbInfo is malformed (%s): refusing", x509_error_reason());
        return -1;
    }
    if (r->tcbinfo.len && v.flags) {
        char names[160];
        cli_error("ca sign: the CSR's TcbInfo carries operational flags (%s): such a guest's key is not protected; "
                  "refusing",
                  x509_tcb_flags_str(v.flags, names, sizeof names));
        return -1;
    }
    if (r->tcbinfo.len && v.has_measurement) {
        t->vendor = copy_field(vendor, 64, v.vendor, v.vendor_len);
        t->model = copy_field(model, 64, v.model, v.model_len);
        t->svn = v.has_svn ? v.svn : -1;
        memcpy(t->measurement, v.measurement, X509_MEASUREMENT_BYTES);
        *have = 1;
    }
    if (o->measurement) {
        if (parse_measurement(o->measurement, t)) return -2;
        if (!*have) {
            t->vendor = "AMD";
            t->model = "SEV-SNP";
        }
        *have = 1;
    }
    return 0;
}

static int cmd_sign(const ca_opts *o)
{
    uint8_t *csrder = NULL, *der = NULL;
    size_t csrlen, len;
    x509_csr r;
    int rc = 1;
    if (!o->dir || !o->csr || !o->out) {
        cli_error("ca sign: --dir, --csr and -o are required");
        return 2;
    }
    if (x509_read_pem_or_der(o->csr, "CERTIFICATE REQUEST", &csrder, &csrlen) || x509_csr_parse(&r, csrder, csrlen)) {
        cli_error("ca sign: cannot read CSR %s: %s", o->csr, x509_error_reason());
        goto out;
    }
    if (x509_csr_verify(&r)) {
        cli_error("ca sign: CSR rejected: %s", x509_error_reason());
        goto out;
    }
    int issuer_alg = o->issuer ? alg_from_name(o->issuer) : r.key_alg;
    if (issuer_alg == X509_ALG_NONE) {
        cli_error("ca sign: --issuer must be ecdsa or mldsa");
        rc = 2;
        goto out;
    }
    char vendor[64], model[64], err[512];
    x509_tcbinfo tcb;
    int have_tcb;
    int picked = pick_tcbinfo(o, &r, &tcb, vendor, model, &have_tcb);
    if (picked) {
        rc = picked == -2 ? 2 : 1; /* a bad --measurement is a usage error, a refused CSR is not */
        goto out;
    }
    if (tsp_devca_certify_csr(o->dir, &r, issuer_alg, have_tcb ? &tcb : NULL, (long)o->days * 86400, &der, &len, err,
                              sizeof err)) {
        cli_error("ca sign: %s", err);
        goto out;
    }
    if (write_pem(o->out, "CERTIFICATE", der, len, 0)) goto out;
    printf("issued %s TSA certificate %s (signed by the %s root)%s\n", alg_file_tag(r.key_alg), o->out,
           alg_file_tag(issuer_alg), have_tcb ? " with launch measurement" : "");
    rc = 0;
out:
    free(csrder);
    free(der);
    return rc;
}

static int cmd_req(const ca_opts *o)
{
    int alg = alg_from_name(o->alg);
    uint8_t *name = NULL, *der = NULL;
    size_t nlen, len;
    x509_keypair k = {0};
    x509_tcbinfo t = {.vendor = "AMD", .model = "SEV-SNP", .svn = -1};
    int rc = 1;
    if (alg == X509_ALG_NONE || !o->key_out || !o->subject || !o->out) {
        cli_error("ca req: --alg ecdsa|mldsa, --key-out, --subject and -o are required");
        return 2;
    }
    if (o->measurement && parse_measurement(o->measurement, &t)) return 2;
    if (x509_name_from_string(o->subject, &name, &nlen)) {
        cli_error("ca req: bad --subject: %s", x509_error_reason());
        return 2;
    }
    if (x509_keypair_generate(&k, alg) || x509_csr_build(name, nlen, &k.signer, o->measurement ? &t : NULL, &der, &len))
        cli_error("ca req: %s", x509_error_reason());
    else if (x509_keypair_save(&k, o->key_out))
        cli_error("ca req: cannot write %s: %s", o->key_out, x509_error_reason());
    else if (write_pem(o->out, "CERTIFICATE REQUEST", der, len, 0) == 0)
        rc = 0;
    free(name);
    free(der);
    x509_keypair_free(&k);
    return rc;
}

static int cmd_verify(const ca_opts *o)
{
    uint8_t *der = NULL, *rootder = NULL;
    size_t len;
    x509_cert chain[2];
    int rc = 1;
    if (!o->dir || !o->cert) {
        cli_error("ca verify: --dir and --cert are required");
        return 2;
    }
    time_t at = time(NULL);
    if (o->at && cli_parse_time(o->at, &at) != 0) {
        cli_error("ca verify: --at takes an RFC 3339 time (2026-12-04T08:00:00Z) or seconds since 1970");
        return 2;
    }
    if (x509_read_pem_or_der(o->cert, "CERTIFICATE", &der, &len) || x509_cert_parse(&chain[0], der, len)) {
        cli_error("ca verify: cannot read certificate %s: %s", o->cert, x509_error_reason());
        goto out;
    }
    if (chain[0].sig_alg == X509_ALG_NONE) {
        cli_error("ca verify: unsupported signature algorithm");
        goto out;
    }
    if (load_root_cert(o->dir, chain[0].sig_alg, &rootder, &chain[1])) goto out;
    if (x509_chain_verify(chain, 2, at) || x509_cert_check_tsa(&chain[0])) {
        cli_error("ca verify: %s: %s", o->cert, x509_error_reason());
        goto out;
    }
    char subject[512];
    uint8_t m[X509_MEASUREMENT_BYTES];
    if (x509_name_to_string(chain[0].subject.p, chain[0].subject.len, subject, sizeof subject)) strcpy(subject, "?");
    printf("OK: %s (%s key, %s root)\n", subject, alg_file_tag(chain[0].key_alg), alg_file_tag(chain[0].sig_alg));
    uint32_t flags;
    char names[160];
    if (x509_cert_measurement(&chain[0], m) == 0 && x509_cert_tcb_flags(&chain[0], &flags) == 0) {
        printf("measurement: ");
        for (size_t i = 0; i < sizeof m; i++) printf("%02x", m[i]);
        printf("\nTcbInfo flags: %s%s\n", x509_tcb_flags_str(flags, names, sizeof names),
               flags ? " (NOT a protected production guest)" : "");
    }
    rc = 0;
out:
    free(der);
    free(rootder);
    return rc;
}

int cli_ca(int argc, char **argv)
{
    ca_opts o;
    if (argc < 2 || cli_wants_help(argc, argv)) {
        fputs(usage_text, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (parse_opts(argc, argv, &o)) return 2;
    if (!strcmp(argv[1], "init")) return cmd_init(&o);
    if (!strcmp(argv[1], "sign")) return cmd_sign(&o);
    if (!strcmp(argv[1], "req")) return cmd_req(&o);
    if (!strcmp(argv[1], "verify")) return cmd_verify(&o);
    cli_error("ca: unknown subcommand '%s' (init, sign, req, verify)", argv[1]);
    return 2;
}

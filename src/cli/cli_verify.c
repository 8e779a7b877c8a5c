/* cli_verify.c: `cctsa verify`: full verification of a time-stamp token against the data and one
 * or more trust anchors; prints every check and what it was checked against. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "cli/commands.h"
#include "tsp/tsp_parse.h"
#include "tsp/tsp_profile.h"
#include "tsp/tsp_verify.h"
#include "x509/cert.h"
#include "x509/name.h"
#include "x509/pem.h"

static const char usage_text[] =
    "usage: cctsa verify TOKEN --data FILE --ca ROOTS.pem [--ca ...] [--require pq|classic|both]\n"
    "                    [--measurement HEX96 [--allow-tcb-flags]] [--cert CERTS.pem ...]\n"
    "                    [--at TIME] [--max-skew SECONDS] [--strict | --no-strict] [--policy PROFILE=OID ...]\n"
    "\n"
    "Verify a time-stamp token (a TimeStampResp or a bare CMS token, DER) for FILE: message imprint,\n"
    "every signature (ECDSA P-384, ML-DSA-65, the compat profile's ML-DSA-65 countersignature), signed\n"
    "attributes (contentType, messageDigest, ESSCertIDv2), TSA certificate EKU and chain to one of the given roots at "
    "genTime,\n"
    "the profile's signer set against its policy, the tsa name, no critical TSTInfo extension, and a\n"
    "genTime not in the future. --require demands a classical, a post-quantum or both kinds of valid\n"
    "signature. An ML-DSA-65 signature gives post-quantum assurance (counts for pq and both) only if\n"
    "every certificate signature on its chain, and the trust anchor's key, is ML-DSA-65; one whose\n"
    "chain has an ECDSA link is valid but does not count.\n"
    "  --ca FILE           trust anchors: every certificate in a PEM bundle (or one DER certificate)\n"
    "  --cert FILE         TSA or intermediate certificates for tokens requested without certReq\n"
    "                      (PEM bundle or DER); the chain search tries every candidate\n"
    "  --measurement HEX96 every signer certificate's TcbInfo launch measurement must be this, and its\n"
    "                      operational flags (debug, notSecure, notConfigured, ...) clear\n"
    "  --allow-tcb-flags   with --measurement: accept set TcbInfo flags (they are printed)\n"
    "  --at TIME           reference time for archival checks, RFC 3339 (2026-12-04T08:00:00Z) or\n"
    "                      seconds since 1970: genTime may not be later than TIME + --max-skew\n"
    "                      (default: now). The chain is checked at genTime either way.\n"
    "  --max-skew SECONDS  tolerance for a genTime past the reference time (default 300)\n"
    "  --strict            (the default) refuse ECDSA high S, SETs not in DER order, unsigned\n"
    "                      attributes no profile defines, granted with failInfo\n"
    "  --no-strict         skip those checks\n"
    "  --policy PROFILE=OID the TSA's policy OID of a profile (as configured on the gateway; default: the\n"
    "                      development OIDs " TSP_DEV_ARC ".1 to .4), so the signer set is checked against it\n"
    "Exit status: 0 valid, 1 invalid, 2 usage error.\n";

/* Load every certificate of a --ca (anchor) or --cert (extra) file, PEM bundle or one DER
 * certificate, into the options; bufs[] keeps the buffers for freeing. 0 or -1. */
static int load_certs(const char *path, int anchor, tsp_verify_opts *o, uint8_t **bufs)
{
    uint8_t *file = NULL;
    size_t file_len = 0, off = 0;
    int *count = anchor ? &o->nroots : &o->nextra, loaded = 0, rc = -1;
    const char *what = anchor ? "--ca" : "--cert";
    if (cc_file_read(path, TSP_MAX_INPUT, &file, &file_len) != 0)
        return cli_error("verify: cannot read %s %s", what, path), -1;
    static const char begin[] = "-----BEGIN CERTIFICATE-----";
    int pem = 0;
    for (size_t i = 0; !pem && i + sizeof begin - 1 <= file_len; i++) pem = !memcmp(file + i, begin, sizeof begin - 1);
    for (;;) {
        uint8_t *der = NULL;
        size_t len = 0;
        x509_cert c;
        char name[256];
        if (pem) {
            int k = x509_pem_decode_next((const char *)file, file_len, "CERTIFICATE", &off, &der, &len);
            if (k == 1) break;
            if (k < 0) {
                cli_error("verify: %s %s: certificate %d is malformed PEM", what, path, loaded + 1);
                goto out;
            }
        } else if (loaded) {
            break;
        } else if ((der = malloc(file_len ? file_len : 1)) != NULL) {
            memcpy(der, file, file_len), len = file_len;
        }
        if (!der || x509_cert_parse(&c, der, len) != 0) {
            cli_error("verify: %s %s: certificate %d is not a certificate (%s)", what, path, loaded + 1,
                      der ? x509_error_reason() : "out of memory");
            free(der);
            goto out;
        }
        if (*count == TSP_VERIFY_MAX_ROOTS) {
            cli_error("verify: at most %d certificates each for --ca and --cert", TSP_VERIFY_MAX_ROOTS);
            free(der);
            goto out;
        }
        if (x509_name_to_string(c.subject.p, c.subject.len, name, sizeof name) != 0) snprintf(name, sizeof name, "?");
        for (char *ch = name; *ch; ch++)
            if ((unsigned char)*ch < 0x20 || *ch == 0x7F) *ch = '?';
        printf("%s: %s (%s)\n", anchor ? "trust anchor" : "extra certificate", name, path);
        bufs[*count] = der;
        if (anchor)
            o->roots[*count] = der, o->root_lens[*count] = len;
        else
            o->extra_certs[*count] = der, o->extra_lens[*count] = len;
        (*count)++, loaded++;
    }
    if (!loaded) {
        cli_error("verify: %s %s holds no certificate", what, path);
        goto out;
    }
    printf("%s: %d certificate(s) loaded from %s\n", what, loaded, path);
    rc = 0;
out:
    free(file);
    return rc;
}

/* What the option callbacks fill: the options and the buffers they own. */
typedef struct {
    tsp_verify_opts o;
    tsp_policies policies;
    uint8_t *roots[TSP_VERIFY_MAX_ROOTS], *extras[TSP_VERIFY_MAX_ROOTS], measurement[X509_MEASUREMENT_BYTES];
} verify_args;

static int opt_ca(void *d, const char *v)
{
    verify_args *a = d;
    return load_certs(v, 1, &a->o, a->roots) == 0 ? 0 : CC_OPT_REPORTED;
}

static int opt_cert(void *d, const char *v)
{
    verify_args *a = d;
    return load_certs(v, 0, &a->o, a->extras) == 0 ? 0 : CC_OPT_REPORTED;
}

static int opt_at(void *d, const char *v)
{
    verify_args *a = d;
    return cli_parse_time(v, &a->o.at) != 0 || a->o.at == 0 ? -1 : 0;
}

static int opt_require(void *d, const char *v)
{
    verify_args *a = d;
    a->o.require = !strcmp(v, "classic") ? TSP_REQUIRE_CLASSIC
                   : !strcmp(v, "pq")    ? TSP_REQUIRE_PQ
                   : !strcmp(v, "both")  ? TSP_REQUIRE_BOTH
                                         : (tsp_require)-1;
    return (int)a->o.require < 0 ? -1 : 0;
}

static int opt_measurement(void *d, const char *v)
{
    verify_args *a = d;
    if (cc_hex_decode_exact(v, a->measurement, sizeof a->measurement) != 0) return -1;
    a->o.measurement = a->measurement, a->o.measurement_len = sizeof a->measurement;
    return 0;
}

static int opt_policy(void *d, const char *v)
{
    verify_args *a = d;
    if (tsp_policies_set_arg(&a->policies, v) < 0) return -1;
    a->o.policies = &a->policies;
    return 0;
}

int cli_verify(int argc, char **argv)
{
    verify_args *a = calloc(1, sizeof *a);
    uint8_t *token = NULL;
    const char *token_path = NULL;
    size_t token_len = 0;
    int rc = 2, npos = 0;
    if (cli_wants_help(argc, argv)) return free(a), fputs(usage_text, stdout), 0;
    if (!a) return cli_error("verify: out of memory"), 2;
    tsp_verify_opts *op = &a->o;
    tsp_policies_default(&a->policies);
    const cc_opt opts[] = {
        CC_STR_OPT("--data", &op->data_path),
        CC_FN_OPT("--ca", a, opt_ca, "a readable PEM bundle or DER certificate"),
        CC_FN_OPT("--cert", a, opt_cert, "a readable PEM bundle or DER certificate"),
        CC_FN_OPT("--at", a, opt_at, "an RFC 3339 time (2026-12-04T08:00:00Z) or seconds since 1970"),
        CC_LONG_OPT("--max-skew", &op->max_skew, 1, 86400L * 366, "1..31622400 seconds"),
        CC_FLAG_OPT("--no-strict", &op->no_strict),
        CC_CLEAR_OPT("--strict", &op->no_strict), /* the last one given wins */
        CC_FLAG_OPT("--allow-tcb-flags", &op->allow_tcb_flags),
        CC_FN_OPT("--require", a, opt_require, "pq, classic or both"),
        CC_FN_OPT("--measurement", a, opt_measurement, "96 hex digits (48 bytes)"),
        CC_FN_OPT("--policy", a, opt_policy, "PROFILE=OID (classic, pq, hybrid or compat; dotted OID)"),
    };
    if (cli_opts("verify", argc, argv, opts, CC_NOPTS(opts), &token_path, 1, &npos) != 0) goto out;
    if (op->allow_tcb_flags && !op->measurement) {
        cli_error("verify: --allow-tcb-flags only makes sense with --measurement");
        goto out;
    }
    if (!token_path || !op->data_path || op->nroots == 0) {
        fputs(usage_text, stderr);
        goto out;
    }
    rc = 1;
    if (cc_file_read(token_path, TSP_MAX_INPUT, &token, &token_len) != 0) {
        cli_error("verify: cannot read %s (missing, unreadable or larger than 1 MiB)", token_path);
        goto out;
    }
    tsp_verify_report rep;
    int bad = tsp_verify(token, token_len, op, &rep);
    printf("token: %s\ndata: %s\nmode: %s\n", token_path, op->data_path,
           op->no_strict ? "not strict (--no-strict)"
                         : "strict (low-S ECDSA, DER SET order, defined unsigned attributes only)");
    for (int i = 0; i < rep.nlines; i++) printf("%s\n", rep.lines[i]);
    if (bad) {
        printf("verification FAILED: %s\n", rep.error);
    } else {
        printf("profile: %s; valid signatures: %d ECDSA P-384, %d ML-DSA-65 (%d with post-quantum assurance); "
               "required: %s\n",
               rep.profile >= 0 ? tsp_profile_name((tsp_profile)rep.profile) : "foreign policy", rep.ecdsa_ok,
               rep.mldsa_ok, rep.mldsa_pq_ok,
               op->require == TSP_REQUIRE_CLASSIC ? "classic"
               : op->require == TSP_REQUIRE_PQ    ? "pq"
               : op->require == TSP_REQUIRE_BOTH  ? "both"
                                                  : "any");
        if (rep.mldsa_ok > rep.mldsa_pq_ok)
            printf("warning: %d valid ML-DSA-65 signature(s) give NO post-quantum assurance: a classical (ECDSA) link "
                   "in the certificate chain (see above)\n",
                   rep.mldsa_ok - rep.mldsa_pq_ok);
        printf("verification OK\n");
        rc = 0;
    }
out:
    for (int i = 0; i < TSP_VERIFY_MAX_ROOTS; i++) free(a->roots[i]), free(a->extras[i]);
    free(a);
    free(token);
    return rc;
}

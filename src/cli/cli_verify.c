/* cli_verify.c: `cctsa verify`: full verification of a time-stamp token against the data and one
 * or more trust anchors; prints every check and what it was checked against. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "tsp/tsp_io.h"
#include "tsp/tsp_parse.h"
#include "tsp/tsp_profile.h"
#include "tsp/tsp_verify.h"
#include "x509/cert.h"
#include "x509/name.h"
#include "x509/pem.h"

static const char usage_text[] =
    "usage: cctsa verify TOKEN --data FILE --ca ROOT.pem [--ca ROOT2.pem ...] [--require pq|classic|both]\n"
    "                    [--measurement HEX96] [--cert TSA.pem ...] [--policy PROFILE=OID ...]\n"
    "\n"
    "Verify a time-stamp token (a TimeStampResp or a bare CMS token, DER) for FILE: message imprint,\n"
    "every signature (ECDSA P-384, ML-DSA-65, the compat profile's ML-DSA-65 countersignature), signed\n"
    "attributes (contentType, messageDigest, ESSCertIDv2), TSA certificate EKU and chain to one of the\n"
    "given roots at genTime, the profile's signer set against its policy, the tsa name, and with\n"
    "--measurement the 48-byte\n"
    "TcbInfo launch measurement of every signer certificate. --require demands a classical, a\n"
    "post-quantum or both kinds of valid signature. An ML-DSA-65 signature gives post-quantum\n"
    "assurance (counts for pq and both) only if every certificate signature on its chain, and the\n"
    "trust anchor's key, is ML-DSA-65; one whose chain has an ECDSA link is valid but does not count.\n"
    "--cert supplies TSA or intermediate certificates for tokens requested without certReq.\n"
    "--policy names the TSA's policy OID of a profile (as configured on the gateway; default: the\n"
    "development OIDs " TSP_DEV_ARC ".1 to .4), so that the signer set is checked against it.\n"
    "Exit status: 0 valid, 1 invalid, 2 usage error.\n";

/* Load a --ca (anchor) or --cert (extra) certificate into the options. */
static int load_cert(const char *path, int anchor, tsp_verify_opts *o, uint8_t **slot)
{
    size_t len = 0;
    x509_cert c;
    char name[256];
    int *count = anchor ? &o->nroots : &o->nextra;
    if (*count == TSP_VERIFY_MAX_ROOTS) return cli_error("verify: at most %d of --ca and of --cert", TSP_VERIFY_MAX_ROOTS), -1;
    if (x509_read_pem_or_der(path, "CERTIFICATE", slot, &len) != 0 || x509_cert_parse(&c, *slot, len) != 0)
        return cli_error("verify: %s is not a certificate (PEM or DER)", path), -1;
    if (x509_name_to_string(c.subject.p, c.subject.len, name, sizeof name) != 0) snprintf(name, sizeof name, "?");
    printf("%s: %s (%s)\n", anchor ? "trust anchor" : "extra certificate", name, path);
    if (anchor) o->roots[*count] = *slot, o->root_lens[*count] = len;
    else o->extra_certs[*count] = *slot, o->extra_lens[*count] = len;
    (*count)++;
    return 0;
}

int cli_verify(int argc, char **argv)
{
    tsp_verify_opts o = {0};
    tsp_policies policies;
    tsp_policies_default(&policies);
    uint8_t *roots[TSP_VERIFY_MAX_ROOTS] = {0}, *extras[TSP_VERIFY_MAX_ROOTS] = {0}, measurement[X509_MEASUREMENT_BYTES], *token = NULL;
    const char *token_path = NULL;
    size_t token_len = 0;
    int rc = 2;
    if (cli_wants_help(argc, argv)) return fputs(usage_text, stdout), 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--data") && v) {
            o.data_path = v, i++;
        } else if (!strcmp(a, "--ca") && v) {
            if (load_cert(v, 1, &o, &roots[o.nroots < TSP_VERIFY_MAX_ROOTS ? o.nroots : 0]) != 0) goto out;
            i++;
        } else if (!strcmp(a, "--cert") && v) {
            if (load_cert(v, 0, &o, &extras[o.nextra < TSP_VERIFY_MAX_ROOTS ? o.nextra : 0]) != 0) goto out;
            i++;
        } else if (!strcmp(a, "--require") && v) {
            o.require = !strcmp(v, "classic") ? TSP_REQUIRE_CLASSIC : !strcmp(v, "pq") ? TSP_REQUIRE_PQ
                      : !strcmp(v, "both") ? TSP_REQUIRE_BOTH : (tsp_require)-1;
            if ((int)o.require < 0) {
                cli_error("verify: --require takes pq, classic or both");
                goto out;
            }
            i++;
        } else if (!strcmp(a, "--measurement") && v) {
            if (tsp_hex_decode(v, measurement, sizeof measurement) != 0) {
                cli_error("verify: --measurement takes 96 hex digits (48 bytes)");
                goto out;
            }
            o.measurement = measurement, o.measurement_len = sizeof measurement, i++;
        } else if (!strcmp(a, "--policy") && v) {
            if (tsp_policies_set_arg(&policies, v) < 0) {
                cli_error("verify: --policy takes PROFILE=OID (classic, pq, hybrid or compat; dotted OID)");
                goto out;
            }
            o.policies = &policies, i++;
        } else if (a[0] != '-' && !token_path) {
            token_path = a;
        } else {
            cli_error("verify: unexpected or incomplete argument '%s'", a);
            goto out;
        }
    }
    if (!token_path || !o.data_path || o.nroots == 0) {
        fputs(usage_text, stderr);
        goto out;
    }
    rc = 1;
    if (tsp_read_file(token_path, TSP_MAX_INPUT, &token, &token_len) != 0) {
        cli_error("verify: cannot read %s (missing, unreadable or larger than 1 MiB)", token_path);
        goto out;
    }
    tsp_verify_report rep;
    int bad = tsp_verify(token, token_len, &o, &rep);
    printf("token: %s\ndata: %s\n", token_path, o.data_path);
    for (int i = 0; i < rep.nlines; i++) printf("%s\n", rep.lines[i]);
    if (bad) {
        printf("verification FAILED: %s\n", rep.error);
    } else {
        printf("profile: %s; valid signatures: %d ECDSA P-384, %d ML-DSA-65 (%d with post-quantum assurance); "
               "required: %s\n",
               rep.profile >= 0 ? tsp_profile_name((tsp_profile)rep.profile) : "foreign policy", rep.ecdsa_ok, rep.mldsa_ok,
               rep.mldsa_pq_ok, o.require == TSP_REQUIRE_CLASSIC ? "classic" : o.require == TSP_REQUIRE_PQ ? "pq"
               : o.require == TSP_REQUIRE_BOTH ? "both" : "any");
        if (rep.mldsa_ok > rep.mldsa_pq_ok)
            printf("warning: %d valid ML-DSA-65 signature(s) give NO post-quantum assurance: a classical (ECDSA) link "
                   "in the certificate chain (see above)\n", rep.mldsa_ok - rep.mldsa_pq_ok);
        printf("verification OK\n");
        rc = 0;
    }
out:
    for (int i = 0; i < TSP_VERIFY_MAX_ROOTS; i++) free(roots[i]), free(extras[i]);
    free(token);
    return rc;
}

/* cli_binding.c: `cctsa verify-binding`: offline verification of a binding record (every report
 * and chain, REPORT_DATA, chip ids, both TSA certificates and their TcbInfo, both group
 * signatures); prints one line per check and a verdict. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "attest/binding.h"
#include "cli/cli_attest.h"
#include "cli/commands.h"
#include "x509/pem.h"

#define MAX_CA 8

static const char usage_text[] =
    "usage: cctsa verify-binding FILE --ca CA.pem [--ca CA2.pem ...] [--config FILE]\n"
    "\n"
    "Verify a binding record (DER, docs/binding-record.md) offline: each node's attestation report\n"
    "and endorsement chain at the record's time with the record's measurement, its REPORT_DATA\n"
    "binding to the DKG transcript hash, distinct chip ids, both TSA certificates (TSA profile, chain\n"
    "to a --ca, TcbInfo measurement equal to the record's) and the ECDSA P-384 and ML-DSA-65 group\n"
    "signatures. The root of trust for the reports and the policy (attest.provider, attest.max_vmpl,\n"
    "attest.min_tcb) come from the measured configuration file given with --config; without it only\n"
    "AMD roots are trusted. Exit status: 0 valid, 1 invalid, 2 usage error.\n";

int cli_verify_binding(int argc, char **argv)
{
    const char *path = NULL, *config = NULL;
    uint8_t *ca[MAX_CA] = {0}, *rec = NULL;
    size_t ca_len[MAX_CA] = {0}, rec_len = 0;
    int nca = 0, rc = 2;
    if (cli_wants_help(argc, argv)) return fputs(usage_text, stdout), 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--ca") && v) {
            if (nca == MAX_CA || x509_read_pem_or_der(v, "CERTIFICATE", &ca[nca], &ca_len[nca]) != 0) {
                cli_error("verify-binding: %s is not a certificate (PEM or DER), or more than %d --ca", v, MAX_CA);
                goto out;
            }
            nca++, i++;
        } else if (!strcmp(a, "--config") && v) {
            config = v, i++;
        } else if (a[0] != '-' && !path) {
            path = a;
        } else {
            cli_error("verify-binding: unexpected or incomplete argument '%s'", a);
            goto out;
        }
    }
    attest_policy p;
    if (!path || nca == 0) {
        fputs(usage_text, stderr);
        goto out;
    }
    if (cli_attest_policy(config, &p) != 0) goto out;
    rc = 1;
    if (cc_file_read(path, BINDING_MAX_BYTES, &rec, &rec_len) != 0) {
        cli_error("verify-binding: cannot read %s (missing, unreadable or larger than 1 MiB)", path);
        goto out;
    }
    binding_verdict verdict;
    int bad = binding_verify(rec, rec_len, &p, (const uint8_t *const *)ca, ca_len, nca, &verdict);
    printf("binding record: %s\n", path);
    for (int i = 0; i < verdict.nlines; i++) printf("%s\n", verdict.lines[i]);
    printf("verdict: %s\n", bad ? "INVALID" : "valid");
    rc = bad ? 1 : 0;
out:
    for (int i = 0; i < MAX_CA; i++) free(ca[i]);
    free(rec);
    return rc;
}

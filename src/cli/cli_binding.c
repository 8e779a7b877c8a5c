/* cli_binding.c: `cctsa verify-binding`: offline verification of a binding record (every report
 * and chain, REPORT_DATA, chip ids, both TSA certificates and their TcbInfo, both group
 * signatures); prints one line per check and a verdict. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attest/binding.h"
#include "base/base.h"
#include "cli/cli_attest.h"
#include "cli/commands.h"
#include "x509/pem.h"

#define MAX_CA 8
#define MAX_CA_TEXT "8"

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

typedef struct {
    uint8_t **ca;
    size_t *len;
    int *n;
} ca_list;

static int opt_ca(void *d, const char *v)
{
    ca_list *l = d;
    if (*l->n == MAX_CA || x509_read_pem_or_der(v, "CERTIFICATE", &l->ca[*l->n], &l->len[*l->n]) != 0) return -1;
    (*l->n)++;
    return 0;
}

int cli_verify_binding(int argc, char **argv)
{
    const char *path = NULL, *config = NULL;
    uint8_t *ca[MAX_CA] = {0}, *rec = NULL;
    size_t ca_len[MAX_CA] = {0}, rec_len = 0;
    int nca = 0, rc = 2;
    if (cli_wants_help(argc, argv)) return fputs(usage_text, stdout), 0;
    ca_list cl = {ca, ca_len, &nca};
    const cc_opt opts[] = {
        CC_FN_OPT("--ca", &cl, opt_ca, "a certificate (PEM or DER); at most " MAX_CA_TEXT " of them"),
        CC_STR_OPT("--config", &config)};
    if (cli_opts("verify-binding", argc, argv, opts, CC_NOPTS(opts), &path, 1, NULL) != 0) goto out;
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

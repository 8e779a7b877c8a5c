/* cli_attest.c: `cctsa attest report` (get a SEV-SNP or sim attestation report for a nonce) and
 * `cctsa attest verify` (verify a report against its endorsement chain and print the claims and
 * every failed check). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "cli/cli_attest.h"
#include "cli/commands.h"

static const char usage_text[] =
    "usage: cctsa attest report --nonce HEX [--provider sev-snp|sim] [--out FILE] [--certs-out FILE]\n"
    "                           [--exe FILE --config FILE] [--chip-label TEXT]\n"
    "       cctsa attest verify --report FILE --certs FILE|DIR [--certs ...] [--measurement HEX96]\n"
    "                           [--binding HEX] [--at TIME] [--config FILE] [--json]\n"
    "\n"
    "report: ask for an attestation report whose 64-byte REPORT_DATA is the nonce (at most 128 hex\n"
    "digits, zero-padded on the right). sev-snp (the default) uses configfs-tsm or /dev/sev-guest,\n"
    "whichever this machine has; elsewhere it says \"sev-snp: not available on this machine\". sim signs\n"
    "a report with the simulated secure processor; its measurement is SHA-384 over --exe (the node\n"
    "executable) and --config (its measured configuration file); its chip id is SHA-512 over this\n"
    "machine's /etc/machine-id and --chip-label, so simulated nodes on one machine differ by label.\n"
    "The report goes to --out (default report.bin), endorsement certificates (DER) to --certs-out\n"
    "(default certs.der) when there are any.\n"
    "\n"
    "verify: check the report (raw 1184 bytes or an Azure HCL blob) against the certificates in the\n"
    "--certs files or directories (*.pem, *.der, *.crt, *.cer: VCEK or VLEK, ASK or ASVK, and the ARK,\n"
    "which must be a pinned AMD root), at TIME (RFC 3339, e.g. 2025-06-01T00:00:00Z; default now).\n"
    "The root of trust and the policy (attest.provider, attest.max_vmpl, attest.min_tcb,\n"
    "attest.measurement) come from the measured configuration file given with --config; without it\n"
    "the verifier trusts only AMD roots, VMPL 0 and any TCB. --measurement and --binding add exact\n"
    "MEASUREMENT and REPORT_DATA checks. Prints the claims and every failed check by name.\n"
    "Exit status: 0 accepted (report written), 1 rejected or failed, 2 usage error.\n";

/* Parse up to 64 bytes of hex, zero-padded to 64. */
static int parse_nonce(const char *hex, uint8_t out[ATTEST_BINDING_BYTES])
{
    size_t n = strlen(hex);
    memset(out, 0, ATTEST_BINDING_BYTES);
    if (n == 0 || n % 2 || n > 2 * ATTEST_BINDING_BYTES) return -1;
    return cc_hex_decode_exact(hex, out, n / 2);
}

static int attest_report(int argc, char **argv)
{
    const char *nonce = NULL, *provider = "sev-snp", *out = "report.bin", *certs_out = "certs.der", *exe = NULL,
               *config = NULL, *label = "";
    const cc_opt opts[] = {CC_STR_OPT("--nonce", &nonce),     CC_STR_OPT("--provider", &provider),
                           CC_STR_OPT("--out", &out),         CC_STR_OPT("--certs-out", &certs_out),
                           CC_STR_OPT("--exe", &exe),         CC_STR_OPT("--config", &config),
                           CC_STR_OPT("--chip-label", &label)};
    if (cli_opts("attest report", argc - 1, argv + 1, opts, CC_NOPTS(opts), NULL, 0, NULL) != 0) return 2;
    uint8_t binding[ATTEST_BINDING_BYTES];
    if (!nonce || parse_nonce(nonce, binding) != 0)
        return cli_error("attest report: --nonce takes 2 to 128 hex digits"), fputs(usage_text, stderr), 2;
    attest_evidence ev;
    attest_err rc;
    char why[192] = "";
    if (!strcmp(provider, "sev-snp")) {
        if (exe || config) return cli_error("attest report: --exe and --config are for --provider sim"), 2;
        rc = attest_snp_evidence(binding, &ev, why, sizeof why);
    } else if (!strcmp(provider, "sim")) {
        uint8_t m[ATTEST_MEASUREMENT_BYTES], chip[ATTEST_CHIP_ID_BYTES];
        if (!exe || !config) return cli_error("attest report: --provider sim needs --exe FILE and --config FILE"), 2;
        if (attest_sim_measure(exe, config, m) != 0)
            return cli_error("attest report: cannot read %s or %s", exe, config), 1;
        if (attest_sim_chip_id(label, chip) != 0) return cli_error("attest report: cannot derive the sim chip id"), 1;
        rc = attest_sim_evidence(m, binding, chip, &ev);
        if (rc) snprintf(why, sizeof why, "sim: cannot sign the report");
    } else {
        return cli_error("attest report: --provider takes sev-snp or sim"), 2;
    }
    if (rc != ATTEST_OK) return fprintf(stderr, "%s\n", why), 1;
    int bad = cc_file_write(out, ev.report, sizeof ev.report, 0) != 0 ||
              (ev.endorsements_len && cc_file_write(certs_out, ev.endorsements, ev.endorsements_len, 0) != 0);
    if (bad)
        cli_error("attest report: cannot write %s or %s", out, certs_out);
    else
        printf("report (%s, %d bytes): %s\n%s", provider, ATTEST_REPORT_BYTES, out,
               ev.endorsements_len ? "" : "no endorsement certificates from the platform\n");
    if (!bad && ev.endorsements_len) printf("endorsements (DER): %s\n", certs_out);
    attest_evidence_free(&ev);
    return bad;
}

/* What the options of `attest verify` fill. */
typedef struct {
    uint8_t **certs, *m, *binding;
    size_t *certs_len;
    int *has_m, *has_binding;
    time_t *at;
} verify_args;

static int opt_certs(void *d, const char *v)
{
    verify_args *a = d;
    return cli_add_endorsements(v, a->certs, a->certs_len);
}

static int opt_measurement(void *d, const char *v)
{
    verify_args *a = d;
    *a->has_m = cc_hex_decode_exact(v, a->m, ATTEST_MEASUREMENT_BYTES) == 0;
    return *a->has_m ? 0 : -1;
}

static int opt_binding(void *d, const char *v)
{
    verify_args *a = d;
    *a->has_binding = parse_nonce(v, a->binding) == 0;
    return *a->has_binding ? 0 : -1;
}

static int opt_at(void *d, const char *v)
{
    verify_args *a = d;
    return cli_parse_rfc3339(v, a->at);
}

static int attest_verify_cmd(int argc, char **argv)
{
    const char *report_path = NULL, *config = NULL;
    uint8_t *blob = NULL, *certs = NULL, binding[ATTEST_BINDING_BYTES], m[ATTEST_MEASUREMENT_BYTES];
    size_t blob_len = 0, certs_len = 0, off = 0;
    int json = 0, has_binding = 0, has_m = 0, rc = 2;
    time_t at = 0;
    verify_args va = {.certs = &certs,
                      .certs_len = &certs_len,
                      .m = m,
                      .has_m = &has_m,
                      .binding = binding,
                      .has_binding = &has_binding,
                      .at = &at};
    const cc_opt opts[] = {
        CC_FLAG_OPT("--json", &json),
        CC_STR_OPT("--report", &report_path),
        CC_FN_OPT("--certs", &va, opt_certs, "a readable certificate file (PEM or DER)"),
        CC_STR_OPT("--config", &config),
        CC_FN_OPT("--measurement", &va, opt_measurement, "96 hex digits (48 bytes)"),
        CC_FN_OPT("--binding", &va, opt_binding, "2 to 128 hex digits"),
        CC_FN_OPT("--at", &va, opt_at, "an RFC 3339 time such as 2025-06-01T00:00:00Z"),
    };
    if (cli_opts("attest verify", argc - 1, argv + 1, opts, CC_NOPTS(opts), NULL, 0, NULL) != 0) goto out;
    if (!report_path || !certs) {
        fputs(usage_text, stderr);
        goto out;
    }
    attest_policy p;
    if (cli_attest_policy(config, &p) != 0) goto out;
    if (has_m) p.check_measurement = 1, memcpy(p.measurement, m, sizeof m);
    rc = 1;
    if (cc_file_read(report_path, 1u << 20, &blob, &blob_len) != 0) {
        cli_error("attest verify: cannot read %s", report_path);
        goto out;
    }
    if (attest_report_locate(blob, blob_len, &off) == 0) blob_len = ATTEST_REPORT_BYTES; /* else: a size error */
    attest_claims c;
    attest_result res;
    attest_verify(blob + off, blob_len, certs, certs_len, &p, has_binding ? binding : NULL, at, &c, &res);
    cli_print_attest(stdout, &c, &res, json);
    rc = res.failed ? 1 : 0;
out:
    free(blob);
    free(certs);
    return rc;
}

int cli_attest(int argc, char **argv)
{
    if (argc < 2 || cli_wants_help(argc, argv)) return fputs(usage_text, argc < 2 ? stderr : stdout), argc < 2 ? 2 : 0;
    if (!strcmp(argv[1], "report")) return attest_report(argc, argv);
    if (!strcmp(argv[1], "verify")) return attest_verify_cmd(argc, argv);
    cli_error("attest: unknown subcommand '%s' (report or verify)", argv[1]);
    return 2;
}

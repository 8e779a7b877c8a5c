/* main.c: entry point of `cctsa`, the command-line tool; dispatches to the subcommands. */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"

static const struct {
    const char *name;
    cli_command_fn fn;
    const char *summary;
} commands[] = {
    {"version", cli_version, "print the version and build information"},
    {"mldsa", cli_mldsa, "ML-DSA-65 keygen | sign | verify (FIPS 204)"},
    {"ca", cli_ca, "development CA: init | sign | req | verify (local use only)"},
    {"stamp", cli_stamp, "get an RFC 3161 time-stamp token for a file from a TSA over HTTP"},
    {"verify", cli_verify, "verify a time-stamp token (signatures, chain, imprint, profile)"},
    {"inspect", cli_inspect, "print the contents of a time-stamp token or response"},
    {"attest", cli_attest, "attestation report | verify (SEV-SNP or the sim provider)"},
    {"verify-binding", cli_verify_binding, "verify a binding record offline (reports, chains, keys)"},
    {"time", cli_time, "trusted time: query NTS servers through the time engine | clock source"},
    {"up", cli_up, "start a local five-node threshold cluster and its gateway (development)"},
    {"audit", cli_audit, "audit verify: check the nodes' hash-chained audit logs and signed heads"},
    {"operator", cli_operator, "operator keygen | sign | send: signed commands to the cluster"},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: cctsa <command> [options]   (cctsa <command> --help for details)\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name)) return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "cctsa: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}

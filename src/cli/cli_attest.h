/* cli_attest.h: helpers shared by the attestation subcommands (`cctsa attest`, `cctsa
 * verify-binding`): RFC 3339 times, endorsement certificates from files or directories, the
 * measured configuration's verification policy, and printing claims and failed checks. */
#ifndef CCTSA_CLI_ATTEST_H
#define CCTSA_CLI_ATTEST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "attest/attest.h"

/* "2025-06-01T00:00:00Z", optional fraction, 'Z' or a +hh:mm/-hh:mm offset ('t'/'z' accepted). 0 or -1. */
int cli_parse_rfc3339(const char *s, time_t *out);
/* Append the certificates of a file (PEM bundle, DER, GHCB table) or of every *.pem, *.der, *.crt,
 * *.cer file in a directory to *buf as concatenated DER. 0, or -1 after printing why. */
int cli_add_endorsements(const char *path, uint8_t **buf, size_t *len);
/* The policy from --config FILE (the measured configuration), or the default sev-snp policy. */
int cli_attest_policy(const char *config_path, attest_policy *p);
/* Print claims and the verdict, as text or one JSON object. */
void cli_print_attest(FILE *out, const attest_claims *c, const attest_result *res, int json);

#endif

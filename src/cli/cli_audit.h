/* cli_audit.h: shared state of `cctsa audit verify` (cli_audit.c: arguments and each node's chain
 * and signed heads; cli_audit_cross.c: do the nodes' logs agree on what was signed). */
#ifndef CCTSA_CLI_AUDIT_H
#define CCTSA_CLI_AUDIT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    char node[40];
    unsigned long long seq;
    json_t *rec; /* owned reference: a sign, cosign or dkg record */
} audit_entry;

typedef struct {
    audit_entry *e;
    size_t n, cap;
    char nodes[16][40]; /* logs present */
    size_t n_nodes;
    unsigned problems;
} audit_run;

/* Print one problem (counted). */
void audit_problem(audit_run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Cross-check the collected records; returns the number of signings checked. */
size_t audit_cross_check(audit_run *r);

#endif

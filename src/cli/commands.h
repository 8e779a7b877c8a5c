/* commands.h: the `cctsa` command-line tool's subcommands. Each subcommand lives in its own
 * cli_<name>.c and has the signature below (argv[0] is the subcommand name); main.c holds the table. */
#ifndef CCTSA_CLI_COMMANDS_H
#define CCTSA_CLI_COMMANDS_H

#include <time.h>

#include "base/base.h"

typedef int (*cli_command_fn)(int argc, char **argv);

int cli_version(int argc, char **argv);
int cli_mldsa(int argc, char **argv);
int cli_ca(int argc, char **argv);
int cli_stamp(int argc, char **argv);
int cli_verify(int argc, char **argv);
int cli_inspect(int argc, char **argv);
int cli_attest(int argc, char **argv);
int cli_verify_binding(int argc, char **argv);
int cli_time(int argc, char **argv);
int cli_up(int argc, char **argv);
int cli_audit(int argc, char **argv);
int cli_operator(int argc, char **argv);

/* Shared helpers for subcommands (cli_util.c). */
int cli_wants_help(int argc, char **argv); /* any -h/--help among the arguments */
/* cc_opts_parse (base.h) with the error printed as "cctsa: <cmd>: <why>"; 0 or -1. */
int cli_opts(const char *cmd, int argc, char **argv, const cc_opt *opts, size_t nopts, const char **pos, int npos_max,
             int *npos);
/* cli_opts for a subcommand: argv[0] is its name, errors say "cctsa: <group> <name>: <why>". */
int cli_sub_opts(const char *group, int argc, char **argv, const cc_opt *opts, size_t nopts, const char **pos,
                 int npos_max, int *npos);
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2))); /* "cctsa: ..." on stderr */
/* A time given on the command line: RFC 3339 (2026-12-04T08:00:00Z, 2026-12-04T09:00:00.5+01:00;
 * fractions dropped) or seconds since 1970. 0, or -1 if malformed. */
int cli_parse_time(const char *s, time_t *out);

#endif

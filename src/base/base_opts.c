/* base_opts.c: the command-line option table parser (base.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

int cc_opts_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) return 1;
    return 0;
}

/* The option named by arg ("--name" or "--name=value"); *value points after '=' or is NULL. */
static const cc_opt *lookup(const cc_opt *opts, size_t nopts, const char *arg, const char **value)
{
    const char *eq = strchr(arg, '=');
    size_t n = eq ? (size_t)(eq - arg) : strlen(arg);
    *value = eq ? eq + 1 : NULL;
    for (size_t i = 0; i < nopts; i++)
        if (strlen(opts[i].name) == n && !strncmp(opts[i].name, arg, n)) return &opts[i];
    return NULL;
}

static int parse_range(const char *v, long min, long max, long *out)
{
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (!*v || *end || errno || x < min || x > max) return -1;
    *out = x;
    return 0;
}

static int apply(const cc_opt *o, const char *v, char *why, size_t cap)
{
    long x;
    switch (o->kind) {
    case CC_OPT_STR: *(const char **)o->dest = v; return 0;
    case CC_OPT_INT:
    case CC_OPT_LONG:
    case CC_OPT_UINT:
        if (parse_range(v, o->min, o->max, &x) == 0) {
            if (o->kind == CC_OPT_INT)
                *(int *)o->dest = (int)x;
            else if (o->kind == CC_OPT_UINT)
                *(unsigned *)o->dest = (unsigned)x;
            else
                *(long *)o->dest = x;
            return 0;
        }
        if (o->takes)
            snprintf(why, cap, "%s takes %s, got '%s'", o->name, o->takes, v);
        else
            snprintf(why, cap, "%s takes %ld..%ld, got '%s'", o->name, o->min, o->max, v);
        return -1;
    case CC_OPT_FN: {
        int rc = o->fn(o->dest, v);
        if (rc == 0) return 0;
        if (rc == CC_OPT_REPORTED) {
            if (cap) why[0] = 0;
            return -1;
        }
        snprintf(why, cap, "%s takes %s, got '%s'", o->name, o->takes ? o->takes : "a valid value", v);
        return -1;
    }
    default: snprintf(why, cap, "%s takes no value", o->name); return -1;
    }
}

int cc_opts_parse(int argc, char **argv, const cc_opt *opts, size_t nopts, const char **pos, int npos_max, int *npos,
                  char *why, size_t cap)
{
    int n = 0, only_pos = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        if (!only_pos && !strcmp(a, "--")) {
            only_pos = 1;
            continue;
        }
        if (only_pos || a[0] != '-' || !a[1]) {
            if (!pos || n >= npos_max) return snprintf(why, cap, "unexpected argument '%s'", a), -1;
            pos[n++] = a;
            continue;
        }
        const cc_opt *o = lookup(opts, nopts, a, &v);
        if (!o) return snprintf(why, cap, "unknown option '%s'", a), -1;
        if (o->kind == CC_OPT_FLAG || o->kind == CC_OPT_CLEAR) {
            if (v) return snprintf(why, cap, "%s takes no value", o->name), -1;
            *(int *)o->dest = o->kind == CC_OPT_FLAG;
            continue;
        }
        if (!v) {
            if (i + 1 >= argc) return snprintf(why, cap, "%s needs a value", o->name), -1;
            v = argv[++i];
        }
        if (apply(o, v, why, cap) != 0) return -1;
    }
    if (npos) *npos = n;
    return 0;
}

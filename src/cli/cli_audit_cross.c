/* cli_audit_cross.c: do the nodes' audit logs agree on what was signed (see cli_audit.h)? For
 * every serial: the coordinator's "sign" record and every participant's "cosign" record carry the
 * same epoch, genTime, profile, signer set and TSTInfo hash; a serial is signed once; a co-signed
 * serial appears in its coordinator's log when that log is present. For every epoch: the nodes'
 * "dkg" records carry the same transcript hash. */
#include <stdio.h>
#include <string.h>

#include "cli/cli_audit.h"

static const char *str(json_t *rec, const char *key)
{
    const char *s = json_string_value(json_object_get(rec, key));
    return s ? s : "";
}

static int has_node(const audit_run *r, const char *node)
{
    for (size_t i = 0; i < r->n_nodes; i++)
        if (!strcmp(r->nodes[i], node)) return 1;
    return 0;
}

static int is(const audit_entry *e, const char *event) { return !strcmp(str(e->rec, "event"), event); }

static void compare(audit_run *r, const audit_entry *a, const audit_entry *b, const char *what, const char *const *keys)
{
    char id[64];
    json_t *idv = json_object_get(a->rec, !strcmp(what, "serial") ? "serial" : "epoch");
    if (json_is_integer(idv))
        snprintf(id, sizeof id, "%lld", (long long)json_integer_value(idv));
    else
        snprintf(id, sizeof id, "%s", json_string_value(idv) ? json_string_value(idv) : "?");
    for (const char *const *k = keys; *k; k++) {
        json_t *x = json_object_get(a->rec, *k), *y = json_object_get(b->rec, *k);
        if (!json_equal(x, y)) {
            audit_problem(r, "%s %s: %s (record %llu) and %s (record %llu) disagree on %s", what, id, a->node, a->seq,
                          b->node, b->seq, *k);
            return;
        }
    }
}

size_t audit_cross_check(audit_run *r)
{
    static const char *const sign_keys[] = {"epoch", "gentime", "profile", "set", "tstinfo", NULL};
    static const char *const dkg_keys[] = {"transcript", NULL};
    size_t signings = 0;
    for (size_t i = 0; i < r->n; i++) {
        audit_entry *a = &r->e[i];
        int first = 1, found_coord = 0;
        if (is(a, "dkg")) {
            for (size_t j = 0; j < i && first; j++)
                if (is(&r->e[j], "dkg") &&
                    json_equal(json_object_get(a->rec, "epoch"), json_object_get(r->e[j].rec, "epoch")) &&
                    !strcmp(str(r->e[j].rec, "result"), "ok") && !strcmp(str(a->rec, "result"), "ok"))
                    first = 0, compare(r, &r->e[j], a, "epoch", dkg_keys);
            continue;
        }
        const char *serial = str(a->rec, "serial");
        for (size_t j = 0; j < r->n; j++) {
            audit_entry *b = &r->e[j];
            if (j == i || is(b, "dkg") || strcmp(serial, str(b->rec, "serial")) != 0) continue;
            if (j < i && first) first = 0, compare(r, b, a, "serial", sign_keys);
            if (j < i && is(a, "sign") && is(b, "sign"))
                audit_problem(r, "serial %s signed twice: %s (record %llu) and %s (record %llu)", serial, b->node,
                              b->seq, a->node, a->seq);
            if (is(a, "cosign") && is(b, "sign") && !strcmp(b->node, str(a->rec, "coord"))) found_coord = 1;
        }
        if (is(a, "sign")) signings++;
        if (is(a, "cosign") && !found_coord && has_node(r, str(a->rec, "coord")))
            audit_problem(r, "%s (record %llu) co-signed serial %s for %s, whose log has no such signing", a->node,
                          a->seq, serial, str(a->rec, "coord"));
    }
    return signings;
}

/* cluster_audit.c: the engine's audit records and the threshold-signed chain head (see
 * cluster_audit.h). */
#include "node/cluster_audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "node/audit.h"
#include "node/cluster_schemes.h"

static void sha384(const uint8_t *p, size_t n, uint8_t out[48])
{
    const void *parts[] = {p};
    size_t lens[] = {n};
    cl_sha384(parts, lens, 1, out);
}

static void key_name(cluster *c, const uint8_t key[CLUSTER_KEY_BYTES], char *out, size_t outlen)
{
    out[0] = 0;
    if (c->cfg.node_name) c->cfg.node_name(c->cfg.name_arg, key, out, outlen);
    if (!out[0] && outlen > 16) cc_hex_encode(key, 8, out);
}

/* "1,3,4" */
static void set_text(unsigned set, char out[16])
{
    size_t n = 0;
    out[0] = 0;
    for (unsigned p = 1; p <= CL_N; p++)
        if (set & (1u << (p - 1))) n += (size_t)snprintf(out + n, 16 - n, n ? ",%u" : "%u", p);
}

/* RFC 3339 UTC with milliseconds: the same text on every node for the same request fields. */
static void gentime_text(int64_t sec, unsigned ms, char out[32])
{
    struct tm tm;
    time_t t = (time_t)sec;
    gmtime_r(&t, &tm);
    size_t n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + n, 32 - n, ".%03uZ", ms);
}

void cl_audit_dkg(cluster *c, uint32_t epoch, unsigned party, const uint8_t transcript[48], const char *result)
{
    static const uint8_t none[48];
    if (c->cfg.audit) audit_dkg(c->cfg.audit, epoch, party, transcript ? transcript : none, result);
}

int cl_audit_sign(cluster *c, const cl_epoch *ep, const cl_sign_req *r, unsigned set, const uint8_t *tst,
                  size_t tst_len, const uint8_t *token, size_t token_len, const char *discarded)
{
    if (!c->cfg.audit) return 0;
    uint8_t th[48], kh[48] = {0};
    char serial[2 * TSP_SERIAL_BYTES + 1], gt[32], st[16], what[64];
    sha384(tst, tst_len, th);
    if (token) sha384(token, token_len, kh);
    cc_hex_encode(r->serial, TSP_SERIAL_BYTES, serial);
    gentime_text(r->gen_sec, r->gen_ms, gt);
    set_text(set, st);
    int rc = audit_sign(c->cfg.audit, ep->number, serial, gt, tsp_profile_name((tsp_profile)r->profile), st, th, kh);
    snprintf(what, sizeof what, "token %s", serial);
    if (rc == 0 && discarded) rc = audit_refusal(c->cfg.audit, what, discarded);
    return rc;
}

void cl_audit_cosign(cluster *c, cl_epoch *ep, const cl_sign_req *r)
{
    unsigned first = r->profile == TSP_PROFILE_PQ ? CL_SCHEME_ML : CL_SCHEME_EC;
    if (!c->cfg.audit || r->purpose != CL_PURPOSE_TOKEN || r->scheme != first) return;
    uint8_t *tst = NULL, th[48];
    size_t tl = 0;
    char why[160], coord[AUDIT_NODE_MAX + 1], serial[2 * TSP_SERIAL_BYTES + 1], gt[32], st[16];
    if (cl_token_tstinfo(c, ep, r, &tst, &tl, why, sizeof why) != 0) {
        audit_refusal(c->cfg.audit, "cosign record", why);
        return;
    }
    sha384(tst, tl, th);
    free(tst);
    key_name(c, ep->keys[r->coord - 1], coord, sizeof coord);
    cc_hex_encode(r->serial, TSP_SERIAL_BYTES, serial);
    gentime_text(r->gen_sec, r->gen_ms, gt);
    set_text(r->set, st);
    audit_cosign(c->cfg.audit, ep->number, coord, serial, gt, tsp_profile_name((tsp_profile)r->profile), st, th);
}

void cl_audit_refusal(cluster *c, const char *what, const char *why)
{
    if (c->cfg.audit) audit_refusal(c->cfg.audit, what, why);
}

void cl_audit_exclusion(cluster *c, const uint8_t key[CLUSTER_KEY_BYTES], const char *result, uint64_t seconds,
                        unsigned strikes, const char *why)
{
    if (!c->cfg.audit) return;
    char node[64];
    key_name(c, key, node, sizeof node);
    audit_field f[] = {{"node", node, 0},
                       {"result", result, 0},
                       {"seconds", NULL, seconds},
                       {"strikes", NULL, strikes},
                       {"reason", why, 0}};
    (void)audit_append(c->cfg.audit, "exclusion", f, sizeof f / sizeof f[0]);
}

int cl_audit_head_expected(const uint8_t *tbs, size_t len, uint8_t **out, size_t *out_len, char *why, size_t whylen)
{
    size_t lab = sizeof AUDIT_HEAD_LABEL; /* with its NUL */
    const uint8_t *name = tbs + lab, *end = tbs + len;
    const uint8_t *nul = len > lab ? memchr(name, 0, (size_t)(end - name)) : NULL;
    char node[AUDIT_NODE_MAX + 1];
    *out = NULL;
    if (!nul || memcmp(tbs, AUDIT_HEAD_LABEL, lab) != 0 || (size_t)(nul - name) > AUDIT_NODE_MAX ||
        (size_t)(end - nul) != 1 + 8 + AUDIT_HASH_BYTES)
        return snprintf(why, whylen, "not an audit chain head message"), -1;
    memcpy(node, name, (size_t)(nul - name));
    node[nul - name] = 0;
    if (!audit_node_name_ok(node)) return snprintf(why, whylen, "audit chain head: bad node name"), -1;
    uint64_t seq = 0;
    for (int i = 1; i <= 8; i++) seq = seq << 8 | nul[i];
    if (!seq) return snprintf(why, whylen, "audit chain head: record 0"), -1;
    if (!(*out = malloc(AUDIT_HEAD_MSG_MAX))) return snprintf(why, whylen, "out of memory"), -1;
    *out_len = audit_head_message(node, seq, nul + 9, *out);
    return 0;
}

/* ---- the chain head, signed by the group keys ---- */
typedef struct {
    cluster *c;
    cl_epoch *ep;
    unsigned scheme;
} head_signer;

static int head_sign(void *ctx, const uint8_t *tbs, size_t len, uint8_t *sig, size_t *siglen)
{
    head_signer *h = ctx;
    unsigned sets[6], n = cl_candidate_sets(h->c, h->ep, h->scheme == CL_SCHEME_EC, sets);
    cl_sign_req r = {.purpose = CL_PURPOSE_AUDIT_HEAD, .scheme = (uint8_t)h->scheme, .tbs = tbs, .tbs_len = len};
    uint64_t deadline = cl_now_ms() + 30000;
    for (unsigned k = 0; k < n && cl_now_ms() < deadline; k++) {
        cl_err e = {0};
        size_t sl = *siglen;
        if (cl_sign_part(h->c, h->ep, &r, sets[k], deadline, sig, &sl, &e) == 0) return *siglen = sl, 0;
        cl_log_info(h->c, "audit head: signer set 0x%x failed: %s", sets[k], e.reason);
        if (e.culprit) cl_blame(h->c, h->ep, &e);
    }
    return -1;
}

int cluster_audit_head(cluster *c)
{
    if (!c || !c->cfg.audit) return 1;
    pthread_mutex_lock(&c->mu);
    cl_epoch *ep = c->epoch_state == LC_EPOCH_ACTIVE ? cl_epoch_get(c) : NULL;
    pthread_mutex_unlock(&c->mu);
    if (!ep) return 1;
    head_signer hs[2] = {{c, ep, CL_SCHEME_EC}, {c, ep, CL_SCHEME_ML}};
    x509_signer s[2] = {ep->ec_signer, ep->ml_signer};
    const x509_signer *sp[2] = {&s[0], &s[1]};
    for (int i = 0; i < 2; i++) s[i].sign = head_sign, s[i].ctx = &hs[i];
    /* one head signer at a time: the signers are set, used and cleared under this lock */
    static pthread_mutex_t one = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutex_lock(&one);
    audit_set_signers(c->cfg.audit, sp, 2);
    int rc = audit_sign_head(c->cfg.audit);
    audit_set_signers(c->cfg.audit, NULL, 0);
    pthread_mutex_unlock(&one);
    pthread_mutex_lock(&c->mu);
    cl_epoch_release(c, ep);
    pthread_mutex_unlock(&c->mu);
    return rc;
}

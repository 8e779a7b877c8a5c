/* tsp_verify_chain.c: certificate path building for the verifier. Certificates in a token are
 * not authenticated and names are not unique (a re-issued intermediate, a rolled-over root, a
 * decoy), so the search is depth-first over every candidate issuer: roots first, then the token's
 * and the caller's certificates, each one only if its key verifies the certificate below; the
 * first path that x509_chain_verify accepts at genTime wins. Bounded: TSP_CHAIN_MAX_DEPTH
 * certificates per path, TSP_CHAIN_MAX_CHECKS signature checks per search. */
#include <stdio.h>
#include <string.h>

#include "tsp/tsp_verify_signer.h"

#define TSP_CHAIN_MAX_DEPTH 5
#define TSP_CHAIN_MAX_CHECKS 64

typedef struct {
    const tsp_parsed *t;
    const tsp_verify_opts *o;
    x509_cert chain[TSP_CHAIN_MAX_DEPTH];
    int checks_left;
    size_t reason_depth; /* depth of the failure kept in reason: the deepest one is the most telling */
    char reason[160];
} path_search;

static void note(path_search *ps, size_t depth, const char *why)
{
    if (ps->reason[0] && depth <= ps->reason_depth) return;
    snprintf(ps->reason, sizeof ps->reason, "%s", why);
    ps->reason_depth = depth;
}

static int same_der(const x509_cert *a, const x509_cert *b)
{
    return a->der.len == b->der.len && memcmp(a->der.p, b->der.p, a->der.len) == 0;
}

/* Extend chain[0..n-1] by one issuer of chain[n-1] and on to an anchor. 0 with the path length in
 * *len once a path verifies, -1 otherwise. */
static int extend(path_search *ps, size_t n, size_t *len)
{
    const x509_cert *cur = &ps->chain[n - 1];
    for (int roots = 1; roots >= 0; roots--) {
        int count = roots ? ps->o->nroots : ps->t->ncerts + ps->o->nextra;
        for (int i = 0; i < count; i++) {
            x509_cert c;
            int loops = 0;
            if (roots ? x509_cert_parse(&c, ps->o->roots[i], ps->o->root_lens[i]) != 0
                      : tsp_candidate_cert(ps->t, ps->o, i, &c) != 0)
                continue;
            if (c.subject.len != cur->issuer.len || memcmp(c.subject.p, cur->issuer.p, c.subject.len) != 0) continue;
            for (size_t k = 0; k < n; k++) loops |= same_der(&c, &ps->chain[k]);
            if (loops || (!roots && n + 1 >= TSP_CHAIN_MAX_DEPTH)) continue; /* an intermediate needs room above it */
            if (ps->checks_left-- <= 0) return -1; /* out of budget: tsp_verify_chain says so */
            if (x509_cert_verify_signed_by(cur, &c) != 0) {
                note(ps, n, x509_error_reason());
                continue;
            }
            ps->chain[n] = c;
            if (!roots) {
                if (extend(ps, n + 1, len) == 0) return 0;
                if (ps->checks_left <= 0) return -1;
            } else if (x509_chain_verify(ps->chain, n + 1, ps->t->tstinfo.gen_sec) == 0) {
                *len = n + 1;
                return 0;
            } else {
                note(ps, n + 1, x509_error_reason());
            }
        }
    }
    return -1;
}

static const char *alg_label(int alg)
{
    return alg == X509_ALG_MLDSA65      ? "ML-DSA-65"
           : alg == X509_ALG_ECDSA_P384 ? "ECDSA P-384"
                                        : "an unsupported algorithm";
}

/* Post-quantum assurance of a verified chain leaf .. anchor: the leaf's key, every certificate
 * signature below the anchor and the anchor's key are ML-DSA-65. The anchor is trusted by
 * configuration, so its self-signature adds nothing, but its key must be ML-DSA-65: whoever
 * forges one classical (ECDSA) link can certify a key of their own below it. 1, or 0 with the
 * first classical link described in why. */
static int chain_is_pq(const x509_cert *chain, size_t n, char *why, size_t cap)
{
    char a[128], b[128];
    why[0] = 0;
    if (chain[0].key_alg != X509_ALG_MLDSA65) {
        snprintf(why, cap, "the signer key is %s", alg_label(chain[0].key_alg));
        return 0;
    }
    for (size_t i = 0; i + 1 < n; i++) {
        if (chain[i].sig_alg == X509_ALG_MLDSA65 && chain[i + 1].key_alg == X509_ALG_MLDSA65) continue;
        tsp_subject_cn(chain[i].subject.p, chain[i].subject.len, a, sizeof a);
        tsp_subject_cn(chain[i + 1].subject.p, chain[i + 1].subject.len, b, sizeof b);
        snprintf(why, cap, "\"%.60s\" is signed by \"%.60s\" with %s", a, b,
                 alg_label(chain[i].sig_alg != X509_ALG_MLDSA65 ? chain[i].sig_alg : chain[i + 1].key_alg));
        return 0;
    }
    if (chain[n - 1].key_alg != X509_ALG_MLDSA65) {
        tsp_subject_cn(chain[n - 1].subject.p, chain[n - 1].subject.len, a, sizeof a);
        snprintf(why, cap, "the trust anchor \"%.60s\" has a key of type %s", a, alg_label(chain[n - 1].key_alg));
        return 0;
    }
    return 1;
}

int tsp_verify_chain(const tsp_parsed *t, const x509_cert *leaf, const tsp_verify_opts *o, tsp_verify_report *rep,
                     int *pq, char *why, size_t why_cap)
{
    path_search ps;
    size_t len = 0;
    memset(&ps, 0, sizeof ps);
    ps.t = t, ps.o = o, ps.checks_left = TSP_CHAIN_MAX_CHECKS;
    ps.chain[0] = *leaf;
    if (extend(&ps, 1, &len) != 0) {
        if (ps.checks_left <= 0)
            return tsp_report_fail(rep,
                                   "no certificate path found within %d signature checks (too many candidate "
                                   "certificates)",
                                   TSP_CHAIN_MAX_CHECKS);
        if (ps.reason[0]) return tsp_report_fail(rep, "certificate chain invalid: %s", ps.reason);
        return tsp_report_fail(rep, "no certificate path from the TSA certificate to a given root");
    }
    if (len > 2) tsp_report_line(rep, "  certificate path: %zu certificates up to a given root", len);
    *pq = chain_is_pq(ps.chain, len, why, why_cap);
    return 0;
}

/* tsp_verify.c: token-level checks around the per-signer ones in tsp_verify_signer.c. */
#include "tsp/tsp_verify.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "asn1/der.h"
#include "asn1/oids.h"
#include "tsp/tsp_hash.h"
#include "tsp/tsp_parse.h"
#include "tsp/tsp_profile.h"
#include "tsp/tsp_status.h"
#include "tsp/tsp_verify_signer.h"
#include "tsp/tsp_verify_strict.h"

/* Profile shape actually present, from the signers' key algorithms. */
static int shape_of(int nsigners, const int *algs, int has_companion)
{
    if (nsigners == 1 && algs[0] == X509_ALG_ECDSA_P384)
        return has_companion ? TSP_PROFILE_COMPAT : TSP_PROFILE_CLASSIC;
    if (nsigners == 1 && algs[0] == X509_ALG_MLDSA65 && !has_companion) return TSP_PROFILE_PQ;
    if (nsigners == 2 && algs[0] != algs[1] && !has_companion) return TSP_PROFILE_HYBRID;
    return -1;
}

/* digestAlgorithms must list exactly the signers' digests (parameters absent), no duplicates. */
static int check_digest_algs(const tsp_parsed *t, const int *algs, tsp_verify_report *rep)
{
    int seen[2] = {0, 0};
    for (int i = 0; i < t->ndigest_algs; i++) {
        der_reader r, a;
        der_elem oid;
        der_reader_init(&r, t->digest_algs[i].p, t->digest_algs[i].n);
        if (der_enter(&r, DER_SEQUENCE, &a) != DER_OK || der_expect(&a, DER_OID, &oid) != DER_OK ||
            !der_reader_done(&a))
            return tsp_report_fail(rep, "digestAlgorithms entry malformed");
        int k = der_oid_equals(&oid, OID_ARG(OID_SHA384)) ? 0 : der_oid_equals(&oid, OID_ARG(OID_SHA512)) ? 1 : -1;
        if (k < 0 || seen[k]++) return tsp_report_fail(rep, "digestAlgorithms lists an unexpected or repeated digest");
    }
    int used[2] = {0, 0};
    for (int i = 0; i < t->nsigners; i++) used[algs[i] == X509_ALG_ECDSA_P384 ? 0 : 1] = 1;
    for (int k = 0; k < 2; k++) {
        if (used[k] && !seen[k]) return tsp_report_fail(rep, "digestAlgorithms lacks a signer's digest");
        if (seen[k] && !used[k]) return tsp_report_fail(rep, "digestAlgorithms lists a digest no signer uses");
    }
    return 0;
}

static int check_imprint(const tsp_tstinfo *ti, const tsp_verify_opts *o, tsp_verify_report *rep)
{
    uint8_t d[TSP_HASH_MAX_LEN];
    if (ti->hash < 0) return tsp_report_fail(rep, "the token's imprint hash algorithm is not supported");
    tsp_hash_alg h = (tsp_hash_alg)ti->hash;
    if (o->data_path) {
        if (tsp_hash_file(h, o->data_path, d) != 0)
            return tsp_report_fail(rep, "cannot read data file %s", o->data_path);
    } else if (!o->data || tsp_hash(h, o->data, o->data_len, d) != 0) {
        return tsp_report_fail(rep, "no data to check the message imprint against");
    }
    if (ti->hashed_len != tsp_hash_len(h) || memcmp(d, ti->hashed, ti->hashed_len) != 0)
        return tsp_report_fail(rep, "message imprint does not match the data (%s)", tsp_hash_name(h));
    tsp_report_line(rep, "message imprint matches the data (%s)", tsp_hash_name(h));
    return 0;
}

/* --require: classic needs a valid ECDSA signature; pq needs a valid ML-DSA-65 signature whose
 * chain is ML-DSA-65 throughout (mldsa_pq_ok). classical_why describes the classical link of a
 * valid ML-DSA signature that does not count, or is empty. */
static int check_require(const tsp_verify_opts *o, tsp_verify_report *rep, const char *classical_why)
{
    int need_ec = o->require == TSP_REQUIRE_CLASSIC || o->require == TSP_REQUIRE_BOTH;
    int need_pq = o->require == TSP_REQUIRE_PQ || o->require == TSP_REQUIRE_BOTH;
    if (need_ec && !rep->ecdsa_ok) return tsp_report_fail(rep, "a classical (ECDSA) signature is required but absent");
    if (need_pq && !rep->mldsa_pq_ok && rep->mldsa_ok)
        return tsp_report_fail(rep,
                               "post-quantum assurance is required but absent: the ML-DSA-65 signature is valid, "
                               "but its certificate chain has a classical link (%.120s)",
                               classical_why);
    if (need_pq && !rep->mldsa_pq_ok)
        return tsp_report_fail(rep, "a post-quantum (ML-DSA-65) signature is required but absent");
    return 0;
}

/* Count a verified signature of algorithm alg; keep the first classical-chain reason. */
static void count_signature(tsp_verify_report *rep, int alg, int pq, const char *why, char *classical_why, size_t cap)
{
    if (alg == X509_ALG_ECDSA_P384) {
        rep->ecdsa_ok++;
        return;
    }
    rep->mldsa_ok++;
    if (pq)
        rep->mldsa_pq_ok++;
    else if (!classical_why[0])
        snprintf(classical_why, cap, "%s", why);
}

/* genTime may not lie in the future: past the reference time (--at, else the clock) plus the
 * tolerance. The chain is checked at genTime, so a post-dated token would otherwise be judged by
 * certificates that are not valid yet, or stay "valid" after its certificate expired. */
static int check_gentime(const tsp_tstinfo *ti, const tsp_verify_opts *o, tsp_verify_report *rep)
{
    time_t ref = o->at ? o->at : time(NULL);
    long skew = o->max_skew > 0 ? o->max_skew : TSP_VERIFY_DEFAULT_SKEW;
    char g[32], r[32];
    struct tm tm;
    if (!gmtime_r(&ti->gen_sec, &tm) || !strftime(g, sizeof g, "%Y-%m-%dT%H:%M:%SZ", &tm)) snprintf(g, sizeof g, "?");
    if (!gmtime_r(&ref, &tm) || !strftime(r, sizeof r, "%Y-%m-%dT%H:%M:%SZ", &tm)) snprintf(r, sizeof r, "?");
    if (ti->gen_sec > ref && ti->gen_sec - ref > skew)
        return tsp_report_fail(rep, "genTime %s is in the future: later than the %s %s plus %ld s", g,
                               o->at ? "reference time" : "verifier's clock", r, skew);
    tsp_report_line(rep, "genTime %s is not later than the %s %s plus %ld s", g,
                    o->at ? "reference time (--at)" : "verifier's clock", r, skew);
    return 0;
}

/* The compat profile's ML-DSA-65 countersignature (RFC 5652 11.4) of si's signature value: no
 * unsigned attributes of its own, then every check of a SignerInfo with messageDigest over the
 * countersigned signature value and no contentType. Fails closed; when post-quantum assurance is
 * required, the failure says that the countersignature is what failed. */
static int verify_countersignature(const tsp_parsed *t, const tsp_signer_info *si, const tsp_verify_opts *o,
                                   tsp_verify_report *rep, char *classical_why, size_t cap)
{
    tsp_signer_info cs;
    const char *why;
    x509_cert cert;
    char chain_why[200];
    int alg, pq;
    if (tsp_parse_signer_info(si->companion.p, si->companion.n, &cs, 0, &why) != 0)
        return tsp_report_fail(rep, "countersignature: %s", why);
    if (cs.unsigned_attrs.p) return tsp_report_fail(rep, "countersignature has unsigned attributes");
    cs.countersigned = si->signature;
    tsp_report_line(rep, "  countersignature (id-countersignature, RFC 5652 11.4) of the ECDSA signature:");
    if (tsp_verify_signer(t, &cs, o, rep, &alg, &cert, &pq, chain_why, sizeof chain_why) != 0) {
        if (o->require == TSP_REQUIRE_PQ || o->require == TSP_REQUIRE_BOTH) {
            char inner[sizeof rep->error];
            memcpy(inner, rep->error, sizeof inner);
            rep->error[0] = 0;
            tsp_report_fail(
                rep, "post-quantum assurance is required but the ML-DSA-65 countersignature is invalid: %.180s", inner);
        }
        return -1;
    }
    if (alg != X509_ALG_MLDSA65) return tsp_report_fail(rep, "countersignature is not ML-DSA-65");
    count_signature(rep, alg, pq, chain_why, classical_why, cap);
    return 0;
}

static int verify_token(const tsp_parsed *t, const tsp_verify_opts *o, tsp_verify_report *rep)
{
    int algs[TSP_MAX_SIGNERS] = {0}, has_companion = 0, pq;
    x509_cert certs[TSP_MAX_SIGNERS];
    char chain_why[200], classical_why[200] = "";
    if (t->sd_version != 3) return tsp_report_fail(rep, "SignedData version must be 3");
    if (t->has_crls) return tsp_report_fail(rep, "CRLs inside the token are not supported");
    if (!(t->econtent_type.n == OID_LEN(OID_CT_TSTINFO) &&
          !memcmp(t->econtent_type.p, OID_CT_TSTINFO, t->econtent_type.n)))
        return tsp_report_fail(rep, "eContentType is not id-ct-TSTInfo");
    if (t->tstinfo.unknown_critical)
        return tsp_report_fail(rep, "TSTInfo carries %d critical extension(s) this verifier does not understand",
                               t->tstinfo.unknown_critical);
    if (!o->no_strict && tsp_strict_check_token(t, rep) != 0) return -1;
    if (check_imprint(&t->tstinfo, o, rep) != 0 || check_gentime(&t->tstinfo, o, rep) != 0) return -1;
    for (int i = 0; i < t->nsigners; i++) {
        const tsp_signer_info *si = &t->signers[i];
        if (tsp_verify_signer(t, si, o, rep, &algs[i], &certs[i], &pq, chain_why, sizeof chain_why) != 0) return -1;
        count_signature(rep, algs[i], pq, chain_why, classical_why, sizeof classical_why);
        if (si->companion.p) {
            if (algs[i] != X509_ALG_ECDSA_P384)
                return tsp_report_fail(rep, "countersignature on a non-ECDSA SignerInfo");
            if (verify_countersignature(t, si, o, rep, classical_why, sizeof classical_why) != 0) return -1;
            has_companion = 1;
        }
    }
    if (check_digest_algs(t, algs, rep) != 0) return -1;
    int shape = shape_of(t->nsigners, algs, has_companion);
    int policy = tsp_policies_find(o->policies, t->tstinfo.policy, t->tstinfo.policy_len);
    rep->profile = policy;
    if (policy >= 0 && shape != policy)
        return tsp_report_fail(rep, "token policy says profile %s but its signatures do not have that shape",
                               tsp_profile_name((tsp_profile)policy));
    if (t->tstinfo.tsa_other) return tsp_report_fail(rep, "tsa name is not a directoryName: cannot be checked");
    if (t->tstinfo.tsa_name) {
        int match = 0;
        for (int i = 0; i < t->nsigners; i++)
            match |= certs[i].subject.len == t->tstinfo.tsa_name_len &&
                     !memcmp(certs[i].subject.p, t->tstinfo.tsa_name, t->tstinfo.tsa_name_len);
        if (!match) return tsp_report_fail(rep, "tsa name does not match a signer certificate subject");
        tsp_report_line(rep, "tsa name matches the signer certificate subject");
    }
    return check_require(o, rep, classical_why);
}

int tsp_verify(const uint8_t *der, size_t len, const tsp_verify_opts *o, tsp_verify_report *rep)
{
    tsp_parsed t;
    char err[200];
    memset(rep, 0, sizeof *rep);
    rep->profile = -1;
    if (tsp_parse(der, len, &t, err, sizeof err) != 0) return tsp_report_fail(rep, "cannot parse token: %s", err);
    if (t.has_resp) {
        if (t.status != TSP_STATUS_GRANTED && t.status != TSP_STATUS_GRANTED_WITH_MODS) {
            int bit = -1;
            for (int i = 0; i < 32 && bit < 0; i++)
                if (t.fail_bits & (1u << i)) bit = i;
            return tsp_report_fail(rep, "the TSA did not grant the request: status %s, failInfo %s%s%s",
                                   tsp_status_name(t.status), bit >= 0 ? tsp_fail_name(bit) : "none",
                                   t.status_text[0] ? ", " : "", t.status_text);
        }
        if (!t.token.p) return tsp_report_fail(rep, "granted response without a token");
    }
    if (o->nroots < 1) return tsp_report_fail(rep, "no trust anchor given");
    return verify_token(&t, o, rep);
}

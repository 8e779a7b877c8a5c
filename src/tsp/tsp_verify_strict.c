/* tsp_verify_strict.c: strict-mode checks (see tsp_verify_strict.h). */
#include "tsp/tsp_verify_strict.h"

#include <stdio.h>
#include <string.h>

#include "asn1/der.h"
#include "asn1/oids.h"
#include "tsp/tsp_profile.h"
#include "tsp/tsp_status.h"
#include "tsp/tsp_verify_signer.h"
#include "x509/signer.h"

int tsp_strict_unsigned_attr_known(const uint8_t *oid, size_t n)
{
    /* compat: the ML-DSA-65 countersignature of the ECDSA signature (RFC 5652 11.4) */
    return n == sizeof OID_ATTR_COUNTERSIGNATURE - 1 && !memcmp(oid, OID_ATTR_COUNTERSIGNATURE, n);
}

/* Consecutive elements a[0..n-1] of one SET OF are in DER order. */
static int spans_sorted(const tsp_span *a, int n)
{
    for (int i = 1; i < n; i++)
        if (der_set_order_cmp(a[i - 1].p, a[i - 1].n, a[i].p, a[i].n) > 0) return 0;
    return 1;
}

/* An [n] IMPLICIT SET OF Attribute TLV: the attributes and each one's values in DER order; with
 * unsigned_only, every attribute type on the allow-list. */
static int check_attrs(const tsp_span *tlv, int unsigned_attrs, tsp_verify_report *rep)
{
    der_reader top, r, attr;
    der_elem set, type, values;
    const char *what = unsigned_attrs ? "unsignedAttrs" : "signedAttrs";
    if (!tlv->p) return 0;
    der_reader_init(&top, tlv->p, tlv->n);
    if (der_read(&top, &set) != DER_OK) return tsp_report_fail(rep, "%s malformed", what);
    if (!der_set_of_sorted(set.val, set.len))
        return tsp_report_fail(rep, "strict: %s are not in DER SET OF order", what);
    der_reader_init(&r, set.val, set.len);
    while (!der_reader_done(&r)) {
        if (der_enter(&r, DER_SEQUENCE, &attr) != DER_OK || der_expect(&attr, DER_OID, &type) != DER_OK ||
            der_expect(&attr, DER_SET, &values) != DER_OK)
            return tsp_report_fail(rep, "%s attribute malformed", what);
        if (!der_set_of_sorted(values.val, values.len))
            return tsp_report_fail(rep, "strict: values of a %s attribute are not in DER SET OF order", what);
        if (unsigned_attrs && !tsp_strict_unsigned_attr_known(type.val, type.len)) {
            char oid[128];
            if (der_oid_to_string(type.val, type.len, oid, sizeof oid) != 0) snprintf(oid, sizeof oid, "?");
            return tsp_report_fail(rep, "strict: unsigned attribute %s is not one a profile defines", oid);
        }
    }
    return 0;
}

static int check_signer(const tsp_signer_info *si, tsp_verify_report *rep)
{
    if (check_attrs(&si->signed_attrs, 0, rep) != 0 || check_attrs(&si->unsigned_attrs, 1, rep) != 0) return -1;
    if (si->companion.p) {
        tsp_signer_info comp;
        const char *why;
        if (tsp_parse_signer_info(si->companion.p, si->companion.n, &comp, 0, &why) != 0)
            return tsp_report_fail(rep, "countersignature: %s", why);
        return check_signer(&comp, rep);
    }
    return 0;
}

int tsp_strict_check_token(const tsp_parsed *t, tsp_verify_report *rep)
{
    tsp_span signers[TSP_MAX_SIGNERS];
    if (t->has_resp && t->fail_bits)
        return tsp_report_fail(rep, "strict: status %s with failInfo bits set (0x%x)", tsp_status_name(t->status),
                               (unsigned)t->fail_bits);
    if (!spans_sorted(t->digest_algs, t->ndigest_algs))
        return tsp_report_fail(rep, "strict: digestAlgorithms are not in DER SET OF order");
    if (!spans_sorted(t->certs, t->ncerts))
        return tsp_report_fail(rep, "strict: certificates are not in DER SET OF order");
    for (int i = 0; i < t->nsigners; i++) signers[i] = t->signers[i].tlv;
    if (!spans_sorted(signers, t->nsigners))
        return tsp_report_fail(rep, "strict: signerInfos are not in DER SET OF order");
    for (int i = 0; i < t->nsigners; i++)
        if (check_signer(&t->signers[i], rep) != 0) return -1;
    return 0;
}

int tsp_strict_check_signature(int key_alg, const tsp_span *signature, tsp_verify_report *rep)
{
    if (key_alg == X509_ALG_ECDSA_P384 && x509_ecdsa_sig_is_low_s(signature->p, signature->n) != 1)
        return tsp_report_fail(rep, "strict: ECDSA signature has a high S (malleable; the low-S form is required)");
    return 0;
}

/* cert_verify.c: certificate signature verification, the RFC 3161 TSA profile check, and the
 * leaf-to-root chain check. */
#include <string.h>

#include "x509/cert.h"
#include "x509/x509_internal.h"

int x509_cert_verify_signed_by(const x509_cert *c, const x509_cert *issuer)
{
    if (c->sig_alg == X509_ALG_NONE) return x509_fail("unsupported signature algorithm");
    if (issuer->key_alg != c->sig_alg) return x509_fail("issuer key algorithm does not match the signature");
    if (x509_verify_raw(c->sig_alg, issuer->pub.p, issuer->pub.len, c->tbs.p, c->tbs.len, c->signature.p,
                        c->signature.len))
        return x509_fail("certificate signature does not verify");
    return 0;
}

int x509_cert_check_tsa(const x509_cert *c)
{
    if (!c->has_eku || !c->eku_critical) return x509_fail("TSA certificate needs a critical extKeyUsage");
    if (c->eku_time_stamping != 1 || c->eku_other) return x509_fail("extKeyUsage must be id-kp-timeStamping only");
    if (c->has_key_usage && !(c->key_usage & (X509_KU_DIGITAL_SIGNATURE | X509_KU_NON_REPUDIATION)))
        return x509_fail("keyUsage does not allow signing");
    if (c->has_basic_constraints && c->is_ca) return x509_fail("TSA certificate must not be a CA");
    return 0;
}

static int same_span(const x509_span *a, const x509_span *b)
{
    return a->len == b->len && memcmp(a->p, b->p, a->len) == 0;
}

static int check_validity(const x509_cert *c, time_t at)
{
    if (at < c->not_before) return x509_fail("certificate not yet valid");
    if (at > c->not_after) return x509_fail("certificate expired");
    return 0;
}

int x509_chain_verify(const x509_cert *certs, size_t n, time_t at)
{
    if (!certs || n == 0) return x509_fail("empty chain");
    for (size_t i = 0; i < n; i++) {
        const x509_cert *c = &certs[i];
        const x509_cert *issuer = i + 1 < n ? &certs[i + 1] : c; /* the anchor signs itself */
        if (c->unknown_critical) return x509_fail("unknown critical extension");
        if (check_validity(c, at)) return -1;
        if (!same_span(&c->issuer, &issuer->subject))
            return x509_fail("issuer name does not match the next certificate");
        if (c->aki.len && issuer->ski.len && !same_span(&c->aki, &issuer->ski))
            return x509_fail("authority key identifier does not match the issuer");
        if (i > 0) {
            /* Everything above the leaf must be a CA allowed to sign certificates. */
            if (!c->has_basic_constraints || !c->is_ca) return x509_fail("issuer is not a CA");
            if (c->has_key_usage && !(c->key_usage & X509_KU_KEY_CERT_SIGN))
                return x509_fail("issuer key usage lacks keyCertSign");
            /* pathLenConstraint counts the CA certificates below this one, the leaf excluded. */
            if (c->path_len >= 0 && (size_t)c->path_len < i - 1) return x509_fail("pathLenConstraint exceeded");
        }
        if (x509_cert_verify_signed_by(c, issuer)) return -1;
    }
    return 0;
}

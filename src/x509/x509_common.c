/* x509_common.c: AlgorithmIdentifier, SubjectPublicKeyInfo, Extension and signed-envelope
 * encoding and parsing shared by certificates and CSRs. */
#include <stdlib.h>
#include <string.h>

#include "asn1/oids.h"
#include "crypto/ct.h"
#include "x509/x509_internal.h"

static _Thread_local const char *last_reason = "no error";

int x509_fail(const char *reason)
{
    last_reason = reason;
    return -1;
}

const char *x509_error_reason(void) { return last_reason; }

void x509_put_sig_alg(der_writer *w, int alg)
{
    der_begin(w, DER_SEQUENCE);
    if (alg == X509_ALG_ECDSA_P384)
        der_put_oid(w, OID_ARG(OID_ECDSA_SHA384)); /* parameters absent (RFC 5758 3.2) */
    else if (alg == X509_ALG_MLDSA65)
        der_put_oid(w, OID_ARG(OID_ML_DSA_65)); /* parameters absent (RFC 9881) */
    else
        w->err = 1;
    der_end(w);
}

void x509_put_spki(der_writer *w, int alg, const uint8_t *pub, size_t publen)
{
    if ((alg == X509_ALG_ECDSA_P384 && (publen != X509_P384_PUBBYTES || pub[0] != 0x04)) ||
        (alg == X509_ALG_MLDSA65 && publen != CC_MLDSA65_PKBYTES)) {
        w->err = 1;
        return;
    }
    der_begin(w, DER_SEQUENCE);
    der_begin(w, DER_SEQUENCE);
    if (alg == X509_ALG_ECDSA_P384) {
        der_put_oid(w, OID_ARG(OID_EC_PUBLIC_KEY));
        der_put_oid(w, OID_ARG(OID_SECP384R1));
    } else if (alg == X509_ALG_MLDSA65) {
        der_put_oid(w, OID_ARG(OID_ML_DSA_65));
    } else {
        w->err = 1;
    }
    der_end(w);
    der_put_bits(w, pub, publen);
    der_end(w);
}

void x509_put_extension(der_writer *w, const uint8_t *oid, size_t oidlen, int critical, const uint8_t *val,
                        size_t vallen)
{
    der_begin(w, DER_SEQUENCE);
    der_put_oid(w, oid, oidlen);
    if (critical) der_put_bool(w, 1);
    der_put_octets(w, val, vallen);
    der_end(w);
}

int x509_sign_envelope(const uint8_t *tbs, size_t tbslen, const x509_signer *s, uint8_t **out, size_t *outlen)
{
    uint8_t *sig = malloc(X509_MAX_SIGBYTES);
    size_t siglen = X509_MAX_SIGBYTES;
    if (!sig) return x509_fail("out of memory");
    if (x509_signer_sign(s, tbs, tbslen, sig, &siglen)) {
        free(sig);
        return x509_fail("signer failed");
    }
    der_writer w;
    der_writer_init(&w);
    der_begin(&w, DER_SEQUENCE);
    der_put_raw(&w, tbs, tbslen);
    x509_put_sig_alg(&w, s->alg);
    der_put_bits(&w, sig, siglen);
    der_end(&w);
    free(sig);
    return der_writer_finish(&w, out, outlen) ? x509_fail("DER encoding failed") : 0;
}

int x509_parse_sig_alg(const der_elem *algid, int *alg)
{
    der_reader r;
    der_elem oid;
    der_reader_init(&r, algid->val, algid->len);
    if (algid->tag != DER_SEQUENCE || der_expect(&r, DER_OID, &oid) != DER_OK)
        return x509_fail("malformed AlgorithmIdentifier");
    *alg = X509_ALG_NONE;
    if (der_oid_equals(&oid, OID_ARG(OID_ECDSA_SHA384)))
        *alg = X509_ALG_ECDSA_P384;
    else if (der_oid_equals(&oid, OID_ARG(OID_ML_DSA_65)))
        *alg = X509_ALG_MLDSA65;
    /* Both of our algorithms require the parameters to be absent. */
    if (*alg != X509_ALG_NONE && !der_reader_done(&r))
        return x509_fail("signature algorithm parameters must be absent");
    return 0;
}

int x509_parse_spki(const der_elem *spki, int *alg, x509_span *pub)
{
    der_reader r, a;
    der_elem oid, param, bits;
    const uint8_t *p;
    size_t n;
    der_reader_init(&r, spki->val, spki->len);
    if (spki->tag != DER_SEQUENCE || der_enter(&r, DER_SEQUENCE, &a) != DER_OK ||
        der_expect(&a, DER_OID, &oid) != DER_OK || der_expect(&r, DER_BIT_STRING, &bits) != DER_OK ||
        !der_reader_done(&r))
        return x509_fail("malformed SubjectPublicKeyInfo");
    if (der_get_bits(&bits, &p, &n) != DER_OK) return x509_fail("malformed subjectPublicKey BIT STRING");
    *alg = X509_ALG_NONE;
    pub->p = p;
    pub->len = n;
    if (der_oid_equals(&oid, OID_ARG(OID_EC_PUBLIC_KEY))) {
        if (der_expect(&a, DER_OID, &param) != DER_OK || !der_reader_done(&a))
            return x509_fail("EC key parameters must be a named curve");
        if (!der_oid_equals(&param, OID_ARG(OID_SECP384R1))) return 0; /* another curve: unsupported */
        if (n != X509_P384_PUBBYTES || p[0] != 0x04) return x509_fail("P-384 key must be an uncompressed point");
        *alg = X509_ALG_ECDSA_P384;
    } else if (der_oid_equals(&oid, OID_ARG(OID_ML_DSA_65))) {
        if (!der_reader_done(&a)) return x509_fail("ML-DSA-65 key parameters must be absent");
        if (n != CC_MLDSA65_PKBYTES) return x509_fail("ML-DSA-65 public key must be 1952 bytes");
        *alg = X509_ALG_MLDSA65;
    }
    return 0;
}

int x509_parse_envelope(const uint8_t *der, size_t len, x509_span *tbs, x509_span *sigalg_tlv, int *sig_alg,
                        x509_span *signature)
{
    der_reader r, outer;
    der_elem t, alg, sig;
    const uint8_t *p;
    size_t n;
    der_reader_init(&r, der, len);
    if (der_enter(&r, DER_SEQUENCE, &outer) != DER_OK) return x509_fail(der_error_reason());
    if (!der_reader_done(&r)) return x509_fail("trailing data after the signed object");
    if (der_expect(&outer, DER_SEQUENCE, &t) != DER_OK || der_expect(&outer, DER_SEQUENCE, &alg) != DER_OK ||
        der_expect(&outer, DER_BIT_STRING, &sig) != DER_OK || !der_reader_done(&outer))
        return x509_fail("signed object is not SEQUENCE { tbs, algorithm, signature }");
    if (x509_parse_sig_alg(&alg, sig_alg)) return -1;
    if (der_get_bits(&sig, &p, &n) != DER_OK) return x509_fail("malformed signature BIT STRING");
    tbs->p = t.tlv;
    tbs->len = t.tlvlen;
    sigalg_tlv->p = alg.tlv;
    sigalg_tlv->len = alg.tlvlen;
    signature->p = p;
    signature->len = n;
    return 0;
}

int x509_check_name(const der_elem *name)
{
    der_reader r, rdn, atv;
    der_elem type, value;
    if (name->tag != DER_SEQUENCE) return x509_fail("Name must be a SEQUENCE");
    der_reader_init(&r, name->val, name->len);
    while (!der_reader_done(&r)) {
        if (der_enter(&r, DER_SET, &rdn) != DER_OK || der_reader_done(&rdn)) return x509_fail("malformed RDN");
        while (!der_reader_done(&rdn)) {
            if (der_enter(&rdn, DER_SEQUENCE, &atv) != DER_OK || der_expect(&atv, DER_OID, &type) != DER_OK ||
                der_read(&atv, &value) != DER_OK || !der_reader_done(&atv))
                return x509_fail("malformed AttributeTypeAndValue");
        }
    }
    return der_check_tree(name->tlv, name->tlvlen) == DER_OK ? 0 : x509_fail("Name is not valid DER");
}

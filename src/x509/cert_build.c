/* cert_build.c: TBSCertificate encoding for the two profiles (self-signed root CA, TSA leaf)
 * and signing through an x509_signer. */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "asn1/oids.h"
#include "crypto/ct.h"
#include "x509/cert.h"
#include "x509/x509_internal.h"

int x509_key_id(const uint8_t *pub, size_t publen, uint8_t id[X509_KEYID_BYTES])
{
    uint8_t h[32];
    unsigned hl = 0;
    if (!pub || EVP_Digest(pub, publen, h, &hl, EVP_sha256(), NULL) != 1 || hl != sizeof h) return -1;
    memcpy(id, h, X509_KEYID_BYTES);
    return 0;
}

/* Encode one extension whose value is built by the caller in `val` (finished here). */
static void put_ext_from(der_writer *w, const uint8_t *oid, size_t oidlen, int critical, der_writer *val)
{
    uint8_t *v;
    size_t n;
    if (der_writer_finish(val, &v, &n)) {
        w->err = 1;
        return;
    }
    x509_put_extension(w, oid, oidlen, critical, v, n);
    free(v);
}

static void put_basic_constraints(der_writer *w, int ca, int path_len)
{
    der_writer v;
    der_writer_init(&v);
    der_begin(&v, DER_SEQUENCE);
    if (ca) {
        der_put_bool(&v, 1); /* cA DEFAULT FALSE: only encoded when TRUE */
        if (path_len >= 0) der_put_uint(&v, (uint64_t)path_len);
    }
    der_end(&v);
    put_ext_from(w, OID_ARG(OID_EXT_BASIC_CONSTRAINTS), 1, &v);
}

static void put_key_usage(der_writer *w, uint32_t bits)
{
    der_writer v;
    der_writer_init(&v);
    der_put_bit_flags(&v, bits);
    put_ext_from(w, OID_ARG(OID_EXT_KEY_USAGE), 1, &v);
}

static void put_key_ids(der_writer *w, const x509_cert_template *t, const uint8_t ski[X509_KEYID_BYTES])
{
    der_writer v;
    der_writer_init(&v);
    der_put_octets(&v, ski, X509_KEYID_BYTES);
    put_ext_from(w, OID_ARG(OID_EXT_SUBJECT_KEY_ID), 0, &v);
    if (t->issuer_key_id) {
        der_writer_init(&v);
        der_begin(&v, DER_SEQUENCE);
        der_put_tlv(&v, DER_CTX_PRIM(0), t->issuer_key_id, t->issuer_key_id_len); /* keyIdentifier [0] */
        der_end(&v);
        put_ext_from(w, OID_ARG(OID_EXT_AUTHORITY_KEY_ID), 0, &v);
    }
}

static void put_tsa_extensions(der_writer *w, const x509_cert_template *t)
{
    der_writer v;
    der_writer_init(&v);
    der_begin(&v, DER_SEQUENCE);
    der_put_oid(&v, OID_ARG(OID_KP_TIME_STAMPING));
    der_end(&v);
    put_ext_from(w, OID_ARG(OID_EXT_EXT_KEY_USAGE), 1, &v); /* RFC 3161 2.3: critical, sole purpose */
    if (t->tcbinfo) {
        der_writer_init(&v);
        x509_tcbinfo_put(&v, t->tcbinfo);
        put_ext_from(w, OID_ARG(OID_TCG_DICE_TCB_INFO), 0, &v); /* non-critical: plain clients ignore it */
    }
    if (t->policies) x509_put_extension(w, OID_ARG(OID_EXT_CERT_POLICIES), 0, t->policies, t->policies_len);
}

static int check_template(const x509_cert_template *t)
{
    if (t->profile != X509_PROFILE_ROOT_CA && t->profile != X509_PROFILE_TSA) return x509_fail("unknown profile");
    if (!t->subject || !t->subject_pub) return x509_fail("subject and subject key are required");
    if (t->serial && (t->serial_len == 0 || t->serial_len > X509_SERIAL_MAX))
        return x509_fail("serial must be 1..20 bytes");
    if (t->not_after < t->not_before) return x509_fail("notAfter before notBefore");
    if (t->profile == X509_PROFILE_TSA && !t->issuer) return x509_fail("a TSA certificate needs an issuer");
    return 0;
}

static int build_tbs(const x509_cert_template *t, int sig_alg, uint8_t **tbs, size_t *tbslen)
{
    uint8_t serial[16], ski[X509_KEYID_BYTES];
    const uint8_t *ser = t->serial;
    size_t serlen = t->serial_len;
    if (!ser) {
        if (cc_randombytes(serial, sizeof serial)) return x509_fail("no randomness for the serial number");
        serial[0] = (uint8_t)((serial[0] & 0x7F) | 0x40); /* positive, 16 significant bytes */
        ser = serial;
        serlen = sizeof serial;
    }
    if (x509_key_id(t->subject_pub, t->subject_publen, ski)) return x509_fail("key id");
    der_writer w;
    der_writer_init(&w);
    der_begin(&w, DER_SEQUENCE);
    der_begin(&w, DER_CTX(0));
    der_put_uint(&w, 2); /* v3 */
    der_end(&w);
    der_put_uint_bytes(&w, ser, serlen);
    x509_put_sig_alg(&w, sig_alg);
    if (t->issuer)
        der_put_raw(&w, t->issuer, t->issuer_len);
    else
        der_put_raw(&w, t->subject, t->subject_len);
    der_begin(&w, DER_SEQUENCE);
    der_put_x509_time(&w, t->not_before);
    der_put_x509_time(&w, t->not_after);
    der_end(&w);
    der_put_raw(&w, t->subject, t->subject_len);
    x509_put_spki(&w, t->subject_alg, t->subject_pub, t->subject_publen);
    der_begin(&w, DER_CTX(3));
    der_begin(&w, DER_SEQUENCE);
    if (t->profile == X509_PROFILE_ROOT_CA) {
        put_basic_constraints(&w, 1, t->path_len);
        put_key_usage(&w, X509_KU_KEY_CERT_SIGN | X509_KU_CRL_SIGN);
    } else {
        put_basic_constraints(&w, 0, -1);
        put_key_usage(&w, X509_KU_DIGITAL_SIGNATURE);
        put_tsa_extensions(&w, t);
    }
    put_key_ids(&w, t, ski);
    der_end(&w);
    der_end(&w);
    der_end(&w);
    return der_writer_finish(&w, tbs, tbslen) ? x509_fail("certificate encoding failed") : 0;
}

int x509_cert_build(const x509_cert_template *t, const x509_signer *issuer, uint8_t **der, size_t *len)
{
    uint8_t *tbs;
    size_t tbslen;
    if (!t || !issuer || check_template(t)) return -1;
    if (build_tbs(t, issuer->alg, &tbs, &tbslen)) return -1;
    /* The Names were copied raw: make sure the result is valid DER before signing it. */
    if (der_check_tree(tbs, tbslen) != DER_OK) {
        free(tbs);
        return x509_fail("TBSCertificate is not valid DER (bad Name?)");
    }
    int rc = x509_sign_envelope(tbs, tbslen, issuer, der, len);
    free(tbs);
    return rc;
}

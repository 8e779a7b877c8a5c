/* tsp_token_build.c: CMS SignedData construction for time-stamp tokens.
 *   SignedData ::= SEQUENCE { version 3, digestAlgorithms SET OF AlgorithmIdentifier,
 *       encapContentInfo { id-ct-TSTInfo, [0] EXPLICIT OCTET STRING }, certificates [0] IMPLICIT
 *       OPTIONAL, signerInfos SET OF SignerInfo }
 *   SignerInfo ::= SEQUENCE { version 1, sid IssuerAndSerialNumber, digestAlgorithm,
 *       signedAttrs [0] IMPLICIT, signatureAlgorithm, signature OCTET STRING, unsignedAttrs [1] IMPLICIT OPTIONAL } */
#include <stdlib.h>

#include "asn1/der.h"
#include "x509/cert.h"
#include "tsp/tsp_hash.h"
#include "asn1/oids.h"
#include "tsp/tsp_status.h"
#include "tsp/tsp_token.h"

static tsp_hash_alg signer_digest(const tsp_identity *s)
{
    return s->signer->alg == X509_ALG_MLDSA65 ? TSP_HASH_SHA512 : TSP_HASH_SHA384;
}

static void put_alg(der_writer *w, const uint8_t *oid, size_t n)
{
    der_begin(w, DER_SEQUENCE);
    der_put_oid(w, oid, n);
    der_end(w);
}

static void put_digest_alg(der_writer *w, tsp_hash_alg h)
{
    size_t n;
    const uint8_t *oid = tsp_hash_oid(h, &n);
    put_alg(w, oid, n); /* SHA-2 parameters absent (RFC 5754) */
}

/* Start an Attribute SEQUENCE { type, SET { value } } up to the value. */
static void begin_attr(der_writer *w, const uint8_t *type, size_t n)
{
    der_begin(w, DER_SEQUENCE);
    der_put_oid(w, type, n);
    der_begin(w, DER_SET);
}

static void end_attr(der_writer *w)
{
    der_end(w);
    der_end(w);
}

/* IssuerAndSerialNumber / IssuerSerial share issuer and serial from the certificate. */
static void put_issuer_serial(der_writer *w, const x509_cert *id, int general_names)
{
    der_begin(w, DER_SEQUENCE);
    if (general_names) {
        der_begin(w, DER_SEQUENCE); /* GeneralNames */
        der_begin(w, DER_CTX(4));   /* directoryName */
    }
    der_put_raw(w, id->issuer.p, id->issuer.len);
    if (general_names) {
        der_end(w);
        der_end(w);
    }
    der_put_uint_bytes(w, id->serial.p, id->serial.len);
    der_end(w);
}

/* DER of the signedAttrs as a SET (tag 0x31), which is what gets signed (RFC 5652 5.4). */
static int signed_attrs(const tsp_identity *s, const x509_cert *id, const uint8_t *tstinfo, size_t len,
                        uint8_t **out, size_t *outlen)
{
    uint8_t md[TSP_HASH_MAX_LEN], cert_hash[32];
    tsp_hash_alg h = signer_digest(s);
    if (tsp_hash(h, tstinfo, len, md) != 0 || tsp_hash(TSP_HASH_SHA256, s->cert, s->cert_len, cert_hash) != 0)
        return -1;
    der_writer w;
    der_writer_init(&w);
    der_begin_set_of(&w);
    begin_attr(&w, OID_ARG(OID_ATTR_CONTENT_TYPE));
    der_put_oid(&w, OID_ARG(OID_CT_TSTINFO));
    end_attr(&w);
    begin_attr(&w, OID_ARG(OID_ATTR_MESSAGE_DIGEST));
    der_put_octets(&w, md, tsp_hash_len(h));
    end_attr(&w);
    begin_attr(&w, OID_ARG(OID_ATTR_SIGNING_CERT_V2));
    der_begin(&w, DER_SEQUENCE);     /* SigningCertificateV2 */
    der_begin(&w, DER_SEQUENCE);     /* certs SEQUENCE OF ESSCertIDv2 */
    der_begin(&w, DER_SEQUENCE);     /* ESSCertIDv2: hashAlgorithm DEFAULT sha256 omitted */
    der_put_octets(&w, cert_hash, sizeof cert_hash);
    put_issuer_serial(&w, id, 1);
    der_end(&w);
    der_end(&w);
    der_end(&w);
    end_attr(&w);
    der_end(&w);
    return der_writer_finish(&w, out, outlen);
}

/* Re-tag a finished SET OF (0x31) encoding as [n] IMPLICIT and append it. */
static void put_set_as(der_writer *w, unsigned tag, uint8_t *set, size_t n)
{
    set[0] = (uint8_t)tag;
    der_put_raw(w, set, n);
    set[0] = DER_SET;
}

static int signer_info(const tsp_identity *s, const uint8_t *tstinfo, size_t len, const uint8_t *unsigned_attr,
                       size_t unsigned_len, uint8_t **out, size_t *outlen)
{
    x509_cert id;
    uint8_t *attrs = NULL, *sig = NULL;
    size_t attrs_len = 0, sig_len = 0;
    if (!s || !s->signer || !s->cert || x509_cert_parse(&id, s->cert, s->cert_len) != 0) return -1;
    if (signed_attrs(s, &id, tstinfo, len, &attrs, &attrs_len) != 0) return -1;
    sig_len = X509_MAX_SIGBYTES;
    if (!(sig = malloc(sig_len)) || x509_signer_sign(s->signer, attrs, attrs_len, sig, &sig_len) != 0) {
        free(attrs);
        free(sig);
        return -1;
    }
    der_writer w;
    der_writer_init(&w);
    der_begin(&w, DER_SEQUENCE);
    der_put_uint(&w, 1);
    put_issuer_serial(&w, &id, 0);
    put_digest_alg(&w, signer_digest(s));
    put_set_as(&w, DER_CTX(0), attrs, attrs_len);
    if (s->signer->alg == X509_ALG_MLDSA65)
        put_alg(&w, OID_ARG(OID_ML_DSA_65)); /* parameters absent (RFC 9882) */
    else
        put_alg(&w, OID_ARG(OID_ECDSA_SHA384)); /* parameters absent (RFC 5758) */
    der_put_octets(&w, sig, sig_len);
    if (unsigned_attr) {
        der_begin(&w, DER_CTX(1));
        der_put_raw(&w, unsigned_attr, unsigned_len);
        der_end(&w);
    }
    der_end(&w);
    free(attrs);
    free(sig);
    return der_writer_finish(&w, out, outlen);
}

/* The compat attribute: Attribute { cctsa-mldsaCompanion, SET { SignerInfo (ML-DSA) } }. */
static int companion_attr(const tsp_identity *ml, const uint8_t *tstinfo, size_t len, uint8_t **out, size_t *outlen)
{
    uint8_t *si = NULL;
    size_t si_len = 0;
    if (signer_info(ml, tstinfo, len, NULL, 0, &si, &si_len) != 0) return -1;
    der_writer w;
    der_writer_init(&w);
    der_begin(&w, DER_SEQUENCE);
    der_put_oid(&w, tsp_oid_attr_companion, tsp_oid_attr_companion_len);
    der_begin(&w, DER_SET);
    der_put_raw(&w, si, si_len);
    der_end(&w);
    der_end(&w);
    free(si);
    return der_writer_finish(&w, out, outlen);
}

#define MAX_SIGNERS 2

int tsp_token_build(const uint8_t *tstinfo, size_t tstinfo_len, tsp_profile profile, const tsp_identity *ec,
                    const tsp_identity *ml, int include_certs, uint8_t **token, size_t *token_len)
{
    const tsp_identity *signers[MAX_SIGNERS] = {0}, *certs[MAX_SIGNERS] = {0};
    uint8_t *infos[MAX_SIGNERS] = {0}, *extra = NULL, *set = NULL;
    size_t info_len[MAX_SIGNERS] = {0}, extra_len = 0, set_len = 0, n = 0;
    int rc = -1;
    switch (profile) {
    case TSP_PROFILE_CLASSIC: signers[0] = certs[0] = ec; break;
    case TSP_PROFILE_PQ: signers[0] = certs[0] = ml; break;
    case TSP_PROFILE_HYBRID: signers[0] = certs[0] = ec; signers[1] = certs[1] = ml; break;
    case TSP_PROFILE_COMPAT: signers[0] = certs[0] = ec; certs[1] = ml; break;
    default: return -1;
    }
    for (int i = 0; i < MAX_SIGNERS; i++)
        if ((signers[i] || certs[i]) && !(certs[i] && certs[i]->cert)) return -1;
    if (profile == TSP_PROFILE_COMPAT && companion_attr(ml, tstinfo, tstinfo_len, &extra, &extra_len) != 0) return -1;
    for (n = 0; n < MAX_SIGNERS && signers[n]; n++)
        if (signer_info(signers[n], tstinfo, tstinfo_len, extra, extra_len, &infos[n], &info_len[n]) != 0) goto out;

    der_writer w;
    der_writer_init(&w);
    der_begin(&w, DER_SEQUENCE); /* ContentInfo */
    der_put_oid(&w, OID_ARG(OID_CMS_SIGNED_DATA));
    der_begin(&w, DER_CTX(0));
    der_begin(&w, DER_SEQUENCE); /* SignedData */
    der_put_uint(&w, 3);
    der_begin_set_of(&w);
    for (size_t i = 0; i < n; i++) put_digest_alg(&w, signer_digest(signers[i]));
    der_end(&w);
    der_begin(&w, DER_SEQUENCE); /* EncapsulatedContentInfo */
    der_put_oid(&w, OID_ARG(OID_CT_TSTINFO));
    der_begin(&w, DER_CTX(0));
    der_put_octets(&w, tstinfo, tstinfo_len);
    der_end(&w);
    der_end(&w);
    if (include_certs) {
        der_writer cw;
        der_writer_init(&cw);
        der_begin_set_of(&cw);
        for (int i = 0; i < MAX_SIGNERS; i++)
            if (certs[i]) der_put_raw(&cw, certs[i]->cert, certs[i]->cert_len);
        der_end(&cw);
        if (der_writer_finish(&cw, &set, &set_len) != 0) {
            der_writer_free(&w);
            goto out;
        }
        put_set_as(&w, DER_CTX(0), set, set_len);
    }
    der_begin_set_of(&w);
    for (size_t i = 0; i < n; i++) der_put_raw(&w, infos[i], info_len[i]);
    der_end(&w);
    der_end(&w);
    der_end(&w);
    der_end(&w);
    rc = der_writer_finish(&w, token, token_len);
out:
    for (int i = 0; i < MAX_SIGNERS; i++) free(infos[i]);
    free(extra);
    free(set);
    return rc;
}

int tsp_resp_granted(const uint8_t *token, size_t token_len, uint8_t **out, size_t *outlen)
{
    der_writer w;
    der_writer_init(&w);
    der_begin(&w, DER_SEQUENCE);
    der_begin(&w, DER_SEQUENCE);
    der_put_uint(&w, TSP_STATUS_GRANTED);
    der_end(&w);
    der_put_raw(&w, token, token_len);
    der_end(&w);
    return der_writer_finish(&w, out, outlen);
}

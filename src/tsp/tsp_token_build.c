/* tsp_token_build.c: CMS SignedData construction for time-stamp tokens.
 *   SignedData ::= SEQUENCE { version 3, digestAlgorithms SET OF AlgorithmIdentifier,
 *       encapContentInfo { id-ct-TSTInfo, [0] EXPLICIT OCTET STRING }, certificates [0] IMPLICIT
 *       OPTIONAL, signerInfos SET OF SignerInfo }
 *   SignerInfo ::= SEQUENCE { version 1, sid IssuerAndSerialNumber, digestAlgorithm,
 *       signedAttrs [0] IMPLICIT, signatureAlgorithm, signature OCTET STRING, unsignedAttrs [1] IMPLICIT OPTIONAL }
 *   compat: the ECDSA SignerInfo's unsignedAttrs hold an ML-DSA-65 countersignature (RFC 5652 11.4). */
#include <stdlib.h>
#include <string.h>

#include "asn1/der.h"
#include "asn1/oids.h"
#include "tsp/tsp_hash.h"
#include "tsp/tsp_status.h"
#include "tsp/tsp_token.h"
#include "x509/cert.h"

static tsp_hash_alg alg_digest(int alg) { return alg == X509_ALG_MLDSA65 ? TSP_HASH_SHA512 : TSP_HASH_SHA384; }

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

/* DER of the signedAttrs as a SET (tag 0x31), which is what gets signed (RFC 5652 5.4). content is
 * what messageDigest digests: the eContent (TSTInfo), or for a countersignature (RFC 5652 11.4) the
 * contents octets of the countersigned SignerInfo's signature, and then contentType is absent. */
static int signed_attrs(int alg, const uint8_t *cert, size_t cert_len, const x509_cert *id, const uint8_t *content,
                        size_t len, int countersig, uint8_t **out, size_t *outlen)
{
    uint8_t md[TSP_HASH_MAX_LEN], cert_hash[32];
    tsp_hash_alg h = alg_digest(alg);
    if (tsp_hash(h, content, len, md) != 0 || tsp_hash(TSP_HASH_SHA256, cert, cert_len, cert_hash) != 0) return -1;
    der_writer w;
    der_writer_init(&w);
    der_begin_set_of(&w);
    if (!countersig) {
        begin_attr(&w, OID_ARG(OID_ATTR_CONTENT_TYPE));
        der_put_oid(&w, OID_ARG(OID_CT_TSTINFO));
        end_attr(&w);
    }
    begin_attr(&w, OID_ARG(OID_ATTR_MESSAGE_DIGEST));
    der_put_octets(&w, md, tsp_hash_len(h));
    end_attr(&w);
    begin_attr(&w, OID_ARG(OID_ATTR_SIGNING_CERT_V2));
    der_begin(&w, DER_SEQUENCE); /* SigningCertificateV2 */
    der_begin(&w, DER_SEQUENCE); /* certs SEQUENCE OF ESSCertIDv2 */
    der_begin(&w, DER_SEQUENCE); /* ESSCertIDv2: hashAlgorithm DEFAULT sha256 omitted */
    der_put_octets(&w, cert_hash, sizeof cert_hash);
    put_issuer_serial(&w, id, 1);
    der_end(&w);
    der_end(&w);
    der_end(&w);
    end_attr(&w);
    der_end(&w);
    return der_writer_finish(&w, out, outlen);
}

int tsp_signed_attrs_encode(int alg, const uint8_t *cert, size_t cert_len, const uint8_t *content, size_t len,
                            int countersig, uint8_t **out, size_t *outlen)
{
    x509_cert id;
    if ((alg != X509_ALG_ECDSA_P384 && alg != X509_ALG_MLDSA65) || x509_cert_parse(&id, cert, cert_len) != 0) return -1;
    return signed_attrs(alg, cert, cert_len, &id, content, len, countersig, out, outlen);
}

/* Re-tag a finished SET OF (0x31) encoding as [n] IMPLICIT and append it. */
static void put_set_as(der_writer *w, unsigned tag, uint8_t *set, size_t n)
{
    set[0] = (uint8_t)tag;
    der_put_raw(w, set, n);
    set[0] = DER_SET;
}

/* One signature of a token: the identity, its parsed certificate, the DER signedAttrs (as a
 * SET) to sign and, once given, the signature. */
typedef struct {
    const tsp_identity *s;
    x509_cert id;
    int countersig; /* compat: the ML-DSA-65 countersignature of part 0's signature value */
    uint8_t *attrs, *sig;
    size_t attrs_len, sig_len;
} signed_part;

struct tsp_token_plan {
    tsp_profile profile;
    int include_certs;
    uint8_t *tstinfo;
    size_t tstinfo_len;
    const tsp_identity *certs[2]; /* certificates to include, in order */
    signed_part part[2];
    int nparts;
};

static int part_init(signed_part *p, const tsp_identity *s, const uint8_t *content, size_t len, int countersig)
{
    p->s = s;
    p->countersig = countersig;
    if (!s || !s->signer || !s->cert || x509_cert_parse(&p->id, s->cert, s->cert_len) != 0) return -1;
    return signed_attrs(s->signer->alg, s->cert, s->cert_len, &p->id, content, len, countersig, &p->attrs,
                        &p->attrs_len);
}

void tsp_token_plan_free(tsp_token_plan *t)
{
    if (!t) return;
    for (int i = 0; i < 2; i++) {
        free(t->part[i].attrs);
        free(t->part[i].sig);
    }
    free(t->tstinfo);
    free(t);
}

tsp_token_plan *tsp_token_prepare(const uint8_t *tstinfo, size_t tstinfo_len, tsp_profile profile,
                                  const tsp_identity *ec, const tsp_identity *ml, int include_certs)
{
    tsp_token_plan *t = calloc(1, sizeof *t);
    if (!t || !(t->tstinfo = malloc(tstinfo_len ? tstinfo_len : 1))) {
        tsp_token_plan_free(t);
        return NULL;
    }
    memcpy(t->tstinfo, tstinfo, tstinfo_len);
    t->tstinfo_len = tstinfo_len;
    t->profile = profile;
    t->include_certs = include_certs;
    const tsp_identity *first = profile == TSP_PROFILE_PQ ? ml : ec;
    int ok = (unsigned)profile < TSP_PROFILE_COUNT && part_init(&t->part[0], first, tstinfo, tstinfo_len, 0) == 0;
    t->certs[0] = first;
    t->nparts = 1;
    if (ok && profile == TSP_PROFILE_HYBRID) {
        ok = part_init(&t->part[1], ml, tstinfo, tstinfo_len, 0) == 0;
        t->certs[1] = ml;
        t->nparts = 2;
    } else if (ok && profile == TSP_PROFILE_COMPAT) {
        /* the countersignature's signedAttrs need part 0's signature: made in tsp_token_set_signature */
        ok = ml && ml->signer && ml->cert && x509_cert_parse(&t->part[1].id, ml->cert, ml->cert_len) == 0;
        t->part[1].s = ml;
        t->part[1].countersig = 1;
        t->certs[1] = ml;
        t->nparts = 2;
    }
    if (!ok) {
        tsp_token_plan_free(t);
        return NULL;
    }
    return t;
}

int tsp_token_parts(const tsp_token_plan *t) { return t->nparts; }

const uint8_t *tsp_token_to_sign(const tsp_token_plan *t, int i, size_t *len, int *alg)
{
    if (i < 0 || i >= t->nparts || !t->part[i].attrs || t->part[i].sig) return NULL;
    *len = t->part[i].attrs_len;
    *alg = t->part[i].s->signer->alg;
    return t->part[i].attrs;
}

int tsp_token_set_signature(tsp_token_plan *t, int i, const uint8_t *sig, size_t sig_len)
{
    if (i < 0 || i >= t->nparts || !t->part[i].attrs || t->part[i].sig || !sig_len || sig_len > X509_MAX_SIGBYTES)
        return -1;
    signed_part *p = &t->part[i];
    if (!(p->sig = malloc(sig_len))) return -1;
    memcpy(p->sig, sig, sig_len);
    p->sig_len = sig_len;
    if (i == 0 && t->profile == TSP_PROFILE_COMPAT) { /* now the countersignature can be prepared */
        signed_part *c = &t->part[1];
        return signed_attrs(c->s->signer->alg, c->s->cert, c->s->cert_len, &c->id, p->sig, p->sig_len, 1, &c->attrs,
                            &c->attrs_len);
    }
    return 0;
}

/* SignerInfo from a signed part, with unsignedAttrs [1] holding unsigned_attr when given. */
static int encode_signer_info(const signed_part *p, const uint8_t *unsigned_attr, size_t unsigned_len, uint8_t **out,
                              size_t *outlen)
{
    der_writer w;
    der_writer_init(&w);
    der_begin(&w, DER_SEQUENCE);
    der_put_uint(&w, 1);
    put_issuer_serial(&w, &p->id, 0);
    put_digest_alg(&w, alg_digest(p->s->signer->alg));
    put_set_as(&w, DER_CTX(0), p->attrs, p->attrs_len);
    if (p->s->signer->alg == X509_ALG_MLDSA65)
        put_alg(&w, OID_ARG(OID_ML_DSA_65)); /* parameters absent (RFC 9882) */
    else
        put_alg(&w, OID_ARG(OID_ECDSA_SHA384)); /* parameters absent (RFC 5758) */
    der_put_octets(&w, p->sig, p->sig_len);
    if (unsigned_attr) {
        der_begin(&w, DER_CTX(1));
        der_put_raw(&w, unsigned_attr, unsigned_len);
        der_end(&w);
    }
    der_end(&w);
    return der_writer_finish(&w, out, outlen);
}

/* The compat ECDSA SignerInfo: signed over the TSTInfo, with unsignedAttrs = { Attribute {
 * id-countersignature, SET { SignerInfo (ML-DSA-65) } } } countersigning its signature value. */
static int compat_signer_info(const tsp_token_plan *t, uint8_t **out, size_t *outlen)
{
    uint8_t *cs = NULL, *attr = NULL;
    size_t cs_len = 0, attr_len = 0;
    int rc = -1;
    if (encode_signer_info(&t->part[1], NULL, 0, &cs, &cs_len) == 0) {
        der_writer w;
        der_writer_init(&w);
        begin_attr(&w, OID_ARG(OID_ATTR_COUNTERSIGNATURE));
        der_put_raw(&w, cs, cs_len);
        end_attr(&w);
        if (der_writer_finish(&w, &attr, &attr_len) == 0)
            rc = encode_signer_info(&t->part[0], attr, attr_len, out, outlen);
    }
    free(cs);
    free(attr);
    return rc;
}

int tsp_token_assemble(const tsp_token_plan *t, uint8_t **token, size_t *token_len)
{
    uint8_t *infos[2] = {0}, *set = NULL;
    size_t info_len[2] = {0}, set_len = 0, n = t->profile == TSP_PROFILE_COMPAT ? 1 : (size_t)t->nparts;
    int rc = -1;
    for (int i = 0; i < t->nparts; i++)
        if (!t->part[i].sig) return -1; /* not every signature is in */
    for (size_t i = 0; i < n; i++)
        if ((t->profile == TSP_PROFILE_COMPAT ? compat_signer_info(t, &infos[i], &info_len[i])
                                              : encode_signer_info(&t->part[i], NULL, 0, &infos[i], &info_len[i])) != 0)
            goto out;

    der_writer w;
    der_writer_init(&w);
    der_begin(&w, DER_SEQUENCE); /* ContentInfo */
    der_put_oid(&w, OID_ARG(OID_CMS_SIGNED_DATA));
    der_begin(&w, DER_CTX(0));
    der_begin(&w, DER_SEQUENCE); /* SignedData */
    der_put_uint(&w, 3);
    der_begin_set_of(&w);
    for (size_t i = 0; i < n; i++) put_digest_alg(&w, alg_digest(t->part[i].s->signer->alg));
    der_end(&w);
    der_begin(&w, DER_SEQUENCE); /* EncapsulatedContentInfo */
    der_put_oid(&w, OID_ARG(OID_CT_TSTINFO));
    der_begin(&w, DER_CTX(0));
    der_put_octets(&w, t->tstinfo, t->tstinfo_len);
    der_end(&w);
    der_end(&w);
    if (t->include_certs) {
        der_writer cw;
        der_writer_init(&cw);
        der_begin_set_of(&cw);
        for (int i = 0; i < 2; i++)
            if (t->certs[i]) der_put_raw(&cw, t->certs[i]->cert, t->certs[i]->cert_len);
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
    for (int i = 0; i < 2; i++) free(infos[i]);
    free(set);
    return rc;
}

/* Prepare, sign each part with the identity's own signer (in order: compat's countersignature
 * needs the first signature), assemble. */
int tsp_token_build(const uint8_t *tstinfo, size_t tstinfo_len, tsp_profile profile, const tsp_identity *ec,
                    const tsp_identity *ml, int include_certs, uint8_t **token, size_t *token_len)
{
    tsp_token_plan *t = tsp_token_prepare(tstinfo, tstinfo_len, profile, ec, ml, include_certs);
    int rc = t ? 0 : -1;
    for (int i = 0; rc == 0 && i < t->nparts; i++) {
        uint8_t sig[X509_MAX_SIGBYTES];
        size_t len, sig_len = sizeof sig;
        int alg;
        const uint8_t *msg = tsp_token_to_sign(t, i, &len, &alg);
        if (!msg || x509_signer_sign(t->part[i].s->signer, msg, len, sig, &sig_len) != 0)
            rc = -1;
        else
            rc = tsp_token_set_signature(t, i, sig, sig_len);
    }
    if (rc == 0) rc = tsp_token_assemble(t, token, token_len);
    tsp_token_plan_free(t);
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

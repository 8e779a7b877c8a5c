/* binding.c: the binding record (binding.h, docs/binding-record.md): DER encoding with our writer,
 * strict parsing with our reader, signing with both group keys, and the offline verifier. */
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asn1/der.h"
#include "attest/binding.h"
#include "x509/cert.h"

static const char record_label[] = "cctsa-binding-record-v1"; /* signed message prefix, then 0x00 */
static const char report_data_label[] = "cctsa-binding-report-data-v1";

void binding_report_data(const uint8_t transcript_hash[BINDING_HASH_BYTES], uint8_t out[ATTEST_BINDING_BYTES])
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (!md || EVP_DigestInit_ex(md, EVP_sha512(), NULL) != 1 ||
        EVP_DigestUpdate(md, report_data_label, sizeof report_data_label) != 1 ||
        EVP_DigestUpdate(md, transcript_hash, BINDING_HASH_BYTES) != 1 || EVP_DigestFinal_ex(md, out, NULL) != 1)
        memset(out, 0, ATTEST_BINDING_BYTES); /* cannot match a real report: fails closed */
    EVP_MD_CTX_free(md);
}

/* label || 0x00 || tbs, malloc'd. */
static uint8_t *signed_message(const uint8_t *tbs, size_t len, size_t *msglen)
{
    uint8_t *m = malloc(sizeof record_label + len);
    if (!m) return NULL;
    memcpy(m, record_label, sizeof record_label); /* includes the terminating 0x00 */
    memcpy(m + sizeof record_label, tbs, len);
    *msglen = sizeof record_label + len;
    return m;
}

static int encode_content(const binding_content *c, uint8_t **tbs, size_t *len)
{
    der_writer w;
    der_writer_init(&w);
    der_begin(&w, DER_SEQUENCE);
    der_put_uint(&w, BINDING_VERSION);
    der_put_utf8(&w, attest_provider_name(c->provider));
    der_put_octets(&w, c->measurement, sizeof c->measurement);
    der_put_raw(&w, c->ecdsa_cert, c->ecdsa_cert_len);
    der_put_raw(&w, c->mldsa_cert, c->mldsa_cert_len);
    der_put_octets(&w, c->transcript_hash, sizeof c->transcript_hash);
    der_put_gentime(&w, c->time, 0);
    der_begin(&w, DER_SEQUENCE);
    for (size_t i = 0; i < c->nnodes; i++) {
        const binding_node *n = &c->nodes[i];
        der_begin(&w, DER_SEQUENCE);
        der_put_octets(&w, n->chip_id, n->chip_id_len);
        der_put_octets(&w, n->report, ATTEST_REPORT_BYTES);
        der_begin(&w, DER_SEQUENCE);
        der_put_raw(&w, n->endorsements, n->endorsements_len);
        der_end(&w);
        der_end(&w);
    }
    der_end(&w);
    der_end(&w);
    return der_writer_finish(&w, tbs, len);
}

int binding_build(const binding_content *c, const x509_signer *ecdsa, const x509_signer *mldsa, uint8_t **der,
                  size_t *len)
{
    uint8_t *tbs = NULL, *msg = NULL, *esig = malloc(X509_MAX_SIGBYTES), *msig = malloc(X509_MAX_SIGBYTES);
    size_t tlen = 0, mlen = 0, elen = X509_MAX_SIGBYTES, mslen = X509_MAX_SIGBYTES;
    int rc = -1;
    *der = NULL, *len = 0;
    if (!esig || !msig || c->nnodes == 0 || c->nnodes > BINDING_MAX_NODES || ecdsa->alg != X509_ALG_ECDSA_P384 ||
        mldsa->alg != X509_ALG_MLDSA65 || encode_content(c, &tbs, &tlen) != 0 ||
        !(msg = signed_message(tbs, tlen, &mlen)) || x509_signer_sign(ecdsa, msg, mlen, esig, &elen) != 0 ||
        x509_signer_sign(mldsa, msg, mlen, msig, &mslen) != 0)
        goto out;
    der_writer w;
    der_writer_init(&w);
    der_begin(&w, DER_SEQUENCE);
    der_put_raw(&w, tbs, tlen);
    der_put_octets(&w, esig, elen);
    der_put_octets(&w, msig, mslen);
    der_end(&w);
    rc = der_writer_finish(&w, der, len);
out:
    free(tbs), free(msg), free(esig), free(msig);
    return rc;
}

/* SEQUENCE OF Certificate contents: every element a SEQUENCE. */
static int cert_list_ok(const der_elem *e)
{
    der_reader r;
    der_elem x;
    der_reader_init(&r, e->val, e->len);
    int n = 0;
    while (!der_reader_done(&r)) {
        if (der_expect(&r, DER_SEQUENCE, &x) != DER_OK || ++n > ATTEST_MAX_CERTS) return -1;
    }
    return n > 0 ? 0 : -1;
}

static int parse_node(der_reader *nodes, binding_node *n)
{
    der_reader r;
    der_elem chip, rep, certs;
    if (der_enter(nodes, DER_SEQUENCE, &r) != DER_OK || der_expect(&r, DER_OCTET_STRING, &chip) != DER_OK ||
        der_expect(&r, DER_OCTET_STRING, &rep) != DER_OK || der_expect(&r, DER_SEQUENCE, &certs) != DER_OK ||
        !der_reader_done(&r) || chip.len > ATTEST_CHIP_ID_BYTES || rep.len != ATTEST_REPORT_BYTES ||
        cert_list_ok(&certs))
        return -1;
    n->chip_id = chip.val, n->chip_id_len = chip.len;
    n->report = rep.val;
    n->endorsements = certs.val, n->endorsements_len = certs.len;
    return 0;
}

static int parse_content(const der_elem *tbs, binding_content *c)
{
    der_reader r, nodes;
    der_elem ver, prov, meas, ec, ml, th, tm;
    uint64_t v;
    unsigned millis;
    der_reader_init(&r, tbs->val, tbs->len);
    if (der_expect(&r, DER_INTEGER, &ver) != DER_OK || der_get_uint(&ver, &v) != DER_OK || v != BINDING_VERSION ||
        der_expect(&r, DER_UTF8_STRING, &prov) != DER_OK || der_expect(&r, DER_OCTET_STRING, &meas) != DER_OK ||
        meas.len != ATTEST_MEASUREMENT_BYTES || der_expect(&r, DER_SEQUENCE, &ec) != DER_OK ||
        der_expect(&r, DER_SEQUENCE, &ml) != DER_OK || der_expect(&r, DER_OCTET_STRING, &th) != DER_OK ||
        th.len != BINDING_HASH_BYTES || der_expect(&r, DER_GENERALIZED_TIME, &tm) != DER_OK ||
        der_get_gentime(&tm, &c->time, &millis) != DER_OK || der_enter(&r, DER_SEQUENCE, &nodes) != DER_OK ||
        !der_reader_done(&r))
        return -1;
    if (prov.len == 3 && !memcmp(prov.val, "sim", 3))
        c->provider = ATTEST_PROVIDER_SIM;
    else if (prov.len == 7 && !memcmp(prov.val, "sev-snp", 7))
        c->provider = ATTEST_PROVIDER_SEV_SNP;
    else
        return -1;
    memcpy(c->measurement, meas.val, meas.len);
    memcpy(c->transcript_hash, th.val, th.len);
    c->ecdsa_cert = ec.tlv, c->ecdsa_cert_len = ec.tlvlen;
    c->mldsa_cert = ml.tlv, c->mldsa_cert_len = ml.tlvlen;
    for (c->nnodes = 0; !der_reader_done(&nodes); c->nnodes++)
        if (c->nnodes == BINDING_MAX_NODES || parse_node(&nodes, &c->nodes[c->nnodes]) != 0) return -1;
    return c->nnodes > 0 ? 0 : -1;
}

int binding_parse(const uint8_t *der, size_t len, binding_view *v)
{
    der_reader top, r;
    der_elem tbs, es, ms;
    memset(v, 0, sizeof *v);
    if (len > BINDING_MAX_BYTES) return -1;
    der_reader_init(&top, der, len);
    if (der_enter(&top, DER_SEQUENCE, &r) != DER_OK || !der_reader_done(&top) ||
        der_expect(&r, DER_SEQUENCE, &tbs) != DER_OK || der_expect(&r, DER_OCTET_STRING, &es) != DER_OK ||
        der_expect(&r, DER_OCTET_STRING, &ms) != DER_OK || !der_reader_done(&r) || parse_content(&tbs, &v->c) != 0)
        return -1;
    v->tbs = tbs.tlv, v->tbs_len = tbs.tlvlen;
    v->ecdsa_sig = es.val, v->ecdsa_sig_len = es.len;
    v->mldsa_sig = ms.val, v->mldsa_sig_len = ms.len;
    return 0;
}

const char *binding_err_name(binding_err e)
{
    static const char *const names[BINDING_ERR_COUNT] = {
        "format",       "provider", "reports",         "report_data",    "chip_id", "chip_ids_distinct",
        "certificates", "tcbinfo",  "signature.ecdsa", "signature.mldsa"};
    return (unsigned)e < BINDING_ERR_COUNT ? names[e] : "unknown";
}

static void line(binding_verdict *out, int fail, binding_err e, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void line(binding_verdict *out, int fail, binding_err e, const char *fmt, ...)
{
    if (fail) out->failed |= 1u << e;
    if (out->nlines == BINDING_MAX_LINES) return;
    char *l = out->lines[out->nlines++];
    int n = snprintf(l, sizeof out->lines[0], "%s %s: ", fail ? "FAILED" : "ok    ", binding_err_name(e));
    va_list ap;
    va_start(ap, fmt);
    if (n > 0 && (size_t)n < sizeof out->lines[0]) vsnprintf(l + n, sizeof out->lines[0] - (size_t)n, fmt, ap);
    va_end(ap);
}

static void hex8(const uint8_t *b, size_t n, char out[17])
{
    out[0] = 0;
    for (size_t i = 0; i < n && i < 8; i++) snprintf(out + 2 * i, 3, "%02x", b[i]);
}

static void verify_nodes(const binding_content *c, const attest_policy *policy, binding_verdict *out)
{
    attest_policy p = *policy;
    attest_claims claims[BINDING_MAX_NODES];
    uint8_t binding[ATTEST_BINDING_BYTES];
    binding_report_data(c->transcript_hash, binding);
    p.check_measurement = 1;
    memcpy(p.measurement, c->measurement, sizeof p.measurement);
    for (size_t i = 0; i < c->nnodes; i++) {
        const binding_node *n = &c->nodes[i];
        attest_result res;
        char chip[17], names[160] = "";
        attest_verify(n->report, ATTEST_REPORT_BYTES, n->endorsements, n->endorsements_len, &p, binding, c->time,
                      &claims[i], &res);
        hex8(claims[i].chip_id, claims[i].chip_id_len, chip);
        uint32_t other = res.failed & ~(1u << ATTEST_ERR_REPORT_DATA);
        for (int e = 1; e < ATTEST_ERR_COUNT; e++)
            if (other & (1u << e))
                snprintf(names + strlen(names), sizeof names - strlen(names), " %s", attest_err_name((attest_err)e));
        line(out, other != 0, BINDING_ERR_REPORT, "node %zu (chip %s, %s): %s%s", i + 1, chip[0] ? chip : "none",
             attest_product_name(claims[i].product), other ? "rejected:" : "report, chain and policy verified", names);
        line(out, (res.failed >> ATTEST_ERR_REPORT_DATA) & 1, BINDING_ERR_REPORT_DATA, "node %zu REPORT_DATA %s", i + 1,
             (res.failed >> ATTEST_ERR_REPORT_DATA) & 1 ? "is not the record's binding"
                                                        : "binds the DKG transcript hash");
        int chip_ok = n->chip_id_len == claims[i].chip_id_len && !memcmp(n->chip_id, claims[i].chip_id, n->chip_id_len);
        line(out, !chip_ok, BINDING_ERR_CHIP_ID, "node %zu chip id field %s the report's CHIP_ID", i + 1,
             chip_ok ? "equals" : "differs from");
    }
    int distinct = 1;
    for (size_t i = 0; i < c->nnodes; i++) {
        if (claims[i].chip_id_len == 0) distinct = 0;
        for (size_t j = 0; j < i; j++)
            if (claims[i].chip_id_len == claims[j].chip_id_len &&
                !memcmp(claims[i].chip_id, claims[j].chip_id, claims[i].chip_id_len))
                distinct = 0;
    }
    line(out, !distinct, BINDING_ERR_CHIPS_DISTINCT, "%zu node(s) %s", c->nnodes,
         distinct ? "on distinct chips" : "without distinct chip ids (repeated, masked or VLEK)");
}

/* Parse a TSA certificate, check its key algorithm, TSA profile, chain to one CA, and TcbInfo. */
static int verify_cert(const uint8_t *der, size_t len, int alg, const binding_content *c, const uint8_t *const *ca,
                       const size_t *ca_len, int nca, binding_verdict *out, x509_cert *cert)
{
    const char *what = alg == X509_ALG_ECDSA_P384 ? "ECDSA P-384" : "ML-DSA-65";
    uint8_t m[X509_MEASUREMENT_BYTES];
    if (x509_cert_parse(cert, der, len) != 0 || cert->key_alg != alg || x509_cert_check_tsa(cert) != 0) {
        line(out, 1, BINDING_ERR_CERT, "%s certificate is not a TSA certificate for a %s key", what, what);
        return -1;
    }
    int chained = 0;
    for (int i = 0; i < nca && !chained; i++) {
        x509_cert chain[2] = {*cert};
        chained = x509_cert_parse(&chain[1], ca[i], ca_len[i]) == 0 && x509_chain_verify(chain, 2, c->time) == 0;
    }
    line(out, !chained, BINDING_ERR_CERT, "%s certificate %s", what,
         chained ? "chains to a --ca at the record's time" : "does not chain to any --ca at the record's time");
    int tcb_ok = x509_cert_measurement(cert, m) == 0 && !memcmp(m, c->measurement, sizeof m);
    line(out, !tcb_ok, BINDING_ERR_TCBINFO, "%s certificate TcbInfo measurement %s", what,
         tcb_ok ? "equals the record's" : "is missing or differs from the record's");
    return 0;
}

int binding_verify(const uint8_t *der, size_t len, const attest_policy *policy, const uint8_t *const *ca,
                   const size_t *ca_len, int nca, binding_verdict *out)
{
    binding_view v;
    memset(out, 0, sizeof *out);
    if (binding_parse(der, len, &v) != 0) {
        line(out, 1, BINDING_ERR_FORMAT, "not a well-formed binding record (DER, version %d)", BINDING_VERSION);
        return -1;
    }
    const binding_content *c = &v.c;
    line(out, c->provider != policy->provider, BINDING_ERR_PROVIDER, "record made with %s, verifier configured for %s",
         attest_provider_name(c->provider), attest_provider_name(policy->provider));
    verify_nodes(c, policy, out);
    x509_cert ec, ml;
    int ec_ok = verify_cert(c->ecdsa_cert, c->ecdsa_cert_len, X509_ALG_ECDSA_P384, c, ca, ca_len, nca, out, &ec) == 0;
    int ml_ok = verify_cert(c->mldsa_cert, c->mldsa_cert_len, X509_ALG_MLDSA65, c, ca, ca_len, nca, out, &ml) == 0;
    size_t mlen = 0;
    uint8_t *msg = signed_message(v.tbs, v.tbs_len, &mlen);
    int es = msg && ec_ok &&
             x509_verify_raw(X509_ALG_ECDSA_P384, ec.pub.p, ec.pub.len, msg, mlen, v.ecdsa_sig, v.ecdsa_sig_len) == 0;
    int ms = msg && ml_ok &&
             x509_verify_raw(X509_ALG_MLDSA65, ml.pub.p, ml.pub.len, msg, mlen, v.mldsa_sig, v.mldsa_sig_len) == 0;
    free(msg);
    line(out, !es, BINDING_ERR_SIG_ECDSA, "ECDSA P-384 group signature %s", es ? "verifies" : "does not verify");
    line(out, !ms, BINDING_ERR_SIG_MLDSA, "ML-DSA-65 group signature %s", ms ? "verifies" : "does not verify");
    return out->failed ? -1 : 0;
}

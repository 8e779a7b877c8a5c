/* tsp_fixture.c: test PKI, ECDSA side made with OpenSSL, ML-DSA side with src/x509 (see
 * tsp_fixture.h). */
#include "tsp_fixture.h"

#include "asn1/der.h"
#include "asn1/oids.h"
#include "tsp/tsp_req.h"
#include "x509/cert.h"
#include "x509/name.h"
#include "x509/pem.h"

#include <ctype.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int fx_add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    int ok = ext && X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    return ok ? 0 : -1;
}

static X509 *new_cert(const char *cn, long serial, X509 *issuer)
{
    X509 *c = X509_new();
    X509_NAME *name = X509_NAME_new();
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *)"cctsa test", -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
    X509_set_version(c, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(c), serial);
    X509_set_subject_name(c, name);
    X509_set_issuer_name(c, issuer ? X509_get_subject_name(issuer) : name);
    X509_gmtime_adj(X509_getm_notBefore(c), -3600);
    X509_gmtime_adj(X509_getm_notAfter(c), 86400L * 30);
    X509_NAME_free(name);
    return c;
}

static X509 *make_root(const char *cn, EVP_PKEY *key)
{
    X509 *c = new_cert(cn, 1, NULL);
    X509_set_pubkey(c, key);
    if (fx_add_ext(c, c, NID_basic_constraints, "critical,CA:TRUE") ||
        fx_add_ext(c, c, NID_key_usage, "critical,keyCertSign,cRLSign") ||
        fx_add_ext(c, c, NID_subject_key_identifier, "hash") || !X509_sign(c, key, EVP_sha384())) {
        X509_free(c);
        return NULL;
    }
    return c;
}

/* TSA certificate (DER, malloc'd) for a local signer: ECDSA keys through EVP, ML-DSA through a raw
 * SPKI, issued by an OpenSSL-made CA. */
static int issue_tsa(tsp_local_keys *k, int alg, X509 *ca, EVP_PKEY *ca_key, const char *cn, long serial, uint8_t **out,
                     size_t *out_len)
{
    X509 *c = new_cert(cn, serial, ca);
    int ok = 0;
    if (alg == X509_ALG_ECDSA_P384) {
        X509_set_pubkey(c, k->ec_pkey);
    } else {
        uint8_t *pk = OPENSSL_memdup(k->ml_signer.pub, k->ml_signer.publen);
        X509_PUBKEY *xpk = X509_get_X509_PUBKEY(c);
        ASN1_OBJECT *oid = OBJ_txt2obj("2.16.840.1.101.3.4.3.18", 1);
        if (!pk || !X509_PUBKEY_set0_param(xpk, oid, V_ASN1_UNDEF, NULL, pk, (int)k->ml_signer.publen)) {
            OPENSSL_free(pk);
            goto out;
        }
    }
    if (fx_add_ext(c, ca, NID_basic_constraints, "critical,CA:FALSE") ||
        fx_add_ext(c, ca, NID_key_usage, "critical,digitalSignature") ||
        fx_add_ext(c, ca, NID_ext_key_usage, "critical,timeStamping") ||
        fx_add_ext(c, ca, NID_authority_key_identifier, "keyid:always") || !X509_sign(c, ca_key, EVP_sha384()))
        goto out;
    unsigned char *der = NULL;
    int n = i2d_X509(c, &der);
    if (n > 0 && (*out = malloc((size_t)n)) != NULL) {
        memcpy(*out, der, (size_t)n);
        *out_len = (size_t)n;
        ok = 1;
    }
    OPENSSL_free(der);
out:
    X509_free(c);
    return ok ? 0 : -1;
}

static int write_pem(const char *path, X509 *c)
{
    FILE *f = fopen(path, "w");
    int ok = f && PEM_write_X509(f, c);
    if (f) fclose(f);
    return ok ? 0 : -1;
}

static int write_pem_der(const char *path, const uint8_t *der, size_t len)
{
    char *pem = x509_pem_encode("CERTIFICATE", der, len);
    FILE *f = pem ? fopen(path, "w") : NULL;
    int ok = f && fputs(pem, f) >= 0;
    if (f) ok &= fclose(f) == 0;
    free(pem);
    return ok ? 0 : -1;
}

int fx_x509_cert(int profile, const x509_signer *issuer, const uint8_t *issuer_der, size_t issuer_len,
                 const char *subject_dn, int alg, const uint8_t *pub, size_t publen, uint8_t **der, size_t *len)
{
    uint8_t *name = NULL;
    size_t name_len = 0;
    x509_cert ic;
    if (issuer_der && x509_cert_parse(&ic, issuer_der, issuer_len) != 0) return -1;
    if (x509_name_from_string(subject_dn, &name, &name_len) != 0) return -1;
    time_t now = time(NULL);
    x509_cert_template t = {.profile = profile,
                            .subject = name,
                            .subject_len = name_len,
                            .not_before = now - 3600,
                            .not_after = now + 30L * 86400,
                            .subject_alg = alg,
                            .subject_pub = pub,
                            .subject_publen = publen,
                            .path_len = -1};
    if (issuer_der) {
        t.issuer = ic.subject.p, t.issuer_len = ic.subject.len;
        t.issuer_key_id = ic.ski.len ? ic.ski.p : NULL, t.issuer_key_id_len = ic.ski.len;
    }
    int rc = x509_cert_build(&t, issuer, der, len);
    free(name);
    return rc;
}

int fx_use_ml_cert(fx_pki *fx, int under_ecdsa_root)
{
    return under_ecdsa_root
               ? tsp_local_keys_set_cert(&fx->keys, X509_ALG_MLDSA65, fx->ml_cert_ecroot, fx->ml_cert_ecroot_len)
               : tsp_local_keys_set_cert(&fx->keys, X509_ALG_MLDSA65, fx->ml_cert_mlroot, fx->ml_cert_mlroot_len);
}

void fx_roots(const fx_pki *fx, tsp_verify_opts *o)
{
    o->roots[0] = fx->ca_der, o->root_lens[0] = fx->ca_der_len;
    o->roots[1] = fx->ml_ca_der, o->root_lens[1] = fx->ml_ca_der_len;
    o->nroots = 2;
}

const char *fx_ca_args(const fx_pki *fx)
{
    static char buf[320];
    snprintf(buf, sizeof buf, "--ca '%s' --ca '%s'", fx->ca_pem, fx->ml_ca_pem);
    return buf;
}

int fx_init(fx_pki *fx)
{
    memset(fx, 0, sizeof *fx);
    snprintf(fx->dir, sizeof fx->dir, "/tmp/cctsa-tsp-XXXXXX");
    if (!mkdtemp(fx->dir)) return -1;
    snprintf(fx->ca_pem, sizeof fx->ca_pem, "%s/root.pem", fx->dir);
    snprintf(fx->ml_ca_pem, sizeof fx->ml_ca_pem, "%s/root-mldsa.pem", fx->dir);
    snprintf(fx->other_ca_pem, sizeof fx->other_ca_pem, "%s/other-root.pem", fx->dir);
    EVP_PKEY *ca_key = EVP_EC_gen("P-384"), *other_key = EVP_EC_gen("P-384");
    X509 *ca = ca_key ? make_root("cctsa test root", ca_key) : NULL;
    X509 *other = other_key ? make_root("cctsa unrelated root", other_key) : NULL;
    uint8_t *ec_cert = NULL;
    size_t ec_cert_len = 0;
    int rc = -1;
    if (!ca || !other || write_pem(fx->ca_pem, ca) || write_pem(fx->other_ca_pem, other)) goto out;
    unsigned char *der = NULL;
    int n = i2d_X509(ca, &der);
    if (n <= 0) goto out;
    fx->ca_der = malloc((size_t)n);
    memcpy(fx->ca_der, der, (size_t)n);
    fx->ca_der_len = (size_t)n;
    OPENSSL_free(der);
    /* ECDSA TSA certificate, and an ML-DSA one for the negative cases, from the ECDSA root. */
    if (tsp_local_keys_generate(&fx->keys) != 0 ||
        issue_tsa(&fx->keys, X509_ALG_ECDSA_P384, ca, ca_key, "cctsa test TSA (ECDSA P-384)", 0x1001, &ec_cert,
                  &ec_cert_len) ||
        tsp_local_keys_set_cert(&fx->keys, X509_ALG_ECDSA_P384, ec_cert, ec_cert_len) ||
        issue_tsa(&fx->keys, X509_ALG_MLDSA65, ca, ca_key, "cctsa test TSA (ML-DSA-65)", 0x1002, &fx->ml_cert_ecroot,
                  &fx->ml_cert_ecroot_len))
        goto out;
    /* ML-DSA-65 root (self-signed) and the ML-DSA TSA certificate it issues, with src/x509. */
    if (x509_keypair_generate(&fx->ml_root, X509_ALG_MLDSA65) != 0 ||
        fx_x509_cert(X509_PROFILE_ROOT_CA, &fx->ml_root.signer, NULL, 0, "CN=cctsa test root (ML-DSA-65),O=cctsa test",
                     X509_ALG_MLDSA65, fx->ml_root.signer.pub, fx->ml_root.signer.publen, &fx->ml_ca_der,
                     &fx->ml_ca_der_len) ||
        write_pem_der(fx->ml_ca_pem, fx->ml_ca_der, fx->ml_ca_der_len) ||
        fx_x509_cert(X509_PROFILE_TSA, &fx->ml_root.signer, fx->ml_ca_der, fx->ml_ca_der_len,
                     "CN=cctsa test TSA (ML-DSA-65),O=cctsa test", X509_ALG_MLDSA65, fx->keys.ml_signer.pub,
                     fx->keys.ml_signer.publen, &fx->ml_cert_mlroot, &fx->ml_cert_mlroot_len) ||
        fx_use_ml_cert(fx, 0))
        goto out;
    tsp_engine_config cfg = {.default_profile = TSP_PROFILE_CLASSIC,
                             .time = tsp_time_source_system(),
                             .ec = &fx->keys.ec,
                             .ml = &fx->keys.ml};
    fx->engine = tsp_engine_new(&cfg);
    rc = fx->engine ? 0 : -1;
out:
    X509_free(ca);
    X509_free(other);
    EVP_PKEY_free(ca_key);
    EVP_PKEY_free(other_key);
    free(ec_cert);
    return rc;
}

void fx_free(fx_pki *fx)
{
    char cmd[128];
    tsp_engine_free(fx->engine);
    tsp_local_keys_free(&fx->keys);
    x509_keypair_free(&fx->ml_root);
    free(fx->ca_der);
    free(fx->ml_ca_der);
    free(fx->ml_cert_mlroot);
    free(fx->ml_cert_ecroot);
    if (fx->dir[0] && strncmp(fx->dir, "/tmp/cctsa-tsp-", 15) == 0) {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx->dir);
        if (system(cmd) != 0) fprintf(stderr, "warning: could not remove %s\n", fx->dir);
    }
}

const char *fx_write(const fx_pki *fx, const char *name, const uint8_t *p, size_t n)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", fx->dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(p, 1, n, f) != n) fprintf(stderr, "cannot write %s\n", path);
    if (f) fclose(f);
    return path;
}

char *fx_run(const char *cmd, int *status)
{
    char full[4096];
    snprintf(full, sizeof full, "%s 2>&1", cmd);
    FILE *p = popen(full, "r");
    size_t cap = 4096, len = 0;
    char *out = malloc(cap);
    if (!p || !out) {
        *status = -1;
        if (p) pclose(p);
        free(out);
        return NULL;
    }
    size_t n;
    while ((n = fread(out + len, 1, cap - len - 1, p)) > 0) {
        len += n;
        if (cap - len < 2) {
            char *bigger = realloc(out, cap * 2);
            if (!bigger) break;
            out = bigger;
            cap *= 2;
        }
    }
    out[len] = 0;
    int st = pclose(p);
    *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return out;
}

int fx_stamp(fx_pki *fx, tsp_profile p, const uint8_t *data, size_t len, uint8_t **token, size_t *token_len)
{
    uint8_t digest[32], *req = NULL, *resp = NULL;
    size_t req_len = 0, resp_len = 0;
    const uint8_t nonce[] = {0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF};
    tsp_engine_result res;
    int rc = -1;
    if (tsp_hash(TSP_HASH_SHA256, data, len, digest) != 0 ||
        tsp_req_encode(TSP_HASH_SHA256, digest, NULL, 0, nonce, sizeof nonce, 1, &req, &req_len) != 0 ||
        tsp_engine_respond(fx->engine, req, req_len, (int)p, &resp, &resp_len, &res) != 0 || res.status != 0)
        goto out;
    /* TimeStampResp = 30 len { 30 03 02 01 00, token }: the token is the second element. */
    der_reader r, in;
    der_elem st, tok;
    der_reader_init(&r, resp, resp_len);
    if (der_enter(&r, DER_SEQUENCE, &in) != DER_OK || der_expect(&in, DER_SEQUENCE, &st) != DER_OK ||
        der_expect(&in, DER_SEQUENCE, &tok) != DER_OK)
        goto out;
    *token = malloc(tok.tlvlen);
    if (!*token) goto out;
    memcpy(*token, tok.tlv, tok.tlvlen);
    *token_len = tok.tlvlen;
    rc = 0;
out:
    free(req);
    free(resp);
    return rc;
}

int fx_contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; hay && *hay; hay++) {
        size_t i = 0;
        while (i < n && hay[i] && tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i])) i++;
        if (i == n) return 1;
    }
    return 0;
}

/* The token t again, with `extra` put in front of its certificates (keep_real = 0: instead of). */
static void put_spans(der_writer *w, const tsp_span *s, int n)
{
    for (int i = 0; i < n; i++) der_put_raw(w, s[i].p, s[i].n);
}

int fx_signed_data(const tsp_parsed *t, uint64_t version, const tsp_span *digest_algs, int ndigest,
                   const tsp_span *certs, int ncerts, const tsp_span *signers, int nsigners, uint8_t **out,
                   size_t *out_len)
{
    der_writer w;
    der_writer_init(&w);
    der_begin(&w, DER_SEQUENCE);
    der_put_oid(&w, OID_ARG(OID_CMS_SIGNED_DATA));
    der_begin(&w, DER_CTX(0));
    der_begin(&w, DER_SEQUENCE);
    der_put_uint(&w, version);
    der_begin(&w, DER_SET);
    put_spans(&w, digest_algs, ndigest);
    der_end(&w);
    der_begin(&w, DER_SEQUENCE);
    der_put_oid(&w, OID_ARG(OID_CT_TSTINFO));
    der_begin(&w, DER_CTX(0));
    der_put_octets(&w, t->tstinfo_der.p, t->tstinfo_der.n);
    der_end(&w);
    der_end(&w);
    der_begin(&w, DER_CTX(0));
    put_spans(&w, certs, ncerts);
    der_end(&w);
    der_begin(&w, DER_SET);
    put_spans(&w, signers, nsigners);
    der_end(&w);
    der_end(&w);
    der_end(&w);
    der_end(&w);
    return der_writer_finish(&w, out, out_len);
}

int fx_token_with_cert(const tsp_parsed *t, const uint8_t *extra, size_t extra_len, int keep_real, uint8_t **out,
                       size_t *out_len)
{
    tsp_span certs[TSP_MAX_CERTS + 1] = {{extra, extra_len}};
    int ncerts = 1;
    for (int i = 0; keep_real && i < t->ncerts; i++) certs[ncerts++] = t->certs[i];
    tsp_span signers[TSP_MAX_SIGNERS];
    for (int i = 0; i < t->nsigners; i++) signers[i] = t->signers[i].tlv;
    return fx_signed_data(t, t->sd_version, t->digest_algs, t->ndigest_algs, certs, ncerts, signers, t->nsigners, out,
                          out_len);
}

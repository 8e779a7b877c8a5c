/* test_x509_parse.c: strict certificate parsing: hand-built certificates that break one rule
 * each (version, serial, algorithm consistency, extension DER rules, duplicates, key encodings,
 * names, times) are rejected while the unmodified one parses; truncation and trailing data;
 * TcbInfo encoder/parser round trip and rejections; an OpenSSL-made TSA chain read by us. */
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <string.h>

#include "asn1/oids.h"
#include "check.h"
#include "testutil.h"
#include "x509/keyfile.h"
#include "x509/name.h"
#include "x509/pem.h"
#include "x509/x509_internal.h"

enum {
    V_GOOD,
    V_VERSION_V1_EXPLICIT,
    V_VERSION_4,
    V_SERIAL_NEGATIVE,
    V_SERIAL_21,
    V_SERIAL_NONMINIMAL,
    V_SIGALG_MISMATCH,
    V_CRIT_FALSE,
    V_DUP_EXT,
    V_BC_CA_FALSE,
    V_UNKNOWN_CRITICAL,
    V_KU_TRAILING_ZERO,
    V_EKU_EMPTY,
    V_TCB_TWO_SHA384,
    V_BAD_DATE,
    V_EMPTY_EXTS,
    V_EC_COMPRESSED,
    V_MLDSA_NULL_PARAMS,
    V_MLDSA_SHORT,
    V_SIGALG_NULL_PARAMS,
    V_V1_NO_EXTS,
    V_EMPTY_RDN,
    V_COUNT
};

static x509_keypair key, mlkey;

static void put_ext(der_writer *w, const uint8_t *oid, size_t oidlen, int crit_mode, const uint8_t *v, size_t n)
{
    der_begin(w, DER_SEQUENCE);
    der_put_oid(w, oid, oidlen);
    if (crit_mode == 1) der_put_bool(w, 1);
    if (crit_mode == 2) der_put_bool(w, 0);
    der_put_octets(w, v, n);
    der_end(w);
}

static void put_name(der_writer *w, int empty_rdn)
{
    der_begin(w, DER_SEQUENCE);
    der_begin(w, DER_SET);
    if (!empty_rdn) {
        der_begin(w, DER_SEQUENCE);
        der_put_oid(w, OID_ARG(OID_AT_COMMON_NAME));
        der_put_utf8(w, "x");
        der_end(w);
    }
    der_end(w);
    der_end(w);
}

static void put_sigalg(der_writer *w, int variant, int outer)
{
    der_begin(w, DER_SEQUENCE);
    if (variant == V_SIGALG_MISMATCH && !outer)
        der_put_oid(w, OID_ARG(OID_ECDSA_SHA256));
    else
        der_put_oid(w, OID_ARG(OID_ECDSA_SHA384));
    if (variant == V_SIGALG_NULL_PARAMS) der_put_null(w);
    der_end(w);
}

static void put_spki(der_writer *w, int variant)
{
    uint8_t pk[CC_MLDSA65_PKBYTES] = {0};
    if (variant == V_EC_COMPRESSED) {
        uint8_t pt[49];
        memcpy(pt, key.signer.pub, 49);
        pt[0] = 0x02;
        der_begin(w, DER_SEQUENCE);
        der_begin(w, DER_SEQUENCE);
        der_put_oid(w, OID_ARG(OID_EC_PUBLIC_KEY));
        der_put_oid(w, OID_ARG(OID_SECP384R1));
        der_end(w);
        der_put_bits(w, pt, sizeof pt);
        der_end(w);
    } else if (variant == V_MLDSA_NULL_PARAMS || variant == V_MLDSA_SHORT) {
        der_begin(w, DER_SEQUENCE);
        der_begin(w, DER_SEQUENCE);
        der_put_oid(w, OID_ARG(OID_ML_DSA_65));
        if (variant == V_MLDSA_NULL_PARAMS) der_put_null(w);
        der_end(w);
        der_put_bits(w, pk, variant == V_MLDSA_SHORT ? sizeof pk - 1 : sizeof pk);
        der_end(w);
    } else {
        x509_put_spki(w, X509_ALG_ECDSA_P384, key.signer.pub, key.signer.publen);
    }
}

static void put_extensions(der_writer *w, int v)
{
    if (v == V_V1_NO_EXTS) return;
    der_begin(w, DER_CTX(3));
    der_begin(w, DER_SEQUENCE);
    if (v != V_EMPTY_EXTS) {
        static const uint8_t bc_ca[] = {0x30, 0x03, 0x01, 0x01, 0xFF}, bc_false[] = {0x30, 0x03, 0x01, 0x01, 0x00};
        static const uint8_t ku[] = {0x03, 0x02, 0x01, 0x06}, ku_bad[] = {0x03, 0x02, 0x00, 0x06};
        static const uint8_t eku_empty[] = {0x30, 0x00};
        put_ext(w, OID_ARG(OID_EXT_BASIC_CONSTRAINTS), v == V_CRIT_FALSE ? 2 : 1, v == V_BC_CA_FALSE ? bc_false : bc_ca,
                sizeof bc_ca);
        if (v == V_DUP_EXT) put_ext(w, OID_ARG(OID_EXT_BASIC_CONSTRAINTS), 1, bc_ca, sizeof bc_ca);
        put_ext(w, OID_ARG(OID_EXT_KEY_USAGE), 1, v == V_KU_TRAILING_ZERO ? ku_bad : ku, sizeof ku);
        if (v == V_EKU_EMPTY) put_ext(w, OID_ARG(OID_EXT_EXT_KEY_USAGE), 1, eku_empty, sizeof eku_empty);
        if (v == V_UNKNOWN_CRITICAL) put_ext(w, (const uint8_t *)"\x2A\x03", 2, 1, eku_empty, sizeof eku_empty);
        if (v == V_TCB_TWO_SHA384) {
            der_writer t;
            uint8_t *enc;
            size_t n;
            der_writer_init(&t);
            der_begin(&t, DER_SEQUENCE);
            der_begin(&t, DER_CTX(6));
            for (int i = 0; i < 2; i++) {
                uint8_t d[48] = {(uint8_t)i};
                der_begin(&t, DER_SEQUENCE);
                der_put_oid(&t, OID_ARG(OID_SHA384));
                der_put_octets(&t, d, sizeof d);
                der_end(&t);
            }
            der_end(&t);
            der_end(&t);
            if (der_writer_finish(&t, &enc, &n) == 0) {
                put_ext(w, OID_ARG(OID_TCG_DICE_TCB_INFO), 0, enc, n);
                free(enc);
            }
        }
    }
    der_end(w);
    der_end(w);
}

static int build_variant(int v, uint8_t **der, size_t *len)
{
    der_writer w;
    der_writer_init(&w);
    der_begin(&w, DER_SEQUENCE);
    if (v != V_V1_NO_EXTS) {
        der_begin(&w, DER_CTX(0));
        der_put_uint(&w, v == V_VERSION_V1_EXPLICIT ? 0 : v == V_VERSION_4 ? 3 : 2);
        der_end(&w);
    }
    if (v == V_SERIAL_NEGATIVE) {
        der_put_tlv(&w, DER_INTEGER, (const uint8_t *)"\x80", 1);
    } else if (v == V_SERIAL_NONMINIMAL) {
        der_put_tlv(&w, DER_INTEGER, (const uint8_t *)"\x00\x01", 2);
    } else {
        uint8_t serial[21];
        memset(serial, 0x11, sizeof serial);
        der_put_uint_bytes(&w, serial, v == V_SERIAL_21 ? 21 : 20);
    }
    put_sigalg(&w, v, 0);
    put_name(&w, 0);
    der_begin(&w, DER_SEQUENCE);
    if (v == V_BAD_DATE)
        der_put_tlv(&w, DER_UTC_TIME, (const uint8_t *)"260230000000Z", 13);
    else
        der_put_x509_time(&w, 1700000000);
    der_put_x509_time(&w, 1900000000);
    der_end(&w);
    put_name(&w, v == V_EMPTY_RDN);
    put_spki(&w, v);
    put_extensions(&w, v);
    der_end(&w);
    uint8_t *tbs;
    size_t tbslen;
    if (der_writer_finish(&w, &tbs, &tbslen)) return -1;
    /* The envelope: sign with the ECDSA key (sigalg written by hand for the sigalg variants). */
    uint8_t sig[X509_MAX_SIGBYTES];
    size_t siglen = sizeof sig;
    if (x509_signer_sign(&key.signer, tbs, tbslen, sig, &siglen)) return -1;
    der_writer_init(&w);
    der_begin(&w, DER_SEQUENCE);
    der_put_raw(&w, tbs, tbslen);
    put_sigalg(&w, v, 1);
    der_put_bits(&w, sig, siglen);
    der_end(&w);
    free(tbs);
    return der_writer_finish(&w, der, len);
}

static void test_variants(void)
{
    for (int v = 0; v < V_COUNT; v++) {
        uint8_t *der;
        size_t len;
        x509_cert c;
        CHECK_MSG(build_variant(v, &der, &len) == 0, "variant %d did not build", v);
        int rc = x509_cert_parse(&c, der, len);
        if (getenv("X509_DEBUG")) fprintf(stderr, "variant %d: %s\n", v, rc ? x509_error_reason() : "ok");
        int want_ok = v == V_GOOD || v == V_UNKNOWN_CRITICAL || v == V_V1_NO_EXTS;
        CHECK_MSG((rc == 0) == want_ok, "variant %d: parse %d (%s)", v, rc, x509_error_reason());
        if (rc == 0) {
            CHECK(x509_chain_verify(&c, 1, 1800000000) == (v == V_UNKNOWN_CRITICAL ? -1 : 0));
            CHECK(c.version == (v == V_V1_NO_EXTS ? 1 : 3));
        }
        if (v == V_GOOD) {
            /* Every truncation fails; so does a trailing byte. */
            unsigned parsed = 0;
            for (size_t n = 0; n < len; n++)
                if (x509_cert_parse(&c, der, n) == 0) parsed++;
            CHECK(parsed == 0);
            uint8_t *longer = malloc(len + 1);
            memcpy(longer, der, len);
            longer[len] = 0;
            CHECK(x509_cert_parse(&c, longer, len + 1) == -1);
            free(longer);
        }
        free(der);
    }
}

static void test_tcbinfo(void)
{
    x509_tcbinfo t = {.vendor = "AMD", .model = "SEV-SNP", .svn = 0x1234567, .flags = X509_TCB_DEBUG};
    for (int i = 0; i < 48; i++) t.measurement[i] = (uint8_t)(i * 5);
    der_writer w;
    uint8_t *enc;
    size_t n;
    x509_tcbinfo_view v;
    der_writer_init(&w);
    x509_tcbinfo_put(&w, &t);
    CHECK(der_writer_finish(&w, &enc, &n) == 0);
    CHECK(x509_tcbinfo_parse(enc, n, &v) == 0 && v.has_measurement && !memcmp(v.measurement, t.measurement, 48));
    CHECK(v.has_svn && v.svn == 0x1234567 && v.flags == X509_TCB_DEBUG);
    /* Byte layout: SEQUENCE { [0] "AMD", [1] "SEV-SNP", [3] 01234567, [6] { { sha384, OCTET STRING } },
     * [7] 04 10 } (debug is named bit 3: one byte 0x10 with 4 unused bits). */
    static const uint8_t head[] = {0x30, 0x59, 0x80, 0x03, 'A',  'M',  'D',  0x81, 0x07, 'S',  'E',  'V',  '-',  'S',
                                   'N',  'P',  0x83, 0x04, 0x01, 0x23, 0x45, 0x67, 0xA6, 0x3F, 0x30, 0x3D, 0x06, 0x09};
    static const uint8_t tail[] = {0x87, 0x02, 0x04, 0x10};
    CHECK(n == 0x5B && !memcmp(enc, head, sizeof head) && !memcmp(enc + n - 4, tail, 4));
    /* OpenSSL's generic parser agrees it is one well-formed SEQUENCE. */
    const unsigned char *p = enc;
    ASN1_TYPE *at = d2i_ASN1_TYPE(NULL, &p, (long)n);
    CHECK(at && ASN1_TYPE_get(at) == V_ASN1_SEQUENCE && p == enc + n);
    ASN1_TYPE_free(at);

    /* Minimal: only the FWID. */
    x509_tcbinfo m = {.svn = -1};
    uint8_t *enc2;
    size_t n2;
    der_writer_init(&w);
    x509_tcbinfo_put(&w, &m);
    CHECK(der_writer_finish(&w, &enc2, &n2) == 0 && n2 == 2 + 2 + 2 + 11 + 50);
    CHECK(x509_tcbinfo_parse(enc2, n2, &v) == 0 && v.has_measurement && !v.has_svn && !v.vendor && !v.flags);

    /* Rejections: out-of-order fields, short digest, trailing data, not a SEQUENCE. */
    static const uint8_t order[] = {0x30, 0x06, 0x81, 0x01, 'x', 0x80, 0x01, 'y'};
    CHECK(x509_tcbinfo_parse(order, sizeof order, &v) == -1);
    static const uint8_t dup[] = {0x30, 0x06, 0x80, 0x01, 'x', 0x80, 0x01, 'y'};
    CHECK(x509_tcbinfo_parse(dup, sizeof dup, &v) == -1);
    static const uint8_t prim6[] = {0x30, 0x02, 0x86, 0x00};
    CHECK(x509_tcbinfo_parse(prim6, sizeof prim6, &v) == -1);
    uint8_t *shortd = malloc(n2);
    memcpy(shortd, enc2, n2);
    shortd[n2 - 49] = 47; /* the digest OCTET STRING length */
    CHECK(x509_tcbinfo_parse(shortd, n2, &v) == -1);
    CHECK(x509_tcbinfo_parse(enc2, n2 - 1, &v) == -1);
    static const uint8_t other_hash[] = {0x30, 0x11, 0xA6, 0x0F, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86,
                                         0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x04, 0x00};
    CHECK(x509_tcbinfo_parse(other_hash, sizeof other_hash, &v) == 0 && !v.has_measurement);
    static const uint8_t not_seq[] = {0x31, 0x00};
    CHECK(x509_tcbinfo_parse(not_seq, sizeof not_seq, &v) == -1);
    free(shortd);
    free(enc);
    free(enc2);
}

/* A TSA chain made entirely by OpenSSL (P-384, SHA-384) is read and verified by us. */
static X509 *openssl_cert(EVP_PKEY *subject, EVP_PKEY *issuer_key, X509 *issuer, const char *cn, int ca)
{
    X509 *x = X509_new();
    X509_set_version(x, X509_VERSION_3);
    ASN1_INTEGER_set(X509_get_serialNumber(x), ca ? 1 : 2);
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), 86400);
    X509_NAME *n = X509_NAME_new();
    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0);
    X509_set_subject_name(x, n);
    X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : n);
    X509_NAME_free(n);
    X509_set_pubkey(x, subject);
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
    const char *exts[][2] = {{"basicConstraints", ca ? "critical,CA:TRUE" : "critical,CA:FALSE"},
                             {"keyUsage", ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature"},
                             {"extendedKeyUsage", ca ? NULL : "critical,timeStamping"},
                             {"subjectKeyIdentifier", "hash"},
                             {"authorityKeyIdentifier", ca ? NULL : "keyid"}};
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
        if (!exts[i][1]) continue;
        X509_EXTENSION *e = X509V3_EXT_conf(NULL, &ctx, exts[i][0], exts[i][1]);
        X509_add_ext(x, e, -1);
        X509_EXTENSION_free(e);
    }
    X509_sign(x, issuer_key, EVP_sha384());
    return x;
}

static void test_openssl_made(void)
{
    EVP_PKEY *rk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384"), *lk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
    X509 *root = openssl_cert(rk, rk, NULL, "openssl root", 1);
    X509 *leaf = openssl_cert(lk, rk, root, "openssl tsa", 0);
    unsigned char *rd = NULL, *ld = NULL;
    int rl = i2d_X509(root, &rd), ll = i2d_X509(leaf, &ld);
    x509_cert chain[2];
    CHECK(rl > 0 && ll > 0);
    CHECK(x509_cert_parse(&chain[0], ld, (size_t)ll) == 0);
    CHECK(x509_cert_parse(&chain[1], rd, (size_t)rl) == 0);
    CHECK(x509_cert_check_tsa(&chain[0]) == 0 && chain[1].is_ca && chain[0].aki.len == chain[1].ski.len);
    CHECK_MSG(x509_chain_verify(chain, 2, time(NULL)) == 0, "%s", x509_error_reason());
    uint8_t m[48];
    CHECK(x509_cert_measurement(&chain[0], m) == -1);
    OPENSSL_free(rd);
    OPENSSL_free(ld);
    X509_free(root);
    X509_free(leaf);
    EVP_PKEY_free(rk);
    EVP_PKEY_free(lk);
}

static void test_names(void)
{
    static const char *good[] = {"CN=a\\,b,O=x\\=y", "CN=plain", "CN=caf\xC3\xA9,OU=unit,L=Berlin,ST=BE,C=DE",
                                 "serialNumber=1234,CN=n"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        uint8_t *der;
        size_t len;
        char back[256];
        CHECK_MSG(x509_name_from_string(good[i], &der, &len) == 0, "%s", good[i]);
        if (!der) continue;
        CHECK_MSG(x509_name_to_string(der, len, back, sizeof back) == 0 && !strcmp(back, good[i]), "%s -> %s", good[i],
                  back);
        /* OpenSSL reads the same Name. */
        const unsigned char *p = der;
        X509_NAME *n = d2i_X509_NAME(NULL, &p, (long)len);
        CHECK(n && p == der + len && X509_NAME_entry_count(n) >= 1);
        X509_NAME_free(n);
        free(der);
    }
    static const char *bad[] = {"",   "CN",         "CN=", "FOO=bar", "C=DEU", "C=D@", "CN=a,", "serialNumber=a*b",
                                "=x", "CN=\xC0\x80"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint8_t *der = NULL;
        size_t len;
        CHECK_MSG(x509_name_from_string(bad[i], &der, &len) == -1, "accepted '%s'", bad[i]);
        free(der);
    }
    char small[4];
    uint8_t *der;
    size_t len;
    CHECK(x509_name_from_string("CN=long name", &der, &len) == 0);
    CHECK(x509_name_to_string(der, len, small, sizeof small) == -1);
    free(der);
}

/* PEM framing against OpenSSL's PEM reader and writer, bundles, and malformed blocks. */
static void test_pem(void)
{
    uint8_t data[300];
    for (size_t i = 0; i < sizeof data; i++) data[i] = (uint8_t)(i * 7 + 3);
    for (size_t n = 1; n <= sizeof data; n += 7) {
        char *pem = x509_pem_encode("CERTIFICATE", data, n);
        BIO *bio = BIO_new_mem_buf(pem, -1);
        char *name = NULL, *header = NULL;
        unsigned char *got = NULL;
        long gl = 0;
        CHECK(pem && PEM_read_bio(bio, &name, &header, &got, &gl) == 1 && !strcmp(name, "CERTIFICATE") &&
              gl == (long)n && !memcmp(got, data, n));
        OPENSSL_free(name);
        OPENSSL_free(header);
        OPENSSL_free(got);
        BIO_free(bio);
        /* OpenSSL-written PEM decodes with ours. */
        bio = BIO_new(BIO_s_mem());
        PEM_write_bio(bio, "CERTIFICATE REQUEST", "", data, (long)n);
        char *text;
        long tl = BIO_get_mem_data(bio, &text);
        uint8_t *der;
        size_t dl;
        if (x509_pem_decode(text, (size_t)tl, "CERTIFICATE REQUEST", &der, &dl) == 0) {
            CHECK(dl == n && !memcmp(der, data, n));
            free(der);
        } else {
            CHECK(0);
        }
        /* The label must match exactly ("CERTIFICATE" is not "CERTIFICATE REQUEST"). */
        CHECK(x509_pem_decode(text, (size_t)tl, "CERTIFICATE", &der, &dl) == -1);
        BIO_free(bio);
        free(pem);
    }
    /* A bundle of three blocks with another label in between. */
    char *a = x509_pem_encode("CERTIFICATE", data, 10), *b = x509_pem_encode("PRIVATE KEY", data, 20),
         *c = x509_pem_encode("CERTIFICATE", data, 30);
    char bundle[1024];
    snprintf(bundle, sizeof bundle, "junk\n%s%s%s", a, b, c);
    size_t off = 0, sizes[4] = {0}, count = 0;
    uint8_t *der;
    size_t dl;
    int rc;
    while ((rc = x509_pem_decode_next(bundle, strlen(bundle), "CERTIFICATE", &off, &der, &dl)) == 0 && count < 4) {
        sizes[count++] = dl;
        free(der);
    }
    CHECK(rc == 1 && count == 2 && sizes[0] == 10 && sizes[1] == 30);
    free(a);
    free(b);
    free(c);
    static const char *bad[] = {
        "-----BEGIN CERTIFICATE-----\nAAA*\n-----END CERTIFICATE-----\n",
        "-----BEGIN CERTIFICATE-----\nAAAAA\n-----END CERTIFICATE-----\n",
        "-----BEGIN CERTIFICATE-----\nAAAA\n",
        "-----BEGIN CERTIFICATE-----\n====\n-----END CERTIFICATE-----\n",
        "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n",
        "no pem at all",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_MSG(x509_pem_decode(bad[i], strlen(bad[i]), "CERTIFICATE", &der, &dl) == -1, "accepted %zu", i);
}

/* Real AMD certificates (shared/sev-snp-fixtures): the VCEK (P-384 key, RSA-PSS signature) parses,
 * its key matches OpenSSL's view, and its unsupported signature algorithm is refused by our verifier.
 * The ASK encodes keyUsage with a trailing zero bit (03 02 01 04, not DER): rejected as non-DER. */
static void test_amd_fixtures(void)
{
    const char *shared = getenv("CCTSA_SHARED_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/sev-snp-fixtures/virtee-milan-v2/vcek.der", shared ? shared : "../shared");
    size_t len;
    uint8_t *der = tu_read_file(path, &len);
    CHECK(der != NULL);
    if (!der) return;
    x509_cert c;
    CHECK(x509_cert_parse(&c, der, len) == 0 && c.key_alg == X509_ALG_ECDSA_P384 && c.sig_alg == X509_ALG_NONE);
    const unsigned char *p = der;
    X509 *x = d2i_X509(NULL, &p, (long)len);
    uint8_t pub[X509_P384_PUBBYTES];
    CHECK(x && x509_ecdsa_public(X509_get0_pubkey(x), pub) == 0 && c.pub.len == sizeof pub &&
          !memcmp(pub, c.pub.p, sizeof pub));
    CHECK(x509_chain_verify(&c, 1, c.not_before) == -1);
    X509_free(x);
    free(der);

    snprintf(path, sizeof path, "%s/sev-snp-fixtures/roots/milan-vcek-ask-ark.pem", shared ? shared : "../shared");
    uint8_t *text = tu_read_file(path, &len);
    size_t off = 0, n = 0, dl;
    int parsed[2] = {-2, -2};
    CHECK(text != NULL);
    while (text && n < 2 && x509_pem_decode_next((const char *)text, len, "CERTIFICATE", &off, &der, &dl) == 0) {
        parsed[n++] = x509_cert_parse(&c, der, dl);
        free(der);
    }
    CHECK(n == 2 && parsed[0] == -1 && parsed[1] == 0); /* ASK rejected (keyUsage), ARK parses */
    free(text);
}

int main(void)
{
    if (x509_keypair_generate(&key, X509_ALG_ECDSA_P384) || x509_keypair_generate(&mlkey, X509_ALG_MLDSA65)) {
        CHECK(0);
        return check_summary("test_x509_parse");
    }
    test_variants();
    test_tcbinfo();
    test_names();
    test_pem();
    test_amd_fixtures();
    test_openssl_made();
    x509_keypair_free(&key);
    x509_keypair_free(&mlkey);
    return check_summary("test_x509_parse");
}

/* snp_endorse.c: endorsement certificates for SEV-SNP reports. Input forms (PEM bundle,
 * concatenated DER, GHCB certificate table), the VCEK/VLEK leaf, and the AMD KDS certificate
 * extensions under 1.3.6.1.4.1.3704.1 (AMD 57230): product name, TCB SPLs, hwID (raw or OCTET
 * STRING wrapped; 64 bytes, 8 on Turin), CSP_ID. */
#include <openssl/evp.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <string.h>

#include "attest/attest_internal.h"
#include "x509/pem.h"

void snp_certs_free(snp_certs *c)
{
    for (int i = 0; i < c->n; i++) X509_free(c->cert[i]);
    c->n = 0;
}

/* One complete DER certificate of exactly len bytes. */
static int add_der(snp_certs *out, const uint8_t *der, size_t len)
{
    const unsigned char *p = der;
    if (out->n == ATTEST_MAX_CERTS || len > ATTEST_MAX_ENDORSEMENT_BYTES) return -1;
    X509 *x = d2i_X509(NULL, &p, (long)len);
    if (!x || (size_t)(p - der) != len) return X509_free(x), -1;
    out->cert[out->n++] = x;
    return 0;
}

/* Length of the DER TLV at p (definite length, at most 4 length octets); 0 if malformed. */
static size_t tlv_len(const uint8_t *p, size_t avail)
{
    if (avail < 2 || p[0] != 0x30) return 0;
    size_t n = p[1], hdr = 2;
    if (n & 0x80) {
        size_t k = n & 0x7F;
        if (k == 0 || k > 4 || avail < 2 + k) return 0;
        n = 0;
        for (size_t i = 0; i < k; i++) n = n << 8 | p[2 + i];
        hdr += k;
    }
    return n <= avail - hdr ? hdr + n : 0;
}

static int parse_pem(const uint8_t *in, size_t len, snp_certs *out)
{
    size_t off = 0;
    for (;;) {
        uint8_t *der = NULL;
        size_t dlen = 0;
        int rc = x509_pem_decode_next((const char *)in, len, "CERTIFICATE", &off, &der, &dlen);
        if (rc == 1) break;
        if (rc != 0 || add_der(out, der, dlen) != 0) return free(der), -1;
        free(der);
    }
    return out->n > 0 ? 0 : -1;
}

static int parse_der_list(const uint8_t *in, size_t len, snp_certs *out)
{
    while (len > 0) {
        size_t n = tlv_len(in, len);
        if (n == 0 || add_der(out, in, n) != 0) return -1;
        in += n, len -= n;
    }
    return out->n > 0 ? 0 : -1;
}

/* GHCB spec 56421 4.1.8.1: 24-byte entries {GUID, offset, length} ending in an all-zero entry. */
static const uint8_t ghcb_guids[4][16] = {
    {0x63, 0xda, 0x75, 0x8d, 0xe6, 0x64, 0x45, 0x64, 0xad, 0xc5, 0xf4, 0xb9, 0x3b, 0xe8, 0xac, 0xcd}, /* VCEK */
    {0xa8, 0x07, 0x4b, 0xc2, 0xa2, 0x5a, 0x48, 0x3e, 0xaa, 0xe6, 0x39, 0xc0, 0x45, 0xa0, 0xb8, 0xa1}, /* VLEK */
    {0x4a, 0xb7, 0xb3, 0x79, 0xbb, 0xac, 0x4f, 0xe4, 0xa0, 0x2f, 0x05, 0xae, 0xf3, 0x27, 0xc7, 0x82}, /* ASK */
    {0xc0, 0xb4, 0x06, 0xa4, 0xa8, 0x03, 0x49, 0x52, 0x97, 0x43, 0x3f, 0xb6, 0x01, 0x4c, 0xd0, 0xae}, /* ARK */
};

static int ghcb_known(const uint8_t *guid)
{
    for (int i = 0; i < 4; i++)
        if (!memcmp(guid, ghcb_guids[i], 16)) return 1;
    return 0;
}

static int parse_ghcb(const uint8_t *in, size_t len, snp_certs *out)
{
    static const uint8_t zero[24];
    for (size_t e = 0;; e += 24) {
        if (e > len || len - e < 24) return -1;
        const uint8_t *ent = in + e;
        if (!memcmp(ent, zero, 24)) break;
        uint32_t off = (uint32_t)ent[16] | (uint32_t)ent[17] << 8 | (uint32_t)ent[18] << 16 | (uint32_t)ent[19] << 24;
        uint32_t n = (uint32_t)ent[20] | (uint32_t)ent[21] << 8 | (uint32_t)ent[22] << 16 | (uint32_t)ent[23] << 24;
        if (!ghcb_known(ent)) continue; /* other entries (e.g. CRLs) are not certificates we use */
        if (off > len || n > len - off || n == 0) return -1;
        /* The host may pad an entry: take the certificate's own DER length. */
        size_t der = tlv_len(in + off, n);
        if (der == 0 || add_der(out, in + off, der) != 0) return -1;
    }
    return out->n > 0 ? 0 : -1;
}

int snp_certs_parse(const uint8_t *in, size_t len, snp_certs *out)
{
    memset(out, 0, sizeof *out);
    int rc;
    if (!in || len == 0 || len > ATTEST_MAX_ENDORSEMENT_BYTES) return -1;
    if (len >= 24 && ghcb_known(in))
        rc = parse_ghcb(in, len, out);
    else if (in[0] == 0x30)
        rc = parse_der_list(in, len, out);
    else
        rc = parse_pem(in, len, out);
    if (rc != 0) snp_certs_free(out);
    return rc;
}

int attest_endorsements_normalize(const uint8_t *in, size_t len, uint8_t **der, size_t *derlen)
{
    snp_certs c;
    *der = NULL, *derlen = 0;
    if (snp_certs_parse(in, len, &c) != 0) return -1;
    size_t total = 0;
    for (int i = 0; i < c.n; i++) total += (size_t)i2d_X509(c.cert[i], NULL);
    uint8_t *buf = malloc(total ? total : 1), *p = buf;
    for (int i = 0; buf && i < c.n; i++) i2d_X509(c.cert[i], &p);
    snp_certs_free(&c);
    if (!buf) return -1;
    *der = buf, *derlen = total;
    return 0;
}

static int is_p384_key(X509 *x)
{
    EVP_PKEY *k = X509_get0_pubkey(x);
    char group[32];
    size_t glen = 0;
    return k && EVP_PKEY_get_base_id(k) == EVP_PKEY_EC &&
           EVP_PKEY_get_utf8_string_param(k, "group", group, sizeof group, &glen) && !strcmp(group, "secp384r1");
}

X509 *snp_certs_leaf(const snp_certs *c)
{
    X509 *leaf = NULL;
    for (int i = 0; i < c->n; i++) {
        if (X509_check_ca(c->cert[i]) || !is_p384_key(c->cert[i])) continue;
        if (X509_check_issued(c->cert[i], c->cert[i]) == X509_V_OK) continue; /* self-signed */
        if (leaf) return NULL;
        leaf = c->cert[i];
    }
    return leaf;
}

/* The single extension with OID 1.3.6.1.4.1.3704.1.<suffix>: 1 found, 0 absent, -1 duplicated. */
static int find_ext(X509 *x, const char *suffix, const uint8_t **data, int *len)
{
    char oid[64];
    snprintf(oid, sizeof oid, "1.3.6.1.4.1.3704.1.%s", suffix);
    ASN1_OBJECT *obj = OBJ_txt2obj(oid, 1);
    if (!obj) return -1;
    int idx = X509_get_ext_by_OBJ(x, obj, -1);
    int dup = idx >= 0 && X509_get_ext_by_OBJ(x, obj, idx) >= 0;
    ASN1_OBJECT_free(obj);
    if (idx < 0) return 0;
    if (dup) return -1;
    ASN1_OCTET_STRING *os = X509_EXTENSION_get_data(X509_get_ext(x, idx));
    *data = ASN1_STRING_get0_data(os);
    *len = ASN1_STRING_length(os);
    return 1;
}

static int ext_uint8(X509 *x, const char *suffix, int *has, unsigned *out)
{
    const uint8_t *d = NULL;
    int n = 0, rc = find_ext(x, suffix, &d, &n);
    *has = 0;
    if (rc <= 0) return rc;
    const unsigned char *p = d;
    ASN1_INTEGER *ai = d2i_ASN1_INTEGER(NULL, &p, n);
    int64_t v = -1;
    int ok = ai && p == d + n && ASN1_INTEGER_get_int64(&v, ai) == 1 && v >= 0 && v <= 255;
    ASN1_INTEGER_free(ai);
    if (!ok) return -1;
    *has = 1, *out = (unsigned)v;
    return 0;
}

static int ext_ia5(X509 *x, const char *suffix, int *has, char *out, size_t cap)
{
    const uint8_t *d = NULL;
    int n = 0, rc = find_ext(x, suffix, &d, &n);
    *has = 0;
    if (rc <= 0) return rc;
    const unsigned char *p = d;
    ASN1_IA5STRING *s = d2i_ASN1_IA5STRING(NULL, &p, n);
    int ok = s && p == d + n && (size_t)ASN1_STRING_length(s) < cap;
    if (ok) {
        const unsigned char *c = ASN1_STRING_get0_data(s);
        for (int i = 0; i < ASN1_STRING_length(s); i++) ok &= c[i] >= 0x20 && c[i] < 0x7F;
        memcpy(out, c, (size_t)ASN1_STRING_length(s));
        out[ASN1_STRING_length(s)] = 0;
    }
    ASN1_IA5STRING_free(s);
    if (!ok) return -1;
    *has = 1;
    return 0;
}

int snp_vcek_ext_parse(X509 *leaf, snp_vcek_ext *e)
{
    char csp[128];
    memset(e, 0, sizeof *e);
    if (ext_ia5(leaf, "2", &e->has_product, e->product, sizeof e->product) != 0) return -1;
    for (int i = 1; i <= 9; i++) {
        char suffix[16];
        snprintf(suffix, sizeof suffix, "3.%d", i);
        if (ext_uint8(leaf, suffix, &e->has_tcb[i], &e->tcb[i]) != 0) return -1;
    }
    if (ext_ia5(leaf, "5", &e->has_csp_id, csp, sizeof csp) != 0) return -1;
    const uint8_t *d = NULL;
    int n = 0, rc = find_ext(leaf, "4", &d, &n);
    if (rc < 0) return -1;
    if (rc == 1) {
        if (n == 64 || n == 8) { /* raw bytes, as AMD KDS issues them */
            memcpy(e->hwid, d, (size_t)n), e->hwid_len = (size_t)n;
        } else if ((n == 66 || n == 10) && d[0] == 0x04 && d[1] == n - 2) { /* OCTET STRING wrapped */
            memcpy(e->hwid, d + 2, (size_t)n - 2), e->hwid_len = (size_t)n - 2;
        } else {
            return -1;
        }
        e->has_hwid = 1;
    }
    return e->has_hwid && e->has_csp_id ? -1 : 0;
}

attest_product snp_product_from_name(const char *name)
{
    static const struct {
        const char *prefix;
        attest_product p;
    } names[] = {{"Milan", ATTEST_PRODUCT_MILAN}, {"Genoa", ATTEST_PRODUCT_GENOA}, {"Turin", ATTEST_PRODUCT_TURIN}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        size_t k = strlen(names[i].prefix);
        if (!strncmp(name, names[i].prefix, k) && (name[k] == 0 || name[k] == '-')) return names[i].p;
    }
    return ATTEST_PRODUCT_UNKNOWN;
}

/* sim.c: the `sim` attestation provider for machines without SEV-SNP. It emits byte-exact
 * 1184-byte v3 reports (Milan TCB layout) signed like the real ones (ECDSA P-384, little-endian R
 * and S) by a simulated VCEK, chained VCEK -> simulated ASK -> simulation root with the real AMD
 * extension OIDs and encodings. All simulated keys derive deterministically from public labels, so
 * every process rebuilds the same hierarchy and a sim report proves nothing outside development;
 * only a verifier configured for `sim` (attest.provider in the measured configuration) trusts it.
 * Also the sim measurement: SHA-384 over the node executable and its configuration file. */
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/x509v3.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "attest/attest_internal.h"

static const attest_tcb sim_tcb = {.bl = 3, .tee = 0, .snp = 8, .ucode = 0x73};
#define SIM_NOT_BEFORE 1704067200 /* 2024-01-01T00:00:00Z */
#define SIM_NOT_AFTER 2524608000  /* 2050-01-01T00:00:00Z */

/* P-384 key with private scalar 1 + (SHA-512(domain || label || extra) mod (n - 1)). */
static EVP_PKEY *derive_key(const char *label, const uint8_t *extra, size_t extralen)
{
    static const char domain[] = "cctsa-sim-key-v1";
    uint8_t h[64], pub[97];
    EVP_PKEY *pkey = NULL;
    EVP_PKEY_CTX *pctx = NULL;
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    EC_GROUP *g = EC_GROUP_new_by_curve_name(NID_secp384r1);
    BN_CTX *bn = BN_CTX_new();
    BIGNUM *d = NULL, *nm1 = NULL;
    EC_POINT *pt = NULL;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (!bld || !g || !bn || !md || EVP_DigestInit_ex(md, EVP_sha512(), NULL) != 1 ||
        EVP_DigestUpdate(md, domain, sizeof domain) != 1 || EVP_DigestUpdate(md, label, strlen(label) + 1) != 1 ||
        (extralen && EVP_DigestUpdate(md, extra, extralen) != 1) || EVP_DigestFinal_ex(md, h, NULL) != 1)
        goto out;
    if (!(d = BN_bin2bn(h, sizeof h, NULL)) || !(nm1 = BN_dup(EC_GROUP_get0_order(g))) || !BN_sub_word(nm1, 1) ||
        !BN_mod(d, d, nm1, bn) || !BN_add_word(d, 1) || !(pt = EC_POINT_new(g)) ||
        !EC_POINT_mul(g, pt, d, NULL, NULL, bn) ||
        EC_POINT_point2oct(g, pt, POINT_CONVERSION_UNCOMPRESSED, pub, sizeof pub, bn) != sizeof pub)
        goto out;
    if (!OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "secp384r1", 0) ||
        !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, d) ||
        !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof pub) ||
        !(params = OSSL_PARAM_BLD_to_param(bld)) || !(pctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) ||
        EVP_PKEY_fromdata_init(pctx) != 1 || EVP_PKEY_fromdata(pctx, &pkey, EVP_PKEY_KEYPAIR, params) != 1)
        pkey = NULL;
out:
    OPENSSL_cleanse(h, sizeof h);
    EVP_MD_CTX_free(md);
    EC_POINT_free(pt);
    BN_clear_free(d);
    BN_free(nm1);
    BN_CTX_free(bn);
    EC_GROUP_free(g);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    EVP_PKEY_CTX_free(pctx);
    return pkey;
}

static int add_conf_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX v3;
    X509V3_set_ctx(&v3, issuer ? issuer : x, x, NULL, NULL, 0);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &v3, nid, value);
    int ok = ext && X509_add_ext(x, ext, -1) == 1;
    X509_EXTENSION_free(ext);
    return ok;
}

/* An AMD KDS extension 1.3.6.1.4.1.3704.1.<suffix> whose extnValue holds der. */
static int add_amd_ext(X509 *x, const char *suffix, const uint8_t *der, int len)
{
    char oid[64];
    snprintf(oid, sizeof oid, "1.3.6.1.4.1.3704.1.%s", suffix);
    ASN1_OBJECT *obj = OBJ_txt2obj(oid, 1);
    ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
    X509_EXTENSION *ext = NULL;
    int ok = obj && os && ASN1_OCTET_STRING_set(os, der, len) == 1 &&
             (ext = X509_EXTENSION_create_by_OBJ(NULL, obj, 0, os)) != NULL && X509_add_ext(x, ext, -1) == 1;
    X509_EXTENSION_free(ext);
    ASN1_OCTET_STRING_free(os);
    ASN1_OBJECT_free(obj);
    return ok;
}

static int add_amd_int(X509 *x, const char *suffix, unsigned v)
{
    uint8_t der[4] = {0x02, 1, (uint8_t)v}; /* INTEGER; two content bytes from 128 up */
    if (v >= 128) der[1] = 2, der[2] = 0, der[3] = (uint8_t)v;
    return add_amd_ext(x, suffix, der, v >= 128 ? 4 : 3);
}

static int add_vcek_exts(X509 *x, const uint8_t chip_id[ATTEST_CHIP_ID_BYTES])
{
    static const uint8_t product[] = {0x16, 8, 'M', 'i', 'l', 'a', 'n', '-', 'B', '0'};
    static const uint8_t zero[] = {0x02, 1, 0};
    int ok = add_amd_ext(x, "1", zero, 3) && add_amd_ext(x, "2", product, sizeof product) &&
             add_amd_int(x, "3.1", sim_tcb.bl) && add_amd_int(x, "3.2", sim_tcb.tee) &&
             add_amd_int(x, "3.3", sim_tcb.snp);
    for (int i = 4; ok && i <= 7; i++) {
        char s[16];
        snprintf(s, sizeof s, "3.%d", i);
        ok = add_amd_int(x, s, 0);
    }
    return ok && add_amd_int(x, "3.8", sim_tcb.ucode) && add_amd_ext(x, "4", chip_id, ATTEST_CHIP_ID_BYTES);
}

/* Certificate for key under the name cn, signed by issuer_key (self-signed if issuer is NULL). */
static X509 *make_cert(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *issuer_key, int ca_pathlen,
                       const uint8_t *chip_id)
{
    X509 *x = X509_new();
    X509_NAME *name = X509_NAME_new();
    int ok =
        x && name && X509_set_version(x, 2) == 1 && ASN1_INTEGER_set(X509_get_serialNumber(x), 1) == 1 &&
        X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *)"cctsa simulation", -1, -1, 0) &&
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0) &&
        X509_set_subject_name(x, name) == 1 &&
        X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name) == 1 &&
        ASN1_TIME_set(X509_getm_notBefore(x), SIM_NOT_BEFORE) && ASN1_TIME_set(X509_getm_notAfter(x), SIM_NOT_AFTER) &&
        X509_set_pubkey(x, key) == 1;
    if (ok && ca_pathlen >= 0) {
        char bc[48];
        snprintf(bc, sizeof bc, ca_pathlen > 0 ? "critical,CA:TRUE" : "critical,CA:TRUE,pathlen:0");
        ok = add_conf_ext(x, issuer, NID_basic_constraints, bc) &&
             add_conf_ext(x, issuer, NID_key_usage, "critical,keyCertSign,cRLSign");
    }
    if (ok && chip_id) ok = add_vcek_exts(x, chip_id);
    ok = ok && X509_sign(x, issuer_key ? issuer_key : key, EVP_sha384()) > 0;
    X509_NAME_free(name);
    if (!ok) X509_free(x), x = NULL;
    return x;
}

static const char sim_root_cn[] = "cctsa SEV-SNP simulation root";

static X509 *sim_root;
static pthread_once_t sim_root_once = PTHREAD_ONCE_INIT;

static void sim_root_build(void)
{
    EVP_PKEY *k = derive_key("root", NULL, 0);
    sim_root = k ? make_cert(k, sim_root_cn, NULL, NULL, 1, NULL) : NULL;
    EVP_PKEY_free(k);
}

/* Built once per process (the key is fixed; the ECDSA signature need not be). */
X509 *sim_root_cert(void)
{
    pthread_once(&sim_root_once, sim_root_build);
    return sim_root && X509_up_ref(sim_root) == 1 ? sim_root : NULL;
}

static void put_le64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t tcb_encode(const attest_tcb *t)
{
    return (uint64_t)t->bl | (uint64_t)t->tee << 8 | (uint64_t)t->snp << 48 | (uint64_t)t->ucode << 56;
}

/* ECDSA P-384 / SHA-384 over the signed region; R and S as 72-byte little-endian fields. */
static int sign_report(uint8_t *rep, EVP_PKEY *vcek)
{
    uint8_t der[128];
    size_t derlen = sizeof der;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int ok = md && EVP_DigestSignInit(md, NULL, EVP_sha384(), NULL, vcek) == 1 &&
             EVP_DigestSign(md, der, &derlen, rep, ATTEST_SIGNED_BYTES) == 1;
    EVP_MD_CTX_free(md);
    const unsigned char *p = der;
    ECDSA_SIG *sig = ok ? d2i_ECDSA_SIG(NULL, &p, (long)derlen) : NULL;
    ok = sig && BN_bn2lebinpad(ECDSA_SIG_get0_r(sig), rep + 0x2A0, 72) == 72 &&
         BN_bn2lebinpad(ECDSA_SIG_get0_s(sig), rep + 0x2E8, 72) == 72;
    ECDSA_SIG_free(sig);
    return ok ? 0 : -1;
}

static void build_report(uint8_t *rep, const uint8_t *measurement, const uint8_t *binding, const uint8_t *chip_id)
{
    uint64_t tcb = tcb_encode(&sim_tcb);
    memset(rep, 0, ATTEST_REPORT_BYTES);
    rep[0x000] = 3;                 /* VERSION */
    put_le64(rep + 0x008, 0x30000); /* POLICY: reserved bit 17, SMT allowed, ABI 0.0 */
    rep[0x034] = 1;                 /* SIGNATURE_ALGO: ECDSA P-384 SHA-384 */
    put_le64(rep + 0x038, tcb);     /* CURRENT_TCB */
    put_le64(rep + 0x040, 0x3);     /* PLATFORM_INFO: SMT_EN, TSME_EN */
    memcpy(rep + 0x050, binding, ATTEST_BINDING_BYTES);
    memcpy(rep + 0x090, measurement, ATTEST_MEASUREMENT_BYTES);
    memset(rep + 0x160, 0xFF, 32);                           /* REPORT_ID_MA: no migration agent */
    put_le64(rep + 0x180, tcb);                              /* REPORTED_TCB */
    rep[0x188] = 0x19, rep[0x189] = 0x01, rep[0x18A] = 0x01; /* CPUID: Milan B0 */
    memcpy(rep + 0x1A0, chip_id, ATTEST_CHIP_ID_BYTES);
    put_le64(rep + 0x1E0, tcb);                       /* COMMITTED_TCB */
    rep[0x1E8] = 31, rep[0x1E9] = 55, rep[0x1EA] = 1; /* firmware 1.55.31 */
    rep[0x1EC] = 31, rep[0x1ED] = 55, rep[0x1EE] = 1;
    put_le64(rep + 0x1F0, tcb); /* LAUNCH_TCB */
}

attest_err attest_sim_evidence(const uint8_t measurement[ATTEST_MEASUREMENT_BYTES],
                               const uint8_t binding[ATTEST_BINDING_BYTES], const uint8_t chip_id[ATTEST_CHIP_ID_BYTES],
                               attest_evidence *ev)
{
    uint8_t vcek_seed[ATTEST_CHIP_ID_BYTES + 8];
    memcpy(vcek_seed, chip_id, ATTEST_CHIP_ID_BYTES);
    put_le64(vcek_seed + ATTEST_CHIP_ID_BYTES, tcb_encode(&sim_tcb)); /* VCEKs derive per chip and TCB */
    EVP_PKEY *root_key = derive_key("root", NULL, 0), *ask_key = derive_key("ask", NULL, 0);
    EVP_PKEY *vcek_key = derive_key("vcek", vcek_seed, sizeof vcek_seed);
    X509 *root = NULL, *ask = NULL, *vcek = NULL;
    attest_err rc = ATTEST_ERR_INTERNAL;
    memset(ev, 0, sizeof *ev);
    if (!root_key || !ask_key || !vcek_key || !(root = sim_root_cert()) ||
        !(ask = make_cert(ask_key, "cctsa SEV-SNP simulation ASK", root, root_key, 0, NULL)) ||
        !(vcek = make_cert(vcek_key, "SEV-VCEK", ask, ask_key, -1, chip_id)))
        goto out;
    build_report(ev->report, measurement, binding, chip_id);
    if (sign_report(ev->report, vcek_key) != 0) goto out;
    int l1 = i2d_X509(vcek, NULL), l2 = i2d_X509(ask, NULL);
    if (l1 <= 0 || l2 <= 0 || !(ev->endorsements = malloc((size_t)l1 + (size_t)l2))) goto out;
    unsigned char *p = ev->endorsements;
    i2d_X509(vcek, &p), i2d_X509(ask, &p);
    ev->endorsements_len = (size_t)l1 + (size_t)l2;
    rc = ATTEST_OK;
out:
    X509_free(root), X509_free(ask), X509_free(vcek);
    EVP_PKEY_free(root_key), EVP_PKEY_free(ask_key), EVP_PKEY_free(vcek_key);
    return rc;
}

static const char sim_measure_domain[] = "cctsa-sim-measurement-v1";

/* u64be(n) into the measurement hash: frames each input, so bytes cannot move between them. */
static int put_len(EVP_MD_CTX *md, uint64_t n)
{
    uint8_t b[8];
    for (int i = 0; i < 8; i++) b[i] = (uint8_t)(n >> (56 - 8 * i));
    return EVP_DigestUpdate(md, b, 8) == 1;
}

/* u64be(size) || bytes of one file, streaming. */
static int hash_file(EVP_MD_CTX *md, const char *path)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    uint8_t buf[65536];
    if (!f) return -1;
    int ok = fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode);
    uint64_t size = ok ? (uint64_t)st.st_size : 0, seen = 0;
    ok = ok && put_len(md, size);
    size_t n;
    while (ok && (n = fread(buf, 1, sizeof buf, f)) > 0) ok = EVP_DigestUpdate(md, buf, n) == 1, seen += n;
    ok = ok && !ferror(f) && seen == size; /* a file that changed while being read is refused */
    fclose(f);
    return ok ? 0 : -1;
}

static EVP_MD_CTX *measure_begin(void)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (md && (EVP_DigestInit_ex(md, EVP_sha384(), NULL) != 1 ||
               EVP_DigestUpdate(md, sim_measure_domain, sizeof sim_measure_domain - 1) != 1))
        EVP_MD_CTX_free(md), md = NULL;
    return md;
}

int attest_sim_measure(const char *exe_path, const char *config_path, uint8_t out[ATTEST_MEASUREMENT_BYTES])
{
    EVP_MD_CTX *md = measure_begin();
    int ok =
        md && hash_file(md, exe_path) == 0 && hash_file(md, config_path) == 0 && EVP_DigestFinal_ex(md, out, NULL) == 1;
    EVP_MD_CTX_free(md);
    return ok ? 0 : -1;
}

int attest_sim_measure_bytes(const uint8_t *exe, size_t exe_len, const uint8_t *cfg, size_t cfg_len,
                             uint8_t out[ATTEST_MEASUREMENT_BYTES])
{
    EVP_MD_CTX *md = measure_begin();
    int ok = md && put_len(md, exe_len) && EVP_DigestUpdate(md, exe, exe_len) == 1 && put_len(md, cfg_len) &&
             EVP_DigestUpdate(md, cfg, cfg_len) == 1 && EVP_DigestFinal_ex(md, out, NULL) == 1;
    EVP_MD_CTX_free(md);
    return ok ? 0 : -1;
}

int attest_sim_chip_id(const char *label, uint8_t chip_id[ATTEST_CHIP_ID_BYTES])
{
    static const char domain[] = "cctsa-sim-chip-v1";
    char mid[128] = "";
    FILE *f = fopen("/etc/machine-id", "r");
    size_t n = f ? fread(mid, 1, sizeof mid - 1, f) : 0;
    if (f) fclose(f);
    unsigned len = 0;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int ok = md && EVP_DigestInit_ex(md, EVP_sha512(), NULL) == 1 && EVP_DigestUpdate(md, domain, sizeof domain) == 1 &&
             EVP_DigestUpdate(md, mid, n) == 1 && EVP_DigestUpdate(md, "", 1) == 1 &&
             EVP_DigestUpdate(md, label ? label : "", label ? strlen(label) : 0) == 1 &&
             EVP_DigestFinal_ex(md, chip_id, &len) == 1 && len == ATTEST_CHIP_ID_BYTES;
    EVP_MD_CTX_free(md);
    return ok ? 0 : -1;
}

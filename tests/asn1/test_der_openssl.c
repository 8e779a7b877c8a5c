/* test_der_openssl.c: our DER encodings compared byte for byte with OpenSSL's independent
 * encoder (i2d) and our decoders with its parser (d2i): every OID constant in oids.h, INTEGER
 * magnitudes, GeneralizedTime/UTCTime choice, named bit lists and SET OF ordering. */
#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/objects.h>
#include <stdlib.h>
#include <string.h>

#include "asn1/der.h"
#include "asn1/oids.h"
#include "check.h"

static uint64_t rng_state = 0x243F6A8885A308D3ull;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13, rng_state ^= rng_state >> 7, rng_state ^= rng_state << 17;
    return rng_state;
}

/* Finish the writer and compare with an OpenSSL encoding; frees both. */
static int same_as(der_writer *w, unsigned char *ossl, int ossl_len)
{
    uint8_t *ours = NULL;
    size_t n = 0;
    int ok =
        der_writer_finish(w, &ours, &n) == 0 && ossl_len > 0 && (size_t)ossl_len == n && memcmp(ours, ossl, n) == 0;
    free(ours);
    OPENSSL_free(ossl);
    return ok;
}

static const struct {
    const char *name, *bytes, *dotted;
    size_t len;
} oid_table[] = {
#define OID_ROW(name, dotted)                                                                                          \
    {                                                                                                                  \
#name, name, dotted, OID_LEN(name)                                                                             \
    }
    OID_ROW(OID_SHA256, "2.16.840.1.101.3.4.2.1"),
    OID_ROW(OID_SHA384, "2.16.840.1.101.3.4.2.2"),
    OID_ROW(OID_SHA512, "2.16.840.1.101.3.4.2.3"),
    OID_ROW(OID_SHA224, "2.16.840.1.101.3.4.2.4"),
    OID_ROW(OID_SHA512_224, "2.16.840.1.101.3.4.2.5"),
    OID_ROW(OID_SHA512_256, "2.16.840.1.101.3.4.2.6"),
    OID_ROW(OID_SHA3_224, "2.16.840.1.101.3.4.2.7"),
    OID_ROW(OID_SHA3_256, "2.16.840.1.101.3.4.2.8"),
    OID_ROW(OID_SHA3_384, "2.16.840.1.101.3.4.2.9"),
    OID_ROW(OID_SHA3_512, "2.16.840.1.101.3.4.2.10"),
    OID_ROW(OID_SHAKE128, "2.16.840.1.101.3.4.2.11"),
    OID_ROW(OID_SHAKE256, "2.16.840.1.101.3.4.2.12"),
    OID_ROW(OID_SHA1, "1.3.14.3.2.26"),
    OID_ROW(OID_EC_PUBLIC_KEY, "1.2.840.10045.2.1"),
    OID_ROW(OID_SECP384R1, "1.3.132.0.34"),
    OID_ROW(OID_PRIME256V1, "1.2.840.10045.3.1.7"),
    OID_ROW(OID_ECDSA_SHA256, "1.2.840.10045.4.3.2"),
    OID_ROW(OID_ECDSA_SHA384, "1.2.840.10045.4.3.3"),
    OID_ROW(OID_ECDSA_SHA512, "1.2.840.10045.4.3.4"),
    OID_ROW(OID_RSA_ENCRYPTION, "1.2.840.113549.1.1.1"),
    OID_ROW(OID_SHA256_WITH_RSA, "1.2.840.113549.1.1.11"),
    OID_ROW(OID_ML_DSA_44, "2.16.840.1.101.3.4.3.17"),
    OID_ROW(OID_ML_DSA_65, "2.16.840.1.101.3.4.3.18"),
    OID_ROW(OID_ML_DSA_87, "2.16.840.1.101.3.4.3.19"),
    OID_ROW(OID_CMS_DATA, "1.2.840.113549.1.7.1"),
    OID_ROW(OID_CMS_SIGNED_DATA, "1.2.840.113549.1.7.2"),
    OID_ROW(OID_CT_TSTINFO, "1.2.840.113549.1.9.16.1.4"),
    OID_ROW(OID_ATTR_CONTENT_TYPE, "1.2.840.113549.1.9.3"),
    OID_ROW(OID_ATTR_MESSAGE_DIGEST, "1.2.840.113549.1.9.4"),
    OID_ROW(OID_ATTR_SIGNING_TIME, "1.2.840.113549.1.9.5"),
    OID_ROW(OID_ATTR_COUNTERSIGNATURE, "1.2.840.113549.1.9.6"),
    OID_ROW(OID_ATTR_SIGNING_CERT, "1.2.840.113549.1.9.16.2.12"),
    OID_ROW(OID_ATTR_SIGNING_CERT_V2, "1.2.840.113549.1.9.16.2.47"),
    OID_ROW(OID_ATTR_CMS_ALGORITHM_PROTECT, "1.2.840.113549.1.9.52"),
    OID_ROW(OID_PKCS9_EXTENSION_REQUEST, "1.2.840.113549.1.9.14"),
    OID_ROW(OID_EXT_SUBJECT_KEY_ID, "2.5.29.14"),
    OID_ROW(OID_EXT_KEY_USAGE, "2.5.29.15"),
    OID_ROW(OID_EXT_SUBJECT_ALT_NAME, "2.5.29.17"),
    OID_ROW(OID_EXT_BASIC_CONSTRAINTS, "2.5.29.19"),
    OID_ROW(OID_EXT_CRL_DISTRIBUTION_POINTS, "2.5.29.31"),
    OID_ROW(OID_EXT_CERT_POLICIES, "2.5.29.32"),
    OID_ROW(OID_EXT_AUTHORITY_KEY_ID, "2.5.29.35"),
    OID_ROW(OID_EXT_EXT_KEY_USAGE, "2.5.29.37"),
    OID_ROW(OID_KP_TIME_STAMPING, "1.3.6.1.5.5.7.3.8"),
    OID_ROW(OID_PE_AUTHORITY_INFO_ACCESS, "1.3.6.1.5.5.7.1.1"),
    OID_ROW(OID_TCG_DICE_TCB_INFO, "2.23.133.5.4.1"),
    OID_ROW(OID_TCG_DICE_MULTI_TCB_INFO, "2.23.133.5.4.5"),
    OID_ROW(OID_AT_COMMON_NAME, "2.5.4.3"),
    OID_ROW(OID_AT_SERIAL_NUMBER, "2.5.4.5"),
    OID_ROW(OID_AT_COUNTRY, "2.5.4.6"),
    OID_ROW(OID_AT_LOCALITY, "2.5.4.7"),
    OID_ROW(OID_AT_STATE, "2.5.4.8"),
    OID_ROW(OID_AT_ORGANIZATION, "2.5.4.10"),
    OID_ROW(OID_AT_ORG_UNIT, "2.5.4.11"),
};

static void test_oids(void)
{
    for (size_t i = 0; i < sizeof oid_table / sizeof oid_table[0]; i++) {
        ASN1_OBJECT *o = OBJ_txt2obj(oid_table[i].dotted, 1);
        unsigned char *enc = NULL;
        int n = o ? i2d_ASN1_OBJECT(o, &enc) : -1;
        der_writer w;
        der_writer_init(&w);
        der_put_oid(&w, (const uint8_t *)oid_table[i].bytes, oid_table[i].len);
        CHECK_MSG(same_as(&w, enc, n), "%s (%s)", oid_table[i].name, oid_table[i].dotted);
        char s[128];
        CHECK_MSG(der_oid_to_string((const uint8_t *)oid_table[i].bytes, oid_table[i].len, s, sizeof s) == 0 &&
                      !strcmp(s, oid_table[i].dotted),
                  "%s", oid_table[i].name);
        ASN1_OBJECT_free(o);
    }
    /* A 128-bit arc (2.25.<UUID>, as our policy OIDs use): OpenSSL's encoding, our dotted form. */
    const char *uuid_oid = "2.25.104622740930165808608618531222640864576.1.4";
    ASN1_OBJECT *o = OBJ_txt2obj(uuid_oid, 1);
    const unsigned char *data = o ? OBJ_get0_data(o) : NULL;
    size_t len = o ? OBJ_length(o) : 0;
    char s[128];
    CHECK(data && der_oid_valid(data, len));
    CHECK_MSG(data && der_oid_to_string(data, len, s, sizeof s) == 0 && !strcmp(s, uuid_oid), "got %s", s);
    ASN1_OBJECT_free(o);
}

static void test_integers(void)
{
    for (int i = 0; i < 2000; i++) {
        uint8_t mag[48];
        size_t n = 1 + rnd() % sizeof mag;
        for (size_t k = 0; k < n; k++) mag[k] = (uint8_t)rnd();
        size_t zeros = rnd() % 3; /* leading zero octets the writer must strip */
        for (size_t k = 0; k < zeros && k < n; k++) mag[k] = 0;
        if (i % 7 == 0) mag[zeros < n ? zeros : 0] |= 0x80;
        BIGNUM *bn = BN_bin2bn(mag, (int)n, NULL);
        ASN1_INTEGER *ai = BN_to_ASN1_INTEGER(bn, NULL);
        unsigned char *enc = NULL;
        int elen = i2d_ASN1_INTEGER(ai, &enc);
        der_writer w;
        der_writer_init(&w);
        der_put_uint_bytes(&w, mag, n);
        uint8_t *ours;
        size_t olen;
        CHECK(der_writer_finish(&w, &ours, &olen) == 0);
        CHECK(elen > 0 && (size_t)elen == olen && memcmp(enc, ours, olen) == 0);
        /* Our decoder against BN_bn2bin of OpenSSL's parse of our bytes. */
        const unsigned char *pp = ours;
        ASN1_INTEGER *back = d2i_ASN1_INTEGER(NULL, &pp, (long)olen);
        BIGNUM *bn2 = back ? ASN1_INTEGER_to_BN(back, NULL) : NULL;
        uint8_t want[64];
        int wl = bn2 ? BN_bn2bin(bn2, want) : -1;
        der_reader r;
        der_elem e;
        const uint8_t *m;
        size_t ml;
        der_reader_init(&r, ours, olen);
        CHECK(der_read(&r, &e) == DER_OK && der_get_uint_bytes(&e, &m, &ml) == DER_OK);
        CHECK(wl >= 0 && (wl == 0 ? ml == 1 && m[0] == 0 : (size_t)wl == ml && memcmp(m, want, ml) == 0));
        BN_free(bn);
        BN_free(bn2);
        ASN1_INTEGER_free(ai);
        ASN1_INTEGER_free(back);
        OPENSSL_free(enc);
        free(ours);
    }
}

static void test_times(void)
{
    for (int i = 0; i < 2000; i++) {
        /* 1900..9999 (OpenSSL's lower bound for GeneralizedTime conversion is year 0000 too, but
         * keep the range both libraries document). */
        time_t lo = -2208988800LL, hi = 253402300799LL;
        time_t t = lo + (time_t)(rnd() % (uint64_t)(hi - lo));
        ASN1_GENERALIZEDTIME *g = ASN1_GENERALIZEDTIME_set(NULL, t);
        unsigned char *enc = NULL;
        int n = g ? i2d_ASN1_GENERALIZEDTIME(g, &enc) : -1;
        der_writer w;
        der_writer_init(&w);
        der_put_gentime(&w, t, 0);
        CHECK_MSG(same_as(&w, enc, n), "gentime %lld", (long long)t);
        ASN1_GENERALIZEDTIME_free(g);

        ASN1_TIME *at = ASN1_TIME_set(NULL, t);
        enc = NULL;
        n = at ? i2d_ASN1_TIME(at, &enc) : -1;
        der_writer_init(&w);
        der_put_x509_time(&w, t);
        CHECK_MSG(same_as(&w, enc, n), "x509 time %lld", (long long)t);
        ASN1_TIME_free(at);
    }
}

static void test_named_bits(void)
{
    for (int i = 0; i < 500; i++) {
        uint32_t flags = (uint32_t)rnd() >> (rnd() % 32);
        ASN1_BIT_STRING *bs = ASN1_BIT_STRING_new();
        for (int b = 0; b < 32; b++)
            if (flags & (UINT32_C(1) << b)) ASN1_BIT_STRING_set_bit(bs, b, 1);
        unsigned char *enc = NULL;
        int n = i2d_ASN1_BIT_STRING(bs, &enc);
        der_writer w;
        der_writer_init(&w);
        der_put_bit_flags(&w, flags);
        CHECK_MSG(same_as(&w, enc, n), "flags %08x", flags);
        ASN1_BIT_STRING_free(bs);
    }
}

/* SET OF: OpenSSL sorts SET OF encodings on output (X.690 11.6); so must we. */
static void test_set_of(void)
{
    for (int i = 0; i < 300; i++) {
        STACK_OF(ASN1_TYPE) *sk = sk_ASN1_TYPE_new_null();
        der_writer w;
        der_writer_init(&w);
        der_begin_set_of(&w);
        int count = (int)(rnd() % 8);
        for (int k = 0; k < count; k++) {
            uint8_t v[6];
            size_t vl = rnd() % sizeof v;
            for (size_t j = 0; j < vl; j++) v[j] = (uint8_t)(rnd() % 3); /* many equal prefixes */
            ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
            ASN1_OCTET_STRING_set(os, v, (int)vl);
            ASN1_TYPE *at = ASN1_TYPE_new();
            ASN1_TYPE_set(at, V_ASN1_OCTET_STRING, os);
            sk_ASN1_TYPE_push(sk, at);
            der_put_octets(&w, v, vl);
        }
        der_end(&w);
        unsigned char *enc = NULL;
        int n = i2d_ASN1_SET_ANY(sk, &enc);
        CHECK_MSG(same_as(&w, enc, n), "set of %d", count);
        sk_ASN1_TYPE_pop_free(sk, ASN1_TYPE_free);
    }
}

int main(void)
{
    test_oids();
    test_integers();
    test_times();
    test_named_bits();
    test_set_of();
    return check_summary("test_der_openssl");
}

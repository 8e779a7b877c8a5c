/* tsp_tstinfo.c: TSTInfo encoder and strict parser.
 *   TSTInfo ::= SEQUENCE { version INTEGER { v1(1) }, policy TSAPolicyId, messageImprint,
 *       serialNumber INTEGER, genTime GeneralizedTime, accuracy Accuracy OPTIONAL,
 *       ordering BOOLEAN DEFAULT FALSE, nonce INTEGER OPTIONAL, tsa [0] GeneralName OPTIONAL,
 *       extensions [1] IMPLICIT Extensions OPTIONAL }
 *   Accuracy ::= SEQUENCE { seconds INTEGER OPTIONAL, millis [0] INTEGER (1..999) OPTIONAL,
 *       micros [1] INTEGER (1..999) OPTIONAL } */
#include "tsp/tsp_tstinfo.h"

#include <string.h>

#include "asn1/der.h"

int tsp_tstinfo_encode(const tsp_tstinfo_in *in, uint8_t **out, size_t *outlen)
{
    der_writer w;
    der_writer_init(&w);
    der_begin(&w, DER_SEQUENCE);
    der_put_uint(&w, 1);
    der_put_oid(&w, in->policy, in->policy_len);
    der_put_raw(&w, in->imprint_tlv, in->imprint_tlv_len);
    der_put_uint_bytes(&w, in->serial, in->serial_len);
    der_put_gentime(&w, in->gen_sec, in->gen_ms);
    der_begin(&w, DER_SEQUENCE); /* accuracy: 1 second */
    der_put_uint(&w, 1);
    der_end(&w);
    if (in->nonce_tlv) der_put_raw(&w, in->nonce_tlv, in->nonce_tlv_len);
    if (in->tsa_name) {
        der_begin(&w, DER_CTX(0)); /* tsa [0] GeneralName (a CHOICE: explicit) */
        der_begin(&w, DER_CTX(4)); /* directoryName [4] Name (a CHOICE: explicit) */
        der_put_raw(&w, in->tsa_name, in->tsa_name_len);
        der_end(&w);
        der_end(&w);
    }
    der_end(&w);
    return der_writer_finish(&w, out, outlen);
}

#define BAD(text)                                                                                                      \
    do {                                                                                                               \
        *why = (text);                                                                                                 \
        return -1;                                                                                                     \
    } while (0)

static int parse_accuracy(const der_elem *e, tsp_tstinfo *ti)
{
    der_reader r;
    der_elem f;
    der_reader_init(&r, e->val, e->len);
    ti->has_accuracy = 1;
    if (der_optional(&r, DER_INTEGER, &f) == DER_OK && der_get_uint(&f, &ti->acc_sec) != DER_OK) return -1;
    if (der_optional(&r, DER_CTX_PRIM(0), &f) == DER_OK &&
        (der_get_uint(&f, &ti->acc_ms) != DER_OK || ti->acc_ms < 1 || ti->acc_ms > 999))
        return -1;
    if (der_optional(&r, DER_CTX_PRIM(1), &f) == DER_OK &&
        (der_get_uint(&f, &ti->acc_us) != DER_OK || ti->acc_us < 1 || ti->acc_us > 999))
        return -1;
    return der_reader_done(&r) ? 0 : -1;
}

static int parse_tsa_name(const der_elem *e, tsp_tstinfo *ti)
{
    der_reader r, dn;
    der_elem gn, name;
    der_reader_init(&r, e->val, e->len);
    if (der_read(&r, &gn) != DER_OK || !der_reader_done(&r)) return -1;
    if (gn.tag != DER_CTX(4)) {
        ti->tsa_other = 1;
        return 0;
    }
    der_reader_init(&dn, gn.val, gn.len);
    if (der_expect(&dn, DER_SEQUENCE, &name) != DER_OK || !der_reader_done(&dn)) return -1;
    ti->tsa_name = name.tlv;
    ti->tsa_name_len = name.tlvlen;
    return 0;
}

/* Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension, here [1] IMPLICIT;
 * Extension ::= SEQUENCE { extnID OID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }. */
static int parse_extensions(const der_elem *e, tsp_tstinfo *ti, const char **why)
{
    der_reader r, ext;
    der_elem id, f, seen[TSP_TSTINFO_MAX_EXTENSIONS];
    der_reader_init(&r, e->val, e->len);
    ti->has_extensions = 1;
    if (der_reader_done(&r)) BAD("TSTInfo extensions empty (SIZE 1..MAX)");
    while (!der_reader_done(&r)) {
        int critical = 0;
        if (ti->n_extensions == TSP_TSTINFO_MAX_EXTENSIONS) BAD("TSTInfo has too many extensions");
        if (der_enter(&r, DER_SEQUENCE, &ext) != DER_OK || der_expect(&ext, DER_OID, &id) != DER_OK)
            BAD("TSTInfo extension malformed");
        if (der_optional(&ext, DER_BOOLEAN, &f) == DER_OK && (der_get_bool(&f, &critical) != DER_OK || !critical))
            BAD("TSTInfo extension critical malformed (FALSE must be omitted)");
        if (der_expect(&ext, DER_OCTET_STRING, &f) != DER_OK || !der_reader_done(&ext))
            BAD("TSTInfo extension malformed");
        if (der_check_tree(f.val, f.len) != DER_OK) BAD("TSTInfo extension value is not one DER element");
        for (int i = 0; i < ti->n_extensions; i++)
            if (der_oid_equals(&seen[i], id.val, id.len)) BAD("TSTInfo extension repeated");
        seen[ti->n_extensions++] = id;
        ti->n_critical += critical;
        ti->unknown_critical += critical; /* none is understood yet */
    }
    return 0;
}

int tsp_tstinfo_parse(const uint8_t *der, size_t len, tsp_tstinfo *ti, const char **why)
{
    der_reader top, r, mi, alg;
    der_elem e, oid, hashed;
    uint64_t v;
    memset(ti, 0, sizeof *ti);
    ti->hash = -1;
    der_reader_init(&top, der, len);
    if (der_enter(&top, DER_SEQUENCE, &r) != DER_OK || !der_reader_done(&top)) BAD("TSTInfo is not one DER SEQUENCE");
    if (der_expect(&r, DER_INTEGER, &e) != DER_OK || der_get_uint(&e, &v) != DER_OK || v != 1)
        BAD("TSTInfo version is not 1");
    if (der_expect(&r, DER_OID, &e) != DER_OK || e.len == 0)
        BAD("TSTInfo policy missing or not a DER OBJECT IDENTIFIER");
    ti->policy = e.val;
    ti->policy_len = e.len;
    if (der_enter(&r, DER_SEQUENCE, &mi) != DER_OK || der_enter(&mi, DER_SEQUENCE, &alg) != DER_OK ||
        der_expect(&alg, DER_OID, &oid) != DER_OK)
        BAD("TSTInfo messageImprint malformed");
    if (!der_reader_done(&alg) && (der_expect(&alg, DER_NULL, &e) != DER_OK || e.len != 0 || !der_reader_done(&alg)))
        BAD("TSTInfo messageImprint algorithm parameters malformed");
    if (der_expect(&mi, DER_OCTET_STRING, &hashed) != DER_OK || !der_reader_done(&mi))
        BAD("TSTInfo messageImprint malformed");
    ti->hash_oid = oid.val;
    ti->hash_oid_len = oid.len;
    ti->hash = tsp_hash_from_oid(oid.val, oid.len);
    ti->hashed = hashed.val;
    ti->hashed_len = hashed.len;
    if (ti->hash >= 0 && hashed.len != tsp_hash_len((tsp_hash_alg)ti->hash)) BAD("TSTInfo imprint length wrong");
    if (der_expect(&r, DER_INTEGER, &e) != DER_OK || der_get_uint_bytes(&e, &ti->serial, &ti->serial_len) != DER_OK)
        BAD("TSTInfo serialNumber malformed or negative");
    if (ti->serial_len > 20) BAD("TSTInfo serialNumber longer than 160 bits");
    if (der_expect(&r, DER_GENERALIZED_TIME, &e) != DER_OK || der_get_gentime(&e, &ti->gen_sec, &ti->gen_ms) != DER_OK)
        BAD("TSTInfo genTime malformed");
    if (der_optional(&r, DER_SEQUENCE, &e) == DER_OK && parse_accuracy(&e, ti) != 0) BAD("TSTInfo accuracy malformed");
    if (der_optional(&r, DER_BOOLEAN, &e) == DER_OK && (der_get_bool(&e, &ti->ordering) != DER_OK || !ti->ordering))
        BAD("TSTInfo ordering malformed (FALSE must be omitted)");
    if (der_optional(&r, DER_INTEGER, &e) == DER_OK && der_get_uint_bytes(&e, &ti->nonce, &ti->nonce_len) != DER_OK)
        BAD("TSTInfo nonce malformed");
    if (der_optional(&r, DER_CTX(0), &e) == DER_OK && parse_tsa_name(&e, ti) != 0) BAD("TSTInfo tsa name malformed");
    if (der_optional(&r, DER_CTX(1), &e) == DER_OK && parse_extensions(&e, ti, why) != 0) return -1;
    if (!der_reader_done(&r)) BAD("TSTInfo has trailing fields");
    return 0;
}

/* name.c: distinguished names from and to the "CN=...,O=..." form. */
#include <stdlib.h>
#include <string.h>

#include "asn1/der.h"
#include "asn1/oids.h"
#include "x509/name.h"
#include "x509/x509_internal.h"

static const struct {
    const char *key;
    const uint8_t *oid;
    size_t oidlen;
    int printable; /* PrintableString required (RFC 5280 appendix A) */
} attrs[] = {
    {"CN", OID_ARG(OID_AT_COMMON_NAME), 0},
    {"O", OID_ARG(OID_AT_ORGANIZATION), 0},
    {"OU", OID_ARG(OID_AT_ORG_UNIT), 0},
    {"C", OID_ARG(OID_AT_COUNTRY), 1},
    {"L", OID_ARG(OID_AT_LOCALITY), 0},
    {"ST", OID_ARG(OID_AT_STATE), 0},
    {"serialNumber", OID_ARG(OID_AT_SERIAL_NUMBER), 1},
};
#define NATTRS (sizeof attrs / sizeof attrs[0])

/* Copy one unescaped token from *s up to `stop` (or end) into out; -1 if too long. */
static int take_token(const char **s, char stop, char *out, size_t cap)
{
    size_t n = 0;
    const char *p = *s;
    while (*p && *p != stop && !(stop == '=' && *p == ',')) {
        if (*p == '\\') {
            p++;
            if (!*p) return -1;
        }
        if (n + 1 >= cap) return -1;
        out[n++] = *p++;
    }
    out[n] = '\0';
    *s = p;
    return 0;
}

int x509_name_from_string(const char *s, uint8_t **der, size_t *len)
{
    char key[32], val[256];
    der_writer w;
    if (!s || !*s) return x509_fail("empty distinguished name");
    der_writer_init(&w);
    der_begin(&w, DER_SEQUENCE);
    while (*s) {
        while (*s == ' ') s++;
        if (take_token(&s, '=', key, sizeof key) || *s != '=') goto bad;
        s++;
        if (take_token(&s, ',', val, sizeof val) || !val[0]) goto bad;
        if (*s == ',' && !*++s) goto bad; /* trailing comma */
        size_t i = 0;
        while (i < NATTRS && strcmp(attrs[i].key, key) != 0) i++;
        if (i == NATTRS) goto bad;
        if (!strcmp(key, "C") && strlen(val) != 2) goto bad; /* ISO 3166 alpha-2 */
        der_begin(&w, DER_SET);
        der_begin(&w, DER_SEQUENCE);
        der_put_oid(&w, attrs[i].oid, attrs[i].oidlen);
        if (attrs[i].printable)
            der_put_printable(&w, val);
        else
            der_put_utf8(&w, val);
        der_end(&w);
        der_end(&w);
    }
    der_end(&w);
    if (der_writer_finish(&w, der, len) == 0) return 0;
    return x509_fail("invalid characters in a distinguished name value");
bad:
    der_writer_free(&w);
    return x509_fail("distinguished name must look like CN=name,O=org,C=XX");
}

static int append(char *out, size_t cap, size_t *pos, const char *s, size_t n, int escape)
{
    for (size_t i = 0; i < n; i++) {
        int esc = escape && (s[i] == ',' || s[i] == '=' || s[i] == '\\');
        if (*pos + (size_t)esc + 2 > cap) return -1;
        if (esc) out[(*pos)++] = '\\';
        out[(*pos)++] = s[i];
    }
    out[*pos] = '\0';
    return 0;
}

int x509_name_to_string(const uint8_t *der, size_t len, char *out, size_t cap)
{
    der_reader r, seq, rdn, atv;
    der_elem name, type, value;
    size_t pos = 0;
    if (!out || cap == 0) return -1;
    out[0] = '\0';
    der_reader_init(&r, der, len);
    if (der_read(&r, &name) != DER_OK || !der_reader_done(&r) || x509_check_name(&name)) return -1;
    der_reader_init(&seq, name.val, name.len);
    while (!der_reader_done(&seq)) {
        if (der_enter(&seq, DER_SET, &rdn) != DER_OK) return -1;
        while (!der_reader_done(&rdn)) {
            if (der_enter(&rdn, DER_SEQUENCE, &atv) != DER_OK || der_expect(&atv, DER_OID, &type) != DER_OK ||
                der_read(&atv, &value) != DER_OK)
                return -1;
            char key[64];
            size_t i = 0;
            while (i < NATTRS && !der_oid_equals(&type, attrs[i].oid, attrs[i].oidlen)) i++;
            if (i < NATTRS)
                strcpy(key, attrs[i].key);
            else if (der_oid_to_string(type.val, type.len, key, sizeof key))
                return -1;
            if ((pos && append(out, cap, &pos, ",", 1, 0)) || append(out, cap, &pos, key, strlen(key), 0) ||
                append(out, cap, &pos, "=", 1, 0) || append(out, cap, &pos, (const char *)value.val, value.len, 1))
                return -1;
        }
    }
    return 0;
}

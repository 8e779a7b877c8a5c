/* der_time_read.c: strict decoders for GeneralizedTime (RFC 3161/X.690 11.7: YYYYMMDDHHMMSS[.f]Z,
 * fraction without trailing zeros, at most milliseconds) and UTCTime (X.690 11.8: YYMMDDHHMMSSZ). */
#include "asn1/der.h"
#include "asn1/der_internal.h"

static int digits(const uint8_t *p, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9') return -1;
        v = v * 10 + (p[i] - '0');
    }
    *out = v;
    return 0;
}

/* MMDDHHMMSS at p (10 characters). */
static int read_rest(const uint8_t *p, der_civil_time *ct)
{
    if (digits(p, 2, &ct->month) || digits(p + 2, 2, &ct->day) || digits(p + 4, 2, &ct->hour) ||
        digits(p + 6, 2, &ct->minute) || digits(p + 8, 2, &ct->second))
        return der_fail("time contains a non-digit");
    return DER_OK;
}

static int to_secs(const der_civil_time *ct, time_t *secs)
{
    if (!der_civil_valid(ct)) return der_fail("time field out of range (month, day, hour, minute or second)");
    if (der_secs_from_civil(ct, secs)) return der_fail("time not representable");
    return DER_OK;
}

/* allow_fraction: GeneralizedTime in RFC 3161 may carry .fff; RFC 5280 forbids it in certificates. */
static int parse_gentime(const der_elem *e, time_t *secs, unsigned *millis, int allow_fraction)
{
    const uint8_t *p = e->val;
    size_t n = e->len;
    der_civil_time ct;
    if (e->tag & 0x20) return der_fail("GeneralizedTime must be primitive");
    if (n < 15 || p[n - 1] != 'Z') return der_fail("GeneralizedTime must be YYYYMMDDHHMMSS[.f]Z");
    if (digits(p, 4, &ct.year) || read_rest(p + 4, &ct) != DER_OK)
        return der_fail("GeneralizedTime contains a non-digit");
    unsigned ms = 0;
    if (n > 15) {
        if (!allow_fraction) return der_fail("fractional seconds not allowed here");
        if (p[14] != '.') return der_fail("GeneralizedTime: expected '.' or 'Z' after seconds");
        size_t fl = n - 16; /* digits between '.' and 'Z' */
        if (fl == 0) return der_fail("GeneralizedTime: empty fraction");
        if (fl > 3) return der_fail("GeneralizedTime: more than millisecond precision");
        if (p[15 + fl - 1] == '0') return der_fail("GeneralizedTime: trailing zero in fraction (not DER)");
        int f;
        if (digits(p + 15, fl, &f)) return der_fail("GeneralizedTime: non-digit in fraction");
        for (size_t i = fl; i < 3; i++) f *= 10;
        ms = (unsigned)f;
    }
    if (to_secs(&ct, secs) != DER_OK) return DER_ERR;
    if (millis) *millis = ms;
    return DER_OK;
}

int der_get_gentime(const der_elem *e, time_t *secs, unsigned *millis) { return parse_gentime(e, secs, millis, 1); }

static int parse_utctime(const der_elem *e, time_t *secs)
{
    der_civil_time ct;
    if (e->tag & 0x20) return der_fail("UTCTime must be primitive");
    if (e->len != 13 || e->val[12] != 'Z') return der_fail("UTCTime must be YYMMDDHHMMSSZ");
    int yy;
    if (digits(e->val, 2, &yy) || read_rest(e->val + 2, &ct) != DER_OK) return der_fail("UTCTime contains a non-digit");
    ct.year = yy >= 50 ? 1900 + yy : 2000 + yy; /* RFC 5280 4.1.2.5.1 */
    return to_secs(&ct, secs);
}

int der_get_x509_time(const der_elem *e, time_t *secs)
{
    if (e->tag == DER_UTC_TIME) return parse_utctime(e, secs);
    if (e->tag == DER_GENERALIZED_TIME) return parse_gentime(e, secs, NULL, 0);
    return der_fail("expected UTCTime or GeneralizedTime");
}

/* test_der_time.c: GeneralizedTime/UTCTime strictness and round trips, with glibc's timegm as
 * the independent reference for the calendar arithmetic. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "asn1/der.h"
#include "check.h"

static int decode_gen(const char *s, time_t *t, unsigned *ms)
{
    der_elem e = {DER_GENERALIZED_TIME, (const uint8_t *)s, strlen(s), NULL, 0};
    return der_get_gentime(&e, t, ms);
}

static int decode_x509(unsigned tag, const char *s, time_t *t)
{
    der_elem e = {tag, (const uint8_t *)s, strlen(s), NULL, 0};
    return der_get_x509_time(&e, t);
}

static time_t ref_time(int y, int mo, int d, int h, int mi, int s)
{
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    return timegm(&tm);
}

/* Encode with the writer; returns the contents as a NUL-terminated string (static) and the tag. */
static const char *encode(int gentime, time_t t, unsigned ms, unsigned *tag)
{
    static char s[64];
    der_writer w;
    uint8_t *out;
    size_t n;
    der_writer_init(&w);
    if (gentime)
        der_put_gentime(&w, t, ms);
    else
        der_put_x509_time(&w, t);
    if (der_writer_finish(&w, &out, &n) || n < 2 || n - 2 >= sizeof s || out[1] != n - 2) {
        if (n) free(out);
        return NULL;
    }
    *tag = out[0];
    memcpy(s, out + 2, n - 2);
    s[n - 2] = '\0';
    free(out);
    return s;
}

static void test_gentime_accept(void)
{
    time_t t;
    unsigned ms;
    CHECK(decode_gen("20261126123336Z", &t, &ms) == DER_OK && t == ref_time(2026, 11, 26, 12, 33, 36) && ms == 0);
    CHECK(decode_gen("20261126123336.5Z", &t, &ms) == DER_OK && ms == 500);
    CHECK(decode_gen("20261126123336.12Z", &t, &ms) == DER_OK && ms == 120);
    CHECK(decode_gen("20261126123336.001Z", &t, &ms) == DER_OK && ms == 1);
    CHECK(decode_gen("20240229000000Z", &t, &ms) == DER_OK && t == ref_time(2024, 2, 29, 0, 0, 0));
    CHECK(decode_gen("20000229235959Z", &t, &ms) == DER_OK && t == ref_time(2000, 2, 29, 23, 59, 59));
    CHECK(decode_gen("19691231235959Z", &t, &ms) == DER_OK && t == -1);
    CHECK(decode_gen("99991231235959Z", &t, &ms) == DER_OK && t == ref_time(9999, 12, 31, 23, 59, 59));
}

static void test_gentime_reject(void)
{
    static const char *bad[] = {
        "20261126123336",       /* no Z */
        "20261126123336z",      /* lowercase */
        "2026112612333Z",       /* short */
        "202611261233Z",        /* no seconds */
        "20261126123336+0100",  /* offset */
        "20261126123336.50Z",   /* trailing zero in fraction */
        "20261126123336.0Z",    /* zero fraction must be omitted */
        "20261126123336.Z",     /* empty fraction */
        "20261126123336.1234Z", /* beyond milliseconds */
        "20261126123336,5Z",    /* comma */
        "20261326123336Z",      /* month 13 */
        "20260001123336Z",      /* month 0 */
        "20260230123336Z",      /* Feb 30 */
        "21000229000000Z",      /* not a leap year */
        "20261100123336Z",      /* day 0 */
        "20261126243336Z",      /* hour 24 */
        "20261126126036Z",      /* minute 60 */
        "20261126123360Z",      /* leap second */
        "2026112612333AZ",      /* non-digit */
        " 0261126123336Z",      /* space */
        "20261126123336ZZ",     "",
    };
    time_t t;
    unsigned ms;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_MSG(decode_gen(bad[i], &t, &ms) == DER_ERR, "accepted '%s'", bad[i]);
    der_elem constructed = {0x38, (const uint8_t *)"20261126123336Z", 15, NULL, 0};
    CHECK(der_get_gentime(&constructed, &t, &ms) == DER_ERR);
}

static void test_x509_time(void)
{
    time_t t;
    CHECK(decode_x509(DER_UTC_TIME, "500101000000Z", &t) == DER_OK && t == ref_time(1950, 1, 1, 0, 0, 0));
    CHECK(decode_x509(DER_UTC_TIME, "491231235959Z", &t) == DER_OK && t == ref_time(2049, 12, 31, 23, 59, 59));
    CHECK(decode_x509(DER_UTC_TIME, "261126123336Z", &t) == DER_OK && t == ref_time(2026, 11, 26, 12, 33, 36));
    CHECK(decode_x509(DER_UTC_TIME, "2611261233Z", &t) == DER_ERR);       /* no seconds */
    CHECK(decode_x509(DER_UTC_TIME, "261126123336+0000", &t) == DER_ERR); /* offset */
    CHECK(decode_x509(DER_UTC_TIME, "261126123336.1Z", &t) == DER_ERR);
    CHECK(decode_x509(DER_UTC_TIME, "260229000000Z", &t) == DER_ERR); /* 2026 not leap */
    CHECK(decode_x509(DER_GENERALIZED_TIME, "20501126123336Z", &t) == DER_OK &&
          t == ref_time(2050, 11, 26, 12, 33, 36));
    CHECK(decode_x509(DER_GENERALIZED_TIME, "20501126123336.5Z", &t) == DER_ERR); /* RFC 5280: no fraction */
    CHECK(decode_x509(DER_OCTET_STRING, "20501126123336Z", &t) == DER_ERR);

    unsigned tag;
    const char *s = encode(0, ref_time(2049, 12, 31, 23, 59, 59), 0, &tag);
    CHECK(s && tag == DER_UTC_TIME && !strcmp(s, "491231235959Z"));
    s = encode(0, ref_time(2050, 1, 1, 0, 0, 0), 0, &tag);
    CHECK(s && tag == DER_GENERALIZED_TIME && !strcmp(s, "20500101000000Z"));
    s = encode(0, ref_time(1949, 12, 31, 23, 59, 59), 0, &tag);
    CHECK(s && tag == DER_GENERALIZED_TIME && !strcmp(s, "19491231235959Z"));
    s = encode(0, ref_time(1950, 1, 1, 0, 0, 0), 0, &tag);
    CHECK(s && tag == DER_UTC_TIME && !strcmp(s, "500101000000Z"));
    s = encode(1, ref_time(2026, 11, 26, 12, 33, 36), 120, &tag);
    CHECK(s && tag == DER_GENERALIZED_TIME && !strcmp(s, "20261126123336.12Z"));
    s = encode(1, ref_time(2026, 11, 26, 12, 33, 36), 7, &tag);
    CHECK(s && !strcmp(s, "20261126123336.007Z"));
    s = encode(1, ref_time(2026, 11, 26, 12, 33, 36), 0, &tag);
    CHECK(s && !strcmp(s, "20261126123336Z"));
    CHECK(encode(1, ref_time(10000, 1, 1, 0, 0, 0), 0, &tag) == NULL); /* beyond year 9999 */
}

/* Random instants 0000..9999 through writer and reader, compared with timegm/gmtime. */
static void test_round_trips(void)
{
    uint64_t x = 0x9E3779B97F4A7C15ull;
    time_t lo = ref_time(0, 1, 1, 0, 0, 0), hi = ref_time(9999, 12, 31, 23, 59, 59);
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        time_t t = lo + (time_t)(x % (uint64_t)(hi - lo + 1));
        unsigned ms = (unsigned)(x >> 40) % 1000, tag, got_ms;
        const char *s = encode(1, t, ms, &tag);
        time_t back;
        struct tm tm;
        CHECK(s != NULL);
        if (!s) continue;
        CHECK(gmtime_r(&t, &tm) != NULL);
        char want[32];
        strftime(want, sizeof want, "%Y%m%d%H%M%S", &tm);
        /* %Y gives fewer than four digits for years < 1000 */
        int ok = tm.tm_year + 1900 < 1000 || strncmp(s, want, 14) == 0;
        CHECK_MSG(ok, "%s vs %s", s, want);
        CHECK_MSG(decode_gen(s, &back, &got_ms) == DER_OK && back == t && got_ms == ms, "round trip %s", s);
        s = encode(0, t, 0, &tag);
        CHECK(s && decode_x509(tag, s, &back) == DER_OK && back == t);
    }
}

int test_der_time(void)
{
    test_gentime_accept();
    test_gentime_reject();
    test_x509_time();
    test_round_trips();
    return 0;
}

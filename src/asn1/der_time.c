/* der_time.c: calendar arithmetic for UTCTime/GeneralizedTime (proleptic Gregorian, UTC, no leap
 * seconds), independent of the C library's time zone handling. */
#include "asn1/der_internal.h"

static int is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int days_in_month(int y, int m)
{
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

int der_civil_valid(const der_civil_time *ct)
{
    if (ct->year < 0 || ct->year > 9999 || ct->month < 1 || ct->month > 12) return 0;
    if (ct->day < 1 || ct->day > days_in_month(ct->year, ct->month)) return 0;
    return ct->hour >= 0 && ct->hour <= 23 && ct->minute >= 0 && ct->minute <= 59 && ct->second >= 0 &&
           ct->second <= 59;
}

/* Days since 1970-01-01 of a civil date, counting in 400-year eras starting 0000-03-01. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

int der_secs_from_civil(const der_civil_time *ct, time_t *secs)
{
    if (!der_civil_valid(ct)) return -1;
    int64_t days = days_from_civil(ct->year, ct->month, ct->day);
    int64_t s = days * 86400 + ct->hour * 3600 + ct->minute * 60 + ct->second;
    if ((int64_t)(time_t)s != s) return -1;
    *secs = (time_t)s;
    return 0;
}

int der_civil_from_secs(time_t secs, der_civil_time *ct)
{
    int64_t s = (int64_t)secs;
    int64_t days = s >= 0 ? s / 86400 : -((-s + 86399) / 86400);
    int64_t rem = s - days * 86400;
    int64_t y;
    civil_from_days(days, &y, &ct->month, &ct->day);
    if (y < 0 || y > 9999) return -1;
    ct->year = (int)y;
    ct->hour = (int)(rem / 3600);
    ct->minute = (int)(rem % 3600 / 60);
    ct->second = (int)(rem % 60);
    return 0;
}

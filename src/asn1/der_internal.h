/* der_internal.h: helpers shared by the DER writer and reader only (not part of the public API):
 * proleptic Gregorian calendar arithmetic for the time types and the rejection-reason slot. */
#ifndef CCTSA_ASN1_DER_INTERNAL_H
#define CCTSA_ASN1_DER_INTERNAL_H

#include <stdint.h>
#include <time.h>

#include "asn1/der.h"

typedef struct {
    int year, month, day, hour, minute, second;
} der_civil_time;

/* Seconds since 1970-01-01T00:00:00Z <-> broken-down UTC; year range 0..9999. -1 if out of range. */
int der_civil_from_secs(time_t secs, der_civil_time *ct);
int der_secs_from_civil(const der_civil_time *ct, time_t *secs);
/* 1 if the fields form a real date and time (no leap seconds), else 0. */
int der_civil_valid(const der_civil_time *ct);

/* INTEGER framing: at least one octet, minimal two's complement. DER_OK or DER_ERR. */
int der_check_integer(const der_elem *e);

/* Record why the last decode failed (static string) and return DER_ERR. */
int der_fail(const char *reason);

#endif

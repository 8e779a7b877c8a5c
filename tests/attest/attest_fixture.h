/* attest_fixture.h: loading the SEV-SNP fixtures from ../shared/sev-snp-fixtures (never copied
 * into the repository) for the attest tests: report (located inside its container) plus the
 * endorsement certificates as one concatenated-DER buffer. */
#ifndef CCTSA_TESTS_ATTEST_FIXTURE_H
#define CCTSA_TESTS_ATTEST_FIXTURE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "attest/attest.h"

typedef struct {
    uint8_t *blob; /* the report file as read */
    size_t blob_len;
    const uint8_t *report; /* the 1184-byte report inside blob */
    uint8_t *certs;        /* concatenated DER */
    size_t certs_len;
} fx_report;

/* Path of a file under the fixtures folder ($CCTSA_SHARED_DIR/sev-snp-fixtures); static buffer. */
const char *fx_path(const char *relative);
/* Read the report file and the certificate files (NULL-terminated list, each PEM/DER/bundle). 0 or -1. */
int fx_load(fx_report *f, const char *report_file, const char *const *cert_files);
void fx_free(fx_report *f);
/* Concatenated DER of the given certificate files (malloc'd); 0 or -1. */
int fx_certs(const char *const *cert_files, uint8_t **der, size_t *len);
/* UTC seconds of a date. */
time_t fx_date(int y, int m, int d);

#endif

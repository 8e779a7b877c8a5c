/* attest_fixture.c: see attest_fixture.h. */
#include "attest_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

const char *fx_path(const char *relative)
{
    static char buf[1024];
    const char *shared = getenv("CCTSA_SHARED_DIR");
    snprintf(buf, sizeof buf, "%s/sev-snp-fixtures/%s", shared ? shared : CCTSA_DEFAULT_SHARED_DIR, relative);
    return buf;
}

int fx_certs(const char *const *cert_files, uint8_t **der, size_t *len)
{
    *der = NULL, *len = 0;
    for (int i = 0; cert_files[i]; i++) {
        size_t n = 0, dn = 0;
        uint8_t *text = tu_read_file(fx_path(cert_files[i]), &n), *d = NULL;
        int rc = text ? attest_endorsements_normalize(text, n, &d, &dn) : -1;
        free(text);
        uint8_t *grown = rc == 0 ? realloc(*der, *len + dn) : NULL;
        if (!grown) return free(d), free(*der), *der = NULL, -1;
        memcpy(grown + *len, d, dn);
        *der = grown, *len += dn;
        free(d);
    }
    return 0;
}

int fx_load(fx_report *f, const char *report_file, const char *const *cert_files)
{
    size_t off = 0;
    memset(f, 0, sizeof *f);
    if (!(f->blob = tu_read_file(fx_path(report_file), &f->blob_len))) return -1;
    if (attest_report_locate(f->blob, f->blob_len, &off) != 0) return fx_free(f), -1;
    f->report = f->blob + off;
    if (fx_certs(cert_files, &f->certs, &f->certs_len) != 0) return fx_free(f), -1;
    return 0;
}

void fx_free(fx_report *f)
{
    free(f->blob);
    free(f->certs);
    memset(f, 0, sizeof *f);
}

time_t fx_date(int y, int m, int d)
{
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d};
    return timegm(&tm);
}

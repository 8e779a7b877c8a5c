/* fuzz_nts_ke.c: libFuzzer target for the NTS-KE record parser (and the time.* settings parser).
 * Any input must be refused, reported incomplete, or parsed within the caps. */
#include <stdlib.h>

#include "time/nts.h"
#include "time/time_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nts_ke_result r;
    char why[160];
    int rc = nts_ke_parse(data, size, &r, why, sizeof why);
    if (rc < -1 || rc > 1) abort();
    if (rc == 0) {
        if (r.ncookies < 1 || r.ncookies > NTS_MAX_COOKIES || r.port < 0 || r.port > 65535) abort();
        for (int i = 0; i < r.ncookies; i++)
            if (!r.cookie_len[i] || r.cookie_len[i] > NTS_KE_MAX_RECORD) abort();
    }
    time_config c;
    if (time_config_parse((const char *)data, size, &c, why, sizeof why) == 0 &&
        (c.nservers < 1 || c.nservers > TIME_MAX_SOURCES || c.max_falsetickers >= c.nservers))
        abort();
    return 0;
}
